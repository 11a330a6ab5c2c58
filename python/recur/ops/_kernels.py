"""Compiling and launching operator functions.

An operator is built as an *operator function*: a ``func.func`` applying one
``seq`` op to its arguments (batch and time dimensions dynamic, the rest
static), written by the C++ builders of ``ops/`` (``recur._C.ops``). ``convert-seq-to-tile`` turns it into a chunked tile kernel taking
a pointer per argument and per result, then the sequence length; the CPU
pipeline compiles it. Kernels are cached in memory and in the on-disk
compile cache, keyed by the function's text and the options.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from typing import NamedTuple

import numpy as np

from ..runtime import cache, launch

_lock = threading.Lock()
_kernels = {}
_choices = {}
_sources = {}


class ConfigSpace(NamedTuple):
    """An operator's config space: the chunk (or key-block) sizes tuned on
    the CPU, the tested CPU default used when tuning is off
    (RECUR_AUTOTUNE=0), and the GPU config ``(size, num_warps)`` used on
    GPU targets and their emulations (``emu:*``), where timing on the host
    says nothing. Each GPU config compiles for sm_80 and sm_90 with no
    spills and at most 48 KiB of static shared memory at the shapes of
    docs/gpu.md (test/python/test_ops_gpu_compile.py)."""

    sizes: tuple
    default: int
    gpu: tuple


CONFIG_SPACES = {
    "linear_attn": ConfigSpace((32, 64, 128), 64, (64, 8)),
    "gla": ConfigSpace((16, 32, 64), 64, (32, 8)),
    "delta_rule": ConfigSpace((16, 32), 16, (16, 8)),
    "gated_delta_rule": ConfigSpace((16, 32), 16, (16, 8)),
    "flash_attn": ConfigSpace((64, 128), 128, (64, 8)),
    "selective_scan": ConfigSpace((16, 32, 64), 32, (32, 4)),
    "newton_rnn": ConfigSpace((32, 64), 64, (16, 8)),
    # ssd's chunk is its own argument (mamba_ssm's chunk_size): only the
    # warps are chosen here.
    "ssd": ConfigSpace((64,), 64, (64, 8)),
}

_MLIR_TYPES = {
    np.dtype(np.float16): "f16",
    np.dtype(np.float32): "f32",
    np.dtype(np.float64): "f64",
}
try:
    import ml_dtypes

    _MLIR_TYPES[np.dtype(ml_dtypes.bfloat16)] = "bf16"
except ImportError:  # pragma: no cover - ml_dtypes is a dependency
    pass


def element_type(array, name: str) -> str:
    try:
        return _MLIR_TYPES[array.dtype]
    except KeyError:
        supported = ", ".join(str(d) for d in _MLIR_TYPES)
        raise ValueError(
            f"{name}: dtype {array.dtype} is not supported (supported: {supported})"
        ) from None


def check_offsets(cu, total: int, label: str, name: str, total_text=None):
    """Validates packed-sequence offsets ``cu`` (``[N + 1]``, 0 .. total)."""
    from ._arrays import host

    offsets = host(cu, label)
    if offsets.dtype not in (np.int32, np.int64) or offsets.ndim != 1 or offsets.size < 2:
        raise ValueError(
            f"{name}: {label} must be a 1-D int32/int64 array of N + 1 offsets, got "
            f"{offsets.dtype} {offsets.shape}"
        )
    if offsets[0] != 0 or offsets[-1] != total or np.any(np.diff(offsets) < 0):
        raise ValueError(
            f"{name}: {label} must rise from 0 to {total_text or total}, got {offsets.tolist()}"
        )
    return offsets


def _hashable(value):
    return tuple(sorted(value.items())) if isinstance(value, dict) else value


def operator_source(builder: str, *args, **kwargs) -> str:
    """``recur._C.ops.<builder>(*args, **kwargs)``: the text of an operator
    function, built once per distinct description (every operator call needs
    it as its kernel's key, and building it costs more than the lookup)."""
    key = (
        builder,
        tuple(map(_hashable, args)),
        tuple(sorted((k, _hashable(v)) for k, v in kwargs.items())),
    )
    source = _sources.get(key)
    if source is None:
        from .. import _C

        source = _sources[key] = getattr(_C.ops, builder)(*args, **kwargs)
    return source


def index_type(offsets) -> str:
    """The MLIR type of validated packed-sequence offsets."""
    return "i32" if offsets.dtype == np.int32 else "i64"


def check_size(name: str, label: str, size):
    if size is not None and (not isinstance(size, int) or size <= 0 or size & (size - 1)):
        raise ValueError(f"{name}: {label} must be a power of two, got {size}")


def _bucket(n: int) -> int:
    """Shapes tune per power-of-two bucket of their lengths and batch."""
    return 1 << max(int(n) - 1, 0).bit_length()


class TunedSize(int):
    """A chunk or block size with the warps per block, the software
    pipeline's stages and its copy form (``bulk_copies``: on sm_90, whole
    rows by the TMA where they apply; else per-thread ``cp.async``) its
    kernel runs with on a GPU target: the GPU default, the tuner's choice,
    or a candidate being timed. It is the size everywhere an int is
    expected."""

    def __new__(cls, size: int, num_warps: int, num_stages: int = 1, bulk_copies: int = 1):
        value = super().__new__(cls, size)
        value.num_warps = int(num_warps)
        value.num_stages = int(num_stages)
        value.bulk_copies = bool(bulk_copies)
        return value


def _tuning_off() -> bool:
    return os.environ.get("RECUR_AUTOTUNE", "1").lower() in ("0", "", "false", "off")


def _print_choice(name, bucket, choice, result, candidates):
    if os.environ.get("RECUR_PRINT_AUTOTUNING", "0") not in ("", "0"):
        print(
            f"recur.ops.{name}: length ~{bucket[2]}, batch ~{bucket[3]}: {choice} "
            f"(timed {len(result['timed'])} of {len(candidates)})",
            flush=True,
        )


def resolve_size(name: str, size, source: str, length: int, batch: int, run) -> int:
    """``size`` if given; else the fastest of the operator's config space for
    this operator function and shape bucket, timed once per machine (the
    tuning database under RECUR_CACHE_DIR) by ``run(size)``; the tested
    default when RECUR_AUTOTUNE=0. On a GPU the config space is sizes ×
    warps × stages (a TunedSize); on an emulated one, whose timings say
    nothing about a GPU, the GPU default."""
    if size is not None:
        return size
    candidates, default, gpu = CONFIG_SPACES[name]
    if on_gpu():
        from ..runtime import device

        if device.current() not in device.GPU_DEVICES or _tuning_off():
            return TunedSize(*gpu)
        return _tune_on_gpu(name, source, length, batch, run)
    if _tuning_off():
        return default
    bucket = (name, source, _bucket(length), _bucket(batch))
    choice = _choices.get(bucket)
    if choice is None:
        from ..runtime.autotuner import _database, _device_name

        key = json.dumps(
            [name, hashlib.sha256(source.encode()).hexdigest(), bucket[2:], _device_name()]
        )
        result = _database().tune(key, [str(c) for c in candidates], lambda c: run(int(c)), 1, 3)
        choice = _choices[bucket] = int(result["best"])
        _print_choice(name, bucket, f"size {choice}", result, candidates)
    return choice


def gpu_configs(name: str, target: str = "") -> list:
    """An operator's GPU config space: its sizes (with the GPU default's)
    × 4 or 8 warps × 1 to 3 pipeline stages (on NVIDIA GPUs, 2 and 3 copy
    the next one or two chunks into shared memory), as ``(size, num_warps,
    num_stages)``; on ``cuda:sm_90`` the pipelined configs come twice, the
    second time as ``(size, num_warps, num_stages, 0)``: per-thread
    ``cp.async`` instead of the TMA's bulk copies, which cost some kernels
    registers (docs/gpu.md)."""
    space = CONFIG_SPACES[name]
    sizes = sorted(set(space.sizes) | {space.gpu[0]})
    configs = [(size, warps, stages) for size in sizes for warps in (4, 8) for stages in (1, 2, 3)]
    if target == "cuda:sm_90":
        configs += [(*config, 0) for config in configs if config[2] >= 2]
    return configs


def _fitting_gpu_configs(name: str, source: str, target: str) -> list:
    """The GPU configs whose kernels fit a block (docs/autotune.md's
    resource model: shared memory, threads, registers; spilling ones only
    when every config spills), compiled in parallel."""
    from concurrent.futures import ThreadPoolExecutor

    from .. import _C
    from ..runtime.autotuner import gpu_overuse, gpu_resources

    def resources(config):
        try:
            kernels = _gpu_binary(name, source, *config, target=target)[2]
        except _C.runtime.CompileError:
            return None  # e.g. more static shared memory than the target has
        (kernel,) = [k for k in kernels if k["name"] == name]
        metadata = dict(kernel, target=target, num_threads=kernel["threads"])
        return gpu_resources(metadata)

    configs = gpu_configs(name, target)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        needs = list(pool.map(resources, configs))
    fitting = [(c, r) for c, r in zip(configs, needs) if r is not None and not gpu_overuse(r)]
    clean = [c for c, r in fitting if not r["spilled"]]
    return clean or [c for c, _ in fitting]


def _tune_on_gpu(name: str, source: str, length: int, batch: int, run) -> TunedSize:
    from ..runtime import device
    from ..runtime.autotuner import _database, _device_name

    gpu = device.gpu()
    bucket = (name, source, _bucket(length), _bucket(batch), gpu.target)
    choice = _choices.get(bucket)
    if choice is not None:
        return choice
    configs = _fitting_gpu_configs(name, source, gpu.target)
    if not configs:
        raise ValueError(
            f"recur.ops.{name}: no config of {gpu_configs(name, gpu.target)} compiles for "
            f"{gpu.target}"
        )
    labels = ["x".join(map(str, config)) for config in configs]

    def timed(label):
        run(TunedSize(*map(int, label.split("x"))))
        gpu.synchronize()  # GPU operands return before their kernel ends

    key = json.dumps(
        [name, hashlib.sha256(source.encode()).hexdigest(), bucket[2:4], _device_name()]
    )
    result = _database().tune(key, labels, timed, 1, 3)
    choice = _choices[bucket] = TunedSize(*map(int, result["best"].split("x")))
    described = f"size {int(choice)}, {choice.num_warps} warps, {choice.num_stages} stages"
    if not choice.bulk_copies:
        described += ", per-thread copies"
    _print_choice(name, bucket, described, result, labels)
    return choice


def on_gpu() -> bool:
    """Whether operators run on a GPU or an emulated one."""
    from ..compiler.compiler import EMULATED_TARGETS
    from ..runtime import device

    name = device.current()
    return name in EMULATED_TARGETS or name in device.GPU_DEVICES


def value_block(key_dim: int, value_dim: int) -> int:
    """The columns of the linear family's [K, V] state one program holds on
    the current device: GPU programs split a large state over V (a third
    grid axis of ceil(V / value_block) programs)."""
    from .. import _C

    return _C.ops.value_block(key_dim, value_dim, on_gpu())


def gpu_warps(name: str) -> int:
    """Warps per block of the operator's kernels on GPU targets."""
    return CONFIG_SPACES[name].gpu[1]


def lower_gpu(
    source: str, chunk_size: int, num_warps: int, num_stages=1, bulk_copies=True, *, target: str
):
    """Compiles an operator function for a GPU target, uncached: the GPU
    compiler's result (``binary``, ``kernels``, ``asm`` with the PTX or
    AMDGCN text)."""
    from .. import _C

    context = _C.ir.Context()
    module = _C.ir.Module.parse(context, source)
    module.run_pipeline(f"convert-seq-to-tile{{chunk-size={chunk_size} gpu=true}}")
    return _C.runtime.compile_gpu(
        module.to_text(debug_info=False), target, num_warps, num_stages, bool(bulk_copies)
    )


def _gpu_binary(
    name: str,
    source: str,
    chunk_size: int,
    num_warps=None,
    num_stages=1,
    bulk_copies=True,
    *,
    target: str,
):
    """Compiles an operator function for a GPU target (``cuda:sm_80`` ...):
    ``(binary, kernels, metadata)`` with the cubin or HSACO, the kernels'
    ``(name, argument kinds)`` and, per kernel, ``{name, registers, shared,
    spill_stores, spill_loads, stack, threads}`` from ptxas or the code
    object. Cached on disk like the CPU kernels."""
    from .. import _C

    num_warps = num_warps or gpu_warps(name)
    options = {"chunk_size": chunk_size, "target": target, "num_warps": num_warps}
    if num_stages != 1:
        options["num_stages"] = num_stages
    if not bulk_copies:
        options["bulk_copies"] = False
    key = _C.runtime.sha256(json.dumps([_C.runtime.version(), source, sorted(options.items())]))
    entry = cache.disk().lookup(key)
    if entry is not None and {"binary", "kernels", "metadata"} <= entry.keys():
        cache.record("disk_hits")
        return entry["binary"], json.loads(entry["kernels"]), json.loads(entry["metadata"])
    cache.record("misses")
    result = lower_gpu(source, chunk_size, num_warps, num_stages, bulk_copies, target=target)
    kernels = [[kernel["name"], list(kernel["args"])] for kernel in result["kernels"]]
    metadata = [{k: v for k, v in kernel.items() if k != "args"} for kernel in result["kernels"]]
    cache.disk().store(
        key,
        {
            "binary": result["binary"],
            "kernels": json.dumps(kernels).encode(),
            "metadata": json.dumps(metadata).encode(),
        },
    )
    return result["binary"], kernels, metadata


def compile_gpu(name: str, source: str, chunk_size: int, target: str, num_warps=None):
    """The per-kernel resources of an operator function compiled for a GPU
    target, without running it (see ``_gpu_binary``)."""
    return _gpu_binary(name, source, chunk_size, num_warps, target=target)[2]


class OperatorKernel:
    """One compiled operator function, ready to launch on the current device:
    the CPU, an emulated GPU (``emu:*``) or a GPU (``cuda``, ``rocm``)."""

    def __init__(
        self,
        name: str,
        source: str,
        chunk_size: int,
        num_warps: int,
        num_stages: int = 1,
        bulk_copies: bool = True,
    ):
        from .. import _C
        from ..runtime import device

        from ..compiler.compiler import EMULATED_TARGETS

        target = device.current()
        self.gpu = None
        if target in device.GPU_DEVICES:
            self.gpu = device.gpu(target)
            binary, kernels, metadata = _gpu_binary(
                name, source, chunk_size, num_warps, num_stages, bulk_copies, target=self.gpu.target
            )
            module = self.gpu.load(binary, kernels)
            (kernel,) = [k for k in metadata if k["name"] == name]
            self.launcher = self.gpu.make_launcher(
                module, name, kernel["threads"], shared_bytes=kernel.get("dynamic_shared", 0)
            )
            return
        emulate = EMULATED_TARGETS.get(target, "")
        options = {"chunk_size": chunk_size, "target": target}
        if emulate:
            options["num_warps"] = num_warps
            if num_stages != 1:
                options["num_stages"] = num_stages
            if not bulk_copies:
                options["bulk_copies"] = False
        else:
            num_warps, num_stages = 4, 1  # the CPU lowering does not use them
        key = _C.runtime.sha256(json.dumps([_C.runtime.version(), source, sorted(options.items())]))
        entry = cache.disk().lookup(key)
        if entry is not None and "obj" in entry and "kernels" in entry:
            cache.record("disk_hits")
            obj, kernels = entry["obj"], json.loads(entry["kernels"])
            blocks = json.loads(entry.get("blocks", b"[]"))
        else:
            cache.record("misses")
            context = _C.ir.Context()
            module = _C.ir.Module.parse(context, source)
            gpu = "true" if emulate else "false"
            module.run_pipeline(f"convert-seq-to-tile{{chunk-size={chunk_size} gpu={gpu}}}")
            tile = module.to_text(debug_info=False)
            result = _C.runtime.compile_cpu(
                tile, 3, emulate, num_warps, num_stages, bool(bulk_copies)
            )
            obj, kernels = result["obj"], [[k, list(a)] for k, a in result["kernels"]]
            blocks = [list(b) for b in result["blocks"]]
            cache.disk().store(
                key,
                {
                    "obj": obj,
                    "kernels": json.dumps(kernels).encode(),
                    "blocks": json.dumps(blocks).encode(),
                    "tile": tile.encode(),
                    "llir": result["llir"].encode(),
                },
            )
        module = device.cpu().load(obj, [(k, a) for k, a in kernels])
        if emulate:
            # Emulated GPU: the kernel's blocks (threads, warp size, shared
            # bytes) on the SIMT emulator.
            index = [k for k, _ in kernels].index(name)
            self.launcher = device.emu().make_launcher(module, name, *blocks[index])
        else:
            self.launcher = device.cpu().make_launcher(module, name)

    def __call__(self, grid, inputs, outputs, *lengths: int, scratch=()):
        """Runs the kernel on the pointers ``inputs``, ``outputs`` and
        ``scratch``, in that order, then ``lengths``. ``outputs`` are read and
        written (their initial values are the kernel's starting point);
        inputs are only read and scratch only used. On a GPU, host arrays go
        to GPU memory first and only the outputs come back; arrays already
        in GPU memory are used in place."""
        grid = launch.normalize_grid(grid, {})
        arrays = (*inputs, *outputs, *scratch)
        if self.gpu is None:
            addresses = [a.__array_interface__["data"][0] for a in arrays]
            self.launcher(*grid, *addresses, *lengths)
            return
        from ..runtime.cuda import Staging

        staging = Staging(self.gpu)
        launched = False
        try:
            results = {id(a) for a in outputs}
            pointers = [staging.argument(a, copy_back=id(a) in results) for a in arrays]
            self.launcher(*grid, *(p.address for p in pointers), *lengths)
            launched = True
        finally:
            staging.finish(copy_back=launched)


def get_kernel(name: str, source: str, chunk_size: int) -> OperatorKernel:
    """The loaded kernel of an operator function at ``chunk_size`` (with its
    warps, stages and copy form when it is a TunedSize; the operator's GPU
    default otherwise)."""
    from ..runtime import device

    num_warps = getattr(chunk_size, "num_warps", None) or gpu_warps(name)
    num_stages = getattr(chunk_size, "num_stages", 1)
    bulk_copies = getattr(chunk_size, "bulk_copies", True)
    key = (source, int(chunk_size), num_warps, num_stages, bulk_copies, device.current())
    kernel = _kernels.get(key)
    if kernel is None:
        with _lock:
            kernel = _kernels.get(key)
            if kernel is None:
                kernel = OperatorKernel(
                    name, source, int(chunk_size), num_warps, num_stages, bulk_copies
                )
                _kernels[key] = kernel
    else:
        cache.record("memory_hits")
    return kernel


def release_all():
    """Drops the loaded kernels (at exit, before the JIT goes away)."""
    _kernels.clear()
