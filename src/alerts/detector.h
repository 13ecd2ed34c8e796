// The statistics of listening alerts, free of storage: an hour-of-week seasonal baseline over the
// same hour in past weeks, a robust score against it, and the spike / negative-surge verdicts.
#pragma once

#include <cstdint>
#include <vector>

#include "core/clock.h"
#include "store/alerts.h"

namespace humas::alerts {

inline constexpr UnixMillis kHourMs = 3'600'000;
inline constexpr UnixMillis kWeekMs = 7 * 24 * kHourMs;
//! The baseline looks back this many weeks at the same hour of the week.
inline constexpr int kBaselineWeeks = 8;
//! A series with fewer past weeks of history than this is not judged (it has no baseline yet).
inline constexpr int kMinBaselineWeeks = 4;

//! Median and median absolute deviation of the samples.
struct Baseline {
  double median = 0;
  double mad = 0;
  int samples = 0;
};
Baseline RobustBaseline(std::vector<double> samples);

//! (x - median) / scale with scale = max(1.4826 * MAD, sqrt(median), 1): the MAD of a few
//! weekly samples is often 0, so the floor keeps quiet series from scoring huge on one mention
//! (sqrt(median) is the spread of a Poisson count with that mean).
double RobustScore(double x, const Baseline& b);

//! Mentions in one hour: all of them and the negative ones.
struct HourCounts {
  std::int64_t total = 0;
  std::int64_t negative = 0;
};

//! One series (a query, or an agency's topic) at one hour of the week: the hour itself and the
//! same hour in each past week that lies within the series' history (newest first).
struct SlotHistory {
  HourCounts now;
  std::vector<HourCounts> past;
};

struct Verdict {
  bool hot = false;
  bool judged = false;  //!< false when there is too little history to judge
  std::int64_t observed = 0;
  double baseline = 0;  //!< the baseline median
  double score = 0;
  double share = 0;           //!< negative share of the hour (negative verdicts)
  double baseline_share = 0;  //!< negative share over the past weeks (negative verdicts)
};

//! Volume spike: at least spike_min_count mentions and a robust score >= spike_score.
Verdict SpikeVerdict(const SlotHistory& h, const store::AlertSettings& s,
                     int min_weeks = kMinBaselineWeeks);
//! Negative surge: at least negative_min_count negative mentions, a negative share of at least
//! negative_min_share, and a robust score of the negative count >= negative_score.
Verdict NegativeVerdict(const SlotHistory& h, const store::AlertSettings& s,
                        int min_weeks = kMinBaselineWeeks);

//! Checks thresholds given by a person: scores 1..100, counts 1..1,000,000, shares and the hoax
//! threshold 0..1, calm hours 1..168, a Telegram chat id that is empty or numeric.
//! InvalidArgument naming the field otherwise.
Status ValidateSettings(const store::AlertSettings& s);

}  // namespace humas::alerts
