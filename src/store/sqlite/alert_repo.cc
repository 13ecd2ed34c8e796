// SQLite AlertRepository: alert settings, alerts with one open or acknowledged alert per agency +
// query + kind (a partial unique index), the officers' handling, the evaluator's counter reads,
// hoax cursor and the users' seen marks.
#include "store/sqlite/alert_repo.h"

#include <cstdlib>

#include "store/sqlite/outbox.h"

namespace humas::store::sqlite {
namespace {

constexpr char kSqlSettingsColumns[] =
    "SELECT agency_id, enabled, spike_score, spike_min_count, negative_score, "
    "negative_min_count, negative_min_share, hoax_threshold, calm_hours, telegram_chat_id, "
    "updated_at, updated_by, version FROM alert_settings ";
constexpr char kSqlSettingsInsert[] =
    "INSERT INTO alert_settings (agency_id, enabled, spike_score, spike_min_count, "
    "negative_score, negative_min_count, negative_min_share, hoax_threshold, calm_hours, "
    "telegram_chat_id, updated_at, updated_by, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) ON CONFLICT (agency_id) DO NOTHING";
constexpr char kSqlSettingsUpdate[] =
    "UPDATE alert_settings SET enabled = ?, spike_score = ?, spike_min_count = ?, "
    "negative_score = ?, negative_min_count = ?, negative_min_share = ?, hoax_threshold = ?, "
    "calm_hours = ?, telegram_chat_id = ?, updated_at = ?, updated_by = ?, "
    "version = version + 1 WHERE agency_id = ? AND version = ?";
constexpr char kSqlSettingsVersion[] = "SELECT version FROM alert_settings WHERE agency_id = ?";
constexpr char kSqlAgencyExists[] = "SELECT 1 FROM agencies WHERE id = ?";

constexpr char kSqlAlertColumns[] =
    "SELECT id, agency_id, query_id, kind, state, opened_at, last_hot_at, closed_at, "
    "window_start, window_end, observed, baseline, score, details, evidence_ids, "
    "acknowledged_at, acknowledged_by, closed_by, close_note, version FROM alerts ";
constexpr char kSqlAlertCount[] = "SELECT count(*) FROM alerts ";
constexpr char kSqlAlertInsert[] =
    "INSERT INTO alerts (agency_id, query_id, kind, state, opened_at, last_hot_at, window_start, "
    "window_end, observed, baseline, score, details, evidence_ids) "
    "VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// "state IN (...)" exactly as in the partial unique index alerts_one_active, so it is used.
constexpr char kSqlAlertOpenOfWhere[] =
    "WHERE agency_id = ? AND ifnull(query_id, 0) = ? AND kind = ? "
    "AND state IN ('open', 'acknowledged')";
constexpr char kSqlAlertRefresh[] =
    "UPDATE alerts SET last_hot_at = ?, window_start = ?, window_end = ?, observed = ?, "
    "baseline = ?, score = ?, details = ?, evidence_ids = ? "
    "WHERE id = ? AND state IN ('open', 'acknowledged')";
constexpr char kSqlAlertState[] = "SELECT state FROM alerts WHERE id = ?";
constexpr char kSqlAlertMarkNotified[] =
    "UPDATE alerts SET notified_at = ? WHERE id = ? AND notified_at IS NULL";
constexpr char kSqlAlertClose[] =
    "UPDATE alerts SET state = 'closed', closed_at = ?, version = version + 1 "
    "WHERE id = ? AND state = 'open'";
constexpr char kSqlAlertAcknowledge[] =
    "UPDATE alerts SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, "
    "version = version + 1 WHERE id = ? AND version = ? AND state = 'open'";
constexpr char kSqlAlertResolve[] =
    "UPDATE alerts SET state = 'closed', closed_at = ?, closed_by = ?, close_note = ?, "
    "version = version + 1 WHERE id = ? AND version = ? AND state IN ('open', 'acknowledged')";

// One PK seek per active query and hour: the counters' primary key is (query_id, hour, ...).
// CROSS JOIN fixes that order; a plain JOIN let the planner scan every counter row instead.
constexpr char kSqlCountsAt[] =
    "SELECT h.query_id, h.hour, h.sentiment, h.count FROM agency_queries q "
    "CROSS JOIN query_hourly h ON h.query_id = q.id "
    "AND h.hour IN (SELECT value FROM json_each(?)) WHERE q.active = 1";
// min(hour) per query is one seek on the same key.
constexpr char kSqlHistories[] =
    "SELECT q.id, q.agency_id, q.created_at, "
    "(SELECT min(h.hour) FROM query_hourly h WHERE h.query_id = q.id) "
    "FROM agency_queries q WHERE q.active = 1 ORDER BY q.id";
constexpr char kSqlScanHoax[] =
    "SELECT m.id, m.agency_id, m.hoax_score, m.created_at, "
    "(SELECT group_concat(mq.query_id) FROM mention_queries mq WHERE mq.mention_id = m.id) "
    "FROM mentions m WHERE m.id > ? AND m.id <= ? AND m.hoax_score >= ? ORDER BY m.id LIMIT ?";
constexpr char kSqlMaxMention[] = "SELECT ifnull(max(id), 0) FROM mentions";
constexpr char kSqlCursorGet[] = "SELECT value FROM alert_cursors WHERE name = ?";
constexpr char kSqlCursorSet[] =
    "INSERT INTO alert_cursors (name, value) VALUES (?, ?) "
    "ON CONFLICT (name) DO UPDATE SET value = excluded.value";
constexpr char kSqlSeenGet[] = "SELECT seen_until FROM alert_seen WHERE user_id = ?";
constexpr char kSqlSeenSet[] =
    "INSERT INTO alert_seen (user_id, seen_until) VALUES (?, ?) "
    "ON CONFLICT (user_id) DO UPDATE SET seen_until = max(seen_until, excluded.seen_until)";

AlertSettings ReadSettings(const Stmt& st) {
  AlertSettings s;
  s.agency_id = st.Int(0);
  s.enabled = st.Bool(1);
  s.spike_score = st.Double(2);
  s.spike_min_count = st.Int(3);
  s.negative_score = st.Double(4);
  s.negative_min_count = st.Int(5);
  s.negative_min_share = st.Double(6);
  s.hoax_threshold = st.Double(7);
  s.calm_hours = static_cast<int>(st.Int(8));
  s.telegram_chat_id = st.Text(9);
  s.updated_at = st.Int(10);
  s.updated_by = st.OptInt(11);
  s.version = st.Int(12);
  return s;
}

//! Comma- or JSON-array-separated integers ("[1,2]", "1,2", "") to ids; other bytes are skipped.
std::vector<Id> ParseIds(const std::string& text) {
  std::vector<Id> out;
  const char* p = text.c_str();
  while (*p) {
    if (*p >= '0' && *p <= '9') {
      char* end = nullptr;
      out.push_back(std::strtoll(p, &end, 10));
      p = end;
    } else {
      ++p;
    }
  }
  return out;
}

std::string IdsJson(const std::vector<Id>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size() && i < kMaxEvidenceIds; ++i) {
    if (i > 0) out += ",";
    out += std::to_string(ids[i]);
  }
  return out + "]";
}

Result<Alert> ReadAlert(const Stmt& st) {
  Alert a;
  a.id = st.Int(0);
  a.agency_id = st.Int(1);
  a.query_id = st.OptInt(2);
  a.kind = st.Text(3);
  a.state = st.Text(4);
  if (a.state != "open" && a.state != "acknowledged" && a.state != "closed")
    return BadEnum("alert state", a.state);
  a.opened_at = st.Int(5);
  a.last_hot_at = st.Int(6);
  a.closed_at = st.OptInt(7);
  a.window_start = st.Int(8);
  a.window_end = st.Int(9);
  a.observed = st.Int(10);
  a.baseline = st.Double(11);
  a.score = st.Double(12);
  a.details_json = st.Text(13);
  a.evidence_ids = ParseIds(st.Text(14));
  a.acknowledged_at = st.OptInt(15);
  a.acknowledged_by = st.OptInt(16);
  a.closed_by = st.OptInt(17);
  a.close_note = st.Text(18);
  a.version = st.Int(19);
  return a;
}

void AppendFilter(const AlertFilter& f, std::string* where, std::vector<BindValue>* binds) {
  *where = "WHERE 1 = 1";
  if (f.state && *f.state == "active") {
    *where += " AND state IN ('open', 'acknowledged')";
  } else if (f.state) {
    *where += " AND state = ?";
    binds->push_back(*f.state);
  }
  if (f.kind) {
    *where += " AND kind = ?";
    binds->push_back(*f.kind);
  }
  if (f.query_id) {
    *where += " AND query_id = ?";
    binds->push_back(*f.query_id);
  }
  if (f.opened_after) {
    *where += " AND opened_at > ?";
    binds->push_back(*f.opened_after);
  }
  if (f.agency_ids) {
    *where += " AND ";
    AppendIdsIn(where, binds, "agency_id", *f.agency_ids);
  }
}

}  // namespace

Result<AlertSettings> SqliteAlertRepository::GetSettings(Id agency_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st,
                         conn->Prepare(std::string(kSqlSettingsColumns) + "WHERE agency_id = ?"));
  st.Bind(agency_id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) return ReadSettings(st);
  AlertSettings defaults;
  defaults.agency_id = agency_id;
  return defaults;
}

Status SqliteAlertRepository::PutSettings(AlertSettings* s) {
  UnixMillis now = ctx_.clock->Now();
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAgencyExists));
    st.Bind(s->agency_id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row)
      return NotFound("agency " + std::to_string(s->agency_id) + " does not exist")
          .WithField("agency_id");
  }
  bool written = false;
  if (s->version == 0) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSettingsInsert));
    st.Bind(s->agency_id).Bind(s->enabled).Bind(s->spike_score).Bind(s->spike_min_count);
    st.Bind(s->negative_score).Bind(s->negative_min_count).Bind(s->negative_min_share);
    st.Bind(s->hoax_threshold).Bind(s->calm_hours).Bind(s->telegram_chat_id).Bind(now);
    st.Bind(s->updated_by);
    HUMAS_RETURN_IF_ERROR(st.Run());
    written = sqlite3_changes(conn->raw()) > 0;
  } else {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSettingsUpdate));
    st.Bind(s->enabled).Bind(s->spike_score).Bind(s->spike_min_count).Bind(s->negative_score);
    st.Bind(s->negative_min_count).Bind(s->negative_min_share).Bind(s->hoax_threshold);
    st.Bind(s->calm_hours).Bind(s->telegram_chat_id).Bind(now).Bind(s->updated_by);
    st.Bind(s->agency_id).Bind(s->version);
    HUMAS_RETURN_IF_ERROR(st.Run());
    written = sqlite3_changes(conn->raw()) > 0;
  }
  if (!written) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSettingsVersion));
    st.Bind(s->agency_id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    std::int64_t stored = row ? st.Int(0) : 0;
    return Conflict("the alert settings were changed by someone else (version " +
                    std::to_string(stored) + ", yours " + std::to_string(s->version) +
                    "); reload them")
        .WithField("version");
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  s->version += 1;
  s->updated_at = now;
  return Status::Ok();
}

Result<std::vector<AlertSettings>> SqliteAlertRepository::AllSettings() {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st,
                         conn->Prepare(std::string(kSqlSettingsColumns) + "ORDER BY agency_id"));
  std::vector<AlertSettings> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back(ReadSettings(st));
  }
}

Result<bool> SqliteAlertRepository::Open(Alert* a) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st,
                           conn->Prepare(std::string(kSqlAlertColumns) + kSqlAlertOpenOfWhere));
    st.Bind(a->agency_id).Bind(a->query_id.value_or(0)).Bind(a->kind);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      HUMAS_ASSIGN_OR_RETURN(*a, ReadAlert(st));
      return false;
    }
  }
  std::string evidence = IdsJson(a->evidence_ids);
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAlertInsert));
  st.Bind(a->agency_id).Bind(a->query_id).Bind(a->kind).Bind(a->opened_at).Bind(a->last_hot_at);
  st.Bind(a->window_start).Bind(a->window_end).Bind(a->observed).Bind(a->baseline);
  st.Bind(a->score).Bind(a->details_json).Bind(evidence);
  Status s = st.Run();
  if (s.code() == Code::kFailedPrecondition)
    return NotFound("agency " + std::to_string(a->agency_id) + " does not exist");
  HUMAS_RETURN_IF_ERROR(s);
  a->id = sqlite3_last_insert_rowid(conn->raw());
  a->state = "open";
  a->acknowledged_at.reset();
  a->acknowledged_by.reset();
  a->closed_at.reset();
  a->closed_by.reset();
  a->close_note.clear();
  a->version = 1;
  if (a->evidence_ids.size() > kMaxEvidenceIds) a->evidence_ids.resize(kMaxEvidenceIds);
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return true;
}

Result<bool> SqliteAlertRepository::StoreMessages(Id alert_id, AlertMessages* m, UnixMillis at) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  // The mark first: a second caller (another thread, a catch-up pass) finds it set and stores
  // nothing; every write below rolls back with it on an error.
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAlertMarkNotified));
    HUMAS_RETURN_IF_ERROR(st.Bind(at).Bind(alert_id).Run());
  }
  if (sqlite3_changes(conn->raw()) == 0) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAlertState));
    st.Bind(alert_id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("alert " + std::to_string(alert_id) + " does not exist");
    return false;
  }
  for (Notification& n : m->notifications) {
    HUMAS_ASSIGN_OR_RETURN(bool added, InsertNotification(*conn, &n, at));
    if (!added || !m->deliveries) continue;
    for (Job& job : m->deliveries(n)) HUMAS_RETURN_IF_ERROR(InsertJob(*conn, &job, at));
  }
  for (Job& job : m->jobs) HUMAS_RETURN_IF_ERROR(InsertJob(*conn, &job, at));
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return true;
}

Result<std::vector<Alert>> SqliteAlertRepository::Unnotified() {
  return Select("WHERE notified_at IS NULL AND state IN ('open', 'acknowledged') ORDER BY id", {});
}

Status SqliteAlertRepository::Refresh(const Alert& a) {
  auto conn = ctx_.pool->Acquire();
  std::string evidence = IdsJson(a.evidence_ids);
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAlertRefresh));
    st.Bind(a.last_hot_at).Bind(a.window_start).Bind(a.window_end).Bind(a.observed);
    st.Bind(a.baseline).Bind(a.score);
    st.Bind(a.details_json).Bind(evidence).Bind(a.id);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  if (sqlite3_changes(conn->raw()) > 0) return Status::Ok();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAlertState));
  st.Bind(a.id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("alert " + std::to_string(a.id) + " does not exist");
  return FailedPrecondition("alert " + std::to_string(a.id) + " is closed");
}

Result<bool> SqliteAlertRepository::Close(Id id, UnixMillis at) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAlertClose));
  HUMAS_RETURN_IF_ERROR(st.Bind(at).Bind(id).Run());
  return sqlite3_changes(conn->raw()) > 0;
}

Result<Alert> SqliteAlertRepository::Transition(const char* sql, Id id, std::int64_t version,
                                                const std::vector<BindValue>& binds,
                                                const char* from) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(sql));
    BindAll(st, binds);
    st.Bind(id).Bind(version);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  const bool changed = sqlite3_changes(conn->raw()) > 0;
  Alert a;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlAlertColumns) + "WHERE id = ?"));
    st.Bind(id);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return NotFound("alert " + std::to_string(id) + " does not exist");
    HUMAS_ASSIGN_OR_RETURN(a, ReadAlert(st));
  }
  if (!changed) {
    if (a.version != version)
      return Conflict("the alert was changed by someone else (version " +
                      std::to_string(a.version) + ", yours " + std::to_string(version) +
                      "); reload it")
          .WithField("version");
    return FailedPrecondition("the alert is " + a.state + "; only " + from + " alerts can do this")
        .WithField("state");
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return a;
}

Result<Alert> SqliteAlertRepository::Acknowledge(Id id, std::int64_t version, Id user,
                                                 UnixMillis at) {
  return Transition(kSqlAlertAcknowledge, id, version, {at, user}, "open");
}

Result<Alert> SqliteAlertRepository::Resolve(Id id, std::int64_t version, Id user, UnixMillis at,
                                             const std::string& note) {
  return Transition(kSqlAlertResolve, id, version, {at, user, note}, "open or acknowledged");
}

Result<Alert> SqliteAlertRepository::Get(Id id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlAlertColumns) + "WHERE id = ?"));
  st.Bind(id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("alert " + std::to_string(id) + " does not exist");
  return ReadAlert(st);
}

Result<std::vector<Alert>> SqliteAlertRepository::Select(const std::string& where,
                                                         const std::vector<BindValue>& binds) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlAlertColumns) + where));
  BindAll(st, binds);
  std::vector<Alert> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    HUMAS_ASSIGN_OR_RETURN(Alert a, ReadAlert(st));
    out.push_back(std::move(a));
  }
}

Result<std::vector<Alert>> SqliteAlertRepository::AllActive() {
  return Select("WHERE state IN ('open', 'acknowledged') ORDER BY id", {});
}

Result<std::vector<Alert>> SqliteAlertRepository::ClosedCovering(UnixMillis window_end_after) {
  return Select("WHERE state = 'closed' AND window_end > ? ORDER BY id", {window_end_after});
}

Result<ListResult<Alert>> SqliteAlertRepository::List(const AlertFilter& f, const Page& page) {
  std::string where;
  std::vector<BindValue> binds;
  AppendFilter(f, &where, &binds);
  auto conn = ctx_.pool->Acquire();
  return ListQuery<Alert>(*conn, kSqlAlertCount, kSqlAlertColumns, where, "opened_at DESC, id DESC",
                          binds, page, ReadAlert);
}

Result<std::int64_t> SqliteAlertRepository::Count(const AlertFilter& f) {
  std::string where;
  std::vector<BindValue> binds;
  AppendFilter(f, &where, &binds);
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlAlertCount) + where));
  BindAll(st, binds);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Result<std::vector<QueryHourCount>> SqliteAlertRepository::CountsAt(
    const std::vector<UnixMillis>& hours) {
  std::string list = "[";
  for (size_t i = 0; i < hours.size(); ++i) {
    if (i > 0) list += ",";
    list += std::to_string(hours[i]);
  }
  list += "]";
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCountsAt));
  st.Bind(list);
  std::vector<QueryHourCount> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    out.push_back({st.Int(0), st.Int(1), st.Text(2), st.Int(3)});
  }
}

Result<std::vector<QueryHistory>> SqliteAlertRepository::ActiveHistories() {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlHistories));
  std::vector<QueryHistory> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    UnixMillis start = HourOf(st.Int(2));
    if (!st.IsNull(3) && st.Int(3) < start) start = st.Int(3);
    out.push_back({st.Int(0), st.Int(1), start});
  }
}

Result<std::vector<HoaxHit>> SqliteAlertRepository::ScanHoax(Id after_id, Id up_to_id,
                                                             double min_score, int limit) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlScanHoax));
  st.Bind(after_id).Bind(up_to_id).Bind(min_score).Bind(limit);
  std::vector<HoaxHit> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    HoaxHit h;
    h.mention_id = st.Int(0);
    h.agency_id = st.OptInt(1);
    h.hoax_score = st.Double(2);
    h.created_at = st.Int(3);
    h.query_ids = ParseIds(st.Text(4));
    out.push_back(std::move(h));
  }
}

Result<Id> SqliteAlertRepository::MaxMentionId() {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlMaxMention));
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Result<std::optional<std::int64_t>> SqliteAlertRepository::GetCursor(const std::string& name) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCursorGet));
  st.Bind(name);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(st.Int(0));
}

Status SqliteAlertRepository::SetCursor(const std::string& name, std::int64_t value) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlCursorSet));
  return st.Bind(name).Bind(value).Run();
}

Result<UnixMillis> SqliteAlertRepository::SeenUntil(Id user_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSeenGet));
  st.Bind(user_id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  return row ? st.Int(0) : 0;
}

Status SqliteAlertRepository::MarkSeen(Id user_id, UnixMillis at) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlSeenSet));
  return st.Bind(user_id).Bind(at).Run();
}

}  // namespace humas::store::sqlite
