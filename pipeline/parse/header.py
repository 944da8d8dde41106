"""The document's header: issuer, number/symbol, place and date, type and title.

Two shapes are read:

- an issued document: the issuer block (left) and national motto (right) in
  either order, "Số: 141/KH-UBND" (or "Số 212-KL/TW"), "Bắc Ninh, ngày 20
  tháng 11 năm 2025", the type heading ("KẾ HOẠCH") and the title (several
  lines; "V/v …" for a Công văn);
- a news report about a directive: no header; the reported document is the
  one the lead says a body "ban hành"/"ký" ("… ngày 10/5/2022, Ban Thường vụ
  … đã ban hành Chỉ thị số 01- CT/ĐUK về …").

``parse_header(text) -> (Document, header_end, is_report)``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pipeline import data
from pipeline.textscan import mostly_upper
from pipeline.dates import DATE_RE, parse_date_text
from pipeline.records import Document

_HEADER_LINES = 60
_LINE_RE = re.compile(r"[^\n]*\n?")
_SEP_RE = re.compile(r"^[\s\-_*=–—.·]*$")
_DASHES = "‐‑‒–—−\\-"  # a character class body: the ASCII hyphen escaped, last
_SO_RE = re.compile(r"^\s*\**\s*Số\s*(?::|\.)?\s*(?P<sym>\S.*?)\s*\**\s*$", re.IGNORECASE)
_SYMBOL_RE = re.compile(
    rf"(?P<num>\d+[a-zA-Z]?)\s*(?:/\s*(?P<year>(?:19|20)\d\d)\s*)?(?P<sep>[/{_DASHES}])\s*"
    rf"(?P<rest>[A-Za-zÀ-ỹĐđÐ][A-Za-zÀ-ỹĐđÐ0-9&.]*(?:\s*[/{_DASHES}]\s*[A-Za-zÀ-ỹĐđÐ0-9&.]+)*)"
)
_PLACE_DATE_RE = re.compile(
    r"^\s*(?P<place>[^\n,;:]{2,60}?)\s*,\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})",
    re.IGNORECASE,
)
_VV_RE = re.compile(r"^\s*V/v\.?\s*:?\s*", re.IGNORECASE)
_WORD_RE = re.compile(r"[\wÀ-ỹĐđ]+(?:[/\-][\wÀ-ỹĐđ]+)*")


def _tables():
    return data.load("header")


@lru_cache(maxsize=1)
def _type_headings():
    """Upper-case type words, longest first, with their canonical names."""
    out = []
    for t in data.load("doc_types")["type"]:
        for w in t["words"]:
            out.append((w.upper(), t["name"]))
    out.sort(key=lambda x: -len(x[0]))
    return out


@lru_cache(maxsize=1)
def _code_types():
    """Type code (as the scheme writes it, and upper-cased) -> type name."""
    m = {}
    for t in data.load("doc_types")["type"]:
        for c in t.get("codes", []):
            m.setdefault(c, t["name"])
            m.setdefault(c.upper(), t["name"])
        for c in t.get("typos", []):
            m.setdefault(c.upper(), t["name"])
    return m


def _lines(text: str, limit: int | None = None):
    """(start, end, line) for each line (end excludes the newline)."""
    out, pos = [], 0
    for m in _LINE_RE.finditer(text):
        s = m.group(0)
        if not s:
            break
        line = s.rstrip("\n")
        out.append((pos, pos + len(line), line))
        pos += len(s)
        if limit and len(out) >= limit:
            break
    return out


def _clean_line(line: str) -> str:
    return line.strip().strip("*").strip()


def canonical_header_symbol(raw: str) -> tuple[str | None, str | None, str | None]:
    """(symbol, number, type code) from the "Số:" line's text; spaces and dash variants folded."""
    raw = raw.replace("Ð", "Đ").replace("ð", "đ")
    m = _SYMBOL_RE.search(raw)
    if not m:
        return None, None, None
    num, year, sep, rest = m.group("num"), m.group("year"), m.group("sep"), m.group("rest")
    rest = re.sub(r"\s+", "", rest)
    rest = re.sub(f"[{_DASHES}]", "-", rest).rstrip(".")
    sep = "/" if sep == "/" else "-"
    if year:
        sym = f"{num}/{year}/{rest}"
    else:
        sym = f"{num}{sep}{rest}"
    # type code: party NUMBER-TYPE/ISSUER; state NUMBER/TYPE-ISSUER
    if sep == "-":
        code = rest.split("/")[0]
    else:
        parts = rest.split("-")
        code = parts[0] if len(parts) > 1 else None
    return sym, num, code


# ---------------------------------------------------------------------------
# recasing upper-case header text from the body's own spelling

_TOKEN_RE = re.compile(r"\S+")
_ROMAN_RE = re.compile(r"^(?=[IVXLC]{2,}$)C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")


_TOKENS: list = [None]  # (text, words, lower-case words) of the last text, replaced whole


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """The words of ``text`` and their lower-case forms (cached for the last text: the header
    and the signature both recase from the same body)."""
    c = _TOKENS[0]
    if c is not None and c[0] is text:
        return c[1], c[2]
    toks = _WORD_RE.findall(text)
    if "İ" not in text and "Σ" not in text:
        # every other character lower-cases to one character of the same class, without
        # context: the words of text.lower() are the lower-cased words
        lows = "\x00".join(toks).lower().split("\x00")
    else:
        lows = _WORD_RE.findall(text.lower())
        if len(lows) != len(toks):
            lows = [t.lower() for t in toks]
    _TOKENS[0] = (text, toks, lows)
    return toks, lows


_ANY = object()  # a context position that may hold any word
_LOWER: list = [None]  # (text, (text.lower(), text reversed, {word: its occurrences})) of the last text


def _lowered(text: str) -> tuple | None:
    """``text.lower()`` when it lower-cases character by character (same length, no final
    sigma), so that a word of ``text`` lower-cases to the same span of it; ``text``
    reversed (a word reversed is a word of the text reversed: _WORD_RE is symmetric); and
    the occurrences of each word looked for so far (``_CaseModel._scan``).  None for a
    text that does not lower-case character by character."""
    c = _LOWER[0]
    if c is not None and c[0] is text:
        return c[1]
    low = None
    if "Σ" not in text:
        low = text.lower()
        low = (low, text[::-1], {}) if len(low) == len(text) else None
    _LOWER[0] = (text, low)
    return low


class _CaseModel:
    """How the body spells each word: trigram context first, then the word alone."""

    _PER_WORD = 12  # occurrences looked at per word: enough to decide, cheap on long texts

    def __init__(self, text: str, vocab: set[str]):
        """Note where ``text`` spells each word of ``vocab`` (lower-case) in mixed case; the
        spellings are counted, in their context, only for the words asked about (``spell``).
        A word is looked for in the text when first asked about (``_look``): what is found
        for one word does not depend on the others."""
        # word -> (spelling, word before, word after) of each occurrence counted (None: no
        # word before / after); the context words lower-cased on first use (``_context``)
        self.occ: dict[str, list[tuple]] = {}
        self._lowered_occ: dict[str, list[tuple]] = {}
        self.caps: set[str] = set()  # acronyms: all-caps words in mixed-case context
        self._text = text
        self._pending: set[str] = set()  # words of vocab not looked for yet
        self._low = None
        if not vocab:
            return
        self._low = _lowered(text)
        if self._low is None:
            self._from_tokens(text, vocab)
            return
        self._pending = set(vocab)

    def _look(self, w: str) -> None:
        """Look for ``w`` in the text if it is a word of the vocabulary not looked for yet."""
        if w not in self._pending:
            return
        self._pending.discard(w)
        low_text, rev, scanned = self._low
        r = scanned.get(w)
        if r is None:
            r = scanned[w] = self._scan(self._text, low_text, rev, w)
        occ, caps = r
        if occ:
            self.occ[w] = occ
        if caps:
            self.caps.add(w)

    @classmethod
    def _scan(cls, text: str, low: str, rev: str, w: str) -> tuple[list, bool]:
        """(the occurrences counted, is ``w`` an acronym) from the occurrences of ``w`` as a
        whole word of ``text``, in order, found in the lower-cased text ``low`` (a word is a
        match of _WORD_RE, as findall splits the text; ``rev`` is the text reversed, where
        the word before an offset is the next word)."""
        word = _WORD_RE.match
        search = _WORD_RE.search
        per_word = cls._PER_WORD
        occ: list = []
        caps = False
        n = len(w)
        size = len(text)
        pos = 0
        while True:
            s = low.find(w, pos)
            if s < 0:
                break
            pos = s + 1
            # a word starts at s: a word character not preceded by one, nor by "/" or "-"
            # after one (that would join it to the word before)
            if s > 0:
                c = text[s - 1]
                if c.isalnum() or c == "_" or "\u00c0" <= c <= "\u1ef9":
                    continue
                if c in "/-" and s > 1:
                    c = text[s - 2]
                    if c.isalnum() or c == "_" or "\u00c0" <= c <= "\u1ef9":
                        continue
            m = word(text, s)
            if m is None or m.end() != s + n:
                continue
            t = m.group(0)
            t_up = len(t) > 1 and t.isupper()
            if t_up and caps:
                continue  # an all-caps occurrence adds nothing once ``w`` is an acronym
            pm = search(rev, size - s)
            prev_t = pm.group(0)[::-1] if pm else None
            nm = search(text, s + n)
            next_t = nm.group(0) if nm else None
            prev_up = prev_t is not None and len(prev_t) > 1 and prev_t.isupper()
            next_up = next_t is not None and len(next_t) > 1 and next_t.isupper()
            if t_up:
                if not (prev_up or next_up):  # an acronym, not a word of a heading
                    caps = True
                continue
            if prev_up and next_up:
                continue
            occ.append((t, prev_t, next_t))
            if len(occ) >= per_word:
                break
        return occ, caps

    def _from_tokens(self, text: str, vocab: set[str]) -> None:
        """The same from the list of the words of ``text`` (a text that does not lower-case
        character by character)."""
        toks, lows = _tokens(text)
        last = len(toks) - 1
        occ = self.occ
        lowered = self._lowered_occ
        per_word = self._PER_WORD
        done: set[str] = set()
        for i, w in enumerate(lows):
            if w not in vocab or w in done:
                continue
            t = toks[i]
            prev_t = toks[i - 1] if i > 0 else None
            next_t = toks[i + 1] if i < last else None
            prev_up = bool(prev_t and len(prev_t) > 1 and prev_t.isupper())
            next_up = bool(next_t and len(next_t) > 1 and next_t.isupper())
            if t.isupper() and len(t) > 1:
                if not (prev_up or next_up):
                    self.caps.add(w)
                continue
            if prev_up and next_up:
                continue
            occ.setdefault(w, []).append((t, prev_t, next_t))
            lowered.setdefault(w, []).append((t, lows[i - 1] if i > 0 else None, lows[i + 1] if i < last else None))
            if len(occ[w]) >= per_word:
                done.add(w)

    def _context(self, w: str) -> list[tuple]:
        """``occ[w]`` with the words before and after lower-cased."""
        o = self._lowered_occ.get(w)
        if o is None:
            o = self._lowered_occ[w] = [(t, p and p.lower(), q and q.lower()) for t, p, q in self.occ.get(w, ())]
        return o

    def _counts(self, w: str, prev, nxt) -> dict[str, int]:
        """Spelling -> count of ``w`` after ``prev`` and before ``nxt`` (``_ANY``: any word), in
        first-seen order (the most frequent wins, the first on a tie)."""
        c: dict[str, int] = {}
        for t, p, q in self._context(w):
            if prev is not _ANY and p != prev:
                continue
            if nxt is not _ANY and q != nxt:
                continue
            c[t] = c.get(t, 0) + 1
        return c

    def _word_not_numeral(self, w: str, prev, nxt) -> bool:
        """"PHẠM VI": a Roman-looking word that is a word next to ``prev`` / ``nxt`` (header.toml
        ``not_numerals``, or the body writes it in lower case after the same word)."""
        nn = _not_numerals()
        if (prev is not None and f"{prev} {w}" in nn) or (nxt is not None and f"{w} {nxt}" in nn):
            return True
        return prev is not None and any(t == w for t in self._counts(w, prev, _ANY))

    def spell(self, words: list[str], i: int) -> str:
        w = words[i].lower()
        prev = words[i - 1].lower() if i > 0 else None
        nxt = words[i + 1].lower() if i < len(words) - 1 else None
        self._look(w)  # before the numeral test: it reads the body's spellings of this word
        if _ROMAN_RE.match(words[i]) and not self._word_not_numeral(w, prev, nxt):
            return words[i].upper()
        if w in self.occ:
            for p, q in ((prev, nxt), (prev, _ANY), (_ANY, nxt)):
                if p is None or q is None:
                    continue
                c = self._counts(w, p, q)
                if c:
                    return max(c, key=c.get)
            # alone, a word is written lower-case (a title is in sentence case), unless it is a
            # symbol such as "1899/QĐ-TTg" that the body spells one way
            if re.search(r"[\d/]", w):
                c = self._counts(w, _ANY, _ANY)
                return max(c, key=c.get)
            return w
        if w in self.caps:
            return words[i].upper()
        return w


@lru_cache(maxsize=1)
def _not_numerals() -> frozenset:
    return frozenset(p.lower() for p in _tables().get("not_numerals", []))


@lru_cache(maxsize=1)
def _spelling_res():
    items = sorted(_tables()["spellings"], key=len, reverse=True)
    return [(up, re.compile(rf"(?<![\wÀ-ỹĐđ]){re.escape(up)}(?![\wÀ-ỹĐđ])")) for up in items]


def recase(upper: str, model: _CaseModel, first_cap: bool = False) -> str:
    """Spell an upper-case phrase as the body spells it ("TỈNH BẮC NINH" -> "tỉnh Bắc Ninh").

    Phrases of the ``spellings`` table are spelled as the table says; other words
    as the body most often spells them in the same context.
    """
    fixed = {}
    for up, rx in _spelling_res():
        while True:
            m = rx.search(upper)
            if not m:
                break
            key = f"\x00{len(fixed)}\x00"
            fixed[key] = _tables()["spellings"][up]
            upper = upper[:m.start()] + key + upper[m.end():]
    if fixed:
        parts = re.split("(\x00\\d+\x00)", upper)
        s = "".join(fixed[p] if p in fixed else (recase(p, model) if p.strip() else p) for p in parts)
        if first_cap and s:
            s = s[0].upper() + s[1:]
        return s
    words = [m.group(0) for m in _WORD_RE.finditer(upper)]
    spelled = [model.spell(words, i) for i in range(len(words))]
    out, k = [], 0
    pos = 0
    for m in _WORD_RE.finditer(upper):
        out.append(upper[pos:m.start()])
        out.append(spelled[k])
        k += 1
        pos = m.end()
    out.append(upper[pos:])
    s = "".join(out)
    if first_cap and s:
        s = s[0].upper() + s[1:]
    return s


def recase_phrase(phrase: str, text: str) -> str:
    """An upper-case phrase spelled as ``text`` spells it, first letter capital."""
    if not mostly_upper(phrase):
        return phrase
    return recase(phrase, _CaseModel(text, {m.group(0).lower() for m in _WORD_RE.finditer(phrase)}), True)


def _maybe_recase(s: str, model: _CaseModel, first_cap: bool) -> str:
    return recase(s, model, first_cap) if mostly_upper(s) else s


# ---------------------------------------------------------------------------


def _header_region(lines):
    """Index of the type heading or the first body paragraph: the header ends there."""
    for i, (_, _, line) in enumerate(lines[:_HEADER_LINES]):
        if len(line) > 300 and not mostly_upper(line):
            return i
    return min(len(lines), _HEADER_LINES)


def _find_type_heading(lines, start_i: int, stop_i: int):
    """(line index, type name, rest of the line after the type word)."""
    for i in range(start_i, stop_i):
        line = _clean_line(lines[i][2])
        if not line or not mostly_upper(line[: max(4, min(len(line), 30))]):
            continue
        up = line.upper()
        for word, name in _type_headings():
            if up == word or up.startswith(word + " ") or up.startswith(word + "\t"):
                rest = line[len(word):].strip()
                return i, name, rest
    return None


def _motto_split(line: str) -> str:
    """Drop the national-motto part from a header line ("CHÍNH PHỦ CỘNG HÒA ..." -> "CHÍNH PHỦ")."""
    up = line.upper()
    for m in _tables()["motto"]:
        k = up.find(m.upper())
        if k >= 0:
            return line[:k].strip()
    return line


def _issuer_lines(lines, stop_i: int) -> list[str]:
    out = []
    for i in range(stop_i):
        raw = _clean_line(lines[i][2])
        if not raw or _SEP_RE.match(raw):
            continue
        if _SO_RE.match(raw) or _PLACE_DATE_RE.match(raw) or _VV_RE.match(raw):
            continue
        part = _motto_split(raw)
        if not part or not mostly_upper(part):
            continue
        if part.upper().startswith(("CÔNG BÁO", "ĐỘC LẬP")) or part.isdigit():
            continue
        out.append(part)
    return out


def _compose_issuer(parts: list[str], model: _CaseModel) -> str | None:
    """The issuer from the header's left block.

    "ỦY BAN NHÂN DÂN / TỈNH BẮC NINH" -> "Ủy ban nhân dân tỉnh Bắc Ninh";
    "ĐẢNG ỦY CHÍNH PHỦ / VĂN PHÒNG" -> "Văn phòng Đảng ủy Chính phủ" (a unit of the
    organisation above it); "BAN CHẤP HÀNH TRUNG ƯƠNG / BAN TỔ CHỨC" -> "Ban Tổ chức
    Trung ương"; "ĐẢNG BỘ TỈNH X / ĐẢNG ỦY KHỐI …" -> the committee below the Đảng bộ.
    """
    tabs = _tables()
    parts = [p for p in parts if not p.upper().startswith("ĐẢNG CỘNG SẢN")]
    if len(parts) > 1 and parts[0].upper().startswith("ĐẢNG BỘ"):
        parent, parts = parts[0], parts[1:]
        if parts[0].upper().strip() in tabs["placeless_committees"]:
            place = parent[len("ĐẢNG BỘ"):].strip()
            for lv in tabs["levels"]:
                if place.upper().startswith(lv + " "):
                    place = place[len(lv):].strip()
                    break
            parts = [f"{parts[0]} {place}"] + parts[1:]
    if not parts:
        return None
    up = [p.upper() for p in parts]
    unit_i = next((i for i in range(1, len(up)) if any(up[i].startswith(h) for h in tabs["unit_heads"])), None)
    if unit_i is None:
        return _cap(_recase_parts(parts, model))
    parent_up = " ".join(up[:unit_i])
    unit_up = " ".join(up[unit_i:])
    if parent_up == tabs["misc"]["central_committee"]:
        for head, name in tabs["central_units"].items():
            if unit_up.startswith(head):
                return name or recase(unit_up, model, True)
        return recase(unit_up, model, True) + " Trung ương"
    return _cap(_recase_parts(parts[unit_i:], model)) + " " + _recase_parts(parts[:unit_i], model)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _recase_parts(parts: list[str], model: _CaseModel) -> str:
    """Recase header lines; a locality line ("TỈNH NGHỆ AN") is a level word and a proper name,
    whatever the body says ("tỉnh Nghệ An"); other runs of lines are recased together (context)."""
    out, run = [], []
    for p in parts:
        up = p.upper()
        lv = next((lv for lv in _tables()["levels"] if up.startswith(lv + " ")), None)
        committee = any(up.startswith(c) for c in _tables()["placeless_committees"])
        fixed = any(rx.fullmatch(up) for _, rx in _spelling_res())
        if lv and not committee and not fixed:
            if run:
                out.append(recase(" ".join(run), model))
                run = []
            name = p[len(lv):].strip()
            out.append(lv.lower() + " " + " ".join(w[:1].upper() + w[1:].lower() for w in name.split()))
        else:
            run.append(p)
    if run:
        out.append(recase(" ".join(run), model))
    return " ".join(out)


def _title_lines(lines, i0: int, stop_i: int, first: str):
    """Collect title lines starting at ``i0``; returns (title pieces, index after the title)."""
    tabs = _tables()
    openers = tabs["body_openers"]
    speakers = {s.upper() for s in tabs["speaker_lines"]}
    pieces = [first] if first else []
    i = i0
    n = len(lines)
    while i < n:
        line = _clean_line(lines[i][2])
        if not line:
            # a blank line ends the title unless the next line continues it (lower-case start)
            j = i + 1
            while j < n and not lines[j][2].strip():
                j += 1
            if pieces and j < n:
                nxt = _clean_line(lines[j][2])
                caps_go_on = (mostly_upper(nxt) and all(mostly_upper(p) for p in pieces) and not _SEP_RE.match(nxt)
                              and nxt.upper() not in speakers and not nxt.endswith(":"))
                if nxt and ((nxt[0].islower() and len(nxt) < 200) or caps_go_on):
                    i = j
                    continue
            if pieces:
                break
            i += 1
            continue
        if _SEP_RE.match(line):
            i += 1
            break
        if line.upper() in speakers or line.endswith("điện:") or (pieces and _is_speaker(line)):
            break
        if any(line.startswith(o) for o in openers) and pieces:
            break
        if (len(line) > 300 and not mostly_upper(line)) or len(line) > 700 or (pieces and line.endswith(":")):
            break
        pieces.append(line)
        i += 1
        if len(pieces) > 8:
            break
    return pieces, i


def _is_speaker(line: str) -> bool:
    """An upper-case line naming the issuing office in its own voice ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH X")."""
    s = line.strip()
    if s.endswith("điện:"):
        return True
    if not mostly_upper(s) or len(s) > 100 or s.endswith(":"):
        return False
    return any(s.upper().startswith(h) for h in _tables()["speaker_heads"])


def _speaker_after(lines, i: int) -> str | None:
    """The speaker line right after the title, if any (without a trailing "điện:")."""
    for j in range(i, min(i + 4, len(lines))):
        ln = _clean_line(lines[j][2])
        if not ln or _SEP_RE.match(ln):
            continue
        if _is_speaker(ln):
            return re.sub(r"\s*điện\s*:\s*$", "", ln)
        return None
    return None


def _clean_title(t: str) -> str:
    t = re.sub(r"\s+", " ", t).strip().strip("*").strip()
    t = t.rstrip(".").strip()
    t = t.strip("“”\"").strip()
    return t


def _lower_first(t: str) -> str:
    if not t:
        return t
    w = t.split(" ", 1)[0]
    if mostly_upper(w) and len(w) > 1:
        return t
    return t[0].lower() + t[1:]


def _with_place(name: str, committee: str | None) -> str:
    """"Chủ tịch Ủy ban nhân dân tỉnh" + committee "Ủy ban nhân dân tỉnh Quảng Ninh" -> "… tỉnh Quảng Ninh"."""
    if not committee:
        return name
    for lv in _tables()["levels"]:
        lv = lv.lower()
        if name.lower().endswith(" " + lv):
            k = committee.lower().rfind(lv + " ")
            if k >= 0:
                return name + committee[k + len(lv):]
    return name


def _same_name(a: str | None, b: str | None) -> bool:
    return bool(a and b) and re.sub(r"\W+", " ", a).strip().lower() == re.sub(r"\W+", " ", b).strip().lower()


def organ_of(organ: str, committee: str | None) -> str:
    """A party organ named in full: "Ban Thường vụ Tỉnh ủy" of committee "Tỉnh ủy Thanh Hóa" ->
    "Ban Thường vụ Tỉnh ủy Thanh Hóa"; a bare "Ban Thường vụ" takes the committee's name; central
    organs ("Bộ Chính trị") stand alone."""
    tabs = _tables()
    if not committee or any(organ.lower() == o.lower() for o in tabs["standalone_organs"]):
        return organ
    for head in sorted(tabs["party_organs"], key=len, reverse=True):
        if organ.lower().startswith(head.lower()):
            rest = organ[len(head):].strip()
            if not rest:
                return f"{organ} {committee}"
            if committee.lower().startswith(rest.lower()) and len(committee) > len(rest):
                return f"{organ[:len(head)]} {committee}"
            return organ
    return organ


def local_body(body: str, text: str) -> str | None:
    """A signed-for body that needs its place (header.toml [local_bodies]) completed from the body
    speaking in the text ("UBND Thành phố yêu cầu …" -> "Ủy ban nhân dân Thành phố"), else None;
    any other body as it is."""
    tabs = _tables()
    forms = tabs.get("local_bodies", {})
    key = next((k for k in forms if k.lower() == body.strip().lower()), None)
    if key is None:
        return body
    verbs = "|".join(re.escape(v) for v in tabs["speaking_verbs"])
    alts = "|".join(re.escape(f) for f in forms[key])
    locs = "|".join(re.escape(w) + "|" + re.escape(w[:1].upper() + w[1:]) for w in tabs.get("locality_words", []))
    rx = re.compile(rf"(?<!\w)(?:{alts})\s+(?P<loc>(?:{locs})(?:\s+[A-ZÀ-ỸĐ][\wÀ-ỹ]*)*)\s+(?:{verbs})(?!\w)")
    m = rx.search(text)
    return f"{key} {m.group('loc')}" if m else None


def _speaking_organ(text: str, start: int, model) -> str | None:
    """A party organ that speaks in the body ("…, Ban Chấp hành Đảng bộ Khối … yêu cầu …")."""
    tabs = _tables()
    organs = "|".join(re.escape(o) for o in tabs["party_organs"])
    verbs = "|".join(re.escape(v) for v in tabs["speaking_verbs"])
    word = r"(?:[A-ZÀ-ỸĐ][\wÀ-ỹ]*|vụ|hành|trị|thư|trực|các|cơ|quan|tỉnh|huyện|thành|phố|ủy|uỷ|bộ|khối)"
    rx = re.compile(rf"(?:^|[,;.:]\s+)(?P<b>(?:{organs})(?:\s+{word}){{0,10}}?)\s+(?:{verbs})\b")
    m = rx.search(text, start, min(len(text), start + 20000))
    return m.group("b") if m else None


def _expand_name(text: str, name: str) -> str:
    """The fullest form of ``name`` that the text uses ("Ban Thường vụ Đảng ủy Khối" -> "… các cơ quan tỉnh")."""
    tabs = _tables()
    stops = set(tabs["speaking_verbs"]) | {"đã", "vừa", "về", "và", "tại", "của", "với", "trong", "theo", "đối", "để"}
    best = name
    for m in re.finditer(re.escape(name), text):
        tail = text[m.end(): m.end() + 60]
        words = re.match(r"((?:\s+[a-zà-ỹđ][\wÀ-ỹĐđ]*){1,4})", tail)
        if not words:
            continue
        ws = words.group(1).split()
        keep = []
        for k, w in enumerate(ws):
            two = " ".join(ws[k:k + 2])
            if w in stops or two in stops:
                break
            keep.append(w)
        # only a place-like continuation ("các cơ quan tỉnh") counts: it must end on an admin word
        if keep and keep[-1] in ("tỉnh", "huyện", "thành phố", "xã", "phường") or (keep and keep[-1] == "phố"):
            cand = name + " " + " ".join(keep)
            if len(cand) > len(best):
                best = cand
    return best


def _strip_office(s: str) -> str:
    for t in sorted(_tables()["office_titles"], key=len, reverse=True):
        if s.startswith(t + " "):
            return s[len(t) + 1:]
    return s


def _parse_report(text: str, doc: Document) -> int:
    """Fill ``doc`` from a news report's lead; returns the offset where the article body starts."""
    tabs = _tables()
    types = sorted(((w, n) for w, n in ((w.lower(), n) for w, n in _type_headings())), key=lambda x: -len(x[0]))
    type_rx = "|".join(re.escape(w) for w, _ in types)
    verbs = "|".join(re.escape(v) for v in tabs["issue_verbs"])
    rx = re.compile(
        rf"(?P<verb>{verbs})\s+(?P<type>{type_rx})\s+(?:số\s+)?(?P<sym>\d+[a-zA-Z]?\s*(?:/\s*\d{{4}}\s*)?[/{_DASHES}]\s*[A-Za-zÀ-ỹĐđÐ][\wÀ-ỹĐđÐ&]*(?:\s*[/{_DASHES}]\s*[\wÀ-ỹĐđÐ&]+)*)",
        re.IGNORECASE,
    )
    window = text[: min(len(text), 6000)]
    m = rx.search(window)
    body_start = 0
    first_nl = text.find("\n\n")
    if first_nl > 0 and first_nl < 400:
        body_start = first_nl + 2
    if m:
        tname = dict(types)[m.group("type").lower()]
        sym, num, code = canonical_header_symbol(m.group("sym"))
        doc.doc_type = _type_for(tname, code)
        doc.symbol, doc.number = sym, num
        # sentence of the mention
        s0 = max(window.rfind(". ", 0, m.start()), window.rfind("\n", 0, m.start()), window.rfind("; ", 0, m.start())) + 1
        subj_zone = window[s0:m.start()]
        after = window[m.end(): m.end() + 600]
        dm = re.match(r"\s*,?\s*ngày\s+([^,;]{6,25})", after)
        date = None
        if dm:
            date = parse_date_text(dm.group(1))
        if not date:
            dates = list(DATE_RE.finditer(subj_zone))
            if dates:
                date = parse_date_text(dates[-1].group(0))
        doc.issued_date = date
        # subject: the clause right before the verb
        clause = re.split(r",\s+(?=ngày|\d)|^\s*", subj_zone.strip())[-1]
        clause = re.sub(r"^.*?\bngày\s+\S+\s*,\s*", "", clause.strip(), flags=re.IGNORECASE)
        clause = clause.strip(" ,")
        on_behalf = re.search(r"\bthay mặt\s+(?P<b>[^,]{3,80}?)\s*,", clause, re.IGNORECASE)
        pm = re.match(r"(?:đồng chí|đ/c)\s+(?P<name>[A-ZÀ-ỸĐ][\wÀ-ỹ]*(?:\s+[A-ZÀ-ỸĐ][\wÀ-ỹ]*){1,4})\s*,\s*(?P<pos>.+)$", clause, re.IGNORECASE)
        if on_behalf and any(on_behalf.group("b").startswith(h) for h in tabs["body_heads"]):
            doc.issuer = _expand_name(text, on_behalf.group("b"))
        elif pm:
            doc.signer = pm.group("name")
            pos = pm.group("pos").split(",")[-1].strip()
            doc.issuer = _strip_office(pos)
        elif clause and any(clause.startswith(h) for h in tabs["body_heads"]):
            doc.issuer = _expand_name(text, clause)
        # title: "về …" after the symbol (and its date)
        tm = re.match(r"\s*(?:,?\s*ngày\s+[^,;]{6,25}?(?=\s+(?:về|của)\b))?\s*(?:của\s+[^,;]{3,80}?\s+)?(?P<t>về\s+.+?)(?:\.\s|\.$|\n|$)", after)
        if tm:
            t = tm.group("t")
            t = re.sub(r"\s*\([^)]{1,40}\)", "", t)
            t = t.replace("“", "").replace("”", "").replace('"', "")
            t = _clean_title(t)
            if len(t) > 4:
                t = "về " + _lower_first(t[3:].strip())
            doc.title = t
    else:
        # no reported document: the acting body of the lead
        lead = text[body_start: body_start + 400]
        heads = "|".join(re.escape(h) for h in tabs["body_heads"])
        bm = re.match(rf"\s*(?P<b>(?:{heads})(?:\s+[A-ZÀ-ỸĐ][\wÀ-ỹ]*|\s+vụ|\s+ủy|\s+uỷ){{0,6}})\s+[a-zà-ỹđ]", lead)
        if bm:
            doc.issuer = bm.group("b")
    doc.is_report = True
    return body_start


def _type_for(name: str | None, code: str | None) -> str | None:
    """The type name, preferring the symbol's code when the heading says nothing."""
    if name:
        return name
    if code:
        return _code_types().get(code) or _code_types().get(code.upper())
    return None


def parse_header(text: str) -> tuple[Document, int, bool]:
    doc = Document()
    lines = _lines(text, limit=_HEADER_LINES + 40)
    if not lines:
        return doc, 0, False
    stop = _header_region(lines)
    so_i = next((i for i in range(stop) if _SO_RE.match(_clean_line(lines[i][2]))), None)
    date_i = next((i for i in range(stop) if _PLACE_DATE_RE.match(_clean_line(lines[i][2]))), None)
    th = _find_type_heading(lines, 0, stop)
    has_motto = any(
        any(m.upper() in lines[i][2].upper() for m in ("CỘNG HÒA XÃ HỘI", "CỘNG HOÀ XÃ HỘI", "ĐẢNG CỘNG SẢN VIỆT NAM"))
        for i in range(stop)
    )
    starts_with_addressee = lines[0][2].strip().startswith("Kính gửi") or any(
        lines[i][2].strip().startswith("Kính gửi") for i in range(min(3, len(lines))))
    if so_i is None and date_i is None and not has_motto and not th and not starts_with_addressee:
        body_start = _parse_report(text, doc)
        return doc, body_start, True

    vocab = {m.group(0).lower() for _, _, ln in lines[: stop + 15] if mostly_upper(ln) for m in _WORD_RE.finditer(ln)}
    vocab = {w for w in vocab if len(w) > 1 or w.isalpha()}
    model = _CaseModel(text, vocab)
    code = None
    header_end_i = 0
    if so_i is not None:
        sym, num, code = canonical_header_symbol(_SO_RE.match(_clean_line(lines[so_i][2])).group("sym"))
        doc.symbol, doc.number = sym, num
        header_end_i = max(header_end_i, so_i + 1)
    if date_i is not None:
        m = _PLACE_DATE_RE.match(_clean_line(lines[date_i][2]))
        place = m.group("place").strip().strip("*").strip()
        doc.place = place
        doc.issued_date = parse_date_text(m.group(0))
        header_end_i = max(header_end_i, date_i + 1)
    # issuer block: lines before the first of Số / date / type heading
    first_marker = min(i for i in (so_i, date_i, th[0] if th else None, stop) if i is not None)
    issuer_parts = _issuer_lines(lines, first_marker)
    if so_i is not None and so_i > 0 and not issuer_parts:
        issuer_parts = _issuer_lines(lines, so_i)
    title_issuer = None
    title = None
    speaker = None
    if th:
        ti, tname, rest = th
        doc.doc_type = _type_for(tname, code)
        pieces, after_i = _title_lines(lines, ti + 1, len(lines), rest)
        # "CỦA BỘ CHÍNH TRỊ, BAN BÍ THƯ" names the issuer, not the subject
        if pieces and pieces[0].upper().startswith("CỦA ") and not pieces[0].upper().startswith("CỦA ĐỒNG CHÍ"):
            first = pieces[0][4:]
            k = first.lower().find(" về ")
            if k > 0:
                title_issuer, pieces[0] = first[:k], first[k + 1:]
            else:
                title_issuer, pieces = first, pieces[1:]
        if doc.doc_type == "Thông báo" and rest and rest.upper().startswith("KẾT LUẬN"):
            pass
        title = _clean_title(" ".join(pieces)) if pieces else None
        header_end_i = max(header_end_i, after_i)
        speaker = _speaker_after(lines, after_i)
    else:
        doc.doc_type = _type_for(None, code)
        if doc.doc_type is None and doc.symbol and code is None:
            doc.doc_type = "Công văn"  # a code-less state symbol
    # "V/v …" (Công văn)
    if so_i is not None:
        for i in range(so_i + 1, min(so_i + 4, len(lines))):
            ln = _clean_line(lines[i][2])
            if _VV_RE.match(ln):
                pieces, after_i = _title_lines(lines, i + 1, len(lines), _VV_RE.sub("", ln))
                pieces = [p for p in pieces if not _PLACE_DATE_RE.match(p)]
                title = _clean_title(" ".join(pieces))
                if doc.doc_type is None:
                    doc.doc_type = "Công văn"
                header_end_i = max(header_end_i, i + 1)
                break
    if title:
        title = _VV_RE.sub("", title)
        title = _maybe_recase(title, model, False)
        doc.title = _lower_first(title)
    # issuer
    body_start = lines[header_end_i][0] if header_end_i < len(lines) else len(text)
    party = any("ĐẢNG" in p.upper() or "BAN CHẤP HÀNH" in p.upper() for p in issuer_parts) or (
        doc.symbol is not None and "-" in doc.symbol.split("/")[0])
    issuer, source = None, None
    committee = _compose_issuer(issuer_parts, model)
    if title_issuer:
        issuer, source = recase(title_issuer, model, True), "title"
    elif speaker and not _same_name(speaker, committee):
        issuer, source = _with_place(recase(speaker, model, True), committee), "speaker"
    has_unit = any(any(p.upper().startswith(h) for h in _tables()["unit_heads"]) for p in issuer_parts[1:])
    if issuer is None and party and not has_unit:
        organ = _speaking_organ(text, body_start, model)
        if organ:
            issuer, source = organ_of(organ, committee), "organ"
    if issuer is None:
        issuer, source = committee, "header"
    doc.issuer = issuer
    doc.issuer_source = source
    doc.committee = committee if party and not has_unit else None
    if doc.doc_type is None and not th and starts_with_addressee:
        doc.doc_type = "Công văn"  # a letter that opens on its addressees
    return doc, body_start, False
