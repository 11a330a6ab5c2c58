//===- PatternsToGPU.h - tile -> GPU conversion patterns ---------*- C++
//-*-===//
//
// The tile -> GPU conversion distributes every tile over the threads of a
// block by its layout (`tile-gpu-assign-layouts` chose them): a tensor
// becomes the vector of the elements one thread holds, numbered as
// `tile::ThreadMapping` numbers them. Kernels become `gpu.func`s in one
// `gpu.module`. As in the CPU lowering, one file per op family contributes
// patterns; the helpers below are what they share.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_COMPILER_TILETOGPU_PATTERNSTOGPU_H
#define RECUR_COMPILER_TILETOGPU_PATTERNSTOGPU_H

#include "compiler/Analysis/Contiguity.h"
#include "compiler/Pipelines.h"
#include "dialects/tile/TileDialect.h"
#include "dialects/tile/TileLayouts.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/ADT/DenseSet.h"

#include <deque>
#include <optional>

namespace recur {
namespace tile {
class DotOp;
} // namespace tile

/// Name of the `gpu.module` that holds the lowered kernels.
constexpr llvm::StringLiteral kGPUModuleName = "recur_kernels";
/// Name of the module's shared-memory scratch (an `llvm.mlir.global` in
/// address space 3) that layout conversions and reductions exchange
/// elements through.
constexpr llvm::StringLiteral kSharedScratchName = "__recur_shared";

/// Pointers become i64 addresses (global memory is reached through
/// `!llvm.ptr<1>` casts at each access); a tile becomes the vector of the
/// elements one thread holds.
class TileToGPUTypeConverter : public mlir::TypeConverter {
public:
  TileToGPUTypeConverter();
};

/// The layout mapping of a tile type; the type must carry a layout.
tile::ThreadMapping getMapping(mlir::Type tileType);

/// `gpu.thread_id x` as an i32.
mlir::Value getThreadId(mlir::OpBuilder &builder, mlir::Location loc);

/// This thread's lane in its warp (wavefront) of `warpSize` threads and the
/// warp's index in the block, as i32.
struct LaneAndWarp {
  mlir::Value lane, warp;
};
LaneAndWarp getLaneAndWarp(mlir::OpBuilder &builder, mlir::Location loc,
                           int64_t warpSize);

/// The thread-dependent part of the coordinates of the elements this thread
/// holds (i32, one per dimension): see `tile::ThreadMapping`.
llvm::SmallVector<mlir::Value>
getBaseCoordinates(mlir::OpBuilder &builder, mlir::Location loc,
                   const tile::ThreadMapping &mapping);

/// Whether this thread is the canonical holder of its elements (true for
/// every thread of layouts without copies).
mlir::Value isCanonicalHolder(mlir::OpBuilder &builder, mlir::Location loc,
                              const tile::ThreadMapping &mapping);

/// The per-element scalars of a distributed value (a vector) and back.
llvm::SmallVector<mlir::Value> unpackElements(mlir::OpBuilder &builder,
                                              mlir::Location loc,
                                              mlir::Value vector);
mlir::Value packElements(mlir::OpBuilder &builder, mlir::Location loc,
                         mlir::Type vectorType,
                         llvm::ArrayRef<mlir::Value> elements);

mlir::Value createI32(mlir::OpBuilder &builder, mlir::Location loc,
                      int64_t value);

/// The AND of i1 values (at least one).
mlir::Value allTrue(mlir::OpBuilder &builder, mlir::Location loc,
                    llvm::ArrayRef<mlir::Value> bits);

/// Base of the shared-memory scratch, an `!llvm.ptr<3>`.
mlir::Value getSharedScratch(mlir::OpBuilder &builder, mlir::Location loc);

/// Bytes a tile element occupies in memory (i1 as one byte, pointers as 8).
int64_t getStorageBytes(mlir::Type elementType);

/// Stores `elements` (of `mapping`) into shared memory at `scratch`, each at
/// `index(coordinates)` elements of `elementType`, loads back the elements
/// of `result` the same way, with barriers before reuse. The element
/// exchange behind convert_layout, trans and reshape.
llvm::SmallVector<mlir::Value> exchangeThroughShared(
    mlir::OpBuilder &builder, mlir::Location loc, mlir::Type elementType,
    llvm::ArrayRef<mlir::Value> elements, const tile::ThreadMapping &source,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   llvm::ArrayRef<mlir::Value>)>
        sourceIndex,
    const tile::ThreadMapping &result,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   llvm::ArrayRef<mlir::Value>)>
        resultIndex);

/// Stores a distributed tile row-major at element offset `start` of
/// `scratch` viewed as an array of `elementType` (copies write the same
/// value to the same place), and loads a tile's elements back from there:
/// how dots stage their operands and accumulator in shared memory.
void storeRowMajor(mlir::OpBuilder &builder, mlir::Location loc,
                   mlir::Value scratch, mlir::Type elementType, int64_t start,
                   llvm::ArrayRef<mlir::Value> elements,
                   const tile::ThreadMapping &mapping);
llvm::SmallVector<mlir::Value>
loadRowMajor(mlir::OpBuilder &builder, mlir::Location loc, mlir::Value scratch,
             mlir::Type elementType, int64_t start,
             const tile::ThreadMapping &mapping);

/// Where a dot whose accumulator goes through shared memory puts it: an
/// f32 [M, N] array right after the operands' `operandBytes` at the start
/// of the scratch.
mlir::Value getStagedAccumulator(mlir::OpBuilder &builder, mlir::Location loc,
                                 int64_t operandBytes);
/// Stages a dot's a [M, K] and b [K, N] row-major in their element type
/// (b from element M * K) and its accumulator at getStagedAccumulator,
/// between barriers; returns the accumulator's address.
mlir::Value stageDotRowMajor(mlir::OpBuilder &builder, mlir::Location loc,
                             tile::DotOp op, mlir::Value a, mlir::Value b,
                             mlir::Value acc);
/// A staged accumulator back in its layout (`type`'s), between barriers,
/// as the vector `vectorType` of the thread's elements.
mlir::Value loadStagedAccumulator(mlir::OpBuilder &builder, mlir::Location loc,
                                  mlir::Value accumulator,
                                  mlir::RankedTensorType type,
                                  mlir::Type vectorType);

/// Row-major linear index of i32 coordinates in `shape`.
mlir::Value getRowMajorIndex(mlir::OpBuilder &builder, mlir::Location loc,
                             llvm::ArrayRef<mlir::Value> coordinates,
                             llvm::ArrayRef<int64_t> shape);

/// The coordinates (i32) of element `e` of `mapping` given its base
/// coordinates.
llvm::SmallVector<mlir::Value>
getElementCoordinates(mlir::OpBuilder &builder, mlir::Location loc,
                      const tile::ThreadMapping &mapping,
                      llvm::ArrayRef<mlir::Value> base, int64_t e);

/// `gpu.shuffle` of any tile scalar (through 32-bit words) over a whole
/// warp; `offset` is the lane mask, delta or source lane (i32).
mlir::Value shuffleScalar(mlir::OpBuilder &builder, mlir::Location loc,
                          mlir::Value value, mlir::Value offset,
                          unsigned warpSize, mlir::gpu::ShuffleMode mode);

/// A thread's elements of `mapping` grouped by line along `axis` (the
/// elements that share their other coordinates): per line, the element
/// numbers in order along the axis; lines in the order of the slice layout
/// that removes `axis`.
llvm::SmallVector<llvm::SmallVector<int64_t>>
getLinesAlong(const tile::ThreadMapping &mapping, unsigned axis);

/// Where reductions and scans exchange one partial per (line, warp along
/// the axis) in shared memory: a region per source, slots of at least 4
/// bytes, slot `line * warps + warp`.
class WarpPartialSlots {
public:
  WarpPartialSlots(mlir::Operation *reduceOrScan, unsigned axis, int64_t warps);

  /// The scratch bytes all regions take.
  int64_t getBytes() const { return bytes; }
  /// The row-major index of the line holding element `e` (its coordinates
  /// with the axis set to 0).
  mlir::Value getLineIndex(mlir::OpBuilder &builder, mlir::Location loc,
                           const tile::ThreadMapping &mapping,
                           llvm::ArrayRef<mlir::Value> base, int64_t e) const;
  /// The address (`!llvm.ptr<3>` from `scratch`) of source `s`'s slot.
  mlir::Value getAddress(mlir::OpBuilder &builder, mlir::Location loc,
                         mlir::Value scratch, size_t s, mlir::Value line,
                         mlir::Value warp) const;

private:
  unsigned axis;
  int64_t warps;
  llvm::SmallVector<int64_t> lineShape, offsets, slotBytes;
  int64_t bytes = 0;
};

/// Shared-memory bytes `op` needs as scratch (0 for most ops).
/// `registerAccumulators`: dots whose accumulator has mma.sync's fragment
/// layout run mma.sync on it in registers (no other form takes them).
int64_t getSharedScratchBytes(mlir::Operation *op, bool registerAccumulators);

void populateFuncOpToGPUPatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateElementwiseOpToGPUPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);
void populateViewOpToGPUPatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
/// The tensor-core form of a dot, where `mma.sync` fits: 16x8x16 tiles for
/// f16 and bf16 operands, 16x8x8 for f32 operands read as tf32.
struct MmaShape {
  int64_t k;
  bool tf32;
  bool bf16 = false;
};
std::optional<MmaShape> getMmaShape(tile::DotOp op);

/// The blocked layout of an `[m, n]` tile whose elements are exactly the
/// accumulator fragments of `mma.sync` (m16n8): `sizePerThread = [1, 2]`,
/// `threadsPerWarp = [8, 4]`, order `[1, 0]`, and the `numWarps` 32-lane
/// warps split over both dimensions so that each warp's share has whole
/// 16x8 tiles, as few fragment loads per k step as possible. Each thread's
/// rows come in pairs 8 * warpsPerCTA[0] apart: the two row halves of one
/// instruction. Null when no split fits.
tile::BlockedLayoutAttr getMmaAccumulatorLayout(mlir::MLIRContext *context,
                                                int64_t m, int64_t n,
                                                unsigned numWarps);
/// Whether `layout` of a tile of `shape` is such a layout.
bool isMmaAccumulatorLayout(mlir::Attribute layout,
                            llvm::ArrayRef<int64_t> shape);

/// Contiguity and divisibility, along the last dimension, of the pointer
/// tile of each load and store (computed before the tiles are distributed).
using GPUAccessContiguity = llvm::DenseMap<mlir::Operation *, LastDimInfo>;
void populateLoadStoreOpToGPUPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      const GPUAccessContiguity &contiguity);
/// An i64 address as an `!llvm.ptr<1>`.
mlir::Value toGlobalPointer(mlir::OpBuilder &builder, mlir::Location loc,
                            mlir::Value address);
/// Elements per vector access: runs of the layout along its fastest
/// dimension (the last), bounded by contiguity and 16 bytes.
int64_t getRunLength(const tile::ThreadMapping &mapping, int64_t contiguity,
                     mlir::Type elementType);
/// Whether a run of `bytes` at `address` may be one vector access: aligned
/// (proven by `info`'s divisibility, or tested) and, with masks, every lane
/// set. Null when nothing needs testing.
mlir::Value canAccessAsVector(mlir::OpBuilder &builder, mlir::Location loc,
                              mlir::Value address, int64_t bytes,
                              LastDimInfo info,
                              llvm::ArrayRef<mlir::Value> masks);

/// Runs `vector` where `fast` (from canAccessAsVector) holds, always when it
/// is null, and `perElement` elsewhere: the two paths of a run of elements
/// that a store or a copy takes.
void branchOnVectorAccess(
    mlir::OpBuilder &builder, mlir::Location loc, mlir::Value fast,
    llvm::function_ref<void(mlir::OpBuilder &)> vector,
    llvm::function_ref<void(mlir::OpBuilder &)> perElement);

/// Byte offsets of the kernels' `tile.local_alloc` buffers in the shared
/// memory, after the scratch.
using SharedBufferOffsets = llvm::DenseMap<mlir::Operation *, int64_t>;
/// Bytes of one slot of `type`, rounded up so that every slot starts on 16
/// bytes.
int64_t getSlotBytes(tile::SharedBufferType type);
/// The address (`!llvm.ptr<3>`) of slot `slot` (i32) of the buffer at
/// `buffer`, whose tiles are row-major.
mlir::Value getSlotAddress(mlir::OpBuilder &builder, mlir::Location loc,
                           mlir::Value buffer, mlir::Value slot,
                           tile::SharedBufferType type);

/// The Tensor Memory Accelerator's bulk copies (sm_90 `cp.async.bulk`) in a
/// kernel: the `tile.async_copy` ops whose rows they copy, and how the
/// groups complete. Each commit group has an mbarrier of a ring of `count`
/// in shared memory at byte `offset`: the copying threads add the rows'
/// bytes to the group's mbarrier, every thread arrives at it when the group
/// is committed, and a wait waits for the phase of each group it completes.
/// Two i32 counters (allocas, which the optimizer keeps in registers) number
/// the groups committed and the groups waited for.
struct BulkCopyKernel {
  int64_t offset = 0;
  int64_t count = 0;
  mlir::Value committed, waited;
};
struct BulkCopyPlan {
  /// The copies that take rows in bulk.
  llvm::DenseSet<mlir::Operation *> copies;
  /// The kernel of each async copy, commit and wait in kernels with bulk
  /// copies.
  llvm::DenseMap<mlir::Operation *, const BulkCopyKernel *> kernelOf;
  std::deque<BulkCopyKernel> kernels;
};
/// Whether an async copy takes its rows in bulk: every row's pointers
/// consecutive (`pointers`), its bytes a multiple of 16, its mask the same
/// along it (`maskConstancy`, 0 without a mask), and a thread's share of
/// the tile more than one vector run.
bool canCopyRowsInBulk(mlir::Operation *asyncCopy, LastDimInfo pointers,
                       int64_t maskConstancy);
/// The mbarriers in the ring of a kernel with bulk copies: one per slot of
/// its deepest buffer, as many groups as its waits leave in flight.
int64_t getBulkCopyRingCount(mlir::Operation *kernel);
/// Creates the counters and initialises the mbarriers (thread 0, then a
/// barrier) at the start of `kernel`'s body.
void initBulkCopyKernel(mlir::Operation *kernel, BulkCopyKernel &state);

/// `useCpAsync`: copies as `cp.async` (NVIDIA sm_80 and later); otherwise
/// ordinary loads and stores. `bulk`: the copies that take rows in bulk.
void populateAsyncCopyOpToGPUPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      const GPUAccessContiguity &contiguity,
                                      const SharedBufferOffsets &offsets,
                                      bool useCpAsync,
                                      const BulkCopyPlan &bulk);
/// tile.print as `gpu.printf`, tile.assert as `cf.assert`, or with
/// `trapAsserts` as a printf of its message and `llvm.trap` where it fails.
void populateDebugOpToGPUPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns,
                                  bool trapAsserts);
/// `useMmaSync`: NVIDIA tensor cores (`mma.sync`) where the dot fits them.
void populateDotOpToGPUPatterns(const mlir::TypeConverter &converter,
                                mlir::RewritePatternSet &patterns,
                                bool useMmaSync);
/// NVIDIA warpgroup MMA (`wgmma`, sm_90a) for the dots that fit it,
/// preferred over the patterns above (DotOpToWgmma.cpp).
void populateDotOpToWgmmaPatterns(const mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
/// AMD matrix cores (`amdgpu.mfma`) for the dots that fit them, preferred
/// over the patterns above (DotOpToMfma.cpp).
void populateDotOpToMfmaPatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);
void populateReduceOpToGPUPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns);
void populateScanOpToGPUPatterns(const mlir::TypeConverter &converter,
                                 mlir::RewritePatternSet &patterns);

} // namespace recur

#endif // RECUR_COMPILER_TILETOGPU_PATTERNSTOGPU_H
