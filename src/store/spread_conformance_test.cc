// Backend-neutral conformance tests of store/spread.h: cascades, author activity, corrections.
#include <algorithm>
#include <map>

#include "store/spread.h"
#include "store/store_conformance_test.h"

namespace humas::store {
namespace {

constexpr UnixMillis kMinute = 60'000;
constexpr UnixMillis kT0 = 1'723'860'000'000;  // 2024-08-17T02:00:00Z

template <typename T>
T Unwrap(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

class SpreadConformanceTest : public StoreConformanceTest {
 protected:
  //! Stores one mention; returns its id.
  Id Put(const std::string& ext, const std::string& author, UnixMillis at,
         const std::string& reply_to = "", const std::string& share_of = "",
         std::optional<Id> agency = std::nullopt, Platform platform = Platform::kX) {
    Mention m;
    m.agency_id = agency;
    m.data.platform = platform;
    m.data.external_id = ext;
    m.data.author_handle = author;
    m.data.text = "teks " + ext;
    m.data.created_at = at;
    m.data.in_reply_to = reply_to;
    m.data.shared_from = share_of;
    m.data.kind = !share_of.empty()   ? MentionKind::kShare
                  : !reply_to.empty() ? MentionKind::kReply
                                      : MentionKind::kPost;
    return PutMention(m);
  }
  Id PutMention(const Mention& m) {
    auto r = store().mentions().UpsertBatch({m}, kT0);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? (*r)[0].id : 0;
  }
  Cascade CascadeOf(Id id, int max_nodes = 1000) {
    auto c = store().spread().GetCascade(id, max_nodes);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : Cascade{};
  }
  std::map<std::string, std::pair<std::string, int>> Shape(const Cascade& c) {
    // external id → (parent external id, depth)
    std::map<Id, std::string> ext;
    for (const auto& n : c.nodes) ext[n.mention.id] = n.mention.data.external_id;
    std::map<std::string, std::pair<std::string, int>> out;
    for (const auto& n : c.nodes)
      out[n.mention.data.external_id] = {n.parent_id ? ext[n.parent_id] : "", n.depth};
    return out;
  }
};

TEST_P(SpreadConformanceTest, CascadeFromAnyMemberHasTheSameRootAndShape) {
  Id root = Put("r", "dinkes", kT0);
  Put("a", "budi", kT0 + kMinute, "r");
  Id b = Put("b", "sari", kT0 + 2 * kMinute, "", "r");
  Id c = Put("c", "ani", kT0 + 3 * kMinute, "a");
  Put("d", "tono", kT0 + 4 * kMinute, "", "b");
  Put("other", "x", kT0, "");                                // unrelated
  Put("r", "dinkes", kT0, "", "", {}, Platform::kFacebook);  // same id, other platform
  Cascade from_root = CascadeOf(root);
  Cascade from_leaf = CascadeOf(c);
  ASSERT_EQ(from_root.nodes.size(), 5u);
  EXPECT_EQ(Shape(from_root), Shape(from_leaf));
  auto shape = Shape(from_root);
  EXPECT_EQ(shape["r"], (std::pair<std::string, int>{"", 0}));
  EXPECT_EQ(shape["a"], (std::pair<std::string, int>{"r", 1}));
  EXPECT_EQ(shape["b"], (std::pair<std::string, int>{"r", 1}));
  EXPECT_EQ(shape["c"], (std::pair<std::string, int>{"a", 2}));
  EXPECT_EQ(shape["d"], (std::pair<std::string, int>{"b", 2}));
  EXPECT_EQ(from_root.nodes[0].link, CascadeLink::kRoot);
  for (const auto& n : from_root.nodes) {
    if (n.mention.id == b) {
      EXPECT_EQ(n.link, CascadeLink::kShare);
    }
    if (n.mention.id == c) {
      EXPECT_EQ(n.link, CascadeLink::kReply);
    }
  }
  EXPECT_EQ(from_root.missing_parent, "");
  EXPECT_FALSE(from_root.truncated);
}

TEST_P(SpreadConformanceTest, ChildrenStoredBeforeTheParentJoinWhenItArrives) {
  Id grandchild = Put("gc", "ani", kT0 + 3 * kMinute, "child");
  Put("child", "budi", kT0 + 2 * kMinute, "root");
  Cascade early = CascadeOf(grandchild);
  EXPECT_EQ(early.missing_parent, "root");
  ASSERT_EQ(early.nodes.size(), 2u);
  EXPECT_EQ(early.nodes[0].mention.data.external_id, "child");

  Put("root", "dinkes", kT0);
  Cascade late = CascadeOf(grandchild);
  EXPECT_EQ(late.missing_parent, "");
  ASSERT_EQ(late.nodes.size(), 3u);
  EXPECT_EQ(late.nodes[0].mention.data.external_id, "root");
  EXPECT_EQ(late.nodes[2].depth, 2);
}

TEST_P(SpreadConformanceTest, CascadeStopsAtCyclesAndTruncates) {
  // Malformed data: a and b reply to each other.
  Id a = Put("a", "u1", kT0, "b");
  Put("b", "u2", kT0, "a");
  Cascade c = CascadeOf(a);
  EXPECT_EQ(c.nodes.size(), 2u);

  Id root = Put("root", "u0", kT0);
  for (int i = 0; i < 10; ++i)
    Put("s" + std::to_string(i), "u" + std::to_string(i), kT0, "", "root");
  Cascade cut = CascadeOf(root, 4);
  EXPECT_EQ(cut.nodes.size(), 4u);
  EXPECT_TRUE(cut.truncated);
  EXPECT_EQ(store().spread().GetCascade(999999, 10).status().code(), Code::kNotFound);
}

TEST_P(SpreadConformanceTest, AuthorActivityCountsWhatTheAuthorDid) {
  Agency ag;
  ag.code = "dinkes";
  ag.name = "Dinas Kesehatan";
  ASSERT_TRUE(store().agencies().Create(&ag).ok());
  Mention post;
  post.agency_id = ag.id;
  post.data.platform = Platform::kX;
  post.data.external_id = "p1";
  post.data.author_handle = "Budi";
  post.data.text = "Jalan rusak lagi #JalanBerau";
  post.data.created_at = kT0;
  post.data.likes = 10;
  post.data.shares = 2;
  post.data.replies = 1;
  post.data.author_followers = 1500;
  PutMention(post);
  Put("p2", "budi", kT0 + 8 * 86'400'000, "", "", ag.id);  // the second week
  // Two replies and one share by others to budi's post; one reply by budi himself.
  Put("r1", "sari", kT0 + kMinute, "p1", "", ag.id);
  Put("r2", "tono", kT0 + kMinute, "p1", "", ag.id);
  Put("s1", "ani", kT0 + kMinute, "", "p1", ag.id);
  Mention self_reply;
  self_reply.agency_id = ag.id;
  self_reply.data.platform = Platform::kX;
  self_reply.data.external_id = "r3";
  self_reply.data.author_handle = "budi";
  self_reply.data.text = "parah, tidak becus #jalanberau";
  self_reply.data.created_at = kT0 + 2 * kMinute;
  self_reply.data.in_reply_to = "r1";
  self_reply.data.kind = MentionKind::kReply;
  self_reply.data.labels.sentiment = "negative";
  PutMention(self_reply);

  ActivityFilter f;
  f.since = kT0;
  f.until = kT0 + 14 * 86'400'000;
  auto a = store().spread().Author(Platform::kX, "BUDI", f);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->mentions, 3);
  EXPECT_EQ(a->originals, 2);
  EXPECT_EQ(a->replies, 1);
  EXPECT_EQ(a->critical_replies, 1);
  EXPECT_EQ(a->shares, 0);
  EXPECT_EQ(a->active_days, 2);
  EXPECT_EQ(a->original_weeks, 2);
  EXPECT_EQ(a->likes_received, 10);
  // r1, r2 and s1 react to p1; budi's own r3 reacts to r1 (sari's), not to budi.
  EXPECT_EQ(a->reactions_observed, 3);
  // p1: 10 likes + max(2 + 1 reported, 3 observed) = 13; p2 and r3: 0.
  EXPECT_EQ(a->influence, 13);
  EXPECT_EQ(a->followers, std::optional<std::int64_t>(1500));

  auto top = store().spread().TopAuthors(f, 10);
  ASSERT_TRUE(top.ok());
  ASSERT_FALSE(top->empty());
  EXPECT_EQ((*top)[0].influence, 13);  // budi ranks first
  EXPECT_EQ((*top)[0].mentions, 3);
  // Topic: the hashtag, case-insensitive, whole tag only; scope: the agency.
  f.hashtag = "jalanberau";
  f.agency_ids = std::vector<Id>{ag.id};
  f.include_unassigned = false;
  top = store().spread().TopAuthors(f, 10);
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 1u);
  EXPECT_EQ((*top)[0].mentions, 2);  // p1 and r3 carry the tag
  f.hashtag = "jalan";
  top = store().spread().TopAuthors(f, 10);
  ASSERT_TRUE(top.ok());
  EXPECT_TRUE(top->empty());
  f.hashtag = "bad tag";
  EXPECT_EQ(store().spread().TopAuthors(f, 10).status().code(), Code::kInvalidArgument);

  ActivityFilter all;
  all.until = kT0 * 2;
  auto nobody = store().spread().Author(Platform::kX, "nobody", all);
  ASSERT_TRUE(nobody.ok());
  EXPECT_EQ(nobody->mentions, 0);
}

TEST_P(SpreadConformanceTest, CorrectionsUpdateTheMentionTheRollupsAndKeepHistory) {
  Mention m;
  m.data.platform = Platform::kX;
  m.data.external_id = "m1";
  m.data.author_handle = "warga";
  m.data.text = "pelayanan puskesmas cepat";
  m.data.created_at = kT0;
  m.data.labels.sentiment = "negative";
  m.data.labels.sentiment_confidence = 0.61;
  m.data.labels.input_kind = "keluhan";
  m.data.labels.input_kind_confidence = 0.5;
  m.data.labels.hoax_score = 0.7;
  Id id = PutMention(m);

  LabelCorrection c;
  c.mention_id = id;
  c.task = LabelTask::kSentiment;
  c.new_value = "positive";
  c.user_id = 7;
  c.username = "petugas1";
  c.at = kT0 + kMinute;
  ASSERT_TRUE(store().corrections().Apply(&c).ok());
  EXPECT_GT(c.id, 0);
  EXPECT_EQ(c.old_value, "negative");
  EXPECT_DOUBLE_EQ(c.old_confidence, 0.61);

  auto stored = store().mentions().Get(id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->data.labels.sentiment, "positive");
  EXPECT_DOUBLE_EQ(stored->data.labels.sentiment_confidence, 1.0);
  std::map<std::string, std::int64_t> by_sentiment;
  auto rows = store().rollups().Query({0, kT0 * 2, std::nullopt, true});
  ASSERT_TRUE(rows.ok());
  for (const auto& r : *rows) by_sentiment[r.sentiment] += r.count;
  EXPECT_EQ(by_sentiment["positive"], 1);
  EXPECT_EQ(by_sentiment["negative"], 0);

  // The same value again changes nothing; a value outside the task is rejected.
  LabelCorrection again = c;
  EXPECT_EQ(store().corrections().Apply(&again).code(), Code::kFailedPrecondition);
  LabelCorrection bad = c;
  bad.new_value = "senang";
  EXPECT_EQ(store().corrections().Apply(&bad).code(), Code::kInvalidArgument);
  LabelCorrection missing = c;
  missing.mention_id = 424242;
  EXPECT_EQ(store().corrections().Apply(&missing).code(), Code::kNotFound);

  LabelCorrection kind{0, id, LabelTask::kKind, "", 0, "apresiasi", 7, "petugas1", "", kT0};
  ASSERT_TRUE(store().corrections().Apply(&kind).ok());
  EXPECT_EQ(kind.old_value, "keluhan");
  LabelCorrection hoax{0, id, LabelTask::kHoax, "", 0, "not_hoax", 7, "petugas1", "", kT0};
  ASSERT_TRUE(store().corrections().Apply(&hoax).ok());
  EXPECT_EQ(hoax.old_value, "hoax");
  EXPECT_DOUBLE_EQ(hoax.old_confidence, 0.7);
  stored = store().mentions().Get(id);
  EXPECT_EQ(stored->data.labels.input_kind, "apresiasi");
  EXPECT_DOUBLE_EQ(stored->data.labels.hoax_score, 0.0);

  // A second sentiment correction: history keeps both, the export the latest.
  LabelCorrection back{0, id, LabelTask::kSentiment, "", 0, "neutral", 8, "pejabat1", "", kT0};
  ASSERT_TRUE(store().corrections().Apply(&back).ok());
  auto history = store().corrections().ForMention(id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 4u);
  EXPECT_EQ((*history)[0].new_value, "positive");
  EXPECT_EQ((*history)[3].old_value, "positive");
  EXPECT_EQ((*history)[3].username, "pejabat1");
  auto examples = store().corrections().Examples(LabelTask::kSentiment, 0, 100);
  ASSERT_TRUE(examples.ok());
  ASSERT_EQ(examples->size(), 1u);
  EXPECT_EQ((*examples)[0].label, "neutral");
  EXPECT_EQ((*examples)[0].text, "pelayanan puskesmas cepat");
  EXPECT_TRUE(Unwrap(store().corrections().Examples(LabelTask::kSentiment, id, 100)).empty());
  examples = store().corrections().Examples(LabelTask::kKind, 0, 100);
  ASSERT_TRUE(examples.ok());
  ASSERT_EQ(examples->size(), 1u);
  EXPECT_EQ((*examples)[0].label, "apresiasi");
}

// The export in pages: every corrected mention exactly once, by id, with its latest label,
// whatever the page size; corrections of other tasks are not listed.
TEST_P(SpreadConformanceTest, CorrectionsExportInPages) {
  std::vector<Mention> batch;
  for (int i = 0; i < 23; ++i) {
    Mention m;
    m.data.platform = Platform::kX;
    m.data.external_id = "k" + std::to_string(i);
    m.data.text = "teks " + std::to_string(i);
    m.data.author_handle = "warga";
    m.data.created_at = kT0 + i;
    m.data.labels.sentiment = "neutral";
    batch.push_back(m);
  }
  auto out = Unwrap(store().mentions().UpsertBatch(batch, kT0));
  std::map<Id, std::string> expected;
  for (size_t i = 0; i < out.size(); ++i) {
    if (i % 4 == 3) continue;  // not corrected
    const Id id = out[i].id;
    for (const char* v : {"negative", "positive"}) {
      if (i % 2 == 0 && std::string(v) == "positive") break;  // corrected once or twice
      LabelCorrection c{0, id, LabelTask::kSentiment, "", 0, v, 8, "petugas", "", kT0};
      ASSERT_TRUE(store().corrections().Apply(&c).ok());
      expected[id] = v;
    }
    if (i % 5 == 0) {
      LabelCorrection k{0, id, LabelTask::kKind, "", 0, "saran", 8, "petugas", "", kT0};
      ASSERT_TRUE(store().corrections().Apply(&k).ok());
    }
  }
  for (int limit : {1, 4, 7, 1000}) {
    std::map<Id, std::string> got;
    Id after = 0;
    int pages = 0;
    while (true) {
      auto page = Unwrap(store().corrections().Examples(LabelTask::kSentiment, after, limit));
      if (page.empty()) break;
      ASSERT_LE(static_cast<int>(page.size()), limit);
      ++pages;
      for (const auto& e : page) {
        EXPECT_GT(e.mention_id, after);
        EXPECT_TRUE(got.emplace(e.mention_id, e.label).second) << "listed twice";
        after = e.mention_id;
      }
    }
    EXPECT_EQ(got, expected) << "limit " << limit;
    EXPECT_EQ(pages, (static_cast<int>(expected.size()) + limit - 1) / limit);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SpreadConformanceTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace humas::store
