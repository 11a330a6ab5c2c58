"""The values of the Recur language: dtypes, tensors, constexprs, builtins.

Kernels written with ``recur.language`` run in one of two ways:

* compiled: ``recur.compiler.code_generator`` walks the kernel's AST and
  every builtin below emits tile IR;
* interpreted (``RECUR_INTERPRET=1``): the kernel's Python body runs as is,
  once per program, and every builtin computes on numpy arrays.

Both go through ``recur.language.semantic``, which applies the language's
typing rules (Triton's) and then calls a *backend* that does the work. The
active semantic is installed by ``use_semantic`` for the duration of a
compile or an interpreted program.
"""

from __future__ import annotations

import contextlib
import threading
import math
import numbers
from typing import Sequence

# --------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------


class dtype:
    """A scalar element type. Names follow Triton's (``fp32``, ``int32``)."""

    SINT_TYPES = ("int8", "int16", "int32", "int64")
    UINT_TYPES = ("int1", "uint8", "uint16", "uint32", "uint64")
    FP_TYPES = ("fp16", "bf16", "fp32", "fp64")

    _BITWIDTH = {
        "int1": 1, "int8": 8, "int16": 16, "int32": 32, "int64": 64,
        "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64,
        "fp16": 16, "bf16": 16, "fp32": 32, "fp64": 64,
    }  # fmt: skip

    def __init__(self, name: str):
        if name not in self._BITWIDTH:
            raise ValueError(f"unknown dtype '{name}'")
        self.name = name

    # Kinds, as Triton names them.
    def is_floating(self) -> bool:
        return self.name in self.FP_TYPES

    def is_fp16(self) -> bool:
        return self.name == "fp16"

    def is_bf16(self) -> bool:
        return self.name == "bf16"

    def is_fp32(self) -> bool:
        return self.name == "fp32"

    def is_fp64(self) -> bool:
        return self.name == "fp64"

    def is_int(self) -> bool:
        return self.name in self.SINT_TYPES or self.name in self.UINT_TYPES

    def is_bool(self) -> bool:
        return self.name == "int1"

    def is_int_signed(self) -> bool:
        return self.name in self.SINT_TYPES

    def is_int_unsigned(self) -> bool:
        return self.name in self.UINT_TYPES

    def is_ptr(self) -> bool:
        return False

    def is_block(self) -> bool:
        return False

    @property
    def primitive_bitwidth(self) -> int:
        return self._BITWIDTH[self.name]

    @property
    def int_bitwidth(self) -> int:
        return self._BITWIDTH[self.name]

    @property
    def scalar(self) -> "dtype":
        return self

    @property
    def element_ty(self) -> "dtype":
        return self

    @property
    def shape(self) -> tuple:
        return ()

    def kind(self) -> int:
        """bool < uint < int < float, for the promotion of Python scalars."""
        if self.is_bool():
            return 0
        if self.is_int_unsigned():
            return 1
        if self.is_int_signed():
            return 2
        return 3

    def mlir(self) -> str:
        """The tile-dialect spelling: signless integers, builtin floats."""
        if self.is_floating():
            return {"fp16": "f16", "bf16": "bf16", "fp32": "f32", "fp64": "f64"}[self.name]
        return f"i{self.primitive_bitwidth}"

    def to_str(self) -> str:
        """Triton's signature spelling: ``fp32``, ``i32``, ``u8``, ``i1``."""
        if self.is_floating():
            return self.name
        if self.is_bool():
            return "i1"
        return ("u" if self.is_int_unsigned() else "i") + str(self.int_bitwidth)

    def __eq__(self, other) -> bool:
        return type(other) is type(self) and other.name == self.name

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.name))

    def __repr__(self) -> str:
        return f"rl.{_REPR_NAMES.get(self.name, self.name)}"

    __str__ = to_str

    def __call__(self, value):
        """``rl.float32(x)`` casts like ``x.to(rl.float32)``."""
        return _semantic().cast(_semantic().to_tensor(value), self)


class pointer_type(dtype):
    def __init__(self, element_ty: dtype):
        self.element_ty_ = element_ty
        self.name = "*" + element_ty.to_str()

    @property
    def element_ty(self) -> dtype:
        return self.element_ty_

    @property
    def primitive_bitwidth(self) -> int:
        return 64

    def is_ptr(self) -> bool:
        return True

    def is_floating(self) -> bool:
        return False

    def is_int(self) -> bool:
        return False

    def is_bool(self) -> bool:
        return False

    def is_int_signed(self) -> bool:
        return False

    def is_int_unsigned(self) -> bool:
        return False

    def mlir(self) -> str:
        return f"!tile.ptr<{self.element_ty_.mlir()}>"

    def to_str(self) -> str:
        return self.name

    __str__ = to_str

    def __repr__(self) -> str:
        return f"pointer_type({self.element_ty_!r})"


class block_type(dtype):
    """A tile: a scalar dtype and a static shape of powers of two."""

    def __init__(self, element_ty: dtype, shape: Sequence[int]):
        self.element_ty_ = element_ty
        self.shape_ = tuple(int(d) for d in shape)
        self.name = f"<{list(self.shape_)}, {element_ty.to_str()}>"

    @property
    def element_ty(self) -> dtype:
        return self.element_ty_

    @property
    def scalar(self) -> dtype:
        return self.element_ty_

    @property
    def shape(self) -> tuple:
        return self.shape_

    @property
    def numel(self) -> int:
        return math.prod(self.shape_)

    def is_block(self) -> bool:
        return True

    def __getattr__(self, name):
        # Kind queries (is_floating, is_int, ...) answer for the element.
        if name.startswith("is_") and name != "is_block":
            return getattr(self.element_ty_, name)
        raise AttributeError(name)

    def mlir(self) -> str:
        dims = "x".join(str(d) for d in self.shape_)
        return f"tensor<{dims}x{self.element_ty_.mlir()}>"

    def to_str(self) -> str:
        return self.name

    __str__ = to_str

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, block_type)
            and other.shape_ == self.shape_
            and other.element_ty_ == self.element_ty_
        )

    def __hash__(self) -> int:
        return hash(("block", self.shape_, self.element_ty_))

    def __repr__(self) -> str:
        return f"block_type({self.element_ty_!r}, {list(self.shape_)})"


int1 = dtype("int1")
int8 = dtype("int8")
int16 = dtype("int16")
int32 = dtype("int32")
int64 = dtype("int64")
uint8 = dtype("uint8")
uint16 = dtype("uint16")
uint32 = dtype("uint32")
uint64 = dtype("uint64")
float16 = dtype("fp16")
bfloat16 = dtype("bf16")
float32 = dtype("fp32")
float64 = dtype("fp64")

_REPR_NAMES = {
    "fp16": "float16",
    "bf16": "bfloat16",
    "fp32": "float32",
    "fp64": "float64",
}

# Triton's signature strings.
_SIGNATURE_TYPES = {
    "i1": int1, "i8": int8, "i16": int16, "i32": int32, "i64": int64,
    "u1": int1, "u8": uint8, "u16": uint16, "u32": uint32, "u64": uint64,
    "fp16": float16, "bf16": bfloat16, "fp32": float32, "fp64": float64,
}  # fmt: skip


def str_to_ty(name: str) -> dtype:
    """``"*fp32"`` -> pointer to float32; ``"i32"`` -> int32."""
    if name.startswith("*"):
        return pointer_type(str_to_ty(name[1:]))
    try:
        return _SIGNATURE_TYPES[name]
    except KeyError:
        known = ", ".join(sorted(_SIGNATURE_TYPES))
        raise ValueError(f"unknown type '{name}' (known: *T or one of {known})")


# --------------------------------------------------------------------------
# constexpr
# --------------------------------------------------------------------------


class constexpr:
    """A value known when the kernel is compiled.

    As an annotation (``BLOCK: rl.constexpr``) it makes a parameter part of
    the specialisation; as a value it wraps Python numbers, dtypes,
    functions and tuples that the compiler folds.
    """

    def __init__(self, value):
        self.value = value.value if isinstance(value, constexpr) else value

    def __repr__(self) -> str:
        return f"constexpr[{self.value!r}]"

    def __index__(self):
        return self.value

    def __int__(self):
        return int(self.value)

    def __float__(self):
        return float(self.value)

    def __bool__(self):
        return bool(self.value)

    def __hash__(self):
        return hash(self.value)

    def __call__(self, *args, **kwargs):
        return self.value(*args, **kwargs)

    def __getattr__(self, name):
        if name == "value":
            raise AttributeError(name)
        return getattr(self.value, name)


def _unwrap(x):
    return x.value if isinstance(x, constexpr) else x


def _constexpr_binary(op):
    def forward(self, other):
        if isinstance(other, tensor):
            return NotImplemented
        return constexpr(op(self.value, _unwrap(other)))

    def backward(self, other):
        if isinstance(other, tensor):
            return NotImplemented
        return constexpr(op(_unwrap(other), self.value))

    return forward, backward


for _name, _op in {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "truediv": lambda a, b: a / b,
    "floordiv": lambda a, b: a // b,
    "mod": lambda a, b: a % b,
    "pow": lambda a, b: a**b,
    "lshift": lambda a, b: a << b,
    "rshift": lambda a, b: a >> b,
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "xor": lambda a, b: a ^ b,
}.items():
    _forward, _backward = _constexpr_binary(_op)
    setattr(constexpr, f"__{_name}__", _forward)
    setattr(constexpr, f"__r{_name}__", _backward)

for _name, _op in {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
}.items():
    setattr(constexpr, f"__{_name}__", _constexpr_binary(_op)[0])

constexpr.__neg__ = lambda self: constexpr(-self.value)
constexpr.__pos__ = lambda self: constexpr(+self.value)
constexpr.__invert__ = lambda self: constexpr(~self.value)
constexpr.__hash__ = lambda self: hash(self.value)


def is_constexpr_value(x) -> bool:
    """Python values that the compiler folds rather than materialises."""
    return isinstance(x, (constexpr, numbers.Number)) and not isinstance(x, tensor)


# --------------------------------------------------------------------------
# tensor
# --------------------------------------------------------------------------


class tensor:
    """A value of the kernel: a scalar or a tile.

    ``handle`` is backend-specific (an IR value when compiling, a numpy array
    when interpreting); ``type`` is a scalar dtype, a pointer_type or a
    block_type.
    """

    __slots__ = ("handle", "type")

    def __init__(self, handle, type: dtype):
        self.handle = handle
        self.type = type

    @property
    def dtype(self) -> dtype:
        return self.type.scalar

    @property
    def shape(self) -> tuple:
        return tuple(constexpr(d) for d in self.type.shape)

    @property
    def numel(self) -> constexpr:
        return constexpr(math.prod(self.type.shape))

    def __repr__(self) -> str:
        return f"tensor({self.type})"

    def __bool__(self):
        return _semantic().to_bool(self)

    def __index__(self):
        return _semantic().to_index(self)

    def __int__(self):
        return _semantic().to_index(self)

    def __float__(self):
        return _semantic().to_float(self)

    def __iter__(self):
        raise TypeError("a tensor cannot be iterated over; use rl.static_range")

    def to(self, dtype, bitcast=False):
        dtype = _unwrap(dtype)
        if bitcast:
            return _semantic().bitcast(self, dtype)
        return _semantic().cast(self, dtype)

    def __getitem__(self, slices):
        return _semantic().subscript(self, slices)

    # Methods Triton tensors have.
    def reshape(self, *shape):
        return reshape(self, shape[0] if len(shape) == 1 else shape)

    def trans(self, *dims):
        return trans(self, *dims)

    def expand_dims(self, axis):
        return expand_dims(self, axis)

    def broadcast_to(self, *shape):
        return broadcast_to(self, *shape)

    def sum(self, axis=None, keep_dims=False):
        return sum(self, axis, keep_dims)

    def max(self, axis=None, keep_dims=False):
        return max(self, axis, keep_dims=keep_dims)

    def min(self, axis=None, keep_dims=False):
        return min(self, axis, keep_dims=keep_dims)

    def argmax(self, axis, keep_dims=False):
        return argmax(self, axis, keep_dims=keep_dims)

    def argmin(self, axis, keep_dims=False):
        return argmin(self, axis, keep_dims=keep_dims)

    def cumsum(self, axis=0, reverse=False):
        return cumsum(self, axis, reverse)

    def exp(self):
        return exp(self)

    def log(self):
        return log(self)

    def sqrt(self):
        return sqrt(self)

    def abs(self):
        return abs(self)

    def sigmoid(self):
        return sigmoid(self)

    T = property(lambda self: trans(self))


def _binary(name, reflected=False):
    if reflected:

        def method(self, other):
            return getattr(_semantic(), name)(other, self)

    else:

        def method(self, other):
            return getattr(_semantic(), name)(self, other)

    return method


for _dunder, _sem in {
    "add": "add",
    "sub": "sub",
    "mul": "mul",
    "truediv": "truediv",
    "floordiv": "floordiv",
    "mod": "mod",
    "and": "and_",
    "or": "or_",
    "xor": "xor_",
    "lshift": "shl",
    "rshift": "shr",
    "pow": "pow",
}.items():
    setattr(tensor, f"__{_dunder}__", _binary(_sem))
    setattr(tensor, f"__r{_dunder}__", _binary(_sem, reflected=True))

for _dunder, _sem in {
    "lt": "less",
    "le": "less_equal",
    "gt": "greater",
    "ge": "greater_equal",
    "eq": "equal",
    "ne": "not_equal",
}.items():
    setattr(tensor, f"__{_dunder}__", _binary(_sem))

tensor.__neg__ = lambda self: _semantic().neg(self)
tensor.__pos__ = lambda self: self
tensor.__invert__ = lambda self: _semantic().invert(self)
tensor.__hash__ = object.__hash__


# --------------------------------------------------------------------------
# The active semantic
# --------------------------------------------------------------------------

# Per thread: kernels may compile concurrently (the autotuner compiles its
# configs in parallel), each with its own code generator.
_state = threading.local()


def active_semantic():
    """The semantic of the kernel being generated or interpreted on this
    thread, or None."""
    return getattr(_state, "semantic", None)


def _semantic():
    semantic = active_semantic()
    if semantic is None:
        raise RuntimeError(
            "recur.language functions can only be called inside a @recur.jit "
            "kernel (compiled or under RECUR_INTERPRET=1)"
        )
    return semantic


@contextlib.contextmanager
def use_semantic(semantic):
    previous = active_semantic()
    _state.semantic = semantic
    try:
        yield semantic
    finally:
        _state.semantic = previous


def builtin(fn):
    """Marks a language function; the code generator calls it directly."""
    fn.__recur_builtin__ = True
    return fn


# --------------------------------------------------------------------------
# Builtins: programs, creation, memory
# --------------------------------------------------------------------------


@builtin
def program_id(axis) -> tensor:
    return _semantic().program_id(_unwrap(axis))


@builtin
def num_programs(axis) -> tensor:
    return _semantic().num_programs(_unwrap(axis))


@builtin
def arange(start, end) -> tensor:
    return _semantic().arange(start, end)


@builtin
def full(shape, value, dtype) -> tensor:
    return _semantic().full(shape, value, _unwrap(dtype))


@builtin
def zeros(shape, dtype) -> tensor:
    return _semantic().full(shape, 0, _unwrap(dtype))


@builtin
def zeros_like(input) -> tensor:
    return _semantic().full(input.type.shape, 0, input.dtype)


@builtin
def full_like(input, value) -> tensor:
    return _semantic().full(input.type.shape, value, input.dtype)


@builtin
def cast(input, dtype, bitcast=False) -> tensor:
    input = _semantic().to_tensor(input)
    return input.to(dtype, bitcast=bitcast)


@builtin
def load(
    pointer,
    mask=None,
    other=None,
    boundary_check=(),
    padding_option="",
    cache_modifier="",
    eviction_policy="",
    volatile=False,
) -> tensor:
    return _semantic().load(
        pointer,
        mask,
        other,
        _unwrap(cache_modifier),
        _unwrap(eviction_policy),
        bool(_unwrap(volatile)),
    )


@builtin
def store(pointer, value, mask=None, boundary_check=(), cache_modifier="", eviction_policy=""):
    return _semantic().store(
        pointer, value, mask, _unwrap(cache_modifier), _unwrap(eviction_policy)
    )


def _atomic(kind):
    def fn(pointer, val, mask=None, sem=None, scope=None):
        return _semantic().atomic_rmw(
            kind, pointer, val, mask, _unwrap(sem) or "acq_rel", _unwrap(scope) or "gpu"
        )

    fn.__name__ = f"atomic_{kind}"
    fn.__doc__ = f"Atomic {kind}; returns the previous values."
    return builtin(fn)


atomic_add = _atomic("add")
atomic_max = _atomic("max")
atomic_min = _atomic("min")
atomic_and = _atomic("and")
atomic_or = _atomic("or")
atomic_xor = _atomic("xor")
atomic_xchg = _atomic("xchg")


# --------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------


def _shape_arg(shape):
    shape = _unwrap(shape)
    if isinstance(shape, (list, tuple)):
        return [int(_unwrap(d)) for d in shape]
    return [int(shape)]


@builtin
def broadcast_to(input, *shape) -> tensor:
    shape = _shape_arg(shape[0] if len(shape) == 1 else shape)
    return _semantic().broadcast_to(_semantic().to_tensor(input), shape)


@builtin
def broadcast(input, other):
    return _semantic().broadcast_pair(input, other)


@builtin
def reshape(input, *shape, can_reorder=False) -> tensor:
    shape = _shape_arg(shape[0] if len(shape) == 1 else shape)
    return _semantic().reshape(input, shape)


view = reshape


@builtin
def trans(input, *dims) -> tensor:
    dims = [_unwrap(d) for d in dims]
    if len(dims) == 1 and isinstance(dims[0], (list, tuple)):
        dims = [_unwrap(d) for d in dims[0]]
    return _semantic().trans(input, dims or None)


permute = trans


@builtin
def expand_dims(input, axis) -> tensor:
    axis = _unwrap(axis)
    input = _semantic().to_tensor(input)
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    for a in sorted(_unwrap(a) for a in axes):
        input = _semantic().expand_dims(input, a)
    return input


# --------------------------------------------------------------------------
# Math
# --------------------------------------------------------------------------


def _unary(name):
    def fn(x):
        return _semantic().unary(name, x)

    fn.__name__ = name
    return builtin(fn)


exp = _unary("exp")
exp2 = _unary("exp2")
log = _unary("log")
log2 = _unary("log2")
sqrt = _unary("sqrt")
rsqrt = _unary("rsqrt")
sin = _unary("sin")
cos = _unary("cos")
tanh = _unary("tanh")
erf = _unary("erf")
floor = _unary("floor")
ceil = _unary("ceil")
sigmoid = _unary("sigmoid")
abs = _unary("abs")
sqrt_rn = sqrt


@builtin
def maximum(x, y, propagate_nan=None) -> tensor:
    return _semantic().maximum(x, y)


@builtin
def minimum(x, y, propagate_nan=None) -> tensor:
    return _semantic().minimum(x, y)


@builtin
def clamp(x, min, max, propagate_nan=None) -> tensor:
    return _semantic().minimum(_semantic().maximum(x, min), max)


@builtin
def fma(x, y, z) -> tensor:
    return _semantic().fma(x, y, z)


@builtin
def where(condition, x, y) -> tensor:
    return _semantic().where(condition, x, y)


@builtin
def fdiv(x, y, ieee_rounding=False) -> tensor:
    return _semantic().truediv(x, y)


@builtin
def div_rn(x, y) -> tensor:
    return _semantic().truediv(x, y)


@builtin
def cdiv(x, div):
    """Ceiling division; on constexprs it is folded."""
    if is_constexpr_value(x) and is_constexpr_value(div):
        return constexpr((_unwrap(x) + _unwrap(div) - 1) // _unwrap(div))
    return (x + div - 1) // div


@builtin
def dot(
    input,
    other,
    acc=None,
    input_precision=None,
    allow_tf32=None,
    max_num_imprecise_acc=None,
    out_dtype=float32,
) -> tensor:
    precision = _unwrap(input_precision)
    if precision is None and _unwrap(allow_tf32) is not None:
        precision = "tf32" if _unwrap(allow_tf32) else "ieee"
    return _semantic().dot(input, other, acc, precision, _unwrap(out_dtype))


# --------------------------------------------------------------------------
# Reductions and scans
# --------------------------------------------------------------------------


@builtin
def reduce(input, axis, combine_fn, keep_dims=False):
    """Reduces one tensor or a tuple of tensors with ``combine_fn``."""
    return _semantic().reduce(input, _unwrap(axis), combine_fn, bool(_unwrap(keep_dims)))


@builtin
def associative_scan(input, axis, combine_fn, reverse=False):
    """Inclusive scan of one tensor or a tuple of tensors with ``combine_fn``."""
    return _semantic().scan(input, _unwrap(axis), combine_fn, bool(_unwrap(reverse)))


def _combine(op):
    def combine(a, b):
        return op(a, b)

    return combine


def _sum_combine(a, b):
    return a + b


def _prod_combine(a, b):
    return a * b


def _max_combine(a, b):
    return _semantic().maximum(a, b)


def _min_combine(a, b):
    return _semantic().minimum(a, b)


def _accumulation_input(input, dtype):
    """Triton sums small integers in int32 and low-precision floats in fp32."""
    input = _semantic().to_tensor(input)
    if dtype is not None:
        return input.to(dtype)
    scalar = input.dtype
    if scalar.is_int() and scalar.int_bitwidth < 32:
        return input.to(int32)
    if scalar.is_fp16() or scalar.is_bf16():
        return input.to(float32)
    return input


@builtin
def sum(input, axis=None, keep_dims=False, dtype=None):
    input = _accumulation_input(input, _unwrap(dtype))
    return reduce(input, axis, _sum_combine, keep_dims)


@builtin
def xor_sum(input, axis=None, keep_dims=False):
    return reduce(input, axis, lambda a, b: a ^ b, keep_dims)


@builtin
def max(
    input, axis=None, return_indices=False, return_indices_tie_break_left=True, keep_dims=False
):
    if _unwrap(return_indices):
        return _semantic().arg_reduce(input, _unwrap(axis), "max", bool(_unwrap(keep_dims)), True)
    return reduce(input, axis, _max_combine, keep_dims)


@builtin
def min(
    input, axis=None, return_indices=False, return_indices_tie_break_left=True, keep_dims=False
):
    if _unwrap(return_indices):
        return _semantic().arg_reduce(input, _unwrap(axis), "min", bool(_unwrap(keep_dims)), True)
    return reduce(input, axis, _min_combine, keep_dims)


@builtin
def argmax(input, axis, tie_break_left=True, keep_dims=False):
    return _semantic().arg_reduce(input, _unwrap(axis), "max", bool(_unwrap(keep_dims)), False)


@builtin
def argmin(input, axis, tie_break_left=True, keep_dims=False):
    return _semantic().arg_reduce(input, _unwrap(axis), "min", bool(_unwrap(keep_dims)), False)


@builtin
def cumsum(input, axis=0, reverse=False, dtype=None):
    input = _accumulation_input(input, _unwrap(dtype))
    return associative_scan(input, axis, _sum_combine, reverse)


@builtin
def cumprod(input, axis=0, reverse=False):
    input = _accumulation_input(input, None)
    return associative_scan(input, axis, _prod_combine, reverse)


# --------------------------------------------------------------------------
# Compiler hints, debugging, static checks
# --------------------------------------------------------------------------


@builtin
def multiple_of(input, values):
    """Promises that ``input`` is a multiple of ``values``; a hint only."""
    return _semantic().hint(input, "multiple_of", values)


@builtin
def max_contiguous(input, values):
    """Promises runs of ``values`` contiguous elements; a hint only."""
    return _semantic().hint(input, "max_contiguous", values)


@builtin
def max_constancy(input, values):
    return _semantic().hint(input, "max_constancy", values)


@builtin
def device_print(prefix, *args, hex=False):
    return _semantic().device_print(_unwrap(prefix), args, bool(_unwrap(hex)))


@builtin
def device_assert(cond, msg=""):
    return _semantic().device_assert(cond, _unwrap(msg))


@builtin
def static_assert(cond, msg=""):
    cond = _unwrap(cond)
    if isinstance(cond, tensor):
        raise TypeError("static_assert needs a constexpr condition, got a tensor")
    if not cond:
        raise AssertionError(
            f"static_assert failed: {_unwrap(msg)}" if _unwrap(msg) else "static_assert failed"
        )


@builtin
def static_print(*values, sep=" ", end="\n", file=None, flush=False):
    print(*(_unwrap(v) for v in values), sep=sep, end=end, file=file, flush=flush)


class static_range:
    """A loop the compiler unrolls: ``for i in rl.static_range(4)``."""

    def __init__(self, arg1, arg2=None, step=None):
        if arg2 is None:
            arg1, arg2 = 0, arg1
        self.start = _unwrap(arg1)
        self.end = _unwrap(arg2)
        self.step = 1 if step is None else _unwrap(step)
        for name, value in (("start", self.start), ("end", self.end), ("step", self.step)):
            if not isinstance(value, numbers.Integral):
                raise TypeError(f"static_range {name} must be a constexpr integer")

    def __iter__(self):
        import builtins

        return (constexpr(i) for i in builtins.range(self.start, self.end, self.step))


class range:
    """``rl.range(start, end, step, num_stages=...)``: a runtime loop."""

    def __init__(self, arg1, arg2=None, step=None, num_stages=None, loop_unroll_factor=None):
        if arg2 is None:
            arg1, arg2 = 0, arg1
        self.start, self.end = arg1, arg2
        self.step = 1 if step is None else step
        self.num_stages = num_stages

    def __iter__(self):
        # Interpreted kernels iterate in Python.
        import builtins

        return iter(builtins.range(int(self.start), int(self.end), int(self.step)))


def _py_scalar_dtype(value) -> dtype:
    """Triton's types for Python scalars: int32 if it fits, then int64/uint64."""
    if isinstance(value, bool):
        return int1
    if isinstance(value, numbers.Integral):
        if -(2**31) <= value < 2**31:
            return int32
        if -(2**63) <= value < 2**63:
            return int64
        if 0 <= value < 2**64:
            return uint64
        raise ValueError(f"integer {value} does not fit in 64 bits")
    if isinstance(value, numbers.Real):
        return float32
    raise TypeError(f"cannot convert {type(value).__name__} to a tensor")


__all__ = [
    name
    for name in dir()
    if not name.startswith("_")
    and name not in ("annotations", "contextlib", "math", "numbers", "Any", "Sequence")
]
