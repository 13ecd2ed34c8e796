// Webhook authenticity checks for every platform humas receives pushes from. Each check works on
// the RAW request body (never a re-serialised parse) and compares in constant time (libsodium).
// A failure says why in one line, without echoing secrets. Call sodium_init() (api::InitCrypto)
// first.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace humas::webhook {

//! Header names lower-cased → value, every occurrence kept (as http::Request::headers). A
//! signature header given twice with different values is ambiguous and never authentic; the
//! webhook-signature lines of Standard Webhooks are one list (space-separated) however many
//! lines carry it.
using Headers = std::multimap<std::string, std::string>;

//! The value of `name` (lower case): nullptr when absent. When the header repeats, the common
//! value, or InvalidArgument when the occurrences differ.
Result<const std::string*> SingleHeader(const Headers& headers, const std::string& name);

//! Stable names: "meta" (Facebook/Instagram/WhatsApp `X-Hub-Signature-256`), "x"
//! (`x-twitter-webhooks-signature`), "telegram" (`X-Telegram-Bot-Api-Secret-Token`), "standard"
//! (Standard Webhooks: webhook-id / webhook-timestamp / webhook-signature).
enum class Scheme { kMeta, kX, kTelegram, kStandard };
std::optional<Scheme> ParseScheme(std::string_view s);
std::string_view ToString(Scheme s);

//! Hex HMAC-SHA256(key, message), lower case.
std::string HmacSha256Hex(std::string_view key, std::string_view message);
//! Base64 (standard alphabet, padded) HMAC-SHA256(key, message).
std::string HmacSha256Base64(std::string_view key, std::string_view message);

//! Meta / WhatsApp: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`.
//! Unauthenticated when the header is absent or not of that form; PermissionDenied when it does
//! not match. The legacy SHA-1 `X-Hub-Signature` header is never accepted.
Status VerifyMeta(std::string_view app_secret, const std::string* header, std::string_view body);

//! X Account Activity: `x-twitter-webhooks-signature: sha256=<base64 HMAC-SHA256(consumer
//! secret, raw body)>`.
Status VerifyX(std::string_view consumer_secret, const std::string* header, std::string_view body);
//! The CRC answer for GET ?crc_token=T: "sha256=" + base64(HMAC-SHA256(consumer secret, T)),
//! to be sent as {"response_token": ...}.
std::string XCrcResponseToken(std::string_view consumer_secret, std::string_view crc_token);

//! Telegram: the `X-Telegram-Bot-Api-Secret-Token` header must equal the secret token given to
//! setWebhook, byte for byte.
Status VerifyTelegram(std::string_view secret_token, const std::string* header);

//! Standard Webhooks (standardwebhooks.com): signs "<webhook-id>.<webhook-timestamp>.<body>" with
//! the base64 key after the optional "whsec_" prefix (padding optional); webhook-signature holds
//! space-separated "v1,<base64>" entries (others ignored), one match is enough; the timestamp must
//! be within `tolerance_seconds` of `now_seconds` either way.
Status VerifyStandard(std::string_view secret, const Headers& headers, std::string_view body,
                      std::int64_t now_seconds, std::int64_t tolerance_seconds = 300);
//! The key bytes of a Standard Webhooks secret; InvalidArgument when it is not base64.
Result<std::string> StandardSecretKey(std::string_view secret);

//! Dispatches on the scheme with headers as received (names lower-cased).
Status Verify(Scheme scheme, std::string_view secret, const Headers& headers, std::string_view body,
              std::int64_t now_seconds);

//! Reads a headers file for `humas webhook-verify`, in the forms people save requests in:
//! - a JSON object {"Name": "value", ...}: null means absent, an array holds repeated values
//!   (Go's http.Header, many request loggers), integers stand for their decimal text;
//! - raw HTTP header lines "Name: value": LF or CRLF, an optional UTF-8 byte-order mark, blank
//!   lines before the first header, an optional request line ("POST /hooks/meta HTTP/1.1"),
//!   HTTP/2 pseudo-headers (":method: POST") skipped, continuation lines (starting with a space
//!   or tab) appended to the previous value; the first blank line after a header ends the
//!   headers, so a whole pasted request (headers, blank line, body) reads as its headers.
//! Names are lower-cased, values trimmed; repeated names are all kept.
Result<Headers> ParseHeadersFile(std::string_view text);

}  // namespace humas::webhook
