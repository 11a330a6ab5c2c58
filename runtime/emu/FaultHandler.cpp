//===- FaultHandler.cpp - Memory faults of kernels as launch errors -------===//

#include "runtime/emu/FaultHandler.h"
#include "runtime/emu/Block.h"

#include <mutex>

using namespace recur::emu;

static struct sigaction previousSegv, previousBus;

static void onFault(int signal, siginfo_t *info, void *context) {
  Block *block = Block::current();
  if (block && block->inFiber())
    block->memoryFault(info->si_addr); // does not return
  // Not a kernel's fault: what would have happened without the emulator.
  struct sigaction &previous = signal == SIGSEGV ? previousSegv : previousBus;
  if (previous.sa_flags & SA_SIGINFO) {
    previous.sa_sigaction(signal, info, context);
    return;
  }
  if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
    previous.sa_handler(signal);
    return;
  }
  // Returning re-executes the faulting instruction under the default action.
  struct sigaction fallback = {};
  fallback.sa_handler = SIG_DFL;
  sigaction(signal, &fallback, nullptr);
}

static void installHandler() {
  struct sigaction action = {};
  action.sa_sigaction = onFault;
  // SA_NODEFER: the handler leaves by switching to the block's scheduler,
  // never by returning, so the signal must not stay blocked afterwards.
  action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, &previousSegv);
  sigaction(SIGBUS, &action, &previousBus);
}

/// The alternate stack a fault handler runs on (the faulting fiber's stack
/// may be the one that overflowed).
static constexpr size_t kSignalStackBytes = 64 << 10;

FaultScope::FaultScope() : stack_(new char[kSignalStackBytes]) {
  static std::once_flag once;
  std::call_once(once, installHandler);
  stack_t stack = {};
  stack.ss_sp = stack_.get();
  stack.ss_size = kSignalStackBytes;
  installed_ = sigaltstack(&stack, &previous_) == 0;
}

FaultScope::~FaultScope() {
  if (installed_)
    sigaltstack(&previous_, nullptr);
}
