// Cascade measures and segment rules (see spread.h).
#include "spread/spread.h"

#include <algorithm>
#include <cctype>
#include <map>

namespace humas::spread {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string N(std::int64_t v) { return std::to_string(v); }

}  // namespace

CascadeStats ComputeCascadeStats(const store::Cascade& cascade) {
  CascadeStats s;
  std::map<std::string, std::optional<std::int64_t>> authors;  // handle → largest followers
  for (const store::CascadeNode& n : cascade.nodes) {
    const MentionInput& d = n.mention.data;
    ++s.size;
    s.depth = std::max<std::int64_t>(s.depth, n.depth);
    if (static_cast<std::size_t>(n.depth) >= s.breadth.size()) s.breadth.resize(n.depth + 1, 0);
    ++s.breadth[n.depth];
    if (n.link == store::CascadeLink::kReply) ++s.replies;
    if (n.link == store::CascadeLink::kShare) ++s.shares;
    s.engagement_reported += d.likes + d.shares + d.replies;
    auto& followers = authors[Lower(d.author_handle)];
    if (d.author_followers && (!followers || *d.author_followers > *followers))
      followers = d.author_followers;
    if (s.size == 1 || d.created_at < s.first_at) s.first_at = d.created_at;
    if (s.size == 1 || d.created_at > s.last_at) s.last_at = d.created_at;
  }
  s.distinct_authors = static_cast<std::int64_t>(authors.size());
  for (const auto& [handle, followers] : authors) {
    if (!followers) continue;
    ++s.authors_with_followers;
    s.estimated_reach = s.estimated_reach.value_or(0) + *followers;
  }
  return s;
}

std::string_view ToString(Segment s) {
  switch (s) {
    case Segment::kCreators:
      return "creators";
    case Segment::kConversationalists:
      return "conversationalists";
    case Segment::kCritics:
      return "critics";
    case Segment::kCollectors:
      return "collectors";
    case Segment::kJoiners:
      return "joiners";
    case Segment::kSpectators:
      return "spectators";
    case Segment::kInactive:
      return "inactive";
  }
  return "joiners";
}

const std::vector<Segment>& UnobservableSegments() {
  static const std::vector<Segment> kAll = {Segment::kSpectators, Segment::kInactive};
  return kAll;
}

SegmentResult InferSegment(const store::AuthorActivity& a, UnixMillis window_ms,
                           const SegmentThresholds& t) {
  SegmentResult r;
  constexpr UnixMillis kWeek = 7LL * 86'400'000;
  r.window_weeks = std::max<std::int64_t>(1, window_ms / kWeek);
  if (a.mentions == 0) {
    r.rule = "none.no_activity";
    r.reason =
        "nothing by this author was observed in the window; spectators (who read without "
        "posting) and inactive people cannot be told apart from public data";
    return r;
  }
  const std::int64_t reactions = a.reactions_observed + a.shares_received + a.replies_received;
  if (a.originals >= t.creator_min_originals) {
    if (a.followers && *a.followers >= t.creator_min_followers) {
      r.segment = Segment::kCreators;
      r.rule = "creators.followers";
      r.reason = N(a.originals) + " original posts and " + N(*a.followers) +
                 " followers (>= " + N(t.creator_min_followers) + ")";
      return r;
    }
    if (reactions >= t.creator_min_reactions) {
      r.segment = Segment::kCreators;
      r.rule = "creators.reactions";
      r.reason = N(a.originals) + " original posts that drew " + N(reactions) +
                 " shares and replies (>= " + N(t.creator_min_reactions) + ")";
      return r;
    }
  }
  if (a.originals >= t.conversationalist_min_originals && a.original_weeks >= r.window_weeks) {
    r.segment = Segment::kConversationalists;
    r.rule = "conversationalists.weekly";
    r.reason = N(a.originals) + " original posts, in each of the " + N(r.window_weeks) +
               " week(s) of the window";
    return r;
  }
  if (a.replies >= 1 && a.replies >= a.shares && a.replies >= a.originals) {
    r.segment = Segment::kCritics;
    r.rule = "critics.responds";
    r.reason = N(a.replies) + " replies/comments to others' content (" + N(a.critical_replies) +
               " critical), more than original posts (" + N(a.originals) + ") and shares (" +
               N(a.shares) + ")";
    return r;
  }
  if (a.shares >= 1 && a.shares > a.replies && a.shares >= a.originals) {
    r.segment = Segment::kCollectors;
    r.rule = "collectors.shares";
    r.reason = N(a.shares) + " shares of others' content, more than replies (" + N(a.replies) +
               ") and at least as many as original posts (" + N(a.originals) + ")";
    return r;
  }
  r.segment = Segment::kJoiners;
  r.rule = "joiners.occasional";
  r.reason = "present on the network (" + N(a.mentions) +
             " mention(s) in the window) but below every rule above";
  return r;
}

}  // namespace humas::spread
