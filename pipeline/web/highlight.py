"""The document text as HTML with its marks: references, obligations, bodies, dates.

:func:`spans_of` collects :class:`Span` s (offsets into the clean text);
:func:`render_marks` turns text + spans into HTML where every piece of the
text goes through :func:`markupsafe.escape`.  Overlapping spans that cross
(a reference that starts inside an obligation and ends after it) are split,
so the elements always nest: each piece of a split span carries the same
``data-mark`` id.  Each span ends with a small badge showing its normalised
value (canonical symbol linking to the cited document, deadline as a date,
canonical body name).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from markupsafe import Markup, escape

# order of nesting when two spans start and end at the same offsets (outer first)
_KIND_RANK = {"obligation": 0, "reference": 1, "body": 2, "date": 3}


@dataclass
class Span:
    start: int
    end: int
    kind: str  # obligation | reference | body | date
    title: str = ""  # tooltip (plain text; escaped on output)
    badge: str = ""  # normalised value shown after the span (plain text)
    href: Optional[str] = None  # where the badge links (built by the app, never from document text)
    classes: list[str] = field(default_factory=list)
    id: str = ""


def vi_date(iso: Optional[str]) -> str:
    """``"2026-03-31"`` → ``"31/03/2026"`` (other values as they are)."""
    if not iso:
        return ""
    try:
        d = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _norm_ws(s: str) -> str:
    return " ".join((s or "").split()).casefold()


def spans_of(text: str, *, references=(), obligations=(), bodies=(), times=(),
             ref_href=None) -> list[Span]:
    """Spans of the stored rows (``start``/``end``/fields as :mod:`pipeline.store` keeps them) and of
    :class:`pipeline.dates.TimeExpr` s; ``ref_href(reference)`` gives the link of a reference's badge."""
    n = len(text)
    out: list[Span] = []

    def ok(a, b) -> bool:
        return a is not None and b is not None and 0 <= a < b <= n

    for i, o in enumerate(obligations):
        if not ok(o.start, o.end):
            continue
        who = "; ".join(o.actors or [])
        tip = ["Nhiệm vụ" if o.kind == "task" else {"prohibition": "Điều cấm", "report": "Báo cáo",
                                                    "target": "Chỉ tiêu"}.get(o.kind, o.kind)]
        if who:
            tip.append(f"Chủ trì: {who}")
        if o.partners:
            tip.append("Phối hợp: " + "; ".join(o.partners))
        if o.deadline:
            tip.append(f"Thời hạn: {vi_date(o.deadline)}")
        rec = o.recurrence
        if rec:
            from pipeline.track import RECURRENCE_VI

            recs = [rec] if isinstance(rec, str) else list(rec)
            tip.append("Định kỳ: " + ", ".join(RECURRENCE_VI.get(r, r) for r in recs))
        badge = ("hạn " + vi_date(o.deadline)) if o.deadline else ""
        out.append(Span(o.start, o.end, "obligation", " · ".join(tip), badge, None, [f"k-{o.kind}"], f"o{i}"))
    for i, r in enumerate(references):
        if not ok(r.start, r.end):
            continue
        label = " ".join(x for x in (r.doc_type, r.symbol) if x) or (r.title or "")
        tip = [label] if label else []
        if r.date:
            tip.append(f"ngày {vi_date(r.date)}")
        if r.issuer:
            tip.append(r.issuer)
        if r.relation and r.relation != "cites":
            tip.append({"based_on": "căn cứ", "implements": "triển khai", "replaces": "thay thế",
                        "amends": "sửa đổi", "repeals": "bãi bỏ"}.get(r.relation, r.relation))
        badge = r.symbol or (r.doc_type or "")
        href = ref_href(r) if ref_href else None
        out.append(Span(r.start, r.end, "reference", " · ".join(tip), badge, href, [f"rel-{r.relation}"], f"r{i}"))
    for i, b in enumerate(bodies):
        if not ok(b.start, b.end):
            continue
        canon = b.canonical or b.text
        badge = canon if _norm_ws(canon) != _norm_ws(b.text) else ""
        out.append(Span(b.start, b.end, "body", f"Cơ quan: {canon}", badge, None, [], f"b{i}"))
    for i, t in enumerate(times):
        if not ok(t.start, t.end):
            continue
        val = t.deadline or t.value
        if t.kind == "date" or (t.value and len(str(t.value)) == 10):
            shown = vi_date(t.value)
        elif t.deadline:
            shown = "đến " + vi_date(t.deadline)
        else:
            shown = str(t.value or "")
        tip = f"Thời gian: {shown}" if shown else "Thời gian"
        if t.recurrence:
            tip += f" (định kỳ {t.recurrence if isinstance(t.recurrence, str) else ', '.join(t.recurrence)})"
        out.append(Span(t.start, t.end, "date", tip, shown if val else "", None, [f"t-{t.kind}"], f"d{i}"))
    return out


def _open(sp: Span, first: bool) -> str:
    cls = " ".join(["mk", f"mk-{sp.kind}", *sp.classes] + ([] if first else ["mk-cont"]))
    return (f'<span class="{escape(cls)}" data-mark="{escape(sp.id)}" title="{escape(sp.title)}">')


def _badge(sp: Span) -> str:
    if not sp.badge:
        return ""
    inner = escape(sp.badge)
    if sp.href:
        inner = Markup(f'<a href="{escape(sp.href)}">{inner}</a>')
    return f'<span class="nv nv-{escape(sp.kind)}">{inner}</span>'


def render_marks(text: str, spans: list[Span]) -> Markup:
    """``text`` as HTML: every text piece escaped, spans as nested ``<span class="mk …">`` elements."""
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    # outer first: earlier start, then longer, then kind rank
    spans.sort(key=lambda s: (s.start, -s.end, _KIND_RANK.get(s.kind, 9)))
    starts: dict[int, list[Span]] = {}
    for s in spans:
        starts.setdefault(s.start, []).append(s)
    bounds = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    stack: list[Span] = []
    opened: set[str] = set()
    cont: dict[str, str] = {}  # the opening tag of a continued piece, per span id

    def reopen_tag(t: Span) -> str:
        tag = cont.get(t.id)
        if tag is None:
            tag = cont[t.id] = _open(t, False)
        return tag

    for k, pos in enumerate(bounds):
        # close the spans that end here.  The stack's ends never grow towards its top (see below) and
        # every end is a boundary, so the spans ending here are exactly those on top with this end
        while stack and stack[-1].end == pos:
            top = stack.pop()
            out.append("</span>")
            out.append(_badge(top))
        # open the spans that start here (outer first).  The stack's ends never grow towards its top;
        # a span that outlives open ones closes them, opens, and reopens them inside itself (split pieces)
        for sp in starts.get(pos, []):
            reopen = []
            while stack and stack[-1].end < sp.end:
                reopen.append(stack.pop())
                out.append("</span>")
            out.append(_open(sp, sp.id not in opened))
            opened.add(sp.id)
            stack.append(sp)
            for t in reversed(reopen):
                out.append(reopen_tag(t))
                stack.append(t)
        if k + 1 < len(bounds):
            out.append(escape(text[pos:bounds[k + 1]]))
    while stack:  # spans reaching the end of the text
        top = stack.pop()
        out.append("</span>")
        out.append(_badge(top))
    return Markup("".join(out))
