//===- CpuDebug.cpp - Runtime side of tile.assert and tile.print ----------===//

#include "runtime/CpuDebug.h"

#include <cinttypes>
#include <cstdio>

using namespace recur;

static thread_local LaunchReport *currentReport = nullptr;

/// One lock for all printing, so lines of concurrent programs do not mix.
static std::mutex printMutex;

void LaunchReport::recordAssertion(const std::string &message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (firstFailure_.empty())
    firstFailure_ = message;
}

std::string LaunchReport::firstFailure() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return firstFailure_;
}

ScopedLaunchReport::ScopedLaunchReport(LaunchReport &report)
    : previous_(currentReport) {
  currentReport = &report;
}

ScopedLaunchReport::~ScopedLaunchReport() { currentReport = previous_; }

extern "C" void recur_cpu_assert_fail(const char *message, int32_t pidX,
                                      int32_t pidY, int32_t pidZ) {
  std::string text = "program (" + std::to_string(pidX) + ", " +
                     std::to_string(pidY) + ", " + std::to_string(pidZ) +
                     "): " + message;
  if (currentReport) {
    currentReport->recordAssertion(text);
    return;
  }
  std::lock_guard<std::mutex> lock(printMutex);
  std::fprintf(stderr, "recur: assertion failed in %s\n", text.c_str());
}

static void printHeader(const char *prefix, int32_t x, int32_t y, int32_t z,
                        int64_t index) {
  std::printf("pid (%d, %d, %d)", x, y, z);
  if (index >= 0)
    std::printf(" idx (%" PRId64 ")", index);
  // index -1: a scalar value; -2: no value at all.
  std::printf(" %s", prefix);
}

extern "C" void recur_cpu_print_f64(const char *prefix, int32_t pidX,
                                    int32_t pidY, int32_t pidZ, int64_t index,
                                    double value) {
  std::lock_guard<std::mutex> lock(printMutex);
  printHeader(prefix, pidX, pidY, pidZ, index);
  std::printf("%.9g\n", value);
}

extern "C" void recur_cpu_print_i64(const char *prefix, int32_t pidX,
                                    int32_t pidY, int32_t pidZ, int64_t index,
                                    int64_t value, int32_t hex) {
  std::lock_guard<std::mutex> lock(printMutex);
  printHeader(prefix, pidX, pidY, pidZ, index);
  if (index == -2) // A print with no values: the prefix alone.
    std::printf("\n");
  else if (hex)
    std::printf("0x%" PRIx64 "\n", static_cast<uint64_t>(value));
  else
    std::printf("%" PRId64 "\n", value);
}
