// Test helpers for the SQLite store: temporary database files that clean up after themselves.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "core/clock.h"
#include "store/counters.h"
#include "store/spread.h"
#include "store/store.h"

namespace humas::store::sqlite {

//! A fresh directory under the system temp dir holding one database file; removed (with the WAL
//! and shared-memory files) on destruction.
class TempDb {
 public:
  TempDb() {
    static std::atomic<int> counter{0};
    dir_ =
        std::filesystem::temp_directory_path() / ("humas_store_test_" + std::to_string(::getpid()) +
                                                  "_" + std::to_string(counter.fetch_add(1)));
    std::filesystem::create_directories(dir_);
  }
  ~TempDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  std::string path() const { return (dir_ / "humas.db").string(); }

 private:
  std::filesystem::path dir_;
};

//! A store together with the temporary file and clock it lives on; the file goes away with it.
class TempSqliteStore final : public Store {
 public:
  static std::unique_ptr<TempSqliteStore> Open(int pool_size = 4) {
    auto s = std::make_unique<TempSqliteStore>();
    SqliteOptions opts;
    opts.path = s->db_.path();
    opts.pool_size = pool_size;
    auto opened = OpenSqliteStore(opts, s->clock_);
    if (!opened.ok()) return nullptr;
    s->inner_ = std::move(opened).value();
    return s;
  }
  ~TempSqliteStore() override { inner_.reset(); }  // close before the file is removed

  UserRepository& users() override { return inner_->users(); }
  AgencyRepository& agencies() override { return inner_->agencies(); }
  AccountRepository& accounts() override { return inner_->accounts(); }
  AppointmentRepository& appointments() override { return inner_->appointments(); }
  MentionRepository& mentions() override { return inner_->mentions(); }
  RollupRepository& rollups() override { return inner_->rollups(); }
  AuditRepository& audit() override { return inner_->audit(); }
  JobRepository& jobs() override { return inner_->jobs(); }
  SpreadRepository& spread() override { return inner_->spread(); }
  CorrectionRepository& corrections() override { return inner_->corrections(); }
  InboxRepository& inbox() override { return inner_->inbox(); }
  QueryRepository& queries() override { return inner_->queries(); }
  WebhookInboxRepository& webhook_inbox() override { return inner_->webhook_inbox(); }
  ConnectorRepository& connectors() override { return inner_->connectors(); }
  AlertRepository& alerts() override { return inner_->alerts(); }
  CounterRepository& counters() override { return inner_->counters(); }
  Status Ping() override { return inner_->Ping(); }
  std::string backend() const override { return inner_->backend(); }
  int schema_version() const override { return inner_->schema_version(); }
  std::string path() const { return db_.path(); }

 private:
  TempDb db_;  // declared first: destroyed last
  SystemClock clock_;
  std::unique_ptr<Store> inner_;
};

}  // namespace humas::store::sqlite
