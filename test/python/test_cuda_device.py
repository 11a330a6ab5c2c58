"""Kernels on a real NVIDIA GPU (RECUR_DEVICE=cuda).

Skipped, with the reason, on machines without a GPU; scripts/gpu-check.sh
runs them where there is one. numpy arguments are staged through GPU
memory; results must equal numpy's as on the CPU (the tolerances of the
CPU tests: f32 sums in another order). Ahead-of-time GPU kernels (recurc
--target cuda:*) run on device memory, on the default stream and on a
stream of their own, and must equal the JIT's results.
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


# Ahead-of-time GPU kernels: recurc's object in a shared library, called
# through ctypes on device memory from the CudaDevice, against the JIT.
def aot_library(tmp_path, name, *args):
    import ctypes
    import subprocess

    from test_aot import flags, recurc_gpu

    recurc_gpu(tmp_path, GPU.target, *args, "--name", name)
    library = tmp_path / f"lib{name}.so"
    command = ["c++", "-shared", "-o", str(library), str(tmp_path / f"{name}.o"), *flags("--libs")]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lib = ctypes.CDLL(str(library))
    lib.recur_last_error.restype = ctypes.c_char_p
    return lib


def on_device(array):
    address = GPU.allocate(array.nbytes)
    GPU.copy_to_device(address, array.ctypes.data, array.nbytes)
    return address


def from_device(address, like):
    result = np.empty_like(like)
    GPU.copy_to_host(result.ctypes.data, address, result.nbytes)
    return result


def test_aot_vector_add_equals_the_jit_on_streams(tmp_path, rng):
    import ctypes

    from aot_kernels import add
    from test_aot import KERNELS

    n = 100000
    x = rng.standard_normal(n).astype(np.float32)
    y = rng.standard_normal(n).astype(np.float32)
    jit = np.zeros(n, np.float32)
    add[(-(-n // 128),)](x, y, jit, n, BLOCK=128)

    signature = ("--signature", "*fp32:16, *fp32:16, *fp32:16, i32")
    lib = aot_library(tmp_path, "add_gpu", f"{KERNELS}:add", *signature,
                      "--constexpr", "BLOCK=128", "--grid", "cdiv(n, 128)")  # fmt: skip
    lib.add_gpu.restype = ctypes.c_int
    lib.add_gpu.argtypes = [ctypes.c_void_p] * 4 + [ctypes.c_int32]
    px, py, pout = on_device(x), on_device(y), on_device(np.zeros(n, np.float32))
    try:
        # The default stream, then a stream of our own timed by events.
        assert lib.add_gpu(None, px, py, pout, n) == 0, lib.recur_last_error()
        GPU.synchronize()
        np.testing.assert_array_equal(from_device(pout, x), jit)

        stream, start, stop = GPU.create_stream(), GPU.create_event(), GPU.create_event()
        zeros = np.zeros(n, np.float32)
        GPU.copy_to_device(pout, zeros.ctypes.data, zeros.nbytes, stream)
        GPU.record_event(start, stream)
        assert lib.add_gpu(stream, px, py, pout, n) == 0, lib.recur_last_error()
        GPU.record_event(stop, stream)
        result = np.empty_like(x)
        GPU.copy_to_host(result.ctypes.data, pout, result.nbytes, stream)
        GPU.synchronize(stream)
        assert GPU.elapsed_time(start, stop) >= 0
        np.testing.assert_array_equal(result, jit)
        for event in (start, stop):
            GPU.destroy_event(event)
        GPU.destroy_stream(stream)

        # A misaligned pointer breaks the specialisation before any launch.
        assert lib.add_gpu(None, px + 4, py, pout, n) == 1
        assert b"16-byte aligned" in lib.recur_last_error()
    finally:
        for address in (px, py, pout):
            GPU.release(address)


def test_aot_operator_with_zeroed_outputs_runs(tmp_path, rng):
    # newton_rnn zeroes its iteration count and residual on the stream
    # (recur_gpu_memset) before launching.
    import ctypes

    lib = aot_library(tmp_path, "newton_gpu", "op", "newton_rnn", "--input-dim", "4",
                      "--hidden", "8", "--max-iters", "3")  # fmt: skip
    header = (tmp_path / "newton_gpu.h").read_text()
    assert "workspace" in header
    function = lib.newton_gpu
    function.restype = ctypes.c_int
    B, T, D, H = 1, 16, 4, 8
    params = [rng.standard_normal((H, D)).astype(np.float32) * 0.3 for _ in range(3)]
    params += [rng.standard_normal(H).astype(np.float32) * 0.3 for _ in range(6)]
    x = rng.standard_normal((B, T, D)).astype(np.float32)
    h = np.zeros((B, T, H), np.float32)
    iterations = np.full(1, 99, np.int32)
    residual = np.full(1, 99, np.float32)
    workspace = np.zeros(B * T * 5 * H, np.float32)
    addresses = [on_device(a) for a in (x, *params, h, iterations, residual, workspace)]
    try:
        status = function(None, *[ctypes.c_void_p(a) for a in addresses], B, T)
        assert status == 0, lib.recur_last_error()
        GPU.synchronize()
        assert 1 <= from_device(addresses[-3], iterations)[0] <= 3
        assert np.isfinite(from_device(addresses[-4], h)).all()
    finally:
        for address in addresses:
            GPU.release(address)
