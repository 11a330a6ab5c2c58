//===- Mbarriers.cpp - mbarrier phases and cp.async.bulk ------------------===//

#include "runtime/emu/Mbarriers.h"
#include "runtime/emu/Block.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

#include <cstring>
#include <string>

using namespace recur::emu;

/// "the mbarrier at shared offset N".
static std::string describe(Block &block, const void *mbarrier) {
  return "the mbarrier at shared offset " +
         std::to_string(static_cast<const char *>(mbarrier) -
                        block.sharedMemory());
}

static bool inShared(Block &block, const void *address, size_t bytes) {
  auto *p = static_cast<const char *>(address);
  return p >= block.sharedMemory() &&
         p + bytes <= block.sharedMemory() + block.sharedBytes();
}

Mbarriers::State &Mbarriers::lookup(Block &block, void *mbarrier,
                                    const char *what) {
  auto it = states_.find(mbarrier);
  if (it == states_.end())
    block.fail(RECUR_ERROR_LAUNCH, block.where() + ": " + what + " on " +
                                       describe(block, mbarrier) +
                                       ", which mbarrier.init has not set up");
  return it->second;
}

void Mbarriers::init(Block &block, void *mbarrier, int32_t count) {
  if (!inShared(block, mbarrier, 8) ||
      reinterpret_cast<uintptr_t>(mbarrier) % 8 != 0)
    block.fail(RECUR_ERROR_LAUNCH,
               block.where() +
                   ": mbarrier.init on an address that is not 8 aligned "
                   "bytes of the block's shared memory");
  if (count < 1 || count > (1 << 20) - 1)
    block.fail(RECUR_ERROR_LAUNCH,
               block.where() + ": mbarrier.init of " +
                   describe(block, mbarrier) + " with an expected count of " +
                   std::to_string(count) + " (it takes 1 to 2^20 - 1)");
  State &state = states_[mbarrier];
  if (!state.waiters.empty())
    block.fail(RECUR_ERROR_LAUNCH, block.where() + ": mbarrier.init of " +
                                       describe(block, mbarrier) +
                                       " while threads wait on it");
  state = State();
  state.count = state.pending = static_cast<uint32_t>(count);
}

void Mbarriers::arrive(Block &block, void *mbarrier) {
  State &state = lookup(block, mbarrier, "mbarrier.arrive");
  if (--state.pending == 0)
    complete(block, mbarrier, state);
}

void Mbarriers::expectTx(Block &block, void *mbarrier, int32_t bytes) {
  State &state = lookup(block, mbarrier, "mbarrier.expect_tx");
  if (bytes < 0)
    block.fail(RECUR_ERROR_LAUNCH, block.where() + ": mbarrier.expect_tx of " +
                                       std::to_string(bytes) + " bytes");
  state.announced += bytes;
}

void Mbarriers::copy(Block &block, void *dst, const void *src, int32_t size,
                     void *mbarrier) {
  State &state = lookup(block, mbarrier, "cp.async.bulk");
  auto misaligned = [](const void *p) {
    return reinterpret_cast<uintptr_t>(p) % 16 != 0;
  };
  if (size <= 0 || size % 16 != 0 || misaligned(dst) || misaligned(src))
    block.fail(RECUR_ERROR_LAUNCH,
               block.where() + ": cp.async.bulk of " + std::to_string(size) +
                   " bytes; it copies a positive multiple of 16 bytes "
                   "between 16-byte aligned addresses");
  if (!inShared(block, dst, static_cast<size_t>(size)))
    block.fail(RECUR_ERROR_LAUNCH,
               block.where() + ": cp.async.bulk of " + std::to_string(size) +
                   " bytes to an address outside the block's shared memory");
  state.copies.push_back({static_cast<char *>(dst),
                          static_cast<const char *>(src),
                          static_cast<uint32_t>(size)});
}

void Mbarriers::complete(Block &block, void *mbarrier, State &state) {
  for (const Copy &copy : state.copies) {
    std::memcpy(copy.dst, copy.src, copy.size);
    state.copied += copy.size;
  }
  if (state.copied != state.announced)
    block.fail(RECUR_ERROR_LAUNCH,
               block.where() + ": the last arrival at " +
                   describe(block, mbarrier) + " ends phase " +
                   std::to_string(state.completedPhases) + " with " +
                   std::to_string(state.announced) +
                   " bytes announced by mbarrier.expect_tx and " +
                   std::to_string(state.copied) +
                   " copied by cp.async.bulk; on a GPU the phase would " +
                   (state.copied < state.announced ? "never complete"
                                                   : "complete early"));
  ++state.completedPhases;
  state.pending = state.count;
  state.announced = state.copied = 0;
  state.copies.clear();
  std::vector<unsigned> waiters;
  waiters.swap(state.waiters);
  for (unsigned thread : waiters)
    block.wake(thread);
}

void Mbarriers::waitParity(Block &block, void *mbarrier, int32_t parity) {
  // The phase of parity `parity` has completed once the current one has
  // the other parity.
  while (true) {
    State &state = lookup(block, mbarrier, "mbarrier.try_wait.parity");
    if ((state.completedPhases & 1) != static_cast<uint64_t>(parity & 1))
      return;
    state.waiters.push_back(block.linearThread());
    block.sleep();
  }
}

extern "C" void __recur_emu_mbarrier_init(void *mbarrier, int32_t count) {
  Block &b = Block::running(__func__);
  b.mbarriers().init(b, mbarrier, count);
}

extern "C" void __recur_emu_mbarrier_arrive(void *mbarrier) {
  Block &b = Block::running(__func__);
  b.mbarriers().arrive(b, mbarrier);
}

extern "C" void __recur_emu_mbarrier_expect_tx(void *mbarrier, int32_t bytes) {
  Block &b = Block::running(__func__);
  b.mbarriers().expectTx(b, mbarrier, bytes);
}

extern "C" void __recur_emu_mbarrier_try_wait_parity(void *mbarrier,
                                                     int32_t parity) {
  Block &b = Block::running(__func__);
  b.mbarriers().waitParity(b, mbarrier, parity);
}

extern "C" void __recur_emu_cp_async_bulk(void *dst, const void *src,
                                          int32_t size, void *mbarrier) {
  Block &b = Block::running(__func__);
  b.mbarriers().copy(b, dst, src, size, mbarrier);
}
