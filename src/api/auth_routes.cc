// /api/v1/health and /api/v1/auth/*: login, logout, me.
#include <string>

#include "api/api.h"
#include "api/json_model.h"
#include "core/log.h"

namespace humas::api {
namespace {

std::string SessionCookie(const Context& ctx, const std::string& value, long long max_age_s) {
  std::string c = std::string(kSessionCookie) + "=" + value +
                  "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s);
  if (ctx.options.cookie_secure) c += "; Secure";
  return c;
}

http::Response Login(Context& ctx, const http::Request& req) {
  static const char* const kFields[] = {"username", "password"};
  auto body = ParseBody(req, kFields);
  if (!body.ok()) return Error(body.status());
  std::string username, password;
  if (!(*body)["username"].is_string() || !(*body)["password"].is_string())
    return Error(InvalidArgument("username and password are required (text)"));
  username = (*body)["username"].get<std::string>();
  password = (*body)["password"].get<std::string>();
  for (char& c : username) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (username.empty() || username.size() > 64 || password.size() > 1024)
    return Error(InvalidArgument("username and password are required"));

  const std::string ip = ClientIp(ctx.options, req);
  if (UnixMillis wait = ctx.limiter.RetryAfter(username, ip); wait > 0) {
    auto r = http::ErrorResponse(429, "rate_limited",
                                 "too many failed logins; try again in " +
                                     std::to_string((wait + 59999) / 60000) + " minute(s)");
    r.AddHeader("Retry-After", std::to_string((wait + 999) / 1000));
    return r;
  }
  auto user = ctx.store.users().GetByUsername(username);
  // Verify against a fixed hash when the user is unknown, so timing does not reveal usernames.
  static const std::string kDummyHash = HashPassword("humas-dummy-password").value();
  bool ok = VerifyPassword(user.ok() ? user->password_hash : kDummyHash, password) && user.ok() &&
            user->active;
  if (!ok) {
    ctx.limiter.RecordFailure(username, ip);
    Log(LogLevel::kWarn, "auth.login_failed", {{"username", username}, {"ip", ip}});
    AuditEntry e;
    e.at = ctx.clock.Now();
    e.actor_name = username;
    e.action = "auth.login_failed";
    e.entity = "user";
    e.details_json = json{{"ip", ip}}.dump();
    (void)ctx.store.audit().Append(&e);
    return http::ErrorResponse(401, "invalid_credentials", "wrong username or password");
  }
  ctx.limiter.RecordSuccess(username);

  std::string token = NewToken();
  store::Session s;
  s.token_hash = Sha256Hex(token);
  s.user_id = user->id;
  s.csrf_token = NewToken();
  s.created_at = s.last_seen_at = ctx.clock.Now();
  s.expires_at = s.created_at + ctx.options.session_max_ms;
  s.remote_ip = ip;
  s.user_agent = req.Header("user-agent").substr(0, 300);
  if (Status st = ctx.store.users().CreateSession(s); !st.ok()) return Error(st);
  (void)ctx.store.users().DeleteExpiredSessions(s.created_at);

  auto agencies = ctx.store.agencies().All();
  Hierarchy h(agencies.ok() ? std::move(agencies).value() : std::vector<Agency>{});
  Caller c;
  c.user = *user;
  c.Audit(ctx, "auth.login", "user", std::to_string(user->id), std::nullopt, {{"ip", ip}});
  auto r = Json(200, {{"user", UserJson(*user, &h)}, {"csrf_token", s.csrf_token}});
  r.AddHeader("Set-Cookie", SessionCookie(ctx, token, ctx.options.session_max_ms / 1000));
  return r;
}

}  // namespace

void RegisterAuthRoutes(http::Server& server, Context& ctx) {
  server.Route("GET", "/api/v1/health", [&ctx](const http::Request&) {
    Status db = ctx.store.Ping();
    json body = {
        {"status", db.ok() ? "ok" : "degraded"},        {"version", ctx.options.version},
        {"database", db.ok() ? "ok" : db.message()},    {"backend", ctx.store.backend()},
        {"schema_version", ctx.store.schema_version()}, {"time", FormatRfc3339(ctx.clock.Now())}};
    return Json(db.ok() ? 200 : 503, body);
  });

  server.Route("POST", "/api/v1/auth/login",
               [&ctx](const http::Request& req) { return Login(ctx, req); });

  server.Route("POST", "/api/v1/auth/logout", Authed(ctx, [&ctx](const http::Request&, Caller& c) {
                 (void)ctx.store.users().DeleteSession(c.session.token_hash);
                 c.Audit(ctx, "auth.logout", "user", std::to_string(c.user.id), std::nullopt,
                         json::object());
                 auto r = NoContent();
                 r.AddHeader("Set-Cookie", SessionCookie(ctx, "", 0));
                 return r;
               }));

  server.Route("GET", "/api/v1/auth/me", Authed(ctx, [](const http::Request&, Caller& c) {
                 return Json(200, {{"user", UserJson(c.user, c.hierarchy.get())},
                                   {"csrf_token", c.session.csrf_token}});
               }));
}

void RegisterRoutes(http::Server& server, Context& ctx) {
  ctx.server = &server;
  RegisterAuthRoutes(server, ctx);
  RegisterDirectoryRoutes(server, ctx);
  RegisterUserRoutes(server, ctx);
  RegisterMentionRoutes(server, ctx);
  RegisterAuditRoutes(server, ctx);
  RegisterSpreadRoutes(server, ctx);
  if (ctx.inbox) RegisterInboxRoutes(server, ctx);
  RegisterQueryRoutes(server, ctx);
  RegisterConnectorRoutes(server, ctx);
  RegisterAlertRoutes(server, ctx);
}

}  // namespace humas::api
