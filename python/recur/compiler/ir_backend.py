"""The compiling backend of the language: every primitive emits tile IR.

Operations are created through ``recur._C.ir.Builder.create`` by name; the
types come from ``recur.language.semantic``, which has already applied the
typing rules, so this file is a direct mapping onto the ``tile``, ``arith``
and ``math`` dialects.
"""

from __future__ import annotations

from ..language import core
from ..language.semantic import SemanticError

# arith.cmpf / arith.cmpi predicates (their enum values). `!=` is unordered
# on floats (NaN != x holds), the others are ordered, as in Triton.
_CMPF = {"eq": 1, "gt": 2, "ge": 3, "lt": 4, "le": 5, "ne": 13}
_CMPI_SIGNED = {"eq": 0, "ne": 1, "lt": 2, "le": 3, "gt": 4, "ge": 5}
_CMPI_UNSIGNED = {"eq": 0, "ne": 1, "lt": 6, "le": 7, "gt": 8, "ge": 9}

_FLOAT_BINARY = {
    "add": "arith.addf", "sub": "arith.subf", "mul": "arith.mulf",
    "div": "arith.divf", "mod": "arith.remf", "max": "arith.maximumf",
    "min": "arith.minimumf",
}  # fmt: skip
_INT_BINARY = {
    "add": "arith.addi", "sub": "arith.subi", "mul": "arith.muli",
    "and": "arith.andi", "or": "arith.ori", "xor": "arith.xori",
    "shl": "arith.shli",
}  # fmt: skip
_INT_BINARY_SIGNED = {
    "floordiv": ("arith.divsi", "arith.divui"),
    "mod": ("arith.remsi", "arith.remui"),
    "shr": ("arith.shrsi", "arith.shrui"),
    "max": ("arith.maxsi", "arith.maxui"),
    "min": ("arith.minsi", "arith.minui"),
}
_FLOAT_UNARY = {
    "neg": "arith.negf", "exp": "math.exp", "exp2": "math.exp2",
    "log": "math.log", "log2": "math.log2", "sqrt": "math.sqrt",
    "rsqrt": "math.rsqrt", "sin": "math.sin", "cos": "math.cos",
    "tanh": "math.tanh", "erf": "math.erf", "floor": "math.floor",
    "ceil": "math.ceil", "abs": "math.absf",
}  # fmt: skip

_RMW_KINDS = {
    "add": 0, "fadd": 1, "max": 2, "min": 3, "umax": 4, "umin": 5,
    "fmax": 6, "fmin": 7, "and": 8, "or": 9, "xor": 10, "xchg": 11,
}  # fmt: skip
_MEM_SEMANTICS = {"relaxed": 0, "acquire": 1, "release": 2, "acq_rel": 3}
_MEM_SCOPES = {"gpu": 0, "cta": 1, "sys": 2}


class IRBackend:
    def __init__(self, generator):
        self.generator = generator
        self.context = generator.context
        self.builder = generator.builder
        self._types = {}
        self.i32 = self.type(core.int32)
        self.i64 = self.type(core.int64)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def type(self, ty):
        """The MLIR type of a language type (cached)."""
        key = ty.mlir()
        found = self._types.get(key)
        if found is None:
            found = self._types[key] = self.context.parse_type(key)
        return found

    def op(self, name, operands, result_types=(), attributes=None, num_regions=0):
        return self.builder.create(
            name,
            list(operands),
            [self.type(t) if isinstance(t, core.dtype) else t for t in result_types],
            attributes or {},
            num_regions,
        )

    def op1(self, name, operands, result_type, attributes=None):
        return self.op(name, operands, [result_type], attributes).result(0)

    def i32_attr(self, value):
        return self.builder.int_attr(int(value), self.i32)

    # ------------------------------------------------------------------
    # Values
    # ------------------------------------------------------------------

    def _scalar_attr(self, value, ty):
        if ty.is_floating():
            return self.builder.float_attr(float(value), self.type(ty))
        bits = ty.int_bitwidth
        value = int(value) & ((1 << bits) - 1)
        if bits > 1 and value >= 1 << (bits - 1):
            value -= 1 << bits
        return self.builder.int_attr(value, self.type(ty))

    def constant(self, value, ty):
        if ty.is_ptr():
            raise SemanticError("pointer constants are not supported")
        return self.op1("arith.constant", [], ty, {"value": self._scalar_attr(value, ty)})

    def splat(self, handle, ty):
        return self.op1("tile.splat", [handle], ty)

    def broadcast(self, handle, ty):
        return self.op1("tile.broadcast", [handle], ty)

    def expand_dims(self, handle, axis, ty):
        return self.op1("tile.expand_dims", [handle], ty, {"axis": self.i32_attr(axis)})

    def reshape(self, handle, ty):
        return self.op1("tile.reshape", [handle], ty)

    def trans(self, handle, order, ty):
        return self.op1(
            "tile.trans", [handle], ty, {"order": self.builder.dense_i32_array_attr(order)}
        )

    # ------------------------------------------------------------------
    # Arithmetic
    # ------------------------------------------------------------------

    def binary(self, op, lhs, rhs, ty):
        scalar = ty.scalar
        if scalar.is_floating():
            if op == "floordiv":
                raise SemanticError("'//' needs integer operands")
            return self.op1(_FLOAT_BINARY[op], [lhs, rhs], ty)
        if op in _INT_BINARY:
            return self.op1(_INT_BINARY[op], [lhs, rhs], ty)
        if op in _INT_BINARY_SIGNED:
            signed, unsigned = _INT_BINARY_SIGNED[op]
            return self.op1(signed if scalar.is_int_signed() else unsigned, [lhs, rhs], ty)
        raise SemanticError(f"operator '{op}' is not defined on {scalar}")

    def unary(self, op, handle, ty):
        scalar = ty.scalar
        if scalar.is_floating():
            return self.op1(_FLOAT_UNARY[op], [handle], ty)
        if op == "abs":
            return self.op1("math.absi", [handle], ty)
        raise SemanticError(f"{op} is not defined on {scalar}")

    def fma(self, x, y, z, ty):
        return self.op1("math.fma", [x, y, z], ty)

    def select(self, condition, x, y, ty):
        return self.op1("arith.select", [condition, x, y], ty)

    def compare(self, pred, lhs, rhs, ty):
        scalar = ty.scalar
        result = core.block_type(core.int1, ty.shape) if ty.is_block() else core.int1
        if scalar.is_ptr():
            raise SemanticError("comparing pointers is not supported")
        i64 = self.i64
        if scalar.is_floating():
            return self.op1(
                "arith.cmpf",
                [lhs, rhs],
                result,
                {"predicate": self.builder.int_attr(_CMPF[pred], i64)},
            )
        table = _CMPI_SIGNED if scalar.is_int_signed() else _CMPI_UNSIGNED
        return self.op1(
            "arith.cmpi", [lhs, rhs], result, {"predicate": self.builder.int_attr(table[pred], i64)}
        )

    def cast(self, handle, src_ty, dst_ty):
        src, dst = src_ty.scalar, dst_ty.scalar
        if dst.is_bool():
            zero = self.constant(0, src)
            if src_ty.is_block():
                zero = self.splat(zero, src_ty)
            return self.compare("ne", handle, zero, src_ty)
        if src.is_floating() and dst.is_floating():
            if src.primitive_bitwidth < dst.primitive_bitwidth:
                return self.op1("arith.extf", [handle], dst_ty)
            if src.primitive_bitwidth > dst.primitive_bitwidth:
                return self.op1("arith.truncf", [handle], dst_ty)
            # fp16 <-> bf16 go through fp32.
            wide = (
                core.block_type(core.float32, src_ty.shape) if src_ty.is_block() else core.float32
            )
            return self.op1("arith.truncf", [self.op1("arith.extf", [handle], wide)], dst_ty)
        if src.is_floating():
            name = "arith.fptosi" if dst.is_int_signed() else "arith.fptoui"
            return self.op1(name, [handle], dst_ty)
        if dst.is_floating():
            name = "arith.sitofp" if src.is_int_signed() else "arith.uitofp"
            return self.op1(name, [handle], dst_ty)
        if src.int_bitwidth == dst.int_bitwidth:
            return handle  # a signedness change: the bits stay
        if src.int_bitwidth > dst.int_bitwidth:
            return self.op1("arith.trunci", [handle], dst_ty)
        name = "arith.extsi" if src.is_int_signed() else "arith.extui"
        return self.op1(name, [handle], dst_ty)

    def bitcast(self, handle, src_ty, dst_ty):
        if src_ty.scalar.is_ptr() or dst_ty.scalar.is_ptr():
            raise SemanticError("pointer bitcasts are not supported")
        if src_ty.scalar.mlir() == dst_ty.scalar.mlir():
            return handle
        return self.op1("arith.bitcast", [handle], dst_ty)

    # ------------------------------------------------------------------
    # Programs and memory
    # ------------------------------------------------------------------

    def program_id(self, axis):
        return self.op1("tile.program_id", [], core.int32, {"axis": self.i32_attr(axis)})

    def num_programs(self, axis):
        return self.op1("tile.num_programs", [], core.int32, {"axis": self.i32_attr(axis)})

    def arange(self, start, end, ty):
        return self.op1(
            "tile.make_range", [], ty, {"start": self.i32_attr(start), "end": self.i32_attr(end)}
        )

    def addptr(self, ptr, offset, ptr_ty, offset_ty):
        return self.op1("tile.addptr", [ptr, offset], ptr_ty)

    def _memory_attributes(self, cache, evict):
        attributes = {}
        if cache:
            cache = cache.lstrip(".")
            if cache not in ("ca", "cg", "cs", "cv", "wb", "wt"):
                raise SemanticError(f"unknown cache modifier '{cache}'")
            attributes["cache"] = self.context.parse_attr(f"#tile.cache<{cache}>")
        if evict:
            if evict not in ("evict_first", "evict_last", "normal"):
                raise SemanticError(f"unknown eviction policy '{evict}'")
            attributes["evict"] = self.context.parse_attr(f"#tile.evict<{evict}>")
        return attributes

    def load(self, ptr, mask, other, ty, cache, evict, volatile):
        operands = [ptr] + [h for h in (mask, other) if h is not None]
        attributes = self._memory_attributes(cache, evict)
        attributes["operandSegmentSizes"] = self.builder.dense_i32_array_attr(
            [1, int(mask is not None), int(other is not None)]
        )
        if volatile:
            attributes["isVolatile"] = self.builder.unit_attr()
        return self.op1("tile.load", operands, ty, attributes)

    def store(self, ptr, value, mask, ptr_ty, cache, evict):
        operands = [ptr, value] + ([mask] if mask is not None else [])
        self.op("tile.store", operands, [], self._memory_attributes(cache, evict))

    def atomic_rmw(self, kind, ptr, value, mask, sem, scope, ptr_ty, ty):
        operands = [ptr, value] + ([mask] if mask is not None else [])
        attributes = {
            "kind": self.i32_attr(_RMW_KINDS[kind]),
            "sem": self.i32_attr(_MEM_SEMANTICS[sem]),
            "scope": self.i32_attr(_MEM_SCOPES[scope]),
        }
        return self.op1("tile.atomic_rmw", operands, ty, attributes)

    def dot(self, a, b, acc, precision, a_ty, b_ty, ty):
        attributes = {}
        if precision:
            attributes["inputPrecision"] = self.context.parse_attr(f"#tile.precision<{precision}>")
        return self.op1("tile.dot", [a, b, acc], ty, attributes)

    # ------------------------------------------------------------------
    # Regions
    # ------------------------------------------------------------------

    def _combine_block(self, op, types, combine):
        """Fills the combine region of a reduce or scan: 2N scalars in, N out."""
        scalars = [t.scalar for t in types]
        outer = self.builder.insertion_block()
        block = op.region(0).add_block([self.type(s) for s in scalars * 2], self.builder)
        self.builder.set_insertion_point_to_end(block)
        args = [core.tensor(block.arg(i), s) for i, s in enumerate(scalars * 2)]
        results = combine(args)
        for r in results:
            if r.type.is_block():
                raise SemanticError("the combine function must return scalars")
        self.op("tile.yield", [r.handle for r in results])
        self.builder.set_insertion_point_to_end(outer)

    def reduce(self, handles, types, axis, combine, result_types):
        op = self.op(
            "tile.reduce", handles, result_types, {"axis": self.i32_attr(axis)}, num_regions=1
        )
        self._combine_block(op, types, combine)
        return op.results()

    def scan(self, handles, types, axis, reverse, combine):
        attributes = {"axis": self.i32_attr(axis)}
        if reverse:
            attributes["reverse"] = self.builder.unit_attr()
        op = self.op("tile.scan", handles, types, attributes, num_regions=1)
        self._combine_block(op, types, combine)
        return op.results()

    # ------------------------------------------------------------------
    # Hints and debugging
    # ------------------------------------------------------------------

    def hint(self, handle, kind, values, ty):
        # Contiguity and divisibility are derived by the compiler's own
        # analysis on the CPU; the hints are accepted and checked for form.
        return handle

    def device_print(self, prefix, handles, types, hex):
        attributes = {"prefix": self.builder.str_attr(prefix)}
        if hex:
            attributes["hex"] = self.builder.unit_attr()
        self.op("tile.print", handles, [], attributes)

    def device_assert(self, condition, ty, message):
        self.op("tile.assert", [condition], [], {"message": self.builder.str_attr(message)})

    # ------------------------------------------------------------------
    # Python conversions, which compiled code cannot do
    # ------------------------------------------------------------------

    def to_bool(self, x):
        raise SemanticError(
            "a runtime tensor has no Python truth value here; use it in an `if`/`while` "
            "condition or rl.where"
        )

    def to_index(self, x):
        raise SemanticError(
            "a runtime tensor is not a compile-time integer; mark the parameter ': rl.constexpr'"
        )

    to_float = to_index

    def call_jit_function(self, fn, args, kwargs):
        return self.generator.call_jit_function(fn, args, kwargs)
