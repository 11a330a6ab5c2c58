//===- FakeDriverTest.cpp - GPU launches of AOT kernels, without a GPU ----===//
//
// recur_gpu_launch against the stand-ins of FakeCudaDriver.cpp and
// FakeHipRuntime.cpp (in a test binary of its own: the driver is chosen
// once per process): the binary is loaded once per context (device) even
// when threads race, arguments and grids reach the launch as the kernel
// expects them, memsets run.
//
//===----------------------------------------------------------------------===//

#include "runtime/CApi.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <cstdlib>
#include <thread>
#include <vector>

namespace {

struct Stats {
  int loads = 0, launches = 0, memsets = 0;
};

/// What the stand-in was asked to do; the first call makes it the driver.
Stats stats() {
  static auto *report = [] {
    setenv("RECUR_CUDA_DRIVER", RECUR_FAKE_CUDA, 1);
    void *library = dlopen(RECUR_FAKE_CUDA, RTLD_NOW | RTLD_LOCAL);
    EXPECT_NE(library, nullptr) << dlerror();
    return reinterpret_cast<void (*)(int *, int *, int *)>(
        dlsym(library, "fakeCudaStats"));
  }();
  Stats result;
  report(&result.loads, &result.launches, &result.memsets);
  return result;
}

const char image[] = "\x7f"
                     "ELF fake cubin";

recur_gpu_kernel_t addKernel(int32_t platform = RECUR_GPU_CUDA) {
  recur_gpu_kernel_t kernel = {};
  kernel.name = "add";
  kernel.function = "__recur_aot_add";
  kernel.binary = image;
  kernel.binary_size = sizeof(image);
  kernel.platform = platform;
  kernel.threads = 128;
  return kernel;
}

/// The HIP stand-in's counters; the first call makes it the runtime.
Stats hipStats() {
  static auto *report = [] {
    setenv("RECUR_HIP_LIBRARY", RECUR_FAKE_HIP, 1);
    void *library = dlopen(RECUR_FAKE_HIP, RTLD_NOW | RTLD_LOCAL);
    EXPECT_NE(library, nullptr) << dlerror();
    return reinterpret_cast<void (*)(int *, int *, int *)>(
        dlsym(library, "fakeHipStats"));
  }();
  Stats result;
  report(&result.loads, &result.launches, &result.memsets);
  return result;
}

/// Launches `kernel` as the wrapper of `add(x, y, out, n)` would.
recur_status_t launchAdd(recur_gpu_kernel_t &kernel, recur_stream_t stream,
                         std::vector<float> &x, std::vector<float> &y,
                         std::vector<float> &out) {
  float *px = x.data(), *py = y.data(), *pout = out.data();
  int32_t n = static_cast<int32_t>(out.size());
  void *args[] = {&px, &py, &pout, &n};
  return recur_gpu_launch(stream, &kernel, args, (n + 127) / 128, 1, 1);
}

TEST(FakeDriver, LaunchesLoadOnceAndComputeOverTheGrid) {
  Stats before = stats();
  recur_gpu_kernel_t kernel = addKernel();
  std::vector<float> x(1000), y(1000), out(1000, -1.0f);
  for (int i = 0; i < 1000; ++i) {
    x[i] = 0.5f * i;
    y[i] = 3.0f - i;
  }
  for (int repeat = 0; repeat < 3; ++repeat)
    ASSERT_EQ(launchAdd(kernel, nullptr, x, y, out), RECUR_SUCCESS)
        << recur_last_error();
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(out[i], x[i] + y[i]) << "at " << i;
  Stats after = stats();
  EXPECT_EQ(after.loads - before.loads, 1);
  EXPECT_EQ(after.launches - before.launches, 3);
  EXPECT_NE(kernel.state, nullptr);

  // An empty grid launches nothing.
  float *p = out.data();
  int32_t zero = 0;
  void *args[] = {&p, &p, &p, &zero};
  EXPECT_EQ(recur_gpu_launch(nullptr, &kernel, args, 0, 1, 1), RECUR_SUCCESS);
  EXPECT_EQ(stats().launches, after.launches);
}

TEST(FakeDriver, RacingThreadsLoadTheBinaryOnce) {
  Stats before = stats();
  recur_gpu_kernel_t kernel = addKernel();
  std::vector<std::thread> threads;
  std::vector<recur_status_t> statuses(8, RECUR_ERROR_INTERNAL);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      std::vector<float> x(300, 1.0f), y(300, 2.0f), out(300);
      statuses[t] = launchAdd(kernel, nullptr, x, y, out);
      if (out[299] != 3.0f)
        statuses[t] = RECUR_ERROR_LAUNCH;
    });
  for (std::thread &thread : threads)
    thread.join();
  for (recur_status_t status : statuses)
    EXPECT_EQ(status, RECUR_SUCCESS);
  EXPECT_EQ(stats().loads - before.loads, 1);
}

TEST(FakeDriver, EachStreamContextGetsItsModuleAndMemsetsRun) {
  Stats before = stats();
  recur_gpu_kernel_t kernel = addKernel();
  std::vector<float> x(10, 1.0f), y(10, 1.0f), out(10);
  // The stand-in's streams are their contexts.
  int context = 0;
  auto stream = reinterpret_cast<recur_stream_t>(&context);
  ASSERT_EQ(launchAdd(kernel, nullptr, x, y, out), RECUR_SUCCESS);
  ASSERT_EQ(launchAdd(kernel, stream, x, y, out), RECUR_SUCCESS)
      << recur_last_error();
  ASSERT_EQ(launchAdd(kernel, stream, x, y, out), RECUR_SUCCESS);
  EXPECT_EQ(stats().loads - before.loads, 2);
  EXPECT_EQ(out[9], 2.0f);

  ASSERT_EQ(recur_gpu_memset(stream, &kernel, out.data(), 0, 10 * 4),
            RECUR_SUCCESS);
  EXPECT_EQ(out[9], 0.0f);
  EXPECT_EQ(stats().memsets - before.memsets, 1);
}

TEST(FakeDriver, DriverErrorsAreLaunchErrorsNamingTheKernel) {
  stats(); // selects the stand-in
  static const char notElf[] = "not an image";
  recur_gpu_kernel_t kernel = addKernel();
  kernel.binary = notElf;
  std::vector<float> x(10), y(10), out(10);
  EXPECT_EQ(launchAdd(kernel, nullptr, x, y, out), RECUR_ERROR_LAUNCH);
  EXPECT_STREQ(recur_last_error(),
               "add: cannot load the cubin: CUDA error 200 (fake error)");
}

TEST(FakeDriver, HipLaunchesLoadOncePerDeviceAndMemsetsRun) {
  Stats before = hipStats();
  recur_gpu_kernel_t kernel = addKernel(RECUR_GPU_HIP);
  std::vector<float> x(700, 1.5f), y(700, 2.0f), out(700);
  int stream = 0; // the stand-in's streams are all on device 0
  ASSERT_EQ(launchAdd(kernel, nullptr, x, y, out), RECUR_SUCCESS)
      << recur_last_error();
  ASSERT_EQ(
      launchAdd(kernel, reinterpret_cast<recur_stream_t>(&stream), x, y, out),
      RECUR_SUCCESS);
  EXPECT_EQ(out[699], 3.5f);
  ASSERT_EQ(recur_gpu_memset(nullptr, &kernel, out.data(), 0, 4),
            RECUR_SUCCESS);
  EXPECT_EQ(out[0], 0.0f);
  Stats after = hipStats();
  EXPECT_EQ(after.loads - before.loads, 1);
  EXPECT_EQ(after.launches - before.launches, 2);
  EXPECT_EQ(after.memsets - before.memsets, 1);
}

} // namespace
