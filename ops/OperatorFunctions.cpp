//===- OperatorFunctions.cpp - Operator functions of the seq ops ----------===//

#include "ops/OperatorFunctions.h"
#include "runtime/Error.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

#include <cmath>

using namespace mlir;
using namespace recur;
using namespace recur::ops;

Type Elements::of(const std::string &operand) const {
  auto it = overrides.find(operand);
  return it != overrides.end() ? it->second : element;
}

namespace {

constexpr int64_t kDynamic = ShapedType::kDynamic;

/// The pieces of one operator function, in the seq op's operand order.
struct OperatorFunction {
  std::string name, opName;
  SmallVector<Type> operands;
  /// Operands per ODS operand group (for ops with optional operands).
  SmallVector<int32_t> segments;
  NamedAttrList attributes;
  SmallVector<Type> results;

  /// Appends a group of operands (0 or 1 for an optional one).
  void add(ArrayRef<Type> types) {
    llvm::append_range(operands, types);
    segments.push_back(types.size());
  }
  void add(Type type) { add(ArrayRef<Type>{type}); }
  /// An optional operand: `type` is only called when it is present.
  void addIf(bool present, function_ref<Type()> type) {
    if (present)
      add(type());
    else
      add(ArrayRef<Type>{});
  }
};

[[noreturn]] void invalid(const std::string &op, const std::string &what) {
  throw Error(Status::InvalidArgument, op + ": " + what);
}

void requirePositive(
    const std::string &op,
    std::initializer_list<std::pair<const char *, int64_t>> sizes) {
  for (auto [name, size] : sizes)
    if (size <= 0)
      invalid(op, std::string(name) + " must be positive, got " +
                      std::to_string(size));
}

void requireFloat(const std::string &op, const Elements &elements,
                  std::initializer_list<const char *> operands) {
  for (const char *operand : operands) {
    Type type = elements.of(operand);
    if (!type || !isa<FloatType>(type) ||
        !(type.isF16() || type.isBF16() || type.isF32() || type.isF64()))
      invalid(op, std::string("the element type of ") + operand +
                      " must be f16, bf16, f32 or f64");
  }
}

void requireOffsets(const std::string &op, Type offsets) {
  if (offsets && !offsets.isInteger(32) && !offsets.isInteger(64))
    invalid(op, "cu_seqlens must be i32 or i64");
}

RankedTensorType tensor(ArrayRef<int64_t> shape, Type element) {
  return RankedTensorType::get(shape, element);
}

func::FuncOp build(OpBuilder &builder, const OperatorFunction &f) {
  MLIRContext *context = builder.getContext();
  Location loc = UnknownLoc::get(context);
  auto function = func::FuncOp::create(
      builder, loc, f.name, builder.getFunctionType(f.operands, f.results));
  Block *entry = function.addEntryBlock();
  OpBuilder body = OpBuilder::atBlockEnd(entry);
  OperationState state(loc, f.opName);
  state.addOperands(entry->getArguments());
  state.addTypes(f.results);
  state.addAttributes(f.attributes);
  std::optional<RegisteredOperationName> name =
      RegisteredOperationName::lookup(f.opName, context);
  if (!name)
    throw Error(Status::Internal, f.opName + " is not registered");
  if (name->hasTrait<OpTrait::AttrSizedOperandSegments>())
    state.addAttribute("operandSegmentSizes",
                       body.getDenseI32ArrayAttr(f.segments));
  Operation *op = body.create(state);
  func::ReturnOp::create(body, loc, op->getResults());
  return function;
}

} // namespace

func::FuncOp recur::ops::buildLinearFamily(OpBuilder &builder,
                                           const LinearSpec &spec) {
  const std::string &op = spec.op;
  bool gla = op == "gla", delta = op == "delta_rule",
       gated = op == "gated_delta_rule";
  if (!gla && !delta && !gated && op != "linear_attn")
    invalid(op, "not an operator of the linear family (linear_attn, gla, "
                "delta_rule, gated_delta_rule)");
  requirePositive(op, {{"heads", spec.heads},
                       {"key dimension", spec.keyDim},
                       {"value dimension", spec.valueDim}});
  requireFloat(op, spec.elements, {"q", "k", "v"});
  if (gla || gated)
    requireFloat(op, spec.elements, {"g"});
  if (delta || gated)
    requireFloat(op, spec.elements, {"beta"});
  requireOffsets(op, spec.offsets);
  if (spec.normalize && op != "linear_attn")
    invalid(op, "normalize belongs to linear_attn");

  Builder b(builder.getContext());
  int64_t H = spec.heads, K = spec.keyDim, V = spec.valueDim;
  const Elements &e = spec.elements;
  OperatorFunction f{op, "seq." + op};
  f.add(tensor({kDynamic, kDynamic, H, K}, e.of("q")));
  f.add(tensor({kDynamic, kDynamic, H, K}, e.of("k")));
  f.add(tensor({kDynamic, kDynamic, H, V}, e.of("v")));
  if (gla)
    f.add(tensor({kDynamic, kDynamic, H, K}, e.of("g")));
  if (gated)
    f.add(tensor({kDynamic, kDynamic, H}, e.of("g")));
  if (delta || gated)
    f.add(tensor({kDynamic, kDynamic, H}, e.of("beta")));
  RankedTensorType state = tensor({kDynamic, H, K, V}, b.getF32Type());
  f.addIf(spec.initialState, [&]() -> Type { return state; });
  f.addIf(bool(spec.offsets),
          [&]() -> Type { return tensor({kDynamic}, spec.offsets); });
  f.attributes.append("scale", b.getF64FloatAttr(spec.scale.value_or(
                                   1.0 / std::sqrt(static_cast<double>(K)))));
  if (spec.normalize)
    f.attributes.append("normalize", b.getUnitAttr());
  f.results = {tensor({kDynamic, kDynamic, H, V}, e.of("v")), state};
  return build(builder, f);
}

func::FuncOp recur::ops::buildAttention(OpBuilder &builder,
                                        const AttentionSpec &spec) {
  const std::string op = "flash_attn";
  requirePositive(op, {{"heads", spec.heads},
                       {"key/value heads", spec.kvHeads},
                       {"head dimension", spec.headDim},
                       {"value dimension", spec.valueDim}});
  if (spec.heads % spec.kvHeads)
    invalid(op, std::to_string(spec.heads) + " heads do not split into " +
                    std::to_string(spec.kvHeads) + " key/value heads");
  if (spec.windowLeft < -1 || spec.windowRight < -1)
    invalid(op, "window sizes are -1 or >= 0");
  requireFloat(op, spec.elements, {"q", "k", "v"});
  requireOffsets(op, spec.offsets);

  Builder b(builder.getContext());
  const Elements &e = spec.elements;
  int64_t D = spec.headDim;
  OperatorFunction f{op, "seq.attention"};
  f.add(tensor({kDynamic, kDynamic, spec.heads, D}, e.of("q")));
  f.add(tensor({kDynamic, kDynamic, spec.kvHeads, D}, e.of("k")));
  f.add(tensor({kDynamic, kDynamic, spec.kvHeads, spec.valueDim}, e.of("v")));
  f.addIf(bool(spec.offsets),
          [&]() -> Type { return tensor({kDynamic}, spec.offsets); });
  f.addIf(bool(spec.offsets),
          [&]() -> Type { return tensor({kDynamic}, spec.offsets); });
  if (spec.diagonal && spec.offsets)
    invalid(op, "a diagonal does not go with packed sequences");
  f.addIf(spec.diagonal, [&]() -> Type { return tensor({}, b.getI32Type()); });
  if (spec.causal)
    f.attributes.append("causal", b.getUnitAttr());
  f.attributes.append("softmax_scale",
                      b.getF64FloatAttr(spec.softmaxScale.value_or(
                          1.0 / std::sqrt(static_cast<double>(D)))));
  f.attributes.append("window_left", b.getI64IntegerAttr(spec.windowLeft));
  f.attributes.append("window_right", b.getI64IntegerAttr(spec.windowRight));
  f.results = {
      tensor({kDynamic, kDynamic, spec.heads, spec.valueDim}, e.of("q"))};
  if (spec.lse) {
    Type element = e.of("q");
    f.results.push_back(tensor({kDynamic, spec.heads, kDynamic},
                               element.isF64() ? element : b.getF32Type()));
  }
  return build(builder, f);
}

func::FuncOp recur::ops::buildSSD(OpBuilder &builder, const SSDSpec &spec) {
  const std::string op = "ssd";
  requirePositive(op, {{"heads", spec.heads},
                       {"head dimension", spec.headDim},
                       {"groups", spec.groups},
                       {"state dimension", spec.stateDim},
                       {"chunk_size", spec.chunkSize}});
  if (spec.heads % spec.groups)
    invalid(op, std::to_string(spec.heads) + " heads do not split into " +
                    std::to_string(spec.groups) + " groups");
  if (spec.dRank < 0 || spec.dRank > 2)
    invalid(op, "D is absent (0), per head (1) or per head and channel (2)");
  requireFloat(op, spec.elements, {"x", "dt", "A", "B", "C"});

  Builder b(builder.getContext());
  const Elements &e = spec.elements;
  int64_t h = spec.heads, p = spec.headDim, g = spec.groups, n = spec.stateDim;
  OperatorFunction f{op, "seq.ssd"};
  f.add(tensor({kDynamic, kDynamic, h, p}, e.of("x")));
  f.add(tensor({kDynamic, kDynamic, h}, e.of("dt")));
  f.add(tensor({h}, e.of("A")));
  f.add(tensor({kDynamic, kDynamic, g, n}, e.of("B")));
  f.add(tensor({kDynamic, kDynamic, g, n}, e.of("C")));
  SmallVector<int64_t> dShape =
      spec.dRank == 2 ? SmallVector<int64_t>{h, p} : SmallVector<int64_t>{h};
  f.addIf(spec.dRank > 0, [&]() -> Type { return tensor(dShape, e.of("D")); });
  f.addIf(spec.z, [&]() -> Type {
    return tensor({kDynamic, kDynamic, h, p}, e.of("z"));
  });
  f.addIf(spec.dtBias, [&]() -> Type { return tensor({h}, e.of("dt_bias")); });
  RankedTensorType state = tensor({kDynamic, h, p, n}, b.getF32Type());
  f.addIf(spec.initialStates, [&]() -> Type { return state; });
  f.attributes.append("chunk_size", b.getI64IntegerAttr(spec.chunkSize));
  if (spec.dtSoftplus)
    f.attributes.append("dt_softplus", b.getUnitAttr());
  f.results = {tensor({kDynamic, kDynamic, h, p}, e.of("x")), state};
  return build(builder, f);
}

func::FuncOp recur::ops::buildSelectiveScan(OpBuilder &builder,
                                            const SelectiveScanSpec &spec) {
  const std::string op = "selective_scan";
  requirePositive(
      op, {{"channels", spec.channels}, {"state dimension", spec.stateDim}});
  if (spec.groups < 0 || (spec.groups && spec.channels % spec.groups))
    invalid(op, std::to_string(spec.channels) + " channels do not split into " +
                    std::to_string(spec.groups) + " groups");
  requireFloat(op, spec.elements, {"u", "delta", "A", "B", "C"});

  Builder b(builder.getContext());
  const Elements &e = spec.elements;
  int64_t d = spec.channels, n = spec.stateDim;
  SmallVector<int64_t> bcShape =
      spec.groups ? SmallVector<int64_t>{kDynamic, spec.groups, n, kDynamic}
                  : SmallVector<int64_t>{kDynamic, n, kDynamic};
  OperatorFunction f{op, "seq.selective_scan"};
  f.add(tensor({kDynamic, d, kDynamic}, e.of("u")));
  f.add(tensor({kDynamic, d, kDynamic}, e.of("delta")));
  f.add(tensor({d, n}, e.of("A")));
  f.add(tensor(bcShape, e.of("B")));
  f.add(tensor(bcShape, e.of("C")));
  f.addIf(spec.D, [&]() -> Type { return tensor({d}, e.of("D")); });
  f.addIf(spec.z, [&]() -> Type {
    return tensor({kDynamic, d, kDynamic}, e.of("z"));
  });
  f.addIf(spec.deltaBias,
          [&]() -> Type { return tensor({d}, e.of("delta_bias")); });
  f.addIf(spec.initialState,
          [&]() -> Type { return tensor({kDynamic, d, n}, b.getF32Type()); });
  if (spec.deltaSoftplus)
    f.attributes.append("delta_softplus", b.getUnitAttr());
  f.results = {tensor({kDynamic, d, kDynamic}, e.of("u")),
               tensor({kDynamic, d, n}, b.getF32Type())};
  return build(builder, f);
}

func::FuncOp recur::ops::buildNewtonRNN(OpBuilder &builder,
                                        const NewtonSpec &spec) {
  const std::string op = "newton_rnn";
  int64_t gates = spec.gates, vectors = spec.vectors;
  int64_t states = 1;
  if (spec.cell == "gru_diag") {
    gates = 3;
    vectors = 6;
  } else if (spec.cell == "lstm_diag") {
    gates = 4;
    vectors = 8;
    states = 2;
  } else if (spec.cell == "custom") {
    if (gates < 1 || vectors < 0 || spec.step.empty() || spec.jacobian.empty())
      invalid(op, "a custom cell needs gates >= 1, vectors >= 0 and its step "
                  "and jacobian functions");
  } else {
    invalid(op, "unknown cell '" + spec.cell +
                    "'; cells are gru_diag, lstm_diag and custom");
  }
  requirePositive(
      op, {{"input dimension", spec.inputDim}, {"hidden", spec.hidden}});
  if (spec.maxIters && *spec.maxIters < 1)
    invalid(op, "max_iters must be positive");
  if (spec.tol && !(*spec.tol > 0))
    invalid(op, "tol must be positive");
  requireFloat(op, spec.elements, {"x"});

  Builder b(builder.getContext());
  const Elements &e = spec.elements;
  int64_t D = spec.inputDim, H = spec.hidden;
  Type x = e.of("x");
  Type compute = x.isF64() ? x : b.getF32Type();
  OperatorFunction f{op, "seq.newton_rnn"};
  f.add(tensor({kDynamic, kDynamic, D}, x));
  SmallVector<Type> params;
  for (int64_t i = 0; i < gates + vectors; ++i) {
    std::string name = "p" + std::to_string(i);
    requireFloat(op, e, {name.c_str()});
    params.push_back(i < gates ? Type(tensor({H, D}, e.of(name)))
                               : Type(tensor({H}, e.of(name))));
  }
  f.add(params);
  f.addIf(spec.h0, [&]() -> Type {
    return states == 2 ? tensor({kDynamic, 2, H}, e.of("h0"))
                       : tensor({kDynamic, H}, e.of("h0"));
  });
  f.attributes.append("cell", b.getStringAttr(spec.cell));
  if (spec.maxIters)
    f.attributes.append("max_iters", b.getI64IntegerAttr(*spec.maxIters));
  if (spec.tol)
    f.attributes.append("tol", b.getF64FloatAttr(*spec.tol));
  if (spec.cell == "custom") {
    f.attributes.append("gates", b.getI64IntegerAttr(gates));
    f.attributes.append("step",
                        FlatSymbolRefAttr::get(b.getContext(), spec.step));
    f.attributes.append("jacobian",
                        FlatSymbolRefAttr::get(b.getContext(), spec.jacobian));
  }
  f.results = {tensor({kDynamic, kDynamic, H}, x), tensor({}, b.getI32Type()),
               tensor({}, compute)};
  return build(builder, f);
}
