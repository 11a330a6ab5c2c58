//===- TileLayouts.cpp - Elements of a tile per thread, on GPU targets ----===//

#include "dialects/tile/TileLayouts.h"
#include "dialects/tile/TileDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace recur::tile;

static bool allPowersOfTwo(ArrayRef<unsigned> values) {
  return llvm::all_of(values,
                      [](unsigned v) { return llvm::isPowerOf2_32(v); });
}

static unsigned product(ArrayRef<unsigned> values) {
  unsigned result = 1;
  for (unsigned v : values)
    result *= v;
  return result;
}

LogicalResult BlockedLayoutAttr::verify(
    function_ref<InFlightDiagnostic()> emitError,
    ArrayRef<unsigned> sizePerThread, ArrayRef<unsigned> threadsPerWarp,
    ArrayRef<unsigned> warpsPerCTA, ArrayRef<unsigned> order) {
  size_t rank = order.size();
  if (rank == 0 || sizePerThread.size() != rank ||
      threadsPerWarp.size() != rank || warpsPerCTA.size() != rank)
    return emitError() << "blocked layout: sizePerThread, threadsPerWarp, "
                          "warpsPerCTA and order need one entry per dimension";
  SmallVector<unsigned> sorted(order);
  llvm::sort(sorted);
  for (unsigned i = 0; i < rank; ++i)
    if (sorted[i] != i)
      return emitError() << "blocked layout: order must be a permutation of "
                            "the dimensions";
  if (!allPowersOfTwo(sizePerThread) || !allPowersOfTwo(threadsPerWarp) ||
      !allPowersOfTwo(warpsPerCTA))
    return emitError() << "blocked layout: sizes must be powers of two";
  unsigned warpSize = product(threadsPerWarp);
  if (warpSize != 32 && warpSize != 64)
    return emitError() << "blocked layout: threadsPerWarp must multiply to 32 "
                          "or 64, got "
                       << warpSize;
  return success();
}

unsigned BlockedLayoutAttr::getNumThreads() const {
  return product(getThreadsPerWarp()) * product(getWarpsPerCTA());
}

LogicalResult
SliceLayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                        unsigned dim, BlockedLayoutAttr parent) {
  if (!parent)
    return emitError() << "slice layout: needs a blocked parent";
  if (parent.getRank() < 2 || dim >= parent.getRank())
    return emitError() << "slice layout: dim " << dim
                       << " is not a dimension of a parent of rank "
                       << parent.getRank() << " (at least 2)";
  return success();
}

int64_t ThreadMapping::getNumElements() const {
  int64_t n = 1;
  for (int64_t count : perThread)
    n *= count;
  return n;
}

SmallVector<int64_t> ThreadMapping::getOffsets(int64_t e) const {
  SmallVector<int64_t> offsets = getIndices(e);
  for (unsigned d = 0; d < getRank(); ++d)
    offsets[d] = (offsets[d] / sizePerThread[d]) * period[d] +
                 offsets[d] % sizePerThread[d];
  return offsets;
}

SmallVector<int64_t> ThreadMapping::getIndices(int64_t e) const {
  SmallVector<int64_t> indices(getRank(), 0);
  for (unsigned d : order) {
    indices[d] = e % perThread[d];
    e /= perThread[d];
  }
  return indices;
}

int64_t ThreadMapping::getElementIndex(ArrayRef<int64_t> indices) const {
  int64_t e = 0;
  for (unsigned d : llvm::reverse(order))
    e = e * perThread[d] + indices[d];
  return e;
}

int64_t ThreadMapping::getDistinctLanes(unsigned d) const {
  return std::min<int64_t>(lanes[d], shape[d] / sizePerThread[d]);
}

int64_t ThreadMapping::getDistinctWarps(unsigned d) const {
  return std::min<int64_t>(
      warps[d], std::max<int64_t>(1, shape[d] / (sizePerThread[d] * lanes[d])));
}

/// Strides of a row-major-in-`order` numbering of `counts` (order[0]
/// fastest).
static SmallVector<int64_t> stridesInOrder(ArrayRef<unsigned> counts,
                                           ArrayRef<unsigned> order) {
  SmallVector<int64_t> strides(counts.size());
  int64_t stride = 1;
  for (unsigned d : order) {
    strides[d] = stride;
    stride *= counts[d];
  }
  return strides;
}

static FailureOr<ThreadMapping> mapBlocked(BlockedLayoutAttr layout,
                                           ArrayRef<int64_t> shape) {
  unsigned rank = layout.getRank();
  if (shape.size() != rank)
    return failure();
  for (int64_t size : shape)
    if (size <= 0 || !llvm::isPowerOf2_64(size))
      return failure();
  ThreadMapping m;
  m.shape.assign(shape.begin(), shape.end());
  m.order.assign(layout.getOrder().begin(), layout.getOrder().end());
  m.warpSize = product(layout.getThreadsPerWarp());
  m.numWarps = product(layout.getWarpsPerCTA());
  m.laneStride = stridesInOrder(layout.getThreadsPerWarp(), m.order);
  m.warpStride = stridesInOrder(layout.getWarpsPerCTA(), m.order);
  for (unsigned d = 0; d < rank; ++d) {
    int64_t size = std::min<int64_t>(layout.getSizePerThread()[d], shape[d]);
    int64_t lanes = layout.getThreadsPerWarp()[d];
    int64_t warps = layout.getWarpsPerCTA()[d];
    int64_t period = size * lanes * warps;
    m.sizePerThread.push_back(size);
    m.lanes.push_back(lanes);
    m.warps.push_back(warps);
    m.period.push_back(period);
    m.perThread.push_back(size * std::max<int64_t>(1, shape[d] / period));
  }
  for (unsigned d = 0; d < rank; ++d) {
    m.copyLaneBits |= (m.lanes[d] - 1) * m.laneStride[d] &
                      ~((m.getDistinctLanes(d) - 1) * m.laneStride[d]);
    m.copyWarpBits |= (m.warps[d] - 1) * m.warpStride[d] &
                      ~((m.getDistinctWarps(d) - 1) * m.warpStride[d]);
  }
  return m;
}

FailureOr<ThreadMapping>
recur::tile::getThreadMapping(Attribute layout, ArrayRef<int64_t> shape) {
  if (auto blocked = dyn_cast_or_null<BlockedLayoutAttr>(layout))
    return mapBlocked(blocked, shape);
  auto slice = dyn_cast_or_null<SliceLayoutAttr>(layout);
  if (!slice || shape.size() + 1 != slice.getParent().getRank())
    return failure();
  // The parent's mapping of the shape with a unit dimension at `dim`, with
  // that dimension dropped: its lanes and warps only hold copies.
  unsigned dim = slice.getDim();
  SmallVector<int64_t> parentShape(shape);
  parentShape.insert(parentShape.begin() + dim, 1);
  FailureOr<ThreadMapping> parent = mapBlocked(slice.getParent(), parentShape);
  if (failed(parent))
    return failure();
  ThreadMapping m = *parent;
  for (SmallVector<int64_t> *field :
       {&m.shape, &m.sizePerThread, &m.lanes, &m.warps, &m.laneStride,
        &m.warpStride, &m.perThread, &m.period})
    field->erase(field->begin() + dim);
  m.order.clear();
  for (unsigned d : parent->order)
    if (d != dim)
      m.order.push_back(d > dim ? d - 1 : d);
  return m;
}

FailureOr<ThreadMapping> recur::tile::getThreadMapping(RankedTensorType type) {
  return getThreadMapping(type.getEncoding(), type.getShape());
}
