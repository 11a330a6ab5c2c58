//===- TileDialect.h - Tile dialect and types --------------------*- C++
//-*-===//

#ifndef RECUR_DIALECTS_TILE_TILEDIALECT_H
#define RECUR_DIALECTS_TILE_TILEDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Dialect.h"

#include "dialects/tile/TileDialect.h.inc"
#include "dialects/tile/TileEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/tile/TileAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/tile/TileTypes.h.inc"

namespace recur::tile {

/// The unit attribute of a kernel's pointer argument whose memory no other
/// pointer argument of the kernel reaches (C's `restrict`): stores through
/// it cannot change what loads through the other arguments read.
constexpr llvm::StringLiteral kNoAliasAttrName = "tile.noalias";

/// The element type a pointer (or tensor of pointers) addresses, with the
/// shape of `ptrLike` kept: `tensor<4x!tile.ptr<f32>>` gives `tensor<4xf32>`.
mlir::Type getPointeeTypeLike(mlir::Type ptrLike);

/// Whether `type` can be a tile element: f16, bf16, f32, f64, a signless
/// integer of 1, 8, 16, 32 or 64 bits, or a `!tile.ptr`.
bool isTileElementType(mlir::Type type);

/// `i1`, or a tensor of `i1` with the shape of `type`.
mlir::Type getI1TypeLike(mlir::Type type);

} // namespace recur::tile

#endif // RECUR_DIALECTS_TILE_TILEDIALECT_H
