// The RSS poll connector against a real HTTP server on loopback (the project's own server
// replaying the fixture feeds) and a real SQLite store: conditional GET and 304, retries after a
// 500 and on 429 with Retry-After, a slow server timing out, broken and huge feeds, and a
// restart that neither loses nor repeats entries.
#include "connectors/feed/poller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "connectors/pull/pull.h"
#include "http/http.h"
#include "store/connectors.h"
#include "store/sqlite/test_util.h"

namespace humas::connectors::feed {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(
      std::filesystem::path(HUMAS_SHARED_DIR) / "fixtures/rss-atom/feedparser-docs-examples" / name,
      std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

http::Response Xml(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = "application/rss+xml; charset=utf-8";
  return r;
}

class PollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rss_ = Fixture("rss20.xml");
    atom_ = Fixture("atom10.xml");
    ASSERT_FALSE(rss_.empty());
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.worker_threads = 4;
    server_ = http::NewServer(o);
    server_->Route("GET", "/feed.xml", [this](const http::Request& r) {
      last_if_none_match_ = r.Header("if-none-match");
      if (r.Header("if-none-match") == "\"v1\"") return Xml(304, "");
      http::Response resp = Xml(200, rss_);
      resp.AddHeader("ETag", "\"v1\"");
      resp.AddHeader("Last-Modified", "Mon, 23 Nov 2026 10:00:00 GMT");
      return resp;
    });
    server_->Route("GET", "/atom.xml", [this](const http::Request&) { return Xml(200, atom_); });
    server_->Route("GET", "/flaky.xml", [this](const http::Request&) {
      return flaky_calls_.fetch_add(1) == 0 ? Xml(500, "oops") : Xml(200, rss_);
    });
    server_->Route("GET", "/down.xml", [](const http::Request&) { return Xml(503, "down"); });
    server_->Route("GET", "/limited.xml", [this](const http::Request&) {
      if (limited_calls_.fetch_add(1) > 0) return Xml(200, rss_);
      http::Response r = Xml(429, "slow down");
      r.AddHeader("Retry-After", "7");
      return r;
    });
    server_->Route("GET", "/slow.xml", [this](const http::Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));
      return Xml(200, rss_);
    });
    server_->Route("GET", "/html.xml", [](const http::Request&) {
      return Xml(200, "<html><body>Not found</body></html>");
    });
    server_->Route("GET", "/broken.xml", [](const http::Request&) {
      return Xml(200,
                 "<rss><channel><title>Rusak & patah</title><item><title>Satu</title>"
                 "<guid>https://x.example/1</guid><description>a <b>b</description></item>");
    });
    server_->Route("GET", "/huge.xml", [this](const http::Request&) {
      std::string big = "<rss><channel>";
      while (big.size() < (2u << 20)) big += "<item><title>isi yang panjang sekali</title></item>";
      big += "</channel></rss>";
      return Xml(200, big);
    });
    ASSERT_TRUE(server_->Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());

    store_ = store::sqlite::TempSqliteStore::Open();
    ASSERT_NE(store_, nullptr);
    Agency a;
    a.code = "dinkes";
    a.name = "Dinas Kesehatan";
    ASSERT_TRUE(store_->agencies().Create(&a).ok());
    agency_ = a.id;
    CredentialBox::Key key{};
    key.fill(3);
    registry_ = std::make_unique<Registry>(*store_, clock_, CredentialBox(key));
    net::HttpOptions ho;
    ho.timeout_ms = 1000;
    ho.connect_timeout_ms = 1000;
    ho.max_body_bytes = 1u << 20;
    ho.max_attempts = 3;
    ho.backoff_base_ms = 100;
    http_ = std::make_unique<net::HttpClient>(ho, [this](UnixMillis ms) { sleeps_.push_back(ms); });
    poller_ = std::make_unique<RssPoller>(*registry_, *store_, clock_, *http_);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  store::Connector Add(const std::string& name, const std::string& path) {
    store::Connector c;
    c.agency_id = agency_;
    c.platform = Platform::kRss;
    c.name = name;
    c.poll_interval_seconds = 600;
    c.settings_json = "{\"url\":\"" + base_ + path + "\"}";
    c.health.next_run_at = clock_.Now();
    EXPECT_TRUE(registry_->Create(&c, "").ok());
    return c;
  }
  store::Connector Reload(Id id) { return *store_->connectors().Get(id); }
  std::int64_t MentionCount() {
    store::MentionFilter f;
    return store_->mentions().Search(f, store::Page{})->total;
  }

  std::string rss_, atom_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
  std::atomic<int> flaky_calls_{0}, limited_calls_{0};
  std::string last_if_none_match_;
  FakeClock clock_{1'795'000'000'000};
  std::unique_ptr<store::sqlite::TempSqliteStore> store_;
  Id agency_ = 0;
  std::unique_ptr<Registry> registry_;
  std::vector<UnixMillis> sleeps_;
  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<RssPoller> poller_;
};

TEST_F(PollerTest, StoresEntriesThenConditionalGetAnswers304) {
  size_t expected = Parse(rss_)->entries.size();
  ASSERT_GT(expected, 0u);
  store::Connector c = Add("Berita", "/feed.xml");
  auto r = poller_->PollOne(c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->fetched, static_cast<int>(expected));
  EXPECT_EQ(r->stored, static_cast<int>(expected));
  EXPECT_EQ(MentionCount(), static_cast<std::int64_t>(expected));
  auto m = store_->mentions().Search({}, store::Page{});
  EXPECT_EQ(m->items[0].data.platform, Platform::kRss);
  EXPECT_EQ(m->items[0].agency_id, agency_);
  c = Reload(c.id);
  EXPECT_EQ(c.checkpoint.etag, "\"v1\"");
  EXPECT_EQ(c.checkpoint.last_modified, "Mon, 23 Nov 2026 10:00:00 GMT");
  EXPECT_TRUE(c.health.last_success_at.has_value());
  EXPECT_EQ(c.health.next_run_at, clock_.Now() + 600'000);

  auto again = poller_->PollOne(c);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(last_if_none_match_, "\"v1\"");
  EXPECT_TRUE(again->not_modified);
  EXPECT_EQ(again->stored, 0);
  EXPECT_EQ(Reload(c.id).checkpoint.etag, "\"v1\"");  // kept across a 304
}

TEST_F(PollerTest, RestartNeitherLosesNorRepeats) {
  store::Connector c = Add("Berita", "/feed.xml");
  ASSERT_TRUE(poller_->PollOne(c).ok());
  std::int64_t n = MentionCount();
  // A crash after storing but before the checkpoint: the stored row still has no ETag.
  ASSERT_TRUE(store_->connectors().RecordSuccess(c.id, {}, 0, clock_.Now(), clock_.Now()).ok());
  RssPoller restarted(*registry_, *store_, clock_, *http_);
  auto r = restarted.PollOne(Reload(c.id));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->not_modified);
  EXPECT_EQ(r->stored, 0);  // every entry de-duplicated
  EXPECT_EQ(MentionCount(), n);
}

TEST_F(PollerTest, AtomFeedAndBrokenFeedAreRead) {
  auto atom = poller_->PollOne(Add("Atom", "/atom.xml"));
  ASSERT_TRUE(atom.ok()) << atom.status().ToString();
  EXPECT_GT(atom->stored, 0);
  auto broken = poller_->PollOne(Add("Rusak", "/broken.xml"));
  ASSERT_TRUE(broken.ok()) << broken.status().ToString();
  EXPECT_EQ(broken->stored, 1);
}

TEST_F(PollerTest, RetriesAfter500ThenSucceeds) {
  store::Connector c = Add("Flaky", "/flaky.xml");
  auto r = poller_->PollOne(c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(flaky_calls_.load(), 2);
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_GE(sleeps_[0], 100);
  EXPECT_LT(sleeps_[0], 200);  // base + jitter < base
  EXPECT_EQ(Reload(c.id).health.consecutive_failures, 0);
}

TEST_F(PollerTest, HonoursRetryAfterOn429) {
  auto r = poller_->PollOne(Add("Limited", "/limited.xml"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(sleeps_.size(), 1u);
  EXPECT_EQ(sleeps_[0], 7000);
}

TEST_F(PollerTest, PersistentFailureIsRecordedWithBackoff) {
  store::Connector c = Add("Down", "/down.xml");
  auto r = poller_->PollOne(c);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(sleeps_.size(), 2u);  // 3 attempts
  c = Reload(c.id);
  EXPECT_EQ(c.health.consecutive_failures, 1);
  EXPECT_NE(c.health.last_error.find("HTTP 503"), std::string::npos);
  EXPECT_EQ(c.health.next_run_at, clock_.Now() + 1'200'000);  // 600 s x 2
  EXPECT_FALSE(c.health.last_success_at.has_value());
}

TEST_F(PollerTest, SlowServerTimesOut) {
  store::Connector c = Add("Slow", "/slow.xml");
  auto r = poller_->PollOne(c);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(Reload(c.id).health.last_error.find("timeout"), std::string::npos)
      << Reload(c.id).health.last_error;
}

TEST_F(PollerTest, NotAFeedAndHugeFeedAreRefusedAndNothingStored) {
  store::Connector html = Add("Html", "/html.xml");
  EXPECT_FALSE(poller_->PollOne(html).ok());
  EXPECT_NE(Reload(html.id).health.last_error.find("not an RSS or Atom feed"), std::string::npos);
  store::Connector huge = Add("Huge", "/huge.xml");
  EXPECT_FALSE(poller_->PollOne(huge).ok());
  EXPECT_NE(Reload(huge.id).health.last_error.find("larger than"), std::string::npos);
  EXPECT_EQ(MentionCount(), 0);
}

TEST_F(PollerTest, TheTickRunsOnlyDueEnabledFeeds) {
  pull::Dispatcher dispatcher(*store_, clock_);
  dispatcher.Register(Platform::kRss,
                      [this](const store::Connector& c) { return poller_->PollOne(c).status(); });
  store::Connector a = Add("A", "/feed.xml");
  store::Connector b = Add("B", "/atom.xml");
  b.enabled = false;
  ASSERT_TRUE(store_->connectors().Update(b).ok());
  auto n = dispatcher.RunDue();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(*dispatcher.RunDue(), 0);  // next run is 10 minutes away
  clock_.Set(clock_.Now() + 600'000);
  EXPECT_EQ(*dispatcher.RunDue(), 1);
  EXPECT_TRUE(Reload(a.id).health.last_success_at.has_value());
}

TEST(PollerMapping, ExternalIdsAreGlobal) {
  Entry e;
  e.id = "42";
  e.title = "Judul <b>tebal</b>";
  e.summary = "<p>Isi &amp; ringkasan</p>";
  MentionInput m = RssPoller::ToMention(e, "https://a.example/rss", 5);
  EXPECT_EQ(m.external_id, "https://a.example/rss#42");
  EXPECT_EQ(m.text, "Judul tebal\n\nIsi & ringkasan");
  EXPECT_EQ(m.created_at, 5);
  e.id = "tag:a.example,2026:42";
  EXPECT_EQ(RssPoller::ToMention(e, "https://a.example/rss", 5).external_id, e.id);
  e.id.clear();
  e.link.clear();
  std::string h1 = RssPoller::ToMention(e, "https://a.example/rss", 5).external_id;
  e.summary = "lain";
  EXPECT_NE(RssPoller::ToMention(e, "https://a.example/rss", 5).external_id, h1);
}

}  // namespace
}  // namespace humas::connectors::feed
