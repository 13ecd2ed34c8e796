// SQLite-specific store tests: migrations (checksums, newer schema, re-open), audit tampering by
// editing rows directly, several stores (as several processes would) on one file, FTS integrity.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>
#include <vector>

#include "store/cases.h"
#include "store/sqlite/db.h"
#include "store/sqlite/migrate.h"
#include "store/sqlite/test_util.h"

namespace humas::store::sqlite {
namespace {

constexpr UnixMillis kT0 = 1'723'860'000'000;

// Runs SQL on the file with a separate raw connection, as an attacker or an operator would.
void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err != nullptr ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

std::string RawScalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

Result<std::unique_ptr<Store>> OpenAt(const std::string& path, const Clock& clock) {
  SqliteOptions opts;
  opts.path = path;
  return OpenSqliteStore(opts, clock);
}

void AppendEntries(Store& store, int n) {
  for (int i = 0; i < n; ++i) {
    AuditEntry e;
    e.at = kT0 + i;
    e.actor_name = "admin";
    e.action = "agency.update";
    e.entity = "agency";
    e.entity_id = std::to_string(i);
    e.details_json = R"({"i":)" + std::to_string(i) + "}";
    ASSERT_TRUE(store.audit().Append(&e).ok());
  }
}

TEST(SqliteStoreTest, OpensWithWalAndRecordsMigrations) {
  auto store = TempSqliteStore::Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->backend(), "sqlite");
  EXPECT_EQ(store->schema_version(), EmbeddedMigrations().back().version);
  EXPECT_EQ(RawScalar(store->path(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawScalar(store->path(), "SELECT name FROM schema_migrations WHERE version = 1"),
            "0001_init");
  EXPECT_EQ(RawScalar(store->path(), "SELECT checksum FROM schema_migrations WHERE version = 1"),
            MigrationChecksum(EmbeddedMigrations().front().sql));
}

TEST(SqliteStoreTest, ReopenKeepsDataAndAppliesNothingTwice) {
  TempDb db;
  SystemClock clock;
  Id agency_id = 0;
  {
    auto store = OpenAt(db.path(), clock);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Agency a;
    a.code = "dinkes";
    a.name = "Dinas Kesehatan";
    ASSERT_TRUE((*store)->agencies().Create(&a).ok());
    agency_id = a.id;
    AppendEntries(**store, 3);
  }
  for (int i = 0; i < 2; ++i) {
    auto store = OpenAt(db.path(), clock);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->agencies().Get(agency_id)->code, "dinkes");
    auto v = (*store)->audit().Verify();
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->ok);
    EXPECT_EQ(v->entries, 3);
  }
  EXPECT_EQ(RawScalar(db.path(), "SELECT count(*) FROM schema_migrations"),
            std::to_string(EmbeddedMigrations().size()));
}

TEST(SqliteStoreTest, ChangedAppliedMigrationIsDataLoss) {
  TempDb db;
  SystemClock clock;
  { ASSERT_TRUE(OpenAt(db.path(), clock).ok()); }
  RawExec(db.path(), "UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = 1");
  auto reopened = OpenAt(db.path(), clock);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), Code::kDataLoss);
  EXPECT_NE(reopened.status().message().find("0001_init"), std::string::npos)
      << reopened.status().message();
}

TEST(SqliteStoreTest, NewerDatabaseIsFailedPrecondition) {
  TempDb db;
  SystemClock clock;
  { ASSERT_TRUE(OpenAt(db.path(), clock).ok()); }
  RawExec(db.path(), "INSERT INTO schema_migrations VALUES (9999, '9999_future', 'x', 0)");
  auto reopened = OpenAt(db.path(), clock);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(reopened.status().message().find("9999"), std::string::npos);
}

TEST(SqliteMigrateTest, AppliesInOrderAndDetectsEditedMigration) {
  TempDb db;
  auto conn = Connection::Open(db.path(), 1000);
  ASSERT_TRUE(conn.ok());
  std::vector<EmbeddedMigration> v1 = {{1, "0001_a", "CREATE TABLE a (x INTEGER);"}};
  auto r1 = Migrate(**conn, v1, kT0);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(*r1, 1);

  std::vector<EmbeddedMigration> v2 = {
      {1, "0001_a", "CREATE TABLE a (x INTEGER);"},
      {2, "0002_b", "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (1);"}};
  auto r2 = Migrate(**conn, v2, kT0);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(*r2, 2);
  EXPECT_EQ(*Migrate(**conn, v2, kT0), 2);  // idempotent
  EXPECT_EQ(RawScalar(db.path(), "SELECT count(*) FROM a"), "1");

  std::vector<EmbeddedMigration> edited = {
      {1, "0001_a", "CREATE TABLE a (x INTEGER);"},
      {2, "0002_b", "CREATE TABLE b (y INTEGER, z TEXT); INSERT INTO a VALUES (1);"}};
  auto r3 = Migrate(**conn, edited, kT0);
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.status().code(), Code::kDataLoss);
  EXPECT_NE(r3.status().message().find("0002_b"), std::string::npos);

  // A failing migration leaves nothing behind: not its tables, not its record.
  std::vector<EmbeddedMigration> broken = {
      v2[0], v2[1], {3, "0003_c", "CREATE TABLE c (z INTEGER); THIS IS NOT SQL;"}};
  auto r4 = Migrate(**conn, broken, kT0);
  ASSERT_FALSE(r4.ok());
  EXPECT_NE(r4.status().message().find("0003_c"), std::string::npos);
  EXPECT_EQ(RawScalar(db.path(), "SELECT count(*) FROM sqlite_master WHERE name = 'c'"), "0");
  EXPECT_EQ(RawScalar(db.path(), "SELECT max(version) FROM schema_migrations"), "2");
}

TEST(SqliteAuditTamperTest, EditedFieldIsReported) {
  auto store = TempSqliteStore::Open();
  ASSERT_NE(store, nullptr);
  AppendEntries(*store, 5);
  RawExec(store->path(), "UPDATE audit_log SET details_json = '{\"i\":99}' WHERE seq = 3");
  auto v = store->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
  EXPECT_NE(v->reason.find("edited"), std::string::npos) << v->reason;
}

TEST(SqliteAuditTamperTest, DeletedRowIsReported) {
  auto store = TempSqliteStore::Open();
  ASSERT_NE(store, nullptr);
  AppendEntries(*store, 5);
  RawExec(store->path(), "DELETE FROM audit_log WHERE seq = 2");
  auto v = store->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 2);
  EXPECT_NE(v->reason.find("missing"), std::string::npos) << v->reason;

  auto first = TempSqliteStore::Open();
  ASSERT_NE(first, nullptr);
  AppendEntries(*first, 2);
  RawExec(first->path(), "DELETE FROM audit_log WHERE seq = 1");
  auto v1 = first->audit().Verify();
  ASSERT_TRUE(v1.ok());
  EXPECT_FALSE(v1->ok);
  EXPECT_EQ(v1->first_bad_seq, 1);
}

TEST(SqliteAuditTamperTest, RehashedEntryBreaksTheLink) {
  auto store = TempSqliteStore::Open();
  ASSERT_NE(store, nullptr);
  AppendEntries(*store, 4);
  // The attacker edits entry 2 and recomputes its hash; entry 3 still points at the old hash.
  auto list = store->audit().List({}, {10, 0});
  ASSERT_TRUE(list.ok());
  AuditEntry e2;
  for (const AuditEntry& e : list->items) {
    if (e.seq == 2) e2 = e;
  }
  e2.actor_name = "someone-else";
  std::string forged = AuditHash(e2);
  RawExec(store->path(), "UPDATE audit_log SET actor_name = 'someone-else', hash = '" + forged +
                             "' WHERE seq = 2");
  auto v = store->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->ok);
  EXPECT_EQ(v->first_bad_seq, 3);
  EXPECT_NE(v->reason.find("link"), std::string::npos) << v->reason;
}

TEST(SqliteAuditTest, TwoStoresOnOneFileFormOneChain) {
  // Two independently opened stores stand in for two processes sharing the database file.
  TempDb db;
  SystemClock clock;
  auto s1 = OpenAt(db.path(), clock);
  auto s2 = OpenAt(db.path(), clock);
  ASSERT_TRUE(s1.ok() && s2.ok());
  std::vector<std::thread> threads;
  for (Store* s : {s1->get(), s2->get(), s1->get(), s2->get()}) {
    threads.emplace_back([s] { AppendEntries(*s, 30); });
  }
  for (auto& t : threads) t.join();
  auto v = (*s2)->audit().Verify();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->reason;
  EXPECT_EQ(v->entries, 120);
}

TEST(SqliteMentionTest, FullTextIndexStaysConsistent) {
  auto store = TempSqliteStore::Open();
  ASSERT_NE(store, nullptr);
  std::vector<Mention> batch;
  for (int i = 0; i < 500; ++i) {
    Mention m;
    m.data.platform = Platform::kX;
    m.data.external_id = std::to_string(i % 400);  // 100 duplicates
    m.data.text = "keluhan jalan nomor " + std::to_string(i);
    m.data.created_at = kT0 + i;
    m.data.likes = i;
    batch.push_back(m);
  }
  ASSERT_TRUE(store->mentions().UpsertBatch(batch, kT0).ok());
  RawExec(store->path(), "INSERT INTO mentions_fts (mentions_fts) VALUES ('integrity-check')");
  EXPECT_EQ(RawScalar(store->path(), "SELECT count(*) FROM mentions"), "400");
  EXPECT_EQ(RawScalar(store->path(),
                      "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'keluhan'"),
            "400");
  EXPECT_EQ(RawScalar(store->path(), "SELECT sum(count) FROM rollup_hourly"), "400");
}

// A case's history, one line per entry: "<id is 0> <at> <kind> <details> <actor or -1>".
std::vector<std::string> History(Store& store, Id case_id) {
  auto events = store.inbox().CaseEvents(case_id);
  EXPECT_TRUE(events.ok());
  std::vector<std::string> out;
  if (!events.ok()) return out;
  for (const CaseEvent& e : *events)
    out.push_back(std::to_string(e.id == 0) + " " + std::to_string(e.at) + " " + e.kind + " " +
                  e.details_json + " " + std::to_string(e.actor_user_id.value_or(-1)));
  return out;
}

// Migration 0019 moves each case's stored "opened" event into the case row; the history reads the
// same before and after (but for the moved entry's id, now 0), and an "opened" event that is not
// exactly what the intake writes stays a stored event.
TEST(SqliteMigrateTest, CaseOpeningMovesIntoTheCaseRowAndTheHistoryStaysTheSame) {
  auto store = TempSqliteStore::Open();
  ASSERT_NE(store, nullptr);
  Agency region;
  region.code = "berau";
  region.name = region.short_name = "Berau";
  region.kind = AgencyKind::kRegion;
  ASSERT_TRUE(store->agencies().Create(&region).ok());
  Agency dinkes;
  dinkes.code = "dinkes";
  dinkes.name = dinkes.short_name = "Dinkes";
  dinkes.parent_id = region.id;
  ASSERT_TRUE(store->agencies().Create(&dinkes).ok());
  std::vector<Mention> batch;
  for (int i = 0; i < 6; ++i) {
    Mention m;
    m.agency_id = dinkes.id;
    m.data.platform = Platform::kX;
    m.data.external_id = "q" + std::to_string(i);
    m.data.author_handle = "warga" + std::to_string(i % 4);  // two citizens post twice
    m.data.text = "Kapan vaksin tersedia? " + std::to_string(i);
    m.data.created_at = kT0 + i;
    if (i >= 4) m.data.in_reply_to = "q" + std::to_string(i - 4);  // joins that case
    m.data.labels.input_kind = "pertanyaan";
    batch.push_back(m);
  }
  auto stored = store->mentions().UpsertBatch(batch, kT0 + 10, /*open_cases=*/true);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  ASSERT_EQ(RawScalar(store->path(), "SELECT count(*) FROM cases"), "4");
  ASSERT_EQ(RawScalar(store->path(), "SELECT count(*) FROM case_events WHERE kind = 'opened'"),
            "0");
  const std::vector<Id> cases = {1, 2, 3, 4};
  std::vector<std::vector<std::string>> before;
  for (Id c : cases) before.push_back(History(*store, c));
  ASSERT_EQ(before[0].size(), 2u);  // opened (from the row), mention_added
  EXPECT_EQ(before[0][0], "1 " + std::to_string(kT0 + 10) + " opened {\"mention_id\":" +
                              std::to_string((*stored)[0].id) + "} -1");

  // The database as 0018 left it: the openings were case_events rows (plus one odd "opened"
  // event, at another instant, that the migration must leave alone).
  const std::string path = store->path();  // the file lives as long as `store`
  RawExec(path,
          "INSERT INTO case_events (case_id, at, actor_user_id, kind, details_json) "
          "SELECT id, created_at, NULL, 'opened', '{\"mention_id\":' || opened_by_mention || '}' "
          "FROM cases ORDER BY id; "
          "INSERT INTO case_events (case_id, at, kind, details_json) "
          "VALUES (3, 5, 'opened', '{\"mention_id\":99}'); "
          "ALTER TABLE cases DROP COLUMN opened_by_mention; "
          "DELETE FROM schema_migrations WHERE version = 19");
  ASSERT_EQ(RawScalar(path, "SELECT count(*) FROM case_events WHERE kind = 'opened'"), "5");
  SystemClock clock;
  auto reopened = OpenAt(path, clock);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(RawScalar(path, "SELECT count(*) FROM case_events WHERE kind = 'opened'"), "1");
  EXPECT_EQ(RawScalar(path, "SELECT count(*) FROM cases WHERE opened_by_mention IS NOT NULL"), "4");
  for (size_t i = 0; i < cases.size(); ++i) {
    std::vector<std::string> want = before[i];
    if (cases[i] == 3) want.push_back("0 5 opened {\"mention_id\":99} -1");  // kept as stored
    EXPECT_EQ(History(**reopened, cases[i]), want) << "case " << cases[i];
  }
}

// The query plan's details of `sql` on the database at `path`, joined by "; ".
std::string PlanOf(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &st, nullptr) ==
      SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW)
      out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 3))) + "; ";
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// Migration 0023 indexes the author handle with ASCII case folded (COLLATE NOCASE) instead of
// lower(author_handle): search's author filter answers as before, on a database migrated from
// the expression index too, folding A-Z only (as SQLite's lower() without ICU), and both author
// readers' conditions are answered through the index.
TEST(SqliteMigrateTest, AuthorIndexWithoutExpressionAnswersTheSame) {
  auto store = TempSqliteStore::Open();
  ASSERT_NE(store, nullptr);
  std::vector<Mention> batch;
  const std::vector<std::string> handles = {"Ani",        "ANI",        "ani",
                                            "\xc3\x84ni", "\xc3\xa4ni", "budi"};
  for (size_t i = 0; i < handles.size(); ++i) {
    Mention m;
    m.data.platform = Platform::kX;
    m.data.external_id = "a" + std::to_string(i);
    m.data.author_handle = handles[i];
    m.data.text = "halo";
    m.data.created_at = kT0 + static_cast<UnixMillis>(i);
    batch.push_back(m);
  }
  ASSERT_TRUE(store->mentions().UpsertBatch(batch, kT0).ok());
  auto authors = [](Store& s, const std::string& author) {
    MentionFilter f;
    f.author = author;
    auto r = s.mentions().Search(f, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> out;
    if (r.ok())
      for (const Mention& m : r->items) out.push_back(m.data.author_handle);
    return out;
  };
  using V = std::vector<std::string>;
  const V ascii = {"ani", "ANI", "Ani"};  // newest first
  EXPECT_EQ(authors(*store, "aNI"), ascii);
  EXPECT_EQ(authors(*store, "\xc3\xa4ni"), V{"\xc3\xa4ni"});  // lower() leaves non-ASCII alone
  EXPECT_EQ(authors(*store, "\xc3\x84NI"), V{"\xc3\x84ni"});
  const std::string path = store->path();
  EXPECT_NE(RawScalar(path, "SELECT sql FROM sqlite_master WHERE name = 'mentions_author'")
                .find("COLLATE NOCASE"),
            std::string::npos);
  for (const std::string where : {"m.author_handle = 'x' COLLATE NOCASE",
                                  "m.platform = 'x' AND m.author_handle = 'x' COLLATE NOCASE AND "
                                  "m.created_at >= 0 AND m.created_at < 9"}) {
    EXPECT_NE(
        PlanOf(path, "SELECT m.id FROM mentions m WHERE " + where + " ORDER BY m.created_at DESC")
            .find("INDEX mentions_author ("),
        std::string::npos)
        << where;
  }

  // The database as 0022 left it: the expression index.
  RawExec(path,
          "DROP INDEX mentions_author; "
          "CREATE INDEX mentions_author ON mentions (lower(author_handle), created_at DESC); "
          "DELETE FROM schema_migrations WHERE version = 23");
  SystemClock clock;
  auto reopened = OpenAt(path, clock);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_NE(RawScalar(path, "SELECT sql FROM sqlite_master WHERE name = 'mentions_author'")
                .find("COLLATE NOCASE"),
            std::string::npos);
  EXPECT_EQ(authors(**reopened, "aNI"), ascii);
  EXPECT_EQ(authors(**reopened, "\xc3\xa4ni"), V{"\xc3\xa4ni"});
}

TEST(SqliteStoreTest, UnopenablePathIsAnError) {
  SystemClock clock;
  SqliteOptions opts;
  opts.path = "/nonexistent-dir-humas/x/y.db";
  auto r = OpenSqliteStore(opts, clock);
  EXPECT_FALSE(r.ok());
  opts.path = "";
  EXPECT_EQ(OpenSqliteStore(opts, clock).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace humas::store::sqlite
