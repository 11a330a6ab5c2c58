//===- CpuDebug.h - Runtime side of tile.assert and tile.print ---*- C++
//-*-===//
//
// Compiled CPU kernels call these (see compiler/TileToCPU/DebugOpToCPU.cpp).
// A failed assertion is recorded for the launch that runs on the calling
// thread; the launch then fails with Status::AssertionFailed instead of
// aborting the process.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_CPUDEBUG_H
#define RECUR_RUNTIME_CPUDEBUG_H

#include <cstdint>
#include <mutex>
#include <string>

extern "C" {
void recur_cpu_assert_fail(const char *message, int32_t pidX, int32_t pidY,
                           int32_t pidZ);
void recur_cpu_print_f64(const char *prefix, int32_t pidX, int32_t pidY,
                         int32_t pidZ, int64_t index, double value);
void recur_cpu_print_i64(const char *prefix, int32_t pidX, int32_t pidY,
                         int32_t pidZ, int64_t index, int64_t value,
                         int32_t hex);
}

namespace recur {

/// What the programs of one launch report back: the first failed assertion.
class LaunchReport {
public:
  void recordAssertion(const std::string &message);
  /// The first failure's message, or empty when every assertion held.
  std::string firstFailure() const;

private:
  mutable std::mutex mutex_;
  std::string firstFailure_;
};

/// Makes `report` receive what kernels on this thread report while alive.
class ScopedLaunchReport {
public:
  explicit ScopedLaunchReport(LaunchReport &report);
  ~ScopedLaunchReport();

private:
  LaunchReport *previous_;
};

} // namespace recur

#endif // RECUR_RUNTIME_CPUDEBUG_H
