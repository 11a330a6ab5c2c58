//===- MpiCommunicator.cpp - Communicator over MPI ------------------------===//

#include "runtime/distributed/MpiCommunicator.h"
#include "runtime/Error.h"

#include <climits>
#include <string>
#include <vector>

using namespace recur;

Communicator::~Communicator() = default;
Request::~Request() = default;

static void check(int code, const char *what) {
  if (code == MPI_SUCCESS)
    return;
  char message[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, message, &length);
  throw Error(Status::Internal, std::string("MPI ") + what +
                                    " failed: " + std::string(message, length));
}

/// MPI counts are ints: payloads beyond 2 GiB per call are refused rather
/// than truncated.
static int count(size_t bytes) {
  if (bytes > static_cast<size_t>(INT_MAX))
    throw Error(Status::InvalidArgument,
                "a message of " + std::to_string(bytes) +
                    " bytes exceeds MPI's 2 GiB per call");
  return static_cast<int>(bytes);
}

namespace {

class MpiRequest : public Request {
public:
  MpiRequest() = default;
  MpiRequest(const MpiRequest &) = delete;
  MpiRequest &operator=(const MpiRequest &) = delete;
  ~MpiRequest() override {
    // A transfer still in flight writes into or reads from memory the
    // caller is about to release: complete it, reporting nothing (a
    // destructor must not throw).
    if (request_ != MPI_REQUEST_NULL)
      MPI_Wait(&request_, MPI_STATUS_IGNORE);
  }
  void wait() override {
    check(MPI_Wait(&request_, MPI_STATUS_IGNORE), "Wait");
  }
  MPI_Request *handle() { return &request_; }

private:
  MPI_Request request_ = MPI_REQUEST_NULL;
};

} // namespace

MpiCommunicator::MpiCommunicator(MPI_Comm comm) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized)
    throw Error(Status::InvalidArgument, "MPI is not initialised");
  check(MPI_Comm_dup(comm, &comm_), "Comm_dup");
  MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
  MPI_Comm_rank(comm_, &rank_);
  MPI_Comm_size(comm_, &size_);
}

MpiCommunicator::~MpiCommunicator() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized)
    MPI_Comm_free(&comm_);
}

void MpiCommunicator::allgather(const void *in, void *out, size_t bytes) {
  check(MPI_Allgather(in, count(bytes), MPI_BYTE, out, count(bytes), MPI_BYTE,
                      comm_),
        "Allgather");
  countSent(bytes * (size_ - 1));
}

void MpiCommunicator::allgatherv(const void *in, void *out,
                                 const std::vector<size_t> &bytesPerRank) {
  if (bytesPerRank.size() != static_cast<size_t>(size_))
    throw Error(Status::InvalidArgument,
                "allgatherv: one byte count per rank is needed");
  std::vector<int> counts(size_), displacements(size_);
  size_t offset = 0;
  for (int r = 0; r < size_; ++r) {
    counts[r] = count(bytesPerRank[r]);
    displacements[r] = count(offset);
    offset += bytesPerRank[r];
  }
  check(MPI_Allgatherv(in, counts[rank_], MPI_BYTE, out, counts.data(),
                       displacements.data(), MPI_BYTE, comm_),
        "Allgatherv");
  countSent(bytesPerRank[rank_] * (size_ - 1));
}

void MpiCommunicator::alltoall(const void *in, void *out, size_t bytesPerRank) {
  check(MPI_Alltoall(in, count(bytesPerRank), MPI_BYTE, out,
                     count(bytesPerRank), MPI_BYTE, comm_),
        "Alltoall");
  countSent(bytesPerRank * (size_ - 1));
}

void MpiCommunicator::send(int destination, const void *data, size_t bytes,
                           int tag) {
  check(MPI_Send(data, count(bytes), MPI_BYTE, destination, tag, comm_),
        "Send");
  countSent(bytes);
}

void MpiCommunicator::recv(int source, void *data, size_t bytes, int tag) {
  check(MPI_Recv(data, count(bytes), MPI_BYTE, source, tag, comm_,
                 MPI_STATUS_IGNORE),
        "Recv");
}

std::unique_ptr<Request> MpiCommunicator::isend(int destination,
                                                const void *data, size_t bytes,
                                                int tag) {
  auto request = std::make_unique<MpiRequest>();
  check(MPI_Isend(data, count(bytes), MPI_BYTE, destination, tag, comm_,
                  request->handle()),
        "Isend");
  countSent(bytes);
  return request;
}

std::unique_ptr<Request> MpiCommunicator::irecv(int source, void *data,
                                                size_t bytes, int tag) {
  auto request = std::make_unique<MpiRequest>();
  check(MPI_Irecv(data, count(bytes), MPI_BYTE, source, tag, comm_,
                  request->handle()),
        "Irecv");
  return request;
}

void MpiCommunicator::allreduceMax(double *values, size_t n) {
  check(
      MPI_Allreduce(MPI_IN_PLACE, values, count(n), MPI_DOUBLE, MPI_MAX, comm_),
      "Allreduce");
}
