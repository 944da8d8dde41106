"""DOCX reader (python-docx): paragraphs and tables in document order.

Tables (where the issuer, "Số:" and the date usually sit, and appendix tables)
are flattened row by row, one cell per line with a blank line between cells
(the convention of the external corpus); a merged cell is read once; nested
tables are read in place.  Empty paragraphs stay as (squeezed) blank lines.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pipeline.read import legacy
from pipeline.read._base import FormatProblem


class DocxProblem(FormatProblem):
    pass


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _roman(n: int) -> str:
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, r in vals:
        while n >= v:
            out += r
            n -= v
    return out


def _letter(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return s


def _fmt(n: int, fmt: str) -> str:
    if fmt in ("decimal", "decimalEnclosedCircle", "decimalFullWidth", "ordinal", "cardinalText", "ordinalText"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)


class _Numbering:
    """Word's automatic list numbers ("1.", "a)", "-"), which are not part of
    the paragraph text: computed from numbering.xml so items keep their labels."""

    def __init__(self, doc):
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}  # (numId, ilvl) -> (fmt, text, start)
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = doc.part.numbering_part.element
        except Exception:
            return
        abstract = {}
        for an in root.iter(_W + "abstractNum"):
            lv = {}
            for lvl in an.iter(_W + "lvl"):
                il = int(lvl.get(_W + "ilvl", "0"))
                fmt = lvl.find(_W + "numFmt")
                txt = lvl.find(_W + "lvlText")
                st = lvl.find(_W + "start")
                lv[il] = (fmt.get(_W + "val") if fmt is not None else "decimal",
                          txt.get(_W + "val") if txt is not None else "",
                          int(st.get(_W + "val")) if st is not None else 1)
            abstract[an.get(_W + "abstractNumId")] = lv
        for num in root.iter(_W + "num"):
            nid = num.get(_W + "numId")
            a = num.find(_W + "abstractNumId")
            lv = dict(abstract.get(a.get(_W + "val") if a is not None else None, {}))
            for ov in num.iter(_W + "lvlOverride"):
                il = int(ov.get(_W + "ilvl", "0"))
                so = ov.find(_W + "startOverride")
                if so is not None and il in lv:
                    f, t, _ = lv[il]
                    lv[il] = (f, t, int(so.get(_W + "val")))
            for il, v in lv.items():
                self.levels[(nid, il)] = v

    def label(self, paragraph) -> str:
        if not self.levels:
            return ""
        num = _num_pr(paragraph)
        if num is None:
            return ""
        nid, il = num
        if nid == "0" or (nid, il) not in self.levels:
            return ""
        fmt, text, start = self.levels[(nid, il)]
        cnt = self.counters.setdefault(nid, {})
        cnt[il] = cnt.get(il, start - 1) + 1
        for deeper in [k for k in cnt if k > il]:
            del cnt[deeper]
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return ""

        def sub(m):
            k = int(m.group(1)) - 1
            f, _, st = self.levels.get((nid, k), ("decimal", "", 1))
            return _fmt(cnt.get(k, st), f)

        return re.sub(r"%(\d)", sub, text).strip()


def _num_pr(paragraph):
    """(numId, ilvl) of a paragraph, directly or through its style."""
    pPr = paragraph._p.pPr
    el = pPr.find(_W + "numPr") if pPr is not None else None
    style = paragraph.style
    while el is None and style is not None:
        spPr = style.element.find(_W + "pPr")
        el = spPr.find(_W + "numPr") if spPr is not None else None
        style = style.base_style
    if el is None:
        return None
    nid = el.find(_W + "numId")
    il = el.find(_W + "ilvl")
    if nid is None:
        return None
    return nid.get(_W + "val"), int(il.get(_W + "val")) if il is not None else 0


def _font_of(run, paragraph) -> str | None:
    if run.font.name:
        return run.font.name
    style = run.style
    while style is not None and style.type is not None:
        if style.font.name:
            return style.font.name
        style = style.base_style
    style = paragraph.style
    while style is not None:
        if style.font.name:
            return style.font.name
        style = style.base_style
    return None


def _para_text(paragraph) -> str:
    """The paragraph's text; runs typed in a legacy font (.VnTime, .VnTimeH,
    VNI-Times) are converted to Unicode, upper-case fonts upper-cased."""
    from docx.text.hyperlink import Hyperlink

    parts: list[str] = []
    legacy_seen = False
    try:
        items = list(paragraph.iter_inner_content())
    except Exception:
        return paragraph.text
    for item in items:
        runs = item.runs if isinstance(item, Hyperlink) else [item]
        for run in runs:
            t = run.text
            scheme, upper = legacy.font_scheme(_font_of(run, paragraph))
            if scheme and t:
                legacy_seen = True
                t = legacy.decode(t, scheme, restore_case=False)
                if upper:
                    t = t.upper()
            parts.append(t)
    return "".join(parts) if legacy_seen else paragraph.text


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _textboxes(paragraph) -> list[str]:
    """Lines of the text boxes anchored in a paragraph (some headers sit in
    text boxes); the fallback copy Word stores beside a box is skipped."""
    lines: list[str] = []
    p = paragraph._p
    for box in p.iter(_W + "txbxContent"):
        anc = box.getparent()
        skip = False
        while anc is not None and anc is not p:
            if anc.tag == _MC_FALLBACK:
                skip = True
                break
            anc = anc.getparent()
        if skip:
            continue
        for bp in box.iter(_W + "p"):
            t = "".join(x.text or "" for x in bp.iter(_W + "t"))
            if t.strip():
                lines.append(t)
    return lines


def _cell_lines(cell, out: list[str], numbering) -> None:
    for block in cell.iter_inner_content():
        _block(block, out, numbering)


def _block(block, out: list[str], numbering=None) -> None:
    from docx.table import Table

    if isinstance(block, Table):
        # one cell per line, row by row, a blank line between cells (the
        # convention of the external corpus); a cell's own lines stay together
        out.append("")
        for row in block.rows:
            seen = set()
            for cell in row.cells:
                key = id(cell._tc)
                if key in seen:
                    continue
                seen.add(key)
                lines: list[str] = []
                _cell_lines(cell, lines, numbering)
                text = "\n".join(ln.strip() for ln in "\n".join(lines).split("\n") if ln.strip())
                if text:
                    out.append(text)
                    out.append("")
    else:
        out.extend(_textboxes(block))
        text = _para_text(block)  # soft line breaks inside a paragraph come out as "\n"
        label = numbering.label(block) if numbering is not None and text.strip() else ""
        out.append(f"{label} {text}" if label else text)


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
    numbering = _Numbering(doc)
    for block in doc.iter_inner_content():
        _block(block, out, numbering)
    # empty paragraphs stay as blank lines (runs squeezed to one)
    lines = [ln.strip() for ln in "\n".join(out).split("\n")]
    kept: list[str] = []
    for ln in lines:
        if ln or (kept and kept[-1]):
            kept.append(ln)
    text = "\n".join(kept).strip("\n")
    meta = {"paragraphs": len(doc.paragraphs), "tables": len(doc.tables)}
    return unicodedata.normalize("NFC", text) + ("\n" if text else ""), meta
