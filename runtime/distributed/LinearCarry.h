//===- LinearCarry.h - States of linear recurrences across ranks -*- C++
//-*-===//
//
// Each rank holds a contiguous slice of the sequence and has reduced it to a
// summary: the state its slice adds, S_r ([N, H, K, V] float32, starting from
// zero), and its transition, the per-key decay D_r ([N, H, K], the product of
// the slice's gates; identity for linear attention) or a [K, K] matrix M_r
// (the delta rules). The state entering rank r is then
//
//   S_in(r) = fold(S_init, summaries of ranks 0 .. r-1),
//   fold(S, (S_j, D_j)) = diag(D_j) S + S_j   (or M_j S + S_j),
//
// and the sequence's final state is the fold over all ranks. Packed
// sequences (varlen) carry one sequence, the one open at each slice's end:
// a rank whose open sequence starts inside its slice resets the fold,
// fold(S, (S_j, ·)) = S_j (S_j then holds that sequence's own initial
// state), so the prefix fold stops at sequence starts, and a rank receives
// the entering state only when its first sequence began before its slice.
// Strategies:
//
// - "allgather" (LASP-2): one all-gather of every summary, then each rank
//   folds its prefix locally. Sends (size - 1) * (|S| + |D|) bytes per rank,
//   |D| = N H K K floats for a matrix transition.
// - "allscan" (ZeCO-style): the state passes once along the ranks, split
//   into blocks (of rows for a decay, of value columns for a matrix, which
//   couples rows but not columns), so consecutive ranks work on different
//   blocks at once. Bytes as "ring".
// - "ring": the plain sequential pass; rank r receives S_in(r) from r - 1,
//   sends S_in(r + 1) to r + 1, and the last rank sends the final state to
//   every other rank. Sends |S| bytes per rank, plus (size - 1) |S| on the
//   last rank. With resets, a rank whose next rank does not continue its
//   sequence sends nothing, and a resetting rank sends before it receives.
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_DISTRIBUTED_LINEARCARRY_H
#define RECUR_RUNTIME_DISTRIBUTED_LINEARCARRY_H

#include "runtime/distributed/Communicator.h"

#include <string>
#include <vector>

namespace recur {

/// "allscan" splits the state into this many blocks (fewer when it has fewer
/// rows, or value columns, than this).
inline constexpr int64_t kLinearScanBlocks = 8;

struct LinearSummary {
  int64_t sequences = 0, heads = 0, keyDim = 0, valueDim = 0;
  /// The slice's state contribution, [N, H, K, V].
  const float *state = nullptr;
  /// The slice's per-key decay, [N, H, K]; null for the identity.
  const float *decay = nullptr;
  /// The slice's transition as a matrix, [N, H, K, K] (the delta rules:
  /// S_out = M S_in + S_r); null unless the transition is not diagonal.
  /// Excludes `decay`.
  const float *matrix = nullptr;
  /// The sequence's initial state, [N, H, K, V]; null for zero.
  const float *initial = nullptr;
  /// Packed sequences: per rank (the same flags on every rank), whether its
  /// summary starts a sequence, so the fold resets there; null for none.
  const uint8_t *resets = nullptr;
  /// Per rank, whether it needs the state entering its slice; "ring" and
  /// "allscan" send only to those. Null: every rank.
  const uint8_t *receives = nullptr;
  /// Whether to fold and share the final state (packed sequences gather
  /// each sequence's final state instead).
  bool final = true;
};

struct LinearCarry {
  std::vector<float> incoming, final;
};

/// The carry by `strategy` ("allgather", "allscan" or "ring"). Every rank must
/// pass summaries of the same sizes and agree on decay/initial presence and
/// the resets/receives flags. `final` is left empty unless summary.final.
LinearCarry carryLinearState(Communicator &comm, const LinearSummary &summary,
                             const std::string &strategy);

/// The halo of a slice: this rank's `bytes` bytes of `data` to rank + 1,
/// rank - 1's into `out` (untouched on rank 0); both transfers in flight at
/// once. Sends `bytes` on every rank but the last.
void shiftToNext(Communicator &comm, const void *data, void *out, size_t bytes);

} // namespace recur

#endif // RECUR_RUNTIME_DISTRIBUTED_LINEARCARRY_H
