// SQLite MentionRepository and RollupRepository: idempotent batch ingest with full-text indexing
// and hourly rollup counters in the same transaction.
#include <algorithm>
#include <map>
#include <tuple>

#include "search/query_parser.h"
#include "store/sqlite/fts_query.h"
#include "store/sqlite/inbox_repo.h"
#include "store/sqlite/multi_row.h"
#include "store/sqlite/rollups.h"
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {
namespace {

constexpr UnixMillis kHourMs = 3'600'000;

// The intake inserts up to kRowsPerInsert rows per statement (ids chosen by UpsertBatch under the
// write lock): the statement's setup, its cursors on the table and each index, and its halt are
// then paid once per group instead of once per mention. OR FAIL, with the foreign keys off for
// the intake's transaction and no index on an expression (migration 0023), lets SQLite run it
// without a statement journal; a duplicate stops the statement at its row with the rows before
// it kept (sqlite3_changes() says how many), and UpsertBatch carries on after it.
constexpr size_t kRowsPerInsert = 16;
constexpr char kSqlMentionInsertHead[] =
    "INSERT OR FAIL INTO mentions (id, platform, external_id, url, author_handle, author_name, "
    "text, created_at, kind, agency_code, in_reply_to, shared_from, shares, likes, replies, "
    "sentiment, sentiment_confidence, input_kind, input_kind_confidence, hoax_score, "
    "has_personal_data, agency_id, account_id, ingested_at, author_followers, near_duplicate_of, "
    "near_duplicate_similarity) VALUES ";
constexpr char kSqlMentionInsertRow[] =
    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlMaxMentionId[] = "SELECT ifnull(max(id), 0) FROM mentions";
// Inserted by UpsertBatch right after the row (see migration 0002 for why not by a trigger).
constexpr char kSqlMentionFtsInsert[] =
    "INSERT INTO mentions_fts (rowid, text, author_handle, author_name) VALUES (?, ?, ?, ?)";
constexpr char kSqlAgencyExists[] = "SELECT 1 FROM agencies WHERE id = ?";
constexpr char kSqlAccountExists[] = "SELECT 1 FROM accounts WHERE id = ?";
constexpr char kSqlMentionEngagement[] =
    "SELECT id, shares, likes, replies FROM mentions WHERE platform = ? AND external_id = ?";
constexpr char kSqlMentionRaiseEngagement[] =
    "UPDATE mentions SET shares = max(shares, ?), likes = max(likes, ?), "
    "replies = max(replies, ?) WHERE id = ?";
constexpr char kSqlRollupIncrement[] =
    "INSERT INTO rollup_hourly (hour, agency_id, platform, sentiment, count) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hour, agency_id, platform, sentiment) "
    "DO UPDATE SET count = count + excluded.count";
constexpr char kSqlMentionColumns[] =
    "SELECT m.id, m.platform, m.external_id, m.url, m.author_handle, m.author_name, m.text, "
    "m.created_at, m.kind, m.agency_code, m.in_reply_to, m.shared_from, m.shares, m.likes, "
    "m.replies, m.sentiment, m.sentiment_confidence, m.input_kind, m.input_kind_confidence, "
    "m.hoax_score, m.has_personal_data, m.agency_id, m.account_id, m.ingested_at, "
    "m.author_followers, m.near_duplicate_of, m.near_duplicate_similarity, "
    "(SELECT o.agency_id FROM mentions o WHERE o.id = m.near_duplicate_of), m.edited_at "
    "FROM mentions m ";
// Matches go in kMatchesPerInsert rows per statement (OR IGNORE: no statement journal either).
constexpr size_t kMatchesPerInsert = 32;
constexpr char kSqlMentionQueryInsertHead[] =
    "INSERT OR IGNORE INTO mention_queries (query_id, mention_id) VALUES ";
constexpr char kSqlQueryHourlyIncrement[] =
    "INSERT INTO query_hourly (query_id, hour, sentiment, count) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (query_id, hour, sentiment) DO UPDATE SET count = count + excluded.count";
constexpr char kSqlMentionQueryFilter[] =
    " AND m.id IN (SELECT mention_id FROM mention_queries WHERE query_id = ?)";
// Counts at most kMentionTotalCap + 1 matches (closed by kSqlMentionCountCapped's suffix).
constexpr char kSqlMentionCount[] = "SELECT count(*) FROM (SELECT 1 FROM mentions m ";
constexpr char kSqlMentionFtsFilter[] =
    " AND m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)";

constexpr char kSqlRollupSelect[] =
    "SELECT hour, agency_id, platform, sentiment, count FROM rollup_hourly "
    "WHERE hour >= ? AND hour < ?";

}  // namespace

UnixMillis HourOf(UnixMillis t) { return t - ((t % kHourMs) + kHourMs) % kHourMs; }

Result<Mention> ReadMention(const Stmt& st) {
  Mention m;
  m.id = st.Int(0);
  auto platform = ParsePlatform(st.Text(1));
  if (!platform) return BadEnum("platform", st.Text(1));
  MentionInput& d = m.data;
  d.platform = *platform;
  d.external_id = st.Text(2);
  d.url = st.Text(3);
  d.author_handle = st.Text(4);
  d.author_name = st.Text(5);
  d.text = st.Text(6);
  d.created_at = st.Int(7);
  auto kind = ParseMentionKind(st.Text(8));
  if (!kind) return BadEnum("mention kind", st.Text(8));
  d.kind = *kind;
  d.agency_code = st.Text(9);
  d.in_reply_to = st.Text(10);
  d.shared_from = st.Text(11);
  d.shares = st.Int(12);
  d.likes = st.Int(13);
  d.replies = st.Int(14);
  d.labels.sentiment = st.Text(15);
  d.labels.sentiment_confidence = st.Double(16);
  d.labels.input_kind = st.Text(17);
  d.labels.input_kind_confidence = st.Double(18);
  d.labels.hoax_score = st.Double(19);
  d.labels.has_personal_data = st.Bool(20);
  m.agency_id = st.OptInt(21);
  m.account_id = st.OptInt(22);
  m.ingested_at = st.Int(23);
  d.author_followers = st.OptInt(24);
  if (auto of = st.OptInt(25)) m.near_duplicate = NearDuplicate{*of, st.Double(26), st.OptInt(27)};
  d.edited_at = st.OptInt(28).value_or(0);
  return m;
}

std::string MentionSelectSql() { return kSqlMentionColumns; }

namespace {

using RollupKey = std::tuple<UnixMillis, Id, std::string_view, std::string_view>;
using QueryHourKey = std::tuple<Id, UnixMillis, std::string_view>;

const char* MentionInsertSql(size_t rows) {
  static const MultiRowSql<kRowsPerInsert> sql(kSqlMentionInsertHead, kSqlMentionInsertRow);
  return sql.Get(rows);
}

const char* MentionQueryInsertSql(size_t rows) {
  static const MultiRowSql<kMatchesPerInsert> sql(kSqlMentionQueryInsertHead, "(?, ?)");
  return sql.Get(rows);
}

//! Turns SQLite's per-row foreign key checks off on `conn` for one intake transaction and back on
//! when it ends (PRAGMA foreign_keys is a no-op inside a transaction: construct before BEGIN,
//! destroy after COMMIT/ROLLBACK). The intake checks its references itself (CheckReferences).
class ForeignKeysChecked {
 public:
  explicit ForeignKeysChecked(Connection& conn) : conn_(conn) {}
  ~ForeignKeysChecked() {
    if (off_) (void)conn_.Exec("PRAGMA foreign_keys=ON");
  }
  Status Off() {
    HUMAS_RETURN_IF_ERROR(conn_.Exec("PRAGMA foreign_keys=OFF"));
    off_ = true;
    return Status::Ok();
  }

 private:
  Connection& conn_;
  bool off_ = false;
};

//! The references of the rows a batch inserted, once per distinct value: each agency and account a
//! new mention names must exist (what the mentions table's foreign keys demand). Everything else
//! the intake transaction writes refers to rows it wrote or read itself in the same transaction
//! (mention ids just inserted, cases just opened or looked up), which the write lock keeps there.
Status CheckReferences(Connection& conn, const std::vector<Mention>& mentions,
                       const std::vector<UpsertOutcome>& out) {
  std::map<Id, size_t> agencies, accounts;  // id -> first inserted mention naming it
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].kind != UpsertOutcome::Kind::kInserted) continue;
    if (mentions[i].agency_id) agencies.try_emplace(*mentions[i].agency_id, i);
    if (mentions[i].account_id) accounts.try_emplace(*mentions[i].account_id, i);
  }
  for (auto [table, ids, what] : {std::tuple{kSqlAgencyExists, &agencies, "agency"},
                                  std::tuple{kSqlAccountExists, &accounts, "account"}}) {
    for (const auto& [id, i] : *ids) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(table));
      st.Bind(id);
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) continue;
      const MentionInput& d = mentions[i].data;
      return FailedPrecondition(
          "mention " + std::to_string(i) + " (" + std::string(ToString(d.platform)) + " " +
          d.external_id + ") could not be stored, so nothing of the batch was: " + what + " " +
          std::to_string(id) + " does not exist (a referenced row does not exist)");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<UpsertOutcome>> SqliteMentionRepository::UpsertBatch(
    const std::vector<Mention>& mentions, UnixMillis now, bool open_cases) {
  for (size_t i = 0; i < mentions.size(); ++i) {
    if (mentions[i].data.external_id.empty()) {
      return InvalidArgument("mention " + std::to_string(i) +
                             " of the batch has no external_id; nothing was stored")
          .WithField("external_id");
    }
  }
  std::vector<UpsertOutcome> out;
  out.reserve(mentions.size());
  if (mentions.empty()) return out;

  auto conn = ctx_.pool->Acquire();
  // SQLite would check the mentions' agency and account, each match's, case's, event's and link's
  // references once per written row (a B-tree probe each, ~5.9k instructions per mention);
  // CheckReferences checks them once per batch instead, inside the same transaction.
  ForeignKeysChecked fk(*conn);
  HUMAS_RETURN_IF_ERROR(fk.Off());
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  std::map<RollupKey, std::int64_t> rollups;
  std::map<QueryHourKey, std::int64_t> query_hours;
  std::vector<std::pair<Id, Id>> matches;     // (query, mention), written in key order below
  RollupBatch counters;                       // author and agency-topic counters (rollups.h)
  std::vector<std::pair<size_t, Id>> edited;  // (position, id): newer versions, applied last
  sqlite3* db = conn->raw();
  HUMAS_ASSIGN_OR_RETURN(Stmt fts, conn->Prepare(kSqlMentionFtsInsert));
  Id next_id = 0;  // the id the next inserted mention gets (no other writer: BEGIN IMMEDIATE)
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlMaxMentionId));
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Internal("max(id) of mentions returned no row");
    next_id = st.Int(0) + 1;
  }
  // What follows a newly stored row: its full-text entry, matches and counters.
  auto inserted = [&](size_t i, Id id) -> Status {
    const Mention& m = mentions[i];
    const MentionInput& d = m.data;
    fts.Reset();
    HUMAS_RETURN_IF_ERROR(
        fts.Bind(id).Bind(d.text).Bind(d.author_handle).Bind(d.author_name).Run());
    for (Id q : m.query_ids) {
      matches.emplace_back(q, id);
      ++query_hours[QueryHourKey{q, HourOf(d.created_at), d.labels.sentiment}];
    }
    if (m.near_duplicate) {  // a copy: its cluster's counter grows (migration 0028)
      const int k = m.near_duplicate_in_batch;
      const Id of = k >= 0 && static_cast<size_t>(k) < i ? out[static_cast<size_t>(k)].id
                                                         : m.near_duplicate->of;
      if (of > 0) counters.Copied(of, m.agency_id.value_or(0));
    }
    out.push_back({UpsertOutcome::Kind::kInserted, id});
    counters.Inserted(id, m);
    if (d.edited_at > 0) edited.emplace_back(i, id);  // first seen edited: keep its version
    ++rollups[RollupKey{HourOf(d.created_at), m.agency_id.value_or(0), ToString(d.platform),
                        d.labels.sentiment}];
    return Status::Ok();
  };
  for (size_t group = 0; group < mentions.size();) {
    const size_t rows = std::min(kRowsPerInsert, mentions.size() - group);
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(MentionInsertSql(rows)));
    for (size_t r = 0; r < rows; ++r) {
      const Mention& m = mentions[group + r];
      const MentionInput& d = m.data;
      st.Bind(next_id + static_cast<Id>(r)).Bind(ToString(d.platform)).Bind(d.external_id);
      st.Bind(d.url).Bind(d.author_handle).Bind(d.author_name);
      st.Bind(d.text).Bind(d.created_at).Bind(ToString(d.kind)).Bind(d.agency_code);
      st.Bind(d.in_reply_to).Bind(d.shared_from).Bind(d.shares).Bind(d.likes).Bind(d.replies);
      st.Bind(d.labels.sentiment).Bind(d.labels.sentiment_confidence).Bind(d.labels.input_kind);
      st.Bind(d.labels.input_kind_confidence).Bind(d.labels.hoax_score);
      st.Bind(d.labels.has_personal_data).Bind(m.agency_id).Bind(m.account_id).Bind(now);
      st.Bind(d.author_followers);
      // A copy of an earlier mention of this batch: that one's id is known now (rows go in order;
      // one of this group gets its id here if every row before it goes in, else this row is
      // bound again in a later group).
      std::optional<Id> near_dup;
      if (m.near_duplicate) {
        const auto of = static_cast<size_t>(m.near_duplicate_in_batch);
        if (m.near_duplicate_in_batch >= 0 && of < group)
          near_dup = out[of].id;
        else if (m.near_duplicate_in_batch >= 0 && of < group + r)
          near_dup = next_id + static_cast<Id>(of - group);
        else if (m.near_duplicate->of > 0)
          near_dup = m.near_duplicate->of;
      }
      st.Bind(near_dup);
      if (near_dup) {
        st.Bind(m.near_duplicate->similarity);
      } else {
        st.BindNull();
      }
    }
    Status s = st.Run();
    // Rows before a failing one are stored (OR FAIL keeps them).
    const auto stored = s.ok() ? rows : static_cast<size_t>(sqlite3_changes(db));
    const bool duplicate = !s.ok() && sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE;
    for (size_t r = 0; r < stored; ++r)
      HUMAS_RETURN_IF_ERROR(inserted(group + r, next_id + static_cast<Id>(r)));
    next_id += static_cast<Id>(stored);
    group += stored;
    if (s.ok()) continue;
    const size_t i = group;
    const MentionInput& d = mentions[i].data;
    const std::string_view platform = ToString(d.platform);
    if (stored >= rows || !duplicate) {
      return Status(s.code(), "mention " + std::to_string(i) + " (" + std::string(platform) + " " +
                                  d.external_id + ") could not be stored, so nothing " +
                                  "of the batch was: " + s.message());
    }
    ++group;  // row i is stored already (before this batch or earlier in it)
    // Raise the engagement counts if this copy is newer.
    Id id = 0;
    bool raise = false;
    std::int64_t old[3] = {0, 0, 0};  // shares, likes, replies
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt get, conn->Prepare(kSqlMentionEngagement));
      get.Bind(platform).Bind(d.external_id);
      HUMAS_ASSIGN_OR_RETURN(bool row, get.Step());
      if (!row) return Internal("mention vanished during upsert: " + d.external_id);
      id = get.Int(0);
      old[0] = get.Int(1), old[1] = get.Int(2), old[2] = get.Int(3);
      raise = d.shares > old[0] || d.likes > old[1] || d.replies > old[2];
    }
    if (raise) {
      HUMAS_ASSIGN_OR_RETURN(Stmt up, conn->Prepare(kSqlMentionRaiseEngagement));
      HUMAS_RETURN_IF_ERROR(up.Bind(d.shares).Bind(d.likes).Bind(d.replies).Bind(id).Run());
      counters.Raised(id, old[0], old[1], old[2], std::max(d.shares, old[0]),
                      std::max(d.likes, old[1]), std::max(d.replies, old[2]));
    }
    out.push_back({raise ? UpsertOutcome::Kind::kUpdated : UpsertOutcome::Kind::kDuplicate, id});
    if (d.edited_at > 0) edited.emplace_back(i, id);
  }
  HUMAS_RETURN_IF_ERROR(CheckReferences(*conn, mentions, out));
  for (const auto& [key, count] : rollups) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlRollupIncrement));
    st.Bind(std::get<0>(key)).Bind(std::get<1>(key)).Bind(std::get<2>(key));
    st.Bind(std::get<3>(key)).Bind(count);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  // In primary-key order: each query's rows are appended together instead of scattered.
  std::sort(matches.begin(), matches.end());
  for (size_t at = 0; at < matches.size(); at += kMatchesPerInsert) {
    const size_t rows = std::min(kMatchesPerInsert, matches.size() - at);
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(MentionQueryInsertSql(rows)));
    for (size_t r = 0; r < rows; ++r) st.Bind(matches[at + r].first).Bind(matches[at + r].second);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  for (const auto& [key, count] : query_hours) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlQueryHourlyIncrement));
    st.Bind(std::get<0>(key)).Bind(std::get<1>(key)).Bind(std::get<2>(key)).Bind(count);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  HUMAS_RETURN_IF_ERROR(counters.Flush(*conn));
  // After the batch's own counters: an edit may follow its original in the same batch.
  std::vector<AppliedEdit> applied;
  HUMAS_RETURN_IF_ERROR(ApplyMentionEdits(*conn, mentions, edited, now, &out, &applied));
  if (open_cases) {
    std::vector<Id> new_ids(mentions.size(), 0);
    for (size_t i = 0; i < out.size(); ++i)
      if (out[i].kind == UpsertOutcome::Kind::kInserted) new_ids[i] = out[i].id;
    HUMAS_RETURN_IF_ERROR(AttachNewMentions(*conn, mentions, new_ids, now));
    // After the new mentions' cases: an edit may follow its original in the same batch.
    if (!applied.empty()) HUMAS_RETURN_IF_ERROR(RecheckEditedCases(*conn, mentions, applied, now));
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Result<Mention> SqliteMentionRepository::Get(Id id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st,
                         conn->Prepare(std::string(kSqlMentionColumns) + "WHERE m.id = ?"));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("mention " + std::to_string(id) + " does not exist");
  return ReadMention(st);
}

Result<ListResult<Mention>> SqliteMentionRepository::Search(const MentionFilter& f,
                                                            const Page& page) {
  std::string where = "WHERE 1 = 1";
  std::vector<BindValue> binds;
  bool blank = f.q.find_first_not_of(" \t\r\n") == std::string::npos;
  if (!blank) {
    HUMAS_ASSIGN_OR_RETURN(search::ParsedQuery parsed, search::ParseUserQuery(f.q));
    where += kSqlMentionFtsFilter;
    binds.push_back(RenderFts5Match(parsed));
  }
  if (f.agency_id) {
    where += " AND m.agency_id = ?";
    binds.push_back(*f.agency_id);
  }
  if (f.query_id) {
    where += kSqlMentionQueryFilter;
    binds.push_back(*f.query_id);
  }
  if (f.near_duplicate_of) {
    where += " AND m.near_duplicate_of = ?";
    binds.push_back(*f.near_duplicate_of);
  }
  if (f.near_duplicates == NearDuplicates::kExclude) where += " AND m.near_duplicate_of IS NULL";
  if (f.near_duplicates == NearDuplicates::kOnly) where += " AND m.near_duplicate_of IS NOT NULL";
  if (f.platform) {
    where += " AND m.platform = ?";
    binds.push_back(std::string(ToString(*f.platform)));
  }
  if (!f.author.empty()) {
    where += " AND m.author_handle = ? COLLATE NOCASE";  // mentions_author (0023)
    binds.push_back(f.author);
  }
  if (f.since) {
    where += " AND m.created_at >= ?";
    binds.push_back(*f.since);
  }
  if (f.until) {
    where += " AND m.created_at < ?";
    binds.push_back(*f.until);
  }
  if (f.agency_ids) {
    where += " AND (";
    AppendIdsIn(&where, &binds, "m.agency_id", *f.agency_ids);
    if (f.include_unassigned) where += " OR m.agency_id IS NULL";
    where += ")";
  }
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(
      ListResult<Mention> out,
      ListQuery<Mention>(*conn, kSqlMentionCount, kSqlMentionColumns, where,
                         "m.created_at DESC, m.id DESC", binds, page, ReadMention,
                         " LIMIT " + std::to_string(kMentionTotalCap + 1) + ")"));
  if (out.total > kMentionTotalCap) {
    out.total = kMentionTotalCap;
    out.total_capped = true;
  }
  return out;
}

Result<std::vector<RollupRow>> SqliteRollupRepository::Query(const RollupFilter& f) {
  std::string sql = kSqlRollupSelect;
  std::vector<BindValue> binds;
  binds.push_back(f.since);
  binds.push_back(f.until);
  if (f.agency_ids) {
    sql += " AND (";
    AppendIdsIn(&sql, &binds, "agency_id", *f.agency_ids);
    if (f.include_unassigned) sql += " OR agency_id = 0";
    sql += ")";
  }
  sql += " ORDER BY hour, agency_id, platform, sentiment";
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(sql));
  BindAll(st, binds);
  std::vector<RollupRow> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    RollupRow r;
    r.hour = st.Int(0);
    if (st.Int(1) != 0) r.agency_id = st.Int(1);
    auto platform = ParsePlatform(st.Text(2));
    if (!platform) return BadEnum("platform", st.Text(2));
    r.platform = *platform;
    r.sentiment = st.Text(3);
    r.count = st.Int(4);
    out.push_back(std::move(r));
  }
}

Status SqliteRollupRepository::Rebuild() {
  // In a read snapshot and short write chunks, so intake keeps going (rollups_rebuild.cc).
  auto conn = ctx_.pool->Acquire();
  return RebuildCounterTables(*conn, {HourlyRollupTable()}, HourlyRollupBackfill(),
                              kRebuildChunkRows);
}

}  // namespace humas::store::sqlite
