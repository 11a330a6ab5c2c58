//===- HipDriver.h - The HIP runtime, loaded with dlopen --------*- C++ -*-===//
//
// AMD GPUs through HIP's module API (libamdhip64.so), declared here as the
// C ABI it is (handles are opaque pointers, devices and results ints) so
// that the build needs no ROCm. Loaded once per process, on first use;
// without it every call fails with Status::DriverNotFound saying why. Used
// by HipDevice and by the C API of ahead-of-time kernels.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_HIPDRIVER_H
#define RECUR_RUNTIME_HIPDRIVER_H

#include <cstddef>
#include <memory>
#include <string>

namespace recur {

struct HipDriver {
  using Result = int;
  using Handle = void *;

  /// hipMemcpyKind values.
  enum CopyKind { HostToDevice = 1, DeviceToHost = 2 };

  Result (*init)(unsigned);
  Result (*getDeviceCount)(int *);
  Result (*getDevice)(int *);
  Result (*setDevice)(int);
  Result (*deviceGetName)(char *, int, int);
  /// hipGetDevicePropertiesR0600 (ROCm 6 and later); null before.
  Result (*getDeviceProperties)(void *, int);
  Result (*deviceSynchronize)();
  Result (*moduleLoadData)(Handle *, const void *);
  Result (*moduleUnload)(Handle);
  Result (*moduleGetFunction)(Handle *, Handle, const char *);
  Result (*moduleLaunchKernel)(Handle, unsigned, unsigned, unsigned, unsigned,
                               unsigned, unsigned, unsigned, Handle, void **,
                               void **);
  Result (*malloc)(void **, size_t);
  Result (*free)(void *);
  Result (*memcpy)(void *, const void *, size_t, int);
  Result (*memcpyAsync)(void *, const void *, size_t, int, Handle);
  Result (*memsetAsync)(void *, int, size_t, Handle);
  Result (*streamCreateWithFlags)(Handle *, unsigned);
  Result (*streamDestroy)(Handle);
  Result (*streamSynchronize)(Handle);
  /// hipStreamGetDevice; null in older releases.
  Result (*streamGetDevice)(Handle, int *);
  Result (*eventCreate)(Handle *);
  Result (*eventRecord)(Handle, Handle);
  Result (*eventSynchronize)(Handle);
  Result (*eventElapsedTime)(float *, Handle, Handle);
  Result (*eventDestroy)(Handle);
  const char *(*getErrorString)(Result);

  /// Throws Error(LaunchError) naming `what` and HIP's message unless
  /// `result` is hipSuccess.
  void check(Result result, const std::string &what) const;

  /// The device's architecture with its features
  /// ("gfx942:sramecc+:xnack-"), or "" when this HIP cannot say.
  std::string getArchName(int device) const;

  /// The process's HIP runtime, loaded on first call ($RECUR_HIP_LIBRARY,
  /// libamdhip64.so, or $ROCM_PATH/lib/libamdhip64.so). Throws Error(DriverNotFound) when it
  /// cannot be loaded or lacks a function, Error(NotFound) when it finds
  /// no GPU.
  static std::shared_ptr<HipDriver> get();

  /// Loads `library` without caching, as `get` does; for tests.
  static std::shared_ptr<HipDriver> load(const std::string &library);
};

} // namespace recur

#endif // RECUR_RUNTIME_HIPDRIVER_H
