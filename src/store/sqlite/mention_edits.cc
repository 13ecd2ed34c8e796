// SQLite side of edited mentions: UpsertBatch's edit path (a newer version of an already stored
// mention replaces its text, labels and query matches, keeping every counter equal to the stored
// rows) and the edit history read by the mention detail.
#include <algorithm>

#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {
namespace {

constexpr char kSqlStoredVersion[] =
    "SELECT text, coalesce(edited_at, created_at), created_at, "
    "coalesce(agency_id, 0), platform, sentiment FROM mentions WHERE id = ?";
constexpr char kSqlEditInsert[] =
    "INSERT INTO mention_edits (mention_id, text, version_at, replaced_at) VALUES (?, ?, ?, ?)";
// The FTS row follows the text through the mentions_fts_au trigger (migration 0001).
constexpr char kSqlApplyVersion[] =
    "UPDATE mentions SET text = ?, sentiment = ?, sentiment_confidence = ?, input_kind = ?, "
    "input_kind_confidence = ?, hoax_score = ?, has_personal_data = ?, edited_at = ? "
    "WHERE id = ?";
constexpr char kSqlEditedAtOnly[] = "UPDATE mentions SET edited_at = ? WHERE id = ?";
constexpr char kSqlRollupAdd[] =
    "INSERT INTO rollup_hourly (hour, agency_id, platform, sentiment, count) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (hour, agency_id, platform, sentiment) "
    "DO UPDATE SET count = count + excluded.count";
constexpr char kSqlMatchesOf[] =
    "SELECT query_id FROM mention_queries WHERE mention_id = ? ORDER BY query_id";
constexpr char kSqlMatchDelete[] =
    "DELETE FROM mention_queries WHERE query_id = ? AND mention_id = ?";
constexpr char kSqlMatchInsert[] =
    "INSERT OR IGNORE INTO mention_queries (query_id, mention_id) VALUES (?, ?)";
constexpr char kSqlQueryHourlyAdd[] =
    "INSERT INTO query_hourly (query_id, hour, sentiment, count) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (query_id, hour, sentiment) DO UPDATE SET count = count + excluded.count";
constexpr char kSqlEditsOf[] =
    "SELECT text, version_at, replaced_at FROM mention_edits WHERE mention_id = ? ORDER BY id";

struct StoredVersion {
  std::string text;
  UnixMillis version_at = 0;  //!< edited_at, or created_at for the first version
  UnixMillis created_at = 0;
  Id agency = 0;
  std::string platform;
  std::string sentiment;
};

Result<StoredVersion> LoadVersion(Connection& conn, Id id) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlStoredVersion));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Internal("mention " + std::to_string(id) + " vanished during an edit");
  return StoredVersion{st.Text(0), st.Int(1), st.Int(2), st.Int(3), st.Text(4), st.Text(5)};
}

Status AddToRollup(Connection& conn, const StoredVersion& v, const std::string& sentiment,
                   std::int64_t delta) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlRollupAdd));
  st.Bind(HourOf(v.created_at)).Bind(v.agency).Bind(v.platform).Bind(sentiment).Bind(delta);
  return st.Run();
}

Status AddToQueryHour(Connection& conn, Id query, UnixMillis hour, const std::string& sentiment,
                      std::int64_t delta) {
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlQueryHourlyAdd));
  return st.Bind(query).Bind(hour).Bind(sentiment).Bind(delta).Run();
}

//! Replaces the mention's query matches by `now_matched`, moving the per-query counters.
Status MoveMatches(Connection& conn, Id id, const StoredVersion& old, const MentionInput& d,
                   std::vector<Id> now_matched) {
  std::vector<Id> before;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlMatchesOf));
    st.Bind(id);
    while (true) {
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      before.push_back(st.Int(0));
    }
  }
  std::sort(now_matched.begin(), now_matched.end());
  now_matched.erase(std::unique(now_matched.begin(), now_matched.end()), now_matched.end());
  const UnixMillis hour = HourOf(old.created_at);
  for (Id q : before) {
    if (!std::binary_search(now_matched.begin(), now_matched.end(), q)) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlMatchDelete));
      HUMAS_RETURN_IF_ERROR(st.Bind(q).Bind(id).Run());
    }
    HUMAS_RETURN_IF_ERROR(AddToQueryHour(conn, q, hour, old.sentiment, -1));
  }
  for (Id q : now_matched) {
    if (!std::binary_search(before.begin(), before.end(), q)) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlMatchInsert));
      HUMAS_RETURN_IF_ERROR(st.Bind(q).Bind(id).Run());
    }
    HUMAS_RETURN_IF_ERROR(AddToQueryHour(conn, q, hour, d.labels.sentiment, 1));
  }
  return Status::Ok();
}

}  // namespace

Status ApplyMentionEdits(Connection& conn, const std::vector<Mention>& mentions,
                         const std::vector<std::pair<size_t, Id>>& edited, UnixMillis now,
                         std::vector<UpsertOutcome>* out) {
  for (const auto& [i, id] : edited) {
    const Mention& m = mentions[i];
    const MentionInput& d = m.data;
    HUMAS_ASSIGN_OR_RETURN(StoredVersion old, LoadVersion(conn, id));
    // Only a newer version counts: replays and late deliveries of older ones change nothing.
    if (d.edited_at <= old.version_at) continue;
    if ((*out)[i].kind != UpsertOutcome::Kind::kInserted)
      (*out)[i].kind = UpsertOutcome::Kind::kUpdated;
    if (d.text == old.text) {  // a new version with the same words (e.g. media edited)
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlEditedAtOnly));
      HUMAS_RETURN_IF_ERROR(st.Bind(d.edited_at).Bind(id).Run());
      continue;
    }
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlEditInsert));
      HUMAS_RETURN_IF_ERROR(st.Bind(id).Bind(old.text).Bind(old.version_at).Bind(now).Run());
    }
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlApplyVersion));
      st.Bind(d.text).Bind(d.labels.sentiment).Bind(d.labels.sentiment_confidence);
      st.Bind(d.labels.input_kind).Bind(d.labels.input_kind_confidence);
      st.Bind(d.labels.hoax_score).Bind(d.labels.has_personal_data).Bind(d.edited_at).Bind(id);
      HUMAS_RETURN_IF_ERROR(st.Run());
    }
    if (old.sentiment != d.labels.sentiment) {
      HUMAS_RETURN_IF_ERROR(AddToRollup(conn, old, old.sentiment, -1));
      HUMAS_RETURN_IF_ERROR(AddToRollup(conn, old, d.labels.sentiment, 1));
    }
    HUMAS_RETURN_IF_ERROR(MoveMatches(conn, id, old, d, m.query_ids));
  }
  return Status::Ok();
}

Result<std::vector<MentionEdit>> SqliteMentionRepository::Edits(Id mention_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlEditsOf));
  st.Bind(mention_id);
  std::vector<MentionEdit> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back({st.Text(0), st.Int(1), st.Int(2)});
  }
}

}  // namespace humas::store::sqlite
