// Test support for HTTP stream connectors (X's filtered stream): an HTTP/1.1 server on loopback
// (Boost.Beast, plain http://, a thread per connection) that
// - answers the streaming path with one script per accepted connection, in order (the last script
//   repeats): a script answers an error status with a body, or starts a chunked 200 response and
//   sends lines, keep-alive "\r\n" and raw bytes, then drops the connection, ends the body, or
//   holds the connection open until the client leaves or the server stops;
// - answers every other request (the rules endpoints) through a handler, recording each one.
#pragma once

#include <sys/socket.h>

#include <utility>
// clang-format off
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on
#include <atomic>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace humas::connectors::stream::testing {

class FakeHttpStreamServer {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  enum class End { kHold, kDrop, kEnd };

  struct Request {
    std::string method, target, body, authorization;
  };

  //! One streaming connection.
  struct Conn {
    Socket& socket;
    Request request;
    bool started = false;
    //! An error answer (not streamed): the status line, headers and a JSON body.
    void Refuse(int status, const std::string& body,
                std::vector<std::pair<std::string, std::string>> headers = {}) {
      std::string r = "HTTP/1.1 " + std::to_string(status) + " Refused\r\n";
      for (auto& [k, v] : headers) r += k + ": " + v + "\r\n";
      r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
      Write(r);
    }
    void Start() {
      Write(
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: "
          "chunked\r\n\r\n");
      started = true;
    }
    //! Bytes as one chunk of the body.
    void Raw(const std::string& bytes) {
      if (bytes.empty()) return;
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", bytes.size());
      Write(std::string(size) + bytes + "\r\n");
    }
    void Line(const std::string& json) { Raw(json + "\r\n"); }
    void KeepAlive() { Raw("\r\n"); }
    void Write(const std::string& bytes) { boost::asio::write(socket, boost::asio::buffer(bytes)); }
  };
  using Script = std::function<End(Conn&)>;
  //! Any other request: returns {status, JSON body}.
  using Handler = std::function<std::pair<int, std::string>(const Request&)>;
  using Headers = std::vector<std::pair<std::string, std::string>>;
  //! Extra response headers for such a request, given its answer's status (e.g. a 429's reset).
  using HeaderHandler = std::function<Headers(const Request&, int status)>;

  explicit FakeHttpStreamServer(std::string stream_path = "/2/tweets/search/stream")
      : stream_path_(std::move(stream_path)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Loop(); });
  }
  ~FakeHttpStreamServer() { Stop(); }

  void Stop() {
    if (stopping_.exchange(true)) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    try {  // wake the blocking accept
      boost::asio::io_context io;
      Socket s(io);
      s.connect({boost::asio::ip::make_address("127.0.0.1"), port_});
    } catch (...) {
    }
    thread_.join();
    for (;;) {
      std::thread t;
      {
        std::lock_guard<std::mutex> lock(mu_);
        for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
        if (workers_.empty()) break;
        t = std::move(workers_.back());
        workers_.pop_back();
      }
      t.join();
    }
  }

  void Then(Script s) {
    std::lock_guard<std::mutex> lock(mu_);
    scripts_.push_back(std::move(s));
  }
  void Handle(Handler h) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(h);
  }
  void HandleHeaders(HeaderHandler h) {
    std::lock_guard<std::mutex> lock(mu_);
    header_handler_ = std::move(h);
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  //! Streaming connections accepted so far (their requests).
  std::vector<Request> streams() {
    std::lock_guard<std::mutex> lock(mu_);
    return streams_;
  }
  std::vector<Request> others() {
    std::lock_guard<std::mutex> lock(mu_);
    return others_;
  }
  //! True once the client left the last held connection.
  bool client_left() const { return client_left_.load(); }

 private:
  void Loop() {
    while (!stopping_) {
      auto socket = std::make_shared<Socket>(io_);
      boost::system::error_code ec;
      acceptor_.accept(*socket, ec);
      if (ec || stopping_) return;
      std::lock_guard<std::mutex> lock(mu_);
      open_fds_.insert(socket->native_handle());
      workers_.emplace_back([this, socket] { Serve(*socket); });
    }
  }

  void Serve(Socket& socket) {
    namespace http = boost::beast::http;
    const int fd = socket.native_handle();
    try {
      boost::beast::flat_buffer buf;
      for (;;) {  // keep-alive: the rules client may send several requests
        http::request<http::string_body> req;
        http::read(socket, buf, req);
        Request r{std::string(req.method_string()), std::string(req.target()), req.body(),
                  std::string(req[http::field::authorization])};
        std::string path = r.target.substr(0, r.target.find('?'));
        if (path == stream_path_ && r.method == "GET") {
          Script script;
          {
            std::lock_guard<std::mutex> lock(mu_);
            streams_.push_back(r);
            if (!scripts_.empty()) {
              script = scripts_.front();
              if (scripts_.size() > 1) scripts_.pop_front();
            }
          }
          client_left_ = false;
          Conn conn{socket, r};
          End end = script ? script(conn) : End::kHold;
          if (end == End::kEnd && conn.started) {
            conn.Write("0\r\n\r\n");
          } else if (end == End::kHold) {
            char c;
            boost::system::error_code ec;
            while (!ec)
              socket.read_some(boost::asio::buffer(&c, 1), ec);  // until the client leaves
          }
          break;
        }
        std::pair<int, std::string> answer{404, R"({"title":"Not Found"})"};
        {
          std::lock_guard<std::mutex> lock(mu_);
          others_.push_back(r);
        }
        Handler h;
        HeaderHandler hh;
        {
          std::lock_guard<std::mutex> lock(mu_);
          h = handler_;
          hh = header_handler_;
        }
        if (h) answer = h(r);
        http::response<http::string_body> resp{static_cast<http::status>(answer.first), 11};
        if (hh)
          for (const auto& [k, v] : hh(r, answer.first)) resp.set(k, v);
        resp.set(http::field::content_type, "application/json");
        resp.body() = answer.second;
        resp.keep_alive(req.keep_alive());
        resp.prepare_payload();
        http::write(socket, resp);
        if (!req.keep_alive()) break;
      }
    } catch (...) {
    }
    boost::system::error_code ec;
    socket.shutdown(Socket::shutdown_both, ec);
    socket.close(ec);
    client_left_ = true;
    std::lock_guard<std::mutex> lock(mu_);
    open_fds_.erase(fd);
  }

  std::string stream_path_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> client_left_{false};
  std::mutex mu_;
  std::deque<Script> scripts_;
  Handler handler_;
  HeaderHandler header_handler_;
  std::vector<Request> streams_, others_;
  std::set<int> open_fds_;
  std::vector<std::thread> workers_;
};

}  // namespace humas::connectors::stream::testing
