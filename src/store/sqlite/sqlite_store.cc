// OpenSqliteStore: opens the pool, applies migrations and wires the SQLite repositories.
#include "store/sqlite/sqlite_store.h"

#include <sodium.h>

#include "store/sqlite/alert_repo.h"
#include "store/sqlite/connector_repo.h"
#include "store/sqlite/inbox_repo.h"
#include "store/sqlite/migrate.h"
#include "store/sqlite/query_repo.h"
#include "store/sqlite/rollups.h"
#include "store/sqlite/spread_repo.h"
#include "store/sqlite/webhook_inbox_repo.h"

namespace humas::store {
namespace sqlite {

Page ClampPage(const Page& page) {
  Page p = page;
  if (p.limit < 1) p.limit = 1;
  if (p.limit > 200) p.limit = 200;
  if (p.offset < 0) p.offset = 0;
  return p;
}

std::string LikeContains(std::string_view q) {
  std::string s = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') s += '\\';
    s += static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  }
  s += "%";
  return s;
}

void BindAll(Stmt& st, const std::vector<BindValue>& values) {
  for (const BindValue& v : values) {
    if (v.is_text) {
      st.Bind(v.s);
    } else {
      st.Bind(v.i);
    }
  }
}

void AppendIdsIn(std::string* where, std::vector<BindValue>* binds, std::string_view column,
                 const std::vector<Id>& ids) {
  // One JSON array parameter instead of n placeholders keeps the SQL text (and so the statement
  // cache) independent of the scope size.
  where->append(column);
  where->append(" IN (SELECT value FROM json_each(?))");
  std::string json = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) json += ",";
    json += std::to_string(ids[i]);
  }
  json += "]";
  binds->push_back(std::move(json));
}

Status BadEnum(std::string_view what, std::string_view value) {
  return DataLoss("stored " + std::string(what) + " '" + std::string(value) + "' is not known");
}

namespace {

constexpr char kSqlPing[] = "SELECT 1";

class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Pool> pool, const Clock& clock, int version)
      : pool_(std::move(pool)),
        ctx_{pool_.get(), &clock},
        version_(version),
        users_(ctx_),
        agencies_(ctx_),
        accounts_(ctx_),
        appointments_(ctx_),
        mentions_(ctx_),
        rollups_(ctx_),
        audit_(ctx_),
        jobs_(ctx_),
        spread_(ctx_),
        corrections_(ctx_),
        inbox_(ctx_),
        queries_(ctx_),
        webhook_inbox_(ctx_),
        connectors_(ctx_),
        alerts_(ctx_),
        counters_(ctx_) {}

  UserRepository& users() override { return users_; }
  AgencyRepository& agencies() override { return agencies_; }
  AccountRepository& accounts() override { return accounts_; }
  AppointmentRepository& appointments() override { return appointments_; }
  MentionRepository& mentions() override { return mentions_; }
  RollupRepository& rollups() override { return rollups_; }
  AuditRepository& audit() override { return audit_; }
  JobRepository& jobs() override { return jobs_; }
  SpreadRepository& spread() override { return spread_; }
  CorrectionRepository& corrections() override { return corrections_; }
  InboxRepository& inbox() override { return inbox_; }
  QueryRepository& queries() override { return queries_; }
  WebhookInboxRepository& webhook_inbox() override { return webhook_inbox_; }
  ConnectorRepository& connectors() override { return connectors_; }
  AlertRepository& alerts() override { return alerts_; }
  CounterRepository& counters() override { return counters_; }

  Status Ping() override {
    auto conn = pool_->Acquire();
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlPing));
    return st.Run();
  }
  std::string backend() const override { return "sqlite"; }
  int schema_version() const override { return version_; }

 private:
  std::unique_ptr<Pool> pool_;
  Context ctx_;
  int version_;
  SqliteUserRepository users_;
  SqliteAgencyRepository agencies_;
  SqliteAccountRepository accounts_;
  SqliteAppointmentRepository appointments_;
  SqliteMentionRepository mentions_;
  SqliteRollupRepository rollups_;
  SqliteAuditRepository audit_;
  SqliteJobRepository jobs_;
  SqliteSpreadRepository spread_;
  SqliteCorrectionRepository corrections_;
  SqliteInboxRepository inbox_;
  SqliteQueryRepository queries_;
  SqliteWebhookInboxRepository webhook_inbox_;
  SqliteConnectorRepository connectors_;
  SqliteAlertRepository alerts_;
  SqliteCounterRepository counters_;
};

}  // namespace
}  // namespace sqlite

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options, const Clock& clock) {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  if (options.path.empty()) return InvalidArgument("SQLite database path is empty");
  HUMAS_ASSIGN_OR_RETURN(
      auto pool, sqlite::Pool::Open(options.path, options.pool_size, options.busy_timeout_ms));
  int version = 0;
  {
    auto conn = pool->Acquire();
    HUMAS_ASSIGN_OR_RETURN(version,
                           sqlite::Migrate(*conn, sqlite::EmbeddedMigrations(), clock.Now()));
  }
  return std::unique_ptr<Store>(
      std::make_unique<sqlite::SqliteStore>(std::move(pool), clock, version));
}

}  // namespace humas::store
