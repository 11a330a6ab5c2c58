//===- DebugIntrinsics.cpp - Device assertions and printf -----------------===//

#include "runtime/emu/Block.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

#include <cstdarg>
#include <cstdio>
#include <mutex>

using namespace recur::emu;

extern "C" void __recur_emu_assert(int32_t ok, const char *message) {
  if (ok)
    return;
  Block &b = Block::running(__func__);
  b.fail(RECUR_ERROR_ASSERTION,
         b.where() + ": assertion failed: " + (message ? message : ""));
}

extern "C" void __recur_emu_printf(const char *format, ...) {
  // Blocks run on several OS threads: one lock keeps each call's text
  // whole, as a GPU's printf buffer does.
  static std::mutex printMutex;
  std::va_list args;
  va_start(args, format);
  {
    std::lock_guard<std::mutex> lock(printMutex);
    std::vprintf(format, args);
  }
  va_end(args);
}
