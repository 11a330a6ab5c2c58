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

#define GET_OP_CLASSES
#include "dialects/tile/TileOps.h.inc"

#endif // RECUR_DIALECTS_TILE_TILEOPS_H
