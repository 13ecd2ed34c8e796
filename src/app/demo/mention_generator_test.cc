// Tests of the demo mention generator: determinism, unique ids, coverage, and that every mention
// passes the import rules (checked by running it through the real JSONL import parser).
#include "app/demo/mention_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <set>

#include "connectors/file/import.h"
#include "ingest/near_dup.h"
#include "ingest/near_dup_reference.h"

namespace humas::demo {
namespace {

constexpr UnixMillis kStart = 1'763'870'400'000;  // 2025-11-23T04:00:00Z

std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string ToJsonl(const MentionInput& m) {
  std::string s =
      "{\"platform\":" + JsonString(ToString(m.platform)) +
      ",\"external_id\":" + JsonString(m.external_id) + ",\"url\":" + JsonString(m.url) +
      ",\"author\":{\"handle\":" + JsonString(m.author_handle) +
      ",\"name\":" + JsonString(m.author_name) + "},\"text\":" + JsonString(m.text) +
      ",\"created_at\":" + JsonString(FormatRfc3339(m.created_at)) +
      ",\"kind\":" + JsonString(ToString(m.kind)) + ",\"shares\":" + std::to_string(m.shares) +
      ",\"likes\":" + std::to_string(m.likes) + ",\"replies\":" + std::to_string(m.replies);
  if (!m.agency_code.empty()) s += ",\"agency\":" + JsonString(m.agency_code);
  if (!m.in_reply_to.empty()) s += ",\"in_reply_to\":" + JsonString(m.in_reply_to);
  if (!m.shared_from.empty()) s += ",\"shared_from\":" + JsonString(m.shared_from);
  if (m.author_followers) s += ",\"author_followers\":" + std::to_string(*m.author_followers);
  return s + "}\n";
}

std::vector<MentionInput> Generate(std::uint64_t seed, int n) {
  MentionGenerator g(seed, MakeDemoRegion());
  std::vector<MentionInput> out;
  UnixMillis now = kStart;
  for (int i = 0; i < n; ++i) {
    now += 1000 + (i * 7919) % 5000;
    out.push_back(g.Next(now));
  }
  EXPECT_EQ(g.count(), static_cast<std::uint64_t>(n));
  return out;
}

bool Same(const MentionInput& a, const MentionInput& b) {
  return a.platform == b.platform && a.external_id == b.external_id && a.url == b.url &&
         a.author_handle == b.author_handle && a.author_name == b.author_name && a.text == b.text &&
         a.created_at == b.created_at && a.kind == b.kind && a.agency_code == b.agency_code &&
         a.in_reply_to == b.in_reply_to && a.shared_from == b.shared_from && a.shares == b.shares &&
         a.likes == b.likes && a.replies == b.replies && a.author_followers == b.author_followers;
}

TEST(MentionGenerator, DeterministicForASeed) {
  const auto a = Generate(42, 2000);
  const auto b = Generate(42, 2000);
  const auto c = Generate(43, 2000);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(Same(a[i], b[i])) << i;
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += a[i].text != c[i].text;
  EXPECT_GT(differ, 1000);
}

//! 10,000 mentions, generated once and shared by the tests below.
const std::vector<MentionInput>& M() {
  static const std::vector<MentionInput> mentions = Generate(7, 10000);
  return mentions;
}

TEST(TenThousand, ExternalIdsAreUniquePerPlatform) {
  std::set<std::pair<Platform, std::string>> ids;
  for (const MentionInput& m : M())
    EXPECT_TRUE(ids.insert({m.platform, m.external_id}).second) << m.external_id;
}

TEST(TenThousand, EveryAgencyAppears) {
  std::map<std::string, int> by_agency;
  for (const MentionInput& m : M()) by_agency[m.agency_code]++;
  const DemoRegion r = MakeDemoRegion();
  for (const DemoAgency& a : r.agencies) EXPECT_GT(by_agency[a.agency.code], 0) << a.agency.code;
  for (const auto& [code, n] : by_agency) {
    EXPECT_TRUE(std::any_of(r.agencies.begin(), r.agencies.end(),
                            [&](const DemoAgency& a) { return a.agency.code == code; }))
        << "unknown agency code " << code;
  }
}

TEST(TenThousand, PassesTheImportRules) {
  std::string jsonl;
  for (const MentionInput& m : M()) jsonl += ToJsonl(m);
  auto parsed = ParseMentionImport(jsonl, {.format = ImportFormat::kJsonl});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  for (size_t i = 0; i < std::min<size_t>(parsed->errors.size(), 10); ++i)
    ADD_FAILURE() << parsed->errors[i].ToString() << "\n"
                  << ToJsonl(M()[parsed->errors[i].line - 1]);
  ASSERT_EQ(parsed->mentions.size(), M().size());
  for (size_t i = 0; i < M().size(); ++i) {
    const MentionInput& a = M()[i];
    const MentionInput& b = parsed->mentions[i];
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.created_at, b.created_at);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.author_followers, b.author_followers);
    EXPECT_TRUE(a.labels.sentiment.empty() && a.labels.input_kind.empty());
  }
}

TEST(TenThousand, RelationsPointToEarlierMentionsOfTheSamePlatform) {
  std::set<std::pair<Platform, std::string>> seen;
  int replies = 0, shares = 0, comments = 0, messages = 0;
  for (const MentionInput& m : M()) {
    if (!m.in_reply_to.empty()) {
      EXPECT_TRUE(seen.count({m.platform, m.in_reply_to})) << m.in_reply_to;
      ++replies;
    }
    if (!m.shared_from.empty()) {
      EXPECT_TRUE(seen.count({m.platform, m.shared_from})) << m.shared_from;
      EXPECT_EQ(m.kind, MentionKind::kShare);
      ++shares;
    }
    comments += m.kind == MentionKind::kComment;
    messages += m.kind == MentionKind::kMessage;
    seen.insert({m.platform, m.external_id});
  }
  EXPECT_GT(replies, 500);
  EXPECT_GT(shares, 200);
  EXPECT_GT(comments, 300);
  EXPECT_GT(messages, 200);
}

// Cascades several levels deep, authors with habits (segments) and follower counts (reach).
TEST(TenThousand, SpreadShowsCascadesHabitsAndAudiences) {
  std::map<std::pair<Platform, std::string>, std::pair<std::string, int>>
      parent;  // → (root, depth)
  std::map<std::pair<Platform, std::string>, int> size;
  int max_depth = 0;
  std::map<std::string, std::array<int, 3>> by_author;  // originals, replies, shares
  int with_followers = 0, chats_with_followers = 0;
  for (const MentionInput& m : M()) {
    const std::string& up = m.shared_from.empty() ? m.in_reply_to : m.shared_from;
    std::pair<std::string, int> here = {m.external_id, 0};
    if (!up.empty()) {
      const auto& p = parent[{m.platform, up}];
      here = {p.first, p.second + 1};
    }
    parent[{m.platform, m.external_id}] = here;
    ++size[{m.platform, here.first}];
    max_depth = std::max(max_depth, here.second);
    auto& counts = by_author[m.author_handle];
    ++counts[!m.shared_from.empty() ? 2 : !m.in_reply_to.empty() ? 1 : 0];
    with_followers += m.author_followers.has_value();
    chats_with_followers += m.author_followers.has_value() &&
                            (m.platform == Platform::kWhatsapp || m.platform == Platform::kRss);
  }
  int big = 0;
  for (const auto& [root, n] : size) big += n >= 5;
  EXPECT_GT(big, 50) << "cascades of 5 or more mentions";
  EXPECT_GE(max_depth, 3);
  int repliers = 0, sharers = 0;
  for (const auto& [handle, c] : by_author) {
    repliers += c[1] >= 3 && c[1] > c[0] + c[2];
    sharers += c[2] >= 3 && c[2] > c[0] + c[1];
  }
  EXPECT_GT(repliers, 10);
  EXPECT_GT(sharers, 5);
  EXPECT_GT(with_followers, 5000);
  EXPECT_EQ(chats_with_followers, 0);
}

TEST(TenThousand, RealisticVariety) {
  std::set<std::string> texts;
  std::map<std::string, int> authors;
  std::map<Platform, int> platforms;
  std::vector<std::int64_t> likes;
  int with_mention = 0, with_hashtag = 0, slang = 0;
  for (const MentionInput& m : M()) {
    texts.insert(m.text);
    authors[m.author_handle]++;
    platforms[m.platform]++;
    likes.push_back(m.likes);
    with_mention += m.text.find('@') != std::string::npos;
    with_hashtag += m.text.find('#') != std::string::npos;
    for (const char* w : {" yg ", " gak ", " bgt", " udh ", " min", "blm "})
      if (m.text.find(w) != std::string::npos) {
        ++slang;
        break;
      }
  }
  EXPECT_GT(texts.size(), 3000u) << "hundreds of distinct texts at least";
  EXPECT_GE(platforms.size(), 8u);
  int recurring = 0;
  for (const auto& [handle, n] : authors) recurring += n >= 20;
  EXPECT_GT(recurring, 10) << "some authors recur";
  EXPECT_GT(authors.size(), 300u);
  std::sort(likes.begin(), likes.end());
  EXPECT_LT(likes[likes.size() / 2], 30) << "median is small";
  EXPECT_GT(likes.back(), 1000) << "a long tail";
  EXPECT_GT(with_mention, 3000);
  EXPECT_GT(with_hashtag, 500);
  EXPECT_GT(slang, 1500);
}

TEST(TenThousand, TimesAreAtOrBeforeNow) {
  UnixMillis now = kStart;
  for (size_t i = 0; i < M().size(); ++i) {
    now += 1000 + (static_cast<int>(i) * 7919) % 5000;
    EXPECT_LE(M()[i].created_at, now);
    EXPECT_GE(M()[i].created_at, now - 120'000);
  }
}

// The near-duplicate detector of the intake (ingest/near_dup.h) over the stream: most mentions are
// texts of their own, as in real listening data; a minority are copies, among them a few
// copy-paste campaigns (one text repeated by many accounts with small edits).
TEST(TenThousand, NearDuplicatesAreAMinorityWithAFewCampaigns) {
  ingest::NearDuplicateIndex index;
  auto lock = index.lock();
  int flagged = 0;
  std::map<Id, int> cluster;
  for (size_t i = 0; i < M().size(); ++i) {
    const MentionInput& m = M()[i];
    auto sig = ingest::SignText(m.text, index.options().min_words);
    auto hit = index.FindLocked(sig, m.created_at);
    const Id id = static_cast<Id>(i + 1);
    if (hit) {
      ++flagged;
      ++cluster[hit->root];
    }
    index.AddLocked(std::nullopt, id, hit ? hit->root : id, std::nullopt, std::move(sig),
                    m.created_at);
  }
  int campaigns = 0;
  for (const auto& [root, n] : cluster) campaigns += n >= 8;
  const double share = static_cast<double>(flagged) / static_cast<double>(M().size());
  std::printf("near-duplicates: %d of %zu (%.1f%%), %zu clusters, %d with 8+ copies\n", flagged,
              M().size(), 100 * share, cluster.size(), campaigns);
  EXPECT_LT(share, 0.3) << "tens of percent at most";
  EXPECT_GT(share, 0.02);
  EXPECT_GE(campaigns, 2) << "a few copy-paste campaigns";
}

// The same stream through the first implementation of the detector (near_dup_reference.h): the
// fast index flags exactly the same mentions, in the same clusters, with the same similarity.
TEST(TenThousand, NearDuplicateFlagsEqualTheFirstImplementation) {
  ingest::NearDuplicateIndex index;
  ingest::reference::Index ref;
  auto lock = index.lock();
  int flagged = 0, differ = 0;
  for (size_t i = 0; i < M().size(); ++i) {
    const MentionInput& m = M()[i];
    const Id id = static_cast<Id>(i + 1);
    auto sig = ingest::SignText(m.text, index.options().min_words);
    auto hit = index.FindLocked(sig, m.created_at);
    index.AddLocked(std::nullopt, id, hit ? hit->root : id, std::nullopt, std::move(sig),
                    m.created_at);
    auto want = ref.FindAndAdd(id, m.text, m.created_at);
    flagged += hit.has_value();
    differ += hit.has_value() != want.has_value() ||
              (hit && (hit->root != want->root || hit->score != want->score));
  }
  EXPECT_EQ(differ, 0) << "of " << flagged << " flagged";
  EXPECT_GT(flagged, 200);
}

TEST(MentionGenerator, PrintSample) {
  // Not an assertion: shows a few mentions in the test log for human review.
  const auto sample = Generate(2025, 12);
  for (const MentionInput& m : sample)
    std::printf("%-9s %-8s %-22s %-18s %s\n", std::string(ToString(m.platform)).c_str(),
                std::string(ToString(m.kind)).c_str(), m.author_handle.c_str(),
                m.agency_code.c_str(), m.text.c_str());
}

}  // namespace
}  // namespace humas::demo
