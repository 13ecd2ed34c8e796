// Pull connectors (issue 5): the shared run loop of every platform client that polls a documented
// API (X recent search, Telegram getUpdates, Mastodon timelines, ...), and the dispatcher the
// job runner's tick calls to run every due connector of every registered kind (RSS included).
//
// A platform client implements Source: given the connector and its checkpoint cursor, fetch one
// page and return its mentions plus the cursor to save once they are stored. Runner does the
// rest, the same way for every platform:
//   credentials → page → Ingestor (labeler + query matcher) → SaveCheckpoint → next page ...
//   → RecordSuccess / RecordFailure (health), next run at the rate-limit reset when limited.
// Storing comes before the checkpoint, so a crash in between only re-reads mentions that
// de-duplicate on platform + external id: a restart neither loses nor repeats.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/net/http_client.h"
#include "connectors/registry/registry.h"
#include "core/clock.h"
#include "ingest/ingest.h"
#include "store/connectors.h"
#include "store/store.h"

namespace humas::connectors::pull {

//! The job queue of the connector tick (src/jobs JobRunner).
inline constexpr char kTickQueue[] = "connectors.tick";

//! What a Source sees during one run.
struct RunContext {
  const store::Connector& connector;
  const std::string& credentials;  //!< plaintext credentials JSON ("" when none are set)
  store::ConnectorRepository& repo;
  net::HttpClient& http;
  const Clock& clock;
};

//! One page fetched by a Source.
struct Page {
  std::vector<MentionInput> mentions;
  std::string cursor;  //!< checkpoint to save once `mentions` are stored
  bool more = false;   //!< another page is ready now (pagination)
  int read = 0;        //!< items the platform returned (mapped or not), for logs
  //! The platform asked us to wait (rate limit nearly spent): the next run is not before this.
  std::optional<UnixMillis> not_before;
  //! Something the admin should know although the page was read (shown in the connector's
  //! health until a later notice replaces it); "" = nothing new.
  std::string notice;
};

class Source {
 public:
  virtual ~Source() = default;
  virtual Platform platform() const = 0;
  //! Fetches the page after `cursor` (the saved checkpoint; "" on the first run). On failure a
  //! Source may set `retry_at` (a rate limit's reset, a spent budget's next month): the next run
  //! is then at that time instead of the exponential back-off.
  virtual Result<Page> Next(const RunContext& ctx, const std::string& cursor,
                            std::optional<UnixMillis>* retry_at) = 0;
};

struct RunResult {
  int pages = 0;
  int read = 0;    //!< items the platform returned
  int stored = 0;  //!< new mentions
};

struct RunnerOptions {
  int max_pages_per_run = 10;  //!< the rest waits for the next run (its cursor is saved)
};

//! Runs Sources: one connector at a time, every step recorded on the connector.
class Runner {
 public:
  //! Everything must outlive the runner. `on_new` announces stored mentions (live stream).
  Runner(Registry& registry, store::Store& store, const Clock& clock, net::HttpClient& http,
         ingest::MentionSink on_new = {}, ingest::Labeler labeler = {}, RunnerOptions options = {});

  //! Matches stored mentions against the agencies' queries (listening::IntakeMatcher).
  void set_matcher(ingest::QueryMatcher matcher) { matcher_ = std::move(matcher); }
  //! Flags near-duplicates against the server's shared index (ingest/near_dup.h).
  void set_near_duplicates(std::shared_ptr<ingest::NearDuplicateIndex> index) {
    near_dups_ = std::move(index);
  }

  //! Pulls one connector through `source` and records its health (success or failure).
  Result<RunResult> RunOne(Source& source, const store::Connector& connector);

 private:
  Registry& registry_;
  store::Store& store_;
  const Clock& clock_;
  net::HttpClient& http_;
  ingest::MentionSink on_new_;
  ingest::Labeler labeler_;
  ingest::QueryMatcher matcher_;
  std::shared_ptr<ingest::NearDuplicateIndex> near_dups_;
  RunnerOptions options_;
};

//! Runs one connector; failures are recorded on the connector by the callee.
using RunFn = std::function<Status(const store::Connector&)>;

//! The tick: every due, enabled connector of every registered kind.
class Dispatcher {
 public:
  Dispatcher(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  void Register(Platform kind, RunFn run) { kinds_[kind] = std::move(run); }
  bool Handles(Platform kind) const { return kinds_.count(kind) > 0; }
  //! Runs up to `limit_per_kind` due connectors of each kind; returns how many ran. A failing
  //! connector does not stop the others.
  Result<int> RunDue(int limit_per_kind = 20);

 private:
  store::Store& store_;
  const Clock& clock_;
  std::map<Platform, RunFn> kinds_;
};

//! Enqueues the next tick (deduplicated per tick) `every_ms` after `now`.
Status ScheduleTick(store::Store& store, UnixMillis now, UnixMillis every_ms);

//! "YYYY-MM" (UTC) of a time: the month a read budget counts.
std::string BudgetMonth(UnixMillis t);
//! The first instant of the month after `t` (UTC).
UnixMillis NextMonthStart(UnixMillis t);
//! The quota day of Google APIs ("YYYY-MM-DD" in America/Los_Angeles, US daylight-saving rules).
std::string PacificDay(UnixMillis t);
//! The next midnight in America/Los_Angeles after `t`.
UnixMillis NextPacificMidnight(UnixMillis t);

}  // namespace humas::connectors::pull
