"""Shared by the readers: the exception a reader raises for a bad input; its
message is the one-line reason that ``ReadError`` shows."""
from __future__ import annotations


class FormatProblem(ValueError):
    """A file this reader cannot turn into text; ``str(e)`` is the reason."""
