//===- AttentionParallelTest.cpp - Ring, Ulysses and the lse merge --------===//
//
// runtime/distributed/AttentionParallel.h over an in-process communicator
// whose ranks are threads: the ring visits every block once in its order,
// posts each step's transfers before computing, and counts the bytes the
// header states; Ulysses' two all-to-alls are inverse
// and place every (token, head) where it belongs, with uneven slices; the
// merge of two partial softmaxes equals the softmax over both key sets.
//
//===----------------------------------------------------------------------===//

#include "runtime/distributed/AttentionParallel.h"
#include "test/runtime/distributed/ThreadCommunicator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <mutex>
#include <string>

using namespace recur;
using recur::testing::runRanks;
using recur::testing::ThreadCommunicator;

namespace {

TEST(AttentionParallelTest, RingVisitsEveryBlockOnceAndCountsItsBytes) {
  for (int size : {1, 2, 3, 4}) {
    std::vector<size_t> bytes;
    for (int r = 0; r < size; ++r)
      bytes.push_back(4 * (r + 2)); // uneven blocks
    std::mutex mutex;
    runRanks(size, [&](Communicator &comm) {
      int rank = comm.rank();
      std::vector<int32_t> own(bytes[rank] / 4, 100 * rank);
      std::vector<int> sources;
      auto &events = static_cast<ThreadCommunicator &>(comm).events;
      ringPass(comm, own.data(), bytes,
               [&](int step, int source, const void *data) {
                 events.push_back("compute");
                 sources.push_back(source);
                 const int32_t *values = static_cast<const int32_t *>(data);
                 for (size_t i = 0; i < bytes[source] / 4; ++i)
                   EXPECT_EQ(values[i], 100 * source);
                 EXPECT_EQ(source, (rank - step + size) % size);
               });
      size_t expected = 0;
      for (int j = 0; j < size; ++j)
        if (size > 1 && j != (rank + 1) % size)
          expected += bytes[j];
      // The overlap: each step's transfers are posted before its compute,
      // the last step (nothing left to fetch) computes alone.
      std::vector<std::string> expectedEvents;
      for (int step = 0; step < size; ++step) {
        if (step + 1 < size)
          expectedEvents.insert(expectedEvents.end(), {"irecv", "isend"});
        expectedEvents.push_back("compute");
      }
      std::lock_guard<std::mutex> lock(mutex);
      EXPECT_EQ(events, expectedEvents) << "rank " << rank;
      EXPECT_EQ(sources.size(), size_t(size));
      EXPECT_EQ(comm.bytesSent(), expected) << "rank " << rank;
    });
  }
}

TEST(AttentionParallelTest, UlyssesMovesEveryTokenAndHeadAndBack) {
  const int size = 3, batch = 2, heads = 6, width = 5;
  const std::vector<int64_t> lengths = {4, 3, 3}; // T = 10, uneven
  runRanks(size, [&](Communicator &comm) {
    int rank = comm.rank();
    int64_t start = 0;
    for (int r = 0; r < rank; ++r)
      start += lengths[r];
    int64_t mine = lengths[rank], total = 10, share = heads / size;
    // Element (b, global t, h, e) has the value ((b T + t) H + h) W + e.
    auto value = [&](int64_t b, int64_t t, int64_t h, int64_t e) {
      return float(((b * total + t) * heads + h) * width + e);
    };
    std::vector<float> slice(batch * mine * heads * width);
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t t = 0; t < mine; ++t)
        for (int64_t h = 0; h < heads; ++h)
          for (int64_t e = 0; e < width; ++e)
            slice[((b * mine + t) * heads + h) * width + e] =
                value(b, start + t, h, e);
    std::vector<char> spread = toHeads(comm, slice.data(), batch, lengths,
                                       heads, width * sizeof(float));
    ASSERT_EQ(spread.size(), batch * total * share * width * sizeof(float));
    const float *h = reinterpret_cast<const float *>(spread.data());
    for (int64_t b = 0; b < batch; ++b)
      for (int64_t t = 0; t < total; ++t)
        for (int64_t j = 0; j < share; ++j)
          for (int64_t e = 0; e < width; ++e)
            ASSERT_EQ(h[((b * total + t) * share + j) * width + e],
                      value(b, t, rank * share + j, e));
    std::vector<char> back = toSequence(comm, spread.data(), batch, lengths,
                                        heads, width * sizeof(float));
    ASSERT_EQ(back.size(), slice.size() * sizeof(float));
    EXPECT_EQ(std::memcmp(back.data(), slice.data(), back.size()), 0);
    // Two all-to-alls of (R - 1) blocks padded to the longest slice.
    EXPECT_EQ(comm.bytesSent(),
              2 * (size - 1) * batch * 4 * share * width * sizeof(float));
  });
}

TEST(AttentionParallelTest, UlyssesNeedsHeadsThatDivide) {
  runRanks(2, [](Communicator &comm) {
    float x[3] = {};
    EXPECT_THROW(toHeads(comm, x, 1, {1, 1}, 3, sizeof(float)), std::exception);
  });
}

/// softmax(s) v over a row of scores, and its log-sum-exp.
std::pair<std::vector<double>, double>
softmax(const std::vector<double> &scores,
        const std::vector<std::vector<double>> &values) {
  double m = -INFINITY;
  for (double s : scores)
    m = std::max(m, s);
  double l = 0;
  std::vector<double> out(values.empty() ? 0 : values[0].size());
  for (size_t j = 0; j < scores.size(); ++j) {
    double p = std::exp(scores[j] - m);
    l += p;
    for (size_t d = 0; d < out.size(); ++d)
      out[d] += p * values[j][d];
  }
  for (double &o : out)
    o /= l;
  return {out, m + std::log(l)};
}

TEST(AttentionParallelTest, MergeEqualsTheSoftmaxOverBothKeySets) {
  // One head, rows 0..2 of a running result; the partial covers rows 1..2.
  // Row 0 never sees a partial key; row 1 has seen none before (-inf).
  const int rows = 3, dim = 2;
  std::vector<double> sa = {0.3, -1.2, 2.0}, sb = {1.5, 0.1};
  std::vector<std::vector<double>> va = {{1, 2}, {-1, 0.5}, {0.25, 3}},
                                   vb = {{4, -2}, {0, 1}};
  auto [oa, la] = softmax(sa, va);
  auto [ob, lb] = softmax(sb, vb);
  std::vector<double> all = sa, merged;
  all.insert(all.end(), sb.begin(), sb.end());
  std::vector<std::vector<double>> vall = va;
  vall.insert(vall.end(), vb.begin(), vb.end());
  auto [oab, lab] = softmax(all, vall);

  std::vector<float> out = {float(oa[0]), float(oa[1]), 0, 0,
                            float(oa[0]), float(oa[1])};
  std::vector<float> lse = {float(la), -INFINITY, float(la)};
  std::vector<float> partial = {float(ob[0]), float(ob[1]), float(ob[0]),
                                float(ob[1])};
  std::vector<float> partialLse = {float(lb), float(lb)};
  mergeAttention<float>(out.data(), lse.data(), partial.data(),
                        partialLse.data(), 1, rows, 1, dim, 1, 2);
  EXPECT_FLOAT_EQ(lse[0], float(la)); // untouched
  EXPECT_NEAR(lse[1], lb, 1e-6);      // -inf merged with lb is lb
  EXPECT_NEAR(out[2], ob[0], 1e-6);
  EXPECT_NEAR(lse[2], lab, 1e-6);
  EXPECT_NEAR(out[4], oab[0], 1e-6);
  EXPECT_NEAR(out[5], oab[1], 1e-6);
  // A partial that saw no key changes nothing.
  std::vector<float> none = {-INFINITY, -INFINITY};
  std::vector<float> before = out;
  mergeAttention<float>(out.data(), lse.data(), partial.data(), none.data(), 1,
                        rows, 1, dim, 1, 2);
  EXPECT_EQ(out, before);
  EXPECT_THROW(mergeAttention<float>(out.data(), lse.data(), partial.data(),
                                     partialLse.data(), 1, rows, 1, dim, 2, 2),
               std::exception);
}

} // namespace
