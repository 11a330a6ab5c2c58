//===- recur-opt.cpp - Recur's pass driver --------------------------------===//
//
// mlir-opt with Recur's dialects and passes added to every upstream one, so
// that any lowering stage can be reproduced and FileCheck'ed from text.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  recur::registerCompilerPasses();

  mlir::DialectRegistry registry;
  recur::registerCompilerDialects(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Recur optimizer driver\n", registry));
}
