"""Sequential references of the operator library, in numpy.

Each function is the operator's plain recurrence, one time step after
another, computed in float64 whatever the input dtype, with the signature,
layouts and defaults of the public operator (FLA's for the linear family,
mamba_ssm's for ``selective_scan`` and ``ssd``, flash-attention's for
``flash_attn``). They are slow on purpose: they are what the chunked,
compiled operators are tested against.

Conventions: sequences are ``[B, T, H, ...]``; states ``[B, H, K, V]``; gates
are in log space; with ``cu_seqlens`` the batch is 1, sequences are packed
along T, and ``initial_state`` and the final state have one row per
sequence.
"""

from __future__ import annotations

import numpy as np


def _f64(x):
    return None if x is None else np.asarray(x, dtype=np.float64)


def _sequences(T: int, B: int, cu_seqlens):
    """(batch row, start, end) of every sequence."""
    if cu_seqlens is None:
        return [(b, 0, T) for b in range(B)]
    cu = np.asarray(cu_seqlens).astype(np.int64)
    if B != 1:
        raise ValueError(f"with cu_seqlens the batch must be 1, got B = {B}")
    if cu.ndim != 1 or cu.size < 2 or cu[0] != 0 or cu[-1] != T or np.any(np.diff(cu) < 0):
        raise ValueError(f"cu_seqlens must rise from 0 to T = {T}, got {cu.tolist()}")
    return [(0, int(cu[i]), int(cu[i + 1])) for i in range(cu.size - 1)]


def _linear_family(q, k, v, scale, initial_state, output_final_state, cu_seqlens, step):
    """Runs ``S = step(S, t)`` then ``o_t = scale q_t S`` over each sequence."""
    q, k, v = _f64(q), _f64(k), _f64(v)
    B, T, H, K = q.shape
    V = v.shape[-1]
    if k.shape != (B, T, H, K) or v.shape[:3] != (B, T, H):
        raise ValueError(f"q {q.shape}, k {k.shape} and v {v.shape} do not agree")
    scale = K**-0.5 if scale is None else scale
    sequences = _sequences(T, B, cu_seqlens)
    if initial_state is not None:
        initial_state = _f64(initial_state)
        if initial_state.shape != (len(sequences), H, K, V):
            raise ValueError(
                f"initial_state must be {(len(sequences), H, K, V)}, got {initial_state.shape}"
            )
    o = np.zeros((B, T, H, V))
    final = np.zeros((len(sequences), H, K, V))
    for n, (b, start, end) in enumerate(sequences):
        S = np.zeros((H, K, V)) if initial_state is None else initial_state[n].copy()
        for t in range(start, end):
            S = step(S, b, t)
            o[b, t] = scale * np.einsum("hk,hkv->hv", q[b, t], S)
        final[n] = S
    return o, (final if output_final_state else None)


def linear_attn(
    q,
    k,
    v,
    scale=None,
    initial_state=None,
    output_final_state=False,
    cu_seqlens=None,
    normalize=False,
):
    """``S_t = S_{t-1} + k_tᵀ v_t``, ``o_t = scale · q_t S_t``.

    With ``normalize`` (FLA's ``chunk_linear_attn`` default) each output is
    divided by ``scale · q_t · Σ_{s≤t} k_s + 1e-10``, the sum running over the
    sequence only (not over the initial state).
    """
    kk, vv = _f64(k), _f64(v)

    def step(S, b, t):
        return S + np.einsum("hk,hv->hkv", kk[b, t], vv[b, t])

    o, s = _linear_family(q, k, v, scale, initial_state, output_final_state, cu_seqlens, step)
    if normalize:
        qq = _f64(q)
        B, T, H, K = qq.shape
        scale_ = K**-0.5 if scale is None else scale
        for b, start, end in _sequences(T, B, cu_seqlens):
            ksum = np.cumsum(kk[b, start:end], axis=0)  # [t, H, K]
            z = scale_ * np.einsum("thk,thk->th", qq[b, start:end], ksum) + 1e-10
            o[b, start:end] /= z[..., None]
    return o, s


def gla(q, k, v, g, scale=None, initial_state=None, output_final_state=False, cu_seqlens=None):
    """``S_t = diag(exp g_t) S_{t-1} + k_tᵀ v_t``; ``g`` is ``[B, T, H, K]``."""
    kk, vv, gg = _f64(k), _f64(v), _f64(g)
    if gg.shape != kk.shape:
        raise ValueError(f"g must have the shape of k {kk.shape}, got {gg.shape}")

    def step(S, b, t):
        return np.exp(gg[b, t])[..., None] * S + np.einsum("hk,hv->hkv", kk[b, t], vv[b, t])

    return _linear_family(q, k, v, scale, initial_state, output_final_state, cu_seqlens, step)


def _delta(S, k, v, beta):
    # S + β kᵀ (v − k S) = (I − β kᵀ k) S + β kᵀ v
    error = v - np.einsum("hk,hkv->hv", k, S)
    return S + np.einsum("h,hk,hv->hkv", beta, k, error)


def delta_rule(
    q, k, v, beta, scale=None, initial_state=None, output_final_state=False, cu_seqlens=None
):
    """``S_t = (I − β_t k_tᵀ k_t) S_{t-1} + β_t k_tᵀ v_t``; ``beta`` is ``[B, T, H]``."""
    kk, vv, bb = _f64(k), _f64(v), _f64(beta)
    if bb.shape != kk.shape[:3]:
        raise ValueError(f"beta must be {kk.shape[:3]}, got {bb.shape}")

    def step(S, b, t):
        return _delta(S, kk[b, t], vv[b, t], bb[b, t])

    return _linear_family(q, k, v, scale, initial_state, output_final_state, cu_seqlens, step)


def gated_delta_rule(
    q, k, v, g, beta, scale=None, initial_state=None, output_final_state=False, cu_seqlens=None
):
    """``S_t = exp(g_t) (I − β_t k_tᵀ k_t) S_{t-1} + β_t k_tᵀ v_t``.

    The state decays before the delta correction, as FLA's reference does;
    ``g`` (log decay) and ``beta`` are ``[B, T, H]``.
    """
    kk, vv, gg, bb = _f64(k), _f64(v), _f64(g), _f64(beta)
    for name, x in (("g", gg), ("beta", bb)):
        if x.shape != kk.shape[:3]:
            raise ValueError(f"{name} must be {kk.shape[:3]}, got {x.shape}")

    def step(S, b, t):
        return _delta(np.exp(gg[b, t])[:, None, None] * S, kk[b, t], vv[b, t], bb[b, t])

    return _linear_family(q, k, v, scale, initial_state, output_final_state, cu_seqlens, step)


def _softplus(x):
    return np.logaddexp(0.0, x)


def _silu(x):
    return x / (1.0 + np.exp(-x))


def selective_scan(
    u,
    delta,
    A,
    B,
    C,
    D=None,
    z=None,
    delta_bias=None,
    delta_softplus=False,
    return_last_state=False,
    initial_state=None,
):
    """Mamba's selective scan in mamba_ssm's layouts.

    ``u``, ``delta``, ``z``: ``[b, d, l]``; ``A``: ``[d, n]``; ``B``, ``C``:
    ``[b, n, l]`` or grouped ``[b, g, n, l]``; ``D``, ``delta_bias``: ``[d]``.
    ``x_t = exp(Δ_t A) ⊙ x_{t-1} + Δ_t B_t u_t``, ``y_t = C_t x_t + D u_t``,
    then ``y ⊙ silu(z)``, from ``x_0 = initial_state`` (``[b, d, n]``, zero
    when omitted). Returns ``(y, last_state [b, d, n] or None)``.
    """
    u, delta, A, B, C = (_f64(x) for x in (u, delta, A, B, C))
    batch, d, length = u.shape
    n = A.shape[1]
    if delta.shape != u.shape or A.shape != (d, n):
        raise ValueError(f"u {u.shape}, delta {delta.shape} and A {A.shape} do not agree")

    def per_channel(M, name):
        if M.ndim == 3:
            if M.shape != (batch, n, length):
                raise ValueError(f"{name} must be {(batch, n, length)}, got {M.shape}")
            return np.broadcast_to(M[:, None], (batch, d, n, length))
        groups = M.shape[1]
        if M.shape != (batch, groups, n, length) or d % groups:
            raise ValueError(f"{name} {M.shape} does not group the {d} channels")
        return np.repeat(M, d // groups, axis=1)

    B, C = per_channel(B, "B"), per_channel(C, "C")
    if delta_bias is not None:
        delta = delta + _f64(delta_bias)[None, :, None]
    if delta_softplus:
        delta = _softplus(delta)
    x = np.zeros((batch, d, n)) if initial_state is None else _f64(initial_state).copy()
    y = np.zeros((batch, d, length))
    for t in range(length):
        dt = delta[:, :, t][..., None]  # [b, d, 1]
        x = np.exp(dt * A) * x + dt * B[..., t] * u[:, :, t][..., None]
        y[:, :, t] = np.einsum("bdn,bdn->bd", x, C[..., t])
    if D is not None:
        y = y + _f64(D)[None, :, None] * u
    if z is not None:
        y = y * _silu(_f64(z))
    return y, (x if return_last_state else None)


def ssd(
    x,
    dt,
    A,
    B,
    C,
    chunk_size=64,
    D=None,
    z=None,
    dt_bias=None,
    dt_softplus=False,
    initial_states=None,
    return_final_states=False,
):
    """Mamba-2's state-space dual in mamba_ssm's layouts (the chunk size does
    not change the result).

    ``x``: ``[b, l, h, p]``; ``dt``: ``[b, l, h]``; ``A``: ``[h]``; ``B``,
    ``C``: ``[b, l, g, n]``; ``D``: ``[h]``; ``z`` like ``x``; states
    ``[b, h, p, n]``. ``S_t = exp(Δ_t A) S_{t-1} + Δ_t x_tᵀ B_t``,
    ``y_t = S_t C_t + D x_t``, then ``y ⊙ silu(z)``.
    """
    x, dt, A, B, C = (_f64(v) for v in (x, dt, A, B, C))
    batch, length, h, p = x.shape
    groups, n = B.shape[2], B.shape[3]
    if dt.shape != (batch, length, h) or A.shape != (h,):
        raise ValueError(f"x {x.shape}, dt {dt.shape} and A {A.shape} do not agree")
    if B.shape != (batch, length, groups, n) or C.shape != B.shape or h % groups:
        raise ValueError(f"B {B.shape} and C {C.shape} do not group the {h} heads")
    B = np.repeat(B, h // groups, axis=2)
    C = np.repeat(C, h // groups, axis=2)
    if dt_bias is not None:
        dt = dt + _f64(dt_bias)
    if dt_softplus:
        dt = _softplus(dt)
    S = np.zeros((batch, h, p, n)) if initial_states is None else _f64(initial_states).copy()
    y = np.zeros_like(x)
    for t in range(length):
        decay = np.exp(dt[:, t] * A)[..., None, None]  # [b, h, 1, 1]
        S = decay * S + dt[:, t][..., None, None] * np.einsum("bhp,bhn->bhpn", x[:, t], B[:, t])
        y[:, t] = np.einsum("bhpn,bhn->bhp", S, C[:, t])
    if D is not None:
        y = y + _f64(D)[None, None, :, None] * x
    if z is not None:
        y = y * _silu(_f64(z))
    return y, (S if return_final_states else None)


def flash_attn(
    q,
    k,
    v,
    causal=False,
    softmax_scale=None,
    window_size=(-1, -1),
    cu_seqlens_q=None,
    cu_seqlens_k=None,
    return_lse=False,
    diagonal=None,
):
    """Softmax attention as the online-softmax recurrence over keys.

    ``q``: ``[B, Tq, H, D]``; ``k``, ``v``: ``[B, Tk, Hk, D]`` with ``H``
    divisible by ``Hk`` (GQA/MQA). Query ``i`` sees key ``j`` when, with
    ``shift = Tk − Tq`` (bottom-right alignment, as flash-attention ≥ 2.1),
    ``j ≤ i + shift`` under ``causal`` and ``i + shift − left ≤ j ≤ i + shift +
    right`` under ``window_size = (left, right)`` (−1: unbounded). A query that
    sees no key gets zeros. Varlen inputs are packed ``[total, H, D]`` (or
    ``[1, total, H, D]``) with ``cu_seqlens_q``/``cu_seqlens_k``. With
    ``return_lse``, also ``lse = m + log l`` per query, ``[B, H, Tq]``
    (``[H, total]`` varlen), ``-inf`` where no key is seen. ``diagonal``
    replaces ``shift`` (not varlen).
    """
    q, k, v = _f64(q), _f64(k), _f64(v)
    packed = cu_seqlens_q is not None
    if packed != (cu_seqlens_k is not None):
        raise ValueError("cu_seqlens_q and cu_seqlens_k go together")
    squeeze = False
    if packed and q.ndim == 3:
        q, k, v, squeeze = q[None], k[None], v[None], True
    batch, Tq, H, D = q.shape
    Tk, Hk = k.shape[1], k.shape[2]
    if H % Hk:
        raise ValueError(f"{H} query heads do not group over {Hk} key/value heads")
    scale = D**-0.5 if softmax_scale is None else softmax_scale
    left, right = window_size
    if packed:
        pairs = list(zip(_sequences(Tq, batch, cu_seqlens_q), _sequences(Tk, batch, cu_seqlens_k)))
    else:
        pairs = [((b, 0, Tq), (b, 0, Tk)) for b in range(batch)]
    o = np.zeros(q.shape[:3] + (v.shape[-1],))
    lse = np.full((batch, H, Tq), -np.inf)
    for (b, q0, q1), (_, k0, k1) in pairs:
        shift = (k1 - k0) - (q1 - q0) if diagonal is None else diagonal
        for i in range(q1 - q0):
            for head in range(H):
                kv = head // (H // Hk)
                m, l, acc = -np.inf, 0.0, np.zeros(v.shape[-1])
                for j in range(k1 - k0):
                    if causal and j > i + shift:
                        continue
                    if left >= 0 and j < i + shift - left:
                        continue
                    if right >= 0 and j > i + shift + right:
                        continue
                    s = scale * np.dot(q[b, q0 + i, head], k[b, k0 + j, kv])
                    m_new = max(m, s)
                    correction = np.exp(m - m_new)
                    p = np.exp(s - m_new)
                    l = l * correction + p
                    acc = acc * correction + p * v[b, k0 + j, kv]
                    m = m_new
                if l > 0:
                    o[b, q0 + i, head] = acc / l
                    lse[b, head, q0 + i] = m + np.log(l)
    if not return_lse:
        return o[0] if squeeze else o
    return (o[0] if squeeze else o), (lse[0] if packed else lse)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _gru_diag_step(h, xt, p):
    z = _sigmoid(xt @ p["W_z"].T + p["a_z"] * h + p["b_z"])
    r = _sigmoid(xt @ p["W_r"].T + p["a_r"] * h + p["b_r"])
    c = np.tanh(xt @ p["W_c"].T + p["a_c"] * (r * h) + p["b_c"])
    return (1 - z) * h + z * c


def _lstm_diag_step(state, xt, p):
    c, h = state
    i = _sigmoid(xt @ p["W_i"].T + p["a_i"] * h + p["b_i"])
    f = _sigmoid(xt @ p["W_f"].T + p["a_f"] * h + p["b_f"])
    o = _sigmoid(xt @ p["W_o"].T + p["a_o"] * h + p["b_o"])
    c = f * c + i * np.tanh(xt @ p["W_c"].T + p["a_c"] * h + p["b_c"])
    return c, o * np.tanh(c)


def newton_rnn(cell, x, params, h0=None):
    """The nonlinear RNN ``h_t = f(h_{t-1}, x_t)`` run step by step.

    ``cell``: ``"gru_diag"`` or ``"lstm_diag"``; ``x``: ``[B, T, D]``;
    ``params``: a dict of ``W_* [H, D]``, ``a_* [H]``, ``b_* [H]``; ``h0``:
    ``[B, H]`` (LSTM: a ``(c0, h0)`` pair). Returns ``h [B, T, H]``.
    """
    x = _f64(x)
    params = {name: _f64(value) for name, value in params.items()}
    batch, length, _ = x.shape
    if cell == "gru_diag":
        hidden = params["W_z"].shape[0]
        state = np.zeros((batch, hidden)) if h0 is None else _f64(h0).copy()
        step, output = _gru_diag_step, lambda s: s
    elif cell == "lstm_diag":
        hidden = params["W_i"].shape[0]
        if h0 is None:
            state = (np.zeros((batch, hidden)), np.zeros((batch, hidden)))
        else:
            state = (_f64(h0[0]).copy(), _f64(h0[1]).copy())
        step, output = _lstm_diag_step, lambda s: s[1]
    else:
        raise ValueError(f"unknown cell '{cell}' (built-in cells: gru_diag, lstm_diag)")
    h = np.zeros((batch, length, hidden))
    for t in range(length):
        state = step(state, x[:, t], params)
        h[:, t] = output(state)
    return h
