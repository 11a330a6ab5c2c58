"""Mamba-2's SSD (state-space duality) with mamba_ssm's layouts.

``x``, ``z``, ``y``: ``[b, l, h, p]``; ``dt``: ``[b, l, h]``; ``A``,
``dt_bias``: ``[h]``; ``B``, ``C``: ``[b, l, g, n]`` with ``h % g == 0``;
``D``: ``[h]`` or ``[h, p]``; states: float32 ``[b, h, p, n]``.
"""

from __future__ import annotations

import numpy as np

from . import _arrays, _kernels


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
    """``S_t = exp(Δ_t A) S_{t-1} + Δ_t x_tᵀ B_t``, ``y_t = S_t C_t + D x_t``,
    then ``y ⊙ silu(z)``; computed chunk by chunk (``chunk_size``, a power
    of two), with the state passed across chunks. Returns ``(y, final
    states or None)``.
    """
    name = "ssd"
    arrays = {}
    for label, value in (
        ("x", x),
        ("dt", dt),
        ("A", A),
        ("B", B),
        ("C", C),
        ("D", D),
        ("z", z),
        ("dt_bias", dt_bias),
    ):
        if value is not None:
            arrays[label] = _arrays.operand(value, label)
    x = arrays["x"]
    if x.ndim != 4:
        raise ValueError(f"{name}: x must be [b, l, h, p], got shape {x.shape}")
    b, l, h, p = x.shape
    if arrays["B"].ndim != 4 or arrays["B"].shape[:2] != (b, l):
        raise ValueError(
            f"{name}: B must be [b, l, g, n] = [{b}, {l}, g, n], got {arrays['B'].shape}"
        )
    g, n = arrays["B"].shape[2:]
    expected = {
        "dt": (b, l, h),
        "A": (h,),
        "B": (b, l, g, n),
        "C": (b, l, g, n),
        "z": (b, l, h, p),
        "dt_bias": (h,),
    }
    for label, shape in expected.items():
        if label in arrays and arrays[label].shape != shape:
            raise ValueError(
                f"{name}: {label} must be {list(shape)}, got {list(arrays[label].shape)}"
            )
    if g == 0 or h % g:
        raise ValueError(f"{name}: {h} heads do not split into {g} groups")
    if "D" in arrays and arrays["D"].shape not in ((h,), (h, p)):
        raise ValueError(f"{name}: D must be [{h}] or [{h}, {p}], got {list(arrays['D'].shape)}")
    if chunk_size <= 0 or chunk_size & (chunk_size - 1):
        raise ValueError(f"{name}: chunk_size must be a power of two, got {chunk_size}")
    state = None
    if initial_states is not None:
        state = _arrays.operand(initial_states, "initial_states", dtype=np.float32)
        if state.shape != (b, h, p, n):
            raise ValueError(
                f"{name}: initial_states must be {[b, h, p, n]}, got {list(state.shape)}"
            )

    order = ["x", "dt", "A", "B", "C"] + [k for k in ("D", "z", "dt_bias") if k in arrays]
    elements = {label: _kernels.element_type(arrays[label], name) for label in order}
    source = _kernels.operator_source(
        "ssd",
        h,
        p,
        g,
        n,
        chunk_size,
        elements["x"],
        elements,
        d_rank=arrays["D"].ndim if "D" in arrays else 0,
        z="z" in arrays,
        dt_bias="dt_bias" in arrays,
        dt_softplus=bool(dt_softplus),
        initial_states=state is not None,
    )
    kernel = _kernels.get_kernel("ssd", source, chunk_size)
    y = _arrays.empty(x.shape, x.dtype, like=x)
    final = _arrays.empty((b, h, p, n), np.float32, like=x)
    inputs = [arrays[k] for k in order] + ([state] if state is not None else [])
    if l > 0 and b > 0:
        kernel((h, b), inputs, [y, final], l)
    elif return_final_states:
        shape = (b, h, p, n)
        final = _arrays.full(shape, 0, np.float32, x) if state is None else _arrays.copy(state, x)
    return _arrays.result(y), (_arrays.result(final) if return_final_states else None)
