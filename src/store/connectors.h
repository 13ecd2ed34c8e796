// The connector registry (issue 5): every platform connector of every agency — its settings, its
// sealed credentials, where it stopped (checkpoint), its health and its read budget. Backend-
// neutral like store.h; the SQLite implementation is sqlite/connector_repo.cc.
//
// Credentials are opaque here: callers seal them (connectors/registry/credential_box.h) before
// they reach the store, and the store never sees a key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/model.h"
#include "core/status.h"
#include "store/store.h"

namespace humas::store {

//! Where a connector stopped, saved after each successful run so a restart neither loses nor
//! repeats work.
struct ConnectorCheckpoint {
  std::string cursor;         //!< platform cursor (e.g. newest id seen, a page token)
  std::string etag;           //!< HTTP ETag of the last 200 response
  std::string last_modified;  //!< HTTP Last-Modified of the last 200 response
};

//! A stream connector's counters over its life (SaveStreamTotals), kept across restarts.
struct StreamTotals {
  std::int64_t events = 0;      //!< messages received
  std::int64_t stored = 0;      //!< new mentions stored
  std::int64_t malformed = 0;   //!< messages skipped because they could not be read
  std::int64_t reconnects = 0;  //!< connections lost or refused
  std::optional<UnixMillis> last_event_at;
  //! X filtered stream: posts recorded for a query by its rule's tag, rule tags ignored, posts
  //! read back by recent search after a disconnect and when that last ran.
  std::int64_t tagged_posts = 0;
  std::int64_t ignored_tags = 0;
  std::int64_t gap_filled = 0;
  std::optional<UnixMillis> gap_filled_at;
  //! The last rules sync as the stream worker describes it (opaque JSON, "" = none yet).
  std::string rules_sync;
};

//! Health, maintained by RecordSuccess / RecordFailure (notice: SetNotice).
struct ConnectorHealth {
  std::optional<UnixMillis> last_success_at;
  std::optional<UnixMillis> last_error_at;
  std::string last_error;
  UnixMillis next_run_at = 0;
  int consecutive_failures = 0;
  std::int64_t items_total = 0;  //!< items fetched over the connector's life
  //! Something the admin should know about the last run that still succeeded ("" = none).
  std::string notice;
  std::optional<UnixMillis> notice_at;
  StreamTotals stream;  //!< stream connectors only (all zero otherwise)
};

struct Connector {
  Id id = 0;
  Id agency_id = 0;
  Platform platform = Platform::kRss;
  std::string name;                  //!< unique per agency (case-insensitive)
  std::string settings_json = "{}";  //!< platform-specific settings (e.g. {"url": ...})
  //! base64(nonce || secretbox) of the credentials JSON, "" when none are set. Never leaves the
  //! server: the API only says whether it is set.
  std::string credentials_sealed;
  bool enabled = true;
  int poll_interval_seconds = 900;
  ConnectorCheckpoint checkpoint;
  ConnectorHealth health;
  //! Monthly read budget of a paid API (X); nullopt = none.
  std::optional<std::int64_t> read_budget_monthly;
  std::string reads_month;      //!< "YYYY-MM" (UTC) that reads_used counts
  std::int64_t reads_used = 0;  //!< reads spent in reads_month
  //! Daily unit quota (YouTube): the day ("YYYY-MM-DD", the platform's quota day) that
  //! quota_used counts.
  std::string quota_day;
  std::int64_t quota_used = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

struct ConnectorFilter {
  std::optional<std::vector<Id>> agency_ids;  //!< scope; nullopt = all
  std::optional<Platform> platform;
  std::optional<bool> enabled;
};

class ConnectorRepository {
 public:
  virtual ~ConnectorRepository() = default;
  //! Stores a new connector (config fields and credentials_sealed; health starts empty with
  //! next_run_at as given, 0 = due now). Sets id, created_at, updated_at. AlreadyExists if the
  //! agency already has a connector of that name; FailedPrecondition for an unknown agency.
  virtual Status Create(Connector* connector) = 0;
  //! Updates the configuration only: name, settings_json, enabled, poll_interval_seconds,
  //! read_budget_monthly. Credentials, checkpoint and health are untouched. NotFound if absent.
  virtual Status Update(const Connector& connector) = 0;
  //! Replaces the sealed credentials ("" clears them). NotFound if absent.
  virtual Status SetCredentials(Id id, const std::string& sealed, UnixMillis now) = 0;
  virtual Result<Connector> Get(Id id) = 0;
  //! Ordered by agency, then name.
  virtual Result<ListResult<Connector>> List(const ConnectorFilter& filter, const Page& page) = 0;
  //! NotFound if absent.
  virtual Status Delete(Id id) = 0;

  //! Enabled connectors of `platform` whose next_run_at <= now, soonest first, at most `limit`.
  //! Never webhook connectors (settings {"webhook": ...}): the platform pushes to those.
  virtual Result<std::vector<Connector>> Due(Platform platform, UnixMillis now, int limit) = 0;
  //! Sets next_run_at (e.g. "run now" from the UI). NotFound if absent.
  virtual Status Schedule(Id id, UnixMillis next_run_at) = 0;
  //! A successful run: saves the checkpoint, last_success_at = now, consecutive_failures = 0,
  //! items_total += items, next_run_at as given.
  virtual Status RecordSuccess(Id id, const ConnectorCheckpoint& checkpoint, std::int64_t items,
                               UnixMillis now, UnixMillis next_run_at) = 0;
  //! A failed run: last_error(_at), consecutive_failures + 1, next_run_at as given. The
  //! checkpoint is kept.
  virtual Status RecordFailure(Id id, const std::string& error, UnixMillis now,
                               UnixMillis next_run_at) = 0;
  //! Spends `reads` of the monthly budget for `month` ("YYYY-MM"; usage restarts at 0 when the
  //! month changes). ResourceExhausted (nothing spent) when the budget would be exceeded.
  //! Returns the usage after spending. Connectors without a budget just count.
  virtual Result<std::int64_t> SpendReads(Id id, const std::string& month, std::int64_t reads) = 0;
  //! Gives back reads reserved with SpendReads but not used (a call reserves its maximum before
  //! it is made, so a crash never lets usage exceed the budget). Only when `month` is still the
  //! counted month; usage never drops below 0. Returns the usage after.
  virtual Result<std::int64_t> ReturnReads(Id id, const std::string& month, std::int64_t reads) = 0;
  //! Progress inside a run (a page of a paginated pull is stored): saves the checkpoint and
  //! items_total += items; health and next_run_at are untouched. NotFound if absent.
  //! Spends `units` of a daily quota for `day` (usage restarts at 0 when the day changes).
  //! ResourceExhausted (nothing spent) when usage would exceed `limit`; nullopt = no limit.
  //! Returns the usage after spending.
  virtual Result<std::int64_t> SpendQuota(Id id, const std::string& day, std::int64_t units,
                                          std::optional<std::int64_t> limit) = 0;
  virtual Status SaveCheckpoint(Id id, const ConnectorCheckpoint& checkpoint,
                                std::int64_t items) = 0;
  //! Sets the health notice (notice_at = now; "" clears both). NotFound if absent.
  virtual Status SetNotice(Id id, const std::string& notice, UnixMillis now) = 0;
  //! Replaces the stream counters (the stream worker adds its own to those it loaded at start).
  //! NotFound if absent.
  virtual Status SaveStreamTotals(Id id, const StreamTotals& totals) = 0;
};

}  // namespace humas::store
