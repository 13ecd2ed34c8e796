// Backend-neutral conformance tests of store/alerts.h: settings with optimistic concurrency, one
// open alert per agency + query + kind, closing, listing in scope, the evaluator's counter reads,
// the hoax scan and the seen marks. Instantiated per backend.
#include "store/alerts.h"
#include "store/cases.h"
#include "store/queries.h"
#include "store/store_conformance_test.h"

namespace humas::store {
namespace {

constexpr UnixMillis kHour = 3'600'000;
constexpr UnixMillis kT0 = 1'723'860'000'000;  // 2024-08-17T02:00:00Z, an hour boundary

class AlertStoreTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    if (HasFatalFailure()) return;
    for (auto* a : {&a_, &b_}) {
      a->code = a == &a_ ? "dinkes" : "dishub";
      a->name = "Dinas " + a->code;
      ASSERT_OK(store().agencies().Create(a));
    }
  }

  Alert MakeAlert(Id agency, std::optional<Id> query, const std::string& kind, UnixMillis at) {
    Alert a;
    a.agency_id = agency;
    a.query_id = query;
    a.kind = kind;
    a.opened_at = at;
    a.last_hot_at = at;
    a.window_start = at - kHour;
    a.window_end = at + kHour;
    a.observed = 40;
    a.baseline = 3;
    a.score = 12.5;
    a.details_json = R"({"hour":"x"})";
    return a;
  }

  Agency a_, b_;
};

TEST_P(AlertStoreTest, SettingsDefaultThenStoredWithVersions) {
  auto s = store().alerts().GetSettings(a_.id);
  ASSERT_OK(s.status());
  EXPECT_EQ(s->version, 0);
  EXPECT_DOUBLE_EQ(s->spike_score, AlertSettings{}.spike_score);
  s->spike_score = 6;
  s->hoax_threshold = 0.9;
  s->telegram_chat_id = "-1001234";
  ASSERT_OK(store().alerts().PutSettings(&*s));
  EXPECT_EQ(s->version, 1);
  auto stored = store().alerts().GetSettings(a_.id);
  ASSERT_OK(stored.status());
  EXPECT_DOUBLE_EQ(stored->spike_score, 6);
  EXPECT_DOUBLE_EQ(stored->hoax_threshold, 0.9);
  EXPECT_EQ(stored->telegram_chat_id, "-1001234");
  EXPECT_EQ(stored->version, 1);

  // A stale writer (version 0 again, or an old version) gets Conflict and changes nothing.
  AlertSettings stale;
  stale.agency_id = a_.id;
  stale.spike_score = 1;
  EXPECT_EQ(store().alerts().PutSettings(&stale).code(), Code::kConflict);
  stored->spike_score = 7;
  ASSERT_OK(store().alerts().PutSettings(&*stored));
  EXPECT_EQ(stored->version, 2);
  s->version = 1;
  EXPECT_EQ(store().alerts().PutSettings(&*s).code(), Code::kConflict);
  EXPECT_DOUBLE_EQ(store().alerts().GetSettings(a_.id)->spike_score, 7);

  AlertSettings unknown;
  unknown.agency_id = 999;
  EXPECT_EQ(store().alerts().PutSettings(&unknown).code(), Code::kNotFound);
  auto all = store().alerts().AllSettings();
  ASSERT_OK(all.status());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].agency_id, a_.id);
}

TEST_P(AlertStoreTest, OneOpenAlertPerAgencyQueryAndKind) {
  Alert first = MakeAlert(a_.id, 5, "spike", kT0);
  first.evidence_ids = {3, 4};
  auto opened = store().alerts().Open(&first);
  ASSERT_OK(opened.status());
  EXPECT_TRUE(*opened);
  EXPECT_GT(first.id, 0);

  Alert again = MakeAlert(a_.id, 5, "spike", kT0 + kHour);
  auto dup = store().alerts().Open(&again);
  ASSERT_OK(dup.status());
  EXPECT_FALSE(*dup);
  EXPECT_EQ(again.id, first.id);  // replaced by the open one
  EXPECT_EQ(again.opened_at, kT0);
  EXPECT_EQ(again.evidence_ids, (std::vector<Id>{3, 4}));

  // Another kind, another query, the topic (no query) and another agency are separate alerts.
  for (Alert other :
       {MakeAlert(a_.id, 5, "negative", kT0), MakeAlert(a_.id, 6, "spike", kT0),
        MakeAlert(a_.id, std::nullopt, "spike", kT0), MakeAlert(b_.id, 5, "spike", kT0)}) {
    auto r = store().alerts().Open(&other);
    ASSERT_OK(r.status());
    EXPECT_TRUE(*r) << other.kind;
  }
  Alert topic_again = MakeAlert(a_.id, std::nullopt, "spike", kT0);
  EXPECT_FALSE(*store().alerts().Open(&topic_again));

  // Refresh keeps it open with the new figures; closing ends it, and then a new one may open.
  first.last_hot_at = kT0 + kHour;
  first.window_end = kT0 + 2 * kHour;
  first.score = 20;
  first.evidence_ids = {3, 4, 9};
  ASSERT_OK(store().alerts().Refresh(first));
  auto got = store().alerts().Get(first.id);
  ASSERT_OK(got.status());
  EXPECT_EQ(got->last_hot_at, kT0 + kHour);
  EXPECT_DOUBLE_EQ(got->score, 20);
  EXPECT_EQ(got->evidence_ids, (std::vector<Id>{3, 4, 9}));
  EXPECT_EQ(got->details_json, R"({"hour":"x"})");

  auto closed = store().alerts().Close(first.id, kT0 + 5 * kHour);
  ASSERT_OK(closed.status());
  EXPECT_TRUE(*closed);
  EXPECT_FALSE(*store().alerts().Close(first.id, kT0 + 6 * kHour));  // already closed
  EXPECT_EQ(store().alerts().Refresh(first).code(), Code::kFailedPrecondition);
  got = store().alerts().Get(first.id);
  EXPECT_EQ(got->state, "closed");
  EXPECT_EQ(got->closed_at, kT0 + 5 * kHour);

  Alert reopened = MakeAlert(a_.id, 5, "spike", kT0 + 9 * kHour);
  EXPECT_TRUE(*store().alerts().Open(&reopened));
  EXPECT_NE(reopened.id, first.id);
  EXPECT_EQ(store().alerts().Get(12345).status().code(), Code::kNotFound);
  Alert nowhere = MakeAlert(999, 1, "spike", kT0);
  EXPECT_FALSE(store().alerts().Open(&nowhere).ok());
}

TEST_P(AlertStoreTest, OfficersAcknowledgeThenCloseWithVersions) {
  User officer;
  officer.username = "petugas";
  officer.password_hash = "x";
  ASSERT_OK(store().users().Create(&officer));
  const Id u = officer.id;
  Alert a = MakeAlert(a_.id, 5, "spike", kT0);
  ASSERT_OK(store().alerts().Open(&a).status());
  EXPECT_EQ(a.version, 1);
  auto& repo = store().alerts();
  // A stale version is a conflict and changes nothing; an unknown alert is not found.
  EXPECT_EQ(repo.Acknowledge(a.id, 7, u, kT0 + 60'000).status().code(), Code::kConflict);
  EXPECT_EQ(repo.Acknowledge(999, 1, u, kT0).status().code(), Code::kNotFound);
  EXPECT_EQ(repo.Get(a.id)->state, "open");

  auto acked = repo.Acknowledge(a.id, 1, u, kT0 + 60'000);
  ASSERT_OK(acked.status());
  EXPECT_EQ(acked->state, "acknowledged");
  EXPECT_EQ(acked->acknowledged_by, u);
  EXPECT_EQ(acked->acknowledged_at, kT0 + 60'000);
  EXPECT_EQ(acked->version, 2);
  // Acknowledging twice is refused (it is no longer open).
  EXPECT_EQ(repo.Acknowledge(a.id, 2, u, kT0).status().code(), Code::kFailedPrecondition);

  // Acknowledged still de-duplicates its key and is refreshed; the evaluator's calm close leaves
  // it to the officer; refreshing does not change the version.
  Alert again = MakeAlert(a_.id, 5, "spike", kT0 + kHour);
  EXPECT_FALSE(*repo.Open(&again));
  EXPECT_EQ(again.id, a.id);
  again.score = 30;
  ASSERT_OK(repo.Refresh(again));
  EXPECT_FALSE(*repo.Close(a.id, kT0 + 3 * kHour));
  auto active = repo.AllActive();
  ASSERT_OK(active.status());
  ASSERT_EQ(active->size(), 1u);
  EXPECT_DOUBLE_EQ((*active)[0].score, 30);
  EXPECT_EQ((*active)[0].version, 2);
  AlertFilter f;
  f.state = "acknowledged";
  EXPECT_EQ(*repo.Count(f), 1);
  f.state = "active";
  EXPECT_EQ(*repo.Count(f), 1);

  EXPECT_EQ(repo.Resolve(a.id, 1, u, kT0, "x").status().code(), Code::kConflict);
  auto closed = repo.Resolve(a.id, 2, u, kT0 + 2 * kHour, "Klarifikasi diunggah");
  ASSERT_OK(closed.status());
  EXPECT_EQ(closed->state, "closed");
  EXPECT_EQ(closed->closed_by, u);
  EXPECT_EQ(closed->closed_at, kT0 + 2 * kHour);
  EXPECT_EQ(closed->close_note, "Klarifikasi diunggah");
  EXPECT_EQ(closed->acknowledged_by, u);  // kept
  EXPECT_EQ(closed->version, 3);
  EXPECT_EQ(repo.Resolve(a.id, 3, u, kT0, "again").status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(repo.Refresh(*closed).code(), Code::kFailedPrecondition);
  f.state = "active";
  EXPECT_EQ(*repo.Count(f), 0);

  // Closed frees the key; it shows among the closed alerts covering later hours only while its
  // window lasts.
  auto covering = repo.ClosedCovering(kT0);
  ASSERT_OK(covering.status());
  ASSERT_EQ(covering->size(), 1u);
  EXPECT_EQ((*covering)[0].id, a.id);
  EXPECT_TRUE(repo.ClosedCovering(kT0 + kHour)->empty());  // its window ends at kT0 + 1h
  Alert later = MakeAlert(a_.id, 5, "spike", kT0 + 4 * kHour);
  EXPECT_TRUE(*repo.Open(&later));
  EXPECT_NE(later.id, a.id);
  EXPECT_EQ(later.version, 1);
  EXPECT_TRUE(later.close_note.empty());

  // An open alert may be closed directly (a false alarm), without acknowledging it first.
  auto direct = repo.Resolve(later.id, 1, u, kT0 + 5 * kHour, "Bukan isu: kiriman berulang");
  ASSERT_OK(direct.status());
  EXPECT_EQ(direct->state, "closed");
  EXPECT_FALSE(direct->acknowledged_by.has_value());
}

TEST_P(AlertStoreTest, ListAndCountInScope) {
  for (int i = 0; i < 3; ++i) {
    Alert a = MakeAlert(a_.id, 10 + i, i == 2 ? "hoax" : "spike", kT0 + i * kHour);
    ASSERT_OK(store().alerts().Open(&a).status());
    if (i == 0) ASSERT_OK(store().alerts().Close(a.id, kT0 + kHour).status());
  }
  Alert other = MakeAlert(b_.id, 20, "spike", kT0 + 5 * kHour);
  ASSERT_OK(store().alerts().Open(&other).status());

  AlertFilter f;
  f.agency_ids = std::vector<Id>{a_.id};
  auto list = store().alerts().List(f, {});
  ASSERT_OK(list.status());
  ASSERT_EQ(list->total, 3);
  EXPECT_EQ(list->items[0].query_id, 12);  // newest first
  EXPECT_EQ(list->items[2].query_id, 10);
  f.state = "open";
  EXPECT_EQ(store().alerts().List(f, {})->total, 2);
  f.kind = "hoax";
  EXPECT_EQ(*store().alerts().Count(f), 1);
  AlertFilter fresh;
  fresh.opened_after = kT0 + kHour;
  EXPECT_EQ(*store().alerts().Count(fresh), 2);  // kT0 + 2h and b's
  fresh.query_id = 20;
  EXPECT_EQ(*store().alerts().Count(fresh), 1);
  auto open = store().alerts().AllActive();
  ASSERT_OK(open.status());
  EXPECT_EQ(open->size(), 3u);
}

TEST_P(AlertStoreTest, CountersAtHoursHistoriesAndHoaxScan) {
  AgencyQuery q;
  q.agency_id = a_.id;
  q.name = "banjir";
  q.expression = "banjir";
  ASSERT_OK(store().queries().Create(&q));
  AgencyQuery off = q;
  off.name = "mati";
  off.active = false;
  ASSERT_OK(store().queries().Create(&off));

  std::vector<Mention> batch;
  auto add = [&](const std::string& ext, UnixMillis at, std::vector<Id> qs, const char* sentiment,
                 double hoax) {
    Mention m;
    m.agency_id = a_.id;
    m.data.platform = Platform::kX;
    m.data.external_id = ext;
    m.data.text = "banjir " + ext;
    m.data.created_at = at;
    m.data.labels.sentiment = sentiment;
    m.data.labels.hoax_score = hoax;
    m.query_ids = std::move(qs);
    batch.push_back(m);
  };
  add("1", kT0 - 7 * 24 * kHour + 60'000, {q.id}, "negative", 0.1);  // a week earlier
  add("2", kT0 + 60'000, {q.id}, "negative", 0.95);
  add("3", kT0 + 120'000, {q.id, off.id}, "positive", 0.2);
  add("4", kT0 + kHour + 60'000, {q.id}, "", 0.85);
  add("5", kT0 + 90'000, {}, "", 0.99);
  ASSERT_OK(store().mentions().UpsertBatch(batch, kT0 + 2 * kHour).status());

  auto counts = store().alerts().CountsAt({kT0, kT0 - 7 * 24 * kHour});
  ASSERT_OK(counts.status());
  std::map<std::pair<UnixMillis, std::string>, std::int64_t> by;
  for (const auto& c : *counts) {
    EXPECT_EQ(c.query_id, q.id);  // the inactive query is not read
    by[{c.hour, c.sentiment}] += c.count;
  }
  EXPECT_EQ(by.size(), 3u);
  EXPECT_EQ((by[{kT0, "negative"}]), 1);
  EXPECT_EQ((by[{kT0, "positive"}]), 1);
  EXPECT_EQ((by[{kT0 - 7 * 24 * kHour, "negative"}]), 1);

  auto histories = store().alerts().ActiveHistories();
  ASSERT_OK(histories.status());
  ASSERT_EQ(histories->size(), 1u);
  EXPECT_EQ((*histories)[0].query_id, q.id);
  EXPECT_EQ((*histories)[0].agency_id, a_.id);
  EXPECT_EQ((*histories)[0].history_start, kT0 - 7 * 24 * kHour);  // the backfilled week counts

  auto max = store().alerts().MaxMentionId();
  ASSERT_OK(max.status());
  auto hits = store().alerts().ScanHoax(0, *max, 0.8, 100);
  ASSERT_OK(hits.status());
  ASSERT_EQ(hits->size(), 3u);  // "2", "4", "5"
  EXPECT_DOUBLE_EQ((*hits)[0].hoax_score, 0.95);
  EXPECT_EQ((*hits)[0].query_ids, (std::vector<Id>{q.id}));
  EXPECT_TRUE((*hits)[2].query_ids.empty());
  auto after = store().alerts().ScanHoax((*hits)[0].mention_id, *max, 0.8, 1);
  ASSERT_OK(after.status());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].mention_id, (*hits)[1].mention_id);
  EXPECT_TRUE(store().alerts().ScanHoax(*max, *max, 0, 10)->empty());
}

TEST_P(AlertStoreTest, CursorsAndSeenMarksOnlyMoveForward) {
  EXPECT_EQ(*store().alerts().GetCursor("hoax"), std::nullopt);
  ASSERT_OK(store().alerts().SetCursor("hoax", 0));
  EXPECT_EQ(*store().alerts().GetCursor("hoax"), 0);
  ASSERT_OK(store().alerts().SetCursor("hoax", 42));
  EXPECT_EQ(*store().alerts().GetCursor("hoax"), 42);
  User u;
  u.username = "petugas";
  u.password_hash = "x";
  ASSERT_OK(store().users().Create(&u));
  EXPECT_EQ(*store().alerts().SeenUntil(u.id), 0);
  ASSERT_OK(store().alerts().MarkSeen(u.id, kT0));
  ASSERT_OK(store().alerts().MarkSeen(u.id, kT0 - kHour));  // never lowered
  EXPECT_EQ(*store().alerts().SeenUntil(u.id), kT0);
}

TEST_P(AlertStoreTest, MessagesAreStoredWithTheMarkAllOrNothingAndOnce) {
  User u;
  u.username = "petugas";
  u.password_hash = "x";
  ASSERT_OK(store().users().Create(&u));
  Alert a = MakeAlert(a_.id, std::nullopt, "spike", kT0);
  ASSERT_TRUE(*store().alerts().Open(&a));
  Alert other = MakeAlert(b_.id, std::nullopt, "hoax", kT0);
  ASSERT_TRUE(*store().alerts().Open(&other));
  auto pending = store().alerts().Unnotified();
  ASSERT_OK(pending.status());
  ASSERT_EQ(pending->size(), 2u);  // opened, nobody told yet
  EXPECT_EQ((*pending)[0].id, a.id);

  auto messages = [&](const std::string& extra_queue) {
    AlertMessages m;
    Notification n;
    n.user_id = u.id;
    n.kind = "alert";
    n.alert_id = a.id;
    n.title = "Lonjakan percakapan";
    n.dedupe_key = "alert:" + std::to_string(a.id);
    m.notifications.push_back(n);
    m.deliveries = [](const Notification& stored) {
      Job j;
      j.queue = "alerts";
      j.payload_json = R"({"notification":)" + std::to_string(stored.id) + "}";
      j.run_at = kT0;
      j.dedupe_key = "deliver:" + std::to_string(stored.id);
      return std::vector<Job>{j};
    };
    Job group;
    group.queue = extra_queue;
    group.run_at = kT0;
    m.jobs.push_back(group);
    return m;
  };
  // A write that fails (a job without a queue) leaves nothing behind: no notification, no job,
  // and the alert still waits to be told.
  AlertMessages bad = messages("");
  EXPECT_FALSE(store().alerts().StoreMessages(a.id, &bad, kT0).ok());
  EXPECT_EQ(store().inbox().ListNotifications(u.id, false, {})->items.size(), 0u);
  auto counts = store().jobs().Counts("alerts");
  ASSERT_OK(counts.status());
  EXPECT_TRUE(counts->empty());
  EXPECT_EQ(store().alerts().Unnotified()->size(), 2u);

  AlertMessages good = messages("alerts");
  auto stored = store().alerts().StoreMessages(a.id, &good, kT0 + 1);
  ASSERT_OK(stored.status());
  EXPECT_TRUE(*stored);
  auto notes = store().inbox().ListNotifications(u.id, false, {});
  ASSERT_EQ(notes->items.size(), 1u);
  EXPECT_EQ(notes->items[0].alert_id, a.id);
  EXPECT_EQ(store().jobs().Counts("alerts")->at(JobState::kPending), 2);  // delivery + group
  pending = store().alerts().Unnotified();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, other.id);

  // Told once: a second call (a catch-up racing the pass) stores nothing.
  AlertMessages again = messages("alerts");
  EXPECT_FALSE(*store().alerts().StoreMessages(a.id, &again, kT0 + 2));
  EXPECT_EQ(store().inbox().ListNotifications(u.id, false, {})->items.size(), 1u);
  EXPECT_EQ(store().jobs().Counts("alerts")->at(JobState::kPending), 2);
  AlertMessages none;
  EXPECT_EQ(store().alerts().StoreMessages(a.id + 1000, &none, kT0).status().code(),
            Code::kNotFound);
  // A closed alert that was never told is not told any more (nobody waits for it).
  ASSERT_OK(store().alerts().Resolve(other.id, other.version, u.id, kT0, "sudah").status());
  EXPECT_TRUE(store().alerts().Unnotified()->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, AlertStoreTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace humas::store
