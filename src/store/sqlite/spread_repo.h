// The SQLite implementation of store/spread.h (internal to src/store/sqlite).
#pragma once

#include "store/spread.h"
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {

class SqliteSpreadRepository final : public SpreadRepository {
 public:
  explicit SqliteSpreadRepository(Context ctx) : ctx_(ctx) {}
  Result<Cascade> GetCascade(Id mention_id, int max_nodes) override;
  Result<std::vector<AuthorActivity>> TopAuthors(const ActivityFilter& filter, int limit,
                                                 TopicCoverage* coverage = nullptr) override;
  Result<AuthorActivity> Author(Platform platform, const std::string& handle,
                                const ActivityFilter& filter) override;

 private:
  Context ctx_;
};

//! The author-activity statement TopAuthors (author "") and Author run, up to its GROUP BY, with
//! its bound values (for EXPLAIN QUERY PLAN in tests).
std::string ActivitySql(const ActivityFilter& f, const std::string& author_platform,
                        const std::string& author, std::vector<BindValue>* binds);

class SqliteCorrectionRepository final : public CorrectionRepository {
 public:
  explicit SqliteCorrectionRepository(Context ctx) : ctx_(ctx) {}
  Status Apply(LabelCorrection* correction) override;
  Result<std::vector<LabelCorrection>> ForMention(Id mention_id) override;
  Result<std::vector<CorrectedExample>> Examples(LabelTask task, Id after, int limit) override;

 private:
  Context ctx_;
};

}  // namespace humas::store::sqlite
