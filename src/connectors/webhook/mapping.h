// Maps verified webhook payloads of each platform to MentionInput. Pure functions: no I/O, no
// clock (the delivery's arrival time is passed in and used only when a platform sends no time).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/model.h"
#include "core/status.h"

namespace humas::webhook {

//! Which payload family a delivery belongs to (the endpoint decides, not the payload).
//! Stable names: "meta" (Facebook Page / Instagram), "whatsapp", "telegram", "x", "standard".
enum class Source { kMeta, kWhatsapp, kTelegram, kX, kStandard };
std::string_view ToString(Source s);

struct Mapped {
  std::vector<MentionInput> mentions;
  //! Events understood but not mentions (delivery statuses, reactions, deletions, mentions
  //! without text, unknown fields), one short note each, e.g. "whatsapp statuses".
  std::vector<std::string> ignored;
  //! The platform's id of this delivery when the body carries one (Telegram update_id).
  std::string event_id;
};

//! InvalidArgument (one line, naming what is wrong) when the body is not JSON or not the
//! platform's envelope; then the endpoint answers 400 and nothing is stored. Events inside a
//! valid envelope that are not mentions are listed in `ignored`, never an error (the platform
//! would retry an error forever).
//! - meta: {"object":"page"|"instagram","entry":[{"id","time","changes":[{"field","value"}]}]}
//!   (a JSON array of such notifications is accepted too). Page `feed` posts/comments (verb add or
//!   edited) and Instagram `comments`/`live_comments` become mentions.
//! - whatsapp: {"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages",
//!   "value":{"contacts","messages"}}]}]}: text, captions, button and interactive replies.
//! - telegram: one Update: message, edited_message, channel_post, edited_channel_post.
//!   external_id is "<chat id>:<message id>" (message ids are per chat).
//! - x: Account Activity {"tweet_create_events":[v1.1 tweets]} or v2 {"data": tweet | [tweets],
//!   "includes": {"users": [...]}} (filtered stream / lookups).
//! - standard: Standard Webhooks envelope {"type","timestamp","data"}; type "mention.created"
//!   carries one mention in the import format (docs/import-format.md) in "data".
Result<Mapped> MapPayload(Source source, std::string_view body, UnixMillis received_at);

//! When a tweet was created, from its id (a snowflake: milliseconds since X's epoch in the high
//! bits); `fallback` for an id that is not a number.
UnixMillis TweetIdTime(const std::string& id, UnixMillis fallback = 0);

}  // namespace humas::webhook
