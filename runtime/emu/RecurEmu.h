/*===- RecurEmu.h - The host side of the SIMT emulator ------------*- C -*-===*\
|*                                                                            *|
|* The host side of the SIMT emulator: a launch runs every block of a grid,   *|
|* each thread of a block as a fiber, so that kernels lowered from the gpu    *|
|* dialect (with every GPU intrinsic turned into a call to the functions of   *|
|* RecurEmuIntrinsics.h) can be checked on a machine without a GPU. It is a   *|
|* testing device, not a fast one. See docs/gpu.md, "SIMT emulation".         *|
\*===----------------------------------------------------------------------===*/

#ifndef RECUR_RUNTIME_EMU_RECUREMU_H
#define RECUR_RUNTIME_EMU_RECUREMU_H

#include "runtime/CApi.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One launch: what cuLaunchKernel (or hipModuleLaunchKernel) takes. */
typedef struct recur_emu_kernel {
  /** The kernel: `args` is passed unchanged to every thread. */
  void (*entry)(void **args);
  void **args;
  /** Names the kernel in error messages; may be NULL. */
  const char *name;
  /** Blocks per grid dimension (x, y, z), each at least 1. */
  uint32_t grid[3];
  /** Threads per block dimension (x, y, z), each at least 1, at most 1024 in
   *  all; thread x varies fastest, as on the GPU. */
  uint32_t block[3];
  /** Shared memory of the kernel's static allocations, then of its dynamic
   *  allocation (cuLaunchKernel's sharedMemBytes). */
  uint32_t static_shared_bytes;
  uint32_t dynamic_shared_bytes;
  /** 32 (NVIDIA warps) or 64 (AMD wavefronts, gfx90a/gfx942). */
  uint32_t warp_size;
  /** OS threads that run blocks; 0: one per hardware thread. */
  uint32_t num_workers;
  /** Bytes of each fiber's stack; 0: 256 KiB. */
  uint32_t stack_bytes;
  /** 0: the threads of a block run in order of their linear ids between
   *  synchronisation points. Otherwise a pseudo-random order drawn from
   *  this seed (and the block id), the same on every run: a kernel that
   *  reads another thread's shared-memory write without a barrier between
   *  them gives different results under different seeds. */
  uint32_t schedule_seed;
} recur_emu_kernel_t;

/** Runs every block of `kernel` and returns when all are done or one failed.
 *  Returns RECUR_SUCCESS, RECUR_ERROR_INVALID_ARGUMENT (a bad launch
 *  configuration), RECUR_ERROR_LAUNCH (a SIMT error the emulator detected:
 *  barrier divergence, mismatched warp collectives, a deadlock, a shuffle
 *  from an exited lane, a bad ldmatrix address, a stack overflow or an
 *  illegal memory access in a kernel), RECUR_ERROR_ASSERTION
 *  (__recur_emu_trap) or RECUR_ERROR_INTERNAL (out of memory), and sets the
 *  calling thread's recur_emu_last_error(). Must not be called from a
 *  kernel. */
recur_status_t recur_emu_launch(const recur_emu_kernel_t *kernel);

/** The message of this thread's last launch ("" if it succeeded). */
const char *recur_emu_last_error(void);

/** Fiber stacks currently mapped, in use or cached for later launches. */
size_t recur_emu_mapped_stacks(void);

/** Unmaps the cached fiber stacks no launch is using. */
void recur_emu_release_stacks(void);

#ifdef __cplusplus
}
#endif

#endif /* RECUR_RUNTIME_EMU_RECUREMU_H */
