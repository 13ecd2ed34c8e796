// Listening alerts (issue 5 part 5): per-agency thresholds, the alerts themselves with their
// de-duplication (one open or acknowledged alert per agency + query + kind) and the officers'
// handling (open → acknowledged → closed with a note), the evaluator's reads over the
// per-query hourly counters kept at ingest, the hoax cursor over new mentions, and each user's
// "seen until" mark for the unread badge.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/inbox.h"
#include "core/model.h"
#include "core/status.h"
#include "store/queries.h"
#include "store/store.h"

namespace humas::store {

//! Stable alert kinds: "spike" (volume), "negative" (negative-sentiment surge), "hoax".
inline constexpr const char* kAlertKinds[] = {"spike", "negative", "hoax"};
//! Alert states: "open" (nobody took it yet), "acknowledged" (an officer follows it up; still
//! de-duplicates its key), "closed" (frees the key: a later surge opens a new alert).
inline constexpr const char* kAlertStates[] = {"open", "acknowledged", "closed"};
//! The longest closing note, in characters (UTF-8 code points).
inline constexpr size_t kMaxCloseNote = 1000;

//! An agency's thresholds (docs/api.md AlertSettings). The defaults apply to agencies without a
//! stored row.
struct AlertSettings {
  Id agency_id = 0;
  bool enabled = true;
  double spike_score = 4.0;  //!< robust score (x - median) / scale that opens a spike alert
  std::int64_t spike_min_count = 10;
  double negative_score = 4.0;  //!< the same score over the hour's negative mentions
  std::int64_t negative_min_count = 5;
  double negative_min_share = 0.4;  //!< negative / all mentions of the hour
  double hoax_threshold = 0.8;      //!< hoax_score at or above this alarms
  int calm_hours = 2;               //!< hours without the condition before an alert is closed
  std::string telegram_chat_id;     //!< optional agency group chat for alert messages
  UnixMillis updated_at = 0;
  std::optional<Id> updated_by;
  std::int64_t version = 0;  //!< 0 = never stored (defaults); raised by every Put
};

struct Alert {
  Id id = 0;
  Id agency_id = 0;
  std::optional<Id> query_id;  //!< nullopt: the agency's topic (all its queries) or a hoax match
  std::string kind;            //!< kAlertKinds
  std::string state = "open";  //!< kAlertStates
  UnixMillis opened_at = 0;
  UnixMillis last_hot_at = 0;
  std::optional<UnixMillis> acknowledged_at;
  std::optional<Id> acknowledged_by;
  std::optional<UnixMillis> closed_at;
  std::optional<Id> closed_by;  //!< nullopt on a closed alert: the evaluator closed it (calm)
  std::string close_note;       //!< what the officer did (closed by an officer)
  UnixMillis window_start = 0;  //!< evidence: mentions created in [window_start, window_end)
  UnixMillis window_end = 0;
  std::int64_t observed = 0;
  double baseline = 0;
  double score = 0;
  std::string details_json = "{}";
  std::vector<Id> evidence_ids;  //!< hoax: the matching mentions (at most kMaxEvidenceIds)
  std::int64_t version = 1;      //!< raised by every change of state (not by Refresh)
};

//! An alert keeps at most this many evidence mention ids (the window search finds the rest).
inline constexpr size_t kMaxEvidenceIds = 50;

struct AlertFilter {
  std::optional<std::string> state;  //!< kAlertStates or "active" (open or acknowledged)
  std::optional<std::string> kind;
  std::optional<Id> query_id;
  std::optional<std::vector<Id>> agency_ids;  //!< scope; nullopt = every agency
  std::optional<UnixMillis> opened_after;     //!< opened_at > this
};

//! A stored mention whose hoax score reached a threshold, with the queries it matched.
struct HoaxHit {
  Id mention_id = 0;
  std::optional<Id> agency_id;
  double hoax_score = 0;
  UnixMillis created_at = 0;
  std::vector<Id> query_ids;
};

//! When each active query's history starts: the earlier of its creation hour and its first
//! counter hour (mentions imported with older dates count as history).
struct QueryHistory {
  Id query_id = 0;
  Id agency_id = 0;
  UnixMillis history_start = 0;
};

//! Everything that tells people about a new alert (docs/api.md, Delivery), stored by
//! AlertRepository::StoreMessages in one transaction.
struct AlertMessages {
  //! In-app notifications, one per user (user_id, dedupe_key set; a user who already has one
  //! with the key gets no second one).
  std::vector<Notification> notifications;
  //! The delivery jobs of one notification just stored (its id set): one per channel.
  std::function<std::vector<Job>(const Notification&)> deliveries;
  //! Further jobs (the agency group's Telegram message).
  std::vector<Job> jobs;
};

class AlertRepository {
 public:
  virtual ~AlertRepository() = default;

  //! The agency's stored settings, or the defaults (version 0) when none were stored.
  virtual Result<AlertSettings> GetSettings(Id agency_id) = 0;
  //! Stores settings when settings->version equals the stored version (0 = none stored yet);
  //! then raises version and sets updated_at. Conflict when someone saved first, NotFound for
  //! an unknown agency.
  virtual Status PutSettings(AlertSettings* settings) = 0;
  //! Every stored settings row (agencies without one use the defaults).
  virtual Result<std::vector<AlertSettings>> AllSettings() = 0;

  //! Opens `alert` (state open) unless an open or acknowledged alert of the same agency + query
  //! + kind exists: then nothing is added, *alert is replaced by that one and false is returned.
  virtual Result<bool> Open(Alert* alert) = 0;
  //! The outbox of an opened alert: stores `messages` (notifications, then each new one's
  //! deliveries, then the further jobs) and marks the alert notified at `at`, all in ONE
  //! transaction, so its people are told exactly once even when the process stops between
  //! opening and telling. False (nothing stored) when it was marked already; NotFound when absent;
  //! on any error nothing is stored and the alert stays unmarked.
  virtual Result<bool> StoreMessages(Id alert_id, AlertMessages* messages, UnixMillis at) = 0;
  //! Open or acknowledged alerts never marked notified (opened, then the process stopped before
  //! StoreMessages), oldest first.
  virtual Result<std::vector<Alert>> Unnotified() = 0;
  //! Updates an open or acknowledged alert that is still hot: last_hot_at, the window, observed,
  //! baseline, score, details and evidence ids (not the version). NotFound when absent;
  //! FailedPrecondition when closed.
  virtual Status Refresh(const Alert& alert) = 0;
  //! The evaluator closes an open alert that calmed down, at `at` (closed_by stays unset). False
  //! when it is not open (closed meanwhile, or acknowledged: an officer closes that one).
  virtual Result<bool> Close(Id id, UnixMillis at) = 0;
  //! An officer takes an open alert: acknowledged by `user` at `at`; returns it as stored.
  //! NotFound when absent, Conflict when `version` is not the stored one, FailedPrecondition when
  //! it is not open.
  virtual Result<Alert> Acknowledge(Id id, std::int64_t version, Id user, UnixMillis at) = 0;
  //! An officer closes an open or acknowledged alert with a note on what was done; returns it as
  //! stored. NotFound, Conflict (stale version), FailedPrecondition (already closed).
  virtual Result<Alert> Resolve(Id id, std::int64_t version, Id user, UnixMillis at,
                                const std::string& note) = 0;
  virtual Result<Alert> Get(Id id) = 0;
  //! Every open or acknowledged alert (the evaluator's working set; small).
  virtual Result<std::vector<Alert>> AllActive() = 0;
  //! Closed alerts whose window ends after `window_end_after` (the evaluator does not open a new
  //! alert for hours a closed one already covered).
  virtual Result<std::vector<Alert>> ClosedCovering(UnixMillis window_end_after) = 0;
  //! Newest first (opened_at desc, id desc).
  virtual Result<ListResult<Alert>> List(const AlertFilter& filter, const Page& page) = 0;
  //! Alerts matching `filter` (for the unread badge: opened_after = the user's mark).
  virtual Result<std::int64_t> Count(const AlertFilter& filter) = 0;

  //! Counter rows of every active query at exactly these hours (start of UTC hours), in any
  //! order. Reads the counters kept at ingest, never raw mentions.
  virtual Result<std::vector<QueryHourCount>> CountsAt(const std::vector<UnixMillis>& hours) = 0;
  //! Every active query with the start of its history.
  virtual Result<std::vector<QueryHistory>> ActiveHistories() = 0;

  //! Stored mentions with id > after_id and hoax_score >= min_score, ascending by id, at most
  //! `limit` of them, scanning only ids up to `up_to_id`.
  virtual Result<std::vector<HoaxHit>> ScanHoax(Id after_id, Id up_to_id, double min_score,
                                                int limit) = 0;
  //! The largest stored mention id (0 when there are none).
  virtual Result<Id> MaxMentionId() = 0;
  //! A named cursor of the evaluator; nullopt when never set.
  virtual Result<std::optional<std::int64_t>> GetCursor(const std::string& name) = 0;
  virtual Status SetCursor(const std::string& name, std::int64_t value) = 0;

  //! The user's "seen until" mark (0 when never set).
  virtual Result<UnixMillis> SeenUntil(Id user_id) = 0;
  //! Raises the mark to `at` (never lowers it).
  virtual Status MarkSeen(Id user_id, UnixMillis at) = 0;
};

}  // namespace humas::store
