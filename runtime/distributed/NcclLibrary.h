//===- NcclLibrary.h - NCCL's C API, loaded with dlopen ---------*- C++ -*-===//
//
// Like the CUDA driver (runtime/CudaDriver.h), NCCL is opened at run time
// (libnccl.so.2, or $RECUR_NCCL_LIBRARY) and the few functions Recur calls
// are declared here, so the build needs neither NCCL nor a CUDA toolkit and
// machines without them still run every MPI strategy.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_DISTRIBUTED_NCCLLIBRARY_H
#define RECUR_RUNTIME_DISTRIBUTED_NCCLLIBRARY_H

#include <cstddef>
#include <memory>
#include <string>

namespace recur {

struct NcclLibrary {
  using Result = int;
  using Comm = void *;
  using Stream = void *;
  /// ncclUniqueId: what rank 0 makes and every rank passes to init.
  struct UniqueId {
    char internal[128];
  };
  /// ncclDataType_t and ncclRedOp_t values Recur uses.
  static constexpr int kUint8 = 1, kFloat64 = 8, kMax = 2;

  Result (*getUniqueId)(UniqueId *);
  Result (*commInitRank)(Comm *, int, UniqueId, int);
  Result (*commDestroy)(Comm);
  Result (*allGather)(const void *, void *, size_t, int, Comm, Stream);
  Result (*broadcast)(const void *, void *, size_t, int, int, Comm, Stream);
  Result (*allReduce)(const void *, void *, size_t, int, int, Comm, Stream);
  Result (*send)(const void *, size_t, int, int, Comm, Stream);
  Result (*recv)(void *, size_t, int, int, Comm, Stream);
  Result (*groupStart)();
  Result (*groupEnd)();
  const char *(*getErrorString)(Result);

  /// Throws Error(Internal) naming `what` and NCCL's message unless
  /// `result` is ncclSuccess.
  void check(Result result, const std::string &what) const;
  /// NCCL ($RECUR_NCCL_LIBRARY, or libnccl.so.2), loaded on first call;
  /// Error(DriverNotFound) saying why when it cannot be loaded or lacks a
  /// function.
  static std::shared_ptr<NcclLibrary> get();
};

} // namespace recur

#endif // RECUR_RUNTIME_DISTRIBUTED_NCCLLIBRARY_H
