//===- Wrapper.h - C entry points of ahead-of-time kernels ------*- C++ -*-===//
//
// An AOT kernel is its compiled tile function (internal to the object) plus
// one exported C function, `recur_status_t NAME(recur_stream_t stream,
// <runtime arguments>)`, that checks the arguments against the
// specialisation, evaluates the grid expression and launches the packed
// entry through the C API (a GPU kernel: its embedded binary, through
// recur_gpu_launch). This file writes that function as LLVM IR and its
// declaration as a C header.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_TOOLS_RECURC_WRAPPER_H
#define RECUR_TOOLS_RECURC_WRAPPER_H

#include <string>
#include <vector>

namespace recur::aot {

/// One runtime argument of the kernel, in order.
struct Argument {
  std::string name;
  std::string type; // "*fp32", "i32", "fp32", ...
  std::string spec; // "16" (divisible by 16), "1" (equal to 1) or ""
  /// False for arguments only the grid uses (e.g. an operator's batch).
  bool toKernel = true;
  /// What the header says about the argument (layout, meaning), if anything.
  std::string doc;
  /// A pointer the kernel accumulates into (atomic maxima): the wrapper
  /// stores a zero of the pointee type (`type` "*i32" or "*fp32"/"*fp64")
  /// there before launching.
  bool zeroFirst = false;
};

struct WrapperSpec {
  /// The exported C function.
  std::string name;
  /// The tile kernel inside the object, whose packed entry the wrapper calls.
  std::string kernel;
  std::vector<Argument> arguments;
  /// Three comma-separated integer expressions over the integer arguments:
  /// + - * / % (C semantics), parentheses, cdiv(a, b), min(a, b), max(a, b).
  std::string grid;
  /// How the kernel was specialised, for the header's comment.
  std::string description;
  /// What it was compiled for: "cpu", "cuda:sm_90", "rocm:gfx942", ...
  std::string target = "cpu";
};

/// A GPU wrapper's kernel: the binary embedded in the object and how to
/// launch it.
struct GpuBinary {
  /// A cubin (cuda:*) or an HSACO code object (rocm:*).
  std::string binary;
  /// The kernel's symbol in the binary.
  std::string function;
  /// Threads per block.
  unsigned threads = 0;
  /// Dynamic shared memory per block (0 unless above the static limit).
  unsigned sharedBytes = 0;
};

/// Whether `target` names a GPU ("cuda:..." or "rocm:...").
bool isGpuTarget(const std::string &target);

/// The wrapper as LLVM IR text. Throws recur::Error(InvalidArgument) for an
/// unknown type or a grid expression that does not parse, naming the
/// offending text.
std::string buildWrapperIR(const WrapperSpec &spec,
                           const std::string &packedEntry);

/// The wrapper of a GPU kernel (spec.target "cuda:*" or "rocm:*") as LLVM
/// IR: the binary as an internal constant `__recur_cubin_NAME` (or
/// `__recur_hsaco_NAME`), its recur_gpu_kernel_t, and a function that
/// checks the arguments, evaluates the grid and calls recur_gpu_launch.
std::string buildGpuWrapperIR(const WrapperSpec &spec, const GpuBinary &gpu);

/// The C header declaring the wrapper.
std::string buildHeader(const WrapperSpec &spec);

/// The wrapper's description for `recurc link` (JSON text).
std::string describe(const WrapperSpec &spec);

/// A dispatcher `name` over `variants` (wrappers of one kernel with the same
/// arguments, described by `describe`), as LLVM IR: it calls the most
/// specialised variant whose specialisations the arguments satisfy, and
/// returns RECUR_ERROR_INVALID_ARGUMENT naming the arguments when none does.
/// Throws recur::Error(InvalidArgument) for variants that do not match.
std::string buildDispatcherIR(const std::string &name,
                              const std::vector<WrapperSpec> &variants);

/// The variant described by `json` (as written by `describe`).
WrapperSpec parseDescription(const std::string &json);

} // namespace recur::aot

#endif // RECUR_TOOLS_RECURC_WRAPPER_H
