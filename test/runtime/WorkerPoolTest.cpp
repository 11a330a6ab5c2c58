//===- WorkerPoolTest.cpp - The CPU device's worker threads ---------------===//

#include "runtime/WorkerPool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

using namespace recur;

namespace {

TEST(WorkerPool, RunsEveryWorkerOnceWithTheCallerFirst) {
  WorkerPool pool(4);
  EXPECT_EQ(pool.size(), 4u);
  for (unsigned workers : {1u, 2u, 3u, 4u, 9u}) {
    std::vector<std::atomic<int>> counts(4);
    std::thread::id caller = std::this_thread::get_id(), first;
    pool.run(workers, [&](unsigned i) {
      counts[i]++;
      if (i == 0)
        first = std::this_thread::get_id();
    });
    unsigned expected = std::min(workers, 4u);
    for (unsigned i = 0; i < 4; ++i)
      EXPECT_EQ(counts[i].load(), i < expected ? 1 : 0) << workers;
    EXPECT_EQ(first, caller);
  }
}

TEST(WorkerPool, ManySmallLaunchesAndSleepingWorkers) {
  WorkerPool pool(3);
  std::atomic<long> sum{0};
  for (int launch = 0; launch < 2000; ++launch) {
    pool.run(3, [&](unsigned i) { sum += i + 1; });
    if (launch % 500 == 0) // let the workers fall asleep, then wake them
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_EQ(sum.load(), 2000L * 6);
}

TEST(WorkerPool, ConcurrentCallersAreSerialised) {
  WorkerPool pool(2);
  std::atomic<int> inside{0}, overlaps{0}, total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c)
    callers.emplace_back([&] {
      for (int k = 0; k < 200; ++k)
        pool.run(2, [&](unsigned) {
          if (inside.fetch_add(1) >= 2)
            overlaps++;
          total++;
          inside.fetch_sub(1);
        });
    });
  for (std::thread &caller : callers)
    caller.join();
  EXPECT_EQ(total.load(), 4 * 200 * 2);
  EXPECT_EQ(overlaps.load(), 0);
}

TEST(WorkerPool, DefaultCountIsTheEnvironmentsOrTheAllowedCores) {
  const char *saved = std::getenv("RECUR_NUM_THREADS");
  std::string restore = saved ? saved : "";
  ::setenv("RECUR_NUM_THREADS", "3", 1);
  EXPECT_EQ(defaultWorkerCount(), 3u);
  // Not a positive number: one worker per core this process may run on.
  for (const char *ignored : {"0", "-2", "many"}) {
    ::setenv("RECUR_NUM_THREADS", ignored, 1);
    unsigned cores = defaultWorkerCount();
    EXPECT_GE(cores, 1u);
    EXPECT_LE(cores, std::max(1u, std::thread::hardware_concurrency()));
  }
  if (saved)
    ::setenv("RECUR_NUM_THREADS", restore.c_str(), 1);
  else
    ::unsetenv("RECUR_NUM_THREADS");
}

} // namespace
