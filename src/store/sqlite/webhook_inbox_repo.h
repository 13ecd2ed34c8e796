// SQLite WebhookInboxRepository (store/webhook_inbox.h; table from migration 0006).
#pragma once

#include "store/sqlite/sqlite_store.h"
#include "store/webhook_inbox.h"

namespace humas::store::sqlite {

class SqliteWebhookInboxRepository final : public WebhookInboxRepository {
 public:
  explicit SqliteWebhookInboxRepository(Context ctx) : ctx_(ctx) {}
  Result<bool> Add(InboxDelivery* delivery) override;
  Result<std::vector<InboxDelivery>> Pending(int max) override;
  Status MarkDone(const std::vector<Id>& ids, const std::vector<std::int64_t>& mentions,
                  UnixMillis now) override;
  Status MarkFailed(Id id, const std::string& error, int max_attempts, UnixMillis now) override;
  Result<InboxCounts> Counts() override;

 private:
  Context ctx_;
};

}  // namespace humas::store::sqlite
