// Integration tests: the real server on 127.0.0.1 (port 0), driven through plain sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "http/http.h"

namespace humas::http {
namespace {

namespace fs = std::filesystem;

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A blocking loopback client. Every receive has a 20 s safety timeout so a broken server fails
// the test instead of hanging it; no test asserts on time.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{20, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  void Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  // Reads one response; `head` means no body follows whatever Content-Length says.
  std::optional<HttpResponse> Read(bool head = false) {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    HttpResponse res;
    std::string header = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t line_end = header.find("\r\n");
    std::string status_line = header.substr(0, line_end);
    if (status_line.size() < 12) return std::nullopt;
    res.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? header.size() : line_end + 2;
    while (pos < header.size()) {
      size_t eol = header.find("\r\n", pos);
      if (eol == std::string::npos) eol = header.size();
      std::string line = header.substr(pos, eol - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      res.headers[name] = value;
      pos = eol + 2;
    }
    if (head) return res;
    size_t length =
        res.headers.count("content-length") ? std::stoul(res.headers["content-length"]) : 0;
    while (buf_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    res.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return res;
  }

  std::optional<HttpResponse> Request(const std::string& method, const std::string& target,
                                      const std::string& body = "",
                                      const std::string& extra_headers = "") {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers;
    if (!body.empty() || method == "POST" || method == "PUT") {
      req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    Send(req);
    return Read(method == "HEAD");
  }

  // Reads until `needle` has arrived; returns everything read so far (or nullopt on close).
  std::optional<std::string> ReadUntil(std::string_view needle) {
    while (buf_.find(needle) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    return buf_;
  }

  // Reads until the server closes the connection; false if the safety timeout hit instead.
  bool ReadUntilClosed() {
    char chunk[65536];
    while (true) {
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  const std::string& buffered() const { return buf_; }

 private:
  bool Fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buf_;
};

Response Text(std::string body) {
  Response r;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = NewServer(options);
    RegisterRoutes();
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    port_ = server_->port();
    ASSERT_NE(port_, 0);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  virtual void RegisterRoutes() {
    server_->Route("GET", "/api/v1/agencies/{id}", [](const Request& r) {
      return Text("agency=" + r.params.at("id") + " path=" + r.path +
                  " q=" + r.Query("q").value_or("-") + " session=" + r.Cookie("humas_session"));
    });
    server_->Route("GET", "/api/v1/users/me", [](const Request&) { return Text("me"); });
    server_->Route("POST", "/api/v1/echo", [this](const Request& r) {
      ++echo_calls_;
      return Text(r.body);
    });
    server_->Route(
        "POST", "/api/v1/import",
        [this](const Request& r) {
          ++echo_calls_;
          return Text(std::to_string(r.body.size()));
        },
        /*large_body=*/true);
    server_->Route("GET", "/api/v1/boom", [](const Request&) -> Response {
      throw std::runtime_error("deliberate failure");
    });
    server_->Route("GET", "/api/v1/bad-status", [](const Request&) {
      Response r = Text("nonsense");
      r.status = 42;
      return r;
    });
    server_->Route("DELETE", "/api/v1/agencies/{id}", [](const Request&) {
      Response r;
      r.status = 204;
      r.body = "ignored";
      return r;
    });
  }

  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::atomic<int> echo_calls_{0};
};

TEST_F(ServerTest, RoutesWithParamsQueryAndCookies) {
  StartServer();
  Client c(port_);
  ASSERT_TRUE(c.connected());
  auto r = c.Request("GET", "/api/v1/agencies/4%202?q=banjir+besar%21&x=1", "",
                     "Cookie: a=1; humas_session=s3cr3t\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "agency=4 2 path=/api/v1/agencies/4 2 q=banjir besar! session=s3cr3t");
  EXPECT_EQ(r->Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r->Header("referrer-policy"), "same-origin");
  EXPECT_EQ(r->Header("x-frame-options"), "DENY");
  EXPECT_EQ(r->Header("content-security-policy"), "");  // not HTML

  auto me = c.Request("GET", "/api/v1/users/me");
  ASSERT_TRUE(me);
  EXPECT_EQ(me->body, "me");
}

TEST_F(ServerTest, UnknownApiPathIs404JsonAndWrongMethodIs405) {
  StartServer();
  Client c(port_);
  auto nf = c.Request("GET", "/api/v1/nothing-here");
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->status, 404);
  EXPECT_EQ(nf->Header("content-type"), "application/json; charset=utf-8");
  EXPECT_NE(nf->body.find(R"({"error":{"code":"not_found","message":)"), std::string::npos);

  auto na = c.Request("PUT", "/api/v1/agencies/1");
  ASSERT_TRUE(na);
  EXPECT_EQ(na->status, 405);
  EXPECT_EQ(na->Header("allow"), "DELETE, GET, HEAD");
  EXPECT_NE(na->body.find(R"("code":"method_not_allowed")"), std::string::npos);
}

TEST_F(ServerTest, OversizedBodyIs413WithoutCallingHandler) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  o.max_upload_bytes = 8192;
  StartServer(o);
  {
    Client c(port_);
    auto r = c.Request("POST", "/api/v1/echo", std::string(2048, 'x'));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_NE(r->body.find(R"("code":"payload_too_large")"), std::string::npos);
    EXPECT_EQ(r->Header("connection"), "close");
  }
  {
    // Chunked bodies have no Content-Length up front; the limit still applies while reading.
    Client c(port_);
    std::string chunk(1500, 'y');
    c.Send("POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5dc\r\n" +
           chunk + "\r\n0\r\n\r\n");
    auto r = c.Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  EXPECT_EQ(echo_calls_.load(), 0);
  {
    // The same size is fine on a large_body route; beyond max_upload_bytes it is not.
    Client c(port_);
    auto ok = c.Request("POST", "/api/v1/import", std::string(2048, 'x'));
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(ok->body, "2048");
    auto big = c.Request("POST", "/api/v1/import", std::string(9000, 'x'));
    ASSERT_TRUE(big);
    EXPECT_EQ(big->status, 413);
  }
  EXPECT_EQ(echo_calls_.load(), 1);
}

TEST_F(ServerTest, ExpectContinueGetsContinueOr413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  StartServer(o);
  Client c(port_);
  c.Send(
      "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  auto cont = c.Read(/*head=*/true);
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  c.Send("hello");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");

  Client big(port_);
  big.Send(
      "POST /api/v1/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: "
      "100-continue\r\n\r\n");
  auto refused = big.Read();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
}

TEST_F(ServerTest, HandlerExceptionIs500AndServerKeepsServing) {
  StartServer();
  Client c(port_);
  auto r = c.Request("GET", "/api/v1/boom");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find(R"("code":"internal")"), std::string::npos);
  EXPECT_EQ(r->body.find("deliberate"), std::string::npos);  // details stay in the log
  auto bad = c.Request("GET", "/api/v1/bad-status");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 500);
  auto again = c.Request("GET", "/api/v1/users/me");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(ServerTest, NoContentResponseHasNoBody) {
  StartServer();
  Client c(port_);
  auto r = c.Request("DELETE", "/api/v1/agencies/3");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_EQ(r->Header("content-type"), "");
  auto next = c.Request("GET", "/api/v1/users/me");  // would misparse had a body been sent
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "me");
}

TEST_F(ServerTest, MalformedRequestIs400) {
  StartServer();
  Client c(port_);
  c.Send("THIS IS NOT HTTP\r\n\r\n");
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.ReadUntilClosed());

  Client bad_escape(port_);
  auto e = bad_escape.Request("GET", "/api/v1/agencies/1?q=%zz");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 400);
  EXPECT_NE(e->body.find(R"("code":"invalid_argument")"), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  Client c(port_);
  c.Send(
      "GET /api/v1/users/me HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /api/v1/agencies/9 HTTP/1.1\r\nHost: t\r\n\r\n");  // pipelined
  auto first = c.Read();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->body, "me");
  EXPECT_NE(first->Header("connection"), "close");
  auto second = c.Read();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body.rfind("agency=9", 0), 0u);
  auto third = c.Request("GET", "/api/v1/users/me", "", "Connection: close\r\n");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->Header("connection"), "close");
  EXPECT_TRUE(c.ReadUntilClosed());
}

// A static directory beside a secret file that must never be served.
class StaticServerTest : public ServerTest {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("humas_http_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "www" / "assets");
    std::ofstream(base_ / "secret.txt") << "TOP-SECRET";
    std::ofstream(base_ / "www" / "index.html") << "<!doctype html><title>humas</title>";
    std::ofstream(base_ / "www" / "assets" / "app-abc.js") << "export const x = 1;";
    std::ofstream(base_ / "www" / "assets" / "app-abc.css") << "body{}";
    std::ofstream(base_ / "www" / "robots.txt") << "User-agent: *";
    fs::create_symlink(base_ / "secret.txt", base_ / "www" / "escape.txt");
    ServerOptions o;
    o.static_dir = (base_ / "www").string();
    StartServer(o);
  }
  void TearDown() override {
    ServerTest::TearDown();
    fs::remove_all(base_);
  }
  fs::path base_;
};

TEST_F(StaticServerTest, ServesFilesWithTypesAndCacheHeaders) {
  Client c(port_);
  auto js = c.Request("GET", "/assets/app-abc.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->body, "export const x = 1;");
  EXPECT_EQ(js->Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js->Header("x-content-type-options"), "nosniff");

  auto css = c.Request("GET", "/assets/app-abc.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->Header("content-type"), "text/css; charset=utf-8");

  auto index = c.Request("GET", "/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->Header("cache-control"), "no-cache");
  EXPECT_EQ(index->Header("content-security-policy"),
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "connect-src 'self'; frame-ancestors 'none'");
  EXPECT_EQ(index->Header("x-frame-options"), "DENY");
}

TEST_F(StaticServerTest, SpaFallbackForClientRoutesOnly) {
  Client c(port_);
  auto route = c.Request("GET", "/agencies/42?tab=accounts");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->status, 200);
  EXPECT_EQ(route->body, "<!doctype html><title>humas</title>");
  EXPECT_EQ(route->Header("cache-control"), "no-cache");

  auto missing = c.Request("GET", "/assets/missing-1.js");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);

  auto api = c.Request("GET", "/api/v1/unknown");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 404);
  EXPECT_NE(api->body.find(R"("code":"not_found")"), std::string::npos);
}

TEST_F(StaticServerTest, TraversalAttemptsAre404AndNeverLeak) {
  for (std::string target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/..%2fsecret.txt",
        "/assets/../../secret.txt", "/assets/%2e%2e%2f%2e%2e%2fsecret.txt", "/..\\secret.txt",
        "/..%5csecret.txt", "//etc/passwd", "/%2fetc%2fpasswd", "/escape.txt",
        "/robots.txt%00.html", "/.%2e/.%2e/.%2e/.%2e/etc/passwd"}) {
    Client c(port_);
    auto r = c.Request("GET", target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 404) << target;
    EXPECT_EQ(r->body.find("TOP-SECRET"), std::string::npos) << target;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << target;
  }
  // Absolute-form targets are not origin paths at all.
  Client c(port_);
  auto abs = c.Request("GET", "http://evil/etc/passwd");
  ASSERT_TRUE(abs);
  EXPECT_EQ(abs->status, 400);
  EXPECT_EQ(abs->body.find("root:"), std::string::npos);
}

TEST_F(StaticServerTest, HeadSendsHeadersWithoutBody) {
  Client c(port_);
  auto head = c.Request("HEAD", "/robots.txt");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "13");
  EXPECT_EQ(head->Header("content-type"), "text/plain; charset=utf-8");
  // Had a body been sent, it would be read as the start of the next response.
  auto next = c.Request("GET", "/robots.txt");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "User-agent: *");
}

class SseServerTest : public ServerTest {
 protected:
  void RegisterRoutes() override {
    ServerTest::RegisterRoutes();
    server_->SseRoute("/api/v1/events", [](const Request& r) {
      SseDecision d;
      if (r.Cookie("humas_session").empty()) {
        d.reject = ErrorResponse(401, "unauthenticated", "log in first");
        return d;
      }
      int64_t agency = std::stoll(r.Cookie("humas_session"));
      d.filter = [agency](const SseEvent& e) { return e.scope == agency; };
      return d;
    });
  }
};

TEST_F(SseServerTest, SubscriberReceivesOnlyFilteredEvents) {
  StartServer();
  Client c(port_);
  c.Send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\nCookie: humas_session=1\r\n\r\n");
  auto head = c.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-type"), "text/event-stream");
  EXPECT_EQ(head->Header("cache-control"), "no-cache");
  ASSERT_TRUE(c.ReadUntil(":ok\n\n"));  // subscribed from here on

  server_->Publish({"mention", R"({"text":"hidden"})", "1", /*scope=*/2});
  server_->Publish({"mention", "{\"scope\":\"agency:1\",\n\"text\":\"visible\"}", "2", 1});
  auto got = c.ReadUntil("\"text\":\"visible\"}\n\n");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->find("hidden"), std::string::npos);
  EXPECT_NE(got->find("event: mention\nid: 2\ndata: {\"scope\":\"agency:1\",\ndata: "
                      "\"text\":\"visible\"}\n\n"),
            std::string::npos);
}

TEST_F(SseServerTest, HeartbeatCommentsKeepTheStreamAlive) {
  ServerOptions o;
  o.sse_heartbeat_seconds = 1;
  StartServer(o);
  Client c(port_);
  c.Send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\nCookie: humas_session=1\r\n\r\n");
  ASSERT_TRUE(c.ReadUntil(":ok\n\n"));
  auto got = c.ReadUntil(": ping\n\n");
  ASSERT_TRUE(got);
}

TEST_F(SseServerTest, RejectedSubscriberGetsTheAuthorizersResponse) {
  StartServer();
  Client c(port_);
  auto r = c.Request("GET", "/api/v1/events");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find(R"("code":"unauthenticated")"), std::string::npos);
  // The connection stays usable for ordinary requests.
  auto next = c.Request("GET", "/api/v1/users/me");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "me");
}

TEST_F(SseServerTest, SubscriberThatStopsReadingIsDisconnected) {
  ServerOptions o;
  o.sse_max_queued_events = 4;
  StartServer(o);
  Client c(port_);
  c.Send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\nCookie: humas_session=1\r\n\r\n");
  ASSERT_TRUE(c.ReadUntil(":ok\n\n"));
  // The client reads nothing more; socket buffers fill up, the queue overflows, and Publish
  // must neither block nor keep the events.
  const std::string payload = "agency:1 " + std::string(256 * 1024, 'z');
  const int kEvents = 400;  // ~100 MiB in total: far beyond any socket buffer
  for (int i = 0; i < kEvents; ++i) server_->Publish({"mention", payload, "", 1});
  EXPECT_TRUE(c.ReadUntilClosed());
  EXPECT_LT(c.buffered().size(), payload.size() * kEvents);
}

TEST_F(ServerTest, FullQueueAnswers503) {
  ServerOptions o;
  o.port = 0;
  o.worker_threads = 1;
  o.max_queued_requests = 0;
  std::latch entered(1);
  std::latch release(1);
  server_ = NewServer(o);
  server_->Route("GET", "/api/v1/slow", [&](const Request&) {
    entered.count_down();
    release.wait();
    return Text("slow done");
  });
  ASSERT_TRUE(server_->Start().ok());
  port_ = server_->port();

  Client slow(port_);
  slow.Send("GET /api/v1/slow HTTP/1.1\r\nHost: t\r\n\r\n");
  entered.wait();  // the only worker is now busy and nothing may queue
  Client rejected(port_);
  auto r = rejected.Request("GET", "/api/v1/slow");
  release.count_down();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find(R"("code":"unavailable")"), std::string::npos);
  EXPECT_EQ(r->Header("retry-after"), "1");
  auto done = slow.Read();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->body, "slow done");
}

TEST_F(SseServerTest, StopLetsInFlightRequestFinishAndClosesStreams) {
  std::latch entered(1);
  std::latch release(1);
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.shutdown_grace_seconds = 60;  // the test releases the handler itself
  server_ = NewServer(o);
  RegisterRoutes();
  server_->Route("GET", "/api/v1/slow", [&](const Request&) {
    entered.count_down();
    release.wait();
    return Text("finished");
  });
  ASSERT_TRUE(server_->Start().ok());
  port_ = server_->port();

  Client events(port_);
  events.Send("GET /api/v1/events HTTP/1.1\r\nHost: t\r\nCookie: humas_session=1\r\n\r\n");
  ASSERT_TRUE(events.ReadUntil(":ok\n\n"));
  Client idle(port_);
  ASSERT_TRUE(idle.Request("GET", "/api/v1/users/me"));  // now idle on keep-alive

  Client slow(port_);
  slow.Send("GET /api/v1/slow HTTP/1.1\r\nHost: t\r\n\r\n");
  entered.wait();

  std::thread stopper([&] { server_->Stop(); });
  EXPECT_TRUE(events.ReadUntilClosed());  // Stop closes streams...
  EXPECT_TRUE(idle.ReadUntilClosed());    // ...and idle connections, while the handler runs
  release.count_down();
  auto r = slow.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "finished");
  EXPECT_EQ(r->Header("connection"), "close");
  server_->Wait();
  stopper.join();
  server_->Stop();  // idempotent

  Client after(port_);
  EXPECT_FALSE(after.connected());
}

TEST(ServerLifecycleTest, StopFromAnotherThreadReleasesWait) {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  auto server = NewServer(o);
  ASSERT_TRUE(server->Start().ok());
  EXPECT_EQ(server->Start().code(), Code::kFailedPrecondition);
  std::thread stopper([&] { server->Stop(); });
  server->Wait();
  stopper.join();
  server->Stop();
}

TEST(ServerLifecycleTest, StartFailsOnBadStaticDirOrTakenPort) {
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.static_dir = "/nonexistent/humas/web";
  EXPECT_EQ(NewServer(o)->Start().code(), Code::kInvalidArgument);

  ServerOptions a;
  a.host = "127.0.0.1";
  a.port = 0;
  auto first = NewServer(a);
  ASSERT_TRUE(first->Start().ok());
  ServerOptions b = a;
  b.port = first->port();
  EXPECT_EQ(NewServer(b)->Start().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace humas::http
