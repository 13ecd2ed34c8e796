// The Telegram reply path against a fake Telegram Bot API server on loopback (humas's own HTTP
// server) that answers sendMessage with the official example message from
// ../shared/fixtures/telegram-bot, and Telegram's error format for refusals.
#include "inbox/senders.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "http/http.h"

namespace humas::inbox {
namespace {

using json = nlohmann::json;

json FixtureMessage() {
  std::ifstream in(std::string(HUMAS_SHARED_DIR) +
                   "/fixtures/telegram-bot/official-webhook-guide/05_message_with_reply.json");
  std::stringstream ss;
  ss << in.rdbuf();
  json update = json::parse(ss.str(), nullptr, false);
  EXPECT_FALSE(update.is_discarded()) << "fixture missing";
  return update.is_discarded() ? json::object() : update["message"];
}

class FakeTelegram {
 public:
  FakeTelegram() {
    http::ServerOptions o;
    o.port = 0;
    o.worker_threads = 1;
    server_ = http::NewServer(o);
    server_->Route("POST", "/{bot}/sendMessage", [this](const http::Request& req) {
      std::lock_guard lock(mu_);
      http::Response r;
      if (req.params.at("bot") != "bot123456:ABC-test") {
        r.status = 401;
        r.body = R"({"ok":false,"error_code":401,"description":"Unauthorized"})";
        return r;
      }
      json body = json::parse(req.body, nullptr, false);
      requests.push_back(body);
      if (body.contains("chat_id") && body["chat_id"] == blocked_chat) {
        r.status = 403;
        r.body =
            R"({"ok":false,"error_code":403,"description":"Forbidden: bot can't initiate conversation with a user"})";
        return r;
      }
      if (body.value("text", "").empty()) {
        r.status = 400;
        r.body =
            R"({"ok":false,"error_code":400,"description":"Bad Request: message text is empty"})";
        return r;
      }
      // The sent message as Telegram returns it: the fixture's shape with this chat and text.
      json m = FixtureMessage();
      m["message_id"] = 2001;
      m["chat"]["id"] = body["chat_id"];
      m["chat"]["type"] = public_chat ? "supergroup" : "private";
      m["chat"]["username"] = "humas_berau";
      m["text"] = body["text"];
      r.body = json{{"ok", true}, {"result", m}}.dump();
      return r;
    });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~FakeTelegram() { server_->Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  std::mutex mu_;
  std::vector<json> requests;  // guarded by mu_
  bool public_chat = true;
  std::int64_t blocked_chat = 0;  //!< a chat that never sent /start to the bot

 private:
  std::unique_ptr<http::Server> server_;
};

Reply TelegramReply(const std::string& in_reply_to, const std::string& text) {
  Reply r;
  r.id = 7;
  r.platform = Platform::kTelegram;
  r.in_reply_to = in_reply_to;
  r.text = text;
  return r;
}

TEST(TelegramSenderTest, RepliesInTheCitizensChat) {
  FakeTelegram fake;
  telegram::BotOptions o;
  o.api_base = fake.url();
  o.bot_token = "123456:ABC-test";
  auto sender = MakeTelegramSender(o);
  auto sent = sender->Send(TelegramReply("-1001234:1365", "Vaksin tersedia mulai Senin."), Case{});
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->platform_id, "-1001234:2001");
  EXPECT_EQ(sent->url, "https://t.me/humas_berau/2001");
  ASSERT_EQ(fake.requests.size(), 1u);
  EXPECT_EQ(fake.requests[0]["chat_id"], -1001234);
  EXPECT_EQ(fake.requests[0]["reply_parameters"]["message_id"], 1365);
  EXPECT_EQ(fake.requests[0]["text"], "Vaksin tersedia mulai Senin.");
  // A private chat has no public link.
  fake.public_chat = false;
  auto priv = sender->Send(TelegramReply("1111111:1365", "Baik."), Case{});
  ASSERT_TRUE(priv.ok());
  EXPECT_EQ(priv->url, "");
}

TEST(TelegramSenderTest, RefusalsAndBadReferencesAreClearErrors) {
  FakeTelegram fake;
  telegram::BotOptions o;
  o.api_base = fake.url();
  o.bot_token = "123456:ABC-test";
  auto sender = MakeTelegramSender(o);
  auto empty = sender->Send(TelegramReply("1:2", ""), Case{});
  EXPECT_EQ(empty.status().code(), Code::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("message text is empty"), std::string::npos);
  auto bad_ref = sender->Send(TelegramReply("1365", "x"), Case{});
  EXPECT_EQ(bad_ref.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(fake.requests.size(), 1u);  // the malformed reference never reached Telegram
  o.bot_token = "999:wrong";
  auto denied = MakeTelegramSender(o)->Send(TelegramReply("1:2", "x"), Case{});
  EXPECT_EQ(denied.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(denied.status().message().find("999:wrong"), std::string::npos);  // no token leak
  o.api_base = "http://127.0.0.1:1";                                          // nothing listens
  auto down = MakeTelegramSender(o)->Send(TelegramReply("1:2", "x"), Case{});
  EXPECT_EQ(down.status().code(), Code::kUnavailable);
}

TEST(TelegramChannelTest, NotificationsReachTheOfficersPersonalChat) {
  FakeTelegram fake;
  telegram::BotOptions o;
  o.api_base = fake.url();
  o.bot_token = "123456:ABC-test";
  auto ch = MakeTelegramChannel(o);
  EXPECT_EQ(ch->name(), "telegram");
  User u;
  u.username = "pejabat_dinkes";
  u.telegram_chat_id = "987654321";
  Notification n;
  n.kind = "disposition";
  n.title = "Disposisi baru, batas waktu 2026-11-24T10:00:00Z";
  n.body = "Kapan vaksin polio tersedia di Tanjung Redeb?";
  n.case_id = 42;
  ASSERT_TRUE(ch->Deliver(u, n).ok());
  {
    std::lock_guard lock(fake.mu_);
    ASSERT_EQ(fake.requests.size(), 1u);
    EXPECT_EQ(fake.requests[0]["chat_id"], 987654321);
    EXPECT_FALSE(fake.requests[0].contains("reply_parameters"));
    EXPECT_EQ(fake.requests[0]["text"],
              "Disposisi baru, batas waktu 2026-11-24T10:00:00Z\n\nKapan vaksin polio tersedia di "
              "Tanjung Redeb?\n\nKasus #42 di kotak masuk humas.");
  }
  // No chat id: nothing is sent, not an error.
  User none;
  none.username = "petugas";
  EXPECT_TRUE(ch->Deliver(none, n).ok());
  EXPECT_EQ(fake.requests.size(), 1u);
  // A stored id that is not a number never reaches Telegram.
  User bad = u;
  bad.telegram_chat_id = "@pejabat";
  EXPECT_EQ(ch->Deliver(bad, n).code(), Code::kInvalidArgument);
  EXPECT_EQ(fake.requests.size(), 1u);
  // The officer never started the bot: Telegram's refusal is a clear error for the log.
  {
    std::lock_guard lock(fake.mu_);
    fake.blocked_chat = 987654321;
  }
  Status refused = ch->Deliver(u, n);
  EXPECT_EQ(refused.code(), Code::kPermissionDenied);
  EXPECT_NE(refused.message().find("can't initiate conversation"), std::string::npos);
}

TEST(NotificationTextTest, FitsTheLimitWithoutBreakingCharacters) {
  Notification n;
  n.title = "Pengingat";
  n.body = std::string(5000, 'a') + "é";
  n.case_id = 7;
  std::string text = NotificationText(n, 4096);
  size_t chars = 0;
  for (unsigned char ch : text) chars += (ch & 0xC0) != 0x80;
  EXPECT_EQ(chars, 4096u);
  EXPECT_NE(text.find("\u2026\n\nKasus #7 di kotak masuk humas."), std::string::npos);
  // A multi-byte character at the cut is dropped whole, never split.
  n.body = "é" + std::string(10, 'b');
  n.title = "";
  n.case_id.reset();
  EXPECT_EQ(NotificationText(n, 1), "é");
  EXPECT_EQ(NotificationText(n, 2), "é\u2026");
  EXPECT_EQ(NotificationText(n, 100), n.body);
}

//! The recorded Mastodon 4.x answer to a reply (Mastodon.py cassette test_status_reply_2).
json MastodonReplyFixture() {
  std::ifstream in(std::string(HUMAS_SHARED_DIR) +
                   "/fixtures/mastodon/mastodon-py-cassettes/test_status_reply_2.json");
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "fixture missing";
  return j.is_discarded() ? json::object() : j["body"];
}

TEST(MastodonSenderTest, RepliesPubliclyWithTheHandleAndAnIdempotencyKey) {
  http::ServerOptions so;
  so.port = 0;
  so.worker_threads = 1;
  auto server = http::NewServer(so);
  std::mutex mu;
  std::vector<json> bodies;
  std::vector<std::string> keys;
  server->Route("POST", "/api/v1/statuses", [&](const http::Request& req) {
    http::Response r;
    if (req.Header("authorization") != "Bearer token-xyz") {
      r.status = 401;
      r.body = R"({"error":"The access token is invalid"})";
      return r;
    }
    json b = json::parse(req.body, nullptr, false);
    std::lock_guard lock(mu);
    bodies.push_back(b);
    keys.push_back(req.Header("idempotency-key"));
    if (b.value("in_reply_to_id", "") == "404") {
      r.status = 422;
      r.body = R"({"error":"Validation failed: Text can't be blank"})";
      return r;
    }
    r.body = MastodonReplyFixture().dump();
    return r;
  });
  ASSERT_TRUE(server->Start().ok());
  mastodon::ClientOptions o;
  o.instance_url = "http://127.0.0.1:" + std::to_string(server->port());
  o.access_token = "token-xyz";
  auto sender = MakeMastodonSender(o);
  Reply r;
  r.platform = Platform::kMastodon;
  r.in_reply_to = "117020583245459824";
  r.text = "Posyandu buka pukul 08.00.";
  r.idempotency_key = "reply-key-0001";
  Case c;
  c.citizen_handle = "mastodonpy_test_2";
  auto sent = sender->Send(r, c);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->platform_id, "117020583258292382");
  EXPECT_EQ(sent->url, "http://localhost:3000/@admin/117020583258292382");
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(bodies.size(), 1u);
    EXPECT_EQ(bodies[0]["in_reply_to_id"], "117020583245459824");
    EXPECT_EQ(bodies[0]["status"], "@mastodonpy_test_2 Posyandu buka pukul 08.00.");
    EXPECT_EQ(bodies[0]["visibility"], "public");
    EXPECT_EQ(keys[0], "reply-key-0001");
  }
  r.in_reply_to = "404";
  EXPECT_EQ(sender->Send(r, c).status().code(), Code::kInvalidArgument);
  r.in_reply_to = "not-an-id";
  EXPECT_EQ(sender->Send(r, c).status().code(), Code::kInvalidArgument);
  r.in_reply_to = "1";
  r.text = std::string(490, 'a');  // fits alone, not with the @handle in front
  EXPECT_EQ(sender->Send(r, c).status().code(), Code::kInvalidArgument);
  o.access_token = "wrong";
  r.text = "x";
  EXPECT_EQ(MakeMastodonSender(o)->Send(r, c).status().code(), Code::kPermissionDenied);
  server->Stop();
}

//! A minimal SMTP server on loopback: accepts one session per connection, records the envelope
//! and the DATA, answers like a relay that accepts everything (or refuses RCPT when told to).
class FakeSmtp {
 public:
  FakeSmtp() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 4);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeSmtp() {
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  std::mutex mu;
  std::vector<std::string> rcpts;  // guarded by mu
  std::vector<std::string> datas;  // guarded by mu
  bool refuse_rcpt = false;

 private:
  void Serve() {
    while (true) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      Session(c);
      ::close(c);
    }
  }
  void Say(int c, const std::string& line) { (void)!::write(c, line.data(), line.size()); }
  void Session(int c) {
    Say(c, "220 fake ESMTP\r\n");
    std::string buf;
    bool in_data = false;
    std::string data;
    char chunk[4096];
    while (true) {
      ssize_t n = ::read(c, chunk, sizeof chunk);
      if (n <= 0) return;
      buf.append(chunk, static_cast<size_t>(n));
      size_t eol;
      while ((eol = buf.find("\r\n")) != std::string::npos) {
        std::string line = buf.substr(0, eol);
        buf.erase(0, eol + 2);
        if (in_data) {
          if (line == ".") {
            in_data = false;
            std::lock_guard lock(mu);
            datas.push_back(data);
            Say(c, "250 queued\r\n");
          } else {
            data += line + "\n";
          }
          continue;
        }
        std::string verb = line.substr(0, 4);
        if (verb == "EHLO" || verb == "HELO") {
          Say(c, "250 fake\r\n");
        } else if (verb == "MAIL") {
          Say(c, "250 ok\r\n");
        } else if (verb == "RCPT") {
          std::lock_guard lock(mu);
          if (refuse_rcpt) {
            Say(c, "550 no such user\r\n");
          } else {
            rcpts.push_back(line);
            Say(c, "250 ok\r\n");
          }
        } else if (verb == "DATA") {
          in_data = true;
          data.clear();
          Say(c, "354 go ahead\r\n");
        } else if (verb == "QUIT") {
          Say(c, "221 bye\r\n");
          return;
        } else {
          Say(c, "250 ok\r\n");
        }
      }
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST(EmailChannelTest, NotificationsGoOutBySmtp) {
  FakeSmtp smtp;
  mail::SmtpOptions o;
  o.url = smtp.url();
  o.from = "humas@berau.go.id";
  o.require_tls = false;  // the local fake relay speaks plain SMTP
  auto ch = MakeEmailChannel(o);
  User u;
  u.username = "pejabat";
  u.email = "pejabat@dinkes.berau.go.id";
  Notification n;
  n.kind = "escalation";
  n.title = "Disposisi melewati batas waktu";
  n.body = "Kapan vaksin polio tersedia?";
  n.case_id = 12;
  ASSERT_TRUE(ch->Deliver(u, n).ok());
  {
    std::lock_guard lock(smtp.mu);
    ASSERT_EQ(smtp.rcpts.size(), 1u);
    EXPECT_NE(smtp.rcpts[0].find("<pejabat@dinkes.berau.go.id>"), std::string::npos);
    ASSERT_EQ(smtp.datas.size(), 1u);
    EXPECT_NE(smtp.datas[0].find("Subject: =?UTF-8?B?"), std::string::npos);
    EXPECT_NE(smtp.datas[0].find("Kapan vaksin polio tersedia?"), std::string::npos);
    EXPECT_NE(smtp.datas[0].find("Kasus #12"), std::string::npos);
  }
  // No address: nothing to send, not an error. A refused recipient: a clear error.
  User none;
  EXPECT_TRUE(ch->Deliver(none, n).ok());
  smtp.refuse_rcpt = true;
  Status refused = ch->Deliver(u, n);
  EXPECT_EQ(refused.code(), Code::kUnavailable);
  User bad = u;
  bad.email = "not an address";
  EXPECT_EQ(ch->Deliver(bad, n).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace humas::inbox
