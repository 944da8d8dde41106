"""Legacy 8-bit Vietnamese font encodings: TCVN3 (ABC, .VnTime) and VNI (VNI-Times).

Text typed in those fonts is stored as single bytes that a Unicode reader shows
as cp1252 / latin-1 characters ("Céng hßa" for "Cộng hòa" in TCVN3,
"Coäng hoøa" in VNI).  The mapping tables are data
(``pipeline/data/legacy_tcvn3.toml``, ``legacy_vni.toml``).

API:
    decode(text_or_bytes, "tcvn3" | "vni") -> str      # to Unicode NFC
    encode(text, "tcvn3" | "vni") -> bytes            # for fixtures and samples
    vietnamese_score(text) -> float                    # how Vietnamese a decoding looks
    detect(text) -> "tcvn3" | "vni" | None             # a Unicode text holding legacy mojibake
    repair_lines(text) -> (text, n)                    # only some lines are mojibake
    font_scheme(font_name) -> (scheme, upper_case)     # ".VnTimeH" -> ("tcvn3", True)

TCVN3 has codes for the lower-case toned vowels only; the .VnTimeH font shows
them as capitals.  Without the font, case is restored from context (an
upper-case word or line, a sentence or list-item start, data-listed phrases
such as "Ủy ban nhân dân"); on the shared corpus 65 of 929,497 characters keep
the wrong case.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from pipeline import data

SCHEMES = ("tcvn3", "vni")


# ---------------------------------------------------------------- char <-> byte
def _to_byte_char(ch: str) -> int | None:
    """The byte that a cp1252 / latin-1 reader turned into ``ch``."""
    o = ord(ch)
    if o < 0x100:
        return o
    try:
        return ch.encode("cp1252")[0]
    except UnicodeEncodeError:
        return None


def _as_text(src) -> str:
    """Bytes are read as latin-1 (one char per byte, byte value = code point)."""
    if isinstance(src, (bytes, bytearray)):
        return bytes(src).decode("latin-1")
    # a Unicode text: fold cp1252's 0x80-0x9F characters back to their byte values
    return "".join(chr(b) if (o := ord(c)) >= 0x100 and (b := _to_byte_char(c)) is not None else c
                   for c in src)


# ---------------------------------------------------------------- tables
def font_scheme(font_name: str | None) -> tuple[str | None, bool]:
    """(scheme, upper-case font) for a font name: ".VnTime" -> ("tcvn3", False),
    ".VnTimeH" -> ("tcvn3", True), "VNI-Times" -> ("vni", False)."""
    if not font_name:
        return None, False
    name = font_name.strip().lower()
    for scheme in SCHEMES:
        fonts = data.load(f"legacy_{scheme}").get("fonts", {})
        if any(name.startswith(p) for p in fonts.get("prefixes", [])):
            suffix = fonts.get("upper_suffix")
            return scheme, bool(suffix) and name.endswith(suffix)
    return None, False


@functools.lru_cache(maxsize=None)
def _tcvn3():
    table = {chr(int(k, 16)): v for k, v in data.load("legacy_tcvn3")["tcvn3"].items()}
    inverse = {v: k for k, v in table.items()}
    return table, inverse


@functools.lru_cache(maxsize=None)
def _vni():
    enc = dict(data.load("legacy_vni")["vni"])
    dec = {v: k for k, v in enc.items()}
    # longest spelling first, so "ôù" (ớ) wins over "ô" (ơ)
    keys = sorted(dec, key=len, reverse=True)
    rx = re.compile("|".join(re.escape(k) for k in keys))
    return enc, dec, rx


# ---------------------------------------------------------------- TCVN3
def _decode_tcvn3(text: str, restore_case: bool = True) -> str:
    table, _ = _tcvn3()
    ambiguous = _ambiguous_lower()
    out = []
    shared = []  # positions of lower-case letters whose code also stands for the capital
    for ch in text:
        u = table.get(ch)
        if u is None:
            out.append(ch)
        else:
            if u in ambiguous:
                shared.append(len(out))
            out.append(u)
    if shared and restore_case:
        _restore_case(out, set(shared))
    s = "".join(out)
    if restore_case:
        s = _capitalise_phrases(s)
    return s


@functools.lru_cache(maxsize=None)
def _ambiguous_lower() -> frozenset:
    """Lower-case letters with a TCVN3 code whose capital has none (the toned
    vowels): in .VnTimeH text the same code is the capital."""
    table, inverse = _tcvn3()
    return frozenset(u for u in table.values() if u.islower() and u.upper() not in inverse)


def _capitalise_phrases(s: str) -> str:
    case = data.load("legacy_tcvn3").get("case", {})
    for phrase in case.get("capitalise", []):
        if phrase in s:
            s = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", phrase[0].upper() + phrase[1:], s)
    # "ủy ban" is "Ủy ban" unless "ủy" closes a compound ("Tỉnh ủy ban hành")
    compounds = set(case.get("compound_before", []))

    def fix(m, cap, need_capital_after):
        before = s[max(0, m.start() - 25):m.start()]
        pm = re.search(r"(\w+)( ?)$", before)
        if pm and pm.group(2) == " " and pm.group(1).lower() in compounds:
            return m.group(0)
        if need_capital_after and not re.match(r" [^\W\d_]", s[m.end():m.end() + 2]) or \
                need_capital_after and not s[m.end() + 1:m.end() + 2].isupper():
            return m.group(0)
        return cap

    for key, need in (("capitalise_unless_compound", False), ("capitalise_before_capital", True)):
        for phrase in case.get(key, []):
            cap = phrase[0].upper() + phrase[1:]
            s = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", lambda m: fix(m, cap, need), s)
    return s


_WORD = re.compile(r"[^\W\d_]+")


def _restore_case(chars: list, shared: set) -> None:
    """The .VnTimeH (upper-case) font reuses the codes of the lower-case toned
    vowels: upper-case such a letter when its word is upper-case (two capitals
    and no lower-case letter of its own), when a one-capital word stands next to
    an upper-case word or on an upper-case line, and at the start of a sentence."""
    s = "".join(chars)
    mask = bytearray(len(s))
    for i in shared:
        mask[i] = 1
    words = []  # (start, end, shared idx, n_upper, n_lower) over the word's own letters
    for m in _WORD.finditer(s):
        ws, we = m.span()
        w = m.group(0)
        n_shared = mask.count(1, ws, we)
        idx = [i for i in range(ws, we) if mask[i]] if n_shared else []
        # shared letters are lower-case: the word's own capitals are all its capitals
        words.append((ws, we, idx, sum(map(str.isupper, w)), sum(map(str.islower, w)) - n_shared))

    def caps(w):
        return w[4] == 0 and (w[3] >= 2 or (w[3] >= 1 and len(w[2]) == 0 and w[1] - w[0] >= 2))

    # per line: (upper-case words, words with a lower-case letter), codes like "CT-UBND" left out
    evidence: dict[int, list] = {}
    for w in words:
        ls = s.rfind("\n", 0, w[0]) + 1
        ev = evidence.setdefault(ls, [0, 0])
        if w[4]:
            ev[1] += 1
            continue
        before = s[w[0] - 1] if w[0] > 0 else " "
        after = s[w[1]] if w[1] < len(s) else " "
        if before in "/-" or after in "/-" or before.isdigit() or after.isdigit():
            continue
        if caps(w):
            ev[0] += 1

    for k, (ws, we, idx, n_up, n_low) in enumerate(words):
        if not idx:
            continue
        up = False
        if n_low == 0:
            if n_up >= 2:
                up = True
            else:
                # neighbours separated by spaces only (not "Số: 27/CT")
                near = [words[j] for j in (k - 1, k + 1) if 0 <= j < len(words)
                        and s[min(words[j][1], we):max(words[j][0], ws)].strip(" \t") == ""]
                if any(caps(w) for w in near):
                    up = True
                else:
                    ev = evidence.get(s.rfind("\n", 0, ws) + 1, [0, 0])
                    own_caps = 1 if caps((ws, we, idx, n_up, n_low)) else 0
                    up = ev[0] - own_caps >= 1 and ev[1] == 0
        if up:
            for i in idx:
                chars[i] = chars[i].upper()
        elif idx[0] == ws and _sentence_start(s, ws) and not (we - ws == 1 and s[we:we + 1] in ").") :
            chars[ws] = chars[ws].upper()


_ITEM_PREFIX = re.compile(r"(?:^|\n)[ \t]*(?:[-–+•*]|[a-zđ]\)|\d{1,3}(?:\.\d{1,3})*[.)]|[IVXL]{1,5}[.)])[ \t]*$")


def _sentence_start(s: str, i: int) -> bool:
    if _ITEM_PREFIX.search(s, max(0, i - 16), i):
        return True  # the first word of a list item: "- Ý kiến", "c) Áp dụng"
    j = i - 1
    while j >= 0 and s[j] in " \t":
        j -= 1
    if j < 0:
        return True
    if s[j] in ".!?":
        return True
    if s[j] == "\n":
        k = j - 1
        while k >= 0 and s[k] in " \t\r":
            k -= 1
        return k < 0 or not (s[k].islower() or s[k] == ",")
    return False


def _encode_tcvn3(text: str) -> bytes:
    _, inverse = _tcvn3()
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        k = inverse.get(ch)
        if k is None and ch.isupper():
            k = inverse.get(ch.lower())  # .VnTimeH style: lower-case code, upper-case font
        if k is not None:
            out.append(ord(k))
        else:
            out += ch.encode("cp1252", errors="replace")
    return bytes(out)


# ---------------------------------------------------------------- VNI
def _decode_vni(text: str) -> str:
    _, dec, rx = _vni()
    return rx.sub(lambda m: dec[m.group(0)], text)


def _encode_vni(text: str) -> bytes:
    enc, _, _ = _vni()
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        v = enc.get(ch)
        out += (v if v is not None else ch).encode("cp1252", errors="replace")
    return bytes(out)


# ---------------------------------------------------------------- public
_C1 = re.compile("[\x80-\x9f]")


def _c1_to_cp1252(s: str) -> str:
    return _C1.sub(lambda m: bytes([ord(m.group(0))]).decode("cp1252", errors="ignore"), s)


def decode(src, scheme: str, restore_case: bool = True) -> str:
    """Convert legacy-font text (bytes, or a Unicode string holding the cp1252
    characters) to Unicode NFC.  ``restore_case=False`` when the font is known
    (a Word run in .VnTime is lower-case, in .VnTimeH upper-case)."""
    text = _as_text(src)
    if scheme == "tcvn3":
        out = _decode_tcvn3(text, restore_case)
    elif scheme == "vni":
        out = _decode_vni(text)
    else:
        raise ValueError(f"unknown legacy scheme {scheme!r}")
    return unicodedata.normalize("NFC", _c1_to_cp1252(out))


def encode(text: str, scheme: str) -> bytes:
    """Unicode text -> the bytes a TCVN3 or VNI font document stores."""
    if scheme == "tcvn3":
        return _encode_tcvn3(text)
    if scheme == "vni":
        return _encode_vni(text)
    raise ValueError(f"unknown legacy scheme {scheme!r}")


# ---------------------------------------------------------------- scoring
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_VIET_ONLY = set("ăâêôơưđ")


@functools.lru_cache(maxsize=65536)
def _syllable_kind(word: str) -> int:
    """1: a Vietnamese syllable with a diacritic; 0: ASCII-only or plausible;
    -1: not a Vietnamese word (letters a reader of Vietnamese would not write)."""
    w = word.lower()
    if w.isascii():
        return 0
    nfd = unicodedata.normalize("NFD", w)
    tones = sum(1 for c in nfd if c in _TONES)
    if tones > 1:
        return -1
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES))
    if _SYLLABLE.fullmatch(base):
        return 1
    return -1


def vietnamese_score(text: str) -> float:
    """Higher = more like Vietnamese.  Valid syllables with diacritics count +1,
    words a Vietnamese text would not hold count -1, and stray latin-1 symbols
    (the marks of undecoded legacy text) count -1 each."""
    good = bad = 0
    for m in _WORD.finditer(text):
        k = _syllable_kind(m.group(0))
        if k > 0:
            good += 1
        elif k < 0:
            bad += 1
    weird = sum(1 for c in text if 0xA0 < ord(c) < 0x100 and not c.isalpha() and c not in "°«»–—“”‘’…·×§©®±²³¼½¾")
    weird += sum(1 for c in text if 0x80 <= ord(c) < 0xA0)
    return good - bad - weird


def quality(text: str) -> tuple[int, int]:
    """(valid Vietnamese words with a diacritic, non-Vietnamese non-ASCII words)."""
    good = bad = 0
    for m in _WORD.finditer(text):
        k = _syllable_kind(m.group(0))
        good += k > 0
        bad += k < 0
    return good, bad


_PRECOMPOSED_VI = re.compile("[\u1ea0-\u1ef9ăĂơƠưƯđĐ]")
_LATIN1_HIGH = re.compile("[\u00a1-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]")


def detect(text: str) -> str | None:
    """If a Unicode text is legacy-font mojibake, the scheme that decodes it."""
    sample = text[:200000]
    high = len(_LATIN1_HIGH.findall(sample))
    if high < 5:
        return None
    # more precomposed Vietnamese letters than Latin-1 marks: counted a stretch at a time, as
    # far as it takes to know (a Vietnamese text has passed ``high`` well before its end)
    vi = 0
    for k in range(0, len(sample), 4096):
        vi += len(_PRECOMPOSED_VI.findall(sample, k, k + 4096))
        if vi > high:
            return None
    base = vietnamese_score(sample)
    best, best_score = None, base
    for scheme in SCHEMES:
        s = vietnamese_score(decode(sample, scheme))
        if s > best_score + max(3, 0.02 * len(sample.split())):
            best, best_score = scheme, s
    return best


def repair_lines(text: str) -> tuple[str, int]:
    """Convert the lines of a Unicode text that are legacy-font mojibake (a
    header typed in .VnTime pasted into a Unicode document).  Returns the text
    and how many lines were converted."""
    lines = text.split("\n")
    vi_letter = _PRECOMPOSED_VI.search
    marks = _LATIN1_HIGH.findall
    # a candidate holds 3 Latin-1 marks and no precomposed Vietnamese letter (the cheap tests first)
    cands = [i for i, line in enumerate(lines) if len(line) >= 3 and not vi_letter(line) and len(marks(line)) >= 3]
    if not cands:
        return text, 0
    fixed = 0
    for i in cands:
        line = lines[i]
        base = vietnamese_score(line)
        best, best_score = None, base + 1
        for scheme in SCHEMES:
            cand = decode(line, scheme)
            sc = vietnamese_score(cand)
            if sc > best_score:
                best, best_score = cand, sc
        if best is not None:
            lines[i] = best
            fixed += 1
    return "\n".join(lines), fixed
