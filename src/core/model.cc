// Stable string names of the domain enums.
#include "core/model.h"

#include <array>
#include <utility>

namespace humas {
namespace {

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [value, name] : table)
    if (value == e) return name;
  return "";
}

template <typename E, size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, std::string_view>, N>& table,
                        std::string_view s) {
  for (const auto& [value, name] : table)
    if (name == s) return value;
  return std::nullopt;
}

constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles{{
    {Role::kAdmin, "admin"},
    {Role::kKoordinator, "koordinator"},
    {Role::kPejabat, "pejabat"},
    {Role::kPetugas, "petugas"},
    {Role::kPimpinan, "pimpinan"},
}};
constexpr std::array<std::pair<AgencyKind, std::string_view>, 3> kAgencyKinds{{
    {AgencyKind::kRegion, "region"},
    {AgencyKind::kAgency, "agency"},
    {AgencyKind::kUnit, "unit"},
}};
constexpr std::array<std::pair<Platform, std::string_view>, 12> kPlatforms{{
    {Platform::kX, "x"},
    {Platform::kFacebook, "facebook"},
    {Platform::kInstagram, "instagram"},
    {Platform::kYoutube, "youtube"},
    {Platform::kTiktok, "tiktok"},
    {Platform::kTelegram, "telegram"},
    {Platform::kWhatsapp, "whatsapp"},
    {Platform::kMastodon, "mastodon"},
    {Platform::kBluesky, "bluesky"},
    {Platform::kRss, "rss"},
    {Platform::kWebsite, "website"},
    {Platform::kOther, "other"},
}};
constexpr std::array<std::pair<PlatformType, std::string_view>, 8> kPlatformTypes{{
    {PlatformType::kBlog, "blog"},
    {PlatformType::kMicroblog, "microblog"},
    {PlatformType::kMediaSharing, "media_sharing"},
    {PlatformType::kSocialNetwork, "social_network"},
    {PlatformType::kWiki, "wiki"},
    {PlatformType::kForum, "forum"},
    {PlatformType::kMessaging, "messaging"},
    {PlatformType::kReview, "review"},
}};
constexpr std::array<std::pair<AccountStatus, std::string_view>, 4> kAccountStatuses{{
    {AccountStatus::kActive, "active"},
    {AccountStatus::kPending, "pending"},
    {AccountStatus::kInactive, "inactive"},
    {AccountStatus::kSuspended, "suspended"},
}};
constexpr std::array<std::pair<AppointmentRole, std::string_view>, 2> kAppointmentRoles{{
    {AppointmentRole::kPejabat, "pejabat"},
    {AppointmentRole::kPetugas, "petugas"},
}};
constexpr std::array<std::pair<MentionKind, std::string_view>, 5> kMentionKinds{{
    {MentionKind::kPost, "post"},
    {MentionKind::kComment, "comment"},
    {MentionKind::kReply, "reply"},
    {MentionKind::kShare, "share"},
    {MentionKind::kMessage, "message"},
}};
constexpr std::array<std::pair<JobState, std::string_view>, 5> kJobStates{{
    {JobState::kPending, "pending"},
    {JobState::kRunning, "running"},
    {JobState::kDone, "done"},
    {JobState::kFailed, "failed"},
    {JobState::kDead, "dead"},
}};

}  // namespace

std::string_view ToString(Role r) { return NameOf(kRoles, r); }
std::optional<Role> ParseRole(std::string_view s) { return Lookup(kRoles, s); }
std::string_view ToString(AgencyKind k) { return NameOf(kAgencyKinds, k); }
std::optional<AgencyKind> ParseAgencyKind(std::string_view s) { return Lookup(kAgencyKinds, s); }
std::string_view ToString(Platform p) { return NameOf(kPlatforms, p); }
std::optional<Platform> ParsePlatform(std::string_view s) { return Lookup(kPlatforms, s); }
std::string_view ToString(PlatformType t) { return NameOf(kPlatformTypes, t); }
std::optional<PlatformType> ParsePlatformType(std::string_view s) {
  return Lookup(kPlatformTypes, s);
}
std::string_view ToString(AccountStatus s) { return NameOf(kAccountStatuses, s); }
std::optional<AccountStatus> ParseAccountStatus(std::string_view s) {
  return Lookup(kAccountStatuses, s);
}
std::string_view ToString(AppointmentRole r) { return NameOf(kAppointmentRoles, r); }
std::optional<AppointmentRole> ParseAppointmentRole(std::string_view s) {
  return Lookup(kAppointmentRoles, s);
}
std::string_view ToString(MentionKind k) { return NameOf(kMentionKinds, k); }
std::optional<MentionKind> ParseMentionKind(std::string_view s) { return Lookup(kMentionKinds, s); }
std::string_view ToString(JobState s) { return NameOf(kJobStates, s); }
std::optional<JobState> ParseJobState(std::string_view s) { return Lookup(kJobStates, s); }

}  // namespace humas
