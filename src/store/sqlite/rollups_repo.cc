// SqliteCounterRepository (topic counter reads, rebuild) and the counter moves of a label
// correction (see rollups.h, migration 0016).
#include <algorithm>

#include "store/sqlite/migrate.h"
#include "store/sqlite/rollups.h"

namespace humas::store::sqlite {
namespace {

// One PK seek per agency and hour (agencies is small; CROSS JOIN fixes the loop order).
constexpr char kSqlTopicAt[] =
    "SELECT t.agency_id, t.hour, t.sentiment, t.count FROM agencies a "
    "CROSS JOIN agency_topic_hourly t ON t.agency_id = a.id "
    "AND t.hour IN (SELECT value FROM json_each(?))";
// One cluster's copies per agency (the primary key's prefix: one short range read).
constexpr char kSqlCopies[] = "SELECT agency_id, copies FROM near_duplicate_copies WHERE of_id = ?";

constexpr char kSqlCorrected[] =
    "SELECT created_at, coalesce(agency_id, 0), platform, author_handle, shared_from <> '', "
    "in_reply_to <> '', kind FROM mentions WHERE id = ?";
constexpr char kSqlCriticalAdd[] =
    "UPDATE author_daily SET critical_replies = critical_replies + ? WHERE day = ? AND "
    "agency_id = ? AND platform = ? AND author_key = ?";
constexpr char kSqlMatchedQueries[] =
    "SELECT mq.query_id, q.agency_id FROM mention_queries mq "
    "LEFT JOIN agency_queries q ON q.id = mq.query_id WHERE mq.mention_id = ?";
constexpr char kSqlQueryHourAdd[] =
    "INSERT INTO query_hourly (query_id, hour, sentiment, count) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (query_id, hour, sentiment) DO UPDATE SET count = count + excluded.count";

}  // namespace

Result<std::vector<TopicHourCount>> SqliteCounterRepository::TopicCountsAt(
    const std::vector<UnixMillis>& hours) {
  std::string list = "[";
  for (UnixMillis h : hours) list += (list.size() > 1 ? "," : "") + std::to_string(h);
  list += "]";
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlTopicAt));
  st.Bind(list);
  std::vector<TopicHourCount> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back({st.Int(0), st.Int(1), st.Text(2), st.Int(3)});
  }
}

Result<std::int64_t> SqliteCounterRepository::NearDuplicateCopies(
    Id of, const std::optional<std::vector<Id>>& agency_ids, bool include_unassigned) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCopies));
  st.Bind(of);
  std::int64_t n = 0;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return n;
    const Id agency = st.Int(0);
    const bool visible =
        !agency_ids || (agency == 0 ? include_unassigned
                                    : std::find(agency_ids->begin(), agency_ids->end(), agency) !=
                                          agency_ids->end());
    if (visible) n += st.Int(1);
  }
}

Status SqliteCounterRepository::Rebuild() {
  HUMAS_ASSIGN_OR_RETURN(std::string backfill, IngestCounterBackfill());
  auto conn = ctx_.pool->Acquire();
  return RebuildCounterTables(*conn, IngestCounterTables(), backfill, kRebuildChunkRows);
}

namespace {

//! MoveCriticalReply's work; `created_at` receives the mention's creation time.
Status MoveCritical(Connection& conn, Id mention_id, std::string_view old_sentiment,
                    std::string_view old_kind, std::string_view new_sentiment,
                    std::string_view new_kind, UnixMillis* created_at) {
  Id agency = 0;
  std::string platform, handle, kind;
  bool shared = false, replying = false;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCorrected));
    st.Bind(mention_id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("mention " + std::to_string(mention_id) + " does not exist");
    *created_at = st.Int(0);
    agency = st.Int(1);
    platform = st.Text(2);
    handle = AsciiLower(st.Text(3));
    shared = st.Bool(4);
    replying = st.Bool(5);
    kind = st.Text(6);
  }
  const bool was = ClassOf(shared, replying, kind, old_sentiment, old_kind).critical;
  const bool is = ClassOf(shared, replying, kind, new_sentiment, new_kind).critical;
  if (was == is) return Status::Ok();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlCriticalAdd));
  st.Bind(std::int64_t{is ? 1 : -1}).Bind(DayOf(*created_at)).Bind(agency).Bind(platform);
  return st.Bind(handle).Run();
}

}  // namespace

Status MoveCriticalReply(Connection& conn, Id mention_id, std::string_view old_sentiment,
                         std::string_view old_kind, std::string_view new_sentiment,
                         std::string_view new_kind) {
  UnixMillis created_at = 0;
  return MoveCritical(conn, mention_id, old_sentiment, old_kind, new_sentiment, new_kind,
                      &created_at);
}

Status MoveCorrectedLabels(Connection& conn, Id mention_id, std::string_view old_sentiment,
                           std::string_view old_kind, std::string_view new_sentiment,
                           std::string_view new_kind) {
  UnixMillis created_at = 0;
  HUMAS_RETURN_IF_ERROR(MoveCritical(conn, mention_id, old_sentiment, old_kind, new_sentiment,
                                     new_kind, &created_at));
  if (old_sentiment == new_sentiment) return Status::Ok();
  std::vector<Id> queries, agencies;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlMatchedQueries));
    st.Bind(mention_id);
    while (true) {
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      queries.push_back(st.Int(0));
      if (!st.IsNull(1)) agencies.push_back(st.Int(1));
    }
  }
  std::sort(agencies.begin(), agencies.end());
  agencies.erase(std::unique(agencies.begin(), agencies.end()), agencies.end());
  const UnixMillis hour = HourOf(created_at);
  for (auto [label, delta] :
       {std::pair{old_sentiment, std::int64_t{-1}}, std::pair{new_sentiment, std::int64_t{1}}}) {
    for (Id q : queries) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlQueryHourAdd));
      HUMAS_RETURN_IF_ERROR(st.Bind(q).Bind(hour).Bind(label).Bind(delta).Run());
    }
    for (Id a : agencies) {
      HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlTopicAdd));
      HUMAS_RETURN_IF_ERROR(st.Bind(a).Bind(hour).Bind(label).Bind(delta).Run());
    }
  }
  return Status::Ok();
}

}  // namespace humas::store::sqlite
