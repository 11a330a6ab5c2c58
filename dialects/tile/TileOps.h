//===- TileOps.h - Tile dialect operations -----------------------*- C++
//-*-===//

#ifndef RECUR_DIALECTS_TILE_TILEOPS_H
#define RECUR_DIALECTS_TILE_TILEOPS_H

#include "dialects/tile/TileDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace recur::tile {
/// The shared memory of a GPU program, which global memory never aliases.
struct SharedMemoryResource
    : public mlir::SideEffects::Resource::Base<SharedMemoryResource> {
  llvm::StringRef getName() final { return "<tile shared memory>"; }
};
} // namespace recur::tile

#define GET_OP_CLASSES
#include "dialects/tile/TileOps.h.inc"

#endif // RECUR_DIALECTS_TILE_TILEOPS_H
