// /api/v1/queries: what each agency watches (social listening) — CRUD, preview over stored
// mentions, per-query hourly counts. Writes rebuild the intake matcher (listening/matcher.h).
#include <algorithm>
#include <map>

#include "api/api.h"
#include "api/json_model.h"
#include "connectors/pull/settings.h"
#include "connectors/stream/hub.h"
#include "connectors/x/stream.h"
#include "core/log.h"
#include "search/agency_query.h"
#include "store/queries.h"

namespace humas::api {
namespace {

const char* const kQueryFields[] = {"agency_id", "name",   "expression", "platforms",
                                    "languages", "active", "version"};
const char* const kPreviewFields[] = {"expression", "platforms", "languages", "limit"};
constexpr std::int64_t kPreviewScan = 20000;  //!< newest stored mentions a preview looks at
//! Only a sanity bound: the expression parser refuses empty and over-long expressions itself, with
//! the reason codes (empty, too_long) and positions the web client translates and marks.
constexpr size_t kExpressionReadLimit = 100000;
constexpr UnixMillis kHourMs = 3'600'000;

json QueryJson(const store::AgencyQuery& q, const Hierarchy* h) {
  json platforms = json::array();
  for (Platform p : q.platforms) platforms.push_back(std::string(ToString(p)));
  const Agency* a = h ? h->Find(q.agency_id) : nullptr;
  return {{"id", q.id},
          {"agency_id", q.agency_id},
          {"agency_name", a ? a->name : ""},
          {"name", q.name},
          {"expression", q.expression},
          {"platforms", platforms},
          {"languages", q.languages},
          {"active", q.active},
          {"created_by", q.created_by ? json(*q.created_by) : json(nullptr)},
          {"created_at", FormatRfc3339(q.created_at)},
          {"updated_at", FormatRfc3339(q.updated_at)},
          {"version", q.version}};
}

//! The agency's enabled X filtered streams that do not stream this query, and why: X's rule
//! language cannot say it, X refused its rule at the last sync, or the connector streams the
//! rules typed on its form instead of the queries.
json XStreamGaps(Context& ctx, const store::AgencyQuery& q) {
  json out = json::array();
  store::ConnectorFilter f;
  f.agency_ids = std::vector<Id>{q.agency_id};
  f.platform = Platform::kX;
  f.enabled = true;
  store::Page page;
  page.limit = 1000;
  auto list = ctx.store.connectors().List(f, page);
  if (!list.ok() || !q.active) return out;
  for (const store::Connector& c : list->items) {
    json settings = json::parse(c.settings_json, nullptr, false);
    if (!connectors::pull::IsXStream(settings)) continue;
    auto s = connectors::pull::ParseXStreamSettings(settings);
    if (!s.ok()) continue;
    std::string reason, kind;
    if (!s->rules.empty()) {
      kind = "typed_rules";
      reason = "the connector streams the rules typed on its form, not the agency's queries";
    } else if (auto wanted = connectors::x::StreamProtocol::WantedRules(ctx.store, c);
               wanted.ok()) {
      for (const auto& u : wanted->unexpressible)
        if (u.query_id == q.id) {
          kind = "unexpressible";
          reason = u.reason;
        }
      bool compiled = false;
      for (const auto& r : wanted->rules)
        compiled = compiled || connectors::x::QueryOfTag(r.tag) == q.id;
      if (reason.empty() && !compiled) continue;  // not X's concern (other platforms only)
    }
    if (reason.empty() && ctx.streams)
      if (auto h = ctx.streams->Health(c.id))
        for (const auto& r : h->refused_rules)
          if (r.query_id == q.id) {
            kind = "refused";
            reason = "X refused the rule: " + r.reason;
          }
    if (reason.empty()) continue;
    out.push_back(
        {{"connector_id", c.id}, {"connector_name", c.name}, {"kind", kind}, {"reason", reason}});
  }
  return out;
}

//! 400 for an expression the parser refuses, with the error's stable code and position.
http::Response ExpressionError(const Status& s, const search::QueryError& e) {
  return Json(400, {{"error",
                     {{"code", "invalid_argument"},
                      {"message", s.message()},
                      {"field", "expression"},
                      {"reason", e.code},
                      {"position", e.position}}}});
}

//! Reads platforms/languages (arrays of strings) when present.
Status ReadFilters(const json& body, std::vector<Platform>* platforms,
                   std::vector<std::string>* languages) {
  if (body.contains("platforms")) {
    const json& v = body["platforms"];
    if (!v.is_array()) return InvalidArgument("platforms must be a list").WithField("platforms");
    platforms->clear();
    for (const json& p : v) {
      auto parsed = p.is_string() ? ParsePlatform(p.get<std::string>()) : std::nullopt;
      if (!parsed) return InvalidArgument("platforms: unknown platform").WithField("platforms");
      if (std::find(platforms->begin(), platforms->end(), *parsed) == platforms->end())
        platforms->push_back(*parsed);
    }
  }
  if (body.contains("languages")) {
    const json& v = body["languages"];
    if (!v.is_array()) return InvalidArgument("languages must be a list").WithField("languages");
    languages->clear();
    for (const json& l : v) {
      if (!l.is_string())
        return InvalidArgument("languages: each must be a string").WithField("languages");
      std::string code = l.get<std::string>();
      if (std::find(languages->begin(), languages->end(), code) == languages->end())
        languages->push_back(code);
    }
    HUMAS_RETURN_IF_ERROR(listening::ValidateLanguages(*languages));
  }
  return Status::Ok();
}

//! Validates the expression; on failure the response to send.
std::optional<http::Response> CheckExpression(const std::string& expression) {
  search::QueryError err;
  auto parsed = search::ParseAgencyQuery(expression, &err);
  if (!parsed.ok()) return ExpressionError(parsed.status(), err);
  return std::nullopt;
}

bool CanWrite(const Caller& c, Id agency) {
  return c.access->HasOn({Role::kAdmin, Role::kKoordinator, Role::kPejabat, Role::kPetugas},
                         agency);
}

void RebuildMatcher(Context& ctx) {
  Status s = ctx.matchers->Rebuild(ctx.store.queries());
  if (!s.ok()) Log(LogLevel::kError, "listening.rebuild_failed", {{"error", s.ToString()}});
}

//! Loads a query the caller may read (404 otherwise).
Result<store::AgencyQuery> Readable(Context& ctx, const http::Request& req, Caller& c) {
  HUMAS_ASSIGN_OR_RETURN(Id id, PathId(req));
  auto q = ctx.store.queries().Get(id);
  if (!q.ok() || !c.access->CanRead(q->agency_id)) {
    if (!q.ok() && q.status().code() != Code::kNotFound) return q.status();
    return NotFound("no such query");
  }
  return q;
}

http::Response List(Context& ctx, const http::Request& req, Caller& c) {
  store::AgencyQueryFilter f;
  f.q = req.Query("q").value_or("");
  auto agency = QueryId(req, "agency_id");
  if (!agency.ok()) return Error(agency.status());
  if (*agency) {
    if (!c.access->CanRead(**agency))
      return Error(NotFound("no such agency").WithField("agency_id"));
    f.agency_ids = c.hierarchy->Subtree(**agency);
  } else {
    f.agency_ids = c.access->Readable();
  }
  if (auto a = req.Query("active"); a && !a->empty()) {
    if (*a != "true" && *a != "false")
      return Error(InvalidArgument("active must be true or false").WithField("active"));
    f.active = *a == "true";
  }
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  auto list = ctx.store.queries().List(f, *page);
  if (!list.ok()) return Error(list.status());
  json items = json::array();
  for (const auto& q : list->items) items.push_back(QueryJson(q, c.hierarchy.get()));
  return Json(200, {{"items", items}, {"total", list->total}});
}

http::Response Create(Context& ctx, const http::Request& req, Caller& c) {
  auto body = ParseBody(req, kQueryFields);
  if (!body.ok()) return Error(body.status());
  store::AgencyQuery q;
  std::int64_t agency = 0;
  Status s = ReadInt(*body, "agency_id", &agency, true);
  if (s.ok()) s = ReadString(*body, "name", &q.name, true, 1, 100);
  if (s.ok()) s = ReadString(*body, "expression", &q.expression, false, 0, kExpressionReadLimit);
  if (s.ok()) s = ReadBool(*body, "active", &q.active);
  if (s.ok()) s = ReadFilters(*body, &q.platforms, &q.languages);
  if (s.ok() && body->contains("version"))
    s = InvalidArgument("version is set by the server").WithField("version");
  if (!s.ok()) return Error(s);
  q.agency_id = agency;
  if (!c.access->CanRead(q.agency_id))
    return Error(NotFound("no such agency").WithField("agency_id"));
  if (!CanWrite(c, q.agency_id))
    return Error(PermissionDenied("your role may not change this agency's queries"));
  if (auto bad = CheckExpression(q.expression)) return *bad;
  q.created_by = c.user.id;
  if (Status st = ctx.store.queries().Create(&q); !st.ok()) return Error(st);
  RebuildMatcher(ctx);
  c.Audit(ctx, "query.create", "query", std::to_string(q.id), q.agency_id, *body);
  return Json(201, QueryJson(q, c.hierarchy.get()));
}

http::Response Get(Context& ctx, const http::Request& req, Caller& c) {
  auto q = Readable(ctx, req, c);
  if (!q.ok()) return Error(q.status());
  json j = QueryJson(*q, c.hierarchy.get());
  j["x_stream_gaps"] = XStreamGaps(ctx, *q);
  return Json(200, j);
}

http::Response Update(Context& ctx, const http::Request& req, Caller& c) {
  auto q = Readable(ctx, req, c);
  if (!q.ok()) return Error(q.status());
  auto body = ParseBody(req, kQueryFields);
  if (!body.ok()) return Error(body.status());
  if (!CanWrite(c, q->agency_id))
    return Error(PermissionDenied("your role may not change this agency's queries"));
  if (body->contains("agency_id") && (*body)["agency_id"] != json(q->agency_id))
    return Error(InvalidArgument("agency_id cannot be changed; create the query in the other "
                                 "agency instead")
                     .WithField("agency_id"));
  Status s = ReadInt(*body, "version", &q->version, true);
  if (s.ok()) s = ReadString(*body, "name", &q->name, false, 1, 100);
  if (s.ok()) s = ReadString(*body, "expression", &q->expression, false, 0, kExpressionReadLimit);
  if (s.ok()) s = ReadBool(*body, "active", &q->active);
  if (s.ok()) s = ReadFilters(*body, &q->platforms, &q->languages);
  if (!s.ok()) return Error(s);
  if (auto bad = CheckExpression(q->expression)) return *bad;
  if (Status st = ctx.store.queries().Update(&*q); !st.ok()) return Error(st);
  RebuildMatcher(ctx);
  c.Audit(ctx, "query.update", "query", std::to_string(q->id), q->agency_id, *body);
  return Json(200, QueryJson(*q, c.hierarchy.get()));
}

http::Response Delete(Context& ctx, const http::Request& req, Caller& c) {
  auto q = Readable(ctx, req, c);
  if (!q.ok()) return Error(q.status());
  if (!CanWrite(c, q->agency_id))
    return Error(PermissionDenied("your role may not change this agency's queries"));
  if (Status st = ctx.store.queries().Delete(q->id); !st.ok()) return Error(st);
  RebuildMatcher(ctx);
  c.Audit(ctx, "query.delete", "query", std::to_string(q->id), q->agency_id,
          {{"name", q->name}, {"expression", q->expression}});
  return NoContent();
}

http::Response Preview(Context& ctx, const http::Request& req, Caller& c) {
  auto body = ParseBody(req, kPreviewFields);
  if (!body.ok()) return Error(body.status());
  listening::QuerySpec spec;
  std::string expression;
  std::int64_t limit = 20;
  Status s = ReadString(*body, "expression", &expression, false, 0, kExpressionReadLimit);
  if (s.ok()) s = ReadInt(*body, "limit", &limit);
  if (s.ok() && (limit < 1 || limit > 100))
    s = InvalidArgument("limit must be from 1 to 100").WithField("limit");
  if (s.ok()) s = ReadFilters(*body, &spec.platforms, &spec.languages);
  if (!s.ok()) return Error(s);
  search::QueryError err;
  auto parsed = search::ParseAgencyQuery(expression, &err);
  if (!parsed.ok()) return ExpressionError(parsed.status(), err);
  spec.id = 1;
  spec.expr = std::move(parsed).value();
  auto matcher = listening::Matcher::Compile({std::move(spec)});
  if (!matcher.ok()) return Error(matcher.status());

  store::MentionScanScope scope;
  scope.agency_ids = c.access->Readable();
  scope.include_unassigned = c.access->SeesUnassigned();
  scope.max_scan = kPreviewScan;
  std::int64_t count = 0;
  json items = json::array();
  auto scanned = ctx.store.queries().ScanRecent(scope, [&](const Mention& m) {
    if ((*matcher)->Match(m.data.platform, m.data.text, m.data.author_handle).empty()) return true;
    ++count;
    if (static_cast<std::int64_t>(items.size()) < limit)
      items.push_back(ToJson(m, c.hierarchy.get(), c.access.get()));
    return true;
  });
  if (!scanned.ok()) return Error(scanned.status());
  return Json(200, {{"count", count},
                    {"scanned", *scanned},
                    {"capped", *scanned >= kPreviewScan},
                    {"items", items}});
}

http::Response Hourly(Context& ctx, const http::Request& req, Caller& c) {
  auto q = Readable(ctx, req, c);
  if (!q.ok()) return Error(q.status());
  std::int64_t hours = 24;
  if (auto v = req.Query("hours"); v && !v->empty()) {
    hours = -1;
    try {
      size_t pos = 0;
      hours = std::stoll(*v, &pos);
      if (pos != v->size()) hours = -1;
    } catch (const std::exception&) {
      hours = -1;
    }
    if (hours < 1 || hours > 24 * 90)
      return Error(InvalidArgument("hours must be from 1 to 2160").WithField("hours"));
  }
  UnixMillis until = (ctx.clock.Now() / kHourMs + 1) * kHourMs;
  UnixMillis since = until - hours * kHourMs;
  auto rows = ctx.store.queries().Hourly({q->id}, since, until);
  if (!rows.ok()) return Error(rows.status());
  std::map<UnixMillis, std::map<std::string, std::int64_t>> by_hour;
  for (UnixMillis h = since; h < until; h += kHourMs) by_hour[h];
  std::int64_t total = 0;
  for (const auto& r : *rows) {
    by_hour[r.hour][r.sentiment.empty() ? "unlabelled" : r.sentiment] += r.count;
    total += r.count;
  }
  json series = json::array();
  for (const auto& [hour, counts] : by_hour) {
    std::int64_t n = 0;
    json by_sentiment = {{"positive", 0}, {"neutral", 0}, {"negative", 0}, {"unlabelled", 0}};
    for (const auto& [sentiment, k] : counts) {
      by_sentiment[sentiment] = k;
      n += k;
    }
    series.push_back({{"hour", FormatRfc3339(hour)}, {"count", n}, {"by_sentiment", by_sentiment}});
  }
  return Json(200, {{"query_id", q->id}, {"hours", hours}, {"total", total}, {"series", series}});
}

}  // namespace

void RegisterQueryRoutes(http::Server& server, Context& ctx) {
  using R = const http::Request&;
  server.Route("GET", "/api/v1/queries",
               Authed(ctx, [&ctx](R req, Caller& c) { return List(ctx, req, c); }));
  server.Route("POST", "/api/v1/queries",
               Authed(ctx, [&ctx](R req, Caller& c) { return Create(ctx, req, c); }));
  server.Route("POST", "/api/v1/queries/preview",
               Authed(ctx, [&ctx](R req, Caller& c) { return Preview(ctx, req, c); }));
  server.Route("GET", "/api/v1/queries/{id}",
               Authed(ctx, [&ctx](R req, Caller& c) { return Get(ctx, req, c); }));
  server.Route("PATCH", "/api/v1/queries/{id}",
               Authed(ctx, [&ctx](R req, Caller& c) { return Update(ctx, req, c); }));
  server.Route("DELETE", "/api/v1/queries/{id}",
               Authed(ctx, [&ctx](R req, Caller& c) { return Delete(ctx, req, c); }));
  server.Route("GET", "/api/v1/queries/{id}/hourly",
               Authed(ctx, [&ctx](R req, Caller& c) { return Hourly(ctx, req, c); }));
  // The intake matcher starts with every active query already stored.
  RebuildMatcher(ctx);
}

}  // namespace humas::api
