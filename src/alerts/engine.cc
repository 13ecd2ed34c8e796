// The alert evaluator and its job (see engine.h).
#include "alerts/engine.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "alerts/detector.h"
#include "core/crash_point.h"
#include "core/log.h"
#include "jobs/runner.h"
#include "store/counters.h"
#include "store/queries.h"

namespace humas::alerts {
namespace {

using json = nlohmann::json;
using store::Alert;
using store::AlertSettings;

//! (agency, query or 0 for the topic / hoax, kind): what one open alert stands for.
using AlertKey = std::tuple<Id, Id, std::string>;

AlertKey KeyOf(const Alert& a) { return {a.agency_id, a.query_id.value_or(0), a.kind}; }

UnixMillis HourFloor(UnixMillis t) {
  UnixMillis h = t / kHourMs * kHourMs;
  return h > t ? h - kHourMs : h;
}

std::string Fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

Status ScheduleEvaluation(store::Store& store, UnixMillis now, UnixMillis every) {
  Job job;
  job.queue = kAlertQueue;
  job.payload_json = R"({"task":"evaluate"})";
  job.run_at = (now / every + 1) * every;
  job.dedupe_key = "alerts:evaluate:" + std::to_string(job.run_at);
  return store.jobs().Enqueue(&job);
}

}  // namespace

std::string EvidencePath(const Alert& a) {
  if (a.kind == "hoax" && a.evidence_ids.size() == 1)
    return "/mentions/" + std::to_string(a.evidence_ids[0]);
  std::string path = a.query_id ? "/mentions?query_id=" + std::to_string(*a.query_id)
                                : "/mentions?agency_id=" + std::to_string(a.agency_id);
  return path + "&since=" + FormatRfc3339(a.window_start) + "&until=" + FormatRfc3339(a.window_end);
}

Engine::Engine(inbox::Runtime& rt, EngineOptions options, AlertListener listener)
    : rt_(rt), options_(std::move(options)), listener_(std::move(listener)) {}

Result<EvaluationReport> Engine::Evaluate(UnixMillis now) {
  std::lock_guard lock(mu_);
  return EvaluateLocked(now);
}

AlertSettings Engine::SettingsOf(const std::map<Id, AlertSettings>& all, Id agency) const {
  auto it = all.find(agency);
  if (it != all.end()) return it->second;
  AlertSettings defaults;
  defaults.agency_id = agency;
  return defaults;
}

Result<EvaluationReport> Engine::EvaluateLocked(UnixMillis now) {
  store::AlertRepository& repo = rt_.store.alerts();
  EvaluationReport report;
  // Alerts opened by a pass that stopped before telling anyone are told first.
  if (auto caught = CatchUpLocked(); !caught.ok())
    Log(LogLevel::kWarn, "alerts.catch_up_failed", {{"error", caught.status().message()}});
  std::map<Id, AlertSettings> settings;
  HUMAS_ASSIGN_OR_RETURN(auto stored, repo.AllSettings());
  for (auto& s : stored) settings[s.agency_id] = std::move(s);
  HUMAS_ASSIGN_OR_RETURN(auto histories, repo.ActiveHistories());

  // Series: a query (key = its id) or an agency's topic (key = -agency id), with the start of
  // its history (a topic starts with its oldest query).
  std::map<Id, Id> query_agency;
  std::map<Id, UnixMillis> series_start;
  for (const auto& h : histories) {
    query_agency[h.query_id] = h.agency_id;
    series_start[h.query_id] = h.history_start;
    auto [it, added] = series_start.emplace(-h.agency_id, h.history_start);
    if (!added) it->second = std::min(it->second, h.history_start);
  }

  // The hour in progress and the last complete one (a surge late in an hour is still seen a few
  // minutes into the next), each with the same hour in the past weeks.
  const UnixMillis hour = HourFloor(now);
  const UnixMillis slots[] = {hour, hour - kHourMs};
  std::vector<UnixMillis> hours;
  for (UnixMillis slot : slots)
    for (int k = 0; k <= kBaselineWeeks; ++k) hours.push_back(slot - k * kWeekMs);
  HUMAS_ASSIGN_OR_RETURN(auto rows, repo.CountsAt(hours));
  std::map<std::pair<Id, UnixMillis>, HourCounts> counts;
  auto add = [&counts](Id key, UnixMillis h, const std::string& sentiment, std::int64_t n) {
    HourCounts& c = counts[{key, h}];
    c.total += n;
    if (sentiment == "negative") c.negative += n;
  };
  for (const auto& r : rows) {
    if (!query_agency.count(r.query_id)) continue;  // deactivated meanwhile
    add(r.query_id, r.hour, r.sentiment, r.count);
  }
  // A topic counts each mention once however many of the agency's queries it matched: its own
  // counter kept at ingest (store/counters.h), not the sum of the query series.
  HUMAS_ASSIGN_OR_RETURN(auto topic_rows, rt_.store.counters().TopicCountsAt(hours));
  for (const auto& r : topic_rows) {
    if (!series_start.count(-r.agency_id)) continue;  // no active query
    add(-r.agency_id, r.hour, r.sentiment, r.count);
  }
  auto at = [&counts](Id key, UnixMillis h) {
    auto it = counts.find({key, h});
    return it == counts.end() ? HourCounts{} : it->second;
  };

  // A closed alert's hours do not alarm again: an officer who closed a surge is not told about
  // the same hours once more. A later hour that is hot opens a new alert.
  std::map<AlertKey, UnixMillis> covered_until;
  HUMAS_ASSIGN_OR_RETURN(auto recently_closed, repo.ClosedCovering(slots[1]));
  for (const Alert& c : recently_closed) {
    UnixMillis& until = covered_until[KeyOf(c)];
    until = std::max(until, c.window_end);
  }
  auto covered = [&covered_until](const AlertKey& k, UnixMillis slot) {
    auto it = covered_until.find(k);
    return it != covered_until.end() && slot < it->second;
  };

  std::set<AlertKey> hot;
  for (const auto& [key, start] : series_start) {
    const Id agency = key > 0 ? query_agency[key] : -key;
    const AlertSettings s = SettingsOf(settings, agency);
    if (!s.enabled) continue;
    std::optional<std::pair<Verdict, UnixMillis>> best[2];  // spike, negative
    bool judged = false;
    for (UnixMillis slot : slots) {
      SlotHistory sh;
      sh.now = at(key, slot);
      for (int k = 1; k <= kBaselineWeeks; ++k) {
        UnixMillis past = slot - k * kWeekMs;
        if (past >= start) sh.past.push_back(at(key, past));
      }
      Verdict v[2] = {SpikeVerdict(sh, s, options_.min_weeks),
                      NegativeVerdict(sh, s, options_.min_weeks)};
      for (int i = 0; i < 2; ++i) {
        judged = judged || v[i].judged;
        if (covered({agency, std::max<Id>(key, 0), i == 0 ? "spike" : "negative"}, slot)) continue;
        if (v[i].hot && (!best[i] || v[i].score > best[i]->first.score))
          best[i] = std::make_pair(v[i], slot);
      }
    }
    if (judged) ++report.series;
    for (int i = 0; i < 2; ++i) {
      if (!best[i]) continue;
      const auto& [v, slot] = *best[i];
      Alert a;
      a.agency_id = agency;
      if (key > 0) a.query_id = key;
      a.kind = i == 0 ? "spike" : "negative";
      a.opened_at = now;
      a.last_hot_at = now;
      a.window_start = slot;
      a.window_end = hour + kHourMs;
      a.observed = v.observed;
      a.baseline = v.baseline;
      a.score = v.score;
      json d = {{"hour", FormatRfc3339(slot)}};
      if (i == 1) {
        d["share"] = v.share;
        d["baseline_share"] = v.baseline_share;
      }
      a.details_json = d.dump();
      hot.insert(KeyOf(a));
      HUMAS_RETURN_IF_ERROR(Raise(std::move(a), s, &report));
    }
  }

  std::set<Id> hot_hoax;
  HUMAS_RETURN_IF_ERROR(ScanHoax(now, settings, query_agency, &hot_hoax, &report));
  for (Id agency : hot_hoax) hot.insert({agency, 0, "hoax"});

  // Alerts nobody acknowledged close once they stayed calm for the agency's calm hours; an
  // acknowledged one waits for its officer to close it.
  HUMAS_ASSIGN_OR_RETURN(auto active, repo.AllActive());
  for (Alert& a : active) {
    if (a.state != "open" || hot.count(KeyOf(a))) continue;
    const AlertSettings s = SettingsOf(settings, a.agency_id);
    if (now - a.last_hot_at < s.calm_hours * kHourMs) continue;
    HUMAS_ASSIGN_OR_RETURN(bool closed, repo.Close(a.id, now));
    if (!closed) continue;
    ++report.closed;
    a.state = "closed";
    a.closed_at = now;
    ++a.version;
    if (listener_) listener_(a, "closed");
  }
  return report;
}

Status Engine::ScanHoax(UnixMillis now, const std::map<Id, AlertSettings>& settings,
                        const std::map<Id, Id>& query_agency, std::set<Id>* hot_hoax,
                        EvaluationReport* report) {
  store::AlertRepository& repo = rt_.store.alerts();
  HUMAS_ASSIGN_OR_RETURN(Id max_id, repo.MaxMentionId());
  HUMAS_ASSIGN_OR_RETURN(auto cursor, repo.GetCursor("hoax"));
  // The first pass starts at the mentions stored now: alerts are about what arrives from here on,
  // not a flood over an archive imported before alerts existed.
  if (!cursor) return repo.SetCursor("hoax", max_id);
  double min_threshold = AlertSettings{}.hoax_threshold;
  for (const auto& [agency, s] : settings)
    if (s.enabled) min_threshold = std::min(min_threshold, s.hoax_threshold);
  Id position = *cursor;
  while (position < max_id) {
    HUMAS_ASSIGN_OR_RETURN(auto hits,
                           repo.ScanHoax(position, max_id, min_threshold, options_.hoax_page));
    struct Group {
      std::vector<Id> ids;
      UnixMillis first = 0, last = 0;
      double top = 0;
    };
    std::map<Id, Group> groups;
    for (const store::HoaxHit& h : hits) {
      std::set<Id> agencies;
      if (h.agency_id) agencies.insert(*h.agency_id);
      for (Id q : h.query_ids)
        if (auto it = query_agency.find(q); it != query_agency.end()) agencies.insert(it->second);
      for (Id agency : agencies) {
        AlertSettings s = SettingsOf(settings, agency);
        if (!s.enabled || h.hoax_score < s.hoax_threshold) continue;
        Group& g = groups[agency];
        if (g.ids.empty() || h.created_at < g.first) g.first = h.created_at;
        if (g.ids.empty() || h.created_at > g.last) g.last = h.created_at;
        g.ids.push_back(h.mention_id);
        g.top = std::max(g.top, h.hoax_score);
      }
    }
    report->hoax_scanned += static_cast<int>(hits.size());
    for (auto& [agency, g] : groups) {
      const AlertSettings s = SettingsOf(settings, agency);
      Alert a;
      a.agency_id = agency;
      a.kind = "hoax";
      a.opened_at = now;
      a.last_hot_at = now;
      a.window_start = HourFloor(g.first);
      a.window_end = HourFloor(g.last) + kHourMs;
      a.observed = static_cast<std::int64_t>(g.ids.size());
      a.baseline = s.hoax_threshold;
      a.score = g.top;
      a.evidence_ids = g.ids;
      hot_hoax->insert(agency);
      HUMAS_RETURN_IF_ERROR(Raise(std::move(a), s, report));
    }
    position = static_cast<int>(hits.size()) < options_.hoax_page ? max_id : hits.back().mention_id;
    HUMAS_RETURN_IF_ERROR(repo.SetCursor("hoax", position));
  }
  return Status::Ok();
}

Status Engine::Raise(Alert alert, const AlertSettings& s, EvaluationReport* report) {
  store::AlertRepository& repo = rt_.store.alerts();
  Alert open = alert;
  HUMAS_ASSIGN_OR_RETURN(bool opened, repo.Open(&open));
  if (opened) {
    ++report->opened;
    if (listener_) listener_(open, "opened");
    // Opened but nobody told yet: a crash here is caught up by CatchUp() after the restart.
    CrashPoint("alerts.after_open");
    if (Status told = Notify(open, s); !told.ok())  // stays unmarked: the next pass tells
      Log(LogLevel::kWarn, "alerts.notify_failed", {{"alert", open.id}, {"error", told.message()}});
    return Status::Ok();
  }
  // Already open: keep one alert, bring its figures up to date, tell nobody again.
  open.last_hot_at = alert.last_hot_at;
  open.window_start = std::min(open.window_start, alert.window_start);
  open.window_end = std::max(open.window_end, alert.window_end);
  if (alert.kind == "hoax") {
    for (Id id : alert.evidence_ids) {
      if (std::find(open.evidence_ids.begin(), open.evidence_ids.end(), id) !=
          open.evidence_ids.end())
        continue;  // seen by an earlier pass that stopped before saving its cursor
      ++open.observed;
      if (open.evidence_ids.size() < store::kMaxEvidenceIds) open.evidence_ids.push_back(id);
    }
    open.score = std::max(open.score, alert.score);
  } else if (alert.score > open.score) {
    open.score = alert.score;
    open.observed = alert.observed;
    open.baseline = alert.baseline;
    open.details_json = alert.details_json;
  }
  HUMAS_RETURN_IF_ERROR(repo.Refresh(open));
  ++report->refreshed;
  if (listener_) listener_(open, "refreshed");
  return Status::Ok();
}

std::string Engine::Subject(const Alert& a) const {
  if (a.kind == "hoax") return "Kemungkinan hoaks terdeteksi";
  std::string what = "semua kueri instansi";
  if (a.query_id) {
    auto q = rt_.store.queries().Get(*a.query_id);
    what = q.ok() ? "\"" + q->name + "\"" : "kueri #" + std::to_string(*a.query_id);
  }
  return (a.kind == "negative" ? "Lonjakan sentimen negatif: " : "Lonjakan percakapan: ") + what;
}

Status Engine::Notify(const Alert& a, const AlertSettings& s) {
  std::string agency_name;
  if (auto agency = rt_.store.agencies().Get(a.agency_id); agency.ok()) agency_name = agency->name;
  const std::string subject = Subject(a);
  std::string body;
  if (a.kind == "hoax") {
    body = std::to_string(a.observed) + " sebutan dengan skor hoaks " + Fixed(a.score, 2) +
           " (ambang " + Fixed(a.baseline, 2) + ") untuk " + agency_name + ".";
  } else {
    body = std::to_string(a.observed) + (a.kind == "negative" ? " sebutan negatif" : " sebutan") +
           " dalam satu jam untuk " + agency_name + " (biasanya " + Fixed(a.baseline, 1) +
           "; skor " + Fixed(a.score, 1) + ").";
  }
  body += "\nBukti: " + options_.public_url + EvidencePath(a) + "\nTindak lanjuti peringatan #" +
          std::to_string(a.id) + ": " + options_.public_url + "/alerts/" + std::to_string(a.id);
  // Everything below is stored in one transaction with the alert's "notified" mark (an outbox):
  // the in-app notifications, their deliveries by e-mail and Telegram, the group's message.
  store::AlertMessages m;
  auto users = inbox::UsersWithRole(rt_.store, {Role::kPejabat, Role::kPetugas}, a.agency_id);
  if (!users.ok()) return users.status();
  for (const User& u : *users) {
    Notification n;
    n.user_id = u.id;
    n.kind = "alert";
    n.alert_id = a.id;
    n.title = subject;
    n.body = body;
    n.dedupe_key = "alert:" + std::to_string(a.id);
    m.notifications.push_back(std::move(n));
  }
  // The officers' e-mail and Telegram about alerts leave by the "alerts" queue: a hung relay or
  // Telegram holds the alerts' worker, never the inbox's (reminders, deadline warnings).
  m.deliveries = [this](const Notification& n) {
    std::vector<Job> jobs = inbox::DeliveryJobs(rt_, n);
    for (Job& job : jobs) job.queue = kAlertQueue;
    return jobs;
  };
  if (options_.telegram && !s.telegram_chat_id.empty()) {
    // The agency's group: one job per alert and chat.
    Job job;
    job.queue = kAlertQueue;
    const std::string text = "[humas] " + subject + "\n" + body;
    job.payload_json = json{
        {"task", "telegram"},
        {"alert_id", a.id},
        {"chat_id", s.telegram_chat_id},
        {"text", text}}.dump(-1, ' ', false, json::error_handler_t::replace);
    job.run_at = rt_.clock.Now();
    job.max_attempts = inbox::kNotifyAttempts;
    job.dedupe_key = "alerts:telegram:" + std::to_string(a.id) + ":" + s.telegram_chat_id;
    m.jobs.push_back(std::move(job));
  }
  // On an error nothing is stored and the alert stays unmarked: the next evaluation (or the start
  // of the server) tries again.
  return rt_.store.alerts().StoreMessages(a.id, &m, rt_.clock.Now()).status();
}

Result<int> Engine::CatchUp() {
  std::lock_guard lock(mu_);
  return CatchUpLocked();
}

Result<int> Engine::CatchUpLocked() {
  HUMAS_ASSIGN_OR_RETURN(auto pending, rt_.store.alerts().Unnotified());
  if (pending.empty()) return 0;
  std::map<Id, AlertSettings> settings;
  HUMAS_ASSIGN_OR_RETURN(auto stored, rt_.store.alerts().AllSettings());
  for (auto& s : stored) settings[s.agency_id] = std::move(s);
  int told = 0;
  for (const Alert& a : pending) {
    Log(LogLevel::kInfo, "alerts.catch_up", {{"alert", a.id}});
    HUMAS_RETURN_IF_ERROR(Notify(a, SettingsOf(settings, a.agency_id)));
    ++told;
  }
  return told;
}

Status Engine::DeliverNotification(const std::string& payload_json) {
  return inbox::DeliverNotification(rt_, payload_json);
}

Status Engine::DeliverGroupMessage(const std::string& payload_json) {
  json p = json::parse(payload_json, nullptr, false);
  if (!p.is_object() || !p.contains("chat_id") || !p["chat_id"].is_string() ||
      !p.contains("text") || !p["text"].is_string())
    return InvalidArgument("telegram job without a chat or text");
  const std::string chat_text = p["chat_id"].get<std::string>();
  const Id alert = p.value("alert_id", Id{0});
  if (!options_.telegram) {  // the bot was switched off in the configuration since
    Log(LogLevel::kInfo, "alerts.telegram_off", {{"alert", alert}});
    return Status::Ok();
  }
  std::int64_t chat = 0;
  auto [end, ec] = std::from_chars(chat_text.data(), chat_text.data() + chat_text.size(), chat);
  Status s = ec == std::errc() && end == chat_text.data() + chat_text.size()
                 ? telegram::SendMessage(*options_.telegram, chat, p["text"].get<std::string>(), 0)
                       .status()
                 : InvalidArgument("not a numeric chat id");
  if (s.ok() || inbox::Retryable(s)) return s;  // Unavailable: the queue retries with back-off
  Log(LogLevel::kWarn, "alerts.telegram_refused",
      {{"alert", alert}, {"chat", chat_text}, {"error", s.message()}});
  return Status::Ok();
}

Status RegisterJobs(jobs::JobRunner& runner, Engine& engine, store::Store& store,
                    const Clock& clock, UnixMillis every_ms) {
  runner.Register(kAlertQueue, [&engine, &store, &clock, every_ms](const Job& job) -> Status {
    json p = json::parse(job.payload_json, nullptr, false);
    const std::string task = p.is_object() ? p.value("task", "") : "";
    if (task == "telegram") return engine.DeliverGroupMessage(job.payload_json);
    if (task == "catch_up") return engine.CatchUp().status();
    if (task == "notify") return engine.DeliverNotification(job.payload_json);
    if (task != "evaluate") return InvalidArgument("unknown alerts task '" + task + "'");
    UnixMillis now = clock.Now();
    auto report = engine.Evaluate(now);
    if (!report.ok()) return report.status();
    if (report->opened || report->closed)
      Log(LogLevel::kInfo, "alerts.evaluated",
          {{"series", report->series},
           {"opened", report->opened},
           {"closed", report->closed},
           {"hoax_scanned", report->hoax_scanned}});
    return ScheduleEvaluation(store, now, every_ms);
  });
  // At start: tell the people of alerts opened just before the last stop (a crash between
  // opening and telling), without waiting for the next evaluation.
  Job catch_up;
  catch_up.queue = kAlertQueue;
  catch_up.payload_json = R"({"task":"catch_up"})";
  catch_up.run_at = clock.Now();
  catch_up.dedupe_key = "alerts:catch_up";
  HUMAS_RETURN_IF_ERROR(store.jobs().Enqueue(&catch_up));
  return ScheduleEvaluation(store, clock.Now(), every_ms);
}

}  // namespace humas::alerts
