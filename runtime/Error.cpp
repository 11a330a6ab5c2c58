//===- Error.cpp - Recur runtime errors -----------------------------------===//

#include "runtime/Error.h"

const char *recur::statusString(Status status) {
  switch (status) {
  case Status::Ok:
    return "ok";
  case Status::InvalidArgument:
    return "invalid argument";
  case Status::CompileError:
    return "compile error";
  case Status::NotFound:
    return "not found";
  case Status::LaunchError:
    return "launch error";
  case Status::AssertionFailed:
    return "device assertion failed";
  case Status::Internal:
    return "internal error";
  case Status::DriverNotFound:
    return "GPU driver not found";
  }
  return "unknown status";
}
