"""GPU benchmark: Recur's kernels on an NVIDIA GPU beside the peers present.

Runs with RECUR_DEVICE=cuda on device-resident buffers (no host copies in
the timed region): the vector-add tutorial against the GPU's memory
bandwidth, the fused softmax, the FMA matmul, and the operators flash_attn,
gla and ssd, against the peers importable there (``torch.matmul``,
``softmax``, ``scaled_dot_product_attention``; FLA's ``chunk_gla``;
mamba_ssm's ``mamba_chunk_scan_combined``). Prints a table and writes
``bench/results/ops-gpu.json`` and ``ops-gpu.md``.

    RECUR_DEVICE=cuda python3 bench/ops_gpu.py
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "python"))
os.environ["RECUR_DEVICE"] = "cuda"

from timing import median_seconds  # noqa: E402

from recur.runtime import device  # noqa: E402
from recur.runtime.cuda import DevicePointer  # noqa: E402
from test_tutorials import add_kernel, matmul_kernel, softmax_kernel  # noqa: E402

RESULTS = os.path.join(os.path.dirname(__file__), "results")


def on_gpu(gpu, array):
    address = gpu.allocate(array.nbytes)
    gpu.copy_to_device(address, array.__array_interface__["data"][0], array.nbytes)
    return DevicePointer(address, array.dtype)


def torch_peer():
    try:
        import torch

        return torch if torch.cuda.is_available() else None
    except ImportError:
        return None


def peer(module: str, name: str):
    """``module.name`` when importable (FLA, mamba_ssm), else None."""
    try:
        imported = __import__(module, fromlist=[name])
        return getattr(imported, name)
    except (ImportError, AttributeError):
        return None


def operator_rows(gpu, torch, rng):
    """recur.ops on GPU-resident operands (torch tensors when torch is
    there, Recur DeviceBuffers otherwise) beside the peers present: torch's
    scaled_dot_product_attention, FLA's chunk_gla, mamba_ssm's SSD."""
    from recur import ops
    from recur.ops._arrays import DeviceBuffer

    def upload(array):
        if torch is not None:
            return torch.from_numpy(array).cuda()
        buffer = DeviceBuffer(array.shape, array.dtype, gpu)
        gpu.copy_to_device(buffer.address, array.ctypes.data, array.nbytes)
        return buffer

    def synchronize():
        if torch is not None:
            torch.cuda.synchronize()
        else:
            gpu.synchronize()

    def timed(fn):
        return median_seconds(lambda: (fn(), synchronize()), 10, 2)

    rows = []
    B, T, H, D = 4, 2048, 16, 64
    q, k, v = (upload(rng.standard_normal((B, T, H, D)).astype(np.float16)) for _ in range(3))
    seconds = timed(lambda: ops.flash_attn(q, k, v, causal=True))
    row = {
        "op": "flash_attn causal",
        "shape": f"B={B} T={T} H={H} D={D} f16",
        "recur_ms": seconds * 1e3,
        "recur_TFLOPs": 2 * B * H * T * T * D / seconds / 1e12,  # causal: half of 4BHT^2D
    }
    if torch is not None:
        tq, tk, tv = (x.transpose(1, 2) for x in (q, k, v))
        sdpa = torch.nn.functional.scaled_dot_product_attention
        row["torch_ms"] = timed(lambda: sdpa(tq, tk, tv, is_causal=True)) * 1e3
    rows.append(row)

    def streamed(op, shape, run, moved_bytes, peer_key, peer_fn):
        """A row for a memory-bound operator, its peer timed when present."""
        seconds = timed(run)
        row = {
            "op": op,
            "shape": shape,
            "recur_ms": seconds * 1e3,
            "recur_GBps": moved_bytes / seconds / 1e9,
        }
        if peer_fn is not None and torch is not None:
            row[peer_key] = timed(peer_fn) * 1e3
        return row

    B, T, H, K = 4, 2048, 8, 64
    q, k, v = (upload(rng.standard_normal((B, T, H, K)).astype(np.float32)) for _ in range(3))
    g = upload(-np.abs(rng.standard_normal((B, T, H, K))).astype(np.float32) * 0.1)
    chunk_gla = peer("fla.ops.gla", "chunk_gla")
    rows.append(
        streamed(
            "gla",
            f"B={B} T={T} H={H} K=V={K} f32",
            lambda: ops.gla(q, k, v, g),
            5 * 4 * B * T * H * K,
            "fla_ms",
            chunk_gla and (lambda: chunk_gla(q, k, v, g)),
        )
    )

    b, l, h, p, n = 4, 2048, 16, 64, 64
    x = upload(rng.standard_normal((b, l, h, p)).astype(np.float32))
    dt = upload(np.abs(rng.standard_normal((b, l, h))).astype(np.float32) * 0.1)
    A = upload(-np.abs(rng.standard_normal(h)).astype(np.float32))
    Bm, Cm = (upload(rng.standard_normal((b, l, 1, n)).astype(np.float32)) for _ in range(2))
    scan = peer("mamba_ssm.ops.triton.ssd_combined", "mamba_chunk_scan_combined")
    rows.append(
        streamed(
            "ssd",
            f"b={b} l={l} h={h} p={p} n={n} f32",
            lambda: ops.ssd(x, dt, A, Bm, Cm, chunk_size=64),
            3 * 4 * b * l * h * p,
            "mamba_ssm_ms",
            scan and (lambda: scan(x, dt, A, Bm, Cm, chunk_size=64)),
        )
    )
    return rows


def main():
    try:
        gpu = device.cuda()
    except ValueError as error:
        print(f"ops_gpu: no GPU ({error}); nothing to measure")
        return 0
    torch = torch_peer()
    rng = np.random.default_rng(0)
    rows = []

    n = 1 << 26
    x = on_gpu(gpu, rng.standard_normal(n).astype(np.float32))
    y = on_gpu(gpu, rng.standard_normal(n).astype(np.float32))
    out = on_gpu(gpu, np.zeros(n, np.float32))
    grid = (-(-n // 1024),)
    seconds = median_seconds(lambda: add_kernel[grid](x, y, out, n, BLOCK=1024), 20, 3)
    row = {
        "op": "vector add",
        "shape": "n=2^26 f32",
        "recur_ms": seconds * 1e3,
        "recur_GBps": 3 * 4 * n / seconds / 1e9,
    }
    if torch is not None:
        tx, ty = torch.randn(n, device="cuda"), torch.randn(n, device="cuda")
        row["torch_ms"] = median_seconds(lambda: (tx + ty, torch.cuda.synchronize()), 20, 3) * 1e3
    rows.append(row)

    M, N = 4096, 1024
    xs = on_gpu(gpu, rng.standard_normal((M, N)).astype(np.float32))
    ys = on_gpu(gpu, np.zeros((M, N), np.float32))
    seconds = median_seconds(lambda: softmax_kernel[(M,)](ys, xs, N, N, N, BLOCK_SIZE=1024), 20, 3)
    row = {
        "op": "softmax rows",
        "shape": f"{M}x{N} f32",
        "recur_ms": seconds * 1e3,
        "recur_GBps": 2 * 4 * M * N / seconds / 1e9,
    }
    if torch is not None:
        t = torch.randn(M, N, device="cuda")
        row["torch_ms"] = (
            median_seconds(lambda: (torch.softmax(t, dim=1), torch.cuda.synchronize()), 20, 3) * 1e3
        )
    rows.append(row)

    S = 2048
    a = on_gpu(gpu, rng.standard_normal((S, S)).astype(np.float32))
    b = on_gpu(gpu, rng.standard_normal((S, S)).astype(np.float32))
    c = on_gpu(gpu, np.zeros((S, S), np.float32))
    grid = (S // 64, S // 64)
    seconds = median_seconds(
        lambda: matmul_kernel[grid](
            a, b, c, S, S, S, S, 1, S, 1, S, 1, BLOCK_M=64, BLOCK_N=64, BLOCK_K=16
        ),
        5,
        1,
    )
    row = {
        "op": "matmul (FMA)",
        "shape": f"{S}^3 f32",
        "recur_ms": seconds * 1e3,
        "recur_TFLOPs": 2 * S**3 / seconds / 1e12,
    }
    if torch is not None:
        ta, tb = torch.randn(S, S, device="cuda"), torch.randn(S, S, device="cuda")
        row["torch_ms"] = median_seconds(lambda: (ta @ tb, torch.cuda.synchronize()), 10, 2) * 1e3
    rows.append(row)

    rows += operator_rows(gpu, torch, rng)

    result = {
        "device": gpu.name,
        "target": gpu.target,
        "time": time.strftime("%Y-%m-%d %H:%M"),
        "torch": torch.__version__ if torch is not None else None,
        "rows": rows,
    }
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "ops-gpu.json"), "w") as f:
        json.dump(result, f, indent=2)
    lines = [
        f"# GPU operators on {gpu.name} ({gpu.target})",
        "",
        "| op | shape | Recur ms | peer | peer ms | Recur throughput |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        throughput = (
            f"{row['recur_GBps']:.0f} GB/s"
            if "recur_GBps" in row
            else f"{row['recur_TFLOPs']:.2f} TFLOP/s"
        )
        peers = [
            (key[:-3], row[key]) for key in ("torch_ms", "fla_ms", "mamba_ssm_ms") if key in row
        ]
        name, ms = (peers[0][0], f"{peers[0][1]:.3f}") if peers else ("-", "-")
        lines.append(
            f"| {row['op']} | {row['shape']} | {row['recur_ms']:.3f} | {name} | {ms} | "
            f"{throughput} |"
        )
    text = "\n".join(lines) + "\n"
    with open(os.path.join(RESULTS, "ops-gpu.md"), "w") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
