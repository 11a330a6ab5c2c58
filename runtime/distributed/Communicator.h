//===- Communicator.h - Collective transport between ranks ------*- C++ -*-===//
//
// What sequence parallelism needs from a transport: all-gather (of equal or
// per-rank sizes), all-to-all,
// blocking and non-blocking point-to-point and a max all-reduce, with the
// payload bytes each rank sends
// counted (the strategies' costs are stated in those bytes). Back ends wrap
// existing engines: MPI here; NCCL with the GPU back ends.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_DISTRIBUTED_COMMUNICATOR_H
#define RECUR_RUNTIME_DISTRIBUTED_COMMUNICATOR_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace recur {

/// A posted non-blocking transfer. wait() completes it (the buffer may then
/// be reused or read); destroying a request that was not waited for waits.
class Request {
public:
  virtual ~Request();
  virtual void wait() = 0;
};

class Communicator {
public:
  virtual ~Communicator();

  virtual int rank() const = 0;
  virtual int size() const = 0;

  /// Every rank's `bytes` bytes of `in`, in rank order, into `out`
  /// (size() * bytes). Counts bytes * (size() - 1) sent.
  virtual void allgather(const void *in, void *out, size_t bytes) = 0;
  /// Every rank's block of `in`, rank r's `bytesPerRank[r]` bytes (the same
  /// list on every rank), in rank order, into `out` (their sum). Counts
  /// bytesPerRank[rank()] * (size() - 1) sent.
  virtual void allgatherv(const void *in, void *out,
                          const std::vector<size_t> &bytesPerRank) = 0;
  /// Block r of `in` (bytesPerRank each) to rank r; block r of `out` from
  /// rank r. Counts bytesPerRank * (size() - 1) sent.
  virtual void alltoall(const void *in, void *out, size_t bytesPerRank) = 0;
  virtual void send(int destination, const void *data, size_t bytes,
                    int tag) = 0;
  virtual void recv(int source, void *data, size_t bytes, int tag) = 0;
  /// Non-blocking send and receive: the transfer proceeds while the caller
  /// computes (the ring's overlap); `data` must live until wait(). isend
  /// counts its bytes when posted.
  virtual std::unique_ptr<Request> isend(int destination, const void *data,
                                         size_t bytes, int tag) = 0;
  virtual std::unique_ptr<Request> irecv(int source, void *data, size_t bytes,
                                         int tag) = 0;
  /// Elementwise maximum over ranks, in place (not counted: control data).
  virtual void allreduceMax(double *values, size_t count) = 0;

  /// Payload bytes this rank has sent since construction or the last reset.
  uint64_t bytesSent() const { return bytesSent_; }
  void resetCounters() { bytesSent_ = 0; }

protected:
  void countSent(uint64_t bytes) { bytesSent_ += bytes; }

private:
  uint64_t bytesSent_ = 0;
};

} // namespace recur

#endif // RECUR_RUNTIME_DISTRIBUTED_COMMUNICATOR_H
