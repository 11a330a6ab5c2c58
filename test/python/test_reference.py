# The operator library's sequential references (recur.ops.reference) against
# independent closed forms, in float64: the quadratic (attention) form of
# linear attention and GLA, the matrix form of the delta rule, dense masked
# softmax for flash attention, SSD as a grouped selective scan, and varlen
# inputs as separate sequences. Tolerance 1e-10 relative: both sides are
# float64 and differ only in the order of a few hundred additions.

import numpy as np
import pytest

from recur.ops import reference as ref

TOL = dict(rtol=1e-10, atol=1e-12)


def qkv(rng, B=2, T=37, H=3, K=5, V=7):
    q = rng.standard_normal((B, T, H, K))
    k = rng.standard_normal((B, T, H, K))
    v = rng.standard_normal((B, T, H, V))
    return q, k, v


@pytest.mark.parametrize("normalize", [False, True])
def test_linear_attn_matches_quadratic_form(rng, normalize):
    q, k, v = qkv(rng)
    B, T, H, K = q.shape
    s0 = rng.standard_normal((B, H, K, v.shape[-1]))
    scale = 0.3
    o, s = ref.linear_attn(
        q,
        k,
        v,
        scale=scale,
        initial_state=None if normalize else s0,
        output_final_state=True,
        normalize=normalize,
    )
    mask = np.tril(np.ones((T, T)))
    scores = np.einsum("bthk,bshk->bhts", q, k) * mask
    expected = scale * np.einsum("bhts,bshv->bthv", scores, v)
    if normalize:
        expected /= (scale * scores.sum(-1)).transpose(0, 2, 1)[..., None] + 1e-10
        s0 = np.zeros_like(s0)
    else:
        expected += scale * np.einsum("bthk,bhkv->bthv", q, s0)
    np.testing.assert_allclose(o, expected, **TOL)
    np.testing.assert_allclose(s, s0 + np.einsum("bthk,bthv->bhkv", k, v), **TOL)


def test_gla_matches_decayed_quadratic_form(rng):
    q, k, v = qkv(rng, T=29)
    g = -rng.uniform(0.0, 1.0, k.shape)
    B, T, H, K = q.shape
    s0 = rng.standard_normal((B, H, K, v.shape[-1]))
    o, s = ref.gla(q, k, v, g, initial_state=s0, output_final_state=True)
    G = np.cumsum(g, axis=1)  # [B, T, H, K]
    decay = np.exp(G[:, :, None] - G[:, None, :])  # [B, t, s, H, K]
    causal = np.tril(np.ones((T, T)))[None, :, :, None]
    scores = np.einsum("bthk,btshk,bshk->bhts", q, decay, k) * causal.transpose(0, 3, 1, 2)
    scale = K**-0.5
    expected = scale * (
        np.einsum("bhts,bshv->bthv", scores, v) + np.einsum("bthk,bhkv->bthv", q * np.exp(G), s0)
    )
    np.testing.assert_allclose(o, expected, **TOL)
    final = np.exp(G[:, -1])[..., None] * s0 + np.einsum(
        "bthk,bthv->bhkv", np.exp(G[:, -1:] - G) * k, v
    )
    np.testing.assert_allclose(s, final, **TOL)


def test_gla_without_gates_is_linear_attention(rng):
    q, k, v = qkv(rng, T=11)
    o1, s1 = ref.gla(q, k, v, np.zeros_like(k), output_final_state=True)
    o2, s2 = ref.linear_attn(q, k, v, output_final_state=True)
    np.testing.assert_allclose(o1, o2, **TOL)
    np.testing.assert_allclose(s1, s2, **TOL)


def test_delta_rule_matches_matrix_form(rng):
    q, k, v = qkv(rng, B=1, T=23, H=2, K=4, V=3)
    k /= np.linalg.norm(k, axis=-1, keepdims=True)
    beta = rng.uniform(0.0, 1.0, k.shape[:3])
    g = -rng.uniform(0.0, 0.5, k.shape[:3])
    s0 = rng.standard_normal((1, 2, 4, 3))
    for gated in (False, True):
        if gated:
            o, s = ref.gated_delta_rule(q, k, v, g, beta, initial_state=s0, output_final_state=True)
        else:
            o, s = ref.delta_rule(q, k, v, beta, initial_state=s0, output_final_state=True)
        for h in range(2):
            S = s0[0, h].copy()
            for t in range(23):
                kt = k[0, t, h][:, None]
                transition = np.eye(4) - beta[0, t, h] * kt @ kt.T
                decay = np.exp(g[0, t, h]) if gated else 1.0
                S = transition @ (decay * S) + beta[0, t, h] * kt @ v[0, t, h][None, :]
                np.testing.assert_allclose(o[0, t, h], 0.5 * q[0, t, h] @ S, **TOL)
            np.testing.assert_allclose(s[0, h], S, **TOL)


def test_gated_delta_rule_without_decay_is_delta_rule(rng):
    q, k, v = qkv(rng, T=13)
    beta = rng.uniform(0, 1, k.shape[:3])
    o1, _ = ref.gated_delta_rule(q, k, v, np.zeros(k.shape[:3]), beta)
    o2, _ = ref.delta_rule(q, k, v, beta)
    np.testing.assert_allclose(o1, o2, **TOL)


@pytest.mark.parametrize("op", ["linear_attn", "gla", "delta_rule", "gated_delta_rule"])
def test_varlen_is_separate_sequences(rng, op):
    lengths = [5, 1, 12, 7]
    cu = np.cumsum([0] + lengths)
    q, k, v = qkv(rng, B=1, T=int(cu[-1]), H=2, K=4, V=3)
    extra = {
        "linear_attn": [],
        "gla": [-rng.uniform(0, 1, k.shape)],
        "delta_rule": [rng.uniform(0, 1, k.shape[:3])],
        "gated_delta_rule": [-rng.uniform(0, 1, k.shape[:3]), rng.uniform(0, 1, k.shape[:3])],
    }[op]
    s0 = rng.standard_normal((len(lengths), 2, 4, 3))
    fn = getattr(ref, op)
    o, s = fn(q, k, v, *extra, initial_state=s0, output_final_state=True, cu_seqlens=cu)
    for n, (start, end) in enumerate(zip(cu[:-1], cu[1:])):
        part = [x[:, start:end] for x in (q, k, v, *extra)]
        o_n, s_n = fn(*part, initial_state=s0[n : n + 1], output_final_state=True)
        np.testing.assert_allclose(o[:, start:end], o_n, **TOL)
        np.testing.assert_allclose(s[n : n + 1], s_n, **TOL)


def test_linear_family_rejects_bad_shapes(rng):
    q, k, v = qkv(rng, T=4)
    with pytest.raises(ValueError, match="initial_state"):
        ref.linear_attn(q, k, v, initial_state=np.zeros((1, 3, 5, 7)))
    with pytest.raises(ValueError, match="cu_seqlens"):
        ref.linear_attn(q[:1], k[:1], v[:1], cu_seqlens=np.array([0, 2, 3]))
    with pytest.raises(ValueError, match="g must"):
        ref.gla(q, k, v, np.zeros((2, 4, 3, 1)))


def dense_attention(q, k, v, causal, scale, window):
    Tq, Tk = q.shape[1], k.shape[1]
    H, Hk = q.shape[2], k.shape[2]
    k = np.repeat(k, H // Hk, axis=2)
    v = np.repeat(v, H // Hk, axis=2)
    scores = scale * np.einsum("bihd,bjhd->bhij", q, k)
    i = np.arange(Tq)[:, None]
    j = np.arange(Tk)[None, :]
    shift = Tk - Tq
    allowed = np.ones((Tq, Tk), bool)
    if causal:
        allowed &= j <= i + shift
    if window[0] >= 0:
        allowed &= j >= i + shift - window[0]
    if window[1] >= 0:
        allowed &= j <= i + shift + window[1]
    scores = np.where(allowed, scores, -np.inf)
    row_max = np.max(scores, axis=-1, keepdims=True)
    weights = np.where(allowed, np.exp(scores - np.where(np.isfinite(row_max), row_max, 0)), 0.0)
    total = weights.sum(-1, keepdims=True)
    weights = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    return np.einsum("bhij,bjhd->bihd", weights, v)


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("window", [(-1, -1), (3, 0), (2, 5)])
@pytest.mark.parametrize("Tq,Tk", [(9, 9), (5, 12), (12, 5)])
def test_flash_attn_matches_dense_softmax(rng, causal, window, Tq, Tk):
    q = rng.standard_normal((2, Tq, 4, 8))
    k = rng.standard_normal((2, Tk, 2, 8))  # GQA: 2 query heads per kv head
    v = rng.standard_normal((2, Tk, 2, 8))
    o = ref.flash_attn(q, k, v, causal=causal, window_size=window)
    np.testing.assert_allclose(o, dense_attention(q, k, v, causal, 8**-0.5, window), **TOL)


def test_flash_attn_varlen_is_separate_sequences(rng):
    cu_q, cu_k = np.array([0, 3, 4, 10]), np.array([0, 5, 9, 11])
    q = rng.standard_normal((10, 2, 4))
    k = rng.standard_normal((11, 1, 4))
    v = rng.standard_normal((11, 1, 4))
    o = ref.flash_attn(q, k, v, causal=True, cu_seqlens_q=cu_q, cu_seqlens_k=cu_k)
    assert o.shape == q.shape
    for n in range(3):
        qs, ks = slice(cu_q[n], cu_q[n + 1]), slice(cu_k[n], cu_k[n + 1])
        expected = ref.flash_attn(q[None, qs], k[None, ks], v[None, ks], causal=True)[0]
        np.testing.assert_allclose(o[qs], expected, **TOL)


def test_ssd_is_a_grouped_selective_scan(rng):
    b, l, h, p, g, n = 2, 17, 4, 3, 2, 5
    x = rng.standard_normal((b, l, h, p))
    dt = rng.standard_normal((b, l, h))
    A = -rng.uniform(0.5, 2.0, h)
    B = rng.standard_normal((b, l, g, n))
    C = rng.standard_normal((b, l, g, n))
    D = rng.standard_normal(h)
    z = rng.standard_normal((b, l, h, p))
    dt_bias = rng.standard_normal(h)
    y, s = ref.ssd(
        x, dt, A, B, C, D=D, z=z, dt_bias=dt_bias, dt_softplus=True, return_final_states=True
    )
    # Channel (head, p) of the selective scan: its group is head // (h / g).
    u = x.reshape(b, l, h * p).transpose(0, 2, 1)
    delta = np.repeat(dt, p, axis=2).transpose(0, 2, 1)
    y2, s2 = ref.selective_scan(
        u,
        delta,
        np.repeat(A, p)[:, None] * np.ones((1, n)),
        B.transpose(0, 2, 3, 1),
        C.transpose(0, 2, 3, 1),
        D=np.repeat(D, p),
        z=z.reshape(b, l, h * p).transpose(0, 2, 1),
        delta_bias=np.repeat(dt_bias, p),
        delta_softplus=True,
        return_last_state=True,
    )
    np.testing.assert_allclose(y, y2.transpose(0, 2, 1).reshape(b, l, h, p), **TOL)
    np.testing.assert_allclose(s, s2.reshape(b, h, p, n), **TOL)


def test_selective_scan_matches_closed_form(rng):
    b, d, n, l = 1, 3, 2, 9
    u = rng.standard_normal((b, d, l))
    delta = rng.uniform(0.1, 0.5, (b, d, l))
    A = -rng.uniform(0.5, 1.5, (d, n))
    B = rng.standard_normal((b, n, l))
    C = rng.standard_normal((b, n, l))
    y, _ = ref.selective_scan(u, delta, A, B, C)
    # y_t = Σ_{s≤t} C_t · exp(A Σ_{s<r≤t} Δ_r) Δ_s B_s u_s
    cum = np.cumsum(delta, axis=-1)
    expected = np.zeros_like(y)
    for t in range(l):
        for s in range(t + 1):
            decay = np.exp(A * (cum[0, :, t] - cum[0, :, s])[:, None])  # [d, n]
            expected[0, :, t] += (decay * C[0, :, t] * delta[0, :, s, None] * B[0, :, s]).sum(
                -1
            ) * u[0, :, s]
    np.testing.assert_allclose(y, expected, **TOL)


def test_newton_rnn_cells(rng):
    B, T, D, H = 2, 6, 3, 4
    x = rng.standard_normal((B, T, D))
    gru = {
        f"{w}_{c}": rng.standard_normal((H, D)) if w == "W" else rng.standard_normal(H)
        for w in ("W", "a", "b")
        for c in ("z", "r", "c")
    }
    # A saturated update gate (z = 1) makes h_t the candidate alone.
    saturated = dict(gru, a_z=np.zeros(H), W_z=np.zeros((H, D)), b_z=np.full(H, 1e3))
    h = ref.newton_rnn("gru_diag", x, saturated)
    h_prev = np.zeros((B, H))
    for t in range(T):
        r = 1 / (1 + np.exp(-(x[:, t] @ gru["W_r"].T + gru["a_r"] * h_prev + gru["b_r"])))
        expected = np.tanh(x[:, t] @ gru["W_c"].T + gru["a_c"] * r * h_prev + gru["b_c"])
        np.testing.assert_allclose(h[:, t], expected, **TOL)
        h_prev = expected
    lstm = {
        f"{w}_{c}": rng.standard_normal((H, D)) if w == "W" else rng.standard_normal(H)
        for w in ("W", "a", "b")
        for c in ("i", "f", "o", "c")
    }
    c0, h0 = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    h = ref.newton_rnn("lstm_diag", x, lstm, h0=(c0, h0))
    assert h.shape == (B, T, H) and np.all(np.abs(h) < 1)
    with pytest.raises(ValueError, match="unknown cell"):
        ref.newton_rnn("rnn", x, gru)
