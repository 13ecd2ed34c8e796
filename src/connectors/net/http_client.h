// The outbound HTTP client every connector uses (libcurl): timeouts, a response size limit, a
// bounded number of redirects over http/https only, and retries with exponential back-off plus
// jitter on network errors, 429 and 5xx, honouring Retry-After and X's x-rate-limit-reset. A
// rate limit that lifts later than backoff_max_ms is not waited out: the 429 is returned so the
// connector can schedule its next run at the reset time (RateLimitResetAt).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace humas::connectors::net {

struct HttpRequest {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  //!< e.g. {"If-None-Match", etag}
  std::string body;  //!< Post only: the request body (say its Content-Type in headers)
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  //!< names lower-cased; last value wins
  std::string body;
  std::string effective_url;  //!< after redirects
  int attempts = 0;           //!< requests made, retries included

  //! Header value or "".
  std::string Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

struct HttpOptions {
  long connect_timeout_ms = 10'000;
  long timeout_ms = 30'000;           //!< whole transfer
  size_t max_body_bytes = 16u << 20;  //!< larger (decoded) bodies → ResourceExhausted
  long max_redirects = 5;
  int max_attempts = 3;                //!< 1 = no retry
  UnixMillis backoff_base_ms = 1'000;  //!< delay before retry k: base * 2^(k-1) + jitter
  UnixMillis backoff_max_ms = 60'000;  //!< cap, also for Retry-After
  std::string user_agent = "humas/0.1 (+https://github.com/humas; feed reader)";
};

//! Waits between retries; tests substitute one that records instead of sleeping.
using Sleeper = std::function<void(UnixMillis ms)>;

class HttpClient {
 public:
  //! `clock` (default: the system clock) dates Retry-After and x-rate-limit-reset.
  explicit HttpClient(HttpOptions options = {}, Sleeper sleeper = {}, const Clock* clock = nullptr);

  //! GET with retries. Returns the final response for any HTTP status (a 4xx/5xx is not an error
  //! here: the caller decides); Unavailable for network errors and timeouts after the last
  //! attempt; ResourceExhausted when the body exceeds max_body_bytes; InvalidArgument for a
  //! URL that is not http(s).
  Result<HttpResponse> Get(const HttpRequest& request);

  //! POSTs request.body ONCE: never retried here, because a POST that failed on the way back
  //! may still have taken effect (a reply posted twice); the caller decides, e.g. with an
  //! idempotency key. Any HTTP status is returned; Unavailable for network errors and timeouts;
  //! ResourceExhausted when the answer exceeds max_body_bytes.
  Result<HttpResponse> Post(const HttpRequest& request);

  //! The delay before retry number `retry` (1-based): Retry-After when given (seconds or an HTTP
  //! date, relative to `now`), else exponential back-off with jitter; capped at backoff_max_ms.
  UnixMillis RetryDelay(int retry, const std::string& retry_after, UnixMillis now) const;

  //! When a rate-limited response (429, or x-rate-limit-remaining: 0) lifts: Retry-After
  //! (seconds or HTTP date) or x-rate-limit-reset (epoch seconds); nullopt when it says nothing.
  static std::optional<UnixMillis> RateLimitResetAt(const HttpResponse& response, UnixMillis now);

 private:
  Result<HttpResponse> Once(const HttpRequest& request, bool post);

  HttpOptions options_;
  Sleeper sleeper_;
  const Clock* clock_;
};

//! Percent-encodes a query parameter value (RFC 3986 unreserved characters kept).
std::string UrlEscape(std::string_view value);

}  // namespace humas::connectors::net
