"""Sequence parallelism: one long sequence split across ranks.

``SequenceParallel(comm=None, strategy="auto", backend="mpi")`` wraps an
mpi4py communicator (``COMM_WORLD`` by default, or a sub-communicator). Each
rank holds a contiguous slice of the sequence (``shard``/``unshard``) and
calls the operator methods with its slice; they return this rank's slice of
the output, and the final state on every rank when asked.

The linear recurrences (``linear_attn``, ``gla``, ``delta_rule``,
``gated_delta_rule``, ``ssd``, ``selective_scan``) run around one carry step:

1. the operator on the slice from a zero state gives the slice's state
   contribution ``S_r`` and its outputs from that state, and the slice's
   transition: ``D_r = exp(Σ_t g_t)`` per key for GLA, a ``K x K`` matrix
   ``M_r`` for the delta rules (from the same pass, as ``K`` more value
   columns);
2. the carry (``runtime/distributed/LinearCarry.h``, over the communicator)
   gives the state entering the slice and the final state: ``"allgather"``
   (LASP-2: one all-gather of ``(S_r, D_r)``, each rank folds its prefix),
   ``"allscan"`` (ZeCO-style: the state along the ranks in pipelined
   blocks) or ``"ring"`` (the sequential pass);
3. the outputs from the entering state ``S_in``: the step-1 outputs plus
   what ``S_in`` adds, one matrix product per step
   (``recur/_entering_state.py``); a second pass of the operator from
   ``S_in`` for the selective scan and for float16/bfloat16 outputs, rounded
   already (the delta rules upcast those to float32 on the CPU instead).

Packed sequences (``cu_seqlens``) carry the state of the sequence open at
each slice's end, the fold resetting where a sequence starts; each
sequence's final state comes from the rank where it ends.
``linear_attn(normalize=True)`` carries the running key sum as one more
value column.

``newton_rnn`` solves each Newton step's linear recurrence with the same
carry (``recur/_newton_parallel.py``).

Softmax attention (``flash_attn``) runs by ``"ring"``, ``"zigzag_ring"``,
``"ulysses"`` or ``"hybrid"`` (``recur/_attention_parallel.py``).

See docs/distributed.md for the bytes each strategy sends.
"""

from __future__ import annotations

import os

import numpy as np

from . import _attention_parallel as attention
from . import _entering_state as entering
from . import ops
from .runtime.cuda import _DLPACK_GPU_DEVICES
from .runtime.launch import as_array

_LINEAR_STRATEGIES = ("allgather", "allscan", "ring")

# The cost model's transport: per-message latency and per-byte time (MPI over
# shared memory on one machine; both only rank the strategies).
_LATENCY_S = 5e-6
_SECONDS_PER_BYTE = 1.0 / 5e9


def choose_linear_strategy(
    ranks: int, state_bytes: int, transition_bytes: int, scan_blocks: int
) -> dict:
    """The cost model behind ``strategy="auto"`` for the linear recurrences.

    The strategies do the same compute per rank (the compiled passes), so
    they differ in the carry's critical path, with ``s`` the state's bytes
    and ``d`` the transition's:
    ``allgather``: one collective of ``(R-1)(s+d)`` bytes per rank, about
    ``log2 R`` latencies; ``ring``: ``R-1`` dependent hops of ``s`` bytes;
    ``allscan``: the chain in ``scan_blocks`` blocks, pipelined along the
    ranks, ``R + scan_blocks - 2`` hops of ``s / scan_blocks`` bytes. The
    last rank then sends the final state to ``R-1`` ranks in both.
    """
    if ranks <= 1:
        return {"choice": "allgather", "allgather_s": 0.0, "allscan_s": 0.0, "ring_s": 0.0}
    s, d = state_bytes, transition_bytes
    final = (ranks - 1) * (_LATENCY_S + s * _SECONDS_PER_BYTE)
    hops = ranks + scan_blocks - 2
    estimates = {
        "allgather": (ranks - 1).bit_length() * _LATENCY_S
        + (ranks - 1) * (s + d) * _SECONDS_PER_BYTE,
        "allscan": hops * (_LATENCY_S + s / scan_blocks * _SECONDS_PER_BYTE) + final,
        "ring": (ranks - 1) * (_LATENCY_S + s * _SECONDS_PER_BYTE) + final,
    }
    model = {f"{name}_s": seconds for name, seconds in estimates.items()}
    model["choice"] = min(estimates, key=estimates.get)
    return model


def _host_array(value, name):
    """The numpy view of an array argument (``as_array``). The strategies'
    summaries, blocks and partial results live in host memory, so an array
    in GPU memory is a clear error here rather than DLPack's."""
    device = getattr(value, "__dlpack_device__", None)
    if getattr(value, "__cuda_array_interface__", None) is not None or (
        device is not None and device()[0] in _DLPACK_GPU_DEVICES
    ):
        raise ValueError(
            f"SequenceParallel: argument '{name}' is in GPU memory; the strategies keep "
            "their carries and merges in host memory and take host arrays (numpy, or "
            "DLPack on the CPU): copy it to the host first (docs/distributed.md)"
        )
    return as_array(value, name)


def _step_sizes(dt, bias, softplus):
    """The operators' step sizes in float64: ``dt + bias``, through softplus
    when asked (``bias`` broadcasts against ``dt``)."""
    delta = np.asarray(dt, np.float64)
    if bias is not None:
        delta = delta + np.asarray(bias, np.float64)
    return np.logaddexp(0.0, delta) if softplus else delta


class _Packed:
    """Packed sequences (``cu_seqlens``, global offsets) over the ranks'
    contiguous slices of ``lengths`` steps, as rank ``rank`` sees them.

    ``resets[j]``: a sequence starts inside rank ``j``'s slice, so the state
    it passes on is that sequence's alone; ``receives[j]``: rank ``j`` needs
    the state entering its slice (its first sequence began earlier, or it is
    empty and passes the state to a rank that does); ``ended[j]``: how many
    sequences end in rank ``j``'s slice (each non-empty sequence ends in
    one). ``pieces``: this rank's ``(sequence, start, end)``, local steps.
    """

    def __init__(self, cu, lengths, rank):
        cu = np.asarray(cu, np.int64)
        bounds = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
        starts, ends = cu[:-1], cu[1:]
        size = len(lengths)
        inside = [(starts >= bounds[j]) & (starts < bounds[j + 1]) for j in range(size)]
        self.resets = [bool(lengths[j] and inside[j].any()) for j in range(size)]
        continues = [bool(lengths[j] and bounds[j] not in starts) for j in range(size)]
        self.receives = [False] * size
        for j in reversed(range(1, size)):
            follows = j + 1 < size and self.receives[j + 1]
            self.receives[j] = continues[j] if lengths[j] else follows
        nonempty = ends > starts
        self.nonempty = np.flatnonzero(nonempty)
        self.ended = [
            int(np.sum(nonempty & (ends > bounds[j]) & (ends <= bounds[j + 1])))
            for j in range(size)
        ]
        t0, t1 = int(bounds[rank]), int(bounds[rank + 1])
        self.reset, self.continues = self.resets[rank], continues[rank]
        self.pieces = []
        if t1 > t0:
            first = int(np.searchsorted(cu, t0, "right")) - 1
            last = int(np.searchsorted(cu, t1 - 1, "right")) - 1
            for n in range(first, last + 1):
                lo, hi = max(int(cu[n]), t0), min(int(cu[n + 1]), t1)
                if hi > lo:
                    self.pieces.append((n, lo - t0, hi - t0, int(cu[n + 1]) <= t1))


class SequenceParallel:
    """``strategy``: ``"auto"``, a linear-recurrence carry (``"allgather"``,
    ``"allscan"``, ``"ring"``) or a softmax-attention strategy (``"ring"``,
    ``"zigzag_ring"``, ``"ulysses"``, ``"hybrid"``). ``shard``/``unshard`` lay
    the sequence out as the strategy needs (zigzag for ``"zigzag_ring"``,
    contiguous otherwise). ``ulysses_size``: hybrid's Ulysses group size
    (default ``recur._attention_parallel.default_ulysses_size``).

    ``backend="mpi"`` moves data with MPI; ``backend="nccl"`` with NCCL
    (libnccl.so.2, loaded at run time), each rank on GPU ``device`` (by
    default its rank among the ranks of its node), the unique id passed
    over ``comm``. The strategies' buffers are on the host, so NCCL's
    transfers are staged through GPU memory (docs/distributed.md)."""

    def __init__(self, comm=None, strategy="auto", backend="mpi", ulysses_size=None, device=None):
        if backend not in ("mpi", "nccl"):
            raise ValueError(
                f"SequenceParallel: backend {backend!r} is not available (backends: 'mpi', "
                "'nccl')"
            )
        from mpi4py import MPI

        from . import _distributed

        self.comm = MPI.COMM_WORLD if comm is None else comm
        self.backend = backend
        self._distributed = _distributed
        self.rank, self.size = self.comm.Get_rank(), self.comm.Get_size()
        if backend == "nccl" and device is None:
            # One GPU per rank of a node, in rank order.
            local = self.comm.Split_type(MPI.COMM_TYPE_SHARED, self.rank)
            device = local.Get_rank()
            local.Free()
        self._device = device
        self._transport = self._communicator(self.comm)
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
        x = _host_array(x, "x")
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

    def _communicator(self, comm):
        """The backend's transport over the ranks of mpi4py communicator
        ``comm``. NCCL's unique id comes from the first rank; when NCCL cannot
        be loaded there, every rank raises the same error."""
        if self.backend == "mpi":
            from mpi4py import MPI

            return self._distributed.MpiCommunicator(MPI._handleof(comm))
        payload = None
        if comm.Get_rank() == 0:
            try:
                payload = (self._distributed.NcclCommunicator.unique_id(), None)
            except (RuntimeError, ValueError) as error:
                payload = (None, str(error))
        unique_id, error = comm.bcast(payload, root=0)
        if error is not None:
            raise ValueError(f"SequenceParallel(backend='nccl'): {error}")
        return self._distributed.NcclCommunicator(
            unique_id, comm.Get_rank(), comm.Get_size(), self._device
        )

    def _hybrid_transports(self, u: int):
        """(the Ulysses group's, the ring's) transports for groups of ``u``
        consecutive ranks: the ring joins the ranks at the same place in their
        groups."""
        if u not in self._hybrid:
            group = self.comm.Split(self.rank // u, self.rank)
            ring = self.comm.Split(self.rank % u, self.rank)
            self._hybrid[u] = tuple(self._communicator(c) for c in (group, ring))
            # The transports hold duplicates (or NCCL's own); these are no
            # longer needed.
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
        model = choose_linear_strategy(
            self.size, state_bytes, transition_bytes, self._distributed.LINEAR_SCAN_BLOCKS
        )
        if self.rank == 0 and os.environ.get("RECUR_LOG", "0") not in ("", "0"):
            estimates = ", ".join(
                f"{name} {model[name + '_s'] * 1e6:.1f} us" for name in _LINEAR_STRATEGIES
            )
            print(
                f"recur.distributed: {name} on {self.size} ranks: {model['choice']} "
                f"(model: {estimates}; state {state_bytes} B, transition "
                f"{transition_bytes} B per rank)",
                flush=True,
            )
        return model["choice"]

    def _carry(self, name, contribution, decay=None, matrix=None):
        """(state entering this slice, final state): the carry of summaries
        ``(contribution, decay or matrix)`` by the chosen strategy, from a
        zero state (rank 0's contribution holds the initial state)."""
        transition = decay if matrix is None else matrix
        strategy = self._strategy(
            name, contribution.nbytes, 0 if transition is None else transition.nbytes
        )
        return self._distributed.carry_linear_state(
            self._transport, contribution, decay, None, strategy, matrix
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

    @staticmethod
    def _check_initial(name, label, initial_state, shape):
        """The initial state's shape, checked before rank 0 runs from it (the
        ranks agreed on it, so all raise alike)."""
        if initial_state is not None and np.shape(initial_state) != tuple(shape):
            raise ValueError(
                f"SequenceParallel.{name}: {label} must be {list(shape)}, got "
                f"{list(np.shape(initial_state))}"
            )

    def _linear(self, name, q, k, v, gates, scale, initial_state, output_final_state, **kw):
        q, k, v = (_host_array(x, n) for x, n in ((q, "q"), (k, "k"), (v, "v")))
        gates = [_host_array(x, "gate") for x in gates]
        description = (
            q.shape[0],
            q.shape[2:],
            v.shape[3:],
            str(q.dtype),
            len(gates),
            None if initial_state is None else np.shape(initial_state),
            scale,
            tuple(sorted(kw.items())),
        )
        self._agree(name, description)
        B, _, H, K = q.shape
        self._check_initial(
            name, "initial_state [B, H, K, V]", initial_state, (B, H, K, v.shape[3])
        )
        # 1. The slice from a zero state (rank 0: from the initial state):
        # its summary, and its outputs.
        first = self.rank == 0
        piece = entering.SlicePass(
            name, q, k, v, gates, scale, first, initial_state if first else None, **kw
        )
        # 2. The state entering this slice, and the sequence's final state.
        incoming, final = self._carry(
            name, piece.contribution, decay=piece.decay, matrix=piece.matrix
        )
        # 3. The slice's outputs from that state.
        o, _ = piece.outputs(incoming)
        return o, (final if output_final_state else None)

    def _packed(self, name, q, k, v, gates, scale, initial_state, output_final_state, cu, **kw):
        """The linear recurrences on packed sequences (``cu``: global offsets).

        The carry moves one sequence's state, the one open at each slice's
        end: a rank where a sequence starts resets the fold to that
        sequence's state. Such a rank runs the sequences that start in its
        slice before the carry (their outputs and final states need nothing
        from other ranks; the last one's state is its summary). The sequence
        continued from earlier ranks runs from zero (for the summary where it
        fills the slice) and takes the entering state's share after the
        carry. Final states are gathered from the ranks where the sequences
        end.
        """
        q, k, v = (_host_array(x, n) for x, n in ((q, "q"), (k, "k"), (v, "v")))
        gates = [_host_array(x, "gate") for x in gates]
        cu_ = np.asarray(_host_array(cu, "cu_seqlens"))
        description = (
            q.shape[0],
            q.shape[2:],
            v.shape[3:],
            str(q.dtype),
            len(gates),
            None if initial_state is None else np.shape(initial_state),
            scale,
            tuple(sorted(kw.items())),
            str(cu_.dtype),
            tuple(cu_.ravel().tolist()),
        )
        self._agree(name, description)
        lengths = self.comm.allgather(q.shape[1])
        total = sum(lengths)
        if q.ndim != 4 or q.shape[0] != 1:
            raise ValueError(
                f"SequenceParallel.{name}: with cu_seqlens the batch is 1: slices are "
                f"[1, T_r, H, K], got {q.shape}"
            )
        if (
            cu_.ndim != 1
            or cu_.size < 2
            or cu_.dtype not in (np.int32, np.int64)
            or cu_[0] != 0
            or cu_[-1] != total
            or np.any(np.diff(cu_) < 0)
        ):
            raise ValueError(
                f"SequenceParallel.{name}: cu_seqlens must be 1-D int32/int64 offsets rising "
                f"from 0 to the {total} steps of all slices, got {cu_.tolist()}"
            )
        _, _, H, K = q.shape
        V = v.shape[3]
        N = cu_.size - 1
        init = None
        if initial_state is not None:
            init = np.asarray(_host_array(initial_state, "initial_state"), np.float32)
            if init.shape != (N, H, K, V):
                raise ValueError(
                    f"SequenceParallel.{name}: initial_state must be [N, H, K, V] = "
                    f"{(N, H, K, V)}, got {init.shape}"
                )
        layout = _Packed(cu_, lengths, self.rank)
        arrays = [q, k, v] + gates
        matrix = name in ("delta_rule", "gated_delta_rule")

        def run_pieces(pieces):
            lo, hi = pieces[0][1], pieces[-1][2]
            offsets = np.array([0] + [p[2] - lo for p in pieces], np.int64)
            return getattr(ops, name)(
                *(np.ascontiguousarray(a[:, lo:hi]) for a in arrays),
                scale=scale,
                initial_state=None if init is None else init[[p[0] for p in pieces]],
                output_final_state=True,
                cu_seqlens=offsets,
                **kw,
            )

        o = np.zeros(v.shape, q.dtype)
        finals = {}
        head = layout.pieces[0] if layout.continues else None
        tail = layout.pieces[1:] if head else layout.pieces
        if head:  # the sequence continued from earlier ranks, from a zero state
            parts = [np.ascontiguousarray(a[:, : head[2]]) for a in arrays]
            head_pass = entering.SlicePass(name, *parts[:3], parts[3:], scale, **kw)
        # 1. The summary of the sequence open at the slice's end.
        decay = transition = None
        if layout.reset:
            o_tail, f_tail = run_pieces(tail)
            o[:, tail[0][1] :] = o_tail
            finals.update((p[0], f) for p, f in zip(tail, f_tail))
            contribution = f_tail[-1:]
            # The transition is ignored where the fold resets.
            if matrix:
                transition = np.zeros((1, H, K, K), np.float32)
            elif gates:
                decay = np.zeros((1, H, K), np.float32)
        elif head:  # one sequence through the whole slice
            contribution = head_pass.contribution
            decay, transition = head_pass.decay, head_pass.matrix
        else:  # an empty slice passes the state on
            contribution = np.zeros((1, H, K, V), np.float32)
            if matrix:
                transition = np.ascontiguousarray(
                    np.broadcast_to(np.eye(K, dtype=np.float32), (1, H, K, K))
                )
            elif gates:
                decay = np.ones((1, H, K), np.float32)
        # 2. The state entering this slice.
        strategy = self._strategy(
            name,
            contribution.nbytes,
            sum(0 if x is None else x.nbytes for x in (decay, transition)),
        )
        incoming, _ = self._distributed.carry_linear_state(
            self._transport,
            np.ascontiguousarray(contribution),
            decay,
            None,
            strategy,
            transition,
            resets=layout.resets,
            receives=layout.receives,
            final=False,
        )
        # 3. The continued sequence's outputs from it.
        if head:
            o_head, f_head = head_pass.outputs(incoming)
            o[:, : head[2]] = o_head
            finals[head[0]] = f_head[0]
        if not output_final_state:
            return o, None
        # 4. Every sequence's final state, from the rank where it ends.
        mine = [finals[p[0]] for p in layout.pieces if p[3]]
        rows = np.stack(mine) if mine else np.zeros((0, H, K, V), np.float32)
        gathered = self._distributed.allgather_rows(self._transport, rows, layout.ended)
        final = np.zeros((N, H, K, V), np.float32) if init is None else init.copy()
        final[layout.nonempty] = gathered
        return o, final

    def linear_attn(
        self, q, k, v, scale=None, initial_state=None, output_final_state=False, **kwargs
    ):
        """``recur.ops.linear_attn`` on this rank's slice ``[B, T_r, H, K]``."""
        if kwargs.pop("normalize", False):
            return self._normalized(q, k, v, scale, initial_state, output_final_state, **kwargs)
        cu = kwargs.pop("cu_seqlens", None)
        if cu is not None:
            return self._packed(
                "linear_attn", q, k, v, [], scale, initial_state, output_final_state, cu, **kwargs
            )
        return self._linear(
            "linear_attn", q, k, v, [], scale, initial_state, output_final_state, **kwargs
        )

    def _normalized(self, q, k, v, scale, initial_state, output_final_state, **kwargs):
        """``linear_attn(normalize=True)``: the normaliser's running key sum is
        one more value column of ones, carried with the state (from zero, as
        the single-device operator counts only the sequence's own keys):
        ``o_t = scale q_t S_t / (scale q_t · Σ_{s≤t} k_s + 1e-10)``."""
        v = _host_array(v, "v")
        extended = np.concatenate([v, np.ones(v.shape[:-1] + (1,), v.dtype)], axis=-1)
        if initial_state is not None:
            initial_state = np.asarray(_host_array(initial_state, "initial_state"), np.float32)
            column = np.zeros(initial_state.shape[:-1] + (1,), np.float32)
            initial_state = np.concatenate([initial_state, column], axis=-1)
        o, final = self.linear_attn(
            q, k, extended, scale, initial_state, output_final_state, **kwargs
        )
        denominator = o[..., -1:].astype(np.float64) + 1e-10
        o = (o[..., :-1] / denominator).astype(o.dtype)
        return o, (None if final is None else np.ascontiguousarray(final[..., :-1]))

    def gla(self, q, k, v, g, scale=None, initial_state=None, output_final_state=False, **kwargs):
        """``recur.ops.gla`` on this rank's slice; ``g`` is this rank's gates."""
        cu = kwargs.pop("cu_seqlens", None)
        if cu is not None:
            return self._packed(
                "gla", q, k, v, [g], scale, initial_state, output_final_state, cu, **kwargs
            )
        return self._linear("gla", q, k, v, [g], scale, initial_state, output_final_state, **kwargs)

    def delta_rule(
        self, q, k, v, beta, scale=None, initial_state=None, output_final_state=False, **kwargs
    ):
        """``recur.ops.delta_rule`` on this rank's slice. The slice's transition
        is a K x K matrix: the carry sends N H K (K + V) floats per summary."""
        cu = kwargs.pop("cu_seqlens", None)
        if cu is not None:
            return self._packed(
                "delta_rule",
                q,
                k,
                v,
                [beta],
                scale,
                initial_state,
                output_final_state,
                cu,
                **kwargs,
            )
        return self._linear(
            "delta_rule", q, k, v, [beta], scale, initial_state, output_final_state, **kwargs
        )

    def gated_delta_rule(
        self, q, k, v, g, beta, scale=None, initial_state=None, output_final_state=False, **kwargs
    ):
        """``recur.ops.gated_delta_rule`` on this rank's slice (``g``, ``beta``
        ``[B, T_r, H]``)."""
        cu = kwargs.pop("cu_seqlens", None)
        if cu is not None:
            return self._packed(
                "gated_delta_rule",
                q,
                k,
                v,
                [g, beta],
                scale,
                initial_state,
                output_final_state,
                cu,
                **kwargs,
            )
        return self._linear(
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
        x, dt, A = (_host_array(a, n) for a, n in ((x, "x"), (dt, "dt"), (A, "A")))
        description = (
            x.shape[0],
            x.shape[2:],
            _host_array(B, "B").shape[2:],
            str(x.dtype),
            chunk_size,
            tuple(None if a is None else _host_array(a, "").shape for a in (D, dt_bias)),
            z is not None,
            bool(dt_softplus),
            None if initial_states is None else np.shape(initial_states),
        )
        self._agree("ssd", description)
        b, _, h, p = x.shape
        n = _host_array(B, "B").shape[3]
        self._check_initial("ssd", "initial_states [b, h, p, n]", initial_states, (b, h, p, n))
        kw = dict(chunk_size=chunk_size, D=D, z=z, dt_bias=dt_bias, dt_softplus=dt_softplus)
        # Rank 0 runs from the initial state, the others from zero.
        first = self.rank == 0
        start = initial_states if first else None
        y, contribution = ops.ssd(
            x, dt, A, B, C, **kw, initial_states=start, return_final_states=True
        )
        if first:  # the transition multiplies the carry's zero initial state
            total = np.zeros((b, h))
        else:
            delta = _step_sizes(dt, dt_bias, dt_softplus)  # [b, l, h]
            total = np.exp(delta.sum(axis=1) * A.astype(np.float64))  # [b, h]
        decay = np.ascontiguousarray(
            np.broadcast_to(total[:, :, None], total.shape + (p,)), np.float32
        )
        incoming, final = self._carry("ssd", contribution, decay=decay)
        if first:  # its outputs are final
            return y, (final if return_final_states else None)
        if y.dtype in (np.float32, np.float64):
            # y_t gains exp(A_h Σ_{s≤t} Δ_s) S_in C_t, gated by silu(z_t)
            # like the rest of y_t; D x_t is the slice's own.
            C = _host_array(C, "C").astype(y.dtype)
            C_heads = np.repeat(C, x.shape[2] // C.shape[2], axis=2)  # [b, l, h, n]
            decay = np.exp(np.cumsum(delta, axis=1) * A.astype(np.float64)).astype(y.dtype)
            gate = None
            if z is not None:
                z64 = _host_array(z, "z").astype(np.float64)
                gate = (z64 / (1.0 + np.exp(-z64))).astype(y.dtype)
            entering.add_scalar_decay(y, C_heads, np.swapaxes(incoming, 2, 3), decay, gate)
        else:
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
        u, delta, A = (_host_array(a, n) for a, n in ((u, "u"), (delta, "delta"), (A, "A")))
        B, C = _host_array(B, "B"), _host_array(C, "C")
        description = (
            u.shape[:2],
            A.shape,
            B.shape[:-1],
            str(u.dtype),
            tuple(None if a is None else _host_array(a, "").shape for a in (D, delta_bias)),
            z is not None,
            bool(delta_softplus),
            None if initial_state is None else np.shape(initial_state),
            chunk_size,
        )
        self._agree("selective_scan", description)
        shape = (u.shape[0], A.shape[0], A.shape[1])
        self._check_initial("selective_scan", "initial_state [b, d, n]", initial_state, shape)
        kw = dict(D=D, z=z, delta_bias=delta_bias, delta_softplus=delta_softplus)
        kw["chunk_size"] = chunk_size
        # Rank 0 runs from the initial state, the others from zero.
        first = self.rank == 0
        start = initial_state if first else None
        y, contribution = ops.selective_scan(
            u, delta, A, B, C, **kw, initial_state=start, return_last_state=True
        )
        if first:  # the transition multiplies the carry's zero initial state
            decay = np.zeros((u.shape[0],) + A.shape, np.float32)
        else:
            bias = None if delta_bias is None else _host_array(delta_bias, "delta_bias")[:, None]
            total = _step_sizes(delta, bias, delta_softplus).sum(axis=2)  # [b, d]
            decay = np.exp(total[:, :, None] * A.astype(np.float64)[None]).astype(np.float32)
        # The state [b, d, n] is carried as [N, H, K, V] = [b, d, n, 1].
        incoming, final = self._carry("selective_scan", contribution[..., None], decay=decay)
        if not first:
            y, _ = ops.selective_scan(u, delta, A, B, C, **kw, initial_state=incoming[..., 0])
        return y, (final[..., 0] if return_last_state else None)

    def newton_rnn(self, cell, x, params, h0=None, max_iters=None, tol=None):
        """``recur.ops.newton_rnn`` on this rank's slice ``x`` ``[B, T_r, D]``
        (``"gru_diag"``, ``"lstm_diag"`` or a ``recur.ops.Cell``; ``h0`` the
        sequence's, the same on every rank): returns this rank's slice of
        ``h`` and ``info``, the same on every rank. Each Newton step's linear solve carries its
        ``δ`` across ranks by the linear carry; the stopping test uses the
        residual's maximum over all ranks (``recur/_newton_parallel.py``)."""
        from . import _newton_parallel

        return _newton_parallel.newton_rnn(self, cell, x, params, h0, max_iters, tol)

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
        (q sliced by ``shard`` of the queries, k and v by ``shard`` of the
        keys: a key sequence of another length is cross-attention, aligned
        bottom-right as on one device); returns this rank's slice of the
        output (and of ``lse``, ``[B, H, T_r]``, with ``return_lse``)."""
        offsets = self._attention_offsets(cu_seqlens_q, cu_seqlens_k)
        squeeze = offsets is not None and np.ndim(q) == 3
        if squeeze:
            q, k, v = (_host_array(x, n)[None] for x, n in ((q, "q"), (k, "k"), (v, "v")))
        window = tuple(int(w) for w in window_size)
        if len(window) != 2 or min(window) < -1:
            raise ValueError(
                f"SequenceParallel.flash_attn: window_size entries are -1 or >= 0, "
                f"got {window_size}"
            )
        q, k, v = (
            np.ascontiguousarray(_host_array(x, n)) for x, n in ((q, "q"), (k, "k"), (v, "v"))
        )
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
            None if offsets is None else tuple(tuple(o.tolist()) for o in offsets),
        )
        self._agree("flash_attn", description)
        lengths = self.comm.allgather((q.shape[1], k.shape[1], v.shape[1]))
        T = sum(n for n, _, _ in lengths)
        Tk = sum(m for _, m, _ in lengths)
        if offsets is not None and np.array_equal(*offsets):
            Tk = T  # packed self-attention: keys sliced as the queries
        expected = [len(self._positions(T, r)) for r in range(self.size)]
        expected_k = [len(self._positions(Tk, r)) for r in range(self.size)]
        bad = [
            r
            for r, (n, m, w) in enumerate(lengths)
            if not (n == expected[r] and m == w == expected_k[r])
        ]
        if bad:
            raise ValueError(
                f"SequenceParallel.flash_attn: ranks {bad} pass q/k/v lengths "
                f"{[lengths[r] for r in bad]}; a sequence of {T} query and {Tk} key steps "
                f"gives them {[(expected[r], expected_k[r]) for r in bad]} (q, k and v "
                "sliced by shard)"
            )
        B, _, H, D = q.shape
        Hk, Dv = k.shape[2], v.shape[3]
        if offsets is not None and (
            B != 1
            or offsets[0][-1] != T
            or offsets[1][-1] != Tk
            or offsets[0].size != offsets[1].size
        ):
            raise ValueError(
                f"SequenceParallel.flash_attn: with cu_seqlens the batch is 1 and the "
                f"offsets (as many for queries as for keys) end at the {T} query and {Tk} "
                f"key steps; got B = {B}, offsets {offsets[0].tolist()} and "
                f"{offsets[1].tolist()}"
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
            Tk,
        )
        if offsets is not None:
            # flash-attention's varlen layouts: lse [H, T_r], o as q came.
            o, lse = (o[0] if squeeze else o), (None if lse is None else lse[0])
        return (o, lse) if return_lse else o

    @staticmethod
    def _attention_offsets(cu_seqlens_q, cu_seqlens_k):
        """Packed sequences' global offsets ``(queries', keys')``, or None."""
        if cu_seqlens_q is None and cu_seqlens_k is None:
            return None
        if cu_seqlens_q is None or cu_seqlens_k is None:
            raise ValueError(
                "SequenceParallel.flash_attn: cu_seqlens_q and cu_seqlens_k go together"
            )
        offsets = tuple(
            np.asarray(_host_array(c, "cu_seqlens")) for c in (cu_seqlens_q, cu_seqlens_k)
        )
        for cu in offsets:
            if (
                cu.ndim != 1
                or cu.size < 2
                or cu.dtype not in (np.int32, np.int64)
                or cu[0] != 0
                or np.any(np.diff(cu) < 0)
            ):
                raise ValueError(
                    "SequenceParallel.flash_attn: cu_seqlens must be 1-D int32/int64 offsets "
                    f"rising from 0, got {cu.tolist()}"
                )
        return offsets
