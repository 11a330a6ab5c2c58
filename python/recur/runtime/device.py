"""The devices kernels run on. ``RECUR_DEVICE`` picks one; the CPU is the default."""

from __future__ import annotations

import atexit
import os
import sys
import threading


_lock = threading.Lock()
_cpu = None
_emu = None

# The SIMT emulator's devices and the GPU target each runs the lowering of.
EMULATED_TARGETS = {
    "emu:sm_80": "cuda:sm_80",
    "emu:sm_90": "cuda:sm_90",
    "emu:gfx90a": "rocm:gfx90a",
    "emu:gfx942": "rocm:gfx942",
}
KNOWN_DEVICES = ("cpu", "cuda", "rocm") + tuple(EMULATED_TARGETS)
GPU_DEVICES = ("cuda", "rocm")
_cuda = None
_rocm = None


def current() -> str:
    name = os.environ.get("RECUR_DEVICE", "cpu").strip() or "cpu"
    if name not in KNOWN_DEVICES:
        raise ValueError(
            f"RECUR_DEVICE={name!r} is not available in this build (available: "
            f"{', '.join(KNOWN_DEVICES)})"
        )
    return name


def cpu():
    """The process's CPU device: one thread pool, ``RECUR_NUM_THREADS``
    workers, else one per core the process may run on."""
    global _cpu
    if _cpu is None:
        with _lock:
            if _cpu is None:
                from .. import _C

                _cpu = _C.runtime.CpuDevice(0)
    return _cpu


def cuda():
    """The first NVIDIA GPU (CUDA driver loaded with dlopen); ValueError
    saying why when there is none."""
    global _cuda
    if _cuda is None:
        with _lock:
            if _cuda is None:
                from .. import _C

                _cuda = _C.runtime.CudaDevice.open(0)
    return _cuda


def rocm():
    """The first AMD GPU (HIP, libamdhip64 loaded with dlopen); ValueError
    saying why when there is none."""
    global _rocm
    if _rocm is None:
        with _lock:
            if _rocm is None:
                from .. import _C

                _rocm = _C.runtime.HipDevice.open(0)
    return _rocm


def gpu(name: str | None = None):
    """The GPU device ``name`` ("cuda" or "rocm"; default: RECUR_DEVICE's)."""
    name = name or current()
    if name == "cuda":
        return cuda()
    if name == "rocm":
        return rocm()
    raise ValueError(f"device {name!r} is not a GPU (GPUs: {', '.join(GPU_DEVICES)})")


def compile_target() -> str:
    """The target kernels compile for on the current device."""
    name = current()
    return gpu(name).target if name in GPU_DEVICES else name


def emu():
    """The SIMT emulator: GPU kernels on the CPU, a fiber per GPU thread.
    ``RECUR_EMU_SCHEDULE_SEED`` (an integer, 0 by default) runs each block's
    threads in a reproducible shuffled order, which exposes missing
    barriers."""
    global _emu
    if _emu is None:
        with _lock:
            if _emu is None:
                from .. import _C

                seed = int(os.environ.get("RECUR_EMU_SCHEDULE_SEED", "0") or 0)
                _emu = _C.runtime.EmuDevice(0, seed)
    return _emu


def _shutdown():
    # JIT-compiled code must be released before LLVM's own static objects
    # are destroyed at process exit; Python runs atexit hooks before that.
    global _cpu
    from .jit import release_all

    if _cpu is None:
        return
    release_all()
    operators = sys.modules.get("recur.ops._kernels")
    if operators is not None:
        operators.release_all()
    _cpu = None


atexit.register(_shutdown)
