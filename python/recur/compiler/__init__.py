"""The compiler: Python AST -> tile IR -> machine code, with its caches."""

from .errors import CompilationError  # noqa: F401
