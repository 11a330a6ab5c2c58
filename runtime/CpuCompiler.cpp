//===- CpuCompiler.cpp - Tile IR to a host object file --------------------===//

#include "runtime/CpuCompiler.h"
#include "compiler/Registration.h"
#include "dialects/tile/TileOps.h"
#include "runtime/CompileCache.h"
#include "runtime/Error.h"
#include "runtime/ParsedModule.h"
#include "runtime/RecurBuildId.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <mutex>

using namespace recur;

/// The CPU object format; the build id covers every change to the sources.
static constexpr const char *kCompilerVersion = "recur-cpu-2";

std::string recur::compilerVersion() {
  return std::string(kCompilerVersion) + "+llvm-" LLVM_VERSION_STRING
                                         "+build-" RECUR_BUILD_ID;
}

std::string recur::packedEntryName(llvm::StringRef kernel) {
  return ("_recur_packed_" + kernel + "_grid").str();
}

std::string CpuCompileOptions::fingerprint() const {
  std::string text = "inline=" + std::to_string(pipeline.inlineCalls) +
                     ";O=" + std::to_string(optLevel);
  if (!linkIR.empty())
    text += ";link=" + sha256Hex(linkIR);
  for (const std::string &name : exported)
    text += ";export=" + name;
  if (emulatedGPU)
    text += ";emulate=" + emulatedGPU->target.getName() +
            ";warps=" + std::to_string(emulatedGPU->numWarps) +
            ";stages=" + std::to_string(emulatedGPU->numStages) +
            ";bulk=" + std::to_string(emulatedGPU->bulkCopies);
  return text;
}

/// Links `text` (LLVM IR) into `module`.
static void linkExtraIR(llvm::Module &module, const std::string &text) {
  llvm::SMDiagnostic diagnostic;
  std::unique_ptr<llvm::Module> extra = llvm::parseIR(
      llvm::MemoryBufferRef(text, "linked"), diagnostic, module.getContext());
  if (!extra) {
    std::string message;
    llvm::raw_string_ostream os(message);
    diagnostic.print("linked", os);
    throw Error(Status::CompileError, "cannot parse linked IR: " + message);
  }
  extra->setDataLayout(module.getDataLayout());
  extra->setTargetTriple(module.getTargetTriple());
  if (llvm::Linker::linkModules(module, std::move(extra)))
    throw Error(Status::CompileError, "cannot link the extra IR");
}

/// Makes every definition but `exported` internal.
static void internalize(llvm::Module &module,
                        llvm::ArrayRef<std::string> exported) {
  auto keep = [&](const llvm::GlobalValue &value) {
    return llvm::is_contained(exported, value.getName().str());
  };
  for (llvm::Function &function : module)
    if (!function.isDeclaration() && !keep(function))
      function.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &variable : module.globals())
    if (!variable.isDeclaration() && !keep(variable))
      variable.setLinkage(llvm::GlobalValue::InternalLinkage);
}

void recur::initializeHostTarget() {
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

std::vector<KernelSignature> recur::collectKernels(mlir::ModuleOp module) {
  std::vector<KernelSignature> kernels;
  for (auto fn : module.getOps<tile::FuncOp>()) {
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
    kernels.push_back(std::move(signature));
  }
  return kernels;
}

/// Adds `void <packedEntryName>(void **args)` for each kernel's grid
/// wrapper, so that the runtime calls every kernel through one C signature.
static void addPackedEntries(llvm::Module &module,
                             llvm::ArrayRef<KernelSignature> kernels,
                             llvm::StringRef calleeSuffix) {
  llvm::LLVMContext &context = module.getContext();
  llvm::IRBuilder<> builder(context);
  for (const KernelSignature &kernel : kernels) {
    llvm::Function *grid = module.getFunction(kernel.name + calleeSuffix.str());
    if (!grid)
      throw Error(Status::Internal,
                  "kernel '" + kernel.name + "' has no entry to wrap");
    auto *type = llvm::FunctionType::get(builder.getVoidTy(),
                                         {builder.getPtrTy()}, false);
    auto *entry = llvm::Function::Create(type, llvm::Function::ExternalLinkage,
                                         packedEntryName(kernel.name), module);
    builder.SetInsertPoint(llvm::BasicBlock::Create(context, "entry", entry));
    llvm::Value *argList = entry->getArg(0);
    llvm::SmallVector<llvm::Value *> args;
    for (auto [index, arg] : llvm::enumerate(grid->args())) {
      llvm::Value *slot =
          builder.CreateConstGEP1_64(builder.getPtrTy(), argList, index);
      llvm::Value *address = builder.CreateLoad(builder.getPtrTy(), slot);
      args.push_back(builder.CreateLoad(arg.getType(), address));
    }
    builder.CreateCall(grid, args);
    builder.CreateRetVoid();
  }
}

CpuArtifact recur::compileForCpu(llvm::StringRef source,
                                 const CpuCompileOptions &options) {
  ParsedModule parsed(source);
  mlir::MLIRContext &context = parsed.getContext();
  mlir::ModuleOp module = parsed.get();
  const std::string &diagnostics = parsed.getDiagnostics();

  CpuArtifact artifact;
  artifact.kernels = collectKernels(module);

  mlir::PassManager pm(&context);
  if (options.emulatedGPU) {
    // The GPU lowering first; its kernels' blocks are read before the
    // host's LLVM lowering drops the attributes.
    buildEmuPipeline(pm, *options.emulatedGPU);
    if (mlir::failed(pm.run(module)))
      throw Error(Status::CompileError,
                  "lowering for " + options.emulatedGPU->target.getName() +
                      " failed:\n" + diagnostics);
    for (const KernelSignature &kernel : artifact.kernels) {
      auto fn = module.lookupSymbol<mlir::func::FuncOp>(kernel.name);
      if (!fn)
        throw Error(Status::Internal,
                    "kernel '" + kernel.name +
                        "' is missing after the GPU lowering");
      CpuArtifact::EmulatedBlock block;
      block.warpSize = options.emulatedGPU->target.warpSize;
      block.threads = options.emulatedGPU->numWarps * block.warpSize;
      if (auto shared =
              fn->getAttrOfType<mlir::IntegerAttr>("recur.emu.shared_bytes"))
        block.sharedBytes = shared.getInt();
      artifact.emulatedBlocks.push_back(block);
    }
    pm.clear();
    addLowerToLLVMPasses(pm);
  } else {
    buildCPUPipeline(pm, options.pipeline);
  }
  if (mlir::failed(pm.run(module)))
    throw Error(Status::CompileError,
                "lowering to LLVM failed:\n" + diagnostics);

  initializeHostTarget();
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    throw Error(Status::Internal,
                "cannot detect the host CPU: " +
                    llvm::toString(machineBuilder.takeError()));
  machineBuilder->setCodeGenOptLevel(toCodeGenOptLevel(options.optLevel));
  // Position-independent code loads anywhere in the JIT's memory and links
  // into shared libraries ahead of time.
  machineBuilder->setRelocationModel(llvm::Reloc::PIC_);
  auto machine = machineBuilder->createTargetMachine();
  if (!machine)
    throw Error(Status::Internal, "cannot create a host target machine: " +
                                      llvm::toString(machine.takeError()));

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      mlir::translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    throw Error(Status::CompileError,
                "translation to LLVM IR failed:\n" + diagnostics);
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  addPackedEntries(*llvmModule, artifact.kernels,
                   options.emulatedGPU ? "" : "_grid");
  if (!options.linkIR.empty())
    linkExtraIR(*llvmModule, options.linkIR);
  if (!options.exported.empty()) {
    for (const std::string &name : options.exported)
      if (!llvmModule->getFunction(name) ||
          llvmModule->getFunction(name)->isDeclaration())
        throw Error(Status::CompileError,
                    "exported function '" + name + "' is not defined");
    internalize(*llvmModule, options.exported);
  }

  // The optimiser gets the host machine so that the loop vectoriser sizes
  // vectors for the host's widest registers (AVX-512 where present).
  auto optimize = mlir::makeOptimizingTransformer(
      options.optLevel, /*sizeLevel=*/0, machine->get());
  if (llvm::Error error = optimize(llvmModule.get()))
    throw Error(Status::CompileError, "LLVM optimisation failed: " +
                                          llvm::toString(std::move(error)));
  llvm::raw_string_ostream(artifact.llvmIR) << *llvmModule;

  llvm::SmallVector<char, 0> object;
  llvm::raw_svector_ostream objectStream(object);
  llvm::legacy::PassManager codegen;
  if ((*machine)->addPassesToEmitFile(codegen, objectStream, nullptr,
                                      llvm::CodeGenFileType::ObjectFile))
    throw Error(Status::Internal, "the host target cannot emit objects");
  codegen.run(*llvmModule);
  artifact.object.assign(object.begin(), object.end());
  return artifact;
}
