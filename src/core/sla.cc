// Working calendar and deadline arithmetic (see sla.h).
#include "core/sla.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace humas::sla {
namespace {

constexpr std::int64_t kMinute = 60 * 1000;
constexpr std::int64_t kDay = 24 * 60 * kMinute;
//! How far the working-time walks look before giving up (a calendar with no open day left).
constexpr std::int64_t kMaxDays = 3660;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

//! 0 = Monday. 1970-01-01 (day 0) was a Thursday.
int Weekday(std::int64_t day) { return static_cast<int>(((day % 7) + 7 + 3) % 7); }

struct OfficialDay {
  const char* date;
  const char* name;
  HolidayKind kind;
};

// Hari libur nasional dan cuti bersama 2026: Surat Keputusan Bersama Menteri Agama, Menteri
// Ketenagakerjaan dan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 1497
// Tahun 2025, Nomor 2 Tahun 2025, Nomor 5 Tahun 2025 (announced by the Coordinating Minister for
// Human Development and Culture on 19 September 2025): 17 national holidays and 8 days of cuti
// bersama. A later amendment of the SKB is entered by the administrator (calendar admin API).
constexpr OfficialDay kOfficial2026[] = {
    {"2026-01-01", "Tahun Baru 2026 Masehi", HolidayKind::kNational},
    {"2026-01-16", "Isra Mikraj Nabi Muhammad SAW", HolidayKind::kNational},
    {"2026-02-16", "Cuti bersama Tahun Baru Imlek", HolidayKind::kCutiBersama},
    {"2026-02-17", "Tahun Baru Imlek 2577 Kongzili", HolidayKind::kNational},
    {"2026-03-18", "Cuti bersama Hari Suci Nyepi", HolidayKind::kCutiBersama},
    {"2026-03-19", "Hari Suci Nyepi (Tahun Baru Saka 1948)", HolidayKind::kNational},
    {"2026-03-20", "Cuti bersama Idul Fitri 1447 H", HolidayKind::kCutiBersama},
    {"2026-03-21", "Idul Fitri 1447 H", HolidayKind::kNational},
    {"2026-03-22", "Idul Fitri 1447 H", HolidayKind::kNational},
    {"2026-03-23", "Cuti bersama Idul Fitri 1447 H", HolidayKind::kCutiBersama},
    {"2026-03-24", "Cuti bersama Idul Fitri 1447 H", HolidayKind::kCutiBersama},
    {"2026-04-03", "Wafat Yesus Kristus", HolidayKind::kNational},
    {"2026-04-05", "Kebangkitan Yesus Kristus (Paskah)", HolidayKind::kNational},
    {"2026-05-01", "Hari Buruh Internasional", HolidayKind::kNational},
    {"2026-05-14", "Kenaikan Yesus Kristus", HolidayKind::kNational},
    {"2026-05-15", "Cuti bersama Kenaikan Yesus Kristus", HolidayKind::kCutiBersama},
    {"2026-05-27", "Idul Adha 1447 H", HolidayKind::kNational},
    {"2026-05-28", "Cuti bersama Idul Adha 1447 H", HolidayKind::kCutiBersama},
    {"2026-05-31", "Hari Raya Waisak 2570 BE", HolidayKind::kNational},
    {"2026-06-01", "Hari Lahir Pancasila", HolidayKind::kNational},
    {"2026-06-16", "1 Muharam Tahun Baru Islam 1448 H", HolidayKind::kNational},
    {"2026-08-17", "Proklamasi Kemerdekaan", HolidayKind::kNational},
    {"2026-08-25", "Maulid Nabi Muhammad SAW", HolidayKind::kNational},
    {"2026-12-24", "Cuti bersama Hari Raya Natal", HolidayKind::kCutiBersama},
    {"2026-12-25", "Kelahiran Yesus Kristus", HolidayKind::kNational},
};

}  // namespace

int OffsetMinutes(Zone zone) {
  switch (zone) {
    case Zone::kWib:
      return 7 * 60;
    case Zone::kWita:
      return 8 * 60;
    case Zone::kWit:
      return 9 * 60;
  }
  return 7 * 60;
}

std::optional<Zone> ParseZone(std::string_view name) {
  if (name == "Asia/Jakarta" || name == "WIB") return Zone::kWib;
  if (name == "Asia/Makassar" || name == "WITA") return Zone::kWita;
  if (name == "Asia/Jayapura" || name == "WIT") return Zone::kWit;
  return std::nullopt;
}

std::string_view ZoneAbbreviation(Zone zone) {
  switch (zone) {
    case Zone::kWib:
      return "WIB";
    case Zone::kWita:
      return "WITA";
    case Zone::kWit:
      return "WIT";
  }
  return "WIB";
}

std::string_view ToString(Mode mode) { return mode == Mode::kWorking ? "working" : "calendar"; }

std::optional<Mode> ParseMode(std::string_view s) {
  if (s == "calendar") return Mode::kCalendar;
  if (s == "working") return Mode::kWorking;
  return std::nullopt;
}

WeeklySchedule WeeklySchedule::Default() {
  WeeklySchedule s;
  for (int d = 0; d < 4; ++d) s.days[d] = Window{7 * 60 + 30, 16 * 60};
  s.days[4] = Window{7 * 60 + 30, 16 * 60 + 30};
  return s;
}

Result<int> ParseClock(std::string_view hhmm) {
  auto bad = [&] {
    return InvalidArgument("'" + std::string(hhmm) + "' is not a time of day HH:MM");
  };
  if (hhmm.size() != 5 || hhmm[2] != ':') return bad();
  int h = 0;
  int m = 0;
  if (std::from_chars(hhmm.data(), hhmm.data() + 2, h).ptr != hhmm.data() + 2) return bad();
  if (std::from_chars(hhmm.data() + 3, hhmm.data() + 5, m).ptr != hhmm.data() + 5) return bad();
  if (h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0)) return bad();
  return h * 60 + m;
}

std::string FormatClock(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

Result<Window> ParseWindow(std::string_view start, std::string_view end) {
  HUMAS_ASSIGN_OR_RETURN(int s, ParseClock(start));
  HUMAS_ASSIGN_OR_RETURN(int e, ParseClock(end));
  if (s >= e) return InvalidArgument("office hours must start before they end");
  return Window{s, e};
}

std::string_view ToString(HolidayKind kind) {
  return kind == HolidayKind::kCutiBersama ? "cuti_bersama" : "libur_nasional";
}

std::optional<HolidayKind> ParseHolidayKind(std::string_view s) {
  if (s == "libur_nasional") return HolidayKind::kNational;
  if (s == "cuti_bersama") return HolidayKind::kCutiBersama;
  return std::nullopt;
}

std::vector<Holiday> OfficialHolidays(int year) {
  std::vector<Holiday> out;
  if (year != 2026) return out;
  for (const OfficialDay& d : kOfficial2026) out.push_back({d.date, d.name, d.kind});
  return out;
}

Result<std::int64_t> ParseDate(std::string_view date) {
  auto bad = [&] {
    return InvalidArgument("'" + std::string(date) + "' is not a date YYYY-MM-DD");
  };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad();
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (std::from_chars(date.data(), date.data() + 4, y).ptr != date.data() + 4) return bad();
  if (std::from_chars(date.data() + 5, date.data() + 7, m).ptr != date.data() + 7) return bad();
  if (std::from_chars(date.data() + 8, date.data() + 10, d).ptr != date.data() + 10) return bad();
  if (m < 1 || m > 12 || d < 1) return bad();
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  unsigned max = kDays[m - 1] + ((m == 2 && leap) ? 1 : 0);
  if (d > max) return bad();
  return DaysFromCivil(y, m, d);
}

std::string FormatDate(std::int64_t day) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  CivilFromDays(day, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

Result<Calendar> Calendar::Make(WeeklySchedule schedule, std::set<std::int64_t> closed_days,
                                Zone zone) {
  bool any = false;
  for (const auto& w : schedule.days) {
    if (!w) continue;
    if (w->start_minute < 0 || w->end_minute > 24 * 60 || w->start_minute >= w->end_minute)
      return InvalidArgument("office hours must start before they end, within one day");
    any = true;
  }
  if (!any) return InvalidArgument("the weekly schedule has no working day");
  return Calendar(schedule, std::move(closed_days), zone);
}

std::int64_t Calendar::LocalDay(UnixMillis t) const {
  return FloorDiv(t + OffsetMinutes(zone_) * kMinute, kDay);
}

bool Calendar::IsWorkingDay(std::int64_t day) const {
  return schedule_.days[Weekday(day)].has_value() && closed_.count(day) == 0;
}

std::optional<std::pair<std::int64_t, std::int64_t>> Calendar::LocalWindow(std::int64_t day) const {
  if (!IsWorkingDay(day)) return std::nullopt;
  const Window& w = *schedule_.days[Weekday(day)];
  return std::make_pair(day * kDay + w.start_minute * kMinute, day * kDay + w.end_minute * kMinute);
}

Result<UnixMillis> Calendar::Deadline(UnixMillis start, std::int64_t duration_ms, Mode mode) const {
  if (duration_ms < 0) return InvalidArgument("a duration cannot be negative");
  if (mode == Mode::kCalendar || duration_ms == 0) return start + duration_ms;
  const std::int64_t offset = OffsetMinutes(zone_) * kMinute;
  std::int64_t local = start + offset;
  std::int64_t left = duration_ms;
  std::int64_t day = FloorDiv(local, kDay);
  for (std::int64_t i = 0; i < kMaxDays; ++i, ++day) {
    auto w = LocalWindow(day);
    if (!w) continue;
    std::int64_t from = std::max(local, w->first);
    if (from >= w->second) continue;
    std::int64_t avail = w->second - from;
    if (left <= avail) return from + left - offset;
    left -= avail;
  }
  return FailedPrecondition("no working time within ten years: check the schedule and holidays");
}

std::int64_t Calendar::WorkingMillisBetween(UnixMillis a, UnixMillis b) const {
  if (b <= a) return 0;
  const std::int64_t offset = OffsetMinutes(zone_) * kMinute;
  std::int64_t la = a + offset;
  std::int64_t lb = b + offset;
  std::int64_t total = 0;
  for (std::int64_t day = FloorDiv(la, kDay); day <= FloorDiv(lb, kDay); ++day) {
    auto w = LocalWindow(day);
    if (!w) continue;
    std::int64_t from = std::max(la, w->first);
    std::int64_t to = std::min(lb, w->second);
    if (to > from) total += to - from;
  }
  return total;
}

std::int64_t Calendar::Remaining(UnixMillis now, UnixMillis deadline, Mode mode) const {
  if (mode == Mode::kCalendar) return deadline - now;
  if (now <= deadline) return WorkingMillisBetween(now, deadline);
  return -WorkingMillisBetween(deadline, now);
}

UnixMillis Calendar::SubtractWorking(UnixMillis t, std::int64_t ms) const {
  const std::int64_t offset = OffsetMinutes(zone_) * kMinute;
  std::int64_t local = t + offset;
  std::int64_t left = ms;
  std::int64_t day = FloorDiv(local, kDay);
  for (std::int64_t i = 0; i < kMaxDays; ++i, --day) {
    auto w = LocalWindow(day);
    if (!w) continue;
    std::int64_t to = std::min(local, w->second);
    if (to <= w->first) continue;
    std::int64_t avail = to - w->first;
    if (left <= avail) return to - left - offset;
    left -= avail;
  }
  return t - kMaxDays * kDay;  // far in the past: callers drop points before the start
}

std::vector<UnixMillis> Calendar::ReminderPoints(UnixMillis start, UnixMillis deadline,
                                                 const std::vector<std::int64_t>& before_ms,
                                                 Mode mode) const {
  std::vector<UnixMillis> out;
  for (std::int64_t b : before_ms) {
    if (b <= 0) continue;
    UnixMillis p = mode == Mode::kCalendar ? deadline - b : SubtractWorking(deadline, b);
    if (p > start && p < deadline) out.push_back(p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace humas::sla
