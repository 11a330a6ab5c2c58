//===- GpuDeviceTest.cpp - GPU devices and launches without a GPU ---------===//
//
// The CUDA driver and HIP are loaded with dlopen: without them, opening a
// device or launching an ahead-of-time kernel must fail with
// Status::DriverNotFound and a message naming the missing library. The
// tests that need the library to be absent skip on machines that have it.
//
//===----------------------------------------------------------------------===//

#include "runtime/CApi.h"
#include "runtime/CudaDevice.h"
#include "runtime/CudaDriver.h"
#include "runtime/Error.h"
#include "runtime/HipDevice.h"
#include "runtime/HipDriver.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

using namespace recur;

namespace {

bool loadable(const char *library) {
  void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (handle)
    dlclose(handle);
  return handle != nullptr;
}

/// The status and message of what `body` throws.
template <typename Body> std::pair<Status, std::string> failure(Body body) {
  try {
    body();
  } catch (const Error &error) {
    return {error.status(), error.what()};
  }
  return {Status::Ok, ""};
}

TEST(CudaDevice, AMissingDriverLibraryIsNamed) {
  auto [status, message] =
      failure([] { CudaDriver::load("libcuda-not-installed.so.1"); });
  EXPECT_EQ(status, Status::DriverNotFound);
  EXPECT_NE(message.find("the CUDA driver is not available: "
                         "libcuda-not-installed.so.1 cannot be loaded"),
            std::string::npos)
      << message;
}

TEST(CudaDevice, OpenWithoutTheDriverFailsWithAStatus) {
  if (loadable("libcuda.so.1"))
    GTEST_SKIP() << "libcuda.so.1 is installed here";
  auto [status, message] = failure([] { CudaDevice::open(0); });
  EXPECT_EQ(status, Status::DriverNotFound);
  EXPECT_NE(message.find("libcuda.so.1"), std::string::npos) << message;
}

TEST(HipDevice, AMissingRuntimeLibraryIsNamed) {
  auto [status, message] =
      failure([] { HipDriver::load("libamdhip64-not-installed.so"); });
  EXPECT_EQ(status, Status::DriverNotFound);
  EXPECT_NE(message.find("the HIP runtime is not available: "
                         "libamdhip64-not-installed.so cannot be loaded"),
            std::string::npos)
      << message;
}

TEST(HipDevice, OpenWithoutHipFailsWithAStatus) {
  if (loadable("libamdhip64.so") || loadable("/opt/rocm/lib/libamdhip64.so"))
    GTEST_SKIP() << "libamdhip64.so is installed here";
  auto [status, message] = failure([] { HipDevice::open(0); });
  EXPECT_EQ(status, Status::DriverNotFound);
  EXPECT_NE(message.find("libamdhip64.so"), std::string::npos) << message;
}

/// An AOT kernel as recurc would embed it (the binary is never loaded).
recur_gpu_kernel_t aotKernel(int32_t platform) {
  static const char binary[] = "\x7f"
                               "ELF";
  return {"add",  "__recur_aot_add", binary, sizeof(binary), platform, 128, 0,
          nullptr};
}

TEST(GpuLaunch, WithoutADriverTheStatusSaysSo) {
  for (int32_t platform : {RECUR_GPU_CUDA, RECUR_GPU_HIP}) {
    bool present = platform == RECUR_GPU_CUDA
                       ? loadable("libcuda.so.1")
                       : loadable("libamdhip64.so") ||
                             loadable("/opt/rocm/lib/libamdhip64.so");
    if (present)
      continue;
    recur_gpu_kernel_t kernel = aotKernel(platform);
    int32_t n = 4;
    void *args[] = {&n};
    EXPECT_EQ(recur_gpu_launch(nullptr, &kernel, args, 1, 1, 1),
              RECUR_ERROR_DRIVER_NOT_FOUND);
    std::string message = recur_last_error();
    EXPECT_EQ(message.rfind("add: the ", 0), 0u) << message;
    EXPECT_NE(message.find(platform == RECUR_GPU_CUDA ? "libcuda.so.1"
                                                      : "libamdhip64.so"),
              std::string::npos)
        << message;
    EXPECT_EQ(kernel.state, nullptr);
    EXPECT_EQ(recur_gpu_memset(nullptr, &kernel, nullptr, 0, 4),
              RECUR_ERROR_DRIVER_NOT_FOUND);
  }
  EXPECT_STREQ(recur_status_string(RECUR_ERROR_DRIVER_NOT_FOUND),
               "GPU driver not found");
}

TEST(GpuLaunch, BadKernelsAndGridsAreInvalidArguments) {
  recur_gpu_kernel_t kernel = aotKernel(RECUR_GPU_CUDA);
  EXPECT_EQ(recur_gpu_launch(nullptr, &kernel, nullptr, 1, 70000, 1),
            RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(recur_last_error(),
               "grid (1, 70000, 1) of add exceeds the GPU's limits "
               "(2^31-1, 65535, 65535)");
  kernel.platform = 7;
  EXPECT_EQ(recur_gpu_launch(nullptr, &kernel, nullptr, 1, 1, 1),
            RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(recur_gpu_launch(nullptr, nullptr, nullptr, 1, 1, 1),
            RECUR_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(recur_last_error(),
               "<unnamed>: not a GPU kernel (missing binary, function or "
               "threads, or an unknown platform)");
}

} // namespace
