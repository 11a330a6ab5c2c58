"""``@recur.autotune`` and ``@recur.heuristics``, with Triton's semantics.

The autotuner times each config of a kernel once per tuning key — the
kernel's hash, the values of the ``key`` arguments, the dtypes of its array
arguments and the device — and keeps the fastest. Measurements live in the
tuning database under ``RECUR_CACHE_DIR`` (``recur._C.runtime.TuningDatabase``,
one atomically written record per config), so other processes reuse them
and adding a config times only the new one. Before timing, configs are
compiled in parallel and pruned: by ``prune_configs_by`` and by a resource
model (configs that compile to the same code are timed once; on the CPU,
tiles larger than the L2 cache are dropped while smaller ones remain; on
GPUs and their emulations, configs whose shared memory, registers or
threads exceed a block's limits are dropped, and so are configs that spill
registers while others do not).
``RECUR_PRINT_AUTOTUNING=1`` prints each choice.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import cache, launch


class Config:
    """Meta-parameters of one autotuning candidate.

    ``kwargs`` are constexpr values passed to the kernel; ``num_warps`` and
    ``num_stages`` are launch options (GPU targets; the CPU ignores them);
    ``pre_hook(args)`` runs before each launch with this config.
    """

    def __init__(self, kwargs, num_warps=4, num_stages=2, pre_hook=None):
        self.kwargs = dict(kwargs)
        self.num_warps = num_warps
        self.num_stages = num_stages
        self.pre_hook = pre_hook

    def all_kwargs(self) -> dict:
        return {**self.kwargs, "num_warps": self.num_warps, "num_stages": self.num_stages}

    def identity(self) -> str:
        """The config's record name in the tuning database."""
        return json.dumps(self.all_kwargs(), sort_keys=True, default=repr)

    def __repr__(self) -> str:
        items = [f"{k}: {v}" for k, v in self.all_kwargs().items()]
        return "Config(" + ", ".join(items) + ")"


def _device_name() -> str:
    from . import device

    name = device.current()
    if name in device.GPU_DEVICES:
        gpu = device.gpu(name)
        return f"{name}:{gpu.name}:{gpu.target}"
    if name != "cpu":
        return name  # an emulated GPU: its timings are the emulator's
    return f"{_cpu_name()}:{device.cpu().num_threads}"


@functools.lru_cache(maxsize=1)
def _cpu_name() -> str:
    """The CPU model and core count, read once (every launch of a tuned
    kernel builds its tuning key, which adds the CPU device's workers: the
    best config on one worker need not be the best on all)."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"cpu:{model}:{os.cpu_count()}"


@functools.lru_cache(maxsize=1)
def _l2_bytes() -> int:
    try:
        with open("/sys/devices/system/cpu/cpu0/cache/index2/size") as f:
            text = f.read().strip()
        scale = {"K": 1 << 10, "M": 1 << 20}.get(text[-1], 1)
        return int(text.rstrip("KM")) * scale
    except (OSError, ValueError):
        return 1 << 20


_TENSOR = re.compile(r"tensor<((?:\d+x)+)([a-z]+)(\d*)")


def _largest_tile_bytes(tile_ir: str) -> int:
    """The largest tile value of a compiled kernel's tile IR, in bytes."""
    largest = 0
    for dims, kind, bits in _TENSOR.findall(tile_ir):
        elements = 1
        for d in dims.rstrip("x").split("x"):
            elements *= int(d)
        width = int(bits) // 8 if bits else 8  # pointers
        largest = max(largest, elements * max(width, 1))
    return largest


# A block's limits per GPU target: shared memory (on NVIDIA the most a block
# may opt in to, a scratch above the static 48 KiB being dynamic shared
# memory; an AMD workgroup's 64 KiB of LDS), registers of a multiprocessor
# (or SIMD) and threads.
_GPU_LIMITS = {
    "cuda:sm_80": {"shared": 163 << 10, "registers": 64 << 10, "threads": 1024},
    "cuda:sm_90": {"shared": 227 << 10, "registers": 64 << 10, "threads": 1024},
    "rocm:gfx90a": {"shared": 64 << 10, "registers": 128 << 10, "threads": 1024},
    "rocm:gfx942": {"shared": 64 << 10, "registers": 128 << 10, "threads": 1024},
}


def gpu_resources(metadata):
    """What a GPU kernel needs of a block, from its compile metadata:
    ``{"target", "shared", "threads", "registers", "spilled"}`` (registers
    and spilled bytes are known only from ptxas; None otherwise), or None for
    a CPU kernel."""
    target = metadata.get("target", "")
    if target.startswith("emu:"):
        from .device import EMULATED_TARGETS

        target = EMULATED_TARGETS.get(target, "")
        blocks = metadata.get("blocks") or [[0, 0, 0]]
        return {
            "target": target,
            "shared": max(b[2] for b in blocks),
            "threads": max(b[0] for b in blocks),
            "registers": None,
            "spilled": None,
        }
    if target.startswith(("cuda:", "rocm:")):
        spilled = metadata.get("spill_stores")
        if spilled is not None:
            spilled += metadata.get("spill_loads", 0)
        return {
            "target": target,
            "shared": metadata.get("shared", 0),
            "threads": metadata.get("num_threads", 0),
            "registers": metadata.get("registers"),
            "spilled": spilled,
        }
    return None


def gpu_overuse(resources) -> list[str]:
    """The block limits a kernel's ``gpu_resources`` exceed, in words."""
    limits = _GPU_LIMITS[resources["target"]]
    over = []
    if resources["shared"] > limits["shared"]:
        over.append(f"{resources['shared']} B of shared memory > {limits['shared']}")
    if resources["threads"] > limits["threads"]:
        over.append(f"{resources['threads']} threads > {limits['threads']}")
    registers = resources["registers"]
    if registers is not None and registers * resources["threads"] > limits["registers"]:
        over.append(
            f"{registers} registers x {resources['threads']} threads > {limits['registers']}"
        )
    return over


def _database():
    from .. import _C

    return _C.runtime.TuningDatabase(os.path.join(cache.directory(), "tuning"))


class _KernelWrapper:
    """What a decorator over a kernel keeps of it: name, arguments, hash and
    the ``kernel[grid](...)`` launch syntax."""

    def __init__(self, fn):
        self.fn = fn
        self.arg_names = fn.arg_names
        self.__name__, self.__doc__ = fn.__name__, fn.__doc__

    @property
    def cache_key(self) -> str:
        return self.fn.cache_key

    def __getitem__(self, grid):
        return functools.partial(self.run, grid=grid)


class Autotuner(_KernelWrapper):
    """A kernel (``@recur.jit`` or ``@recur.heuristics``) with a config space."""

    def __init__(
        self,
        fn,
        configs,
        key,
        prune_configs_by=None,
        reset_to_zero=None,
        restore_value=None,
        warmup=1,
        rep=5,
    ):
        if not configs:
            raise ValueError("recur.autotune needs at least one Config")
        super().__init__(fn)
        for label, names in (
            ("key", key),
            ("reset_to_zero", reset_to_zero or []),
            ("restore_value", restore_value or []),
        ):
            unknown = [n for n in names if n not in self.arg_names]
            if unknown:
                raise ValueError(f"recur.autotune: {label} names unknown arguments {unknown}")
        self.configs = list(configs)
        self.key = list(key)
        prune_configs_by = prune_configs_by or {}
        self.perf_model = prune_configs_by.get("perf_model")
        self.top_k = prune_configs_by.get("top_k")
        self.early_config_prune = prune_configs_by.get("early_config_prune")
        self.reset_to_zero = list(reset_to_zero or [])
        self.restore_value = list(restore_value or [])
        self.warmup = warmup
        self.rep = rep
        self.best = {}  # tuning key -> Config
        self.timings = {}  # tuning key -> {Config identity: seconds}

    def _tuning_key(self, named) -> str:
        values = []
        for name in self.key:
            value = named.get(name)
            if isinstance(value, (int, float, str, bool)) or value is None:
                values.append(value)
            else:
                array = launch.as_array(value, name)
                values.append([str(array.dtype), list(array.shape)])
        dtypes = {}
        for name in self.arg_names:
            value = named.get(name)
            if value is not None and not isinstance(value, (int, float, str, bool)):
                try:
                    dtypes[name] = str(launch.as_array(value, name).dtype)
                except (TypeError, ValueError):
                    pass
        return json.dumps(
            [self.fn.cache_key, values, dtypes, _device_name()], sort_keys=True, default=repr
        )

    def prune(self, named, kwargs):
        configs = self.configs
        if self.early_config_prune:
            configs = list(self.early_config_prune(configs, named, **kwargs))
        if self.perf_model and self.top_k:
            top_k = self.top_k
            if isinstance(top_k, float) and top_k <= 1.0:
                top_k = max(1, int(len(configs) * top_k))
            estimates = {
                id(c): self.perf_model(**named, **kwargs, **c.all_kwargs()) for c in configs
            }
            configs = sorted(configs, key=lambda c: estimates[id(c)])[:top_k]
        if not configs:
            raise ValueError(f"recur.autotune: every config of {self.__name__} was pruned")
        return configs

    def _compile_all(self, args, kwargs, configs):
        """Compiles the configs in parallel (compilation releases the GIL)."""

        def compile_one(config):
            options = {**kwargs, **config.kwargs}
            return self.fn.warmup(
                *args, num_warps=config.num_warps, num_stages=config.num_stages, **options
            )

        with ThreadPoolExecutor(max_workers=max(1, min(len(configs), os.cpu_count() or 1))) as ex:
            return list(ex.map(compile_one, configs))

    def _resource_prune(self, configs, kernels):
        """The resource model: one config per distinct compiled kernel; on
        GPUs, only configs within a block's limits, and none that spill
        while others do not; on the CPU, no tile larger than the L2 cache
        while smaller ones exist."""
        resources = [gpu_resources(getattr(k, "metadata", None) or {}) for k in kernels]
        if any(r is not None for r in resources):
            return self._gpu_prune(configs, kernels, resources)
        distinct = {}
        for config, kernel in zip(configs, kernels):
            asm = getattr(kernel, "asm", {}) or {}
            code = asm.get("llir") or asm.get("tile") or config.identity()
            digest = hashlib.sha256(code.encode() if isinstance(code, str) else code).hexdigest()
            if digest not in distinct:
                tile = asm.get("tile", "")
                distinct[digest] = (
                    config,
                    _largest_tile_bytes(tile if isinstance(tile, str) else ""),
                )
        candidates = list(distinct.values())
        fitting = [c for c, size in candidates if size <= _l2_bytes()]
        return fitting or [c for c, _ in candidates]

    def _gpu_prune(self, configs, kernels, resources):
        fitting, rejected, seen = [], [], set()
        for config, kernel, needs in zip(configs, kernels, resources):
            over = gpu_overuse(needs)
            if over:
                rejected.append(f"{config}: {'; '.join(over)}")
                continue
            asm = getattr(kernel, "asm", {}) or {}
            code = asm.get("ptx") or asm.get("amdgcn") or asm.get("llir") or config.identity()
            digest = hashlib.sha256(code.encode() if isinstance(code, str) else code).hexdigest()
            if digest not in seen:
                seen.add(digest)
                fitting.append((config, needs["spilled"]))
        if not fitting:
            raise ValueError(
                f"recur.autotune: no config of {self.__name__} fits a GPU block: "
                + " | ".join(rejected)
            )
        unspilled = [c for c, spilled in fitting if not spilled]
        return unspilled or [c for c, _ in fitting]

    def run(self, *args, grid, **kwargs):
        named = dict(zip(self.arg_names, args))
        named.update(kwargs)
        tuned = {name for config in self.configs for name in config.kwargs}
        conflicts = sorted(tuned & set(kwargs))
        if conflicts:
            raise ValueError(
                f"{self.__name__}: {conflicts} are chosen by recur.autotune; do not pass them"
            )
        if os.environ.get("RECUR_INTERPRET", "0") not in ("", "0"):
            config = self.configs[0]
        else:
            key = self._tuning_key(named)
            config = self.best.get(key)
            if config is None:
                config = self._tune(key, args, kwargs, named, grid)
        return self._launch(config, args, kwargs, grid, reset=True)

    def _launch(self, config, args, kwargs, grid, reset):
        named = dict(zip(self.arg_names, args))
        named.update(kwargs)
        full = {**named, **config.all_kwargs()}
        if reset:
            for name in self.reset_to_zero:
                launch.as_array(named[name], name)[...] = 0
        if config.pre_hook:
            config.pre_hook(full)
        return self.fn.run(
            *args,
            grid=grid,
            num_warps=config.num_warps,
            num_stages=config.num_stages,
            **kwargs,
            **config.kwargs,
        )

    def _tune(self, key, args, kwargs, named, grid):
        configs = self.prune(named, kwargs)
        kernels = self._compile_all(args, kwargs, configs)
        configs = self._resource_prune(configs, kernels)
        saved = {
            name: np.array(launch.as_array(named[name], name), copy=True)
            for name in self.restore_value
        }
        by_identity = {c.identity(): c for c in configs}
        try:
            result = _database().tune(
                key,
                list(by_identity),
                lambda identity: self._launch(by_identity[identity], args, kwargs, grid, True),
                self.warmup,
                self.rep,
            )
        finally:
            for name, value in saved.items():
                launch.as_array(named[name], name)[...] = value
        best = by_identity[result["best"]]
        self.best[key] = best
        self.timings[key] = dict(zip(by_identity, result["timings"]))
        if os.environ.get("RECUR_PRINT_AUTOTUNING", "0") not in ("", "0"):
            key_values = {name: named.get(name) for name in self.key}
            print(
                f"recur.autotune: {self.__name__} {key_values}: best {best} "
                f"({result['seconds'] * 1e3:.3f} ms; timed {len(result['timed'])} of "
                f"{len(configs)} configs)",
                flush=True,
            )
        return best


def autotune(
    configs, key, prune_configs_by=None, reset_to_zero=None, restore_value=None, warmup=1, rep=5
):
    """Decorator: time ``configs`` per distinct ``key`` argument values and
    launch the fastest. ``reset_to_zero`` arguments are zeroed before every
    timed run and before the launch; ``restore_value`` arguments get their
    values back after timing. ``warmup`` and ``rep`` are runs per config."""

    def decorator(fn):
        return Autotuner(
            fn, configs, key, prune_configs_by, reset_to_zero, restore_value, warmup, rep
        )

    return decorator


class Heuristics(_KernelWrapper):
    """A kernel whose meta-parameters are computed from its arguments."""

    def __init__(self, fn, values):
        super().__init__(fn)
        self.values = dict(values)

    def _complete(self, args, kwargs):
        named = dict(zip(self.arg_names, args))
        named.update(kwargs)
        for name, rule in self.values.items():
            kwargs[name] = named[name] = rule(named)
        return kwargs

    def run(self, *args, grid, **kwargs):
        return self.fn.run(*args, grid=grid, **self._complete(args, dict(kwargs)))

    def warmup(self, *args, **kwargs):
        return self.fn.warmup(*args, **self._complete(args, dict(kwargs)))


def heuristics(values):
    """Decorator: ``values`` maps meta-parameter names to functions of the
    arguments (a dict by name), evaluated at every launch."""

    def decorator(fn):
        return Heuristics(fn, values)

    return decorator
