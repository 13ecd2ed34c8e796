// Rules for the kind of public input (pertanyaan, keluhan, kritik, saran, apresiasi, lainnya):
// cue words that the "kind" model uses as features and that also work alone as a baseline.
#pragma once

#include <array>
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

//! Rules alone: the family with most hits (ties: question > suggestion > criticism > complaint >
//! appreciation, the order officers must act on first), or "lainnya" when none hits. Returns an
//! index into TaskLabels("kind").
int KindByRules(const std::vector<Token>& tokens);

}  // namespace humas::nlp
