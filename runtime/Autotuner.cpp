//===- Autotuner.cpp - Time configs, keep the fastest ---------------------===//

#include "runtime/Autotuner.h"
#include "runtime/Error.h"

#include <algorithm>
#include <chrono>
#include <set>

using namespace recur;

double Autotuner::medianSeconds(const std::function<void()> &run, int warmup,
                                int repeats) {
  for (int i = 0; i < warmup; ++i)
    run();
  std::vector<double> times;
  for (int i = 0; i < std::max(repeats, 1); ++i) {
    auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  }
  std::sort(times.begin(), times.end());
  size_t n = times.size();
  return n % 2 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
}

Autotuner::Result
Autotuner::tune(const std::string &key, const std::vector<std::string> &configs,
                const std::function<void(const std::string &)> &run,
                const Options &options) const {
  if (configs.empty())
    throw Error(Status::InvalidArgument,
                "autotuning needs at least one config");
  if (std::set<std::string>(configs.begin(), configs.end()).size() !=
      configs.size())
    throw Error(Status::InvalidArgument, "autotuning configs must be distinct");
  Result result;
  for (const std::string &config : configs) {
    double seconds;
    if (auto known = database_.lookup(key, config)) {
      seconds = known->seconds;
    } else {
      seconds =
          medianSeconds([&] { run(config); }, options.warmup, options.repeats);
      // A run faster than the clock resolves still orders correctly.
      seconds = std::max(seconds, 1e-9);
      database_.record(key, config, {seconds, std::max(options.repeats, 1)});
      result.timed.push_back(config);
    }
    result.timings.push_back(seconds);
    if (result.best.empty() || seconds < result.seconds) {
      result.best = config;
      result.seconds = seconds;
    }
  }
  return result;
}
