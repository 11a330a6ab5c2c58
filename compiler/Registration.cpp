//===- Registration.cpp - Dialects and interfaces the compiler needs ------===//

#include "compiler/Registration.h"
#include "dialects/InitAllDialects.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void recur::registerCompilerDialects(mlir::DialectRegistry &registry) {
  // Registration only records constructors; dialects load lazily, so the
  // full upstream set costs nothing until a pipeline uses it.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  recur::registerAllDialects(registry);
}
