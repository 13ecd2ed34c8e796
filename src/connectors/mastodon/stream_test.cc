// Mastodon streaming through the stream worker against a fake streaming endpoint on loopback (a
// real WebSocket server) sending the streaming API's messages, whose payloads are the Status
// entities recorded by Mastodon.py's cassettes (../shared/fixtures/mastodon). Covered: the
// subscribe request (hashtag, public:local, token), update / status.update / delete, malformed
// messages, the shared min_id checkpoint, settings rules, and the timeline fallback (polled after
// a connection, skipped while the stream carries the timeline, polled while it is down).
#include "connectors/mastodon/stream.h"

#include <atomic>
#include <condition_variable>

#include "connectors/pull/pull_test_util.h"
#include "connectors/pull/settings.h"
#include "connectors/stream/fake_http_stream_test_util.h"
#include "connectors/stream/fake_ws_test_util.h"
#include "connectors/stream/totals.h"

namespace humas::connectors::mastodon {
namespace {

using json = nlohmann::json;
using pull::testing::CassetteBody;
using pull::testing::JsonResponse;
using stream::testing::FakeWsServer;
using stream::testing::WaitFor;

json Recorded(const std::string& cassette) {
  return json::parse(CassetteBody("mastodon/mastodon-py-cassettes/" + cassette));
}

std::string Message(const std::string& event, const json& payload, const std::string& tag) {
  return json({{"stream", {"hashtag", tag}},
               {"event", event},
               {"payload", payload.is_string() ? payload.get<std::string>() : payload.dump()}})
      .dump();
}

//! The worker's health as the fallback sees it, set by the test (the decision only).
class FixedHealth : public stream::HealthView {
 public:
  std::optional<stream::StreamHealth> Health(Id) const override { return health; }
  void Refresh() override {}
  std::optional<stream::StreamHealth> health;
};

class MastodonStreamTest : public pull::testing::PullTest {
 protected:
  void SetUp() override {
    PullTest::SetUp();
    toot_ = Recorded("test_status_1.json");         // 117020583223442465
    reply_ = Recorded("test_status_reply_2.json");  // 117020583258292382
    edit_ = Recorded("test_status_edit_3.json");    // 117020586180926938
  }
  void TearDown() override {
    if (hub_) hub_->Stop();
    ws_.Stop();
  }
  //! The fake's ws:// address as the instance's http:// address.
  std::string Instance() {
    std::string u = ws_.url("");
    return "http" + u.substr(2);
  }
  //! The worker with `protocol` (default: one without instance look-ups).
  void StartHub(StreamProtocol* protocol = nullptr) {
    stream::HubOptions o;
    o.flush_ms = 20;
    o.backoff_base_ms = 20;
    o.backoff_max_ms = 200;
    hub_ = std::make_unique<stream::Hub>(*registry_, *store_, clock_, ingest::MentionSink{},
                                         ingest::Labeler{}, o);
    hub_->Add(protocol ? protocol : &protocol_);
    ASSERT_TRUE(hub_->Start().ok());
  }
  std::set<std::string> Stored() {
    std::set<std::string> out;
    for (const Mention& m : Mentions()) out.insert(m.data.external_id);
    return out;
  }
  std::string MinId(Id id) {
    return json::parse(Reload(id).checkpoint.cursor, nullptr, false).value("min_id", "");
  }

  FakeWsServer ws_;
  StreamProtocol protocol_;
  std::unique_ptr<stream::Hub> hub_;
  json toot_, reply_, edit_;
};

TEST_F(MastodonStreamTest, HashtagStreamStoresUpdatesAndMovesTheSharedCheckpoint) {
  ws_.Then([&](FakeWsServer::Conn& c) {
    c.Send(Message("update", reply_, "banjirberau"));
    c.Send(Message("update", toot_, "banjirberau"));
    c.Send(Message("delete", json("117020583223442465"), "banjirberau"));
    c.Send(Message("status.update", edit_, "banjirberau"));  // an edit: stored, no cursor move
    c.Send("{\"event\":\"update\",\"payload\":\"{not json\"}");
    c.Send("{\"event\":\"update\"}");
    c.Send("hello");
    c.Send(Message("filters_changed", json(""), "banjirberau"));
    return FakeWsServer::End::kHold;
  });
  store::Connector c =
      Add(Platform::kMastodon,
          {{"instance_url", Instance()}, {"hashtag", "#banjirberau"}, {"stream", true}},
          R"({"access_token":"rahasia"})");
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Stored().size() == 3; }));
  EXPECT_EQ(Stored(), (std::set<std::string>{"117020583223442465", "117020583258292382",
                                             "117020586180926938"}));
  ASSERT_TRUE(WaitFor([&] { return MinId(c.id) == "117020583258292382"; }));
  ASSERT_EQ(ws_.targets().size(), 1u);
  EXPECT_EQ(ws_.targets()[0],
            "/api/v1/streaming?stream=hashtag&tag=banjirberau&access_token=rahasia");
  ASSERT_TRUE(WaitFor([&] { return hub_->Health(c.id)->events == 8; }));
  EXPECT_EQ(hub_->Health(c.id)->malformed, 3);
  // Mapped exactly like the timeline: the reply keeps its parent.
  for (const Mention& m : Mentions())
    if (m.data.external_id == "117020583258292382")
      EXPECT_EQ(m.data.in_reply_to, reply_["in_reply_to_id"].get<std::string>());
}

TEST_F(MastodonStreamTest, LocalStreamAndSettingsRules) {
  ws_.Then([&](FakeWsServer::Conn& c) {
    c.Send(Message("update", toot_, "public:local"));
    return FakeWsServer::End::kHold;
  });
  store::Connector c = Add(Platform::kMastodon,
                           {{"instance_url", Instance()}, {"local", true}, {"stream", "true"}}, "");
  // A connector that does not ask for a stream, and an account one, are never streamed.
  store::Connector polled =
      Add(Platform::kMastodon, {{"instance_url", Instance()}, {"hashtag", "a"}}, "");
  EXPECT_FALSE(protocol_.Streams(polled));
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Stored().size() == 1; }));
  EXPECT_EQ(ws_.targets()[0], "/api/v1/streaming?stream=public:local");
  EXPECT_EQ(ws_.connections(), 1);

  auto bad = [](const json& s) { return pull::ParseMastodonSettings(s).status().message(); };
  EXPECT_NE(bad({{"instance_url", "https://m.example"}, {"account_id", "1"}, {"stream", true}})
                .find("settings.stream needs a hashtag"),
            std::string::npos);
  EXPECT_NE(bad({{"instance_url", "https://m.example"}, {"hashtag", "a"}, {"local", true}})
                .find("exactly one"),
            std::string::npos);
  EXPECT_NE(bad({{"instance_url", "https://m.example"}, {"hashtag", "a"}, {"stream", "ya"}})
                .find("true or false"),
            std::string::npos);
}

TEST_F(MastodonStreamTest, StreamsFromTheStreamingApiTheInstanceAnnounces) {
  // The instance (REST, plain HTTP) and its streaming API (a WebSocket server on another port)
  // are different hosts, as on mastodon.social. The instance answers GET /api/v2/instance with
  // configuration.urls.streaming (Mastodon 4.x; no recorded instance entity exists in
  // ../shared/fixtures/mastodon, so the documented shape is used).
  pull::testing::FakePlatform instance;
  instance.Route("/api/v2/instance");
  instance.Answer("/api/v2/instance",
                  JsonResponse(200, json({{"domain", "mastodon.example"},
                                          {"configuration",
                                           {{"urls", {{"streaming", ws_.url("") + "/"}}},
                                            {"statuses", {{"max_characters", 500}}}}}})
                                        .dump()));
  ASSERT_TRUE(instance.Start().ok());
  ws_.Then([&](FakeWsServer::Conn& c) {
    c.Send(Message("update", toot_, "banjirberau"));
    return FakeWsServer::End::kHold;
  });
  store::Connector c =
      Add(Platform::kMastodon,
          {{"instance_url", instance.base()}, {"hashtag", "banjirberau"}, {"stream", true}}, "");
  net::HttpOptions ho;
  ho.max_attempts = 1;
  net::HttpClient http(ho);
  StreamProtocol looked_up(&http);
  StartHub(&looked_up);
  ASSERT_TRUE(WaitFor([&] { return Stored().size() == 1; }));
  EXPECT_EQ(ws_.targets()[0], "/api/v1/streaming?stream=hashtag&tag=banjirberau");
  EXPECT_EQ(instance.requests()[0].path, "/api/v2/instance");
  hub_->Stop();

  // An older server (v2 absent: 404) announces urls.streaming_api in v1, path included.
  pull::testing::FakePlatform old;
  old.Route("/api/v2/instance");
  old.Route("/api/v1/instance");
  old.Answer("/api/v2/instance", JsonResponse(404, R"({"error":"Record not found"})"));
  old.Answer(
      "/api/v1/instance",
      JsonResponse(200, json({{"uri", "mastodon.example"},
                              {"urls", {{"streaming_api", ws_.url("") + "/api/v1/streaming"}}}})
                            .dump()));
  ASSERT_TRUE(old.Start().ok());
  EXPECT_EQ(StreamProtocol::LookUpStreamingBase(http, old.base()), ws_.url(""));
  // Nothing usable announced (not a WebSocket URL, or no instance at all): "" = the instance's
  // own host.
  pull::testing::FakePlatform odd;
  odd.Route("/api/v2/instance");
  odd.Answer("/api/v2/instance",
             JsonResponse(200, R"({"configuration":{"urls":{"streaming":"https://x.example"}}})"));
  odd.Route("/api/v1/instance");
  odd.Answer("/api/v1/instance", JsonResponse(200, R"({"urls":{}})"));
  ASSERT_TRUE(odd.Start().ok());
  EXPECT_EQ(StreamProtocol::LookUpStreamingBase(http, odd.base()), "");
}

TEST_F(MastodonStreamTest, ASlowInstanceLookUpNeverHoldsTheOtherStreams) {
  // The first connector's instance hangs on /api/v2/instance (up to 10 s, until released)...
  stream::testing::FakeHttpStreamServer slow;
  std::mutex mu;
  std::condition_variable cv;
  bool released = false;
  std::atomic<int> asked{0};
  slow.Handle([&](const stream::testing::FakeHttpStreamServer::Request&) {
    ++asked;
    std::unique_lock<std::mutex> lock(mu);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return released; });
    return std::pair<int, std::string>{404, R"({"error":"Record not found"})"};
  });
  auto release = [&] {
    {
      std::lock_guard<std::mutex> lock(mu);
      released = true;
    }
    cv.notify_all();
  };
  // ... the second's announces its streaming API at once.
  pull::testing::FakePlatform instance;
  instance.Route("/api/v2/instance");
  instance.Answer(
      "/api/v2/instance",
      JsonResponse(200,
                   json({{"configuration", {{"urls", {{"streaming", ws_.url("")}}}}}}).dump()));
  ASSERT_TRUE(instance.Start().ok());
  ws_.Then([&](FakeWsServer::Conn& c) {
    c.Send(Message("update", toot_, "banjirberau"));
    return FakeWsServer::End::kHold;
  });
  Add(Platform::kMastodon,
      {{"instance_url", slow.base()}, {"hashtag", "banjirberau"}, {"stream", true}}, "");
  Add(Platform::kMastodon,
      {{"instance_url", instance.base()}, {"hashtag", "banjirberau"}, {"stream", true}}, "");
  net::HttpOptions ho;
  ho.max_attempts = 1;
  net::HttpClient http(ho);
  StreamProtocol looked_up(&http);
  StartHub(&looked_up);
  ASSERT_TRUE(WaitFor([&] { return asked == 1; }));
  // While the first look-up hangs, the second connector streams.
  EXPECT_TRUE(WaitFor([&] { return Stored().size() == 1; }, std::chrono::seconds(5)));
  EXPECT_EQ(asked, 1);
  release();
  hub_->Stop();
}

TEST_F(MastodonStreamTest, CountersSurviveARestartOfTheWorker) {
  ws_.Then([&](FakeWsServer::Conn& c) {  // the first run's connection
    c.Send(Message("update", toot_, "banjirberau"));
    c.Send("hello");
    return FakeWsServer::End::kHold;
  });
  ws_.Then([&](FakeWsServer::Conn& c) {  // after the restart
    c.Send(Message("update", reply_, "banjirberau"));
    return FakeWsServer::End::kHold;
  });
  store::Connector c =
      Add(Platform::kMastodon,
          {{"instance_url", Instance()}, {"hashtag", "banjirberau"}, {"stream", true}}, "");
  StartHub();
  auto totals = std::make_unique<stream::PersistentHealth>(*hub_, store_->connectors());
  ASSERT_TRUE(WaitFor([&] {
    auto h = totals->Health(c.id);
    return h && h->events == 2 && h->stored == 1;
  }));
  hub_->Stop();
  totals->Stop();  // saves what the worker counted
  store::StreamTotals saved = Reload(c.id).health.stream;
  EXPECT_EQ(saved.events, 2);
  EXPECT_EQ(saved.stored, 1);
  EXPECT_EQ(saved.malformed, 1);
  EXPECT_EQ(saved.last_event_at, clock_.Now());

  // A new process: the worker counts from zero, the page still shows the connector's life.
  clock_.Advance(60'000);
  StartHub();
  totals = std::make_unique<stream::PersistentHealth>(*hub_, store_->connectors());
  ASSERT_TRUE(WaitFor([&] {
    auto h = totals->Health(c.id);
    return h && h->events == 3 && h->stored == 2;
  }));
  EXPECT_EQ(totals->Health(c.id)->malformed, 1);
  EXPECT_EQ(totals->Health(c.id)->last_event_at, clock_.Now());
  ASSERT_TRUE(totals->Save().ok());  // the periodic save: sums, not double counts
  ASSERT_TRUE(totals->Save().ok());
  EXPECT_EQ(Reload(c.id).health.stream.events, 3);
  EXPECT_EQ(Reload(c.id).health.stream.stored, 2);
  hub_->Stop();
  totals->Stop();
  EXPECT_EQ(Reload(c.id).health.stream.events, 3);
  EXPECT_EQ(Reload(c.id).health.stream.last_event_at, clock_.Now());
}

TEST_F(MastodonStreamTest, TheTimelineIsPolledAfterAConnectionAndWhileTheStreamIsDown) {
  pull::testing::FakePlatform instance;
  instance.Route("/api/v1/timelines/tag/banjirberau");
  instance.Answer("/api/v1/timelines/tag/banjirberau",
                  JsonResponse(200, json::array({reply_, toot_}).dump()));
  ASSERT_TRUE(instance.Start().ok());
  store::Connector c =
      Add(Platform::kMastodon,
          {{"instance_url", instance.base()}, {"hashtag", "banjirberau"}, {"stream", true}}, "");
  Timeline timeline;
  FixedHealth health;
  TimelineFallback fallback(*runner_, timeline, *store_, clock_, protocol_, &health);

  // Stream down: the timeline is polled (the fallback).
  auto r = fallback.Run(Reload(c.id));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r);
  EXPECT_EQ(instance.count(), 1u);
  EXPECT_EQ(Stored().size(), 2u);

  // The stream connects after that poll: one more poll catches up what it missed, then the
  // stream carries the timeline and the due runs only reschedule.
  clock_.Advance(1000);
  health.health = stream::StreamHealth{};
  health.health->connected = true;
  health.health->connected_since = clock_.Now();
  clock_.Advance(1000);
  ASSERT_TRUE(*fallback.Run(Reload(c.id)));
  EXPECT_EQ(instance.count(), 2u);
  EXPECT_EQ(instance.requests().back().Query("min_id"), "117020583258292382");
  clock_.Advance(1000);
  ASSERT_FALSE(*fallback.Run(Reload(c.id)));
  EXPECT_EQ(instance.count(), 2u);
  EXPECT_GT(Reload(c.id).health.next_run_at, clock_.Now());

  // The stream drops: polled again at the next due run.
  health.health->connected = false;
  ASSERT_TRUE(*fallback.Run(Reload(c.id)));
  EXPECT_EQ(instance.count(), 3u);

  // A connector without stream: always polled.
  store::Connector plain =
      Add(Platform::kMastodon, {{"instance_url", instance.base()}, {"hashtag", "banjirberau"}}, "");
  health.health->connected = true;
  ASSERT_TRUE(*fallback.Run(Reload(plain.id)));
  EXPECT_EQ(instance.count(), 4u);
}

}  // namespace
}  // namespace humas::connectors::mastodon
