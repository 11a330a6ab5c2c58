//===- EmuMatrixTest.cpp - mma.sync, MFMA and ldmatrix fragments ----------===//
//
// Each lane loads its fragments from whole matrices with the layout formulas
// as the PTX ISA (and AMD's matrix instruction calculator) state them,
// written here independently of the emulator, and writes back its D
// fragment. The matrices have distinct entries, so a layout mistake on
// either side changes the product.
//
//===----------------------------------------------------------------------===//

#include "EmuTestUtil.h"
#include "runtime/emu/FloatFormats.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace recur::emu;
using namespace recur::emu::test;

namespace {

struct Coord {
  int row, col;
};

// PTX ISA 9.7.14.5, "Matrix Fragments for mma.m16n8k16 with floating point
// type": groupID = lane >> 2, threadID_in_group = lane % 4.
Coord ptxA16(int lane, int i) {
  int group = lane >> 2, inGroup = lane % 4;
  int row = (i < 2 || (i >= 4 && i < 6)) ? group : group + 8;
  int col = i < 4 ? inGroup * 2 + (i & 1) : inGroup * 2 + (i & 1) + 8;
  return {row, col};
}
Coord ptxB16(int lane, int i) {
  int group = lane >> 2, inGroup = lane % 4;
  int row = i < 2 ? inGroup * 2 + (i & 1) : inGroup * 2 + (i & 1) + 8;
  return {row, group};
}
// C and D of m16n8k16 and m16n8k8, f32 or f16.
Coord ptxC(int lane, int i) {
  int group = lane >> 2, inGroup = lane % 4;
  return {i < 2 ? group : group + 8, inGroup * 2 + (i & 1)};
}
// "Matrix Fragments for mma.m16n8k8", .f16 and .tf32.
Coord ptxA8F16(int lane, int i) {
  int group = lane >> 2, inGroup = lane % 4;
  return {i < 2 ? group : group + 8, inGroup * 2 + (i & 1)};
}
Coord ptxB8F16(int lane, int i) { return {(lane % 4) * 2 + i, lane >> 2}; }
Coord ptxA8Tf32(int lane, int i) {
  int group = lane >> 2, inGroup = lane % 4;
  int row = (i == 0 || i == 2) ? group : group + 8;
  int col = i < 2 ? inGroup : inGroup + 4;
  return {row, col};
}
Coord ptxB8Tf32(int lane, int i) {
  int inGroup = lane % 4;
  return {i == 0 ? inGroup : inGroup + 4, lane >> 2};
}
// v_mfma_f32_16x16x16f16: A row i = lane % 16, k = 4 (lane / 16) + v; B the
// transpose; D column lane % 16, rows 4 (lane / 16) + v.
Coord mfma16A(int lane, int v) { return {lane % 16, 4 * (lane / 16) + v}; }
Coord mfma16B(int lane, int v) { return {4 * (lane / 16) + v, lane % 16}; }
Coord mfma16D(int lane, int v) { return {4 * (lane / 16) + v, lane % 16}; }
// v_mfma_f32_16x16x4f32: one f32 per lane, A row lane % 16, k lane / 16; B
// the transpose; D as for 16x16x16.
Coord mfma16x4A(int lane, int) { return {lane % 16, lane / 16}; }
Coord mfma16x4B(int lane, int) { return {lane / 16, lane % 16}; }
// v_mfma_f32_32x32x8f16: D holds four groups of four rows per lane.
Coord mfma32A(int lane, int v) { return {lane % 32, 4 * (lane / 32) + v}; }
Coord mfma32B(int lane, int v) { return {4 * (lane / 32) + v, lane % 32}; }
Coord mfma32D(int lane, int v) {
  return {8 * (v / 4) + 4 * (lane / 32) + v % 4, lane % 32};
}

using Layout = Coord (*)(int, int);

template <typename AT, typename CT, int NA, int NB, int NC,
          void (*Mma)(const AT *, const AT *, const CT *, CT *), Layout AAt,
          Layout BAt, Layout CAt>
void mmaKernel(void **args) {
  auto *a = arg<const AT *>(args, 0);
  auto *b = arg<const AT *>(args, 1);
  auto *c = arg<const CT *>(args, 2);
  auto *d = arg<CT *>(args, 3);
  int k = arg<int>(args, 4), n = arg<int>(args, 5);
  int lane = __recur_emu_lane_id();
  AT aFrag[NA], bFrag[NB];
  CT cFrag[NC];
  for (int i = 0; i < NA; ++i)
    aFrag[i] = a[AAt(lane, i).row * k + AAt(lane, i).col];
  for (int i = 0; i < NB; ++i)
    bFrag[i] = b[BAt(lane, i).row * n + BAt(lane, i).col];
  for (int i = 0; i < NC; ++i)
    cFrag[i] = c[CAt(lane, i).row * n + CAt(lane, i).col];
  Mma(aFrag, bFrag, cFrag, cFrag); // D in place of C, as kernels do
  for (int i = 0; i < NC; ++i)
    d[lane * NC + i] = cFrag[i];
}

/// Distinct entries, exact in f16, bf16 and tf32.
double aValue(int r, int k, int width) {
  return (r * width + k) * 0.25 - 31.75;
}
double bValue(int k, int n, int width) { return (k * width + n) * 0.125 - 7.5; }
double cValue(int m, int n, int width) { return m * width + n - 50.0; }

uint16_t toBf16(double value) {
  return floatToBits(static_cast<float>(value)) >> 16;
}

/// Runs `entry` on one warp with A, B, C filled by aValue/bValue/cValue and
/// returns each lane's D fragment.
template <typename AT, typename CT>
std::vector<CT> runMma(void (*entry)(void **), int m, int n, int k,
                       AT (*encodeA)(double), CT (*encodeC)(double),
                       int perLaneD, unsigned warpSize = 32) {
  std::vector<AT> a(m * k), b(k * n);
  std::vector<CT> c(m * n), d(warpSize * perLaneD);
  for (int r = 0; r < m; ++r)
    for (int kk = 0; kk < k; ++kk)
      a[r * k + kk] = encodeA(aValue(r, kk, k));
  for (int kk = 0; kk < k; ++kk)
    for (int col = 0; col < n; ++col)
      b[kk * n + col] = encodeA(bValue(kk, col, n));
  for (int r = 0; r < m; ++r)
    for (int col = 0; col < n; ++col)
      c[r * n + col] = encodeC(cValue(r, col, n));
  const AT *aPtr = a.data(), *bPtr = b.data();
  const CT *cPtr = c.data();
  CT *dPtr = d.data();
  void *args[] = {&aPtr, &bPtr, &cPtr, &dPtr, &k, &n};
  recur_emu_kernel_t launch = kernel(entry, args, "mma");
  launch.block[0] = warpSize;
  launch.warp_size = warpSize;
  EXPECT_EQ(recur_emu_launch(&launch), RECUR_SUCCESS) << recur_emu_last_error();
  return d;
}

/// D = A B + C by a plain triple loop over the exact values.
std::vector<double> reference(int m, int n, int k) {
  std::vector<double> d(m * n);
  for (int r = 0; r < m; ++r)
    for (int col = 0; col < n; ++col) {
      double sum = cValue(r, col, n);
      for (int kk = 0; kk < k; ++kk)
        sum += aValue(r, kk, k) * bValue(kk, col, n);
      d[r * n + col] = sum;
    }
  return d;
}

/// Scatters every lane's fragment into a whole matrix by the ISA's layout,
/// checking that each element is written exactly once.
std::vector<double> gather(const std::vector<double> &fragments, int m, int n,
                           int perLane, Layout at, int warpSize = 32) {
  std::vector<double> d(m * n, 0);
  std::vector<int> writes(m * n, 0);
  for (int lane = 0; lane < warpSize; ++lane)
    for (int i = 0; i < perLane; ++i) {
      Coord p = at(lane, i);
      d[p.row * n + p.col] = fragments[lane * perLane + i];
      ++writes[p.row * n + p.col];
    }
  for (int e = 0; e < m * n; ++e)
    EXPECT_EQ(writes[e], 1) << "element " << e;
  return d;
}

uint16_t encodeHalf(double v) { return doubleToHalf(v); }
uint16_t encodeBf16(double v) { return toBf16(v); }
float encodeFloat(double v) { return static_cast<float>(v); }

TEST(EmuMatrix, MmaM16N8K16F16) {
  auto d = runMma<uint16_t, float>(
      mmaKernel<uint16_t, float, 8, 4, 4, __recur_emu_mma_m16n8k16_f32_f16,
                ptxA16, ptxB16, ptxC>,
      16, 8, 16, encodeHalf, encodeFloat, 4);
  std::vector<double> expected = reference(16, 8, 16);
  // Lane 5 (groupID 1, threadID_in_group 1) holds D[1][2], D[1][3],
  // D[9][2], D[9][3]; lane 30 (7, 2) holds D[7][4], D[7][5], D[15][4..5].
  EXPECT_EQ(d[5 * 4 + 0], expected[1 * 8 + 2]);
  EXPECT_EQ(d[5 * 4 + 1], expected[1 * 8 + 3]);
  EXPECT_EQ(d[5 * 4 + 2], expected[9 * 8 + 2]);
  EXPECT_EQ(d[5 * 4 + 3], expected[9 * 8 + 3]);
  EXPECT_EQ(d[30 * 4 + 0], expected[7 * 8 + 4]);
  EXPECT_EQ(d[30 * 4 + 3], expected[15 * 8 + 5]);
  std::vector<double> whole =
      gather(std::vector<double>(d.begin(), d.end()), 16, 8, 4, ptxC);
  EXPECT_EQ(whole, expected);
}

TEST(EmuMatrix, MmaM16N8K16Bf16) {
  auto d = runMma<uint16_t, float>(
      mmaKernel<uint16_t, float, 8, 4, 4, __recur_emu_mma_m16n8k16_f32_bf16,
                ptxA16, ptxB16, ptxC>,
      16, 8, 16, encodeBf16, encodeFloat, 4);
  std::vector<double> expected = reference(16, 8, 16);
  EXPECT_EQ(d[5 * 4 + 2], expected[9 * 8 + 2]);
  EXPECT_EQ(gather(std::vector<double>(d.begin(), d.end()), 16, 8, 4, ptxC),
            expected);
}

TEST(EmuMatrix, MmaM16N8K16F16Accumulators) {
  auto d = runMma<uint16_t, uint16_t>(
      mmaKernel<uint16_t, uint16_t, 8, 4, 4, __recur_emu_mma_m16n8k16_f16_f16,
                ptxA16, ptxB16, ptxC>,
      16, 8, 16, encodeHalf, encodeHalf, 4);
  std::vector<double> expected = reference(16, 8, 16);
  std::vector<double> fragments;
  for (uint16_t bits : d)
    fragments.push_back(halfToDouble(bits));
  std::vector<double> whole = gather(fragments, 16, 8, 4, ptxC);
  for (int e = 0; e < 16 * 8; ++e) // D rounded once to f16
    EXPECT_EQ(whole[e], halfToDouble(doubleToHalf(expected[e]))) << e;
}

TEST(EmuMatrix, MmaM16N8K8F16) {
  auto d = runMma<uint16_t, float>(
      mmaKernel<uint16_t, float, 4, 2, 4, __recur_emu_mma_m16n8k8_f32_f16,
                ptxA8F16, ptxB8F16, ptxC>,
      16, 8, 8, encodeHalf, encodeFloat, 4);
  EXPECT_EQ(gather(std::vector<double>(d.begin(), d.end()), 16, 8, 4, ptxC),
            reference(16, 8, 8));
}

/// An f32 whose low 13 mantissa bits are set: the tensor core ignores them.
float withLowBits(double value) {
  return bitsToFloat(floatToBits(static_cast<float>(value)) | 0x1A5Bu);
}

TEST(EmuMatrix, MmaM16N8K8Tf32ReadsOnlyTf32Bits) {
  auto d = runMma<float, float>(
      mmaKernel<float, float, 4, 2, 4, __recur_emu_mma_m16n8k8_f32_tf32,
                ptxA8Tf32, ptxB8Tf32, ptxC>,
      16, 8, 8, withLowBits, encodeFloat, 4);
  std::vector<double> expected = reference(16, 8, 8);
  // Lane 13 (groupID 3, threadID_in_group 1): D[3][2], D[3][3], D[11][2..3].
  EXPECT_EQ(d[13 * 4 + 1], expected[3 * 8 + 3]);
  EXPECT_EQ(d[13 * 4 + 2], expected[11 * 8 + 2]);
  EXPECT_EQ(gather(std::vector<double>(d.begin(), d.end()), 16, 8, 4, ptxC),
            expected);
}

TEST(EmuMatrix, CvtRnaTf32RoundsHalfwayAwayFromZero) {
  float one = 1.0f;
  EXPECT_EQ(__recur_emu_cvt_rna_tf32(1.0f + std::ldexp(one, -11)),
            1.0f + std::ldexp(one, -10));
  EXPECT_EQ(__recur_emu_cvt_rna_tf32(-1.0f - std::ldexp(one, -11)),
            -1.0f - std::ldexp(one, -10));
  EXPECT_EQ(__recur_emu_cvt_rna_tf32(1.0f + std::ldexp(one, -12)), 1.0f);
  EXPECT_EQ(__recur_emu_cvt_rna_tf32(3.0f), 3.0f);
  EXPECT_TRUE(std::isinf(__recur_emu_cvt_rna_tf32(3.4028235e38f)));
}

TEST(EmuMatrix, HalfConversionsRoundToNearestEven) {
  EXPECT_EQ(doubleToHalf(1.0), 0x3C00);
  EXPECT_EQ(doubleToHalf(-2.0), 0xC000);
  EXPECT_EQ(doubleToHalf(65504.0), 0x7BFF);
  EXPECT_EQ(doubleToHalf(65520.0), 0x7C00);
  EXPECT_EQ(doubleToHalf(std::ldexp(1.0, -24)), 0x0001);
  EXPECT_EQ(doubleToHalf(std::ldexp(1.0, -25)), 0x0000); // a tie, to even
  EXPECT_EQ(doubleToHalf(0.1), 0x2E66);
  EXPECT_EQ(doubleToHalf(1.0 + std::ldexp(1.0, -11)), 0x3C00); // tie
  EXPECT_EQ(doubleToHalf(1.0 + 3 * std::ldexp(1.0, -11)), 0x3C02);
  EXPECT_EQ(halfToDouble(0x3555), (1024 + 0x155) / 1024.0 / 4);
  EXPECT_EQ(halfToDouble(0x0001), std::ldexp(1.0, -24));
  EXPECT_EQ(bf16ToDouble(0xC0A0), -5.0);
}

TEST(EmuMatrix, Mfma16x16x16F16) {
  auto d = runMma<uint16_t, float>(
      mmaKernel<uint16_t, float, 4, 4, 4, __recur_emu_mfma_f32_16x16x16f16,
                mfma16A, mfma16B, mfma16D>,
      16, 16, 16, encodeHalf, encodeFloat, 4, 64);
  std::vector<double> expected = reference(16, 16, 16);
  // Lane 37 holds column 5, rows 8..11.
  EXPECT_EQ(d[37 * 4 + 0], expected[8 * 16 + 5]);
  EXPECT_EQ(d[37 * 4 + 3], expected[11 * 16 + 5]);
  EXPECT_EQ(
      gather(std::vector<double>(d.begin(), d.end()), 16, 16, 4, mfma16D, 64),
      expected);
}

TEST(EmuMatrix, Mfma32x32x8F16) {
  auto d = runMma<uint16_t, float>(
      mmaKernel<uint16_t, float, 4, 4, 16, __recur_emu_mfma_f32_32x32x8f16,
                mfma32A, mfma32B, mfma32D>,
      32, 32, 8, encodeHalf, encodeFloat, 16, 64);
  std::vector<double> expected = reference(32, 32, 8);
  // Lane 33 holds column 1, rows 4-7, 12-15, 20-23, 28-31.
  EXPECT_EQ(d[33 * 16 + 0], expected[4 * 32 + 1]);
  EXPECT_EQ(d[33 * 16 + 5], expected[13 * 32 + 1]);
  EXPECT_EQ(d[33 * 16 + 15], expected[31 * 32 + 1]);
  EXPECT_EQ(
      gather(std::vector<double>(d.begin(), d.end()), 32, 32, 16, mfma32D, 64),
      expected);
}

TEST(EmuMatrix, Mfma16x16x16Bf16) {
  // v_mfma_f32_16x16x16bf16_1k lays out its operands as the f16 form does.
  auto d = runMma<uint16_t, float>(
      mmaKernel<uint16_t, float, 4, 4, 4, __recur_emu_mfma_f32_16x16x16bf16_1k,
                mfma16A, mfma16B, mfma16D>,
      16, 16, 16, encodeBf16, encodeFloat, 4, 64);
  std::vector<double> expected = reference(16, 16, 16);
  // Lane 18 holds column 2, rows 4..7.
  EXPECT_EQ(d[18 * 4 + 1], expected[5 * 16 + 2]);
  EXPECT_EQ(
      gather(std::vector<double>(d.begin(), d.end()), 16, 16, 4, mfma16D, 64),
      expected);
}

TEST(EmuMatrix, Mfma16x16x4F32) {
  auto d = runMma<float, float>(
      mmaKernel<float, float, 1, 1, 4, __recur_emu_mfma_f32_16x16x4f32,
                mfma16x4A, mfma16x4B, mfma16D>,
      16, 16, 4, encodeFloat, encodeFloat, 4, 64);
  // By hand, D[8][5] (lane 37, register 0): C = 8 * 16 + 5 - 50 = 83, A row
  // 8 = -23.75 + k / 4, B column 5 = 2k - 6.875:
  // 83 + 163.28125 + 114.5625 + 66.84375 + 20.125 = 447.8125.
  EXPECT_EQ(d[37 * 4 + 0], 447.8125f);
  EXPECT_EQ(
      gather(std::vector<double>(d.begin(), d.end()), 16, 16, 4, mfma16D, 64),
      reference(16, 16, 4));
}

// Every lane multiplies 1 + 2^-20 by 1: the f32 MFMA keeps all 24 bits of
// its operands (no tf32 truncation), so each D is 4 (1 + 2^-20) exactly.
void mfmaF32Exact(void **args) {
  float a = 1.0f + std::ldexp(1.0f, -20), b = 1.0f;
  float c[4] = {}, d[4];
  __recur_emu_mfma_f32_16x16x4f32(&a, &b, c, d);
  auto *out = arg<float *>(args, 0);
  for (int v = 0; v < 4; ++v)
    out[__recur_emu_lane_id() * 4 + v] = d[v];
}

TEST(EmuMatrix, Mfma16x16x4F32IsExact) {
  std::vector<float> d(64 * 4);
  float *out = d.data();
  void *args[] = {&out};
  recur_emu_kernel_t k = kernel(mfmaF32Exact, args, "mfma_f32");
  k.block[0] = 64;
  k.warp_size = 64;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  for (float value : d)
    EXPECT_EQ(value, 4.0f + std::ldexp(1.0f, -18));
}

// Half a warp calls mma.sync.
void partialWarpMma(void **) {
  uint16_t a[8] = {}, b[4] = {};
  float c[4] = {}, d[4];
  __recur_emu_mma_m16n8k16_f32_f16(a, b, c, d);
}

TEST(EmuMatrix, MmaNeedsTheWholeWarp) {
  recur_emu_kernel_t k = kernel(partialWarpMma, nullptr, "partial");
  k.block[0] = 16;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error())
                .find("needs every lane of the warp, and lane 16"),
            std::string::npos)
      << recur_emu_last_error();
}

void mfmaCall(void **) {
  uint16_t a[4] = {}, b[4] = {};
  float c[4] = {}, d[4];
  __recur_emu_mfma_f32_16x16x16f16(a, b, c, d);
}

TEST(EmuMatrix, MatrixInstructionsCheckTheWarpSize) {
  recur_emu_kernel_t k = kernel(mfmaCall, nullptr, "mfma32");
  k.block[0] = 32;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error())
                .find("v_mfma_f32_16x16x16f16 needs 64-lane warps, not 32"),
            std::string::npos)
      << recur_emu_last_error();

  k = kernel(partialWarpMma, nullptr, "mma64");
  k.block[0] = 64;
  k.warp_size = 64;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error()).find("needs 32-lane warps"),
            std::string::npos)
      << recur_emu_last_error();
}

constexpr int kStride = 24; // elements per shared-memory row (48 bytes)

uint16_t matrixValue(int m, int r, int c) { return m * 1000 + r * 10 + c; }

// Fills four 8x8 b16 matrices in shared memory, then loads them with every
// ldmatrix variant; lanes that address no row pass null.
void ldmatrixKernel(void **args) {
  uint32_t *out = arg<uint32_t *>(args, 0);
  int32_t offset = arg<int32_t>(args, 1);
  auto *shared = static_cast<uint16_t *>(__recur_emu_shared_memory());
  int lane = __recur_emu_lane_id();
  int m = lane / 8, r = lane % 8;
  uint16_t *row = shared + (m * 8 + r) * kStride;
  for (int c = 0; c < 8; ++c)
    row[c] = matrixValue(m, r, c);
  __recur_emu_barrier();
  const char *address = reinterpret_cast<const char *>(row) + offset;
  uint32_t *slot = out + 14 * lane;
  __recur_emu_ldmatrix(lane < 8 ? address : nullptr, 1, 0, slot);
  __recur_emu_ldmatrix(lane < 16 ? address : nullptr, 2, 0, slot + 1);
  __recur_emu_ldmatrix(address, 4, 0, slot + 3);
  __recur_emu_ldmatrix(lane < 16 ? address : nullptr, 2, 1, slot + 7);
  __recur_emu_ldmatrix(address, 4, 1, slot + 9);
  slot[13] = 0;
}

TEST(EmuMatrix, LdmatrixWithAndWithoutTranspose) {
  std::vector<uint32_t> out(32 * 14, 0);
  uint32_t *outPtr = out.data();
  int32_t offset = 0;
  void *args[] = {&outPtr, &offset};
  recur_emu_kernel_t k = kernel(ldmatrixKernel, args, "ldmatrix");
  k.block[0] = 32;
  k.static_shared_bytes = 32 * kStride * 2;
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  for (int lane = 0; lane < 32; ++lane) {
    const uint32_t *slot = &out[14 * lane];
    int r = lane / 4, c = 2 * (lane % 4);
    auto plain = [&](int m) {
      return uint32_t(matrixValue(m, r, c)) | uint32_t(matrixValue(m, r, c + 1))
                                                  << 16;
    };
    auto transposed = [&](int m) {
      return uint32_t(matrixValue(m, c, r)) | uint32_t(matrixValue(m, c + 1, r))
                                                  << 16;
    };
    EXPECT_EQ(slot[0], plain(0)) << lane;
    EXPECT_EQ(slot[1], plain(0)) << lane;
    EXPECT_EQ(slot[2], plain(1)) << lane;
    for (int m = 0; m < 4; ++m)
      EXPECT_EQ(slot[3 + m], plain(m)) << lane << " " << m;
    EXPECT_EQ(slot[7], transposed(0)) << lane;
    EXPECT_EQ(slot[8], transposed(1)) << lane;
    for (int m = 0; m < 4; ++m)
      EXPECT_EQ(slot[9 + m], transposed(m)) << lane << " " << m;
  }
  // Lane 6 holds row 1, columns 4 and 5 of matrix 0: 14 | 15 << 16.
  EXPECT_EQ(out[14 * 6], 14u | 15u << 16);

  offset = 8; // rows no longer 16-byte aligned
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error()).find("not 16-byte aligned"),
            std::string::npos)
      << recur_emu_last_error();
  offset = 1 << 20;
  EXPECT_EQ(recur_emu_launch(&k), RECUR_ERROR_LAUNCH);
  EXPECT_NE(std::string(recur_emu_last_error())
                .find("outside the block's shared memory"),
            std::string::npos)
      << recur_emu_last_error();
}

uint16_t registerHalf(int m, int lane, int half) {
  return m * 1000 + lane * 2 + half;
}

// Stores four matrices with stmatrix (plain or .trans), copies shared memory
// out, and loads the matrices back with ldmatrix of the same kind.
void stmatrixKernel(void **args) {
  uint16_t *out = arg<uint16_t *>(args, 0); // 32 rows of 8
  uint32_t *back = arg<uint32_t *>(args, 1);
  int32_t trans = arg<int32_t>(args, 2);
  auto *shared = static_cast<uint16_t *>(__recur_emu_shared_memory());
  int lane = __recur_emu_lane_id();
  uint32_t registers[4];
  for (int m = 0; m < 4; ++m)
    registers[m] = uint32_t(registerHalf(m, lane, 0)) |
                   uint32_t(registerHalf(m, lane, 1)) << 16;
  uint16_t *row = shared + lane * kStride; // matrix lane / 8, row lane % 8
  __recur_emu_stmatrix(row, 4, trans, registers);
  for (int c = 0; c < 8; ++c)
    out[lane * 8 + c] = row[c];
  __recur_emu_ldmatrix(row, 4, trans, back + 4 * lane);
}

TEST(EmuMatrix, StmatrixIsTheInverseOfLdmatrix) {
  for (int32_t trans : {0, 1}) {
    std::vector<uint16_t> out(32 * 8, 0);
    std::vector<uint32_t> back(32 * 4, 0);
    uint16_t *outPtr = out.data();
    uint32_t *backPtr = back.data();
    void *args[] = {&outPtr, &backPtr, &trans};
    recur_emu_kernel_t k = kernel(stmatrixKernel, args, "stmatrix");
    k.block[0] = 32;
    k.static_shared_bytes = 32 * kStride * 2;
    ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
    for (int m = 0; m < 4; ++m)
      for (int r = 0; r < 8; ++r)
        for (int c = 0; c < 8; ++c) {
          // Plain: lane 4r + c / 2 held (r, c); .trans: lane 4c + r / 2
          // held (r, c) of the transpose.
          int lane = trans ? 4 * c + r / 2 : 4 * r + c / 2;
          int half = trans ? r % 2 : c % 2;
          EXPECT_EQ(out[(8 * m + r) * 8 + c], registerHalf(m, lane, half))
              << trans << " " << m << " " << r << " " << c;
        }
    for (int lane = 0; lane < 32; ++lane)
      for (int m = 0; m < 4; ++m)
        EXPECT_EQ(back[4 * lane + m], uint32_t(registerHalf(m, lane, 0)) |
                                          uint32_t(registerHalf(m, lane, 1))
                                              << 16);
  }
}

// A 32x16x32 GEMM the way the lowering builds one: the block stages A and B
// in shared memory, each warp loads its A fragment with ldmatrix.x4 and its
// B fragments with ldmatrix.x2.trans, and accumulates with mma.m16n8k16.
constexpr int kGemmM = 32, kGemmN = 16, kGemmK = 32;
constexpr int kStrideA = 40, kStrideB = 24; // halves per padded row

void tiledGemm(void **args) {
  auto *a = arg<const uint16_t *>(args, 0); // M x K, row-major
  auto *b = arg<const uint16_t *>(args, 1); // K x N, row-major
  float *d = arg<float *>(args, 2);         // M x N, row-major
  auto *sharedA = static_cast<uint16_t *>(__recur_emu_shared_memory());
  uint16_t *sharedB = sharedA + kGemmM * kStrideA;
  int thread = linearThread(), threads = __recur_emu_block_dim(0);
  for (int e = thread; e < kGemmM * kGemmK; e += threads)
    sharedA[e / kGemmK * kStrideA + e % kGemmK] = a[e];
  for (int e = thread; e < kGemmK * kGemmN; e += threads)
    sharedB[e / kGemmN * kStrideB + e % kGemmN] = b[e];
  __recur_emu_barrier();

  int warp = __recur_emu_warp_id(), lane = __recur_emu_lane_id();
  int matrix = lane / 8, row = lane % 8;
  float acc[2][4] = {};
  for (int k0 = 0; k0 < kGemmK; k0 += 16) {
    // Matrices 0-3 of A: rows +0/+8, columns +0/+8 (a0a1, a2a3, a4a5, a6a7).
    const uint16_t *aRow = sharedA +
                           (16 * warp + row + 8 * (matrix % 2)) * kStrideA +
                           k0 + 8 * (matrix / 2);
    uint32_t aFrag[4];
    __recur_emu_ldmatrix(aRow, 4, 0, aFrag);
    for (int n0 = 0; n0 < kGemmN; n0 += 8) {
      const uint16_t *bRow =
          lane < 16 ? sharedB + (k0 + 8 * matrix + row) * kStrideB + n0
                    : nullptr;
      uint32_t bFrag[2];
      __recur_emu_ldmatrix(bRow, 2, 1, bFrag);
      uint16_t aHalves[8], bHalves[4];
      std::memcpy(aHalves, aFrag, sizeof aHalves);
      std::memcpy(bHalves, bFrag, sizeof bHalves);
      __recur_emu_mma_m16n8k16_f32_f16(aHalves, bHalves, acc[n0 / 8],
                                       acc[n0 / 8]);
    }
  }
  for (int n0 = 0; n0 < kGemmN; n0 += 8)
    for (int i = 0; i < 4; ++i) {
      Coord at = ptxC(lane, i);
      d[(16 * warp + at.row) * kGemmN + n0 + at.col] = acc[n0 / 8][i];
    }
}

TEST(EmuMatrix, LdmatrixFeedsMmaInATiledGemm) {
  std::vector<uint16_t> a(kGemmM * kGemmK), b(kGemmK * kGemmN);
  for (int r = 0; r < kGemmM; ++r)
    for (int k = 0; k < kGemmK; ++k)
      a[r * kGemmK + k] = doubleToHalf((r * kGemmK + k) % 61 * 0.5 - 15);
  for (int k = 0; k < kGemmK; ++k)
    for (int n = 0; n < kGemmN; ++n)
      b[k * kGemmN + n] = doubleToHalf((k * kGemmN + n) % 53 * 0.25 - 6);
  std::vector<float> d(kGemmM * kGemmN, -1);
  const uint16_t *aPtr = a.data(), *bPtr = b.data();
  float *dPtr = d.data();
  void *args[] = {&aPtr, &bPtr, &dPtr};
  recur_emu_kernel_t k = kernel(tiledGemm, args, "gemm");
  k.block[0] = 64;
  k.static_shared_bytes = 2 * (kGemmM * kStrideA + kGemmK * kStrideB);
  ASSERT_EQ(recur_emu_launch(&k), RECUR_SUCCESS) << recur_emu_last_error();
  for (int r = 0; r < kGemmM; ++r)
    for (int n = 0; n < kGemmN; ++n) {
      double sum = 0;
      for (int kk = 0; kk < kGemmK; ++kk)
        sum +=
            halfToDouble(a[r * kGemmK + kk]) * halfToDouble(b[kk * kGemmN + n]);
      EXPECT_EQ(d[r * kGemmN + n], sum) << r << " " << n;
    }
}

} // namespace
