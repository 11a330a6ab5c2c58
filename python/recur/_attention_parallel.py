"""Softmax attention across ranks: the strategies behind
``SequenceParallel.flash_attn`` (see docs/distributed.md).

Every strategy runs the compiled ``recur.ops.flash_attn`` on the pieces it
assembles; data moves through ``recur._distributed`` (the ring pass, the
Ulysses all-to-alls and the log-sum-exp merge are C++, in
``runtime/distributed/AttentionParallel.h``).

- ``"ring"``: contiguous slices; every rank's keys and values pass once
  around the ring, the next block's transfer posted before the current block
  is computed on. Partial outputs merge by their log-sum-exps. Under
  ``causal`` the block of rank ``j`` is seen fully by rank ``r > j``,
  causally (``Tq == Tk``) by ``r == j`` and not at all by ``r < j``. With a
  window or packed sequences, every pair of pieces of one sequence runs with
  its global alignment (``flash_attn_aligned``), pairs that see nothing
  skipped.
- ``"zigzag_ring"``: the sequence in ``2R`` chunks, rank ``r`` holding
  chunks ``r`` and ``2R - 1 - r``, so every rank does the same causal work:
  its own block causally; from ``j < r`` only ``j``'s first chunk; from
  ``j > r`` everything, for its second chunk only.
- ``"ulysses"``: an all-to-all turns slices of the sequence with every head
  into the whole sequence with ``H / R`` heads; attention runs locally; a
  second all-to-all turns the output back.
- ``"hybrid"`` (USP): groups of ``u`` consecutive ranks run Ulysses inside
  the group, and the ``R / u`` groups run the ring between them over their
  contiguous parts of the sequence.
"""

from __future__ import annotations

import math

import numpy as np

from . import ops
from .ops.attention import flash_attn_aligned

STRATEGIES = ("ring", "zigzag_ring", "ulysses", "hybrid")

# The cost model's machine: per-message latency, per-byte time (MPI over
# shared memory) and attention FLOP rate per rank; they only rank strategies.
_LATENCY_S = 5e-6
_SECONDS_PER_BYTE = 1.0 / 5e9
_SECONDS_PER_FLOP = 1.0 / 5e10


def split(length: int, parts: int) -> list[int]:
    """Lengths of ``parts`` contiguous pieces: the first ``length % parts``
    get one more."""
    base, extra = divmod(length, parts)
    return [base + (i < extra) for i in range(parts)]


def zigzag_chunks(length: int, ranks: int, rank: int) -> list[tuple[int, int]]:
    """The two ``[start, end)`` chunks rank ``rank`` holds under zigzag: ``rank``
    and ``2 ranks - 1 - rank`` of ``2 ranks`` contiguous chunks."""
    sizes = split(length, 2 * ranks)
    starts = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    return [(starts[c], starts[c + 1]) for c in (rank, 2 * ranks - 1 - rank)]


def zigzag_length(length: int, ranks: int, rank: int) -> int:
    return sum(end - start for start, end in zigzag_chunks(length, ranks, rank))


def default_ulysses_size(ranks: int, heads: int) -> int:
    """Hybrid's Ulysses group size: the largest divisor of ``ranks`` below
    ``ranks`` that divides ``heads`` (both levels exist from 4 ranks on; on 2
    ranks the hybrid is the ring)."""
    return max(u for u in range(1, max(ranks, 2)) if ranks % u == 0 and heads % u == 0)


def ulysses_kv_heads(heads: int, kv_heads: int, group: int) -> int:
    """The key/value heads Ulysses sends: ``Hk`` when they divide by the group,
    else repeated to ``H`` (each rank then receives the heads its queries
    use)."""
    return kv_heads if kv_heads % group == 0 else heads


def ulysses_bytes(B, lengths, H, Hk, D, Dv, itemsize, group, lse_itemsize=0):
    """Bytes one rank sends in Ulysses over ``group`` ranks whose slices have
    ``lengths``: each all-to-all pads to the longest slice and sends
    ``(group - 1)`` blocks of ``H / group`` heads; q, k, v in and o (and the
    log-sum-exp when returned) out."""
    if group <= 1:
        return 0
    kv = ulysses_kv_heads(H, Hk, group)
    rows = B * max(lengths) * (group - 1)
    per_head = (H * (D + Dv) + kv * (D + Dv)) * itemsize + H * lse_itemsize
    return rows * per_head // group


def ring_bytes(B, lengths, Hk, D, Dv, itemsize, rank):
    """Bytes rank ``rank`` sends in a ring whose members hold ``lengths``
    tokens: every block but that of the next rank, whose block it never holds
    (``Σ_{j != rank + 1} B T_j Hk (D + Dv) itemsize``)."""
    R = len(lengths)
    if R <= 1:
        return 0
    return sum(
        B * T * Hk * (D + Dv) * itemsize for j, T in enumerate(lengths) if j != (rank + 1) % R
    )


def choose_attention_strategy(R, B, T, H, Hk, D, Dv, itemsize, causal, ulysses_size=None):
    """The cost model behind ``strategy="auto"`` for softmax attention, over the
    strategies of the contiguous layout (``"zigzag_ring"`` lays the sequence
    out differently, so it is chosen explicitly): the busiest rank's compute
    plus the transfers it waits for, in seconds.

    ``ring``: ``R`` steps, each ``max(compute, transfer)`` (the transfer
    overlaps), the busiest rank (the last, under ``causal``) computing on
    every block. ``ulysses`` (when ``R`` divides ``H``): ``1/R`` of the whole
    attention plus four all-to-alls, not overlapped. ``hybrid``: Ulysses
    inside groups of ``u`` plus a ring of ``R / u`` steps across them.
    """
    flops = 2.0 * B * H * T * T * (D + Dv) * (0.5 if causal else 1.0)
    lengths = split(T, R)

    def ring_time(ranks, heads, kv_heads, ring_lengths):
        block_compute = flops * heads / H / (ranks * ranks) * _SECONDS_PER_FLOP
        if causal:
            block_compute *= 2  # off-diagonal blocks are whole
        transfer = (
            _LATENCY_S + B * max(ring_lengths) * kv_heads * (D + Dv) * itemsize * _SECONDS_PER_BYTE
        )
        diagonal = block_compute / 2 if causal else block_compute
        return (ranks - 1) * max(block_compute, transfer) + diagonal

    def ulysses_time(group, group_lengths):
        moved = ulysses_bytes(B, group_lengths, H, Hk, D, Dv, itemsize, group)
        return 4 * (group - 1) * _LATENCY_S + moved * _SECONDS_PER_BYTE

    model = {"ring_s": ring_time(R, H, Hk, lengths)}
    if H % R == 0:
        model["ulysses_s"] = flops / R * _SECONDS_PER_FLOP + ulysses_time(R, lengths)
    u = ulysses_size or default_ulysses_size(R, H)
    if 1 < u < R:
        groups = R // u
        group_lengths = [sum(lengths[g * u : (g + 1) * u]) for g in range(groups)]
        kv = ulysses_kv_heads(H, Hk, u) // u
        model["hybrid_s"] = ring_time(groups, H // u, kv, group_lengths) + ulysses_time(
            u, lengths[:u]
        )
        model["ulysses_size"] = u
    candidates = [name for name in ("ring", "ulysses", "hybrid") if f"{name}_s" in model]
    model["choice"] = min(candidates, key=lambda name: model[f"{name}_s"])
    return model


class _Accumulator:
    """A running attention result over key sets seen so far: output and
    log-sum-exp in float32 (float64 for float64 inputs), merged in C++."""

    def __init__(self, distributed, B, T, H, Dv, dtype):
        self.real = np.float64 if dtype == np.float64 else np.float32
        self.o = np.zeros((B, T, H, Dv), self.real)
        self.lse = np.full((B, H, T), -np.inf, self.real)
        self._distributed = distributed

    def add(self, o, lse, row_offset=0):
        partial = np.ascontiguousarray(o, self.real)
        self._distributed.merge_attention(
            self.o, self.lse, partial, np.ascontiguousarray(lse, self.real), row_offset
        )


class AttentionRun:
    """One call of ``SequenceParallel.flash_attn`` on this rank's slices."""

    def __init__(
        self,
        sp,
        q,
        k,
        v,
        causal,
        scale,
        block_size,
        return_lse,
        window=(-1, -1),
        offsets=None,
        key_excess=0,
    ):
        self.sp, self.q, self.k, self.v = sp, q, k, v
        self.causal, self.scale, self.block_size = causal, scale, block_size
        self.return_lse, self.window = return_lse, window
        # Packed sequences' global offsets (batch 1), queries' and keys', or
        # None; per sequence, the keys' end minus the queries' (its bottom-right
        # alignment: 0 for self-attention). Without offsets, ``key_excess``
        # is Tk - Tq of every batch row (cross-attention), None when 0.
        self.offsets_q, self.offsets_k = offsets if offsets is not None else (None, None)
        self.offsets = offsets
        if offsets is not None:
            self.shift = offsets[1][1:] - offsets[0][1:]
        else:
            self.shift = np.array([key_excess]) if key_excess else None
        self.B, _, self.H, self.D = q.shape
        self.Hk, self.Dv = k.shape[2], v.shape[3]

    def attend(self, q, k, v, causal, window=(-1, -1)):
        return ops.flash_attn(
            q,
            k,
            v,
            causal=causal,
            softmax_scale=self.scale,
            window_size=window,
            block_size=self.block_size,
            return_lse=True,
        )

    def _ring(self, transport, q, k, v, lengths, rank, visit):
        """Passes ``[k | v]`` blocks around ``transport`` (members holding
        ``lengths`` tokens) and merges ``visit(acc, source, k_j, v_j)``."""
        B, Hk, D, Dv = self.B, k.shape[2], self.D, self.Dv
        acc = _Accumulator(self.sp._distributed, B, q.shape[1], q.shape[2], Dv, q.dtype)
        own = np.concatenate([k.reshape(-1), v.reshape(-1)])
        sizes = [B * T * Hk * (D + Dv) * own.itemsize for T in lengths]

        def compute(step, source, data):
            block = np.frombuffer(data, dtype=own.dtype)
            T = lengths[source]
            k_j = block[: B * T * Hk * D].reshape(B, T, Hk, D)
            v_j = block[B * T * Hk * D :].reshape(B, T, Hk, Dv)
            visit(acc, source, k_j, v_j)

        self.sp._distributed.ring_pass(transport, own, sizes, compute)
        return acc

    def ring(self, transport, q, k, v, lengths, rank, q_lengths=None):
        """The contiguous ring: block ``j`` is before, at or after this rank's.
        ``lengths``: the key blocks'; ``q_lengths``: the queries' slices when
        they differ (packed cross-attention)."""

        def visit(acc, source, k_j, v_j):
            if not self.causal or source < rank:
                acc.add(*self.attend(q, k_j, v_j, False))
            elif source == rank:
                acc.add(*self.attend(q, k_j, v_j, True))

        if self.aligned:

            def pieces(slices, offsets):
                starts = np.concatenate([[0], np.cumsum(slices)]).tolist()
                return [self._pieces([r], offsets) for r in zip(starts, starts[1:])]

            keys = pieces(lengths, self.offsets_k)
            queries = pieces(q_lengths or lengths, self.offsets_q)[rank]
            visit = self._aligned_visit(q, queries, keys)
        return self._ring(transport, q, k, v, lengths, rank, visit)

    @property
    def aligned(self):
        """Whether blocks need their global alignment: windows, packed
        sequences (keys of other sequences masked off), or query and key
        sequences of different lengths."""
        return tuple(self.window) != (-1, -1) or self.shift is not None

    def _pieces(self, ranges, offsets):
        """Global ``[start, end)`` ranges cut at the boundaries of ``offsets``,
        as ``(start, end, sequence)`` (sequence 0 without packed sequences)."""
        if offsets is None:
            return [(start, end, 0) for start, end in ranges]
        out = []
        for start, end in ranges:
            while start < end:
                sequence = int(np.searchsorted(offsets, start, side="right")) - 1
                stop = min(end, int(offsets[sequence + 1]))
                out.append((start, stop, sequence))
                start = stop
        return out

    def _sees(self, queries, keys, diagonal):
        """Whether any of ``queries`` sees any of ``keys`` when query ``i`` is
        aligned with key ``i + diagonal``: the row's bounds slide by one per
        query, so the last row's upper bound and the first row's lower bound
        decide."""
        left, right = self.window
        upper = diagonal + queries - 1 + right if right >= 0 else math.inf
        if self.causal:
            upper = min(upper, diagonal + queries - 1)
        lower = diagonal - left if left >= 0 else -math.inf
        return queries > 0 and keys > 0 and upper >= 0 and lower <= keys - 1

    def _aligned_visit(self, q, queries, key_pieces):
        """Windows need the global alignment of every pair of pieces: this
        rank's query pieces (``queries``) against a source's key pieces
        (``key_pieces[j]``: the global ``[start, end)`` ranges rank ``j`` holds, in
        order), each pair by ``flash_attn_aligned`` with the difference of
        their starts (plus the sequence's keys' end minus its queries' for
        packed cross-attention: bottom-right per sequence), pairs that see
        nothing skipped."""

        def visit(acc, source, k_j, v_j):
            row = 0
            for q_start, q_end, q_sequence in queries:
                column = 0
                for k_start, k_end, k_sequence in key_pieces[source]:
                    diagonal = q_start - k_start
                    if self.shift is not None:
                        diagonal += int(self.shift[q_sequence])
                    if q_sequence == k_sequence and self._sees(
                        q_end - q_start, k_end - k_start, diagonal
                    ):
                        rows = slice(row, row + q_end - q_start)
                        keys = slice(column, column + k_end - k_start)
                        o, lse = flash_attn_aligned(
                            q[:, rows],
                            k_j[:, keys],
                            v_j[:, keys],
                            diagonal,
                            causal=self.causal,
                            softmax_scale=self.scale,
                            window_size=self.window,
                            block_size=self.block_size,
                            return_lse=True,
                        )
                        acc.add(o, lse, row_offset=row)
                    column += k_end - k_start
                row += q_end - q_start

        return visit

    def zigzag_ring(self, T, Tk=None):
        sp = self.sp
        R, rank = sp.size, sp.rank
        Tk = T if Tk is None else Tk
        lengths = [zigzag_length(Tk, R, j) for j in range(R)]
        first = [end - start for start, end in (zigzag_chunks(T, R, j)[0] for j in range(R))]
        q = self.q

        def visit(acc, source, k_j, v_j):
            if not self.causal:
                acc.add(*self.attend(q, k_j, v_j, False))
            elif source == rank:
                # Own chunks a < b: local causal order is the global one.
                acc.add(*self.attend(q, k_j, v_j, True))
            elif source < rank:
                # Chunk `source` precedes both of ours; `2R-1-source` follows both.
                n = first[source]
                acc.add(*self.attend(q, k_j[:, :n], v_j[:, :n], False))
            else:
                # Both of `source`'s chunks lie between our two: our second sees them.
                n = first[rank]
                acc.add(*self.attend(q[:, n:], k_j, v_j, False), row_offset=n)

        if self.aligned:
            keys = [self._pieces(zigzag_chunks(Tk, R, j), self.offsets_k) for j in range(R)]
            queries = self._pieces(zigzag_chunks(T, R, rank), self.offsets_q)
            visit = self._aligned_visit(q, queries, keys)
        return self._ring(sp._transport, q, self.k, self.v, lengths, rank, visit)

    def ulysses(self, transport, q, k, v, lengths, rank_in_group, group, inner, k_lengths=None):
        """Ulysses over ``transport`` (``group`` ranks, slices of ``lengths``;
        the keys' of ``k_lengths`` when they differ), with ``inner(q_h, k_h,
        v_h) -> accumulator`` on the head shares."""
        dist = self.sp._distributed
        if self.H % group:
            raise ValueError(
                f"SequenceParallel.flash_attn: Ulysses needs the {self.H} heads to divide "
                f"by the {group} ranks it spreads them over"
            )
        if self.Hk % group:
            # Each rank must receive the key/value heads of its query heads.
            repeat = self.H // self.Hk
            k, v = (np.ascontiguousarray(np.repeat(x, repeat, axis=2)) for x in (k, v))
        q_h, k_h, v_h = (
            dist.to_heads(transport, np.ascontiguousarray(x), n)
            for x, n in ((q, lengths), (k, k_lengths or lengths), (v, k_lengths or lengths))
        )
        acc = inner(q_h, k_h, v_h)
        o = dist.to_sequence(transport, np.ascontiguousarray(acc.o.astype(q.dtype)), lengths)
        lse = None
        if self.return_lse:
            lse = dist.to_sequence(
                transport, np.ascontiguousarray(acc.lse.transpose(0, 2, 1)), lengths
            ).transpose(0, 2, 1)
        return o, lse

    def local(self, q_h, k_h, v_h):
        acc = _Accumulator(self.sp._distributed, *q_h.shape[:3], self.Dv, q_h.dtype)
        # The whole sequence is here: windows and packed sequences apply as
        # on one device.
        if self.offsets is None:
            acc.add(*self.attend(q_h, k_h, v_h, self.causal, self.window))
            return acc
        o, lse = ops.flash_attn(
            q_h,
            k_h,
            v_h,
            causal=self.causal,
            softmax_scale=self.scale,
            window_size=self.window,
            cu_seqlens_q=self.offsets_q,
            cu_seqlens_k=self.offsets_k,
            block_size=self.block_size,
            return_lse=True,
        )
        acc.add(o, lse[None])
        return acc


def run(
    sp,
    q,
    k,
    v,
    strategy,
    T,
    causal,
    scale,
    block_size,
    ulysses_size,
    return_lse,
    window,
    offsets=None,
    Tk=None,
):
    """(o, lse) of this rank's slice by ``strategy``; lse is None unless
    ``return_lse``. ``offsets``: packed sequences' global offsets (B = 1),
    ``(queries', keys')``; ``Tk``: the keys' total when it differs from
    ``T`` (cross-attention, packed or not)."""
    Tk = T if Tk is None else Tk
    excess = Tk - T if offsets is None else 0
    job = AttentionRun(sp, q, k, v, causal, scale, block_size, return_lse, window, offsets, excess)
    R, rank = sp.size, sp.rank
    lengths, k_lengths = split(T, R), split(Tk, R)
    if strategy == "ring":
        acc = job.ring(sp._transport, q, k, v, k_lengths, rank, lengths)
    elif strategy == "zigzag_ring":
        acc = job.zigzag_ring(T, Tk)
    elif strategy == "ulysses":
        return job.ulysses(sp._transport, q, k, v, lengths, rank, R, job.local, k_lengths)
    else:  # hybrid
        u = ulysses_size
        group_comm, ring_comm = sp._hybrid_transports(u)
        groups = R // u
        members = slice((rank // u) * u, (rank // u + 1) * u)

        def totals(slices):
            return [sum(slices[g * u : (g + 1) * u]) for g in range(groups)]

        def inner(q_h, k_h, v_h):
            return job.ring(ring_comm, q_h, k_h, v_h, totals(k_lengths), rank // u, totals(lengths))

        return job.ulysses(
            group_comm, q, k, v, lengths[members], rank % u, u, inner, k_lengths[members]
        )
    o = acc.o.astype(q.dtype)
    return o, (acc.lse if return_lse else None)


def check_heads(strategy, H, R, ulysses_size):
    """A clear error when the heads cannot spread over the ranks."""
    if strategy == "ulysses" and H % R:
        raise ValueError(
            f"SequenceParallel.flash_attn: strategy 'ulysses' needs the heads to divide by "
            f"the ranks: {H} heads on {R} ranks (use 'ring', 'zigzag_ring' or 'hybrid')"
        )
    if strategy == "hybrid" and (R % ulysses_size or H % ulysses_size):
        raise ValueError(
            f"SequenceParallel.flash_attn: hybrid's Ulysses group of {ulysses_size} ranks must "
            f"divide the {R} ranks and the {H} heads"
        )
