//===- Registration.cpp - Dialects and interfaces the compiler needs ------===//

#include "compiler/Registration.h"
#include "dialects/InitAllDialects.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

namespace {
/// LLVM's masked load, store, gather and scatter intrinsics and its atomicrmw
/// declare no memory effects, so passes that must know them (buffer
/// deallocation, CSE, hoisting) refuse or mistreat them. The CPU lowering of
/// tile memory ops emits them before bufferization; these models state what
/// they do: read (gather), write (scatter) or both (atomics) through their
/// pointer operands.
template <typename IntrinsicOp, typename... Effects>
struct MemoryAccessModel
    : public mlir::MemoryEffectOpInterface::ExternalModel<
          MemoryAccessModel<IntrinsicOp, Effects...>, IntrinsicOp> {
  void getEffects(mlir::Operation *op,
                  llvm::SmallVectorImpl<mlir::SideEffects::EffectInstance<
                      mlir::MemoryEffects::Effect>> &effects) const {
    (effects.emplace_back(Effects::get()), ...);
  }
};
} // namespace

void recur::registerCompilerDialects(mlir::DialectRegistry &registry) {
  // Registration only records constructors; dialects load lazily, so the
  // full upstream set costs nothing until a pipeline uses it.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  recur::registerAllDialects(registry);
  registry.addExtension(+[](mlir::MLIRContext *context,
                            mlir::LLVM::LLVMDialect *) {
    mlir::LLVM::masked_gather::attachInterface<MemoryAccessModel<
        mlir::LLVM::masked_gather, mlir::MemoryEffects::Read>>(*context);
    mlir::LLVM::masked_scatter::attachInterface<MemoryAccessModel<
        mlir::LLVM::masked_scatter, mlir::MemoryEffects::Write>>(*context);
    mlir::LLVM::MaskedLoadOp::attachInterface<
        MemoryAccessModel<mlir::LLVM::MaskedLoadOp, mlir::MemoryEffects::Read>>(
        *context);
    mlir::LLVM::MaskedStoreOp::attachInterface<MemoryAccessModel<
        mlir::LLVM::MaskedStoreOp, mlir::MemoryEffects::Write>>(*context);
    // Tile atomics on tensors lower to per-lane llvm.atomicrmw in loops
    // that bufferization and deallocation must see through.
    mlir::LLVM::AtomicRMWOp::attachInterface<
        MemoryAccessModel<mlir::LLVM::AtomicRMWOp, mlir::MemoryEffects::Read,
                          mlir::MemoryEffects::Write>>(*context);
  });
}
