// The /hooks endpoints: rate limit → content type → signature over the raw body → payload check
// → durable inbox commit → 200. Every refusal is logged with its reason.
#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "connectors/webhook/intake.h"
#include "connectors/webhook/verify.h"
#include "core/log.h"

namespace humas::webhook {
namespace {

//! Token buckets per client address. The map is bounded: when it grows past kMaxClients, it is
//! cleared (every client starts again with a full bucket), which never blocks legitimate senders.
class RateLimiter {
 public:
  RateLimiter(const Clock& clock, double per_minute, double burst)
      : clock_(clock), per_ms_(per_minute / 60000.0), burst_(std::max(1.0, burst)) {}

  //! True when `key` may send now (takes a token).
  bool Allow(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    const UnixMillis now = clock_.Now();
    if (buckets_.size() > kMaxClients) buckets_.clear();
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
    Bucket& b = it->second;
    if (!fresh) {
      b.tokens = std::min(burst_, b.tokens + static_cast<double>(now - b.at) * per_ms_);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

 private:
  static constexpr size_t kMaxClients = 10000;
  struct Bucket {
    double tokens;
    UnixMillis at;
  };
  const Clock& clock_;
  const double per_ms_;
  const double burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

struct Endpoint {
  Source source;
  Scheme scheme;
  std::string source_key;  //!< inbox source, e.g. "telegram/kota"
  std::string secret;
};

http::Response Refuse(const http::Request& req, const std::string& source, const std::string& ip,
                      int status, std::string_view code, const std::string& reason) {
  Log(status == 429 ? LogLevel::kInfo : LogLevel::kWarn, "webhook.rejected",
      {{"source", source},
       {"ip", ip},
       {"status", status},
       {"reason", reason},
       {"bytes", req.body.size()}});
  http::Response r = http::ErrorResponse(status, code, reason);
  if (status == 429) r.AddHeader("Retry-After", "1");
  if (status == 503) r.AddHeader("Retry-After", "5");
  return r;
}

bool IsJson(const std::string& content_type) {
  std::string mime = content_type.substr(0, content_type.find(';'));
  mime.erase(
      std::remove_if(mime.begin(), mime.end(), [](unsigned char c) { return std::isspace(c); }),
      mime.end());
  std::transform(mime.begin(), mime.end(), mime.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return mime == "application/json";
}

std::string BodyKey(std::string_view body) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string("sha256:") + hex;
}

bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

class Hooks {
 public:
  explicit Hooks(WebhookIntake& intake)
      : intake_(intake),
        ctx_(intake.context()),
        limiter_(ctx_.clock, intake.options().rate_per_minute, intake.options().burst) {}

  //! A POST delivery to an endpoint (secret empty = not configured).
  http::Response Deliver(const http::Request& req, const Endpoint& ep) {
    const std::string ip = api::ClientIp(ctx_.options, req);
    if (!limiter_.Allow(ip))
      return Refuse(req, ep.source_key, ip, 429, "rate_limited",
                    "too many deliveries from this address; retry later");
    if (ep.secret.empty())
      return Refuse(req, ep.source_key, ip, 404, "not_found",
                    "no webhook is configured at this address");
    if (!IsJson(req.Header("content-type")))
      return Refuse(req, ep.source_key, ip, 415, "unsupported_media_type",
                    "Content-Type must be application/json");
    Headers headers;
    for (const auto& [k, v] : req.headers) headers.emplace(k, v);
    const UnixMillis now = ctx_.clock.Now();
    Status verified = Verify(ep.scheme, ep.secret, headers, req.body, now / 1000);
    if (!verified.ok()) {
      if (verified.code() == Code::kUnauthenticated)
        return Refuse(req, ep.source_key, ip, 401, "unauthenticated", verified.message());
      if (verified.code() == Code::kPermissionDenied)
        return Refuse(req, ep.source_key, ip, 403, "forbidden", verified.message());
      return Refuse(req, ep.source_key, ip, 500, "misconfigured",
                    "the webhook secret is not usable: " + verified.message());
    }
    auto mapped = MapPayload(ep.source, req.body, now);
    if (!mapped.ok())
      return Refuse(req, ep.source_key, ip, 400, "invalid_argument", mapped.status().message());
    store::InboxDelivery d;
    d.source = ep.source_key;
    if (ep.scheme == Scheme::kStandard)
      d.delivery_key = "id:" + headers["webhook-id"];
    else if (!mapped->event_id.empty())
      d.delivery_key = "event:" + mapped->event_id;
    else
      d.delivery_key = BodyKey(req.body);
    d.body = req.body;
    d.received_at = now;
    auto added = intake_.Accept(std::move(d));
    if (!added.ok()) {
      if (added.status().code() == Code::kResourceExhausted)
        return Refuse(req, ep.source_key, ip, 503, "unavailable", added.status().message());
      Log(LogLevel::kError, "webhook.store_failed",
          {{"source", ep.source_key}, {"error", added.status().message()}});
      return Refuse(req, ep.source_key, ip, 503, "unavailable",
                    "the delivery could not be stored; retry later");
    }
    Log(LogLevel::kDebug, "webhook.accepted",
        {{"source", ep.source_key},
         {"duplicate", *added ? 0 : 1},
         {"mentions", mapped->mentions.size()}});
    return api::Json(200, {{"ok", true},
                           {"duplicate", !*added},
                           {"mentions", mapped->mentions.size()},
                           {"ignored", mapped->ignored.size()}});
  }

  //! Meta/WhatsApp subscription handshake: GET ?hub.mode=subscribe&hub.verify_token&hub.challenge.
  http::Response Handshake(const http::Request& req, const std::string& source,
                           const std::string& verify_token) {
    const std::string ip = api::ClientIp(ctx_.options, req);
    if (!limiter_.Allow(ip))
      return Refuse(req, source, ip, 429, "rate_limited", "too many requests; retry later");
    if (verify_token.empty())
      return Refuse(req, source, ip, 404, "not_found", "no webhook is configured at this address");
    if (req.Query("hub.mode").value_or("") != "subscribe" || !req.Query("hub.challenge"))
      return Refuse(req, source, ip, 400, "invalid_argument",
                    "expected hub.mode=subscribe, hub.verify_token and hub.challenge");
    if (!SameSecret(req.Query("hub.verify_token").value_or(""), verify_token))
      return Refuse(req, source, ip, 403, "forbidden", "hub.verify_token does not match");
    http::Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = *req.Query("hub.challenge");
    Log(LogLevel::kInfo, "webhook.subscribed", {{"source", source}, {"ip", ip}});
    return r;
  }

  //! X CRC check: GET ?crc_token=T → {"response_token": "sha256=..."}.
  http::Response Crc(const http::Request& req, const std::string& secret) {
    const std::string ip = api::ClientIp(ctx_.options, req);
    if (!limiter_.Allow(ip))
      return Refuse(req, "x", ip, 429, "rate_limited", "too many requests; retry later");
    if (secret.empty())
      return Refuse(req, "x", ip, 404, "not_found", "no webhook is configured at this address");
    auto token = req.Query("crc_token");
    if (!token || token->empty())
      return Refuse(req, "x", ip, 400, "invalid_argument", "crc_token is required");
    return api::Json(200, {{"response_token", XCrcResponseToken(secret, *token)}});
  }

 private:
  WebhookIntake& intake_;
  api::Context& ctx_;
  RateLimiter limiter_;
};

std::string Lookup(const std::map<std::string, std::string>& m, const std::string& name) {
  auto it = m.find(name);
  return it == m.end() ? "" : it->second;
}

}  // namespace

void RegisterWebhookRoutes(http::Server& server, WebhookIntake& intake) {
  auto hooks = std::make_shared<Hooks>(intake);
  const WebhookSecrets& s = intake.options().secrets;
  const std::string whatsapp_secret =
      s.whatsapp_app_secret.empty() ? s.meta_app_secret : s.whatsapp_app_secret;
  using R = const http::Request&;
  server.Route("GET", "/hooks/meta",
               [hooks, s](R req) { return hooks->Handshake(req, "meta", s.meta_verify_token); });
  server.Route("POST", "/hooks/meta", [hooks, s](R req) {
    return hooks->Deliver(req, {Source::kMeta, Scheme::kMeta, "meta", s.meta_app_secret});
  });
  server.Route("GET", "/hooks/whatsapp", [hooks, s](R req) {
    return hooks->Handshake(req, "whatsapp", s.whatsapp_verify_token);
  });
  server.Route("POST", "/hooks/whatsapp", [hooks, whatsapp_secret](R req) {
    return hooks->Deliver(req, {Source::kWhatsapp, Scheme::kMeta, "whatsapp", whatsapp_secret});
  });
  server.Route("GET", "/hooks/x",
               [hooks, s](R req) { return hooks->Crc(req, s.x_consumer_secret); });
  server.Route("POST", "/hooks/x", [hooks, s](R req) {
    return hooks->Deliver(req, {Source::kX, Scheme::kX, "x", s.x_consumer_secret});
  });
  server.Route("POST", "/hooks/telegram/{connector}", [hooks, s](R req) {
    const std::string name = req.params.at("connector");
    return hooks->Deliver(
        req, {Source::kTelegram, Scheme::kTelegram, "telegram/" + name, Lookup(s.telegram, name)});
  });
  server.Route("POST", "/hooks/standard/{connector}", [hooks, s](R req) {
    const std::string name = req.params.at("connector");
    return hooks->Deliver(
        req, {Source::kStandard, Scheme::kStandard, "standard/" + name, Lookup(s.standard, name)});
  });
}

}  // namespace humas::webhook
