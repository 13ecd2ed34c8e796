// Unit tests for the kind-of-input cue-word rules.
#include "nlp/kind_rules.h"

#include <gtest/gtest.h>

#include <string>

#include "nlp/trainer.h"

namespace humas::nlp {
namespace {

std::string Rules(std::string_view text) {
  return TaskLabels("kind")[KindByRules(Normalizer().Normalize(text))];
}

TEST(KindRulesTest, EachFamily) {
  EXPECT_EQ(Rules("min, kantor buka jam berapa?"), "pertanyaan");
  EXPECT_EQ(Rules("gimana caranya daftar"), "pertanyaan");  // slang is standardised first
  EXPECT_EQ(Rules("jalan rusak parah dan lampu padam"), "keluhan");
  EXPECT_EQ(Rules("pemda seharusnya transparan, kinerja buruk"), "kritik");
  EXPECT_EQ(Rules("sebaiknya jadwal ditambah"), "saran");
  EXPECT_EQ(Rules("lebih baik dibuat online"), "saran");
  EXPECT_EQ(Rules("makasih pak, mantap"), "apresiasi");
  EXPECT_EQ(Rules("selamat hari jadi kabupaten"), "lainnya");
  EXPECT_EQ(Rules(""), "lainnya");
}

TEST(KindRulesTest, NegatedPraiseDoesNotCount) {
  const auto counts = KindCueCounts(Normalizer().Normalize("pelayanan tidak cepat"));
  EXPECT_EQ(counts[static_cast<int>(KindCue::kAppreciation)], 0);
  EXPECT_EQ(KindCueCounts(Normalizer().Normalize("pelayanan cepat"))[4], 1);
}

// The counts from per-word codes (what the feature memo keeps) equal the counts from the tokens.
TEST(KindRulesTest, CountsFromWordCodesEqualCountsFromTokens) {
  for (const char* text :
       {"lebih baik dibuat online", "ada baiknya, bagaimana kalau dibuka sore? lebih lebih baik",
        "gimana kalo jalan diperbaiki, makasih", "baik lebih kalau bagaimana baiknya ada",
        "pelayanan tidak cepat tapi ramah, terima kasih", "", "lebih"}) {
    const auto tokens = Normalizer().Normalize(text);
    std::vector<std::int8_t> cue;
    std::vector<std::uint8_t> pair;
    for (const Token& t : tokens) {
      cue.push_back(static_cast<std::int8_t>(KindCueOf(t.surface)));
      pair.push_back(static_cast<std::uint8_t>(KindPairCodeOf(t.surface)));
    }
    EXPECT_EQ(KindCueCountsOfCodes(tokens, cue, pair), KindCueCounts(tokens)) << text;
  }
  const auto tokens = Normalizer().Normalize("ada baiknya, lebih baik bagaimana kalau");
  std::vector<std::int8_t> cue(tokens.size(), -1);
  std::vector<std::uint8_t> pair;
  for (const Token& t : tokens)
    pair.push_back(static_cast<std::uint8_t>(KindPairCodeOf(t.surface)));
  EXPECT_GE(KindCueCountsOfCodes(tokens, cue, pair)[static_cast<int>(KindCue::kSuggestion)], 2);
}

}  // namespace
}  // namespace humas::nlp
