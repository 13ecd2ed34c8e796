// Tests of the agency query language parser: terms, operators, precedence, and refused input
// with the position of the problem.
#include "search/agency_query.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "nlp/normalizer.h"

namespace humas::search {
namespace {

// Renders the tree compactly: terms as w:x, p:x_y, #x, @x (trailing * for prefixes).
std::string Render(const QueryExpr& e, int n) {
  const QueryNode& node = e.nodes[static_cast<size_t>(n)];
  switch (node.op) {
    case QueryNode::Op::kTerm: {
      const QueryTerm& t = e.terms[static_cast<size_t>(node.term)];
      std::string s = t.kind == TermKind::kWord      ? "w:"
                      : t.kind == TermKind::kPhrase  ? "p:"
                      : t.kind == TermKind::kHashtag ? "#"
                                                     : "@";
      for (size_t i = 0; i < t.tokens.size(); ++i) s += (i ? "_" : "") + t.tokens[i];
      return t.prefix ? s + "*" : s;
    }
    case QueryNode::Op::kNot:
      return "NOT(" + Render(e, node.children[0]) + ")";
    case QueryNode::Op::kAnd:
    case QueryNode::Op::kOr: {
      std::string s = node.op == QueryNode::Op::kAnd ? "AND(" : "OR(";
      for (size_t i = 0; i < node.children.size(); ++i)
        s += (i ? " " : "") + Render(e, node.children[i]);
      return s + ")";
    }
  }
  return "?";
}

std::string Parse(std::string_view q) {
  auto r = ParseAgencyQuery(q);
  EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
  return r.ok() ? Render(*r, r->root) : "";
}

QueryError Error(std::string_view q) {
  QueryError err;
  auto r = ParseAgencyQuery(q, &err);
  EXPECT_FALSE(r.ok()) << q << " parsed as " << (r.ok() ? Render(*r, r->root) : "");
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().field(), "expression");
    EXPECT_NE(r.status().message().find(err.message), std::string::npos);
  }
  return err;
}

TEST(AgencyQueryTest, TermKinds) {
  EXPECT_EQ(Parse("dinkes"), "w:dinkes");
  EXPECT_EQ(Parse("\"Dinas Kesehatan\""), "p:dinas_kesehatan");
  EXPECT_EQ(Parse("#Vaksin"), "#vaksin");
  EXPECT_EQ(Parse("@Dinkes_Berau"), "@dinkes_berau");
  EXPECT_EQ(Parse("@humas.berau"), "@humas.berau");
  EXPECT_EQ(Parse("vaksin*"), "w:vaksin*");
  EXPECT_EQ(Parse("#covid*"), "#covid*");
  EXPECT_EQ(Parse("covid-19"), "p:covid_19");  // inner punctuation: a phrase of its parts
}

TEST(AgencyQueryTest, TextIsFoldedLikeMentions) {
  EXPECT_EQ(Parse("ＤＩＮＫＥＳ"), "w:dinkes");  // fullwidth → NFKC
  EXPECT_EQ(Parse("STRASSE Straße"), "AND(w:strasse w:strasse)");
  EXPECT_EQ(Parse("Dinkes\u200b"), "w:dinkes");  // zero-width space dropped
}

TEST(AgencyQueryTest, OperatorsAndPrecedence) {
  EXPECT_EQ(Parse("a b"), "AND(w:a w:b)");
  EXPECT_EQ(Parse("a AND b AND c"), "AND(w:a w:b w:c)");
  EXPECT_EQ(Parse("a OR b c"), "OR(w:a AND(w:b w:c))");
  EXPECT_EQ(Parse("(a OR b) c"), "AND(OR(w:a w:b) w:c)");
  EXPECT_EQ(Parse("a NOT b"), "AND(w:a NOT(w:b))");
  EXPECT_EQ(Parse("a -b -\"c d\""), "AND(w:a NOT(w:b) NOT(p:c_d))");
  EXPECT_EQ(Parse("banjir -(hoaks OR lama)"), "AND(w:banjir NOT(OR(w:hoaks w:lama)))");
  EXPECT_EQ(Parse("((a))"), "w:a");
  // Lower-case operators are words (Indonesian texts use "and"/"or" rarely, but they are words).
  EXPECT_EQ(Parse("a or b"), "AND(w:a w:or w:b)");
  EXPECT_EQ(Parse("NOT NOT a"), "NOT(NOT(w:a))");
}

TEST(AgencyQueryTest, EvalFollowsTheTree) {
  auto r = ParseAgencyQuery("(banjir OR longsor) berau -hoaks");
  ASSERT_TRUE(r.ok());
  auto eval = [&](std::set<std::string> present) {
    return r->Eval([&](int t) { return present.count(r->terms[t].tokens[0]) > 0; });
  };
  EXPECT_TRUE(eval({"banjir", "berau"}));
  EXPECT_TRUE(eval({"longsor", "berau"}));
  EXPECT_FALSE(eval({"banjir"}));
  EXPECT_FALSE(eval({"banjir", "berau", "hoaks"}));
  EXPECT_FALSE(eval({"berau"}));
}

TEST(AgencyQueryTest, ErrorsCarryCodeAndPosition) {
  struct Case {
    std::string q;
    std::string code;
    size_t position;
  };
  const std::vector<Case> cases = {
      {"", "empty", 0},
      {"   ", "empty", 0},
      {"a AND", "missing_operand", 5},
      {"OR b", "missing_operand", 0},
      {"a OR OR b", "missing_operand", 5},
      {"(a b", "unclosed_paren", 0},
      {"a (b OR (c)", "unclosed_paren", 2},
      {"a b)", "unexpected_paren", 3},
      {"()", "missing_operand", 1},
      {"a \"b c", "unclosed_quote", 2},
      {"a \"!!\"", "empty_term", 2},
      {"a !!!", "empty_term", 2},
      {"a #", "empty_term", 2},
      {"@", "empty_term", 0},
      {"#vak-sin", "empty_term", 0},
      {"a - b", "missing_operand", 2},
      {"va*ksin", "misplaced_wildcard", 2},
      {"ab*", "short_prefix", 0},
      {"NOT hoaks", "matches_everything", 0},
      {"-hoaks -lama", "matches_everything", 0},
      {"a OR NOT b", "matches_everything", 0},
      {"jalan é OR", "missing_operand", 10},  // positions count characters, not bytes
  };
  for (const Case& c : cases) {
    QueryError e = Error(c.q);
    EXPECT_EQ(e.code, c.code) << c.q << ": " << e.message;
    EXPECT_EQ(e.position, c.position) << c.q << ": " << e.message;
  }
}

TEST(AgencyQueryTest, Limits) {
  std::string many;
  for (size_t i = 0; i <= kMaxExpressionTerms; ++i) many += "kata" + std::to_string(i) + " ";
  EXPECT_EQ(Error(many).code, "too_many_terms");
  EXPECT_EQ(Error(std::string(kMaxExpressionBytes + 1, 'a')).code, "too_long");
  std::string deep =
      std::string(kMaxExpressionDepth + 2, '(') + "a" + std::string(kMaxExpressionDepth + 2, ')');
  EXPECT_EQ(Error(deep).code, "too_deep");
  std::string ok_deep =
      std::string(kMaxExpressionDepth, '(') + "a" + std::string(kMaxExpressionDepth, ')');
  EXPECT_EQ(Parse(ok_deep), "w:a");
}

TEST(AgencyQueryTest, HostileBytesNeverCrash) {
  const std::vector<std::string> inputs = {std::string("\xff\xfe a", 4),
                                           std::string("a\0b", 3),
                                           "\"",
                                           "(((",
                                           ")))",
                                           "-",
                                           "--a",
                                           "#@*",
                                           "a**",
                                           "\xf0\x9f\x98\x80 a"};
  for (const std::string& q : inputs) {
    QueryError err;
    auto r = ParseAgencyQuery(q, &err);
    if (!r.ok()) {
      EXPECT_FALSE(err.code.empty()) << q;
    }
  }
}

// FoldForMatch folds run by run; it must give exactly what the normaliser gives for the whole
// text: hand-picked traps (combining marks after ASCII letters, Hangul jamo, ligatures,
// fullwidth forms, ignorables, invalid and truncated UTF-8, C0/C1 controls), random mixtures of
// them, and every line of the shared corpora.
TEST(AgencyQueryTest, FoldMatchesTheNormaliser) {
  auto whole = [](std::string_view t) { return nlp::NfkcCaseFold(nlp::SanitizeUtf8(t)); };
  const std::vector<std::string> pieces = {
      "a",
      "Z",
      "e",
      "O",
      "7",
      " ",
      ".",
      "#",
      "@",
      "_",
      "\t",
      "\n",
      "\x01",
      "\x7f",
      "\x00",
      "\xcc\x81",          // U+0301 combining acute
      "\xcc\xa3",          // U+0323 combining dot below (reordered before U+0301)
      "\xc3\x89",          // É
      "\xc3\x9f",          // ß
      "\xc4\xb0",          // İ
      "\xef\xac\x81",      // ﬁ ligature
      "\xef\xbc\xa1",      // fullwidth A
      "\xe2\x91\xa0",      // ①
      "\xe3\x8e\x9e",      // ㎞
      "\xe1\x84\x80",      // Hangul choseong kiyeok (L)
      "\xe1\x85\xa1",      // Hangul jungseong a (V)
      "\xe1\x86\xa8",      // Hangul jongseong kiyeok (T)
      "\xe2\x80\x8d",      // zero-width joiner
      "\xef\xb8\x8f",      // variation selector 16
      "\xc2\xad",          // soft hyphen (ignorable)
      "\xc2\x85",          // C1 control
      "\xce\xa3",          // Σ
      "\xf0\x9f\x91\x8d",  // 👍
      "\xf0\x9f\x8f\xbd",  // skin tone modifier
      "\xc3",              // truncated sequence
      "\xff",              // invalid byte
      "\xe2\x82",          // truncated 3-byte sequence
      "\xed\xa0\x80",      // surrogate (invalid in UTF-8)
  };
  std::vector<std::string> texts = {"", "Cafe\xcc\x81 e\xcc\x81\xcc\xa3 A\xcc\x81",
                                    "a\xe1\x84\x80\xe1\x85\xa1"
                                    "b",
                                    "x\xe2\x80\x8d\xcc\x81y",
                                    "\xef\xbc\xa8\xef\xbd\x85llo WORLD\xc2\xad!"};
  std::uint64_t x = 7;
  for (int k = 0; k < 20000; ++k) {
    std::string t;
    for (int len = 1 + static_cast<int>(k % 12); len > 0; --len) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      t += pieces[(x >> 33) % pieces.size()];
    }
    texts.push_back(std::move(t));
  }
  for (const char* f :
       {"/data/indonlu-smsa/train_preprocess.tsv", "/data/id-multilabel-hatespeech/re_dataset.csv",
        "/data/indonlu-emot/train_preprocess.csv", "/data/nusax-senti-id/train.csv",
        "/data/colloquial-indonesian-lexicon/colloquial-indonesian-lexicon.csv"}) {
    std::ifstream in(std::string(HUMAS_SHARED_DIR) + f);
    EXPECT_TRUE(in) << "needs ../shared" << f;
    for (std::string line; std::getline(in, line);) texts.push_back(line);
  }
  size_t differ = 0;
  for (const std::string& t : texts) {
    if (FoldForMatch(t) == whole(t)) continue;
    if (++differ <= 5) ADD_FAILURE() << "folds differ for \"" << t << "\"";
  }
  EXPECT_EQ(differ, 0u) << "of " << texts.size();
  EXPECT_GT(texts.size(), 50000u);
}

}  // namespace
}  // namespace humas::search
