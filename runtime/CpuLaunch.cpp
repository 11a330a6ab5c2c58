//===- CpuLaunch.cpp - Run a packed kernel entry over a grid --------------===//

#include "runtime/CpuLaunch.h"
#include "runtime/CpuDebug.h"
#include "runtime/Error.h"
#include "runtime/WorkerPool.h"

#include <algorithm>
#include <climits>

using namespace recur;

void recur::launchPacked(WorkerPool &pool, unsigned numThreads,
                         PackedEntry entry, const std::string &name,
                         std::vector<KernelArg> args, Grid grid) {
  constexpr int64_t kMaxDim = INT32_MAX;
  if (grid.x < 0 || grid.y < 0 || grid.z < 0 || grid.x > kMaxDim ||
      grid.y > kMaxDim || grid.z > kMaxDim)
    throw Error(Status::InvalidArgument,
                "grid (" + std::to_string(grid.x) + ", " +
                    std::to_string(grid.y) + ", " + std::to_string(grid.z) +
                    ") of kernel '" + name +
                    "' must have dimensions in [0, 2^31)");
  int64_t total = grid.size();
  if (total == 0)
    return;
  int32_t dims[3] = {static_cast<int32_t>(grid.x), static_cast<int32_t>(grid.y),
                     static_cast<int32_t>(grid.z)};
  LaunchReport report;
  auto runRange = [&](int64_t begin, int64_t end) {
    ScopedLaunchReport scope(report);
    // Workers share the argument values: kernels only read them through
    // these pointers. Only the program range is each worker's own.
    std::vector<void *> packed;
    packed.reserve(args.size() + 5);
    for (KernelArg &arg : args)
      packed.push_back(arg.data());
    for (int32_t &dim : dims)
      packed.push_back(&dim);
    packed.push_back(&begin);
    packed.push_back(&end);
    entry(packed.data());
  };
  int64_t workers = std::min<int64_t>(total, std::max(numThreads, 1u));
  pool.run(static_cast<unsigned>(workers), [&](unsigned w) {
    runRange(total * w / workers, total * (w + 1) / workers);
  });
  std::string failure = report.firstFailure();
  if (!failure.empty())
    throw Error(Status::AssertionFailed,
                "kernel '" + name + "': assertion failed in " + failure);
}
