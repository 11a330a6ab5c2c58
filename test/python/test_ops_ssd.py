# recur.ops.ssd (seq.ssd -> convert-seq-to-tile -> CPU) against the
# sequential reference: lengths not multiples of the chunk, groups, D per
# head or per (head, p), z gating, dt_bias and softplus, initial and final
# states, and strong decays over long sequences. Tolerance 2e-5 relative to
# the largest reference value: float32 sums over a chunk plus the carried
# state, with decays that only shrink terms.

import numpy as np
import pytest

from recur import ops
from recur.ops import reference as ref
from tolerances import strong_decay_rtol


def inputs(rng, b, l, h, p, g, n, decay=1.0):
    x = rng.standard_normal((b, l, h, p)).astype(np.float32)
    dt = rng.uniform(0.0, 1.0, (b, l, h)).astype(np.float32)
    A = -rng.uniform(0.1, decay, h).astype(np.float32)
    B = rng.standard_normal((b, l, g, n)).astype(np.float32)
    C = rng.standard_normal((b, l, g, n)).astype(np.float32)
    return x, dt, A, B, C


def close(actual, expected, rtol=2e-5):
    scale = max(np.abs(expected).max(), 1e-30)
    assert np.abs(np.asarray(actual, np.float64) - expected).max() <= rtol * scale


@pytest.mark.parametrize(
    "b,l,h,p,g,n,chunk",
    [(2, 100, 4, 8, 2, 16, 32), (1, 7, 1, 4, 1, 8, 64), (2, 64, 2, 16, 1, 16, 16)],
)
@pytest.mark.parametrize("with_state", [False, True])
def test_ssd_matches_reference(rng, b, l, h, p, g, n, chunk, with_state):
    x, dt, A, B, C = inputs(rng, b, l, h, p, g, n)
    s0 = rng.standard_normal((b, h, p, n)).astype(np.float32) if with_state else None
    y, s = ops.ssd(x, dt, A, B, C, chunk_size=chunk, initial_states=s0, return_final_states=True)
    ry, rs = ref.ssd(x, dt, A, B, C, initial_states=s0, return_final_states=True)
    close(y, ry)
    close(s, rs)


@pytest.mark.parametrize("d_shape", ["head", "head_p"])
def test_ssd_options(rng, d_shape):
    b, l, h, p, g, n = 2, 90, 4, 8, 2, 16
    x, dt, A, B, C = inputs(rng, b, l, h, p, g, n)
    dt = rng.uniform(-2.0, 2.0, (b, l, h)).astype(np.float32)
    D = rng.standard_normal(h if d_shape == "head" else (h, p)).astype(np.float32)
    z = rng.standard_normal((b, l, h, p)).astype(np.float32)
    dt_bias = rng.standard_normal(h).astype(np.float32)
    kwargs = dict(D=D, z=z, dt_bias=dt_bias, dt_softplus=True)
    y, s = ops.ssd(x, dt, A, B, C, return_final_states=True, **kwargs)
    if d_shape == "head_p":  # the reference takes D per head: add the rest
        ry, rs = ref.ssd(
            x, dt, A, B, C, z=None, dt_bias=dt_bias, dt_softplus=True, return_final_states=True
        )
        silu = z / (1.0 + np.exp(-z.astype(np.float64)))
        ry = (ry + D[None, None] * x) * silu
    else:
        ry, rs = ref.ssd(x, dt, A, B, C, return_final_states=True, **kwargs)
    close(y, ry)
    close(s, rs)


def test_ssd_strong_decay_long_sequence(rng):
    x, dt, A, B, C = inputs(rng, 1, 4096, 2, 8, 1, 16, decay=20.0)
    y, s = ops.ssd(x, dt, A, B, C, return_final_states=True)
    assert np.isfinite(y).all() and np.isfinite(s).all()
    ry, rs = ref.ssd(x, dt, A, B, C, return_final_states=True)
    close(y, ry, rtol=strong_decay_rtol())
    close(s, rs, rtol=strong_decay_rtol())


def test_ssd_rejects_bad_inputs(rng):
    x, dt, A, B, C = inputs(rng, 1, 10, 4, 8, 2, 16)
    with pytest.raises(ValueError, match=r"dt must be \[1, 10, 4\]"):
        ops.ssd(x, dt[..., :2], A, B, C)
    with pytest.raises(ValueError, match="4 heads do not split into 3 groups"):
        B3 = rng.standard_normal((1, 10, 3, 16)).astype(np.float32)
        ops.ssd(x, dt, A, B3, B3)
    with pytest.raises(ValueError, match="D must be"):
        ops.ssd(x, dt, A, B, C, D=np.zeros(3, np.float32))
