"""Mamba's selective scan with mamba_ssm's ``selective_scan_fn`` signature.

``u``, ``delta``, ``z``, ``y``: ``[b, d, l]``; ``A``: ``[d, n]``; ``B``,
``C``: ``[b, n, l]`` or grouped ``[b, g, n, l]`` with ``d % g == 0``; ``D``,
``delta_bias``: ``[d]``; the last state: float32 ``[b, d, n]``.
"""

from __future__ import annotations

import numpy as np

from . import _arrays, _kernels


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
    chunk_size=None,
    initial_state=None,
):
    """``x_t = exp(Δ_t A) ⊙ x_{t-1} + Δ_t B_t u_t``, ``y_t = C_t x_t + D u_t``,
    then ``y ⊙ silu(z)``, chunk by chunk with the state carried across
    chunks, from ``initial_state`` (float32 ``[b, d, n]``, zero when omitted:
    an extension of mamba_ssm's signature, which sequence parallelism uses). Returns ``(y, last_state or None)``.
    """
    name = "selective_scan"
    arrays = {}
    for label, value in (
        ("u", u),
        ("delta", delta),
        ("A", A),
        ("B", B),
        ("C", C),
        ("D", D),
        ("z", z),
        ("delta_bias", delta_bias),
    ):
        if value is not None:
            arrays[label] = _arrays.operand(value, label)
    u = arrays["u"]
    if u.ndim != 3:
        raise ValueError(f"{name}: u must be [b, d, l], got shape {list(u.shape)}")
    b, d, l = u.shape
    if arrays["A"].ndim != 2 or arrays["A"].shape[0] != d:
        raise ValueError(f"{name}: A must be [d, n] = [{d}, n], got {list(arrays['A'].shape)}")
    n = arrays["A"].shape[1]
    grouped = arrays["B"].ndim == 4
    g = arrays["B"].shape[1] if grouped else 1
    bc_shape = (b, g, n, l) if grouped else (b, n, l)
    expected = {
        "delta": (b, d, l),
        "B": bc_shape,
        "C": bc_shape,
        "z": (b, d, l),
        "D": (d,),
        "delta_bias": (d,),
    }
    for label, shape in expected.items():
        if label in arrays and arrays[label].shape != shape:
            raise ValueError(
                f"{name}: {label} must be {list(shape)}, got {list(arrays[label].shape)}"
            )
    if g == 0 or d % g:
        raise ValueError(f"{name}: {d} channels do not split into {g} groups")
    _kernels.check_size(name, "chunk_size", chunk_size)
    state = None
    if initial_state is not None:
        state = _arrays.operand(initial_state, "initial_state", dtype=np.float32)
        if state.shape != (b, d, n):
            raise ValueError(f"{name}: initial_state must be {[b, d, n]}, got {list(state.shape)}")

    order = ["u", "delta", "A", "B", "C"] + [k for k in ("D", "z", "delta_bias") if k in arrays]
    elements = {label: _kernels.element_type(arrays[label], name) for label in order}
    source = _kernels.operator_source(
        "selective_scan",
        d,
        n,
        g if grouped else 0,
        elements["u"],
        elements,
        D="D" in arrays,
        z="z" in arrays,
        delta_bias="delta_bias" in arrays,
        delta_softplus=bool(delta_softplus),
        initial_state=initial_state is not None,
    )
    chunk_size = _kernels.resolve_size(
        name,
        chunk_size,
        source,
        l,
        b * d,
        lambda size: selective_scan(
            u, delta, A, B, C, D, z, delta_bias, delta_softplus, False, size, initial_state
        ),
    )
    kernel = _kernels.get_kernel(name, source, chunk_size)
    y = _arrays.empty(u.shape, u.dtype, like=u)
    shape = (b, d, n)
    last = _arrays.full(shape, 0, np.float32, u) if state is None else _arrays.copy(state, u)
    if l > 0 and b > 0:
        inputs = [arrays[k] for k in order] + ([state] if state is not None else [])
        kernel((d, b), inputs, [y, last], l)
    return _arrays.result(y), (_arrays.result(last) if return_last_state else None)
