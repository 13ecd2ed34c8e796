// HttpClient over libcurl's easy interface (one handle per request; connectors are not hot).
#include "connectors/net/http_client.h"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <thread>

#include "connectors/feed/feed.h"

namespace humas::connectors::net {
namespace {

struct Transfer {
  std::string body;
  std::map<std::string, std::string> headers;
  size_t limit = 0;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t bytes = size * n;
  if (t->body.size() + bytes > t->limit) {
    t->too_large = true;
    return 0;  // aborts the transfer
  }
  t->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->headers.clear();  // a new response (after a redirect or 100 Continue)
    return size * n;
  }
  size_t colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = line.substr(colon + 1);
  size_t b = value.find_first_not_of(" \t");
  size_t e = value.find_last_not_of(" \t\r\n");
  value = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  t->headers[name] = value;
  return size * n;
}

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool Retryable(int status) { return status == 429 || status == 408 || status >= 500; }

}  // namespace

HttpClient::HttpClient(HttpOptions options, Sleeper sleeper, const Clock* clock)
    : options_(std::move(options)), sleeper_(std::move(sleeper)), clock_(clock) {
  if (!clock_) {
    static const SystemClock kSystem;
    clock_ = &kSystem;
  }
  if (!sleeper_) {
    sleeper_ = [](UnixMillis ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  }
}

UnixMillis HttpClient::RetryDelay(int retry, const std::string& retry_after, UnixMillis now) const {
  if (!retry_after.empty()) {
    bool digits = std::all_of(retry_after.begin(), retry_after.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    if (digits && retry_after.size() <= 9) {
      return std::min<UnixMillis>(std::stoll(retry_after) * 1000, options_.backoff_max_ms);
    }
    if (auto at = feed::ParseDate(retry_after)) {
      return std::clamp<UnixMillis>(*at - now, 0, options_.backoff_max_ms);
    }
  }
  UnixMillis delay = options_.backoff_base_ms;
  for (int i = 1; i < retry && delay < options_.backoff_max_ms; ++i) delay *= 2;
  // Full jitter on top: spreads retries of many connectors hitting one failing host.
  UnixMillis jitter = options_.backoff_base_ms > 0
                          ? randombytes_uniform(static_cast<uint32_t>(
                                std::min<UnixMillis>(options_.backoff_base_ms, 1u << 30)))
                          : 0;
  return std::min(delay + jitter, options_.backoff_max_ms);
}

std::optional<UnixMillis> HttpClient::RateLimitResetAt(const HttpResponse& r, UnixMillis now) {
  auto digits = [](const std::string& v) {
    return !v.empty() && v.size() <= 12 &&
           std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::string retry_after = r.Header("retry-after");
  if (digits(retry_after)) return now + std::stoll(retry_after) * 1000;
  if (!retry_after.empty()) {
    if (auto at = feed::ParseDate(retry_after)) return std::max(*at, now);
  }
  std::string reset = r.Header("x-rate-limit-reset");
  if (reset.empty()) reset = r.Header("x-ratelimit-reset");  // Mastodon: an ISO 8601 time
  if (digits(reset)) return std::max<UnixMillis>(std::stoll(reset) * 1000, now);
  if (!reset.empty()) {
    if (auto at = feed::ParseDate(reset)) return std::max(*at, now);
  }
  return std::nullopt;
}

Result<HttpResponse> HttpClient::Once(const HttpRequest& request, bool post) {
  CURL* curl = curl_easy_init();
  if (!curl) return Internal("cannot create a libcurl handle");
  Transfer t;
  t.limit = options_.max_body_bytes;
  curl_slist* headers = nullptr;
  for (const auto& [name, value] : request.headers)
    headers = curl_slist_append(headers, (name + ": " + value).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (post) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, options_.max_redirects);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate; the limit is on decoded
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_body_bytes));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  CURLcode rc = curl_easy_perform(curl);
  HttpResponse r;
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  char* effective = nullptr;
  curl_easy_getinfo(curl, CURLINFO_EFFECTIVE_URL, &effective);
  if (effective) r.effective_url = effective;
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (t.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return ResourceExhausted("response from " + request.url + " is larger than " +
                             std::to_string(options_.max_body_bytes) + " bytes");
  }
  if (rc == CURLE_TOO_MANY_REDIRECTS) {
    return FailedPrecondition("more than " + std::to_string(options_.max_redirects) +
                              " redirects from " + request.url);
  }
  if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
    return InvalidArgument("only http and https addresses can be fetched: " + request.url);
  }
  if (rc != CURLE_OK) {
    return Unavailable(std::string(rc == CURLE_OPERATION_TIMEDOUT ? "timeout" : "network error") +
                       " fetching " + request.url + ": " + curl_easy_strerror(rc));
  }
  r.status = static_cast<int>(status);
  r.headers = std::move(t.headers);
  r.body = std::move(t.body);
  return r;
}

Result<HttpResponse> HttpClient::Post(const HttpRequest& request) {
  if (request.url.rfind("http://", 0) != 0 && request.url.rfind("https://", 0) != 0)
    return InvalidArgument("only http and https addresses can be posted to: " + request.url);
  InitCurlOnce();
  auto r = Once(request, true);
  if (r.ok()) r->attempts = 1;
  return r;
}

Result<HttpResponse> HttpClient::Get(const HttpRequest& request) {
  if (request.url.rfind("http://", 0) != 0 && request.url.rfind("https://", 0) != 0)
    return InvalidArgument("only http and https addresses can be fetched: " + request.url);
  InitCurlOnce();
  int attempts = std::max(1, options_.max_attempts);
  for (int attempt = 1;; ++attempt) {
    auto r = Once(request, false);
    bool last = attempt >= attempts;
    if (r.ok()) {
      r->attempts = attempt;
      if (last || !Retryable(r->status)) return r;
      UnixMillis now = clock_->Now();
      if (r->status == 429) {
        // A limit that lifts later than we are willing to wait: the caller reschedules.
        auto reset = RateLimitResetAt(*r, now);
        if (reset && *reset - now > options_.backoff_max_ms) return r;
        if (reset) {
          sleeper_(*reset - now);
          continue;
        }
      }
      sleeper_(RetryDelay(attempt, r->Header("retry-after"), now));
      continue;
    }
    if (last || r.status().code() != Code::kUnavailable) return r.status();
    sleeper_(RetryDelay(attempt, "", clock_->Now()));
  }
}

std::string UrlEscape(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace humas::connectors::net
