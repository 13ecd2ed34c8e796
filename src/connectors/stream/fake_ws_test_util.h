// Test support for stream connectors: a WebSocket server on loopback (Boost.Beast, plain ws://)
// that plays one script per accepted connection, in order (the last script repeats), and records
// every upgrade request's target. A script sends text or binary messages, and then either drops
// the TCP connection without a close frame, closes politely, or holds the connection open until
// the client goes away or the server stops.
#pragma once

#include <sys/socket.h>

#include <utility>
// clang-format off
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
// clang-format on
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace humas::connectors::stream::testing {

class FakeWsServer {
 public:
  using WebSocket = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;
  enum class End { kHold, kDrop, kClose };

  //! What one connection does: `target` is the request target (path + query).
  struct Conn {
    WebSocket& ws;
    std::string target;
    void Send(const std::string& text) {
      ws.text(true);
      ws.write(boost::asio::buffer(text));
    }
    void SendBinary(const std::string& bytes) {
      ws.binary(true);
      ws.write(boost::asio::buffer(bytes));
    }
  };
  using Script = std::function<End(Conn&)>;

  FakeWsServer() : acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Loop(); });
  }
  ~FakeWsServer() { Stop(); }

  void Stop() {
    if (stopping_.exchange(true)) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (active_fd_ >= 0) ::shutdown(active_fd_, SHUT_RDWR);
    }
    // Wake the blocking accept.
    try {
      boost::asio::io_context io;
      boost::asio::ip::tcp::socket s(io);
      s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
    } catch (...) {
    }
    thread_.join();
  }

  void Then(Script s) {
    std::lock_guard<std::mutex> lock(mu_);
    scripts_.push_back(std::move(s));
  }
  std::string url(const std::string& path = "/subscribe") const {
    return "ws://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::string> targets() {
    std::lock_guard<std::mutex> lock(mu_);
    return targets_;
  }
  int connections() {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(targets_.size());
  }
  //! True once the client closed (or dropped) the last connection held open.
  bool client_left() const { return client_left_.load(); }

 private:
  void Loop() {
    while (!stopping_) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      Serve(std::move(socket));
    }
  }

  void Serve(boost::asio::ip::tcp::socket socket) {
    namespace http = boost::beast::http;
    try {
      boost::beast::flat_buffer buf;
      http::request<http::string_body> req;
      http::read(socket, buf, req);
      Script script;
      {
        std::lock_guard<std::mutex> lock(mu_);
        targets_.push_back(std::string(req.target()));
        if (!scripts_.empty()) {
          script = scripts_.front();
          if (scripts_.size() > 1) scripts_.pop_front();
        }
        active_fd_ = socket.native_handle();
      }
      client_left_ = false;
      WebSocket ws(std::move(socket));
      ws.accept(req);
      Conn conn{ws, std::string(req.target())};
      End end = script ? script(conn) : End::kHold;
      if (end == End::kDrop) {
        ws.next_layer().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec_);
        ws.next_layer().close(ec_);
      } else if (end == End::kClose) {
        ws.close(boost::beast::websocket::close_code::going_away);
      } else {
        boost::beast::flat_buffer in;
        for (;;) ws.read(in);  // until the client leaves or Stop() shuts the socket down
      }
    } catch (...) {
    }
    client_left_ = true;
    std::lock_guard<std::mutex> lock(mu_);
    active_fd_ = -1;
  }

  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> client_left_{false};
  std::mutex mu_;
  std::deque<Script> scripts_;
  std::vector<std::string> targets_;
  int active_fd_ = -1;
  boost::system::error_code ec_;
};

//! Polls `done` until it holds or `limit` passes (tests wait for the worker thread this way).
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

}  // namespace humas::connectors::stream::testing
