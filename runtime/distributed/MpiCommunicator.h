//===- MpiCommunicator.h - Communicator over MPI ----------------*- C++ -*-===//

#ifndef RECUR_RUNTIME_DISTRIBUTED_MPICOMMUNICATOR_H
#define RECUR_RUNTIME_DISTRIBUTED_MPICOMMUNICATOR_H

#include "runtime/distributed/Communicator.h"

#include <mpi.h>

namespace recur {

/// A communicator over a duplicate of an MPI communicator (the caller's, e.g.
/// mpi4py's COMM_WORLD or a sub-communicator), so Recur's messages never
/// match the caller's. MPI errors become recur::Error(Internal).
class MpiCommunicator : public Communicator {
public:
  explicit MpiCommunicator(MPI_Comm comm);
  ~MpiCommunicator() override;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void allgather(const void *in, void *out, size_t bytes) override;
  void allgatherv(const void *in, void *out,
                  const std::vector<size_t> &bytesPerRank) override;
  void alltoall(const void *in, void *out, size_t bytesPerRank) override;
  void send(int destination, const void *data, size_t bytes, int tag) override;
  void recv(int source, void *data, size_t bytes, int tag) override;
  std::unique_ptr<Request> isend(int destination, const void *data,
                                 size_t bytes, int tag) override;
  std::unique_ptr<Request> irecv(int source, void *data, size_t bytes,
                                 int tag) override;
  void allreduceMax(double *values, size_t count) override;

private:
  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
};

} // namespace recur

#endif // RECUR_RUNTIME_DISTRIBUTED_MPICOMMUNICATOR_H
