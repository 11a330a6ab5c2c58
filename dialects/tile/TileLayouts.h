//===- TileLayouts.h - Elements of a tile per thread, on GPU targets -*- C++
//-*-===//
//
// The arithmetic of `#tile.blocked` and `#tile.slice`: for a tile of a given
// shape, how many elements each thread holds and at which coordinates. The
// GPU lowering emits the thread-dependent part of the coordinates; the
// element-dependent part is known at compile time and comes from here.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_DIALECTS_TILE_TILELAYOUTS_H
#define RECUR_DIALECTS_TILE_TILELAYOUTS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

namespace recur::tile {

/// Where the elements of a tile of `shape` live under a layout. Per tensor
/// dimension `d`:
///   * `sizePerThread[d]`: consecutive elements a thread holds in one run
///     (the layout's, capped at the tile's extent);
///   * `lanes[d]`, `warps[d]`: threads of a warp and warps of a block laid
///     along `d`, with `laneStride[d]`/`warpStride[d]` their step in the
///     lane id and warp id (0 when the dimension is absent: slice layouts);
///   * `perThread[d]`: elements a thread holds along `d`, in runs of
///     `sizePerThread[d]` that repeat every `period[d]` coordinates.
/// A thread's coordinate along `d` is `base[d] + offset(e)[d]` with
///   base[d] = ((warp coordinate * lanes[d] + lane coordinate)
///              * sizePerThread[d]) mod shape[d],
/// so lanes and warps past the end of a small tile hold copies. A thread's
/// elements are numbered with `order[0]` fastest.
struct ThreadMapping {
  llvm::SmallVector<int64_t> shape, sizePerThread, lanes, warps, laneStride,
      warpStride, perThread, period;
  llvm::SmallVector<unsigned> order;
  unsigned warpSize = 32, numWarps = 1;
  /// Bits of the lane id and of the warp id that only select copies: a
  /// thread with all of them clear is the canonical holder of its elements
  /// (the one that performs side effects such as atomics).
  int64_t copyLaneBits = 0, copyWarpBits = 0;

  unsigned getRank() const { return shape.size(); }
  /// Elements each thread holds.
  int64_t getNumElements() const;
  /// The compile-time part of element `e`'s coordinates.
  llvm::SmallVector<int64_t> getOffsets(int64_t e) const;
  /// The per-dimension indices (each in [0, perThread[d])) of element `e`.
  llvm::SmallVector<int64_t> getIndices(int64_t e) const;
  /// The element number of per-dimension element indices (each in
  /// [0, perThread[d])).
  int64_t getElementIndex(llvm::ArrayRef<int64_t> indices) const;
  /// Lanes along `d` that hold distinct coordinates (the rest are copies).
  int64_t getDistinctLanes(unsigned d) const;
  int64_t getDistinctWarps(unsigned d) const;
};

/// The mapping of `layout` (`#tile.blocked` or `#tile.slice`) for `shape`,
/// or failure when the layout's rank does not fit the shape or a dimension
/// is not a power of two.
llvm::FailureOr<ThreadMapping> getThreadMapping(mlir::Attribute layout,
                                                llvm::ArrayRef<int64_t> shape);

/// The mapping of a tile type's encoding.
llvm::FailureOr<ThreadMapping> getThreadMapping(mlir::RankedTensorType type);

} // namespace recur::tile

#endif // RECUR_DIALECTS_TILE_TILELAYOUTS_H
