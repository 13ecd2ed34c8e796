// Clock implementations and RFC 3339 parsing/formatting.
#include "core/clock.h"

#include <chrono>
#include <cstdio>

namespace humas {

UnixMillis SystemClock::Now() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Howard Hinnant's civil-date algorithms (public domain).
std::int64_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, int* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t yy = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int>(yy + (*m <= 2));
}

namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at text[*pos]; false if any is not a digit.
bool Digits(std::string_view text, size_t* pos, int n, int* out) {
  if (*pos + n > text.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

Result<UnixMillis> ParseRfc3339(std::string_view text) {
  const auto bad = [&](const char* why) {
    return InvalidArgument("invalid RFC 3339 time \"" + std::string(text.substr(0, 64)) +
                           "\": " + why + " (expected e.g. 2024-08-17T10:00:00+07:00)");
  };
  size_t p = 0;
  int y, mo, d, h, mi, s;
  if (!Digits(text, &p, 4, &y) || !Expect(text, &p, '-') || !Digits(text, &p, 2, &mo) ||
      !Expect(text, &p, '-') || !Digits(text, &p, 2, &d))
    return bad("date must be YYYY-MM-DD");
  if (p >= text.size() || (text[p] != 'T' && text[p] != 't' && text[p] != ' '))
    return bad("missing 'T' between date and time");
  ++p;
  if (!Digits(text, &p, 2, &h) || !Expect(text, &p, ':') || !Digits(text, &p, 2, &mi) ||
      !Expect(text, &p, ':') || !Digits(text, &p, 2, &s))
    return bad("time must be HH:MM:SS");
  if (mo < 1 || mo > 12) return bad("month out of range");
  if (d < 1 || static_cast<unsigned>(d) > DaysInMonth(y, mo)) return bad("day out of range");
  if (h > 23 || mi > 59 || s > 60) return bad("time of day out of range");
  if (s == 60) s = 59;  // leap second: clamp
  int millis = 0;
  if (p < text.size() && text[p] == '.') {
    ++p;
    int n = 0;
    while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
      if (n < 3) millis = millis * 10 + (text[p] - '0');
      ++n;
      ++p;
    }
    if (n == 0) return bad("empty fraction of a second");
    for (int i = n; i < 3; ++i) millis *= 10;
  }
  int offset_min = 0;
  if (p < text.size() && (text[p] == 'Z' || text[p] == 'z')) {
    ++p;
  } else if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
    int sign = text[p] == '-' ? -1 : 1;
    ++p;
    int oh, om;
    if (!Digits(text, &p, 2, &oh) || !Expect(text, &p, ':') || !Digits(text, &p, 2, &om) ||
        oh > 23 || om > 59)
      return bad("offset must be Z or +HH:MM");
    offset_min = sign * (oh * 60 + om);
  } else {
    return bad("missing time zone (Z or +HH:MM)");
  }
  if (p != text.size()) return bad("unexpected text after the time");
  std::int64_t days = DaysFromCivil(y, mo, d);
  std::int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_min * 60;
  return secs * 1000 + millis;
}

std::string FormatRfc3339(UnixMillis t) {
  std::int64_t secs = t >= 0 ? t / 1000 : -((-t + 999) / 1000);
  int millis = static_cast<int>(t - secs * 1000);
  std::int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int sod = static_cast<int>(secs - days * 86400);
  int y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d, sod / 3600,
                sod / 60 % 60, sod % 60, millis);
  return buf;
}

}  // namespace humas
