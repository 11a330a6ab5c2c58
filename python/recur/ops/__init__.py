"""The operator library (``recur.ops``).

Each operator is a ``seq`` op lowered by the compiler into chunked tile
kernels (see ``_kernels.py``); ``recur.ops.reference`` holds every
operator's sequential reference in numpy.
"""

from . import reference  # noqa: F401
from .attention import flash_attn  # noqa: F401
from .linear import delta_rule, gated_delta_rule, gla, linear_attn  # noqa: F401
from .selective_scan import selective_scan  # noqa: F401
from .ssd import ssd  # noqa: F401
from .newton import Cell, newton_rnn  # noqa: F401
