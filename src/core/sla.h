// Deadline arithmetic for the inbox (Perbup Berau Lampiran B: the forwarded agency answers within
// 24 hours): calendar or working hours, a weekly office schedule, national holidays and cuti
// bersama, and the agency's zone (WIB/WITA/WIT, fixed offsets, no daylight saving). Pure: std only,
// no clock — every function takes the instants it needs.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace humas::sla {

//! Indonesia's three zones. WIB = UTC+7 (Asia/Jakarta), WITA = UTC+8 (Asia/Makassar),
//! WIT = UTC+9 (Asia/Jayapura). None observes daylight saving.
enum class Zone { kWib, kWita, kWit };
int OffsetMinutes(Zone zone);
//! Accepts the IANA names above or "WIB"/"WITA"/"WIT"; nullopt otherwise.
std::optional<Zone> ParseZone(std::string_view name);
std::string_view ZoneAbbreviation(Zone zone);

//! Stable names "calendar" (every hour counts) and "working" (only office hours on working days).
enum class Mode { kCalendar, kWorking };
std::string_view ToString(Mode mode);
std::optional<Mode> ParseMode(std::string_view s);

//! Office hours of one weekday, minutes after local midnight, [start, end).
struct Window {
  int start_minute = 0;
  int end_minute = 0;
};

//! Office hours per weekday; index 0 = Monday ... 6 = Sunday; nullopt = closed.
struct WeeklySchedule {
  std::array<std::optional<Window>, 7> days;
  //! The usual regional civil-service week: Mon–Thu 07:30–16:00, Fri 07:30–16:30, Sat–Sun closed.
  static WeeklySchedule Default();
};

//! Parses "HH:MM" (00:00–24:00) into minutes after midnight.
Result<int> ParseClock(std::string_view hhmm);
std::string FormatClock(int minutes);
//! Parses a window from two "HH:MM" values; start must be before end.
Result<Window> ParseWindow(std::string_view start, std::string_view end);

//! Stable names "libur_nasional" (national holiday) and "cuti_bersama" (collective leave).
enum class HolidayKind { kNational, kCutiBersama };
std::string_view ToString(HolidayKind kind);
std::optional<HolidayKind> ParseHolidayKind(std::string_view s);

struct Holiday {
  std::string date;  //!< "YYYY-MM-DD"
  std::string name;
  HolidayKind kind = HolidayKind::kNational;
};

//! The official list for a year, as decreed by the joint decree (SKB) of the Minister of Religious
//! Affairs, the Minister of Manpower and the Minister of PANRB; empty for a year humas does not
//! ship. Administrators add or remove days on top of it (stored, see store/cases.h).
std::vector<Holiday> OfficialHolidays(int year);

//! "YYYY-MM-DD" → days since 1970-01-01; InvalidArgument for anything else or an impossible date.
Result<std::int64_t> ParseDate(std::string_view date);
std::string FormatDate(std::int64_t day);

//! A working calendar for one agency: schedule, closed days (holidays, cuti bersama) and zone.
//! Immutable and cheap to copy; safe to share between threads.
class Calendar {
 public:
  //! InvalidArgument when the schedule has no open day or a window with start >= end.
  static Result<Calendar> Make(WeeklySchedule schedule, std::set<std::int64_t> closed_days,
                               Zone zone);

  Zone zone() const { return zone_; }
  //! Local calendar day (days since epoch in the zone) of an instant.
  std::int64_t LocalDay(UnixMillis t) const;
  //! True when `day` (local) has office hours: an open weekday that is not a closed day.
  bool IsWorkingDay(std::int64_t day) const;

  //! The instant `duration_ms` after `start`: plain addition in calendar mode; in working mode,
  //! counting only office hours of working days (a start outside office hours counts from the
  //! next opening). A deadline that uses up a day's hours exactly is that day's closing time.
  //! FailedPrecondition if no working time exists within ten years (e.g. every day closed).
  Result<UnixMillis> Deadline(UnixMillis start, std::int64_t duration_ms, Mode mode) const;

  //! Time left from `now` to `deadline` in the mode's hours (working time in working mode);
  //! negative when the deadline has passed (how far past, in the same hours).
  std::int64_t Remaining(UnixMillis now, UnixMillis deadline, Mode mode) const;

  //! Office time between two instants (0 when b <= a).
  std::int64_t WorkingMillisBetween(UnixMillis a, UnixMillis b) const;

  //! The instants at which `before_ms[i]` of (mode) time remain before `deadline`, for reminders:
  //! ascending, without duplicates, and only those after `start` (a reminder point that would fall
  //! before the clock started is dropped).
  std::vector<UnixMillis> ReminderPoints(UnixMillis start, UnixMillis deadline,
                                         const std::vector<std::int64_t>& before_ms,
                                         Mode mode) const;

 private:
  Calendar(WeeklySchedule schedule, std::set<std::int64_t> closed, Zone zone)
      : schedule_(schedule), closed_(std::move(closed)), zone_(zone) {}
  //! Office window of a local day in local milliseconds since epoch, if it is a working day.
  std::optional<std::pair<std::int64_t, std::int64_t>> LocalWindow(std::int64_t day) const;
  //! The instant `ms` of office time before `t` (walking backwards).
  UnixMillis SubtractWorking(UnixMillis t, std::int64_t ms) const;

  WeeklySchedule schedule_;
  std::set<std::int64_t> closed_;
  Zone zone_;
};

}  // namespace humas::sla
