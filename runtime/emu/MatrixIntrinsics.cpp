//===- MatrixIntrinsics.cpp - Tensor-core fragments (mma.sync, MFMA) ------===//
//
// A matrix instruction is a warp collective: the last lane to arrive gathers
// every lane's fragment registers into whole A, B and C matrices using the
// ISA's fragment layout, computes D = A * B + C, and scatters D back into
// each lane's registers. Layout sources:
//  - mma.sync (NVIDIA): PTX ISA, section 9.7.14.5 "Matrix Fragments for
//    mma.m16n8k8" and "... for mma.m16n8k16 with floating point type"
//    (groupID = lane >> 2, threadID_in_group = lane % 4);
//  - MFMA (AMD CDNA3): the AMD Matrix Instruction Calculator's register
//    layouts for v_mfma_f32_16x16x16f16 (and _16x16x16bf16_1k, the same),
//    v_mfma_f32_16x16x4f32 and v_mfma_f32_32x32x8f16.
// Products of f16, bf16 and tf32 values are exact in double and the sum is
// rounded once to the accumulator type; hardware may differ from that in
// the last bit of an f32 result, as its accumulation order is unspecified.
//
//===----------------------------------------------------------------------===//

#include "runtime/emu/Block.h"
#include "runtime/emu/FloatFormats.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

#include <vector>

using namespace recur::emu;

namespace {
enum class Elem { F16, BF16, TF32, F32 };

/// Where element `i` of a lane's fragment sits in the whole matrix.
struct Coord {
  unsigned row, col;
};
using LayoutFn = Coord (*)(unsigned lane, unsigned i);

struct Operand {
  Elem type;
  unsigned perLane;
  LayoutFn at;
};

struct MmaShape {
  const char *name;
  unsigned lanes, m, n, k;
  Operand a, b, c; // D has C's type and layout
};

struct MmaLane {
  const void *a, *b, *c;
  void *d;
};
} // namespace

static double load(Elem type, const void *fragment, unsigned i) {
  switch (type) {
  case Elem::F16:
    return halfToDouble(static_cast<const uint16_t *>(fragment)[i]);
  case Elem::BF16:
    return bf16ToDouble(static_cast<const uint16_t *>(fragment)[i]);
  case Elem::TF32:
    return tf32ToDouble(static_cast<const float *>(fragment)[i]);
  case Elem::F32:
    return static_cast<const float *>(fragment)[i];
  }
  return 0;
}

static void store(Elem type, void *fragment, unsigned i, double value) {
  if (type == Elem::F16)
    static_cast<uint16_t *>(fragment)[i] = doubleToHalf(value);
  else
    static_cast<float *>(fragment)[i] = static_cast<float>(value);
}

// NVIDIA layouts: g = groupID, t = threadID_in_group.
static unsigned g(unsigned lane) { return lane >> 2; }
static unsigned t(unsigned lane) { return lane % 4; }

static Coord aM16N8K16(unsigned l, unsigned i) {
  return {g(l) + 8 * ((i >> 1) & 1), t(l) * 2 + (i & 1) + 8 * (i >> 2)};
}
static Coord bM16N8K16(unsigned l, unsigned i) {
  return {t(l) * 2 + (i & 1) + 8 * (i >> 1), g(l)};
}
static Coord cM16N8(unsigned l, unsigned i) {
  return {g(l) + 8 * (i >> 1), t(l) * 2 + (i & 1)};
}
static Coord aM16N8K8F16(unsigned l, unsigned i) {
  return {g(l) + 8 * (i >> 1), t(l) * 2 + (i & 1)};
}
static Coord bM16N8K8F16(unsigned l, unsigned i) {
  return {t(l) * 2 + i, g(l)};
}
static Coord aM16N8K8Tf32(unsigned l, unsigned i) {
  return {g(l) + 8 * (i & 1), t(l) + 4 * (i >> 1)};
}
static Coord bM16N8K8Tf32(unsigned l, unsigned i) {
  return {t(l) + 4 * i, g(l)};
}

// AMD layouts: lane l, register v.
static Coord aMfma16(unsigned l, unsigned v) {
  return {l % 16, 4 * (l / 16) + v};
}
static Coord bMfma16(unsigned l, unsigned v) {
  return {4 * (l / 16) + v, l % 16};
}
static Coord dMfma16(unsigned l, unsigned v) {
  return {4 * (l / 16) + v, l % 16};
}
static Coord aMfma16x4(unsigned l, unsigned) { return {l % 16, l / 16}; }
static Coord bMfma16x4(unsigned l, unsigned) { return {l / 16, l % 16}; }
static Coord aMfma32(unsigned l, unsigned v) {
  return {l % 32, 4 * (l / 32) + v};
}
static Coord bMfma32(unsigned l, unsigned v) {
  return {4 * (l / 32) + v, l % 32};
}
static Coord dMfma32(unsigned l, unsigned v) {
  return {8 * (v / 4) + 4 * (l / 32) + v % 4, l % 32};
}

static const MmaShape m16n8k16F32F16{"mma.sync.m16n8k16.f32.f16",
                                     32,
                                     16,
                                     8,
                                     16,
                                     {Elem::F16, 8, aM16N8K16},
                                     {Elem::F16, 4, bM16N8K16},
                                     {Elem::F32, 4, cM16N8}};
static const MmaShape m16n8k16F32Bf16{"mma.sync.m16n8k16.f32.bf16",
                                      32,
                                      16,
                                      8,
                                      16,
                                      {Elem::BF16, 8, aM16N8K16},
                                      {Elem::BF16, 4, bM16N8K16},
                                      {Elem::F32, 4, cM16N8}};
static const MmaShape m16n8k16F16F16{"mma.sync.m16n8k16.f16.f16",
                                     32,
                                     16,
                                     8,
                                     16,
                                     {Elem::F16, 8, aM16N8K16},
                                     {Elem::F16, 4, bM16N8K16},
                                     {Elem::F16, 4, cM16N8}};
static const MmaShape m16n8k8F32F16{"mma.sync.m16n8k8.f32.f16",
                                    32,
                                    16,
                                    8,
                                    8,
                                    {Elem::F16, 4, aM16N8K8F16},
                                    {Elem::F16, 2, bM16N8K8F16},
                                    {Elem::F32, 4, cM16N8}};
static const MmaShape m16n8k8F32Tf32{"mma.sync.m16n8k8.f32.tf32",
                                     32,
                                     16,
                                     8,
                                     8,
                                     {Elem::TF32, 4, aM16N8K8Tf32},
                                     {Elem::TF32, 2, bM16N8K8Tf32},
                                     {Elem::F32, 4, cM16N8}};
static const MmaShape mfma16x16x16F16{"v_mfma_f32_16x16x16f16",
                                      64,
                                      16,
                                      16,
                                      16,
                                      {Elem::F16, 4, aMfma16},
                                      {Elem::F16, 4, bMfma16},
                                      {Elem::F32, 4, dMfma16}};
static const MmaShape mfma16x16x16Bf16{"v_mfma_f32_16x16x16bf16_1k",
                                       64,
                                       16,
                                       16,
                                       16,
                                       {Elem::BF16, 4, aMfma16},
                                       {Elem::BF16, 4, bMfma16},
                                       {Elem::F32, 4, dMfma16}};
static const MmaShape mfma16x16x4F32{"v_mfma_f32_16x16x4f32",
                                     64,
                                     16,
                                     16,
                                     4,
                                     {Elem::F32, 1, aMfma16x4},
                                     {Elem::F32, 1, bMfma16x4},
                                     {Elem::F32, 4, dMfma16}};
static const MmaShape mfma32x32x8F16{"v_mfma_f32_32x32x8f16",
                                     64,
                                     32,
                                     32,
                                     8,
                                     {Elem::F16, 4, aMfma32},
                                     {Elem::F16, 4, bMfma32},
                                     {Elem::F32, 16, dMfma32}};

static void runMma(const MmaShape &shape, Block &block, const WarpView &warp) {
  if (warp.size != shape.lanes)
    block.fail(RECUR_ERROR_LAUNCH, block.where() + ": " + shape.name +
                                       " needs " + std::to_string(shape.lanes) +
                                       "-lane warps, not " +
                                       std::to_string(warp.size));
  for (unsigned lane = 0; lane < shape.lanes; ++lane)
    if (!warp.lanes[lane])
      block.fail(RECUR_ERROR_LAUNCH,
                 block.where() + ": " + shape.name +
                     " needs every lane of the warp, and lane " +
                     std::to_string(lane) +
                     " has exited or is not in the block");
  unsigned m = shape.m, n = shape.n, k = shape.k;
  std::vector<double> a(m * k), b(k * n), c(m * n);
  for (unsigned lane = 0; lane < shape.lanes; ++lane) {
    auto *self = static_cast<const MmaLane *>(warp.lanes[lane]);
    for (unsigned i = 0; i < shape.a.perLane; ++i) {
      Coord at = shape.a.at(lane, i);
      a[at.row * k + at.col] = load(shape.a.type, self->a, i);
    }
    for (unsigned i = 0; i < shape.b.perLane; ++i) {
      Coord at = shape.b.at(lane, i);
      b[at.row * n + at.col] = load(shape.b.type, self->b, i);
    }
    for (unsigned i = 0; i < shape.c.perLane; ++i) {
      Coord at = shape.c.at(lane, i);
      c[at.row * n + at.col] = load(shape.c.type, self->c, i);
    }
  }
  // Every lane's inputs are read before any D is written: d may alias c.
  for (unsigned lane = 0; lane < shape.lanes; ++lane) {
    auto *self = static_cast<const MmaLane *>(warp.lanes[lane]);
    for (unsigned i = 0; i < shape.c.perLane; ++i) {
      Coord at = shape.c.at(lane, i);
      double sum = c[at.row * n + at.col];
      for (unsigned kk = 0; kk < k; ++kk)
        sum += a[at.row * k + kk] * b[kk * n + at.col];
      store(shape.c.type, self->d, i, sum);
    }
  }
}

#define RECUR_EMU_MMA(SHAPE, FUNCTION, AT, BT, CT)                             \
  static void complete_##SHAPE(Block &block, const WarpView &warp) {           \
    runMma(SHAPE, block, warp);                                                \
  }                                                                            \
  static const CollectiveOp op_##SHAPE{SHAPE.name, complete_##SHAPE};          \
  extern "C" void FUNCTION(const AT *a, const BT *b, const CT *c, CT *d) {     \
    MmaLane lane{a, b, c, d};                                                  \
    Block::running(#FUNCTION).collective(op_##SHAPE, 0, &lane);                \
  }

RECUR_EMU_MMA(m16n8k16F32F16, __recur_emu_mma_m16n8k16_f32_f16, uint16_t,
              uint16_t, float)
RECUR_EMU_MMA(m16n8k16F32Bf16, __recur_emu_mma_m16n8k16_f32_bf16, uint16_t,
              uint16_t, float)
RECUR_EMU_MMA(m16n8k16F16F16, __recur_emu_mma_m16n8k16_f16_f16, uint16_t,
              uint16_t, uint16_t)
RECUR_EMU_MMA(m16n8k8F32F16, __recur_emu_mma_m16n8k8_f32_f16, uint16_t,
              uint16_t, float)
RECUR_EMU_MMA(m16n8k8F32Tf32, __recur_emu_mma_m16n8k8_f32_tf32, float, float,
              float)
RECUR_EMU_MMA(mfma16x16x16F16, __recur_emu_mfma_f32_16x16x16f16, uint16_t,
              uint16_t, float)
RECUR_EMU_MMA(mfma32x32x8F16, __recur_emu_mfma_f32_32x32x8f16, uint16_t,
              uint16_t, float)
RECUR_EMU_MMA(mfma16x16x16Bf16, __recur_emu_mfma_f32_16x16x16bf16_1k, uint16_t,
              uint16_t, float)
RECUR_EMU_MMA(mfma16x16x4F32, __recur_emu_mfma_f32_16x16x4f32, float, float,
              float)

extern "C" float __recur_emu_cvt_rna_tf32(float value) {
  return roundToTf32(value);
}
