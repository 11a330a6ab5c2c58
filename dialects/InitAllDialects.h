//===- InitAllDialects.h - Register every Recur dialect ----------*- C++
//-*-===//

#ifndef RECUR_DIALECTS_INITALLDIALECTS_H
#define RECUR_DIALECTS_INITALLDIALECTS_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace recur {

/// Adds Recur's own dialects (seq, tile) to `registry`.
void registerAllDialects(mlir::DialectRegistry &registry);

} // namespace recur

#endif // RECUR_DIALECTS_INITALLDIALECTS_H
