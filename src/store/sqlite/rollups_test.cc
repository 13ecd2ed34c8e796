// The counters kept at ingest (migration 0016, rollups_batch.cc) against the raw mentions they
// summarise: a random store fed in batches (children before and after their parents, in the same
// batch and across batches, case variants of handles, duplicates raising engagement, edits with new
// words, labels, hashtags and query matches (newer and stale versions), label corrections) answers
// TopAuthors / Author exactly as the previous GROUP BY over raw mentions (rollups_reference.h,
// shared with bench/spread_bench.cc), and the counters equal a rebuild from the mentions and the
// migration's own backfill.
#include "store/sqlite/rollups.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "store/counters.h"
#include "store/queries.h"
#include "store/sqlite/rollups_reference.h"
#include "store/sqlite/spread_repo.h"
#include "store/sqlite/test_util.h"

namespace humas::store::sqlite {
namespace {

constexpr UnixMillis kDay = 86'400'000;
constexpr UnixMillis kT0 = 1'723'852'800'000;  // 2024-08-17T00:00:00Z

using reference::kOldHead;  // the previous raw-mention query (rollups_reference.h)
using reference::kOldTail;

//! The previous query's topic condition for #banjir.
constexpr char kBanjir[] =
    " AND m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH '\"banjir\"') AND "
    "(lower(m.text) || ' ') GLOB '*#banjir[^a-z0-9_]*'";

//! Rows of `sql` as text lines (columns joined by '|'), with ?1/?2 bound to since/until.
std::vector<std::string> RawRows(const std::string& path, const std::string& sql,
                                 UnixMillis since = 0, UnixMillis until = 0) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::vector<std::string> out;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db) << " in " << sql;
  if (sqlite3_bind_parameter_count(st) >= 2) {
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_int64(st, 2, until);
  }
  while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    std::string line;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char* t = sqlite3_column_text(st, c);
      line += (c ? "|" : "") + (t ? std::string(reinterpret_cast<const char*>(t)) : "NULL");
    }
    out.push_back(line);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
      << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

std::string Line(const AuthorActivity& a) {
  std::ostringstream o;
  o << ToString(a.platform) << "|" << a.handle << "|" << a.name << "|" << a.mentions << "|"
    << a.shares << "|" << a.replies << "|" << a.critical_replies << "|" << a.active_days << "|"
    << a.original_weeks << "|" << a.likes_received << "|" << a.shares_received << "|"
    << a.replies_received << "|" << a.reactions_observed << "|" << a.influence << "|"
    << (a.followers ? std::to_string(*a.followers) : "NULL") << "|" << a.first_at << "|"
    << a.last_at;
  return o.str();
}

constexpr char kCounterTables[] =
    "SELECT 'o', mention_id, observed, '', '' FROM mention_observed UNION ALL "
    "SELECT 'a', day, agency_id, platform, author_key || ':' || handle || ':' || name || ':' || "
    "mentions || ':' || originals || ':' || shares || ':' || replies || ':' || critical_replies "
    "|| ':' || likes_sum || ':' || shares_sum || ':' || replies_sum || ':' || observed || ':' || "
    "influence || ':' || ifnull(followers, 'NULL') || ':' || first_at || ':' || last_at "
    "FROM author_daily WHERE mentions > 0 UNION ALL "
    "SELECT 't', agency_id, hour, sentiment, count FROM agency_topic_hourly WHERE count <> 0 "
    "ORDER BY 1, 2, 3, 4, 5";

class RollupCountersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = TempSqliteStore::Open();
    ASSERT_NE(store_, nullptr);
    for (const char* code : {"dinkes", "dishub"}) {
      Agency a;
      a.code = code;
      a.name = code;
      ASSERT_TRUE(store_->agencies().Create(&a).ok());
      agencies_.push_back(a.id);
    }
    // Two queries of dinkes, one of dishub.
    for (int i = 0; i < 3; ++i) {
      AgencyQuery q;
      q.agency_id = agencies_[i == 2 ? 1 : 0];
      q.name = "q" + std::to_string(i);
      q.expression = "q" + std::to_string(i);
      ASSERT_TRUE(store_->queries().Create(&q).ok());
      queries_.push_back(q.id);
    }
  }

  //! A random mention; parents are picked among all external ids, earlier or later.
  Mention Random(int i, int n) {
    static const char* kHandles[] = {"Budi", "budi",         "BUDI",    "sari",    "Sari", "tono",
                                     "ani",  "dinkes_berau", "Warga01", "warga01", "x",    ""};
    static const char* kSentiments[] = {"", "positive", "neutral", "negative"};
    static const char* kKinds[] = {"", "kritik", "keluhan", "saran", "pertanyaan"};
    static const MentionKind kMentionKinds[] = {MentionKind::kPost, MentionKind::kComment,
                                                MentionKind::kReply, MentionKind::kShare,
                                                MentionKind::kMessage};
    auto pick = [this](int k) { return static_cast<int>(rng_() % static_cast<unsigned>(k)); };
    Mention m;
    if (pick(4) > 0) m.agency_id = agencies_[static_cast<size_t>(pick(2))];
    MentionInput& d = m.data;
    d.platform = pick(5) == 0 ? Platform::kFacebook : Platform::kX;
    d.external_id = "e" + std::to_string(i);
    d.author_handle = kHandles[pick(12)];
    d.author_name = "Nama " + std::to_string(pick(4));
    d.text = std::string("teks ") + (pick(3) == 0 ? "#banjir " : "") + std::to_string(i);
    d.created_at = kT0 + static_cast<UnixMillis>(rng_() % (20 * kDay));
    d.kind = kMentionKinds[pick(5)];
    if (pick(10) < 4) d.in_reply_to = pick(8) == 0 ? "gone" : "e" + std::to_string(pick(n));
    if (pick(10) < 3) d.shared_from = "e" + std::to_string(pick(n));
    d.likes = pick(20);
    d.shares = pick(6);
    d.replies = pick(6);
    if (pick(3) == 0) d.author_followers = pick(3000);
    d.labels.sentiment = kSentiments[pick(4)];
    d.labels.input_kind = kKinds[pick(5)];
    for (Id q : queries_)
      if (pick(3) == 0) m.query_ids.push_back(q);
    return m;
  }

  //! A newer (or, one time in four, older) version of `m` by its author: new words, with or
  //! without #banjir (the hashtag topic), new labels and new query matches.
  Mention EditOf(Mention m) {
    Mention fresh = Random(0, 1);
    const UnixMillis step = 60'000 * static_cast<UnixMillis>(1 + rng_() % 600);
    m.data.edited_at = m.data.created_at + (rng_() % 4 == 0 ? -step : step);
    m.data.text = fresh.data.text + " diedit " + std::to_string(step);
    m.data.labels = fresh.data.labels;
    m.query_ids = fresh.query_ids;
    return m;
  }

  //! Stores n random mentions in random batches, re-sending some with higher engagement (also
  //! within the batch that inserts them) and some edited (newer and older versions).
  void Ingest(int n) {
    std::vector<Mention> all;
    for (int i = 0; i < n; ++i) all.push_back(Random(i, n));
    size_t next = 0;
    while (next < all.size()) {
      std::vector<Mention> batch;
      size_t size = 1 + rng_() % 60;
      for (; next < all.size() && batch.size() < size; ++next) {
        batch.push_back(all[next]);
        if (rng_() % 6 == 0) {  // a later copy of an earlier (or this) mention, more engaged
          Mention again = all[rng_() % (next + 1)];
          again.data.likes += static_cast<std::int64_t>(rng_() % 30);
          again.data.replies += static_cast<std::int64_t>(rng_() % 4);
          again.data.shares = 0;
          batch.push_back(again);
        }
        if (rng_() % 5 == 0) batch.push_back(EditOf(all[rng_() % (next + 1)]));
      }
      auto r = store_->mentions().UpsertBatch(batch, kT0);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }

  std::vector<std::string> Old(UnixMillis since, UnixMillis until, const std::string& scope = "",
                               const std::string& author = "") {
    return RawRows(store_->path(), kOldHead + scope + author + kOldTail, since, until);
  }
  std::vector<std::string> New(const ActivityFilter& f) {
    auto top = store_->spread().TopAuthors(f, 200);
    EXPECT_TRUE(top.ok()) << top.status().ToString();
    std::vector<std::string> out;
    if (top.ok())
      for (const auto& a : *top) out.push_back(Line(a));
    return out;
  }

  void ExpectEqualToRawMentions() {
    struct Window {
      UnixMillis since, until;
    };
    for (Window w : {Window{kT0, kT0 + 7 * kDay}, Window{kT0 - 3 * kDay, kT0 + 30 * kDay},
                     Window{kT0 + 5 * kDay, kT0 + 19 * kDay}}) {
      ActivityFilter f;
      f.since = w.since;
      f.until = w.until;
      auto all = Old(w.since, w.until);
      ASSERT_GT(all.size(), 5u);
      EXPECT_EQ(New(f), all) << "window " << w.since << ".." << w.until;
      f.agency_ids = std::vector<Id>{agencies_[0]};
      f.include_unassigned = false;
      const std::string a0 = std::to_string(agencies_[0]);
      EXPECT_EQ(New(f), Old(w.since, w.until, " AND (m.agency_id IN (" + a0 + "))"));
      f.include_unassigned = true;
      EXPECT_EQ(New(f),
                Old(w.since, w.until, " AND (m.agency_id IN (" + a0 + ") OR m.agency_id IS NULL)"));
      f.agency_ids.reset();
      f.hashtag = "BANJIR";
      EXPECT_EQ(New(f), Old(w.since, w.until, kBanjir));
      // One author's profile on a topic: the author's mentions checked per row.
      for (const char* handle : {"budi", "WARGA01"}) {
        auto a = store_->spread().Author(Platform::kX, handle, f);
        ASSERT_TRUE(a.ok());
        auto old = Old(w.since, w.until, std::string(kBanjir),
                       std::string(" AND m.platform = 'x' AND lower(m.author_handle) = lower('") +
                           handle + "')");
        if (old.empty()) {
          EXPECT_EQ(a->mentions, 0);
        } else {
          EXPECT_EQ(std::vector<std::string>{Line(*a)}, old) << handle << " #banjir";
        }
      }
      f.hashtag.clear();
      for (const char* handle : {"budi", "WARGA01", "nobody"}) {
        auto a = store_->spread().Author(Platform::kX, handle, f);
        ASSERT_TRUE(a.ok());
        auto old = Old(w.since, w.until, "",
                       std::string(" AND m.platform = 'x' AND lower(m.author_handle) = lower('") +
                           handle + "')");
        if (old.empty()) {
          EXPECT_EQ(a->mentions, 0);
        } else {
          EXPECT_EQ(std::vector<std::string>{Line(*a)}, old) << handle;
        }
      }
    }
  }

  std::unique_ptr<TempSqliteStore> store_;
  std::vector<Id> agencies_, queries_;
  std::mt19937 rng_{20261124};
};

TEST_F(RollupCountersTest, TopAuthorsFromCountersEqualTheRawMentionQuery) {
  Ingest(700);
  ExpectEqualToRawMentions();
}

TEST_F(RollupCountersTest, TopicRankingReadsTheNewestCandidatesUpToTheCap) {
  Ingest(700);
  ActivityFilter f;
  f.since = kT0 - 3 * kDay;
  f.until = kT0 + 30 * kDay;
  f.hashtag = "banjir";
  // The mentions containing the word, newest id first (the order the full-text index is read).
  const auto ids = RawRows(store_->path(),
                           "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH '\"banjir\"' "
                           "ORDER BY rowid DESC");
  ASSERT_GT(ids.size(), 100u);
  TopicCoverage coverage;
  auto ranked = [&] {
    auto top = store_->spread().TopAuthors(f, 200, &coverage);
    EXPECT_TRUE(top.ok()) << top.status().ToString();
    std::vector<std::string> out;
    if (top.ok())
      for (const auto& a : *top) out.push_back(Line(a));
    return out;
  };
  // Exactly as many candidates as the cap: all read, not capped.
  f.topic_cap = static_cast<std::int64_t>(ids.size());
  EXPECT_EQ(ranked(), Old(f.since, f.until, kBanjir));
  EXPECT_FALSE(coverage.capped);
  EXPECT_EQ(coverage.candidates, static_cast<std::int64_t>(ids.size()));
  // A cap below: the newest `cap` candidates only, and it says so.
  for (size_t cap : {size_t{1}, size_t{40}, ids.size() - 1}) {
    f.topic_cap = static_cast<std::int64_t>(cap);
    EXPECT_EQ(ranked(),
              Old(f.since, f.until, std::string(kBanjir) + " AND m.id >= " + ids[cap - 1]))
        << "cap " << cap;
    EXPECT_TRUE(coverage.capped);
    EXPECT_EQ(coverage.candidates, static_cast<std::int64_t>(cap));
  }
  f.topic_cap = 0;
  EXPECT_EQ(store_->spread().TopAuthors(f, 10).status().code(), Code::kInvalidArgument);
}

//! The plan's detail lines for `sql` (EXPLAIN QUERY PLAN).
std::vector<std::string> Plan(const std::string& path, const std::string& sql) {
  std::vector<std::string> out;
  for (const std::string& row : RawRows(path, "EXPLAIN QUERY PLAN " + sql))
    out.push_back(row.substr(row.rfind('|') + 1));
  return out;
}

bool Has(const std::vector<std::string>& plan, const std::string& what) {
  for (const auto& line : plan)
    if (line.find(what) != std::string::npos) return true;
  return false;
}

//! A full scan of the mentions (table alias m), with or without an index.
bool ScansMentions(const std::vector<std::string>& plan) {
  for (const auto& line : plan)
    if (line == "SCAN m" || line.rfind("SCAN m ", 0) == 0) return true;
  return false;
}

int Count(const std::vector<std::string>& plan, const std::string& what) {
  int n = 0;
  for (const auto& line : plan) n += line.find(what) != std::string::npos;
  return n;
}

TEST_F(RollupCountersTest, TopicReadsAreBoundedByTheirPlans) {
  Ingest(200);
  ActivityFilter f;
  f.since = kT0;
  f.until = kT0 + 30 * kDay;
  f.hashtag = "banjir";
  f.agency_ids = std::vector<Id>{agencies_[0], agencies_[1]};
  std::vector<BindValue> binds;
  // The ranking: the capped full-text read drives; each candidate is one primary-key read; no
  // scan of the window's mentions and no list of every mention with the word.
  auto ranking = Plan(store_->path(), ActivitySql(f, "", "", &binds));
  std::string all;
  for (const auto& l : ranking) all += l + "\n";
  EXPECT_EQ(Count(ranking, "SCAN mentions_fts VIRTUAL TABLE"), 1) << all;
  EXPECT_TRUE(Has(ranking, "CO-ROUTINE c")) << all;
  EXPECT_TRUE(Has(ranking, "SEARCH m USING INTEGER PRIMARY KEY (rowid=?)")) << all;
  EXPECT_FALSE(ScansMentions(ranking)) << all;
  // One author's profile on the topic: the author index drives; the word is one probe per row.
  auto profile = Plan(store_->path(), ActivitySql(f, "x", "budi", &binds));
  all.clear();
  for (const auto& l : profile) all += l + "\n";
  EXPECT_TRUE(Has(profile, "SEARCH m USING INDEX mentions_author")) << all;
  EXPECT_FALSE(ScansMentions(profile)) << all;
  // The word is checked for one rowid (FTS5's rowid-equality plan "=", with the MATCH), never
  // read as a list of every mention containing it.
  EXPECT_EQ(Count(profile, "SCAN mentions_fts VIRTUAL TABLE"), 1) << all;
  EXPECT_TRUE(Has(profile, "SCAN mentions_fts VIRTUAL TABLE INDEX 0:=")) << all;
}

TEST_F(RollupCountersTest, CorrectionsMoveCriticalRepliesAndTopicCounts) {
  Ingest(300);
  // A reply with a neutral label of no critical kind becomes negative, then its kind kritik.
  auto reply = RawRows(store_->path(),
                       "SELECT m.id FROM mentions m WHERE m.shared_from = '' AND m.kind = 'reply' "
                       "AND m.sentiment <> 'negative' AND m.input_kind NOT IN ('kritik', "
                       "'keluhan') AND EXISTS (SELECT 1 FROM mention_queries q WHERE "
                       "q.mention_id = m.id) LIMIT 1");
  ASSERT_EQ(reply.size(), 1u);
  const Id id = std::stoll(reply[0]);
  const std::string topic_negative =
      "SELECT sum(count) FROM agency_topic_hourly WHERE sentiment = 'negative'";
  const std::string before = RawRows(store_->path(), topic_negative)[0];
  LabelCorrection c;
  c.mention_id = id;
  c.task = LabelTask::kSentiment;
  c.new_value = "negative";
  c.username = "petugas";
  c.at = kT0;
  ASSERT_TRUE(store_->corrections().Apply(&c).ok());
  EXPECT_EQ(std::stoll(RawRows(store_->path(), topic_negative)[0]), std::stoll(before) + 1);
  LabelCorrection k = c;
  k.task = LabelTask::kKind;
  k.new_value = "kritik";
  ASSERT_TRUE(store_->corrections().Apply(&k).ok());
  c.new_value = "positive";  // still critical by its kind
  ASSERT_TRUE(store_->corrections().Apply(&c).ok());
  EXPECT_EQ(RawRows(store_->path(), topic_negative)[0], before);
  ExpectEqualToRawMentions();
  // And the topic/query counters equal a rebuild from the mentions.
  auto counters = RawRows(store_->path(), kCounterTables);
  ASSERT_TRUE(store_->counters().Rebuild().ok());
  EXPECT_EQ(RawRows(store_->path(), kCounterTables), counters);
}

TEST_F(RollupCountersTest, IngestCountersEqualARebuildAndTheMigrationBackfill) {
  Ingest(500);
  const auto kept = RawRows(store_->path(), kCounterTables);
  ASSERT_GT(kept.size(), 100u);
  // A rebuild from the mentions gives the same counters (rows with nothing left aside), also
  // after damage.
  ASSERT_TRUE(store_->counters().Rebuild().ok());
  EXPECT_EQ(RawRows(store_->path(), kCounterTables), kept);
  RawExec(store_->path(),
          "DELETE FROM mention_observed WHERE mention_id % 2 = 0; UPDATE mention_observed SET "
          "observed = observed + 3; DELETE FROM author_daily WHERE mentions % 2 = 1");
  ASSERT_NE(RawRows(store_->path(), kCounterTables), kept);
  ASSERT_TRUE(store_->counters().Rebuild().ok());
  EXPECT_EQ(RawRows(store_->path(), kCounterTables), kept);
  // As if the database were at 0015: the migration backfills the same counters on open.
  const std::string path = store_->path();
  RawExec(path,
          "DROP TABLE mention_observed; DROP TABLE author_daily; DROP TABLE agency_topic_hourly; "
          "DELETE FROM schema_migrations WHERE version = 16");
  SystemClock clock;
  SqliteOptions o;
  o.path = path;
  auto reopened = OpenSqliteStore(o, clock);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(RawRows(path, kCounterTables), kept);
}

TEST_F(RollupCountersTest, MatchesRecordedLaterMoveTheCountersLikeIntake) {
  Ingest(300);
  // Stored mentions the X stream's rule tags name again: some matches new, some already held, a
  // query that no longer exists, and the same call twice (idempotent).
  const std::vector<Id> candidates = {queries_[0], queries_[1], queries_[2], 987654};
  int recorded = 0;
  for (int i = 0; i < 300; i += 7) {
    std::vector<Id> ids;
    for (Id q : candidates)
      if (rng_() % 2 == 0) ids.push_back(q);
    const Platform platform = i % 3 == 0 ? Platform::kFacebook : Platform::kX;
    auto got = store_->mentions().RecordMatches(platform, "e" + std::to_string(i), ids);
    if (!got.ok()) {
      // Stored on the other platform (Random picks one): nothing to record.
      EXPECT_EQ(got.status().code(), Code::kNotFound);
      continue;
    }
    recorded += static_cast<int>(got->size());
    EXPECT_TRUE(std::is_sorted(got->begin(), got->end()));
    auto again = store_->mentions().RecordMatches(platform, "e" + std::to_string(i), ids);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->empty());
  }
  EXPECT_GT(recorded, 10);
  // Per query and hour: exactly the stored matches (a reference over the raw rows).
  constexpr char kQueryHourly[] =
      "SELECT query_id, hour, sentiment, count FROM query_hourly WHERE count <> 0 "
      "ORDER BY 1, 2, 3";
  constexpr char kQueryHourlyRaw[] =
      "SELECT mq.query_id, m.created_at - ((m.created_at % 3600000) + 3600000) % 3600000 AS h, "
      "m.sentiment, count(*) FROM mention_queries mq JOIN mentions m ON m.id = mq.mention_id "
      "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
  EXPECT_EQ(RawRows(store_->path(), kQueryHourly), RawRows(store_->path(), kQueryHourlyRaw));
  // The agency topic counters equal a rebuild from the mentions and their matches.
  const auto kept = RawRows(store_->path(), kCounterTables);
  ASSERT_TRUE(store_->counters().Rebuild().ok());
  EXPECT_EQ(RawRows(store_->path(), kCounterTables), kept);
  EXPECT_EQ(store_->mentions().RecordMatches(Platform::kX, "nope", {queries_[0]}).status().code(),
            Code::kNotFound);
}

TEST_F(RollupCountersTest, RebuildRepairsTheCountersWhileIntakeGoesOn) {
  Ingest(400);
  // Some near-duplicate copies of stored mentions.
  std::vector<Mention> copies;
  for (int i = 0; i < 30; ++i) {
    Mention m = Random(10'000 + i, 400);
    m.near_duplicate = NearDuplicate{1 + i % 4, 0.9, std::nullopt};
    copies.push_back(m);
  }
  ASSERT_TRUE(store_->mentions().UpsertBatch(copies, kT0).ok());
  const std::string path = store_->path();
  // Counters gone wrong (a restore, a bug): rows missing, rows off, rows that should not be.
  // (Not mention_observed here: an author's influence takes max(reported, observed) per mention,
  // so a reaction stored during the rebuild to a mention whose observed count was wrong adds a
  // wrong difference; the quiet rebuild below repairs that table.)
  RawExec(path,
          "DELETE FROM author_daily WHERE (mentions + likes_sum) % 3 = 0; UPDATE author_daily SET "
          "influence = influence + 5 WHERE likes_sum % 5 = 1; UPDATE agency_topic_hourly SET count "
          "= count + 7 WHERE "
          "(hour / 3600000) % 2 = 0; INSERT INTO agency_topic_hourly VALUES (999, 0, "
          "'negative', 3); UPDATE near_duplicate_copies SET copies = copies * 2; DELETE FROM "
          "rollup_hourly WHERE (hour / 3600000) % 4 = 0; UPDATE rollup_hourly SET count = count "
          "+ 1 WHERE (hour / 3600000) % 4 = 1");
  // The rebuild, in chunks of 7 rows; between its snapshot and its first write, intake goes on:
  // new mentions, copies, edits, re-sent engagement (Ingest) and a label correction.
  auto conn = Connection::Open(path, 5000);
  ASSERT_TRUE(conn.ok());
  auto backfill = IngestCounterBackfill();
  ASSERT_TRUE(backfill.ok());
  int ran = 0;
  auto meanwhile = [&] {
    ++ran;
    Ingest(120);
    std::vector<Mention> more;
    for (int i = 0; i < 5; ++i) {
      Mention m = Random(20'000 + 10 * ran + i, 400);
      m.near_duplicate = NearDuplicate{2, 0.8, std::nullopt};
      more.push_back(m);
    }
    ASSERT_TRUE(store_->mentions().UpsertBatch(more, kT0).ok());
    LabelCorrection c;
    c.mention_id = 3 + ran;
    c.task = LabelTask::kSentiment;
    auto now = store_->mentions().Get(c.mention_id);
    ASSERT_TRUE(now.ok());
    c.new_value = now->data.labels.sentiment == "negative" ? "positive" : "negative";
    c.username = "petugas";
    c.at = kT0;
    ASSERT_TRUE(store_->corrections().Apply(&c).ok());
  };
  ASSERT_TRUE(RebuildCounterTables(**conn, IngestCounterTables(), *backfill, 7, meanwhile).ok());
  ASSERT_TRUE(
      RebuildCounterTables(**conn, {HourlyRollupTable()}, HourlyRollupBackfill(), 7, meanwhile)
          .ok());
  EXPECT_EQ(ran, 2);
  conn->reset();
  // What they are now must be a recount of everything stored, meanwhile included: the hourly
  // rollups against their GROUP BY, the counters against the migrations' own backfill on open.
  const std::string hourly =
      "SELECT hour || ':' || agency_id || ':' || platform || ':' || sentiment, count FROM "
      "rollup_hourly WHERE count <> 0 ORDER BY 1";
  const auto hourly_now = RawRows(path, hourly);
  const auto counters_now = RawRows(path, kCounterTables);
  const std::string copies_sql =
      "SELECT of_id, agency_id, copies FROM near_duplicate_copies WHERE copies <> 0 ORDER BY 1, 2";
  const auto copies_now = RawRows(path, copies_sql);
  EXPECT_EQ(hourly_now,
            RawRows(path,
                    "SELECT hour || ':' || agency || ':' || platform || ':' || sentiment, n FROM "
                    "(SELECT created_at - ((created_at % 3600000) + 3600000) % 3600000 AS hour, "
                    "coalesce(agency_id, 0) AS agency, platform, sentiment, count(*) AS n FROM "
                    "mentions GROUP BY 1, 2, 3, 4) ORDER BY 1"));
  RawExec(path,
          "DROP TABLE mention_observed; DROP TABLE author_daily; DROP TABLE agency_topic_hourly; "
          "DROP TABLE near_duplicate_copies; DELETE FROM schema_migrations WHERE version IN (16, "
          "28)");
  SystemClock clock;
  SqliteOptions o;
  o.path = path;
  auto reopened = OpenSqliteStore(o, clock);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  const auto truth = RawRows(path, kCounterTables);
  EXPECT_EQ(truth.size(), counters_now.size());
  for (size_t i = 0, j = 0; i < truth.size() || j < counters_now.size();) {
    if (i < truth.size() && j < counters_now.size() && truth[i] == counters_now[j]) {
      ++i, ++j;
    } else if (j >= counters_now.size() || (i < truth.size() && truth[i] < counters_now[j])) {
      ADD_FAILURE() << "missing after the rebuild: " << truth[i++];
    } else {
      ADD_FAILURE() << "wrong after the rebuild: " << counters_now[j++];
    }
  }
  EXPECT_EQ(RawRows(path, copies_sql), copies_now);
  EXPECT_FALSE(copies_now.empty());
}

}  // namespace
}  // namespace humas::store::sqlite
