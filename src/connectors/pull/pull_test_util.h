// Test support for the pull connectors: a platform on loopback (the project's own HTTP server)
// that answers each route from a script of responses and records every request, the shared
// fixture files, and a store + registry + runner wired the way `humas serve` wires them.
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "connectors/pull/pull.h"
#include "http/http.h"
#include "store/connectors.h"
#include "store/sqlite/test_util.h"

namespace humas::connectors::pull::testing {

//! A file under ../shared/fixtures (the tests read it in place, never copied into the repo).
inline std::string Fixture(const std::string& rel) {
  std::ifstream in(std::filesystem::path(HUMAS_SHARED_DIR) / "fixtures" / rel, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  EXPECT_FALSE(s.str().empty()) << "missing fixture " << rel;
  return s.str();
}

//! The wire body of a recorded cassette ({"_recorded_request", "body"}).
inline std::string CassetteBody(const std::string& rel) {
  return nlohmann::json::parse(Fixture(rel))["body"].dump();
}

inline http::Response JsonResponse(int status, std::string body,
                                   std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

//! A scripted platform: each GET route answers from its queue (the last answer repeats when
//! the queue runs dry) and every request is kept.
class FakePlatform {
 public:
  FakePlatform() {
    http::ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.worker_threads = 2;
    server_ = http::NewServer(o);
  }
  ~FakePlatform() { server_->Stop(); }

  void Route(const std::string& pattern) {
    server_->Route("GET", pattern, [this, pattern](const http::Request& r) {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(r);
      auto& q = script_[pattern];
      if (q.empty()) return JsonResponse(500, "{\"error\":\"no scripted answer\"}");
      http::Response resp = q.front();
      if (q.size() > 1) q.pop_front();
      return resp;
    });
  }
  void Answer(const std::string& pattern, http::Response r) {
    std::lock_guard<std::mutex> lock(mu_);
    script_[pattern].push_back(std::move(r));
  }
  //! Drops what is queued for `pattern` (the next Answer starts a fresh script).
  void Reset(const std::string& pattern) {
    std::lock_guard<std::mutex> lock(mu_);
    script_[pattern].clear();
  }
  Status Start() { return server_->Start(); }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<http::Request> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_.size();
  }

 private:
  std::unique_ptr<http::Server> server_;
  std::mutex mu_;
  std::map<std::string, std::deque<http::Response>> script_;
  std::vector<http::Request> requests_;
};

//! A real SQLite store, one agency, a registry, an HTTP client that records its back-off
//! sleeps instead of sleeping, and a Runner.
class PullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::sqlite::TempSqliteStore::Open();
    ASSERT_NE(store_, nullptr);
    Agency a;
    a.code = "diskominfo";
    a.name = "Dinas Komunikasi dan Informatika";
    ASSERT_TRUE(store_->agencies().Create(&a).ok());
    agency_ = a.id;
    CredentialBox::Key key{};
    key.fill(7);
    registry_ = std::make_unique<Registry>(*store_, clock_, CredentialBox(key));
    net::HttpOptions ho;
    ho.timeout_ms = 2000;
    ho.connect_timeout_ms = 1000;
    ho.max_attempts = 3;
    ho.backoff_base_ms = 100;
    ho.backoff_max_ms = 30'000;
    http_ = std::make_unique<net::HttpClient>(
        ho, [this](UnixMillis ms) { sleeps_.push_back(ms); }, &clock_);
    runner_ = NewRunner();
  }

  std::unique_ptr<Runner> NewRunner(RunnerOptions o = {}) {
    return std::make_unique<Runner>(*registry_, *store_, clock_, *http_, ingest::MentionSink{},
                                    ingest::Labeler{}, o);
  }

  store::Connector Add(Platform p, const nlohmann::json& settings, const std::string& creds,
                       std::optional<std::int64_t> budget = std::nullopt) {
    store::Connector c;
    c.agency_id = agency_;
    c.platform = p;
    c.name = "sumber " + std::to_string(++added_);
    c.poll_interval_seconds = 300;
    c.settings_json = settings.dump();
    c.read_budget_monthly = budget;
    c.health.next_run_at = clock_.Now();
    EXPECT_TRUE(registry_->Create(&c, creds).ok());
    return c;
  }
  store::Connector Reload(Id id) { return *store_->connectors().Get(id); }
  std::vector<Mention> Mentions() {
    store::Page p;
    p.limit = 1000;
    return store_->mentions().Search({}, p)->items;
  }

  FakeClock clock_{1'795'000'000'000};  // 2026-11-18T...Z
  std::unique_ptr<store::sqlite::TempSqliteStore> store_;
  Id agency_ = 0;
  int added_ = 0;
  std::unique_ptr<Registry> registry_;
  std::vector<UnixMillis> sleeps_;
  std::unique_ptr<net::HttpClient> http_;
  std::unique_ptr<Runner> runner_;
};

}  // namespace humas::connectors::pull::testing
