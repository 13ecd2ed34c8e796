// Pipeline::Label (memoised normaliser, run-by-run Unicode fold, per-token feature memo, reused
// predictions, score-only claim match) against the plain computation of the same labels
// (pipeline_reference.h) on fixed corpora from ../shared/data, as they are and with non-ASCII
// characters mixed in: every label equal, every confidence and hoax score within 1e-6.
#include "nlp/pipeline_reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nlp/pipeline.h"

namespace humas::nlp {
namespace {

namespace fs = std::filesystem;

// Lines of a shared corpus file (a TSV line without its label column), at most `max` of them.
std::vector<std::string> Lines(const std::string& rel, bool tsv, std::size_t max) {
  std::vector<std::string> out;
  std::ifstream in(fs::path(HUMAS_SHARED_DIR) / rel);
  for (std::string line; out.size() < max && std::getline(in, line);) {
    if (tsv && line.rfind('\t') != std::string::npos) line.resize(line.rfind('\t'));
    out.push_back(line);
  }
  return out;
}

// The text with non-ASCII characters mixed in the way social media has them: emoji (with skin
// tones, joiners and variation selectors), accented and fullwidth letters, a combining mark after
// an ASCII letter, a no-break space, a tab, an invalid byte. `seed` varies where they go.
std::string Mixed(const std::string& text, std::size_t seed) {
  static const char* kInserts[] = {
      " \xF0\x9F\x98\xA1",                                             // 😡
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",                              // 👍🏽
      " caf\xC3\xA9 ",                                                 // café
      "e\xCC\x81",                                                     // e + combining acute
      "\xEF\xBC\xB4\xEF\xBC\xA9\xEF\xBC\xA4\xEF\xBC\xA1\xEF\xBC\xAB",  // ＴＩＤＡＫ
      "\xC2\xA0",                                                      // no-break space
      "\t",
      "\xE2\x9D\xA4\xEF\xB8\x8F",            // ❤️
      "ba\xE2\x80\x8Dgus",                   // zero-width joiner inside a word
      "\xFF",                                // invalid UTF-8
      " \xF0\x9F\x98\x82\xF0\x9F\x98\x82 ",  // 😂😂
      "\xC3\x9C",                            // Ü
  };
  constexpr std::size_t kN = sizeof kInserts / sizeof kInserts[0];
  std::string out = text;
  for (std::size_t k = 0; k < 3; ++k) {
    const std::size_t h = (seed * 2654435761u + k * 40503u) & 0xFFFFFFFu;
    std::size_t pos = out.empty() ? 0 : h % (out.size() + 1);
    // insert at a character boundary
    while (pos < out.size() && (static_cast<unsigned char>(out[pos]) & 0xC0) == 0x80) ++pos;
    out.insert(pos, kInserts[(h >> 7) % kN]);
  }
  return out;
}

TEST(PipelineReferenceTest, LabelsEqualThePlainComputation) {
  const fs::path dir(HUMAS_SOURCE_MODELS_DIR);
  if (!fs::exists(dir / "sentiment.model")) GTEST_SKIP() << "no shipped models";
  auto loaded = Pipeline::Load(dir.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Pipeline& p = **loaded;
  ASSERT_NE(p.kind(), nullptr);
  ASSERT_GT(p.hoax().size(), 0u);

  std::vector<std::string> texts = Lines("data/indonlu-smsa/valid_preprocess.tsv", true, 2000);
  ASSERT_GT(texts.size(), 1000u) << "SmSA validation split not found under " << HUMAS_SHARED_DIR;
  for (auto&& [rel, tsv] : {std::pair{"data/nusax-senti-id/valid.csv", false},
                            std::pair{"data/id-multilabel-hatespeech/re_dataset.csv", false}}) {
    auto more = Lines(rel, tsv, 1500);
    ASSERT_GT(more.size(), 100u) << rel;
    texts.insert(texts.end(), more.begin(), more.end());
  }
  const std::size_t plain = texts.size();
  for (std::size_t i = 0; i < plain; ++i) texts.push_back(Mixed(texts[i], i));
  // the claims, so that high hoax scores are compared too, and edge cases
  for (const char* t :
       {"vaksin covid mengandung chip untuk melacak orang yang sudah disuntik", "", " ",
        "\xF0\x9F\x98\xA1\xF0\x9F\x98\xA1", "hubungi 081234567890 atau nik 3174012345678901",
        "TIDAK bagus :( :( tapi murahhhh!!! wkwkwk #JalanRusak @humas x.id/a."}) {
    texts.emplace_back(t);
  }

  // every shipped claim, alone, quoted inside other words, and with a word dropped (partial
  // scores)
  std::size_t claims = 0;
  {
    std::ifstream in(dir / "hoax-claims.tsv");
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#' || line.find('\t') == std::string::npos) continue;
      std::string claim = line.substr(line.find('\t') + 1);
      claim = claim.substr(0, claim.find('\t'));
      texts.push_back(claim);
      texts.push_back("katanya " + claim + " benarkah? \xF0\x9F\x98\xA1");
      texts.push_back(claim.substr(claim.find(' ') + 1));
      ++claims;
    }
  }
  ASSERT_GT(claims, 10u);

  std::size_t hoax = 0, non_ascii = 0;
  for (int round = 0; round < 2; ++round) {  // cold, then warm memo tables
    for (const auto& t : texts) {
      const MentionLabels want = reference::Label(p, t);
      const MentionLabels got = p.Label(t);
      ASSERT_EQ(got.sentiment, want.sentiment) << t;
      ASSERT_NEAR(got.sentiment_confidence, want.sentiment_confidence, 1e-6) << t;
      ASSERT_EQ(got.input_kind, want.input_kind) << t;
      ASSERT_NEAR(got.input_kind_confidence, want.input_kind_confidence, 1e-6) << t;
      ASSERT_NEAR(got.hoax_score, want.hoax_score, 1e-6) << t;
      ASSERT_EQ(got.has_personal_data, want.has_personal_data) << t;
      if (round == 0) {
        hoax += want.hoax_score > 0.5;
        non_ascii += std::any_of(t.begin(), t.end(), [](char c) { return (c & 0x80) != 0; });
      }
    }
  }
  EXPECT_GE(hoax, claims * 2);          // the claims matched, alone and quoted
  EXPECT_GE(non_ascii, plain * 2 / 3);  // the general (Unicode) path was taken
}

}  // namespace
}  // namespace humas::nlp
