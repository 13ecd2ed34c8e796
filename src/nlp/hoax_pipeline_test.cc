// Unit tests for hoax near-duplicate matching and the full labelling pipeline.
#include <gtest/gtest.h>

#include <filesystem>

#include "nlp/hoax.h"
#include "nlp/pipeline.h"

namespace humas::nlp {
namespace {

HoaxMatcher Library() {
  HoaxMatcher m;
  EXPECT_TRUE(m.Add("h1", "vaksin covid-19 mengandung microchip untuk melacak masyarakat"));
  EXPECT_TRUE(m.Add("h2", "minum air rebusan bawang putih bisa menyembuhkan virus corona"));
  EXPECT_FALSE(m.Add("short", "hoaks"));  // too short to match safely
  return m;
}

TEST(HoaxMatcherTest, FindsNearDuplicates) {
  const auto m = Library();
  EXPECT_EQ(m.size(), 2u);
  // slang, capitals, extra words around the claim
  auto hit = m.Best(
      "WASPADA!!! vaksin covid19 ternyata mengandung microchip utk melacak masyarakat, sebarkan");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->id, "h1");
  EXPECT_GT(hit->score, 0.7);
  hit = m.Best("katanya minum rebusan bawang putih bisa sembuhkan virus corona");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->id, "h2");
}

TEST(HoaxMatcherTest, UnrelatedTextDoesNotMatch) {
  const auto m = Library();
  EXPECT_FALSE(m.Best("jadwal vaksinasi di puskesmas hari senin").has_value());
  EXPECT_FALSE(m.Best("").has_value());
  EXPECT_FALSE(HoaxMatcher().Best("vaksin microchip").has_value());
}

TEST(HoaxMatcherTest, TokensOfTheDefaultNormaliserGiveTheSameMatch) {
  const auto m = Library();
  const Normalizer n;
  for (const char* text : {"vaksin covid19 mengandung microchip utk melacak masyarakat",
                           "rebusan bawang putih", "", "jadwal vaksinasi"}) {
    const auto a = m.Best(text, 0.0);
    const auto b = m.BestForTokens(n.Normalize(text), 0.0);
    ASSERT_EQ(a.has_value(), b.has_value()) << text;
    if (a) {
      EXPECT_EQ(a->id, b->id);
      EXPECT_DOUBLE_EQ(a->score, b->score);
    }
  }
}

TEST(PipelineTest, LabelsWithShippedModels) {
  const auto dir = std::filesystem::path(HUMAS_SOURCE_MODELS_DIR);
  if (!std::filesystem::exists(dir / "sentiment.model")) GTEST_SKIP() << "no shipped models";
  auto p = Pipeline::Load(dir.string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto l = (*p)->Label("terima kasih pak, pelayanannya cepat dan ramah sekali");
  EXPECT_EQ(l.sentiment, "positive");
  EXPECT_GT(l.sentiment_confidence, 0.5);
  EXPECT_EQ(l.input_kind, "apresiasi");
  EXPECT_FALSE(l.has_personal_data);
  l = (*p)->Label("jalan rusak parah, hubungi saya di 081234567890");
  EXPECT_EQ(l.sentiment, "negative");
  EXPECT_TRUE(l.has_personal_data);
  l = (*p)->Label("vaksin covid mengandung chip untuk melacak orang yang sudah disuntik");
  EXPECT_GT(l.hoax_score, 0.5);  // the shipped claim kominfo-2021-vaksin-chip
  EXPECT_DOUBLE_EQ(l.hoax_score,
                   (*p)->hoax()
                       .Best("vaksin covid mengandung chip untuk melacak orang yang sudah "
                             "disuntik",
                             0.0)
                       ->score);
  EXPECT_EQ(Pipeline::Load("/nonexistent").status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace humas::nlp
