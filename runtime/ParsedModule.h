//===- ParsedModule.h - A tile module parsed for one compilation -*- C++
//-*-===//
//
// Every compilation (CPU, GPU, emulated GPU) starts the same way: a context
// of its own with every dialect Recur lowers through, the source parsed in
// it, and the diagnostics collected for the error messages.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_PARSEDMODULE_H
#define RECUR_RUNTIME_PARSEDMODULE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>

namespace recur {

class ParsedModule {
public:
  /// Parses `source` (tile IR text); throws recur::Error(CompileError)
  /// with the parser's diagnostics when it is not a valid module.
  explicit ParsedModule(llvm::StringRef source);
  ~ParsedModule();

  mlir::MLIRContext &getContext() { return *context; }
  mlir::ModuleOp get() { return *module; }
  /// The diagnostics emitted so far, one per line.
  const std::string &getDiagnostics() const { return diagnostics; }

private:
  std::unique_ptr<mlir::MLIRContext> context;
  std::string diagnostics;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
  mlir::OwningOpRef<mlir::ModuleOp> module;
};

} // namespace recur

#endif // RECUR_RUNTIME_PARSEDMODULE_H
