// Webhook kinds of the connector registry (see webhook_kind.h).
#include "connectors/registry/webhook_kind.h"

#include <regex>

#include "connectors/webhook/verify.h"

namespace humas::connectors {
namespace {

const std::vector<WebhookKind>& Kinds() {
  static const std::vector<WebhookKind> kinds = {
      {"meta", {Platform::kFacebook, Platform::kInstagram}, "app_secret", "verify_token"},
      {"whatsapp", {Platform::kWhatsapp}, "app_secret", "verify_token"},
      {"x", {Platform::kX}, "consumer_secret", ""},
      {"telegram", {Platform::kTelegram}, "secret_token", ""},
      {"standard", {}, "secret", ""},
  };
  return kinds;
}

Status BadCredentials(const std::string& message) {
  return InvalidArgument(message).WithField("credentials");
}

}  // namespace

const WebhookKind* FindWebhookKind(std::string_view name) {
  for (const WebhookKind& k : Kinds())
    if (k.name == name) return &k;
  return nullptr;
}

const WebhookKind* WebhookKindOf(const store::Connector& c) {
  auto settings = nlohmann::json::parse(c.settings_json, nullptr, false);
  if (!settings.is_object()) return nullptr;
  auto it = settings.find("webhook");
  if (it == settings.end() || !it->is_string()) return nullptr;
  return FindWebhookKind(it->get<std::string>());
}

std::string WebhookPath(const WebhookKind& kind, Id id) {
  return "/hooks/" + std::string(kind.name) + "/" + std::to_string(id);
}

Status ValidateWebhookSettings(Platform platform, const nlohmann::json& settings) {
  auto it = settings.find("webhook");
  if (it == settings.end()) return Status::Ok();
  const WebhookKind* kind = it->is_string() ? FindWebhookKind(it->get<std::string>()) : nullptr;
  if (!kind)
    return InvalidArgument("settings.webhook must be one of meta, whatsapp, x, telegram, standard")
        .WithField("settings");
  if (!kind->platforms.empty() &&
      std::find(kind->platforms.begin(), kind->platforms.end(), platform) == kind->platforms.end())
    return InvalidArgument("a " + std::string(kind->name) + " webhook does not deliver " +
                           std::string(ToString(platform)) + " mentions")
        .WithField("platform");
  return Status::Ok();
}

Status ValidateWebhookCredentials(const WebhookKind& kind, const nlohmann::json& credentials) {
  for (const auto& [key, value] : credentials.items()) {
    if (key != kind.secret_key && key != kind.verify_token_key)
      return BadCredentials("credentials." + key + " is not used by a " + std::string(kind.name) +
                            " webhook (expected " + std::string(kind.secret_key) +
                            (kind.verify_token_key.empty()
                                 ? ""
                                 : " and optionally " + std::string(kind.verify_token_key)) +
                            ")");
  }
  auto secret = credentials.find(std::string(kind.secret_key));
  if (secret == credentials.end() || !secret->is_string() || secret->get<std::string>().empty())
    return BadCredentials("credentials." + std::string(kind.secret_key) + " is required");
  const std::string s = secret->get<std::string>();
  if (kind.name == "telegram") {
    static const std::regex kToken("^[A-Za-z0-9_-]{1,256}$");
    if (!std::regex_match(s, kToken))
      return BadCredentials(
          "credentials.secret_token must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
          "(what Telegram's setWebhook accepts)");
  }
  if (kind.name == "standard") {
    if (s.rfind("whsec_", 0) != 0 || !webhook::StandardSecretKey(s).ok())
      return BadCredentials(
          "credentials.secret must be a Standard Webhooks secret: whsec_<base64>");
  }
  return Status::Ok();
}

}  // namespace humas::connectors
