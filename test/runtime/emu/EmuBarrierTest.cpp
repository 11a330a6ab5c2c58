//===- EmuBarrierTest.cpp - Barriers, shared memory and SIMT errors -------===//

#include "EmuTestUtil.h"

#include <gtest/gtest.h>

using namespace recur::emu::test;

namespace {

bool contains(const char *text, const std::string &part) {
  return std::string(text).find(part) != std::string::npos;
}

// Thread i writes i * i + 7, then reads thread (i + 1) % n's value; a second
// round in the same shared slots reads (i + n - 1) % n, so the first
// barrier must not be confused with the second.
void exchange(void **args) {
  int32_t *out = arg<int32_t *>(args, 0);
  auto *shared = static_cast<int32_t *>(__recur_emu_shared_memory());
  int n = __recur_emu_block_dim(0) * __recur_emu_block_dim(1);
  int i = linearThread();
  int base = __recur_emu_block_id(0) * 2 * n;
  shared[i] = i * i + 7;
  __recur_emu_barrier();
  out[base + i] = shared[(i + 1) % n];
  __recur_emu_barrier();
  shared[i] = -i;
  __recur_emu_barrier();
  out[base + n + i] = shared[(i + n - 1) % n];
}

TEST(EmuBarrier, OrdersASharedMemoryExchange) {
  const int n = 96, blocks = 5; // three warps, 2-D block of 48 x 2
  for (uint32_t seed : {0u, 1u, 2u, 3u}) {
    std::vector<int32_t> out(2 * n * blocks, 0);
    int32_t *outPtr = out.data();
    void *args[] = {&outPtr};
    recur_emu_kernel_t k = kernel(exchange, args, "exchange");
    k.block[0] = 48, k.block[1] = 2;
    k.grid[0] = blocks;
    k.static_shared_bytes = n * 4;
    k.schedule_seed = seed;
    ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
    for (int b = 0; b < blocks; ++b)
      for (int i = 0; i < n; ++i) {
        int next = (i + 1) % n, previous = (i + n - 1) % n;
        EXPECT_EQ(out[b * 2 * n + i], next * next + 7) << seed << " " << i;
        EXPECT_EQ(out[b * 2 * n + n + i], -previous) << seed << " " << i;
      }
  }
}

// The exchange without its barrier: what thread i reads depends on whether
// thread i + 1 has run yet.
void racyExchange(void **args) {
  int32_t *out = arg<int32_t *>(args, 0);
  auto *shared = static_cast<int32_t *>(__recur_emu_shared_memory());
  int n = __recur_emu_block_dim(0), i = linearThread();
  shared[i] = i;
  out[i] = shared[(i + 1) % n];
}

std::vector<int32_t> runRacyExchange(uint32_t seed) {
  std::vector<int32_t> out(64, 0);
  int32_t *outPtr = out.data();
  void *args[] = {&outPtr};
  recur_emu_kernel_t k = kernel(racyExchange, args, "racy");
  k.block[0] = 64;
  k.static_shared_bytes = 64 * 4;
  k.schedule_seed = seed;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  return out;
}

TEST(EmuBarrier, ScheduleSeedsExposeAMissingBarrier) {
  // In order, every thread but the last reads its neighbour's slot before
  // the neighbour writes it: the poison pattern.
  std::vector<int32_t> inOrder = runRacyExchange(0);
  for (int i = 0; i < 63; ++i)
    EXPECT_EQ(inOrder[i], -1) << i;
  EXPECT_EQ(inOrder[63], 0);
  std::vector<int32_t> shuffled = runRacyExchange(12345);
  EXPECT_NE(shuffled, inOrder);
  int written = 0;
  for (int i = 0; i < 64; ++i) {
    EXPECT_TRUE(shuffled[i] == -1 || shuffled[i] == (i + 1) % 64) << i;
    written += shuffled[i] != -1;
  }
  EXPECT_GT(written, 1);
  EXPECT_EQ(runRacyExchange(12345), shuffled); // the same order every run
}

// Many values live across barriers, in callee-saved registers and on the
// stack: a fiber switch must bring each thread's back intact.
void liveAcrossBarriers(void **args) {
  int64_t *out = arg<int64_t *>(args, 0);
  int64_t i = linearThread();
  int64_t a = i, b = 2 * i, c = 3 * i, d = 5 * i, e = 7 * i, f = 11 * i;
  double x = 0.5 * i, y = 0.25 * i;
  volatile int64_t onStack[4] = {i, -i, i * i, 13};
  for (int round = 0; round < 50; ++round) {
    __recur_emu_barrier();
    a += 1, b += a, c ^= b, d += c % 7, e -= d, f += e & 255;
    x = x * 0.5 + y, y += 1.0;
    onStack[round % 4] = onStack[round % 4] + round;
  }
  out[i] = a + b + c + d + e + f + static_cast<int64_t>(x * 16) + onStack[0] +
           onStack[1] + onStack[2] + onStack[3];
}

TEST(EmuBarrier, ValuesLiveAcrossSwitchesSurvive) {
  const int n = 64;
  std::vector<int64_t> out(n, 0);
  int64_t *outPtr = out.data();
  void *args[] = {&outPtr};
  recur_emu_kernel_t k = kernel(liveAcrossBarriers, args, "live");
  k.block[0] = n;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  for (int64_t i = 0; i < n; ++i) { // the same loop without barriers
    int64_t a = i, b = 2 * i, c = 3 * i, d = 5 * i, e = 7 * i, f = 11 * i;
    double x = 0.5 * i, y = 0.25 * i;
    int64_t onStack[4] = {i, -i, i * i, 13};
    for (int round = 0; round < 50; ++round) {
      a += 1, b += a, c ^= b, d += c % 7, e -= d, f += e & 255;
      x = x * 0.5 + y, y += 1.0;
      onStack[round % 4] += round;
    }
    EXPECT_EQ(out[i], a + b + c + d + e + f + static_cast<int64_t>(x * 16) +
                          onStack[0] + onStack[1] + onStack[2] + onStack[3])
        << i;
  }
}

// Threads 16.. leave before the barrier the others wait at.
void exitBeforeBarrier(void **) {
  if (__recur_emu_thread_id(0) >= 16)
    return;
  __recur_emu_barrier();
}

// Thread 0 waits at the barrier before thread 1 leaves.
void barrierThenExit(void **) {
  if (__recur_emu_thread_id(0) == 0)
    __recur_emu_barrier();
}

TEST(EmuBarrier, DivergenceIsAnErrorNotAHang) {
  recur_emu_kernel_t k = kernel(exitBeforeBarrier, nullptr, "diverge");
  k.block[0] = 64;
  k.grid[0] = 4;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_TRUE(contains(recur_emu_last_error(), "barrier divergence"))
      << recur_emu_last_error();
  EXPECT_TRUE(contains(recur_emu_last_error(), "block (0, 0, 0)"))
      << recur_emu_last_error();

  k = kernel(barrierThenExit, nullptr, "diverge2");
  k.block[0] = 2;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_STREQ(recur_emu_last_error(),
               "barrier divergence: kernel 'diverge2', block (0, 0, 0), "
               "thread (1, 0, 0) (warp 0, lane 1) exits while thread (0, 0, "
               "0) (warp 0, lane 0) waits for it at a barrier");

  // The next launch on the same stacks is not affected.
  k = kernel(exitBeforeBarrier, nullptr, "fine");
  k.block[0] = 16;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
}

// Lane 0 waits at a barrier while the rest of its warp waits for it at a
// shuffle: neither can finish.
void barrierAgainstShuffle(void **) {
  if (__recur_emu_lane_id() == 0)
    __recur_emu_barrier();
  else
    __recur_emu_shfl_xor(1, 1, 31, nullptr);
}

TEST(EmuBarrier, DeadlockIsReported) {
  recur_emu_kernel_t k = kernel(barrierAgainstShuffle, nullptr, "deadlock");
  k.block[0] = 32;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_STREQ(recur_emu_last_error(),
               "deadlock in kernel 'deadlock', block (0, 0, 0): thread (1, 0, "
               "0) (warp 0, lane 1) waits for its warp at shfl.sync.bfly "
               "while thread (0, 0, 0) (warp 0, lane 0) waits at a barrier");
}

} // namespace
