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
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <vector>

using namespace recur;

namespace {

/// Tile kernels live in examples/tile/, shared with the benchmarks.
std::string readExample(const std::string &name) {
  std::ifstream file(std::string(RECUR_EXAMPLES_DIR) + "/tile/" + name);
  EXPECT_TRUE(file.good()) << "cannot read example " << name;
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// Shared by the tests so each kernel compiles once. Deliberately never
/// destroyed: destroying a JIT during exit races LLVM's own static
/// destructors (see CpuDevice's documentation).
CpuDevice &device() {
  static CpuDevice *instance = new CpuDevice(2);
  return *instance;
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

TEST(CpuKernel, VectorAddMaskedTail) {
  auto module = device().load(readExample("vector_add.mlir"));
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

TEST(CpuKernel, RowSoftmaxWithReduce) {
  auto module = device().load(readExample("softmax.mlir"));
  const int rows = 37, cols = 100;
  std::vector<float> in = randomVector(rows * cols, 3, -8.0f, 8.0f);
  std::vector<float> out(rows * cols, 0.0f);
  device().launch(*module, "softmax",
                  {KernelArg::pointer(in.data()),
                   KernelArg::pointer(out.data()), KernelArg::i32(cols)},
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

TEST(CpuKernel, TiledMatmulWithKLoop) {
  auto module = device().load(readExample("matmul.mlir"));
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
            << "M=" << M << " N=" << N << " K=" << K << " at " << m << "," << n;
      }
  }
}

TEST(CpuKernel, NonCommutativeScanForwardAndReverse) {
  auto module = device().load(readExample("linear_recurrence.mlir"));
  for (int n : {1, 2, 100, 128}) {
    std::vector<float> a = randomVector(n, 6, 0.5f, 1.0f);
    std::vector<float> b = randomVector(n, 7);
    std::vector<float> fa(n), fb(n), ra(n), rb(n);
    device().launch(*module, "linrec",
                    {KernelArg::pointer(a.data()), KernelArg::pointer(b.data()),
                     KernelArg::pointer(fa.data()),
                     KernelArg::pointer(fb.data()),
                     KernelArg::pointer(ra.data()),
                     KernelArg::pointer(rb.data()), KernelArg::i32(n)},
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

TEST(CpuKernel, TwoDimensionalReduceAndReverseScan) {
  auto module = device().load(readExample("column_sum_cumsum.mlir"));
  std::vector<float> in = randomVector(32, 8);
  std::vector<float> sums(8), cums(32);
  device().launch(*module, "columns",
                  {KernelArg::pointer(in.data()),
                   KernelArg::pointer(sums.data()),
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

TEST(CpuKernel, TransposeWithVectorLoadsAndScatteredStores) {
  auto module = device().load(readExample("transpose.mlir"));
  for (auto [M, N] : {std::pair{37, 21}, std::pair{16, 16}, std::pair{1, 50}}) {
    std::vector<float> in = randomVector(M * N, 9);
    // A guard element after the output catches masked lanes that write.
    std::vector<float> out(M * N + 1, -7.0f);
    device().launch(*module, "transpose",
                    {KernelArg::pointer(in.data()),
                     KernelArg::pointer(out.data()), KernelArg::i32(M),
                     KernelArg::i32(N)},
                    Grid{(M + 15) / 16, (N + 15) / 16});
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j)
        ASSERT_EQ(out[j * M + i], in[i * N + j])
            << "M=" << M << " N=" << N << " at " << i << "," << j;
    EXPECT_EQ(out[M * N], -7.0f) << "masked lane wrote past the end";
  }
}

} // namespace
