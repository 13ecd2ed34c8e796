// Mastodon timelines as a pull connector (docs.joinmastodon.org/methods/timelines/#tag and
// /methods/accounts/#statuses): a hashtag's public timeline or one account's statuses, read
// forward with min_id (the page just newer than the checkpoint) and the Link header's rel="prev"
// for the next page. The first run reads only the newest page (no backfill).
//
// Status → mention: external id = the status id on the connector's instance (what the inbox's
// Mastodon sender replies to), text = content as plain text (with the content warning first),
// in_reply_to = in_reply_to_id, a reblog → shared_from the original, a quote (4.4+) →
// shared_from the quoted status, engagement counts, follower count of the account.
//
// Checkpoint cursor (JSON): {"min_id": newest status id stored}. Settings: ParseMastodonSettings;
// credentials: {"access_token"} optional (instances that require sign-in for timelines).
#pragma once

#include <nlohmann/json.hpp>

#include "connectors/pull/pull.h"

namespace humas::connectors::mastodon {

class Timeline final : public pull::Source {
 public:
  Platform platform() const override { return Platform::kMastodon; }
  Result<pull::Page> Next(const pull::RunContext& ctx, const std::string& cursor,
                          std::optional<UnixMillis>* retry_at) override;

  //! A Status entity → mention; nullopt when it has no id, account or text.
  static std::optional<MentionInput> ToMention(const nlohmann::json& status, UnixMillis now);
  //! min_id of the Link header's rel="prev" URL ("" when absent).
  static std::string PrevMinId(const std::string& link_header);
};

}  // namespace humas::connectors::mastodon
