// Jetstream decoding over the real captured events in ../shared/fixtures/bluesky: settings
// validation, the subscribe URL, event → mention mapping (replies, quotes, handles, dates) and
// the keyword / language filters. The expected values are read from the fixtures independently
// of the decoder (plain JSON walks), never typed in.
#include "connectors/bluesky/jetstream.h"

#include <gtest/gtest.h>

#include <set>

#include "connectors/bluesky/jetstream_test_util.h"
#include "connectors/bluesky/stream.h"

namespace humas::connectors::bluesky {
namespace {

using json = nlohmann::json;
using testing::Lines;
using testing::PostsWithText;

constexpr UnixMillis kNow = 1'795'000'000'000;  // 2026-11-18

JetstreamSettings Keywords(std::vector<std::string> k) {
  JetstreamSettings s;
  s.keywords = std::move(k);
  return s;
}

TEST(JetstreamSettingsTest, ValidatesEveryKey) {
  auto s = ParseSettings({{"keywords", {"banjir", "Banjir", " "}},
                          {"wanted_dids", "did:plc:abc, did:web:dinas.go.id\n"},
                          {"langs", {"ID"}},
                          {"jetstream_url", "ws://127.0.0.1:9/subscribe"}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->keywords, (std::vector<std::string>{"Banjir", "banjir"}));
  EXPECT_EQ(s->wanted_dids, (std::vector<std::string>{"did:plc:abc", "did:web:dinas.go.id"}));
  EXPECT_EQ(s->langs, std::vector<std::string>{"id"});
  EXPECT_TRUE(s->streams());
  EXPECT_FALSE(ParseSettings({{"service", "https://bsky.social"}})->streams());  // reply-only
  EXPECT_EQ(ParseSettings(json::object())->jetstream_url, kDefaultJetstream);

  for (const json& bad :
       {json{{"keywords", 5}}, json{{"wanted_dids", {"@dinas.bsky.social"}}},
        json{{"jetstream_url", "https://jetstream.example/subscribe"}},
        json{{"jetstream_url", "wss://x.example/subscribe?cursor=1"}},
        json{{"langs", {"bahasa indonesia"}}}, json{{"firehose", true}}, json::array()}) {
    auto r = ParseSettings(bad);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << bad.dump();
    EXPECT_EQ(r.status().field(), "settings") << bad.dump();
  }
  json many = json::array();
  for (int i = 0; i < 10'001; ++i) many.push_back("did:plc:a" + std::to_string(i));
  EXPECT_FALSE(ParseSettings({{"wanted_dids", many}}).ok());
}

TEST(JetstreamSettingsTest, SubscribeUrlAsksForPostsOfTheWantedAccounts) {
  JetstreamSettings s;
  s.jetstream_url = "wss://jetstream1.us-west.bsky.network/subscribe";
  s.wanted_dids = {"did:plc:abc", "did:web:dinas.go.id"};
  EXPECT_EQ(SubscribeUrl(s, std::nullopt),
            "wss://jetstream1.us-west.bsky.network/subscribe?wantedCollections=app.bsky.feed.post"
            "&wantedDids=did%3Aplc%3Aabc&wantedDids=did%3Aweb%3Adinas.go.id");
  EXPECT_EQ(SubscribeUrl(Keywords({"x"}), 1725911162329308),
            std::string(kDefaultJetstream) +
                "?wantedCollections=app.bsky.feed.post&cursor=1725911162329308");
}

TEST(JetstreamDecodeTest, GoldenEventsGiveEveryPostAndOnlyPosts) {
  auto lines = Lines("bluesky/jetstream/golden_v1.jsonl");
  auto expected = PostsWithText(lines);
  ASSERT_FALSE(expected.empty());
  JetstreamSettings all;
  all.wanted_dids = {"did:plc:any"};  // server-side filter; the decoder keeps every post
  Decoder d(all);
  std::set<std::string> got;
  for (const std::string& l : lines) {
    auto e = d.Decode(l, kNow);
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    EXPECT_EQ(e->time_us, json::parse(l)["time_us"].get<std::int64_t>());
    if (!e->post) continue;
    const MentionInput& m = *e->post;
    ASSERT_TRUE(expected.count(m.external_id)) << m.external_id;
    const json& src = expected.at(m.external_id);
    const json& rec = src["commit"]["record"];
    EXPECT_EQ(m.platform, Platform::kBluesky);
    EXPECT_EQ(m.text, rec["text"]);
    EXPECT_EQ(m.author_handle, src["did"]);
    EXPECT_EQ(m.created_at, *ParseRfc3339(rec["createdAt"].get<std::string>()));
    EXPECT_EQ(m.url, "https://bsky.app/profile/" + src["did"].get<std::string>() + "/post/" +
                         src["commit"]["rkey"].get<std::string>());
    if (rec.contains("reply")) {
      EXPECT_EQ(m.kind, MentionKind::kReply);
      EXPECT_EQ(m.in_reply_to, rec["reply"]["parent"]["uri"]);
    } else {
      EXPECT_EQ(m.kind, MentionKind::kPost);
    }
    got.insert(m.external_id);
  }
  EXPECT_EQ(got.size(), expected.size());
}

TEST(JetstreamDecodeTest, KeywordAndLanguageFilters) {
  auto lines = Lines("bluesky/jetstream/expected_v1.jsonl");
  auto posts = PostsWithText(lines);
  ASSERT_GE(posts.size(), 10u);
  // The oracle: posts whose text contains "the" in any case / tagged "en" (or en-*).
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  size_t with_the = 0, english = 0;
  for (auto& [uri, j] : posts) {
    const json& rec = j["commit"]["record"];
    with_the += lower(rec["text"].get<std::string>()).find("the") != std::string::npos;
    bool en = false;
    for (const json& l : rec.value("langs", json::array()))
      en = en || l.get<std::string>().rfind("en", 0) == 0;
    english += en;
  }
  ASSERT_GT(with_the, 0u);
  ASSERT_LT(with_the, posts.size());
  ASSERT_LT(english, posts.size());

  Decoder by_word(Keywords({"THE"}));
  JetstreamSettings en_only = Keywords({""});
  en_only.keywords.clear();
  en_only.wanted_dids = {"did:plc:any"};
  en_only.langs = {"en"};
  Decoder by_lang(en_only);
  size_t kept_word = 0, dropped_word = 0, kept_lang = 0;
  for (const std::string& l : lines) {
    auto w = by_word.Decode(l, kNow);
    ASSERT_TRUE(w.ok());
    if (w->post) {
      ++kept_word;
      EXPECT_NE(lower(w->post->text).find("the"), std::string::npos);
    }
    dropped_word += w->filtered_out;
    auto g = by_lang.Decode(l, kNow);
    ASSERT_TRUE(g.ok());
    kept_lang += g->post.has_value();
  }
  EXPECT_EQ(kept_word, with_the);
  EXPECT_EQ(dropped_word, posts.size() - with_the);
  EXPECT_EQ(kept_lang, english);
}

TEST(JetstreamDecodeTest, HandlesFromIdentityEventsQuotesAndBadDates) {
  auto lines = Lines("bluesky/jetstream/expected_v1.jsonl");
  json identity, post;
  for (const std::string& l : lines) {
    json j = json::parse(l);
    if (j["kind"] == "identity" && identity.is_null()) identity = j;
    if (post.is_null() && PostsWithText({l}).size() == 1) post = j;
  }
  ASSERT_FALSE(identity.is_null());
  ASSERT_FALSE(post.is_null());
  // The captured identity events carry no handle (it is optional): the DID stays the author.
  ASSERT_FALSE(identity["identity"].contains("handle"));
  JetstreamSettings follow;
  follow.wanted_dids = {identity["did"].get<std::string>()};
  Decoder d(follow);
  ASSERT_TRUE(d.Decode(identity.dump(), kNow).ok());
  post["did"] = identity["did"];
  EXPECT_EQ(d.Decode(post.dump(), kNow)->post->author_handle, identity["did"]);
  // With a handle (Jetstream's identity.handle), later posts of that DID carry it.
  identity["identity"]["handle"] = "dinkes.bsky.social";
  ASSERT_TRUE(d.Decode(identity.dump(), kNow).ok());
  // The same post, by the account whose identity event was seen, quoting another post (the
  // app.bsky.embed.record shape of the lexicon), with a createdAt far in the future.
  post["did"] = identity["did"];
  json& rec = post["commit"]["record"];
  rec.erase("reply");
  rec["embed"] = {{"$type", "app.bsky.embed.record"},
                  {"record", {{"uri", "at://did:plc:q/app.bsky.feed.post/3kq"}, {"cid", "bafy"}}}};
  rec["createdAt"] = "2099-01-01T00:00:00.000Z";
  auto e = d.Decode(post.dump(), kNow);
  ASSERT_TRUE(e.ok());
  ASSERT_TRUE(e->post.has_value());
  EXPECT_EQ(e->post->author_handle, identity["identity"]["handle"]);
  EXPECT_EQ(e->post->kind, MentionKind::kShare);
  EXPECT_EQ(e->post->shared_from, "at://did:plc:q/app.bsky.feed.post/3kq");
  EXPECT_EQ(e->post->created_at, post["time_us"].get<std::int64_t>() / 1000);
  // recordWithMedia nests the quoted record one level deeper.
  rec["embed"] = {{"$type", "app.bsky.embed.recordWithMedia"},
                  {"record", {{"record", {{"uri", "at://did:plc:q/app.bsky.feed.post/3kr"}}}}}};
  EXPECT_EQ(d.Decode(post.dump(), kNow)->post->shared_from,
            "at://did:plc:q/app.bsky.feed.post/3kr");
}

TEST(JetstreamDecodeTest, MalformedFramesAreErrorsAndOtherEventsOnlyMoveTheCursor) {
  Decoder d(Keywords({"a"}));
  for (std::string bad : {"", "not json", "[1,2]", "{\"time_us\":\"soon\"}", "{\"time_us\":-4}",
                          "{\"kind\":\"commit\",\"did\":\"did:plc:x\"}"}) {
    EXPECT_EQ(d.Decode(bad, kNow).status().code(), Code::kInvalidArgument) << bad;
  }
  auto lines = Lines("bluesky/jetstream/golden_v1.jsonl");
  std::string truncated = lines[1].substr(0, lines[1].size() / 2);
  EXPECT_FALSE(d.Decode(truncated, kNow).ok());
  // A delete, an account event: no mention, but the time is reported for the cursor.
  for (const std::string& l : lines) {
    json j = json::parse(l);
    if (j["kind"] == "commit" && j["commit"]["operation"] != "delete") continue;
    auto e = d.Decode(l, kNow);
    ASSERT_TRUE(e.ok());
    EXPECT_FALSE(e->post.has_value());
    EXPECT_EQ(e->time_us, j["time_us"].get<std::int64_t>());
  }
}

TEST(JetstreamProtocolTest, StreamsOnlyWithSomethingToFollowAndRewindsTheCursor) {
  JetstreamProtocol p(/*rewind_us=*/3'000'000);
  store::Connector c;
  c.platform = Platform::kBluesky;
  c.settings_json = json({{"service", "https://bsky.social"}}).dump();
  EXPECT_FALSE(p.Streams(c));
  c.settings_json = json({{"keywords", {"banjir"}}, {"jetstream_url", "ws://h:1/s"}}).dump();
  ASSERT_TRUE(p.Streams(c));
  auto ch = p.Open(c, "");
  ASSERT_TRUE(ch.ok());
  EXPECT_EQ((*ch)->Url(""), "ws://h:1/s?wantedCollections=app.bsky.feed.post");
  EXPECT_EQ((*ch)->Url(R"({"time_us":1783175888085434})"),
            "ws://h:1/s?wantedCollections=app.bsky.feed.post&cursor=1783175885085434");
  EXPECT_EQ(CursorTimeUs("{\"time_us\":\"x\"}"), std::nullopt);
  // The cursor only ever moves forward within a connection.
  auto lines = Lines("bluesky/jetstream/golden_v1.jsonl");
  EXPECT_EQ((*ch)->Url(""), "ws://h:1/s?wantedCollections=app.bsky.feed.post");  // a new connection
  std::int64_t newest = 0;
  for (const std::string& l : lines) {
    auto f = (*ch)->OnMessage(l, kNow);
    ASSERT_TRUE(f.ok());
    std::int64_t t = json::parse(l)["time_us"];
    if (t > newest) {
      newest = t;
      EXPECT_EQ(CursorTimeUs(f->cursor), t);
    } else {
      EXPECT_EQ(f->cursor, "");
    }
  }
}

}  // namespace
}  // namespace humas::connectors::bluesky
