//===- FaultHandler.h - Memory faults of kernels as launch errors -*- C++
//-*-===//
//
// A kernel that overflows its fiber's stack (into the guard page) or touches
// an invalid address would kill the process; on a GPU the same bug is a
// launch error (CUDA_ERROR_ILLEGAL_ADDRESS). While a worker runs a block, a
// SIGSEGV or SIGBUS raised by one of the block's fibers ends the block with
// an error instead. Faults anywhere else go to the handler that was
// installed before, or to the default action.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_EMU_FAULTHANDLER_H
#define RECUR_RUNTIME_EMU_FAULTHANDLER_H

#include <signal.h>

#include <memory>

namespace recur::emu {

/// Installs the process-wide handler (once) and gives the calling thread an
/// alternate signal stack, so that a stack overflow can be handled, for the
/// lifetime of the object; the thread's previous alternate stack comes back
/// when it is destroyed.
class FaultScope {
public:
  FaultScope();
  ~FaultScope();
  FaultScope(const FaultScope &) = delete;
  FaultScope &operator=(const FaultScope &) = delete;

private:
  std::unique_ptr<char[]> stack_;
  bool installed_ = false;
  stack_t previous_;
};

} // namespace recur::emu

#endif // RECUR_RUNTIME_EMU_FAULTHANDLER_H
