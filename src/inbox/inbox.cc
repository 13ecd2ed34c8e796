// Deadlines, notifications, the SLA sweep and reply sending (see inbox.h).
#include "inbox/inbox.h"

#include <nlohmann/json.hpp>
#include <set>

#include "connectors/reply/reply.h"
#include "core/log.h"
#include "jobs/runner.h"

namespace humas::inbox {
namespace {

using json = nlohmann::json;

constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr char kQueue[] = "inbox";
//! Sends of one reply the queue makes by itself (the first plus up to three automatic retries);
//! after that only the officer retries.
constexpr int kAutoSendAttempts = 4;

//! Schedules the next sweep at the next multiple of `every`: every server and restart computes
//! the same instant and key, so only one sweep is pending at a time.
Status ScheduleSweep(store::Store& store, UnixMillis now, UnixMillis every) {
  Job job;
  job.queue = kQueue;
  job.payload_json = R"({"task":"sweep"})";
  job.run_at = (now / every + 1) * every;
  job.dedupe_key = "inbox:sweep:" + std::to_string(job.run_at);
  return store.jobs().Enqueue(&job);
}

}  // namespace

int MaxReplyChars(Platform p) {
  switch (p) {
    case Platform::kX:
      return 280;
    case Platform::kMastodon:
      return 500;
    case Platform::kBluesky:
      return 300;
    case Platform::kTelegram:
      return 4096;
    case Platform::kFacebook:
      return 8000;
    case Platform::kInstagram:
      return 2200;
    case Platform::kYoutube:
      return 10000;
    case Platform::kWhatsapp:
      return 4096;
    case Platform::kTiktok:
      return 150;
    default:
      return 0;
  }
}

std::string_view LengthCounting(Platform p) { return p == Platform::kX ? "x_weighted" : "chars"; }

size_t ReplyLength(Platform p, std::string_view text) {
  if (p == Platform::kX) return connectors::reply::XWeightedLength(text);
  size_t chars = 0;
  for (unsigned char ch : text)
    if ((ch & 0xC0) != 0x80) ++chars;
  return chars;
}

bool Retryable(const Status& s) { return s.code() == Code::kUnavailable; }

bool IdempotentReplies(Platform p) { return p == Platform::kMastodon || p == Platform::kBluesky; }

bool RetriesByItself(Platform p, const Status& s) {
  if (!Retryable(s)) return false;
  return IdempotentReplies(p) || connectors::reply::SurelyNotPosted(s);
}

UnixMillis AutoRetryDelay(int attempts) {
  // 30 s, 2 min, 8 min after the 1st, 2nd, 3rd failed attempt.
  UnixMillis d = 30'000;
  for (int i = 1; i < attempts; ++i) d *= 4;
  return d;
}

Result<ResolvedSender> ResolveSender(Runtime& rt, Id agency_id, Platform p) {
  ResolvedSender out;
  if (rt.accounts) {
    HUMAS_ASSIGN_OR_RETURN(out.owned, rt.accounts->SenderFor(agency_id, p));
    out.sender = out.owned.get();
  }
  if (!out.sender) {
    auto it = rt.senders.find(p);
    if (it != rt.senders.end()) out.sender = it->second.get();
  }
  return out;
}

std::optional<UnixMillis> ReplyWindowClosesAt(const Case& c) {
  if (c.platform != Platform::kWhatsapp) return std::nullopt;
  return c.last_mention_at + connectors::reply::kWhatsappWindowMs;
}

namespace {

std::string WindowClosedMessage(UnixMillis closed_at) {
  return "WhatsApp only allows a reply within 24 hours of the citizen's last message; that "
         "window closed at " +
         FormatRfc3339(closed_at) +
         " (only pre-approved template messages may be sent after it, which humas does not "
         "send): answer when the citizen writes again, or through another channel";
}

std::string NoAccountMessage(Platform p) {
  return "no " + std::string(ToString(p)) +
         " account is connected for replies for this agency (connect one under Connectors)";
}

}  // namespace

SendCheck CheckSend(Runtime& rt, const Case& c, UnixMillis now) {
  SendCheck out;
  out.window_closes_at = ReplyWindowClosesAt(c);
  auto s = ResolveSender(rt, c.agency_id, c.platform);
  if (!s.ok() || !s->sender) {
    out.reason = "no_account";
    out.message = s.ok() ? NoAccountMessage(c.platform)
                         : "the " + std::string(ToString(c.platform)) +
                               " account for replies cannot be used: " + s.status().message();
  } else if (out.window_closes_at && now >= *out.window_closes_at) {
    out.reason = "window_closed";
    out.message = WindowClosedMessage(*out.window_closes_at);
  }
  return out;
}

Result<Id> RegionOf(store::Store& store, Id agency_id) {
  HUMAS_ASSIGN_OR_RETURN(std::vector<Agency> all, store.agencies().All());
  std::map<Id, const Agency*> by_id;
  for (const Agency& a : all) by_id[a.id] = &a;
  Id cur = agency_id;
  for (int depth = 0; depth < 16; ++depth) {
    auto it = by_id.find(cur);
    if (it == by_id.end()) return NotFound("agency " + std::to_string(cur) + " does not exist");
    if (it->second->kind == AgencyKind::kRegion || !it->second->parent_id) return cur;
    cur = *it->second->parent_id;
  }
  return Internal("the agency hierarchy is deeper than expected");
}

Result<sla::WeeklySchedule> ParseSchedule(const std::string& text) {
  if (text.empty()) return sla::WeeklySchedule::Default();
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return InvalidArgument("schedule must be an object of weekdays").WithField("schedule");
  sla::WeeklySchedule s;
  for (auto it = j.begin(); it != j.end(); ++it) {
    int day = -1;
    for (int d = 0; d < 7; ++d)
      if (it.key() == kDays[d]) day = d;
    if (day < 0)
      return InvalidArgument("schedule: unknown day '" + it.key() + "' (mon … sun)")
          .WithField("schedule");
    if (it->is_null()) continue;
    if (!it->is_array() || it->size() != 2 || !(*it)[0].is_string() || !(*it)[1].is_string())
      return InvalidArgument("schedule." + it.key() + " must be [\"HH:MM\", \"HH:MM\"] or null")
          .WithField("schedule");
    auto w = sla::ParseWindow((*it)[0].get<std::string>(), (*it)[1].get<std::string>());
    if (!w.ok())
      return InvalidArgument("schedule." + it.key() + ": " + w.status().message())
          .WithField("schedule");
    s.days[day] = *w;
  }
  return s;
}

std::string ScheduleJson(const sla::WeeklySchedule& s) {
  json j = json::object();
  for (int d = 0; d < 7; ++d) {
    if (s.days[d]) {
      j[kDays[d]] = {sla::FormatClock(s.days[d]->start_minute),
                     sla::FormatClock(s.days[d]->end_minute)};
    } else {
      j[kDays[d]] = nullptr;
    }
  }
  return j.dump();
}

Result<sla::Calendar> CalendarFor(store::Store& store, const InboxSettings& settings,
                                  const std::string& timezone, UnixMillis now) {
  HUMAS_ASSIGN_OR_RETURN(sla::WeeklySchedule schedule, ParseSchedule(settings.schedule_json));
  auto zone = sla::ParseZone(timezone).value_or(sla::Zone::kWib);
  std::set<std::int64_t> closed;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  CivilFromDays(now / 86'400'000, &y, &m, &d);
  for (int year = y - 1; year <= y + 1; ++year)
    for (const sla::Holiday& h : sla::OfficialHolidays(year))
      if (auto day = sla::ParseDate(h.date); day.ok()) closed.insert(*day);
  HUMAS_ASSIGN_OR_RETURN(auto overrides, store.inbox().HolidayOverrides());
  for (const HolidayOverride& o : overrides) {
    auto day = sla::ParseDate(o.date);
    if (!day.ok()) continue;
    if (o.removed) {
      closed.erase(*day);
    } else {
      closed.insert(*day);
    }
  }
  return sla::Calendar::Make(schedule, std::move(closed), zone);
}

Result<DeadlinePlan> PlanDeadline(store::Store& store, const Agency& to, UnixMillis now) {
  HUMAS_ASSIGN_OR_RETURN(Id region, RegionOf(store, to.id));
  HUMAS_ASSIGN_OR_RETURN(InboxSettings settings, store.inbox().GetSettings(region));
  HUMAS_ASSIGN_OR_RETURN(sla::Calendar cal, CalendarFor(store, settings, to.timezone, now));
  sla::Mode mode = sla::ParseMode(settings.mode).value_or(sla::Mode::kCalendar);
  DeadlinePlan p;
  p.mode = std::string(sla::ToString(mode));
  p.sla_ms = static_cast<std::int64_t>(settings.hours) * 3'600'000;
  p.timezone = to.timezone;
  HUMAS_ASSIGN_OR_RETURN(p.deadline_at, cal.Deadline(now, p.sla_ms, mode));
  std::vector<std::int64_t> before;
  for (int minutes : settings.reminder_minutes) before.push_back(minutes * 60'000LL);
  p.reminders = cal.ReminderPoints(now, p.deadline_at, before, mode);
  return p;
}

SlaView ViewSla(const Disposition& d, const sla::Calendar& calendar, UnixMillis now) {
  sla::Mode mode = sla::ParseMode(d.sla_mode).value_or(sla::Mode::kCalendar);
  SlaView v;
  if (d.state != DispositionState::kMenunggu) {
    UnixMillis at = d.answered_at.value_or(now);
    v.remaining_ms = calendar.Remaining(at, d.deadline_at, mode);
    v.status = at <= d.deadline_at ? "answered_on_time" : "answered_late";
    return v;
  }
  v.remaining_ms = calendar.Remaining(now, d.deadline_at, mode);
  if (now >= d.deadline_at) {
    v.status = "overdue";
  } else if (!d.reminder_points.empty() && now >= d.reminder_points.front()) {
    v.status = "due_soon";
  } else {
    v.status = "on_track";
  }
  return v;
}

Result<std::vector<User>> UsersWithRole(store::Store& store, std::initializer_list<Role> roles,
                                        Id agency) {
  HUMAS_ASSIGN_OR_RETURN(std::vector<Agency> all, store.agencies().All());
  std::map<Id, std::optional<Id>> parent;
  for (const Agency& a : all) parent[a.id] = a.parent_id;
  std::set<Id> chain;
  std::optional<Id> cur = agency;
  for (int depth = 0; cur && depth < 16; ++depth) {
    chain.insert(*cur);
    auto it = parent.find(*cur);
    cur = it == parent.end() ? std::nullopt : it->second;
  }
  std::vector<User> out;
  store::Page page{200, 0};
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(auto list, store.users().List(page));
    for (User& u : list.items) {
      if (!u.active) continue;
      bool match = false;
      for (const RoleGrant& g : u.roles)
        for (Role r : roles)
          if (g.role == r && chain.count(g.agency_id)) match = true;
      if (match) out.push_back(std::move(u));
    }
    if (static_cast<int>(list.items.size()) < page.limit) break;
    page.offset += page.limit;
  }
  return out;
}

std::vector<Job> DeliveryJobs(Runtime& rt, const Notification& n) {
  std::vector<Job> out;
  // Outside channels are slow and fail: each delivery is its own job (never inside the caller's
  // request; retried with back-off on its own, so a retry of one never repeats another).
  for (auto& ch : rt.channels) {
    Job job;
    job.queue = kQueue;
    job.payload_json = json{
        {"task", "notify"},
        {"channel", ch->name()},
        {"user_id", n.user_id},
        {"notification",
         {{"id", n.id},
          {"kind", n.kind},
          {"case_id", n.case_id ? json(*n.case_id) : json(nullptr)},
          {"disposition_id", n.disposition_id ? json(*n.disposition_id) : json(nullptr)},
          {"alert_id", n.alert_id ? json(*n.alert_id) : json(nullptr)},
          {"title", n.title},
          {"body", n.body},
          {"created_at",
           n.created_at}}}}.dump(-1, ' ', false, json::error_handler_t::replace);
    job.run_at = rt.clock.Now();
    job.max_attempts = kNotifyAttempts;
    job.dedupe_key = "inbox:notify:" + std::to_string(n.id) + ":" + ch->name();
    out.push_back(std::move(job));
  }
  return out;
}

Result<int> NotifyUsers(Runtime& rt, const std::vector<User>& users, Notification n,
                        const std::string& key) {
  int added = 0;
  for (const User& u : users) {
    Notification copy = n;
    copy.user_id = u.id;
    copy.dedupe_key = key;
    HUMAS_ASSIGN_OR_RETURN(bool inserted, rt.store.inbox().Notify(&copy));
    if (!inserted) continue;
    ++added;
    for (Job& job : DeliveryJobs(rt, copy)) HUMAS_RETURN_IF_ERROR(rt.store.jobs().Enqueue(&job));
  }
  return added;
}

Status DeliverNotification(Runtime& rt, const std::string& payload_json) {
  json p = json::parse(payload_json, nullptr, false);
  if (!p.is_object() || !p.contains("notification") || !p["notification"].is_object())
    return InvalidArgument("notify job without a notification");
  std::string name = p.value("channel", "");
  Channel* channel = nullptr;
  for (auto& ch : rt.channels)
    if (ch->name() == name) channel = ch.get();
  if (!channel) {  // the channel was switched off in the configuration since: nothing to do
    Log(LogLevel::kInfo, "inbox.channel_gone", {{"channel", name}});
    return Status::Ok();
  }
  const json& j = p["notification"];
  Notification n;
  n.id = j.value("id", Id{0});
  n.user_id = p.value("user_id", Id{0});
  n.kind = j.value("kind", "");
  if (j.contains("case_id") && j["case_id"].is_number_integer()) n.case_id = j["case_id"].get<Id>();
  if (j.contains("disposition_id") && j["disposition_id"].is_number_integer())
    n.disposition_id = j["disposition_id"].get<Id>();
  if (j.contains("alert_id") && j["alert_id"].is_number_integer())
    n.alert_id = j["alert_id"].get<Id>();
  n.title = j.value("title", "");
  n.body = j.value("body", "");
  n.created_at = j.value("created_at", UnixMillis{0});
  // The address or chat as it is now (the officer may have fixed it since).
  auto user = rt.store.users().Get(n.user_id);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) return Status::Ok();
    return user.status();
  }
  if (!user->active) return Status::Ok();
  Status s = channel->Deliver(*user, n);
  if (s.ok() || Retryable(s)) return s;  // Unavailable: the job queue retries with back-off
  // Refused for good (no address, bot blocked): retrying cannot help.
  Log(LogLevel::kWarn, "inbox.channel_refused",
      {{"channel", name}, {"user", user->username}, {"error", s.message()}});
  return Status::Ok();
}

Result<int> Sweep(Runtime& rt, UnixMillis now) {
  HUMAS_ASSIGN_OR_RETURN(auto due, rt.store.inbox().DueAlerts(now, 200));
  int handled = 0;
  for (const store::DueAlert& a : due) {
    const Disposition& d = a.disposition;
    // Record first: a crash after this point loses at most this one alert, never repeats it.
    HUMAS_ASSIGN_OR_RETURN(bool mine,
                           rt.store.inbox().MarkAlerted(d.id, d.reminders_sent, a.escalate, now));
    if (!mine) continue;
    auto to = rt.store.agencies().Get(d.to_agency_id);
    std::string agency = to.ok() ? to->name : "";
    Notification n;
    n.case_id = d.case_id;
    n.disposition_id = d.id;
    std::vector<User> users;
    std::string key;
    if (a.escalate) {
      HUMAS_ASSIGN_OR_RETURN(users, UsersWithRole(rt.store, {Role::kPejabat}, d.to_agency_id));
      HUMAS_ASSIGN_OR_RETURN(Id region, RegionOf(rt.store, d.to_agency_id));
      HUMAS_ASSIGN_OR_RETURN(auto koordinator,
                             UsersWithRole(rt.store, {Role::kKoordinator}, region));
      users.insert(users.end(), koordinator.begin(), koordinator.end());
      n.kind = "escalation";
      n.title = "Disposisi melewati batas waktu: " + agency;
      n.body = d.question.substr(0, 500);
      key = "disposition:" + std::to_string(d.id) + ":escalation";
    } else {
      HUMAS_ASSIGN_OR_RETURN(
          users, UsersWithRole(rt.store, {Role::kPejabat, Role::kPetugas}, d.to_agency_id));
      n.kind = "reminder";
      n.title = "Pengingat disposisi: batas waktu " + FormatRfc3339(d.deadline_at);
      n.body = d.question.substr(0, 500);
      key = "disposition:" + std::to_string(d.id) + ":reminder:" + std::to_string(d.reminders_sent);
    }
    // A user holding two matching grants is told once.
    std::set<Id> seen;
    std::vector<User> unique;
    for (User& u : users)
      if (seen.insert(u.id).second) unique.push_back(std::move(u));
    HUMAS_RETURN_IF_ERROR(NotifyUsers(rt, unique, n, key).status());
    CaseEvent e{0,
                d.case_id,
                now,
                std::nullopt,
                a.escalate ? "escalated" : "reminder_sent",
                json{{"disposition_id", d.id}, {"recipients", unique.size()}}.dump()};
    HUMAS_RETURN_IF_ERROR(rt.store.inbox().AppendEvent(&e));
    ++handled;
  }
  return handled;
}

namespace {

//! Sends a reply this worker claimed; every way out records sent or failed (never left sending).
Status SendClaimed(Runtime& rt, const Reply& r, UnixMillis now) {
  auto fail = [&](const Status& why) {
    UnixMillis at = rt.clock.Now();
    std::optional<UnixMillis> next;
    if (r.attempts < kAutoSendAttempts && RetriesByItself(r.platform, why))
      next = at + AutoRetryDelay(r.attempts);
    Log(LogLevel::kWarn, "inbox.reply_failed",
        {{"reply_id", r.id},
         {"platform", std::string(ToString(r.platform))},
         {"retryable", Retryable(why)},
         {"attempt", r.attempts},
         {"next_retry_at", next ? FormatRfc3339(*next) : std::string()},
         {"error", why.message()}});
    HUMAS_ASSIGN_OR_RETURN(Reply failed, rt.store.inbox().MarkReplyFailed(
                                             r.id, why.message(), Retryable(why), at, next));
    if (!next) return Status::Ok();
    Job job;
    job.queue = kQueue;
    job.payload_json =
        json{{"task", "auto_retry"}, {"reply_id", r.id}, {"attempts", failed.attempts}}.dump();
    job.run_at = *next;
    job.max_attempts = 3;
    job.dedupe_key =
        "inbox:auto_retry:" + std::to_string(r.id) + ":" + std::to_string(failed.attempts);
    return rt.store.jobs().Enqueue(&job);
  };
  auto c = rt.store.inbox().GetCase(r.case_id);
  if (!c.ok()) return fail(c.status());
  auto sender = ResolveSender(rt, c->agency_id, r.platform);
  if (!sender.ok()) return fail(sender.status());
  if (!sender->sender) return fail(FailedPrecondition(NoAccountMessage(r.platform)));
  int limit = MaxReplyChars(r.platform);
  if (limit > 0 && ReplyLength(r.platform, r.text) > static_cast<size_t>(limit))
    return fail(InvalidArgument("the reply is longer than " + std::string(ToString(r.platform)) +
                                " allows (" + std::to_string(limit) + " characters)"));
  if (auto closes = ReplyWindowClosesAt(*c); closes && now >= *closes)
    return fail(FailedPrecondition(WindowClosedMessage(*closes)));
  auto sent = sender->sender->Send(r, *c);
  if (!sent.ok()) return fail(sent.status());
  return rt.store.inbox()
      .MarkReplySent(r.id, sent->platform_id, sent->url, rt.clock.Now())
      .status();
}

void CaseChanged(Runtime& rt, Id case_id) {
  if (rt.case_changed) rt.case_changed(case_id);
}

}  // namespace

Status SendReply(Runtime& rt, Id reply_id) {
  UnixMillis now = rt.clock.Now();
  HUMAS_ASSIGN_OR_RETURN(auto claimed, rt.store.inbox().ClaimReply(reply_id, now));
  if (!claimed) return Status::Ok();  // someone else is sending it, or it is not queued
  Status s = SendClaimed(rt, *claimed, now);
  CaseChanged(rt, claimed->case_id);
  return s;
}

Status AutoRetry(Runtime& rt, Id reply_id, int attempts) {
  HUMAS_ASSIGN_OR_RETURN(Reply r, rt.store.inbox().GetReply(reply_id));
  // Only the failure this retry was planned for: an officer who retried, or a newer failure,
  // has taken over.
  if (r.state != ReplyState::kFailed || !r.next_retry_at || r.attempts != attempts)
    return Status::Ok();
  Reply next = r;
  next.state = ReplyState::kQueued;
  auto queued = rt.store.inbox().UpdateReply(
      next, r.version, {ReplyState::kFailed},
      CaseEvent{0, r.case_id, rt.clock.Now(), std::nullopt, "reply_retried",
                json{{"reply_id", r.id}, {"automatic", true}, {"attempt", attempts + 1}}.dump()});
  if (!queued.ok()) {
    // Someone changed it at the same moment (a retry by hand): theirs wins.
    if (queued.status().code() == Code::kConflict ||
        queued.status().code() == Code::kFailedPrecondition)
      return Status::Ok();
    return queued.status();
  }
  return SendReply(rt, r.id);
}

Status EnqueueSend(store::Store& store, const Reply& reply, UnixMillis now) {
  Job job;
  job.queue = kQueue;
  job.payload_json = json{{"task", "send"}, {"reply_id", reply.id}}.dump();
  job.run_at = now;
  // The job itself is never re-run: SendReply records every failure on the reply and plans the
  // automatic retries it allows (AutoRetry); the rest is the officer's decision.
  job.max_attempts = 1;
  job.dedupe_key = "inbox:send:" + std::to_string(reply.id) + ":" + std::to_string(reply.version);
  return store.jobs().Enqueue(&job);
}

Status RegisterJobs(jobs::JobRunner& runner, Runtime& rt, UnixMillis sweep_every_ms) {
  runner.Register(kQueue, [&rt, sweep_every_ms](const Job& job) -> Status {
    json p = json::parse(job.payload_json, nullptr, false);
    std::string task = p.is_object() ? p.value("task", "") : "";
    if (task == "send") return SendReply(rt, p.value("reply_id", Id{0}));
    if (task == "auto_retry")
      return AutoRetry(rt, p.value("reply_id", Id{0}), p.value("attempts", 0));
    if (task == "notify") return DeliverNotification(rt, job.payload_json);
    if (task == "sweep") {
      UnixMillis now = rt.clock.Now();
      HUMAS_RETURN_IF_ERROR(Sweep(rt, now).status());
      // A reply left queued (its job lost in a crash) is sent by the sweep.
      HUMAS_ASSIGN_OR_RETURN(auto stale, rt.store.inbox().StaleQueuedReplies(now - 120'000, 50));
      for (Id id : stale) HUMAS_RETURN_IF_ERROR(SendReply(rt, id));
      // A reply still "sending" long after its send started was interrupted (crash, kill): it may
      // or may not have reached the platform. Show it as failed, never as sent, and say so.
      HUMAS_ASSIGN_OR_RETURN(auto stuck, rt.store.inbox().StaleSendingReplies(now - 600'000, 50));
      for (Id id : stuck) {
        HUMAS_ASSIGN_OR_RETURN(
            Reply failed,
            rt.store.inbox().MarkReplyFailed(id,
                                             "interrupted while sending: check the platform before "
                                             "retrying, it may have been posted",
                                             false, now, std::nullopt));
        CaseChanged(rt, failed.case_id);
      }
      return ScheduleSweep(rt.store, now, sweep_every_ms);
    }
    return InvalidArgument("unknown inbox task '" + task + "'");
  });
  return ScheduleSweep(rt.store, rt.clock.Now(), sweep_every_ms);
}

}  // namespace humas::inbox
