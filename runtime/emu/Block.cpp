//===- Block.cpp - One thread block as fibers on one OS thread ------------===//

#include "runtime/emu/Block.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace recur::emu;

static thread_local Block *currentBlock = nullptr;

/// Shared memory beyond the static allocations starts at this alignment.
static constexpr size_t kDynamicAlign = 16;

static size_t alignUp(size_t value, size_t align) {
  return (value + align - 1) / align * align;
}

Block::Block(const recur_emu_kernel_t &kernel, size_t stackSize)
    : kernel_(kernel), stackSize_(stackSize) {
  numThreads_ = kernel.block[0] * kernel.block[1] * kernel.block[2];
  fibers_.resize(numThreads_);
  for (unsigned t = 0; t < numThreads_; ++t) {
    fibers_[t].id[0] = t % kernel.block[0];
    fibers_[t].id[1] = t / kernel.block[0] % kernel.block[1];
    fibers_[t].id[2] = t / (kernel.block[0] * kernel.block[1]);
  }
  unsigned warpSize = kernel.warp_size;
  warps_.resize((numThreads_ + warpSize - 1) / warpSize);
  for (unsigned w = 0; w < warps_.size(); ++w) {
    warps_[w].first = w * warpSize;
    warps_[w].size = std::min(warpSize, numThreads_ - w * warpSize);
  }
  laneArgs_.resize(warpSize);
  groups_.resize(warps_.size());
  groupArgs_.resize(numThreads_);
  sharedBytes_ = alignUp(kernel.static_shared_bytes, kDynamicAlign) +
                 kernel.dynamic_shared_bytes;
  shared_ = static_cast<char *>(
      std::aligned_alloc(128, alignUp(std::max<size_t>(sharedBytes_, 1), 128)));
}

Block::~Block() {
  for (Fiber &fiber : fibers_)
    releaseStack(fiber.stack);
  std::free(shared_);
}

Block *Block::current() { return currentBlock; }

Block &Block::running(const char *intrinsic) {
  if (!currentBlock) {
    std::fprintf(stderr, "recur emulator: %s called outside recur_emu_launch\n",
                 intrinsic);
    std::abort();
  }
  return *currentBlock;
}

std::string Block::blockName() const {
  std::string name = kernel_.name ? kernel_.name : "<unnamed>";
  return "kernel '" + name + "', block (" + std::to_string(blockId_[0]) + ", " +
         std::to_string(blockId_[1]) + ", " + std::to_string(blockId_[2]) + ")";
}

std::string Block::threadName(unsigned thread) const {
  const uint32_t *id = fibers_[thread].id;
  return "thread (" + std::to_string(id[0]) + ", " + std::to_string(id[1]) +
         ", " + std::to_string(id[2]) + ") (warp " +
         std::to_string(thread / warpSize()) + ", lane " +
         std::to_string(thread % warpSize()) + ")";
}

std::string Block::where(unsigned thread) const {
  return blockName() + ", " + threadName(thread);
}

recur_status_t Block::run(uint64_t linearId) {
  blockId_[0] = linearId % kernel_.grid[0];
  blockId_[1] = linearId / kernel_.grid[0] % kernel_.grid[1];
  blockId_[2] = linearId / (uint64_t(kernel_.grid[0]) * kernel_.grid[1]);
  failed_ = threw_ = false;
  faultAddress_ = nullptr;
  status_ = RECUR_SUCCESS;
  message_.clear();
  if (!shared_) {
    message_ = blockName() + ": cannot allocate " +
               std::to_string(sharedBytes_) + " bytes of shared memory";
    return status_ = RECUR_ERROR_INTERNAL;
  }
  // Uninitialised shared memory reads as NaN (or -1) rather than as
  // plausible zeros or a previous block's data.
  std::memset(shared_, 0xFF, sharedBytes_);

  exited_ = atBarrier_ = 0;
  firstExited_ = firstAtBarrier_ = -1;
  for (Warp &warp : warps_) {
    warp.live = warp.size;
    warp.arrived = 0;
    warp.op = nullptr;
  }
  for (Group &group : groups_)
    group = Group();
  runQueue_.clear();
  mbarriers_.clear();
  // splitmix64 of the seed and the block, so that blocks differ.
  random_ = (uint64_t(kernel_.schedule_seed) << 32 ^ linearId) +
            0x9E3779B97F4A7C15ull;
  random_ = (random_ ^ (random_ >> 30)) * 0xBF58476D1CE4E5B9ull;
  random_ = (random_ ^ (random_ >> 27)) * 0x94D049BB133111EBull;
  random_ ^= random_ >> 31;
  random_ |= 1; // xorshift's state must not be 0
  for (unsigned t = 0; t < numThreads_; ++t) {
    Fiber &fiber = fibers_[t];
    if (!fiber.stack.base) {
      fiber.stack = acquireStack(stackSize_);
      if (!fiber.stack.base) {
        message_ = blockName() + ": cannot map a fiber stack of " +
                   std::to_string(stackSize_) + " bytes";
        return status_ = RECUR_ERROR_INTERNAL;
      }
    }
    initFiberContext(fiber.context, fiber.stack, &Block::fiberMain);
    fiber.state = State::Runnable;
    fiber.args = nullptr;
    fiber.asyncCopies.clear();
    runQueue_.push_back(t);
  }

  currentBlock = this;
  while (!failed_ && !runQueue_.empty()) {
    running_ = nextToRun();
    inFiber_ = true;
    switchFiber(scheduler_, fibers_[running_].context);
    inFiber_ = false;
  }
  inFiber_ = false;
  currentBlock = nullptr;
  if (failed_ && faultAddress_)
    message_ = faultMessage();
  if (failed_)
    return status_;
  if (exited_ != numThreads_) {
    message_ = deadlockMessage();
    return status_ = RECUR_ERROR_LAUNCH;
  }
  return RECUR_SUCCESS;
}

unsigned Block::nextToRun() {
  if (kernel_.schedule_seed && runQueue_.size() > 1) {
    random_ ^= random_ << 13; // xorshift64
    random_ ^= random_ >> 7;
    random_ ^= random_ << 17;
    std::swap(runQueue_.front(), runQueue_[random_ % runQueue_.size()]);
  }
  unsigned next = runQueue_.front();
  runQueue_.pop_front();
  return next;
}

void Block::fiberMain() {
  Block &block = *currentBlock;
  // An exception must not unwind past this frame (there is nothing above
  // it), and the fiber must leave the handler before it switches away.
  try {
    block.kernel_.entry(block.kernel_.args);
  } catch (...) {
    block.threw_ = true;
  }
  if (block.threw_)
    block.fail(RECUR_ERROR_INTERNAL,
               block.where() + ": the kernel threw a C++ exception");
  block.exitThread();
}

void Block::yield() { switchFiber(fibers_[running_].context, scheduler_); }

void Block::sleep() {
  fibers_[running_].state = State::AtMbarrier;
  yield();
}

void Block::wake(unsigned thread) {
  fibers_[thread].state = State::Runnable;
  if (thread != running_)
    runQueue_.push_back(thread);
}

void Block::fail(recur_status_t status, const std::string &message) {
  if (!failed_) {
    failed_ = true;
    status_ = status;
    message_ = message;
  }
  // The fiber's frames are abandoned, never unwound: kernels are C-like
  // code, and the stack is reinitialised for the next block.
  jumpToFiber(scheduler_);
}

void Block::memoryFault(const void *address) {
  if (!failed_) {
    failed_ = true;
    status_ = RECUR_ERROR_LAUNCH;
    faultAddress_ = address;
    faultThread_ = running_;
  }
  jumpToFiber(scheduler_);
}

std::string Block::faultMessage() const {
  const FiberStack &stack = fibers_[faultThread_].stack;
  auto *address = static_cast<const char *>(faultAddress_);
  if (address < stack.base && address >= stack.base - kStackGuardBytes)
    return where(faultThread_) + ": stack overflow (the fiber stack has " +
           std::to_string(stack.size) +
           " bytes; raise recur_emu_kernel_t::stack_bytes)";
  char hex[32];
  std::snprintf(hex, sizeof hex, "%p", faultAddress_);
  return where(faultThread_) + ": illegal memory access at address " + hex;
}

void Block::barrier() {
  if (exited_ > 0)
    fail(RECUR_ERROR_LAUNCH,
         "barrier divergence: " + where() + " waits at a barrier that " +
             threadName(firstExited_) + " never reaches: it has exited");
  Fiber &fiber = fibers_[running_];
  fiber.state = State::AtBarrier;
  if (firstAtBarrier_ < 0)
    firstAtBarrier_ = static_cast<int>(running_);
  if (++atBarrier_ < numThreads_) {
    yield();
    return;
  }
  atBarrier_ = 0;
  firstAtBarrier_ = -1;
  for (unsigned t = 0; t < numThreads_; ++t)
    wake(t);
}

void Block::collective(const CollectiveOp &op, uint32_t key, void *args) {
  unsigned warpIndex = running_ / warpSize();
  Warp &warp = warps_[warpIndex];
  if (warp.arrived == 0) {
    warp.op = &op;
    warp.key = key;
    warp.waiter = running_;
  } else if (warp.op != &op || warp.key != key) {
    fail(RECUR_ERROR_LAUNCH, "mismatched warp collectives: " + where() +
                                 " calls " + op.name + " (" +
                                 std::to_string(key) + ") while lane " +
                                 std::to_string(warp.waiter % warpSize()) +
                                 " of its warp waits at " + warp.op->name +
                                 " (" + std::to_string(warp.key) + ")");
  }
  Fiber &fiber = fibers_[running_];
  fiber.state = State::InCollective;
  fiber.args = args;
  if (++warp.arrived < warp.live) {
    yield();
    return;
  }
  completeCollective(warpIndex);
}

void Block::completeCollective(unsigned warpIndex) {
  Warp &warp = warps_[warpIndex];
  std::fill(laneArgs_.begin(), laneArgs_.end(), nullptr);
  for (unsigned lane = 0; lane < warp.size; ++lane) {
    Fiber &fiber = fibers_[warp.first + lane];
    if (fiber.state == State::InCollective)
      laneArgs_[lane] = fiber.args;
  }
  const CollectiveOp *op = warp.op;
  warp.arrived = 0;
  warp.op = nullptr;
  op->complete(*this, WarpView{warpIndex, warpSize(), laneArgs_.data()});
  for (unsigned lane = 0; lane < warp.size; ++lane)
    if (laneArgs_[lane])
      wake(warp.first + lane);
}

void Block::groupCollective(const CollectiveOp &op, uint32_t key, void *args,
                            unsigned warps) {
  unsigned size = warps * warpSize();
  unsigned first = running_ / size * size;
  if (first + size > numThreads_)
    fail(RECUR_ERROR_LAUNCH,
         where() + ": " + op.name + " needs all " + std::to_string(size) +
             " threads of its warpgroup, and the block has " +
             std::to_string(numThreads_));
  for (unsigned t = first; t < first + size; ++t)
    if (fibers_[t].state == State::Exited)
      fail(RECUR_ERROR_LAUNCH, "mismatched warpgroup collectives: " + where() +
                                   " calls " + op.name + " after " +
                                   threadName(t) +
                                   " of its warpgroup has exited");
  Group &group = groups_[first / warpSize()];
  if (group.arrived == 0) {
    group.size = size;
    group.op = &op;
    group.key = key;
    group.waiter = running_;
  } else if (group.op != &op || group.key != key || group.size != size) {
    fail(RECUR_ERROR_LAUNCH,
         "mismatched warpgroup collectives: " + where() + " calls " + op.name +
             " (" + std::to_string(key) + ") while " +
             threadName(group.waiter) + " waits at " + group.op->name + " (" +
             std::to_string(group.key) + ")");
  }
  Fiber &fiber = fibers_[running_];
  fiber.state = State::InGroupCollective;
  fiber.args = args;
  if (++group.arrived < size) {
    yield();
    return;
  }
  for (unsigned lane = 0; lane < size; ++lane)
    groupArgs_[lane] = fibers_[first + lane].args;
  const CollectiveOp *complete = group.op;
  group.arrived = 0;
  group.op = nullptr;
  complete->complete(*this,
                     WarpView{first / warpSize(), size, groupArgs_.data()});
  for (unsigned t = first; t < first + size; ++t)
    wake(t);
}

const Block::Group *Block::groupWaitingFor(unsigned thread) const {
  for (const Group &group : groups_)
    if (group.arrived > 0 && thread / group.size == group.waiter / group.size)
      return &group;
  return nullptr;
}

void Block::exitThread() {
  Fiber &fiber = fibers_[running_];
  fiber.state = State::Exited;
  ++exited_;
  if (firstExited_ < 0)
    firstExited_ = static_cast<int>(running_);
  if (atBarrier_ > 0)
    fail(RECUR_ERROR_LAUNCH, "barrier divergence: " + where() +
                                 " exits while " + threadName(firstAtBarrier_) +
                                 " waits for it at a barrier");
  if (const Group *group = groupWaitingFor(running_))
    fail(RECUR_ERROR_LAUNCH, "mismatched warpgroup collectives: " + where() +
                                 " exits while " + threadName(group->waiter) +
                                 " waits for it at " + group->op->name);
  // The lanes left behind at a collective may now be all the live ones.
  Warp &warp = warps_[running_ / warpSize()];
  --warp.live;
  if (warp.arrived > 0 && warp.arrived == warp.live)
    completeCollective(running_ / warpSize());
  jumpToFiber(scheduler_);
}

std::string Block::deadlockMessage() const {
  int atBarrier = -1, inCollective = -1, inGroup = -1, atMbarrier = -1;
  for (unsigned t = 0; t < numThreads_; ++t) {
    if (fibers_[t].state == State::AtMbarrier && atMbarrier < 0)
      atMbarrier = static_cast<int>(t);
    if (fibers_[t].state == State::AtBarrier && atBarrier < 0)
      atBarrier = static_cast<int>(t);
    if (fibers_[t].state == State::InCollective && inCollective < 0)
      inCollective = static_cast<int>(t);
    if (fibers_[t].state == State::InGroupCollective && inGroup < 0)
      inGroup = static_cast<int>(t);
  }
  std::string message = "deadlock in " + blockName() + ":";
  if (atMbarrier >= 0)
    message += " " + threadName(atMbarrier) +
               " waits for an mbarrier phase that never completes (threads "
               "that never arrive, or bytes announced and never copied);";
  if (inGroup >= 0 && inCollective < 0 && atBarrier < 0)
    return message + " " + threadName(inGroup) +
           " waits for its warpgroup at " + groupWaitingFor(inGroup)->op->name;
  if (inCollective >= 0)
    message += " " + threadName(inCollective) + " waits for its warp at " +
               warps_[inCollective / warpSize()].op->name;
  if (atBarrier >= 0)
    message += std::string(inCollective >= 0 ? " while" : "") + " " +
               threadName(atBarrier) + " waits at a barrier";
  return message;
}
