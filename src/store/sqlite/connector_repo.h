// SQLite ConnectorRepository (store/connectors.h); internal to src/store/sqlite.
#pragma once

#include "store/connectors.h"
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {

class SqliteConnectorRepository final : public ConnectorRepository {
 public:
  explicit SqliteConnectorRepository(Context ctx) : ctx_(ctx) {}
  Status Create(Connector* connector) override;
  Status Update(const Connector& connector) override;
  Status SetCredentials(Id id, const std::string& sealed, UnixMillis now) override;
  Result<Connector> Get(Id id) override;
  Result<ListResult<Connector>> List(const ConnectorFilter& filter, const Page& page) override;
  Status Delete(Id id) override;
  Result<std::vector<Connector>> Due(Platform platform, UnixMillis now, int limit) override;
  Status Schedule(Id id, UnixMillis next_run_at) override;
  Status RecordSuccess(Id id, const ConnectorCheckpoint& checkpoint, std::int64_t items,
                       UnixMillis now, UnixMillis next_run_at) override;
  Status RecordFailure(Id id, const std::string& error, UnixMillis now,
                       UnixMillis next_run_at) override;
  Result<std::int64_t> SpendReads(Id id, const std::string& month, std::int64_t reads) override;
  Result<std::int64_t> ReturnReads(Id id, const std::string& month, std::int64_t reads) override;
  Result<std::int64_t> SpendQuota(Id id, const std::string& day, std::int64_t units,
                                  std::optional<std::int64_t> limit) override;
  Status SaveCheckpoint(Id id, const ConnectorCheckpoint& checkpoint, std::int64_t items) override;
  Status SetNotice(Id id, const std::string& notice, UnixMillis now) override;
  Status SaveStreamTotals(Id id, const StreamTotals& totals) override;

 private:
  Context ctx_;
};

}  // namespace humas::store::sqlite
