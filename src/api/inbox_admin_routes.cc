// /api/v1/answers, /calendar/holidays, /inbox/settings, /notifications, /inbox/responsiveness.
#include <algorithm>
#include <cctype>
#include <map>

#include "api/api.h"
#include "api/inbox_common.h"
#include "api/json_model.h"

namespace humas::api {

json SettingsJson(const InboxSettings& s) {
  auto schedule = inbox::ParseSchedule(s.schedule_json);
  json sched =
      json::parse(inbox::ScheduleJson(schedule.ok() ? *schedule : sla::WeeklySchedule::Default()));
  return {{"region_id", s.region_id},
          {"mode", s.mode},
          {"hours", s.hours},
          {"reminder_minutes", s.reminder_minutes},
          {"require_reply_approval", s.require_reply_approval},
          {"schedule", sched},
          {"updated_at",
           TimeOrNull(s.updated_at ? std::optional<UnixMillis>(s.updated_at) : std::nullopt)}};
}

namespace {

using R = const http::Request&;

// ---------------------------------------------------------------- ready answers

const char* const kAnswerFields[] = {"agency_id",  "title",       "body",   "tags",
                                     "valid_from", "valid_until", "active", "version"};

Status ReadAnswerFields(const json& body, ReadyAnswer* a, bool creating) {
  HUMAS_RETURN_IF_ERROR(ReadString(body, "title", &a->title, creating, 2, 200));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "body", &a->body, creating, 1, 4000));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "valid_from", &a->valid_from, false, 0, 10));
  HUMAS_RETURN_IF_ERROR(ReadString(body, "valid_until", &a->valid_until, false, 0, 10));
  HUMAS_RETURN_IF_ERROR(ReadBool(body, "active", &a->active));
  for (const char* f : {"valid_from", "valid_until"}) {
    const std::string& v = std::string(f) == "valid_from" ? a->valid_from : a->valid_until;
    if (!v.empty() && !IsDate(v))
      return InvalidArgument(std::string(f) + " must be a date YYYY-MM-DD").WithField(f);
  }
  if (!a->valid_from.empty() && !a->valid_until.empty() && a->valid_until < a->valid_from)
    return InvalidArgument("valid_until is before valid_from").WithField("valid_until");
  if (body.contains("tags")) {
    if (!body["tags"].is_array() || body["tags"].size() > 20)
      return InvalidArgument("tags must be a list of up to 20 words").WithField("tags");
    a->tags.clear();
    for (const json& t : body["tags"]) {
      if (!t.is_string() || t.get<std::string>().empty() || t.get<std::string>().size() > 40 ||
          t.get<std::string>().find(' ') != std::string::npos)
        return InvalidArgument("each tag is one word of 1-40 characters").WithField("tags");
      a->tags.push_back(t.get<std::string>());
    }
  }
  return Status::Ok();
}

http::Response ListAnswers(Context& ctx, R req, Caller& c) {
  store::AnswerFilter f;
  auto agency = QueryId(req, "agency_id");
  if (!agency.ok()) return Error(agency.status());
  if (*agency) {
    if (!c.access->CanRead(**agency))
      return Error(NotFound("no such agency").WithField("agency_id"));
    f.agency_ids = c.hierarchy->Subtree(**agency);
  } else {
    f.agency_ids = c.access->Readable();
  }
  f.q = req.Query("q").value_or("");
  if (f.q.size() > 500) return Error(InvalidArgument("q is too long").WithField("q"));
  if (auto a = req.Query("approved"); a && !a->empty()) f.approved = *a == "true";
  std::string active = req.Query("active").value_or("true");
  if (active != "all") f.active = active == "true";
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  f.limit = page->limit;
  f.offset = page->offset;
  auto list = ctx.store.inbox().ListAnswers(f);
  if (!list.ok()) return Error(list.status());
  InboxJson j(ctx, c);
  json items = json::array();
  for (const ReadyAnswer& a : list->items) items.push_back(j.AnswerJson(a));
  return Json(200, {{"items", items}, {"total", list->total}});
}

http::Response SuggestAnswers(Context& ctx, R req, Caller& c) {
  auto id = QueryId(req, "case_id");
  if (!id.ok()) return Error(id.status());
  if (!*id) return Error(InvalidArgument("case_id is required").WithField("case_id"));
  auto kase = ctx.store.inbox().GetCase(**id);
  if (!kase.ok() || !c.access->CanRead(kase->agency_id))
    return Error(NotFound("no such case").WithField("case_id"));
  std::vector<Id> agencies;
  for (const Agency* a = c.hierarchy->Find(kase->agency_id); a;
       a = a->parent_id ? c.hierarchy->Find(*a->parent_id) : nullptr)
    agencies.push_back(a->id);
  const Agency* a = c.hierarchy->Find(kase->agency_id);
  auto list = ctx.store.inbox().SuggestAnswers(
      agencies, kase->subject, TodayIn(a ? a->timezone : "Asia/Jakarta", ctx.clock.Now()), 5);
  if (!list.ok()) return Error(list.status());
  InboxJson j(ctx, c);
  json items = json::array();
  for (const ReadyAnswer& x : *list) items.push_back(j.AnswerJson(x, true));
  return Json(200, {{"items", items}});
}

http::Response CreateAnswer(Context& ctx, R req, Caller& c) {
  auto body = ParseBody(req, kAnswerFields);
  if (!body.ok()) return Error(body.status());
  if (body->contains("version"))
    return Error(InvalidArgument("version is not accepted here").WithField("version"));
  ReadyAnswer a;
  std::int64_t agency = 0;
  if (Status s = ReadInt(*body, "agency_id", &agency, true); !s.ok()) return Error(s);
  if (!c.access->CanRead(agency)) return Error(NotFound("no such agency").WithField("agency_id"));
  if (!CanWorkInbox(c, agency))
    return Error(PermissionDenied("your role may not write ready answers"));
  a.agency_id = agency;
  if (Status s = ReadAnswerFields(*body, &a, true); !s.ok()) return Error(s);
  if (CanApprove(c, agency)) {
    a.approved = true;
    a.approved_by = c.user.id;
  }
  if (Status s = ctx.store.inbox().CreateAnswer(&a); !s.ok()) return Error(s);
  c.Audit(ctx, "answer.create", "answer", std::to_string(a.id), agency, *body);
  InboxJson j(ctx, c);
  return Json(201, j.AnswerJson(a));
}

http::Response UpdateAnswer(Context& ctx, R req, Caller& c, bool approve) {
  auto id = PathId(req);
  if (!id.ok()) return Error(id.status());
  auto a = ctx.store.inbox().GetAnswer(*id);
  if (!a.ok() || !c.access->CanRead(a->agency_id)) return Error(NotFound("no such ready answer"));
  if (!CanWorkInbox(c, a->agency_id))
    return Error(PermissionDenied("your role may not change ready answers"));
  static const char* const kApproveFields[] = {"version"};
  auto body = approve ? ParseBody(req, kApproveFields) : ParseBody(req, kAnswerFields);
  if (!body.ok()) return Error(body.status());
  if (!approve && body->contains("agency_id"))
    return Error(InvalidArgument("agency_id cannot be changed").WithField("agency_id"));
  auto version = ReadVersion(*body);
  if (!version.ok()) return Error(version.status());
  ReadyAnswer next = *a;
  if (approve) {
    if (!CanApprove(c, a->agency_id))
      return Error(PermissionDenied("only the agency's pejabat approves ready answers"));
    next.approved = true;
    next.approved_by = c.user.id;
  } else {
    if (Status s = ReadAnswerFields(*body, &next, false); !s.ok()) return Error(s);
    if (next.body != a->body || next.title != a->title) {
      // Changed wording needs approval again, unless an approver changed it.
      next.approved = CanApprove(c, a->agency_id);
      next.approved_by = next.approved ? std::optional<Id>(c.user.id) : std::nullopt;
    }
  }
  auto stored = ctx.store.inbox().UpdateAnswer(next, *version);
  if (!stored.ok()) return Error(stored.status());
  c.Audit(ctx, approve ? "answer.approve" : "answer.update", "answer", std::to_string(a->id),
          a->agency_id, *body);
  InboxJson j(ctx, c);
  return Json(200, j.AnswerJson(*stored));
}

// ---------------------------------------------------------------- calendar

http::Response ListHolidays(Context& ctx, R req, Caller&) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  CivilFromDays(ctx.clock.Now() / 86'400'000, &y, &m, &d);
  if (auto v = req.Query("year"); v && !v->empty()) {
    if (v->size() != 4 || v->find_first_not_of("0123456789") != std::string::npos)
      return Error(InvalidArgument("year must be four digits").WithField("year"));
    y = std::stoi(*v);
  }
  std::string prefix = std::to_string(y) + "-";
  std::map<std::string, json> days;
  for (const sla::Holiday& h : sla::OfficialHolidays(y))
    days[h.date] = {{"date", h.date},
                    {"name", h.name},
                    {"kind", sla::ToString(h.kind)},
                    {"source", "official"},
                    {"removed", false}};
  auto overrides = ctx.store.inbox().HolidayOverrides();
  if (!overrides.ok()) return Error(overrides.status());
  for (const HolidayOverride& o : *overrides) {
    if (o.date.rfind(prefix, 0) != 0) continue;
    auto it = days.find(o.date);
    if (o.removed) {
      if (it != days.end()) it->second["removed"] = true;
    } else {
      days[o.date] = {{"date", o.date},
                      {"name", o.name},
                      {"kind", o.kind},
                      {"source", "admin"},
                      {"removed", false}};
    }
  }
  json items = json::array();
  for (auto& [date, j] : days) items.push_back(j);
  return Json(200, {{"year", y}, {"items", items}});
}

const char* const kHolidayFields[] = {"date", "name", "kind"};

http::Response AddHoliday(Context& ctx, R req, Caller& c) {
  if (!c.access->IsAdmin()) return Error(PermissionDenied("only an admin edits the calendar"));
  auto body = ParseBody(req, kHolidayFields);
  if (!body.ok()) return Error(body.status());
  HolidayOverride h;
  if (Status s = ReadString(*body, "date", &h.date, true, 10, 10); !s.ok()) return Error(s);
  if (!sla::ParseDate(h.date).ok())
    return Error(InvalidArgument("date must be YYYY-MM-DD").WithField("date"));
  if (Status s = ReadString(*body, "name", &h.name, true, 2, 200); !s.ok()) return Error(s);
  if (Status s = ReadString(*body, "kind", &h.kind, true); !s.ok()) return Error(s);
  if (!sla::ParseHolidayKind(h.kind))
    return Error(InvalidArgument("kind must be libur_nasional or cuti_bersama").WithField("kind"));
  if (Status s = ctx.store.inbox().PutHolidayOverride(h); !s.ok()) return Error(s);
  c.Audit(ctx, "calendar.add", "holiday", h.date, std::nullopt, *body);
  return Json(201, {{"date", h.date},
                    {"name", h.name},
                    {"kind", h.kind},
                    {"source", "admin"},
                    {"removed", false}});
}

http::Response RemoveHoliday(Context& ctx, R req, Caller& c) {
  if (!c.access->IsAdmin()) return Error(PermissionDenied("only an admin edits the calendar"));
  std::string date = req.params.count("date") ? req.params.at("date") : "";
  auto day = sla::ParseDate(date);
  if (!day.ok()) return Error(InvalidArgument("date must be YYYY-MM-DD").WithField("date"));
  bool official = false;
  for (const sla::Holiday& h : sla::OfficialHolidays(std::stoi(date.substr(0, 4))))
    if (h.date == date) official = true;
  Status s = official ? ctx.store.inbox().PutHolidayOverride({date, "", "libur_nasional", true, 0})
                      : ctx.store.inbox().DeleteHolidayOverride(date);
  if (!s.ok()) return Error(s.code() == Code::kNotFound ? NotFound("no holiday on " + date) : s);
  c.Audit(ctx, "calendar.remove", "holiday", date, std::nullopt, {{"official", official}});
  return NoContent();
}

// ---------------------------------------------------------------- settings

//! Whether the caller may read a region's inbox settings: the region is in scope, or one of the
//! caller's agencies lies in it (an officer of an agency reads the deadline rules it works under).
bool ReadsRegionSettings(const Caller& c, Id region) {
  if (c.access->CanRead(region)) return true;
  for (Id a : c.access->Readable())
    if (c.hierarchy->IsWithin(a, region)) return true;
  return false;
}

Result<Id> RegionParam(const http::Request& req, Caller& c) {
  HUMAS_ASSIGN_OR_RETURN(std::optional<Id> id, QueryId(req, "region_id"));
  if (!id) {
    for (const auto& [aid, a] : c.hierarchy->all())
      if (a.kind == AgencyKind::kRegion && ReadsRegionSettings(c, aid)) return aid;
    return NotFound("no region in your scope");
  }
  const Agency* a = c.hierarchy->Find(*id);
  if (!a || !ReadsRegionSettings(c, *id)) return NotFound("no such region").WithField("region_id");
  if (a->kind != AgencyKind::kRegion)
    return InvalidArgument("region_id must name a region").WithField("region_id");
  return *id;
}

http::Response GetSettings(Context& ctx, R req, Caller& c) {
  auto region = RegionParam(req, c);
  if (!region.ok()) return Error(region.status());
  auto s = ctx.store.inbox().GetSettings(*region);
  if (!s.ok()) return Error(s.status());
  return Json(200, SettingsJson(*s));
}

const char* const kSettingsFields[] = {
    "region_id", "mode", "hours", "reminder_minutes", "require_reply_approval", "schedule"};

http::Response PutSettings(Context& ctx, R req, Caller& c) {
  auto body = ParseBody(req, kSettingsFields);
  if (!body.ok()) return Error(body.status());
  std::int64_t region = 0;
  if (Status s = ReadInt(*body, "region_id", &region, true); !s.ok()) return Error(s);
  const Agency* a = c.hierarchy->Find(region);
  if (!a || !c.access->CanRead(region))
    return Error(NotFound("no such region").WithField("region_id"));
  if (a->kind != AgencyKind::kRegion)
    return Error(InvalidArgument("region_id must name a region").WithField("region_id"));
  if (!c.access->HasOn({Role::kAdmin, Role::kKoordinator}, region))
    return Error(PermissionDenied("only an admin or the region's koordinator changes these"));
  auto current = ctx.store.inbox().GetSettings(region);
  if (!current.ok()) return Error(current.status());
  InboxSettings s = *current;
  if (Status st = ReadString(*body, "mode", &s.mode); !st.ok()) return Error(st);
  if (!sla::ParseMode(s.mode))
    return Error(InvalidArgument("mode must be calendar or working").WithField("mode"));
  std::int64_t hours = s.hours;
  if (Status st = ReadInt(*body, "hours", &hours); !st.ok()) return Error(st);
  if (hours < 1 || hours > 720)
    return Error(InvalidArgument("hours must be from 1 to 720").WithField("hours"));
  s.hours = static_cast<int>(hours);
  if (body->contains("reminder_minutes")) {
    const json& r = (*body)["reminder_minutes"];
    if (!r.is_array() || r.size() > 5)
      return Error(InvalidArgument("reminder_minutes must be up to 5 numbers")
                       .WithField("reminder_minutes"));
    s.reminder_minutes.clear();
    for (const json& v : r) {
      if (!v.is_number_integer() || v.get<int>() < 1 || v.get<int>() > 720 * 60)
        return Error(InvalidArgument("each reminder is 1 to 43200 minutes before the deadline")
                         .WithField("reminder_minutes"));
      s.reminder_minutes.push_back(v.get<int>());
    }
  }
  if (Status st = ReadBool(*body, "require_reply_approval", &s.require_reply_approval); !st.ok())
    return Error(st);
  if (body->contains("schedule")) {
    std::string text = (*body)["schedule"].dump();
    auto parsed = inbox::ParseSchedule(text);
    if (!parsed.ok()) return Error(parsed.status());
    if (!sla::Calendar::Make(*parsed, {}, sla::Zone::kWib).ok())
      return Error(
          InvalidArgument("the schedule needs at least one working day").WithField("schedule"));
    s.schedule_json = inbox::ScheduleJson(*parsed);
  }
  if (Status st = ctx.store.inbox().PutSettings(&s); !st.ok()) return Error(st);
  c.Audit(ctx, "inbox_settings.update", "region", std::to_string(region), region, *body);
  return Json(200, SettingsJson(s));
}

// ---------------------------------------------------------------- notifications

http::Response ListNotifications(Context& ctx, R req, Caller& c) {
  auto page = QueryPage(req);
  if (!page.ok()) return Error(page.status());
  bool unread = req.Query("unread").value_or("") == "true";
  auto list = ctx.store.inbox().ListNotifications(c.user.id, unread, *page);
  if (!list.ok()) return Error(list.status());
  auto left = ctx.store.inbox().ListNotifications(c.user.id, true, store::Page{1, 0});
  json items = json::array();
  for (const Notification& n : list->items) items.push_back(NotificationJson(n));
  return Json(200,
              {{"items", items}, {"total", list->total}, {"unread", left.ok() ? left->total : 0}});
}

const char* const kReadFields[] = {"ids", "all"};

http::Response MarkRead(Context& ctx, R req, Caller& c) {
  auto body = ParseBody(req, kReadFields);
  if (!body.ok()) return Error(body.status());
  bool all = false;
  if (Status s = ReadBool(*body, "all", &all); !s.ok()) return Error(s);
  std::vector<Id> ids;
  if (!all) {
    if (!body->contains("ids") || !(*body)["ids"].is_array() || (*body)["ids"].empty() ||
        (*body)["ids"].size() > 500)
      return Error(InvalidArgument("give ids (1-500) or all: true").WithField("ids"));
    for (const json& v : (*body)["ids"]) {
      if (!v.is_number_integer()) return Error(InvalidArgument("ids must be ids").WithField("ids"));
      ids.push_back(v.get<Id>());
    }
  }
  auto left = ctx.store.inbox().MarkRead(c.user.id, ids);
  if (!left.ok()) return Error(left.status());
  return Json(200, {{"unread", *left}});
}

// ---------------------------------------------------------------- responsiveness

struct Tally {
  std::string name;
  std::int64_t cases = 0;
  std::vector<double> first_response_min;
  std::int64_t dispositions = 0;
  std::int64_t answered = 0;
  double answer_min_sum = 0;
  std::int64_t due_or_answered = 0;
  std::int64_t within = 0;
  std::int64_t backlog[4] = {0, 0, 0, 0};
};

json TallyJson(const std::string& key, Tally& t) {
  std::sort(t.first_response_min.begin(), t.first_response_min.end());
  double sum = 0;
  for (double v : t.first_response_min) sum += v;
  size_t n = t.first_response_min.size();
  json median =
      n == 0 ? json(nullptr)
             : json(n % 2 ? t.first_response_min[n / 2]
                          : (t.first_response_min[n / 2 - 1] + t.first_response_min[n / 2]) / 2);
  return {{"key", key},
          {"name", t.name},
          {"cases", t.cases},
          {"responded", static_cast<std::int64_t>(n)},
          {"first_response_median_min", median},
          {"first_response_avg_min", n == 0 ? json(nullptr) : json(sum / n)},
          {"dispositions", t.dispositions},
          {"dispositions_answered", t.answered},
          {"disposition_answer_avg_min",
           t.answered == 0 ? json(nullptr) : json(t.answer_min_sum / t.answered)},
          {"within_deadline_share", t.due_or_answered == 0
                                        ? json(nullptr)
                                        : json(static_cast<double>(t.within) / t.due_or_answered)},
          {"backlog",
           {{"lt_1d", t.backlog[0]},
            {"d1_3", t.backlog[1]},
            {"d3_7", t.backlog[2]},
            {"gt_7d", t.backlog[3]}}}};
}

http::Response Responsiveness(Context& ctx, R req, Caller& c) {
  UnixMillis now = ctx.clock.Now();
  UnixMillis until = now;
  UnixMillis since = now - 30LL * 86'400'000;
  for (const char* name : {"since", "until"}) {
    auto v = req.Query(name);
    if (!v || v->empty()) continue;
    std::string text = *v;
    if (text.size() == 10) text += "T00:00:00+07:00";
    auto t = ParseRfc3339(text);
    if (!t.ok())
      return Error(InvalidArgument(std::string(name) + " must be a date or an RFC 3339 time")
                       .WithField(name));
    (std::string(name) == "since" ? since : until) = *t;
  }
  if (until <= since) return Error(InvalidArgument("until must be after since").WithField("until"));
  std::string group = req.Query("group").value_or("agency");
  if (group != "agency" && group != "officer" && group != "region")
    return Error(InvalidArgument("group must be agency, officer or region").WithField("group"));
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
  auto cases = ctx.store.inbox().CaseFacts(scope, since, until);
  if (!cases.ok()) return Error(cases.status());
  auto disps = ctx.store.inbox().DispositionFacts(scope, since, until);
  if (!disps.ok()) return Error(disps.status());
  InboxJson j(ctx, c);
  auto region_of = [&](Id id) {
    const Agency* a = c.hierarchy->Find(id);
    for (int i = 0; a && a->parent_id && a->kind != AgencyKind::kRegion && i < 16; ++i)
      a = c.hierarchy->Find(*a->parent_id);
    return a ? a->id : id;
  };
  std::map<Id, Tally> rows;
  auto row = [&](Id key) -> Tally& {
    Tally& t = rows[key];
    if (t.name.empty()) {
      if (group == "officer") {
        json u = j.UserRef(key);
        t.name = u.is_null() ? "" : u.value("display_name", "");
        if (t.name.empty() && !u.is_null()) t.name = u.value("username", "");
      } else {
        t.name = j.AgencyName(key);
      }
    }
    return t;
  };
  constexpr double kMin = 60'000.0;
  for (const store::CaseFact& f : *cases) {
    std::optional<Id> key = f.agency_id;
    if (group == "region") key = region_of(f.agency_id);
    if (group == "officer") key = f.first_responder_id ? f.first_responder_id : f.assignee_id;
    if (!key) continue;
    Tally& t = row(*key);
    if (f.created_at >= since) {
      ++t.cases;
      if (f.first_response_at)
        t.first_response_min.push_back((*f.first_response_at - f.created_at) / kMin);
    }
    if (f.state != CaseState::kSelesai) {
      UnixMillis age = until - f.created_at;
      int bucket = age < 86'400'000 ? 0 : age < 3 * 86'400'000 ? 1 : age < 7 * 86'400'000 ? 2 : 3;
      ++t.backlog[bucket];
    }
  }
  if (group != "officer") {
    for (const store::DispositionFact& d : *disps) {
      Tally& t = row(group == "region" ? region_of(d.to_agency_id) : d.to_agency_id);
      ++t.dispositions;
      bool answered = d.answered_at && d.state != DispositionState::kDiteruskan;
      if (answered) {
        ++t.answered;
        t.answer_min_sum += (*d.answered_at - d.created_at) / kMin;
      }
      if (answered || now >= d.deadline_at) {
        ++t.due_or_answered;
        if (answered && *d.answered_at <= d.deadline_at && d.state != DispositionState::kDitolak)
          ++t.within;
      }
    }
  }
  std::vector<std::pair<Id, json>> out;
  for (auto& [key, t] : rows) out.emplace_back(key, TallyJson(std::to_string(key), t));
  if (group == "agency") {
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      double sa = a.second["within_deadline_share"].is_null()
                      ? -1
                      : a.second["within_deadline_share"].template get<double>();
      double sb = b.second["within_deadline_share"].is_null()
                      ? -1
                      : b.second["within_deadline_share"].template get<double>();
      if (sa != sb) return sa > sb;
      double ma = a.second["first_response_median_min"].is_null()
                      ? 1e18
                      : a.second["first_response_median_min"].template get<double>();
      double mb = b.second["first_response_median_min"].is_null()
                      ? 1e18
                      : b.second["first_response_median_min"].template get<double>();
      return ma < mb;
    });
  }
  json items = json::array();
  for (auto& [key, jrow] : out) items.push_back(jrow);
  return Json(200, {{"since", FormatRfc3339(since)},
                    {"until", FormatRfc3339(until)},
                    {"group", group},
                    {"rows", items}});
}

// ---------------------------------------------------------------- colleagues

//! GET /api/v1/inbox/colleagues?agency_id=: the active officers (admin, koordinator, pejabat,
//! petugas) who may work the inbox of `agency_id` — the people a case of that agency can be
//! assigned to, the same rule PATCH /cases/{id} checks. Without agency_id: of every agency whose
//! inbox the caller works. Each person's roles are listed only on agencies the caller can read.
http::Response ListColleagues(Context& ctx, R req, Caller& c) {
  auto agency = QueryId(req, "agency_id");
  if (!agency.ok()) return Error(agency.status());
  std::vector<Id> agencies;
  if (*agency) {
    if (!c.access->CanRead(**agency)) return Error(NotFound("no such agency"));
    if (!CanWorkInbox(c, **agency))
      return Error(PermissionDenied("your role does not work this agency's inbox"));
    agencies.push_back(**agency);
  } else {
    for (Id a : c.access->Readable())
      if (CanWorkInbox(c, a)) agencies.push_back(a);
    if (agencies.empty()) return Error(PermissionDenied("your role does not work an inbox"));
  }
  std::vector<json> people;
  for (int offset = 0;; offset += 200) {
    auto page = ctx.store.users().List({200, offset});
    if (!page.ok()) return Error(page.status());
    for (const User& u : page->items) {
      if (!u.active) continue;
      Access theirs(u, *c.hierarchy);
      bool works = std::any_of(agencies.begin(), agencies.end(), [&theirs](Id a) {
        return theirs.HasOn({Role::kAdmin, Role::kKoordinator, Role::kPejabat, Role::kPetugas}, a);
      });
      if (!works) continue;
      json roles = json::array();
      for (const RoleGrant& g : u.roles) {
        if (!c.access->CanRead(g.agency_id)) continue;
        const Agency* a = c.hierarchy->Find(g.agency_id);
        roles.push_back({{"role", std::string(ToString(g.role))},
                         {"agency_id", g.agency_id},
                         {"agency_name", a ? a->name : ""}});
      }
      people.push_back({{"id", u.id},
                        {"username", u.username},
                        {"display_name", u.display_name},
                        {"roles", roles}});
    }
    if (page->items.size() < 200) break;
  }
  auto name = [](const json& p) {  // display name (else username), ASCII case folded
    std::string d = p["display_name"].get<std::string>();
    if (d.empty()) d = p["username"].get<std::string>();
    std::transform(d.begin(), d.end(), d.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return d;
  };
  std::sort(people.begin(), people.end(), [&name](const json& a, const json& b) {
    return name(a) == name(b) ? a["id"].get<Id>() < b["id"].get<Id>() : name(a) < name(b);
  });
  return Json(200, {{"items", people}});
}

}  // namespace

void RegisterInboxAdminRoutes(http::Server& server, Context& ctx) {
  auto route = [&](const char* method, const char* path, InboxHandler fn) {
    InboxRoute(server, ctx, method, path, std::move(fn));
  };
  route("GET", "/api/v1/answers", ListAnswers);
  route("GET", "/api/v1/answers/suggest", SuggestAnswers);
  route("POST", "/api/v1/answers", CreateAnswer);
  route("PATCH", "/api/v1/answers/{id}",
        [](Context& x, R req, Caller& c) { return UpdateAnswer(x, req, c, false); });
  route("POST", "/api/v1/answers/{id}/approve",
        [](Context& x, R req, Caller& c) { return UpdateAnswer(x, req, c, true); });
  route("GET", "/api/v1/calendar/holidays", ListHolidays);
  route("POST", "/api/v1/calendar/holidays", AddHoliday);
  route("DELETE", "/api/v1/calendar/holidays/{date}", RemoveHoliday);
  route("GET", "/api/v1/inbox/settings", GetSettings);
  route("PUT", "/api/v1/inbox/settings", PutSettings);
  route("GET", "/api/v1/notifications", ListNotifications);
  route("POST", "/api/v1/notifications/read", MarkRead);
  route("GET", "/api/v1/inbox/responsiveness", Responsiveness);
  route("GET", "/api/v1/inbox/colleagues", ListColleagues);
}

}  // namespace humas::api
