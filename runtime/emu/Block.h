//===- Block.h - One thread block as fibers on one OS thread ----*- C++ -*-===//
//
// A Block runs the threads of one GPU block as fibers on the OS thread that
// calls run(), switching only where a GPU thread could wait for another: at
// a barrier, at a warp collective, on an mbarrier phase and at exit. The
// scheduler is a FIFO of runnable fibers; a barrier or a collective is
// completed by the thread that arrives last, which wakes the others. Because a
// block never leaves its OS thread, the emulator finds the running block and
// fiber in thread-local storage (Block::current), and code that caches a
// thread-local's address across a fiber switch still sees its own block.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_EMU_BLOCK_H
#define RECUR_RUNTIME_EMU_BLOCK_H

#include "runtime/emu/AsyncCopies.h"
#include "runtime/emu/FiberContext.h"
#include "runtime/emu/FiberStack.h"
#include "runtime/emu/Mbarriers.h"
#include "runtime/emu/RecurEmu.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace recur::emu {

class Block;

/// The lanes of one warp at a completed collective: lanes[i] is the argument
/// record lane i passed, or null for a lane that has exited or that the
/// block does not have (the tail of its last warp).
struct WarpView {
  unsigned warp;
  unsigned size;
  void *const *lanes;
};

/// A kind of warp collective. Every live lane of a warp must call the same
/// one with the same key (e.g. the shuffle's clamp/segment word); the last
/// lane to arrive runs `complete` for all of them.
struct CollectiveOp {
  const char *name;
  void (*complete)(Block &block, const WarpView &warp);
};

class Block {
public:
  Block(const recur_emu_kernel_t &kernel, size_t stackSize);
  ~Block();
  Block(const Block &) = delete;
  Block &operator=(const Block &) = delete;

  /// Runs every thread of block `linearId` to its end. Returns RECUR_SUCCESS
  /// or the status of the first error, with message().
  recur_status_t run(uint64_t linearId);
  const std::string &message() const { return message_; }

  /// The block whose fiber is running on this OS thread, or null.
  static Block *current();
  /// current() for an intrinsic: called outside a launch there is no block
  /// to report to, so it stops the process with a message naming
  /// `intrinsic`.
  static Block &running(const char *intrinsic);

  // What the running fiber asks.
  const recur_emu_kernel_t &kernel() const { return kernel_; }
  const uint32_t *blockId() const { return blockId_; }
  const uint32_t *threadId() const { return fibers_[running_].id; }
  unsigned linearThread() const { return running_; }
  unsigned warpSize() const { return kernel_.warp_size; }
  unsigned numThreads() const { return numThreads_; }
  char *sharedMemory() const { return shared_; }
  /// The running thread's queued cp.async copies.
  AsyncCopies &asyncCopies() { return fibers_[running_].asyncCopies; }
  /// The block's mbarriers and the bulk copies queued on them.
  Mbarriers &mbarriers() { return mbarriers_; }
  size_t sharedBytes() const { return sharedBytes_; }

  /// Waits until every thread of the block has arrived.
  void barrier();
  /// Suspends the running thread, waiting on an mbarrier phase, until
  /// wake() names it.
  void sleep();
  /// Makes `thread` runnable again.
  void wake(unsigned thread);
  /// Waits until every live lane of the running thread's warp has called
  /// `op` with `key`; `args` is this lane's record for op.complete.
  void collective(const CollectiveOp &op, uint32_t key, void *args);
  /// Waits until every thread of the running thread's group of `warps`
  /// consecutive warps (the first a multiple of `warps`: a warpgroup of
  /// four for wgmma) has called `op` with `key`; the last to arrive runs
  /// op.complete with a view of warps * warpSize lanes, numbered from the
  /// group's first thread. Unlike a warp collective, every thread of the
  /// group must take part: a thread that has exited, a group the block
  /// does not fill, or another op or key ends the launch.
  void groupCollective(const CollectiveOp &op, uint32_t key, void *args,
                       unsigned warps);
  /// Ends the block with an error; never returns to the caller.
  [[noreturn]] void fail(recur_status_t status, const std::string &message);
  /// Whether one of this block's fibers is running (not the scheduler).
  bool inFiber() const { return inFiber_; }
  /// Ends the block for a memory fault at `address` in the running fiber.
  /// Called from a signal handler: it allocates nothing, and run() writes
  /// the message.
  [[noreturn]] void memoryFault(const void *address);
  /// "kernel 'k', block (x, y, z), thread (x, y, z) (warp w, lane l)".
  std::string where(unsigned thread) const;
  std::string where() const { return where(running_); }
  /// "thread (x, y, z) (warp w, lane l)".
  std::string threadName(unsigned thread) const;

private:
  enum class State : uint8_t {
    Runnable,
    AtBarrier,
    InCollective,
    InGroupCollective,
    AtMbarrier,
    Exited
  };
  struct Fiber {
    FiberContext context;
    FiberStack stack;
    State state = State::Runnable;
    uint32_t id[3] = {0, 0, 0};
    void *args = nullptr;
    AsyncCopies asyncCopies;
  };
  struct Warp {
    unsigned first = 0, size = 0, live = 0, arrived = 0;
    const CollectiveOp *op = nullptr;
    uint32_t key = 0;
    unsigned waiter = 0; // a lane waiting at op, for messages
  };

  /// A group collective in progress, kept at the index of its first warp.
  struct Group {
    unsigned size = 0, arrived = 0;
    const CollectiveOp *op = nullptr;
    uint32_t key = 0;
    unsigned waiter = 0;
  };

  static void fiberMain();
  const Group *groupWaitingFor(unsigned thread) const;
  void exitThread();
  void yield();
  void completeCollective(unsigned warp);
  std::string deadlockMessage() const;
  std::string faultMessage() const;
  unsigned nextToRun();
  std::string blockName() const;

  const recur_emu_kernel_t &kernel_;
  size_t stackSize_;
  unsigned numThreads_;
  std::vector<Fiber> fibers_;
  std::vector<Warp> warps_;
  std::vector<void *> laneArgs_;
  std::vector<Group> groups_;
  std::vector<void *> groupArgs_;
  std::deque<unsigned> runQueue_;
  Mbarriers mbarriers_;
  FiberContext scheduler_;
  char *shared_ = nullptr;
  size_t sharedBytes_ = 0;

  uint32_t blockId_[3] = {0, 0, 0};
  unsigned running_ = 0;
  unsigned exited_ = 0, atBarrier_ = 0;
  int firstExited_ = -1, firstAtBarrier_ = -1;
  bool failed_ = false;
  volatile bool inFiber_ = false;      // read by the fault handler
  uint64_t random_ = 0;                // schedule_seed's generator state
  const void *faultAddress_ = nullptr; // set with failed_ by memoryFault
  unsigned faultThread_ = 0;
  bool threw_ = false;
  recur_status_t status_ = RECUR_SUCCESS;
  std::string message_;
};

} // namespace recur::emu

#endif // RECUR_RUNTIME_EMU_BLOCK_H
