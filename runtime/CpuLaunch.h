//===- CpuLaunch.h - Run a packed kernel entry over a grid ------*- C++ -*-===//
//
// What a CPU launch is once the kernel is in memory: the program range split
// across a worker pool, each worker calling the kernel's packed entry, and
// device assertions collected into one error. The JIT device (CpuDevice) and
// the C API that ahead-of-time kernels call (CApi.h) share it; it needs no
// LLVM or MLIR at run time.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_CPULAUNCH_H
#define RECUR_RUNTIME_CPULAUNCH_H

#include "runtime/Kernel.h"

#include <cstdint>
#include <string>
#include <vector>

namespace recur {

class WorkerPool;

/// `void(void **)`: the kernel's arguments, then gx, gy, gz (i32) and the
/// program range [begin, end) (i64), each by address.
using PackedEntry = void (*)(void **);

/// Runs programs [0, grid.size()) of `entry` on up to `numThreads` workers of
/// `pool`. Throws recur::Error: InvalidArgument for a grid outside
/// [0, 2^31) per dimension, AssertionFailed naming the first failed
/// `tile.assert` (kernel `name`).
void launchPacked(WorkerPool &pool, unsigned numThreads, PackedEntry entry,
                  const std::string &name, std::vector<KernelArg> args,
                  Grid grid);

} // namespace recur

#endif // RECUR_RUNTIME_CPULAUNCH_H
