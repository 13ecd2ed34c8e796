// Payload mapping over the real-format fixtures in ../shared/fixtures (Meta Graph webhooks,
// WhatsApp Cloud, Telegram Bot API updates, X API v2, Standard Webhooks).
#include "connectors/webhook/mapping.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace humas::webhook {
namespace {

namespace fs = std::filesystem;
constexpr UnixMillis kReceived = 1700000000123;

std::string Fixtures() {
  if (const char* env = std::getenv("HUMAS_SHARED"); env && *env)
    return std::string(env) + "/fixtures";
  return std::string(HUMAS_SHARED_DIR) + "/fixtures";
}

std::string Read(const std::string& rel) {
  std::ifstream in(rel[0] == '/' ? rel : Fixtures() + "/" + rel, std::ios::binary);
  EXPECT_TRUE(in) << "cannot read " << rel;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Mapped MapOk(Source s, const std::string& body) {
  auto r = MapPayload(s, body, kReceived);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Mapped{};
}

TEST(MappingTest, MetaPageFeedPost) {
  Mapped m =
      MapOk(Source::kMeta, Read("meta-graph/webhooks/page_feed_status_dashboard_sample.json"));
  ASSERT_EQ(m.mentions.size(), 1u);
  const MentionInput& p = m.mentions[0];
  EXPECT_EQ(p.platform, Platform::kFacebook);
  EXPECT_EQ(p.external_id, "44444444_444444444");
  EXPECT_EQ(p.author_handle, "1067280970047460");
  EXPECT_EQ(p.author_name, "Test Page");
  EXPECT_EQ(p.text, "Example post content.");
  EXPECT_EQ(p.created_at, 1543608842000);
  EXPECT_EQ(p.kind, MentionKind::kPost);
  EXPECT_EQ(p.url, "https://www.facebook.com/44444444_444444444");
}

TEST(MappingTest, MetaPageFeedComment) {
  // The same envelope with a comment (fields as documented for Page feed comments).
  const std::string body = R"({"object":"page","entry":[{"id":"1067280970047460","time":1700000100,
    "changes":[{"field":"feed","value":{"from":{"id":"55501","name":"Warga"},"item":"comment",
    "post_id":"1067280970047460_900","comment_id":"900_77","parent_id":"1067280970047460_900",
    "verb":"add","created_time":1700000099,"message":"Jalan rusak belum diperbaiki"}}]}]})";
  Mapped m = MapOk(Source::kMeta, body);
  ASSERT_EQ(m.mentions.size(), 1u);
  EXPECT_EQ(m.mentions[0].kind, MentionKind::kComment);
  EXPECT_EQ(m.mentions[0].external_id, "900_77");
  EXPECT_EQ(m.mentions[0].in_reply_to, "1067280970047460_900");
  EXPECT_EQ(m.mentions[0].created_at, 1700000099000);
}

TEST(MappingTest, MetaPageFeedCommentEdited) {
  // An `edited` comment notification: a newer version of the comment, written at entry.time.
  const std::string body = R"({"object":"page","entry":[{"id":"1067280970047460","time":1700000500,
    "changes":[{"field":"feed","value":{"from":{"id":"55501","name":"Warga"},"item":"comment",
    "post_id":"1067280970047460_900","comment_id":"900_77","parent_id":"1067280970047460_900",
    "verb":"edited","created_time":1700000099,"message":"Jalan rusak sudah diperbaiki"}}]}]})";
  Mapped m = MapOk(Source::kMeta, body);
  ASSERT_EQ(m.mentions.size(), 1u);
  EXPECT_EQ(m.mentions[0].external_id, "900_77");
  EXPECT_EQ(m.mentions[0].created_at, 1700000099000);
  EXPECT_EQ(m.mentions[0].edited_at, 1700000500000);
  Mapped added =
      MapOk(Source::kMeta, Read("meta-graph/webhooks/page_feed_status_dashboard_sample.json"));
  ASSERT_EQ(added.mentions.size(), 1u);
  EXPECT_EQ(added.mentions[0].edited_at, 0);
}

TEST(MappingTest, MetaInstagramCommentAndNonMentions) {
  Mapped ig = MapOk(Source::kMeta, Read("meta-graph/webhooks/instagram_comments_docs_shape.json"));
  ASSERT_EQ(ig.mentions.size(), 1u);
  EXPECT_EQ(ig.mentions[0].platform, Platform::kInstagram);
  EXPECT_EQ(ig.mentions[0].external_id, "17900000000000000");
  EXPECT_EQ(ig.mentions[0].author_handle, "example_user");
  EXPECT_EQ(ig.mentions[0].text, "Example comment text");
  EXPECT_EQ(ig.mentions[0].in_reply_to, "17800000000000000");
  EXPECT_EQ(ig.mentions[0].created_at, 1700000000000);

  Mapped mention =
      MapOk(Source::kMeta, Read("meta-graph/webhooks/page_mention_dashboard_sample.json"));
  EXPECT_TRUE(mention.mentions.empty());
  EXPECT_EQ(mention.ignored.size(), 1u);
  Mapped photos = MapOk(Source::kMeta, Read("meta-graph/webhooks/user_photos_docs_sample.json"));
  EXPECT_TRUE(photos.mentions.empty());
}

TEST(MappingTest, WhatsappEveryFixtureMapsWithoutError) {
  int mentions = 0, files = 0;
  for (const auto& e : fs::directory_iterator(Fixtures() + "/whatsapp-cloud/pywa-updates")) {
    ++files;
    auto r = MapPayload(Source::kWhatsapp, Read(e.path().string()), kReceived);
    ASSERT_TRUE(r.ok()) << e.path() << ": " << r.status().message();
    for (const auto& m : r->mentions) {
      EXPECT_FALSE(m.text.empty()) << e.path();
      EXPECT_EQ(m.platform, Platform::kWhatsapp);
    }
    mentions += static_cast<int>(r->mentions.size());
    if (e.path().filename().string().rfind("message_status__", 0) == 0)
      EXPECT_TRUE(r->mentions.empty()) << e.path();
  }
  EXPECT_GT(files, 50);
  EXPECT_GT(mentions, 3);
}

TEST(MappingTest, WhatsappTextAndReply) {
  Mapped t = MapOk(Source::kWhatsapp, Read("whatsapp-cloud/pywa-updates/message__text.json"));
  ASSERT_EQ(t.mentions.size(), 1u);
  EXPECT_EQ(t.mentions[0].external_id, "wamid.xyzxyz");
  EXPECT_EQ(t.mentions[0].author_handle, "972987654321");
  EXPECT_EQ(t.mentions[0].author_name, "Test Name");
  EXPECT_EQ(t.mentions[0].text, "Body Text");
  EXPECT_EQ(t.mentions[0].created_at, 1697043223000);
  EXPECT_EQ(t.mentions[0].kind, MentionKind::kMessage);
  Mapped r = MapOk(Source::kWhatsapp, Read("whatsapp-cloud/pywa-updates/message__reply.json"));
  ASSERT_EQ(r.mentions.size(), 1u);
  EXPECT_EQ(r.mentions[0].in_reply_to, "wamid.xyzxyz==");
  EXPECT_EQ(r.mentions[0].kind, MentionKind::kReply);
  Mapped img = MapOk(Source::kWhatsapp, Read("whatsapp-cloud/pywa-updates/message__image.json"));
  EXPECT_TRUE(img.mentions.empty());  // no caption: nothing written by the person
}

TEST(MappingTest, TelegramUpdates) {
  const std::string dir = "telegram-bot/official-webhook-guide/";
  Mapped first = MapOk(Source::kTelegram, Read(dir + "01_message_text_minimal.json"));
  ASSERT_EQ(first.mentions.size(), 1u);
  EXPECT_EQ(first.mentions[0].external_id, "1111111:1365");
  EXPECT_EQ(first.mentions[0].author_handle, "Test");
  EXPECT_EQ(first.mentions[0].author_name, "Test Test Lastname");
  EXPECT_EQ(first.mentions[0].text, "/start");
  EXPECT_EQ(first.mentions[0].created_at, 1441645532000);
  Mapped reply = MapOk(Source::kTelegram, Read(dir + "05_message_with_reply.json"));
  ASSERT_EQ(reply.mentions.size(), 1u);
  EXPECT_EQ(reply.mentions[0].in_reply_to, "1111112:1334");
  EXPECT_EQ(reply.mentions[0].kind, MentionKind::kReply);
  Mapped edited = MapOk(Source::kTelegram, Read(dir + "06_edited_message.json"));
  ASSERT_EQ(edited.mentions.size(), 1u);
  EXPECT_EQ(edited.mentions[0].text, "Edited text");
  // The same message as 01: a newer version of 1111111:1365, written at edit_date.
  EXPECT_EQ(edited.mentions[0].external_id, "1111111:1365");
  EXPECT_EQ(edited.mentions[0].created_at, 1441645532000);
  EXPECT_EQ(edited.mentions[0].edited_at, 1441646600000);
  EXPECT_EQ(first.mentions[0].edited_at, 0);
  Mapped inline_query = MapOk(Source::kTelegram, Read(dir + "11_inline_query.json"));
  EXPECT_TRUE(inline_query.mentions.empty());
  for (const auto& e : fs::directory_iterator(Fixtures() + "/" + dir)) {
    auto r = MapPayload(Source::kTelegram, Read(e.path().string()), kReceived);
    EXPECT_TRUE(r.ok()) << e.path() << ": " << r.status().message();
  }
  const std::string channel = R"({"update_id":5,"channel_post":{"message_id":42,"date":1700000000,
    "chat":{"id":-1001234,"type":"channel","title":"Info Kota","username":"infokota"},
    "sender_chat":{"id":-1001234,"type":"channel","title":"Info Kota","username":"infokota"},
    "text":"Pengumuman","forward_origin":{"type":"channel","chat":{"id":-1009,"type":"channel"},
    "message_id":7,"date":1699999999}}})";
  Mapped post = MapOk(Source::kTelegram, channel);
  ASSERT_EQ(post.mentions.size(), 1u);
  EXPECT_EQ(post.mentions[0].url, "https://t.me/infokota/42");
  EXPECT_EQ(post.mentions[0].shared_from, "-1009:7");
  EXPECT_EQ(post.mentions[0].author_handle, "infokota");
}

TEST(MappingTest, XAccountActivityAndV2) {
  Mapped aaa = MapOk(Source::kX, R"({"for_user_id":"2244994945","tweet_create_events":[
    {"id_str":"1","text":"hello","created_at":"Wed Oct 10 20:19:24 +0000 2018",
     "user":{"id_str":"6253282","screen_name":"warga","name":"Warga"},
     "in_reply_to_status_id_str":"0001"}]})");
  ASSERT_EQ(aaa.mentions.size(), 1u);
  EXPECT_EQ(aaa.mentions[0].created_at, 1539202764000);
  EXPECT_EQ(aaa.mentions[0].in_reply_to, "0001");
  EXPECT_EQ(aaa.mentions[0].url, "https://x.com/warga/status/1");
  // An edit delivered by Account Activity (v1.1 edit_history): stored as the original's version.
  Mapped aaa_edit = MapOk(Source::kX, R"({"for_user_id":"2244994945","tweet_create_events":[
    {"id_str":"1495980000000000000","text":"hello, edited","created_at":"Tue Feb 22 04:45:00 +0000 2022",
     "user":{"id_str":"6253282","screen_name":"warga","name":"Warga"},
     "edit_history":{"initial_tweet_id":"1495979553889697792","edit_tweet_ids":["1495979553889697792","1495980000000000000"]}}]})");
  ASSERT_EQ(aaa_edit.mentions.size(), 1u);
  EXPECT_EQ(aaa_edit.mentions[0].external_id, "1495979553889697792");
  EXPECT_EQ(aaa_edit.mentions[0].edited_at, 1645505100000);
  EXPECT_EQ(aaa_edit.mentions[0].created_at, 1645504294260);

  auto quotes = nlohmann::json::parse(
      Read("x-api-v2/python-twitter/apis/tweet/tweet_quote_tweets_resp.json"));
  size_t with_author = 0;
  for (const auto& t : quotes["data"]) with_author += t.contains("author_id");
  Mapped v2 = MapOk(Source::kX, quotes.dump());
  EXPECT_EQ(v2.mentions.size(), with_author);
  ASSERT_FALSE(v2.mentions.empty());
  EXPECT_EQ(v2.mentions[0].external_id, "1495979553889697792");
  EXPECT_EQ(v2.mentions[0].created_at, 1645504294000);
  EXPECT_EQ(v2.mentions[0].edited_at, 0);  // edit history of one: never edited

  // An edit of that tweet: a new tweet id whose history starts with the original's. It is
  // stored as a newer version of the original, created when the original was.
  auto edit = quotes;
  edit["data"] = nlohmann::json::array({quotes["data"][0]});
  edit["data"][0]["id"] = "1495980000000000000";
  edit["data"][0]["text"] = "teks yang sudah diedit";
  edit["data"][0]["created_at"] = "2022-02-22T04:45:00.000Z";
  edit["data"][0]["edit_history_tweet_ids"] = {"1495979553889697792", "1495980000000000000"};
  Mapped edited = MapOk(Source::kX, edit.dump());
  ASSERT_EQ(edited.mentions.size(), 1u);
  EXPECT_EQ(edited.mentions[0].external_id, "1495979553889697792");
  EXPECT_EQ(edited.mentions[0].text, "teks yang sudah diedit");
  EXPECT_EQ(edited.mentions[0].edited_at, 1645505100000);
  EXPECT_EQ(edited.mentions[0].created_at, 1645504294260);  // from the snowflake id
  // A lookup without author_id (tweepy's recorded get_tweet) is not a usable mention.
  auto cassette = nlohmann::json::parse(Read("x-api-v2/tweepy-cassettes/get_tweet_0.json"));
  Mapped none = MapOk(Source::kX, cassette["body"].dump());
  EXPECT_TRUE(none.mentions.empty());
  EXPECT_EQ(none.ignored.size(), 1u);
}

TEST(MappingTest, StandardWebhooks) {
  Mapped spec = MapOk(Source::kStandard, Read("standard-webhooks/spec_example_payload.json"));
  EXPECT_TRUE(spec.mentions.empty());
  EXPECT_EQ(spec.ignored.at(0), "standard contact.created");
  Mapped m =
      MapOk(Source::kStandard, R"({"type":"mention.created","timestamp":"2025-03-04T00:00:00Z",
    "data":{"platform":"website","external_id":"lapor-1","author":{"handle":"warga1"},
    "text":"Lampu jalan mati","created_at":"2025-03-04T08:15:22+08:00"}})");
  ASSERT_EQ(m.mentions.size(), 1u);
  EXPECT_EQ(m.mentions[0].platform, Platform::kWebsite);
  auto bad = MapPayload(Source::kStandard,
                        R"({"type":"mention.created","data":{"platform":"website"}})", kReceived);
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

TEST(MappingTest, MalformedTruncatedAndWrongEnvelopes) {
  std::string body = Read("whatsapp-cloud/pywa-updates/message__text.json");
  for (Source s :
       {Source::kMeta, Source::kWhatsapp, Source::kTelegram, Source::kX, Source::kStandard}) {
    auto r = MapPayload(s, body.substr(0, body.size() / 2), kReceived);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << ToString(s);
    EXPECT_EQ(r.status().message().find('\n'), std::string::npos);
  }
  EXPECT_FALSE(MapPayload(Source::kMeta, "[1,2]", kReceived).ok());
  EXPECT_FALSE(MapPayload(Source::kWhatsapp, "{\"object\":\"page\",\"entry\":[]}", kReceived).ok());
  EXPECT_FALSE(MapPayload(Source::kTelegram, "{\"message\":{}}", kReceived).ok());
  EXPECT_FALSE(MapPayload(Source::kX, "[]", kReceived).ok());
  EXPECT_FALSE(MapPayload(Source::kStandard, "{}", kReceived).ok());
}

}  // namespace
}  // namespace humas::webhook
