// The SQLite InboxRepository (store/cases.h), split over inbox_case_repo.cc (cases, notes,
// dispositions) and inbox_misc_repo.cc (replies, answers, notifications, settings, figures).
#pragma once

#include "store/cases.h"
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {

//! Inside the caller's write transaction on `conn`: opens or extends the inbox case of every
//! mention of `mentions` that was just stored (ids[i] != 0 is its id) with an agency and a kind of
//! input that needs an answer (NeedsAnswer). Used by UpsertBatch so a mention and its case are
//! stored in one transaction.
Status AttachNewMentions(Connection& conn, const std::vector<Mention>& mentions,
                         const std::vector<Id>& ids, UnixMillis now);

//! Inside UpsertBatch's write transaction, after AttachNewMentions: the inbox side of applied
//! edits (`edits`, from ApplyMentionEdits). A mention in an open case gets a "content_edited"
//! event (old and new kind; the officer decides, nothing is closed); one in no case that now needs
//! an answer opens or joins a case by the intake rules, except that a closed case is never
//! reopened or extended (a new case is opened instead). Closed cases are never touched.
Status RecheckEditedCases(Connection& conn, const std::vector<Mention>& mentions,
                          const std::vector<AppliedEdit>& edits, UnixMillis now);

class SqliteInboxRepository final : public InboxRepository {
 public:
  explicit SqliteInboxRepository(Context ctx) : ctx_(ctx) {}

  Result<CaseIntake> AttachMention(const Mention& mention, UnixMillis now) override;
  Result<std::vector<CaseIntake>> AttachMentions(const std::vector<Mention>& mentions,
                                                 UnixMillis now) override;
  Result<Case> GetCase(Id id) override;
  Result<Case> CaseOfMention(Id mention_id) override;
  Result<std::vector<Case>> ListCases(const CaseFilter& filter) override;
  Result<std::vector<std::pair<std::string, std::int64_t>>> CountCases(
      const std::vector<Id>& agency_ids, UnixMillis now, Id user_id) override;
  Result<Case> UpdateCase(const Case& c, std::int64_t expected_version,
                          const CaseEvent& event) override;
  Result<std::vector<Id>> CaseMentionIds(Id case_id) override;
  Result<std::vector<CaseEvent>> CaseEvents(Id case_id) override;
  Result<std::vector<Case>> CitizenCases(const std::string& citizen_key, Id except,
                                         int limit) override;
  Status AppendEvent(CaseEvent* event) override;

  Status AddNote(CaseNote* note) override;
  Result<std::vector<CaseNote>> CaseNotes(Id case_id) override;

  Result<Case> CreateDispositions(Id case_id, std::int64_t expected_case_version,
                                  std::optional<Id> parent_id, std::int64_t expected_parent_version,
                                  std::vector<Disposition>* dispositions,
                                  const CaseEvent& event) override;
  Result<Disposition> GetDisposition(Id id) override;
  Result<std::vector<Disposition>> CaseDispositions(Id case_id) override;
  Result<ListResult<Disposition>> ListDispositions(const DispositionFilter& f) override;
  Result<Disposition> ResolveDisposition(Id id, std::int64_t expected_version, DispositionState to,
                                         const std::string& text, Id user_id, UnixMillis now,
                                         const CaseEvent& event) override;
  Result<std::vector<DueAlert>> DueAlerts(UnixMillis now, int limit) override;
  Result<bool> MarkAlerted(Id disposition_id, int reminders_sent_before, bool escalated,
                           UnixMillis now) override;

  Result<std::pair<Reply, bool>> CreateReply(
      Reply reply, std::optional<std::int64_t> expected_case_version) override;
  Result<Reply> GetReply(Id id) override;
  Result<std::vector<Reply>> CaseReplies(Id case_id) override;
  Result<Reply> UpdateReply(const Reply& reply, std::int64_t expected_version,
                            const std::vector<ReplyState>& from, const CaseEvent& event) override;
  Result<std::optional<Reply>> ClaimReply(Id id, UnixMillis now) override;
  Result<Reply> MarkReplySent(Id id, const std::string& platform_id,
                              const std::string& platform_url, UnixMillis now) override;
  Result<Reply> MarkReplyFailed(Id id, const std::string& error, bool retryable, UnixMillis now,
                                std::optional<UnixMillis> next_retry_at) override;
  Result<std::vector<Id>> StaleQueuedReplies(UnixMillis queued_before, int limit) override;
  Result<std::vector<Id>> StaleSendingReplies(UnixMillis before, int limit) override;

  Status CreateAnswer(ReadyAnswer* answer) override;
  Result<ReadyAnswer> GetAnswer(Id id) override;
  Result<ReadyAnswer> UpdateAnswer(const ReadyAnswer& answer,
                                   std::int64_t expected_version) override;
  Result<ListResult<ReadyAnswer>> ListAnswers(const AnswerFilter& filter) override;
  Result<std::vector<ReadyAnswer>> SuggestAnswers(const std::vector<Id>& agency_ids,
                                                  const std::string& text, const std::string& today,
                                                  int limit) override;
  Status CountAnswerUse(Id answer_id) override;

  Result<bool> Notify(Notification* n) override;
  Result<ListResult<Notification>> ListNotifications(Id user_id, bool unread_only,
                                                     const Page& page) override;
  Result<std::int64_t> MarkRead(Id user_id, const std::vector<Id>& ids) override;

  Result<std::vector<HolidayOverride>> HolidayOverrides() override;
  Status PutHolidayOverride(const HolidayOverride& h) override;
  Status DeleteHolidayOverride(const std::string& date) override;
  Result<InboxSettings> GetSettings(Id region_id) override;
  Status PutSettings(InboxSettings* settings) override;

  Result<std::vector<CaseFact>> CaseFacts(const std::vector<Id>& agency_ids, UnixMillis since,
                                          UnixMillis until) override;
  Result<std::vector<DispositionFact>> DispositionFacts(const std::vector<Id>& agency_ids,
                                                        UnixMillis since,
                                                        UnixMillis until) override;

 private:
  Context ctx_;
};

// Shared by the two implementation files.
Result<Case> LoadCase(Connection& conn, Id id);
Result<Reply> LoadReply(Connection& conn, Id id);
Status InsertEvent(Connection& conn, CaseEvent* event);
//! "[1,2,3]" for json_each parameters.
std::string JsonIds(const std::vector<Id>& ids);

}  // namespace humas::store::sqlite
