// The SQLite QueryRepository (store/queries.h); internal to src/store/sqlite.
#pragma once

#include "store/queries.h"
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {

class SqliteQueryRepository final : public QueryRepository {
 public:
  explicit SqliteQueryRepository(Context ctx) : ctx_(ctx) {}
  Status Create(AgencyQuery* query) override;
  Status Update(AgencyQuery* query) override;
  Status Delete(Id id) override;
  Result<AgencyQuery> Get(Id id) override;
  Result<ListResult<AgencyQuery>> List(const AgencyQueryFilter& filter, const Page& page) override;
  Result<std::vector<AgencyQuery>> AllActive() override;
  Result<std::vector<QueryHourCount>> Hourly(const std::vector<Id>& query_ids, UnixMillis since,
                                             UnixMillis until) override;
  Result<std::int64_t> ScanRecent(const MentionScanScope& scope,
                                  const std::function<bool(const Mention&)>& fn) override;

 private:
  Context ctx_;
};

}  // namespace humas::store::sqlite
