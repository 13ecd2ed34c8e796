// Reply clients of the platforms that let an account answer the public: each posts one reply
// through the shared libcurl client (connectors/net) to the platform's documented API, checks
// what the platform returned, and maps its errors to a Status the inbox can act on:
//   Unavailable        the platform was busy or down (429, 5xx, network): retrying later may work
//   PermissionDenied   the account's token is wrong, expired or lacks the permission
//   FailedPrecondition the platform does not allow this reply now (e.g. WhatsApp's 24-hour window)
//   InvalidArgument / NotFound  the reply or its target is refused (fix it; retrying will not help)
// Never retried inside (a POST that failed on the way back may have been posted): the inbox
// records the failure and the officer retries. Telegram and Mastodon live in their own folders.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/status.h"

namespace humas::connectors::reply {

//! Whether a failed request surely never reached the platform's write path, so sending it again
//! cannot post twice: HTTP 429 (rate limited) or 503 (not taking requests), or no connection
//! could be made. A timeout, a reset or another 5xx may have been posted.
bool SurelyNotPosted(const Status& s);

//! One agency account on a platform's HTTP API.
struct Account {
  std::string api_base;  //!< "" = the platform's public API; tests: the fake server's URL
  std::string token;     //!< OAuth access token (secret)
  long timeout_ms = 15000;
};

//! What the platform returned for the posted reply.
struct Posted {
  std::string id;
  std::string url;  //!< public link when the platform has one, else ""
};

// ------------------------------------------------------------------------------------------ X

//! POST /2/tweets {text, reply.in_reply_to_tweet_id} with an OAuth 2.0 user-context token
//! (scopes tweet.read tweet.write users.read). Default base https://api.x.com.
Result<Posted> PostXReply(const Account& account, const std::string& in_reply_to_tweet_id,
                          const std::string& text);

//! X's weighted length (twitter-text v3): most Latin, punctuation and symbols count 1, other
//! characters (CJK, emoji, ...) count 2, every http(s) link counts 23. The limit is 280.
size_t XWeightedLength(std::string_view text);

// -------------------------------------------------------------------- Meta Graph API (FB, IG)

//! Facebook Page comment reply: POST /{comment-id}/comments {message} with the Page access token
//! (pages_manage_engagement). Default base https://graph.facebook.com/v21.0.
Result<Posted> PostFacebookReply(const Account& account, const std::string& comment_id,
                                 const std::string& text);

//! Instagram comment reply: POST /{ig-comment-id}/replies {message} with a token holding
//! instagram_manage_comments. Default base https://graph.facebook.com/v21.0.
Result<Posted> PostInstagramReply(const Account& account, const std::string& comment_id,
                                  const std::string& text);

// ------------------------------------------------------------------------------ WhatsApp Cloud

//! How long after the citizen's last message a free-form reply is allowed.
inline constexpr UnixMillis kWhatsappWindowMs = 24 * 3'600'000LL;

//! A text reply in the citizen's chat: POST /{phone-number-id}/messages {messaging_product,
//! to, type: text, context.message_id}. Only call it inside the 24-hour customer-service window
//! (the inbox checks; the platform's own refusal, error 131047, becomes FailedPrecondition).
Result<Posted> SendWhatsappText(const Account& account, const std::string& phone_number_id,
                                const std::string& to_wa_id, const std::string& context_message_id,
                                const std::string& text);

// ------------------------------------------------------------------------------------- YouTube

//! A reply in a comment thread: POST /youtube/v3/comments?part=snippet {snippet.parentId,
//! snippet.textOriginal} with an OAuth token (youtube.force-ssl). `comment_id` may be the
//! top-level comment or a reply in its thread ("<parent>.<reply>"): YouTube threads are one level
//! deep, so the reply goes to the top-level comment. Default base https://www.googleapis.com.
Result<Posted> PostYoutubeReply(const Account& account, const std::string& comment_id,
                                const std::string& text);

//! What refreshes a YouTube account's OAuth access token (Google's tokens last an hour): the
//! OAuth client of the installation and the channel's refresh token (offline access).
struct GoogleOAuth {
  std::string token_url = "https://oauth2.googleapis.com/token";  //!< tests: a fake on loopback
  std::string client_id;
  std::string client_secret;  //!< secret
  std::string refresh_token;  //!< secret
  long timeout_ms = 15000;
};

struct AccessToken {
  std::string token;          //!< secret
  UnixMillis expires_at = 0;  //!< now + expires_in
};

//! A new access token from the refresh token: POST token_url (form) grant_type=refresh_token,
//! client_id, client_secret, refresh_token → {"access_token", "expires_in", ...}
//! (developers.google.com/identity/protocols/oauth2/web-server#offline). invalid_grant (revoked or
//! expired refresh token) and invalid_client → PermissionDenied (connect the account again);
//! 429/5xx/network → Unavailable.
Result<AccessToken> RefreshGoogleToken(const GoogleOAuth& oauth, UnixMillis now);

// ------------------------------------------------------------------------------------- Bluesky

struct BlueskyAccount {
  std::string service = "https://bsky.social";  //!< the account's PDS (entryway)
  std::string identifier;                       //!< handle or DID
  std::string app_password;                     //!< an app password, never the main one (secret)
  long timeout_ms = 15000;
};

//! A reply post: createSession, getRecord of the parent (its cid and thread root),
//! createRecord app.bsky.feed.post with reply {root, parent}. The record key is derived from
//! `idempotency_key`, so a retry of the same reply finds the earlier post instead of posting twice.
//! `parent_uri` is the citizen's post (at://did/app.bsky.feed.post/rkey).
//! `created_at` (the reply's creation, fixed across retries) and the key make the record key;
//! `now` is the post's createdAt.
Result<Posted> PostBlueskyReply(const BlueskyAccount& account, const std::string& parent_uri,
                                const std::string& text, const std::string& idempotency_key,
                                UnixMillis created_at, UnixMillis now);

//! A record key in TID form (13 characters, base32-sortable) fixed by `seed` and `at`.
std::string DeterministicTid(const std::string& seed, UnixMillis at);

}  // namespace humas::connectors::reply
