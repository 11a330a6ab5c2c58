//===- SeqOps.cpp - Seq dialect operations: verifiers ---------------------===//

#include "dialects/seq/SeqOps.h"
#include "dialects/seq/ShapeChecker.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace recur::seq;

#define GET_OP_CLASSES
#include "dialects/seq/SeqOps.cpp.inc"

//===----------------------------------------------------------------------===//
// seq.scan
//===----------------------------------------------------------------------===//

/// `type` with dimension 1 (time) replaced by `size`.
static RankedTensorType withTime(Type type, int64_t size) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape[1] = size;
  return tensor.clone(shape);
}

LogicalResult ScanOp::verifyRegions() {
  if (getInputs().empty())
    return emitOpError("needs at least one sequence input");
  if (getInits().empty())
    return emitOpError("needs at least one carried state");
  ShapeChecker shapes(*this);
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getRank() < 2)
      return emitOpError("input #")
             << i << " must be [B, T, ...], got " << type;
    // Inputs share B and T only; trailing dimensions are each input's own.
    SmallVector<StringRef> dims(type.getRank(), "");
    dims[0] = "B";
    dims[1] = "T";
    if (failed(shapes.check(input, "input #" + std::to_string(i), dims)))
      return failure();
  }
  if (Value offsets = getOffsets()) {
    if (failed(shapes.require("B", 1, "the batch with 'offsets'")) ||
        failed(shapes.bindSequenceCount(offsets, "offsets", "N")))
      return failure();
    for (auto [i, init] : llvm::enumerate(getInits())) {
      auto type = cast<RankedTensorType>(init.getType());
      if (type.getRank() < 1)
        return emitOpError("with offsets, state #")
               << i << " needs a leading sequence dimension";
      SmallVector<StringRef> dims(type.getRank(), "");
      dims[0] = "N";
      if (failed(shapes.check(init, "state #" + std::to_string(i), dims)))
        return failure();
    }
  }

  int64_t chunk = getChunkSize();
  size_t numStates = getInits().size();
  Block &body = getBody().front();
  SmallVector<Type> expectedArgs(getInits().getTypes());
  for (Value input : getInputs())
    expectedArgs.push_back(withTime(input.getType(), chunk));
  if (!llvm::equal(body.getArgumentTypes(), expectedArgs)) {
    InFlightDiagnostic diag =
        emitOpError("body must take the states, then one chunk of each "
                    "input: expected (");
    llvm::interleaveComma(expectedArgs, diag);
    return diag << ")";
  }

  auto yield = cast<YieldOp>(body.getTerminator());
  ValueRange yielded = yield.getValues();
  if (yielded.size() < numStates ||
      !llvm::equal(yielded.take_front(numStates).getTypes(),
                   getInits().getTypes()))
    return yield.emitOpError("must first yield the new states, of the "
                             "types of the initial states");
  ValueRange outputs = yielded.drop_front(numStates);
  if (getResults().size() != outputs.size() + numStates)
    return emitOpError("has ")
           << getResults().size() << " results; expected one per chunk output ("
           << outputs.size() << ") and per state (" << numStates << ")";
  // T is bound by whichever input has it static; the results must agree.
  int64_t time = shapes.lookup("T").value_or(ShapedType::kDynamic);
  for (auto [i, output] : llvm::enumerate(outputs)) {
    auto type = dyn_cast<RankedTensorType>(output.getType());
    if (!type || type.getRank() < 2 || type.getDimSize(1) != chunk)
      return yield.emitOpError("chunk output #")
             << i << " must be [B, " << chunk << ", ...], got "
             << output.getType();
    // A chunk of the sequence keeps the batch of the inputs it came from.
    SmallVector<StringRef> dims(type.getRank(), "");
    dims[0] = "B";
    if (failed(
            shapes.check(output, "chunk output #" + std::to_string(i), dims)))
      return failure();
    Type expected = withTime(type, time);
    if (getResults()[i].getType() != expected)
      return emitOpError("result #")
             << i << " must be " << expected << ", the full-length output";
  }
  for (auto [i, init] : llvm::enumerate(getInits()))
    if (getResults()[outputs.size() + i].getType() != init.getType())
      return emitOpError("final state #")
             << i << " must have the type of its initial state "
             << init.getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Linear-attention family
//===----------------------------------------------------------------------===//

/// The shared shape rules of linear_attn, gla, delta_rule, gated_delta_rule.
/// `keyGate` is GLA's per-key-channel gate [B, T, H, K]; `stepGates` are
/// per-step, per-head scalars [B, T, H] (beta, and gated DeltaNet's g).
static LogicalResult
verifyLinearFamily(Operation *op, Value q, Value k, Value v, Value keyGate,
                   ArrayRef<std::pair<Value, StringRef>> stepGates,
                   Value initialState, Value cuSeqlens, Value o,
                   Value finalState) {
  ShapeChecker shapes(op);
  if (failed(shapes.check(q, "q", {"B", "T", "H", "K"})) ||
      failed(shapes.check(k, "k", {"B", "T", "H", "K"})) ||
      failed(shapes.check(v, "v", {"B", "T", "H", "V"})) ||
      failed(shapes.check(keyGate, "g", {"B", "T", "H", "K"})))
    return failure();
  for (auto [gate, name] : stepGates)
    if (failed(shapes.check(gate, name, {"B", "T", "H"})))
      return failure();
  if (failed(shapes.check(o, "o", {"B", "T", "H", "V"})))
    return failure();
  StringRef sequences = "B";
  if (cuSeqlens) {
    sequences = "N";
    if (failed(shapes.require("B", 1, "the batch with 'cu_seqlens'")) ||
        failed(shapes.bindSequenceCount(cuSeqlens, "cu_seqlens", "N")))
      return failure();
  }
  if (failed(shapes.check(initialState, "initial_state",
                          {sequences, "H", "K", "V"})) ||
      failed(
          shapes.check(finalState, "final_state", {sequences, "H", "K", "V"})))
    return failure();
  return success();
}

LogicalResult LinearAttnOp::verify() {
  return verifyLinearFamily(*this, getQ(), getK(), getV(), {}, {},
                            getInitialState(), getCuSeqlens(), getO(),
                            getFinalState());
}

LogicalResult GLAOp::verify() {
  return verifyLinearFamily(*this, getQ(), getK(), getV(), getG(), {},
                            getInitialState(), getCuSeqlens(), getO(),
                            getFinalState());
}

LogicalResult DeltaRuleOp::verify() {
  return verifyLinearFamily(*this, getQ(), getK(), getV(), {},
                            {{getBeta(), "beta"}}, getInitialState(),
                            getCuSeqlens(), getO(), getFinalState());
}

LogicalResult GatedDeltaRuleOp::verify() {
  return verifyLinearFamily(
      *this, getQ(), getK(), getV(), {}, {{getG(), "g"}, {getBeta(), "beta"}},
      getInitialState(), getCuSeqlens(), getO(), getFinalState());
}

//===----------------------------------------------------------------------===//
// State-space models
//===----------------------------------------------------------------------===//

LogicalResult SelectiveScanOp::verify() {
  ShapeChecker shapes(*this);
  if (failed(shapes.check(getU(), "u", {"b", "d", "l"})) ||
      failed(shapes.check(getDelta(), "delta", {"b", "d", "l"})) ||
      failed(shapes.check(getA(), "A", {"d", "n"})))
    return failure();
  for (auto [value, name] : {std::pair{getB(), "B"}, {getC(), "C"}}) {
    int64_t rank = cast<ShapedType>(value.getType()).getRank();
    if (rank != 3 && rank != 4)
      return emitOpError("'") << name
                              << "' must be [b, n, l] or grouped [b, g, n, l], "
                                 "got "
                              << value.getType();
    if (failed(rank == 3 ? shapes.check(value, name, {"b", "n", "l"})
                         : shapes.check(value, name, {"b", "g", "n", "l"})))
      return failure();
  }
  if (failed(shapes.requireDivisible("d", "g")) ||
      failed(shapes.check(getD(), "D", {"d"})) ||
      failed(shapes.check(getZ(), "z", {"b", "d", "l"})) ||
      failed(shapes.check(getDeltaBias(), "delta_bias", {"d"})) ||
      failed(shapes.check(getY(), "y", {"b", "d", "l"})) ||
      failed(shapes.check(getInitialState(), "initial_state",
                          {"b", "d", "n"})) ||
      failed(shapes.check(getLastState(), "last_state", {"b", "d", "n"})))
    return failure();
  return success();
}

LogicalResult SSDOp::verify() {
  ShapeChecker shapes(*this);
  if (failed(shapes.check(getX(), "x", {"b", "l", "h", "p"})) ||
      failed(shapes.check(getDt(), "dt", {"b", "l", "h"})) ||
      failed(shapes.check(getA(), "A", {"h"})) ||
      failed(shapes.check(getB(), "B", {"b", "l", "g", "n"})) ||
      failed(shapes.check(getC(), "C", {"b", "l", "g", "n"})) ||
      failed(shapes.requireDivisible("h", "g")))
    return failure();
  if (Value d = getD()) {
    int64_t rank = cast<ShapedType>(d.getType()).getRank();
    if (failed(rank == 2 ? shapes.check(d, "D", {"h", "p"})
                         : shapes.check(d, "D", {"h"})))
      return failure();
  }
  if (failed(shapes.check(getZ(), "z", {"b", "l", "h", "p"})) ||
      failed(shapes.check(getDtBias(), "dt_bias", {"h"})) ||
      failed(shapes.check(getInitialStates(), "initial_states",
                          {"b", "h", "p", "n"})) ||
      failed(shapes.check(getY(), "y", {"b", "l", "h", "p"})) ||
      failed(
          shapes.check(getFinalStates(), "final_states", {"b", "h", "p", "n"})))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax attention and nonlinear RNNs
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  ShapeChecker shapes(*this);
  if (failed(shapes.check(getQ(), "q", {"B", "Tq", "Hq", "D"})) ||
      failed(shapes.check(getK(), "k", {"B", "Tk", "Hkv", "D"})) ||
      failed(shapes.check(getV(), "v", {"B", "Tk", "Hkv", "Dv"})) ||
      failed(shapes.check(getO(), "o", {"B", "Tq", "Hq", "Dv"})))
    return failure();
  if (Value lse = getLse()) {
    if (failed(shapes.check(lse, "lse", {"B", "Hq", "Tq"})))
      return failure();
    // The log-sum-exp stays in the compute type: a narrower one would lose
    // the precision that merging partial outputs depends on.
    Type element = getQ().getType().getElementType();
    Type computeType =
        element.isF64() ? element : Float32Type::get(getContext());
    if (cast<ShapedType>(lse.getType()).getElementType() != computeType)
      return emitOpError("lse must be ")
             << computeType << " (the compute type of q), got "
             << cast<ShapedType>(lse.getType()).getElementType();
  }
  if (failed(shapes.requireDivisible("Hq", "Hkv", "for GQA/MQA")))
    return failure();
  if (static_cast<bool>(getCuSeqlensQ()) != static_cast<bool>(getCuSeqlensK()))
    return emitOpError("needs both cu_seqlens_q and cu_seqlens_k, or neither");
  // One alignment for every packed sequence would rarely be what their
  // different lengths need.
  if (getDiagonal() && getCuSeqlensQ())
    return emitOpError("takes 'diagonal' only without packed sequences");
  if (getCuSeqlensQ() &&
      (failed(shapes.require("B", 1, "the batch with 'cu_seqlens_q'")) ||
       failed(shapes.bindSequenceCount(getCuSeqlensQ(), "cu_seqlens_q", "N")) ||
       failed(shapes.bindSequenceCount(getCuSeqlensK(), "cu_seqlens_k", "N"))))
    return failure();
  int64_t left = getWindowLeftAttr().getInt();
  int64_t right = getWindowRightAttr().getInt();
  if (left < -1 || right < -1)
    return emitOpError("window sizes must be >= -1 (-1: unbounded), got (")
           << left << ", " << right << ")";
  return success();
}

LogicalResult NewtonRNNOp::verify() {
  StringRef cell = getCell();
  ShapeChecker shapes(*this);
  if (failed(shapes.check(getX(), "x", {"B", "T", "D"})))
    return failure();
  Type computeType = getX().getType().getElementType().isF64()
                         ? getX().getType().getElementType()
                         : Float32Type::get(getContext());
  if (getResidual().getType().getElementType() != computeType)
    return emitOpError("residual must be ")
           << computeType << " (the compute type of x), got "
           << getResidual().getType().getElementType();
  if (auto tol = getTol(); tol && !(tol->convertToDouble() > 0.0))
    return emitOpError("tol must be positive, got ") << tol->convertToDouble();

  bool custom = cell == "custom";
  if (custom != (getStep() && getJacobian() && getGates()))
    return emitOpError(custom ? "cell \"custom\" needs 'step', 'jacobian' "
                                "and 'gates'"
                              : "'step', 'jacobian' and 'gates' belong to "
                                "cell \"custom\"");
  if (custom) {
    size_t gates = *getGates();
    if (getParams().size() < gates)
      return emitOpError("cell \"custom\" has ")
             << gates << " gates but only " << getParams().size()
             << " parameters";
    for (auto [i, param] : llvm::enumerate(getParams())) {
      std::string name =
          (i < gates ? "W_" : "p_") + std::to_string(i < gates ? i : i - gates);
      if (failed(i < gates ? shapes.check(param, name, {"H", "D"})
                           : shapes.check(param, name, {"H"})))
        return failure();
    }
    return failure(failed(shapes.check(getH0(), "h0", {"B", "H"})) ||
                   failed(shapes.check(getH(), "h", {"B", "T", "H"})));
  }

  ArrayRef<StringRef> gates;
  static constexpr StringRef gruGates[] = {"z", "r", "c"};
  static constexpr StringRef lstmGates[] = {"i", "f", "o", "c"};
  if (cell == "gru_diag")
    gates = gruGates;
  else if (cell == "lstm_diag")
    gates = lstmGates;
  else
    return emitOpError("unknown cell '")
           << cell << "'; cells are \"gru_diag\", \"lstm_diag\" and \"custom\"";
  size_t perKind = gates.size();
  if (getParams().size() != 3 * perKind)
    return emitOpError("cell '")
           << cell << "' takes " << 3 * perKind << " parameters (W_*, a_*, "
           << "b_* per gate), got " << getParams().size();
  for (size_t kind = 0; kind < 3; ++kind) {
    for (size_t i = 0; i < perKind; ++i) {
      std::string name = std::string(1, "Wab"[kind]) + "_" + gates[i].str();
      Value param = getParams()[kind * perKind + i];
      if (failed(kind == 0 ? shapes.check(param, name, {"H", "D"})
                           : shapes.check(param, name, {"H"})))
        return failure();
    }
  }
  if (failed(cell == "gru_diag" ? shapes.check(getH0(), "h0", {"B", "H"})
                                : shapes.check(getH0(), "h0", {"B", "2", "H"})))
    return failure();
  return shapes.check(getH(), "h", {"B", "T", "H"});
}

LogicalResult
NewtonRNNOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  // A custom cell's functions take the state, one input projection per gate
  // and every per-channel vector, and return one value.
  size_t arity = 1 + getParams().size();
  for (auto [role, symbol] :
       {std::pair{"step", getStepAttr()}, {"jacobian", getJacobianAttr()}}) {
    if (!symbol)
      continue;
    auto function =
        symbolTable.lookupNearestSymbolFrom<FunctionOpInterface>(*this, symbol);
    if (!function)
      return emitOpError("'")
             << role << "' names " << symbol << ", which is not a function";
    if (function.getNumArguments() != arity || function.getNumResults() != 1)
      return emitOpError("'")
             << role << "' function " << symbol << " must take " << arity
             << " arguments (h, one projection per gate, each vector) and "
             << "return one value; it takes " << function.getNumArguments()
             << " and returns " << function.getNumResults();
  }
  return success();
}
