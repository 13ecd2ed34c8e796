// Rules for the kind of public input (pertanyaan, keluhan, kritik, saran, apresiasi, lainnya):
// cue words that the "kind" model uses as features and that also work alone as a baseline.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "nlp/normalizer.h"

namespace humas::nlp {

//! Rule families, in the order of TaskLabels("kind") minus "lainnya".
enum class KindCue { kQuestion, kComplaint, kCriticism, kSuggestion, kAppreciation };
inline constexpr int kKindCues = 5;

//! Number of cue hits per family in normalised tokens (the standardised surface words are
//! matched, so "gimana" counts as "bagaimana"). Negated cue words do not count for appreciation.
std::array<int, kKindCues> KindCueCounts(const std::vector<Token>& tokens);

//! The cue family of one standardised word (Token::surface) as an int, or -1 for none.
int KindCueOf(std::string_view surface);
//! KindCueCounts from the tokens and each token's KindCueOf(surface) (`cue[i]`, for callers
//! that keep it per word).
std::array<int, kKindCues> KindCueCountsOf(const std::vector<Token>& tokens,
                                           const std::vector<std::int8_t>& cue);

//! How one standardised word takes part in the two-word suggestion cues ("lebih baik", "ada
//! baiknya", "bagaimana kalau"): the pair's number (1-3) as the first word in the low four bits,
//! as the second word in the high four bits; 0 for neither.
int KindPairCodeOf(std::string_view surface);
//! KindCueCounts from each token's KindCueOf (`cue[i]`) and KindPairCodeOf (`pair[i]`).
std::array<int, kKindCues> KindCueCountsOfCodes(const std::vector<Token>& tokens,
                                                const std::vector<std::int8_t>& cue,
                                                const std::vector<std::uint8_t>& pair);

//! Rules alone: the family with most hits (ties: question > suggestion > criticism > complaint >
//! appreciation, the order officers must act on first), or "lainnya" when none hits. Returns an
//! index into TaskLabels("kind").
int KindByRules(const std::vector<Token>& tokens);

}  // namespace humas::nlp
