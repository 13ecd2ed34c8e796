// Unit tests for the router: patterns, parameters, precedence, 404/405 outcomes.
#include "http/router.h"

#include <gtest/gtest.h>

namespace humas::http {
namespace {

using Outcome = RouteMatch::Outcome;

RouteEntry Entry(std::string method, std::string pattern, bool large = false) {
  RouteEntry e;
  e.method = std::move(method);
  e.pattern = std::move(pattern);
  e.large_body = large;
  return e;
}

TEST(RouterTest, CapturesDecodedParameters) {
  Router r;
  ASSERT_TRUE(r.Add(Entry("GET", "/api/v1/agencies/{id}/accounts/{account}")).ok());
  RouteMatch m = r.Match("GET", "/api/v1/agencies/42/accounts/a%2Fb%20c");
  ASSERT_EQ(m.outcome, Outcome::kFound);
  EXPECT_EQ(m.route->pattern, "/api/v1/agencies/{id}/accounts/{account}");
  EXPECT_EQ(m.params.at("id"), "42");
  EXPECT_EQ(m.params.at("account"), "a/b c");
}

TEST(RouterTest, LiteralSegmentsWinOverParameters) {
  Router r;
  ASSERT_TRUE(r.Add(Entry("GET", "/api/v1/users/{id}")).ok());
  ASSERT_TRUE(r.Add(Entry("GET", "/api/v1/users/me")).ok());
  RouteMatch me = r.Match("GET", "/api/v1/users/me");
  ASSERT_EQ(me.outcome, Outcome::kFound);
  EXPECT_EQ(me.route->pattern, "/api/v1/users/me");
  EXPECT_TRUE(me.params.empty());
  RouteMatch other = r.Match("GET", "/api/v1/users/7");
  ASSERT_EQ(other.outcome, Outcome::kFound);
  EXPECT_EQ(other.params.at("id"), "7");
}

TEST(RouterTest, NotFoundForOtherShapesAndEmptyParameters) {
  Router r;
  ASSERT_TRUE(r.Add(Entry("GET", "/api/v1/agencies/{id}")).ok());
  EXPECT_EQ(r.Match("GET", "/api/v1/agencies").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.Match("GET", "/api/v1/agencies/").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.Match("GET", "/api/v1/agencies/1/x").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.Match("GET", "/api/v1/agencies/%zz").outcome, Outcome::kNotFound);
}

TEST(RouterTest, MethodNotAllowedListsAllowedMethods) {
  Router r;
  ASSERT_TRUE(r.Add(Entry("GET", "/api/v1/agencies")).ok());
  ASSERT_TRUE(r.Add(Entry("POST", "/api/v1/agencies")).ok());
  RouteMatch m = r.Match("DELETE", "/api/v1/agencies");
  EXPECT_EQ(m.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
}

TEST(RouterTest, HeadMatchesGetRoutes) {
  Router r;
  ASSERT_TRUE(r.Add(Entry("GET", "/api/v1/health")).ok());
  EXPECT_EQ(r.Match("HEAD", "/api/v1/health").outcome, Outcome::kFound);
  EXPECT_EQ(r.Match("POST", "/api/v1/health").outcome, Outcome::kMethodNotAllowed);
}

TEST(RouterTest, RejectsBadPatternsAndDuplicates) {
  Router r;
  EXPECT_EQ(r.Add(Entry("GET", "api/v1")).code(), Code::kInvalidArgument);
  EXPECT_EQ(r.Add(Entry("GET", "/a/{}")).code(), Code::kInvalidArgument);
  EXPECT_EQ(r.Add(Entry("GET", "/a/x{id}")).code(), Code::kInvalidArgument);
  EXPECT_EQ(r.Add(Entry("GET", "/a/{id}/{id}")).code(), Code::kInvalidArgument);
  ASSERT_TRUE(r.Add(Entry("GET", "/a/{id}")).ok());
  EXPECT_EQ(r.Add(Entry("GET", "/a/{id}")).code(), Code::kAlreadyExists);
  EXPECT_TRUE(r.Add(Entry("PUT", "/a/{id}")).ok());
}

TEST(SplitPathTest, Splits) {
  EXPECT_EQ(SplitPath("/"), std::vector<std::string_view>{""});
  EXPECT_EQ(SplitPath("/a/b"), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_EQ(SplitPath("/a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
}

}  // namespace
}  // namespace humas::http
