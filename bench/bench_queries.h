// Agency query expressions for the listening benchmarks, drawn from the mention stream itself.
#pragma once

#include <algorithm>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model.h"
#include "listening/matcher.h"
#include "search/agency_query.h"
#include "search/query_parser.h"

namespace humas::bench {

// Query expressions an officer might write, drawn from the mention stream itself so that they
// really match. "selective" (the default) builds them around phrases of two adjacent words seen in
// the stream, as officers name their programmes and places; "broad" uses single common words, so
// each mention matches about 1% of all queries (an upper bound on the matching work).
inline std::vector<std::string> MakeExpressions(const std::vector<MentionInput>& rows, size_t count,
                                                bool broad) {
  std::unordered_map<std::string, int> freq;
  std::unordered_map<std::string, int> pairs;
  for (size_t i = 0; i < rows.size() && i < 20000; ++i) {
    auto words = search::Tokenize(search::FoldForMatch(rows[i].text));
    for (size_t k = 0; k < words.size(); ++k) {
      if (words[k].size() >= 4) ++freq[words[k]];
      if (k + 1 < words.size() && words[k].size() >= 3 && words[k + 1].size() >= 3)
        ++pairs[words[k] + " " + words[k + 1]];
    }
  }
  std::vector<std::string> vocab, phrases;
  for (const auto& [w, n] : freq) vocab.push_back(w);
  for (const auto& [p, n] : pairs) phrases.push_back(p);
  std::sort(vocab.begin(), vocab.end());
  std::sort(phrases.begin(), phrases.end());
  std::mt19937 rng(7);
  auto word = [&] { return vocab[rng() % vocab.size()]; };
  auto phrase = [&] { return "\"" + phrases[rng() % phrases.size()] + "\""; };
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    if (broad) {
      switch (i % 6) {
        case 0:
          out.push_back(word() + " " + word());
          break;
        case 1:
          out.push_back("(" + word() + " OR " + word() + ") -" + word());
          break;
        case 2:
          out.push_back(phrase() + " OR " + word());
          break;
        case 3:
          out.push_back(word().substr(0, 4) + "* " + word());
          break;
        case 4:
          out.push_back("#" + word() + " OR @" + word());
          break;
        default:
          out.push_back(word() + " OR " + word() + " OR " + word());
      }
      continue;
    }
    switch (i % 6) {
      case 0:
        out.push_back(phrase());
        break;
      case 1:
        out.push_back(phrase() + " -" + word());
        break;
      case 2:
        out.push_back("(" + phrase() + " OR " + phrase() + ") " + word());
        break;
      case 3:
        out.push_back(word().substr(0, 4) + "* " + phrase());
        break;
      case 4:
        out.push_back("#" + word() + " OR " + phrase());
        break;
      default:
        out.push_back(phrase() + " " + word() + " -" + word());
    }
  }
  return out;
}

//! The first `count` expressions parsed into matcher specs (ids 1..count; unparsable ones are
//! skipped).
inline std::vector<listening::QuerySpec> QuerySpecs(const std::vector<std::string>& expressions,
                                                    size_t count) {
  std::vector<listening::QuerySpec> specs;
  for (size_t i = 0; i < count && i < expressions.size(); ++i) {
    auto parsed = search::ParseAgencyQuery(expressions[i]);
    if (!parsed.ok()) continue;
    listening::QuerySpec s;
    s.id = static_cast<Id>(i + 1);
    s.expr = std::move(parsed).value();
    specs.push_back(std::move(s));
  }
  return specs;
}

}  // namespace humas::bench
