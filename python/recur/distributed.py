"""Sequence parallelism: one long sequence split across ranks.

``SequenceParallel(comm=None, strategy="auto", backend="mpi")`` wraps an
mpi4py communicator (``COMM_WORLD`` by default, or a sub-communicator). Each
rank holds a contiguous slice of the sequence (``shard``/``unshard``) and
calls the operator methods with its slice; they return this rank's slice of
the output, and the final state on every rank when asked.

The linear recurrences (``linear_attn``, ``gla``, ``ssd``, ``selective_scan``;
the delta rules with one more pass) run in two compiled passes
per rank around one carry step:

1. the operator on the slice from a zero state gives the slice's state
   contribution ``S_r``; GLA's slice transition is ``D_r = exp(Σ_t g_t)``
   per key;
2. the carry (``runtime/distributed/LinearCarry.h``, over the communicator)
   gives the state entering the slice and the final state: ``"allgather"``
   (LASP-2: one all-gather of ``(S_r, D_r)``, each rank folds its prefix) or
   ``"ring"`` (the sequential pass);
3. the operator on the slice from the entering state gives the outputs.

Softmax attention (``flash_attn``) runs by ``"ring"``, ``"zigzag_ring"``,
``"ulysses"`` or ``"hybrid"`` (``recur/_attention_parallel.py``).

See docs/distributed.md for the bytes each strategy sends.
"""

from __future__ import annotations

import os

import numpy as np

from . import _attention_parallel as attention
from . import ops
from .runtime.launch import as_array

_LINEAR_STRATEGIES = ("allgather", "allscan", "ring")

# The cost model's transport: per-message latency and per-byte time (MPI over
# shared memory on one machine; both only rank the strategies).
_LATENCY_S = 5e-6
_SECONDS_PER_BYTE = 1.0 / 5e9


def choose_linear_strategy(ranks: int, state_bytes: int, transition_bytes: int) -> dict:
    """The cost model behind ``strategy="auto"`` for the linear recurrences.

    Both strategies do the same compute per rank (the compiled passes), so
    they differ in the carry's critical path:
    ``allgather``: one collective of ``(R-1)(s+d)`` bytes per rank, about
    ``log2 R`` latencies; ``ring``: ``R-1`` dependent hops of ``s`` bytes,
    then the last rank sends the final state to ``R-1`` ranks.
    """
    if ranks <= 1:
        return {"choice": "allgather", "allgather_s": 0.0, "ring_s": 0.0}
    s, d = state_bytes, transition_bytes
    allgather = (ranks - 1).bit_length() * _LATENCY_S + (ranks - 1) * (s + d) * _SECONDS_PER_BYTE
    ring = 2 * (ranks - 1) * (_LATENCY_S + s * _SECONDS_PER_BYTE)
    return {
        "choice": "allgather" if allgather <= ring else "ring",
        "allgather_s": allgather,
        "ring_s": ring,
    }


def _step_sizes(dt, bias, softplus):
    """The operators' step sizes in float64: ``dt + bias``, through softplus
    when asked (``bias`` broadcasts against ``dt``)."""
    delta = np.asarray(dt, np.float64)
    if bias is not None:
        delta = delta + np.asarray(bias, np.float64)
    return np.logaddexp(0.0, delta) if softplus else delta


class SequenceParallel:
    """``strategy``: ``"auto"``, a linear-recurrence carry (``"allgather"``,
    ``"allscan"``, ``"ring"``) or a softmax-attention strategy (``"ring"``,
    ``"zigzag_ring"``, ``"ulysses"``, ``"hybrid"``). ``shard``/``unshard`` lay
    the sequence out as the strategy needs (zigzag for ``"zigzag_ring"``,
    contiguous otherwise). ``ulysses_size``: hybrid's Ulysses group size
    (default ``recur._attention_parallel.default_ulysses_size``)."""

    def __init__(self, comm=None, strategy="auto", backend="mpi", ulysses_size=None):
        if backend != "mpi":
            raise ValueError(
                f"SequenceParallel: backend {backend!r} is not available (backends: 'mpi')"
            )
        from mpi4py import MPI

        from . import _distributed

        self.comm = MPI.COMM_WORLD if comm is None else comm
        self._transport = _distributed.MpiCommunicator(MPI._handleof(self.comm))
        self._distributed = _distributed
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        known = ("auto",) + _LINEAR_STRATEGIES + attention.STRATEGIES[1:]
        if strategy not in known:
            raise ValueError(
                f"SequenceParallel: unknown strategy {strategy!r} ({', '.join(known)})"
            )
        if ulysses_size is not None and (int(ulysses_size) < 1 or self.size % int(ulysses_size)):
            raise ValueError(
                f"SequenceParallel: ulysses_size {ulysses_size} must divide the {self.size} ranks"
            )
        self.strategy = strategy
        self.ulysses_size = None if ulysses_size is None else int(ulysses_size)
        self._hybrid = {}  # Ulysses group size -> (group, ring) transports

    # ------------------------------------------------------------------
    # Layout
    # ------------------------------------------------------------------

    def _positions(self, length: int, rank: int):
        """The positions of the full sequence rank ``rank`` holds: contiguous,
        or chunks ``rank`` and ``2R - 1 - rank`` of ``2R`` under zigzag."""
        if self.strategy == "zigzag_ring":
            chunks = attention.zigzag_chunks(length, self.size, rank)
            return np.concatenate([np.arange(start, end) for start, end in chunks])
        base, extra = divmod(length, self.size)
        start = rank * base + min(rank, extra)
        return np.arange(start, start + base + (rank < extra))

    def shard(self, x, axis=1):
        """This rank's part of a full sequence along ``axis``, in the strategy's
        layout (zigzag for ``"zigzag_ring"``, contiguous otherwise)."""
        x = as_array(x, "x")
        return np.ascontiguousarray(
            np.take(x, self._positions(x.shape[axis], self.rank), axis=axis)
        )

    def unshard(self, local, axis=1):
        """The full sequence from every rank's part (on every rank)."""
        parts = self.comm.allgather(np.asarray(local))
        whole = np.concatenate(parts, axis=axis)
        if self.strategy != "zigzag_ring":
            return whole
        length = whole.shape[axis]
        order = np.concatenate([self._positions(length, r) for r in range(self.size)])
        return np.take(whole, np.argsort(order), axis=axis)

    def _transports(self):
        yield self._transport
        for pair in self._hybrid.values():
            yield from pair

    @property
    def bytes_sent(self) -> int:
        """Payload bytes this rank sent through the carry steps so far."""
        return sum(t.bytes_sent for t in self._transports())

    def reset_counters(self):
        for t in self._transports():
            t.reset_counters()

    def _hybrid_transports(self, u: int):
        """(the Ulysses group's, the ring's) transports for groups of ``u``
        consecutive ranks: the ring joins the ranks at the same place in their
        groups."""
        if u not in self._hybrid:
            from mpi4py import MPI

            group = self.comm.Split(self.rank // u, self.rank)
            ring = self.comm.Split(self.rank % u, self.rank)
            self._hybrid[u] = tuple(
                self._distributed.MpiCommunicator(MPI._handleof(c)) for c in (group, ring)
            )
            # The transports hold duplicates; these are no longer needed.
            group.Free()
            ring.Free()
        return self._hybrid[u]

    # ------------------------------------------------------------------
    # Operators
    # ------------------------------------------------------------------

    def _strategy(self, name, state_bytes, transition_bytes):
        """The strategy to use: the given one, or the cost model's choice."""
        if self.strategy in attention.STRATEGIES[1:]:
            raise ValueError(
                f"SequenceParallel.{name}: strategy {self.strategy!r} is for softmax "
                f"attention; the linear recurrences take {', '.join(_LINEAR_STRATEGIES)}"
            )
        if self.strategy != "auto":
            return self.strategy
        model = choose_linear_strategy(self.size, state_bytes, transition_bytes)
        if self.rank == 0 and os.environ.get("RECUR_LOG", "0") not in ("", "0"):
            print(
                f"recur.distributed: {name} on {self.size} ranks: {model['choice']} "
                f"(model: allgather {model['allgather_s'] * 1e6:.1f} us, ring "
                f"{model['ring_s'] * 1e6:.1f} us; state {state_bytes} B, transition "
                f"{transition_bytes} B per rank)",
                flush=True,
            )
        return model["choice"]

    def _carry(self, name, contribution, initial_state, decay=None, matrix=None):
        """(state entering this slice, final state): the carry of summaries
        ``(contribution, decay or matrix)`` by the chosen strategy."""
        initial = None
        if initial_state is not None:
            initial = np.ascontiguousarray(as_array(initial_state, "initial_state"), np.float32)
            initial = initial.reshape(contribution.shape)
        transition = decay if matrix is None else matrix
        strategy = self._strategy(
            name, contribution.nbytes, 0 if transition is None else transition.nbytes
        )
        return self._distributed.carry_linear_state(
            self._transport, contribution, decay, initial, strategy, matrix
        )

    def _agree(self, name, description):
        """Every rank raises the same ValueError when any rank's arguments
        differ from rank 0's, instead of hanging in a collective."""
        everyone = self.comm.allgather(description)
        bad = [r for r, d in enumerate(everyone) if d != everyone[0]]
        if bad:
            raise ValueError(
                f"SequenceParallel.{name}: ranks {bad} pass {[everyone[r] for r in bad]}, "
                f"rank 0 passes {everyone[0]}: every rank must pass the same heads, "
                "dimensions, dtypes and options"
            )

    def _linear(self, name, q, k, v, g, scale, initial_state, output_final_state, **kw):
        q, k, v = (as_array(x, n) for x, n in ((q, "q"), (k, "k"), (v, "v")))
        description = (
            q.shape[0],
            q.shape[2:],
            v.shape[3:],
            str(q.dtype),
            g is not None,
            initial_state is not None,
            scale,
            tuple(sorted(kw.items())),
        )
        self._agree(name, description)
        run = getattr(ops, name)
        gates = () if g is None else (as_array(g, "g"),)
        # 1. The slice's own contribution, from a zero state.
        _, contribution = run(q, k, v, *gates, scale=scale, output_final_state=True, **kw)
        decay = None
        if g is not None:
            decay = np.exp(gates[0].astype(np.float64).sum(axis=1)).astype(np.float32)
        # 2. The state entering this slice, and the sequence's final state.
        incoming, final = self._carry(name, contribution, initial_state, decay=decay)
        # 3. The outputs of this slice from that state.
        o, _ = run(q, k, v, *gates, scale=scale, initial_state=incoming, **kw)
        return o, (final if output_final_state else None)

    def linear_attn(
        self, q, k, v, scale=None, initial_state=None, output_final_state=False, **kwargs
    ):
        """``recur.ops.linear_attn`` on this rank's slice ``[B, T_r, H, K]``."""
        if kwargs.get("normalize"):
            raise NotImplementedError(
                "SequenceParallel.linear_attn: normalize=True needs the running key sum "
                "carried too; it is not supported yet"
            )
        if kwargs.get("cu_seqlens") is not None:
            raise NotImplementedError("SequenceParallel: cu_seqlens is not supported yet")
        return self._linear(
            "linear_attn", q, k, v, None, scale, initial_state, output_final_state, **kwargs
        )

    def gla(self, q, k, v, g, scale=None, initial_state=None, output_final_state=False, **kwargs):
        """``recur.ops.gla`` on this rank's slice; ``g`` is this rank's gates."""
        if kwargs.get("cu_seqlens") is not None:
            raise NotImplementedError("SequenceParallel: cu_seqlens is not supported yet")
        return self._linear("gla", q, k, v, g, scale, initial_state, output_final_state, **kwargs)

    def _delta(self, name, q, k, v, gates, scale, initial_state, output_final_state, **kw):
        q, k, v = (as_array(x, n) for x, n in ((q, "q"), (k, "k"), (v, "v")))
        gates = [as_array(x, "gate") for x in gates]
        description = (
            q.shape[0],
            q.shape[2:],
            v.shape[3:],
            str(q.dtype),
            initial_state is not None,
            scale,
            tuple(sorted(kw.items())),
        )
        self._agree(name, description)
        run = getattr(ops, name)
        _, contribution = run(q, k, v, *gates, scale=scale, output_final_state=True, **kw)
        # The slice's transition M (S_out = M S_in + S_r): the state reached
        # from S_in = I with no values written, a K x K matrix per (n, h).
        B, _, H, K = k.shape
        identity = np.ascontiguousarray(np.broadcast_to(np.eye(K, dtype=np.float32), (B, H, K, K)))
        _, matrix = run(
            q, k, np.zeros_like(k), *gates, initial_state=identity, output_final_state=True, **kw
        )
        incoming, final = self._carry(name, contribution, initial_state, matrix=matrix)
        o, _ = run(q, k, v, *gates, scale=scale, initial_state=incoming, **kw)
        return o, (final if output_final_state else None)

    def delta_rule(
        self, q, k, v, beta, scale=None, initial_state=None, output_final_state=False, **kwargs
    ):
        """``recur.ops.delta_rule`` on this rank's slice. The slice's transition
        is a K x K matrix: the carry sends N H K (K + V) floats per summary."""
        if kwargs.get("cu_seqlens") is not None:
            raise NotImplementedError("SequenceParallel: cu_seqlens is not supported yet")
        return self._delta(
            "delta_rule", q, k, v, [beta], scale, initial_state, output_final_state, **kwargs
        )

    def gated_delta_rule(
        self, q, k, v, g, beta, scale=None, initial_state=None, output_final_state=False, **kwargs
    ):
        """``recur.ops.gated_delta_rule`` on this rank's slice (``g``, ``beta``
        ``[B, T_r, H]``)."""
        if kwargs.get("cu_seqlens") is not None:
            raise NotImplementedError("SequenceParallel: cu_seqlens is not supported yet")
        return self._delta(
            "gated_delta_rule",
            q,
            k,
            v,
            [g, beta],
            scale,
            initial_state,
            output_final_state,
            **kwargs,
        )

    def ssd(
        self,
        x,
        dt,
        A,
        B,
        C,
        chunk_size=64,
        D=None,
        z=None,
        dt_bias=None,
        dt_softplus=False,
        initial_states=None,
        return_final_states=False,
    ):
        """``recur.ops.ssd`` on this rank's slice (``x``, ``dt``, ``B``, ``C``,
        ``z`` along axis 1). The slice's transition is ``exp(A Σ_t Δ_t)`` per
        head, with ``Δ`` after ``dt_bias`` and softplus, as the operator takes it."""
        x, dt, A = (as_array(a, n) for a, n in ((x, "x"), (dt, "dt"), (A, "A")))
        description = (
            x.shape[0],
            x.shape[2:],
            as_array(B, "B").shape[2:],
            str(x.dtype),
            chunk_size,
            tuple(None if a is None else as_array(a, "").shape for a in (D, dt_bias)),
            z is not None,
            bool(dt_softplus),
            initial_states is not None,
        )
        self._agree("ssd", description)
        kw = dict(chunk_size=chunk_size, D=D, z=z, dt_bias=dt_bias, dt_softplus=dt_softplus)
        _, contribution = ops.ssd(x, dt, A, B, C, **kw, return_final_states=True)
        delta = _step_sizes(dt, dt_bias, dt_softplus)  # [b, l, h]
        total = np.exp(delta.sum(axis=1) * A.astype(np.float64))  # [b, h]
        p = x.shape[3]
        decay = np.ascontiguousarray(
            np.broadcast_to(total[:, :, None], total.shape + (p,)), np.float32
        )
        incoming, final = self._carry("ssd", contribution, initial_states, decay=decay)
        y, _ = ops.ssd(x, dt, A, B, C, **kw, initial_states=incoming)
        return y, (final if return_final_states else None)

    def selective_scan(
        self,
        u,
        delta,
        A,
        B,
        C,
        D=None,
        z=None,
        delta_bias=None,
        delta_softplus=False,
        return_last_state=False,
        chunk_size=None,
        initial_state=None,
    ):
        """``recur.ops.selective_scan`` on this rank's slice (``u``, ``delta``,
        ``B``, ``C``, ``z`` along their last axis, ``l``). The slice's
        transition is ``exp(A ⊙ Σ_t Δ_t)`` per channel and state."""
        u, delta, A = (as_array(a, n) for a, n in ((u, "u"), (delta, "delta"), (A, "A")))
        B, C = as_array(B, "B"), as_array(C, "C")
        description = (
            u.shape[:2],
            A.shape,
            B.shape[:-1],
            str(u.dtype),
            tuple(None if a is None else as_array(a, "").shape for a in (D, delta_bias)),
            z is not None,
            bool(delta_softplus),
            initial_state is not None,
            chunk_size,
        )
        self._agree("selective_scan", description)
        kw = dict(D=D, z=z, delta_bias=delta_bias, delta_softplus=delta_softplus)
        kw["chunk_size"] = chunk_size
        _, contribution = ops.selective_scan(u, delta, A, B, C, **kw, return_last_state=True)
        bias = None if delta_bias is None else as_array(delta_bias, "delta_bias")[:, None]
        total = _step_sizes(delta, bias, delta_softplus).sum(axis=2)  # [b, d]
        decay = np.exp(total[:, :, None] * A.astype(np.float64)[None]).astype(np.float32)
        # The state [b, d, n] is carried as [N, H, K, V] = [b, d, n, 1].
        incoming, final = self._carry(
            "selective_scan", contribution[..., None], initial_state, decay=decay
        )
        y, _ = ops.selective_scan(u, delta, A, B, C, **kw, initial_state=incoming[..., 0])
        return y, (final[..., 0] if return_last_state else None)

    def flash_attn(
        self,
        q,
        k,
        v,
        causal=False,
        softmax_scale=None,
        window_size=(-1, -1),
        cu_seqlens_q=None,
        cu_seqlens_k=None,
        block_size=None,
        return_lse=False,
    ):
        """``recur.ops.flash_attn`` on this rank's slices ``[B, T_r, H, D]``
        (self-attention: q, k and v sliced alike by ``shard``); returns this
        rank's slice of the output (and of ``lse``, ``[B, H, T_r]``, with
        ``return_lse``)."""
        offsets = self._attention_offsets(cu_seqlens_q, cu_seqlens_k)
        squeeze = offsets is not None and np.ndim(q) == 3
        if squeeze:
            q, k, v = (as_array(x, n)[None] for x, n in ((q, "q"), (k, "k"), (v, "v")))
        window = tuple(int(w) for w in window_size)
        if len(window) != 2 or min(window) < -1:
            raise ValueError(
                f"SequenceParallel.flash_attn: window_size entries are -1 or >= 0, "
                f"got {window_size}"
            )
        q, k, v = (np.ascontiguousarray(as_array(x, n)) for x, n in ((q, "q"), (k, "k"), (v, "v")))
        if q.ndim != 4 or k.ndim != 4 or v.ndim != 4:
            raise ValueError("SequenceParallel.flash_attn: q, k and v must be [B, T_r, H, D]")
        description = (
            q.shape[0],
            q.shape[2:],
            k.shape[2:],
            v.shape[2:],
            str(q.dtype),
            str(k.dtype),
            str(v.dtype),
            bool(causal),
            window,
            softmax_scale,
            block_size,
            bool(return_lse),
            None if offsets is None else tuple(offsets.tolist()),
        )
        self._agree("flash_attn", description)
        lengths = self.comm.allgather((q.shape[1], k.shape[1], v.shape[1]))
        T = sum(n for n, _, _ in lengths)
        expected = [len(self._positions(T, r)) for r in range(self.size)]
        bad = [r for r, (n, m, w) in enumerate(lengths) if not n == m == w == expected[r]]
        if bad:
            raise ValueError(
                f"SequenceParallel.flash_attn: ranks {bad} pass q/k/v lengths "
                f"{[lengths[r] for r in bad]}; a sequence of {T} steps gives them "
                f"{[expected[r] for r in bad]} (q, k and v sliced alike by shard)"
            )
        B, _, H, D = q.shape
        Hk, Dv = k.shape[2], v.shape[3]
        if offsets is not None and (B != 1 or offsets[-1] != T):
            raise ValueError(
                f"SequenceParallel.flash_attn: with cu_seqlens the batch is 1 and the "
                f"offsets end at the sequence's {T} steps; got B = {B}, offsets ending at "
                f"{offsets[-1]}"
            )
        if Hk == 0 or H % Hk:
            raise ValueError(
                f"SequenceParallel.flash_attn: {H} query heads are not a multiple of "
                f"{Hk} key/value heads"
            )
        u = self.ulysses_size or attention.default_ulysses_size(self.size, H)
        strategy = self.strategy
        if strategy in ("allgather", "allscan"):
            raise ValueError(
                f"SequenceParallel.flash_attn: strategy {strategy!r} is for the linear "
                f"recurrences; attention takes auto, {', '.join(attention.STRATEGIES)}"
            )
        if strategy == "auto":
            model = attention.choose_attention_strategy(
                self.size, B, T, H, Hk, D, Dv, q.itemsize, bool(causal), self.ulysses_size
            )
            strategy = model["choice"]
            if self.rank == 0 and os.environ.get("RECUR_LOG", "0") not in ("", "0"):
                times = ", ".join(
                    f"{name} {model[f'{name}_s'] * 1e6:.1f} us"
                    for name in ("ring", "ulysses", "hybrid")
                    if f"{name}_s" in model
                )
                print(
                    f"recur.distributed: flash_attn on {self.size} ranks: {strategy} "
                    f"(model: {times}; B {B} T {T} H {H} Hk {Hk} D {D} Dv {Dv}, "
                    f"causal {bool(causal)})",
                    flush=True,
                )
        attention.check_heads(strategy, H, self.size, u)
        o, lse = attention.run(
            self,
            q,
            k,
            v,
            strategy,
            T,
            bool(causal),
            softmax_scale,
            block_size,
            u,
            bool(return_lse),
            window,
            offsets,
        )
        if offsets is not None:
            # flash-attention's varlen layouts: lse [H, T_r], o as q came.
            o, lse = (o[0] if squeeze else o), (None if lse is None else lse[0])
        return (o, lse) if return_lse else o

    @staticmethod
    def _attention_offsets(cu_seqlens_q, cu_seqlens_k):
        """Packed sequences' global offsets for self-attention (the same for
        queries and keys), or None."""
        if cu_seqlens_q is None and cu_seqlens_k is None:
            return None
        if cu_seqlens_q is None or cu_seqlens_k is None:
            raise ValueError(
                "SequenceParallel.flash_attn: cu_seqlens_q and cu_seqlens_k go together"
            )
        cu_q, cu_k = (np.asarray(as_array(c, "cu_seqlens")) for c in (cu_seqlens_q, cu_seqlens_k))
        if not np.array_equal(cu_q, cu_k):
            raise NotImplementedError(
                "SequenceParallel.flash_attn: packed sequences need cu_seqlens_q == "
                "cu_seqlens_k (self-attention); cross-attention is not supported"
            )
        if (
            cu_q.ndim != 1
            or cu_q.size < 2
            or cu_q.dtype not in (np.int32, np.int64)
            or cu_q[0] != 0
            or np.any(np.diff(cu_q) < 0)
        ):
            raise ValueError(
                "SequenceParallel.flash_attn: cu_seqlens must be 1-D int32/int64 offsets "
                f"rising from 0, got {cu_q.tolist()}"
            )
        return cu_q
