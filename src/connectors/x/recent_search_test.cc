// X recent search against a fake X on loopback replaying the recorded v2 search responses of
// ../shared/fixtures/x-api-v2: pagination then since_id, the monthly read budget (never
// exceeded, also across a restart), 429 with x-rate-limit-reset, 5xx then success, malformed
// JSON, duplicates across pages, and a restart in the middle of a sweep.
#include "connectors/x/recent_search.h"

#include "connectors/pull/pull_test_util.h"

namespace humas::connectors::x {
namespace {

using json = nlohmann::json;
using pull::testing::Fixture;
using pull::testing::JsonResponse;

constexpr char kRoute[] = "/2/tweets/search/recent";

class RecentSearchTest : public pull::testing::PullTest {
 protected:
  void SetUp() override {
    PullTest::SetUp();
    fake_.Route(kRoute);
    ASSERT_TRUE(fake_.Start().ok());
    // Page 1 of a sweep (10 posts, has next_token) and the last page (4 posts + 3 referenced
    // posts and 3 users in includes).
    nyc_ = Fixture("x-api-v2/python-twitter/apis/searches/search_tweets_for_nyc.json");
    query_ = Fixture("x-api-v2/python-twitter/apis/searches/search_tweets_query.json");
  }
  store::Connector AddSearch(std::optional<std::int64_t> budget = std::nullopt,
                             int max_results = 100) {
    return Add(Platform::kX,
               {{"query", "(banjir OR longsor) #Berau -is:retweet"},
                {"max_results", max_results},
                {"api_base", fake_.base()}},
               R"({"bearer_token":"AAAA-test-token"})", budget);
  }
  static std::string Next(const json& page) { return page["meta"]["next_token"]; }
  std::string Q(const http::Request& r, const char* k) { return r.Query(k).value_or("<none>"); }

  pull::testing::FakePlatform fake_;
  std::string nyc_, query_;
  RecentSearch source_;
};

TEST_F(RecentSearchTest, SweepsPagesThenContinuesFromSinceId) {
  fake_.Answer(kRoute, JsonResponse(200, nyc_));
  fake_.Answer(kRoute, JsonResponse(200, query_));
  store::Connector c = AddSearch();
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 2);
  EXPECT_EQ(r->stored, 14);
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].Header("authorization"), "Bearer AAAA-test-token");
  EXPECT_EQ(Q(reqs[0], "query"), "(banjir OR longsor) #Berau -is:retweet");
  EXPECT_EQ(Q(reqs[0], "expansions"), "author_id,referenced_tweets.id");
  EXPECT_NE(Q(reqs[0], "user.fields").find("public_metrics"), std::string::npos);
  EXPECT_EQ(Q(reqs[0], "since_id"), "<none>");
  EXPECT_EQ(Q(reqs[0], "next_token"), "<none>");
  EXPECT_EQ(Q(reqs[1], "next_token"), Next(json::parse(nyc_)));

  // The sweep is complete: since_id is the newest id of its first page.
  c = Reload(c.id);
  EXPECT_EQ(json::parse(c.checkpoint.cursor),
            json({{"since_id", json::parse(nyc_)["meta"]["newest_id"]}}));
  EXPECT_EQ(c.health.items_total, 14);
  EXPECT_EQ(c.health.next_run_at, clock_.Now() + 300'000);
  EXPECT_EQ(c.reads_used, 17);  // no budget, but usage is still counted: 10 + 4 + 3 referenced
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, R"({"meta":{"result_count":0}})"));
  ASSERT_TRUE(runner_->RunOne(source_, c).ok());
  EXPECT_EQ(Q(fake_.requests().back(), "since_id"), json::parse(nyc_)["meta"]["newest_id"]);
  EXPECT_EQ(Reload(c.id).checkpoint.cursor, c.checkpoint.cursor);
}

TEST_F(RecentSearchTest, MapsRepliesRetweetsAuthorsAndFollowers) {
  json page = json::parse(query_);
  // A user object as X returns it with user.fields=public_metrics (fixture models/user.json).
  json user = json::parse(Fixture("x-api-v2/python-twitter/models/user.json"));
  ASSERT_TRUE(user.contains("public_metrics"));
  page["includes"]["users"][0]["public_metrics"] = user["public_metrics"];
  fake_.Answer(kRoute, JsonResponse(200, page.dump()));
  ASSERT_TRUE(runner_->RunOne(source_, AddSearch()).ok());
  std::map<std::string, Mention> by_id;
  for (auto& m : Mentions()) by_id[m.data.external_id] = m;
  ASSERT_EQ(by_id.size(), 4u);
  const Mention& first = by_id.at("1276035977375477760");
  EXPECT_EQ(first.data.platform, Platform::kX);
  EXPECT_EQ(first.agency_id, agency_);
  EXPECT_EQ(first.data.author_handle, "happycamper");
  EXPECT_EQ(first.data.in_reply_to, "1275653067283759104");
  EXPECT_EQ(first.data.kind, MentionKind::kReply);
  EXPECT_EQ(first.data.author_followers,
            user["public_metrics"]["followers_count"].get<std::int64_t>());
  EXPECT_EQ(first.data.url, "https://x.com/happycamper/status/1276035977375477760");
  EXPECT_EQ(first.data.created_at, *ParseRfc3339("2020-06-25T06:14:19.000Z"));
}

TEST_F(RecentSearchTest, RetweetBecomesShareOfTheOriginal) {
  fake_.Answer(kRoute, JsonResponse(200, nyc_));
  fake_.Answer(kRoute, JsonResponse(200, R"({"meta":{"result_count":0}})"));
  ASSERT_TRUE(runner_->RunOne(source_, AddSearch()).ok());
  bool found = false;
  for (auto& m : Mentions()) {
    if (m.data.external_id != "1275840892285399041") continue;
    found = true;
    EXPECT_EQ(m.data.shared_from, "1275809336988557314");
    EXPECT_EQ(m.data.kind, MentionKind::kShare);
    EXPECT_EQ(m.data.author_handle, "1176828691365736451");  // no user expansion in this page
  }
  EXPECT_TRUE(found);
}

TEST_F(RecentSearchTest, BudgetIsNeverExceededAndSurvivesRestart) {
  // Every page has a next_token, so only the budget stops the connector.
  fake_.Answer(kRoute, JsonResponse(200, nyc_));
  store::Connector c = AddSearch(/*budget=*/40, /*max_results=*/10);
  auto r = runner_->RunOne(source_, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kResourceExhausted);
  // 40 reads: page 1 reserves 30 and uses 10, page 2 likewise, then 20 < 30 are left.
  EXPECT_EQ(fake_.count(), 2u);
  EXPECT_EQ(Q(fake_.requests()[0], "max_results"), "10");
  c = Reload(c.id);
  EXPECT_EQ(c.reads_used, 40);  // the unusable rest is marked spent
  EXPECT_EQ(c.reads_month, pull::BudgetMonth(clock_.Now()));
  EXPECT_EQ(c.health.last_error.rfind("budget spent", 0), 0u) << c.health.last_error;
  EXPECT_EQ(c.health.next_run_at, pull::NextMonthStart(clock_.Now()));
  EXPECT_EQ(c.health.items_total, 10);  // the same 10 posts on both pages: stored once
  EXPECT_EQ(json::parse(c.checkpoint.cursor)["next_token"], Next(json::parse(nyc_)));

  // A restart in the same month reads nothing more.
  auto restarted = NewRunner();
  EXPECT_FALSE(restarted->RunOne(source_, c).ok());
  EXPECT_EQ(fake_.count(), 2u);
  EXPECT_EQ(Reload(c.id).reads_used, 40);

  // Next month the budget is fresh and the sweep resumes at the saved page.
  clock_.Set(pull::NextMonthStart(clock_.Now()) + 1000);
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, query_));
  ASSERT_TRUE(restarted->RunOne(source_, Reload(c.id)).ok());
  EXPECT_EQ(Q(fake_.requests().back(), "next_token"), Next(json::parse(nyc_)));
  c = Reload(c.id);
  EXPECT_EQ(c.reads_used, 7);  // 4 posts + 3 referenced posts
  EXPECT_EQ(c.reads_month, pull::BudgetMonth(clock_.Now()));
}

TEST_F(RecentSearchTest, RateLimitWaitsForTheResetWithoutSpending) {
  UnixMillis reset = clock_.Now() + 900'000;
  fake_.Answer(
      kRoute,
      JsonResponse(
          429,
          R"({"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429})",
          {{"x-rate-limit-limit", "450"},
           {"x-rate-limit-remaining", "0"},
           {"x-rate-limit-reset", std::to_string(reset / 1000)}}));
  store::Connector c = AddSearch(1000, 10);
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  EXPECT_EQ(fake_.count(), 1u);  // not retried inside the run: the window lasts 15 minutes
  EXPECT_TRUE(sleeps_.empty());
  c = Reload(c.id);
  EXPECT_EQ(c.health.next_run_at, reset);
  EXPECT_NE(c.health.last_error.find("HTTP 429"), std::string::npos);
  EXPECT_EQ(c.reads_used, 0);  // the reservation was given back
  EXPECT_EQ(c.checkpoint.cursor, "");
}

TEST_F(RecentSearchTest, ShortRateLimitIsWaitedOutAnd5xxRetried) {
  fake_.Answer(
      kRoute,
      JsonResponse(429, "{}", {{"x-rate-limit-reset", std::to_string(clock_.Now() / 1000 + 5)}}));
  fake_.Answer(kRoute, JsonResponse(503, R"({"title":"Service Unavailable"})"));
  fake_.Answer(kRoute, JsonResponse(200, query_));
  auto r = runner_->RunOne(source_, AddSearch());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 4);
  ASSERT_EQ(sleeps_.size(), 2u);
  EXPECT_EQ(sleeps_[0], 5000);
  EXPECT_GE(sleeps_[1], 200);  // second retry: base x 2 + jitter
}

TEST_F(RecentSearchTest, RemainingZeroDefersTheNextRunToTheReset) {
  UnixMillis reset = clock_.Now() + 600'000;
  fake_.Answer(kRoute, JsonResponse(200, nyc_,
                                    {{"x-rate-limit-remaining", "0"},
                                     {"x-rate-limit-reset", std::to_string(reset / 1000)}}));
  store::Connector c = AddSearch();
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->pages, 1);  // the next page waits for the window
  c = Reload(c.id);
  EXPECT_EQ(c.health.next_run_at, reset);
  EXPECT_EQ(json::parse(c.checkpoint.cursor)["next_token"], Next(json::parse(nyc_)));
}

TEST_F(RecentSearchTest, MalformedJsonStoresNothingAndKeepsTheCursor) {
  fake_.Answer(kRoute, JsonResponse(200, query_.substr(0, query_.size() / 2)));
  store::Connector c = AddSearch(1000, 10);
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  c = Reload(c.id);
  EXPECT_NE(c.health.last_error.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(c.health.consecutive_failures, 1);
  EXPECT_EQ(c.health.next_run_at, clock_.Now() + 600'000);  // back-off: 300 s x 2
  EXPECT_EQ(c.checkpoint.cursor, "");
  EXPECT_TRUE(Mentions().empty());
  EXPECT_EQ(c.reads_used, 30);  // X may have counted them: the reservation is kept
}

TEST_F(RecentSearchTest, RestartMidSweepNeitherLosesNorRepeats) {
  fake_.Answer(kRoute, JsonResponse(200, nyc_));
  fake_.Answer(kRoute, JsonResponse(503, "{}"));  // page 2 keeps failing (3 attempts)
  store::Connector c = AddSearch();
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  EXPECT_EQ(Mentions().size(), 10u);
  c = Reload(c.id);
  json cursor = json::parse(c.checkpoint.cursor);
  EXPECT_EQ(cursor["next_token"], Next(json::parse(nyc_)));
  EXPECT_FALSE(cursor.contains("since_id"));

  // A new process picks up at page 2 of the same sweep.
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, query_));
  size_t before = fake_.count();
  auto restarted = NewRunner();
  auto r = restarted->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(fake_.count(), before + 1);
  EXPECT_EQ(Q(fake_.requests().back(), "next_token"), Next(json::parse(nyc_)));
  EXPECT_EQ(Mentions().size(), 14u);
  EXPECT_EQ(json::parse(Reload(c.id).checkpoint.cursor),
            json({{"since_id", json::parse(nyc_)["meta"]["newest_id"]}}));
}

//! X's answer to a since_id older than recent search's 7 days (the shape X returns; message
//! text as reported in public issue trackers, e.g. rooteco/tweetscape#421).
std::string StaleSinceId(const std::string& since_id) {
  return json({{"errors",
                {{{"parameters", {{"since_id", {since_id}}}},
                  {"message",
                   "'since_id' must be a tweet id created after 2026-11-11T12:00Z. Please use a "
                   "'since_id' that is larger than 1987000000000000000"}}}},
               {"title", "Invalid Request"},
               {"detail", "One or more parameters to your request was invalid."},
               {"type", "https://api.twitter.com/2/problems/invalid-request"}})
      .dump();
}

TEST_F(RecentSearchTest, ASinceIdOlderThanSevenDaysFallsBackToStartTimeAndSaysSo) {
  store::Connector c = AddSearch();
  ASSERT_TRUE(
      store_->connectors().SaveCheckpoint(c.id, {R"({"since_id":"1234567890"})", "", ""}, 0).ok());
  fake_.Answer(kRoute, JsonResponse(400, StaleSinceId("1234567890")));
  fake_.Answer(kRoute, JsonResponse(200, nyc_));
  fake_.Answer(kRoute, JsonResponse(200, query_));
  auto r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 14);
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(Q(reqs[0], "since_id"), "1234567890");
  // Just inside the window: now - 7 days + 10 minutes (the old id's own time is far older).
  const std::string start = FormatRfc3339(clock_.Now() - 7 * 86'400'000LL + 600'000);
  EXPECT_EQ(Q(reqs[1], "since_id"), "<none>");
  EXPECT_EQ(Q(reqs[1], "start_time"), start);
  EXPECT_EQ(Q(reqs[2], "start_time"), start);  // the sweep's pages repeat its parameters
  EXPECT_EQ(Q(reqs[2], "next_token"), Next(json::parse(nyc_)));
  c = Reload(c.id);
  EXPECT_EQ(c.health.consecutive_failures, 0);
  EXPECT_NE(c.health.notice.find("older than X recent search's 7 days; resumed from " + start),
            std::string::npos)
      << c.health.notice;
  EXPECT_EQ(c.health.notice_at, clock_.Now());
  // Once the sweep is complete the checkpoint is a since_id again.
  EXPECT_EQ(json::parse(c.checkpoint.cursor),
            json({{"since_id", json::parse(nyc_)["meta"]["newest_id"]}}));
  EXPECT_EQ(c.reads_used, 17);  // the refused request read nothing
}

TEST_F(RecentSearchTest, AStaleSinceIdOfRecentTimeResumesFromItsOwnTime) {
  // X refuses a since_id whose own time is still (by our clock) inside the window: the fallback
  // starts from that time, not earlier.
  const UnixMillis at = clock_.Now() - 7 * 86'400'000LL + 3'600'000;
  const std::string id = std::to_string(static_cast<std::uint64_t>(at - 1288834974657) << 22);
  store::Connector c = AddSearch();
  ASSERT_TRUE(
      store_->connectors().SaveCheckpoint(c.id, {json({{"since_id", id}}).dump(), "", ""}, 0).ok());
  fake_.Answer(kRoute, JsonResponse(400, StaleSinceId(id)));
  fake_.Answer(kRoute, JsonResponse(200, query_));
  ASSERT_TRUE(runner_->RunOne(source_, Reload(c.id)).ok());
  EXPECT_EQ(Q(fake_.requests()[1], "start_time"), FormatRfc3339(at));
}

TEST_F(RecentSearchTest, OtherBadRequestsAreErrorsWithoutAFallback) {
  store::Connector c = AddSearch();
  ASSERT_TRUE(
      store_->connectors().SaveCheckpoint(c.id, {R"({"since_id":"1234567890"})", "", ""}, 0).ok());
  const json bad_query = {
      {"errors",
       {{{"parameters", {{"query", {"(banjir"}}}},
         {"message",
          "There were errors processing your request: Missing closing parenthesis (at position "
          "7)"}}}},
      {"title", "Invalid Request"},
      {"detail", "One or more parameters to your request was invalid."},
      {"type", "https://api.twitter.com/2/problems/invalid-request"}};
  fake_.Answer(kRoute, JsonResponse(400, bad_query.dump()));
  EXPECT_FALSE(runner_->RunOne(source_, Reload(c.id)).ok());
  EXPECT_EQ(fake_.count(), 1u);
  c = Reload(c.id);
  EXPECT_NE(c.health.last_error.find("X rejected the search (HTTP 400)"), std::string::npos)
      << c.health.last_error;
  EXPECT_EQ(c.health.notice, "");
  EXPECT_EQ(json::parse(c.checkpoint.cursor)["since_id"], "1234567890");
}

TEST_F(RecentSearchTest, MissingTokenAndRefusedTokenAreClearErrors) {
  store::Connector none = Add(Platform::kX, {{"query", "banjir"}, {"api_base", fake_.base()}}, "");
  EXPECT_FALSE(runner_->RunOne(source_, none).ok());
  EXPECT_NE(Reload(none.id).health.last_error.find("bearer_token"), std::string::npos);
  EXPECT_EQ(fake_.count(), 0u);
  fake_.Answer(
      kRoute,
      JsonResponse(
          401,
          R"({"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"})"));
  store::Connector bad = AddSearch();
  EXPECT_FALSE(runner_->RunOne(source_, bad).ok());
  EXPECT_NE(Reload(bad.id).health.last_error.find("X refused the credentials (HTTP 401)"),
            std::string::npos);
}

}  // namespace
}  // namespace humas::connectors::x
