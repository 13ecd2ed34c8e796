// Hub: one Asio event loop (C++20 coroutines) for every stream connector.
#include "connectors/stream/hub.h"

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility> (GCC 12, C++20).
#include <utility>
// clang-format off
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
// clang-format on
#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "core/log.h"

namespace humas::connectors::stream {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

namespace {

struct Endpoint {
  bool tls = false;
  bool http = false;  //!< http:// or https://: an HTTP streaming GET instead of a WebSocket
  std::string host;   //!< without brackets
  std::string port;
  std::string target;  //!< path + query
};

Result<Endpoint> ParseUrl(const std::string& url) {
  Endpoint e;
  std::string rest;
  if (url.rfind("wss://", 0) == 0) {
    e.tls = true;
    rest = url.substr(6);
  } else if (url.rfind("ws://", 0) == 0) {
    rest = url.substr(5);
  } else if (url.rfind("https://", 0) == 0) {
    e.tls = e.http = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    e.http = true;
    rest = url.substr(7);
  } else {
    return InvalidArgument("'" + url.substr(0, 200) +
                           "' is not a ws://, wss://, http:// or https:// address");
  }
  size_t slash = rest.find_first_of("/?");
  std::string authority = rest.substr(0, slash);
  e.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (e.target[0] == '?') e.target = "/" + e.target;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return InvalidArgument("bad IPv6 address in " + url);
    e.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':')
      e.port = authority.substr(close + 2);
  } else {
    size_t colon = authority.rfind(':');
    e.host = authority.substr(0, colon);
    if (colon != std::string::npos) e.port = authority.substr(colon + 1);
  }
  if (e.host.empty()) return InvalidArgument("no host in " + url);
  if (e.port.empty()) e.port = e.tls ? "443" : "80";
  return e;
}

std::string HostHeader(const Endpoint& e) {
  std::string h = e.host.find(':') != std::string::npos ? "[" + e.host + "]" : e.host;
  bool default_port = (e.tls && e.port == "443") || (!e.tls && e.port == "80");
  return default_port ? h : h + ":" + e.port;
}

//! An HTTP stream answered with something other than 200.
struct HttpRefused {
  int status = 0;
  std::string body;  //!< at most kMaxRefusalBody bytes of it
  std::optional<UnixMillis> reset_at;
};
constexpr size_t kMaxRefusalBody = 64 * 1024;

std::optional<UnixMillis> ResetAt(const std::string& epoch_seconds) {
  if (epoch_seconds.empty() || epoch_seconds.find_first_not_of("0123456789") != std::string::npos ||
      epoch_seconds.size() > 12)
    return std::nullopt;
  return std::stoll(epoch_seconds) * 1000;
}

}  // namespace

//! What opening and preparing a connection off the loop gives back to it.
struct Prepared {
  std::unique_ptr<Channel> channel;  //!< newly opened (null: the session's own is kept)
  std::string error;                 //!< "" = ready to connect
  std::optional<UnixMillis> retry_at;
};

struct Session {
  explicit Session(asio::thread_pool& pool) : blocking(pool.get_executor()) {}
  //! Runs the channel's blocking calls (Open, Prepare, Maintain) one at a time, off the loop.
  asio::strand<asio::thread_pool::executor_type> blocking;
  store::Connector connector;
  Protocol* protocol = nullptr;
  std::unique_ptr<Channel> channel;
  std::string saved_cursor;    //!< the stored checkpoint
  std::string pending_cursor;  //!< covers `batch` and everything before it
  std::vector<MentionInput> batch;
  std::map<std::string, std::vector<Id>> batch_queries;  //!< by external id: Frame::queries
  bool stopped = false;
  std::string broken;                  //!< set when storing failed: reconnect from saved_cursor
  std::string disconnect;              //!< the channel ended the connection (Frame::disconnect)
  std::optional<UnixMillis> retry_at;  //!< ... and when to connect again
  std::optional<HttpRefused> refused;  //!< the last HTTP stream answered with an error status
  bool stalled = false;                //!< the last HTTP stream sent nothing for StallMs()
  //! Loop time (steady clock) of the last Maintain or connection: the cadence is the worker's own,
  //! not the (possibly fake) clock's.
  std::chrono::steady_clock::time_point last_maintained{};
  bool live = false;                      //!< connected now (Maintain runs only then)
  bool maintaining = false;               //!< a Maintain is queued or running (loop thread)
  std::function<void()> close;            //!< closes the live socket (on the loop thread)
  asio::steady_timer* backoff = nullptr;  //!< the timer a reconnect waits on
  UnixMillis last_success_recorded = 0;
};

struct Hub::Impl {
  Impl(Registry& r, store::Store& s, const Clock& c, ingest::MentionSink n, ingest::Labeler l,
       HubOptions o)
      : registry(r),
        store(s),
        clock(c),
        on_new(std::move(n)),
        labeler(std::move(l)),
        options(o),
        ticker(io),
        tls(asio::ssl::context::tls_client) {
    tls.set_default_verify_paths();
    tls.set_verify_mode(asio::ssl::verify_peer);
  }

  Registry& registry;
  store::Store& store;
  const Clock& clock;
  ingest::MentionSink on_new;
  ingest::Labeler labeler;
  ingest::QueryMatcher matcher;
  HubOptions options;
  std::vector<Protocol*> protocols;

  asio::io_context io;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  asio::steady_timer ticker;
  asio::ssl::context tls;
  //! Blocking calls of the channels (rules syncs, look-ups: up to seconds each), so that a slow
  //! platform endpoint never stops the loop from reading the other streams.
  asio::thread_pool blocking{4};
  std::thread thread;
  bool started = false;
  bool stopping = false;                            //!< loop thread only
  std::map<Id, std::shared_ptr<Session>> sessions;  //!< loop thread only
  UnixMillis last_refresh = 0;
  std::mt19937 rng{std::random_device{}()};

  mutable std::mutex mu;
  std::map<Id, StreamHealth> health;  //!< guarded by mu

  template <typename F>
  void UpdateHealth(Id id, F&& f) {
    std::lock_guard<std::mutex> lock(mu);
    f(health[id]);
  }

  // ------------------------------------------------------------ connector list
  void RefreshNow() {
    if (stopping) return;
    last_refresh = clock.Now();
    std::map<Id, store::Connector> wanted;
    std::map<Id, Protocol*> protocol_of;
    for (Protocol* p : protocols) {
      store::ConnectorFilter f;
      f.platform = p->platform();
      f.enabled = true;
      store::Page page;
      page.limit = 1000;
      auto list = store.connectors().List(f, page);
      if (!list.ok()) {
        Log(LogLevel::kWarn, "stream.refresh_failed", {{"error", list.status().message()}});
        return;  // keep what runs
      }
      for (store::Connector& c : list->items) {
        if (!p->Streams(c)) continue;
        protocol_of[c.id] = p;
        wanted[c.id] = std::move(c);
      }
    }
    for (auto it = sessions.begin(); it != sessions.end();) {
      auto w = wanted.find(it->first);
      if (w == wanted.end() || w->second.updated_at != it->second->connector.updated_at) {
        StopSession(*it->second);
        if (w == wanted.end()) {
          std::lock_guard<std::mutex> lock(mu);
          health.erase(it->first);
        }
        it = sessions.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& [id, c] : wanted) {
      if (sessions.count(id)) continue;
      auto s = std::make_shared<Session>(blocking);
      s->connector = std::move(c);
      s->protocol = protocol_of[id];
      s->saved_cursor = s->pending_cursor = s->connector.checkpoint.cursor;
      sessions[id] = s;
      UpdateHealth(id, [](StreamHealth&) {});  // streaming (not connected yet) from now on
      asio::co_spawn(io, RunSession(s), asio::detached);
    }
  }

  void StopSession(Session& s) {
    Flush(s);
    s.stopped = true;
    if (s.close) s.close();
    if (s.backoff) s.backoff->cancel();
  }

  // ------------------------------------------------------------ storing
  //! Stores the batch, then saves the cursor. On failure the batch is dropped and the connection
  //! closed: the session reconnects from the saved checkpoint and reads those events again.
  void Flush(Session& s) {
    if (s.stopped || !s.broken.empty()) return;
    if (s.batch.empty() && s.pending_cursor == s.saved_cursor) return;
    const Id id = s.connector.id;
    ingest::IngestReport report;
    Status st = Status::Ok();
    if (!s.batch.empty()) {
      ingest::IngestPolicy policy;
      policy.default_agency = s.connector.agency_id;
      ingest::Ingestor ingestor(store, clock, on_new, labeler, policy);
      if (!s.batch_queries.empty()) {
        // The platform's word (rule tags) joins the intake matcher's.
        ingestor.set_matcher([this, &s](const Mention& m, std::string_view folded) {
          std::vector<Id> ids = matcher ? matcher(m, folded) : std::vector<Id>{};
          auto it = s.batch_queries.find(m.data.external_id);
          if (it == s.batch_queries.end()) return ids;
          ids.insert(ids.end(), it->second.begin(), it->second.end());
          std::sort(ids.begin(), ids.end());
          ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
          return ids;
        });
      } else if (matcher) {
        ingestor.set_matcher(matcher);
      }
      st = ingestor.StoreBatch(std::move(s.batch), {}, &report);
      s.batch.clear();
      // A post stored before (e.g. found by a recent search) that the platform's rule for a
      // query delivered again: the stored mention gains that match (new ones already have it).
      for (const auto& [external_id, queries] : s.batch_queries) {
        if (!st.ok()) break;
        auto added = store.mentions().RecordMatches(s.connector.platform, external_id, queries);
        if (!added.ok() && added.status().code() != Code::kNotFound) st = added.status();
      }
      s.batch_queries.clear();
    }
    store::ConnectorCheckpoint cp = s.connector.checkpoint;
    cp.cursor = s.pending_cursor;
    if (st.ok()) st = store.connectors().SaveCheckpoint(id, cp, report.imported);
    const UnixMillis now = clock.Now();
    if (!st.ok()) {
      s.pending_cursor = s.saved_cursor;
      s.broken = "storing failed: " + st.message();
      Log(LogLevel::kError, "stream.store_failed", {{"connector_id", id}, {"error", st.message()}});
      if (s.close) s.close();
      return;
    }
    s.saved_cursor = s.pending_cursor;
    s.connector.checkpoint = cp;
    UpdateHealth(id, [&](StreamHealth& h) { h.stored += report.imported; });
    if (now - s.last_success_recorded >= options.health_every_ms) RecordSuccess(s, now);
  }

  void RecordSuccess(Session& s, UnixMillis now) {
    s.last_success_recorded = now;
    Status st =
        store.connectors().RecordSuccess(s.connector.id, s.connector.checkpoint, 0, now, now);
    if (!st.ok())
      Log(LogLevel::kWarn, "stream.health_failed",
          {{"connector_id", s.connector.id}, {"error", st.message()}});
  }

  void OnMessage(Session& s, std::string_view message) {
    const UnixMillis now = clock.Now();
    auto frame = s.channel->OnMessage(message, now);
    UpdateHealth(s.connector.id, [&](StreamHealth& h) {
      ++h.events;
      h.last_event_at = now;
      if (!frame.ok()) ++h.malformed;
    });
    if (!frame.ok()) {
      Log(LogLevel::kWarn, "stream.malformed",
          {{"connector_id", s.connector.id}, {"error", frame.status().message()}});
      return;
    }
    Take(s, std::move(*frame));
  }

  //! A decoded frame into the session's batch.
  void Take(Session& s, Frame&& frame) {
    if (frame.tagged || frame.ignored_tags)
      UpdateHealth(s.connector.id, [&](StreamHealth& h) {
        h.tagged_posts += frame.tagged ? 1 : 0;
        h.ignored_tags += frame.ignored_tags;
      });
    if (frame.mention) {
      if (!frame.queries.empty()) {
        std::vector<Id>& q = s.batch_queries[frame.mention->external_id];
        q.insert(q.end(), frame.queries.begin(), frame.queries.end());
      }
      s.batch.push_back(std::move(*frame.mention));
    }
    if (!frame.cursor.empty()) s.pending_cursor = frame.cursor;
    if (!frame.disconnect.empty() && s.disconnect.empty()) {
      s.disconnect = frame.disconnect;
      s.retry_at = frame.retry_at;
    }
    if (s.batch.size() >= options.batch_max) Flush(s);
  }

  //! What Prepare read back while the stream was down (stored before the connection opens) or
  //! Maintain read beside the live stream.
  void TakeFilled(Session& s) {
    std::vector<Frame> filled = s.channel->TakeFilled();
    if (filled.empty()) return;
    std::int64_t posts = 0;
    for (Frame& f : filled) {
      posts += f.mention ? 1 : 0;
      f.disconnect.clear();
      Take(s, std::move(f));
    }
    Flush(s);
    const UnixMillis now = clock.Now();
    UpdateHealth(s.connector.id, [&](StreamHealth& h) {
      h.gap_filled += posts;
      h.gap_filled_at = now;
    });
  }

  //! A malformed HTTP stream line (too long) that never reached the channel.
  void OnSkippedLine(Session& s, size_t bytes) {
    const UnixMillis now = clock.Now();
    UpdateHealth(s.connector.id, [&](StreamHealth& h) {
      ++h.events;
      ++h.malformed;
      h.last_event_at = now;
    });
    Log(LogLevel::kWarn, "stream.malformed",
        {{"connector_id", s.connector.id},
         {"error", "a line of more than " + std::to_string(options.max_message_bytes) + " bytes (" +
                       std::to_string(bytes) + " read) skipped"}});
  }

  // ------------------------------------------------------------ connections
  UnixMillis Backoff(int failures) {
    UnixMillis d = options.backoff_base_ms;
    for (int i = 1; i < failures && d < options.backoff_max_ms; ++i) d *= 2;
    d = std::min(d, options.backoff_max_ms);
    std::uniform_int_distribution<UnixMillis> jitter(0, std::max<UnixMillis>(1, d / 4));
    return d + jitter(rng);
  }

  asio::awaitable<void> RunSession(std::shared_ptr<Session> s) {
    const Id id = s->connector.id;
    int failures = 0;
    while (!s->stopped && !stopping) {
      std::string error;
      bool got_event = false;
      bool http = false;
      s->disconnect.clear();
      s->retry_at.reset();
      s->refused.reset();
      s->stalled = false;
      try {
        // Opening (credentials, look-ups) and preparing (rules sync, budget) may block on a
        // platform's endpoint for seconds: off the loop, on the session's strand of the pool.
        Prepared p = co_await asio::co_spawn(
            s->blocking, PrepareOnPool(s->protocol, s->connector, s->channel.get()), use_awaitable);
        if (p.channel) s->channel = std::move(p.channel);
        if (s->stopped || stopping) break;
        if (!p.error.empty()) {
          s->retry_at = p.retry_at;
          throw std::runtime_error(p.error);
        }
        s->pending_cursor = s->saved_cursor;
        TakeFilled(*s);
        if (!s->broken.empty()) throw std::runtime_error(s->broken);
        s->last_maintained = std::chrono::steady_clock::now();
        co_await Connect(s, &got_event, &http);
      } catch (const std::exception& e) {
        error = e.what();
      }
      if (!s->disconnect.empty()) error = s->disconnect;
      s->close = nullptr;
      s->live = false;
      if (s->stopped || stopping) break;  // its health entry is gone or going
      UpdateHealth(id, [&](StreamHealth& h) {
        h.connected = false;
        h.connected_since.reset();
      });
      Flush(*s);  // what arrived before the drop
      if (!s->broken.empty()) {
        error = s->broken;
        s->broken.clear();
        s->batch.clear();
        s->batch_queries.clear();
        s->pending_cursor = s->saved_cursor;
      }
      failures = got_event ? 1 : failures + 1;
      const UnixMillis now = clock.Now();
      UnixMillis delay = Backoff(failures);
      if (s->stalled) {
        const UnixMillis ms = StallMs(*s);
        error = "stalled: no data for " +
                (ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms");
      }
      if (s->refused) error = "HTTP " + std::to_string(s->refused->status) + " from the stream";
      if (error.empty()) error = "connection closed";
      if (s->retry_at) {
        delay = std::max<UnixMillis>(0, *s->retry_at - now);
      } else if (http && s->channel && s->disconnect.empty() && s->broken.empty()) {
        Failure f;
        f.kind = s->refused   ? Failure::Kind::kHttp
                 : s->stalled ? Failure::Kind::kStalled
                              : Failure::Kind::kNetwork;
        f.http_status = s->refused ? s->refused->status : 0;
        f.failures = failures;
        auto retry = s->channel->OnFailure(f, s->refused ? s->refused->body : "",
                                           s->refused ? s->refused->reset_at : std::nullopt, now);
        if (retry) {
          delay = retry->delay_ms;
          if (!retry->error.empty()) error = retry->error;
        }
      }
      UpdateHealth(id, [&](StreamHealth& h) {
        ++h.reconnects;
        h.last_error = error;
        h.last_error_at = now;
      });
      Log(LogLevel::kWarn, "stream.disconnected",
          {{"connector_id", id}, {"error", error}, {"retry_in_ms", delay}});
      Status st = store.connectors().RecordFailure(id, error, now, now + delay);
      (void)st;
      asio::steady_timer timer(io);
      timer.expires_after(std::chrono::milliseconds(delay));
      s->backoff = &timer;
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
      s->backoff = nullptr;
    }
  }

  //! A coroutine, not a capturing lambda: GCC 12 mishandles a lambda coroutine's captures
  //! handed to co_spawn (freed twice).
  asio::awaitable<Prepared> PrepareOnPool(Protocol* protocol, store::Connector connector,
                                          Channel* channel) {
    co_return PrepareBlocking(*protocol, connector, channel);
  }

  //! Runs on the session's strand of the blocking pool, never on the loop thread.
  Prepared PrepareBlocking(Protocol& protocol, const store::Connector& connector,
                           Channel* channel) {
    Prepared p;
    if (!channel) {
      auto creds = registry.Credentials(connector);
      if (!creds.ok()) {
        p.error = creds.status().message();
        return p;
      }
      auto opened = protocol.Open(connector, *creds);
      if (!opened.ok()) {
        p.error = opened.status().message();
        return p;
      }
      p.channel = std::move(opened).value();
      channel = p.channel.get();
    }
    if (Status st = channel->Prepare(clock.Now(), &p.retry_at); !st.ok()) p.error = st.message();
    return p;
  }

  asio::awaitable<void> Connect(std::shared_ptr<Session> s, bool* got_event, bool* http) {
    const std::string url = s->channel->Url(s->saved_cursor);
    s->pending_cursor = s->saved_cursor;
    auto ep = ParseUrl(url);
    if (!ep.ok()) throw std::runtime_error(ep.status().message());
    *http = ep->http;
    tcp::resolver resolver(io);
    auto addresses = co_await resolver.async_resolve(ep->host, ep->port, use_awaitable);
    if (s->stopped) co_return;
    if (ep->http && ep->tls) {
      beast::ssl_stream<beast::tcp_stream> stream(io, tls);
      beast::get_lowest_layer(stream).expires_after(
          std::chrono::milliseconds(options.connect_timeout_ms));
      s->close = [&stream] { beast::get_lowest_layer(stream).close(); };
      co_await beast::get_lowest_layer(stream).async_connect(addresses, use_awaitable);
      if (!SSL_set_tlsext_host_name(stream.native_handle(), ep->host.c_str()))
        throw std::runtime_error("TLS: cannot set the server name");
      stream.set_verify_callback(asio::ssl::host_name_verification(ep->host));
      co_await stream.async_handshake(asio::ssl::stream_base::client, use_awaitable);
      co_await ReadHttp(s, stream, *ep, got_event);
    } else if (ep->http) {
      beast::tcp_stream stream(io);
      stream.expires_after(std::chrono::milliseconds(options.connect_timeout_ms));
      s->close = [&stream] { stream.close(); };
      co_await stream.async_connect(addresses, use_awaitable);
      co_await ReadHttp(s, stream, *ep, got_event);
    } else if (ep->tls) {
      websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(io, tls);
      beast::get_lowest_layer(ws).expires_after(
          std::chrono::milliseconds(options.connect_timeout_ms));
      s->close = [&ws] { beast::get_lowest_layer(ws).close(); };
      co_await beast::get_lowest_layer(ws).async_connect(addresses, use_awaitable);
      if (!SSL_set_tlsext_host_name(ws.next_layer().native_handle(), ep->host.c_str()))
        throw std::runtime_error("TLS: cannot set the server name");
      ws.next_layer().set_verify_callback(asio::ssl::host_name_verification(ep->host));
      co_await ws.next_layer().async_handshake(asio::ssl::stream_base::client, use_awaitable);
      co_await Read(s, ws, *ep, got_event);
    } else {
      websocket::stream<beast::tcp_stream> ws(io);
      beast::get_lowest_layer(ws).expires_after(
          std::chrono::milliseconds(options.connect_timeout_ms));
      s->close = [&ws] { beast::get_lowest_layer(ws).close(); };
      co_await beast::get_lowest_layer(ws).async_connect(addresses, use_awaitable);
      co_await Read(s, ws, *ep, got_event);
    }
  }

  template <typename WebSocket>
  asio::awaitable<void> Read(std::shared_ptr<Session> s, WebSocket& ws, const Endpoint& ep,
                             bool* got_event) {
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout t{};
    t.handshake_timeout = std::chrono::milliseconds(options.connect_timeout_ms);
    t.idle_timeout = std::chrono::milliseconds(options.idle_timeout_ms);
    t.keep_alive_pings = true;
    ws.set_option(t);
    ws.set_option(
        websocket::stream_base::decorator([ua = options.user_agent](websocket::request_type& req) {
          req.set(beast::http::field::user_agent, ua);
        }));
    ws.read_message_max(options.max_message_bytes);
    websocket::response_type answer;
    co_await ws.async_handshake(answer, HostHeader(ep), ep.target, use_awaitable);
    // A completion already queued when the session was stopped still resumes here: a stopped
    // session must not touch its (erased) health entry again.
    if (s->stopped) co_return;
    const Id id = s->connector.id;
    MarkConnected(*s, ep);
    beast::flat_buffer buffer;
    while (!s->stopped) {
      co_await ws.async_read(buffer, use_awaitable);
      if (s->stopped) break;
      *got_event = true;
      if (ws.got_text()) {
        OnMessage(*s,
                  std::string_view(static_cast<const char*>(buffer.data().data()), buffer.size()));
      } else {
        UpdateHealth(id, [](StreamHealth& h) {
          ++h.events;
          ++h.malformed;
        });
        Log(LogLevel::kWarn, "stream.malformed",
            {{"connector_id", id}, {"error", "binary message (compression is not requested)"}});
      }
      buffer.consume(buffer.size());
      if (!s->broken.empty()) throw std::runtime_error(s->broken);
      if (!s->disconnect.empty()) co_return;
    }
  }

  void MarkConnected(Session& s, const Endpoint& ep) {
    const UnixMillis now = clock.Now();
    UpdateHealth(s.connector.id, [&](StreamHealth& h) {
      h.connected = true;
      h.connected_since = now;
    });
    RecordSuccess(s, now);
    s.live = true;
    Log(LogLevel::kInfo, "stream.connected",
        {{"connector_id", s.connector.id},
         {"host", ep.host},
         // The path only: a query may carry an access token.
         {"path", ep.target.substr(0, std::min<size_t>(ep.target.find('?'), 300))}});
  }

  UnixMillis StallMs(const Session& s) const {
    UnixMillis ms = s.channel ? s.channel->StallMs() : 0;
    return ms > 0 ? ms : options.idle_timeout_ms;
  }

  //! An HTTP/1.1 streaming GET: the body (chunked or not) is newline-delimited messages, empty
  //! lines are keep-alives. A line longer than max_message_bytes is skipped up to its end and
  //! counted; no byte for StallMs() is a stall (reconnect).
  template <typename Stream>
  asio::awaitable<void> ReadHttp(std::shared_ptr<Session> s, Stream& stream, const Endpoint& ep,
                                 bool* got_event) {
    namespace http = beast::http;
    auto& lowest = beast::get_lowest_layer(stream);
    http::request<http::empty_body> req{http::verb::get, ep.target, 11};
    req.set(http::field::host, HostHeader(ep));
    req.set(http::field::user_agent, options.user_agent);
    req.set(http::field::accept, "application/json");
    for (const auto& [name, value] : s->channel->Headers()) req.set(name, value);
    lowest.expires_after(std::chrono::milliseconds(options.connect_timeout_ms));
    co_await http::async_write(stream, req, use_awaitable);
    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    // The body never ends. (Not boost::none: Boost 1.74 then refuses any Content-Length body.)
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.header_limit(64 * 1024);
    co_await http::async_read_header(stream, buffer, parser, use_awaitable);
    if (s->stopped) co_return;
    std::vector<char> chunk(64 * 1024);
    // Reads some body bytes into `chunk`; returns how many (0 only at the end of the body: a read
    // may parse a chunk header and no body byte, then it reads again).
    auto read_some = [&]() -> asio::awaitable<size_t> {
      while (!parser.is_done()) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        boost::system::error_code ec;
        co_await http::async_read_some(stream, buffer, parser,
                                       asio::redirect_error(use_awaitable, ec));
        if (ec == http::error::need_buffer) ec = {};
        if (ec == beast::error::timeout && !s->stopped) {
          s->stalled = true;
          throw std::runtime_error("stalled");
        }
        if (ec) throw boost::system::system_error(ec);
        if (s->stopped) co_return 0;
        const size_t n = chunk.size() - parser.get().body().size;
        if (n > 0) co_return n;
      }
      co_return 0;
    };
    const int status = parser.get().result_int();
    if (status != 200) {
      HttpRefused r;
      r.status = status;
      r.reset_at = ResetAt(std::string(parser.get()["x-rate-limit-reset"]));
      try {
        while (r.body.size() < kMaxRefusalBody) {
          size_t n = co_await read_some();
          if (n == 0) break;
          r.body.append(chunk.data(), std::min(n, kMaxRefusalBody - r.body.size()));
        }
      } catch (const std::exception&) {
        // What arrived of the reason is enough.
      }
      s->stalled = false;
      s->refused = std::move(r);
      co_return;
    }
    MarkConnected(*s, ep);
    std::string line;
    bool skipping = false;  // inside a line that is too long
    size_t skipped = 0;
    const auto stall = std::chrono::milliseconds(StallMs(*s));
    while (!s->stopped) {
      lowest.expires_after(stall);
      size_t n = co_await read_some();
      if (s->stopped) break;
      if (n == 0) co_return;  // the server ended the body
      const char* p = chunk.data();
      const char* end = p + n;
      while (p < end) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
        const char* stop = nl ? nl : end;
        if (skipping) {
          skipped += stop - p;
        } else if (line.size() + (stop - p) > options.max_message_bytes) {
          skipping = true;
          skipped = line.size() + (stop - p);
          line.clear();
          line.shrink_to_fit();
        } else {
          line.append(p, stop);
        }
        if (!nl) break;
        p = nl + 1;
        if (skipping) {
          OnSkippedLine(*s, skipped);
          skipping = false;
          *got_event = true;
        } else {
          if (!line.empty() && line.back() == '\r') line.pop_back();
          if (!line.empty()) {  // an empty line is a keep-alive
            *got_event = true;
            OnMessage(*s, line);
            if (s->stopped) co_return;
          }
          line.clear();
        }
        if (!s->broken.empty()) throw std::runtime_error(s->broken);
        if (!s->disconnect.empty()) co_return;
      }
    }
  }

  // ------------------------------------------------------------ ticker
  void ArmTicker() {
    ticker.expires_after(std::chrono::milliseconds(options.flush_ms));
    ticker.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      for (auto& [id, s] : sessions) Flush(*s);
      const auto loop_now = std::chrono::steady_clock::now();
      for (auto& [id, s] : sessions) {
        if (!s->channel || s->stopped || !s->live || s->maintaining) continue;
        if (loop_now - s->last_maintained < std::chrono::milliseconds(options.refresh_ms) &&
            !s->channel->Urgent(clock.Now()))
          continue;
        s->last_maintained = loop_now;
        // Off the loop (a rules sync may wait seconds on the platform); the channel's OnMessage
        // keeps running on the loop meanwhile. What it read meanwhile is stored on the loop.
        s->maintaining = true;
        asio::post(s->blocking, [this, s, now = clock.Now()] {
          s->channel->Maintain(now);
          asio::post(io, [this, s] {
            s->maintaining = false;
            if (!s->stopped && !stopping && s->channel) TakeFilled(*s);
          });
        });
      }
      if (clock.Now() - last_refresh >= options.refresh_ms) RefreshNow();
      ArmTicker();
    });
  }
};

Hub::Hub(Registry& registry, store::Store& store, const Clock& clock, ingest::MentionSink on_new,
         ingest::Labeler labeler, HubOptions options)
    : impl_(std::make_unique<Impl>(registry, store, clock, std::move(on_new), std::move(labeler),
                                   options)) {}

Hub::~Hub() { Stop(); }

void Hub::Add(Protocol* protocol) { impl_->protocols.push_back(protocol); }

void Hub::set_matcher(ingest::QueryMatcher matcher) { impl_->matcher = std::move(matcher); }

Status Hub::Start() {
  if (impl_->started) return FailedPrecondition("the stream worker is already running");
  impl_->started = true;
  impl_->guard.emplace(impl_->io.get_executor());
  asio::post(impl_->io, [this] {
    impl_->RefreshNow();
    impl_->ArmTicker();
  });
  impl_->thread = std::thread([this] {
    for (;;) {
      try {
        impl_->io.run();
        return;
      } catch (const std::exception& e) {
        Log(LogLevel::kError, "stream.loop_error", {{"error", e.what()}});
      }
    }
  });
  return Status::Ok();
}

void Hub::Stop() {
  if (!impl_->started || !impl_->thread.joinable()) return;
  asio::post(impl_->io, [this] {
    for (auto& [id, s] : impl_->sessions) impl_->StopSession(*s);
    impl_->stopping = true;
    impl_->ticker.cancel();
    impl_->guard.reset();
  });
  impl_->thread.join();
  impl_->blocking.join();  // a blocking call still running ends by its own timeout
  impl_->sessions.clear();
}

void Hub::Refresh() {
  if (!impl_->started) return;
  asio::post(impl_->io, [this] { impl_->RefreshNow(); });
}

std::optional<StreamHealth> Hub::Health(Id connector_id) const {
  std::optional<StreamHealth> h;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->health.find(connector_id);
    if (it == impl_->health.end()) return std::nullopt;
    h = it->second;
  }
  for (const Protocol* p : impl_->protocols) p->Describe(connector_id, &*h);
  return h;
}

}  // namespace humas::connectors::stream
