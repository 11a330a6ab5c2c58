//===- EmuWarpgroupTest.cpp - wgmma descriptors, fragments, launches ------===//
//
// The matrix descriptor and the accumulator layout against hand-computed
// cases, then whole wgmma launches: the test stages A and B in shared
// memory in its own core-matrix order (core matrices adjacent in rows
// contiguous, unlike the compiler's staging, so the descriptor's two
// offsets are exercised the other way round), computes each thread's
// expected registers with the PTX ISA's formula written out here, and
// checks the errors a wrong launch gets.
//
//===----------------------------------------------------------------------===//

#include "EmuTestUtil.h"
#include "runtime/emu/FloatFormats.h"
#include "runtime/emu/WarpgroupMma.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

using namespace recur::emu;
using namespace recur::emu::test;

namespace {

uint64_t descriptor(uint32_t start, uint32_t leading, uint32_t stride,
                    uint64_t swizzle = 0) {
  return uint64_t(start >> 4) | uint64_t(leading >> 4) << 16 |
         uint64_t(stride >> 4) << 32 | swizzle << 62;
}

TEST(EmuWarpgroup, DecodesTheMatrixDescriptor) {
  // start 0x1230, LBO 128, SBO 1024, base offset 5, swizzle 1 (128B); bits
  // 14-15, 30-31 and 46-48 are not part of any field.
  uint64_t bits = 0x123 | 3ull << 14 | 8ull << 16 | 3ull << 30 | 64ull << 32 |
                  7ull << 46 | 5ull << 49 | 1ull << 62;
  MatrixDescriptor d = decodeMatrixDescriptor(bits);
  EXPECT_EQ(d.start, 0x1230u);
  EXPECT_EQ(d.leading, 128u);
  EXPECT_EQ(d.stride, 1024u);
  EXPECT_EQ(d.baseOffset, 5u);
  EXPECT_EQ(d.swizzle, 1u);
  // The largest values each 14-bit field holds.
  d = decodeMatrixDescriptor(descriptor(0x3FFF0, 0x3FFF0, 0x3FFF0, 3));
  EXPECT_EQ(d.start, 0x3FFF0u);
  EXPECT_EQ(d.leading, 0x3FFF0u);
  EXPECT_EQ(d.stride, 0x3FFF0u);
  EXPECT_EQ(d.swizzle, 3u);
}

TEST(EmuWarpgroup, CoreMatrixOffsets) {
  MatrixDescriptor d = decodeMatrixDescriptor(descriptor(0, 128, 256));
  // f16: 8 per 16-byte row. (9, 10): core (1, 1), row 1, element 2.
  EXPECT_EQ(coreMatrixOffset(d, 9, 10, 2), 256u + 128u + 16u + 4u);
  EXPECT_EQ(coreMatrixOffset(d, 0, 0, 2), 0u);
  EXPECT_EQ(coreMatrixOffset(d, 7, 7, 2), 7u * 16 + 14);
  // tf32: 4 per row. (3, 5): core (0, 1), row 3, element 1.
  EXPECT_EQ(coreMatrixOffset(d, 3, 5, 4), 128u + 48u + 4u);
}

TEST(EmuWarpgroup, AccumulatorFragmentLayout) {
  // Warp w holds rows 16w..16w+15; lane l = 4g + t holds (16w + g, 2t) and
  // (16w + g, 2t + 1), then the same at row + 8, for every 8 columns.
  auto at = [](unsigned thread, unsigned i) {
    FragmentCoord c = wgmmaAccumulatorAt(thread, i);
    return std::make_pair(c.row, c.col);
  };
  EXPECT_EQ(at(0, 0), std::make_pair(0u, 0u));
  EXPECT_EQ(at(0, 1), std::make_pair(0u, 1u));
  EXPECT_EQ(at(0, 2), std::make_pair(8u, 0u));
  EXPECT_EQ(at(0, 3), std::make_pair(8u, 1u));
  EXPECT_EQ(at(0, 4), std::make_pair(0u, 8u));
  EXPECT_EQ(at(5, 0), std::make_pair(1u, 2u));      // g 1, t 1
  EXPECT_EQ(at(37, 6), std::make_pair(25u, 10u));   // warp 1, lane 5
  EXPECT_EQ(at(127, 31), std::make_pair(63u, 63u)); // warp 3, lane 31
  // Every element of a 64x64 tile has exactly one holder.
  std::vector<int> holders(64 * 64, 0);
  for (unsigned thread = 0; thread < 128; ++thread)
    for (unsigned i = 0; i < 32; ++i) {
      FragmentCoord c = wgmmaAccumulatorAt(thread, i);
      ASSERT_LT(c.row, 64u);
      ASSERT_LT(c.col, 64u);
      ++holders[c.row * 64 + c.col];
    }
  for (int count : holders)
    EXPECT_EQ(count, 1);
}

struct WgmmaCase {
  int32_t type; // RECUR_EMU_WGMMA_*
  unsigned n, k, bytes;
  uint64_t swizzle = 0;
  std::vector<float> acc; // 128 threads x n / 2 registers, row-major
};

int valueA(unsigned r, unsigned k) { return int((r * 3 + k) % 7) - 3; }
int valueB(unsigned k, unsigned n) { return int((k * 5 + n * 2) % 5) - 2; }
int valueC(unsigned r, unsigned n) { return int(r) - int(n); }

/// Element (row, k) of an operand with `rows` rows in the test's order:
/// core matrices adjacent in rows are 128 bytes apart (SBO), those adjacent
/// in k rows / 8 * 128 bytes (LBO).
unsigned testOffset(unsigned row, unsigned k, unsigned rows, unsigned bytes) {
  unsigned perRow = 16 / bytes;
  return ((k / perRow) * (rows / 8) + row / 8) * 128 + (row % 8) * 16 +
         (k % perRow) * bytes;
}

void put(char *shared, unsigned offset, int value, const WgmmaCase &c) {
  if (c.bytes == 4) {
    float f = float(value);
    std::memcpy(shared + offset, &f, 4);
  } else {
    // Small integers are exact in f16 and bf16: bf16 keeps f32's top half.
    uint16_t h;
    if (c.type == RECUR_EMU_WGMMA_BF16) {
      float f = float(value);
      uint32_t bits;
      std::memcpy(&bits, &f, 4);
      h = uint16_t(bits >> 16);
    } else {
      h = doubleToHalf(value);
    }
    std::memcpy(shared + offset, &h, 2);
  }
}

void wgmmaKernel(void **args) {
  auto &c = *arg<WgmmaCase *>(args, 0);
  int32_t thread = linearThread();
  auto *shared = static_cast<char *>(__recur_emu_shared_memory());
  unsigned bStart = 64 * c.k * c.bytes;
  if (thread == 0) {
    for (unsigned r = 0; r < 64; ++r)
      for (unsigned k = 0; k < c.k; ++k)
        put(shared, testOffset(r, k, 64, c.bytes), valueA(r, k), c);
    for (unsigned n = 0; n < c.n; ++n)
      for (unsigned k = 0; k < c.k; ++k)
        put(shared, bStart + testOffset(n, k, c.n, c.bytes), valueB(k, n), c);
  }
  __recur_emu_fence_proxy_async();
  __recur_emu_barrier();
  // PTX ISA: d[i] of lane l in warp w is at row 16 w + l / 4 + 8 ((i / 2) %
  // 2), column 8 (i / 4) + 2 (l % 4) + i % 2.
  float *acc = &c.acc[thread * (c.n / 2)];
  int warp = thread / 32, lane = thread % 32;
  for (unsigned i = 0; i < c.n / 2; ++i)
    acc[i] = float(valueC(16 * warp + lane / 4 + 8 * ((i / 2) % 2),
                          8 * (i / 4) + 2 * (lane % 4) + i % 2));
  __recur_emu_wgmma_fence();
  __recur_emu_wgmma(
      c.type, int32_t(c.n), descriptor(0, (64 / 8) * 128, 128, c.swizzle),
      descriptor(bStart, (c.n / 8) * 128, 128, c.swizzle), 1, acc);
  __recur_emu_wgmma_commit_group();
  __recur_emu_wgmma_wait_group(0);
}

void runWgmma(WgmmaCase &c) {
  c.acc.assign(128 * c.n / 2, -1.0f);
  WgmmaCase *pointer = &c;
  void *args[] = {&pointer};
  recur_emu_kernel_t k = kernel(wgmmaKernel, args, "wgmma");
  k.block[0] = 128;
  k.static_shared_bytes = (64 + c.n) * c.k * c.bytes;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  for (unsigned thread = 0; thread < 128; ++thread) {
    unsigned warp = thread / 32, lane = thread % 32;
    for (unsigned i = 0; i < c.n / 2; ++i) {
      unsigned row = 16 * warp + lane / 4 + 8 * ((i / 2) % 2);
      unsigned col = 8 * (i / 4) + 2 * (lane % 4) + i % 2;
      int expected = valueC(row, col);
      for (unsigned kk = 0; kk < c.k; ++kk)
        expected += valueA(row, kk) * valueB(kk, col);
      ASSERT_EQ(c.acc[thread * (c.n / 2) + i], float(expected))
          << "thread " << thread << " register " << i;
    }
  }
}

TEST(EmuWarpgroup, WgmmaM64N16K16F16) {
  WgmmaCase c{RECUR_EMU_WGMMA_F16, 16, 16, 2};
  runWgmma(c);
}

TEST(EmuWarpgroup, WgmmaM64N64K16Bf16) {
  WgmmaCase c{RECUR_EMU_WGMMA_BF16, 64, 16, 2};
  runWgmma(c);
}

TEST(EmuWarpgroup, WgmmaM64N24K8Tf32) {
  WgmmaCase c{RECUR_EMU_WGMMA_TF32, 24, 8, 4};
  runWgmma(c);
}

TEST(EmuWarpgroup, SwizzledDescriptorsAreALaunchError) {
  WgmmaCase c{RECUR_EMU_WGMMA_F16, 16, 16, 2, /*swizzle=*/1};
  c.acc.assign(128 * c.n / 2, 0.0f);
  WgmmaCase *pointer = &c;
  void *args[] = {&pointer};
  recur_emu_kernel_t k = kernel(wgmmaKernel, args, "swizzled");
  k.block[0] = 128;
  k.static_shared_bytes = 4096;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error())
                .find("matrix descriptor of A has swizzle mode 1 (128B); the "
                      "emulator supports only mode 0"),
            std::string::npos)
      << recur_emu_last_error();
}

void wgmmaCall(void **) {
  float acc[4] = {};
  __recur_emu_wgmma(RECUR_EMU_WGMMA_F16, 8, descriptor(0, 1024, 128),
                    descriptor(2048, 128, 128), 1, acc);
}

TEST(EmuWarpgroup, WgmmaNeedsAWholeWarpgroup) {
  recur_emu_kernel_t k = kernel(wgmmaCall, nullptr, "half");
  k.block[0] = 64;
  k.static_shared_bytes = 4096;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error())
                .find("wgmma.mma_async needs all 128 threads of its "
                      "warpgroup, and the block has 64"),
            std::string::npos)
      << recur_emu_last_error();
}

void wgmmaWithoutThread70(void **) {
  if (linearThread() == 70)
    return;
  wgmmaCall(nullptr);
}

TEST(EmuWarpgroup, WgmmaWithAnExitedThreadIsMismatched) {
  recur_emu_kernel_t k = kernel(wgmmaWithoutThread70, nullptr, "exited");
  k.block[0] = 128;
  k.static_shared_bytes = 4096;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error())
                .find("mismatched warpgroup collectives"),
            std::string::npos)
      << recur_emu_last_error();
  EXPECT_NE(std::string(recur_emu_last_error()).find("(warp 2, lane 6)"),
            std::string::npos)
      << recur_emu_last_error();
}

void wgmmaWithTwoShapes(void **) {
  float acc[8] = {};
  int32_t n = linearThread() < 64 ? 8 : 16;
  __recur_emu_wgmma(RECUR_EMU_WGMMA_F16, n, descriptor(0, 1024, 128),
                    descriptor(2048, 128, 128), 1, acc);
}

TEST(EmuWarpgroup, WgmmaShapesMustAgree) {
  recur_emu_kernel_t k = kernel(wgmmaWithTwoShapes, nullptr, "shapes");
  k.block[0] = 128;
  k.static_shared_bytes = 4096;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error())
                .find("mismatched warpgroup collectives"),
            std::string::npos)
      << recur_emu_last_error();
}

void wgmmaOutsideSharedMemory(void **) {
  float acc[4] = {};
  __recur_emu_wgmma(RECUR_EMU_WGMMA_F16, 8, descriptor(0x3000, 1024, 128),
                    descriptor(0, 128, 128), 1, acc);
}

TEST(EmuWarpgroup, WgmmaOperandsMustLieInSharedMemory) {
  recur_emu_kernel_t k = kernel(wgmmaOutsideSharedMemory, nullptr, "outside");
  k.block[0] = 128;
  k.static_shared_bytes = 4096;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error())
                .find("outside the block's 4096 bytes of shared memory"),
            std::string::npos)
      << recur_emu_last_error();
}

} // namespace
