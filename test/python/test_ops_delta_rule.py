# recur.ops.delta_rule and gated_delta_rule (seq -> convert-seq-to-tile ->
# CPU, through the WY/UT representation) against the sequential references:
# T not a multiple of the chunk, T < chunk, K != V, H = 1, B > 1, packed
# sequences, initial and final states, strong gates over long sequences.
# Keys are L2-normalised and beta in [0, 1], as DeltaNet layers use them
# (the recurrence is then a contraction, and so is its error).
#
# Tolerance 2e-5 relative to the largest reference value for float32: the
# chunk's triangular solve and products run over at most a chunk of terms of
# size <= 1; float64 inputs 1e-6 (states cross launches as float32).

import numpy as np
import pytest

from recur import ops
from recur.ops import reference as ref


def inputs(rng, B, T, H, K, V, dtype=np.float32, gate=1.0):
    q = rng.standard_normal((B, T, H, K))
    k = rng.standard_normal((B, T, H, K))
    k /= np.linalg.norm(k, axis=-1, keepdims=True)
    v = rng.standard_normal((B, T, H, V))
    beta = rng.uniform(0.0, 1.0, (B, T, H))
    g = -rng.uniform(0.0, gate, (B, T, H))
    return tuple(x.astype(dtype) for x in (q, k, v, beta, g))


def close(actual, expected, rtol=2e-5):
    scale = max(np.abs(expected).max(), 1e-30)
    assert np.abs(np.asarray(actual, np.float64) - expected).max() <= rtol * scale


SHAPES = [(2, 100, 3, 16, 24, 16), (1, 5, 1, 8, 8, 16), (2, 64, 2, 32, 16, 32), (1, 1, 2, 4, 4, 16)]


@pytest.mark.parametrize("B,T,H,K,V,chunk", SHAPES)
@pytest.mark.parametrize("with_state", [False, True])
def test_delta_rule_matches_reference(rng, B, T, H, K, V, chunk, with_state):
    q, k, v, beta, _ = inputs(rng, B, T, H, K, V)
    s0 = rng.standard_normal((B, H, K, V)).astype(np.float32) if with_state else None
    o, s = ops.delta_rule(
        q, k, v, beta, initial_state=s0, output_final_state=True, chunk_size=chunk
    )
    ro, rs = ref.delta_rule(q, k, v, beta, initial_state=s0, output_final_state=True)
    close(o, ro)
    close(s, rs)


@pytest.mark.parametrize("B,T,H,K,V,chunk", SHAPES)
@pytest.mark.parametrize("with_state", [False, True])
def test_gated_delta_rule_matches_reference(rng, B, T, H, K, V, chunk, with_state):
    q, k, v, beta, g = inputs(rng, B, T, H, K, V)
    s0 = rng.standard_normal((B, H, K, V)).astype(np.float32) if with_state else None
    o, s = ops.gated_delta_rule(
        q, k, v, g, beta, initial_state=s0, output_final_state=True, chunk_size=chunk
    )
    ro, rs = ref.gated_delta_rule(q, k, v, g, beta, initial_state=s0, output_final_state=True)
    close(o, ro)
    close(s, rs)


@pytest.mark.parametrize("op", ["delta_rule", "gated_delta_rule"])
def test_delta_rules_varlen(rng, op):
    lengths = [40, 1, 17, 33]
    cu = np.cumsum([0] + lengths).astype(np.int32)
    q, k, v, beta, g = inputs(rng, 1, int(cu[-1]), 2, 16, 8)
    s0 = rng.standard_normal((len(lengths), 2, 16, 8)).astype(np.float32)
    gates = (beta,) if op == "delta_rule" else (g, beta)
    o, s = getattr(ops, op)(
        q, k, v, *gates, initial_state=s0, output_final_state=True, cu_seqlens=cu
    )
    ro, rs = getattr(ref, op)(
        q, k, v, *gates, initial_state=s0, output_final_state=True, cu_seqlens=cu
    )
    close(o, ro)
    close(s, rs)


def test_gated_delta_rule_strong_decay_long_sequence(rng):
    q, k, v, beta, g = inputs(rng, 1, 2048, 1, 16, 16, gate=5.0)
    o, s = ops.gated_delta_rule(q, k, v, g, beta, output_final_state=True)
    assert np.isfinite(o).all() and np.isfinite(s).all()
    ro, rs = ref.gated_delta_rule(q, k, v, g, beta, output_final_state=True)
    close(o, ro)
    close(s, rs)


def test_delta_rule_float64(rng):
    q, k, v, beta, _ = inputs(rng, 1, 50, 2, 8, 8, dtype=np.float64)
    o, _ = ops.delta_rule(q, k, v, beta)
    close(o, ref.delta_rule(q, k, v, beta)[0], 1e-10)


def test_delta_rules_reject_bad_gates(rng):
    q, k, v, beta, g = inputs(rng, 1, 10, 2, 8, 8)
    with pytest.raises(ValueError, match=r"beta must be \[B, T, H\] = \(1, 10, 2\)"):
        ops.delta_rule(q, k, v, beta[..., None])
    with pytest.raises(ValueError, match="g must be"):
        ops.gated_delta_rule(q, k, v, g[:, :5], beta)
