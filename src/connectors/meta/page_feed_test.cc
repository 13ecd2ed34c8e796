// Facebook Page feed and Instagram media against a fake Graph API on loopback replaying the
// recorded answers of
// ../shared/fixtures/meta-graph/python-facebook (a Page feed in two pages; a recorded comment
// embedded in a post the way comments.limit(100){...} returns it): a paged sweep, the next run
// asking only for newer posts, a malformed page mid-sweep then a restart that resumes at the saved
// page without loss or repeat, Graph rate-limit and expired-token errors, and the token kept out of
// the URL and every error.
#include "connectors/meta/page_feed.h"

#include "connectors/pull/pull_test_util.h"
#include "connectors/pull/settings.h"

namespace humas::connectors::meta {
namespace {

using json = nlohmann::json;
using pull::testing::Fixture;
using pull::testing::JsonResponse;

constexpr char kPageId[] = "19292868552";
constexpr char kRoute[] = "/v21.0/19292868552/feed";
constexpr char kCommentsRoute[] = "/v21.0/{post}/comments";
constexpr char kPostRoute[] = "/v21.0/{post}";  // a post read again by a revisit
constexpr char kToken[] = "EAAG-token-halaman-rahasia";

json Graph(const std::string& rel) {
  return json::parse(Fixture("meta-graph/python-facebook/facebook/" + rel));
}

class PageFeedTest : public pull::testing::PullTest {
 protected:
  void SetUp() override {
    PullTest::SetUp();
    fake_.Route(kRoute);
    fake_.Route(kCommentsRoute);
    fake_.Route(kPostRoute);
    ASSERT_TRUE(fake_.Start().ok());
    page1_ = Graph("apidata/posts/feeds_default_fields_p1.json");
    page2_ = Graph("apidata/posts/feeds_default_fields_p2.json");
    // The first post carries a recorded comment and a recorded reply to it (its parent set).
    comment_ = Graph("models/comment.json");
    reply_ = Graph("apidata/comments/comment_info.json");
    reply_["parent"] = {{"id", comment_["id"]}};
    reply_["from"] = {{"id", "100012345"}, {"name", "Warga Kota"}};
    page1_["data"][0]["comments"]["data"] = json::array({comment_, reply_});
  }
  store::Connector AddPage() {
    return Add(Platform::kFacebook, {{"api_base", fake_.base() + "/v21.0"}, {"page_id", kPageId}},
               json({{"access_token", kToken}}).dump());
  }
  json Cursor(Id id) { return json::parse(Reload(id).checkpoint.cursor); }
  static std::int64_t Unix(const char* graph_time) {
    std::string t = graph_time;
    t.insert(t.size() - 2, ":");
    return *ParseRfc3339(t) / 1000;
  }

  pull::testing::FakePlatform fake_;
  json page1_, page2_, comment_, reply_;
  PageFeed source_;
};

TEST_F(PageFeedTest, SweepsPagesThenAsksOnlyForNewerPosts) {
  fake_.Answer(kRoute, JsonResponse(200, page1_.dump()));
  fake_.Answer(kRoute, JsonResponse(200, page2_.dump()));
  store::Connector c = AddPage();
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 2);
  EXPECT_EQ(r->stored, 12);  // 10 posts, a comment and its reply
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].Header("authorization"), std::string("Bearer ") + kToken);
  EXPECT_EQ(reqs[0].target.find(kToken), std::string::npos);
  EXPECT_EQ(reqs[0].Query("fields").value_or(""),
            "id,message,created_time,permalink_url,from,comments.limit(100){id,message,"
            "created_time,from,parent,permalink_url,like_count,comment_count}");
  EXPECT_EQ(reqs[0].Query("limit").value_or(""), "25");
  EXPECT_FALSE(reqs[0].Query("after").has_value());
  EXPECT_FALSE(reqs[0].Query("since").has_value());
  EXPECT_EQ(reqs[1].Query("after").value_or(""), page1_["paging"]["cursors"]["after"]);
  const std::int64_t newest = Unix("2021-07-09T19:09:52+0000");
  EXPECT_EQ(Cursor(c.id), json({{"since", newest}}));

  // The next run asks for posts after the checkpoint; a post Graph repeats is not stored twice.
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, page2_.dump()));
  r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 0);
  EXPECT_EQ(fake_.requests().back().Query("since").value_or(""), std::to_string(newest));
  EXPECT_EQ(Mentions().size(), 12u);
}

TEST_F(PageFeedTest, MapsPostsCommentsAndReplies) {
  page1_.erase("paging");  // one page
  fake_.Answer(kRoute, JsonResponse(200, page1_.dump()));
  ASSERT_TRUE(runner_->RunOne(source_, AddPage()).ok());
  std::map<std::string, Mention> by_id;
  for (auto& m : Mentions()) by_id[m.data.external_id] = m;
  ASSERT_EQ(by_id.size(), 7u);
  const json& p = page1_["data"][0];
  const auto& post = by_id.at(p["id"]).data;
  EXPECT_EQ(post.platform, Platform::kFacebook);
  EXPECT_EQ(post.kind, MentionKind::kPost);
  EXPECT_EQ(post.text, p["message"]);
  EXPECT_EQ(post.author_handle, kPageId);  // the Page's own post has no `from`
  EXPECT_EQ(post.url, p["permalink_url"]);
  EXPECT_EQ(post.created_at, Unix("2021-07-09T19:09:52+0000") * 1000);
  const auto& comment = by_id.at(comment_["id"]).data;
  EXPECT_EQ(comment.kind, MentionKind::kComment);
  EXPECT_EQ(comment.in_reply_to, p["id"]);
  EXPECT_EQ(comment.author_handle, comment_["from"]["id"]);
  EXPECT_EQ(comment.author_name, comment_["from"]["name"]);
  EXPECT_EQ(comment.text, comment_["message"]);
  EXPECT_EQ(comment.url, comment_["permalink_url"]);
  const auto& reply = by_id.at(reply_["id"]).data;
  EXPECT_EQ(reply.kind, MentionKind::kReply);
  EXPECT_EQ(reply.in_reply_to, comment_["id"]);
  EXPECT_EQ(reply.author_name, "Warga Kota");
}

TEST_F(PageFeedTest, MalformedPageMidSweepThenRestartResumesWithoutLossOrRepeat) {
  fake_.Answer(kRoute, JsonResponse(200, page1_.dump()));
  fake_.Answer(kRoute, JsonResponse(200, "{\"data\": [ {\"id\": \"19292868552_1\""));
  store::Connector c = AddPage();
  auto r = runner_->RunOne(source_, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Mentions().size(), 7u);  // page 1 is stored, the broken page 2 adds nothing
  c = Reload(c.id);
  EXPECT_NE(c.health.last_error.find("malformed JSON"), std::string::npos) << c.health.last_error;
  EXPECT_EQ(Cursor(c.id)["after"], page1_["paging"]["cursors"]["after"]);

  // A restarted server (new runner, same store) resumes at the saved page.
  runner_ = NewRunner();
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, page2_.dump()));
  r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 5);
  EXPECT_EQ(fake_.requests().back().Query("after").value_or(""),
            page1_["paging"]["cursors"]["after"]);
  EXPECT_EQ(Mentions().size(), 12u);
  EXPECT_EQ(Cursor(c.id), json({{"since", Unix("2021-07-09T19:09:52+0000")}}));
}

TEST_F(PageFeedTest, ExpiredTokenWaitsADayAndRateLimitWaitsAnHour) {
  json expired = {{"error",
                   {{"message", std::string("Error validating access token ") + kToken},
                    {"type", "OAuthException"},
                    {"code", 190},
                    {"error_subcode", 463}}}};
  fake_.Answer(kRoute, JsonResponse(400, expired.dump()));
  store::Connector c = AddPage();
  ASSERT_FALSE(runner_->RunOne(source_, c).ok());
  EXPECT_EQ(fake_.count(), 1u);  // no retry storm
  c = Reload(c.id);
  EXPECT_EQ(c.health.last_error.find("token kedaluwarsa / token expired"), 0u)
      << c.health.last_error;
  EXPECT_EQ(c.health.last_error.find(kToken), std::string::npos);
  EXPECT_EQ(c.health.next_run_at, clock_.Now() + 24 * 3'600'000);

  json limited = {{"error",
                   {{"message", "(#4) Application request limit reached"},
                    {"type", "OAuthException"},
                    {"code", 4}}}};
  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(403, limited.dump()));
  store::Connector d = AddPage();
  ASSERT_FALSE(runner_->RunOne(source_, d).ok());
  d = Reload(d.id);
  EXPECT_EQ(d.health.last_error.rfind("rate limited", 0), 0u) << d.health.last_error;
  EXPECT_EQ(d.health.next_run_at, clock_.Now() + 3'600'000);
  EXPECT_TRUE(Mentions().empty());
}

TEST_F(PageFeedTest, SettingsAreChecked) {
  EXPECT_TRUE(pull::ParseFacebookPageSettings({{"page_id", kPageId}}).ok());
  // Only a connector naming a Page is polled; one without page_id only answers (replies).
  EXPECT_TRUE(pull::IsPulled(Platform::kFacebook, {{"page_id", kPageId}}));
  EXPECT_FALSE(pull::IsPulled(Platform::kFacebook, {{"api_base", "https://graph.facebook.com"}}));
  for (const json& bad : {json::object(), json{{"page_id", "halaman-ku"}},
                          json{{"page_id", kPageId}, {"api_base", "ftp://graph"}},
                          json{{"page_id", kPageId}, {"limit", 500}},
                          json{{"page_id", kPageId}, {"ig_user_id", "1"}}}) {
    auto s = pull::ParseFacebookPageSettings(bad);
    EXPECT_EQ(s.status().code(), Code::kInvalidArgument) << bad.dump();
    EXPECT_EQ(s.status().field(), "settings") << bad.dump();
  }
  store::Connector c = Add(Platform::kFacebook, {{"page_id", kPageId}}, "");
  auto r = runner_->RunOne(source_, c);
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(fake_.count(), 0u);
}

// Instagram media of a professional account: the recorded media pages, a recorded comment with
// its embedded reply, and one reply from the recorded replies list.
class InstagramMediaTest : public pull::testing::PullTest {
 protected:
  static constexpr char kIgRoute[] = "/v21.0/17841406338772941/media";
  static constexpr char kMediaComments[] = "/v21.0/{media}/comments";
  static constexpr char kReplies[] = "/v21.0/{comment}/replies";
  static constexpr char kMediaRead[] = "/v21.0/{media}";  // a media read again by a revisit
  void SetUp() override {
    PullTest::SetUp();
    fake_.Route(kIgRoute);
    fake_.Route(kMediaComments);
    fake_.Route(kReplies);
    fake_.Route(kMediaRead);
    ASSERT_TRUE(fake_.Start().ok());
    const std::string dir = "meta-graph/python-facebook/instagram/";
    page1_ = json::parse(Fixture(dir + "apidata/users/medias_p1.json"));
    page2_ = json::parse(Fixture(dir + "apidata/users/medias_p2.json"));
    comment_ = json::parse(Fixture(dir + "models/ig_comment.json"));
    comment_["replies"]["data"].push_back(json::parse(Fixture(dir + "models/ig_reply.json")));
    page1_["data"][0]["comments"]["data"] = json::array({comment_});
  }
  store::Connector AddAccount() {
    return Add(Platform::kInstagram,
               {{"api_base", fake_.base() + "/v21.0"}, {"ig_user_id", "17841406338772941"}},
               json({{"access_token", kToken}}).dump());
  }

  pull::testing::FakePlatform fake_;
  json page1_, page2_, comment_;
  InstagramMedia source_;
};

TEST_F(InstagramMediaTest, SweepsMediaWithCommentsAndRepliesThenResumes) {
  fake_.Answer(kIgRoute, JsonResponse(200, page1_.dump()));
  fake_.Answer(kIgRoute, JsonResponse(200, page2_.dump()));
  store::Connector c = AddAccount();
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 2);
  EXPECT_EQ(r->stored, 7);  // 4 media, a comment, its 2 replies
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].Header("authorization"), std::string("Bearer ") + kToken);
  EXPECT_NE(reqs[0].Query("fields").value_or("").find("replies{id,text,timestamp,username"),
            std::string::npos);
  EXPECT_EQ(reqs[1].Query("after").value_or(""), page1_["paging"]["cursors"]["after"]);
  std::string newest = page1_["data"][0]["timestamp"];
  newest.insert(newest.size() - 2, ":");
  EXPECT_EQ(json::parse(Reload(c.id).checkpoint.cursor),
            json({{"since", *ParseRfc3339(newest) / 1000}}));

  std::map<std::string, Mention> by_id;
  for (auto& m : Mentions()) by_id[m.data.external_id] = m;
  const json& media = page1_["data"][0];
  const auto& post = by_id.at(media["id"]).data;
  EXPECT_EQ(post.platform, Platform::kInstagram);
  EXPECT_EQ(post.kind, MentionKind::kPost);
  EXPECT_EQ(post.url, media["permalink"]);
  const auto& comment = by_id.at(comment_["id"]).data;
  EXPECT_EQ(comment.kind, MentionKind::kComment);
  EXPECT_EQ(comment.in_reply_to, media["id"]);
  EXPECT_EQ(comment.author_handle, "ikroskun");
  EXPECT_EQ(comment.text, comment_["text"]);
  EXPECT_EQ(comment.likes, 1);
  const auto& reply = by_id.at(comment_["replies"]["data"][0]["id"]).data;
  EXPECT_EQ(reply.kind, MentionKind::kReply);
  EXPECT_EQ(reply.in_reply_to, comment_["id"]);

  // The next run asks only for newer media and stores nothing twice.
  fake_.Reset(kIgRoute);
  fake_.Answer(kIgRoute, JsonResponse(200, page1_.dump()));
  r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 0);
  EXPECT_TRUE(fake_.requests().back().Query("since").has_value());
  EXPECT_EQ(Mentions().size(), 7u);

  EXPECT_EQ(pull::ParseInstagramMediaSettings({{"ig_user_id", "akun"}}).status().code(),
            Code::kInvalidArgument);
  EXPECT_TRUE(pull::IsPulled(Platform::kInstagram, {{"ig_user_id", "17841406338772941"}}));
  EXPECT_FALSE(pull::IsPulled(Platform::kInstagram, json::object()));
}

//! Graph's time format ("2021-07-09T19:09:52+0000") of a test clock time.
std::string GraphTimeOf(UnixMillis t) { return FormatRfc3339(t).substr(0, 19) + "+0000"; }

TEST_F(InstagramMediaTest, RecentlyCommentedMediaAreRevisitedAndEditedCommentsFound) {
  // The first media's recorded comment is from yesterday (by the test clock): the media is active.
  const std::string media = page1_["data"][0]["id"];
  page1_.erase("paging");
  page1_["data"][0]["comments"]["data"][0]["timestamp"] = GraphTimeOf(clock_.Now() - 86'400'000);
  fake_.Answer(kIgRoute, JsonResponse(200, page1_.dump()));
  store::Connector c = AddAccount();
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 2 + 1 + 2);  // 2 media, the comment, its 2 replies
  EXPECT_EQ(json::parse(Reload(c.id).checkpoint.cursor)["active"],
            json({{media, clock_.Now() / 1000 - 86'400}}));
  const std::string comment_id = comment_["id"];
  auto stored = [&](const std::string& external_id) {
    for (const Mention& m : Mentions())
      if (m.data.external_id == external_id) return m;
    ADD_FAILURE() << external_id << " not stored";
    return Mention{};
  };
  const Id stored_id = stored(comment_id).id;
  EXPECT_EQ(stored(comment_id).data.edited_at, 0);

  // An hour later the revisit reads the media's comments with no order, every page: the recorded
  // two pages, the second holding our comment (same id) with the words its author changed since.
  const std::string dir = "meta-graph/python-facebook/instagram/apidata/medias/";
  json first = json::parse(Fixture(dir + "comments_p1.json"));
  json second = json::parse(Fixture(dir + "comments_p2.json"));
  ASSERT_EQ(second["data"][0]["id"], comment_id);
  second["data"][0]["text"] = "@ikroskun  Hey, guys (ralat: sudah beres)";
  const json& edited = second["data"][0];
  // The media itself is read again (the recorded single-media shape): its author edited the
  // caption.
  json media_read = json::parse(Fixture(dir + "media_default.json"));
  media_read["id"] = media;
  media_read["caption"] = "Banjir di Berau (ralat: foto kedua dari Tanjung Redeb)";
  const std::string media_caption = stored(media).data.text;
  auto answer_revisit = [&] {
    fake_.Reset(kIgRoute);
    fake_.Answer(kIgRoute, JsonResponse(200, R"({"data": []})"));
    fake_.Reset(kMediaRead);
    fake_.Answer(kMediaRead, JsonResponse(200, media_read.dump()));
    fake_.Reset(kMediaComments);
    fake_.Answer(kMediaComments, JsonResponse(200, first.dump()));
    fake_.Answer(kMediaComments, JsonResponse(200, second.dump()));
  };
  answer_revisit();
  clock_.Advance(61 * 60'000);
  const UnixMillis revisit_at = clock_.Now();
  const size_t asked_before = fake_.count();
  r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto reqs = fake_.requests();
  // The media list (nothing newer), the media itself, two comment pages.
  ASSERT_EQ(reqs.size(), asked_before + 4);
  EXPECT_EQ(reqs[asked_before + 1].path, "/v21.0/" + media);
  EXPECT_NE(reqs[asked_before + 1].Query("fields").value_or("").find("caption"), std::string::npos);
  EXPECT_EQ(reqs[asked_before + 2].path, "/v21.0/" + media + "/comments");
  EXPECT_FALSE(reqs[asked_before + 2].Query("order").has_value());
  EXPECT_FALSE(reqs[asked_before + 2].Query("after").has_value());
  EXPECT_EQ(reqs[asked_before + 3].Query("after").value_or(""), "after");
  EXPECT_EQ(r->stored, 2 + 1);  // the two comments of page 1 and the other of page 2 are new
  const Mention now = stored(comment_id);
  EXPECT_EQ(now.id, stored_id);
  EXPECT_EQ(now.data.text, edited["text"]);
  EXPECT_EQ(now.data.edited_at, revisit_at);  // when the new words were seen
  auto edits = store_->mentions().Edits(stored_id);
  ASSERT_TRUE(edits.ok());
  ASSERT_EQ(edits->size(), 1u);
  EXPECT_EQ((*edits)[0].text, comment_["text"]);
  EXPECT_FALSE(json::parse(Reload(c.id).checkpoint.cursor).contains("comments"));
  // The caption edit: a new version of the media, seen at the revisit (Graph gives no edit time).
  const Mention post_now = stored(media);
  EXPECT_EQ(post_now.data.text, media_read["caption"]);
  EXPECT_EQ(post_now.data.edited_at, revisit_at);
  auto caption_history = store_->mentions().Edits(post_now.id);
  ASSERT_TRUE(caption_history.ok());
  ASSERT_EQ(caption_history->size(), 1u);
  EXPECT_EQ((*caption_history)[0].text, media_caption);

  // The next revisit finds the same words everywhere: nothing is an edit, nothing is stored.
  answer_revisit();
  clock_.Advance(61 * 60'000);
  r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 0);
  EXPECT_EQ(fake_.count(), asked_before + 8);
  EXPECT_EQ(stored(comment_id).data.edited_at, revisit_at);
  EXPECT_EQ(stored(media).data.edited_at, revisit_at);
  EXPECT_EQ(store_->mentions().Edits(post_now.id)->size(), 1u);
  EXPECT_EQ(store_->mentions().Edits(stored_id)->size(), 1u);
  EXPECT_EQ(stored(std::string(second["data"][1]["id"])).data.edited_at, 0);
}

TEST_F(InstagramMediaTest, RepliesPastTheirFirstPageAreRead) {
  // The comment's embedded replies say more follow (the paging of a recorded comments page);
  // /{comment-id}/replies answers the recorded replies list.
  const std::string dir = "meta-graph/python-facebook/instagram/apidata/";
  json paged = json::parse(Fixture(dir + "medias/comments_p1.json"));
  page1_.erase("paging");
  page1_["data"][0]["comments"]["data"][0]["replies"]["paging"] = paged["paging"];
  fake_.Answer(kIgRoute, JsonResponse(200, page1_.dump()));
  const json replies = json::parse(Fixture(dir + "comments/replies.json"));
  fake_.Answer(kReplies, JsonResponse(200, replies.dump()));
  store::Connector c = AddAccount();
  runner_ = NewRunner({.max_pages_per_run = 1});
  ASSERT_TRUE(runner_->RunOne(source_, c).ok());
  const std::string comment_id = comment_["id"];
  EXPECT_EQ(json::parse(Reload(c.id).checkpoint.cursor)["comments"],
            json::array({{{"of", comment_id}, {"after", "after"}, {"edge", "replies"}}}));
  auto r = runner_->RunOne(source_, Reload(c.id));  // a restart would resume here too
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 1);
  const http::Request asked = fake_.requests().back();
  EXPECT_EQ(asked.path, "/v21.0/" + comment_id + "/replies");
  EXPECT_EQ(asked.Query("after").value_or(""), "after");
  EXPECT_EQ(asked.Query("fields").value_or(""), "id,text,timestamp,username,like_count");
  EXPECT_EQ(asked.Header("authorization"), std::string("Bearer ") + kToken);
  EXPECT_FALSE(json::parse(Reload(c.id).checkpoint.cursor).contains("comments"));
  bool found = false;
  for (const Mention& m : Mentions()) {
    if (m.data.external_id != replies["data"][0]["id"]) continue;
    found = true;
    EXPECT_EQ(m.data.kind, MentionKind::kReply);
    EXPECT_EQ(m.data.in_reply_to, comment_id);
    EXPECT_EQ(m.data.text, replies["data"][0]["text"]);
    EXPECT_EQ(m.data.author_handle, "instagram-user");  // the recording did not ask for username
  }
  EXPECT_TRUE(found);
}

//! A recorded comments page (apidata/comments) with ids: the recording did not ask for `id`, so
//! each comment gets the one its permalink names (post id + "_" + comment_id).
json CommentsPage(const std::string& rel) {
  json page = Graph(rel);
  for (json& c : page["data"]) {
    std::string link = c["permalink_url"];
    c["id"] = "10158407654328553_" + link.substr(link.find("comment_id=") + 11);
    c["from"] = {{"id", "100012345"}, {"name", "Warga Kota"}};
  }
  return page;
}

TEST_F(PageFeedTest, FollowsTheCommentsOfAPostPastItsFirstPageAndResumesMidPost) {
  // The first post's embedded comments are the recorded first page of a post's comments (10 and
  // a next page); /{post-id}/comments answers the recorded second page (5, no next).
  const std::string post = page1_["data"][0]["id"];
  const std::string comments_route = "/v21.0/" + post + "/comments";
  json first = CommentsPage("apidata/comments/comments_p1.json");
  json second = CommentsPage("apidata/comments/comments_p2.json");
  page1_["data"][0]["comments"] = first;
  fake_.Answer(kRoute, JsonResponse(200, page1_.dump()));
  fake_.Answer(kRoute, JsonResponse(200, page2_.dump()));
  fake_.Answer(kCommentsRoute, JsonResponse(200, second.dump()));
  store::Connector c = AddPage();

  // One page per run (the per-tick budget): posts page 1, then the rest of the post's
  // comments, then posts page 2; the checkpoint holds the place in between (a restart resumes).
  runner_ = NewRunner({.max_pages_per_run = 1});
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 5 + 10);  // 5 posts and the embedded 10 comments
  EXPECT_EQ(Cursor(c.id)["comments"], json::array({{{"of", post}, {"after", "after"}}}));
  EXPECT_EQ(Reload(c.id).health.next_run_at, clock_.Now());  // more to read: due again now

  runner_ = NewRunner({.max_pages_per_run = 1});  // a restart
  r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 5);
  auto reqs = fake_.requests();
  const http::Request& asked = reqs.back();
  EXPECT_EQ(asked.path, comments_route);
  EXPECT_EQ(asked.Query("after").value_or(""), "after");
  EXPECT_EQ(asked.Query("fields").value_or(""),
            "id,message,created_time,from,parent,permalink_url,like_count,comment_count");
  EXPECT_EQ(asked.Header("authorization"), std::string("Bearer ") + kToken);
  EXPECT_FALSE(Cursor(c.id).contains("comments"));
  EXPECT_EQ(Cursor(c.id)["after"], page1_["paging"]["cursors"]["after"]);

  r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 5);  // posts page 2
  EXPECT_EQ(Cursor(c.id), json({{"since", Unix("2021-07-09T19:09:52+0000")}}));
  std::map<std::string, Mention> by_id;
  for (auto& m : Mentions()) by_id[m.data.external_id] = m;
  EXPECT_EQ(by_id.size(), 10u + 10u + 5u);
  for (const json& cm : second["data"]) {
    const MentionInput& d = by_id.at(cm["id"]).data;
    EXPECT_EQ(d.kind, MentionKind::kComment);
    EXPECT_EQ(d.in_reply_to, post);
    EXPECT_EQ(d.text, cm["message"]);
  }
}

TEST_F(PageFeedTest, ADeletedPostsCommentsAreSkippedAndErrorsKeepThePlace) {
  const std::string post = page1_["data"][0]["id"];
  page1_.erase("paging");
  page1_["data"][0]["comments"] = CommentsPage("apidata/comments/comments_p1.json");
  fake_.Answer(kRoute, JsonResponse(200, page1_.dump()));
  // A rate limit first: the place is kept; then the post is gone (Graph code 100): skipped.
  http::Response limited = JsonResponse(
      400,
      R"({"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4}})");
  fake_.Answer(kCommentsRoute, limited);
  fake_.Answer(
      kCommentsRoute,
      JsonResponse(
          400,
          R"({"error":{"message":"Unsupported get request. Object with ID does not exist","type":"GraphMethodException","code":100}})"));
  store::Connector c = AddPage();
  auto r = runner_->RunOne(source_, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_EQ(Cursor(c.id)["comments"], json::array({{{"of", post}, {"after", "after"}}}));
  EXPECT_EQ(Mentions().size(), 5u + 10u);
  r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(Cursor(c.id).contains("comments"));
  EXPECT_EQ(Mentions().size(), 5u + 10u);
}

TEST_F(PageFeedTest, RecentlyActivePostsAreRevisitedHourlyForNewComments) {
  // The first post has a comment from yesterday (by the test's clock): it is active. Later
  // sweeps find no newer post, yet its new comments are read: newest first, one page, hourly.
  const std::string post = page1_["data"][0]["id"];
  const std::string comments_route = "/v21.0/" + post + "/comments";
  auto graph_time = [](UnixMillis t) {
    std::string s = FormatRfc3339(t);  // "...T..:..:..000Z" → Graph's "+0000"
    return s.substr(0, 19) + "+0000";
  };
  page1_.erase("paging");
  page1_["data"][0]["comments"]["data"][0]["created_time"] = graph_time(clock_.Now() - 86'400'000);
  fake_.Answer(kRoute, JsonResponse(200, page1_.dump()));
  store::Connector c = AddPage();
  ASSERT_TRUE(runner_->RunOne(source_, c).ok());
  const std::int64_t yesterday = clock_.Now() / 1000 - 86'400;
  EXPECT_EQ(Cursor(c.id)["active"], json({{post, yesterday}}));
  EXPECT_EQ(Cursor(c.id)["revisited"], clock_.Now() / 1000);  // just read: the hour starts now

  fake_.Reset(kRoute);
  fake_.Answer(kRoute, JsonResponse(200, R"({"data": []})"));
  json fresh = CommentsPage("apidata/comments/comments_p2.json");
  fresh["data"] = json::array({fresh["data"][0]});
  fresh["data"][0]["created_time"] = graph_time(clock_.Now() + 30 * 60'000);
  fake_.Answer(kCommentsRoute, JsonResponse(200, fresh.dump()));
  // The revisit reads the post again: the Page edited its message 40 minutes from now (Graph's
  // updated_time, the recorded post's field).
  json edited_post = page1_["data"][0];
  edited_post.erase("comments");
  edited_post["message"] = "Ralat: layanan pengaduan dibuka sampai pukul 21.00";
  const UnixMillis edited_at = (clock_.Now() + 40 * 60'000) / 1000 * 1000;
  edited_post["updated_time"] = graph_time(edited_at);
  fake_.Answer(kPostRoute, JsonResponse(200, edited_post.dump()));
  clock_.Advance(30 * 60'000);  // within the hour: no revisit
  ASSERT_TRUE(runner_->RunOne(source_, Reload(c.id)).ok());
  EXPECT_EQ(fake_.requests().back().path, kRoute);
  clock_.Advance(31 * 60'000);
  auto r = runner_->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 1);
  const http::Request asked = fake_.requests().back();
  EXPECT_EQ(asked.path, comments_route);
  const auto reqs = fake_.requests();
  EXPECT_EQ(reqs[reqs.size() - 2].path, "/v21.0/" + post);
  EXPECT_NE(reqs[reqs.size() - 2].Query("fields").value_or("").find("updated_time"),
            std::string::npos);
  for (const Mention& m : Mentions()) {
    if (m.data.external_id != post) continue;
    EXPECT_EQ(m.data.text, edited_post["message"]);
    EXPECT_EQ(m.data.edited_at, edited_at);  // the platform's time, not when it was read
    auto history = store_->mentions().Edits(m.id);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), 1u);
    EXPECT_EQ((*history)[0].text, page1_["data"][0]["message"]);
  }
  EXPECT_EQ(asked.Query("order").value_or(""), "reverse_chronological");
  EXPECT_FALSE(asked.Query("after").has_value());
  json cur = Cursor(c.id);
  EXPECT_FALSE(cur.contains("comments"));
  EXPECT_EQ(cur["active"][post], (clock_.Now() - 31 * 60'000) / 1000);
  EXPECT_EQ(cur["revisited"], clock_.Now() / 1000);
  bool found = false;
  for (const Mention& m : Mentions())
    found |= m.data.external_id == fresh["data"][0]["id"] && m.data.in_reply_to == post;
  EXPECT_TRUE(found);

  // A week after its last comment the post is no longer revisited.
  clock_.Advance(8 * 86'400'000LL);
  const size_t asked_before = fake_.count();
  ASSERT_TRUE(runner_->RunOne(source_, Reload(c.id)).ok());
  EXPECT_EQ(fake_.count(), asked_before + 1);  // the feed only
  EXPECT_FALSE(Cursor(c.id).contains("active"));
}

}  // namespace
}  // namespace humas::connectors::meta
