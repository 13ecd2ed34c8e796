// The inbox's rules above the store (issue 6): deadlines from the region's settings and the
// holiday calendar, notifications to the right people (in-app plus outside channels), the SLA sweep
// (reminders before the deadline, escalation at breach), and sending replies through a
// ReplySender per platform. Used by the API handlers and by the job runner.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/inbox.h"
#include "core/model.h"
#include "core/sla.h"
#include "store/cases.h"
#include "store/store.h"

namespace humas::jobs {
class JobRunner;
}

namespace humas::inbox {

//! The longest reply a platform accepts, in characters (0 = no known limit).
int MaxReplyChars(Platform p);

//! How a platform counts a reply's length: "x_weighted" (X: most Latin characters 1, others 2,
//! links 23) or "chars" (Unicode characters).
std::string_view LengthCounting(Platform p);
//! The reply's length as `p` counts it.
size_t ReplyLength(Platform p, std::string_view text);

//! Whether a failed send may work when retried unchanged (the platform was busy or down).
bool Retryable(const Status& s);
//! Whether the platform takes a repeated reply as the same one (Mastodon's Idempotency-Key,
//! Bluesky's record key): a retry after an unclear failure can never post twice there.
bool IdempotentReplies(Platform p);
//! Whether a failed send is retried automatically (bounded, with back-off): a transient failure
//! (never a 4xx refusal) that either the platform surely did not act on (HTTP 429/503, no
//! connection) or on a platform with idempotent replies. A timeout or 500 on X, Facebook,
//! Instagram, YouTube, WhatsApp or Telegram may have been posted: the officer checks and retries.
bool RetriesByItself(Platform p, const Status& s);
//! The wait before the automatic retry after `attempts` failed sends (30 s, 2 min, 8 min).
UnixMillis AutoRetryDelay(int attempts);

//! What a platform returned for a sent reply.
struct SentReply {
  std::string platform_id;
  std::string url;
};

//! Sends a reply back to the citizen on one platform (public reply or private message as the
//! platform allows). Implementations live in src/connectors/<platform>/. Must not retry inside:
//! the caller records the failure and the officer retries.
class ReplySender {
 public:
  virtual ~ReplySender() = default;
  virtual Result<SentReply> Send(const Reply& reply, const Case& c) = 0;
};

//! The agency accounts replies go out from (src/inbox/accounts.h: the connector registry).
class ReplyAccounts {
 public:
  virtual ~ReplyAccounts() = default;
  //! A sender for `agency_id`'s own account on `platform` (or its nearest ancestor's); nullptr
  //! when none is connected. Errors: credentials that cannot be opened, bad settings.
  virtual Result<std::unique_ptr<ReplySender>> SenderFor(Id agency_id, Platform platform) = 0;
};

//! Delivers a notification outside humas (e-mail, Telegram), from a job of the "inbox" queue
//! (DeliverNotification). Unavailable = try again later (retried with back-off); any other error
//! is final (logged). The in-app notification stays either way.
class Channel {
 public:
  virtual ~Channel() = default;
  virtual std::string name() const = 0;
  virtual Status Deliver(const User& to, const Notification& n) = 0;
};

//! What the API and the jobs share. Outlives both.
struct Runtime {
  Runtime(store::Store& s, const Clock& c) : store(s), clock(c) {}
  store::Store& store;
  const Clock& clock;
  //! The agencies' own accounts (checked first); nullptr = none.
  ReplyAccounts* accounts = nullptr;
  //! The installation's accounts from the configuration file: the fallback (demo).
  std::map<Platform, std::unique_ptr<ReplySender>> senders;
  std::vector<std::unique_ptr<Channel>> channels;
  //! Told when background work changed a case (a reply sent, failed or retried by the queue), so
  //! open case views update live; empty = nobody listens.
  std::function<void(Id case_id)> case_changed;
};

//! The sender of an agency's replies on a platform.
struct ResolvedSender {
  std::unique_ptr<ReplySender> owned;  //!< the agency's own account, when it has one
  ReplySender* sender = nullptr;       //!< owned.get() or the installation's; nullptr = none
};
Result<ResolvedSender> ResolveSender(Runtime& rt, Id agency_id, Platform platform);

//! When the platform stops accepting a free-form reply in this conversation: WhatsApp's 24-hour
//! customer-service window after the citizen's last message; nullopt for the other platforms.
std::optional<UnixMillis> ReplyWindowClosesAt(const Case& c);

//! Whether a reply on the case can go out now, and if not, why.
struct SendCheck {
  std::string reason;   //!< "" (it can) | "no_account" | "window_closed"
  std::string message;  //!< for the officer (API error text)
  std::optional<UnixMillis> window_closes_at;
  bool ok() const { return reason.empty(); }
};
SendCheck CheckSend(Runtime& rt, const Case& c, UnixMillis now);

//! The region an agency belongs to (itself for a region); NotFound for an unknown agency.
Result<Id> RegionOf(store::Store& store, Id agency_id);

//! Office hours parsed from InboxSettings::schedule_json ("" = the default week).
Result<sla::WeeklySchedule> ParseSchedule(const std::string& json);
//! The reverse, for the API.
std::string ScheduleJson(const sla::WeeklySchedule& schedule);

//! The working calendar of an agency: its region's schedule, the official holidays (±1 year
//! around `now`) with the administrator's changes, in the agency's zone.
Result<sla::Calendar> CalendarFor(store::Store& store, const InboxSettings& settings,
                                  const std::string& timezone, UnixMillis now);

struct DeadlinePlan {
  UnixMillis deadline_at = 0;
  std::vector<UnixMillis> reminders;
  std::string mode;
  std::int64_t sla_ms = 0;
  std::string timezone;
};
//! The deadline of a disposition to `to` forwarded at `now` (the receiving agency's region
//! settings and zone).
Result<DeadlinePlan> PlanDeadline(store::Store& store, const Agency& to, UnixMillis now);

//! "on_track" | "due_soon" | "overdue" | "answered_on_time" | "answered_late", and the time left.
struct SlaView {
  std::string status;
  std::int64_t remaining_ms = 0;
};
SlaView ViewSla(const Disposition& d, const sla::Calendar& calendar, UnixMillis now);

//! Active users holding one of `roles` on `agency` or one of its ancestors.
Result<std::vector<User>> UsersWithRole(store::Store& store, std::initializer_list<Role> roles,
                                        Id agency);

//! Attempts of one delivery outside humas (e-mail, Telegram): back-off 2, 4, 8 … s (capped by
//! the runner at an hour), so about 2½ hours of trying before it is given up (the in-app
//! notification stays). The alerts' group messages use the same.
inline constexpr int kNotifyAttempts = 14;

//! Stores one notification per user (deduplicated by `key`) and queues one delivery job per new
//! notification and channel (task "notify" of the "inbox" queue): the caller never waits for
//! e-mail or Telegram. Returns how many were new.
Result<int> NotifyUsers(Runtime& rt, const std::vector<User>& users, Notification n,
                        const std::string& key);
//! The delivery jobs of one stored notification (its id set): one per channel (task "notify" of
//! the "inbox" queue, deduplicated per notification and channel). For callers that store them in
//! their own transaction (the alerts' outbox); NotifyUsers queues them itself.
std::vector<Job> DeliveryJobs(Runtime& rt, const Notification& n);
//! Runs one delivery job: the channel named in the payload delivers to the user as stored now.
//! Unavailable (server down, timeout, rate limit) → the job is retried with back-off; a refusal
//! for good (no address, bot blocked) is logged and dropped. At least once: a crash between the
//! delivery and the job's completion delivers it again.
Status DeliverNotification(Runtime& rt, const std::string& payload_json);

//! One pass of the SLA clock at `now`: for every waiting disposition whose next reminder point
//! or deadline passed, notifies (reminder: the receiving agency's pejabat and petugas; escalation:
//! its pejabat and the region's koordinator) and records it so nobody is told twice.
Result<int> Sweep(Runtime& rt, UnixMillis now);

//! Sends a queued reply: claims it (once), sends through the platform's sender, records sent or
//! failed. A reply that is not queued (already claimed or sent) is left alone (Ok). A failure
//! that RetriesByItself, before the 4th attempt, gets next_retry_at and an "auto_retry" job.
Status SendReply(Runtime& rt, Id reply_id);
//! The planned automatic retry of a failed reply after `attempts` sends: queues and sends it
//! again, unless it changed since (retried by hand, sent): then nothing.
Status AutoRetry(Runtime& rt, Id reply_id, int attempts);

//! Queues the send job of a reply (idempotent per reply and attempt).
Status EnqueueSend(store::Store& store, const Reply& reply, UnixMillis now);

//! Registers the "inbox" queue (send, sweep) on the runner and schedules the first sweep.
Status RegisterJobs(jobs::JobRunner& runner, Runtime& rt, UnixMillis sweep_every_ms = 60'000);

}  // namespace humas::inbox
