//===- CudaDriver.h - The CUDA driver API, loaded with dlopen ---*- C++ -*-===//
//
// The driver API is a stable C ABI: its handles are opaque pointers and its
// results ints, so Recur declares the few functions it calls instead of
// including cuda.h (the build needs no CUDA toolkit). The library is loaded
// once per process, on first use; machines without it build and run Recur,
// and every GPU call then fails with Status::DriverNotFound saying why.
// Both the JIT's CudaDevice and the C API of ahead-of-time kernels use it,
// so it depends on nothing but the C++ standard library.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_CUDADRIVER_H
#define RECUR_RUNTIME_CUDADRIVER_H

#include <cstddef>
#include <memory>
#include <string>

namespace recur {

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
  Result (*ctxGetCurrent)(Handle *);
  Result (*ctxPushCurrent)(Handle);
  Result (*ctxPopCurrent)(Handle *);
  Result (*ctxSynchronize)();
  Result (*moduleLoadData)(Handle *, const void *);
  Result (*moduleUnload)(Handle);
  Result (*moduleGetFunction)(Handle *, Handle, const char *);
  Result (*memAlloc)(Pointer *, size_t);
  Result (*memFree)(Pointer);
  Result (*memcpyHtoD)(Pointer, const void *, size_t);
  Result (*memcpyDtoH)(void *, Pointer, size_t);
  Result (*memcpyHtoDAsync)(Pointer, const void *, size_t, Handle);
  Result (*memcpyDtoHAsync)(void *, Pointer, size_t, Handle);
  Result (*memsetD8Async)(Pointer, unsigned char, size_t, Handle);
  Result (*launchKernel)(Handle, unsigned, unsigned, unsigned, unsigned,
                         unsigned, unsigned, unsigned, Handle, void **,
                         void **);
  Result (*streamCreate)(Handle *, unsigned);
  Result (*streamDestroy)(Handle);
  Result (*streamSynchronize)(Handle);
  Result (*streamGetCtx)(Handle, Handle *);
  Result (*eventCreate)(Handle *, unsigned);
  Result (*eventRecord)(Handle, Handle);
  Result (*eventSynchronize)(Handle);
  Result (*eventElapsedTime)(float *, Handle, Handle);
  Result (*eventDestroy)(Handle);
  Result (*getErrorString)(Result, const char **);
  Result (*funcSetAttribute)(Handle, int, int);

  /// CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: a kernel must raise it
  /// before a launch requests more than kStaticSharedLimit bytes of dynamic
  /// shared memory.
  static constexpr int kMaxDynamicSharedSizeBytes = 8;
  static constexpr unsigned kStaticSharedLimit = 48 * 1024;

  /// Throws Error(LaunchError) naming `what` and the driver's message
  /// unless `result` is CUDA_SUCCESS.
  void check(Result result, const std::string &what) const;

  /// The process's driver (libcuda.so.1, or $RECUR_CUDA_DRIVER;
  /// initialised), loaded on first call. Throws Error(DriverNotFound) when the
  /// library cannot be loaded or lacks a function, Error(NotFound) when cuInit
  /// fails (no GPU).
  static std::shared_ptr<CudaDriver> get();

  /// Loads `library` without caching, as `get` does; for tests.
  static std::shared_ptr<CudaDriver> load(const std::string &library);
};

} // namespace recur

#endif // RECUR_RUNTIME_CUDADRIVER_H
