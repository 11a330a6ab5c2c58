//===- SeqDialect.td - Seq dialect and type constraints ----*- tablegen -*-===//
//
// The seq dialect states whole sequence operators on tensors in the layouts
// their users know (FLA's [B, T, H, K], mamba_ssm's [b, d, l]). Every one of
// them is a chunked scan of a state; `seq.scan` is that primitive, and the
// named ops are its front ends. Lowering to tile kernels happens in
// compiler/; here the ops only parse, print and verify their shape rules.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_SEQ_DIALECT_TD
#define RECUR_SEQ_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"

def Seq_Dialect : Dialect {
  let name = "seq";
  let cppNamespace = "::recur::seq";
  let summary = "Sequence operators and the chunked scan they reduce to";
  let description = [{
    Tensors are `[batch, time, heads, dim]` unless an op says otherwise
    (the SSM ops keep mamba_ssm's layouts). Dimensions may be dynamic;
    every relation between two static dimensions is verified. Carried
    states are float32 whatever the input dtype, gates are in log space,
    and with `cu_seqlens` the batch is 1 and sequences are packed along
    time, with one state row per sequence.
  }];
}

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// Sequence operands, gates and outputs: any of the float types users train in.
def Seq_Tensor : RankedTensorOf<[F16, BF16, F32, F64]>;

// Carried states stay float32 whatever the inputs are: a state sums over the
// whole sequence, and bf16 accumulation over thousands of steps drifts.
def Seq_State : RankedTensorOf<[F32]>;

// Cumulative sequence lengths [N + 1] of packed (varlen) sequences.
def Seq_Offsets : 1DTensorOf<[I32, I64]>;

#endif // RECUR_SEQ_DIALECT_TD
