// Long-lived stream connectors (issue 5): the supervised worker of `humas serve` that keeps one
// connection open per streaming connector (Bluesky Jetstream today) instead of a job per tick.
//
// One thread runs one Boost.Asio event loop for every stream connector. Each connector's session
// connects (ws:// or wss://, or an HTTP/1.1 streaming GET over http:// or https:// whose body is
// newline-delimited JSON, e.g. X's filtered stream; TLS verified against the system's CAs in both
// cases), decodes every message
// through its platform's Channel, and batches the mentions; a batch is stored through the
// Ingestor (labeler + query matcher, idempotent on platform + external id) when it is full or
// every flush interval, and only then is the channel's cursor saved as the connector's
// checkpoint. A dropped connection reconnects with exponential back-off plus jitter from the
// saved checkpoint (the channel rewinds a little; replays de-duplicate), so a restart or a drop
// neither loses nor repeats mentions.
//
// Blocking calls of a channel (Protocol::Open, Channel::Prepare and Maintain: a rules sync, an
// instance look-up) run on a small thread pool, one at a time per connector, so a slow platform
// endpoint never stops the loop from reading the other streams (or the same connector's open one).
//
// Back-pressure: storing runs on the event-loop thread, so while a batch is being written no
// socket is read and the platform's sender slows down through TCP; memory stays at one batch
// per connector (batch_max) plus one message (max_message_bytes) whatever the burst.
//
// Health: connected/since, last event, last error, reconnects and counters in memory (Health(),
// shown by the API), plus the store's health row: RecordSuccess when a connection is up and
// periodically while events flow, RecordFailure with the reason on every drop.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connectors/registry/registry.h"
#include "core/clock.h"
#include "core/model.h"
#include "ingest/ingest.h"
#include "store/connectors.h"
#include "store/store.h"

namespace humas::connectors::stream {

//! A rule (the stream's form of an agency query) the platform refused to stream.
struct RefusedRule {
  Id query_id = 0;     //!< 0 = a rule typed on the connector form
  std::string rule;    //!< the rule as sent
  std::string reason;  //!< the platform's words
};

//! What the supervisor knows about one stream connector right now.
struct StreamHealth {
  bool connected = false;
  std::optional<UnixMillis> connected_since;
  std::optional<UnixMillis> last_event_at;
  std::optional<UnixMillis> last_error_at;
  std::string last_error;
  int reconnects = 0;          //!< connections lost or refused since the worker started
  std::int64_t events = 0;     //!< messages received
  std::int64_t stored = 0;     //!< new mentions stored
  std::int64_t malformed = 0;  //!< messages skipped because they could not be read

  // Filled in by the connector's Protocol::Describe (platforms with server-side rules: X).
  std::optional<UnixMillis> rules_synced_at;  //!< the last rules sync (nullopt = none yet)
  std::string rules_error;                    //!< it failed ("" = it worked)
  std::vector<RefusedRule> refused_rules;     //!< refused by the platform at the last sync
  //! Posts recorded as matching an agency query because the platform's rule for that query
  //! delivered them (the rule's tag), and rule tags ignored because they name no current query
  //! of the connector's agency (deleted, changed since the sync, another agency's, unknown).
  std::int64_t tagged_posts = 0;
  std::int64_t ignored_tags = 0;
  //! Posts missed while disconnected and read back afterwards by another endpoint (X: recent
  //! search, when the stream itself cannot backfill that far), and when that last ran.
  std::int64_t gap_filled = 0;
  std::optional<UnixMillis> gap_filled_at;
};

//! The API's view of the worker (no Asio in this interface).
class HealthView {
 public:
  virtual ~HealthView() = default;
  //! nullopt when the connector is not streaming (disabled, not a stream, never started).
  virtual std::optional<StreamHealth> Health(Id connector_id) const = 0;
  //! Re-reads the connector list now (after a connector was created, changed or deleted).
  virtual void Refresh() = 0;
};

//! One decoded message.
struct Frame {
  std::optional<MentionInput> mention;
  std::string cursor;  //!< checkpoint to save once this and earlier mentions are stored; "" = same
  //! Agency queries the platform says the mention matched (its rules' tags, vetted by the
  //! channel), recorded with those the intake matcher finds.
  std::vector<Id> queries;
  //! Non-empty: end this connection with this reason (the platform said so, or the read budget
  //! is spent). `retry_at`, when set, is when to connect again instead of the back-off.
  std::string disconnect;
  std::optional<UnixMillis> retry_at;
  //! `queries` holds a query the platform's rule tag named (counted in StreamHealth::tagged_posts),
  //! and how many of the post's tags were ignored (StreamHealth::ignored_tags).
  bool tagged = false;
  std::int64_t ignored_tags = 0;
};

//! Why an HTTP stream's connection ended, for the channel's retry rules.
struct Failure {
  enum class Kind { kNetwork, kStalled, kHttp };
  Kind kind = Kind::kNetwork;
  int http_status = 0;  //!< kHttp: the response status
  int failures = 1;     //!< consecutive failed connections, this one included
};

//! What to do after an HTTP stream's refused response or network failure.
struct Retry {
  std::string error;  //!< the health text ("" = the hub's own description)
  UnixMillis delay_ms = 0;
};

//! The platform side of one connector's connection.
class Channel {
 public:
  virtual ~Channel() = default;
  //! The address to connect to (ws:// or wss://) when resuming from `saved_cursor` (the stored
  //! checkpoint, "" on the first run). Called before every connection: the channel forgets what
  //! it saw on the previous one.
  virtual std::string Url(const std::string& saved_cursor) = 0;
  //! Decodes one text message. InvalidArgument for a malformed one (skipped and counted).
  virtual Result<Frame> OnMessage(std::string_view message, UnixMillis now) = 0;

  // HTTP streams (Url() is http:// or https://): one long-lived GET whose body is
  // newline-delimited JSON; each non-empty line is a message, empty lines are keep-alives.
  //! Request headers of the streaming GET (e.g. Authorization).
  virtual std::vector<std::pair<std::string, std::string>> Headers() { return {}; }
  //! Runs before every connection (e.g. syncing a platform's rules, checking a budget) on the
  //! worker's blocking pool, not the loop: it may wait on a platform's endpoint while the other
  //! streams keep flowing. An error is recorded like a failed connection; *retry_at, when set, is
  //! when to try again instead of the back-off.
  virtual Status Prepare(UnixMillis now, std::optional<UnixMillis>* retry_at) {
    (void)now;
    (void)retry_at;
    return Status::Ok();
  }
  //! Mentions Prepare or Maintain read by other means (e.g. a gap while disconnected filled by a
  //! search), taken on the loop right after either: stored like messages (before the connection
  //! opens, or beside the live stream's). A frame without a mention just moves the cursor.
  virtual std::vector<Frame> TakeFilled() { return {}; }
  //! Runs every refresh interval while the session is connected, and sooner when Urgent() says
  //! so, on the blocking pool (one call of a channel at a time, never beside its Prepare) while
  //! OnMessage keeps running on the loop: what both touch must be guarded.
  virtual void Maintain(UnixMillis now) { (void)now; }
  //! Asked on the loop every flush interval while connected: Maintain is wanted now, before the
  //! refresh interval (e.g. a gap to fill now that the stream is up). Must be cheap.
  virtual bool Urgent(UnixMillis now) {
    (void)now;
    return false;
  }
  //! The wait (and health text) after an HTTP stream failed; nullopt = the hub's back-off.
  virtual std::optional<Retry> OnFailure(const Failure& failure, std::string_view body,
                                         std::optional<UnixMillis> reset_at, UnixMillis now) {
    (void)failure;
    (void)body;
    (void)reset_at;
    (void)now;
    return std::nullopt;
  }
  //! HTTP streams: no byte at all for this long → stalled, reconnect (0 = idle_timeout_ms).
  virtual UnixMillis StallMs() const { return 0; }
};

//! A streaming platform.
class Protocol {
 public:
  virtual ~Protocol() = default;
  virtual Platform platform() const = 0;
  //! Whether this connector streams (its settings ask for it).
  virtual bool Streams(const store::Connector& connector) const = 0;
  //! A channel for a connector; an error is recorded on the connector and retried later.
  virtual Result<std::unique_ptr<Channel>> Open(const store::Connector& connector,
                                                const std::string& credentials) = 0;
  //! Adds what the protocol knows about a connector to its health (any thread).
  virtual void Describe(Id connector_id, StreamHealth* health) const {
    (void)connector_id;
    (void)health;
  }
};

struct HubOptions {
  UnixMillis refresh_ms = 5'000;       //!< how often the connector list is re-read
  UnixMillis flush_ms = 250;           //!< a partial batch waits at most this long
  size_t batch_max = 500;              //!< mentions per stored batch
  UnixMillis backoff_base_ms = 1'000;  //!< reconnect delay: base * 2^(failures-1) + jitter
  UnixMillis backoff_max_ms = 60'000;
  UnixMillis connect_timeout_ms = 15'000;
  UnixMillis idle_timeout_ms = 60'000;  //!< no message and no pong for this long → reconnect
  //! A larger WebSocket message drops the connection; a longer line of an HTTP stream is skipped
  //! and counted as malformed (the connection stays up).
  size_t max_message_bytes = 4u << 20;
  UnixMillis health_every_ms = 30'000;  //!< RecordSuccess cadence while events flow
  std::string user_agent = "humas/0.1 (+https://github.com/humas; stream reader)";
};

class Hub final : public HealthView {
 public:
  //! Everything must outlive the hub. `on_new` announces stored mentions (live stream).
  Hub(Registry& registry, store::Store& store, const Clock& clock, ingest::MentionSink on_new = {},
      ingest::Labeler labeler = {}, HubOptions options = {});
  ~Hub() override;
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  //! Platforms to stream; call before Start. The protocol must outlive the hub.
  void Add(Protocol* protocol);
  void set_matcher(ingest::QueryMatcher matcher);

  //! Starts the worker thread; sessions start for every enabled stream connector.
  Status Start();
  //! Stores what has arrived, closes every connection and joins the thread. Idempotent.
  void Stop();
  void Refresh() override;

  std::optional<StreamHealth> Health(Id connector_id) const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace humas::connectors::stream
