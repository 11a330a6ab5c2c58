//===- FiberContext.h - Switching between emulated GPU threads --*- C++ -*-===//
//
// A fiber switch happens at every barrier and warp collective of every
// emulated thread, so its cost bounds the emulator's speed. ucontext's
// swapcontext saves and restores the signal mask with a system call on each
// switch (about 0.3 us); on x86-64 a dozen instructions in
// FiberSwitchX86_64.S save the callee-saved registers and the floating-point
// control words instead, which is all a switch at a function call must
// keep. Other targets, and builds with RECUR_EMU_PORTABLE_SWITCH, use
// ucontext.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_EMU_FIBERCONTEXT_H
#define RECUR_RUNTIME_EMU_FIBERCONTEXT_H

#include "runtime/emu/FiberStack.h"

#if defined(__x86_64__) && !defined(RECUR_EMU_PORTABLE_SWITCH)
#define RECUR_EMU_ASM_SWITCH 1
#else
#define RECUR_EMU_ASM_SWITCH 0
#include <ucontext.h>
#endif

namespace recur::emu {

/// Where a suspended fiber, or the scheduler, resumes.
struct FiberContext {
#if RECUR_EMU_ASM_SWITCH
  void *stackPointer = nullptr;
#else
  ucontext_t context;
#endif
};

/// Prepares `context` to run `entry` on `stack` when first switched to.
/// `entry` must never return.
void initFiberContext(FiberContext &context, const FiberStack &stack,
                      void (*entry)());

/// Saves the running context in `from` and resumes `to`.
void switchFiber(FiberContext &from, FiberContext &to);

/// Resumes `to`, abandoning the running context.
[[noreturn]] void jumpToFiber(FiberContext &to);

} // namespace recur::emu

#endif // RECUR_RUNTIME_EMU_FIBERCONTEXT_H
