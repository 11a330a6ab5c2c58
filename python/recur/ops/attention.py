"""Flash attention with flash-attention's signature and layouts.

``q``: ``[B, Tq, H, D]``; ``k``, ``v``: ``[B, Tk, Hk, D]``/``[B, Tk, Hk, Dv]``
with ``H`` a multiple of ``Hk`` (GQA/MQA). Packed variable-length batches
pass ``cu_seqlens_q``/``cu_seqlens_k`` with inputs ``[total, H, D]`` or
``[1, total, H, D]``.
"""

from __future__ import annotations

import numpy as np

from . import _arrays, _kernels


def flash_attn(
    q,
    k,
    v,
    causal=False,
    softmax_scale=None,
    window_size=(-1, -1),
    cu_seqlens_q=None,
    cu_seqlens_k=None,
    block_size=None,
    return_lse=False,
):
    """Softmax attention by the online softmax over key blocks.

    ``causal`` masks bottom-right aligned when ``Tq != Tk`` (flash-attention
    >= 2.1); ``window_size = (left, right)`` bounds the keys each query sees
    (-1: unbounded); key blocks no query of a block can see are skipped. A
    query that sees no key gets zeros.

    With ``return_lse`` the result is ``(o, lse)``: ``lse`` is each query's
    ``log Σ_j exp(softmax_scale q·k_j)`` over the keys it sees, float32
    (float64 for float64 inputs), ``[B, H, Tq]`` (``[H, total_q]`` with
    ``cu_seqlens``, as flash-attention returns it); ``-inf`` for a query that
    sees no key.
    """
    return _flash_attn(
        q,
        k,
        v,
        causal,
        softmax_scale,
        window_size,
        cu_seqlens_q,
        cu_seqlens_k,
        block_size,
        return_lse,
        None,
    )


def flash_attn_aligned(
    q,
    k,
    v,
    diagonal,
    causal=False,
    softmax_scale=None,
    window_size=(-1, -1),
    block_size=None,
    return_lse=False,
):
    """``flash_attn`` with query ``i`` aligned with key ``i + diagonal``
    instead of bottom-right (``diagonal = Tk - Tq``): under ``causal`` it sees
    keys ``j <= i + diagonal``, and windows bound ``j - (i + diagonal)``. For
    pieces of one sequence held apart (ring attention), ``diagonal`` is the
    queries' global start minus the keys'."""
    return _flash_attn(
        q,
        k,
        v,
        causal,
        softmax_scale,
        window_size,
        None,
        None,
        block_size,
        return_lse,
        int(diagonal),
    )


def _flash_attn(
    q,
    k,
    v,
    causal,
    softmax_scale,
    window_size,
    cu_seqlens_q,
    cu_seqlens_k,
    block_size,
    return_lse,
    diagonal,
):
    q, k, v = (_arrays.operand(x, n) for x, n in ((q, "q"), (k, "k"), (v, "v")))
    varlen = cu_seqlens_q is not None
    if varlen != (cu_seqlens_k is not None):
        raise ValueError("flash_attn: cu_seqlens_q and cu_seqlens_k go together")
    squeeze = varlen and q.ndim == 3
    if squeeze:
        q, k, v = (x.reshape((1,) + x.shape) for x in (q, k, v))
    for label, x in (("q", q), ("k", k), ("v", v)):
        if x.ndim != 4:
            raise ValueError(f"flash_attn: {label} must be [B, T, H, D], got shape {x.shape}")
    B, Tq, H, D = q.shape
    _, Tk, Hk, _ = k.shape
    Dv = v.shape[-1]
    if k.shape[0] != B or k.shape[3] != D or v.shape[:3] != k.shape[:3]:
        raise ValueError(
            f"flash_attn: k {k.shape} and v {v.shape} do not match q {q.shape} "
            "(batch and head dimension)"
        )
    if Hk == 0 or H % Hk:
        raise ValueError(f"flash_attn: {H} query heads are not a multiple of {Hk} key/value heads")
    if not (q.dtype == k.dtype == v.dtype):
        raise ValueError(
            f"flash_attn: q, k and v must share a dtype, got {q.dtype}, {k.dtype}, {v.dtype}"
        )
    element = _kernels.element_type(q, "flash_attn")
    left, right = (int(w) for w in window_size)
    if left < -1 or right < -1:
        raise ValueError(f"flash_attn: window_size entries are -1 or >= 0, got {window_size}")
    _kernels.check_size("flash_attn", "block_size", block_size)
    scale = D**-0.5 if softmax_scale is None else float(softmax_scale)

    extra = []
    index = None
    if varlen:
        if B != 1:
            raise ValueError(f"flash_attn: with cu_seqlens the batch must be 1, got B = {B}")
        offsets_q = _kernels.check_offsets(cu_seqlens_q, Tq, "cu_seqlens_q", "flash_attn")
        offsets_k = _kernels.check_offsets(cu_seqlens_k, Tk, "cu_seqlens_k", "flash_attn")
        if offsets_q.size != offsets_k.size:
            raise ValueError(
                f"flash_attn: cu_seqlens_q has {offsets_q.size - 1} sequences, cu_seqlens_k "
                f"{offsets_k.size - 1}"
            )
        offsets_k = offsets_k.astype(offsets_q.dtype)
        index = _kernels.index_type(offsets_q)
        extra = [offsets_q, offsets_k]
        sequences = offsets_q.size - 1
        longest = int(np.diff(offsets_q).max())
    else:
        if k.shape[0] != B:
            raise ValueError(f"flash_attn: k has batch {k.shape[0]}, q has {B}")
        sequences, longest = B, Tq
    source = _kernels.operator_source(
        "attention",
        H,
        Hk,
        D,
        Dv,
        element,
        causal=bool(causal),
        softmax_scale=scale,
        window_left=left,
        window_right=right,
        offsets=index,
        lse=bool(return_lse),
        diagonal=diagonal is not None,
    )
    block_size = _kernels.resolve_size(
        "flash_attn",
        block_size,
        source,
        longest,
        sequences * H,
        lambda size: _flash_attn(
            q.reshape(q.shape[1:]) if squeeze else q,
            k.reshape(k.shape[1:]) if squeeze else k,
            v.reshape(v.shape[1:]) if squeeze else v,
            causal,
            softmax_scale,
            window_size,
            cu_seqlens_q,
            cu_seqlens_k,
            size,
            return_lse,
            diagonal,
        ),
    )
    kernel = _kernels.get_kernel("flash_attn", source, block_size)
    o = _arrays.full((B, Tq, H, Dv), 0, q.dtype, like=q)
    results = [o]
    if return_lse:
        lse_type = np.float64 if q.dtype == np.float64 else np.float32
        lse = _arrays.full((B, H, Tq), -np.inf, lse_type, like=q)
        results.append(lse)
    if sequences > 0 and longest > 0:
        grid = (-(-longest // block_size), H, sequences)
        if diagonal is not None:
            extra = extra + [np.array(diagonal, np.int32)]
        kernel(grid, [q, k, v] + extra, results, Tq, Tk)
    if squeeze:
        o = o.reshape(o.shape[1:])
    if not return_lse:
        return _arrays.result(o)
    if varlen:
        lse = lse.reshape(lse.shape[1:])
    return _arrays.result(o), _arrays.result(lse)
