// SQLite QueryRepository: agency queries, their hourly counters and the preview scan.
#include "store/sqlite/query_repo.h"

namespace humas::store::sqlite {
namespace {

constexpr char kSqlQueryColumns[] =
    "SELECT id, agency_id, name, expression, platforms, languages, active, created_by, "
    "created_at, updated_at, version FROM agency_queries ";
constexpr char kSqlQueryCount[] = "SELECT count(*) FROM agency_queries ";
constexpr char kSqlQueryInsert[] =
    "INSERT INTO agency_queries (agency_id, name, expression, platforms, languages, active, "
    "created_by, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
constexpr char kSqlQueryUpdate[] =
    "UPDATE agency_queries SET name = ?, expression = ?, platforms = ?, languages = ?, "
    "active = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?";
constexpr char kSqlQueryVersion[] = "SELECT version FROM agency_queries WHERE id = ?";
constexpr char kSqlQueryDelete[] = "DELETE FROM agency_queries WHERE id = ?";
constexpr char kSqlQueryDeleteMatches[] = "DELETE FROM mention_queries WHERE query_id = ?";
constexpr char kSqlQueryDeleteHourly[] = "DELETE FROM query_hourly WHERE query_id = ?";
constexpr char kSqlQueryHourly[] =
    "SELECT query_id, hour, sentiment, count FROM query_hourly "
    "WHERE query_id IN (SELECT value FROM json_each(?)) AND hour >= ? AND hour < ? "
    "ORDER BY query_id, hour, sentiment";

std::string JoinPlatforms(const std::vector<Platform>& platforms) {
  std::string out;
  for (Platform p : platforms) {
    if (!out.empty()) out += ',';
    out += ToString(p);
  }
  return out;
}

std::string JoinStrings(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Result<AgencyQuery> ReadQuery(const Stmt& st) {
  AgencyQuery q;
  q.id = st.Int(0);
  q.agency_id = st.Int(1);
  q.name = st.Text(2);
  q.expression = st.Text(3);
  for (const std::string& p : Split(st.Text(4))) {
    auto platform = ParsePlatform(p);
    if (!platform) return BadEnum("platform", p);
    q.platforms.push_back(*platform);
  }
  q.languages = Split(st.Text(5));
  q.active = st.Bool(6);
  q.created_by = st.OptInt(7);
  q.created_at = st.Int(8);
  q.updated_at = st.Int(9);
  q.version = st.Int(10);
  return q;
}

Status NameTaken(const AgencyQuery& q) {
  return AlreadyExists("the agency already has a query named \"" + q.name + "\"").WithField("name");
}

}  // namespace

Status SqliteQueryRepository::Create(AgencyQuery* q) {
  UnixMillis now = ctx_.clock->Now();
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlQueryInsert));
  std::string platforms = JoinPlatforms(q->platforms);
  std::string languages = JoinStrings(q->languages);
  st.Bind(q->agency_id).Bind(q->name).Bind(q->expression).Bind(platforms).Bind(languages);
  st.Bind(q->active).Bind(q->created_by).Bind(now).Bind(now);
  Status s = st.Run();
  if (s.code() == Code::kAlreadyExists) return NameTaken(*q);
  if (s.code() == Code::kFailedPrecondition)
    return NotFound("agency " + std::to_string(q->agency_id) + " does not exist")
        .WithField("agency_id");
  HUMAS_RETURN_IF_ERROR(s);
  q->id = sqlite3_last_insert_rowid(conn->raw());
  q->created_at = now;
  q->updated_at = now;
  q->version = 1;
  return Status::Ok();
}

Status SqliteQueryRepository::Update(AgencyQuery* q) {
  UnixMillis now = ctx_.clock->Now();
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  std::string platforms = JoinPlatforms(q->platforms);
  std::string languages = JoinStrings(q->languages);
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlQueryUpdate));
    st.Bind(q->name).Bind(q->expression).Bind(platforms).Bind(languages).Bind(q->active);
    st.Bind(now).Bind(q->id).Bind(q->version);
    Status s = st.Run();
    if (s.code() == Code::kAlreadyExists) return NameTaken(*q);
    HUMAS_RETURN_IF_ERROR(s);
  }
  if (sqlite3_changes(conn->raw()) == 0) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlQueryVersion));
    st.Bind(q->id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("query " + std::to_string(q->id) + " does not exist");
    return Conflict("query " + std::to_string(q->id) + " was changed by someone else (version " +
                    std::to_string(st.Int(0)) + ", yours " + std::to_string(q->version) +
                    "); reload it")
        .WithField("version");
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  q->version += 1;
  q->updated_at = now;
  return Status::Ok();
}

Status SqliteQueryRepository::Delete(Id id) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlQueryDelete));
    HUMAS_RETURN_IF_ERROR(st.Bind(id).Run());
  }
  if (sqlite3_changes(conn->raw()) == 0)
    return NotFound("query " + std::to_string(id) + " does not exist");
  for (const char* sql : {kSqlQueryDeleteMatches, kSqlQueryDeleteHourly}) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(sql));
    HUMAS_RETURN_IF_ERROR(st.Bind(id).Run());
  }
  return tx.Commit();
}

Result<AgencyQuery> SqliteQueryRepository::Get(Id id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlQueryColumns) + "WHERE id = ?"));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("query " + std::to_string(id) + " does not exist");
  return ReadQuery(st);
}

Result<ListResult<AgencyQuery>> SqliteQueryRepository::List(const AgencyQueryFilter& f,
                                                            const Page& page) {
  std::string where = "WHERE 1 = 1";
  std::vector<BindValue> binds;
  if (!f.q.empty()) {
    where += " AND (lower(name) LIKE ? ESCAPE '\\' OR lower(expression) LIKE ? ESCAPE '\\')";
    binds.push_back(LikeContains(f.q));
    binds.push_back(LikeContains(f.q));
  }
  if (f.agency_id) {
    where += " AND agency_id = ?";
    binds.push_back(*f.agency_id);
  }
  if (f.active) {
    where += " AND active = ?";
    binds.push_back(std::int64_t{*f.active ? 1 : 0});
  }
  if (f.agency_ids) {
    where += " AND ";
    AppendIdsIn(&where, &binds, "agency_id", *f.agency_ids);
  }
  auto conn = ctx_.pool->Acquire();
  return ListQuery<AgencyQuery>(*conn, kSqlQueryCount, kSqlQueryColumns, where,
                                "agency_id, lower(name), id", binds, page, ReadQuery);
}

Result<std::vector<AgencyQuery>> SqliteQueryRepository::AllActive() {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(
      Stmt st, conn->Prepare(std::string(kSqlQueryColumns) + "WHERE active = 1 ORDER BY id"));
  std::vector<AgencyQuery> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    HUMAS_ASSIGN_OR_RETURN(AgencyQuery q, ReadQuery(st));
    out.push_back(std::move(q));
  }
}

Result<std::vector<QueryHourCount>> SqliteQueryRepository::Hourly(const std::vector<Id>& query_ids,
                                                                  UnixMillis since,
                                                                  UnixMillis until) {
  std::string ids = "[";
  for (size_t i = 0; i < query_ids.size(); ++i) {
    if (i > 0) ids += ",";
    ids += std::to_string(query_ids[i]);
  }
  ids += "]";
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlQueryHourly));
  st.Bind(ids).Bind(since).Bind(until);
  std::vector<QueryHourCount> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back({st.Int(0), st.Int(1), st.Text(2), st.Int(3)});
  }
}

Result<std::int64_t> SqliteQueryRepository::ScanRecent(
    const MentionScanScope& scope, const std::function<bool(const Mention&)>& fn) {
  std::string sql = MentionSelectSql() + "WHERE 1 = 1";
  std::vector<BindValue> binds;
  if (scope.platform) {
    sql += " AND m.platform = ?";
    binds.push_back(std::string(ToString(*scope.platform)));
  }
  if (scope.agency_ids) {
    sql += " AND (";
    AppendIdsIn(&sql, &binds, "m.agency_id", *scope.agency_ids);
    if (scope.include_unassigned) sql += " OR m.agency_id IS NULL";
    sql += ")";
  }
  sql += " ORDER BY m.created_at DESC, m.id DESC LIMIT ?";
  binds.push_back(scope.max_scan);
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(sql));
  BindAll(st, binds);
  std::int64_t seen = 0;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return seen;
    HUMAS_ASSIGN_OR_RETURN(Mention m, ReadMention(st));
    ++seen;
    if (!fn(m)) return seen;
  }
}

}  // namespace humas::store::sqlite
