// Conformance of WebhookInboxRepository (store/webhook_inbox.h) over every backend.
#include "store/store_conformance_test.h"

namespace humas::store {
namespace {

class WebhookInboxConformanceTest : public StoreConformanceTest {
 protected:
  InboxDelivery Delivery(const std::string& key, const std::string& body = "{\"a\":1}") {
    InboxDelivery d;
    d.source = "meta";
    d.delivery_key = key;
    d.body = body;
    d.received_at = 1000;
    return d;
  }
};

TEST_P(WebhookInboxConformanceTest, AddIsIdempotentOnSourceAndKey) {
  auto& inbox = store().webhook_inbox();
  InboxDelivery a = Delivery("k1");
  auto added = inbox.Add(&a);
  ASSERT_TRUE(added.ok()) << added.status().message();
  EXPECT_TRUE(*added);
  EXPECT_GT(a.id, 0);
  InboxDelivery replay = Delivery("k1", "{\"other\":2}");
  auto again = inbox.Add(&replay);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(replay.id, a.id);
  InboxDelivery other_source = Delivery("k1");
  other_source.source = "whatsapp";
  EXPECT_TRUE(*inbox.Add(&other_source));
  auto pending = inbox.Pending(10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].body, "{\"a\":1}");  // the first body is kept, the replay's is not
  InboxDelivery empty = Delivery("");
  EXPECT_EQ(inbox.Add(&empty).status().code(), Code::kInvalidArgument);
}

TEST_P(WebhookInboxConformanceTest, PendingDoneAndDead) {
  auto& inbox = store().webhook_inbox();
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) {
    InboxDelivery d = Delivery("k" + std::to_string(i));
    ASSERT_TRUE(inbox.Add(&d).ok());
    ids.push_back(d.id);
  }
  auto first = inbox.Pending(2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].id, ids[0]);  // oldest first
  ASSERT_TRUE(inbox.MarkDone({ids[0], ids[1]}, {1, 0}, 2000).ok());
  EXPECT_FALSE(inbox.MarkDone({ids[2]}, {}, 2000).ok());
  ASSERT_TRUE(inbox.MarkFailed(ids[2], "store busy", 2, 2000).ok());
  auto after = inbox.Pending(10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 3u);
  EXPECT_EQ((*after)[0].attempts, 1);
  EXPECT_EQ((*after)[0].last_error, "store busy");
  ASSERT_TRUE(inbox.MarkFailed(ids[2], "store busy", 2, 3000).ok());
  auto counts = inbox.Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->done, 2);
  EXPECT_EQ(counts->dead, 1);
  EXPECT_EQ(counts->pending, 2);
  // A replay of a processed delivery is still recognised.
  InboxDelivery replay = Delivery("k0");
  EXPECT_FALSE(*inbox.Add(&replay));
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhookInboxConformanceTest,
                         ::testing::ValuesIn(StoreBackends()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace humas::store
