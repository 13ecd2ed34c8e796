// What the reply clients share: one JSON POST/GET through connectors/net, and HTTP failures mapped
// to Status codes (see reply.h). Internal to src/connectors/reply and the Telegram/Mastodon
// clients.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "connectors/net/http_client.h"
#include "core/status.h"

namespace humas::connectors::reply {

using Headers = std::vector<std::pair<std::string, std::string>>;

//! POSTs `body` as JSON once. A transport failure → Unavailable naming `service` but never the
//! URL (it may carry a token); any HTTP status is returned.
Result<net::HttpResponse> PostJson(const std::string& service, const std::string& url,
                                   Headers headers, const nlohmann::json& body, long timeout_ms);

//! POSTs `fields` as application/x-www-form-urlencoded once (OAuth token endpoints). Errors as
//! PostJson.
Result<net::HttpResponse> PostForm(const std::string& service, const std::string& url,
                                   const std::vector<std::pair<std::string, std::string>>& fields,
                                   long timeout_ms);

//! GETs `url` (a read: retried by the shared client on 429/5xx, at most twice).
Result<net::HttpResponse> GetJson(const std::string& service, const std::string& url,
                                  Headers headers, long timeout_ms);

//! The Status of a refused request by HTTP status: 408/429/5xx → Unavailable; 401/403 →
//! PermissionDenied; 404 → NotFound; other → InvalidArgument. The message says who refused
//! what and why ("X refused the reply (HTTP 403): ...").
Status HttpFailure(const std::string& service, const std::string& what, int status,
                   const std::string& why);

//! The body as a JSON object, or a discarded value.
nlohmann::json ParseObject(const std::string& body);

//! A string member, or "".
std::string Str(const nlohmann::json& j, const char* key);

//! "" → `fallback`; trailing slashes removed.
std::string BaseUrl(const std::string& base, const char* fallback);

}  // namespace humas::connectors::reply
