//===- ThreadIntrinsics.cpp - Geometry, barriers and shared memory --------===//

#include "runtime/emu/Block.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

using namespace recur::emu;

static unsigned dimension(Block &b, int32_t dim, const char *intrinsic) {
  if (dim < 0 || dim > 2)
    b.fail(RECUR_ERROR_LAUNCH, b.where() + ": " + intrinsic + " of dimension " +
                                   std::to_string(dim) +
                                   "; it must be 0 (x), 1 (y) or 2 (z)");
  return static_cast<unsigned>(dim);
}

extern "C" int32_t __recur_emu_thread_id(int32_t dim) {
  Block &b = Block::running(__func__);
  return b.threadId()[dimension(b, dim, __func__)];
}

extern "C" int32_t __recur_emu_block_id(int32_t dim) {
  Block &b = Block::running(__func__);
  return b.blockId()[dimension(b, dim, __func__)];
}

extern "C" int32_t __recur_emu_block_dim(int32_t dim) {
  Block &b = Block::running(__func__);
  return b.kernel().block[dimension(b, dim, __func__)];
}

extern "C" int32_t __recur_emu_grid_dim(int32_t dim) {
  Block &b = Block::running(__func__);
  return b.kernel().grid[dimension(b, dim, __func__)];
}

extern "C" int32_t __recur_emu_lane_id(void) {
  Block &b = Block::running(__func__);
  return b.linearThread() % b.warpSize();
}

extern "C" int32_t __recur_emu_warp_id(void) {
  Block &b = Block::running(__func__);
  return b.linearThread() / b.warpSize();
}

extern "C" int32_t __recur_emu_warp_size(void) {
  return Block::running(__func__).warpSize();
}

extern "C" int32_t __recur_emu_num_warps(void) {
  Block &b = Block::running(__func__);
  return (b.numThreads() + b.warpSize() - 1) / b.warpSize();
}

extern "C" void __recur_emu_barrier(void) {
  Block::running(__func__).barrier();
}

extern "C" void *__recur_emu_shared_memory(void) {
  return Block::running(__func__).sharedMemory();
}

extern "C" void *__recur_emu_dynamic_shared_memory(void) {
  Block &b = Block::running(__func__);
  size_t offset = (b.kernel().static_shared_bytes + 15) / 16 * 16;
  return b.sharedMemory() + offset;
}

extern "C" void __recur_emu_trap(const char *message) {
  Block &b = Block::running(__func__);
  b.fail(RECUR_ERROR_ASSERTION,
         b.where() + ": " + (message ? message : "trap"));
}
