"""Sequence parallelism on the CPU: time and bytes per rank, strong and weak
scaling, per operator and strategy.

Run once per rank count, e.g.

    PYTHONPATH=build/python python3 bench/sp_cpu.py             # 1 rank, unbound
    PYTHONPATH=build/python mpirun --allow-run-as-root --oversubscribe \\
        -np 2 python3 bench/sp_cpu.py                            # 2, then 4

The linear recurrences (linear attention, GLA, both delta rules, SSD, the
selective scan and the Newton-solved diagonal GRU) run by "allgather",
"allscan" and "ring"; strong scaling splits one sequence of T = 65536
(--quick: 8192), weak scaling gives every rank 16384 steps (--quick: 2048).
Causal flash attention (H = 4, D = 64) runs by each softmax strategy at
T = 4096 strong and 1024 per rank weak (--quick: 2048 and 512). --ops picks
"linear", "attention" or both. Times are the slowest rank's median of 3
after a warm-up; bytes are what one rank sends per call (the largest over
ranks). Each rank's CPU device gets its share of the machine's cores
(RECUR_NUM_THREADS, at least one), so strong scaling compares R ranks with
one rank on the same cores (run the one rank without mpirun, which would
bind it to a single core). Rank 0 prints the table and writes
bench/results/sp_cpu_np<R>.json. On a 2-core machine 4 ranks oversubscribe
the cores.
"""

from __future__ import annotations

import argparse
import json
import os

# One BLAS thread per rank (the host-side products of the carry): ranks that
# share the cores would otherwise run OpenBLAS's spinning threads against
# each other, as in any MPI program that calls BLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from mpi4py import MPI

from recur.distributed import SequenceParallel
from recur.runtime import device
from timing import median_seconds

COMM = MPI.COMM_WORLD
LINEAR_OPS = (
    "linear_attn",
    "gla",
    "delta_rule",
    "gated_delta_rule",
    "ssd",
    "selective_scan",
    "newton_rnn",
)


def inputs(op, rng, T, B=1, H=4, K=64, V=64):
    """(arguments, keyword arguments, sequence axis) of ``op`` on the whole
    sequence of T steps."""
    if op == "flash_attn":
        return [rng.standard_normal((B, T, H, K)).astype(np.float32) for _ in range(3)], {}, 1
    if op == "ssd":  # Mamba-2: H heads of P = 64 channels, one group of N = 64 states
        x = rng.standard_normal((B, T, H, V)).astype(np.float32)
        dt = rng.uniform(0.001, 0.1, (B, T, H)).astype(np.float32)
        A = -rng.uniform(0.5, 2, H).astype(np.float32)
        Bm, Cm = (rng.standard_normal((B, T, 1, K)).astype(np.float32) for _ in range(2))
        return [x, dt, A, Bm, Cm], {"chunk_size": 64}, 1
    if op == "selective_scan":  # Mamba: d = 256 channels, n = 16 states
        d, n = 256, 16
        u, delta = (rng.standard_normal((B, d, T)).astype(np.float32) for _ in range(2))
        A = -rng.uniform(0.5, 2, (d, n)).astype(np.float32)
        Bm, Cm = (rng.standard_normal((B, n, T)).astype(np.float32) for _ in range(2))
        return [u, delta, A, Bm, Cm], {"delta_softplus": True}, 2
    if op == "newton_rnn":  # the diagonal GRU, D = H = 64
        x = rng.standard_normal((B, T, K)).astype(np.float32)
        params = {f"W_{g}": (rng.standard_normal((K, K)) / 8).astype(np.float32) for g in "zrc"}
        params |= {f"a_{g}": rng.uniform(-1, 1, K).astype(np.float32) for g in "zrc"}
        params |= {f"b_{g}": (0.1 * rng.standard_normal(K)).astype(np.float32) for g in "zrc"}
        return ["gru_diag", x, params], {}, 1
    q = (0.1 * rng.standard_normal((B, T, H, K))).astype(np.float32)
    k = rng.standard_normal((B, T, H, K))
    k = (k / np.linalg.norm(k, axis=-1, keepdims=True)).astype(np.float32)
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    beta = rng.uniform(0, 1, (B, T, H)).astype(np.float32)
    gates = {
        "linear_attn": [],
        "gla": [-rng.uniform(0, 0.1, (B, T, H, K)).astype(np.float32)],
        "delta_rule": [beta],
        "gated_delta_rule": [-rng.uniform(0, 0.1, (B, T, H)).astype(np.float32), beta],
    }[op]
    return [q, k, v] + gates, {"output_final_state": True}, 1


# Arguments that are not slices of the sequence.
_WHOLE = {"ssd": (2,), "selective_scan": (2,), "newton_rnn": (0, 2)}


def measure(op, strategy, T_total, sp, rng):
    full, kwargs, axis = inputs(op, rng, T_total)
    whole = _WHOLE.get(op, ())
    local = [a if i in whole else sp.shard(a, axis=axis) for i, a in enumerate(full)]
    if op == "flash_attn":
        kwargs = {"causal": True}
    run = getattr(sp, op)

    def call():
        COMM.Barrier()
        run(*local, **kwargs)
        COMM.Barrier()

    seconds = COMM.allreduce(median_seconds(call, 3), op=MPI.MAX)
    sp.reset_counters()
    run(*local, **kwargs)
    sent = COMM.allreduce(sp.bytes_sent, op=MPI.MAX)
    return {"op": op, "strategy": strategy, "T": T_total, "T_per_rank": T_total // sp.size,
            "ms": seconds * 1e3, "bytes_per_rank": sent}  # fmt: skip


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--ops", choices=("linear", "attention", "all"), default="all")
    args = parser.parse_args()
    os.environ.setdefault("RECUR_AUTOTUNE", "0")
    # Each rank's CPU device takes its share of this machine's cores (at
    # least one), so R ranks compute on the cores one rank would use alone.
    local = COMM.Split_type(MPI.COMM_TYPE_SHARED).Get_size()
    share = max(1, len(os.sched_getaffinity(0)) // local)
    os.environ.setdefault("RECUR_NUM_THREADS", str(share))
    strong_T, weak_T = (8192, 2048) if args.quick else (65536, 16384)
    rng = np.random.default_rng(0)
    rows = []
    if args.ops != "attention":
        for strategy in ("allgather", "allscan", "ring"):
            sp = SequenceParallel(strategy=strategy)
            for op in LINEAR_OPS:
                rows.append({**measure(op, strategy, strong_T, sp, rng), "scaling": "strong"})
                rows.append({**measure(op, strategy, weak_T * sp.size, sp, rng), "scaling": "weak"})
    if args.ops != "linear":
        strong_T, weak_T = (2048, 512) if args.quick else (4096, 1024)
        for strategy in ("ring", "zigzag_ring", "ulysses", "hybrid"):
            sp = SequenceParallel(strategy=strategy)
            for T, scaling in ((strong_T, "strong"), (weak_T * sp.size, "weak")):
                rows.append({**measure("flash_attn", strategy, T, sp, rng), "scaling": scaling})
    if COMM.Get_rank() == 0:
        header = (
            f"{'op':<17}{'strategy':<13}{'scaling':<8}{'T':>7}{'T/rank':>8}{'ms':>9}"
            f"{'bytes/rank':>12}"
        )
        threads = device.cpu().num_threads
        print(f"ranks: {COMM.Get_size()}, CPU threads per rank: {threads}")
        print(header)
        print("-" * len(header))
        for r in rows:
            print(
                f"{r['op']:<17}{r['strategy']:<13}{r['scaling']:<8}{r['T']:>7}"
                f"{r['T_per_rank']:>8}{r['ms']:>9.1f}{r['bytes_per_rank']:>12}"
            )
        path = os.path.join(
            os.path.dirname(__file__), "results", f"sp_cpu_np{COMM.Get_size()}.json"
        )
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if args.ops != "all" and os.path.exists(path):
            # Keep the other operators' rows from an earlier run.
            measured = {r["op"] for r in rows}
            with open(path) as f:
                kept = [r for r in json.load(f)["rows"] if r["op"] not in measured]
            rows = kept + rows
        with open(path, "w") as f:
            json.dump(
                {"ranks": COMM.Get_size(), "threads_per_rank": threads, "rows": rows}, f, indent=2
            )


if __name__ == "__main__":
    main()
