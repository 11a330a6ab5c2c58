//===- WarpgroupMma.h - wgmma's descriptors and fragments -------*- C++ -*-===//
//
// The pieces of the emulated `wgmma.mma_async` (sm_90a) that tests check on
// their own: the 64-bit shared-memory matrix descriptor and the layout of
// the accumulator fragment over the 128 threads of a warpgroup, both as the
// PTX ISA defines them ("Matrix Descriptor Format"; "Register Fragments and
// Shared Memory Matrix Layouts" for wgmma .m64nNk16 / .m64nNk8).
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_EMU_WARPGROUPMMA_H
#define RECUR_RUNTIME_EMU_WARPGROUPMMA_H

#include <cstdint>

namespace recur::emu {

/// A decoded matrix descriptor; addresses and offsets in bytes. The start
/// address is in the shared-memory window, which the emulator places at
/// the block's shared memory (offset 0 is its first byte).
struct MatrixDescriptor {
  uint32_t start;      // bits 0-13, in 16-byte units
  uint32_t leading;    // bits 16-29: between core matrices adjacent in K
  uint32_t stride;     // bits 32-45: between core matrices adjacent in M or N
  unsigned baseOffset; // bits 49-51 (swizzled layouts only)
  unsigned swizzle;    // bits 62-63: 0 none, 1 128B, 2 64B, 3 32B
};

MatrixDescriptor decodeMatrixDescriptor(uint64_t descriptor);

/// The byte offset from the start address of element (row, k) of a K-major
/// operand in the no-swizzle layout: core matrices of 8 rows of 16 bytes,
/// 128 contiguous bytes each, `leading` apart along K and `stride` apart
/// along the rows (M for A, N for B).
uint32_t coreMatrixOffset(const MatrixDescriptor &descriptor, unsigned row,
                          unsigned k, unsigned elementBytes);

/// Where register `i` of thread `thread` (0-127) of a warpgroup's m64nN f32
/// accumulator sits: warp w = thread / 32 holds rows 16w..16w+15, and lane
/// l the m16n8 C-fragment elements of every 8 columns: row 16w + l / 4 +
/// 8 ((i >> 1) & 1), column 8 (i >> 2) + 2 (l % 4) + (i & 1).
struct FragmentCoord {
  unsigned row, col;
};
FragmentCoord wgmmaAccumulatorAt(unsigned thread, unsigned i);

} // namespace recur::emu

#endif // RECUR_RUNTIME_EMU_WARPGROUPMMA_H
