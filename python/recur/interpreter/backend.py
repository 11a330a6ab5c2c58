"""The interpreting backend of the language: every primitive computes in numpy.

``recur.language.semantic.Semantic`` applies the typing rules and calls the
methods below with operands of one shape and one type; handles are numpy
arrays (0-d for scalars). Pointers are int64 addresses; what they point to
is known from the tensor types. Memory is reached only through ``Memory``,
the registry of the launch's argument buffers, so that an address outside
every buffer raises ``IndexError`` instead of reading garbage.

The arithmetic follows what the compiled path (tile IR -> arith/math ->
LLVM) computes: integers wrap, ``//`` and ``%`` truncate toward zero,
float ``max``/``min`` propagate NaN and order -0.0 below +0.0, bf16 rounds
to nearest even after every operation, reductions and scans fold in index
order, ``dot`` accumulates ``acc + a[:, k] * b[k, :]`` for k in order.
"""

from __future__ import annotations

import inspect
import math
import numbers
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..language import core
from ..language.core import block_type, constexpr, tensor
from ..language.semantic import SemanticError

try:
    import ml_dtypes

    _BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - ml_dtypes is a dependency
    ml_dtypes = None
    _BF16 = None

_NUMPY_DTYPES = {
    "int1": np.dtype(np.bool_),
    "int8": np.dtype(np.int8),
    "int16": np.dtype(np.int16),
    "int32": np.dtype(np.int32),
    "int64": np.dtype(np.int64),
    "uint8": np.dtype(np.uint8),
    "uint16": np.dtype(np.uint16),
    "uint32": np.dtype(np.uint32),
    "uint64": np.dtype(np.uint64),
    "fp16": np.dtype(np.float16),
    "fp32": np.dtype(np.float32),
    "fp64": np.dtype(np.float64),
}
if _BF16 is not None:
    _NUMPY_DTYPES["bf16"] = _BF16

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_I64 = np.dtype(np.int64)
_U8 = np.dtype(np.uint8)


def numpy_dtype(ty) -> np.dtype:
    """The numpy dtype of a language type's elements (pointers: int64)."""
    scalar = ty.scalar
    if scalar.is_ptr():
        return _I64
    try:
        return _NUMPY_DTYPES[scalar.name]
    except KeyError:
        raise TypeError(f"{scalar!r} needs the ml_dtypes package in the interpreter") from None


def language_dtype(np_dtype) -> core.dtype:
    """The language dtype of a numpy dtype (the element of an array argument)."""
    np_dtype = np.dtype(np_dtype)
    for name, candidate in _NUMPY_DTYPES.items():
        if candidate == np_dtype:
            return core.dtype(name)
    raise TypeError(f"arrays of dtype {np_dtype} are not supported")


def _out(x, dt) -> np.ndarray:
    """``x`` as an ndarray of dtype ``dt`` (ufuncs on 0-d arrays give scalars)."""
    x = np.asarray(x)
    if x.dtype != dt:
        x = x.astype(dt)
    return x


def _signed(dt: np.dtype) -> np.dtype:
    return np.dtype(f"i{dt.itemsize}")


def _unsigned(dt: np.dtype) -> np.dtype:
    return np.dtype(f"u{dt.itemsize}")


def _is_half(dt: np.dtype) -> bool:
    return dt == np.float16 or dt == _BF16


# --------------------------------------------------------------------------
# Rounding
# --------------------------------------------------------------------------


def _round_to_odd_f32(x: np.ndarray) -> np.ndarray:
    """float64 -> float32 rounded to odd: truncate, then set the last bit if
    inexact. Rounding that to any format of at most 22 significant bits
    (bf16, fp16) gives the correctly rounded result, without the double
    rounding of going through a nearest-even float32."""
    x = np.asarray(x, _F64)
    t = x.astype(_F32)
    wide = t.astype(_F64)
    t = np.where(np.abs(wide) > np.abs(x), np.nextafter(t, np.float32(0)), t).astype(_F32)
    inexact = t.astype(_F64) != x  # NaN too, which stays a NaN
    return (t.view(np.uint32) | inexact.astype(np.uint32)).view(_F32)


def to_bf16(x) -> np.ndarray:
    """Round to bfloat16, nearest even, from any float or integer array."""
    x = np.asarray(x)
    if x.dtype == _BF16:
        return x
    if x.dtype in (_F32, np.dtype(np.float16)):
        return x.astype(_BF16)  # ml_dtypes rounds float32 to nearest even
    return _round_to_odd_f32(x.astype(_F64)).astype(_BF16)


def _to_float(x, dt: np.dtype) -> np.ndarray:
    """Round ``x`` (float64 or narrower) to the float dtype ``dt``."""
    if dt == _BF16:
        return to_bf16(x)
    return np.asarray(x).astype(dt)


# --------------------------------------------------------------------------
# Arithmetic kernels
# --------------------------------------------------------------------------


def _float_max_min(op, a, b):
    """arith.maximumf / minimumf: NaN propagates, -0.0 < +0.0."""
    result = np.maximum(a, b) if op == "max" else np.minimum(a, b)
    zeros = (a == 0) & (b == 0)
    if np.any(zeros):
        a_negative = np.signbit(a)
        if op == "max":
            fixed = np.where(a_negative, b, a)
        else:
            fixed = np.where(a_negative, a, b)
        result = np.where(zeros, fixed, result)
    return result


def _float_binary(op, a, b, dt):
    if op == "add":
        r = np.add(a, b)
    elif op == "sub":
        r = np.subtract(a, b)
    elif op == "mul":
        r = np.multiply(a, b)
    elif op == "div":
        r = np.true_divide(a, b)
    elif op == "mod":
        # C fmod is exact, so computing it wider and narrowing loses nothing.
        if _is_half(dt):
            r = np.fmod(a.astype(_F32), b.astype(_F32))
        else:
            r = np.fmod(a, b)
    elif op in ("max", "min"):
        r = _float_max_min(op, a, b)
    else:
        raise SemanticError(f"operator '{op}' is not defined on floating-point values")
    r = np.asarray(r)
    return _out(r if r.dtype == dt else _to_float(r, dt), dt)


def _int_binary(op, a, b, dt, signed):
    if op == "add":
        r = np.add(a, b)
    elif op == "sub":
        r = np.subtract(a, b)
    elif op == "mul":
        r = np.multiply(a, b)
    elif op == "floordiv":
        # C division: truncates toward zero. x / 0 gives 0 (undefined in C).
        q = np.floor_divide(a, b)
        if signed:
            rem = np.fmod(a, b)
            q = q + ((rem != 0) & ((a < 0) != (b < 0))).astype(dt)
        r = q
    elif op == "mod":
        # C remainder: the sign of the dividend.
        r = np.fmod(a, b) if signed else np.remainder(a, b)
    elif op == "and":
        r = np.bitwise_and(a, b)
    elif op == "or":
        r = np.bitwise_or(a, b)
    elif op == "xor":
        r = np.bitwise_xor(a, b)
    elif op == "shl":
        r = np.left_shift(a, b)
    elif op == "shr":
        # Arithmetic for signed types, logical for unsigned: numpy's rules.
        r = np.right_shift(a, b)
    elif op == "max":
        r = np.maximum(a, b)
    elif op == "min":
        r = np.minimum(a, b)
    elif op == "div":
        return _out(np.true_divide(a, b), _F32)
    else:
        raise SemanticError(f"operator '{op}' is not defined on integers")
    return _out(r, dt)


def binary_op(op, a, b, scalar) -> np.ndarray:
    dt = numpy_dtype(scalar)
    a, b = np.asarray(a), np.asarray(b)
    if scalar.is_floating():
        if op == "floordiv":
            raise SemanticError("'//' needs integer operands")
        return _float_binary(op, a, b, dt)
    if scalar.is_bool():
        if op in ("and", "or", "xor"):
            return _int_binary(op, a, b, dt, False)
        # i1 arithmetic wraps modulo 2 (add is xor, mul is and).
        r = _int_binary(op, a.astype(_U8), b.astype(_U8), _U8, False)
        return _out(np.bitwise_and(r, np.uint8(1)), dt)
    return _int_binary(op, a, b, dt, scalar.is_int_signed())


_vector_erf = np.vectorize(math.erf, otypes=[np.float64])

_TRANSCENDENTAL = {
    "exp": np.exp,
    "exp2": np.exp2,
    "log": np.log,
    "log2": np.log2,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
    "erf": lambda x: _vector_erf(x) if x.size else x.copy(),
}


def _fma_exact(x, y, z):
    """x * y + z rounded once, for float64 operands (exact rational arithmetic)."""
    x, y, z = np.broadcast_arrays(np.asarray(x, _F64), np.asarray(y, _F64), np.asarray(z, _F64))
    out = np.empty(x.shape, _F64)
    for index in np.ndindex(x.shape):
        a, b, c = float(x[index]), float(y[index]), float(z[index])
        if math.isfinite(a) and math.isfinite(b) and math.isfinite(c):
            try:
                out[index] = float(Fraction(a) * Fraction(b) + Fraction(c))
            except OverflowError:
                out[index] = a * b + c
        else:
            out[index] = a * b + c
    return out


def _fma_narrow(x, y, z, dt):
    """x * y + z rounded once, for float32 and narrower: the product is exact
    in float64, the sum is rounded to odd there, and the final rounding to
    ``dt`` (nearest even) is then correct."""
    x, y, z = (np.asarray(v).astype(_F64) for v in (x, y, z))
    p = x * y
    s = p + z
    # TwoSum: the exact error of s.
    bp = s - z
    bz = s - bp
    err = (p - bp) + (z - bz)
    inexact = (err != 0) & np.isfinite(s)
    odd = (s.view(np.uint64) & np.uint64(1)).astype(bool)
    s = np.where(inexact & ~odd, np.nextafter(s, np.where(err > 0, np.inf, -np.inf)), s)
    if dt == _BF16:
        return to_bf16(s)
    return s.astype(dt)


# --------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------


class _RawMemory:
    """An __array_interface__ over the bytes [address, address + size)."""

    def __init__(self, address, size, readonly, owner):
        self.__array_interface__ = {
            "data": (address, readonly),
            "shape": (size,),
            "typestr": "|u1",
            "version": 3,
        }
        self.owner = owner  # keeps the memory alive


class Buffer:
    """One array argument: the byte range it spans and a byte view of it."""

    def __init__(self, name, array: np.ndarray):
        self.name = name
        self.array = array
        self.element = language_dtype(array.dtype)
        address = array.__array_interface__["data"][0]
        itemsize = array.dtype.itemsize
        if array.size == 0:
            low = high = 0
        else:
            low = sum(min(0, (d - 1) * s) for d, s in zip(array.shape, array.strides))
            high = sum(max(0, (d - 1) * s) for d, s in zip(array.shape, array.strides))
            high += itemsize
        self.address = address  # where the argument's pointer points
        self.start = address + low
        self.end = address + high
        self.writeable = bool(array.flags.writeable)
        size = self.end - self.start
        if size:
            self.bytes = np.asarray(_RawMemory(self.start, size, not self.writeable, array))
        else:
            self.bytes = np.zeros(0, _U8)
        self._typed = {}

    @property
    def size(self) -> int:
        return self.end - self.start

    def typed(self, dt: np.dtype) -> np.ndarray:
        """The buffer's bytes as elements of ``dt`` starting at its first byte."""
        view = self._typed.get(dt)
        if view is None:
            n = self.size // dt.itemsize
            view = self._typed[dt] = self.bytes[: n * dt.itemsize].view(dt)
        return view

    def read(self, offsets: np.ndarray, dt: np.dtype) -> np.ndarray:
        if np.all(offsets % dt.itemsize == 0):
            return self.typed(dt)[offsets // dt.itemsize]
        lanes = offsets[:, None] + np.arange(dt.itemsize)
        return np.ascontiguousarray(self.bytes[lanes]).view(dt).reshape(-1)

    def write(self, offsets: np.ndarray, values: np.ndarray, dt: np.dtype):
        values = np.ascontiguousarray(values, dtype=dt)
        if np.all(offsets % dt.itemsize == 0):
            self.typed(dt)[offsets // dt.itemsize] = values
            return
        lanes = offsets[:, None] + np.arange(dt.itemsize)
        self.bytes[lanes] = values.view(_U8).reshape(-1, dt.itemsize)


class Memory:
    """The registry of a launch's argument buffers, by address range."""

    def __init__(self):
        self.buffers: list[Buffer] = []

    def register(self, name, array: np.ndarray) -> Buffer:
        buffer = Buffer(name, array)
        self.buffers.append(buffer)
        return buffer

    def _locate(self, addresses, itemsize, write):
        """Index into ``self.buffers`` of each address (-1: none, -2: read-only)."""
        which = np.full(addresses.shape, -1, np.int64)
        for i, buffer in enumerate(self.buffers):
            inside = (addresses >= buffer.start) & (addresses <= buffer.end - itemsize)
            if write and not buffer.writeable:
                which[inside & (which == -1)] = -2
                continue
            which[inside & (which < 0)] = i
            if i == 0 and np.all(inside):
                break
        return which

    def _describe(self, address, itemsize):
        """Where ``address`` lies relative to the nearest buffer."""
        if not self.buffers:
            return f"address {address:#x}, and no array was passed to the kernel"

        def distance(buffer):
            if address < buffer.start:
                return buffer.start - address
            return max(0, address + itemsize - buffer.end)

        buffer = min(self.buffers, key=distance)
        offset = address - buffer.address
        element = buffer.array.dtype.itemsize
        where = (
            f"{buffer.start - address} bytes before its start"
            if address < buffer.start
            else f"{address + itemsize - buffer.end} bytes past its end"
        )
        if offset % element == 0:
            index = f"element {offset // element}"
        else:
            index = "not on an element boundary"
        return (
            f"address {address:#x} is at byte offset {offset} ({index}) of argument "
            f"'{buffer.name}', a buffer of {buffer.array.size} {buffer.element.to_str()} elements "
            f"({buffer.size} bytes): {where}"
        )

    def _check(self, which, addresses, lanes, shape, itemsize, op, pid):
        bad = np.nonzero(which < 0)[0]
        if bad.size == 0:
            return
        first = bad[0]
        lane = tuple(int(i) for i in np.unravel_index(int(lanes[first]), shape)) if shape else ()
        where = f"program ({pid[0]}, {pid[1]}, {pid[2]})"
        lane_text = f", lane {lane}" if shape else ""
        address = int(addresses[first])
        count = f" (and {bad.size - 1} more lanes)" if bad.size > 1 else ""
        if which[first] == -2:
            buffer = next(b for b in self.buffers if b.start <= address <= b.end - itemsize)
            raise ValueError(
                f"{op} in {where}{lane_text}: argument '{buffer.name}' is a read-only array"
            )
        raise IndexError(
            f"{op} out of bounds in {where}{lane_text}: "
            f"{self._describe(address, itemsize)}{count}"
        )

    def read(self, addresses, lanes, shape, dt, op, pid):
        which = self._locate(addresses, dt.itemsize, write=False)
        self._check(which, addresses, lanes, shape, dt.itemsize, op, pid)
        out = np.empty(addresses.shape, dt)
        for i in np.unique(which):
            sel = which == i
            buffer = self.buffers[i]
            out[sel] = buffer.read(addresses[sel] - buffer.start, dt)
        return out

    def check_write(self, addresses, lanes, shape, dt, op, pid):
        which = self._locate(addresses, dt.itemsize, write=True)
        self._check(which, addresses, lanes, shape, dt.itemsize, op, pid)
        return which

    def write(self, addresses, which, values, dt):
        for i in np.unique(which):
            sel = which == i
            buffer = self.buffers[i]
            buffer.write(addresses[sel] - buffer.start, values[sel], dt)


# --------------------------------------------------------------------------
# The backend
# --------------------------------------------------------------------------

_RECUR_DIRS = tuple(
    str(Path(__file__).resolve().parent.parent / d) for d in ("language", "interpreter", "runtime")
)


def _user_location() -> str:
    """file:line of the innermost frame outside the recur package."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        try:
            resolved = str(Path(filename).resolve())
        except (OSError, ValueError):
            resolved = filename
        if not resolved.startswith(_RECUR_DIRS):
            return f"{filename}:{frame.f_lineno}"
        frame = frame.f_back
    return ""


def _combine_function(region):
    """The user's combine function behind a Semantic region, if recognisable."""
    fn = getattr(region, "combine_fn", None)
    if fn is None:
        try:
            cells = dict(zip(region.__code__.co_freevars, region.__closure__ or ()))
            fn = cells["combine_fn"].cell_contents
        except (AttributeError, KeyError, ValueError):
            return None
    return core._unwrap(fn)


def _format_float(value: float) -> str:
    if math.isnan(value):
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    return f"{value:.9g}"


class InterpreterBackend:
    """Primitive operations on numpy arrays for one launch."""

    #: Recognise rl.sum / rl.max / rl.min / rl.cumsum combine functions and
    #: compute them with numpy in the same order (False: always call them).
    fast_paths = True

    def __init__(self, grid=(1, 1, 1), memory: Memory | None = None, kernel_name="kernel"):
        self.grid = tuple(int(g) for g in grid)
        self.pid = (0, 0, 0)
        self.memory = memory if memory is not None else Memory()
        self.kernel_name = kernel_name
        self._signatures = {}

    # ------------------------------------------------------------------
    # Values and shapes
    # ------------------------------------------------------------------

    def constant(self, value, ty):
        value = core._unwrap(value)
        dt = numpy_dtype(ty)
        scalar = ty.scalar
        if scalar.is_floating():
            value = float(value)
            if scalar.is_bf16():
                return to_bf16(np.array(value, _F64))
            return np.array(value, _F64).astype(dt)
        if scalar.is_ptr():
            return np.array(int(value), _I64)
        bits = scalar.int_bitwidth
        value = int(value) & ((1 << bits) - 1)
        if scalar.is_bool():
            return np.array(bool(value))
        if scalar.is_int_signed() and value >= 1 << (bits - 1):
            value -= 1 << bits
        return np.array(value, dt)

    def splat(self, handle, ty):
        return np.broadcast_to(np.asarray(handle), ty.shape)

    def broadcast(self, handle, ty):
        return np.broadcast_to(handle, ty.shape)

    def expand_dims(self, handle, axis, ty):
        return np.expand_dims(handle, axis)

    def reshape(self, handle, ty):
        return np.reshape(handle, ty.shape)

    def trans(self, handle, order, ty):
        return np.transpose(handle, order)

    # ------------------------------------------------------------------
    # Arithmetic
    # ------------------------------------------------------------------

    def binary(self, op, lhs, rhs, ty):
        return binary_op(op, lhs, rhs, ty.scalar)

    def unary(self, op, handle, ty):
        scalar = ty.scalar
        dt = numpy_dtype(scalar)
        x = np.asarray(handle)
        if not scalar.is_floating():
            if op == "abs":
                return _out(np.abs(x), dt)
            if op == "neg":
                return binary_op("sub", np.zeros_like(x), x, scalar)
            raise SemanticError(f"{op} is not defined on {scalar}")
        if op == "neg":
            return _out(np.negative(x), dt)
        if op == "abs":
            return _out(np.abs(x), dt)
        # Transcendentals: Semantic already widens fp16/bf16 to fp32; do the
        # same here for any other caller.
        if _is_half(dt):
            return _to_float(self.unary(op, x.astype(_F32), core.float32), dt)
        if op in _TRANSCENDENTAL:
            # In float64, then rounded: nearly always the correctly rounded
            # result, as libm's float functions (which the compiled path
            # calls) give.
            wide = x.astype(_F64) if dt != _F64 else x
            r = _TRANSCENDENTAL[op](wide)
            return _out(r, dt)
        if op == "sqrt":
            r = np.sqrt(x)
        elif op == "rsqrt":
            # math.rsqrt lowers to 1 / sqrt(x), two roundings.
            r = np.divide(dt.type(1), np.sqrt(x))
        elif op == "floor":
            r = np.floor(x)
        elif op == "ceil":
            r = np.ceil(x)
        else:
            raise SemanticError(f"unknown unary operation '{op}'")
        return _out(r, dt)

    def fma(self, x, y, z, ty):
        dt = numpy_dtype(ty)
        if dt == _F64:
            return _out(_fma_exact(x, y, z), dt)
        return _out(_fma_narrow(x, y, z, dt), dt)

    def select(self, condition, x, y, ty):
        return _out(np.where(condition, x, y), numpy_dtype(ty))

    def compare(self, pred, lhs, rhs, ty):
        lhs, rhs = np.asarray(lhs), np.asarray(rhs)
        if pred == "lt":
            r = lhs < rhs
        elif pred == "le":
            r = lhs <= rhs
        elif pred == "gt":
            r = lhs > rhs
        elif pred == "ge":
            r = lhs >= rhs
        elif pred == "eq":
            r = lhs == rhs
        elif pred == "ne":
            r = lhs != rhs  # unordered on floats: NaN != x holds
        else:
            raise SemanticError(f"unknown comparison '{pred}'")
        return _out(r, np.dtype(np.bool_))

    def cast(self, handle, src_ty, dst_ty):
        src, dst = src_ty.scalar, dst_ty.scalar
        x = np.asarray(handle)
        dt = numpy_dtype(dst)
        if dst.is_bool():
            return _out(x != 0, dt)
        if src.is_floating() and dst.is_floating():
            if src.is_bf16():
                x = x.astype(_F32)  # exact
            return _out(_to_float(x, dt), dt)
        if src.is_floating():
            # Truncation toward zero (fptosi / fptoui).
            wide = np.trunc(x.astype(_F64) if _is_half(x.dtype) else x)
            return _out(wide.astype(dt), dt)
        if dst.is_floating():
            # sitofp / uitofp, by the source's signedness (numpy's dtypes).
            if dst.is_bf16():
                return to_bf16(x.astype(_F64))
            return _out(x.astype(dt), dt)
        # Integer to integer: truncation, or sign/zero extension by the
        # source's signedness; a signedness change keeps the bits.
        return _out(x.astype(dt), dt)

    def bitcast(self, handle, src_ty, dst_ty):
        dt = numpy_dtype(dst_ty)
        x = np.asarray(handle)
        if x.dtype == dt:
            return x
        return x.view(dt)

    # ------------------------------------------------------------------
    # Programs
    # ------------------------------------------------------------------

    def program_id(self, axis):
        return np.array(self.pid[axis], np.int32)

    def num_programs(self, axis):
        return np.array(self.grid[axis], np.int32)

    def arange(self, start, end, ty):
        return np.arange(start, end, dtype=np.int32)

    # ------------------------------------------------------------------
    # Memory
    # ------------------------------------------------------------------

    def addptr(self, ptr, offset, ptr_ty, offset_ty):
        element = ptr_ty.scalar.element_ty
        size = numpy_dtype(element).itemsize
        offset = np.asarray(offset)
        if offset.dtype == np.bool_:
            offset = offset.astype(_I64)
        else:
            # Offsets are signed element counts, whatever their signedness.
            offset = offset.view(_signed(offset.dtype)).astype(_I64)
        return _out(np.asarray(ptr, _I64) + offset * np.int64(size), _I64)

    def _lanes(self, ptr, mask):
        """Flat addresses, the flat indices of the active lanes, and the shape."""
        ptr = np.asarray(ptr, _I64)
        shape = ptr.shape
        flat = ptr.reshape(-1)
        if mask is None:
            lanes = np.arange(flat.size)
        else:
            lanes = np.flatnonzero(np.broadcast_to(np.asarray(mask), shape))
        return flat, lanes, shape

    def load(self, ptr, mask, other, ty, cache, evict, volatile):
        element = ty.scalar
        dt = numpy_dtype(element)
        flat, lanes, shape = self._lanes(ptr, mask)
        if other is not None:
            out = np.array(np.broadcast_to(np.asarray(other, dt), shape)).reshape(-1)
        else:
            out = np.zeros(flat.size, dt)
        if lanes.size:
            memory_dt = _U8 if element.is_bool() else dt
            values = self.memory.read(flat[lanes], lanes, shape, memory_dt, "load", self.pid)
            out[lanes] = values != 0 if element.is_bool() else values
        return out.reshape(shape)

    def store(self, ptr, value, mask, ptr_ty, cache, evict):
        element = ptr_ty.scalar.element_ty
        dt = numpy_dtype(element)
        flat, lanes, shape = self._lanes(ptr, mask)
        if not lanes.size:
            return
        values = np.broadcast_to(np.asarray(value, dt), shape).reshape(-1)[lanes]
        memory_dt = _U8 if element.is_bool() else dt
        if element.is_bool():
            values = values.astype(_U8)
        addresses = flat[lanes]
        which = self.memory.check_write(addresses, lanes, shape, memory_dt, "store", self.pid)
        self.memory.write(addresses, which, values, memory_dt)

    def _rmw(self, kind, old, value, element):
        if kind in ("add", "and", "or", "xor"):
            return binary_op(kind, old, value, element)
        if kind == "fadd":
            return binary_op("add", old, value, element)
        if kind in ("max", "min"):
            return binary_op(kind, old, value, element)
        if kind in ("umax", "umin"):
            dt = old.dtype
            u = _unsigned(dt) if dt != np.bool_ else dt
            f = np.maximum if kind == "umax" else np.minimum
            return _out(f(old.view(u), value.view(u)).view(dt), dt)
        if kind in ("fmax", "fmin"):
            # LLVM's atomicrmw fmax/fmin: maxnum/minnum (a NaN operand loses).
            f = np.fmax if kind == "fmax" else np.fmin
            return _out(f(old, value), old.dtype)
        if kind == "xchg":
            return value.copy()
        raise SemanticError(f"unknown atomic operation '{kind}'")

    def atomic_rmw(self, kind, ptr, value, mask, sem, scope, ptr_ty, ty):
        element = ty.scalar
        dt = numpy_dtype(element)
        flat, lanes, shape = self._lanes(ptr, mask)
        out = np.zeros(flat.size, dt)
        if lanes.size:
            values = np.broadcast_to(np.asarray(value, dt), shape).reshape(-1)[lanes]
            memory_dt = _U8 if element.is_bool() else dt
            addresses = flat[lanes]
            op = f"atomic_{kind}"
            which = self.memory.check_write(addresses, lanes, shape, memory_dt, op, self.pid)
            order = np.sort(addresses)
            if np.all(np.diff(order) >= memory_dt.itemsize):
                # No two lanes touch the same bytes: all at once.
                old = self.memory.read(addresses, lanes, shape, memory_dt, op, self.pid)
                old = old != 0 if element.is_bool() else old
                new = self._rmw(kind, old, values, element)
                self.memory.write(addresses, which, new.astype(memory_dt), memory_dt)
                out[lanes] = old
            else:
                # Lanes one after the other, in row-major order.
                for j in range(addresses.size):
                    a = addresses[j : j + 1]
                    old = self.memory.read(a, lanes[j : j + 1], shape, memory_dt, op, self.pid)
                    old = old != 0 if element.is_bool() else old
                    new = self._rmw(kind, old, values[j : j + 1], element)
                    self.memory.write(a, which[j : j + 1], new.astype(memory_dt), memory_dt)
                    out[lanes[j]] = old[0]
        return out.reshape(shape)

    # ------------------------------------------------------------------
    # dot
    # ------------------------------------------------------------------

    def dot(self, a, b, acc, precision, a_ty, b_ty, ty):
        scalar = ty.scalar
        dt = numpy_dtype(scalar)
        a = np.asarray(a)
        b = np.asarray(b)
        a = a.astype(dt) if a.dtype != dt else a
        b = b.astype(dt) if b.dtype != dt else b
        result = np.array(acc, dt)
        if scalar.is_int():
            # Integer products and sums wrap; their order does not matter.
            return _out(result + np.matmul(a, b), dt)
        # linalg.matmul order: acc + a[:, 0] b[0, :] + a[:, 1] b[1, :] + ...,
        # each product and sum rounded in the accumulator type.
        for k in range(a.shape[1]):
            result = _out(result + a[:, k : k + 1] * b[k : k + 1, :], dt)
        return result

    # ------------------------------------------------------------------
    # Reductions and scans
    # ------------------------------------------------------------------

    @staticmethod
    def _slice_type(ty, shape):
        return block_type(ty.scalar, shape) if shape else ty.scalar

    def _fast_kind(self, region, types):
        if not self.fast_paths or len(types) != 1:
            return None
        fn = _combine_function(region)
        scalar = types[0].scalar
        # numpy's own loops fold float32/float64 and wrap integers exactly as
        # the combine functions do; half types and bools keep the slow path.
        if scalar.is_bool() or scalar.is_ptr() or scalar.is_fp16() or scalar.is_bf16():
            return None
        if fn is core._sum_combine:
            return "sum"
        if fn is core._max_combine:
            return "max"
        if fn is core._min_combine:
            return "min"
        return None

    def reduce(self, handles, types, axis, combine, result_types):
        fast = self._fast_kind(combine, types)
        if fast is not None:
            x = np.asarray(handles[0])
            dt = numpy_dtype(types[0])
            if fast == "sum":
                if types[0].scalar.is_floating():
                    # add.accumulate folds strictly in index order.
                    r = np.take(np.add.accumulate(x, axis=axis, dtype=dt), -1, axis=axis)
                else:
                    r = np.add.reduce(x, axis=axis, dtype=dt)
            else:
                ufunc = np.maximum if fast == "max" else np.minimum
                r = ufunc.reduce(x, axis=axis)
                if types[0].scalar.is_floating():
                    # A zero result is -0.0 or +0.0 as a -0.0 < +0.0 order says.
                    zeros = x == 0
                    if np.any(zeros):
                        want = ~np.signbit(x) if fast == "max" else np.signbit(x)
                        pick = np.any(zeros & want, axis=axis)
                        zero = np.zeros((), dt)
                        signed = np.where(pick == (fast == "max"), zero, -zero)
                        r = np.where(r == 0, signed, r)
            return [_out(r, dt)]
        moved = [np.moveaxis(np.asarray(h), axis, 0) for h in handles]
        shape = moved[0].shape[1:]
        slice_types = [self._slice_type(t, shape) for t in types]
        acc = [m[0, ...] for m in moved]
        for i in range(1, moved[0].shape[0]):
            args = [tensor(h, t) for h, t in zip(acc, slice_types)]
            args += [tensor(m[i, ...], t) for m, t in zip(moved, slice_types)]
            results = combine(args)
            acc = [np.broadcast_to(np.asarray(r.handle), shape) for r in results]
        return [_out(h, numpy_dtype(t)) for h, t in zip(acc, result_types)]

    def scan(self, handles, types, axis, reverse, combine):
        fast = self._fast_kind(combine, types)
        if fast == "sum":
            x = np.asarray(handles[0])
            dt = numpy_dtype(types[0])
            if reverse:
                x = np.flip(x, axis)
            r = np.add.accumulate(x, axis=axis, dtype=dt)
            if reverse:
                r = np.flip(r, axis)
            return [_out(np.ascontiguousarray(r), dt)]
        moved = [np.moveaxis(np.asarray(h), axis, 0) for h in handles]
        n = moved[0].shape[0]
        shape = moved[0].shape[1:]
        slice_types = [self._slice_type(t, shape) for t in types]
        order = range(n - 1, -1, -1) if reverse else range(n)
        outputs = [np.empty(m.shape, numpy_dtype(t)) for m, t in zip(moved, types)]
        acc = None
        for i in order:
            current = [m[i, ...] for m in moved]
            if acc is None:
                acc = current
            else:
                args = [tensor(h, t) for h, t in zip(acc, slice_types)]
                args += [tensor(h, t) for h, t in zip(current, slice_types)]
                acc = [np.broadcast_to(np.asarray(r.handle), shape) for r in combine(args)]
            for out, h in zip(outputs, acc):
                out[i, ...] = h
        return [np.moveaxis(out, 0, axis) for out in outputs]

    # ------------------------------------------------------------------
    # Hints and debugging
    # ------------------------------------------------------------------

    def hint(self, handle, kind, values, ty):
        return handle

    def _pid_text(self):
        x, y, z = self.pid
        return f"({x}, {y}, {z})"

    def device_print(self, prefix, handles, types, hex):
        # The compiled runtime's format (runtime/CpuDebug.cpp): one line per
        # element, "pid (x, y, z) idx (i) <prefix><value>", with the row-major
        # index; floats as %.9g of the double, integers as int64.
        head = f"pid {self._pid_text()}"
        lines = []
        if not handles:
            lines.append(f"{head} {prefix}")
        for handle, ty in zip(handles, types):
            scalar = ty.scalar
            values = np.asarray(handle).reshape(-1)
            if scalar.is_floating():
                texts = [_format_float(float(v)) for v in values.astype(_F64)]
            else:
                if scalar.is_bool():
                    ints = values.astype(_I64)
                else:
                    ints = values.view(_signed(values.dtype)).astype(_I64)
                if hex:
                    texts = [f"0x{int(v) & 0xFFFFFFFFFFFFFFFF:x}" for v in ints]
                else:
                    texts = [str(int(v)) for v in ints]
            if ty.is_block():
                lines.extend(f"{head} idx ({i}) {prefix}{t}" for i, t in enumerate(texts))
            else:
                lines.append(f"{head} {prefix}{texts[0]}")
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")

    def device_assert(self, condition, ty, message):
        if np.all(np.asarray(condition)):
            return
        location = _user_location()
        text = message + (f" at {location}" if location else "")
        raise AssertionError(
            f"kernel '{self.kernel_name}': assertion failed in program {self._pid_text()}: {text}"
        )

    # ------------------------------------------------------------------
    # Python conversions of runtime scalars
    # ------------------------------------------------------------------

    @staticmethod
    def _scalar_value(x, what):
        if x.type.is_block():
            raise SemanticError(
                f"{what} of a tensor of shape {list(x.type.shape)}: only scalars convert; "
                "reduce it first (e.g. rl.max(x, 0))"
            )
        return np.asarray(x.handle)[()]

    def to_bool(self, x):
        return bool(self._scalar_value(x, "the truth value"))

    def to_index(self, x):
        return int(self._scalar_value(x, "an integer value"))

    def to_float(self, x):
        return float(self._scalar_value(x, "a float value"))

    # ------------------------------------------------------------------
    # Calls of other @recur.jit functions
    # ------------------------------------------------------------------

    def call_jit_function(self, fn, args, kwargs):
        raw = getattr(fn, "fn", fn)
        constexpr_names = getattr(fn, "constexpr_names", set())
        signature = self._signatures.get(raw)
        if signature is None:
            signature = self._signatures[raw] = inspect.signature(raw)
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{getattr(raw, '__name__', raw)}(): {error}") from None
        bound.apply_defaults()
        for name, value in bound.arguments.items():
            if isinstance(value, tensor):
                if name in constexpr_names:
                    raise SemanticError(
                        f"argument '{name}' of {raw.__name__} is a constexpr parameter but got "
                        "a runtime tensor"
                    )
            else:
                bound.arguments[name] = as_constexpr(value)
        return raw(*bound.args, **bound.kwargs)


def as_constexpr(value):
    """What a non-tensor argument becomes inside a kernel: Python numbers and
    strings are wrapped in ``rl.constexpr``; dtypes, functions, None, tuples
    and other objects stay as they are (``x.dtype == DTYPE`` and
    ``X is None`` then read as they do in Python)."""
    if isinstance(value, (numbers.Number, str)) and not isinstance(value, (constexpr, tensor)):
        return constexpr(value)
    return value
