"""The on-disk compile cache and the cache counters.

Entries live under ``RECUR_CACHE_DIR`` (default ``~/.cache/recur``), one
directory per SHA-256 key, written to a temporary directory and renamed
into place by ``recur._C.runtime.CompileCache``, so a reader sees a whole
entry or none and concurrent processes never see each other's partial
writes.
"""

from __future__ import annotations

import os
import threading


_lock = threading.Lock()
_stats = {"memory_hits": 0, "disk_hits": 0, "misses": 0}
_disk = None
_disk_dir = None


def directory() -> str:
    from .. import _C

    return os.environ.get("RECUR_CACHE_DIR") or _C.runtime.CompileCache.default_directory()


def disk():
    """The cache of ``RECUR_CACHE_DIR`` (re-read, so tests may change it)."""
    global _disk, _disk_dir
    path = directory()
    with _lock:
        if _disk is None or _disk_dir != path:
            from .. import _C

            _disk = _C.runtime.CompileCache(path)
            _disk_dir = path
        return _disk


def record(counter: str):
    with _lock:
        _stats[counter] += 1


def cache_stats() -> dict:
    """Counts of in-memory hits, on-disk hits and misses (compilations)."""
    with _lock:
        return dict(_stats)


def reset_cache_stats():
    with _lock:
        for k in _stats:
            _stats[k] = 0
