// Thin RAII layer over the sqlite3 C API: connections with a prepared-statement cache, a fixed-size
// connection pool and BEGIN IMMEDIATE transactions. The only place besides sqlite/*.cc that sees
// sqlite3 types.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace humas::store::sqlite {

//! Maps a SQLite result code to a Status: constraint violations to AlreadyExists (unique keys) or
//! FailedPrecondition (foreign keys, checks), busy/locked to Unavailable, the rest to Internal.
Status ErrorStatus(sqlite3* db, int rc, std::string_view what);

//! A cached prepared statement borrowed from a Connection. Parameters are bound in order with
//! Bind(); the statement is reset and its bindings cleared when the handle goes away, so the next
//! user gets it clean. Text is bound SQLITE_STATIC: bound strings must outlive the last Step().
class Stmt {
 public:
  Stmt(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept : db_(other.db_), stmt_(other.stmt_), next_(other.next_) {
    other.stmt_ = nullptr;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& operator=(Stmt&&) = delete;
  ~Stmt();

  Stmt& Bind(std::int64_t v);
  Stmt& Bind(int v) { return Bind(static_cast<std::int64_t>(v)); }
  Stmt& Bind(bool v) { return Bind(static_cast<std::int64_t>(v ? 1 : 0)); }
  Stmt& Bind(double v);
  Stmt& Bind(std::string_view v);
  Stmt& Bind(const std::string& v) { return Bind(std::string_view(v)); }
  Stmt& Bind(const char* v) { return Bind(std::string_view(v)); }
  Stmt& Bind(const std::optional<std::int64_t>& v);
  Stmt& BindNull();
  //! Binds NULL for an empty string (e.g. an optional dedupe key).
  Stmt& BindNullIfEmpty(std::string_view v);

  //! Advances one row: true if a row is available, false when done, or an error.
  Result<bool> Step();
  //! Runs to completion (for statements without result rows).
  Status Run();
  //! Makes the statement ready to run again with new values (every parameter must be bound
  //! again): one prepared statement serves every row of a batch.
  void Reset();

  std::int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  bool Bool(int col) const { return sqlite3_column_int64(stmt_, col) != 0; }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::string Text(int col) const;
  //! The column's text without a copy, valid until the next Step() or the Stmt's end.
  std::string_view TextView(int col) const;
  std::optional<std::int64_t> OptInt(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int next_ = 1;  //!< next parameter index for Bind()
};

//! One open database connection with its own statement cache. Not thread-safe: a connection is
//! used by one thread at a time (the pool hands it out exclusively).
class Connection {
 public:
  //! Opens `path` (creating it), sets WAL, busy_timeout, foreign_keys=ON, synchronous=NORMAL.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  //! Returns the cached statement for `sql`, preparing it on first use. `sql` should be one of
  //! the named constants (or built from a bounded set of fragments) so the cache stays small.
  Result<Stmt> Prepare(const std::string& sql);
  //! The same for a named SQL constant, cached by address (no hashing of the text on the hot
  //! path). `sql` must have static storage duration, e.g. a `constexpr char kSql...[]`.
  Result<Stmt> Prepare(const char* sql);
  //! Runs one or more statements without parameters or results (pragmas, DDL, BEGIN/COMMIT).
  Status Exec(const std::string& sql);
  sqlite3* raw() { return db_; }

  //! Takes ownership of an open handle; use Open().
  explicit Connection(sqlite3* db) : db_(db) {}

 private:
  sqlite3* db_;
  Result<sqlite3_stmt*> PrepareNew(const char* sql, size_t size);
  std::unordered_map<std::string, sqlite3_stmt*> cache_;         //!< dynamic SQL by text
  std::unordered_map<const char*, sqlite3_stmt*> static_cache_;  //!< constants by address
};

//! A fixed set of connections handed out one at a time. Thread-safe.
class Pool {
 public:
  //! Returns the connection to the pool when destroyed.
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection* operator->() { return conn_.get(); }
    Connection& operator*() { return *conn_; }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  static Result<std::unique_ptr<Pool>> Open(const std::string& path, int size, int busy_timeout_ms);
  //! Blocks until a connection is free.
  Lease Acquire();

 private:
  void Release(std::unique_ptr<Connection> conn);

  std::mutex mu_;
  std::condition_variable available_;              //!< signalled when free_ grows
  std::vector<std::unique_ptr<Connection>> free_;  //!< guarded by mu_
};

//! A write transaction opened with BEGIN IMMEDIATE (takes the write lock up front, so concurrent
//! writers queue on busy_timeout instead of failing on lock upgrade). Rolls back unless committed.
class WriteTx {
 public:
  explicit WriteTx(Connection& conn) : conn_(conn) {}
  ~WriteTx();
  WriteTx(const WriteTx&) = delete;
  WriteTx& operator=(const WriteTx&) = delete;
  Status Begin();
  Status Commit();

 private:
  Connection& conn_;
  bool open_ = false;
};

}  // namespace humas::store::sqlite
