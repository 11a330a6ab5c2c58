//===- LinearCarry.cpp - States of diagonal linear recurrences across ranks
//===//

#include "runtime/distributed/LinearCarry.h"
#include "runtime/Error.h"

#include <cstring>

using namespace recur;

namespace {

constexpr int kCarryTag = 7001, kFinalTag = 7002;

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
  int64_t rows = s.sequences * s.heads * s.keyDim;
  for (int64_t row = 0; row < rows; ++row) {
    float d = decay ? decay[row] : 1.0f;
    float *out = state.data() + row * s.valueDim;
    const float *in = add + row * s.valueDim;
    for (int64_t v = 0; v < s.valueDim; ++v)
      out[v] = d * out[v] + in[v];
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
    if (rank + 1 < size) {
      comm.send(rank + 1, outgoing.data(), stateSize * sizeof(float),
                kCarryTag);
      carry.final.resize(stateSize);
      comm.recv(size - 1, carry.final.data(), stateSize * sizeof(float),
                kFinalTag);
    } else {
      for (int r = 0; r + 1 < size; ++r)
        comm.send(r, outgoing.data(), stateSize * sizeof(float), kFinalTag);
      carry.final = std::move(outgoing);
    }
    return carry;
  }
  throw Error(Status::InvalidArgument,
              "unknown strategy '" + strategy +
                  "' for a linear recurrence (allgather, ring)");
}
