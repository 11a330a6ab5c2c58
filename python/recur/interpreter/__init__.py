"""The interpreter (``RECUR_INTERPRET=1``): kernels run in numpy, program by program.

``launch(fn, grid, arguments)`` runs a kernel's Python function once per
program with ``recur.language`` computing on numpy arrays
(``backend.InterpreterBackend``). Every memory access goes through the
launch's argument buffers: an address outside them raises ``IndexError``.
"""

from .backend import InterpreterBackend, Memory  # noqa: F401
from .launcher import launch  # noqa: F401

__all__ = ["launch", "InterpreterBackend", "Memory"]
