// Understanding what spreads: the measures of a share cascade and the social-technographic
// segment of an author (GUIDELINE.md), inferred from observed behaviour with its evidence.
// Pure functions over store/spread.h values; no storage or HTTP.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/spread.h"

namespace humas::spread {

struct CascadeStats {
  std::int64_t size = 0;              //!< mentions in the cascade, root included
  std::int64_t depth = 0;             //!< longest chain below the root (root alone = 0)
  std::vector<std::int64_t> breadth;  //!< mentions per level; breadth[0] = 1 (the root)
  std::int64_t replies = 0;           //!< members hanging by in_reply_to
  std::int64_t shares = 0;            //!< members hanging by shared_from
  std::int64_t distinct_authors = 0;  //!< case-insensitive handles
  //! Σ likes + shares + replies as reported by the platforms on every member.
  std::int64_t engagement_reported = 0;
  //! Authors for whom a follower count was reported, and the sum of those counts (largest per
  //! author). nullopt when no count is known: reach is then not estimated, never guessed.
  std::int64_t authors_with_followers = 0;
  std::optional<std::int64_t> estimated_reach;
  UnixMillis first_at = 0;  //!< earliest created_at in the cascade
  UnixMillis last_at = 0;   //!< latest
};

CascadeStats ComputeCascadeStats(const store::Cascade& cascade);

//! The seven segments of GUIDELINE.md. Stable names: "creators", "conversationalists",
//! "critics", "collectors", "joiners", "spectators", "inactive".
enum class Segment {
  kCreators,
  kConversationalists,
  kCritics,
  kCollectors,
  kJoiners,
  kSpectators,
  kInactive
};
std::string_view ToString(Segment s);

struct SegmentThresholds {
  std::int64_t creator_min_originals = 2;
  std::int64_t creator_min_followers = 1000;
  std::int64_t creator_min_reactions = 20;  //!< reactions_observed + reported shares + replies
  std::int64_t conversationalist_min_originals = 2;
};

struct SegmentResult {
  //! nullopt when nothing was observed in the window (then spectators, inactive and people
  //! simply quiet in this window cannot be told apart).
  std::optional<Segment> segment;
  std::string rule;    //!< stable id of the rule that decided, e.g. "creators.audience"
  std::string reason;  //!< the rule in English, with the numbers that met it
  std::int64_t window_weeks = 1;
};

//! Segments that public data cannot show: spectators read without posting, inactive people have
//! no social media. Never assigned.
const std::vector<Segment>& UnobservableSegments();

//! The first rule that matches, from the top of the ladder down:
//!  creators           originals >= 2 and (followers >= 1000 or others' reactions >= 20)
//!  conversationalists originals >= 2 in every 7-day period of the window
//!  critics            replies >= 1, replies >= shares and replies >= originals
//!  collectors         shares >= 1, shares > replies and shares >= originals
//!  joiners            seen in the window but below every rule above
SegmentResult InferSegment(const store::AuthorActivity& a, UnixMillis window_ms,
                           const SegmentThresholds& t = {});

}  // namespace humas::spread
