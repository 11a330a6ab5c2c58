//===- CudaDevice.cpp - NVIDIA GPUs through the CUDA driver API -----------===//

#include "runtime/CudaDevice.h"
#include "runtime/CudaDriver.h"
#include "runtime/Error.h"

#include <vector>

using namespace recur;

CudaModule::~CudaModule() {
  if (module)
    driver->moduleUnload(module);
}

std::shared_ptr<CudaDevice> CudaDevice::open(int ordinal) {
  auto device = std::shared_ptr<CudaDevice>(new CudaDevice());
  device->driver = CudaDriver::get();
  const CudaDriver &cu = *device->driver;
  int handle = 0;
  if (cu.deviceGet(&handle, ordinal) != 0)
    throw Error(Status::NotFound, "GPU " + std::to_string(ordinal) +
                                      " not found (cuDeviceGet failed)");
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
  throw Error(Status::NotFound, "GPU '" + name + "' has compute capability " +
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
    module->addKernel(std::move(signature), function);
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

void CudaDevice::copyToDeviceAsync(uint64_t destination, const void *source,
                                   size_t bytes, Handle stream) {
  if (bytes)
    driver->check(driver->memcpyHtoDAsync(destination, source, bytes, stream),
                  "asynchronous copy to the GPU");
}

void CudaDevice::copyToHostAsync(void *destination, uint64_t source,
                                 size_t bytes, Handle stream) {
  if (bytes)
    driver->check(driver->memcpyDtoHAsync(destination, source, bytes, stream),
                  "asynchronous copy from the GPU");
}

CudaDevice::Handle CudaDevice::createStream() {
  driver->check(driver->ctxSetCurrent(context), "cuCtxSetCurrent");
  Handle stream = nullptr;
  // CU_STREAM_NON_BLOCKING
  driver->check(driver->streamCreate(&stream, 1), "cuStreamCreate");
  return stream;
}

void CudaDevice::destroyStream(Handle stream) {
  driver->check(driver->streamDestroy(stream), "cuStreamDestroy");
}

void CudaDevice::synchronize(Handle stream) {
  driver->check(driver->ctxSetCurrent(context), "cuCtxSetCurrent");
  if (stream)
    driver->check(driver->streamSynchronize(stream), "cuStreamSynchronize");
  else
    driver->check(driver->ctxSynchronize(), "cuCtxSynchronize");
}

CudaDevice::Handle CudaDevice::createEvent() {
  driver->check(driver->ctxSetCurrent(context), "cuCtxSetCurrent");
  Handle event = nullptr;
  driver->check(driver->eventCreate(&event, 0), "cuEventCreate");
  return event;
}

void CudaDevice::destroyEvent(Handle event) {
  driver->check(driver->eventDestroy(event), "cuEventDestroy");
}

void CudaDevice::recordEvent(Handle event, Handle stream) {
  driver->check(driver->eventRecord(event, stream), "cuEventRecord");
}

float CudaDevice::elapsedTime(Handle start, Handle stop) {
  driver->check(driver->eventSynchronize(stop), "cuEventSynchronize");
  float milliseconds = 0.0f;
  driver->check(driver->eventElapsedTime(&milliseconds, start, stop),
                "cuEventElapsedTime");
  return milliseconds;
}

void CudaDevice::launchAsync(const CudaModule &module, llvm::StringRef kernel,
                             llvm::ArrayRef<KernelArg> args, Grid grid,
                             unsigned threads, Handle stream,
                             unsigned sharedBytes) {
  const KernelSignature &signature = module.getSignature(kernel);
  std::optional<GpuLaunchArguments> launch =
      prepareGpuLaunch(signature, args, grid);
  if (!launch)
    return;
  driver->check(driver->ctxSetCurrent(context), "cuCtxSetCurrent");
  if (sharedBytes > CudaDriver::kStaticSharedLimit)
    driver->check(
        driver->funcSetAttribute(module.getFunction(kernel),
                                 CudaDriver::kMaxDynamicSharedSizeBytes,
                                 sharedBytes),
        "kernel '" + signature.name + "' cannot have " +
            std::to_string(sharedBytes) + " bytes of shared memory on " + name);
  driver->check(driver->launchKernel(
                    module.getFunction(kernel), static_cast<unsigned>(grid.x),
                    static_cast<unsigned>(grid.y),
                    static_cast<unsigned>(grid.z), threads, 1, 1, sharedBytes,
                    stream, launch->pointers.data(), nullptr),
                "cannot launch kernel '" + signature.name + "'");
}

float CudaDevice::launch(const CudaModule &module, llvm::StringRef kernel,
                         llvm::ArrayRef<KernelArg> args, Grid grid,
                         unsigned threads, unsigned sharedBytes) {
  if (grid.size() == 0) {
    launchAsync(module, kernel, args, grid, threads, nullptr, sharedBytes);
    return 0.0f;
  }
  Handle start = createEvent(), stop = createEvent();
  struct Destroy {
    CudaDevice &device;
    Handle start, stop;
    ~Destroy() {
      device.driver->eventDestroy(start);
      device.driver->eventDestroy(stop);
    }
  } destroy{*this, start, stop};
  recordEvent(start);
  launchAsync(module, kernel, args, grid, threads, nullptr, sharedBytes);
  recordEvent(stop);
  driver->check(driver->eventSynchronize(stop),
                "kernel '" + module.getSignature(kernel).name + "' failed");
  return elapsedTime(start, stop);
}
