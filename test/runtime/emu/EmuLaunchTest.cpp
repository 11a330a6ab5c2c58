//===- EmuLaunchTest.cpp - Grids, blocks, stacks and launch errors --------===//

#include "EmuTestUtil.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

using namespace recur::emu::test;

namespace {

// Each thread writes its ids into 8 slots of out at its global linear index.
void writeIds(void **args) {
  int32_t *out = arg<int32_t *>(args, 0);
  int32_t t[3], b[3];
  for (int d = 0; d < 3; ++d) {
    t[d] = __recur_emu_thread_id(d);
    b[d] = __recur_emu_block_id(d);
  }
  int32_t blockLinear =
      b[0] + __recur_emu_grid_dim(0) * (b[1] + __recur_emu_grid_dim(1) * b[2]);
  int32_t threads = __recur_emu_block_dim(0) * __recur_emu_block_dim(1) *
                    __recur_emu_block_dim(2);
  int32_t *slot = out + 8 * (blockLinear * threads + linearThread());
  slot[0] = t[0];
  slot[1] = t[1];
  slot[2] = t[2];
  slot[3] = b[0];
  slot[4] = b[1];
  slot[5] = b[2];
  slot[6] = __recur_emu_lane_id();
  slot[7] = __recur_emu_warp_id() * 100 + __recur_emu_num_warps();
}

TEST(EmuLaunch, ThreadAndBlockIdsOverA3DGrid) {
  const int gx = 3, gy = 2, gz = 2, bx = 8, by = 3, bz = 2; // 48 threads
  std::vector<int32_t> out(8 * gx * gy * gz * bx * by * bz, -1);
  int32_t *outPtr = out.data();
  void *args[] = {&outPtr};
  recur_emu_kernel_t k = kernel(writeIds, args, "ids");
  k.grid[0] = gx, k.grid[1] = gy, k.grid[2] = gz;
  k.block[0] = bx, k.block[1] = by, k.block[2] = bz;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  int index = 0;
  for (int z = 0; z < gz; ++z)
    for (int y = 0; y < gy; ++y)
      for (int x = 0; x < gx; ++x)
        for (int tz = 0; tz < bz; ++tz)
          for (int ty = 0; ty < by; ++ty)
            for (int tx = 0; tx < bx; ++tx, ++index) {
              const int32_t *slot = &out[8 * index];
              int linear = tx + bx * (ty + by * tz);
              EXPECT_EQ(slot[0], tx);
              EXPECT_EQ(slot[1], ty);
              EXPECT_EQ(slot[2], tz);
              EXPECT_EQ(slot[3], x);
              EXPECT_EQ(slot[4], y);
              EXPECT_EQ(slot[5], z);
              EXPECT_EQ(slot[6], linear % 32);
              EXPECT_EQ(slot[7], linear / 32 * 100 + 2) << index;
            }
}

std::atomic<int> inFlight{0}, maxInFlight{0};

// Every thread counts itself; thread 0 of each block stays until another
// block runs at the same time, or one did before (or two seconds pass).
void countInParallel(void **args) {
  auto *counter = arg<std::atomic<int> *>(args, 0);
  counter->fetch_add(1);
  if (linearThread() != 0)
    return;
  int now = ++inFlight;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (now < 2 && maxInFlight.load() < 2 &&
         std::chrono::steady_clock::now() < deadline)
    now = std::max(now, inFlight.load());
  int seen = maxInFlight.load();
  while (now > seen && !maxInFlight.compare_exchange_weak(seen, now)) {
  }
  --inFlight;
}

TEST(EmuLaunch, BlocksRunInParallelAndShareAtomics) {
  std::atomic<int> counter{0};
  std::atomic<int> *counterPtr = &counter;
  void *args[] = {&counterPtr};
  recur_emu_kernel_t k = kernel(countInParallel, args, "count");
  k.grid[0] = 64;
  k.block[0] = 64;
  k.num_workers = 4;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  EXPECT_EQ(counter.load(), 64 * 64);
  EXPECT_GE(maxInFlight.load(), 2);
}

void addOne(void **args) {
  arg<std::atomic<int> *>(args, 0)->fetch_add(1);
  __recur_emu_barrier();
}

TEST(EmuLaunch, ManyLaunchesReuseStacks) {
  std::atomic<int> counter{0};
  std::atomic<int> *counterPtr = &counter;
  void *args[] = {&counterPtr};
  recur_emu_kernel_t k = kernel(addOne, args, "reuse");
  k.grid[0] = 8;
  k.block[0] = 128;
  k.num_workers = 2;
  recur_emu_release_stacks(); // what earlier tests left in the cache
  ASSERT_EQ(recur_emu_mapped_stacks(), 0u);
  for (int launch = 0; launch < 200; ++launch)
    ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  // At most one stack per thread of a block per worker, however many
  // launches ran.
  EXPECT_GE(recur_emu_mapped_stacks(), 128u);
  EXPECT_LE(recur_emu_mapped_stacks(), 2u * 128u);
  EXPECT_EQ(counter.load(), 200 * 8 * 128);
  recur_emu_release_stacks();
  EXPECT_EQ(recur_emu_mapped_stacks(), 0u);
}

void nothing(void **) {}

TEST(EmuLaunch, RejectsBadConfigurations) {
  recur_emu_kernel_t k = kernel(nothing, nullptr, "bad");
  k.warp_size = 16;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(recur_emu_last_error()).find("warp size 16"),
            std::string::npos)
      << recur_emu_last_error();

  k = kernel(nothing, nullptr, "bad");
  k.grid[1] = 0;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_INVALID_ARGUMENT);

  k = kernel(nothing, nullptr, "bad");
  k.block[0] = 64, k.block[1] = 32;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(recur_emu_last_error()).find("2048 threads"),
            std::string::npos)
      << recur_emu_last_error();

  k = kernel(nothing, nullptr, "bad");
  k.block[2] = 65; // 65 threads in all, but z is at most 64 on CUDA
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(recur_emu_last_error(),
               "kernel 'bad' has block (1, 1, 65); the device allows (1024, "
               "1024, 64)");
  k.warp_size = 64;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();

  k = kernel(nothing, nullptr, "bad");
  k.grid[1] = 65536;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_INVALID_ARGUMENT);

  k = kernel(nothing, nullptr, "bad");
  k.warp_size = 64;
  k.dynamic_shared_bytes = 65 << 10;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_INVALID_ARGUMENT);
  k.warp_size = 32;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  EXPECT_STREQ(recur_emu_last_error(), "");

  EXPECT_EQ(recur_emu_launch(nullptr), RECUR_ERROR_INVALID_ARGUMENT);
}

void trapInOneThread(void **) {
  if (__recur_emu_block_id(0) == 3 && __recur_emu_thread_id(0) == 5)
    __recur_emu_trap("index out of bounds");
}

TEST(EmuLaunch, TrapEndsTheLaunchWithAnAssertion) {
  recur_emu_kernel_t k = kernel(trapInOneThread, nullptr, "trapper");
  k.grid[0] = 6;
  k.block[0] = 8;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_ASSERTION);
  EXPECT_STREQ(recur_emu_last_error(),
               "kernel 'trapper', block (3, 0, 0), thread (5, 0, 0) (warp "
               "0, lane 5): index out of bounds");
}

void probeShared(void **args) {
  int64_t *out = arg<int64_t *>(args, 0);
  if (linearThread() != 0)
    return;
  auto *base = static_cast<char *>(__recur_emu_shared_memory());
  auto *dynamic = static_cast<char *>(__recur_emu_dynamic_shared_memory());
  out[0] = reinterpret_cast<uintptr_t>(base) % 128;
  out[1] = dynamic - base;
  uint32_t first;
  std::memcpy(&first, dynamic + 100, 4);
  out[2] = first;
  // A later block of the same worker must not see this.
  std::memset(base, 0, 20 + 12 + 200);
}

TEST(EmuLaunch, SharedMemoryIsAlignedAndPoisonedPerBlock) {
  int64_t out[3] = {-1, -1, -1};
  int64_t *outPtr = out;
  void *args[] = {&outPtr};
  recur_emu_kernel_t k = kernel(probeShared, args, "shared");
  k.static_shared_bytes = 20;
  k.dynamic_shared_bytes = 200;
  k.num_workers = 1;
  k.grid[0] = 3;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 32);
  EXPECT_EQ(out[2], 0xFFFFFFFF);
}

// Each level keeps 2 KiB live until the level below returns.
int recurse(int depth) {
  volatile char frame[2048];
  frame[depth % 2048] = static_cast<char>(depth);
  if (depth == 0)
    return frame[0];
  return recurse(depth - 1) + frame[depth % 2048];
}

void overflowInOneThread(void **args) {
  if (linearThread() == 3)
    *arg<int *>(args, 0) = recurse(1000); // about 2 MiB
}

void writeToNull(void **) {
  if (linearThread() == 2)
    *reinterpret_cast<volatile int *>(uintptr_t(64)) = 1;
}

TEST(EmuLaunch, MemoryFaultsAreLaunchErrors) {
  int sink = 0;
  int *sinkPtr = &sink;
  void *args[] = {&sinkPtr};
  recur_emu_kernel_t k = kernel(overflowInOneThread, args, "deep");
  k.block[0] = 8;
  k.stack_bytes = 64 << 10;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_STREQ(recur_emu_last_error(),
               "kernel 'deep', block (0, 0, 0), thread (3, 0, 0) (warp 0, "
               "lane 3): stack overflow (the fiber stack has 65536 bytes; "
               "raise recur_emu_kernel_t::stack_bytes)");

  k = kernel(writeToNull, nullptr, "null");
  k.block[0] = 4;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_STREQ(recur_emu_last_error(),
               "kernel 'null', block (0, 0, 0), thread (2, 0, 0) (warp 0, "
               "lane 2): illegal memory access at address 0x40");

  // The same stacks serve the next launch.
  k = kernel(overflowInOneThread, args, "deep enough");
  k.block[0] = 8;
  k.stack_bytes = 4 << 20;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
}

} // namespace
