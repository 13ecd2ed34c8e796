// Backend-neutral conformance tests of store/queries.h (agency queries, matches stored with the
// mention batch, per-query hourly counters, the preview scan), instantiated per backend.
#include <set>

#include "store/queries.h"
#include "store/store_conformance_test.h"

namespace humas::store {
namespace {

constexpr UnixMillis kHour = 3'600'000;
constexpr UnixMillis kT0 = 1'723'860'000'000;  // 2024-08-17T02:00:00Z, an hour boundary

class QueryStoreTest : public StoreConformanceTest {
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

  AgencyQuery MakeQuery(Id agency, const std::string& name, const std::string& expr) {
    AgencyQuery q;
    q.agency_id = agency;
    q.name = name;
    q.expression = expr;
    return q;
  }

  Mention MakeMention(const std::string& ext, UnixMillis created, std::vector<Id> query_ids,
                      const std::string& sentiment = "", std::optional<Id> agency = {}) {
    Mention m;
    m.agency_id = agency;
    m.data.platform = Platform::kX;
    m.data.external_id = ext;
    m.data.text = "teks " + ext;
    m.data.created_at = created;
    m.data.labels.sentiment = sentiment;
    m.query_ids = std::move(query_ids);
    return m;
  }

  std::vector<std::string> MentionsOf(Id query_id) {
    MentionFilter f;
    f.query_id = query_id;
    auto r = store().mentions().Search(f, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> ext;
    if (r.ok()) {
      for (const Mention& m : r->items) ext.push_back(m.data.external_id);
    }
    return ext;
  }

  Agency a_, b_;
};

TEST_P(QueryStoreTest, CreateGetRoundTripsEveryField) {
  AgencyQuery q = MakeQuery(a_.id, "Vaksinasi", "vaksin* OR \"imunisasi anak\"");
  q.platforms = {Platform::kX, Platform::kInstagram};
  q.languages = {"id", "en"};
  q.active = false;
  ASSERT_OK(store().queries().Create(&q));
  EXPECT_GT(q.id, 0);
  EXPECT_EQ(q.version, 1);
  auto got = store().queries().Get(q.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->agency_id, a_.id);
  EXPECT_EQ(got->name, "Vaksinasi");
  EXPECT_EQ(got->expression, "vaksin* OR \"imunisasi anak\"");
  EXPECT_EQ(got->platforms, (std::vector<Platform>{Platform::kX, Platform::kInstagram}));
  EXPECT_EQ(got->languages, (std::vector<std::string>{"id", "en"}));
  EXPECT_FALSE(got->active);
  EXPECT_EQ(got->version, 1);
  EXPECT_EQ(got->created_at, q.created_at);
  EXPECT_EQ(store().queries().Get(q.id + 1000).status().code(), Code::kNotFound);
}

TEST_P(QueryStoreTest, NamesAreUniquePerAgencyCaseInsensitive) {
  AgencyQuery q1 = MakeQuery(a_.id, "Banjir", "banjir");
  ASSERT_OK(store().queries().Create(&q1));
  AgencyQuery q2 = MakeQuery(a_.id, "BANJIR", "banjir berau");
  EXPECT_EQ(store().queries().Create(&q2).code(), Code::kAlreadyExists);
  AgencyQuery q3 = MakeQuery(b_.id, "banjir", "banjir");  // another agency may use the name
  ASSERT_OK(store().queries().Create(&q3));
  AgencyQuery q4 = MakeQuery(a_.id + b_.id + 100, "x", "x");
  EXPECT_EQ(store().queries().Create(&q4).code(), Code::kNotFound);
}

TEST_P(QueryStoreTest, UpdateChecksTheVersion) {
  AgencyQuery q = MakeQuery(a_.id, "Jalan", "jalan rusak");
  ASSERT_OK(store().queries().Create(&q));
  AgencyQuery mine = q;
  AgencyQuery theirs = q;
  mine.expression = "jalan AND (rusak OR berlubang)";
  mine.active = false;
  ASSERT_OK(store().queries().Update(&mine));
  EXPECT_EQ(mine.version, 2);
  theirs.name = "Jalan 2";
  Status stale = store().queries().Update(&theirs);
  EXPECT_EQ(stale.code(), Code::kConflict) << stale.ToString();
  auto got = store().queries().Get(q.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->expression, "jalan AND (rusak OR berlubang)");
  EXPECT_EQ(got->name, "Jalan");
  EXPECT_FALSE(got->active);
  EXPECT_EQ(got->version, 2);
  AgencyQuery ghost = q;
  ghost.id = q.id + 1000;
  EXPECT_EQ(store().queries().Update(&ghost).code(), Code::kNotFound);
}

TEST_P(QueryStoreTest, ListFiltersAndScope) {
  AgencyQuery q1 = MakeQuery(a_.id, "Vaksin", "vaksin");
  AgencyQuery q2 = MakeQuery(a_.id, "Banjir", "banjir");
  q2.active = false;
  AgencyQuery q3 = MakeQuery(b_.id, "Macet", "macet OR kemacetan");
  for (auto* q : {&q1, &q2, &q3}) ASSERT_OK(store().queries().Create(q));
  auto names = [&](AgencyQueryFilter f) {
    std::vector<std::string> out;
    auto r = store().queries().List(f, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) {
      for (const auto& q : r->items) out.push_back(q.name);
      EXPECT_EQ(r->total, static_cast<std::int64_t>(out.size()));
    }
    return out;
  };
  EXPECT_EQ(names({}), (std::vector<std::string>{"Banjir", "Vaksin", "Macet"}));
  AgencyQueryFilter scoped;
  scoped.agency_ids = std::vector<Id>{b_.id};
  EXPECT_EQ(names(scoped), (std::vector<std::string>{"Macet"}));
  AgencyQueryFilter active;
  active.active = true;
  EXPECT_EQ(names(active), (std::vector<std::string>{"Vaksin", "Macet"}));
  AgencyQueryFilter text;
  text.q = "KEMACET";
  EXPECT_EQ(names(text), (std::vector<std::string>{"Macet"}));
  auto all = store().queries().AllActive();
  ASSERT_TRUE(all.ok());
  std::set<Id> ids;
  for (const auto& q : *all) ids.insert(q.id);
  EXPECT_EQ(ids, (std::set<Id>{q1.id, q3.id}));
}

TEST_P(QueryStoreTest, MatchesAndHourlyCountersAreStoredWithTheBatch) {
  AgencyQuery q1 = MakeQuery(a_.id, "Q1", "a");
  AgencyQuery q2 = MakeQuery(b_.id, "Q2", "b");
  ASSERT_OK(store().queries().Create(&q1));
  ASSERT_OK(store().queries().Create(&q2));
  std::vector<Mention> batch = {
      MakeMention("m1", kT0 + 10, {q1.id}, "negative"),
      MakeMention("m2", kT0 + 20, {q1.id, q2.id}, "negative"),
      MakeMention("m3", kT0 + kHour + 5, {q1.id}),
      MakeMention("m4", kT0 + 30, {}),
  };
  ASSERT_TRUE(store().mentions().UpsertBatch(batch, kT0).ok());
  // Duplicates are neither matched nor counted again.
  ASSERT_TRUE(store().mentions().UpsertBatch({batch[0], batch[1]}, kT0).ok());
  EXPECT_EQ(MentionsOf(q1.id), (std::vector<std::string>{"m3", "m2", "m1"}));
  EXPECT_EQ(MentionsOf(q2.id), (std::vector<std::string>{"m2"}));

  auto rows = store().queries().Hourly({q1.id, q2.id}, kT0, kT0 + 2 * kHour);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].query_id, q1.id);
  EXPECT_EQ((*rows)[0].hour, kT0);
  EXPECT_EQ((*rows)[0].sentiment, "negative");
  EXPECT_EQ((*rows)[0].count, 2);
  EXPECT_EQ((*rows)[1].hour, kT0 + kHour);
  EXPECT_EQ((*rows)[1].sentiment, "");
  EXPECT_EQ((*rows)[1].count, 1);
  EXPECT_EQ((*rows)[2].query_id, q2.id);
  EXPECT_EQ((*rows)[2].count, 1);
  auto window = store().queries().Hourly({q1.id}, kT0 + kHour, kT0 + 2 * kHour);
  ASSERT_TRUE(window.ok());
  EXPECT_EQ(window->size(), 1u);

  // Deleting a query removes its matches and counters, not the mentions.
  ASSERT_OK(store().queries().Delete(q1.id));
  EXPECT_EQ(store().queries().Get(q1.id).status().code(), Code::kNotFound);
  EXPECT_TRUE(MentionsOf(q1.id).empty());
  EXPECT_EQ(MentionsOf(q2.id), (std::vector<std::string>{"m2"}));
  auto gone = store().queries().Hourly({q1.id}, 0, kT0 * 2);
  ASSERT_TRUE(gone.ok());
  EXPECT_TRUE(gone->empty());
  EXPECT_EQ(store().queries().Delete(q1.id).code(), Code::kNotFound);
  // A new query never takes the deleted one's id.
  AgencyQuery q3 = MakeQuery(a_.id, "Q3", "c");
  ASSERT_OK(store().queries().Create(&q3));
  EXPECT_GT(q3.id, q2.id);
}

TEST_P(QueryStoreTest, AMatchOfADeletedQueryDoesNotFailIntake) {
  AgencyQuery q = MakeQuery(a_.id, "Q", "a");
  ASSERT_OK(store().queries().Create(&q));
  ASSERT_OK(store().queries().Delete(q.id));
  auto out = store().mentions().UpsertBatch({MakeMention("late", kT0, {q.id})}, kT0);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->size(), 1u);
}

TEST_P(QueryStoreTest, ScanRecentIsNewestFirstScopedAndBounded) {
  std::vector<Mention> batch = {
      MakeMention("old", kT0, {}, "", a_.id),
      MakeMention("mid", kT0 + 1, {}, "", b_.id),
      MakeMention("new", kT0 + 2, {}, "", std::nullopt),
  };
  ASSERT_TRUE(store().mentions().UpsertBatch(batch, kT0).ok());
  auto scan = [&](MentionScanScope scope, int stop_after = 100) {
    std::vector<std::string> seen;
    auto n = store().queries().ScanRecent(scope, [&](const Mention& m) {
      seen.push_back(m.data.external_id);
      return static_cast<int>(seen.size()) < stop_after;
    });
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    if (n.ok()) {
      EXPECT_EQ(*n, static_cast<std::int64_t>(seen.size()));
    }
    return seen;
  };
  EXPECT_EQ(scan({}), (std::vector<std::string>{"new", "mid", "old"}));
  MentionScanScope scoped;
  scoped.agency_ids = std::vector<Id>{a_.id};
  scoped.include_unassigned = false;
  EXPECT_EQ(scan(scoped), (std::vector<std::string>{"old"}));
  scoped.include_unassigned = true;
  EXPECT_EQ(scan(scoped), (std::vector<std::string>{"new", "old"}));
  MentionScanScope bounded;
  bounded.max_scan = 2;
  EXPECT_EQ(scan(bounded), (std::vector<std::string>{"new", "mid"}));
  EXPECT_EQ(scan({}, 1), (std::vector<std::string>{"new"}));
}

INSTANTIATE_TEST_SUITE_P(Backends, QueryStoreTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace humas::store
