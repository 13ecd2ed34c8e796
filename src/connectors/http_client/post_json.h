// One JSON POST over libcurl, shared by the platform clients (Telegram, Mastodon, ...).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace humas::connectors {

struct HttpAnswer {
  long status = 0;
  std::string body;
};

//! POSTs `json_body` to `url` with `headers` ("Name: value"). A transport failure (no connection,
//! timeout) → Unavailable naming `service` but never the URL (it may carry a token); any HTTP
//! status is returned for the caller to interpret.
Result<HttpAnswer> PostJson(const std::string& service, const std::string& url,
                            const std::vector<std::string>& headers, const std::string& json_body,
                            long timeout_ms);

}  // namespace humas::connectors
