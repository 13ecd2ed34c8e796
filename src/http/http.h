// Plain HTTP request/response types and the server's public interface. Only src/http/*.cc
// includes Boost.Beast; everything above this layer sees these structs.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace humas::http {

//! An HTTP request, fully read (bodies are limited by ServerOptions::max_body_bytes).
struct Request {
  std::string method;  //!< "GET", "POST", "PUT", "PATCH", "DELETE", ...
  std::string target;  //!< raw target, e.g. "/api/v1/mentions?q=banjir"
  std::string path;    //!< percent-decoded path without the query, e.g. "/api/v1/mentions"
  std::multimap<std::string, std::string> query;    //!< decoded query parameters
  std::multimap<std::string, std::string> headers;  //!< header names lower-cased
  std::string body;
  std::string remote_ip;
  //! Path parameters captured by the router, e.g. {"id": "42"} for "/api/v1/agencies/{id}".
  std::map<std::string, std::string> params;

  //! First header value with this (lower-case) name, or "".
  std::string Header(std::string_view name) const;
  //! First query parameter with this name, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  //! Value of the named cookie from the Cookie header, or "".
  std::string Cookie(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  //!< e.g. Set-Cookie may repeat
  std::string body;
  std::string content_type = "application/json; charset=utf-8";

  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

//! Builds the API's error response: `{"error":{"code":...,"message":...,"field":...}}` with the
//! given HTTP status ("field" only when non-empty), e.g. ErrorResponse(404, "not_found", "...").
Response ErrorResponse(int status, std::string_view code, std::string_view message,
                       std::string_view field = "");

//! A synchronous handler, run on the bounded worker pool (never on the I/O thread).
using Handler = std::function<Response(const Request&)>;

//! One server-sent event.
struct SseEvent {
  std::string event;  //!< "event:" field, e.g. "mention"
  std::string data;   //!< "data:" payload (JSON); newlines are split into several data lines
  std::string id;     //!< optional "id:" field
  //! Routing key for subscriber filters, not sent on the wire (e.g. the mention's agency id;
  //! 0 = none). Lets filters decide without parsing `data`.
  std::int64_t scope = 0;
};

//! Decides whether an SSE subscriber receives an event. Called on the publishing thread.
using SseFilter = std::function<bool(const SseEvent&)>;

//! What an SSE route's authoriser returns: either an error response (e.g. 401) or a filter
//! that selects the events this subscriber may see.
struct SseDecision {
  std::optional<Response> reject;
  SseFilter filter;
};
using SseAuthorizer = std::function<SseDecision(const Request&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                //!< 0 picks a free port (see Server::port())
  int worker_threads = 4;              //!< handlers run on this many threads
  size_t max_queued_requests = 1024;   //!< beyond this, requests get 503 (back-pressure)
  size_t max_body_bytes = 1 << 20;     //!< larger bodies get 413 before the handler runs
  size_t max_upload_bytes = 64 << 20;  //!< limit for routes registered with large_body = true
  std::string static_dir;              //!< web client files; "" disables static serving
  int sse_heartbeat_seconds = 15;
  //! A client must send a request's header within this time (slowloris protection); an idle
  //! keep-alive connection is closed after it, and a normal body must arrive within it too
  //! (large_body routes get ten times as long).
  int read_timeout_seconds = 30;
  //! How long Stop() waits for in-flight requests before it drops them.
  int shutdown_grace_seconds = 5;
  //! Events an SSE subscriber may have waiting to be written; beyond it, it is disconnected.
  size_t sse_max_queued_events = 1000;
};

//! The HTTP server: routes, static files, SSE, graceful shutdown.
//! Register every route before Start() (later registrations are ignored and logged). Publish,
//! Stop, Wait and port() are thread-safe. Never call Stop() from inside a handler: it waits for
//! the handlers to finish.
class Server {
 public:
  virtual ~Server() = default;

  //! Registers a route. `pattern` may contain {name} segments, e.g. "/api/v1/agencies/{id}".
  //! `large_body` routes accept up to max_upload_bytes (file imports).
  virtual void Route(std::string method, std::string pattern, Handler handler,
                     bool large_body = false) = 0;
  //! Registers a server-sent-events endpoint (GET).
  virtual void SseRoute(std::string pattern, SseAuthorizer authorize) = 0;
  //! Delivers an event to every connected SSE subscriber whose filter accepts it. Thread-safe,
  //! never blocks on slow clients (a client that falls too far behind is disconnected).
  virtual void Publish(const SseEvent& event) = 0;

  //! Binds and starts accepting. After it returns OK, port() is the bound port.
  virtual Status Start() = 0;
  virtual uint16_t port() const = 0;
  //! Stops accepting, lets in-flight requests finish (up to a grace period), closes SSE streams.
  //! Safe to call from a signal-watching thread; idempotent.
  virtual void Stop() = 0;
  //! Blocks until Stop() has completed.
  virtual void Wait() = 0;
};

std::unique_ptr<Server> NewServer(ServerOptions options);

}  // namespace humas::http
