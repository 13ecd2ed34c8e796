// Telegram Bot API getUpdates as a pull connector (core.telegram.org/bots/api#getupdates), for
// bots that are not set up with a webhook. Each Update is mapped exactly as the webhook intake
// maps it (webhook::MapPayload, Source::kTelegram): external id "<chat_id>:<message_id>", the
// convention of the inbox's Telegram sender.
//
// Checkpoint cursor (JSON): {"offset": last update_id + 1}. It is saved only after the batch is
// stored; calling getUpdates with that offset is what confirms the batch to Telegram, so a crash
// before the save gets the same updates again, and they de-duplicate.
//
// Settings: {"api_base"?, "limit"?}; credentials: {"bot_token"}. The token is part of the URL
// path, so it is scrubbed from every error message (health, logs).
#pragma once

#include "connectors/pull/pull.h"

namespace humas::connectors::telegram {

class GetUpdates final : public pull::Source {
 public:
  Platform platform() const override { return Platform::kTelegram; }
  Result<pull::Page> Next(const pull::RunContext& ctx, const std::string& cursor,
                          std::optional<UnixMillis>* retry_at) override;
};

}  // namespace humas::connectors::telegram
