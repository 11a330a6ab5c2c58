//===- FiberStack.h - Guarded stacks for emulated GPU threads ---*- C++ -*-===//
//
// Every emulated thread runs on its own stack: an mmap'd region whose lowest
// 64 KiB are PROT_NONE, so a kernel that overflows its stack faults at once
// instead of corrupting a neighbour's frames. Mapping 1024 stacks per block
// would dominate small launches, so stacks are cached process-wide and a
// worker keeps the ones it took for every block it runs in a launch.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_EMU_FIBERSTACK_H
#define RECUR_RUNTIME_EMU_FIBERSTACK_H

#include <cstddef>

namespace recur::emu {

/// PROT_NONE bytes below every stack: more than a page, so that a frame
/// with a large local array still lands in them rather than skipping over
/// one page into a neighbouring stack.
constexpr size_t kStackGuardBytes = 64 << 10;

struct FiberStack {
  /// The usable region [base, base + size), above the guard page.
  char *base = nullptr;
  size_t size = 0;
};

/// Takes a cached stack of `size` usable bytes (a multiple of the page size)
/// or maps a new one; returns a null base when mmap fails.
FiberStack acquireStack(size_t size);

/// Returns a stack to the cache.
void releaseStack(FiberStack stack);

/// Stacks mapped now (in use or cached).
size_t mappedStacks();

/// Unmaps every cached stack.
void unmapCachedStacks();

/// Rounds `bytes` up to whole pages, at least 16 KiB.
size_t roundStackSize(size_t bytes);

} // namespace recur::emu

#endif // RECUR_RUNTIME_EMU_FIBERSTACK_H
