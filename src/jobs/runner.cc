// JobRunner: the polling loop, dispatch to handlers and back-off.
#include "jobs/runner.h"

#include <algorithm>
#include <exception>

#include "core/log.h"

namespace humas::jobs {

JobRunner::JobRunner(store::JobRepository& jobs, const Clock& clock, std::string worker,
                     RunnerOptions options)
    : jobs_(jobs), clock_(clock), worker_(std::move(worker)), options_(options) {}

JobRunner::~JobRunner() { Stop(); }

void JobRunner::Register(const std::string& queue, Handler handler, int parallel) {
  handlers_[queue] = Queue{std::move(handler), parallel < 1 ? 1 : parallel};
}

UnixMillis JobRunner::Backoff(int attempts, UnixMillis cap_ms) {
  if (attempts < 0) attempts = 0;
  if (attempts > 40) return cap_ms;  // 2^40 s is far beyond any sensible cap
  UnixMillis delay = (UnixMillis{1} << attempts) * 1000;
  return delay < cap_ms ? delay : cap_ms;
}

Status JobRunner::Start() {
  if (!threads_.empty()) return FailedPrecondition("job runner " + worker_ + " already running");
  if (handlers_.empty()) return FailedPrecondition("job runner " + worker_ + " has no handlers");
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  const int n = options_.workers < 1 ? 1 : options_.workers;
  for (int i = 1; i <= n; ++i)
    threads_.emplace_back([this, i] { Loop(worker_ + ":" + std::to_string(i)); });
  Log(LogLevel::kInfo, "jobs.runner.start", {{"worker", worker_}, {"workers", n}});
  return Status::Ok();
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (threads_.empty()) return;
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  Log(LogLevel::kInfo, "jobs.runner.stop", {{"worker", worker_}});
}

void JobRunner::Loop(std::string worker) {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    Result<bool> ran = RunNext(worker, clock_.Now());
    if (!ran.ok()) {
      Log(LogLevel::kWarn, "jobs.runner.poll_failed",
          {{"worker", worker}, {"error", ran.status().ToString()}});
    }
    if (ran.ok() && *ran) continue;  // there may be more work: poll again at once
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, options_.idle_wait, [this] { return stop_; });
  }
}

Result<bool> JobRunner::RunNext(const std::string& worker, UnixMillis now) {
  const int workers = options_.workers < 1 ? 1 : options_.workers;
  // A queue may hold every worker but one, so a hung queue never starves the others.
  const int most = workers > 1 && handlers_.size() > 1 ? workers - 1 : workers;
  std::vector<const std::pair<const std::string, Queue>*> order;
  for (const auto& entry : handlers_) order.push_back(&entry);
  size_t first;
  {
    std::lock_guard lock(mu_);
    first = next_queue_++ % order.size();
  }
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& [queue, q] = *order[(first + i) % order.size()];
    {
      std::lock_guard lock(mu_);
      if (busy_[queue] >= std::min(most, q.parallel)) continue;
      ++busy_[queue];  // taken before the claim, so two workers cannot both exceed the share
    }
    Result<std::vector<Job>> claimed = jobs_.Claim(queue, worker, 1, now, options_.lease_ms);
    if (claimed.ok() && !claimed->empty()) RunClaimed(q.handler, claimed->front(), worker);
    {
      std::lock_guard lock(mu_);
      --busy_[queue];
    }
    if (!claimed.ok()) return claimed.status();
    if (!claimed->empty()) return true;
  }
  return false;
}

void JobRunner::RunClaimed(const Handler& handler, const Job& job, const std::string& worker) {
  Status result;
  try {
    result = handler(job);
  } catch (const std::exception& e) {  // handlers are outside code: keep the worker alive
    result = Internal(std::string("handler threw: ") + e.what());
  } catch (...) {
    result = Internal("handler threw a non-standard exception");
  }
  UnixMillis done_at = clock_.Now();
  if (result.ok()) {
    Status s = jobs_.Complete(job.id, worker, done_at);
    if (!s.ok()) {
      Log(LogLevel::kWarn, "jobs.complete_failed",
          {{"job", job.id}, {"queue", job.queue}, {"error", s.ToString()}});
    }
    return;
  }
  UnixMillis retry_at = done_at + Backoff(job.attempts, options_.max_backoff_ms);
  bool last = job.attempts >= job.max_attempts;
  Log(last ? LogLevel::kError : LogLevel::kWarn, last ? "jobs.dead" : "jobs.retry",
      {{"job", job.id},
       {"queue", job.queue},
       {"attempt", job.attempts},
       {"max_attempts", job.max_attempts},
       {"retry_at", FormatRfc3339(retry_at)},
       {"error", result.ToString()}});
  Status s = jobs_.Fail(job.id, worker, result.ToString(), retry_at, done_at);
  if (!s.ok()) {
    Log(LogLevel::kWarn, "jobs.fail_failed",
        {{"job", job.id}, {"queue", job.queue}, {"error", s.ToString()}});
  }
}

Result<int> JobRunner::RunOnce(UnixMillis now) {
  int ran = 0;
  for (const auto& [queue, q] : handlers_) {
    HUMAS_ASSIGN_OR_RETURN(std::vector<Job> claimed,
                           jobs_.Claim(queue, worker_, options_.batch, now, options_.lease_ms));
    for (const Job& job : claimed) {
      RunClaimed(q.handler, job, worker_);
      ++ran;
    }
  }
  return ran;
}

}  // namespace humas::jobs
