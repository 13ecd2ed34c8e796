// The reply clients against fake platform servers on loopback (humas' own HTTP server) that
// answer with the real-format payloads of ../shared/fixtures: X's recorded POST /2/tweets answer
// (tweepy cassette), Facebook's comment create answer and Instagram's reply ids (python-facebook),
// YouTube's comment resource (python-youtube), WhatsApp's webhook message ids (pywa) and Bluesky
// post records (Jetstream corpus). Each platform's own error format is replayed too.
#include "connectors/reply/reply.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "http/http.h"

namespace humas::connectors::reply {
namespace {

using json = nlohmann::json;

json Fixture(const std::string& path) {
  std::ifstream in(std::string(HUMAS_SHARED_DIR) + "/fixtures/" + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "fixture missing: " << path;
  return j.is_discarded() ? json::object() : j;
}

struct Seen {
  std::string method;
  std::string path;
  std::string target;
  std::string auth;
  json body;
};

using Routes = std::vector<std::pair<std::string, std::string>>;

//! A platform API on loopback: routes answer through `handler`; every request is recorded.
class FakeApi {
 public:
  using Handler = std::function<http::Response(const http::Request&, const json& body)>;
  explicit FakeApi(const Routes& routes) {
    http::ServerOptions o;
    o.port = 0;
    o.worker_threads = 1;
    server_ = http::NewServer(o);
    for (const auto& [method, pattern] : routes) {
      server_->Route(method, pattern, [this](const http::Request& req) {
        json body = json::parse(req.body, nullptr, false);
        std::lock_guard lock(mu_);
        seen_.push_back({req.method, req.path, req.target, req.Header("authorization"), body});
        return handler(req, body);
      });
    }
    EXPECT_TRUE(server_->Start().ok());
  }
  ~FakeApi() { server_->Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }
  Handler handler;

 private:
  std::mutex mu_;
  std::vector<Seen> seen_;
  std::unique_ptr<http::Server> server_;
};

http::Response Answer(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.body = body.dump();
  return r;
}

// ------------------------------------------------------------------------------------------ X

TEST(XReplyTest, PostsAReplyAndReadsTheRecordedAnswer) {
  FakeApi fake(Routes{{"POST", "/2/tweets"}});
  fake.handler = [](const http::Request& req, const json& body) {
    if (req.Header("authorization") != "Bearer user-token")
      return Answer(401, {{"title", "Unauthorized"},
                          {"type", "about:blank"},
                          {"status", 401},
                          {"detail", "Unauthorized"}});
    if (body["text"] == "duplikat")
      return Answer(403,
                    {{"detail", "You are not allowed to create a Tweet with duplicate content."},
                     {"type", "about:blank"},
                     {"title", "Forbidden"},
                     {"status", 403}});
    if (body["text"] == "sibuk") return Answer(429, {{"title", "Too Many Requests"}});
    if (body["text"] == "kosong") return Answer(201, json::object());
    return Answer(201, Fixture("x-api-v2/tweepy-cassettes/create_and_delete_tweet_0.json")["body"]);
  };
  Account a{fake.url(), "user-token", 5000};
  auto sent = PostXReply(a, "1445880548472328192", "Jalan Poros sudah diperbaiki.");
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->id, "1456012973835788293");
  EXPECT_EQ(sent->url, "https://x.com/i/web/status/1456012973835788293");
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body["reply"]["in_reply_to_tweet_id"], "1445880548472328192");
  EXPECT_EQ(seen[0].body["text"], "Jalan Poros sudah diperbaiki.");

  auto dup = PostXReply(a, "1", "duplikat");
  EXPECT_EQ(dup.status().code(), Code::kPermissionDenied);
  EXPECT_NE(dup.status().message().find("duplicate content"), std::string::npos);
  EXPECT_EQ(PostXReply(a, "1", "sibuk").status().code(), Code::kUnavailable);
  // A 2xx without an id: it may have been posted — not something to retry blindly.
  EXPECT_EQ(PostXReply(a, "1", "kosong").status().code(), Code::kInternal);
  EXPECT_EQ(PostXReply({fake.url(), "wrong", 5000}, "1", "x").status().code(),
            Code::kPermissionDenied);
  // Refused before any request: a malformed target, or no token.
  size_t before = fake.seen().size();
  EXPECT_EQ(PostXReply(a, "x.com/status/1", "x").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PostXReply({fake.url(), "", 5000}, "1", "x").status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(fake.seen().size(), before);
  // Nothing listening: retryable, and the message names X, not the address.
  auto down = PostXReply({"http://127.0.0.1:1", "user-token", 5000}, "1", "x");
  EXPECT_EQ(down.status().code(), Code::kUnavailable);
  EXPECT_EQ(down.status().message().find("127.0.0.1"), std::string::npos);
}

TEST(XReplyTest, WeightedLengthCountsLikeX) {
  EXPECT_EQ(XWeightedLength("Jalan rusak"), 11u);
  EXPECT_EQ(XWeightedLength(std::string(280, 'a')), 280u);
  EXPECT_EQ(XWeightedLength("é"), 1u);                 // Latin-1: light
  EXPECT_EQ(XWeightedLength("日本"), 4u);              // CJK: 2 each
  EXPECT_EQ(XWeightedLength("\xF0\x9F\x98\x80"), 2u);  // an emoji: 2
  EXPECT_EQ(XWeightedLength("lihat https://berau.go.id/layanan/jalan-poros-sambaliung ya"),
            6u + 23u + 3u);
}

// ------------------------------------------------------------------------ Facebook / Instagram

TEST(GraphReplyTest, FacebookCommentReplyWithItsLink) {
  FakeApi fake(Routes{{"POST", "/{id}/comments"}});
  fake.handler = [](const http::Request& req, const json& body) {
    std::string id = req.params.at("id");
    if (id == "1_190")
      return Answer(400, {{"error",
                           {{"message", "Error validating access token: Session has expired"},
                            {"type", "OAuthException"},
                            {"code", 190},
                            {"error_subcode", 463}}}});
    if (id == "1_2")
      return Answer(500, {{"error",
                           {{"message", "An unexpected error has occurred."},
                            {"type", "OAuthException"},
                            {"code", 2},
                            {"is_transient", true}}}});
    if (id == "1_100")
      return Answer(400, {{"error", {{"message", "(#100) Invalid parameter"}, {"code", 100}}}});
    if (body.value("message", "").empty()) return Answer(400, json::object());
    return Answer(200,
                  Fixture("meta-graph/python-facebook/facebook/apidata/comments/create_resp.json"));
  };
  Account a{fake.url(), "page-token", 5000};
  auto sent =
      PostFacebookReply(a, "245778718206154_229887283291835", "Terima kasih, sudah kami teruskan.");
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->id, "245778718206154_229887283291835");
  EXPECT_EQ(
      sent->url,
      "https://www.facebook.com/245628824887810/posts/245778718206154?comment_id=229887283291835");
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/245778718206154_229887283291835/comments");
  EXPECT_NE(seen[0].target.find("fields=id,permalink_url"), std::string::npos);
  EXPECT_EQ(seen[0].auth, "Bearer page-token");
  EXPECT_EQ(seen[0].body["message"], "Terima kasih, sudah kami teruskan.");

  auto expired = PostFacebookReply(a, "1_190", "x");
  EXPECT_EQ(expired.status().code(), Code::kPermissionDenied);
  EXPECT_NE(expired.status().message().find("Session has expired"), std::string::npos);
  EXPECT_EQ(PostFacebookReply(a, "1_2", "x").status().code(), Code::kUnavailable);
  EXPECT_EQ(PostFacebookReply(a, "1_100", "x").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PostFacebookReply(a, "../me", "x").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(fake.seen().size(), 4u);  // the malformed id never left humas
}

TEST(GraphReplyTest, InstagramCommentReply) {
  FakeApi fake(Routes{{"POST", "/{id}/replies"}});
  std::string reply_id = Fixture(
      "meta-graph/python-facebook/instagram/apidata/comments/replies.json")["data"][0]["id"];
  fake.handler = [&](const http::Request&, const json&) { return Answer(200, {{"id", reply_id}}); };
  auto sent = PostInstagramReply({fake.url(), "ig-token", 5000}, "17892250648466172", "Halo kak!");
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->id, reply_id);
  EXPECT_EQ(sent->url, "");  // Instagram has no public link per comment
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/17892250648466172/replies");
  EXPECT_EQ(seen[0].body["message"], "Halo kak!");
}

// ------------------------------------------------------------------------------ WhatsApp Cloud

TEST(WhatsappReplyTest, AnswersInTheChatAndMapsTheClosedWindow) {
  // The citizen's message as the webhook delivered it (pywa fixture).
  json value =
      Fixture("whatsapp-cloud/pywa-updates/message__text.json")["entry"][0]["changes"][0]["value"];
  std::string phone_id = value["metadata"]["phone_number_id"];
  std::string from = value["messages"][0]["from"];
  std::string wamid = value["messages"][0]["id"];
  FakeApi fake(Routes{{"POST", "/{phone}/messages"}});
  fake.handler = [&](const http::Request&, const json& body) {
    if (body["text"]["body"] == "terlambat")
      return Answer(400, {{"error",
                           {{"message", "(#131047) Re-engagement message"},
                            {"type", "OAuthException"},
                            {"code", 131047},
                            {"error_data",
                             {{"messaging_product", "whatsapp"},
                              {"details",
                               "Message failed to send because more than 24 hours have "
                               "passed since the customer last replied to this number."}}},
                            {"fbtrace_id", "Az8or2yhqkZfEZ-_4Qn_Bam"}}}});
    if (body["text"]["body"] == "sibuk")
      return Answer(400, {{"error", {{"message", "(#130429) Rate limit hit"}, {"code", 130429}}}});
    return Answer(200, {{"messaging_product", "whatsapp"},
                        {"contacts", {{{"input", body["to"]}, {"wa_id", body["to"]}}}},
                        {"messages", {{{"id", "wamid.HBgMOTcyOTg3NjU0MzIxFQIAERgSNzA"}}}}});
  };
  Account a{fake.url(), "wa-token", 5000};
  auto sent = SendWhatsappText(a, phone_id, from, wamid, "Pengaduan Anda sudah kami terima.");
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->id, "wamid.HBgMOTcyOTg3NjU0MzIxFQIAERgSNzA");
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].path, "/" + phone_id + "/messages");
  EXPECT_EQ(seen[0].body["messaging_product"], "whatsapp");
  EXPECT_EQ(seen[0].body["to"], from);
  EXPECT_EQ(seen[0].body["type"], "text");
  EXPECT_EQ(seen[0].body["text"]["body"], "Pengaduan Anda sudah kami terima.");
  EXPECT_EQ(seen[0].body["context"]["message_id"], wamid);

  auto late = SendWhatsappText(a, phone_id, from, wamid, "terlambat");
  EXPECT_EQ(late.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("24 hours"), std::string::npos);
  EXPECT_EQ(SendWhatsappText(a, phone_id, from, wamid, "sibuk").status().code(),
            Code::kUnavailable);
  EXPECT_EQ(SendWhatsappText(a, phone_id, "+62 812", wamid, "x").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(SendWhatsappText(a, "", from, wamid, "x").status().code(), Code::kFailedPrecondition);
}

// ------------------------------------------------------------------------------------- YouTube

TEST(YoutubeReplyTest, RepliesToTheTopLevelComment) {
  FakeApi fake(Routes{{"POST", "/youtube/v3/comments"}});
  fake.handler = [](const http::Request& req, const json& body) {
    if (req.Query("part").value_or("") != "snippet") return Answer(400, json::object());
    std::string text = body["snippet"]["textOriginal"];
    if (text == "kuota")
      return Answer(
          403,
          {{"error",
            {{"code", 403},
             {"message", "The request cannot be completed because you have exceeded your quota."},
             {"errors", {{{"reason", "quotaExceeded"}, {"domain", "youtube.quota"}}}}}}});
    if (text == "ditutup")
      return Answer(403, {{"error",
                           {{"code", 403},
                            {"message", "Comments are disabled."},
                            {"errors", {{{"reason", "commentsDisabled"}}}}}}});
    if (text == "token")
      return Answer(401, {{"error",
                           {{"code", 401},
                            {"message", "Invalid Credentials"},
                            {"errors", {{{"reason", "authError"}}}}}}});
    json c = Fixture("youtube-data-v3/modeldata/comments/comment_info.json");
    c["id"] = body["snippet"]["parentId"].get<std::string>() + ".9xYzReplyAbC";
    c["snippet"]["parentId"] = body["snippet"]["parentId"];
    c["snippet"]["textOriginal"] = text;
    return Answer(200, c);
  };
  Account a{fake.url(), "yt-token", 5000};
  // Answering a reply in a thread: the reply goes to the thread's top-level comment.
  auto sent =
      PostYoutubeReply(a, "UgwxApqcfzZzF_C5Zqx4AaABAg.8zAbCdEfGhI", "Jadwal ada di kanal kami.");
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->id, "UgwxApqcfzZzF_C5Zqx4AaABAg.9xYzReplyAbC");
  EXPECT_EQ(
      sent->url,
      "https://www.youtube.com/watch?v=wtLJPvx7-ys&lc=UgwxApqcfzZzF_C5Zqx4AaABAg.9xYzReplyAbC");
  auto seen = fake.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body["snippet"]["parentId"], "UgwxApqcfzZzF_C5Zqx4AaABAg");
  EXPECT_EQ(seen[0].auth, "Bearer yt-token");
  EXPECT_EQ(PostYoutubeReply(a, "Ugw", "kuota").status().code(), Code::kUnavailable);
  EXPECT_EQ(PostYoutubeReply(a, "Ugw", "ditutup").status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(PostYoutubeReply(a, "Ugw", "token").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(PostYoutubeReply(a, "Ugw/../x", "x").status().code(), Code::kInvalidArgument);
}

// ------------------------------------------------------------------------------------- Bluesky

class FakePds {
 public:
  FakePds()
      : api_(Routes{{"POST", "/xrpc/com.atproto.server.createSession"},
                    {"GET", "/xrpc/com.atproto.repo.getRecord"},
                    {"POST", "/xrpc/com.atproto.repo.createRecord"}}) {
    // The citizen's post: a reply in someone else's thread (Jetstream corpus).
    citizen_ = Fixture("bluesky/feed-post-records/post_03.json");
    api_.handler = [this](const http::Request& req, const json& body) {
      std::lock_guard lock(mu_);
      if (req.path.ends_with("createSession")) {
        if (body.value("identifier", "") != "diskominfo.berau.go.id" ||
            body.value("password", "") != "abcd-efgh-ijkl-mnop")
          return Answer(401, {{"error", "AuthenticationRequired"},
                              {"message", "Invalid identifier or password"}});
        return Answer(200, {{"did", kDid},
                            {"handle", "diskominfo.berau.go.id"},
                            {"accessJwt", "jwt-access"},
                            {"refreshJwt", "jwt-refresh"}});
      }
      if (req.Header("authorization") != "Bearer jwt-access")
        return Answer(401, {{"error", "AuthenticationRequired"}});
      if (req.path.ends_with("getRecord")) {
        std::string uri = "at://" + req.Query("repo").value_or("") + "/app.bsky.feed.post/" +
                          req.Query("rkey").value_or("");
        if (uri == citizen_["uri"]) return Answer(200, citizen_);
        if (records_.count(uri)) return Answer(200, records_[uri]);
        return Answer(
            400, {{"error", "RecordNotFound"}, {"message", "Could not locate record: " + uri}});
      }
      std::string uri = "at://" + body["repo"].get<std::string>() + "/" +
                        body["collection"].get<std::string>() + "/" +
                        body["rkey"].get<std::string>();
      if (records_.count(uri))
        return Answer(400, {{"error", "InvalidRequest"}, {"message", "Record already exists"}});
      if (lose_answer) {  // stored, but the answer is lost on the way back
        records_[uri] = {{"uri", uri}, {"cid", "bafyreilost"}, {"value", body["record"]}};
        lose_answer = false;
        return Answer(502, json::object());
      }
      records_[uri] = {{"uri", uri}, {"cid", "bafyreinew"}, {"value", body["record"]}};
      return Answer(200, {{"uri", uri},
                          {"cid", "bafyreinew"},
                          {"commit", {{"cid", "bafyreicommit"}, {"rev", "3mptc"}}},
                          {"validationStatus", "valid"}});
    };
  }
  static constexpr const char* kDid = "did:plc:humasberau0000000000000";
  BlueskyAccount account() const {
    return {api_.url(), "diskominfo.berau.go.id", "abcd-efgh-ijkl-mnop", 5000};
  }
  std::vector<Seen> seen() { return api_.seen(); }
  json citizen_;
  std::mutex mu_;
  std::map<std::string, json> records_;  // guarded by mu_
  bool lose_answer = false;              // guarded by mu_

 private:
  FakeApi api_;
};

TEST(BlueskyReplyTest, RepliesInTheThreadWithRootAndParent) {
  FakePds pds;
  const std::string parent = pds.citizen_["uri"];
  auto sent = PostBlueskyReply(pds.account(), parent, "Terima kasih atas masukannya.", "key-0001",
                               1'795'000'000'000, 1'795'000'060'000);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  std::string rkey = DeterministicTid("key-0001", 1'795'000'000'000);
  EXPECT_EQ(sent->id, std::string("at://") + FakePds::kDid + "/app.bsky.feed.post/" + rkey);
  EXPECT_EQ(sent->url, "https://bsky.app/profile/diskominfo.berau.go.id/post/" + rkey);
  json created;
  for (const Seen& s : pds.seen())
    if (s.path.ends_with("createRecord")) created = s.body;
  ASSERT_TRUE(created.is_object());
  EXPECT_EQ(created["repo"], FakePds::kDid);
  EXPECT_EQ(created["rkey"], rkey);
  const json& r = created["record"];
  EXPECT_EQ(r["$type"], "app.bsky.feed.post");
  EXPECT_EQ(r["text"], "Terima kasih atas masukannya.");
  EXPECT_EQ(r["createdAt"], FormatRfc3339(1'795'000'060'000));
  // Parent: the citizen's post; root: the root of the thread it belongs to.
  EXPECT_EQ(r["reply"]["parent"]["uri"], parent);
  EXPECT_EQ(r["reply"]["parent"]["cid"], pds.citizen_["cid"]);
  EXPECT_EQ(r["reply"]["root"], pds.citizen_["record"]["reply"]["root"]);
}

TEST(BlueskyReplyTest, ARetryFindsTheEarlierPostInsteadOfPostingTwice) {
  FakePds pds;
  const std::string parent = pds.citizen_["uri"];
  {
    std::lock_guard lock(pds.mu_);
    pds.lose_answer = true;
  }
  auto first = PostBlueskyReply(pds.account(), parent, "Sudah kami cek.", "key-0002", 1000, 2000);
  // The answer was lost but the record is there: found under the same key, reported as sent.
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto again = PostBlueskyReply(pds.account(), parent, "Sudah kami cek.", "key-0002", 1000, 3000);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(first->id, again->id);
  std::lock_guard lock(pds.mu_);
  EXPECT_EQ(pds.records_.size(), 1u);
}

TEST(BlueskyReplyTest, ClearErrors) {
  FakePds pds;
  BlueskyAccount wrong = pds.account();
  wrong.app_password = "salah";
  EXPECT_EQ(PostBlueskyReply(wrong, pds.citizen_["uri"], "x", "k", 1, 1).status().code(),
            Code::kPermissionDenied);
  auto gone = PostBlueskyReply(pds.account(), "at://did:plc:abc/app.bsky.feed.post/3zzzzzzzzzz22",
                               "x", "k", 1, 1);
  EXPECT_EQ(gone.status().code(), Code::kNotFound);
  EXPECT_EQ(PostBlueskyReply(pds.account(), "https://bsky.app/profile/x/post/1", "x", "k", 1, 1)
                .status()
                .code(),
            Code::kInvalidArgument);
}

TEST(BlueskyReplyTest, TidsAreValidAndStable) {
  std::string a = DeterministicTid("key", 1'795'000'000'000);
  EXPECT_EQ(a.size(), 13u);
  EXPECT_EQ(a, DeterministicTid("key", 1'795'000'000'000));
  EXPECT_NE(a, DeterministicTid("other", 1'795'000'000'000));
  EXPECT_LT(DeterministicTid("key", 1'000), DeterministicTid("key", 2'000'000));  // sortable
  EXPECT_NE(std::string("234567abcdefghij").find(a[0]), std::string::npos);       // top bit 0
  for (char c : a)
    EXPECT_NE(std::string("234567abcdefghijklmnopqrstuvwxyz").find(c), std::string::npos);
}

}  // namespace
}  // namespace humas::connectors::reply
