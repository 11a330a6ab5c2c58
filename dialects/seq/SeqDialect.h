//===- SeqDialect.h - Seq dialect --------------------------------*- C++
//-*-===//

#ifndef RECUR_DIALECTS_SEQ_SEQDIALECT_H
#define RECUR_DIALECTS_SEQ_SEQDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/seq/SeqDialect.h.inc"

#endif // RECUR_DIALECTS_SEQ_SEQDIALECT_H
