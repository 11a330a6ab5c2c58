//===- SeqDialect.cpp - Seq dialect ---------------------------------------===//

#include "dialects/seq/SeqDialect.h"
#include "dialects/seq/SeqOps.h"

using namespace mlir;
using namespace recur::seq;

#include "dialects/seq/SeqDialect.cpp.inc"

void SeqDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/seq/SeqOps.cpp.inc"
      >();
}
