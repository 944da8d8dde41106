"""Find the documents a text cites: ``find_references(text, parsed)``.

Everything that varies is data, compiled once at import:

- ``data/schemes.toml``: the symbol schemes as templates (party
  ``NUMBER-TYPE/ISSUER``, state ``NUMBER[/YEAR]/TYPE-ISSUER``, laws
  ``NUMBER/YEAR/QH15``, code-less Công văn ``NUMBER/ISSUER-UNIT``), the
  character map that folds noise (dashes, ``Ð``, Cyrillic look-alikes), the
  words around a mention (``số``, ``của``, title leads, stop words), the
  forms of documents cited by name, alias cues and relation cues;
- ``data/doc_types.toml``: type words and type codes (with typing slips);
- ``data/issuers.toml``: issuer codes, their canonical case, sector and level;
- ``data/laws.toml``: titles of laws and codes, which decide where a law cited
  by name ends.

The hot path is a handful of compiled regexes over the NFC text (after a
same-length ``str.translate``, so offsets stay those of ``text``); no word
segmentation.

Mentions come from five passes, merged in text order, overlaps resolved in
favour of the fuller form:

1. full mentions anchored on a symbol: type word (or ``văn bản``/``số``)
   before it, ``ngày …`` and ``của ISSUER`` after it, a title after that;
2. short forms (``Nghị quyết 57``, ``Đề án 153``), resolved to the symbol of a
   full mention of the same type and number in the document, or through an
   alias defined by ``(sau đây gọi là …)``;
3. documents cited by name (``Luật Tài nguyên nước năm 2023``, ``Hiến pháp``,
   ``Điều lệ``, ``Nghị quyết Trung ương 4 khóa XII``);
4. a descriptive phrase followed by its symbol in brackets (``Tờ trình của X
   về … (Tờ trình số 03-TTr/ĐU, …)``), and later repeats of that phrase;
5. a cited document named by its type and title (``Nghị định quy định chi tiết
   …`` after ``Nghị định số 200/2025/NĐ-CP … quy định chi tiết …``).

The document's own symbol (its ``Số:`` line, or for a news report the
directive it reports) is never a reference.

Relations come from the cue nearest before a mention in its sentence
(``[relation]`` of schemes.toml): the document's own line-initial "Căn cứ" →
``based_on``; "thực hiện / triển khai / thi hành …" within a few words →
``implements`` (unless an assessment such as "sau … năm" or "kết quả" comes
first); "thay thế / sửa đổi, bổ sung / bãi bỏ" → ``replaces`` / ``amends`` /
``repeals`` only when this document is the subject ("… này thay thế", its own
title or promulgation formula); any other cue → ``cites``.  A list "A; B và C"
shares the cue of its first member.

API
---
``find_references(text, parsed=None) -> list[Reference]`` (in text order);
``canonical_symbol(raw, type_word=None) -> str | None``;
``parse_symbol(symbol) -> dict | None`` (number, year, type, issuer, unit,
sector, level, scheme); ``issuer_info(code) -> dict | None`` (the
issuers.toml entry).  Corpus identities are in :mod:`pipeline.resolve`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional

from pipeline.data import load
from pipeline.dates import iso
from pipeline.records import Reference
from pipeline.textscan import finditer_at, ignorecase_extras, starts_of

# ---------------------------------------------------------------------------
# tables, compiled once
# ---------------------------------------------------------------------------

_S = load("schemes")
_T = load("doc_types")
_I = load("issuers")

_norm = _S["normalise"]
_MAP = {ord(c): "-" for c in _norm["dashes"]}
_MAP.update({ord(c): " " for c in _norm["space"]})
_MAP.update({ord(k): v for k, v in _norm["lookalikes"].items()})


_MAP_CHARS = {chr(k): v for k, v in _MAP.items()}
_MAP_RE = re.compile("[" + re.escape("".join(_MAP_CHARS)) + "]")


def _normalise(text: str) -> str:
    """The search text: ``text`` with the one-to-one map of schemes.toml [normalise] (same length)."""
    if not _MAP_RE.search(text):
        return text
    return _MAP_RE.sub(lambda m: _MAP_CHARS[m.group()], text)


# type words -> canonical name; type codes -> names per sector
_WORD2TYPE: dict[str, str] = {}
_CODE: dict[str, list[tuple[str, str, Optional[str]]]] = {}  # fold -> [(code, name, sector|None)]
_TYPO: dict[str, list[tuple[str, str]]] = {}  # fold typo -> [(code, name)]
for _t in _T["type"]:
    _sector = "party" if _t.get("party") else "state" if _t.get("state") else None
    for _w in _t.get("words", []):
        _WORD2TYPE[_w.casefold()] = _t["name"]
    for _c in _t.get("codes", []):
        _CODE.setdefault(_c.casefold(), []).append((_c, _t["name"], _sector))
    for _c in _t.get("typos", []):
        if _t.get("codes"):
            _TYPO.setdefault(_c.casefold(), []).append((_t["codes"][0], _t["name"]))
for _w in _S["words"]["generic"]:
    _WORD2TYPE.setdefault(_w.casefold(), "")  # "" = take the type from the code

_ISSUER: dict[str, dict] = {}
for _i in _I["issuer"]:
    _ISSUER[_i["code"].casefold()] = _i
    for _a in _i.get("aliases", []):
        _ISSUER.setdefault(_a.casefold(), _i)
_ISSUER_PATTERNS = [(re.compile(p["regex"] + r"\Z", re.I), p["prefix"]) for p in _I.get("pattern", [])]
_CENTRAL_MARKERS = [w.casefold() for w in _I.get("central_markers", {}).get("words", [])]


def issuer_info(code: str) -> Optional[dict]:
    """The issuers.toml entry of an issuer code (``"QH15"`` → the ``QH`` entry), or None."""
    if not code:
        return None
    f = code.translate(_MAP).casefold()
    if f in _ISSUER:
        return _ISSUER[f]
    for rx, prefix in _ISSUER_PATTERNS:
        if rx.match(code.translate(_MAP)):
            return _ISSUER.get(prefix.casefold())
    return None


def _canon_issuer(code: str) -> str:
    code = code.translate(_MAP)
    info = _ISSUER.get(code.casefold())
    if info:
        return info["code"]
    for rx, prefix in _ISSUER_PATTERNS:
        if rx.match(code):
            return prefix + code[len(prefix):]
    return code


def _alt(words) -> str:
    """Regex alternation, longest first, spaces matching any whitespace run."""
    ws = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in ws)


def _trie(words) -> str:
    """A regex for a set of words, factored on common prefixes (scans much faster than a flat
    alternation); a space matches any whitespace run; the longest word wins."""
    root: dict = {}
    for w in set(words):
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        alts = []
        end = "" in node
        for ch in sorted(k for k in node if k):
            piece = r"\s+" if ch == " " else re.escape(ch)
            alts.append(piece + emit(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if end else body

    return "(?:" + emit(root) + ")"


def _case_variants(words) -> list[str]:
    out = []
    for w in words:
        out += [w, w[:1].upper() + w[1:], w.upper()]
    return out


# ---- symbol schemes --------------------------------------------------------
_pieces = dict(_S["pieces"])
_type_codes = [c for (c, _, _) in sum(_CODE.values(), [])] + list(_TYPO)
_TYPE_RX = "(?i:" + _alt(_type_codes) + ")"
_known_issuers = [i["code"] for i in _I["issuer"]] + [a for i in _I["issuer"] for a in i.get("aliases", [])]
_ISSUER_RX = "(?:" + "|".join([p["regex"] for p in _I.get("pattern", [])] +
                              [re.escape(c) for c in sorted(set(_known_issuers), key=len, reverse=True)]) + ")"
_SCHEMES = _S["scheme"]


def _compile_scheme(k: int, sch: dict) -> str:
    def sub(m):
        tok = m.group(1)
        if tok == "type":
            body = _TYPE_RX
        elif tok == "issuer":
            body = _ISSUER_RX if sch.get("issuer_must_be_known") else \
                "(?:(?i:" + _ISSUER_RX + ")(?![A-Za-zĐđ0-9])|" + _pieces["code"] + ")"
        else:
            body = _pieces[tok]
        if tok in ("dash", "slash"):
            return body
        return f"(?P<{tok}_{k}>{body})"

    return re.sub(r"\{(\w+)\}", sub, sch["pattern"])


_SYM_RE = re.compile(
    r"(?<![\w/.\-])(?:" + "|".join(f"(?P<s{k}>{_compile_scheme(k, s)})" for k, s in enumerate(_SCHEMES)) +
    r")(?![\w/]|-\w)"
)

# numbers followed by a separator: where a symbol may start (a fast scan).  The quantifiers are
# possessive: giving a digit or a blank back can never lead to a match (what follows a digit run
# must be ".", a letter, a blank or the separator; blanks given back by the first run are taken
# again by the second), so the matches are those of r"\d+(?:\.\d+)?[a-zA-Zđ]?[ \t]*\n?[ \t]*[-/]",
# found without backtracking.
_CAND_RE = re.compile(r"\d++(?:\.\d++)?[a-zA-Zđ]?[ \t]*+\n?[ \t]*+[-/]")


def _sym_iter(s: str):
    end = 0
    for c in _CAND_RE.finditer(s):
        i = c.start()
        if i < end:
            continue
        m = _SYM_RE.match(s, i)
        if m:
            end = m.end()
            yield m


_W = _S["words"]
_NUMBER_WORD = _alt(_case_variants(_W["number_word"]))
_TYPEWORDS = list(_WORD2TYPE)
_TYPEWORD_ALT = _alt(_case_variants(_TYPEWORDS))
# what stands before a symbol: [type word [≤2 lower-case words]] [số[:]]
_LOWER = "".join(c for c in map(chr, range(0x61, 0x1EFA)) if c.islower() and c.isalpha())
_LOWER_CLS = "[" + re.escape(_LOWER) + "]"
_LEFT_RE = re.compile(
    rf"(?:(?<!\w)(?P<tw>{_TYPEWORD_ALT})(?P<q>(?:[ \t]+{_LOWER_CLS}+){{0,{int(_W['max_qualifiers'])}}}?)\s+)?"
    rf"(?:(?<!\w)(?P<so>{_NUMBER_WORD})[ \t]*:?\s*)?\Z"
)
_DATE = (r"(?P<d>\d{1,2})[ \t]*[/.-][ \t]*(?P<m>\d{1,2})[ \t]*[/.-][ \t]*(?P<y>(?:19|20)\d{2})(?!\d)"
         r"|(?P<d2>\d{1,2})\s+(?i:tháng)\s+(?P<m2>\d{1,2})\s*,?\s+(?i:năm)\s+(?P<y2>(?:19|20)\d{2})(?!\d)")
_DATE_AFTER_RE = re.compile(r"[ \t]*,?(?:[ \t]*(?i:ngày)|[ \t]*\n[ \t]*ngày)[ \t]*\n?[ \t]*(?:" + _DATE + ")")
_YEAR_AFTER_RE = re.compile(r"[ \t]*,?[ \t]*(?i:năm)[ \t]+(?P<y>(?:19|20)\d{2})(?!\d)")
_ISSUER_LEAD_RE = re.compile(r"[ \t]*,?(?:[ \t]*(?:" + _alt(_case_variants(_W["issuer_lead"])) + r")|[ \t]*\n[ \t]*(?:" +
                             _alt(_W["issuer_lead"]) + r"))[ \t]*\n?[ \t]*(?=\w)")
_TOKEN_RE = re.compile(r"[ \t]*([^\s,;.:()\[\]“”\"'!?…|]+)")
_WRAP_RE = re.compile(r"[ \t]*\n[ \t]*(?=[a-zà-ỹđ])([^\s,;.:()\[\]“”\"'!?…]+)")
_TITLE_LEAD_RE = re.compile(r"[ \t]*,?[ \t]*[“\"]?(?=(?i:" + _alt(_W["title_lead"]) + r")(?!\w))")


def _phrases(words) -> dict[str, list[tuple[str, ...]]]:
    """Stop phrases indexed by their first word (case-folded)."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for w in words:
        toks = tuple(w.casefold().split())
        out.setdefault(toks[0], []).append(toks)
    for v in out.values():
        v.sort(key=len, reverse=True)
    return out


_ISSUER_STOPS = _phrases(_W["issuer_stops"])
_ISSUER_STOPS_ANY = {w.casefold() for w in _W.get("issuer_stops_any_case", [])}
_ISSUER_LOWER_OK = {w.casefold() for w in _W.get("issuer_lower_words", [])}
_ISSUER_PHRASES = _phrases(_W.get("issuer_name_phrases", []))
_ISSUER_COMPLETE = {tuple(w.casefold().split()) for w in _W.get("issuer_complete", [])}
_ISSUER_CONTINUES = _ISSUER_LOWER_OK | {w.casefold() for w in _W.get("issuer_complete_continues", [])}
_ROMAN_RE = re.compile(r"[IVXLC]+\Z")
_AND_BREAKERS = _phrases(_W.get("name_and_breakers", ["các"]))
_COMMA_JOINS = [tuple(w.casefold().split()) for w in _W.get("name_comma_joins", [])]
_NAME_STOPS = _phrases(_W["name_stops"])
_MAX_NAME = int(_W.get("max_name_words", 12))

# ---- named, short and alias forms ------------------------------------------
_NAMED: dict[str, list[dict]] = {}
for _n in _S.get("named", []):
    for _tn in _n["types"]:
        _NAMED.setdefault(_tn, []).append(_n)
_TITLE_TYPEWORDS = [w for w in _TYPEWORDS if _WORD2TYPE[w]]
_TW_WORDS = [w[:1].upper() + w[1:] for w in _TITLE_TYPEWORDS] + [w.upper() for w in _TITLE_TYPEWORDS]
_TW_RE = re.compile(r"(?<!\w)(?P<tw>" + _alt(_TW_WORDS) + r")(?!\w)")
_ANY_TW_RE = re.compile(r"(?:" + _TYPEWORD_ALT + r")(?!\w)")
_TW_SCAN_RE = re.compile(r"(?P<tw>" + _trie(_TW_WORDS) + r")(?!\w)")


def _tw_iter(s: str, a: int = 0, b: Optional[int] = None):
    """Capitalised / upper-case type words in s[a:b] (a fast scan; word boundary checked here)."""
    for m in _TW_SCAN_RE.finditer(s, a, len(s) if b is None else b):
        i = m.start()
        if i and (s[i - 1].isalnum() or s[i - 1] == "_"):
            continue
        yield m
_SHORT_RE = re.compile(r"[ \t]+(?:(?i:số)[ \t]*)?(?P<n>\d{1,5}[a-zđ]?)(?![\w/]|[ \t]*[-/][ \t]*[A-Za-zĐđ])")
_UNIT_AFTER_RE = re.compile(r"[ \t]*(?i:năm|tháng|ngày|giờ|lần|%|người|tỷ|triệu)(?!\w)")
_NOT_YET = _phrases(_S.get("not_yet", {}).get("before", []) + _S.get("not_named", {}).get("before", []))
_TITLE_NAME_END_RE = re.compile(r"[.;:(\n]|[ \t](?:" + _alt(_W["title_name_stops"]) + r")(?!\w)")


def _known_titles() -> dict[str, re.Pattern]:
    """laws.toml: per type, a regex for a known title right after the type word (longest wins; any case;
    a comma of the title may be missing in the text)."""
    out = {}
    for t in load("laws").get("type", []):
        variants = set()
        for title in t["titles"]:
            variants |= {title.casefold(), title.replace(",", "").casefold()}
        out[t["name"]] = re.compile(r"[ \t]+(?i:" + _trie(variants).replace(",", r"[ \t]*,") + r")(?!\w)")
    return out


_KNOWN_TITLES = _known_titles()


def _known_end(s: str, pos: int, dtype: str, end: int) -> int:
    """End of a known title (laws.toml) right after the type word at ``pos``, else ``end``."""
    rx = _KNOWN_TITLES.get(dtype)
    k = rx.match(s, pos) if rx is not None else None
    if not k or (k.end() < end and _YEAR_TAIL_RE.fullmatch(s, k.end(), end)):
        return end  # "Luật An ninh mạng 2025": the year the general rule read stays
    return k.end()


_YEAR_TAIL_RE = re.compile(r"[ \t]+(?:19|20)\d\d")


_AMEND = _S.get("amending", {})
_AMEND_TYPES = set(_AMEND.get("types", []))
_AMEND_RE = re.compile(r"[ \t]*\n?[ \t]*(?<=\s)(?i:" + _alt(_AMEND.get("lead", ["sửa đổi"])) + r")[ \t]*\n?[ \t]*(?<=\s)")
_AMEND_JOIN_RE = re.compile(r"[ \t]*(?:,|(?i:và))[ \t]*(?=\w)")
_SHORT_LIST_GAP_RE = re.compile(r"[ \t]*(?:,|;|(?i:và))[ \t]*")
_SHORT_TYPES = set(_S.get("short", {}).get("unresolved_types", []))
_ALIAS_RE = re.compile(r"\(\s*(?i:" + _alt(_S["alias"]["lead"]) + r")\s+(?P<a>[^()\n]{1,80}?)\s*\)")

# ---- relations -------------------------------------------------------------
_R = _S["relation"]
_CUES: list[tuple[str, str]] = []
for _rel in ("based_on", "implements", "replaces", "amends", "repeals", "cites"):
    for _c in _R.get(_rel, []):
        _CUES.append((_c, _rel))
_CUE_RE = re.compile(r"(?<!\w)(?P<c>" + _alt([c for c, _ in _CUES]) + r")(?!\w)", re.I)
_CUE_REL = {" ".join(c.casefold().split()): r for c, r in _CUES}
_ASSESS_RE = re.compile(r"(?<!\w)(?:" + _alt(_R.get("assessment", [])) + r")(?!\w)", re.I)
_SELF_RE = re.compile(r"(?<!\w)(?:" + _alt(_R.get("self_words", [])) + r")(?!\w)", re.I)
_MAX_GAP = int(_R.get("max_gap_words", 6))
# "Bộ trưởng … ban hành Thông tư sửa đổi … Thông tư số …": the document's own promulgation formula
_SELF_ISSUE_RE = re.compile(r"(?i:ban\s+hành)\s+(?:" + _TYPEWORD_ALT + r")\s*\Z")
_PASSIVE_AMEND_RE = re.compile(r"(?<!\w)(?:" + _alt(_R.get("basis_passive", ["được"])) + r")\s+(?:" +
                               _alt(_R.get("amends", [])) + r")(?!\w)", re.I)
_OTHER_TITLE = {" ".join(w.casefold().split()) for w in _R.get("other_title", [])}
_BASIS_WHERE = {w.casefold() for w in _R.get("basis_where", [])}
_WHERE = {w.casefold() for w in _R.get("where", [])}
_BASED_ON_LINE_RE = re.compile(r"(?:" + _alt([w[:1].upper() + w[1:] for w in _R.get("based_on", [])] +
                                             [w.upper() for w in _R.get("based_on", [])]) + r")(?!\w)")
_WORD_RE = re.compile(r"\w+")
_LIST_GAP_RE = re.compile(r"[\s,;]*(?:(?i:và)\s+)?")
_SENT_END_RE = re.compile(r"[.!?](?=\s)|\n\s*\n|;\s*\n|:\s*\n")

# the document's own number line: "Số: 141/KH-UBND", "Số 37-HD/BTGDVTW"
_OWN_LINE_RE = re.compile(r"(?m)^[ \t*]*(?:Số|SỐ|số)[ \t]*:?[ \t]*(?=\d)")
_REPORT_ISSUE_RE = re.compile(r"(?<!\w)(?i:(?:vừa|đã|mới)[ \t]+(?:ký[ \t]+)?ban[ \t]+hành|ký(?:[ \t]+ban[ \t]+hành)?)[ \t]+\Z")


# ---------------------------------------------------------------------------
# mentions
# ---------------------------------------------------------------------------

@dataclass
class _M:
    start: int
    end: int
    kind: str  # full, short, named, phrase, titled
    doc_type: Optional[str] = None
    symbol: Optional[str] = None
    number: Optional[str] = None
    date: Optional[str] = None
    issuer: Optional[str] = None
    title: Optional[str] = None
    year: Optional[int] = None
    sym_start: int = -1
    title_end: int = -1
    extra: dict = field(default_factory=dict)


_PRIORITY = {"full": 0, "phrase": 1, "titled": 2, "short": 3, "named": 4}


def _date_of(m: re.Match) -> Optional[str]:
    if m.group("d"):
        return iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return iso(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))


def _stop_at(tokens: list[str], i: int, stops, caps_ctx: bool) -> bool:
    tok = tokens[i]
    if not caps_ctx and not tok[:1].islower():
        return False
    cands = stops.get(tok.casefold())
    if not cands:
        return False
    low = [t.casefold() for t in tokens[i:i + 4]]
    return any(tuple(low[:len(p)]) == p for p in cands)


def _phrase_len(tokens: list[str], i: int, phrases) -> int:
    """Length of the longest phrase of ``phrases`` at tokens[i] (case-folded), or 0."""
    low = [t.casefold() for t in tokens[i:i + 4]]
    return next((len(p) for p in phrases.get(low[0], ()) if tuple(low[:len(p)]) == p), 0)


def _tokens_from(s: str, pos: int, limit: int) -> list[tuple[str, int, int]]:
    """Up to ``limit`` tokens of the same line from ``pos``: (token, start, end).

    A single line break before a lower-case word is a hard wrap, not the end of the line.
    """
    out = []
    while len(out) < limit:
        m = _TOKEN_RE.match(s, pos)
        if not m:
            w = _WRAP_RE.match(s, pos)
            if not w:
                break
            m = w
        if not m:
            break
        out.append((m.group(1), m.start(1), m.end(1)))
        pos = m.end()
    return out


def _issuer_after(s: str, pos: int) -> Optional[tuple[str, int]]:
    """``của ISSUER`` at ``pos``: (issuer as written, end) or None."""
    m = _ISSUER_LEAD_RE.match(s, pos)
    if not m:
        return None
    toks = _tokens_from(s, m.end(), 14)
    if not toks or not toks[0][0][:1].isupper():
        return None
    caps = all(t.isupper() and len(t) > 1 for t, _, _ in toks[:2])
    words = [t for t, _, _ in toks]
    end = None
    run = 0
    skip = 0
    for i, (t, st, e) in enumerate(toks):
        if skip:
            skip -= 1
            end = e
            continue
        if t[:1].isupper() and t.casefold() in _ISSUER_PHRASES:
            n = _phrase_len(words, i, _ISSUER_PHRASES)
            if n:
                skip, run, end = n - 1, 0, e
                continue
        if caps and i > 0 and tuple(w.casefold() for w in words[:i]) in _ISSUER_COMPLETE and \
                t.casefold() not in _ISSUER_CONTINUES and not t.isdigit() and not _ROMAN_RE.match(t):
            break  # "… CỦA QUỐC HỘI THÍ ĐIỂM …"
        if i > 0:
            f = t.casefold()
            if f in _ISSUER_STOPS_ANY:
                break
            if f == "và" and i + 1 < len(toks) and toks[i + 1][0][:1].isupper() and \
                    not _ANY_TW_RE.match(s, toks[i + 1][1]):
                continue  # "Bộ Giáo dục và Đào tạo"
            if _stop_at(words, i, _ISSUER_STOPS, caps):
                break
            if caps and not t.isupper() and not t.isdigit():
                break
            if t[:1].islower() and not caps:
                if f in _ISSUER_LOWER_OK:
                    run = 0
                else:
                    run += 1
                    if run > 1:
                        break
            else:
                run = 0
        end = e
    if end is None:
        return None
    return " ".join(s[toks[0][1]:end].split()), end


def _extend_right(s: str, m: _M) -> None:
    """Date, issuer, date (in either order) directly after the mention."""
    pos = m.end
    d = _DATE_AFTER_RE.match(s, pos)
    if d:
        m.date, pos = _date_of(d), d.end()
    iss = _issuer_after(s, pos)
    if iss:
        m.issuer, pos = iss
        if not m.date:
            d = _DATE_AFTER_RE.match(s, pos)
            if d:
                m.date, pos = _date_of(d), d.end()
    m.end = pos


# where a title after a mention stops (the closing quote: any one if the title opens with a quote)
_TITLE_STOPS = [re.compile(rx) for rx in (r"[;\n]", r"\.(?:\s|$)", r"\(", r"[”]", r",[ \t]+(?=[A-ZĐ])")]
_TITLE_STOPS_QUOTED = [re.compile(rx) for rx in (r"[;\n]", r"\.(?:\s|$)", r"\(", r"[”\"]", r",[ \t]+(?=[A-ZĐ])")]


def _title_after(s: str, pos: int) -> tuple[Optional[str], int]:
    t = _TITLE_LEAD_RE.match(s, pos)
    if not t:
        return None, pos
    start = t.end()
    quoted = s[t.start():t.end()].rstrip().endswith(("“", '"'))
    stop = len(s)
    for rx in _TITLE_STOPS_QUOTED if quoted else _TITLE_STOPS:
        mm = rx.search(s, start, min(len(s), start + 300))
        if mm:
            stop = min(stop, mm.start())
    stop = min(stop, start + 300)
    title = s[start:stop].strip(" ,“”\"\t")
    return (title or None), stop


def _type_from_code(code_fold: str, sector: str, word_type: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """(canonical code, doc_type) for a type code as read, given the scheme's sector and the type word."""
    cands = _CODE.get(code_fold)
    if cands:
        names = [n for (_, n, sec) in cands if sec in (None, sector)] or [n for (_, n, _) in cands]
        codes = {n: c for (c, n, sec) in cands if sec in (None, sector)} or {n: c for (c, n, _) in cands}
        if word_type and word_type in names:
            return codes[word_type], word_type
        name = min(names, key=len)
        return codes[name], name
    typo = _TYPO.get(code_fold)
    if typo:
        for code, name in typo:
            if word_type == name:
                return code, name
        return None, None  # a slip we cannot vouch for: keep as written
    return None, None


_TW_BEFORE_RE = re.compile(r"(?<!\w)(?P<tw>" + _TYPEWORD_ALT + r")[ \t]+\Z")


def _compound_type(s: str, start: int, code: str, word_type: str, lo: int) -> tuple[str, int]:
    """"Thông báo Kết luận số 99-TB/TW": when the type word next to the symbol disagrees with its type
    code and the type word just before it agrees, that one names the type and starts the mention."""
    cands = _CODE.get(code.translate(_MAP).casefold())
    if not cands or any(n == word_type for _, n, _ in cands):
        return word_type, start
    m = _TW_BEFORE_RE.search(s, lo, start)
    if m and m.group("tw")[:1].isupper():
        wt = _WORD2TYPE.get(" ".join(m.group("tw").casefold().split()))
        if wt and any(n == wt for _, n, _ in cands):
            return wt, m.start()
    return word_type, start


def _full_mentions(s: str) -> list[_M]:
    out = []
    for m in _sym_iter(s):
        k = next(i for i in range(len(_SCHEMES)) if m.group(f"s{i}") is not None)
        sch = _SCHEMES[k]
        g = {name.rsplit("_", 1)[0]: v for name, v in m.groupdict().items()
             if v is not None and name.endswith(f"_{k}")}
        number, year = g["number"], g.get("year")
        issuer_raw = g["issuer"]
        # the words before the symbol
        w0 = max(0, m.start() - 80)
        left = _LEFT_RE.search(s, w0, m.start())
        start, word_type = m.start(), None
        has_word = False
        if left and left.start() < m.start():
            if left.group("tw"):
                wt = _WORD2TYPE.get(" ".join(left.group("tw").casefold().split()))
                if left.group("q") and not left.group("so"):
                    # qualifier words only between a type word and "số"
                    pass
                else:
                    start, has_word = left.start("tw"), True
                    word_type = wt or None
            if not has_word and left.group("so"):
                start = left.start("so")
        if word_type and "type" in g:
            word_type, start = _compound_type(s, start, g["type"], word_type, w0)
        if sch.get("needs_type_word") and not word_type:
            continue
        info = issuer_info(issuer_raw)
        sector = info["sector"] if info and info["sector"] in ("party", "state") else sch["sector"]
        if sch["name"] == "codeless" and g.get("issuer", "").casefold() in _CODE:
            continue
        type_code, doc_type = None, None
        if "type" in g:
            type_code, doc_type = _type_from_code(g["type"].translate(_MAP).casefold(), sector, word_type)
            if type_code is None:
                type_code = g["type"].translate(_MAP)
        if sch.get("doc_type"):
            doc_type = sch["doc_type"]
        if word_type:
            doc_type = word_type
        elif sch["name"] == "law" and not doc_type:
            doc_type = None
        issuer = _canon_issuer(issuer_raw)
        unit = g.get("unit")
        num = number.translate(_MAP)
        if sch["name"] == "law":
            symbol = f"{num}/{year}/{issuer}"
        elif sch["name"] == "notype":
            symbol = f"{num}/{issuer}"
        elif sch["name"] == "codeless":
            symbol = f"{num}/{year + '/' if year else ''}{issuer}-{_nospace(unit)}"
        elif sector == "party" and not year and not unit:
            symbol = f"{num}-{type_code}/{issuer}"
        else:
            symbol = f"{num}/{year + '/' if year else ''}{type_code}-{issuer}"
            if unit:
                symbol += "-" + _nospace(unit)
        mm = _M(start, m.end(), "full", doc_type=doc_type, symbol=symbol, number=num, sym_start=m.start())
        if year:
            mm.year = int(year)
        mm.extra["code_issuer"] = issuer
        mm.extra["has_word"] = has_word
        _extend_right(s, mm)
        if mm.date and not mm.year:
            mm.year = int(mm.date[:4])
        mm.title, mm.title_end = _title_after(s, mm.end)
        out.append(mm)
    return out


def _name_tokens(s: str, pos: int, form: str, caps: bool) -> int:
    """End of a name that starts at ``pos`` (right after the type word), or ``pos``."""
    toks = _tokens_from(s, pos, _MAX_NAME + 2)
    words = [t for t, _, _ in toks]
    end = pos
    for i, (t, st, e) in enumerate(toks):
        if "\n" in s[end:st] and (not t[:1].islower() or "\n\n" in s[end:st]):
            break
        if form == "name" and i > 0 and t == "và" and i + 1 < len(toks) and toks[i + 1][0][:1].islower() and \
                not _stop_at(words, i + 1, _NAME_STOPS, False) and \
                not _stop_at(words, i + 1, _AND_BREAKERS, False):
            continue  # "Luật Quản lý và sử dụng tài sản công"
        if _stop_at(words, i, _NAME_STOPS, caps):
            break
        if form == "alone" and not (t[:1].isupper() or t.isdigit()):
            break
        if t.isdigit() and len(t) == 4 and i > 0 and words[i - 1].casefold() == "năm":
            break
        if t.casefold() == "năm":
            break
        if caps and not t.isupper() and not t.isdigit():
            break
        end = e
        if i + 1 >= _MAX_NAME:
            break
    return end


def _not_yet(s: str, start: int) -> bool:
    before = s[max(0, start - 40):start]
    if ":" in before:
        before = before[before.rindex(":") + 1:]  # "thẩm tra các dự án: Luật A, Luật B": a list of existing laws
    toks = _WORD_RE.findall(before)[-4:]
    low = [t.casefold() for t in toks]
    for i in range(len(low)):
        for p in _NOT_YET.get(low[i], ()):
            if tuple(low[i:i + len(p)]) == p and i + len(p) == len(low):
                return True
    return False


def _named_end(s: str, a: int, b: int, spec: dict) -> Optional[int]:
    """End of a name of form ``spec`` whose type word spans s[a:b], or None when the form does not fit."""
    form = spec["form"]
    if form == "alone":
        end = _name_tokens(s, b, "alone", False)
    elif form == "name":
        t = _TOKEN_RE.match(s, b)
        if not t or "\n" in s[b:t.start(1)]:
            return None
        first = t.group(1)
        if not (first[:1].isupper() or (len(first) > 1 and first.isupper())):
            return None
        if _TW_RE.match(s, t.start(1)):
            return None
        end = _name_tokens(s, b, "name", False)
    elif form == "title":
        # "thực hiện Đề án cải cách hành chính “một cửa”": only right after a cue
        before = _WORD_RE.findall(s[max(0, a - 40):a])
        low = " ".join(before[-3:]).casefold()
        if not any(low.endswith(c) for c in spec.get("cue_before", [])):
            return None
        wider = " " + " ".join(before[-6:]).casefold() + " "
        if any(" " + " ".join(p) + " " in wider for ps in _NOT_YET.values() for p in ps):
            return None
        t = _TOKEN_RE.match(s, b)
        if not t or not t.group(1)[:1].islower() or "\n" in s[b:t.start(1)]:
            return None
        e = _TITLE_NAME_END_RE.search(s, b, min(len(s), b + 250))
        end = e.start() if e else min(len(s), b + 250)
        q = s.find("”", b, end)
        if s.find("“", b, end) >= 0 and q < 0:
            qe = s.find("”", end, end + 60)
            end = qe + 1 if qe >= 0 else end
        while end > b and s[end - 1] in " \t,":
            end -= 1
        if len(_WORD_RE.findall(s[b:end])) > int(spec.get("max_words", 25)):
            return None
    else:
        rest = s[b:b + 40]
        ok = False
        for w in spec.get("after", []):
            mw = re.match(r"[ \t]+" + r"\s+".join(map(re.escape, w.split())) + r"(?!\w)", rest)
            if mw:
                ok = True
                break
        if not ok:
            return None
        end = _name_tokens(s, b, "after", False)
    if end <= b and form != "alone":
        return None
    return end


def _named_and_short(s: str, taken: list[tuple[int, int]]) -> list[_M]:
    out = []
    starts = [x for x, _ in taken]
    for m in _tw_iter(s):
        a, b = m.start(), m.end()
        k = bisect.bisect_right(starts, a) - 1
        if k >= 0 and taken[k][0] <= a < taken[k][1]:
            continue
        tw = m.group("tw")
        dtype = _WORD2TYPE.get(" ".join(tw.casefold().split()))
        if not dtype:
            continue
        caps = tw.isupper()
        sh = _SHORT_RE.match(s, b)
        if sh:
            n = sh.group("n")
            mm = _M(a, sh.end(), "short", doc_type=dtype, number=n)
            mm.extra["unit_after"] = bool(_UNIT_AFTER_RE.match(s, sh.end()))
            _extend_right(s, mm)
            out.append(mm)
            continue
        specs = _NAMED.get(dtype)
        if not specs or caps:
            continue
        am = _AMEND_RE.match(s, b) if dtype in _AMEND_TYPES else None
        if am:
            # "Luật sửa đổi, bổ sung một số điều của Luật A và Luật B ngày …": one mention
            end, pos = None, am.end()
            while True:
                inner = _TW_RE.match(s, pos)
                if not inner or _WORD2TYPE.get(" ".join(inner.group("tw").casefold().split())) not in _AMEND_TYPES:
                    break
                idt = _WORD2TYPE.get(" ".join(inner.group("tw").casefold().split()))
                e = _known_end(s, inner.end(), idt, _name_tokens(s, inner.end(), "name", False))
                if e <= inner.end():
                    break
                end = e
                j = _AMEND_JOIN_RE.match(s, end)
                if not j:
                    break
                pos = j.end()
            if end is None or _not_yet(s, a):
                continue
            mm = _M(a, end, "named", doc_type=dtype)
            d = _DATE_AFTER_RE.match(s, end)
            y = None if d else _YEAR_AFTER_RE.match(s, end)
            if d:
                mm.date, mm.end = _date_of(d), d.end()
                mm.year = int(mm.date[:4]) if mm.date else None
            elif y:
                mm.end, mm.year = y.end(), int(y.group("y"))
            out.append(mm)
            continue
        spec, end = None, b
        for cand in specs:
            e = _named_end(s, a, b, cand)
            if e is not None:
                spec, end = cand, e
                break
        if spec is None:
            continue
        form = spec["form"]
        if end <= b and form != "alone":
            continue
        if _not_yet(s, a):
            continue
        if form == "name":
            end = _known_end(s, b, dtype, end)
        while s.startswith(",", end):
            nxt = [t.casefold() for t, _, _ in _tokens_from(s, end + 1, 3)]
            if not any(tuple(nxt[:len(j)]) == j for j in _COMMA_JOINS):
                break
            end2 = _name_tokens(s, end + 1, form, False)
            if end2 <= end + 1:
                break
            end = end2
        mm = _M(a, end, "named", doc_type=dtype)
        mm.extra["weak"] = bool(spec.get("weak"))
        # "ngày 13 tháng 11 năm 2008" / "năm 2023" after the name; a comma may
        # split a name that a date closes ("Luật Cán bộ, công chức ngày …")
        d = _DATE_AFTER_RE.match(s, end)
        if not d and s.startswith(",", end):
            toks = _tokens_from(s, end + 1, 5)
            e2 = end + 1
            for i, (t, st, e) in enumerate(toks):
                if not t[:1].islower() or _stop_at([x for x, _, _ in toks], i, _NAME_STOPS, False):
                    break
                e2 = e
                d2 = _DATE_AFTER_RE.match(s, e2)
                if d2:
                    d = d2
                    break
        if d:
            mm.date, mm.end = _date_of(d), d.end()
            mm.year = int(mm.date[:4]) if mm.date else None
        else:
            y = _YEAR_AFTER_RE.match(s, end)
            if y:
                mm.end, mm.year = y.end(), int(y.group("y"))
        iss = _issuer_after(s, mm.end)
        if iss:
            mm.issuer, mm.end = iss
        out.append(mm)
    return out


def _phrase_mentions(s: str, fulls: list[_M]) -> list[_M]:
    """``Tờ trình của X về … (Tờ trình số …)``: the phrase carries the bracketed symbol."""
    out = []
    keys: dict[tuple[str, str], _M] = {}
    for f in fulls:
        j = f.start - 1
        while j >= 0 and s[j] in " \t":
            j -= 1
        if j < 0 or s[j] != "(" or not f.doc_type:
            continue
        seg_start = max(0, f.start - 600)
        seg = s[seg_start:j]
        cut = max(seg.rfind(". "), seg.rfind("\n"), seg.rfind(";"))
        seg0 = seg_start + cut + 1
        best = None
        for m in _tw_iter(s, seg0, j):
            dtype = _WORD2TYPE.get(" ".join(m.group("tw").casefold().split()))
            if dtype != f.doc_type:
                continue
            iss = _issuer_after(s, m.end())
            if iss and s[m.end():].lstrip(" \t").casefold().startswith("của"):
                best = (m.start(), iss)
                break
        if not best:
            continue
        a, (issuer, end) = best
        p = _M(a, end, "phrase", doc_type=f.doc_type, symbol=f.symbol, number=f.number, issuer=issuer,
               year=f.year)
        out.append(p)
        keys[(f.doc_type, " ".join(issuer.casefold().split()))] = p
    if keys:
        for m in _tw_iter(s):
            dtype = _WORD2TYPE.get(" ".join(m.group("tw").casefold().split()))
            if not dtype:
                continue
            iss = _issuer_after(s, m.end())
            if not iss:
                continue
            src = keys.get((dtype, " ".join(iss[0].casefold().split())))
            if src and m.start() != src.start and not s[m.end():iss[1]].lstrip().casefold().startswith("số"):
                out.append(_M(m.start(), iss[1], "phrase", doc_type=dtype, symbol=src.symbol, number=src.number,
                              issuer=iss[0], year=src.year))
    return out


_TYPE_ANCHORS: dict[str, Optional[tuple[tuple[str, ...], tuple[str, ...]]]] = {}


def _type_anchors(words_of_type: list[str], doc_type: str):
    """(the first words of ``words_of_type`` lower-cased, the characters that re.I would also
    match to one of their letters): every match of a case-insensitive alternation of these
    type words starts where the lower-cased text holds one of the first words, unless the
    lower-cased text holds one of those characters.  None when a letter lower-cases to more
    than one character or this Python's re tables are not at hand."""
    if doc_type in _TYPE_ANCHORS:
        return _TYPE_ANCHORS[doc_type]
    out = None
    firsts = {w.split()[0].lower() for w in words_of_type if w.split()}
    chars = {c for f in firsts for c in f}
    extra = ignorecase_extras(chars)
    if extra is not None and firsts and all(len(c) == 1 and len(c.lower()) == 1 and c != "İ" for c in chars) \
            and all(w.split() for w in words_of_type):
        out = (tuple(sorted(firsts)), tuple(sorted(extra)))
    _TYPE_ANCHORS[doc_type] = out
    return out


def _titled_mentions(s: str, fulls: list[_M]) -> list[_M]:
    """A cited document named again by type word + its title."""
    out = []
    seen = set()
    low = None
    for f in fulls:
        if not f.title or not f.doc_type or f.title.casefold().startswith(("về", "v/v")):
            continue
        words = f.title.split()
        if len(words) < 4:
            continue
        words_of_type = [w for w, t in _WORD2TYPE.items() if t == f.doc_type]
        key = (f.doc_type, " ".join(w.casefold() for w in words))
        if key in seen:
            continue
        seen.add(key)
        if low is None:
            low = s.lower()
        probe = " ".join(words[:2]).lower()
        first = low.find(probe)
        if first < 0 or low.find(probe, first + 1) < 0:
            continue  # the title occurs only where it is given
        rx = re.compile(r"(?<!\w)(?:" + _alt(words_of_type) + r")\s+" + r"\s+".join(map(re.escape, words)) +
                        r"(?!\w)", re.I)
        anchors = _type_anchors(words_of_type, f.doc_type)
        if anchors is not None and len(low) == len(s) and "İ" not in s and not any(c in low for c in anchors[1]):
            # what rx.finditer finds, tried only where a type word starts: a match starts with
            # one, and every letter of it lower-cases to the letter of the word (``anchors``)
            found = finditer_at(rx, s, starts_of(low, anchors[0]))
        else:
            found = rx.finditer(s)
        for m in found:
            out.append(_M(m.start(), m.end(), "titled", doc_type=f.doc_type, symbol=f.symbol, number=f.number,
                          year=f.year))
    return out


def _aliases(s: str, mentions: list[_M]) -> tuple[dict[str, _M], list[tuple[int, int]]]:
    amap, spans = {}, []
    for m in _ALIAS_RE.finditer(s):
        spans.append((m.start(), m.end()))
        prev = [x for x in mentions if x.end <= m.start() and x.kind == "full"]
        if prev and m.start() - prev[-1].end < 400:
            amap[" ".join(m.group("a").casefold().split())] = prev[-1]
    return amap, spans


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _own_symbols(s: str, parsed, fulls: list[_M]) -> set[str]:
    own = set()
    doc = getattr(parsed, "document", None) if parsed is not None else None
    if doc is not None and getattr(doc, "symbol", None):
        own.add(_symkey(doc.symbol))
        canon = canonical_symbol(doc.symbol, getattr(doc, "doc_type", None))
        if canon:
            own.add(_symkey(canon))
        return own
    # fallback: the "Số: …" line of the header
    head_end = getattr(parsed, "header_end", 0) or 0
    limit = max(head_end, min(len(s), 1500))
    for f in fulls:
        if f.sym_start > limit:
            break
        ls = s.rfind("\n", 0, f.sym_start) + 1
        if _OWN_LINE_RE.match(s, ls) and s[ls:f.sym_start].strip(" \t*:").casefold() in ("số", ""):
            own.add(_symkey(f.symbol))
            return own
    # a news report: "… vừa ban hành Chỉ thị số 35-CT/TU …" early in the text
    if parsed is not None and not getattr(parsed, "is_report", False):
        return own
    for f in fulls:
        if f.start > min(len(s) // 3, 1500):
            break
        if _REPORT_ISSUE_RE.search(s, max(0, f.start - 30), f.start):
            own.add(_symkey(f.symbol))
            break
    return own


def _same_number(a: Optional[str], b: Optional[str]) -> bool:
    """"05" and "5" are the same number; "30c" and "30" are not."""
    return bool(a and b) and a.lstrip("0") == b.lstrip("0")


def _nospace(s: str) -> str:
    return re.sub(r"\s+", "", s.translate(_MAP))


def _symkey(sym: Optional[str]) -> Optional[str]:
    if not sym:
        return None
    return re.sub(r"\s+", "", sym.translate(_MAP)).casefold()


# ---------------------------------------------------------------------------
# relations
# ---------------------------------------------------------------------------

def _sentence_start(s: str, pos: int) -> int:
    lo = max(0, pos - 600)
    last = lo
    for m in _SENT_END_RE.finditer(s, lo, pos):
        last = m.end()
    return last


def _preamble_end(parsed, n: int) -> int:
    """Where the document's own preamble ("Căn cứ …" lines) ends: its first numbered section."""
    ends = [getattr(x, "start", n) for x in (getattr(parsed, "sections", None) or [])
            if getattr(x, "kind", "dash") not in ("dash", "plus", "bullet")]
    return min(ends) if ends else n


def _relation(s: str, m: _M, prev: Optional[_M], prev_rel: Optional[str], header_end: int,
              preamble_end: int) -> str:
    ls = s.rfind("\n", 0, m.start) + 1
    sent0 = _sentence_start(s, m.start)
    line_start = max(ls, sent0)
    based_line = m.start < preamble_end and \
        bool(_BASED_ON_LINE_RE.match(s[line_start:m.start].lstrip(" \t-–•*")))
    if prev is not None and prev.end >= sent0:
        gap0 = max(sent0, prev.end, prev.title_end if prev.title_end <= m.start else -1)
    else:
        gap0 = sent0
    gap = _ALIAS_RE.sub(lambda a: " " * len(a.group()), s[gap0:m.start])
    cues = list(_CUE_RE.finditer(gap))
    if based_line and cues and _PASSIVE_AMEND_RE.search(gap):
        return "based_on"  # "Căn cứ Luật A … đã được sửa đổi, bổ sung … theo Luật số …"
    if not cues:
        if based_line:
            return "based_on"
        if prev is not None and prev.end >= sent0 and prev_rel:
            return prev_rel
        return "cites"
    # nearest cue; at the same end the longest
    c = max(cues, key=lambda x: (x.end(), x.end() - x.start()))
    rel = _CUE_REL.get(" ".join(c.group("c").casefold().split()), "cites")
    # "Thực hiện chỉ đạo của Thủ tướng tại Công văn số …": the place of what is carried out
    first = cues[0]
    if rel == "cites" and c.group("c").casefold() in _WHERE and \
            _CUE_REL.get(" ".join(first.group("c").casefold().split())) == "implements" and \
            not gap[:first.start()].strip(" \t-–•*0123456789.)") and \
            all(x.group("c").casefold() in _WHERE or x is first for x in cues if x.start() >= first.start()) and \
            len(_WORD_RE.findall(gap[first.end():c.start()])) <= 12:
        return "based_on" if based_line else "implements"
    if based_line and gap0 + c.start() <= line_start + 8:
        return "based_on"
    if based_line and (prev is None or prev.end < line_start) and c.group("c").casefold() in _BASIS_WHERE:
        return "based_on"  # "Căn cứ chức năng, nhiệm vụ được giao tại Quyết định số …"
    between = len(_WORD_RE.findall(gap[c.end():]))
    if rel == "implements":
        if between > _MAX_GAP:
            return "cites"
        if prev is not None and prev.end <= gap0 + c.start() < prev.title_end and \
                " ".join(c.group("c").casefold().split()) in _OTHER_TITLE:
            return "cites"
        bw = _WORD_RE.findall(gap[:c.start()])[-4:]
        if bw and _ASSESS_RE.search(" ".join(bw)):
            return "cites"
        return "implements"
    if rel in ("replaces", "amends", "repeals"):
        if between > 3:
            return "cites"
        if based_line and rel == "amends" and prev is not None and prev.end >= line_start and \
                not gap[:c.start()].strip():
            return "based_on"  # "Căn cứ …; Luật số 43/2024/QH15 sửa đổi, bổ sung một số điều của Luật A …"
        head = s[sent0:gap0 + c.start()]
        if m.start < header_end or _SELF_RE.search(head) or re.match(r"\s*(?:\d+[.)]\s*)?$", head) or \
                _SELF_ISSUE_RE.search(head):
            return rel
        return "cites"
    return "cites"  # a cites cue, or "căn cứ" inside a sentence


# ---------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------

def find_references(text: str, parsed=None) -> list[Reference]:
    """Every mention of another document in ``text``, in text order.

    ``parsed`` (pipeline.parse.Parsed) gives ``header_end`` and the
    document's own symbol; it may be None.
    """
    s = _normalise(text)
    header_end = getattr(parsed, "header_end", 0) or 0 if parsed is not None else 0
    fulls = _full_mentions(s)
    own = _own_symbols(s, parsed, fulls)
    all_fulls = fulls
    fulls = [f for f in fulls if _symkey(f.symbol) not in own]
    taken = [(f.start, f.end) for f in all_fulls]
    amap, alias_spans = _aliases(s, all_fulls)
    # "(sau đây gọi là Nghị quyết số 57-NQ/TW)": an alias being defined is no reference
    if alias_spans:
        fulls = [f for f in fulls if not _inside(f.start, alias_spans)]
    others = _named_and_short(s, taken)
    phrases = _phrase_mentions(s, fulls)
    titled = _titled_mentions(s, fulls)

    # short forms: through an alias, else a full mention of the same type and number
    shorts = []
    for m in others:
        if any(a <= m.start < b for a, b in alias_spans):
            continue
        if m.kind != "short":
            shorts.append(m)
            continue
        key = " ".join(s[m.start:m.start + len(s[m.start:m.end].split(" của")[0])].casefold().split())
        src = amap.get(key)
        if src is None:
            same = [f for f in all_fulls if f.doc_type == m.doc_type and _same_number(f.number, m.number)]
            if same:
                before = [f for f in same if f.start < m.start]
                src = before[-1] if before else same[0]
        if src is None:
            # "Kết luận số 187, 188-KL/TW": the list shares the symbol of its last member
            nxt = next((f for f in fulls if m.end <= f.start <= m.end + 12 and not f.extra.get("has_word")), None)
            if nxt is not None and _SHORT_LIST_GAP_RE.fullmatch(s, m.end, nxt.start) and \
                    nxt.symbol.startswith(nxt.number):
                m.symbol = m.number + nxt.symbol[len(nxt.number):]
        if src is not None:
            m.symbol, m.year = src.symbol, src.year
        elif not m.symbol:
            doc = getattr(parsed, "document", None)
            if doc is not None and getattr(doc, "doc_type", None) == m.doc_type and \
                    _same_number(getattr(doc, "number", None), m.number):
                continue  # the document itself ("Chỉ thị 35" in a report on Chỉ thị 35-CT/TU)
            if m.extra.get("unit_after") or re.fullmatch(r"(?:19|20)\d\d", m.number or ""):
                continue
            if m.doc_type not in _SHORT_TYPES:
                continue
        shorts.append(m)

    # "Luật Bầu cử … số 85/2015/QH13": the name and its number are one mention
    loose = [f for f in fulls if not f.extra.get("has_word") and f.start < f.sym_start]
    merged = []
    for m in shorts:
        if m.kind == "named":
            f = next((f for f in loose if m.end < f.start <= m.end + 80), None)
            gap = s[m.end:f.start] if f is not None else ""
            if f is not None and not re.search(r"\n\s*\n|[,;.()]", gap) and not _TW_RE.search(gap):
                f.start, f.doc_type = m.start, m.doc_type
                f.extra["has_word"] = True
                continue
        merged.append(m)
    shorts = merged
    # "Luật Đất đai (Luật số 31/2024/QH15)": the name carries the bracketed symbol
    for m in shorts:
        if m.kind == "named" and not m.symbol:
            f = next((f for f in fulls if m.end < f.start <= m.end + 4), None)
            if f is not None and f.doc_type == m.doc_type and re.fullmatch(r"\s*\(\s*", s[m.end:f.start]):
                m.symbol, m.number, m.year = f.symbol, f.number, m.year or f.year
    # later uses of an alias that is not a type word + number ("(gọi tắt là NQ57)" … "NQ57")
    for alias, src in amap.items():
        if not re.search(r"\d", alias) or _TW_RE.match(alias[:1].upper() + alias[1:]):
            continue
        rx = re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, alias.split())) + r"(?!\w)", re.I)
        for a in rx.finditer(s, src.end):
            if any(x <= a.start() < y for x, y in alias_spans):
                continue
            shorts.append(_M(a.start(), a.end(), "short", doc_type=src.doc_type, symbol=src.symbol,
                             number=src.number, year=src.year))
    allm = [m for m in fulls + phrases + titled + shorts if _symkey(m.symbol) not in own or m.symbol is None]
    # overlaps: keep the fuller form
    allm.sort(key=lambda m: (_PRIORITY[m.kind], -(m.end - m.start), m.start))
    kept: list[_M] = []
    for m in allm:
        if any(m.start < k.end and k.start < m.end for k in kept):
            continue
        kept.append(m)
    kept.sort(key=lambda m: m.start)
    # weak names count only inside a list of references
    ok = []
    for i, m in enumerate(kept):
        if m.extra.get("weak"):
            prev_m = kept[i - 1] if i > 0 else None
            next_m = kept[i + 1] if i + 1 < len(kept) else None
            linked = False
            if prev_m is not None and not prev_m.extra.get("weak"):
                p_end = prev_m.title_end if prev_m.end <= prev_m.title_end <= m.start else prev_m.end
                linked = bool(_LIST_GAP_RE.fullmatch(s, p_end, m.start)) or \
                    bool(_LIST_GAP_RE.fullmatch(s, prev_m.end, m.start))
            if not linked and next_m is not None and not next_m.extra.get("weak"):
                linked = bool(_LIST_GAP_RE.fullmatch(s, m.end, next_m.start))
            if not linked:
                continue
        ok.append(m)
    kept = ok

    refs = []
    prev, prev_rel = None, None
    preamble_end = _preamble_end(parsed, len(s)) if parsed is not None else len(s)
    for m in kept:
        rel = _relation(s, m, prev, prev_rel, header_end, preamble_end)
        refs.append(Reference(text=text[m.start:m.end], start=m.start, end=m.end, doc_type=m.doc_type,
                              symbol=m.symbol, number=m.number, date=m.date, issuer=m.issuer, relation=rel,
                              title=m.title, year=m.year))
        prev, prev_rel = m, rel
    return refs


def canonical_symbol(raw: str, type_word: Optional[str] = None) -> Optional[str]:
    """The canonical form of one symbol as written (``"02- NQ/ĐUK"`` → ``"02-NQ/ĐUK"``), or None."""
    probe = (type_word + " số " if type_word else "") + raw
    ms = _full_mentions(probe.translate(_MAP))
    return ms[0].symbol if ms else None


def parse_symbol(symbol: str) -> Optional[dict]:
    """Parts of a symbol: number, year, type code, issuer code, unit, sector, scheme; None if no scheme fits."""
    s = symbol.translate(_MAP).strip()
    m = _SYM_RE.fullmatch(s)
    if not m:
        m = _SYM_RE.search(s)
        if not m:
            return None
    k = next(i for i in range(len(_SCHEMES)) if m.group(f"s{i}") is not None)
    g = {name.rsplit("_", 1)[0]: v for name, v in m.groupdict().items() if v is not None and name.endswith(f"_{k}")}
    info = issuer_info(g["issuer"])
    return {
        "scheme": _SCHEMES[k]["name"],
        "number": g["number"],
        "year": int(g["year"]) if g.get("year") else None,
        "type": g.get("type"),
        "issuer": _canon_issuer(g["issuer"]),
        "unit": g.get("unit"),
        "sector": info["sector"] if info else _SCHEMES[k]["sector"],
        "level": info["level"] if info else None,
    }
