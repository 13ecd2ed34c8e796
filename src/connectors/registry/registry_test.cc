// CredentialBox (key file, sealing, tampering) and Registry (sealed at rest, health schedule)
// against a real SQLite store.
#include "connectors/registry/registry.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "store/sqlite/test_util.h"

namespace humas::connectors {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    static int n = 0;
    dir_ = fs::temp_directory_path() /
           ("humas_registry_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    fs::create_directories(dir_);
  }
  ~TempDir() { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  fs::path dir_;
};

TEST(CredentialBoxTest, KeyFileCreatedOwnerOnlyAndReused) {
  TempDir dir;
  std::string path = dir.path("connectors.key");
  auto box = CredentialBox::OpenKeyFile(path);
  ASSERT_TRUE(box.ok()) << box.status().ToString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(st.st_size, static_cast<off_t>(crypto_secretbox_KEYBYTES));
  std::string sealed = box->Seal(R"({"token":"rahasia"})");
  // A second start reads the same key and opens what the first sealed.
  auto again = CredentialBox::OpenKeyFile(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again->Open(sealed), R"({"token":"rahasia"})");
}

TEST(CredentialBoxTest, RefusesLooseOrMalformedKeyFile) {
  TempDir dir;
  std::string path = dir.path("connectors.key");
  ASSERT_TRUE(CredentialBox::OpenKeyFile(path).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_EQ(CredentialBox::OpenKeyFile(path).status().code(), Code::kFailedPrecondition);
  std::string short_key = dir.path("short.key");
  { std::ofstream(short_key) << "too short"; }
  ASSERT_EQ(::chmod(short_key.c_str(), 0600), 0);
  EXPECT_EQ(CredentialBox::OpenKeyFile(short_key).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(CredentialBox::OpenKeyFile(dir.path("no/such/dir/key")).status().code(),
            Code::kUnavailable);
}

TEST(CredentialBoxTest, SealIsRandomisedAndTamperEvident) {
  CredentialBox::Key k1{}, k2{};
  k1.fill(1);
  k2.fill(2);
  CredentialBox a(k1), b(k2);
  std::string s1 = a.Seal("secret");
  std::string s2 = a.Seal("secret");
  EXPECT_NE(s1, s2);  // fresh nonce each time
  EXPECT_EQ(s1.find("secret"), std::string::npos);
  EXPECT_EQ(*a.Open(s1), "secret");
  EXPECT_EQ(b.Open(s1).status().code(), Code::kDataLoss);  // other key
  std::string tampered = s1;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(a.Open(tampered).status().code(), Code::kDataLoss);
  EXPECT_EQ(a.Open("not base64 !!").status().code(), Code::kDataLoss);
  EXPECT_EQ(a.Open("AAAA").status().code(), Code::kDataLoss);  // too short
  EXPECT_EQ(a.Seal(""), "");
  EXPECT_EQ(*a.Open(""), "");
}

TEST(RegistryTest, CredentialsSealedAtRestAndOpenedOnDemand) {
  auto store = store::sqlite::TempSqliteStore::Open();
  ASSERT_NE(store, nullptr);
  Agency ag;
  ag.code = "dinkes";
  ag.name = "Dinas Kesehatan";
  ASSERT_TRUE(store->agencies().Create(&ag).ok());
  CredentialBox::Key key{};
  key.fill(7);
  FakeClock clock(1'700'000'000'000);
  Registry reg(*store, clock, CredentialBox(key));

  store::Connector c;
  c.agency_id = ag.id;
  c.platform = Platform::kX;
  c.name = "X";
  ASSERT_TRUE(reg.Create(&c, R"({"bearer_token":"AAAA-rahasia"})").ok());
  auto row = store->connectors().Get(c.id);
  ASSERT_TRUE(row.ok());
  EXPECT_FALSE(row->credentials_sealed.empty());
  EXPECT_EQ(row->credentials_sealed.find("rahasia"), std::string::npos);
  EXPECT_EQ(*reg.Credentials(c.id), R"({"bearer_token":"AAAA-rahasia"})");

  // The database file itself never holds the plaintext.
  std::ifstream f(store->path(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("AAAA-rahasia"), std::string::npos);

  ASSERT_TRUE(reg.SetCredentials(c.id, "").ok());
  EXPECT_EQ(*reg.Credentials(c.id), "");
  EXPECT_EQ(reg.Credentials(c.id + 1).status().code(), Code::kNotFound);

  // A registry with another key cannot open them.
  ASSERT_TRUE(reg.SetCredentials(c.id, R"({"k":"v"})").ok());
  CredentialBox::Key other{};
  other.fill(8);
  Registry wrong(*store, clock, CredentialBox(other));
  EXPECT_EQ(wrong.Credentials(c.id).status().code(), Code::kDataLoss);
}

TEST(RegistryTest, HealthScheduleBacksOffAndResets) {
  EXPECT_EQ(Registry::NextRunDelay(60, 0), 60'000);
  EXPECT_EQ(Registry::NextRunDelay(60, 1), 120'000);
  EXPECT_EQ(Registry::NextRunDelay(60, 3), 480'000);
  EXPECT_EQ(Registry::NextRunDelay(60, 40), 24LL * 3600 * 1000);  // capped

  auto store = store::sqlite::TempSqliteStore::Open();
  ASSERT_NE(store, nullptr);
  Agency ag;
  ag.code = "dinkes";
  ag.name = "Dinas Kesehatan";
  ASSERT_TRUE(store->agencies().Create(&ag).ok());
  CredentialBox::Key key{};
  FakeClock clock(1'700'000'000'000);
  Registry reg(*store, clock, CredentialBox(key));
  store::Connector c;
  c.agency_id = ag.id;
  c.name = "feed";
  c.poll_interval_seconds = 60;
  ASSERT_TRUE(reg.Create(&c, "").ok());
  ASSERT_TRUE(reg.RecordFailure(c, "HTTP 500").ok());
  auto got = store->connectors().Get(c.id);
  EXPECT_EQ(got->health.next_run_at, clock.Now() + 120'000);
  ASSERT_TRUE(reg.RecordFailure(*got, "HTTP 500").ok());
  got = store->connectors().Get(c.id);
  EXPECT_EQ(got->health.consecutive_failures, 2);
  EXPECT_EQ(got->health.next_run_at, clock.Now() + 240'000);
  ASSERT_TRUE(reg.RecordSuccess(*got, {"", "\"e\"", ""}, 4).ok());
  got = store->connectors().Get(c.id);
  EXPECT_EQ(got->health.consecutive_failures, 0);
  EXPECT_EQ(got->health.next_run_at, clock.Now() + 60'000);
}

}  // namespace
}  // namespace humas::connectors
