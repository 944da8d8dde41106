"""STUB: obligations finder (replaced by the real one)."""
from __future__ import annotations


def find_obligations(text, parsed=None, bodies=None, references=None):
    return []
