// Writes that several repositories make inside their own transactions (an outbox): queueing a
// job and storing an in-app notification on a connection the caller already holds in a
// WriteTx, so they commit or roll back with the caller's other writes. Internal to
// src/store/sqlite.
#pragma once

#include "core/inbox.h"
#include "core/model.h"
#include "store/sqlite/db.h"

namespace humas::store::sqlite {

//! JobRepository::Enqueue's write on `conn` (inside the caller's transaction): validates the job,
//! adds it at `now` unless an active job has its dedupe key (then job->id is that job's id).
Status InsertJob(Connection& conn, Job* job, UnixMillis now);

//! InboxRepository::Notify's write on `conn` (inside the caller's transaction): stores the
//! notification at `now` unless the user already has one with its dedupe key (then false).
Result<bool> InsertNotification(Connection& conn, Notification* n, UnixMillis now);

}  // namespace humas::store::sqlite
