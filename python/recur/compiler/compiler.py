"""Compile one specialisation of a kernel, through the two-level cache.

A specialisation is the kernel's source (and the sources of the functions
and globals it uses), the types of its runtime arguments, its constexpr
values, which arguments are known divisible by 16, the target and the
options. Its SHA-256 names the on-disk cache entry, which holds every stage:
``tile`` (the IR the front end produced), ``llir`` (optimised LLVM IR),
``obj`` (the object file the runtime loads) and ``metadata.json``.
"""

from __future__ import annotations

import json
import re

from ..language import core
from .code_generator import CodeGenerator, ModuleState
from .errors import CompilationError

GPU_TARGETS = ("cuda:sm_80", "cuda:sm_90", "rocm:gfx90a", "rocm:gfx942")
# GPU targets' lowerings run on the CPU by the SIMT emulator (runtime/emu).
EMULATED_TARGETS = {"emu:" + t.split(":")[1]: t for t in GPU_TARGETS}
SUPPORTED_TARGETS = ("cpu",) + GPU_TARGETS + tuple(EMULATED_TARGETS)

# What each GPU target's stages are called in ``CompiledKernel.asm``.
_GPU_STAGES = {"cuda": ("ptx", "cubin"), "rocm": ("amdgcn", "hsaco")}


def normalize_target(target: str | None) -> str:
    target = (target or "cpu").strip()
    if target in ("cpu", "host", "cpu:native"):
        return "cpu"
    if target in GPU_TARGETS or target in EMULATED_TARGETS:
        return target
    raise ValueError(
        f"target '{target}' is not supported by this build (supported: "
        f"{', '.join(SUPPORTED_TARGETS)})"
    )


def constexpr_key(value) -> str:
    """A stable text for a constexpr value, for cache keys."""
    from ..runtime.jit import JITFunction

    if isinstance(value, core.constexpr):
        value = value.value
    if isinstance(value, JITFunction):
        return f"jit:{value.cache_key}"
    if isinstance(value, core.dtype):
        return f"dtype:{value.to_str()}"
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(constexpr_key(v) for v in value) + ")"
    if callable(value):
        return (
            f"fn:{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}"
        )
    return f"{type(value).__name__}:{value!r}"


class CompiledKernel:
    """One compiled specialisation: its stages and its loaded entry point."""

    def __init__(self, name: str, asm: dict, metadata: dict):
        self.name = name
        self.asm = asm
        self.metadata = metadata
        self._launcher = None

    @property
    def launcher(self):
        target = self.metadata["target"]
        if self._launcher is None:
            from ..runtime import device

            if target in GPU_TARGETS:
                platform = target.split(":")[0]
                gpu = device.gpu(platform)
                if gpu.target != target:
                    raise RuntimeError(
                        f"{self.name} was compiled for {target}; this GPU ({gpu.name}) "
                        f"needs {gpu.target}"
                    )
                kernels = [(k, list(kinds)) for k, kinds in self.metadata["kernels"]]
                module = gpu.load(self.asm[_GPU_STAGES[platform][1]], kernels)
                self._launcher = gpu.make_launcher(
                    module,
                    self.name,
                    self.metadata["num_threads"],
                    shared_bytes=self.metadata.get("dynamic_shared", 0),
                )
                return self._launcher

            kernels = [(k, list(kinds)) for k, kinds in self.metadata["kernels"]]
            module = device.cpu().load(self.asm["obj"], kernels)
            if target in EMULATED_TARGETS:
                names = [k for k, _ in kernels]
                threads, warp, shared = self.metadata["blocks"][names.index(self.name)]
                self._launcher = device.emu().make_launcher(
                    module, self.name, threads, warp, shared
                )
            else:
                self._launcher = device.cpu().make_launcher(module, self.name)
        return self._launcher

    def __getitem__(self, grid):
        """``compiled[grid](*runtime_args)``: launch without the JIT's binding."""
        from ..runtime.launch import launch_compiled

        def run(*args):
            return launch_compiled(self, grid, args)

        return run

    def __repr__(self) -> str:
        return f"CompiledKernel({self.name}, target={self.metadata['target']})"


def _location_error(diagnostics: str, what: str) -> CompilationError:
    """Turns MLIR diagnostics (``file:line:col: message``) into an error."""
    match = re.search(r"([^\s:]+\.py):(\d+):(\d+): (.*)", diagnostics)
    if match:
        filename, line, col, message = match.groups()
        line, col = int(line), int(col)
        try:
            with open(filename) as f:
                text = f.read().splitlines()[line - 1]
        except (OSError, IndexError):
            text = ""
        return CompilationError(filename, line, col, text, f"{what}: {message}\n{diagnostics}")
    return CompilationError("<unknown>", 0, 1, "", f"{what}:\n{diagnostics}")


def compile_specialization(jit_fn, arg_types, constexprs, divisible, target="cpu", options=None):
    """Returns the CompiledKernel of one specialisation, compiling if needed."""
    from .. import _C
    from ..runtime import cache

    target = normalize_target(target)
    options = dict(options or {})
    material = {
        "compiler": _C.runtime.version(),
        "function": jit_fn.cache_key,
        "name": jit_fn.__name__,
        "args": [[n, t.to_str()] for n, t in arg_types.items()],
        "constexprs": [[n, constexpr_key(v)] for n, v in constexprs.items()],
        "divisible": sorted(divisible),
        "target": target,
        "options": sorted(options.items()),
    }
    key = _C.runtime.sha256(json.dumps(material, sort_keys=True))
    entry = cache.disk().lookup(key)
    if entry is not None:
        try:
            metadata = json.loads(entry["metadata.json"])
            asm = {"tile": entry["tile"].decode()}
            if target == "cpu" or target in EMULATED_TARGETS:
                asm.update(llir=entry["llir"].decode(), obj=entry["obj"])
            else:
                text, binary = _GPU_STAGES[target.split(":")[0]]
                asm.update({text: entry[text].decode(), binary: entry[binary]})
            cache.record("disk_hits")
            return CompiledKernel(jit_fn.__name__, asm, metadata)
        except (KeyError, ValueError, UnicodeDecodeError):
            pass  # an unreadable entry is compiled again and replaced

    cache.record("misses")
    state = ModuleState(_C.ir)
    generator = CodeGenerator(
        state,
        jit_fn,
        arg_types,
        constexprs,
        jit_fn.__name__,
        is_kernel=True,
        divisibility=divisible,
    )
    generator.generate()
    diagnostics = state.module.verify()
    if diagnostics:
        raise _location_error(diagnostics, "invalid kernel")
    tile_text = state.module.to_text(debug_info=False)
    if target in GPU_TARGETS:
        return _compile_gpu(
            jit_fn, state, tile_text, key, target, arg_types, constexprs, divisible, options
        )
    try:
        result = _C.runtime.compile_cpu(
            state.module.to_text(debug_info=True),
            options.get("opt_level", 3),
            EMULATED_TARGETS.get(target, ""),
            options.get("num_warps", 4),
            options.get("num_stages", 2),
        )
    except _C.runtime.CompileError as error:
        raise _location_error(str(error), "cannot compile the kernel") from None
    metadata = _metadata(
        jit_fn, target, arg_types, constexprs, divisible, result["kernels"], options, key
    )
    if target in EMULATED_TARGETS:
        # Per kernel: threads per block, warp size, shared-memory bytes.
        metadata["blocks"] = [list(block) for block in result["blocks"]]
    asm = {"tile": tile_text, "llir": result["llir"], "obj": result["obj"]}
    cache.disk().store(
        key,
        {
            "tile": tile_text.encode(),
            "llir": result["llir"].encode(),
            "obj": result["obj"],
            "metadata.json": json.dumps(metadata).encode(),
        },
    )
    return CompiledKernel(jit_fn.__name__, asm, metadata)


def _metadata(jit_fn, target, arg_types, constexprs, divisible, kernels, options, key) -> dict:
    """What every compiled specialisation records, whatever its target."""
    return {
        "name": jit_fn.__name__,
        "target": target,
        "signature": {n: t.to_str() for n, t in arg_types.items()},
        "constexprs": {n: constexpr_key(v) for n, v in constexprs.items()},
        "divisible": sorted(divisible),
        "kernels": [[name, list(kinds)] for name, kinds in kernels],
        "options": options,
        "key": key,
    }


def _compile_gpu(jit_fn, state, tile_text, key, target, arg_types, constexprs, divisible, options):
    """The GPU half of compile_specialization: assembly, binary, resources."""
    from .. import _C
    from ..runtime import cache

    try:
        result = _C.runtime.compile_gpu(
            state.module.to_text(debug_info=True),
            target,
            options.get("num_warps", 4),
            options.get("num_stages", 2),
        )
    except _C.runtime.CompileError as error:
        raise _location_error(str(error), f"cannot compile the kernel for {target}") from None
    (kernel,) = [k for k in result["kernels"] if k["name"] == jit_fn.__name__]
    kernels = [(k["name"], k["args"]) for k in result["kernels"]]
    metadata = _metadata(jit_fn, target, arg_types, constexprs, divisible, kernels, options, key)
    metadata.update(
        {
            "num_warps": options.get("num_warps", 4),
            "num_threads": kernel["threads"],
            "registers": kernel["registers"],
            "shared": kernel["shared"],
            "dynamic_shared": kernel["dynamic_shared"],
            "spill_stores": kernel["spill_stores"],
            "spill_loads": kernel["spill_loads"],
            "stack": kernel["stack"],
        }
    )
    text, binary = _GPU_STAGES[target.split(":")[0]]
    asm = {"tile": tile_text, text: result["asm"], binary: result["binary"]}
    cache.disk().store(
        key,
        {
            "tile": tile_text.encode(),
            text: result["asm"].encode(),
            binary: result["binary"],
            "metadata.json": json.dumps(metadata).encode(),
        },
    )
    return CompiledKernel(jit_fn.__name__, asm, metadata)


def compile(fn, signature=None, constexprs=None, target=None, num_warps=4, num_stages=2, **options):
    """Compiles ``fn`` for ``signature`` without launching it.

    ``signature`` maps each runtime parameter to a Triton type string
    (``"*fp32"``, ``"i32"``, ``"fp32"``; a ``":16"`` suffix promises
    divisibility by 16); ``constexprs`` gives the constexpr parameters.
    """
    from ..runtime.jit import JITFunction

    if not isinstance(fn, JITFunction):
        raise TypeError("recur.compile needs a @recur.jit function")
    signature = dict(signature or {})
    constexprs = {
        k: (v.value if isinstance(v, core.constexpr) else v) for k, v in (constexprs or {}).items()
    }
    arg_types, divisible = {}, set()
    for name in fn.arg_names:
        if name in fn.constexpr_names or name in constexprs:
            if name not in constexprs:
                if name in fn.defaults:
                    constexprs[name] = fn.defaults[name]
                else:
                    raise TypeError(f"recur.compile: constexpr parameter '{name}' has no value")
            continue
        if name not in signature:
            raise TypeError(f"recur.compile: parameter '{name}' is missing from the signature")
        text = str(signature.pop(name)).replace(" ", "")
        if ":" in text:
            text, hint = text.split(":", 1)
            if hint != "16":
                raise ValueError(f"recur.compile: '{name}': only ':16' divisibility is supported")
            divisible.add(name)
        arg_types[name] = core.str_to_ty(text)
    if signature:
        raise TypeError(f"recur.compile: unknown parameters {sorted(signature)}")
    unknown = set(constexprs) - set(fn.arg_names)
    if unknown:
        raise TypeError(f"recur.compile: unknown constexpr parameters {sorted(unknown)}")
    constexprs = {n: constexprs[n] for n in fn.arg_names if n in constexprs}
    options["num_warps"] = num_warps
    options["num_stages"] = num_stages
    return compile_specialization(fn, arg_types, constexprs, divisible, target, options)
