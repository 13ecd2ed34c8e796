// /api/v1/connectors: the connector registry (issue 5) — CRUD scoped to agency, health, run now.
// Credentials are write-only: requests may set or clear them, responses only say whether they
// are set, and the audit log records "set"/"cleared", never the value.
#include <regex>
#include <string>

#include "api/api.h"
#include "api/json_model.h"
#include "connectors/bluesky/jetstream.h"
#include "connectors/pull/pull.h"
#include "connectors/pull/settings.h"
#include "connectors/registry/registry.h"
#include "connectors/registry/webhook_kind.h"
#include "connectors/stream/hub.h"
#include "connectors/x/stream.h"
#include "inbox/accounts.h"
#include "store/connectors.h"

namespace humas::api {
namespace {

const char* const kConnectorFields[] = {"agency_id",
                                        "platform",
                                        "name",
                                        "settings",
                                        "credentials",
                                        "enabled",
                                        "poll_interval_seconds",
                                        "read_budget_monthly"};

constexpr size_t kMaxSettingsBytes = 16 * 1024;
constexpr size_t kMaxCredentialsBytes = 8 * 1024;

//! "ok" | "failing" | "pending" (never ran) | "disabled".
std::string HealthStatus(const store::Connector& c) {
  if (!c.enabled) return "disabled";
  if (c.health.consecutive_failures > 0) return "failing";
  if (!c.health.last_success_at) return "pending";
  return "ok";
}

//! The monthly read budget is used up for the current month (the connector waits for the next).
bool BudgetSpent(const store::Connector& c, UnixMillis now) {
  return c.read_budget_monthly && c.reads_month == connectors::pull::BudgetMonth(now) &&
         c.reads_used >= *c.read_budget_monthly;
}

//! The daily unit quota of a connector that has one (YouTube), from its settings.
std::optional<std::int64_t> DailyQuota(const store::Connector& c) {
  if (c.platform != Platform::kYoutube) return std::nullopt;
  auto s = connectors::pull::ParseYoutubeSettings(json::parse(c.settings_json, nullptr, false));
  if (!s.ok()) return std::nullopt;
  return s->daily_quota_units;
}

//! The daily quota is used up for the current (Pacific) day.
bool QuotaSpent(const store::Connector& c, UnixMillis now) {
  auto quota = DailyQuota(c);
  return quota && c.quota_day == connectors::pull::PacificDay(now) && c.quota_used >= *quota;
}

//! A connector the stream worker keeps connected (Bluesky with keywords or accounts to follow,
//! Mastodon with settings.stream, X with settings.stream: the filtered stream).
bool Streamed(const store::Connector& c) {
  json settings = json::parse(c.settings_json, nullptr, false);
  if (c.platform == Platform::kX) return connectors::pull::ParseXStreamSettings(settings).ok();
  if (c.platform == Platform::kMastodon) {  // also polled: after each connection, and as fallback
    auto s = connectors::pull::ParseMastodonSettings(settings);
    return s.ok() && s->stream && (s->local || !s->hashtag.empty());
  }
  if (c.platform != Platform::kBluesky) return false;
  auto s = connectors::bluesky::ParseSettings(settings);
  return s.ok() && s->streams();
}

json RefusedJson(const connectors::stream::StreamHealth& h) {
  json out = json::array();
  for (const auto& r : h.refused_rules)
    out.push_back({{"query_id", r.query_id ? json(r.query_id) : json()},
                   {"rule", r.rule},
                   {"reason", r.reason}});
  return out;
}

//! The live state of a streamed connector (null when the worker has none for it).
json StreamJson(const connectors::stream::HealthView* streams, const store::Connector& c) {
  if (!streams) return json();
  auto h = streams->Health(c.id);
  if (!h) return json();
  return {{"connected", h->connected},
          {"connected_since", TimeOrNull(h->connected_since)},
          {"last_event_at", TimeOrNull(h->last_event_at)},
          {"last_error_at", TimeOrNull(h->last_error_at)},
          {"last_error", h->last_error},
          {"reconnects", h->reconnects},
          {"events", h->events},
          {"stored", h->stored},
          {"malformed", h->malformed},
          {"rules_synced_at", TimeOrNull(h->rules_synced_at)},
          {"rules_error", h->rules_error},
          {"refused_rules", RefusedJson(*h)},
          {"tagged_posts", h->tagged_posts},
          {"ignored_tags", h->ignored_tags},
          {"gap_filled", h->gap_filled},
          {"gap_filled_at", TimeOrNull(h->gap_filled_at)}};
}

//! An X filtered stream's rules as compiled from the agency's queries (or typed on the form), and
//! the queries X's rule language cannot express, with the reason (null for other connectors).
json XRulesJson(const Context& ctx, const store::Connector& c) {
  if (c.platform != Platform::kX ||
      !connectors::pull::IsXStream(json::parse(c.settings_json, nullptr, false)))
    return json();
  auto wanted = connectors::x::StreamProtocol::WantedRules(ctx.store, c);
  if (!wanted.ok()) return json();
  json rules = json::array(), unexpressible = json::array();
  for (const auto& r : wanted->rules) {
    json item = {{"value", r.value}, {"tag", r.tag}};
    auto q = connectors::x::QueryOfTag(r.tag);
    item["query_id"] = q ? json(*q) : json();
    rules.push_back(item);
  }
  for (const auto& u : wanted->unexpressible)
    unexpressible.push_back({{"query_id", u.query_id}, {"name", u.name}, {"reason", u.reason}});
  // Rules X refused at the last sync (dry run): not streamed either.
  json refused = json::array();
  if (auto h = ctx.streams ? ctx.streams->Health(c.id) : std::nullopt)
    for (const auto& r : h->refused_rules) {
      std::string name;
      if (r.query_id)
        if (auto q = ctx.store.queries().Get(r.query_id); q.ok()) name = q->name;
      refused.push_back({{"query_id", r.query_id ? json(r.query_id) : json()},
                         {"name", name},
                         {"rule", r.rule},
                         {"reason", r.reason}});
    }
  return {{"rules", rules}, {"unexpressible", unexpressible}, {"refused", refused}};
}

json ConnectorJson(const Context& ctx, const store::Connector& c, const Hierarchy* h,
                   UnixMillis now) {
  const connectors::WebhookKind* webhook = connectors::WebhookKindOf(c);
  const bool streamed = !webhook && Streamed(c);
  // A webhook connector is never polled: the platform pushes to its address; a stream stays open.
  const bool polled = !webhook && (c.platform == Platform::kRss ||
                                   connectors::pull::IsPulled(
                                       c.platform, json::parse(c.settings_json, nullptr, false)));
  // A Bluesky stream is never run on a schedule; a Mastodon stream's timeline still is.
  const bool scheduled = c.enabled && !webhook && !(streamed && !polled);
  json j = {{"id", c.id},
            {"agency_id", c.agency_id},
            {"platform", std::string(ToString(c.platform))},
            {"name", c.name},
            {"settings", json::parse(c.settings_json, nullptr, false)},
            {"credentials", c.credentials_sealed.empty() ? "not_set" : "set"},
            {"enabled", c.enabled},
            {"poll_interval_seconds", c.poll_interval_seconds},
            {"status", HealthStatus(c)},
            {"last_success_at", TimeOrNull(c.health.last_success_at)},
            {"last_error_at", TimeOrNull(c.health.last_error_at)},
            {"last_error", c.health.last_error},
            {"notice", c.health.notice},
            {"notice_at", TimeOrNull(c.health.notice_at)},
            {"next_run_at", scheduled ? json(FormatRfc3339(c.health.next_run_at)) : json()},
            {"consecutive_failures", c.health.consecutive_failures},
            {"items_total", c.health.items_total},
            {"read_budget_monthly", c.read_budget_monthly ? json(*c.read_budget_monthly) : json()},
            {"reads_month", c.reads_month},
            {"reads_used", c.reads_used},
            {"budget_spent", BudgetSpent(c, now)},
            {"quota_day", c.quota_day},
            {"quota_units_used", c.quota_used},
            {"quota_units_daily", DailyQuota(c) ? json(*DailyQuota(c)) : json()},
            {"quota_spent", QuotaSpent(c, now)},
            {"polled", polled},
            {"streamed", streamed},
            {"stream", streamed ? StreamJson(ctx.streams, c) : json()},
            {"created_at", FormatRfc3339(c.created_at)},
            {"updated_at", FormatRfc3339(c.updated_at)}};
  if (j["settings"].is_discarded()) j["settings"] = json::object();
  if (webhook) j["webhook_path"] = connectors::WebhookPath(*webhook, c.id);
  if (json x = XRulesJson(ctx, c); !x.is_null()) j["x_rules"] = std::move(x);
  if (h) {
    const Agency* a = h->Find(c.agency_id);
    j["agency_name"] = a ? a->name : "";
  }
  return j;
}

Status ValidateHttpUrl(const std::string& url, const char* field) {
  static const std::regex kUrl(R"(^https?://[^\s/$.?#][^\s]*$)", std::regex::icase);
  if (url.size() > 2000 || !std::regex_match(url, kUrl))
    return InvalidArgument(std::string(field) + " must be a web address starting with http(s)://")
        .WithField("settings");
  return Status::Ok();
}

//! Platform-specific rules for settings. RSS needs the feed address; the pull connectors (X,
//! Telegram, Mastodon) check theirs in connectors/pull/settings.h.
Status ValidateSettings(Platform p, const json& settings) {
  if (!settings.is_object())
    return InvalidArgument("settings must be a JSON object").WithField("settings");
  if (settings.dump().size() > kMaxSettingsBytes)
    return InvalidArgument("settings are larger than 16 KiB").WithField("settings");
  HUMAS_RETURN_IF_ERROR(connectors::ValidateWebhookSettings(p, settings));
  if (settings.contains("webhook")) return Status::Ok();  // pushed, not polled
  if (p == Platform::kRss) {
    if (!settings.contains("url") || !settings["url"].is_string())
      return InvalidArgument("settings.url (the feed address) is required").WithField("settings");
    return ValidateHttpUrl(settings["url"].get<std::string>(), "settings.url");
  }
  // Bluesky: Jetstream keywords/accounts to stream and the PDS for replies.
  if (p == Platform::kBluesky) return connectors::bluesky::ParseSettings(settings).status();
  // X filtered stream: its rules, the plan's limits, backfill (connectors/x/stream.h).
  if (p == Platform::kX && connectors::pull::IsXStream(settings))
    return connectors::pull::ParseXStreamSettings(settings).status();
  // Platforms humas polls check their settings (reply settings included) in connectors/pull;
  // the others (answered only) in inbox/accounts.
  if (connectors::pull::IsPulled(p, settings))
    return connectors::pull::ValidatePullSettings(p, settings);
  return inbox::ValidateReplySettings(p, settings);
}

//! credentials: an object of string values (set) or null (clear). Returns the JSON text ("" to
//! clear).
Result<std::string> ReadCredentials(const json& body) {
  const json& v = body["credentials"];
  if (v.is_null()) return std::string();
  if (!v.is_object())
    return InvalidArgument("credentials must be an object of strings or null")
        .WithField("credentials");
  for (const auto& [k, val] : v.items()) {
    if (!val.is_string())
      return InvalidArgument("credentials." + k + " must be a string").WithField("credentials");
  }
  std::string text = v.dump();
  if (text.size() > kMaxCredentialsBytes)
    return InvalidArgument("credentials are larger than 8 KiB").WithField("credentials");
  return text == "{}" ? std::string() : text;
}

//! A webhook connector's credentials must be the ones its kind verifies with (a clear, a null,
//! is always allowed: the endpoint then answers 404 until new ones are set).
Status CheckWebhookCredentials(const store::Connector& c, const std::string& credentials) {
  const connectors::WebhookKind* kind = connectors::WebhookKindOf(c);
  if (!kind || credentials.empty()) return Status::Ok();
  return connectors::ValidateWebhookCredentials(*kind, json::parse(credentials));
}

//! Reads the configuration fields present in `body` into `c`.
Status ReadConnector(const json& body, store::Connector* c, bool creating) {
  if (creating) {
    std::int64_t agency = 0;
    HUMAS_RETURN_IF_ERROR(ReadInt(body, "agency_id", &agency, true));
    c->agency_id = agency;
    std::string platform;
    HUMAS_RETURN_IF_ERROR(ReadString(body, "platform", &platform, true));
    auto p = ParsePlatform(platform);
    if (!p) return InvalidArgument("platform is not known").WithField("platform");
    c->platform = *p;
  } else {
    if (body.contains("agency_id"))
      return InvalidArgument("agency_id cannot be changed").WithField("agency_id");
    if (body.contains("platform"))
      return InvalidArgument("platform cannot be changed").WithField("platform");
  }
  HUMAS_RETURN_IF_ERROR(ReadString(body, "name", &c->name, creating, 1, 100));
  if (body.contains("settings")) {
    HUMAS_RETURN_IF_ERROR(ValidateSettings(c->platform, body["settings"]));
    c->settings_json = body["settings"].dump();
  } else if (creating) {
    HUMAS_RETURN_IF_ERROR(ValidateSettings(c->platform, json::object()));
  }
  HUMAS_RETURN_IF_ERROR(ReadBool(body, "enabled", &c->enabled));
  std::int64_t interval = c->poll_interval_seconds;
  HUMAS_RETURN_IF_ERROR(ReadInt(body, "poll_interval_seconds", &interval));
  if (interval < 60 || interval > 7 * 24 * 3600)
    return InvalidArgument("poll_interval_seconds must be between 60 and 604800")
        .WithField("poll_interval_seconds");
  c->poll_interval_seconds = static_cast<int>(interval);
  if (body.contains("read_budget_monthly")) {
    const json& b = body["read_budget_monthly"];
    if (b.is_null()) {
      c->read_budget_monthly.reset();
    } else if (b.is_number_integer() && b.get<std::int64_t>() >= 0) {
      c->read_budget_monthly = b.get<std::int64_t>();
    } else {
      return InvalidArgument("read_budget_monthly must be a non-negative integer or null")
          .WithField("read_budget_monthly");
    }
  }
  return Status::Ok();
}

//! The body as recorded in the audit log: credentials reduced to "set"/"cleared".
json AuditDetails(const json& body) {
  json d = body;
  if (d.contains("credentials")) d["credentials"] = d["credentials"].is_null() ? "cleared" : "set";
  return d;
}

Status NeedRegistry(Context& ctx) {
  if (!ctx.connectors) return Unavailable("the connector registry is not configured");
  return Status::Ok();
}

Result<store::Connector> ReadableConnector(Context& ctx, const http::Request& req, Caller& c) {
  HUMAS_ASSIGN_OR_RETURN(Id id, PathId(req));
  auto conn = ctx.store.connectors().Get(id);
  if (!conn.ok()) return conn.status();
  if (!c.access->CanRead(conn->agency_id)) return NotFound("no such connector");
  return conn;
}

Result<store::ConnectorFilter> ScopedFilter(const http::Request& req, Caller& c) {
  store::ConnectorFilter f;
  HUMAS_ASSIGN_OR_RETURN(std::optional<Id> agency, QueryId(req, "agency_id"));
  if (agency) {
    f.agency_ids = c.access->CanRead(*agency) ? std::vector<Id>{*agency} : std::vector<Id>{};
  } else {
    f.agency_ids = c.access->Readable();
  }
  if (auto p = req.Query("platform"); p && !p->empty()) {
    f.platform = ParsePlatform(*p);
    if (!f.platform) return InvalidArgument("platform is not known").WithField("platform");
  }
  if (auto e = req.Query("enabled"); e && !e->empty()) {
    if (*e != "true" && *e != "false")
      return InvalidArgument("enabled must be true or false").WithField("enabled");
    f.enabled = *e == "true";
  }
  return f;
}

http::Response ListConnectors(Context& ctx, const http::Request& req, Caller& c) {
  auto f = ScopedFilter(req, c);
  if (!f.ok()) return Error(f.status());
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  auto list = ctx.store.connectors().List(*f, *page);
  if (!list.ok()) return Error(list.status());
  json items = json::array();
  for (const auto& conn : list->items)
    items.push_back(ConnectorJson(ctx, conn, c.hierarchy.get(), ctx.clock.Now()));
  return Json(200, {{"items", items}, {"total", list->total}});
}

//! Every connector in scope with its health, and counts per status (the health page).
http::Response Health(Context& ctx, const http::Request& req, Caller& c) {
  auto f = ScopedFilter(req, c);
  if (!f.ok()) return Error(f.status());
  json items = json::array();
  std::map<std::string, std::int64_t> counts = {
      {"ok", 0}, {"failing", 0}, {"pending", 0}, {"disabled", 0}};
  for (int offset = 0;; offset += 200) {
    auto list = ctx.store.connectors().List(*f, {200, offset});
    if (!list.ok()) return Error(list.status());
    for (const auto& conn : list->items) {
      ++counts[HealthStatus(conn)];
      items.push_back(ConnectorJson(ctx, conn, c.hierarchy.get(), ctx.clock.Now()));
    }
    if (list->items.size() < 200) break;
  }
  return Json(
      200, {{"items", items}, {"counts", counts}, {"checked_at", FormatRfc3339(ctx.clock.Now())}});
}

http::Response CreateConnector(Context& ctx, const http::Request& req, Caller& c) {
  if (Status s = NeedRegistry(ctx); !s.ok()) return Error(s);
  auto body = ParseBody(req, kConnectorFields);
  if (!body.ok()) return Error(body.status());
  store::Connector conn;
  if (Status s = ReadConnector(*body, &conn, true); !s.ok()) return Error(s);
  if (!c.access->CanRead(conn.agency_id))
    return Error(InvalidArgument("agency_id: no such agency").WithField("agency_id"));
  if (!c.access->CanManageAccounts(conn.agency_id))
    return Error(PermissionDenied("you may not manage connectors of this agency"));
  if (conn.read_budget_monthly && !c.access->IsAdmin())
    return Error(PermissionDenied("only an administrator sets a read budget"));
  std::string credentials;
  if (body->contains("credentials")) {
    auto creds = ReadCredentials(*body);
    if (!creds.ok()) return Error(creds.status());
    credentials = *creds;
  }
  if (Status s = CheckWebhookCredentials(conn, credentials); !s.ok()) return Error(s);
  conn.health.next_run_at = ctx.clock.Now();  // first run as soon as possible
  if (Status s = ctx.connectors->Create(&conn, credentials); !s.ok()) return Error(s);
  c.Audit(ctx, "connector.create", "connector", std::to_string(conn.id), conn.agency_id,
          AuditDetails(*body));
  if (ctx.streams) ctx.streams->Refresh();  // a stream connector starts/stops now
  auto got = ctx.store.connectors().Get(conn.id);
  if (!got.ok()) return Error(got.status());
  return Json(201, ConnectorJson(ctx, *got, c.hierarchy.get(), ctx.clock.Now()));
}

http::Response UpdateConnector(Context& ctx, const http::Request& req, Caller& c) {
  if (Status s = NeedRegistry(ctx); !s.ok()) return Error(s);
  auto conn = ReadableConnector(ctx, req, c);
  if (!conn.ok()) return Error(conn.status());
  if (!c.access->CanManageAccounts(conn->agency_id))
    return Error(PermissionDenied("you may not manage connectors of this agency"));
  auto body = ParseBody(req, kConnectorFields);
  if (!body.ok()) return Error(body.status());
  store::Connector updated = *conn;
  if (Status s = ReadConnector(*body, &updated, false); !s.ok()) return Error(s);
  if (updated.read_budget_monthly != conn->read_budget_monthly && !c.access->IsAdmin())
    return Error(PermissionDenied("only an administrator sets a read budget"));
  if (connectors::WebhookKindOf(updated) != connectors::WebhookKindOf(*conn))
    return Error(InvalidArgument("settings.webhook cannot change: create another connector")
                     .WithField("settings"));
  std::optional<std::string> credentials;
  if (body->contains("credentials")) {
    auto creds = ReadCredentials(*body);
    if (!creds.ok()) return Error(creds.status());
    credentials = *creds;
    if (Status s = CheckWebhookCredentials(updated, *credentials); !s.ok()) return Error(s);
  }
  if (Status s = ctx.store.connectors().Update(updated); !s.ok()) return Error(s);
  if (credentials) {
    if (Status s = ctx.connectors->SetCredentials(updated.id, *credentials); !s.ok())
      return Error(s);
  }
  // Re-enabling or changing the address: poll again now rather than at the old schedule.
  if (updated.enabled && (!conn->enabled || updated.settings_json != conn->settings_json)) {
    if (Status s = ctx.store.connectors().Schedule(updated.id, ctx.clock.Now()); !s.ok())
      return Error(s);
  }
  c.Audit(ctx, "connector.update", "connector", std::to_string(updated.id), updated.agency_id,
          AuditDetails(*body));
  if (ctx.streams) ctx.streams->Refresh();  // a stream connector starts/stops now
  auto got = ctx.store.connectors().Get(updated.id);
  if (!got.ok()) return Error(got.status());
  return Json(200, ConnectorJson(ctx, *got, c.hierarchy.get(), ctx.clock.Now()));
}

http::Response DeleteConnector(Context& ctx, const http::Request& req, Caller& c) {
  auto conn = ReadableConnector(ctx, req, c);
  if (!conn.ok()) return Error(conn.status());
  if (!c.access->CanManageAccounts(conn->agency_id))
    return Error(PermissionDenied("you may not manage connectors of this agency"));
  if (Status s = ctx.store.connectors().Delete(conn->id); !s.ok()) return Error(s);
  c.Audit(ctx, "connector.delete", "connector", std::to_string(conn->id), conn->agency_id,
          {{"name", conn->name}, {"platform", std::string(ToString(conn->platform))}});
  if (ctx.streams) ctx.streams->Refresh();  // a stream connector starts/stops now
  return NoContent();
}

http::Response RunNow(Context& ctx, const http::Request& req, Caller& c) {
  auto conn = ReadableConnector(ctx, req, c);
  if (!conn.ok()) return Error(conn.status());
  if (!c.access->CanManageAccounts(conn->agency_id))
    return Error(PermissionDenied("you may not manage connectors of this agency"));
  if (!conn->enabled)
    return Error(FailedPrecondition("the connector is disabled; enable it first"));
  if (connectors::WebhookKindOf(*conn))
    return Error(
        FailedPrecondition("a webhook connector is not run by humas: the platform pushes"));
  if (Status s = ctx.store.connectors().Schedule(conn->id, ctx.clock.Now()); !s.ok())
    return Error(s);
  c.Audit(ctx, "connector.run", "connector", std::to_string(conn->id), conn->agency_id,
          json::object());
  if (ctx.streams) ctx.streams->Refresh();  // a stream connector starts/stops now
  auto got = ctx.store.connectors().Get(conn->id);
  if (!got.ok()) return Error(got.status());
  return Json(200, ConnectorJson(ctx, *got, c.hierarchy.get(), ctx.clock.Now()));
}

}  // namespace

void RegisterConnectorRoutes(http::Server& server, Context& ctx) {
  using R = const http::Request&;
  server.Route("GET", "/api/v1/connectors",
               Authed(ctx, [&ctx](R req, Caller& c) { return ListConnectors(ctx, req, c); }));
  server.Route("GET", "/api/v1/connectors/health",
               Authed(ctx, [&ctx](R req, Caller& c) { return Health(ctx, req, c); }));
  server.Route("POST", "/api/v1/connectors",
               Authed(ctx, [&ctx](R req, Caller& c) { return CreateConnector(ctx, req, c); }));
  server.Route(
      "GET", "/api/v1/connectors/{id}", Authed(ctx, [&ctx](R req, Caller& c) {
        auto conn = ReadableConnector(ctx, req, c);
        return conn.ok() ? Json(200, ConnectorJson(ctx, *conn, c.hierarchy.get(), ctx.clock.Now()))
                         : Error(conn.status());
      }));
  server.Route("PATCH", "/api/v1/connectors/{id}",
               Authed(ctx, [&ctx](R req, Caller& c) { return UpdateConnector(ctx, req, c); }));
  server.Route("DELETE", "/api/v1/connectors/{id}",
               Authed(ctx, [&ctx](R req, Caller& c) { return DeleteConnector(ctx, req, c); }));
  server.Route("POST", "/api/v1/connectors/{id}/run",
               Authed(ctx, [&ctx](R req, Caller& c) { return RunNow(ctx, req, c); }));
}

}  // namespace humas::api
