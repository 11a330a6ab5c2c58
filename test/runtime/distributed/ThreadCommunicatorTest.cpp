//===- ThreadCommunicatorTest.cpp - The threads-as-ranks stand-in ---------===//
//
// The distributed runtime's tests run over ThreadCommunicator, so its
// collectives must do what MPI's do, or those tests prove nothing: every
// rank's block in rank order, the elementwise maximum on every rank, and
// the bytes counted as the Communicator interface states.
//
//===----------------------------------------------------------------------===//

#include "test/runtime/distributed/ThreadCommunicator.h"

#include <gtest/gtest.h>

#include <vector>

using namespace recur;
using recur::testing::runRanks;

TEST(ThreadCommunicatorTest, AllgatherGathersInRankOrder) {
  runRanks(3, [](Communicator &comm) {
    int mine[2] = {10 * comm.rank(), 10 * comm.rank() + 1};
    std::vector<int> all(6);
    comm.allgather(mine, all.data(), sizeof(mine));
    EXPECT_EQ(all, (std::vector<int>{0, 1, 10, 11, 20, 21}));
    EXPECT_EQ(comm.bytesSent(), 2 * sizeof(mine));
  });
}

TEST(ThreadCommunicatorTest, AllreduceMaxTakesTheLargestOnEveryRank) {
  runRanks(3, [](Communicator &comm) {
    // Rank r holds {r, -r, 1 if r == 1}: maxima {2, 0, 1}.
    double values[3] = {double(comm.rank()), -double(comm.rank()),
                        comm.rank() == 1 ? 1.0 : 0.0};
    comm.allreduceMax(values, 3);
    EXPECT_EQ(std::vector<double>(values, values + 3),
              (std::vector<double>{2.0, 0.0, 1.0}));
    EXPECT_EQ(comm.bytesSent(), 0u); // control data
  });
}
