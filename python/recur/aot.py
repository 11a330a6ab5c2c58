"""The Python half of ``recurc``: one specialisation of a DSL kernel as tile IR.

``python -m recur.aot FILE.py KERNEL --signature "*fp32:16, *fp32, i32"
[--constexpr BLOCK=128 ...]`` prints a JSON object: the kernel's tile IR,
its name, and its runtime arguments in order (name, type, specialisation:
"16" for divisible by 16, "1" for equal to 1, "" for none). ``recurc``
compiles the IR and wraps it in a C function; nothing here runs at the
output's run time.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import sys

_TYPES = {
    "fp16",
    "bf16",
    "fp32",
    "fp64",
    "i1",
    "i8",
    "i16",
    "i32",
    "i64",
    "u8",
    "u16",
    "u32",
    "u64",
}


def parse_signature(text: str):
    """``"*fp32:16, i32"`` -> [("*fp32", "16"), ("i32", "")]."""
    entries = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            raise ValueError(f"empty entry in signature {text!r}")
        ty, _, spec = item.partition(":")
        ty, spec = ty.strip(), spec.strip()
        base = ty[1:] if ty.startswith("*") else ty
        if base not in _TYPES:
            raise ValueError(f"unknown type {ty!r} in signature {text!r}")
        if spec not in ("", "16", "1") or (spec == "1" and ty.startswith("*")):
            raise ValueError(
                f"specialisation ':{spec}' of {ty!r}: use ':16' (divisible by 16) or, for "
                "integers, ':1' (equal to 1)"
            )
        entries.append((ty, spec))
    return entries


def parse_constexpr(text: str):
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(f"--constexpr takes NAME=VALUE, got {text!r}")
    try:
        return name.strip(), ast.literal_eval(value.strip())
    except (ValueError, SyntaxError):
        raise ValueError(f"--constexpr {name}: {value!r} is not a Python literal") from None


def load_kernel(path: str, name: str):
    from .runtime.jit import JITFunction

    spec = importlib.util.spec_from_file_location("_recur_aot_source", path)
    if spec is None or spec.loader is None:
        raise ValueError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    kernel = getattr(module, name, None)
    while kernel is not None and not isinstance(kernel, JITFunction) and hasattr(kernel, "fn"):
        kernel = kernel.fn  # through recur.autotune / recur.heuristics
    if not isinstance(kernel, JITFunction):
        raise ValueError(f"{path} has no @recur.jit kernel named {name!r}")
    return kernel


def export(path: str, name: str, signature: str, constexprs: dict) -> dict:
    from .compiler.compiler import compile_specialization
    from .language import core

    kernel = load_kernel(path, name)
    runtime = [n for n in kernel.arg_names if n not in kernel.constexpr_names]
    entries = parse_signature(signature)
    if len(entries) != len(runtime):
        raise ValueError(
            f"{name} has {len(runtime)} runtime arguments ({', '.join(runtime)}) but the "
            f"signature gives {len(entries)}"
        )
    missing = sorted(kernel.constexpr_names - set(constexprs) - set(kernel.defaults))
    unknown = sorted(set(constexprs) - kernel.constexpr_names)
    if missing or unknown:
        raise ValueError(
            f"{name}: constexprs missing {missing}, unknown {unknown} (its constexpr "
            f"parameters: {sorted(kernel.constexpr_names)})"
        )
    values = {n: kernel.defaults[n] for n in kernel.constexpr_names if n in kernel.defaults}
    values.update(constexprs)
    arg_types, divisible = {}, set()
    for arg, (ty, spec) in zip(runtime, entries):
        arg_types[arg] = core.str_to_ty(ty)
        if spec == "16":
            divisible.add(arg)
        elif spec == "1":
            values[arg] = 1
    compiled = compile_specialization(
        kernel, arg_types, values, divisible, "cpu", {"num_warps": 4, "num_stages": 2}
    )
    return {
        "kernel": kernel.__name__,
        "tile": compiled.asm["tile"],
        "args": [{"name": a, "type": t, "spec": s} for a, (t, s) in zip(runtime, entries)],
        "constexprs": {k: repr(v) for k, v in sorted(constexprs.items())},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m recur.aot", description=__doc__.splitlines()[0]
    )
    parser.add_argument("file")
    parser.add_argument("kernel")
    parser.add_argument("--signature", required=True)
    parser.add_argument("--constexpr", action="append", default=[])
    args = parser.parse_args(argv)
    try:
        constexprs = dict(parse_constexpr(c) for c in args.constexpr)
        result = export(args.file, args.kernel, args.signature, constexprs)
    except Exception as error:  # reported to recurc, which prints it
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
