//===- AtomicKinds.cpp - Tile atomics as LLVM atomics ---------------------===//

#include "compiler/Utils/AtomicKinds.h"

#include "llvm/Support/ErrorHandling.h"

using namespace mlir;

LLVM::AtomicBinOp recur::toLLVMAtomicBinOp(tile::RMWKind kind) {
  switch (kind) {
  case tile::RMWKind::add:
    return LLVM::AtomicBinOp::add;
  case tile::RMWKind::fadd:
    return LLVM::AtomicBinOp::fadd;
  case tile::RMWKind::max:
    return LLVM::AtomicBinOp::max;
  case tile::RMWKind::min:
    return LLVM::AtomicBinOp::min;
  case tile::RMWKind::umax:
    return LLVM::AtomicBinOp::umax;
  case tile::RMWKind::umin:
    return LLVM::AtomicBinOp::umin;
  case tile::RMWKind::fmax:
    return LLVM::AtomicBinOp::fmax;
  case tile::RMWKind::fmin:
    return LLVM::AtomicBinOp::fmin;
  case tile::RMWKind::andi:
    return LLVM::AtomicBinOp::_and;
  case tile::RMWKind::ori:
    return LLVM::AtomicBinOp::_or;
  case tile::RMWKind::xori:
    return LLVM::AtomicBinOp::_xor;
  case tile::RMWKind::xchg:
    return LLVM::AtomicBinOp::xchg;
  }
  llvm_unreachable("unknown RMW kind");
}

LLVM::AtomicOrdering recur::toLLVMAtomicOrdering(tile::MemSemantic sem) {
  switch (sem) {
  case tile::MemSemantic::relaxed:
    return LLVM::AtomicOrdering::monotonic;
  case tile::MemSemantic::acquire:
    return LLVM::AtomicOrdering::acquire;
  case tile::MemSemantic::release:
    return LLVM::AtomicOrdering::release;
  case tile::MemSemantic::acq_rel:
    return LLVM::AtomicOrdering::acq_rel;
  }
  llvm_unreachable("unknown memory semantic");
}
