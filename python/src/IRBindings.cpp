//===- IRBindings.cpp - recur._C.ir: build tile IR from Python ------------===//
//
// The DSL front end (python/recur/compiler) builds tile IR through these
// bindings. Operations are created generically, by name, operands, result
// types and attributes, the way mlir::OperationState does it: the front end
// already knows every result type (it applies the language's typing rules
// itself), and a generic builder keeps this file independent of the op set.
// The ops' own verifiers check every operation when the module is verified.
//
// Handles (Operation, Block, Region, Value, Type) do not own anything: the
// Module owns its operations and the Context owns types and attributes, so
// the front end keeps both alive while it holds handles.
//
//===----------------------------------------------------------------------===//

#include "python/src/Bindings.h"

#include "compiler/Passes.h"
#include "compiler/Registration.h"
#include "dialects/seq/SeqOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include <mutex>

#include <pybind11/stl.h>

namespace py = pybind11;
using namespace mlir;

namespace {

/// An MLIR context with every Recur dialect loaded, collecting diagnostics
/// as text so that Python can turn them into exceptions.
class IRContext {
public:
  IRContext() : context(makeRegistry()) {
    context.loadAllAvailableDialects();
    context.disableMultithreading();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &diag) {
          llvm::raw_string_ostream os(diagnostics);
          os << diag.getLocation() << ": " << diag.str() << "\n";
          for (const Diagnostic &note : diag.getNotes())
            os << note.getLocation() << ": note: " << note.str() << "\n";
          return success();
        });
  }

  /// Returns and clears the diagnostics collected so far.
  std::string takeDiagnostics() { return std::exchange(diagnostics, ""); }

  [[noreturn]] void fail(const std::string &what) {
    std::string text = takeDiagnostics();
    throw py::value_error(what + (text.empty() ? "" : ":\n" + text));
  }

  MLIRContext context;

private:
  static DialectRegistry makeRegistry() {
    DialectRegistry registry;
    recur::registerCompilerDialects(registry);
    return registry;
  }

  std::string diagnostics;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
};

/// A module owned by Python.
struct IRModule {
  std::shared_ptr<IRContext> context;
  OwningOpRef<ModuleOp> module;
};

/// An OpBuilder with the location of the Python statement being compiled.
class IRBuilder {
public:
  explicit IRBuilder(std::shared_ptr<IRContext> context)
      : context(std::move(context)), builder(&this->context->context),
        loc(builder.getUnknownLoc()) {}

  std::shared_ptr<IRContext> context;
  OpBuilder builder;
  Location loc;
};

template <typename T> std::string printed(T value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  value.print(os);
  return text;
}

} // namespace

void recur::python::populateIRBindings(py::module_ &m) {
  m.def(
      "newton_rnn_defaults",
      [](bool computeInF64) {
        return py::make_tuple(
            recur::seq::NewtonRNNOp::getDefaultMaxIters(),
            recur::seq::NewtonRNNOp::getDefaultTol(computeInF64));
      },
      py::arg("compute_in_f64"),
      "seq.newton_rnn's (max_iters, tol) when they are not given");
  m.doc() = "Tile IR construction for the Recur DSL front end";

  py::class_<IRContext, std::shared_ptr<IRContext>>(m, "Context")
      .def(py::init<>())
      .def(
          "parse_type",
          [](IRContext &self, const std::string &text) {
            Type type = parseType(text, &self.context);
            if (!type)
              self.fail("invalid type '" + text + "'");
            return type;
          },
          py::arg("text"))
      .def(
          "parse_attr",
          [](IRContext &self, const std::string &text) {
            Attribute attr = parseAttribute(text, &self.context);
            if (!attr)
              self.fail("invalid attribute '" + text + "'");
            return attr;
          },
          py::arg("text"))
      .def("take_diagnostics", &IRContext::takeDiagnostics);

  py::class_<Type>(m, "Type")
      .def("__str__", [](Type self) { return printed(self); })
      .def("__repr__", [](Type self) { return "Type(" + printed(self) + ")"; })
      .def("__eq__", [](Type self, Type other) { return self == other; })
      .def("__hash__", [](Type self) {
        return reinterpret_cast<uintptr_t>(self.getAsOpaquePointer());
      });

  py::class_<Attribute>(m, "Attribute").def("__str__", [](Attribute self) {
    return printed(self);
  });

  py::class_<Value>(m, "Value")
      .def_property_readonly("type", &Value::getType)
      .def("__eq__", [](Value self, Value other) { return self == other; })
      .def("__hash__",
           [](Value self) {
             return reinterpret_cast<uintptr_t>(self.getAsOpaquePointer());
           })
      .def("replace_all_uses_with",
           [](Value self, Value other) { self.replaceAllUsesWith(other); })
      .def("__str__", [](Value self) { return printed(self); });

  py::class_<Block, std::unique_ptr<Block, py::nodelete>>(m, "Block")
      .def_property_readonly("num_args", &Block::getNumArguments)
      .def(
          "arg",
          [](Block &self, unsigned i) -> Value { return self.getArgument(i); },
          py::arg("index"))
      .def(
          "add_arg",
          [](Block &self, Type type, IRBuilder &builder) -> Value {
            return self.addArgument(type, builder.loc);
          },
          py::arg("type"), py::arg("builder"))
      .def("erase_arg", [](Block &self, unsigned i) { self.eraseArgument(i); })
      .def("has_terminator",
           [](Block &self) {
             return !self.empty() &&
                    self.back().hasTrait<OpTrait::IsTerminator>();
           })
      .def(
          "terminator",
          [](Block &self) -> Operation * {
            if (self.empty() || !self.back().hasTrait<OpTrait::IsTerminator>())
              return nullptr;
            return &self.back();
          },
          py::return_value_policy::reference);

  py::class_<Region, std::unique_ptr<Region, py::nodelete>>(m, "Region")
      .def(
          "add_block",
          [](Region &self, const std::vector<Type> &argTypes,
             IRBuilder &builder) -> Block * {
            Block *block = new Block();
            self.push_back(block);
            for (Type type : argTypes)
              block->addArgument(type, builder.loc);
            return block;
          },
          py::arg("arg_types"), py::arg("builder"),
          py::return_value_policy::reference)
      .def(
          "front", [](Region &self) -> Block * { return &self.front(); },
          py::return_value_policy::reference)
      .def("take_body",
           [](Region &self, Region &other) { self.takeBody(other); })
      .def_property_readonly(
          "num_blocks", [](Region &self) { return self.getBlocks().size(); });

  py::class_<Operation, std::unique_ptr<Operation, py::nodelete>>(m,
                                                                  "Operation")
      .def_property_readonly(
          "name",
          [](Operation &self) { return self.getName().getStringRef().str(); })
      .def_property_readonly("num_results", &Operation::getNumResults)
      .def(
          "result",
          [](Operation &self, unsigned i) -> Value {
            return self.getResult(i);
          },
          py::arg("index"))
      .def("results",
           [](Operation &self) {
             return std::vector<Value>(self.result_begin(), self.result_end());
           })
      .def(
          "region",
          [](Operation &self, unsigned i) -> Region * {
            return &self.getRegion(i);
          },
          py::arg("index"), py::return_value_policy::reference)
      .def(
          "set_attr",
          [](Operation &self, const std::string &name, Attribute value) {
            self.setAttr(name, value);
          },
          py::arg("name"), py::arg("value"))
      .def("erase", [](Operation &self) { self.erase(); })
      .def("__str__", [](Operation &self) {
        std::string text;
        llvm::raw_string_ostream os(text);
        self.print(os);
        return text;
      });

  py::class_<IRModule>(m, "Module")
      .def(py::init([](std::shared_ptr<IRContext> context) {
             auto module = ModuleOp::create(UnknownLoc::get(&context->context));
             return IRModule{context, OwningOpRef<ModuleOp>(module)};
           }),
           py::arg("context"))
      .def_static(
          "parse",
          [](std::shared_ptr<IRContext> context, const std::string &text) {
            auto module = parseSourceString<ModuleOp>(text, &context->context);
            if (!module)
              context->fail("cannot parse module");
            return IRModule{context, std::move(module)};
          },
          py::arg("context"), py::arg("text"))
      .def_property_readonly(
          "body", [](IRModule &self) { return self.module->getBody(); },
          py::return_value_policy::reference)
      .def(
          "verify",
          [](IRModule &self) {
            if (failed(mlir::verify(*self.module)))
              return self.context->takeDiagnostics();
            return std::string();
          },
          "Returns the verifier's diagnostics, empty when the module is valid")
      .def(
          "run_pipeline",
          [](IRModule &self, const std::string &pipeline) {
            // Every upstream and Recur pass, registered once per process,
            // as recur-opt has them.
            static std::once_flag registered;
            std::call_once(registered, [] {
              mlir::registerAllPasses();
              recur::registerCompilerPasses();
            });
            PassManager pm(&self.context->context,
                           ModuleOp::getOperationName());
            std::string errors;
            llvm::raw_string_ostream errorStream(errors);
            // Accept recur-opt's anchored form as well as the bare list.
            llvm::StringRef passes(pipeline);
            passes = passes.trim();
            if (passes.consume_front("builtin.module(") &&
                !passes.consume_back(")"))
              throw py::value_error("unbalanced pass pipeline '" + pipeline +
                                    "'");
            if (failed(parsePassPipeline(passes, pm, errorStream)))
              throw py::value_error("invalid pass pipeline '" + pipeline +
                                    "': " + errors);
            if (failed(pm.run(*self.module)))
              self.context->fail("pass pipeline '" + pipeline + "' failed");
          },
          py::arg("pipeline"),
          "Runs a textual pass pipeline (recur-opt syntax) on the module, "
          "e.g. 'recur-cpu-pipeline' or 'builtin.module(canonicalize,cse)'")
      .def(
          "append_text",
          [](IRModule &self, const std::string &text) {
            // Verified with the module, where their symbols resolve.
            ParserConfig config(&self.context->context,
                                /*verifyAfterParse=*/false);
            OwningOpRef<ModuleOp> parsed =
                parseSourceString<ModuleOp>(text, config);
            if (!parsed)
              self.context->fail("cannot parse module");
            Block *body = self.module->getBody();
            for (Operation &op :
                 llvm::make_early_inc_range(parsed->getBody()->getOperations()))
              op.moveBefore(body, body->end());
          },
          py::arg("text"),
          "Parses a module and moves its operations to the end of this one")
      .def(
          "to_text",
          [](IRModule &self, bool debugInfo) {
            std::string text;
            llvm::raw_string_ostream os(text);
            OpPrintingFlags flags;
            if (debugInfo)
              flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
            self.module->print(os, flags);
            return text;
          },
          py::arg("debug_info") = false)
      .def("__str__", [](IRModule &self) {
        std::string text;
        llvm::raw_string_ostream os(text);
        self.module->print(os);
        return text;
      });

  py::class_<IRBuilder>(m, "Builder")
      .def(py::init<std::shared_ptr<IRContext>>(), py::arg("context"))
      .def(
          "set_loc",
          [](IRBuilder &self, const std::string &file, unsigned line,
             unsigned col) {
            self.loc =
                FileLineColLoc::get(&self.context->context, file, line, col);
          },
          py::arg("file"), py::arg("line"), py::arg("col"))
      .def("set_insertion_point_to_end",
           [](IRBuilder &self, Block *block) {
             self.builder.setInsertionPointToEnd(block);
           })
      .def("set_insertion_point_to_start",
           [](IRBuilder &self, Block *block) {
             self.builder.setInsertionPointToStart(block);
           })
      .def("set_insertion_point_before",
           [](IRBuilder &self, Operation *op) {
             self.builder.setInsertionPoint(op);
           })
      .def(
          "insertion_block",
          [](IRBuilder &self) { return self.builder.getInsertionBlock(); },
          py::return_value_policy::reference)
      .def(
          "create",
          [](IRBuilder &self, const std::string &name,
             const std::vector<Value> &operands,
             const std::vector<Type> &resultTypes,
             const std::map<std::string, Attribute> &attributes,
             unsigned numRegions) -> Operation * {
            OperationState state(self.loc, name);
            if (!state.name.isRegistered())
              throw py::value_error("unknown operation '" + name + "'");
            state.addOperands(operands);
            state.addTypes(resultTypes);
            for (const auto &[key, value] : attributes)
              state.addAttribute(key, value);
            for (unsigned i = 0; i < numRegions; ++i)
              state.addRegion();
            return self.builder.create(state);
          },
          py::arg("name"), py::arg("operands"), py::arg("result_types"),
          py::arg("attributes") = std::map<std::string, Attribute>(),
          py::arg("num_regions") = 0, py::return_value_policy::reference)
      // Attribute constructors for the values the front end creates most;
      // anything else goes through Context.parse_attr.
      .def("int_attr",
           [](IRBuilder &self, int64_t value, Type type) -> Attribute {
             return self.builder.getIntegerAttr(type, value);
           })
      .def("float_attr",
           [](IRBuilder &self, double value, Type type) -> Attribute {
             return self.builder.getFloatAttr(type, value);
           })
      .def("str_attr",
           [](IRBuilder &self, const std::string &value) -> Attribute {
             return self.builder.getStringAttr(value);
           })
      .def("unit_attr",
           [](IRBuilder &self) -> Attribute {
             return self.builder.getUnitAttr();
           })
      .def("type_attr",
           [](IRBuilder &self, Type type) -> Attribute {
             return TypeAttr::get(type);
           })
      .def("symbol_ref_attr",
           [](IRBuilder &self, const std::string &name) -> Attribute {
             return FlatSymbolRefAttr::get(&self.context->context, name);
           })
      .def(
          "dense_i32_array_attr",
          [](IRBuilder &self, const std::vector<int32_t> &values) -> Attribute {
            return self.builder.getDenseI32ArrayAttr(values);
          })
      .def("splat_attr",
           [](IRBuilder &self, Type shaped, Attribute element) -> Attribute {
             return DenseElementsAttr::get(llvm::cast<ShapedType>(shaped),
                                           element);
           })
      .def("function_type",
           [](IRBuilder &self, const std::vector<Type> &inputs,
              const std::vector<Type> &results) -> Type {
             return self.builder.getFunctionType(inputs, results);
           });
}
