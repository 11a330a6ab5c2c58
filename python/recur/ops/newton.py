"""Nonlinear RNNs solved over the whole sequence by Newton's method (ParaRNN).

``h_t = f(h_{t-1}, x_t)`` for every ``t`` is one nonlinear system. Each
Newton step linearises the cell around the current guess and solves the
linear recurrence ``δh_t = J_t δh_{t-1} + r_t`` with a chunked scan, so the
whole sequence advances at once instead of step by step. The cells have
diagonal (GRU) or 2x2 block-diagonal (LSTM) Jacobians, which keeps each
channel independent once the input projections ``W x_t`` are known.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _arrays, _kernels

_BUILTIN_GATES = {"gru_diag": ("z", "r", "c"), "lstm_diag": ("i", "f", "o", "c")}
_CHANNEL_BLOCK = 16  # channels per program for the built-in cells


class Cell:
    """A user-defined diagonal cell for :func:`newton_rnn`.

    ``step`` and ``jacobian`` are ``@recur.jit`` functions called
    elementwise on tiles: ``step(h, u_0, ..., u_{G-1}, p_0, ..., p_{P-1})``
    returns the next state and ``jacobian(...)`` (same arguments) its
    derivative by ``h``. ``u_g = W_g x_t`` are the input projections by the
    first ``gates`` parameters (``[H, D]``); the remaining parameters are
    per-channel vectors ``p_j`` (``[H]``).
    """

    def __init__(self, step, jacobian, gates: int):
        from ..runtime.jit import JITFunction

        for label, fn in (("step", step), ("jacobian", jacobian)):
            if not isinstance(fn, JITFunction):
                raise TypeError(f"Cell: {label} must be a @recur.jit function, got {fn!r}")
        if not isinstance(gates, int) or gates < 1:
            raise ValueError(f"Cell: gates must be a positive integer, got {gates!r}")
        self.step, self.jacobian, self.gates = step, jacobian, gates

    def __repr__(self):
        return f"Cell(step={self.step.__name__}, jacobian={self.jacobian.__name__}, gates={self.gates})"


def _parameters(cell, params, name):
    """The parameter arrays in the seq op's order, and the number of gates."""
    if isinstance(cell, Cell):
        if isinstance(params, dict):
            raise ValueError(f"{name}: a custom cell takes its parameters as a sequence, in order")
        labels = [f"W_{g}" for g in range(cell.gates)]
        labels += [f"p_{j}" for j in range(len(params) - cell.gates)]
        values = list(params)
        gates = cell.gates
        if len(values) < gates:
            raise ValueError(f"{name}: the cell has {gates} gates but got {len(values)} parameters")
    elif cell in _BUILTIN_GATES:
        kinds = _BUILTIN_GATES[cell]
        labels = [f"{kind}_{gate}" for kind in "Wab" for gate in kinds]
        if isinstance(params, dict):
            missing = [label for label in labels if label not in params]
            extra = sorted(set(params) - set(labels))
            if missing or extra:
                raise ValueError(
                    f"{name}: cell '{cell}' takes parameters {labels}; missing {missing}, "
                    f"unexpected {extra}"
                )
            values = [params[label] for label in labels]
        else:
            values = list(params)
            if len(values) != len(labels):
                raise ValueError(
                    f"{name}: cell '{cell}' takes {len(labels)} parameters {labels}, "
                    f"got {len(values)}"
                )
        gates = len(kinds)
    else:
        raise ValueError(
            f"{name}: unknown cell {cell!r}; cells are 'gru_diag', 'lstm_diag' and "
            "recur.ops.Cell objects"
        )
    arrays = [_arrays.operand(v, label) for label, v in zip(labels, values)]
    return labels, arrays, gates


def _with_cell_functions(cell, num_params, operator_function, chunk, width, compute):
    """The operator function's module with the cell's step and Jacobian as
    tile.funcs on [chunk, width] tiles (``@cell_step``, ``@cell_jacobian``)."""
    from .. import _C
    from ..compiler.code_generator import CodeGenerator, ModuleState
    from ..language import core

    state = ModuleState(_C.ir)
    tile = core.block_type(core.float64 if compute == "f64" else core.float32, [chunk, width])
    for symbol, fn in (("cell_step", cell.step), ("cell_jacobian", cell.jacobian)):
        what = f"newton_rnn: the cell's {fn.__name__}"
        if fn.constexpr_names:
            raise ValueError(f"{what} cannot have constexpr parameters")
        if len(fn.arg_names) != 1 + num_params:
            raise ValueError(
                f"{what} takes {len(fn.arg_names)} arguments; it must take {1 + num_params}: "
                f"h, {cell.gates} projection(s) and {num_params - cell.gates} vector(s)"
            )
        generator = CodeGenerator(state, fn, {n: tile for n in fn.arg_names}, {}, symbol, False)
        generator.generate()
        returned = [t.mlir() for t in generator.return_types]
        if returned != [tile.mlir()]:
            raise ValueError(
                f"{what} must return one {tile.mlir()} (elementwise in its arguments), "
                f"returns {returned or 'nothing'}"
            )
    state.module.append_text(operator_function)
    return state.module.to_text(debug_info=True)


def _quietly(fn, *args):
    """``fn(*args)`` without its warnings (timing runs repeat the real call's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def newton_rnn(cell, x, params, h0=None, max_iters=None, tol=None, chunk_size=None):
    """Solves ``h_t = f(h_{t-1}, x_t)`` for all ``t`` by Newton iterations.

    ``cell``: ``"gru_diag"``, ``"lstm_diag"`` or a :class:`Cell`; ``x``:
    ``[B, T, D]``; ``params``: a dict by name (built-in cells) or a sequence
    in order; ``h0``: ``[B, H]`` (LSTM: a ``(c0, h0)`` pair), zeros when
    omitted. Returns ``(h [B, T, H], info)`` with ``info = {"iterations",
    "converged", "residual"}``: ``residual`` is ``max |f(h_{t-1}, x_t) -
    h_t|`` of the returned ``h``. Warns when ``tol`` was not reached within
    ``max_iters`` Newton steps.
    """
    from .. import _C

    name = "newton_rnn"
    labels, arrays, gates = _parameters(cell, params, name)
    x = _arrays.operand(x, "x")
    if x.ndim != 3:
        raise ValueError(f"{name}: x must be [B, T, D], got shape {list(x.shape)}")
    batch, length, inputs = x.shape
    element = _kernels.element_type(x, name)
    if not arrays[0].ndim == 2:
        raise ValueError(f"{name}: {labels[0]} must be [H, D], got shape {list(arrays[0].shape)}")
    hidden = arrays[0].shape[0]
    for label, array in zip(labels, arrays):
        expected = (hidden, inputs) if label.startswith("W_") else (hidden,)
        if array.shape != expected:
            raise ValueError(
                f"{name}: {label} must be {list(expected)} (H = {hidden}, D = {inputs}), "
                f"got {list(array.shape)}"
            )
        _kernels.element_type(array, name)
    compute = "f64" if element == "f64" else "f32"
    compute_dtype = np.float64 if compute == "f64" else np.float32
    states = 2 if cell == "lstm_diag" else 1
    initial = None
    if h0 is not None:
        if states == 2:
            if not isinstance(h0, (tuple, list)) or len(h0) != 2:
                raise ValueError(f"{name}: h0 of 'lstm_diag' must be a (c0, h0) pair")
            parts = [_arrays.host(v, label) for label, v in zip(("c0", "h0"), h0)]
        else:
            parts = [_arrays.host(h0, "h0")]
        for label, part in zip(("c0", "h0") if states == 2 else ("h0",), parts):
            if part.shape != (batch, hidden):
                raise ValueError(
                    f"{name}: {label} must be [B, H] = {[batch, hidden]}, got {list(part.shape)}"
                )
        initial = np.ascontiguousarray(np.stack(parts, axis=1) if states == 2 else parts[0])
        initial = initial.astype(compute_dtype, copy=False)
    default_iters, default_tol = _C.ir.newton_rnn_defaults(compute == "f64")
    max_iters = default_iters if max_iters is None else max_iters
    tol = default_tol if tol is None else tol
    if not isinstance(max_iters, int) or max_iters < 1:
        raise ValueError(f"{name}: max_iters must be a positive integer, got {max_iters!r}")
    if not tol > 0:
        raise ValueError(f"{name}: tol must be positive, got {tol!r}")
    _kernels.check_size(name, "chunk_size", chunk_size)

    h = _arrays.empty((batch, length, hidden), x.dtype, like=x)
    if batch == 0 or length == 0:
        return _arrays.result(h), {"iterations": 0, "converged": True, "residual": 0.0}

    custom = isinstance(cell, Cell)
    elements = {"x": element}
    elements.update({f"p{i}": _kernels.element_type(a, name) for i, a in enumerate(arrays)})
    if initial is not None:
        elements["h0"] = compute
    width = min(1 << (hidden - 1).bit_length(), _CHANNEL_BLOCK)
    source = _kernels.operator_source(
        "newton_rnn",
        "custom" if custom else cell,
        inputs,
        hidden,
        gates=gates if custom else 0,
        vectors=len(arrays) - gates if custom else 0,
        element=element,
        elements=elements,
        h0=initial is not None,
        max_iters=max_iters,
        tol=float(tol),
        step="cell_step" if custom else "",
        jacobian="cell_jacobian" if custom else "",
    )
    chunk_size = _kernels.resolve_size(
        name,
        chunk_size,
        source + (f"{cell.step.cache_key}{cell.jacobian.cache_key}" if custom else ""),
        length,
        batch * hidden,
        lambda size: _quietly(newton_rnn, cell, x, params, h0, max_iters, tol, size),
    )
    if custom:
        source = _with_cell_functions(cell, len(arrays), source, chunk_size, width, compute)
    kernel = _kernels.get_kernel(name, source, chunk_size)

    iterations = np.zeros((), np.int32)
    residual = np.zeros((), compute_dtype)
    workspace = _arrays.empty(batch * length * (gates + 2 * states) * hidden, compute_dtype, x)
    inputs_ = [x, *arrays] + ([initial] if initial is not None else [])
    grid = (-(-hidden // width), batch)
    kernel(grid, inputs_, [h, iterations, residual], length, scratch=[workspace])

    info = {
        "iterations": int(iterations),
        "converged": bool(residual <= tol),
        "residual": float(residual),
    }
    if not info["converged"]:
        warnings.warn(
            f"{name}: Newton did not converge: residual {info['residual']:.3g} > tol {tol:.3g} "
            f"after {info['iterations']} iterations (max_iters = {max_iters})",
            RuntimeWarning,
            stacklevel=2,
        )
    return _arrays.result(h), info
