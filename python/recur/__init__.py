"""Recur: a kernel DSL and compiler for sequence operators.

import recur, recur.language as rl

@recur.jit
def add(x_ptr, y_ptr, out_ptr, n, BLOCK: rl.constexpr):
    offs = rl.program_id(0) * BLOCK + rl.arange(0, BLOCK)
    mask = offs < n
    rl.store(out_ptr + offs, rl.load(x_ptr + offs, mask=mask) + rl.load(y_ptr + offs, mask=mask), mask=mask)

add[(recur.cdiv(n, 128),)](x, y, out, n, BLOCK=128)
"""

from . import language  # noqa: F401
from .compiler.compiler import CompiledKernel, compile  # noqa: F401
from .compiler.errors import CompilationError  # noqa: F401
from .runtime.autotuner import Config, autotune, heuristics  # noqa: F401
from .runtime.jit import JITFunction, jit  # noqa: F401

__version__ = "0.1.0"


def cdiv(a: int, b: int) -> int:
    """Ceiling division of integers: ``cdiv(10, 4) == 3``."""
    return -(-a // b)


def next_power_of_2(n: int) -> int:
    """The smallest power of two not below ``n`` (1 for n <= 1)."""
    return 1 if n <= 1 else 1 << (int(n) - 1).bit_length()
