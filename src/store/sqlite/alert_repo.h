// The SQLite AlertRepository (store/alerts.h); internal to src/store/sqlite.
#pragma once

#include "store/alerts.h"
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {

class SqliteAlertRepository final : public AlertRepository {
 public:
  explicit SqliteAlertRepository(Context ctx) : ctx_(ctx) {}
  Result<AlertSettings> GetSettings(Id agency_id) override;
  Status PutSettings(AlertSettings* settings) override;
  Result<std::vector<AlertSettings>> AllSettings() override;
  Result<bool> Open(Alert* alert) override;
  Result<bool> StoreMessages(Id alert_id, AlertMessages* messages, UnixMillis at) override;
  Result<std::vector<Alert>> Unnotified() override;
  Status Refresh(const Alert& alert) override;
  Result<bool> Close(Id id, UnixMillis at) override;
  Result<Alert> Get(Id id) override;
  Result<Alert> Acknowledge(Id id, std::int64_t version, Id user, UnixMillis at) override;
  Result<Alert> Resolve(Id id, std::int64_t version, Id user, UnixMillis at,
                        const std::string& note) override;
  Result<std::vector<Alert>> AllActive() override;
  Result<std::vector<Alert>> ClosedCovering(UnixMillis window_end_after) override;
  Result<ListResult<Alert>> List(const AlertFilter& filter, const Page& page) override;
  Result<std::int64_t> Count(const AlertFilter& filter) override;
  Result<std::vector<QueryHourCount>> CountsAt(const std::vector<UnixMillis>& hours) override;
  Result<std::vector<QueryHistory>> ActiveHistories() override;
  Result<std::vector<HoaxHit>> ScanHoax(Id after_id, Id up_to_id, double min_score,
                                        int limit) override;
  Result<Id> MaxMentionId() override;
  Result<std::optional<std::int64_t>> GetCursor(const std::string& name) override;
  Status SetCursor(const std::string& name, std::int64_t value) override;
  Result<UnixMillis> SeenUntil(Id user_id) override;
  Status MarkSeen(Id user_id, UnixMillis at) override;

 private:
  //! Runs an officer's state change (`sql` binds `binds`, then id and version) and returns the
  //! alert as stored; on no change explains why (NotFound, Conflict, FailedPrecondition).
  Result<Alert> Transition(const char* sql, Id id, std::int64_t version,
                           const std::vector<BindValue>& binds, const char* from);
  Result<std::vector<Alert>> Select(const std::string& where, const std::vector<BindValue>& binds);
  Context ctx_;
};

}  // namespace humas::store::sqlite
