"""Vietnamese dates, periods and recurrences.

Minimal seed: ``DATE_RE`` and ``parse_date_text``.  Extended by the time
module work (find_times etc.); these two names stay.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Optional

_DASH = "-‐‑‒–—−"
# "15/11/2017", "15-11-2017", "15.11.2017", "ngày 13 tháng 01 năm 2012"
DATE_RE = re.compile(
    rf"(?P<d>\d{{1,2}})\s*[/{_DASH}.]\s*(?P<m>\d{{1,2}})\s*[/{_DASH}.]\s*(?P<y>\d{{4}})(?!\d)"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s*,?\s+năm\s+(?P<y2>\d{4})",
    re.IGNORECASE,
)


def iso(y: int, m: int, d: int) -> Optional[str]:
    """ISO date string, or None when the triple is not a real date."""
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_date_text(s: str) -> Optional[str]:
    """The first full date in ``s`` as ISO (``"ngày 13 tháng 01 năm 2012"`` → ``"2012-01-13"``)."""
    m = DATE_RE.search(s)
    if not m:
        return None
    if m.group("d"):
        return iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return iso(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))
