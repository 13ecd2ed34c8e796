// Seasonal baseline, robust score and verdicts (see detector.h).
#include "alerts/detector.h"

#include <algorithm>
#include <cmath>

namespace humas::alerts {
namespace {

double Median(std::vector<double>* v) {
  if (v->empty()) return 0;
  std::sort(v->begin(), v->end());
  size_t n = v->size();
  return n % 2 ? (*v)[n / 2] : ((*v)[n / 2 - 1] + (*v)[n / 2]) / 2;
}

Baseline Of(const SlotHistory& h, bool negative) {
  std::vector<double> xs;
  xs.reserve(h.past.size());
  for (const HourCounts& c : h.past)
    xs.push_back(static_cast<double>(negative ? c.negative : c.total));
  return RobustBaseline(std::move(xs));
}

}  // namespace

Baseline RobustBaseline(std::vector<double> samples) {
  Baseline b;
  b.samples = static_cast<int>(samples.size());
  b.median = Median(&samples);
  for (double& x : samples) x = std::fabs(x - b.median);
  b.mad = Median(&samples);
  return b;
}

double RobustScore(double x, const Baseline& b) {
  double scale = std::max({1.4826 * b.mad, std::sqrt(std::max(b.median, 0.0)), 1.0});
  return (x - b.median) / scale;
}

Verdict SpikeVerdict(const SlotHistory& h, const store::AlertSettings& s, int min_weeks) {
  Verdict v;
  v.observed = h.now.total;
  if (static_cast<int>(h.past.size()) < min_weeks) return v;
  v.judged = true;
  Baseline b = Of(h, false);
  v.baseline = b.median;
  v.score = RobustScore(static_cast<double>(h.now.total), b);
  v.hot = h.now.total >= s.spike_min_count && v.score >= s.spike_score;
  return v;
}

Verdict NegativeVerdict(const SlotHistory& h, const store::AlertSettings& s, int min_weeks) {
  Verdict v;
  v.observed = h.now.negative;
  if (static_cast<int>(h.past.size()) < min_weeks) return v;
  v.judged = true;
  Baseline b = Of(h, true);
  v.baseline = b.median;
  v.score = RobustScore(static_cast<double>(h.now.negative), b);
  v.share = h.now.total > 0 ? static_cast<double>(h.now.negative) / h.now.total : 0;
  std::int64_t past_total = 0;
  std::int64_t past_negative = 0;
  for (const HourCounts& c : h.past) {
    past_total += c.total;
    past_negative += c.negative;
  }
  v.baseline_share = past_total > 0 ? static_cast<double>(past_negative) / past_total : 0;
  v.hot = h.now.negative >= s.negative_min_count && v.share >= s.negative_min_share &&
          v.score >= s.negative_score;
  return v;
}

Status ValidateSettings(const store::AlertSettings& s) {
  auto range = [](double v, double lo, double hi, const char* field, const char* text) -> Status {
    if (!(v >= lo && v <= hi))
      return InvalidArgument(std::string(field) + " must be from " + text).WithField(field);
    return Status::Ok();
  };
  HUMAS_RETURN_IF_ERROR(range(s.spike_score, 1, 100, "spike_score", "1 to 100"));
  HUMAS_RETURN_IF_ERROR(
      range(static_cast<double>(s.spike_min_count), 1, 1e6, "spike_min_count", "1 to 1000000"));
  HUMAS_RETURN_IF_ERROR(range(s.negative_score, 1, 100, "negative_score", "1 to 100"));
  HUMAS_RETURN_IF_ERROR(range(static_cast<double>(s.negative_min_count), 1, 1e6,
                              "negative_min_count", "1 to 1000000"));
  HUMAS_RETURN_IF_ERROR(range(s.negative_min_share, 0, 1, "negative_min_share", "0 to 1"));
  HUMAS_RETURN_IF_ERROR(range(s.hoax_threshold, 0, 1, "hoax_threshold", "0 to 1"));
  HUMAS_RETURN_IF_ERROR(range(s.calm_hours, 1, 168, "calm_hours", "1 to 168"));
  const std::string& chat = s.telegram_chat_id;
  size_t start = !chat.empty() && chat[0] == '-' ? 1 : 0;
  bool ok = chat.empty() || (chat.size() > start && chat.size() <= 16 &&
                             std::all_of(chat.begin() + static_cast<std::ptrdiff_t>(start),
                                         chat.end(), [](char c) { return c >= '0' && c <= '9'; }));
  if (!ok)
    return InvalidArgument(
               "telegram_chat_id must be a numeric Telegram chat id such as "
               "-1001234567890 (add the bot to the group to learn it)")
        .WithField("telegram_chat_id");
  return Status::Ok();
}

}  // namespace humas::alerts
