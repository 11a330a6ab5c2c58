//===- TileCpuBench.cpp - Tile kernels on the CPU against the machine ----===//
//
// JIT-compiles the example tile kernels, verifies each against plain C++,
// and times it beside the reference the machine offers for the same work: a
// C++ -O3 loop over the same threads for memory-bound kernels, OpenBLAS
// sgemm for matmul. Prints a table and writes JSON.
//
//===----------------------------------------------------------------------===//

#include "runtime/CpuDevice.h"
#include "runtime/Error.h"

#include <cblas.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

using namespace recur;

namespace {

std::string readExample(const std::string &name) {
  std::ifstream file(std::string(RECUR_EXAMPLES_DIR) + "/tile/" + name);
  if (!file)
    throw Error(Status::NotFound, "cannot read examples/tile/" + name);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/// Median wall time in seconds of `repeats` runs after one warm-up run.
double medianSeconds(const std::function<void()> &fn, int repeats) {
  fn();
  std::vector<double> times;
  for (int i = 0; i < repeats; ++i) {
    auto start = std::chrono::steady_clock::now();
    fn();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// Runs `body(begin, end)` over [0, n) split across `threads` threads, the
/// way the CPU device splits a grid: the fair C++ reference.
void parallelFor(int64_t n, unsigned threads,
                 const std::function<void(int64_t, int64_t)> &body) {
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t)
    workers.emplace_back(body, n * t / threads, n * (t + 1) / threads);
  for (std::thread &worker : workers)
    worker.join();
}

std::vector<float> randomVector(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

struct Row {
  std::string kernel, shape, unit;
  double recur, reference;
  std::string referenceName;
  double maxError;
};

Row benchVectorAdd(CpuDevice &device, int64_t n, int repeats) {
  auto module = device.load(readExample("vector_add.mlir"));
  std::vector<float> x = randomVector(n, 1), y = randomVector(n, 2);
  std::vector<float> out(n), expected(n);
  auto runRecur = [&] {
    device.launch(*module, "add",
                  {KernelArg::pointer(x.data()), KernelArg::pointer(y.data()),
                   KernelArg::pointer(out.data()),
                   KernelArg::i32(static_cast<int32_t>(n))},
                  Grid{(n + 127) / 128});
  };
  auto runReference = [&] {
    parallelFor(n, device.getNumThreads(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        expected[i] = x[i] + y[i];
    });
  };
  double tRecur = medianSeconds(runRecur, repeats);
  double tRef = medianSeconds(runReference, repeats);
  double err = 0;
  for (int64_t i = 0; i < n; ++i)
    err = std::max<double>(err, std::abs(out[i] - expected[i]));
  double bytes = 3.0 * n * sizeof(float);
  return {"vector_add",
          "n=" + std::to_string(n),
          "GB/s",
          bytes / tRecur / 1e9,
          bytes / tRef / 1e9,
          "C++ -O3 loop",
          err};
}

Row benchSoftmax(CpuDevice &device, int64_t rows, int64_t cols, int repeats) {
  auto module = device.load(readExample("softmax.mlir"));
  std::vector<float> in = randomVector(rows * cols, 3);
  std::vector<float> out(rows * cols), expected(rows * cols);
  auto runRecur = [&] {
    device.launch(*module, "softmax",
                  {KernelArg::pointer(in.data()),
                   KernelArg::pointer(out.data()),
                   KernelArg::i32(static_cast<int32_t>(cols))},
                  Grid{rows});
  };
  auto runReference = [&] {
    parallelFor(rows, device.getNumThreads(), [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) {
        const float *row = &in[r * cols];
        float m = *std::max_element(row, row + cols), sum = 0.0f;
        for (int64_t c = 0; c < cols; ++c)
          sum += (expected[r * cols + c] = std::exp(row[c] - m));
        for (int64_t c = 0; c < cols; ++c)
          expected[r * cols + c] /= sum;
      }
    });
  };
  double tRecur = medianSeconds(runRecur, repeats);
  double tRef = medianSeconds(runReference, repeats);
  double err = 0;
  for (int64_t i = 0; i < rows * cols; ++i)
    err = std::max<double>(err, std::abs(out[i] - expected[i]));
  double bytes = 2.0 * rows * cols * sizeof(float);
  return {"softmax",
          std::to_string(rows) + "x" + std::to_string(cols),
          "GB/s",
          bytes / tRecur / 1e9,
          bytes / tRef / 1e9,
          "C++ -O3 loop",
          err};
}

Row benchMatmul(CpuDevice &device, int64_t n, int repeats) {
  auto module = device.load(readExample("matmul.mlir"));
  std::vector<float> a = randomVector(n * n, 4), b = randomVector(n * n, 5);
  std::vector<float> c(n * n), expected(n * n);
  int32_t dim = static_cast<int32_t>(n);
  auto runRecur = [&] {
    device.launch(*module, "matmul",
                  {KernelArg::pointer(a.data()), KernelArg::pointer(b.data()),
                   KernelArg::pointer(c.data()), KernelArg::i32(dim),
                   KernelArg::i32(dim), KernelArg::i32(dim)},
                  Grid{(n + 31) / 32, (n + 15) / 16});
  };
  auto runReference = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, dim, dim, dim, 1.0f,
                a.data(), dim, b.data(), dim, 0.0f, expected.data(), dim);
  };
  double tRecur = medianSeconds(runRecur, repeats);
  double tRef = medianSeconds(runReference, repeats);
  double err = 0;
  for (int64_t i = 0; i < n * n; ++i)
    err = std::max<double>(err, std::abs(c[i] - expected[i]));
  double flops = 2.0 * n * n * n;
  return {"matmul",
          std::to_string(n) + "^3",
          "GFLOP/s",
          flops / tRecur / 1e9,
          flops / tRef / 1e9,
          "OpenBLAS sgemm",
          err};
}

} // namespace

int main(int argc, char **argv) {
  std::string jsonPath;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--json") && i + 1 < argc)
      jsonPath = argv[++i];
    else if (!std::strcmp(argv[i], "--quick"))
      quick = true;
    else {
      std::fprintf(stderr, "usage: %s [--quick] [--json PATH]\n", argv[0]);
      return 2;
    }
  }
  try {
    CpuDevice device;
    int repeats = quick ? 3 : 10;
    std::vector<Row> rows = {
        benchVectorAdd(device, quick ? (1 << 20) : (1 << 24), repeats),
        benchSoftmax(device, quick ? 1024 : 16384, 100, repeats),
        benchMatmul(device, quick ? 128 : 512, quick ? 3 : 5),
    };
    std::printf("Recur tile kernels on the CPU (%u threads)\n\n",
                device.getNumThreads());
    std::printf("| %-10s | %-11s | %-8s | %10s | %10s | %-15s | %7s | %9s |\n",
                "kernel", "shape", "unit", "recur", "reference", "reference is",
                "% ref", "max |err|");
    std::printf("|%s|\n", std::string(100, '-').c_str());
    nlohmann::json results = nlohmann::json::array();
    bool ok = true;
    for (const Row &row : rows) {
      std::printf("| %-10s | %-11s | %-8s | %10.2f | %10.2f | %-15s | %6.1f%% "
                  "| %9.2e |\n",
                  row.kernel.c_str(), row.shape.c_str(), row.unit.c_str(),
                  row.recur, row.reference, row.referenceName.c_str(),
                  100.0 * row.recur / row.reference, row.maxError);
      // Elementwise kernels must match exactly; reductions to f32 rounding.
      ok &= row.maxError <= (row.kernel == "vector_add" ? 0.0 : 1e-3);
      results.push_back({{"kernel", row.kernel},
                         {"shape", row.shape},
                         {"unit", row.unit},
                         {"recur", row.recur},
                         {"reference", row.reference},
                         {"reference_name", row.referenceName},
                         {"max_abs_error", row.maxError}});
    }
    std::printf("\nverification: %s\n", ok ? "all results match" : "MISMATCH");
    if (!jsonPath.empty()) {
      std::ofstream(jsonPath) << results.dump(2) << "\n";
      std::printf("wrote %s\n", jsonPath.c_str());
    }
    return ok ? 0 : 1;
  } catch (const Error &error) {
    std::fprintf(stderr, "recur-bench-tile: %s: %s\n",
                 statusString(error.status()), error.what());
    return 1;
  }
}
