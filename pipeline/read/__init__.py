"""Readers: one module per format, each giving NFC text.

STUB: the real readers (txt encodings incl. TCVN3/VNI, html, pdf, docx) replace this.
"""
from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass, field

from pipeline.errors import ReadError


@dataclass
class Source:
    text: str  # decoded, NFC
    format: str  # "txt" | "html" | "pdf" | "docx"
    encoding: str | None = None
    sha256: str = ""  # of the file's bytes
    meta: dict = field(default_factory=dict)


def read_path(path) -> Source:
    p = os.fspath(path)
    try:
        data = open(p, "rb").read()
    except OSError as e:
        raise ReadError(p, e.strerror or str(e)) from None
    text = unicodedata.normalize("NFC", data.decode("utf-8-sig"))
    return Source(text=text, format="txt", encoding="utf-8", sha256=hashlib.sha256(data).hexdigest())
