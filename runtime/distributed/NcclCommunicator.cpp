//===- NcclCommunicator.cpp - Communicator over NCCL ----------------------===//

#include "runtime/distributed/NcclCommunicator.h"
#include "runtime/CudaDriver.h"
#include "runtime/Error.h"

#include <cstring>

using namespace recur;

struct NcclCommunicator::Transfer {
  bool isSend = false;
  int peer = 0;
  size_t bytes = 0;
  void *host = nullptr; ///< Where a receive lands.
  CudaDriver::Pointer buffer = 0;
  bool issued = false, done = false;
};

class NcclCommunicator::Context {
public:
  explicit Context(const NcclCommunicator &owner) : cu(*owner.cu) {
    cu.check(cu.ctxPushCurrent(owner.context), "cuCtxPushCurrent");
  }
  ~Context() {
    void *previous = nullptr;
    cu.ctxPopCurrent(&previous);
  }

private:
  CudaDriver &cu;
};

class NcclCommunicator::TransferRequest : public Request {
public:
  TransferRequest(NcclCommunicator &owner, std::shared_ptr<Transfer> transfer)
      : owner(owner), transfer(std::move(transfer)) {}
  ~TransferRequest() override {
    // Destroying a request waits, as the interface promises; a destructor
    // must not throw, so a failure here goes unreported.
    try {
      wait();
    } catch (const Error &) {
    }
  }
  void wait() override {
    if (!transfer->issued)
      owner.issuePending();
    if (!transfer->done)
      owner.completeIssued();
  }

private:
  NcclCommunicator &owner;
  std::shared_ptr<Transfer> transfer;
};

std::string NcclCommunicator::uniqueId() {
  auto nccl = NcclLibrary::get();
  NcclLibrary::UniqueId id;
  nccl->check(nccl->getUniqueId(&id), "GetUniqueId");
  return std::string(id.internal, sizeof(id.internal));
}

NcclCommunicator::NcclCommunicator(const std::string &uniqueId, int rank,
                                   int size, int deviceOrdinal)
    : cu(CudaDriver::get()), nccl(NcclLibrary::get()), rank_(rank),
      size_(size) {
  NcclLibrary::UniqueId id;
  if (uniqueId.size() != sizeof(id.internal))
    throw Error(Status::InvalidArgument,
                "an NCCL unique id has " + std::to_string(sizeof(id.internal)) +
                    " bytes, got " + std::to_string(uniqueId.size()));
  if (size < 1 || rank < 0 || rank >= size)
    throw Error(Status::InvalidArgument, "rank " + std::to_string(rank) +
                                             " of " + std::to_string(size) +
                                             " ranks");
  std::memcpy(id.internal, uniqueId.data(), sizeof(id.internal));
  int device = 0;
  cu->check(cu->deviceGet(&device, deviceOrdinal), "cuDeviceGet");
  cu->check(cu->primaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
  Context current(*this);
  cu->check(cu->streamCreate(&stream, /*CU_STREAM_NON_BLOCKING=*/1),
            "cuStreamCreate");
  nccl->check(nccl->commInitRank(&comm, size, id, rank), "CommInitRank");
}

NcclCommunicator::~NcclCommunicator() {
  try {
    Context current(*this);
    drain();
    nccl->commDestroy(comm);
    for (CudaDriver::Pointer buffer : staging)
      if (buffer)
        cu->memFree(buffer);
    cu->streamDestroy(stream);
  } catch (const Error &) {
    // Tearing down after a failed transfer: nothing more can be done.
  }
}

unsigned long long NcclCommunicator::stage(int slot, size_t bytes) {
  if (bytes > stagingBytes[slot]) {
    if (staging[slot])
      cu->check(cu->memFree(staging[slot]), "cuMemFree");
    staging[slot] = 0;
    stagingBytes[slot] = 0;
    cu->check(cu->memAlloc(&staging[slot], bytes), "cuMemAlloc");
    stagingBytes[slot] = bytes;
  }
  return staging[slot];
}

void NcclCommunicator::synchronize() {
  cu->check(cu->streamSynchronize(stream), "cuStreamSynchronize");
}

void NcclCommunicator::drain() {
  issuePending();
  completeIssued();
}

void NcclCommunicator::allgather(const void *in, void *out, size_t bytes) {
  Context current(*this);
  drain();
  if (bytes == 0)
    return;
  CudaDriver::Pointer send = stage(0, bytes),
                      received = stage(1, bytes * size_);
  cu->check(cu->memcpyHtoDAsync(send, in, bytes, stream), "cuMemcpyHtoDAsync");
  nccl->check(nccl->allGather(reinterpret_cast<void *>(send),
                              reinterpret_cast<void *>(received), bytes,
                              NcclLibrary::kUint8, comm, stream),
              "AllGather");
  cu->check(cu->memcpyDtoHAsync(out, received, bytes * size_, stream),
            "cuMemcpyDtoHAsync");
  synchronize();
  countSent(bytes * (size_ - 1));
}

void NcclCommunicator::allgatherv(const void *in, void *out,
                                  const std::vector<size_t> &bytesPerRank) {
  if (bytesPerRank.size() != static_cast<size_t>(size_))
    throw Error(Status::InvalidArgument,
                "allgatherv: one byte count per rank is needed");
  Context current(*this);
  drain();
  size_t total = 0;
  for (size_t bytes : bytesPerRank)
    total += bytes;
  if (total == 0)
    return;
  // NCCL has no all-gather of unequal parts: one broadcast per rank, in one
  // group, each rank's part straight into its place.
  CudaDriver::Pointer received = stage(1, total);
  size_t offset = 0;
  for (int r = 0; r < rank_; ++r)
    offset += bytesPerRank[r];
  cu->check(
      cu->memcpyHtoDAsync(received + offset, in, bytesPerRank[rank_], stream),
      "cuMemcpyHtoDAsync");
  nccl->check(nccl->groupStart(), "GroupStart");
  offset = 0;
  for (int r = 0; r < size_; ++r) {
    if (bytesPerRank[r]) {
      void *part = reinterpret_cast<void *>(received + offset);
      nccl->check(nccl->broadcast(part, part, bytesPerRank[r],
                                  NcclLibrary::kUint8, r, comm, stream),
                  "Broadcast");
    }
    offset += bytesPerRank[r];
  }
  nccl->check(nccl->groupEnd(), "GroupEnd");
  cu->check(cu->memcpyDtoHAsync(out, received, total, stream),
            "cuMemcpyDtoHAsync");
  synchronize();
  countSent(bytesPerRank[rank_] * (size_ - 1));
}

void NcclCommunicator::alltoall(const void *in, void *out,
                                size_t bytesPerRank) {
  Context current(*this);
  drain();
  if (bytesPerRank == 0)
    return;
  size_t total = bytesPerRank * size_;
  CudaDriver::Pointer send = stage(0, total), received = stage(1, total);
  cu->check(cu->memcpyHtoDAsync(send, in, total, stream), "cuMemcpyHtoDAsync");
  nccl->check(nccl->groupStart(), "GroupStart");
  for (int r = 0; r < size_; ++r) {
    if (r == rank_)
      continue;
    nccl->check(nccl->send(reinterpret_cast<void *>(send + r * bytesPerRank),
                           bytesPerRank, NcclLibrary::kUint8, r, comm, stream),
                "Send");
    nccl->check(
        nccl->recv(reinterpret_cast<void *>(received + r * bytesPerRank),
                   bytesPerRank, NcclLibrary::kUint8, r, comm, stream),
        "Recv");
  }
  nccl->check(nccl->groupEnd(), "GroupEnd");
  cu->check(cu->memcpyDtoHAsync(out, received, total, stream),
            "cuMemcpyDtoHAsync");
  synchronize();
  // This rank's own block never left it.
  std::memcpy(static_cast<char *>(out) + rank_ * bytesPerRank,
              static_cast<const char *>(in) + rank_ * bytesPerRank,
              bytesPerRank);
  countSent(bytesPerRank * (size_ - 1));
}

void NcclCommunicator::send(int destination, const void *data, size_t bytes,
                            int tag) {
  isend(destination, data, bytes, tag)->wait();
}

void NcclCommunicator::recv(int source, void *data, size_t bytes, int tag) {
  irecv(source, data, bytes, tag)->wait();
}

void NcclCommunicator::post(const std::shared_ptr<Transfer> &transfer) {
  pending.push_back(transfer);
  bool sends = false, receives = false;
  for (const auto &queued : pending)
    (queued->isSend ? sends : receives) = true;
  if (sends && receives)
    issuePending();
}

std::unique_ptr<Request> NcclCommunicator::isend(int destination,
                                                 const void *data, size_t bytes,
                                                 int /*tag*/) {
  Context current(*this);
  auto transfer = std::make_shared<Transfer>();
  transfer->isSend = true;
  transfer->peer = destination;
  transfer->bytes = bytes;
  if (bytes) {
    cu->check(cu->memAlloc(&transfer->buffer, bytes), "cuMemAlloc");
    cu->check(cu->memcpyHtoDAsync(transfer->buffer, data, bytes, stream),
              "cuMemcpyHtoDAsync");
  }
  post(transfer);
  countSent(bytes);
  return std::make_unique<TransferRequest>(*this, transfer);
}

std::unique_ptr<Request> NcclCommunicator::irecv(int source, void *data,
                                                 size_t bytes, int /*tag*/) {
  Context current(*this);
  auto transfer = std::make_shared<Transfer>();
  transfer->peer = source;
  transfer->bytes = bytes;
  transfer->host = data;
  if (bytes)
    cu->check(cu->memAlloc(&transfer->buffer, bytes), "cuMemAlloc");
  post(transfer);
  return std::make_unique<TransferRequest>(*this, transfer);
}

void NcclCommunicator::issuePending() {
  if (pending.empty())
    return;
  Context current(*this);
  nccl->check(nccl->groupStart(), "GroupStart");
  for (const auto &transfer : pending) {
    void *buffer = reinterpret_cast<void *>(transfer->buffer);
    if (transfer->bytes == 0)
      continue;
    if (transfer->isSend)
      nccl->check(nccl->send(buffer, transfer->bytes, NcclLibrary::kUint8,
                             transfer->peer, comm, stream),
                  "Send");
    else
      nccl->check(nccl->recv(buffer, transfer->bytes, NcclLibrary::kUint8,
                             transfer->peer, comm, stream),
                  "Recv");
  }
  nccl->check(nccl->groupEnd(), "GroupEnd");
  for (const auto &transfer : pending) {
    transfer->issued = true;
    issued.push_back(transfer);
  }
  pending.clear();
}

void NcclCommunicator::completeIssued() {
  if (issued.empty())
    return;
  Context current(*this);
  for (const auto &transfer : issued)
    if (!transfer->isSend && transfer->bytes)
      cu->check(cu->memcpyDtoHAsync(transfer->host, transfer->buffer,
                                    transfer->bytes, stream),
                "cuMemcpyDtoHAsync");
  synchronize();
  for (const auto &transfer : issued) {
    if (transfer->buffer)
      cu->check(cu->memFree(transfer->buffer), "cuMemFree");
    transfer->buffer = 0;
    transfer->done = true;
  }
  issued.clear();
}

void NcclCommunicator::allreduceMax(double *values, size_t count) {
  Context current(*this);
  drain();
  if (count == 0)
    return;
  size_t bytes = count * sizeof(double);
  CudaDriver::Pointer buffer = stage(0, bytes);
  cu->check(cu->memcpyHtoDAsync(buffer, values, bytes, stream),
            "cuMemcpyHtoDAsync");
  void *inPlace = reinterpret_cast<void *>(buffer);
  nccl->check(nccl->allReduce(inPlace, inPlace, count, NcclLibrary::kFloat64,
                              NcclLibrary::kMax, comm, stream),
              "AllReduce");
  cu->check(cu->memcpyDtoHAsync(values, buffer, bytes, stream),
            "cuMemcpyDtoHAsync");
  synchronize();
}
