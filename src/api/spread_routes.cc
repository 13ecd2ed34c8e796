// What spreads and who spreads it: /api/v1/mentions/{id}/cascade, /api/v1/mentions/{id}/labels
// (label corrections), /api/v1/authors/top and /api/v1/authors/{platform}/{handle}.
#include <algorithm>

#include "api/api.h"
#include "api/json_model.h"
#include "spread/spread.h"
#include "store/spread.h"

namespace humas::api {
namespace {

constexpr UnixMillis kDayMs = 86'400'000;
constexpr UnixMillis kMaxWindowMs = 92 * kDayMs;
constexpr int kDefaultCascadeNodes = 2000;

//! How the influence ranking is computed, returned with every ranking (docs/api.md).
constexpr char kInfluenceMeasure[] =
    "influence = sum over the author's mentions in the window of likes + max(shares + replies "
    "reported by the platform, replies and shares by other authors stored in humas)";

bool Visible(const Caller& c, const Mention& m) {
  return m.agency_id ? c.access->CanRead(*m.agency_id) : c.access->SeesUnassigned();
}

//! The mention named by {id}, or 404 when it is absent or outside the caller's scope.
Result<Mention> VisibleMention(Context& ctx, const http::Request& req, Caller& c) {
  HUMAS_ASSIGN_OR_RETURN(Id id, PathId(req));
  auto m = ctx.store.mentions().Get(id);
  if (!m.ok()) return m.status();
  if (!Visible(c, *m)) return NotFound("no such mention");
  return m;
}

json StatsJson(const spread::CascadeStats& s) {
  return {{"size", s.size},
          {"depth", s.depth},
          {"breadth", s.breadth},
          {"replies", s.replies},
          {"shares", s.shares},
          {"distinct_authors", s.distinct_authors},
          {"engagement_reported", s.engagement_reported},
          {"first_at", FormatRfc3339(s.first_at)},
          {"last_at", FormatRfc3339(s.last_at)},
          {"reach",
           {{"estimated", s.estimated_reach ? json(*s.estimated_reach) : json(nullptr)},
            {"authors_with_followers", s.authors_with_followers},
            {"authors_without_followers", s.distinct_authors - s.authors_with_followers}}}};
}

http::Response GetCascade(Context& ctx, const http::Request& req, Caller& c) {
  auto m = VisibleMention(ctx, req, c);
  if (!m.ok()) return Error(m.status());
  auto max_nodes = QueryInt(req, "max_nodes", kDefaultCascadeNodes, 1, 20000);
  if (!max_nodes.ok()) return Error(max_nodes.status());
  auto cascade = ctx.store.spread().GetCascade(m->id, static_cast<int>(*max_nodes));
  if (!cascade.ok()) return Error(cascade.status());
  std::map<Id, size_t> index;
  for (size_t i = 0; i < cascade->nodes.size(); ++i) index[cascade->nodes[i].mention.id] = i;
  json nodes = json::array();
  for (size_t i = 0; i < cascade->nodes.size(); ++i) {
    const store::CascadeNode& n = cascade->nodes[i];
    const bool visible = Visible(c, n.mention);
    json node = {{"index", i},
                 {"parent", n.parent_id ? json(index[n.parent_id]) : json(nullptr)},
                 {"link", store::ToString(n.link)},
                 {"depth", n.depth},
                 {"hidden", !visible},
                 {"created_at", FormatRfc3339(n.mention.data.created_at)},
                 // Members outside the caller's scope keep their place in the tree but show
                 // nothing else.
                 {"mention", visible ? ToJson(n.mention, c.hierarchy.get()) : json(nullptr)}};
    nodes.push_back(std::move(node));
  }
  const Mention& root = cascade->nodes.front().mention;
  return Json(200, {{"mention_id", m->id},
                    {"root_id", Visible(c, root) ? json(root.id) : json(nullptr)},
                    {"missing_parent", cascade->missing_parent},
                    {"truncated", cascade->truncated},
                    {"stats", StatsJson(spread::ComputeCascadeStats(*cascade))},
                    {"nodes", nodes}});
}

json CorrectionJson(const store::LabelCorrection& x) {
  return {{"id", x.id},
          {"mention_id", x.mention_id},
          {"task", store::ToString(x.task)},
          {"old_value", x.old_value},
          {"old_confidence", x.old_confidence},
          {"new_value", x.new_value},
          {"user_id", x.user_id ? json(*x.user_id) : json(nullptr)},
          {"username", x.username},
          {"note", x.note},
          {"at", FormatRfc3339(x.at)}};
}

http::Response ListCorrections(Context& ctx, const http::Request& req, Caller& c) {
  auto m = VisibleMention(ctx, req, c);
  if (!m.ok()) return Error(m.status());
  auto list = ctx.store.corrections().ForMention(m->id);
  if (!list.ok()) return Error(list.status());
  json items = json::array();
  for (const auto& x : *list) items.push_back(CorrectionJson(x));
  return Json(200, {{"items", items}});
}

http::Response CorrectLabel(Context& ctx, const http::Request& req, Caller& c) {
  static constexpr const char* kAllowed[] = {"task", "value", "note"};
  auto body = ParseBody(req, kAllowed);
  if (!body.ok()) return Error(body.status());
  auto m = VisibleMention(ctx, req, c);
  if (!m.ok()) return Error(m.status());
  // Reading is not enough: pimpinan read dashboards only. Unassigned mentions: admin/koordinator.
  const bool may =
      m->agency_id
          ? c.access->HasOn({Role::kAdmin, Role::kKoordinator, Role::kPejabat, Role::kPetugas},
                            *m->agency_id)
          : c.access->SeesUnassigned();
  if (!may) return Error(PermissionDenied("your role may not correct labels"));
  std::string task_name, value, note;
  if (Status s = ReadString(*body, "task", &task_name, true, 1, 20); !s.ok()) return Error(s);
  if (Status s = ReadString(*body, "value", &value, true, 1, 40); !s.ok()) return Error(s);
  if (Status s = ReadString(*body, "note", &note, false, 0, 500); !s.ok()) return Error(s);
  auto task = store::ParseLabelTask(task_name);
  if (!task)
    return Error(InvalidArgument("task must be sentiment, kind or hoax").WithField("task"));
  store::LabelCorrection x;
  x.mention_id = m->id;
  x.task = *task;
  x.new_value = value;
  x.user_id = c.user.id;
  x.username = c.user.username;
  x.note = note;
  x.at = ctx.clock.Now();
  if (Status s = ctx.store.corrections().Apply(&x); !s.ok()) return Error(s);
  c.Audit(ctx, "mention.label_correct", "mention", std::to_string(m->id), m->agency_id,
          {{"task", task_name},
           {"old", x.old_value},
           {"old_confidence", x.old_confidence},
           {"new", x.new_value},
           {"correction_id", x.id}});
  auto updated = ctx.store.mentions().Get(m->id);
  if (!updated.ok()) return Error(updated.status());
  return Json(
      200, {{"correction", CorrectionJson(x)}, {"mention", ToJson(*updated, c.hierarchy.get())}});
}

//! Window and scope of an author query: since/until (default: the `default_days` up to now; at
//! most 92 days), agency_id (subtree) and topic (a hashtag, with or without '#').
Status ReadActivityFilter(Context& ctx, const http::Request& req, Caller& c, int default_days,
                          store::ActivityFilter* f) {
  HUMAS_RETURN_IF_ERROR(MentionScope(req, c, &f->agency_ids, &f->include_unassigned));
  HUMAS_ASSIGN_OR_RETURN(std::optional<UnixMillis> since, QueryTime(req, "since"));
  HUMAS_ASSIGN_OR_RETURN(std::optional<UnixMillis> until, QueryTime(req, "until"));
  if (until && req.Query("until")->size() == 10) *until += kDayMs;  // inclusive day
  // Author activity is counted per UTC day (store/counters.h): the window is whole days, since
  // rounded down and until up (the default: the last `default_days` days, today included).
  auto day_floor = [](UnixMillis t) { return t - ((t % kDayMs) + kDayMs) % kDayMs; };
  f->until = day_floor(until.value_or(ctx.clock.Now() + 1) - 1) + kDayMs;
  f->since = since ? day_floor(*since) : f->until - default_days * kDayMs;
  if (f->since >= f->until) return InvalidArgument("since must be before until").WithField("since");
  if (f->until - f->since > kMaxWindowMs)
    return InvalidArgument("the window is at most 92 days").WithField("since");
  std::string topic = req.Query("topic").value_or("");
  if (!topic.empty() && topic[0] == '#') topic.erase(0, 1);
  f->hashtag = topic;
  return Status::Ok();
}

json SegmentJson(const spread::SegmentResult& r) {
  json unobservable = json::array();
  for (auto s : spread::UnobservableSegments()) unobservable.push_back(spread::ToString(s));
  return {{"segment", r.segment ? json(spread::ToString(*r.segment)) : json(nullptr)},
          {"rule", r.rule},
          {"reason", r.reason},
          {"window_weeks", r.window_weeks},
          {"unobservable", unobservable}};
}

json ActivityJson(const store::AuthorActivity& a) {
  return {{"platform", ToString(a.platform)},
          {"handle", a.handle},
          {"name", a.name},
          {"influence", a.influence},
          {"followers", a.followers ? json(*a.followers) : json(nullptr)},
          {"evidence",
           {{"mentions", a.mentions},
            {"originals", a.originals},
            {"replies", a.replies},
            {"critical_replies", a.critical_replies},
            {"shares", a.shares},
            {"active_days", a.active_days},
            {"original_weeks", a.original_weeks},
            {"likes_received", a.likes_received},
            {"shares_received", a.shares_received},
            {"replies_received", a.replies_received},
            {"reactions_observed", a.reactions_observed}}},
          {"first_at", a.mentions ? json(FormatRfc3339(a.first_at)) : json(nullptr)},
          {"last_at", a.mentions ? json(FormatRfc3339(a.last_at)) : json(nullptr)}};
}

json WindowJson(const store::ActivityFilter& f) {
  return {{"since", FormatRfc3339(f.since)},
          {"until", FormatRfc3339(f.until)},
          {"topic", f.hashtag.empty() ? json(nullptr) : json("#" + f.hashtag)}};
}

http::Response TopAuthors(Context& ctx, const http::Request& req, Caller& c) {
  store::ActivityFilter f;
  // A ranking reads every mention in the window and scope: a week by default.
  if (Status s = ReadActivityFilter(ctx, req, c, 7, &f); !s.ok()) return Error(s);
  auto limit = QueryInt(req, "limit", 20, 1, 100);
  if (!limit.ok()) return Error(limit.status());
  store::TopicCoverage coverage;
  auto top = ctx.store.spread().TopAuthors(f, static_cast<int>(*limit), &coverage);
  if (!top.ok()) return Error(top.status());
  json items = json::array();
  for (const auto& a : *top) {
    json item = ActivityJson(a);
    item["segment"] = SegmentJson(spread::InferSegment(a, f.until - f.since));
    items.push_back(std::move(item));
  }
  json out = {{"window", WindowJson(f)}, {"measure", kInfluenceMeasure}, {"items", items}};
  // A topic ranking reads at most topic_cap of the newest mentions containing the word.
  if (!f.hashtag.empty())
    out["topic_coverage"] = {
        {"candidates", coverage.candidates}, {"cap", f.topic_cap}, {"capped", coverage.capped}};
  return Json(200, out);
}

http::Response AuthorProfile(Context& ctx, const http::Request& req, Caller& c) {
  auto platform = ParsePlatform(req.params.at("platform"));
  if (!platform) return Error(NotFound("no such platform"));
  std::string handle = req.params.at("handle");
  if (handle.empty() || handle.size() > 200) return Error(NotFound("no such author"));
  store::ActivityFilter f;
  if (Status s = ReadActivityFilter(ctx, req, c, 30, &f); !s.ok()) return Error(s);
  auto a = ctx.store.spread().Author(*platform, handle, f);
  if (!a.ok()) return Error(a.status());
  // The author's latest mentions in the same scope and window.
  store::MentionFilter mf;
  mf.platform = *platform;
  mf.author = handle;
  mf.since = f.since;
  mf.until = f.until;
  mf.agency_ids = f.agency_ids;
  mf.include_unassigned = f.include_unassigned;
  auto recent = ctx.store.mentions().Search(mf, {10, 0});
  if (!recent.ok()) return Error(recent.status());
  json mentions = json::array();
  for (const Mention& m : recent->items)
    mentions.push_back(ToJson(m, c.hierarchy.get(), c.access.get()));
  json out = ActivityJson(*a);
  out["segment"] = SegmentJson(spread::InferSegment(*a, f.until - f.since));
  out["window"] = WindowJson(f);
  out["measure"] = kInfluenceMeasure;
  out["recent"] = mentions;
  return Json(200, out);
}

}  // namespace

void RegisterSpreadRoutes(http::Server& server, Context& ctx) {
  using R = const http::Request&;
  server.Route("GET", "/api/v1/mentions/{id}/cascade",
               Authed(ctx, [&ctx](R req, Caller& c) { return GetCascade(ctx, req, c); }));
  server.Route("GET", "/api/v1/mentions/{id}/corrections",
               Authed(ctx, [&ctx](R req, Caller& c) { return ListCorrections(ctx, req, c); }));
  server.Route("POST", "/api/v1/mentions/{id}/labels",
               Authed(ctx, [&ctx](R req, Caller& c) { return CorrectLabel(ctx, req, c); }));
  server.Route("GET", "/api/v1/authors/top",
               Authed(ctx, [&ctx](R req, Caller& c) { return TopAuthors(ctx, req, c); }));
  server.Route("GET", "/api/v1/authors/{platform}/{handle}",
               Authed(ctx, [&ctx](R req, Caller& c) { return AuthorProfile(ctx, req, c); }));
}

}  // namespace humas::api
