// Feed dates: every shape seen in the wild parses to the right instant; garbage is empty.
#include <gtest/gtest.h>

#include "connectors/feed/feed.h"

namespace humas::connectors::feed {
namespace {

std::string D(const char* s) {
  auto t = ParseDate(s);
  return t ? FormatDate(*t) : "";
}

TEST(FeedDateTest, Rfc822Variants) {
  EXPECT_EQ(D("Wed, 31 Dec 2003 10:14:55 GMT"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(D("Wed, 31 Dec 2003 10:14:55 +0700"), "2003-12-31T03:14:55Z");
  EXPECT_EQ(D("Wed, 31 Dec 2003 10:14:55 -05:00"), "2003-12-31T15:14:55Z");
  EXPECT_EQ(D("Wed, 31 Dec 2003 10:14:55 EST"), "2003-12-31T15:14:55Z");
  EXPECT_EQ(D("Wed, 31 Dec 2003 10:14:55 PDT"), "2003-12-31T17:14:55Z");
  EXPECT_EQ(D("31 Dec 2003 10:14 GMT"), "2003-12-31T10:14:00Z");        // no weekday, no seconds
  EXPECT_EQ(D("Wed, 31 Dec 03 10:14:55 GMT"), "2003-12-31T10:14:55Z");  // 2-digit year
  EXPECT_EQ(D("Wednesday, 31 December 2003 10:14:55 UT"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(D("wed, 31 dec 2003 10:14:55 z"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(D("Wed, 31 Dec 2003"), "2003-12-31T00:00:00Z");
  EXPECT_EQ(D("Wed, 31 Dec 2003 10:14:55"), "2003-12-31T10:14:55Z");  // no zone = UTC
  EXPECT_EQ(D("Dec 31 2003 10:14:55 GMT"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(D("31-Dec-2003 10:14:55 GMT"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(D("Wed, 31 Dec 2003 10:14:55 GMT+0700"), "2003-12-31T03:14:55Z");
  EXPECT_EQ(D("Sun, 01 Jan 2006 00:00:00 A"), "2006-01-01T01:00:00Z");  // military A = -1
}

TEST(FeedDateTest, IndonesianNamesAndZones) {
  EXPECT_EQ(D("Sen, 23 Nov 2026 21:00:00 WIB"), "2026-11-23T14:00:00Z");
  EXPECT_EQ(D("Sel, 17 Agu 2026 10:00 WITA"), "2026-08-17T02:00:00Z");
  EXPECT_EQ(D("1 Mei 2026 09:00:00 WIT"), "2026-05-01T00:00:00Z");
  EXPECT_EQ(D("Jum, 02 Okt 2026 07:00:00 +0700"), "2026-10-02T00:00:00Z");
  EXPECT_EQ(D("25 Des 2026 00:00 WIB"), "2026-12-24T17:00:00Z");
}

TEST(FeedDateTest, Rfc3339AndW3cDtf) {
  EXPECT_EQ(D("2003-12-31T10:14:55Z"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(D("2003-12-31T10:14:55.123-08:00"), "2003-12-31T18:14:55Z");
  EXPECT_EQ(D("2003-12-31T10:14+07:00"), "2003-12-31T03:14:00Z");  // missing seconds
  EXPECT_EQ(D("2003-12-31T10:14:55"), "2003-12-31T10:14:55Z");     // no zone = UTC
  EXPECT_EQ(D("2003-12-31 10:14:55"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(D("2003-12-31 10:14:55 GMT"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(D("2003-12-31"), "2003-12-31T00:00:00Z");
  EXPECT_EQ(D("2003-12"), "2003-12-01T00:00:00Z");
  EXPECT_EQ(D("2003"), "2003-01-01T00:00:00Z");
  EXPECT_EQ(D("20031231T101455Z"), "2003-12-31T10:14:55Z");
  EXPECT_EQ(D("2003-12-31T10:14:55+0100"), "2003-12-31T09:14:55Z");
  EXPECT_EQ(D("  2004-02-29T00:00:00Z \n"), "2004-02-29T00:00:00Z");
  EXPECT_EQ(D("2016-12-31T23:59:60Z"), "2016-12-31T23:59:59Z");  // leap second
}

TEST(FeedDateTest, GarbageIsEmpty) {
  for (const char* bad :
       {"", "   ", "yesterday", "Wed, 32 Dec 2003 10:14:55 GMT", "2003-02-29T00:00:00Z",
        "2003-13-01", "2003-12-31T25:00:00Z", "2003-12-31T10:61:00Z",
        "Wed, 31 Foo 2003 10:14:55 GMT", "Wed, 31 Dec 2003 10:14:55 XYZ", "31 Dec 99999 10:00 GMT",
        "2003-12-31T10:14:55+25:00", "99999999999999999999 Dec 2003", "2003-12-31T10:14:55Zjunk",
        "\xff\xfe garbage"}) {
    EXPECT_EQ(D(bad), "") << bad;
  }
}

}  // namespace
}  // namespace humas::connectors::feed
