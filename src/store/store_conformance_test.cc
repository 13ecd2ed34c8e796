// Backend-neutral conformance tests of every repository in store.h (instantiated per backend).
#include "store/store_conformance_test.h"

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "store/counters.h"

namespace humas::store {
namespace {

constexpr UnixMillis kHour = 3'600'000;
constexpr UnixMillis kT0 = 1'723'860'000'000;  // 2024-08-17T02:00:00Z, an hour boundary

template <typename T>
T Unwrap(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) throw std::runtime_error("unwrap of an error result: " + r.status().ToString());
  return std::move(r).value();
}

Agency MakeAgency(const std::string& code, std::optional<Id> parent = std::nullopt,
                  AgencyKind kind = AgencyKind::kAgency) {
  Agency a;
  a.code = code;
  a.name = "Dinas " + code;
  a.short_name = code;
  a.parent_id = parent;
  a.kind = kind;
  return a;
}

Mention MakeMention(const std::string& ext, const std::string& text, UnixMillis created,
                    std::optional<Id> agency = std::nullopt, Platform platform = Platform::kX,
                    const std::string& author = "warga", const std::string& sentiment = "") {
  Mention m;
  m.agency_id = agency;
  m.data.platform = platform;
  m.data.external_id = ext;
  m.data.text = text;
  m.data.created_at = created;
  m.data.author_handle = author;
  m.data.author_name = "Warga " + author;
  m.data.labels.sentiment = sentiment;
  return m;
}

std::int64_t RollupTotal(Store& store, std::optional<std::vector<Id>> scope = std::nullopt,
                         bool unassigned = true) {
  RollupFilter f;
  f.since = 0;
  f.until = kT0 * 2;
  f.agency_ids = std::move(scope);
  f.include_unassigned = unassigned;
  auto rows = store.rollups().Query(f);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::int64_t total = 0;
  if (rows.ok()) {
    for (const RollupRow& r : *rows) total += r.count;
  }
  return total;
}

// ---------------------------------------------------------------- store

TEST_P(StoreConformanceTest, PingAndVersion) {
  ASSERT_OK(store().Ping());
  EXPECT_FALSE(store().backend().empty());
  EXPECT_GE(store().schema_version(), 1);
}

// ---------------------------------------------------------------- users

User MakeUser(const std::string& name) {
  User u;
  u.username = name;
  u.display_name = "User " + name;
  u.email = name + "@example.go.id";
  u.password_hash = "$argon2id$v=19$fake";
  return u;
}

TEST_P(StoreConformanceTest, UserCreateGetRoundTrip) {
  User u = MakeUser("budi");
  u.locale = "en";
  u.telegram_chat_id = "123456789";
  u.roles = {{Role::kPetugas, 7}, {Role::kPejabat, 7}};
  ASSERT_OK(store().users().Create(&u));
  EXPECT_GT(u.id, 0);
  EXPECT_GT(u.created_at, 0);
  User got = Unwrap(store().users().Get(u.id));
  EXPECT_EQ(got.username, "budi");
  EXPECT_EQ(got.display_name, "User budi");
  EXPECT_EQ(got.email, "budi@example.go.id");
  EXPECT_EQ(got.password_hash, "$argon2id$v=19$fake");
  EXPECT_EQ(got.locale, "en");
  EXPECT_EQ(got.telegram_chat_id, "123456789");
  EXPECT_TRUE(got.active);
  ASSERT_EQ(got.roles.size(), 2u);
  std::set<Role> roles;
  for (const RoleGrant& g : got.roles) {
    roles.insert(g.role);
    EXPECT_EQ(g.agency_id, 7);
  }
  EXPECT_EQ(roles, (std::set<Role>{Role::kPetugas, Role::kPejabat}));
}

TEST_P(StoreConformanceTest, UsernameUniqueCaseInsensitive) {
  User a = MakeUser("Siti");
  ASSERT_OK(store().users().Create(&a));
  User b = MakeUser("siti");
  Status s = store().users().Create(&b);
  EXPECT_EQ(s.code(), Code::kAlreadyExists) << s.ToString();
  User got = Unwrap(store().users().GetByUsername("SITI"));
  EXPECT_EQ(got.id, a.id);
  EXPECT_EQ(Unwrap(store().users().Count()), 1);
}

TEST_P(StoreConformanceTest, UserNotFound) {
  EXPECT_EQ(store().users().Get(424242).status().code(), Code::kNotFound);
  EXPECT_EQ(store().users().GetByUsername("nobody").status().code(), Code::kNotFound);
  User ghost = MakeUser("ghost");
  ghost.id = 424242;
  EXPECT_EQ(store().users().Update(ghost).code(), Code::kNotFound);
}

TEST_P(StoreConformanceTest, UserUpdateReplacesRoles) {
  User u = MakeUser("andi");
  u.roles = {{Role::kPetugas, 1}, {Role::kPetugas, 2}};
  ASSERT_OK(store().users().Create(&u));
  u.display_name = "Andi W.";
  u.active = false;
  u.password_hash = "new";
  u.telegram_chat_id = "-1001234567890";
  u.roles = {{Role::kAdmin, 1}};
  ASSERT_OK(store().users().Update(u));
  User got = Unwrap(store().users().Get(u.id));
  EXPECT_EQ(got.display_name, "Andi W.");
  EXPECT_EQ(got.telegram_chat_id, "-1001234567890");
  EXPECT_FALSE(got.active);
  EXPECT_EQ(got.password_hash, "new");
  ASSERT_EQ(got.roles.size(), 1u);
  EXPECT_EQ(got.roles[0].role, Role::kAdmin);
  EXPECT_EQ(got.roles[0].agency_id, 1);
}

TEST_P(StoreConformanceTest, UserListPagingAndTotal) {
  for (const char* n : {"cc", "aa", "bb", "dd", "ee"}) {
    User u = MakeUser(n);
    ASSERT_OK(store().users().Create(&u));
  }
  auto page = Unwrap(store().users().List({2, 1}));
  EXPECT_EQ(page.total, 5);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].username, "bb");
  EXPECT_EQ(page.items[1].username, "cc");
  auto clamped = Unwrap(store().users().List({0, -3}));
  EXPECT_EQ(clamped.items.size(), 1u);  // limit clamped to >= 1
}

TEST_P(StoreConformanceTest, Sessions) {
  User u = MakeUser("sess");
  ASSERT_OK(store().users().Create(&u));
  Session s;
  s.token_hash = std::string(64, 'a');
  s.user_id = u.id;
  s.csrf_token = "csrf";
  s.created_at = kT0;
  s.last_seen_at = kT0;
  s.expires_at = kT0 + kHour;
  s.remote_ip = "10.0.0.1";
  s.user_agent = "Firefox";
  ASSERT_OK(store().users().CreateSession(s));
  EXPECT_EQ(store().users().CreateSession(s).code(), Code::kAlreadyExists);
  Session got = Unwrap(store().users().GetSession(s.token_hash));
  EXPECT_EQ(got.user_id, u.id);
  EXPECT_EQ(got.csrf_token, "csrf");
  EXPECT_EQ(got.expires_at, kT0 + kHour);
  EXPECT_EQ(got.remote_ip, "10.0.0.1");
  EXPECT_EQ(got.user_agent, "Firefox");

  ASSERT_OK(store().users().TouchSession(s.token_hash, kT0 + 5));
  EXPECT_EQ(Unwrap(store().users().GetSession(s.token_hash)).last_seen_at, kT0 + 5);
  EXPECT_EQ(store().users().TouchSession("missing", kT0).code(), Code::kNotFound);
  EXPECT_EQ(store().users().GetSession("missing").status().code(), Code::kNotFound);

  Session s2 = s;
  s2.token_hash = std::string(64, 'b');
  s2.expires_at = kT0 + 10 * kHour;
  ASSERT_OK(store().users().CreateSession(s2));
  Session s3 = s;
  s3.token_hash = std::string(64, 'c');
  ASSERT_OK(store().users().CreateSession(s3));

  EXPECT_EQ(Unwrap(store().users().DeleteExpiredSessions(kT0 + 2 * kHour)), 2);
  EXPECT_EQ(store().users().GetSession(s.token_hash).status().code(), Code::kNotFound);
  ASSERT_OK(store().users().GetSession(s2.token_hash).status());

  ASSERT_OK(store().users().DeleteSession(s2.token_hash));
  EXPECT_EQ(store().users().GetSession(s2.token_hash).status().code(), Code::kNotFound);

  Session s4 = s2;
  s4.token_hash = std::string(64, 'd');
  ASSERT_OK(store().users().CreateSession(s4));
  ASSERT_OK(store().users().DeleteUserSessions(u.id));
  EXPECT_EQ(store().users().GetSession(s4.token_hash).status().code(), Code::kNotFound);
}

// ---------------------------------------------------------------- agencies

TEST_P(StoreConformanceTest, AgencyCreateGetAndUniqueCode) {
  Agency region = MakeAgency("berau", std::nullopt, AgencyKind::kRegion);
  region.timezone = "Asia/Makassar";
  region.email = "diskominfo@beraukab.go.id";
  ASSERT_OK(store().agencies().Create(&region));
  Agency dinkes = MakeAgency("dinkes", region.id);
  ASSERT_OK(store().agencies().Create(&dinkes));

  Agency got = Unwrap(store().agencies().Get(dinkes.id));
  EXPECT_EQ(got.code, "dinkes");
  EXPECT_EQ(got.parent_id, region.id);
  EXPECT_EQ(got.kind, AgencyKind::kAgency);
  Agency by_code = Unwrap(store().agencies().GetByCode("berau"));
  EXPECT_EQ(by_code.id, region.id);
  EXPECT_EQ(by_code.timezone, "Asia/Makassar");
  EXPECT_EQ(by_code.email, "diskominfo@beraukab.go.id");
  EXPECT_FALSE(by_code.parent_id.has_value());

  Agency dup = MakeAgency("dinkes", region.id);
  EXPECT_EQ(store().agencies().Create(&dup).code(), Code::kAlreadyExists);
  EXPECT_EQ(store().agencies().Get(999999).status().code(), Code::kNotFound);
  EXPECT_EQ(store().agencies().GetByCode("nope").status().code(), Code::kNotFound);
}

TEST_P(StoreConformanceTest, AgencyUpdate) {
  Agency region = MakeAgency("region", std::nullopt, AgencyKind::kRegion);
  ASSERT_OK(store().agencies().Create(&region));
  Agency a = MakeAgency("a", region.id);
  Agency b = MakeAgency("b", region.id);
  ASSERT_OK(store().agencies().Create(&a));
  ASSERT_OK(store().agencies().Create(&b));

  a.name = "Dinas Baru";
  a.active = false;
  ASSERT_OK(store().agencies().Update(a));
  Agency got = Unwrap(store().agencies().Get(a.id));
  EXPECT_EQ(got.name, "Dinas Baru");
  EXPECT_FALSE(got.active);

  Agency taken = b;
  taken.code = "a";
  EXPECT_EQ(store().agencies().Update(taken).code(), Code::kAlreadyExists);
  Agency missing = a;
  missing.id = 777777;
  missing.code = "zzz";
  EXPECT_EQ(store().agencies().Update(missing).code(), Code::kNotFound);

  // Hierarchy stays a tree: region cannot move below its own child.
  Agency cyclic = region;
  cyclic.parent_id = a.id;
  EXPECT_EQ(store().agencies().Update(cyclic).code(), Code::kInvalidArgument);
}

TEST_P(StoreConformanceTest, AgencyListFilters) {
  Agency region = MakeAgency("kab", std::nullopt, AgencyKind::kRegion);
  ASSERT_OK(store().agencies().Create(&region));
  Agency dinkes = MakeAgency("dinkes", region.id);
  dinkes.name = "Dinas Kesehatan";
  Agency dishub = MakeAgency("dishub", region.id);
  dishub.name = "Dinas Perhubungan";
  dishub.active = false;
  ASSERT_OK(store().agencies().Create(&dinkes));
  ASSERT_OK(store().agencies().Create(&dishub));
  Agency unit = MakeAgency("puskesmas", dinkes.id, AgencyKind::kUnit);
  unit.name = "Puskesmas Tanjung Redeb";
  ASSERT_OK(store().agencies().Create(&unit));

  AgencyFilter f;
  f.q = "KESEHATAN";
  auto r = Unwrap(store().agencies().List(f, {}));
  ASSERT_EQ(r.total, 1);
  EXPECT_EQ(r.items[0].id, dinkes.id);

  f = {};
  f.kind = AgencyKind::kUnit;
  r = Unwrap(store().agencies().List(f, {}));
  ASSERT_EQ(r.total, 1);
  EXPECT_EQ(r.items[0].id, unit.id);

  f = {};
  f.parent_id = region.id;
  EXPECT_EQ(Unwrap(store().agencies().List(f, {})).total, 2);

  f = {};
  f.active = false;
  r = Unwrap(store().agencies().List(f, {}));
  ASSERT_EQ(r.total, 1);
  EXPECT_EQ(r.items[0].id, dishub.id);

  f = {};
  f.ids = std::vector<Id>{dinkes.id, unit.id};
  EXPECT_EQ(Unwrap(store().agencies().List(f, {})).total, 2);
  f.ids = std::vector<Id>{};
  EXPECT_EQ(Unwrap(store().agencies().List(f, {})).total, 0);

  // q is a substring match, with LIKE wildcards taken literally.
  f = {};
  f.q = "%";
  EXPECT_EQ(Unwrap(store().agencies().List(f, {})).total, 0);

  auto paged = Unwrap(store().agencies().List({}, {1, 1}));
  EXPECT_EQ(paged.total, 4);
  EXPECT_EQ(paged.items.size(), 1u);
  EXPECT_EQ(Unwrap(store().agencies().All()).size(), 4u);
}

// ---------------------------------------------------------------- accounts

TEST_P(StoreConformanceTest, AccountsUniqueHandleAndChecklist) {
  Agency a = MakeAgency("dinkes");
  ASSERT_OK(store().agencies().Create(&a));
  Account acc;
  acc.agency_id = a.id;
  acc.platform = Platform::kInstagram;
  acc.platform_type = PlatformType::kMediaSharing;
  acc.handle = "@Dinkes_Berau";
  acc.display_name = "Dinkes Berau";
  acc.status = AccountStatus::kPending;
  acc.security.two_factor = true;
  acc.security.recovery_owned_by_agency = true;
  acc.security.custodian = "Sekretaris";
  acc.security.last_review = kT0;
  acc.verified = true;
  ASSERT_OK(store().accounts().Create(&acc));

  Account got = Unwrap(store().accounts().Get(acc.id));
  EXPECT_EQ(got.handle, "@Dinkes_Berau");
  EXPECT_EQ(got.platform, Platform::kInstagram);
  EXPECT_EQ(got.platform_type, PlatformType::kMediaSharing);
  EXPECT_EQ(got.status, AccountStatus::kPending);
  EXPECT_TRUE(got.security.two_factor);
  EXPECT_TRUE(got.security.recovery_owned_by_agency);
  EXPECT_FALSE(got.security.password_in_custody);
  EXPECT_EQ(got.security.custodian, "Sekretaris");
  EXPECT_EQ(got.security.last_review, kT0);
  EXPECT_TRUE(got.verified);

  Account dup = acc;
  dup.handle = "@dinkes_berau";
  EXPECT_EQ(store().accounts().Create(&dup).code(), Code::kAlreadyExists);
  Account other_platform = acc;
  other_platform.platform = Platform::kX;
  ASSERT_OK(store().accounts().Create(&other_platform));

  Account bad_agency = acc;
  bad_agency.handle = "@x";
  bad_agency.agency_id = 999999;
  Status s = store().accounts().Create(&bad_agency);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.code(), Code::kAlreadyExists);

  got.security.last_review.reset();
  got.status = AccountStatus::kActive;
  ASSERT_OK(store().accounts().Update(got));
  Account updated = Unwrap(store().accounts().Get(acc.id));
  EXPECT_FALSE(updated.security.last_review.has_value());
  EXPECT_EQ(updated.status, AccountStatus::kActive);

  Account clash = other_platform;
  clash.platform = Platform::kInstagram;
  EXPECT_EQ(store().accounts().Update(clash).code(), Code::kAlreadyExists);
  Account missing = acc;
  missing.id = 999999;
  missing.handle = "@free";
  EXPECT_EQ(store().accounts().Update(missing).code(), Code::kNotFound);
  EXPECT_EQ(store().accounts().Get(999999).status().code(), Code::kNotFound);
}

TEST_P(StoreConformanceTest, AccountListAndCounts) {
  Agency a = MakeAgency("a");
  Agency b = MakeAgency("b");
  ASSERT_OK(store().agencies().Create(&a));
  ASSERT_OK(store().agencies().Create(&b));
  auto add = [&](Id agency, Platform p, const std::string& handle) {
    Account acc;
    acc.agency_id = agency;
    acc.platform = p;
    acc.handle = handle;
    ASSERT_OK(store().accounts().Create(&acc));
  };
  add(a.id, Platform::kX, "@a_x");
  add(a.id, Platform::kFacebook, "@a_fb");
  add(b.id, Platform::kX, "@b_x");

  AccountFilter f;
  f.agency_id = a.id;
  EXPECT_EQ(Unwrap(store().accounts().List(f, {})).total, 2);
  f = {};
  f.platform = Platform::kX;
  EXPECT_EQ(Unwrap(store().accounts().List(f, {})).total, 2);
  f = {};
  f.q = "B_X";
  EXPECT_EQ(Unwrap(store().accounts().List(f, {})).total, 1);
  f = {};
  f.agency_ids = std::vector<Id>{b.id};
  EXPECT_EQ(Unwrap(store().accounts().List(f, {})).total, 1);
  f = {};
  f.status = AccountStatus::kSuspended;
  EXPECT_EQ(Unwrap(store().accounts().List(f, {})).total, 0);

  auto counts = Unwrap(store().accounts().CountByAgency());
  EXPECT_EQ(counts[a.id], 2);
  EXPECT_EQ(counts[b.id], 1);
}

// ---------------------------------------------------------------- appointments

TEST_P(StoreConformanceTest, Appointments) {
  Agency a = MakeAgency("a");
  ASSERT_OK(store().agencies().Create(&a));
  Appointment ap;
  ap.agency_id = a.id;
  ap.role = AppointmentRole::kPejabat;
  ap.person_name = "Drs. Hasan";
  ap.nip = "197001012000031001";
  ap.decree_number = "800/123/2024";
  ap.decree_date = "2024-01-02";
  ap.valid_from = "2024-01-02";
  ASSERT_OK(store().appointments().Create(&ap));
  Appointment got = Unwrap(store().appointments().Get(ap.id));
  EXPECT_EQ(got.person_name, "Drs. Hasan");
  EXPECT_EQ(got.role, AppointmentRole::kPejabat);
  EXPECT_EQ(got.decree_number, "800/123/2024");
  EXPECT_FALSE(got.user_id.has_value());
  EXPECT_EQ(got.valid_until, "");

  got.valid_until = "2025-01-01";
  got.active = false;
  ASSERT_OK(store().appointments().Update(got));
  EXPECT_FALSE(Unwrap(store().appointments().Get(ap.id)).active);

  Appointment petugas = ap;
  petugas.role = AppointmentRole::kPetugas;
  petugas.person_name = "Rina";
  ASSERT_OK(store().appointments().Create(&petugas));

  AppointmentFilter f;
  f.q = "800/123";
  EXPECT_EQ(Unwrap(store().appointments().List(f, {})).total, 2);
  f = {};
  f.role = AppointmentRole::kPetugas;
  EXPECT_EQ(Unwrap(store().appointments().List(f, {})).total, 1);
  f = {};
  f.active = true;
  EXPECT_EQ(Unwrap(store().appointments().List(f, {})).total, 1);
  f = {};
  f.agency_ids = std::vector<Id>{a.id + 1000};
  EXPECT_EQ(Unwrap(store().appointments().List(f, {})).total, 0);
  EXPECT_EQ(Unwrap(store().appointments().CountByAgency())[a.id], 2);

  EXPECT_EQ(store().appointments().Get(999999).status().code(), Code::kNotFound);
  Appointment missing = ap;
  missing.id = 999999;
  EXPECT_EQ(store().appointments().Update(missing).code(), Code::kNotFound);
}

// ---------------------------------------------------------------- mentions

TEST_P(StoreConformanceTest, MentionRoundTripsEveryField) {
  Agency a = MakeAgency("dinkes");
  ASSERT_OK(store().agencies().Create(&a));
  Account acc;
  acc.agency_id = a.id;
  acc.platform = Platform::kFacebook;
  acc.handle = "dinkes";
  ASSERT_OK(store().accounts().Create(&acc));

  Mention m = MakeMention("fb_1", "Pelayanan puskesmas lambat", kT0 + 123, a.id,
                          Platform::kFacebook, "ani", "negative");
  m.account_id = acc.id;
  MentionInput& d = m.data;
  d.url = "https://facebook.com/1";
  d.kind = MentionKind::kComment;
  d.agency_code = "dinkes";
  d.in_reply_to = "fb_0";
  d.shared_from = "fb_x";
  d.shares = 3;
  d.likes = 4;
  d.replies = 5;
  d.labels.sentiment_confidence = 0.75;
  d.labels.input_kind = "keluhan";
  d.labels.input_kind_confidence = 0.5;
  d.labels.hoax_score = 0.125;
  d.labels.has_personal_data = true;
  auto out = Unwrap(store().mentions().UpsertBatch({m}, kT0 + 999));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].kind, UpsertOutcome::Kind::kInserted);

  Mention got = Unwrap(store().mentions().Get(out[0].id));
  EXPECT_EQ(got.id, out[0].id);
  EXPECT_EQ(got.agency_id, a.id);
  EXPECT_EQ(got.account_id, acc.id);
  EXPECT_EQ(got.ingested_at, kT0 + 999);
  const MentionInput& g = got.data;
  EXPECT_EQ(g.platform, Platform::kFacebook);
  EXPECT_EQ(g.external_id, "fb_1");
  EXPECT_EQ(g.url, "https://facebook.com/1");
  EXPECT_EQ(g.author_handle, "ani");
  EXPECT_EQ(g.author_name, "Warga ani");
  EXPECT_EQ(g.text, "Pelayanan puskesmas lambat");
  EXPECT_EQ(g.created_at, kT0 + 123);
  EXPECT_EQ(g.kind, MentionKind::kComment);
  EXPECT_EQ(g.agency_code, "dinkes");
  EXPECT_EQ(g.in_reply_to, "fb_0");
  EXPECT_EQ(g.shared_from, "fb_x");
  EXPECT_EQ(g.shares, 3);
  EXPECT_EQ(g.likes, 4);
  EXPECT_EQ(g.replies, 5);
  EXPECT_EQ(g.labels.sentiment, "negative");
  EXPECT_DOUBLE_EQ(g.labels.sentiment_confidence, 0.75);
  EXPECT_EQ(g.labels.input_kind, "keluhan");
  EXPECT_DOUBLE_EQ(g.labels.input_kind_confidence, 0.5);
  EXPECT_DOUBLE_EQ(g.labels.hoax_score, 0.125);
  EXPECT_TRUE(g.labels.has_personal_data);

  EXPECT_EQ(store().mentions().Get(out[0].id + 1000).status().code(), Code::kNotFound);
}

TEST_P(StoreConformanceTest, UpsertIsIdempotentAndRaisesEngagement) {
  Mention m = MakeMention("x_1", "banjir di jalan", kT0);
  m.data.likes = 10;
  m.data.shares = 2;
  auto first = Unwrap(store().mentions().UpsertBatch({m}, kT0));
  ASSERT_EQ(first[0].kind, UpsertOutcome::Kind::kInserted);

  auto again = Unwrap(store().mentions().UpsertBatch({m}, kT0 + 1));
  EXPECT_EQ(again[0].kind, UpsertOutcome::Kind::kDuplicate);
  EXPECT_EQ(again[0].id, first[0].id);

  Mention lower = m;
  lower.data.likes = 5;  // an older copy never lowers counts
  EXPECT_EQ(Unwrap(store().mentions().UpsertBatch({lower}, kT0))[0].kind,
            UpsertOutcome::Kind::kDuplicate);
  EXPECT_EQ(Unwrap(store().mentions().Get(first[0].id)).data.likes, 10);

  Mention higher = m;
  higher.data.likes = 12;
  higher.data.replies = 1;
  higher.data.shares = 1;  // lower than stored: stays 2
  auto up = Unwrap(store().mentions().UpsertBatch({higher}, kT0));
  EXPECT_EQ(up[0].kind, UpsertOutcome::Kind::kUpdated);
  EXPECT_EQ(up[0].id, first[0].id);
  Mention got = Unwrap(store().mentions().Get(first[0].id));
  EXPECT_EQ(got.data.likes, 12);
  EXPECT_EQ(got.data.replies, 1);
  EXPECT_EQ(got.data.shares, 2);

  // Same external id on another platform is another mention.
  Mention other = m;
  other.data.platform = Platform::kInstagram;
  EXPECT_EQ(Unwrap(store().mentions().UpsertBatch({other}, kT0))[0].kind,
            UpsertOutcome::Kind::kInserted);
  EXPECT_EQ(Unwrap(store().mentions().Search({}, {})).total, 2);
}

TEST_P(StoreConformanceTest, UpsertBatchReportsOutcomesInOrder) {
  auto first = Unwrap(store().mentions().UpsertBatch(
      {MakeMention("a", "satu", kT0), MakeMention("b", "dua", kT0)}, kT0));
  Mention b2 = MakeMention("b", "dua", kT0);
  b2.data.likes = 9;
  auto out = Unwrap(
      store().mentions().UpsertBatch({MakeMention("c", "tiga", kT0), MakeMention("a", "satu", kT0),
                                      b2, MakeMention("c", "tiga", kT0)},
                                     kT0));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].kind, UpsertOutcome::Kind::kInserted);
  EXPECT_EQ(out[1].kind, UpsertOutcome::Kind::kDuplicate);
  EXPECT_EQ(out[1].id, first[0].id);
  EXPECT_EQ(out[2].kind, UpsertOutcome::Kind::kUpdated);
  EXPECT_EQ(out[2].id, first[1].id);
  EXPECT_EQ(out[3].kind, UpsertOutcome::Kind::kDuplicate);  // duplicate within the batch
  EXPECT_EQ(out[3].id, out[0].id);
  EXPECT_TRUE(Unwrap(store().mentions().UpsertBatch({}, kT0)).empty());
}

// Near-duplicate flags (Mention::near_duplicate): stored as given or, for a copy of an earlier
// mention of the same batch, with that mention's id; loaded with the original's agency; listed
// by original and filtered in or out.
TEST_P(StoreConformanceTest, NearDuplicateFlagsAreStoredLoadedAndFiltered) {
  Agency a = MakeAgency("a");
  ASSERT_OK(store().agencies().Create(&a));
  auto first = Unwrap(store().mentions().UpsertBatch(
      {MakeMention("orig", "teks asli", kT0, a.id), MakeMention("other", "lain", kT0 + 1)}, kT0));
  Mention stored_copy = MakeMention("copy1", "teks asli lagi", kT0 + 2);
  stored_copy.near_duplicate = NearDuplicate{first[0].id, 0.8, std::nullopt};
  Mention batch_orig = MakeMention("orig2", "kampanye", kT0 + 3, a.id);
  Mention batch_copy = MakeMention("copy2", "kampanye lagi", kT0 + 4);
  batch_copy.near_duplicate = NearDuplicate{0, 0.7, std::nullopt};
  batch_copy.near_duplicate_in_batch = 1;
  Mention unknown = MakeMention("copy3", "tanpa asal", kT0 + 5);
  unknown.near_duplicate = NearDuplicate{0, 0.6, std::nullopt};  // of = 0: not stored as a flag
  auto out =
      Unwrap(store().mentions().UpsertBatch({stored_copy, batch_orig, batch_copy, unknown}, kT0));
  Mention c1 = Unwrap(store().mentions().Get(out[0].id));
  ASSERT_TRUE(c1.near_duplicate);
  EXPECT_EQ(c1.near_duplicate->of, first[0].id);
  EXPECT_DOUBLE_EQ(c1.near_duplicate->similarity, 0.8);
  EXPECT_EQ(c1.near_duplicate->of_agency_id, std::optional<Id>(a.id));  // loaded, not as given
  Mention c2 = Unwrap(store().mentions().Get(out[2].id));
  ASSERT_TRUE(c2.near_duplicate);
  EXPECT_EQ(c2.near_duplicate->of, out[1].id);
  EXPECT_DOUBLE_EQ(c2.near_duplicate->similarity, 0.7);
  EXPECT_FALSE(Unwrap(store().mentions().Get(out[3].id)).near_duplicate);
  EXPECT_FALSE(Unwrap(store().mentions().Get(first[0].id)).near_duplicate);

  MentionFilter f;
  f.near_duplicate_of = first[0].id;
  auto copies = Unwrap(store().mentions().Search(f, {}));
  ASSERT_EQ(copies.total, 1);
  EXPECT_EQ(copies.items[0].id, out[0].id);
  f = {};
  f.near_duplicates = NearDuplicates::kOnly;
  EXPECT_EQ(Unwrap(store().mentions().Search(f, {})).total, 2);
  f.near_duplicates = NearDuplicates::kExclude;
  EXPECT_EQ(Unwrap(store().mentions().Search(f, {})).total, 4);
  f.near_duplicates = NearDuplicates::kInclude;
  EXPECT_EQ(Unwrap(store().mentions().Search(f, {})).total, 6);
}

// The cluster sizes kept when a copy is stored equal the copies listed by Search, per scope;
// re-sent copies (duplicates, engagement raised) count once; a rebuild gives the same.
TEST_P(StoreConformanceTest, NearDuplicateCopiesAreCountedWhenACopyIsStored) {
  Agency a = MakeAgency("a");
  Agency b = MakeAgency("b");
  ASSERT_OK(store().agencies().Create(&a));
  ASSERT_OK(store().agencies().Create(&b));
  auto roots = Unwrap(store().mentions().UpsertBatch(
      {MakeMention("r1", "kampanye satu", kT0, a.id), MakeMention("r2", "kampanye dua", kT0)},
      kT0));
  const std::optional<Id> agencies[] = {a.id, b.id, std::nullopt};
  int serial = 0;
  for (int round = 0; round < 4; ++round) {
    std::vector<Mention> batch;
    for (int i = 0; i < 7; ++i) {
      ++serial;
      Mention m = MakeMention("c" + std::to_string(serial), "salinan", kT0 + serial,
                              agencies[(round + i) % 3]);
      m.near_duplicate = NearDuplicate{roots[static_cast<size_t>(i % 2)].id, 0.9, std::nullopt};
      batch.push_back(m);
    }
    // A copy of this batch's first copy (in-batch) and a re-sent copy (a duplicate).
    ++serial;
    Mention in_batch = MakeMention("c" + std::to_string(serial), "salinan", kT0 + serial, b.id);
    in_batch.near_duplicate = NearDuplicate{0, 0.8, std::nullopt};
    in_batch.near_duplicate_in_batch = 0;
    batch.push_back(in_batch);
    Mention again = batch[0];
    again.data.likes = 50 + round;
    batch.push_back(again);
    ASSERT_OK(store().mentions().UpsertBatch(batch, kT0).status());
  }
  auto expect_counts = [&] {
    std::vector<Id> clusters = {roots[0].id, roots[1].id};
    for (Id of = roots[1].id + 1; of < roots[1].id + 40; ++of) clusters.push_back(of);
    for (Id of : clusters) {
      const std::vector<std::optional<std::vector<Id>>> scopes = {
          std::nullopt, std::vector<Id>{a.id}, std::vector<Id>{a.id, b.id}};
      for (const auto& scope : scopes) {
        for (bool unassigned : {false, true}) {
          MentionFilter f;
          f.near_duplicate_of = of;
          f.agency_ids = scope;
          f.include_unassigned = unassigned;
          EXPECT_EQ(Unwrap(store().counters().NearDuplicateCopies(of, scope, unassigned)),
                    Unwrap(store().mentions().Search(f, {1, 0})).total)
              << "cluster " << of << " scope " << (scope ? scope->size() : 0) << " unassigned "
              << unassigned;
        }
      }
    }
  };
  expect_counts();
  EXPECT_EQ(Unwrap(store().counters().NearDuplicateCopies(roots[0].id, std::nullopt, true)), 16);
  ASSERT_OK(store().counters().Rebuild());
  expect_counts();
  EXPECT_EQ(Unwrap(store().counters().NearDuplicateCopies(roots[1].id, std::nullopt, true)), 12);
}

TEST_P(StoreConformanceTest, RollupsCountEachNewMentionOnce) {
  Agency a = MakeAgency("a");
  Agency b = MakeAgency("b");
  ASSERT_OK(store().agencies().Create(&a));
  ASSERT_OK(store().agencies().Create(&b));
  std::vector<Mention> batch = {
      MakeMention("1", "t", kT0 + 5, a.id, Platform::kX, "u", "negative"),
      MakeMention("2", "t", kT0 + kHour - 1, a.id, Platform::kX, "u", "negative"),
      MakeMention("3", "t", kT0 + kHour, a.id, Platform::kX, "u", "negative"),
      MakeMention("4", "t", kT0 + 10, a.id, Platform::kX, "u", "positive"),
      MakeMention("5", "t", kT0 + 10, b.id, Platform::kFacebook, "u", ""),
      MakeMention("6", "t", kT0 + 10, std::nullopt, Platform::kX, "u", "neutral"),
  };
  ASSERT_OK(store().mentions().UpsertBatch(batch, kT0).status());
  Mention bumped = batch[0];
  bumped.data.likes = 100;
  ASSERT_OK(store().mentions().UpsertBatch(batch, kT0).status());     // all duplicates
  ASSERT_OK(store().mentions().UpsertBatch({bumped}, kT0).status());  // updated, not new

  RollupFilter f;
  f.since = kT0;
  f.until = kT0 + 2 * kHour;
  auto rows = Unwrap(store().rollups().Query(f));
  auto count = [&](UnixMillis hour, std::optional<Id> agency, Platform p,
                   const std::string& sentiment) -> std::int64_t {
    for (const RollupRow& r : rows) {
      if (r.hour == hour && r.agency_id == agency && r.platform == p && r.sentiment == sentiment) {
        return r.count;
      }
    }
    return 0;
  };
  EXPECT_EQ(count(kT0, a.id, Platform::kX, "negative"), 2);
  EXPECT_EQ(count(kT0 + kHour, a.id, Platform::kX, "negative"), 1);
  EXPECT_EQ(count(kT0, a.id, Platform::kX, "positive"), 1);
  EXPECT_EQ(count(kT0, b.id, Platform::kFacebook, ""), 1);
  EXPECT_EQ(count(kT0, std::nullopt, Platform::kX, "neutral"), 1);
  EXPECT_EQ(RollupTotal(store()), 6);

  // Window and scope.
  f.until = kT0 + kHour;
  std::int64_t first_hour = 0;
  for (const RollupRow& r : Unwrap(store().rollups().Query(f))) first_hour += r.count;
  EXPECT_EQ(first_hour, 5);
  EXPECT_EQ(RollupTotal(store(), std::vector<Id>{a.id}, false), 4);
  EXPECT_EQ(RollupTotal(store(), std::vector<Id>{a.id}, true), 5);
  EXPECT_EQ(RollupTotal(store(), std::vector<Id>{}, false), 0);

  // Rebuild from the mentions gives the same counters.
  auto before = Unwrap(store().rollups().Query({0, kT0 * 2, std::nullopt, true}));
  ASSERT_OK(store().rollups().Rebuild());
  auto after = Unwrap(store().rollups().Query({0, kT0 * 2, std::nullopt, true}));
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].hour, after[i].hour);
    EXPECT_EQ(before[i].agency_id, after[i].agency_id);
    EXPECT_EQ(before[i].platform, after[i].platform);
    EXPECT_EQ(before[i].sentiment, after[i].sentiment);
    EXPECT_EQ(before[i].count, after[i].count);
  }
}

TEST_P(StoreConformanceTest, FailedBatchStoresNothing) {
  Agency a = MakeAgency("a");
  ASSERT_OK(store().agencies().Create(&a));
  ASSERT_OK(store().mentions().UpsertBatch({MakeMention("old", "lama", kT0, a.id)}, kT0).status());

  std::vector<Mention> batch;
  for (int i = 0; i < 50; ++i) {
    batch.push_back(MakeMention("new" + std::to_string(i), "jalan rusak", kT0 + i, a.id));
  }
  Mention old_bumped = MakeMention("old", "lama", kT0, a.id);
  old_bumped.data.likes = 77;
  batch.insert(batch.begin() + 10, old_bumped);
  batch[30].agency_id = 987654;  // no such agency: violates the reference midway
  auto r = store().mentions().UpsertBatch(batch, kT0);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition) << r.status().ToString();
  // The same for an account that does not exist, also with the inbox opening cases.
  batch[30].agency_id = a.id;
  batch[40].account_id = 424242;
  batch[40].data.labels.input_kind = "pertanyaan";
  r = store().mentions().UpsertBatch(batch, kT0, /*open_cases=*/true);
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition) << r.status().ToString();
  // A copy of a stored mention names no new reference: a wrong one there changes nothing.
  Mention again = MakeMention("old", "lama", kT0, 555555);
  ASSERT_OK(store().mentions().UpsertBatch({again}, kT0).status());

  auto all = Unwrap(store().mentions().Search({}, {}));
  EXPECT_EQ(all.total, 1);
  EXPECT_EQ(all.items[0].data.external_id, "old");
  EXPECT_EQ(all.items[0].data.likes, 0);  // the engagement raise was rolled back too
  MentionFilter f;
  f.q = "rusak";
  EXPECT_EQ(Unwrap(store().mentions().Search(f, {})).total, 0);  // nothing indexed
  EXPECT_EQ(RollupTotal(store()), 1);                            // nothing counted

  // A mention without an external id is rejected before anything is written.
  std::vector<Mention> bad = {MakeMention("ok", "x", kT0), MakeMention("", "y", kT0)};
  EXPECT_EQ(store().mentions().UpsertBatch(bad, kT0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Unwrap(store().mentions().Search({}, {})).total, 1);
}

}  // namespace

class MentionSearchTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    if (HasFatalFailure()) return;
    a_ = MakeAgency("a");
    b_ = MakeAgency("b");
    ASSERT_OK(store().agencies().Create(&a_));
    ASSERT_OK(store().agencies().Create(&b_));
    std::vector<Mention> ms = {
        MakeMention("1", "Jalan rusak di Tanjung Redeb", kT0 + 1, a_.id, Platform::kX, "Ani"),
        MakeMention("2", "jalan di Tanjung Redeb sudah bagus", kT0 + 2, a_.id, Platform::kX,
                    "budi"),
        MakeMention("3", "Kafe baru: café Redeb enak", kT0 + 3, b_.id, Platform::kInstagram, "ani"),
        MakeMention("4", "rusak parah jembatan", kT0 + 4, std::nullopt, Platform::kFacebook,
                    "cici"),
        MakeMention("5", "Vaksin covid-19 gratis di puskesmas", kT0 + 4, b_.id, Platform::kX,
                    "dedi"),
        MakeMention("6", "AND OR NOT NEAR kata kunci", kT0 + 6, a_.id, Platform::kX, "eko"),
    };
    auto out = Unwrap(store().mentions().UpsertBatch(ms, kT0));
    for (const UpsertOutcome& o : out) ids_.push_back(o.id);
  }

  std::vector<std::string> Search(MentionFilter f, Page page = {}) {
    auto r = store().mentions().Search(f, page);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> ext;
    if (r.ok()) {
      for (const Mention& m : r->items) ext.push_back(m.data.external_id);
    }
    return ext;
  }
  std::vector<std::string> Q(const std::string& q) {
    MentionFilter f;
    f.q = q;
    return Search(f);
  }

  Agency a_, b_;
  std::vector<Id> ids_;
};

namespace {
// A batch long enough to span several of the backend's insert statements (SQLite: 16 rows each),
// with stored duplicates and duplicates within the batch at a statement's first and last row and
// near-duplicate flags naming rows before and after a duplicate: every outcome, id, row, full-text
// entry and flag is the one a row-by-row upsert gives.
TEST_P(StoreConformanceTest, LongBatchesKeepEveryOutcomeAcrossStatements) {
  std::vector<Mention> early;
  for (int i = 0; i < 3; ++i)
    early.push_back(MakeMention("e" + std::to_string(i), "awal lama" + std::to_string(i), kT0));
  auto stored = Unwrap(store().mentions().UpsertBatch(early, kT0));
  std::vector<Mention> batch;
  std::vector<Id> want_dup_of(60, 0);  // expected id of a duplicate at that position
  std::vector<int> in_batch_dup(60, -1);
  for (int i = 0; i < 60; ++i)
    batch.push_back(MakeMention("n" + std::to_string(i), "baru kata" + std::to_string(i), kT0 + i));
  batch[0] = early[1];  // a stored one, first row of the first statement
  want_dup_of[0] = stored[1].id;
  batch[15] = early[2];  // last row of the first statement
  want_dup_of[15] = stored[2].id;
  batch[16] = batch[3];  // first row of the second statement, a copy of an earlier row
  in_batch_dup[16] = 3;
  batch[33] = batch[31];  // between a near-duplicate and the row it names
  in_batch_dup[33] = 31;
  batch[20].near_duplicate = NearDuplicate{0, 0.9, std::nullopt};
  batch[20].near_duplicate_in_batch = 18;  // same statement, before it
  batch[34].near_duplicate = NearDuplicate{0, 0.8, std::nullopt};
  batch[34].near_duplicate_in_batch = 32;  // before the duplicate at 33
  batch[40].near_duplicate = NearDuplicate{0, 0.7, std::nullopt};
  batch[40].near_duplicate_in_batch = 5;  // an earlier statement
  auto out = Unwrap(store().mentions().UpsertBatch(batch, kT0));
  ASSERT_EQ(out.size(), batch.size());
  Id last = stored.back().id;
  for (size_t i = 0; i < batch.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    if (want_dup_of[i] != 0) {
      EXPECT_EQ(out[i].kind, UpsertOutcome::Kind::kDuplicate);
      EXPECT_EQ(out[i].id, want_dup_of[i]);
      continue;
    }
    if (in_batch_dup[i] >= 0) {
      EXPECT_EQ(out[i].kind, UpsertOutcome::Kind::kDuplicate);
      EXPECT_EQ(out[i].id, out[static_cast<size_t>(in_batch_dup[i])].id);
      continue;
    }
    EXPECT_EQ(out[i].kind, UpsertOutcome::Kind::kInserted);
    EXPECT_GT(out[i].id, last);  // new rows get increasing ids in batch order
    last = out[i].id;
    Mention got = Unwrap(store().mentions().Get(out[i].id));
    EXPECT_EQ(got.data.external_id, batch[i].data.external_id);
    EXPECT_EQ(got.data.text, batch[i].data.text);
    EXPECT_EQ(got.data.created_at, batch[i].data.created_at);
    MentionFilter f;
    f.q = "kata" + std::to_string(i);
    auto found = Unwrap(store().mentions().Search(f, {}));
    ASSERT_EQ(found.items.size(), 1u);
    EXPECT_EQ(found.items[0].id, out[i].id);
  }
  for (auto [copy, of] : {std::pair{20, 18}, std::pair{34, 32}, std::pair{40, 5}}) {
    Mention got = Unwrap(store().mentions().Get(out[static_cast<size_t>(copy)].id));
    ASSERT_TRUE(got.near_duplicate) << copy;
    EXPECT_EQ(got.near_duplicate->of, out[static_cast<size_t>(of)].id) << copy;
  }
  EXPECT_EQ(Unwrap(store().mentions().Search({}, {})).total, 3 + 60 - 4);
}

using Strings = std::vector<std::string>;

TEST_P(MentionSearchTest, NewestFirstWithIdTieBreak) {
  EXPECT_EQ(Search({}), (Strings{"6", "5", "4", "3", "2", "1"}));
}

TEST_P(MentionSearchTest, Filters) {
  MentionFilter f;
  f.agency_id = a_.id;
  EXPECT_EQ(Search(f), (Strings{"6", "2", "1"}));
  f = {};
  f.platform = Platform::kX;
  EXPECT_EQ(Search(f), (Strings{"6", "5", "2", "1"}));
  f = {};
  f.author = "ANI";
  EXPECT_EQ(Search(f), (Strings{"3", "1"}));
  f = {};
  f.since = kT0 + 2;
  f.until = kT0 + 4;
  EXPECT_EQ(Search(f), (Strings{"3", "2"}));
  f = {};
  f.agency_ids = std::vector<Id>{b_.id};
  f.include_unassigned = false;
  EXPECT_EQ(Search(f), (Strings{"5", "3"}));
  f.include_unassigned = true;
  EXPECT_EQ(Search(f), (Strings{"5", "4", "3"}));
  f.agency_ids = std::vector<Id>{};
  f.include_unassigned = false;
  EXPECT_TRUE(Search(f).empty());
}

TEST_P(MentionSearchTest, PagingAndTotals) {
  MentionFilter f;
  f.platform = Platform::kX;
  auto r = Unwrap(store().mentions().Search(f, {2, 1}));
  EXPECT_EQ(r.total, 4);
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_EQ(r.items[0].data.external_id, "5");
  EXPECT_EQ(r.items[1].data.external_id, "2");
  auto past = Unwrap(store().mentions().Search(f, {10, 100}));
  EXPECT_EQ(past.total, 4);
  EXPECT_TRUE(past.items.empty());
  f.q = "jalan";
  auto fts = Unwrap(store().mentions().Search(f, {1, 0}));
  EXPECT_EQ(fts.total, 2);
  ASSERT_EQ(fts.items.size(), 1u);
  EXPECT_EQ(fts.items[0].data.external_id, "2");
}

TEST_P(StoreConformanceTest, MentionTotalsAreExactUpToTheCap) {
  std::vector<Mention> batch;
  for (std::int64_t i = 0; i <= kMentionTotalCap; ++i)  // cap + 1 mentions
    batch.push_back(MakeMention("cap_" + std::to_string(i), "banjir rob", kT0 + i));
  Unwrap(store().mentions().UpsertBatch(batch, kT0));
  auto all = Unwrap(store().mentions().Search({}, {20, 0}));
  EXPECT_EQ(all.total, kMentionTotalCap);
  EXPECT_TRUE(all.total_capped);
  EXPECT_EQ(all.items.size(), 20u);
  EXPECT_EQ(all.items[0].data.external_id, "cap_" + std::to_string(kMentionTotalCap));
  MentionFilter recent;
  recent.since = kT0 + kMentionTotalCap - 9;  // the newest 10
  auto few = Unwrap(store().mentions().Search(recent, {20, 0}));
  EXPECT_EQ(few.total, 10);
  EXPECT_FALSE(few.total_capped);
  MentionFilter text;
  text.q = "banjir";
  EXPECT_TRUE(Unwrap(store().mentions().Search(text, {1, 0})).total_capped);
}

TEST_P(MentionSearchTest, FullTextWordsPhrasesExclusions) {
  EXPECT_EQ(Q("jalan"), (Strings{"2", "1"}));
  EXPECT_EQ(Q("JALAN redeb"), (Strings{"2", "1"}));
  EXPECT_EQ(Q("rusak"), (Strings{"4", "1"}));
  EXPECT_EQ(Q("\"jalan rusak\""), (Strings{"1"}));
  EXPECT_EQ(Q("\"rusak jalan\""), (Strings{}));
  EXPECT_EQ(Q("jalan -rusak"), (Strings{"2"}));
  EXPECT_EQ(Q("redeb -\"sudah bagus\" -kafe"), (Strings{"1"}));
  EXPECT_EQ(Q("cafe"), (Strings{"3"}));      // diacritics folded
  EXPECT_EQ(Q("covid-19"), (Strings{"5"}));  // hyphenated word as a phrase
  EXPECT_EQ(Q("dedi"), (Strings{"5"}));      // author handle is indexed
  MentionFilter f;
  f.q = "redeb";
  f.agency_id = a_.id;
  EXPECT_EQ(Search(f), (Strings{"2", "1"}));
  f.q = "   ";  // blank = no text filter
  EXPECT_EQ(Search(f), (Strings{"6", "2", "1"}));
}

TEST_P(MentionSearchTest, UserTypedOperatorsAreWords) {
  EXPECT_EQ(Q("AND"), (Strings{"6"}));
  EXPECT_EQ(Q("NEAR(kata kunci)"), (Strings{"6"}));
  EXPECT_EQ(Q("jalan OR bagus"), (Strings{}));  // OR is a word, not an operator
  EXPECT_EQ(Q("rusa*"), (Strings{}));           // no prefix queries from users
  EXPECT_EQ(Q("jal*an"), (Strings{}));
  EXPECT_EQ(Q("\"unbalanced jalan"), (Strings{}));
  EXPECT_EQ(Q("\"tanjung redeb"), (Strings{"2", "1"}));
  EXPECT_EQ(Q("text:jalan"), (Strings{}));  // no column filters: "text jalan" phrase
  EXPECT_EQ(Q("^jalan (rusak)"), (Strings{"1"}));
  EXPECT_EQ(Q("jalan ' ; -- DROP TABLE mentions"), (Strings{}));
  EXPECT_EQ(Search({}).size(), 6u);  // still there
}

TEST_P(MentionSearchTest, UnusableQueriesAreInvalid) {
  for (const char* q : {"-jalan", "***", "\"\"", "-\"jalan rusak\"", "😀 🙏", "( ) : ^ *"}) {
    MentionFilter f;
    f.q = q;
    auto r = store().mentions().Search(f, {});
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << q;
    EXPECT_FALSE(r.status().message().empty());
  }
}

// ---------------------------------------------------------------- audit

AuditEntry MakeEntry(const std::string& action, const std::string& actor) {
  AuditEntry e;
  e.at = kT0;
  e.actor_user_id = 1;
  e.actor_name = actor;
  e.action = action;
  e.entity = "agency";
  e.entity_id = "7";
  e.agency_id = 7;
  e.details_json = R"({"name":"Dinkes"})";
  return e;
}

TEST_P(StoreConformanceTest, AuditChainAppendListVerify) {
  auto v0 = Unwrap(store().audit().Verify());
  EXPECT_TRUE(v0.ok);
  EXPECT_EQ(v0.entries, 0);

  std::vector<AuditEntry> appended;
  for (const char* action : {"agency.create", "agency.update", "auth.login", "agency.update"}) {
    AuditEntry e = MakeEntry(action, std::string(action) == "auth.login" ? "budi" : "admin");
    ASSERT_OK(store().audit().Append(&e));
    appended.push_back(e);
  }
  EXPECT_EQ(appended[0].seq, 1);
  EXPECT_EQ(appended[0].prev_hash, "");
  for (size_t i = 0; i < appended.size(); ++i) {
    EXPECT_EQ(appended[i].seq, static_cast<Id>(i + 1));
    EXPECT_EQ(appended[i].hash, AuditHash(appended[i]));
    EXPECT_EQ(appended[i].hash.size(), 64u);
    if (i > 0) {
      EXPECT_EQ(appended[i].prev_hash, appended[i - 1].hash);
    }
  }

  auto all = Unwrap(store().audit().List({}, {}));
  EXPECT_EQ(all.total, 4);
  ASSERT_EQ(all.items.size(), 4u);
  EXPECT_EQ(all.items[0].seq, 4);  // newest first
  EXPECT_EQ(all.items[0].hash, appended[3].hash);
  EXPECT_EQ(all.items[3].details_json, R"({"name":"Dinkes"})");
  EXPECT_EQ(all.items[3].agency_id, 7);

  EXPECT_EQ(Unwrap(store().audit().List({"agency.", ""}, {})).total, 3);
  EXPECT_EQ(Unwrap(store().audit().List({"AGENCY.", ""}, {})).total, 0);  // prefix is exact
  EXPECT_EQ(Unwrap(store().audit().List({"", "budi"}, {})).total, 1);
  EXPECT_EQ(Unwrap(store().audit().List({"agency.update", "admin"}, {1, 0})).items.size(), 1u);

  auto v = Unwrap(store().audit().Verify());
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.entries, 4);

  AuditEntry empty_action;
  EXPECT_EQ(store().audit().Append(&empty_action).code(), Code::kInvalidArgument);
}

TEST_P(StoreConformanceTest, ConcurrentAuditAppendsFormOneChain) {
  constexpr int kThreads = 6;
  constexpr int kEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        AuditEntry e = MakeEntry("test.concurrent", "worker" + std::to_string(t));
        e.entity_id = std::to_string(i);
        if (!store().audit().Append(&e).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto v = Unwrap(store().audit().Verify());
  EXPECT_TRUE(v.ok) << v.reason << " at " << v.first_bad_seq;
  EXPECT_EQ(v.entries, kThreads * kEach);
  auto list = Unwrap(store().audit().List({}, {200, 0}));
  std::set<Id> seqs;
  for (const AuditEntry& e : list.items) seqs.insert(e.seq);
  EXPECT_EQ(seqs.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), kThreads * kEach);
}

TEST(AuditHashTest, EveryFieldAndTheLinkChangeTheHash) {
  AuditEntry base = MakeEntry("agency.update", "admin");
  base.seq = 3;
  base.prev_hash = std::string(64, 'f');
  const std::string h = AuditHash(base);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, AuditHash(base));  // deterministic
  std::vector<AuditEntry> variants(10, base);
  variants[0].prev_hash = std::string(64, 'e');
  variants[1].seq = 4;
  variants[2].at += 1;
  variants[3].actor_user_id.reset();
  variants[4].actor_name = "admin2";
  variants[5].action = "agency.create";
  variants[6].entity = "account";
  variants[7].entity_id = "8";
  variants[8].agency_id.reset();
  variants[9].details_json = "{}";
  for (size_t i = 0; i < variants.size(); ++i) EXPECT_NE(AuditHash(variants[i]), h) << i;
  // Length prefixes: moving bytes between adjacent fields changes the hash.
  AuditEntry x = base, y = base;
  x.entity = "ab";
  x.entity_id = "c";
  y.entity = "a";
  y.entity_id = "bc";
  EXPECT_NE(AuditHash(x), AuditHash(y));
  // An absent id differs from any present one.
  AuditEntry z = base;
  z.actor_user_id = 0;
  AuditEntry w = base;
  w.actor_user_id.reset();
  EXPECT_NE(AuditHash(z), AuditHash(w));
}

// ---------------------------------------------------------------- jobs

Job MakeJob(const std::string& queue, UnixMillis run_at, int max_attempts = 3,
            const std::string& dedupe = "") {
  Job j;
  j.queue = queue;
  j.payload_json = R"({"post":1})";
  j.run_at = run_at;
  j.max_attempts = max_attempts;
  j.dedupe_key = dedupe;
  return j;
}

TEST_P(StoreConformanceTest, JobEnqueueClaimComplete) {
  Job later = MakeJob("publish", kT0 + 1000);
  Job now = MakeJob("publish", kT0);
  Job other = MakeJob("poll", kT0);
  ASSERT_OK(store().jobs().Enqueue(&later));
  ASSERT_OK(store().jobs().Enqueue(&now));
  ASSERT_OK(store().jobs().Enqueue(&other));
  EXPECT_GT(now.id, 0);
  Job got = Unwrap(store().jobs().Get(now.id));
  EXPECT_EQ(got.state, JobState::kPending);
  EXPECT_EQ(got.payload_json, R"({"post":1})");
  EXPECT_EQ(got.attempts, 0);

  auto claimed = Unwrap(store().jobs().Claim("publish", "w1", 10, kT0, 60'000));
  ASSERT_EQ(claimed.size(), 1u);  // `later` is not due, `other` is another queue
  EXPECT_EQ(claimed[0].id, now.id);
  EXPECT_EQ(claimed[0].state, JobState::kRunning);
  EXPECT_EQ(claimed[0].attempts, 1);
  EXPECT_EQ(claimed[0].locked_by, "w1");
  EXPECT_EQ(claimed[0].locked_until, kT0 + 60'000);
  EXPECT_TRUE(Unwrap(store().jobs().Claim("publish", "w2", 10, kT0, 60'000)).empty());

  EXPECT_EQ(store().jobs().Complete(now.id, "w2", kT0).code(), Code::kFailedPrecondition);
  ASSERT_OK(store().jobs().Complete(now.id, "w1", kT0 + 5));
  EXPECT_EQ(Unwrap(store().jobs().Get(now.id)).state, JobState::kDone);
  EXPECT_EQ(store().jobs().Complete(now.id, "w1", kT0 + 6).code(), Code::kFailedPrecondition);
  EXPECT_EQ(store().jobs().Get(999999).status().code(), Code::kNotFound);

  auto counts = Unwrap(store().jobs().Counts("publish"));
  EXPECT_EQ(counts[JobState::kDone], 1);
  EXPECT_EQ(counts[JobState::kPending], 1);
  EXPECT_EQ(counts.count(JobState::kRunning), 0u);
}

TEST_P(StoreConformanceTest, JobClaimBatchesInRunOrder) {
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) {
    Job j = MakeJob("q", kT0 + 10 - i);
    ASSERT_OK(store().jobs().Enqueue(&j));
    ids.push_back(j.id);
  }
  auto first = Unwrap(store().jobs().Claim("q", "w", 3, kT0 + 100, 1000));
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].id, ids[4]);  // earliest run_at first
  EXPECT_EQ(first[1].id, ids[3]);
  EXPECT_EQ(first[2].id, ids[2]);
  EXPECT_EQ(Unwrap(store().jobs().Claim("q", "w", 3, kT0 + 100, 1000)).size(), 2u);
  EXPECT_TRUE(Unwrap(store().jobs().Claim("q", "w", 0, kT0 + 100, 1000)).empty());
}

TEST_P(StoreConformanceTest, JobFailRetryThenDead) {
  Job j = MakeJob("publish", kT0, /*max_attempts=*/2);
  ASSERT_OK(store().jobs().Enqueue(&j));
  ASSERT_EQ(Unwrap(store().jobs().Claim("publish", "w", 1, kT0, 1000)).size(), 1u);
  EXPECT_EQ(store().jobs().Fail(j.id, "other", "x", kT0, kT0).code(), Code::kFailedPrecondition);
  ASSERT_OK(store().jobs().Fail(j.id, "w", "platform 503", kT0 + 2000, kT0 + 1));
  Job failed = Unwrap(store().jobs().Get(j.id));
  EXPECT_EQ(failed.state, JobState::kFailed);
  EXPECT_EQ(failed.run_at, kT0 + 2000);
  EXPECT_EQ(failed.last_error, "platform 503");
  EXPECT_TRUE(failed.locked_by.empty());

  EXPECT_TRUE(Unwrap(store().jobs().Claim("publish", "w", 1, kT0 + 1999, 1000)).empty());
  auto retry = Unwrap(store().jobs().Claim("publish", "w", 1, kT0 + 2000, 1000));
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].attempts, 2);
  ASSERT_OK(store().jobs().Fail(j.id, "w", "still 503", kT0 + 9000, kT0 + 2001));
  Job dead = Unwrap(store().jobs().Get(j.id));
  EXPECT_EQ(dead.state, JobState::kDead);
  EXPECT_EQ(dead.last_error, "still 503");
  EXPECT_TRUE(Unwrap(store().jobs().Claim("publish", "w", 1, kT0 + 99'999, 1000)).empty());
  EXPECT_EQ(Unwrap(store().jobs().Counts("publish"))[JobState::kDead], 1);
}

TEST_P(StoreConformanceTest, JobLeaseExpiry) {
  Job j = MakeJob("poll", kT0, 3);
  ASSERT_OK(store().jobs().Enqueue(&j));
  ASSERT_EQ(Unwrap(store().jobs().Claim("poll", "crashed", 1, kT0, 1000)).size(), 1u);
  EXPECT_TRUE(Unwrap(store().jobs().Claim("poll", "w2", 1, kT0 + 999, 1000)).empty());
  auto taken = Unwrap(store().jobs().Claim("poll", "w2", 1, kT0 + 1000, 1000));
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].locked_by, "w2");
  EXPECT_EQ(taken[0].attempts, 2);
  EXPECT_EQ(store().jobs().Complete(j.id, "crashed", kT0 + 1001).code(), Code::kFailedPrecondition);
  ASSERT_OK(store().jobs().Complete(j.id, "w2", kT0 + 1001));

  // A lease that expires on the final attempt makes the job dead instead of running it again.
  Job last = MakeJob("poll", kT0, 1);
  ASSERT_OK(store().jobs().Enqueue(&last));
  ASSERT_EQ(Unwrap(store().jobs().Claim("poll", "crashed", 1, kT0, 1000)).size(), 1u);
  EXPECT_TRUE(Unwrap(store().jobs().Claim("poll", "w2", 1, kT0 + 5000, 1000)).empty());
  EXPECT_EQ(Unwrap(store().jobs().Get(last.id)).state, JobState::kDead);
}

TEST_P(StoreConformanceTest, JobDedupeKey) {
  Job a = MakeJob("sla", kT0, 3, "case-7");
  ASSERT_OK(store().jobs().Enqueue(&a));
  Job b = MakeJob("sla", kT0 + 50, 3, "case-7");
  ASSERT_OK(store().jobs().Enqueue(&b));
  EXPECT_EQ(b.id, a.id);
  EXPECT_EQ(Unwrap(store().jobs().Counts("sla"))[JobState::kPending], 1);

  // Still deduplicated while running or failed (waiting for a retry).
  ASSERT_EQ(Unwrap(store().jobs().Claim("sla", "w", 1, kT0, 1000)).size(), 1u);
  Job c = MakeJob("sla", kT0, 3, "case-7");
  ASSERT_OK(store().jobs().Enqueue(&c));
  EXPECT_EQ(c.id, a.id);
  ASSERT_OK(store().jobs().Fail(a.id, "w", "x", kT0 + 10, kT0));
  Job d = MakeJob("sla", kT0, 3, "case-7");
  ASSERT_OK(store().jobs().Enqueue(&d));
  EXPECT_EQ(d.id, a.id);

  // Once done, the key is free again.
  ASSERT_EQ(Unwrap(store().jobs().Claim("sla", "w", 1, kT0 + 10, 1000)).size(), 1u);
  ASSERT_OK(store().jobs().Complete(a.id, "w", kT0 + 11));
  Job e = MakeJob("sla", kT0, 3, "case-7");
  ASSERT_OK(store().jobs().Enqueue(&e));
  EXPECT_NE(e.id, a.id);

  // Jobs without a key are never deduplicated.
  Job f1 = MakeJob("sla", kT0);
  Job f2 = MakeJob("sla", kT0);
  ASSERT_OK(store().jobs().Enqueue(&f1));
  ASSERT_OK(store().jobs().Enqueue(&f2));
  EXPECT_NE(f1.id, f2.id);
}

TEST_P(StoreConformanceTest, ConcurrentClaimersNeverShareAJob) {
  constexpr int kJobs = 120;
  for (int i = 0; i < kJobs; ++i) {
    Job j = MakeJob("bulk", kT0);
    ASSERT_OK(store().jobs().Enqueue(&j));
  }
  constexpr int kWorkers = 4;
  std::vector<std::vector<Id>> got(kWorkers);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      while (true) {
        auto r = store().jobs().Claim("bulk", "w" + std::to_string(w), 3, kT0, 60'000);
        if (!r.ok()) {
          ++errors;
          return;
        }
        if (r->empty()) return;
        for (const Job& j : *r) got[w].push_back(j.id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  std::set<Id> all;
  size_t n = 0;
  for (const auto& v : got) {
    n += v.size();
    all.insert(v.begin(), v.end());
  }
  EXPECT_EQ(n, static_cast<size_t>(kJobs));
  EXPECT_EQ(all.size(), static_cast<size_t>(kJobs));
}

TEST_P(StoreConformanceTest, JobValidation) {
  Job no_queue = MakeJob("", kT0);
  EXPECT_EQ(store().jobs().Enqueue(&no_queue).code(), Code::kInvalidArgument);
  Job zero = MakeJob("q", kT0, 0);
  EXPECT_EQ(store().jobs().Enqueue(&zero).code(), Code::kInvalidArgument);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformanceTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });
INSTANTIATE_TEST_SUITE_P(Backends, MentionSearchTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace humas::store
