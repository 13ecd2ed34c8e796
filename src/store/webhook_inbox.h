// The durable intake of webhook deliveries (migration 0006): verified raw bodies wait here until
// the intake worker turns them into mentions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/model.h"
#include "core/status.h"

namespace humas::store {

struct InboxDelivery {
  Id id = 0;
  std::string source;        //!< e.g. "meta", "whatsapp", "telegram/kota", "x", "standard/lapor"
  std::string delivery_key;  //!< event id, or "sha256:<hex>" of the body
  std::string body;
  UnixMillis received_at = 0;
  int attempts = 0;
  std::string last_error;
};

struct InboxCounts {
  std::int64_t pending = 0;
  std::int64_t done = 0;
  std::int64_t dead = 0;
};

class WebhookInboxRepository {
 public:
  virtual ~WebhookInboxRepository() = default;
  //! Commits the delivery (sets its id). Returns true when it is new, false when (source,
  //! delivery_key) is already there (a replay; nothing is written, id is the stored one's).
  virtual Result<bool> Add(InboxDelivery* delivery) = 0;
  //! Up to `max` pending deliveries, oldest first.
  virtual Result<std::vector<InboxDelivery>> Pending(int max) = 0;
  //! Marks deliveries processed, with how many mentions each carried (same order as ids).
  virtual Status MarkDone(const std::vector<Id>& ids, const std::vector<std::int64_t>& mentions,
                          UnixMillis now) = 0;
  //! Records a failed attempt; the delivery turns 'dead' (kept, never deleted) once attempts
  //! reach max_attempts, and stays pending otherwise.
  virtual Status MarkFailed(Id id, const std::string& error, int max_attempts, UnixMillis now) = 0;
  virtual Result<InboxCounts> Counts() = 0;
};

}  // namespace humas::store
