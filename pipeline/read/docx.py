"""DOCX reader (python-docx): paragraphs and tables in document order.

Tables (where the issuer, "Số:" and the date usually sit, and appendix tables)
are flattened row by row, one cell per line; a merged cell is read once;
nested tables are read in place.
"""
from __future__ import annotations

import io
import unicodedata
import zipfile
from pipeline.read._base import FormatProblem


class DocxProblem(FormatProblem):
    pass


def _cell_lines(cell, out: list[str]) -> None:
    for block in cell.iter_inner_content():
        _block(block, out)


def _block(block, out: list[str]) -> None:
    from docx.table import Table

    if isinstance(block, Table):
        for row in block.rows:
            seen = set()
            for cell in row.cells:
                key = id(cell._tc)
                if key in seen:
                    continue
                seen.add(key)
                _cell_lines(cell, out)
    else:
        text = block.text
        # soft line breaks inside a paragraph come out as "\n" already
        out.append(text)


def read_docx(raw: bytes) -> tuple[str, dict]:
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        names = set(zf.namelist())
    except zipfile.BadZipFile:
        raise DocxProblem("corrupt or truncated .docx (not a zip archive)") from None
    if "word/document.xml" not in names:
        if "EncryptedPackage" in names:
            raise DocxProblem("encrypted .docx")
        raise DocxProblem("not a .docx document (no word/document.xml)")
    try:
        import docx

        doc = docx.Document(io.BytesIO(raw))
    except Exception as e:  # lxml / zip errors
        raise DocxProblem(f"corrupt .docx ({type(e).__name__})") from None
    out: list[str] = []
    for block in doc.iter_inner_content():
        _block(block, out)
    lines = [ln.strip() for ln in "\n".join(out).split("\n")]
    text = "\n".join(ln for ln in lines if ln)
    meta = {"paragraphs": len(doc.paragraphs), "tables": len(doc.tables)}
    return unicodedata.normalize("NFC", text) + ("\n" if text else ""), meta
