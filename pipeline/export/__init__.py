"""Checklists of tasks: one body's or one document's, in md, html, docx, xlsx or ics.

:func:`build_checklist` reads the tasks (``pipeline.track``) into a
:class:`Checklist`; :func:`render` turns it into the bytes of one format;
:func:`write` saves it.  Each format lives in its own module (``md``, ``html``,
``docx``, ``xlsx``, ``ics``) with one function ``render(checklist) -> bytes``.
Headings and status words are Vietnamese, as the offices write them.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

FORMATS = ("md", "html", "docx", "xlsx", "ics")
# columns of the checklist table, in order (xlsx has them all; docx drops "Văn bản nguồn" and "Mã")
COLUMNS = ("STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn", "Định kỳ", "Văn bản nguồn", "Trạng thái", "Mã")


@dataclass
class ChecklistRow:
    stt: int
    task_id: int
    text: str
    leads: list[str]
    partners: list[str]
    due: Optional[date]
    recurrence: Optional[str]  # code: quarterly, …
    source: str  # "Kế hoạch 12/KH-UBND, mục II.1"
    status: str  # code: open, in_progress, done, cancelled
    timeliness: Optional[str] = None  # on_time, late, overdue
    kind: str = "task"
    vanished: bool = False

    @property
    def status_vi(self) -> str:
        from pipeline.track import STATUS_VI

        return STATUS_VI.get(self.status, self.status)

    @property
    def recurrence_vi(self) -> str:
        from pipeline.track import RECURRENCE_VI

        return RECURRENCE_VI.get(self.recurrence, self.recurrence or "") if self.recurrence else ""

    @property
    def timeliness_vi(self) -> str:
        from pipeline.track import TIMELINESS_VI

        return TIMELINESS_VI.get(self.timeliness, "") if self.timeliness else ""

    @property
    def due_text(self) -> str:
        return self.due.strftime("%d/%m/%Y") if self.due else ""

    def values(self) -> list:
        """The cells of :data:`COLUMNS` as text (Mã as int)."""
        return [self.stt, self.text, "; ".join(self.leads), "; ".join(self.partners), self.due_text,
                self.recurrence_vi, self.source, self.status_vi, self.task_id]


@dataclass
class Checklist:
    title: str
    source: str  # the line under the title: the document, or the body
    rows: list[ChecklistRow] = field(default_factory=list)
    generated: date = field(default_factory=date.today)
    document_id: Optional[int] = None
    body: Optional[str] = None


def _doc_label(t) -> str:
    """"Kế hoạch số 12/KH-UBND" (or what of it the task knows; the file name when no symbol)."""
    if t.doc_symbol:
        return f"{t.doc_type} số {t.doc_symbol}" if t.doc_type else t.doc_symbol
    return Path(t.doc_source).name if t.doc_source else f"văn bản {t.document_id}"


def build_checklist(session, doc=None, body: Optional[str] = None, *, status=None, today: Optional[date] = None,
                    include_vanished: bool = False, document_id: Optional[int] = None) -> Checklist:
    """The checklist of one document (``doc``: id, symbol or path) and/or one body (lead or partner)."""
    from pipeline import track

    today = today or date.today()
    if doc is not None and document_id is None:
        document_id = track.resolve_document(session, doc)
        if document_id is None:
            raise track.TaskError(f"no document {doc!r} in the database")
    tasks = track.query_tasks(session, document_id=document_id, body=body, status=status, today=today,
                              include_vanished=include_vanished)
    if document_id is not None:  # a document's checklist reads in the document's order
        tasks.sort(key=lambda t: (t.seq, t.due is None, t.due or date.min, t.id))
    rows = []
    for i, t in enumerate(tasks, 1):
        src = _doc_label(t) + (f", mục {t.section}" if t.section else "")
        rows.append(ChecklistRow(stt=i, task_id=t.id, text=t.text, leads=list(t.leads or []),
                                 partners=list(t.partners or []), due=t.due, recurrence=t.recurrence, source=src,
                                 status=t.status, timeliness=track.timeliness(t, today), kind=t.kind,
                                 vanished=bool(t.vanished)))
    if document_id is not None:
        t0 = tasks[0] if tasks else None
        label, source = _doc_source_line(session, document_id, t0)
        title = f"Danh mục nhiệm vụ triển khai {label}"
        if body:
            title += f" — {body}"
    else:
        title = f"Danh mục nhiệm vụ của {body}" if body else "Danh mục nhiệm vụ"
        source = f"Cơ quan: {body}" if body else "Tất cả văn bản"
    return Checklist(title=title, source=source, rows=rows, generated=today, document_id=document_id, body=body)


def _doc_source_line(session, document_id: int, t0) -> tuple[str, str]:
    """(short label, full source line) of a document, from the store when it has the row."""
    doc_type = symbol = title = issued = src = None
    try:
        from pipeline import store

        d = session.get(store.Document, document_id)
    except Exception:
        d = None
    if d is not None:
        doc_type, symbol, title, issued, src = d.doc_type, d.symbol, d.title, d.issued_date, d.source
    elif t0 is not None:
        doc_type, symbol, title, src = t0.doc_type, t0.doc_symbol, t0.doc_title, t0.doc_source
        issued = t0.doc_date.isoformat() if t0.doc_date else None
    label = (f"{doc_type or 'Văn bản'} số {symbol}" if symbol else
             (doc_type or (Path(src).name if src else f"văn bản {document_id}")))
    line = label
    if issued:
        try:
            line += " ngày " + date.fromisoformat(str(issued)[:10]).strftime("%d/%m/%Y")
        except ValueError:
            pass
    if title:
        line += f" {title}"
    if not symbol and src:
        line += f" ({Path(src).name})"
    return label, line


def render(checklist: Checklist, fmt: str) -> bytes:
    """The checklist in one of :data:`FORMATS`, as bytes (text formats UTF-8)."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "markdown":
        fmt = "md"
    if fmt not in FORMATS:
        raise ValueError(f"unknown checklist format {fmt!r} (use one of {', '.join(FORMATS)})")
    mod = importlib.import_module(f"pipeline.export.{fmt}")
    return mod.render(checklist)


def write(checklist: Checklist, fmt: str, path) -> Path:
    path = Path(path)
    path.write_bytes(render(checklist, fmt))
    return path


def format_of(path, default: str = "md") -> str:
    """The format a file name asks for (``f.xlsx`` → ``xlsx``)."""
    suf = Path(path).suffix.lower().lstrip(".")
    return {"markdown": "md", "htm": "html", "ical": "ics"}.get(suf, suf) if suf else default
