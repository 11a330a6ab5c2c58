//===- WarpIntrinsics.cpp - Shuffles, votes and warp sync -----------------===//
//
// Each is a warp collective: a lane leaves its operands in a record on its
// own stack and waits; the last lane to arrive computes every lane's result
// from all the records at once, which is what makes a shuffle read the
// values its source lanes held at the same instruction.
//
//===----------------------------------------------------------------------===//

#include "runtime/emu/Block.h"
#include "runtime/emu/RecurEmuIntrinsics.h"

using namespace recur::emu;

namespace {
enum class ShflMode { Idx, Up, Down, Bfly };

struct ShflLane {
  uint32_t value, b, c;
  uint32_t result;
  int32_t valid;
};
} // namespace

/// The source lane of each lane as the PTX ISA defines shfl.sync: lanes are
/// split into segments by the segment mask, and a source outside
/// [minLane, maxLane] is invalid, so the lane keeps its own value. On 64-lane
/// wavefronts the same rule runs on 6-bit lane numbers.
template <ShflMode Mode>
static void completeShfl(Block &block, const WarpView &warp) {
  int laneMask = static_cast<int>(warp.size) - 1;
  for (unsigned lane = 0; lane < warp.size; ++lane) {
    auto *self = static_cast<ShflLane *>(warp.lanes[lane]);
    if (!self)
      continue;
    int b = static_cast<int>(self->b) & laneMask;
    int clamp = static_cast<int>(self->c) & laneMask;
    int segmask = static_cast<int>(self->c >> 8) & laneMask;
    int l = static_cast<int>(lane);
    int maxLane = (l & segmask) | (clamp & ~segmask);
    int minLane = l & segmask;
    int j = 0;
    bool valid = false;
    switch (Mode) {
    case ShflMode::Up:
      j = l - b;
      valid = j >= maxLane;
      break;
    case ShflMode::Down:
      j = l + b;
      valid = j <= maxLane;
      break;
    case ShflMode::Bfly:
      j = l ^ b;
      valid = j <= maxLane;
      break;
    case ShflMode::Idx:
      j = minLane | (b & ~segmask);
      valid = j <= maxLane;
      break;
    }
    if (!valid)
      j = l;
    auto *source = static_cast<ShflLane *>(warp.lanes[j]);
    if (!source)
      block.fail(RECUR_ERROR_LAUNCH,
                 block.where(warp.warp * warp.size + lane) +
                     ": shuffles from lane " + std::to_string(j) +
                     ", which has exited or is not in the block");
    self->result = source->value;
    self->valid = valid;
  }
}

static const CollectiveOp shflIdx{"shfl.sync.idx", completeShfl<ShflMode::Idx>};
static const CollectiveOp shflUp{"shfl.sync.up", completeShfl<ShflMode::Up>};
static const CollectiveOp shflDown{"shfl.sync.down",
                                   completeShfl<ShflMode::Down>};
static const CollectiveOp shflBfly{"shfl.sync.bfly",
                                   completeShfl<ShflMode::Bfly>};

static uint32_t shuffle(const CollectiveOp &op, uint32_t value, uint32_t b,
                        uint32_t c, int32_t *valid, const char *intrinsic) {
  ShflLane lane{value, b, c, 0, 0};
  Block::running(intrinsic).collective(op, c, &lane);
  if (valid)
    *valid = lane.valid;
  return lane.result;
}

extern "C" uint32_t __recur_emu_shfl_idx(uint32_t value, uint32_t b, uint32_t c,
                                         int32_t *valid) {
  return shuffle(shflIdx, value, b, c, valid, __func__);
}

extern "C" uint32_t __recur_emu_shfl_up(uint32_t value, uint32_t b, uint32_t c,
                                        int32_t *valid) {
  return shuffle(shflUp, value, b, c, valid, __func__);
}

extern "C" uint32_t __recur_emu_shfl_down(uint32_t value, uint32_t b,
                                          uint32_t c, int32_t *valid) {
  return shuffle(shflDown, value, b, c, valid, __func__);
}

extern "C" uint32_t __recur_emu_shfl_xor(uint32_t value, uint32_t b, uint32_t c,
                                         int32_t *valid) {
  return shuffle(shflBfly, value, b, c, valid, __func__);
}

static void completeBpermute(Block &block, const WarpView &warp) {
  for (unsigned lane = 0; lane < warp.size; ++lane) {
    auto *self = static_cast<ShflLane *>(warp.lanes[lane]);
    if (!self)
      continue;
    unsigned j = (self->b >> 2) & (warp.size - 1);
    auto *source = static_cast<ShflLane *>(warp.lanes[j]);
    if (!source)
      block.fail(RECUR_ERROR_LAUNCH,
                 block.where(warp.warp * warp.size + lane) +
                     ": ds_bpermute reads lane " + std::to_string(j) +
                     ", which has exited or is not in the block");
    self->result = source->value;
  }
}

static const CollectiveOp bpermute{"ds_bpermute_b32", completeBpermute};

extern "C" uint32_t __recur_emu_ds_bpermute(int32_t byte_address,
                                            uint32_t value) {
  ShflLane lane{value, static_cast<uint32_t>(byte_address), 0, 0, 0};
  Block::running(__func__).collective(bpermute, 0, &lane);
  return lane.result;
}

namespace {
struct VoteLane {
  int32_t predicate;
  uint64_t ballot, participants;
};
} // namespace

static void completeVote(Block &, const WarpView &warp) {
  uint64_t ballot = 0, participants = 0;
  for (unsigned lane = 0; lane < warp.size; ++lane)
    if (auto *self = static_cast<VoteLane *>(warp.lanes[lane])) {
      ballot |= uint64_t(self->predicate != 0) << lane;
      participants |= uint64_t(1) << lane;
    }
  for (unsigned lane = 0; lane < warp.size; ++lane)
    if (auto *self = static_cast<VoteLane *>(warp.lanes[lane])) {
      self->ballot = ballot;
      self->participants = participants;
    }
}

// Three ops, not one: lanes that reach vote.any and vote.all at once are a
// mismatch even though both compute the ballot.
static const CollectiveOp voteAny{"vote.sync.any", completeVote};
static const CollectiveOp voteAll{"vote.sync.all", completeVote};
static const CollectiveOp voteBallot{"vote.sync.ballot", completeVote};

static VoteLane vote(const CollectiveOp &op, int32_t predicate,
                     const char *intrinsic) {
  VoteLane lane{predicate, 0, 0};
  Block::running(intrinsic).collective(op, 0, &lane);
  return lane;
}

extern "C" int32_t __recur_emu_vote_any(int32_t predicate) {
  return vote(voteAny, predicate, __func__).ballot != 0;
}

extern "C" int32_t __recur_emu_vote_all(int32_t predicate) {
  VoteLane lane = vote(voteAll, predicate, __func__);
  return lane.ballot == lane.participants;
}

extern "C" uint64_t __recur_emu_vote_ballot(int32_t predicate) {
  return vote(voteBallot, predicate, __func__).ballot;
}

static void completeSync(Block &, const WarpView &) {}
static const CollectiveOp warpSync{"bar.warp.sync", completeSync};

extern "C" void __recur_emu_warp_sync(void) {
  int record = 0; // a lane's record must not be null
  Block::running(__func__).collective(warpSync, 0, &record);
}
