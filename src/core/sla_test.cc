// Deadline arithmetic with fixed instants: weekends, holidays, cuti bersama, zones, leap years.
#include "core/sla.h"

#include <gtest/gtest.h>

namespace humas::sla {
namespace {

constexpr std::int64_t kMin = 60 * 1000;
constexpr std::int64_t kHour = 60 * kMin;

UnixMillis At(const char* rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : 0;
}

std::set<std::int64_t> Official2026() {
  std::set<std::int64_t> days;
  for (const Holiday& h : OfficialHolidays(2026)) days.insert(*ParseDate(h.date));
  return days;
}

Calendar Make(Zone zone, std::set<std::int64_t> closed = {}) {
  auto c = Calendar::Make(WeeklySchedule::Default(), std::move(closed), zone);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return *c;
}

TEST(SlaTest, CalendarModeIgnoresWeekendsAndHolidays) {
  Calendar c = Make(Zone::kWib, Official2026());
  // Friday before the Idul Fitri break: calendar hours run through every closed day.
  EXPECT_EQ(*c.Deadline(At("2026-03-19T10:00:00+07:00"), 24 * kHour, Mode::kCalendar),
            At("2026-03-20T10:00:00+07:00"));
  EXPECT_EQ(*c.Deadline(At("2026-11-27T15:00:00+07:00"), 72 * kHour, Mode::kCalendar),
            At("2026-11-30T15:00:00+07:00"));
}

TEST(SlaTest, WorkingHoursOverSeveralDays) {
  Calendar c = Make(Zone::kWib, Official2026());
  // Mon 10:00: Mon 6h, Tue 8.5h, Wed 8.5h, then 1h on Thursday → Thu 08:30.
  EXPECT_EQ(*c.Deadline(At("2026-11-23T10:00:00+07:00"), 24 * kHour, Mode::kWorking),
            At("2026-11-26T08:30:00+07:00"));
}

TEST(SlaTest, WorkingHoursSkipTheWeekend) {
  Calendar c = Make(Zone::kWib);
  // Friday closes at 16:30: 1.5h on Friday, the remaining 30 minutes on Monday.
  EXPECT_EQ(*c.Deadline(At("2026-11-27T15:00:00+07:00"), 2 * kHour, Mode::kWorking),
            At("2026-11-30T08:00:00+07:00"));
}

TEST(SlaTest, StartOutsideOfficeHoursCountsFromTheNextOpening) {
  Calendar c = Make(Zone::kWib);
  EXPECT_EQ(*c.Deadline(At("2026-11-28T10:00:00+07:00"), kHour, Mode::kWorking),  // Saturday
            At("2026-11-30T08:30:00+07:00"));
  EXPECT_EQ(*c.Deadline(At("2026-11-24T06:00:00+07:00"), kHour, Mode::kWorking),  // before 07:30
            At("2026-11-24T08:30:00+07:00"));
  EXPECT_EQ(*c.Deadline(At("2026-11-24T17:00:00+07:00"), kHour, Mode::kWorking),  // after 16:00
            At("2026-11-25T08:30:00+07:00"));
  // Friday 16:15 is still open (Friday closes at 16:30), Thursday 16:15 is not.
  EXPECT_EQ(*c.Deadline(At("2026-11-27T16:15:00+07:00"), 30 * kMin, Mode::kWorking),
            At("2026-11-30T07:45:00+07:00"));
  EXPECT_EQ(*c.Deadline(At("2026-11-26T16:15:00+07:00"), 30 * kMin, Mode::kWorking),
            At("2026-11-27T08:00:00+07:00"));
}

TEST(SlaTest, ADeadlineThatFillsADayEndsAtClosingTime) {
  Calendar c = Make(Zone::kWib);
  EXPECT_EQ(*c.Deadline(At("2026-11-23T07:30:00+07:00"), 510 * kMin, Mode::kWorking),
            At("2026-11-23T16:00:00+07:00"));
  EXPECT_EQ(*c.Deadline(At("2026-11-23T07:30:00+07:00"), 511 * kMin, Mode::kWorking),
            At("2026-11-24T07:31:00+07:00"));
}

TEST(SlaTest, HolidaysAndCutiBersamaAreClosed) {
  // Tue 17 March 2026, WITA: Nyepi (19th) with its cuti bersama (18th), then the Idul Fitri cuti
  // bersama (20th, 23rd, 24th) around the weekend holidays close the office until Wed 25 March.
  Calendar with = Make(Zone::kWita, Official2026());
  EXPECT_EQ(*with.Deadline(At("2026-03-17T15:00:00+08:00"), 24 * kHour, Mode::kWorking),
            At("2026-03-27T13:30:00+08:00"));
  Calendar without = Make(Zone::kWita);
  EXPECT_EQ(*without.Deadline(At("2026-03-17T15:00:00+08:00"), 24 * kHour, Mode::kWorking),
            At("2026-03-20T13:30:00+08:00"));
  // Only cuti bersama (Mon 16 Feb) before the Imlek holiday (Tue 17 Feb): Friday 13th 16:00 + 1h
  // → 30 min on Friday, the rest on Wednesday 18th.
  EXPECT_EQ(*with.Deadline(At("2026-02-13T16:00:00+08:00"), kHour, Mode::kWorking),
            At("2026-02-18T08:00:00+08:00"));
  EXPECT_FALSE(with.IsWorkingDay(*ParseDate("2026-02-16")));
  EXPECT_FALSE(with.IsWorkingDay(*ParseDate("2026-08-17")));
  EXPECT_TRUE(with.IsWorkingDay(*ParseDate("2026-08-18")));
  EXPECT_FALSE(with.IsWorkingDay(*ParseDate("2026-08-22")));  // Saturday
}

TEST(SlaTest, ZonesShiftTheOfficeDay) {
  // One UTC instant: 15:45 WIB (open), 16:45 WITA (closed), 17:45 WIT (closed), Monday.
  UnixMillis t = At("2026-11-23T08:45:00Z");
  EXPECT_EQ(*Make(Zone::kWib).Deadline(t, kHour, Mode::kWorking), At("2026-11-24T01:15:00Z"));
  EXPECT_EQ(*Make(Zone::kWita).Deadline(t, kHour, Mode::kWorking), At("2026-11-24T00:30:00Z"));
  EXPECT_EQ(*Make(Zone::kWit).Deadline(t, kHour, Mode::kWorking), At("2026-11-23T23:30:00Z"));
  // Sunday 17:30 UTC is already Monday 00:30 in WIB: days are local to the zone.
  Calendar wib = Make(Zone::kWib);
  EXPECT_EQ(wib.LocalDay(At("2026-11-22T17:30:00Z")), *ParseDate("2026-11-23"));
  EXPECT_EQ(wib.LocalDay(At("2026-11-22T16:59:59Z")), *ParseDate("2026-11-22"));
  Calendar wit = Make(Zone::kWit);
  EXPECT_EQ(wit.LocalDay(At("2026-11-22T15:00:00Z")), *ParseDate("2026-11-23"));
  // A holiday is the zone's local day: 17 August in WIT starts at 16 August 15:00 UTC.
  Calendar wit_h = Make(Zone::kWit, Official2026());
  EXPECT_EQ(*wit_h.Deadline(At("2026-08-16T15:00:00Z"), kHour, Mode::kWorking),
            At("2026-08-18T08:30:00+09:00"));
}

TEST(SlaTest, LeapYears) {
  Calendar c = Make(Zone::kWib);
  // Mon 28 Feb 2028 15:00 + 2h working → Tue 29 Feb (exists in 2028) 08:30.
  EXPECT_EQ(*c.Deadline(At("2028-02-28T15:00:00+07:00"), 2 * kHour, Mode::kWorking),
            At("2028-02-29T08:30:00+07:00"));
  EXPECT_EQ(*c.Deadline(At("2028-02-28T12:00:00Z"), 24 * kHour, Mode::kCalendar),
            At("2028-02-29T12:00:00Z"));
  EXPECT_EQ(*c.Deadline(At("2027-02-28T12:00:00Z"), 24 * kHour, Mode::kCalendar),
            At("2027-03-01T12:00:00Z"));
  // A holiday on the leap day moves the deadline to 1 March.
  Calendar closed = Make(Zone::kWib, {*ParseDate("2028-02-29")});
  EXPECT_EQ(*closed.Deadline(At("2028-02-28T15:00:00+07:00"), 2 * kHour, Mode::kWorking),
            At("2028-03-01T08:30:00+07:00"));
  EXPECT_TRUE(ParseDate("2028-02-29").ok());
  EXPECT_FALSE(ParseDate("2026-02-29").ok());
  EXPECT_FALSE(ParseDate("2100-02-29").ok());
  EXPECT_TRUE(ParseDate("2000-02-29").ok());
}

TEST(SlaTest, RemainingCountsOnlyOfficeTime) {
  Calendar c = Make(Zone::kWib);
  UnixMillis start = At("2026-11-23T10:00:00+07:00");
  UnixMillis deadline = *c.Deadline(start, 24 * kHour, Mode::kWorking);
  EXPECT_EQ(c.Remaining(start, deadline, Mode::kWorking), 24 * kHour);
  // Tuesday evening: Wednesday (8.5h) and Thursday's first hour remain.
  EXPECT_EQ(c.Remaining(At("2026-11-24T20:00:00+07:00"), deadline, Mode::kWorking),
            9 * kHour + 30 * kMin);
  EXPECT_EQ(c.Remaining(At("2026-11-26T09:30:00+07:00"), deadline, Mode::kWorking), -kHour);
  EXPECT_EQ(c.Remaining(At("2026-11-26T09:30:00+07:00"), deadline, Mode::kCalendar), -kHour);
  // Overdue across a weekend counts only Friday's and Monday's office time.
  UnixMillis fri = At("2026-11-27T16:00:00+07:00");
  EXPECT_EQ(c.Remaining(At("2026-11-30T08:00:00+07:00"), fri, Mode::kWorking), -kHour);
}

TEST(SlaTest, ReminderPointsBeforeTheDeadline) {
  Calendar c = Make(Zone::kWib);
  UnixMillis start = At("2026-11-23T10:00:00+07:00");
  UnixMillis deadline = At("2026-11-26T08:30:00+07:00");
  // 4h of office time before Thu 08:30 is Wed 13:00 (1h on Thursday, 3h on Wednesday);
  // 1h before is Thursday's opening.
  auto points = c.ReminderPoints(start, deadline, {kHour, 4 * kHour}, Mode::kWorking);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0], At("2026-11-25T13:00:00+07:00"));
  EXPECT_EQ(points[1], At("2026-11-26T07:30:00+07:00"));
  // Calendar mode: plain subtraction; points before the start and duplicates are dropped.
  auto cal =
      c.ReminderPoints(start, start + 24 * kHour, {kHour, kHour, 30 * kHour}, Mode::kCalendar);
  ASSERT_EQ(cal.size(), 1u);
  EXPECT_EQ(cal[0], start + 23 * kHour);
}

TEST(SlaTest, BadInputIsRejected) {
  WeeklySchedule none;
  EXPECT_EQ(Calendar::Make(none, {}, Zone::kWib).status().code(), Code::kInvalidArgument);
  WeeklySchedule inverted;
  inverted.days[0] = Window{16 * 60, 8 * 60};
  EXPECT_EQ(Calendar::Make(inverted, {}, Zone::kWib).status().code(), Code::kInvalidArgument);
  Calendar c = Make(Zone::kWib);
  EXPECT_EQ(c.Deadline(0, -1, Mode::kWorking).status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(ParseClock("7:30").ok());
  EXPECT_FALSE(ParseClock("24:30").ok());
  EXPECT_EQ(*ParseClock("24:00"), 24 * 60);
  EXPECT_FALSE(ParseWindow("16:00", "07:30").ok());
  EXPECT_FALSE(ParseZone("Europe/Berlin").has_value());
  EXPECT_EQ(*ParseZone("Asia/Makassar"), Zone::kWita);
  // Only Mondays open, and every Monday for ten years closed: no working time to be found.
  WeeklySchedule mondays;
  mondays.days[0] = Window{8 * 60, 9 * 60};
  std::set<std::int64_t> closed;
  std::int64_t first = *ParseDate("2026-11-23");
  for (std::int64_t d = first; d < first + 3700; d += 7) closed.insert(d);
  auto never = Calendar::Make(mondays, closed, Zone::kWib);
  ASSERT_TRUE(never.ok());
  EXPECT_EQ(never->Deadline(At("2026-11-23T00:00:00+07:00"), kHour, Mode::kWorking).status().code(),
            Code::kFailedPrecondition);
}

TEST(SlaTest, Official2026ListMatchesTheDecree) {
  auto days = OfficialHolidays(2026);
  int national = 0;
  int cuti = 0;
  for (const Holiday& h : days) {
    ASSERT_TRUE(ParseDate(h.date).ok()) << h.date;
    EXPECT_EQ(h.date.substr(0, 4), "2026");
    (h.kind == HolidayKind::kNational ? national : cuti)++;
  }
  EXPECT_EQ(national, 17);  // the SKB's count of national holidays
  EXPECT_EQ(cuti, 8);       // and of cuti bersama days
  EXPECT_TRUE(OfficialHolidays(2031).empty());
}

}  // namespace
}  // namespace humas::sla
