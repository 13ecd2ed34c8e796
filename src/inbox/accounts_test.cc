// Agency reply accounts from the connector registry, over a real SQLite store: the nearest
// agency's connector answers, its sealed credentials reach the platform (a fake X API on
// loopback), and connectors that cannot reply are passed over with a reason.
#include "inbox/accounts.h"

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
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

}  // namespace
}  // namespace humas::inbox
