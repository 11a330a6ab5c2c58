//===- CudaDevice.h - NVIDIA GPUs through the CUDA driver -------*- C++ -*-===//
//
// The driver library (libcuda.so.1) is loaded with dlopen on first use
// (runtime/CudaDriver.h), so Recur builds and runs on machines without it;
// `open` then says why there is no device. `launch` is synchronous and
// timed; `launchAsync`, the async copies and events work on streams, which
// are CUstream handles (0: the default stream).
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_CUDADEVICE_H
#define RECUR_RUNTIME_CUDADEVICE_H

#include "runtime/GpuModule.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <string>

namespace recur {

struct CudaDriver;

/// A cubin loaded on a device: its kernels by name.
class CudaModule : public GpuModule {
public:
  ~CudaModule();

private:
  friend class CudaDevice;
  std::shared_ptr<CudaDriver> driver;
  void *module = nullptr;
};

class CudaDevice {
public:
  /// A CUstream or CUevent handle.
  using Handle = void *;

  /// GPU `ordinal`; Error(DriverNotFound) without libcuda, Error(NotFound)
  /// naming the reason when the device is missing.
  static std::shared_ptr<CudaDevice> open(int ordinal = 0);

  const std::string &getName() const { return name; }
  /// 80 for compute capability 8.0, 90 for 9.0, ...
  int getComputeCapability() const { return capability; }
  /// The compilation target for this device (`cuda:sm_80` for 8.x,
  /// `cuda:sm_90` for 9.x), or Error(NotFound) for others.
  std::string getTarget() const;

  std::shared_ptr<CudaModule> load(const std::string &cubin,
                                   std::vector<KernelSignature> kernels);

  uint64_t allocate(size_t bytes);
  void release(uint64_t address);
  void copyToDevice(uint64_t destination, const void *source, size_t bytes);
  void copyToHost(void *destination, uint64_t source, size_t bytes);
  /// Copies ordered on `stream`; host memory must stay valid until the
  /// stream reaches them (pinned memory makes them truly asynchronous).
  void copyToDeviceAsync(uint64_t destination, const void *source, size_t bytes,
                         Handle stream);
  void copyToHostAsync(void *destination, uint64_t source, size_t bytes,
                       Handle stream);

  /// A new stream (non-blocking with respect to the default stream).
  Handle createStream();
  void destroyStream(Handle stream);
  /// Waits for `stream`'s work; for the whole device when it is null.
  void synchronize(Handle stream = nullptr);

  Handle createEvent();
  void destroyEvent(Handle event);
  void recordEvent(Handle event, Handle stream = nullptr);
  /// Milliseconds between two recorded events; waits for `stop`.
  float elapsedTime(Handle start, Handle stop);

  /// Runs `kernel` on `grid` blocks of `threads` threads and waits for it.
  /// Pointer arguments are device addresses. Returns the kernel's time in
  /// milliseconds (CUDA events around the launch).
  float launch(const CudaModule &module, llvm::StringRef kernel,
               llvm::ArrayRef<KernelArg> args, Grid grid, unsigned threads,
               unsigned sharedBytes = 0);

  /// Queues `kernel` on `stream` and returns at once.
  /// `sharedBytes`: the dynamic shared memory each block requests.
  void launchAsync(const CudaModule &module, llvm::StringRef kernel,
                   llvm::ArrayRef<KernelArg> args, Grid grid, unsigned threads,
                   Handle stream, unsigned sharedBytes = 0);

private:
  std::shared_ptr<CudaDriver> driver;
  void *context = nullptr;
  std::string name;
  int capability = 0;
};

} // namespace recur

#endif // RECUR_RUNTIME_CUDADEVICE_H
