//===- FiberStack.cpp - Guarded stacks for emulated GPU threads -----------===//

#include "runtime/emu/FiberStack.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>

using namespace recur::emu;

namespace {
struct StackCache {
  std::mutex mutex;
  std::vector<FiberStack> free;
};
} // namespace

static StackCache &cache() {
  // Leaked on purpose: workers may return stacks during static destruction.
  static StackCache *instance = new StackCache;
  return *instance;
}

static std::atomic<size_t> numMapped{0};

static size_t pageSize() {
  static const size_t size = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  return size;
}

size_t recur::emu::roundStackSize(size_t bytes) {
  size_t page = pageSize();
  bytes = std::max<size_t>(bytes, 16 << 10);
  return (bytes + page - 1) / page * page;
}

FiberStack recur::emu::acquireStack(size_t size) {
  {
    StackCache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = std::find_if(c.free.begin(), c.free.end(),
                           [&](const FiberStack &s) { return s.size == size; });
    if (it != c.free.end()) {
      FiberStack stack = *it;
      *it = c.free.back();
      c.free.pop_back();
      return stack;
    }
  }
  size_t guard = kStackGuardBytes;
  // MAP_NORESERVE: a block of 1024 threads reserves 256 MiB of address space
  // but touches a few pages of each stack.
  void *region = mmap(nullptr, size + guard, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (region == MAP_FAILED)
    return {};
  if (mprotect(region, guard, PROT_NONE) != 0) {
    munmap(region, size + guard);
    return {};
  }
  ++numMapped;
  return {static_cast<char *>(region) + guard, size};
}

void recur::emu::releaseStack(FiberStack stack) {
  if (!stack.base)
    return;
  StackCache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  c.free.push_back(stack);
}

size_t recur::emu::mappedStacks() { return numMapped.load(); }

void recur::emu::unmapCachedStacks() {
  std::vector<FiberStack> stacks;
  {
    StackCache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    stacks.swap(c.free);
  }
  size_t guard = kStackGuardBytes;
  for (FiberStack &stack : stacks) {
    munmap(stack.base - guard, stack.size + guard);
    --numMapped;
  }
}
