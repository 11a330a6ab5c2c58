# recur.ops.gla (seq.gla -> convert-seq-to-tile -> CPU) against the
# sequential reference: awkward shapes, states, packed sequences, and strong
# decays (gates down to -20 per step) over long sequences, which must stay
# finite and right. Tolerance 2e-5 relative to the largest reference value
# (float32 accumulation over at most a chunk plus the carried state; the
# decays only shrink terms, so no error is amplified).

import numpy as np
import pytest

from recur import ops
from recur.ops import reference as ref
from tolerances import strong_decay_rtol


def inputs(rng, B, T, H, K, V, gate):
    q = rng.standard_normal((B, T, H, K)).astype(np.float32)
    k = rng.standard_normal((B, T, H, K)).astype(np.float32)
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    g = -rng.uniform(0.0, gate, (B, T, H, K)).astype(np.float32)
    return q, k, v, g


def close(actual, expected, rtol=2e-5):
    scale = max(np.abs(expected).max(), 1e-30)
    assert np.abs(np.asarray(actual, np.float64) - expected).max() <= rtol * scale


@pytest.mark.parametrize(
    "B,T,H,K,V,chunk",
    [(2, 100, 3, 16, 24, 16), (1, 7, 1, 8, 8, 16), (2, 64, 2, 32, 16, 32)],
)
@pytest.mark.parametrize("with_state", [False, True])
def test_gla_matches_reference(rng, B, T, H, K, V, chunk, with_state):
    q, k, v, g = inputs(rng, B, T, H, K, V, gate=1.0)
    s0 = rng.standard_normal((B, H, K, V)).astype(np.float32) if with_state else None
    o, s = ops.gla(q, k, v, g, initial_state=s0, output_final_state=True, chunk_size=chunk)
    ro, rs = ref.gla(q, k, v, g, initial_state=s0, output_final_state=True)
    close(o, ro)
    close(s, rs)


@pytest.mark.parametrize("gate", [5.0, 20.0])
def test_gla_strong_decays_stay_finite(rng, gate):
    q, k, v, g = inputs(rng, 1, 4096, 1, 16, 16, gate)
    o, s = ops.gla(q, k, v, g, output_final_state=True)
    assert np.isfinite(o).all() and np.isfinite(s).all()
    ro, rs = ref.gla(q, k, v, g, output_final_state=True)
    close(o, ro, rtol=strong_decay_rtol())
    close(s, rs, rtol=strong_decay_rtol())


def test_gla_varlen(rng):
    lengths = [30, 1, 17, 40]
    cu = np.cumsum([0] + lengths).astype(np.int32)
    q, k, v, g = inputs(rng, 1, int(cu[-1]), 2, 16, 8, gate=2.0)
    s0 = rng.standard_normal((len(lengths), 2, 16, 8)).astype(np.float32)
    o, s = ops.gla(q, k, v, g, initial_state=s0, output_final_state=True, cu_seqlens=cu)
    ro, rs = ref.gla(q, k, v, g, initial_state=s0, output_final_state=True, cu_seqlens=cu)
    close(o, ro)
    close(s, rs)


def test_gla_rejects_a_gate_of_the_wrong_shape(rng):
    q, k, v, g = inputs(rng, 1, 10, 2, 8, 8, gate=1.0)
    with pytest.raises(ValueError, match=r"g must have the shape of k \(1, 10, 2, 8\)"):
        ops.gla(q, k, v, g[..., :4])
