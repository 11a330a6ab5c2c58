//===- AsyncCopies.h - One emulated thread's cp.async groups ----*- C++ -*-===//
//
// cp.async copies complete, in the order their groups were committed, only
// when a wait asks for them: the emulator keeps each thread's copies queued
// until then, so a kernel that reads a slot before waiting for it reads the
// slot's old bytes, a bug the GPU would show only sometimes.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_EMU_ASYNCCOPIES_H
#define RECUR_RUNTIME_EMU_ASYNCCOPIES_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace recur::emu {

class AsyncCopies {
public:
  /// Queues a copy of `size` bytes to `dst`: `srcSize` of them from `src`,
  /// the rest zeros.
  void start(void *dst, const void *src, uint32_t size, uint32_t srcSize) {
    open_.push_back({static_cast<char *>(dst), static_cast<const char *>(src),
                     size, srcSize});
  }
  /// The copies started since the last commit become a group.
  void commit();
  /// Completes the oldest groups until at most `pending` are left.
  void wait(size_t pending);
  /// Forgets every copy (a new block).
  void clear() {
    open_.clear();
    groups_.clear();
  }

private:
  struct Copy {
    char *dst;
    const char *src;
    uint32_t size, srcSize;
  };
  std::vector<Copy> open_;
  std::deque<std::vector<Copy>> groups_;
};

} // namespace recur::emu

#endif // RECUR_RUNTIME_EMU_ASYNCCOPIES_H
