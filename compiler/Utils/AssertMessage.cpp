//===- AssertMessage.cpp - What a failed tile.assert reports --------------===//

#include "compiler/Utils/AssertMessage.h"
#include "dialects/tile/TileOps.h"

using namespace mlir;

std::string recur::getAssertMessage(tile::AssertOp op) {
  std::string message = op.getMessage().str();
  if (auto fileLoc = dyn_cast<FileLineColLoc>(op.getLoc()))
    message += " at " + fileLoc.getFilename().str() + ":" +
               std::to_string(fileLoc.getLine());
  return message;
}
