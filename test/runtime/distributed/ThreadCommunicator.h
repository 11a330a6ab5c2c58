//===- ThreadCommunicator.h - Ranks as threads, for tests -------*- C++ -*-===//
//
// An in-process Communicator whose ranks are threads sharing mailboxes and a
// barrier: the distributed runtime's tests run over it without MPI. Sends
// are buffered (complete at once); receives wait for their message.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_TEST_RUNTIME_DISTRIBUTED_THREADCOMMUNICATOR_H
#define RECUR_TEST_RUNTIME_DISTRIBUTED_THREADCOMMUNICATOR_H

#include "runtime/distributed/Communicator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

namespace recur::testing {

/// Mailboxes and a barrier shared by the threads of one run.
struct World {
  explicit World(int size) : size(size), slots(size) {}
  int size;
  std::mutex mutex;
  std::condition_variable changed;
  /// (source, destination, tag) -> queued messages.
  std::map<std::tuple<int, int, int>, std::vector<std::vector<char>>> boxes;
  std::vector<const void *> slots;
  int arrived = 0, generation = 0;

  void barrier() {
    std::unique_lock<std::mutex> lock(mutex);
    int mine = generation;
    if (++arrived == size) {
      arrived = 0;
      ++generation;
      changed.notify_all();
    } else {
      changed.wait(lock, [&] { return generation != mine; });
    }
  }
};

class ThreadCommunicator : public Communicator {
public:
  ThreadCommunicator(World &world, int rank) : world_(world), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return world_.size; }

  void allgather(const void *in, void *out, size_t bytes) override {
    publish(in);
    for (int r = 0; r < world_.size; ++r)
      std::memcpy(static_cast<char *>(out) + r * bytes, world_.slots[r], bytes);
    world_.barrier();
    countSent(bytes * (world_.size - 1));
  }
  void allgatherv(const void *in, void *out,
                  const std::vector<size_t> &bytes) override {
    publish(in);
    size_t offset = 0;
    for (int r = 0; r < world_.size; ++r) {
      std::memcpy(static_cast<char *>(out) + offset, world_.slots[r], bytes[r]);
      offset += bytes[r];
    }
    world_.barrier();
    countSent(bytes[rank_] * (world_.size - 1));
  }
  void alltoall(const void *in, void *out, size_t bytes) override {
    publish(in);
    for (int r = 0; r < world_.size; ++r)
      std::memcpy(static_cast<char *>(out) + r * bytes,
                  static_cast<const char *>(world_.slots[r]) + rank_ * bytes,
                  bytes);
    world_.barrier();
    countSent(bytes * (world_.size - 1));
  }
  void send(int destination, const void *data, size_t bytes, int tag) override {
    std::lock_guard<std::mutex> lock(world_.mutex);
    const char *begin = static_cast<const char *>(data);
    world_.boxes[{rank_, destination, tag}].emplace_back(begin, begin + bytes);
    world_.changed.notify_all();
    countSent(bytes);
  }
  void recv(int source, void *data, size_t bytes, int tag) override {
    std::unique_lock<std::mutex> lock(world_.mutex);
    auto &box = world_.boxes[{source, rank_, tag}];
    world_.changed.wait(lock, [&] { return !box.empty(); });
    ASSERT_EQ(box.front().size(), bytes);
    std::memcpy(data, box.front().data(), bytes);
    box.erase(box.begin());
  }
  std::unique_ptr<Request> isend(int destination, const void *data,
                                 size_t bytes, int tag) override {
    events.push_back("isend");
    send(destination, data, bytes, tag); // buffered: complete at once
    return std::make_unique<Deferred>([] {});
  }
  std::unique_ptr<Request> irecv(int source, void *data, size_t bytes,
                                 int tag) override {
    events.push_back("irecv");
    return std::make_unique<Deferred>([=] { recv(source, data, bytes, tag); });
  }
  void allreduceMax(double *values, size_t count) override {
    std::vector<double> mine(values, values + count);
    publish(mine.data());
    for (int r = 0; r < world_.size; ++r)
      for (size_t i = 0; i < count; ++i)
        values[i] = std::max(values[i],
                             static_cast<const double *>(world_.slots[r])[i]);
    world_.barrier();
  }

  /// This rank's non-blocking posts, in order (the test adds its computes).
  std::vector<std::string> events;

private:
  struct Deferred : Request {
    explicit Deferred(std::function<void()> finish)
        : finish(std::move(finish)) {}
    void wait() override {
      if (finish)
        std::exchange(finish, nullptr)();
    }
    ~Deferred() override { wait(); }
    std::function<void()> finish;
  };

  /// Makes `in` visible to every rank until the barrier after the copies.
  void publish(const void *in) {
    {
      std::lock_guard<std::mutex> lock(world_.mutex);
      world_.slots[rank_] = in;
    }
    world_.barrier();
  }

  World &world_;
  int rank_;
};

/// Runs body(comm) on `size` threads, one rank each.
inline void runRanks(int size,
                     const std::function<void(Communicator &)> &body) {
  World world(size);
  std::vector<std::thread> threads;
  for (int r = 0; r < size; ++r)
    threads.emplace_back([&, r] {
      ThreadCommunicator comm(world, r);
      body(comm);
    });
  for (std::thread &thread : threads)
    thread.join();
}

} // namespace recur::testing

#endif // RECUR_TEST_RUNTIME_DISTRIBUTED_THREADCOMMUNICATOR_H
