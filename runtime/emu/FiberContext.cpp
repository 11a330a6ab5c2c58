//===- FiberContext.cpp - Switching between emulated GPU threads ----------===//

#include "runtime/emu/FiberContext.h"

#include <cstdint>
#include <cstdlib>

using namespace recur::emu;

#if RECUR_EMU_ASM_SWITCH

/// FiberSwitchX86_64.S: pushes the callee-saved registers and the MXCSR and
/// x87 control words, stores the stack pointer in *save, and pops the same
/// from `next`.
extern "C" void recur_emu_switch_fiber(void **save, void *next);

void recur::emu::initFiberContext(FiberContext &context,
                                  const FiberStack &stack, void (*entry)()) {
  auto top = reinterpret_cast<uintptr_t>(stack.base + stack.size) & ~0xFull;
  auto *slot = reinterpret_cast<uint64_t *>(top);
  // From the top: a null return address for `entry` (it never returns, and
  // unwinders stop there), `entry` for the switch's ret, six callee-saved
  // registers, and the control words. After the ret, rsp is 8 mod 16, as
  // at any function entry.
  *--slot = 0;
  *--slot = reinterpret_cast<uint64_t>(entry);
  for (int i = 0; i < 6; ++i)
    *--slot = 0;
  // The default MXCSR (all exceptions masked, round to nearest, no
  // flush-to-zero) and x87 control word (extended precision, masked).
  *--slot = uint64_t(0x037F) << 32 | 0x1F80;
  context.stackPointer = slot;
}

void recur::emu::switchFiber(FiberContext &from, FiberContext &to) {
  recur_emu_switch_fiber(&from.stackPointer, to.stackPointer);
}

void recur::emu::jumpToFiber(FiberContext &to) {
  void *abandoned;
  recur_emu_switch_fiber(&abandoned, to.stackPointer);
  std::abort(); // nothing resumes an abandoned context
}

#else

void recur::emu::initFiberContext(FiberContext &context,
                                  const FiberStack &stack, void (*entry)()) {
  getcontext(&context.context);
  context.context.uc_stack.ss_sp = stack.base;
  context.context.uc_stack.ss_size = stack.size;
  context.context.uc_link = nullptr;
  makecontext(&context.context, entry, 0);
}

void recur::emu::switchFiber(FiberContext &from, FiberContext &to) {
  swapcontext(&from.context, &to.context);
}

void recur::emu::jumpToFiber(FiberContext &to) {
  setcontext(&to.context);
  std::abort(); // setcontext returns only when it fails
}

#endif
