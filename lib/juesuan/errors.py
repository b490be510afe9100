"""The one exception juesuan raises on purpose, and how the CLI shows it.

Bad *input* (a file that cannot be read, params that break their schema, a malformed
suite) raises :class:`InputError`; the CLI prints ``juesuan: FILE[:LINE]: problem`` on
stderr and exits 2. Anything else is a bug in juesuan and shows a traceback.
"""

from __future__ import annotations


class JuesuanError(Exception):
    """Base class for errors juesuan reports to the user without a traceback."""

    exit_code = 2

    def __init__(self, problem: str, *, path: str | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path = path
        self.line = line
        self.hint = hint

    def one_line(self) -> str:
        """``FILE:LINE: problem (hint)`` — what the CLI prints."""
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        tail = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.problem}{tail}"

    def __str__(self) -> str:
        return self.one_line()


class InputError(JuesuanError):
    """A disclosure, params file or suite that juesuan cannot use as given."""
