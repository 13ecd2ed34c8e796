// Connections, statement cache, pool and transactions over the sqlite3 C API.
#include "store/sqlite/db.h"

#include <cstring>
#include <utility>

namespace humas::store::sqlite {
namespace {

// SQLite's memory statistics off, process-wide, before anything opens a database (a static
// initialiser: sqlite3_config only works before SQLite initialises). With them on (the default)
// every allocation SQLite makes takes a global mutex and updates counters: ~11k instructions per
// ingested mention, 8% of the store's write path (callgrind, `ingest_bench 10000 store`). Nothing
// in humas reads them (sqlite3_memory_used and friends then report 0).
[[maybe_unused]] const bool kMemStatusOff = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;

}  // namespace

Status ErrorStatus(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int ext = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return AlreadyExists(std::move(msg));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return FailedPrecondition(std::move(msg) + " (a referenced row does not exist)");
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return FailedPrecondition(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(std::move(msg) + " (database busy; retry)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLoss(std::move(msg));
    default:
      return Internal(std::move(msg));
  }
}

Stmt::~Stmt() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Stmt& Stmt::Bind(std::int64_t v) {
  sqlite3_bind_int64(stmt_, next_++, v);
  return *this;
}
Stmt& Stmt::Bind(double v) {
  sqlite3_bind_double(stmt_, next_++, v);
  return *this;
}
Stmt& Stmt::Bind(std::string_view v) {
  sqlite3_bind_text(stmt_, next_++, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}
Stmt& Stmt::Bind(const std::optional<std::int64_t>& v) {
  return v.has_value() ? Bind(*v) : BindNull();
}
Stmt& Stmt::BindNull() {
  sqlite3_bind_null(stmt_, next_++);
  return *this;
}
Stmt& Stmt::BindNullIfEmpty(std::string_view v) { return v.empty() ? BindNull() : Bind(v); }

Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return ErrorStatus(db_, rc, "sqlite");
}

Status Stmt::Run() {
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Stmt::Reset() {
  sqlite3_reset(stmt_);
  next_ = 1;
}

std::string Stmt::Text(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

std::string_view Stmt::TextView(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  if (p == nullptr) return {};
  return {reinterpret_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::optional<std::int64_t> Stmt::OptInt(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Int(col);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, int busy_timeout_ms) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status st = ErrorStatus(db, rc, "cannot open database " + path);
    sqlite3_close_v2(db);
    return Unavailable(st.message());
  }
  auto conn = std::make_unique<Connection>(db);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  HUMAS_RETURN_IF_ERROR(
      conn->Exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"));
  // Write-path tuning, measured with bench/ingest_bench (docs/performance.md, "Ingest"):
  // - temp_store=MEMORY: statement journals stay in memory. Otherwise the first statement of a
  //   write transaction that journals more than 64 KiB (a case insert splitting pages of its
  //   eight indexes) spills the journal to a temp file, and every later statement of that
  //   transaction pays two pwrite() calls per page it touches: ~8 syscalls per ingested mention.
  // - cache_size: 64 MiB per connection (the default 2 MiB re-reads index pages with pread() at
  //   every batch once the mentions table outgrows it); pages are allocated only as used.
  // - no mmap (mmap_size stays 0): a page read through the mmap is not kept in the page cache, so
  //   every visit of it asks the WAL index whether the WAL holds a newer copy; that lookup walks
  //   hash chains as long as the number of commits that rewrote nearby pages since the last
  //   checkpoint (small webhook commits, the bench's 1,000 query creations): 34k of 163k
  //   instructions per ingested mention in `ingest_bench 10000 e2e1k` under callgrind. Pages read
  //   into the cache are found there without that lookup; strace counts the same pread() calls
  //   (30,000 mentions: 9,205 with or without mmap — the WAL's frames, read either way).
  // - wal_autocheckpoint: checkpoint every ~40 MiB of WAL instead of every 4 MiB, so a page
  //   rewritten by consecutive batches is copied into the database once per checkpoint.
  // None of these weakens durability: WAL with synchronous=NORMAL is unchanged.
  HUMAS_RETURN_IF_ERROR(
      conn->Exec("PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; "
                 "PRAGMA wal_autocheckpoint=10000;"));
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  for (auto& [sql, stmt] : static_cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<sqlite3_stmt*> Connection::PrepareNew(const char* sql, size_t size) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, static_cast<int>(size), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) return ErrorStatus(db_, rc, "prepare failed for [" + std::string(sql) + "]");
  return stmt;
}

Result<Stmt> Connection::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    HUMAS_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, PrepareNew(sql.c_str(), sql.size()));
    it = cache_.emplace(sql, stmt).first;
  }
  return Stmt(db_, it->second);
}

Result<Stmt> Connection::Prepare(const char* sql) {
  auto it = static_cache_.find(sql);
  if (it == static_cache_.end()) {
    HUMAS_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, PrepareNew(sql, std::strlen(sql)));
    it = static_cache_.emplace(sql, stmt).first;
  }
  return Stmt(db_, it->second);
}

Status Connection::Exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string what = err != nullptr ? err : "exec failed";
    sqlite3_free(err);
    return ErrorStatus(db_, rc, what);
  }
  return Status::Ok();
}

Pool::Lease::~Lease() {
  if (conn_ != nullptr) pool_->Release(std::move(conn_));
}

Result<std::unique_ptr<Pool>> Pool::Open(const std::string& path, int size, int busy_timeout_ms) {
  auto pool = std::make_unique<Pool>();
  if (size < 1) size = 1;
  for (int i = 0; i < size; ++i) {
    HUMAS_ASSIGN_OR_RETURN(auto conn, Connection::Open(path, busy_timeout_ms));
    pool->free_.push_back(std::move(conn));
  }
  return pool;
}

Pool::Lease Pool::Acquire() {
  std::unique_lock lock(mu_);
  available_.wait(lock, [&] { return !free_.empty(); });
  auto conn = std::move(free_.back());
  free_.pop_back();
  return Lease(this, std::move(conn));
}

void Pool::Release(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(conn));
  }
  available_.notify_one();
}

WriteTx::~WriteTx() {
  if (open_) (void)conn_.Exec("ROLLBACK");
}

Status WriteTx::Begin() {
  HUMAS_RETURN_IF_ERROR(conn_.Exec("BEGIN IMMEDIATE"));
  open_ = true;
  return Status::Ok();
}

Status WriteTx::Commit() {
  HUMAS_RETURN_IF_ERROR(conn_.Exec("COMMIT"));
  open_ = false;
  return Status::Ok();
}

}  // namespace humas::store::sqlite
