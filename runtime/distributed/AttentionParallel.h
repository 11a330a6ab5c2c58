//===- AttentionParallel.h - Softmax attention across ranks -----*- C++ -*-===//
//
// The pieces of sequence-parallel softmax attention that move and combine
// data; the attention itself runs as the compiled operator on each piece.
//
// - Ring attention (ringPass + mergeAttention): every rank's key/value block
//   travels once around the ring. At each step the next block's transfer is
//   posted (non-blocking) before the current block is computed on, so the
//   transfer overlaps the compute; partial outputs over disjoint key sets
//   merge by their log-sum-exps:
//
//     lse = log(exp(lse_a) + exp(lse_b)),
//     o   = exp(lse_a - lse) o_a + exp(lse_b - lse) o_b.
//
// - Ulysses (toHeads / toSequence): one all-to-all turns a slice of the
//   sequence with every head into the whole sequence with a share of the
//   heads, and one turns the output back.
//
// Element layouts follow recur.ops.flash_attn: activations [B, T, H, E],
// log-sum-exps [B, H, T].
//
//===----------------------------------------------------------------------===//

#ifndef RECUR_RUNTIME_DISTRIBUTED_ATTENTIONPARALLEL_H
#define RECUR_RUNTIME_DISTRIBUTED_ATTENTIONPARALLEL_H

#include "runtime/distributed/Communicator.h"

#include <functional>
#include <vector>

namespace recur {

/// Rows of a running attention result and a partial one over other keys:
/// out [B, T, H, Dv] with lse [B, H, T], partial [B, Tp, H, Dv] with
/// partialLse [B, H, Tp]; partial row i is row `rowOffset + i` of out. Rows
/// whose merged lse is -inf (no key seen by either) keep output 0. `Real` is
/// float or double: the merge runs in the log-sum-exps' own precision.
template <typename Real>
void mergeAttention(Real *out, Real *lse, const Real *partial,
                    const Real *partialLse, int64_t batch, int64_t rows,
                    int64_t heads, int64_t valueDim, int64_t rowOffset,
                    int64_t partialRows);

/// Passes each rank's block around the ring (rank r sends to r + 1): at step
/// s = 0 .. size - 1 it calls compute(s, source, data) on the block of rank
/// source = (rank - s) mod size (its own first), after posting the
/// transfers that bring the block of step s + 1. blockBytes[j] is rank j's
/// block size. `data` is valid during the call only. Sends
/// Σ_{j != rank + 1} blockBytes[j] bytes.
void ringPass(
    Communicator &comm, const void *own, const std::vector<size_t> &blockBytes,
    const std::function<void(int step, int source, const void *data)> &compute);

/// Ulysses' all-to-all from a slice of the sequence with every head,
/// [B, lengths[rank], H, rowBytes], to the whole sequence with heads
/// [rank H/R, (rank + 1) H/R), [B, Σ lengths, H/R, rowBytes] (rowBytes: the
/// bytes of one token of one head). Slices are padded to the longest, so
/// each rank sends (R - 1) B max(lengths) (H/R) rowBytes bytes.
std::vector<char> toHeads(Communicator &comm, const void *in, int64_t batch,
                          const std::vector<int64_t> &lengths, int64_t heads,
                          size_t rowBytes);

/// The inverse of toHeads: [B, Σ lengths, H/R, rowBytes] to this rank's
/// slice with every head, [B, lengths[rank], H, rowBytes]. The same bytes.
std::vector<char> toSequence(Communicator &comm, const void *in, int64_t batch,
                             const std::vector<int64_t> &lengths, int64_t heads,
                             size_t rowBytes);

} // namespace recur

#endif // RECUR_RUNTIME_DISTRIBUTED_ATTENTIONPARALLEL_H
