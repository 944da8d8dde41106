"""STUB: database commands (ingest, ls, show, tasks, checklist, cites, ...) register here."""
from __future__ import annotations


def register(app) -> None:
    return None
