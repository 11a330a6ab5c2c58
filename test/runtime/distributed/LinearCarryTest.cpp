//===- LinearCarryTest.cpp - The linear carry over threads as ranks -------===//
//
// runtime/distributed/LinearCarry.h: every strategy's entering and final
// states equal the sequential fold of the ranks' summaries, with diagonal
// and matrix transitions (the all-scan's column blocks) and with the resets
// of packed sequences; ring and all-scan send only to ranks that receive.
//
//===----------------------------------------------------------------------===//

#include "runtime/distributed/LinearCarry.h"
#include "test/runtime/distributed/ThreadCommunicator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

using namespace recur;
using recur::testing::runRanks;

namespace {

constexpr int64_t kHeads = 2, kKeys = 3, kValues = 5;
constexpr int64_t kState = kHeads * kKeys * kValues;

struct Summaries {
  std::vector<std::vector<float>> state, transition;
};

Summaries randomSummaries(int size, bool matrix) {
  std::mt19937 engine(size);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  Summaries s;
  for (int r = 0; r < size; ++r) {
    std::vector<float> state(kState),
        transition(kHeads * kKeys * (matrix ? kKeys : 1));
    for (float &x : state)
      x = uniform(engine);
    for (float &x : transition)
      x = 0.5f * uniform(engine);
    s.state.push_back(state);
    s.transition.push_back(transition);
  }
  return s;
}

/// S = M S + add (matrix), or diag(D) S + add, or add on a reset.
void foldReference(std::vector<double> &S, const std::vector<float> &add,
                   const std::vector<float> &transition, bool matrix,
                   bool reset) {
  std::vector<double> out(kState);
  for (int64_t h = 0; h < kHeads; ++h)
    for (int64_t i = 0; i < kKeys; ++i)
      for (int64_t v = 0; v < kValues; ++v) {
        double sum = 0;
        if (matrix) {
          for (int64_t j = 0; j < kKeys; ++j)
            sum += transition[(h * kKeys + i) * kKeys + j] *
                   S[(h * kKeys + j) * kValues + v];
        } else {
          sum = transition[h * kKeys + i] * S[(h * kKeys + i) * kValues + v];
        }
        size_t at = (h * kKeys + i) * kValues + v;
        out[at] = (reset ? 0.0 : sum) + add[at];
      }
  S = out;
}

void checkCarry(int size, bool matrix, const std::vector<uint8_t> &resets,
                const std::vector<uint8_t> &receives,
                const std::string &strategy) {
  Summaries s = randomSummaries(size, matrix);
  bool packed = !resets.empty();
  std::vector<std::vector<double>> expected(size + 1);
  std::vector<double> running(kState, 0.0);
  for (int r = 0; r < size; ++r) {
    expected[r] = running;
    foldReference(running, s.state[r], s.transition[r], matrix,
                  packed && resets[r]);
  }
  expected[size] = running;
  runRanks(size, [&](Communicator &comm) {
    int rank = comm.rank();
    LinearSummary summary;
    summary.sequences = 1;
    summary.heads = kHeads;
    summary.keyDim = kKeys;
    summary.valueDim = kValues;
    summary.state = s.state[rank].data();
    (matrix ? summary.matrix : summary.decay) = s.transition[rank].data();
    if (packed) {
      summary.resets = resets.data();
      summary.receives = receives.data();
      summary.final = false;
    }
    LinearCarry carry = carryLinearState(comm, summary, strategy);
    if (!packed || receives[rank]) {
      for (int64_t i = 0; i < kState; ++i)
        EXPECT_NEAR(carry.incoming[i], expected[rank][i], 1e-5)
            << strategy << " rank " << rank << " element " << i;
    }
    if (!packed) {
      ASSERT_EQ(carry.final.size(), size_t(kState));
      for (int64_t i = 0; i < kState; ++i)
        EXPECT_NEAR(carry.final[i], expected[size][i], 1e-5);
    } else {
      EXPECT_TRUE(carry.final.empty());
    }
    if (packed && strategy != "allgather") {
      bool sends = rank + 1 < size && receives[rank + 1];
      EXPECT_EQ(comm.bytesSent(), sends ? kState * sizeof(float) : 0u)
          << strategy << " rank " << rank;
    }
  });
}

TEST(LinearCarryTest, EveryStrategyFoldsDecaysAndMatrices) {
  for (int size : {1, 2, 3, 4})
    for (bool matrix : {false, true})
      for (const char *strategy : {"allgather", "allscan", "ring"})
        checkCarry(size, matrix, {}, {}, strategy);
}

TEST(LinearCarryTest, PackedSequencesResetTheFold) {
  // Rank 0 starts a sequence; rank 1 continues it; rank 2 continues it and
  // starts another; rank 3 starts one at its first step (receives nothing).
  std::vector<uint8_t> resets{1, 0, 1, 1}, receives{0, 1, 1, 0};
  for (bool matrix : {false, true})
    for (const char *strategy : {"allgather", "allscan", "ring"})
      checkCarry(4, matrix, resets, receives, strategy);
}

} // namespace
