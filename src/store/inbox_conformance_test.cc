// Backend-neutral conformance tests of the InboxRepository (store/cases.h).
#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "store/cases.h"
#include "store/store_conformance_test.h"

namespace humas::store {
namespace {

constexpr UnixMillis kHour = 3'600'000;
constexpr UnixMillis kT0 = 1'795'000'000'000;  // 2026-11-18

template <typename T>
T Must(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(r).value();
}

void MustOk(const Status& s) {
  EXPECT_TRUE(s.ok()) << s.ToString();
  if (!s.ok()) throw std::runtime_error(s.ToString());
}

class InboxConformanceTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    CreateDirectory(store(), &region_, &agencies_, &user_);
  }

  //! The region, its three agencies and an officer, created in `s` in this order (so every fresh
  //! store gives them the same ids).
  static void CreateDirectory(Store& s, Id* region_id, std::vector<Id>* agencies, Id* user) {
    Agency region;
    region.kind = AgencyKind::kRegion;
    region.code = "berau";
    region.name = "Kabupaten Berau";
    MustOk(s.agencies().Create(&region));
    *region_id = region.id;
    for (const char* code : {"diskominfo", "dinkes", "dukcapil"}) {
      Agency a;
      a.kind = AgencyKind::kAgency;
      a.parent_id = region.id;
      a.code = code;
      a.name = std::string("Dinas ") + code;
      MustOk(s.agencies().Create(&a));
      agencies->push_back(a.id);
    }
    User u;
    u.username = "petugas1";
    MustOk(s.users().Create(&u));
    *user = u.id;
  }

  InboxRepository& inbox() { return store().inbox(); }

  //! Stores a mention and returns it with its id.
  Mention Stored(const std::string& ext, const std::string& author, UnixMillis at,
                 const std::string& in_reply_to = "", std::optional<Id> agency = std::nullopt,
                 MentionKind kind = MentionKind::kComment) {
    Mention m = Question(ext, author, at, in_reply_to, agency, kind);
    auto out = Must(store().mentions().UpsertBatch({m}, at));
    m.id = out[0].id;
    return m;
  }

  //! A citizen's question (to dinkes unless `agency` says otherwise), not stored.
  Mention Question(const std::string& ext, const std::string& author, UnixMillis at,
                   const std::string& in_reply_to = "", std::optional<Id> agency = std::nullopt,
                   MentionKind kind = MentionKind::kComment) {
    Mention m;
    m.agency_id = agency ? agency : std::optional<Id>(agencies_[1]);
    m.data.platform = Platform::kX;
    m.data.external_id = ext;
    m.data.author_handle = author;
    m.data.author_name = "Warga " + author;
    m.data.text = "Kapan vaksin polio untuk balita tersedia di puskesmas? " + ext;
    m.data.created_at = at;
    m.data.kind = kind;
    m.data.in_reply_to = in_reply_to;
    m.data.labels.input_kind = "pertanyaan";
    return m;
  }

  Case Opened(const std::string& ext, const std::string& author, UnixMillis at) {
    return Must(inbox().AttachMention(Stored(ext, author, at), at)).case_;
  }

  Id region_ = 0;
  std::vector<Id> agencies_;  // diskominfo, dinkes, dukcapil
  Id user_ = 0;
};

CaseEvent Event(const std::string& kind, UnixMillis at, std::optional<Id> actor = std::nullopt) {
  return CaseEvent{0, 0, at, actor, kind, "{}"};
}

// The case an intake returns is the stored case, field by field, whether it was just opened or
// extended (so callers may use it without reading it again).
TEST_P(InboxConformanceTest, IntakeReturnsTheStoredCase) {
  auto same = [&](const Case& got) {
    Case stored = Must(inbox().GetCase(got.id));
    EXPECT_EQ(got.agency_id, stored.agency_id);
    EXPECT_EQ(got.platform, stored.platform);
    EXPECT_EQ(got.case_key, stored.case_key);
    EXPECT_EQ(got.citizen_key, stored.citizen_key);
    EXPECT_EQ(got.citizen_handle, stored.citizen_handle);
    EXPECT_EQ(got.citizen_name, stored.citizen_name);
    EXPECT_EQ(got.subject, stored.subject);
    EXPECT_EQ(got.input_kind, stored.input_kind);
    EXPECT_EQ(got.state, stored.state);
    EXPECT_EQ(got.reopened, stored.reopened);
    EXPECT_EQ(got.priority, stored.priority);
    EXPECT_EQ(got.assignee_id, stored.assignee_id);
    EXPECT_EQ(got.mention_count, stored.mention_count);
    EXPECT_EQ(got.first_mention_at, stored.first_mention_at);
    EXPECT_EQ(got.last_mention_at, stored.last_mention_at);
    EXPECT_EQ(got.last_activity_at, stored.last_activity_at);
    EXPECT_EQ(got.first_response_at, stored.first_response_at);
    EXPECT_EQ(got.first_responder_id, stored.first_responder_id);
    EXPECT_EQ(got.closed_at, stored.closed_at);
    EXPECT_EQ(got.due_at, stored.due_at);
    EXPECT_EQ(got.version, stored.version);
    EXPECT_EQ(got.created_at, stored.created_at);
    EXPECT_EQ(got.updated_at, stored.updated_at);
  };
  CaseIntake opened = Must(inbox().AttachMention(Stored("s1", "budi", kT0), kT0 + 5));
  ASSERT_TRUE(opened.created);
  EXPECT_EQ(opened.case_.mention_count, 1);
  same(opened.case_);
  auto batch = Must(inbox().AttachMentions(
      {Stored("s2", "budi", kT0 + kHour, "s1"), Stored("s3", "cici", kT0 + kHour)}, kT0 + 9));
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_FALSE(batch[0].created);
  EXPECT_EQ(batch[0].case_.mention_count, 2);
  EXPECT_TRUE(batch[1].created);
  same(batch[0].case_);
  same(batch[1].case_);
}

TEST_P(InboxConformanceTest, MentionsGroupPerThreadAndCitizen) {
  Mention first = Stored("p1", "ani", kT0, "agency-post-1");
  CaseIntake a = Must(inbox().AttachMention(first, kT0));
  EXPECT_TRUE(a.created);
  EXPECT_EQ(a.case_.state, CaseState::kBaru);
  EXPECT_EQ(a.case_.agency_id, agencies_[1]);
  EXPECT_EQ(a.case_.input_kind, "pertanyaan");
  EXPECT_EQ(a.case_.citizen_key, "x:ani");
  // Ani follows up under her own comment: same case.
  CaseIntake b = Must(inbox().AttachMention(Stored("p2", "Ani", kT0 + kHour, "p1"), kT0 + kHour));
  EXPECT_FALSE(b.created);
  EXPECT_EQ(b.case_.id, a.case_.id);
  EXPECT_EQ(b.case_.mention_count, 2);
  EXPECT_EQ(b.case_.last_mention_at, kT0 + kHour);
  // Ani comments again on the agency's post: same thread, same citizen → same case.
  CaseIntake c = Must(inbox().AttachMention(Stored("p3", "ani", kT0 + 2 * kHour, "agency-post-1"),
                                            kT0 + 2 * kHour));
  EXPECT_EQ(c.case_.id, a.case_.id);
  // Budi in the same thread, even replying to Ani: his own case.
  CaseIntake d =
      Must(inbox().AttachMention(Stored("p4", "budi", kT0 + 3 * kHour, "p1"), kT0 + 3 * kHour));
  EXPECT_TRUE(d.created);
  EXPECT_NE(d.case_.id, a.case_.id);
  // Direct messages of one citizen form one case.
  Case dm1 = Must(inbox().AttachMention(
                      Stored("dm1", "cici", kT0, "", std::nullopt, MentionKind::kMessage), kT0))
                 .case_;
  Case dm2 =
      Must(inbox().AttachMention(
               Stored("dm2", "cici", kT0 + 1, "", std::nullopt, MentionKind::kMessage), kT0 + 1))
          .case_;
  EXPECT_EQ(dm1.id, dm2.id);
  // Attaching again changes nothing.
  CaseIntake again = Must(inbox().AttachMention(first, kT0 + 4 * kHour));
  EXPECT_FALSE(again.attached);
  EXPECT_EQ(again.case_.mention_count, 3);
  EXPECT_EQ(Must(inbox().CaseMentionIds(a.case_.id)).size(), 3u);
  EXPECT_EQ(Must(inbox().CaseOfMention(first.id)).id, a.case_.id);
  // Ani's other cases, newest first: a new thread opens a second one; Budi's are not hers.
  Case ani2 = Opened("p9", "ani", kT0 + 5 * kHour);
  Case ani3 = Opened("p10", "ANI", kT0 + 6 * kHour);
  EXPECT_NE(ani2.id, a.case_.id);
  auto others = Must(inbox().CitizenCases("x:ani", a.case_.id, 10));
  ASSERT_EQ(others.size(), 2u);
  EXPECT_EQ(others[0].id, ani3.id);
  EXPECT_EQ(others[1].id, ani2.id);
  EXPECT_EQ(Must(inbox().CitizenCases("x:ani", ani3.id, 1)).at(0).id, ani2.id);
  EXPECT_EQ(Must(inbox().CitizenCases("x:budi", 0, 10)).size(), 1u);
  // The history: opened, then two mention_added.
  auto events = Must(inbox().CaseEvents(a.case_.id));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, "opened");
  EXPECT_EQ(events[1].kind, "mention_added");
}

TEST_P(InboxConformanceTest, ABatchAttachesInOneGo) {
  std::vector<Mention> batch = {Stored("b1", "ani", kT0, "post-9"),
                                Stored("b2", "ani", kT0 + 1, "b1"),
                                Stored("b3", "budi", kT0 + 2, "post-9")};
  auto out = Must(inbox().AttachMentions(batch, kT0 + 3));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].created);
  EXPECT_EQ(out[1].case_.id, out[0].case_.id);
  EXPECT_TRUE(out[2].created);
  EXPECT_EQ(Must(inbox().GetCase(out[0].case_.id)).mention_count, 2);
  // All or nothing: a mention without an agency fails the whole batch.
  Mention orphan = Stored("b4", "cici", kT0 + 4);
  orphan.agency_id.reset();
  std::vector<Mention> bad = {Stored("b5", "dedi", kT0 + 5), orphan};
  EXPECT_FALSE(inbox().AttachMentions(bad, kT0 + 6).ok());
  EXPECT_EQ(inbox().CaseOfMention(bad[0].id).status().code(), Code::kNotFound);
  EXPECT_TRUE(Must(inbox().AttachMentions({}, kT0)).empty());
}

TEST_P(InboxConformanceTest, MentionWithoutAgencyIsRefused) {
  Mention m = Stored("u1", "ani", kT0);
  m.agency_id.reset();
  EXPECT_EQ(inbox().AttachMention(m, kT0).status().code(), Code::kFailedPrecondition);
}

TEST_P(InboxConformanceTest, ANewMessageReopensAClosedCase) {
  Case c = Opened("r1", "ani", kT0);
  Case closed = c;
  closed.state = CaseState::kSelesai;
  closed.closed_at = kT0 + kHour;
  closed = Must(inbox().UpdateCase(closed, c.version, Event("state_changed", kT0 + kHour)));
  EXPECT_EQ(closed.state, CaseState::kSelesai);
  // A late-arriving older message joins without reopening.
  auto old = Must(inbox().AttachMention(Stored("r0", "ani", kT0 + 1, "r1"), kT0 + 2 * kHour));
  EXPECT_FALSE(old.reopened);
  EXPECT_EQ(old.case_.state, CaseState::kSelesai);
  auto fresh =
      Must(inbox().AttachMention(Stored("r2", "ani", kT0 + 3 * kHour, "r1"), kT0 + 3 * kHour));
  EXPECT_TRUE(fresh.reopened);
  EXPECT_EQ(fresh.case_.id, c.id);
  EXPECT_EQ(fresh.case_.state, CaseState::kDibukaKembali);
  EXPECT_EQ(fresh.case_.reopened, 1);
  EXPECT_FALSE(fresh.case_.closed_at.has_value());
}

TEST_P(InboxConformanceTest, StaleVersionIsAConflictAndChangesNothing) {
  Case c = Opened("v1", "ani", kT0);
  Case mine = c;
  mine.assignee_id = user_;
  Case stored = Must(inbox().UpdateCase(mine, c.version, Event("assigned", kT0, user_)));
  EXPECT_EQ(stored.version, c.version + 1);
  Case theirs = c;
  theirs.priority = CasePriority::kMendesak;
  EXPECT_EQ(inbox().UpdateCase(theirs, c.version, Event("priority_changed", kT0)).status().code(),
            Code::kConflict);
  Case now = Must(inbox().GetCase(c.id));
  EXPECT_EQ(now.priority, CasePriority::kNormal);
  EXPECT_EQ(now.assignee_id, user_);
  Case ghost = c;
  ghost.id = 999999;
  EXPECT_EQ(inbox().UpdateCase(ghost, 1, Event("x", kT0)).status().code(), Code::kNotFound);
}

TEST_P(InboxConformanceTest, ListPagesByKeysetInActivityOrder) {
  std::vector<Id> ids;
  for (int i = 0; i < 7; ++i)
    ids.push_back(Opened("k" + std::to_string(i), "w" + std::to_string(i), kT0 + i * kHour).id);
  // One case in another agency: outside a dinkes-only scope.
  Must(inbox().AttachMention(Stored("other", "zed", kT0 + 9 * kHour, "", agencies_[2]), kT0));
  CaseFilter f;
  f.agency_ids = {agencies_[1]};
  f.limit = 3;
  std::vector<Id> seen;
  while (true) {
    auto page = Must(inbox().ListCases(f));
    for (const Case& c : page) seen.push_back(c.id);
    if (page.size() < 3) break;
    f.after = std::make_pair(page.back().last_activity_at, page.back().id);
  }
  std::vector<Id> expected(ids.rbegin(), ids.rend());
  EXPECT_EQ(seen, expected);
  // State filter and empty scope.
  f.after.reset();
  f.limit = 50;
  f.states = {CaseState::kSelesai};
  EXPECT_TRUE(Must(inbox().ListCases(f)).empty());
  f.states.clear();
  f.agency_ids.clear();
  EXPECT_TRUE(Must(inbox().ListCases(f)).empty());
  auto counts = Must(inbox().CountCases({agencies_[1]}, kT0, user_));
  EXPECT_EQ(counts[0], (std::pair<std::string, std::int64_t>("baru", 7)));
}

//! CountCases computed the slow way, from the cases themselves.
std::map<std::string, std::int64_t> CountedByHand(InboxRepository& inbox,
                                                  const std::vector<Id>& agencies, UnixMillis now,
                                                  Id user) {
  std::map<std::string, std::int64_t> out;
  for (const char* s :
       {"baru", "dibuka", "menunggu_instansi", "dijawab", "dibuka_kembali", "overdue", "mine"})
    out[s] = 0;
  CaseFilter f;
  f.agency_ids = agencies;
  f.limit = 200;
  for (const Case& c : Must(inbox.ListCases(f))) {
    ++out[std::string(ToString(c.state))];
    if (c.due_at && *c.due_at < now) ++out["overdue"];
    if (c.assignee_id == user) ++out["mine"];
  }
  return out;
}

std::map<std::string, std::int64_t> Counted(InboxRepository& inbox, const std::vector<Id>& agencies,
                                            UnixMillis now, Id user) {
  std::map<std::string, std::int64_t> out;
  for (const auto& [k, v] : Must(inbox.CountCases(agencies, now, user))) out[k] = v;
  return out;
}

// UpsertBatch(open_cases) stores each new mention that needs an answer together with its case, in
// one transaction; praise, mentions without an agency and duplicates open nothing.
TEST_P(InboxConformanceTest, UpsertBatchOpensCasesInTheSameTransaction) {
  auto mention = [&](const std::string& ext, const std::string& kind, std::optional<Id> agency) {
    Mention m;
    m.agency_id = agency;
    m.data.platform = Platform::kX;
    m.data.external_id = ext;
    m.data.author_handle = "warga-" + ext;
    m.data.text = "Kapan jalan diperbaiki? " + ext;
    m.data.created_at = kT0;
    m.data.labels.input_kind = kind;
    return m;
  };
  std::vector<Mention> batch = {
      mention("u1", "pertanyaan", agencies_[1]), mention("u2", "apresiasi", agencies_[1]),
      mention("u3", "keluhan", std::nullopt), mention("u4", "keluhan", agencies_[2])};
  auto before = Counted(inbox(), {agencies_[1], agencies_[2]}, kT0, user_);
  auto out = Must(store().mentions().UpsertBatch(batch, kT0 + 1, /*open_cases=*/true));
  ASSERT_EQ(out.size(), 4u);
  Case c1 = Must(inbox().CaseOfMention(out[0].id));
  EXPECT_EQ(c1.agency_id, agencies_[1]);
  EXPECT_EQ(c1.mention_count, 1);
  EXPECT_EQ(c1.input_kind, "pertanyaan");
  EXPECT_EQ(inbox().CaseOfMention(out[1].id).status().code(), Code::kNotFound);
  EXPECT_EQ(inbox().CaseOfMention(out[2].id).status().code(), Code::kNotFound);
  EXPECT_EQ(Must(inbox().CaseOfMention(out[3].id)).agency_id, agencies_[2]);
  auto after = Counted(inbox(), {agencies_[1], agencies_[2]}, kT0, user_);
  EXPECT_EQ(after["baru"], before["baru"] + 2);
  // The same batch again: duplicates, no second case, counters unchanged.
  auto again = Must(store().mentions().UpsertBatch(batch, kT0 + 2, /*open_cases=*/true));
  EXPECT_EQ(again[0].kind, UpsertOutcome::Kind::kDuplicate);
  EXPECT_EQ(Must(inbox().CaseOfMention(out[0].id)).mention_count, 1);
  EXPECT_EQ(Counted(inbox(), {agencies_[1], agencies_[2]}, kT0, user_)["baru"], after["baru"]);
  // A batch that cannot be stored leaves neither mentions nor cases.
  std::vector<Mention> bad = {mention("u5", "pertanyaan", agencies_[1]),
                              mention("", "keluhan", agencies_[1])};
  EXPECT_FALSE(store().mentions().UpsertBatch(bad, kT0 + 3, /*open_cases=*/true).ok());
  EXPECT_EQ(Counted(inbox(), {agencies_[1], agencies_[2]}, kT0, user_)["baru"], after["baru"]);
}

// One line per field of a case, to compare whole rows.
std::string Dump(const Case& c) {
  auto opt = [](const auto& v) { return v ? std::to_string(*v) : std::string("-"); };
  return std::to_string(c.id) + " " + std::to_string(c.agency_id) + " " +
         std::string(ToString(c.platform)) + " " + c.case_key + " " + c.citizen_key + " " +
         c.citizen_handle + " " + c.citizen_name + " " + c.subject + " " + c.input_kind + " " +
         std::to_string(static_cast<int>(c.state)) + " " + std::to_string(c.reopened) + " " +
         std::to_string(static_cast<int>(c.priority)) + " " + opt(c.assignee_id) + " " +
         std::to_string(c.mention_count) + " " + std::to_string(c.first_mention_at) + " " +
         std::to_string(c.last_mention_at) + " " + std::to_string(c.last_activity_at) + " " +
         opt(c.first_response_at) + " " + opt(c.first_responder_id) + " " + opt(c.closed_at) + " " +
         opt(c.due_at) + " " + std::to_string(c.version) + " " + std::to_string(c.created_at) +
         " " + std::to_string(c.updated_at);
}

// Every case of `store` (ids 1, 2, ... until one is missing) with its mentions and history.
std::vector<std::string> AllCases(Store& store) {
  std::vector<std::string> out;
  for (Id id = 1;; ++id) {
    auto c = store.inbox().GetCase(id);
    if (!c.ok()) break;
    out.push_back(Dump(*c));
    for (Id m : Must(store.inbox().CaseMentionIds(id)))
      out.push_back("  mention " + std::to_string(m));
    for (const CaseEvent& e : Must(store.inbox().CaseEvents(id)))
      out.push_back("  event " + std::to_string(e.id) + " " + std::to_string(e.at) + " " + e.kind +
                    " " + e.details_json + " " + std::to_string(e.actor_user_id.value_or(-1)));
  }
  return out;
}

// UpsertBatch(open_cases) opens, joins and reopens the cases of a whole batch exactly as one
// mention at a time does: the same cases field by field, links, histories and counters, whether a
// mention joins a case opened earlier in the same batch (same thread, a reply to a mention of it,
// direct messages) or one stored before (by thread, by a reply, reopening a closed one), with more
// new cases than one insert statement holds.
TEST_P(InboxConformanceTest, ABatchOpensCasesAsOneMentionAtATime) {
  auto reference = GetParam().make();
  ASSERT_NE(reference, nullptr);
  {
    Id region = 0, user = 0;
    std::vector<Id> agencies;
    CreateDirectory(*reference, &region, &agencies, &user);
    ASSERT_EQ(region, region_);
    ASSERT_EQ(agencies, agencies_);
    ASSERT_EQ(user, user_);
  }
  auto mention = [&](const std::string& ext, const std::string& author, UnixMillis at,
                     const std::string& reply_to, const std::string& kind = "pertanyaan",
                     MentionKind mk = MentionKind::kComment,
                     std::optional<Id> agency = std::nullopt) {
    Mention m = Question(ext, author, at, reply_to, agency, mk);
    m.data.labels.input_kind = kind;
    return m;
  };
  // Stored before the batch, in both stores: an open case and a closed one.
  const std::vector<Mention> before = {mention("s1", "lama", kT0, "post-a"),
                                       mention("s2", "tutup", kT0, "post-b")};
  for (Store* s : {&store(), reference.get()}) {
    auto out = Must(s->mentions().UpsertBatch(before, kT0, /*open_cases=*/true));
    Case c = Must(s->inbox().CaseOfMention(out[1].id));
    Case closed = c;
    closed.state = CaseState::kSelesai;
    closed.closed_at = kT0 + kHour;
    Must(s->inbox().UpdateCase(closed, c.version, Event("state_changed", kT0 + kHour)));
  }
  const UnixMillis t = kT0 + 2 * kHour;
  std::vector<Mention> batch;
  for (int i = 0; i < 20; ++i)
    batch.push_back(mention("n" + std::to_string(i), "warga" + std::to_string(i), t + i, "post-n"));
  batch.push_back(mention("j1", "warga3", t + 30, "post-n"));  // same thread: joins n3's new case
  batch.push_back(mention("j2", "Warga5", t + 31, "n5"));      // her own reply: joins n5's case
  batch.push_back(mention("j3", "budi", t + 32, "n5"));        // someone else's reply: a new case
  batch.push_back(mention("j4", "budi", t + 33, "j3"));        // joins budi's new case
  batch.push_back(mention("dm1", "cici", t + 34, "", "pertanyaan", MentionKind::kMessage));
  batch.push_back(mention("dm2", "cici", t + 20, "", "keluhan", MentionKind::kMessage));  // older
  batch.push_back(mention("l1", "lama", t + 35, "post-a"));  // joins the stored open case
  batch.push_back(mention("l2", "lama", t + 36, "s1"));      // and by a reply to its mention
  batch.push_back(mention("c1", "tutup", t + 37, "s2"));     // reopens the stored closed case
  batch.push_back(mention("c2", "tutup", t + 38, "c1"));     // then joins it
  batch.push_back(mention("p1", "puji", t + 39, "post-n", "apresiasi"));  // no case
  Mention orphan = mention("o1", "anon", t + 40, "post-n");
  orphan.agency_id.reset();  // no agency: no case
  batch.push_back(orphan);
  batch.push_back(before[0]);  // stored before: no case
  batch.push_back(batch[0]);   // a duplicate within the batch: no case
  batch.push_back(
      mention("d1", "dian", t + 41, "post-z", "keluhan", MentionKind::kComment, agencies_[2]));
  batch.push_back(mention("d2", "dian", t + 42, "d1"));  // reply, other agency: its own case
  const UnixMillis now = t + kHour;
  auto out = Must(store().mentions().UpsertBatch(batch, now, /*open_cases=*/true));
  ASSERT_EQ(out.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    auto one = Must(reference->mentions().UpsertBatch({batch[i]}, now, /*open_cases=*/true));
    EXPECT_EQ(one[0].id, out[i].id) << i;
    EXPECT_EQ(one[0].kind, out[i].kind) << i;
  }
  const std::vector<std::string> want = AllCases(*reference);
  ASSERT_GE(want.size(), 26u);
  EXPECT_EQ(AllCases(store()), want);
  EXPECT_EQ(Counted(store().inbox(), agencies_, now, user_),
            Counted(reference->inbox(), agencies_, now, user_));
  EXPECT_EQ(Must(store().inbox().CaseOfMention(out[20].id)).id,
            Must(store().inbox().CaseOfMention(out[3].id)).id);  // j1 joined n3's case
  EXPECT_EQ(Must(store().inbox().CaseOfMention(out[29].id)).state, CaseState::kDibukaKembali);
}

TEST_P(InboxConformanceTest, CountsStayTrueThroughEveryCaseWrite) {
  std::vector<Id> both = {agencies_[1], agencies_[2]};
  auto check = [&](const char* step, UnixMillis now) {
    for (const auto& scope : {both, std::vector<Id>{agencies_[1]}, std::vector<Id>{agencies_[2]}})
      EXPECT_EQ(Counted(inbox(), scope, now, user_), CountedByHand(inbox(), scope, now, user_))
          << step;
  };
  std::vector<Case> cases;
  for (int i = 0; i < 5; ++i)
    cases.push_back(Opened("cnt" + std::to_string(i), "warga" + std::to_string(i), kT0 + i));
  cases.push_back(
      Must(inbox().AttachMention(Stored("cnt9", "wargalain", kT0, "", agencies_[2]), kT0)).case_);
  check("intake", kT0);
  EXPECT_EQ(Counted(inbox(), both, kT0, user_)["baru"], 6);
  // Assigned and opened.
  Case a = cases[0];
  a.assignee_id = user_;
  a.state = CaseState::kDibuka;
  a = Must(inbox().UpdateCase(a, a.version, Event("assigned", kT0)));
  Case b = cases[5];
  b.assignee_id = user_;
  b = Must(inbox().UpdateCase(b, b.version, Event("assigned", kT0)));
  check("assigned", kT0);
  EXPECT_EQ(Counted(inbox(), both, kT0, user_)["mine"], 2);
  // Forwarded: waiting for another agency, with a deadline.
  std::vector<Disposition> ds(1);
  ds[0].to_agency_id = agencies_[2];
  ds[0].from_agency_id = agencies_[1];
  ds[0].question = "Kapan?";
  ds[0].created_by = user_;
  ds[0].deadline_at = kT0 + 24 * kHour;
  ds[0].sla_mode = "calendar";
  ds[0].sla_ms = 24 * kHour;
  a = Must(inbox().CreateDispositions(a.id, a.version, std::nullopt, 0, &ds,
                                      Event("disposition_created", kT0)));
  check("forwarded", kT0);
  check("forwarded, deadline passed", kT0 + 25 * kHour);
  EXPECT_EQ(Counted(inbox(), both, kT0 + 25 * kHour, user_)["overdue"], 1);
  // Answered: back to dibuka.
  MustOk(inbox()
             .ResolveDisposition(ds[0].id, ds[0].version, DispositionState::kDijawab, "Besok.",
                                 user_, kT0 + kHour, Event("disposition_answered", kT0 + kHour))
             .status());
  check("answered", kT0 + 25 * kHour);
  // Closed (leaves "mine"), then reopened by the citizen's new message.
  b.state = CaseState::kSelesai;
  b.closed_at = kT0 + kHour;
  b = Must(inbox().UpdateCase(b, b.version, Event("state_changed", kT0 + kHour)));
  check("closed", kT0 + kHour);
  EXPECT_EQ(Counted(inbox(), both, kT0 + kHour, user_)["mine"], 1);
  CaseIntake again = Must(inbox().AttachMention(
      Stored("cnt10", "wargalain", kT0 + 2 * kHour, "cnt9", agencies_[2]), kT0 + 2 * kHour));
  EXPECT_TRUE(again.reopened);
  check("reopened", kT0 + 2 * kHour);
  // A reply sent: dijawab.
  Reply r;
  r.case_id = cases[1].id;
  r.text = "Besok pagi.";
  r.state = ReplyState::kQueued;
  r.idempotency_key = "count-reply-1";
  r.created_by = user_;
  r.platform = Platform::kX;
  Reply stored = Must(inbox().CreateReply(r, std::nullopt)).first;
  ASSERT_TRUE(Must(inbox().ClaimReply(stored.id, kT0 + 3 * kHour)).has_value());
  MustOk(inbox().MarkReplySent(stored.id, "1", "", kT0 + 3 * kHour).status());
  check("replied", kT0 + 3 * kHour);
  EXPECT_EQ(Counted(inbox(), both, kT0 + 3 * kHour, user_)["dijawab"], 1);
  // Nothing in scope: zeros, not an error.
  EXPECT_EQ(Counted(inbox(), {}, kT0, user_)["baru"], 0);
}

TEST_P(InboxConformanceTest, DispositionsDriveTheCaseAndItsDeadline) {
  Case c = Opened("d1", "ani", kT0);
  std::vector<Disposition> ds(2);
  ds[0].to_agency_id = agencies_[1];
  ds[0].deadline_at = kT0 + 24 * kHour;
  ds[0].reminder_points = {kT0 + 20 * kHour};
  ds[1].to_agency_id = agencies_[2];
  ds[1].deadline_at = kT0 + 30 * kHour;
  for (auto& d : ds) {
    d.from_agency_id = agencies_[0];
    d.question = "Kapan vaksin polio tersedia?";
    d.created_by = user_;
    d.sla_mode = "calendar";
    d.sla_ms = 24 * kHour;
  }
  Case waiting = Must(inbox().CreateDispositions(c.id, c.version, std::nullopt, 0, &ds,
                                                 Event("disposition_created", kT0, user_)));
  EXPECT_EQ(waiting.state, CaseState::kMenungguInstansi);
  EXPECT_EQ(waiting.due_at, kT0 + 24 * kHour);
  ASSERT_NE(ds[0].id, 0);
  // A stale case version forwards nothing.
  std::vector<Disposition> late = {ds[0]};
  EXPECT_EQ(inbox()
                .CreateDispositions(c.id, c.version, std::nullopt, 0, &late, Event("x", kT0))
                .status()
                .code(),
            Code::kConflict);
  EXPECT_EQ(Must(inbox().CaseDispositions(c.id)).size(), 2u);

  // Two officers answer the same disposition at once: one wins, the other gets Conflict. The
  // answer is longer than a short-string buffer, so it must survive until the statement runs.
  const std::string kAnswer = "Minggu depan, setelah anggaran perubahan disahkan DPRD.";
  Disposition answered = Must(
      inbox().ResolveDisposition(ds[0].id, 1, DispositionState::kDijawab, kAnswer, user_,
                                 kT0 + kHour, Event("disposition_answered", kT0 + kHour, user_)));
  EXPECT_EQ(answered.state, DispositionState::kDijawab);
  EXPECT_EQ(answered.answer, kAnswer);
  auto second = inbox().ResolveDisposition(ds[0].id, 1, DispositionState::kDijawab, "Besok.", user_,
                                           kT0 + kHour, Event("x", kT0));
  EXPECT_EQ(second.status().code(), Code::kConflict);
  auto again = inbox().ResolveDisposition(ds[0].id, answered.version, DispositionState::kDitolak,
                                          "bukan kewenangan kami", user_, kT0, Event("x", kT0));
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(Must(inbox().GetDisposition(ds[0].id)).answer, kAnswer);
  Case still = Must(inbox().GetCase(c.id));
  EXPECT_EQ(still.state, CaseState::kMenungguInstansi);
  EXPECT_EQ(still.due_at, kT0 + 30 * kHour);

  // Dukcapil re-forwards to Diskominfo; then Diskominfo refuses: nothing waits any more.
  std::vector<Disposition> fwd(1);
  fwd[0].from_agency_id = agencies_[2];
  fwd[0].to_agency_id = agencies_[0];
  fwd[0].question = "Mohon dijawab";
  fwd[0].created_by = user_;
  fwd[0].deadline_at = kT0 + 40 * kHour;
  Must(inbox().CreateDispositions(c.id, 0, ds[1].id, ds[1].version, &fwd,
                                  Event("disposition_forwarded", kT0 + 2 * kHour, user_)));
  EXPECT_EQ(Must(inbox().GetDisposition(ds[1].id)).state, DispositionState::kDiteruskan);
  EXPECT_EQ(Must(inbox().GetDisposition(fwd[0].id)).parent_id, ds[1].id);
  EXPECT_EQ(Must(inbox().GetCase(c.id)).due_at, kT0 + 40 * kHour);
  Must(inbox().ResolveDisposition(fwd[0].id, 1, DispositionState::kDitolak, "bukan kewenangan kami",
                                  user_, kT0 + 3 * kHour,
                                  Event("disposition_refused", kT0 + 3 * kHour, user_)));
  EXPECT_EQ(Must(inbox().GetDisposition(fwd[0].id)).refusal_reason, "bukan kewenangan kami");
  Case back = Must(inbox().GetCase(c.id));
  EXPECT_EQ(back.state, CaseState::kDibuka);
  EXPECT_FALSE(back.due_at.has_value());

  DispositionFilter in;
  in.agency_ids = {agencies_[0]};
  EXPECT_EQ(Must(inbox().ListDispositions(in)).total, 1);
  in.incoming = false;
  auto out = Must(inbox().ListDispositions(in));
  EXPECT_EQ(out.total, 2);
  ASSERT_EQ(out.items.size(), 2u);
  EXPECT_LE(out.items[0].deadline_at, out.items[1].deadline_at);
}

TEST_P(InboxConformanceTest, RemindersAndEscalationAreHandledOnce) {
  Case c = Opened("a1", "ani", kT0);
  std::vector<Disposition> ds(1);
  ds[0].from_agency_id = agencies_[0];
  ds[0].to_agency_id = agencies_[1];
  ds[0].question = "q";
  ds[0].created_by = user_;
  ds[0].deadline_at = kT0 + 24 * kHour;
  ds[0].reminder_points = {kT0 + 20 * kHour, kT0 + 23 * kHour};
  Must(inbox().CreateDispositions(c.id, c.version, std::nullopt, 0, &ds, Event("d", kT0)));
  EXPECT_TRUE(Must(inbox().DueAlerts(kT0 + 19 * kHour, 10)).empty());
  auto due = Must(inbox().DueAlerts(kT0 + 20 * kHour, 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_FALSE(due[0].escalate);
  EXPECT_TRUE(Must(inbox().MarkAlerted(ds[0].id, 0, false, kT0 + 20 * kHour)));
  EXPECT_FALSE(Must(inbox().MarkAlerted(ds[0].id, 0, false, kT0 + 20 * kHour)));  // twice: no
  EXPECT_TRUE(Must(inbox().DueAlerts(kT0 + 21 * kHour, 10)).empty());
  // The server was down past the deadline: the second reminder is skipped for the escalation.
  due = Must(inbox().DueAlerts(kT0 + 25 * kHour, 10));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_TRUE(due[0].escalate);
  EXPECT_TRUE(Must(inbox().MarkAlerted(ds[0].id, 1, true, kT0 + 25 * kHour)));
  EXPECT_TRUE(Must(inbox().DueAlerts(kT0 + 100 * kHour, 10)).empty());
  EXPECT_TRUE(Must(inbox().GetDisposition(ds[0].id)).escalated);
}

TEST_P(InboxConformanceTest, RepliesAreIdempotentAndClaimedOnce) {
  Case c = Opened("s1", "ani", kT0);
  Reply r;
  r.case_id = c.id;
  r.text = "Vaksin tersedia mulai Senin.";
  r.state = ReplyState::kQueued;
  r.idempotency_key = "key-0001";
  r.created_by = user_;
  r.platform = Platform::kX;
  auto [stored, created] = Must(inbox().CreateReply(r, c.version));
  EXPECT_TRUE(created);
  // The same key again (a double click, a retried request): the stored reply, nothing new.
  auto [same, created2] = Must(inbox().CreateReply(r, c.version));
  EXPECT_FALSE(created2);
  EXPECT_EQ(same.id, stored.id);
  // Another officer answering the case version they loaded before: Conflict.
  Reply other = r;
  other.idempotency_key = "key-0002";
  EXPECT_EQ(inbox().CreateReply(other, c.version).status().code(), Code::kConflict);
  EXPECT_EQ(Must(inbox().CaseReplies(c.id)).size(), 1u);

  // Eight senders race for the queued reply: exactly one claims it.
  std::atomic<int> claimed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto got = inbox().ClaimReply(stored.id, kT0 + kHour);
      if (got.ok() && got->has_value()) claimed.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(claimed.load(), 1);
  Reply sent = Must(inbox().MarkReplySent(stored.id, "1234", "https://x.com/i/1234", kT0 + kHour));
  EXPECT_EQ(Must(inbox().GetReply(stored.id)).state, ReplyState::kSent);
  EXPECT_EQ(Must(inbox().GetReply(stored.id)).platform_id, "1234");
  EXPECT_EQ(inbox().MarkReplySent(stored.id, "x", "", kT0).status().code(),
            Code::kFailedPrecondition);
  Case answered = Must(inbox().GetCase(c.id));
  EXPECT_EQ(answered.state, CaseState::kDijawab);
  EXPECT_EQ(answered.first_response_at, kT0 + kHour);
  EXPECT_EQ(answered.first_responder_id, user_);
  (void)sent;
}

TEST_P(InboxConformanceTest, ReplyStateChangesCheckStateAndVersion) {
  Case c = Opened("t1", "ani", kT0);
  Reply r;
  r.case_id = c.id;
  r.text = "draf";
  r.idempotency_key = "key-draft-1";
  r.created_by = user_;
  auto [d, created] = Must(inbox().CreateReply(r, std::nullopt));
  ASSERT_TRUE(created);
  Reply edit = d;
  edit.text = "draf kedua";
  Reply e2 = Must(inbox().UpdateReply(edit, d.version, {ReplyState::kDraft}, Event("", kT0)));
  EXPECT_EQ(e2.text, "draf kedua");
  EXPECT_EQ(
      inbox().UpdateReply(edit, d.version, {ReplyState::kDraft}, Event("", kT0)).status().code(),
      Code::kConflict);
  Reply q = e2;
  q.state = ReplyState::kQueued;
  EXPECT_EQ(
      inbox().UpdateReply(q, e2.version, {ReplyState::kFailed}, Event("", kT0)).status().code(),
      Code::kFailedPrecondition);
  Reply queued = Must(inbox().UpdateReply(q, e2.version, {ReplyState::kDraft}, Event("", kT0)));
  ASSERT_TRUE(Must(inbox().ClaimReply(queued.id, kT0)).has_value());
  Reply failed = Must(inbox().MarkReplyFailed(queued.id, "HTTP 503", true, kT0, kT0 + 30'000));
  EXPECT_EQ(failed.state, ReplyState::kFailed);
  ASSERT_TRUE(failed.next_retry_at.has_value());
  EXPECT_EQ(*failed.next_retry_at, kT0 + 30'000);
  EXPECT_EQ(Must(inbox().GetReply(failed.id)).next_retry_at, failed.next_retry_at);
  EXPECT_EQ(failed.last_error, "HTTP 503");
  EXPECT_EQ(failed.error_kind, "retryable");
  EXPECT_EQ(failed.attempts, 1);
  EXPECT_EQ(Must(inbox().GetReply(failed.id)).error_kind, "retryable");
  // Retried: queued again, refused for good this time, then (fixed) sent: the error is cleared.
  Reply again = failed;
  again.state = ReplyState::kQueued;
  again = Must(inbox().UpdateReply(again, failed.version, {ReplyState::kFailed}, Event("", kT0)));
  EXPECT_FALSE(again.next_retry_at.has_value());  // retried (by hand or the queue): plan cleared
  ASSERT_TRUE(Must(inbox().ClaimReply(again.id, kT0)).has_value());
  Reply refused = Must(inbox().MarkReplyFailed(again.id, "HTTP 403: token expired", false, kT0));
  EXPECT_EQ(refused.error_kind, "permanent");
  EXPECT_FALSE(refused.next_retry_at.has_value());
  EXPECT_EQ(refused.attempts, 2);
  Reply fixed = refused;
  fixed.state = ReplyState::kQueued;
  fixed = Must(inbox().UpdateReply(fixed, refused.version, {ReplyState::kFailed}, Event("", kT0)));
  ASSERT_TRUE(Must(inbox().ClaimReply(fixed.id, kT0)).has_value());
  Reply sent = Must(inbox().MarkReplySent(fixed.id, "123", "https://x.com/i/web/status/123", kT0));
  EXPECT_EQ(sent.error_kind, "");
  EXPECT_EQ(sent.last_error, "");
  for (const Reply& x : Must(inbox().CaseReplies(sent.case_id))) {
    if (x.id == sent.id) {
      EXPECT_EQ(x.platform_id, "123");
    }
  }
}

TEST_P(InboxConformanceTest, ReadyAnswersAreSuggestedBySimilarity) {
  auto add = [&](const std::string& title, const std::string& body, Id agency, bool approved,
                 const std::string& until = "") {
    ReadyAnswer a;
    a.agency_id = agency;
    a.title = title;
    a.body = body;
    a.tags = {"layanan"};
    a.approved = approved;
    a.valid_until = until;
    MustOk(inbox().CreateAnswer(&a));
    return a;
  };
  ReadyAnswer polio = add("Jadwal vaksin polio balita",
                          "Vaksin polio untuk balita tersedia di semua puskesmas setiap Senin.",
                          agencies_[1], true);
  add("Jam buka puskesmas", "Puskesmas buka 07.30-14.00.", agencies_[1], true);
  add("Vaksin polio (draf)", "Belum disetujui.", agencies_[1], false);
  add("Vaksin polio 2025", "Kedaluwarsa.", agencies_[1], true, "2025-12-31");
  add("KTP elektronik", "Cetak KTP di Dukcapil.", agencies_[2], true);
  auto s = Must(inbox().SuggestAnswers({agencies_[1]}, "Kapan ada vaksin polio untuk balita?",
                                       "2026-11-23", 5));
  ASSERT_GE(s.size(), 1u);
  EXPECT_EQ(s[0].id, polio.id);
  EXPECT_GT(s[0].score, 0.0);
  EXPECT_LE(s[0].score, 1.0);
  for (const auto& a : s) {
    EXPECT_TRUE(a.approved);
    EXPECT_EQ(a.agency_id, agencies_[1]);
    EXPECT_NE(a.title, "Vaksin polio 2025");
  }
  EXPECT_TRUE(Must(inbox().SuggestAnswers({agencies_[1]}, "yang dan di", "2026-11-23", 5)).empty());
  AnswerFilter f;
  f.agency_ids = {agencies_[1]};
  f.q = "polio";
  EXPECT_EQ(Must(inbox().ListAnswers(f)).total, 3);
  f.approved = true;
  EXPECT_EQ(Must(inbox().ListAnswers(f)).total, 2);
  ReadyAnswer edited = polio;
  edited.body = "Vaksin polio: setiap Selasa.";
  edited.approved = false;
  EXPECT_EQ(Must(inbox().UpdateAnswer(edited, polio.version)).version, 2);
  EXPECT_EQ(inbox().UpdateAnswer(edited, polio.version).status().code(), Code::kConflict);
}

TEST_P(InboxConformanceTest, NotificationsAreDeduplicated) {
  Notification n;
  n.user_id = user_;
  n.kind = "reminder";
  n.title = "Disposisi hampir jatuh tempo";
  n.dedupe_key = "disposition:1:reminder:0";
  EXPECT_TRUE(Must(inbox().Notify(&n)));
  Notification again = n;
  EXPECT_FALSE(Must(inbox().Notify(&again)));
  Notification other = n;
  other.dedupe_key = "disposition:1:escalation";
  EXPECT_TRUE(Must(inbox().Notify(&other)));
  auto list = Must(inbox().ListNotifications(user_, true, {}));
  EXPECT_EQ(list.total, 2);
  EXPECT_EQ(Must(inbox().MarkRead(user_, {n.id})), 1);
  EXPECT_EQ(Must(inbox().MarkRead(user_, {})), 0);
}

TEST_P(InboxConformanceTest, SettingsAndHolidayOverrides) {
  InboxSettings s = Must(inbox().GetSettings(region_));
  EXPECT_EQ(s.hours, 24);
  EXPECT_EQ(s.mode, "calendar");
  EXPECT_EQ(s.updated_at, 0);
  s.mode = "working";
  s.hours = 16;
  s.reminder_minutes = {120, 30};
  s.require_reply_approval = true;
  MustOk(inbox().PutSettings(&s));
  InboxSettings back = Must(inbox().GetSettings(region_));
  EXPECT_EQ(back.mode, "working");
  EXPECT_EQ(back.hours, 16);
  EXPECT_EQ(back.reminder_minutes, (std::vector<int>{120, 30}));
  EXPECT_TRUE(back.require_reply_approval);
  MustOk(inbox().PutHolidayOverride(
      {"2026-12-31", "Cuti bersama tambahan", "cuti_bersama", false, 0}));
  MustOk(inbox().PutHolidayOverride({"2026-08-17", "", "libur_nasional", true, 0}));
  auto h = Must(inbox().HolidayOverrides());
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].date, "2026-08-17");
  EXPECT_TRUE(h[0].removed);
  MustOk(inbox().DeleteHolidayOverride("2026-08-17"));
  EXPECT_EQ(inbox().DeleteHolidayOverride("2026-08-17").code(), Code::kNotFound);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Backends, InboxConformanceTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace humas::store
