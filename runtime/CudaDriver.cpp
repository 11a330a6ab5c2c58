//===- CudaDriver.cpp - The CUDA driver API, loaded with dlopen -----------===//

#include "runtime/CudaDriver.h"
#include "runtime/DynamicLibrary.h"
#include "runtime/Error.h"

#include <cstdlib>
#include <mutex>

using namespace recur;

void CudaDriver::check(Result result, const std::string &what) const {
  if (result == 0)
    return;
  const char *message = nullptr;
  if (getErrorString)
    getErrorString(result, &message);
  throw Error(Status::LaunchError, what + ": CUDA error " +
                                       std::to_string(result) + " (" +
                                       (message ? message : "unknown") + ")");
}

std::shared_ptr<CudaDriver> CudaDriver::load(const std::string &name) {
  DynamicLibrary library(name);
  auto driver = std::make_shared<CudaDriver>();
  CudaDriver &cu = *driver;
  library.resolve(cu.init, "cuInit");
  library.resolve(cu.deviceGet, "cuDeviceGet");
  library.resolve(cu.deviceGetName, "cuDeviceGetName");
  library.resolve(cu.deviceGetAttribute, "cuDeviceGetAttribute");
  library.resolve(cu.primaryCtxRetain, "cuDevicePrimaryCtxRetain");
  library.resolve(cu.ctxSetCurrent, "cuCtxSetCurrent");
  library.resolve(cu.ctxGetCurrent, "cuCtxGetCurrent");
  library.resolve(cu.ctxPushCurrent, "cuCtxPushCurrent_v2");
  library.resolve(cu.ctxPopCurrent, "cuCtxPopCurrent_v2");
  library.resolve(cu.ctxSynchronize, "cuCtxSynchronize");
  library.resolve(cu.moduleLoadData, "cuModuleLoadData");
  library.resolve(cu.moduleUnload, "cuModuleUnload");
  library.resolve(cu.moduleGetFunction, "cuModuleGetFunction");
  library.resolve(cu.memAlloc, "cuMemAlloc_v2");
  library.resolve(cu.memFree, "cuMemFree_v2");
  library.resolve(cu.memcpyHtoD, "cuMemcpyHtoD_v2");
  library.resolve(cu.memcpyDtoH, "cuMemcpyDtoH_v2");
  library.resolve(cu.memcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
  library.resolve(cu.memcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
  library.resolve(cu.memsetD8Async, "cuMemsetD8Async");
  library.resolve(cu.launchKernel, "cuLaunchKernel");
  library.resolve(cu.streamCreate, "cuStreamCreate");
  library.resolve(cu.streamDestroy, "cuStreamDestroy_v2");
  library.resolve(cu.streamSynchronize, "cuStreamSynchronize");
  library.resolve(cu.streamGetCtx, "cuStreamGetCtx");
  library.resolve(cu.eventCreate, "cuEventCreate");
  library.resolve(cu.eventRecord, "cuEventRecord");
  library.resolve(cu.eventSynchronize, "cuEventSynchronize");
  // Newer drivers add a _v2 of the event timer; older ones have only the
  // original.
  if (!library.resolveOptional(cu.eventElapsedTime, "cuEventElapsedTime_v2"))
    library.resolve(cu.eventElapsedTime, "cuEventElapsedTime");
  library.resolve(cu.eventDestroy, "cuEventDestroy_v2");
  library.resolve(cu.getErrorString, "cuGetErrorString");
  library.resolve(cu.funcSetAttribute, "cuFuncSetAttribute");
  if (!library.getFailure().empty())
    throw Error(Status::DriverNotFound,
                "the CUDA driver is not available: " + library.getFailure());
  if (int status = cu.init(0); status != 0)
    throw Error(Status::NotFound, "cuInit failed with CUDA error " +
                                      std::to_string(status) +
                                      " (no usable GPU or driver)");
  return driver;
}

std::shared_ptr<CudaDriver> CudaDriver::get() {
  static std::once_flag once;
  static std::shared_ptr<CudaDriver> driver;
  static Status status = Status::Ok;
  static std::string failure;
  std::call_once(once, [] {
    try {
      // The override lets tests load a stand-in (test/runtime/fake).
      const char *library = std::getenv("RECUR_CUDA_DRIVER");
      driver = load(library && *library ? library : "libcuda.so.1");
    } catch (const Error &error) {
      status = error.status();
      failure = error.what();
    }
  });
  if (!driver)
    throw Error(status, failure);
  return driver;
}
