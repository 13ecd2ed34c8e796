// SQLite AuditRepository: the hash-chained audit log (append under BEGIN IMMEDIATE, verify).
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {
namespace {

constexpr char kSqlAuditLast[] = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1";
constexpr char kSqlAuditInsert[] =
    "INSERT INTO audit_log (seq, at, actor_user_id, actor_name, action, entity, entity_id, "
    "agency_id, details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr char kSqlAuditColumns[] =
    "SELECT seq, at, actor_user_id, actor_name, action, entity, entity_id, agency_id, "
    "details_json, prev_hash, hash FROM audit_log ";
constexpr char kSqlAuditCount[] = "SELECT count(*) FROM audit_log ";

Result<AuditEntry> ReadEntry(const Stmt& st) {
  AuditEntry e;
  e.seq = st.Int(0);
  e.at = st.Int(1);
  e.actor_user_id = st.OptInt(2);
  e.actor_name = st.Text(3);
  e.action = st.Text(4);
  e.entity = st.Text(5);
  e.entity_id = st.Text(6);
  e.agency_id = st.OptInt(7);
  e.details_json = st.Text(8);
  e.prev_hash = st.Text(9);
  e.hash = st.Text(10);
  return e;
}

}  // namespace

Status SqliteAuditRepository::Append(AuditEntry* entry) {
  if (entry->action.empty()) return InvalidArgument("audit action is empty").WithField("action");
  if (entry->details_json.empty()) entry->details_json = "{}";
  auto conn = ctx_.pool->Acquire();
  // BEGIN IMMEDIATE serialises appenders across threads and processes: the last hash read here
  // cannot change before our insert commits.
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  Id last_seq = 0;
  std::string last_hash;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAuditLast));
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      last_seq = st.Int(0);
      last_hash = st.Text(1);
    }
  }
  AuditEntry e = *entry;
  e.seq = last_seq + 1;
  e.prev_hash = last_hash;
  if (e.at == 0) e.at = ctx_.clock->Now();
  e.hash = AuditHash(e);
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlAuditInsert));
    st.Bind(e.seq).Bind(e.at).Bind(e.actor_user_id).Bind(e.actor_name).Bind(e.action);
    st.Bind(e.entity).Bind(e.entity_id).Bind(e.agency_id).Bind(e.details_json);
    st.Bind(e.prev_hash).Bind(e.hash);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  *entry = std::move(e);
  return Status::Ok();
}

Result<ListResult<AuditEntry>> SqliteAuditRepository::List(const AuditFilter& f, const Page& page) {
  std::string where = "WHERE 1 = 1";
  std::vector<BindValue> binds;
  if (!f.action.empty()) {
    where += " AND substr(action, 1, length(?)) = ?";
    binds.push_back(f.action);
    binds.push_back(f.action);
  }
  if (!f.actor.empty()) {
    where += " AND actor_name = ?";
    binds.push_back(f.actor);
  }
  auto conn = ctx_.pool->Acquire();
  return ListQuery<AuditEntry>(*conn, kSqlAuditCount, kSqlAuditColumns, where, "seq DESC", binds,
                               page, ReadEntry);
}

Result<AuditVerification> SqliteAuditRepository::Verify() {
  auto conn = ctx_.pool->Acquire();
  // One read transaction gives a consistent snapshot while appenders keep going.
  HUMAS_RETURN_IF_ERROR(conn->Exec("BEGIN"));
  struct EndRead {
    Connection& c;
    ~EndRead() { (void)c.Exec("COMMIT"); }
  } end_read{*conn};

  AuditVerification v;
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(std::string(kSqlAuditColumns) + "ORDER BY seq"));
  Id expected_seq = 1;
  std::string prev_hash;
  auto fail = [&](Id seq, std::string why) {
    v.ok = false;
    v.first_bad_seq = seq;
    v.reason = std::move(why);
    return v;
  };
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    HUMAS_ASSIGN_OR_RETURN(AuditEntry e, ReadEntry(st));
    if (e.seq != expected_seq) {
      return fail(expected_seq, "entry " + std::to_string(expected_seq) +
                                    " is missing (deleted): the chain jumps to " +
                                    std::to_string(e.seq));
    }
    if (e.prev_hash != prev_hash) {
      return fail(e.seq, "broken link: prev_hash of entry " + std::to_string(e.seq) +
                             " does not match the hash of the entry before it");
    }
    if (AuditHash(e) != e.hash) {
      return fail(e.seq, "entry " + std::to_string(e.seq) +
                             " was edited: its fields no longer match its hash");
    }
    prev_hash = e.hash;
    ++expected_seq;
    ++v.entries;
  }
  return v;
}

}  // namespace humas::store::sqlite
