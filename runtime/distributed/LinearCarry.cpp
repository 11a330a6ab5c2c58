//===- LinearCarry.cpp - States of linear recurrences across ranks --------===//

#include "runtime/distributed/LinearCarry.h"
#include "runtime/Error.h"

#include <algorithm>
#include <cstring>

using namespace recur;

namespace {

constexpr int kCarryTag = 7001, kFinalTag = 7002, kShiftTag = 7003,
              kBlockTag = 7100;

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

/// Value columns [begin, end) of a matrix fold, state = M state + add, with
/// M the [K, K] matrix of each (n, h): columns do not couple.
void foldColumns(float *state, const float *matrix, const float *add,
                 int64_t begin, int64_t end, const LinearSummary &s) {
  int64_t K = s.keyDim, V = s.valueDim;
  std::vector<double> column(K);
  for (int64_t nh = 0; nh < s.sequences * s.heads; ++nh) {
    const float *m = matrix + nh * K * K;
    float *S = state + nh * K * V;
    const float *a = add + nh * K * V;
    for (int64_t v = begin; v < end; ++v) {
      for (int64_t i = 0; i < K; ++i) {
        double sum = 0;
        for (int64_t j = 0; j < K; ++j)
          sum += double(m[i * K + j]) * S[j * V + v];
        column[i] = sum;
      }
      for (int64_t i = 0; i < K; ++i)
        S[i * V + v] = float(column[i]) + a[i * V + v];
    }
  }
}

/// state = fold(state, (add, transition)) over the whole state, or
/// state = add where the summary resets.
void fold(std::vector<float> &state, const float *transition, const float *add,
          const LinearSummary &s, bool reset) {
  if (reset)
    std::copy(add, add + state.size(), state.begin());
  else if (s.matrix)
    foldColumns(state.data(), transition, add, 0, s.valueDim, s);
  else
    foldRows(state.data(), transition, add, 0, s.sequences * s.heads * s.keyDim,
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

/// One block of the state for "allscan": rows [begin, end) of a diagonal
/// fold (contiguous), or value columns [begin, end) of every (n, h, k) row
/// of a matrix fold (packed into a buffer to travel).
struct Block {
  int64_t begin, end;
  bool columns;
  const LinearSummary &s;

  size_t floats() const {
    return (end - begin) *
           (columns ? s.sequences * s.heads * s.keyDim : s.valueDim);
  }
  void pack(const float *state, float *buffer) const {
    if (!columns) {
      std::copy(state + begin * s.valueDim, state + end * s.valueDim, buffer);
      return;
    }
    for (int64_t row = 0; row < s.sequences * s.heads * s.keyDim; ++row)
      for (int64_t v = begin; v < end; ++v)
        *buffer++ = state[row * s.valueDim + v];
  }
  void unpack(const float *buffer, float *state) const {
    if (!columns) {
      std::copy(buffer, buffer + floats(), state + begin * s.valueDim);
      return;
    }
    for (int64_t row = 0; row < s.sequences * s.heads * s.keyDim; ++row)
      for (int64_t v = begin; v < end; ++v)
        state[row * s.valueDim + v] = *buffer++;
  }
  /// out's block = fold(in's block, (add, transition)), or add's on a reset.
  void fold(const float *in, float *out, const float *transition,
            const float *add, bool reset) const {
    std::vector<float> buffer(floats());
    pack(reset ? add : in, buffer.data());
    unpack(buffer.data(), out);
    if (reset)
      return;
    if (columns)
      foldColumns(out, transition, add, begin, end, s);
    else
      foldRows(out, transition, add, begin, end, s.valueDim);
  }
};

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
  auto resets = [&](int r) { return s.resets && s.resets[r]; };
  auto receives = [&](int r) {
    return r > 0 && r < size && (!s.receives || s.receives[r]);
  };
  bool reset = resets(rank);

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
      fold(running, transition ? summary + stateSize : nullptr, summary, s,
           resets(r));
    }
    if (s.final)
      carry.final = std::move(running);
    return carry;
  }
  if (strategy == "ring") {
    // A resetting rank's outgoing state does not depend on its incoming one:
    // it sends first, so the chain breaks at sequence starts.
    std::vector<float> outgoing(stateSize);
    auto receive = [&] {
      if (receives(rank))
        comm.recv(rank - 1, carry.incoming.data(), stateSize * sizeof(float),
                  kCarryTag);
    };
    if (!reset)
      receive();
    outgoing = carry.incoming;
    fold(outgoing, transition, s.state, s, reset);
    if (receives(rank + 1))
      comm.send(rank + 1, outgoing.data(), stateSize * sizeof(float),
                kCarryTag);
    if (reset)
      receive();
    if (s.final)
      shareFinal(comm, carry, std::move(outgoing), stateSize);
    return carry;
  }
  if (strategy == "allscan") {
    // ZeCO-style: the state passes once along the ranks in blocks, so rank
    // r + 1 folds block j while rank r folds and sends block j + 1.
    bool columns = s.matrix != nullptr;
    int64_t units = columns ? s.valueDim : s.sequences * s.heads * s.keyDim;
    int64_t blocks = std::max<int64_t>(1, std::min(units, kLinearScanBlocks));
    std::vector<float> outgoing(stateSize), buffer;
    for (int64_t b = 0; b < blocks; ++b) {
      Block block{units * b / blocks, units * (b + 1) / blocks, columns, s};
      buffer.resize(block.floats());
      size_t bytes = buffer.size() * sizeof(float);
      int tag = kBlockTag + static_cast<int>(b);
      auto receive = [&] {
        if (!receives(rank))
          return;
        comm.recv(rank - 1, buffer.data(), bytes, tag);
        block.unpack(buffer.data(), carry.incoming.data());
      };
      if (!reset)
        receive();
      block.fold(carry.incoming.data(), outgoing.data(), transition, s.state,
                 reset);
      if (receives(rank + 1)) {
        block.pack(outgoing.data(), buffer.data());
        comm.send(rank + 1, buffer.data(), bytes, tag);
      }
      if (reset)
        receive();
    }
    if (s.final)
      shareFinal(comm, carry, std::move(outgoing), stateSize);
    return carry;
  }
  throw Error(Status::InvalidArgument,
              "unknown strategy '" + strategy +
                  "' for a linear recurrence (allgather, allscan, ring)");
}

void recur::shiftToNext(Communicator &comm, const void *data, void *out,
                        size_t bytes) {
  int rank = comm.rank(), size = comm.size();
  std::unique_ptr<Request> sent;
  if (rank + 1 < size)
    sent = comm.isend(rank + 1, data, bytes, kShiftTag);
  if (rank > 0)
    comm.recv(rank - 1, out, bytes, kShiftTag);
  if (sent)
    sent->wait();
}
