"""``SequenceParallel.newton_rnn``: ParaRNN's Newton solve across ranks.

Each rank holds a contiguous slice of the sequence and its slice of the
iterate ``s`` (``[B, T_r, S, H]``, ``S = 1`` for the GRU, 2 for the LSTM's
``(c, h)``). Newton step ``k`` on every rank:

1. evaluates the cell at the current iterate, ``f_t = f(s_{t-1}, x_t)`` and
   its Jacobian ``J_t``, with ``s_{-1}`` the previous rank's last iterate
   (the halo, one ``[B, S, H]`` message from rank ``r - 1``; ``h0`` on rank
   0), and the residual ``max |f_t - s_t| / (1 + |s_t|)`` — the same
   quantity as the single-device operator's — reduced to its maximum over
   all ranks, so every rank stops at the same step;
2. solves ``δ_t = J_t δ_{t-1} + r_t`` on its slice from zero by a scan of
   the affine maps ``(J_t, r_t)`` (log-depth, vectorised over the slice),
   whose last prefix is the slice's summary ``(Π J, δ_last)``;
3. gets the ``δ`` entering its slice from the linear carry
   (``runtime/distributed/LinearCarry.h``, any strategy): a per-channel
   decay for the GRU, a 2 x 2 matrix per channel for the LSTM;
4. updates ``s_t += (Π_{u≤t} J_u) δ_in + δ_t`` and exchanges the halo.

The single-device operator runs the whole solve in one compiled kernel
(projections, sweeps and stopping test fused), which has no place to stop
between the sweep and the carry, so the ranks evaluate the built-in cells
in numpy with the kernel's formulas (``compiler/SeqToTile/NewtonRNN.cpp``),
in its compute type, and a custom cell's ``step`` and ``jacobian`` on the
interpreter (``recur.interpreter``), as ``[B·T_r, H]`` tiles.
"""

from __future__ import annotations

import warnings

import numpy as np

from .distributed import _host_array
from .ops import newton as _newton


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _gru(prev, u, a, b):
    """(next [B,T,1,H], Jacobian [B,T,1,1,H]) of gru_diag."""
    h = prev[:, :, 0]
    z = _sigmoid(u[:, :, 0] + a[0] * h + b[0])
    r = _sigmoid(u[:, :, 1] + a[1] * h + b[1])
    c = np.tanh(u[:, :, 2] + a[2] * (r * h) + b[2])
    nxt = h + z * (c - h)
    dz = z * (1 - z) * a[0]
    dr = r * (1 - r) * a[1]
    dc = (1 - c * c) * a[2] * (r + h * dr)
    jac = (1 - z) + dz * (c - h) + z * dc
    return nxt[:, :, None], jac[:, :, None, None]


def _lstm(prev, u, a, b):
    """(next [B,T,2,H], Jacobian [B,T,2,2,H]) of lstm_diag, state (c, h)."""
    c, h = prev[:, :, 0], prev[:, :, 1]
    i, f, o = (_sigmoid(u[:, :, g] + a[g] * h + b[g]) for g in range(3))
    g = np.tanh(u[:, :, 3] + a[3] * h + b[3])
    c_next = f * c + i * g
    tc = np.tanh(c_next)
    h_next = o * tc
    dcdc = f
    dcdh = c * f * (1 - f) * a[1] + g * i * (1 - i) * a[0] + i * (1 - g * g) * a[3]
    out_slope = o * (1 - tc * tc)
    dhdc = out_slope * dcdc
    dhdh = o * (1 - o) * a[2] * tc + out_slope * dcdh
    nxt = np.stack([c_next, h_next], axis=2)
    jac = np.stack([np.stack([dcdc, dcdh], 2), np.stack([dhdc, dhdh], 2)], 2)
    return nxt, jac


def _custom(cell, compute):
    """A custom cell's (next, Jacobian) on the interpreter: its functions
    called on [B·T, H] tiles, the per-channel vectors broadcast to them."""
    from .interpreter import InterpreterBackend
    from .language import core
    from .language.semantic import Semantic

    element = core.float64 if compute == np.float64 else core.float32

    def call(fn, tiles):
        tile = core.block_type(element, list(tiles[0].shape))
        backend = InterpreterBackend((1, 1, 1), None, fn.__name__)
        with np.errstate(all="ignore"), core.use_semantic(Semantic(backend)):
            out = fn.fn(*(core.tensor(np.ascontiguousarray(t, compute), tile) for t in tiles))
        return np.asarray(out.handle, compute)

    def evaluate(prev, u, a, b):
        B, T, _, H = prev.shape
        rows = lambda x: np.broadcast_to(x, (B, T, H)).reshape(B * T, H)  # noqa: E731
        tiles = [rows(prev[:, :, 0])] + [rows(u[:, :, g]) for g in range(u.shape[2])]
        tiles += [rows(p) for p in b]
        nxt, jac = (call(fn, tiles).reshape(B, T, H) for fn in (cell.step, cell.jacobian))
        return nxt[:, :, None], jac[:, :, None, None]

    return evaluate


def _affine_scan(J, r):
    """Prefixes of the affine maps ``δ -> J_t δ + r_t`` along axis 1: ``(A_t,
    b_t)`` with ``δ_t = A_t δ_in + b_t`` (Hillis-Steele, log2 T steps)."""
    A, b = J.copy(), r.copy()
    length, shift = J.shape[1], 1
    while shift < length:
        later_A, earlier_A, earlier_b = A[:, shift:], A[:, :-shift], b[:, :-shift]
        b[:, shift:] = np.einsum("btijh,btjh->btih", later_A, earlier_b) + b[:, shift:]
        A[:, shift:] = np.einsum("btijh,btjkh->btikh", later_A, earlier_A)
        shift *= 2
    return A, b


def newton_rnn(sp, cell, x, params, h0, max_iters, tol):
    name = "newton_rnn"
    custom = isinstance(cell, _newton.Cell)
    labels, arrays, gates = _newton._parameters(cell, params, f"SequenceParallel.{name}")
    x = np.ascontiguousarray(_host_array(x, "x"))
    states = 2 if cell == "lstm_diag" else 1
    parts = None
    if h0 is not None:
        parts = list(h0) if states == 2 else [h0]
        parts = [np.asarray(_host_array(p, "h0")) for p in parts]
    description = (
        repr(cell) if custom else cell,
        x.ndim,
        x.shape[:1] + x.shape[2:],
        str(x.dtype),
        tuple((label, a.shape, str(a.dtype)) for label, a in zip(labels, arrays)),
        None if parts is None else tuple(p.shape for p in parts),
        max_iters,
        tol,
    )
    sp._agree(name, description)
    lengths = sp.comm.allgather(x.shape[1])
    if min(lengths) < 1:
        raise ValueError(
            f"SequenceParallel.{name}: every rank needs at least one step; slices " f"{lengths}"
        )
    if x.ndim != 3:
        raise ValueError(f"SequenceParallel.{name}: x must be [B, T_r, D], got {x.shape}")
    batch, length, inputs = x.shape
    hidden = arrays[0].shape[0]
    for label, array in zip(labels, arrays):
        expected = (hidden, inputs) if label.startswith("W_") else (hidden,)
        if array.shape != expected:
            raise ValueError(
                f"SequenceParallel.{name}: {label} must be {list(expected)}, got "
                f"{list(array.shape)}"
            )
    compute = np.float64 if x.dtype == np.float64 else np.float32
    from . import _C

    default_iters, default_tol = _C.ir.newton_rnn_defaults(compute == np.float64)
    max_iters = default_iters if max_iters is None else max_iters
    tol = default_tol if tol is None else tol
    if not isinstance(max_iters, int) or max_iters < 1:
        raise ValueError(
            f"SequenceParallel.{name}: max_iters must be a positive integer, got {max_iters!r}"
        )
    if not tol > 0:
        raise ValueError(f"SequenceParallel.{name}: tol must be positive, got {tol!r}")
    weights = [a.astype(compute) for a in arrays[:gates]]
    if custom:  # the vectors p_j, in order
        a, b = [], [v.astype(compute) for v in arrays[gates:]]
        evaluate = _custom(cell, compute)
    else:  # a_*, then b_*
        a = [v.astype(compute) for v in arrays[gates : 2 * gates]]
        b = [v.astype(compute) for v in arrays[2 * gates :]]
        evaluate = _lstm if states == 2 else _gru
    u = np.stack([x.astype(compute) @ w.T for w in weights], axis=2)  # [B, T, G, H]

    halo = np.zeros((batch, states, hidden), compute)
    for i, part in enumerate(parts or []):
        if part.shape != (batch, hidden):
            raise ValueError(
                f"SequenceParallel.{name}: h0 must be [B, H] = {[batch, hidden]}, got "
                f"{list(part.shape)}"
            )
        if sp.rank == 0:
            halo[:, i] = part
    first_halo = halo.copy()
    s = np.zeros((batch, length, states, hidden), compute)
    # The carry's layout: [N, H', K, V] with a decay per row (GRU: the
    # channels as rows) or a K x K matrix per (n, channel) (LSTM).
    if states == 1:
        to_state = lambda d: d[:, 0][:, None, :, None]  # noqa: E731
        from_state = lambda c: c[:, 0, :, 0][:, None]  # noqa: E731
        transition_bytes = batch * hidden * 4
    else:
        to_state = lambda d: d.transpose(0, 2, 1)[..., None]  # noqa: E731
        from_state = lambda c: c[..., 0].transpose(0, 2, 1)  # noqa: E731
        transition_bytes = batch * hidden * states * states * 4
    strategy = sp._strategy(name, batch * hidden * states * 4, transition_bytes)
    iterations = 0
    while True:
        prev = np.concatenate([halo[:, None], s[:, :-1]], axis=1)
        nxt, jac = evaluate(prev, u, a, b)
        r = nxt - s
        with np.errstate(invalid="ignore"):
            local = float(np.max(np.abs(r) / (1 + np.abs(s))))
        if np.isnan(local):
            local = np.inf
        residual = sp._transport.allreduce_max([local])[0]
        if not residual > tol or iterations >= max_iters:
            break
        A, d = _affine_scan(jac, r)
        if states == 1:
            decay, matrix = np.ascontiguousarray(A[:, -1, 0, 0][:, None], np.float32), None
        else:
            decay, matrix = None, np.ascontiguousarray(A[:, -1].transpose(0, 3, 1, 2), np.float32)
        incoming, _ = sp._distributed.carry_linear_state(
            sp._transport,
            np.ascontiguousarray(to_state(d[:, -1]), np.float32),
            decay,
            None,
            strategy,
            matrix,
            final=False,
        )
        entering = from_state(incoming).astype(compute)  # [B, S, H]
        s = s + np.einsum("btijh,bjh->btih", A, entering) + d
        iterations += 1
        halo = sp._distributed.shift(sp._transport, np.ascontiguousarray(s[:, -1]))
        if sp.rank == 0:
            halo = first_halo
    h = np.ascontiguousarray(s[:, :, states - 1]).astype(x.dtype)
    info = {"iterations": iterations, "converged": bool(residual <= tol), "residual": residual}
    if not info["converged"]:
        warnings.warn(
            f"SequenceParallel.{name}: Newton did not converge: residual {residual:.3g} > "
            f"tol {tol:.3g} after {iterations} iterations (max_iters = {max_iters})",
            RuntimeWarning,
            stacklevel=3,
        )
    return h, info
