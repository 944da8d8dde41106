"""Errors that vanban reports to the user as one line naming the file."""
from __future__ import annotations

import os


class VanbanError(Exception):
    """Base class of the errors vanban reports to the user."""


class ReadError(VanbanError):
    """A file that cannot be read as a document: ``str(err)`` is the one-line message."""

    def __init__(self, path, reason: str):
        self.path = os.fspath(path) if path is not None else "<text>"
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")
