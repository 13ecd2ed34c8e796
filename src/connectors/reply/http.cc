// Shared HTTP plumbing of the reply clients (see http.h).
#include "connectors/reply/http.h"

#include "connectors/reply/reply.h"

namespace humas::connectors::reply {
namespace {

constexpr char kNoConnection[] = "no connection";

Result<net::HttpResponse> Redacted(const std::string& service, Result<net::HttpResponse> r) {
  if (r.ok()) return r;
  const std::string& m = r.status().message();
  if (r.status().code() == Code::kResourceExhausted)
    return Unavailable(service + " sent an answer larger than humas accepts");
  if (r.status().code() == Code::kUnavailable) {
    // curl_easy_strerror of CURLE_COULDNT_CONNECT / CURLE_COULDNT_RESOLVE_HOST: nothing was sent.
    bool no_connection = m.find("Couldn't connect") != std::string::npos ||
                         m.find("resolve host") != std::string::npos;
    return Unavailable(service + " could not be reached (" +
                       (m.rfind("timeout", 0) == 0 ? "timeout"
                        : no_connection            ? kNoConnection
                                                   : "network error") +
                       ")");
  }
  return Status(r.status().code(), service + ": the request could not be made");
}

net::HttpClient Client(long timeout_ms, int attempts) {
  net::HttpOptions o;
  o.timeout_ms = timeout_ms;
  o.connect_timeout_ms = std::min<long>(timeout_ms, 10'000);
  o.max_body_bytes = 4u << 20;
  o.max_attempts = attempts;
  o.backoff_base_ms = 500;
  o.backoff_max_ms = 5'000;
  o.user_agent = "humas/0.1 (+https://github.com/humas; inbox replies)";
  return net::HttpClient(o);
}

}  // namespace

Result<net::HttpResponse> PostJson(const std::string& service, const std::string& url,
                                   Headers headers, const nlohmann::json& body, long timeout_ms) {
  net::HttpRequest req;
  req.url = url;
  req.headers = std::move(headers);
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("Accept", "application/json");
  req.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return Redacted(service, Client(timeout_ms, 1).Post(req));
}

Result<net::HttpResponse> PostForm(const std::string& service, const std::string& url,
                                   const std::vector<std::pair<std::string, std::string>>& fields,
                                   long timeout_ms) {
  net::HttpRequest req;
  req.url = url;
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.headers.emplace_back("Accept", "application/json");
  for (const auto& [k, v] : fields) {
    if (!req.body.empty()) req.body += '&';
    req.body += net::UrlEscape(k) + "=" + net::UrlEscape(v);
  }
  return Redacted(service, Client(timeout_ms, 1).Post(req));
}

Result<net::HttpResponse> GetJson(const std::string& service, const std::string& url,
                                  Headers headers, long timeout_ms) {
  net::HttpRequest req;
  req.url = url;
  req.headers = std::move(headers);
  req.headers.emplace_back("Accept", "application/json");
  return Redacted(service, Client(timeout_ms, 2).Get(req));
}

Status HttpFailure(const std::string& service, const std::string& what, int status,
                   const std::string& why) {
  std::string msg = service + " refused " + what + " (HTTP " + std::to_string(status) + ")";
  if (!why.empty()) msg += ": " + why.substr(0, 500);
  if (status == 408 || status == 429 || status >= 500) return Unavailable(msg);
  if (status == 401 || status == 403) return PermissionDenied(msg);
  if (status == 404) return NotFound(msg);
  return InvalidArgument(msg);
}

bool SurelyNotPosted(const Status& s) {
  if (s.code() != Code::kUnavailable) return false;
  const std::string& m = s.message();
  return m.find("(HTTP 429") != std::string::npos || m.find("(HTTP 503") != std::string::npos ||
         m.find(std::string("(") + kNoConnection + ")") != std::string::npos;
}

nlohmann::json ParseObject(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_discarded() && !j.is_object())
    return nlohmann::json(nlohmann::json::value_t::discarded);
  return j;
}

std::string Str(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string BaseUrl(const std::string& base, const char* fallback) {
  std::string b = base.empty() ? fallback : base;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b;
}

}  // namespace humas::connectors::reply
