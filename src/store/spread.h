// What spreads and who spreads it: share cascades assembled from the stored reply/share graph,
// author activity over a window, and officers' label corrections kept for retraining.
// Backend-neutral (no SQLite types); the SQLite implementation is in sqlite/spread_repo.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace humas::store {

// ---------------------------------------------------------------- cascades

//! How a cascade member hangs under its parent.
enum class CascadeLink { kRoot, kReply, kShare };
std::string_view ToString(CascadeLink l);  // "root" | "reply" | "share"

struct CascadeNode {
  Mention mention;
  Id parent_id = 0;  //!< 0 for the root
  CascadeLink link = CascadeLink::kRoot;
  int depth = 0;  //!< root = 0
};

//! The cascade containing a mention: its root (found by following shared_from, else in_reply_to,
//! upwards) and everything below it. Children name their parent by external id on the same
//! platform, so the tree is assembled at read time: a reply stored before its parent joins the
//! cascade as soon as the parent is stored.
struct Cascade {
  std::vector<CascadeNode> nodes;  //!< breadth-first, root first; children oldest first
  //! External id the root replies to / shares that is not stored (yet); "" when the root is an
  //! original post.
  std::string missing_parent;
  bool truncated = false;  //!< stopped at max_nodes
};

//! The parent a mention hangs under: shared_from when set (a share/quote), else in_reply_to.
const std::string& ParentExternalId(const MentionInput& m);

// ---------------------------------------------------------------- authors

//! What one author did over a window, from the stored mentions (platform + handle, handle
//! compared case-insensitively). Classification of each mention:
//!  share    — shared_from set or kind "share";
//!  reply    — otherwise, in_reply_to set or kind "reply"/"comment";
//!  original — everything else (posts, messages).
//!  A critical reply is a reply labelled negative or of kind kritik/keluhan.
struct AuthorActivity {
  Platform platform = Platform::kOther;
  std::string handle;  //!< as last seen
  std::string name;
  std::int64_t mentions = 0;
  std::int64_t originals = 0;
  std::int64_t replies = 0;
  std::int64_t critical_replies = 0;
  std::int64_t shares = 0;
  std::int64_t active_days = 0;     //!< distinct days (from `since`) with any mention
  std::int64_t original_weeks = 0;  //!< distinct 7-day periods (from `since`) with an original
  std::int64_t likes_received = 0;  //!< as reported by the platform, summed over the mentions
  std::int64_t shares_received = 0;
  std::int64_t replies_received = 0;
  //! Stored replies and shares by other authors to this author's mentions (at any time).
  std::int64_t reactions_observed = 0;
  //! Σ over the author's mentions of likes + max(reported shares + replies, observed reactions):
  //! a reply that is both reported and stored counts once.
  std::int64_t influence = 0;
  std::optional<std::int64_t> followers;  //!< largest count reported in the window
  UnixMillis first_at = 0;
  UnixMillis last_at = 0;
};

//! The default cap on the mentions TopAuthors reads for a hashtag topic (see ActivityFilter).
//! There are no counters per hashtag (they would add an upsert per hashtag to every stored
//! mention); the ranking is a bounded read instead, and says when the cap cut it short.
inline constexpr std::int64_t kTopicCandidateCap = 50000;

//! What a topic ranking read: `candidates` mentions containing the word (at most the cap);
//! `capped` when more exist (older ones were left out).
struct TopicCoverage {
  std::int64_t candidates = 0;
  bool capped = false;
};

struct ActivityFilter {
  UnixMillis since = 0;                       //!< created_at >= since
  UnixMillis until = 0;                       //!< created_at < until
  std::optional<std::vector<Id>> agency_ids;  //!< scope; nullopt = all
  bool include_unassigned = true;
  //! Topic: mentions carrying this hashtag (without '#', [A-Za-z0-9_], compared lower-case);
  //! "" = any.
  std::string hashtag;
  //! TopAuthors with a topic reads at most this many candidates: the most recently stored
  //! mentions containing the word (full-text index, newest id first); older ones are not read.
  std::int64_t topic_cap = kTopicCandidateCap;
};

// ---------------------------------------------------------------- label corrections

//! The labels an officer may correct. Stable names "sentiment", "kind", "hoax".
enum class LabelTask { kSentiment, kKind, kHoax };
std::string_view ToString(LabelTask t);
std::optional<LabelTask> ParseLabelTask(std::string_view s);
//! The values a task accepts: sentiment positive|neutral|negative; kind
//! pertanyaan|keluhan|kritik|saran|apresiasi|lainnya; hoax hoax|not_hoax.
const std::vector<std::string>& LabelValues(LabelTask t);

struct LabelCorrection {
  Id id = 0;
  Id mention_id = 0;
  LabelTask task = LabelTask::kSentiment;
  std::string old_value;      //!< for hoax: "hoax" when the score was >= 0.5, else "not_hoax"
  double old_confidence = 0;  //!< the model's confidence (hoax: its score) before this change
  std::string new_value;
  std::optional<Id> user_id;
  std::string username;
  std::string note;
  UnixMillis at = 0;
};

//! One training example: the mention's text and its latest corrected label.
struct CorrectedExample {
  Id mention_id = 0;
  std::string text;
  std::string label;
};

class SpreadRepository {
 public:
  virtual ~SpreadRepository() = default;
  //! NotFound when the mention does not exist. max_nodes is clamped to [1, 20000].
  virtual Result<Cascade> GetCascade(Id mention_id, int max_nodes) = 0;
  //! Authors in the window ranked by influence (then by mentions), at most `limit` (1..200).
  //! With a hashtag topic, only the newest `filter.topic_cap` mentions containing the word are
  //! read; `coverage` (when given) says how many and whether the cap was reached.
  virtual Result<std::vector<AuthorActivity>> TopAuthors(const ActivityFilter& filter, int limit,
                                                         TopicCoverage* coverage = nullptr) = 0;
  //! One author's activity in the window (all counts zero when nothing was seen). With a topic,
  //! the author's mentions in the window are read (bounded by the author, never by the topic).
  virtual Result<AuthorActivity> Author(Platform platform, const std::string& handle,
                                        const ActivityFilter& filter) = 0;
};

class CorrectionRepository {
 public:
  virtual ~CorrectionRepository() = default;
  //! Applies a correction in one transaction: reads the mention's current label into old_value /
  //! old_confidence, sets the new label on the mention (confidence 1: a person decided; hoax
  //! score 1 or 0), moves the mention between the hourly sentiment rollups, and appends the
  //! correction (fills id, old_value, old_confidence). NotFound when the mention does not exist;
  //! InvalidArgument (field "value") for a value the task does not accept; FailedPrecondition
  //! when the label already has that value (nothing is stored).
  virtual Status Apply(LabelCorrection* correction) = 0;
  //! Corrections of one mention, oldest first.
  virtual Result<std::vector<LabelCorrection>> ForMention(Id mention_id) = 0;
  //! One page of the export: the latest corrected label per mention for a task, for mentions
  //! with id > `after`, by mention id, at most `limit` (clamped to 1..10000). The next page
  //! starts after the last mention id returned; an empty page is the end. Each page is one short
  //! read, so an export of any size holds one page in memory and never blocks intake.
  virtual Result<std::vector<CorrectedExample>> Examples(LabelTask task, Id after, int limit) = 0;
};

}  // namespace humas::store
