// Tests of the demo region data: referential integrity and the API's validation rules.
#include "app/demo/demo_region.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

namespace humas::demo {
namespace {

bool IsDate(const std::string& s) {
  if (!std::regex_match(s, std::regex(R"(\d{4}-\d{2}-\d{2})"))) return false;
  return ParseRfc3339(s + "T00:00:00Z").ok();
}

TEST(DemoRegion, IsDeterministic) {
  const DemoRegion a = MakeDemoRegion();
  const DemoRegion b = MakeDemoRegion();
  ASSERT_EQ(a.agencies.size(), b.agencies.size());
  for (size_t i = 0; i < a.agencies.size(); ++i)
    EXPECT_EQ(a.agencies[i].agency.code, b.agencies[i].agency.code);
  EXPECT_EQ(a.accounts.size(), b.accounts.size());
}

TEST(DemoRegion, AgencyHierarchy) {
  const DemoRegion r = MakeDemoRegion();
  EXPECT_EQ(r.name, "Kabupaten Sukamaju");
  ASSERT_FALSE(r.agencies.empty());
  EXPECT_EQ(r.agencies[0].agency.kind, AgencyKind::kRegion);
  EXPECT_EQ(r.agencies[0].parent_code, "");
  std::map<std::string, AgencyKind> seen;
  int agencies = 0, units = 0;
  const std::regex code_re("^[a-z0-9-]{2,40}$");
  for (const DemoAgency& a : r.agencies) {
    const Agency& g = a.agency;
    SCOPED_TRACE(g.code);
    EXPECT_TRUE(std::regex_match(g.code, code_re));
    EXPECT_FALSE(seen.count(g.code)) << "duplicate code";
    EXPECT_GE(g.name.size(), 2u);
    EXPECT_FALSE(g.short_name.empty());
    EXPECT_EQ(g.timezone, "Asia/Makassar");
    EXPECT_NE(g.email.find(".example"), std::string::npos);
    EXPECT_EQ(g.website.rfind("https://", 0), 0u);
    EXPECT_NE(g.website.find(".example"), std::string::npos);
    EXPECT_FALSE(g.phone.empty());
    EXPECT_EQ(g.id, 0);
    EXPECT_FALSE(g.parent_id.has_value());
    if (g.kind == AgencyKind::kRegion) {
      EXPECT_EQ(a.parent_code, "");
    } else {
      ASSERT_TRUE(seen.count(a.parent_code)) << "parent must come first";
      const AgencyKind parent = seen[a.parent_code];
      EXPECT_EQ(parent, g.kind == AgencyKind::kAgency ? AgencyKind::kRegion : AgencyKind::kAgency);
    }
    agencies += g.kind == AgencyKind::kAgency;
    units += g.kind == AgencyKind::kUnit;
    seen[g.code] = g.kind;
  }
  EXPECT_GE(agencies, 10);
  EXPECT_GE(units, 5);
  for (const char* code : {"setda", "diskominfo", "dinkes", "disdik", "pupr", "dishub", "dinsos",
                           "disdukcapil", "bpbd", "rsud", "dlh", "prokopim", "pkm-muara-jaya"})
    EXPECT_TRUE(seen.count(code)) << code;
}

TEST(DemoRegion, Accounts) {
  const DemoRegion r = MakeDemoRegion();
  std::set<std::string> codes;
  for (const DemoAgency& a : r.agencies) codes.insert(a.agency.code);
  std::set<std::pair<Platform, std::string>> handles;
  std::set<Platform> platforms;
  std::set<AccountStatus> statuses;
  std::set<int> security_scores;
  for (const DemoAccount& a : r.accounts) {
    const Account& acc = a.account;
    SCOPED_TRACE(acc.handle);
    EXPECT_TRUE(codes.count(a.agency_code));
    EXPECT_TRUE(handles.insert({acc.platform, acc.handle}).second) << "handle unique per platform";
    EXPECT_GE(acc.handle.size(), 1u);
    EXPECT_LE(acc.handle.size(), 100u);
    EXPECT_EQ(acc.url.rfind("https://", 0), 0u);
    const std::string host = acc.url.substr(8, acc.url.find('/', 8) - 8);
    EXPECT_TRUE(host.size() > 8 && host.substr(host.size() - 8) == ".example") << host;
    switch (acc.platform) {
      case Platform::kX:
        EXPECT_EQ(acc.platform_type, PlatformType::kMicroblog);
        break;
      case Platform::kFacebook:
        EXPECT_EQ(acc.platform_type, PlatformType::kSocialNetwork);
        break;
      case Platform::kInstagram:
      case Platform::kYoutube:
      case Platform::kTiktok:
        EXPECT_EQ(acc.platform_type, PlatformType::kMediaSharing);
        break;
      case Platform::kTelegram:
      case Platform::kWhatsapp:
        EXPECT_EQ(acc.platform_type, PlatformType::kMessaging);
        break;
      default:
        EXPECT_EQ(acc.platform_type, PlatformType::kBlog);
        break;
    }
    platforms.insert(acc.platform);
    statuses.insert(acc.status);
    security_scores.insert(acc.security.two_factor + acc.security.recovery_owned_by_agency +
                           acc.security.password_in_custody);
  }
  EXPECT_GE(r.accounts.size(), 25u);
  for (Platform p : {Platform::kX, Platform::kFacebook, Platform::kInstagram, Platform::kYoutube,
                     Platform::kTiktok, Platform::kTelegram, Platform::kWhatsapp, Platform::kRss,
                     Platform::kWebsite})
    EXPECT_TRUE(platforms.count(p)) << ToString(p);
  EXPECT_EQ(statuses.size(), 4u) << "active, pending, inactive and suspended all present";
  EXPECT_EQ(security_scores.size(), 4u) << "security checklist from 0 to 3 checks met";
}

TEST(DemoRegion, AppointmentsAndUsers) {
  const DemoRegion r = MakeDemoRegion();
  std::set<std::string> codes;
  for (const DemoAgency& a : r.agencies) codes.insert(a.agency.code);
  std::set<std::string> usernames;
  std::set<Role> roles;
  const std::regex username_re("^[a-z0-9._-]{3,64}$");
  for (const DemoUser& u : r.users) {
    EXPECT_TRUE(std::regex_match(u.username, username_re)) << u.username;
    EXPECT_TRUE(usernames.insert(u.username).second);
    ASSERT_EQ(u.roles.size(), 1u);
    EXPECT_TRUE(codes.count(u.roles[0].agency_code));
    roles.insert(u.roles[0].role);
  }
  EXPECT_EQ(roles.size(), 5u) << "one user per role";
  EXPECT_GE(kDemoPassword.size(), 10u);

  int expired = 0, pejabat = 0, petugas = 0, linked = 0;
  const std::regex nip_re("^[0-9]{18}$");
  for (const DemoAppointment& a : r.appointments) {
    const Appointment& ap = a.appointment;
    SCOPED_TRACE(ap.person_name);
    EXPECT_TRUE(codes.count(a.agency_code));
    EXPECT_FALSE(ap.person_name.empty());
    EXPECT_FALSE(ap.decree_number.empty());
    EXPECT_TRUE(IsDate(ap.decree_date));
    EXPECT_TRUE(IsDate(ap.valid_from));
    if (!ap.valid_until.empty()) {
      EXPECT_TRUE(IsDate(ap.valid_until));
      EXPECT_GE(ap.valid_until, ap.valid_from);
      expired += ap.valid_until < "2026-01-01";
    }
    if (!ap.nip.empty()) {
      EXPECT_TRUE(std::regex_match(ap.nip, nip_re));
    }
    if (!a.username.empty()) {
      EXPECT_TRUE(usernames.count(a.username));
      ++linked;
    }
    pejabat += ap.role == AppointmentRole::kPejabat;
    petugas += ap.role == AppointmentRole::kPetugas;
  }
  EXPECT_GE(expired, 2);
  EXPECT_GE(pejabat, 10);
  EXPECT_GE(petugas, 10);
  EXPECT_GE(linked, 3);
}

TEST(DemoRegion, Geography) {
  const DemoRegion r = MakeDemoRegion();
  EXPECT_GE(r.districts.size(), 6u);
  for (const DemoDistrict& d : r.districts) EXPECT_GE(d.villages.size(), 3u) << d.name;
  EXPECT_GE(r.roads.size(), 8u);
  EXPECT_GE(r.landmarks.size(), 5u);
}

}  // namespace
}  // namespace humas::demo
