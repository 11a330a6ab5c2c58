//===- recurc.cpp - Ahead-of-time compiler for Recur kernels --------------===//
//
//   recurc FILE.py:KERNEL --signature "*fp32:16, *fp32, i32"
//          [--constexpr BLOCK=128 ...] --grid "cdiv(n,128),1,1"
//          [--target cpu|cuda:sm_80|cuda:sm_90|rocm:gfx90a|rocm:gfx942]
//          [--num-warps 4] [--name NAME] -o DIR
//   recurc op NAME [--heads H] [--kv-heads H] [--head-dim-k K]
//          [--head-dim-v V] [--dtype f32] [--chunk C] [--initial-state]
//          [--varlen] [--causal] [--scale S] [--normalize] [--name NAME]
//          [--target T] [--num-warps W] -o DIR
//   recurc link A.json B.json ... --name NAME -o DIR
//   recurc --cflags | --libs
//
// Writes DIR/NAME.h and DIR/NAME.o: the kernel compiled for the host CPU
// (or a GPU: its cubin or HSACO embedded in the object) and a C function
// `recur_status_t NAME(recur_stream_t, <arguments>)` that checks the
// arguments against the specialisation, evaluates the grid and launches
// through the C API (runtime/CApi.h, installed as <recur/recur.h>).
// The DSL kernel is specialised by `python -m recur.aot` (the only step that
// needs Python); the output needs only the RecurCpuRuntime library.
//
//===----------------------------------------------------------------------===//

#include "compiler/Passes.h"
#include "compiler/Registration.h"
#include "compiler/SeqToTile/OperatorKernels.h"
#include "dialects/tile/TileOps.h"
#include "ops/OperatorFunctions.h"
#include "runtime/CpuCompiler.h"
#include "runtime/Error.h"
#include "runtime/GpuCompiler.h"
#include "tools/recurc/Wrapper.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <unistd.h>

using namespace recur;

extern char **environ;

namespace {

/// Where this recurc's companions live: an installation (<prefix>/bin/recurc
/// beside <prefix>/lib/cmake/Recur) or the build tree it was built in.
struct Layout {
  std::string include, library, python;
};

const Layout &layout() {
  static const Layout found = [] {
    static int anchor;
    std::string exe = llvm::sys::fs::getMainExecutable("recurc", &anchor);
    llvm::SmallString<256> prefix(
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(exe)));
    auto under = [&](llvm::StringRef a, llvm::StringRef b = "",
                     llvm::StringRef c = "") {
      llvm::SmallString<256> path(prefix);
      llvm::sys::path::append(path, a, b, c);
      return path.str().str();
    };
    if (llvm::sys::fs::exists(under("lib", "cmake", "Recur")))
      return Layout{under("include"), under("lib"), under("lib", "python")};
    return Layout{RECUR_INCLUDE_DIR, RECUR_LIBRARY_DIR, RECUR_PYTHON_DIR};
  }();
  return found;
}

[[noreturn]] void usage(const std::string &problem);

struct Options {
  std::string file, kernel, signature, grid, target = "cpu", name, output;
  std::vector<std::string> constexprs;
  unsigned numWarps = 4;
};

/// The targets recurc compiles for.
const char *const targetList =
    "cpu, cuda:sm_80, cuda:sm_90, rocm:gfx90a, rocm:gfx942";

bool knownTarget(const std::string &target) {
  return target == "cpu" || GPUTarget::parse(target).has_value();
}

/// --num-warps: a power of two from 1 to 32.
unsigned parseNumWarps(const std::string &text) {
  char *end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || value < 1 || value > 32 || (value & (value - 1)))
    usage("--num-warps takes a power of two from 1 to 32, got '" + text + "'");
  return static_cast<unsigned>(value);
}

[[noreturn]] void usage(const std::string &problem) {
  std::cerr << "recurc: " << problem << "\n"
            << "usage: recurc FILE.py:KERNEL --signature SIG "
               "[--constexpr NAME=VALUE ...] --grid X[,Y[,Z]] [--target T] "
               "[--num-warps W] [--name NAME] -o DIR\n"
               "       recurc op NAME [options] -o DIR\n"
               "       recurc link A.json B.json ... --name NAME -o DIR\n"
               "       recurc --cflags | --libs\n";
  std::exit(2);
}

Options parseArguments(int argc, char **argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--signature")
      options.signature = value();
    else if (arg == "--constexpr")
      options.constexprs.push_back(value());
    else if (arg == "--grid")
      options.grid = value();
    else if (arg == "--target")
      options.target = value();
    else if (arg == "--num-warps")
      options.numWarps = parseNumWarps(value());
    else if (arg == "--name")
      options.name = value();
    else if (arg == "-o")
      options.output = value();
    else if (!arg.empty() && arg[0] == '-')
      usage("unknown option " + arg);
    else if (options.file.empty()) {
      size_t colon = arg.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == arg.size())
        usage("the kernel is given as FILE.py:KERNEL, got '" + arg + "'");
      options.file = arg.substr(0, colon);
      options.kernel = arg.substr(colon + 1);
    } else {
      usage("unexpected argument " + arg);
    }
  }
  if (options.file.empty())
    usage("no kernel given");
  if (options.signature.empty() || options.grid.empty() ||
      options.output.empty())
    usage("--signature, --grid and -o are required");
  if (!knownTarget(options.target))
    usage("unknown target '" + options.target + "' (targets: " + targetList +
          ")");
  if (options.name.empty())
    options.name = options.kernel;
  return options;
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

/// Runs `python -m recur.aot` and returns its JSON answer.
nlohmann::json specialise(const Options &options) {
  const char *python = std::getenv("RECUR_PYTHON");
  std::string program = python ? python : "python3";
  auto found = llvm::sys::findProgramByName(program);
  if (!found)
    throw Error(Status::NotFound, "cannot find '" + program +
                                      "' (set RECUR_PYTHON) to specialise " +
                                      options.file);
  std::vector<std::string> args = {
      *found,         "-m",          "recur.aot",      options.file,
      options.kernel, "--signature", options.signature};
  for (const std::string &constexpr_ : options.constexprs) {
    args.push_back("--constexpr");
    args.push_back(constexpr_);
  }
  // The package next to this build (or $RECUR_PYTHONPATH) comes first.
  std::vector<std::string> environment;
  for (char **variable = ::environ; *variable; ++variable)
    if (llvm::StringRef(*variable).starts_with("PYTHONPATH=") == false)
      environment.push_back(*variable);
  const char *extra = std::getenv("RECUR_PYTHONPATH");
  std::string path = extra ? extra : layout().python;
  if (const char *existing = std::getenv("PYTHONPATH"))
    path += std::string(":") + existing;
  environment.push_back("PYTHONPATH=" + path);

  llvm::SmallString<128> out, err;
  llvm::sys::fs::createTemporaryFile("recurc", "json", out);
  llvm::sys::fs::createTemporaryFile("recurc", "err", err);
  std::vector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::vector<llvm::StringRef> envRefs(environment.begin(), environment.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, out.str(),
                                                err.str()};
  std::string message;
  int code = llvm::sys::ExecuteAndWait(*found, argRefs, envRefs, redirects, 0,
                                       0, &message);
  std::string stdoutText = readFile(out.str().str());
  std::string stderrText = readFile(err.str().str());
  llvm::sys::fs::remove(out);
  llvm::sys::fs::remove(err);
  if (code != 0)
    throw Error(Status::CompileError,
                "specialising " + options.file + ":" + options.kernel +
                    " failed: " + (stderrText.empty() ? message : stderrText));
  return nlohmann::json::parse(stdoutText);
}

/// The tile module with its kernel renamed to `internalName`.
std::string renameKernel(const std::string &tile, const std::string &kernel,
                         const std::string &internalName) {
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(tile, &context);
  if (!module)
    throw Error(Status::Internal, "cannot parse the specialised tile IR");
  auto function = module->lookupSymbol<tile::FuncOp>(kernel);
  if (!function)
    throw Error(Status::Internal, "the tile IR has no kernel @" + kernel);
  if (mlir::failed(mlir::SymbolTable::replaceAllSymbolUses(
          function, mlir::StringAttr::get(&context, internalName), *module)))
    throw Error(Status::Internal, "cannot rename @" + kernel);
  function.setSymName(internalName);
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

void writeFile(const std::string &path, const std::string &data) {
  std::ofstream file(path, std::ios::binary);
  file << data;
  if (!file.flush())
    throw Error(Status::Internal, "cannot write " + path);
}

/// For "cpu", how the kernel was compiled, for the header.
std::string describeTarget(const std::string &target, unsigned numWarps) {
  if (target == "cpu")
    return "compiled for this host's CPU.";
  return "compiled for " + target + " (" + std::to_string(numWarps) +
         " warps per block).";
}

void writeOutputs(const std::string &directory, const aot::WrapperSpec &spec,
                  const std::string &tile, unsigned numWarps) {
  CpuCompileOptions compileOptions;
  compileOptions.exported = {spec.name};
  CpuArtifact artifact;
  if (aot::isGpuTarget(spec.target)) {
    // The kernel becomes a cubin or HSACO; the object holds it and the
    // host-side wrapper only.
    GpuCompileOptions gpuOptions;
    gpuOptions.pipeline.target = *GPUTarget::parse(spec.target);
    gpuOptions.pipeline.numWarps = numWarps;
    GpuArtifact gpu = compileForGpu(tile, gpuOptions);
    aot::GpuBinary binary;
    binary.binary = gpu.binary;
    binary.function = spec.kernel;
    for (const GpuKernelInfo &kernel : gpu.kernels)
      if (kernel.signature.name == spec.kernel) {
        binary.threads = kernel.threads;
        binary.sharedBytes = static_cast<unsigned>(kernel.dynamicSharedBytes);
      }
    if (binary.threads == 0)
      throw Error(Status::Internal,
                  "the GPU binary has no kernel " + spec.kernel);
    compileOptions.linkIR = aot::buildGpuWrapperIR(spec, binary);
    artifact = compileForCpu("module {}", compileOptions);
  } else {
    compileOptions.linkIR =
        aot::buildWrapperIR(spec, packedEntryName(spec.kernel));
    artifact = compileForCpu(tile, compileOptions);
  }
  if (std::error_code error = llvm::sys::fs::create_directories(directory))
    throw Error(Status::Internal,
                "cannot create " + directory + ": " + error.message());
  writeFile(directory + "/" + spec.name + ".o", artifact.object);
  writeFile(directory + "/" + spec.name + ".h", aot::buildHeader(spec));
  writeFile(directory + "/" + spec.name + ".json", aot::describe(spec));
}

/// `recurc link A.json B.json ... --name NAME -o DIR`: one C function that
/// dispatches to the most specialised variant the arguments fit.
int link(int argc, char **argv) {
  std::vector<aot::WrapperSpec> variants;
  std::string name, output;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--name" || arg == "-o") && i + 1 < argc)
      (arg == "--name" ? name : output) = argv[++i];
    else if (!arg.empty() && arg[0] == '-')
      usage("unknown option " + arg);
    else {
      std::string text = readFile(arg);
      if (text.empty())
        throw Error(Status::NotFound, "cannot read " + arg);
      variants.push_back(aot::parseDescription(text));
    }
  }
  if (variants.empty() || name.empty() || output.empty())
    usage("recurc link takes variant descriptions (NAME.json), --name and -o");
  aot::WrapperSpec dispatcher = variants.front();
  dispatcher.name = name;
  dispatcher.grid = "that of the variant called";
  for (aot::Argument &argument : dispatcher.arguments)
    argument.spec.clear();
  std::string names;
  for (const aot::WrapperSpec &variant : variants)
    names += (names.empty() ? "" : ", ") + variant.name;
  dispatcher.description = "Dispatches to the most specialised of " + names +
                           " that the arguments fit (link with their "
                           "objects).";
  CpuCompileOptions compileOptions;
  compileOptions.linkIR = aot::buildDispatcherIR(name, variants);
  compileOptions.exported = {name};
  CpuArtifact artifact = compileForCpu("module {}", compileOptions);
  if (std::error_code error = llvm::sys::fs::create_directories(output))
    throw Error(Status::Internal,
                "cannot create " + output + ": " + error.message());
  writeFile(output + "/" + name + ".o", artifact.object);
  writeFile(output + "/" + name + ".h", aot::buildHeader(dispatcher));
  return 0;
}

int compile(const Options &options) {
  nlohmann::json specialised = specialise(options);
  aot::WrapperSpec spec;
  spec.name = options.name;
  spec.kernel = "__recur_aot_" + options.name;
  spec.grid = options.grid;
  spec.target = options.target;
  for (const auto &arg : specialised.at("args"))
    spec.arguments.push_back({arg.at("name").get<std::string>(),
                              arg.at("type").get<std::string>(),
                              arg.at("spec").get<std::string>()});
  std::string constexprs;
  for (const auto &[key, value] : specialised.at("constexprs").items())
    constexprs +=
        (constexprs.empty() ? "" : ", ") + key + "=" + value.get<std::string>();
  spec.description = options.kernel + " from " +
                     llvm::sys::path::filename(options.file).str() +
                     ", signature \"" + options.signature + "\"" +
                     (constexprs.empty() ? "" : ", " + constexprs) + "; " +
                     describeTarget(options.target, options.numWarps);

  std::string tile =
      renameKernel(specialised.at("tile").get<std::string>(),
                   specialised.at("kernel").get<std::string>(), spec.kernel);
  writeOutputs(options.output, spec, tile, options.numWarps);
  return 0;
}

/// `recurc op NAME ...`: a built-in operator (ops/) as a C function.
struct OperatorOptions {
  std::string op, dtype = "f32", name, output, cell = "gru_diag", D = "none";
  std::string target = "cpu";
  unsigned numWarps = 4;
  int64_t heads = 1, kvHeads = 0, keyDim = 64, valueDim = 0, chunk = 0;
  int64_t groups = 1, stateDim = 16, channels = 0, inputDim = 0, hidden = 0;
  bool initialState = false, varlen = false, causal = false, normalize = false,
       z = false, bias = false, softplus = false, h0 = false;
  std::optional<double> scale, tol;
  std::optional<int64_t> maxIters;
};

OperatorOptions parseOperatorArguments(int argc, char **argv) {
  OperatorOptions options;
  if (argc < 3)
    usage("recurc op needs an operator name");
  options.op = argv[2];
  for (int i = 3; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        usage(arg + " needs a value");
      return argv[++i];
    };
    auto integer = [&]() -> int64_t {
      std::string text = value();
      char *end = nullptr;
      long long parsed = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end || parsed <= 0)
        usage(arg + " takes a positive integer, got '" + text + "'");
      return parsed;
    };
    if (arg == "--heads")
      options.heads = integer();
    else if (arg == "--kv-heads")
      options.kvHeads = integer();
    else if (arg == "--head-dim-k")
      options.keyDim = integer();
    else if (arg == "--head-dim-v")
      options.valueDim = integer();
    else if (arg == "--chunk")
      options.chunk = integer();
    else if (arg == "--groups")
      options.groups = integer();
    else if (arg == "--state-dim")
      options.stateDim = integer();
    else if (arg == "--channels")
      options.channels = integer();
    else if (arg == "--input-dim")
      options.inputDim = integer();
    else if (arg == "--hidden")
      options.hidden = integer();
    else if (arg == "--max-iters")
      options.maxIters = integer();
    else if (arg == "--tol")
      options.tol = std::stod(value());
    else if (arg == "--cell")
      options.cell = value();
    else if (arg == "--D")
      options.D = value();
    else if (arg == "--z")
      options.z = true;
    else if (arg == "--bias")
      options.bias = true;
    else if (arg == "--softplus")
      options.softplus = true;
    else if (arg == "--h0")
      options.h0 = true;
    else if (arg == "--dtype")
      options.dtype = value();
    else if (arg == "--initial-state")
      options.initialState = true;
    else if (arg == "--varlen")
      options.varlen = true;
    else if (arg == "--causal")
      options.causal = true;
    else if (arg == "--normalize")
      options.normalize = true;
    else if (arg == "--scale")
      options.scale = std::stod(value());
    else if (arg == "--name")
      options.name = value();
    else if (arg == "--target") {
      options.target = value();
      if (!knownTarget(options.target))
        usage("unknown target '" + options.target +
              "' (targets: " + targetList + ")");
    } else if (arg == "--num-warps")
      options.numWarps = parseNumWarps(value());
    else if (arg == "-o")
      options.output = value();
    else
      usage("unknown option " + arg);
  }
  if (options.output.empty())
    usage("-o is required");
  if (options.valueDim == 0)
    options.valueDim = options.keyDim;
  if (options.kvHeads == 0)
    options.kvHeads = options.heads;
  if (options.name.empty())
    options.name = "recur_" + options.op + "_fwd";
  return options;
}

int compileOperator(int argc, char **argv) {
  OperatorOptions options = parseOperatorArguments(argc, argv);
  mlir::DialectRegistry registry;
  registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  mlir::Builder b(&context);
  std::map<std::string, std::pair<mlir::Type, std::string>> dtypes = {
      {"f32", {b.getF32Type(), "*fp32"}},
      {"f64", {b.getF64Type(), "*fp64"}},
      {"f16", {b.getF16Type(), "*fp16"}},
      {"bf16", {b.getBF16Type(), "*bf16"}}};
  auto dtype = dtypes.find(options.dtype);
  if (dtype == dtypes.end())
    usage("--dtype is f32, f64, f16 or bf16, got '" + options.dtype + "'");
  mlir::Type element = dtype->second.first;
  std::string pointer = dtype->second.second;

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&context));
  mlir::OpBuilder builder(&context);
  builder.setInsertionPointToEnd(module->getBody());
  aot::WrapperSpec spec;
  spec.name = options.name;
  spec.kernel = "__recur_aot_" + options.name;
  spec.target = options.target;
  // GPU targets take the kernels the JIT builds for GPUs.
  bool gpu = aot::isGpuTarget(spec.target);
  std::string H = std::to_string(options.heads),
              K = std::to_string(options.keyDim),
              V = std::to_string(options.valueDim);
  auto data = [&](const std::string &name, const std::string &doc,
                  const std::string &type = "") {
    spec.arguments.push_back(
        {name, type.empty() ? pointer : type, "", true, doc});
  };
  auto size = [&](const std::string &name, bool toKernel,
                  const std::string &doc) {
    spec.arguments.push_back({name, "i32", "", toKernel, doc});
  };
  std::string rows = options.varlen ? "[total, " : "[batch, length, ";
  std::string kernelName;
  int64_t chunk;
  if (options.op == "linear_attn" || options.op == "gla" ||
      options.op == "delta_rule" || options.op == "gated_delta_rule") {
    bool quadratic = options.op == "linear_attn" || options.op == "gla";
    chunk = options.chunk ? options.chunk : (quadratic ? 64 : 16);
    ops::LinearSpec linear{options.op,
                           options.heads,
                           options.keyDim,
                           options.valueDim,
                           {element, {}},
                           options.initialState,
                           options.varlen ? b.getI32Type() : mlir::Type(),
                           options.scale,
                           options.normalize};
    kernelName = ops::buildLinearFamily(builder, linear).getSymName().str();
    data("q", rows + H + ", " + K + "]");
    data("k", rows + H + ", " + K + "]");
    data("v", rows + H + ", " + V + "]");
    if (options.op == "gla")
      data("g", rows + H + ", " + K + "] log-space gates");
    if (options.op == "gated_delta_rule")
      data("g", rows + H + "] log decay per step");
    if (options.op == "delta_rule" || options.op == "gated_delta_rule")
      data("beta", rows + H + "]");
    std::string states = options.varlen ? "[sequences, " : "[batch, ";
    std::string state = states + H + ", " + K + ", " + V + "] float32";
    if (options.initialState)
      data("initial_state", state, "*fp32");
    if (options.varlen)
      data("cu_seqlens", "[sequences + 1] int32 offsets into total", "*i32");
    data("o", rows + H + ", " + V + "] (written)");
    data("final_state", state + " (written)", "*fp32");
    if (options.varlen) {
      size("sequences", false, "number of packed sequences");
      size("total", true, "total packed length");
    } else {
      size("batch", false, "batch size");
      size("length", true, "sequence length");
    }
    spec.grid = H + ", " + (options.varlen ? "sequences" : "batch");
    // GPU programs hold a block of the state's columns (getValueBlock).
    int64_t valueBlock = getValueBlock(options.keyDim, options.valueDim, gpu);
    if (valueBlock < nextPowerOf2(options.valueDim))
      spec.grid +=
          ", " + std::to_string(llvm::divideCeil(options.valueDim, valueBlock));
  } else if (options.op == "flash_attn") {
    chunk = options.chunk ? options.chunk : 128;
    ops::AttentionSpec attention{options.heads,
                                 options.kvHeads,
                                 options.keyDim,
                                 options.valueDim,
                                 {element, {}},
                                 options.causal,
                                 options.scale,
                                 -1,
                                 -1,
                                 options.varlen ? b.getI32Type()
                                                : mlir::Type()};
    kernelName = ops::buildAttention(builder, attention).getSymName().str();
    std::string KH = std::to_string(options.kvHeads);
    std::string qRows = options.varlen ? "[total_q, " : "[batch, length_q, ";
    std::string kRows = options.varlen ? "[total_k, " : "[batch, length_k, ";
    data("q", qRows + H + ", " + K + "]");
    data("k", kRows + KH + ", " + K + "]");
    data("v", kRows + KH + ", " + V + "]");
    if (options.varlen) {
      data("cu_seqlens_q", "[sequences + 1] int32", "*i32");
      data("cu_seqlens_k", "[sequences + 1] int32", "*i32");
    }
    data("o", qRows + H + ", " + V + "] (written)");
    if (options.varlen) {
      size("sequences", false, "number of packed sequences");
      size("max_seqlen_q", false, "longest query sequence");
      size("total_q", true, "");
      size("total_k", true, "");
    } else {
      size("batch", false, "");
      size("length_q", true, "");
      size("length_k", true, "");
    }
    spec.grid = "cdiv(" +
                std::string(options.varlen ? "max_seqlen_q" : "length_q") +
                ", " + std::to_string(chunk) + "), " + H + ", " +
                (options.varlen ? "sequences" : "batch");
  } else if (options.op == "ssd") {
    // x [b, l, h, p], dt [b, l, h], A [h], B/C [b, l, g, n]; grid (h, b).
    chunk = options.chunk ? options.chunk : 64;
    int dRank = options.D == "none" ? 0 : options.D == "head" ? 1 : 2;
    if (options.D != "none" && options.D != "head" && options.D != "channel")
      usage("--D is none, head or channel, got '" + options.D + "'");
    ops::SSDSpec ssd{options.heads,
                     options.keyDim,
                     options.groups,
                     options.stateDim,
                     chunk,
                     {element, {}},
                     dRank,
                     options.z,
                     options.bias,
                     options.softplus,
                     options.initialState};
    kernelName = ops::buildSSD(builder, ssd).getSymName().str();
    std::string P = K, G = std::to_string(options.groups),
                N = std::to_string(options.stateDim);
    data("x", "[batch, length, " + H + ", " + P + "]");
    data("dt", "[batch, length, " + H + "]");
    data("A", "[" + H + "]");
    data("B", "[batch, length, " + G + ", " + N + "]");
    data("C", "[batch, length, " + G + ", " + N + "]");
    if (dRank)
      data("D", dRank == 2 ? "[" + H + ", " + P + "]" : "[" + H + "]");
    if (options.z)
      data("z", "[batch, length, " + H + ", " + P + "]");
    if (options.bias)
      data("dt_bias", "[" + H + "]");
    std::string state = "[batch, " + H + ", " + P + ", " + N + "] float32";
    if (options.initialState)
      data("initial_states", state, "*fp32");
    data("y", "[batch, length, " + H + ", " + P + "] (written)");
    data("final_states", state + " (written)", "*fp32");
    size("batch", false, "batch size");
    size("length", true, "sequence length");
    spec.grid = H + ", batch";
  } else if (options.op == "selective_scan") {
    // u, delta, z [b, d, l]; A [d, n]; B/C [b, n, l] or [b, g, n, l].
    chunk = options.chunk ? options.chunk : 32;
    int64_t channels = options.channels ? options.channels : options.heads;
    int64_t groups = options.groups > 1 ? options.groups : 0;
    ops::SelectiveScanSpec scan{channels,      options.stateDim,    groups,
                                {element, {}}, options.D != "none", options.z,
                                options.bias,  options.softplus};
    kernelName = ops::buildSelectiveScan(builder, scan).getSymName().str();
    std::string Dc = std::to_string(channels),
                N = std::to_string(options.stateDim);
    std::string bc =
        groups ? "[batch, " + std::to_string(groups) + ", " + N + ", length]"
               : "[batch, " + N + ", length]";
    data("u", "[batch, " + Dc + ", length]");
    data("delta", "[batch, " + Dc + ", length]");
    data("A", "[" + Dc + ", " + N + "]");
    data("B", bc);
    data("C", bc);
    if (options.D != "none")
      data("D", "[" + Dc + "]");
    if (options.z)
      data("z", "[batch, " + Dc + ", length]");
    if (options.bias)
      data("delta_bias", "[" + Dc + "]");
    data("y", "[batch, " + Dc + ", length] (written)");
    data("last_state", "[batch, " + Dc + ", " + N + "] float32 (written)",
         "*fp32");
    size("batch", false, "batch size");
    size("length", true, "sequence length");
    spec.grid = Dc + ", batch";
  } else if (options.op == "newton_rnn") {
    // x [B, T, D]; h [B, T, H]; grid (ceil(H / W), B), W = min(16, H) (pow2).
    chunk = options.chunk ? options.chunk : 64;
    if (!options.inputDim || !options.hidden)
      usage("newton_rnn needs --input-dim and --hidden");
    bool lstm = options.cell == "lstm_diag";
    mlir::Type compute = element.isF64() ? element : b.getF32Type();
    ops::NewtonSpec newton{options.cell,
                           options.inputDim,
                           options.hidden,
                           0,
                           0,
                           {element, {{"h0", compute}}},
                           options.h0,
                           options.maxIters,
                           options.tol,
                           "",
                           ""};
    kernelName = ops::buildNewtonRNN(builder, newton).getSymName().str();
    std::string D = std::to_string(options.inputDim),
                Hd = std::to_string(options.hidden);
    int64_t gates = lstm ? 4 : 3, states = lstm ? 2 : 1;
    std::string names = lstm ? "ifoc" : "zrc";
    data("x", "[batch, length, " + D + "]");
    for (char kind : std::string("Wab"))
      for (char gate : names)
        data(std::string(1, kind) + "_" + gate,
             kind == 'W' ? "[" + Hd + ", " + D + "]" : "[" + Hd + "]");
    if (options.h0)
      data("h0",
           lstm ? "[batch, 2, " + Hd + "] (c0, h0)" : "[batch, " + Hd + "]",
           element.isF64() ? "*fp64" : "*fp32");
    data("h", "[batch, length, " + Hd + "] (written)");
    spec.arguments.push_back({"iterations", "*i32", "", true,
                              "Newton iterations taken (written)", true});
    spec.arguments.push_back(
        {"residual", element.isF64() ? "*fp64" : "*fp32", "", true,
         "max |f(s_{t-1}) - s_t| / (1 + |s_t|) of h (written)", true});
    data("workspace",
         "batch * length * " + std::to_string(gates + 2 * states) + " * " + Hd +
             " elements of scratch",
         element.isF64() ? "*fp64" : "*fp32");
    size("batch", false, "batch size");
    size("length", true, "sequence length");
    int64_t width = std::min<int64_t>(nextPowerOf2(options.hidden), 16);
    spec.grid = "cdiv(" + Hd + ", " + std::to_string(width) + "), batch";
  } else {
    usage("recurc op compiles linear_attn, gla, delta_rule, "
          "gated_delta_rule, flash_attn, ssd, selective_scan and "
          "newton_rnn; got '" +
          options.op + "'");
  }
  spec.description =
      "recur.ops." + options.op + " (" + options.dtype + ", chunk " +
      std::to_string(chunk) +
      "): the operator of the same name in Python; tensors "
      "are contiguous, row-major, and the outputs overlap no other "
      "tensor; " +
      describeTarget(options.target, options.numWarps);

  mlir::PassManager pm(&context);
  ConvertSeqToTileOptions lowering;
  lowering.chunkSize = chunk;
  lowering.gpu = gpu;
  pm.addPass(createConvertSeqToTile(lowering));
  if (mlir::failed(pm.run(*module)))
    throw Error(Status::CompileError, "lowering " + options.op + " failed");
  std::string tile;
  llvm::raw_string_ostream os(tile);
  module->print(os);
  writeOutputs(options.output, spec,
               renameKernel(tile, kernelName, spec.kernel), options.numWarps);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && std::string(argv[1]) == "--cflags") {
    std::cout << "-I" << layout().include << "\n";
    return 0;
  }
  if (argc == 2 && std::string(argv[1]) == "--libs") {
    std::cout << "-L" << layout().library
              << " -lRecurCpuRuntime -lstdc++ -lm -lpthread -ldl\n";
    return 0;
  }
  try {
    if (argc >= 2 && std::string(argv[1]) == "op")
      return compileOperator(argc, argv);
    if (argc >= 2 && std::string(argv[1]) == "link")
      return link(argc, argv);
    return compile(parseArguments(argc, argv));
  } catch (const Error &error) {
    std::cerr << "recurc: " << error.what() << "\n";
    return 1;
  } catch (const std::exception &error) {
    std::cerr << "recurc: " << error.what() << "\n";
    return 1;
  }
}
