// The agency accounts replies go out from (issue 6 part 4): a reply is sent as the AGENCY, so its
// credentials come from that agency's connector for the platform in the connector registry (the
// nearest ancestor's when the agency itself has none, e.g. a unit answering with its dinas'
// account). What each platform needs is in docs/api.md "Connecting an account for replies".
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "connectors/registry/registry.h"
#include "inbox/inbox.h"
#include "inbox/senders.h"

namespace humas::inbox {

//! The reply sender of one connector: its platform, settings and plaintext credentials (JSON
//! objects). nullptr when the credentials lack what replies need (e.g. an X connector with only
//! the app's bearer token for reading); FailedPrecondition for settings that cannot work.
//! YouTube: credentials `access_token` and/or (`refresh_token`, `client_id`, `client_secret`) with
//! `access_token_expires_at` (ms, written by humas); settings `token_url` (the Google token
//! endpoint, default https://oauth2.googleapis.com/token). A refreshed token goes to `save`.
Result<std::unique_ptr<ReplySender>> SenderFromConnector(Platform platform,
                                                         const nlohmann::json& settings,
                                                         const nlohmann::json& credentials,
                                                         const Clock& clock,
                                                         SaveAccessToken save = nullptr);

//! The reply settings of the platforms answered only through humas' reply clients (Facebook,
//! Instagram, YouTube, WhatsApp, Bluesky): known keys, web addresses. 400-ready messages with
//! field "settings". Ok for other platforms.
Status ValidateReplySettings(Platform platform, const nlohmann::json& settings);

//! ReplyAccounts over the connector registry: enabled connectors of the agency, then of its
//! ancestors, nearest first; the first one with reply credentials wins.
class RegistryAccounts final : public ReplyAccounts {
 public:
  //! All must outlive this object.
  RegistryAccounts(connectors::Registry& registry, store::Store& store, const Clock& clock)
      : registry_(registry), store_(store), clock_(clock) {}
  Result<std::unique_ptr<ReplySender>> SenderFor(Id agency_id, Platform platform) override;

 private:
  connectors::Registry& registry_;
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace humas::inbox
