"""The typing rules of the Recur language, shared by compiler and interpreter.

``Semantic`` turns the language's operations on ``tensor``s, constexprs and
Python numbers into primitive operations of a backend, after applying
Triton's rules: numpy-style broadcasting, Triton's type promotion (Python
scalars do not widen a tensor of the same or a higher kind), C-style integer
division and remainder, pointer arithmetic by element offsets.

A backend receives operands that already have one shape and one type and
returns handles; see ``recur.compiler.ir_backend`` (tile IR) and
``recur.interpreter.backend`` (numpy).
"""

from __future__ import annotations

import builtins
import numbers

from . import core
from .core import block_type, constexpr, dtype, tensor


class SemanticError(Exception):
    """A misuse of the language; the code generator adds the location."""


def _check(condition: bool, message: str):
    if not condition:
        raise SemanticError(message)


def _shape_str(ty) -> str:
    return "[" + ", ".join(str(d) for d in ty.shape) + "]"


def _is_power_of_2(n: int) -> bool:
    return n > 0 and (n & (n - 1)) == 0


class Semantic:
    def __init__(self, backend):
        self.backend = backend

    # ------------------------------------------------------------------
    # Conversions
    # ------------------------------------------------------------------

    def to_tensor(self, x, dtype_hint: dtype | None = None) -> tensor:
        if isinstance(x, tensor):
            return x
        value = x.value if isinstance(x, constexpr) else x
        if isinstance(value, tensor):
            return value
        if isinstance(value, (numbers.Number,)) and not isinstance(value, complex):
            ty = dtype_hint or core._py_scalar_dtype(value)
            return tensor(self.backend.constant(value, ty), ty)
        raise SemanticError(f"expected a tensor or a number, got {type(value).__name__} {value!r}")

    def _scalar_constant(self, value, ty: dtype) -> tensor:
        return tensor(self.backend.constant(value, ty), ty)

    def to_bool(self, x: tensor) -> bool:
        return self.backend.to_bool(x)

    def to_index(self, x: tensor) -> int:
        return self.backend.to_index(x)

    def to_float(self, x: tensor) -> float:
        return self.backend.to_float(x)

    # ------------------------------------------------------------------
    # Shapes
    # ------------------------------------------------------------------

    def broadcast_shapes(self, a: tuple, b: tuple) -> tuple:
        if len(a) < len(b):
            a = (1,) * (len(b) - len(a)) + a
        elif len(b) < len(a):
            b = (1,) * (len(a) - len(b)) + b
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            if x == y or y == 1:
                out.append(x)
            elif x == 1:
                out.append(y)
            else:
                raise SemanticError(
                    f"cannot broadcast shapes {list(a)} and {list(b)}: dimension {i} is "
                    f"{x} vs {y}"
                )
        return tuple(out)

    def broadcast_to(self, x: tensor, shape) -> tensor:
        x = self.to_tensor(x)
        shape = tuple(int(d) for d in shape)
        if x.type.shape == shape:
            return x
        if not x.type.is_block():
            ty = block_type(x.type, shape)
            return tensor(self.backend.splat(x.handle, ty), ty)
        src = x.type.shape
        _check(
            len(src) <= len(shape),
            f"cannot broadcast shape {list(src)} to {list(shape)}",
        )
        while len(x.type.shape) < len(shape):
            x = self.expand_dims(x, 0)
        src = x.type.shape
        for i, (s, d) in enumerate(zip(src, shape)):
            _check(
                s == d or s == 1,
                f"cannot broadcast shape {list(src)} to {list(shape)}: dimension {i} "
                f"is {s} vs {d}",
            )
        ty = block_type(x.dtype, shape)
        return tensor(self.backend.broadcast(x.handle, ty), ty)

    def broadcast_pair(self, a, b):
        a, b = self.to_tensor(a), self.to_tensor(b)
        shape = self.broadcast_shapes(a.type.shape, b.type.shape)
        return self.broadcast_to(a, shape), self.broadcast_to(b, shape)

    def expand_dims(self, x: tensor, axis: int) -> tensor:
        x = self.to_tensor(x)
        shape = list(x.type.shape)
        rank = len(shape) + 1
        if axis < 0:
            axis += rank
        _check(0 <= axis < rank, f"expand_dims axis {axis} out of range for rank {rank - 1}")
        if not x.type.is_block():
            return self.broadcast_to(x, [1])
        shape.insert(axis, 1)
        ty = block_type(x.dtype, shape)
        return tensor(self.backend.expand_dims(x.handle, axis, ty), ty)

    def reshape(self, x: tensor, shape) -> tensor:
        x = self.to_tensor(x)
        shape = [int(d) for d in shape]
        numel = 1
        for d in shape:
            numel *= d
        _check(
            numel == (x.type.numel if x.type.is_block() else 1),
            f"cannot reshape {_shape_str(x.type)} into {shape}: element counts differ",
        )
        if not x.type.is_block():
            return self.broadcast_to(x, shape)
        if shape == []:
            return self.reduce(x, 0, lambda a, b: a + b, False)
        ty = block_type(x.dtype, shape)
        if ty == x.type:
            return x
        return tensor(self.backend.reshape(x.handle, ty), ty)

    def trans(self, x: tensor, order) -> tensor:
        x = self.to_tensor(x)
        rank = len(x.type.shape)
        if order is None:
            _check(rank == 2, f"trans without dims needs a 2-D tensor, got {_shape_str(x.type)}")
            order = [1, 0]
        order = [int(d) for d in order]
        _check(
            sorted(order) == list(builtins.range(rank)),
            f"trans order {order} is not a permutation of the {rank} dimensions",
        )
        shape = [x.type.shape[d] for d in order]
        ty = block_type(x.dtype, shape)
        return tensor(self.backend.trans(x.handle, order, ty), ty)

    def subscript(self, x: tensor, slices) -> tensor:
        if not isinstance(slices, tuple):
            slices = (slices,)
        x = self.to_tensor(x)
        result, dim = x, 0
        for s in slices:
            s = s.value if isinstance(s, constexpr) else s
            if s is None:
                result = self.expand_dims(result, dim)
                dim += 1
            elif isinstance(s, slice) and s == slice(None):
                dim += 1
            else:
                raise SemanticError(
                    f"unsupported tensor index {s!r}: only ':' and None are allowed"
                )
        _check(dim <= len(result.type.shape) or not x.type.is_block(), "too many indices")
        return result

    # ------------------------------------------------------------------
    # Types
    # ------------------------------------------------------------------

    @staticmethod
    def _is_python_scalar(x) -> bool:
        value = x.value if isinstance(x, constexpr) else x
        return isinstance(value, numbers.Number) and not isinstance(value, tensor)

    @staticmethod
    def integer_promote(a: dtype, b: dtype) -> dtype:
        # C's usual arithmetic conversions, as Triton applies them.
        a_rank, b_rank = a.int_bitwidth, b.int_bitwidth
        a_signed, b_signed = a.is_int_signed(), b.is_int_signed()
        if a_signed == b_signed:
            return a if a_rank > b_rank else b
        if not a_signed:
            return a if a_rank >= b_rank else b
        return b if b_rank >= a_rank else a

    def computation_type(
        self, a: dtype, a_scalar: bool, b: dtype, b_scalar: bool, div_or_mod: bool
    ) -> dtype:
        # A Python scalar of the same or a lower kind does not take part.
        if a_scalar != b_scalar:
            scalar_ty, tensor_ty = (a, b) if a_scalar else (b, a)
            if scalar_ty.kind() <= tensor_ty.kind():
                if div_or_mod and (tensor_ty.is_fp16() or tensor_ty.is_bf16()):
                    return core.float32
                return tensor_ty
        if a.is_fp64() or b.is_fp64():
            return core.float64
        if a.is_fp32() or b.is_fp32():
            return core.float32
        if a.is_fp16() or b.is_fp16():
            if (a.is_bf16() or b.is_bf16()) or div_or_mod:
                return core.float32
            return core.float16
        if a.is_bf16() or b.is_bf16():
            return core.float32 if div_or_mod else core.bfloat16
        _check(
            a.is_int() and b.is_int(),
            f"unexpected operand types {a} and {b}",
        )
        return self.integer_promote(a, b)

    def _operand_dtype(self, x) -> dtype:
        if isinstance(x, tensor):
            return x.dtype
        value = x.value if isinstance(x, constexpr) else x
        if isinstance(value, tensor):
            return value.dtype
        if isinstance(value, numbers.Number) and not isinstance(value, complex):
            return core._py_scalar_dtype(value)
        raise SemanticError(f"expected a tensor or a number, got {type(value).__name__} {value!r}")

    def binary_operands(self, a, b, allow_ptr=False, div_or_mod=False, arith=True):
        """Broadcast and promote two operands of an arithmetic operator.

        Python scalars are materialised directly in the computation type.
        """
        a_scalar, b_scalar = self._is_python_scalar(a), self._is_python_scalar(b)
        a_ty, b_ty = self._operand_dtype(a), self._operand_dtype(b)
        if a_ty.is_ptr() or b_ty.is_ptr():
            _check(allow_ptr, f"operands of type {a_ty} and {b_ty} do not support this operator")
            return self.broadcast_pair(a, b)
        if arith:
            ty = self.computation_type(a_ty, a_scalar, b_ty, b_scalar, div_or_mod)
            a = self.cast(self.to_tensor(a, ty if a_scalar else None), ty)
            b = self.cast(self.to_tensor(b, ty if b_scalar else None), ty)
        return self.broadcast_pair(a, b)

    def _like(self, x: tensor, scalar: dtype):
        return block_type(scalar, x.type.shape) if x.type.is_block() else scalar

    # ------------------------------------------------------------------
    # Arithmetic
    # ------------------------------------------------------------------

    def _binary(self, op, a: tensor, b: tensor) -> tensor:
        return tensor(self.backend.binary(op, a.handle, b.handle, a.type), a.type)

    def add(self, a, b) -> tensor:
        a, b = self.binary_operands(a, b, allow_ptr=True)
        if b.dtype.is_ptr() and not a.dtype.is_ptr():
            a, b = b, a
        if a.dtype.is_ptr():
            _check(not b.dtype.is_ptr(), "cannot add two pointers")
            _check(b.dtype.is_int(), f"pointer offsets must be integers, got {b.dtype}")
            return tensor(self.backend.addptr(a.handle, b.handle, a.type, b.type), a.type)
        return self._binary("add", a, b)

    def sub(self, a, b) -> tensor:
        a, b = self.binary_operands(a, b, allow_ptr=True)
        if a.dtype.is_ptr():
            _check(not b.dtype.is_ptr(), "cannot subtract two pointers")
            _check(b.dtype.is_int(), f"pointer offsets must be integers, got {b.dtype}")
            return self.add(a, self.neg(b))
        _check(not b.dtype.is_ptr(), "cannot subtract a pointer from a number")
        return self._binary("sub", a, b)

    def mul(self, a, b) -> tensor:
        a, b = self.binary_operands(a, b)
        return self._binary("mul", a, b)

    def truediv(self, a, b) -> tensor:
        a_scalar, b_scalar = self._is_python_scalar(a), self._is_python_scalar(b)
        a, b = self.broadcast_pair(a, b)
        a_ty, b_ty = a.dtype, b.dtype
        _check(not a_ty.is_ptr() and not b_ty.is_ptr(), "cannot divide pointers")
        if a_ty.is_int() and b_ty.is_int():
            ty = core.float32
        else:
            ty = self.computation_type(a_ty, a_scalar, b_ty, b_scalar, True)
        a, b = self.cast(a, ty), self.cast(b, ty)
        return self._binary("div", a, b)

    def floordiv(self, a, b) -> tensor:
        a, b = self.binary_operands(a, b, div_or_mod=True)
        _check(
            a.dtype.is_int(),
            f"'//' needs integer operands, got {a.dtype} (Triton semantics; use rl.floor(a / b))",
        )
        return self._binary("floordiv", a, b)

    def mod(self, a, b) -> tensor:
        a, b = self.binary_operands(a, b, div_or_mod=True)
        return self._binary("mod", a, b)

    def pow(self, a, b) -> tensor:
        a, b = self.binary_operands(a, b)
        _check(a.dtype.is_floating(), f"'**' needs floating-point operands, got {a.dtype}")
        return self.unary("exp2", self.mul(b, self.unary("log2", a)))

    def _bitwise_operands(self, a, b, what):
        a, b = self.binary_operands(a, b)
        _check(a.dtype.is_int(), f"'{what}' needs integer operands, got {a.dtype}")
        return a, b

    def and_(self, a, b) -> tensor:
        return self._binary("and", *self._bitwise_operands(a, b, "&"))

    def or_(self, a, b) -> tensor:
        return self._binary("or", *self._bitwise_operands(a, b, "|"))

    def xor_(self, a, b) -> tensor:
        return self._binary("xor", *self._bitwise_operands(a, b, "^"))

    def shl(self, a, b) -> tensor:
        return self._binary("shl", *self._bitwise_operands(a, b, "<<"))

    def shr(self, a, b) -> tensor:
        return self._binary("shr", *self._bitwise_operands(a, b, ">>"))

    def logical_and(self, a, b) -> tensor:
        return self.and_(self.to_bool_tensor(a), self.to_bool_tensor(b))

    def logical_or(self, a, b) -> tensor:
        return self.or_(self.to_bool_tensor(a), self.to_bool_tensor(b))

    def logical_not(self, a) -> tensor:
        return self.equal(self.to_bool_tensor(a), False)

    def to_bool_tensor(self, a) -> tensor:
        a = self.to_tensor(a)
        if a.dtype.is_bool():
            return a
        return self.not_equal(a, 0)

    def neg(self, x) -> tensor:
        x = self.to_tensor(x)
        _check(not x.dtype.is_ptr(), "cannot negate a pointer")
        if x.dtype.is_floating():
            return tensor(self.backend.unary("neg", x.handle, x.type), x.type)
        zero = self.broadcast_to(self._scalar_constant(0, x.dtype), x.type.shape)
        return self._binary("sub", zero, x)

    def invert(self, x) -> tensor:
        x = self.to_tensor(x)
        _check(x.dtype.is_int(), f"'~' needs an integer operand, got {x.dtype}")
        ones = self.broadcast_to(
            self._scalar_constant(True if x.dtype.is_bool() else -1, x.dtype), x.type.shape
        )
        return self._binary("xor", x, ones)

    def maximum(self, a, b) -> tensor:
        a, b = self.binary_operands(a, b)
        return self._binary("max", a, b)

    def minimum(self, a, b) -> tensor:
        a, b = self.binary_operands(a, b)
        return self._binary("min", a, b)

    def fma(self, x, y, z) -> tensor:
        x, y = self.binary_operands(x, y)
        x, z = self.binary_operands(x, z)
        y, z = self.binary_operands(y, z)
        x = self.broadcast_to(self.cast(x, z.dtype), z.type.shape)
        y = self.broadcast_to(self.cast(y, z.dtype), z.type.shape)
        _check(z.dtype.is_floating(), f"fma needs floating-point operands, got {z.dtype}")
        return tensor(self.backend.fma(x.handle, y.handle, z.handle, z.type), z.type)

    _FLOAT_ONLY = {
        "exp", "exp2", "log", "log2", "sqrt", "rsqrt", "sin", "cos", "tanh", "erf",
        "floor", "ceil", "sigmoid",
    }  # fmt: skip

    def unary(self, op: str, x) -> tensor:
        x = self.to_tensor(x)
        _check(not x.dtype.is_ptr(), f"{op} of a pointer")
        if op in self._FLOAT_ONLY:
            if not x.dtype.is_floating():
                x = self.cast(x, core.float32)
            if op == "sigmoid":
                one = self.broadcast_to(self._scalar_constant(1.0, x.dtype), x.type.shape)
                return self.truediv(one, self.add(one, self.unary("exp", self.neg(x))))
            # Half-precision transcendentals are computed in fp32, as Triton does.
            if x.dtype.is_fp16() or x.dtype.is_bf16():
                return self.cast(self.unary(op, self.cast(x, core.float32)), x.dtype)
        if op == "abs" and x.dtype.is_int_unsigned():
            return x
        return tensor(self.backend.unary(op, x.handle, x.type), x.type)

    def where(self, condition, x, y) -> tensor:
        condition = self.to_bool_tensor(condition)
        x, y = self.binary_operands(x, y, allow_ptr=True)
        shape = self.broadcast_shapes(condition.type.shape, x.type.shape)
        condition = self.broadcast_to(condition, shape)
        x, y = self.broadcast_to(x, shape), self.broadcast_to(y, shape)
        _check(x.type == y.type, f"where: branches have types {x.type} and {y.type}")
        return tensor(self.backend.select(condition.handle, x.handle, y.handle, x.type), x.type)

    # ------------------------------------------------------------------
    # Comparisons
    # ------------------------------------------------------------------

    def _compare(self, pred, a, b) -> tensor:
        a, b = self.binary_operands(a, b, allow_ptr=True)
        if a.dtype.is_ptr() or b.dtype.is_ptr():
            _check(a.dtype == b.dtype, f"cannot compare {a.dtype} with {b.dtype}")
        ty = self._like(a, core.int1)
        return tensor(self.backend.compare(pred, a.handle, b.handle, a.type), ty)

    def less(self, a, b):
        return self._compare("lt", a, b)

    def less_equal(self, a, b):
        return self._compare("le", a, b)

    def greater(self, a, b):
        return self._compare("gt", a, b)

    def greater_equal(self, a, b):
        return self._compare("ge", a, b)

    def equal(self, a, b):
        return self._compare("eq", a, b)

    def not_equal(self, a, b):
        return self._compare("ne", a, b)

    # ------------------------------------------------------------------
    # Casts
    # ------------------------------------------------------------------

    def cast(self, x, dst: dtype) -> tensor:
        x = self.to_tensor(x)
        if isinstance(dst, constexpr):
            dst = dst.value
        _check(isinstance(dst, dtype), f"cast target must be a dtype, got {dst!r}")
        dst_scalar = dst.scalar
        if x.dtype == dst_scalar:
            return x
        src = x.dtype
        if src.is_ptr() or dst_scalar.is_ptr():
            _check(
                src.is_ptr() and dst_scalar.is_ptr(),
                f"cannot cast {src} to {dst_scalar}; use bitcast=True for pointer/int casts",
            )
            return self.bitcast(x, dst_scalar)
        ty = self._like(x, dst_scalar)
        return tensor(self.backend.cast(x.handle, x.type, ty), ty)

    def bitcast(self, x, dst: dtype) -> tensor:
        x = self.to_tensor(x)
        src = x.dtype
        _check(
            src.primitive_bitwidth == dst.primitive_bitwidth,
            f"cannot bitcast {src} to {dst}: sizes differ",
        )
        ty = self._like(x, dst)
        if src == dst:
            return x
        return tensor(self.backend.bitcast(x.handle, x.type, ty), ty)

    # ------------------------------------------------------------------
    # Programs and creation
    # ------------------------------------------------------------------

    def program_id(self, axis) -> tensor:
        _check(axis in (0, 1, 2), f"program_id axis must be 0, 1 or 2, got {axis}")
        return tensor(self.backend.program_id(axis), core.int32)

    def num_programs(self, axis) -> tensor:
        _check(axis in (0, 1, 2), f"num_programs axis must be 0, 1 or 2, got {axis}")
        return tensor(self.backend.num_programs(axis), core.int32)

    @staticmethod
    def _constexpr_int(value, what) -> int:
        value = value.value if isinstance(value, constexpr) else value
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise SemanticError(
                f"{what} must be a constexpr integer (mark the parameter ': rl.constexpr'), "
                f"got {'a runtime tensor' if isinstance(value, tensor) else repr(value)}"
            )
        return int(value)

    def arange(self, start, end) -> tensor:
        start = self._constexpr_int(start, "arange's start")
        end = self._constexpr_int(end, "arange's end")
        _check(end > start, f"arange's end ({end}) must be greater than its start ({start})")
        _check(
            _is_power_of_2(end - start),
            f"arange's range must be a power of 2, got {end - start}",
        )
        _check(-(2**31) <= start and end <= 2**31, "arange bounds must fit in int32")
        ty = block_type(core.int32, [end - start])
        return tensor(self.backend.arange(start, end, ty), ty)

    def full(self, shape, value, dtype_) -> tensor:
        if isinstance(shape, constexpr):
            shape = shape.value
        if not isinstance(shape, (list, tuple)):
            shape = [shape]
        shape = [self._constexpr_int(d, "a shape dimension") for d in shape]
        for d in shape:
            _check(_is_power_of_2(d), f"shape dimensions must be powers of 2, got {shape}")
        _check(isinstance(dtype_, dtype), f"full: dtype must be a dtype, got {dtype_!r}")
        if isinstance(value, tensor):
            return self.broadcast_to(self.cast(value, dtype_), shape)
        value = value.value if isinstance(value, constexpr) else value
        scalar = self._scalar_constant(value, dtype_)
        return self.broadcast_to(scalar, shape) if shape else scalar

    # ------------------------------------------------------------------
    # Memory
    # ------------------------------------------------------------------

    def _pointer_operand(self, pointer, what) -> tensor:
        pointer = self.to_tensor(pointer)
        _check(
            pointer.dtype.is_ptr(),
            f"{what} needs a pointer, got a value of type {pointer.type}",
        )
        return pointer

    def _mask_operand(self, mask, pointer):
        if mask is None or (isinstance(mask, constexpr) and mask.value is None):
            return pointer, None
        mask = self.to_bool_tensor(mask)
        shape = self.broadcast_shapes(pointer.type.shape, mask.type.shape)
        return self.broadcast_to(pointer, shape), self.broadcast_to(mask, shape)

    def load(self, pointer, mask, other, cache, evict, volatile) -> tensor:
        pointer = self._pointer_operand(pointer, "load")
        pointer, mask = self._mask_operand(mask, pointer)
        element = pointer.dtype.element_ty
        if other is not None and not (isinstance(other, constexpr) and other.value is None):
            _check(mask is not None, "load: 'other' needs a 'mask'")
            other = self.broadcast_to(self.cast(other, element), pointer.type.shape)
        else:
            other = None
        ty = self._like(pointer, element)
        handle = self.backend.load(
            pointer.handle,
            None if mask is None else mask.handle,
            None if other is None else other.handle,
            ty,
            cache,
            evict,
            volatile,
        )
        return tensor(handle, ty)

    def store(self, pointer, value, mask, cache, evict):
        pointer = self._pointer_operand(pointer, "store")
        pointer, mask = self._mask_operand(mask, pointer)
        value = self.to_tensor(value)
        _check(
            len(value.type.shape) <= len(pointer.type.shape),
            f"store: value of shape {_shape_str(value.type)} does not fit pointers of shape "
            f"{_shape_str(pointer.type)}",
        )
        value = self.broadcast_to(self.cast(value, pointer.dtype.element_ty), pointer.type.shape)
        self.backend.store(
            pointer.handle,
            value.handle,
            None if mask is None else mask.handle,
            pointer.type,
            cache,
            evict,
        )

    def atomic_rmw(self, kind, pointer, value, mask, sem, scope) -> tensor:
        pointer = self._pointer_operand(pointer, f"atomic_{kind}")
        value = self.to_tensor(value)
        shape = self.broadcast_shapes(pointer.type.shape, value.type.shape)
        pointer = self.broadcast_to(pointer, shape)
        pointer, mask = self._mask_operand(mask, pointer)
        element = pointer.dtype.element_ty
        value = self.broadcast_to(self.cast(value, element), pointer.type.shape)
        if element.is_floating():
            _check(kind in ("add", "max", "min", "xchg"), f"atomic_{kind} needs integers")
            tile_kind = {"add": "fadd", "max": "fmax", "min": "fmin", "xchg": "xchg"}[kind]
        elif element.is_int_unsigned() and kind in ("max", "min"):
            tile_kind = "u" + kind
        else:
            tile_kind = kind
        _check(sem in ("relaxed", "acquire", "release", "acq_rel"), f"unknown memory order '{sem}'")
        _check(scope in ("gpu", "cta", "sys"), f"unknown memory scope '{scope}'")
        ty = value.type
        handle = self.backend.atomic_rmw(
            tile_kind,
            pointer.handle,
            value.handle,
            None if mask is None else mask.handle,
            sem,
            scope,
            pointer.type,
            ty,
        )
        return tensor(handle, ty)

    # ------------------------------------------------------------------
    # dot
    # ------------------------------------------------------------------

    def dot(self, a, b, acc, precision, out_dtype) -> tensor:
        a, b = self.to_tensor(a), self.to_tensor(b)
        _check(
            len(a.type.shape) == 2 and len(b.type.shape) == 2,
            f"dot needs 2-D operands, got shapes {_shape_str(a.type)} and {_shape_str(b.type)}",
        )
        (m, k), (k2, n) = a.type.shape, b.type.shape
        _check(
            k == k2,
            f"dot: inner dimensions differ: first operand has shape {_shape_str(a.type)}, "
            f"second has shape {_shape_str(b.type)}",
        )
        _check(
            a.dtype == b.dtype or (a.dtype.is_floating() and b.dtype.is_floating()),
            f"dot: operand types differ: {a.dtype} and {b.dtype}",
        )
        if a.dtype.is_int():
            acc_dtype = core.int32 if a.dtype.int_bitwidth <= 32 else core.int64
        elif a.dtype.is_fp64() or b.dtype.is_fp64():
            acc_dtype = core.float64
        else:
            acc_dtype = out_dtype if out_dtype in (core.float32, core.float16) else core.float32
        if acc is None:
            acc = self.full([m, n], 0, acc_dtype)
        else:
            acc = self.to_tensor(acc)
            _check(
                acc.type.shape == (m, n),
                f"dot: accumulator shape {_shape_str(acc.type)} is not [{m}, {n}]",
            )
            acc_dtype = acc.dtype
        _check(
            precision in (None, "ieee", "tf32", "tf32x3"),
            f"dot: unknown input_precision '{precision}'",
        )
        # Tile dots sign-extend integer operands (tile integers are
        # signless): unsigned ones are widened here, by zero extension.
        if a.dtype.is_int_unsigned():
            a = self.cast(a, acc_dtype)
        if b.dtype.is_int_unsigned():
            b = self.cast(b, acc_dtype)
        ty = acc.type
        return tensor(
            self.backend.dot(a.handle, b.handle, acc.handle, precision, a.type, b.type, ty), ty
        )

    # ------------------------------------------------------------------
    # Reductions and scans
    # ------------------------------------------------------------------

    def _combine_inputs(self, inputs):
        is_tuple = isinstance(inputs, (tuple, list))
        inputs = [self.to_tensor(x) for x in (inputs if is_tuple else [inputs])]
        _check(len(inputs) > 0, "nothing to reduce")
        shape = inputs[0].type.shape
        for x in inputs:
            _check(x.type.is_block(), "reduce/scan needs tensors, got a scalar")
            _check(
                x.type.shape == shape,
                f"reduce/scan operands have different shapes {list(shape)} and "
                f"{list(x.type.shape)}",
            )
        return inputs, is_tuple

    def _combine_region(self, combine_fn, n):
        """Wraps ``combine_fn`` to take and return lists of scalar tensors."""

        def region(args):
            result = combine_fn(*args)
            results = list(result) if isinstance(result, (tuple, list)) else [result]
            _check(
                len(results) == n,
                f"the combine function returned {len(results)} values, expected {n}",
            )
            results = [self.to_tensor(r) for r in results]
            for r, a in zip(results, args):
                if r.dtype != a.dtype:
                    raise SemanticError(
                        f"the combine function returned {r.dtype} where its input is {a.dtype}"
                    )
            return results

        return region

    def reduce(self, inputs, axis, combine_fn, keep_dims):
        inputs, is_tuple = self._combine_inputs(inputs)
        if axis is None:
            numel = inputs[0].type.numel
            inputs = [self.reshape(x, [numel]) for x in inputs]
            axis = 0
        rank = len(inputs[0].type.shape)
        _check(-rank <= axis < rank, f"reduce axis {axis} out of range for rank {rank}")
        axis %= rank
        shape = list(inputs[0].type.shape)
        del shape[axis]
        types = [block_type(x.dtype, shape) if shape else x.dtype for x in inputs]
        handles = self.backend.reduce(
            [x.handle for x in inputs],
            [x.type for x in inputs],
            axis,
            self._combine_region(combine_fn, len(inputs)),
            types,
        )
        results = [tensor(h, t) for h, t in zip(handles, types)]
        if keep_dims:
            results = [self.expand_dims(r, axis) for r in results]
        return tuple(results) if is_tuple else results[0]

    def scan(self, inputs, axis, combine_fn, reverse):
        inputs, is_tuple = self._combine_inputs(inputs)
        rank = len(inputs[0].type.shape)
        _check(-rank <= axis < rank, f"scan axis {axis} out of range for rank {rank}")
        axis %= rank
        types = [x.type for x in inputs]
        handles = self.backend.scan(
            [x.handle for x in inputs],
            types,
            axis,
            reverse,
            self._combine_region(combine_fn, len(inputs)),
        )
        results = [tensor(h, t) for h, t in zip(handles, types)]
        return tuple(results) if is_tuple else results[0]

    def arg_reduce(self, input, axis, kind, keep_dims, with_values):
        input = self.to_tensor(input)
        _check(axis is not None or len(input.type.shape) == 1, "argmax/argmin need an axis")
        if axis is None:
            axis = 0
        rank = len(input.type.shape)
        axis %= rank
        n = input.type.shape[axis]
        index = self.arange(0, n)
        for _ in builtins.range(axis):
            index = self.expand_dims(index, 0)
        while len(index.type.shape) < rank:
            index = self.expand_dims(index, len(index.type.shape))
        index = self.broadcast_to(index, input.type.shape)

        def combine(a_value, a_index, b_value, b_index):
            # In index order: b replaces a only when strictly better, so ties
            # keep the first index, as Triton's tie_break_left does.
            better = (
                self.greater(b_value, a_value) if kind == "max" else self.less(b_value, a_value)
            )
            return self.where(better, b_value, a_value), self.where(better, b_index, a_index)

        value, idx = self.reduce((input, index), axis, combine, keep_dims)
        return (value, idx) if with_values else idx

    # ------------------------------------------------------------------
    # Hints and debugging
    # ------------------------------------------------------------------

    def hint(self, x, kind, values):
        x = self.to_tensor(x)
        values = values.value if isinstance(values, constexpr) else values
        values = list(values) if isinstance(values, (list, tuple)) else [values]
        for v in values:
            self._constexpr_int(v, f"{kind}'s value")
        return tensor(
            self.backend.hint(
                x.handle, kind, [int(getattr(v, "value", v)) for v in values], x.type
            ),
            x.type,
        )

    def device_print(self, prefix, args, hex):
        _check(isinstance(prefix, str), "device_print's prefix must be a string")
        tensors = [self.to_tensor(a) for a in args]
        for t in tensors:
            _check(not t.dtype.is_ptr(), "device_print cannot print pointers")
        self.backend.device_print(
            prefix, [t.handle for t in tensors], [t.type for t in tensors], hex
        )

    def device_assert(self, cond, msg):
        cond = self.to_bool_tensor(cond)
        self.backend.device_assert(cond.handle, cond.type, str(msg))
