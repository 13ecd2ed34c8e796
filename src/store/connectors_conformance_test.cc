// Backend-neutral conformance tests of the connector registry (store/connectors.h).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/connectors.h"
#include "store/store_conformance_test.h"

namespace humas::store {
namespace {

constexpr UnixMillis kT0 = 1'723'860'000'000;

class ConnectorConformanceTest : public StoreConformanceTest {
 protected:
  Id NewAgency(const std::string& code) {
    Agency a;
    a.code = code;
    a.name = "Dinas " + code;
    a.kind = AgencyKind::kAgency;
    EXPECT_TRUE(store().agencies().Create(&a).ok());
    return a.id;
  }
  Connector NewConnector(Id agency, const std::string& name, Platform p = Platform::kRss) {
    Connector c;
    c.agency_id = agency;
    c.platform = p;
    c.name = name;
    c.settings_json = R"({"url":"http://127.0.0.1/feed.xml"})";
    Status s = store().connectors().Create(&c);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return c;
  }
  //! An X connector with a monthly read budget.
  Connector NewBudgeted(Id agency, std::int64_t budget) {
    Connector c;
    c.agency_id = agency;
    c.platform = Platform::kX;
    c.name = "X";
    c.read_budget_monthly = budget;
    EXPECT_TRUE(store().connectors().Create(&c).ok());
    return c;
  }
};

TEST_P(ConnectorConformanceTest, CreateGetRoundTrip) {
  Id a = NewAgency("dinkes");
  Connector c;
  c.agency_id = a;
  c.platform = Platform::kX;
  c.name = "Pencarian X";
  c.settings_json = R"({"query":"banjir"})";
  c.credentials_sealed = "c2VhbGVk";
  c.poll_interval_seconds = 60;
  c.read_budget_monthly = 10000;
  ASSERT_TRUE(store().connectors().Create(&c).ok());
  EXPECT_GT(c.id, 0);
  EXPECT_GT(c.created_at, 0);
  auto got = store().connectors().Get(c.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->agency_id, a);
  EXPECT_EQ(got->platform, Platform::kX);
  EXPECT_EQ(got->name, "Pencarian X");
  EXPECT_EQ(got->settings_json, R"({"query":"banjir"})");
  EXPECT_EQ(got->credentials_sealed, "c2VhbGVk");
  EXPECT_TRUE(got->enabled);
  EXPECT_EQ(got->poll_interval_seconds, 60);
  EXPECT_EQ(got->read_budget_monthly, 10000);
  EXPECT_EQ(got->reads_used, 0);
  EXPECT_FALSE(got->health.last_success_at.has_value());
  EXPECT_EQ(got->health.consecutive_failures, 0);
  EXPECT_EQ(store().connectors().Get(c.id + 100).status().code(), Code::kNotFound);
}

TEST_P(ConnectorConformanceTest, NameUniquePerAgencyCaseInsensitive) {
  Id a = NewAgency("dinkes");
  Id b = NewAgency("bpbd");
  NewConnector(a, "Berita");
  Connector dup;
  dup.agency_id = a;
  dup.name = "BERITA";
  EXPECT_EQ(store().connectors().Create(&dup).code(), Code::kAlreadyExists);
  Connector other;
  other.agency_id = b;
  other.name = "Berita";
  EXPECT_TRUE(store().connectors().Create(&other).ok());
}

TEST_P(ConnectorConformanceTest, ValidationAndUnknownAgency) {
  Connector c;
  c.agency_id = NewAgency("dinkes");
  EXPECT_EQ(store().connectors().Create(&c).code(), Code::kInvalidArgument);  // no name
  c.name = "x";
  c.poll_interval_seconds = 0;
  EXPECT_EQ(store().connectors().Create(&c).code(), Code::kInvalidArgument);
  c.poll_interval_seconds = 60;
  c.agency_id = 9999;
  EXPECT_EQ(store().connectors().Create(&c).code(), Code::kFailedPrecondition);
}

TEST_P(ConnectorConformanceTest, UpdateTouchesConfigOnly) {
  Id a = NewAgency("dinkes");
  Connector c = NewConnector(a, "Berita");
  ASSERT_TRUE(store().connectors().SetCredentials(c.id, "sealed-1", kT0).ok());
  ConnectorCheckpoint cp{"cur-1", "\"etag-1\"", "Mon, 23 Nov 2026 10:00:00 GMT"};
  ASSERT_TRUE(store().connectors().RecordSuccess(c.id, cp, 5, kT0, kT0 + 900'000).ok());

  Connector edit = c;  // a stale copy: no credentials, empty checkpoint
  edit.name = "Berita daerah";
  edit.enabled = false;
  edit.settings_json = R"({"url":"http://127.0.0.1/other.xml"})";
  edit.read_budget_monthly = 50;
  ASSERT_TRUE(store().connectors().Update(edit).ok());
  auto got = store().connectors().Get(c.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "Berita daerah");
  EXPECT_FALSE(got->enabled);
  EXPECT_EQ(got->read_budget_monthly, 50);
  EXPECT_EQ(got->credentials_sealed, "sealed-1");
  EXPECT_EQ(got->checkpoint.etag, "\"etag-1\"");
  EXPECT_EQ(got->health.items_total, 5);

  edit.id = c.id + 100;
  EXPECT_EQ(store().connectors().Update(edit).code(), Code::kNotFound);
  EXPECT_EQ(store().connectors().SetCredentials(c.id + 100, "", kT0).code(), Code::kNotFound);
  ASSERT_TRUE(store().connectors().SetCredentials(c.id, "", kT0).ok());
  EXPECT_EQ(store().connectors().Get(c.id)->credentials_sealed, "");
}

TEST_P(ConnectorConformanceTest, ListScopedAndFiltered) {
  Id a = NewAgency("dinkes");
  Id b = NewAgency("bpbd");
  NewConnector(a, "B feed");
  NewConnector(a, "a feed");
  NewConnector(b, "X", Platform::kX);
  ConnectorFilter f;
  auto all = store().connectors().List(f, Page{});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, 3);
  f.agency_ids = std::vector<Id>{a};
  auto scoped = store().connectors().List(f, Page{});
  ASSERT_TRUE(scoped.ok());
  ASSERT_EQ(scoped->items.size(), 2u);
  EXPECT_EQ(scoped->items[0].name, "a feed");  // ordered by name, case-insensitive
  f.agency_ids.reset();
  f.platform = Platform::kX;
  EXPECT_EQ(store().connectors().List(f, Page{})->total, 1);
  f.agency_ids = std::vector<Id>{};
  f.platform.reset();
  EXPECT_EQ(store().connectors().List(f, Page{})->total, 0);
}

TEST_P(ConnectorConformanceTest, DueSuccessFailureAndSchedule) {
  Id a = NewAgency("dinkes");
  Connector c1 = NewConnector(a, "one");
  Connector c2 = NewConnector(a, "two");
  Connector off = NewConnector(a, "off");
  off.enabled = false;
  ASSERT_TRUE(store().connectors().Update(off).ok());
  NewConnector(a, "x", Platform::kX);

  auto due = store().connectors().Due(Platform::kRss, kT0, 10);
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 2u);  // disabled and other platforms are not due

  ConnectorCheckpoint cp{"c", "\"e\"", "lm"};
  ASSERT_TRUE(store().connectors().RecordSuccess(c1.id, cp, 3, kT0, kT0 + 1000).ok());
  ASSERT_TRUE(store().connectors().RecordFailure(c2.id, "HTTP 500", kT0, kT0 + 2000).ok());
  ASSERT_TRUE(store().connectors().RecordFailure(c2.id, "timeout", kT0 + 1, kT0 + 4000).ok());
  EXPECT_TRUE(store().connectors().Due(Platform::kRss, kT0 + 999, 10)->empty());
  due = store().connectors().Due(Platform::kRss, kT0 + 5000, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].id, c1.id);  // soonest first

  auto g2 = store().connectors().Get(c2.id);
  EXPECT_EQ(g2->health.consecutive_failures, 2);
  EXPECT_EQ(g2->health.last_error, "timeout");
  EXPECT_EQ(g2->health.last_error_at, kT0 + 1);
  EXPECT_FALSE(g2->health.last_success_at.has_value());

  // Success resets the failure count, keeps the last error for the record.
  ASSERT_TRUE(store().connectors().RecordSuccess(c2.id, cp, 0, kT0 + 2, kT0 + 9000).ok());
  g2 = store().connectors().Get(c2.id);
  EXPECT_EQ(g2->health.consecutive_failures, 0);
  EXPECT_EQ(g2->health.last_success_at, kT0 + 2);
  EXPECT_EQ(g2->checkpoint.cursor, "c");

  ASSERT_TRUE(store().connectors().Schedule(c2.id, kT0).ok());
  due = store().connectors().Due(Platform::kRss, kT0, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, c2.id);
  EXPECT_EQ(store().connectors().Schedule(9999, kT0).code(), Code::kNotFound);
  EXPECT_EQ(store().connectors().RecordFailure(9999, "e", kT0, kT0).code(), Code::kNotFound);
}

TEST_P(ConnectorConformanceTest, WebhookConnectorsAreNeverDue) {
  Id a = NewAgency("dinkes");
  Connector polled = NewConnector(a, "polled", Platform::kTelegram);
  Connector pushed;
  pushed.agency_id = a;
  pushed.platform = Platform::kTelegram;
  pushed.name = "pushed";
  pushed.settings_json = R"({"webhook":"telegram"})";
  ASSERT_TRUE(store().connectors().Create(&pushed).ok());
  auto due = store().connectors().Due(Platform::kTelegram, kT0, 10);
  ASSERT_TRUE(due.ok()) << due.status().ToString();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, polled.id);
  // A delivery is recorded like a run; the connector still never becomes due.
  ASSERT_TRUE(store().connectors().RecordSuccess(pushed.id, {}, 2, kT0, kT0).ok());
  EXPECT_EQ(store().connectors().Due(Platform::kTelegram, kT0 + 1, 10)->size(), 1u);
  EXPECT_EQ(store().connectors().Get(pushed.id)->health.items_total, 2);
}

TEST_P(ConnectorConformanceTest, ReadBudgetPerMonth) {
  Id a = NewAgency("dinkes");
  Connector c = NewBudgeted(a, 100);
  EXPECT_EQ(*store().connectors().SpendReads(c.id, "2026-11", 60), 60);
  EXPECT_EQ(store().connectors().SpendReads(c.id, "2026-11", 41).status().code(),
            Code::kResourceExhausted);
  EXPECT_EQ(*store().connectors().SpendReads(c.id, "2026-11", 40), 100);
  EXPECT_EQ(store().connectors().SpendReads(c.id, "2026-11", 1).status().code(),
            Code::kResourceExhausted);
  EXPECT_EQ(*store().connectors().SpendReads(c.id, "2026-12", 1), 1);  // new month
  auto got = store().connectors().Get(c.id);
  EXPECT_EQ(got->reads_month, "2026-12");
  EXPECT_EQ(got->reads_used, 1);

  Connector free = NewConnector(a, "rss");  // no budget: only counts
  EXPECT_EQ(*store().connectors().SpendReads(free.id, "2026-11", 1'000'000), 1'000'000);
}

TEST_P(ConnectorConformanceTest, ReservedReadsAreReturnedOnlyInTheirMonth) {
  Id a = NewAgency("dinkes");
  Connector c = NewBudgeted(a, 100);
  EXPECT_EQ(*store().connectors().SpendReads(c.id, "2026-11", 90), 90);   // reserve
  EXPECT_EQ(*store().connectors().ReturnReads(c.id, "2026-11", 70), 20);  // 20 were read
  EXPECT_EQ(*store().connectors().SpendReads(c.id, "2026-11", 80), 100);
  EXPECT_EQ(*store().connectors().ReturnReads(c.id, "2026-10", 50), 0);  // another month
  EXPECT_EQ(store().connectors().Get(c.id)->reads_used, 100);
  EXPECT_EQ(*store().connectors().ReturnReads(c.id, "2026-11", 500), 0);  // never below 0
  EXPECT_EQ(store().connectors().ReturnReads(c.id, "2026-11", -1).status().code(),
            Code::kInvalidArgument);
}

TEST_P(ConnectorConformanceTest, DailyQuotaPerDay) {
  Id a = NewAgency("dinkes");
  Connector c = NewConnector(a, "YouTube", Platform::kYoutube);
  EXPECT_EQ(*store().connectors().SpendQuota(c.id, "2026-11-23", 1, 3), 1);
  EXPECT_EQ(*store().connectors().SpendQuota(c.id, "2026-11-23", 2, 3), 3);
  EXPECT_EQ(store().connectors().SpendQuota(c.id, "2026-11-23", 1, 3).status().code(),
            Code::kResourceExhausted);
  EXPECT_EQ(*store().connectors().SpendQuota(c.id, "2026-11-23", 5, std::nullopt), 8);
  EXPECT_EQ(*store().connectors().SpendQuota(c.id, "2026-11-24", 1, 3), 1);  // a new day
  auto got = store().connectors().Get(c.id);
  EXPECT_EQ(got->quota_day, "2026-11-24");
  EXPECT_EQ(got->quota_used, 1);
  EXPECT_EQ(store().connectors().SpendQuota(c.id, "2026-11-24", -1, 3).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(store().connectors().SpendQuota(9999, "2026-11-24", 1, 3).status().code(),
            Code::kNotFound);
}

TEST_P(ConnectorConformanceTest, SaveCheckpointKeepsHealth) {
  Id a = NewAgency("dinkes");
  Connector c = NewConnector(a, "one");
  ASSERT_TRUE(store().connectors().RecordFailure(c.id, "boom", kT0, kT0 + 5).ok());
  ConnectorCheckpoint cp;
  cp.cursor = "{\"next_token\":\"t2\"}";
  ASSERT_TRUE(store().connectors().SaveCheckpoint(c.id, cp, 7).ok());
  ASSERT_TRUE(store().connectors().SaveCheckpoint(c.id, cp, 3).ok());
  auto got = store().connectors().Get(c.id);
  EXPECT_EQ(got->checkpoint.cursor, cp.cursor);
  EXPECT_EQ(got->health.items_total, 10);
  EXPECT_EQ(got->health.consecutive_failures, 1);
  EXPECT_EQ(got->health.last_error, "boom");
  EXPECT_EQ(got->health.next_run_at, kT0 + 5);
  EXPECT_EQ(store().connectors().SaveCheckpoint(9999, cp, 1).code(), Code::kNotFound);
}

TEST_P(ConnectorConformanceTest, ConcurrentSpendNeverExceedsBudget) {
  Id a = NewAgency("dinkes");
  Connector c = NewBudgeted(a, 50);
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 30; ++i) {
        if (store().connectors().SpendReads(c.id, "2026-11", 1).ok()) granted.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 50);
  EXPECT_EQ(store().connectors().Get(c.id)->reads_used, 50);
}

TEST_P(ConnectorConformanceTest, NoticeAndStreamTotalsSurviveOtherHealthUpdates) {
  Id a = NewAgency("dinkes");
  Connector c = NewConnector(a, "Mastodon", Platform::kMastodon);
  Connector fresh = store().connectors().Get(c.id).value();
  EXPECT_EQ(fresh.health.notice, "");
  EXPECT_FALSE(fresh.health.notice_at);
  EXPECT_EQ(fresh.health.stream.events, 0);
  EXPECT_FALSE(fresh.health.stream.last_event_at);

  ASSERT_OK(store().connectors().SetNotice(c.id, "resumed from the window's start", kT0));
  EXPECT_EQ(fresh.health.stream.tagged_posts, 0);
  EXPECT_FALSE(fresh.health.stream.gap_filled_at);
  EXPECT_EQ(fresh.health.stream.rules_sync, "");
  ASSERT_OK(store().connectors().SaveStreamTotals(
      c.id, {120, 37, 2, 3, kT0 + 5, 11, 4, 9, kT0 + 6, R"({"at":1,"refused":[]})"}));
  // A run's success, failure and progress leave both alone.
  ASSERT_OK(store().connectors().RecordSuccess(c.id, {"cur", "", ""}, 4, kT0 + 10, kT0 + 20));
  ASSERT_OK(store().connectors().RecordFailure(c.id, "drop", kT0 + 30, kT0 + 40));
  ASSERT_OK(store().connectors().SaveCheckpoint(c.id, {"cur2", "", ""}, 1));
  Connector got = store().connectors().Get(c.id).value();
  EXPECT_EQ(got.health.notice, "resumed from the window's start");
  EXPECT_EQ(got.health.notice_at, kT0);
  EXPECT_EQ(got.health.stream.events, 120);
  EXPECT_EQ(got.health.stream.stored, 37);
  EXPECT_EQ(got.health.stream.malformed, 2);
  EXPECT_EQ(got.health.stream.reconnects, 3);
  EXPECT_EQ(got.health.stream.last_event_at, kT0 + 5);
  EXPECT_EQ(got.health.stream.tagged_posts, 11);
  EXPECT_EQ(got.health.stream.ignored_tags, 4);
  EXPECT_EQ(got.health.stream.gap_filled, 9);
  EXPECT_EQ(got.health.stream.gap_filled_at, kT0 + 6);
  EXPECT_EQ(got.health.stream.rules_sync, R"({"at":1,"refused":[]})");

  ASSERT_OK(store().connectors().SetNotice(c.id, "", kT0 + 50));
  got = store().connectors().Get(c.id).value();
  EXPECT_EQ(got.health.notice, "");
  EXPECT_FALSE(got.health.notice_at);
  EXPECT_EQ(store().connectors().SetNotice(c.id + 99, "x", kT0).code(), Code::kNotFound);
  EXPECT_EQ(store().connectors().SaveStreamTotals(c.id + 99, {}).code(), Code::kNotFound);
}

TEST_P(ConnectorConformanceTest, Delete) {
  Id a = NewAgency("dinkes");
  Connector c = NewConnector(a, "one");
  ASSERT_TRUE(store().connectors().Delete(c.id).ok());
  EXPECT_EQ(store().connectors().Get(c.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store().connectors().Delete(c.id).code(), Code::kNotFound);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, ConnectorConformanceTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace humas::store
