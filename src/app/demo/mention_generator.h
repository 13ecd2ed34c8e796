// A live stream of realistic, made-up Indonesian social-media mentions about the demo region's
// agencies, for the demo and for load tests. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "app/demo/demo_region.h"
#include "core/model.h"

namespace humas::demo {

//! Produces mentions by filling templates (questions, complaints, criticism, suggestions,
//! appreciation, news shares, the odd hoax-like claim) with the region's places, agencies and
//! official handles, in colloquial Indonesian with slang, emoji and hashtags; words are swapped for
//! synonyms and personal details added, so posts from one template rarely read alike. Now and
//! then a copy-paste campaign runs: one text posted by dozens of accounts with small edits.
//!
//! Contract of every MentionInput returned: passes the import rules of docs/import-format.md
//! (platform set, external_id non-empty and unique per platform within this generator, author
//! handle set, text non-empty valid UTF-8, created_at <= now, counters >= 0), agency_code names
//! an agency of the region, in_reply_to/shared_from name an earlier mention of the same platform
//! from this generator, and labels are left empty (the language engine sets them).
//!
//! Spread: a reply or share picks its parent among recent mentions with a weight growing with the
//! parent's replies and shares so far and shrinking with its depth, so some posts draw cascades
//! several levels deep; like real ones they die out (at most 6 levels and 250 mentions); authors
//! have habits (mostly posting, replying or resharing) and follower counts (reported on the
//! platforms that report them), so cascades, reach and segments show something.
//!
//! The same seed, region and sequence of `now` values give the same mentions. External ids embed
//! a seed-derived prefix, so two runs with different seeds practically never collide; seed with
//! the start time to keep a restarted demo from repeating ids. Not thread-safe.
class MentionGenerator {
 public:
  MentionGenerator(std::uint64_t seed, const DemoRegion& region);

  //! The next mention, created a little before `now` (up to two minutes).
  MentionInput Next(UnixMillis now);

  //! How many mentions Next() has returned.
  std::uint64_t count() const { return seq_; }

 private:
  //! What an author mostly does, so the social-technographic segments show in the demo.
  enum class Habit { kMixed, kPoster, kReplier, kSharer };
  struct Author {
    std::string name;
    std::string base;   // handle without platform decoration, e.g. "dewi.lestari"
    bool news = false;  // a local news/info account
    Habit habit = Habit::kMixed;
    std::int64_t followers = 0;
  };
  struct Recent {
    Platform platform;
    std::string external_id;
    std::string author_handle;
    std::string agency_code;
    MentionKind kind;
    int tone;          // Tone of the template (mention_generator.cc); -1 for replies and shares
    int children = 0;  // replies and shares drawn so far (preferential attachment)
    int depth = 0;     // levels below its cascade's root
    std::shared_ptr<int> cascade_size;  // shared by the cascade's members still in `recent_`
  };

  std::uint64_t Rand();
  std::uint64_t Uniform(std::uint64_t n);  // [0, n)
  double Unit();                           // [0, 1)
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Uniform(v.size())];
  }

  Platform PickPlatform();
  const Author& PickAuthor(bool news);
  //! An author who prefers `habit` (most of the time), keeping PickAuthor's recurrence skew.
  const Author& PickAuthorWithHabit(Habit habit);
  //! The follower count a platform reports with a post (none for chats and feeds).
  void Followers(MentionInput* m, std::int64_t followers) const;
  std::string HandleFor(const Author& a, Platform p) const;
  std::string ExternalId(Platform p);
  std::string UrlFor(Platform p, const std::string& handle, const std::string& id);
  std::string AgencyHandle(const std::string& agency_code, Platform p) const;
  std::string Fill(const std::string& tmpl, const std::string& agency_code, Platform p);
  //! Swaps words for others of the same meaning (each with probability p) and adds a personal
  //! detail or two, so that posts from one template differ as people's posts do.
  std::string Vary(std::string text, double p, const std::string& agency_code, Platform platform);
  //! One more copy of the running campaign: as is, or with a prefix, a suffix or a word swapped.
  std::string CampaignCopy(Platform platform);
  std::string Colloquial(std::string text);
  void Engagement(MentionInput* m, double virality);

  std::uint64_t state_[4];
  std::uint64_t id_prefix_;
  std::uint64_t seq_ = 0;
  DemoRegion region_;
  std::vector<std::string> agency_codes_;  // weighted pool: agencies more often than units
  std::vector<Author> authors_;
  std::deque<Recent> recent_;  // last mentions, for replies and shares
  // The running copy-paste campaign (kCampaigns): its text, agency, tone and copies still to come.
  std::string campaign_text_;
  std::string campaign_agency_;
  int campaign_tone_ = 0;
  int campaign_left_ = 0;
};

}  // namespace humas::demo
