// Tests for RFC 3339 parsing/formatting and the fake clock.
#include "core/clock.h"

#include <gtest/gtest.h>

namespace humas {
namespace {

TEST(Rfc3339, ParsesUtcAndOffsets) {
  auto utc = ParseRfc3339("2024-08-17T03:00:00Z");
  ASSERT_TRUE(utc.ok()) << utc.status().ToString();
  EXPECT_EQ(*utc, 1723863600000);
  auto wib = ParseRfc3339("2024-08-17T10:00:00+07:00");
  ASSERT_TRUE(wib.ok());
  EXPECT_EQ(*wib, *utc);
  auto frac = ParseRfc3339("2024-08-17T03:00:00.25Z");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(*frac, *utc + 250);
  auto neg = ParseRfc3339("2024-08-16T23:30:00-03:30");
  ASSERT_TRUE(neg.ok());
  EXPECT_EQ(*neg, *utc);
}

TEST(Rfc3339, RejectsMalformedAndImpossibleDates) {
  for (const char* s : {"", "2024-08-17", "2024-08-17T03:00:00", "2024-13-01T00:00:00Z",
                        "2023-02-29T00:00:00Z", "2024-08-17T24:00:00Z", "2024-08-17T03:00:00+7",
                        "2024-08-17T03:00:00Zjunk", "17/08/2024 10:00", "2024-08-17T03:00:00.Z"}) {
    auto r = ParseRfc3339(s);
    EXPECT_FALSE(r.ok()) << s;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    }
  }
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z").ok());
}

TEST(Rfc3339, FormatRoundTrips) {
  for (UnixMillis t : {0LL, 1723863600123LL, -86400001LL, 4102444800000LL}) {
    auto back = ParseRfc3339(FormatRfc3339(t));
    ASSERT_TRUE(back.ok()) << FormatRfc3339(t);
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(FormatRfc3339(1723863600123), "2024-08-17T03:00:00.123Z");
}

TEST(FakeClock, MovesOnlyWhenTold) {
  FakeClock c(1000);
  EXPECT_EQ(c.Now(), 1000);
  c.Advance(500);
  EXPECT_EQ(c.Now(), 1500);
  c.Set(42);
  EXPECT_EQ(c.Now(), 42);
}

}  // namespace
}  // namespace humas
