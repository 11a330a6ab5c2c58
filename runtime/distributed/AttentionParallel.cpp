//===- AttentionParallel.cpp - Softmax attention across ranks -------------===//

#include "runtime/distributed/AttentionParallel.h"
#include "runtime/Error.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>

using namespace recur;

namespace {

constexpr int kRingTag = 7300;

/// The blocks Ulysses' all-to-alls exchange, the same both ways: block j
/// holds rank j's tokens (or this rank's, going back) of one rank's share of
/// the heads, as [B, longest, H/R] rows, padded past each length.
struct UlyssesBlocks {
  int64_t share, longest, total = 0;
  std::vector<int64_t> starts; // each rank's first token in the sequence
  size_t run, block;           // a token's heads of one block; a block

  UlyssesBlocks(const Communicator &comm, int64_t batch,
                const std::vector<int64_t> &lengths, int64_t heads,
                size_t rowBytes) {
    if (heads % comm.size())
      throw Error(Status::InvalidArgument,
                  "Ulysses needs the heads to divide by the ranks: " +
                      std::to_string(heads) + " heads on " +
                      std::to_string(comm.size()) + " ranks");
    if (lengths.size() != static_cast<size_t>(comm.size()))
      throw Error(Status::InvalidArgument,
                  "Ulysses needs one sequence length per rank");
    share = heads / comm.size();
    longest = *std::max_element(lengths.begin(), lengths.end());
    for (int64_t length : lengths) {
      starts.push_back(total);
      total += length;
    }
    run = share * rowBytes;
    block = batch * longest * run;
  }
};

} // namespace

template <typename Real>
void recur::mergeAttention(Real *out, Real *lse, const Real *partial,
                           const Real *partialLse, int64_t batch, int64_t rows,
                           int64_t heads, int64_t valueDim, int64_t rowOffset,
                           int64_t partialRows) {
  if (rowOffset < 0 || rowOffset + partialRows > rows)
    throw Error(Status::InvalidArgument,
                "mergeAttention: partial rows [" + std::to_string(rowOffset) +
                    ", " + std::to_string(rowOffset + partialRows) +
                    ") outside the " + std::to_string(rows) + " rows");
  constexpr Real negInf = -std::numeric_limits<Real>::infinity();
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t h = 0; h < heads; ++h)
      for (int64_t i = 0; i < partialRows; ++i) {
        Real &a = lse[(b * heads + h) * rows + rowOffset + i];
        Real p = partialLse[(b * heads + h) * partialRows + i];
        if (p == negInf)
          continue; // the partial saw no key: nothing to add
        // log(exp a + exp p) about the larger, so neither exponent is
        // positive; a = -inf gives weight 0 to the (zero) running output.
        Real high = std::max(a, p), low = std::min(a, p);
        Real merged = high + std::log1p(std::exp(low - high));
        Real wa = std::exp(a - merged), wp = std::exp(p - merged);
        Real *o = out + ((b * rows + rowOffset + i) * heads + h) * valueDim;
        const Real *po =
            partial + ((b * partialRows + i) * heads + h) * valueDim;
        for (int64_t d = 0; d < valueDim; ++d)
          o[d] = wa * o[d] + wp * po[d];
        a = merged;
      }
}

template void recur::mergeAttention<float>(float *, float *, const float *,
                                           const float *, int64_t, int64_t,
                                           int64_t, int64_t, int64_t, int64_t);
template void recur::mergeAttention<double>(double *, double *, const double *,
                                            const double *, int64_t, int64_t,
                                            int64_t, int64_t, int64_t, int64_t);

void recur::ringPass(
    Communicator &comm, const void *own, const std::vector<size_t> &blockBytes,
    const std::function<void(int, int, const void *)> &compute) {
  int rank = comm.rank(), size = comm.size();
  if (blockBytes.size() != static_cast<size_t>(size))
    throw Error(Status::InvalidArgument,
                "ringPass needs one block size per rank");
  size_t largest = *std::max_element(blockBytes.begin(), blockBytes.end());
  std::vector<char> current(largest), next(largest);
  std::memcpy(current.data(), own, blockBytes[rank]);
  int right = (rank + 1) % size, left = (rank + size - 1) % size;
  for (int step = 0; step < size; ++step) {
    int source = (rank - step + size) % size;
    std::unique_ptr<Request> sending, receiving;
    if (step + 1 < size) {
      // Post the next block's transfer first: it proceeds while this rank
      // computes on the current one.
      int incoming = (source + size - 1) % size;
      receiving =
          comm.irecv(left, next.data(), blockBytes[incoming], kRingTag + step);
      sending = comm.isend(right, current.data(), blockBytes[source],
                           kRingTag + step);
    }
    compute(step, source, current.data());
    if (receiving) {
      receiving->wait();
      sending->wait();
      std::swap(current, next);
    }
  }
}

std::vector<char> recur::toHeads(Communicator &comm, const void *in,
                                 int64_t batch,
                                 const std::vector<int64_t> &lengths,
                                 int64_t heads, size_t rowBytes) {
  UlyssesBlocks layout(comm, batch, lengths, heads, rowBytes);
  int rank = comm.rank(), size = comm.size();
  auto [share, longest, total, starts, run, block] = layout;
  // Block j of what this rank sends: its tokens of heads [j H/R, (j+1) H/R),
  // the tail past its length left zero.
  std::vector<char> send(block * size, 0), received(block * size);
  const char *input = static_cast<const char *>(in);
  int64_t mine = lengths[rank];
  for (int j = 0; j < size; ++j)
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t t = 0; t < mine; ++t)
        std::memcpy(send.data() + j * block + (b * longest + t) * run,
                    input + ((b * mine + t) * heads + j * share) * rowBytes,
                    run);
  comm.alltoall(send.data(), received.data(), block);
  std::vector<char> out(batch * total * run);
  for (int j = 0; j < size; ++j)
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t t = 0; t < lengths[j]; ++t)
        std::memcpy(out.data() + (b * total + starts[j] + t) * run,
                    received.data() + j * block + (b * longest + t) * run, run);
  return out;
}

std::vector<char> recur::toSequence(Communicator &comm, const void *in,
                                    int64_t batch,
                                    const std::vector<int64_t> &lengths,
                                    int64_t heads, size_t rowBytes) {
  UlyssesBlocks layout(comm, batch, lengths, heads, rowBytes);
  int rank = comm.rank(), size = comm.size();
  auto [share, longest, total, starts, run, block] = layout;
  // Block j: rank j's tokens of this rank's heads.
  std::vector<char> send(block * size, 0), received(block * size);
  const char *input = static_cast<const char *>(in);
  for (int j = 0; j < size; ++j)
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t t = 0; t < lengths[j]; ++t)
        std::memcpy(send.data() + j * block + (b * longest + t) * run,
                    input + (b * total + starts[j] + t) * run, run);
  comm.alltoall(send.data(), received.data(), block);
  int64_t mine = lengths[rank];
  std::vector<char> out(batch * mine * heads * rowBytes);
  for (int j = 0; j < size; ++j)
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t t = 0; t < mine; ++t)
        std::memcpy(out.data() +
                        ((b * mine + t) * heads + j * share) * rowBytes,
                    received.data() + j * block + (b * longest + t) * run, run);
  return out;
}
