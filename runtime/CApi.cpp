//===- CApi.cpp - Recur's C API for ahead-of-time kernels -----------------===//

#include "runtime/CApi.h"
#include "runtime/CpuLaunch.h"
#include "runtime/Error.h"
#include "runtime/WorkerPool.h"

#include <cstring>
#include <memory>

using namespace recur;

namespace {

thread_local std::string lastError;

recur_status_t fail(Status status, const std::string &message) {
  lastError = message;
  return static_cast<recur_status_t>(status);
}

/// The default stream's pool, created on first use and never destroyed:
/// kernels may run from static destructors of other objects.
struct DefaultPool {
  unsigned threads;
  WorkerPool *pool;
  DefaultPool() {
    threads = defaultWorkerCount();
    pool = new WorkerPool(threads);
  }
};

DefaultPool &defaultPool() {
  static DefaultPool *instance = new DefaultPool();
  return *instance;
}

} // namespace

extern "C" const char *recur_status_string(recur_status_t status) {
  if (status < RECUR_SUCCESS || status > RECUR_ERROR_DRIVER_NOT_FOUND)
    return "unknown status";
  return statusString(static_cast<Status>(status));
}

extern "C" const char *recur_last_error(void) { return lastError.c_str(); }

extern "C" recur_status_t recur_set_error(recur_status_t status,
                                          const char *message) {
  lastError = message ? message : "";
  return status;
}

extern "C" recur_status_t recur_cpu_launch(recur_stream_t stream,
                                           const char *kernel,
                                           void (*entry)(void **),
                                           const recur_arg_kind_t *kinds,
                                           void *const *values, int32_t numArgs,
                                           int64_t gx, int64_t gy, int64_t gz) {
  std::string name = kernel ? kernel : "<unnamed>";
  if (stream)
    return fail(Status::InvalidArgument,
                "kernel '" + name +
                    "': only the default (NULL) stream exists on the CPU");
  if (!entry || numArgs < 0 || (numArgs > 0 && (!kinds || !values)))
    return fail(Status::InvalidArgument,
                "kernel '" + name + "': missing entry, kinds or values");
  try {
    std::vector<KernelArg> args;
    args.reserve(numArgs);
    for (int32_t i = 0; i < numArgs; ++i) {
      const void *value = values[i];
      if (!value)
        return fail(Status::InvalidArgument,
                    "kernel '" + name + "': argument #" + std::to_string(i) +
                        " has no value");
      switch (kinds[i]) {
      case RECUR_ARG_PTR:
        args.push_back(KernelArg::pointer(*static_cast<void *const *>(value)));
        break;
      case RECUR_ARG_I1:
      case RECUR_ARG_I8:
        args.push_back(KernelArg::integer(
            kinds[i] == RECUR_ARG_I1 ? ArgKind::I1 : ArgKind::I8,
            *static_cast<const int8_t *>(value)));
        break;
      case RECUR_ARG_I16:
        args.push_back(KernelArg::integer(
            ArgKind::I16, *static_cast<const int16_t *>(value)));
        break;
      case RECUR_ARG_I32:
        args.push_back(KernelArg::i32(*static_cast<const int32_t *>(value)));
        break;
      case RECUR_ARG_I64:
        args.push_back(KernelArg::i64(*static_cast<const int64_t *>(value)));
        break;
      case RECUR_ARG_F32:
        args.push_back(KernelArg::f32(*static_cast<const float *>(value)));
        break;
      case RECUR_ARG_F64:
        args.push_back(KernelArg::f64(*static_cast<const double *>(value)));
        break;
      default:
        return fail(Status::InvalidArgument,
                    "kernel '" + name + "': argument #" + std::to_string(i) +
                        " has unknown kind " +
                        std::to_string(static_cast<int>(kinds[i])));
      }
    }
    DefaultPool &pool = defaultPool();
    launchPacked(*pool.pool, pool.threads, entry, name, std::move(args),
                 Grid{gx, gy, gz});
    return RECUR_SUCCESS;
  } catch (const Error &error) {
    return fail(error.status(), error.what());
  } catch (const std::exception &error) {
    return fail(Status::Internal, error.what());
  }
}
