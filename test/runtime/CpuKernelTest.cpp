//===- CpuKernelTest.cpp - Tile kernels JIT-compiled and run on the CPU ---===//
//
// Each test parses a tile kernel from text, runs it through the CPU pipeline
// and ORC JIT, launches it on the thread pool and compares with a plain C++
// loop. Sizes are chosen not to be multiples of the tile sizes, so masked
// tails are always exercised.
//
//===----------------------------------------------------------------------===//

#include "runtime/CpuDevice.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace recur;

namespace {

CpuDevice &device() {
  static CpuDevice instance(2);
  return instance;
}

std::vector<float> randomVector(size_t n, unsigned seed, float lo = -1.0f,
                                float hi = 1.0f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

constexpr const char *kVectorAdd = R"mlir(
tile.func @add(%x: !tile.ptr<f32>, %y: !tile.ptr<f32>, %out: !tile.ptr<f32>,
               %n: i32) {
  %pid = tile.program_id x
  %c128 = arith.constant 128 : i32
  %start = arith.muli %pid, %c128 : i32
  %r = tile.make_range 0, 128 : tensor<128xi32>
  %s = tile.splat %start : tensor<128xi32>
  %offs = arith.addi %s, %r : tensor<128xi32>
  %ns = tile.splat %n : tensor<128xi32>
  %mask = arith.cmpi slt, %offs, %ns : tensor<128xi32>
  %xs = tile.splat %x : tensor<128x!tile.ptr<f32>>
  %xp = tile.addptr %xs, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %ys = tile.splat %y : tensor<128x!tile.ptr<f32>>
  %yp = tile.addptr %ys, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %a = tile.load %xp, %mask : tensor<128x!tile.ptr<f32>>
  %b = tile.load %yp, %mask : tensor<128x!tile.ptr<f32>>
  %c = arith.addf %a, %b : tensor<128xf32>
  %os = tile.splat %out : tensor<128x!tile.ptr<f32>>
  %op = tile.addptr %os, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %op, %c, %mask : tensor<128x!tile.ptr<f32>>
  tile.return
}
)mlir";

TEST(CpuKernel, VectorAddMaskedTail) {
  auto module = device().load(kVectorAdd);
  for (int n : {1, 127, 128, 1000, 4099}) {
    std::vector<float> x = randomVector(n, 1), y = randomVector(n, 2);
    // One guard element past the end must stay untouched by masked lanes.
    std::vector<float> out(n + 1, -7.0f);
    device().launch(*module, "add",
                    {KernelArg::pointer(x.data()), KernelArg::pointer(y.data()),
                     KernelArg::pointer(out.data()), KernelArg::i32(n)},
                    Grid{(n + 127) / 128});
    for (int i = 0; i < n; ++i)
      ASSERT_EQ(out[i], x[i] + y[i]) << "n=" << n << " i=" << i;
    EXPECT_EQ(out[n], -7.0f) << "masked lane wrote past the end, n=" << n;
  }
}

constexpr const char *kSoftmax = R"mlir(
tile.func @softmax(%in: !tile.ptr<f32>, %out: !tile.ptr<f32>, %ncols: i32) {
  %row = tile.program_id x
  %start = arith.muli %row, %ncols : i32
  %cols = tile.make_range 0, 128 : tensor<128xi32>
  %n = tile.splat %ncols : tensor<128xi32>
  %mask = arith.cmpi slt, %cols, %n : tensor<128xi32>
  %s = tile.splat %start : tensor<128xi32>
  %offs = arith.addi %s, %cols : tensor<128xi32>
  %base = tile.splat %in : tensor<128x!tile.ptr<f32>>
  %ptrs = tile.addptr %base, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %ninf = arith.constant dense<0xFF800000> : tensor<128xf32>
  %x = tile.load %ptrs, %mask, %ninf : tensor<128x!tile.ptr<f32>>
  %m = tile.reduce(%x) axis = 0 : (tensor<128xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    %r = arith.maximumf %a, %b : f32
    tile.yield %r : f32
  }
  %ms = tile.splat %m : tensor<128xf32>
  %d = arith.subf %x, %ms : tensor<128xf32>
  %e = math.exp %d : tensor<128xf32>
  %sum = tile.reduce(%e) axis = 0 : (tensor<128xf32>) -> f32 {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %ss = tile.splat %sum : tensor<128xf32>
  %y = arith.divf %e, %ss : tensor<128xf32>
  %obase = tile.splat %out : tensor<128x!tile.ptr<f32>>
  %optrs = tile.addptr %obase, %offs : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %optrs, %y, %mask : tensor<128x!tile.ptr<f32>>
  tile.return
}
)mlir";

TEST(CpuKernel, RowSoftmaxWithReduce) {
  auto module = device().load(kSoftmax);
  const int rows = 37, cols = 100;
  std::vector<float> in = randomVector(rows * cols, 3, -8.0f, 8.0f);
  std::vector<float> out(rows * cols, 0.0f);
  device().launch(*module, "softmax",
                  {KernelArg::pointer(in.data()), KernelArg::pointer(out.data()),
                   KernelArg::i32(cols)},
                  Grid{rows});
  for (int r = 0; r < rows; ++r) {
    double m = -INFINITY, sum = 0.0;
    for (int c = 0; c < cols; ++c)
      m = std::max<double>(m, in[r * cols + c]);
    for (int c = 0; c < cols; ++c)
      sum += std::exp(in[r * cols + c] - m);
    for (int c = 0; c < cols; ++c) {
      double expected = std::exp(in[r * cols + c] - m) / sum;
      // f32 exp and a 100-term f32 sum: a few ulps relative.
      ASSERT_NEAR(out[r * cols + c], expected, 1e-6 + 1e-5 * expected)
          << "row " << r << " col " << c;
    }
  }
}

constexpr const char *kMatmul = R"mlir(
tile.func @matmul(%a: !tile.ptr<f32>, %b: !tile.ptr<f32>, %c: !tile.ptr<f32>,
                  %M: i32, %N: i32, %K: i32) {
  %pm = tile.program_id x
  %pn = tile.program_id y
  %c0 = arith.constant 0 : i32
  %c16 = arith.constant 16 : i32
  %c32 = arith.constant 32 : i32
  %rm0 = tile.make_range 0, 32 : tensor<32xi32>
  %rn0 = tile.make_range 0, 16 : tensor<16xi32>
  %rk = tile.make_range 0, 16 : tensor<16xi32>
  %om = arith.muli %pm, %c32 : i32
  %on = arith.muli %pn, %c16 : i32
  %oms = tile.splat %om : tensor<32xi32>
  %ons = tile.splat %on : tensor<16xi32>
  %rm = arith.addi %oms, %rm0 : tensor<32xi32>
  %rn = arith.addi %ons, %rn0 : tensor<16xi32>
  %rmc = tile.expand_dims %rm axis = 1 : tensor<32xi32> -> tensor<32x1xi32>
  %rnr = tile.expand_dims %rn axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
  %rkr = tile.expand_dims %rk axis = 0 : tensor<16xi32> -> tensor<1x16xi32>
  %rkc = tile.expand_dims %rk axis = 1 : tensor<16xi32> -> tensor<16x1xi32>

  // a[m, k] at a + m*K + k; b[k, n] at b + k*N + n.
  %Kc = tile.splat %K : tensor<32x1xi32>
  %arow = arith.muli %rmc, %Kc : tensor<32x1xi32>
  %arowb = tile.broadcast %arow : tensor<32x1xi32> -> tensor<32x16xi32>
  %acolb = tile.broadcast %rkr : tensor<1x16xi32> -> tensor<32x16xi32>
  %aoff = arith.addi %arowb, %acolb : tensor<32x16xi32>
  %abase = tile.splat %a : tensor<32x16x!tile.ptr<f32>>
  %aptr0 = tile.addptr %abase, %aoff : tensor<32x16x!tile.ptr<f32>>, tensor<32x16xi32>
  %Nc = tile.splat %N : tensor<16x1xi32>
  %brow = arith.muli %rkc, %Nc : tensor<16x1xi32>
  %browb = tile.broadcast %brow : tensor<16x1xi32> -> tensor<16x16xi32>
  %bcolb = tile.broadcast %rnr : tensor<1x16xi32> -> tensor<16x16xi32>
  %boff = arith.addi %browb, %bcolb : tensor<16x16xi32>
  %bbase = tile.splat %b : tensor<16x16x!tile.ptr<f32>>
  %bptr0 = tile.addptr %bbase, %boff : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>

  %Mc = tile.splat %M : tensor<32x1xi32>
  %mmask = arith.cmpi slt, %rmc, %Mc : tensor<32x1xi32>
  %Nr = tile.splat %N : tensor<1x16xi32>
  %nmask = arith.cmpi slt, %rnr, %Nr : tensor<1x16xi32>
  %zero_a = arith.constant dense<0.0> : tensor<32x16xf32>
  %zero_b = arith.constant dense<0.0> : tensor<16x16xf32>
  %acc0 = arith.constant dense<0.0> : tensor<32x16xf32>
  %KN = arith.muli %c16, %N : i32
  %res:3 = scf.for %k = %c0 to %K step %c16
      iter_args(%acc = %acc0, %ap = %aptr0, %bp = %bptr0)
      -> (tensor<32x16xf32>, tensor<32x16x!tile.ptr<f32>>, tensor<16x16x!tile.ptr<f32>>) : i32 {
    %ks = tile.splat %k : tensor<16xi32>
    %kk = arith.addi %ks, %rk : tensor<16xi32>
    %Kv = tile.splat %K : tensor<16xi32>
    %kmask = arith.cmpi slt, %kk, %Kv : tensor<16xi32>
    %kmr = tile.expand_dims %kmask axis = 0 : tensor<16xi1> -> tensor<1x16xi1>
    %kmc = tile.expand_dims %kmask axis = 1 : tensor<16xi1> -> tensor<16x1xi1>
    %am1 = tile.broadcast %mmask : tensor<32x1xi1> -> tensor<32x16xi1>
    %am2 = tile.broadcast %kmr : tensor<1x16xi1> -> tensor<32x16xi1>
    %amask = arith.andi %am1, %am2 : tensor<32x16xi1>
    %bm1 = tile.broadcast %kmc : tensor<16x1xi1> -> tensor<16x16xi1>
    %bm2 = tile.broadcast %nmask : tensor<1x16xi1> -> tensor<16x16xi1>
    %bmask = arith.andi %bm1, %bm2 : tensor<16x16xi1>
    %at = tile.load %ap, %amask, %zero_a : tensor<32x16x!tile.ptr<f32>>
    %bt = tile.load %bp, %bmask, %zero_b : tensor<16x16x!tile.ptr<f32>>
    %acc2 = tile.dot %at, %bt, %acc : tensor<32x16xf32> * tensor<16x16xf32> -> tensor<32x16xf32>
    %sa = tile.splat %c16 : tensor<32x16xi32>
    %ap2 = tile.addptr %ap, %sa : tensor<32x16x!tile.ptr<f32>>, tensor<32x16xi32>
    %sb = tile.splat %KN : tensor<16x16xi32>
    %bp2 = tile.addptr %bp, %sb : tensor<16x16x!tile.ptr<f32>>, tensor<16x16xi32>
    scf.yield %acc2, %ap2, %bp2 : tensor<32x16xf32>, tensor<32x16x!tile.ptr<f32>>, tensor<16x16x!tile.ptr<f32>>
  }

  %Nc2 = tile.splat %N : tensor<32x1xi32>
  %crow = arith.muli %rmc, %Nc2 : tensor<32x1xi32>
  %crowb = tile.broadcast %crow : tensor<32x1xi32> -> tensor<32x16xi32>
  %ccolb = tile.broadcast %rnr : tensor<1x16xi32> -> tensor<32x16xi32>
  %coff = arith.addi %crowb, %ccolb : tensor<32x16xi32>
  %cbase = tile.splat %c : tensor<32x16x!tile.ptr<f32>>
  %cptr = tile.addptr %cbase, %coff : tensor<32x16x!tile.ptr<f32>>, tensor<32x16xi32>
  %cm1 = tile.broadcast %mmask : tensor<32x1xi1> -> tensor<32x16xi1>
  %cm2 = tile.broadcast %nmask : tensor<1x16xi1> -> tensor<32x16xi1>
  %cmask = arith.andi %cm1, %cm2 : tensor<32x16xi1>
  tile.store %cptr, %res#0, %cmask : tensor<32x16x!tile.ptr<f32>>
  tile.return
}
)mlir";

TEST(CpuKernel, TiledMatmulWithKLoop) {
  auto module = device().load(kMatmul);
  for (auto [M, N, K] : {std::tuple{70, 45, 53}, std::tuple{1, 1, 1},
                         std::tuple{32, 16, 16}, std::tuple{33, 17, 100}}) {
    std::vector<float> a = randomVector(M * K, 4), b = randomVector(K * N, 5);
    std::vector<float> c(M * N, NAN);
    device().launch(*module, "matmul",
                    {KernelArg::pointer(a.data()), KernelArg::pointer(b.data()),
                     KernelArg::pointer(c.data()), KernelArg::i32(M),
                     KernelArg::i32(N), KernelArg::i32(K)},
                    Grid{(M + 31) / 32, (N + 15) / 16});
    for (int m = 0; m < M; ++m)
      for (int n = 0; n < N; ++n) {
        double expected = 0.0;
        for (int k = 0; k < K; ++k)
          expected += double(a[m * K + k]) * b[k * N + n];
        // f32 accumulation of K products of magnitude <= 1.
        ASSERT_NEAR(c[m * N + n], expected, 1e-5 * K)
            << "M=" << M << " N=" << N << " K=" << K << " at " << m << ","
            << n;
      }
  }
}

constexpr const char *kLinearRecurrence = R"mlir(
tile.func @linrec(%a: !tile.ptr<f32>, %b: !tile.ptr<f32>, %fa: !tile.ptr<f32>,
                  %fb: !tile.ptr<f32>, %ra: !tile.ptr<f32>, %rb: !tile.ptr<f32>,
                  %n: i32) {
  %r = tile.make_range 0, 128 : tensor<128xi32>
  %ns = tile.splat %n : tensor<128xi32>
  %mask = arith.cmpi slt, %r, %ns : tensor<128xi32>
  // Padding lanes hold the identity (1, 0) of the combine.
  %one = arith.constant dense<1.0> : tensor<128xf32>
  %zero = arith.constant dense<0.0> : tensor<128xf32>
  %as = tile.splat %a : tensor<128x!tile.ptr<f32>>
  %ap = tile.addptr %as, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %av = tile.load %ap, %mask, %one : tensor<128x!tile.ptr<f32>>
  %bs = tile.splat %b : tensor<128x!tile.ptr<f32>>
  %bp = tile.addptr %bs, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  %bv = tile.load %bp, %mask, %zero : tensor<128x!tile.ptr<f32>>
  %sa, %sb = tile.scan(%av, %bv) axis = 0
      : (tensor<128xf32>, tensor<128xf32>) -> (tensor<128xf32>, tensor<128xf32>) {
  ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
    %aa = arith.mulf %a1, %a2 : f32
    %t = arith.mulf %b1, %a2 : f32
    %bb = arith.addf %t, %b2 : f32
    tile.yield %aa, %bb : f32, f32
  }
  %xa, %xb = tile.scan(%av, %bv) axis = 0 reverse
      : (tensor<128xf32>, tensor<128xf32>) -> (tensor<128xf32>, tensor<128xf32>) {
  ^bb0(%a1: f32, %b1: f32, %a2: f32, %b2: f32):
    %aa = arith.mulf %a1, %a2 : f32
    %t = arith.mulf %b1, %a2 : f32
    %bb = arith.addf %t, %b2 : f32
    tile.yield %aa, %bb : f32, f32
  }
  %fas = tile.splat %fa : tensor<128x!tile.ptr<f32>>
  %fap = tile.addptr %fas, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %fap, %sa, %mask : tensor<128x!tile.ptr<f32>>
  %fbs = tile.splat %fb : tensor<128x!tile.ptr<f32>>
  %fbp = tile.addptr %fbs, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %fbp, %sb, %mask : tensor<128x!tile.ptr<f32>>
  %ras = tile.splat %ra : tensor<128x!tile.ptr<f32>>
  %rap = tile.addptr %ras, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %rap, %xa, %mask : tensor<128x!tile.ptr<f32>>
  %rbs = tile.splat %rb : tensor<128x!tile.ptr<f32>>
  %rbp = tile.addptr %rbs, %r : tensor<128x!tile.ptr<f32>>, tensor<128xi32>
  tile.store %rbp, %xb, %mask : tensor<128x!tile.ptr<f32>>
  tile.return
}
)mlir";

TEST(CpuKernel, NonCommutativeScanForwardAndReverse) {
  auto module = device().load(kLinearRecurrence);
  for (int n : {1, 2, 100, 128}) {
    std::vector<float> a = randomVector(n, 6, 0.5f, 1.0f);
    std::vector<float> b = randomVector(n, 7);
    std::vector<float> fa(n), fb(n), ra(n), rb(n);
    device().launch(
        *module, "linrec",
        {KernelArg::pointer(a.data()), KernelArg::pointer(b.data()),
         KernelArg::pointer(fa.data()), KernelArg::pointer(fb.data()),
         KernelArg::pointer(ra.data()), KernelArg::pointer(rb.data()),
         KernelArg::i32(n)},
        Grid{1});
    // (a1, b1) o (a2, b2) = (a1 a2, b1 a2 + b2), applied in the kernel's
    // order; the same f32 operations in the same order give equal bits.
    float accA = a[0], accB = b[0];
    for (int i = 0; i < n; ++i) {
      if (i > 0) {
        accB = accB * a[i] + b[i];
        accA = accA * a[i];
      }
      ASSERT_FLOAT_EQ(fa[i], accA) << "n=" << n << " i=" << i;
      ASSERT_FLOAT_EQ(fb[i], accB) << "n=" << n << " i=" << i;
    }
    accA = a[n - 1];
    accB = b[n - 1];
    for (int i = n - 1; i >= 0; --i) {
      if (i < n - 1) {
        accB = accB * a[i] + b[i];
        accA = accA * a[i];
      }
      ASSERT_FLOAT_EQ(ra[i], accA) << "reverse n=" << n << " i=" << i;
      ASSERT_FLOAT_EQ(rb[i], accB) << "reverse n=" << n << " i=" << i;
    }
  }
}

constexpr const char *kColumnOps = R"mlir(
tile.func @columns(%in: !tile.ptr<f32>, %sums: !tile.ptr<f32>,
                   %cums: !tile.ptr<f32>) {
  // A 4x8 row-major tile: column sums (reduce axis 0, a 2-D reduce) and
  // reverse cumulative sums down each column (scan axis 0 of a 2-D tile).
  %rr = tile.make_range 0, 4 : tensor<4xi32>
  %rc = tile.make_range 0, 8 : tensor<8xi32>
  %r2 = tile.expand_dims %rr axis = 1 : tensor<4xi32> -> tensor<4x1xi32>
  %c2 = tile.expand_dims %rc axis = 0 : tensor<8xi32> -> tensor<1x8xi32>
  %c8 = arith.constant dense<8> : tensor<4x1xi32>
  %row = arith.muli %r2, %c8 : tensor<4x1xi32>
  %rowb = tile.broadcast %row : tensor<4x1xi32> -> tensor<4x8xi32>
  %colb = tile.broadcast %c2 : tensor<1x8xi32> -> tensor<4x8xi32>
  %offs = arith.addi %rowb, %colb : tensor<4x8xi32>
  %base = tile.splat %in : tensor<4x8x!tile.ptr<f32>>
  %ptrs = tile.addptr %base, %offs : tensor<4x8x!tile.ptr<f32>>, tensor<4x8xi32>
  %x = tile.load %ptrs : tensor<4x8x!tile.ptr<f32>>
  %s = tile.reduce(%x) axis = 0 : (tensor<4x8xf32>) -> tensor<8xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %sbase = tile.splat %sums : tensor<8x!tile.ptr<f32>>
  %sptr = tile.addptr %sbase, %rc : tensor<8x!tile.ptr<f32>>, tensor<8xi32>
  tile.store %sptr, %s : tensor<8x!tile.ptr<f32>>
  %c = tile.scan(%x) axis = 0 reverse : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.addf %a, %b : f32
    tile.yield %r : f32
  }
  %cbase = tile.splat %cums : tensor<4x8x!tile.ptr<f32>>
  %cptr = tile.addptr %cbase, %offs : tensor<4x8x!tile.ptr<f32>>, tensor<4x8xi32>
  tile.store %cptr, %c : tensor<4x8x!tile.ptr<f32>>
  tile.return
}
)mlir";

TEST(CpuKernel, TwoDimensionalReduceAndReverseScan) {
  auto module = device().load(kColumnOps);
  std::vector<float> in = randomVector(32, 8);
  std::vector<float> sums(8), cums(32);
  device().launch(*module, "columns",
                  {KernelArg::pointer(in.data()), KernelArg::pointer(sums.data()),
                   KernelArg::pointer(cums.data())},
                  Grid{1});
  for (int c = 0; c < 8; ++c) {
    float sum = in[c];
    for (int r = 1; r < 4; ++r)
      sum += in[r * 8 + c];
    EXPECT_FLOAT_EQ(sums[c], sum) << "column " << c;
    float acc = in[3 * 8 + c];
    for (int r = 3; r >= 0; --r) {
      if (r < 3)
        acc += in[r * 8 + c];
      EXPECT_FLOAT_EQ(cums[r * 8 + c], acc) << "row " << r << " col " << c;
    }
  }
}

} // namespace
