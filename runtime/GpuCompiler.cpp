//===- GpuCompiler.cpp - Tile IR to PTX/cubin or AMDGCN/HSACO -------------===//

#include "runtime/GpuCompiler.h"
#include "compiler/Registration.h"
#include "runtime/CpuCompiler.h"
#include "runtime/Error.h"
#include "runtime/ParsedModule.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>
#include <regex>

using namespace recur;

namespace {

/// Removes its files and directory when it goes out of scope.
struct TemporaryDirectory {
  llvm::SmallString<128> path;

  TemporaryDirectory() {
    if (llvm::sys::fs::createUniqueDirectory("recur-gpu", path))
      throw Error(Status::Internal, "cannot create a temporary directory");
  }
  ~TemporaryDirectory() { llvm::sys::fs::remove_directories(path); }

  std::string file(llvm::StringRef name) const {
    llvm::SmallString<128> result(path);
    llvm::sys::path::append(result, name);
    return result.str().str();
  }
};

std::optional<std::string> findTool(llvm::StringRef environment,
                                    llvm::ArrayRef<std::string> candidates,
                                    llvm::StringRef name) {
  if (const char *set = std::getenv(environment.str().c_str()))
    if (llvm::sys::fs::can_execute(set))
      return std::string(set);
  for (const std::string &candidate : candidates)
    if (llvm::sys::fs::can_execute(candidate))
      return candidate;
  if (auto onPath = llvm::sys::findProgramByName(name))
    return *onPath;
  return std::nullopt;
}

std::string readFile(const std::string &path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  return buffer ? (*buffer)->getBuffer().str() : std::string();
}

void writeFile(const std::string &path, llvm::StringRef contents) {
  std::error_code error;
  llvm::raw_fd_ostream out(path, error);
  if (error)
    throw Error(Status::Internal, "cannot write " + path);
  out << contents;
}

/// One ptxas run on `ptx`: the cubin in `artifact.binary` and each kernel's
/// figures from `-v`.
void runPtxas(const std::string &ptxas, llvm::StringRef ptx,
              llvm::StringRef chip, GpuArtifact &artifact) {
  TemporaryDirectory directory;
  std::string input = directory.file("kernels.ptx");
  std::string cubin = directory.file("kernels.cubin");
  std::string log = directory.file("ptxas.log");
  writeFile(input, ptx);
  std::string arch = ("-arch=" + chip).str();
  llvm::SmallVector<llvm::StringRef> args = {ptxas, arch, "-v", "-O3",
                                             input, "-o", cubin};
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, log, log};
  std::string message;
  int code = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                       /*SecondsToWait=*/120, 0, &message);
  std::string output = readFile(log);
  if (code != 0)
    throw Error(Status::CompileError,
                "ptxas failed (" + ptxas + "): " + message + "\n" + output);
  artifact.binary = readFile(cubin);

  // ptxas info    : Function properties for NAME
  //     S bytes stack frame, A bytes spill stores, B bytes spill loads
  // ptxas info    : Used R registers, ... M bytes smem, ...
  std::regex properties(R"(Function properties for (\w+)\s+(\d+) bytes stack )"
                        R"(frame, (\d+) bytes spill stores, (\d+) bytes spill )"
                        R"(loads\s+ptxas info\s+: Used (\d+) registers)");
  std::regex shared(R"(^\d+ registers[^\n]*?(\d+) bytes smem)");
  for (auto it = std::sregex_iterator(output.begin(), output.end(), properties);
       it != std::sregex_iterator(); ++it) {
    const std::smatch &match = *it;
    for (GpuKernelInfo &kernel : artifact.kernels) {
      if (kernel.signature.name != match[1].str())
        continue;
      kernel.stackBytes = std::stoll(match[2].str());
      kernel.spillStoreBytes = std::stoll(match[3].str());
      kernel.spillLoadBytes = std::stoll(match[4].str());
      kernel.registers = std::stoll(match[5].str());
      std::string rest = output.substr(match.position(5));
      std::smatch smem;
      if (std::regex_search(rest, smem, shared))
        kernel.sharedBytes = std::stoll(smem[1].str());
    }
  }
}

int64_t getSpilledBytes(const GpuArtifact &artifact) {
  int64_t bytes = 0;
  for (const GpuKernelInfo &kernel : artifact.kernels)
    bytes += kernel.spillStoreBytes + kernel.spillLoadBytes;
  return bytes;
}

/// `ptx` with `.minnctapersm 1` after each kernel's `.maxntid`: one block
/// per multiprocessor must fit, so ptxas may give a thread every register
/// it can have.
std::string requireOneBlockPerSM(llvm::StringRef ptx) {
  std::string result;
  llvm::SmallVector<llvm::StringRef> lines;
  ptx.split(lines, '\n');
  for (llvm::StringRef line : lines) {
    result += line;
    result += '\n';
    if (line.starts_with(".maxntid"))
      result += ".minnctapersm 1\n";
  }
  result.pop_back();
  return result;
}

/// Assembles the PTX with ptxas; fills the cubin and each kernel's figures.
/// ptxas budgets registers for the occupancy it aims at and sometimes
/// spills with registers to spare: when the kernels spill, they are
/// assembled again allowed one block per multiprocessor, and the version
/// that spills less is kept (its PTX becomes the artifact's).
void assembleWithPtxas(GpuArtifact &artifact, llvm::StringRef chip) {
  std::optional<std::string> ptxas = findPtxas();
  if (!ptxas)
    throw Error(Status::NotFound,
                "ptxas not found: install the CUDA toolkit or set "
                "RECUR_PTXAS (looked in $CUDA_HOME/bin, /usr/local/cuda/bin "
                "and PATH)");
  runPtxas(*ptxas, artifact.assembly, chip, artifact);
  if (getSpilledBytes(artifact) == 0 ||
      llvm::StringRef(artifact.assembly).contains(".minnctapersm"))
    return;
  GpuArtifact relaxed = artifact;
  relaxed.assembly = requireOneBlockPerSM(artifact.assembly);
  runPtxas(*ptxas, relaxed.assembly, chip, relaxed);
  if (getSpilledBytes(relaxed) < getSpilledBytes(artifact))
    artifact = std::move(relaxed);
}

/// Reads each kernel's resources from the code-object metadata that the
/// AMDGPU back end writes into the assembly (`amdhsa.kernels`, YAML): one
/// list entry per kernel with `.name`, `.vgpr_count`, `.agpr_count`,
/// `.group_segment_fixed_size` (LDS), `.private_segment_fixed_size`
/// (scratch) and `.vgpr_spill_count`. A spilled VGPR is 4 bytes per lane,
/// written and read back: both spill figures count it.
void readAmdgpuMetadata(GpuArtifact &artifact) {
  llvm::StringRef text = artifact.assembly;
  size_t start = text.find("amdhsa.kernels:");
  if (start == llvm::StringRef::npos)
    return;
  text = text.substr(start);
  text = text.substr(0, text.find(".end_amdgpu_metadata"));
  llvm::SmallVector<llvm::StringRef> entries;
  text.split(entries, "\n  - ");
  for (llvm::StringRef entry : llvm::drop_begin(entries)) {
    llvm::StringMap<int64_t> numbers;
    std::string name;
    llvm::SmallVector<llvm::StringRef> lines;
    entry.split(lines, '\n');
    for (auto [i, line] : llvm::enumerate(lines)) {
      // The entry's own keys; its arguments' are indented further.
      bool own =
          i == 0 || (line.starts_with("    .") && !line.starts_with("     "));
      if (!own)
        continue;
      auto [key, value] = line.trim().split(':');
      key = key.trim();
      value = value.trim();
      if (key == ".name")
        name = value.str();
      int64_t number;
      if (!value.getAsInteger(10, number))
        numbers[key] = number;
    }
    for (GpuKernelInfo &kernel : artifact.kernels) {
      if (kernel.signature.name != name)
        continue;
      kernel.registers =
          numbers.lookup(".vgpr_count") + numbers.lookup(".agpr_count");
      kernel.sharedBytes = numbers.lookup(".group_segment_fixed_size");
      kernel.stackBytes = numbers.lookup(".private_segment_fixed_size");
      kernel.spillStoreBytes = kernel.spillLoadBytes =
          4 * numbers.lookup(".vgpr_spill_count");
    }
  }
}

/// ld.lld for HSACO code objects: upstream's serialisation runs
/// `<toolkit>/llvm/bin/ld.lld`; a ROCm installation is such a toolkit,
/// and without one a private directory in that shape points at LLVM's lld.
std::optional<std::string> findLld() {
  std::string rocm =
      std::getenv("ROCM_PATH") ? std::getenv("ROCM_PATH") : "/opt/rocm";
  return findTool("RECUR_LLD",
                  {rocm + "/llvm/bin/ld.lld", "/usr/lib/llvm-22/bin/ld.lld"},
                  "ld.lld");
}

/// The ROCm device libraries' bitcode directory (`ocml.bc`, `ockl.bc`):
/// `$ROCM_PATH/amdgcn/bitcode` when ROCM_PATH is set; else ROCm's
/// /opt/rocm, or where Debian's rocm-device-libs package puts them.
std::optional<std::string> findRocmDeviceLibraries() {
  std::vector<std::string> roots;
  if (const char *rocm = std::getenv("ROCM_PATH"))
    roots.push_back(rocm);
  else
    roots = {"/opt/rocm", "/usr/lib/x86_64-linux-gnu",
             "/usr/lib/aarch64-linux-gnu", "/usr/lib"};
  for (const std::string &root : roots) {
    llvm::SmallString<128> bitcode(root);
    llvm::sys::path::append(bitcode, "amdgcn", "bitcode");
    llvm::SmallString<128> ocml(bitcode), ockl(bitcode);
    llvm::sys::path::append(ocml, "ocml.bc");
    llvm::sys::path::append(ockl, "ockl.bc");
    if (llvm::sys::fs::exists(ocml) && llvm::sys::fs::exists(ockl))
      return bitcode.str().str();
  }
  return std::nullopt;
}

/// The device-library functions (`__ocml_*` math, `__ockl_*` printing) that
/// a lowered module calls.
std::vector<std::string> getDeviceLibraryCalls(mlir::ModuleOp module) {
  std::vector<std::string> calls;
  module.walk([&](mlir::LLVM::LLVMFuncOp fn) {
    llvm::StringRef name = fn.getName();
    if (fn.isExternal() &&
        (name.starts_with("__ocml_") || name.starts_with("__ockl_")))
      calls.push_back(name.str());
  });
  return calls;
}

/// Links `target` at `link` (below `directory`), creating its parents.
void linkInto(const TemporaryDirectory &directory, llvm::StringRef target,
              llvm::ArrayRef<llvm::StringRef> link) {
  llvm::SmallString<128> path(directory.path);
  for (llvm::StringRef part : link.drop_back())
    llvm::sys::path::append(path, part);
  llvm::sys::fs::create_directories(path);
  llvm::sys::path::append(path, link.back());
  if (llvm::sys::fs::create_link(target, path))
    throw Error(Status::Internal, "cannot link " + target.str() + " into " +
                                      directory.path.str().str());
}

std::string getObject(mlir::ModuleOp module) {
  for (auto binary : module.getOps<mlir::gpu::BinaryOp>())
    for (mlir::Attribute attr : binary.getObjects())
      return llvm::cast<mlir::gpu::ObjectAttr>(attr).getObject().str();
  throw Error(Status::Internal, "the GPU pipeline produced no binary");
}

} // namespace

std::optional<std::string> recur::findPtxas() {
  std::vector<std::string> candidates;
  if (const char *home = std::getenv("CUDA_HOME"))
    candidates.push_back(std::string(home) + "/bin/ptxas");
  candidates.push_back("/usr/local/cuda/bin/ptxas");
  return findTool("RECUR_PTXAS", candidates, "ptxas");
}

GpuArtifact recur::compileForGpu(llvm::StringRef source,
                                 const GpuCompileOptions &options) {
  ParsedModule parsed(source);
  mlir::MLIRContext &context = parsed.getContext();
  mlir::ModuleOp module = parsed.get();
  const std::string &diagnostics = parsed.getDiagnostics();

  GpuArtifact artifact;
  const GPUTarget &target = options.pipeline.target;
  for (KernelSignature &signature : collectKernels(module)) {
    GpuKernelInfo info;
    info.signature = std::move(signature);
    info.threads = options.pipeline.numWarps * target.warpSize;
    artifact.kernels.push_back(std::move(info));
  }

  GPUPipelineOptions pipeline = options.pipeline;
  pipeline.serialize = false;
  mlir::PassManager pm(&context);
  buildGPUPipeline(pm, pipeline);
  if (mlir::failed(pm.run(module)))
    throw Error(Status::CompileError,
                "lowering to " + target.getName() + " failed:\n" + diagnostics);
  // The scratch, when dynamic, is shared by the module's kernels.
  module.walk([&](mlir::gpu::GPUModuleOp gpuModule) {
    if (auto bytes = gpuModule->getAttrOfType<mlir::IntegerAttr>(
            kDynamicSharedBytesAttrName))
      for (GpuKernelInfo &kernel : artifact.kernels)
        kernel.dynamicSharedBytes = bytes.getInt();
  });

  auto serialize = [&](mlir::ModuleOp into, llvm::StringRef format,
                       llvm::StringRef toolkit) {
    mlir::PassManager binaryPM(&context);
    mlir::GpuModuleToBinaryPassOptions binary;
    binary.compilationTarget = format.str();
    binary.toolkitPath = toolkit.str();
    binaryPM.addPass(mlir::createGpuModuleToBinaryPass(binary));
    if (mlir::failed(binaryPM.run(into)))
      throw Error(Status::CompileError, "serialising for " + target.getName() +
                                            " failed:\n" + diagnostics);
    return getObject(into);
  };

  if (target.vendor == GPUTarget::Vendor::CUDA) {
    artifact.assembly = serialize(module, "isa", "");
    assembleWithPtxas(artifact, target.getArch());
    return artifact;
  }

  // Upstream's serialisation links `<toolkit>/amdgcn/bitcode`'s libraries
  // into modules that call them and runs `<toolkit>/llvm/bin/ld.lld`: a
  // private directory in that shape points at the ones found here, so
  // kernels that need neither library build without any ROCm install.
  TemporaryDirectory toolkit;
  std::vector<std::string> calls = getDeviceLibraryCalls(module);
  if (!calls.empty()) {
    std::optional<std::string> libraries = findRocmDeviceLibraries();
    if (!libraries)
      throw Error(
          Status::NotFound,
          "the kernel calls the ROCm device libraries (" + calls[0] +
              (calls.size() > 1
                   ? " and " + std::to_string(calls.size() - 1) + " more"
                   : std::string()) +
              ": f64 math, printing), and none were found: install "
              "ROCm or Debian's rocm-device-libs, or set ROCM_PATH");
    linkInto(toolkit, *libraries, {"amdgcn", "bitcode"});
  }
  mlir::OwningOpRef<mlir::ModuleOp> copy = module.clone();
  artifact.assembly = serialize(module, "isa", toolkit.path);
  readAmdgpuMetadata(artifact);
  std::optional<std::string> lld = findLld();
  if (!lld)
    throw Error(Status::NotFound, "ld.lld not found: install lld or ROCm, or "
                                  "set RECUR_LLD");
  linkInto(toolkit, *lld, {"llvm", "bin", "ld.lld"});
  artifact.binary = serialize(*copy, "bin", toolkit.path);
  return artifact;
}
