// Mastodon timelines against a fake instance on loopback. Mastodon.py's cassettes record single
// Status entities from a Mastodon 4.x server (../shared/fixtures/mastodon); a timeline page is a
// JSON array of them, newest first, so the pages here are arrays of those recorded statuses.
// Covered: first run reads the newest page only, min_id + Link rel="prev" forward paging,
// replies/boosts mapping, 429 with X-RateLimit-Reset, 5xx then success, malformed JSON,
// duplicates across pages, a restart mid-way, and settings validation.
#include "connectors/mastodon/timeline.h"

#include "connectors/feed/feed.h"
#include "connectors/pull/pull_test_util.h"
#include "connectors/pull/settings.h"

namespace humas::connectors::mastodon {
namespace {

using json = nlohmann::json;
using pull::testing::CassetteBody;
using pull::testing::JsonResponse;

constexpr char kRoute[] = "/api/v1/timelines/tag/banjirberau";

json Recorded(const std::string& cassette) {
  return json::parse(CassetteBody("mastodon/mastodon-py-cassettes/" + cassette));
}

class TimelineTest : public pull::testing::PullTest {
 protected:
  void SetUp() override {
    PullTest::SetUp();
    fake_.Route(kRoute);
    fake_.Route("/api/v1/accounts/{id}/statuses");
    ASSERT_TRUE(fake_.Start().ok());
    toot_ = Recorded("test_status_1.json");                   // 117020583223442465
    reply_ = Recorded("test_status_reply_2.json");            // 117020583258292382, a reply
    boost_ = Recorded("test_status_reblog_unreblog_1.json");  // 117020586027094262, a boost
    card_ = Recorded("test_status_card_1.json");              // 117020609135389699
    edit_ = Recorded("test_status_edit_3.json");              // 117020586180926938
  }
  store::Connector AddTag(int limit = 40) {
    return Add(Platform::kMastodon,
               {{"instance_url", fake_.base()}, {"hashtag", "#banjirberau"}, {"limit", limit}}, "");
  }
  std::string MinId(const http::Request& r) { return r.Query("min_id").value_or("<none>"); }
  std::string Cursor(Id id) {
    return json::parse(Reload(id).checkpoint.cursor).value("min_id", "");
  }
  std::string PrevLink(const std::string& min_id) {
    return "<" + fake_.base() + kRoute + "?min_id=" + min_id + ">; rel=\"prev\", <" + fake_.base() +
           kRoute + "?max_id=1>; rel=\"next\"";
  }

  pull::testing::FakePlatform fake_;
  json toot_, reply_, boost_, card_, edit_;
  Timeline source_;
};

TEST_F(TimelineTest, FirstRunReadsNewestPageThenGoesForwardWithMinId) {
  fake_.Answer(kRoute, JsonResponse(200, json::array({reply_, toot_}).dump(),
                                    {{"Link", PrevLink("117020583258292382")}}));
  store::Connector c = AddTag();
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 2);
  EXPECT_EQ(MinId(fake_.requests()[0]), "<none>");
  EXPECT_EQ(fake_.requests()[0].Query("limit"), "40");
  EXPECT_EQ(Cursor(c.id), "117020583258292382");

  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, json::array({card_, edit_}).dump()));
  r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(MinId(fake_.requests().back()), "117020583258292382");
  EXPECT_EQ(Cursor(c.id), "117020609135389699");  // newest of the page
  EXPECT_EQ(Mentions().size(), 4u);
}

TEST_F(TimelineTest, AnEditedStatusReplacesTheStoredTextAndKeepsTheFirst) {
  // Mastodon.py's recorded edit: the status as posted (edit_0, edited_at null) and as read back
  // after PUT /api/v1/statuses/:id (edit_3, edited_at set, new content).
  const json posted = Recorded("test_status_edit_0.json");
  fake_.Answer(kRoute, JsonResponse(200, json::array({posted}).dump()));
  store::Connector c = AddTag();
  ASSERT_TRUE(runner_->RunOne(source_, c).ok());
  ASSERT_EQ(Mentions().size(), 1u);
  EXPECT_EQ(Mentions()[0].data.edited_at, 0);
  EXPECT_NE(Mentions()[0].data.text.find("VS Code"), std::string::npos);

  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, json::array({edit_}).dump()));
  ASSERT_TRUE(runner_->RunOne(source_, Reload(c.id)).ok());
  ASSERT_EQ(Mentions().size(), 1u);
  const Mention m = Mentions()[0];
  EXPECT_NE(m.data.text.find("Kate"), std::string::npos) << m.data.text;
  EXPECT_EQ(m.data.edited_at, *ParseRfc3339(edit_["edited_at"].get<std::string>()));
  auto edits = store_->mentions().Edits(m.id);
  ASSERT_TRUE(edits.ok());
  ASSERT_EQ(edits->size(), 1u);
  EXPECT_NE((*edits)[0].text.find("VS Code"), std::string::npos);
  // Read again (a later page repeats it): nothing changes.
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, json::array({edit_, posted}).dump()));
  ASSERT_TRUE(runner_->RunOne(source_, Reload(c.id)).ok());
  EXPECT_EQ(store_->mentions().Edits(m.id)->size(), 1u);
  EXPECT_NE(Mentions()[0].data.text.find("Kate"), std::string::npos);
}

TEST_F(TimelineTest, MapsRepliesBoostsAndText) {
  fake_.Answer(kRoute, JsonResponse(200, json::array({boost_, reply_, card_, toot_}).dump()));
  ASSERT_TRUE(runner_->RunOne(source_, AddTag()).ok());
  std::map<std::string, Mention> by_id;
  std::string ids;
  for (auto& m : Mentions()) {
    by_id[m.data.external_id] = m;
    ids += m.data.external_id + " ";
  }
  ASSERT_EQ(by_id.size(), 4u) << ids;
  const auto& t = by_id.at("117020583223442465").data;
  EXPECT_EQ(t.text, "Toot!");
  EXPECT_EQ(t.author_handle, "mastodonpy_test");
  EXPECT_EQ(t.author_followers, 0);
  EXPECT_EQ(t.created_at, *ParseRfc3339(toot_["created_at"].get<std::string>()));
  EXPECT_EQ(t.url, toot_["url"]);
  const auto& r = by_id.at("117020583258292382").data;
  EXPECT_EQ(r.kind, MentionKind::kReply);
  EXPECT_EQ(r.in_reply_to, "117020583245459824");
  EXPECT_EQ(r.text.find('<'), std::string::npos);  // HTML removed
  const auto& b = by_id.at("117020586027094262").data;
  EXPECT_EQ(b.kind, MentionKind::kShare);
  EXPECT_EQ(b.shared_from, "117020586019094258");
  EXPECT_EQ(b.text, feed::PlainText(boost_["reblog"]["content"].get<std::string>()));
}

TEST_F(TimelineTest, FullPagesAreFollowedAndDuplicatesStoredOnce) {
  store::Connector c = AddTag(/*limit=*/2);
  store::ConnectorCheckpoint cp;
  cp.cursor = json({{"min_id", "117020583000000000"}}).dump();
  ASSERT_TRUE(store_->connectors().SaveCheckpoint(c.id, cp, 0).ok());
  // Page 2 repeats the newest status of page 1 (a status edited between the calls).
  fake_.Answer(kRoute, JsonResponse(200, json::array({reply_, toot_}).dump(),
                                    {{"Link", PrevLink("117020583258292382")}}));
  fake_.Answer(kRoute, JsonResponse(200, json::array({edit_, reply_}).dump()));
  fake_.Answer(kRoute, JsonResponse(200, "[]"));
  auto r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 3);
  EXPECT_EQ(r->stored, 3);
  auto reqs = fake_.requests();
  EXPECT_EQ(MinId(reqs[0]), "117020583000000000");
  EXPECT_EQ(MinId(reqs[1]), "117020583258292382");
  EXPECT_EQ(MinId(reqs[2]), "117020586180926938");
  EXPECT_EQ(Cursor(c.id), "117020586180926938");  // an empty page keeps it
}

TEST_F(TimelineTest, RateLimitResetAndServerErrors) {
  UnixMillis reset = clock_.Now() + 300'000;
  fake_.Answer(kRoute, JsonResponse(429, R"({"error":"Too many requests"})",
                                    {{"X-RateLimit-Remaining", "0"},
                                     {"X-RateLimit-Reset", FormatRfc3339(reset)}}));
  store::Connector c = AddTag();
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  EXPECT_EQ(fake_.count(), 1u);
  c = Reload(c.id);
  EXPECT_EQ(c.health.next_run_at, reset);
  EXPECT_NE(c.health.last_error.find("Too many requests"), std::string::npos);

  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(500, "{}"));
  fake_.Answer(kRoute, JsonResponse(200, json::array({toot_}).dump()));
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Reload(c.id).health.consecutive_failures, 0);
}

TEST_F(TimelineTest, MalformedJsonAndRestartMidWay) {
  store::Connector c = AddTag(/*limit=*/2);
  store::ConnectorCheckpoint cp;
  cp.cursor = json({{"min_id", "117020583000000000"}}).dump();
  ASSERT_TRUE(store_->connectors().SaveCheckpoint(c.id, cp, 0).ok());
  fake_.Answer(kRoute, JsonResponse(200, json::array({reply_, toot_}).dump()));
  fake_.Answer(kRoute, JsonResponse(200, "[{\"id\": \"1170205"));  // truncated
  EXPECT_FALSE(runner_->RunOne(source_, Reload(c.id)).ok());
  c = Reload(c.id);
  EXPECT_NE(c.health.last_error.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(Cursor(c.id), "117020583258292382");  // page 1 is stored and kept
  EXPECT_EQ(Mentions().size(), 2u);

  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, json::array({edit_}).dump()));
  auto restarted = NewRunner();
  auto r = restarted->RunOne(source_, c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(MinId(fake_.requests().back()), "117020583258292382");
  EXPECT_EQ(Mentions().size(), 3u);
}

TEST_F(TimelineTest, AccountTimelineAndSettings) {
  fake_.Answer("/api/v1/accounts/{id}/statuses", JsonResponse(200, json::array({toot_}).dump()));
  store::Connector c =
      Add(Platform::kMastodon, {{"instance_url", fake_.base() + "/"}, {"account_id", "109"}},
          R"({"access_token":"tok"})");
  ASSERT_TRUE(runner_->RunOne(source_, c).ok());
  EXPECT_EQ(fake_.requests().back().path, "/api/v1/accounts/109/statuses");
  EXPECT_EQ(fake_.requests().back().Header("authorization"), "Bearer tok");

  auto bad = [](const json& s) { return pull::ParseMastodonSettings(s).status().message(); };
  EXPECT_NE(bad({{"instance_url", "https://m.example"}}).find("exactly one"), std::string::npos);
  EXPECT_NE(bad({{"instance_url", "ftp://m.example"}, {"hashtag", "a"}}).find("http"),
            std::string::npos);
  EXPECT_NE(bad({{"instance_url", "https://m.example"}, {"hashtag", "a b"}}).find("letters"),
            std::string::npos);
  EXPECT_NE(bad({{"instance_url", "https://m.example"}, {"hashtag", "a"}, {"x", 1}})
                .find("settings.x is not a known setting"),
            std::string::npos);
  EXPECT_TRUE(pull::ParseMastodonSettings(
                  {{"instance_url", "https://m.example"}, {"hashtag", "BanjirBerau"}})
                  .ok());
}

TEST(MastodonLink, PrevMinId) {
  EXPECT_EQ(Timeline::PrevMinId("<https://m.example/api/v1/timelines/tag/a?max_id=5>; "
                                "rel=\"next\", <https://m.example/api/v1/timelines/tag/"
                                "a?min_id=117>; rel=\"prev\""),
            "117");
  EXPECT_EQ(Timeline::PrevMinId(""), "");
  EXPECT_EQ(Timeline::PrevMinId("<https://m.example/x?max_id=5>; rel=\"next\""), "");
}

}  // namespace
}  // namespace humas::connectors::mastodon

namespace humas::connectors::mastodon {
namespace {
TEST(MastodonMapping, BoostCarriesTheOriginalsText) {
  json boost = json::parse(pull::testing::CassetteBody(
      "mastodon/mastodon-py-cassettes/test_status_reblog_unreblog_1.json"));
  auto m = Timeline::ToMention(boost, 5);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->text, "Toot!");
  EXPECT_EQ(m->shared_from, "117020586019094258");
  EXPECT_EQ(m->kind, MentionKind::kShare);
}
}  // namespace
}  // namespace humas::connectors::mastodon
