"""From a kernel's Python AST to tile IR.

The generator walks the AST of a ``@recur.jit`` function (it never runs the
function). Expressions evaluate to language values: ``tensor``s for runtime
values, ``constexpr``s and plain Python objects for everything known at
compile time, which is folded. Statements on runtime values become
structured control flow: ``if`` -> ``scf.if``, ``for ... in range`` ->
``scf.for``, ``while`` -> ``scf.while``, with the variables a block assigns
carried as results; ``rl.static_range`` loops and ``if`` on constexprs are
expanded here. Calls of other ``@recur.jit`` functions become private
``tile.func``s (one per specialisation) and ``tile.call``s, which the CPU
pipeline inlines.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import inspect
import operator

from ..language import core
from ..language.core import constexpr, tensor
from ..language.semantic import Semantic, SemanticError
from .errors import CompilationError
from .ir_backend import IRBackend

_BINARY_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
}
_COMPARE_OPS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}


def _unwrap(x):
    return x.value if isinstance(x, constexpr) else x


def _is_runtime(x) -> bool:
    return isinstance(x, tensor)


def _assigned_names(statements) -> set:
    """Every name a list of statements may assign (Store contexts)."""
    names = set()
    for statement in statements:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names


class _ReturnFound(Exception):
    pass


class FunctionSource:
    """A function's AST with the file and line numbers of its source."""

    def __init__(self, fn):
        self.fn = fn
        self.file = inspect.getsourcefile(fn) or "<unknown>"
        lines, first_line = inspect.getsourcelines(fn)
        self.lines = lines
        self.first_line = first_line
        indent = len(lines[0]) - len(lines[0].lstrip())
        self.indent = indent
        source = "".join(line[indent:] if line.strip() else "\n" for line in lines)
        self.source = source
        self.tree = ast.parse(source)

    def location(self, node):
        line = self.first_line + getattr(node, "lineno", 1) - 1
        col = getattr(node, "col_offset", 0) + self.indent + 1
        text = self.lines[getattr(node, "lineno", 1) - 1].rstrip("\n")
        return line, col, text


class CodeGenerator(ast.NodeVisitor):
    """Generates one ``tile.func`` for one specialisation of a function."""

    def __init__(
        self, module_state, jit_fn, arg_types, constexprs, name, is_kernel, divisibility=()
    ):
        self.state = module_state
        self.context = module_state.context
        self.builder = module_state.builder
        self.jit_fn = jit_fn
        self.source = jit_fn.parsed_source()
        self.arg_types = arg_types  # parameter name -> language type
        self.constexprs = constexprs  # parameter name -> Python value
        self.name = name
        self.is_kernel = is_kernel
        self.divisibility = set(divisibility)
        self.semantic = Semantic(IRBackend(self))
        self.scope = {}
        self.globals = dict(jit_fn.fn.__globals__)
        closure = inspect.getclosurevars(jit_fn.fn)
        self.globals.update(closure.nonlocals)
        self.return_types = None
        self.return_is_tuple = False
        self.last_node = None

    # ------------------------------------------------------------------
    # Errors and locations
    # ------------------------------------------------------------------

    def visit(self, node):
        if hasattr(node, "lineno"):
            previous = self.last_node
            self.last_node = node
            line, col, _ = self.source.location(node)
            self.builder.set_loc(self.source.file, line, col)
        else:
            previous = self.last_node
        try:
            return super().visit(node)
        except (CompilationError, _ReturnFound):
            raise
        except (
            SemanticError,
            TypeError,
            ValueError,
            AssertionError,
            NameError,
            AttributeError,
            IndexError,
            KeyError,
            ZeroDivisionError,
            NotImplementedError,
        ) as error:
            raise self.error(node, error) from None
        finally:
            if hasattr(node, "lineno"):
                self.last_node = previous
                if previous is not None:
                    line, col, _ = self.source.location(previous)
                    self.builder.set_loc(self.source.file, line, col)

    def error(self, node, error) -> CompilationError:
        node = node if hasattr(node, "lineno") else self.last_node
        line, col, text = self.source.location(node)
        if isinstance(error, (SemanticError, str)):
            message = str(error)
        else:
            message = f"{type(error).__name__}: {error}"
        return CompilationError(self.source.file, line, col, text, message)

    def generic_visit(self, node):
        raise SemanticError(f"unsupported Python syntax: {type(node).__name__}")

    # ------------------------------------------------------------------
    # Functions
    # ------------------------------------------------------------------

    def generate(self):
        from ..language.core import use_semantic

        with use_semantic(self.semantic):
            fn_node = self.source.tree.body[0]
            self.visit_function(fn_node)

    def visit_function(self, node):
        if not isinstance(node, ast.FunctionDef):
            raise self.error(node, "a @recur.jit object must be a function")
        self.last_node = node
        line, col, _ = self.source.location(node)
        self.builder.set_loc(self.source.file, line, col)
        b = self.builder
        runtime_args = [(n, t) for n, t in self.arg_types.items()]
        input_types = [self.semantic.backend.type(t) for _, t in runtime_args]
        attributes = {
            "sym_name": b.str_attr(self.name),
            "function_type": b.type_attr(b.function_type(input_types, [])),
        }
        if not self.is_kernel:
            attributes["sym_visibility"] = b.str_attr("private")
        if self.divisibility:
            dicts = [
                "{tile.divisibility = 16 : i32}" if n in self.divisibility else "{}"
                for n, _ in runtime_args
            ]
            attributes["arg_attrs"] = self.context.parse_attr("[" + ", ".join(dicts) + "]")
        outer = b.insertion_block()
        b.set_insertion_point_to_end(self.state.module.body)
        func = b.create("tile.func", [], [], attributes, 1)
        self.func = func
        entry = func.region(0).add_block(input_types, b)
        b.set_insertion_point_to_end(entry)
        for i, (name, ty) in enumerate(runtime_args):
            self.scope[name] = tensor(entry.arg(i), ty)
        for name, value in self.constexprs.items():
            self.scope[name] = constexpr(value)

        body = node.body
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(getattr(body[0], "value", None), ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body = body[1:]  # docstring
        for i, statement in enumerate(body):
            if isinstance(statement, ast.Return):
                if i != len(body) - 1:
                    raise self.error(statement, "code after 'return' is not supported")
                self.emit_return(statement)
                break
            self.visit(statement)
        else:
            self.emit_return(None)
        if outer is not None:
            b.set_insertion_point_to_end(outer)

    def emit_return(self, node):
        values = []
        if node is not None and node.value is not None:
            value = self.visit(node.value)
            self.return_is_tuple = isinstance(value, tuple)
            items = list(value) if isinstance(value, tuple) else [value]
            for item in items:
                if item is None:
                    continue
                values.append(self.semantic.to_tensor(item))
        if self.is_kernel and values:
            raise self.error(node, "a kernel cannot return a value")
        self.return_types = [v.type for v in values]
        self.builder.create("tile.return", [v.handle for v in values], [], {}, 0)
        if values:
            b = self.builder
            input_types = [self.semantic.backend.type(t) for t in self.arg_types.values()]
            result_types = [self.semantic.backend.type(t) for t in self.return_types]
            self.func.set_attr(
                "function_type", b.type_attr(b.function_type(input_types, result_types))
            )

    def visit_Return(self, node):
        raise SemanticError("'return' is only supported as the last statement of a function")

    def call_jit_function(self, fn, args, kwargs):
        """A call of another @recur.jit function: a private tile.func + tile.call."""
        bound = fn.bind_call(args, kwargs)
        arg_types, constexprs = {}, {}
        handles = []
        for name, value in bound.items():
            if name in fn.constexpr_names or not _is_runtime(value):
                if isinstance(value, (tuple, list)) and any(_is_runtime(v) for v in value):
                    raise SemanticError(
                        f"argument '{name}' of {fn.__name__}: tuples of tensors cannot be passed "
                        "to functions"
                    )
                if _is_runtime(value):
                    raise SemanticError(
                        f"argument '{name}' of {fn.__name__} is a constexpr parameter but got a "
                        "runtime tensor"
                    )
                constexprs[name] = _unwrap(value)
            else:
                arg_types[name] = value.type
                handles.append(value.handle)
        key = (
            fn,
            tuple((n, str(t)) for n, t in arg_types.items()),
            tuple((n, repr(v)) for n, v in constexprs.items()),
        )
        callee = self.state.functions.get(key)
        if callee is None:
            if key in self.state.in_progress:
                raise SemanticError(f"recursive call of {fn.__name__} is not supported")
            digest = hashlib.sha256(repr(key[1:]).encode()).hexdigest()[:12]
            name = f"{fn.__name__}__{digest}"
            self.state.in_progress.add(key)
            generator = CodeGenerator(self.state, fn, arg_types, constexprs, name, is_kernel=False)
            generator.generate()
            self.state.in_progress.discard(key)
            line, col, _ = self.source.location(self.last_node)
            self.builder.set_loc(self.source.file, line, col)
            callee = (name, generator.return_types, generator.return_is_tuple)
            self.state.functions[key] = callee
        name, return_types, is_tuple = callee
        b = self.builder
        backend = self.semantic.backend
        call = b.create(
            "tile.call",
            handles,
            [backend.type(t) for t in return_types],
            {"callee": b.symbol_ref_attr(name)},
            0,
        )
        results = [tensor(call.result(i), t) for i, t in enumerate(return_types)]
        if is_tuple:
            return tuple(results)
        return results[0] if results else None

    # ------------------------------------------------------------------
    # Statements
    # ------------------------------------------------------------------

    def visit_block(self, statements):
        for statement in statements:
            self.visit(statement)

    def visit_Pass(self, node):
        pass

    def visit_Expr(self, node):
        self.visit(node.value)

    def assign(self, target, value):
        if isinstance(target, ast.Name):
            self.scope[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = _unwrap(value)
            if not isinstance(values, (tuple, list)):
                raise SemanticError("cannot unpack a non-tuple value")
            if len(values) != len(target.elts):
                raise SemanticError(
                    f"cannot unpack {len(values)} values into {len(target.elts)} names"
                )
            for t, v in zip(target.elts, values):
                self.assign(t, v)
        else:
            raise SemanticError("only names and tuples of names can be assigned to")

    def visit_Assign(self, node):
        value = self.visit(node.value)
        for target in node.targets:
            self.assign(target, value)

    def visit_AnnAssign(self, node):
        value = self.visit(node.value) if node.value is not None else None
        annotation = self.visit(node.annotation)
        if annotation is constexpr or annotation == "constexpr":
            if _is_runtime(value):
                raise SemanticError(
                    f"'{node.target.id}' is annotated constexpr but is a runtime value"
                )
            value = constexpr(value)
        self.assign(node.target, value)

    def visit_AugAssign(self, node):
        if not isinstance(node.target, ast.Name):
            raise SemanticError("only names can be the target of an augmented assignment")
        lhs = self.lookup(node.target.id)
        rhs = self.visit(node.value)
        self.scope[node.target.id] = self.binary(node.op, lhs, rhs)

    def visit_Assert(self, node):
        test = self.visit(node.test)
        message = self.visit(node.msg) if node.msg is not None else ""
        if _is_runtime(test):
            core.device_assert(test, _unwrap(message))
        elif not _unwrap(test):
            raise SemanticError(f"assertion failed: {_unwrap(message)}")

    def visit_Break(self, node):
        raise SemanticError("'break' is not supported; use a while loop with a condition")

    def visit_Continue(self, node):
        raise SemanticError("'continue' is not supported; use if/else")

    # -- if ------------------------------------------------------------

    def visit_If(self, node):
        condition = self.visit(node.test)
        if not _is_runtime(condition):
            self.visit_block(node.body if _unwrap(condition) else node.orelse)
            return
        condition = self.scalar_condition(condition, "if")
        b = self.builder
        backend = self.semantic.backend
        outer = b.insertion_block()
        host = b.create("scf.if", [condition.handle], [], {}, 2)
        before = dict(self.scope)
        scopes, blocks = [], []
        for region, statements in ((0, node.body), (1, node.orelse)):
            block = host.region(region).add_block([], b)
            b.set_insertion_point_to_end(block)
            self.scope = dict(before)
            self.visit_block(statements)
            scopes.append(self.scope)
            blocks.append(block)
        self.scope = before

        # Variables that either branch changed and that exist after the if.
        names = [
            n
            for n in (set(scopes[0]) | set(scopes[1]))
            if (n in scopes[0] and n in scopes[1])
            and (scopes[0][n] is not before.get(n) or scopes[1][n] is not before.get(n))
        ]
        names.sort()
        yielded, types, result_names = [[], []], [], []
        for name in names:
            then_value, else_value = scopes[0][name], scopes[1][name]
            if not _is_runtime(then_value) and not _is_runtime(else_value):
                a, c = _unwrap(then_value), _unwrap(else_value)
                if type(a) is type(c) and a == c:
                    self.scope[name] = then_value
                    continue
            ty = self.merge_type(name, then_value, else_value, "then-branch", "else-branch")
            types.append(ty)
            result_names.append(name)
            for i, value in enumerate((then_value, else_value)):
                b.set_insertion_point_to_end(blocks[i])
                yielded[i].append(self.materialize(value, ty))
        for i in range(2):
            b.set_insertion_point_to_end(blocks[i])
            b.create("scf.yield", [v.handle for v in yielded[i]], [], {}, 0)
        b.set_insertion_point_to_end(outer)
        if not types:
            return
        final = b.create("scf.if", [condition.handle], [backend.type(t) for t in types], {}, 2)
        final.region(0).take_body(host.region(0))
        final.region(1).take_body(host.region(1))
        host.erase()
        for i, (name, ty) in enumerate(zip(result_names, types)):
            self.scope[name] = tensor(final.result(i), ty)

    def merge_type(self, name, a, b, where_a, where_b):
        """The one type a variable has on two paths that meet."""
        if isinstance(_unwrap(a), (tuple, list)) or isinstance(_unwrap(b), (tuple, list)):
            raise SemanticError(f"'{name}': tuples cannot be carried through control flow")
        if _is_runtime(a) and _is_runtime(b):
            if a.type != b.type:
                raise SemanticError(
                    f"'{name}' has type {a.type} in the {where_a} but {b.type} in the {where_b}"
                )
            return a.type
        if _is_runtime(a):
            return a.type
        if _is_runtime(b):
            return b.type
        values = [_unwrap(a), _unwrap(b)]
        if not all(isinstance(v, (int, float, bool)) for v in values):
            raise SemanticError(f"'{name}' takes different compile-time values on two paths")
        if any(isinstance(v, float) for v in values):
            return core.float32
        return core.int32

    def materialize(self, value, ty):
        if _is_runtime(value):
            return value
        return self.semantic.full(list(ty.shape), _unwrap(value), ty.scalar)

    def scalar_condition(self, condition, what):
        condition = self.semantic.to_bool_tensor(condition)
        if condition.type.is_block():
            raise SemanticError(
                f"the condition of '{what}' must be a scalar, got a tensor of shape "
                f"{list(condition.type.shape)}"
            )
        return condition

    # -- loops ---------------------------------------------------------

    def loop_carried(self, statements):
        """Names assigned in a loop body that exist before it, in order."""
        names = sorted(n for n in _assigned_names(statements) if n in self.scope)
        return [n for n in names if isinstance(_unwrap(self.scope[n]), (tensor, int, float, bool))]

    def carried_types(self, names, visit_body):
        """Types of the loop-carried names, from a dry run where needed.

        A variable that starts as a Python number (``acc = 0``) takes the
        type the body gives it, as in Triton; finding it needs one pass over
        the body into a throwaway block.
        """
        if all(_is_runtime(self.scope[n]) for n in names):
            return [self.scope[n].type for n in names]
        b = self.builder
        outer = b.insertion_block()
        host = b.create("scf.execute_region", [], [], {}, 1)
        block = host.region(0).add_block([], b)
        b.set_insertion_point_to_end(block)
        saved = dict(self.scope)
        visit_body()
        after = self.scope
        self.scope = saved
        host.erase()
        b.set_insertion_point_to_end(outer)
        return [self.merge_type(n, saved[n], after[n], "loop's entry", "loop body") for n in names]

    def visit_For(self, node):
        if node.orelse:
            raise SemanticError("'for ... else' is not supported")
        iterator = node.iter
        if not isinstance(iterator, ast.Call):
            raise SemanticError("for loops must iterate over range(...) or rl.static_range(...)")
        fn = self.visit(iterator.func)
        args = [self.visit(a) for a in iterator.args]
        kwargs = {k.arg: self.visit(k.value) for k in iterator.keywords}
        if fn is core.static_range:
            for i in core.static_range(*args, **kwargs):
                self.assign(node.target, i)
                self.visit_block(node.body)
            return
        if fn is builtins.range:
            loop = core.range(*args, **kwargs)
        elif fn is core.range:
            loop = core.range(*args, **kwargs)
        else:
            raise SemanticError("for loops must iterate over range(...) or rl.static_range(...)")
        if not isinstance(node.target, ast.Name):
            raise SemanticError("the loop variable must be a name")
        bounds = [loop.start, loop.end, loop.step]
        if not _is_runtime(loop.step) and _unwrap(loop.step) < 0:
            # scf.for counts up: run the trip count and derive the index.
            start, end, step = bounds
            step = _unwrap(step)
            if _is_runtime(start) or _is_runtime(end):
                trips = self.semantic.maximum((start - end + (-step - 1)) // -step, 0)
            else:
                trips = max(0, -((_unwrap(start) - _unwrap(end)) // step))
            self.emit_for(node, 0, trips, 1, lambda k: k * step + start)
            return
        if not _is_runtime(loop.step) and _unwrap(loop.step) == 0:
            raise SemanticError("range() step must not be zero")
        self.emit_for(node, *bounds, lambda k: k)

    def emit_for(self, node, start, end, step, index_of):
        semantic = self.semantic
        bounds = [semantic.to_tensor(x) for x in (start, end, step)]
        for x in bounds:
            if x.type.is_block() or not x.dtype.is_int():
                raise SemanticError(f"range() bounds must be integer scalars, got {x.type}")
        index_ty = core.int64 if any(x.dtype.int_bitwidth == 64 for x in bounds) else core.int32
        bounds = [semantic.cast(x, index_ty) for x in bounds]
        names = self.loop_carried(node.body)
        b = self.builder
        backend = semantic.backend
        iv_type = backend.type(index_ty)

        def dry_run():
            host_block = b.insertion_block()
            k = tensor(bounds[0].handle, index_ty)
            self.scope[node.target.id] = index_of(k)
            self.visit_block(node.body)
            b.set_insertion_point_to_end(host_block)

        types = self.carried_types(names, dry_run)
        inits = [self.materialize(self.scope[n], t) for n, t in zip(names, types)]
        for n, value, t in zip(names, inits, types):
            if value.type != t:
                raise SemanticError(
                    f"loop-carried '{n}' has type {value.type} before the loop but {t} in it"
                )
        outer = b.insertion_block()
        loop = b.create(
            "scf.for",
            [x.handle for x in bounds] + [v.handle for v in inits],
            [backend.type(t) for t in types],
            {},
            1,
        )
        block = loop.region(0).add_block([iv_type] + [backend.type(t) for t in types], b)
        b.set_insertion_point_to_end(block)
        before = dict(self.scope)
        for i, name in enumerate(names):
            self.scope[name] = tensor(block.arg(i + 1), types[i])
        self.scope[node.target.id] = index_of(tensor(block.arg(0), index_ty))
        self.visit_block(node.body)
        yielded = self.carried_values(names, types, "loop body")
        b.create("scf.yield", [v.handle for v in yielded], [], {}, 0)
        b.set_insertion_point_to_end(outer)
        self.scope = before
        for i, name in enumerate(names):
            self.scope[name] = tensor(loop.result(i), types[i])

    def carried_values(self, names, types, where):
        values = []
        for name, ty in zip(names, types):
            value = self.scope[name]
            if _is_runtime(value) and value.type != ty:
                raise SemanticError(
                    f"loop-carried variable '{name}' has type {ty} before the loop but is "
                    f"re-assigned to {value.type} in the {where}"
                )
            values.append(self.materialize(value, ty) if not _is_runtime(value) else value)
        return values

    def visit_While(self, node):
        if node.orelse:
            raise SemanticError("'while ... else' is not supported")
        names = self.loop_carried(node.body)
        b = self.builder
        backend = self.semantic.backend

        def dry_run():
            self.visit_block(node.body)

        types = self.carried_types(names, dry_run)
        inits = [self.materialize(self.scope[n], t) for n, t in zip(names, types)]
        mlir_types = [backend.type(t) for t in types]
        outer = b.insertion_block()
        loop = b.create("scf.while", [v.handle for v in inits], mlir_types, {}, 2)
        before_scope = dict(self.scope)

        cond_block = loop.region(0).add_block(mlir_types, b)
        b.set_insertion_point_to_end(cond_block)
        for i, name in enumerate(names):
            self.scope[name] = tensor(cond_block.arg(i), types[i])
        condition = self.visit(node.test)
        if not _is_runtime(condition):
            condition = self.semantic.to_tensor(bool(_unwrap(condition)))
        condition = self.scalar_condition(condition, "while")
        b.create(
            "scf.condition",
            [condition.handle] + [cond_block.arg(i) for i in range(len(names))],
            [],
            {},
            0,
        )

        self.scope = dict(before_scope)
        body_block = loop.region(1).add_block(mlir_types, b)
        b.set_insertion_point_to_end(body_block)
        for i, name in enumerate(names):
            self.scope[name] = tensor(body_block.arg(i), types[i])
        self.visit_block(node.body)
        yielded = self.carried_values(names, types, "loop body")
        b.create("scf.yield", [v.handle for v in yielded], [], {}, 0)
        b.set_insertion_point_to_end(outer)
        self.scope = before_scope
        for i, name in enumerate(names):
            self.scope[name] = tensor(loop.result(i), types[i])

    # ------------------------------------------------------------------
    # Expressions
    # ------------------------------------------------------------------

    def lookup(self, name):
        if name in self.scope:
            return self.scope[name]
        if name in self.globals:
            value = self.globals[name]
            return value
        if hasattr(builtins, name):
            return getattr(builtins, name)
        raise NameError(f"name '{name}' is not defined")

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store):
            return node.id
        return self.lookup(node.id)

    def visit_Constant(self, node):
        return constexpr(node.value) if node.value is not None else None

    def visit_JoinedStr(self, node):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            else:
                v = self.visit(value.value)
                if _is_runtime(v):
                    raise SemanticError("f-strings can only format compile-time values")
                parts.append(
                    format(_unwrap(v), value.format_spec and self.visit(value.format_spec) or "")
                )
        return constexpr("".join(parts))

    def visit_Tuple(self, node):
        return tuple(self.visit(e) for e in node.elts)

    visit_List = visit_Tuple

    def visit_Attribute(self, node):
        value = self.visit(node.value)
        return getattr(_unwrap(value) if not isinstance(value, tensor) else value, node.attr)

    def binary(self, op, lhs, rhs):
        fn = _BINARY_OPS.get(type(op))
        if fn is None:
            raise SemanticError(f"unsupported operator {type(op).__name__}")
        if not _is_runtime(lhs) and not _is_runtime(rhs):
            return constexpr(fn(_unwrap(lhs), _unwrap(rhs)))
        return fn(lhs, rhs)

    def visit_BinOp(self, node):
        return self.binary(node.op, self.visit(node.left), self.visit(node.right))

    def visit_UnaryOp(self, node):
        operand = self.visit(node.operand)
        if not _is_runtime(operand):
            value = _unwrap(operand)
            fn = {
                ast.USub: operator.neg,
                ast.UAdd: operator.pos,
                ast.Not: operator.not_,
                ast.Invert: operator.invert,
            }[type(node.op)]
            return constexpr(fn(value))
        if isinstance(node.op, ast.Not):
            return self.semantic.logical_not(operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.Invert):
            return ~operand
        return operand

    def visit_Compare(self, node):
        result = None
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.visit(comparator)
            if isinstance(op, (ast.Is, ast.IsNot)):
                if _is_runtime(left) or _is_runtime(right):
                    raise SemanticError("'is' can only compare compile-time values")
                value = (_unwrap(left) is _unwrap(right)) == isinstance(op, ast.Is)
                step = constexpr(value)
            elif isinstance(op, (ast.In, ast.NotIn)):
                value = (_unwrap(left) in _unwrap(right)) == isinstance(op, ast.In)
                step = constexpr(value)
            else:
                fn = _COMPARE_OPS[type(op)]
                if not _is_runtime(left) and not _is_runtime(right):
                    step = constexpr(fn(_unwrap(left), _unwrap(right)))
                else:
                    step = fn(left, right)
            result = step if result is None else self.logical(ast.And(), result, step)
            left = right
        return result

    def logical(self, op, a, b):
        if not _is_runtime(a) and not _is_runtime(b):
            if isinstance(op, ast.And):
                return constexpr(_unwrap(a) and _unwrap(b))
            return constexpr(_unwrap(a) or _unwrap(b))
        if isinstance(op, ast.And):
            return self.semantic.logical_and(a, b)
        return self.semantic.logical_or(a, b)

    def visit_BoolOp(self, node):
        result = self.visit(node.values[0])
        for value_node in node.values[1:]:
            # Short-circuit on compile-time values, like Python.
            if not _is_runtime(result):
                if isinstance(node.op, ast.And) and not _unwrap(result):
                    return result
                if isinstance(node.op, ast.Or) and _unwrap(result):
                    return result
                result = self.visit(value_node)
                continue
            result = self.logical(node.op, result, self.visit(value_node))
        return result

    def visit_IfExp(self, node):
        condition = self.visit(node.test)
        if not _is_runtime(condition):
            return self.visit(node.body if _unwrap(condition) else node.orelse)
        return self.semantic.where(condition, self.visit(node.body), self.visit(node.orelse))

    def visit_Subscript(self, node):
        value = self.visit(node.value)
        index = self.visit(node.slice)
        if _is_runtime(value):
            return value[index]
        if _is_runtime(index):
            raise SemanticError("compile-time sequences cannot be indexed by runtime values")
        result = _unwrap(value)[_unwrap(index)]
        return result

    def visit_Slice(self, node):
        parts = [
            None if p is None else _unwrap(self.visit(p))
            for p in (node.lower, node.upper, node.step)
        ]
        return slice(*parts)

    def visit_Call(self, node):
        fn = _unwrap(self.visit(node.func))
        args = []
        for a in node.args:
            if isinstance(a, ast.Starred):
                args.extend(_unwrap(self.visit(a.value)))
            else:
                args.append(self.visit(a))
        kwargs = {}
        for k in node.keywords:
            if k.arg is None:
                kwargs.update(_unwrap(self.visit(k.value)))
            else:
                kwargs[k.arg] = self.visit(k.value)
        from ..runtime.jit import JITFunction

        if isinstance(fn, JITFunction):
            return self.call_jit_function(fn, args, kwargs)
        if getattr(fn, "__recur_builtin__", False) or isinstance(fn, core.dtype):
            return fn(*args, **kwargs)
        if fn in (core.static_range, core.range, constexpr):
            return fn(*args, **kwargs)
        if any(_is_runtime(a) for a in list(args) + list(kwargs.values())):
            if fn in (builtins.min, builtins.max):
                raise SemanticError(
                    f"Python's {fn.__name__}() cannot take tensors; use rl.minimum/rl.maximum"
                )
            if fn is builtins.print:
                return core.device_print("", *args)
        plain = [_unwrap(a) for a in args]
        plain_kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
        if fn is builtins.print:
            return core.static_print(*plain, **plain_kwargs)
        result = fn(*plain, **plain_kwargs)
        if result is None:
            return None
        return result if _is_runtime(result) or isinstance(result, tuple) else constexpr(result)


class ModuleState:
    """What one compilation shares: context, builder, module, functions."""

    def __init__(self, ir):
        self.context = ir.Context()
        self.builder = ir.Builder(self.context)
        self.module = ir.Module(self.context)
        self.functions = {}
        self.in_progress = set()
