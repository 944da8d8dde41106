"""STUB: task and checklist commands register here."""
from __future__ import annotations


def register(app) -> None:
    return None
