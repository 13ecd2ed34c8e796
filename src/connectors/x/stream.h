// X API v2 filtered stream (developer.x.com/en/docs/x-api/tweets/filtered-stream) as a stream of
// the supervisor (connectors/stream/hub.h): one long-lived GET /2/tweets/search/stream whose body
// is newline-delimited JSON — a post with its expansions ({"data", "includes",
// "matching_rules"}), an error object (operational-disconnect), or an empty keep-alive line about
// every 20 s — on the worker's event loop beside the WebSocket streams.
//
// A connector streams when its settings say "stream": true (pull/settings.h XStreamSettings).
// Rules: before every connection and whenever the agency's queries change (checked every refresh
// interval), the rules X holds are read (GET /2/tweets/search/stream/rules), those not wanted are
// deleted and the missing ones validated with dry_run=true and added (POST), tagged with the
// query id (x/rules.h). A rule X refuses in the dry run is left out and reported (SyncReport).
//
// Posts are mapped exactly like the recent search (webhook::MapPayload: author, follower count,
// replies, retweets and quotes), de-duplicated with it on platform + external id.
//
// matching_rules: each post names the rules that made X deliver it. A "humas:q<id>" tag records
// the post as matched for query <id> — together with the queries the intake matcher finds —
// when the query is still what X evaluated: it exists, is active, belongs to the connector's
// agency, concerns X, and compiles to the rule X held after the last sync. X evaluated exactly
// that rule on its own view of the post, which is wider than the stored text (the from: half of
// an @account rule, X's own lang: tag, the text of expanded links), so where our matcher cannot
// see what X saw, X's verdict stands; where both see the same, they agree. A tag of a deleted,
// changed-but-not-yet-synced, paused or another agency's query, or of a rule X no longer holds,
// is ignored (the intake matcher alone decides) and counted in the health (ignored_tags). Every
// post received counts against the connector's monthly read budget, with the referenced posts of
// its expansion (the counter the recent search uses): when the budget is spent the connection is
// ended and the next one waits for the month to roll over, the health saying why.
//
// Reconnects follow X's rules: network errors and stalls (no byte for 90 s) back off linearly
// from 250 ms to 16 s, HTTP errors exponentially from 5 s to 320 s, 429 exponentially from a
// minute (or until x-rate-limit-reset); a refused token (401/403) is reported as "token ditolak"
// and backs off like an HTTP error. With backfill_minutes (Pro), a reconnection asks X for the
// posts of the last minutes it missed; replays de-duplicate.
//
// A longer gap (or any, without backfill_minutes) is filled by recent search once the stream is
// up again: since the newest post read before the drop, until the stream's first post after it,
// so no post falls between the search and the connection; overlap de-duplicates. Until the gap is
// read, the checkpoint stays at its start (a restart owes it again). A connection that keeps
// dropping coalesces its gaps into one fill every gap_fill_every_ms (5 min), a 429 of the search
// waits for x-rate-limit-reset, and the reads count against the monthly budget.
#pragma once

#include <map>
#include <mutex>

#include "connectors/net/http_client.h"
#include "connectors/stream/hub.h"
#include "connectors/x/rules.h"
#include "core/clock.h"
#include "store/store.h"

namespace humas::connectors::x {

//! X's reconnect timings (tests shrink them).
struct StreamTimings {
  UnixMillis network_step_ms = 250;  //!< linear: step x failures
  UnixMillis network_max_ms = 16'000;
  UnixMillis http_base_ms = 5'000;  //!< exponential: base x 2^(failures-1)
  UnixMillis http_max_ms = 320'000;
  UnixMillis rate_limit_base_ms = 60'000;
  UnixMillis stall_ms = 90'000;
  //! Gap fill by recent search (see the file comment): at most one per this interval, however
  //! often the connection drops; after reconnecting, at the stream's first post or this long
  //! after connecting when no post comes.
  UnixMillis gap_fill_every_ms = 300'000;
  UnixMillis gap_settle_ms = 10'000;
};

//! The outcome of the last rules sync of a connector.
struct SyncReport {
  UnixMillis at = 0;
  std::vector<StreamRule> active;            //!< the rules X holds for the connector now
  std::vector<Unexpressible> unexpressible;  //!< queries X's rule language cannot say
  std::vector<std::pair<StreamRule, std::string>> refused;  //!< rules X's dry run refused, why
  int added = 0, deleted = 0;
  std::string error;  //!< the sync failed ("" = it worked)
};

class StreamProtocol final : public stream::Protocol {
 public:
  //! Everything must outlive the protocol. Rules requests run on the worker's loop thread, once
  //! each (no retries inside: a failed sync fails the connection, which backs off), 10 s at most.
  StreamProtocol(store::Store& store, const Clock& clock, StreamTimings timings = {});

  Platform platform() const override { return Platform::kX; }
  bool Streams(const store::Connector& connector) const override;
  Result<std::unique_ptr<stream::Channel>> Open(const store::Connector& connector,
                                                const std::string& credentials) override;

  //! The rules the connector's queries or form ask for, with the queries X cannot express.
  static Result<CompiledRules> WantedRules(store::Store& store, const store::Connector& connector);

  std::optional<SyncReport> LastSync(Id connector_id) const;
  void SetLastSync(Id connector_id, SyncReport report);
  //! The last sync (refused rules, error).
  void Describe(Id connector_id, stream::StreamHealth* health) const override;

 private:
  store::Store& store_;
  net::HttpClient http_;
  const Clock& clock_;
  StreamTimings timings_;
  mutable std::mutex mu_;
  std::map<Id, SyncReport> syncs_;  //!< guarded by mu_
};

}  // namespace humas::connectors::x
