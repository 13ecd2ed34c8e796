// SQLite ConnectorRepository: the connector registry's rows (config, sealed credentials,
// checkpoint, health, read budget).
#include "store/sqlite/connector_repo.h"

namespace humas::store::sqlite {
namespace {

constexpr char kSqlConnectorColumns[] =
    "SELECT id, agency_id, platform, name, settings_json, credentials_sealed, enabled, "
    "poll_interval_seconds, cursor, etag, last_modified, last_success_at, last_error_at, "
    "last_error, next_run_at, consecutive_failures, items_total, read_budget_monthly, "
    "reads_month, reads_used, created_at, updated_at, quota_day, quota_used, notice, notice_at, "
    "stream_events, stream_stored, stream_malformed, stream_reconnects, stream_last_event_at, "
    "stream_tagged_posts, stream_ignored_tags, stream_gap_filled, stream_gap_filled_at, "
    "stream_rules FROM connectors ";
constexpr char kSqlConnectorCount[] = "SELECT count(*) FROM connectors ";
constexpr char kSqlConnectorInsert[] =
    "INSERT INTO connectors (agency_id, platform, name, settings_json, credentials_sealed, "
    "enabled, poll_interval_seconds, read_budget_monthly, next_run_at, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlConnectorUpdate[] =
    "UPDATE connectors SET name = ?, settings_json = ?, enabled = ?, poll_interval_seconds = ?, "
    "read_budget_monthly = ?, updated_at = ? WHERE id = ?";
constexpr char kSqlConnectorSetCredentials[] =
    "UPDATE connectors SET credentials_sealed = ?, updated_at = ? WHERE id = ?";
constexpr char kSqlConnectorDelete[] = "DELETE FROM connectors WHERE id = ?";
constexpr char kSqlConnectorSchedule[] = "UPDATE connectors SET next_run_at = ? WHERE id = ?";
constexpr char kSqlConnectorSuccess[] =
    "UPDATE connectors SET cursor = ?, etag = ?, last_modified = ?, last_success_at = ?, "
    "consecutive_failures = 0, items_total = items_total + ?, next_run_at = ? WHERE id = ?";
constexpr char kSqlConnectorProgress[] =
    "UPDATE connectors SET cursor = ?, etag = ?, last_modified = ?, "
    "items_total = items_total + ? WHERE id = ?";
constexpr char kSqlConnectorReturn[] =
    "UPDATE connectors SET reads_used = max(0, reads_used - ?) WHERE id = ? AND reads_month = ?";
constexpr char kSqlConnectorQuota[] = "SELECT quota_day, quota_used FROM connectors WHERE id = ?";
constexpr char kSqlConnectorQuotaSpend[] =
    "UPDATE connectors SET quota_day = ?, quota_used = ? WHERE id = ?";
constexpr char kSqlConnectorFailure[] =
    "UPDATE connectors SET last_error = ?, last_error_at = ?, "
    "consecutive_failures = consecutive_failures + 1, next_run_at = ? WHERE id = ?";
constexpr char kSqlConnectorBudget[] =
    "SELECT read_budget_monthly, reads_month, reads_used FROM connectors WHERE id = ?";
constexpr char kSqlConnectorNotice[] =
    "UPDATE connectors SET notice = ?, notice_at = ? WHERE id = ?";
constexpr char kSqlConnectorStreamTotals[] =
    "UPDATE connectors SET stream_events = ?, stream_stored = ?, stream_malformed = ?, "
    "stream_reconnects = ?, stream_last_event_at = ?, stream_tagged_posts = ?, "
    "stream_ignored_tags = ?, stream_gap_filled = ?, stream_gap_filled_at = ?, stream_rules = ? "
    "WHERE id = ?";
constexpr char kSqlConnectorSpend[] =
    "UPDATE connectors SET reads_month = ?, reads_used = ? WHERE id = ?";

Result<Connector> ReadConnector(const Stmt& st) {
  Connector c;
  c.id = st.Int(0);
  c.agency_id = st.Int(1);
  auto platform = ParsePlatform(st.Text(2));
  if (!platform) return BadEnum("connector platform", st.Text(2));
  c.platform = *platform;
  c.name = st.Text(3);
  c.settings_json = st.Text(4);
  c.credentials_sealed = st.Text(5);
  c.enabled = st.Bool(6);
  c.poll_interval_seconds = static_cast<int>(st.Int(7));
  c.checkpoint.cursor = st.Text(8);
  c.checkpoint.etag = st.Text(9);
  c.checkpoint.last_modified = st.Text(10);
  c.health.last_success_at = st.OptInt(11);
  c.health.last_error_at = st.OptInt(12);
  c.health.last_error = st.Text(13);
  c.health.next_run_at = st.Int(14);
  c.health.consecutive_failures = static_cast<int>(st.Int(15));
  c.health.items_total = st.Int(16);
  c.read_budget_monthly = st.OptInt(17);
  c.reads_month = st.Text(18);
  c.reads_used = st.Int(19);
  c.created_at = st.Int(20);
  c.updated_at = st.Int(21);
  c.quota_day = st.Text(22);
  c.quota_used = st.Int(23);
  c.health.notice = st.Text(24);
  c.health.notice_at = st.OptInt(25);
  c.health.stream = {st.Int(26), st.Int(27), st.Int(28), st.Int(29),    st.OptInt(30),
                     st.Int(31), st.Int(32), st.Int(33), st.OptInt(34), st.Text(35)};
  return c;
}

Status Validate(const Connector& c) {
  if (c.name.empty()) return InvalidArgument("connector name is empty").WithField("name");
  if (c.poll_interval_seconds < 1) {
    return InvalidArgument("poll_interval_seconds must be at least 1")
        .WithField("poll_interval_seconds");
  }
  if (c.read_budget_monthly && *c.read_budget_monthly < 0) {
    return InvalidArgument("read_budget_monthly must not be negative")
        .WithField("read_budget_monthly");
  }
  return Status::Ok();
}

Status WriteError(const Status& s, const Connector& c) {
  if (s.code() == Code::kAlreadyExists) {
    return AlreadyExists("agency " + std::to_string(c.agency_id) +
                         " already has a connector named " + c.name)
        .WithField("name");
  }
  if (s.code() == Code::kFailedPrecondition) {
    return FailedPrecondition("agency " + std::to_string(c.agency_id) + " does not exist")
        .WithField("agency_id");
  }
  return s;
}

Status ChangedOne(Connection& conn, Id id) {
  if (sqlite3_changes(conn.raw()) == 0) {
    return NotFound("connector " + std::to_string(id) + " does not exist");
  }
  return Status::Ok();
}

}  // namespace

Status SqliteConnectorRepository::Create(Connector* c) {
  HUMAS_RETURN_IF_ERROR(Validate(*c));
  auto conn = ctx_.pool->Acquire();
  UnixMillis now = ctx_.clock->Now();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorInsert));
  st.Bind(c->agency_id).Bind(ToString(c->platform)).Bind(c->name).Bind(c->settings_json);
  st.Bind(c->credentials_sealed).Bind(c->enabled).Bind(c->poll_interval_seconds);
  st.Bind(c->read_budget_monthly).Bind(c->health.next_run_at).Bind(now).Bind(now);
  Status s = st.Run();
  if (!s.ok()) return WriteError(s, *c);
  c->id = sqlite3_last_insert_rowid(conn->raw());
  c->created_at = now;
  c->updated_at = now;
  return Status::Ok();
}

Status SqliteConnectorRepository::Update(const Connector& c) {
  HUMAS_RETURN_IF_ERROR(Validate(c));
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorUpdate));
  st.Bind(c.name).Bind(c.settings_json).Bind(c.enabled).Bind(c.poll_interval_seconds);
  st.Bind(c.read_budget_monthly).Bind(ctx_.clock->Now()).Bind(c.id);
  Status s = st.Run();
  if (!s.ok()) return WriteError(s, c);
  return ChangedOne(*conn, c.id);
}

Status SqliteConnectorRepository::SetCredentials(Id id, const std::string& sealed, UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorSetCredentials));
  HUMAS_RETURN_IF_ERROR(st.Bind(sealed).Bind(now).Bind(id).Run());
  return ChangedOne(*conn, id);
}

Result<Connector> SqliteConnectorRepository::Get(Id id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st,
                         conn->Prepare(std::string(kSqlConnectorColumns) + "WHERE id = ?"));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("connector " + std::to_string(id) + " does not exist");
  return ReadConnector(st);
}

Result<ListResult<Connector>> SqliteConnectorRepository::List(const ConnectorFilter& f,
                                                              const Page& page) {
  std::string where = "WHERE 1 = 1";
  std::vector<BindValue> binds;
  if (f.platform) {
    where += " AND platform = ?";
    binds.push_back(std::string(ToString(*f.platform)));
  }
  if (f.enabled) {
    where += " AND enabled = ?";
    binds.push_back(static_cast<std::int64_t>(*f.enabled ? 1 : 0));
  }
  if (f.agency_ids) {
    where += " AND ";
    AppendIdsIn(&where, &binds, "agency_id", *f.agency_ids);
  }
  auto conn = ctx_.pool->Acquire();
  return ListQuery<Connector>(*conn, kSqlConnectorCount, kSqlConnectorColumns, where,
                              "agency_id, lower(name), id", binds, page, ReadConnector);
}

Status SqliteConnectorRepository::Delete(Id id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorDelete));
  HUMAS_RETURN_IF_ERROR(st.Bind(id).Run());
  return ChangedOne(*conn, id);
}

Result<std::vector<Connector>> SqliteConnectorRepository::Due(Platform platform, UnixMillis now,
                                                              int limit) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st,
                         conn->Prepare(std::string(kSqlConnectorColumns) +
                                       "WHERE enabled = 1 AND platform = ? AND next_run_at <= ? "
                                       "AND json_extract(settings_json, '$.webhook') IS NULL "
                                       "ORDER BY next_run_at, id LIMIT ?"));
  st.Bind(ToString(platform)).Bind(now).Bind(limit);
  std::vector<Connector> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    HUMAS_ASSIGN_OR_RETURN(Connector c, ReadConnector(st));
    out.push_back(std::move(c));
  }
}

Status SqliteConnectorRepository::Schedule(Id id, UnixMillis next_run_at) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorSchedule));
  HUMAS_RETURN_IF_ERROR(st.Bind(next_run_at).Bind(id).Run());
  return ChangedOne(*conn, id);
}

Status SqliteConnectorRepository::RecordSuccess(Id id, const ConnectorCheckpoint& cp,
                                                std::int64_t items, UnixMillis now,
                                                UnixMillis next_run_at) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorSuccess));
  st.Bind(cp.cursor).Bind(cp.etag).Bind(cp.last_modified).Bind(now).Bind(items);
  HUMAS_RETURN_IF_ERROR(st.Bind(next_run_at).Bind(id).Run());
  return ChangedOne(*conn, id);
}

Status SqliteConnectorRepository::RecordFailure(Id id, const std::string& error, UnixMillis now,
                                                UnixMillis next_run_at) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorFailure));
  HUMAS_RETURN_IF_ERROR(st.Bind(error).Bind(now).Bind(next_run_at).Bind(id).Run());
  return ChangedOne(*conn, id);
}

Result<std::int64_t> SqliteConnectorRepository::SpendReads(Id id, const std::string& month,
                                                           std::int64_t reads) {
  if (reads < 0) return InvalidArgument("reads must not be negative");
  auto conn = ctx_.pool->Acquire();
  // The write lock makes read-check-write atomic across threads and processes.
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  std::optional<std::int64_t> budget;
  std::int64_t used = 0;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorBudget));
    st.Bind(id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("connector " + std::to_string(id) + " does not exist");
    budget = st.OptInt(0);
    if (st.Text(1) == month) used = st.Int(2);
  }
  if (budget && used + reads > *budget) {
    return ResourceExhausted("monthly read budget of " + std::to_string(*budget) + " is spent (" +
                             std::to_string(used) + " used in " + month + ")");
  }
  used += reads;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorSpend));
    HUMAS_RETURN_IF_ERROR(st.Bind(month).Bind(used).Bind(id).Run());
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return used;
}

Result<std::int64_t> SqliteConnectorRepository::ReturnReads(Id id, const std::string& month,
                                                            std::int64_t reads) {
  if (reads < 0) return InvalidArgument("reads must not be negative");
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorReturn));
    HUMAS_RETURN_IF_ERROR(st.Bind(reads).Bind(id).Bind(month).Run());
  }
  std::int64_t used = 0;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorBudget));
    st.Bind(id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("connector " + std::to_string(id) + " does not exist");
    if (st.Text(1) == month) used = st.Int(2);
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return used;
}

Status SqliteConnectorRepository::SaveCheckpoint(Id id, const ConnectorCheckpoint& cp,
                                                 std::int64_t items) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorProgress));
  st.Bind(cp.cursor).Bind(cp.etag).Bind(cp.last_modified).Bind(items);
  HUMAS_RETURN_IF_ERROR(st.Bind(id).Run());
  return ChangedOne(*conn, id);
}

Result<std::int64_t> SqliteConnectorRepository::SpendQuota(Id id, const std::string& day,
                                                           std::int64_t units,
                                                           std::optional<std::int64_t> limit) {
  if (units < 0) return InvalidArgument("units must not be negative");
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);  // read-check-write under the write lock
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  std::int64_t used = 0;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorQuota));
    st.Bind(id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("connector " + std::to_string(id) + " does not exist");
    if (st.Text(0) == day) used = st.Int(1);
  }
  if (limit && used + units > *limit) {
    return ResourceExhausted("daily quota of " + std::to_string(*limit) + " units is spent (" +
                             std::to_string(used) + " used on " + day + ")");
  }
  used += units;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorQuotaSpend));
    HUMAS_RETURN_IF_ERROR(st.Bind(day).Bind(used).Bind(id).Run());
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return used;
}

Status SqliteConnectorRepository::SetNotice(Id id, const std::string& notice, UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorNotice));
  st.Bind(notice);
  if (notice.empty()) {
    st.BindNull();
  } else {
    st.Bind(now);
  }
  HUMAS_RETURN_IF_ERROR(st.Bind(id).Run());
  return ChangedOne(*conn, id);
}

Status SqliteConnectorRepository::SaveStreamTotals(Id id, const StreamTotals& t) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlConnectorStreamTotals));
  st.Bind(t.events).Bind(t.stored).Bind(t.malformed).Bind(t.reconnects).Bind(t.last_event_at);
  st.Bind(t.tagged_posts).Bind(t.ignored_tags).Bind(t.gap_filled).Bind(t.gap_filled_at);
  st.Bind(t.rules_sync);
  HUMAS_RETURN_IF_ERROR(st.Bind(id).Run());
  return ChangedOne(*conn, id);
}

}  // namespace humas::store::sqlite
