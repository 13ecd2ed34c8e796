// /api/v1/alerts (listening alerts: list, detail, unread badge, seen mark, evaluate now, the
// officers' acknowledge and close) and
// /api/v1/alert-settings/{agency_id} (per-agency thresholds). docs/api.md "Alerts".
#include "alerts/detector.h"
#include "alerts/engine.h"
#include "api/api.h"
#include "store/alerts.h"
#include "store/queries.h"

namespace humas::api {
namespace {

using R = const http::Request&;

const char* const kSettingsFields[] = {"enabled",        "spike_score",        "spike_min_count",
                                       "negative_score", "negative_min_count", "negative_min_share",
                                       "hoax_threshold", "calm_hours",         "telegram_chat_id",
                                       "version"};

//! Roles that handle (acknowledge, close) an agency's alerts; pimpinan only read them.
bool CanHandle(const Caller& c, Id agency) {
  return c.access->HasOn({Role::kAdmin, Role::kKoordinator, Role::kPejabat, Role::kPetugas},
                         agency);
}

json UserRef(Context& ctx, const std::optional<Id>& id) {
  if (!id) return nullptr;
  auto u = ctx.store.users().Get(*id);
  return {{"id", *id}, {"display_name", u.ok() ? u->display_name : ""}};
}

json AlertJson(Context& ctx, const store::Alert& a, const Hierarchy* h) {
  const Agency* agency = h ? h->Find(a.agency_id) : nullptr;
  std::string query_name;
  if (a.query_id) {
    auto q = ctx.store.queries().Get(*a.query_id);
    if (q.ok()) query_name = q->name;
  }
  json details = json::parse(a.details_json, nullptr, false);
  return {{"id", a.id},
          {"agency_id", a.agency_id},
          {"agency_name", agency ? agency->name : ""},
          {"query_id", a.query_id ? json(*a.query_id) : json(nullptr)},
          {"query_name", query_name},
          {"kind", a.kind},
          {"state", a.state},
          {"opened_at", FormatRfc3339(a.opened_at)},
          {"last_hot_at", FormatRfc3339(a.last_hot_at)},
          {"acknowledged_at",
           a.acknowledged_at ? json(FormatRfc3339(*a.acknowledged_at)) : json(nullptr)},
          {"acknowledged_by", UserRef(ctx, a.acknowledged_by)},
          {"closed_at", a.closed_at ? json(FormatRfc3339(*a.closed_at)) : json(nullptr)},
          {"closed_by", UserRef(ctx, a.closed_by)},
          {"close_note", a.close_note},
          {"version", a.version},
          {"window_start", FormatRfc3339(a.window_start)},
          {"window_end", FormatRfc3339(a.window_end)},
          {"observed", a.observed},
          {"baseline", a.baseline},
          {"score", a.score},
          {"details", details.is_discarded() ? json::object() : details},
          {"evidence_ids", a.evidence_ids},
          {"evidence_url", alerts::EvidencePath(a)}};
}

json SettingsJson(const store::AlertSettings& s) {
  return {{"agency_id", s.agency_id},
          {"enabled", s.enabled},
          {"spike_score", s.spike_score},
          {"spike_min_count", s.spike_min_count},
          {"negative_score", s.negative_score},
          {"negative_min_count", s.negative_min_count},
          {"negative_min_share", s.negative_min_share},
          {"hoax_threshold", s.hoax_threshold},
          {"calm_hours", s.calm_hours},
          {"telegram_chat_id", s.telegram_chat_id},
          {"updated_at", s.version ? json(FormatRfc3339(s.updated_at)) : json(nullptr)},
          {"version", s.version}};
}

//! The scope of alert lists: the caller's readable agencies, narrowed by agency_id (subtree).
Result<store::AlertFilter> Filter(R req, Caller& c) {
  store::AlertFilter f;
  HUMAS_ASSIGN_OR_RETURN(std::optional<Id> agency, QueryId(req, "agency_id"));
  if (agency) {
    if (!c.access->CanRead(*agency)) return NotFound("no such agency").WithField("agency_id");
    f.agency_ids = c.hierarchy->Subtree(*agency);
  } else {
    f.agency_ids = c.access->Readable();
  }
  if (auto s = req.Query("state"); s && !s->empty()) {
    bool known = *s == "active";
    for (const char* state : store::kAlertStates) known = known || *s == state;
    if (!known)
      return InvalidArgument("state must be open, acknowledged, closed or active")
          .WithField("state");
    f.state = *s;
  }
  if (auto k = req.Query("kind"); k && !k->empty()) {
    bool known = false;
    for (const char* kind : store::kAlertKinds) known = known || *k == kind;
    if (!known) return InvalidArgument("kind must be spike, negative or hoax").WithField("kind");
    f.kind = *k;
  }
  HUMAS_ASSIGN_OR_RETURN(f.query_id, QueryId(req, "query_id"));
  return f;
}

http::Response List(Context& ctx, R req, Caller& c) {
  auto f = Filter(req, c);
  if (!f.ok()) return Error(f.status());
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  auto list = ctx.store.alerts().List(*f, *page);
  if (!list.ok()) return Error(list.status());
  json items = json::array();
  for (const auto& a : list->items) {
    items.push_back(AlertJson(ctx, a, c.hierarchy.get()));
    items.back()["can_handle"] = CanHandle(c, a.agency_id);
  }
  return Json(200, {{"items", items}, {"total", list->total}});
}

http::Response Get(Context& ctx, R req, Caller& c) {
  auto id = PathId(req);
  if (!id.ok()) return Error(id.status());
  auto a = ctx.store.alerts().Get(*id);
  if (!a.ok() || !c.access->CanRead(a->agency_id)) {
    if (!a.ok() && a.status().code() != Code::kNotFound) return Error(a.status());
    return Error(NotFound("no such alert"));
  }
  json j = AlertJson(ctx, *a, c.hierarchy.get());
  j["can_handle"] = CanHandle(c, a->agency_id);
  return Json(200, j);
}

//! Alerts opened in the caller's scope since they last looked (the badge), and how many in scope
//! wait for someone (open) or are being followed up (acknowledged).
http::Response Unread(Context& ctx, R, Caller& c) {
  auto seen = ctx.store.alerts().SeenUntil(c.user.id);
  if (!seen.ok()) return Error(seen.status());
  store::AlertFilter f;
  f.agency_ids = c.access->Readable();
  json out;
  for (const char* state : {"open", "acknowledged"}) {
    f.state = state;
    auto n = ctx.store.alerts().Count(f);
    if (!n.ok()) return Error(n.status());
    out[state] = *n;
  }
  f.opened_after = *seen;
  auto open = ctx.store.alerts().Count(f);  // still state open
  if (!open.ok()) return Error(open.status());
  out["unread_open"] = *open;
  f.state.reset();
  auto n = ctx.store.alerts().Count(f);
  if (!n.ok()) return Error(n.status());
  out["unread"] = *n;
  return Json(200, out);
}

//! POST /alerts/{id}/acknowledge {version} and /alerts/{id}/close {version, note}: an officer of
//! the alert's agency takes it or closes it with what was done. Audited, published live.
http::Response Handle(Context& ctx, R req, Caller& c, bool close) {
  static constexpr const char* kAckFields[] = {"version"};
  static constexpr const char* kCloseFields[] = {"version", "note"};
  auto id = PathId(req);
  if (!id.ok()) return Error(id.status());
  auto body = close ? ParseBody(req, kCloseFields) : ParseBody(req, kAckFields);
  if (!body.ok()) return Error(body.status());
  auto a = ctx.store.alerts().Get(*id);
  if (!a.ok() || !c.access->CanRead(a->agency_id)) {
    if (!a.ok() && a.status().code() != Code::kNotFound) return Error(a.status());
    return Error(NotFound("no such alert"));
  }
  if (!CanHandle(c, a->agency_id))
    return Error(PermissionDenied("your role may not handle alerts"));
  std::int64_t version = 0;
  std::string note;
  Status st = ReadInt(*body, "version", &version, true);
  if (st.ok() && close) st = ReadString(*body, "note", &note, true, 1, store::kMaxCloseNote);
  if (!st.ok()) return Error(st);
  auto done = close ? ctx.store.alerts().Resolve(*id, version, c.user.id, ctx.clock.Now(), note)
                    : ctx.store.alerts().Acknowledge(*id, version, c.user.id, ctx.clock.Now());
  if (!done.ok()) return Error(done.status());
  c.Audit(ctx, close ? "alert.close" : "alert.acknowledge", "alert", std::to_string(*id),
          done->agency_id, *body);
  PublishAlert(ctx, *done, close ? "closed" : "acknowledged");
  json j = AlertJson(ctx, *done, c.hierarchy.get());
  j["can_handle"] = true;
  return Json(200, j);
}
http::Response Acknowledge(Context& ctx, R req, Caller& c) { return Handle(ctx, req, c, false); }
http::Response Close(Context& ctx, R req, Caller& c) { return Handle(ctx, req, c, true); }

//! Marks every alert opened up to now as seen by the caller (their own view; not audited, like
//! reading notifications).
http::Response Seen(Context& ctx, R req, Caller& c) {
  auto body = ParseBody(req, std::span<const char* const>{});
  if (!body.ok()) return Error(body.status());
  if (Status s = ctx.store.alerts().MarkSeen(c.user.id, ctx.clock.Now()); !s.ok()) return Error(s);
  return Json(200, {{"unread", 0}});
}

http::Response Evaluate(Context& ctx, R, Caller& c) {
  if (!c.access->IsAdmin()) return Error(PermissionDenied("only an administrator may do this"));
  if (!ctx.alerts) return Error(Unavailable("alerts are not running on this server"));
  auto r = ctx.alerts->Evaluate(ctx.clock.Now());
  if (!r.ok()) return Error(r.status());
  json report = {{"series", r->series},
                 {"opened", r->opened},
                 {"refreshed", r->refreshed},
                 {"closed", r->closed},
                 {"hoax_scanned", r->hoax_scanned}};
  c.Audit(ctx, "alerts.evaluate", "alert", "", std::nullopt, report);
  return Json(200, report);
}

Result<Id> SettingsAgency(R req, Caller& c) {
  HUMAS_ASSIGN_OR_RETURN(Id agency, PathId(req, "agency_id"));
  if (!c.access->CanRead(agency)) return NotFound("no such agency");
  return agency;
}

http::Response GetSettings(Context& ctx, R req, Caller& c) {
  auto agency = SettingsAgency(req, c);
  if (!agency.ok()) return Error(agency.status());
  auto s = ctx.store.alerts().GetSettings(*agency);
  if (!s.ok()) return Error(s.status());
  json j = SettingsJson(*s);
  j["can_edit"] = c.access->HasOn({Role::kAdmin, Role::kPejabat}, *agency);
  return Json(200, j);
}

Status ReadDouble(const json& body, const char* key, double* out) {
  if (!body.contains(key)) return Status::Ok();
  if (!body[key].is_number())
    return InvalidArgument(std::string(key) + " must be a number").WithField(key);
  *out = body[key].get<double>();
  return Status::Ok();
}

http::Response PutSettings(Context& ctx, R req, Caller& c) {
  auto agency = SettingsAgency(req, c);
  if (!agency.ok()) return Error(agency.status());
  if (!c.access->HasOn({Role::kAdmin, Role::kPejabat}, *agency))
    return Error(
        PermissionDenied("only an administrator or the agency's pejabat may change "
                         "its alert thresholds"));
  auto body = ParseBody(req, kSettingsFields);
  if (!body.ok()) return Error(body.status());
  auto current = ctx.store.alerts().GetSettings(*agency);
  if (!current.ok()) return Error(current.status());
  store::AlertSettings s = *current;
  std::int64_t calm = s.calm_hours;
  Status st = ReadInt(*body, "version", &s.version, true);
  if (st.ok()) st = ReadBool(*body, "enabled", &s.enabled);
  if (st.ok()) st = ReadDouble(*body, "spike_score", &s.spike_score);
  if (st.ok()) st = ReadInt(*body, "spike_min_count", &s.spike_min_count);
  if (st.ok()) st = ReadDouble(*body, "negative_score", &s.negative_score);
  if (st.ok()) st = ReadInt(*body, "negative_min_count", &s.negative_min_count);
  if (st.ok()) st = ReadDouble(*body, "negative_min_share", &s.negative_min_share);
  if (st.ok()) st = ReadDouble(*body, "hoax_threshold", &s.hoax_threshold);
  if (st.ok()) st = ReadInt(*body, "calm_hours", &calm);
  if (st.ok()) st = ReadString(*body, "telegram_chat_id", &s.telegram_chat_id, false, 0, 32);
  if (!st.ok()) return Error(st);
  if (calm < 1 || calm > 168)
    return Error(InvalidArgument("calm_hours must be from 1 to 168").WithField("calm_hours"));
  s.calm_hours = static_cast<int>(calm);
  if (Status v = alerts::ValidateSettings(s); !v.ok()) return Error(v);
  s.updated_by = c.user.id;
  if (Status w = ctx.store.alerts().PutSettings(&s); !w.ok()) return Error(w);
  c.Audit(ctx, "alert_settings.update", "agency", std::to_string(*agency), *agency, *body);
  json j = SettingsJson(s);
  j["can_edit"] = true;
  return Json(200, j);
}

}  // namespace

void PublishAlert(Context& ctx, const store::Alert& alert, const std::string& change) {
  if (!ctx.server) return;
  auto agencies = ctx.store.agencies().All();
  std::optional<Hierarchy> h;
  if (agencies.ok()) h.emplace(std::move(agencies).value());
  json j = AlertJson(ctx, alert, h ? &*h : nullptr);
  j["change"] = change;
  http::SseEvent e;
  e.event = "alert";
  e.id = "alert-" + std::to_string(alert.id);
  e.data = j.dump(-1, ' ', false, json::error_handler_t::replace);
  e.scope = alert.agency_id;
  ctx.server->Publish(e);
}

void RegisterAlertRoutes(http::Server& server, Context& ctx) {
  auto route = [&](const char* method, const char* path,
                   http::Response (*fn)(Context&, R, Caller&)) {
    server.Route(method, path,
                 Authed(ctx, [&ctx, fn](R req, Caller& c) { return fn(ctx, req, c); }));
  };
  route("GET", "/api/v1/alerts", List);
  route("GET", "/api/v1/alerts/unread", Unread);
  route("POST", "/api/v1/alerts/seen", Seen);
  route("POST", "/api/v1/alerts/evaluate", Evaluate);
  route("GET", "/api/v1/alerts/{id}", Get);
  route("POST", "/api/v1/alerts/{id}/acknowledge", Acknowledge);
  route("POST", "/api/v1/alerts/{id}/close", Close);
  route("GET", "/api/v1/alert-settings/{agency_id}", GetSettings);
  route("PUT", "/api/v1/alert-settings/{agency_id}", PutSettings);
}

}  // namespace humas::api
