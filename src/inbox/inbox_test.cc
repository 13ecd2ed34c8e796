// The inbox's clock and sending with an injected clock, a real SQLite store and the real job
// runner: deadlines over a weekend in WITA, reminders and escalation to the right people exactly
// once, replies sent once even when two senders race.
#include "inbox/inbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "jobs/runner.h"
#include "store/sqlite/test_util.h"

namespace humas::inbox {
namespace {

UnixMillis At(const char* text) { return *ParseRfc3339(text); }

//! Records what would have gone out by e-mail or Telegram.
class RecordingChannel final : public Channel {
 public:
  std::string name() const override { return "recording"; }
  Status Deliver(const User& to, const Notification& n) override {
    std::lock_guard lock(mu_);
    sent_.push_back(to.username + ":" + n.kind);
    return Status::Ok();
  }
  std::vector<std::string> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> sent_;  // guarded by mu_
};

class CountingSender final : public ReplySender {
 public:
  Result<SentReply> Send(const Reply& r, const Case&) override {
    calls.fetch_add(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (fail) return Unavailable("HTTP 503 from the platform");
    return SentReply{"9" + std::to_string(r.id), "https://x.com/i/status/9" + std::to_string(r.id)};
  }
  std::atomic<int> calls{0};
  bool fail = false;
};

class InboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions o;
    o.path = db_.path();
    auto s = store::OpenSqliteStore(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    Agency region;
    region.kind = AgencyKind::kRegion;
    region.code = "berau";
    region.name = "Kabupaten Berau";
    region.timezone = "Asia/Makassar";
    ASSERT_TRUE(store_->agencies().Create(&region).ok());
    region_ = region;
    for (const char* code : {"diskominfo", "dinkes"}) {
      Agency a;
      a.kind = AgencyKind::kAgency;
      a.parent_id = region.id;
      a.code = code;
      a.name = code;
      a.timezone = "Asia/Makassar";
      ASSERT_TRUE(store_->agencies().Create(&a).ok());
      agencies_.push_back(a);
    }
    AddUser("petugas_kominfo", Role::kPetugas, agencies_[0].id);
    AddUser("pejabat_dinkes", Role::kPejabat, agencies_[1].id);
    AddUser("petugas_dinkes", Role::kPetugas, agencies_[1].id);
    AddUser("koord", Role::kKoordinator, region.id);
    AddUser("admin", Role::kAdmin, region.id);
    InboxSettings settings;
    settings.region_id = region.id;
    settings.mode = "working";
    settings.hours = 24;
    settings.reminder_minutes = {240, 60};
    ASSERT_TRUE(store_->inbox().PutSettings(&settings).ok());
    rt_ = std::make_unique<Runtime>(*store_, clock_);
    auto ch = std::make_unique<RecordingChannel>();
    channel_ = ch.get();
    rt_->channels.push_back(std::move(ch));
  }

  void AddUser(const std::string& name, Role role, Id agency) {
    User u;
    u.username = name;
    u.roles = {{role, agency}};
    ASSERT_TRUE(store_->users().Create(&u).ok());
    users_[name] = u.id;
  }

  Case OpenCase(Platform platform = Platform::kX, std::optional<UnixMillis> at = std::nullopt,
                std::optional<Id> agency = std::nullopt) {
    Mention m;
    m.agency_id = agency.value_or(agencies_[0].id);
    m.data.platform = platform;
    m.data.external_id = "q" + std::to_string(++seq_);
    m.data.author_handle = "warga";
    m.data.text = "Kapan vaksin polio tersedia?";
    m.data.created_at = at.value_or(clock_.Now());
    auto out = store_->mentions().UpsertBatch({m}, clock_.Now());
    m.id = (*out)[0].id;
    return store_->inbox().AttachMention(m, clock_.Now())->case_;
  }

  int Notifications(const std::string& user, const std::string& kind) {
    auto list = store_->inbox().ListNotifications(users_[user], false, {200, 0});
    int n = 0;
    for (const auto& x : list->items) n += x.kind == kind;
    return n;
  }

  store::sqlite::TempDb db_;
  FakeClock clock_{At("2026-11-27T14:00:00+08:00")};  // Friday, WITA
  std::unique_ptr<store::Store> store_;
  Agency region_;
  std::vector<Agency> agencies_;
  std::map<std::string, Id> users_;
  std::unique_ptr<Runtime> rt_;
  RecordingChannel* channel_ = nullptr;
  int seq_ = 0;
};

TEST_F(InboxTest, DeadlineInWorkingHoursOverTheWeekend) {
  auto plan = PlanDeadline(*store_, agencies_[1], clock_.Now());
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  // Fri 14:00–16:30 (2.5h), Mon 8.5h, Tue 8.5h, then 4.5h on Wednesday → Wed 12:00 WITA.
  EXPECT_EQ(plan->deadline_at, At("2026-12-02T12:00:00+08:00"));
  ASSERT_EQ(plan->reminders.size(), 2u);
  EXPECT_EQ(plan->reminders[0], At("2026-12-02T08:00:00+08:00"));
  EXPECT_EQ(plan->reminders[1], At("2026-12-02T11:00:00+08:00"));
  EXPECT_EQ(plan->mode, "working");
  // A holiday the admin adds on Monday moves it by a working day.
  ASSERT_TRUE(store_->inbox()
                  .PutHolidayOverride({"2026-11-30", "Libur daerah", "libur_nasional", false, 0})
                  .ok());
  auto moved = PlanDeadline(*store_, agencies_[1], clock_.Now());
  EXPECT_EQ(moved->deadline_at, At("2026-12-03T12:00:00+08:00"));
}

TEST_F(InboxTest, RemindersThenEscalationReachTheRightPeopleOnce) {
  Case c = OpenCase();
  auto plan = *PlanDeadline(*store_, agencies_[1], clock_.Now());
  std::vector<Disposition> ds(1);
  ds[0].from_agency_id = agencies_[0].id;
  ds[0].to_agency_id = agencies_[1].id;
  ds[0].question = "Kapan vaksin polio tersedia?";
  ds[0].created_by = users_["petugas_kominfo"];
  ds[0].deadline_at = plan.deadline_at;
  ds[0].reminder_points = plan.reminders;
  ds[0].sla_mode = plan.mode;
  ds[0].sla_ms = plan.sla_ms;
  ASSERT_TRUE(store_->inbox()
                  .CreateDispositions(c.id, c.version, std::nullopt, 0, &ds,
                                      CaseEvent{0, 0, clock_.Now(), std::nullopt, "d", "{}"})
                  .ok());
  jobs::JobRunner runner(store_->jobs(), clock_, "test:1");
  ASSERT_TRUE(RegisterJobs(runner, *rt_).ok());
  auto run_at = [&](const char* t) {
    clock_.Set(At(t));
    auto ran = runner.RunOnce(clock_.Now());
    ASSERT_TRUE(ran.ok()) << ran.status().ToString();
  };
  run_at("2026-11-28T10:00:00+08:00");  // Saturday: nothing due
  run_at("2026-12-01T16:00:00+08:00");  // Tuesday after hours: still 4.5 working hours left
  EXPECT_EQ(Notifications("pejabat_dinkes", "reminder"), 0);
  run_at("2026-12-02T08:00:30+08:00");
  EXPECT_EQ(Notifications("pejabat_dinkes", "reminder"), 1);
  EXPECT_EQ(Notifications("petugas_dinkes", "reminder"), 1);
  EXPECT_EQ(Notifications("petugas_kominfo", "reminder"), 0);  // the forwarding side is not nagged
  EXPECT_EQ(Notifications("koord", "reminder"), 0);
  run_at("2026-12-02T08:05:00+08:00");  // sweeps again: nobody gets it twice
  EXPECT_EQ(Notifications("pejabat_dinkes", "reminder"), 1);
  run_at("2026-12-02T11:01:00+08:00");
  EXPECT_EQ(Notifications("pejabat_dinkes", "reminder"), 2);
  run_at("2026-12-02T12:00:30+08:00");
  EXPECT_EQ(Notifications("pejabat_dinkes", "escalation"), 1);
  EXPECT_EQ(Notifications("koord", "escalation"), 1);
  EXPECT_EQ(Notifications("petugas_dinkes", "escalation"), 0);
  EXPECT_EQ(Notifications("admin", "escalation"), 0);
  run_at("2026-12-03T09:00:00+08:00");
  EXPECT_EQ(Notifications("koord", "escalation"), 1);
  // Every new in-app notification also went out once through the channel.
  auto sent = channel_->sent();
  EXPECT_EQ(std::count(sent.begin(), sent.end(), "koord:escalation"), 1);
  EXPECT_EQ(std::count(sent.begin(), sent.end(), "petugas_dinkes:reminder"), 2);
  auto events = *store_->inbox().CaseEvents(c.id);
  int reminders = 0;
  int escalations = 0;
  for (const auto& e : events) {
    reminders += e.kind == "reminder_sent";
    escalations += e.kind == "escalated";
  }
  EXPECT_EQ(reminders, 2);
  EXPECT_EQ(escalations, 1);
}

TEST_F(InboxTest, AnAnsweredDispositionRaisesNoAlarm) {
  Case c = OpenCase();
  auto plan = *PlanDeadline(*store_, agencies_[1], clock_.Now());
  std::vector<Disposition> ds(1);
  ds[0].from_agency_id = agencies_[0].id;
  ds[0].to_agency_id = agencies_[1].id;
  ds[0].question = "q";
  ds[0].created_by = users_["petugas_kominfo"];
  ds[0].deadline_at = plan.deadline_at;
  ds[0].reminder_points = plan.reminders;
  ASSERT_TRUE(store_->inbox()
                  .CreateDispositions(c.id, c.version, std::nullopt, 0, &ds,
                                      CaseEvent{0, 0, clock_.Now(), std::nullopt, "d", "{}"})
                  .ok());
  ASSERT_TRUE(store_->inbox()
                  .ResolveDisposition(ds[0].id, 1, DispositionState::kSebagian, "sebagian",
                                      users_["pejabat_dinkes"], clock_.Now(),
                                      CaseEvent{0, 0, clock_.Now(), std::nullopt, "a", "{}"})
                  .ok());
  auto handled = Sweep(*rt_, At("2026-12-09T12:00:00+08:00"));
  ASSERT_TRUE(handled.ok());
  EXPECT_EQ(*handled, 0);
  EXPECT_TRUE(channel_->sent().empty());
}

Reply QueuedReply(store::Store& store, const Case& c, Id user, const std::string& key) {
  Reply r;
  r.case_id = c.id;
  r.text = "Vaksin tersedia mulai Senin.";
  r.state = ReplyState::kQueued;
  r.idempotency_key = key;
  r.created_by = user;
  r.platform = c.platform;
  return store.inbox().CreateReply(r, std::nullopt)->first;
}

TEST_F(InboxTest, ARacedReplyIsSentOnce) {
  auto sender = std::make_unique<CountingSender>();
  CountingSender* s = sender.get();
  rt_->senders[Platform::kX] = std::move(sender);
  Case c = OpenCase();
  Reply r = QueuedReply(*store_, c, users_["petugas_kominfo"], "race-0001");
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] { EXPECT_TRUE(SendReply(*rt_, r.id).ok()); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(s->calls.load(), 1);
  Reply sent = *store_->inbox().GetReply(r.id);
  EXPECT_EQ(sent.state, ReplyState::kSent);
  EXPECT_EQ(sent.platform_url, "https://x.com/i/status/9" + std::to_string(r.id));
  EXPECT_EQ(store_->inbox().GetCase(c.id)->state, CaseState::kDijawab);
  // Sending again (a duplicate job) does nothing.
  EXPECT_TRUE(SendReply(*rt_, r.id).ok());
  EXPECT_EQ(s->calls.load(), 1);
}

TEST_F(InboxTest, FailuresAreVisibleAndNeverShownAsSent) {
  auto sender = std::make_unique<CountingSender>();
  sender->fail = true;
  rt_->senders[Platform::kX] = std::move(sender);
  Case c = OpenCase();
  Reply r = QueuedReply(*store_, c, users_["petugas_kominfo"], "fail-0001");
  EXPECT_TRUE(SendReply(*rt_, r.id).ok());
  Reply failed = *store_->inbox().GetReply(r.id);
  EXPECT_EQ(failed.state, ReplyState::kFailed);
  EXPECT_EQ(failed.last_error, "HTTP 503 from the platform");
  EXPECT_EQ(failed.error_kind, "retryable");  // the platform was down: try again later
  EXPECT_NE(store_->inbox().GetCase(c.id)->state, CaseState::kDijawab);
  // No sender for the platform at all: failed with the reason, not sent, not worth a blind retry.
  rt_->senders.clear();
  Reply r2 = QueuedReply(*store_, c, users_["petugas_kominfo"], "fail-0002");
  EXPECT_TRUE(SendReply(*rt_, r2.id).ok());
  Reply none = *store_->inbox().GetReply(r2.id);
  EXPECT_EQ(none.state, ReplyState::kFailed);
  EXPECT_NE(none.last_error.find("no x account is connected"), std::string::npos)
      << none.last_error;
  EXPECT_EQ(none.error_kind, "permanent");
  EXPECT_TRUE(none.platform_id.empty());
  // Longer than X counts (each emoji counts 2): refused before it leaves humas.
  auto counting = std::make_unique<CountingSender>();
  CountingSender* s = counting.get();
  rt_->senders[Platform::kX] = std::move(counting);
  Reply longer;
  longer.case_id = c.id;
  longer.text = std::string(200, 'a');
  for (int i = 0; i < 50; ++i) longer.text += "\xF0\x9F\x99\x8F";  // 200 + 100 > 280
  longer.state = ReplyState::kQueued;
  longer.idempotency_key = "fail-0003";
  longer.created_by = users_["petugas_kominfo"];
  longer.platform = Platform::kX;
  longer = store_->inbox().CreateReply(longer, std::nullopt)->first;
  EXPECT_TRUE(SendReply(*rt_, longer.id).ok());
  EXPECT_EQ(store_->inbox().GetReply(longer.id)->state, ReplyState::kFailed);
  EXPECT_EQ(store_->inbox().GetReply(longer.id)->error_kind, "permanent");
  EXPECT_EQ(s->calls.load(), 0);
}

TEST_F(InboxTest, ASendInterruptedByACrashEndsFailedNotSent) {
  Case c = OpenCase();
  Reply r = QueuedReply(*store_, c, users_["petugas_kominfo"], "crash-0001");
  // The worker claimed it and died before recording the outcome.
  ASSERT_TRUE(store_->inbox().ClaimReply(r.id, clock_.Now())->has_value());
  jobs::JobRunner runner(store_->jobs(), clock_, "test:2");
  ASSERT_TRUE(RegisterJobs(runner, *rt_).ok());
  clock_.Advance(5 * 60'000);
  ASSERT_TRUE(runner.RunOnce(clock_.Now()).ok());
  EXPECT_EQ(store_->inbox().GetReply(r.id)->state, ReplyState::kSending);  // may still be going
  clock_.Advance(6 * 60'000);
  ASSERT_TRUE(runner.RunOnce(clock_.Now()).ok());
  Reply after = *store_->inbox().GetReply(r.id);
  EXPECT_EQ(after.state, ReplyState::kFailed);
  EXPECT_NE(after.last_error.find("interrupted while sending"), std::string::npos);
  EXPECT_NE(store_->inbox().GetCase(c.id)->state, CaseState::kDijawab);
}

//! Agency accounts of the test: an X sender per agency id.
class MapAccounts final : public ReplyAccounts {
 public:
  std::map<Id, ReplySender*> by_agency;
  Result<std::unique_ptr<ReplySender>> SenderFor(Id agency, Platform p) override {
    auto it = by_agency.find(agency);
    if (it == by_agency.end() || p != Platform::kX) return std::unique_ptr<ReplySender>();
    return std::unique_ptr<ReplySender>(new Forward(it->second));
  }

 private:
  struct Forward final : ReplySender {
    explicit Forward(ReplySender* s) : to(s) {}
    Result<SentReply> Send(const Reply& r, const Case& c) override { return to->Send(r, c); }
    ReplySender* to;
  };
};

TEST_F(InboxTest, RepliesGoOutAsTheAgencysOwnAccountFirst) {
  CountingSender agency_account;
  auto global = std::make_unique<CountingSender>();
  CountingSender* installation = global.get();
  rt_->senders[Platform::kX] = std::move(global);
  MapAccounts accounts;
  accounts.by_agency[agencies_[0].id] = &agency_account;
  rt_->accounts = &accounts;
  Case own = OpenCase();
  Reply r = QueuedReply(*store_, own, users_["petugas_kominfo"], "acct-0001");
  EXPECT_TRUE(SendReply(*rt_, r.id).ok());
  EXPECT_EQ(agency_account.calls.load(), 1);
  EXPECT_EQ(installation->calls.load(), 0);
  // An agency without its own account falls back to the installation's.
  Case other = OpenCase(Platform::kX, std::nullopt, agencies_[1].id);
  Reply r2 = QueuedReply(*store_, other, users_["petugas_dinkes"], "acct-0002");
  EXPECT_TRUE(SendReply(*rt_, r2.id).ok());
  EXPECT_EQ(installation->calls.load(), 1);
  EXPECT_TRUE(CheckSend(*rt_, other, clock_.Now()).ok());
  // Nothing at all for Mastodon: the check says why before anyone writes a reply.
  Case masto = OpenCase(Platform::kMastodon);
  SendCheck none = CheckSend(*rt_, masto, clock_.Now());
  EXPECT_EQ(none.reason, "no_account");
  EXPECT_FALSE(none.window_closes_at.has_value());
  rt_->accounts = nullptr;
}

TEST_F(InboxTest, WhatsappRepliesOnlyInsideThe24HourWindow) {
  auto sender = std::make_unique<CountingSender>();
  CountingSender* s = sender.get();
  rt_->senders[Platform::kWhatsapp] = std::move(sender);
  UnixMillis wrote = clock_.Now() - 23 * 3'600'000LL;
  Case open = OpenCase(Platform::kWhatsapp, wrote);
  SendCheck ok = CheckSend(*rt_, open, clock_.Now());
  EXPECT_TRUE(ok.ok()) << ok.message;
  ASSERT_TRUE(ok.window_closes_at.has_value());
  EXPECT_EQ(*ok.window_closes_at, wrote + 24 * 3'600'000LL);
  Reply r = QueuedReply(*store_, open, users_["petugas_kominfo"], "wa-0001");
  // Queued inside the window, but the job runs after it closed: refused with the reason, never
  // sent, and not retryable.
  clock_.Advance(2 * 3'600'000LL);
  SendCheck closed = CheckSend(*rt_, open, clock_.Now());
  EXPECT_EQ(closed.reason, "window_closed");
  EXPECT_NE(closed.message.find("24 hours"), std::string::npos);
  EXPECT_TRUE(SendReply(*rt_, r.id).ok());
  Reply failed = *store_->inbox().GetReply(r.id);
  EXPECT_EQ(failed.state, ReplyState::kFailed);
  EXPECT_EQ(failed.error_kind, "permanent");
  EXPECT_NE(failed.last_error.find("24 hours"), std::string::npos);
  EXPECT_EQ(s->calls.load(), 0);
  // The citizen writes again: the window opens again for the conversation.
  Case again = OpenCase(Platform::kWhatsapp, clock_.Now());
  EXPECT_TRUE(CheckSend(*rt_, again, clock_.Now()).ok());
}

}  // namespace
}  // namespace humas::inbox
