//===- Kernel.cpp - Kernel signatures and launch arguments ----------------===//

#include "runtime/Kernel.h"

using namespace recur;

const char *recur::argKindName(ArgKind kind) {
  switch (kind) {
  case ArgKind::Pointer:
    return "ptr";
  case ArgKind::I1:
    return "i1";
  case ArgKind::I8:
    return "i8";
  case ArgKind::I16:
    return "i16";
  case ArgKind::I32:
    return "i32";
  case ArgKind::I64:
    return "i64";
  case ArgKind::F32:
    return "f32";
  case ArgKind::F64:
    return "f64";
  }
  return "?";
}

KernelArg KernelArg::pointer(const void *value) {
  KernelArg arg(ArgKind::Pointer);
  arg.storage_.ptr = value;
  return arg;
}

KernelArg KernelArg::integer(ArgKind kind, int64_t value) {
  KernelArg arg(kind);
  switch (kind) {
  case ArgKind::I1:
  case ArgKind::I8:
    arg.storage_.i8 = static_cast<int8_t>(value);
    break;
  case ArgKind::I16:
    arg.storage_.i16 = static_cast<int16_t>(value);
    break;
  case ArgKind::I32:
    arg.storage_.i32 = static_cast<int32_t>(value);
    break;
  default:
    arg.storage_.i64 = value;
  }
  return arg;
}

KernelArg KernelArg::f32(float value) {
  KernelArg arg(ArgKind::F32);
  arg.storage_.f32 = value;
  return arg;
}

KernelArg KernelArg::f64(double value) {
  KernelArg arg(ArgKind::F64);
  arg.storage_.f64 = value;
  return arg;
}
