# recur.distributed.SequenceParallel under mpirun (-np 2 and -np 4, from the
# test command): each rank runs the same tests on its slice and compares with
# the single-device operator on the whole sequence, which every rank also
# computes. Failures are agreed on across ranks before asserting, so one
# rank's failure cannot leave the others waiting in a collective.
#
# Tolerance 1e-4 absolute (values O(1)): the sequence-parallel run adds the
# float32 carry of slice states to the same float32 chunked sums.

import ml_dtypes
import numpy as np
import pytest
from mpi4py import MPI

import recur
import recur.language as rl
from recur import ops
from recur.distributed import SequenceParallel

COMM = MPI.COMM_WORLD


def agree(ok: bool) -> bool:
    """True on every rank only if it holds on every rank."""
    return COMM.allreduce(bool(ok), op=MPI.LAND)


def inputs(seed, B=2, T=103, H=2, K=16, V=8, gated=False):
    rng = np.random.default_rng(seed)  # the same on every rank
    q = (0.5 * rng.standard_normal((B, T, H, K))).astype(np.float32)
    k = (0.5 * rng.standard_normal((B, T, H, K))).astype(np.float32)
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    g = -rng.uniform(0, 0.5, (B, T, H, K)).astype(np.float32) if gated else None
    s0 = rng.standard_normal((B, H, K, V)).astype(np.float32)
    return q, k, v, g, s0


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring", "auto"])
@pytest.mark.parametrize("op", ["linear_attn", "gla"])
@pytest.mark.parametrize("with_state", [False, True])
def test_matches_the_single_device_run(strategy, op, with_state):
    sp = SequenceParallel(strategy=strategy)
    q, k, v, g, s0 = inputs(7, gated=op == "gla")
    s0 = s0 if with_state else None
    full = [q, k, v] + ([g] if g is not None else [])
    expected_o, expected_final = getattr(ops, op)(*full, initial_state=s0, output_final_state=True)
    local = [sp.shard(x) for x in full]
    o, final = getattr(sp, op)(*local, initial_state=s0, output_final_state=True)
    error = max(
        np.abs(o - sp.shard(expected_o)).max(initial=0.0),
        np.abs(final - expected_final).max(),
    )
    assert agree(error < 1e-4), f"rank {sp.rank}: error {error}"
    assert agree(np.allclose(sp.unshard(o), expected_o, atol=1e-4))


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring"])
def test_bytes_sent_match_the_formulas(strategy):
    sp = SequenceParallel(strategy=strategy)
    B, H, K, V = 2, 2, 16, 8
    q, k, v, g, _ = inputs(3, B=B, H=H, K=K, V=V, gated=True)
    sp.reset_counters()
    sp.gla(sp.shard(q), sp.shard(k), sp.shard(v), sp.shard(g))
    state, decay = B * H * K * V * 4, B * H * K * 4
    if strategy == "allgather":
        expected = (sp.size - 1) * (state + decay)
    elif sp.rank + 1 < sp.size:
        expected = state  # the carry to the next rank
    else:
        expected = (sp.size - 1) * state  # the final state to every other rank
    assert agree(sp.bytes_sent == expected), (sp.rank, sp.bytes_sent, expected)


def test_mismatched_shapes_raise_on_every_rank():
    sp = SequenceParallel()
    K = 16 if sp.rank != 1 else 8
    q, k, v, _, _ = inputs(5, K=K)
    with pytest.raises(ValueError, match="every rank must pass the same"):
        sp.linear_attn(sp.shard(q), sp.shard(k), sp.shard(v))


def test_bad_initial_states_raise_on_every_rank():
    # Rank 0 runs from the initial state before the carry: a wrong shape
    # raises there and, the ranks having agreed on it, everywhere else.
    sp = SequenceParallel()
    q, k, v, _, s0 = inputs(5)
    local = [sp.shard(a) for a in (q, k, v)]
    with pytest.raises(ValueError, match=r"initial_state \[B, H, K, V\] must be \[2, 2, 16, 8\]"):
        sp.gla(*local, -np.abs(local[0]), initial_state=s0[:1])
    x = sp.shard(np.ones((1, 40, 2, 4), np.float32))
    dt = sp.shard(np.full((1, 40, 2), 0.1, np.float32))
    C = sp.shard(np.ones((1, 40, 1, 8), np.float32))
    A = -np.ones(2, np.float32)
    with pytest.raises(ValueError, match=r"initial_states \[b, h, p, n\] must be \[1, 2, 4, 8\]"):
        sp.ssd(x, dt, A, C, C, initial_states=np.zeros((1, 2, 8, 4), np.float32))
    u = sp.shard(np.ones((1, 3, 40), np.float32), axis=2)
    Bm = sp.shard(np.ones((1, 5, 40), np.float32), axis=2)
    with pytest.raises(ValueError, match=r"initial_state \[b, d, n\] must be \[1, 3, 5\]"):
        sp.selective_scan(u, u, -np.ones((3, 5), np.float32), Bm, Bm, initial_state=np.zeros(3))


class GpuResident:
    """Stands for a GPU tensor: what the strategies look at to tell."""

    def __init__(self, interface):
        if interface == "cuda_array_interface":
            self.__cuda_array_interface__ = {"shape": (1,), "typestr": "<f4", "data": (0, False)}
        else:  # DLPack on device kind 2 (kDLCUDA)
            self.__dlpack_device__ = lambda: (2, 0)


@pytest.mark.parametrize("interface", ["cuda_array_interface", "dlpack"])
def test_gpu_resident_arrays_are_a_clear_error(interface):
    sp = SequenceParallel()
    q, k, v, _, _ = inputs(5)
    gpu = GpuResident(interface)
    message = "argument 'q' is in GPU memory; the strategies keep their carries"
    with pytest.raises(ValueError, match=message):
        sp.gla(gpu, k, v, k)
    with pytest.raises(ValueError, match=message):
        sp.flash_attn(gpu, k, v)
    with pytest.raises(ValueError, match="argument 'x' is in GPU memory"):
        sp.newton_rnn("gru_diag", gpu, newton_inputs("gru_diag", np.float32)[1])


def test_shard_and_unshard_round_trip():
    sp = SequenceParallel()
    x = np.arange(2 * 11 * 3, dtype=np.float32).reshape(2, 11, 3)
    local = sp.shard(x)
    sizes = COMM.allgather(local.shape[1])
    assert sum(sizes) == 11 and max(sizes) - min(sizes) <= 1
    assert agree(np.array_equal(sp.unshard(local), x))


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown strategy"):
        SequenceParallel(strategy="zigzag")
    with pytest.raises(ValueError, match="backend 'gloo' is not available"):
        SequenceParallel(backend="gloo")


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring"])
def test_ssd_matches_the_single_device_run(strategy):
    sp = SequenceParallel(strategy=strategy)
    rng = np.random.default_rng(11)
    b, l, h, p, g, n = 2, 97, 4, 8, 2, 16
    x, z = (rng.standard_normal((b, l, h, p)).astype(np.float32) for _ in range(2))
    dt = rng.uniform(-1, 1, (b, l, h)).astype(np.float32)
    A = -rng.uniform(0.2, 1.5, h).astype(np.float32)
    Bm, Cm = ((0.5 * rng.standard_normal((b, l, g, n))).astype(np.float32) for _ in range(2))
    D, bias = (rng.standard_normal(h).astype(np.float32) for _ in range(2))
    s0 = rng.standard_normal((b, h, p, n)).astype(np.float32)
    kw = dict(chunk_size=32, D=D, dt_bias=bias, dt_softplus=True, initial_states=s0)
    y_full, final_full = ops.ssd(x, dt, A, Bm, Cm, z=z, **kw, return_final_states=True)
    y, final = sp.ssd(
        *(sp.shard(a) for a in (x, dt)), A, *(sp.shard(a) for a in (Bm, Cm)),
        z=sp.shard(z), **kw, return_final_states=True
    )  # fmt: skip
    error = max(np.abs(y - sp.shard(y_full)).max(initial=0.0), np.abs(final - final_full).max())
    assert agree(error < 1e-4), f"rank {sp.rank}: error {error}"


def test_linear_recurrences_run_the_operator_once_per_rank(monkeypatch):
    # Every linear recurrence but the selective scan adds the entering
    # state's share to the slice's outputs from a zero state (one product per
    # step; the delta rules' K x K transition products come out of the same
    # pass as K more value columns) instead of running the operator again.
    # The delta rules upcast float16 inputs to float32 for it on the CPU.
    calls = []
    names = ("linear_attn", "gla", "delta_rule", "gated_delta_rule", "ssd")
    for name in names:
        original = getattr(ops, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(ops, name, counted)
    sp = SequenceParallel(strategy="allgather")
    q, k, v, _, s0 = inputs(5)
    q, k, v = (sp.shard(a) for a in (q, k, v))
    beta = np.full(q.shape[:3], 0.5, np.float32)
    sp.linear_attn(q, k, v, initial_state=s0)
    sp.gla(q, k, v, -np.abs(q), initial_state=s0)
    sp.delta_rule(q, k, v, beta, initial_state=s0)
    half = [a.astype(np.float16) for a in (q, k, v, -beta, beta)]
    sp.gated_delta_rule(*half, initial_state=s0)
    x = sp.shard(np.ones((1, 40, 2, 4), np.float32))
    dt = sp.shard(np.full((1, 40, 2), 0.1, np.float32))
    C = sp.shard(np.ones((1, 40, 1, 8), np.float32))
    sp.ssd(x, dt, -np.ones(2, np.float32), C, C, chunk_size=16)
    assert agree(calls == list(names)), f"rank {sp.rank}: {calls}"


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring"])
@pytest.mark.parametrize("op", ["delta_rule", "gated_delta_rule"])
def test_delta_rules_match_the_single_device_run(strategy, op):
    sp = SequenceParallel(strategy=strategy)
    rng = np.random.default_rng(13)
    B, T, H, K, V = 2, 90, 2, 8, 4
    q = rng.standard_normal((B, T, H, K)).astype(np.float32)
    k = rng.standard_normal((B, T, H, K))
    k = (k / np.linalg.norm(k, axis=-1, keepdims=True)).astype(np.float32)
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    beta = rng.uniform(0, 1, (B, T, H)).astype(np.float32)
    g = -rng.uniform(0, 0.3, (B, T, H)).astype(np.float32)
    s0 = rng.standard_normal((B, H, K, V)).astype(np.float32)
    gates = [g, beta] if op == "gated_delta_rule" else [beta]
    o_full, final_full = getattr(ops, op)(
        q, k, v, *gates, initial_state=s0, output_final_state=True
    )
    sp.reset_counters()
    o, final = getattr(sp, op)(
        *(sp.shard(a) for a in [q, k, v] + gates), initial_state=s0, output_final_state=True
    )
    error = max(np.abs(o - sp.shard(o_full)).max(initial=0.0), np.abs(final - final_full).max())
    assert agree(error < 1e-4), f"rank {sp.rank}: error {error}"
    if strategy == "allgather":  # the summary: the state and a K x K matrix
        expected = (sp.size - 1) * B * H * K * (K + V) * 4
        assert agree(sp.bytes_sent == expected), (sp.bytes_sent, expected)


def test_auto_picks_by_the_cost_model(monkeypatch, capsys):
    from recur.distributed import choose_linear_strategy

    # Small states: one all-gather beats R - 1 dependent hops.
    assert choose_linear_strategy(2, 65536, 0, 8)["choice"] == "allgather"
    # Large K x K transitions triple the all-gather's bytes: on 4 ranks the
    # chain moves less, and in 8 pipelined blocks it beats whole states.
    big = choose_linear_strategy(4, 1 << 20, 2 << 20, 8)
    assert big["choice"] == "allscan"
    assert big["allscan_s"] < big["ring_s"] < big["allgather_s"]
    # A small state with a large transition: the blocks' extra latencies
    # cost more than they save, and whole states hop fastest.
    assert choose_linear_strategy(4, 1024, 1 << 20, 8)["choice"] == "ring"
    # One block is the ring's chain.
    one = choose_linear_strategy(4, 1 << 20, 2 << 20, 1)
    assert one["allscan_s"] == pytest.approx(one["ring_s"])
    monkeypatch.setenv("RECUR_LOG", "1")
    sp = SequenceParallel(strategy="auto")
    q, k, v, _, _ = inputs(9)
    sp.linear_attn(sp.shard(q), sp.shard(k), sp.shard(v))
    printed = capsys.readouterr().out
    if sp.rank == 0:
        assert f"linear_attn on {sp.size} ranks: allgather (model: allgather" in printed
    else:
        assert printed == ""


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring"])
def test_selective_scan_matches_the_single_device_run(strategy):
    sp = SequenceParallel(strategy=strategy)
    rng = np.random.default_rng(17)
    b, d, n, l = 2, 6, 8, 101
    u, delta, z = (rng.standard_normal((b, d, l)).astype(np.float32) for _ in range(3))
    A = -rng.uniform(0.2, 1.5, (d, n)).astype(np.float32)
    Bm, Cm = (rng.standard_normal((b, n, l)).astype(np.float32) for _ in range(2))
    D, bias = (rng.standard_normal(d).astype(np.float32) for _ in range(2))
    s0 = rng.standard_normal((b, d, n)).astype(np.float32)
    kw = dict(D=D, z=None, delta_bias=bias, delta_softplus=True, initial_state=s0)
    y_full, last_full = ops.selective_scan(u, delta, A, Bm, Cm, **kw, return_last_state=True)
    # Slices along the last axis (l).
    local = [sp.shard(a, axis=2) for a in (u, delta, Bm, Cm)]
    y, last = sp.selective_scan(
        local[0], local[1], A, local[2], local[3], **kw, return_last_state=True
    )
    error = max(
        np.abs(y - sp.shard(y_full, axis=2)).max(initial=0.0),
        np.abs(last - last_full).max(),
    )
    assert agree(error < 1e-4), f"rank {sp.rank}: error {error}"


# ----------------------------------------------------------------------
# Packed sequences (cu_seqlens) of the linear recurrences, T = 61 (slices of
# 31/30 steps on 2 ranks, 16/15/15/15 on 4). PACKED_A: a sequence inside
# rank 0; one across the boundaries at 16 and 31 (two ranks' on 4); an empty
# one; one inside rank 2 (of 4); one across 46; one to the end. PACKED_B:
# sequences starting exactly at the boundaries (16, 31) and one across 46.
# Tolerance 1e-4 absolute, as above: float32 chunked sums plus the float32
# carry of one sequence's state (observed ~1e-6).

PACKED_A = [0, 3, 40, 40, 44, 47, 61]
PACKED_B = [0, 16, 31, 50, 61]


def family_inputs(op, seed, B, T, H, K, V, states=None):
    """Inputs of a linear recurrence (normalised keys, gates in range) and
    an initial state with ``states`` rows (default B)."""
    rng = np.random.default_rng(seed)  # the same on every rank
    q = (0.5 * rng.standard_normal((B, T, H, K))).astype(np.float32)
    k = rng.standard_normal((B, T, H, K))
    k = (0.5 * k / np.linalg.norm(k, axis=-1, keepdims=True)).astype(np.float32)
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    s0 = rng.standard_normal((B if states is None else states, H, K, V)).astype(np.float32)
    gates = {
        "linear_attn": [],
        "gla": [-rng.uniform(0, 0.5, (B, T, H, K)).astype(np.float32)],
        "delta_rule": [rng.uniform(0, 1, (B, T, H)).astype(np.float32)],
        "gated_delta_rule": [
            -rng.uniform(0, 0.3, (B, T, H)).astype(np.float32),
            rng.uniform(0, 1, (B, T, H)).astype(np.float32),
        ],
    }[op]
    return [q, k, v] + gates, s0


def packed_inputs(op, cu, seed=23, T=61, H=2, K=8, V=4):
    return family_inputs(op, seed, 1, T, H, K, V, states=len(cu) - 1)


def continued_boundaries(sp, cu, T):
    """Per rank r: whether a sequence runs on across the start of rank r's
    slice (the carry then reaches it from rank r - 1)."""
    starts = np.cumsum([0] + COMM.allgather(len(sp._positions(T, sp.rank))))
    return [r > 0 and starts[r] not in cu[:-1] for r in range(sp.size)]


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring", "auto"])
@pytest.mark.parametrize("op", ["linear_attn", "gla", "delta_rule", "gated_delta_rule"])
@pytest.mark.parametrize("cu", [PACKED_A, PACKED_B], ids=["A", "B"])
@pytest.mark.parametrize("with_state", [False, True])
def test_packed_sequences_match_the_single_device_run(strategy, op, cu, with_state):
    sp = SequenceParallel(strategy=strategy)
    full, s0 = packed_inputs(op, cu)
    s0 = s0 if with_state else None
    cu = np.array(cu, np.int32)
    o_full, final_full = getattr(ops, op)(
        *full, initial_state=s0, output_final_state=True, cu_seqlens=cu
    )
    o, final = getattr(sp, op)(
        *(sp.shard(a) for a in full), initial_state=s0, output_final_state=True, cu_seqlens=cu
    )
    error = max(np.abs(o - sp.shard(o_full)).max(initial=0.0), np.abs(final - final_full).max())
    assert agree(error < 1e-4), f"rank {sp.rank}: error {error}"


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring"])
@pytest.mark.parametrize("op", ["gla", "delta_rule"])
def test_packed_bytes_sent_match_the_formulas(strategy, op):
    sp = SequenceParallel(strategy=strategy)
    full, s0 = packed_inputs(op, PACKED_A)
    cu = np.array(PACKED_A, np.int64)
    H, K, V = 2, 8, 4
    state = H * K * V * 4  # one sequence's state
    transition = H * K * 4 if op == "gla" else H * K * K * 4
    continued = continued_boundaries(sp, cu, 61)
    for output_final_state in (False, True):
        sp.reset_counters()
        o, final = getattr(sp, op)(
            *(sp.shard(a) for a in full),
            initial_state=s0,
            output_final_state=output_final_state,
            cu_seqlens=cu,
        )
        if strategy == "allgather":
            expected = (sp.size - 1) * (state + transition)
        else:  # only where the next rank continues this rank's last sequence
            expected = state if sp.rank + 1 < sp.size and continued[sp.rank + 1] else 0
        if output_final_state:  # the final states of the sequences ending here
            bounds = np.cumsum([0] + COMM.allgather(o.shape[1]))
            lo, hi = bounds[sp.rank], bounds[sp.rank + 1]
            ending = sum(lo < e <= hi and e > b for b, e in zip(cu[:-1], cu[1:]))
            expected += (sp.size - 1) * ending * state
        assert agree(sp.bytes_sent == expected), (sp.rank, sp.bytes_sent, expected)


def test_packed_sequences_with_empty_slices():
    # Fewer steps than ranks on 4 ranks: empty slices pass the state on.
    sp = SequenceParallel(strategy="ring")
    full, s0 = packed_inputs("gla", [0, 1, 3], T=3)
    cu = np.array([0, 1, 3], np.int64)
    o_full, final_full = ops.gla(*full, initial_state=s0, output_final_state=True, cu_seqlens=cu)
    o, final = sp.gla(
        *(sp.shard(a) for a in full), initial_state=s0, output_final_state=True, cu_seqlens=cu
    )
    error = max(np.abs(o - sp.shard(o_full)).max(initial=0.0), np.abs(final - final_full).max())
    assert agree(error < 1e-4), f"rank {sp.rank}: error {error}"


def test_packed_sequences_errors_raise_on_every_rank():
    sp = SequenceParallel(strategy="allgather")
    full, _ = packed_inputs("linear_attn", PACKED_A)
    local = [sp.shard(a) for a in full]
    cu = np.array(PACKED_A if sp.rank != 1 else PACKED_B, np.int64)
    with pytest.raises(ValueError, match="every rank must pass the same"):
        sp.linear_attn(*local, cu_seqlens=cu)
    with pytest.raises(ValueError, match="rising from 0 to the 61 steps"):
        sp.linear_attn(*local, cu_seqlens=np.array([0, 5, 60], np.int64))
    with pytest.raises(ValueError, match=r"initial_state must be \[N, H, K, V\]"):
        sp.linear_attn(
            *local,
            cu_seqlens=np.array(PACKED_B, np.int64),
            initial_state=np.zeros((2, 2, 8, 4), np.float32),
        )


# Narrow inputs: both runs compute in float32 and round the outputs once, so
# they differ by at most one unit in the last place of the output (2^-10
# of its magnitude in float16, 2^-7 in bfloat16), plus the float32
# differences (1e-4) that final states, kept in float32, are held to.
NARROW = {"float16": (np.float16, 2.0**-10), "bfloat16": (ml_dtypes.bfloat16, 2.0**-7)}


@pytest.mark.parametrize("dtype", NARROW)
@pytest.mark.parametrize("op", ["linear_attn", "gla", "delta_rule", "gated_delta_rule"])
@pytest.mark.parametrize("cu", [None, PACKED_A], ids=["whole", "packed"])
def test_narrow_inputs_match_the_single_device_run(dtype, op, cu):
    sp = SequenceParallel(strategy="allgather")
    narrow, ulp = NARROW[dtype]
    full, s0 = family_inputs(op, 31, 2 if cu is None else 1, 61, 2, 8, 4, cu and len(cu) - 1)
    full = [a.astype(narrow) for a in full]
    kw = {} if cu is None else {"cu_seqlens": np.array(cu, np.int64)}
    o_full, final_full = getattr(ops, op)(*full, initial_state=s0, output_final_state=True, **kw)
    o, final = getattr(sp, op)(
        *(sp.shard(a) for a in full), initial_state=s0, output_final_state=True, **kw
    )
    expected = sp.shard(o_full).astype(np.float64)
    ok = o.dtype == narrow and np.all(
        np.abs(o.astype(np.float64) - expected) <= ulp * np.abs(expected) + 1e-4
    )
    error = np.abs(final - final_full).max()
    assert agree(ok and error < 1e-4), f"rank {sp.rank}: final error {error}"


# ----------------------------------------------------------------------
# linear_attn(normalize=True): positive feature maps (as linear attention
# layers apply, e.g. elu + 1) keep the normaliser q·Σk well away from zero,
# so the float32 outputs keep the 1e-4 tolerance of the plain recurrence.


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring"])
@pytest.mark.parametrize("cu", [None, PACKED_A], ids=["whole", "packed"])
@pytest.mark.parametrize("with_state", [False, True])
def test_normalized_linear_attention(strategy, cu, with_state):
    sp = SequenceParallel(strategy=strategy)
    rng = np.random.default_rng(29)
    B = 2 if cu is None else 1
    N = B if cu is None else len(cu) - 1
    T, H, K, V = 61, 2, 8, 4
    q, k = (rng.uniform(0.1, 1.0, (B, T, H, K)).astype(np.float32) for _ in range(2))
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    s0 = rng.standard_normal((N, H, K, V)).astype(np.float32) if with_state else None
    kw = {} if cu is None else {"cu_seqlens": np.array(cu, np.int64)}
    o_full, final_full = ops.linear_attn(
        q, k, v, initial_state=s0, output_final_state=True, normalize=True, **kw
    )
    sp.reset_counters()
    o, final = sp.linear_attn(
        *(sp.shard(a) for a in (q, k, v)),
        initial_state=s0,
        output_final_state=True,
        normalize=True,
        **kw,
    )
    error = max(np.abs(o - sp.shard(o_full)).max(initial=0.0), np.abs(final - final_full).max())
    assert agree(error < 1e-4), f"rank {sp.rank}: error {error}"
    if cu is None and strategy == "allgather":  # the key sum: one more value column
        expected = (sp.size - 1) * B * H * K * (V + 1) * 4
        assert agree(sp.bytes_sent == expected), (sp.rank, sp.bytes_sent, expected)


# ----------------------------------------------------------------------
# Softmax attention. T = 45 divides by neither 2 nor 4 ranks (nor by the 2R
# zigzag chunks); GQA (Hk = 2) and MQA (Hk = 1, which Ulysses repeats to H
# heads). Tolerance 2e-5 absolute: float32 partial softmaxes merged by their
# log-sum-exps against the one-pass online softmax (observed ~1e-6).


def attention_inputs(seed, B=2, T=45, H=4, Hk=2, D=16, Dv=8, dtype=np.float32):
    rng = np.random.default_rng(seed)  # the same on every rank
    q = rng.standard_normal((B, T, H, D)).astype(dtype)
    k = rng.standard_normal((B, T, Hk, D)).astype(dtype)
    v = rng.standard_normal((B, T, Hk, Dv)).astype(dtype)
    return q, k, v


def attention_bytes(sp, strategy, T, B, H, Hk, D, Dv, itemsize, lse_itemsize):
    """docs/distributed.md's bytes per rank for flash_attn."""
    R, r = sp.size, sp.rank
    contiguous = [T // R + (j < T % R) for j in range(R)]

    def ring(lengths, heads, rank):
        n = len(lengths)
        if n == 1:
            return 0
        return sum(
            B * t * heads * (D + Dv) * itemsize
            for j, t in enumerate(lengths)
            if j != (rank + 1) % n
        )

    def ulysses(lengths, group):
        if group == 1:
            return 0
        kv = Hk if Hk % group == 0 else H
        per_token = (H + kv) * (D + Dv) * itemsize + H * lse_itemsize
        return (group - 1) * B * max(lengths) * per_token // group

    if strategy == "ring":
        return ring(contiguous, Hk, r)
    if strategy == "zigzag_ring":
        chunks = [T // (2 * R) + (c < T % (2 * R)) for c in range(2 * R)]
        return ring([chunks[j] + chunks[2 * R - 1 - j] for j in range(R)], Hk, r)
    if strategy == "ulysses":
        return ulysses(contiguous, R)
    u = sp.ulysses_size or max(d for d in range(1, max(R, 2)) if R % d == 0 and H % d == 0)
    groups = [sum(contiguous[g * u : (g + 1) * u]) for g in range(R // u)]
    kv = (Hk if Hk % u == 0 else H) // u
    return ulysses(contiguous[(r // u) * u : (r // u + 1) * u], u) + ring(groups, kv, r // u)


@pytest.mark.parametrize("strategy", ["ring", "zigzag_ring", "ulysses", "hybrid", "auto"])
@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("Hk", [2, 1])
def test_flash_attn_matches_the_single_device_run(strategy, causal, Hk):
    sp = SequenceParallel(strategy=strategy)
    q, k, v = attention_inputs(23, Hk=Hk)
    o_full, lse_full = ops.flash_attn(q, k, v, causal=causal, return_lse=True)
    sp.reset_counters()
    o, lse = sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v), causal=causal, return_lse=True)
    assert o.dtype == np.float32 and lse.dtype == np.float32
    error = max(
        np.abs(o - sp.shard(o_full)).max(),
        np.abs(lse - sp.shard(lse_full, axis=2)).max(),
    )
    assert agree(error < 2e-5), f"rank {sp.rank}: error {error}"
    assert agree(np.allclose(sp.unshard(o), o_full, atol=2e-5))
    if strategy != "auto":
        expected = attention_bytes(sp, strategy, 45, 2, 4, Hk, 16, 8, 4, 4)
        assert agree(sp.bytes_sent == expected), (sp.rank, sp.bytes_sent, expected)


@pytest.mark.parametrize("strategy", ["ring", "zigzag_ring", "ulysses", "hybrid"])
@pytest.mark.parametrize("dtype", NARROW)
def test_flash_attn_narrow_inputs(strategy, dtype):
    """float16/bfloat16: the partial outputs come back rounded to the input
    dtype and merge in float32, then round once more; each output is a convex
    combination of value rows, so two units in the last place of the largest
    |v| bound the difference from the single-device rounding. lse stays
    float32 (2e-5, as above)."""
    sp = SequenceParallel(strategy=strategy)
    narrow, ulp = NARROW[dtype]
    q, k, v = (a.astype(narrow) for a in attention_inputs(37))
    o_full, lse_full = ops.flash_attn(q, k, v, causal=True, return_lse=True)
    o, lse = sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v), causal=True, return_lse=True)
    bound = 2 * ulp * np.abs(v.astype(np.float64)).max()
    error = np.abs(o.astype(np.float64) - sp.shard(o_full).astype(np.float64)).max()
    lse_error = np.abs(lse - sp.shard(lse_full, axis=2)).max()
    ok = o.dtype == narrow and error <= bound and lse_error < 2e-5
    assert agree(ok), f"rank {sp.rank}: {o.dtype} error {error} (bound {bound}), lse {lse_error}"


@pytest.mark.parametrize("strategy", ["ring", "zigzag_ring", "ulysses", "hybrid"])
def test_flash_attn_f64_and_options(strategy):
    """float64 merges in float64; an explicit scale; no lse asked: no lse sent."""
    sp = SequenceParallel(strategy=strategy)
    q, k, v = attention_inputs(29, B=1, T=38, H=4, Hk=4, D=8, Dv=8, dtype=np.float64)
    o_full = ops.flash_attn(q, k, v, causal=True, softmax_scale=0.2)
    sp.reset_counters()
    o = sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v), causal=True, softmax_scale=0.2)
    assert o.dtype == np.float64
    error = np.abs(o - sp.shard(o_full)).max()
    assert agree(error < 1e-12), f"rank {sp.rank}: error {error}"
    expected = attention_bytes(sp, strategy, 38, 1, 4, 4, 8, 8, 8, 0)
    assert agree(sp.bytes_sent == expected), (sp.rank, sp.bytes_sent, expected)


@pytest.mark.parametrize("strategy", ["ring", "zigzag_ring", "ulysses", "hybrid", "auto"])
@pytest.mark.parametrize("causal,window", [(True, (6, 0)), (False, (4, 7))])
def test_flash_attn_windows(strategy, causal, window):
    """Sliding windows: Ulysses attends over the whole sequence; the rings
    align every pair of pieces globally (windows narrower than a slice, so
    whole blocks and chunk pairs are skipped)."""
    sp = SequenceParallel(strategy=strategy)
    q, k, v = attention_inputs(47)
    o_full, lse_full = ops.flash_attn(q, k, v, causal=causal, window_size=window, return_lse=True)
    o, lse = sp.flash_attn(
        sp.shard(q), sp.shard(k), sp.shard(v), causal=causal, window_size=window, return_lse=True
    )
    error = max(np.abs(o - sp.shard(o_full)).max(), np.abs(lse - sp.shard(lse_full, axis=2)).max())
    assert agree(error < 2e-5), f"rank {sp.rank}: error {error}"


@pytest.mark.parametrize("strategy", ["ring", "zigzag_ring", "ulysses", "hybrid"])
@pytest.mark.parametrize("causal,window", [(True, (-1, -1)), (False, (-1, -1)), (True, (6, 0))])
def test_flash_attn_packed_sequences(strategy, causal, window):
    """cu_seqlens: sequences that cross slice (and zigzag chunk) boundaries, one
    of a single step; keys of other sequences stay masked off."""
    sp = SequenceParallel(strategy=strategy)
    q, k, v = attention_inputs(53, B=1)
    cu = np.array([0, 10, 11, 30, 45], np.int32)
    kw = dict(causal=causal, window_size=window, cu_seqlens_q=cu, cu_seqlens_k=cu)
    o_full, lse_full = ops.flash_attn(q, k, v, **kw, return_lse=True)  # lse [H, T]
    o, lse = sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v), **kw, return_lse=True)
    assert lse.shape == (4, o.shape[1])
    error = max(np.abs(o - sp.shard(o_full)).max(), np.abs(lse - sp.shard(lse_full, axis=1)).max())
    assert agree(error < 2e-5), f"rank {sp.rank}: error {error}"
    # The packed [T_r, H, D] layout as well.
    o3 = sp.flash_attn(*(sp.shard(x)[0] for x in (q, k, v)), **kw)
    assert agree(np.array_equal(o3, o[0]))


def check_cross_attention(sp, strategy, k, o, lse, o_full, lse_full, lse_axis):
    """Cross-attention's checks: the ring sends every key block but the next
    rank's (Hk = 2, D = 16, Dv = 8, float32); queries that see no key get
    zeros and -inf on both sides; the rest within 2e-5."""
    if strategy == "ring":
        B, slices = k.shape[0], COMM.allgather(sp.shard(k).shape[1])
        expected = sum(
            B * n * 2 * (16 + 8) * 4 for j, n in enumerate(slices) if j != (sp.rank + 1) % sp.size
        )
        assert agree(sp.bytes_sent == expected), (sp.rank, sp.bytes_sent, expected)
    lse_local = sp.shard(lse_full, axis=lse_axis)
    assert agree(np.array_equal(np.isinf(lse), np.isinf(lse_local)))
    seen = np.isfinite(lse)
    error = max(
        np.abs(o - sp.shard(o_full)).max(initial=0.0),
        np.abs(lse[seen] - lse_local[seen]).max(initial=0.0),
    )
    assert agree(error < 2e-5), f"rank {sp.rank}: error {error}"


@pytest.mark.parametrize("strategy", ["ring", "zigzag_ring", "ulysses", "hybrid", "auto"])
@pytest.mark.parametrize("causal,window", [(False, (-1, -1)), (True, (-1, -1)), (True, (5, 0))])
def test_flash_attn_packed_cross_attention(strategy, causal, window):
    """cu_seqlens_q != cu_seqlens_k (29 queries, 45 keys): every sequence
    bottom-right aligned, as on one device; one sequence with more queries
    than keys, one with none of either."""
    sp = SequenceParallel(strategy=strategy)
    rng = np.random.default_rng(59)
    q = rng.standard_normal((1, 29, 4, 16)).astype(np.float32)
    _, k, v = attention_inputs(61, B=1)
    cu_q = np.array([0, 4, 9, 9, 29], np.int32)
    cu_k = np.array([0, 16, 18, 18, 45], np.int32)
    kw = dict(causal=causal, window_size=window, cu_seqlens_q=cu_q, cu_seqlens_k=cu_k)
    o_full, lse_full = ops.flash_attn(q, k, v, **kw, return_lse=True)
    sp.reset_counters()
    o, lse = sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v), **kw, return_lse=True)
    check_cross_attention(sp, strategy, k, o, lse, o_full, lse_full, lse_axis=1)


@pytest.mark.parametrize("strategy", ["ring", "zigzag_ring", "ulysses", "hybrid", "auto"])
@pytest.mark.parametrize("Tk", [45, 19])
@pytest.mark.parametrize("causal,window", [(False, (-1, -1)), (True, (-1, -1)), (True, (5, 2))])
def test_flash_attn_cross_attention(strategy, Tk, causal, window):
    """Batched cross-attention, 29 queries against more keys or fewer: q
    sharded over Tq, k and v over Tk, bottom-right aligned as on one device
    (with fewer keys, causal queries near the start see none: zeros, -inf)."""
    sp = SequenceParallel(strategy=strategy)
    rng = np.random.default_rng(67)
    q = rng.standard_normal((2, 29, 4, 16)).astype(np.float32)
    k = rng.standard_normal((2, Tk, 2, 16)).astype(np.float32)
    v = rng.standard_normal((2, Tk, 2, 8)).astype(np.float32)
    kw = dict(causal=causal, window_size=window)
    o_full, lse_full = ops.flash_attn(q, k, v, **kw, return_lse=True)
    sp.reset_counters()
    o, lse = sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v), **kw, return_lse=True)
    check_cross_attention(sp, strategy, k, o, lse, o_full, lse_full, lse_axis=2)


def test_flash_attn_hybrid_with_an_explicit_group():
    """ulysses_size = R: one group, the ring of one; = 1: the plain ring."""
    for size in (COMM.Get_size(), 1):
        sp = SequenceParallel(strategy="hybrid", ulysses_size=size)
        q, k, v = attention_inputs(31)
        o_full = ops.flash_attn(q, k, v, causal=True)
        sp.reset_counters()
        o = sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v), causal=True)
        assert agree(np.abs(o - sp.shard(o_full)).max() < 2e-5)
        expected = attention_bytes(sp, "hybrid", 45, 2, 4, 2, 16, 8, 4, 0)
        assert agree(sp.bytes_sent == expected), (sp.rank, sp.bytes_sent, expected)


def test_zigzag_shard_and_unshard_round_trip():
    sp = SequenceParallel(strategy="zigzag_ring")
    T = 45
    x = np.arange(2 * T * 3, dtype=np.float32).reshape(2, T, 3)
    local = sp.shard(x)
    # Chunks r and 2R - 1 - r of 2R (the first T mod 2R one step longer).
    R, r = sp.size, sp.rank
    sizes = [T // (2 * R) + (c < T % (2 * R)) for c in range(2 * R)]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    positions = np.concatenate([np.arange(starts[c], starts[c + 1]) for c in (r, 2 * R - 1 - r)])
    assert agree(np.array_equal(local, x[:, positions]))
    assert agree(np.array_equal(sp.unshard(local), x))
    y = np.arange(T * 4).reshape(1, 4, T)  # another axis
    assert agree(np.array_equal(sp.unshard(sp.shard(y, axis=2), axis=2), y))


def test_flash_attn_mismatched_shapes_raise_on_every_rank():
    sp = SequenceParallel(strategy="ring")
    q, k, v = attention_inputs(37, D=16 if sp.rank != 1 else 8)
    with pytest.raises(ValueError, match="every rank must pass the same"):
        sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v))
    # A slice of the wrong length on the last rank.
    q, k, v = attention_inputs(37)
    cut = slice(None, -1) if sp.rank == sp.size - 1 else slice(None)
    with pytest.raises(ValueError, match="lengths"):
        sp.flash_attn(sp.shard(q)[:, cut], sp.shard(k)[:, cut], sp.shard(v)[:, cut])


def test_flash_attn_errors():
    sp = SequenceParallel(strategy="ulysses")
    q, k, v = attention_inputs(41, H=3, Hk=1)
    local = [sp.shard(x) for x in (q, k, v)]
    with pytest.raises(ValueError, match=f"3 heads on {sp.size} ranks"):
        sp.flash_attn(*local)
    with pytest.raises(ValueError, match="as many for queries as for keys"):
        sp.flash_attn(
            *local,
            cu_seqlens_q=np.array([0, 45], np.int32),
            cu_seqlens_k=np.array([0, 20, 45], np.int32),
        )
    with pytest.raises(ValueError, match="window_size entries are -1 or >= 0"):
        sp.flash_attn(*local, window_size=(8, -2))
    with pytest.raises(ValueError, match="is for softmax attention"):
        sp.linear_attn(local[0], local[0], local[0])
    with pytest.raises(ValueError, match="is for the linear recurrences"):
        SequenceParallel(strategy="allgather").flash_attn(*local)
    with pytest.raises(ValueError, match="ulysses_size 3 must divide"):
        SequenceParallel(strategy="hybrid", ulysses_size=3 if sp.size != 3 else 2)


def test_flash_attn_auto_cost_model(monkeypatch, capsys):
    from recur._attention_parallel import choose_attention_strategy

    # Heads that do not divide by the ranks leave Ulysses out.
    model = choose_attention_strategy(4, 1, 4096, 6, 6, 64, 64, 4, True)
    assert "ulysses_s" not in model and model["choice"] in ("ring", "hybrid")
    # A long sequence is compute-bound: the balanced Ulysses beats the causal
    # ring, whose last rank computes on every block.
    model = choose_attention_strategy(4, 1, 65536, 8, 8, 64, 64, 2, True)
    assert model["choice"] == "ulysses" and model["ulysses_s"] < model["ring_s"]
    monkeypatch.setenv("RECUR_LOG", "1")
    sp = SequenceParallel(strategy="auto")
    q, k, v = attention_inputs(43)
    sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v), causal=True)
    printed = capsys.readouterr().out
    if sp.rank == 0:
        assert f"flash_attn on {sp.size} ranks: " in printed and "(model: ring " in printed
    else:
        assert printed == ""


# ----------------------------------------------------------------------
# newton_rnn: T = 61 split over the ranks. Float64 within 1e-9 of the
# single-device operator (both stop at a residual of 1e-12; the carried δ
# is float32, which Newton's next step corrects); float32 within 1e-4, as
# the single-device float32 tests allow against the float64 reference.

NEWTON_GATES = {"gru_diag": "zrc", "lstm_diag": "ifoc"}


def newton_inputs(cell, dtype, B=2, T=61, D=4, H=6, seed=31):
    rng = np.random.default_rng(seed)  # the same on every rank
    x = rng.standard_normal((B, T, D)).astype(dtype)
    params = {}
    for gate in NEWTON_GATES[cell]:
        params[f"W_{gate}"] = (rng.standard_normal((H, D)) / np.sqrt(D)).astype(dtype)
    for gate in NEWTON_GATES[cell]:
        params[f"a_{gate}"] = rng.uniform(-1, 1, H).astype(dtype)
    for gate in NEWTON_GATES[cell]:
        params[f"b_{gate}"] = (0.1 * rng.standard_normal(H)).astype(dtype)
    h0 = (0.5 * rng.standard_normal((B, H))).astype(dtype)
    if cell == "lstm_diag":
        h0 = ((0.5 * rng.standard_normal((B, H))).astype(dtype), h0)
    return x, params, h0


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring"])
@pytest.mark.parametrize("cell", ["gru_diag", "lstm_diag"])
@pytest.mark.parametrize("dtype,atol", [(np.float64, 1e-9), (np.float32, 1e-4)])
@pytest.mark.parametrize("with_h0", [False, True])
def test_newton_rnn_matches_the_single_device_run(strategy, cell, dtype, atol, with_h0):
    sp = SequenceParallel(strategy=strategy)
    x, params, h0 = newton_inputs(cell, dtype)
    h0 = h0 if with_h0 else None
    h_full, info_full = ops.newton_rnn(cell, x, params, h0=h0)
    h, info = sp.newton_rnn(cell, sp.shard(x), params, h0=h0)
    error = np.abs(h.astype(np.float64) - sp.shard(h_full)).max()
    assert agree(error < atol), f"rank {sp.rank}: error {error}"
    everyone = COMM.allgather(info)
    assert all(i == everyone[0] for i in everyone), everyone
    assert info["converged"] and info_full["converged"]
    assert abs(info["iterations"] - info_full["iterations"]) <= 1, (info, info_full)


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring"])
@pytest.mark.parametrize("cell", ["gru_diag", "lstm_diag"])
def test_newton_rnn_bytes_sent_match_the_formulas(strategy, cell):
    sp = SequenceParallel(strategy=strategy)
    x, params, _ = newton_inputs(cell, np.float64)
    B, H, S = 2, 6, 2 if cell == "lstm_diag" else 1
    sp.reset_counters()
    _, info = sp.newton_rnn(cell, sp.shard(x), params)
    state = B * S * H * 4  # the carried δ, float32
    transition = B * H * S * S * 4  # a decay per channel, or a 2 x 2 matrix
    halo = B * S * H * 8  # the last iterate, in the compute type
    last = sp.rank + 1 == sp.size
    if strategy == "allgather":
        per_step = (sp.size - 1) * (state + transition) + (0 if last else halo)
    else:
        per_step = 0 if last else state + halo
    expected = info["iterations"] * per_step
    assert agree(sp.bytes_sent == expected), (sp.rank, sp.bytes_sent, expected)


@recur.jit
def elman_step(h, u, a, b):
    return rl.tanh(u + a * h + b)


@recur.jit
def elman_jacobian(h, u, a, b):
    y = rl.tanh(u + a * h + b)
    return (1 - y * y) * a


@pytest.mark.parametrize("strategy", ["allgather", "ring"])
@pytest.mark.parametrize("dtype,atol", [(np.float64, 1e-9), (np.float32, 1e-4)])
def test_newton_rnn_custom_cell(strategy, dtype, atol):
    """A recur.ops.Cell: its step and Jacobian run on the interpreter;
    against the Elman recurrence run step by step."""
    sp = SequenceParallel(strategy=strategy)
    rng = np.random.default_rng(37)
    B, T, D, H = 2, 61, 4, 6
    x = rng.standard_normal((B, T, D)).astype(dtype)
    W = (rng.standard_normal((H, D)) / 2).astype(dtype)
    a, b = rng.uniform(-0.9, 0.9, H).astype(dtype), (0.1 * rng.standard_normal(H)).astype(dtype)
    h0 = (0.5 * rng.standard_normal((B, H))).astype(dtype)
    cell = ops.Cell(elman_step, elman_jacobian, gates=1)
    h_full, state = np.empty((B, T, H)), h0.astype(np.float64)
    for t in range(T):
        state = np.tanh(x[:, t].astype(np.float64) @ W.T + a * state + b)
        h_full[:, t] = state
    h, info = sp.newton_rnn(cell, sp.shard(x), [W, a, b], h0=h0)
    error = np.abs(h.astype(np.float64) - sp.shard(h_full)).max()
    assert agree(error < atol and info["converged"]), f"rank {sp.rank}: error {error}"


def test_newton_rnn_errors_raise_on_every_rank():
    sp = SequenceParallel(strategy="allgather")
    x, params, _ = newton_inputs("gru_diag", np.float64, H=6 if sp.rank != 1 else 5)
    with pytest.raises(ValueError, match="every rank must pass the same"):
        sp.newton_rnn("gru_diag", sp.shard(x), params)
    x, params, _ = newton_inputs("gru_diag", np.float64)
    with pytest.raises(ValueError, match=r"h0 must be \[B, H\]"):
        sp.newton_rnn("gru_diag", sp.shard(x), params, h0=np.zeros((2, 5)))
