//===- WarpgroupMma.cpp - wgmma.mma_async on a warpgroup ------------------===//
//
// `wgmma.mma_async.sync.aligned.m64nNk16.f32.{f16,bf16}` and
// `.m64nNk8.f32.tf32` with both operands in shared memory, K-major, in the
// no-swizzle layout the descriptors describe (PTX ISA, "Asynchronous
// Warpgroup Level Matrix Multiply-Accumulate Instructions"). The
// instruction is a collective of the 128 threads of a warpgroup: the last
// to arrive reads A and B through the descriptors, computes every thread's
// accumulator registers and wakes the others. The emulator finishes the
// operation there, so `wgmma.fence`, `commit_group`, `wait_group` and
// `fence.proxy.async` have nothing left to order; they are calls all the
// same, so that a lowering's every op has its counterpart. Numerics as for
// mma.sync: exact products, summed in double, rounded once to f32.
//
//===----------------------------------------------------------------------===//

#include "runtime/emu/WarpgroupMma.h"
#include "runtime/emu/Block.h"
#include "runtime/emu/FloatFormats.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

#include <cstring>
#include <vector>

using namespace recur::emu;

MatrixDescriptor recur::emu::decodeMatrixDescriptor(uint64_t descriptor) {
  auto field = [&](unsigned low, unsigned bits) {
    return static_cast<uint32_t>(descriptor >> low & ((1ull << bits) - 1));
  };
  return {field(0, 14) << 4, field(16, 14) << 4, field(32, 14) << 4,
          field(49, 3), field(62, 2)};
}

uint32_t recur::emu::coreMatrixOffset(const MatrixDescriptor &descriptor,
                                      unsigned row, unsigned k,
                                      unsigned elementBytes) {
  unsigned perRow = 16 / elementBytes;
  return (row / 8) * descriptor.stride + (k / perRow) * descriptor.leading +
         (row % 8) * 16 + (k % perRow) * elementBytes;
}

FragmentCoord recur::emu::wgmmaAccumulatorAt(unsigned thread, unsigned i) {
  unsigned warp = thread / 32, lane = thread % 32;
  return {16 * warp + lane / 4 + 8 * ((i >> 1) & 1),
          8 * (i >> 2) + 2 * (lane % 4) + (i & 1)};
}

namespace {
/// One thread's arguments; type, N and scale-d are also the collective's
/// key, so they are equal across the warpgroup when it completes.
struct WgmmaLane {
  int32_t type, n, scaleD;
  uint64_t a, b;
  float *acc;
};
} // namespace

static std::string typeName(int32_t type) {
  switch (type) {
  case RECUR_EMU_WGMMA_F16:
    return "f16";
  case RECUR_EMU_WGMMA_BF16:
    return "bf16";
  case RECUR_EMU_WGMMA_TF32:
    return "tf32";
  }
  return std::to_string(type);
}

/// The operand (`rows` x `k`) a descriptor points at, as doubles.
static std::vector<double> readOperand(Block &block, const char *which,
                                       uint64_t bits, unsigned rows, unsigned k,
                                       int32_t type) {
  MatrixDescriptor descriptor = decodeMatrixDescriptor(bits);
  static const char *const swizzles[] = {"none", "128B", "64B", "32B"};
  if (descriptor.swizzle != 0)
    block.fail(RECUR_ERROR_LAUNCH,
               block.where() + ": wgmma: the matrix descriptor of " + which +
                   " has swizzle mode " + std::to_string(descriptor.swizzle) +
                   " (" + swizzles[descriptor.swizzle] +
                   "); the emulator supports only mode 0 (no swizzle)");
  unsigned bytes = type == RECUR_EMU_WGMMA_TF32 ? 4 : 2;
  std::vector<double> values(rows * k);
  const char *shared = block.sharedMemory();
  for (unsigned r = 0; r < rows; ++r)
    for (unsigned c = 0; c < k; ++c) {
      size_t offset =
          size_t(descriptor.start) + coreMatrixOffset(descriptor, r, c, bytes);
      if (offset + bytes > block.sharedBytes())
        block.fail(RECUR_ERROR_LAUNCH,
                   block.where() + ": wgmma: element (" + std::to_string(r) +
                       ", " + std::to_string(c) + ") of " + which +
                       " is at byte " + std::to_string(offset) +
                       ", outside the block's " +
                       std::to_string(block.sharedBytes()) +
                       " bytes of shared memory");
      uint16_t half;
      float single;
      if (bytes == 2) {
        std::memcpy(&half, shared + offset, 2);
        values[r * k + c] = type == RECUR_EMU_WGMMA_BF16 ? bf16ToDouble(half)
                                                         : halfToDouble(half);
      } else {
        std::memcpy(&single, shared + offset, 4);
        values[r * k + c] = tf32ToDouble(single);
      }
    }
  return values;
}

static void completeWgmma(Block &block, const WarpView &group) {
  auto *first = static_cast<const WgmmaLane *>(group.lanes[0]);
  for (unsigned thread = 1; thread < group.size; ++thread) {
    auto *lane = static_cast<const WgmmaLane *>(group.lanes[thread]);
    if (lane->a != first->a || lane->b != first->b)
      block.fail(RECUR_ERROR_LAUNCH,
                 block.where(group.warp * block.warpSize() + thread) +
                     ": wgmma: its matrix descriptors differ from those of "
                     "the warpgroup's first thread");
  }
  unsigned n = static_cast<unsigned>(first->n);
  unsigned k = first->type == RECUR_EMU_WGMMA_TF32 ? 8 : 16;
  std::vector<double> a = readOperand(block, "A", first->a, 64, k, first->type);
  std::vector<double> b = readOperand(block, "B", first->b, n, k, first->type);
  for (unsigned thread = 0; thread < group.size; ++thread) {
    auto *lane = static_cast<const WgmmaLane *>(group.lanes[thread]);
    for (unsigned i = 0; i < n / 2; ++i) {
      FragmentCoord at = wgmmaAccumulatorAt(thread, i);
      double sum = lane->scaleD ? lane->acc[i] : 0.0;
      for (unsigned kk = 0; kk < k; ++kk)
        sum += a[at.row * k + kk] * b[at.col * k + kk];
      lane->acc[i] = static_cast<float>(sum);
    }
  }
}

static const CollectiveOp wgmmaOp{"wgmma.mma_async", completeWgmma};

extern "C" void __recur_emu_wgmma(int32_t type, int32_t n, uint64_t desc_a,
                                  uint64_t desc_b, int32_t scale_d,
                                  float *acc) {
  Block &block = Block::running("__recur_emu_wgmma");
  if ((type != RECUR_EMU_WGMMA_F16 && type != RECUR_EMU_WGMMA_BF16 &&
       type != RECUR_EMU_WGMMA_TF32) ||
      n < 8 || n > 256 || n % 8)
    block.fail(RECUR_ERROR_LAUNCH,
               block.where() + ": wgmma: no m64n" + std::to_string(n) +
                   " shape for operand type " + typeName(type));
  if (block.warpSize() != 32)
    block.fail(RECUR_ERROR_LAUNCH,
               block.where() + ": wgmma needs 32-lane warps");
  WgmmaLane lane{type, n, scale_d != 0, desc_a, desc_b, acc};
  uint32_t key = uint32_t(type) << 16 | uint32_t(n) << 1 | (scale_d != 0);
  block.groupCollective(wgmmaOp, key, &lane,
                        /*warps=*/4);
}

extern "C" void __recur_emu_wgmma_fence(void) {
  Block::running("__recur_emu_wgmma_fence");
}

extern "C" void __recur_emu_wgmma_commit_group(void) {
  Block::running("__recur_emu_wgmma_commit_group");
}

extern "C" void __recur_emu_wgmma_wait_group(int32_t pending) {
  (void)pending;
  Block::running("__recur_emu_wgmma_wait_group");
}

extern "C" void __recur_emu_fence_proxy_async(void) {
  Block::running("__recur_emu_fence_proxy_async");
}
