"""STUB: task tracker (replaced by the real one)."""
from __future__ import annotations


def sync_tasks(session, document_row, version_row, record) -> None:
    return None
