//===- OpsBindings.cpp - recur._C.ops: operator functions -----------------===//
//
// Each function takes an operator's static description as keywords (element
// types as "f32", "bf16", ...; per-operand overrides in `elements`) and
// returns the text of a module holding its operator function, which
// recur.ops compiles (the text is also the compile-cache key).
//
//===----------------------------------------------------------------------===//

#include "python/src/Bindings.h"

#include "compiler/SeqToTile/OperatorKernels.h"
#include "dialects/InitAllDialects.h"
#include "ops/OperatorFunctions.h"
#include "runtime/Error.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <mutex>

#include <pybind11/stl.h>

namespace py = pybind11;
using namespace mlir;
using namespace recur;
using namespace recur::ops;

namespace {

/// One context for every operator function: building them is frequent (each
/// operator call derives its cache key from the text) and cheap once the
/// dialects are loaded.
struct OpsContext {
  std::mutex mutex;
  MLIRContext context{MLIRContext::Threading::DISABLED};
  OpsContext() {
    DialectRegistry registry;
    recur::registerAllDialects(registry);
    registry.insert<func::FuncDialect>();
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }
};

OpsContext &opsContext() {
  static OpsContext instance;
  return instance;
}

Type elementType(MLIRContext &context, const std::string &name) {
  Builder b(&context);
  if (name == "f16")
    return b.getF16Type();
  if (name == "bf16")
    return b.getBF16Type();
  if (name == "f32")
    return b.getF32Type();
  if (name == "f64")
    return b.getF64Type();
  if (name == "i32")
    return b.getI32Type();
  if (name == "i64")
    return b.getI64Type();
  throw Error(Status::InvalidArgument, "unknown element type '" + name + "'");
}

Elements elementsOf(MLIRContext &context, const std::string &element,
                    const std::map<std::string, std::string> &overrides) {
  Elements elements{elementType(context, element), {}};
  for (const auto &[operand, name] : overrides)
    elements.overrides[operand] = elementType(context, name);
  return elements;
}

Type optionalElement(MLIRContext &context,
                     const std::optional<std::string> &name) {
  return name ? elementType(context, *name) : Type();
}

/// Builds one operator function in a fresh module and prints it.
template <typename Fn> std::string moduleText(Fn &&build) {
  OpsContext &ops = opsContext();
  std::lock_guard<std::mutex> lock(ops.mutex);
  OpBuilder builder(&ops.context);
  OwningOpRef<ModuleOp> module =
      ModuleOp::create(UnknownLoc::get(&ops.context));
  builder.setInsertionPointToEnd(module->getBody());
  build(ops.context, builder);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

using ElementMap = std::map<std::string, std::string>;

} // namespace

void recur::python::populateOpsBindings(py::module_ &m) {
  m.def(
      "linear_family",
      [](const std::string &op, int64_t heads, int64_t keyDim, int64_t valueDim,
         const std::string &element, const ElementMap &elements,
         bool initialState, const std::optional<std::string> &offsets,
         std::optional<double> scale, bool normalize) {
        return moduleText([&](MLIRContext &context, OpBuilder &builder) {
          LinearSpec spec{op,
                          heads,
                          keyDim,
                          valueDim,
                          elementsOf(context, element, elements),
                          initialState,
                          optionalElement(context, offsets),
                          scale,
                          normalize};
          buildLinearFamily(builder, spec);
        });
      },
      py::arg("op"), py::arg("heads"), py::arg("key_dim"), py::arg("value_dim"),
      py::arg("element"), py::arg("elements") = ElementMap{},
      py::arg("initial_state") = false, py::arg("offsets") = std::nullopt,
      py::arg("scale") = std::nullopt, py::arg("normalize") = false);
  m.def(
      "attention",
      [](int64_t heads, int64_t kvHeads, int64_t headDim, int64_t valueDim,
         const std::string &element, const ElementMap &elements, bool causal,
         std::optional<double> softmaxScale, int64_t windowLeft,
         int64_t windowRight, const std::optional<std::string> &offsets,
         bool lse, bool diagonal) {
        return moduleText([&](MLIRContext &context, OpBuilder &builder) {
          AttentionSpec spec{heads,
                             kvHeads,
                             headDim,
                             valueDim,
                             elementsOf(context, element, elements),
                             causal,
                             softmaxScale,
                             windowLeft,
                             windowRight,
                             optionalElement(context, offsets),
                             lse,
                             diagonal};
          buildAttention(builder, spec);
        });
      },
      py::arg("heads"), py::arg("kv_heads"), py::arg("head_dim"),
      py::arg("value_dim"), py::arg("element"),
      py::arg("elements") = ElementMap{}, py::arg("causal") = false,
      py::arg("softmax_scale") = std::nullopt, py::arg("window_left") = -1,
      py::arg("window_right") = -1, py::arg("offsets") = std::nullopt,
      py::arg("lse") = false, py::arg("diagonal") = false);
  m.def(
      "ssd",
      [](int64_t heads, int64_t headDim, int64_t groups, int64_t stateDim,
         int64_t chunkSize, const std::string &element,
         const ElementMap &elements, int dRank, bool z, bool dtBias,
         bool dtSoftplus, bool initialStates) {
        return moduleText([&](MLIRContext &context, OpBuilder &builder) {
          SSDSpec spec{heads,        headDim,
                       groups,       stateDim,
                       chunkSize,    elementsOf(context, element, elements),
                       dRank,        z,
                       dtBias,       dtSoftplus,
                       initialStates};
          buildSSD(builder, spec);
        });
      },
      py::arg("heads"), py::arg("head_dim"), py::arg("groups"),
      py::arg("state_dim"), py::arg("chunk_size"), py::arg("element"),
      py::arg("elements") = ElementMap{}, py::arg("d_rank") = 0,
      py::arg("z") = false, py::arg("dt_bias") = false,
      py::arg("dt_softplus") = false, py::arg("initial_states") = false);
  m.def(
      "selective_scan",
      [](int64_t channels, int64_t stateDim, int64_t groups,
         const std::string &element, const ElementMap &elements, bool D, bool z,
         bool deltaBias, bool deltaSoftplus, bool initialState) {
        return moduleText([&](MLIRContext &context, OpBuilder &builder) {
          SelectiveScanSpec spec{channels,
                                 stateDim,
                                 groups,
                                 elementsOf(context, element, elements),
                                 D,
                                 z,
                                 deltaBias,
                                 deltaSoftplus,
                                 initialState};
          buildSelectiveScan(builder, spec);
        });
      },
      py::arg("channels"), py::arg("state_dim"), py::arg("groups"),
      py::arg("element"), py::arg("elements") = ElementMap{},
      py::arg("D") = false, py::arg("z") = false, py::arg("delta_bias") = false,
      py::arg("delta_softplus") = false, py::arg("initial_state") = false);
  m.def("value_block", &getValueBlock,
        "The columns of the [K, V] state one program of the linear family "
        "holds: the kernel's grid is (H, sequences, ceil(V / value_block)).",
        py::arg("key_dim"), py::arg("value_dim"), py::arg("gpu"));
  m.def(
      "newton_rnn",
      [](const std::string &cell, int64_t inputDim, int64_t hidden,
         int64_t gates, int64_t vectors, const std::string &element,
         const ElementMap &elements, bool h0, std::optional<int64_t> maxIters,
         std::optional<double> tol, const std::string &step,
         const std::string &jacobian) {
        return moduleText([&](MLIRContext &context, OpBuilder &builder) {
          NewtonSpec spec{
              cell,  inputDim, hidden,
              gates, vectors,  elementsOf(context, element, elements),
              h0,    maxIters, tol,
              step,  jacobian};
          buildNewtonRNN(builder, spec);
        });
      },
      py::arg("cell"), py::arg("input_dim"), py::arg("hidden"),
      py::arg("gates") = 0, py::arg("vectors") = 0, py::arg("element"),
      py::arg("elements") = ElementMap{}, py::arg("h0") = false,
      py::arg("max_iters") = std::nullopt, py::arg("tol") = std::nullopt,
      py::arg("step") = "", py::arg("jacobian") = "");
}
