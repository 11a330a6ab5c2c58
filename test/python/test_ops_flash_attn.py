# recur.ops.flash_attn (seq.attention -> convert-seq-to-tile -> CPU) against
# the sequential online-softmax reference: GQA/MQA, causal masks aligned
# bottom-right when Tq != Tk (including queries that see no key and must get
# zeros), sliding windows, lengths not multiples of the block, packed varlen
# batches in both layouts, bf16 and f64.
#
# Tolerances, absolute on outputs of magnitude ~1 (a convex combination of
# unit-variance values): float32 2e-5 (float32 dot products over D <= 64 and
# the online rescaling); float64 1e-12; bfloat16 outputs 2e-2 (rounding to 8
# significant bits). The log-sum-exp (return_lse) is compared at the same
# tolerances: it is m + log l, with l >= 1 (the row maximum contributes 1).

import ml_dtypes
import numpy as np
import pytest

from recur import ops
from recur.ops import reference as ref


def inputs(rng, B, Tq, Tk, H, Hk, D, Dv=None, dtype=np.float32):
    q = rng.standard_normal((B, Tq, H, D)).astype(dtype)
    k = rng.standard_normal((B, Tk, Hk, D)).astype(dtype)
    v = rng.standard_normal((B, Tk, Hk, Dv or D)).astype(dtype)
    return q, k, v


@pytest.mark.parametrize(
    "B,Tq,Tk,H,Hk,D,Dv",
    [
        (2, 70, 70, 4, 2, 16, 16),  # GQA, one partial block
        (1, 130, 130, 2, 1, 32, 8),  # MQA, Dv != D, two blocks and a tail
        (2, 37, 90, 4, 4, 16, 16),  # Tq < Tk
        (1, 90, 37, 2, 2, 16, 16),  # Tq > Tk: early queries see no key
        (1, 1, 1, 1, 1, 8, 8),
    ],
)
@pytest.mark.parametrize("causal", [False, True])
def test_flash_attn_matches_reference(rng, B, Tq, Tk, H, Hk, D, Dv, causal):
    q, k, v = inputs(rng, B, Tq, Tk, H, Hk, D, Dv)
    o = ops.flash_attn(q, k, v, causal=causal)
    assert o.shape == (B, Tq, H, Dv) and o.dtype == np.float32
    np.testing.assert_allclose(o, ref.flash_attn(q, k, v, causal=causal), atol=2e-5)


def test_flash_attn_rows_that_see_no_key_are_zero(rng):
    q, k, v = inputs(rng, 1, 20, 5, 1, 1, 8)
    o = ops.flash_attn(q, k, v, causal=True)
    # Bottom-right alignment: query i sees keys j <= i - 15.
    assert np.all(o[0, :15] == 0)
    np.testing.assert_allclose(o, ref.flash_attn(q, k, v, causal=True), atol=2e-5)


@pytest.mark.parametrize("window", [(20, 0), (10, 5), (0, 0), (-1, 3), (70, -1)])
@pytest.mark.parametrize("causal", [False, True])
def test_flash_attn_windows(rng, window, causal):
    q, k, v = inputs(rng, 1, 150, 150, 2, 2, 16)
    o = ops.flash_attn(q, k, v, causal=causal, window_size=window, block_size=32)
    expected = ref.flash_attn(q, k, v, causal=causal, window_size=window)
    np.testing.assert_allclose(o, expected, atol=2e-5)


@pytest.mark.parametrize("packed_rank", [3, 4])
def test_flash_attn_varlen(rng, packed_rank):
    cu_q = np.array([0, 30, 31, 100], np.int32)
    cu_k = np.array([0, 50, 51, 120], np.int32)
    q = rng.standard_normal((100, 4, 16)).astype(np.float32)
    k = rng.standard_normal((120, 2, 16)).astype(np.float32)
    v = rng.standard_normal((120, 2, 16)).astype(np.float32)
    if packed_rank == 4:
        q, k, v = q[None], k[None], v[None]
    o = ops.flash_attn(q, k, v, causal=True, cu_seqlens_q=cu_q, cu_seqlens_k=cu_k)
    assert o.shape == q.shape
    expected = ref.flash_attn(q, k, v, causal=True, cu_seqlens_q=cu_q, cu_seqlens_k=cu_k)
    np.testing.assert_allclose(o, expected, atol=2e-5)


def test_flash_attn_precisions(rng):
    q, k, v = inputs(rng, 1, 70, 70, 2, 1, 16, dtype=np.float64)
    o = ops.flash_attn(q, k, v, causal=True, softmax_scale=0.3)
    assert o.dtype == np.float64
    np.testing.assert_allclose(
        o, ref.flash_attn(q, k, v, causal=True, softmax_scale=0.3), atol=1e-12
    )
    q, k, v = inputs(rng, 1, 70, 70, 2, 1, 16, dtype=ml_dtypes.bfloat16)
    o = ops.flash_attn(q, k, v, causal=True)
    assert o.dtype == ml_dtypes.bfloat16
    np.testing.assert_allclose(
        o.astype(np.float64), ref.flash_attn(q, k, v, causal=True), atol=2e-2
    )


def test_flash_attn_rejects_bad_inputs(rng):
    q, k, v = inputs(rng, 1, 10, 10, 3, 2, 8)
    with pytest.raises(ValueError, match="3 query heads are not a multiple of 2"):
        ops.flash_attn(q, k, v)
    q, k, v = inputs(rng, 1, 10, 10, 2, 1, 8)
    with pytest.raises(ValueError, match="go together"):
        ops.flash_attn(q, k, v, cu_seqlens_q=np.array([0, 10], np.int32))
    with pytest.raises(ValueError, match="cu_seqlens_k must rise from 0 to 10"):
        ops.flash_attn(
            q,
            k,
            v,
            cu_seqlens_q=np.array([0, 10], np.int32),
            cu_seqlens_k=np.array([0, 12], np.int32),
        )
    with pytest.raises(ValueError, match="do not match q"):
        ops.flash_attn(q, k[..., :4], v)
    with pytest.raises(ValueError, match="window_size"):
        ops.flash_attn(q, k, v, window_size=(-2, 0))


def check_lse(got, expected, atol):
    """Equal log-sum-exps: -inf exactly where the reference has it."""
    o, lse = got
    o_ref, lse_ref = expected
    np.testing.assert_allclose(o, o_ref, atol=atol)
    assert lse.shape == lse_ref.shape
    assert np.array_equal(np.isneginf(lse), np.isneginf(lse_ref))
    finite = np.isfinite(lse_ref)
    np.testing.assert_allclose(lse[finite], lse_ref[finite], atol=atol)


@pytest.mark.parametrize(
    "B,Tq,Tk,H,Hk,D,window",
    [
        (2, 70, 70, 4, 2, 16, (-1, -1)),  # GQA, one partial block
        (1, 37, 90, 2, 2, 16, (-1, -1)),  # Tq < Tk
        (1, 90, 37, 4, 1, 8, (-1, -1)),  # Tq > Tk: early queries see no key
        (1, 150, 150, 2, 1, 16, (20, 5)),  # a window skipping key blocks
        (1, 1, 1, 1, 1, 8, (-1, -1)),
    ],
)
@pytest.mark.parametrize("causal", [False, True])
def test_flash_attn_lse(rng, B, Tq, Tk, H, Hk, D, window, causal):
    q, k, v = inputs(rng, B, Tq, Tk, H, Hk, D)
    got = ops.flash_attn(q, k, v, causal=causal, window_size=window, return_lse=True)
    assert got[1].shape == (B, H, Tq) and got[1].dtype == np.float32
    expected = ref.flash_attn(q, k, v, causal=causal, window_size=window, return_lse=True)
    check_lse(got, expected, 2e-5)
    if causal and Tq > Tk:
        assert np.all(np.isneginf(got[1][:, :, : Tq - Tk]))
        assert np.all(got[0][:, : Tq - Tk] == 0)


def test_flash_attn_lse_varlen_and_f64(rng):
    cu_q = np.array([0, 30, 31, 100], np.int32)
    cu_k = np.array([0, 50, 51, 120], np.int64)
    q = rng.standard_normal((100, 4, 16)).astype(np.float32)
    k = rng.standard_normal((120, 2, 16)).astype(np.float32)
    v = rng.standard_normal((120, 2, 16)).astype(np.float32)
    kw = dict(causal=True, cu_seqlens_q=cu_q, cu_seqlens_k=cu_k, return_lse=True)
    got = ops.flash_attn(q, k, v, **kw)
    assert got[1].shape == (4, 100)  # [H, total_q], as flash-attention
    check_lse(got, ref.flash_attn(q, k, v, **kw), 2e-5)
    got = ops.flash_attn(q[None], k[None], v[None], **kw)
    assert got[0].shape == (1, 100, 4, 16) and got[1].shape == (4, 100)

    q, k, v = inputs(rng, 2, 45, 70, 4, 2, 16, dtype=np.float64)
    got = ops.flash_attn(q, k, v, causal=True, softmax_scale=0.3, return_lse=True)
    assert got[1].dtype == np.float64
    expected = ref.flash_attn(q, k, v, causal=True, softmax_scale=0.3, return_lse=True)
    check_lse(got, expected, 1e-12)


def test_flash_attn_lse_merges_disjoint_key_sets(rng):
    """Two halves of the keys, merged by their log-sum-exps, give the whole:
    the identity ring attention relies on."""
    q, k, v = inputs(rng, 1, 40, 64, 2, 1, 16)
    o1, l1 = ops.flash_attn(q, k[:, :25], v[:, :25], return_lse=True)
    o2, l2 = ops.flash_attn(q, k[:, 25:], v[:, 25:], return_lse=True)
    lse = np.logaddexp(l1, l2)
    w1 = np.exp(l1 - lse).transpose(0, 2, 1)[..., None]
    w2 = np.exp(l2 - lse).transpose(0, 2, 1)[..., None]
    o, whole = ops.flash_attn(q, k, v, return_lse=True)
    np.testing.assert_allclose(w1 * o1 + w2 * o2, o, atol=2e-5)
    np.testing.assert_allclose(lse, whole, atol=2e-5)


@pytest.mark.parametrize("diagonal", [-30, 0, 17, 60])
@pytest.mark.parametrize("causal,window", [(True, (-1, -1)), (False, (12, 5)), (True, (20, 0))])
def test_flash_attn_aligned(rng, diagonal, causal, window):
    """A given diagonal: query i aligned with key i + diagonal (ring attention's
    blocks at different global offsets), including rows and key blocks that
    see nothing."""
    from recur.ops.attention import flash_attn_aligned

    q, k, v = inputs(rng, 2, 45, 70, 4, 2, 16)
    got = flash_attn_aligned(
        q, k, v, diagonal, causal=causal, window_size=window, block_size=16, return_lse=True
    )
    expected = ref.flash_attn(
        q, k, v, causal=causal, window_size=window, return_lse=True, diagonal=diagonal
    )
    check_lse(got, expected, 2e-5)
    # The bottom-right diagonal is flash_attn's own.
    np.testing.assert_array_equal(
        flash_attn_aligned(q, k, v, 70 - 45, causal=causal, window_size=window),
        ops.flash_attn(q, k, v, causal=causal, window_size=window),
    )
