"""Identity of cited documents: inside one document, and across the corpus.

API (what the database code calls)
----------------------------------

``identity_key(ref_or_document, context=None) -> str``
    The corpus-wide identity of a cited document (a
    :class:`~pipeline.records.Reference`) or of a document itself (a
    :class:`~pipeline.records.Document`; then ``context`` is its text or
    ``None``).  For a reference, ``context`` is the *citing* document (a
    ``Document``), or its locality as a string (see :func:`locality`), or
    ``None``.

``document_key(document, symbol=None, text=None) -> str``
    The key of a document under its own symbol.  It equals the key that
    :func:`identity_key` gives to citations of that document, so a document
    ingested after the documents that cite it links to the placeholder
    identity those citations created.

``loose_key(key) -> str``
    The key without its year.  A citation that gives no year ("Kết luận số
    77-KL/TW") has a key without a year; link it to the one stored key with
    the same ``loose_key`` if there is exactly one, else keep it apart.

``locality(document, text=None) -> str | None``
    Where a document was issued: a province slug (``"nghe-an"``) or
    ``"province/district"`` (``"nghe-an/hung-nguyen"``, ``"?/hung-nguyen"``
    when the province is not stated), from the document's issuer, its header
    (``text`` before the body, when given) and its place line ("Vinh, ngày …"
    is Nghệ An, through ``data/issuers.toml`` ``[[province]]``).

``record_keys(record) -> (own_key | None, [reference keys])``
    Both of the above for one extracted :class:`~pipeline.records.Record`.

``resolve_in_document(refs) -> list[Reference]``
    Fill the symbol of short forms ("Nghị quyết 57") from a full mention of
    the same type and number in the same list.  ``find_references`` already
    does this (and aliases "(sau đây gọi là …)"); this is for callers that
    assemble references themselves.

Key format
----------

``sym:<symbol>[@<locality>][#<year>]`` for a document with a symbol: the
canonical symbol case-folded; ``@locality`` only when the issuer code is
local (``level`` below ``central`` in ``data/issuers.toml``: TU, HU, UBND,
ĐUK, ĐU, Sở …), since "05-NQ/TU" of Nghệ An and of Quảng Trị are two
documents (a ``ĐU`` whose issuer is written as a central body, "Đảng uỷ
Chính phủ", stays central); ``#year`` from the symbol's year part, else the
cited date, because state numbering restarts each year and party numbering
each term.

``@?`` marks a local code whose place nothing states (neither the citing
document nor the issuer as written): such keys are not safe to merge across
documents, and a caller may prefer to keep them per citing document.

``name:<type>:<name>[@<locality>][#<year>]`` for a document cited by name
only ("Luật Tài nguyên nước năm 2023" → ``name:luat:tai-nguyen-nuoc#2023``;
"Nghị quyết Đại hội X của Đảng bộ tỉnh" → qualified by locality).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional, Union

from pipeline.data import load
from pipeline.find.references import issuer_info, parse_symbol
from pipeline.records import Document, Reference

_I = load("issuers")
_CENTRAL = [w.casefold() for w in _I.get("central_markers", {}).get("words", [])]


def slug(s: str) -> str:
    """Diacritic-free, lower-case, dash-joined form ("Đắk Nông" → "dak-nong")."""
    s = unicodedata.normalize("NFD", s.replace("Đ", "D").replace("đ", "d").replace("Ð", "D"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


# province slugs: name and every other spelling / seat -> canonical slug
_PROV: dict[str, str] = {}
for _p in _I.get("province", []):
    _canon = slug(_p["name"])
    _PROV[_canon] = _canon
    for _a in _p.get("also", []):
        _PROV.setdefault(slug(_a), _canon)
_SEATS = {slug(a): slug(p["name"]) for p in _I.get("province", []) for a in p.get("seat", [])}
_PROV_RE = re.compile(r"(?<![a-z0-9])(" + "|".join(sorted(map(re.escape, _PROV), key=len, reverse=True)) +
                      r")(?![a-z0-9])")
# "huyện X", "HUYỆN ỦY X", "quận X", "thị xã X", "thành phố X" (a city that is not a province)
_DISTRICT_RE = re.compile(
    r"(?i:huyện|quận|thị xã|thành phố|tp\.?)(?:\s+(?i:ủy|uỷ))?\s+"
    r"((?:[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ][\w]*[ \t]*){1,4})")
_PROVINCE_WORD_RE = re.compile(r"(?i:tỉnh|thành phố|tp\.?)(?:\s+(?i:ủy|uỷ))?\s+(\S+(?:[ \t]+\S+){0,3})")


def _province_in(s: Optional[str]) -> Optional[str]:
    if not s:
        return None
    m = _PROV_RE.search(slug(s))
    if not m:
        return None
    return _PROV[m.group(1)]


def _district_in(s: Optional[str]) -> Optional[str]:
    if not s:
        return None
    for m in _DISTRICT_RE.finditer(s):
        name = slug(m.group(1))
        if name and name not in _PROV:
            return name
    return None


_NAMED_PROV_RE = re.compile(r"(?:tinh|thanh-pho|tp)-(" + "|".join(sorted(map(re.escape, _PROV), key=len, reverse=True)) +
                            r")(?![a-z0-9])")


def _most_named_province(text: str) -> Optional[str]:
    """The province a text names most ("tỉnh Nghệ An", "thành phố Hà Nội"), or None."""
    counts: dict[str, int] = {}
    for m in _NAMED_PROV_RE.finditer(slug(text)):
        p = _PROV[m.group(1)]
        counts[p] = counts.get(p, 0) + 1
    if not counts:
        return None
    best = max(counts.values())
    tops = [p for p, n in counts.items() if n == best]
    return tops[0] if len(tops) == 1 else None


def locality(document: Optional[Document], text: Optional[str] = None) -> Optional[str]:
    """Province slug, or "province/district", of a document; None when nothing says."""
    if document is None and not text:
        return None
    issuer = getattr(document, "issuer", None) if document is not None else None
    place = getattr(document, "place", None) if document is not None else None
    head = text[:1200] if text else None
    prov = None
    for src in (issuer, head):
        prov = _province_in(src)
        if prov:
            break
    if not prov and place:
        ps = slug(place.split(",")[0])
        prov = _PROV.get(ps) or _SEATS.get(ps)
    if not prov and text:
        prov = _most_named_province(text)
    district = _district_in(issuer) or _district_in(head)
    if district and prov and district == prov:
        district = None
    if district:
        return f"{prov or '?'}/{district}"
    return prov


def _context_locality(context) -> Optional[str]:
    if context is None:
        return None
    if isinstance(context, str):
        return context
    if isinstance(context, dict):
        return context.get("locality")
    if isinstance(context, Document):
        return locality(context)
    return None


def _level(code_issuer: Optional[str], issuer_text: Optional[str]) -> str:
    info = issuer_info(code_issuer) if code_issuer else None
    level = info["level"] if info else "central"
    if level != "central" and issuer_text:
        low = issuer_text.casefold()
        if any(w in low for w in _CENTRAL):
            return "central"
    return level


def _qualify(level: str, issuer_text: Optional[str], ctx_loc: Optional[str]) -> Optional[str]:
    if level == "central":
        return None
    own = None
    if issuer_text:
        p = _province_in(issuer_text)
        d = _district_in(issuer_text)
        if p or d:
            own = f"{p or '?'}/{d}" if d else p
    loc = own or ctx_loc
    if not loc:
        return "?"
    if level == "province":
        return loc.split("/")[0]
    return loc


def _sym_key(symbol: str, year: Optional[int], issuer_text: Optional[str], ctx_loc: Optional[str]) -> str:
    parts = parse_symbol(symbol)
    canon = re.sub(r"\s+", "", symbol).casefold()
    key = "sym:" + canon
    if parts:
        if parts.get("year"):
            year = parts["year"]
        loc = _qualify(_level(parts["issuer"], issuer_text), issuer_text, ctx_loc)
        if loc:
            key += "@" + loc
    if year:
        key += f"#{year}"
    return key


# Where a cited name stops: its date, its number, or "của" + the issuing body ("Luật … của Quốc hội").
# "một số điều của Luật X" is part of the name.
_NAME_CUT_RE = re.compile(
    r"\s+(?:ngày\s+\d|năm\s+\d{4}|số\s+\d|của\s+(?:Quốc hội|Chính phủ|Thủ tướng|Bộ|Ban|Ủy ban|Uỷ ban|UBND|"
    r"HĐND|Hội đồng|Tỉnh ủy|Tỉnh uỷ|Huyện ủy|Huyện uỷ|Đảng ủy|Đảng uỷ|Văn phòng)\b).*$",
    re.S,
)


def _name_key(ref: Reference, ctx_loc: Optional[str]) -> str:
    dtype = slug(ref.doc_type or "")
    text = " ".join(ref.text.split())
    if ref.doc_type and text.casefold().startswith(ref.doc_type.casefold()):
        text = text[len(ref.doc_type):]
    name = slug(_NAME_CUT_RE.sub("", text))
    key = f"name:{dtype}:{name}"
    local = bool(ref.issuer and re.search(r"(?i)tỉnh|huyện|xã|thành phố|tỉnh ủy|huyện ủy", ref.issuer)) or \
        bool(re.search(r"(?i)\bđảng bộ\b|tỉnh|huyện", text))
    if local:
        key += "@" + (_qualify("province", ref.issuer, ctx_loc) or "?")
    year = ref.year or (int(ref.date[:4]) if ref.date else None)
    if year:
        key += f"#{year}"
    return key


def identity_key(ref_or_document: Union[Reference, Document], context=None) -> str:
    """Corpus-wide identity of a cited document (or of a document: see :func:`document_key`)."""
    if isinstance(ref_or_document, Document):
        return document_key(ref_or_document, text=context if isinstance(context, str) else None)
    ref = ref_or_document
    ctx_loc = _context_locality(context)
    if ref.symbol:
        year = ref.year or (int(ref.date[:4]) if ref.date else None)
        return _sym_key(ref.symbol, year, ref.issuer, ctx_loc)
    return _name_key(ref, ctx_loc)


def document_key(document: Document, symbol: Optional[str] = None, text: Optional[str] = None) -> str:
    """Key of ``document`` under its own ``symbol`` (default ``document.symbol``)."""
    symbol = symbol or document.symbol
    loc = locality(document, text)
    year = int(document.issued_date[:4]) if document.issued_date else None
    if symbol:
        return _sym_key(symbol, year, document.issuer, loc)
    title = re.sub(r"(?i)^(?:về\s+)?", "", " ".join((document.title or "").split()))
    name = slug(_NAME_CUT_RE.sub("", title))  # the same name a citation of it would give
    key = f"name:{slug(document.doc_type or '')}:{name}"
    if year:
        key += f"#{year}"
    return key


def loose_key(key: str) -> str:
    """``key`` without its ``#year``."""
    return key.split("#", 1)[0]


def keys_match(a: str, b: str) -> bool:
    """Same document: equal keys, or equal loose keys when one of them has no year."""
    if a == b:
        return True
    if ("#" in a) and ("#" in b):
        return False
    return loose_key(a) == loose_key(b)


def record_keys(record) -> tuple[str, list[str]]:
    """(key of the record's own document, keys of its references in order) for a
    :class:`~pipeline.records.Record`; the citing document's locality comes from its
    header fields and its text.  A news report's ``document`` is the directive it reports."""
    loc = locality(record.document, record.text)
    own = document_key(record.document, text=record.text) if record.document.symbol else None
    return own, [identity_key(r, loc) for r in record.references]


def resolve_in_document(refs: list[Reference]) -> list[Reference]:
    """Give short forms (number, no symbol) the symbol of a full mention of the same type and number."""
    full = [r for r in refs if r.symbol]
    for i, r in enumerate(refs):
        if r.symbol or not r.number:
            continue
        same = [f for f in full if f.doc_type == r.doc_type and (f.number or "").lstrip("0") == r.number.lstrip("0")]
        if not same:
            continue
        before = [f for f in same if f.start < r.start]
        src = before[-1] if before else same[0]
        r.symbol = src.symbol
        r.year = r.year or src.year
    return refs
