"""Runs a kernel's Python function once per program on the interpreter backend."""

from __future__ import annotations

import inspect

import numpy as np

from ..language import core
from ..language.core import pointer_type, tensor
from ..language.semantic import Semantic
from .backend import InterpreterBackend, Memory, as_constexpr, language_dtype


def _as_array(value, name) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "__dlpack__"):
        return np.from_dlpack(value)
    raise TypeError(
        f"argument '{name}': expected an array (numpy or DLPack) for a pointer, got "
        f"{type(value).__name__}"
    )


def _argument_value(name, argument, memory: Memory):
    """The kernel-side value of one classified launch argument."""
    kind = argument[0]
    if kind == "pointer":
        array = _as_array(argument[1], name)
        buffer = memory.register(name, array)
        element = language_dtype(array.dtype)
        return lambda: tensor(np.array(buffer.address, np.int64), pointer_type(element))
    if kind == "int":
        _, value, ty = argument
        value = int(core._unwrap(value))
        if ty.is_bool():
            handle = np.array(bool(value))
        else:
            bits = ty.int_bitwidth
            value &= (1 << bits) - 1
            if ty.is_int_signed() and value >= 1 << (bits - 1):
                value -= 1 << bits
            handle = np.array(value, np.dtype(f"{'i' if ty.is_int_signed() else 'u'}{bits // 8}"))
        return lambda: tensor(handle.copy(), ty)
    if kind == "float":
        handle = np.array(float(core._unwrap(argument[1])), np.float32)
        return lambda: tensor(handle.copy(), core.float32)
    if kind == "constexpr":
        value = as_constexpr(core._unwrap(argument[1]))
        return lambda: value
    raise ValueError(f"argument '{name}': unknown argument kind {kind!r}")


def launch(fn, grid, arguments):
    """Interprets ``fn`` over ``grid``.

    ``fn``: the kernel's Python function; ``grid``: ``(gx, gy, gz)``;
    ``arguments``: parameter name -> ``("pointer", array)``,
    ``("int", value, dtype)``, ``("float", value)`` or ``("constexpr", value)``.
    Programs run one after the other, x fastest, then y, then z.
    """
    if not inspect.isfunction(fn) and hasattr(fn, "fn"):
        fn = fn.fn  # a JITFunction
    grid = tuple(int(core._unwrap(g)) for g in grid)
    if not 1 <= len(grid) <= 3:
        raise ValueError(f"the grid must have 1 to 3 dimensions, got {grid}")
    grid = grid + (1,) * (3 - len(grid))

    memory = Memory()
    makers = {name: _argument_value(name, argument, memory) for name, argument in arguments.items()}
    # Parameters left out take their defaults, as constexprs where they are
    # numbers (what the launcher would have passed).
    for name, parameter in inspect.signature(fn).parameters.items():
        if name not in makers and parameter.default is not parameter.empty:
            default = as_constexpr(parameter.default)
            makers[name] = lambda default=default: default

    backend = InterpreterBackend(grid, memory, getattr(fn, "__name__", "kernel"))
    semantic = Semantic(backend)
    gx, gy, gz = grid
    with np.errstate(all="ignore"), core.use_semantic(semantic):
        for z in range(gz):
            for y in range(gy):
                for x in range(gx):
                    backend.pid = (x, y, z)
                    fn(**{name: make() for name, make in makers.items()})
