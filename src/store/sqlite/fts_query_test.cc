// Tests that parsed user queries render to FTS5 expressions that SQLite accepts and that match
// only as plain words, whatever the user typed.
#include "store/sqlite/fts_query.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>

namespace humas::store::sqlite {
namespace {

std::string Render(std::string_view q) {
  auto parsed = search::ParseUserQuery(q);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? RenderFts5Match(*parsed) : std::string();
}

TEST(FtsQueryTest, RendersQuotedTokens) {
  EXPECT_EQ(Render("jalan rusak"), R"(("jalan" AND "rusak"))");
  EXPECT_EQ(Render("\"jalan rusak\" -hoaks -\"berita lama\""),
            R"(("jalan rusak") NOT "hoaks" NOT "berita lama")");
  EXPECT_EQ(Render("NEAR(a OR b)*"), R"(("NEAR a" AND "OR" AND "b"))");
}

TEST(FtsQueryTest, EscapesQuotesInTokens) {
  search::ParsedQuery q;
  q.required.push_back({{"a\"b"}});
  EXPECT_EQ(RenderFts5Match(q), R"(("a""b"))");
}

// Runs every rendered query against a real FTS5 table: none may be a syntax error, and the
// operator-looking words only match documents that contain them as words.
class FtsMatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    Exec("CREATE VIRTUAL TABLE f USING fts5(t, tokenize = 'unicode61 remove_diacritics 2')");
    Exec(
        "INSERT INTO f (rowid, t) VALUES (1, 'jalan rusak di Berau'), "
        "(2, 'jalan bagus'), (3, 'kata AND OR NOT NEAR'), (4, 'café covid-19')");
  }
  void TearDown() override { sqlite3_close(db_); }
  void Exec(const char* sql) {
    ASSERT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  }

  //! Matching rowids as "1,2", or "error: ..." if SQLite rejected the expression.
  std::string Match(std::string_view q) {
    std::string expr = Render(q);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, "SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid", -1, &st, nullptr);
    sqlite3_bind_text(st, 1, expr.c_str(), -1, SQLITE_TRANSIENT);
    std::string out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (!out.empty()) out += ",";
      out += std::to_string(sqlite3_column_int64(st, 0));
    }
    if (rc != SQLITE_DONE) out = std::string("error: ") + sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return out;
  }

  sqlite3* db_ = nullptr;
};

TEST_F(FtsMatchTest, NastyInputsAreNeverSyntax) {
  EXPECT_EQ(Match("jalan"), "1,2");
  EXPECT_EQ(Match("jalan -rusak"), "2");
  EXPECT_EQ(Match("\"jalan rusak\""), "1");
  EXPECT_EQ(Match("AND"), "3");
  EXPECT_EQ(Match("OR"), "3");
  EXPECT_EQ(Match("jalan OR bagus"), "");
  EXPECT_EQ(Match("NOT"), "3");
  EXPECT_EQ(Match("NEAR(jalan rusak)"), "");
  EXPECT_EQ(Match("jal*"), "");
  EXPECT_EQ(Match("t:jalan"), "");
  EXPECT_EQ(Match("^jalan"), "1,2");
  EXPECT_EQ(Match("jalan)"), "1,2");
  EXPECT_EQ(Match("((jalan"), "1,2");
  EXPECT_EQ(Match("\"jalan"), "1,2");
  EXPECT_EQ(Match("jalan\" OR \"x"), "");
  EXPECT_EQ(Match("cafe covid-19"), "4");
  EXPECT_EQ(Match("CAFÉ"), "4");
  EXPECT_EQ(Match("'; DROP TABLE f; --"), "");
  EXPECT_EQ(Match("jalan + + rusak"), "1");
  EXPECT_EQ(Match("-- jalan"), "1,2");
}

}  // namespace
}  // namespace humas::store::sqlite
