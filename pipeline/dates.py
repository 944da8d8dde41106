"""Vietnamese dates, periods and recurrences.

``DATE_RE``, ``iso`` and ``parse_date_text`` are the small helpers the header
parser uses.  ``find_times`` finds every temporal expression of a text and
normalises it into a :class:`TimeExpr`:

- dates ("12/4/2021", "15-10-2007", "ngày 13 tháng 01 năm 2012", "trước 20h00
  ngày 25/5" — a date without a year takes the year of ``anchor``, the
  document's issue date, when one is given),
- months, quarters, halves, years ("tháng 12/2025", "Quý I/2026", "6 tháng
  đầu năm 2026", "năm 2025"; a list with one year, "Quý I, II/2026", is one
  expression whose deadline is its last item's),
- periods ("giai đoạn 2021 – 2030", "từ năm 2012 trở đi", "2026-2030 và những
  năm tiếp theo", "từ 01/7/2025"),
- recurrences ("hàng quý, 6 tháng, cuối năm và hàng năm", "định kỳ hằng
  tháng", "trước ngày 20 hằng tháng", "01 lần/năm", "ngày 25 của tháng cuối
  quý"),
- relative deadlines ("trong thời hạn 30 ngày kể từ ngày ký": the issue date
  plus 30 days when the anchor is known),
- continuity ("thường xuyên", "liên tục").

Dates are always day/month/year.  What the text does not fix stays ``None``.
Cue words are data: ``pipeline/data/times.toml``.  The patterns are tried only
where a digit run or a keyword makes them possible (``_anchors``): running
each over the whole text costs about ten times more.
"""
from __future__ import annotations

import bisect
import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Optional, Union

_DASH = "\\-‐‑‒–—−"  # for character classes (escaped hyphen first)
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


# ---------------------------------------------------------------------------
# TimeExpr

Recurrence = Union[None, str, list]


@dataclass
class TimeExpr:
    start: int
    end: int
    text: str
    kind: str  # date|datetime|month|quarter|half|year|period|recurrence|relative|ongoing
    value: Optional[str] = None  # "2025-12-15" | "2025-12" | "2026-Q1" | "2026-H1" | "2026"
    deadline: Optional[str] = None  # ISO last day this expression can fix
    is_deadline_cue: bool = False  # preceded by "trước", "chậm nhất", "hoàn thành trong" ...
    recurrence: Recurrence = None
    period: Optional[dict] = None  # {"start": iso|None, "end": iso|None}
    # extras
    first_day: Optional[str] = None  # first day of a month/quarter/half/year/date
    time: Optional[str] = None  # "20:00" for a datetime

    def to_dict(self) -> dict:
        return dict(self.__dict__)


# ---------------------------------------------------------------------------
# helpers


def _last_day(y: int, m: int) -> str:
    return date(y, m, calendar.monthrange(y, m)[1]).isoformat()


def _next_year(s: Optional[str]) -> Optional[str]:
    d = _to_date(s)
    if d is None:
        return None
    if d.month == 2 and d.day == 29:
        return date(d.year + 1, 2, 28).isoformat()
    return _last_day(d.year + 1, d.month) if d.day == calendar.monthrange(d.year, d.month)[1] else iso(d.year + 1, d.month, d.day)


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NUMWORDS = {
    "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "sáu": 6, "bảy": 7,
    "tám": 8, "chín": 9, "mười": 10, "mười lăm": 15, "hai mươi": 20, "ba mươi": 30,
    "bốn mươi lăm": 45, "sáu mươi": 60, "chín mươi": 90,
}
_ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _to_date(s: Optional[str]) -> Optional[date]:
    if not s:
        return None
    m = _ISO_RE.match(s)
    return date(int(m[1]), int(m[2]), int(m[3])) if m else None


@functools.lru_cache(maxsize=1)
def _cues():
    from pipeline.data import load

    t = load("times")
    cues = sorted({c.lower() for c in t.get("deadline_cues", [])}, key=len, reverse=True)
    ongoing = sorted({c.lower() for c in t.get("ongoing", [])}, key=len, reverse=True)
    events = sorted({c.lower() for c in t.get("anchor_events", [])}, key=len, reverse=True)
    rec = {k.lower(): v for k, v in t.get("recurrence", {}).items()}
    rec_list = {k.lower(): v for k, v in t.get("recurrence_list", {}).items()}
    return cues, ongoing, events, rec, rec_list


@functools.lru_cache(maxsize=1)
def _not_cues() -> tuple:
    from pipeline.data import load

    return tuple(sorted({c.lower() for c in load("times").get("not_deadline_cues", [])}, key=len, reverse=True))


def _alt(words) -> str:
    """Regex alternation of phrases (spaces match any whitespace, hàng ≡ hằng)."""
    out = []
    for w in sorted(words, key=len, reverse=True):
        p = re.escape(w).replace(r"\ ", r"\s+").replace(" ", r"\s+")
        p = p.replace("hàng", "h[àằ]ng").replace("hằng", "h[àằ]ng")
        out.append(p)
    return "|".join(out)


# ---------------------------------------------------------------------------
# patterns

_F = re.IGNORECASE
_Y = r"(?:19|20)\d{2}"
_S = rf"[ \t]*[/{_DASH}.][ \t]*"  # separator inside a numeric date
_TIME = r"(?:(?P<hh>\d{1,2})[ \t]*(?:h|giờ|g)[ \t]*(?P<mm>\d{2})?[ \t]*(?:phút|')?[ \t]*,?\s*(?:,\s*)?)?"
_NGAY = r"(?:ngày\s+)?"

_DATE_PATTERNS = [
    # 20h00 ngày 25/5/2025, 12/4/2021, 15-10-2007, 15.11.2017
    re.compile(
        rf"{_TIME}{_NGAY}(?<![\d/.])(?P<d>\d{{1,2}}){_S}(?P<m>\d{{1,2}}){_S}(?P<y>\d{{4}})(?![\d/])", _F
    ),
    # ngày 13 tháng 01 năm 2012 / 13 tháng 01 năm 2012 / ngày 13 tháng 01/2012
    re.compile(
        rf"{_TIME}{_NGAY}(?<![\d/.])(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})(?:\s*,?\s+năm\s+|{_S})(?P<y>\d{{4}})(?![\d/])",
        _F,
    ),
    # no year, "ngày" required: ngày 25/5, ngày 15 tháng 11, 20h00 ngày 25-5 ...
    # ... or a deadline word right before a "d/m": "trước 30/11 hằng năm", "chậm nhất 15/12"
    re.compile(
        rf"{_TIME}(?:ngày\s+(?P<d>\d{{1,2}})(?:{_S}|\s+tháng\s+)(?P<m>\d{{1,2}})"
        rf"|(?:(?<=trước\s)|(?<=nhất\s)|(?<=hạn\s)|(?<=hạn:\s))(?P<d3>\d{{1,2}})/(?P<m3>\d{{1,2}}))"
        rf"(?![\d/]|\s*[/{_DASH}.]\s*\d|\s+năm\s+\d)",
        _F,
    ),
]
_MONTH_RE = re.compile(
    rf"(?P<pre>(?:cuối|đầu|giữa|hết)\s+)?tháng\s*(?P<m>\d{{1,2}})(?:(?:{_S}|\s+năm\s+)(?P<y>\d{{4}}))?(?![\d/])",
    _F,
)
_QUARTER_RE = re.compile(
    rf"(?P<pre>(?:cuối|đầu|giữa|hết)\s+)?quý\s*(?P<q>IV|I{{1,3}}|[1-4])(?![\w])(?:(?:{_S}|\s+năm\s+)(?P<y>\d{{4}}))?(?![\d/])",
    _F,
)
_HALF_RE = re.compile(
    rf"(?:(?:6|06|sáu)\s+tháng|nửa)\s+(?P<h>đầu|cuối)\s+năm(?:(?:\s+|{_S})(?P<y>{_Y}))?(?![\d/])",
    _F,
)
_YEAR_RE = re.compile(
    rf"(?P<pre>(?:cuối|đầu|giữa|hết|cả)\s+)?năm\s+(?P<y>{_Y})(?![\d/]|\s*[{_DASH}]\s*{_Y})",
    _F,
)
# a year alone in a table cell / on its own line
_CELL_YEAR_RE = re.compile(rf"(?:(?<=\n)|(?<=\|)|^)[ \t]*(?P<y>{_Y})[ \t]*(?=\n|\||$)", _F)
_RANGE_RE = re.compile(
    rf"(?:(?P<pre>giai\s+đoạn|thời\s+kỳ|nhiệm\s+kỳ|các\s+năm|từ\s+năm|năm)\s+)?(?<![\d/.])(?P<y1>{_Y})"
    rf"\s*(?:[{_DASH}]|đến|tới)\s*(?:năm\s+)?(?P<y2>{_Y})(?![\d/])"
    r"(?P<more>\s*,?\s*(?:và|cùng)\s+(?:những|các)\s+(?:năm|giai\s+đoạn)\s+(?:tiếp\s+theo|sau(?:\s+đó)?|kế\s+tiếp))?",
    _F,
)
_UNITS = r"ngày\s+làm\s+việc|ngày|tuần|tháng|năm"
_NUM = r"\d{1,3}|" + "|".join(sorted(_NUMWORDS, key=len, reverse=True))
_RELATIVE_RE = re.compile(
    r"(?P<pre>(?:trong(?:\s+(?:thời\s+hạn|vòng|phạm\s+vi|thời\s+gian))?|chậm\s+nhất(?:\s+là)?(?:\s+sau)?|không\s+quá|tối\s+đa|sau|trước)\s+)?"
    rf"(?P<n>{_NUM})(?:\s*\([^()\n]{{1,25}}\))?\s+(?P<u>{_UNITS})(?![\w])(?!\s+(?:đầu|cuối)\s+năm)"
    r"(?P<tail>\s*,?\s*(?:kể\s+từ|tính\s+từ|sau\s+khi|sau)(?:\s+ngày)?)?",
    _F,
)
_REC_HEAD = (
    r"(?P<lead>(?:định\s+kỳ|thường\s+kỳ)\s+)?(?:ngày\s+(?:mồng\s+|mùng\s+)?(?P<day>\d{1,2})\s+)?"
    r"(?:h[àằ]ng|mỗi)\s+(?P<w>6\s+tháng|sáu\s+tháng|nửa\s+năm|tuần|tháng|quý|năm)(?![\w])(?!\s+\d)"
    r"|(?:định\s+kỳ|thường\s+kỳ)\s+(?P<w2>6\s+tháng|sáu\s+tháng|tháng|quý|năm|tuần)(?![\w])(?!\s*[/.]?\s*\d)"
    r"|(?P<w3>6\s+tháng|sáu\s+tháng)\s+(?:một|1)\s+lần"
)
_REC_RE = re.compile(_REC_HEAD, _F)
# "ngày 15 của tháng trước đó", "tuần cuối cùng của tháng thứ 3 trong quý", "tháng cuối của quý"
_REC_OF_RE = re.compile(
    r"(?:ngày\s+(?:mồng\s+|mùng\s+)?\d{1,2}(?:\s+(?:của|trong)\s+tháng\s+(?:thứ\s+\d|cuối(?:\s+cùng)?|đầu(?:\s+tiên)?))?"
    r"|tháng\s+(?:thứ\s+\d|cuối(?:\s+cùng)?|đầu(?:\s+tiên)?)"
    r"|tuần\s+(?:cuối(?:\s+cùng)?|đầu(?:\s+tiên)?|thứ\s+\d)(?:\s+của\s+tháng\s+(?:thứ\s+\d|cuối(?:\s+cùng)?|đầu(?:\s+tiên)?))?)"
    r"\s+(?:(?:của|trong)\s+)?(?:mỗi\s+|h[àằ]ng\s+)?(?P<w>tháng|quý|năm)(?![^\W\d_])(?!\s*[/.]?\s*\d)"
    r"(?!\s+(?:này|tới|sau|qua|nay|cuối|đầu|thứ|trước(?!\s+đó)))",
    _F,
)
_REC_MORE_RE = re.compile(
    r"\s*(?:,|;|và|hoặc|/)\s*(?:và\s+|hoặc\s+)?(?:(?:h[àằ]ng|mỗi|định\s+kỳ)\s+)?"
    r"(?P<w>6\s+tháng|sáu\s+tháng|cuối\s+năm|tuần|tháng|quý|năm)(?![\w])(?!\s*[/.]?\s*\d)",
    _F,
)
# "01 lần/năm", "2 lần/năm", "mỗi quý một lần"
_PER_RE = re.compile(
    r"(?P<n>\d{1,2}|một|hai|bốn)\s+lần\s*(?:/|trong\s+(?:một\s+|01\s+|1\s+)?|mỗi\s+|một\s+)\s*(?P<u>tuần|tháng|quý|năm)(?![^\W\d_])",
    _F,
)
_PER_MAP = {("tuần", 1): "weekly", ("tháng", 1): "monthly", ("quý", 1): "quarterly", ("năm", 1): "annual",
            ("năm", 2): "semiannual", ("năm", 4): "quarterly", ("năm", 12): "monthly", ("quý", 3): "monthly",
            ("tháng", 4): "weekly"}
_REC_WORDS = {
    "tuần": "weekly", "tháng": "monthly", "quý": "quarterly", "năm": "annual",
    "6 tháng": "semiannual", "sáu tháng": "semiannual", "nửa năm": "semiannual",
    "cuối năm": "annual",
}
_ORDER = ["weekly", "monthly", "quarterly", "semiannual", "annual"]
_FROM_RE = re.compile(r"(?<![\w])(?P<ke>kể\s+)?từ\s+(?:ngày\s+)?$", _F)
_FROM_NOW_RE = re.compile(
    r"(?<![\w])từ\s+(?:nay|bây\s+giờ|thời\s+điểm\s+này)\s+(?:đến|tới)\s+(?:hết\s+)?(?:ngày\s+)?$", _F
)
_ONWARD_RE = re.compile(r"\s*(?:trở\s+đi|trở\s+về\s+sau|về\s+sau)", _F)
# "năm 2026 và các năm tiếp theo": a period open at its end
_AND_AFTER_RE = re.compile(
    r"\s*,?\s*(?:và|cùng)\s+(?:những|các)\s+năm\s+(?:tiếp\s+theo|sau(?:\s+đó)?|kế\s+tiếp)", _F)
_UNTIL_RE = re.compile(rf"\s*(?:đến|tới|[{_DASH}])\s*(?:hết\s+)?", _F)
_THIS_DOC_RE = re.compile(
    r"\s*(?:(?:chỉ\s+thị|nghị\s+quyết|kế\s+hoạch|quyết\s+định|công\s+văn|văn\s+bản|thông\s+báo|"
    r"hướng\s+dẫn|kết\s+luận|quy\s+định|chương\s+trình|công\s+điện|thông\s+tư|nghị\s+định)\s+này)?"
    r"(?=\s*(?:[,.;:)\n]|$))",
    _F,
)


# "(kể từ ngày) Kế hoạch này được ban hành", "văn bản này được ký": the document's own date
_SELF_EVENT_RE = re.compile(
    r"(?:chỉ\s+thị|nghị\s+quyết|kế\s+hoạch|quyết\s+định|công\s+văn|văn\s+bản|thông\s+báo|hướng\s+dẫn|"
    r"kết\s+luận|quy\s+định|chương\s+trình|công\s+điện|thông\s+tư|nghị\s+định)\s+này\s+(?:được\s+)?"
    r"(?:ký\s+ban\s+hành|ban\s+hành|ký)(?=\s*(?:[,.;:)\n]|$))",
    _F,
)


def _norm_rec(w: str) -> Optional[str]:
    k = re.sub(r"\s+", " ", w.lower())
    _, _, _, rec, rec_list = _cues()
    return rec.get(k) or rec_list.get(k) or _REC_WORDS.get(k)


# ---------------------------------------------------------------------------
# anchors: the patterns above are only tried where a digit run or a keyword
# makes them possible (running each over the whole text costs ~10x more)

_DIGITS = re.compile(r"\d+")
_N_SEP = re.compile(rf"[ \t]*[/{_DASH}.][ \t]*\d")
_N_THANG = re.compile(r"\s+tháng\s+\d")
_N_UNIT = re.compile(r"\s*(?:\([^()\n]{1,25}\)\s*)?\s(?:tháng|ngày|tuần|năm)(?![^\W\d_])")
_N_HALF = re.compile(r"\s+tháng\s+(?:đầu|cuối)")
_N_ONCE = re.compile(r"\s+tháng\s+(?:một|1)\s+lần")
_N_RANGE = re.compile(rf"\s*(?:[{_DASH}]|đến|tới)\s*(?:năm\s+)?(?:19|20)\d\d")
# what the patterns above can start with, besides white space
_SEP_FIRST = frozenset("/.‐‑‒–—−-")
_RANGE_FIRST = frozenset("‐‑‒–—−-đt")
_KEYWORDS = {
    "quý": ("quarter",), "hàng": ("rec",), "hằng": ("rec",), "mỗi": ("rec",),
    "định": ("rec0",), "thường": ("rec0",), "sáu": ("half0", "rec0"), "nửa": ("half0",),
    "ngày": ("recof",), "tháng": ("recof",), "tuần": ("recof",), "lần": ("per",),
}
_KY_WORDS = ("định", "thường")
_KY_RE = re.compile(r"\s+kỳ")
_NOT_HANG_RE = re.compile(r"(?<![^\W\d_])(?:ngân|cửa|mặt|khách|đơn|xếp|đặt|bán|mua|nhà|giao|chở|lô)\s+$")
_LOWER_CACHE: list = [None, None]  # [text, text.lower()], replaced whole (safe across threads)


def _lower(text: str) -> str:
    cached = _LOWER_CACHE[0]
    if cached is not None and cached[0] is text:
        return cached[1]
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: keep offsets exact
        low = "".join(c.lower()[:1] or c for c in text)
    _LOWER_CACHE[0] = (text, low)
    return low


# an alphanumeric character after a non-alphanumeric one (or the text's start): a word start
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]")


def _cands(text: str, p: int, s: int) -> list[int]:
    """Word starts up to 40 characters before ``p`` (at most one line break back), then ``p``."""
    lo = max(s, p - 40)
    nl = text.rfind("\n", lo, p)
    if nl >= 0:
        nl2 = text.rfind("\n", lo, nl)
        if nl2 >= 0:
            lo = nl2 + 1
    out = [m.start() for m in _WORD_START.finditer(text, lo, p)]
    out.append(p)
    return out


def _anchors(text: str, s: int, e: int) -> dict:
    low = _lower(text)
    A: dict[str, list] = {k: [] for k in (
        "d0", "d1", "d2", "month", "quarter", "half", "year", "cell", "range", "rel", "rec", "rec0", "recof", "per",
        "ongoing")}
    d0, d1, d2, month, rel = A["d0"], A["d1"], A["d2"], A["month"], A["rel"]
    for m in _DIGITS.finditer(text, s, e):
        p, q = m.span()
        L = q - p
        cands = None
        # the character after the digits decides which of the patterns below can match
        # (each needs a separator, a space, "(" or a dash first): skip the others
        c = low[q] if q < e else ""
        sp = c.isspace()
        if L <= 2:
            if (sp or c in _SEP_FIRST) and _N_SEP.match(low, q, e):
                cands = _cands(text, p, s)
                d0.append((p, cands))
                d2.append((p, cands))
            if sp and _N_THANG.match(low, q, e):
                cands = cands or _cands(text, p, s)
                d1.append((p, cands))
                d2.append((p, cands))
            if low.find("tháng", max(s, p - 7), p) >= 0:
                cands = cands or _cands(text, p, s)
                month.append((p, cands))
            if sp and (L == 1 and text[p] == "6" or L == 2 and text[p:q] == "06"):
                if _N_HALF.match(low, q, e):
                    A["half"].append((p, [p]))
                if _N_ONCE.match(low, q, e):
                    A["rec0"].append((p, [p]))
        if L <= 3 and (sp or c == "(") and _N_UNIT.match(low, q, e):
            rel.append((p, cands or _cands(text, p, s)))
        if L == 4 and text[p:p + 2] in ("19", "20"):
            if low.find("năm", max(s, p - 12), p) >= 0:
                A["year"].append((p, _cands(text, p, s)))
            if (sp or c in _RANGE_FIRST) and _N_RANGE.match(low, q, e):
                A["range"].append((p, _cands(text, p, s)))
            i = p
            while i > s and text[i - 1] in " \t":
                i -= 1
            if i == 0 or text[i - 1] in "\n|":  # _CELL_YEAR_RE can only start a line or a cell
                A["cell"].append((p, [i]))
    for kw, kinds in _KEYWORDS.items():
        i = low.find(kw, s, e)
        while i >= 0:
            if i == 0 or not low[i - 1].isalpha():
                for k in kinds:
                    if k == "quarter":
                        A["quarter"].append((i, _cands(text, i, s)))
                    elif k == "rec":
                        if kw == "hàng" and _NOT_HANG_RE.search(low, max(0, i - 8), i):
                            pass  # "ngân hàng năm nay", "khách hàng tháng 5": not "hàng năm/tháng"
                        else:
                            A["rec"].append((i, _cands(text, i, s)))
                    elif k == "rec0":
                        # "định"/"thường" start a recurrence only as "định kỳ"/"thường kỳ"
                        if kw in _KY_WORDS and not _KY_RE.match(low, i + len(kw), e):
                            continue
                        A["rec"].append((i, [i]))
                    elif k == "half0":
                        A["half"].append((i, [i]))
                    elif k == "recof":
                        A["recof"].append((i, [i]))
                    elif k == "per":
                        A["per"].append((i, _cands(text, i, s)[-3:]))
            i = low.find(kw, i + 1, e)
    return A


def _first_chars() -> dict:
    """pattern -> (lower-case characters a match can start with, whether any decimal digit
    can start one too): candidates starting otherwise are not tried."""
    ndigit = (frozenset("n"), True)  # "ngày …" or a number ("20h00", "15/11")
    return {
        _DATE_PATTERNS[0]: ndigit, _DATE_PATTERNS[1]: ndigit, _DATE_PATTERNS[2]: ndigit,
        _MONTH_RE: (frozenset("cđght"), False),  # cuối|đầu|giữa|hết|tháng
        _QUARTER_RE: (frozenset("cđghq"), False),  # cuối|đầu|giữa|hết|quý
        _YEAR_RE: (frozenset("cđghn"), False),  # cuối|đầu|giữa|hết|cả|năm
        _RANGE_RE: (frozenset("gtnc12"), False),  # giai|thời|nhiệm|các|từ|năm, 19xx|20xx
    }


_FIRST = _first_chars()


def _anchored(rx: re.Pattern, text: str, anchors: list, e: int):
    """Matches of ``rx`` starting at the leftmost candidate of each anchor and covering it."""
    seen = set()
    first = _FIRST.get(rx)
    if first is not None:
        low = _lower(text)
        chars, digits = first
    for p, cands in anchors:
        for c in cands:
            if first is not None:
                if c >= e:
                    continue  # every match has a first character
                ch = low[c]
                if ch not in chars and not (digits and ch.isdecimal()):
                    continue  # no match can start here
            m = rx.match(text, c, e)
            if m and m.end() > p:
                if m.start() not in seen:
                    seen.add(m.start())
                    yield m
                break


# ---------------------------------------------------------------------------
# atoms


def _date_expr(m, text, anchor_d) -> Optional[TimeExpr]:
    g = m.groupdict()
    d, mo = (int(g["d"]), int(g["m"])) if g.get("d") else (int(g["d3"]), int(g["m3"]))
    y = m.groupdict().get("y")
    tm = None
    if m["hh"] is not None:
        hh = int(m["hh"])
        mm = int(m["mm"] or 0)
        if hh > 24 or mm > 59:
            return None
        tm = f"{hh:02d}:{mm:02d}"
    if not (1 <= d <= 31 and 1 <= mo <= 12):
        return None
    if y:
        v = iso(int(y), mo, d)
        if v is None:
            return None
    else:
        v = iso(anchor_d.year, mo, d) if anchor_d else None
        if anchor_d and v is None:
            return None
    e = TimeExpr(m.start(), m.end(), m.group(0), "datetime" if tm else "date", v, v, first_day=v, time=tm)
    e._noyear = not y  # type: ignore[attr-defined]
    return e


# "tháng 11, 12/2025", "Quý I, II năm 2026": a list whose year is written once, at its end.
# The expression covers the list and its deadline is the last one's.  Over "đến" ("từ tháng 3
# đến tháng 5/2026") only the year is carried back; the period is built later.
def _list_re(item: str, seps: str) -> re.Pattern:
    return re.compile(
        rf"(?:\s*(?:{seps})\s*{item})+(?:{_S}|\s+năm\s+)(?P<y>(?:19|20)\d\d)(?![\d/])", _F)


_LIST_ITEM = {
    "month": r"(?:tháng\s*)?(?P<n>\d{1,2})(?!\d)",
    "quarter": r"(?:quý\s*)?(?P<n>IV|I{1,3}|[1-4])(?![\w])",
}
_LIST_EXT = {k: _list_re(v, rf",|và|hoặc|[{_DASH}]") for k, v in _LIST_ITEM.items()}
_LIST_PROP = {k: _list_re(v, rf",|và|hoặc|đến|tới|[{_DASH}]") for k, v in _LIST_ITEM.items()}


def _list_year(text: str, pos: int, e: int, kind: str):
    """(year, end of the list or None, last item) for a month/quarter without a year at ``pos``."""
    m = _LIST_EXT[kind].match(text, pos, min(e, pos + 60))
    if m:
        n = m["n"].lower()
        return int(m["y"]), m.end(), (_ROMAN.get(n) or int(n))
    m = _LIST_PROP[kind].match(text, pos, min(e, pos + 60))
    if m:
        return int(m["y"]), None, None
    return None, None, None


def _atoms(text: str, s: int, e: int, anchor_d: Optional[date], A: dict) -> list[TimeExpr]:
    out: list[TimeExpr] = []
    for rx, key in zip(_DATE_PATTERNS, ("d0", "d1", "d2")):
        for m in _anchored(rx, text, A[key], e):
            x = _date_expr(m, text, anchor_d)
            if x:
                out.append(x)
    for m in _anchored(_MONTH_RE, text, A["month"], e):
        mo = int(m["m"])
        if not 1 <= mo <= 12:
            continue
        pre = (m["pre"] or "").strip().lower()
        ly, lend, last = (None, None, None) if m["y"] else _list_year(text, m.end(), e, "month")
        if m["y"]:
            y = int(m["y"])
        elif ly:
            y = ly
        elif anchor_d:
            y = anchor_d.year
        else:
            y = None
        end_ = lend if (lend and last and 1 <= last <= 12) else m.end()
        x = TimeExpr(m.start(), end_, text[m.start():end_], "month")
        if y:
            mo2 = last if end_ != m.end() else mo
            x.value = f"{y}-{mo2:02d}"
            x.first_day = iso(y, mo, 1)
            x.deadline = None if pre in ("đầu", "giữa") else _last_day(y, mo2)
        x._noyear = not (m["y"] or ly)  # type: ignore[attr-defined]
        out.append(x)
    for m in _anchored(_QUARTER_RE, text, A["quarter"], e):
        q = m["q"].lower()
        q = _ROMAN.get(q) or int(q)
        pre = (m["pre"] or "").strip().lower()
        ly, lend, last = (None, None, None) if m["y"] else _list_year(text, m.end(), e, "quarter")
        y = int(m["y"]) if m["y"] else (ly or (anchor_d.year if anchor_d else None))
        end_ = lend if (lend and last) else m.end()
        x = TimeExpr(m.start(), end_, text[m.start():end_], "quarter")
        if y:
            q2 = last if end_ != m.end() else q
            x.value = f"{y}-Q{q2}"
            x.first_day = iso(y, 3 * q - 2, 1)
            x.deadline = None if pre in ("đầu", "giữa") else _last_day(y, 3 * q2)
        x._noyear = not (m["y"] or ly)  # type: ignore[attr-defined]
        out.append(x)
    for m in _anchored(_HALF_RE, text, A["half"], e):
        h = 1 if m["h"].lower() == "đầu" else 2
        x = TimeExpr(m.start(), m.end(), m.group(0), "half")
        if m["y"]:
            y = int(m["y"])
            x.value = f"{y}-H{h}"
            x.first_day = iso(y, 1 if h == 1 else 7, 1)
            x.deadline = _last_day(y, 6 if h == 1 else 12)
        out.append(x)
    for m in _anchored(_YEAR_RE, text, A["year"], e):
        y = int(m["y"])
        pre = (m["pre"] or "").strip().lower()
        x = TimeExpr(m.start(), m.end(), m.group(0), "year", str(y), None if pre in ("đầu", "giữa") else f"{y}-12-31")
        x.first_day = f"{y}-01-01"
        out.append(x)
    for m in _anchored(_CELL_YEAR_RE, text, A["cell"], e):
        y = int(m["y"])
        st = m.start("y")
        x = TimeExpr(st, m.end("y"), m["y"], "year", str(y), f"{y}-12-31", first_day=f"{y}-01-01")
        out.append(x)
    for m in _anchored(_RANGE_RE, text, A["range"], e):
        y1, y2 = int(m["y1"]), int(m["y2"])
        if re.search(r"(?:năm\s+học|niên\s+khóa|niên\s+khoá|niên\s+độ)\s+$", text[max(0, m.start() - 12):m.start()], _F):
            continue  # a school or fiscal year does not run January to December
        if not (y1 < y2 <= y1 + 50):
            continue
        end_ = None if m["more"] else f"{y2}-12-31"
        x = TimeExpr(m.start(), m.end(), m.group(0), "period", None, None,
                     period={"start": f"{y1}-01-01", "end": end_})
        out.append(x)
    return out


def _pick(cands: list[TimeExpr]) -> list[TimeExpr]:
    """Non-overlapping, earliest first then longest."""
    cands.sort(key=lambda x: (x.start, -(x.end - x.start)))
    out: list[TimeExpr] = []
    last = -1
    for c in cands:
        if c.start >= last:
            out.append(c)
            last = c.end
    return out


def _recurrences(text: str, s: int, e: int, A: dict) -> list[TimeExpr]:
    out = []
    for m in _anchored(_REC_RE, text, A["rec"] + A["rec0"], e):
        w = m["w"] or m["w2"] or m["w3"]
        r = _norm_rec(w)
        if r is None:
            continue
        vals = [r]
        end = m.end()
        while True:
            mm = _REC_MORE_RE.match(text, end, e)
            if not mm:
                break
            r2 = _norm_rec(mm["w"])
            if r2 is None:
                break
            vals.append(r2)
            end = mm.end()
        uniq = [v for v in _ORDER if v in vals]
        x = TimeExpr(m.start(), end, text[m.start():end], "recurrence",
                     recurrence=uniq[0] if len(uniq) == 1 else uniq)
        out.append(x)
    for m in _anchored(_PER_RE, text, A["per"], e):
        n = m["n"].lower()
        n = int(n) if n.isdigit() else {"một": 1, "hai": 2, "bốn": 4}[n]
        r = _PER_MAP.get((m["u"].lower(), n))
        if r:
            out.append(TimeExpr(m.start(), m.end(), m.group(0), "recurrence", recurrence=r))
    for m in _anchored(_REC_OF_RE, text, A["recof"], e):
        r = _norm_rec(m["w"])
        if r:
            out.append(TimeExpr(m.start(), m.end(), m.group(0), "recurrence", recurrence=r))
    return out


def _relatives(text: str, s: int, e: int, anchor_d: Optional[date], atoms: list[TimeExpr], A: dict) -> list[TimeExpr]:
    _, _, events, _, _ = _cues()
    by_start = {a.start: a for a in atoms}
    out = []
    for m in _anchored(_RELATIVE_RE, text, A["rel"], e):
        if not m["pre"] and not m["tail"]:
            continue
        nraw = m["n"].lower()
        n = int(nraw) if nraw.isdigit() else _NUMWORDS.get(re.sub(r"\s+", " ", nraw))
        if not n:
            continue
        unit = re.sub(r"\s+", " ", m["u"].lower())
        if unit == "năm" and not m["tail"] and not m["pre"]:
            continue
        end = m.end()
        base: Optional[date] = None
        if m["tail"]:
            # the event: an explicit date, the document's own signing, or words up to punctuation
            k = end
            while k < e and text[k] in " \t":
                k += 1
            a = by_start.get(k)
            if a is None and k > 0:
                # "kể từ ngày" already ate "ngày": the atom may start at "ngày"
                a = by_start.get(k - 5) if text[max(0, k - 5):k].lower() == "ngày " else None
            if a is not None and a.kind in ("date", "datetime"):
                base = _to_date(a.value)
                end = a.end
            else:
                low = text[k:k + 40].lower()
                hit = None
                for ev in events:
                    if low.startswith(ev) and not (len(low) > len(ev) and low[len(ev)].isalpha()):
                        hit = ev
                        break
                td = _THIS_DOC_RE.match(text, k + len(hit), e) if hit else None
                sd = None if td else _SELF_EVENT_RE.match(text, k, e)
                if hit and td:
                    base = anchor_d
                    end = td.end()
                elif sd:
                    base = anchor_d
                    end = sd.end()
                else:
                    mm = re.compile(r"[^,.;:()\n]{0,80}").match(text, k, e)
                    end = mm.end() if mm else k
                    while end > k and text[end - 1] in " \t":
                        end -= 1
        dl = None
        if base and unit != "ngày làm việc":
            if unit == "ngày":
                dl = (base + timedelta(days=n)).isoformat()
            elif unit == "tuần":
                dl = (base + timedelta(days=7 * n)).isoformat()
            elif unit == "tháng":
                dl = _add_months(base, n).isoformat()
            elif unit == "năm":
                dl = _add_months(base, 12 * n).isoformat()
        x = TimeExpr(m.start(), end, text[m.start():end], "relative", None, dl)
        pre = (m["pre"] or "").lower()
        x.is_deadline_cue = bool(pre) and not pre.startswith("sau")
        out.append(x)
    return out


def _ongoing(text: str, s: int, e: int) -> list[TimeExpr]:
    _, ongoing, _, _, _ = _cues()
    low = _lower(text)
    rx = _ongoing_re(tuple(ongoing))
    firsts = sorted({w.split()[0].rstrip(",") for w in ongoing})
    out = []
    seen = set()
    for w in firsts:
        i = low.find(w, s, e)
        while i >= 0:
            if (i == 0 or not low[i - 1].isalnum()) and i not in seen:
                seen.add(i)
                m = rx.match(text, i, e)
                if m and not re.search(r"(?<![\w])chi\s+$", low[max(0, i - 6):i]):  # "chi thường xuyên" = spending
                    out.append(TimeExpr(i, m.end(), m.group(0), "ongoing"))
            i = low.find(w, i + 1, e)
    return out


@functools.lru_cache(maxsize=4)
def _ongoing_re(words: tuple) -> re.Pattern:
    return re.compile(rf"(?<![\w])(?:{_alt(words)})(?![\w])", _F)


@functools.lru_cache(maxsize=4)
def _cue_re(cues: tuple) -> re.Pattern:
    # a filler may sit between the cue and the time: "Thời gian thực hiện: đến ngày …", "chậm nhất là vào …"
    return re.compile(rf"(?:^|(?<=[^\w]))(?:{_alt(cues)})(?:\s+(?:là|vào|đến|tới|trong))?\s*$", _F)


_OPEN_END_RE = re.compile(r"\(\s*$")


def _line_alone(text: str, x: TimeExpr) -> bool:
    """The expression is all of its line / table cell (a "Thời hạn" column)."""
    i = x.start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i > 0 and text[i - 1] not in "\n|":
        return False
    j = x.end
    while j < len(text) and text[j] in " \t.;":
        j += 1
    return j >= len(text) or text[j] in "\n|"


# ---------------------------------------------------------------------------
# main entry


def find_times(text: str, start: int = 0, end: Optional[int] = None, anchor: Optional[str] = None, *,
               lower: Optional[str] = None) -> list[TimeExpr]:
    """Every temporal expression in ``text[start:end]``, offsets into ``text``, in order.

    ``anchor`` is the document's ISO issue date: it dates expressions without a
    year ("trước 20h00 ngày 25/5") and relative deadlines counted from the
    signing ("trong thời hạn 30 ngày kể từ ngày ký").

    ``lower``: a caller that has ``text`` lower-cased with offsets kept (``text.lower()``,
    or character by character where that changes the length) may pass it, saving the work.
    """
    if end is None:
        end = len(text)
    if lower is not None:
        if len(lower) != len(text):
            raise ValueError("lower: not the same length as text")
        _LOWER_CACHE[0] = (text, lower)
    anchor_d = _to_date(anchor)
    A = _anchors(text, start, end)
    atoms = _pick(_atoms(text, start, end, anchor_d, A))
    recs = _recurrences(text, start, end, A)
    rels = _relatives(text, start, end, anchor_d, atoms, A)

    # recurrences and relatives win over atoms they overlap; a no-year date
    # just before "hằng tháng/năm" joins the recurrence ("trước ngày 10 tháng 01 hàng năm").
    big = _pick(recs + rels + _ongoing(text, start, end))
    res: list[TimeExpr] = []
    # big is sorted and its items do not overlap (_pick): an atom overlaps one of them iff the
    # last that starts at or before it runs past its start, or the next starts inside it
    bstarts = [b.start for b in big]
    for a in atoms:
        k = bisect.bisect_right(bstarts, a.start)
        if k and a.start < big[k - 1].end:
            continue
        k = bisect.bisect_left(bstarts, a.start, k - 1 if k else 0)
        if k < len(big) and bstarts[k] < a.end:
            continue
        res.append(a)
    for b in big:
        if b.kind == "recurrence":
            # merge a date/month directly before ("ngày 30/11 hằng năm", "tháng 6 hàng năm")
            for a in list(res):
                if getattr(a, "_noyear", False) and a.end <= b.start and not text[a.end:b.start].strip():
                    res.remove(a)
                    b.start = a.start
                    b.text = text[b.start:b.end]
                    break
        res.append(b)
    res.sort(key=lambda x: (x.start, -(x.end - x.start)))

    # periods: "từ X (trở đi | đến Y)", "từ nay đến Y"
    merged: list[TimeExpr] = []
    i = 0
    while i < len(res):
        x = res[i]
        if x.kind in ("date", "datetime", "month", "quarter", "half", "year") and x.first_day:
            before = text[max(start, x.start - 25):x.start]
            fm = _FROM_RE.search(before)
            nlo = max(start, x.start - 40)
            nm = _FROM_NOW_RE.search(text[nlo:x.start])
            if fm and not fm["ke"]:
                st = x.start - (len(before) - fm.start())
                p_end: Optional[str] = None
                en = x.end
                om = _ONWARD_RE.match(text, x.end, end)
                um = _UNTIL_RE.match(text, x.end, end)
                if om:
                    en = om.end()
                elif um and i + 1 < len(res) and res[i + 1].start == um.end() and res[i + 1].deadline \
                        and res[i + 1].kind in ("date", "datetime", "month", "quarter", "half", "year"):
                    y2 = res[i + 1]
                    p_end = y2.deadline
                    en = y2.end
                    i += 1
                p = TimeExpr(st, en, text[st:en], "period", None, None,
                             period={"start": x.first_day, "end": p_end})
                merged.append(p)
                i += 1
                continue
            am = _AND_AFTER_RE.match(text, x.end, end) if x.kind in ("year", "month", "quarter", "date") else None
            if am:
                p = TimeExpr(x.start, am.end(), text[x.start:am.end()], "period", None, None,
                             period={"start": x.first_day, "end": None})
                merged.append(p)
                i += 1
                continue
            if nm and x.deadline:
                st = nlo + nm.start()
                p = TimeExpr(st, x.end, text[st:x.end], "period", None, None,
                             period={"start": anchor, "end": x.deadline})
                merged.append(p)
                i += 1
                continue
        merged.append(x)
        i += 1
    res = merged

    # cues, no-year dates near a recurrence, table cells
    cues, *_ = _cues()
    cre = _cue_re(tuple(cues))
    ncre = _cue_re(tuple(_not_cues())) if _not_cues() else None
    rec_spans = [(r.start, r.end) for r in res if r.kind == "recurrence"]
    for x in res:
        if x.kind == "relative":
            continue
        ls = text.rfind("\n", 0, x.start) + 1
        before = text[max(ls, x.start - 60):x.start]
        if "(" in before:
            before = _OPEN_END_RE.sub("", before)
        if cre.search(before) and not (ncre and ncre.search(before)):
            x.is_deadline_cue = True
        elif _line_alone(text, x) and x.kind in ("date", "datetime", "month", "quarter", "half", "year"):
            x.is_deadline_cue = True
        if getattr(x, "_noyear", False):
            near = any(rs - 40 <= x.end and x.start <= re_ + 40 for rs, re_ in rec_spans)
            if near:
                x.deadline = None
            elif x.deadline and anchor_d and x.is_deadline_cue and x.kind in ("date", "datetime", "month", "quarter"):
                # a deadline without a year that would fall before the document: next year's
                dd = _to_date(x.deadline)
                if dd and dd < anchor_d:
                    x.deadline = _next_year(x.deadline)
                    x.first_day = _next_year(x.first_day)
                    if x.kind in ("date", "datetime"):
                        x.value = x.deadline
                    elif x.value:
                        x.value = str(int(x.value[:4]) + 1) + x.value[4:]
        if hasattr(x, "_noyear"):
            del x._noyear
    return res


__all__ = ["DATE_RE", "iso", "parse_date_text", "TimeExpr", "find_times"]
