// Runs the backend-neutral store conformance suite against SQLite on temporary files.
#include "store/sqlite/test_util.h"
#include "store/store_conformance_test.h"

namespace humas::store {

std::vector<StoreFactory> StoreBackends() {
  return {{"Sqlite", [] { return std::unique_ptr<Store>(sqlite::TempSqliteStore::Open()); }}};
}

}  // namespace humas::store
