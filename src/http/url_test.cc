// Unit tests for percent-decoding, query and cookie parsing, Request accessors, ErrorResponse.
#include "http/url.h"

#include <gtest/gtest.h>

#include "http/http.h"

namespace humas::http {
namespace {

TEST(PercentDecodeTest, DecodesEscapesAndKeepsPlusInPaths) {
  EXPECT_EQ(PercentDecode("/a%20b/%2e%2E/%2F", false), "/a b/../\x2F");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("%00", false), std::string(1, '\0'));
  EXPECT_EQ(PercentDecode("", false), "");
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%2", false), std::nullopt);
  EXPECT_EQ(PercentDecode("abc%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%zz", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%2g", false), std::nullopt);
}

TEST(ParseQueryTest, SplitsDecodesAndKeepsRepeats) {
  auto q = ParseQuery("q=banjir+besar&tag=a&tag=b%26c&flag&&x=%3D");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->size(), 5u);
  EXPECT_EQ(q->find("q")->second, "banjir besar");
  EXPECT_EQ(q->count("tag"), 2u);
  auto tags = q->equal_range("tag");
  EXPECT_EQ(tags.first->second, "a");
  EXPECT_EQ(std::next(tags.first)->second, "b&c");
  EXPECT_EQ(q->find("flag")->second, "");
  EXPECT_EQ(q->find("x")->second, "=");
}

TEST(ParseQueryTest, RejectsMalformedEscape) {
  auto q = ParseQuery("q=%G1");
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().code(), Code::kInvalidArgument);
}

TEST(CookieValueTest, FindsNamedCookie) {
  EXPECT_EQ(CookieValue("a=1; humas_session=abc; b=2", "humas_session"), "abc");
  EXPECT_EQ(CookieValue("humas_session=\"quoted\"", "humas_session"), "quoted");
  EXPECT_EQ(CookieValue("  x = y ;z=w", "x"), "y");
  EXPECT_EQ(CookieValue("xhumas_session=1; humas_sessionx=2", "humas_session"), "");
  EXPECT_EQ(CookieValue("novalue; =empty", "novalue"), "");
  EXPECT_EQ(CookieValue("", "a"), "");
}

TEST(RequestTest, AccessorsReturnFirstValueOrDefault) {
  Request r;
  r.headers.emplace("x-csrf-token", "t1");
  r.headers.emplace("cookie", "a=1");
  r.headers.emplace("cookie", "humas_session=s2");
  r.query.emplace("limit", "10");
  EXPECT_EQ(r.Header("x-csrf-token"), "t1");
  EXPECT_EQ(r.Header("missing"), "");
  EXPECT_EQ(r.Query("limit"), "10");
  EXPECT_EQ(r.Query("offset"), std::nullopt);
  EXPECT_EQ(r.Cookie("a"), "1");
  EXPECT_EQ(r.Cookie("humas_session"), "s2");
  EXPECT_EQ(r.Cookie("other"), "");
}

TEST(ErrorResponseTest, BuildsApiErrorJson) {
  Response r = ErrorResponse(404, "not_found", "no \"agency\" 7");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(r.body, R"({"error":{"code":"not_found","message":"no \"agency\" 7"}})");
  Response f = ErrorResponse(400, "invalid_argument", "too short", "name");
  EXPECT_EQ(f.body,
            R"({"error":{"code":"invalid_argument","message":"too short","field":"name"}})");
}

}  // namespace
}  // namespace humas::http
