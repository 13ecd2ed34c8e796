// Tests for configuration parsing and its error messages.
#include "app/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace humas::app {
namespace {

TEST(Config, ListenParsesHostAndPort) {
  std::string host;
  uint16_t port = 1;
  ASSERT_TRUE(ParseListen("0.0.0.0:9000", &host, &port).ok());
  EXPECT_EQ(host, "0.0.0.0");
  EXPECT_EQ(port, 9000);
  ASSERT_TRUE(ParseListen("[::1]:0", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 0);
  EXPECT_FALSE(ParseListen("localhost", &host, &port).ok());
  EXPECT_FALSE(ParseListen("127.0.0.1:70000", &host, &port).ok());
  EXPECT_FALSE(ParseListen("127.0.0.1:80x", &host, &port).ok());
}

TEST(Config, BadValuesNameTheSourceAndKey) {
  Config c;
  Status s = ApplyConfigValue(&c, "workers", "lots", "test");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("workers"), std::string::npos);
  EXPECT_NE(s.message().find("lots"), std::string::npos);
  EXPECT_EQ(c.workers, 4);  // unchanged
  EXPECT_FALSE(ApplyConfigValue(&c, "wrokers", "2", "test").ok());
  EXPECT_FALSE(ApplyConfigValue(&c, "cookie_secure", "maybe", "test").ok());
}

TEST(Config, EnvironmentOverridesFile) {
  std::string path = ::testing::TempDir() + "/humas_test.conf";
  {
    std::ofstream f(path);
    f << "# comment\n\nlisten = 127.0.0.1:9001\nworkers = 2\n";
  }
  Config c;
  ASSERT_TRUE(LoadConfigFile(&c, path).ok());
  EXPECT_EQ(c.port, 9001);
  EXPECT_EQ(c.workers, 2);
  ASSERT_TRUE(LoadConfigEnv(&c, {{"HUMAS_WORKERS", "8"}, {"OTHER", "x"}}).ok());
  EXPECT_EQ(c.workers, 8);
  Status bad = LoadConfigEnv(&c, {{"HUMAS_LISTEN", "nope"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("HUMAS_LISTEN"), std::string::npos);
  std::remove(path.c_str());
}

TEST(Config, TrustedProxiesAreAListOfAddresses) {
  Config c;
  ASSERT_TRUE(ApplyConfigValue(&c, "trusted_proxies", "127.0.0.1, ::1", "test").ok());
  EXPECT_EQ(c.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_FALSE(ApplyConfigValue(&c, "trusted_proxies", "127.0.0.1; rm -rf", "test").ok());
  EXPECT_EQ(c.trusted_proxies.size(), 2u);  // unchanged by the bad value
}

TEST(Config, AlertScheduleAndPublicUrl) {
  Config c;
  EXPECT_EQ(c.alert_every_seconds, 300);
  ASSERT_TRUE(ApplyConfigValue(&c, "alert_every_seconds", "60", "test").ok());
  EXPECT_EQ(c.alert_every_seconds, 60);
  EXPECT_EQ(c.job_workers, 2);
  ASSERT_TRUE(ApplyConfigValue(&c, "job_workers", "4", "test").ok());
  EXPECT_EQ(c.job_workers, 4);
  EXPECT_FALSE(ApplyConfigValue(&c, "job_workers", "0", "test").ok());
  EXPECT_FALSE(ApplyConfigValue(&c, "job_workers", "two", "test").ok());
  EXPECT_EQ(c.job_workers, 4);
  EXPECT_FALSE(ApplyConfigValue(&c, "alert_every_seconds", "5", "test").ok());
  EXPECT_EQ(c.alert_every_seconds, 60);
  ASSERT_TRUE(ApplyConfigValue(&c, "public_url", "https://humas.berau.go.id/", "test").ok());
  EXPECT_EQ(c.public_url, "https://humas.berau.go.id");  // links append "/mentions?..."
  EXPECT_FALSE(ApplyConfigValue(&c, "public_url", "humas.berau.go.id", "test").ok());
}

TEST(Config, FileErrorsNameTheLine) {
  std::string path = ::testing::TempDir() + "/humas_bad.conf";
  {
    std::ofstream f(path);
    f << "workers = 2\nthis line is wrong\n";
  }
  Config c;
  Status s = LoadConfigFile(&c, path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(":2"), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace humas::app
