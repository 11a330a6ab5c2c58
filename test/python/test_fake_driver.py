# The Python GPU runtime against the stand-in CUDA driver and HIP runtime
# (test/runtime/fake: host memory as device memory, kernels named "...add" run
# on the host), loaded with RECUR_CUDA_DRIVER / RECUR_HIP_LIBRARY in a second
# process: RECUR_DEVICE=cuda (rocm) stages numpy arrays, loads the cubin
# (HSACO) and launches; GPU arrays go in place; the devices' streams, events
# and async copies work through the bindings. The binaries are real: cuda
# needs ptxas.

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
    class CudaArray:  # as torch and cupy present theirs
        def __init__(self, array):
            self.__cuda_array_interface__ = {
                "data": (array.ctypes.data, False), "typestr": "<f4",
                "shape": array.shape, "version": 3,
            }

    class DLPackArray:  # as jax presents its GPU arrays
        def __init__(self, array):
            self.array = array

        def __dlpack__(self, stream=None):
            return self.array.__dlpack__()

        def __dlpack_device__(self):
            return (2, 0)  # kDLCUDA

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
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and done.stdout == "ok\n", done.stdout + done.stderr
