// The SQLite implementation of the repositories in store/store.h (internal to src/store/sqlite).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/sqlite/db.h"
#include "store/store.h"

namespace humas::store::sqlite {

//! What every repository shares: the pool and the clock. Both outlive the repositories.
struct Context {
  Pool* pool;
  const Clock* clock;
};

//! Clamps limit to [1, 200] and offset to >= 0.
Page ClampPage(const Page& page);
//! A LIKE pattern for a case-insensitive substring match (use with ESCAPE '\').
std::string LikeContains(std::string_view q);

//! Parameters collected while building a dynamic WHERE clause, bound in order by BindAll.
//! (A plain struct rather than std::variant: GCC 12 reports false -Wmaybe-uninitialized on
//! vectors of variant<int64_t, string>.)
struct BindValue {
  BindValue(std::int64_t v) : is_text(false), i(v) {}           // NOLINT: implicit by design
  BindValue(std::string v) : is_text(true), s(std::move(v)) {}  // NOLINT: implicit by design
  bool is_text;
  std::int64_t i = 0;
  std::string s;
};
void BindAll(Stmt& st, const std::vector<BindValue>& values);
//! Appends `id IN (...)` for a scope list to `where`, collecting the ids.
void AppendIdsIn(std::string* where, std::vector<BindValue>* binds, std::string_view column,
                 const std::vector<Id>& ids);
//! Maps an unknown stored enum name to DataLoss.
Status BadEnum(std::string_view what, std::string_view value);

//! "SELECT <every mention column> FROM mentions m " and the reader of such a row (mention_repo.cc).
std::string MentionSelectSql();
Result<Mention> ReadMention(const Stmt& st);
//! A newer version that replaced a stored mention's text (ApplyMentionEdits), for the inbox
//! re-check (RecheckEditedCases).
struct AppliedEdit {
  size_t position = 0;  //!< in the batch
  Id id = 0;
  Id agency = 0;  //!< the stored mention's agency (0 = none); an edit does not move it
  std::string old_input_kind;
  std::string old_text;  //!< the replaced text
};
//! The words of a text, for deciding whether an edit changed what was asked (an open case's
//! "content_edited" event): links dropped (a token with "://" or starting with "www.", e.g. a
//! shortened link the platform later expanded), the rest folded (NFKC, case folding) and split into
//! runs of letters, digits and combining marks; emoji, punctuation, symbols and spacing only
//! separate words. mention_edits.cc.
std::vector<std::string> EditWords(std::string_view text);
//! EditWords(before) != EditWords(after).
bool WordsChanged(std::string_view before, std::string_view after);
//! Applies newer versions of already stored mentions (UpsertBatch's edit path, mention_edits.cc):
//! `edited` holds (position in `mentions`, stored id); outcomes of applied edits become kUpdated
//! (and `edited` when the text changed; those are also listed in `applied`).
Status ApplyMentionEdits(Connection& conn, const std::vector<Mention>& mentions,
                         const std::vector<std::pair<size_t, Id>>& edited, UnixMillis now,
                         std::vector<UpsertOutcome>* out, std::vector<AppliedEdit>* applied);
//! Start of the UTC hour containing t (floor, also for times before 1970): the rollup bucket.
UnixMillis HourOf(UnixMillis t);

//! Runs `SELECT ... WHERE ... ORDER BY ... LIMIT/OFFSET` plus the matching count.
template <typename T, typename ReadFn>
Result<ListResult<T>> ListQuery(Connection& conn, const std::string& count_sql,
                                const std::string& select_sql, const std::string& where,
                                const std::string& order, const std::vector<BindValue>& binds,
                                const Page& page, ReadFn read,
                                const std::string& count_suffix = "") {
  Page p = ClampPage(page);
  ListResult<T> out;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(count_sql + where + count_suffix));
    BindAll(st, binds);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) out.total = st.Int(0);
  }
  HUMAS_ASSIGN_OR_RETURN(
      Stmt st, conn.Prepare(select_sql + where + " ORDER BY " + order + " LIMIT ? OFFSET ?"));
  BindAll(st, binds);
  st.Bind(p.limit).Bind(p.offset);
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    HUMAS_ASSIGN_OR_RETURN(T item, read(st));
    out.items.push_back(std::move(item));
  }
  return out;
}

class SqliteUserRepository final : public UserRepository {
 public:
  explicit SqliteUserRepository(Context ctx) : ctx_(ctx) {}
  Status Create(User* user) override;
  Status Update(const User& user) override;
  Result<User> Get(Id id) override;
  Result<User> GetByUsername(const std::string& username) override;
  Result<ListResult<User>> List(const Page& page) override;
  Result<std::int64_t> Count() override;
  Status CreateSession(const Session& session) override;
  Result<Session> GetSession(const std::string& token_hash) override;
  Status TouchSession(const std::string& token_hash, UnixMillis now) override;
  Status DeleteSession(const std::string& token_hash) override;
  Status DeleteUserSessions(Id user_id) override;
  Result<std::int64_t> DeleteExpiredSessions(UnixMillis now) override;

 private:
  Status LoadRoles(Connection& conn, User* user);
  Status WriteRoles(Connection& conn, const User& user);
  Context ctx_;
};

class SqliteAgencyRepository final : public AgencyRepository {
 public:
  explicit SqliteAgencyRepository(Context ctx) : ctx_(ctx) {}
  Status Create(Agency* agency) override;
  Status Update(const Agency& agency) override;
  Result<Agency> Get(Id id) override;
  Result<Agency> GetByCode(const std::string& code) override;
  Result<ListResult<Agency>> List(const AgencyFilter& filter, const Page& page) override;
  Result<std::vector<Agency>> All() override;

 private:
  Context ctx_;
};

class SqliteAccountRepository final : public AccountRepository {
 public:
  explicit SqliteAccountRepository(Context ctx) : ctx_(ctx) {}
  Status Create(Account* account) override;
  Status Update(const Account& account) override;
  Result<Account> Get(Id id) override;
  Result<ListResult<Account>> List(const AccountFilter& filter, const Page& page) override;
  Result<std::map<Id, std::int64_t>> CountByAgency() override;

 private:
  Context ctx_;
};

class SqliteAppointmentRepository final : public AppointmentRepository {
 public:
  explicit SqliteAppointmentRepository(Context ctx) : ctx_(ctx) {}
  Status Create(Appointment* appointment) override;
  Status Update(const Appointment& appointment) override;
  Result<Appointment> Get(Id id) override;
  Result<ListResult<Appointment>> List(const AppointmentFilter& filter, const Page& page) override;
  Result<std::map<Id, std::int64_t>> CountByAgency() override;

 private:
  Context ctx_;
};

class SqliteMentionRepository final : public MentionRepository {
 public:
  explicit SqliteMentionRepository(Context ctx) : ctx_(ctx) {}
  Result<std::vector<UpsertOutcome>> UpsertBatch(const std::vector<Mention>& mentions,
                                                 UnixMillis now, bool open_cases = false) override;
  Result<Mention> Get(Id id) override;
  Result<ListResult<Mention>> Search(const MentionFilter& filter, const Page& page) override;
  Result<std::vector<MentionEdit>> Edits(Id mention_id) override;
  Result<std::vector<Id>> RecordMatches(Platform platform, const std::string& external_id,
                                        std::vector<Id> query_ids) override;

 private:
  Context ctx_;
};

class SqliteRollupRepository final : public RollupRepository {
 public:
  explicit SqliteRollupRepository(Context ctx) : ctx_(ctx) {}
  Result<std::vector<RollupRow>> Query(const RollupFilter& filter) override;
  Status Rebuild() override;

 private:
  Context ctx_;
};

class SqliteAuditRepository final : public AuditRepository {
 public:
  explicit SqliteAuditRepository(Context ctx) : ctx_(ctx) {}
  Status Append(AuditEntry* entry) override;
  Result<ListResult<AuditEntry>> List(const AuditFilter& filter, const Page& page) override;
  Result<AuditVerification> Verify() override;

 private:
  Context ctx_;
};

class SqliteJobRepository final : public JobRepository {
 public:
  explicit SqliteJobRepository(Context ctx) : ctx_(ctx) {}
  Status Enqueue(Job* job) override;
  Result<std::vector<Job>> Claim(const std::string& queue, const std::string& worker, int max,
                                 UnixMillis now, UnixMillis lease_ms) override;
  Status Complete(Id job_id, const std::string& worker, UnixMillis now) override;
  Status Fail(Id job_id, const std::string& worker, const std::string& error, UnixMillis retry_at,
              UnixMillis now) override;
  Result<Job> Get(Id job_id) override;
  Result<std::map<JobState, std::int64_t>> Counts(const std::string& queue) override;

 private:
  Context ctx_;
};

}  // namespace humas::store::sqlite
