//===- NcclLibrary.cpp - NCCL's C API, loaded with dlopen -----------------===//

#include "runtime/distributed/NcclLibrary.h"
#include "runtime/DynamicLibrary.h"
#include "runtime/Error.h"

#include <cstdlib>
#include <map>
#include <mutex>

using namespace recur;

void NcclLibrary::check(Result result, const std::string &what) const {
  if (result == 0)
    return;
  const char *message = getErrorString ? getErrorString(result) : nullptr;
  throw Error(Status::Internal, "NCCL " + what + " failed: error " +
                                    std::to_string(result) + " (" +
                                    (message ? message : "unknown") + ")");
}

static std::shared_ptr<NcclLibrary> load(const std::string &name) {
  DynamicLibrary library(name);
  auto nccl = std::make_shared<NcclLibrary>();
  library.resolve(nccl->getUniqueId, "ncclGetUniqueId");
  library.resolve(nccl->commInitRank, "ncclCommInitRank");
  library.resolve(nccl->commDestroy, "ncclCommDestroy");
  library.resolve(nccl->allGather, "ncclAllGather");
  library.resolve(nccl->broadcast, "ncclBroadcast");
  library.resolve(nccl->allReduce, "ncclAllReduce");
  library.resolve(nccl->send, "ncclSend");
  library.resolve(nccl->recv, "ncclRecv");
  library.resolve(nccl->groupStart, "ncclGroupStart");
  library.resolve(nccl->groupEnd, "ncclGroupEnd");
  library.resolve(nccl->getErrorString, "ncclGetErrorString");
  if (!library.getFailure().empty())
    throw Error(Status::DriverNotFound,
                "NCCL is not available: " + library.getFailure());
  return nccl;
}

std::shared_ptr<NcclLibrary> NcclLibrary::get() {
  // One table per library path: $RECUR_NCCL_LIBRARY is read at every call,
  // so a process (a test) may point it elsewhere later.
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<NcclLibrary>> loaded;
  const char *override = std::getenv("RECUR_NCCL_LIBRARY");
  std::string name = override && *override ? override : "libnccl.so.2";
  std::lock_guard<std::mutex> lock(mutex);
  std::shared_ptr<NcclLibrary> &library = loaded[name];
  if (!library)
    library = load(name);
  return library;
}
