"""The operator library (``recur.ops``).

``recur.ops.reference`` holds every operator's sequential reference in
numpy; the compiled, chunked operators are built on the ``seq`` dialect.
"""

from . import reference  # noqa: F401
