// The HTTP server: Boost.Beast/Asio I/O on one thread, handlers on a bounded worker pool,
// routing, static files, server-sent events and graceful shutdown.
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>  // before Asio: Boost 1.74 + GCC 12 + C++20 (see beast_pch.h)
#include <vector>

#include "core/log.h"
#include "http/http.h"
#include "http/router.h"
#include "http/sse.h"
#include "http/static_files.h"
#include "http/url.h"
#include "http/worker_pool.h"

namespace humas::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxHeaderBytes = 16 * 1024;
constexpr auto kWriteTimeout = std::chrono::seconds(30);
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr size_t kMaxLingerBytes = 8 << 20;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::string_view kCsp =
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; frame-ancestors 'none'";

beast::string_view Bsv(std::string_view s) { return {s.data(), s.size()}; }
std::string Str(beast::string_view s) { return {s.data(), s.size()}; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsHttpParseError(const beast::error_code& ec) {
  return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category();
}

class ServerImpl;

//! One client connection. Held by shared_ptr because its pending async operations, the worker
//! task computing its response and (for SSE) the publisher hub all keep it alive; whichever
//! finishes last frees it. All members are used on the I/O thread only, except `sse_queue_` and
//! `sse_filter_` (see Publish), which are set before the session is shared with the hub.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerImpl* server, tcp::socket socket);
  ~Session();

  void Begin() { ReadRequest(); }
  //! Closes the connection if it is waiting for (or reading) a request; used by Stop().
  void CloseIfReading();
  //! Ends an SSE stream (on disconnect, overflow, or Stop) and logs its access line.
  void CloseSse();
  //! Writes queued SSE messages, one at a time.
  void SseWriteNext();

  // Read by Publish on any thread; immutable once the session is in the hub.
  SseFilter sse_filter_;
  std::unique_ptr<SseQueue> sse_queue_;

 private:
  enum class State { kReading, kBusy, kSse, kClosing, kClosed };

  void ReadRequest();
  void OnHeader(beast::error_code ec);
  void ReadBody();
  void OnBody(beast::error_code ec);
  void OnReadError(beast::error_code ec);
  void Dispatch(Request request, const RouteMatch& match);
  bool Submit(std::function<void()> task);
  void Reply(Response res, bool close);
  void OnWrite(beast::error_code ec, bool keep_alive);
  void CloseGracefully();
  void Linger();
  void StartSse(SseDecision decision);
  void SseHeartbeat();
  void SseWatchDisconnect();
  void LogAccess();
  void EndRequest();

  ServerImpl* const server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::string_body>> response_;
  std::string remote_ip_;
  State state_ = State::kReading;
  bool counted_ = false;  // this session holds one unit of the server's in-flight count

  // The request being answered, for the access log and keep-alive.
  Clock::time_point started_;
  std::string method_;
  std::string raw_path_;
  bool head_ = false;
  bool keep_alive_ = false;
  bool large_body_ = false;
  int status_ = 0;
  size_t bytes_ = 0;

  // SSE state.
  asio::steady_timer heartbeat_;
  std::optional<Clock::time_point> sse_write_started_;
  std::array<char, 512> scratch_{};  // discarded input (SSE disconnect watch, lingering close)
  size_t lingered_ = 0;
};

class ServerImpl final : public Server {
 public:
  explicit ServerImpl(ServerOptions options)
      : options_(std::move(options)), io_(std::make_unique<asio::io_context>(1)) {}
  ~ServerImpl() override { Stop(); }

  void Route(std::string method, std::string pattern, Handler handler, bool large_body) override {
    RouteEntry entry;
    entry.method = std::move(method);
    entry.pattern = std::move(pattern);
    entry.kind = RouteKind::kHandler;
    entry.handler = std::move(handler);
    entry.large_body = large_body;
    AddRoute(std::move(entry));
  }

  void SseRoute(std::string pattern, SseAuthorizer authorize) override {
    RouteEntry entry;
    entry.method = "GET";
    entry.pattern = std::move(pattern);
    entry.kind = RouteKind::kSse;
    entry.authorize = std::move(authorize);
    AddRoute(std::move(entry));
  }

  void Publish(const SseEvent& event) override;
  Status Start() override;
  uint16_t port() const override { return port_.load(); }
  void Stop() override;
  void Wait() override {
    std::unique_lock<std::mutex> lock(state_mu_);
    state_cv_.wait(lock, [this] { return state_ == State::kStopped; });
  }

  // For sessions (I/O thread unless noted).
  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  const std::optional<std::filesystem::path>& static_root() const { return static_root_; }
  bool stopping() const { return stopping_.load(); }  // any thread
  WorkerPool& pool() { return *pool_; }
  void Register(Session* s, std::weak_ptr<Session> w) {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_[s] = std::move(w);
  }
  void Unregister(Session* s) {  // any thread (session destructor)
    std::lock_guard<std::mutex> lock(sessions_mu_);
    sessions_.erase(s);
  }
  void BeginRequest() {
    std::lock_guard<std::mutex> lock(inflight_mu_);
    ++inflight_;
  }
  void EndRequest() {  // any thread (session destructor)
    std::lock_guard<std::mutex> lock(inflight_mu_);
    if (--inflight_ == 0) inflight_cv_.notify_all();
  }
  //! Adds an SSE subscriber; false when the server is stopping.
  bool Subscribe(std::shared_ptr<Session> s) {
    std::unique_lock<std::shared_mutex> lock(hub_mu_);
    if (hub_closed_) return false;
    subscribers_.push_back(std::move(s));
    return true;
  }
  void Unsubscribe(Session* s) {
    std::unique_lock<std::shared_mutex> lock(hub_mu_);
    std::erase_if(subscribers_, [s](const std::shared_ptr<Session>& p) { return p.get() == s; });
  }

 private:
  enum class State { kNew, kRunning, kStopping, kStopped };

  void AddRoute(RouteEntry entry) {
    std::lock_guard<std::mutex> lock(state_mu_);
    std::string what = entry.method + " " + entry.pattern;
    if (state_ != State::kNew) {
      Log(LogLevel::kError, "http_route_after_start", {{"route", what}});
      return;
    }
    Status s = router_.Add(std::move(entry));
    if (!s.ok()) Log(LogLevel::kError, "http_route_invalid", {{"error", s.message()}});
  }
  void Accept();
  void RunIo();
  void CloseConnectionsForStop();

  const ServerOptions options_;
  Router router_;  // written before Start (under state_mu_), read-only afterwards
  std::optional<std::filesystem::path> static_root_;  // canonical; set in Start
  std::atomic<uint16_t> port_{0};
  std::atomic<bool> stopping_{false};

  std::mutex state_mu_;
  std::condition_variable state_cv_;
  State state_ = State::kNew;  // guarded by state_mu_

  // Reset at the end of Stop(), which destroys any handlers (and sessions) still queued in it.
  std::unique_ptr<asio::io_context> io_;
  std::optional<tcp::acceptor> acceptor_;  // I/O thread after Start
  std::optional<asio::steady_timer> accept_retry_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_guard_;
  std::thread io_thread_;
  std::unique_ptr<WorkerPool> pool_;

  std::mutex sessions_mu_;
  std::map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by sessions_mu_

  std::mutex inflight_mu_;
  std::condition_variable inflight_cv_;
  int64_t inflight_ = 0;  // guarded by inflight_mu_: requests dispatched but not yet answered

  std::shared_mutex hub_mu_;  // Publish holds it shared; (un)subscribing and Stop exclusively
  std::vector<std::shared_ptr<Session>> subscribers_;  // guarded by hub_mu_
  bool hub_closed_ = false;                            // guarded by hub_mu_
};

// ---------------------------------------------------------------------------------------------
// Session

Session::Session(ServerImpl* server, tcp::socket socket)
    : server_(server), stream_(std::move(socket)), heartbeat_(stream_.get_executor()) {
  beast::error_code ec;
  tcp::endpoint remote = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ip_ = remote.address().to_string();
}

Session::~Session() {
  server_->Unregister(this);
  if (counted_) server_->EndRequest();
}

void Session::ReadRequest() {
  state_ = State::kReading;
  method_.clear();
  raw_path_.clear();
  head_ = false;
  large_body_ = false;
  status_ = 0;
  bytes_ = 0;
  parser_.emplace();
  parser_->header_limit(kMaxHeaderBytes);
  // Beast checks Content-Length against the limit while parsing the header, before the route
  // (and so the real limit) is known: start with the larger one and narrow it in OnHeader.
  parser_->body_limit(
      std::max(server_->options().max_body_bytes, server_->options().max_upload_bytes));
  stream_.expires_after(std::chrono::seconds(server_->options().read_timeout_seconds));
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Session::OnHeader(beast::error_code ec) {
  if (state_ != State::kReading) return;
  if (ec) return OnReadError(ec);
  started_ = Clock::now();
  auto& req = parser_->get();
  method_ = Str(req.method_string());
  std::string_view target(req.target().data(), req.target().size());
  raw_path_ = std::string(target.substr(0, target.find('?')));
  head_ = req.method() == bhttp::verb::head;
  keep_alive_ = req.keep_alive();

  if (server_->stopping()) {
    return Reply(ErrorResponse(503, "unavailable", "the server is shutting down"), true);
  }
  if (raw_path_.empty() || raw_path_.front() != '/') {
    return Reply(ErrorResponse(400, "invalid_argument", "request target must start with '/'"),
                 true);
  }
  RouteMatch match = server_->router().Match(method_, raw_path_);
  large_body_ = match.outcome == RouteMatch::Outcome::kFound && match.route->large_body;
  uint64_t limit =
      large_body_ ? server_->options().max_upload_bytes : server_->options().max_body_bytes;
  if (auto length = parser_->content_length(); length && *length > limit) {
    return Reply(ErrorResponse(413, "payload_too_large",
                               "request body exceeds " + std::to_string(limit) + " bytes"),
                 true);
  }
  parser_->body_limit(limit);
  if (parser_->is_done()) return OnBody({});

  auto timeout = std::chrono::seconds(server_->options().read_timeout_seconds);
  stream_.expires_after(large_body_ ? timeout * 10 : timeout);
  auto expect = req[bhttp::field::expect];
  if (beast::iequals(expect, "100-continue")) {
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->OnReadError(ec);
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void Session::ReadBody() {
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void Session::OnBody(beast::error_code ec) {
  if (state_ != State::kReading) return;
  if (ec) return OnReadError(ec);
  state_ = State::kBusy;
  stream_.expires_never();
  auto& req = parser_->get();

  Request request;
  request.method = method_;
  request.target = Str(req.target());
  std::optional<std::string> path = PercentDecode(raw_path_, false);
  size_t qmark = request.target.find('?');
  auto query =
      ParseQuery(qmark == std::string::npos ? std::string_view()
                                            : std::string_view(request.target).substr(qmark + 1));
  if (!path || !query.ok()) {
    return Reply(ErrorResponse(400, "invalid_argument", "malformed percent-escape in the URL"),
                 false);
  }
  request.path = std::move(*path);
  request.query = std::move(query).value();
  for (const auto& field : req) {
    request.headers.emplace(
        Lower(std::string_view(field.name_string().data(), field.name_string().size())),
        Str(field.value()));
  }
  request.body = std::move(req.body());
  request.remote_ip = remote_ip_;
  parser_.reset();

  RouteMatch match = server_->router().Match(method_, raw_path_);
  Dispatch(std::move(request), match);
}

void Session::Dispatch(Request request, const RouteMatch& match) {
  using Outcome = RouteMatch::Outcome;
  if (match.outcome == Outcome::kMethodNotAllowed) {
    Response res = ErrorResponse(405, "method_not_allowed",
                                 "method " + method_ + " is not allowed here; use " + match.allow);
    res.AddHeader("Allow", match.allow);
    return Reply(std::move(res), false);
  }
  auto self = shared_from_this();
  if (match.outcome == Outcome::kFound) {
    request.params = match.params;
    const RouteEntry* route = match.route;  // stable: routes never change after Start
    if (route->kind == RouteKind::kSse) {
      if (head_) {
        Response res = ErrorResponse(405, "method_not_allowed", "event streams need GET");
        res.AddHeader("Allow", "GET");
        return Reply(std::move(res), false);
      }
      Submit([self, route, request = std::move(request)]() {
        SseDecision decision;
        try {
          decision = route->authorize(request);
        } catch (const std::exception& e) {
          Log(LogLevel::kError, "http_handler_exception",
              {{"method", request.method}, {"path", request.path}, {"error", e.what()}});
          decision.reject = ErrorResponse(500, "internal", "internal error; it has been logged");
        }
        asio::post(self->stream_.get_executor(), [self, decision = std::move(decision)]() mutable {
          self->StartSse(std::move(decision));
        });
      });
      return;
    }
    Submit([self, route, request = std::move(request)]() {
      Response res;
      try {
        res = route->handler(request);
      } catch (const std::exception& e) {
        Log(LogLevel::kError, "http_handler_exception",
            {{"method", request.method}, {"path", request.path}, {"error", e.what()}});
        res = ErrorResponse(500, "internal", "internal error; it has been logged");
      } catch (...) {
        Log(LogLevel::kError, "http_handler_exception",
            {{"method", request.method}, {"path", request.path}, {"error", "unknown"}});
        res = ErrorResponse(500, "internal", "internal error; it has been logged");
      }
      asio::post(self->stream_.get_executor(),
                 [self, res = std::move(res)]() mutable { self->Reply(std::move(res), false); });
    });
    return;
  }
  bool api = raw_path_ == "/api" || raw_path_.starts_with("/api/");
  bool get = method_ == "GET" || method_ == "HEAD";
  if (api || !get || !server_->static_root()) {
    return Reply(ErrorResponse(404, "not_found", "no such resource: " + request.path), false);
  }
  Submit([self, root = *server_->static_root(), path = raw_path_]() {
    Response res;
    try {
      res = StaticResponse(root, path);
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "http_static_error", {{"path", path}, {"error", e.what()}});
      res = ErrorResponse(500, "internal", "internal error; it has been logged");
    }
    asio::post(self->stream_.get_executor(),
               [self, res = std::move(res)]() mutable { self->Reply(std::move(res), false); });
  });
}

bool Session::Submit(std::function<void()> task) {
  server_->BeginRequest();
  counted_ = true;
  if (server_->pool().TrySubmit(std::move(task))) return true;
  Response res = server_->stopping()
                     ? ErrorResponse(503, "unavailable", "the server is shutting down")
                     : ErrorResponse(503, "unavailable", "the server is busy; retry shortly");
  res.AddHeader("Retry-After", "1");
  Reply(std::move(res), false);
  return false;
}

void Session::OnReadError(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) {
    uint64_t limit =
        large_body_ ? server_->options().max_upload_bytes : server_->options().max_body_bytes;
    return Reply(ErrorResponse(413, "payload_too_large",
                               "request body exceeds " + std::to_string(limit) + " bytes"),
                 true);
  }
  if (ec == bhttp::error::header_limit) {
    if (method_.empty()) started_ = Clock::now();
    return Reply(ErrorResponse(431, "invalid_argument", "request header too large"), true);
  }
  if (IsHttpParseError(ec) && ec != bhttp::error::end_of_stream &&
      ec != bhttp::error::partial_message) {
    if (method_.empty()) started_ = Clock::now();
    return Reply(ErrorResponse(400, "invalid_argument", "malformed HTTP request"), true);
  }
  // Timeouts, resets, a client closing an idle keep-alive connection, or Stop(): just close.
  state_ = State::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void Session::Reply(Response res, bool close) {
  state_ = State::kBusy;
  if (res.status < 200 || res.status > 599) {
    Log(LogLevel::kError, "http_invalid_status", {{"path", raw_path_}, {"status", res.status}});
    res = ErrorResponse(500, "internal", "internal error; it has been logged");
  }
  status_ = res.status;
  response_.emplace();
  auto& out = *response_;
  out.version(11);
  out.result(static_cast<unsigned>(res.status));
  for (const auto& [name, value] : res.headers) out.insert(Bsv(name), Bsv(value));
  bool no_body = res.status == 204 || res.status == 304;
  if (!res.content_type.empty() && !no_body) {
    out.set(bhttp::field::content_type, Bsv(res.content_type));
  }
  out.set("X-Content-Type-Options", "nosniff");
  out.set("Referrer-Policy", "same-origin");
  out.set(bhttp::field::x_frame_options, "DENY");
  if (res.content_type.starts_with("text/html")) {
    out.set("Content-Security-Policy", Bsv(kCsp));
  }
  bool keep_alive = keep_alive_ && !close && !server_->stopping();
  out.keep_alive(keep_alive);
  if (no_body) {
    bytes_ = 0;
  } else if (head_) {
    out.set(bhttp::field::content_length, std::to_string(res.body.size()));
    bytes_ = 0;
  } else {
    bytes_ = res.body.size();
    out.body() = std::move(res.body);
    out.prepare_payload();
  }
  stream_.expires_after(kWriteTimeout);
  bhttp::async_write(stream_, out,
                     [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                       self->OnWrite(ec, keep_alive);
                     });
}

void Session::OnWrite(beast::error_code ec, bool keep_alive) {
  LogAccess();
  response_.reset();
  EndRequest();
  if (ec) {
    state_ = State::kClosed;
    stream_.close();
    return;
  }
  if (!keep_alive) return CloseGracefully();
  ReadRequest();
}

void Session::EndRequest() {
  if (!counted_) return;
  counted_ = false;
  server_->EndRequest();
}

void Session::LogAccess() {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started_).count();
  Log(LogLevel::kInfo, "http_request",
      {{"method", method_.empty() ? std::string("-") : method_},
       {"path", raw_path_.empty() ? std::string("-") : raw_path_},
       {"status", status_},
       {"duration_ms", static_cast<int64_t>(ms)},
       {"bytes", bytes_}});
}

// Half-closes and reads (and discards) whatever the client still sends for a short while, so
// the kernel does not reset the connection before the client has read our last response (e.g.
// a 413 sent before its body).
void Session::CloseGracefully() {
  state_ = State::kClosing;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTimeout);
  Linger();
}

void Session::Linger() {
  stream_.async_read_some(asio::buffer(scratch_),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->lingered_ += n;
                            if (ec || self->lingered_ > kMaxLingerBytes) {
                              self->state_ = State::kClosed;
                              self->stream_.close();
                              return;
                            }
                            self->Linger();
                          });
}

void Session::CloseIfReading() {
  if (state_ != State::kReading) return;
  state_ = State::kClosed;
  stream_.close();
}

// ---------------------------------------------------------------------------------------------
// Server-sent events

void Session::StartSse(SseDecision decision) {
  if (decision.reject) return Reply(std::move(*decision.reject), false);
  if (server_->stopping()) {
    return Reply(ErrorResponse(503, "unavailable", "the server is shutting down"), true);
  }
  EndRequest();  // an open stream is not an in-flight request; Stop() closes it
  status_ = 200;
  state_ = State::kSse;
  sse_filter_ = decision.filter ? std::move(decision.filter)
                                : SseFilter([](const SseEvent&) { return true; });
  sse_queue_ = std::make_unique<SseQueue>(server_->options().sse_max_queued_events);
  std::string head =
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/event-stream\r\n"
      "Cache-Control: no-cache\r\n"
      "Connection: keep-alive\r\n"
      "X-Accel-Buffering: no\r\n"
      "X-Content-Type-Options: nosniff\r\n"
      "Referrer-Policy: same-origin\r\n"
      "X-Frame-Options: DENY\r\n"
      "\r\n"
      ":ok\n\n";
  // Queued before subscribing, so no event can overtake the header; once the client has read
  // ":ok" it is subscribed.
  (void)sse_queue_->Push(std::make_shared<const std::string>(std::move(head)));
  if (!server_->Subscribe(shared_from_this())) return CloseSse();
  stream_.expires_never();
  SseWriteNext();
  SseWatchDisconnect();
  SseHeartbeat();
}

void Session::SseWriteNext() {
  if (state_ != State::kSse) return;
  std::shared_ptr<const std::string> next = sse_queue_->Next();
  if (!next) {
    sse_write_started_.reset();
    if (sse_queue_->closed()) CloseSse();
    return;
  }
  sse_write_started_ = Clock::now();
  asio::async_write(stream_, asio::buffer(*next),
                    [self = shared_from_this(), next](beast::error_code ec, size_t n) {
                      if (ec) return self->CloseSse();
                      self->bytes_ += n;
                      self->SseWriteNext();
                    });
}

void Session::SseWatchDisconnect() {
  stream_.async_read_some(asio::buffer(scratch_),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec) return self->CloseSse();
                            self->SseWatchDisconnect();  // clients should not send; ignore it
                          });
}

void Session::SseHeartbeat() {
  int seconds = std::max(1, server_->options().sse_heartbeat_seconds);
  heartbeat_.expires_after(std::chrono::seconds(seconds));
  heartbeat_.async_wait([self = shared_from_this(), seconds](beast::error_code ec) {
    if (ec || self->state_ != State::kSse) return;
    // A write that has not finished in four heartbeats (at least a minute) means the client
    // stopped reading; drop it rather than hold its buffers.
    auto stuck = std::max(std::chrono::seconds(60), std::chrono::seconds(4 * seconds));
    if (self->sse_write_started_ && Clock::now() - *self->sse_write_started_ > stuck) {
      Log(LogLevel::kWarn, "http_sse_client_stalled", {{"path", self->raw_path_}});
      return self->CloseSse();
    }
    static const auto kPing = std::make_shared<const std::string>(": ping\n\n");
    switch (self->sse_queue_->Push(kPing)) {
      case SseQueue::PushResult::kStartWriter:
        self->SseWriteNext();
        break;
      case SseQueue::PushResult::kOverflow:
      case SseQueue::PushResult::kClosed:
        return self->CloseSse();
      case SseQueue::PushResult::kQueued:
        break;
    }
    self->SseHeartbeat();
  });
}

void Session::CloseSse() {
  if (state_ != State::kSse) return;
  state_ = State::kClosed;
  sse_queue_->Close();
  heartbeat_.cancel();
  server_->Unsubscribe(this);
  LogAccess();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void ServerImpl::Publish(const SseEvent& event) {
  std::shared_lock<std::shared_mutex> lock(hub_mu_);
  if (hub_closed_ || subscribers_.empty()) return;
  std::shared_ptr<const std::string> message;
  for (const std::shared_ptr<Session>& s : subscribers_) {
    bool wanted = false;
    try {
      wanted = s->sse_filter_(event);
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "http_sse_filter_exception", {{"error", e.what()}});
    }
    if (!wanted) continue;
    if (!message) message = std::make_shared<const std::string>(FormatSseEvent(event));
    switch (s->sse_queue_->Push(message)) {
      case SseQueue::PushResult::kStartWriter:
        asio::post(*io_, [s] { s->SseWriteNext(); });
        break;
      case SseQueue::PushResult::kOverflow:
        Log(LogLevel::kWarn, "http_sse_subscriber_overflow",
            {{"queued_limit", options_.sse_max_queued_events}});
        asio::post(*io_, [s] { s->CloseSse(); });
        break;
      case SseQueue::PushResult::kQueued:
      case SseQueue::PushResult::kClosed:
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Server lifecycle

Status ServerImpl::Start() {
  std::lock_guard<std::mutex> lock(state_mu_);
  if (state_ != State::kNew) return FailedPrecondition("the HTTP server was already started");
  if (!options_.static_dir.empty()) {
    std::error_code fec;
    std::filesystem::path root = std::filesystem::canonical(options_.static_dir, fec);
    if (fec || !std::filesystem::is_directory(root, fec)) {
      return InvalidArgument("static_dir " + options_.static_dir +
                             " is not a readable directory; build the web client or fix the path");
    }
    static_root_ = root;
  }
  beast::error_code ec;
  tcp::resolver resolver(*io_);
  auto endpoints =
      resolver.resolve(options_.host, std::to_string(options_.port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return InvalidArgument("cannot resolve listen host " + options_.host + ": " + ec.message());
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.emplace(*io_);
  if (acceptor_->open(endpoint.protocol(), ec); !ec) {
    acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    acceptor_.reset();
    return Unavailable("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                       ": " + ec.message());
  }
  port_.store(acceptor_->local_endpoint().port());
  pool_ = std::make_unique<WorkerPool>(options_.worker_threads, options_.max_queued_requests);
  work_guard_.emplace(io_->get_executor());
  accept_retry_.emplace(*io_);
  Accept();
  io_thread_ = std::thread([this] { RunIo(); });
  state_ = State::kRunning;
  Log(LogLevel::kInfo, "http_listening",
      {{"host", options_.host}, {"port", port_.load()}, {"workers", options_.worker_threads}});
  return Status::Ok();
}

void ServerImpl::Accept() {
  acceptor_->async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
    if (ec) {
      // E.g. out of file descriptors: back off briefly instead of spinning.
      Log(LogLevel::kWarn, "http_accept_failed", {{"error", ec.message()}});
      accept_retry_->expires_after(std::chrono::milliseconds(100));
      accept_retry_->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor_->is_open()) Accept();
      });
      return;
    }
    auto session = std::make_shared<Session>(this, std::move(socket));
    Register(session.get(), session);
    session->Begin();
    Accept();
  });
}

void ServerImpl::RunIo() {
  while (true) {
    try {
      io_->run();
      return;
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "http_io_exception", {{"error", e.what()}});
    }
  }
}

void ServerImpl::CloseConnectionsForStop() {
  beast::error_code ignored;
  acceptor_->close(ignored);
  accept_retry_->cancel();
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard<std::mutex> lock(sessions_mu_);
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) {
    s->CloseIfReading();
    s->CloseSse();
  }
}

void ServerImpl::Stop() {
  {
    std::unique_lock<std::mutex> lock(state_mu_);
    if (state_ == State::kNew) {
      state_ = State::kStopped;
      state_cv_.notify_all();
      return;
    }
    if (state_ != State::kRunning) {
      state_cv_.wait(lock, [this] { return state_ == State::kStopped; });
      return;
    }
    state_ = State::kStopping;
  }
  Log(LogLevel::kInfo, "http_stopping", {});
  stopping_.store(true);
  asio::post(*io_, [this] { CloseConnectionsForStop(); });
  {
    std::unique_lock<std::mutex> lock(inflight_mu_);
    bool drained = inflight_cv_.wait_for(
        lock, std::chrono::seconds(std::max(0, options_.shutdown_grace_seconds)),
        [this] { return inflight_ == 0; });
    if (!drained) {
      Log(LogLevel::kWarn, "http_shutdown_grace_exceeded", {{"in_flight", inflight_}});
    }
  }
  // Drops requests that never started and waits for running handlers (they cannot be killed).
  pool_->Shutdown();
  {
    std::unique_lock<std::shared_mutex> lock(hub_mu_);
    hub_closed_ = true;
    subscribers_.clear();
  }
  work_guard_.reset();
  io_->stop();
  if (io_thread_.joinable()) io_thread_.join();
  accept_retry_.reset();
  acceptor_.reset();
  io_.reset();  // destroys handlers still queued, and with them the remaining sessions
  {
    std::lock_guard<std::mutex> lock(state_mu_);
    state_ = State::kStopped;
  }
  state_cv_.notify_all();
  Log(LogLevel::kInfo, "http_stopped", {});
}

}  // namespace

std::unique_ptr<Server> NewServer(ServerOptions options) {
  return std::make_unique<ServerImpl>(std::move(options));
}

}  // namespace humas::http
