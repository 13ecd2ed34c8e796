// /api/v1/cases, /dispositions, /replies: the inbox of docs/api.md (issue 6).
#include <algorithm>
#include <regex>
#include <set>

#include "api/api.h"
#include "api/inbox_common.h"
#include "api/json_model.h"

namespace humas::api {

// ---------------------------------------------------------------- JSON

json InboxJson::UserRef(std::optional<Id> id) {
  if (!id) return nullptr;
  auto it = users_.find(*id);
  if (it != users_.end()) return it->second;
  auto u = ctx_.store.users().Get(*id);
  json j = u.ok()
               ? json{{"id", u->id}, {"username", u->username}, {"display_name", u->display_name}}
               : json{{"id", *id}, {"username", ""}, {"display_name", ""}};
  users_[*id] = j;
  return j;
}

std::string InboxJson::AgencyName(Id id) const {
  const Agency* a = caller_.hierarchy->Find(id);
  return a ? a->name : "";
}

json InboxJson::CaseJson(const Case& c) {
  const Agency* a = caller_.hierarchy->Find(c.agency_id);
  UnixMillis now = ctx_.clock.Now();
  json sla = nullptr;
  if (c.due_at) {
    sla = {{"deadline_at", FormatRfc3339(*c.due_at)},
           {"mode", "calendar"},
           {"hours", nullptr},
           {"timezone", a ? a->timezone : "Asia/Jakarta"},
           {"remaining_ms", *c.due_at - now},
           {"status", now >= *c.due_at ? "overdue" : "on_track"}};
  }
  return {{"id", c.id},
          {"agency_id", c.agency_id},
          {"agency_name", a ? a->name : ""},
          {"timezone", a ? a->timezone : "Asia/Jakarta"},
          {"platform", ToString(c.platform)},
          {"citizen", {{"handle", c.citizen_handle}, {"name", c.citizen_name}}},
          {"subject", c.subject},
          {"input_kind", c.input_kind},
          {"state", ToString(c.state)},
          {"reopened", c.reopened},
          {"priority", ToString(c.priority)},
          {"assignee", UserRef(c.assignee_id)},
          {"mention_count", c.mention_count},
          {"first_mention_at", FormatRfc3339(c.first_mention_at)},
          {"last_mention_at", FormatRfc3339(c.last_mention_at)},
          {"last_activity_at", FormatRfc3339(c.last_activity_at)},
          {"first_response_at", TimeOrNull(c.first_response_at)},
          {"closed_at", TimeOrNull(c.closed_at)},
          {"due_at", TimeOrNull(c.due_at)},
          {"sla", sla},
          {"version", c.version},
          {"created_at", FormatRfc3339(c.created_at)},
          {"updated_at", FormatRfc3339(c.updated_at)}};
}

json InboxJson::DispositionJson(const Disposition& d) {
  UnixMillis now = ctx_.clock.Now();
  auto it = calendars_.find(d.to_agency_id);
  if (it == calendars_.end()) {
    std::optional<sla::Calendar> cal;
    auto region = inbox::RegionOf(ctx_.store, d.to_agency_id);
    if (region.ok()) {
      auto settings = ctx_.store.inbox().GetSettings(*region);
      if (settings.ok()) {
        auto made = inbox::CalendarFor(ctx_.store, *settings, d.timezone, now);
        if (made.ok()) cal = *made;
      }
    }
    it = calendars_.emplace(d.to_agency_id, cal).first;
  }
  json sla = nullptr;
  if (it->second) {
    inbox::SlaView v = inbox::ViewSla(d, *it->second, now);
    sla = {{"deadline_at", FormatRfc3339(d.deadline_at)},
           {"mode", d.sla_mode},
           {"hours", d.sla_ms / 3'600'000},
           {"timezone", d.timezone},
           {"remaining_ms", v.remaining_ms},
           {"status", v.status}};
  }
  return {{"id", d.id},
          {"case_id", d.case_id},
          {"parent_id", d.parent_id ? json(*d.parent_id) : json(nullptr)},
          {"from_agency_id", d.from_agency_id},
          {"from_agency_name", AgencyName(d.from_agency_id)},
          {"to_agency_id", d.to_agency_id},
          {"to_agency_name", AgencyName(d.to_agency_id)},
          {"question", d.question},
          {"context", d.context},
          {"state", ToString(d.state)},
          {"answer", d.answer},
          {"refusal_reason", d.refusal_reason},
          {"created_by", UserRef(d.created_by)},
          {"answered_by", UserRef(d.answered_by)},
          {"created_at", FormatRfc3339(d.created_at)},
          {"answered_at", TimeOrNull(d.answered_at)},
          {"deadline_at", FormatRfc3339(d.deadline_at)},
          {"sla", sla},
          {"version", d.version}};
}

bool InboxJson::Sendable(Id case_id) {
  auto it = sendable_.find(case_id);
  if (it != sendable_.end()) return it->second;
  bool ok = false;
  if (ctx_.inbox) {
    auto c = ctx_.store.inbox().GetCase(case_id);
    ok = c.ok() && inbox::CheckSend(*ctx_.inbox, *c, ctx_.clock.Now()).ok();
  }
  sendable_[case_id] = ok;
  return ok;
}

json InboxJson::ReplyJson(const Reply& r) {
  bool sendable = Sendable(r.case_id);
  return {{"id", r.id},
          {"case_id", r.case_id},
          {"text", r.text},
          {"state", ToString(r.state)},
          {"idempotency_key", r.idempotency_key},
          {"answer_id", r.answer_id ? json(*r.answer_id) : json(nullptr)},
          {"created_by", UserRef(r.created_by)},
          {"approved_by", UserRef(r.approved_by)},
          {"attempts", r.attempts},
          {"last_error", r.last_error},
          {"error_kind", r.error_kind},
          {"next_retry_at", TimeOrNull(r.next_retry_at)},
          {"platform", ToString(r.platform)},
          {"platform_id", r.platform_id},
          {"platform_url", r.platform_url},
          {"sendable", sendable},
          {"max_chars", inbox::MaxReplyChars(r.platform)},
          {"created_at", FormatRfc3339(r.created_at)},
          {"sent_at", TimeOrNull(r.sent_at)},
          {"version", r.version}};
}

json InboxJson::AnswerJson(const ReadyAnswer& a, bool with_score) {
  json j = {{"id", a.id},
            {"agency_id", a.agency_id},
            {"agency_name", AgencyName(a.agency_id)},
            {"title", a.title},
            {"body", a.body},
            {"tags", a.tags},
            {"approved", a.approved},
            {"approved_by", UserRef(a.approved_by)},
            {"valid_from", a.valid_from},
            {"valid_until", a.valid_until},
            {"active", a.active},
            {"uses", a.uses},
            {"created_at", FormatRfc3339(a.created_at)},
            {"updated_at", FormatRfc3339(a.updated_at)},
            {"version", a.version}};
  if (with_score) j["score"] = a.score;
  return j;
}

json InboxJson::NoteJson(const CaseNote& n) {
  return {{"id", n.id},     {"case_id", n.case_id},   {"author", UserRef(n.author_user_id)},
          {"text", n.text}, {"mentions", n.mentions}, {"created_at", FormatRfc3339(n.created_at)}};
}

json InboxJson::EventJson(const CaseEvent& e) {
  json details = json::parse(e.details_json, nullptr, false);
  if (details.is_discarded()) details = json::object();
  return {{"id", e.id},
          {"at", FormatRfc3339(e.at)},
          {"actor", UserRef(e.actor_user_id)},
          {"kind", e.kind},
          {"details", details}};
}

json NotificationJson(const Notification& n) {
  return {{"id", n.id},
          {"kind", n.kind},
          {"case_id", n.case_id ? json(*n.case_id) : json(nullptr)},
          {"disposition_id", n.disposition_id ? json(*n.disposition_id) : json(nullptr)},
          {"alert_id", n.alert_id ? json(*n.alert_id) : json(nullptr)},
          {"title", n.title},
          {"body", n.body},
          {"read", n.read},
          {"created_at", FormatRfc3339(n.created_at)}};
}

void InboxRoute(http::Server& server, Context& ctx, const char* method, const std::string& path,
                InboxHandler fn) {
  server.Route(method, path,
               Authed(ctx, [&ctx, fn = std::move(fn)](const http::Request& req, Caller& c) {
                 return fn(ctx, req, c);
               }));
}

Result<std::int64_t> ReadVersion(const json& body, const char* key) {
  std::int64_t v = 0;
  HUMAS_RETURN_IF_ERROR(ReadInt(body, key, &v, true));
  if (v < 1) return InvalidArgument(std::string(key) + " must be at least 1").WithField(key);
  return v;
}

Result<std::vector<Id>> ReadIdList(const json& body, const char* key) {
  if (!body.contains(key) || !body[key].is_array())
    return InvalidArgument(std::string(key) + " must be a list of ids").WithField(key);
  std::vector<Id> out;
  for (const json& v : body[key]) {
    if (!v.is_number_integer() || v.get<std::int64_t>() <= 0)
      return InvalidArgument(std::string(key) + " must be a list of ids").WithField(key);
    Id id = v.get<std::int64_t>();
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  if (out.empty() || out.size() > 10)
    return InvalidArgument(std::string(key) + " must name 1 to 10 agencies").WithField(key);
  return out;
}

namespace {

using R = const http::Request&;

//! Publishes a changed case on the live stream (scope = its agency).
void PublishCase(Context& ctx, InboxJson& j, const Case& c) {
  if (!ctx.server) return;
  http::SseEvent e;
  e.event = "case";
  e.id = std::to_string(c.id);
  e.data = j.CaseJson(c).dump(-1, ' ', false, json::error_handler_t::replace);
  e.scope = c.agency_id;
  ctx.server->Publish(e);
}

//! The case of {id} if the caller may see it: its agency is readable, or it was forwarded to a
//! readable agency. 404 otherwise.
Result<Case> VisibleCase(Context& ctx, Caller& c, Id id) {
  auto kase = ctx.store.inbox().GetCase(id);
  if (!kase.ok()) {
    if (kase.status().code() == Code::kNotFound) return NotFound("no such case");
    return kase.status();
  }
  if (c.access->CanRead(kase->agency_id)) return kase;
  HUMAS_ASSIGN_OR_RETURN(auto ds, ctx.store.inbox().CaseDispositions(id));
  for (const Disposition& d : ds)
    if (c.access->CanRead(d.to_agency_id)) return kase;
  return NotFound("no such case");
}

//! The case of {id} if the caller may work on it (404 out of scope, 403 read-only role).
Result<Case> WritableCase(Context& ctx, Caller& c, const http::Request& req) {
  HUMAS_ASSIGN_OR_RETURN(Id id, PathId(req));
  HUMAS_ASSIGN_OR_RETURN(Case kase, VisibleCase(ctx, c, id));
  if (!CanWorkInbox(c, kase.agency_id))
    return PermissionDenied("your role may not work on this agency's cases");
  return kase;
}

std::string Today(const Agency* a, UnixMillis now) {
  return TodayIn(a ? a->timezone : "Asia/Jakarta", now);
}

//! The agency and its ancestors (whose ready answers apply to it).
std::vector<Id> AgencyAndAncestors(const Hierarchy& h, Id id) {
  std::vector<Id> out;
  const Agency* a = h.Find(id);
  for (int depth = 0; a && depth < 16; ++depth) {
    out.push_back(a->id);
    a = a->parent_id ? h.Find(*a->parent_id) : nullptr;
  }
  return out;
}

// ---------------------------------------------------------------- cases

http::Response ListCases(Context& ctx, R req, Caller& c) {
  store::CaseFilter f;
  auto agency = QueryId(req, "agency_id");
  if (!agency.ok()) return Error(agency.status());
  if (*agency) {
    if (!c.access->CanRead(**agency))
      return Error(NotFound("no such agency").WithField("agency_id"));
    f.agency_ids = c.hierarchy->Subtree(**agency);
  } else {
    f.agency_ids = c.access->Readable();
  }
  if (auto s = req.Query("state"); s && !s->empty()) {
    size_t start = 0;
    while (start <= s->size()) {
      size_t comma = s->find(',', start);
      std::string one =
          s->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      auto st = ParseCaseState(one);
      if (!st) return Error(InvalidArgument("state '" + one + "' is not known").WithField("state"));
      f.states.push_back(*st);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (auto a = req.Query("assignee"); a && !a->empty()) {
    if (*a == "me") {
      f.assignee_id = c.user.id;
    } else if (*a == "none") {
      f.unassigned = true;
    } else {
      auto id = QueryId(req, "assignee");
      if (!id.ok() || !*id)
        return Error(
            InvalidArgument("assignee must be me, none or a user id").WithField("assignee"));
      f.assignee_id = **id;
    }
  }
  if (auto p = req.Query("priority"); p && !p->empty()) {
    f.priority = ParseCasePriority(*p);
    if (!f.priority) return Error(InvalidArgument("priority is not known").WithField("priority"));
  }
  if (req.Query("overdue").value_or("") == "true") f.overdue_at = ctx.clock.Now();
  std::string sort = req.Query("sort").value_or("activity");
  if (sort == "due") {
    f.sort = store::CaseFilter::Sort::kDue;
  } else if (sort != "activity") {
    return Error(InvalidArgument("sort must be activity or due").WithField("sort"));
  }
  if (auto l = req.Query("limit"); l && !l->empty()) {
    auto page = QueryPage(req);
    if (!page.ok()) return Error(page.status());
    f.limit = page->limit;
  }
  if (auto cur = req.Query("cursor"); cur && !cur->empty()) {
    static const std::regex kCursor(R"(^(-?\d{1,19})\.(\d{1,19})$)");
    std::smatch m;
    if (!std::regex_match(*cur, m, kCursor))
      return Error(InvalidArgument("cursor is not valid").WithField("cursor"));
    f.after = std::make_pair(std::stoll(m[1].str()), std::stoll(m[2].str()));
  }
  auto list = ctx.store.inbox().ListCases(f);
  if (!list.ok()) return Error(list.status());
  InboxJson j(ctx, c);
  json items = json::array();
  for (const Case& k : *list) items.push_back(j.CaseJson(k));
  json next = nullptr;
  if (!list->empty() && static_cast<int>(list->size()) == std::clamp(f.limit, 1, 200)) {
    const Case& last = list->back();
    std::int64_t key =
        f.sort == store::CaseFilter::Sort::kDue ? last.due_at.value_or(0) : last.last_activity_at;
    next = std::to_string(key) + "." + std::to_string(last.id);
  }
  return Json(200, {{"items", items}, {"next_cursor", next}});
}

http::Response CountCases(Context& ctx, R req, Caller& c) {
  std::vector<Id> scope;
  auto agency = QueryId(req, "agency_id");
  if (!agency.ok()) return Error(agency.status());
  if (*agency) {
    if (!c.access->CanRead(**agency))
      return Error(NotFound("no such agency").WithField("agency_id"));
    scope = c.hierarchy->Subtree(**agency);
  } else {
    scope = c.access->Readable();
  }
  auto counts = ctx.store.inbox().CountCases(scope, ctx.clock.Now(), c.user.id);
  if (!counts.ok()) return Error(counts.status());
  json out = json::object();
  for (const auto& [k, n] : *counts) out[k] = n;
  return Json(200, out);
}

const char* const kOpenFields[] = {"mention_id"};

http::Response OpenCase(Context& ctx, R req, Caller& c) {
  auto body = ParseBody(req, kOpenFields);
  if (!body.ok()) return Error(body.status());
  std::int64_t mention_id = 0;
  if (Status s = ReadInt(*body, "mention_id", &mention_id, true); !s.ok()) return Error(s);
  auto m = ctx.store.mentions().Get(mention_id);
  bool visible =
      m.ok() && (m->agency_id ? c.access->CanRead(*m->agency_id) : c.access->SeesUnassigned());
  if (!visible) return Error(NotFound("no such mention").WithField("mention_id"));
  if (m->agency_id && !CanWorkInbox(c, *m->agency_id))
    return Error(PermissionDenied("your role may not open cases"));
  auto intake = ctx.store.inbox().AttachMention(*m, ctx.clock.Now());
  if (!intake.ok()) return Error(intake.status());
  InboxJson j(ctx, c);
  if (intake->created) {
    c.Audit(ctx, "case.open", "case", std::to_string(intake->case_.id), intake->case_.agency_id,
            {{"mention_id", mention_id}});
    PublishCase(ctx, j, intake->case_);
  }
  return Json(intake->created ? 201 : 200, j.CaseJson(intake->case_));
}

//! What the composer needs to know before a reply is written: the platform's limit and how it
//! counts, and whether (and until when) a reply can go out.
json ReplyLimitJson(Context& ctx, const Case& kase) {
  inbox::SendCheck check;
  if (ctx.inbox) {
    check = inbox::CheckSend(*ctx.inbox, kase, ctx.clock.Now());
  } else {
    check.reason = "no_account";
    check.message = "replies are not configured on this server";
  }
  return {{"platform", ToString(kase.platform)},
          {"max_chars", inbox::MaxReplyChars(kase.platform)},
          {"counting", inbox::LengthCounting(kase.platform)},
          {"sendable", check.ok()},
          {"reason", check.reason},
          {"message", check.message},
          {"window_closes_at", TimeOrNull(check.window_closes_at)}};
}

//! 409 failed_precondition with the reason when a reply on the case cannot go out now.
Status CheckSendable(Context& ctx, const Case& kase) {
  if (!ctx.inbox) return FailedPrecondition("replies are not configured on this server");
  inbox::SendCheck check = inbox::CheckSend(*ctx.inbox, kase, ctx.clock.Now());
  if (!check.ok()) return FailedPrecondition(check.message);
  return Status::Ok();
}

http::Response GetCase(Context& ctx, R req, Caller& c) {
  auto id = PathId(req);
  if (!id.ok()) return Error(id.status());
  auto kase = VisibleCase(ctx, c, *id);
  if (!kase.ok()) return Error(kase.status());
  auto& inbox = ctx.store.inbox();
  InboxJson j(ctx, c);
  json mentions = json::array();
  auto ids = inbox.CaseMentionIds(kase->id);
  if (!ids.ok()) return Error(ids.status());
  for (Id mid : *ids) {
    auto m = ctx.store.mentions().Get(mid);
    if (m.ok()) mentions.push_back(ToJson(*m, c.hierarchy.get()));
  }
  json replies = json::array();
  auto rs = inbox.CaseReplies(kase->id);
  if (!rs.ok()) return Error(rs.status());
  for (const Reply& r : *rs) replies.push_back(j.ReplyJson(r));
  json notes = json::array();
  auto ns = inbox.CaseNotes(kase->id);
  if (!ns.ok()) return Error(ns.status());
  for (const CaseNote& n : *ns) notes.push_back(j.NoteJson(n));
  json dispositions = json::array();
  auto ds = inbox.CaseDispositions(kase->id);
  if (!ds.ok()) return Error(ds.status());
  for (const Disposition& d : *ds) dispositions.push_back(j.DispositionJson(d));
  json events = json::array();
  auto es = inbox.CaseEvents(kase->id);
  if (!es.ok()) return Error(es.status());
  for (const CaseEvent& e : *es) events.push_back(j.EventJson(e));
  json history = json::array();
  auto hs = inbox.CitizenCases(kase->citizen_key, kase->id, 20);
  if (!hs.ok()) return Error(hs.status());
  for (const Case& h : *hs)
    if (c.access->CanRead(h.agency_id)) history.push_back(j.CaseJson(h));
  json suggested = json::array();
  const Agency* agency = c.hierarchy->Find(kase->agency_id);
  std::string text = kase->subject;
  if (!mentions.empty()) text = mentions.back().value("text", text) + " " + kase->subject;
  auto sug = inbox.SuggestAnswers(AgencyAndAncestors(*c.hierarchy, kase->agency_id), text,
                                  Today(agency, ctx.clock.Now()), 5);
  if (!sug.ok()) return Error(sug.status());
  for (const ReadyAnswer& a : *sug) suggested.push_back(j.AnswerJson(a, true));
  return Json(200, {{"case", j.CaseJson(*kase)},
                    {"mentions", mentions},
                    {"replies", replies},
                    {"notes", notes},
                    {"dispositions", dispositions},
                    {"events", events},
                    {"citizen_history", history},
                    {"suggested_answers", suggested},
                    {"reply_limit", ReplyLimitJson(ctx, *kase)}});
}

const char* const kPatchFields[] = {"version", "priority", "assignee_id"};

http::Response PatchCase(Context& ctx, R req, Caller& c) {
  auto kase = WritableCase(ctx, c, req);
  if (!kase.ok()) return Error(kase.status());
  auto body = ParseBody(req, kPatchFields);
  if (!body.ok()) return Error(body.status());
  auto version = ReadVersion(*body);
  if (!version.ok()) return Error(version.status());
  Case updated = *kase;
  json details = json::object();
  std::string kind;
  if (body->contains("priority")) {
    std::string p;
    if (Status s = ReadString(*body, "priority", &p, true); !s.ok()) return Error(s);
    auto pr = ParseCasePriority(p);
    if (!pr)
      return Error(InvalidArgument("priority must be rendah, normal, tinggi or mendesak")
                       .WithField("priority"));
    updated.priority = *pr;
    details["priority"] = p;
    kind = "priority_changed";
  }
  bool present = false;
  std::optional<Id> assignee;
  if (Status s = ReadOptionalId(*body, "assignee_id", &assignee, &present); !s.ok())
    return Error(s);
  if (present) {
    if (assignee) {
      auto u = ctx.store.users().Get(*assignee);
      bool ok = u.ok() && u->active;
      if (ok) {
        Access a(*u, *c.hierarchy);
        ok = a.HasOn({Role::kAdmin, Role::kKoordinator, Role::kPejabat, Role::kPetugas},
                     kase->agency_id);
      }
      if (!ok)
        return Error(InvalidArgument("the assignee must be an active officer of the case's agency")
                         .WithField("assignee_id"));
    }
    updated.assignee_id = assignee;
    details["assignee_id"] = assignee ? json(*assignee) : json(nullptr);
    kind = "assigned";
  }
  if (kind.empty())
    return Error(InvalidArgument("nothing to change: give priority or assignee_id"));
  UnixMillis now = ctx.clock.Now();
  auto stored = ctx.store.inbox().UpdateCase(
      updated, *version, CaseEvent{0, kase->id, now, c.user.id, kind, details.dump()});
  if (!stored.ok()) return Error(stored.status());
  c.Audit(ctx, "case.update", "case", std::to_string(kase->id), kase->agency_id, *body);
  InboxJson j(ctx, c);
  if (present && assignee && *assignee != c.user.id) {
    auto u = ctx.store.users().Get(*assignee);
    if (u.ok() && ctx.inbox) {
      Notification n;
      n.kind = "assigned";
      n.case_id = kase->id;
      n.title = "Kasus diserahkan kepada Anda";
      n.body = kase->subject;
      (void)inbox::NotifyUsers(
          *ctx.inbox, {*u}, n,
          "case:" + std::to_string(kase->id) + ":assigned:" + std::to_string(stored->version));
    }
  }
  PublishCase(ctx, j, *stored);
  return Json(200, j.CaseJson(*stored));
}

const char* const kTransitionFields[] = {"version", "to", "reason"};

http::Response Transition(Context& ctx, R req, Caller& c) {
  auto kase = WritableCase(ctx, c, req);
  if (!kase.ok()) return Error(kase.status());
  auto body = ParseBody(req, kTransitionFields);
  if (!body.ok()) return Error(body.status());
  auto version = ReadVersion(*body);
  if (!version.ok()) return Error(version.status());
  std::string to_name;
  std::string reason;
  if (Status s = ReadString(*body, "to", &to_name, true); !s.ok()) return Error(s);
  if (Status s = ReadString(*body, "reason", &reason, false, 0, 1000); !s.ok()) return Error(s);
  auto to = ParseCaseState(to_name);
  if (!to) return Error(InvalidArgument("to is not a case state").WithField("to"));
  if (*version != kase->version)
    return Error(Conflict("the case was changed by someone else; reload it"));
  if (!IsManualTransition(kase->state, *to))
    return Error(FailedPrecondition("a case cannot go from " + std::string(ToString(kase->state)) +
                                    " to " + to_name + " by hand"));
  UnixMillis now = ctx.clock.Now();
  Case updated = *kase;
  updated.state = *to;
  if (*to == CaseState::kSelesai) updated.closed_at = now;
  if (*to == CaseState::kDibukaKembali) {
    updated.closed_at.reset();
    updated.reopened += 1;
  }
  json details = {{"from", ToString(kase->state)}, {"to", to_name}, {"reason", reason}};
  auto stored = ctx.store.inbox().UpdateCase(
      updated, *version,
      CaseEvent{0, kase->id, now, c.user.id,
                *to == CaseState::kDibukaKembali ? "reopened" : "state_changed", details.dump()});
  if (!stored.ok()) return Error(stored.status());
  c.Audit(ctx, "case.transition", "case", std::to_string(kase->id), kase->agency_id, details);
  InboxJson j(ctx, c);
  PublishCase(ctx, j, *stored);
  return Json(200, j.CaseJson(*stored));
}

const char* const kNoteFields[] = {"text"};

http::Response AddNote(Context& ctx, R req, Caller& c) {
  auto kase = WritableCase(ctx, c, req);
  if (!kase.ok()) return Error(kase.status());
  auto body = ParseBody(req, kNoteFields);
  if (!body.ok()) return Error(body.status());
  CaseNote note;
  note.case_id = kase->id;
  note.author_user_id = c.user.id;
  if (Status s = ReadString(*body, "text", &note.text, true, 1, 4000); !s.ok()) return Error(s);
  static const std::regex kMention(R"((^|[^A-Za-z0-9._-])@([A-Za-z0-9._-]{3,64}))");
  std::vector<User> mentioned;
  std::set<std::string> seen;
  for (auto it = std::sregex_iterator(note.text.begin(), note.text.end(), kMention);
       it != std::sregex_iterator(); ++it) {
    std::string name = (*it)[2].str();
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    while (!name.empty() && name.back() == '.') name.pop_back();
    if (!seen.insert(name).second) continue;
    auto u = ctx.store.users().GetByUsername(name);
    if (!u.ok() || !u->active) continue;
    note.mentions.push_back(u->username);
    if (u->id != c.user.id) mentioned.push_back(*u);
  }
  if (Status s = ctx.store.inbox().AddNote(&note); !s.ok()) return Error(s);
  c.Audit(ctx, "case.note", "case", std::to_string(kase->id), kase->agency_id,
          {{"note_id", note.id}, {"mentions", note.mentions}});
  if (ctx.inbox && !mentioned.empty()) {
    Notification n;
    n.kind = "mention";
    n.case_id = kase->id;
    n.title = "@" + c.user.username + " menyebut Anda di catatan kasus";
    n.body = note.text.substr(0, 500);
    (void)inbox::NotifyUsers(*ctx.inbox, mentioned, n, "note:" + std::to_string(note.id));
  }
  InboxJson j(ctx, c);
  return Json(201, j.NoteJson(note));
}

// ---------------------------------------------------------------- dispositions

//! Whether `id` is an active agency (or unit) of `region` other than the region itself.
bool IsDispositionTarget(const Hierarchy& h, Id region, Id id) {
  const Agency* a = h.Find(id);
  return a && a->active && a->kind != AgencyKind::kRegion && h.IsWithin(id, region);
}

//! Builds dispositions to `to` (validated: active agencies of `from`'s region, not `from`) with
//! their deadlines.
Result<std::vector<Disposition>> PlanDispositions(Context& ctx, Caller& c, Id from,
                                                  const std::vector<Id>& to,
                                                  const std::string& question,
                                                  const std::string& context, UnixMillis now) {
  std::vector<Disposition> out;
  HUMAS_ASSIGN_OR_RETURN(Id region, inbox::RegionOf(ctx.store, from));
  for (Id id : to) {
    const Agency* a = c.hierarchy->Find(id);
    if (!IsDispositionTarget(*c.hierarchy, region, id))
      return InvalidArgument("to_agency_ids: agency " + std::to_string(id) +
                             " is not an active agency of this region")
          .WithField("to_agency_ids");
    if (id == from)
      return InvalidArgument("a case cannot be forwarded to its own agency")
          .WithField("to_agency_ids");
    HUMAS_ASSIGN_OR_RETURN(inbox::DeadlinePlan plan, inbox::PlanDeadline(ctx.store, *a, now));
    Disposition d;
    d.from_agency_id = from;
    d.to_agency_id = id;
    d.question = question;
    d.context = context;
    d.created_by = c.user.id;
    d.deadline_at = plan.deadline_at;
    d.reminder_points = plan.reminders;
    d.sla_mode = plan.mode;
    d.sla_ms = plan.sla_ms;
    d.timezone = plan.timezone;
    out.push_back(std::move(d));
  }
  return out;
}

void NotifyDisposition(Context& ctx, const Disposition& d, const Case& kase) {
  if (!ctx.inbox) return;
  auto users = inbox::UsersWithRole(ctx.store, {Role::kPejabat, Role::kPetugas}, d.to_agency_id);
  if (!users.ok()) return;
  Notification n;
  n.kind = "disposition";
  n.case_id = kase.id;
  n.disposition_id = d.id;
  n.title = "Disposisi baru, batas waktu " + FormatRfc3339(d.deadline_at);
  n.body = d.question.substr(0, 500);
  (void)inbox::NotifyUsers(*ctx.inbox, *users, n, "disposition:" + std::to_string(d.id) + ":new");
}

const char* const kForwardCaseFields[] = {"version", "to_agency_ids", "question", "context"};

http::Response ForwardCase(Context& ctx, R req, Caller& c) {
  auto kase = WritableCase(ctx, c, req);
  if (!kase.ok()) return Error(kase.status());
  auto body = ParseBody(req, kForwardCaseFields);
  if (!body.ok()) return Error(body.status());
  auto version = ReadVersion(*body);
  if (!version.ok()) return Error(version.status());
  auto to = ReadIdList(*body, "to_agency_ids");
  if (!to.ok()) return Error(to.status());
  std::string question;
  std::string context;
  if (Status s = ReadString(*body, "question", &question, true, 1, 4000); !s.ok()) return Error(s);
  if (Status s = ReadString(*body, "context", &context, false, 0, 4000); !s.ok()) return Error(s);
  if (kase->state == CaseState::kSelesai)
    return Error(FailedPrecondition("the case is closed; reopen it first"));
  UnixMillis now = ctx.clock.Now();
  auto ds = PlanDispositions(ctx, c, kase->agency_id, *to, question, context, now);
  if (!ds.ok()) return Error(ds.status());
  auto stored = ctx.store.inbox().CreateDispositions(
      kase->id, *version, std::nullopt, 0, &*ds,
      CaseEvent{0, kase->id, now, c.user.id, "disposition_created",
                json{{"to_agency_ids", *to}}.dump()});
  if (!stored.ok()) return Error(stored.status());
  c.Audit(ctx, "disposition.create", "case", std::to_string(kase->id), kase->agency_id,
          {{"to_agency_ids", *to}});
  InboxJson j(ctx, c);
  json items = json::array();
  for (const Disposition& d : *ds) {
    NotifyDisposition(ctx, d, *stored);
    items.push_back(j.DispositionJson(d));
  }
  PublishCase(ctx, j, *stored);
  return Json(201, {{"items", items}, {"case", j.CaseJson(*stored)}});
}

http::Response ListDispositions(Context& ctx, R req, Caller& c) {
  store::DispositionFilter f;
  std::string box = req.Query("box").value_or("incoming");
  if (box != "incoming" && box != "outgoing")
    return Error(InvalidArgument("box must be incoming or outgoing").WithField("box"));
  f.incoming = box == "incoming";
  auto agency = QueryId(req, "agency_id");
  if (!agency.ok()) return Error(agency.status());
  if (*agency) {
    if (!c.access->CanRead(**agency))
      return Error(NotFound("no such agency").WithField("agency_id"));
    f.agency_ids = c.hierarchy->Subtree(**agency);
  } else {
    f.agency_ids = c.access->Readable();
  }
  if (auto s = req.Query("state"); s && !s->empty()) {
    f.state = ParseDispositionState(*s);
    if (!f.state) return Error(InvalidArgument("state is not known").WithField("state"));
  }
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  f.limit = page->limit;
  f.offset = page->offset;
  auto list = ctx.store.inbox().ListDispositions(f);
  if (!list.ok()) return Error(list.status());
  InboxJson j(ctx, c);
  json items = json::array();
  for (const Disposition& d : list->items) {
    json item = j.DispositionJson(d);
    auto kase = ctx.store.inbox().GetCase(d.case_id);
    item["case"] = kase.ok() ? j.CaseJson(*kase) : json(nullptr);
    items.push_back(std::move(item));
  }
  return Json(200, {{"items", items}, {"total", list->total}});
}

//! The agencies a case of `from_agency_id` can be forwarded to: every active agency and unit of
//! its region (whatever the caller's own scope: an officer forwards outside their agency), with
//! public directory fields only and the deadline a disposition sent now would get.
http::Response DispositionTargets(Context& ctx, R req, Caller& c) {
  auto from = QueryId(req, "from_agency_id");
  if (!from.ok()) return Error(from.status());
  if (!*from)
    return Error(InvalidArgument("from_agency_id is required").WithField("from_agency_id"));
  if (!c.access->CanRead(**from))
    return Error(NotFound("no such agency").WithField("from_agency_id"));
  if (!CanWorkInbox(c, **from))
    return Error(PermissionDenied("your role may not forward this agency's cases"));
  auto region = inbox::RegionOf(ctx.store, **from);
  if (!region.ok()) return Error(region.status());
  UnixMillis now = ctx.clock.Now();
  json items = json::array();
  for (const auto& [id, a] : c.hierarchy->all()) {
    if (id == **from || !IsDispositionTarget(*c.hierarchy, *region, id)) continue;
    auto plan = inbox::PlanDeadline(ctx.store, a, now);
    if (!plan.ok()) return Error(plan.status());
    items.push_back({{"id", a.id},
                     {"name", a.name},
                     {"code", a.code},
                     {"kind", ToString(a.kind)},
                     {"parent_id", a.parent_id ? json(*a.parent_id) : json(nullptr)},
                     {"timezone", a.timezone},
                     {"deadline_at", FormatRfc3339(plan->deadline_at)},
                     {"sla", {{"mode", plan->mode}, {"hours", plan->sla_ms / 3'600'000}}}});
  }
  std::sort(items.begin(), items.end(), [](const json& x, const json& y) {
    return x["name"].get<std::string>() < y["name"].get<std::string>();
  });
  return Json(200, {{"region_id", *region}, {"items", items}});
}

//! The disposition of {id} if the caller works for the receiving agency (404/403 otherwise).
Result<Disposition> ReceivedDisposition(Context& ctx, Caller& c, const http::Request& req) {
  HUMAS_ASSIGN_OR_RETURN(Id id, PathId(req));
  auto d = ctx.store.inbox().GetDisposition(id);
  if (!d.ok()) return NotFound("no such disposition");
  if (!c.access->CanRead(d->to_agency_id)) {
    auto kase = ctx.store.inbox().GetCase(d->case_id);
    if (!kase.ok() || !c.access->CanRead(kase->agency_id)) return NotFound("no such disposition");
    return PermissionDenied("only the receiving agency answers a disposition");
  }
  if (!CanWorkInbox(c, d->to_agency_id))
    return PermissionDenied("your role may not answer dispositions");
  return d;
}

const char* const kAnswerDispFields[] = {"version", "answer", "partial"};
const char* const kRefuseFields[] = {"version", "reason"};

http::Response ResolveDisposition(Context& ctx, R req, Caller& c, bool refuse) {
  auto d = ReceivedDisposition(ctx, c, req);
  if (!d.ok()) return Error(d.status());
  auto body = refuse ? ParseBody(req, kRefuseFields) : ParseBody(req, kAnswerDispFields);
  if (!body.ok()) return Error(body.status());
  auto version = ReadVersion(*body);
  if (!version.ok()) return Error(version.status());
  std::string text;
  bool partial = false;
  DispositionState to = DispositionState::kDitolak;
  if (refuse) {
    if (Status s = ReadString(*body, "reason", &text, true, 1, 1000); !s.ok()) return Error(s);
  } else {
    if (Status s = ReadString(*body, "answer", &text, true, 1, 4000); !s.ok()) return Error(s);
    if (Status s = ReadBool(*body, "partial", &partial); !s.ok()) return Error(s);
    to = partial ? DispositionState::kSebagian : DispositionState::kDijawab;
  }
  UnixMillis now = ctx.clock.Now();
  const char* kind = refuse ? "disposition_refused" : "disposition_answered";
  auto stored = ctx.store.inbox().ResolveDisposition(
      d->id, *version, to, text, c.user.id, now,
      CaseEvent{0, d->case_id, now, c.user.id, kind,
                json{{"disposition_id", d->id}, {"state", ToString(to)}}.dump()});
  if (!stored.ok()) return Error(stored.status());
  c.Audit(ctx, refuse ? "disposition.refuse" : "disposition.answer", "disposition",
          std::to_string(d->id), d->to_agency_id, {{"state", ToString(to)}});
  auto kase = ctx.store.inbox().GetCase(d->case_id);
  InboxJson j(ctx, c);
  if (kase.ok() && ctx.inbox) {
    std::vector<User> users;
    if (auto u = ctx.store.users().Get(d->created_by); u.ok()) users.push_back(*u);
    if (kase->assignee_id && *kase->assignee_id != d->created_by)
      if (auto u = ctx.store.users().Get(*kase->assignee_id); u.ok()) users.push_back(*u);
    Notification n;
    n.kind = "disposition_answered";
    n.case_id = d->case_id;
    n.disposition_id = d->id;
    n.title = j.AgencyName(d->to_agency_id) + ": " +
              (refuse    ? "disposisi ditolak"
               : partial ? "dijawab sebagian"
                         : "disposisi dijawab");
    n.body = text.substr(0, 500);
    (void)inbox::NotifyUsers(*ctx.inbox, users, n,
                             "disposition:" + std::to_string(d->id) + ":resolved");
    PublishCase(ctx, j, *kase);
  }
  return Json(200, j.DispositionJson(*stored));
}

const char* const kReforwardFields[] = {"version", "to_agency_ids", "note"};

http::Response Reforward(Context& ctx, R req, Caller& c) {
  auto d = ReceivedDisposition(ctx, c, req);
  if (!d.ok()) return Error(d.status());
  auto body = ParseBody(req, kReforwardFields);
  if (!body.ok()) return Error(body.status());
  auto version = ReadVersion(*body);
  if (!version.ok()) return Error(version.status());
  auto to = ReadIdList(*body, "to_agency_ids");
  if (!to.ok()) return Error(to.status());
  std::string note;
  if (Status s = ReadString(*body, "note", &note, false, 0, 4000); !s.ok()) return Error(s);
  UnixMillis now = ctx.clock.Now();
  std::string context = d->context;
  if (!note.empty()) context += (context.empty() ? "" : "\n\n") + note;
  auto ds = PlanDispositions(ctx, c, d->to_agency_id, *to, d->question, context, now);
  if (!ds.ok()) return Error(ds.status());
  auto stored = ctx.store.inbox().CreateDispositions(
      d->case_id, 0, d->id, *version, &*ds,
      CaseEvent{0, d->case_id, now, c.user.id, "disposition_forwarded",
                json{{"disposition_id", d->id}, {"to_agency_ids", *to}}.dump()});
  if (!stored.ok()) return Error(stored.status());
  c.Audit(ctx, "disposition.forward", "disposition", std::to_string(d->id), d->to_agency_id,
          {{"to_agency_ids", *to}});
  InboxJson j(ctx, c);
  json items = json::array();
  for (const Disposition& x : *ds) {
    NotifyDisposition(ctx, x, *stored);
    items.push_back(j.DispositionJson(x));
  }
  PublishCase(ctx, j, *stored);
  return Json(201, {{"items", items}});
}

// ---------------------------------------------------------------- replies

//! Whether replies of the case's region need a pejabat's approval.
bool NeedsApproval(Context& ctx, Id agency) {
  auto region = inbox::RegionOf(ctx.store, agency);
  if (!region.ok()) return false;
  auto s = ctx.store.inbox().GetSettings(*region);
  return s.ok() && s->require_reply_approval;
}

Status CheckLength(const std::string& text, Platform p) {
  int limit = inbox::MaxReplyChars(p);
  if (limit > 0 && inbox::ReplyLength(p, text) > static_cast<size_t>(limit))
    return InvalidArgument("the reply is longer than " + std::string(ToString(p)) + " allows (" +
                           std::to_string(limit) + " characters)")
        .WithField("text");
  return Status::Ok();
}

//! Submits a draft: to awaiting_approval (notifying the approvers) or queued (and its send job).
Result<Reply> Submit(Context& ctx, Caller& c, const Reply& r, std::int64_t version,
                     const Case& kase) {
  HUMAS_RETURN_IF_ERROR(CheckSendable(ctx, kase));
  Reply next = r;
  bool approval = NeedsApproval(ctx, kase.agency_id) && !CanApprove(c, kase.agency_id);
  next.state = approval ? ReplyState::kAwaitingApproval : ReplyState::kQueued;
  if (!approval && CanApprove(c, kase.agency_id) && NeedsApproval(ctx, kase.agency_id))
    next.approved_by = c.user.id;
  HUMAS_ASSIGN_OR_RETURN(Reply stored, ctx.store.inbox().UpdateReply(
                                           next, version, {ReplyState::kDraft},
                                           CaseEvent{0, r.case_id, ctx.clock.Now(), c.user.id,
                                                     approval ? "reply_submitted" : "reply_queued",
                                                     json{{"reply_id", r.id}}.dump()}));
  if (approval) {
    auto users = inbox::UsersWithRole(ctx.store, {Role::kPejabat}, kase.agency_id);
    if (users.ok()) {
      Notification n;
      n.kind = "reply_approval";
      n.case_id = kase.id;
      n.title = "Balasan menunggu persetujuan";
      n.body = r.text.substr(0, 500);
      (void)inbox::NotifyUsers(
          *ctx.inbox, *users, n,
          "reply:" + std::to_string(r.id) + ":approval:" + std::to_string(stored.version));
    }
  } else {
    HUMAS_RETURN_IF_ERROR(inbox::EnqueueSend(ctx.store, stored, ctx.clock.Now()));
  }
  return stored;
}

const char* const kReplyFields[] = {"text", "idempotency_key", "answer_id", "submit",
                                    "case_version"};

http::Response CreateReply(Context& ctx, R req, Caller& c) {
  auto kase = WritableCase(ctx, c, req);
  if (!kase.ok()) return Error(kase.status());
  auto body = ParseBody(req, kReplyFields);
  if (!body.ok()) return Error(body.status());
  Reply r;
  r.case_id = kase->id;
  r.created_by = c.user.id;
  r.platform = kase->platform;
  r.recipient = kase->citizen_handle;
  if (Status s = ReadString(*body, "text", &r.text, true, 1, 10000); !s.ok()) return Error(s);
  if (Status s = ReadString(*body, "idempotency_key", &r.idempotency_key, true, 8, 100); !s.ok())
    return Error(s);
  auto version = ReadVersion(*body, "case_version");
  if (!version.ok()) return Error(version.status());
  bool submit = false;
  if (Status s = ReadBool(*body, "submit", &submit); !s.ok()) return Error(s);
  std::optional<Id> answer;
  if (Status s = ReadOptionalId(*body, "answer_id", &answer); !s.ok()) return Error(s);
  if (Status s = CheckLength(r.text, r.platform); !s.ok()) return Error(s);
  if (answer) {
    auto a = ctx.store.inbox().GetAnswer(*answer);
    if (!a.ok() || !c.access->CanRead(a->agency_id))
      return Error(InvalidArgument("answer_id: no such ready answer").WithField("answer_id"));
    r.answer_id = answer;
  }
  if (submit) {
    if (Status s = CheckSendable(ctx, *kase); !s.ok()) return Error(s);
  }
  // The reply to answer: the citizen's latest message in the conversation.
  auto ids = ctx.store.inbox().CaseMentionIds(kase->id);
  if (ids.ok() && !ids->empty()) {
    auto m = ctx.store.mentions().Get(ids->back());
    if (m.ok()) r.in_reply_to = m->data.external_id;
  }
  auto created = ctx.store.inbox().CreateReply(r, *version);
  if (!created.ok()) return Error(created.status());
  auto [stored, is_new] = *created;
  InboxJson j(ctx, c);
  if (!is_new) return Json(200, j.ReplyJson(stored));
  if (r.answer_id) (void)ctx.store.inbox().CountAnswerUse(*r.answer_id);
  c.Audit(ctx, "reply.create", "reply", std::to_string(stored.id), kase->agency_id,
          {{"case_id", kase->id},
           {"submit", submit},
           {"answer_id", answer ? json(*answer) : json(nullptr)}});
  if (submit) {
    auto submitted = Submit(ctx, c, stored, stored.version, *kase);
    if (!submitted.ok()) return Error(submitted.status());
    stored = *submitted;
    c.Audit(ctx, "reply.submit", "reply", std::to_string(stored.id), kase->agency_id,
            {{"state", ToString(stored.state)}});
  }
  auto fresh = ctx.store.inbox().GetCase(kase->id);
  if (fresh.ok()) PublishCase(ctx, j, *fresh);
  return Json(201, j.ReplyJson(stored));
}

//! The reply of {id} and its case, if the caller may work on the case.
Result<std::pair<Reply, Case>> WritableReply(Context& ctx, Caller& c, const http::Request& req) {
  HUMAS_ASSIGN_OR_RETURN(Id id, PathId(req));
  auto r = ctx.store.inbox().GetReply(id);
  if (!r.ok()) return NotFound("no such reply");
  auto kase = VisibleCase(ctx, c, r->case_id);
  if (!kase.ok()) return NotFound("no such reply");
  if (!CanWorkInbox(c, kase->agency_id))
    return PermissionDenied("your role may not work on this agency's replies");
  return std::make_pair(*r, *kase);
}

const char* const kReplyPatchFields[] = {"version", "text"};
const char* const kVersionOnly[] = {"version"};
const char* const kRejectFields[] = {"version", "reason"};

http::Response ReplyAction(Context& ctx, R req, Caller& c, const std::string& action) {
  auto rc = WritableReply(ctx, c, req);
  if (!rc.ok()) return Error(rc.status());
  auto& [r, kase] = *rc;
  std::span<const char* const> fields = kVersionOnly;
  if (action == "edit") fields = kReplyPatchFields;
  if (action == "reject") fields = kRejectFields;
  auto body = ParseBody(req, fields);
  if (!body.ok()) return Error(body.status());
  auto version = ReadVersion(*body);
  if (!version.ok()) return Error(version.status());
  UnixMillis now = ctx.clock.Now();
  Result<Reply> out = Internal("unreachable");
  json details = {{"case_id", kase.id}};
  if (action == "edit") {
    Reply next = r;
    if (Status s = ReadString(*body, "text", &next.text, true, 1, 10000); !s.ok()) return Error(s);
    if (Status s = CheckLength(next.text, r.platform); !s.ok()) return Error(s);
    out = ctx.store.inbox().UpdateReply(next, *version, {ReplyState::kDraft}, CaseEvent{});
  } else if (action == "submit") {
    out = Submit(ctx, c, r, *version, kase);
  } else if (action == "approve" || action == "reject") {
    if (!CanApprove(c, kase.agency_id))
      return Error(PermissionDenied("only the agency's pejabat approves replies"));
    Reply next = r;
    if (action == "approve") {
      if (Status s = CheckSendable(ctx, kase); !s.ok()) return Error(s);
      next.state = ReplyState::kQueued;
      next.approved_by = c.user.id;
    } else {
      std::string reason;
      if (Status s = ReadString(*body, "reason", &reason, true, 1, 1000); !s.ok()) return Error(s);
      next.state = ReplyState::kDraft;
      next.last_error = "ditolak: " + reason;
      details["reason"] = reason;
    }
    out = ctx.store.inbox().UpdateReply(
        next, *version, {ReplyState::kAwaitingApproval},
        CaseEvent{0, kase.id, now, c.user.id,
                  action == "approve" ? "reply_approved" : "reply_rejected",
                  json{{"reply_id", r.id}}.dump()});
    if (out.ok() && action == "approve") {
      if (Status s = inbox::EnqueueSend(ctx.store, *out, now); !s.ok()) return Error(s);
    }
  } else if (action == "retry") {
    if (Status s = CheckSendable(ctx, kase); !s.ok()) return Error(s);
    Reply next = r;
    next.state = ReplyState::kQueued;
    out = ctx.store.inbox().UpdateReply(
        next, *version, {ReplyState::kFailed},
        CaseEvent{0, kase.id, now, c.user.id, "reply_retried", json{{"reply_id", r.id}}.dump()});
    if (out.ok()) {
      if (Status s = inbox::EnqueueSend(ctx.store, *out, now); !s.ok()) return Error(s);
    }
  }
  if (!out.ok()) return Error(out.status());
  details["state"] = ToString(out->state);
  c.Audit(ctx, "reply." + action, "reply", std::to_string(r.id), kase.agency_id, details);
  InboxJson j(ctx, c);
  return Json(200, j.ReplyJson(*out));
}

//! Every platform's reply limit and how it counts, for the composer.
http::Response ReplyLimits(Context&, R, Caller&) {
  json items = json::array();
  for (Platform p : {Platform::kX, Platform::kFacebook, Platform::kInstagram, Platform::kYoutube,
                     Platform::kWhatsapp, Platform::kTelegram, Platform::kMastodon,
                     Platform::kBluesky, Platform::kTiktok}) {
    items.push_back({{"platform", ToString(p)},
                     {"max_chars", inbox::MaxReplyChars(p)},
                     {"counting", inbox::LengthCounting(p)},
                     {"window_hours", p == Platform::kWhatsapp ? json(24) : json(nullptr)},
                     {"replies", p != Platform::kTiktok}});
  }
  return Json(200, {{"items", items}});
}

}  // namespace

void PublishCaseChange(Context& ctx, Id case_id) {
  if (!ctx.server) return;
  auto kase = ctx.store.inbox().GetCase(case_id);
  auto agencies = ctx.store.agencies().All();
  if (!kase.ok() || !agencies.ok()) return;
  Caller system;  // the job queue: no user, the whole directory for agency names
  system.hierarchy = std::make_unique<Hierarchy>(std::move(agencies).value());
  InboxJson j(ctx, system);
  PublishCase(ctx, j, *kase);
}

void RegisterInboxRoutes(http::Server& server, Context& ctx) {
  auto route = [&](const char* method, const char* path, InboxHandler fn) {
    InboxRoute(server, ctx, method, path, std::move(fn));
  };
  route("GET", "/api/v1/cases", ListCases);
  route("GET", "/api/v1/cases/counts", CountCases);
  route("POST", "/api/v1/cases", OpenCase);
  route("GET", "/api/v1/cases/{id}", GetCase);
  route("PATCH", "/api/v1/cases/{id}", PatchCase);
  route("POST", "/api/v1/cases/{id}/transition", Transition);
  route("POST", "/api/v1/cases/{id}/notes", AddNote);
  route("POST", "/api/v1/cases/{id}/dispositions", ForwardCase);
  route("POST", "/api/v1/cases/{id}/replies", CreateReply);
  route("GET", "/api/v1/dispositions", ListDispositions);
  route("GET", "/api/v1/dispositions/targets", DispositionTargets);
  route("POST", "/api/v1/dispositions/{id}/answer",
        [](Context& x, R req, Caller& c) { return ResolveDisposition(x, req, c, false); });
  route("POST", "/api/v1/dispositions/{id}/refuse",
        [](Context& x, R req, Caller& c) { return ResolveDisposition(x, req, c, true); });
  route("POST", "/api/v1/dispositions/{id}/forward", Reforward);
  route("GET", "/api/v1/replies/limits", ReplyLimits);
  route("PATCH", "/api/v1/replies/{id}",
        [](Context& x, R req, Caller& c) { return ReplyAction(x, req, c, "edit"); });
  for (const char* action : {"submit", "approve", "reject", "retry"}) {
    std::string a = action;
    InboxRoute(server, ctx, "POST", "/api/v1/replies/{id}/" + a,
               [a](Context& x, R req, Caller& c) { return ReplyAction(x, req, c, a); });
  }
  RegisterInboxAdminRoutes(server, ctx);
}

}  // namespace humas::api
