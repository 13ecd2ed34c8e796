// The durable intake over a real SQLite file: deliveries survive a stop before processing (the
// crash between ack and processing), replays are kept once, a full backlog refuses new ones.
#include "connectors/webhook/intake.h"

#include <gtest/gtest.h>

#include "listening/matcher.h"
#include "store/queries.h"
#include "store/sqlite/test_util.h"

namespace humas::webhook {
namespace {

store::InboxDelivery Telegram(int update_id, const std::string& text) {
  store::InboxDelivery d;
  d.source = "telegram/kota";
  d.delivery_key = "event:" + std::to_string(update_id);
  d.body =
      R"({"update_id":)" + std::to_string(update_id) + R"(,"message":{"message_id":)" +
      std::to_string(update_id) +
      R"(,"date":1700000000,"chat":{"id":7,"type":"private"},"from":{"id":7,"username":"warga"},"text":")" +
      text + R"("}})";
  d.received_at = 1700000000000;
  return d;
}

std::int64_t StoredMentions(store::Store& s) {
  auto r = s.mentions().Search({}, {});
  return r.ok() ? r->total : -1;
}

TEST(IntakeTest, PendingDeliveriesSurviveARestartAndAreStoredOnce) {
  auto st = store::sqlite::TempSqliteStore::Open();
  ASSERT_NE(st, nullptr);
  FakeClock clock(1700000000000);
  api::Context ctx(*st, clock, {});
  {
    // Acknowledged, then "crash": the worker never ran.
    WebhookIntake intake(ctx, {});
    ASSERT_TRUE(intake.Accept(Telegram(1, "Jalan rusak")).ok());
    ASSERT_TRUE(intake.Accept(Telegram(2, "Lampu mati")).ok());
    auto replay = intake.Accept(Telegram(1, "Jalan rusak"));
    ASSERT_TRUE(replay.ok());
    EXPECT_FALSE(*replay);
    EXPECT_EQ(intake.pending(), 2);
  }
  EXPECT_EQ(StoredMentions(*st), 0);
  WebhookIntake restarted(ctx, {});
  ASSERT_TRUE(restarted.Start().ok());  // counts the backlog and processes it
  for (int i = 0; i < 200 && restarted.pending() > 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  restarted.Stop();
  EXPECT_EQ(restarted.pending(), 0);
  EXPECT_EQ(StoredMentions(*st), 2);
  auto counts = st->webhook_inbox().Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->done, 2);
  // Processing again (e.g. a crash after storing, before marking done) stores nothing twice.
  ASSERT_TRUE(restarted.Accept(Telegram(3, "Lampu mati")).ok());
  store::InboxDelivery same_message = Telegram(2, "Lampu mati");
  same_message.delivery_key = "event:99";  // a new delivery carrying an already stored message
  ASSERT_TRUE(restarted.Accept(same_message).ok());
  auto n = restarted.ProcessOnce();
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(StoredMentions(*st), 3);
}

TEST(IntakeTest, FullBacklogRefusesWithoutWriting) {
  auto st = store::sqlite::TempSqliteStore::Open();
  ASSERT_NE(st, nullptr);
  FakeClock clock(1700000000000);
  api::Context ctx(*st, clock, {});
  WebhookOptions o;
  o.max_pending = 2;
  WebhookIntake intake(ctx, o);
  ASSERT_TRUE(intake.Accept(Telegram(1, "a")).ok());
  ASSERT_TRUE(intake.Accept(Telegram(2, "b")).ok());
  auto third = intake.Accept(Telegram(3, "c"));
  EXPECT_EQ(third.status().code(), Code::kResourceExhausted);
  auto counts = st->webhook_inbox().Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->pending, 2);
  ASSERT_TRUE(intake.ProcessOnce().ok());
  EXPECT_TRUE(intake.Accept(Telegram(3, "c")).ok());
}

TEST(IntakeTest, UnprocessableDeliveryIsKeptAsDead) {
  auto st = store::sqlite::TempSqliteStore::Open();
  ASSERT_NE(st, nullptr);
  FakeClock clock(1700000000000);
  api::Context ctx(*st, clock, {});
  WebhookIntake intake(ctx, {});
  store::InboxDelivery bad = Telegram(1, "x");
  bad.body = "{not json";
  ASSERT_TRUE(intake.Accept(bad).ok());
  ASSERT_TRUE(intake.Accept(Telegram(2, "baik")).ok());
  ASSERT_TRUE(intake.ProcessOnce().ok());
  auto counts = st->webhook_inbox().Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->dead, 1);
  EXPECT_EQ(counts->done, 1);
  EXPECT_EQ(intake.pending(), 0);
  EXPECT_EQ(StoredMentions(*st), 1);
}

TEST(IntakeTest, WebhookMentionsAreMatchedAgainstTheAgencyQueries) {
  auto st = store::sqlite::TempSqliteStore::Open();
  ASSERT_NE(st, nullptr);
  FakeClock clock(1700000000000);
  api::Context ctx(*st, clock, {});
  Agency agency;
  agency.kind = AgencyKind::kAgency;
  agency.name = "Dinas PUPR";
  agency.code = "dispupr";
  ASSERT_TRUE(st->agencies().Create(&agency).ok());
  store::AgencyQuery q;
  q.agency_id = agency.id;
  q.name = "jalan";
  q.expression = "\"jalan rusak\"";
  ASSERT_TRUE(st->queries().Create(&q).ok());
  ASSERT_TRUE(ctx.matchers->Rebuild(st->queries()).ok());
  WebhookIntake intake(ctx, {});
  ASSERT_TRUE(intake.Accept(Telegram(1, "Jalan rusak di depan pasar")).ok());
  ASSERT_TRUE(intake.Accept(Telegram(2, "Lampu jalan mati")).ok());
  ASSERT_TRUE(intake.ProcessOnce().ok());
  store::MentionFilter f;
  f.query_id = q.id;
  auto matched = st->mentions().Search(f, {});
  ASSERT_TRUE(matched.ok());
  ASSERT_EQ(matched->total, 1);
  EXPECT_EQ(matched->items[0].data.text, "Jalan rusak di depan pasar");
}

}  // namespace
}  // namespace humas::webhook
