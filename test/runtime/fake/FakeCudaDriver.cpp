//===- FakeCudaDriver.cpp - A CUDA driver stand-in for tests --------------===//
//
// Exports the driver functions Recur resolves, with host memory as device
// memory and one "kernel": any function whose name ends in "add" adds two
// float arrays, `(x, y, out, n)`, over the grid it is launched on. Loaded in
// place of libcuda.so.1 ($RECUR_CUDA_DRIVER), it lets tests run the AOT GPU
// path (module loading, argument marshalling, grids, streams, memsets) on
// machines without a GPU. `fakeCudaStats` reports what was called,
// `fakeCudaLastLaunch` the last launch's shape and the copies each way, and
// `fakeCudaLastShared` its dynamic shared memory and the attribute allowing
// it.
//
//===----------------------------------------------------------------------===//

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using Result = int;
using Pointer = unsigned long long;

std::atomic<int> loads{0}, launches{0}, memsets{0};
std::atomic<int> copiesToDevice{0}, copiesToHost{0};
unsigned lastLaunch[6] = {};
unsigned lastShared = 0;
int maxDynamicShared = 0;
int primary = 1;
thread_local void *current = nullptr;
thread_local void *pushed = nullptr;

struct Function {
  std::string name;
};

} // namespace

extern "C" {

void fakeCudaStats(int *moduleLoads, int *kernelLaunches, int *memsetCalls) {
  *moduleLoads = loads;
  *kernelLaunches = launches;
  *memsetCalls = memsets;
}

void fakeCudaLastLaunch(unsigned *gridAndBlock, int *toDevice, int *toHost) {
  std::memcpy(gridAndBlock, lastLaunch, sizeof(lastLaunch));
  *toDevice = copiesToDevice;
  *toHost = copiesToHost;
}

void fakeCudaLastShared(unsigned *sharedBytes, int *maxDynamicSharedBytes) {
  *sharedBytes = lastShared;
  *maxDynamicSharedBytes = maxDynamicShared;
}

Result cuInit(unsigned) { return 0; }
Result cuDeviceGet(int *device, int ordinal) {
  *device = ordinal;
  return ordinal == 0 ? 0 : 101; // CUDA_ERROR_INVALID_DEVICE
}
Result cuDeviceGetName(char *name, int size, int) {
  std::strncpy(name, "Fake GPU", size);
  return 0;
}
/// The stand-in's compute capability: 8.0 (sm_80), or 9.0 (sm_90) with
/// RECUR_FAKE_CUDA_ARCH=90.
static bool isSm90() {
  const char *arch = std::getenv("RECUR_FAKE_CUDA_ARCH");
  return arch && std::string(arch) == "90";
}

Result cuDeviceGetAttribute(int *value, int attribute, int) {
  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR; the minor is 0.
  *value = attribute == 75 ? (isSm90() ? 9 : 8) : 0;
  return 0;
}
Result cuDevicePrimaryCtxRetain(void **context, int) {
  *context = &primary;
  return 0;
}
Result cuCtxSetCurrent(void *context) {
  current = context;
  return 0;
}
Result cuCtxGetCurrent(void **context) {
  *context = current;
  return 0;
}
Result cuCtxPushCurrent_v2(void *context) {
  pushed = current;
  current = context;
  return 0;
}
Result cuCtxPopCurrent_v2(void **context) {
  *context = current;
  current = pushed;
  return 0;
}
Result cuCtxSynchronize() { return 0; }

Result cuModuleLoadData(void **module, const void *image) {
  if (std::memcmp(image,
                  "\x7f"
                  "ELF",
                  4) != 0)
    return 200; // CUDA_ERROR_INVALID_IMAGE
  ++loads;
  *module = const_cast<void *>(image);
  return 0;
}
Result cuModuleUnload(void *) { return 0; }
Result cuModuleGetFunction(void **function, void *, const char *name) {
  *function = new Function{name};
  return 0;
}

Result cuMemAlloc_v2(Pointer *address, size_t bytes) {
  *address = reinterpret_cast<Pointer>(std::malloc(bytes));
  return 0;
}
Result cuMemFree_v2(Pointer address) {
  std::free(reinterpret_cast<void *>(address));
  return 0;
}
Result cuMemcpyHtoD_v2(Pointer to, const void *from, size_t bytes) {
  ++copiesToDevice;
  std::memcpy(reinterpret_cast<void *>(to), from, bytes);
  return 0;
}
Result cuMemcpyDtoH_v2(void *to, Pointer from, size_t bytes) {
  ++copiesToHost;
  std::memcpy(to, reinterpret_cast<const void *>(from), bytes);
  return 0;
}
Result cuMemcpyHtoDAsync_v2(Pointer to, const void *from, size_t bytes,
                            void *) {
  return cuMemcpyHtoD_v2(to, from, bytes);
}
Result cuMemcpyDtoHAsync_v2(void *to, Pointer from, size_t bytes, void *) {
  return cuMemcpyDtoH_v2(to, from, bytes);
}
Result cuMemsetD8Async(Pointer to, unsigned char value, size_t bytes, void *) {
  ++memsets;
  std::memset(reinterpret_cast<void *>(to), value, bytes);
  return 0;
}

// CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES; sm_80's 163 KiB at most,
// sm_90's 227 KiB.
Result cuFuncSetAttribute(void *, int attribute, int value) {
  if (attribute != 8 || value > (isSm90() ? 227 : 163) * 1024)
    return 1; // CUDA_ERROR_INVALID_VALUE
  maxDynamicShared = value;
  return 0;
}

Result cuLaunchKernel(void *function, unsigned gx, unsigned gy, unsigned gz,
                      unsigned bx, unsigned by, unsigned bz, unsigned shared,
                      void *stream, void **params, void **) {
  if (!current || (stream && stream != current))
    return 201; // CUDA_ERROR_INVALID_CONTEXT
  ++launches;
  // Dynamic shared memory beyond the static 48 KiB needs the attribute.
  if (shared > 48 * 1024 && shared > unsigned(maxDynamicShared))
    return 1; // CUDA_ERROR_INVALID_VALUE
  unsigned shape[6] = {gx, gy, gz, bx, by, bz};
  std::memcpy(lastLaunch, shape, sizeof(shape));
  lastShared = shared;
  const std::string &name = static_cast<Function *>(function)->name;
  if (name.size() < 3 || name.compare(name.size() - 3, 3, "add") != 0)
    return 0;
  auto *x = *static_cast<float **>(params[0]);
  auto *y = *static_cast<float **>(params[1]);
  auto *out = *static_cast<float **>(params[2]);
  int32_t n = *static_cast<int32_t *>(params[3]);
  int64_t threads = int64_t(gx) * gy * gz * bx * by * bz;
  for (int64_t i = 0; i < threads && i < n; ++i)
    out[i] = x[i] + y[i];
  return 0;
}

// A stream is its context's address: launches check they match.
Result cuStreamCreate(void **stream, unsigned) {
  *stream = current;
  return 0;
}
Result cuStreamDestroy_v2(void *) { return 0; }
Result cuStreamSynchronize(void *) { return 0; }
Result cuStreamGetCtx(void *stream, void **context) {
  *context = stream;
  return 0;
}
Result cuEventCreate(void **event, unsigned) {
  *event = new int(0);
  return 0;
}
Result cuEventRecord(void *, void *) { return 0; }
Result cuEventSynchronize(void *) { return 0; }
Result cuEventElapsedTime(float *milliseconds, void *, void *) {
  *milliseconds = 0.5f;
  return 0;
}
Result cuEventDestroy_v2(void *event) {
  delete static_cast<int *>(event);
  return 0;
}
Result cuGetErrorString(Result, const char **message) {
  *message = "fake error";
  return 0;
}

} // extern "C"
