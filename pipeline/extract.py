"""The path of one document: read → clean → parse → find.

``extract_path`` and ``extract_text`` are the only entry points; each returns a
:class:`~pipeline.records.Record` whose offsets index ``record.text``.
"""
from __future__ import annotations

import hashlib
import os

from pipeline.clean import clean
from pipeline.find.bodies import find_bodies
from pipeline.find.obligations import find_obligations
from pipeline.find.references import find_references
from pipeline.parse import parse
from pipeline.read import read_path
from pipeline.records import Record


def extract_text(text: str, source: str = "<text>", sha256: str | None = None, meta: dict | None = None) -> Record:
    """Extract every record from an already-decoded text (it is cleaned here)."""
    cleaned = clean(text)
    ctext = cleaned.text
    if sha256 is None:
        sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    parsed = parse(ctext)
    references = find_references(ctext, parsed)
    bodies = find_bodies(ctext, parsed)
    obligations = find_obligations(ctext, parsed, bodies=bodies, references=references)
    m = dict(meta or {})
    m.setdefault("steps", cleaned.steps)
    return Record(
        source=source,
        sha256=sha256,
        text=ctext,
        document=parsed.document,
        references=references,
        obligations=obligations,
        bodies=bodies,
        warnings=list(parsed.warnings),
        meta=m,
    )


def extract_path(path) -> Record:
    """Read ``path`` (txt/html/pdf/docx) and extract its records.

    Raises :class:`~pipeline.errors.ReadError` with a one-line reason for a file
    that cannot be read.
    """
    src = read_path(path)
    meta = {"format": src.format, "encoding": src.encoding}
    return extract_text(src.text, source=os.fspath(path), sha256=src.sha256, meta=meta)
