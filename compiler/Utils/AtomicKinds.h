//===- AtomicKinds.h - Tile atomics as LLVM atomics ---------------*- C++
//-*-===//
//
// The LLVM operation and ordering of each `tile.atomic_rmw`, shared by the
// CPU and GPU lowerings.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_COMPILER_UTILS_ATOMICKINDS_H
#define RECUR_COMPILER_UTILS_ATOMICKINDS_H

#include "dialects/tile/TileDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace recur {

mlir::LLVM::AtomicBinOp toLLVMAtomicBinOp(tile::RMWKind kind);
mlir::LLVM::AtomicOrdering toLLVMAtomicOrdering(tile::MemSemantic sem);

} // namespace recur

#endif // RECUR_COMPILER_UTILS_ATOMICKINDS_H
