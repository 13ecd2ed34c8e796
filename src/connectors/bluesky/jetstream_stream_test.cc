// The stream supervisor with Bluesky Jetstream against a fake Jetstream on loopback (a real
// WebSocket server) that replays the captured events of ../shared/fixtures/bluesky/jetstream,
// into a real SQLite store. Covered: the subscribe request, storing + checkpoint, a dropped
// connection resumed from the saved cursor (rewound) without loss or repeat, malformed frames,
// an oversized message, a flood, a clean stop flushing what arrived, a restart resuming from the
// checkpoint, and a disabled connector's stream stopping.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "connectors/bluesky/jetstream.h"
#include "connectors/bluesky/jetstream_test_util.h"
#include "connectors/bluesky/stream.h"
#include "connectors/stream/fake_ws_test_util.h"
#include "connectors/stream/hub.h"

namespace humas::connectors::bluesky {
namespace {

using json = nlohmann::json;
using stream::testing::FakeWsServer;
using stream::testing::WaitFor;
using testing::Lines;
using testing::PostUris;
using End = FakeWsServer::End;

std::int64_t TimeUs(const std::string& line) { return json::parse(line)["time_us"]; }

//! The cursor query parameter of a request target (-1 when absent).
std::int64_t CursorOf(const std::string& target) {
  auto p = target.find("cursor=");
  return p == std::string::npos ? -1 : std::stoll(target.substr(p + 7));
}

//! Jetstream's replay: every event at or after the cursor, in the order captured.
FakeWsServer::Script ReplayFrom(std::vector<std::string> lines, End end = End::kHold) {
  return [lines = std::move(lines), end](FakeWsServer::Conn& c) {
    std::int64_t cursor = CursorOf(c.target);
    for (const std::string& l : lines)
      if (cursor < 0 || TimeUs(l) >= cursor) c.Send(l);
    return end;
  };
}

class JetstreamStreamTest : public pull::testing::PullTest {
 protected:
  void SetUp() override {
    PullTest::SetUp();
    golden_ = Lines("bluesky/jetstream/golden_v1.jsonl");
    corpus_ = Lines("bluesky/jetstream/expected_v1.jsonl");
  }
  void TearDown() override {
    if (hub_) hub_->Stop();
    fake_.Stop();
  }

  store::Connector AddStream(json settings = json::object()) {
    settings["jetstream_url"] = fake_.url();
    if (!settings.contains("keywords") && !settings.contains("wanted_dids"))
      settings["wanted_dids"] = {"did:plc:mcc5yghbk7tixqryac2yxku7"};
    return Add(Platform::kBluesky, settings, "");
  }

  void StartHub(stream::HubOptions o = {}, std::int64_t rewind_us = 5'000'000) {
    o.backoff_base_ms = 20;
    o.backoff_max_ms = 200;
    if (o.flush_ms == stream::HubOptions{}.flush_ms) o.flush_ms = 20;  // unless the test set it
    protocol_ = std::make_unique<JetstreamProtocol>(rewind_us);
    hub_ = std::make_unique<stream::Hub>(
        *registry_, *store_, clock_,
        [this](const Mention& m) {
          std::lock_guard<std::mutex> lock(mu_);
          announced_.push_back(m.data.external_id);
        },
        ingest::Labeler{}, o);
    hub_->Add(protocol_.get());
    ASSERT_TRUE(hub_->Start().ok());
  }

  //! Every stored mention's external id (paged: a search page holds at most a few hundred).
  std::set<std::string> StoredUris() {
    std::set<std::string> out;
    store::Page p;
    p.limit = 200;
    for (;; p.offset += p.limit) {
      auto page = store_->mentions().Search({}, p);
      EXPECT_TRUE(page.ok());
      if (!page.ok() || page->items.empty()) break;
      for (const Mention& m : page->items) out.insert(m.data.external_id);
    }
    return out;
  }
  std::vector<std::string> Announced() {
    std::lock_guard<std::mutex> lock(mu_);
    return announced_;
  }
  std::optional<std::int64_t> SavedCursor(Id id) {
    return CursorTimeUs(Reload(id).checkpoint.cursor);
  }
  stream::StreamHealth Health(Id id) { return hub_->Health(id).value_or(stream::StreamHealth{}); }

  FakeWsServer fake_;
  std::vector<std::string> golden_, corpus_;
  std::unique_ptr<JetstreamProtocol> protocol_;
  std::unique_ptr<stream::Hub> hub_;
  std::mutex mu_;
  std::vector<std::string> announced_;
};

TEST_F(JetstreamStreamTest, SubscribesStoresPostsAndSavesTheCursor) {
  fake_.Then(ReplayFrom(golden_));
  store::Connector c = AddStream({{"wanted_dids", {"did:plc:q235v55g5unth4zjjdpacfdr"}}});
  StartHub();
  const auto expected = PostUris(golden_);
  std::int64_t newest = 0;
  for (const auto& l : golden_) newest = std::max(newest, TimeUs(l));
  ASSERT_TRUE(WaitFor([&] { return SavedCursor(c.id) == newest; }));
  EXPECT_EQ(StoredUris(), expected);
  auto t = fake_.targets();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0],
            "/subscribe?wantedCollections=app.bsky.feed.post&wantedDids=did%3Aplc%3A"
            "q235v55g5unth4zjjdpacfdr");
  auto h = Health(c.id);
  EXPECT_TRUE(h.connected);
  EXPECT_TRUE(h.connected_since.has_value());
  EXPECT_EQ(h.events, static_cast<std::int64_t>(golden_.size()));
  EXPECT_EQ(h.stored, static_cast<std::int64_t>(expected.size()));
  EXPECT_EQ(h.reconnects, 0);
  store::Connector row = Reload(c.id);
  EXPECT_TRUE(row.health.last_success_at.has_value());
  EXPECT_EQ(row.health.consecutive_failures, 0);
  EXPECT_EQ(row.health.items_total, static_cast<std::int64_t>(expected.size()));
  // The mentions belong to the connector's agency.
  for (const Mention& m : Mentions()) EXPECT_EQ(m.agency_id, agency_);
}

TEST_F(JetstreamStreamTest, DropResumesFromTheSavedCursorWithoutLossOrRepeat) {
  // The first connection dies (no close frame) two thirds through the corpus; the second gets
  // Jetstream's replay from the cursor it asks for.
  const size_t cut = corpus_.size() * 2 / 3;
  std::vector<std::string> first(corpus_.begin(), corpus_.begin() + cut);
  fake_.Then(ReplayFrom(first, End::kDrop));
  fake_.Then(ReplayFrom(corpus_));
  store::Connector c = AddStream({{"keywords", {"a", "e", "i", "o", "u", "the", "の", "이", "в"}}});
  const std::int64_t rewind_us = 100'000;  // the corpus spans 0.3 s: the replay overlaps
  StartHub({}, rewind_us);
  std::int64_t newest_first = 0, newest = 0;
  for (const auto& l : first) newest_first = std::max(newest_first, TimeUs(l));
  for (const auto& l : corpus_) newest = std::max(newest, TimeUs(l));
  ASSERT_TRUE(WaitFor([&] { return SavedCursor(c.id) == newest; }));
  ASSERT_TRUE(WaitFor([&] { return fake_.connections() == 2; }));
  auto targets = fake_.targets();
  EXPECT_EQ(CursorOf(targets[0]), -1);
  EXPECT_EQ(CursorOf(targets[1]), newest_first - rewind_us);

  // Every post with one of the keywords, once; the announcements (live stream) never repeat.
  Decoder oracle_filter(*ParseSettings(json::parse(Reload(c.id).settings_json)));
  std::set<std::string> wanted;
  for (const auto& l : corpus_) {
    auto e = oracle_filter.Decode(l, clock_.Now());
    if (e.ok() && e->post) wanted.insert(e->post->external_id);
  }
  ASSERT_GT(wanted.size(), 5u);
  EXPECT_EQ(StoredUris(), wanted);
  auto announced = Announced();
  EXPECT_EQ(announced.size(), wanted.size());
  EXPECT_EQ(std::set<std::string>(announced.begin(), announced.end()), wanted);
  auto h = Health(c.id);
  EXPECT_EQ(h.reconnects, 1);
  EXPECT_FALSE(h.last_error.empty());
  EXPECT_TRUE(h.connected);
}

TEST_F(JetstreamStreamTest, MalformedFramesAreSkippedAndTheStreamGoesOn) {
  fake_.Then([&](FakeWsServer::Conn& conn) {
    conn.Send("not json");
    conn.Send("[1,2,3]");
    conn.Send("{\"time_us\":\"soon\",\"kind\":\"commit\"}");
    conn.Send(golden_[1].substr(0, golden_[1].size() / 2));       // truncated
    conn.SendBinary(std::string("\x28\xb5\x2f\xfd\x00\x01", 6));  // a zstd frame: not asked for
    for (const auto& l : golden_) conn.Send(l);
    return End::kHold;
  });
  store::Connector c = AddStream();
  StartHub();
  const auto expected = PostUris(golden_);
  ASSERT_TRUE(WaitFor([&] { return StoredUris() == expected; }));
  ASSERT_TRUE(WaitFor(
      [&] { return Health(c.id).events == static_cast<std::int64_t>(golden_.size()) + 5; }));
  auto h = Health(c.id);
  EXPECT_EQ(h.malformed, 5);
  EXPECT_EQ(h.reconnects, 0);
  EXPECT_TRUE(h.connected);
}

TEST_F(JetstreamStreamTest, AnOversizedMessageDropsTheConnectionAndItReconnects) {
  fake_.Then([&](FakeWsServer::Conn& conn) {
    conn.Send(golden_[1]);
    conn.Send("{\"kind\":\"commit\",\"pad\":\"" + std::string(100'000, 'x') + "\"}");
    return End::kHold;
  });
  fake_.Then(ReplayFrom(golden_));
  store::Connector c = AddStream();
  stream::HubOptions o;
  o.max_message_bytes = 64 * 1024;
  StartHub(o);
  ASSERT_TRUE(WaitFor([&] { return fake_.connections() >= 2 && Health(c.id).connected; }));
  ASSERT_TRUE(WaitFor([&] { return StoredUris() == PostUris(golden_); }));
  auto h = Health(c.id);
  EXPECT_GE(h.reconnects, 1);
  EXPECT_NE(h.last_error.find("limit"), std::string::npos) << h.last_error;
  EXPECT_GE(fake_.connections(), 2);
  EXPECT_TRUE(Reload(c.id).health.last_error_at.has_value());
}

TEST_F(JetstreamStreamTest, AFloodIsStoredCompletelyInBoundedBatches) {
  // 3,000 posts derived from a captured post: distinct record keys and times.
  json base = json::parse(golden_[1]);
  std::vector<std::string> flood;
  std::int64_t t0 = base["time_us"];
  for (int i = 0; i < 3000; ++i) {
    json e = base;
    e["time_us"] = t0 + i;
    e["commit"]["rkey"] = "3flood" + std::to_string(100000 + i);
    flood.push_back(e.dump());
  }
  fake_.Then(ReplayFrom(flood));
  store::Connector c = AddStream();
  stream::HubOptions o;
  o.batch_max = 200;
  StartHub(o);
  ASSERT_TRUE(WaitFor([&] { return SavedCursor(c.id) == t0 + 2999; }, std::chrono::seconds(60)));
  EXPECT_EQ(StoredUris(), PostUris(flood));
  EXPECT_EQ(StoredUris().size(), 3000u);
  EXPECT_EQ(Announced().size(), 3000u);
}

TEST_F(JetstreamStreamTest, StopStoresWhatArrivedAndARestartResumesFromTheCheckpoint) {
  fake_.Then(ReplayFrom(golden_));
  store::Connector c = AddStream();
  stream::HubOptions o;
  o.flush_ms = 60'000;  // nothing is flushed by time: only Stop() stores the partial batch
  StartHub(o);
  // Stop() must flush the batch waiting in memory.
  ASSERT_TRUE(
      WaitFor([&] { return Health(c.id).events == static_cast<std::int64_t>(golden_.size()); }));
  EXPECT_TRUE(StoredUris().empty());
  hub_->Stop();
  EXPECT_EQ(StoredUris(), PostUris(golden_));
  std::int64_t newest = 0;
  for (const auto& l : golden_) newest = std::max(newest, TimeUs(l));
  EXPECT_EQ(SavedCursor(c.id), newest);
  ASSERT_TRUE(WaitFor([&] { return fake_.client_left(); }));

  hub_.reset();
  StartHub({}, 5'000'000);
  ASSERT_TRUE(WaitFor([&] { return fake_.connections() == 2; }));
  EXPECT_EQ(CursorOf(fake_.targets()[1]), newest - 5'000'000);
  ASSERT_TRUE(
      WaitFor([&] { return Health(c.id).events >= static_cast<std::int64_t>(golden_.size()); }));
  EXPECT_EQ(StoredUris(), PostUris(golden_));
  EXPECT_EQ(Announced().size(), PostUris(golden_).size());  // the replay announced nothing new
}

TEST_F(JetstreamStreamTest, ADisabledConnectorStopsStreamingAndReplyOnlyOnesNeverStart) {
  fake_.Then(ReplayFrom(golden_));
  store::Connector reply_only = Add(Platform::kBluesky, {{"service", "https://bsky.social"}}, "");
  store::Connector c = AddStream();
  StartHub();
  ASSERT_TRUE(WaitFor([&] { return Health(c.id).connected; }));
  EXPECT_FALSE(hub_->Health(reply_only.id).has_value());
  c = Reload(c.id);
  c.enabled = false;
  ASSERT_TRUE(store_->connectors().Update(c).ok());
  hub_->Refresh();
  ASSERT_TRUE(WaitFor([&] { return !hub_->Health(c.id).has_value(); }));
  ASSERT_TRUE(WaitFor([&] { return fake_.client_left(); }));
  EXPECT_EQ(fake_.connections(), 1);
}

}  // namespace
}  // namespace humas::connectors::bluesky
