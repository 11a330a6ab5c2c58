//===- WorkerPool.h - Threads that run one launch at a time -----*- C++ -*-===//
//
// The CPU device's threads. A launch hands each worker one range of programs
// and the calling thread runs the first range itself. Workers spin briefly
// after each launch before they sleep, so that a stream of small launches
// does not pay a thread wake-up (tens of microseconds) each time; this is
// the "block time" of OpenMP runtimes, kept short here.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_WORKERPOOL_H
#define RECUR_RUNTIME_WORKERPOOL_H

#include "llvm/ADT/STLFunctionalExtras.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace recur {

/// How many workers a pool gets by default: RECUR_NUM_THREADS when it is a
/// positive number (ranks that share a machine each take their part), else
/// one per core this process may run on (its CPU affinity, so that a rank
/// bound to some cores by its launcher uses only those).
unsigned defaultWorkerCount();

class WorkerPool {
public:
  /// A pool for `numThreads` workers in all: the caller and numThreads - 1
  /// threads.
  explicit WorkerPool(unsigned numThreads);
  ~WorkerPool();

  unsigned size() const { return static_cast<unsigned>(threads_.size()) + 1; }

  /// Runs task(i) for every i in [0, numWorkers), task(0) on the calling
  /// thread, and returns when all are done. `numWorkers` is clamped to
  /// size(). Calls from several threads are serialised. Tasks must not
  /// throw.
  void run(unsigned numWorkers, llvm::function_ref<void(unsigned)> task);

private:
  void workerLoop(unsigned index);

  std::vector<std::thread> threads_;
  std::mutex runMutex_;

  std::mutex sleepMutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<unsigned> pending_{0};
  std::atomic<bool> stop_{false};
  unsigned activeWorkers_ = 0;
  llvm::function_ref<void(unsigned)> task_;
};

} // namespace recur

#endif // RECUR_RUNTIME_WORKERPOOL_H
