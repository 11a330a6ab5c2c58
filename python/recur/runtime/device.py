"""The devices kernels run on. ``RECUR_DEVICE`` picks one; the CPU is the default."""

from __future__ import annotations

import atexit
import os
import sys
import threading


_lock = threading.Lock()
_cpu = None

KNOWN_DEVICES = ("cpu",)


def current() -> str:
    name = os.environ.get("RECUR_DEVICE", "cpu").strip() or "cpu"
    if name not in KNOWN_DEVICES:
        raise ValueError(
            f"RECUR_DEVICE={name!r} is not available in this build (available: "
            f"{', '.join(KNOWN_DEVICES)})"
        )
    return name


def cpu():
    """The process's CPU device: one thread pool over every core."""
    global _cpu
    if _cpu is None:
        with _lock:
            if _cpu is None:
                from .. import _C

                _cpu = _C.runtime.CpuDevice(0)
    return _cpu


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
