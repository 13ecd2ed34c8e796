// Integration: session expiry driven by an injected clock, against the real HTTP server and a
// real SQLite store on loopback (the clock is the only test double).
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "api/api.h"
#include "api/auth.h"
#include "http/http.h"
#include "store/store.h"

namespace humas {
namespace {

struct Reply {
  long status = 0;
  std::string body;
  std::string set_cookie;
};

size_t Collect(char* p, size_t s, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, s * n);
  return s * n;
}

size_t Header(char* p, size_t s, size_t n, void* out) {
  std::string h(p, s * n);
  if (h.rfind("Set-Cookie:", 0) == 0 || h.rfind("set-cookie:", 0) == 0)
    *static_cast<std::string*>(out) = h.substr(11);
  return s * n;
}

Reply Call(const std::string& url, const std::string& method, const std::string& body,
           const std::string& cookie, const std::string& csrf = "") {
  Reply r;
  CURL* c = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (!csrf.empty()) headers = curl_slist_append(headers, ("X-CSRF-Token: " + csrf).c_str());
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method != "GET") curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  if (!cookie.empty()) curl_easy_setopt(c, CURLOPT_COOKIE, cookie.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, Header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.set_cookie);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
  EXPECT_EQ(curl_easy_perform(c), CURLE_OK);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return r;
}

class SessionExpiryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(api::InitCrypto().ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("humas-session-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = store::OpenSqliteStore({(dir_ / "humas.db").string()}, clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    Agency region;
    region.kind = AgencyKind::kRegion;
    region.name = "Kabupaten Uji";
    region.code = "uji";
    ASSERT_TRUE(store_->agencies().Create(&region).ok());
    User u;
    u.username = "admin";
    u.display_name = "Admin";
    u.password_hash = api::HashPassword("kata-sandi-uji-123").value();
    u.roles.push_back({Role::kAdmin, region.id});
    ASSERT_TRUE(store_->users().Create(&u).ok());

    ctx_ = std::make_unique<api::Context>(*store_, clock_, api::ApiOptions{});
    http::ServerOptions o;
    o.port = 0;
    o.worker_threads = 2;
    server_ = http::NewServer(o);
    api::RegisterRoutes(*server_, *ctx_);
    ASSERT_TRUE(server_->Start().ok());
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override {
    if (server_) {
      server_->Stop();
      server_->Wait();
    }
    server_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  //! Logs in; returns the cookie header value.
  std::string Login() {
    Reply r = Call(base_ + "/api/v1/auth/login", "POST",
                   R"({"username":"admin","password":"kata-sandi-uji-123"})", "");
    EXPECT_EQ(r.status, 200) << r.body;
    auto semi = r.set_cookie.find(';');
    std::string cookie = r.set_cookie.substr(0, semi);
    while (!cookie.empty() && cookie.front() == ' ') cookie.erase(0, 1);
    return cookie;
  }

  FakeClock clock_{1'790'000'000'000};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<api::Context> ctx_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
};

TEST_F(SessionExpiryTest, IdleSessionExpiresAfterTwelveHours) {
  std::string cookie = Login();
  EXPECT_EQ(Call(base_ + "/api/v1/auth/me", "GET", "", cookie).status, 200);
  clock_.Advance(11LL * 3600 * 1000);
  EXPECT_EQ(Call(base_ + "/api/v1/auth/me", "GET", "", cookie).status, 200);  // refreshes idle
  clock_.Advance(11LL * 3600 * 1000);
  EXPECT_EQ(Call(base_ + "/api/v1/auth/me", "GET", "", cookie).status, 200);
  clock_.Advance(12LL * 3600 * 1000 + 1000);
  Reply r = Call(base_ + "/api/v1/auth/me", "GET", "", cookie);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("unauthenticated"), std::string::npos);
}

TEST_F(SessionExpiryTest, ActiveSessionStillEndsAfterSevenDays) {
  std::string cookie = Login();
  // Use the session every 12 hours minus a minute: the idle limit never hits, the 7-day one does.
  const UnixMillis step = 12LL * 3600 * 1000 - 60'000;
  int first_refused = -1;
  for (int i = 1; i <= 20 && first_refused < 0; ++i) {
    clock_.Advance(step);
    if (Call(base_ + "/api/v1/auth/me", "GET", "", cookie).status != 200) first_refused = i;
  }
  // 14 steps are 7 days minus 14 minutes (still valid); the 15th crosses 7 days.
  EXPECT_EQ(first_refused, 15);
}

TEST_F(SessionExpiryTest, ExpiredSessionCannotWrite) {
  std::string cookie = Login();
  Reply me = Call(base_ + "/api/v1/auth/me", "GET", "", cookie);
  auto pos = me.body.find("\"csrf_token\":\"");
  ASSERT_NE(pos, std::string::npos);
  std::string csrf = me.body.substr(pos + 14, 43);
  clock_.Advance(13LL * 3600 * 1000);
  Reply r =
      Call(base_ + "/api/v1/agencies", "POST",
           R"({"kind":"agency","parent_id":1,"name":"Dinas Baru","code":"baru"})", cookie, csrf);
  EXPECT_EQ(r.status, 401);
  auto list = store_->agencies().GetByCode("baru");
  EXPECT_FALSE(list.ok());
}

}  // namespace
}  // namespace humas
