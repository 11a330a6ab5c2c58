//===- AssertMessage.h - What a failed tile.assert reports ------*- C++ -*-===//
//
// The text a failed `tile.assert` reports, shared by the CPU and GPU
// lowerings so that both name the same source line.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_COMPILER_UTILS_ASSERTMESSAGE_H
#define RECUR_COMPILER_UTILS_ASSERTMESSAGE_H

#include <string>

namespace recur::tile {
class AssertOp;
} // namespace recur::tile

namespace recur {

/// The assert's message, followed by " at FILE:LINE" when its location is
/// a file location.
std::string getAssertMessage(tile::AssertOp op);

} // namespace recur

#endif // RECUR_COMPILER_UTILS_ASSERTMESSAGE_H
