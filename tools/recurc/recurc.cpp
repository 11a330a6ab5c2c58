//===- recurc.cpp - Ahead-of-time compiler for Recur kernels --------------===//
//
//   recurc FILE.py:KERNEL --signature "*fp32:16, *fp32, i32"
//          [--constexpr BLOCK=128 ...] --grid "cdiv(n,128),1,1"
//          [--target cpu] [--name NAME] -o DIR
//   recurc --cflags | --libs
//
// Writes DIR/NAME.h and DIR/NAME.o: the kernel compiled for the host CPU
// and a C function `recur_status_t NAME(recur_stream_t, <arguments>)` that
// checks the arguments against the specialisation, evaluates the grid and
// launches through the C API (runtime/CApi.h, installed as <recur/recur.h>).
// The DSL kernel is specialised by `python -m recur.aot` (the only step that
// needs Python); the output needs only the RecurCpuRuntime library.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration.h"
#include "dialects/tile/TileOps.h"
#include "runtime/CpuCompiler.h"
#include "runtime/Error.h"
#include "tools/recurc/Wrapper.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
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

struct Options {
  std::string file, kernel, signature, grid, target = "cpu", name, output;
  std::vector<std::string> constexprs;
};

[[noreturn]] void usage(const std::string &problem) {
  std::cerr << "recurc: " << problem << "\n"
            << "usage: recurc FILE.py:KERNEL --signature SIG "
               "[--constexpr NAME=VALUE ...] --grid X[,Y[,Z]] [--target cpu] "
               "[--name NAME] -o DIR\n"
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
  if (options.target != "cpu")
    usage("target '" + options.target +
          "' is not supported yet; recurc compiles for 'cpu' (the host)");
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
  std::string path = extra ? extra : RECUR_PYTHON_DIR;
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

int compile(const Options &options) {
  nlohmann::json specialised = specialise(options);
  aot::WrapperSpec spec;
  spec.name = options.name;
  spec.kernel = "__recur_aot_" + options.name;
  spec.grid = options.grid;
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
                     (constexprs.empty() ? "" : ", " + constexprs) +
                     "; compiled for this host's CPU.";

  std::string tile =
      renameKernel(specialised.at("tile").get<std::string>(),
                   specialised.at("kernel").get<std::string>(), spec.kernel);
  CpuCompileOptions compileOptions;
  compileOptions.linkIR =
      aot::buildWrapperIR(spec, packedEntryName(spec.kernel));
  compileOptions.exported = {spec.name};
  CpuArtifact artifact = compileForCpu(tile, compileOptions);

  if (std::error_code error = llvm::sys::fs::create_directories(options.output))
    throw Error(Status::Internal,
                "cannot create " + options.output + ": " + error.message());
  writeFile(options.output + "/" + spec.name + ".o", artifact.object);
  writeFile(options.output + "/" + spec.name + ".h", aot::buildHeader(spec));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc == 2 && std::string(argv[1]) == "--cflags") {
    std::cout << "-I" << RECUR_INCLUDE_DIR << "\n";
    return 0;
  }
  if (argc == 2 && std::string(argv[1]) == "--libs") {
    std::cout << "-L" << RECUR_LIBRARY_DIR
              << " -lRecurCpuRuntime -lstdc++ -lm -lpthread\n";
    return 0;
  }
  Options options = parseArguments(argc, argv);
  try {
    return compile(options);
  } catch (const Error &error) {
    std::cerr << "recurc: " << error.what() << "\n";
    return 1;
  } catch (const std::exception &error) {
    std::cerr << "recurc: " << error.what() << "\n";
    return 1;
  }
}
