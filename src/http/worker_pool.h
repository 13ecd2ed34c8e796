// A fixed-size thread pool with a bounded queue, so overload turns into fast 503s, not memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace humas::http {

class WorkerPool {
 public:
  //! Starts `threads` workers (at least one). At most `threads + max_queued` tasks are accepted
  //! at once (running plus waiting).
  WorkerPool(int threads, size_t max_queued);
  //! Shuts down (see Shutdown).
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  //! Queues `task` unless the pool is full or shut down; returns whether it was accepted. Never
  //! blocks. Tasks must not throw (an escaping exception terminates the process).
  bool TrySubmit(std::function<void()> task);

  //! Stops accepting tasks, drops the tasks that have not started, and joins the workers (which
  //! waits for running tasks). Idempotent. Must not be called from a worker.
  void Shutdown();

 private:
  void Run();

  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  size_t running_ = 0;                       // guarded by mu_
  bool shutdown_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;         // joined by Shutdown
};

}  // namespace humas::http
