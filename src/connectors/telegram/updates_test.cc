// Telegram getUpdates against a fake Bot API on loopback replaying the Updates of
// ../shared/fixtures/telegram-bot: offset persisted only after a batch is stored, mapping shared
// with the webhook ("<chat_id>:<message_id>"), 429 with retry_after, 5xx then success, malformed
// JSON, duplicates across batches, a restart between storing and confirming, and the token kept
// out of every error message.
#include "connectors/telegram/updates.h"

#include "connectors/pull/pull_test_util.h"

namespace humas::connectors::telegram {
namespace {

using json = nlohmann::json;
using pull::testing::Fixture;
using pull::testing::JsonResponse;

constexpr char kToken[] = "123456:ABC-rahasia";
constexpr char kRoute[] = "/bot123456:ABC-rahasia/getUpdates";

//! {"ok": true, "result": updates}
std::string Envelope(const json& updates) {
  return json({{"ok", true}, {"result", updates}}).dump();
}

//! An official example Update renumbered (the examples all share update_id 10000 and
//! message_id 1365), so a batch holds distinct messages.
json Example(const std::string& name, std::int64_t update_id, std::int64_t message_id) {
  json u = json::parse(Fixture("telegram-bot/official-webhook-guide/" + name));
  u["update_id"] = update_id;
  for (auto& [k, v] : u.items())
    if (v.is_object() && v.contains("message_id")) v["message_id"] = message_id;
  return u;
}

class GetUpdatesTest : public pull::testing::PullTest {
 protected:
  void SetUp() override {
    PullTest::SetUp();
    fake_.Route(kRoute);
    ASSERT_TRUE(fake_.Start().ok());
    derived_ = Fixture("telegram-bot/derived/getUpdates_response.json");
  }
  store::Connector AddBot(int limit = 100) {
    return Add(Platform::kTelegram, {{"api_base", fake_.base()}, {"limit", limit}},
               json({{"bot_token", kToken}}).dump());
  }
  std::string Offset(const http::Request& r) { return r.Query("offset").value_or("<none>"); }

  pull::testing::FakePlatform fake_;
  std::string derived_;
  GetUpdates source_;
};

TEST_F(GetUpdatesTest, StoresBatchThenConfirmsItWithTheNextOffset) {
  fake_.Answer(kRoute, JsonResponse(200, derived_));
  fake_.Answer(kRoute, JsonResponse(200, Envelope(json::array())));
  store::Connector c = AddBot();
  auto r = runner_->RunOne(source_, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->read, 3);
  // message and edited_message of the same message (one mention holding the edited text, the
  // first text in its edit history); callback_query is ignored.
  EXPECT_EQ(r->stored, 1);
  auto ms = Mentions();
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].data.platform, Platform::kTelegram);
  EXPECT_EQ(ms[0].data.external_id, "1111111:1365");
  EXPECT_EQ(ms[0].data.author_handle, "Testusername");
  EXPECT_EQ(ms[0].data.text, "Edited text");
  auto edits = store_->mentions().Edits(ms[0].id);
  ASSERT_TRUE(edits.ok()) << edits.status().ToString();
  ASSERT_EQ(edits->size(), 1u);
  EXPECT_EQ((*edits)[0].text, "/start");
  EXPECT_EQ(ms[0].data.created_at, 1441645532000);
  EXPECT_EQ(ms[0].agency_id, agency_);
  EXPECT_EQ(json::parse(Reload(c.id).checkpoint.cursor), json({{"offset", 10003}}));
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 1u);  // 3 < limit: no second page in this run
  EXPECT_EQ(Offset(reqs[0]), "<none>");
  EXPECT_NE(reqs[0].Query("allowed_updates").value_or("").find("channel_post"), std::string::npos);

  ASSERT_TRUE(runner_->RunOne(source_, Reload(c.id)).ok());
  EXPECT_EQ(Offset(fake_.requests().back()), "10003");
}

TEST_F(GetUpdatesTest, RepliesAndForwardsMapLikeTheWebhook) {
  json batch = json::array({Example("02_message_text.json", 500, 1),
                            Example("05_message_with_reply.json", 501, 2),
                            Example("04_forwarded_channel_message.json", 502, 3),
                            Example("09_voice_message.json", 503, 4)});
  fake_.Answer(kRoute, JsonResponse(200, Envelope(batch)));
  auto r = runner_->RunOne(source_, AddBot());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::map<std::string, Mention> by_id;
  for (auto& m : Mentions()) by_id[m.data.external_id] = m;
  EXPECT_EQ(by_id.size(), 3u);  // the voice message has no text
  ASSERT_TRUE(by_id.count("1111111:2"));
  EXPECT_EQ(by_id["1111111:2"].data.kind, MentionKind::kReply);
  EXPECT_FALSE(by_id["1111111:2"].data.in_reply_to.empty());
}

TEST_F(GetUpdatesTest, FullBatchesArePagedAndDuplicatesStoredOnce) {
  json b1 = json::array({Example("02_message_text.json", 600, 10),
                         Example("07_message_with_entities.json", 601, 11)});
  // Telegram resends 601 (not yet confirmed when a client retries) next to a new one.
  json b2 = json::array({Example("07_message_with_entities.json", 601, 11),
                         Example("01_message_text_minimal.json", 602, 12)});
  fake_.Answer(kRoute, JsonResponse(200, Envelope(b1)));
  fake_.Answer(kRoute, JsonResponse(200, Envelope(b2)));
  fake_.Answer(kRoute, JsonResponse(200, Envelope(json::array())));
  auto r = runner_->RunOne(source_, AddBot(/*limit=*/2));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->pages, 3);
  EXPECT_EQ(r->stored, 3);
  auto reqs = fake_.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(Offset(reqs[1]), "602");
  EXPECT_EQ(Offset(reqs[2]), "603");
  EXPECT_EQ(reqs[0].Query("limit"), "2");
}

TEST_F(GetUpdatesTest, CrashBeforeTheOffsetIsSavedRereadsWithoutRepeating) {
  fake_.Answer(kRoute, JsonResponse(200, derived_));
  store::Connector c = AddBot();
  ASSERT_TRUE(runner_->RunOne(source_, c).ok());
  size_t stored = Mentions().size();
  // The crash: the batch is stored but the offset never reached the database.
  ASSERT_TRUE(store_->connectors().SaveCheckpoint(c.id, {}, 0).ok());
  auto restarted = NewRunner();
  auto r = restarted->RunOne(source_, Reload(c.id));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Offset(fake_.requests().back()), "<none>");  // asks again from the start
  EXPECT_EQ(r->stored, 0);
  EXPECT_EQ(Mentions().size(), stored);
  EXPECT_EQ(json::parse(Reload(c.id).checkpoint.cursor), json({{"offset", 10003}}));
}

TEST_F(GetUpdatesTest, RetryAfterFromTheBodyIsHonoured) {
  fake_.Answer(
      kRoute,
      JsonResponse(
          429,
          R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 120","parameters":{"retry_after":120}})"));
  store::Connector c = AddBot();
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  EXPECT_EQ(fake_.count(), 3u);  // the shared client retried with back-off, then gave up
  c = Reload(c.id);
  EXPECT_EQ(c.health.next_run_at, clock_.Now() + 120'000);
  EXPECT_NE(c.health.last_error.find("Too Many Requests"), std::string::npos);
  EXPECT_EQ(c.checkpoint.cursor, "");
}

TEST_F(GetUpdatesTest, ServerErrorThenSuccess) {
  fake_.Answer(kRoute, JsonResponse(502, "<html>Bad Gateway</html>"));
  fake_.Answer(kRoute, JsonResponse(200, derived_));
  auto r = runner_->RunOne(source_, AddBot());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stored, 1);
  EXPECT_EQ(sleeps_.size(), 1u);
}

TEST_F(GetUpdatesTest, MalformedAnswerStoresNothingAndKeepsTheOffset) {
  fake_.Answer(kRoute, JsonResponse(200, derived_.substr(0, 200)));
  store::Connector c = AddBot();
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  c = Reload(c.id);
  EXPECT_NE(c.health.last_error.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(c.checkpoint.cursor, "");
  EXPECT_TRUE(Mentions().empty());
}

TEST_F(GetUpdatesTest, TokenNeverAppearsInErrors) {
  fake_.Answer(kRoute,
               JsonResponse(401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})"));
  store::Connector bad = AddBot();
  EXPECT_FALSE(runner_->RunOne(source_, bad).ok());
  std::string err = Reload(bad.id).health.last_error;
  EXPECT_NE(err.find("refused the bot token (HTTP 401): Unauthorized"), std::string::npos) << err;
  // A network error names the URL (which holds the token): scrubbed.
  store::Connector down = Add(Platform::kTelegram, {{"api_base", "http://127.0.0.1:1"}},
                              json({{"bot_token", kToken}}).dump());
  EXPECT_FALSE(runner_->RunOne(source_, down).ok());
  err = Reload(down.id).health.last_error;
  EXPECT_NE(err.find("<bot_token>"), std::string::npos) << err;
  EXPECT_EQ(err.find("rahasia"), std::string::npos) << err;
}

TEST_F(GetUpdatesTest, WebhookConflictIsExplained) {
  fake_.Answer(
      kRoute,
      JsonResponse(
          409,
          R"({"ok":false,"error_code":409,"description":"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})"));
  store::Connector c = AddBot();
  EXPECT_FALSE(runner_->RunOne(source_, c).ok());
  EXPECT_NE(Reload(c.id).health.last_error.find("webhook is active"), std::string::npos);
}

}  // namespace
}  // namespace humas::connectors::telegram
