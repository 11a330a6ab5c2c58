"""The compiled operators of recur.ops on the CPU, beside the machine's limit.

For each operator and shape: the median time of the chunked, compiled
operator; its GFLOP/s counted on the chunked form (intra-chunk products
2·T·C·(K+V), inter-chunk and state products 4·T·K·V per head); the
sequential numpy reference's time; and, measured in the same run, OpenBLAS
sgemm GFLOP/s through numpy (1024³) — the practical ceiling of chunked
operators here. The delta rules are counted with the same formula (their
WY solve and W, U products come on top, so it understates their work).
Causal flash attention counts the useful half of its
products (2·T²·D per head). PyTorch eager is added when torch is installed.

Run with the benchmark environment of scripts/demo.sh (OpenBLAS's AVX-512
kernels):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \\
        PYTHONPATH=build/python python3 bench/ops_cpu.py [--quick]

Writes bench/results/ops_cpu.json (or --json PATH).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time

import numpy as np

from recur import ops
from recur.ops import reference


def median_seconds(fn, repeats):
    fn()  # compile and warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sgemm_gflops(n=1024, repeats=5):
    a = np.random.rand(n, n).astype(np.float32)
    b = np.random.rand(n, n).astype(np.float32)
    return 2 * n**3 / median_seconds(lambda: a @ b, repeats) / 1e9


def chunked_flops(B, T, H, K, V, chunk):
    return B * H * (2 * T * chunk * (K + V) + 4 * T * K * V)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes only")
    parser.add_argument(
        "--json", default=os.path.join(os.path.dirname(__file__), "results", "ops_cpu.json")
    )
    args = parser.parse_args()

    if args.quick:
        shapes = [(1, 1024, 4, 64, 64)]
        repeats = 3
    else:
        shapes = [(1, 1024, 4, 64, 64), (2, 4096, 4, 128, 128), (1, 8192, 4, 128, 128)]
        repeats = 3
    rng = np.random.default_rng(0)
    ceiling = sgemm_gflops()
    rows = []
    for B, T, H, K, V in shapes:
        q = (0.1 * rng.standard_normal((B, T, H, K))).astype(np.float32)
        k = (0.1 * rng.standard_normal((B, T, H, K))).astype(np.float32)
        v = rng.standard_normal((B, T, H, V)).astype(np.float32)
        g = -rng.uniform(0.0, 0.1, (B, T, H, K)).astype(np.float32)
        kn = (k / np.linalg.norm(k, axis=-1, keepdims=True)).astype(np.float32)
        beta = rng.uniform(0.0, 1.0, (B, T, H)).astype(np.float32)
        gs = -rng.uniform(0.0, 0.1, (B, T, H)).astype(np.float32)
        cases = [
            (
                "linear_attn",
                64,
                lambda c: ops.linear_attn(q, k, v, chunk_size=c),
                lambda: reference.linear_attn(q, k, v),
            ),
            ("linear_attn", 16, lambda c: ops.linear_attn(q, k, v, chunk_size=c), None),
            (
                "gla",
                16,
                lambda c: ops.gla(q, k, v, g, chunk_size=c),
                lambda: reference.gla(q, k, v, g),
            ),
            (
                "delta_rule",
                16,
                lambda c: ops.delta_rule(q, kn, v, beta, chunk_size=c),
                lambda: reference.delta_rule(q, kn, v, beta),
            ),
            (
                "gated_delta",
                16,
                lambda c: ops.gated_delta_rule(q, kn, v, gs, beta, chunk_size=c),
                None,
            ),
        ]
        for name, chunk, run, run_reference in cases:
            seconds = median_seconds(lambda: run(chunk), repeats)
            gflops = chunked_flops(B, T, H, K, V, chunk) / seconds / 1e9
            row = {
                "op": name,
                "B": B,
                "T": T,
                "H": H,
                "K": K,
                "V": V,
                "chunk": chunk,
                "ms": seconds * 1e3,
                "gflops": gflops,
                "sgemm_gflops": ceiling,
                "fraction_of_sgemm": gflops / ceiling,
            }
            if run_reference is not None and T <= 4096:
                row["reference_ms"] = median_seconds(run_reference, 1) * 1e3
            rows.append(row)

    attention_shapes = [(1, 1024, 8, 64)] if args.quick else [(1, 1024, 8, 64), (1, 4096, 8, 64)]
    for B, T, H, D in attention_shapes:
        q, k, v = (rng.standard_normal((B, T, H, D)).astype(np.float32) for _ in range(3))
        seconds = median_seconds(lambda: ops.flash_attn(q, k, v, causal=True), repeats)
        # Causal: half of q kᵀ and of p v are needed.
        gflops = 2 * B * H * T * T * D / seconds / 1e9
        rows.append(
            {
                "op": "flash_attn",
                "B": B,
                "T": T,
                "H": H,
                "K": D,
                "V": D,
                "chunk": 64,
                "causal": True,
                "ms": seconds * 1e3,
                "gflops": gflops,
                "sgemm_gflops": ceiling,
                "fraction_of_sgemm": gflops / ceiling,
            }
        )

    header = f"{'op':<12}{'B':>3}{'T':>7}{'H':>3}{'K':>5}{'V':>5}{'C':>4}{'ms':>10}{'GFLOP/s':>9}{'x sgemm':>9}{'ref ms':>10}"
    print(header)
    print("-" * len(header))
    for r in rows:
        ref = f"{r['reference_ms']:.0f}" if "reference_ms" in r else "-"
        print(
            f"{r['op']:<12}{r['B']:>3}{r['T']:>7}{r['H']:>3}{r['K']:>5}{r['V']:>5}{r['chunk']:>4}"
            f"{r['ms']:>10.1f}{r['gflops']:>9.1f}{r['fraction_of_sgemm']:>9.3f}{ref:>10}"
        )
    print(f"OpenBLAS sgemm (numpy, 1024^3, same run): {ceiling:.0f} GFLOP/s")
    try:
        import torch  # noqa: F401

        print("torch is installed: eager comparisons are not implemented yet")
    except ImportError:
        print("torch: not installed (no eager comparison)")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(
            {"machine": platform.processor() or platform.machine(), "rows": rows}, f, indent=2
        )


if __name__ == "__main__":
    main()
