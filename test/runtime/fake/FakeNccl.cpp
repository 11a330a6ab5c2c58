//===- FakeNccl.cpp - An NCCL stand-in over MPI for tests -----------------===//
//
// Exports the NCCL functions Recur resolves and carries them out with MPI
// (loaded in place of libnccl.so.2 by $RECUR_NCCL_LIBRARY, beside the
// stand-in CUDA driver, whose device memory is host memory). Every call
// completes before it returns; sends are buffered, so point-to-point calls
// never wait for their peer, and the calls of a group run at its end, sends
// first. A communicator is an MPI_Comm_split of MPI_COMM_WORLD by its unique
// id, so every world rank must join a communicator at the same time (as
// SequenceParallel's ranks do).
//
//===----------------------------------------------------------------------===//

#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <list>
#include <vector>

namespace {

using Result = int;
constexpr Result kSuccess = 0, kInvalidArgument = 4, kSystemError = 2;

struct UniqueId {
  char internal[128];
};

struct Comm {
  MPI_Comm mpi;
};

struct Transfer {
  bool isSend;
  const void *source;
  void *destination;
  size_t bytes;
  int peer;
  Comm *comm;
};

// ncclInt8 .. ncclFloat64, ncclBfloat16.
size_t elementBytes(int type) {
  static const size_t sizes[] = {1, 1, 4, 4, 8, 8, 2, 4, 8, 2};
  return type >= 0 && type < 10 ? sizes[type] : 0;
}

int groupDepth = 0;
std::vector<Transfer> grouped;
// Buffered sends still in flight, completed at later calls.
std::list<std::pair<MPI_Request, std::vector<char>>> inFlight;

void progress() {
  for (auto it = inFlight.begin(); it != inFlight.end();) {
    int done = 0;
    MPI_Test(&it->first, &done, MPI_STATUS_IGNORE);
    it = done ? inFlight.erase(it) : std::next(it);
  }
}

Result run(const Transfer &transfer) {
  if (transfer.isSend) {
    const char *data = static_cast<const char *>(transfer.source);
    inFlight.emplace_back(MPI_REQUEST_NULL,
                          std::vector<char>(data, data + transfer.bytes));
    auto &sent = inFlight.back();
    return MPI_Isend(sent.second.data(), static_cast<int>(transfer.bytes),
                     MPI_BYTE, transfer.peer, 0, transfer.comm->mpi,
                     &sent.first) == MPI_SUCCESS
               ? kSuccess
               : kSystemError;
  }
  return MPI_Recv(transfer.destination, static_cast<int>(transfer.bytes),
                  MPI_BYTE, transfer.peer, 0, transfer.comm->mpi,
                  MPI_STATUS_IGNORE) == MPI_SUCCESS
             ? kSuccess
             : kSystemError;
}

Result submit(const Transfer &transfer) {
  progress();
  if (groupDepth > 0) {
    grouped.push_back(transfer);
    return kSuccess;
  }
  return run(transfer);
}

} // namespace

extern "C" {

Result ncclGetUniqueId(UniqueId *id) {
  static int32_t made = 0;
  int32_t rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::memset(id->internal, 0, sizeof(id->internal));
  int32_t color = rank * 4096 + made++;
  std::memcpy(id->internal, &color, sizeof(color));
  return kSuccess;
}

Result ncclCommInitRank(void **comm, int nranks, UniqueId id, int rank) {
  int32_t color = 0;
  std::memcpy(&color, id.internal, sizeof(color));
  auto *created = new Comm;
  if (MPI_Comm_split(MPI_COMM_WORLD, color, rank, &created->mpi) !=
      MPI_SUCCESS) {
    delete created;
    return kSystemError;
  }
  int size = 0;
  MPI_Comm_size(created->mpi, &size);
  if (size != nranks) {
    MPI_Comm_free(&created->mpi);
    delete created;
    return kInvalidArgument;
  }
  *comm = created;
  return kSuccess;
}

Result ncclCommDestroy(void *comm) {
  auto *owned = static_cast<Comm *>(comm);
  for (auto &sent : inFlight)
    MPI_Wait(&sent.first, MPI_STATUS_IGNORE);
  inFlight.clear();
  MPI_Comm_free(&owned->mpi);
  delete owned;
  return kSuccess;
}

Result ncclAllGather(const void *send, void *receive, size_t count, int type,
                     void *comm, void *) {
  progress();
  int bytes = static_cast<int>(count * elementBytes(type));
  return MPI_Allgather(send, bytes, MPI_BYTE, receive, bytes, MPI_BYTE,
                       static_cast<Comm *>(comm)->mpi) == MPI_SUCCESS
             ? kSuccess
             : kSystemError;
}

Result ncclBroadcast(const void *send, void *receive, size_t count, int type,
                     int root, void *comm, void *) {
  progress();
  MPI_Comm mpi = static_cast<Comm *>(comm)->mpi;
  int rank = 0;
  MPI_Comm_rank(mpi, &rank);
  size_t bytes = count * elementBytes(type);
  if (rank == root && send != receive)
    std::memmove(receive, send, bytes);
  return MPI_Bcast(receive, static_cast<int>(bytes), MPI_BYTE, root, mpi) ==
                 MPI_SUCCESS
             ? kSuccess
             : kSystemError;
}

Result ncclAllReduce(const void *send, void *receive, size_t count, int type,
                     int op, void *comm, void *) {
  progress();
  if (type != 8 || op != 2) // float64 max: all Recur asks for
    return kInvalidArgument;
  const void *in = send == receive ? MPI_IN_PLACE : send;
  return MPI_Allreduce(in, receive, static_cast<int>(count), MPI_DOUBLE,
                       MPI_MAX, static_cast<Comm *>(comm)->mpi) == MPI_SUCCESS
             ? kSuccess
             : kSystemError;
}

Result ncclSend(const void *data, size_t count, int type, int peer, void *comm,
                void *) {
  return submit({true, data, nullptr, count * elementBytes(type), peer,
                 static_cast<Comm *>(comm)});
}

Result ncclRecv(void *data, size_t count, int type, int peer, void *comm,
                void *) {
  return submit({false, nullptr, data, count * elementBytes(type), peer,
                 static_cast<Comm *>(comm)});
}

Result ncclGroupStart() {
  ++groupDepth;
  return kSuccess;
}

Result ncclGroupEnd() {
  if (groupDepth == 0)
    return kInvalidArgument;
  if (--groupDepth > 0)
    return kSuccess;
  std::vector<Transfer> transfers;
  transfers.swap(grouped);
  for (const Transfer &transfer : transfers)
    if (transfer.isSend && run(transfer) != kSuccess)
      return kSystemError;
  for (const Transfer &transfer : transfers)
    if (!transfer.isSend && run(transfer) != kSuccess)
      return kSystemError;
  return kSuccess;
}

const char *ncclGetErrorString(Result) { return "fake NCCL error"; }

} // extern "C"
