// Schema migrations for the SQLite store: numbered SQL files embedded at build time, applied in
// order inside one transaction and recorded with their SHA-256 checksums.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/sqlite/db.h"

namespace humas::store::sqlite {

struct EmbeddedMigration {
  int version;       //!< from the file name, e.g. 1 for 0001_init.sql
  const char* name;  //!< file name without .sql, e.g. "0001_init"
  const char* sql;
};

//! Every migration this binary carries, ascending by version (generated at build time).
const std::vector<EmbeddedMigration>& EmbeddedMigrations();

//! Hex SHA-256 of a migration's text, as recorded in schema_migrations.checksum.
std::string MigrationChecksum(const std::string& sql);

//! Brings the database up to date with `migrations` (ascending versions) in one BEGIN IMMEDIATE
//! transaction; returns the resulting schema version. Already-applied migrations are checked:
//! a changed one → DataLoss naming it; a recorded version this binary does not know →
//! FailedPrecondition. Idempotent.
Result<int> Migrate(Connection& conn, const std::vector<EmbeddedMigration>& migrations,
                    UnixMillis now);

}  // namespace humas::store::sqlite
