// Shared handler machinery: JSON, errors, sessions, CSRF.
#include "api/common.h"

#include <algorithm>
#include <charconv>

#include "core/clock.h"
#include "core/log.h"

namespace humas::api {

http::Response Json(int status, const json& body) {
  http::Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.AddHeader("Cache-Control", "no-store");
  return r;
}

http::Response NoContent() {
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

http::Response Error(const Status& s) {
  int status = 500;
  switch (s.code()) {
    case Code::kOk:
      status = 200;
      break;
    case Code::kInvalidArgument:
      status = 400;
      break;
    case Code::kNotFound:
      status = 404;
      break;
    case Code::kAlreadyExists:
      status = 409;
      break;
    case Code::kPermissionDenied:
      status = 403;
      break;
    case Code::kUnauthenticated:
      status = 401;
      break;
    case Code::kFailedPrecondition:
      status = 409;
      break;
    case Code::kResourceExhausted:
      status = 429;
      break;
    case Code::kConflict:
      status = 409;
      break;
    case Code::kUnavailable:
      status = 503;
      break;
    case Code::kInternal:
      status = 500;
      break;
    case Code::kDataLoss:
      status = 500;
      break;
  }
  if (status >= 500) Log(LogLevel::kError, "api.error", {{"status", s.ToString()}});
  std::string message = status >= 500 && s.code() == Code::kInternal
                            ? "internal error; the details are in the server log"
                            : s.message();
  return http::ErrorResponse(status, CodeName(s.code()), message, s.field());
}

Result<json> ParseBody(const http::Request& req, std::span<const char* const> allowed) {
  std::string ct = req.Header("content-type");
  if (ct.find("application/json") == std::string::npos)
    return InvalidArgument("the request body must be JSON (Content-Type: application/json)");
  json body = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return InvalidArgument("the request body is not valid JSON");
  if (!body.is_object()) return InvalidArgument("the request body must be a JSON object");
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = false;
    for (const char* k : allowed) known = known || it.key() == k;
    if (!known) return InvalidArgument("unknown field \"" + it.key() + "\"").WithField(it.key());
  }
  return body;
}

std::string ClientIp(const ApiOptions& options, const http::Request& req) {
  auto trusted = [&](const std::string& ip) {
    return std::find(options.trusted_proxies.begin(), options.trusted_proxies.end(), ip) !=
           options.trusted_proxies.end();
  };
  if (!trusted(req.remote_ip)) return req.remote_ip;
  // Walk X-Forwarded-For from the right: each trusted proxy appended the address it saw.
  std::string chain = req.Header("x-forwarded-for");
  std::string client = req.remote_ip;
  size_t end = chain.size();
  while (end > 0) {
    size_t comma = chain.rfind(',', end - 1);
    size_t begin = comma == std::string::npos ? 0 : comma + 1;
    std::string ip = chain.substr(begin, end - begin);
    ip.erase(0, ip.find_first_not_of(" \t"));
    ip.erase(ip.find_last_not_of(" \t") + 1);
    if (ip.empty() || ip.size() > 45) break;
    client = ip;
    if (!trusted(ip)) break;
    if (comma == std::string::npos) break;
    end = comma;
  }
  return client;
}

size_t Utf8Length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool IsDate(const std::string& s) { return s.size() == 10 && ParseRfc3339(s + "T00:00:00Z").ok(); }

Status ReadString(const json& body, const char* key, std::string* out, bool required,
                  size_t min_chars, size_t max_chars) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) return InvalidArgument(std::string(key) + " is required").WithField(key);
    return Status::Ok();
  }
  if (!it->is_string()) return InvalidArgument(std::string(key) + " must be text").WithField(key);
  std::string v = it->get<std::string>();
  // Trim surrounding whitespace: users paste values with stray spaces.
  size_t b = v.find_first_not_of(" \t\r\n");
  size_t e = v.find_last_not_of(" \t\r\n");
  v = b == std::string::npos ? "" : v.substr(b, e - b + 1);
  size_t len = Utf8Length(v);
  if (required && len == 0)
    return InvalidArgument(std::string(key) + " is required").WithField(key);
  if (len > 0 && len < min_chars)
    return InvalidArgument(std::string(key) + " must have at least " + std::to_string(min_chars) +
                           " characters")
        .WithField(key);
  if (len > max_chars)
    return InvalidArgument(std::string(key) + " must have at most " + std::to_string(max_chars) +
                           " characters")
        .WithField(key);
  *out = std::move(v);
  return Status::Ok();
}

Status ReadBool(const json& body, const char* key, bool* out, bool required) {
  auto it = body.find(key);
  if (it == body.end()) {
    if (required) return InvalidArgument(std::string(key) + " is required").WithField(key);
    return Status::Ok();
  }
  if (!it->is_boolean())
    return InvalidArgument(std::string(key) + " must be true or false").WithField(key);
  *out = it->get<bool>();
  return Status::Ok();
}

Status ReadInt(const json& body, const char* key, std::int64_t* out, bool required) {
  auto it = body.find(key);
  if (it == body.end()) {
    if (required) return InvalidArgument(std::string(key) + " is required").WithField(key);
    return Status::Ok();
  }
  if (!it->is_number_integer())
    return InvalidArgument(std::string(key) + " must be a whole number").WithField(key);
  *out = it->get<std::int64_t>();
  return Status::Ok();
}

Status ReadOptionalId(const json& body, const char* key, std::optional<Id>* out, bool* present) {
  auto it = body.find(key);
  if (present) *present = it != body.end();
  if (it == body.end()) return Status::Ok();
  if (it->is_null()) {
    *out = std::nullopt;
    return Status::Ok();
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() <= 0)
    return InvalidArgument(std::string(key) + " must be an id (a positive whole number)")
        .WithField(key);
  *out = it->get<std::int64_t>();
  return Status::Ok();
}

namespace {
bool ParseInt64(const std::string& s, std::int64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}
}  // namespace

Result<std::int64_t> QueryInt(const http::Request& req, const char* name, std::int64_t fallback,
                              std::int64_t min, std::int64_t max) {
  auto v = req.Query(name);
  if (!v || v->empty()) return fallback;
  std::int64_t n = 0;
  if (!ParseInt64(*v, &n) || n < min || n > max) {
    return InvalidArgument(std::string(name) + " must be from " + std::to_string(min) + " to " +
                           std::to_string(max))
        .WithField(name);
  }
  return n;
}

Result<std::optional<Id>> QueryId(const http::Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::optional<Id>();
  std::int64_t id = 0;
  if (!ParseInt64(*v, &id) || id <= 0)
    return InvalidArgument(std::string(name) + " must be an id").WithField(name);
  return std::optional<Id>(id);
}

Result<store::Page> QueryPage(const http::Request& req) {
  store::Page page;
  std::int64_t n = 0;
  if (auto v = req.Query("limit"); v && !v->empty()) {
    if (!ParseInt64(*v, &n) || n < 1 || n > 200)
      return InvalidArgument("limit must be a number from 1 to 200").WithField("limit");
    page.limit = static_cast<int>(n);
  }
  if (auto v = req.Query("offset"); v && !v->empty()) {
    if (!ParseInt64(*v, &n) || n < 0 || n > 1000000)
      return InvalidArgument("offset must be a number from 0 to 1000000").WithField("offset");
    page.offset = static_cast<int>(n);
  }
  return page;
}

Result<Id> PathId(const http::Request& req, const char* name) {
  auto it = req.params.find(name);
  std::int64_t id = 0;
  if (it == req.params.end() || !ParseInt64(it->second, &id) || id <= 0)
    return NotFound("no such resource");
  return id;
}

void Caller::Audit(Context& ctx, const std::string& action, const std::string& entity,
                   const std::string& entity_id, std::optional<Id> agency_id,
                   const json& details) const {
  AuditEntry e;
  e.at = ctx.clock.Now();
  e.actor_user_id = user.id;
  e.actor_name = user.username;
  e.action = action;
  e.entity = entity;
  e.entity_id = entity_id;
  e.agency_id = agency_id;
  e.details_json = details.dump(-1, ' ', false, json::error_handler_t::replace);
  Status s = ctx.store.audit().Append(&e);
  if (!s.ok())
    Log(LogLevel::kError, "audit.append_failed", {{"action", action}, {"error", s.ToString()}});
}

Result<std::unique_ptr<Caller>> ResolveCaller(Context& ctx, const http::Request& req) {
  std::string token = req.Cookie(kSessionCookie);
  if (token.empty()) return Unauthenticated("please log in");
  std::string token_hash = Sha256Hex(token);
  auto session = ctx.store.users().GetSession(token_hash);
  if (!session.ok()) {
    if (session.status().code() == Code::kNotFound)
      return Unauthenticated("your session has ended; please log in again");
    return session.status();
  }
  UnixMillis now = ctx.clock.Now();
  if (now >= session->expires_at || now - session->last_seen_at > ctx.options.session_idle_ms) {
    (void)ctx.store.users().DeleteSession(token_hash);
    return Unauthenticated("your session has ended; please log in again");
  }
  auto user = ctx.store.users().Get(session->user_id);
  if (!user.ok() || !user->active) {
    (void)ctx.store.users().DeleteSession(token_hash);
    return Unauthenticated("your account is not active");
  }
  // Refresh the idle timer at most once a minute to keep reads cheap.
  if (now - session->last_seen_at > 60 * 1000) {
    (void)ctx.store.users().TouchSession(token_hash, now);
    session->last_seen_at = now;
  }
  auto agencies = ctx.store.agencies().All();
  if (!agencies.ok()) return agencies.status();
  auto caller = std::make_unique<Caller>();
  caller->user = std::move(user).value();
  caller->session = std::move(session).value();
  caller->hierarchy = std::make_unique<Hierarchy>(std::move(agencies).value());
  caller->access = std::make_unique<Access>(caller->user, *caller->hierarchy);
  return caller;
}

http::Handler Authed(Context& ctx, AuthedHandler handler) {
  return [&ctx, handler = std::move(handler)](const http::Request& req) -> http::Response {
    auto caller = ResolveCaller(ctx, req);
    if (!caller.ok()) return Error(caller.status());
    const std::string& m = req.method;
    if (m != "GET" && m != "HEAD" && m != "OPTIONS") {
      std::string sent = req.Header("x-csrf-token");
      if (sent.empty() || !SafeEquals(sent, (*caller)->session.csrf_token))
        return http::ErrorResponse(403, "csrf_failed",
                                   "missing or wrong X-CSRF-Token; reload the page and try again");
    }
    return handler(req, **caller);
  };
}

}  // namespace humas::api
