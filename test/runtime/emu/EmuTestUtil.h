//===- EmuTestUtil.h - Launching test kernels on the emulator ---*- C++ -*-===//

#ifndef RECUR_TEST_RUNTIME_EMU_EMUTESTUTIL_H
#define RECUR_TEST_RUNTIME_EMU_EMUTESTUTIL_H

#include "runtime/emu/RecurEmu.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

#include <cstdint>
#include <string>
#include <vector>

namespace recur::emu::test {

/// A launch description with the defaults tests use; fill in what differs.
inline recur_emu_kernel_t kernel(void (*entry)(void **), void **args,
                                 const char *name) {
  recur_emu_kernel_t k{};
  k.entry = entry;
  k.args = args;
  k.name = name;
  k.grid[0] = k.grid[1] = k.grid[2] = 1;
  k.block[0] = k.block[1] = k.block[2] = 1;
  k.warp_size = 32;
  k.num_workers = 2;
  return k;
}

/// The kernel argument at `index` as a T (arguments are passed by address).
template <typename T> T arg(void **args, int index) {
  return *static_cast<T *>(args[index]);
}

/// The linear id of the calling thread in its block.
inline int32_t linearThread() {
  return __recur_emu_thread_id(0) +
         __recur_emu_block_dim(0) *
             (__recur_emu_thread_id(1) +
              __recur_emu_block_dim(1) * __recur_emu_thread_id(2));
}

/// shfl.sync's c operand for a shuffle within segments of `width` lanes:
/// the segment mask in bits 8-12 and the clamp (0 for up, width - 1 within
/// the segment otherwise) in bits 0-4.
inline uint32_t shflC(uint32_t width, bool up, uint32_t warpSize = 32) {
  return ((warpSize - width) << 8) | (up ? 0 : warpSize - 1);
}

} // namespace recur::emu::test

#endif // RECUR_TEST_RUNTIME_EMU_EMUTESTUTIL_H
