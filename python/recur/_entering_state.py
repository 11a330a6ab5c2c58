"""What the state entering a slice adds to the slice's outputs.

A rank of ``SequenceParallel`` runs a linear recurrence on its slice from a
zero state; the state ``S_in`` that really enters the slice (from the carry)
then adds, at step t, the product of the step's query with ``S_in`` decayed
by the transitions since the slice's start. For the recurrences whose
transition is diagonal this is one matrix product per step, far cheaper than
running the operator a second time:

- a scalar per head and step (linear attention: 1; SSD: ``exp(A_h Σ Δ)``):
  ``add_scalar_decay``, one sgemm per sequence and head on the host;
- a vector per key (GLA: ``exp(Σ_{s≤t} g_s)``): ``add_key_decay``, a
  compiled kernel that scans the gates block by block (on the host its
  cumulative sum alone would cost as much as the operator).
"""

from __future__ import annotations

import numpy as np

import recur
import recur.language as rl


def add_scalar_decay(outputs, queries, incoming, decay=None, gate=None):
    """``outputs[b, t, h] += gate ⊙ decay[b, t, h] (queries[b, t, h] S_in[b, h])``
    for outputs ``[B, T, H, V]`` (float32, in place), queries ``[B, T, H, K]``,
    ``S_in`` ``[B, H, K, V]``, ``decay`` ``[B, T, H]`` and ``gate`` like the
    outputs (None: 1). One sgemm per sequence and head, written into the
    outputs' strided rows."""
    incoming = np.asarray(incoming, np.float32)
    for b in range(outputs.shape[0]):
        for h in range(outputs.shape[2]):
            added = queries[b, :, h, :] @ incoming[b, h]
            if decay is not None:
                added *= decay[b, :, h, None]
            if gate is not None:
                added *= gate[b, :, h, :]
            outputs[b, :, h, :] += added
    return outputs


@recur.jit
def _key_decay_kernel(
    o_ptr, q_ptr, g_ptr, s_ptr, T, H, K, V, scale,
    BK: rl.constexpr, BV: rl.constexpr, BT: rl.constexpr,
):  # fmt: skip
    # One program per (sequence, head): rows of [B, T, H, K] / [B, T, H, V].
    bh = rl.program_id(0)
    b = bh // H
    h = bh % H
    ks = rl.arange(0, BK)
    vs = rl.arange(0, BV)
    state = rl.load(
        s_ptr + bh * K * V + ks[:, None] * V + vs[None, :],
        mask=(ks[:, None] < K) & (vs[None, :] < V),
        other=0.0,
    )
    # Σ g over the blocks before this one, per key.
    carry = rl.zeros((BK,), dtype=rl.float32)
    for start in range(0, T, BT):
        ts = start + rl.arange(0, BT)
        row = (b * T + ts) * H + h
        keys = (ts[:, None] < T) & (ks[None, :] < K)
        g = rl.load(g_ptr + row[:, None] * K + ks[None, :], mask=keys, other=0.0)
        q = rl.load(q_ptr + row[:, None] * K + ks[None, :], mask=keys, other=0.0)
        decayed = q * rl.exp(rl.cumsum(g, axis=0) + carry[None, :]) * scale
        values = (ts[:, None] < T) & (vs[None, :] < V)
        o_ptrs = o_ptr + row[:, None] * V + vs[None, :]
        o = rl.load(o_ptrs, mask=values, other=0.0)
        rl.store(o_ptrs, o + rl.dot(decayed, state), mask=values)
        carry = carry + rl.sum(g, axis=0)


def add_key_decay(outputs, queries, log_decay, incoming, scale):
    """``outputs[b, t, h] += scale (q ⊙ exp(Σ_{s≤t} g_s)) S_in[b, h]`` for
    outputs ``[B, T, H, V]`` (float32, contiguous, in place), queries and
    log-decays ``g`` ``[B, T, H, K]``, ``S_in`` ``[B, H, K, V]``. The
    cumulative sums are float32, as in the operator's own chunks."""
    B, T, H, K = queries.shape
    V = outputs.shape[-1]
    _key_decay_kernel[(B * H,)](
        outputs,
        np.ascontiguousarray(queries, np.float32),
        np.ascontiguousarray(log_decay, np.float32),
        np.ascontiguousarray(incoming, np.float32),
        T, H, K, V, float(scale),
        BK=recur.next_power_of_2(K), BV=recur.next_power_of_2(V), BT=64,
    )  # fmt: skip
    return outputs
