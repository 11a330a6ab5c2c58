//===- HipDevice.cpp - AMD GPUs through HIP's module API ------------------===//

#include "runtime/HipDevice.h"
#include "runtime/Error.h"
#include "runtime/HipDriver.h"

#include <vector>

using namespace recur;

HipModule::~HipModule() {
  if (module)
    driver->moduleUnload(module);
}

std::shared_ptr<HipDevice> HipDevice::open(int ordinal) {
  auto device = std::shared_ptr<HipDevice>(new HipDevice());
  device->driver = HipDriver::get();
  const HipDriver &hip = *device->driver;
  int count = 0;
  hip.check(hip.getDeviceCount(&count), "hipGetDeviceCount");
  if (ordinal < 0 || ordinal >= count)
    throw Error(Status::NotFound, "GPU " + std::to_string(ordinal) +
                                      " not found (HIP sees " +
                                      std::to_string(count) + ")");
  device->ordinal = ordinal;
  char name[256] = {};
  hip.check(hip.deviceGetName(name, sizeof(name), ordinal), "hipDeviceGetName");
  device->name = name;
  device->arch = hip.getArchName(ordinal);
  return device;
}

std::string HipDevice::getTarget() const {
  llvm::StringRef chip = llvm::StringRef(arch).split(':').first;
  if (chip == "gfx90a" || chip == "gfx942")
    return "rocm:" + chip.str();
  throw Error(Status::NotFound, "GPU '" + name + "' is " +
                                    (arch.empty() ? "of an unknown "
                                                    "architecture"
                                                  : "a " + arch) +
                                    "; Recur targets gfx90a and gfx942");
}

void HipDevice::makeCurrent() const {
  driver->check(driver->setDevice(ordinal), "hipSetDevice");
}

std::shared_ptr<HipModule>
HipDevice::load(const std::string &hsaco,
                std::vector<KernelSignature> kernels) {
  makeCurrent();
  auto module = std::shared_ptr<HipModule>(new HipModule());
  module->driver = driver;
  module->device = ordinal;
  driver->check(driver->moduleLoadData(&module->module, hsaco.data()),
                "cannot load the code object");
  for (KernelSignature &signature : kernels) {
    void *function = nullptr;
    driver->check(driver->moduleGetFunction(&function, module->module,
                                            signature.name.c_str()),
                  "kernel '" + signature.name + "' is not in the code object");
    module->addKernel(std::move(signature), function);
  }
  return module;
}

uint64_t HipDevice::allocate(size_t bytes) {
  makeCurrent();
  void *address = nullptr;
  driver->check(driver->malloc(&address, bytes ? bytes : 1),
                "cannot allocate " + std::to_string(bytes) + " bytes");
  return reinterpret_cast<uint64_t>(address);
}

void HipDevice::release(uint64_t address) {
  driver->check(driver->free(reinterpret_cast<void *>(address)), "hipFree");
}

void HipDevice::copyToDevice(uint64_t destination, const void *source,
                             size_t bytes) {
  if (bytes)
    driver->check(driver->memcpy(reinterpret_cast<void *>(destination), source,
                                 bytes, HipDriver::HostToDevice),
                  "copy to the GPU");
}

void HipDevice::copyToHost(void *destination, uint64_t source, size_t bytes) {
  if (bytes)
    driver->check(driver->memcpy(destination,
                                 reinterpret_cast<const void *>(source), bytes,
                                 HipDriver::DeviceToHost),
                  "copy from the GPU");
}

void HipDevice::copyToDeviceAsync(uint64_t destination, const void *source,
                                  size_t bytes, Handle stream) {
  if (bytes)
    driver->check(driver->memcpyAsync(reinterpret_cast<void *>(destination),
                                      source, bytes, HipDriver::HostToDevice,
                                      stream),
                  "asynchronous copy to the GPU");
}

void HipDevice::copyToHostAsync(void *destination, uint64_t source,
                                size_t bytes, Handle stream) {
  if (bytes)
    driver->check(driver->memcpyAsync(destination,
                                      reinterpret_cast<const void *>(source),
                                      bytes, HipDriver::DeviceToHost, stream),
                  "asynchronous copy from the GPU");
}

HipDevice::Handle HipDevice::createStream() {
  makeCurrent();
  Handle stream = nullptr;
  // hipStreamNonBlocking
  driver->check(driver->streamCreateWithFlags(&stream, 1),
                "hipStreamCreateWithFlags");
  return stream;
}

void HipDevice::destroyStream(Handle stream) {
  driver->check(driver->streamDestroy(stream), "hipStreamDestroy");
}

void HipDevice::synchronize(Handle stream) {
  makeCurrent();
  if (stream)
    driver->check(driver->streamSynchronize(stream), "hipStreamSynchronize");
  else
    driver->check(driver->deviceSynchronize(), "hipDeviceSynchronize");
}

HipDevice::Handle HipDevice::createEvent() {
  makeCurrent();
  Handle event = nullptr;
  driver->check(driver->eventCreate(&event), "hipEventCreate");
  return event;
}

void HipDevice::destroyEvent(Handle event) {
  driver->check(driver->eventDestroy(event), "hipEventDestroy");
}

void HipDevice::recordEvent(Handle event, Handle stream) {
  driver->check(driver->eventRecord(event, stream), "hipEventRecord");
}

float HipDevice::elapsedTime(Handle start, Handle stop) {
  driver->check(driver->eventSynchronize(stop), "hipEventSynchronize");
  float milliseconds = 0.0f;
  driver->check(driver->eventElapsedTime(&milliseconds, start, stop),
                "hipEventElapsedTime");
  return milliseconds;
}

void HipDevice::launchAsync(const HipModule &module, llvm::StringRef kernel,
                            llvm::ArrayRef<KernelArg> args, Grid grid,
                            unsigned threads, Handle stream,
                            unsigned sharedBytes) {
  const KernelSignature &signature = module.getSignature(kernel);
  std::optional<GpuLaunchArguments> launch =
      prepareGpuLaunch(signature, args, grid);
  if (!launch)
    return;
  makeCurrent();
  driver->check(driver->moduleLaunchKernel(
                    module.getFunction(kernel), static_cast<unsigned>(grid.x),
                    static_cast<unsigned>(grid.y),
                    static_cast<unsigned>(grid.z), threads, 1, 1, sharedBytes,
                    stream, launch->pointers.data(), nullptr),
                "cannot launch kernel '" + signature.name + "'");
}

float HipDevice::launch(const HipModule &module, llvm::StringRef kernel,
                        llvm::ArrayRef<KernelArg> args, Grid grid,
                        unsigned threads, unsigned sharedBytes) {
  if (grid.size() == 0) {
    launchAsync(module, kernel, args, grid, threads, nullptr, sharedBytes);
    return 0.0f;
  }
  Handle start = createEvent(), stop = createEvent();
  struct Destroy {
    const HipDriver &hip;
    Handle start, stop;
    ~Destroy() {
      hip.eventDestroy(start);
      hip.eventDestroy(stop);
    }
  } destroy{*driver, start, stop};
  recordEvent(start);
  launchAsync(module, kernel, args, grid, threads, nullptr, sharedBytes);
  recordEvent(stop);
  driver->check(driver->eventSynchronize(stop),
                "kernel '" + module.getSignature(kernel).name + "' failed");
  return elapsedTime(start, stop);
}
