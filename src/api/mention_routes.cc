// /api/v1/mentions (search, detail, import), /api/v1/dashboard and the live stream /api/v1/events.
#include <algorithm>
#include <map>
#include <set>

#include "api/api.h"
#include "api/json_model.h"
#include "ingest/ingest.h"
#include "store/cases.h"
#include "store/counters.h"
#include "store/queries.h"

namespace humas::api {

//! The agencies a mention query may cover: the caller's readable set, narrowed to one agency's
//! subtree when `agency_id` is given (404 when that agency is outside the caller's scope).
Status MentionScope(const http::Request& req, Caller& c, std::optional<std::vector<Id>>* ids,
                    bool* include_unassigned) {
  HUMAS_ASSIGN_OR_RETURN(std::optional<Id> agency, QueryId(req, "agency_id"));
  if (agency) {
    if (!c.access->CanRead(*agency)) return NotFound("no such agency").WithField("agency_id");
    *ids = c.hierarchy->Subtree(*agency);
    *include_unassigned = false;
  } else {
    *ids = c.access->Readable();
    *include_unassigned = c.access->SeesUnassigned();
  }
  return Status::Ok();
}

Result<std::optional<UnixMillis>> QueryTime(const http::Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v || v->empty()) return std::optional<UnixMillis>();
  std::string text = *v;
  if (text.size() == 10) text += "T00:00:00+07:00";  // a bare date is a WIB calendar day
  auto t = ParseRfc3339(text);
  if (!t.ok())
    return InvalidArgument(std::string(name) + " must be a date or an RFC 3339 time")
        .WithField(name);
  return std::optional<UnixMillis>(*t);
}

namespace {

http::Response SearchMentions(Context& ctx, const http::Request& req, Caller& c) {
  store::MentionFilter f;
  f.q = req.Query("q").value_or("");
  if (f.q.size() > 500)
    return Error(InvalidArgument("q is too long (500 characters at most)").WithField("q"));
  if (Status s = MentionScope(req, c, &f.agency_ids, &f.include_unassigned); !s.ok())
    return Error(s);
  if (auto p = req.Query("platform"); p && !p->empty()) {
    f.platform = ParsePlatform(*p);
    if (!f.platform) return Error(InvalidArgument("platform is not valid").WithField("platform"));
  }
  auto query_id = QueryId(req, "query_id");
  if (!query_id.ok()) return Error(query_id.status());
  if (*query_id) {
    // The query must be one the caller may read; its matches are then shown within the
    // caller's usual mention scope.
    auto q = ctx.store.queries().Get(**query_id);
    if (!q.ok() || !c.access->CanRead(q->agency_id))
      return Error(NotFound("no such query").WithField("query_id"));
    f.query_id = *query_id;
  }
  f.author = req.Query("author").value_or("");
  if (!f.author.empty() && f.author[0] == '@') f.author.erase(0, 1);
  auto since = QueryTime(req, "since");
  if (!since.ok()) return Error(since.status());
  auto until = QueryTime(req, "until");
  if (!until.ok()) return Error(until.status());
  f.since = *since;
  f.until = *until;
  if (f.until && req.Query("until")->size() == 10) *f.until += 24LL * 3600 * 1000;  // inclusive day
  auto copies_of = QueryId(req, "near_duplicate_of");
  if (!copies_of.ok()) return Error(copies_of.status());
  f.near_duplicate_of = *copies_of;
  if (auto v = req.Query("near_dup"); v && !v->empty()) {
    if (*v == "exclude") {
      f.near_duplicates = store::NearDuplicates::kExclude;
    } else if (*v == "only") {
      f.near_duplicates = store::NearDuplicates::kOnly;
    } else {
      return Error(InvalidArgument("near_dup must be exclude or only").WithField("near_dup"));
    }
  }
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  auto list = ctx.store.mentions().Search(f, *page);
  if (!list.ok()) return Error(list.status());
  json items = json::array();
  for (const Mention& m : list->items)
    items.push_back(ToJson(m, c.hierarchy.get(), c.access.get()));
  return Json(200,
              {{"items", items}, {"total", list->total}, {"total_capped", list->total_capped}});
}

http::Response GetMention(Context& ctx, const http::Request& req, Caller& c) {
  auto id = PathId(req);
  if (!id.ok()) return Error(id.status());
  auto m = ctx.store.mentions().Get(*id);
  if (!m.ok()) return Error(m.status());
  bool visible = m->agency_id ? c.access->CanRead(*m->agency_id) : c.access->SeesUnassigned();
  if (!visible) return Error(NotFound("no such mention"));
  json j = ToJson(*m, c.hierarchy.get(), c.access.get());
  // The size of its near-duplicate cluster within the caller's scope: how many mentions were
  // flagged as copies of the cluster's first mention (this one, or the one it copies), from the
  // counter kept when a copy is stored (one row per agency of the copies), not a row count.
  std::optional<std::vector<Id>> scope;
  bool unassigned = false;
  if (Status s = MentionScope(req, c, &scope, &unassigned); !s.ok()) return Error(s);
  auto n = ctx.store.counters().NearDuplicateCopies(
      m->near_duplicate ? m->near_duplicate->of : m->id, scope, unassigned);
  if (!n.ok()) return Error(n.status());
  j["near_duplicate_copies"] = *n;
  // What the author wrote before their edits, oldest first (officers see what was said first).
  auto edits = ctx.store.mentions().Edits(m->id);
  if (!edits.ok()) return Error(edits.status());
  j["edits"] = json::array();
  for (const store::MentionEdit& e : *edits)
    j["edits"].push_back({{"text", e.text},
                          {"version_at", FormatRfc3339(e.version_at)},
                          {"replaced_at", FormatRfc3339(e.replaced_at)}});
  return Json(200, j);
}

http::Response ImportMentions(Context& ctx, const http::Request& req, Caller& c) {
  if (!c.access->CanImport()) return Error(PermissionDenied("your role may not import mentions"));
  ImportFormat format = ImportFormat::kAuto;
  std::string ct = req.Header("content-type");
  if (auto f = req.Query("format"); f && !f->empty()) {
    auto parsed = ParseImportFormat(*f);
    if (!parsed) return Error(InvalidArgument("format must be jsonl or csv").WithField("format"));
    format = *parsed;
  } else if (ct.find("ndjson") != std::string::npos || ct.find("jsonl") != std::string::npos) {
    format = ImportFormat::kJsonl;
  } else if (ct.find("csv") != std::string::npos) {
    format = ImportFormat::kCsv;
  }
  if (req.body.empty()) return Error(InvalidArgument("the file is empty"));
  ingest::IngestPolicy policy;
  auto agency = QueryId(req, "agency_id");
  if (!agency.ok()) return Error(agency.status());
  if (*agency) {
    if (!c.access->CanRead(**agency))
      return Error(NotFound("no such agency").WithField("agency_id"));
    policy.default_agency = *agency;
  }
  policy.agency_allowed = [&c](Id id) { return c.access->CanRead(id); };
  policy.require_agency = !c.access->SeesUnassigned();
  const Hierarchy* h = c.hierarchy.get();
  ingest::Ingestor ingestor(
      ctx.store, ctx.clock, [&ctx, h](const Mention& m) { PublishMention(ctx, m, h); }, ctx.labeler,
      std::move(policy));
  ingestor.set_matcher(listening::IntakeMatcher(ctx.matchers));
  ingestor.set_near_duplicates(ctx.near_duplicates);
  auto report = ingestor.ImportBytes(req.body, format);
  if (!report.ok()) return Error(report.status());
  json errors = json::array();
  for (const auto& e : report->errors) {
    errors.push_back(
        {{"line", e.line}, {"code", ToString(e.code)}, {"field", e.field}, {"reason", e.reason}});
  }
  json result = {{"imported", report->imported},
                 {"duplicates", report->duplicates},
                 {"updated", report->updated},
                 {"rejected", report->rejected},
                 {"errors", errors}};
  c.Audit(ctx, "mention.import", "mention", "", std::nullopt,
          {{"bytes", req.body.size()},
           {"imported", report->imported},
           {"duplicates", report->duplicates},
           {"rejected", report->rejected}});
  return Json(200, result);
}

http::Response Dashboard(Context& ctx, const http::Request& req, Caller& c) {
  std::int64_t hours = 24;
  if (auto v = req.Query("hours"); v && !v->empty()) {
    try {
      size_t pos = 0;
      hours = std::stoll(*v, &pos);
      if (pos != v->size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      hours = -1;
    }
    if (hours < 1 || hours > 24 * 90)
      return Error(InvalidArgument("hours must be from 1 to 2160").WithField("hours"));
  }
  store::RollupFilter f;
  if (Status s = MentionScope(req, c, &f.agency_ids, &f.include_unassigned); !s.ok())
    return Error(s);
  const UnixMillis kHour = 3600 * 1000;
  UnixMillis now = ctx.clock.Now();
  f.until = (now / kHour + 1) * kHour;
  f.since = f.until - hours * kHour;
  auto rows = ctx.store.rollups().Query(f);
  if (!rows.ok()) return Error(rows.status());
  std::int64_t total = 0;
  std::map<std::string, std::int64_t> by_platform;
  std::map<std::string, std::int64_t> by_sentiment = {
      {"positive", 0}, {"neutral", 0}, {"negative", 0}, {"unlabelled", 0}};
  std::map<UnixMillis, std::int64_t> series;
  std::map<Id, std::int64_t> by_agency;
  for (UnixMillis hr = f.since; hr < f.until; hr += kHour) series[hr] = 0;
  for (const auto& r : *rows) {
    total += r.count;
    by_platform[std::string(ToString(r.platform))] += r.count;
    by_sentiment[r.sentiment.empty() ? "unlabelled" : r.sentiment] += r.count;
    series[r.hour] += r.count;
    if (r.agency_id) by_agency[*r.agency_id] += r.count;
  }
  json s = json::array();
  for (const auto& [hr, n] : series) s.push_back({{"hour", FormatRfc3339(hr)}, {"count", n}});
  std::vector<std::pair<Id, std::int64_t>> ranked(by_agency.begin(), by_agency.end());
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.second > b.second; });
  json agencies = json::array();
  for (const auto& [id, n] : ranked) {
    const Agency* a = c.hierarchy->Find(id);
    agencies.push_back({{"agency_id", id}, {"name", a ? a->name : ""}, {"count", n}});
  }
  return Json(200, {{"total", total},
                    {"hours", hours},
                    {"by_platform", by_platform},
                    {"by_sentiment", by_sentiment},
                    {"series", s},
                    {"agencies", agencies}});
}

}  // namespace

void PublishMention(Context& ctx, const Mention& m, const Hierarchy* h) {
  if (!ctx.server) return;
  http::SseEvent e;
  e.event = m.just_edited ? "mention.edited" : "mention";
  e.id = std::to_string(m.id);
  json j = ToJson(m, h);
  j["query_ids"] = m.query_ids;  // the agency queries it matched at intake (stream filters)
  e.data = j.dump(-1, ' ', false, json::error_handler_t::replace);
  e.scope = m.agency_id.value_or(0);
  ctx.server->Publish(e);
  // An edit may have opened the mention's case or added a "content_edited" event to it: an open
  // case view reloads.
  if (m.just_edited) {
    auto kase = ctx.store.inbox().CaseOfMention(m.id);
    if (kase.ok() && IsOpen(kase->state)) PublishCaseChange(ctx, kase->id);
  }
}

void RegisterMentionRoutes(http::Server& server, Context& ctx) {
  using R = const http::Request&;
  server.Route("GET", "/api/v1/mentions",
               Authed(ctx, [&ctx](R req, Caller& c) { return SearchMentions(ctx, req, c); }));
  server.Route("GET", "/api/v1/mentions/{id}",
               Authed(ctx, [&ctx](R req, Caller& c) { return GetMention(ctx, req, c); }));
  server.Route("POST", "/api/v1/mentions/import",
               Authed(ctx, [&ctx](R req, Caller& c) { return ImportMentions(ctx, req, c); }),
               /*large_body=*/true);
  server.Route("GET", "/api/v1/dashboard",
               Authed(ctx, [&ctx](R req, Caller& c) { return Dashboard(ctx, req, c); }));

  server.SseRoute("/api/v1/events", [&ctx](R req) {
    http::SseDecision d;
    auto caller = ResolveCaller(ctx, req);
    if (!caller.ok()) {
      d.reject = Error(caller.status());
      return d;
    }
    auto readable = std::make_shared<std::set<Id>>();
    for (Id id : (*caller)->access->Readable()) readable->insert(id);
    bool unassigned = (*caller)->access->SeesUnassigned();
    // shared_ptr: the filter is copied into the server's subscriber list and outlives this call.
    d.filter = [readable, unassigned](const http::SseEvent& e) {
      return e.scope == 0 ? unassigned : readable->count(e.scope) > 0;
    };
    return d;
  });
}

}  // namespace humas::api
