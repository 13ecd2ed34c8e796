// X filtered stream through the stream worker against a fake X on loopback: a real HTTP/1.1
// server streaming chunked newline-delimited JSON built from the recorded v2 posts of
// ../shared/fixtures/x-api-v2 (each post with its author and referenced posts, as the stream
// sends them), with keep-alive lines, and answering the rules endpoints with the recorded rules
// shapes (python-twitter streams/*.json, models/meta_stream.json). Covered: posts → stored
// mentions mapped like the recent search (and de-duplicated with it), keep-alives ignored,
// malformed and oversized lines counted without dropping the connection, a drop resumed with
// backfill (no loss, replays de-duplicated), a stall detected, 429 and 401 backing off (no hot
// loop, "token ditolak"), operational-disconnect, the rules sync (diff, dry-run refusal, query
// change while connected) and the monthly read budget ending the stream.
#include "connectors/x/stream.h"

#include <atomic>
#include <condition_variable>

#include "connectors/pull/pull_test_util.h"
#include "connectors/pull/settings.h"
#include "connectors/stream/fake_http_stream_test_util.h"
#include "connectors/stream/fake_ws_test_util.h"
#include "connectors/stream/totals.h"
#include "connectors/x/recent_search.h"

namespace humas::connectors::x {
namespace {

using json = nlohmann::json;
using pull::testing::Fixture;
using pull::testing::JsonResponse;
using stream::testing::FakeHttpStreamServer;
using stream::testing::WaitFor;
using End = FakeHttpStreamServer::End;
using Conn = FakeHttpStreamServer::Conn;

constexpr char kRules[] = "/2/tweets/search/stream/rules";

class XStreamTest : public pull::testing::PullTest {
 protected:
  void SetUp() override {
    PullTest::SetUp();
    page_ = json::parse(Fixture("x-api-v2/python-twitter/apis/searches/search_tweets_query.json"));
    // One stream message per post: the post, its author and its referenced posts.
    for (const json& t : page_["data"]) {
      json users = json::array(), tweets = json::array();
      for (const json& u : page_["includes"]["users"])
        if (u["id"] == t["author_id"]) users.push_back(u);
      for (const json& r : t.value("referenced_tweets", json::array()))
        for (const json& rt : page_["includes"]["tweets"])
          if (rt["id"] == r["id"]) tweets.push_back(rt);
      json line = {{"data", t},
                   {"includes", {{"users", users}, {"tweets", tweets}}},
                   {"matching_rules", {{{"id", "1166895166390583299"}, {"tag", "humas:s1"}}}}};
      lines_.push_back(line.dump());
      reads_.push_back(1 + static_cast<std::int64_t>(tweets.size()));
      ids_.push_back(t["id"]);
    }
    // X holds no rules until told; adds and deletes answer as recorded.
    x_.Handle([this](const FakeHttpStreamServer::Request& r) { return Rules(r); });
  }
  void TearDown() override {
    if (hub_) hub_->Stop();
    x_.Stop();
  }

  std::pair<int, std::string> Rules(const FakeHttpStreamServer::Request& r) {
    {  // A slow rules endpoint: held until the test lets it answer (at most 10 s).
      std::unique_lock<std::mutex> gate(gate_mu_);
      if (gate_closed_) {
        ++gate_waiting_;
        gate_cv_.wait_for(gate, std::chrono::seconds(10), [&] { return !gate_closed_; });
        --gate_waiting_;
      }
    }
    std::lock_guard<std::mutex> lock(rules_mu_);
    if (r.target.rfind("/2/tweets/search/recent", 0) == 0) {  // the gap fill's recent search
      searches_.push_back(r.target);
      return {200, search_answer_};
    }
    if (rules_status_ != 200)
      return {
          rules_status_,
          R"({"title":"Unauthorized","detail":"Unauthorized","type":"about:blank","status":401})"};
    if (r.method == "GET") {
      json data = json::array();
      for (const auto& [id, rule] : held_)
        data.push_back({{"id", id}, {"value", rule.value}, {"tag", rule.tag}});
      json body = {{"meta", {{"sent", "2019-08-29T01:12:10.729Z"}}}};
      if (!data.empty()) body["data"] = data;
      return {200, body.dump()};
    }
    json body = json::parse(r.body, nullptr, false);
    const bool dry = r.target.find("dry_run=true") != std::string::npos;
    if (body.contains("delete")) {
      for (const json& id : body["delete"]["ids"]) held_.erase(id.get<std::string>());
      return {200, Fixture("x-api-v2/python-twitter/streams/delete_rules.json")};
    }
    json answer = json::parse(Fixture("x-api-v2/python-twitter/streams/post_rules.json"));
    answer["data"] = json::array();
    for (const json& a : body["add"]) {
      std::string value = a["value"];
      if (refuse_.count(value)) {
        answer["errors"].push_back({{"value", value},
                                    {"title", "UnprocessableEntity"},
                                    {"details", {"Rules must contain a non-stopword term."}},
                                    {"type", "https://api.twitter.com/2/problems/invalid-rules"}});
        continue;
      }
      if (dry) continue;
      std::string id = std::to_string(next_rule_id_++);
      held_[id] = {value, a.value("tag", "")};
      answer["data"].push_back({{"id", id}, {"value", value}, {"tag", a.value("tag", "")}});
    }
    return {200, answer.dump()};
  }

  store::Connector AddStream(json settings = json::object(),
                             std::optional<std::int64_t> budget = std::nullopt) {
    settings["stream"] = true;
    settings["api_base"] = x_.base();
    if (!settings.contains("rules")) settings["rules"] = {"banjir berau"};
    return Add(Platform::kX, settings, R"({"bearer_token":"AAAA-stream-token"})", budget);
  }
  void StartHub(StreamTimings t = Fast(), size_t max_message_bytes = 4u << 20) {
    protocol_ = std::make_unique<StreamProtocol>(*store_, clock_, t);
    stream::HubOptions o;
    o.flush_ms = 20;
    o.refresh_ms = 100;
    o.backoff_base_ms = 20;
    o.backoff_max_ms = 200;
    o.max_message_bytes = max_message_bytes;
    hub_ = std::make_unique<stream::Hub>(*registry_, *store_, clock_, ingest::MentionSink{},
                                         ingest::Labeler{}, o);
    hub_->Add(protocol_.get());
    ASSERT_TRUE(hub_->Start().ok());
  }
  static StreamTimings Fast() {
    StreamTimings t;
    t.network_step_ms = 20;
    t.network_max_ms = 100;
    t.http_base_ms = 50;
    t.http_max_ms = 400;
    t.rate_limit_base_ms = 300;
    t.stall_ms = 5'000;
    return t;
  }
  std::set<std::string> Stored() {
    std::set<std::string> out;
    for (const Mention& m : Mentions()) out.insert(m.data.external_id);
    return out;
  }
  std::set<std::string> AllIds() { return {ids_.begin(), ids_.end()}; }
  std::int64_t Health(Id id, std::int64_t stream::StreamHealth::*field) {
    auto h = hub_->Health(id);
    return h ? (*h).*field : -1;
  }
  std::string LastError(Id id) {
    auto h = hub_->Health(id);
    return h ? h->last_error : "";
  }

  FakeHttpStreamServer x_;
  std::unique_ptr<StreamProtocol> protocol_;
  std::unique_ptr<stream::Hub> hub_;
  json page_;
  std::vector<std::string> lines_, ids_;
  std::vector<std::int64_t> reads_;
  std::mutex rules_mu_;
  std::map<std::string, StreamRule> held_;  // guarded by rules_mu_
  std::set<std::string> refuse_;            // rule values the dry run refuses
  int rules_status_ = 200;
  int next_rule_id_ = 1'300'000'000;
  std::vector<std::string> searches_;  // guarded by rules_mu_: recent search targets
  std::string search_answer_ = R"({"meta":{"result_count":0}})";  // guarded by rules_mu_
  std::vector<std::string> Searches() {
    std::lock_guard<std::mutex> lock(rules_mu_);
    return searches_;
  }
  std::mutex gate_mu_;
  std::condition_variable gate_cv_;
  bool gate_closed_ = false;  // guarded by gate_mu_
  int gate_waiting_ = 0;      // guarded by gate_mu_: rules requests held at the gate
  void CloseGate() {
    std::lock_guard<std::mutex> lock(gate_mu_);
    gate_closed_ = true;
  }
  void OpenGate() {
    {
      std::lock_guard<std::mutex> lock(gate_mu_);
      gate_closed_ = false;
    }
    gate_cv_.notify_all();
  }
  int HeldAtGate() {
    std::lock_guard<std::mutex> lock(gate_mu_);
    return gate_waiting_;
  }
  store::AgencyQuery Query(const std::string& name, const std::string& expr,
                           std::vector<Platform> platforms = {}) {
    store::AgencyQuery q;
    q.agency_id = agency_;
    q.name = name;
    q.expression = expr;
    q.platforms = std::move(platforms);
    EXPECT_TRUE(store_->queries().Create(&q).ok());
    return q;
  }
};

TEST_F(XStreamTest, StreamsPostsIntoMentionsAndIgnoresKeepAlives) {
  x_.Then([&](Conn& c) {
    c.Start();
    c.KeepAlive();
    c.Line(lines_[0]);
    c.KeepAlive();
    c.KeepAlive();
    // One message split over two chunks, then two in one chunk.
    c.Raw(lines_[1].substr(0, 50));
    c.Raw(lines_[1].substr(50) + "\r\n");
    c.Raw(lines_[2] + "\r\n" + lines_[3] + "\r\n");
    return End::kHold;
  });
  store::Connector c = AddStream();
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Stored() == AllIds(); }));
  ASSERT_TRUE(WaitFor([&] { return Health(c.id, &stream::StreamHealth::events) == 4; }));
  EXPECT_EQ(Health(c.id, &stream::StreamHealth::malformed), 0);
  EXPECT_TRUE(hub_->Health(c.id)->connected);
  auto streams = x_.streams();
  ASSERT_EQ(streams.size(), 1u);
  EXPECT_EQ(streams[0].authorization, "Bearer AAAA-stream-token");
  EXPECT_NE(streams[0].target.find("expansions=author_id,referenced_tweets.id"), std::string::npos);
  EXPECT_EQ(streams[0].target.find("backfill_minutes"), std::string::npos);
  // Mapped like the recent search: the author from includes, the reply's parent.
  for (const Mention& m : Mentions()) {
    EXPECT_EQ(m.agency_id, agency_);
    if (m.data.external_id != "1276035977375477760") continue;
    EXPECT_EQ(m.data.author_handle, "happycamper");
    EXPECT_EQ(m.data.in_reply_to, "1275653067283759104");
    EXPECT_EQ(m.data.kind, MentionKind::kReply);
  }
  // Every post counts against the budget with its referenced posts.
  std::int64_t reads = 0;
  for (auto r : reads_) reads += r;
  ASSERT_TRUE(WaitFor([&] { return Reload(c.id).reads_used == reads; }));
  EXPECT_EQ(Reload(c.id).reads_month, pull::BudgetMonth(clock_.Now()));
  ASSERT_TRUE(WaitFor([&] {
    return json::parse(Reload(c.id).checkpoint.cursor, nullptr, false).value("newest_id", "") ==
           "1276035977375477760";
  }));
}

TEST_F(XStreamTest, MalformedAndOversizedLinesAreCountedAndTheConnectionStays) {
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line("{not json");
    c.Line(std::string(20'000, 'x'));                 // over the 8 KiB limit, in one chunk
    c.Raw("{\"data\":\"" + std::string(6'000, 'y'));  // over the limit across chunks
    c.Raw(std::string(6'000, 'y') + "\"}\r\n");
    c.Line(R"({"meta":{"sent":"2020-06-18T15:20:24.063Z"}})");  // neither a post nor an error
    c.Line(lines_[0]);
    return End::kHold;
  });
  store::Connector c = AddStream();
  StartHub(Fast(), 8 * 1024);
  ASSERT_TRUE(WaitFor([&] { return Stored().size() == 1; }));
  ASSERT_TRUE(WaitFor([&] { return Health(c.id, &stream::StreamHealth::events) == 5; }));
  EXPECT_EQ(Health(c.id, &stream::StreamHealth::malformed), 4);
  EXPECT_EQ(x_.streams().size(), 1u);
  EXPECT_TRUE(hub_->Health(c.id)->connected);
}

TEST_F(XStreamTest, ADropIsResumedWithBackfillWithoutLossOrDuplicates) {
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[0]);
    c.Line(lines_[1]);
    return End::kDrop;
  });
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[1]);  // X's backfill replays what it is not sure was delivered
    c.Line(lines_[2]);
    c.Line(lines_[3]);
    return End::kHold;
  });
  store::Connector c = AddStream({{"backfill_minutes", 2}});
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Stored() == AllIds(); }));
  EXPECT_EQ(Mentions().size(), 4u);
  auto streams = x_.streams();
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0].target.find("backfill_minutes"), std::string::npos);  // first connection
  EXPECT_NE(streams[1].target.find("backfill_minutes=2"), std::string::npos);
  EXPECT_GE(hub_->Health(c.id)->reconnects, 1);
}

TEST_F(XStreamTest, AStallIsDetectedAndReconnected) {
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[0]);
    return End::kHold;  // then nothing at all, not even keep-alives
  });
  store::Connector c = AddStream();
  StreamTimings t = Fast();
  t.stall_ms = 300;
  StartHub(t);
  ASSERT_TRUE(WaitFor([&] { return x_.streams().size() >= 2; }));
  EXPECT_NE(Reload(c.id).health.last_error.find("stalled: no data"), std::string::npos)
      << Reload(c.id).health.last_error;
  EXPECT_EQ(Stored().size(), 1u);
}

TEST_F(XStreamTest, KeepAlivesAloneAreNotAStall) {
  std::atomic<bool> done{false};
  x_.Then([&](Conn& c) {
    c.Start();
    for (int i = 0; i < 8 && !done; ++i) {
      c.KeepAlive();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    c.Line(lines_[0]);
    return End::kHold;
  });
  store::Connector c = AddStream();
  StreamTimings t = Fast();
  t.stall_ms = 400;  // shorter than the 800 ms of keep-alives, longer than their spacing
  StartHub(t);
  ASSERT_TRUE(WaitFor([&] { return Stored().size() == 1; }));
  done = true;
  EXPECT_EQ(x_.streams().size(), 1u);
  EXPECT_EQ(hub_->Health(c.id)->reconnects, 0);
}

TEST_F(XStreamTest, RateLimitBacksOffFromTheMinuteOrTheReset) {
  x_.Then([&](Conn& c) {
    c.Refuse(
        429,
        R"({"title":"ConnectionException","detail":"This stream is currently at the maximum allowed connection limit.","connection_issue":"TooManyConnections","type":"https://api.twitter.com/2/problems/streaming-connection"})");
    return End::kDrop;
  });
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[0]);
    return End::kHold;
  });
  store::Connector c = AddStream();
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Reload(c.id).health.consecutive_failures == 1; }));
  store::Connector r = Reload(c.id);
  EXPECT_NE(r.health.last_error.find("rate limited by X (HTTP 429)"), std::string::npos)
      << r.health.last_error;
  EXPECT_NE(r.health.last_error.find("maximum allowed connection limit"), std::string::npos);
  EXPECT_EQ(r.health.next_run_at - clock_.Now(), 300);  // the rate-limit base (a minute at X)
  ASSERT_TRUE(WaitFor([&] { return Stored().size() == 1; }));
  EXPECT_EQ(x_.streams().size(), 2u);
}

TEST_F(XStreamTest, ARefusedTokenSaysSoAndBacksOffExponentially) {
  x_.Then([&](Conn& c) {
    c.Refuse(
        401,
        R"({"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"})");
    return End::kDrop;
  });
  store::Connector c = AddStream();
  StartHub();
  // 50, 100, 200, 400, 400 ms ...: the third failure waits 200 ms.
  ASSERT_TRUE(WaitFor([&] { return Reload(c.id).health.next_run_at - clock_.Now() == 200; }));
  store::Connector r = Reload(c.id);
  EXPECT_EQ(r.health.last_error.rfind("token ditolak", 0), 0u) << r.health.last_error;
  EXPECT_NE(r.health.last_error.find("HTTP 401"), std::string::npos);
  EXPECT_EQ(LastError(c.id), r.health.last_error);
  ASSERT_TRUE(WaitFor([&] { return Reload(c.id).health.next_run_at - clock_.Now() == 400; }));
  EXPECT_LE(x_.streams().size(), 5u);
  EXPECT_TRUE(Mentions().empty());
}

TEST_F(XStreamTest, RulesRefusedTokenNeverConnectsTheStream) {
  {
    std::lock_guard<std::mutex> lock(rules_mu_);
    rules_status_ = 401;
  }
  store::Connector c = AddStream();
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Reload(c.id).health.next_run_at - clock_.Now() == 100; }));
  EXPECT_EQ(Reload(c.id).health.last_error.rfind("token ditolak", 0), 0u);
  EXPECT_TRUE(x_.streams().empty());
  auto sync = protocol_->LastSync(c.id);
  ASSERT_TRUE(sync);
  EXPECT_NE(sync->error.find("HTTP 401"), std::string::npos);
}

TEST_F(XStreamTest, OperationalDisconnectEndsTheConnectionAndReconnects) {
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[0]);
    c.Line(
        R"({"errors":[{"title":"operational-disconnect","disconnect_type":"UpstreamOperationalDisconnect","detail":"This stream has been disconnected upstream for operational reasons.","type":"https://api.twitter.com/2/problems/operational-disconnect"}]})");
    c.Line(lines_[1]);  // after the error: X has ended the stream, not read
    return End::kHold;
  });
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[2]);
    return End::kHold;
  });
  store::Connector c = AddStream();
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return x_.streams().size() == 2 && Stored().size() == 2; }));
  EXPECT_EQ(Stored(), (std::set<std::string>{ids_[0], ids_[2]}));
  EXPECT_NE(LastError(c.id).find("operational-disconnect: UpstreamOperationalDisconnect"),
            std::string::npos)
      << LastError(c.id);
  EXPECT_EQ(Health(c.id, &stream::StreamHealth::malformed), 0);
}

TEST_F(XStreamTest, RulesFollowTheAgencyQueries) {
  auto query = [&](const std::string& name, const std::string& expr,
                   std::vector<Platform> platforms = {}) { return Query(name, expr, platforms); };
  auto flood = query("banjir", "(banjir OR longsor) berau");
  auto vaksin = query("vaksin", "#vaksin \"dinas kesehatan\"");
  auto prefix = query("awalan", "vaksin*");           // no wildcard at X
  query("mastodon", "gempa", {Platform::kMastodon});  // not X's concern
  auto stop = query("kata umum", "yang");             // X refuses it
  // X holds the recorded rules of another app (not humas's: deleted) and flood's rule already.
  json recorded = json::parse(Fixture("x-api-v2/python-twitter/streams/get_rules.json"));
  {
    std::lock_guard<std::mutex> lock(rules_mu_);
    for (const json& r : recorded["data"]) held_[r["id"]] = {r["value"], r.value("tag", "")};
    held_["1200"] = {"(banjir OR longsor) berau", QueryTag(flood.id)};
    refuse_.insert("yang");
  }
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[0]);
    return End::kHold;
  });
  json settings = {{"stream", true}, {"api_base", x_.base()}};
  store::Connector c = Add(Platform::kX, settings, R"({"bearer_token":"t"})");
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return x_.streams().size() == 1; }));
  auto others = x_.others();
  // GET, delete the two foreign rules, dry-run the two missing ones, add the valid one.
  ASSERT_EQ(others.size(), 4u);
  EXPECT_EQ(others[0].method, "GET");
  EXPECT_EQ(others[0].target, kRules);
  EXPECT_EQ(others[0].authorization, "Bearer t");
  EXPECT_EQ(json::parse(others[1].body),
            json({{"delete", {{"ids", {"1165037377523306497", "1165037377523306498"}}}}}));
  EXPECT_EQ(others[2].target, std::string(kRules) + "?dry_run=true");
  EXPECT_EQ(json::parse(others[2].body)["add"].size(), 2u);
  EXPECT_EQ(
      json::parse(others[3].body),
      json({{"add", {{{"value", "#vaksin \"dinas kesehatan\""}, {"tag", QueryTag(vaksin.id)}}}}}));
  auto sync = protocol_->LastSync(c.id);
  ASSERT_TRUE(sync);
  EXPECT_EQ(sync->error, "");
  EXPECT_EQ(sync->added, 1);
  EXPECT_EQ(sync->deleted, 2);
  ASSERT_EQ(sync->refused.size(), 1u);
  EXPECT_EQ(sync->refused[0].first.tag, QueryTag(stop.id));
  EXPECT_NE(sync->refused[0].second.find("non-stopword"), std::string::npos);
  ASSERT_EQ(sync->unexpressible.size(), 1u);
  EXPECT_EQ(sync->unexpressible[0].query_id, prefix.id);
  EXPECT_NE(sync->unexpressible[0].reason.find("wildcard"), std::string::npos);
  EXPECT_EQ(sync->active.size(), 2u);
  // The health shows the refusal per query (API: stream.refused_rules, x_rules.refused).
  auto h = hub_->Health(c.id);
  ASSERT_TRUE(h);
  ASSERT_EQ(h->refused_rules.size(), 1u);
  EXPECT_EQ(h->refused_rules[0].query_id, stop.id);
  EXPECT_EQ(h->refused_rules[0].rule, "yang");
  EXPECT_NE(h->refused_rules[0].reason.find("non-stopword"), std::string::npos);

  // A query changed while connected: the rules follow without reconnecting.
  auto flood2 = *store_->queries().Get(flood.id);
  flood2.expression = "banjir berau";
  ASSERT_TRUE(store_->queries().Update(&flood2).ok());
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(rules_mu_);
    for (const auto& [id, r] : held_)
      if (r.value == "banjir berau" && r.tag == QueryTag(flood.id)) return true;
    return false;
  }));
  {
    std::lock_guard<std::mutex> lock(rules_mu_);
    EXPECT_EQ(held_.count("1200"), 0u);  // the old rule of the query is gone
  }
  EXPECT_EQ(x_.streams().size(), 1u);
  // Nothing changes any more: no further requests (idempotent).
  const size_t requests = x_.others().size();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(x_.others().size(), requests);
}

TEST_F(XStreamTest, RuleTagsRecordTheirQueriesOfTheAgencyOnly) {
  auto flood = Query("banjir", "banjir berau");
  auto gone = Query("longsor", "longsor berau");
  auto ours = Query("komentar", "komentar warga");  // found by the intake matcher below
  Agency other;
  other.code = "bpbd";
  other.name = "Badan Penanggulangan Bencana Daerah";
  ASSERT_TRUE(store_->agencies().Create(&other).ok());
  store::AgencyQuery theirs;
  theirs.agency_id = other.id;
  theirs.name = "banjir";
  theirs.expression = "banjir berau";
  ASSERT_TRUE(store_->queries().Create(&theirs).ok());
  auto tagged = [&](size_t i, std::vector<Id> queries) {
    json line = json::parse(lines_[i]);
    line["matching_rules"] = json::array();
    for (Id q : queries) line["matching_rules"].push_back({{"id", "1"}, {"tag", QueryTag(q)}});
    return line.dump();
  };
  std::atomic<bool> go{false};
  x_.Then([&](Conn& c) {
    c.Start();
    for (int i = 0; i < 1000 && !go; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    c.Line(tagged(0, {flood.id}));
    c.Line(tagged(1, {flood.id, theirs.id}));  // another agency's query id: never ours
    c.Line(tagged(2, {gone.id}));              // deleted after X took its rule
    c.Line(tagged(3, {987654}));               // no such query
    return End::kHold;
  });
  store::Connector c =
      Add(Platform::kX, {{"stream", true}, {"api_base", x_.base()}}, R"({"bearer_token":"t"})");
  protocol_ = std::make_unique<StreamProtocol>(*store_, clock_, Fast());
  stream::HubOptions o;
  o.flush_ms = 20;
  o.refresh_ms = 100;
  hub_ = std::make_unique<stream::Hub>(*registry_, *store_, clock_, ingest::MentionSink{},
                                       ingest::Labeler{}, o);
  hub_->Add(protocol_.get());
  const std::string by_matcher = ids_[1];
  hub_->set_matcher([&, by_matcher](const Mention& m, std::string_view) {
    return m.data.external_id == by_matcher ? std::vector<Id>{ours.id} : std::vector<Id>{};
  });
  ASSERT_TRUE(hub_->Start().ok());
  ASSERT_TRUE(WaitFor([&] {
    auto sync = protocol_->LastSync(c.id);
    return sync && sync->active.size() == 3;
  }));
  ASSERT_TRUE(store_->queries().Delete(gone.id).ok());
  go = true;
  ASSERT_TRUE(WaitFor([&] { return Stored() == AllIds(); }));
  auto matched = [&](Id query) {
    store::MentionFilter f;
    f.query_id = query;
    store::Page p;
    p.limit = 100;
    std::set<std::string> out;
    auto found = store_->mentions().Search(f, p);
    EXPECT_TRUE(found.ok());
    if (found.ok())
      for (const Mention& m : found->items) out.insert(m.data.external_id);
    return out;
  };
  // The text of these posts says nothing of floods: the tag alone records the match.
  EXPECT_EQ(matched(flood.id), (std::set<std::string>{ids_[0], ids_[1]}));
  EXPECT_EQ(matched(ours.id), (std::set<std::string>{ids_[1]}));  // the matcher's own, kept
  EXPECT_EQ(matched(theirs.id), std::set<std::string>{});
  auto h = hub_->Health(c.id);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->tagged_posts, 2);
  EXPECT_EQ(h->ignored_tags, 3);
  ASSERT_TRUE(h->rules_synced_at);
  EXPECT_EQ(h->rules_error, "");
}

TEST_F(XStreamTest, AGapBeyondTheBackfillIsFilledByRecentSearch) {
  // The stream read post "1" two hours ago, then the worker stopped. X's backfill (at most
  // 5 minutes, Pro) cannot replay that: the recent search reads what was missed, since "1", for
  // the rule X holds, within the same budget; the stream then connects from there.
  {
    std::lock_guard<std::mutex> lock(rules_mu_);
    search_answer_ = page_.dump();  // the recorded page: 4 posts, their authors, referenced posts
  }
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[0]);  // replayed by the stream too: stored once
    return End::kHold;
  });
  store::Connector c = AddStream({{"backfill_minutes", 5}}, 10'000);
  const std::string since = "1212092627178287104";
  store::ConnectorCheckpoint cp;
  cp.cursor = json({{"newest_id", since}, {"seen_at", clock_.Now() - 2 * 3'600'000}}).dump();
  ASSERT_TRUE(store_->connectors().SaveCheckpoint(c.id, cp, 0).ok());
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Stored() == AllIds(); }));
  auto searches = Searches();
  ASSERT_EQ(searches.size(), 1u);
  EXPECT_NE(searches[0].find("query=banjir%20berau"), std::string::npos) << searches[0];
  EXPECT_NE(searches[0].find("since_id=" + since), std::string::npos) << searches[0];
  ASSERT_TRUE(WaitFor([&] { return hub_->Health(c.id)->gap_filled == 4; }));
  EXPECT_TRUE(hub_->Health(c.id)->gap_filled_at);
  ASSERT_TRUE(WaitFor([&] { return x_.streams().size() == 1; }));
  // The stream connects after the fill, from the newest post it found; X's backfill is asked
  // for the minutes before the connection.
  EXPECT_NE(x_.streams()[0].target.find("backfill_minutes=5"), std::string::npos);
  // The search's reads count against the connector's budget with the stream's: the 4 posts and
  // 3 referenced posts of the page, and what the stream line read.
  ASSERT_TRUE(WaitFor([&] { return Reload(c.id).reads_used == 7 + reads_[0]; }));
  EXPECT_EQ(json::parse(Reload(c.id).checkpoint.cursor).value("newest_id", ""),
            "1276035977375477760");
  hub_->Stop();

  // Read a minute ago: within X's backfill, no search.
  cp.cursor = json({{"newest_id", since}, {"seen_at", clock_.Now() - 60'000}}).dump();
  ASSERT_TRUE(store_->connectors().SaveCheckpoint(c.id, cp, 0).ok());
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return x_.streams().size() == 2; }));
  EXPECT_EQ(Searches().size(), 1u);
}

TEST_F(XStreamTest, ASlowRulesSyncNeverStopsPostsFromFlowing) {
  auto flood = Query("banjir", "banjir berau");
  std::atomic<bool> send_more{false};
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[0]);
    for (int i = 0; i < 1000 && !send_more; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    c.Line(lines_[1]);
    c.Line(lines_[2]);
    return End::kHold;
  });
  store::Connector c =
      Add(Platform::kX, {{"stream", true}, {"api_base", x_.base()}}, R"({"bearer_token":"t"})");
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Stored() == std::set<std::string>{ids_[0]}; }));
  // The query changes while X's rules endpoint hangs: the sync waits at the gate...
  CloseGate();
  auto changed = *store_->queries().Get(flood.id);
  changed.expression = "banjir berau longsor";
  ASSERT_TRUE(store_->queries().Update(&changed).ok());
  ASSERT_TRUE(WaitFor([&] { return HeldAtGate() == 1; }));
  // ... and the posts X sends meanwhile are read and stored all the same.
  send_more = true;
  ASSERT_TRUE(WaitFor(
      [&] {
        return Stored() == std::set<std::string>{ids_[0], ids_[1], ids_[2]};
      },
      std::chrono::seconds(5)));
  EXPECT_EQ(HeldAtGate(), 1);  // still hanging
  EXPECT_TRUE(hub_->Health(c.id)->connected);
  OpenGate();
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(rules_mu_);
    for (const auto& [id, r] : held_)
      if (r.value == "banjir berau longsor" && r.tag == QueryTag(flood.id)) return true;
    return false;
  }));
  EXPECT_EQ(x_.streams().size(), 1u);  // never reconnected
}

TEST_F(XStreamTest, TheBudgetEndsTheStreamUntilTheMonthRollsOver) {
  // The first two posts fit in the budget, the third does not.
  const std::int64_t budget = reads_[0] + reads_[1] + reads_[2] - 1;
  x_.Then([&](Conn& c) {
    c.Start();
    for (const std::string& l : lines_) c.Line(l);
    return End::kHold;
  });
  store::Connector c = AddStream(json::object(), budget);
  StartHub();
  ASSERT_TRUE(
      WaitFor([&] { return Reload(c.id).health.last_error.rfind("budget spent", 0) == 0; }));
  store::Connector r = Reload(c.id);
  EXPECT_EQ(r.reads_used, budget);
  EXPECT_EQ(r.health.next_run_at, pull::NextMonthStart(clock_.Now()));
  // The post that overran the budget was already sent (X counted it): kept. The fourth, after
  // the disconnect, was not read.
  ASSERT_TRUE(WaitFor([&] { return Stored().size() == 3; }));
  EXPECT_EQ(Stored().count(ids_[3]), 0u);
  EXPECT_FALSE(hub_->Health(c.id)->connected);
  EXPECT_EQ(x_.streams().size(), 1u);

  // A restart in the same month does not connect.
  hub_->Stop();
  hub_.reset();
  StartHub();
  ASSERT_TRUE(WaitFor([&] {
    auto h = hub_->Health(c.id);
    return h && h->last_error.rfind("budget spent", 0) == 0;
  }));
  EXPECT_EQ(x_.streams().size(), 1u);
}

TEST_F(XStreamTest, PostsAlreadyFoundByTheRecentSearchAreNotStoredTwice) {
  pull::testing::FakePlatform search;
  search.Route("/2/tweets/search/recent");
  search.Answer("/2/tweets/search/recent", JsonResponse(200, page_.dump()));
  ASSERT_TRUE(search.Start().ok());
  RecentSearch recent;
  store::Connector polled = Add(Platform::kX, {{"query", "banjir"}, {"api_base", search.base()}},
                                R"({"bearer_token":"t"})");
  ASSERT_TRUE(runner_->RunOne(recent, polled).ok());
  ASSERT_EQ(Stored(), AllIds());
  x_.Then([&](Conn& c) {
    c.Start();
    for (const std::string& l : lines_) c.Line(l);
    return End::kHold;
  });
  store::Connector c = AddStream();
  EXPECT_FALSE(protocol_ && protocol_->Streams(polled));
  StartHub();
  EXPECT_FALSE(protocol_->Streams(polled));
  EXPECT_TRUE(protocol_->Streams(c));
  ASSERT_TRUE(WaitFor([&] { return Health(c.id, &stream::StreamHealth::events) == 4; }));
  ASSERT_TRUE(WaitFor([&] { return !Reload(c.id).checkpoint.cursor.empty(); }));
  EXPECT_EQ(Mentions().size(), 4u);
  EXPECT_EQ(hub_->Health(c.id)->stored, 0);
}

// A page of the recorded search holding only posts ids_[from..]: older than the stream's ids_[0].
json PageFrom(const json& page, size_t from) {
  json out = page;
  out["data"] = json::array();
  for (size_t i = from; i < page["data"].size(); ++i) out["data"].push_back(page["data"][i]);
  out["meta"] = {{"newest_id", out["data"][0]["id"]},
                 {"oldest_id", out["data"].back()["id"]},
                 {"result_count", out["data"].size()}};
  return out;
}

TEST_F(XStreamTest, APostPublishedWhileReconnectingIsFilledOnceTheStreamIsUp) {
  // The stream read "since" two hours ago. Posts ids_[1..3] are published while humas
  // reconnects: after any search made before the connection, but before the stream's first post
  // ids_[0]. The gap is read once the stream is up, up to that first post: nothing falls between.
  std::atomic<bool> published{false};
  const json late = PageFrom(page_, 1);
  x_.Handle([&](const FakeHttpStreamServer::Request& r) -> std::pair<int, std::string> {
    if (r.target.rfind("/2/tweets/search/recent", 0) == 0) {
      std::lock_guard<std::mutex> lock(rules_mu_);
      searches_.push_back(r.target);
      return {200, published ? late.dump() : R"({"meta":{"result_count":0}})"};
    }
    return Rules(r);
  });
  x_.Then([&](Conn& c) {
    c.Start();
    published = true;  // the stream is up: what was published before now is the search's
    c.Line(lines_[0]);
    return End::kHold;
  });
  store::Connector c = AddStream(json::object(), 10'000);
  const std::string since = "1212092627178287104";
  store::ConnectorCheckpoint cp;
  cp.cursor = json({{"newest_id", since}, {"seen_at", clock_.Now() - 2 * 3'600'000}}).dump();
  ASSERT_TRUE(store_->connectors().SaveCheckpoint(c.id, cp, 0).ok());
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Stored() == AllIds(); }));
  auto searches = Searches();
  ASSERT_EQ(searches.size(), 1u);
  EXPECT_NE(searches[0].find("since_id=" + since), std::string::npos) << searches[0];
  EXPECT_NE(searches[0].find("until_id=" + ids_[0]), std::string::npos) << searches[0];
  EXPECT_EQ(Mentions().size(), 4u);  // each stored once
  ASSERT_TRUE(WaitFor([&] { return hub_->Health(c.id)->gap_filled == 3; }));
  // Once the gap is read, the checkpoint moves past it to the stream's newest post.
  ASSERT_TRUE(WaitFor([&] {
    return json::parse(Reload(c.id).checkpoint.cursor).value("newest_id", "") == ids_[0];
  }));
}

TEST_F(XStreamTest, AFlappingStreamFillsItsGapsOnceAndWaitsForTheSearchRateLimit) {
  // The connection drops after every post; without backfill each drop is a gap. The first fill
  // meets X's 429: no search until x-rate-limit-reset, however often the stream reconnects, and
  // the checkpoint stays at the gap's start. After the reset one fill reads it all; the next
  // drops wait for the fill interval.
  const UnixMillis reset_s = clock_.Now() / 1000 + 600;
  std::atomic<int> answered{0};
  x_.Handle([&](const FakeHttpStreamServer::Request& r) -> std::pair<int, std::string> {
    if (r.target.rfind("/2/tweets/search/recent", 0) == 0) {
      std::lock_guard<std::mutex> lock(rules_mu_);
      searches_.push_back(r.target);
      if (answered++ == 0)
        return {429, R"({"title":"Too Many Requests","detail":"Too Many Requests","status":429})"};
      return {200, PageFrom(page_, 1).dump()};
    }
    return Rules(r);
  });
  x_.HandleHeaders([&](const FakeHttpStreamServer::Request&, int status) {
    FakeHttpStreamServer::Headers h;
    if (status == 429)
      h = {{"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", std::to_string(reset_s)}};
    return h;
  });
  x_.Then([&](Conn& c) {
    c.Start();
    c.Line(lines_[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));  // up long enough to fill
    return End::kDrop;
  });
  store::Connector c = AddStream(json::object(), 10'000);
  const std::string since = "1212092627178287104";
  store::ConnectorCheckpoint cp;
  cp.cursor = json({{"newest_id", since}, {"seen_at", clock_.Now() - 2 * 3'600'000}}).dump();
  ASSERT_TRUE(store_->connectors().SaveCheckpoint(c.id, cp, 0).ok());
  StreamTimings t = Fast();
  t.gap_fill_every_ms = 60'000;
  StartHub(t);
  auto held = [&] { return json::parse(Reload(c.id).checkpoint.cursor).value("newest_id", ""); };
  ASSERT_TRUE(WaitFor([&] { return Searches().size() == 1 && x_.streams().size() >= 8; }));
  EXPECT_EQ(Searches().size(), 1u);
  EXPECT_EQ(held(), since);  // the gap is still owed
  ASSERT_TRUE(WaitFor([&] { return Reload(c.id).health.notice.find("429") != std::string::npos; }));
  // Past the fill interval, still before X's reset: no search.
  clock_.Advance(120'000);
  const size_t seen = x_.streams().size();
  ASSERT_TRUE(WaitFor([&] { return x_.streams().size() >= seen + 8; }));
  EXPECT_EQ(Searches().size(), 1u);
  EXPECT_EQ(held(), since);
  // X's window has reset: one fill reads the whole gap, from the first drop's start.
  clock_.Advance(600'000);
  ASSERT_TRUE(WaitFor([&] { return Searches().size() == 2; }));
  EXPECT_NE(Searches()[1].find("since_id=" + since), std::string::npos) << Searches()[1];
  ASSERT_TRUE(WaitFor([&] { return Stored() == AllIds(); }));
  ASSERT_TRUE(WaitFor([&] { return held() != since; }));  // past the gap
  const size_t after = x_.streams().size();
  ASSERT_TRUE(WaitFor([&] { return x_.streams().size() >= after + 8; }));
  EXPECT_EQ(Searches().size(), 2u);  // the interval holds the next fills back
  EXPECT_LE(Reload(c.id).reads_used, 10'000);
}

TEST_F(XStreamTest, ATagOfAPostAlreadyStoredRecordsItsMatch) {
  // Recent search stored the page first; the stream then delivers the same posts tagged with a
  // query's rule: the match is recorded on the stored mention (not a second copy), with the same
  // conditions as for a new post (another agency's query is ignored).
  auto flood = Query("banjir", "banjir berau");
  Agency other;
  other.code = "bpbd";
  other.name = "Badan Penanggulangan Bencana Daerah";
  ASSERT_TRUE(store_->agencies().Create(&other).ok());
  store::AgencyQuery theirs;
  theirs.agency_id = other.id;
  theirs.name = "banjir";
  theirs.expression = "banjir berau";
  ASSERT_TRUE(store_->queries().Create(&theirs).ok());
  pull::testing::FakePlatform search;
  search.Route("/2/tweets/search/recent");
  search.Answer("/2/tweets/search/recent", JsonResponse(200, page_.dump()));
  ASSERT_TRUE(search.Start().ok());
  RecentSearch recent;
  store::Connector polled = Add(Platform::kX, {{"query", "banjir"}, {"api_base", search.base()}},
                                R"({"bearer_token":"t"})");
  ASSERT_TRUE(runner_->RunOne(recent, polled).ok());
  ASSERT_EQ(Stored(), AllIds());
  auto tagged = [&](size_t i, std::vector<Id> queries) {
    json line = json::parse(lines_[i]);
    line["matching_rules"] = json::array();
    for (Id q : queries) line["matching_rules"].push_back({{"id", "1"}, {"tag", QueryTag(q)}});
    return line.dump();
  };
  std::atomic<bool> go{false};
  x_.Then([&](Conn& c) {
    c.Start();
    for (int i = 0; i < 1000 && !go; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    c.Line(tagged(0, {flood.id}));
    c.Line(tagged(1, {flood.id, theirs.id}));
    c.Line(tagged(2, {theirs.id}));
    c.Line(tagged(0, {flood.id}));  // delivered twice: one match
    return End::kHold;
  });
  store::Connector c =
      Add(Platform::kX, {{"stream", true}, {"api_base", x_.base()}}, R"({"bearer_token":"t"})");
  StartHub();
  ASSERT_TRUE(WaitFor([&] {
    auto sync = protocol_->LastSync(c.id);
    return sync && sync->active.size() == 1;
  }));
  go = true;
  ASSERT_TRUE(WaitFor([&] { return Health(c.id, &stream::StreamHealth::events) == 4; }));
  auto matched = [&](Id query) {
    store::MentionFilter f;
    f.query_id = query;
    std::set<std::string> out;
    auto found = store_->mentions().Search(f, {.limit = 100});
    EXPECT_TRUE(found.ok());
    if (found.ok())
      for (const Mention& m : found->items) out.insert(m.data.external_id);
    return out;
  };
  ASSERT_TRUE(WaitFor([&] {
    return matched(flood.id) == std::set<std::string>{ids_[0], ids_[1]};
  }));
  EXPECT_EQ(matched(theirs.id), std::set<std::string>{});
  EXPECT_EQ(Mentions().size(), 4u);
  EXPECT_EQ(hub_->Health(c.id)->stored, 0);
  // Counted once per post and hour, like an intake match.
  auto hourly = store_->queries().Hourly({flood.id}, 0, clock_.Now() + 3'600'000);
  ASSERT_TRUE(hourly.ok());
  std::int64_t total = 0;
  for (const auto& h : *hourly) total += h.count;
  EXPECT_EQ(total, 2);
}

TEST_F(XStreamTest, CountersAndRefusedRulesSurviveARestart) {
  // Tags recorded and ignored, a gap filled and a refused rule: saved with the connector and
  // shown unchanged by the next process, before its worker has synced or read anything.
  auto flood = Query("banjir", "banjir berau");
  auto stop = Query("stopword", "the");
  {
    std::lock_guard<std::mutex> lock(rules_mu_);
    refuse_.insert(*CompileRule(stop));
    search_answer_ = PageFrom(page_, 1).dump();
  }
  x_.Then([&](Conn& c) {
    c.Start();
    json line = json::parse(lines_[0]);
    line["matching_rules"] = {{{"id", "1"}, {"tag", QueryTag(flood.id)}},
                              {{"id", "2"}, {"tag", QueryTag(987654)}}};
    c.Line(line.dump());
    return End::kHold;
  });
  store::Connector c =
      Add(Platform::kX, {{"stream", true}, {"api_base", x_.base()}}, R"({"bearer_token":"t"})");
  store::ConnectorCheckpoint cp;
  cp.cursor =
      json({{"newest_id", "1212092627178287104"}, {"seen_at", clock_.Now() - 3'600'000}}).dump();
  ASSERT_TRUE(store_->connectors().SaveCheckpoint(c.id, cp, 0).ok());
  StartHub();
  auto totals = std::make_unique<stream::PersistentHealth>(*hub_, store_->connectors());
  ASSERT_TRUE(WaitFor([&] {
    auto h = totals->Health(c.id);
    return h && h->tagged_posts == 1 && h->ignored_tags == 1 && h->gap_filled == 3;
  }));
  const stream::StreamHealth before = *totals->Health(c.id);
  ASSERT_EQ(before.refused_rules.size(), 1u);
  EXPECT_EQ(before.refused_rules[0].query_id, stop.id);
  ASSERT_TRUE(before.gap_filled_at);
  hub_->Stop();
  totals->Stop();

  // The next process: X's rules endpoint hangs, so nothing is synced or read yet.
  clock_.Advance(60'000);
  CloseGate();
  StartHub();
  totals = std::make_unique<stream::PersistentHealth>(*hub_, store_->connectors());
  ASSERT_TRUE(WaitFor([&] { return HeldAtGate() == 1; }));
  auto after = totals->Health(c.id);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->connected);
  EXPECT_EQ(after->tagged_posts, 1);
  EXPECT_EQ(after->ignored_tags, 1);
  EXPECT_EQ(after->gap_filled, 3);
  EXPECT_EQ(after->gap_filled_at, before.gap_filled_at);
  EXPECT_EQ(after->events, before.events);
  EXPECT_EQ(after->rules_synced_at, before.rules_synced_at);
  ASSERT_EQ(after->refused_rules.size(), 1u);
  EXPECT_EQ(after->refused_rules[0].query_id, stop.id);
  EXPECT_EQ(after->refused_rules[0].rule, before.refused_rules[0].rule);
  EXPECT_EQ(after->refused_rules[0].reason, before.refused_rules[0].reason);
  OpenGate();
  hub_->Stop();
  totals->Stop();
  EXPECT_EQ(Reload(c.id).health.stream.tagged_posts, 1);
  EXPECT_EQ(Reload(c.id).health.stream.gap_filled, 3);
}

TEST_F(XStreamTest, SettingsRules) {
  auto bad = [](const json& s) { return pull::ParseXStreamSettings(s).status().message(); };
  EXPECT_TRUE(pull::ParseXStreamSettings({{"stream", true}}).ok());
  EXPECT_TRUE(pull::ParseXStreamSettings({{"stream", "true"}, {"rules", {"banjir"}}}).ok());
  EXPECT_NE(bad({{"stream", true}, {"query", "banjir"}}).find("not a known setting"),
            std::string::npos);
  EXPECT_NE(bad({{"stream", true}, {"backfill_minutes", 6}}).find("from 0 to 5"),
            std::string::npos);
  EXPECT_NE(bad({{"stream", true}, {"rules", {"a", "b"}}, {"max_rules", 1}}).find("allows 1"),
            std::string::npos);
  EXPECT_NE(bad({{"stream", true}, {"rules", {std::string(600, 'a')}}}).find("longer than 512"),
            std::string::npos);
  EXPECT_NE(bad({{"stream", true}, {"rules", "banjir"}}).find("list"), std::string::npos);
  // A stream connector is not pulled; a recent search one is.
  EXPECT_FALSE(pull::IsPulled(Platform::kX, {{"stream", true}}));
  EXPECT_TRUE(pull::IsPulled(Platform::kX, {{"query", "banjir"}}));
  EXPECT_TRUE(pull::ValidatePullSettings(Platform::kX, {{"stream", true}}).ok());
}

}  // namespace
}  // namespace humas::connectors::x
