//===- InitAllDialects.cpp - Register every Recur dialect -----------------===//

#include "dialects/InitAllDialects.h"

#include "dialects/seq/SeqOps.h"
#include "dialects/tile/TileOps.h"
#include "mlir/IR/DialectRegistry.h"

void recur::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<recur::seq::SeqDialect, recur::tile::TileDialect>();
}
