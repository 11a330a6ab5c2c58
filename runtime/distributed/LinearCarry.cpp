//===- LinearCarry.cpp - States of diagonal linear recurrences across ranks
//===//

#include "runtime/distributed/LinearCarry.h"
#include "runtime/Error.h"

#include <algorithm>
#include <cstring>

using namespace recur;

namespace {

constexpr int kCarryTag = 7001, kFinalTag = 7002, kBlockTag = 7100;

/// "allscan" splits the state into this many blocks of rows.
constexpr int64_t kScanBlocks = 8;

/// Rows [begin, end) of a diagonal fold: state = diag(decay) state + add.
void foldRows(float *state, const float *decay, const float *add, int64_t begin,
              int64_t end, int64_t valueDim) {
  for (int64_t row = begin; row < end; ++row) {
    float d = decay ? decay[row] : 1.0f;
    float *out = state + row * valueDim;
    const float *in = add + row * valueDim;
    for (int64_t v = 0; v < valueDim; ++v)
      out[v] = d * out[v] + in[v];
  }
}

/// state = diag(decay) state + add, decay per (n, h, k) row of V values; or
/// state = M state + add with M the [K, K] matrix of each (n, h).
void fold(std::vector<float> &state, const float *decay, const float *add,
          const LinearSummary &s) {
  int64_t K = s.keyDim, V = s.valueDim;
  if (s.matrix && decay) {
    std::vector<float> product(K * V);
    for (int64_t nh = 0; nh < s.sequences * s.heads; ++nh) {
      const float *m = decay + nh * K * K;
      float *S = state.data() + nh * K * V;
      for (int64_t i = 0; i < K; ++i)
        for (int64_t v = 0; v < V; ++v) {
          double sum = 0;
          for (int64_t j = 0; j < K; ++j)
            sum += double(m[i * K + j]) * S[j * V + v];
          product[i * V + v] = float(sum);
        }
      for (int64_t i = 0; i < K * V; ++i)
        S[i] = product[i] + add[nh * K * V + i];
    }
    return;
  }
  foldRows(state.data(), decay, add, 0, s.sequences * s.heads * s.keyDim,
           s.valueDim);
}

/// The last rank's final state to every other rank.
void shareFinal(Communicator &comm, LinearCarry &carry,
                std::vector<float> outgoing, size_t stateSize) {
  int rank = comm.rank(), size = comm.size();
  if (rank + 1 < size) {
    carry.final.resize(stateSize);
    comm.recv(size - 1, carry.final.data(), stateSize * sizeof(float),
              kFinalTag);
  } else {
    for (int r = 0; r + 1 < size; ++r)
      comm.send(r, outgoing.data(), stateSize * sizeof(float), kFinalTag);
    carry.final = std::move(outgoing);
  }
}

} // namespace

LinearCarry recur::carryLinearState(Communicator &comm, const LinearSummary &s,
                                    const std::string &strategy) {
  size_t stateSize = s.sequences * s.heads * s.keyDim * s.valueDim;
  size_t decaySize =
      s.sequences * s.heads * s.keyDim * (s.matrix ? s.keyDim : 1);
  if (s.matrix && s.decay)
    throw Error(Status::InvalidArgument,
                "a transition is a decay or a matrix, not both");
  const float *transition = s.matrix ? s.matrix : s.decay;
  LinearCarry carry;
  carry.incoming.assign(stateSize, 0.0f);
  if (s.initial)
    std::memcpy(carry.incoming.data(), s.initial, stateSize * sizeof(float));
  int rank = comm.rank(), size = comm.size();

  if (strategy == "allgather") {
    // One message per rank: [S_r | D_r].
    size_t summarySize = stateSize + (transition ? decaySize : 0);
    std::vector<float> mine(summarySize), all(summarySize * size);
    std::memcpy(mine.data(), s.state, stateSize * sizeof(float));
    if (transition)
      std::memcpy(mine.data() + stateSize, transition,
                  decaySize * sizeof(float));
    comm.allgather(mine.data(), all.data(), summarySize * sizeof(float));
    std::vector<float> running = carry.incoming;
    for (int r = 0; r < size; ++r) {
      if (r == rank)
        carry.incoming = running;
      const float *summary = all.data() + r * summarySize;
      fold(running, transition ? summary + stateSize : nullptr, summary, s);
    }
    carry.final = std::move(running);
    return carry;
  }
  if (strategy == "ring") {
    if (rank > 0)
      comm.recv(rank - 1, carry.incoming.data(), stateSize * sizeof(float),
                kCarryTag);
    std::vector<float> outgoing = carry.incoming;
    fold(outgoing, transition, s.state, s);
    if (rank + 1 < size)
      comm.send(rank + 1, outgoing.data(), stateSize * sizeof(float),
                kCarryTag);
    shareFinal(comm, carry, std::move(outgoing), stateSize);
    return carry;
  }
  if (strategy == "allscan") {
    // ZeCO-style: the state passes once along the ranks in blocks of rows,
    // so rank r + 1 folds block j while rank r folds and sends block j + 1.
    if (s.matrix)
      throw Error(Status::InvalidArgument,
                  "strategy 'allscan' needs a diagonal transition (a matrix "
                  "couples every row); use 'allgather' or 'ring'");
    int64_t rows = s.sequences * s.heads * s.keyDim;
    int64_t blocks = std::max<int64_t>(1, std::min(rows, kScanBlocks));
    std::vector<float> outgoing(stateSize);
    for (int64_t b = 0; b < blocks; ++b) {
      int64_t begin = rows * b / blocks, end = rows * (b + 1) / blocks;
      size_t offset = begin * s.valueDim,
             bytes = (end - begin) * s.valueDim * sizeof(float);
      if (rank > 0)
        comm.recv(rank - 1, carry.incoming.data() + offset, bytes,
                  kBlockTag + static_cast<int>(b));
      std::copy(carry.incoming.begin() + offset,
                carry.incoming.begin() + offset + (end - begin) * s.valueDim,
                outgoing.begin() + offset);
      foldRows(outgoing.data(), s.decay, s.state, begin, end, s.valueDim);
      if (rank + 1 < size)
        comm.send(rank + 1, outgoing.data() + offset, bytes,
                  kBlockTag + static_cast<int>(b));
    }
    shareFinal(comm, carry, std::move(outgoing), stateSize);
    return carry;
  }
  throw Error(Status::InvalidArgument,
              "unknown strategy '" + strategy +
                  "' for a linear recurrence (allgather, allscan, ring)");
}
