"""Small text scans shared by the stages."""
from __future__ import annotations

from typing import Iterable


def starts_of(text: str, needles: Iterable[str]) -> list[int]:
    """Every offset where one of ``needles`` starts in ``text`` (overlapping ones too), sorted, once each."""
    out: set[int] = set()
    for n in needles:
        i = text.find(n)
        while i >= 0:
            out.add(i)
            i = text.find(n, i + 1)
    return sorted(out)


def finditer_at(rx, text: str, starts):
    """What ``rx.finditer(text)`` finds when every match of ``rx`` starts at one of ``starts``
    (sorted offsets, e.g. from :func:`starts_of`): ``rx`` is tried there only, left to right
    and past each match.  For patterns that never match the empty string."""
    pos = 0
    for i in starts:
        if i < pos:
            continue
        m = rx.match(text, i)
        if m:
            yield m
            pos = m.end()


def ignorecase_extras(chars) -> "set[str] | None":
    """The characters ``re.IGNORECASE`` equates with one of ``chars`` other than by simple case
    ("ı" with "i", "ſ" with "s"); None when this Python's re tables are not at hand (then a
    caller must not rely on lower-case tests)."""
    try:
        from re._casefix import _EXTRA_CASES
    except ImportError:  # pragma: no cover - another Python
        return None
    return {chr(x) for c in chars for x in _EXTRA_CASES.get(ord(c), ())}


def mostly_upper(s: str) -> bool:
    """Mostly capital letters (at least 80 % of the letters): a heading or a header line."""
    if s.isupper():
        return True
    head = s[:24]
    if head != head.upper() and len(s) > 24 and not mostly_upper(head):
        return False  # a mixed-case start: not a heading (cheap rejection for long lines)
    letters = list(filter(str.isalpha, s))
    return bool(letters) and sum(map(str.isupper, letters)) >= 0.8 * len(letters)
