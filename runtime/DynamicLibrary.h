//===- DynamicLibrary.h - A C library's functions ---------------*- C++ -*-===//
//
// The GPU drivers (libcuda, libamdhip64) are opened with dlopen so that
// Recur builds and runs without them. This helper opens one and fills a
// table of function pointers, remembering the first thing that was missing
// so the caller can say why there is no driver.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_DYNAMICLIBRARY_H
#define RECUR_RUNTIME_DYNAMICLIBRARY_H

#include <dlfcn.h>

#include <string>
#include <type_traits>

namespace recur {

class DynamicLibrary {
public:
  /// Opens `name`; the handle is never closed (drivers live as long as
  /// the process).
  explicit DynamicLibrary(const std::string &name) : name(name) {
    handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char *reason = dlerror();
      failure = name + " cannot be loaded (" +
                (reason ? reason : "no reason given") + ")";
    }
  }

  /// Points `slot` at `symbol`; a missing symbol is remembered as the
  /// failure.
  template <typename Function>
  void resolve(Function &slot, const char *symbol) {
    if (!resolveOptional(slot, symbol) && failure.empty())
      failure = name + " lacks " + symbol + " (too old a driver?)";
  }

  /// Points `slot` at `symbol`; false (and `slot` null) if it is missing.
  template <typename Function>
  bool resolveOptional(Function &slot, const char *symbol) {
    slot = handle ? reinterpret_cast<std::remove_reference_t<Function>>(
                        dlsym(handle, symbol))
                  : nullptr;
    return slot != nullptr;
  }

  /// Empty when the library and every resolved function were found.
  const std::string &getFailure() const { return failure; }

private:
  std::string name, failure;
  void *handle = nullptr;
};

} // namespace recur

#endif // RECUR_RUNTIME_DYNAMICLIBRARY_H
