//===- SeqOps.h - Seq dialect operations -------------------------*- C++
//-*-===//

#ifndef RECUR_DIALECTS_SEQ_SEQOPS_H
#define RECUR_DIALECTS_SEQ_SEQOPS_H

#include "dialects/seq/SeqDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dialects/seq/SeqOps.h.inc"

#endif // RECUR_DIALECTS_SEQ_SEQOPS_H
