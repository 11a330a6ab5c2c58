# The Python GPU runtime against the stand-in CUDA driver and HIP runtime
# (test/runtime/fake: host memory as device memory, kernels named "...add" run
# on the host), loaded with RECUR_CUDA_DRIVER / RECUR_HIP_LIBRARY in a second
# process: RECUR_DEVICE=cuda (rocm) stages numpy arrays, loads the cubin
# (HSACO) and launches; GPU arrays go in place; the devices' streams, events
# and async copies work through the bindings. The binaries are real: cuda
# needs ptxas.

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from test_gpu_compile import ptxas

ROOT = Path(__file__).resolve().parents[2]


def fake_library(name):
    import recur

    for build in (ROOT / "build", Path(recur.__file__).resolve().parents[2]):
        candidate = build / "lib" / f"lib{name}.so"
        if candidate.exists():
            return candidate
    pytest.skip(f"build the {name} target")


# Host arrays dressed as GPU arrays (the stand-ins' GPU memory is host
# memory), for the scripts below.
GPU_ARRAY_CLASSES = textwrap.dedent(
    """
    class CudaArray:  # as torch and cupy present theirs
        def __init__(self, array):
            self.array = array
            self.__cuda_array_interface__ = {
                "data": (array.ctypes.data, False), "typestr": array.dtype.str,
                "shape": array.shape, "strides": None, "version": 3,
            }

    class DLPackArray:  # as jax presents its GPU arrays
        def __init__(self, array):
            self.array = array

        def __dlpack__(self, stream=None):
            return self.array.__dlpack__()

        def __dlpack_device__(self):
            return (2, 0)  # kDLCUDA
    """
)

SCRIPT = textwrap.dedent(
    """
    import numpy as np
    from recur.runtime import device
    from aot_kernels import add

    gpu = device.gpu()
    if device.current() == "cuda":
        assert (gpu.name, gpu.target, gpu.compute_capability) == ("Fake GPU", "cuda:sm_80", 80)
    else:
        assert (gpu.name, gpu.target, gpu.arch) == (
            "Fake AMD GPU", "rocm:gfx942", "gfx942:sramecc+:xnack-"
        )

    # A JIT launch: numpy arrays are staged through "device" memory.
    n = 1000
    x = np.arange(n, dtype=np.float32)
    y = np.full(n, 2.0, np.float32)
    out = np.zeros(n, np.float32)
    kernel = add[(-(-n // 128),)](x, y, out, n, BLOCK=128)
    assert kernel.metadata["target"] == gpu.target
    np.testing.assert_array_equal(out, x + y)

    # GPU arrays go to the kernel by address, without staging: the kernel
    # writes `out` in place (the stand-in's device memory is host memory).
    out[:] = 0
    add[(-(-n // 128),)](CudaArray(x), DLPackArray(y), CudaArray(out), n, BLOCK=128)
    np.testing.assert_array_equal(out, x + y)

    # Streams, events and async copies through the bindings.
    stream, start, stop = gpu.create_stream(), gpu.create_event(), gpu.create_event()
    address = gpu.allocate(x.nbytes)
    gpu.record_event(start, stream)
    gpu.copy_to_device(address, x.ctypes.data, x.nbytes, stream)
    back = np.zeros_like(x)
    gpu.copy_to_host(back.ctypes.data, address, x.nbytes, stream)
    gpu.record_event(stop, stream)
    gpu.synchronize(stream)
    assert gpu.elapsed_time(start, stop) == (0.5 if device.current() == "cuda" else 0.25)
    np.testing.assert_array_equal(back, x)
    gpu.release(address)
    gpu.destroy_event(start)
    gpu.destroy_event(stop)
    gpu.destroy_stream(stream)
    print("ok")
    """
)


@pytest.mark.parametrize("platform", ["cuda", "rocm"])
def test_jit_and_streams_on_a_stand_in_driver(tmp_path, subprocess_env, platform):
    if platform == "cuda" and ptxas is None:
        pytest.skip("no ptxas for the cubin")
    env = subprocess_env(tmp_path / "cache", extra_path=Path(__file__).parent)
    if platform == "cuda":
        env.update(RECUR_DEVICE="cuda", RECUR_CUDA_DRIVER=str(fake_library("RecurFakeCuda")))
    else:
        env.update(RECUR_DEVICE="rocm", RECUR_HIP_LIBRARY=str(fake_library("RecurFakeHip")))
    done = subprocess.run(
        [sys.executable, "-c", GPU_ARRAY_CLASSES + SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and done.stdout == "ok\n", done.stdout + done.stderr


# What the scripts below share: the stand-in's record of the last launch
# (grid and block) and of the copies each way so far.
LAUNCH_RECORD = textwrap.dedent(
    """
    import ctypes, os
    from recur.runtime import device

    if device.current() == "cuda":
        _last = ctypes.CDLL(os.environ["RECUR_CUDA_DRIVER"]).fakeCudaLastLaunch
        WARP = 32
    else:
        _last = ctypes.CDLL(os.environ["RECUR_HIP_LIBRARY"]).fakeHipLastLaunch
        WARP = 64

    def last_launch():
        dims = (ctypes.c_uint * 6)()
        copies = ctypes.c_int(), ctypes.c_int()
        _last(dims, ctypes.byref(copies[0]), ctypes.byref(copies[1]))
        return list(dims), copies[0].value, copies[1].value
    """
)


def run_on_stand_in(script, platform, tmp_path, subprocess_env, extra_path=None, **environment):
    """``script`` (after LAUNCH_RECORD) in a process on the stand-in CUDA
    driver or HIP runtime, ``extra_path`` importable; its standard output."""
    if platform == "cuda" and ptxas is None:
        pytest.skip("no ptxas for the cubins")
    env = subprocess_env(tmp_path / "cache", extra_path=extra_path)
    if platform == "cuda":
        env.update(RECUR_DEVICE="cuda", RECUR_CUDA_DRIVER=str(fake_library("RecurFakeCuda")))
    else:
        env.update(RECUR_DEVICE="rocm", RECUR_HIP_LIBRARY=str(fake_library("RecurFakeHip")))
    env.update(environment)
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH_RECORD + GPU_ARRAY_CLASSES + script],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


# Every operator of recur.ops on RECUR_DEVICE=cuda/rocm: compiled for the
# stand-in's GPU, its host arrays staged. The stand-in does not run the
# kernels (the emulator proves them: test_ops_*.py on emu:*), so this checks
# the launch (grid, threads per block) and the copies: every array goes to
# the GPU, only the outputs come back.
OPERATORS_SCRIPT = textwrap.dedent(
    """
    import warnings
    import numpy as np
    from recur import ops
    from recur.ops import _kernels

    copies = [0, 0]
    covered = set()

    def check(name, grid, to_device, to_host):
        dims, *now = last_launch()
        threads = WARP * _kernels.gpu_warps(name)
        assert dims == [*grid, threads, 1, 1], (name, dims)
        moved = [now[0] - copies[0], now[1] - copies[1]]
        assert moved == [to_device, to_host], (name, moved)
        copies[:] = now
        covered.add(name)

    rng = np.random.default_rng(0)
    normal = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    B, T, H, K, V = 2, 40, 3, 16, 32
    q, k, v = normal(B, T, H, K), normal(B, T, H, K), normal(B, T, H, V)
    state = normal(B, H, K, V)

    o, final = ops.linear_attn(q, k, v, initial_state=state, output_final_state=True)
    assert o.shape == (B, T, H, V) and final.shape == (B, H, K, V)
    check("linear_attn", (H, B, 1), 6, 2)  # q k v state | o final
    ops.gla(q, k, v, -np.abs(normal(B, T, H, K)))
    check("gla", (H, B, 1), 6, 2)
    ops.delta_rule(q, k, v, np.abs(normal(B, T, H)))
    check("delta_rule", (H, B, 1), 6, 2)
    ops.gated_delta_rule(q, k, v, -np.abs(normal(B, T, H)), np.abs(normal(B, T, H)))
    check("gated_delta_rule", (H, B, 1), 7, 2)
    o, lse = ops.flash_attn(q, k, normal(B, T, H, V), causal=True, return_lse=True)
    assert o.shape == (B, T, H, V) and lse.shape == (B, H, T)
    block = _kernels.CONFIG_SPACES["flash_attn"].gpu[0]
    check("flash_attn", (-(-T // block), H, B), 5, 2)
    P, N = 8, 16
    y, _ = ops.ssd(
        normal(B, T, H, P), np.abs(normal(B, T, H)), -np.abs(normal(H)),
        normal(B, T, 1, N), normal(B, T, 1, N),
    )
    assert y.shape == (B, T, H, P)
    check("ssd", (H, B, 1), 7, 2)
    d, n = 12, 4
    y, _ = ops.selective_scan(
        normal(B, d, T), np.abs(normal(B, d, T)), -np.abs(normal(d, n)),
        normal(B, n, T), normal(B, n, T),
    )
    assert y.shape == (B, d, T)
    check("selective_scan", (d, B, 1), 7, 2)
    hidden, inputs = 24, 10
    params = {f"W_{g}": normal(hidden, inputs) for g in "zrc"}
    params.update({f"a_{g}": normal(hidden) for g in "zrc"})
    params.update({f"b_{g}": normal(hidden) for g in "zrc"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nothing ran: "did not converge"
        h, _ = ops.newton_rnn("gru_diag", normal(B, T, inputs), params)
    assert h.shape == (B, T, hidden)
    # x, 9 parameters, the scratch workspace, h, iterations and residual go;
    # only the last three come back.
    from recur.ops.newton import _CHANNEL_BLOCK

    check("newton_rnn", (-(-hidden // _CHANNEL_BLOCK), B, 1), 14, 3)
    assert covered == set(_kernels.CONFIG_SPACES), covered
    print("ok")
    """
)


@pytest.mark.parametrize("platform", ["cuda", "rocm"])
def test_operators_on_a_stand_in_driver(tmp_path, subprocess_env, platform):
    assert run_on_stand_in(OPERATORS_SCRIPT, platform, tmp_path, subprocess_env) == "ok\n"


# Operands already in GPU memory stay there: nothing is copied either way,
# and the outputs are allocated in GPU memory (a recur DeviceBuffer here, as
# the operands are neither torch nor cupy tensors). Offsets given as GPU
# arrays are read back to the host once; a GPU state of the wrong dtype is
# an error rather than a silent copy.
GPU_ARRAYS_SCRIPT = textwrap.dedent(
    """
    import numpy as np
    from recur import ops
    from recur.ops._arrays import DeviceBuffer

    rng = np.random.default_rng(0)
    normal = lambda *shape: rng.standard_normal(shape).astype(np.float32)
    B, T, H, K, V = 2, 40, 3, 16, 32
    q, k, v = normal(B, T, H, K), normal(B, T, H, K), normal(B, T, H, V)
    g = -np.abs(normal(B, T, H, K))

    _, to_device, to_host = last_launch()
    o, final = ops.gla(
        CudaArray(q), DLPackArray(k), CudaArray(v), CudaArray(g),
        initial_state=CudaArray(normal(B, H, K, V)), output_final_state=True,
    )
    dims, to_device2, to_host2 = last_launch()
    assert dims[:3] == [H, B, 1], dims
    assert (to_device2, to_host2) == (to_device, to_host), "GPU operands were staged"
    assert isinstance(o, DeviceBuffer) and isinstance(final, DeviceBuffer)
    assert (o.shape, o.dtype, final.shape) == ((B, T, H, V), np.float32, (B, H, K, V))
    assert o.__cuda_array_interface__["shape"] == (B, T, H, V)
    assert o.get().shape == (B, T, H, V)
    assert last_launch()[2] == to_host2 + 1

    # Packed sequences: offsets on the GPU are read back once, then staged.
    total = 50
    qp, kp, vp = normal(total, H, K), normal(total, H, K), normal(total, H, V)
    offsets = CudaArray(np.array([0, 20, 50], np.int32))
    _, to_device, to_host = last_launch()
    o, lse = ops.flash_attn(
        CudaArray(qp), CudaArray(kp), CudaArray(vp), causal=True,
        cu_seqlens_q=offsets, cu_seqlens_k=offsets, return_lse=True,
    )
    assert o.shape == (total, H, V) and lse.shape == (H, total), (o.shape, lse.shape)
    _, to_device2, to_host2 = last_launch()
    # Two offset reads come back; two offset arrays and the filled o and lse go.
    assert (to_device2 - to_device, to_host2 - to_host) == (4, 2)

    try:
        ops.linear_attn(
            CudaArray(q), CudaArray(k), CudaArray(v),
            initial_state=CudaArray(np.zeros((B, H, K, V))),
        )
        raise AssertionError("a float64 state on the GPU was accepted")
    except ValueError as error:
        assert "initial_state: must be float32 on the GPU, got float64" in str(error)
    print("ok")
    """
)


@pytest.mark.parametrize("platform", ["cuda", "rocm"])
def test_operators_keep_gpu_arrays_in_place(tmp_path, subprocess_env, platform):
    assert run_on_stand_in(GPU_ARRAYS_SCRIPT, platform, tmp_path, subprocess_env) == "ok\n"


# Operators tune on a GPU: sizes x warps, pruned by the resource model
# (ptxas's figures), timed once per machine and reused by later processes.
# The stand-in's timings are meaningless; the choice must still be one of
# the candidates and be what the operator then launches with.
TUNING_SCRIPT = textwrap.dedent(
    """
    import numpy as np
    from recur import ops
    from recur.ops import _kernels
    from recur.runtime import device

    rng = np.random.default_rng(0)
    B, T, H, K = 1, 40, 2, 16
    q, k, v = (rng.standard_normal((B, T, H, K)).astype(np.float32) for _ in range(3))
    ops.gla(q, k, v, -np.abs(rng.standard_normal((B, T, H, K))).astype(np.float32))
    print("threads", last_launch()[0][3])
    print("configs", len(_kernels.gpu_configs("gla", device.gpu().target)))
    """
)


@pytest.mark.parametrize("arch", ["80", "90"])
def test_operators_tune_sizes_and_warps_on_a_gpu(tmp_path, subprocess_env, arch):
    from recur.ops import _kernels

    # The same cache directory twice: the second process finds the choice.
    # On sm_90 the candidates include per-thread copies beside bulk copies.
    runs = [
        run_on_stand_in(
            TUNING_SCRIPT,
            "cuda",
            tmp_path,
            subprocess_env,
            RECUR_AUTOTUNE="1",
            RECUR_PRINT_AUTOTUNING="1",
            RECUR_FAKE_CUDA_ARCH=arch,
        ).splitlines()
        for _ in range(2)
    ]
    for lines, timed in zip(runs, ("timed [1-9]", "timed 0")):
        (choice,) = [line for line in lines if line.startswith("recur.ops.gla")]
        pattern = (
            rf"size (\d+), (\d+) warps, (\d+) stages(, per-thread copies)? "
            rf"\(({timed}\d*) of (\d+)\)"
        )
        match = re.search(pattern, choice)
        assert match, choice
        size, warps, stages = (int(match.group(i)) for i in (1, 2, 3))
        config = (size, warps, stages) + ((0,) if match.group(4) else ())
        assert config in _kernels.gpu_configs("gla", f"cuda:sm_{arch}")
        assert f"threads {32 * warps}" in lines, lines
        assert int(match.group(6)) <= int(lines[-1].split()[1])
        if arch == "90":  # more candidates than sm_80 has configs
            assert int(match.group(6)) > len(_kernels.gpu_configs("gla", "cuda:sm_80"))


# A kernel whose shared memory exceeds the static 48 KiB: the launch asks
# for it as dynamic shared memory, after raising the kernel's limit.
SHARED_KERNEL = textwrap.dedent(
    """
    import recur
    import recur.language as rl


    @recur.jit
    def trans_kernel(x_ptr, y_ptr, M: rl.constexpr, N: rl.constexpr):
        x = rl.load(x_ptr + rl.arange(0, M)[:, None] * N + rl.arange(0, N)[None, :])
        y_offsets = rl.arange(0, N)[:, None] * M + rl.arange(0, M)[None, :]
        rl.store(y_ptr + y_offsets, rl.trans(x))
    """
)

DYNAMIC_SHARED_SCRIPT = textwrap.dedent(
    """
    import numpy as np
    from shared_kernels import trans_kernel

    x = np.zeros((128, 128), np.float32)
    kernel = trans_kernel[(1,)](x, np.zeros_like(x), M=128, N=128)
    meta = kernel.metadata
    assert meta["dynamic_shared"] >= 64 * 1024, meta
    assert meta["shared"] >= meta["dynamic_shared"], meta
    shared, allowed = ctypes.c_uint(), ctypes.c_int()
    _fake = ctypes.CDLL(os.environ["RECUR_CUDA_DRIVER"])
    _fake.fakeCudaLastShared(ctypes.byref(shared), ctypes.byref(allowed))
    assert shared.value == allowed.value == meta["dynamic_shared"], (shared, allowed)
    print("ok")
    """
)


def test_shared_memory_beyond_48_kib_is_dynamic(tmp_path, subprocess_env):
    (tmp_path / "shared_kernels.py").write_text(SHARED_KERNEL)
    out = run_on_stand_in(
        DYNAMIC_SHARED_SCRIPT, "cuda", tmp_path, subprocess_env, extra_path=tmp_path
    )
    assert out == "ok\n"
