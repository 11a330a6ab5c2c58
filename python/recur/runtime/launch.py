"""Launch arguments: classifying them for specialisation, converting them.

Arrays (numpy, or any DLPack producer on the CPU) become typed pointers;
Python ints become ``i32`` (``i64``/``u64`` when they do not fit), floats
``fp32`` and bools ``i1``, as in Triton.
"""

from __future__ import annotations

import numpy as np

from ..language import core

_NUMPY_TYPES = {
    np.dtype(np.bool_): "i1",
    np.dtype(np.int8): "i8",
    np.dtype(np.int16): "i16",
    np.dtype(np.int32): "i32",
    np.dtype(np.int64): "i64",
    np.dtype(np.uint8): "u8",
    np.dtype(np.uint16): "u16",
    np.dtype(np.uint32): "u32",
    np.dtype(np.uint64): "u64",
    np.dtype(np.float16): "fp16",
    np.dtype(np.float32): "fp32",
    np.dtype(np.float64): "fp64",
}
try:
    import ml_dtypes

    _NUMPY_TYPES[np.dtype(ml_dtypes.bfloat16)] = "bf16"
except ImportError:  # bfloat16 arrays then come only through DLPack
    pass

_NUMPY_POINTERS = {dtype: "*" + name for dtype, name in _NUMPY_TYPES.items()}


def as_array(value, name):
    """The numpy view of an array argument (no copy)."""
    if isinstance(value, np.ndarray):
        return value
    if hasattr(value, "__dlpack__"):
        try:
            return np.from_dlpack(value)
        except (BufferError, TypeError, RuntimeError) as error:
            raise ValueError(
                f"argument '{name}': cannot use this {type(value).__name__} on the CPU "
                f"through DLPack ({error})"
            ) from None
    raise TypeError(
        f"argument '{name}' must be an array (numpy or DLPack), an int or a float, got "
        f"{type(value).__name__}"
    )


def array_type(array, name) -> str:
    try:
        return "*" + _NUMPY_TYPES[array.dtype]
    except KeyError:
        raise TypeError(
            f"argument '{name}': arrays of dtype {array.dtype} are not supported"
        ) from None


def int_type(value: int, name) -> str:
    if -(2**31) <= value < 2**31:
        return "i32"
    if -(2**63) <= value < 2**63:
        return "i64"
    if 0 <= value < 2**64:
        return "u64"
    raise ValueError(f"argument '{name}': integer {value} does not fit in 64 bits")


def classify(value, name):
    """(type string, runtime value, specialisation flags) of one argument.

    Flags: 'one' for integers equal to 1, 'div16' for integers and
    addresses divisible by 16.
    """
    kind = type(value)
    if kind is np.ndarray:  # the common case first: launches are hot
        address = value.__array_interface__["data"][0]
        ty = _NUMPY_POINTERS.get(value.dtype)
        if ty is None:
            ty = array_type(value, name)
        return ty, address, "div16" if address % 16 == 0 else ""
    if kind is int:
        ty = int_type(value, name)
        if value == 1:
            return ty, value, "one"
        return ty, value, "div16" if value % 16 == 0 else ""
    if isinstance(value, bool):
        return "i1", int(value), ""
    if isinstance(value, int):
        ty = int_type(value, name)
        if value == 1:
            return ty, value, "one"
        return ty, value, "div16" if value % 16 == 0 else ""
    if isinstance(value, float):
        return "fp32", value, ""
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return classify(value.item(), name)
    if value is None:
        raise TypeError(f"argument '{name}' is None; pass an array or a number")
    if hasattr(value, "pointer_type"):  # a GPU address (runtime/cuda.py)
        address = value.address
        return value.pointer_type(name), address, "div16" if address % 16 == 0 else ""
    array = as_array(value, name)
    address = array.__array_interface__["data"][0]
    return array_type(array, name), address, "div16" if address % 16 == 0 else ""


def normalize_grid(grid, meta) -> tuple:
    if type(grid) is tuple and len(grid) == 3 and all(type(g) is int and g >= 0 for g in grid):
        return grid
    if callable(grid):
        grid = grid(meta)
    if isinstance(grid, int) or hasattr(grid, "__index__") and not isinstance(grid, (tuple, list)):
        grid = (grid,)
    grid = tuple(int(core._unwrap(g)) for g in grid)
    if not 1 <= len(grid) <= 3:
        raise ValueError(f"the grid must have 1 to 3 dimensions, got {grid}")
    for g in grid:
        if g < 0:
            raise ValueError(f"grid dimensions must be non-negative, got {grid}")
    return grid + (1,) * (3 - len(grid))


def launch_compiled(kernel, grid, args):
    """Runs a CompiledKernel from recur.compile on runtime arguments."""
    signature = kernel.metadata["signature"]
    names = list(signature)
    if len(args) != len(names):
        raise TypeError(
            f"{kernel.name} takes {len(names)} runtime arguments ({', '.join(names)}), "
            f"got {len(args)}"
        )
    values = []
    for name, value in zip(names, args):
        ty, converted, _ = classify(value, name)
        expected = signature[name]
        if ty != expected and not (
            ty.startswith("i") and expected[0] in "iu" and not ty.startswith("*")
        ):
            raise TypeError(f"argument '{name}': expected {expected}, got {ty}")
        values.append(converted)
    gx, gy, gz = normalize_grid(grid, dict(zip(names, args)))
    kernel.launcher(gx, gy, gz, *values)
