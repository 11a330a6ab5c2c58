//===- HipDriver.cpp - The HIP runtime, loaded with dlopen ----------------===//

#include "runtime/HipDriver.h"
#include "runtime/DynamicLibrary.h"
#include "runtime/Error.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

using namespace recur;

void HipDriver::check(Result result, const std::string &what) const {
  if (result == 0)
    return;
  const char *message = getErrorString ? getErrorString(result) : nullptr;
  throw Error(Status::LaunchError, what + ": HIP error " +
                                       std::to_string(result) + " (" +
                                       (message ? message : "unknown") + ")");
}

std::string HipDriver::getArchName(int device) const {
  if (!getDeviceProperties)
    return "";
  // hipDeviceProp_tR0600 keeps `gcnArchName` (char[256]) at byte 1160; the
  // buffer is larger than the structure so that a newer one still fits.
  constexpr size_t archOffset = 1160, archSize = 256;
  std::vector<char> properties(8192, 0);
  if (getDeviceProperties(properties.data(), device) != 0)
    return "";
  const char *arch = properties.data() + archOffset;
  return std::string(arch, strnlen(arch, archSize));
}

std::shared_ptr<HipDriver> HipDriver::load(const std::string &name) {
  DynamicLibrary library(name);
  auto driver = std::make_shared<HipDriver>();
  HipDriver &hip = *driver;
  library.resolve(hip.init, "hipInit");
  library.resolve(hip.getDeviceCount, "hipGetDeviceCount");
  library.resolve(hip.getDevice, "hipGetDevice");
  library.resolve(hip.setDevice, "hipSetDevice");
  library.resolve(hip.deviceGetName, "hipDeviceGetName");
  library.resolveOptional(hip.getDeviceProperties,
                          "hipGetDevicePropertiesR0600");
  library.resolve(hip.deviceSynchronize, "hipDeviceSynchronize");
  library.resolve(hip.moduleLoadData, "hipModuleLoadData");
  library.resolve(hip.moduleUnload, "hipModuleUnload");
  library.resolve(hip.moduleGetFunction, "hipModuleGetFunction");
  library.resolve(hip.moduleLaunchKernel, "hipModuleLaunchKernel");
  library.resolve(hip.malloc, "hipMalloc");
  library.resolve(hip.free, "hipFree");
  library.resolve(hip.memcpy, "hipMemcpy");
  library.resolve(hip.memcpyAsync, "hipMemcpyAsync");
  library.resolve(hip.memsetAsync, "hipMemsetAsync");
  library.resolve(hip.streamCreateWithFlags, "hipStreamCreateWithFlags");
  library.resolve(hip.streamDestroy, "hipStreamDestroy");
  library.resolve(hip.streamSynchronize, "hipStreamSynchronize");
  library.resolveOptional(hip.streamGetDevice, "hipStreamGetDevice");
  library.resolve(hip.eventCreate, "hipEventCreate");
  library.resolve(hip.eventRecord, "hipEventRecord");
  library.resolve(hip.eventSynchronize, "hipEventSynchronize");
  library.resolve(hip.eventElapsedTime, "hipEventElapsedTime");
  library.resolve(hip.eventDestroy, "hipEventDestroy");
  library.resolve(hip.getErrorString, "hipGetErrorString");
  if (!library.getFailure().empty())
    throw Error(Status::DriverNotFound,
                "the HIP runtime is not available: " + library.getFailure());
  int count = 0;
  if (int status = hip.init(0); status != 0)
    throw Error(Status::NotFound, "hipInit failed with HIP error " +
                                      std::to_string(status) +
                                      " (no usable GPU or driver)");
  if (hip.getDeviceCount(&count) != 0 || count == 0)
    throw Error(Status::NotFound, "HIP finds no GPU");
  return driver;
}

std::shared_ptr<HipDriver> HipDriver::get() {
  static std::once_flag once;
  static std::shared_ptr<HipDriver> driver;
  static Status status = Status::Ok;
  static std::string failure;
  std::call_once(once, [] {
    try {
      // The override lets tests load a stand-in (test/runtime/fake).
      const char *library = std::getenv("RECUR_HIP_LIBRARY");
      driver = load(library && *library ? library : "libamdhip64.so");
      return;
    } catch (const Error &error) {
      status = error.status();
      failure = error.what();
    }
    // ROCm installs outside the loader's path unless configured.
    if (status != Status::DriverNotFound)
      return;
    const char *rocm = std::getenv("ROCM_PATH");
    std::string path =
        std::string(rocm ? rocm : "/opt/rocm") + "/lib/libamdhip64.so";
    try {
      driver = load(path);
    } catch (const Error &error) {
      if (error.status() != Status::DriverNotFound) {
        status = error.status();
        failure = error.what();
      }
    }
  });
  if (!driver)
    throw Error(status, failure);
  return driver;
}
