"""recur._entering_state: what the state entering a slice adds to its outputs
(sequence parallelism's one-pass correction), against float64 references at
awkward shapes: T not a multiple of the kernel's 64-step block, K and V not
powers of two, K != V, B > 1, H = 1; and SlicePass, a slice's summary and
outputs, against the operator run from the entering state.

Tolerance: 1e-6 relative to the largest value; the products are float32
sums of K terms, and GLA's cumulative gates are float32 sums of up to T
terms (as in the operator's own chunks)."""

import numpy as np
import pytest

from recur import _entering_state as entering
from recur import ops


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


def family(op, rng, B, T, H, K, V):
    q = (0.5 * rng.standard_normal((B, T, H, K))).astype(np.float32)
    k = rng.standard_normal((B, T, H, K))
    k = (0.5 * k / np.linalg.norm(k, axis=-1, keepdims=True)).astype(np.float32)
    v = rng.standard_normal((B, T, H, V)).astype(np.float32)
    gates = {
        "linear_attn": [],
        "gla": [-rng.uniform(0, 0.3, (B, T, H, K)).astype(np.float32)],
        "delta_rule": [rng.uniform(0, 1, (B, T, H)).astype(np.float32)],
        "gated_delta_rule": [
            -rng.uniform(0, 0.3, (B, T, H)).astype(np.float32),
            rng.uniform(0, 1, (B, T, H)).astype(np.float32),
        ],
    }[op]
    return q, k, v, gates


OPS = ["linear_attn", "gla", "delta_rule", "gated_delta_rule"]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_slice_pass_equals_the_operator_from_the_entering_state(op, dtype):
    # The slice's summary (S_out = T(S_in) + contribution) and its outputs
    # from S_in, against the operator run from S_in. T = 70 crosses a chunk
    # boundary, K = 12 != V = 5. float16 inputs take one float32 pass for
    # the delta rules and two float16 passes otherwise; both round once, so
    # the outputs agree to one unit in the last place (2^-10 relative) plus
    # the float32 differences of the state (1e-5).
    rng = np.random.default_rng(3)
    B, T, H, K, V = 2, 70, 2, 12, 5
    q, k, v, gates = family(op, rng, B, T, H, K, V)
    q, k, v, *gates = (a.astype(dtype) for a in (q, k, v, *gates))
    s_in = rng.standard_normal((B, H, K, V)).astype(np.float32)
    o_ref, final_ref = getattr(ops, op)(
        q, k, v, *gates, initial_state=s_in, output_final_state=True
    )
    piece = entering.SlicePass(op, q, k, v, gates, None)
    if piece.matrix is not None:
        final = piece.matrix @ s_in + piece.contribution
    elif piece.decay is not None:
        final = piece.decay[..., None] * s_in + piece.contribution
    else:
        final = s_in + piece.contribution
    o, final_out = piece.outputs(s_in)
    assert o.dtype == dtype
    assert np.abs(final - final_ref).max() <= 1e-5 * np.abs(final_ref).max()
    assert np.abs(final_out - final_ref).max() <= 1e-5 * np.abs(final_ref).max()
    ulp = 0.0 if dtype == np.float32 else 2.0**-10
    expected = o_ref.astype(np.float64)
    bound = ulp * np.abs(expected) + 1e-5 * np.abs(expected).max()
    assert np.all(np.abs(o.astype(np.float64) - expected) <= bound)


@pytest.mark.parametrize("op", OPS)
def test_first_slice_runs_from_the_initial_state(op):
    # The first slice's entering state is known: one pass from it, its final
    # state as the contribution and a zero transition (the carry starts
    # from zero), exactly the operator's run.
    rng = np.random.default_rng(4)
    q, k, v, gates = family(op, rng, 1, 33, 1, 8, 8)
    s0 = rng.standard_normal((1, 1, 8, 8)).astype(np.float32)
    o_ref, final_ref = getattr(ops, op)(q, k, v, *gates, initial_state=s0, output_final_state=True)
    piece = entering.SlicePass(op, q, k, v, gates, None, first=True, initial_state=s0)
    assert np.array_equal(piece.contribution, final_ref)
    for transition in (piece.decay, piece.matrix):
        assert transition is None or not transition.any()
    o, final = piece.outputs(np.zeros_like(s0))
    assert np.array_equal(o, o_ref) and np.array_equal(final, final_ref)
