"""recur._entering_state: what the state entering a slice adds to its outputs
(sequence parallelism's one-pass correction), against float64 references at
awkward shapes: T not a multiple of the kernel's 64-step block, K and V not
powers of two, K != V, B > 1, H = 1.

Tolerance: 1e-6 relative to the largest value; the products are float32
sums of K terms, and GLA's cumulative gates are float32 sums of up to T
terms (as in the operator's own chunks)."""

import numpy as np
import pytest

from recur import _entering_state as entering


@pytest.mark.parametrize("B,T,H,K,V", [(2, 37, 3, 20, 12), (1, 200, 1, 16, 64), (1, 1, 2, 8, 8)])
def test_key_decay_adds_the_decayed_entering_state(B, T, H, K, V):
    rng = np.random.default_rng(T)
    q = rng.standard_normal((B, T, H, K)).astype(np.float32)
    g = -rng.uniform(0.0, 0.1, (B, T, H, K)).astype(np.float32)
    s_in = rng.standard_normal((B, H, K, V)).astype(np.float32)
    o = rng.standard_normal((B, T, H, V)).astype(np.float32)
    expected = o + np.einsum(
        "bthk,bhkv->bthv", 0.3 * q * np.exp(np.cumsum(g.astype(np.float64), axis=1)), s_in
    )
    entering.add_key_decay(o, q, g, s_in, 0.3)
    assert np.abs(o - expected).max() <= 1e-6 * np.abs(expected).max()


def test_scalar_decay_adds_the_decayed_gated_entering_state():
    rng = np.random.default_rng(1)
    B, T, H, K, V = 2, 45, 3, 6, 5
    q = rng.standard_normal((B, T, H, K)).astype(np.float32)
    s_in = rng.standard_normal((B, H, K, V)).astype(np.float32)
    decay = rng.uniform(0.1, 1.0, (B, T, H)).astype(np.float32)
    gate = rng.standard_normal((B, T, H, V)).astype(np.float32)
    o = rng.standard_normal((B, T, H, V)).astype(np.float32)
    expected = o + gate * decay[..., None] * np.einsum("bthk,bhkv->bthv", q, s_in)
    entering.add_scalar_decay(o, q, s_in, decay, gate)
    assert np.abs(o - expected).max() <= 1e-6 * np.abs(expected).max()
