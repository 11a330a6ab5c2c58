# recur._C directly: the IR builder's pass pipelines, the runtime's compile
# and launch entry points, and unsigned integer dots (which the compiled path
# widens by zero extension, as the interpreter does).

import os

import numpy as np
import pytest

import recur
import recur.language as rl
from recur import _C

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "tile")


def read_example(name):
    with open(os.path.join(EXAMPLES, name)) as f:
        return f.read()


@pytest.mark.parametrize("pipeline", ["recur-cpu-pipeline", "builtin.module(recur-cpu-pipeline)"])
def test_run_pipeline_lowers_to_llvm(pipeline):
    context = _C.ir.Context()
    module = _C.ir.Module.parse(context, read_example("vector_add.mlir"))
    module.run_pipeline(pipeline)
    text = str(module)
    assert "llvm.func @add_grid" in text
    assert "tile." not in text


def test_run_pipeline_rejects_unknown_passes():
    context = _C.ir.Context()
    module = _C.ir.Module.parse(context, read_example("vector_add.mlir"))
    with pytest.raises(ValueError, match="no-such-pass"):
        module.run_pipeline("no-such-pass")


def test_compile_load_and_launch_from_tile_text():
    result = _C.runtime.compile_cpu(read_example("vector_add.mlir"))
    assert result["kernels"] == [("add", ["ptr", "ptr", "ptr", "i32"])]
    assert "define" in result["llir"]
    device = _C.runtime.CpuDevice(2)
    module = device.load(result["obj"], result["kernels"])
    launch = device.make_launcher(module, "add")
    n = 1000
    x = np.arange(n, dtype=np.float32)
    y = np.full(n, 0.5, np.float32)
    out = np.zeros(n, np.float32)
    address = lambda a: a.__array_interface__["data"][0]  # noqa: E731
    launch(recur.cdiv(n, 128), 1, 1, address(x), address(y), address(out), n)
    np.testing.assert_array_equal(out, x + y)
    with pytest.raises(TypeError, match="takes 4 arguments"):
        launch(1, 1, 1, address(x))


def test_invalid_tile_text_raises_compile_error():
    with pytest.raises(_C.runtime.CompileError, match="invalid tile module"):
        _C.runtime.compile_cpu("tile.func @broken(")


@recur.jit
def unsigned_dot_kernel(a_ptr, b_ptr, c_ptr, BLOCK: rl.constexpr):
    r = rl.arange(0, BLOCK)
    a = rl.load(a_ptr + r[:, None] * BLOCK + r[None, :])
    b = rl.load(b_ptr + r[:, None] * BLOCK + r[None, :])
    rl.store(c_ptr + r[:, None] * BLOCK + r[None, :], rl.dot(a, b))


def test_unsigned_dot_zero_extends(mode, rng):
    # Values above 127 would turn negative under sign extension.
    a = rng.integers(0, 256, (16, 16)).astype(np.uint8)
    b = rng.integers(0, 256, (16, 16)).astype(np.uint8)
    c = np.zeros((16, 16), np.int32)
    unsigned_dot_kernel[(1,)](a, b, c, BLOCK=16)
    np.testing.assert_array_equal(c, a.astype(np.int32) @ b.astype(np.int32))
