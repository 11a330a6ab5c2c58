# SequenceParallel(backend="nccl") under mpirun, on the stand-in NCCL
# (test/runtime/fake/FakeNccl.cpp: NCCL's calls carried out over MPI) and the
# stand-in CUDA driver (host memory as GPU memory). The operators run on the
# CPU as in test_sequence_parallel.py; what is checked is the NCCL
# communicator: staging through "GPU" memory, the grouped point-to-point
# transfers, all-gathers of unequal parts as broadcasts, the max all-reduce,
# hybrid's sub-communicators. Results must equal the MPI backend's exactly
# (the same compute on the same bytes), and so must the bytes each rank
# sends.

from pathlib import Path

import numpy as np
import pytest
from mpi4py import MPI

import recur
from recur import ops
from recur.distributed import SequenceParallel

COMM = MPI.COMM_WORLD


def _stand_in(name):
    root = Path(__file__).resolve().parents[2]
    for build in (root / "build", Path(recur.__file__).resolve().parents[2]):
        candidate = build / "lib" / f"lib{name}.so"
        if candidate.exists():
            return str(candidate)
    return None


NCCL, CUDA = _stand_in("RecurFakeNccl"), _stand_in("RecurFakeCuda")
pytestmark = pytest.mark.skipif(
    NCCL is None or CUDA is None, reason="build the RecurFakeNccl and RecurFakeCuda targets"
)


@pytest.fixture(autouse=True)
def stand_ins(monkeypatch):
    monkeypatch.setenv("RECUR_NCCL_LIBRARY", NCCL or "")
    monkeypatch.setenv("RECUR_CUDA_DRIVER", CUDA or "")


def agree(ok: bool) -> bool:
    return COMM.allreduce(bool(ok), op=MPI.LAND)


def both(strategy, run, **kwargs):
    """``run(sp)`` by the MPI backend and by NCCL: (results, bytes) each."""
    outcomes = []
    for backend in ("mpi", "nccl"):
        extra = {"device": 0} if backend == "nccl" else {}
        sp = SequenceParallel(strategy=strategy, backend=backend, **extra, **kwargs)
        sp.reset_counters()
        outcomes.append((run(sp), sp.bytes_sent))
    return outcomes


def same(a, b) -> bool:
    if isinstance(a, (tuple, list)):
        return all(same(x, y) for x, y in zip(a, b))
    if a is None or isinstance(a, (int, float, dict)):
        return a == b
    return np.array_equal(a, b)


@pytest.mark.parametrize("strategy", ["allgather", "allscan", "ring"])
def test_gla_and_delta_rule(strategy):
    rng = np.random.default_rng(5)  # the same on every rank
    B, T, H, K, V = 2, 61, 2, 16, 8
    q, k = (0.5 * rng.standard_normal((B, T, H, K)).astype(np.float32) for _ in range(2))
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    g = -rng.uniform(0, 0.5, (B, T, H, K)).astype(np.float32)
    beta = rng.uniform(0, 1, (B, T, H)).astype(np.float32)
    s0 = rng.standard_normal((B, H, K, V)).astype(np.float32)

    def run(sp):
        local = [sp.shard(x) for x in (q, k, v)]
        gla = sp.gla(*local, sp.shard(g), initial_state=s0, output_final_state=True)
        delta = sp.delta_rule(*local, sp.shard(beta), output_final_state=True)
        return gla, delta

    (mpi, mpi_bytes), (nccl, nccl_bytes) = both(strategy, run)
    assert agree(same(mpi, nccl)), f"rank {COMM.rank}: NCCL's results differ from MPI's"
    assert agree(mpi_bytes == nccl_bytes), (mpi_bytes, nccl_bytes)
    o, final = nccl[0]
    expected_o, expected_final = ops.gla(q, k, v, g, initial_state=s0, output_final_state=True)
    sp = SequenceParallel(strategy=strategy)
    assert agree(np.abs(o - sp.shard(expected_o)).max() < 1e-4)
    assert agree(np.abs(final - expected_final).max() < 1e-4)


def test_packed_sequences_gather_unequal_parts():
    """cu_seqlens: each final state comes from the rank where its sequence
    ends, through the all-gather of unequal parts (broadcasts on NCCL)."""
    rng = np.random.default_rng(9)
    T, H, K, V = 61, 2, 8, 8
    q, k = (0.5 * rng.standard_normal((1, T, H, K)).astype(np.float32) for _ in range(2))
    v = rng.standard_normal((1, T, H, V)).astype(np.float32)
    cu = np.array([0, 5, 30, 31, 61], np.int32)

    def run(sp):
        local = [sp.shard(x) for x in (q, k, v)]
        return sp.linear_attn(*local, cu_seqlens=cu, output_final_state=True)

    (mpi, mpi_bytes), (nccl, nccl_bytes) = both("allgather", run)
    assert agree(same(mpi, nccl)) and agree(mpi_bytes == nccl_bytes)


@pytest.mark.parametrize("strategy", ["ring", "zigzag_ring", "ulysses", "hybrid"])
def test_flash_attn(strategy):
    rng = np.random.default_rng(11)
    q = rng.standard_normal((2, 45, 4, 16)).astype(np.float32)
    k = rng.standard_normal((2, 45, 2, 16)).astype(np.float32)
    v = rng.standard_normal((2, 45, 2, 8)).astype(np.float32)

    def run(sp):
        return sp.flash_attn(sp.shard(q), sp.shard(k), sp.shard(v), causal=True, return_lse=True)

    (mpi, mpi_bytes), (nccl, nccl_bytes) = both(strategy, run)
    assert agree(same(mpi, nccl)), f"rank {COMM.rank}: NCCL's results differ from MPI's"
    assert agree(mpi_bytes == nccl_bytes), (mpi_bytes, nccl_bytes)


def test_newton_rnn_stops_on_the_global_residual():
    rng = np.random.default_rng(13)
    B, T, D, H = 2, 61, 3, 5
    x = rng.standard_normal((B, T, D))
    params = {f"W_{g}": 0.5 * rng.standard_normal((H, D)) for g in "zrc"}
    params.update({f"a_{g}": 0.5 * rng.standard_normal(H) for g in "zrc"})
    params.update({f"b_{g}": 0.1 * rng.standard_normal(H) for g in "zrc"})

    def run(sp):
        h, info = sp.newton_rnn("gru_diag", sp.shard(x), params)
        return h, info

    (mpi, _), (nccl, _) = both("allgather", run)
    assert agree(same(mpi[0], nccl[0]) and mpi[1] == nccl[1]), (mpi[1], nccl[1])


def test_a_missing_nccl_raises_on_every_rank(monkeypatch):
    monkeypatch.setenv("RECUR_NCCL_LIBRARY", "/nonexistent/libnccl.so.2")
    with pytest.raises(ValueError, match="NCCL is not available"):
        SequenceParallel(strategy="ring", backend="nccl", device=0)
