//===- CpuModule.cpp - A tile module compiled for the host CPU ------------===//

#include "runtime/CpuModule.h"
#include "compiler/Registration.h"
#include "dialects/tile/TileOps.h"
#include "runtime/CpuDebug.h"
#include "runtime/Error.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"

#include <mutex>

using namespace recur;

std::string CpuCompileOptions::fingerprint() const {
  return "inline=" + std::to_string(pipeline.inlineCalls) +
         ";O=" + std::to_string(optLevel);
}

CpuModule::~CpuModule() = default;

static void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

static std::optional<ArgKind> toArgKind(mlir::Type type) {
  if (llvm::isa<tile::PtrType>(type))
    return ArgKind::Pointer;
  if (type.isF32())
    return ArgKind::F32;
  if (type.isF64())
    return ArgKind::F64;
  switch (type.isSignlessInteger() ? type.getIntOrFloatBitWidth() : 0) {
  case 1:
    return ArgKind::I1;
  case 8:
    return ArgKind::I8;
  case 16:
    return ArgKind::I16;
  case 32:
    return ArgKind::I32;
  case 64:
    return ArgKind::I64;
  default:
    return std::nullopt;
  }
}

static llvm::CodeGenOptLevel toCodeGenOptLevel(unsigned level) {
  switch (level) {
  case 0:
    return llvm::CodeGenOptLevel::None;
  case 1:
    return llvm::CodeGenOptLevel::Less;
  case 2:
    return llvm::CodeGenOptLevel::Default;
  default:
    return llvm::CodeGenOptLevel::Aggressive;
  }
}

std::shared_ptr<CpuModule>
CpuModule::compile(llvm::StringRef source, const CpuCompileOptions &options) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    llvm::raw_string_ostream os(diagnostics);
    os << diag.getLocation() << ": " << diag.str() << "\n";
    return mlir::success();
  });

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    throw Error(Status::CompileError, "invalid tile module:\n" + diagnostics);

  std::shared_ptr<CpuModule> result(new CpuModule());
  std::vector<KernelSignature> signatures;
  for (auto fn : module->getOps<tile::FuncOp>()) {
    if (!fn.isKernel())
      continue;
    KernelSignature signature{fn.getSymName().str(), {}};
    for (mlir::Type type : fn.getArgumentTypes()) {
      std::optional<ArgKind> kind = toArgKind(type);
      if (!kind) {
        std::string text;
        llvm::raw_string_ostream(text) << type;
        throw Error(Status::CompileError,
                    "kernel '" + signature.name +
                        "' takes an argument of unsupported type " + text);
      }
      signature.args.push_back(*kind);
    }
    signatures.push_back(std::move(signature));
  }

  mlir::PassManager pm(&context);
  buildCPUPipeline(pm, options.pipeline);
  if (mlir::failed(pm.run(*module)))
    throw Error(Status::CompileError,
                "lowering to LLVM failed:\n" + diagnostics);

  initializeNativeTarget();
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    throw Error(Status::Internal,
                "cannot detect the host CPU: " +
                    llvm::toString(machineBuilder.takeError()));
  machineBuilder->setCodeGenOptLevel(toCodeGenOptLevel(options.optLevel));
  auto machine = machineBuilder->createTargetMachine();
  if (!machine)
    throw Error(Status::Internal, "cannot create a host target machine: " +
                                      llvm::toString(machine.takeError()));

  // The optimiser gets the host machine so that the loop vectoriser sizes
  // vectors for the host's widest registers (AVX-512 where present).
  auto transformer = mlir::makeOptimizingTransformer(
      options.optLevel, /*sizeLevel=*/0, machine->get());
  mlir::ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = toCodeGenOptLevel(options.optLevel);
  // LLVM's perf listener is one process-wide object that every engine
  // registers with; after the first engine is destroyed it writes through a
  // dead stream, so it stays off (perf still profiles the JIT'd code, just
  // without symbol names).
  engineOptions.enablePerfNotificationListener = false;
  engineOptions.enableGDBNotificationListener = false;
  auto engine = mlir::ExecutionEngine::create(*module, engineOptions,
                                              std::move(*machine));
  if (!engine)
    throw Error(Status::CompileError, "JIT compilation failed: " +
                                          llvm::toString(engine.takeError()));
  result->engine_ = std::move(*engine);
  result->engine_->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto add = [&](const char *name, auto *fn) {
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                                 llvm::JITSymbolFlags::Exported};
    };
    add("recur_cpu_assert_fail", &recur_cpu_assert_fail);
    add("recur_cpu_print_f64", &recur_cpu_print_f64);
    add("recur_cpu_print_i64", &recur_cpu_print_i64);
    return symbols;
  });
  result->engine_->initialize();

  for (KernelSignature &signature : signatures) {
    auto entry = result->engine_->lookupPacked(signature.name + "_grid");
    if (!entry)
      throw Error(Status::Internal, "kernel '" + signature.name +
                                        "' has no grid entry: " +
                                        llvm::toString(entry.takeError()));
    std::string name = signature.name;
    result->kernels_[name] = Kernel{std::move(signature), *entry};
  }
  return result;
}

const CpuModule::Kernel &CpuModule::getKernel(llvm::StringRef name) const {
  auto it = kernels_.find(name);
  if (it == kernels_.end()) {
    std::string known;
    for (const std::string &kernel : getKernelNames())
      known += (known.empty() ? "" : ", ") + kernel;
    throw Error(Status::NotFound, "no kernel '" + name.str() +
                                      "' in module (kernels: " + known + ")");
  }
  return it->second;
}

std::vector<std::string> CpuModule::getKernelNames() const {
  std::vector<std::string> names;
  for (const auto &entry : kernels_)
    names.push_back(entry.getKey().str());
  std::sort(names.begin(), names.end());
  return names;
}
