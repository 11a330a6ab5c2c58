//===- Launch.cpp - Run a grid of emulated blocks on OS threads -----------===//
//
// Blocks are independent until they touch global memory, so they run in
// parallel: each worker (the caller and num_workers - 1 threads started for
// the launch) takes the next block index from a shared counter and runs it
// on its own Block, whose stacks and shared memory it reuses for every block
// it takes. Atomics in kernels need nothing from the emulator: the threads
// of a block share one OS thread, and blocks on different workers use the
// CPU's atomics.
//
//===----------------------------------------------------------------------===//

#include "runtime/emu/Block.h"
#include "runtime/emu/FaultHandler.h"
#include "runtime/emu/FiberStack.h"
#include "runtime/emu/RecurEmu.h"

#include <atomic>
#include <climits>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

using namespace recur::emu;

static thread_local std::string lastError;

/// The largest shared memory of one block: sm_90's 227 KiB, and the 64 KiB
/// LDS of gfx90a/gfx942.
static constexpr uint64_t kMaxSharedNvidia = 227 << 10;
static constexpr uint64_t kMaxSharedAmd = 64 << 10;
static constexpr uint64_t kMaxBlockThreads = 1024;
static constexpr size_t kDefaultStackBytes = 256 << 10;

static recur_status_t setError(recur_status_t status, std::string message) {
  lastError = std::move(message);
  return status;
}

static std::string kernelName(const recur_emu_kernel_t &kernel) {
  return std::string("kernel '") + (kernel.name ? kernel.name : "<unnamed>") +
         "'";
}

static std::string dims(const uint32_t *d) {
  return "(" + std::to_string(d[0]) + ", " + std::to_string(d[1]) + ", " +
         std::to_string(d[2]) + ")";
}

/// The reason `kernel` cannot be launched, or "".
static std::string checkLaunch(const recur_emu_kernel_t &kernel) {
  if (!kernel.entry)
    return "has no entry function";
  if (kernel.warp_size != 32 && kernel.warp_size != 64)
    return "has warp size " + std::to_string(kernel.warp_size) +
           "; it must be 32 or 64";
  for (int d = 0; d < 3; ++d)
    if (kernel.grid[d] == 0 || kernel.block[d] == 0)
      return "has grid " + dims(kernel.grid) + " and block " +
             dims(kernel.block) + "; every dimension must be at least 1";
  uint64_t threads =
      uint64_t(kernel.block[0]) * kernel.block[1] * kernel.block[2];
  if (threads > kMaxBlockThreads)
    return "has " + std::to_string(threads) + " threads per block " +
           dims(kernel.block) + "; at most 1024 are allowed";
  // CUDA's per-dimension limits, so that a configuration the driver would
  // refuse fails here too; HIP allows 1024 threads in every dimension.
  bool cuda = kernel.warp_size == 32;
  if (kernel.block[0] > 1024 || kernel.block[1] > 1024 ||
      kernel.block[2] > (cuda ? 64u : 1024u))
    return "has block " + dims(kernel.block) + "; the device allows (1024, " +
           "1024, " + (cuda ? "64" : "1024") + ")";
  if (cuda && (kernel.grid[0] > INT32_MAX || kernel.grid[1] > 65535 ||
               kernel.grid[2] > 65535))
    return "has grid " + dims(kernel.grid) +
           "; the device allows (2^31 - 1, 65535, 65535)";
  uint64_t shared =
      uint64_t(kernel.static_shared_bytes) + kernel.dynamic_shared_bytes;
  uint64_t maxShared =
      kernel.warp_size == 32 ? kMaxSharedNvidia : kMaxSharedAmd;
  if (shared > maxShared)
    return "needs " + std::to_string(shared) +
           " bytes of shared memory; the device has " +
           std::to_string(maxShared);
  return "";
}

extern "C" recur_status_t recur_emu_launch(const recur_emu_kernel_t *kernel) {
  if (!kernel)
    return setError(RECUR_ERROR_INVALID_ARGUMENT, "no kernel to launch");
  if (Block::current())
    return setError(RECUR_ERROR_INVALID_ARGUMENT,
                    kernelName(*kernel) +
                        ": recur_emu_launch called from inside a kernel");
  std::string problem = checkLaunch(*kernel);
  if (!problem.empty())
    return setError(RECUR_ERROR_INVALID_ARGUMENT,
                    kernelName(*kernel) + " " + problem);

  uint64_t numBlocks =
      uint64_t(kernel->grid[0]) * kernel->grid[1] * kernel->grid[2];
  uint64_t workers = kernel->num_workers
                         ? kernel->num_workers
                         : std::max(1u, std::thread::hardware_concurrency());
  workers = std::min(workers, numBlocks);
  size_t stackBytes = roundStackSize(kernel->stack_bytes ? kernel->stack_bytes
                                                         : kDefaultStackBytes);

  std::atomic<uint64_t> nextBlock{0};
  std::atomic<bool> failed{false};
  std::mutex errorMutex;
  uint64_t errorBlock = UINT64_MAX;
  recur_status_t status = RECUR_SUCCESS;
  std::string message;

  auto work = [&] {
    FaultScope faults;
    Block block(*kernel, stackBytes);
    while (!failed.load(std::memory_order_relaxed)) {
      uint64_t id = nextBlock.fetch_add(1);
      if (id >= numBlocks)
        break;
      recur_status_t result = block.run(id);
      if (result == RECUR_SUCCESS)
        continue;
      failed.store(true);
      // Report the lowest failing block, so that a message does not depend
      // on which worker was faster.
      std::lock_guard<std::mutex> lock(errorMutex);
      if (id < errorBlock) {
        errorBlock = id;
        status = result;
        message = block.message();
      }
    }
  };
  std::vector<std::thread> threads;
  for (uint64_t w = 1; w < workers; ++w) {
    try {
      threads.emplace_back(work);
    } catch (const std::system_error &) {
      break; // fewer workers run the same blocks
    }
  }
  work();
  for (std::thread &thread : threads)
    thread.join();
  if (status != RECUR_SUCCESS)
    return setError(status, std::move(message));
  lastError.clear();
  return RECUR_SUCCESS;
}

extern "C" const char *recur_emu_last_error(void) { return lastError.c_str(); }

extern "C" size_t recur_emu_mapped_stacks(void) { return mappedStacks(); }

extern "C" void recur_emu_release_stacks(void) { unmapCachedStacks(); }
