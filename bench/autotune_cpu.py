"""What operator autotuning gains over the tested defaults on this CPU.

For each operator and shape: the median time with the default chunk (or
key-block) size, the size tuning picks (timed in a fresh tuning database, so
every candidate is measured), and the median time with it. Run with the
benchmark environment of scripts/demo.sh:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \\
        PYTHONPATH=build/python python3 bench/autotune_cpu.py [--quick]

Writes bench/results/autotune_cpu.json (or --json PATH).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile

import numpy as np

from recur import ops
from recur.ops import _kernels
from timing import median_seconds


def median_ms(fn, repeats=3):
    return median_seconds(fn, repeats) * 1e3


def cases(rng, quick):
    lengths = [1024] if quick else [1024, 8192]
    for T in lengths:
        B, H, K = 1, 4, 128 if T > 1024 else 64
        q = (0.1 * rng.standard_normal((B, T, H, K))).astype(np.float32)
        k = (0.1 * rng.standard_normal((B, T, H, K))).astype(np.float32)
        v = rng.standard_normal((B, T, H, K)).astype(np.float32)
        g = -rng.uniform(0, 0.1, (B, T, H, K)).astype(np.float32)
        kn = k / np.linalg.norm(k, axis=-1, keepdims=True)
        beta = rng.uniform(0, 1, (B, T, H)).astype(np.float32)
        shape = f"B={B} T={T} H={H} K=V={K}"
        yield "linear_attn", shape, lambda c: ops.linear_attn(q, k, v, chunk_size=c)
        yield "gla", shape, lambda c: ops.gla(q, k, v, g, chunk_size=c)
        yield "delta_rule", shape, lambda c: ops.delta_rule(q, kn, v, beta, chunk_size=c)
        D = 256
        u = rng.standard_normal((B, D, T)).astype(np.float32)
        delta = rng.uniform(0, 0.1, (B, D, T)).astype(np.float32)
        A = -rng.uniform(0.5, 2, (D, 16)).astype(np.float32)
        Bm, Cm = (rng.standard_normal((B, 16, T)).astype(np.float32) for _ in range(2))
        yield "selective_scan", f"b={B} l={T} d={D} n=16", lambda c: ops.selective_scan(
            u, delta, A, Bm, Cm, chunk_size=c
        )
        qa, ka, va = (rng.standard_normal((1, T // 2, 8, 64)).astype(np.float32) for _ in range(3))
        yield "flash_attn", f"causal B=1 T={T // 2} H=8 D=64", lambda c: ops.flash_attn(
            qa, ka, va, causal=True, block_size=c
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--json", default=os.path.join(os.path.dirname(__file__), "results", "autotune_cpu.json")
    )
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as fresh:
        os.environ["RECUR_CACHE_DIR"] = fresh
        os.environ["RECUR_AUTOTUNE"] = "1"
        for op, shape, run in cases(rng, args.quick):
            candidates, default = _kernels.CONFIG_SPACES[op][:2]
            timings = {c: median_ms(lambda c=c: run(c)) for c in candidates}
            best = min(timings, key=timings.get)
            rows.append(
                {
                    "op": op,
                    "shape": shape,
                    "default": default,
                    "default_ms": timings[default],
                    "tuned": best,
                    "tuned_ms": timings[best],
                    "gain": timings[default] / timings[best],
                    "all_ms": {str(c): t for c, t in timings.items()},
                }
            )
    header = f"{'op':<16}{'shape':<30}{'default':>8}{'ms':>9}{'tuned':>7}{'ms':>9}{'gain':>7}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['op']:<16}{r['shape']:<30}{r['default']:>8}{r['default_ms']:>9.1f}"
            f"{r['tuned']:>7}{r['tuned_ms']:>9.1f}{r['gain']:>7.2f}"
        )
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(
            {"machine": platform.processor() or platform.machine(), "rows": rows}, f, indent=2
        )


if __name__ == "__main__":
    main()
