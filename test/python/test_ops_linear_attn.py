# recur.ops.linear_attn (seq.linear_attn -> convert-seq-to-tile -> CPU)
# against the sequential reference, at awkward shapes: T not a multiple of
# the chunk, T shorter than a chunk, K != V, H = 1, B > 1, packed sequences
# ending mid-chunk (one of length 1), with and without initial state.
#
# Tolerances, relative to the largest reference magnitude:
#   float32: 2e-5. The chunked form sums the same products in another order
#     (a chunk's q k^T v plus q S); float32 rounding of sums of a few hundred
#     terms of size ~K stays well under 1e-5 of their magnitude.
#   float64: 1e-6. Computed in float64 inside a launch, but states enter and
#     leave as float32 (the seq dialect keeps states in float32), and the
#     reference's initial state is the same float32 values, so only the
#     final state's rounding to float32 (2^-24) is visible.
#   bfloat16 inputs: 2e-2 on outputs stored as bf16 (8 significant bits,
#     2^-8 relative) from float32 accumulation.
# Normalized outputs use positive features (as FLA's feature maps give), so
# the normaliser q . sum(k) stays away from zero.

import ml_dtypes
import numpy as np
import pytest

from recur import ops
from recur.ops import reference as ref
from recur.runtime import cache_stats


def inputs(rng, B, T, H, K, V, dtype=np.float32, positive=False):
    def make(*shape):
        x = rng.standard_normal(shape)
        return (np.exp(0.5 * x) if positive else x).astype(dtype)

    return make(B, T, H, K), make(B, T, H, K), make(B, T, H, V)


def close(actual, expected, rtol):
    actual = np.asarray(actual, dtype=np.float64)
    scale = max(np.abs(expected).max(), 1e-30)
    assert np.abs(actual - expected).max() <= rtol * scale, np.abs(actual - expected).max() / scale


@pytest.mark.parametrize(
    "B,T,H,K,V,chunk",
    [
        (2, 100, 3, 16, 24, 64),  # T not a multiple of the chunk, K != V
        (1, 5, 1, 8, 8, 64),  # T shorter than a chunk, H = 1
        (3, 64, 2, 32, 16, 16),  # T a multiple of a small chunk
        (1, 1, 2, 4, 4, 16),  # a single step
    ],
)
@pytest.mark.parametrize("with_state", [False, True])
def test_linear_attn_matches_reference(rng, B, T, H, K, V, chunk, with_state):
    q, k, v = inputs(rng, B, T, H, K, V)
    s0 = rng.standard_normal((B, H, K, V)).astype(np.float32) if with_state else None
    o, s = ops.linear_attn(q, k, v, initial_state=s0, output_final_state=True, chunk_size=chunk)
    ro, rs = ref.linear_attn(q, k, v, initial_state=s0, output_final_state=True)
    assert o.dtype == np.float32 and o.shape == (B, T, H, V)
    assert s.dtype == np.float32 and s.shape == (B, H, K, V)
    close(o, ro, 2e-5)
    close(s, rs, 2e-5)


def test_linear_attn_scale_and_no_final_state(rng):
    q, k, v = inputs(rng, 2, 70, 2, 16, 8)
    o, s = ops.linear_attn(q, k, v, scale=0.1)
    assert s is None
    close(o, ref.linear_attn(q, k, v, scale=0.1)[0], 2e-5)


def test_linear_attn_normalize(rng):
    q, k, v = inputs(rng, 2, 150, 2, 16, 32, positive=True)
    o, _ = ops.linear_attn(q, k, v, normalize=True)
    close(o, ref.linear_attn(q, k, v, normalize=True)[0], 2e-5)


def test_linear_attn_float64(rng):
    q, k, v = inputs(rng, 2, 90, 2, 8, 16, dtype=np.float64)
    s0 = rng.standard_normal((2, 2, 8, 16)).astype(np.float32)
    o, s = ops.linear_attn(q, k, v, initial_state=s0, output_final_state=True)
    ro, rs = ref.linear_attn(q, k, v, initial_state=s0, output_final_state=True)
    assert o.dtype == np.float64
    close(o, ro, 1e-12)
    close(s, rs, 1e-6)


def test_linear_attn_bfloat16_inputs(rng):
    q, k, v = inputs(rng, 1, 130, 2, 16, 16, dtype=ml_dtypes.bfloat16)
    o, s = ops.linear_attn(q, k, v, output_final_state=True)
    ro, rs = ref.linear_attn(q, k, v, output_final_state=True)
    assert o.dtype == ml_dtypes.bfloat16
    close(o, ro, 2e-2)
    close(s, rs, 2e-5)  # the state stays float32


@pytest.mark.parametrize("offsets_dtype", [np.int32, np.int64])
def test_linear_attn_varlen(rng, offsets_dtype):
    lengths = [70, 1, 33, 64, 9]  # ends mid-chunk, a length-1 sequence
    cu = np.cumsum([0] + lengths).astype(offsets_dtype)
    q, k, v = inputs(rng, 1, int(cu[-1]), 2, 16, 8)
    s0 = rng.standard_normal((len(lengths), 2, 16, 8)).astype(np.float32)
    o, s = ops.linear_attn(
        q, k, v, initial_state=s0, output_final_state=True, cu_seqlens=cu, chunk_size=32
    )
    ro, rs = ref.linear_attn(q, k, v, initial_state=s0, output_final_state=True, cu_seqlens=cu)
    close(o, ro, 2e-5)
    close(s, rs, 2e-5)


def test_linear_attn_long_sequence(rng):
    # T = 4096 with unit-variance inputs: sums of thousands of terms.
    q, k, v = inputs(rng, 1, 4096, 1, 16, 16)
    o, s = ops.linear_attn(q, k, v, output_final_state=True)
    ro, rs = ref.linear_attn(q, k, v, output_final_state=True)
    assert np.isfinite(o).all()
    close(o, ro, 5e-5)
    close(s, rs, 5e-5)


def test_linear_attn_reuses_its_kernel(rng):
    q, k, v = inputs(rng, 1, 10, 2, 8, 8)
    ops.linear_attn(q, k, v)
    before = cache_stats()
    # Another batch and length: the same kernel (B and T are dynamic).
    q, k, v = inputs(rng, 3, 77, 2, 8, 8)
    ops.linear_attn(q, k, v)
    after = cache_stats()
    assert after["memory_hits"] == before["memory_hits"] + 1
    assert after["misses"] == before["misses"]


def test_linear_attn_rejects_bad_inputs(rng):
    q, k, v = inputs(rng, 2, 10, 2, 8, 4)
    with pytest.raises(ValueError, match=r"k must have the shape of q \(2, 10, 2, 8\)"):
        ops.linear_attn(q, k[:, :5], v)
    with pytest.raises(ValueError, match="v must agree"):
        ops.linear_attn(q, k, v[:, :, :1])
    with pytest.raises(ValueError, match="initial_state must be"):
        ops.linear_attn(q, k, v, initial_state=np.zeros((2, 2, 4, 8), np.float32))
    with pytest.raises(ValueError, match="batch must be 1"):
        ops.linear_attn(q, k, v, cu_seqlens=np.array([0, 10], np.int32))
    with pytest.raises(ValueError, match="cu_seqlens must rise"):
        ops.linear_attn(q[:1], k[:1], v[:1], cu_seqlens=np.array([0, 4, 3, 10], np.int32))
    with pytest.raises(ValueError, match="dtype int32 is not supported"):
        ops.linear_attn(*(x.astype(np.int32) for x in (q, k, v)))
    with pytest.raises(ValueError, match="share a dtype"):
        ops.linear_attn(q, k.astype(np.float64), v)
    with pytest.raises(ValueError, match="chunk_size must be a power of two"):
        ops.linear_attn(q, k, v, chunk_size=48)


def test_linear_attn_many_chunks_large_heads(rng):
    # 8k steps of K = V = 64 tiles: per-iteration temporaries must not pile up
    # on the stack (they once overflowed it at this size).
    q, k, v = inputs(rng, 1, 8192, 1, 64, 64)
    o, s = ops.linear_attn(q, k, v, output_final_state=True)
    ro, rs = ref.linear_attn(q, k, v, output_final_state=True)
    close(o, ro, 5e-5)
    close(s, rs, 5e-5)
