"""The Python side of the runtime: JIT functions, launches, caches, devices."""

from .cache import cache_stats, reset_cache_stats  # noqa: F401
from .jit import JITFunction, jit  # noqa: F401
