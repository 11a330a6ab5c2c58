"""``recur.language``, imported as ``rl``: the kernel language.

Names and semantics follow ``triton.language``; see docs/language.md.
"""

from .core import *  # noqa: F401,F403
from .core import __all__ as _core_all
from .core import constexpr, dtype, tensor  # noqa: F401

__all__ = list(_core_all)
