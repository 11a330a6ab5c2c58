"""The linear-attention family, FLA's signatures and layouts.

``q``, ``k``: ``[B, T, H, K]``; ``v`` and the output: ``[B, T, H, V]``;
states: float32 ``[N, H, K, V]`` with ``N = B``, or with ``cu_seqlens``
(``[N + 1]`` offsets, batch 1) one row per packed sequence.
"""

from __future__ import annotations

import numpy as np

from . import _arrays, _kernels


def _check_sequences(q, k, v, name):
    for label, x in (("q", q), ("k", k), ("v", v)):
        if x.ndim != 4:
            raise ValueError(f"{name}: {label} must be [B, T, H, D], got shape {x.shape}")
    if k.shape != q.shape:
        raise ValueError(f"{name}: k must have the shape of q {q.shape}, got {k.shape}")
    if v.shape[:3] != q.shape[:3]:
        raise ValueError(f"{name}: v must agree with q on [B, T, H] = {q.shape[:3]}, got {v.shape}")
    if not (q.dtype == k.dtype == v.dtype):
        raise ValueError(
            f"{name}: q, k and v must share a dtype, got {q.dtype}, {k.dtype}, {v.dtype}"
        )


def _linear_family(
    name,
    q,
    k,
    v,
    gates,
    scale,
    initial_state,
    output_final_state,
    cu_seqlens,
    chunk_size,
    normalize=False,
):
    """Validates, builds the operator function of ``seq.<name>`` and runs it.

    ``gates`` lists (label, array, per_key) operands between v and the
    state: ``[B, T, H, K]`` when per_key, else ``[B, T, H]``.
    """
    q, k, v = (_arrays.operand(x, label) for x, label in ((q, "q"), (k, "k"), (v, "v")))
    _check_sequences(q, k, v, name)
    B, T, H, K = q.shape
    V = v.shape[-1]
    element = _kernels.element_type(q, name)
    _kernels.check_size(name, "chunk_size", chunk_size)
    gate_arrays = []
    for label, gate, per_key in gates:
        gate = _arrays.operand(gate, label)
        if per_key and gate.shape != k.shape:
            raise ValueError(
                f"{name}: {label} must have the shape of k {k.shape}, got {gate.shape}"
            )
        if not per_key and gate.shape != k.shape[:3]:
            raise ValueError(f"{name}: {label} must be [B, T, H] = {k.shape[:3]}, got {gate.shape}")
        gate_arrays.append((label, gate, _kernels.element_type(gate, name)))

    offsets = None
    sequences = B
    if cu_seqlens is not None:
        if B != 1:
            raise ValueError(f"{name}: with cu_seqlens the batch must be 1, got B = {B}")
        offsets = _kernels.check_offsets(cu_seqlens, T, "cu_seqlens", name, f"T = {T}")
        sequences = offsets.size - 1
    state = None
    if initial_state is not None:
        state = _arrays.operand(initial_state, "initial_state", dtype=np.float32)
        if state.shape != (sequences, H, K, V):
            raise ValueError(
                f"{name}: initial_state must be [N, H, K, V] = {(sequences, H, K, V)}, got "
                f"{state.shape}"
            )
    scale = K**-0.5 if scale is None else float(scale)

    elements = {"k": _kernels.element_type(k, name), "v": _kernels.element_type(v, name)}
    elements.update({label: gate_element for label, _, gate_element in gate_arrays})
    source = _kernels.operator_source(
        "linear_family",
        name,
        H,
        K,
        V,
        element,
        elements,
        initial_state=state is not None,
        offsets=None if offsets is None else _kernels.index_type(offsets),
        scale=scale,
        normalize=normalize,
    )
    chunk_size = _kernels.resolve_size(
        name,
        chunk_size,
        source,
        T,
        sequences,
        lambda size: _linear_family(
            name, q, k, v, gates, scale, initial_state, False, cu_seqlens, size, normalize
        ),
    )
    kernel = _kernels.get_kernel(name, source, chunk_size)

    o = _arrays.empty((B, T, H, V), q.dtype, like=q)
    final = _arrays.empty((sequences, H, K, V), np.float32, like=q)
    inputs = [q, k, v] + [g for _, g, _ in gate_arrays]
    inputs += [x for x in (state, offsets) if x is not None]
    if T > 0 and sequences > 0:
        grid = (H, sequences, -(-V // _kernels.value_block(K, V)))
        kernel(grid, inputs, [o, final], T)
    elif output_final_state:
        shape = (sequences, H, K, V)
        final = _arrays.full(shape, 0, np.float32, q) if state is None else _arrays.copy(state, q)
    return _arrays.result(o), (_arrays.result(final) if output_final_state else None)


def linear_attn(
    q,
    k,
    v,
    scale=None,
    initial_state=None,
    output_final_state=False,
    cu_seqlens=None,
    normalize=False,
    chunk_size=None,
):
    """Chunked linear attention: ``S_t = S_{t-1} + k_tᵀ v_t``, ``o_t = scale q_t S_t``.

    ``normalize=True`` divides each output by ``scale · q_t · Σ_{s≤t} k_s +
    1e-10`` (FLA's ``chunk_linear_attn`` default); the default here is the
    plain recurrence. Returns ``(o, final_state or None)``.
    """
    return _linear_family(
        "linear_attn",
        q,
        k,
        v,
        [],
        scale,
        initial_state,
        output_final_state,
        cu_seqlens,
        chunk_size,
        normalize,
    )


def gla(
    q,
    k,
    v,
    g,
    scale=None,
    initial_state=None,
    output_final_state=False,
    cu_seqlens=None,
    chunk_size=None,
):
    """Chunked gated linear attention: ``S_t = diag(exp g_t) S_{t-1} + k_tᵀ v_t``.

    ``g`` is the log-space gate ``[B, T, H, K]`` (float32 recommended for
    strong decays). Intra-chunk decays come from chunk-local cumulative
    gates: a chunk whose gates span at most 80 per key factors them into a
    matmul (factors within e^±40); a chunk with stronger gates exponentiates
    only non-positive differences, so gates of -5 per step or stronger
    neither overflow nor underflow into NaN. Returns ``(o, final_state or
    None)``.
    """
    return _linear_family(
        "gla",
        q,
        k,
        v,
        [("g", g, True)],
        scale,
        initial_state,
        output_final_state,
        cu_seqlens,
        chunk_size,
    )


def delta_rule(
    q,
    k,
    v,
    beta,
    scale=None,
    initial_state=None,
    output_final_state=False,
    cu_seqlens=None,
    chunk_size=None,
):
    """Chunked DeltaNet: ``S_t = (I − β_t k_tᵀ k_t) S_{t-1} + β_t k_tᵀ v_t``.

    ``beta`` is ``[B, T, H]``. Each chunk goes through the WY/UT
    representation (a unit-lower-triangular solve, then matmuls). Keys are
    used as given; DeltaNet layers normalise them (L2) first. Returns
    ``(o, final_state or None)``.
    """
    return _linear_family(
        "delta_rule",
        q,
        k,
        v,
        [("beta", beta, False)],
        scale,
        initial_state,
        output_final_state,
        cu_seqlens,
        chunk_size,
    )


def gated_delta_rule(
    q,
    k,
    v,
    g,
    beta,
    scale=None,
    initial_state=None,
    output_final_state=False,
    cu_seqlens=None,
    chunk_size=None,
):
    """Chunked Gated DeltaNet: ``S_t = exp(g_t)(I − β_t k_tᵀ k_t) S_{t-1} + β_t k_tᵀ v_t``.

    ``g`` (log decay) and ``beta`` are ``[B, T, H]``; the state decays before
    the delta correction, as FLA's reference does. Returns ``(o,
    final_state or None)``.
    """
    return _linear_family(
        "gated_delta_rule",
        q,
        k,
        v,
        [("g", g, False), ("beta", beta, False)],
        scale,
        initial_state,
        output_final_state,
        cu_seqlens,
        chunk_size,
    )
