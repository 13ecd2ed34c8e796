// Applies and verifies the embedded SQLite migrations.
#include "store/sqlite/migrate.h"

#include <sodium.h>

#include <cstring>
#include <map>

namespace humas::store::sqlite {
namespace {

constexpr char kSqlCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
    "NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)";
constexpr char kSqlSelectMigrations[] =
    "SELECT version, name, checksum FROM schema_migrations ORDER BY version";
constexpr char kSqlInsertMigration[] =
    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)";

}  // namespace

std::string MigrationChecksum(const std::string& sql) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(sql.data()), sql.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

Result<int> Migrate(Connection& conn, const std::vector<EmbeddedMigration>& migrations,
                    UnixMillis now) {
  HUMAS_RETURN_IF_ERROR(conn.Exec(kSqlCreateMigrationsTable));
  WriteTx tx(conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());

  struct Applied {
    std::string name;
    std::string checksum;
  };
  std::map<int, Applied> applied;
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlSelectMigrations));
    while (true) {
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      applied[static_cast<int>(st.Int(0))] = {st.Text(1), st.Text(2)};
    }
  }
  int known_max = migrations.empty() ? 0 : migrations.back().version;
  if (!applied.empty() && applied.rbegin()->first > known_max) {
    return FailedPrecondition("database schema version " + std::to_string(applied.rbegin()->first) +
                              " (" + applied.rbegin()->second.name +
                              ") is newer than this humas binary knows (" +
                              std::to_string(known_max) + "); run a newer humas release");
  }
  int version = 0;
  for (const EmbeddedMigration& m : migrations) {
    std::string checksum = MigrationChecksum(m.sql);
    auto it = applied.find(m.version);
    if (it != applied.end()) {
      if (it->second.checksum != checksum) {
        return DataLoss("migration " + std::string(m.name) +
                        " was changed after it was applied to this database (recorded checksum " +
                        it->second.checksum + ", binary has " + checksum +
                        "); restore the original migration file and add a new migration instead");
      }
      version = m.version;
      continue;
    }
    Status st = conn.Exec(m.sql);
    if (!st.ok()) {
      return Internal("migration " + std::string(m.name) + " failed: " + st.message());
    }
    HUMAS_ASSIGN_OR_RETURN(Stmt ins, conn.Prepare(kSqlInsertMigration));
    HUMAS_RETURN_IF_ERROR(ins.Bind(m.version).Bind(m.name).Bind(checksum).Bind(now).Run());
    version = m.version;
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  return version;
}

}  // namespace humas::store::sqlite
