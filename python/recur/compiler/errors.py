"""Errors the compiler reports about the user's kernel."""


class CompilationError(Exception):
    """A kernel that cannot be compiled, located in the user's source.

    ``str()`` starts with ``file:line:col``, quotes the offending line with a
    caret under the column, and ends with the reason.
    """

    def __init__(self, filename, lineno, col, source_line, message):
        self.filename = filename
        self.lineno = lineno
        self.col = col
        self.source_line = source_line
        self.message = message
        super().__init__(self._format())

    def _format(self) -> str:
        caret = " " * (self.col - 1) + "^"
        return (
            f"{self.filename}:{self.lineno}:{self.col}: {self.message}\n"
            f"    {self.source_line}\n"
            f"    {caret}"
        )

    def __reduce__(self):
        return (
            type(self),
            (self.filename, self.lineno, self.col, self.source_line, self.message),
        )
