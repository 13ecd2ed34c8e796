// The statistics of alerts on hand-made weekly samples: medians, MAD, the score's floor, and the
// verdicts' minimum counts, shares and history.
#include "alerts/detector.h"

#include <gtest/gtest.h>

namespace humas::alerts {
namespace {

SlotHistory History(std::int64_t now_total, std::int64_t now_negative,
                    const std::vector<std::pair<std::int64_t, std::int64_t>>& past) {
  SlotHistory h;
  h.now = {now_total, now_negative};
  for (auto [t, n] : past) h.past.push_back({t, n});
  return h;
}

TEST(DetectorTest, RobustBaselineIgnoresOneWildWeek) {
  Baseline b = RobustBaseline({10, 12, 11, 9, 10, 300, 11, 10});
  EXPECT_DOUBLE_EQ(b.median, 10.5);
  EXPECT_DOUBLE_EQ(b.mad, 0.5);  // |x - 10.5| sorted: .5 .5 .5 .5 .5 1.5 1.5 289.5
  EXPECT_EQ(b.samples, 8);
  Baseline even = RobustBaseline({1, 3});
  EXPECT_DOUBLE_EQ(even.median, 2);
  EXPECT_DOUBLE_EQ(RobustBaseline({}).median, 0);
}

TEST(DetectorTest, ScoreHasAFloorForQuietSeries) {
  // MAD 0 and median 0: the scale is 1, not 0 (no division by zero, no infinite score).
  Baseline quiet = RobustBaseline({0, 0, 0, 0});
  EXPECT_DOUBLE_EQ(RobustScore(3, quiet), 3);
  // Median 100 with MAD 0: the Poisson floor sqrt(100) = 10 applies.
  Baseline busy = RobustBaseline({100, 100, 100, 100});
  EXPECT_DOUBLE_EQ(RobustScore(130, busy), 3);
  // A wide baseline scales by 1.4826 MAD.
  Baseline wide = RobustBaseline({10, 30, 10, 30});
  EXPECT_NEAR(RobustScore(50, wide), 30 / (1.4826 * 10), 1e-9);
}

TEST(DetectorTest, SpikeNeedsScoreMinimumCountAndHistory) {
  store::AlertSettings s;  // score 4, min count 10
  auto weeks = std::vector<std::pair<std::int64_t, std::int64_t>>(6, {5, 0});
  EXPECT_TRUE(SpikeVerdict(History(40, 0, weeks), s).hot);
  // Score 4 reached but below the minimum count: a quiet query does not alarm.
  auto quiet = std::vector<std::pair<std::int64_t, std::int64_t>>(6, {0, 0});
  Verdict small = SpikeVerdict(History(6, 0, quiet), s);
  EXPECT_TRUE(small.judged);
  EXPECT_GE(small.score, 4);
  EXPECT_FALSE(small.hot);
  // Three weeks of history are not enough to judge.
  Verdict young = SpikeVerdict(History(40, 0, {{5, 0}, {5, 0}, {5, 0}}), s);
  EXPECT_FALSE(young.judged);
  EXPECT_FALSE(young.hot);
  // The usual busy hour is not a spike.
  auto busy = std::vector<std::pair<std::int64_t, std::int64_t>>(8, {40, 0});
  EXPECT_FALSE(SpikeVerdict(History(44, 0, busy), s).hot);
}

TEST(DetectorTest, NegativeSurgeNeedsShareAndScore) {
  store::AlertSettings s;  // negative score 4, min 5, share 0.4
  auto weeks = std::vector<std::pair<std::int64_t, std::int64_t>>(6, {20, 2});
  Verdict v = NegativeVerdict(History(30, 15, weeks), s);
  EXPECT_TRUE(v.hot);
  EXPECT_DOUBLE_EQ(v.share, 0.5);
  EXPECT_DOUBLE_EQ(v.baseline_share, 0.1);
  // Many negatives in a very busy hour: the share stays low, no surge.
  EXPECT_FALSE(NegativeVerdict(History(200, 15, weeks), s).hot);
  // A high share of very few mentions: below the minimum count.
  EXPECT_FALSE(NegativeVerdict(History(4, 4, weeks), s).hot);
}

TEST(DetectorTest, SettingsAreValidated) {
  store::AlertSettings s;
  EXPECT_TRUE(ValidateSettings(s).ok());
  s.telegram_chat_id = "-1001234567890";
  EXPECT_TRUE(ValidateSettings(s).ok());
  for (const char* bad : {"@humas", "12a", "-", "12345678901234567890123"}) {
    s.telegram_chat_id = bad;
    EXPECT_EQ(ValidateSettings(s).field(), "telegram_chat_id") << bad;
  }
  s.telegram_chat_id = "";
  s.hoax_threshold = 1.5;
  EXPECT_EQ(ValidateSettings(s).field(), "hoax_threshold");
  s.hoax_threshold = 0.8;
  s.calm_hours = 0;
  EXPECT_EQ(ValidateSettings(s).field(), "calm_hours");
  s.calm_hours = 2;
  s.spike_score = 0.5;
  EXPECT_EQ(ValidateSettings(s).field(), "spike_score");
}

}  // namespace
}  // namespace humas::alerts
