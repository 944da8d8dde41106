"""The body's section tree: enumerated parts, headings and items.

``parse_structure(text, start, end)`` scans the lines of ``text[start:end]``
once (regexes only) and returns the top-level :class:`Section` objects; each
has its ``children``.  Wrapped lines of one paragraph are joined first
(a line that continues the previous one: it starts in lower case, or the
previous line ends on a comma or a connecting word; a "- xã hội" line after an
open line is a compound broken at its hyphen, not a dash item).  An enumerator
alone on its line ("1.1.", "IV.") takes the next line as its text; an
upper-case title wrapped onto a second line stays one heading.

Nesting: a marker of a type already open on the stack closes everything
below it and becomes that section's sibling; a marker of a new type opens a
child of the current section.  Unmarked paragraphs belong to the section
above them (its ``paragraphs``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

# --- markers ---------------------------------------------------------------

_ROMAN = r"(?:X{0,3}(?:IX|IV|V?I{1,3}|V|X))"
_ORD = r"(?:nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười(?: một| hai)?)"

# (kind, regex); the regex matches at the start of a paragraph and ends where
# the section's own text starts.  Order matters: first match wins.
_MARKERS: list[tuple[str, re.Pattern]] = [
    ("part", re.compile(r"(?i:phần)\s+(?P<label>" + _ROMAN + r"|\d+|thứ\s+" + _ORD + r")\b\s*[.:\-–—]?\s*")),
    ("chapter", re.compile(r"(?i:chương)\s+(?P<label>" + _ROMAN + r"|\d+)\b\s*[.:\-–—]?\s*")),
    ("muc", re.compile(r"(?i:mục)\s+(?P<label>\d+|" + _ROMAN + r")\s*[.:\-–—]\s*")),
    ("article", re.compile(r"(?i:điều)\s+(?P<label>\d+[a-zđ]?)\s*[.:\-–—]\s*")),
    ("clause", re.compile(r"(?i:khoản)\s+(?P<label>\d+)\s*[.:\-–—]\s*")),
    ("ordinal", re.compile(r"(?P<label>(?i:thứ)\s+" + _ORD + r")\s*[:,.\-–]\s*")),
    ("ordinal", re.compile(r"(?P<label>(?:Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười) là)\s*[:,]\s*")),
    ("roman", re.compile(r"(?P<label>" + _ROMAN + r")\s*(?:[.\-–—/)]\s*(?=\S)|[.)]\s*$)")),
    ("num", re.compile(r"(?P<label>\d{1,2}(?:\.\d{1,2}){1,3})\s*[.\-–—/)]?\s*(?=\D|$)")),
    ("num", re.compile(r"(?P<label>\d{1,2})\s*(?:[.\-–—/)]\s*(?=\S)|\.?\s*$)")),
    ("alpha", re.compile(r"(?P<label>[a-zđ])\s*(?:[).]\s*(?=\S)|\)\s*$)")),
    ("paren", re.compile(r"\((?P<label>\d{1,2}|[a-zđ]|[ivx]{1,4})\)\s*(?=\S)")),
    ("dash", re.compile(r"[-–—‐]+\s*(?=\S)")),
    ("plus", re.compile(r"\+\s*(?=\S)")),
    ("bullet", re.compile(r"[•·●▪◦○■□►❖✓]\s*(?=\S)")),
    ("star", re.compile(r"\*\s+(?=\S)")),
]

# words after which a line break never ends a paragraph
_CONNECT = {
    "và", "của", "các", "với", "cho", "trong", "tại", "về", "theo", "để", "được", "là", "có",
    "những", "đến", "từ", "hoặc", "số", "ngày", "tháng", "năm", "sở", "bộ", "ban", "ủy", "uỷ",
    "hội", "nhân", "đồng", "đốc", "trên", "khu", "cơ", "quan", "thuộc", "đối", "vào", "nhằm",
    "giữa", "bằng", "hoàn", "thành", "trưởng", "chủ", "tịch", "thủ", "kế", "hoạch", "nghị", "quyết",
    "chỉ", "thị", "hợp", "lý", "dân", "quý", "đoạn", "kỳ", "xây", "dựng", "phòng", "tổ", "chức", "đơn", "vị", "phối", "thực", "hiện",
}
_END_PUNCT = ".;:!?…"
_LAST_WORD_RE = re.compile(r"(\w+)$")
_RANGE_TAIL_RE = re.compile(r"[-–]\s*\d{1,4}\b")


@dataclass
class Section:
    """One enumerated unit of the body (a heading with its items, or an item)."""

    marker: str  # the enumerator as written ("III.", "1.1-", "a)", "-", "Thứ nhất:")
    kind: str  # part|chapter|muc|article|clause|ordinal|roman|num|alpha|dash|plus|bullet|star
    label: str  # "III", "1.1", "a", "-" ...
    path: str  # label path, e.g. "III.2.a"
    level: int  # depth in the tree, 0 for top level
    start: int  # start of the marker
    end: int  # end of the whole section (children included)
    text_start: int  # start of the section's own text, after the marker
    first_end: int  # end of the section's first paragraph
    content_start: int  # own text (first paragraph and unmarked paragraphs) ...
    content_end: int  # ... up to the first child
    is_heading: bool = False
    heading_start: Optional[int] = None
    heading_end: Optional[int] = None
    paragraphs: list = field(default_factory=list)  # [(start, end)] own paragraphs, first included
    children: list = field(default_factory=list)
    parent: Optional["Section"] = field(default=None, repr=False)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def heading(self, text: str) -> str:
        if self.heading_start is None:
            return ""
        return text[self.heading_start:self.heading_end]


_FURNITURE_RE = re.compile(r"(?:CÔNG BÁO/.*|Trang \d+.*|\d{1,3})")


_CELL_CONNECT = {"và", "của", "các", "với", "cho", "trong", "tại", "về", "theo", "để", "hoặc", "số", "ngày",
                 "tháng", "năm", "những", "từ", "đến"}


def paragraphs(text: str, start: int = 0, end: Optional[int] = None, cells: bool = False) -> list[tuple[int, int]]:
    """Spans of the paragraphs of ``text[start:end]``: non-empty lines, wrapped lines joined.

    ``cells``: the lines are table cells; a line continues the previous one only after a
    comma or a linking word ("Sở Khoa học và" / "Công nghệ") or when it starts in lower case.

    Page furniture between two halves of a wrapped sentence ("CÔNG BÁO/Số …", a page
    number) is stepped over.
    """
    if end is None:
        end = len(text)
    lines: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        le = end if nl < 0 else nl
        s, e = pos, le
        while s < e and text[s] in " \t":
            s += 1
        while e > s and text[e - 1] in " \t\r":
            e -= 1
        lines.append((s, e))
        pos = le + 1
    wrapped = False if cells else _hard_wrapped(text, lines)
    out: list[list[int]] = []
    prev_blank = True
    n = len(lines)
    i = 0
    while i < n:
        s, e = lines[i]
        if s >= e:
            prev_blank = True
            i += 1
            continue
        if out and text[out[-1][1] - 1] not in _END_PUNCT and _FURNITURE_RE.fullmatch(text, s, e):
            # furniture inside a sentence: skip it when the sentence goes on in lower case
            j = i + 1
            while j < n and (lines[j][0] >= lines[j][1] or _FURNITURE_RE.fullmatch(text, *lines[j])):
                j += 1
            if j < n and text[lines[j][0]].islower():
                s, e = lines[j]
                out[-1][1] = e
                prev_blank = False
                i = j + 1
                continue
        if cells:
            if out and not prev_blank and _cell_continues(text, out[-1][0], out[-1][1], s, e):
                out[-1][1] = e
            else:
                out.append([s, e])
            prev_blank = False
            i += 1
            continue
        if out and (not prev_blank or text[s].islower()) and (
            _continues(text, out[-1][0], out[-1][1], s, e)
            or (wrapped and not prev_blank and lines[i - 1][1] - lines[i - 1][0] >= 45
                and text[out[-1][1] - 1] not in _END_PUNCT and _marker_at(text, s, e) is None)
        ):
            out[-1][1] = e
        else:
            out.append([s, e])
        prev_blank = False
        i += 1
    return [(a, b) for a, b in out]


def _cell_continues(text: str, ps: int, pe: int, s: int, e: int) -> bool:
    if text[s].islower():
        return True
    if text[pe - 1] in ",-–":
        return True
    m = _LAST_WORD_RE.search(text, max(ps, pe - 30), pe)
    return bool(m and m.group(1).lower() in _CELL_CONNECT)


def _hard_wrapped(text: str, lines: list) -> bool:
    """Is this text wrapped at a fixed width (a PDF's lines), not one paragraph a line?"""
    long = open_end = 0
    for (s, e), (s2, e2) in zip(lines, lines[1:]):
        if e - s < 40 or s2 >= e2:
            continue
        long += 1
        if text[e - 1] not in _END_PUNCT and _marker_at(text, s2, e2) is None:
            open_end += 1
    return long >= 10 and open_end > 0.4 * long


def _continues(text: str, ps: int, pe: int, s: int, e: int) -> bool:
    """Does the line ``text[s:e]`` continue the paragraph ``text[ps:pe]``?"""
    last = text[pe - 1]
    if last.isdigit() and _RANGE_TAIL_RE.match(text, s, e):
        return True  # "giai đoạn 2026" / "- 2030 …": a range broken at its dash
    mk = _marker_at(text, s, e)
    if mk is not None:
        return _marker_continues(text, ps, pe, s, e, *mk)
    first = text[s]
    if first.islower() and last != ":":
        return True
    if last in _END_PUNCT or last in "\"”’)»":
        return False
    if last in ",(-–":
        return True
    m = _LAST_WORD_RE.search(text, max(ps, pe - 30), pe)
    if m and m.group(1).lower() in _CONNECT:
        return True
    return False


_DASH_WRAP_RE = re.compile(r"[-–]\s+(?=[a-zà-ỹđ])")
_INLINE_POINTS_RE = re.compile(r"(?<!\w)[a-zđ]\)\s*,$")


def _marker_continues(text: str, ps: int, pe: int, s: int, e: int, kind: str, m) -> bool:
    """Is the marked line ``text[s:e]`` still the paragraph ``text[ps:pe]`` wrapped?

    - a hyphen broken off a compound ("kinh tế" / "- xã hội"): a dash followed by a
      lower-case word, after a line with no closing punctuation;
    - a bare Roman numeral after a line ending in lower case ("khóa" / "XVII.");
    - a point letter inside a run of point references ("điểm a), b), c)," / "d) khoản 1").
    """
    last = text[pe - 1]
    if last in _END_PUNCT:
        return False
    if kind == "dash":
        return bool(_DASH_WRAP_RE.match(text, s, e)) and text[s + m.end()].islower()
    if kind == "roman":
        # "… khóa" / "XVII.": a bare numeral after a sentence that runs on in lower case
        return s + m.end() >= e and text[pe - 1].islower()
    if kind == "alpha":
        return bool(_INLINE_POINTS_RE.search(text, max(ps, pe - 8), pe))
    return False


# every marker pattern as one alternation, each branch a named group: a single match finds the
# first pattern of _MARKERS that matches (or that none does)
_MARKER_ANY = re.compile("|".join(
    f"(?P<m{i}>" + rx.pattern.replace("(?P<label>", "(?:") + ")" for i, (_, rx) in enumerate(_MARKERS)))


_WORDCHAR_RE = re.compile(r"\w")
_SPACES_RE = re.compile(r"\s+")
_NUM_SEP_RE = re.compile(r"\d{1,2}\s*[.\-–—/)]")
_NUM_DATE_RE = re.compile(r"\d{1,2}/\d")
_NUM_THOUSANDS_RE = re.compile(r"\d{1,2}\.\d{3}")
_ALPHA_DOT_RE = re.compile(r"[a-zđ]\.\w")


def _marker_at(text: str, s: int, e: int):
    seg = text[s:min(e, s + 60)]
    first = _MARKER_ANY.match(seg)
    if first is None:
        return None
    for kind, rx in _MARKERS[int(first.lastgroup[1:]):]:
        m = rx.match(seg)
        if not m:
            continue
        if kind == "roman" and not _roman_ok(m.group("label"), seg, m):
            continue
        if kind == "num" and "." not in m.group("label"):
            # "1 tỷ", "2025 ..." : a bare number followed by text without a separator
            if not _NUM_SEP_RE.match(seg) and seg[m.end():].strip():
                continue
            if _NUM_DATE_RE.match(seg):  # a date "15/12"
                continue
            if _NUM_THOUSANDS_RE.match(seg):  # "1.500 tỷ"
                continue
        if kind == "alpha" and _ALPHA_DOT_RE.match(seg):
            continue
        return kind, m
    return None


def _roman_ok(label: str, seg: str, m) -> bool:
    # "I." "II-" "IV." but not a word like "V/v" or an initial
    if seg.startswith("V/v") or seg.startswith("V/V"):
        return False
    nxt = seg[m.end():m.end() + 1]
    if not nxt and m.end() < 60:
        return True  # "IV." alone on its line: its text is on the next line
    return bool(nxt) and not nxt.islower() or bool(re.match(r"[IVX]+\s*[.\-–—]\s", seg))


def _label_path(stack: list[Section], label: str, kind: str) -> str:
    labels = [s.label for s in stack if s.kind not in ("dash", "plus", "bullet", "star")]
    if kind not in ("dash", "plus", "bullet", "star"):
        labels.append(label)
    parts: list[str] = []
    for lab in labels:
        # "1.2" under "1": the number already carries its parent
        while parts and lab.startswith(parts[-1] + "."):
            parts.pop()
        parts.append(lab)
    return ".".join(parts)


_DOC_TITLE_RE = re.compile(
    r"(?:KẾ HOẠCH|CHƯƠNG TRÌNH(?: HÀNH ĐỘNG)?|QUY CHẾ|QUY ĐỊNH|ĐỀ ÁN|HƯỚNG DẪN|PHƯƠNG ÁN|ĐIỀU LỆ|CHIẾN LƯỢC|"
    r"PHỤ LỤC|DANH MỤC)(?:[^a-zà-ỹđ]*)$"
)

_RANK = {"part": 0, "chapter": 1, "muc": 2, "article": 3, "roman": 4, "num0": 5, "num1": 6, "num2": 7,
         "num3": 8, "clause": 9, "ordinal": 10, "alpha": 11, "paren": 11.5, "dash": 12, "plus": 13, "bullet": 14, "star": 15}


def _kind_key(kind: str, label: str) -> str:
    if kind == "num":
        return "num%d" % label.count(".")
    return kind


def _is_heading(text: str, sec: Section) -> bool:
    s, e = sec.text_start, sec.first_end
    line = text[s:e].strip()
    if not line:
        return True
    if sec.kind in ("dash", "plus", "bullet", "star") or line[-1] == ":":
        return False
    # the cheap tests first (any one makes a heading)
    if sec.children and len(sec.paragraphs) == 1 and len(line) <= 300:
        return True
    if len(line) <= 120 and line[-1] not in _END_PUNCT:
        return True
    head = line[:160]
    up = sum(map(str.isupper, head))
    return up > 3 and up > 2 * sum(map(str.islower, head))


def _all_caps(text: str, s: int, e: int) -> bool:
    seg = text[s:e]
    return sum(map(str.isupper, seg)) >= 2 and not any(map(str.islower, seg))


def _title_goes_on(text: str, top: Section, ps: int, pe: int) -> bool:
    """Is the unmarked paragraph ``text[ps:pe]`` the next line of the upper-case title of ``top``?"""
    if top.children or len(top.paragraphs) != 1:
        return False
    s, e = top.paragraphs[0]
    if s >= e or text[e - 1] in _END_PUNCT or text[e:ps].strip(" \t\r") != "\n":
        return False  # an empty or closed title, or a blank line between
    return _all_caps(text, s, e) and _all_caps(text, ps, pe)


def parse_structure(text: str, start: int = 0, end: Optional[int] = None) -> list[Section]:
    """The section tree of ``text[start:end]`` (top-level sections, in order)."""
    if end is None:
        end = len(text)
    paras = paragraphs(text, start, end)
    roots: list[Section] = []
    stack: list[Section] = []
    for ps, pe in paras:
        mk = _marker_at(text, ps, pe)
        if mk is None and _DOC_TITLE_RE.match(text, ps, pe):
            stack = []  # a new document (an attached plan or programme) starts
            continue
        if mk is None:
            if stack:
                top = stack[-1]
                if _title_goes_on(text, top, ps, pe):
                    # "III. GIẢI PHÁP" / "THỰC HIỆN KẾ HOẠCH …": one upper-case title on two lines
                    top.paragraphs[0] = (top.paragraphs[0][0], pe)
                    top.first_end = top.content_end = top.end = pe
                    continue
                if len(top.paragraphs) == 1 and top.paragraphs[0][0] >= top.paragraphs[0][1] and not top.children:
                    top.paragraphs[0] = (ps, pe)
                    top.text_start, top.first_end, top.content_start = ps, pe, ps
                    top.content_end = pe
                    continue
                stack[-1].paragraphs.append((ps, pe))
                if not stack[-1].children:
                    stack[-1].content_end = pe
            continue
        kind, m = mk
        if kind in ("dash", "plus", "bullet", "star") and not _WORDCHAR_RE.search(text, ps + m.end(), pe):
            continue  # a rule line "-----"
        label = m.group("label") if "label" in m.re.groupindex and m.group("label") else m.group(0).strip()
        label = _SPACES_RE.sub(" ", label)
        key = _kind_key(kind, label)
        # close to the open section of the same type (a sibling) if there is one
        idx = None
        for i in range(len(stack) - 1, -1, -1):
            if stack[i]._key == key:  # type: ignore[attr-defined]
                idx = i
                break
        if idx is not None:
            del stack[idx:]
        else:
            rank = _RANK.get(key, 16)
            while stack and _RANK.get(stack[-1]._key, 16) > rank:  # type: ignore[attr-defined]
                stack.pop()
        ts = ps + m.end()
        sec = Section(
            marker=text[ps:ps + m.end()].strip(), kind=kind, label=label, path="",
            level=len(stack), start=ps, end=pe, text_start=ts, first_end=pe,
            content_start=ts, content_end=pe, paragraphs=[(ts, pe)],
        )
        sec._key = key  # type: ignore[attr-defined]
        sec.path = _label_path(stack, label, kind)
        if stack:
            sec.parent = stack[-1]
            stack[-1].children.append(sec)
        else:
            roots.append(sec)
        stack.append(sec)
    # ends, headings
    for r in roots:
        _finish(text, r)
    return roots


def _finish(text: str, sec: Section) -> int:
    e = sec.paragraphs[-1][1] if sec.paragraphs else sec.end
    for c in sec.children:
        e = max(e, _finish(text, c))
    sec.end = e
    sec.is_heading = _is_heading(text, sec)
    if sec.is_heading:
        sec.heading_start, sec.heading_end = sec.text_start, sec.first_end
    return e


def iter_sections(roots: list[Section]):
    for r in roots:
        yield from r.walk()
