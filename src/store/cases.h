// The inbox's repository (issue 6): cases and their history, notes, dispositions, replies, ready
// answers, notifications, holiday overrides and per-region settings. Backend-neutral; the SQLite
// implementation is store/sqlite/inbox_repo*.cc. Writes that must not be lost or doubled are
// guarded by a version (optimistic concurrency: a stale version → Conflict, nothing written) or by
// a conditional state change (a reply is claimed for sending once).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/inbox.h"
#include "core/model.h"
#include "core/status.h"
#include "store/store.h"

namespace humas::store {

//! What AttachMention did.
struct CaseIntake {
  Case case_;
  bool created = false;   //!< a new case was opened
  bool reopened = false;  //!< a closed case was reopened by this mention
  bool attached = false;  //!< false when the mention already belonged to the case
};

struct CaseFilter {
  std::vector<Id> agency_ids;     //!< scope (required; empty = nothing)
  std::vector<CaseState> states;  //!< empty = every open state
  std::optional<Id> assignee_id;  //!< with unassigned = false
  bool unassigned = false;        //!< only cases without an assignee
  std::optional<CasePriority> priority;
  std::optional<UnixMillis> overdue_at;  //!< only cases with due_at < this
  enum class Sort { kActivity, kDue } sort = Sort::kActivity;
  //! Keyset cursor from the previous page: (sort value, id) of its last item.
  std::optional<std::pair<std::int64_t, Id>> after;
  int limit = 50;
};

struct DispositionFilter {
  std::vector<Id> agency_ids;  //!< scope: receiving (incoming) or forwarding (outgoing) agencies
  bool incoming = true;
  std::optional<DispositionState> state;
  int limit = 50;
  int offset = 0;
};

struct AnswerFilter {
  std::vector<Id> agency_ids;  //!< scope
  std::string q;               //!< full text over title, body, tags
  std::optional<bool> approved;
  std::optional<bool> active;
  int limit = 50;
  int offset = 0;
};

//! A disposition whose next reminder or escalation is due (SLA sweep).
struct DueAlert {
  Disposition disposition;
  bool escalate = false;  //!< the deadline passed (else: reminder number reminders_sent)
};

//! Per-case facts for responsiveness figures.
struct CaseFact {
  Id case_id = 0;
  Id agency_id = 0;
  CaseState state = CaseState::kBaru;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> first_response_at;
  std::optional<Id> first_responder_id;
  std::optional<Id> assignee_id;
};

struct DispositionFact {
  Id to_agency_id = 0;
  DispositionState state = DispositionState::kMenunggu;
  UnixMillis created_at = 0;
  UnixMillis deadline_at = 0;
  std::optional<UnixMillis> answered_at;
};

class InboxRepository {
 public:
  virtual ~InboxRepository() = default;

  // ---------------------------------------------------------------- cases

  //! Opens or extends the case of a stored mention (it must have an agency: FailedPrecondition
  //! otherwise). The case is found by the thread: the case of the mention it replies to when that
  //! case is the same citizen's, else the case with the same grouping key (agency, platform, thread
  //! root, citizen). A mention newer than the case's closing reopens a closed case. Idempotent: a
  //! mention already in a case returns that case with attached = false.
  virtual Result<CaseIntake> AttachMention(const Mention& mention, UnixMillis now) = 0;
  //! The same for several mentions in ONE transaction: all or nothing. (The intake no longer uses
  //! it: it opens cases inside the mentions' own transaction, MentionRepository::UpsertBatch with
  //! open_cases = true.)
  virtual Result<std::vector<CaseIntake>> AttachMentions(const std::vector<Mention>& mentions,
                                                         UnixMillis now) = 0;
  //! NotFound if absent.
  virtual Result<Case> GetCase(Id id) = 0;
  //! The case a mention belongs to; NotFound when none.
  virtual Result<Case> CaseOfMention(Id mention_id) = 0;
  //! One page in the filter's order; at most filter.limit (clamped to [1, 200]) items.
  virtual Result<std::vector<Case>> ListCases(const CaseFilter& filter) = 0;
  //! Open cases per state in scope, plus "overdue" (due_at < now) and "mine" (assignee = user).
  virtual Result<std::vector<std::pair<std::string, std::int64_t>>> CountCases(
      const std::vector<Id>& agency_ids, UnixMillis now, Id user_id) = 0;
  //! Writes state, priority, assignee, closed_at of `c` if the stored version is
  //! `expected_version` (Conflict otherwise), bumps the version and appends `event`. Returns the
  //! stored case.
  virtual Result<Case> UpdateCase(const Case& c, std::int64_t expected_version,
                                  const CaseEvent& event) = 0;
  //! Ids of the conversation's mentions, oldest first (at most 500).
  virtual Result<std::vector<Id>> CaseMentionIds(Id case_id) = 0;
  virtual Result<std::vector<CaseEvent>> CaseEvents(Id case_id) = 0;
  //! The citizen's other cases, newest first.
  virtual Result<std::vector<Case>> CitizenCases(const std::string& citizen_key, Id except,
                                                 int limit) = 0;
  virtual Status AppendEvent(CaseEvent* event) = 0;

  // ---------------------------------------------------------------- notes

  //! Stores the note and a note_added event. Sets id and created_at.
  virtual Status AddNote(CaseNote* note) = 0;
  virtual Result<std::vector<CaseNote>> CaseNotes(Id case_id) = 0;

  // ---------------------------------------------------------------- dispositions

  //! Stores new dispositions of a case (ids set), moves the case to menunggu_instansi and its
  //! due_at to the earliest waiting deadline, if the case version is `expected_case_version`
  //! (Conflict otherwise). `parent_id`, when set, must be a waiting disposition of the same case:
  //! it becomes diteruskan (re-forwarding). Returns the updated case.
  virtual Result<Case> CreateDispositions(Id case_id, std::int64_t expected_case_version,
                                          std::optional<Id> parent_id,
                                          std::int64_t expected_parent_version,
                                          std::vector<Disposition>* dispositions,
                                          const CaseEvent& event) = 0;
  virtual Result<Disposition> GetDisposition(Id id) = 0;
  virtual Result<std::vector<Disposition>> CaseDispositions(Id case_id) = 0;
  //! Earliest deadline first; total = all matches.
  virtual Result<ListResult<Disposition>> ListDispositions(const DispositionFilter& f) = 0;
  //! Answers (dijawab/sebagian) or refuses (ditolak) a waiting disposition at
  //! `expected_version` (Conflict when stale, FailedPrecondition when no longer waiting). When no
  //! disposition of the case is waiting any more, a case in menunggu_instansi returns to dibuka.
  virtual Result<Disposition> ResolveDisposition(Id id, std::int64_t expected_version,
                                                 DispositionState to, const std::string& text,
                                                 Id user_id, UnixMillis now,
                                                 const CaseEvent& event) = 0;
  //! Waiting dispositions whose next reminder point or deadline is at or before `now`.
  virtual Result<std::vector<DueAlert>> DueAlerts(UnixMillis now, int limit) = 0;
  //! Records that reminder `index` (0-based) or the escalation was handled; false when another
  //! worker already did (nothing changed).
  virtual Result<bool> MarkAlerted(Id disposition_id, int reminders_sent_before, bool escalated,
                                   UnixMillis now) = 0;

  // ---------------------------------------------------------------- replies

  //! Stores a reply unless one with the same idempotency key exists (then returns that one with
  //! created = false and changes nothing). When `expected_case_version` is set the case must be at
  //! it (Conflict otherwise); the case version is bumped and a reply_created event appended.
  virtual Result<std::pair<Reply, bool>> CreateReply(
      Reply reply, std::optional<std::int64_t> expected_case_version) = 0;
  virtual Result<Reply> GetReply(Id id) = 0;
  virtual Result<std::vector<Reply>> CaseReplies(Id case_id) = 0;
  //! Moves a reply from one of `from` to `to` at `expected_version` (Conflict when stale,
  //! FailedPrecondition when in another state), writing text/approved_by/last_error as given.
  virtual Result<Reply> UpdateReply(const Reply& reply, std::int64_t expected_version,
                                    const std::vector<ReplyState>& from,
                                    const CaseEvent& event) = 0;
  //! queued → sending, attempts + 1, exactly once: nullopt when the reply is not queued (someone
  //! else claimed it, or it was never queued).
  virtual Result<std::optional<Reply>> ClaimReply(Id id, UnixMillis now) = 0;
  //! sending → sent with the platform's id and URL; the case gets first_response_at (if unset),
  //! state dijawab (unless closed) and an event.
  virtual Result<Reply> MarkReplySent(Id id, const std::string& platform_id,
                                      const std::string& platform_url, UnixMillis now) = 0;
  //! sending → failed with the error; `retryable` sets error_kind "retryable" (else "permanent");
  //! `next_retry_at` is when the job queue will send it again by itself (nullopt = never). Any
  //! later UpdateReply or ClaimReply clears next_retry_at.
  virtual Result<Reply> MarkReplyFailed(Id id, const std::string& error, bool retryable,
                                        UnixMillis now,
                                        std::optional<UnixMillis> next_retry_at = std::nullopt) = 0;
  //! Ids of replies queued before `queued_before` (safety net when a send job was lost).
  virtual Result<std::vector<Id>> StaleQueuedReplies(UnixMillis queued_before, int limit) = 0;
  //! Ids of replies left in `sending` since before `before` (the sender crashed mid-send).
  virtual Result<std::vector<Id>> StaleSendingReplies(UnixMillis before, int limit) = 0;

  // ---------------------------------------------------------------- ready answers

  //! Sets id, timestamps, version 1.
  virtual Status CreateAnswer(ReadyAnswer* answer) = 0;
  virtual Result<ReadyAnswer> GetAnswer(Id id) = 0;
  //! Writes every editable field at `expected_version` (Conflict when stale).
  virtual Result<ReadyAnswer> UpdateAnswer(const ReadyAnswer& answer,
                                           std::int64_t expected_version) = 0;
  virtual Result<ListResult<ReadyAnswer>> ListAnswers(const AnswerFilter& filter) = 0;
  //! Approved, active answers of `agency_ids` valid on `today` ("YYYY-MM-DD"), most similar to
  //! `text` first (full-text rank), with score in (0, 1].
  virtual Result<std::vector<ReadyAnswer>> SuggestAnswers(const std::vector<Id>& agency_ids,
                                                          const std::string& text,
                                                          const std::string& today, int limit) = 0;
  virtual Status CountAnswerUse(Id answer_id) = 0;

  // ---------------------------------------------------------------- notifications

  //! Inserts unless (user_id, dedupe_key) exists; true when inserted (id set).
  virtual Result<bool> Notify(Notification* n) = 0;
  virtual Result<ListResult<Notification>> ListNotifications(Id user_id, bool unread_only,
                                                             const Page& page) = 0;
  //! Marks the user's notifications read (all when ids is empty); returns the unread count left.
  virtual Result<std::int64_t> MarkRead(Id user_id, const std::vector<Id>& ids) = 0;

  // ---------------------------------------------------------------- calendar and settings

  virtual Result<std::vector<HolidayOverride>> HolidayOverrides() = 0;
  virtual Status PutHolidayOverride(const HolidayOverride& h) = 0;
  //! Deletes the override of a date; NotFound when none.
  virtual Status DeleteHolidayOverride(const std::string& date) = 0;
  //! The region's settings, or the defaults (region_id set, updated_at 0) when never saved.
  virtual Result<InboxSettings> GetSettings(Id region_id) = 0;
  virtual Status PutSettings(InboxSettings* settings) = 0;

  // ---------------------------------------------------------------- responsiveness

  //! Cases created in [since, until) of the agencies, plus open cases created before `until`.
  virtual Result<std::vector<CaseFact>> CaseFacts(const std::vector<Id>& agency_ids,
                                                  UnixMillis since, UnixMillis until) = 0;
  //! Dispositions to the agencies created in [since, until).
  virtual Result<std::vector<DispositionFact>> DispositionFacts(const std::vector<Id>& agency_ids,
                                                                UnixMillis since,
                                                                UnixMillis until) = 0;
};

}  // namespace humas::store
