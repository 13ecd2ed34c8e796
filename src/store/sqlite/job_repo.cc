// SQLite JobRepository: the durable job queue (batch claims with leases, retries, dedupe keys).
#include <algorithm>

#include "store/sqlite/outbox.h"
#include "store/sqlite/sqlite_store.h"

namespace humas::store::sqlite {
namespace {

constexpr char kSqlJobInsert[] =
    "INSERT INTO jobs (queue, payload_json, dedupe_key, state, run_at, attempts, max_attempts, "
    "created_at, updated_at) VALUES (?, ?, ?, 'pending', ?, 0, ?, ?, ?)";
constexpr char kSqlJobActiveByDedupe[] =
    "SELECT id FROM jobs WHERE dedupe_key = ? AND state IN ('pending', 'running', 'failed')";
// A running job whose lease expired after its last allowed attempt is given up on, not re-run.
constexpr char kSqlJobExpireExhausted[] =
    "UPDATE jobs SET state = 'dead', locked_by = '', last_error = CASE WHEN last_error = '' "
    "THEN 'lease expired on the final attempt' ELSE last_error END, updated_at = ? "
    "WHERE queue = ? AND state = 'running' AND locked_until <= ? AND attempts >= max_attempts";
constexpr char kSqlJobClaim[] =
    "UPDATE jobs SET state = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1, "
    "updated_at = ? WHERE id IN (SELECT id FROM jobs WHERE queue = ? AND ("
    "(state IN ('pending', 'failed') AND run_at <= ?) OR (state = 'running' AND locked_until <= ?)"
    ") ORDER BY run_at, id LIMIT ?) "
    "RETURNING id, queue, payload_json, dedupe_key, state, run_at, attempts, max_attempts, "
    "locked_by, locked_until, last_error, created_at, updated_at";
constexpr char kSqlJobComplete[] =
    "UPDATE jobs SET state = 'done', locked_by = '', locked_until = 0, updated_at = ? "
    "WHERE id = ? AND state = 'running' AND locked_by = ?";
constexpr char kSqlJobFail[] =
    "UPDATE jobs SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'failed' END, "
    "run_at = ?, last_error = ?, locked_by = '', locked_until = 0, updated_at = ? "
    "WHERE id = ? AND state = 'running' AND locked_by = ?";
constexpr char kSqlJobSelect[] =
    "SELECT id, queue, payload_json, dedupe_key, state, run_at, attempts, max_attempts, "
    "locked_by, locked_until, last_error, created_at, updated_at FROM jobs WHERE id = ?";
constexpr char kSqlJobCounts[] = "SELECT state, count(*) FROM jobs WHERE queue = ? GROUP BY state";

Result<Job> ReadJob(const Stmt& st) {
  Job j;
  j.id = st.Int(0);
  j.queue = st.Text(1);
  j.payload_json = st.Text(2);
  j.dedupe_key = st.Text(3);
  auto state = ParseJobState(st.Text(4));
  if (!state) return BadEnum("job state", st.Text(4));
  j.state = *state;
  j.run_at = st.Int(5);
  j.attempts = static_cast<int>(st.Int(6));
  j.max_attempts = static_cast<int>(st.Int(7));
  j.locked_by = st.Text(8);
  j.locked_until = st.Int(9);
  j.last_error = st.Text(10);
  j.created_at = st.Int(11);
  j.updated_at = st.Int(12);
  return j;
}

}  // namespace

Status InsertJob(Connection& conn, Job* job, UnixMillis now) {
  if (job->queue.empty()) return InvalidArgument("job queue is empty").WithField("queue");
  if (job->max_attempts < 1) {
    return InvalidArgument("max_attempts must be at least 1").WithField("max_attempts");
  }
  if (job->payload_json.empty()) job->payload_json = "{}";
  if (!job->dedupe_key.empty()) {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlJobActiveByDedupe));
    st.Bind(job->dedupe_key);
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (row) {
      job->id = st.Int(0);
      return Status::Ok();  // already queued: nothing is written
    }
  }
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn.Prepare(kSqlJobInsert));
    st.Bind(job->queue).Bind(job->payload_json).BindNullIfEmpty(job->dedupe_key);
    st.Bind(job->run_at).Bind(job->max_attempts).Bind(now).Bind(now);
    HUMAS_RETURN_IF_ERROR(st.Run());
  }
  job->id = sqlite3_last_insert_rowid(conn.raw());
  job->state = JobState::kPending;
  job->attempts = 0;
  job->locked_by.clear();
  job->locked_until = 0;
  job->created_at = now;
  job->updated_at = now;
  return Status::Ok();
}

Status SqliteJobRepository::Enqueue(Job* job) {
  auto conn = ctx_.pool->Acquire();
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  HUMAS_RETURN_IF_ERROR(InsertJob(*conn, job, ctx_.clock->Now()));
  return tx.Commit();
}

Result<std::vector<Job>> SqliteJobRepository::Claim(const std::string& queue,
                                                    const std::string& worker, int max,
                                                    UnixMillis now, UnixMillis lease_ms) {
  if (worker.empty()) return InvalidArgument("worker name is empty");
  std::vector<Job> out;
  if (max <= 0) return out;
  auto conn = ctx_.pool->Acquire();
  // The write lock taken by BEGIN IMMEDIATE is what guarantees two claimers never get one job.
  WriteTx tx(*conn);
  HUMAS_RETURN_IF_ERROR(tx.Begin());
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlJobExpireExhausted));
    HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(queue).Bind(now).Run());
  }
  {
    HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlJobClaim));
    st.Bind(worker).Bind(now + lease_ms).Bind(now).Bind(queue).Bind(now).Bind(now).Bind(max);
    while (true) {
      HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row) break;
      HUMAS_ASSIGN_OR_RETURN(Job j, ReadJob(st));
      out.push_back(std::move(j));
    }
  }
  HUMAS_RETURN_IF_ERROR(tx.Commit());
  std::sort(out.begin(), out.end(), [](const Job& a, const Job& b) {
    return a.run_at != b.run_at ? a.run_at < b.run_at : a.id < b.id;
  });
  return out;
}

Status SqliteJobRepository::Complete(Id job_id, const std::string& worker, UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlJobComplete));
  HUMAS_RETURN_IF_ERROR(st.Bind(now).Bind(job_id).Bind(worker).Run());
  if (sqlite3_changes(conn->raw()) == 0) {
    return FailedPrecondition("job " + std::to_string(job_id) + " is not held by worker '" +
                              worker + "' (lease lost, finished, or no such job)");
  }
  return Status::Ok();
}

Status SqliteJobRepository::Fail(Id job_id, const std::string& worker, const std::string& error,
                                 UnixMillis retry_at, UnixMillis now) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlJobFail));
  HUMAS_RETURN_IF_ERROR(st.Bind(retry_at).Bind(error).Bind(now).Bind(job_id).Bind(worker).Run());
  if (sqlite3_changes(conn->raw()) == 0) {
    return FailedPrecondition("job " + std::to_string(job_id) + " is not held by worker '" +
                              worker + "' (lease lost, finished, or no such job)");
  }
  return Status::Ok();
}

Result<Job> SqliteJobRepository::Get(Id job_id) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlJobSelect));
  st.Bind(job_id);
  HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return NotFound("job " + std::to_string(job_id) + " does not exist");
  return ReadJob(st);
}

Result<std::map<JobState, std::int64_t>> SqliteJobRepository::Counts(const std::string& queue) {
  auto conn = ctx_.pool->Acquire();
  HUMAS_ASSIGN_OR_RETURN(Stmt st, conn->Prepare(kSqlJobCounts));
  st.Bind(queue);
  std::map<JobState, std::int64_t> out;
  while (true) {
    HUMAS_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return out;
    auto state = ParseJobState(st.Text(0));
    if (!state) return BadEnum("job state", st.Text(0));
    out[*state] = st.Int(1);
  }
}

}  // namespace humas::store::sqlite
