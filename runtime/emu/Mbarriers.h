//===- Mbarriers.h - A block's mbarriers and their bulk copies ---*- C++
//-*-===//
//
// An mbarrier (sm_90) counts, for its current phase, the threads still to
// arrive and the bytes announced (`expect_tx`) by the bulk copies
// (`cp.async.bulk`) that signal it; the phase completes when every thread
// has arrived and every announced byte has landed. The emulator keeps each
// mbarrier's state beside the block, keyed by its address, and queues the
// bulk copies on it: they land when the last thread arrives, so a thread
// that reads a slot before waiting for the phase reads the slot's old
// bytes, as it could on the GPU. Bytes announced and bytes copied must then
// agree; where they do not, the GPU would hang or complete the phase early,
// and the emulator ends the launch saying so.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_EMU_MBARRIERS_H
#define RECUR_RUNTIME_EMU_MBARRIERS_H

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace recur::emu {

class Block;

class Mbarriers {
public:
  void init(Block &block, void *mbarrier, int32_t count);
  void arrive(Block &block, void *mbarrier);
  void expectTx(Block &block, void *mbarrier, int32_t bytes);
  /// Queues `size` bytes from global `src` to shared `dst` on `mbarrier`.
  void copy(Block &block, void *dst, const void *src, int32_t size,
            void *mbarrier);
  /// Returns once the phase of parity `parity` has completed; the running
  /// thread sleeps until then.
  void waitParity(Block &block, void *mbarrier, int32_t parity);
  /// Forgets every mbarrier (a new block).
  void clear() { states_.clear(); }

private:
  struct Copy {
    char *dst;
    const char *src;
    uint32_t size;
  };
  struct State {
    uint32_t count = 0, pending = 0;
    uint64_t completedPhases = 0;
    int64_t announced = 0, copied = 0;
    std::vector<Copy> copies;
    std::vector<unsigned> waiters;
  };
  State &lookup(Block &block, void *mbarrier, const char *what);
  void complete(Block &block, void *mbarrier, State &state);

  std::unordered_map<const void *, State> states_;
};

} // namespace recur::emu

#endif // RECUR_RUNTIME_EMU_MBARRIERS_H
