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
