"""PDF reader (pdfplumber, with pypdf for the encryption check).

* Words are grouped into rows by position; text is NFC (PDFs often hold NFD).
* The two-column header of a Vietnamese document (issuer and "Số:" on the left,
  the national or party motto and the place/date on the right) is read column by
  column, so the issuer block comes before the motto; the rest of the page is
  read full width.
* Running headers / footers (``CÔNG BÁO/Số ...``, bare page numbers; patterns
  in ``clutter.toml`` [pdf]) are dropped, and lines that repeat at the top or
  bottom of most pages.
* Hard-wrapped lines are re-joined: a line that runs to the right margin, does
  not end a sentence, and is followed by a line at the left margin that does not
  start a new item, is joined to it with a space.
* The closing block ("Nơi nhận:" list left, signer right) is read column by
  column too; ruled tables are flattened row by row, one cell per line.
* Errors: no text layer / undecodable fonts -> "needs OCR"; a password ->
  "encrypted PDF"; no %%EOF or unparsable -> "corrupt or truncated PDF".
"""
from __future__ import annotations

import functools
import io
import re
import statistics
import unicodedata
from dataclasses import dataclass

from pipeline import data
from pipeline.read._base import HARD_END, ITEM_START, FormatProblem


class PdfProblem(FormatProblem):
    pass


@dataclass
class Row:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    words: list
    page: int = 0
    no_join: bool = False  # a header-column line: never joined
    blank_after: bool = False  # the last line of a table cell
    blank_before: bool = False  # the first line of a table


MOTTO = re.compile(r"CỘNG\s*H(?:ÒA|OÀ)\s*XÃ\s*HỘI|ĐẢNG\s*CỘNG\s*SẢN\s*VIỆT\s*NAM")
DATE_LINE = re.compile(r"ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}|ngày\s+\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}", re.I)


@functools.lru_cache(maxsize=1)
def _running_patterns():
    pats = data.load("clutter").get("pdf", {}).get("running", [])
    return [re.compile(p, re.I) for p in pats]


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


# ------------------------------------------------------------------ rows
def _rows_from_words(words: list, page_no: int) -> list[Row]:
    words = sorted(words, key=lambda w: (round(w["top"], 1), w["x0"]))
    rows: list[list] = []
    for w in words:
        h = max(w["bottom"] - w["top"], 1.0)
        for r in rows[-3:]:
            rt = r[0]["top"]
            rb = r[0]["bottom"]
            # same row if vertically overlapping by more than half the height
            ov = min(rb, w["bottom"]) - max(rt, w["top"])
            if ov > 0.5 * min(h, rb - rt if rb > rt else h):
                r.append(w)
                break
        else:
            rows.append([w])
    out = []
    for r in rows:
        r.sort(key=lambda w: w["x0"])
        out.append(_row(r, page_no))
    out.sort(key=lambda r: r.top)
    return out


def _row(ws: list, page_no: int) -> Row:
    return Row(
        text=_nfc(" ".join(w["text"] for w in ws)),
        x0=min(w["x0"] for w in ws), x1=max(w["x1"] for w in ws),
        top=min(w["top"] for w in ws), bottom=max(w["bottom"] for w in ws),
        words=ws, page=page_no,
    )


def _split_row(row: Row, split_x: float):
    """(words left of ``split_x``, words right of it, words across it)."""
    left, right, crossing = [], [], []
    for w in row.words:
        if w["x1"] <= split_x + 1:
            left.append(w)
        elif w["x0"] >= split_x - 1:
            right.append(w)
        else:
            crossing.append(w)
    return left, right, crossing


# ------------------------------------------------------------------ ruled tables
def _tables(page, words: list, page_no: int) -> tuple[list[Row], list]:
    """Ruled tables, flattened row by row, one cell per line (a cell's wrapped
    lines joined); their words are taken out of the running text."""
    try:
        tables = page.find_tables()
    except Exception:
        return [], words
    rows: list[Row] = []
    for t in tables:
        try:
            cells = t.extract()
        except Exception:
            continue
        if len(cells) < 2 or max((len(r) for r in cells), default=0) < 2:
            continue
        x0, top, x1, bottom = t.bbox
        # a ruled header table (issuer | motto) keeps the lines inside its cells
        header_like = page_no <= 1 and top < float(page.height) * 0.3 and any(
            c and MOTTO.search(_nfc(" ".join(c.split()))) for r in cells for c in r)
        y = top
        first = len(rows)
        for r in cells:
            for c in r:
                if c is None:
                    continue  # a merged cell, read once
                parts = c.split("\n") if header_like else [c]
                n0 = len(rows)
                for part in parts:
                    text = _nfc(" ".join(part.split()))
                    if text:
                        y += 0.001
                        rows.append(Row(text=text, x0=x0, x1=x1, top=y, bottom=y, words=[], page=page_no,
                                        no_join=True))
                if len(rows) > n0:
                    rows[-1].blank_after = True  # a blank line between cells
        if len(rows) > first:
            rows[first].blank_before = True
        words = [w for w in words if not (w["x0"] >= x0 - 1 and w["x1"] <= x1 + 1
                                          and w["top"] >= top - 1 and w["bottom"] <= bottom + 1)]
    return rows, words


# ------------------------------------------------------------------ header columns
def _header_columns(rows: list[Row], page_width: float) -> tuple[int, list[Row], list[Row], int] | None:
    """If the page opens with a two-column header, return (index of its first
    row, left rows, right rows, index of the first row after it).  Full-width
    lines above it (a "KHẨN" stamp, a gazette line) stay before it."""
    limit = min(len(rows), 40)
    motto_i = None
    split_x = None
    for i in range(limit):
        r = rows[i]
        m = MOTTO.search(r.text)
        if not m:
            continue
        # the word where the motto starts
        acc = 0
        start_w = None
        for w in r.words:
            t = _nfc(w["text"])
            if acc >= m.start() or m.start() < acc + len(t):
                start_w = w
                break
            acc += len(t) + 1
        if start_w is None or start_w["x0"] < page_width * 0.30:
            continue
        motto_i = i
        split_x = _gutter(rows[: i + 8], start_w["x0"], page_width)
        break
    if motto_i is None:
        return None
    # a left column must exist in the region (issuer), else this is not a two-column header
    has_left = any(_split_row(rows[j], split_x)[0] for j in range(0, motto_i + 3) if j < len(rows))
    if not has_left:
        return None
    heights = [r.bottom - r.top for r in rows[:limit]] or [10]
    lh = statistics.median(heights)
    start = 0
    for j in range(motto_i):
        if not rows[j].words or _split_row(rows[j], split_x)[2]:
            start = j + 1
    left_rows: list[Row] = []
    right_rows: list[Row] = []
    seen_date = False
    last_left_bottom = None
    end = start
    prev_bottom = None
    for j in range(start, len(rows)):
        r = rows[j]
        if not r.words:
            break  # a ruled table
        left, right, crossing = _split_row(r, split_x)
        if crossing:
            break
        if left and right:
            gap = min(w["x0"] for w in right) - max(w["x1"] for w in left)
            if gap < max(lh * 1.2, 8):
                break  # a full-width line whose word gap falls on the split
        if j > motto_i and prev_bottom is not None and r.top - prev_bottom > lh * 3.5:
            break
        if seen_date and (right or (last_left_bottom is not None and r.top - last_left_bottom > lh * 1.8)):
            break  # below the date only the rest of the left block (e.g. "V/v ...") continues
        if left:
            last_left_bottom = r.bottom
            lr = _row(left, r.page)
            lr.no_join = True
            left_rows.append(lr)
        if right:
            rr = _row(right, r.page)
            rr.no_join = True
            right_rows.append(rr)
            # the date may wrap inside the column ("... tháng 11 năm" / "2025")
            if j >= motto_i and DATE_LINE.search(" ".join(x.text for x in right_rows[-2:])):
                seen_date = True
        prev_bottom = r.bottom
        end = j + 1
    if end <= motto_i:
        return None
    return start, left_rows, _join_wrapped_date(right_rows), end


def _gutter(rows: list[Row], motto_x0: float, page_width: float) -> float:
    """The x of the gutter between the header columns: the middle of the band,
    left of the motto, that lies inside the wide word gap of every two-column
    row ("ỦY BAN NHÂN DÂN      CỘNG HÒA ...")."""
    lo, hi = page_width * 0.25, motto_x0
    for r in rows:
        ws = r.words
        best = None
        for a, b in zip(ws, ws[1:]):
            g0, g1 = a["x1"], b["x0"]
            if g1 - g0 >= 12 and g1 > page_width * 0.25 and g0 < motto_x0 + 1:
                if best is None or g1 - g0 > best[1] - best[0]:
                    best = (g0, g1)
        if best is not None and best[1] - best[0] >= 12:
            nlo, nhi = max(lo, best[0]), min(hi, best[1])
            if nhi - nlo >= 2:
                lo, hi = nlo, nhi
    return (lo + hi) / 2 if hi - lo >= 2 else motto_x0 - 2


def _join_wrapped_date(rows: list[Row]) -> list[Row]:
    out: list[Row] = []
    for r in rows:
        # "... tháng 11 năm" + "2025", or "... vùng Duyên" + "hải, ngày ..."
        if out and not DATE_LINE.search(out[-1].text) and DATE_LINE.search(out[-1].text + " " + r.text) \
                and (not DATE_LINE.search(r.text) or r.text[:1].islower()):
            merged = _row(out[-1].words + r.words, r.page)
            merged.text = out[-1].text + " " + r.text
            merged.no_join = True
            out[-1] = merged
        else:
            out.append(r)
    return out


# ------------------------------------------------------------------ "Nơi nhận" / signature columns
NOI_NHAN = re.compile(r"^(Nơi nhận|NƠI NHẬN)\s*:?")
_CONT_LEFT = re.compile(r"^[-–+•*]|^Nơi nhận|^NƠI NHẬN")


def _footer_columns(rows: list[Row], widths: list[float]):
    """The closing block: "Nơi nhận:" and its list on the left, the signer
    ("TM. ...", "CHỦ TỊCH", name) on the right.  Returns (index of its first
    row, end index, left lines, right lines) or None."""
    idx = [i for i, r in enumerate(rows) if r.words and NOI_NHAN.match(r.text)]
    if not idx:
        return None
    i = idx[-1]
    w_page = widths[rows[i].page] if rows[i].page < len(widths) else 595.0
    cands = []
    for r in rows[i:i + 30]:
        prev_x1 = None
        for w in r.words:
            if w["x0"] >= 0.4 * w_page and (prev_x1 is None or w["x0"] - prev_x1 > 15):
                cands.append(w["x0"])
                break
            prev_x1 = w["x1"]
    if not cands:
        return None
    split_x = min(cands) - 2
    heights = [r.bottom - r.top for r in rows[i:i + 30] if r.words] or [10.0]
    lh = statistics.median(heights)
    left: list[Row] = []
    right: list[Row] = []
    end = i
    prev = None
    for j in range(i, len(rows)):
        r = rows[j]
        if not r.words:
            break
        if prev is not None and r.page == prev.page and r.top - prev.bottom > lh * 4:
            break  # the closing block is over (an appendix or notes follow)
        lw, rw, crossing = _split_row(r, split_x)
        if crossing:
            break
        if lw and rw and min(w["x0"] for w in rw) - max(w["x1"] for w in lw) < 8:
            break
        if lw and not rw and right and (r.page > right[-1].page or r.top > right[-1].bottom) \
                and not _CONT_LEFT.match(_nfc(lw[0]["text"])) and prev is not None \
                and (r.page != prev.page or r.top - prev.bottom > 0.8 * lh):
            break  # below the signature, after a gap, a line that is no recipient: the block is over
        if lw:
            left.append(_row(lw, r.page))
        if rw:
            right.append(_row(rw, r.page))
        end = j + 1
        prev = r
    if not right:
        return None
    # a recipient wrapped inside the narrow column goes back on its line
    lines: list[str] = []
    prev_row = None
    for r in left:
        t = r.text.strip()
        adjacent = prev_row is not None and r.page == prev_row.page and r.top - prev_row.bottom < lh * 0.8
        if lines and adjacent and not _CONT_LEFT.match(t) and not lines[-1].endswith((";", ".", ":")):
            lines[-1] += " " + t
        else:
            lines.append(t)
        prev_row = r
    return i, end, lines, [r.text.strip() for r in right]


def _join_header_left(rows: list[Row]) -> list[str]:
    """Left header column lines; the subject line ("V/v ...") wrapped in the
    narrow column is joined back into one line."""
    out: list[str] = []
    in_subject = False
    for r in rows:
        t = r.text.strip()
        if in_subject and out:
            out[-1] += " " + t
            continue
        out.append(t)
        in_subject = bool(re.match(r"^(V/v|V/V|v/v)\b", t))
    return out


# ------------------------------------------------------------------ running headers
_BARE_NUMBER = re.compile(r"[-–(\s]*(trang\s*)?\d{1,4}(\s*/\s*\d{1,4})?[-–)\s]*", re.I)


def _is_running(row: Row, width: float) -> bool:
    t = row.text.strip()
    if not any(p.fullmatch(t) for p in _running_patterns()):
        return False
    if _BARE_NUMBER.fullmatch(t):
        # a page number sits centred or to the right; a number at the left
        # margin is content (a table's "TT" column, a year)
        return row.x0 > width * 0.35
    return True


def _drop_running(pages: list[list[Row]], widths: list[float], heights: list[float]) -> list[list[Row]]:
    def key(t):
        return re.sub(r"\d+", "#", t.strip().lower())

    n = len(pages)
    tops: dict[str, int] = {}
    bottoms: dict[str, int] = {}
    for rows in pages:
        if rows:
            for r in rows[:2]:
                tops[key(r.text)] = tops.get(key(r.text), 0) + 1
            for r in rows[-2:]:
                bottoms[key(r.text)] = bottoms.get(key(r.text), 0) + 1
    repeated = set()
    if n >= 3:
        repeated = {k for k, c in tops.items() if c >= max(3, n * 0.5)}
        repeated |= {k for k, c in bottoms.items() if c >= max(3, n * 0.5)}
        # a bare number is judged by its place (_is_running), not by repetition
        repeated = {k for k in repeated if any(ch.isalpha() for ch in k)}
    out = []
    for k, rows in enumerate(pages):
        rows = list(rows)
        w, h = widths[k], heights[k]
        for _ in range(3):  # running lines in the top margin (never a table cell)
            r = rows[0] if rows else None
            if r and r.words and r.top < h * 0.15 and (_is_running(r, w) or key(r.text) in repeated):
                rows.pop(0)
            else:
                break
        for _ in range(3):  # and in the bottom margin
            r = rows[-1] if rows else None
            if r and r.words and r.bottom > h * 0.85 and (_is_running(r, w) or key(r.text) in repeated):
                rows.pop()
            else:
                break
        out.append(rows)
    return out


# ------------------------------------------------------------------ joining
def _join_rows(rows: list[Row]) -> str:
    body = [r for r in rows if not r.no_join]
    if body:
        lefts = sorted(r.x0 for r in body)
        left_margin = lefts[len(lefts) // 10] if len(lefts) >= 10 else lefts[0]
        rights = sorted(r.x1 for r in body)
        right_margin = rights[int(len(rights) * 0.9)] if len(rights) >= 10 else rights[-1]
    else:
        left_margin, right_margin = 0, 1
    width = max(right_margin - left_margin, 1)
    # a paragraph gap: more empty space above a line than the height of a line
    hs = sorted(r.bottom - r.top for r in rows if r.words)
    line_h = hs[len(hs) // 2] if hs else 0

    def gap(a: Row, b: Row) -> bool:
        return bool(line_h) and a.page == b.page and bool(a.words) and bool(b.words) and \
            b.top - a.bottom > 0.9 * line_h

    at_margin = left_margin + 0.03 * width + 2
    # paragraphs with a first-line indent: then a line at the margin after a
    # full line ending a sentence still continues the paragraph
    # (judged after short lines that end a sentence: those surely end a paragraph)
    starts = [b for a, b in zip(rows, rows[1:]) if not a.no_join and not b.no_join and b.words
              and HARD_END.search(a.text.strip()) and a.x1 < right_margin - 0.15 * width
              and not ITEM_START.match(b.text.strip())]
    indented = len(starts) >= 2 and sum(1 for b in starts if b.x0 > at_margin + 4) >= 0.7 * len(starts)
    out: list[str] = []
    for i, r in enumerate(rows):
        text = r.text.strip()
        if not text:
            continue
        if out:
            prev = rows[i - 1]
            join = (
                not prev.no_join and not r.no_join
                and (prev.x1 >= right_margin - 0.15 * width or _no_room(prev, r, right_margin))
                and r.x0 <= at_margin
                and not gap(prev, r)
                and (not HARD_END.search(prev.text.strip()) or text[:1].islower() or indented)
                and not ITEM_START.match(text)
                and any(c.isalnum() for c in text) and any(c.isalnum() for c in prev.text)
            )
            if join:
                out.append(" ")
            elif prev.blank_after or r.blank_before or gap(prev, r):
                out.append("\n\n")  # a table cell ends, or a paragraph gap
            else:
                out.append("\n")
        out.append(text)
    return "".join(out)


def _no_room(prev: Row, r: Row, right_margin: float) -> bool:
    """The first word of ``r`` would not have fitted at the end of ``prev``
    (a long word such as a web address wraps early)."""
    if not prev.words or not r.words:
        return False
    w = r.words[0]
    space = max((prev.bottom - prev.top) * 0.3, 2.0)
    return prev.x1 + space + (w["x1"] - w["x0"]) > right_margin + 1


# ------------------------------------------------------------------ main
def _check_pdf(raw: bytes, path) -> None:
    if b"%PDF-" not in raw[:1024]:
        raise PdfProblem("corrupt or truncated PDF")
    if b"%%EOF" not in raw[-4096:]:
        raise PdfProblem("corrupt or truncated PDF")
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover
        return
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise PdfProblem("encrypted PDF (password needed)")
        if len(reader.pages) == 0:
            raise PdfProblem("corrupt or truncated PDF")
    except PdfProblem:
        raise
    except Exception:
        raise PdfProblem("corrupt or truncated PDF") from None


def read_pdf(raw: bytes, path=None) -> tuple[str, dict]:
    _check_pdf(raw, path)
    import pdfplumber

    pages_rows: list[list[Row]] = []
    widths: list[float] = []
    heights: list[float] = []
    try:
        with pdfplumber.open(io.BytesIO(raw), password="") as pdf:
            n_pages = len(pdf.pages)
            for k, page in enumerate(pdf.pages):
                # a word gap is a fraction of the font size (a space is about a quarter of it)
                words = page.extract_words(x_tolerance=3, x_tolerance_ratio=0.15, y_tolerance=3,
                                           keep_blank_chars=False)
                table_rows, words = _tables(page, words, k)
                rows = _rows_from_words(words, k) + table_rows
                rows.sort(key=lambda r: r.top)
                pages_rows.append(rows)
                widths.append(float(page.width))
                heights.append(float(page.height))
                try:
                    page.close()  # free the page's parsed objects (long documents)
                except Exception:
                    pass
    except PdfProblem:
        raise
    except Exception as e:
        msg = str(e).lower()
        if "password" in msg or "encrypt" in msg:
            raise PdfProblem("encrypted PDF (password needed)") from None
        raise PdfProblem("corrupt or truncated PDF") from None
    if n_pages == 0:
        raise PdfProblem("corrupt or truncated PDF")
    if sum(len(r.text.strip()) for rows in pages_rows for r in rows) < 10:
        raise PdfProblem("PDF has no text layer: needs OCR")
    n_words = sum(len(r.words) for rows in pages_rows for r in rows) or 1
    n_cid = sum(r.text.count("(cid:") for rows in pages_rows for r in rows)
    if n_cid > 0.2 * n_words:
        raise PdfProblem("PDF text layer cannot be decoded (fonts without a Unicode map): needs OCR")

    pages_rows = _drop_running(pages_rows, widths, heights)
    meta = {"pages": n_pages, "header_columns": False}
    parts: list[str] = []
    rest: list[Row] = []
    header_done = False
    for k, rows in enumerate(pages_rows):
        if not header_done and rows and k < 3:
            cols = _header_columns(rows, widths[k])
            if cols:
                start, left, right, end = cols
                header_done = True
                meta["header_columns"] = True
                rest.extend(rows[:start])
                if rest:
                    parts.append(_join_rows(rest))
                    rest = []
                parts.append("\n".join(_join_header_left(left)))
                parts.append("\n".join(r.text for r in right))
                rows = rows[end:]
        rest.extend(rows)
    if rest:
        foot = _footer_columns(rest, widths)
        if foot:
            i, end, left_lines, right_lines = foot
            meta["footer_columns"] = True
            parts.append(_join_rows(rest[:i]))
            parts.append("\n".join(left_lines))
            parts.append("\n".join(right_lines))
            if end < len(rest):
                parts.append(_join_rows(rest[end:]))
        else:
            parts.append(_join_rows(rest))
    text = "\n\n".join(p for p in parts if p)
    return _nfc(text) + "\n", meta
