//===- Kernel.h - Kernel signatures and launch arguments ---------*- C++
//-*-===//

#ifndef RECUR_RUNTIME_KERNEL_H
#define RECUR_RUNTIME_KERNEL_H

#include <cstdint>
#include <string>
#include <vector>

namespace recur {

/// The type of one kernel argument, as the tile signature declares it.
enum class ArgKind { Pointer, I1, I8, I16, I32, I64, F32, F64 };

/// Spelling of a kind in messages, matching the IR ("ptr", "i32", "f32").
const char *argKindName(ArgKind kind);

/// One launch argument: a typed scalar or a pointer. The value is stored in
/// its own width so that a kernel reading it through a typed pointer sees
/// exactly the bits the caller meant.
class KernelArg {
public:
  static KernelArg pointer(const void *value);
  static KernelArg integer(ArgKind kind, int64_t value);
  static KernelArg i32(int32_t value) { return integer(ArgKind::I32, value); }
  static KernelArg i64(int64_t value) { return integer(ArgKind::I64, value); }
  static KernelArg f32(float value);
  static KernelArg f64(double value);

  ArgKind kind() const { return kind_; }
  /// Address of the value in the width of its kind, for packed calls.
  void *data() { return &storage_; }

private:
  explicit KernelArg(ArgKind kind) : kind_(kind), storage_{} {}

  ArgKind kind_;
  union {
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    const void *ptr;
  } storage_;
};

/// A kernel's name and argument kinds, in order.
struct KernelSignature {
  std::string name;
  std::vector<ArgKind> args;
};

/// Launch grid size; every dimension counts programs.
struct Grid {
  int64_t x = 1, y = 1, z = 1;
  int64_t size() const { return x * y * z; }
};

} // namespace recur

#endif // RECUR_RUNTIME_KERNEL_H
