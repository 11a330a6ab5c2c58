//===- EmuWarpTest.cpp - Shuffles, votes and warp sync --------------------===//

#include "EmuTestUtil.h"

#include <gtest/gtest.h>

using namespace recur::emu::test;

namespace {

bool contains(const char *text, const std::string &part) {
  return std::string(text).find(part) != std::string::npos;
}

// A block sum: a butterfly of xor-shuffles within each warp, one partial per
// warp through shared memory, and warp 0 reduces the partials.
void blockSum(void **args) {
  int32_t *perThread = arg<int32_t *>(args, 0);
  int32_t *total = arg<int32_t *>(args, 1);
  auto *partials = static_cast<int32_t *>(__recur_emu_shared_memory());
  int i = linearThread();
  uint32_t value = 3 * i + 1;
  for (uint32_t offset = 16; offset > 0; offset /= 2) {
    int32_t valid = -1;
    value += __recur_emu_shfl_xor(value, offset, shflC(32, false), &valid);
    if (!valid)
      __recur_emu_trap("xor shuffle within the warp reported invalid");
  }
  perThread[i] = value;
  if (__recur_emu_lane_id() == 0)
    partials[__recur_emu_warp_id()] = value;
  __recur_emu_barrier();
  if (__recur_emu_warp_id() != 0)
    return;
  int warps = __recur_emu_num_warps();
  uint32_t partial =
      __recur_emu_lane_id() < warps ? partials[__recur_emu_lane_id()] : 0;
  for (uint32_t offset = 16; offset > 0; offset /= 2)
    partial += __recur_emu_shfl_xor(partial, offset, shflC(32, false), nullptr);
  if (i == 0)
    *total = partial;
}

TEST(EmuWarp, XorShuffleBlockReduction) {
  const int n = 256;
  for (uint32_t seed : {0u, 7u}) { // the result must not depend on the order
    std::vector<int32_t> perThread(n, 0);
    int32_t total = 0;
    int32_t *perThreadPtr = perThread.data(), *totalPtr = &total;
    void *args[] = {&perThreadPtr, &totalPtr};
    recur_emu_kernel_t k = kernel(blockSum, args, "sum");
    k.block[0] = n;
    k.static_shared_bytes = 8 * 4;
    k.schedule_seed = seed;
    ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
    for (int i = 0; i < n; ++i) {
      int w = i / 32; // sum of 3j + 1 over the warp's j
      EXPECT_EQ(perThread[i], 3 * (32 * w * 32 + 31 * 32 / 2) + 32) << i;
    }
    EXPECT_EQ(total, 3 * (n * (n - 1) / 2) + n) << seed;
  }
}

// Every lane records, for each shuffle, its result and predicate.
void shuffles(void **args) {
  int32_t *out = arg<int32_t *>(args, 0);
  int lane = __recur_emu_lane_id();
  uint32_t mine = 100 + 10 * lane;
  int32_t *slot = out + 2 * 8 * lane;
  auto record = [&](int which, uint32_t value, int32_t valid) {
    slot[2 * which] = static_cast<int32_t>(value);
    slot[2 * which + 1] = valid;
  };
  int32_t valid;
  uint32_t v;
  v = __recur_emu_shfl_up(mine, 3, shflC(8, true), &valid);
  record(0, v, valid);
  v = __recur_emu_shfl_down(mine, 3, shflC(8, false), &valid);
  record(1, v, valid);
  v = __recur_emu_shfl_idx(mine, 13, shflC(8, false), &valid);
  record(2, v, valid);
  v = __recur_emu_shfl_xor(mine, 8, shflC(8, false), &valid);
  record(3, v, valid);
  v = __recur_emu_shfl_up(mine, 1, shflC(32, true), &valid);
  record(4, v, valid);
  v = __recur_emu_shfl_down(mine, 1, shflC(32, false), &valid);
  record(5, v, valid);
  v = __recur_emu_shfl_idx(mine, 37, shflC(32, false), &valid);
  record(6, v, valid);
  v = __recur_emu_shfl_xor(mine, 4, shflC(16, false), &valid);
  record(7, v, valid);
}

TEST(EmuWarp, ShuffleEdgesAndValidWithNarrowWidths) {
  std::vector<int32_t> out(32 * 16, -7);
  int32_t *outPtr = out.data();
  void *args[] = {&outPtr};
  recur_emu_kernel_t k = kernel(shuffles, args, "shuffles");
  k.block[0] = 32;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  auto value = [](int lane) { return 100 + 10 * lane; };
  for (int lane = 0; lane < 32; ++lane) {
    const int32_t *slot = &out[16 * lane];
    int segment = lane / 8 * 8; // first lane of its 8-lane segment
    // up 3 within 8: lanes 0-2 of each segment keep their own value.
    bool upValid = lane - 3 >= segment;
    EXPECT_EQ(slot[0], value(upValid ? lane - 3 : lane)) << lane;
    EXPECT_EQ(slot[1], upValid) << lane;
    // down 3 within 8: lanes 5-7 of each segment keep their own value.
    bool downValid = lane + 3 <= segment + 7;
    EXPECT_EQ(slot[2], value(downValid ? lane + 3 : lane)) << lane;
    EXPECT_EQ(slot[3], downValid) << lane;
    // idx 13 within 8 reads lane 5 of the segment (13 mod 8).
    EXPECT_EQ(slot[4], value(segment + 5)) << lane;
    EXPECT_EQ(slot[5], 1) << lane;
    // xor 8 within 8: PTX only bounds the source from above, so a segment
    // may read the one before it but not the one after.
    bool xorValid = (lane ^ 8) <= segment + 7;
    EXPECT_EQ(slot[6], value(xorValid ? lane ^ 8 : lane)) << lane;
    EXPECT_EQ(slot[7], xorValid) << lane;
    // Full width: lane 0 has no lane below it, lane 31 none above.
    EXPECT_EQ(slot[8], value(lane == 0 ? 0 : lane - 1)) << lane;
    EXPECT_EQ(slot[9], lane != 0) << lane;
    EXPECT_EQ(slot[10], value(lane == 31 ? 31 : lane + 1)) << lane;
    EXPECT_EQ(slot[11], lane != 31) << lane;
    // idx 37 wraps to lane 5.
    EXPECT_EQ(slot[12], value(5)) << lane;
    EXPECT_EQ(slot[13], 1) << lane;
    // xor 4 within 16 stays in the segment.
    EXPECT_EQ(slot[14], value(lane ^ 4)) << lane;
    EXPECT_EQ(slot[15], 1) << lane;
  }
}

// On a 64-lane wavefront: idx from lane 40, and ds_bpermute rotating by one.
void wave64(void **args) {
  int32_t *out = arg<int32_t *>(args, 0);
  int lane = __recur_emu_lane_id();
  uint32_t mine = 1000 + lane;
  out[3 * lane] = __recur_emu_shfl_idx(mine, 40, 63, nullptr);
  out[3 * lane + 1] = __recur_emu_ds_bpermute(4 * (lane + 1), mine);
  int32_t valid;
  out[3 * lane + 2] =
      __recur_emu_shfl_down(mine, 32, shflC(64, false, 64), &valid) *
      (valid ? 1 : -1);
}

TEST(EmuWarp, SixtyFourLaneWavefronts) {
  std::vector<int32_t> out(3 * 64, 0);
  int32_t *outPtr = out.data();
  void *args[] = {&outPtr};
  recur_emu_kernel_t k = kernel(wave64, args, "wave64");
  k.block[0] = 64;
  k.warp_size = 64;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  for (int lane = 0; lane < 64; ++lane) {
    EXPECT_EQ(out[3 * lane], 1040) << lane;
    EXPECT_EQ(out[3 * lane + 1], 1000 + (lane + 1) % 64) << lane;
    EXPECT_EQ(out[3 * lane + 2], lane < 32 ? 1000 + lane + 32 : -(1000 + lane))
        << lane;
  }
}

// Lanes 0-3 of warp 0 exit before the votes; warp 1 has 8 lanes (a block of
// 40 threads).
void votes(void **args) {
  int64_t *out = arg<int64_t *>(args, 0);
  int i = linearThread(), lane = __recur_emu_lane_id();
  if (i < 4)
    return;
  int64_t *slot = out + 5 * i;
  slot[0] = __recur_emu_vote_ballot(lane % 3 == 0);
  slot[1] = __recur_emu_vote_any(lane % 3 == 0);
  slot[2] = __recur_emu_vote_all(lane % 3 == 0);
  slot[3] = __recur_emu_vote_all(1);
  slot[4] = __recur_emu_vote_any(lane == 2); // lane 2 of warp 0 has exited
  __recur_emu_warp_sync();
}

TEST(EmuWarp, VotesCountTheLiveLanes) {
  std::vector<int64_t> out(5 * 40, -1);
  int64_t *outPtr = out.data();
  void *args[] = {&outPtr};
  recur_emu_kernel_t k = kernel(votes, args, "votes");
  k.block[0] = 40;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  int64_t multiplesOf3 = 0; // lanes 6, 9, ..., 30 of warp 0
  for (int lane = 6; lane < 32; lane += 3)
    multiplesOf3 |= int64_t(1) << lane;
  for (int i = 4; i < 40; ++i) {
    const int64_t *slot = &out[5 * i];
    bool warp0 = i < 32;
    EXPECT_EQ(slot[0], warp0 ? multiplesOf3 : 0b01001001) << i;
    EXPECT_EQ(slot[1], 1) << i;
    EXPECT_EQ(slot[2], 0) << i;
    EXPECT_EQ(slot[3], 1) << i;
    EXPECT_EQ(slot[4], warp0 ? 0 : 1) << i;
  }
}

// Even lanes vote any, odd lanes vote all.
void mismatchedVotes(void **) {
  if (__recur_emu_lane_id() % 2 == 0)
    __recur_emu_vote_any(1);
  else
    __recur_emu_vote_all(1);
}

// Lane 3 exits; the others read it.
void shuffleFromExited(void **) {
  if (__recur_emu_lane_id() == 3)
    return;
  __recur_emu_shfl_idx(0, 3, shflC(32, false), nullptr);
}

TEST(EmuWarp, CollectiveErrorsEndTheLaunch) {
  recur_emu_kernel_t k = kernel(mismatchedVotes, nullptr, "mismatch");
  k.block[0] = 32;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_STREQ(recur_emu_last_error(),
               "mismatched warp collectives: kernel 'mismatch', block (0, 0, "
               "0), thread (1, 0, 0) (warp 0, lane 1) calls vote.sync.all (0) "
               "while lane 0 of its warp waits at vote.sync.any (0)");

  k = kernel(shuffleFromExited, nullptr, "exited");
  k.block[0] = 32;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_TRUE(contains(recur_emu_last_error(),
                       "(warp 0, lane 0): shuffles from lane 3, which has "
                       "exited"))
      << recur_emu_last_error();
}

} // namespace
