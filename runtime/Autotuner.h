//===- Autotuner.h - Time configs, keep the fastest -------------*- C++ -*-===//
//
// The autotuner shared by the JIT (recur.autotune, recur.ops) and by AOT
// tools: configs already measured under a key come from the tuning
// database; the others are run `warmup` times, then timed `repeats` times,
// and their median is recorded.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_AUTOTUNER_H
#define RECUR_RUNTIME_AUTOTUNER_H

#include "runtime/TuningDatabase.h"

#include <functional>
#include <string>
#include <vector>

namespace recur {

class Autotuner {
public:
  struct Options {
    int warmup = 1;
    int repeats = 5;
  };

  struct Result {
    /// The fastest config and its median seconds.
    std::string best;
    double seconds = 0;
    /// Every config's median seconds, in the order given.
    std::vector<double> timings;
    /// The configs timed now (the others came from the database).
    std::vector<std::string> timed;
  };

  explicit Autotuner(const TuningDatabase &database) : database_(database) {}

  /// Picks the fastest of `configs` (non-empty, distinct) under `key`;
  /// `run(config)` runs the work once with that config. Errors from `run`
  /// propagate and record nothing for that config.
  Result tune(const std::string &key, const std::vector<std::string> &configs,
              const std::function<void(const std::string &)> &run,
              const Options &options) const;

  /// The median wall time of `repeats` runs after `warmup` runs.
  static double medianSeconds(const std::function<void()> &run, int warmup,
                              int repeats);

private:
  const TuningDatabase &database_;
};

} // namespace recur

#endif // RECUR_RUNTIME_AUTOTUNER_H
