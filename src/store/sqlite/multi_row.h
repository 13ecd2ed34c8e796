// Multi-row INSERT statements of the intake (internal to src/store/sqlite): one statement's setup,
// cursors and halt serve several rows. SQLite runs such a statement without a statement journal
// only when no row can abort it halfway (OR FAIL / OR IGNORE, foreign keys off, no index on an
// expression, no upsert): see UpsertBatch and AttachNewMentions.
#pragma once

#include <array>
#include <cstddef>
#include <string>

namespace humas::store::sqlite {

//! "<head>(<row>), (<row>), ..." for 1..kMax rows, built once; Get(n) is stable for the process's
//! life, so the connection's statement cache keys it by address.
template <size_t kMax>
class MultiRowSql {
 public:
  MultiRowSql(const char* head, const char* row) {
    for (size_t n = 1; n <= kMax; ++n) {
      sql_[n] = head;
      for (size_t r = 0; r < n; ++r) sql_[n].append(r > 0 ? ", " : "").append(row);
    }
  }
  const char* Get(size_t rows) const { return sql_[rows].c_str(); }

 private:
  std::array<std::string, kMax + 1> sql_;
};

}  // namespace humas::store::sqlite
