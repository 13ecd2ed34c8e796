// Backend-neutral conformance tests of edited mentions (MentionRepository::UpsertBatch's edit
// path and MentionRepository::Edits): a newer version replaces the text, labels and matches and
// moves every counter (hourly rollups, per-query, agency topic and author counters); older
// versions and replays change nothing; the inbox re-checks the mention's case (a new question
// opens one, an open case gets a "content_edited" event, a closed case is never touched).
#include <nlohmann/json.hpp>

#include "store/cases.h"
#include "store/counters.h"
#include "store/queries.h"
#include "store/spread.h"
#include "store/store_conformance_test.h"

namespace humas::store {
namespace {

constexpr UnixMillis kHour = 3'600'000;
constexpr UnixMillis kT0 = 1'723'860'000'000;  // 2024-08-17T02:00:00Z, an hour boundary
constexpr UnixMillis kMinute = 60'000;

using Kind = UpsertOutcome::Kind;

template <typename T>
T Unwrap(Result<T> r) {
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) throw std::runtime_error("unwrap of an error result: " + r.status().ToString());
  return std::move(r).value();
}

class MentionEditTest : public StoreConformanceTest {
 protected:
  void SetUp() override {
    StoreConformanceTest::SetUp();
    if (HasFatalFailure()) return;
    agency_.code = "dishub";
    agency_.name = "Dinas Perhubungan";
    ASSERT_OK(store().agencies().Create(&agency_));
    for (auto* q : {&broken_, &repaired_}) {
      q->agency_id = agency_.id;
      q->name = q == &broken_ ? "jalan rusak" : "perbaikan";
      q->expression = q == &broken_ ? "rusak" : "diperbaiki";
      ASSERT_OK(store().queries().Create(q));
    }
  }

  //! The first version: a complaint about a broken road (negative, matches `broken_`).
  Mention Original() {
    Mention m;
    m.agency_id = agency_.id;
    m.data.platform = Platform::kTelegram;
    m.data.external_id = "-100123:77";
    m.data.author_handle = "warga_berau";
    m.data.text = "Jalan Poros Tanjung Redeb rusak parah, kapan diperbaiki?";
    m.data.created_at = kT0 + 5 * kMinute;
    m.data.labels.sentiment = "negative";
    m.data.labels.input_kind = "complaint";
    m.query_ids = {broken_.id};
    return m;
  }

  //! The author's edit a few minutes later: thanks instead (positive, matches `repaired_`).
  Mention Edited(UnixMillis edited_at, const std::string& text) {
    Mention m = Original();
    m.data.text = text;
    m.data.edited_at = edited_at;
    m.data.labels.sentiment = "positive";
    m.data.labels.input_kind = "appreciation";
    m.query_ids = {repaired_.id};
    return m;
  }

  std::vector<Kind> Upsert(const std::vector<Mention>& batch, UnixMillis now) {
    auto r = store().mentions().UpsertBatch(batch, now, /*open_cases=*/true);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<Kind> kinds;
    if (r.ok()) {
      for (const auto& o : *r) kinds.push_back(o.kind);
      if (!r->empty()) id_ = r->front().id;
    }
    return kinds;
  }

  std::int64_t Found(const std::string& q) {
    MentionFilter f;
    f.q = q;
    auto r = store().mentions().Search(f, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->total : -1;
  }

  std::int64_t MatchedBy(Id query) {
    MentionFilter f;
    f.query_id = query;
    auto r = store().mentions().Search(f, {});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->total : -1;
  }

  //! The rollup count of a sentiment (all hours, platforms and agencies).
  std::int64_t Rollup(const std::string& sentiment) {
    RollupFilter f;
    f.since = 0;
    f.until = kT0 * 2;
    auto rows = store().rollups().Query(f);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::int64_t n = 0;
    if (rows.ok())
      for (const RollupRow& r : *rows) n += r.sentiment == sentiment ? r.count : 0;
    return n;
  }

  //! The hourly counter of a query for a sentiment.
  std::int64_t QueryCount(Id query, const std::string& sentiment) {
    auto rows = store().queries().Hourly({query}, 0, kT0 * 2);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::int64_t n = 0;
    if (rows.ok())
      for (const auto& r : *rows) n += r.sentiment == sentiment ? r.count : 0;
    return n;
  }

  Agency agency_;
  AgencyQuery broken_, repaired_;
  Id id_ = 0;
};

TEST_P(MentionEditTest, ANewerVersionReplacesTheTextAndKeepsTheFirstInTheHistory) {
  ASSERT_EQ(Upsert({Original()}, kT0 + 6 * kMinute), std::vector<Kind>{Kind::kInserted});
  const Id id = id_;
  EXPECT_TRUE(Unwrap(store().mentions().Edits(id)).empty());
  const std::string thanks = "Jalan Poros Tanjung Redeb sudah diperbaiki, terima kasih Dishub";
  ASSERT_EQ(Upsert({Edited(kT0 + 9 * kMinute, thanks)}, kT0 + 10 * kMinute),
            std::vector<Kind>{Kind::kUpdated});

  Mention got = Unwrap(store().mentions().Get(id));
  EXPECT_EQ(got.data.text, thanks);
  EXPECT_EQ(got.data.edited_at, kT0 + 9 * kMinute);
  EXPECT_EQ(got.data.created_at, kT0 + 5 * kMinute);  // when it was first posted
  EXPECT_EQ(got.data.labels.sentiment, "positive");
  EXPECT_EQ(got.data.labels.input_kind, "appreciation");
  auto edits = Unwrap(store().mentions().Edits(id));
  ASSERT_EQ(edits.size(), 1u);
  EXPECT_EQ(edits[0].text, Original().data.text);
  EXPECT_EQ(edits[0].version_at, kT0 + 5 * kMinute);
  EXPECT_EQ(edits[0].replaced_at, kT0 + 10 * kMinute);

  // The full-text index, the rollups and the query matches follow the new text.
  EXPECT_EQ(Found("parah"), 0);
  EXPECT_EQ(Found("terima kasih"), 1);
  EXPECT_EQ(Rollup("negative"), 0);
  EXPECT_EQ(Rollup("positive"), 1);
  EXPECT_EQ(MatchedBy(broken_.id), 0);
  EXPECT_EQ(MatchedBy(repaired_.id), 1);
  EXPECT_EQ(QueryCount(broken_.id, "negative"), 0);
  EXPECT_EQ(QueryCount(repaired_.id, "positive"), 1);

  // A second edit keeps both earlier versions, oldest first.
  ASSERT_EQ(Upsert({Edited(kT0 + 20 * kMinute, thanks + "!")}, kT0 + 21 * kMinute),
            std::vector<Kind>{Kind::kUpdated});
  edits = Unwrap(store().mentions().Edits(id));
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[1].text, thanks);
  EXPECT_EQ(edits[1].version_at, kT0 + 9 * kMinute);
  EXPECT_EQ(Rollup("positive"), 1);
  EXPECT_EQ(QueryCount(repaired_.id, "positive"), 1);
  EXPECT_EQ(Unwrap(store().mentions().Search({}, {})).total, 1);
}

TEST_P(MentionEditTest, OlderVersionsAndReplaysChangeNothing) {
  ASSERT_EQ(Upsert({Original()}, kT0 + 6 * kMinute), std::vector<Kind>{Kind::kInserted});
  const Id id = id_;
  const std::string latest = "Sudah diperbaiki, terima kasih";
  ASSERT_EQ(Upsert({Edited(kT0 + 30 * kMinute, latest)}, kT0), std::vector<Kind>{Kind::kUpdated});
  // The same version again (a replayed webhook), an older edit arriving late, the first version
  // re-read by a pull: all duplicates.
  EXPECT_EQ(Upsert({Edited(kT0 + 30 * kMinute, latest)}, kT0), std::vector<Kind>{Kind::kDuplicate});
  EXPECT_EQ(Upsert({Edited(kT0 + 10 * kMinute, "versi tengah diperbaiki")}, kT0),
            std::vector<Kind>{Kind::kDuplicate});
  EXPECT_EQ(Upsert({Original()}, kT0), std::vector<Kind>{Kind::kDuplicate});
  Mention got = Unwrap(store().mentions().Get(id));
  EXPECT_EQ(got.data.text, latest);
  EXPECT_EQ(got.data.edited_at, kT0 + 30 * kMinute);
  EXPECT_EQ(Unwrap(store().mentions().Edits(id)).size(), 1u);
  EXPECT_EQ(Rollup("positive"), 1);
  EXPECT_EQ(Rollup("negative"), 0);
  EXPECT_EQ(QueryCount(repaired_.id, "positive"), 1);
  EXPECT_EQ(Found("tengah"), 0);
}

TEST_P(MentionEditTest, AnEditInTheSameBatchAsItsOriginalIsApplied) {
  const std::string thanks = "Sudah diperbaiki, terima kasih";
  ASSERT_EQ(Upsert({Original(), Edited(kT0 + 7 * kMinute, thanks)}, kT0 + 8 * kMinute),
            (std::vector<Kind>{Kind::kInserted, Kind::kUpdated}));
  EXPECT_EQ(Unwrap(store().mentions().Get(id_)).data.text, thanks);
  EXPECT_EQ(Rollup("negative"), 0);
  EXPECT_EQ(Rollup("positive"), 1);
  EXPECT_EQ(MatchedBy(broken_.id), 0);
  EXPECT_EQ(MatchedBy(repaired_.id), 1);
  EXPECT_EQ(QueryCount(broken_.id, "negative"), 0);
  EXPECT_EQ(QueryCount(repaired_.id, "positive"), 1);
}

TEST_P(MentionEditTest, AMentionFirstSeenEditedKeepsItsVersion) {
  const std::string thanks = "Sudah diperbaiki, terima kasih";
  ASSERT_EQ(Upsert({Edited(kT0 + 7 * kMinute, thanks)}, kT0 + 8 * kMinute),
            std::vector<Kind>{Kind::kInserted});
  EXPECT_EQ(Unwrap(store().mentions().Get(id_)).data.edited_at, kT0 + 7 * kMinute);
  EXPECT_TRUE(Unwrap(store().mentions().Edits(id_)).empty());
  EXPECT_EQ(Upsert({Edited(kT0 + 7 * kMinute, thanks)}, kT0), std::vector<Kind>{Kind::kDuplicate});
  // The first version arriving afterwards (a pull reading an old page) is older: ignored.
  EXPECT_EQ(Upsert({Original()}, kT0), std::vector<Kind>{Kind::kDuplicate});
  EXPECT_EQ(Unwrap(store().mentions().Get(id_)).data.text, thanks);
  EXPECT_EQ(Rollup("positive"), 1);
}

TEST_P(MentionEditTest, TopicAndAuthorCountersMoveAsIfTheOldVersionWereDeleted) {
  // A second agency's query matches the edited text only: its topic gains the mention.
  Agency other;
  other.code = "dinkes";
  other.name = "Dinas Kesehatan";
  ASSERT_OK(store().agencies().Create(&other));
  AgencyQuery thanks_q;
  thanks_q.agency_id = other.id;
  thanks_q.name = "terima kasih";
  thanks_q.expression = "\"terima kasih\"";
  ASSERT_OK(store().queries().Create(&thanks_q));
  Mention reply = Original();
  reply.data.kind = MentionKind::kReply;
  reply.data.in_reply_to = "-100123:1";
  reply.data.labels.input_kind = "keluhan";  // a critical reply of its author
  ASSERT_EQ(Upsert({reply}, kT0 + 6 * kMinute), std::vector<Kind>{Kind::kInserted});
  auto topics = [&] {
    std::map<std::pair<Id, std::string>, std::int64_t> out;
    for (const TopicHourCount& t : Unwrap(store().counters().TopicCountsAt({kT0})))
      if (t.count != 0) out[{t.agency_id, t.sentiment}] = t.count;
    return out;
  };
  auto critical = [&] {
    ActivityFilter f;
    f.since = kT0 - 86'400'000;
    f.until = kT0 + 86'400'000;
    return Unwrap(store().spread().Author(Platform::kTelegram, "warga_berau", f)).critical_replies;
  };
  using Topics = std::map<std::pair<Id, std::string>, std::int64_t>;
  EXPECT_EQ(topics(), (Topics{{{agency_.id, "negative"}, 1}}));
  EXPECT_EQ(critical(), 1);

  Mention edited = Edited(kT0 + 9 * kMinute, "Sudah diperbaiki, terima kasih");
  edited.data.kind = reply.data.kind;
  edited.data.in_reply_to = reply.data.in_reply_to;
  edited.query_ids = {repaired_.id, thanks_q.id};
  ASSERT_EQ(Upsert({edited}, kT0 + 10 * kMinute), std::vector<Kind>{Kind::kUpdated});
  EXPECT_EQ(topics(), (Topics{{{agency_.id, "positive"}, 1}, {{other.id, "positive"}, 1}}));
  EXPECT_EQ(critical(), 0);

  // Edited back into a complaint matching only dinkes' query: counted there, negative, critical.
  Mention again = edited;
  again.data.edited_at = kT0 + 15 * kMinute;
  again.data.text = "Ternyata belum diperbaiki, terima kasih untuk apa";
  again.data.labels.sentiment = "negative";
  again.data.labels.input_kind = "kritik";
  again.query_ids = {thanks_q.id};
  ASSERT_EQ(Upsert({again}, kT0 + 16 * kMinute), std::vector<Kind>{Kind::kUpdated});
  EXPECT_EQ(topics(), (Topics{{{other.id, "negative"}, 1}}));
  EXPECT_EQ(critical(), 1);
  // And all of it equals a rebuild from the stored mentions.
  ASSERT_OK(store().counters().Rebuild());
  EXPECT_EQ(topics(), (Topics{{{other.id, "negative"}, 1}}));
  EXPECT_EQ(critical(), 1);
}

class MentionEditInboxTest : public MentionEditTest {
 protected:
  //! A plain comment (no answer needed) on the agency's post.
  Mention Comment(const std::string& id, const std::string& text, const std::string& kind) {
    Mention m = Original();
    m.data.external_id = id;
    m.data.kind = MentionKind::kComment;
    m.data.in_reply_to = "post-1";
    m.data.text = text;
    m.data.labels.input_kind = kind;
    m.data.labels.sentiment = "neutral";
    m.query_ids.clear();
    return m;
  }
  Mention Version(Mention m, UnixMillis at, const std::string& text, const std::string& kind) {
    m.data.edited_at = at;
    m.data.text = text;
    m.data.labels.input_kind = kind;
    return m;
  }
  std::optional<Case> CaseOf(Id mention) {
    auto c = store().inbox().CaseOfMention(mention);
    if (!c.ok()) return std::nullopt;
    return *c;
  }
  std::vector<std::string> EventKinds(Id case_id) {
    std::vector<std::string> out;
    for (const CaseEvent& e : Unwrap(store().inbox().CaseEvents(case_id))) out.push_back(e.kind);
    return out;
  }
};

TEST_P(MentionEditInboxTest, ACommentEditedIntoAQuestionOpensACase) {
  Mention plain = Comment("c1", "Mantap jalannya", "lainnya");
  ASSERT_EQ(Upsert({plain}, kT0 + 6 * kMinute), std::vector<Kind>{Kind::kInserted});
  const Id id = id_;
  EXPECT_FALSE(CaseOf(id));
  Mention question = Version(plain, kT0 + 8 * kMinute, "Kapan jalan ini diperbaiki?", "pertanyaan");
  ASSERT_EQ(Upsert({question}, kT0 + 9 * kMinute), std::vector<Kind>{Kind::kUpdated});
  auto c = CaseOf(id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state, CaseState::kBaru);
  EXPECT_EQ(c->agency_id, agency_.id);
  EXPECT_EQ(c->subject, "Kapan jalan ini diperbaiki?");
  EXPECT_EQ(c->input_kind, "pertanyaan");
  EXPECT_EQ(EventKinds(c->id), std::vector<std::string>{"opened"});
  // The same version again changes nothing (no second case, no event).
  ASSERT_EQ(Upsert({question}, kT0 + 10 * kMinute), std::vector<Kind>{Kind::kDuplicate});
  EXPECT_EQ(EventKinds(c->id), std::vector<std::string>{"opened"});
  CaseFilter f;
  f.agency_ids = {agency_.id};
  EXPECT_EQ(Unwrap(store().inbox().ListCases(f)).size(), 1u);
}

TEST_P(MentionEditInboxTest, AnOpenCaseIsToldNotClosedWhenItsQuestionIsEditedAway) {
  Mention question = Comment("c2", "Kapan jalan ini diperbaiki?", "pertanyaan");
  ASSERT_EQ(Upsert({question}, kT0 + 6 * kMinute), std::vector<Kind>{Kind::kInserted});
  const Id id = id_;
  auto before = CaseOf(id);
  ASSERT_TRUE(before);
  ASSERT_EQ(
      Upsert({Version(question, kT0 + 8 * kMinute, "Oh sudah diperbaiki, mantap", "apresiasi")},
             kT0 + 9 * kMinute),
      std::vector<Kind>{Kind::kUpdated});
  auto after = CaseOf(id);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->id, before->id);
  EXPECT_EQ(after->state, CaseState::kBaru);  // still open: the officer decides
  EXPECT_EQ(after->last_activity_at, kT0 + 9 * kMinute);
  auto events = Unwrap(store().inbox().CaseEvents(after->id));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, "content_edited");
  EXPECT_EQ(events[1].at, kT0 + 9 * kMinute);
  EXPECT_FALSE(events[1].actor_user_id);
  auto details = nlohmann::json::parse(events[1].details_json);
  EXPECT_EQ(details["mention_id"], id);
  EXPECT_EQ(details["from_kind"], "pertanyaan");
  EXPECT_EQ(details["to_kind"], "apresiasi");
  EXPECT_EQ(details["needs_answer"], false);
}

TEST_P(MentionEditInboxTest, AnOpenCaseIsToldOnlyWhenTheWordsOfTheQuestionChange) {
  const std::string asked = "Kapan jalan ini diperbaiki? https://t.co/Ab12";
  Mention question = Comment("c4", asked, "pertanyaan");
  ASSERT_EQ(Upsert({question}, kT0 + 6 * kMinute), std::vector<Kind>{Kind::kInserted});
  const Id id = id_;
  auto c = CaseOf(id);
  ASSERT_TRUE(c);
  // Spacing, emoji and the platform expanding the link: a new version is stored (history), but
  // the officer is not told.
  int minute = 8;
  for (const char* same : {"Kapan jalan  ini\ndiperbaiki?  https://t.co/Ab12",
                           "Kapan jalan ini diperbaiki??? 😡🙏 https://t.co/Ab12",
                           "Kapan jalan ini diperbaiki?? https://berau.go.id/berita/jalan-2026"}) {
    ASSERT_EQ(Upsert({Version(question, kT0 + minute * kMinute, same, "pertanyaan")},
                     kT0 + (minute + 1) * kMinute),
              std::vector<Kind>{Kind::kUpdated})
        << same;
    minute += 2;
  }
  EXPECT_EQ(Unwrap(store().mentions().Edits(id)).size(), 3u);
  EXPECT_EQ(EventKinds(c->id), std::vector<std::string>{"opened"});
  // The words asked change: told.
  ASSERT_EQ(
      Upsert({Version(question, kT0 + 20 * kMinute,
                      "Kapan jalan di Gunung Tabur diperbaiki? https://t.co/Ab12", "pertanyaan")},
             kT0 + 21 * kMinute),
      std::vector<Kind>{Kind::kUpdated});
  EXPECT_EQ(EventKinds(c->id), (std::vector<std::string>{"opened", "content_edited"}));
}

TEST_P(MentionEditInboxTest, AClosedCaseIsNeverTouched) {
  Mention question = Comment("c3", "Kapan jalan ini diperbaiki?", "pertanyaan");
  ASSERT_EQ(Upsert({question}, kT0 + 6 * kMinute), std::vector<Kind>{Kind::kInserted});
  const Id id = id_;
  Case c = *CaseOf(id);
  Case closed = c;
  closed.state = CaseState::kSelesai;
  closed.closed_at = kT0 + kHour;
  CaseEvent e;
  e.kind = "state_changed";
  e.at = kT0 + kHour;
  closed = Unwrap(store().inbox().UpdateCase(closed, c.version, e));
  const auto events = EventKinds(c.id);
  // Edited after the closing into another question: the closed case stays as it was.
  ASSERT_EQ(
      Upsert({Version(question, kT0 + 2 * kHour, "Kapan trotoarnya diperbaiki?", "pertanyaan")},
             kT0 + 2 * kHour),
      std::vector<Kind>{Kind::kUpdated});
  Case now = Unwrap(store().inbox().GetCase(c.id));
  EXPECT_EQ(now.state, CaseState::kSelesai);
  EXPECT_EQ(now.version, closed.version);
  EXPECT_EQ(now.last_activity_at, closed.last_activity_at);
  EXPECT_EQ(EventKinds(c.id), events);

  // A comment of the same thread first stored plainly, then edited into a question after the
  // thread's case was closed: a new case, the closed one is neither reopened nor extended.
  Mention plain = Comment("c4", "Lihat ini", "lainnya");
  plain.data.in_reply_to = "c3";
  plain.data.created_at = kT0 + 7 * kMinute;
  ASSERT_EQ(Upsert({plain}, kT0 + 2 * kHour), std::vector<Kind>{Kind::kInserted});
  const Id plain_id = id_;
  ASSERT_EQ(Upsert({Version(plain, kT0 + 3 * kHour, "Jadi kapan diperbaiki?", "pertanyaan")},
                   kT0 + 3 * kHour),
            std::vector<Kind>{Kind::kUpdated});
  auto opened = CaseOf(plain_id);
  ASSERT_TRUE(opened);
  EXPECT_NE(opened->id, c.id);
  EXPECT_EQ(opened->state, CaseState::kBaru);
  now = Unwrap(store().inbox().GetCase(c.id));
  EXPECT_EQ(now.state, CaseState::kSelesai);
  EXPECT_EQ(now.mention_count, 1);
  EXPECT_EQ(EventKinds(c.id), events);
}

INSTANTIATE_TEST_SUITE_P(Backends, MentionEditInboxTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(Backends, MentionEditTest, ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace humas::store
