// Tests that every domain enum round-trips through its stable name.
#include "core/model.h"

#include <gtest/gtest.h>

namespace humas {
namespace {

TEST(Model, EnumNamesRoundTrip) {
  for (auto r : {Role::kAdmin, Role::kKoordinator, Role::kPejabat, Role::kPetugas, Role::kPimpinan})
    EXPECT_EQ(ParseRole(ToString(r)), r);
  for (int i = 0; i <= static_cast<int>(Platform::kOther); ++i) {
    auto p = static_cast<Platform>(i);
    EXPECT_FALSE(ToString(p).empty());
    EXPECT_EQ(ParsePlatform(ToString(p)), p);
  }
  for (int i = 0; i <= static_cast<int>(PlatformType::kReview); ++i) {
    auto t = static_cast<PlatformType>(i);
    EXPECT_EQ(ParsePlatformType(ToString(t)), t);
  }
  EXPECT_EQ(ParseAgencyKind("unit"), AgencyKind::kUnit);
  EXPECT_EQ(ParseMentionKind("message"), MentionKind::kMessage);
  EXPECT_EQ(ParseJobState("dead"), JobState::kDead);
}

TEST(Model, UnknownNamesAreRejected) {
  EXPECT_FALSE(ParseRole("superuser").has_value());
  EXPECT_FALSE(ParsePlatform("X").has_value());  // names are lower-case and exact
  EXPECT_FALSE(ParseAccountStatus("").has_value());
}

}  // namespace
}  // namespace humas
