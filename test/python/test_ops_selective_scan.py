# recur.ops.selective_scan (seq.selective_scan -> convert-seq-to-tile -> CPU)
# against the sequential reference, in mamba_ssm's layouts: lengths not
# multiples of the chunk, plain and grouped B/C, D, z, delta_bias with
# softplus, the last state, and strong decays over long sequences.
# Tolerance 2e-5 relative to the largest reference value (float32 sums over
# a chunk and the N states; decays only shrink terms).

import numpy as np
import pytest

from recur import ops
from recur.ops import reference as ref


def inputs(rng, b, d, n, l, groups=None, decay=2.0):
    u = rng.standard_normal((b, d, l)).astype(np.float32)
    delta = rng.uniform(0.0, 1.0, (b, d, l)).astype(np.float32)
    A = -rng.uniform(0.1, decay, (d, n)).astype(np.float32)
    shape = (b, groups, n, l) if groups else (b, n, l)
    B = rng.standard_normal(shape).astype(np.float32)
    C = rng.standard_normal(shape).astype(np.float32)
    return u, delta, A, B, C


def close(actual, expected, rtol=2e-5):
    scale = max(np.abs(expected).max(), 1e-30)
    assert np.abs(np.asarray(actual, np.float64) - expected).max() <= rtol * scale


@pytest.mark.parametrize(
    "b,d,n,l,groups,chunk",
    [
        (2, 8, 16, 100, None, 32),
        (1, 4, 4, 5, None, 32),
        (2, 6, 8, 70, 3, 16),
        (1, 2, 16, 64, 1, 32),
    ],
)
def test_selective_scan_matches_reference(rng, b, d, n, l, groups, chunk):
    u, delta, A, B, C = inputs(rng, b, d, n, l, groups)
    y, s = ops.selective_scan(u, delta, A, B, C, return_last_state=True, chunk_size=chunk)
    ry, rs = ref.selective_scan(u, delta, A, B, C, return_last_state=True)
    close(y, ry)
    close(s, rs)


def test_selective_scan_options(rng):
    b, d, n, l = 2, 8, 16, 90
    u, delta, A, B, C = inputs(rng, b, d, n, l, groups=2)
    delta = rng.uniform(-2.0, 2.0, (b, d, l)).astype(np.float32)
    kwargs = dict(
        D=rng.standard_normal(d).astype(np.float32),
        z=rng.standard_normal((b, d, l)).astype(np.float32),
        delta_bias=rng.standard_normal(d).astype(np.float32),
        delta_softplus=True,
    )
    y, s = ops.selective_scan(u, delta, A, B, C, return_last_state=True, **kwargs)
    ry, rs = ref.selective_scan(u, delta, A, B, C, return_last_state=True, **kwargs)
    close(y, ry)
    close(s, rs)


def test_selective_scan_strong_decay_long_sequence(rng):
    u, delta, A, B, C = inputs(rng, 1, 2, 16, 4096, decay=30.0)
    y, s = ops.selective_scan(u, delta, A, B, C, return_last_state=True)
    assert np.isfinite(y).all() and np.isfinite(s).all()
    ry, rs = ref.selective_scan(u, delta, A, B, C, return_last_state=True)
    close(y, ry)
    close(s, rs)


def test_selective_scan_rejects_bad_inputs(rng):
    u, delta, A, B, C = inputs(rng, 1, 6, 4, 10, groups=4)
    with pytest.raises(ValueError, match="6 channels do not split into 4 groups"):
        ops.selective_scan(u, delta, A, B, C)
    u, delta, A, B, C = inputs(rng, 1, 6, 4, 10)
    with pytest.raises(ValueError, match=r"delta must be \[1, 6, 10\]"):
        ops.selective_scan(u, delta[..., :5], A, B, C)
    with pytest.raises(ValueError, match="A must be"):
        ops.selective_scan(u, delta, A[:3], B, C)


def test_selective_scan_initial_state(rng):
    # An extension of mamba_ssm's signature (sequence parallelism carries the
    # state between ranks through it); also the empty-sequence case.
    b, d, n, l = 2, 6, 8, 45
    u, delta, A, B, C = inputs(rng, b, d, n, l, groups=2)
    s0 = rng.standard_normal((b, d, n)).astype(np.float32)
    y, s = ops.selective_scan(u, delta, A, B, C, return_last_state=True, initial_state=s0)
    ry, rs = ref.selective_scan(u, delta, A, B, C, return_last_state=True, initial_state=s0)
    close(y, ry)
    close(s, rs)
    _, s_empty = ops.selective_scan(
        u[..., :0], delta[..., :0], A, B[..., :0], C[..., :0], return_last_state=True,
        initial_state=s0,
    )  # fmt: skip
    np.testing.assert_array_equal(s_empty, s0)
    with pytest.raises(ValueError, match=r"initial_state must be \[2, 6, 8\]"):
        ops.selective_scan(u, delta, A, B, C, initial_state=s0[:, :3])
