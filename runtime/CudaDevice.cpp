//===- CudaDevice.cpp - NVIDIA GPUs through the CUDA driver API -----------===//
//
// The driver API is a stable C ABI: its handles are opaque pointers and
// its results ints, so Recur declares the few functions it calls instead
// of including cuda.h (the build needs no CUDA toolkit).
//
//===----------------------------------------------------------------------===//

#include "runtime/CudaDevice.h"
#include "runtime/Error.h"

#include <dlfcn.h>

#include <mutex>
#include <type_traits>
#include <vector>

using namespace recur;

namespace recur {

/// The driver functions Recur calls, resolved once per process.
struct CudaDriver {
  using Result = int;
  using Handle = void *;
  using Pointer = unsigned long long;

  Result (*init)(unsigned);
  Result (*deviceGet)(int *, int);
  Result (*deviceGetName)(char *, int, int);
  Result (*deviceGetAttribute)(int *, int, int);
  Result (*primaryCtxRetain)(Handle *, int);
  Result (*ctxSetCurrent)(Handle);
  Result (*ctxSynchronize)();
  Result (*moduleLoadData)(Handle *, const void *);
  Result (*moduleUnload)(Handle);
  Result (*moduleGetFunction)(Handle *, Handle, const char *);
  Result (*memAlloc)(Pointer *, size_t);
  Result (*memFree)(Pointer);
  Result (*memcpyHtoD)(Pointer, const void *, size_t);
  Result (*memcpyDtoH)(void *, Pointer, size_t);
  Result (*launchKernel)(Handle, unsigned, unsigned, unsigned, unsigned,
                         unsigned, unsigned, unsigned, Handle, void **,
                         void **);
  Result (*eventCreate)(Handle *, unsigned);
  Result (*eventRecord)(Handle, Handle);
  Result (*eventSynchronize)(Handle);
  Result (*eventElapsedTime)(float *, Handle, Handle);
  Result (*eventDestroy)(Handle);
  Result (*getErrorString)(Result, const char **);

  void check(Result result, const std::string &what) const {
    if (result == 0)
      return;
    const char *message = nullptr;
    if (getErrorString)
      getErrorString(result, &message);
    throw Error(Status::LaunchError, what + ": CUDA error " +
                                         std::to_string(result) + " (" +
                                         (message ? message : "unknown") +
                                         ")");
  }

  /// The process's driver, or Error(NotFound) saying why there is none.
  static std::shared_ptr<CudaDriver> get() {
    static std::once_flag once;
    static std::shared_ptr<CudaDriver> driver;
    static std::string failure;
    std::call_once(once, [] {
      void *library = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
      if (!library) {
        failure = std::string("the CUDA driver (libcuda.so.1) cannot be "
                              "loaded: ") +
                  dlerror();
        return;
      }
      auto result = std::make_shared<CudaDriver>();
      bool complete = true;
      auto resolve = [&](auto &slot, const char *name) {
        slot = reinterpret_cast<std::remove_reference_t<decltype(slot)>>(
            dlsym(library, name));
        if (!slot) {
          complete = false;
          failure = std::string("libcuda.so.1 lacks ") + name;
        }
      };
      resolve(result->init, "cuInit");
      resolve(result->deviceGet, "cuDeviceGet");
      resolve(result->deviceGetName, "cuDeviceGetName");
      resolve(result->deviceGetAttribute, "cuDeviceGetAttribute");
      resolve(result->primaryCtxRetain, "cuDevicePrimaryCtxRetain");
      resolve(result->ctxSetCurrent, "cuCtxSetCurrent");
      resolve(result->ctxSynchronize, "cuCtxSynchronize");
      resolve(result->moduleLoadData, "cuModuleLoadData");
      resolve(result->moduleUnload, "cuModuleUnload");
      resolve(result->moduleGetFunction, "cuModuleGetFunction");
      resolve(result->memAlloc, "cuMemAlloc_v2");
      resolve(result->memFree, "cuMemFree_v2");
      resolve(result->memcpyHtoD, "cuMemcpyHtoD_v2");
      resolve(result->memcpyDtoH, "cuMemcpyDtoH_v2");
      resolve(result->launchKernel, "cuLaunchKernel");
      resolve(result->eventCreate, "cuEventCreate");
      resolve(result->eventRecord, "cuEventRecord");
      resolve(result->eventSynchronize, "cuEventSynchronize");
      // Newer drivers add a _v2 of the event timer; older ones have only
      // the original.
      result->eventElapsedTime =
          reinterpret_cast<decltype(result->eventElapsedTime)>(
              dlsym(library, "cuEventElapsedTime_v2"));
      if (!result->eventElapsedTime)
        resolve(result->eventElapsedTime, "cuEventElapsedTime");
      resolve(result->eventDestroy, "cuEventDestroy_v2");
      resolve(result->getErrorString, "cuGetErrorString");
      if (!complete)
        return;
      int status = result->init(0);
      if (status != 0) {
        failure = "cuInit failed with CUDA error " + std::to_string(status) +
                  " (no usable GPU or driver)";
        return;
      }
      driver = std::move(result);
    });
    if (!driver)
      throw Error(Status::NotFound, failure);
    return driver;
  }
};

} // namespace recur

CudaModule::~CudaModule() {
  if (module)
    driver->moduleUnload(module);
}

const KernelSignature &CudaModule::getSignature(llvm::StringRef name) const {
  auto it = kernels.find(name);
  if (it == kernels.end())
    throw Error(Status::NotFound, "no kernel '" + name.str() + "' in module");
  return it->second.first;
}

void *CudaModule::getFunction(llvm::StringRef name) const {
  getSignature(name);
  return kernels.find(name)->second.second;
}

std::shared_ptr<CudaDevice> CudaDevice::open(int ordinal) {
  auto device = std::shared_ptr<CudaDevice>(new CudaDevice());
  device->driver = CudaDriver::get();
  const CudaDriver &cu = *device->driver;
  int handle = 0;
  cu.check(cu.deviceGet(&handle, ordinal),
           "GPU " + std::to_string(ordinal) + " not found");
  char name[256] = {};
  cu.check(cu.deviceGetName(name, sizeof(name), handle), "cuDeviceGetName");
  device->name = name;
  int major = 0, minor = 0;
  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR/MINOR
  cu.check(cu.deviceGetAttribute(&major, 75, handle), "cuDeviceGetAttribute");
  cu.check(cu.deviceGetAttribute(&minor, 76, handle), "cuDeviceGetAttribute");
  device->capability = major * 10 + minor;
  cu.check(cu.primaryCtxRetain(&device->context, handle),
           "cuDevicePrimaryCtxRetain");
  cu.check(cu.ctxSetCurrent(device->context), "cuCtxSetCurrent");
  return device;
}

std::string CudaDevice::getTarget() const {
  if (capability >= 80 && capability < 90)
    return "cuda:sm_80";
  if (capability >= 90 && capability < 100)
    return "cuda:sm_90";
  throw Error(Status::NotFound,
              "GPU '" + name + "' has compute capability " +
                  std::to_string(capability / 10) + "." +
                  std::to_string(capability % 10) +
                  "; Recur targets sm_80 and sm_90 families");
}

std::shared_ptr<CudaModule>
CudaDevice::load(const std::string &cubin,
                 std::vector<KernelSignature> kernels) {
  driver->check(driver->ctxSetCurrent(context), "cuCtxSetCurrent");
  auto module = std::shared_ptr<CudaModule>(new CudaModule());
  module->driver = driver;
  driver->check(driver->moduleLoadData(&module->module, cubin.data()),
                "cannot load the cubin");
  for (KernelSignature &signature : kernels) {
    void *function = nullptr;
    driver->check(driver->moduleGetFunction(&function, module->module,
                                            signature.name.c_str()),
                  "kernel '" + signature.name + "' is not in the cubin");
    std::string name = signature.name;
    module->kernels[name] = {std::move(signature), function};
  }
  return module;
}

uint64_t CudaDevice::allocate(size_t bytes) {
  CudaDriver::Pointer address = 0;
  driver->check(driver->ctxSetCurrent(context), "cuCtxSetCurrent");
  driver->check(driver->memAlloc(&address, bytes ? bytes : 1),
                "cannot allocate " + std::to_string(bytes) + " bytes");
  return address;
}

void CudaDevice::release(uint64_t address) {
  driver->check(driver->memFree(address), "cuMemFree");
}

void CudaDevice::copyToDevice(uint64_t destination, const void *source,
                              size_t bytes) {
  if (bytes)
    driver->check(driver->memcpyHtoD(destination, source, bytes),
                  "copy to the GPU");
}

void CudaDevice::copyToHost(void *destination, uint64_t source, size_t bytes) {
  if (bytes)
    driver->check(driver->memcpyDtoH(destination, source, bytes),
                  "copy from the GPU");
}

float CudaDevice::launch(const CudaModule &module, llvm::StringRef kernel,
                         llvm::ArrayRef<KernelArg> args, Grid grid,
                         unsigned threads) {
  const KernelSignature &signature = module.getSignature(kernel);
  if (args.size() != signature.args.size())
    throw Error(Status::InvalidArgument,
                "kernel '" + signature.name + "' takes " +
                    std::to_string(signature.args.size()) +
                    " arguments, got " + std::to_string(args.size()));
  if (grid.size() == 0)
    return 0.0f;
  if (grid.x > 0x7fffffff || grid.y > 65535 || grid.z > 65535)
    throw Error(Status::InvalidArgument,
                "grid of kernel '" + signature.name +
                    "' exceeds the GPU's limits (2^31-1, 65535, 65535)");
  std::vector<KernelArg> values(args.begin(), args.end());
  std::vector<void *> pointers;
  for (KernelArg &value : values)
    pointers.push_back(value.data());
  driver->check(driver->ctxSetCurrent(context), "cuCtxSetCurrent");
  void *start = nullptr, *stop = nullptr;
  driver->check(driver->eventCreate(&start, 0), "cuEventCreate");
  driver->check(driver->eventCreate(&stop, 0), "cuEventCreate");
  driver->check(driver->eventRecord(start, nullptr), "cuEventRecord");
  driver->check(driver->launchKernel(module.getFunction(kernel),
                                     static_cast<unsigned>(grid.x),
                                     static_cast<unsigned>(grid.y),
                                     static_cast<unsigned>(grid.z), threads, 1,
                                     1, 0, nullptr, pointers.data(), nullptr),
                "cannot launch kernel '" + signature.name + "'");
  driver->check(driver->eventRecord(stop, nullptr), "cuEventRecord");
  driver->check(driver->eventSynchronize(stop),
                "kernel '" + signature.name + "' failed");
  float milliseconds = 0.0f;
  driver->check(driver->eventElapsedTime(&milliseconds, start, stop),
                "cuEventElapsedTime");
  driver->eventDestroy(start);
  driver->eventDestroy(stop);
  return milliseconds;
}
