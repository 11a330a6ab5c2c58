"""What the state entering a slice adds to the slice's outputs.

A rank of ``SequenceParallel`` runs a linear recurrence on its slice from a
zero state; the state ``S_in`` that really enters the slice (from the carry)
then adds, at step t, the product of the step's query with ``S_in`` carried
through the transitions since the slice's start. That product is far cheaper
than running the operator a second time:

- a scalar per head and step (linear attention: 1; SSD: ``exp(A_h Σ Δ)``):
  ``add_scalar_decay``, one sgemm per sequence and head on the host;
- a vector per key (GLA: ``exp(Σ_{s≤t} g_s)``): ``add_key_decay``, a
  compiled kernel that scans the gates block by block (on the host its
  cumulative sum alone would cost as much as the operator);
- a ``K x K`` matrix per step (the delta rules: ``Π_{s≤t} α_s (I − β_s
  k_s k_sᵀ)``): the operator itself finds ``scale q_tᵀ Π_{s≤t}(…)`` as ``K``
  more value columns, zero values from the state ``I`` (the recurrence
  treats the state's columns independently), so the product is again one
  sgemm per sequence and head (``SlicePass``).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

import recur
import recur.language as rl

from . import ops
from .ops._arrays import _on_gpu_device

_MATRIX_TRANSITIONS = ("delta_rule", "gated_delta_rule")


def add_scalar_decay(outputs, queries, incoming, decay=None, gate=None):
    """``outputs[b, t, h] += gate ⊙ decay[b, t, h] (queries[b, t, h] S_in[b, h])``
    for outputs ``[B, T, H, V]`` (in place, in their dtype), queries
    ``[B, T, H, K]``, ``S_in`` ``[B, H, K, V]``, ``decay`` ``[B, T, H]`` and
    ``gate`` like the outputs (None: 1). One matrix product per sequence and
    head, written into the outputs' strided rows."""
    incoming = np.asarray(incoming, outputs.dtype)
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
    outputs ``[B, T, H, V]`` (contiguous, in place), queries and log-decays
    ``g`` ``[B, T, H, K]``, ``S_in`` ``[B, H, K, V]``. Float32 outputs take
    the compiled kernel, whose cumulative sums are float32 as in the
    operator's own chunks; float64 ones are summed in float64 on the host."""
    if outputs.dtype == np.float64:
        decayed = queries * np.exp(np.cumsum(log_decay, axis=1)) * scale
        return add_scalar_decay(outputs, decayed, incoming)
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


class SlicePass:
    """A linear recurrence (``recur.ops.<name>``, no ``cu_seqlens``) on whole
    sequences of a slice: its summary, from a zero state, and its outputs
    from the state entering the slice.

    The summary: ``contribution``, the float32 state ``[N, H, K, V]`` the
    slice reaches from zero, and its transition ``S_out = T(S_in) +
    contribution``: ``decay`` (``[N, H, K]``, GLA) or ``matrix`` (``[N, H,
    K, K]``, the delta rules), both None for linear attention's identity.

    float32 and float64 inputs run the operator once, and ``outputs`` adds
    the entering state's share to that pass's outputs. float16 and bfloat16
    outputs are rounded already, so those run it from zero for the summary
    and again from the entering state, except for the delta rules on the
    CPU: there the one pass in float32 (upcast inputs; the operator computes
    in float32 anyway, so the outputs are rounded once, as on one device)
    replaces three. For linear attention and GLA the upcast costs about
    what the second pass does (docs/distributed.md), and on a GPU it would
    give up the tensor-core dots.

    ``first``: the slice starts the sequence, so the state entering it is
    known, ``initial_state`` (None: zero). It runs once from that state, in
    any dtype; its ``contribution`` is then its final state, which already
    holds the initial state (the carry must start from zero), and its
    transition, which multiplies that zero, is sent as zeros.
    """

    def __init__(self, name, q, k, v, gates, scale, first=False, initial_state=None, **kw):
        self._name, self._arrays, self._scale, self._kw = name, (q, k, v, *gates), scale, kw
        self._dtype = q.dtype
        self._first, self._initial = first, initial_state
        self._one_pass = first or q.dtype in (np.float32, np.float64)
        if not self._one_pass and name in _MATRIX_TRANSITIONS and not _on_gpu_device():
            self._arrays = tuple(
                a if a.dtype in (np.float32, np.float64) else a.astype(np.float32)
                for a in self._arrays
            )
            self._one_pass = True

    def _run(self, *arrays, **kw):
        return getattr(ops, self._name)(
            *arrays, scale=self._scale, output_final_state=True, **self._kw, **kw
        )

    @cached_property
    def _zero_state_pass(self):
        """(outputs from zero, the queries' share factors or None, summary)."""
        q, k, v, *gates = self._arrays
        K = q.shape[-1]
        B, _, H, V = v.shape
        identity = np.eye(K, dtype=np.float32)
        if self._first:
            o, final = self._run(q, k, v, *gates, initial_state=self._initial)
            decay = np.zeros((B, H, K), np.float32) if self._name == "gla" else None
            matrix = None
            if self._name in _MATRIX_TRANSITIONS:
                matrix = np.zeros((B, H, K, K), np.float32)
            return o, None, (final, decay, matrix)
        if self._name in _MATRIX_TRANSITIONS and self._one_pass:
            # [0 | v] from [I | 0]: the first K columns follow the products
            # of the transitions, their outputs are scale q_tᵀ Π(…).
            values = np.zeros((B, v.shape[1], H, K + V), v.dtype)
            values[..., K:] = v
            start = np.zeros((B, H, K, K + V), np.float32)
            start[..., :K] = identity
            o, final = self._run(q, k, values, *gates, initial_state=start)
            summary = np.ascontiguousarray(final[..., K:]), None, final[..., :K]
            return np.ascontiguousarray(o[..., K:]), o[..., :K], summary
        o, contribution = self._run(q, k, v, *gates)
        decay = matrix = None
        if self._name == "gla":
            decay = np.exp(gates[0].astype(np.float64).sum(axis=1)).astype(np.float32)
        elif self._name in _MATRIX_TRANSITIONS:  # the state reached from I with no values
            start = np.ascontiguousarray(np.broadcast_to(identity, (B, H, K, K)))
            _, matrix = self._run(q, k, np.zeros_like(k), *gates, initial_state=start)
        return o, None, (contribution, decay, matrix)

    @property
    def contribution(self):
        return self._zero_state_pass[2][0]

    @property
    def decay(self):
        return self._zero_state_pass[2][1]

    @property
    def matrix(self):
        return self._zero_state_pass[2][2]

    def outputs(self, incoming):
        """(outputs in the inputs' dtype, final state) of the slice from the
        state ``incoming`` (``[N, H, K, V]`` float32). Called once: it adds
        to the pass's outputs in place."""
        if not self._one_pass:
            return self._run(*self._arrays, initial_state=incoming)
        q, _, _, *gates = self._arrays
        o, shares, (contribution, decay, matrix) = self._zero_state_pass
        if self._first or not incoming.any():
            return o.astype(self._dtype, copy=False), contribution
        scale = q.shape[-1] ** -0.5 if self._scale is None else self._scale
        if shares is not None:
            add_scalar_decay(o, shares, incoming)
            final = matrix @ incoming + contribution
        elif decay is not None:
            add_key_decay(o, q, gates[0], incoming, scale)
            final = decay[..., None] * incoming + contribution
        else:
            add_scalar_decay(o, q * q.dtype.type(scale), incoming)
            final = incoming + contribution
        return o.astype(self._dtype, copy=False), final
