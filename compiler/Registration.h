//===- Registration.h - Dialects and interfaces the compiler needs -*- C++
//-*-===//

#ifndef RECUR_COMPILER_REGISTRATION_H
#define RECUR_COMPILER_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace recur {

/// Adds Recur's dialects, the upstream dialects its pipelines produce, their
/// bufferization and inlining interfaces, and the LLVM IR translations.
void registerCompilerDialects(mlir::DialectRegistry &registry);

} // namespace recur

#endif // RECUR_COMPILER_REGISTRATION_H
