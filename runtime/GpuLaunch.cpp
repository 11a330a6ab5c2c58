//===- GpuLaunch.cpp - The C API's GPU launches for AOT kernels -----------===//
//
// An ahead-of-time GPU kernel carries its binary; the first launch in a
// CUDA context (HIP device) loads it there and keeps the function. Loads
// are rare and slow, lookups cheap next to a launch, so one mutex guards
// every kernel's table.
//
//===----------------------------------------------------------------------===//

#include "runtime/CApi.h"
#include "runtime/CudaDriver.h"
#include "runtime/Error.h"
#include "runtime/HipDriver.h"

#include <mutex>
#include <string>
#include <vector>

using namespace recur;

namespace {

/// Where a kernel is loaded: per CUDA context or HIP device, its module and
/// function.
struct LoadedKernel {
  struct Entry {
    void *where, *module, *function;
  };
  std::vector<Entry> entries;
};

std::mutex &tableMutex() {
  static auto *mutex = new std::mutex();
  return *mutex;
}

std::string nameOf(const recur_gpu_kernel_t *kernel) {
  return kernel && kernel->name ? kernel->name : "<unnamed>";
}

/// The function of `kernel` in `where` (a context or a device), loading
/// the binary with `loadModule(&module)` and `getFunction(&function,
/// module)` the first time.
template <typename Load, typename Get>
void *lookup(recur_gpu_kernel_t *kernel, void *where, Load loadModule,
             Get getFunction) {
  std::lock_guard<std::mutex> lock(tableMutex());
  auto *loaded = static_cast<LoadedKernel *>(kernel->state);
  if (!loaded) {
    // Never freed: kernels are static objects of the program.
    loaded = new LoadedKernel();
    kernel->state = loaded;
  }
  for (const LoadedKernel::Entry &entry : loaded->entries)
    if (entry.where == where)
      return entry.function;
  void *module = nullptr, *function = nullptr;
  loadModule(&module);
  getFunction(&function, module);
  loaded->entries.push_back({where, module, function});
  return function;
}

/// The primary context of CUDA device 0, retained once.
void *primaryContext(const CudaDriver &cu) {
  static std::once_flag once;
  static void *context = nullptr;
  static int result = 0;
  std::call_once(once, [&] {
    int device = 0;
    result = cu.deviceGet(&device, 0);
    if (result == 0)
      result = cu.primaryCtxRetain(&context, device);
  });
  cu.check(result, "cannot retain GPU 0's primary context");
  return context;
}

/// Runs `body(driver, context)` with the CUDA context of `stream` (or the
/// current one, or GPU 0's primary context) pushed, popping it afterwards.
template <typename Body> void inCudaContext(void *stream, Body body) {
  std::shared_ptr<CudaDriver> driver = CudaDriver::get();
  const CudaDriver &cu = *driver;
  void *context = nullptr;
  if (stream)
    cu.check(cu.streamGetCtx(stream, &context), "the stream's context");
  else
    cu.check(cu.ctxGetCurrent(&context), "cuCtxGetCurrent");
  if (!context)
    context = primaryContext(cu);
  cu.check(cu.ctxPushCurrent(context), "cuCtxPushCurrent");
  struct Pop {
    const CudaDriver &cu;
    ~Pop() {
      void *popped = nullptr;
      cu.ctxPopCurrent(&popped);
    }
  } pop{cu};
  body(cu, context);
}

/// Runs `body(driver, device)` on the device of `stream` (or the current
/// one), restoring the current device afterwards.
template <typename Body> void onHipDevice(void *stream, Body body) {
  std::shared_ptr<HipDriver> driver = HipDriver::get();
  const HipDriver &hip = *driver;
  int current = 0, device = 0;
  hip.check(hip.getDevice(&current), "hipGetDevice");
  device = current;
  if (stream && hip.streamGetDevice)
    hip.check(hip.streamGetDevice(stream, &device), "the stream's device");
  if (device != current)
    hip.check(hip.setDevice(device), "hipSetDevice");
  struct Restore {
    const HipDriver &hip;
    int device, current;
    ~Restore() {
      if (device != current)
        hip.setDevice(current);
    }
  } restore{hip, device, current};
  body(hip, device);
}

recur_status_t fail(Status status, const std::string &message) {
  return recur_set_error(static_cast<recur_status_t>(status), message.c_str());
}

void launch(void *stream, recur_gpu_kernel_t *kernel, void **args,
            const unsigned grid[3]) {
  if (kernel->platform == RECUR_GPU_CUDA) {
    inCudaContext(stream, [&](const CudaDriver &cu, void *context) {
      void *function = lookup(
          kernel, context,
          [&](void **module) {
            cu.check(cu.moduleLoadData(module, kernel->binary),
                     "cannot load the cubin");
          },
          [&](void **function, void *module) {
            cu.check(cu.moduleGetFunction(function, module, kernel->function),
                     "no kernel '" + std::string(kernel->function) +
                         "' in the cubin");
            if (kernel->shared_bytes > CudaDriver::kStaticSharedLimit)
              cu.check(cu.funcSetAttribute(
                           *function, CudaDriver::kMaxDynamicSharedSizeBytes,
                           static_cast<int>(kernel->shared_bytes)),
                       "the kernel's " + std::to_string(kernel->shared_bytes) +
                           " bytes of shared memory do not fit this GPU");
          });
      cu.check(cu.launchKernel(function, grid[0], grid[1], grid[2],
                               kernel->threads, 1, 1, kernel->shared_bytes,
                               stream, args, nullptr),
               "cannot launch");
    });
    return;
  }
  onHipDevice(stream, [&](const HipDriver &hip, int device) {
    void *where = reinterpret_cast<void *>(static_cast<intptr_t>(device) + 1);
    void *function = lookup(
        kernel, where,
        [&](void **module) {
          hip.check(hip.moduleLoadData(module, kernel->binary),
                    "cannot load the code object");
        },
        [&](void **function, void *module) {
          hip.check(hip.moduleGetFunction(function, module, kernel->function),
                    "no kernel '" + std::string(kernel->function) +
                        "' in the code object");
        });
    hip.check(hip.moduleLaunchKernel(
                  function, grid[0], grid[1], grid[2], kernel->threads, 1, 1,
                  kernel->shared_bytes, stream, args, nullptr),
              "cannot launch");
  });
}

bool validKernel(const recur_gpu_kernel_t *kernel) {
  return kernel && kernel->function && kernel->binary &&
         (kernel->platform == RECUR_GPU_CUDA ||
          kernel->platform == RECUR_GPU_HIP);
}

} // namespace

extern "C" recur_status_t recur_gpu_launch(recur_stream_t stream,
                                           recur_gpu_kernel_t *kernel,
                                           void **args, int64_t gx, int64_t gy,
                                           int64_t gz) {
  std::string name = nameOf(kernel);
  if (!validKernel(kernel) || kernel->threads == 0)
    return fail(Status::InvalidArgument,
                name + ": not a GPU kernel (missing binary, function or "
                       "threads, or an unknown platform)");
  if (gx < 0 || gy < 0 || gz < 0 || gx > 0x7fffffff || gy > 65535 || gz > 65535)
    return fail(Status::InvalidArgument,
                "grid (" + std::to_string(gx) + ", " + std::to_string(gy) +
                    ", " + std::to_string(gz) + ") of " + name +
                    " exceeds the GPU's limits (2^31-1, 65535, 65535)");
  try {
    // The driver is looked up even for an empty grid, so that a program
    // learns early that it has none.
    if (kernel->platform == RECUR_GPU_CUDA)
      CudaDriver::get();
    else
      HipDriver::get();
    if (gx == 0 || gy == 0 || gz == 0)
      return RECUR_SUCCESS;
    unsigned grid[3] = {static_cast<unsigned>(gx), static_cast<unsigned>(gy),
                        static_cast<unsigned>(gz)};
    launch(stream, kernel, args, grid);
    return RECUR_SUCCESS;
  } catch (const Error &error) {
    return fail(error.status(), name + ": " + error.what());
  } catch (const std::exception &error) {
    return fail(Status::Internal, name + ": " + error.what());
  }
}

extern "C" recur_status_t recur_gpu_memset(recur_stream_t stream,
                                           recur_gpu_kernel_t *kernel,
                                           void *pointer, int32_t value,
                                           uint64_t bytes) {
  std::string name = nameOf(kernel);
  if (!validKernel(kernel))
    return fail(Status::InvalidArgument, name + ": not a GPU kernel");
  try {
    if (kernel->platform == RECUR_GPU_CUDA)
      inCudaContext(stream, [&](const CudaDriver &cu, void *) {
        cu.check(
            cu.memsetD8Async(reinterpret_cast<CudaDriver::Pointer>(pointer),
                             static_cast<unsigned char>(value), bytes, stream),
            "cuMemsetD8Async");
      });
    else
      onHipDevice(stream, [&](const HipDriver &hip, int) {
        hip.check(hip.memsetAsync(pointer, value, bytes, stream),
                  "hipMemsetAsync");
      });
    return RECUR_SUCCESS;
  } catch (const Error &error) {
    return fail(error.status(), name + ": " + error.what());
  } catch (const std::exception &error) {
    return fail(Status::Internal, name + ": " + error.what());
  }
}
