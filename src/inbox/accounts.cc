// Agency reply accounts from the connector registry (see accounts.h).
#include "inbox/accounts.h"

#include <regex>

#include "connectors/registry/webhook_kind.h"
#include "inbox/senders.h"

namespace humas::inbox {
namespace {

using json = nlohmann::json;

std::string Text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

Status BadSetting(const std::string& what) { return InvalidArgument(what).WithField("settings"); }

Result<std::unique_ptr<ReplySender>> Nothing() { return std::unique_ptr<ReplySender>(); }

}  // namespace

Status ValidateReplySettings(Platform p, const json& s) {
  std::vector<const char*> allowed;
  switch (p) {
    case Platform::kFacebook:
    case Platform::kInstagram:
      allowed = {"api_base"};
      break;
    case Platform::kYoutube:
      allowed = {"api_base", "token_url"};
      break;
    case Platform::kWhatsapp:
      allowed = {"api_base", "phone_number_id"};
      break;
    case Platform::kBluesky:
      allowed = {"service"};
      break;
    default:
      return Status::Ok();
  }
  if (!s.is_object()) return BadSetting("settings must be a JSON object");
  allowed.push_back("webhook");  // a webhook connector (checked by connectors/registry)
  static const std::regex kUrl(R"(^https?://[^\s/$.?#][^\s?#]*$)", std::regex::icase);
  for (const auto& [key, value] : s.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) return BadSetting("settings." + key + " is not a known setting");
    if (key == "webhook") continue;
    if (!value.is_string()) return BadSetting("settings." + key + " must be a string");
    const std::string v = value.get<std::string>();
    if (key == "phone_number_id") {
      if (v.empty() || v.size() > 30 || v.find_first_not_of("0123456789") != std::string::npos)
        return BadSetting("settings.phone_number_id must be the WhatsApp phone number id (digits)");
    } else if (!std::regex_match(v, kUrl) || v.size() > 500) {
      return BadSetting("settings." + key + " must be a web address starting with http(s)://");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<ReplySender>> SenderFromConnector(Platform p, const json& settings,
                                                         const json& creds, const Clock& clock,
                                                         SaveAccessToken save) {
  connectors::reply::Account account;
  account.api_base = Text(settings, "api_base");
  account.token = Text(creds, "access_token");
  switch (p) {
    case Platform::kTelegram: {
      telegram::BotOptions o;
      o.bot_token = Text(creds, "bot_token");
      if (!account.api_base.empty()) o.api_base = account.api_base;
      if (o.bot_token.empty()) return Nothing();
      return MakeTelegramSender(o);
    }
    case Platform::kMastodon: {
      mastodon::ClientOptions o;
      o.instance_url = Text(settings, "instance_url");
      o.access_token = account.token;
      if (o.access_token.empty()) return Nothing();
      if (o.instance_url.empty())
        return FailedPrecondition("the Mastodon connector has no settings.instance_url");
      return MakeMastodonSender(o);
    }
    case Platform::kBluesky: {
      connectors::reply::BlueskyAccount o;
      if (!Text(settings, "service").empty()) o.service = Text(settings, "service");
      o.identifier = Text(creds, "identifier");
      o.app_password = Text(creds, "app_password");
      if (o.identifier.empty() || o.app_password.empty()) return Nothing();
      return MakeBlueskySender(o, clock);
    }
    case Platform::kWhatsapp: {
      std::string phone = Text(settings, "phone_number_id");
      if (account.token.empty()) return Nothing();
      if (phone.empty())
        return FailedPrecondition("the WhatsApp connector has no settings.phone_number_id");
      return MakeWhatsappSender(account, phone, clock);
    }
    case Platform::kYoutube: {
      connectors::reply::GoogleOAuth o;
      if (!Text(settings, "token_url").empty()) o.token_url = Text(settings, "token_url");
      o.client_id = Text(creds, "client_id");
      o.client_secret = Text(creds, "client_secret");
      o.refresh_token = Text(creds, "refresh_token");
      if (account.token.empty() && o.refresh_token.empty()) return Nothing();
      if (!o.refresh_token.empty() && (o.client_id.empty() || o.client_secret.empty()))
        return FailedPrecondition(
            "the YouTube connector has a refresh_token but no client_id/client_secret to use it");
      UnixMillis expires_at = 0;
      if (auto it = creds.find("access_token_expires_at");
          it != creds.end() && it->is_number_integer())
        expires_at = it->get<UnixMillis>();
      return MakeYoutubeSender(account, o, expires_at, clock, std::move(save));
    }
    case Platform::kX:
    case Platform::kFacebook:
    case Platform::kInstagram:
      if (account.token.empty()) return Nothing();
      return MakeAccountSender(p, account);
    default:
      return Nothing();
  }
}

Result<std::unique_ptr<ReplySender>> RegistryAccounts::SenderFor(Id agency_id, Platform p) {
  HUMAS_ASSIGN_OR_RETURN(std::vector<Agency> all, store_.agencies().All());
  std::map<Id, std::optional<Id>> parent;
  for (const Agency& a : all) parent[a.id] = a.parent_id;
  std::optional<Id> cur = agency_id;
  for (int depth = 0; cur && depth < 16; ++depth) {
    store::ConnectorFilter f;
    f.agency_ids = std::vector<Id>{*cur};
    f.platform = p;
    f.enabled = true;
    HUMAS_ASSIGN_OR_RETURN(auto list, registry_.repo().List(f, store::Page{50, 0}));
    for (const store::Connector& c : list.items) {
      // Webhook connectors hold only the secrets that verify the platform's pushes.
      if (c.credentials_sealed.empty() || connectors::WebhookKindOf(c)) continue;
      HUMAS_ASSIGN_OR_RETURN(std::string plain, registry_.Credentials(c));
      json creds = json::parse(plain, nullptr, false);
      json settings = json::parse(c.settings_json, nullptr, false);
      if (!creds.is_object()) continue;
      if (!settings.is_object()) settings = json::object();
      // A refreshed OAuth token (YouTube) replaces the stored one, sealed, keeping the rest.
      connectors::Registry& registry = registry_;
      SaveAccessToken save = [&registry, id = c.id](const std::string& token,
                                                    UnixMillis expires) -> Status {
        HUMAS_ASSIGN_OR_RETURN(std::string current, registry.Credentials(id));
        json j = json::parse(current, nullptr, false);
        if (!j.is_object()) return DataLoss("the connector's stored credentials are not JSON");
        j["access_token"] = token;
        j["access_token_expires_at"] = expires;
        return registry.SetCredentials(id, j.dump());
      };
      HUMAS_ASSIGN_OR_RETURN(auto sender,
                             SenderFromConnector(p, settings, creds, clock_, std::move(save)));
      if (sender) return std::move(sender);
    }
    auto it = parent.find(*cur);
    cur = it == parent.end() ? std::nullopt : it->second;
  }
  return std::unique_ptr<ReplySender>();
}

}  // namespace humas::inbox
