"""STUB header parser (real one follows)."""
from __future__ import annotations

from pipeline.records import Document


def parse_header(text):
    return Document(), 0, False
