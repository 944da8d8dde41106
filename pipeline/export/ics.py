"""Checklist as iCalendar: one VTODO per due date (tasks without a due date are left out)."""
from __future__ import annotations

from datetime import datetime, timezone

_STATUS = {"open": "NEEDS-ACTION", "in_progress": "IN-PROCESS", "done": "COMPLETED", "cancelled": "CANCELLED"}


def _summary(text: str, n: int = 120) -> str:
    s = " ".join(text.split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def render(cl) -> bytes:
    from icalendar import Calendar, Todo

    cal = Calendar()
    cal.add("prodid", "-//vanban//checklist//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", cl.title)
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    for r in cl.rows:
        if r.due is None:
            continue
        t = Todo()
        t.add("uid", f"vanban-task-{r.task_id}@vanban")
        t.add("dtstamp", stamp)
        t.add("summary", _summary(r.text))
        lines = [r.text, ""]
        if r.leads:
            lines.append("Chủ trì: " + "; ".join(r.leads))
        if r.partners:
            lines.append("Phối hợp: " + "; ".join(r.partners))
        if r.recurrence_vi:
            lines.append("Định kỳ: " + r.recurrence_vi)
        lines.append("Văn bản nguồn: " + r.source)
        lines.append(f"Mã: {r.task_id}")
        t.add("description", "\n".join(lines))
        t.add("due", r.due)
        t.add("status", _STATUS.get(r.status, "NEEDS-ACTION"))
        if r.leads:
            t.add("categories", r.leads)
        if r.status == "done":
            t.add("percent-complete", 100)
        cal.add_component(t)
    return cal.to_ical()
