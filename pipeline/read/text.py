"""Plain-text reader: UTF-8 (with or without BOM), UTF-16 (BOM, or NUL-patterned),
Windows-1258, and the legacy font encodings TCVN3 and VNI (see legacy.py).

The 8-bit candidates are scored by how many valid Vietnamese syllables each
decoding yields; the best one wins.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from pipeline.read import legacy
from pipeline.read._base import FormatProblem


class UnknownEncoding(FormatProblem):
    pass


class BinaryData(FormatProblem):
    pass


_CTRL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 kB (UTF-16 is checked before)."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    ctrl = len(head) - len(head.translate(None, _CTRL_BYTES))
    return ctrl / len(head) > 0.05


def _utf16_guess(data: bytes) -> str | None:
    head = data[:4096]
    if len(head) < 4:
        return None
    even = head[0::2]
    odd = head[1::2]
    z_even = even.count(0) / len(even)
    z_odd = odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (NFC text, encoding name).  Raises UnknownEncoding / BinaryData."""
    if data.startswith(codecs.BOM_UTF8):
        text, enc = data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
        return _maybe_legacy(text, enc)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _maybe_legacy(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise UnknownEncoding("broken UTF-16 text") from None
    guess = _utf16_guess(data)
    if guess:
        try:
            return _maybe_legacy(data.decode(guess), guess)
        except UnicodeDecodeError:
            pass
    if looks_binary(data):
        raise BinaryData("binary file, not a document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _maybe_legacy(text, "utf-8")
    # UTF-8 with a few broken bytes (a cut or spliced scrape): keep it, mark the damage
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multi = (len(text) - sum(map(str.isascii, text)) - bad) if 0 < bad < len(text) / 50 else 0
    if bad and multi >= 20 * bad:
        text, enc = _maybe_legacy(text, "utf-8")
        return text, f"{enc} ({bad} bad bytes replaced)"
    return _decode_8bit(data)


# UTF-8 read as cp1252 / latin-1 and saved again as UTF-8: "Cá»™ng hÃ²a" for "Cộng hòa"
_DOUBLE_UTF8 = re.compile("[\u00c2-\u00c5\u00e1][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]")


def _cp1252_bytes(line: str) -> bytes:
    """Back to the bytes a windows-1252 reader saw (its five undefined bytes
    come through as the C1 characters of the same value)."""
    out = bytearray()
    for c in line:
        o = ord(c)
        if o < 0x80 or 0x80 <= o < 0x100 and not (0x80 <= o < 0xA0 and o not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)):
            out.append(o)
        else:
            out += c.encode("cp1252")
    return bytes(out)


def _undouble(text: str) -> str | None:
    out = []
    for line in text.split("\n"):
        try:
            out.append(_cp1252_bytes(line).decode("utf-8"))
        except UnicodeError:
            out.append(line)
    return "\n".join(out)


def _maybe_legacy(text: str, enc: str) -> tuple[str, str]:
    text = unicodedata.normalize("NFC", text)
    if len(_DOUBLE_UTF8.findall(text[:100000])) >= 5:
        fixed = _undouble(text)
        if fixed and legacy.vietnamese_score(fixed) > legacy.vietnamese_score(text) + 5:
            return unicodedata.normalize("NFC", fixed), f"{enc}+double-utf-8"
    scheme = legacy.detect(text)
    if scheme:
        return legacy.decode(text, scheme), f"{enc}+{scheme}"
    text, n = legacy.repair_lines(text)
    if n:
        return text, f"{enc}+legacy-lines"
    return text, enc


def _decode_with(data: bytes, enc: str) -> str | None:
    if enc in legacy.SCHEMES:
        return legacy.decode(data, enc)
    try:
        return unicodedata.normalize("NFC", data.decode(enc))
    except UnicodeDecodeError:
        return None


def _decode_8bit(data: bytes) -> tuple[str, str]:
    # choose on a sample (the head and a slice of the middle), then decode it all
    sample = data if len(data) <= 40000 else data[:24000] + b"\n" + data[len(data) // 2:len(data) // 2 + 16000]
    candidates = {}
    for enc in ("cp1258", "cp1252") + legacy.SCHEMES:
        t = _decode_with(sample, enc)
        if t is not None:
            candidates[enc] = t
    scored = sorted(((legacy.vietnamese_score(t), enc) for enc, t in candidates.items()), reverse=True)
    score, enc = scored[0]
    text = _decode_with(data, enc) if sample is not data else candidates[enc]
    if text is None:  # a byte the sample did not hold is undefined in this code page
        text = data.decode(enc, errors="replace")
    if "cp1252" in candidates and sample is not data:
        candidates["cp1252"] = data.decode("cp1252", errors="replace")
    good, bad = legacy.quality(text)
    high = sum(1 for b in data if b >= 0x80)
    # accept a Vietnamese decoding that is mostly valid, or a near-ASCII text with a few accents
    if good >= 3 and bad <= good * 0.25:
        return text, enc
    if high <= max(2, len(data) * 0.002) and "cp1252" in candidates:
        return candidates["cp1252"], "cp1252"
    raise UnknownEncoding("unknown text encoding")
