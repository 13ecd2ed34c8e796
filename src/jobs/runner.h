// JobRunner: runs handlers for queued jobs (store::JobRepository) on N worker threads, with
// leases (so no job runs twice), retries and exponential back-off. A slow job (an SMTP relay or
// Telegram that hangs) holds one worker; no queue may hold every worker while another queue has
// due work, so e.g. the inbox's deadline reminders never wait behind hung alert messages.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/model.h"
#include "core/status.h"
#include "store/store.h"

namespace humas::jobs {

//! Handles one job. Ok → the job is done; an error → it is retried after a back-off (or dead
//! after max_attempts), with the error message recorded as last_error. Handlers must be
//! idempotent: after a crash or an expired lease a job can run again.
using Handler = std::function<Status(const Job&)>;

struct RunnerOptions {
  int batch = 10;  //!< jobs claimed per queue per RunOnce (the threads claim one at a time)
  //! Worker threads. With more than one and more than one queue, a queue holds at most
  //! workers - 1 of them at once (per-queue fairness).
  int workers = 1;
  UnixMillis lease_ms = 5 * 60 * 1000;         //!< how long a claim is held
  UnixMillis max_backoff_ms = 60 * 60 * 1000;  //!< cap of the exponential back-off
  std::chrono::milliseconds idle_wait{500};    //!< sleep between polls that found no work
};

class JobRunner {
 public:
  //! `jobs` and `clock` must outlive the runner. `worker` names this runner in leases
  //! (e.g. "host:pid:1"); it must be unique among concurrently running workers.
  JobRunner(store::JobRepository& jobs, const Clock& clock, std::string worker,
            RunnerOptions options = {});
  //! Stops and joins the threads if they are running.
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  //! Registers the handler of `queue`. Call before Start(); a second handler for the same queue
  //! replaces the first. `parallel`: how many of the queue's jobs may run at once on different
  //! workers (1 = one after the other, as handlers written for one thread expect; never more
  //! than workers - 1 when there are several queues).
  void Register(const std::string& queue, Handler handler, int parallel = 1);

  //! Starts the worker threads ("<worker>:1" … in leases). FailedPrecondition if already
  //! running or no handler registered.
  Status Start();
  //! Asks every worker to stop after the job in hand and joins them. Idempotent.
  void Stop();

  //! One poll at `now`: claims due jobs of every registered queue and runs them on the calling
  //! thread. Returns how many jobs were run. Completion and retry times are read from the clock
  //! after each handler returns (a handler may take a while). For tests (with a FakeClock) and
  //! for the loop. Not to be called concurrently with a running loop of the same runner.
  Result<int> RunOnce(UnixMillis now);
  //! One step of worker thread `worker` at `now`: claims one due job of the next queue (in
  //! turn, after the one it served last) that is below its share of workers, and runs it. False
  //! when no queue had due work it may take.
  Result<bool> RunNext(const std::string& worker, UnixMillis now);

  //! The retry delay after `attempts` failed attempts: 2^attempts seconds, capped at `cap_ms`.
  static UnixMillis Backoff(int attempts, UnixMillis cap_ms);

 private:
  void Loop(std::string worker);
  //! Runs one claimed job and records its outcome (done, retry or dead).
  void RunClaimed(const Handler& handler, const Job& job, const std::string& worker);

  store::JobRepository& jobs_;
  const Clock& clock_;
  const std::string worker_;
  const RunnerOptions options_;
  struct Queue {
    Handler handler;
    int parallel = 1;
  };
  //! Written only before Start() (Register), read by the worker threads afterwards.
  std::map<std::string, Queue> handlers_;

  std::mutex mu_;
  std::condition_variable wake_;      //!< signalled by Stop()
  bool stop_ = false;                 //!< guarded by mu_
  std::map<std::string, int> busy_;   //!< workers running a job, per queue; guarded by mu_
  size_t next_queue_ = 0;             //!< where the next claim looks first; guarded by mu_
  std::vector<std::thread> threads_;  //!< started/joined only by Start()/Stop() (caller's thread)
};

}  // namespace humas::jobs
