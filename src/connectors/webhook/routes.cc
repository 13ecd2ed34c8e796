// The /hooks endpoints: rate limit → content type → signature over the raw body → payload check
// → durable inbox commit → 200. Every refusal is logged with its reason.
#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "connectors/registry/registry.h"
#include "connectors/registry/webhook_kind.h"
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
  std::string source_key;    //!< inbox source, e.g. "telegram/kota" or "meta/connector:12"
  std::string secret;        //!< "" = nothing configured here (404)
  std::string verify_token;  //!< Meta/WhatsApp subscription handshake
  //! The registry connector the endpoint belongs to (0 = a configured name); its health records
  //! each delivery.
  Id connector_id = 0;
  std::string absent_reason = "no webhook is configured at this address";
};

//! The inbox source of a registry connector's deliveries ("meta/connector:12"); the intake
//! worker reads the connector id back to give the mentions the connector's agency.
std::string ConnectorSource(Source source, Id id) {
  return std::string(ToString(source)) + "/" + std::string(kConnectorSourcePrefix) +
         std::to_string(id);
}

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
      return Refuse(req, ep.source_key, ip, 404, "not_found", ep.absent_reason);
    if (!IsJson(req.Header("content-type")))
      return Refuse(req, ep.source_key, ip, 415, "unsupported_media_type",
                    "Content-Type must be application/json");
    const Headers& headers = req.headers;
    const UnixMillis now = ctx_.clock.Now();
    Status verified = Verify(ep.scheme, ep.secret, headers, req.body, now / 1000);
    if (!verified.ok()) {
      if (verified.code() != Code::kUnauthenticated)
        NoteFailure(ep, "delivery refused: " + verified.message());
      if (verified.code() == Code::kUnauthenticated)
        return Refuse(req, ep.source_key, ip, 401, "unauthenticated", verified.message());
      if (verified.code() == Code::kPermissionDenied)
        return Refuse(req, ep.source_key, ip, 403, "forbidden", verified.message());
      return Refuse(req, ep.source_key, ip, 500, "misconfigured",
                    "the webhook secret is not usable: " + verified.message());
    }
    auto mapped = MapPayload(ep.source, req.body, now);
    if (!mapped.ok()) {
      NoteFailure(ep, "delivery refused: " + mapped.status().message());
      return Refuse(req, ep.source_key, ip, 400, "invalid_argument", mapped.status().message());
    }
    store::InboxDelivery d;
    d.source = ep.source_key;
    if (ep.scheme == Scheme::kStandard)
      d.delivery_key = "id:" + **SingleHeader(headers, "webhook-id");  // verified: one value
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
    NoteDelivery(ep, *added ? static_cast<std::int64_t>(mapped->mentions.size()) : 0);
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
  http::Response Handshake(const http::Request& req, const Endpoint& ep) {
    const std::string& source = ep.source_key;
    const std::string& verify_token = ep.verify_token;
    const std::string ip = api::ClientIp(ctx_.options, req);
    if (!limiter_.Allow(ip))
      return Refuse(req, source, ip, 429, "rate_limited", "too many requests; retry later");
    if (verify_token.empty())
      return Refuse(req, source, ip, 404, "not_found",
                    ep.secret.empty() ? ep.absent_reason : "no verify token is configured here");
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
  http::Response Crc(const http::Request& req, const Endpoint& ep) {
    const std::string ip = api::ClientIp(ctx_.options, req);
    if (!limiter_.Allow(ip))
      return Refuse(req, ep.source_key, ip, 429, "rate_limited", "too many requests; retry later");
    if (ep.secret.empty())
      return Refuse(req, ep.source_key, ip, 404, "not_found", ep.absent_reason);
    auto token = req.Query("crc_token");
    if (!token || token->empty())
      return Refuse(req, ep.source_key, ip, 400, "invalid_argument", "crc_token is required");
    return api::Json(200, {{"response_token", XCrcResponseToken(ep.secret, *token)}});
  }

  //! The endpoint of /hooks/<kind>/<segment>: the registry connector whose id is `segment` when
  //! it is a webhook connector of this kind, else the configured name `segment` in `configured`
  //! (the webhook_* settings, kept as a fallback), else nothing (404).
  Endpoint Resolve(Source source, Scheme scheme, const std::string& segment,
                   const std::map<std::string, std::string>* configured) {
    Endpoint ep{source, scheme, std::string(ToString(source)) + "/" + segment, "", "", 0};
    if (auto found = FromRegistry(source, scheme, segment)) return *found;
    if (configured) {
      auto it = configured->find(segment);
      if (it != configured->end()) ep.secret = it->second;
    }
    return ep;
  }

 private:
  //! The registry connector behind `segment`, when it is the id of a webhook connector of the
  //! endpoint's kind. A paused connector or one without credentials resolves with no secret.
  std::optional<Endpoint> FromRegistry(Source source, Scheme scheme, const std::string& segment) {
    connectors::Registry* registry = ctx_.connectors;
    if (!registry || segment.empty() || segment.size() > 18 ||
        segment.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    auto conn = registry->repo().Get(std::stoll(segment));
    if (!conn.ok()) return std::nullopt;
    const connectors::WebhookKind* kind = connectors::WebhookKindOf(*conn);
    if (!kind || kind->name != ToString(source)) return std::nullopt;
    Endpoint ep{source, scheme, ConnectorSource(source, conn->id), "", "", conn->id};
    if (!conn->enabled) {
      ep.absent_reason = "this connector is paused";
      return ep;
    }
    auto creds = registry->Credentials(*conn);
    if (!creds.ok()) {
      Log(LogLevel::kError, "webhook.credentials_unreadable",
          {{"connector_id", conn->id}, {"error", creds.status().message()}});
      ep.absent_reason = "this connector's credentials cannot be read";
      return ep;
    }
    auto j = nlohmann::json::parse(creds->empty() ? "{}" : *creds, nullptr, false);
    if (!j.is_object()) return ep;
    auto text = [&j](std::string_view key) {
      auto it = key.empty() ? j.end() : j.find(std::string(key));
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    ep.secret = text(kind->secret_key);
    ep.verify_token = text(kind->verify_token_key);
    if (ep.secret.empty()) ep.absent_reason = "this connector has no secret set";
    return ep;
  }

  //! Health of a registry connector: a refused delivery (forged or tampered signature, a body
  //! that is not the platform's) is its last error; an accepted one its last success.
  void NoteFailure(const Endpoint& ep, const std::string& error) {
    if (!ep.connector_id || !ctx_.connectors) return;
    const UnixMillis now = ctx_.clock.Now();
    Status s = ctx_.connectors->repo().RecordFailure(ep.connector_id, error, now, now);
    if (!s.ok())
      Log(LogLevel::kWarn, "webhook.health_failed",
          {{"connector_id", ep.connector_id}, {"error", s.message()}});
  }
  void NoteDelivery(const Endpoint& ep, std::int64_t mentions) {
    if (!ep.connector_id || !ctx_.connectors) return;
    auto conn = ctx_.connectors->repo().Get(ep.connector_id);
    Status s = conn.ok() ? ctx_.connectors->repo().RecordSuccess(ep.connector_id, conn->checkpoint,
                                                                 mentions, ctx_.clock.Now(),
                                                                 conn->health.next_run_at)
                         : conn.status();
    if (!s.ok())
      Log(LogLevel::kWarn, "webhook.health_failed",
          {{"connector_id", ep.connector_id}, {"error", s.message()}});
  }

 private:
  WebhookIntake& intake_;
  api::Context& ctx_;
  RateLimiter limiter_;
};

}  // namespace

void RegisterWebhookRoutes(http::Server& server, WebhookIntake& intake) {
  auto hooks = std::make_shared<Hooks>(intake);
  const WebhookSecrets& s = intake.options().secrets;
  const std::string whatsapp_secret =
      s.whatsapp_app_secret.empty() ? s.meta_app_secret : s.whatsapp_app_secret;
  using R = const http::Request&;
  // The configured endpoints (webhook_* settings): one per platform, or per name.
  const Endpoint meta{Source::kMeta, Scheme::kMeta, "meta", s.meta_app_secret, s.meta_verify_token};
  const Endpoint whatsapp{Source::kWhatsapp, Scheme::kMeta, "whatsapp", whatsapp_secret,
                          s.whatsapp_verify_token};
  const Endpoint x{Source::kX, Scheme::kX, "x", s.x_consumer_secret, ""};
  server.Route("GET", "/hooks/meta", [hooks, meta](R req) { return hooks->Handshake(req, meta); });
  server.Route("POST", "/hooks/meta", [hooks, meta](R req) { return hooks->Deliver(req, meta); });
  server.Route("GET", "/hooks/whatsapp",
               [hooks, whatsapp](R req) { return hooks->Handshake(req, whatsapp); });
  server.Route("POST", "/hooks/whatsapp",
               [hooks, whatsapp](R req) { return hooks->Deliver(req, whatsapp); });
  server.Route("GET", "/hooks/x", [hooks, x](R req) { return hooks->Crc(req, x); });
  server.Route("POST", "/hooks/x", [hooks, x](R req) { return hooks->Deliver(req, x); });

  // Per connector: /hooks/<kind>/<connector id> from the registry; Telegram and Standard also
  // accept a configured name there (webhook_telegram_secrets, webhook_standard_secrets).
  auto resolve = [hooks](Source source, Scheme scheme,
                         const std::map<std::string, std::string>* configured) {
    return [hooks, source, scheme, configured](R req) {
      return hooks->Resolve(source, scheme, req.params.at("connector"), configured);
    };
  };
  auto meta_at = resolve(Source::kMeta, Scheme::kMeta, nullptr);
  auto whatsapp_at = resolve(Source::kWhatsapp, Scheme::kMeta, nullptr);
  auto x_at = resolve(Source::kX, Scheme::kX, nullptr);
  auto telegram_at = resolve(Source::kTelegram, Scheme::kTelegram, &s.telegram);
  auto standard_at = resolve(Source::kStandard, Scheme::kStandard, &s.standard);
  server.Route("GET", "/hooks/meta/{connector}",
               [hooks, meta_at](R req) { return hooks->Handshake(req, meta_at(req)); });
  server.Route("POST", "/hooks/meta/{connector}",
               [hooks, meta_at](R req) { return hooks->Deliver(req, meta_at(req)); });
  server.Route("GET", "/hooks/whatsapp/{connector}",
               [hooks, whatsapp_at](R req) { return hooks->Handshake(req, whatsapp_at(req)); });
  server.Route("POST", "/hooks/whatsapp/{connector}",
               [hooks, whatsapp_at](R req) { return hooks->Deliver(req, whatsapp_at(req)); });
  server.Route("GET", "/hooks/x/{connector}",
               [hooks, x_at](R req) { return hooks->Crc(req, x_at(req)); });
  server.Route("POST", "/hooks/x/{connector}",
               [hooks, x_at](R req) { return hooks->Deliver(req, x_at(req)); });
  server.Route("POST", "/hooks/telegram/{connector}",
               [hooks, telegram_at](R req) { return hooks->Deliver(req, telegram_at(req)); });
  server.Route("POST", "/hooks/standard/{connector}",
               [hooks, standard_at](R req) { return hooks->Deliver(req, standard_at(req)); });
}

}  // namespace humas::webhook
