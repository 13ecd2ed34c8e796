// Repository interfaces: the only way the rest of humas reaches stored data. Backend-neutral: no
// SQLite or PostgreSQL types appear here. `sqlite/` implements them now, `pg/` later, and one
// conformance suite (store_conformance_test.cc) runs against every backend.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/model.h"
#include "core/status.h"
#include "store/webhook_inbox.h"

namespace humas::store {

class SpreadRepository;      // store/spread.h
class CorrectionRepository;  // store/spread.h

//! Paging for list queries. limit is clamped to [1, 200] by implementations.
struct Page {
  int limit = 50;
  int offset = 0;
};

template <typename T>
struct ListResult {
  std::vector<T> items;
  std::int64_t total = 0;     //!< matches ignoring paging
  bool total_capped = false;  //!< counting stopped at a cap: there are more than `total`
};

//! Mention searches count at most this many matches (an exact count over millions of mentions
//! would cost more than the page itself); beyond it total = kMentionTotalCap, total_capped.
inline constexpr std::int64_t kMentionTotalCap = 10000;

// ---------------------------------------------------------------- users and sessions

struct Session {
  std::string token_hash;  //!< hex SHA-256 of the opaque token; the token itself is never stored
  Id user_id = 0;
  std::string csrf_token;
  UnixMillis created_at = 0;
  UnixMillis last_seen_at = 0;
  UnixMillis expires_at = 0;  //!< absolute expiry
  std::string remote_ip;
  std::string user_agent;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  //! Inserts user and its role grants; sets user->id. AlreadyExists if the username is taken
  //! (case-insensitive).
  virtual Status Create(User* user) = 0;
  //! Updates display_name, email, locale, active, password_hash and replaces the role grants.
  virtual Status Update(const User& user) = 0;
  //! NotFound if absent.
  virtual Result<User> Get(Id id) = 0;
  virtual Result<User> GetByUsername(const std::string& username) = 0;
  virtual Result<ListResult<User>> List(const Page& page) = 0;
  virtual Result<std::int64_t> Count() = 0;

  virtual Status CreateSession(const Session& session) = 0;
  //! NotFound if no session has this token hash.
  virtual Result<Session> GetSession(const std::string& token_hash) = 0;
  virtual Status TouchSession(const std::string& token_hash, UnixMillis now) = 0;
  virtual Status DeleteSession(const std::string& token_hash) = 0;
  //! Revokes every session of a user (password change, deactivation).
  virtual Status DeleteUserSessions(Id user_id) = 0;
  //! Removes sessions whose absolute expiry is before `now`. Returns how many.
  virtual Result<std::int64_t> DeleteExpiredSessions(UnixMillis now) = 0;
};

// ---------------------------------------------------------------- directory

struct AgencyFilter {
  std::string q;  //!< substring of name, short_name or code (case-insensitive)
  std::optional<AgencyKind> kind;
  std::optional<Id> parent_id;
  std::optional<bool> active;          //!< nullopt = both
  std::optional<std::vector<Id>> ids;  //!< restrict to these (scope); nullopt = no restriction
};

class AgencyRepository {
 public:
  virtual ~AgencyRepository() = default;
  //! Sets agency->id, created_at, updated_at. AlreadyExists if the code is taken.
  virtual Status Create(Agency* agency) = 0;
  //! NotFound if absent; AlreadyExists if the new code is taken.
  virtual Status Update(const Agency& agency) = 0;
  virtual Result<Agency> Get(Id id) = 0;
  virtual Result<Agency> GetByCode(const std::string& code) = 0;
  virtual Result<ListResult<Agency>> List(const AgencyFilter& filter, const Page& page) = 0;
  //! Every agency (active or not), for building the hierarchy in memory. Small: hundreds.
  virtual Result<std::vector<Agency>> All() = 0;
};

struct AccountFilter {
  std::string q;
  std::optional<Id> agency_id;
  std::optional<Platform> platform;
  std::optional<AccountStatus> status;
  std::optional<std::vector<Id>> agency_ids;  //!< scope
};

class AccountRepository {
 public:
  virtual ~AccountRepository() = default;
  //! AlreadyExists if (platform, lower(handle)) is taken.
  virtual Status Create(Account* account) = 0;
  virtual Status Update(const Account& account) = 0;
  virtual Result<Account> Get(Id id) = 0;
  virtual Result<ListResult<Account>> List(const AccountFilter& filter, const Page& page) = 0;
  //! Number of accounts per agency id (for directory lists).
  virtual Result<std::map<Id, std::int64_t>> CountByAgency() = 0;
};

struct AppointmentFilter {
  std::string q;  //!< person name, NIP or decree number
  std::optional<Id> agency_id;
  std::optional<AppointmentRole> role;
  std::optional<bool> active;
  std::optional<std::vector<Id>> agency_ids;  //!< scope
};

class AppointmentRepository {
 public:
  virtual ~AppointmentRepository() = default;
  virtual Status Create(Appointment* appointment) = 0;
  virtual Status Update(const Appointment& appointment) = 0;
  virtual Result<Appointment> Get(Id id) = 0;
  virtual Result<ListResult<Appointment>> List(const AppointmentFilter& filter,
                                               const Page& page) = 0;
  virtual Result<std::map<Id, std::int64_t>> CountByAgency() = 0;
};

// ---------------------------------------------------------------- mentions and rollups

//! Which mentions a search returns by their near-duplicate flag (Mention::near_duplicate).
enum class NearDuplicates { kInclude, kExclude, kOnly };

struct MentionFilter {
  std::string q;  //!< full-text query: words ANDed, "phrases", -excluded; "" = no text filter
  std::optional<Id> agency_id;  //!< this agency only (not descendants; callers expand scope)
  std::optional<Platform> platform;
  std::optional<Id> query_id;  //!< only mentions this agency query matched (store/queries.h)
  std::optional<Id> near_duplicate_of;  //!< only the near-duplicates flagged as copies of this one
  NearDuplicates near_duplicates = NearDuplicates::kInclude;
  std::string author;               //!< author handle, exact (case-insensitive)
  std::optional<UnixMillis> since;  //!< created_at >= since
  std::optional<UnixMillis> until;  //!< created_at < until
  //! Scope: only mentions of these agencies; `include_unassigned` adds mentions with no agency.
  std::optional<std::vector<Id>> agency_ids;
  bool include_unassigned = true;
};

//! A replaced version of an edited mention's text (MentionRepository::Edits).
struct MentionEdit {
  std::string text;            //!< the text as it was before the edit
  UnixMillis version_at = 0;   //!< when that version was written (created_at for the first)
  UnixMillis replaced_at = 0;  //!< when humas stored the newer version
};

//! Result of storing a batch: what happened to each input, in input order.
struct UpsertOutcome {
  enum class Kind { kInserted, kDuplicate, kUpdated };
  Kind kind = Kind::kInserted;
  Id id = 0;
  //! kUpdated by a newer version that replaced the stored text (an edit; see UpsertBatch).
  bool edited = false;
};

class MentionRepository {
 public:
  virtual ~MentionRepository() = default;
  //! Stores mentions idempotently on (platform, external_id) in ONE transaction: all or nothing.
  //! A mention already stored is not duplicated; its engagement counts (shares, likes, replies)
  //! are raised to the new values if larger (kUpdated), otherwise kDuplicate. Inserted mentions
  //! are indexed for full-text search and counted in the hourly rollups in the same transaction,
  //! and their Mention::query_ids are stored as matches and counted per query and hour.
  //! `agency_id` of each Mention is used as given (callers resolve agency_code).
  //! With `open_cases`, every inserted mention with an agency and a kind of input that needs an
  //! answer (NeedsAnswer: questions, complaints, criticism, suggestions) also opens or extends
  //! its inbox case (InboxRepository::AttachMention) in the same transaction, so a stored mention
  //! never lacks its case, whatever crashes.
  //! Mention::near_duplicate (of, similarity) is stored as given, except that a mention with
  //! near_duplicate_in_batch = k (an earlier position of the same batch) stores the id of
  //! mentions[k] (inserted or already stored) as `of`; `of` = 0 otherwise stores no flag.
  //! Edits: a mention already stored whose MentionInput::edited_at is newer than the stored
  //! version's takes the new text, labels and query matches (full-text index, hourly rollups and
  //! per-query counters move with them; near-duplicate flag, engagement, agency and inbox case
  //! stay) and keeps the replaced text in its edit history (kUpdated, `edited`). An older or equal
  //! version changes nothing, so replays are idempotent; so does an `edit_observed` version with
  //! the stored words. Agency topic and author counters move as if the old version were deleted
  //! and the new one added. With `open_cases` the inbox re-checks an edited mention's case
  //! (RecheckEditedCases in src/store/sqlite/inbox_repo.h): a new question opens one, an open case
  //! gets a "content_edited" event, a closed case is never touched.
  virtual Result<std::vector<UpsertOutcome>> UpsertBatch(const std::vector<Mention>& mentions,
                                                         UnixMillis now,
                                                         bool open_cases = false) = 0;
  virtual Result<Mention> Get(Id id) = 0;
  //! Newest first (created_at desc, id desc). The total is exact up to kMentionTotalCap.
  virtual Result<ListResult<Mention>> Search(const MentionFilter& filter, const Page& page) = 0;
  //! The replaced versions of an edited mention's text, oldest first (empty if never edited).
  virtual Result<std::vector<MentionEdit>> Edits(Id mention_id) = 0;
  //! Records an already stored mention (platform + external id) as matching `query_ids`, e.g.
  //! because the platform's rule for each query delivered it again (X filtered stream's tags).
  //! Matches it already has change nothing; each new one is counted per query and hour, and the
  //! agency topic counters gain the agencies it was not counted for yet, in one transaction.
  //! Returns the query ids newly recorded (ascending). NotFound if the mention is not stored.
  virtual Result<std::vector<Id>> RecordMatches(Platform platform, const std::string& external_id,
                                                std::vector<Id> query_ids) = 0;
};

//! Counts per hour x agency x platform x sentiment, maintained by UpsertBatch.
struct RollupRow {
  UnixMillis hour = 0;  //!< start of the UTC hour
  std::optional<Id> agency_id;
  Platform platform = Platform::kOther;
  std::string sentiment;  //!< "" = unlabelled
  std::int64_t count = 0;
};

struct RollupFilter {
  UnixMillis since = 0;                       //!< hour >= since
  UnixMillis until = 0;                       //!< hour < until
  std::optional<std::vector<Id>> agency_ids;  //!< scope; nullopt = all
  bool include_unassigned = true;
};

class RollupRepository {
 public:
  virtual ~RollupRepository() = default;
  //! Rollup rows in the window (at most hours x agencies x platforms x labels rows).
  virtual Result<std::vector<RollupRow>> Query(const RollupFilter& filter) = 0;
  //! Recomputes all rollups from the stored mentions (the source of truth). Slow; admin tool.
  virtual Status Rebuild() = 0;
};

// ---------------------------------------------------------------- audit

struct AuditFilter {
  std::string action;  //!< prefix, e.g. "agency." ; "" = all
  std::string actor;   //!< username, exact
};

struct AuditVerification {
  bool ok = true;
  std::int64_t entries = 0;
  Id first_bad_seq = 0;
  std::string reason;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  //! Appends an entry: fills seq, prev_hash and hash (SHA-256, hex) atomically so concurrent
  //! appends from several threads or processes still form one chain.
  virtual Status Append(AuditEntry* entry) = 0;
  //! Newest first.
  virtual Result<ListResult<AuditEntry>> List(const AuditFilter& filter, const Page& page) = 0;
  //! Recomputes every hash from the first entry; reports the first entry that does not match.
  virtual Result<AuditVerification> Verify() = 0;
};

//! The canonical hash of an audit entry: hex SHA-256 of prev_hash and the entry's fields in a
//! fixed, length-prefixed encoding. Shared by every backend and the verify command.
std::string AuditHash(const AuditEntry& entry);

// ---------------------------------------------------------------- jobs

class JobRepository {
 public:
  virtual ~JobRepository() = default;
  //! Adds a job; sets job->id. If dedupe_key is non-empty and a pending/running/failed job has
  //! the same key, nothing is added and job->id is set to the existing job's id.
  virtual Status Enqueue(Job* job) = 0;
  //! Claims up to `max` jobs of `queue` with run_at <= now that are pending or failed (retry due)
  //! or running with an expired lease; marks them running, locked by `worker` until
  //! now + lease_ms, attempts + 1. Two workers never claim the same job.
  virtual Result<std::vector<Job>> Claim(const std::string& queue, const std::string& worker,
                                         int max, UnixMillis now, UnixMillis lease_ms) = 0;
  //! Marks a claimed job done. FailedPrecondition if `worker` no longer holds it.
  virtual Status Complete(Id job_id, const std::string& worker, UnixMillis now) = 0;
  //! Records a failure: state failed with run_at = retry_at, or dead when attempts reached
  //! max_attempts.
  virtual Status Fail(Id job_id, const std::string& worker, const std::string& error,
                      UnixMillis retry_at, UnixMillis now) = 0;
  virtual Result<Job> Get(Id job_id) = 0;
  //! Number of jobs per state for a queue (monitoring).
  virtual Result<std::map<JobState, std::int64_t>> Counts(const std::string& queue) = 0;
};

// ---------------------------------------------------------------- the store

class InboxRepository;      // store/cases.h
class QueryRepository;      // store/queries.h
class ConnectorRepository;  // store/connectors.h
class AlertRepository;      // store/alerts.h
class CounterRepository;    // store/counters.h

//! Opens every repository over one database. Thread-safe: repositories may be used from many
//! threads at once (implementations pool connections).
class Store {
 public:
  virtual ~Store() = default;
  virtual UserRepository& users() = 0;
  virtual AgencyRepository& agencies() = 0;
  virtual AccountRepository& accounts() = 0;
  virtual AppointmentRepository& appointments() = 0;
  virtual MentionRepository& mentions() = 0;
  virtual RollupRepository& rollups() = 0;
  virtual AuditRepository& audit() = 0;
  virtual JobRepository& jobs() = 0;
  virtual SpreadRepository& spread() = 0;
  virtual CorrectionRepository& corrections() = 0;
  //! Cases, dispositions, replies, ready answers (store/cases.h).
  virtual InboxRepository& inbox() = 0;
  virtual QueryRepository& queries() = 0;
  virtual WebhookInboxRepository& webhook_inbox() = 0;
  //! The connector registry (store/connectors.h).
  virtual ConnectorRepository& connectors() = 0;
  //! Listening alerts and their per-agency thresholds (store/alerts.h).
  virtual AlertRepository& alerts() = 0;
  //! Author and agency-topic counters kept at ingest (store/counters.h).
  virtual CounterRepository& counters() = 0;
  //! Cheap liveness check for /health.
  virtual Status Ping() = 0;
  //! Backend name and schema version, e.g. "sqlite", 3.
  virtual std::string backend() const = 0;
  virtual int schema_version() const = 0;
};

struct SqliteOptions {
  std::string path;  //!< database file; created if absent
  int busy_timeout_ms = 5000;
  int pool_size = 4;  //!< connections kept open
};

//! Opens (creating and migrating if needed) a SQLite store. Migration checksum mismatch →
//! DataLoss naming the migration; a newer schema than this binary knows → FailedPrecondition.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options, const Clock& clock);

}  // namespace humas::store
