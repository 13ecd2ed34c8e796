// Tests of the user query parser with ordinary and hostile input.
#include "search/query_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace humas::search {
namespace {

using Tokens = std::vector<std::string>;

std::vector<Tokens> Required(std::string_view q) {
  auto r = ParseUserQuery(q);
  EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
  std::vector<Tokens> out;
  if (r.ok()) {
    for (const Phrase& p : r->required) out.push_back(p.tokens);
  }
  return out;
}

std::vector<Tokens> Excluded(std::string_view q) {
  auto r = ParseUserQuery(q);
  EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
  std::vector<Tokens> out;
  if (r.ok()) {
    for (const Phrase& p : r->excluded) out.push_back(p.tokens);
  }
  return out;
}

TEST(QueryParserTest, WordsPhrasesExclusions) {
  EXPECT_EQ(Required("jalan rusak"), (std::vector<Tokens>{{"jalan"}, {"rusak"}}));
  EXPECT_EQ(Required("  \"jalan rusak\"  berau "),
            (std::vector<Tokens>{{"jalan", "rusak"}, {"berau"}}));
  EXPECT_EQ(Required("banjir -hoaks"), (std::vector<Tokens>{{"banjir"}}));
  EXPECT_EQ(Excluded("banjir -hoaks -\"berita lama\""),
            (std::vector<Tokens>{{"hoaks"}, {"berita", "lama"}}));
}

TEST(QueryParserTest, InnerPunctuationMakesAPhrase) {
  EXPECT_EQ(Required("covid-19"), (std::vector<Tokens>{{"covid", "19"}}));
  EXPECT_EQ(Required("bpjs.go.id"), (std::vector<Tokens>{{"bpjs", "go", "id"}}));
  EXPECT_EQ(Required("#BeraKeren @dinkes_berau"),
            (std::vector<Tokens>{{"BeraKeren"}, {"dinkes", "berau"}}));
}

TEST(QueryParserTest, OperatorsAreJustWords) {
  EXPECT_EQ(
      Required("jalan AND rusak OR NOT banjir NEAR"),
      (std::vector<Tokens>{{"jalan"}, {"AND"}, {"rusak"}, {"OR"}, {"NOT"}, {"banjir"}, {"NEAR"}}));
  EXPECT_EQ(Required("NEAR(jalan rusak, 5)"),
            (std::vector<Tokens>{{"NEAR", "jalan"}, {"rusak"}, {"5"}}));
  EXPECT_EQ(Required("text:jalan"), (std::vector<Tokens>{{"text", "jalan"}}));
  EXPECT_EQ(Required("rusa* ^awal {a b} (c)"),
            (std::vector<Tokens>{{"rusa"}, {"awal"}, {"a"}, {"b"}, {"c"}}));
  EXPECT_EQ(Required("a+b"), (std::vector<Tokens>{{"a", "b"}}));
}

TEST(QueryParserTest, UnbalancedAndEmptyQuotes) {
  EXPECT_EQ(Required("\"jalan rusak"), (std::vector<Tokens>{{"jalan", "rusak"}}));
  EXPECT_EQ(Required("banjir \"\" \"  \" rob"), (std::vector<Tokens>{{"banjir"}, {"rob"}}));
  EXPECT_EQ(Required("a\"b\"c"), (std::vector<Tokens>{{"a"}, {"b"}, {"c"}}));
  EXPECT_EQ(Required("\"\"\"x\"\"\""), (std::vector<Tokens>{{"x"}}));
}

TEST(QueryParserTest, DashesAreNotAlwaysExclusions) {
  EXPECT_EQ(Required("banjir - rob"), (std::vector<Tokens>{{"banjir"}, {"rob"}}));
  EXPECT_EQ(Required("banjir -- rob"), (std::vector<Tokens>{{"banjir"}, {"rob"}}));
  EXPECT_EQ(Excluded("banjir --rob"), (std::vector<Tokens>{{"rob"}}));
  EXPECT_EQ(Required("banjir-rob"), (std::vector<Tokens>{{"banjir", "rob"}}));
}

TEST(QueryParserTest, UnicodeLettersKeptSymbolsDropped) {
  EXPECT_EQ(Required("café Ürümqi"), (std::vector<Tokens>{{"café"}, {"Ürümqi"}}));
  EXPECT_EQ(Required("mantap👍👍 keren"), (std::vector<Tokens>{{"mantap"}, {"keren"}}));
  EXPECT_EQ(Required("“pelayanan” — lambat…"), (std::vector<Tokens>{{"pelayanan"}, {"lambat"}}));
  EXPECT_EQ(Required("ꦧꦼꦫꦲꦸ"), (std::vector<Tokens>{{"ꦧꦼꦫꦲꦸ"}}));  // Javanese script
}

TEST(QueryParserTest, InvalidUtf8SeparatesWords) {
  std::string q =
      "jalan\xff\xfe"
      "rusak \xc3";
  EXPECT_EQ(Required(q), (std::vector<Tokens>{{"jalan", "rusak"}}));
  std::string overlong = "a\xc0\xafz";  // overlong '/'
  EXPECT_EQ(Required(overlong), (std::vector<Tokens>{{"a", "z"}}));
  std::string nul("a\0b c", 5);
  EXPECT_EQ(Required(nul), (std::vector<Tokens>{{"a", "b"}, {"c"}}));
}

TEST(QueryParserTest, UnusableQueriesAreInvalidArgument) {
  for (std::string_view q :
       {"", "   ", "***", "\"\"", "-banjir", "-\"a b\" -c", "😀🙏", "( ) : ^ * + -", "\xff\xfe"}) {
    auto r = ParseUserQuery(q);
    ASSERT_FALSE(r.ok()) << q;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << q;
    EXPECT_EQ(r.status().field(), "q");
  }
  EXPECT_NE(ParseUserQuery("-banjir").status().message().find("exclu"), std::string::npos);
}

TEST(QueryParserTest, Limits) {
  std::string many;
  for (size_t i = 0; i <= kMaxQueryTokens; ++i) many += "w" + std::to_string(i) + " ";
  EXPECT_EQ(ParseUserQuery(many).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseUserQuery(std::string(kMaxQueryBytes + 1, 'a')).status().code(),
            Code::kInvalidArgument);
  EXPECT_TRUE(ParseUserQuery(std::string(kMaxQueryBytes, 'a')).ok());
}

}  // namespace
}  // namespace humas::search
