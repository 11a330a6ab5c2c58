"""The compiled operators of recur.ops on the CPU, beside the machine's limit.

For every operator over a sweep of shapes: the median time of the chunked,
compiled operator; its GFLOP/s counted on the chunked form; and, measured in
the same run, OpenBLAS sgemm GFLOP/s through numpy (1024³) — the practical
ceiling of chunked operators here —, the sequential numpy reference (up to
T = 4096; it is slow), and PyTorch eager when torch is installed: a chunked
implementation for linear attention and GLA, ``scaled_dot_product_attention``
for attention.

Flop counts (per head or channel):
  linear family, SSD: intra-chunk 2·T·C·(K+V), inter-chunk and state
    4·T·K·V (the delta rules' WY solve comes on top and is not counted);
  flash attention, causal: the useful half of q kᵀ and p v, 2·T²·D;
  selective scan: the [C, C, N] decay tile and the state, T·N·(3·C + 6);
  newton_rnn: the projections 2·T·D·G·H, then per Newton sweep ~30·T·H
    elementwise operations (reported per solve with its iteration count).

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
import time

import numpy as np

from recur import ops
from recur.ops import reference
from timing import median_seconds

try:
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
except ImportError:  # the comparison is optional
    torch = None


def once_seconds(fn):
    """One run, for the slow sequential references."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def sgemm_gflops(n=1024, repeats=5):
    a = np.random.rand(n, n).astype(np.float32)
    b = np.random.rand(n, n).astype(np.float32)
    return 2 * n**3 / median_seconds(lambda: a @ b, repeats) / 1e9


def chunked_flops(B, T, H, K, V, chunk):
    return B * H * (2 * T * chunk * (K + V) + 4 * T * K * V)


# PyTorch eager peers, in the chunked matmul form FLA's naive versions use.


def torch_linear_attn(q, k, v, chunk=64):
    B, T, H, K = q.shape
    V = v.shape[-1]
    q, k, v = (x.transpose(1, 2) for x in (q * K**-0.5, k, v))
    mask = torch.ones(chunk, chunk).tril()
    state = q.new_zeros(B, H, K, V)
    out = []
    for start in range(0, T, chunk):
        qc, kc, vc = (x[:, :, start : start + chunk] for x in (q, k, v))
        c = qc.shape[2]
        scores = (qc @ kc.transpose(-1, -2)) * mask[:c, :c]
        out.append(scores @ vc + qc @ state)
        state = state + kc.transpose(-1, -2) @ vc
    return torch.cat(out, 2).transpose(1, 2)


def torch_gla(q, k, v, g, chunk=64):
    """Exponentiates exp(±G) within a chunk: fine for the benchmark's mild gates."""
    B, T, H, K = q.shape
    V = v.shape[-1]
    q, k, v, g = (x.transpose(1, 2) for x in (q * K**-0.5, k, v, g))
    mask = torch.ones(chunk, chunk).tril()
    state = q.new_zeros(B, H, K, V)
    out = []
    for start in range(0, T, chunk):
        qc, kc, vc, gc = (x[:, :, start : start + chunk] for x in (q, k, v, g))
        c = qc.shape[2]
        G = gc.cumsum(2)
        qg, kg = qc * G.exp(), kc * (-G).exp()
        scores = (qg @ kg.transpose(-1, -2)) * mask[:c, :c]
        out.append(scores @ vc + qg @ state)
        last = G[:, :, -1:]
        state = (
            state * last.transpose(-1, -2).exp() + (kc * (last - G).exp()).transpose(-1, -2) @ vc
        )
    return torch.cat(out, 2).transpose(1, 2)


def torch_sdpa(q, k, v):
    q, k, v = (x.transpose(1, 2) for x in (q, k, v))
    return torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True)


def to_torch(*arrays):
    return [torch.from_numpy(a) for a in arrays]


def row(op, shape, chunk, seconds, flops, ceiling, **extra):
    gflops = flops / seconds / 1e9 if flops else None
    return {
        "op": op,
        **shape,
        "chunk": chunk,
        "ms": seconds * 1e3,
        "gflops": gflops,
        "sgemm_gflops": ceiling,
        "fraction_of_sgemm": gflops / ceiling if gflops else None,
        **extra,
    }


def linear_family(rng, shapes, repeats, ceiling, with_reference):
    rows = []
    for B, T, H, K in shapes:
        V = K
        shape = {"B": B, "T": T, "H": H, "K": K, "V": V}
        q = (0.1 * rng.standard_normal((B, T, H, K))).astype(np.float32)
        k = (0.1 * rng.standard_normal((B, T, H, K))).astype(np.float32)
        v = rng.standard_normal((B, T, H, V)).astype(np.float32)
        g = -rng.uniform(0.0, 0.1, (B, T, H, K)).astype(np.float32)
        kn = (k / np.linalg.norm(k, axis=-1, keepdims=True)).astype(np.float32)
        beta = rng.uniform(0.0, 1.0, (B, T, H)).astype(np.float32)
        gs = -rng.uniform(0.0, 0.1, (B, T, H)).astype(np.float32)
        cases = [
            ("linear_attn", 64, lambda c: ops.linear_attn(q, k, v, chunk_size=c),
             lambda: reference.linear_attn(q, k, v),
             (lambda: torch_linear_attn(*to_torch(q, k, v))) if torch else None),
            ("gla", 64, lambda c: ops.gla(q, k, v, g, chunk_size=c),
             lambda: reference.gla(q, k, v, g),
             (lambda: torch_gla(*to_torch(q, k, v, g))) if torch else None),
            ("delta_rule", 16, lambda c: ops.delta_rule(q, kn, v, beta, chunk_size=c),
             lambda: reference.delta_rule(q, kn, v, beta), None),
            ("gated_delta", 16, lambda c: ops.gated_delta_rule(q, kn, v, gs, beta, chunk_size=c),
             lambda: reference.gated_delta_rule(q, kn, v, gs, beta), None),
        ]  # fmt: skip
        for name, chunk, run, run_reference, run_torch in cases:
            seconds = median_seconds(lambda: run(chunk), repeats)
            extra = {}
            if with_reference(T):
                extra["reference_ms"] = once_seconds(run_reference) * 1e3
            if run_torch is not None:
                extra["torch_ms"] = median_seconds(run_torch, repeats) * 1e3
            flops = chunked_flops(B, T, H, K, V, chunk)
            rows.append(row(name, shape, chunk, seconds, flops, ceiling, **extra))
    return rows


def ssd_rows(rng, shapes, repeats, ceiling, with_reference):
    rows = []
    for B, T, H, P in shapes:
        N = 64
        x = rng.standard_normal((B, T, H, P)).astype(np.float32)
        dt = rng.uniform(0.01, 0.1, (B, T, H)).astype(np.float32)
        A = -rng.uniform(0.5, 2.0, H).astype(np.float32)
        Bm = (0.1 * rng.standard_normal((B, T, 1, N))).astype(np.float32)
        Cm = (0.1 * rng.standard_normal((B, T, 1, N))).astype(np.float32)
        seconds = median_seconds(lambda: ops.ssd(x, dt, A, Bm, Cm, chunk_size=64), repeats)
        extra = {}
        if with_reference(T):
            extra["reference_ms"] = once_seconds(lambda: reference.ssd(x, dt, A, Bm, Cm)) * 1e3
        shape = {"B": B, "T": T, "H": H, "K": N, "V": P}
        flops = chunked_flops(B, T, H, N, P, 64)
        rows.append(row("ssd", shape, 64, seconds, flops, ceiling, **extra))
    return rows


def selective_scan_rows(rng, shapes, repeats, ceiling, with_reference):
    rows = []
    for B, T, D in shapes:
        N, chunk = 16, 32
        u = rng.standard_normal((B, D, T)).astype(np.float32)
        delta = rng.uniform(0.0, 0.1, (B, D, T)).astype(np.float32)
        A = -rng.uniform(0.5, 2.0, (D, N)).astype(np.float32)
        Bm = rng.standard_normal((B, N, T)).astype(np.float32)
        Cm = rng.standard_normal((B, N, T)).astype(np.float32)
        run = lambda: ops.selective_scan(u, delta, A, Bm, Cm, chunk_size=chunk)  # noqa: E731
        seconds = median_seconds(run, repeats)
        extra = {}
        if with_reference(T):
            extra["reference_ms"] = (
                once_seconds(lambda: reference.selective_scan(u, delta, A, Bm, Cm)) * 1e3
            )
        shape = {"B": B, "T": T, "H": D, "K": N, "V": 1}
        flops = B * D * T * N * (3 * chunk + 6)
        rows.append(row("selective_scan", shape, chunk, seconds, flops, ceiling, **extra))
    return rows


def newton_rows(rng, shapes, repeats, ceiling, with_reference):
    rows = []
    for cell, B, T, D, H in shapes:
        gates = "zrc" if cell == "gru_diag" else "ifoc"
        x = rng.standard_normal((B, T, D)).astype(np.float32)
        params = {}
        for kind in "Wab":
            for gate in gates:
                shape = (H, D) if kind == "W" else (H,)
                scale = D**-0.5 if kind == "W" else (1.0 if kind == "a" else 0.1)
                params[f"{kind}_{gate}"] = (scale * rng.standard_normal(shape)).astype(np.float32)
        seconds = median_seconds(lambda: ops.newton_rnn(cell, x, params), repeats)
        _, info = ops.newton_rnn(cell, x, params)
        sweeps = info["iterations"] + 1
        flops = 2 * B * T * D * len(gates) * H + 30 * B * T * H * sweeps
        extra = {"iterations": info["iterations"]}
        if with_reference(T):
            extra["reference_ms"] = (
                once_seconds(lambda: reference.newton_rnn(cell, x, params)) * 1e3
            )
        shape = {"B": B, "T": T, "H": H, "K": D, "V": H}
        rows.append(row(f"newton_{cell[:4]}", shape, 64, seconds, flops, ceiling, **extra))
    return rows


def attention_rows(rng, shapes, repeats, ceiling):
    rows = []
    for B, T, H, D in shapes:
        q, k, v = (rng.standard_normal((B, T, H, D)).astype(np.float32) for _ in range(3))
        seconds = median_seconds(lambda: ops.flash_attn(q, k, v, causal=True), repeats)
        extra = {"causal": True}
        if torch is not None:
            tq, tk, tv = to_torch(q, k, v)
            extra["torch_ms"] = median_seconds(lambda: torch_sdpa(tq, tk, tv), repeats) * 1e3
        shape = {"B": B, "T": T, "H": H, "K": D, "V": D}
        flops = 2 * B * H * T * T * D
        rows.append(row("flash_attn", shape, 128, seconds, flops, ceiling, **extra))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes only")
    parser.add_argument(
        "--json", default=os.path.join(os.path.dirname(__file__), "results", "ops_cpu.json")
    )
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    repeats = 3
    ceiling = sgemm_gflops()
    with_reference = lambda T: T <= (1024 if args.quick else 4096)  # noqa: E731
    if args.quick:
        linear = [(1, 1024, 4, 64)]
        attention = [(1, 1024, 8, 64)]
        ssd = [(1, 1024, 4, 64)]
        scan = [(1, 1024, 64)]
        newton = [("gru_diag", 1, 1024, 64, 64)]
    else:
        linear = [
            (1, 1024, 4, 64),
            (4, 1024, 8, 64),
            (2, 4096, 4, 128),
            (1, 8192, 4, 128),
            (1, 16384, 8, 64),
        ]
        attention = [(1, 1024, 8, 64), (4, 1024, 8, 64), (1, 4096, 8, 64)]
        ssd = [(1, 1024, 4, 64), (2, 4096, 8, 64), (1, 16384, 8, 64)]
        scan = [(1, 1024, 256), (2, 4096, 256), (1, 16384, 256)]
        newton = [
            ("gru_diag", 1, 1024, 64, 64),
            ("gru_diag", 4, 4096, 128, 256),
            ("lstm_diag", 4, 4096, 128, 256),
            ("gru_diag", 1, 16384, 128, 256),
        ]
    rows = linear_family(rng, linear, repeats, ceiling, with_reference)
    rows += ssd_rows(rng, ssd, repeats, ceiling, with_reference)
    rows += selective_scan_rows(rng, scan, repeats, ceiling, with_reference)
    rows += newton_rows(rng, newton, repeats, ceiling, with_reference)
    rows += attention_rows(rng, attention, repeats, ceiling)

    header = (
        f"{'op':<15}{'B':>3}{'T':>7}{'H':>5}{'K':>5}{'V':>5}{'C':>4}{'ms':>10}{'GFLOP/s':>9}"
        f"{'x sgemm':>9}{'torch ms':>10}{'ref ms':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        torch_ms = f"{r['torch_ms']:.1f}" if "torch_ms" in r else "-"
        ref_ms = f"{r['reference_ms']:.0f}" if "reference_ms" in r else "-"
        print(
            f"{r['op']:<15}{r['B']:>3}{r['T']:>7}{r['H']:>5}{r['K']:>5}{r['V']:>5}{r['chunk']:>4}"
            f"{r['ms']:>10.1f}{r['gflops']:>9.1f}{r['fraction_of_sgemm']:>9.3f}"
            f"{torch_ms:>10}{ref_ms:>10}"
        )
    print(f"OpenBLAS sgemm (numpy, 1024^3, same run): {ceiling:.0f} GFLOP/s")
    if torch is None:
        print("torch: not installed (no eager comparison)")
    else:
        print(f"torch {torch.__version__} eager, {torch.get_num_threads()} threads")
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        machine = platform.processor() or platform.machine()
        json.dump({"machine": machine, "sgemm_gflops": ceiling, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
