//===- WorkerPool.cpp - Threads that run one launch at a time -------------===//

#include "runtime/WorkerPool.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#ifdef __linux__
#include <sched.h>
#endif

using namespace recur;

unsigned recur::defaultWorkerCount() {
  if (const char *text = std::getenv("RECUR_NUM_THREADS"))
    if (int n = std::atoi(text); n > 0)
      return static_cast<unsigned>(n);
#ifdef __linux__
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0)
    if (int n = CPU_COUNT(&allowed); n > 0)
      return static_cast<unsigned>(n);
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

/// How long an idle worker spins before it sleeps.
static constexpr std::chrono::microseconds kSpinTime{200};

static inline void pause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

WorkerPool::WorkerPool(unsigned numThreads) {
  for (unsigned i = 1; i < numThreads; ++i)
    threads_.emplace_back([this, i] { workerLoop(i); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(sleepMutex_);
    stop_.store(true);
  }
  wake_.notify_all();
  for (std::thread &thread : threads_)
    thread.join();
}

void WorkerPool::run(unsigned numWorkers,
                     llvm::function_ref<void(unsigned)> task) {
  numWorkers = std::max(1u, std::min(numWorkers, size()));
  if (numWorkers == 1) {
    task(0);
    return;
  }
  std::lock_guard<std::mutex> runLock(runMutex_);
  task_ = task;
  activeWorkers_ = numWorkers;
  pending_.store(numWorkers - 1, std::memory_order_relaxed);
  {
    // Publishing the generation under the mutex pairs with the sleepers'
    // predicate check, so no wake-up is lost.
    std::lock_guard<std::mutex> lock(sleepMutex_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  task(0);
  for (unsigned spins = 0; pending_.load(std::memory_order_acquire) != 0;
       ++spins) {
    if (spins < 4096)
      pause();
    else
      std::this_thread::yield();
  }
}

void WorkerPool::workerLoop(unsigned index) {
  uint64_t seen = 0;
  while (true) {
    auto deadline = std::chrono::steady_clock::now() + kSpinTime;
    unsigned spins = 0;
    while (generation_.load(std::memory_order_acquire) == seen &&
           !stop_.load(std::memory_order_relaxed)) {
      pause();
      if (++spins % 256 == 0 && std::chrono::steady_clock::now() > deadline) {
        std::unique_lock<std::mutex> lock(sleepMutex_);
        wake_.wait(lock, [&] {
          return generation_.load(std::memory_order_relaxed) != seen ||
                 stop_.load(std::memory_order_relaxed);
        });
      }
    }
    if (stop_.load())
      return;
    seen = generation_.load(std::memory_order_acquire);
    if (index < activeWorkers_) {
      task_(index);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
}
