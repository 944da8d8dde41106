"""Plain-text reader: UTF-8 (with or without BOM), UTF-16 (BOM, or NUL-patterned),
Windows-1258, and the legacy font encodings TCVN3 and VNI (see legacy.py).

The 8-bit candidates are scored by how many valid Vietnamese syllables each
decoding yields; the best one wins.
"""
from __future__ import annotations

import codecs
import unicodedata

from pipeline.read import legacy
from pipeline.read._base import FormatProblem


class UnknownEncoding(FormatProblem):
    pass


class BinaryData(FormatProblem):
    pass


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in the first 8 kB (UTF-16 is checked before)."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
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
    return _decode_8bit(data)


def _maybe_legacy(text: str, enc: str) -> tuple[str, str]:
    text = unicodedata.normalize("NFC", text)
    scheme = legacy.detect(text)
    if scheme:
        return legacy.decode(text, scheme), f"{enc}+{scheme}"
    return text, enc


def _decode_8bit(data: bytes) -> tuple[str, str]:
    candidates = {}
    for enc in ("cp1258", "cp1252"):
        try:
            candidates[enc] = unicodedata.normalize("NFC", data.decode(enc))
        except UnicodeDecodeError:
            pass
    for scheme in legacy.SCHEMES:
        candidates[scheme] = legacy.decode(data, scheme)
    scored = sorted(((legacy.vietnamese_score(t), enc) for enc, t in candidates.items()), reverse=True)
    score, enc = scored[0]
    text = candidates[enc]
    good, bad = legacy.quality(text)
    high = sum(1 for b in data if b >= 0x80)
    # accept a Vietnamese decoding that is mostly valid, or a near-ASCII text with a few accents
    if good >= 3 and bad <= good * 0.25:
        return text, enc
    if high <= max(2, len(data) * 0.002) and "cp1252" in candidates:
        return candidates["cp1252"], "cp1252"
    raise UnknownEncoding("unknown text encoding")
