//===- ParsedModule.cpp - A tile module parsed for one compilation --------===//

#include "runtime/ParsedModule.h"
#include "compiler/Registration.h"
#include "runtime/Error.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Parser/Parser.h"

using namespace recur;

ParsedModule::ParsedModule(llvm::StringRef source) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  context = std::make_unique<mlir::MLIRContext>(
      registry, mlir::MLIRContext::Threading::DISABLED);
  handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
      context.get(), [this](mlir::Diagnostic &diag) {
        llvm::raw_string_ostream os(diagnostics);
        os << diag.getLocation() << ": " << diag.str() << "\n";
        return mlir::success();
      });
  module = mlir::parseSourceString<mlir::ModuleOp>(source, context.get());
  if (!module)
    throw Error(Status::CompileError, "invalid tile module:\n" + diagnostics);
}

// The module goes before the handler and the context it lives in.
ParsedModule::~ParsedModule() {
  module = nullptr;
  handler.reset();
}
