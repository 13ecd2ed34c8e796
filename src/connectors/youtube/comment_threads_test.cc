// YouTube commentThreads against a fake YouTube on loopback replaying the recorded
// commentThreads.list answers of ../shared/fixtures/youtube-data-v3: a paged sweep (the recorded
// pages repeat the same threads: duplicates across pages), the next sweep stopping at known
// threads, embedded replies, the daily quota (spent by the connector, or declared by YouTube's
// 403 quotaExceeded) with the next run at Pacific midnight, 5xx then success, malformed JSON, a
// restart mid-sweep, and the API key kept out of every error.
#include "connectors/youtube/comment_threads.h"

#include "connectors/pull/pull_test_util.h"
#include "connectors/pull/settings.h"

namespace humas::connectors::youtube {
namespace {

using json = nlohmann::json;
using pull::testing::Fixture;
using pull::testing::JsonResponse;

constexpr char kRoute[] = "/youtube/v3/commentThreads";
constexpr char kKey[] = "AIza-kunci-rahasia";

std::string Threads(const std::string& name) {
  return Fixture("youtube-data-v3/apidata/comment_threads/" + name);
}

class CommentThreadsTest : public pull::testing::PullTest {
 protected:
  void SetUp() override {
    PullTest::SetUp();
    fake_.Route(kRoute);
    ASSERT_TRUE(fake_.Start().ok());
    page1_ = Threads("comment_threads_by_video_paged_1.json");
    page2_ = Threads("comment_threads_by_video_paged_2.json");
    newer_ = Threads("comment_threads_all_to_me.json");
  }
  store::Connector AddVideo(int quota = 10000) {
    return Add(
        Platform::kYoutube,
        {{"api_base", fake_.base()}, {"video_id", "F1UP7wRCPH8"}, {"daily_quota_units", quota}},
        json({{"api_key", kKey}}).dump());
  }
  std::string Param(const http::Request& r, const char* k) { return r.Query(k).value_or("<none>"); }
  json Cursor(Id id) { return json::parse(Reload(id).checkpoint.cursor); }

  pull::testing::FakePlatform fake_;
  std::string page1_, page2_, newer_;
  CommentThreads source_;
};

TEST_F(CommentThreadsTest, SweepsPagesThenStopsAtKnownThreads) {
  fake_.Answer(kRoute, JsonResponse(200, page1_));
  fake_.Answer(kRoute, JsonResponse(200, page2_));
  store::Connector c = AddVideo();
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 2);
  EXPECT_EQ(r->stored, 5);  // page 2 repeats page 1's threads
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(Param(reqs[0], "videoId"), "F1UP7wRCPH8");
  EXPECT_EQ(Param(reqs[0], "part"), "snippet,replies");
  EXPECT_EQ(Param(reqs[0], "order"), "time");
  EXPECT_EQ(Param(reqs[0], "key"), kKey);
  EXPECT_EQ(Param(reqs[0], "pageToken"), "<none>");
  EXPECT_EQ(Param(reqs[1], "pageToken"), json::parse(page1_)["nextPageToken"]);
  EXPECT_EQ(Cursor(c.id), json({{"since", *ParseRfc3339("2019-11-26T15:51:44.000Z")}}));
  c = Reload(c.id);
  EXPECT_EQ(c.quota_day, pull::PacificDay(clock_.Now()));
  EXPECT_EQ(c.quota_used, 2);

  // Next run: newer threads first, then page 1 again, whose threads are all known: stop there.
  json mixed = json::parse(newer_);
  mixed["nextPageToken"] = "halaman-2";
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, mixed.dump()));
  fake_.Answer(kRoute, JsonResponse(200, page1_));
  r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 2);
  EXPECT_EQ(r->stored, 4);
  EXPECT_EQ(fake_.count(), 4u);  // page 1's nextPageToken was not followed
  EXPECT_EQ(Cursor(c.id), json({{"since", *ParseRfc3339("2019-12-01T03:36:55.000Z")}}));
  EXPECT_EQ(Mentions().size(), 9u);
}

TEST_F(CommentThreadsTest, MapsCommentsAndEmbeddedReplies) {
  json page = json::parse(newer_);
  page["items"][0]["replies"] =
      json::parse(Fixture("youtube-data-v3/modeldata/comments/comment_thread_replies.json"));
  fake_.Answer(kRoute, JsonResponse(200, page.dump()));
  ASSERT_TRUE(runner_->RunOne(source_, AddVideo()).ok());
  std::map<std::string, Mention> by_id;
  for (auto& m : Mentions()) by_id[m.data.external_id] = m;
  ASSERT_EQ(by_id.size(), 5u);
  const auto& top = by_id.at("UgyWeTdgc4sc1xgmbld4AaABAg").data;
  const json& s = page["items"][0]["snippet"]["topLevelComment"]["snippet"];
  EXPECT_EQ(top.platform, Platform::kYoutube);
  EXPECT_EQ(top.kind, MentionKind::kComment);
  EXPECT_EQ(top.text, s["textOriginal"]);
  EXPECT_EQ(top.author_handle, s["authorChannelId"]["value"]);
  EXPECT_EQ(top.author_name, s["authorDisplayName"]);
  EXPECT_EQ(top.in_reply_to, s["videoId"]);
  EXPECT_EQ(top.url, "https://www.youtube.com/watch?v=" + s["videoId"].get<std::string>() +
                         "&lc=UgyWeTdgc4sc1xgmbld4AaABAg");
  const auto& reply = by_id.at("UgydxWWoeA7F1OdqypJ4AaABAg.8wWQ3tdHcFx8xcDheui-qb").data;
  EXPECT_EQ(reply.kind, MentionKind::kReply);
  EXPECT_EQ(reply.in_reply_to, "UgydxWWoeA7F1OdqypJ4AaABAg");
  EXPECT_EQ(reply.likes, 1);
}

TEST_F(CommentThreadsTest, AnEditedCommentIsANewerVersion) {
  // Recorded comments were never edited (updatedAt == publishedAt): no version time.
  json thread = json::parse(newer_)["items"][0];
  auto first = CommentThreads::ToMentions(thread, clock_.Now());
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first[0].edited_at, 0);
  // The author edits it an hour later: updatedAt moves, the text changes.
  json& s = thread["snippet"]["topLevelComment"]["snippet"];
  const UnixMillis published = *ParseRfc3339(s["publishedAt"].get<std::string>());
  s["updatedAt"] = FormatRfc3339(published + 3'600'000);
  s["textOriginal"] = "komentar yang sudah diedit";
  auto edited = CommentThreads::ToMentions(thread, clock_.Now());
  ASSERT_FALSE(edited.empty());
  EXPECT_EQ(edited[0].external_id, first[0].external_id);
  EXPECT_EQ(edited[0].created_at, published);
  EXPECT_EQ(edited[0].edited_at, published + 3'600'000);
  EXPECT_EQ(edited[0].text, "komentar yang sudah diedit");
}

TEST_F(CommentThreadsTest, DailyQuotaIsNeverExceededAndResumesAfterPacificMidnight) {
  fake_.Answer(kRoute, JsonResponse(200, page1_));
  store::Connector c = AddVideo(/*quota=*/1);
  auto r = runner_->RunOne(source_, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(fake_.count(), 1u);
  c = Reload(c.id);
  EXPECT_EQ(c.quota_used, 1);
  EXPECT_EQ(c.health.last_error.rfind("daily quota spent", 0), 0u) << c.health.last_error;
  EXPECT_EQ(c.health.next_run_at, pull::NextPacificMidnight(clock_.Now()));
  EXPECT_EQ(Cursor(c.id)["page_token"], json::parse(page1_)["nextPageToken"]);
  EXPECT_EQ(Mentions().size(), 5u);

  auto restarted = NewRunner();  // same day: nothing is called
  EXPECT_FALSE(restarted->RunOne(source_, c).ok());
  EXPECT_EQ(fake_.count(), 1u);

  clock_.Set(pull::NextPacificMidnight(clock_.Now()) + 1);
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, page2_));
  ASSERT_TRUE(restarted->RunOne(source_, Reload(c.id)).ok());
  EXPECT_EQ(Param(fake_.requests().back(), "pageToken"), json::parse(page1_)["nextPageToken"]);
  c = Reload(c.id);
  EXPECT_EQ(c.quota_day, pull::PacificDay(clock_.Now()));
  EXPECT_EQ(c.quota_used, 1);
}

TEST_F(CommentThreadsTest, QuotaExceededFromYoutubeSpendsTheDay) {
  fake_.Answer(
      kRoute,
      JsonResponse(
          403,
          R"({"error":{"code":403,"message":"The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.","errors":[{"message":"quota","domain":"youtube.quota","reason":"quotaExceeded"}]}})"));
  store::Connector c = AddVideo(500);
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  EXPECT_EQ(fake_.count(), 1u);  // a 403 is not retried
  c = Reload(c.id);
  EXPECT_EQ(c.quota_used, 500);
  EXPECT_EQ(c.health.next_run_at, pull::NextPacificMidnight(clock_.Now()));
  EXPECT_EQ(c.health.consecutive_failures, 1);
}

TEST_F(CommentThreadsTest, ServerErrorThenSuccessAndMalformedJson) {
  fake_.Answer(kRoute, JsonResponse(503, R"({"error":{"code":503,"message":"Backend Error"}})"));
  fake_.Answer(kRoute, JsonResponse(200, newer_));
  auto r = runner_->RunOne(source_, AddVideo());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 4);
  EXPECT_EQ(sleeps_.size(), 1u);

  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, page1_.substr(0, 300)));
  store::Connector c = AddVideo();
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  c = Reload(c.id);
  EXPECT_NE(c.health.last_error.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(c.checkpoint.cursor, "");
  EXPECT_EQ(Mentions().size(), 4u);
}

TEST_F(CommentThreadsTest, RestartMidSweepResumesAtTheSavedPage) {
  fake_.Answer(kRoute, JsonResponse(200, page1_));
  fake_.Answer(kRoute, JsonResponse(500, "{}"));
  store::Connector c = AddVideo();
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  EXPECT_EQ(Cursor(c.id)["page_token"], json::parse(page1_)["nextPageToken"]);
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, page2_));
  auto restarted = NewRunner();
  ASSERT_TRUE(restarted->RunOne(source_, Reload(c.id)).ok());
  EXPECT_EQ(Param(fake_.requests().back(), "pageToken"), json::parse(page1_)["nextPageToken"]);
  EXPECT_EQ(Mentions().size(), 5u);
  EXPECT_EQ(Cursor(c.id), json({{"since", *ParseRfc3339("2019-11-26T15:51:44.000Z")}}));
}

TEST_F(CommentThreadsTest, KeyNeverAppearsInErrors) {
  fake_.Answer(
      kRoute,
      JsonResponse(
          400,
          R"({"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","errors":[{"reason":"badRequest"}]}})"));
  store::Connector c = AddVideo();
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  EXPECT_NE(Reload(c.id).health.last_error.find("API key not valid"), std::string::npos);
  store::Connector down =
      Add(Platform::kYoutube, {{"api_base", "http://127.0.0.1:1"}, {"channel_id", "UC123"}},
          json({{"api_key", kKey}}).dump());
  EXPECT_FALSE(runner_->RunOne(source_, down).ok());
  std::string err = Reload(down.id).health.last_error;
  EXPECT_EQ(err.find("rahasia"), std::string::npos) << err;
  EXPECT_NE(err.find("<api_key>"), std::string::npos) << err;
  EXPECT_NE(err.find("allThreadsRelatedToChannelId=UC123"), std::string::npos) << err;
}

TEST(PacificTime, DaysAndMidnightsFollowUsDaylightSaving) {
  auto t = [](const char* s) { return *ParseRfc3339(s); };
  EXPECT_EQ(pull::PacificDay(t("2026-11-23T07:59:59Z")), "2026-11-22");  // PST, UTC-8
  EXPECT_EQ(pull::PacificDay(t("2026-11-23T08:00:00Z")), "2026-11-23");
  EXPECT_EQ(pull::PacificDay(t("2026-07-01T06:59:59Z")), "2026-06-30");  // PDT, UTC-7
  EXPECT_EQ(pull::PacificDay(t("2026-07-01T07:00:00Z")), "2026-07-01");
  EXPECT_EQ(pull::NextPacificMidnight(t("2026-11-23T12:00:00Z")), t("2026-11-24T08:00:00Z"));
  EXPECT_EQ(pull::NextPacificMidnight(t("2026-07-01T12:00:00Z")), t("2026-07-02T07:00:00Z"));
  // 2026-03-08 (second Sunday of March): the day starts in PST and the next one in PDT.
  EXPECT_EQ(pull::NextPacificMidnight(t("2026-03-08T12:00:00Z")), t("2026-03-09T07:00:00Z"));
  // 2026-11-01 (first Sunday of November): back to PST.
  EXPECT_EQ(pull::NextPacificMidnight(t("2026-11-01T12:00:00Z")), t("2026-11-02T08:00:00Z"));
}

TEST(YoutubeSettings, Validation) {
  auto bad = [](const json& s) { return pull::ParseYoutubeSettings(s).status().message(); };
  EXPECT_NE(bad(json::object()).find("exactly one of settings.video_id and settings.channel_id"),
            std::string::npos);
  EXPECT_NE(bad({{"video_id", "a b"}}).find("settings.video_id"), std::string::npos);
  EXPECT_NE(bad({{"video_id", "abc"}, {"daily_quota_units", 0}}).find("daily_quota_units"),
            std::string::npos);
  auto ok = pull::ParseYoutubeSettings({{"channel_id", "UC_x5XG1OV2P6uZZ5FSM9Ttw"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->daily_quota_units, 10000);
  EXPECT_EQ(ok->api_base, "https://www.googleapis.com");
}

}  // namespace
}  // namespace humas::connectors::youtube
