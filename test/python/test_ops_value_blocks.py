# The linear family with large [K, V] states, which GPU programs split over
# V (recur._C.ops.value_block): each of ceil(V / value_block) programs per
# (head, sequence) holds a block of the state's columns and recomputes the
# chunk's [C, C] scores. Run on every device the suite runs on; the CPU
# holds all of V, the (emulated) GPUs split K = 128 (blocks of 64) and
# K = 256 (blocks of 32), with V not a multiple of the block, initial and
# final states and packed sequences, against the sequential references.
# Tolerance 5e-5 relative to the largest reference value (float32): the
# sums over K = 128..256 keys are longer than the other operator tests'.

import numpy as np
import pytest

from recur import _C, ops
from recur.ops import _kernels
from recur.ops import reference as ref


def close(actual, expected, rtol=5e-5):
    scale = max(np.abs(expected).max(), 1e-30)
    assert np.abs(np.asarray(actual, np.float64) - expected).max() <= rtol * scale


def test_value_block_rule():
    # GPUs cap a program's state at 8192 elements; the CPU never splits.
    gpu = {(64, 64): 64, (128, 64): 64, (128, 128): 64, (128, 96): 64, (256, 48): 32}
    for (K, V), block in gpu.items():
        assert _C.ops.value_block(K, V, True) == block, (K, V)
    assert _C.ops.value_block(1024, 64, True) == 16
    assert _C.ops.value_block(128, 96, False) == 128
    assert _C.ops.value_block(5, 3, False) == 4


def inputs(rng, B, T, H, K, V):
    q = rng.standard_normal((B, T, H, K)).astype(np.float32)
    k = rng.standard_normal((B, T, H, K)).astype(np.float32)
    k /= np.linalg.norm(k, axis=-1, keepdims=True)
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    return q, k, v


def run(name, rng, q, k, v, **kwargs):
    B, T, H, _ = q.shape
    if name == "linear_attn":
        args = ()
    elif name == "gla":
        args = (-rng.uniform(0.0, 1.0, q.shape).astype(np.float32),)
    elif name == "delta_rule":
        args = (rng.uniform(0.0, 1.0, (B, T, H)).astype(np.float32),)
    else:
        args = (
            -rng.uniform(0.0, 1.0, (B, T, H)).astype(np.float32),
            rng.uniform(0.0, 1.0, (B, T, H)).astype(np.float32),
        )
    got = getattr(ops, name)(q, k, v, *args, output_final_state=True, chunk_size=16, **kwargs)
    want = getattr(ref, name)(q, k, v, *args, output_final_state=True, **kwargs)
    return got, want


@pytest.mark.parametrize("name", ["linear_attn", "gla", "delta_rule", "gated_delta_rule"])
def test_split_state_matches_reference(rng, name):
    # K = 128, V = 96: two blocks of 64 columns on GPUs, the second half
    # masked off.
    B, T, H, K, V = 2, 37, 1, 128, 96
    q, k, v = inputs(rng, B, T, H, K, V)
    s0 = rng.standard_normal((B, H, K, V)).astype(np.float32)
    (o, s), (ro, rs) = run(name, rng, q, k, v, initial_state=s0)
    close(o, ro)
    close(s, rs)


def test_split_state_packed_sequences(rng):
    # K = 256, V = 48: blocks of 32 columns on GPUs; three packed sequences.
    T, K, V = 45, 256, 48
    q, k, v = inputs(rng, 1, T, 2, K, V)
    cu = np.array([0, 9, 30, T], dtype=np.int64)
    (o, s), (ro, rs) = run("linear_attn", rng, q, k, v, cu_seqlens=cu)
    close(o, ro)
    close(s, rs)
    assert _kernels.value_block(K, V) == (32 if _kernels.on_gpu() else 64)
