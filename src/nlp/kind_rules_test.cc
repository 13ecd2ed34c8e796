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

}  // namespace
}  // namespace humas::nlp
