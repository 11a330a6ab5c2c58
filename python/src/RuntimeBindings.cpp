//===- RuntimeBindings.cpp - recur._C.runtime: compile, load, launch ------===//
//
// The Python package compiles a tile module to an object (compile_cpu),
// keeps it in the on-disk cache (CompileCache), loads it on the CPU device
// and launches kernels through a Launcher: a callable bound to one kernel
// that converts Python ints and floats by the kernel's argument kinds with
// the C API, so that a cached launch costs microseconds.
//
//===----------------------------------------------------------------------===//

#include "python/src/Bindings.h"

#include "runtime/Autotuner.h"
#include "runtime/CompileCache.h"
#include "runtime/CpuCompiler.h"
#include "runtime/CpuDevice.h"
#include "runtime/CpuModule.h"
#include "runtime/CudaDevice.h"
#include "runtime/EmuDevice.h"
#include "runtime/Error.h"
#include "runtime/GpuCompiler.h"
#include "runtime/HipDevice.h"
#include "runtime/TuningDatabase.h"

#include <pybind11/functional.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using namespace recur;

namespace {

ArgKind parseArgKind(const std::string &name) {
  for (ArgKind kind : {ArgKind::Pointer, ArgKind::I1, ArgKind::I8, ArgKind::I16,
                       ArgKind::I32, ArgKind::I64, ArgKind::F32, ArgKind::F64})
    if (name == argKindName(kind))
      return kind;
  throw py::value_error("unknown argument kind '" + name + "'");
}

/// One kernel of a loaded module, callable as launcher(gx, gy, gz, *args):
/// converts the Python values by the kernel's argument kinds and runs it on
/// its device (the CPU's worker pool, the SIMT emulator or a GPU).
class Launcher {
public:
  using Run = std::function<void(llvm::ArrayRef<KernelArg>, Grid)>;

  Launcher(std::shared_ptr<const void> module, const KernelSignature *signature,
           Run run)
      : module(std::move(module)), signature(signature), run(std::move(run)) {}

  static Launcher onCpu(std::shared_ptr<CpuDevice> device,
                        std::shared_ptr<CpuModule> module,
                        const std::string &name) {
    const CpuModule::Kernel *kernel = &module->getKernel(name);
    return Launcher(module, &kernel->signature,
                    [device = std::move(device),
                     kernel](llvm::ArrayRef<KernelArg> args, Grid grid) {
                      device->launch(*kernel, args, grid);
                    });
  }

  static Launcher onEmulator(std::shared_ptr<EmuDevice> device,
                             std::shared_ptr<CpuModule> module,
                             const std::string &name,
                             CpuArtifact::EmulatedBlock block) {
    const CpuModule::Kernel *kernel = &module->getKernel(name);
    return Launcher(module, &kernel->signature,
                    [device = std::move(device), kernel,
                     block](llvm::ArrayRef<KernelArg> args, Grid grid) {
                      device->launch(*kernel, block, args, grid);
                    });
  }

  /// On a CudaDevice or HipDevice: waits for the kernel on the default
  /// stream (0), or queues it on `stream`.
  template <typename Device, typename Module>
  static Launcher onGpu(std::shared_ptr<Device> device,
                        std::shared_ptr<Module> module, const std::string &name,
                        unsigned threads, uintptr_t stream,
                        unsigned sharedBytes) {
    const KernelSignature *signature = &module->getSignature(name);
    auto *handle = reinterpret_cast<void *>(stream);
    return Launcher(module, signature,
                    [device = std::move(device), module, name, threads, handle,
                     sharedBytes](llvm::ArrayRef<KernelArg> args, Grid grid) {
                      if (handle)
                        device->launchAsync(*module, name, args, grid, threads,
                                            handle, sharedBytes);
                      else
                        device->launch(*module, name, args, grid, threads,
                                       sharedBytes);
                    });
  }

  void operator()(py::args args) const {
    const std::vector<ArgKind> &kinds = signature->args;
    if (args.size() != kinds.size() + 3)
      throw py::type_error("kernel '" + signature->name + "' takes " +
                           std::to_string(kinds.size()) +
                           " arguments after the grid, got " +
                           std::to_string(args.size() - 3));
    Grid grid{toInt(args[0], "grid x"), toInt(args[1], "grid y"),
              toInt(args[2], "grid z")};
    llvm::SmallVector<KernelArg, 16> values;
    for (size_t i = 0; i < kinds.size(); ++i)
      values.push_back(convert(args[i + 3], kinds[i], i));
    py::gil_scoped_release release;
    run(values, grid);
  }

  const std::string &name() const { return signature->name; }

private:
  /// Converts a Python int; `what` names the value in the error, and is
  /// only called on failure (launches are hot).
  template <typename Describe>
  static int64_t toInt(py::handle value, Describe what) {
    long long result = PyLong_AsLongLong(value.ptr());
    if (result == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      // Unsigned 64-bit values keep their bits.
      unsigned long long wide = PyLong_AsUnsignedLongLong(value.ptr());
      if (wide == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
        PyErr_Clear();
        throw py::type_error(what() + " must be an integer");
      }
      return static_cast<int64_t>(wide);
    }
    return result;
  }

  static int64_t toInt(py::handle value, const char *what) {
    return toInt(value, [what] { return std::string(what); });
  }

  KernelArg convert(py::handle value, ArgKind kind, size_t index) const {
    auto what = [&] {
      return "argument #" + std::to_string(index) + " of kernel '" +
             signature->name + "'";
    };
    switch (kind) {
    case ArgKind::Pointer:
      return KernelArg::pointer(
          reinterpret_cast<const void *>(toInt(value, what)));
    case ArgKind::F32:
    case ArgKind::F64: {
      double result = PyFloat_AsDouble(value.ptr());
      if (result == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        throw py::type_error(what() + " must be a number");
      }
      return kind == ArgKind::F32 ? KernelArg::f32(static_cast<float>(result))
                                  : KernelArg::f64(result);
    }
    default:
      return KernelArg::integer(kind, toInt(value, what));
    }
  }

  std::shared_ptr<const void> module;
  const KernelSignature *signature;
  Run run;
};

py::bytes toBytes(const std::string &data) { return py::bytes(data); }

using KernelKinds =
    std::vector<std::pair<std::string, std::vector<std::string>>>;

/// Signatures from (kernel name, argument kind names) pairs, as compiled
/// kernels' metadata lists them.
std::vector<KernelSignature> toSignatures(const KernelKinds &kernels) {
  std::vector<KernelSignature> signatures;
  for (const auto &[name, kinds] : kernels) {
    KernelSignature signature{name, {}};
    for (const std::string &kind : kinds)
      signature.args.push_back(parseArgKind(kind));
    signatures.push_back(std::move(signature));
  }
  return signatures;
}

/// CudaDevice and HipDevice, which share their interface: `binary` is a
/// cubin or an HSACO; streams and events are handles passed as ints (0: the
/// default stream).
template <typename Device, typename Module>
py::class_<Device, std::shared_ptr<Device>>
bindGpuDevice(py::module_ &m, const char *deviceName, const char *moduleName) {
  py::class_<Module, std::shared_ptr<Module>>(m, moduleName);
  auto handle = [](uintptr_t value) { return reinterpret_cast<void *>(value); };
  auto number = [](void *value) { return reinterpret_cast<uintptr_t>(value); };
  return py::class_<Device, std::shared_ptr<Device>>(m, deviceName)
      .def_static("open", &Device::open, py::arg("ordinal") = 0,
                  "GPU `ordinal`; ValueError saying why when there is none")
      .def_property_readonly("name", &Device::getName)
      .def_property_readonly("target", &Device::getTarget)
      .def(
          "load",
          [](Device &self, py::bytes binary, const KernelKinds &kernels) {
            std::vector<KernelSignature> signatures = toSignatures(kernels);
            return self.load(std::string(binary), std::move(signatures));
          },
          py::arg("binary"), py::arg("kernels"))
      .def("allocate", &Device::allocate, py::arg("bytes"))
      .def("release", &Device::release, py::arg("address"))
      .def(
          "copy_to_device",
          [=](Device &self, uint64_t destination, uint64_t source, size_t bytes,
              uintptr_t stream) {
            if (stream)
              self.copyToDeviceAsync(destination,
                                     reinterpret_cast<const void *>(source),
                                     bytes, handle(stream));
            else
              self.copyToDevice(destination,
                                reinterpret_cast<const void *>(source), bytes);
          },
          py::arg("destination"), py::arg("source"), py::arg("bytes"),
          py::arg("stream") = 0)
      .def(
          "copy_to_host",
          [=](Device &self, uint64_t destination, uint64_t source, size_t bytes,
              uintptr_t stream) {
            if (stream)
              self.copyToHostAsync(reinterpret_cast<void *>(destination),
                                   source, bytes, handle(stream));
            else
              self.copyToHost(reinterpret_cast<void *>(destination), source,
                              bytes);
          },
          py::arg("destination"), py::arg("source"), py::arg("bytes"),
          py::arg("stream") = 0)
      .def("create_stream",
           [=](Device &self) { return number(self.createStream()); })
      .def(
          "destroy_stream",
          [=](Device &self, uintptr_t stream) {
            self.destroyStream(handle(stream));
          },
          py::arg("stream"))
      .def(
          "synchronize",
          [=](Device &self, uintptr_t stream) {
            py::gil_scoped_release release;
            self.synchronize(handle(stream));
          },
          py::arg("stream") = 0)
      .def("create_event",
           [=](Device &self) { return number(self.createEvent()); })
      .def(
          "destroy_event",
          [=](Device &self, uintptr_t event) {
            self.destroyEvent(handle(event));
          },
          py::arg("event"))
      .def(
          "record_event",
          [=](Device &self, uintptr_t event, uintptr_t stream) {
            self.recordEvent(handle(event), handle(stream));
          },
          py::arg("event"), py::arg("stream") = 0)
      .def(
          "elapsed_time",
          [=](Device &self, uintptr_t start, uintptr_t stop) {
            py::gil_scoped_release release;
            return self.elapsedTime(handle(start), handle(stop));
          },
          py::arg("start"), py::arg("stop"),
          "Milliseconds between two recorded events")
      .def(
          "make_launcher",
          [](std::shared_ptr<Device> self, std::shared_ptr<Module> module,
             const std::string &name, unsigned threads, uintptr_t stream,
             unsigned sharedBytes) {
            return Launcher::onGpu(std::move(self), std::move(module), name,
                                   threads, stream, sharedBytes);
          },
          py::arg("module"), py::arg("kernel"), py::arg("threads"),
          py::arg("stream") = 0, py::arg("shared_bytes") = 0,
          "A launcher that waits for the kernel (stream 0) or queues it on "
          "`stream`; `shared_bytes` of dynamic shared memory per block");
}

/// A kernel's argument kinds by name ("ptr", "i32", ...).
py::list argKindNames(const KernelSignature &signature) {
  py::list kinds;
  for (ArgKind kind : signature.args)
    kinds.append(argKindName(kind));
  return kinds;
}

} // namespace

void recur::python::populateRuntimeBindings(py::module_ &m) {
  m.doc() =
      "Compilation for the host CPU, the CPU device and the compile cache";

  static py::exception<Error> compileError(m, "CompileError",
                                           PyExc_RuntimeError);
  static py::exception<Error> assertionError(m, "DeviceAssertionError",
                                             PyExc_AssertionError);
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer)
        std::rethrow_exception(pointer);
    } catch (const Error &error) {
      switch (error.status()) {
      case Status::CompileError:
        py::set_error(compileError, error.what());
        return;
      case Status::AssertionFailed:
        py::set_error(assertionError, error.what());
        return;
      case Status::InvalidArgument:
      case Status::NotFound:
      case Status::DriverNotFound:
        PyErr_SetString(PyExc_ValueError, error.what());
        return;
      default:
        PyErr_SetString(PyExc_RuntimeError, error.what());
        return;
      }
    }
  });

  m.def("version", &compilerVersion,
        "Identifies the compiler build; part of every cache key");
  m.def(
      "sha256", [](py::bytes data) { return sha256Hex(std::string(data)); },
      py::arg("data"));
  m.def(
      "sha256", [](const std::string &data) { return sha256Hex(data); },
      py::arg("data"));

  m.def(
      "compile_cpu",
      [](const std::string &source, unsigned optLevel,
         const std::string &emulate, unsigned numWarps, unsigned numStages,
         bool bulkCopies) {
        CpuCompileOptions options;
        options.optLevel = optLevel;
        if (!emulate.empty()) {
          std::optional<GPUTarget> target = GPUTarget::parse(emulate);
          if (!target)
            throw Error(Status::InvalidArgument,
                        "unknown GPU target '" + emulate + "' to emulate");
          GPUPipelineOptions gpu;
          gpu.target = *target;
          gpu.numWarps = numWarps;
          gpu.numStages = numStages;
          gpu.bulkCopies = bulkCopies;
          options.emulatedGPU = gpu;
        }
        CpuArtifact artifact;
        {
          py::gil_scoped_release release;
          artifact = compileForCpu(source, options);
        }
        py::list kernels;
        for (const KernelSignature &kernel : artifact.kernels)
          kernels.append(py::make_tuple(kernel.name, argKindNames(kernel)));
        py::dict result;
        result["llir"] = artifact.llvmIR;
        result["obj"] = toBytes(artifact.object);
        result["kernels"] = kernels;
        py::list blocks;
        for (const CpuArtifact::EmulatedBlock &block : artifact.emulatedBlocks)
          blocks.append(
              py::make_tuple(block.threads, block.warpSize, block.sharedBytes));
        result["blocks"] = blocks;
        return result;
      },
      py::arg("source"), py::arg("opt_level") = 3, py::arg("emulate") = "",
      py::arg("num_warps") = 4, py::arg("num_stages") = 1,
      py::arg("bulk_copies") = true,
      "Compiles tile IR text to an object for the host CPU; with `emulate` "
      "(a GPU target), through that target's lowering for the SIMT emulator "
      "(`num_stages` >= 2 pipelines loops' loads; `bulk_copies`: on sm_90, "
      "with the TMA's bulk copies where they apply)");
  m.def("find_ptxas", &findPtxas,
        "Path of the CUDA toolkit's ptxas, or None where it is missing");
  m.def(
      "compile_gpu",
      [](const std::string &source, const std::string &targetName,
         unsigned numWarps, unsigned numStages, bool bulkCopies) {
        std::optional<GPUTarget> target = GPUTarget::parse(targetName);
        if (!target)
          throw Error(Status::InvalidArgument,
                      "unknown GPU target '" + targetName +
                          "' (cuda:sm_80, cuda:sm_90, rocm:gfx90a, "
                          "rocm:gfx942)");
        if (numWarps == 0 || (numWarps & (numWarps - 1)) || numWarps > 32)
          throw Error(Status::InvalidArgument,
                      "num_warps must be a power of two up to 32, got " +
                          std::to_string(numWarps));
        GpuCompileOptions options;
        options.pipeline.target = *target;
        options.pipeline.numWarps = numWarps;
        options.pipeline.numStages = numStages;
        options.pipeline.bulkCopies = bulkCopies;
        GpuArtifact artifact;
        {
          py::gil_scoped_release release;
          artifact = compileForGpu(source, options);
        }
        py::list kernels;
        for (const GpuKernelInfo &kernel : artifact.kernels) {
          py::dict info;
          info["name"] = kernel.signature.name;
          info["args"] = argKindNames(kernel.signature);
          info["threads"] = kernel.threads;
          info["registers"] = kernel.registers;
          info["shared"] = kernel.sharedBytes + kernel.dynamicSharedBytes;
          info["dynamic_shared"] = kernel.dynamicSharedBytes;
          info["spill_stores"] = kernel.spillStoreBytes;
          info["spill_loads"] = kernel.spillLoadBytes;
          info["stack"] = kernel.stackBytes;
          kernels.append(info);
        }
        py::dict result;
        result["asm"] = artifact.assembly;
        result["binary"] = toBytes(artifact.binary);
        result["kernels"] = kernels;
        return result;
      },
      py::arg("source"), py::arg("target"), py::arg("num_warps") = 4,
      py::arg("num_stages") = 1, py::arg("bulk_copies") = true,
      "Compiles tile IR text to PTX and a cubin (cuda:*) or AMDGCN assembly "
      "and an HSACO (rocm:*), with each kernel's resource figures "
      "(`num_stages` >= 2 pipelines loops' loads; `bulk_copies`: on sm_90, "
      "with the TMA's bulk copies where they apply)");

  py::class_<TuningDatabase>(m, "TuningDatabase")
      .def(py::init<std::string>(), py::arg("directory"))
      .def_property_readonly("directory", &TuningDatabase::getDirectory)
      .def(
          "lookup",
          [](const TuningDatabase &self, const std::string &key,
             const std::string &config) -> py::object {
            auto found = self.lookup(key, config);
            if (!found)
              return py::none();
            return py::make_tuple(found->seconds, found->repeats);
          },
          py::arg("key"), py::arg("config"),
          "(median seconds, repeats) recorded for config under key, or None")
      .def(
          "record",
          [](const TuningDatabase &self, const std::string &key,
             const std::string &config, double seconds, int repeats) {
            self.record(key, config, {seconds, repeats});
          },
          py::arg("key"), py::arg("config"), py::arg("seconds"),
          py::arg("repeats"))
      .def(
          "tune",
          [](const TuningDatabase &self, const std::string &key,
             const std::vector<std::string> &configs,
             const std::function<void(const std::string &)> &run, int warmup,
             int repeats) {
            Autotuner::Result result =
                Autotuner(self).tune(key, configs, run, {warmup, repeats});
            py::dict out;
            out["best"] = result.best;
            out["seconds"] = result.seconds;
            out["timings"] = result.timings;
            out["timed"] = result.timed;
            return out;
          },
          py::arg("key"), py::arg("configs"), py::arg("run"),
          py::arg("warmup") = 1, py::arg("repeats") = 5,
          "Times the configs not yet recorded under key (run(config) runs "
          "one), records them and returns {best, seconds, timings, timed}");

  py::class_<CompileCache>(m, "CompileCache")
      .def(py::init<std::string>(), py::arg("directory"))
      .def_static("default_directory", &CompileCache::defaultDirectory)
      .def_property_readonly("directory", &CompileCache::getDirectory)
      .def(
          "lookup",
          [](const CompileCache &self, const std::string &key) -> py::object {
            std::optional<CompileCache::Files> files;
            {
              py::gil_scoped_release release;
              files = self.lookup(key);
            }
            if (!files)
              return py::none();
            py::dict result;
            for (const auto &file : *files)
              result[py::str(file.getKey().str())] = toBytes(file.getValue());
            return result;
          },
          py::arg("key"))
      .def(
          "store",
          [](const CompileCache &self, const std::string &key,
             const std::map<std::string, py::bytes> &files) {
            CompileCache::Files contents;
            for (const auto &[name, data] : files)
              contents[name] = std::string(data);
            py::gil_scoped_release release;
            self.store(key, contents);
          },
          py::arg("key"), py::arg("files"));

  py::class_<CpuModule, std::shared_ptr<CpuModule>>(m, "CpuModule")
      .def("kernel_names", &CpuModule::getKernelNames);

  py::class_<Launcher>(m, "Launcher")
      .def("__call__", &Launcher::operator())
      .def_property_readonly("name", &Launcher::name);

  py::class_<CpuDevice, std::shared_ptr<CpuDevice>>(m, "CpuDevice")
      .def(py::init<unsigned>(), py::arg("num_threads") = 0)
      .def_property_readonly("num_threads", &CpuDevice::getNumThreads)
      .def(
          "load",
          [](CpuDevice &, py::bytes object, const KernelKinds &kernels) {
            std::vector<KernelSignature> signatures = toSignatures(kernels);
            std::string bytes(object);
            py::gil_scoped_release release;
            return CpuModule::load(bytes, std::move(signatures));
          },
          py::arg("obj"), py::arg("kernels"),
          "Loads an object from compile_cpu into the JIT")
      .def(
          "make_launcher",
          [](std::shared_ptr<CpuDevice> self, std::shared_ptr<CpuModule> module,
             const std::string &name) {
            return Launcher::onCpu(std::move(self), std::move(module), name);
          },
          py::arg("module"), py::arg("kernel"));

  bindGpuDevice<CudaDevice, CudaModule>(m, "CudaDevice", "CudaModule")
      .def_property_readonly("compute_capability",
                             &CudaDevice::getComputeCapability);
  bindGpuDevice<HipDevice, HipModule>(m, "HipDevice", "HipModule")
      .def_property_readonly("arch", &HipDevice::getArchName);

  py::class_<EmuDevice, std::shared_ptr<EmuDevice>>(m, "EmuDevice")
      .def(py::init<unsigned, uint32_t>(), py::arg("num_workers") = 0,
           py::arg("schedule_seed") = 0)
      .def(
          "make_launcher",
          [](std::shared_ptr<EmuDevice> self, std::shared_ptr<CpuModule> module,
             const std::string &name, unsigned threads, unsigned warpSize,
             uint64_t sharedBytes) {
            CpuArtifact::EmulatedBlock block;
            block.threads = threads;
            block.warpSize = warpSize;
            block.sharedBytes = sharedBytes;
            return Launcher::onEmulator(std::move(self), std::move(module),
                                        name, block);
          },
          py::arg("module"), py::arg("kernel"), py::arg("threads"),
          py::arg("warp_size"), py::arg("shared_bytes"),
          "A launcher running the kernel's blocks on the SIMT emulator");
}
