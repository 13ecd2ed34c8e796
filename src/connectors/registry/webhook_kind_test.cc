// Webhook kinds of the registry: which settings make a webhook connector, where it receives, and
// which credentials each kind accepts.
#include "connectors/registry/webhook_kind.h"

#include <gtest/gtest.h>

namespace humas::connectors {
namespace {

using nlohmann::json;

store::Connector WithSettings(const std::string& settings) {
  store::Connector c;
  c.id = 12;
  c.settings_json = settings;
  return c;
}

TEST(WebhookKindTest, KindFromSettings) {
  EXPECT_EQ(WebhookKindOf(WithSettings(R"({"url":"https://a.example/f"})")), nullptr);
  EXPECT_EQ(WebhookKindOf(WithSettings(R"({"webhook":"pager"})")), nullptr);
  EXPECT_EQ(WebhookKindOf(WithSettings(R"({"webhook":1})")), nullptr);
  EXPECT_EQ(WebhookKindOf(WithSettings("not json")), nullptr);
  const WebhookKind* meta = WebhookKindOf(WithSettings(R"({"webhook":"meta"})"));
  ASSERT_NE(meta, nullptr);
  EXPECT_EQ(meta->name, "meta");
  EXPECT_EQ(WebhookPath(*meta, 12), "/hooks/meta/12");
}

TEST(WebhookKindTest, SettingsMustMatchThePlatform) {
  EXPECT_TRUE(ValidateWebhookSettings(Platform::kRss, json::object()).ok());
  EXPECT_TRUE(ValidateWebhookSettings(Platform::kInstagram, {{"webhook", "meta"}}).ok());
  EXPECT_TRUE(ValidateWebhookSettings(Platform::kOther, {{"webhook", "standard"}}).ok());
  Status s = ValidateWebhookSettings(Platform::kX, {{"webhook", "telegram"}});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "platform");
  s = ValidateWebhookSettings(Platform::kX, {{"webhook", "pager"}});
  EXPECT_EQ(s.field(), "settings");
}

TEST(WebhookKindTest, CredentialsPerKind) {
  const WebhookKind& meta = *FindWebhookKind("meta");
  EXPECT_TRUE(ValidateWebhookCredentials(meta, {{"app_secret", "s"}, {"verify_token", "v"}}).ok());
  EXPECT_TRUE(ValidateWebhookCredentials(meta, {{"app_secret", "s"}}).ok());
  EXPECT_EQ(ValidateWebhookCredentials(meta, {{"verify_token", "v"}}).field(), "credentials");
  EXPECT_FALSE(ValidateWebhookCredentials(meta, {{"app_secret", "s"}, {"token", "t"}}).ok());
  EXPECT_FALSE(ValidateWebhookCredentials(meta, {{"app_secret", ""}}).ok());

  const WebhookKind& telegram = *FindWebhookKind("telegram");
  EXPECT_TRUE(ValidateWebhookCredentials(telegram, {{"secret_token", "Ab_9-z"}}).ok());
  EXPECT_FALSE(ValidateWebhookCredentials(telegram, {{"secret_token", "with space"}}).ok());
  EXPECT_FALSE(
      ValidateWebhookCredentials(telegram, {{"secret_token", std::string(257, 'a')}}).ok());

  const WebhookKind& standard = *FindWebhookKind("standard");
  EXPECT_TRUE(
      ValidateWebhookCredentials(standard, {{"secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}})
          .ok());
  EXPECT_FALSE(ValidateWebhookCredentials(standard, {{"secret", "MfKQ9r8GKYqrTwjUPD8I"}}).ok());
  EXPECT_FALSE(ValidateWebhookCredentials(standard, {{"secret", "whsec_!!"}}).ok());

  EXPECT_TRUE(ValidateWebhookCredentials(*FindWebhookKind("x"), {{"consumer_secret", "c"}}).ok());
  EXPECT_FALSE(ValidateWebhookCredentials(*FindWebhookKind("x"), {{"verify_token", "v"}}).ok());
}

}  // namespace
}  // namespace humas::connectors
