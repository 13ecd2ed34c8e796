// Domain types shared by every layer: agencies, accounts, appointments, users, mentions, jobs.
// Plain values with no storage or HTTP types; enums have stable string names (used in the API,
// the database and the web client) via ToString/Parse functions in model.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace humas {

using Id = std::int64_t;  //!< Row ids; 0 means "not stored yet".

// ---------------------------------------------------------------- roles and users

//! DESIGN.md §1. Stable names: "admin", "koordinator", "pejabat", "petugas", "pimpinan".
enum class Role { kAdmin, kKoordinator, kPejabat, kPetugas, kPimpinan };
std::string_view ToString(Role r);
std::optional<Role> ParseRole(std::string_view s);

//! One role held by a user over an agency and everything below it in the hierarchy.
struct RoleGrant {
  Role role = Role::kPetugas;
  Id agency_id = 0;  //!< the scope; admin/koordinator are normally granted on the region (root)
};

struct User {
  Id id = 0;
  std::string username;  //!< 3-64 chars [a-z0-9._-], unique, case-insensitive
  std::string display_name;
  std::string email;
  //! The chat the humas Telegram bot sends this user's notifications to ("" = none): a numeric
  //! Telegram chat id as text (a person's id, or a group's negative id).
  std::string telegram_chat_id;
  std::string password_hash;  //!< Argon2id encoded string (never sent to clients)
  std::string locale = "id";  //!< "id" or "en"
  bool active = true;
  std::vector<RoleGrant> roles;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

// ---------------------------------------------------------------- directory

//! Level in the hierarchy region → agency → unit. Stable names: "region", "agency", "unit".
enum class AgencyKind { kRegion, kAgency, kUnit };
std::string_view ToString(AgencyKind k);
std::optional<AgencyKind> ParseAgencyKind(std::string_view s);

struct Agency {
  Id id = 0;
  std::optional<Id> parent_id;  //!< empty only for a region
  AgencyKind kind = AgencyKind::kAgency;
  std::string name;                       //!< e.g. "Dinas Kesehatan"
  std::string short_name;                 //!< e.g. "Dinkes"
  std::string code;                       //!< unique slug, e.g. "dinkes"
  std::string timezone = "Asia/Jakarta";  //!< Asia/Jakarta | Asia/Makassar | Asia/Jayapura
  std::string email;
  std::string phone;
  std::string website;
  bool active = true;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

//! Platform identifiers. Stable names: "x", "facebook", "instagram", "youtube", "tiktok",
//! "telegram", "whatsapp", "mastodon", "bluesky", "rss", "website", "other".
enum class Platform {
  kX,
  kFacebook,
  kInstagram,
  kYoutube,
  kTiktok,
  kTelegram,
  kWhatsapp,
  kMastodon,
  kBluesky,
  kRss,
  kWebsite,
  kOther
};
std::string_view ToString(Platform p);
std::optional<Platform> ParsePlatform(std::string_view s);

//! Platform types of the guideline. Stable names: "blog", "microblog", "media_sharing",
//! "social_network", "wiki", "forum", "messaging", "review".
enum class PlatformType {
  kBlog,
  kMicroblog,
  kMediaSharing,
  kSocialNetwork,
  kWiki,
  kForum,
  kMessaging,
  kReview
};
std::string_view ToString(PlatformType t);
std::optional<PlatformType> ParsePlatformType(std::string_view s);

//! Stable names: "active", "pending" (being set up/verified), "inactive", "suspended".
enum class AccountStatus { kActive, kPending, kInactive, kSuspended };
std::string_view ToString(AccountStatus s);
std::optional<AccountStatus> ParseAccountStatus(std::string_view s);

//! The account-security checklist of DESIGN.md §2 (directory).
struct SecurityChecklist {
  bool two_factor = false;                //!< 2FA enabled on the platform account
  bool recovery_owned_by_agency = false;  //!< recovery e-mail/phone belong to the agency
  bool password_in_custody = false;       //!< credentials kept by the agency's custodian
  std::string custodian;                  //!< who holds the credentials
  std::optional<UnixMillis> last_review;  //!< when the checklist was last checked
};

struct Account {
  Id id = 0;
  Id agency_id = 0;
  Platform platform = Platform::kOther;
  PlatformType platform_type = PlatformType::kSocialNetwork;
  std::string handle;  //!< e.g. "@dinkes_berau"
  std::string display_name;
  std::string url;
  AccountStatus status = AccountStatus::kActive;
  SecurityChecklist security;
  bool verified = false;  //!< platform's verification badge
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

//! Stable names: "pejabat", "petugas".
enum class AppointmentRole { kPejabat, kPetugas };
std::string_view ToString(AppointmentRole r);
std::optional<AppointmentRole> ParseAppointmentRole(std::string_view s);

//! Appointment by decree (SK) of the head of agency.
struct Appointment {
  Id id = 0;
  Id agency_id = 0;
  std::optional<Id> user_id;  //!< linked humas user, if the person has a login
  AppointmentRole role = AppointmentRole::kPetugas;
  std::string person_name;
  std::string nip;       //!< civil-servant number (optional)
  std::string position;  //!< jabatan
  std::string decree_number;
  std::string decree_date;  //!< YYYY-MM-DD
  std::string valid_from;   //!< YYYY-MM-DD
  std::string valid_until;  //!< YYYY-MM-DD, empty = open-ended
  bool active = true;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

// ---------------------------------------------------------------- mentions

//! Stable names: "post", "comment", "reply", "share", "message".
enum class MentionKind { kPost, kComment, kReply, kShare, kMessage };
std::string_view ToString(MentionKind k);
std::optional<MentionKind> ParseMentionKind(std::string_view s);

//! Labels filled by the language engine (issue 4); empty until it has run. Never faked.
struct MentionLabels {
  std::string sentiment;  //!< "positive" | "neutral" | "negative" | "" (unlabelled)
  double sentiment_confidence = 0;
  std::string input_kind;  //!< pertanyaan|keluhan|kritik|saran|apresiasi|lainnya|""
  double input_kind_confidence = 0;
  double hoax_score = 0;
  bool has_personal_data = false;
};

//! A public post/comment/message about an agency, as it arrives (before storage).
struct MentionInput {
  Platform platform = Platform::kOther;
  std::string external_id;  //!< the platform's id; (platform, external_id) is unique
  std::string url;
  std::string author_handle;
  std::string author_name;
  std::string text;
  UnixMillis created_at = 0;
  MentionKind kind = MentionKind::kPost;
  std::string agency_code;  //!< optional: which agency it concerns (by code)
  std::string in_reply_to;  //!< external id of the parent on the same platform
  std::string shared_from;  //!< external id of the original when this is a share/quote
  std::int64_t shares = 0;
  std::int64_t likes = 0;
  std::int64_t replies = 0;
  //! The author's follower/subscriber count when the platform supplies it (estimated reach).
  std::optional<std::int64_t> author_followers;
  MentionLabels labels;
  //! When this version of the text was written, for posts the author edited (0 = the first
  //! version). A stored mention takes the text of a newer version (MentionRepository::UpsertBatch)
  //! and keeps the replaced one in its edit history.
  UnixMillis edited_at = 0;
  //! For platforms that do not mark edits (Instagram comments re-read by a revisit): edited_at is
  //! when this text was read, and a stored mention takes it only if the words differ (the same
  //! words change nothing, not even edited_at).
  bool edit_observed = false;
};

//! A copy-paste or lightly edited repeat of an earlier mention (any agency's).
struct NearDuplicate {
  Id of = 0;  //!< the first mention of the cluster of nearly identical texts (0 = not known yet)
  double similarity = 0;           //!< to the closest earlier copy (Jaccard of word pairs, 0-1)
  std::optional<Id> of_agency_id;  //!< the agency of `of` (nullopt = unassigned); loaded
};

struct Mention {
  Id id = 0;
  std::optional<Id> agency_id;
  std::optional<Id> account_id;
  MentionInput data;
  UnixMillis ingested_at = 0;
  //! Agency queries this mention matched, ascending (set at intake and stored with the mention
  //! by MentionRepository::UpsertBatch; not loaded by Get/Search).
  std::vector<Id> query_ids;
  //! Set at intake when this mention nearly repeats an earlier one (ingest/near_dup.h); stored
  //! and loaded with the mention. nullopt = not a near-duplicate.
  std::optional<NearDuplicate> near_duplicate;
  //! Intake only, never stored: the near-duplicate index entry of this mention (0 = none) and,
  //! when its cluster's first mention is earlier in the same UpsertBatch, that position (-1 =
  //! not; UpsertBatch then stores that mention's id as near_duplicate->of).
  std::uint64_t near_duplicate_ticket = 0;
  int near_duplicate_in_batch = -1;
  //! Intake only, never stored: set on the stored mention handed to ingest::MentionSink when a
  //! newer version has just replaced its text (the live stream's `mention.edited` event).
  bool just_edited = false;
};

// ---------------------------------------------------------------- audit

struct AuditEntry {
  Id seq = 0;  //!< position in the chain, 1-based, gap-free
  UnixMillis at = 0;
  std::optional<Id> actor_user_id;
  std::string actor_name;  //!< username at the time (kept if the user is later renamed)
  std::string action;      //!< e.g. "agency.create", "auth.login"
  std::string entity;      //!< e.g. "agency"
  std::string entity_id;
  std::optional<Id> agency_id;
  std::string details_json;  //!< what changed, as a JSON object
  std::string prev_hash;     //!< hex SHA-256 of the previous entry ("" for the first)
  std::string hash;          //!< hex SHA-256 over prev_hash and this entry's fields
};

// ---------------------------------------------------------------- jobs

//! Stable names: "pending", "running", "done", "failed" (will retry), "dead" (gave up).
enum class JobState { kPending, kRunning, kDone, kFailed, kDead };
std::string_view ToString(JobState s);
std::optional<JobState> ParseJobState(std::string_view s);

struct Job {
  Id id = 0;
  std::string queue;  //!< e.g. "publish", "poll", "sla", "demo"
  std::string payload_json;
  std::string dedupe_key;  //!< optional; a pending/running job with the same key is not re-added
  JobState state = JobState::kPending;
  UnixMillis run_at = 0;
  int attempts = 0;
  int max_attempts = 5;
  std::string locked_by;
  UnixMillis locked_until = 0;
  std::string last_error;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

}  // namespace humas
