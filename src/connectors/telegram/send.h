// Telegram Bot API sendMessage (core.telegram.org/bots/api#sendmessage): the reply path of the
// inbox for Telegram conversations. A plain client over libcurl; tests point it at a fake server.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace humas::telegram {

struct BotOptions {
  std::string api_base = "https://api.telegram.org";  //!< tests: the fake server's URL
  std::string bot_token;                              //!< "123456:ABC..." (secret)
  long timeout_ms = 15000;
};

struct SentMessage {
  std::int64_t message_id = 0;
  std::int64_t chat_id = 0;
  std::string chat_username;  //!< public chats only; "" otherwise
  std::string url;            //!< https://t.me/<username>/<message_id> for public chats, else ""
};

//! Telegram identifies a message by (chat id, message id); humas stores a Telegram message's
//! external id as "<chat_id>:<message_id>". Splits it; InvalidArgument when malformed.
Status ParseMessageRef(const std::string& external_id, std::int64_t* chat_id,
                       std::int64_t* message_id);

//! Sends `text` to `chat_id` as a reply to `reply_to` (0 = a plain message). Telegram's error
//! description becomes the Status message (Unavailable for 429/5xx and network errors,
//! InvalidArgument for 400, PermissionDenied for 401/403).
Result<SentMessage> SendMessage(const BotOptions& options, std::int64_t chat_id,
                                const std::string& text, std::int64_t reply_to);

}  // namespace humas::telegram
