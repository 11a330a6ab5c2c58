# The numpy interpreter (RECUR_INTERPRET=1) beyond "same results as compiled".
#
# Covers: an unmasked out-of-bounds load or store raises a clear Python error
# (IndexError/ValueError) instead of touching memory outside the array, while
# masked-off lanes may point anywhere; bf16 loads are exact and bf16 stores and
# bf16 arithmetic round to nearest even, bit for bit like ml_dtypes (checked in
# both modes); rl.device_print prints (both modes); the interpreter compiles
# nothing, and RECUR_INTERPRET is read at every launch.

import ml_dtypes
import numpy as np
import pytest

import recur
import recur.language as rl
from recur.runtime import cache_stats

BF16 = ml_dtypes.bfloat16


@pytest.fixture
def interpret(monkeypatch):
    monkeypatch.setenv("RECUR_INTERPRET", "1")


@recur.jit
def copy_kernel(x_ptr, out_ptr, n, START, BLOCK: rl.constexpr, MASKED: rl.constexpr):
    offs = START + rl.arange(0, BLOCK)
    if MASKED:
        mask = (offs >= 0) & (offs < n)
        rl.store(out_ptr + offs, rl.load(x_ptr + offs, mask=mask, other=0.0), mask=mask)
    else:
        rl.store(out_ptr + offs, rl.load(x_ptr + offs))


@recur.jit
def store_only_kernel(out_ptr, BLOCK: rl.constexpr):
    offs = rl.arange(0, BLOCK)
    rl.store(out_ptr + offs, offs.to(rl.float32))


def test_out_of_bounds_load_raises(interpret):
    x = np.arange(10, dtype=np.float32)
    out = np.zeros(64, dtype=np.float32)  # the store alone would be in bounds
    with pytest.raises((IndexError, ValueError)):
        copy_kernel[(1,)](x, out, 10, 0, BLOCK=16, MASKED=False)


def test_negative_offset_load_raises(interpret):
    x = np.arange(32, dtype=np.float32)
    out = np.zeros(32, dtype=np.float32)
    with pytest.raises((IndexError, ValueError)):
        copy_kernel[(1,)](x, out, 32, -4, BLOCK=16, MASKED=False)


def test_out_of_bounds_store_raises(interpret):
    out = np.zeros(10, dtype=np.float32)
    with pytest.raises((IndexError, ValueError)):
        store_only_kernel[(1,)](out, BLOCK=16)


def test_masked_lanes_may_point_out_of_bounds(interpret):
    x = np.arange(10, dtype=np.float32)
    out = np.full(10, -1.0, dtype=np.float32)
    copy_kernel[(1,)](x, out, 10, -3, BLOCK=16, MASKED=True)
    np.testing.assert_array_equal(out, x)


@recur.jit
def bf16_roundtrip_kernel(
    x_f32_ptr, x_bf16_ptr, stored_ptr, loaded_ptr, prod_ptr, n, BLOCK: rl.constexpr
):
    offs = rl.arange(0, BLOCK)
    mask = offs < n
    xf = rl.load(x_f32_ptr + offs, mask=mask)
    rl.store(stored_ptr + offs, xf, mask=mask)  # f32 stored into bf16: rounds
    xb = rl.load(x_bf16_ptr + offs, mask=mask)
    rl.static_assert(xb.dtype == rl.bfloat16)
    rl.store(loaded_ptr + offs, xb.to(rl.float32), mask=mask)  # exact widening
    rl.store(prod_ptr + offs, xb * xb, mask=mask)  # bf16 arithmetic, bf16 result


def test_bf16_load_store_rounding(mode, rng):
    base = rng.standard_normal(200).astype(np.float32) * 10
    hi = base.view(np.uint32) & np.uint32(0xFFFF0000)
    x = np.concatenate(
        [
            base,
            (hi | np.uint32(0x8000)).view(np.float32),  # ties: to even
            (hi | np.uint32(0x7FFF)).view(np.float32),
            (hi | np.uint32(0x8001)).view(np.float32),
            np.array([0.0, -0.0, 1 + 2.0**-8, 1 + 3 * 2.0**-8, np.inf, -np.inf], np.float32),
        ]
    )
    n = x.size
    xb = x.astype(BF16)
    stored = np.zeros(n, BF16)
    loaded = np.zeros(n, np.float32)
    prod = np.zeros(n, BF16)
    bf16_roundtrip_kernel[(1,)](x, xb, stored, loaded, prod, n, BLOCK=1024)
    np.testing.assert_array_equal(stored.view(np.uint16), x.astype(BF16).view(np.uint16))
    np.testing.assert_array_equal(loaded, xb.astype(np.float32))
    # The product of two bf16 values is exact in float32, so the correctly
    # rounded bf16 product is ml_dtypes' rounding of the float32 product.
    xf = xb.astype(np.float32)
    np.testing.assert_array_equal(prod.view(np.uint16), (xf * xf).astype(BF16).view(np.uint16))


@recur.jit
def print_kernel(x_ptr):
    v = rl.load(x_ptr + rl.program_id(0))
    rl.device_print("prefix-xyz", v)


def test_device_print(mode, capfd):
    x = np.array([42, 7], dtype=np.int32)
    print_kernel[(2,)](x)
    captured = capfd.readouterr()
    text = captured.out + captured.err
    assert "prefix-xyz" in text
    assert "42" in text and "7" in text


@recur.jit
def interpret_only_kernel(x_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offs = rl.arange(0, BLOCK)
    mask = offs < n
    rl.store(out_ptr + offs, rl.load(x_ptr + offs, mask=mask) * 3.0, mask=mask)


def test_interpreter_compiles_nothing_and_env_is_read_per_launch(monkeypatch, tmp_path):
    monkeypatch.setenv("RECUR_CACHE_DIR", str(tmp_path / "cache"))
    n = 20
    x = np.arange(n, dtype=np.float32)
    out = np.zeros(n, dtype=np.float32)

    monkeypatch.setenv("RECUR_INTERPRET", "1")
    before = cache_stats()
    interpret_only_kernel[(1,)](x, out, n, BLOCK=32)
    np.testing.assert_array_equal(out, 3 * x)
    assert cache_stats() == before  # no compile, no cache lookup

    monkeypatch.delenv("RECUR_INTERPRET")
    out[:] = 0
    interpret_only_kernel[(1,)](x, out, n, BLOCK=32)
    np.testing.assert_array_equal(out, 3 * x)
    assert cache_stats()["misses"] == before["misses"] + 1  # now it compiled

    monkeypatch.setenv("RECUR_INTERPRET", "1")
    out[:] = 0
    after_compile = cache_stats()
    interpret_only_kernel[(1,)](x, out, n, BLOCK=32)
    np.testing.assert_array_equal(out, 3 * x)
    assert cache_stats() == after_compile


@recur.jit
def grid_sum_kernel(x_ptr, out_ptr, n, BLOCK: rl.constexpr):
    pid = rl.program_id(0)
    offs = pid * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    part = rl.sum(rl.load(x_ptr + offs, mask=mask, other=0), axis=0)
    rl.atomic_add(out_ptr, part)


def test_interpreter_runs_every_program(interpret):
    n = 1000
    x = np.arange(n, dtype=np.int32)
    out = np.zeros(1, dtype=np.int32)
    grid_sum_kernel[(recur.cdiv(n, 64),)](x, out, n, BLOCK=64)
    assert out[0] == x.sum()
