// JobRunner: runs handlers for queued jobs (store::JobRepository) on one polling thread, with
// leases, retries and exponential back-off.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

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
  int batch = 10;                              //!< jobs claimed per queue per poll
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
  //! Stops and joins the thread if it is running.
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  //! Registers the handler of `queue`. Call before Start(); a second handler for the same queue
  //! replaces the first.
  void Register(const std::string& queue, Handler handler);

  //! Starts the polling thread. FailedPrecondition if already running or no handler registered.
  Status Start();
  //! Asks the loop to stop after the job in hand and joins the thread. Idempotent.
  void Stop();

  //! One poll at `now`: claims due jobs of every registered queue and runs them on the calling
  //! thread. Returns how many jobs were run. Completion and retry times are read from the clock
  //! after each handler returns (a handler may take a while). For tests (with a FakeClock) and
  //! for the loop. Not to be called concurrently with a running loop of the same runner.
  Result<int> RunOnce(UnixMillis now);

  //! The retry delay after `attempts` failed attempts: 2^attempts seconds, capped at `cap_ms`.
  static UnixMillis Backoff(int attempts, UnixMillis cap_ms);

 private:
  void Loop();

  store::JobRepository& jobs_;
  const Clock& clock_;
  const std::string worker_;
  const RunnerOptions options_;
  //! Written only before Start() (Register), read by the loop thread afterwards.
  std::map<std::string, Handler> handlers_;

  std::mutex mu_;
  std::condition_variable wake_;  //!< signalled by Stop()
  bool stop_ = false;             //!< guarded by mu_
  std::thread thread_;            //!< started/joined only by Start()/Stop() (caller's thread)
};

}  // namespace humas::jobs
