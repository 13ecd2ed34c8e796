// Backend-neutral conformance tests of edited mentions (MentionRepository::UpsertBatch's edit
// path and MentionRepository::Edits): a newer version replaces the text, labels and matches and
// moves every counter; older versions and replays change nothing.
#include "store/queries.h"
#include "store/store_conformance_test.h"

namespace humas::store {
namespace {

constexpr UnixMillis kHour = 3'600'000;
constexpr UnixMillis kT0 = 1'723'860'000'000;  // 2024-08-17T02:00:00Z, an hour boundary
constexpr UnixMillis kMinute = 60'000;

using Kind = UpsertOutcome::Kind;

template <typename T>
T Unwrap(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) throw std::runtime_error("unwrap of an error result: " + r.status().ToString());
  return std::move(r).value();
}

class MentionEditTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    if (HasFatalFailure()) return;
    agency_.code = "dishub";
    agency_.name = "Dinas Perhubungan";
    ASSERT_OK(store().agencies().Create(&agency_));
    for (auto* q : {&broken_, &repaired_}) {
      q->agency_id = agency_.id;
      q->name = q == &broken_ ? "jalan rusak" : "perbaikan";
      q->expression = q == &broken_ ? "rusak" : "diperbaiki";
      ASSERT_OK(store().queries().Create(q));
    }
  }

  //! The first version: a complaint about a broken road (negative, matches `broken_`).
  Mention Original() {
    Mention m;
    m.agency_id = agency_.id;
    m.data.platform = Platform::kTelegram;
    m.data.external_id = "-100123:77";
    m.data.author_handle = "warga_berau";
    m.data.text = "Jalan Poros Tanjung Redeb rusak parah, kapan diperbaiki?";
    m.data.created_at = kT0 + 5 * kMinute;
    m.data.labels.sentiment = "negative";
    m.data.labels.input_kind = "complaint";
    m.query_ids = {broken_.id};
    return m;
  }

  //! The author's edit a few minutes later: thanks instead (positive, matches `repaired_`).
  Mention Edited(UnixMillis edited_at, const std::string& text) {
    Mention m = Original();
    m.data.text = text;
    m.data.edited_at = edited_at;
    m.data.labels.sentiment = "positive";
    m.data.labels.input_kind = "appreciation";
    m.query_ids = {repaired_.id};
    return m;
  }

  std::vector<Kind> Upsert(const std::vector<Mention>& batch, UnixMillis now) {
    auto r = store().mentions().UpsertBatch(batch, now, /*open_cases=*/true);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<Kind> kinds;
    if (r.ok()) {
      for (const auto& o : *r) kinds.push_back(o.kind);
      if (!r->empty()) id_ = r->front().id;
    }
    return kinds;
  }

  std::int64_t Found(const std::string& q) {
    MentionFilter f;
    f.q = q;
    auto r = store().mentions().Search(f, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->total : -1;
  }

  std::int64_t MatchedBy(Id query) {
    MentionFilter f;
    f.query_id = query;
    auto r = store().mentions().Search(f, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->total : -1;
  }

  //! The rollup count of a sentiment (all hours, platforms and agencies).
  std::int64_t Rollup(const std::string& sentiment) {
    RollupFilter f;
    f.since = 0;
    f.until = kT0 * 2;
    auto rows = store().rollups().Query(f);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::int64_t n = 0;
    if (rows.ok())
      for (const RollupRow& r : *rows) n += r.sentiment == sentiment ? r.count : 0;
    return n;
  }

  //! The hourly counter of a query for a sentiment.
  std::int64_t QueryCount(Id query, const std::string& sentiment) {
    auto rows = store().queries().Hourly({query}, 0, kT0 * 2);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::int64_t n = 0;
    if (rows.ok())
      for (const auto& r : *rows) n += r.sentiment == sentiment ? r.count : 0;
    return n;
  }

  Agency agency_;
  AgencyQuery broken_, repaired_;
  Id id_ = 0;
};

TEST_P(MentionEditTest, ANewerVersionReplacesTheTextAndKeepsTheFirstInTheHistory) {
  ASSERT_EQ(Upsert({Original()}, kT0 + 6 * kMinute), std::vector<Kind>{Kind::kInserted});
  const Id id = id_;
  EXPECT_TRUE(Unwrap(store().mentions().Edits(id)).empty());
  const std::string thanks = "Jalan Poros Tanjung Redeb sudah diperbaiki, terima kasih Dishub";
  ASSERT_EQ(Upsert({Edited(kT0 + 9 * kMinute, thanks)}, kT0 + 10 * kMinute),
            std::vector<Kind>{Kind::kUpdated});

  Mention got = Unwrap(store().mentions().Get(id));
  EXPECT_EQ(got.data.text, thanks);
  EXPECT_EQ(got.data.edited_at, kT0 + 9 * kMinute);
  EXPECT_EQ(got.data.created_at, kT0 + 5 * kMinute);  // when it was first posted
  EXPECT_EQ(got.data.labels.sentiment, "positive");
  EXPECT_EQ(got.data.labels.input_kind, "appreciation");
  auto edits = Unwrap(store().mentions().Edits(id));
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].text, Original().data.text);
  EXPECT_EQ(edits[0].version_at, kT0 + 5 * kMinute);
  EXPECT_EQ(edits[0].replaced_at, kT0 + 10 * kMinute);

  // The full-text index, the rollups and the query matches follow the new text.
  EXPECT_EQ(Found("parah"), 0);
  EXPECT_EQ(Found("terima kasih"), 1);
  EXPECT_EQ(Rollup("negative"), 0);
  EXPECT_EQ(Rollup("positive"), 1);
  EXPECT_EQ(MatchedBy(broken_.id), 0);
  EXPECT_EQ(MatchedBy(repaired_.id), 1);
  EXPECT_EQ(QueryCount(broken_.id, "negative"), 0);
  EXPECT_EQ(QueryCount(repaired_.id, "positive"), 1);

  // A second edit keeps both earlier versions, oldest first.
  ASSERT_EQ(Upsert({Edited(kT0 + 20 * kMinute, thanks + "!")}, kT0 + 21 * kMinute),
            std::vector<Kind>{Kind::kUpdated});
  edits = Unwrap(store().mentions().Edits(id));
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[1].text, thanks);
  EXPECT_EQ(edits[1].version_at, kT0 + 9 * kMinute);
  EXPECT_EQ(Rollup("positive"), 1);
  EXPECT_EQ(QueryCount(repaired_.id, "positive"), 1);
  EXPECT_EQ(Unwrap(store().mentions().Search({}, {})).total, 1);
}

TEST_P(MentionEditTest, OlderVersionsAndReplaysChangeNothing) {
  ASSERT_EQ(Upsert({Original()}, kT0 + 6 * kMinute), std::vector<Kind>{Kind::kInserted});
  const Id id = id_;
  const std::string latest = "Sudah diperbaiki, terima kasih";
  ASSERT_EQ(Upsert({Edited(kT0 + 30 * kMinute, latest)}, kT0), std::vector<Kind>{Kind::kUpdated});
  // The same version again (a replayed webhook), an older edit arriving late, the first version
  // re-read by a pull: all duplicates.
  EXPECT_EQ(Upsert({Edited(kT0 + 30 * kMinute, latest)}, kT0), std::vector<Kind>{Kind::kDuplicate});
  EXPECT_EQ(Upsert({Edited(kT0 + 10 * kMinute, "versi tengah diperbaiki")}, kT0),
            std::vector<Kind>{Kind::kDuplicate});
  EXPECT_EQ(Upsert({Original()}, kT0), std::vector<Kind>{Kind::kDuplicate});
  Mention got = Unwrap(store().mentions().Get(id));
  EXPECT_EQ(got.data.text, latest);
  EXPECT_EQ(got.data.edited_at, kT0 + 30 * kMinute);
  EXPECT_EQ(Unwrap(store().mentions().Edits(id)).size(), 1u);
  EXPECT_EQ(Rollup("positive"), 1);
  EXPECT_EQ(Rollup("negative"), 0);
  EXPECT_EQ(QueryCount(repaired_.id, "positive"), 1);
  EXPECT_EQ(Found("tengah"), 0);
}

TEST_P(MentionEditTest, AnEditInTheSameBatchAsItsOriginalIsApplied) {
  const std::string thanks = "Sudah diperbaiki, terima kasih";
  ASSERT_EQ(Upsert({Original(), Edited(kT0 + 7 * kMinute, thanks)}, kT0 + 8 * kMinute),
            (std::vector<Kind>{Kind::kInserted, Kind::kUpdated}));
  EXPECT_EQ(Unwrap(store().mentions().Get(id_)).data.text, thanks);
  EXPECT_EQ(Rollup("negative"), 0);
  EXPECT_EQ(Rollup("positive"), 1);
  EXPECT_EQ(MatchedBy(broken_.id), 0);
  EXPECT_EQ(MatchedBy(repaired_.id), 1);
  EXPECT_EQ(QueryCount(broken_.id, "negative"), 0);
  EXPECT_EQ(QueryCount(repaired_.id, "positive"), 1);
}

TEST_P(MentionEditTest, AMentionFirstSeenEditedKeepsItsVersion) {
  const std::string thanks = "Sudah diperbaiki, terima kasih";
  ASSERT_EQ(Upsert({Edited(kT0 + 7 * kMinute, thanks)}, kT0 + 8 * kMinute),
            std::vector<Kind>{Kind::kInserted});
  EXPECT_EQ(Unwrap(store().mentions().Get(id_)).data.edited_at, kT0 + 7 * kMinute);
  EXPECT_TRUE(Unwrap(store().mentions().Edits(id_)).empty());
  EXPECT_EQ(Upsert({Edited(kT0 + 7 * kMinute, thanks)}, kT0), std::vector<Kind>{Kind::kDuplicate});
  // The first version arriving afterwards (a pull reading an old page) is older: ignored.
  EXPECT_EQ(Upsert({Original()}, kT0), std::vector<Kind>{Kind::kDuplicate});
  EXPECT_EQ(Unwrap(store().mentions().Get(id_)).data.text, thanks);
  EXPECT_EQ(Rollup("positive"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, MentionEditTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace humas::store
