// Cascade measures and the segment rules.
#include "spread/spread.h"

#include <gtest/gtest.h>

namespace humas::spread {
namespace {

constexpr UnixMillis kWeek = 7LL * 86'400'000;

store::CascadeNode Node(Id id, Id parent, int depth, store::CascadeLink link,
                        const std::string& author, std::optional<std::int64_t> followers = {},
                        std::int64_t likes = 0) {
  store::CascadeNode n;
  n.mention.id = id;
  n.mention.data.author_handle = author;
  n.mention.data.author_followers = followers;
  n.mention.data.likes = likes;
  n.mention.data.created_at = 1000 * id;
  n.parent_id = parent;
  n.depth = depth;
  n.link = link;
  return n;
}

TEST(CascadeStats, SizeDepthBreadthAuthorsAndReach) {
  using L = store::CascadeLink;
  store::Cascade c;
  c.nodes = {Node(1, 0, 0, L::kRoot, "dinkes", 5000, 10), Node(2, 1, 1, L::kShare, "budi", 100),
             Node(3, 1, 1, L::kReply, "Sari"), Node(4, 2, 2, L::kShare, "sari", 40),
             Node(5, 4, 3, L::kReply, "BUDI", 150, 2)};
  CascadeStats s = ComputeCascadeStats(c);
  EXPECT_EQ(s.size, 5);
  EXPECT_EQ(s.depth, 3);
  EXPECT_EQ(s.breadth, (std::vector<std::int64_t>{1, 2, 1, 1}));
  EXPECT_EQ(s.replies, 2);
  EXPECT_EQ(s.shares, 2);
  EXPECT_EQ(s.distinct_authors, 3);
  EXPECT_EQ(s.engagement_reported, 12);
  EXPECT_EQ(s.authors_with_followers, 3);
  // Largest count per author: dinkes 5000 + budi 150 + sari 40.
  EXPECT_EQ(s.estimated_reach, std::optional<std::int64_t>(5190));
  EXPECT_EQ(s.first_at, 1000);
  EXPECT_EQ(s.last_at, 5000);
}

TEST(CascadeStats, NoFollowerCountsMeansNoReachEstimate) {
  store::Cascade c;
  c.nodes = {Node(1, 0, 0, store::CascadeLink::kRoot, "a")};
  CascadeStats s = ComputeCascadeStats(c);
  EXPECT_EQ(s.size, 1);
  EXPECT_EQ(s.depth, 0);
  EXPECT_EQ(s.authors_with_followers, 0);
  EXPECT_FALSE(s.estimated_reach.has_value());
}

store::AuthorActivity Activity(std::int64_t originals, std::int64_t replies, std::int64_t shares) {
  store::AuthorActivity a;
  a.originals = originals;
  a.replies = replies;
  a.shares = shares;
  a.mentions = originals + replies + shares;
  a.original_weeks = originals > 0 ? 1 : 0;
  return a;
}

TEST(Segments, NothingObservedIsNotGuessed) {
  SegmentResult r = InferSegment(Activity(0, 0, 0), kWeek);
  EXPECT_FALSE(r.segment.has_value());
  EXPECT_EQ(r.rule, "none.no_activity");
  EXPECT_EQ(UnobservableSegments().size(), 2u);
}

TEST(Segments, CreatorsByFollowersOrReactions) {
  auto a = Activity(2, 0, 0);
  a.followers = 1000;
  EXPECT_EQ(InferSegment(a, kWeek).segment, Segment::kCreators);
  EXPECT_EQ(InferSegment(a, kWeek).rule, "creators.followers");
  a.followers = 999;
  a.reactions_observed = 12;
  a.shares_received = 8;
  EXPECT_EQ(InferSegment(a, kWeek).rule, "creators.reactions");
  a.shares_received = 7;  // 19 reactions: below the threshold, so conversationalist (weekly)
  EXPECT_EQ(InferSegment(a, kWeek).segment, Segment::kConversationalists);
  auto one = Activity(1, 0, 0);
  one.followers = 1'000'000;  // one post is not a creator's output
  EXPECT_EQ(InferSegment(one, kWeek).segment, Segment::kJoiners);
}

TEST(Segments, ConversationalistsPostEveryWeek) {
  auto a = Activity(4, 1, 0);
  a.original_weeks = 3;
  EXPECT_EQ(InferSegment(a, 4 * kWeek).segment, Segment::kJoiners);  // missed a week
  a.original_weeks = 4;
  SegmentResult r = InferSegment(a, 4 * kWeek);
  EXPECT_EQ(r.segment, Segment::kConversationalists);
  EXPECT_EQ(r.window_weeks, 4);
}

TEST(Segments, CriticsRespondCollectorsShare) {
  EXPECT_EQ(InferSegment(Activity(0, 3, 1), kWeek).segment, Segment::kCritics);
  EXPECT_EQ(InferSegment(Activity(1, 1, 1), kWeek).segment, Segment::kCritics);
  EXPECT_EQ(InferSegment(Activity(0, 1, 3), kWeek).segment, Segment::kCollectors);
  EXPECT_EQ(InferSegment(Activity(2, 0, 1), 2 * kWeek).segment, Segment::kJoiners);
  EXPECT_EQ(InferSegment(Activity(1, 0, 0), kWeek).segment, Segment::kJoiners);
}

}  // namespace
}  // namespace humas::spread
