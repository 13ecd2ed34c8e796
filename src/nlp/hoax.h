// Hoax signal: how closely a text matches a library of known, clarified hoax claims
// (near-duplicate matching on shingles of the normalised text).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "nlp/normalizer.h"

namespace humas::nlp {

//! A library of clarified hoax claims and a matcher against it. Add() is not thread-safe;
//! Best() is (const, no shared mutable state).
class HoaxMatcher {
 public:
  struct Match {
    std::string id;      //!< the claim's id (e.g. a clarification URL or number)
    double score = 0;    //!< share of the claim's shingles found in the text, 0..1
    std::string source;  //!< where the claim was clarified (URL or name); may be empty
    std::string date;    //!< date of the clarification (YYYY-MM-DD); may be empty
  };

  //! Adds a claim. Claims with fewer than 3 words are ignored (too short to match safely);
  //! returns false then.
  bool Add(std::string id, std::string_view claim, std::string source = "", std::string date = "");
  std::size_t size() const { return ids_.size(); }

  //! The best-matching claim with score >= min_score, if any. Scores are containment of the
  //! claim's character 5-gram shingles (over the stemmed, negation-marked tokens) in the text's,
  //! so a post that quotes a hoax inside other words still scores high, while word order,
  //! spelling variants and slang matter little.
  std::optional<Match> Best(std::string_view text, double min_score = 0.5) const;
  //! The same for a text already normalised with default NormalizeOptions (the pipeline's
  //! tokens): saves normalising it a second time.
  std::optional<Match> BestForTokens(const std::vector<Token>& tokens,
                                     double min_score = 0.5) const;

  //! BestForTokens(tokens, 0.0)'s score, or 0 when no claim shares a shingle: what intake
  //! labels need, without copying the claim's id, source and date.
  double BestScoreForTokens(const std::vector<Token>& tokens) const;
  //! The same score computed plainly: every shingle of the text hashed and looked up in every
  //! claim's postings, no filters. The reference tests hold BestScoreForTokens to.
  double BestScoreUnfiltered(const std::vector<Token>& tokens) const;

  //! Reads "id<TAB>claim[<TAB>source<TAB>date]" lines (no header; '#' comments). NotFound if
  //! unreadable; InvalidArgument naming the line if a line has no tab.
  static Result<HoaxMatcher> LoadTsv(const std::string& path);

 private:
  //! Distinct shingles of normalised tokens, sorted, into *out.
  static void Shingles(const std::vector<Token>& tokens, std::vector<std::uint32_t>* out);

  //! The best claim (index, score) with score >= min_score; ties go to the claim added first.
  std::optional<std::pair<std::uint32_t, double>> BestClaim(const std::vector<Token>& tokens,
                                                            double min_score) const;

  Normalizer normalizer_;
  std::vector<std::string> ids_;
  std::vector<std::string> sources_, dates_;
  std::vector<std::uint32_t> sizes_;  // distinct shingles per claim
  //! Every distinct shingle of the claims gets a dense number: its claims are postings_[number].
  std::unordered_map<std::uint32_t, std::uint32_t> numbers_;
  std::vector<std::vector<std::uint32_t>> postings_;
  //! numbers_ as a flat open-addressing table for the matching loop: a slot holds
  //! (shingle << 32) | (number + 1), 0 when empty; at most half full.
  std::vector<std::uint64_t> table_ = std::vector<std::uint64_t>(64, 0);
  void TableInsert(std::uint32_t shingle, std::uint32_t number);
  //! The number of a shingle, or -1 when no claim has it.
  std::int64_t NumberOf(std::uint32_t shingle) const {
    const std::size_t mask = table_.size() - 1;
    for (std::size_t i = SlotOf(shingle) & mask;; i = (i + 1) & mask) {
      const std::uint64_t slot = table_[i];
      if (slot == 0) return -1;
      if ((slot >> 32) == shingle) return static_cast<std::int64_t>(slot & 0xFFFFFFFFu) - 1;
    }
  }
  static std::size_t SlotOf(std::uint32_t shingle) {
    return static_cast<std::size_t>((std::uint64_t{shingle} * 0x9E3779B97F4A7C15ull) >> 32);
  }
  //! One bit per shingle hash (mod 2^18) of any claim: a cheap "in no claim" test.
  static constexpr std::size_t kFilterWords = std::size_t{1} << 12;
  std::vector<std::uint64_t> filter_ = std::vector<std::uint64_t>(kFilterWords, 0);
  //! One bit per 5-byte window of any claim's joined tokens (WindowBit): tested before hashing.
  static constexpr int kWindowBits = 17;
  std::vector<std::uint64_t> window_filter_ =
      std::vector<std::uint64_t>((std::size_t{1} << kWindowBits) / 64, 0);
  //! The window filter's bit for the 5 bytes at p (p must have 8 readable bytes).
  static std::uint32_t WindowBit(const char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big) v >>= 24;
    v &= 0xFFFFFFFFFFull;  // the first five bytes
    return static_cast<std::uint32_t>((v * 0x9E3779B97F4A7C15ull) >> (64 - kWindowBits));
  }
};

}  // namespace humas::nlp
