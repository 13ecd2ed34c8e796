// SQLite webhook inbox: one INSERT per delivery (the ack waits for its commit), batch reads for
// the intake worker.
#include "store/sqlite/webhook_inbox_repo.h"

namespace humas::store::sqlite {
namespace {

constexpr char kSqlInboxInsert[] =
    "INSERT INTO webhook_inbox (source, delivery_key, body, received_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (source, delivery_key) DO NOTHING RETURNING id";
constexpr char kSqlInboxFind[] =
    "SELECT id FROM webhook_inbox WHERE source = ? AND delivery_key = ?";
constexpr char kSqlInboxPending[] =
    "SELECT id, source, delivery_key, body, received_at, attempts, last_error FROM webhook_inbox "
    "WHERE state = 'pending' ORDER BY id LIMIT ?";
constexpr char kSqlInboxDone[] =
    "UPDATE webhook_inbox SET state = 'done', mentions = ?, processed_at = ?, attempts = "
    "attempts + 1 WHERE id = ? AND state = 'pending'";
constexpr char kSqlInboxFail[] =
    "UPDATE webhook_inbox SET attempts = attempts + 1, last_error = ?, processed_at = ?, "
    "state = CASE WHEN attempts + 1 >= ? THEN 'dead' ELSE 'pending' END "
    "WHERE id = ? AND state = 'pending'";
constexpr char kSqlInboxCounts[] = "SELECT state, count(*) FROM webhook_inbox GROUP BY state";

}  // namespace

Result<bool> SqliteWebhookInboxRepository::Add(InboxDelivery* d) {
  if (d->source.empty() || d->delivery_key.empty())
    return InvalidArgument("webhook delivery needs a source and a delivery key");
  auto conn = ctx_.pool->Acquire();
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlInboxInsert));
    st.Bind(d->source).Bind(d->delivery_key).Bind(d->body).Bind(d->received_at);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      d->id = st.Int(0);
      return true;
    }
  }
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlInboxFind));
  st.Bind(d->source).Bind(d->delivery_key);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row) d->id = st.Int(0);
  return false;
}

Result<std::vector<InboxDelivery>> SqliteWebhookInboxRepository::Pending(int max) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlInboxPending));
  st.Bind(std::max(1, max));
  std::vector<InboxDelivery> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    InboxDelivery d;
    d.id = st.Int(0);
    d.source = st.Text(1);
    d.delivery_key = st.Text(2);
    d.body = st.Text(3);
    d.received_at = st.Int(4);
    d.attempts = static_cast<int>(st.Int(5));
    d.last_error = st.Text(6);
    out.push_back(std::move(d));
  }
  return out;
}

Status SqliteWebhookInboxRepository::MarkDone(const std::vector<Id>& ids,
                                              const std::vector<std::int64_t>& mentions,
                                              UnixMillis now) {
  if (ids.size() != mentions.size())
    return InvalidArgument("MarkDone: ids and mention counts differ in length");
  if (ids.empty()) return Status::Ok();
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  for (size_t i = 0; i < ids.size(); ++i) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlInboxDone));
    HUMAS_RETURN_IF_ERROR(st.Bind(mentions[i]).Bind(now).Bind(ids[i]).Run());
  }
  return tx.Commit();
}

Status SqliteWebhookInboxRepository::MarkFailed(Id id, const std::string& error, int max_attempts,
                                                UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlInboxFail));
  return st.Bind(error).Bind(now).Bind(max_attempts).Bind(id).Run();
}

Result<InboxCounts> SqliteWebhookInboxRepository::Counts() {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlInboxCounts));
  InboxCounts c;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string state = st.Text(0);
    if (state == "pending") c.pending = st.Int(1);
    if (state == "done") c.done = st.Int(1);
    if (state == "dead") c.dead = st.Int(1);
  }
  return c;
}

}  // namespace humas::store::sqlite
