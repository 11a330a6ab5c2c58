"""Kernels on a real NVIDIA GPU (RECUR_DEVICE=cuda).

Skipped, with the reason, on machines without a GPU; scripts/gpu-check.sh
runs them where there is one. numpy arguments are staged through GPU
memory; results must equal numpy's as on the CPU (the tolerances of the
CPU tests: f32 sums in another order).
"""

import numpy as np
import pytest

from recur.runtime import device
from test_tutorials import (
    add_kernel,
    assert_matmul_close,
    layer_norm_fwd_kernel,
    run_matmul,
    softmax_kernel,
)


def _gpu_or_reason():
    try:
        return device.cuda(), ""
    except ValueError as error:
        return None, str(error)


GPU, REASON = _gpu_or_reason()
pytestmark = [pytest.mark.gpu, pytest.mark.skipif(GPU is None, reason=f"no GPU: {REASON}")]


@pytest.fixture(autouse=True)
def on_cuda(monkeypatch, compiled):
    monkeypatch.setenv("RECUR_DEVICE", "cuda")


@pytest.mark.parametrize("n", [1, 1000, 98432])
def test_vector_add(rng, n):
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    out = np.zeros(n, np.float32)
    kernel = add_kernel[(-(-n // 1024),)](x, y, out, n, BLOCK=1024)
    assert kernel.metadata["target"] == GPU.target
    np.testing.assert_array_equal(out, x + y)


def test_softmax(rng):
    x = rng.standard_normal((7, 1000)).astype(np.float32)
    out = np.zeros_like(x)
    softmax_kernel[(7,)](out, x, 1000, 1000, 1000, BLOCK_SIZE=1024)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    np.testing.assert_allclose(out, e / e.sum(axis=1, keepdims=True), rtol=1e-5, atol=1e-7)


def test_layer_norm(rng):
    M, N = 4, 300
    x = rng.standard_normal((M, N)).astype(np.float32)
    w = rng.standard_normal(N).astype(np.float32)
    b = rng.standard_normal(N).astype(np.float32)
    y = np.zeros_like(x)
    mean = np.zeros(M, np.float32)
    rstd = np.zeros(M, np.float32)
    layer_norm_fwd_kernel[(M,)](x, y, w, b, mean, rstd, N, N, 1e-5, BLOCK_SIZE=128)
    ref_mean = x.mean(axis=1)
    ref_rstd = 1 / np.sqrt(x.var(axis=1) + 1e-5)
    ref = (x - ref_mean[:, None]) * ref_rstd[:, None] * w + b
    np.testing.assert_allclose(y, ref, rtol=1e-4, atol=1e-5)


def test_matmul(rng):
    a = rng.standard_normal((100, 70)).astype(np.float32)
    b = rng.standard_normal((70, 50)).astype(np.float32)
    assert_matmul_close(run_matmul(a, b, 32, 32, 16), a, b)
