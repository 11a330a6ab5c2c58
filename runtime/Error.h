//===- Error.h - Recur runtime errors ----------------------------*- C++
//-*-===//

#ifndef RECUR_RUNTIME_ERROR_H
#define RECUR_RUNTIME_ERROR_H

#include <stdexcept>
#include <string>

namespace recur {

/// Status codes shared by the C++ runtime and the C API (`recur_status_t`).
enum class Status : int {
  Ok = 0,
  InvalidArgument = 1,
  CompileError = 2,
  NotFound = 3,
  LaunchError = 4,
  AssertionFailed = 5,
  Internal = 6,
  /// The GPU driver library (libcuda, libamdhip64) is not installed.
  DriverNotFound = 7,
};

/// Human-readable name of a status, e.g. "invalid argument".
const char *statusString(Status status);

/// The runtime's exception: a status plus a message that names what was
/// wrong (the kernel, the argument, the shape).
class Error : public std::runtime_error {
public:
  Error(Status status, const std::string &message)
      : std::runtime_error(message), status_(status) {}

  Status status() const { return status_; }

private:
  Status status_;
};

} // namespace recur

#endif // RECUR_RUNTIME_ERROR_H
