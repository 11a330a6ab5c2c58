"""``@recur.jit``: kernels compiled on first launch, per specialisation.

``kernel[grid](*args, **kwargs)`` binds the arguments to the parameters,
computes the specialisation key (constexpr values; argument types;
integers equal to 1; integers and addresses divisible by 16 — Triton's
rules), and launches the compiled kernel from the in-memory cache, the
on-disk cache, or a fresh compilation, in that order. Under
``RECUR_INTERPRET=1`` the kernel runs in the numpy interpreter instead.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import weakref

from ..language import core
from . import cache, device, launch

_functions = weakref.WeakSet()


def release_all():
    """Drops every compiled kernel (at exit, before the JIT goes away)."""
    for fn in list(_functions):
        fn.cache.clear()


def _is_constexpr_annotation(annotation) -> bool:
    if annotation is core.constexpr:
        return True
    return isinstance(annotation, str) and annotation.split(".")[-1] == "constexpr"


class JITFunction:
    def __init__(self, fn, do_not_specialize=(), debug=None, noinline=False, repr=None):
        if not inspect.isfunction(fn):
            raise TypeError("@recur.jit decorates a function")
        self.fn = fn
        functools.update_wrapper(self, fn)
        parameters = inspect.signature(fn).parameters
        for p in parameters.values():
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY):
                raise TypeError(f"{fn.__name__}: parameter '{p.name}' must be positional")
        self.arg_names = list(parameters)
        self.constexpr_names = {
            n for n, p in parameters.items() if _is_constexpr_annotation(p.annotation)
        }
        self.defaults = {n: p.default for n, p in parameters.items() if p.default is not p.empty}
        self.do_not_specialize = {
            self.arg_names[d] if isinstance(d, int) else d for d in do_not_specialize
        }
        unknown = self.do_not_specialize - set(self.arg_names)
        if unknown:
            raise ValueError(f"do_not_specialize names unknown parameters {sorted(unknown)}")
        self.debug = debug
        self.noinline = noinline
        self.cache = {}
        self._source = None
        self._cache_key = None
        self._runtime_names = [n for n in self.arg_names if n not in self.constexpr_names]
        _functions.add(self)

    def __repr__(self) -> str:
        return f"JITFunction({self.fn.__module__}:{self.fn.__qualname__})"

    # ------------------------------------------------------------------
    # Source and identity
    # ------------------------------------------------------------------

    def parsed_source(self):
        if self._source is None:
            from ..compiler.code_generator import FunctionSource

            self._source = FunctionSource(self.fn)
        return self._source

    @property
    def cache_key(self) -> str:
        """Hash of the source and of the functions and globals it uses."""
        if self._cache_key is None:
            import ast

            from ..compiler.compiler import constexpr_key

            source = self.parsed_source()
            digest = hashlib.sha256(source.source.encode())
            self._cache_key = "pending"  # breaks cycles between functions
            names = sorted({n.id for n in ast.walk(source.tree) if isinstance(n, ast.Name)})
            for name in names:
                value = self.fn.__globals__.get(name)
                if isinstance(value, JITFunction):
                    digest.update(f"{name}={value.cache_key};".encode())
                elif isinstance(value, (core.constexpr, int, float, bool, str, core.dtype)):
                    digest.update(f"{name}={constexpr_key(value)};".encode())
            self._cache_key = digest.hexdigest()
        return self._cache_key

    # ------------------------------------------------------------------
    # Calls
    # ------------------------------------------------------------------

    def bind_call(self, args, kwargs) -> dict:
        """Parameter name -> value, with defaults; TypeError names the culprit."""
        names = self.arg_names
        if len(args) > len(names):
            raise TypeError(
                f"{self.__name__}() takes {len(names)} arguments ({', '.join(names)}) but "
                f"{len(args)} were given"
            )
        bound = dict(zip(names, args))
        for name, value in kwargs.items():
            if name not in self.defaults and name not in names:
                raise TypeError(f"{self.__name__}() got an unexpected keyword argument '{name}'")
            if name in bound:
                raise TypeError(f"{self.__name__}() got multiple values for argument '{name}'")
            bound[name] = value
        if len(bound) != len(names):
            for name in names:
                if name not in bound:
                    if name not in self.defaults:
                        raise TypeError(f"{self.__name__}() missing a required argument: '{name}'")
                    bound[name] = self.defaults[name]
            bound = {n: bound[n] for n in names}
        return bound

    def __call__(self, *args, **kwargs):
        semantic = core.active_semantic()
        if semantic is None:
            raise RuntimeError(
                f"{self.__name__} is a @recur.jit function: launch it as "
                f"{self.__name__}[grid](...), or call it from another kernel"
            )
        return semantic.backend.call_jit_function(self, args, kwargs)

    def __getitem__(self, grid):
        return functools.partial(self.run, grid=grid)

    def run(self, *args, grid, num_warps=None, num_stages=None, **kwargs):
        bound = self.bind_call(args, kwargs)
        if os.environ.get("RECUR_INTERPRET", "0") not in ("", "0"):
            return self._interpret(bound, grid)
        if device.current() in device.GPU_DEVICES:
            return self._run_on_gpu(bound, grid, num_warps, num_stages)
        kernel, values = self._specialize(bound, num_warps, num_stages)
        gx, gy, gz = launch.normalize_grid(grid, bound)
        kernel.launcher(gx, gy, gz, *values)
        return kernel

    def _run_on_gpu(self, bound, grid, num_warps, num_stages):
        from .cuda import Staging

        staging = Staging()
        launched = False
        try:
            staged = {
                n: v if n in self.constexpr_names else staging.argument(v) for n, v in bound.items()
            }
            kernel, values = self._specialize(staged, num_warps, num_stages)
            gx, gy, gz = launch.normalize_grid(grid, bound)
            kernel.launcher(gx, gy, gz, *values)
            launched = True
        finally:
            staging.finish(copy_back=launched)
        return kernel

    def warmup(self, *args, num_warps=None, num_stages=None, **kwargs):
        """Compiles (or finds) the kernel these arguments select, without launching."""
        kernel, _ = self._specialize(self.bind_call(args, kwargs), num_warps, num_stages)
        return kernel

    def _specialize(self, bound, num_warps, num_stages):
        """The compiled kernel for these arguments and their launch values."""
        key = []
        specs = []
        values = []
        for name, value in bound.items():
            if name in self.constexpr_names:
                value = core._unwrap(value)
                try:
                    hash(value)
                    key.append(value)
                except TypeError:
                    key.append(repr(value))
                continue
            ty, converted, flag = launch.classify(value, name)
            if name in self.do_not_specialize:
                flag = ""
            key.append((ty, flag))
            specs.append((ty, flag))
            values.append(converted)
        if num_warps is not None or num_stages is not None:
            key.append(("options", num_warps, num_stages))
        key.append(("device", device.current()))
        key = tuple(key)
        kernel = self.cache.get(key)
        if kernel is None:
            kernel = self._compile(bound, key, specs, num_warps, num_stages)
        else:
            cache.record("memory_hits")
        return kernel, values

    def _compile(self, bound, key, specs, num_warps, num_stages):
        from ..compiler.compiler import compile_specialization

        target = device.compile_target()
        arg_types, constexprs, divisible = {}, {}, set()
        runtime = iter(specs)
        for name, value in bound.items():
            if name in self.constexpr_names:
                constexprs[name] = core._unwrap(value)
                continue
            ty, flag = next(runtime)
            arg_types[name] = core.str_to_ty(ty)
            if flag == "div16":
                divisible.add(name)
            elif flag == "one":
                constexprs[name] = 1
        options = {"num_warps": num_warps or 4, "num_stages": num_stages or 2}
        kernel = compile_specialization(self, arg_types, constexprs, divisible, target, options)
        self.cache[key] = kernel
        return kernel

    def _interpret(self, bound, grid):
        from .. import interpreter

        arguments = {}
        for name, value in bound.items():
            if name in self.constexpr_names:
                arguments[name] = ("constexpr", core._unwrap(value))
                continue
            if isinstance(value, core.constexpr):
                value = value.value
            ty, converted, _ = launch.classify(value, name)
            if ty.startswith("*"):
                arguments[name] = ("pointer", launch.as_array(value, name))
            elif ty == "fp32":
                arguments[name] = ("float", converted)
            else:
                arguments[name] = ("int", converted, core.str_to_ty(ty))
        interpreter.launch(self.fn, launch.normalize_grid(grid, bound), arguments)


def jit(fn=None, *, do_not_specialize=(), debug=None, noinline=False, **unused):
    """Decorator: ``@recur.jit`` or ``@recur.jit(do_not_specialize=["n"])``."""

    def decorator(fn):
        return JITFunction(fn, do_not_specialize=do_not_specialize, debug=debug, noinline=noinline)

    return decorator(fn) if fn is not None else decorator
