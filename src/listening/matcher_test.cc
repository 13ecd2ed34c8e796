// Tests of the compiled listening matcher: term semantics at word boundaries, filters, agreement
// with a naive token-by-token evaluator over thousands of random queries, and atomic rebuilds.
#include "listening/matcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "store/sqlite/test_util.h"

namespace humas::listening {
namespace {

QuerySpec Spec(Id id, const std::string& expr, std::vector<Platform> platforms = {},
               std::vector<std::string> languages = {}) {
  QuerySpec s;
  s.id = id;
  auto parsed = search::ParseAgencyQuery(expr);
  EXPECT_TRUE(parsed.ok()) << expr << ": " << parsed.status().ToString();
  if (parsed.ok()) s.expr = std::move(parsed).value();
  s.platforms = std::move(platforms);
  s.languages = std::move(languages);
  return s;
}

std::shared_ptr<const Matcher> Compile(std::vector<QuerySpec> specs) {
  auto m = Matcher::Compile(std::move(specs));
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : nullptr;
}

// Does the single query `expr` match `text` (by `author`, on X)?
bool Matches(const std::string& expr, const std::string& text, const std::string& author = "") {
  auto m = Compile({Spec(7, expr)});
  return m && m->Match(Platform::kX, text, author) == std::vector<Id>{7};
}

TEST(MatchStreamTest, WordsHashtagsAccountsAndAuthor) {
  EXPECT_EQ(MatchStream("Dinkes Berau: vaksinasi #Covid19 bersama @bupati_berau!", "@Warga1"),
            " dinkes berau vaksinasi #covid19 bersama @bupati_berau | @warga1 ");
  EXPECT_EQ(MatchStream("info@dinkes.go.id, @humas.berau.", ""),
            " info dinkes go id @humas.berau ");
  EXPECT_EQ(MatchStream("", ""), " ");
  EXPECT_EQ(MatchStream("## @ #_ x", ""), " x ");
}

TEST(MatcherTest, WordBoundaries) {
  EXPECT_TRUE(Matches("dinkes", "Terima kasih DINKES Berau"));
  EXPECT_FALSE(Matches("dinkes", "dinkesos membagikan bantuan"));
  EXPECT_TRUE(Matches("dinkes*", "dinkesos membagikan bantuan"));
  EXPECT_FALSE(Matches("dinkes", "kadinkes hadir"));
  EXPECT_TRUE(Matches("dinkes", "dinkes."));
  EXPECT_TRUE(Matches("vaksin*", "jadwal vaksinasi"));
  EXPECT_FALSE(Matches("vaksinasi", "vaksin"));
}

TEST(MatcherTest, FoldingNfkcAndCase) {
  EXPECT_TRUE(Matches("dinkes", "ＤＩＮＫＥＳ berau"));  // fullwidth
  EXPECT_TRUE(Matches("ＤＩＮＫＥＳ", "dinkes berau"));
  EXPECT_TRUE(Matches("strasse", "Straße gesperrt"));  // case folding ß → ss
  EXPECT_TRUE(Matches("dinkes", "din\u200bkes"));      // zero-width space dropped
}

TEST(MatcherTest, PhrasesHashtagsAccounts) {
  EXPECT_TRUE(Matches("\"dinas kesehatan\"", "Dinas  Kesehatan, Berau"));
  EXPECT_FALSE(Matches("\"dinas kesehatan\"", "kesehatan dinas"));
  EXPECT_TRUE(Matches("covid-19", "kasus COVID 19 naik"));
  EXPECT_TRUE(Matches("#vaksin", "ayo #Vaksin hari ini"));
  EXPECT_FALSE(Matches("#vaksin", "ayo vaksin hari ini"));
  EXPECT_TRUE(Matches("vaksin", "ayo #vaksin hari ini"));  // a word also matches its hashtag
  EXPECT_FALSE(Matches("#vaksin", "ayo #vaksinasi"));
  EXPECT_TRUE(Matches("#vaksin*", "ayo #vaksinasi"));
  EXPECT_TRUE(Matches("@dinkes_berau", "tolong @Dinkes_Berau cek"));
  EXPECT_TRUE(Matches("@dinkes_berau", "jalan rusak", "@dinkes_berau"));  // the author
  EXPECT_FALSE(Matches("@dinkes_berau", "dinkes berau"));
  EXPECT_FALSE(Matches("@dinkes", "surat ke info@dinkes.go.id"));  // e-mail, not an account
  EXPECT_FALSE(Matches("warga1", "jalan rusak", "warga1"));        // words never match the author
  EXPECT_FALSE(Matches("\"rusak warga1\"", "jalan rusak", "warga1"));
}

TEST(MatcherTest, BooleanExpressions) {
  const std::string q = "(banjir OR longsor) berau -hoaks";
  EXPECT_TRUE(Matches(q, "Banjir di Berau pagi ini"));
  EXPECT_TRUE(Matches(q, "longsor berau"));
  EXPECT_FALSE(Matches(q, "banjir di samarinda"));
  EXPECT_FALSE(Matches(q, "hoaks banjir berau"));
  EXPECT_TRUE(Matches("jalan AND NOT (tol OR \"jalan tikus\")", "jalan rusak"));
  EXPECT_FALSE(Matches("jalan AND NOT (tol OR \"jalan tikus\")", "jalan tikus ramai"));
}

TEST(MatcherTest, PlatformAndLanguageFilters) {
  auto m = Compile({Spec(1, "banjir", {Platform::kX, Platform::kInstagram}),
                    Spec(2, "banjir", {}, {"en"}), Spec(3, "banjir OR flood", {}, {"id"}),
                    Spec(4, "banjir", {}, {"other"})});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->Match(Platform::kX, "banjir di jalan yang rusak", ""), (std::vector<Id>{1, 3}));
  EXPECT_EQ(m->Match(Platform::kFacebook, "banjir di jalan yang rusak", ""), (std::vector<Id>{3}));
  EXPECT_EQ(m->Match(Platform::kFacebook, "the banjir is in the city", ""), (std::vector<Id>{2}));
  EXPECT_EQ(m->Match(Platform::kFacebook, "banjir", ""), (std::vector<Id>{4}));
}

TEST(MatcherTest, EmptyAndBadSpecs) {
  auto empty = Compile({});
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->Match(Platform::kX, "apa saja", "").empty());
  EXPECT_EQ(empty->query_count(), 0u);
  QuerySpec bad = Spec(1, "a");
  bad.languages = {"jv"};
  EXPECT_EQ(Matcher::Compile({bad}).status().code(), Code::kInvalidArgument);
  store::AgencyQuery stored;
  stored.expression = "NOT a";
  EXPECT_EQ(SpecFor(stored).status().code(), Code::kInvalidArgument);
}

TEST(MatcherTest, SharedLiteralsAcrossQueries) {
  auto m = Compile({Spec(10, "jalan"), Spec(11, "jalan rusak"), Spec(12, "jalan -rusak"),
                    Spec(13, "\"jalan rusak\"")});
  ASSERT_TRUE(m);
  EXPECT_LT(m->pattern_count(), 8u);  // "jalan" and "rusak" literals are shared
  EXPECT_EQ(m->Match(Platform::kX, "jalan rusak", ""), (std::vector<Id>{10, 11, 13}));
  EXPECT_EQ(m->Match(Platform::kX, "rusak jalan", ""), (std::vector<Id>{10, 11}));
  EXPECT_EQ(m->Match(Platform::kX, "jalan mulus", ""), (std::vector<Id>{10, 12}));
}

// ---------------------------------------------------------------- against a naive evaluator

// Independent reference semantics over the stream's tokens (no literals, no Hyperscan).
bool NaiveTerm(const search::QueryTerm& t, const std::vector<std::string>& tokens) {
  auto eq = [&](const std::string& tok, const std::string& want) {
    return t.prefix ? tok.rfind(want, 0) == 0 : tok == want;
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    switch (t.kind) {
      case search::TermKind::kWord:
        if (eq(tokens[i], t.tokens[0]) || eq(tokens[i], "#" + t.tokens[0])) return true;
        break;
      case search::TermKind::kHashtag:
        if (eq(tokens[i], "#" + t.tokens[0])) return true;
        break;
      case search::TermKind::kAccount:
        if (eq(tokens[i], "@" + t.tokens[0])) return true;
        break;
      case search::TermKind::kPhrase: {
        if (i + t.tokens.size() > tokens.size()) break;
        bool all = true;
        for (size_t k = 0; k < t.tokens.size() && all; ++k) {
          bool last = k + 1 == t.tokens.size();
          const std::string& tok = tokens[i + k];
          all = (last && t.prefix) ? tok.rfind(t.tokens[k], 0) == 0 : tok == t.tokens[k];
        }
        if (all) return true;
        break;
      }
    }
  }
  return false;
}

TEST(MatcherTest, AgreesWithNaiveEvaluationOnRandomQueries) {
  const std::vector<std::string> vocab = {"jalan",   "rusak",     "banjir", "berau", "dinkes",
                                          "vaksin",  "vaksinasi", "hoaks",  "warga", "puskesmas",
                                          "bantuan", "sosial",    "lampu",  "mati",  "sekolah"};
  std::mt19937 rng(12345);
  auto word = [&] { return vocab[rng() % vocab.size()]; };
  auto term = [&]() -> std::string {
    switch (rng() % 6) {
      case 0:
        return "\"" + word() + " " + word() + "\"";
      case 1:
        return "#" + word();
      case 2:
        return word().substr(0, 4) + "*";
      case 3:
        return "@" + word();
      default:
        return word();
    }
  };
  std::function<std::string(int)> expr = [&](int depth) -> std::string {
    int k = depth > 2 ? 0 : static_cast<int>(rng() % 5);
    if (k == 0 || k == 1) return term();
    if (k == 2) return "(" + expr(depth + 1) + " OR " + expr(depth + 1) + ")";
    if (k == 3) return expr(depth + 1) + " " + expr(depth + 1);
    return expr(depth + 1) + " -" + term();
  };
  std::vector<QuerySpec> specs;
  std::vector<search::QueryExpr> exprs;
  for (Id id = 1; specs.size() < 3000; ++id) {
    auto parsed = search::ParseAgencyQuery(expr(0));
    if (!parsed.ok()) continue;  // e.g. only exclusions
    QuerySpec s;
    s.id = id;
    s.expr = *parsed;
    exprs.push_back(*parsed);
    specs.push_back(std::move(s));
  }
  auto m = Compile(specs);
  ASSERT_TRUE(m);
  int matched = 0;
  for (int n = 0; n < 300; ++n) {
    std::string text;
    for (int w = 0; w < 8; ++w) {
      int r = static_cast<int>(rng() % 10);
      text += (r == 0 ? "#" : r == 1 ? "@" : r == 2 ? "(" : "") + word() + (r == 3 ? ", " : " ");
    }
    std::string stream = MatchStream(text, "");
    std::vector<std::string> tokens;
    std::istringstream in(stream);
    for (std::string t; in >> t;) tokens.push_back(t);
    std::vector<Id> want;
    for (size_t q = 0; q < specs.size(); ++q) {
      const search::QueryExpr& e = exprs[q];
      if (e.Eval([&](int t) { return NaiveTerm(e.terms[t], tokens); })) want.push_back(specs[q].id);
    }
    EXPECT_EQ(m->Match(Platform::kX, text, ""), want) << text;
    EXPECT_EQ(m->MatchStreamedWithHyperscan(Platform::kX, stream), want) << text;
    matched += static_cast<int>(want.size());
  }
  EXPECT_GT(matched, 300);  // the comparison is not vacuous
}

// The trie finds exactly the literals Hyperscan finds, over words sharing prefixes of every
// length, non-ASCII letters, hashtags, accounts with dots, phrases and the author.
TEST(MatcherTest, TrieFindsTheLiteralsHyperscanFinds) {
  const std::vector<std::string> vocab = {
      "a",    "ab",     "abc",   "abcd",       "abcde", "b",        "ba",    "bab",   "kes",
      "kese", "sehat",  "café",  "caf",        "ümit",  "ü",        "jalan", "jala",  "x.y",
      "x",    "dinkes", "dinas", "dinkes_kab", "2024",  "covid-19", "é",     "berau", "ber"};
  std::mt19937 rng(777);
  auto word = [&] { return vocab[rng() % vocab.size()]; };
  auto term = [&]() -> std::string {
    const std::string w = word();
    switch (rng() % 7) {
      case 0:
        return "\"" + w + " " + word() + "\"";
      case 1:
        return "#" + w;
      case 2:
        return w + "*";
      case 3:
        return "@" + w;
      case 4:
        return "\"" + w + " " + word() + "*\"";
      default:
        return w;
    }
  };
  std::vector<QuerySpec> specs;
  for (Id id = 1; specs.size() < 800; ++id) {
    auto parsed = search::ParseAgencyQuery(term() + " OR " + term());
    if (!parsed.ok()) continue;
    QuerySpec q;
    q.id = id;
    q.expr = *parsed;
    specs.push_back(std::move(q));
  }
  auto m = Compile(specs);
  ASSERT_TRUE(m);
  ASSERT_GT(m->pattern_count(), 100u);
  size_t found = 0;
  for (int n = 0; n < 500; ++n) {
    std::string text;
    for (int w = 0; w < 10; ++w) {
      const int r = static_cast<int>(rng() % 8);
      text += (r == 0 ? "#" : r == 1 ? "@" : "") + word() + (r == 2 ? ". " : r == 3 ? "" : " ");
    }
    const std::string stream = MatchStream(text, n % 3 == 0 ? "@" + word() : "");
    const auto want = m->HyperscanLiteralHits(stream);
    ASSERT_EQ(m->LiteralHits(stream), want) << stream;
    ASSERT_EQ(m->MatchStreamed(Platform::kX, stream),
              m->MatchStreamedWithHyperscan(Platform::kX, stream))
        << stream;
    found += want.size();
  }
  EXPECT_GT(found, 2000u);  // not vacuous
  EXPECT_TRUE(m->LiteralHits(" ").empty());
  EXPECT_TRUE(m->LiteralHits("").empty());
}

// ---------------------------------------------------------------- atomic rebuild

TEST(MatcherHolderTest, RebuildsFromTheStoreAndReadersSeeOldOrNew) {
  auto store = store::sqlite::TempSqliteStore::Open();
  ASSERT_TRUE(store);
  Agency agency;
  agency.code = "dinkes";
  agency.name = "Dinas Kesehatan";
  ASSERT_TRUE(store->agencies().Create(&agency).ok());
  auto add = [&](const std::string& name, const std::string& expr) {
    store::AgencyQuery q;
    q.agency_id = agency.id;
    q.name = name;
    q.expression = expr;
    EXPECT_TRUE(store->queries().Create(&q).ok());
    return q;
  };
  store::AgencyQuery q1 = add("banjir", "banjir");
  store::AgencyQuery q2 = add("berau", "berau");
  for (int i = 0; i < 300; ++i) add("q" + std::to_string(i), "banjir kata" + std::to_string(i));
  MatcherHolder holder;
  EXPECT_TRUE(holder.Get()->Match(Platform::kX, "banjir di berau", "").empty());
  ASSERT_TRUE(holder.Rebuild(store->queries()).ok());
  EXPECT_EQ(holder.Get()->Match(Platform::kX, "banjir di berau", ""),
            (std::vector<Id>{q1.id, q2.id}));
  EXPECT_EQ(holder.Get()->query_count(), 302u);

  std::atomic<bool> stop{false};
  std::atomic<int> bad{0}, reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (!stop) {
        auto got = holder.Get()->Match(Platform::kX, "banjir di berau", "");
        if (got != std::vector<Id>{q1.id} && got != std::vector<Id>{q1.id, q2.id}) ++bad;
        ++reads;
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    q2.active = i % 2 == 1;
    ASSERT_TRUE(store->queries().Update(&q2).ok());
    ASSERT_TRUE(holder.Rebuild(store->queries()).ok());
  }
  stop = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(bad, 0);
  EXPECT_GT(reads, 0);
  EXPECT_EQ(holder.Get()->Match(Platform::kX, "banjir di berau", ""),
            (std::vector<Id>{q1.id, q2.id}));
}

}  // namespace
}  // namespace humas::listening
