// Mastodon streaming (docs.joinmastodon.org/methods/streaming) as a stream of the supervisor
// (connectors/stream/hub.h): a hashtag's stream (stream=hashtag&tag=…) or the instance's local
// public stream (stream=public:local), over the streaming API's WebSocket endpoint
// (wss://<instance>/api/v1/streaming — the same events as the server-sent-events endpoint, on the
// worker's one event loop instead of a blocked thread per stream). Each message is
// {"stream": [...], "event": "update" | "status.update" | "delete" | ..., "payload": "<JSON
// text>"}; update and status.update carry a Status, mapped exactly like the timeline poller's
// (Timeline::ToMention); delete and the other events are ignored.
//
// The streaming API may live on another host than the instance (mastodon.social streams from
// wss://streaming.mastodon.social): when the protocol has an HTTP client, Open() asks the instance
// (GET /api/v2/instance → configuration.urls.streaming, else /api/v1/instance →
// urls.streaming_api) once per session and connects there; if neither answers, the instance's
// own host is used. Open() runs on the stream worker's blocking pool (stream/hub.h), so an
// instance slow to answer (up to the client's timeout) holds back no other stream.
//
// Mastodon streams cannot resume, so the stream and the timeline poller share the checkpoint
// {"min_id": newest status id stored}: the stream moves it forward, and TimelineFallback polls the
// timeline from it after every (re)connection (what was missed while disconnected) and on every
// due run while the stream is down — the fallback to polling.
#pragma once

#include <map>
#include <mutex>

#include "connectors/mastodon/timeline.h"
#include "connectors/pull/pull.h"
#include "connectors/stream/hub.h"

namespace humas::connectors::mastodon {

class StreamProtocol final : public stream::Protocol {
 public:
  //! Without `http` the streaming API is assumed on the instance's host (no look-up).
  explicit StreamProtocol(net::HttpClient* http = nullptr) : http_(http) {}
  Platform platform() const override { return Platform::kMastodon; }
  //! settings.stream with a hashtag or the local timeline.
  bool Streams(const store::Connector& connector) const override;
  Result<std::unique_ptr<stream::Channel>> Open(const store::Connector& connector,
                                                const std::string& credentials) override;
  //! The streaming API's base (ws:// or wss://, no path) that the instance announces, or ""
  //! when it announces none or cannot be reached.
  static std::string LookUpStreamingBase(net::HttpClient& http, const std::string& instance_url);

 private:
  net::HttpClient* http_;
};

//! The pull side of a Mastodon connector when streams exist: polls the timeline unless the stream
//! is connected and has been caught up since it connected (then only reschedules).
class TimelineFallback {
 public:
  TimelineFallback(pull::Runner& runner, Timeline& timeline, store::Store& store,
                   const Clock& clock, const StreamProtocol& protocol,
                   const stream::HealthView* streams)
      : runner_(runner),
        timeline_(timeline),
        store_(store),
        clock_(clock),
        protocol_(protocol),
        streams_(streams) {}
  //! Runs or skips one due connector. Returns whether the timeline was polled.
  Result<bool> Run(const store::Connector& connector);

 private:
  pull::Runner& runner_;
  Timeline& timeline_;
  store::Store& store_;
  const Clock& clock_;
  const StreamProtocol& protocol_;
  const stream::HealthView* streams_;
  std::mutex mu_;
  std::map<Id, UnixMillis> polled_at_;  //!< guarded by mu_: start of the last poll per connector
};

}  // namespace humas::connectors::mastodon
