//===- EmuDevice.h - GPU kernels on the SIMT emulator ------------*- C++
//-*-===//
//
// The `emu:sm_80`, `emu:sm_90` and `emu:gfx942` devices: kernels compiled
// through a GPU target's lowering (CpuCompileOptions::emulatedGPU) and
// loaded like CPU kernels, launched on runtime/emu with one fiber per GPU
// thread. It checks the GPU lowering on machines without a GPU; it is not
// fast.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_EMUDEVICE_H
#define RECUR_RUNTIME_EMUDEVICE_H

#include "runtime/CpuCompiler.h"
#include "runtime/CpuModule.h"

#include "llvm/ADT/ArrayRef.h"

namespace recur {

class EmuDevice {
public:
  /// `numWorkers` OS threads run blocks in parallel (0: one per core).
  /// `scheduleSeed` (0: threads in order) runs each block's threads in a
  /// reproducible shuffled order, so a missing barrier changes results;
  /// RECUR_EMU_SCHEDULE_SEED sets it for the Python device.
  explicit EmuDevice(unsigned numWorkers = 0, uint32_t scheduleSeed = 0)
      : numWorkers(numWorkers), scheduleSeed(scheduleSeed) {}

  /// Runs `kernel` on a grid of blocks of `block`. Throws
  /// recur::Error(LaunchError) with the emulator's message (barrier
  /// divergence, illegal address, ...), AssertionFailed for traps, and
  /// InvalidArgument for a bad grid or argument count.
  void launch(const CpuModule::Kernel &kernel,
              const CpuArtifact::EmulatedBlock &block,
              llvm::ArrayRef<KernelArg> args, Grid grid) const;

private:
  unsigned numWorkers;
  uint32_t scheduleSeed;
};

/// Defines the emulator's `__recur_emu_*` functions for JIT-linked kernels.
void addEmulatorSymbols(llvm::function_ref<void(const char *, void *)> define);

} // namespace recur

#endif // RECUR_RUNTIME_EMUDEVICE_H
