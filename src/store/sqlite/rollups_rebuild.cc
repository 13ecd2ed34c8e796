// Rebuilding counter tables from the stored mentions while intake keeps going (see rollups.h).
//
// 1. One read transaction (a WAL snapshot: writers are not blocked) computes every table's
//    counters from the mentions into TEMP tables (r_<table>) and copies the live tables as they
//    were at that same snapshot (s_<table>). TEMP tables live in the connection's own temporary
//    database, so filling them takes no lock on the main database.
// 2. The correction of each counter at the snapshot is d = r - s (additive columns), kept only
//    where it is not zero. Every change the intake, edits and corrections made since the snapshot
//    was itself an addition to the live table, so live + d is the recount at any later time.
// 3. d is added to the live table in short write transactions of `chunk_rows` rows (rows left at
//    zero are deleted), so the write lock is held for one chunk at a time. When the counters were
//    right, d is empty and nothing is written.
// Limit: an author's influence takes max(reported engagement, observed reactions) per mention, so
// a reaction stored during the rebuild to a mention whose observed count (mention_observed) was
// wrong adds a wrong difference to its author's influence; a rebuild while intake is quiet (or a
// second one) repairs it. Every other counter is a plain sum and comes out exact.
#include <algorithm>

#include "store/sqlite/migrate.h"
#include "store/sqlite/rollups.h"

namespace humas::store::sqlite {
namespace {

std::string Join(const std::vector<std::string>& cols, const std::string& prefix = "",
                 const std::string& sep = ", ") {
  std::string out;
  for (const auto& c : cols) out += (out.empty() ? "" : sep) + prefix + c;
  return out;
}

void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  for (size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size()))
    s->replace(at, from.size(), to);
}

}  // namespace

const std::vector<CounterTable>& IngestCounterTables() {
  static const std::vector<CounterTable> kTables = {
      {"mention_observed", {"mention_id"}, {"observed"}, {}},
      {"author_daily",
       {"day", "agency_id", "platform", "author_key"},
       {"mentions", "originals", "shares", "replies", "critical_replies", "likes_sum", "shares_sum",
        "replies_sum", "observed", "influence"},
       {{"handle", "max", "''"},
        {"name", "max", "''"},
        {"followers", "max", "NULL"},
        {"first_at", "min", "9223372036854775807"},
        {"last_at", "max", "-9223372036854775807"}}},
      {"agency_topic_hourly", {"agency_id", "hour", "sentiment"}, {"count"}, {}},
      {"near_duplicate_copies", {"of_id", "agency_id"}, {"copies"}, {}},
  };
  return kTables;
}

const CounterTable& HourlyRollupTable() {
  static const CounterTable kTable = {
      "rollup_hourly", {"hour", "agency_id", "platform", "sentiment"}, {"count"}, {}};
  return kTable;
}

std::string HourlyRollupBackfill() {
  return "INSERT INTO rollup_hourly (hour, agency_id, platform, sentiment, count) "
         "SELECT created_at - ((created_at % 3600000) + 3600000) % 3600000, "
         "coalesce(agency_id, 0), platform, sentiment, count(*) FROM mentions GROUP BY 1, 2, 3, 4";
}

Result<std::string> IngestCounterBackfill() {
  // The backfill sections of the migrations that created the counters: one definition of what
  // they hold from the stored mentions.
  std::string backfill;
  for (int version : {16, 28}) {
    std::string section;
    for (const EmbeddedMigration& m : EmbeddedMigrations()) {
      if (m.version != version) continue;
      std::string sql = m.sql;
      size_t at = sql.find("-- backfill");
      if (at != std::string::npos) section = sql.substr(at);
    }
    if (section.empty())
      return Internal("migration " + std::to_string(version) + " has no backfill section");
    backfill += section + "\n";
  }
  return backfill;
}

Status RebuildCounterTables(Connection& conn, const std::vector<CounterTable>& tables,
                            std::string backfill, int chunk_rows,
                            const std::function<void()>& after_snapshot) {
  chunk_rows = std::max(1, chunk_rows);
  auto drop_temp = [&] {
    std::string sql;
    for (const CounterTable& t : tables)
      sql += "DROP TABLE IF EXISTS temp.r_" + t.name + "; DROP TABLE IF EXISTS temp.s_" + t.name +
             "; DROP TABLE IF EXISTS temp.d_" + t.name + ";";
    return conn.Exec(sql);
  };
  HUMAS_RETURN_IF_ERROR(drop_temp());
  struct DropAtEnd {
    std::function<Status()> drop;
    ~DropAtEnd() { (void)drop(); }
  } drop_at_end{drop_temp};

  // The backfill writes the TEMP recounts and reads the ones it computed before (e.g. the
  // observed reactions of the author counters).
  for (const CounterTable& t : tables) {
    ReplaceAll(&backfill, "INSERT INTO " + t.name + " ", "INSERT INTO temp.r_" + t.name + " ");
    ReplaceAll(&backfill, "JOIN " + t.name + " ", "JOIN temp.r_" + t.name + " ");
  }
  {
    std::string sql = "BEGIN;";
    for (const CounterTable& t : tables) {
      sql += "CREATE TEMP TABLE r_" + t.name + " AS SELECT * FROM main." + t.name + " WHERE 0;";
      sql += "CREATE TEMP TABLE s_" + t.name + " AS SELECT * FROM main." + t.name + ";";
    }
    HUMAS_RETURN_IF_ERROR(conn.Exec(sql));
    Status s = conn.Exec(backfill);
    if (s.ok()) s = conn.Exec("COMMIT");
    if (!s.ok()) {
      (void)conn.Exec("ROLLBACK");
      return s;
    }
  }
  if (after_snapshot) after_snapshot();

  for (const CounterTable& t : tables) {
    std::vector<std::string> kept_cols, kept_agg, nonzero;
    for (const auto& k : t.kept) {
      kept_cols.push_back(k.column);
      kept_agg.push_back(k.op + "(" + k.column + ") AS " + k.column);
    }
    std::vector<std::string> diff, negated, nulls;
    for (const auto& c : t.sums) {
      diff.push_back("sum(" + c + ") AS " + c);
      negated.push_back("-" + c);
      nonzero.push_back(c + " <> 0");
    }
    for (size_t i = 0; i < t.kept.size(); ++i) nulls.push_back("NULL");
    const std::string keys = Join(t.keys);
    std::string d = "CREATE TEMP TABLE d_" + t.name + " AS SELECT " + keys + ", " + Join(diff);
    if (!kept_agg.empty()) d += ", " + Join(kept_agg);
    d += " FROM (SELECT " + keys + ", " + Join(t.sums);
    if (!kept_cols.empty()) d += ", " + Join(kept_cols);
    d += " FROM temp.r_" + t.name + " UNION ALL SELECT " + keys + ", " + Join(negated);
    if (!nulls.empty()) d += ", " + Join(nulls);
    d += " FROM temp.s_" + t.name + ") GROUP BY " + keys + " HAVING " + Join(nonzero, "", " OR ");
    HUMAS_RETURN_IF_ERROR(conn.Exec(d));

    // Adds one range of d's rows to the live table; rows left at zero go.
    std::vector<std::string> cols = t.keys, values = t.keys, sets;
    for (const auto& c : t.sums) {
      cols.push_back(c);
      values.push_back(c);
      sets.push_back(c + " = " + c + " + excluded." + c);
    }
    for (const auto& k : t.kept) {
      cols.push_back(k.column);
      values.push_back("coalesce(" + k.column + ", " + k.neutral + ")");
      sets.push_back(k.column + " = coalesce(" + k.op + "(" + k.column + ", excluded." + k.column +
                     "), " + k.column + ", excluded." + k.column + ")");
    }
    const std::string add = "INSERT INTO main." + t.name + " (" + Join(cols) + ") SELECT " +
                            Join(values) + " FROM temp.d_" + t.name +
                            " WHERE rowid > ?1 AND rowid <= ?2 ON CONFLICT (" + keys +
                            ") DO UPDATE SET " + Join(sets);
    std::vector<std::string> zero;
    for (const auto& c : t.sums) zero.push_back(c + " = 0");
    const std::string prune = "DELETE FROM main." + t.name + " WHERE (" + keys + ") IN (SELECT " +
                              keys + " FROM temp.d_" + t.name +
                              " WHERE rowid > ?1 AND rowid <= ?2) AND " + Join(zero, "", " AND ");
    std::int64_t last = 0;
    {
      HUMAS_ASSIGN_OR_RETURN(Stmt st,
                             conn.Prepare("SELECT coalesce(max(rowid), 0) FROM temp.d_" + t.name));
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (row) last = st.Int(0);
    }
    for (std::int64_t lo = 0; lo < last; lo += chunk_rows) {
      WriteTx tx(conn);
      HUMAS_RETURN_IF_ERROR(tx.Begin());
      for (const std::string* sql : {&add, &prune}) {
        HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(*sql));
        HUMAS_RETURN_IF_ERROR(st.Bind(lo).Bind(lo + chunk_rows).Run());
      }
      HUMAS_RETURN_IF_ERROR(tx.Commit());
    }
  }
  return Status::Ok();
}

}  // namespace humas::store::sqlite
