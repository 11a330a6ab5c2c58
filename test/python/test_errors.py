# Error reporting: every mistake in a kernel or a launch raises a Python
# exception in-process (never a crash) that says what is wrong and where.
#
# Compile-time errors are recur.CompilationError whose str() holds
# "<this file>:<line>:<col>" of the offending source line and quotes that
# line; the expected line is found by searching this file for a "# ERR:<tag>"
# marker, never hard-coded. Launch errors (argument count, argument types) are
# TypeError/ValueError naming the parameter, in compiled and interpreted mode.

import os
import re

import numpy as np
import pytest

import recur
import recur.language as rl

THIS_FILE = os.path.abspath(__file__)


def line_of(tag):
    """(1-based line number, text) of the one line ending in '# ERR:<tag>'."""
    with open(THIS_FILE) as f:
        lines = f.read().splitlines()
    hits = [i for i, line in enumerate(lines, 1) if line.rstrip().endswith("# ERR:" + tag)]
    assert len(hits) == 1, f"marker ERR:{tag} must occur once, found {hits}"
    return hits[0], lines[hits[0] - 1]


def assert_located(error, tag, token=None):
    """str(error) names this file at the marked line, and quotes that line."""
    msg = str(error)
    lineno, line = line_of(tag)
    paths = {THIS_FILE, os.path.realpath(THIS_FILE)}
    locations = [
        (int(m.group(1)), int(m.group(2)))
        for path in paths
        for m in re.finditer(re.escape(path) + r":(\d+):(\d+)", msg)
    ]
    assert locations, f"no '{THIS_FILE}:line:col' in the message:\n{msg}"
    assert lineno in [ln for ln, _ in locations], f"expected line {lineno} in:\n{msg}"
    code = line.split("#")[0].strip()
    assert code in msg, f"the offending line {code!r} is not quoted in:\n{msg}"
    if token is not None:
        # The column points at the token (accepting 0- or 1-based columns).
        idx = line.index(token)
        cols = [col for ln, col in locations if ln == lineno]
        assert any(col in (idx, idx + 1) for col in cols), f"column {cols} vs {idx}:\n{msg}"


def f32(n=16):
    return np.zeros(n, dtype=np.float32)


# ---------------------------------------------------------------------------
# Compile-time errors
# ---------------------------------------------------------------------------


@recur.jit
def undefined_name_kernel(x_ptr, BLOCK: rl.constexpr):
    offs = rl.arange(0, BLOCK)
    x = rl.load(x_ptr + offs)
    rl.store(x_ptr + offs, x + undefined_thing_42)  # noqa: F821  # ERR:undefined


def test_undefined_name(compiled):
    with pytest.raises(recur.CompilationError, match="undefined_thing_42") as info:
        undefined_name_kernel[(1,)](f32(), BLOCK=16)
    assert_located(info.value, "undefined", token="undefined_thing_42")


@recur.jit
def dot_mismatch_kernel(
    a_ptr, b_ptr, c_ptr, M: rl.constexpr, K1: rl.constexpr, K2: rl.constexpr, N: rl.constexpr
):
    # Dimensions come in as constexprs so that no shape digits appear in the
    # source text: the message itself must name both shapes.
    a = rl.load(a_ptr + rl.arange(0, M)[:, None] * K1 + rl.arange(0, K1)[None, :])
    b = rl.load(b_ptr + rl.arange(0, K2)[:, None] * N + rl.arange(0, N)[None, :])
    c = rl.dot(a, b)  # ERR:dot
    rl.store(c_ptr + rl.arange(0, M)[:, None] * N + rl.arange(0, N)[None, :], c)


def test_dot_shape_mismatch(compiled):
    a = np.zeros((16, 32), np.float32)
    b = np.zeros((64, 128), np.float32)
    c = np.zeros((16, 128), np.float32)
    with pytest.raises(recur.CompilationError) as info:
        dot_mismatch_kernel[(1,)](a, b, c, M=16, K1=32, K2=64, N=128)
    msg = str(info.value)
    # Both operand shapes, [16, 32] and [64, 128], in whatever brackets.
    assert re.search(r"\b16\D{1,16}32\b", msg), msg
    assert re.search(r"\b64\D{1,16}128\b", msg), msg
    assert_located(info.value, "dot")


@recur.jit
def runtime_arange_kernel(x_ptr, n):
    offs = rl.arange(0, n)  # ERR:arange
    rl.store(x_ptr + offs, 1.0)


@recur.jit
def runtime_zeros_kernel(x_ptr, n):
    acc = rl.zeros((n,), dtype=rl.float32)  # ERR:zeros
    rl.store(x_ptr + rl.arange(0, 16), acc)


def test_arange_needs_constexpr(compiled):
    with pytest.raises(recur.CompilationError, match="constexpr") as info:
        runtime_arange_kernel[(1,)](f32(), 10)
    assert_located(info.value, "arange")


def test_zeros_shape_needs_constexpr(compiled):
    with pytest.raises(recur.CompilationError, match="constexpr") as info:
        runtime_zeros_kernel[(1,)](f32(), 10)
    assert_located(info.value, "zeros")


@recur.jit
def arange_not_pow2_kernel(x_ptr, BLOCK: rl.constexpr):
    offs = rl.arange(0, BLOCK)  # ERR:pow2
    rl.store(x_ptr + offs, 1.0)


def test_arange_needs_power_of_two(compiled):
    with pytest.raises(recur.CompilationError, match=r"(?i)power[ -]of[ -](2|two)") as info:
        arange_not_pow2_kernel[(1,)](f32(), BLOCK=10)
    assert_located(info.value, "pow2")


@recur.jit
def static_assert_kernel(x_ptr, BLOCK: rl.constexpr):
    rl.static_assert(BLOCK % 2 == 0, "BLOCK must be even")  # ERR:static_assert
    rl.store(x_ptr + rl.arange(0, BLOCK), 1.0)


@recur.jit
def static_assert_false_kernel(x_ptr):
    rl.static_assert(False, "custom-message-xyz")  # ERR:static_false
    rl.store(x_ptr, 1.0)


def test_static_assert_false(compiled):
    with pytest.raises(recur.CompilationError, match="custom-message-xyz") as info:
        static_assert_false_kernel[(1,)](f32())
    assert_located(info.value, "static_false")


def test_static_assert_on_constexpr(compiled):
    x = f32()
    with pytest.raises(recur.CompilationError, match="BLOCK must be even") as info:
        static_assert_kernel[(1,)](x, BLOCK=1)
    assert_located(info.value, "static_assert")
    static_assert_kernel[(1,)](x, BLOCK=4)  # holds: compiles and runs
    np.testing.assert_array_equal(x[:4], 1.0)


@recur.jit
def _bad_helper(x):
    return x * 2 + missing_in_helper  # noqa: F821  # ERR:helper


@recur.jit
def calls_bad_helper_kernel(x_ptr):
    offs = rl.arange(0, 16)
    rl.store(x_ptr + offs, _bad_helper(rl.load(x_ptr + offs)))


def test_error_inside_device_function(compiled):
    with pytest.raises(recur.CompilationError, match="missing_in_helper") as info:
        calls_bad_helper_kernel[(1,)](f32())
    assert_located(info.value, "helper", token="missing_in_helper")


@recur.jit
def shape_mismatch_kernel(x_ptr):
    y = rl.arange(0, 16) + rl.arange(0, 32)  # ERR:broadcast
    rl.store(x_ptr + rl.arange(0, 16), y)


def test_incompatible_shapes_in_binary_op(compiled):
    with pytest.raises(recur.CompilationError) as info:
        shape_mismatch_kernel[(1,)](f32())
    msg = str(info.value)
    assert "16" in msg and "32" in msg, msg
    assert_located(info.value, "broadcast")


@recur.jit
def load_non_pointer_kernel(x_ptr, n):
    v = rl.load(n)  # ERR:load_scalar
    rl.store(x_ptr, v)


def test_load_from_non_pointer(compiled):
    with pytest.raises(recur.CompilationError) as info:
        load_non_pointer_kernel[(1,)](f32(), 5)
    assert_located(info.value, "load_scalar")


@recur.jit
def unsupported_syntax_kernel(x_ptr):
    try:  # ERR:try
        rl.store(x_ptr, 1.0)
    except Exception:
        pass


def test_unsupported_python_syntax(compiled):
    with pytest.raises(recur.CompilationError) as info:
        unsupported_syntax_kernel[(1,)](f32())
    assert_located(info.value, "try")


# ---------------------------------------------------------------------------
# Launch errors (argument binding and types), in both modes
# ---------------------------------------------------------------------------


@recur.jit
def add_kernel(x_ptr, y_ptr, out_ptr, n_elements, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n_elements
    rl.store(
        out_ptr + offs,
        rl.load(x_ptr + offs, mask=mask) + rl.load(y_ptr + offs, mask=mask),
        mask=mask,
    )


def test_missing_argument(mode):
    x, y, out = f32(), f32(), f32()
    with pytest.raises(TypeError, match="n_elements"):
        add_kernel[(1,)](x, y, out, BLOCK=16)


def test_missing_constexpr_argument(mode):
    x, y, out = f32(), f32(), f32()
    with pytest.raises(TypeError, match="BLOCK"):
        add_kernel[(1,)](x, y, out, 16)


def test_too_many_arguments(mode):
    x, y, out = f32(), f32(), f32()
    with pytest.raises(TypeError):
        add_kernel[(1,)](x, y, out, 16, 99, BLOCK=16)


def test_unexpected_keyword_argument(mode):
    x, y, out = f32(), f32(), f32()
    with pytest.raises(TypeError, match="BLOCKK"):
        add_kernel[(1,)](x, y, out, 16, BLOCK=16, BLOCKK=3)


def test_string_for_pointer(mode):
    y, out = f32(), f32()
    with pytest.raises((TypeError, ValueError), match="x_ptr"):
        add_kernel[(1,)]("hello", y, out, 16, BLOCK=16)


def test_string_for_scalar(mode):
    x, y, out = f32(), f32(), f32()
    with pytest.raises((TypeError, ValueError), match="n_elements"):
        add_kernel[(1,)](x, y, out, "16", BLOCK=16)


def test_unsupported_array_dtype(mode):
    x = np.zeros(16, np.complex64)
    y, out = f32(), f32()
    with pytest.raises((TypeError, ValueError), match="x_ptr"):
        add_kernel[(1,)](x, y, out, 16, BLOCK=16)


def test_calling_kernel_outside_a_kernel():
    # A @recur.jit function runs only when launched with [grid] or called
    # from another kernel.
    with pytest.raises(RuntimeError):
        add_kernel(f32(), f32(), f32(), 16, 16)


# ---------------------------------------------------------------------------
# After all of the above the process still compiles and runs kernels.
# ---------------------------------------------------------------------------


def test_process_healthy_after_errors(compiled):
    n = 21
    x = np.arange(n, dtype=np.float32)
    y = np.ones(n, dtype=np.float32)
    out = np.zeros(n, dtype=np.float32)
    add_kernel[(recur.cdiv(n, 16),)](x, y, out, n, BLOCK=16)
    np.testing.assert_array_equal(out, x + 1)
    # A kernel that failed to compile still fails the same way (not cached as
    # a broken success, no crash on the second attempt).
    with pytest.raises(recur.CompilationError, match="undefined_thing_42"):
        undefined_name_kernel[(1,)](f32(), BLOCK=16)
