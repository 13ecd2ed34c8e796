// Work that leaves humas in the background, with an injected clock, a real SQLite store, the real
// job runner and fake outside servers on loopback: notifications (e-mail/Telegram) are delivered
// by jobs, retried with back-off while the channel is down and delivered once when it is back;
// failed replies are retried automatically only when that can never post twice (X answering 503
// with the recorded tweepy answer once it recovers; Mastodon with its Idempotency-Key after a
// 500), a bounded number of times, never after a 4xx, and never against an officer's own retry.
#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "http/http.h"
#include "inbox/inbox.h"
#include "inbox/senders.h"
#include "jobs/runner.h"
#include "store/sqlite/test_util.h"

namespace humas::inbox {
namespace {

using json = nlohmann::json;

json Fixture(const std::string& path) {
  std::ifstream in(std::string(HUMAS_SHARED_DIR) + "/fixtures/" + path);
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "fixture missing: " << path;
  return j.is_discarded() ? json::object() : j;
}

//! A channel that is down (Unavailable, like a dead SMTP server or Telegram) until told otherwise.
class FlakyChannel final : public Channel {
 public:
  explicit FlakyChannel(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  Status Deliver(const User& to, const Notification& n) override {
    std::lock_guard lock(mu_);
    ++calls_;
    if (down_) return Unavailable("the e-mail could not be sent: Couldn't connect to server");
    delivered_.push_back(to.username + ":" + n.kind + ":" + n.title);
    return Status::Ok();
  }
  void set_down(bool d) {
    std::lock_guard lock(mu_);
    down_ = d;
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::vector<std::string> delivered() {
    std::lock_guard lock(mu_);
    return delivered_;
  }

 private:
  std::string name_;
  std::mutex mu_;
  bool down_ = false;
  int calls_ = 0;
  std::vector<std::string> delivered_;
};

//! A platform API on loopback whose answers are scripted per request (status, body); the last
//! entry repeats. Every request body is recorded.
class FakePlatform {
 public:
  explicit FakePlatform(const std::string& path) {
    http::ServerOptions o;
    o.port = 0;
    o.worker_threads = 1;
    server_ = http::NewServer(o);
    server_->Route("POST", path, [this](const http::Request& req) {
      std::lock_guard lock(mu_);
      bodies_.push_back(json::parse(req.body, nullptr, false));
      keys_.push_back(req.Header("idempotency-key"));
      size_t i = std::min(bodies_.size() - 1, script_.size() - 1);
      http::Response r;
      r.status = script_[i].first;
      r.body = script_[i].second.dump();
      return r;
    });
    EXPECT_TRUE(server_->Start().ok());
  }
  ~FakePlatform() { server_->Stop(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  void Script(std::vector<std::pair<int, json>> s) {
    std::lock_guard lock(mu_);
    script_ = std::move(s);
  }
  size_t requests() {
    std::lock_guard lock(mu_);
    return bodies_.size();
  }
  std::vector<std::string> keys() {
    std::lock_guard lock(mu_);
    return keys_;
  }

 private:
  std::mutex mu_;
  std::vector<std::pair<int, json>> script_{{200, json::object()}};
  std::vector<json> bodies_;
  std::vector<std::string> keys_;
  std::unique_ptr<http::Server> server_;
};

const json kX503 = {{"title", "Service Unavailable"},
                    {"detail", "Service Unavailable"},
                    {"type", "about:blank"},
                    {"status", 503}};
const json kX500 = {{"title", "Internal Server Error"}, {"status", 500}};

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::sqlite::TempSqliteStore::Open();
    ASSERT_TRUE(store_);
    Agency region;
    region.kind = AgencyKind::kRegion;
    region.code = "berau";
    region.name = "Kabupaten Berau";
    ASSERT_TRUE(store_->agencies().Create(&region).ok());
    agency_.parent_id = region.id;
    agency_.code = "diskominfo";
    agency_.name = "Diskominfo";
    ASSERT_TRUE(store_->agencies().Create(&agency_).ok());
    for (const char* name : {"pejabat", "petugas"}) {
      User u;
      u.username = name;
      u.email = std::string(name) + "@berau.go.id";
      u.roles = {{name == std::string("pejabat") ? Role::kPejabat : Role::kPetugas, agency_.id}};
      ASSERT_TRUE(store_->users().Create(&u).ok());
      users_.push_back(u);
    }
    rt_ = std::make_unique<Runtime>(*store_, clock_);
    runner_ = std::make_unique<jobs::JobRunner>(store_->jobs(), clock_, "test");
    ASSERT_TRUE(RegisterJobs(*runner_, *rt_, 3'600'000).ok());
  }

  //! Runs whatever the queue has due at the clock's time.
  int Run() {
    auto ran = runner_->RunOnce(clock_.Now());
    EXPECT_TRUE(ran.ok()) << ran.status().ToString();
    return ran.ok() ? *ran : 0;
  }

  Case OpenCase(Platform p, const std::string& external_id) {
    Mention m;
    m.agency_id = agency_.id;
    m.data.platform = p;
    m.data.external_id = external_id;
    m.data.author_handle = "warga_berau";
    m.data.text = "Kapan jalan poros diperbaiki?";
    m.data.created_at = clock_.Now();
    auto out = store_->mentions().UpsertBatch({m}, clock_.Now());
    m.id = (*out)[0].id;
    return store_->inbox().AttachMention(m, clock_.Now())->case_;
  }

  Reply Queue(const Case& c, const std::string& key) {
    Reply r;
    r.case_id = c.id;
    r.text = "Perbaikan dimulai 2 Desember.";
    r.state = ReplyState::kQueued;
    r.idempotency_key = key;
    r.created_by = users_[1].id;
    r.platform = c.platform;
    r.in_reply_to = c.platform == Platform::kX ? "1445880548472328192" : "109876543210";
    r.recipient = c.citizen_handle;
    r = store_->inbox().CreateReply(r, std::nullopt)->first;
    EXPECT_TRUE(EnqueueSend(*store_, r, clock_.Now()).ok());
    return r;
  }

  Reply Get(Id id) { return *store_->inbox().GetReply(id); }

  FakeClock clock_{*ParseRfc3339("2026-11-27T02:00:00Z")};
  std::unique_ptr<store::sqlite::TempSqliteStore> store_;
  Agency agency_;
  std::vector<User> users_;
  std::unique_ptr<Runtime> rt_;
  std::unique_ptr<jobs::JobRunner> runner_;
};

TEST_F(DeliveryTest, NotificationsLeaveByJobAndArriveOnceWhenTheChannelIsBack) {
  auto mail = std::make_unique<FlakyChannel>("email");
  auto telegram = std::make_unique<FlakyChannel>("telegram");
  FlakyChannel* m = mail.get();
  FlakyChannel* t = telegram.get();
  rt_->channels.push_back(std::move(mail));
  rt_->channels.push_back(std::move(telegram));
  m->set_down(true);
  Notification n;
  n.kind = "escalation";
  n.title = "Disposisi melewati batas waktu";
  // The caller (an API request, the sweep) only stores and queues: no channel is touched.
  auto added = NotifyUsers(*rt_, users_, n, "disposition:1:escalation");
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 2);
  EXPECT_EQ(m->calls() + t->calls(), 0);
  // The same key again (a repeated sweep): nothing new is stored or queued.
  EXPECT_EQ(*NotifyUsers(*rt_, users_, n, "disposition:1:escalation"), 0);

  // The queue delivers: Telegram works, the mail server is dead.
  EXPECT_EQ(Run(), 4);
  EXPECT_EQ(t->delivered().size(), 2u);
  EXPECT_TRUE(m->delivered().empty());
  EXPECT_EQ(m->calls(), 2);
  // Still down at the first retry (2 s later): back-off grows; Telegram is not repeated.
  clock_.Advance(2'000);
  EXPECT_EQ(Run(), 2);
  clock_.Advance(2'000);
  EXPECT_EQ(Run(), 0);  // the next try is 4 s after the second failure
  // The mail server comes back: each officer gets the e-mail once, Telegram still only once.
  m->set_down(false);
  clock_.Advance(2'000);
  EXPECT_EQ(Run(), 2);
  EXPECT_EQ(m->delivered(),
            (std::vector<std::string>{"pejabat:escalation:Disposisi melewati batas waktu",
                                      "petugas:escalation:Disposisi melewati batas waktu"}));
  EXPECT_EQ(t->delivered().size(), 2u);
  clock_.Advance(3'600'000);
  Run();
  EXPECT_EQ(m->calls(), 6);
  EXPECT_EQ(t->calls(), 2);
  // The in-app notification was there from the start, whatever the channels did.
  auto list = store_->inbox().ListNotifications(users_[0].id, false, {10, 0});
  ASSERT_EQ(list->items.size(), 1u);
}

TEST_F(DeliveryTest, ATelegramChannelThatRefusesForGoodIsNotRetried) {
  // The real Telegram channel against a fake Bot API answering 403 "bot was blocked by the user".
  FakePlatform bot("/{bot}/sendMessage");
  bot.Script({{403,
               {{"ok", false},
                {"error_code", 403},
                {"description", "Forbidden: bot was blocked by the user"}}}});
  telegram::BotOptions o;
  o.bot_token = "42:TEST";
  o.api_base = bot.url();
  rt_->channels.push_back(MakeTelegramChannel(o));
  User u = users_[0];
  u.telegram_chat_id = "987654321";
  ASSERT_TRUE(store_->users().Update(u).ok());
  Notification n;
  n.kind = "disposition";
  n.title = "Disposisi baru";
  ASSERT_EQ(*NotifyUsers(*rt_, {u}, n, "disposition:7:new"), 1);
  EXPECT_EQ(Run(), 1);
  clock_.Advance(3'600'000);
  Run();
  EXPECT_EQ(bot.requests(), 1u);
}

TEST_F(DeliveryTest, XBusyIsRetriedByItselfAndSentOnce) {
  FakePlatform x("/2/tweets");
  x.Script({{503, kX503},
            {201, Fixture("x-api-v2/tweepy-cassettes/create_and_delete_tweet_0.json")["body"]}});
  rt_->senders[Platform::kX] =
      MakeAccountSender(Platform::kX, connectors::reply::Account{x.url(), "user-token", 5000});
  Case c = OpenCase(Platform::kX, "1445880548472328192");
  std::vector<Id> changed;  // what open case views are told (live updates)
  rt_->case_changed = [&changed](Id id) { changed.push_back(id); };
  Reply r = Queue(c, "auto-x-0001");
  EXPECT_EQ(Run(), 1);
  EXPECT_EQ(changed, std::vector<Id>{c.id});  // failed
  Reply failed = Get(r.id);
  EXPECT_EQ(failed.state, ReplyState::kFailed);  // visible as failed, with when it goes again
  EXPECT_EQ(failed.error_kind, "retryable");
  EXPECT_EQ(failed.attempts, 1);
  ASSERT_TRUE(failed.next_retry_at.has_value());
  EXPECT_EQ(*failed.next_retry_at, clock_.Now() + 30'000);
  clock_.Advance(29'000);
  EXPECT_EQ(Run(), 0);
  clock_.Advance(1'000);
  EXPECT_EQ(Run(), 1);
  Reply sent = Get(r.id);
  EXPECT_EQ(sent.state, ReplyState::kSent);
  EXPECT_EQ(sent.attempts, 2);
  EXPECT_EQ(sent.platform_id, "1456012973835788293");
  EXPECT_FALSE(sent.next_retry_at.has_value());
  EXPECT_EQ(x.requests(), 2u);
  EXPECT_EQ(changed, (std::vector<Id>{c.id, c.id}));  // failed, then sent
  clock_.Advance(3'600'000);
  Run();
  EXPECT_EQ(x.requests(), 2u);
  // The history says it was retried by the system.
  bool automatic = false;
  auto events = store_->inbox().CaseEvents(c.id);
  ASSERT_TRUE(events.ok());
  for (const CaseEvent& e : *events)
    if (e.kind == "reply_retried" && !e.actor_user_id &&
        e.details_json.find("\"automatic\":true") != std::string::npos)
      automatic = true;
  EXPECT_TRUE(automatic);
}

TEST_F(DeliveryTest, AnUnclearFailureIsRetriedOnlyWhereRepliesAreIdempotent) {
  // X answered 500: the post may exist. Left to the officer (retryable, no automatic retry).
  FakePlatform x("/2/tweets");
  x.Script({{500, kX500}});
  rt_->senders[Platform::kX] =
      MakeAccountSender(Platform::kX, connectors::reply::Account{x.url(), "user-token", 5000});
  Reply rx = Queue(OpenCase(Platform::kX, "1445880548472328192"), "unclear-x-01");
  Run();
  EXPECT_EQ(Get(rx.id).state, ReplyState::kFailed);
  EXPECT_EQ(Get(rx.id).error_kind, "retryable");
  EXPECT_FALSE(Get(rx.id).next_retry_at.has_value());
  clock_.Advance(3'600'000);
  Run();
  EXPECT_EQ(x.requests(), 1u);

  // Mastodon answered 500: the Idempotency-Key makes a second post the same one, so it goes again.
  FakePlatform mastodon("/api/v1/statuses");
  json status = Fixture("mastodon/mastodon-py-cassettes/test_status_reply_2.json")["body"];
  mastodon.Script({{500, {{"error", "Internal server error"}}}, {200, status}});
  mastodon::ClientOptions o;
  o.instance_url = mastodon.url();
  o.access_token = "token";
  rt_->senders[Platform::kMastodon] = MakeMastodonSender(o);
  Reply rm = Queue(OpenCase(Platform::kMastodon, "109876543210"), "unclear-m-01");
  Run();
  ASSERT_TRUE(Get(rm.id).next_retry_at.has_value());
  clock_.Advance(30'000);
  Run();
  EXPECT_EQ(Get(rm.id).state, ReplyState::kSent);
  EXPECT_EQ(mastodon.keys(), (std::vector<std::string>{"unclear-m-01", "unclear-m-01"}));
}

TEST_F(DeliveryTest, RetriesAreBoundedAndNeverAfterARefusal) {
  FakePlatform x("/2/tweets");
  x.Script({{429, {{"title", "Too Many Requests"}, {"status", 429}}}});
  rt_->senders[Platform::kX] =
      MakeAccountSender(Platform::kX, connectors::reply::Account{x.url(), "user-token", 5000});
  Reply r = Queue(OpenCase(Platform::kX, "1445880548472328192"), "bounded-0001");
  for (int i = 0; i < 10; ++i) {
    Run();
    clock_.Advance(10 * 60'000);
  }
  Reply last = Get(r.id);
  EXPECT_EQ(x.requests(), 4u);  // the first send and three automatic retries
  EXPECT_EQ(last.attempts, 4);
  EXPECT_EQ(last.state, ReplyState::kFailed);
  EXPECT_EQ(last.error_kind, "retryable");  // the officer may still retry by hand
  EXPECT_FALSE(last.next_retry_at.has_value());

  // A 4xx refusal (duplicate content): never retried by itself.
  x.Script({{403,
             {{"detail", "You are not allowed to create a Tweet with duplicate content."},
              {"title", "Forbidden"},
              {"status", 403}}}});
  Reply dup = Queue(OpenCase(Platform::kX, "1445880548472328199"), "bounded-0002");
  size_t before = x.requests();
  Run();
  clock_.Advance(3'600'000);
  Run();
  EXPECT_EQ(x.requests(), before + 1);
  EXPECT_EQ(Get(dup.id).error_kind, "permanent");
  EXPECT_FALSE(Get(dup.id).next_retry_at.has_value());
}

TEST_F(DeliveryTest, AnOfficersRetryTakesOverThePlannedOne) {
  FakePlatform x("/2/tweets");
  x.Script({{503, kX503},
            {201, Fixture("x-api-v2/tweepy-cassettes/create_and_delete_tweet_0.json")["body"]}});
  rt_->senders[Platform::kX] =
      MakeAccountSender(Platform::kX, connectors::reply::Account{x.url(), "user-token", 5000});
  Reply r = Queue(OpenCase(Platform::kX, "1445880548472328192"), "manual-0001");
  Run();
  Reply failed = Get(r.id);
  ASSERT_TRUE(failed.next_retry_at.has_value());
  // The officer presses "retry" at once (what POST /replies/{id}/retry does).
  Reply next = failed;
  next.state = ReplyState::kQueued;
  Reply queued = *store_->inbox().UpdateReply(
      next, failed.version, {ReplyState::kFailed},
      CaseEvent{0, r.case_id, clock_.Now(), users_[1].id, "reply_retried", "{}"});
  EXPECT_FALSE(queued.next_retry_at.has_value());
  ASSERT_TRUE(EnqueueSend(*store_, queued, clock_.Now()).ok());
  Run();
  EXPECT_EQ(Get(r.id).state, ReplyState::kSent);
  // The planned automatic retry comes due and finds nothing to do: sent once.
  clock_.Advance(60'000);
  Run();
  EXPECT_EQ(x.requests(), 2u);
  EXPECT_EQ(Get(r.id).attempts, 2);
}

}  // namespace
}  // namespace humas::inbox
