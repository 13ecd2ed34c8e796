// Unit tests for the bounded worker pool (latches, no timing).
#include "http/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>

namespace humas::http {
namespace {

TEST(WorkerPoolTest, RunsTasks) {
  std::atomic<int> ran{0};
  std::latch done(3);
  WorkerPool pool(2, 8);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(pool.TrySubmit([&] {
      ++ran;
      done.count_down();
    }));
  }
  done.wait();
  EXPECT_EQ(ran.load(), 3);
}

TEST(WorkerPoolTest, RejectsBeyondThreadsPlusQueue) {
  std::latch started(1);
  std::latch release(1);
  std::atomic<int> ran{0};
  WorkerPool pool(1, 1);
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.count_down();
    release.wait();
    ++ran;
  }));
  started.wait();                                // the only worker is busy
  EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));   // fills the queue
  EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));  // full: rejected, never runs
  release.count_down();
  pool.Shutdown();
  // The queued task may or may not have started before Shutdown; the rejected one never ran.
  EXPECT_GE(ran.load(), 1);
  EXPECT_LE(ran.load(), 2);
}

TEST(WorkerPoolTest, ShutdownWaitsForRunningAndRejectsNew) {
  std::latch started(1);
  std::latch release(1);
  std::atomic<bool> finished{false};
  WorkerPool pool(1, 4);
  ASSERT_TRUE(pool.TrySubmit([&] {
    started.count_down();
    release.wait();
    finished = true;
  }));
  started.wait();
  std::thread stopper([&] { pool.Shutdown(); });
  release.count_down();
  stopper.join();
  EXPECT_TRUE(finished.load());
  EXPECT_FALSE(pool.TrySubmit([] {}));
  pool.Shutdown();  // idempotent
}

}  // namespace
}  // namespace humas::http
