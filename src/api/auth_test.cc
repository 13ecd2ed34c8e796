// Tests for password hashing, tokens and the login rate limiter.
#include "api/auth.h"

#include <gtest/gtest.h>

namespace humas::api {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

TEST_F(AuthTest, PasswordHashVerifies) {
  auto h = HashPassword("rahasia-sekali-123");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u) << *h;
  EXPECT_TRUE(VerifyPassword(*h, "rahasia-sekali-123"));
  EXPECT_FALSE(VerifyPassword(*h, "rahasia-sekali-124"));
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("not-a-hash", "x"));
}

TEST_F(AuthTest, PasswordPolicy) {
  EXPECT_FALSE(CheckPasswordPolicy("pendek").ok());
  EXPECT_TRUE(CheckPasswordPolicy("cukup-panjang").ok());
  EXPECT_FALSE(CheckPasswordPolicy(std::string(300, 'a')).ok());
}

TEST_F(AuthTest, TokensAreRandomAndHashesStable) {
  std::string a = NewToken(), b = NewToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(SafeEquals("x1", "x1"));
  EXPECT_FALSE(SafeEquals("x1", "x2"));
  EXPECT_FALSE(SafeEquals("x1", "x12"));
}

TEST(LoginLimiter, BlocksAfterFailuresAndRecoversAfterWindow) {
  FakeClock clock(1'000'000);
  LoginLimiter limiter(clock);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(limiter.RetryAfter("budi", "1.2.3.4"), 0);
    limiter.RecordFailure("budi", "1.2.3.4");
  }
  UnixMillis wait = limiter.RetryAfter("budi", "1.2.3.4");
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, 15 * 60 * 1000);
  EXPECT_EQ(limiter.RetryAfter("siti", "5.6.7.8"), 0);  // other user, other address
  clock.Advance(wait);
  EXPECT_EQ(limiter.RetryAfter("budi", "1.2.3.4"), 0);
}

TEST(LoginLimiter, PerAddressLimitCatchesManyUsernames) {
  FakeClock clock(0);
  LoginLimiter limiter(clock);
  for (int i = 0; i < 20; ++i) limiter.RecordFailure("u" + std::to_string(i), "9.9.9.9");
  EXPECT_GT(limiter.RetryAfter("fresh", "9.9.9.9"), 0);
  EXPECT_EQ(limiter.RetryAfter("fresh", "8.8.8.8"), 0);
}

TEST(LoginLimiter, SuccessClearsUserFailures) {
  FakeClock clock(0);
  LoginLimiter limiter(clock);
  for (int i = 0; i < 4; ++i) limiter.RecordFailure("budi", "1.1.1.1");
  limiter.RecordSuccess("budi");
  limiter.RecordFailure("budi", "1.1.1.1");
  EXPECT_EQ(limiter.RetryAfter("budi", "2.2.2.2"), 0);
}

}  // namespace
}  // namespace humas::api
