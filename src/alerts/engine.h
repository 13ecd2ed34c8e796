// The alert evaluator (issue 5 part 5): one pass at `now` judges every active query and every
// agency's topic (the sum of its queries) against its hour-of-week baseline from the counters
// kept at ingest, scans new mentions for hoax matches, opens de-duplicated alerts, refreshes the
// ones still hot, closes the ones that calmed down, and tells the agency's officers (in-app
// notification plus every inbox channel: e-mail, Telegram) and the agency's Telegram group. Every
// message outside humas leaves by its own job (never inside the evaluation), retried with back-off
// like the inbox's notifications. An alert's messages are stored in one transaction with its
// "notified" mark; an alert opened by a process that stopped before that is told after the restart.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "connectors/telegram/send.h"
#include "core/clock.h"
#include "inbox/inbox.h"
#include "store/alerts.h"

namespace humas::jobs {
class JobRunner;
}

namespace humas::alerts {

inline constexpr char kAlertQueue[] = "alerts";

struct EngineOptions {
  //! Prefix of the evidence links in messages, e.g. "https://humas.berau.go.id" ("" = paths).
  std::string public_url;
  //! Bot for the agencies' Telegram group chats (AlertSettings::telegram_chat_id); unset = off.
  std::optional<telegram::BotOptions> telegram;
  int min_weeks = 4;  //!< weeks of history a series needs before it is judged
  int hoax_page = 1000;
};

//! What one evaluation did.
struct EvaluationReport {
  int series = 0;  //!< queries and topics judged (with enough history)
  int opened = 0;
  int refreshed = 0;  //!< open alerts still hot (no new message)
  int closed = 0;
  int hoax_scanned = 0;
};

//! Called after an alert was opened, refreshed or closed (the server publishes it live).
using AlertListener = std::function<void(const store::Alert&, const std::string& change)>;

//! The web client's search of an alert's evidence: the mentions of its query (or agency) created
//! in its window, e.g. "/mentions?query_id=4&since=2024-08-17T02:00:00Z&until=...".
std::string EvidencePath(const store::Alert& alert);

class Engine {
 public:
  //! `rt` (store, clock, channels) must outlive the engine.
  Engine(inbox::Runtime& rt, EngineOptions options, AlertListener listener = {});

  //! One evaluation at `now`. Safe to call from several threads (passes are serialised).
  //! Idempotent within an hour: a second pass opens nothing new and tells nobody twice.
  Result<EvaluationReport> Evaluate(UnixMillis now);

  //! Tells the people of every alert that was opened but never told (the process stopped between
  //! the two): each gets its messages exactly once. Returns how many alerts were told. Runs at
  //! the start of every evaluation and once when the server starts (task "catch_up").
  Result<int> CatchUp();

  //! Runs one officer's delivery of an alert (task "notify" of the "alerts" queue; the inbox's
  //! channels and retry rules).
  Status DeliverNotification(const std::string& payload_json);

  //! Runs one group-message job (task "telegram" of the "alerts" queue): Unavailable (Telegram
  //! down, busy, timed out) is returned for the queue to retry with back-off; a refusal for good
  //! (403 bot removed from the group, 400 bad chat) is logged and dropped; no bot configured any
  //! more: dropped.
  Status DeliverGroupMessage(const std::string& payload_json);

 private:
  Result<EvaluationReport> EvaluateLocked(UnixMillis now);
  Status ScanHoax(UnixMillis now, const std::map<Id, store::AlertSettings>& settings,
                  const std::map<Id, Id>& query_agency, std::set<Id>* hot_hoax,
                  EvaluationReport* report);
  //! Opens the alert or refreshes the open one; notifies only when newly opened.
  Status Raise(store::Alert alert, const store::AlertSettings& s, EvaluationReport* report);
  //! Stores the alert's messages with its "notified" mark in one transaction (the outbox).
  Status Notify(const store::Alert& alert, const store::AlertSettings& s);
  std::string Subject(const store::Alert& alert) const;
  Result<int> CatchUpLocked();
  store::AlertSettings SettingsOf(const std::map<Id, store::AlertSettings>& all, Id agency) const;

  inbox::Runtime& rt_;
  const EngineOptions options_;
  AlertListener listener_;
  std::mutex mu_;  //!< serialises evaluations
};

//! Registers the "alerts" queue on the runner (an evaluation every `every_ms`, re-scheduled by
//! each run) and schedules the first one.
Status RegisterJobs(jobs::JobRunner& runner, Engine& engine, store::Store& store,
                    const Clock& clock, UnixMillis every_ms = 5 * 60'000);

}  // namespace humas::alerts
