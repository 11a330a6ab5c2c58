//===- HipDevice.h - AMD GPUs through HIP's module API ----------*- C++ -*-===//
//
// The HIP runtime (libamdhip64.so) is loaded with dlopen on first use
// (runtime/HipDriver.h), so Recur builds and runs on machines without
// ROCm; `open` then says why there is no device. The interface is
// CudaDevice's: HSACO code objects instead of cubins, hipStream_t and
// hipEvent_t handles (0: the default stream).
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_HIPDEVICE_H
#define RECUR_RUNTIME_HIPDEVICE_H

#include "runtime/GpuModule.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <memory>
#include <string>

namespace recur {

struct HipDriver;

/// An HSACO code object loaded on a device: its kernels by name.
class HipModule : public GpuModule {
public:
  ~HipModule();

private:
  friend class HipDevice;
  std::shared_ptr<HipDriver> driver;
  int device = 0;
  void *module = nullptr;
};

class HipDevice {
public:
  /// A hipStream_t or hipEvent_t handle.
  using Handle = void *;

  /// GPU `ordinal`; Error(DriverNotFound) without libamdhip64,
  /// Error(NotFound) naming the reason when the device is missing.
  static std::shared_ptr<HipDevice> open(int ordinal = 0);

  const std::string &getName() const { return name; }
  /// The architecture with its features ("gfx942:sramecc+:xnack-"), or ""
  /// when this HIP cannot say.
  const std::string &getArchName() const { return arch; }
  /// The compilation target (`rocm:gfx90a`, `rocm:gfx942`), or
  /// Error(NotFound) for other GPUs.
  std::string getTarget() const;

  std::shared_ptr<HipModule> load(const std::string &hsaco,
                                  std::vector<KernelSignature> kernels);

  uint64_t allocate(size_t bytes);
  void release(uint64_t address);
  void copyToDevice(uint64_t destination, const void *source, size_t bytes);
  void copyToHost(void *destination, uint64_t source, size_t bytes);
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

  /// Runs `kernel` on `grid` blocks of `threads` threads and waits for it;
  /// returns its time in milliseconds.
  float launch(const HipModule &module, llvm::StringRef kernel,
               llvm::ArrayRef<KernelArg> args, Grid grid, unsigned threads,
               unsigned sharedBytes = 0);

  /// Queues `kernel` on `stream` and returns at once.
  /// `sharedBytes`: the dynamic shared memory each block requests.
  void launchAsync(const HipModule &module, llvm::StringRef kernel,
                   llvm::ArrayRef<KernelArg> args, Grid grid, unsigned threads,
                   Handle stream, unsigned sharedBytes = 0);

private:
  /// Makes this device HIP's current one (HIP's state is per thread).
  void makeCurrent() const;

  std::shared_ptr<HipDriver> driver;
  int ordinal = 0;
  std::string name, arch;
};

} // namespace recur

#endif // RECUR_RUNTIME_HIPDEVICE_H
