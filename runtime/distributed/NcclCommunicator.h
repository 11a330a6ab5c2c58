//===- NcclCommunicator.h - Communicator over NCCL --------------*- C++ -*-===//
//
// The Communicator interface over NCCL, for ranks that each drive a GPU.
// The strategies hand it host buffers (their summaries and blocks live in
// host memory today), so every transfer is staged through GPU memory on the
// communicator's own stream: copied up, moved by NCCL, copied back.
//
// NCCL has no tags: messages between two ranks match in the order they are
// posted. Its point-to-point calls block until the peer posts the matching
// call, so posted isend/irecv are queued and issued together as one NCCL
// group as soon as the queue holds both a send and a receive (the ring's
// step: its transfer then overlaps the caller's compute), or at the first
// wait or blocking call otherwise.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_DISTRIBUTED_NCCLCOMMUNICATOR_H
#define RECUR_RUNTIME_DISTRIBUTED_NCCLCOMMUNICATOR_H

#include "runtime/distributed/Communicator.h"
#include "runtime/distributed/NcclLibrary.h"

#include <memory>
#include <string>
#include <vector>

namespace recur {

struct CudaDriver;

class NcclCommunicator : public Communicator {
public:
  /// A fresh ncclUniqueId (rank 0 makes it, the others receive it).
  static std::string uniqueId();

  /// Joins the communicator `uniqueId` names as `rank` of `size`, on GPU
  /// `deviceOrdinal`. Error(DriverNotFound) without NCCL or the CUDA driver.
  NcclCommunicator(const std::string &uniqueId, int rank, int size,
                   int deviceOrdinal);
  ~NcclCommunicator() override;
  NcclCommunicator(const NcclCommunicator &) = delete;
  NcclCommunicator &operator=(const NcclCommunicator &) = delete;

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
  /// One queued or issued point-to-point transfer, and its Request.
  struct Transfer;
  class TransferRequest;
  /// Makes the communicator's GPU context current for a scope.
  class Context;

  /// Issues the queued transfers as one group.
  void issuePending();
  /// Waits for the issued transfers and copies received data to the host.
  void completeIssued();
  /// Device memory for a blocking call's input and output, grown on demand.
  unsigned long long stage(int slot, size_t bytes);
  void synchronize();
  /// Completes every transfer in flight: blocking calls keep program order.
  void drain();
  void post(const std::shared_ptr<Transfer> &transfer);

  std::shared_ptr<CudaDriver> cu;
  std::shared_ptr<NcclLibrary> nccl;
  void *context = nullptr;
  void *stream = nullptr;
  void *comm = nullptr;
  int rank_ = 0, size_ = 1;
  unsigned long long staging[2] = {0, 0};
  size_t stagingBytes[2] = {0, 0};
  std::vector<std::shared_ptr<Transfer>> pending, issued;
};

} // namespace recur

#endif // RECUR_RUNTIME_DISTRIBUTED_NCCLCOMMUNICATOR_H
