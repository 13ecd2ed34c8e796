// Time in humas: UTC milliseconds since the Unix epoch, an injectable clock, RFC 3339 text.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace humas {

//! Milliseconds since 1970-01-01T00:00:00Z. Every stored time is UTC in this unit.
using UnixMillis = std::int64_t;

//! Source of "now". Production code never reads the system clock directly, so tests can drive
//! every deadline with FakeClock. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMillis Now() const = 0;
};

//! The real wall clock.
class SystemClock final : public Clock {
 public:
  UnixMillis Now() const override;
};

//! A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixMillis start) : now_(start) {}
  UnixMillis Now() const override { return now_.load(); }
  void Set(UnixMillis t) { now_.store(t); }
  void Advance(UnixMillis delta) { now_.fetch_add(delta); }

 private:
  std::atomic<UnixMillis> now_;
};

//! Parses an RFC 3339 timestamp ("2024-08-17T10:00:00Z", "2024-08-17T17:00:00.5+07:00").
//! Rejects anything else (missing offset, impossible dates, out-of-range fields) with
//! InvalidArgument naming the problem.
Result<UnixMillis> ParseRfc3339(std::string_view text);

//! Formats as RFC 3339 in UTC with millisecond precision, e.g. "2024-08-17T03:00:00.000Z".
std::string FormatRfc3339(UnixMillis t);

//! Days since epoch for a civil date (proleptic Gregorian), and back. Exposed for calendars.
std::int64_t DaysFromCivil(int y, unsigned m, unsigned d);
void CivilFromDays(std::int64_t z, int* y, unsigned* m, unsigned* d);

}  // namespace humas
