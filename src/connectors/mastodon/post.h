// Mastodon REST: posting a status in reply to another (docs.joinmastodon.org/methods/statuses/
// #create), the reply path of the inbox for Mastodon and other servers with the Mastodon API.
#pragma once

#include <string>

#include "core/status.h"

namespace humas::mastodon {

struct ClientOptions {
  std::string instance_url;  //!< "https://mastodon.social"; tests: the fake server's URL
  std::string access_token;  //!< the agency account's token with write:statuses (secret)
  long timeout_ms = 15000;
};

struct PostedStatus {
  std::string id;
  std::string url;
};

//! Posts `text` publicly in reply to status `in_reply_to_id`. `idempotency_key` goes in the
//! Idempotency-Key header, so a retried request never makes a second status. Errors: the server's
//! "error" text (PermissionDenied for 401/403, InvalidArgument for 422, Unavailable otherwise).
Result<PostedStatus> PostReply(const ClientOptions& options, const std::string& in_reply_to_id,
                               const std::string& text, const std::string& idempotency_key);

}  // namespace humas::mastodon
