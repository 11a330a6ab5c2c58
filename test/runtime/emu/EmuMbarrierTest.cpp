//===- EmuMbarrierTest.cpp - mbarrier phases and cp.async.bulk ------------===//
//
// An mbarrier's phase completes when its expected count of threads has
// arrived and the bytes announced with expect_tx have been copied; a wait on
// a phase parity returns once that phase has completed; bulk copies signal
// the mbarrier they name. PTX ISA 9.7.13.15, "mbarrier", and 9.7.9.25.4.1,
// "cp.async.bulk".
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

constexpr int kThreads = 64;
constexpr int kRowInts = 8; // 32 bytes
constexpr int kRows = 4;

// Shared memory: an mbarrier at 0, then kRows rows of 32 bytes. Two phases:
// in phase p, threads 0..kRows-1 copy row p * kRows + t of `src` into row t.
// Each thread records row 0 after its arrival and before its wait, and all
// rows after the wait.
void twoPhases(void **args) {
  const int32_t *src = arg<const int32_t *>(args, 0);
  int32_t *out = arg<int32_t *>(args, 1);
  char *shared = static_cast<char *>(__recur_emu_shared_memory());
  void *bar = shared;
  auto *rows = reinterpret_cast<int32_t *>(shared + 16);
  int t = linearThread();
  if (t == 0)
    __recur_emu_mbarrier_init(bar, kThreads);
  __recur_emu_barrier();
  for (int phase = 0; phase < 2; ++phase) {
    if (t < kRows) {
      __recur_emu_mbarrier_expect_tx(bar, kRowInts * 4);
      __recur_emu_cp_async_bulk(rows + t * kRowInts,
                                src + (phase * kRows + t) * kRowInts,
                                kRowInts * 4, bar);
    }
    __recur_emu_mbarrier_arrive(bar);
    int32_t *record = out + (t * 2 + phase) * (1 + kRows * kRowInts);
    // Thread 0 arrives first: the copies have not landed yet.
    record[0] = t == 0 ? rows[0] : 0;
    __recur_emu_mbarrier_try_wait_parity(bar, phase & 1);
    std::memcpy(record + 1, rows, kRows * kRowInts * 4);
    // Everyone has read the rows before they are overwritten.
    __recur_emu_barrier();
  }
}

TEST(EmuMbarrier, BulkCopiesLandWhenThePhaseCompletes) {
  std::vector<int32_t> src(2 * kRows * kRowInts);
  for (size_t i = 0; i < src.size(); ++i)
    src[i] = static_cast<int32_t>(i * 7 + 3);
  const int record = 1 + kRows * kRowInts;
  std::vector<int32_t> out(kThreads * 2 * record, 0);
  const int32_t *srcPtr = src.data();
  int32_t *outPtr = out.data();
  void *args[] = {&srcPtr, &outPtr};
  recur_emu_kernel_t k = kernel(twoPhases, args, "two_phases");
  k.block[0] = kThreads;
  k.static_shared_bytes = 16 + kRows * kRowInts * 4;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  for (int t = 0; t < kThreads; ++t)
    for (int phase = 0; phase < 2; ++phase) {
      const int32_t *r = out.data() + (t * 2 + phase) * record;
      if (t == 0) // before phase 0: the 0xFF fill; before 1: phase 0's rows
        EXPECT_EQ(r[0], phase == 0 ? -1 : src[0]) << "phase " << phase;
      for (int e = 0; e < kRows * kRowInts; ++e)
        ASSERT_EQ(r[1 + e], src[phase * kRows * kRowInts + e])
            << "thread " << t << " phase " << phase << " element " << e;
    }
}

// A wait on the parity of a phase that completed returns at once, also for
// a thread that only now asks.
void waitAfterCompletion(void **args) {
  int32_t *out = arg<int32_t *>(args, 0);
  void *bar = __recur_emu_shared_memory();
  __recur_emu_mbarrier_init(bar, 1);
  __recur_emu_mbarrier_arrive(bar);
  __recur_emu_mbarrier_try_wait_parity(bar, 0);
  out[0] = 1;
  __recur_emu_mbarrier_arrive(bar);
  __recur_emu_mbarrier_try_wait_parity(bar, 1);
  __recur_emu_mbarrier_try_wait_parity(bar, 1);
  out[1] = 1;
}

TEST(EmuMbarrier, WaitOnACompletedPhaseReturns) {
  int32_t out[2] = {0, 0};
  int32_t *outPtr = out;
  void *args[] = {&outPtr};
  recur_emu_kernel_t k = kernel(waitAfterCompletion, args, "completed");
  k.static_shared_bytes = 16;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[1], 1);
}

void announcedMoreThanCopied(void **args) {
  const char *src = arg<const char *>(args, 0);
  char *shared = static_cast<char *>(__recur_emu_shared_memory());
  __recur_emu_mbarrier_init(shared, 1);
  __recur_emu_mbarrier_expect_tx(shared, 64);
  __recur_emu_cp_async_bulk(shared + 16, src, 32, shared);
  __recur_emu_mbarrier_arrive(shared);
}

TEST(EmuMbarrier, BytesAnnouncedAndCopiedMustAgree) {
  alignas(16) char src[32] = {};
  const char *srcPtr = src;
  void *args[] = {&srcPtr};
  recur_emu_kernel_t k = kernel(announcedMoreThanCopied, args, "bytes");
  k.static_shared_bytes = 64;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_TRUE(contains(recur_emu_last_error(),
                       "64 bytes announced by mbarrier.expect_tx and 32 "
                       "copied by cp.async.bulk"))
      << recur_emu_last_error();
}

// Two threads expected, one arrives: its wait never returns.
void missingArrival(void **) {
  void *bar = __recur_emu_shared_memory();
  __recur_emu_mbarrier_init(bar, 2);
  __recur_emu_mbarrier_arrive(bar);
  __recur_emu_mbarrier_try_wait_parity(bar, 0);
}

TEST(EmuMbarrier, APhaseThatNeverCompletesIsADeadlock) {
  recur_emu_kernel_t k = kernel(missingArrival, nullptr, "missing");
  k.static_shared_bytes = 16;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_TRUE(contains(recur_emu_last_error(),
                       "waits for an mbarrier phase that never completes"))
      << recur_emu_last_error();
}

void misalignedBulk(void **args) {
  const char *src = arg<const char *>(args, 0);
  char *shared = static_cast<char *>(__recur_emu_shared_memory());
  __recur_emu_mbarrier_init(shared, 1);
  __recur_emu_cp_async_bulk(shared + 24, src, 16, shared);
}

void uninitialised(void **) {
  __recur_emu_mbarrier_arrive(__recur_emu_shared_memory());
}

TEST(EmuMbarrier, RejectsMisalignedCopiesAndUninitialisedMbarriers) {
  alignas(16) char src[32] = {};
  const char *srcPtr = src;
  void *args[] = {&srcPtr};
  recur_emu_kernel_t k = kernel(misalignedBulk, args, "misaligned");
  k.static_shared_bytes = 64;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_TRUE(contains(recur_emu_last_error(), "16-byte aligned addresses"))
      << recur_emu_last_error();
  k = kernel(uninitialised, nullptr, "uninitialised");
  k.static_shared_bytes = 16;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_TRUE(
      contains(recur_emu_last_error(), "which mbarrier.init has not set up"))
      << recur_emu_last_error();
}

} // namespace
