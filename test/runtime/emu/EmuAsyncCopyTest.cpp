//===- EmuAsyncCopyTest.cpp - cp.async groups, waits and zero fill --------===//
//
// A cp.async lands in shared memory only once a wait has retired its group,
// groups retire in commit order, and the source size zero-fills the rest:
// PTX ISA 9.7.9.25, "cp.async", "cp.async.commit_group" and
// "cp.async.wait_group".
//
//===----------------------------------------------------------------------===//

#include "EmuTestUtil.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace recur::emu::test;

namespace {

bool contains(const char *text, const std::string &part) {
  return std::string(text).find(part) != std::string::npos;
}

// Each thread copies three 16-byte rows of `src` into shared memory, one
// group per row, and records what its slots hold after each wait: untouched
// (the emulator's 0xFF fill) until the wait retires that row's group.
void copyInGroups(void **args) {
  const int32_t *src = arg<const int32_t *>(args, 0);
  int32_t *out = arg<int32_t *>(args, 1);
  auto *shared = static_cast<int32_t *>(__recur_emu_shared_memory());
  int i = linearThread();
  int32_t *mine = shared + i * 12;
  const int32_t *from = src + i * 12;
  for (int row = 0; row < 3; ++row) {
    __recur_emu_cp_async(mine + row * 4, from + row * 4, 16, 16);
    __recur_emu_cp_async_commit_group();
  }
  int32_t *record = out + i * 36;
  for (int pending = 2, step = 0; pending >= 0; --pending, ++step) {
    __recur_emu_cp_async_wait_group(pending);
    std::memcpy(record + step * 12, mine, 48);
  }
}

TEST(EmuAsyncCopy, GroupsLandInCommitOrderAtTheirWait) {
  const int threads = 40;
  std::vector<int32_t> src(threads * 12), out(threads * 36, 0);
  for (size_t i = 0; i < src.size(); ++i)
    src[i] = static_cast<int32_t>(i * 3 + 1);
  const int32_t *srcPtr = src.data();
  int32_t *outPtr = out.data();
  void *args[] = {&srcPtr, &outPtr};
  recur_emu_kernel_t k = kernel(copyInGroups, args, "copy_in_groups");
  k.block[0] = threads;
  k.static_shared_bytes = threads * 48;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  for (int t = 0; t < threads; ++t)
    for (int step = 0; step < 3; ++step)
      for (int e = 0; e < 12; ++e) {
        int row = e / 4;
        int32_t expected = row <= step ? src[t * 12 + e] : -1;
        EXPECT_EQ(out[t * 36 + step * 12 + e], expected)
            << "thread " << t << " after wait " << 2 - step << " element " << e;
      }
}

// A source size below the copy's size reads that many bytes and zeros the
// rest; 0 reads nothing, so its source may be any address.
void zeroFill(void **args) {
  const int32_t *src = arg<const int32_t *>(args, 0);
  int32_t *out = arg<int32_t *>(args, 1);
  auto *shared = static_cast<int32_t *>(__recur_emu_shared_memory());
  __recur_emu_cp_async(shared, src, 16, 8);
  __recur_emu_cp_async(shared + 4, src, 4, 4);
  __recur_emu_cp_async(shared + 8, nullptr, 8, 0);
  __recur_emu_cp_async_commit_group();
  __recur_emu_cp_async_wait_group(0);
  std::memcpy(out, shared, 10 * sizeof(int32_t));
}

TEST(EmuAsyncCopy, SourceSizeZeroFills) {
  int32_t src[4] = {11, 22, 33, 44}, out[10];
  const int32_t *srcPtr = src;
  int32_t *outPtr = out;
  void *args[] = {&srcPtr, &outPtr};
  recur_emu_kernel_t k = kernel(zeroFill, args, "zero_fill");
  k.static_shared_bytes = 64;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  const int32_t expected[10] = {11, 22, 0, 0, 11, -1, -1, -1, 0, 0};
  for (int e = 0; e < 10; ++e)
    EXPECT_EQ(out[e], expected[e]) << e;
}

// Copies started after the last commit join no group, so a wait does not
// retire them.
void uncommitted(void **args) {
  const int32_t *src = arg<const int32_t *>(args, 0);
  int32_t *out = arg<int32_t *>(args, 1);
  auto *shared = static_cast<int32_t *>(__recur_emu_shared_memory());
  __recur_emu_cp_async(shared, src, 4, 4);
  __recur_emu_cp_async_wait_group(0);
  out[0] = shared[0];
  __recur_emu_cp_async_commit_group();
  __recur_emu_cp_async_wait_group(0);
  out[1] = shared[0];
}

TEST(EmuAsyncCopy, WaitIgnoresUncommittedCopies) {
  int32_t src[1] = {5}, out[2] = {0, 0};
  const int32_t *srcPtr = src;
  int32_t *outPtr = out;
  void *args[] = {&srcPtr, &outPtr};
  recur_emu_kernel_t k = kernel(uncommitted, args, "uncommitted");
  k.static_shared_bytes = 16;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  EXPECT_EQ(out[0], -1);
  EXPECT_EQ(out[1], 5);
}

void misaligned(void **args) {
  const char *src = arg<const char *>(args, 0);
  auto *shared = static_cast<char *>(__recur_emu_shared_memory());
  __recur_emu_cp_async(shared + 4, src, 16, 16);
}

void badSize(void **args) {
  const char *src = arg<const char *>(args, 0);
  auto *shared = static_cast<char *>(__recur_emu_shared_memory());
  __recur_emu_cp_async(shared, src, 12, 12);
}

TEST(EmuAsyncCopy, RejectsMisalignedAndOddSizes) {
  alignas(16) char src[32] = {};
  const char *srcPtr = src;
  void *args[] = {&srcPtr};
  recur_emu_kernel_t k = kernel(misaligned, args, "misaligned");
  k.static_shared_bytes = 64;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_TRUE(contains(recur_emu_last_error(), "not aligned to its size"))
      << recur_emu_last_error();
  k = kernel(badSize, args, "bad_size");
  k.static_shared_bytes = 64;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_TRUE(contains(recur_emu_last_error(), "copies 4, 8 or 16 bytes"))
      << recur_emu_last_error();
}

} // namespace
