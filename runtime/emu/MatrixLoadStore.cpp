//===- MatrixLoadStore.cpp - ldmatrix and stmatrix ------------------------===//
//
// ldmatrix.sync.aligned.m8n8.x{1,2,4}{.trans}.shared.b16 and its inverse
// stmatrix (sm_90), as the PTX ISA defines them ("Warp-level matrix load
// instruction: ldmatrix", "... store instruction: stmatrix"): lanes
// 8i..8i+7 give the addresses of the eight 16-byte rows of matrix i, and
// lane l holds, in register i, elements (l / 4, 2 (l % 4)) and
// (l / 4, 2 (l % 4) + 1) of matrix i (of its transpose with .trans), the
// first in the low half. Both are warp collectives over the whole warp.
//
//===----------------------------------------------------------------------===//

#include "runtime/emu/Block.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

#include <cstring>

using namespace recur::emu;

namespace {
struct MoveLane {
  char *row;
  uint32_t *registers;
};
} // namespace

/// The row address of lane `lane` for matrix moves; fails unless it is 16
/// bytes inside the block's shared memory and 16-byte aligned.
static char *rowAddress(Block &block, const WarpView &warp, unsigned lane,
                        const char *name) {
  char *row = static_cast<MoveLane *>(warp.lanes[lane])->row;
  char *shared = block.sharedMemory();
  bool inside = row >= shared && row + 16 <= shared + block.sharedBytes();
  if (!inside || reinterpret_cast<uintptr_t>(row) % 16 != 0)
    block.fail(RECUR_ERROR_LAUNCH,
               block.where(warp.warp * 32 + lane) + ": " + name +
                   " row address is " +
                   (inside ? "not 16-byte aligned"
                           : "outside the block's shared memory"));
  return row;
}

static void completeMove(Block &block, const WarpView &warp,
                         unsigned numMatrices, bool trans, bool store) {
  const char *name = store ? "stmatrix" : "ldmatrix";
  if (warp.size != 32)
    block.fail(RECUR_ERROR_LAUNCH,
               block.where() + ": " + name + " needs 32-lane warps");
  for (unsigned lane = 0; lane < 32; ++lane)
    if (!warp.lanes[lane])
      block.fail(RECUR_ERROR_LAUNCH,
                 block.where() + ": " + name +
                     " needs every lane of the warp, and lane " +
                     std::to_string(lane) +
                     " has exited or is not in the block");
  uint16_t matrices[4][8][8];
  if (!store)
    for (unsigned i = 0; i < numMatrices; ++i)
      for (unsigned r = 0; r < 8; ++r)
        std::memcpy(matrices[i][r], rowAddress(block, warp, 8 * i + r, name),
                    16);
  for (unsigned lane = 0; lane < 32; ++lane) {
    uint32_t *registers = static_cast<MoveLane *>(warp.lanes[lane])->registers;
    unsigned r = lane / 4, c = 2 * (lane % 4);
    for (unsigned i = 0; i < numMatrices; ++i) {
      uint16_t &lo = trans ? matrices[i][c][r] : matrices[i][r][c];
      uint16_t &hi = trans ? matrices[i][c + 1][r] : matrices[i][r][c + 1];
      if (store) {
        lo = static_cast<uint16_t>(registers[i]);
        hi = static_cast<uint16_t>(registers[i] >> 16);
      } else {
        registers[i] = uint32_t(lo) | uint32_t(hi) << 16;
      }
    }
  }
  if (store)
    for (unsigned i = 0; i < numMatrices; ++i)
      for (unsigned r = 0; r < 8; ++r)
        std::memcpy(rowAddress(block, warp, 8 * i + r, name), matrices[i][r],
                    16);
}

template <unsigned NumMatrices, bool Trans, bool Store>
static void completeMoveOf(Block &block, const WarpView &warp) {
  completeMove(block, warp, NumMatrices, Trans, Store);
}

// One op per variant, so that lanes asking for different variants mismatch.
static const CollectiveOp moveOps[2][2][3] = {
    {{{"ldmatrix.x1", completeMoveOf<1, false, false>},
      {"ldmatrix.x2", completeMoveOf<2, false, false>},
      {"ldmatrix.x4", completeMoveOf<4, false, false>}},
     {{"ldmatrix.x1.trans", completeMoveOf<1, true, false>},
      {"ldmatrix.x2.trans", completeMoveOf<2, true, false>},
      {"ldmatrix.x4.trans", completeMoveOf<4, true, false>}}},
    {{{"stmatrix.x1", completeMoveOf<1, false, true>},
      {"stmatrix.x2", completeMoveOf<2, false, true>},
      {"stmatrix.x4", completeMoveOf<4, false, true>}},
     {{"stmatrix.x1.trans", completeMoveOf<1, true, true>},
      {"stmatrix.x2.trans", completeMoveOf<2, true, true>},
      {"stmatrix.x4.trans", completeMoveOf<4, true, true>}}}};

static void move(bool store, const void *row, int32_t numMatrices,
                 int32_t trans, uint32_t *registers, const char *intrinsic) {
  Block &b = Block::running(intrinsic);
  int variant = numMatrices == 1   ? 0
                : numMatrices == 2 ? 1
                : numMatrices == 4 ? 2
                                   : -1;
  if (variant < 0)
    b.fail(RECUR_ERROR_LAUNCH,
           b.where() + ": " + (store ? "stmatrix" : "ldmatrix") + " of " +
               std::to_string(numMatrices) + " matrices; it must be 1, 2 or 4");
  // Only the emulator writes through `row`, and only for stmatrix.
  MoveLane lane{static_cast<char *>(const_cast<void *>(row)), registers};
  b.collective(moveOps[store][trans != 0][variant], 0, &lane);
}

extern "C" void __recur_emu_ldmatrix(const void *row, int32_t num_matrices,
                                     int32_t trans, uint32_t *out) {
  move(false, row, num_matrices, trans, out, __func__);
}

extern "C" void __recur_emu_stmatrix(void *row, int32_t num_matrices,
                                     int32_t trans, const uint32_t *in) {
  // The registers are only read for a store.
  move(true, row, num_matrices, trans, const_cast<uint32_t *>(in), __func__);
}
