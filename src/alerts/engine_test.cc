// The alert evaluator with an injected clock over synthetic hourly histories stored through the
// real intake path (MentionRepository::UpsertBatch keeps the per-query counters) in a real SQLite
// file: a real spike alarms once and closes when it calms down, a weekly rhythm and a quiet query
// do not alarm, negative surges and hoax matches alarm once, thresholds are per agency, and the
// job runner evaluates on schedule.
#include "alerts/engine.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "alerts/detector.h"
#include "jobs/runner.h"
#include "store/sqlite/test_util.h"

namespace humas::alerts {
namespace {

// Monday 2024-08-05T00:00:00Z; "now" is 8 weeks later, on a Monday at 10:30.
constexpr UnixMillis kStart = 1'722'816'000'000;
constexpr UnixMillis kNow = kStart + 8 * kWeekMs + 10 * kHourMs + 30 * 60'000;

class RecordingChannel final : public inbox::Channel {
 public:
  std::string name() const override { return "recording"; }
  Status Deliver(const User& to, const Notification& n) override {
    std::lock_guard lock(mu_);
    sent_.push_back(to.username + ":" + n.title);
    bodies_.push_back(n.body);
    return Status::Ok();
  }
  std::vector<std::string> sent() {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> sent_;    // guarded by mu_
  std::vector<std::string> bodies_;  // guarded by mu_
};

class EngineTest : public ::testing::Test {
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
    ASSERT_TRUE(store_->agencies().Create(&region).ok());
    for (const char* code : {"dinkes", "dishub"}) {
      Agency a;
      a.parent_id = region.id;
      a.code = code;
      a.name = std::string("Dinas ") + code;
      ASSERT_TRUE(store_->agencies().Create(&a).ok());
      agencies_.push_back(a);
    }
    AddUser("pejabat_dinkes", Role::kPejabat, agencies_[0].id);
    AddUser("petugas_dinkes", Role::kPetugas, agencies_[0].id);
    AddUser("petugas_dishub", Role::kPetugas, agencies_[1].id);
    AddUser("koord", Role::kKoordinator, region.id);  // not an officer of the agency
    auto channel = std::make_unique<RecordingChannel>();
    channel_ = channel.get();
    rt_ = std::make_unique<inbox::Runtime>(*store_, clock_);
    rt_->channels.push_back(std::move(channel));
    engine_ = std::make_unique<Engine>(*rt_, EngineOptions{},
                                       [this](const store::Alert& a, const std::string& change) {
                                         std::lock_guard lock(mu_);
                                         changes_.push_back(change + ":" + a.kind);
                                       });
  }

  void AddUser(const std::string& name, Role role, Id agency) {
    User u;
    u.username = name;
    u.password_hash = "x";
    u.email = name + "@berau.go.id";
    u.roles = {{role, agency}};
    ASSERT_TRUE(store_->users().Create(&u).ok());
  }

  Id Query(Id agency, const std::string& name) {
    clock_.Set(kStart);  // created at the start of the history
    store::AgencyQuery q;
    q.agency_id = agency;
    q.name = name;
    q.expression = name;
    EXPECT_TRUE(store_->queries().Create(&q).ok());
    return q.id;
  }

  //! Stores `total` mentions of `query` created in the hour starting at `hour`, the first
  //! `negative` of them negative, the rest neutral.
  void Hour(Id query, Id agency, UnixMillis hour, int total, int negative = 0) {
    Hour(std::vector<Id>{query}, agency, hour, total, negative);
  }
  //! The same for mentions that matched every one of `queries`.
  void Hour(const std::vector<Id>& queries, Id agency, UnixMillis hour, int total,
            int negative = 0) {
    const Id query = queries[0];
    for (int i = 0; i < total; ++i) {
      Mention m;
      m.agency_id = agency;
      m.data.platform = Platform::kX;
      m.data.external_id = std::to_string(query) + "-" + std::to_string(hour) + "-" +
                           std::to_string(i) + "-" + std::to_string(seq_++);
      m.data.text = "sebutan";
      m.data.created_at = hour + i * 1000;
      m.data.labels.sentiment = i < negative ? "negative" : "neutral";
      m.query_ids = queries;
      pending_.push_back(std::move(m));
    }
  }
  void Flush() {
    if (pending_.empty()) return;
    auto r = store_->mentions().UpsertBatch(pending_, kNow);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    pending_.clear();
  }
  //! Every hour from kStart to the hour before `until`: `per_hour(hour)` mentions.
  template <typename Fn>
  void History(Id query, Id agency, UnixMillis until, Fn per_hour) {
    for (UnixMillis h = kStart; h < until; h += kHourMs) Hour(query, agency, h, per_hour(h));
    Flush();
  }

  Id HoaxMention(Id agency, double score, UnixMillis at) {
    Mention m;
    m.agency_id = agency;
    m.data.platform = Platform::kFacebook;
    m.data.external_id = "hoax-" + std::to_string(seq_++);
    m.data.text = "vaksin mengandung chip";
    m.data.created_at = at;
    m.data.labels.hoax_score = score;
    auto r = store_->mentions().UpsertBatch({m}, at);
    EXPECT_TRUE(r.ok());
    return r.ok() ? (*r)[0].id : 0;
  }

  EvaluationReport Evaluate(UnixMillis at) {
    clock_.Set(at);
    auto r = engine_->Evaluate(at);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : EvaluationReport{};
  }

  std::vector<store::Alert> Alerts(std::optional<std::string> state = {}) {
    store::AlertFilter f;
    f.state = state;
    auto r = store_->alerts().List(f, {200, 0});
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->items : std::vector<store::Alert>{};
  }

  store::sqlite::TempDb db_;
  //! What went out through the channel, after the inbox queue ran its pending deliveries
  //! (notifications leave by job, never inside the evaluation).
  std::vector<std::string> Sent() {
    jobs::JobRunner runner(store_->jobs(), clock_, "test:deliver");
    EXPECT_TRUE(inbox::RegisterJobs(runner, *rt_).ok());
    // The officers' deliveries of alerts are jobs of the "alerts" queue (task "notify"); this
    // helper runs only those (the tests below drive evaluations themselves).
    runner.Register(kAlertQueue, [this](const Job& j) -> Status {
      if (j.payload_json.find(R"("task":"notify")") == std::string::npos)
        return Unavailable("not run by this test");
      return engine_->DeliverNotification(j.payload_json);
    });
    EXPECT_TRUE(runner.RunOnce(clock_.Now()).ok());
    return channel_->sent();
  }
  std::vector<std::string> Bodies() {
    Sent();
    return channel_->bodies();
  }

  FakeClock clock_{kStart};
  std::unique_ptr<store::Store> store_;
  std::vector<Agency> agencies_;
  RecordingChannel* channel_ = nullptr;
  std::unique_ptr<inbox::Runtime> rt_;
  std::unique_ptr<Engine> engine_;
  std::mutex mu_;
  std::vector<std::string> changes_;  // guarded by mu_
  std::vector<Mention> pending_;
  int seq_ = 0;
};

const UnixMillis kNowHour = kNow / kHourMs * kHourMs;

TEST_F(EngineTest, ARealSpikeAlarmsOnceThenClosesWhenCalm) {
  Id q = Query(agencies_[0].id, "banjir");
  History(q, agencies_[0].id, kNowHour, [](UnixMillis h) { return 3 + (h / kHourMs) % 3; });
  Hour(q, agencies_[0].id, kNowHour, 45);
  Flush();

  EvaluationReport r = Evaluate(kNow);
  EXPECT_EQ(r.series, 2);  // the query and the agency's topic
  EXPECT_EQ(r.opened, 2);
  auto open = Alerts("open");
  ASSERT_EQ(open.size(), 2u);
  const store::Alert* query_alert = nullptr;
  for (const auto& a : open)
    if (a.query_id == q) query_alert = &a;
  ASSERT_NE(query_alert, nullptr);
  EXPECT_EQ(query_alert->kind, "spike");
  EXPECT_EQ(query_alert->observed, 45);
  EXPECT_GE(query_alert->baseline, 3);
  EXPECT_LE(query_alert->baseline, 5);
  EXPECT_GT(query_alert->score, 4);
  EXPECT_EQ(query_alert->window_start, kNowHour);
  EXPECT_EQ(EvidencePath(*query_alert), "/mentions?query_id=" + std::to_string(q) +
                                            "&since=" + FormatRfc3339(kNowHour) +
                                            "&until=" + FormatRfc3339(kNowHour + kHourMs));
  // The agency's two officers were told about each alert, nobody else.
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 4u);
  for (const auto& s : sent) EXPECT_EQ(s.find("petugas_dishub"), std::string::npos);
  EXPECT_NE(Bodies()[0].find("Bukti: /mentions?"), std::string::npos);
  EXPECT_NE(Bodies()[0].find(": /alerts/"), std::string::npos);  // the alert's page
  auto notes = store_->inbox().ListNotifications(
      store_->users().GetByUsername("pejabat_dinkes")->id, false, {});
  ASSERT_TRUE(notes.ok());
  EXPECT_EQ(notes->items.size(), 2u);

  // Ten minutes later and in the next hour (the previous hour is still the spike): refreshed,
  // de-duplicated, nobody told twice.
  r = Evaluate(kNow + 10 * 60'000);
  EXPECT_EQ(r.opened, 0);
  EXPECT_EQ(r.refreshed, 2);
  r = Evaluate(kNowHour + kHourMs + 5 * 60'000);
  EXPECT_EQ(r.opened, 0);
  EXPECT_EQ(r.refreshed, 2);
  EXPECT_EQ(Sent().size(), 4u);
  EXPECT_EQ(Alerts().size(), 2u);

  // Two hours later it is quiet, but not yet for the calm-down period (2 hours since last hot).
  r = Evaluate(kNowHour + 2 * kHourMs + 5 * 60'000);
  EXPECT_EQ(r.closed, 0);
  r = Evaluate(kNowHour + 3 * kHourMs + 6 * 60'000);
  EXPECT_EQ(r.closed, 2);
  EXPECT_TRUE(Alerts("open").empty());
  auto closed = Alerts("closed");
  ASSERT_EQ(closed.size(), 2u);
  EXPECT_EQ(closed[0].closed_at, kNowHour + 3 * kHourMs + 6 * 60'000);
  std::lock_guard lock(mu_);
  EXPECT_EQ(std::count(changes_.begin(), changes_.end(), "opened:spike"), 2);
  EXPECT_EQ(std::count(changes_.begin(), changes_.end(), "closed:spike"), 2);
}

std::optional<store::Alert> Find(const std::vector<store::Alert>& list, std::optional<Id> query) {
  for (const auto& a : list)
    if (a.query_id == query) return a;
  return std::nullopt;
}

TEST_F(EngineTest, AcknowledgedKeepsDeduplicatingAndClosedHoursDoNotAlarmAgain) {
  Id q = Query(agencies_[0].id, "banjir");
  History(q, agencies_[0].id, kNowHour, [](UnixMillis h) { return 3 + (h / kHourMs) % 3; });
  Hour(q, agencies_[0].id, kNowHour, 45);
  Flush();
  ASSERT_EQ(Evaluate(kNow).opened, 2);
  ASSERT_EQ(Sent().size(), 4u);
  const Id officer = store_->users().GetByUsername("petugas_dinkes")->id;
  auto first = Find(Alerts("open"), q);
  ASSERT_TRUE(first.has_value());
  const Id first_id = first->id;

  // Acknowledged: still the one alert of its key (refreshed, nobody told again).
  auto acked = store_->alerts().Acknowledge(first_id, 1, officer, kNow + 60'000);
  ASSERT_TRUE(acked.ok()) << acked.status().ToString();
  EvaluationReport r = Evaluate(kNow + 10 * 60'000);
  EXPECT_EQ(r.opened, 0);
  EXPECT_EQ(r.refreshed, 2);
  EXPECT_EQ(store_->alerts().Get(first_id)->state, "acknowledged");

  // Closed by the officer while the hour is still hot: that hour does not alarm again.
  ASSERT_TRUE(
      store_->alerts().Resolve(first_id, 2, officer, kNow + 20 * 60'000, "Klarifikasi").ok());
  r = Evaluate(kNow + 25 * 60'000);
  EXPECT_EQ(r.opened, 0);
  EXPECT_EQ(r.refreshed, 1);  // the topic's alert
  EXPECT_EQ(Sent().size(), 4u);

  // The next hour surges again: a new alert for the same key, told again.
  Hour(q, agencies_[0].id, kNowHour + kHourMs, 50);
  Flush();
  r = Evaluate(kNowHour + kHourMs + 20 * 60'000);
  EXPECT_EQ(r.opened, 1);
  auto open = Alerts("open");
  auto second = Find(open, q);
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->id, first_id);
  EXPECT_EQ(second->window_start, kNowHour + kHourMs);  // not the closed alert's hour
  EXPECT_EQ(Sent().size(), 6u);
  EXPECT_EQ(store_->alerts().Get(first_id)->close_note, "Klarifikasi");
}

TEST_F(EngineTest, AnAcknowledgedAlertWaitsForItsOfficerWhenCalm) {
  Id q = Query(agencies_[0].id, "banjir");
  History(q, agencies_[0].id, kNowHour, [](UnixMillis) { return 4; });
  Hour(q, agencies_[0].id, kNowHour, 45);
  Flush();
  ASSERT_EQ(Evaluate(kNow).opened, 2);
  auto a = Find(Alerts("open"), q);
  ASSERT_TRUE(a.has_value());
  const Id officer = store_->users().GetByUsername("pejabat_dinkes")->id;
  ASSERT_TRUE(store_->alerts().Acknowledge(a->id, 1, officer, kNow).ok());
  EvaluationReport r = Evaluate(kNowHour + 3 * kHourMs + 6 * 60'000);
  EXPECT_EQ(r.closed, 1);  // only the topic's open alert
  EXPECT_EQ(Alerts("acknowledged").size(), 1u);
  EXPECT_EQ(Alerts("closed").size(), 1u);
}

TEST_F(EngineTest, TheGroupMessageLeavesByJobAndADeadTelegramFailsNothing) {
  // The agency's group chat behind a Telegram that refuses connections (nothing listens there).
  EngineOptions o;
  o.telegram = telegram::BotOptions{"http://127.0.0.1:9", "1:DEAD", 2000};
  engine_ = std::make_unique<Engine>(*rt_, o);
  store::AlertSettings s;
  s.agency_id = agencies_[0].id;
  s.telegram_chat_id = "-1001234567890";
  ASSERT_TRUE(store_->alerts().PutSettings(&s).ok());
  Id q = Query(agencies_[0].id, "banjir");
  History(q, agencies_[0].id, kNowHour, [](UnixMillis) { return 4; });
  Hour(q, agencies_[0].id, kNowHour, 45);
  Flush();

  // The evaluation opens both alerts and only queues the group messages and the officers'
  // deliveries (two officers, one channel, two alerts).
  EvaluationReport r = Evaluate(kNow);
  EXPECT_EQ(r.opened, 2);
  auto counts = store_->jobs().Counts(kAlertQueue);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)[JobState::kPending], 2 + 4);
  // Evaluating again queues nothing more.
  Evaluate(kNow + 5 * 60'000);
  counts = store_->jobs().Counts(kAlertQueue);
  EXPECT_EQ((*counts)[JobState::kPending], 2 + 4);

  // The queue's attempts fail as "try again later": the jobs wait for their retry with a
  // back-off, nothing is dead, and the officers' own notifications are unaffected.
  jobs::JobRunner runner(store_->jobs(), clock_, "test:alerts");
  ASSERT_TRUE(RegisterJobs(runner, *engine_, *store_, clock_, 5 * 60'000).ok());
  auto ran = runner.RunOnce(clock_.Now());
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 1 + 2 + 4);  // the start's catch-up (nothing to do), 2 groups, 4 deliveries
  counts = store_->jobs().Counts(kAlertQueue);
  EXPECT_EQ((*counts)[JobState::kDead], 0);
  EXPECT_EQ((*counts)[JobState::kDone], 1 + 4);
  EXPECT_EQ((*counts)[JobState::kFailed], 2);   // to be retried
  EXPECT_EQ((*counts)[JobState::kPending], 1);  // the next evaluation
  EXPECT_EQ(channel_->sent().size(), 4u);

  // A job for a chat that is not a number is dropped, not retried.
  EXPECT_TRUE(
      engine_->DeliverGroupMessage(R"({"task":"telegram","alert_id":1,"chat_id":"@x","text":"t"})")
          .ok());
  EXPECT_FALSE(engine_->DeliverGroupMessage(R"({"task":"telegram"})").ok());
}

TEST_F(EngineTest, AnAlertOpenedButNeverToldIsToldOnceAfterTheRestart) {
  // What a process that stopped right after opening left behind: the alert, nobody told.
  Id q = Query(agencies_[0].id, "banjir");
  store::Alert a;
  a.agency_id = agencies_[0].id;
  a.query_id = q;
  a.kind = "spike";
  a.opened_at = a.last_hot_at = kNow;
  a.window_start = kNowHour;
  a.window_end = kNowHour + kHourMs;
  a.observed = 45;
  a.baseline = 4;
  a.score = 20;
  ASSERT_TRUE(*store_->alerts().Open(&a));
  EXPECT_TRUE(Sent().empty());

  // The restarted server's catch-up tells the agency's two officers, in-app and by the channel,
  // with a link to the alert; a second catch-up and an evaluation tell nobody again.
  clock_.Set(kNow + 60'000);
  auto told = engine_->CatchUp();
  ASSERT_TRUE(told.ok()) << told.status().ToString();
  EXPECT_EQ(*told, 1);
  EXPECT_EQ(*engine_->CatchUp(), 0);
  Evaluate(kNow + 2 * 60'000);
  auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].find("Lonjakan percakapan: \"banjir\""), sent[0].find(':') + 1);
  EXPECT_NE(Bodies()[0].find("/alerts/" + std::to_string(a.id)), std::string::npos);
  auto notes = store_->inbox().ListNotifications(
      store_->users().GetByUsername("petugas_dinkes")->id, false, {});
  ASSERT_TRUE(notes.ok());
  ASSERT_EQ(notes->items.size(), 1u);
  EXPECT_EQ(notes->items[0].alert_id, a.id);
  EXPECT_EQ(Sent().size(), 2u);

  // An evaluation catches up too (a pass that failed to tell is retried by the next one).
  store::Alert b = a;
  b.kind = "negative";
  ASSERT_TRUE(*store_->alerts().Open(&b));
  Evaluate(kNow + 3 * 60'000);
  EXPECT_EQ(Sent().size(), 4u);
  EXPECT_TRUE(store_->alerts().Unnotified()->empty());
}

TEST_F(EngineTest, AWeeklyRhythmAndAQuietQueryDoNotAlarm) {
  Id rhythm = Query(agencies_[0].id, "pasar");
  Id quiet = Query(agencies_[1].id, "sepi");
  // Every Monday 10:00 UTC the market report brings 60 mentions; other hours 2.
  auto weekly = [](UnixMillis h) { return (h - kStart) % kWeekMs == 10 * kHourMs ? 60 : 2; };
  History(rhythm, agencies_[0].id, kNowHour, weekly);
  Hour(rhythm, agencies_[0].id, kNowHour, 64);
  // A query that never had a mention gets 8: a large score, but below the minimum count.
  Hour(quiet, agencies_[1].id, kNowHour, 8);
  Flush();
  EvaluationReport r = Evaluate(kNow);
  EXPECT_EQ(r.series, 4);
  EXPECT_EQ(r.opened, 0);
  EXPECT_TRUE(Alerts().empty());
  EXPECT_TRUE(Sent().empty());
}

TEST_F(EngineTest, AMentionMatchingTwoQueriesCountsOnceInTheTopic) {
  const Id agency = agencies_[0].id;
  Id flood = Query(agency, "banjir");
  Id rain = Query(agency, "hujan");
  // Every mention of the history matches both queries; the hour in progress brings 40 of those,
  // 6 of them negative, and 10 that match only "banjir".
  for (UnixMillis h = kStart; h < kNowHour; h += kHourMs) Hour({flood, rain}, agency, h, 4);
  Flush();
  Hour({flood, rain}, agency, kNowHour, 40, 6);
  Hour(flood, agency, kNowHour, 10);
  Flush();

  EvaluationReport r = Evaluate(kNow);
  EXPECT_EQ(r.series, 3);             // two queries and the topic
  std::map<Id, store::Alert> spikes;  // by query id, 0 = the topic
  for (const auto& a : Alerts("open"))
    if (a.kind == "spike") spikes[a.query_id.value_or(0)] = a;
  ASSERT_EQ(spikes.size(), 3u);
  EXPECT_EQ(spikes[flood].observed, 50);
  EXPECT_EQ(spikes[rain].observed, 40);
  // Once per mention, not 50 + 40; the baseline likewise 4 per hour, not 8.
  EXPECT_EQ(spikes[0].observed, 50);
  EXPECT_EQ(spikes[0].baseline, 4);
  EXPECT_EQ(spikes[0].agency_id, agency);
}

TEST_F(EngineTest, TooLittleHistoryIsNotJudged) {
  // A query whose history starts 3 weeks ago has no baseline yet: no alert, however loud.
  clock_.Set(kNow - 3 * kWeekMs);
  store::AgencyQuery q;
  q.agency_id = agencies_[0].id;
  q.name = "baru";
  q.expression = "baru";
  ASSERT_TRUE(store_->queries().Create(&q).ok());
  Hour(q.id, agencies_[0].id, kNowHour, 80);
  Flush();
  EvaluationReport r = Evaluate(kNow);
  EXPECT_EQ(r.series, 0);
  EXPECT_EQ(r.opened, 0);
}

TEST_F(EngineTest, NegativeSurgeAlarmsAndThresholdsArePerAgency) {
  Id q = Query(agencies_[0].id, "rsud");
  Id other = Query(agencies_[1].id, "terminal");
  History(q, agencies_[0].id, kNowHour, [](UnixMillis) { return 10; });
  History(other, agencies_[1].id, kNowHour, [](UnixMillis) { return 10; });
  // Same volume as usual, but most of it negative.
  Hour(q, agencies_[0].id, kNowHour, 12, 9);
  // dishub gets a spike, but has raised its spike threshold to 50.
  Hour(other, agencies_[1].id, kNowHour, 60);
  Flush();
  store::AlertSettings s;
  s.agency_id = agencies_[1].id;
  s.spike_score = 50;
  ASSERT_TRUE(store_->alerts().PutSettings(&s).ok());

  EvaluationReport r = Evaluate(kNow);
  auto open = Alerts("open");
  ASSERT_EQ(r.opened, 2) << "the rsud query and the dinkes topic";
  for (const auto& a : open) {
    EXPECT_EQ(a.kind, "negative");
    EXPECT_EQ(a.agency_id, agencies_[0].id);
    EXPECT_EQ(a.observed, 9);
  }
  EXPECT_NE(open[0].details_json.find("\"share\":0.75"), std::string::npos) << open[0].details_json;

  // Lowered again, the dishub spike alarms on the next pass; disabling dinkes stops nothing
  // already open, but its alerts close after the calm period.
  s.spike_score = 4;
  ASSERT_TRUE(store_->alerts().PutSettings(&s).ok());
  store::AlertSettings off;
  off.agency_id = agencies_[0].id;
  off.enabled = false;
  ASSERT_TRUE(store_->alerts().PutSettings(&off).ok());
  r = Evaluate(kNow + 60'000);
  EXPECT_EQ(r.opened, 2);  // dishub query + topic
  r = Evaluate(kNow + 2 * kHourMs + 30'000);
  EXPECT_EQ(r.closed, 2);  // dinkes, disabled and calm; dishub's are 30 s short of calm
}

TEST_F(EngineTest, AHoaxMatchAlarmsOnce) {
  Evaluate(kNow);  // the first pass starts the hoax cursor at the mentions stored so far
  Id first = HoaxMention(agencies_[0].id, 0.93, kNow + 60'000);
  HoaxMention(agencies_[0].id, 0.5, kNow + 60'000);  // below the threshold
  EvaluationReport r = Evaluate(kNow + 2 * 60'000);
  EXPECT_EQ(r.opened, 1);
  EXPECT_EQ(r.hoax_scanned, 1);
  auto open = Alerts("open");
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0].kind, "hoax");
  EXPECT_EQ(open[0].evidence_ids, std::vector<Id>{first});
  EXPECT_EQ(EvidencePath(open[0]), "/mentions/" + std::to_string(first));
  EXPECT_EQ(Sent().size(), 2u);

  // The same mention is not seen again; a second match joins the open alert silently.
  r = Evaluate(kNow + 3 * 60'000);
  EXPECT_EQ(r.opened + r.refreshed, 0);
  Id second = HoaxMention(agencies_[0].id, 0.88, kNow + 4 * 60'000);
  r = Evaluate(kNow + 5 * 60'000);
  EXPECT_EQ(r.opened, 0);
  EXPECT_EQ(r.refreshed, 1);
  auto a = store_->alerts().Get(open[0].id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->observed, 2);
  EXPECT_EQ(a->evidence_ids, (std::vector<Id>{first, second}));
  EXPECT_EQ(Sent().size(), 2u);

  // dishub's stricter threshold ignores a 0.9.
  store::AlertSettings strict;
  strict.agency_id = agencies_[1].id;
  strict.hoax_threshold = 0.95;
  ASSERT_TRUE(store_->alerts().PutSettings(&strict).ok());
  HoaxMention(agencies_[1].id, 0.9, kNow + 6 * 60'000);
  r = Evaluate(kNow + 7 * 60'000);
  EXPECT_EQ(r.opened, 0);
}

TEST_F(EngineTest, TheJobRunnerEvaluatesOnSchedule) {
  Id q = Query(agencies_[0].id, "banjir");
  History(q, agencies_[0].id, kNowHour, [](UnixMillis) { return 4; });
  Hour(q, agencies_[0].id, kNowHour, 50);
  Flush();
  clock_.Set(kNow);
  jobs::JobRunner runner(store_->jobs(), clock_, "test");
  ASSERT_TRUE(RegisterJobs(runner, *engine_, *store_, clock_, 5 * 60'000).ok());
  auto ran = runner.RunOnce(kNow);
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 1);  // the start's catch-up; the first evaluation is due at the 5-minute mark
  clock_.Set(kNowHour + 35 * 60'000);
  ran = runner.RunOnce(clock_.Now());
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 1);
  EXPECT_EQ(Alerts("open").size(), 2u);
  ran = runner.RunOnce(clock_.Now());
  EXPECT_EQ(*ran, 4);  // the officers' deliveries the evaluation queued
  EXPECT_EQ(channel_->sent().size(), 4u);
  ran = runner.RunOnce(clock_.Now());
  EXPECT_EQ(*ran, 0);  // the next evaluation is scheduled, not due yet
}

}  // namespace
}  // namespace humas::alerts
