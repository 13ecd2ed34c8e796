// Domain types of the inbox (issue 6; Perbup Berau Lampiran B): cases, dispositions, replies,
// ready answers, notifications, inbox settings. Plain values; enums have stable string names
// (API, database, web client) via ToString/Parse in inbox.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace humas {

//! Stable names: "baru", "dibuka", "menunggu_instansi", "dijawab", "selesai", "dibuka_kembali".
enum class CaseState { kBaru, kDibuka, kMenungguInstansi, kDijawab, kSelesai, kDibukaKembali };
std::string_view ToString(CaseState s);
std::optional<CaseState> ParseCaseState(std::string_view s);
//! Every state except selesai.
bool IsOpen(CaseState s);
//! Whether an officer may move a case from `from` to `to` by hand (dispositions and sent replies
//! set menunggu_instansi and dijawab themselves).
bool IsManualTransition(CaseState from, CaseState to);

//! Kinds of public input that need an answer and so open a case at intake (Perbup Berau
//! Lampiran B): pertanyaan, keluhan, kritik, saran.
bool NeedsAnswer(std::string_view input_kind);

//! Stable names: "rendah", "normal", "tinggi", "mendesak".
enum class CasePriority { kRendah, kNormal, kTinggi, kMendesak };
std::string_view ToString(CasePriority p);
std::optional<CasePriority> ParseCasePriority(std::string_view s);

//! Stable names: "menunggu", "dijawab", "sebagian", "ditolak", "diteruskan".
enum class DispositionState { kMenunggu, kDijawab, kSebagian, kDitolak, kDiteruskan };
std::string_view ToString(DispositionState s);
std::optional<DispositionState> ParseDispositionState(std::string_view s);

//! Stable names: "draft", "awaiting_approval", "queued", "sending", "sent", "failed".
enum class ReplyState { kDraft, kAwaitingApproval, kQueued, kSending, kSent, kFailed };
std::string_view ToString(ReplyState s);
std::optional<ReplyState> ParseReplyState(std::string_view s);

//! A conversation with one citizen in one thread, owned by one agency.
struct Case {
  Id id = 0;
  Id agency_id = 0;
  Platform platform = Platform::kOther;
  std::string case_key;     //!< agency|platform|thread root|citizen (grouping key)
  std::string citizen_key;  //!< platform:lower(handle), for the citizen's history
  std::string citizen_handle;
  std::string citizen_name;
  std::string subject;     //!< the first message, up to 280 characters
  std::string input_kind;  //!< label of the first mention ("" when unlabelled)
  CaseState state = CaseState::kBaru;
  int reopened = 0;
  CasePriority priority = CasePriority::kNormal;
  std::optional<Id> assignee_id;
  std::int64_t mention_count = 0;
  UnixMillis first_mention_at = 0;
  UnixMillis last_mention_at = 0;
  UnixMillis last_activity_at = 0;  //!< inbox order
  std::optional<UnixMillis> first_response_at;
  std::optional<Id> first_responder_id;
  std::optional<UnixMillis> closed_at;
  std::optional<UnixMillis> due_at;  //!< earliest deadline of a waiting disposition
  std::int64_t version = 1;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

struct CaseEvent {
  Id id = 0;
  Id case_id = 0;
  UnixMillis at = 0;
  std::optional<Id> actor_user_id;  //!< empty = the system
  std::string kind;                 //!< docs/api.md CaseEvent kinds
  std::string details_json = "{}";
};

struct CaseNote {
  Id id = 0;
  Id case_id = 0;
  Id author_user_id = 0;
  std::string text;
  std::vector<std::string> mentions;  //!< usernames @mentioned (known users only)
  UnixMillis created_at = 0;
};

struct Disposition {
  Id id = 0;
  Id case_id = 0;
  std::optional<Id> parent_id;  //!< the disposition this one re-forwards
  Id from_agency_id = 0;
  Id to_agency_id = 0;
  std::string question;
  std::string context;
  DispositionState state = DispositionState::kMenunggu;
  std::string answer;
  std::string refusal_reason;
  Id created_by = 0;
  std::optional<Id> answered_by;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> answered_at;
  UnixMillis deadline_at = 0;
  std::string sla_mode = "calendar";  //!< sla::Mode name the deadline was computed in
  std::int64_t sla_ms = 0;            //!< the allowed duration
  std::string timezone = "Asia/Jakarta";
  std::vector<UnixMillis> reminder_points;  //!< ascending, all before deadline_at
  int reminders_sent = 0;                   //!< how many reminder points were handled
  bool escalated = false;
  std::int64_t version = 1;
};

struct Reply {
  Id id = 0;
  Id case_id = 0;
  std::string text;
  ReplyState state = ReplyState::kDraft;
  std::string idempotency_key;
  std::optional<Id> answer_id;
  Id created_by = 0;
  std::optional<Id> approved_by;
  int attempts = 0;
  std::string last_error;
  //! How the last send failed: "retryable" (the platform was busy or down: retrying later may
  //! work), "permanent" (refused: fix the reply, the account or the connector first), "" = none.
  std::string error_kind;
  //! A failed reply the job queue will send again by itself at this time (bounded automatic
  //! retries of failures the platform surely did not act on); nullopt = none planned.
  std::optional<UnixMillis> next_retry_at;
  Platform platform = Platform::kOther;
  std::string in_reply_to;  //!< external id of the citizen's mention answered
  std::string recipient;    //!< the citizen's handle (private messages)
  std::string platform_id;  //!< the platform's id of the sent reply
  std::string platform_url;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::optional<UnixMillis> sent_at;
  std::int64_t version = 1;
};

//! A ready answer of the agency's knowledge base.
struct ReadyAnswer {
  Id id = 0;
  Id agency_id = 0;
  std::string title;
  std::string body;
  std::vector<std::string> tags;
  bool approved = false;
  std::optional<Id> approved_by;
  std::string valid_from;   //!< "YYYY-MM-DD" or ""
  std::string valid_until;  //!< "YYYY-MM-DD" or ""
  bool active = true;
  std::int64_t uses = 0;
  double score = 0;  //!< similarity in suggestions (0–1), else 0
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::int64_t version = 1;
};

struct Notification {
  Id id = 0;
  Id user_id = 0;
  std::string kind;  //!< docs/api.md Notification kinds
  std::optional<Id> case_id;
  std::optional<Id> disposition_id;
  std::string title;
  std::string body;
  bool read = false;
  std::string dedupe_key;  //!< one notification per (user, key): nobody is told twice
  UnixMillis created_at = 0;
  std::optional<Id> alert_id;  //!< a listening alert's notification: the alert (its page)
};

//! Per-region inbox rules (docs/api.md InboxSettings).
struct InboxSettings {
  Id region_id = 0;
  std::string mode = "calendar";  //!< sla::Mode name
  int hours = 24;
  std::vector<int> reminder_minutes = {240, 60};
  bool require_reply_approval = false;
  //! Office hours as JSON {"mon":["07:30","16:00"],...,"sat":null}; "" = the default week.
  std::string schedule_json;
  UnixMillis updated_at = 0;
};

//! An administrator's change to the shipped holiday list: an added day, or an official day
//! removed (removed = true).
struct HolidayOverride {
  std::string date;
  std::string name;
  std::string kind = "libur_nasional";
  bool removed = false;
  UnixMillis updated_at = 0;
};

}  // namespace humas
