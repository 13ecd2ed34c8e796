// Tests of the JobRunner: dispatch, retries with back-off, dead jobs (with a FakeClock), and a
// clean start/stop of the polling thread.
#include "jobs/runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "store/sqlite/test_util.h"

namespace humas::jobs {
namespace {

constexpr UnixMillis kT0 = 1'723'860'000'000;

class JobRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::sqlite::TempSqliteStore::Open();
    ASSERT_NE(store_, nullptr);
  }
  store::JobRepository& jobs() { return store_->jobs(); }
  std::int64_t Count(const std::string& queue, JobState state) {
    auto c = jobs().Counts(queue);
    return c.ok() && c->count(state) ? c->at(state) : 0;
  }
  Id Enqueue(const std::string& queue, int max_attempts = 3) {
    Job j;
    j.queue = queue;
    j.payload_json = R"({"n":1})";
    j.run_at = kT0;
    j.max_attempts = max_attempts;
    EXPECT_TRUE(jobs().Enqueue(&j).ok());
    return j.id;
  }

  std::unique_ptr<store::sqlite::TempSqliteStore> store_;
  FakeClock clock_{kT0};
};

TEST(JobRunnerBackoffTest, DoublesAndCaps) {
  EXPECT_EQ(JobRunner::Backoff(0, 3'600'000), 1'000);
  EXPECT_EQ(JobRunner::Backoff(1, 3'600'000), 2'000);
  EXPECT_EQ(JobRunner::Backoff(5, 3'600'000), 32'000);
  EXPECT_EQ(JobRunner::Backoff(20, 3'600'000), 3'600'000);
  EXPECT_EQ(JobRunner::Backoff(1000, 60'000), 60'000);
  EXPECT_EQ(JobRunner::Backoff(-1, 60'000), 1'000);
}

TEST_F(JobRunnerTest, RunsHandlersPerQueue) {
  Id a = Enqueue("publish");
  Id b = Enqueue("poll");
  Id unhandled = Enqueue("other");
  std::vector<Id> seen_publish, seen_poll;
  JobRunner runner(jobs(), clock_, "w1");
  runner.Register("publish", [&](const Job& j) {
    seen_publish.push_back(j.id);
    EXPECT_EQ(j.payload_json, R"({"n":1})");
    return Status::Ok();
  });
  runner.Register("poll", [&](const Job& j) {
    seen_poll.push_back(j.id);
    return Status::Ok();
  });
  auto ran = runner.RunOnce(clock_.Now());
  ASSERT_TRUE(ran.ok());
  EXPECT_EQ(*ran, 2);
  EXPECT_EQ(seen_publish, std::vector<Id>{a});
  EXPECT_EQ(seen_poll, std::vector<Id>{b});
  EXPECT_EQ(jobs().Get(a)->state, JobState::kDone);
  EXPECT_EQ(jobs().Get(b)->state, JobState::kDone);
  EXPECT_EQ(jobs().Get(unhandled)->state, JobState::kPending);
  EXPECT_EQ(*runner.RunOnce(clock_.Now()), 0);
}

TEST_F(JobRunnerTest, FailureRetriesWithBackoffThenDies) {
  Id id = Enqueue("publish", /*max_attempts=*/3);
  int calls = 0;
  JobRunner runner(jobs(), clock_, "w1");
  runner.Register("publish", [&](const Job&) {
    ++calls;
    return Unavailable("platform returned 503");
  });

  ASSERT_EQ(*runner.RunOnce(clock_.Now()), 1);
  Job j = *jobs().Get(id);
  EXPECT_EQ(j.state, JobState::kFailed);
  EXPECT_EQ(j.run_at, kT0 + 2'000);  // 2^1 s after the first attempt
  EXPECT_NE(j.last_error.find("503"), std::string::npos);

  clock_.Advance(1'999);
  EXPECT_EQ(*runner.RunOnce(clock_.Now()), 0);  // not due yet
  clock_.Advance(1);
  EXPECT_EQ(*runner.RunOnce(clock_.Now()), 1);
  j = *jobs().Get(id);
  EXPECT_EQ(j.state, JobState::kFailed);
  EXPECT_EQ(j.run_at, clock_.Now() + 4'000);  // 2^2 s

  clock_.Advance(4'000);
  EXPECT_EQ(*runner.RunOnce(clock_.Now()), 1);
  EXPECT_EQ(jobs().Get(id)->state, JobState::kDead);
  clock_.Advance(10'000'000);
  EXPECT_EQ(*runner.RunOnce(clock_.Now()), 0);
  EXPECT_EQ(calls, 3);
}

TEST_F(JobRunnerTest, ThrowingHandlerCountsAsFailure) {
  Id id = Enqueue("publish");
  JobRunner runner(jobs(), clock_, "w1");
  runner.Register("publish", [](const Job&) -> Status { throw std::runtime_error("boom"); });
  ASSERT_EQ(*runner.RunOnce(clock_.Now()), 1);
  Job j = *jobs().Get(id);
  EXPECT_EQ(j.state, JobState::kFailed);
  EXPECT_NE(j.last_error.find("boom"), std::string::npos);
}

TEST_F(JobRunnerTest, StartRunsJobsAndStopJoins) {
  constexpr int kJobs = 20;
  for (int i = 0; i < kJobs; ++i) Enqueue("demo");
  std::atomic<int> done{0};
  RunnerOptions opts;
  opts.batch = 3;
  opts.idle_wait = std::chrono::milliseconds(5);
  JobRunner runner(jobs(), clock_, "w1", opts);
  runner.Register("demo", [&](const Job&) {
    ++done;
    return Status::Ok();
  });
  ASSERT_TRUE(runner.Start().ok());
  EXPECT_EQ(runner.Start().code(), Code::kFailedPrecondition);
  // Wait for the work (bounded so a broken runner fails instead of hanging).
  for (int i = 0; i < 2000 && done.load() < kJobs; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  runner.Stop();
  runner.Stop();  // idempotent
  EXPECT_EQ(done.load(), kJobs);
  auto counts = jobs().Counts("demo");
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->at(JobState::kDone), kJobs);
}

TEST_F(JobRunnerTest, AHungQueueDoesNotDelayAnotherQueue) {
  // Three alert messages to a Telegram that hangs, then an inbox reminder: with two workers the
  // reminder runs while the alert messages are still hanging (one worker at most on them).
  for (int i = 0; i < 3; ++i) Enqueue("alerts");
  Id reminder = Enqueue("inbox");
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  int hanging = 0, most_hanging = 0;
  std::atomic<bool> reminded{false};
  RunnerOptions opts;
  opts.workers = 2;
  opts.idle_wait = std::chrono::milliseconds(5);
  JobRunner runner(jobs(), clock_, "w", opts);
  runner.Register("alerts", [&](const Job&) {
    std::unique_lock lock(mu);
    most_hanging = std::max(most_hanging, ++hanging);
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
    --hanging;
    return Status::Ok();
  });
  runner.Register("inbox", [&](const Job&) {
    reminded = true;
    return Status::Ok();
  });
  ASSERT_TRUE(runner.Start().ok());
  {
    // Bounded waits, so a broken runner fails instead of hanging the test.
    std::unique_lock lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return hanging > 0; }));
  }
  for (int i = 0; i < 4000 && !reminded; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_TRUE(reminded.load());
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(hanging, 1);  // the reminder did not wait for the hanging message to end
    release = true;
  }
  cv.notify_all();
  for (int i = 0; i < 4000 && Count("alerts", JobState::kDone) < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  runner.Stop();
  EXPECT_EQ(Count("alerts", JobState::kDone), 3);
  EXPECT_EQ(jobs().Get(reminder)->state, JobState::kDone);
  EXPECT_EQ(most_hanging, 1);  // one queue never held both workers
}

TEST_F(JobRunnerTest, ManyWorkersRunEveryJobExactlyOnce) {
  constexpr int kJobs = 60;
  std::set<Id> ids;
  for (int i = 0; i < kJobs; ++i) ids.insert(Enqueue(i % 2 ? "a" : "b"));
  std::mutex mu;
  std::map<Id, int> runs;
  std::set<std::string> workers;
  RunnerOptions opts;
  opts.workers = 4;
  opts.idle_wait = std::chrono::milliseconds(5);
  JobRunner runner(jobs(), clock_, "w", opts);
  for (const char* q : {"a", "b"}) {
    runner.Register(
        q,
        [&](const Job& j) {
          std::lock_guard lock(mu);
          ++runs[j.id];
          workers.insert(j.locked_by);
          return Status::Ok();
        },
        /*parallel=*/4);  // up to 3 workers (4 - 1) on one queue: the leases keep them apart
  }
  ASSERT_TRUE(runner.Start().ok());
  auto done = [&] { return Count("a", JobState::kDone) + Count("b", JobState::kDone); };
  for (int i = 0; i < 4000 && done() < kJobs; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  runner.Stop();
  EXPECT_EQ(done(), kJobs);
  std::lock_guard lock(mu);
  EXPECT_EQ(runs.size(), ids.size());
  for (const auto& [id, n] : runs) {
    EXPECT_TRUE(ids.count(id));
    EXPECT_EQ(n, 1) << "job " << id;
  }
  for (const std::string& w : workers) EXPECT_EQ(w.rfind("w:", 0), 0u) << w;  // "w:1" … "w:4"
}

TEST_F(JobRunnerTest, StartWithoutHandlersFails) {
  JobRunner runner(jobs(), clock_, "w1");
  EXPECT_EQ(runner.Start().code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace humas::jobs
