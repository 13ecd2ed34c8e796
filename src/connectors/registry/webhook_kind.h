// Webhook connectors in the registry: a connector whose settings name a webhook kind
// ({"webhook": "meta"|"whatsapp"|"x"|"telegram"|"standard"}) receives the platform's pushes at
// /hooks/<kind>/<connector id>, verified with the secrets sealed in its credentials. Shared by the
// API (validation, the address shown to the admin) and the /hooks endpoints (lookup).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "store/connectors.h"

namespace humas::connectors {

struct WebhookKind {
  std::string_view name;  //!< "meta", "whatsapp", "x", "telegram", "standard"
  //! Platforms a connector of this kind may have; empty = any.
  std::vector<Platform> platforms;
  //! The credential holding the signing secret (required) and, for Meta/WhatsApp, the
  //! subscription verify token (optional; "" when the kind has none).
  std::string_view secret_key;
  std::string_view verify_token_key;
};

//! The kind named `name`, or nullptr.
const WebhookKind* FindWebhookKind(std::string_view name);
//! The webhook kind of a connector (from settings.webhook), or nullptr for a polled connector.
const WebhookKind* WebhookKindOf(const store::Connector& c);
//! "/hooks/<kind>/<id>": where the platform sends a webhook connector's deliveries.
std::string WebhookPath(const WebhookKind& kind, Id id);

//! Checks settings.webhook (when present) against the platform: a known kind whose platforms
//! include `platform`. InvalidArgument with field "settings" otherwise.
Status ValidateWebhookSettings(Platform platform, const nlohmann::json& settings);
//! Checks the credentials of a webhook connector (`credentials` is the object sent): only the
//! kind's keys; the signing secret present; a Telegram secret token of 1–256 of A–Z a–z 0–9 _ -
//! (what setWebhook accepts); a Standard Webhooks secret "whsec_<base64>". Field "credentials".
Status ValidateWebhookCredentials(const WebhookKind& kind, const nlohmann::json& credentials);

}  // namespace humas::connectors
