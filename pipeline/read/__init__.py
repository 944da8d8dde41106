"""Readers: one module per format, each giving NFC text.

    read_path(path) -> Source      # dispatch on magic bytes, then on the extension
    read_bytes(data, name) -> Source

Formats: ``.txt`` (UTF-8 / UTF-16 / Windows-1258 / TCVN3 / VNI, see text.py and
legacy.py), ``.html`` / ``.htm`` (html.py), ``.pdf`` (pdf.py), ``.docx`` (docx.py).
Every bad input raises ``pipeline.errors.ReadError(path, reason)`` with a
one-line reason; the size limit (env ``VANBAN_MAX_BYTES``, default 100 MB) is
checked with ``os.stat`` before the file is read.
"""
from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass, field

from pipeline.errors import ReadError
from pipeline.read._base import FormatProblem

DEFAULT_MAX_BYTES = 100 * 1024 * 1024


@dataclass
class Source:
    text: str  # decoded, NFC
    format: str  # "txt" | "html" | "pdf" | "docx"
    encoding: str | None = None
    sha256: str = ""  # of the file's bytes
    meta: dict = field(default_factory=dict)


def max_bytes() -> int:
    v = os.environ.get("VANBAN_MAX_BYTES", "").strip()
    if v:
        try:
            n = int(float(v))
            if n > 0:
                return n
        except ValueError:
            pass
    return DEFAULT_MAX_BYTES


def _mb(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} bytes"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as e:
        return e.start >= len(head) - 4  # a character cut at the end of the sample


def sniff(data: bytes, name: str = "") -> str:
    """The format of ``data``: magic bytes first, then the file extension."""
    head = data[:2048]
    ext = os.path.splitext(name)[1].lower()
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"  # the docx reader tells a zip that is not a Word document
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if ext in (".pdf", ".docx") and not _looks_like_text(head):
        return ext[1:]  # the reader reports it corrupt
    low = head.lower()
    if ext in (".html", ".htm", ".xhtml") or any(t in low for t in (b"<!doctype html", b"<html", b"<body", b"<head")):
        return "html"
    for magic in (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"MZ", b"BM"):
        if head.startswith(magic):
            return "binary"
    return "txt"


def read_bytes(data: bytes, name: str = "<bytes>") -> Source:
    digest = hashlib.sha256(data).hexdigest()
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReadError(name, "empty file")
    fmt = sniff(data, name)
    enc = None
    meta: dict = {}
    try:
        if fmt == "pdf":
            from pipeline.read.pdf import read_pdf

            text, meta = read_pdf(data, name)
        elif fmt == "docx":
            from pipeline.read.docx import read_docx

            text, meta = read_docx(data)
        elif fmt == "html":
            from pipeline.read.html import read_html

            text, enc, meta = read_html(data)
        elif fmt == "txt":
            from pipeline.read.text import decode_bytes

            text, enc = decode_bytes(data)
        elif fmt == "rtf":
            raise ReadError(name, "RTF document not supported: save it as .docx or PDF")
        elif fmt == "ole":
            raise ReadError(name, "old Word .doc or encrypted Office file: save it as .docx or PDF")
        else:
            raise ReadError(name, "binary file, not a document")
    except ReadError:
        raise
    except FormatProblem as e:
        raise ReadError(name, str(e)) from None
    except MemoryError:
        raise ReadError(name, "file too large to read in memory") from None
    except Exception as e:  # a reader bug must still be one line, never a traceback
        raise ReadError(name, f"cannot read {fmt} file ({type(e).__name__}: {str(e)[:120]})") from None
    text = unicodedata.normalize("NFC", text)
    if fmt != "txt":  # a PDF / Word / web page typed in a TCVN3 or VNI font
        from pipeline.read import legacy

        scheme = legacy.detect(text)
        if scheme:
            text = legacy.decode(text, scheme)
            enc = f"{enc}+{scheme}" if enc else scheme
        else:
            text, n = legacy.repair_lines(text)
            if n:
                enc = f"{enc}+legacy-lines" if enc else "legacy-lines"
    if not text.strip():
        if fmt == "pdf":
            raise ReadError(name, "PDF has no text layer: needs OCR")
        raise ReadError(name, "no text in the document")
    return Source(text=text, format=fmt, encoding=enc, sha256=digest, meta=meta)


def read_path(path) -> Source:
    p = os.fspath(path)
    try:
        st = os.stat(p)
    except OSError as e:
        raise ReadError(p, e.strerror or str(e)) from None
    if os.path.isdir(p):
        raise ReadError(p, "is a directory, not a file")
    limit = max_bytes()
    if st.st_size > limit:
        raise ReadError(p, f"file too large ({_mb(st.st_size)} > limit {_mb(limit)}; set VANBAN_MAX_BYTES)")
    if st.st_size == 0:
        raise ReadError(p, "empty file")
    try:
        with open(p, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as e:
        raise ReadError(p, e.strerror or str(e)) from None
    if len(data) > limit:
        raise ReadError(p, f"file too large (> limit {_mb(limit)}; set VANBAN_MAX_BYTES)")
    src = read_bytes(data, p)
    src.meta.setdefault("path", p)
    return src
