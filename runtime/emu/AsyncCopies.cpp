//===- AsyncCopies.cpp - cp.async, its commit and its wait ----------------===//

#include "runtime/emu/AsyncCopies.h"
#include "runtime/emu/Block.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

#include <cstring>
#include <string>

using namespace recur::emu;

void AsyncCopies::commit() {
  groups_.push_back(std::move(open_));
  open_.clear();
}

void AsyncCopies::wait(size_t pending) {
  while (groups_.size() > pending) {
    for (const Copy &copy : groups_.front()) {
      std::memcpy(copy.dst, copy.src, copy.srcSize);
      std::memset(copy.dst + copy.srcSize, 0, copy.size - copy.srcSize);
    }
    groups_.pop_front();
  }
}

extern "C" void __recur_emu_cp_async(void *dst, const void *src, int32_t size,
                                     int32_t src_size) {
  Block &b = Block::running(__func__);
  if ((size != 4 && size != 8 && size != 16) || src_size < 0 || src_size > size)
    b.fail(RECUR_ERROR_LAUNCH,
           b.where() + ": cp.async of " + std::to_string(size) +
               " bytes with a source size of " + std::to_string(src_size) +
               "; it copies 4, 8 or 16 bytes, at most all from the source");
  auto misaligned = [&](const void *p) {
    return reinterpret_cast<uintptr_t>(p) % static_cast<uintptr_t>(size);
  };
  if (misaligned(dst) || (src_size > 0 && misaligned(src)))
    b.fail(RECUR_ERROR_LAUNCH, b.where() + ": cp.async of " +
                                   std::to_string(size) +
                                   " bytes from or to an address not "
                                   "aligned to its size");
  b.asyncCopies().start(dst, src, static_cast<uint32_t>(size),
                        static_cast<uint32_t>(src_size));
}

extern "C" void __recur_emu_cp_async_commit_group(void) {
  Block::running(__func__).asyncCopies().commit();
}

extern "C" void __recur_emu_cp_async_wait_group(int32_t pending) {
  Block &b = Block::running(__func__);
  if (pending < 0)
    b.fail(RECUR_ERROR_LAUNCH,
           b.where() + ": cp.async.wait_group " + std::to_string(pending));
  b.asyncCopies().wait(static_cast<size_t>(pending));
}
