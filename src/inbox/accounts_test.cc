// Agency reply accounts from the connector registry, over a real SQLite store: the nearest
// agency's connector answers, its sealed credentials reach the platform (a fake X API on
// loopback), and connectors that cannot reply are passed over with a reason.
#include "inbox/accounts.h"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "http/http.h"
#include "store/sqlite/test_util.h"

namespace humas::inbox {
namespace {

using json = nlohmann::json;

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::sqlite::TempSqliteStore::Open();
    ASSERT_TRUE(store_);
    connectors::CredentialBox::Key key{};
    key.fill(7);
    registry_ =
        std::make_unique<connectors::Registry>(*store_, clock_, connectors::CredentialBox(key));
    region_ = AddAgency(AgencyKind::kRegion, std::nullopt, "berau");
    dinas_ = AddAgency(AgencyKind::kAgency, region_, "dinkes");
    unit_ = AddAgency(AgencyKind::kUnit, dinas_, "puskesmas-tanjung");
  }

  Id AddAgency(AgencyKind kind, std::optional<Id> parent, const std::string& code) {
    Agency a;
    a.kind = kind;
    a.parent_id = parent;
    a.code = code;
    a.name = code;
    EXPECT_TRUE(store_->agencies().Create(&a).ok());
    return a.id;
  }

  store::Connector AddConnector(Id agency, Platform p, const json& settings, const json& creds) {
    store::Connector c;
    c.agency_id = agency;
    c.platform = p;
    c.name = std::string(ToString(p)) + "-" + std::to_string(++seq_);
    c.settings_json = settings.dump();
    EXPECT_TRUE(registry_->Create(&c, creds.is_null() ? "" : creds.dump()).ok());
    return c;
  }

  FakeClock clock_{1'795'000'000'000};
  std::unique_ptr<store::sqlite::TempSqliteStore> store_;
  std::unique_ptr<connectors::Registry> registry_;
  Id region_ = 0, dinas_ = 0, unit_ = 0;
  int seq_ = 0;
};

TEST_F(AccountsTest, TheNearestAgencysConnectorAnswersWithItsOwnToken) {
  http::ServerOptions o;
  o.port = 0;
  o.worker_threads = 1;
  auto x = http::NewServer(o);
  std::mutex mu;
  std::vector<std::string> auth;
  x->Route("POST", "/2/tweets", [&](const http::Request& req) {
    std::lock_guard lock(mu);
    auth.push_back(req.Header("authorization"));
    http::Response r;
    r.status = 201;
    r.body = R"({"data":{"id":"1456012973835788293","text":"ok"}})";
    return r;
  });
  ASSERT_TRUE(x->Start().ok());
  std::string base = "http://127.0.0.1:" + std::to_string(x->port());
  // Reading-only credentials on the unit (an app bearer token cannot post): passed over.
  AddConnector(unit_, Platform::kX, {{"query", "puskesmas"}, {"api_base", base}},
               {{"bearer_token", "app-only"}});
  AddConnector(dinas_, Platform::kX, {{"query", "dinkes"}, {"api_base", base}},
               {{"access_token", "dinkes-user-token"}});
  RegistryAccounts accounts(*registry_, *store_, clock_);
  auto sender = accounts.SenderFor(unit_, Platform::kX);
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  ASSERT_TRUE(*sender);
  Reply r;
  r.platform = Platform::kX;
  r.in_reply_to = "1445880548472328192";
  r.text = "Sudah kami teruskan ke puskesmas.";
  auto sent = (*sender)->Send(r, Case{});
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->platform_id, "1456012973835788293");
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(auth.size(), 1u);
    EXPECT_EQ(auth[0], "Bearer dinkes-user-token");
  }
  // The region has no X account; other platforms have none anywhere.
  EXPECT_FALSE(*accounts.SenderFor(region_, Platform::kX));
  EXPECT_FALSE(*accounts.SenderFor(unit_, Platform::kFacebook));
  x->Stop();
}

TEST_F(AccountsTest, DisabledOrIncompleteConnectorsDoNotAnswer) {
  store::Connector tg =
      AddConnector(dinas_, Platform::kTelegram, json::object(), {{"bot_token", "123:ABC"}});
  RegistryAccounts accounts(*registry_, *store_, clock_);
  EXPECT_TRUE(*accounts.SenderFor(dinas_, Platform::kTelegram));
  tg.enabled = false;
  ASSERT_TRUE(store_->connectors().Update(tg).ok());
  EXPECT_FALSE(*accounts.SenderFor(dinas_, Platform::kTelegram));
  // Bluesky needs both the handle and an app password.
  AddConnector(dinas_, Platform::kBluesky, json::object(), {{"identifier", "dinkes.bsky.social"}});
  EXPECT_FALSE(*accounts.SenderFor(dinas_, Platform::kBluesky));
  // A WhatsApp token without the business number cannot work: said, not skipped silently.
  AddConnector(dinas_, Platform::kWhatsapp, json::object(), {{"access_token", "wa"}});
  auto wa = accounts.SenderFor(dinas_, Platform::kWhatsapp);
  EXPECT_EQ(wa.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(wa.status().message().find("phone_number_id"), std::string::npos);
  // No credentials at all.
  AddConnector(unit_, Platform::kYoutube, json::object(), nullptr);
  EXPECT_FALSE(*accounts.SenderFor(unit_, Platform::kYoutube));
  // A webhook connector only verifies the platform's pushes; it never answers.
  AddConnector(region_, Platform::kTelegram, {{"webhook", "telegram"}},
               {{"secret_token", "rahasia_webhook"}, {"bot_token", "123:ABC"}});
  EXPECT_FALSE(*accounts.SenderFor(unit_, Platform::kTelegram));
}

TEST(ReplySettingsTest, KnownKeysAndAddressesOnly) {
  EXPECT_TRUE(ValidateReplySettings(Platform::kFacebook, json::object()).ok());
  EXPECT_TRUE(
      ValidateReplySettings(Platform::kFacebook, {{"api_base", "https://graph.facebook.com/v21.0"}})
          .ok());
  EXPECT_TRUE(
      ValidateReplySettings(Platform::kWhatsapp, {{"phone_number_id", "1122334455667"}}).ok());
  EXPECT_TRUE(ValidateReplySettings(Platform::kBluesky, {{"service", "https://bsky.social"}}).ok());
  // A webhook connector's own setting is left to the webhook validation.
  EXPECT_TRUE(ValidateReplySettings(Platform::kFacebook, {{"webhook", "meta"}}).ok());
  Status unknown = ValidateReplySettings(Platform::kYoutube, {{"channel", "x"}});
  EXPECT_EQ(unknown.code(), Code::kInvalidArgument);
  EXPECT_EQ(unknown.field(), "settings");
  EXPECT_EQ(ValidateReplySettings(Platform::kInstagram, {{"api_base", "ftp://x"}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ValidateReplySettings(Platform::kWhatsapp, {{"phone_number_id", "+62 812"}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ValidateReplySettings(Platform::kBluesky, {{"service", 5}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ValidateReplySettings(Platform::kBluesky, json::array()).code(),
            Code::kInvalidArgument);
  // Platforms validated elsewhere (RSS, the pull connectors) are left alone here.
  EXPECT_TRUE(ValidateReplySettings(Platform::kRss, {{"url", "x"}}).ok());
}

// ------------------------------------------------------------------ YouTube OAuth token refresh

//! Google's token endpoint and the YouTube Data API on loopback: tokens in Google's answer format
//! (developers.google.com/identity/protocols/oauth2/web-server#offline), comments answered with
//! the python-youtube comment resource of ../shared/fixtures.
class FakeGoogle {
 public:
  FakeGoogle() {
    http::ServerOptions o;
    o.port = 0;
    o.worker_threads = 1;
    server_ = http::NewServer(o);
    server_->Route("POST", "/token", [this](const http::Request& req) {
      std::lock_guard lock(mu);
      token_forms.push_back(req.body);
      http::Response r;
      if (revoked_refresh) {
        r.status = 400;
        r.body =
            R"({"error":"invalid_grant","error_description":"Token has been expired or revoked."})";
        return r;
      }
      r.body = json{{"access_token", "ya29.new-" + std::to_string(token_forms.size())},
                    {"expires_in", 3599},
                    {"scope", "https://www.googleapis.com/auth/youtube.force-ssl"},
                    {"token_type", "Bearer"}}
                   .dump();
      return r;
    });
    server_->Route("POST", "/youtube/v3/comments", [this](const http::Request& req) {
      std::lock_guard lock(mu);
      std::string auth = req.Header("authorization");
      comment_auth.push_back(auth);
      http::Response r;
      if (rejected.count(auth)) {
        r.status = 401;
        r.body = json{{"error",
                       {{"code", 401},
                        {"message", "Request had invalid authentication credentials."},
                        {"errors", {{{"reason", "authError"}}}},
                        {"status", "UNAUTHENTICATED"}}}}
                     .dump();
        return r;
      }
      json body = json::parse(req.body, nullptr, false);
      std::ifstream in(std::string(HUMAS_SHARED_DIR) +
                       "/fixtures/youtube-data-v3/modeldata/comments/comment_info.json");
      std::stringstream ss;
      ss << in.rdbuf();
      json c = json::parse(ss.str(), nullptr, false);
      EXPECT_FALSE(c.is_discarded()) << "fixture missing";
      c["id"] = body["snippet"]["parentId"].get<std::string>() + ".9xYzReplyAbC";
      c["snippet"]["parentId"] = body["snippet"]["parentId"];
      r.body = c.dump();
      return r;
    });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~FakeGoogle() { server_->Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  std::mutex mu;
  std::vector<std::string> token_forms;   // guarded by mu
  std::vector<std::string> comment_auth;  // guarded by mu
  std::set<std::string> rejected;         // guarded by mu: access tokens YouTube answers 401
  bool revoked_refresh = false;           // guarded by mu

 private:
  std::unique_ptr<http::Server> server_;
};

TEST_F(AccountsTest, YoutubeTokensAreRefreshedBeforeExpiryAndOn401AndStoredSealed) {
  FakeGoogle google;
  UnixMillis now = clock_.Now();
  store::Connector c =
      AddConnector(dinas_, Platform::kYoutube,
                   {{"api_base", google.url()}, {"token_url", google.url() + "/token"}},
                   {{"access_token", "ya29.old"},
                    {"refresh_token", "1//rt+abc"},
                    {"client_id", "cid.apps.googleusercontent.com"},
                    {"client_secret", "GOCSPX-secret"}});
  // The stored token expires in 2 minutes (humas writes the expiry as a number).
  json creds = json::parse(*registry_->Credentials(c.id));
  creds["access_token_expires_at"] = now + 2 * 60'000;
  ASSERT_TRUE(registry_->SetCredentials(c.id, creds.dump()).ok());
  RegistryAccounts accounts(*registry_, *store_, clock_);
  Reply r;
  r.platform = Platform::kYoutube;
  r.in_reply_to = "UgwxApqcfzZzF_C5Zqx4AaABAg";
  r.text = "Jadwal ada di kanal kami.";
  auto send = [&]() {
    auto sender = accounts.SenderFor(unit_, Platform::kYoutube);
    EXPECT_TRUE(sender.ok() && *sender) << sender.status().ToString();
    return (*sender)->Send(r, Case{});
  };

  // 1. Within 5 minutes of expiry: refreshed first, the reply goes out with the new token.
  auto sent = send();
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->platform_id, "UgwxApqcfzZzF_C5Zqx4AaABAg.9xYzReplyAbC");
  {
    std::lock_guard lock(google.mu);
    ASSERT_EQ(google.token_forms.size(), 1u);
    // The form Google expects, with the refresh token percent-encoded.
    EXPECT_EQ(google.token_forms[0],
              "grant_type=refresh_token&client_id=cid.apps.googleusercontent.com&client_secret="
              "GOCSPX-secret&refresh_token=1%2F%2Frt%2Babc");
    EXPECT_EQ(google.comment_auth, std::vector<std::string>{"Bearer ya29.new-1"});
  }
  // Stored: the new token and its expiry, sealed (never in plain text in the database), the rest
  // of the credentials kept.
  json stored = json::parse(*registry_->Credentials(c.id));
  EXPECT_EQ(stored["access_token"], "ya29.new-1");
  EXPECT_EQ(stored["access_token_expires_at"], now + 3599 * 1000);
  EXPECT_EQ(stored["refresh_token"], "1//rt+abc");
  auto row = store_->connectors().Get(c.id);
  ASSERT_TRUE(row.ok());
  EXPECT_EQ(row->credentials_sealed.find("ya29.new-1"), std::string::npos);

  // 2. A fresh token is used as it is: no refresh.
  ASSERT_TRUE(send().ok());
  {
    std::lock_guard lock(google.mu);
    EXPECT_EQ(google.token_forms.size(), 1u);
    EXPECT_EQ(google.comment_auth.back(), "Bearer ya29.new-1");
    // 3. Revoked early: YouTube answers 401, humas refreshes once and sends again.
    google.rejected.insert("Bearer ya29.new-1");
  }
  sent = send();
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  {
    std::lock_guard lock(google.mu);
    EXPECT_EQ(google.token_forms.size(), 2u);
    EXPECT_EQ(google.comment_auth,
              (std::vector<std::string>{"Bearer ya29.new-1", "Bearer ya29.new-1",
                                        "Bearer ya29.new-1", "Bearer ya29.new-2"}));
  }
  EXPECT_EQ(json::parse(*registry_->Credentials(c.id))["access_token"], "ya29.new-2");

  // 4. The refresh token itself was revoked: a clear error, nothing posted, nothing stored.
  clock_.Advance(3600 * 1000);  // the stored token has expired
  {
    std::lock_guard lock(google.mu);
    google.revoked_refresh = true;
  }
  auto refused = send();
  EXPECT_EQ(refused.status().code(), Code::kPermissionDenied);
  EXPECT_NE(refused.status().message().find("connect the YouTube account again"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(refused.status().message().find("GOCSPX"), std::string::npos);
  {
    std::lock_guard lock(google.mu);
    EXPECT_EQ(google.comment_auth.size(), 4u);
  }
  EXPECT_EQ(json::parse(*registry_->Credentials(c.id))["access_token"], "ya29.new-2");
  // A refresh token without the OAuth client to use it: refused with the reason.
  AddConnector(unit_, Platform::kYoutube, {{"api_base", google.url()}},
               {{"refresh_token", "1//rt"}});
  EXPECT_EQ(accounts.SenderFor(unit_, Platform::kYoutube).status().code(),
            Code::kFailedPrecondition);
}

}  // namespace
}  // namespace humas::inbox
