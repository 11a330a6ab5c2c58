//===- CpuDeviceTest.cpp - CPU device: cache, grid, errors ----------------===//

#include "runtime/CpuDevice.h"
#include "runtime/Error.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace recur;

namespace {

constexpr const char *kGridIds = R"mlir(
tile.func @ids(%out: !tile.ptr<i32>) {
  %x = tile.program_id x
  %y = tile.program_id y
  %z = tile.program_id z
  %nx = tile.num_programs x
  %ny = tile.num_programs y
  %nz = tile.num_programs z
  // out[linear] = x + 10 y + 100 z, linear = x + nx (y + ny z); out[-1]
  // of the whole grid holds nx * ny * nz.
  %zy = arith.muli %z, %ny : i32
  %yz = arith.addi %y, %zy : i32
  %t = arith.muli %yz, %nx : i32
  %linear = arith.addi %x, %t : i32
  %c10 = arith.constant 10 : i32
  %c100 = arith.constant 100 : i32
  %y10 = arith.muli %y, %c10 : i32
  %z100 = arith.muli %z, %c100 : i32
  %v0 = arith.addi %x, %y10 : i32
  %v = arith.addi %v0, %z100 : i32
  %p = tile.addptr %out, %linear : !tile.ptr<i32>, i32
  tile.store %p, %v : !tile.ptr<i32>
  %nxy = arith.muli %nx, %ny : i32
  %n = arith.muli %nxy, %nz : i32
  %pn = tile.addptr %out, %n : !tile.ptr<i32>, i32
  tile.store %pn, %n : !tile.ptr<i32>
  tile.return
}
)mlir";

/// What `@ids` writes for `grid`: x + 10 y + 100 z per program, then the
/// program count.
void expectGridIds(const std::vector<int32_t> &out, Grid grid) {
  for (int64_t z = 0; z < grid.z; ++z)
    for (int64_t y = 0; y < grid.y; ++y)
      for (int64_t x = 0; x < grid.x; ++x)
        EXPECT_EQ(out[x + grid.x * (y + grid.y * z)], x + 10 * y + 100 * z);
  EXPECT_EQ(out.back(), grid.size());
}

TEST(CpuDevice, ThreeDimensionalGrid) {
  CpuDevice device(2);
  auto module = device.load(kGridIds);
  Grid grid{3, 4, 5};
  std::vector<int32_t> out(grid.size() + 1, -1);
  device.launch(*module, "ids", {KernelArg::pointer(out.data())}, grid);
  expectGridIds(out, grid);
}

// Launches and loads from several host threads share one device: the
// module cache and the thread pool must both be safe to use concurrently.
TEST(CpuDevice, ConcurrentLoadsAndLaunches) {
  CpuDevice device(2);
  constexpr int kThreads = 4;
  Grid grid{5, 3, 2};
  std::vector<std::vector<int32_t>> outs(
      kThreads, std::vector<int32_t>(grid.size() + 1, -1));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      auto module = device.load(kGridIds);
      for (int repeat = 0; repeat < 20; ++repeat)
        device.launch(*module, "ids", {KernelArg::pointer(outs[t].data())},
                      grid);
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_EQ(device.getCacheSize(), 1u);
  for (const std::vector<int32_t> &out : outs)
    expectGridIds(out, grid);
}

TEST(CpuDevice, EmptyGridRunsNothing) {
  CpuDevice device(2);
  auto module = device.load(kGridIds);
  std::vector<int32_t> out(1, -1);
  device.launch(*module, "ids", {KernelArg::pointer(out.data())},
                Grid{0, 4, 1});
  EXPECT_EQ(out[0], -1);
}

TEST(CpuDevice, CachesModulesBySource) {
  CpuDevice device(1);
  auto first = device.load(kGridIds);
  auto second = device.load(kGridIds);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(device.getCacheSize(), 1u);
  CpuCompileOptions unoptimised;
  unoptimised.optLevel = 0;
  auto third = device.load(kGridIds, unoptimised);
  EXPECT_NE(first.get(), third.get());
  EXPECT_EQ(device.getCacheSize(), 2u);
}

template <typename Fn>
Status statusOf(Fn &&fn, std::string *message = nullptr) {
  try {
    fn();
  } catch (const Error &error) {
    if (message)
      *message = error.what();
    return error.status();
  }
  return Status::Ok;
}

TEST(CpuDevice, RejectsMismatchedArguments) {
  CpuDevice device(1);
  auto module = device.load(kGridIds);
  std::string message;
  EXPECT_EQ(
      statusOf([&] { device.launch(*module, "ids", {}, Grid{1}); }, &message),
      Status::InvalidArgument);
  EXPECT_NE(message.find("takes 1 arguments, got 0"), std::string::npos)
      << message;
  EXPECT_EQ(
      statusOf(
          [&] { device.launch(*module, "ids", {KernelArg::i32(3)}, Grid{1}); },
          &message),
      Status::InvalidArgument);
  EXPECT_NE(message.find("argument #0 of kernel 'ids' is ptr, got i32"),
            std::string::npos)
      << message;
  std::vector<int32_t> out(2);
  EXPECT_EQ(statusOf([&] {
              device.launch(*module, "ids", {KernelArg::pointer(out.data())},
                            Grid{-1});
            }),
            Status::InvalidArgument);
  EXPECT_EQ(statusOf(
                [&] {
                  device.launch(*module, "nope",
                                {KernelArg::pointer(out.data())}, Grid{1});
                },
                &message),
            Status::NotFound);
  EXPECT_NE(message.find("kernels: ids"), std::string::npos) << message;
}

TEST(CpuDevice, ReportsInvalidSource) {
  CpuDevice device(1);
  std::string message;
  EXPECT_EQ(statusOf([&] { device.load("tile.func @k(%x: i32) {"); }, &message),
            Status::CompileError);
  EXPECT_NE(message.find("invalid tile module"), std::string::npos);
  // A verifier error, not a parse error: make_range of the wrong length.
  EXPECT_EQ(statusOf(
                [&] {
                  device.load("tile.func @k() {\n"
                              "  %r = tile.make_range 0, 4 : tensor<8xi32>\n"
                              "  tile.return\n}\n");
                },
                &message),
            Status::CompileError);
  EXPECT_NE(message.find("result must be tensor<4xi32>"), std::string::npos)
      << message;
}

constexpr const char *kAssert = R"mlir(
tile.func @check(%x: !tile.ptr<i32>) {
  %r = tile.make_range 0, 16 : tensor<16xi32>
  %base = tile.splat %x : tensor<16x!tile.ptr<i32>>
  %p = tile.addptr %base, %r : tensor<16x!tile.ptr<i32>>, tensor<16xi32>
  %v = tile.load %p : tensor<16x!tile.ptr<i32>>
  %zero = arith.constant dense<0> : tensor<16xi32>
  %ok = arith.cmpi sge, %v, %zero : tensor<16xi32>
  tile.assert %ok, "values must be non-negative" : tensor<16xi1>
  tile.return
}
)mlir";

TEST(CpuDevice, DeviceAssertFailsTheLaunch) {
  CpuDevice device(2);
  auto module = device.load(kAssert);
  std::vector<int32_t> good(16, 1);
  EXPECT_EQ(statusOf([&] {
              device.launch(*module, "check", {KernelArg::pointer(good.data())},
                            Grid{4});
            }),
            Status::Ok);
  std::vector<int32_t> bad(16, 1);
  bad[9] = -3;
  std::string message;
  EXPECT_EQ(statusOf(
                [&] {
                  device.launch(*module, "check",
                                {KernelArg::pointer(bad.data())}, Grid{1});
                },
                &message),
            Status::AssertionFailed);
  EXPECT_NE(message.find("values must be non-negative"), std::string::npos)
      << message;
}

constexpr const char *kPrint = R"mlir(
tile.func @show(%v: f32) {
  %r = tile.make_range 0, 2 : tensor<2xi32>
  tile.print "r = " %r : tensor<2xi32>
  tile.print "v = " %v : f32
  tile.return
}
)mlir";

TEST(CpuDevice, DevicePrintNamesProgramAndIndex) {
  CpuDevice device(1);
  auto module = device.load(kPrint);
  testing::internal::CaptureStdout();
  device.launch(*module, "show", {KernelArg::f32(2.5f)}, Grid{1});
  std::fflush(stdout);
  std::string out = testing::internal::GetCapturedStdout();
  EXPECT_NE(out.find("pid (0, 0, 0) idx (1) r = 1"), std::string::npos) << out;
  EXPECT_NE(out.find("pid (0, 0, 0) v = 2.5"), std::string::npos) << out;
}

} // namespace
