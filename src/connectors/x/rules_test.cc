// Agency queries → X filtered stream rules, and the rules diff (pure functions).
#include "connectors/x/rules.h"

#include <gtest/gtest.h>

namespace humas::connectors::x {
namespace {

store::AgencyQuery Q(Id id, const std::string& expr, std::vector<std::string> langs = {}) {
  store::AgencyQuery q;
  q.id = id;
  q.agency_id = 1;
  q.name = "q" + std::to_string(id);
  q.expression = expr;
  q.languages = std::move(langs);
  return q;
}

std::string Rule(const std::string& expr, std::vector<std::string> langs = {}) {
  auto r = CompileRule(Q(1, expr, std::move(langs)));
  return r.ok() ? *r : "ERROR " + r.status().message();
}

TEST(XRules, CompilesWhatXCanSay) {
  EXPECT_EQ(Rule("banjir berau"), "banjir berau");
  EXPECT_EQ(Rule("banjir OR longsor"), "banjir OR longsor");
  EXPECT_EQ(Rule("(banjir OR longsor) AND berau"), "(banjir OR longsor) berau");
  EXPECT_EQ(Rule("\"Dinas Kesehatan\" #Vaksin"), "\"dinas kesehatan\" #vaksin");
  EXPECT_EQ(Rule("banjir -hoaks NOT \"berita lama\""), "banjir -hoaks -\"berita lama\"");
  EXPECT_EQ(Rule("@dinkes_berau"), "(@dinkes_berau OR from:dinkes_berau)");
  EXPECT_EQ(Rule("banjir -@akun"), "banjir -@akun -from:akun");
  EXPECT_EQ(Rule("banjir NOT (hoaks OR bohong)"), "banjir -hoaks -bohong");
  EXPECT_EQ(Rule("covid-19"), "\"covid 19\"");
  EXPECT_EQ(Rule("banjir OR longsor", {"id"}), "(banjir OR longsor) lang:id");
  EXPECT_EQ(Rule("banjir", {"id", "en"}), "banjir (lang:id OR lang:en)");
}

TEST(XRules, SaysWhyWhatXCannotSay) {
  EXPECT_NE(Rule("vaksin*").find("wildcard"), std::string::npos);
  EXPECT_NE(Rule("banjir NOT (hoaks berita)").find("cannot negate"), std::string::npos);
  EXPECT_NE(Rule("banjir", {"other"}).find("'other'"), std::string::npos);
  EXPECT_EQ(Rule("(banjir").rfind("ERROR the query does not parse", 0), 0u);
}

TEST(XRules, LimitsScopeAndTags) {
  std::vector<store::AgencyQuery> qs = {
      Q(3, "gempa"),   Q(1, "banjir"),
      Q(2, "vaksin*"), Q(4, std::string(30, 'a') + " " + std::string(30, 'b')),
      Q(5, "longsor"), Q(6, "kebakaran")};
  qs.push_back(Q(7, "tsunami"));
  qs.back().agency_id = 2;  // another agency's
  qs.push_back(Q(8, "angin"));
  qs.back().platforms = {Platform::kMastodon};  // not watching X
  qs.push_back(Q(9, "hujan"));
  qs.back().platforms = {Platform::kX, Platform::kBluesky};
  qs.push_back(Q(10, "kabut"));
  qs.back().active = false;
  RuleLimits limits;
  limits.max_rules = 4;
  limits.max_length = 40;
  CompiledRules out = CompileRules(qs, 1, limits);
  ASSERT_EQ(out.rules.size(), 4u);
  EXPECT_EQ(out.rules[0], (StreamRule{"banjir", "humas:q1"}));
  EXPECT_EQ(out.rules[1], (StreamRule{"gempa", "humas:q3"}));
  EXPECT_EQ(out.rules[2], (StreamRule{"longsor", "humas:q5"}));
  EXPECT_EQ(out.rules[3], (StreamRule{"kebakaran", "humas:q6"}));
  ASSERT_EQ(out.unexpressible.size(), 3u);
  EXPECT_EQ(out.unexpressible[0].query_id, 2);
  EXPECT_EQ(out.unexpressible[1].query_id, 4);
  EXPECT_NE(out.unexpressible[1].reason.find("allows 40"), std::string::npos);
  EXPECT_EQ(out.unexpressible[2].query_id, 9);
  EXPECT_NE(out.unexpressible[2].reason.find("over the plan's 4 rules"), std::string::npos);
  EXPECT_EQ(QueryOfTag("humas:q42"), 42);
  EXPECT_FALSE(QueryOfTag("humas:s1"));
  EXPECT_FALSE(QueryOfTag("humas:q"));
  EXPECT_FALSE(QueryOfTag("dog pictures"));
  EXPECT_EQ(FormRules({"a", "b"})[1], (StreamRule{"b", "humas:s2"}));
}

TEST(XRules, DiffDeletesWhatIsNotWantedAndAddsWhatIsMissing) {
  std::vector<HeldRule> held = {{"10", "banjir", "humas:q1"},
                                {"11", "gempa", "humas:q3"},  // changed query: new value
                                {"12", "dog has:images", "dog pictures"},  // another app's
                                {"13", "banjir", "humas:q1"}};             // held twice
  std::vector<StreamRule> wanted = {
      {"banjir", "humas:q1"}, {"gempa bumi", "humas:q3"}, {"longsor", "humas:q5"}};
  RuleDiff d = DiffRules(held, wanted);
  EXPECT_EQ(d.delete_ids, (std::vector<std::string>{"11", "12", "13"}));
  EXPECT_EQ(d.add, (std::vector<StreamRule>{{"gempa bumi", "humas:q3"}, {"longsor", "humas:q5"}}));
  EXPECT_TRUE(DiffRules({{"10", "banjir", "humas:q1"}}, {{"banjir", "humas:q1"}}).empty());
}

}  // namespace
}  // namespace humas::connectors::x
