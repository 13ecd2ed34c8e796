// Tests for the agency hierarchy and deny-by-default role checks.
#include "api/access.h"

#include <gtest/gtest.h>

namespace humas::api {
namespace {

Agency A(Id id, std::optional<Id> parent, AgencyKind kind) {
  Agency a;
  a.id = id;
  a.parent_id = parent;
  a.kind = kind;
  a.name = "a" + std::to_string(id);
  return a;
}

// 1 region; 2 dinkes (3 puskesmas unit); 4 dispupr.
Hierarchy MakeTree() {
  return Hierarchy({A(1, std::nullopt, AgencyKind::kRegion), A(2, 1, AgencyKind::kAgency),
                    A(3, 2, AgencyKind::kUnit), A(4, 1, AgencyKind::kAgency)});
}

User WithRoles(std::vector<RoleGrant> roles) {
  User u;
  u.id = 7;
  u.roles = std::move(roles);
  return u;
}

TEST(Hierarchy, SubtreeAndWithin) {
  Hierarchy h = MakeTree();
  auto sub = h.Subtree(2);
  std::sort(sub.begin(), sub.end());
  EXPECT_EQ(sub, (std::vector<Id>{2, 3}));
  EXPECT_EQ(h.Subtree(1).size(), 4u);
  EXPECT_TRUE(h.Subtree(99).empty());
  EXPECT_TRUE(h.IsWithin(3, 1));
  EXPECT_FALSE(h.IsWithin(4, 2));
}

TEST(Access, PetugasSeesOnlyOwnAgencySubtree) {
  Hierarchy h = MakeTree();
  User u = WithRoles({{Role::kPetugas, 2}});
  Access a(u, h);
  EXPECT_TRUE(a.CanRead(2));
  EXPECT_TRUE(a.CanRead(3));
  EXPECT_FALSE(a.CanRead(4));
  EXPECT_FALSE(a.CanRead(1));
  EXPECT_FALSE(a.SeesUnassigned());
  EXPECT_FALSE(a.CanManageAccounts(2));
  EXPECT_FALSE(a.CanManageAgency(2));
  EXPECT_TRUE(a.CanImport());
}

TEST(Access, PejabatManagesOwnAccountsOnly) {
  Hierarchy h = MakeTree();
  User u = WithRoles({{Role::kPejabat, 2}});
  Access a(u, h);
  EXPECT_TRUE(a.CanManageAccounts(3));
  EXPECT_FALSE(a.CanManageAccounts(4));
  EXPECT_FALSE(a.CanManageAgency(2));
}

TEST(Access, KoordinatorAndAdminCoverTheRegion) {
  Hierarchy h = MakeTree();
  User k = WithRoles({{Role::kKoordinator, 1}});
  Access ak(k, h);
  EXPECT_TRUE(ak.CanManageAgency(4));
  EXPECT_TRUE(ak.SeesUnassigned());
  EXPECT_FALSE(ak.IsAdmin());
  User ad = WithRoles({{Role::kAdmin, 1}});
  Access aa(ad, h);
  EXPECT_TRUE(aa.IsAdmin());
  EXPECT_EQ(aa.Readable().size(), 4u);
}

TEST(Access, NoRolesOrInactiveMeansNothing) {
  Hierarchy h = MakeTree();
  User none = WithRoles({});
  Access a(none, h);
  EXPECT_TRUE(a.Readable().empty());
  EXPECT_FALSE(a.CanImport());
  User inactive = WithRoles({{Role::kAdmin, 1}});
  inactive.active = false;
  Access b(inactive, h);
  EXPECT_FALSE(b.IsAdmin());
  EXPECT_FALSE(b.CanRead(1));
}

TEST(Access, PimpinanReadsButCannotImport) {
  Hierarchy h = MakeTree();
  User u = WithRoles({{Role::kPimpinan, 1}});
  Access a(u, h);
  EXPECT_TRUE(a.CanRead(3));
  EXPECT_FALSE(a.CanImport());
  EXPECT_FALSE(a.CanManageAccounts(2));
}

}  // namespace
}  // namespace humas::api
