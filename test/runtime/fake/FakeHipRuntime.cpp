//===- FakeHipRuntime.cpp - A HIP runtime stand-in for tests --------------===//
//
// FakeCudaDriver.cpp's twin for HIP ($RECUR_HIP_LIBRARY): host memory as
// device memory, one gfx942 device, and kernels whose names end in "add"
// run on the host as `out = x + y` over the grid. `fakeHipStats` reports
// what was called and `fakeHipLastLaunch` the last launch's shape and the
// copies each way.
//
//===----------------------------------------------------------------------===//

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using Result = int;

std::atomic<int> loads{0}, launches{0}, memsets{0};
std::atomic<int> copiesToDevice{0}, copiesToHost{0};
unsigned lastLaunch[6] = {};
thread_local int current = 0;

// hipMemcpyKind's host-to-device and device-to-host.
constexpr int kHostToDevice = 1, kDeviceToHost = 2;

void countCopy(int kind) {
  if (kind == kHostToDevice)
    ++copiesToDevice;
  else if (kind == kDeviceToHost)
    ++copiesToHost;
}

struct Function {
  std::string name;
};

} // namespace

extern "C" {

void fakeHipStats(int *moduleLoads, int *kernelLaunches, int *memsetCalls) {
  *moduleLoads = loads;
  *kernelLaunches = launches;
  *memsetCalls = memsets;
}

void fakeHipLastLaunch(unsigned *gridAndBlock, int *toDevice, int *toHost) {
  std::memcpy(gridAndBlock, lastLaunch, sizeof(lastLaunch));
  *toDevice = copiesToDevice;
  *toHost = copiesToHost;
}

Result hipInit(unsigned) { return 0; }
Result hipGetDeviceCount(int *count) {
  *count = 1;
  return 0;
}
Result hipGetDevice(int *device) {
  *device = current;
  return 0;
}
Result hipSetDevice(int device) {
  if (device != 0)
    return 101; // hipErrorInvalidDevice
  current = device;
  return 0;
}
Result hipDeviceGetName(char *name, int size, int) {
  std::strncpy(name, "Fake AMD GPU", size);
  return 0;
}
// hipDeviceProp_tR0600: the name at 0, gcnArchName at 1160.
Result hipGetDevicePropertiesR0600(void *properties, int) {
  std::strcpy(static_cast<char *>(properties), "Fake AMD GPU");
  std::strcpy(static_cast<char *>(properties) + 1160, "gfx942:sramecc+:xnack-");
  return 0;
}
Result hipDeviceSynchronize() { return 0; }

Result hipModuleLoadData(void **module, const void *image) {
  if (std::memcmp(image,
                  "\x7f"
                  "ELF",
                  4) != 0)
    return 200; // hipErrorInvalidImage
  ++loads;
  *module = const_cast<void *>(image);
  return 0;
}
Result hipModuleUnload(void *) { return 0; }
Result hipModuleGetFunction(void **function, void *, const char *name) {
  *function = new Function{name};
  return 0;
}
Result hipModuleLaunchKernel(void *function, unsigned gx, unsigned gy,
                             unsigned gz, unsigned bx, unsigned by, unsigned bz,
                             unsigned, void *, void **params, void **) {
  ++launches;
  unsigned shape[6] = {gx, gy, gz, bx, by, bz};
  std::memcpy(lastLaunch, shape, sizeof(shape));
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

Result hipMalloc(void **address, size_t bytes) {
  *address = std::malloc(bytes);
  return 0;
}
Result hipFree(void *address) {
  std::free(address);
  return 0;
}
Result hipMemcpy(void *to, const void *from, size_t bytes, int kind) {
  countCopy(kind);
  std::memcpy(to, from, bytes);
  return 0;
}
Result hipMemcpyAsync(void *to, const void *from, size_t bytes, int kind,
                      void *) {
  countCopy(kind);
  std::memcpy(to, from, bytes);
  return 0;
}
Result hipMemsetAsync(void *to, int value, size_t bytes, void *) {
  ++memsets;
  std::memset(to, value, bytes);
  return 0;
}

Result hipStreamCreateWithFlags(void **stream, unsigned) {
  *stream = new int(0);
  return 0;
}
Result hipStreamDestroy(void *stream) {
  delete static_cast<int *>(stream);
  return 0;
}
Result hipStreamSynchronize(void *) { return 0; }
Result hipStreamGetDevice(void *, int *device) {
  *device = 0;
  return 0;
}
Result hipEventCreate(void **event) {
  *event = new int(0);
  return 0;
}
Result hipEventRecord(void *, void *) { return 0; }
Result hipEventSynchronize(void *) { return 0; }
Result hipEventElapsedTime(float *milliseconds, void *, void *) {
  *milliseconds = 0.25f;
  return 0;
}
Result hipEventDestroy(void *event) {
  delete static_cast<int *>(event);
  return 0;
}
const char *hipGetErrorString(Result) { return "fake error"; }

} // extern "C"
