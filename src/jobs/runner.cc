// JobRunner: the polling loop, dispatch to handlers and back-off.
#include "jobs/runner.h"

#include <exception>

#include "core/log.h"

namespace humas::jobs {

JobRunner::JobRunner(store::JobRepository& jobs, const Clock& clock, std::string worker,
                     RunnerOptions options)
    : jobs_(jobs), clock_(clock), worker_(std::move(worker)), options_(options) {}

JobRunner::~JobRunner() { Stop(); }

void JobRunner::Register(const std::string& queue, Handler handler) {
  handlers_[queue] = std::move(handler);
}

UnixMillis JobRunner::Backoff(int attempts, UnixMillis cap_ms) {
  if (attempts < 0) attempts = 0;
  if (attempts > 40) return cap_ms;  // 2^40 s is far beyond any sensible cap
  UnixMillis delay = (UnixMillis{1} << attempts) * 1000;
  return delay < cap_ms ? delay : cap_ms;
}

Status JobRunner::Start() {
  if (thread_.joinable()) return FailedPrecondition("job runner " + worker_ + " already running");
  if (handlers_.empty()) return FailedPrecondition("job runner " + worker_ + " has no handlers");
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
  Log(LogLevel::kInfo, "jobs.runner.start", {{"worker", worker_}});
  return Status::Ok();
}

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    Log(LogLevel::kInfo, "jobs.runner.stop", {{"worker", worker_}});
  }
}

void JobRunner::Loop() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    Result<int> ran = RunOnce(clock_.Now());
    if (!ran.ok()) {
      Log(LogLevel::kWarn, "jobs.runner.poll_failed",
          {{"worker", worker_}, {"error", ran.status().ToString()}});
    }
    if (ran.ok() && *ran > 0) continue;  // there may be more work: poll again at once
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, options_.idle_wait, [this] { return stop_; });
  }
}

Result<int> JobRunner::RunOnce(UnixMillis now) {
  int ran = 0;
  for (const auto& [queue, handler] : handlers_) {
    HUMAS_ASSIGN_OR_RETURN(std::vector<Job> claimed,
                           jobs_.Claim(queue, worker_, options_.batch, now, options_.lease_ms));
    for (const Job& job : claimed) {
      Status result;
      try {
        result = handler(job);
      } catch (const std::exception& e) {  // handlers are outside code: keep the worker alive
        result = Internal(std::string("handler threw: ") + e.what());
      } catch (...) {
        result = Internal("handler threw a non-standard exception");
      }
      ++ran;
      UnixMillis done_at = clock_.Now();
      if (result.ok()) {
        Status s = jobs_.Complete(job.id, worker_, done_at);
        if (!s.ok()) {
          Log(LogLevel::kWarn, "jobs.complete_failed",
              {{"job", job.id}, {"queue", queue}, {"error", s.ToString()}});
        }
        continue;
      }
      UnixMillis retry_at = done_at + Backoff(job.attempts, options_.max_backoff_ms);
      bool last = job.attempts >= job.max_attempts;
      Log(last ? LogLevel::kError : LogLevel::kWarn, last ? "jobs.dead" : "jobs.retry",
          {{"job", job.id},
           {"queue", queue},
           {"attempt", job.attempts},
           {"max_attempts", job.max_attempts},
           {"retry_at", FormatRfc3339(retry_at)},
           {"error", result.ToString()}});
      Status s = jobs_.Fail(job.id, worker_, result.ToString(), retry_at, done_at);
      if (!s.ok()) {
        Log(LogLevel::kWarn, "jobs.fail_failed",
            {{"job", job.id}, {"queue", queue}, {"error", s.ToString()}});
      }
    }
  }
  return ran;
}

}  // namespace humas::jobs
