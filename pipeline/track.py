"""Tasks from obligations, and their lifecycle.

Every obligation of an ingested document becomes one task per due date: a
one-off obligation is one task (due on its deadline, or undated); a recurring
one ("báo cáo hằng quý") is one task per occurrence — each quarter's end
inside the obligation's period, from its start (or the document's date)
through ``horizon_days`` past today.

A task keeps its identity across versions of its document.  The identity of
an obligation is a fingerprint of its normalised text and actors; when a new
version arrives, its obligations are matched to the tasks already tracked —
same fingerprint first, then the most similar text (difflib ratio ≥
``FUZZY_RATIO``).  Matched tasks keep their status and history; new
obligations become new tasks; tasks whose obligation vanished are flagged
(``vanished``), never deleted.

Status is typed (``open`` → ``in_progress`` → ``done``, or ``cancelled``);
timeliness (``on_time`` / ``late`` / ``overdue``) is computed from the due
date, the status and the day it was completed.  Every change is a
:class:`TaskEvent` (when, by whom, what, note).

Public API: :func:`sync_tasks` (called by ingest inside its transaction),
:func:`open_session`, :func:`query_tasks`, :func:`task_dict`,
:func:`set_status`, :func:`history`, :func:`resolve_document`,
:func:`parse_status`, :func:`import_statuses`, :func:`occurrences`,
:func:`fingerprint`.
"""
from __future__ import annotations

import calendar
import contextlib
import csv
import difflib
import getpass
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence

from sqlalchemy import JSON, Boolean, Date, DateTime, Index, Integer, String, Text, or_, select, type_coerce
from sqlalchemy.types import TypeDecorator
from sqlalchemy.orm import Mapped, Session, mapped_column

try:  # the store owns Base and the engine; until it lands, a private fallback
    from pipeline.store import Base  # type: ignore
    _HAVE_STORE = True
except ImportError:  # pragma: no cover - only before store.py exists
    from sqlalchemy.orm import DeclarativeBase

    class Base(DeclarativeBase):  # type: ignore[no-redef]
        pass

    _HAVE_STORE = False


STATUSES = ("open", "in_progress", "done", "cancelled")
STATUS_VI = {
    "open": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành",
    "cancelled": "Hủy",
}
TIMELINESS_VI = {"on_time": "Đúng hạn", "late": "Trễ hạn", "overdue": "Quá hạn"}
RECURRENCE_VI = {
    "weekly": "Hằng tuần",
    "monthly": "Hằng tháng",
    "quarterly": "Hằng quý",
    "semiannual": "6 tháng",
    "annual": "Hằng năm",
}
# words an analyst may type in a "Trạng thái" cell, normalised by _status_key
_STATUS_WORDS = {
    "open": ["chưa thực hiện", "chưa làm", "chưa bắt đầu", "mới", "open", "todo", "to do", "not started", "pending"],
    "in_progress": ["đang thực hiện", "đang làm", "đang triển khai", "in progress", "in_progress", "started",
                    "doing", "ongoing"],
    "done": ["hoàn thành", "đã hoàn thành", "đã thực hiện", "xong", "done", "completed", "complete", "finished"],
    "cancelled": ["hủy", "huỷ", "đã hủy", "đã huỷ", "hủy bỏ", "huỷ bỏ", "không thực hiện", "cancelled", "canceled",
                  "cancel"],
}

FUZZY_RATIO = 0.8
DEFAULT_HORIZON_DAYS = 365
HORIZON_ENV = "VANBAN_TASK_HORIZON"  # days (or 18m, 2y) past today that recurring tasks are expanded to
# recurrence of an occurrence label when several coincide (the widest names it)
_REC_RANK = {"weekly": 0, "monthly": 1, "quarterly": 2, "semiannual": 3, "annual": 4}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers)
        return os.environ.get("USER") or "unknown"


# ---------------------------------------------------------------------------
# tables


class StrList(TypeDecorator):
    """A list of names stored as one text ("\x1f"-separated): portable, and fast to read back."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return ""
        return "\x1f".join(str(v).replace("\x1f", " ") for v in value)

    def process_result_value(self, value, dialect):
        return value.split("\x1f") if value else []



class Task(Base):
    """One dated (or undated) unit of work from one obligation of one document."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, index=True)
    version_id: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(40), index=True)  # identity of the obligation (stable)
    current_fp: Mapped[str] = mapped_column(String(40))  # fingerprint of its text in the latest version
    occurrence: Mapped[str] = mapped_column(String(10), default="")  # ISO due date of this occurrence, "" if one-off
    seq: Mapped[int] = mapped_column(Integer, default=0)  # order of the obligation in its document
    kind: Mapped[str] = mapped_column(String(16), default="task")
    text: Mapped[str] = mapped_column(Text)
    norm: Mapped[str] = mapped_column(Text)
    actors: Mapped[list] = mapped_column(StrList, default=list)  # as written
    leads: Mapped[list] = mapped_column(StrList, default=list)  # canonical names
    partners: Mapped[list] = mapped_column(StrList, default=list)  # canonical names
    lead_key: Mapped[str] = mapped_column(Text, default="")  # lowercased, \x1f-joined, for filtering
    partner_key: Mapped[str] = mapped_column(Text, default="")
    report_to: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    deadline: Mapped[Optional[date]] = mapped_column(Date, nullable=True)
    recurrence: Mapped[Optional[str]] = mapped_column(String(16), nullable=True)  # of this occurrence
    recurrences: Mapped[Optional[list]] = mapped_column(JSON, nullable=True)  # of the obligation
    period_start: Mapped[Optional[date]] = mapped_column(Date, nullable=True)
    period_end: Mapped[Optional[date]] = mapped_column(Date, nullable=True)
    due: Mapped[Optional[date]] = mapped_column(Date, nullable=True, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    vanished: Mapped[bool] = mapped_column(Boolean, default=False)
    vanished_note: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    section: Mapped[Optional[str]] = mapped_column(Text, nullable=True)  # free-form: no length limit
    span_start: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    span_end: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    doc_symbol: Mapped[Optional[str]] = mapped_column(String(128), nullable=True, index=True)
    doc_type: Mapped[Optional[str]] = mapped_column(String(64), nullable=True)
    doc_title: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    doc_date: Mapped[Optional[date]] = mapped_column(Date, nullable=True)
    doc_source: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_utcnow)
    completed_at: Mapped[Optional[datetime]] = mapped_column(DateTime, nullable=True)

    __table_args__ = (Index("ix_tasks_doc_fp_occ", "document_id", "fingerprint", "occurrence"),)

    def __repr__(self) -> str:  # pragma: no cover
        return f"<Task {self.id} {self.status} due={self.due} {self.text[:40]!r}>"


class TaskEvent(Base):
    """One change of a task: created, status changes, updates from a new version, vanished."""

    __tablename__ = "task_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=_utcnow)
    by: Mapped[str] = mapped_column(Text, default="vanban")
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[Optional[str]] = mapped_column(String(16), nullable=True)
    to_status: Mapped[Optional[str]] = mapped_column(String(16), nullable=True)
    note: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    version_id: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)


TABLES = [Task.__table__, TaskEvent.__table__]


_ENSURED: set = set()


def ensure_tables(bind) -> None:
    """Create the tracker's tables if they are missing (idempotent; once per engine)."""
    eng = getattr(bind, "engine", bind)
    key = (id(eng), str(getattr(eng, "url", "")))
    if key in _ENSURED:
        return
    Base.metadata.create_all(bind, tables=TABLES, checkfirst=True)
    _ENSURED.add(key)


def _default_url() -> str:
    url = os.environ.get("VANBAN_DB")
    if url:
        return url
    from platformdirs import user_data_dir

    d = Path(user_data_dir("vanban"))
    d.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{d / 'vanban.db'}"


@contextlib.contextmanager
def open_session(url: Optional[str] = None) -> Iterator[Session]:
    """A session on the store's database (``url``, else VANBAN_DB, else the store's default).

    Commits on success, rolls back on error; the tracker's tables exist.
    """
    try:
        from pipeline import store  # type: ignore
    except ImportError:  # pragma: no cover - before store.py exists
        store = None
    if store is not None and hasattr(store, "session_scope"):
        with store.session_scope(url) as s:
            ensure_tables(s.get_bind())
            yield s
        return
    from sqlalchemy import create_engine  # pragma: no cover - fallback

    eng = create_engine(url or _default_url())  # pragma: no cover
    ensure_tables(eng)  # pragma: no cover
    with Session(eng) as s:  # pragma: no cover
        try:
            yield s
            s.commit()
        except Exception:
            s.rollback()
            raise


# ---------------------------------------------------------------------------
# identity

_PUNCT_RE = re.compile(r"[^\w\s]", re.UNICODE)
_WS_RE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text for comparison: NFC, lower case, punctuation dropped, spaces collapsed, old/new tone marks unified."""
    s = unicodedata.normalize("NFC", text or "").lower()
    s = s.replace("òa", "oà").replace("óa", "oá").replace("ỏa", "oả").replace("õa", "oã").replace("ọa", "oạ")
    s = s.replace("òe", "oè").replace("óe", "oé").replace("ỏe", "oẻ").replace("õe", "oẽ").replace("ọe", "oẹ")
    s = s.replace("ùy", "uỳ").replace("úy", "uý").replace("ủy", "uỷ").replace("ũy", "uỹ").replace("ụy", "uỵ")
    s = _PUNCT_RE.sub(" ", s)
    return _WS_RE.sub(" ", s).strip()


def fingerprint(text: str, actors: Sequence[str] = ()) -> str:
    """Identity of an obligation: a hash of its normalised text and sorted normalised actors."""
    key = normalise(text) + "\x1e" + "\x1f".join(sorted(normalise(a) for a in actors or ()))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:32]


def _canonical(name: str) -> str:
    try:
        from pipeline.find.bodies import canonical_body
    except ImportError:  # pragma: no cover
        return _WS_RE.sub(" ", name).strip()
    try:
        out = canonical_body(name)
    except Exception:  # a body name the canonicaliser cannot take: keep it as written
        out = name
    return _WS_RE.sub(" ", out or name).strip()


def _uniq(xs: Iterable[str]) -> list[str]:
    seen, out = set(), []
    for x in xs:
        if x and x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _key(names: Iterable[str]) -> str:
    names = list(names)
    return ("\x1f" + "\x1f".join(n.lower() for n in names) + "\x1f") if names else ""


# ---------------------------------------------------------------------------
# dates and occurrences


def _d(s) -> Optional[date]:
    if s is None or s == "":
        return None
    if isinstance(s, datetime):
        return s.date()
    if isinstance(s, date):
        return s
    try:
        return date.fromisoformat(str(s)[:10])
    except ValueError:
        return None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _recs(recurrence) -> list[str]:
    if recurrence is None:
        return []
    if isinstance(recurrence, str):
        recurrence = [recurrence]
    return [r for r in recurrence if r in _REC_RANK]


def _dates_of(rec: str, start: date, end: date) -> list[date]:
    out: list[date] = []
    if rec == "weekly":  # each week's Friday
        d = start + timedelta(days=(4 - start.weekday()) % 7)
        while d <= end:
            out.append(d)
            d += timedelta(days=7)
        return out
    months = {"monthly": range(1, 13), "quarterly": (3, 6, 9, 12), "semiannual": (6, 12), "annual": (12,)}[rec]
    for y in range(start.year, end.year + 1):
        for m in months:
            d = _month_end(y, m)
            if start <= d <= end:
                out.append(d)
    return out


def occurrences(recurrence, period: Optional[dict] = None, deadline=None, anchor=None,
                today: Optional[date] = None, horizon_days: int = DEFAULT_HORIZON_DAYS,
                kind: str = "task") -> list[tuple[Optional[date], Optional[str]]]:
    """The due dates of an obligation as ``[(date, recurrence label)]``.

    One-off: ``[(deadline or None, None)]``.  Recurring: each period end (week:
    Friday; month, quarter, half, year: its last day) from the period's start
    — not before ``anchor``, the document's date — (else the anchor, else
    today) through the period's end or the deadline, but never past ``today +
    horizon_days``.  A recurring obligation with no date in its window keeps
    one undated task.  Targets and prohibitions are standing states, not
    repeated work: one task, due on the deadline if any.
    """
    recs = _recs(recurrence)
    dl = _d(deadline)
    if not recs:
        return [(dl, None)]
    if kind in ("target", "prohibition"):
        return [(dl, max(recs, key=_REC_RANK.get))]
    today = today or date.today()
    period = period or {}
    start = _d(period.get("start")) or _d(anchor) or today
    if _d(anchor) and _d(anchor) > start:  # nothing falls due before the document exists
        start = _d(anchor)
    limit = today + timedelta(days=horizon_days)
    end = _d(period.get("end")) or dl or limit
    end = min(end, limit)
    by_date: dict[date, str] = {}
    for r in recs:
        for d in _dates_of(r, start, end):
            if d not in by_date or _REC_RANK[r] > _REC_RANK[by_date[d]]:
                by_date[d] = r
    if dl and start <= dl <= limit and dl not in by_date:
        by_date[dl] = max(recs, key=_REC_RANK.get)
    if not by_date:
        return [(None, max(recs, key=_REC_RANK.get))]
    return sorted(by_date.items())


# ---------------------------------------------------------------------------
# sync


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    vanished: int = 0
    reappeared: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.vanished or self.reappeared)


@dataclass
class _Obl:
    seq: int
    text: str
    norm: str
    fp: str
    kind: str
    actors: list
    leads: list
    partners: list
    deadline: Optional[date]
    recurrences: Optional[list]
    period: dict
    report_to: Optional[str]
    section: Optional[str]
    start: Optional[int]
    end: Optional[int]
    cmp: str = ""  # text + actors, for fuzzy matching


def _get(o, name, default=None):
    return o.get(name, default) if isinstance(o, dict) else getattr(o, name, default)


def _obligations(record) -> list[_Obl]:
    out = []
    seen: dict[str, int] = {}
    for i, o in enumerate(_get(record, "obligations", None) or []):
        text = _get(o, "text", "") or ""
        actors = [a for a in (_get(o, "actors", None) or []) if a and a.strip()]
        partners = [p for p in (_get(o, "partners", None) or []) if p and p.strip()]
        rec = _get(o, "recurrence")
        period = _get(o, "period") or {}
        ob = _Obl(
            seq=i, text=text, norm=normalise(text), fp=fingerprint(text, actors),
            kind=_get(o, "kind", "task") or "task", actors=actors,
            leads=_uniq(_canonical(a) for a in actors), partners=_uniq(_canonical(p) for p in partners),
            deadline=_d(_get(o, "deadline")), recurrences=_recs(rec) or None, period=dict(period),
            report_to=_get(o, "report_to"), section=_get(o, "section"),
            start=_get(o, "start"), end=_get(o, "end"),
        )
        n = seen.get(ob.fp, 0)
        seen[ob.fp] = n + 1
        if n:  # the same obligation twice in one document: the k-th repeat is its own task
            ob.fp = hashlib.sha1(f"{ob.fp}#{n + 1}".encode()).hexdigest()[:32]
        ob.cmp = ob.norm + " | " + " ; ".join(normalise(a) for a in actors)
        out.append(ob)
    return out


def _doc_info(record) -> dict:
    d = _get(record, "document", None)
    return {
        "doc_symbol": _get(d, "symbol") if d is not None else None,
        "doc_type": _get(d, "doc_type") if d is not None else None,
        "doc_title": _get(d, "title") if d is not None else None,
        "doc_date": _d(_get(d, "issued_date")) if d is not None else None,
        "doc_source": _get(record, "source"),
    }


def _row_id(row) -> Optional[int]:
    if row is None:
        return None
    if isinstance(row, int):
        return row
    return getattr(row, "id", None)


def _match(obls: list[_Obl], groups: dict[str, list[Task]]) -> dict[int, str]:
    """Map obligation seq → fingerprint of the tracked obligation it continues."""
    rep = {fp: max(ts, key=lambda t: t.updated_at or datetime.min) for fp, ts in groups.items()}
    by_current: dict[str, list[str]] = {}
    for fp, t in rep.items():
        by_current.setdefault(t.current_fp, []).append(fp)
    free = set(rep)
    out: dict[int, str] = {}
    # 1. exact: same text and actors as in the latest version, then as when first seen
    for o in obls:
        for fp in by_current.get(o.fp, []):
            if fp in free:
                out[o.seq] = fp
                free.discard(fp)
                break
    for o in obls:
        if o.seq not in out and o.fp in free:
            out[o.seq] = o.fp
            free.discard(o.fp)
    # 2. fuzzy: most similar remaining pairs first
    todo = [o for o in obls if o.seq not in out]
    if todo and free:
        cands = []
        cmp = {fp: rep[fp].norm + " | " + " ; ".join(normalise(a) for a in (rep[fp].actors or [])) for fp in free}
        for o in todo:
            sm = difflib.SequenceMatcher(None, autojunk=False)
            sm.set_seq2(o.cmp)
            for fp in free:
                sm.set_seq1(cmp[fp])
                if sm.real_quick_ratio() < FUZZY_RATIO or sm.quick_ratio() < FUZZY_RATIO:
                    continue
                r = sm.ratio()
                if r >= FUZZY_RATIO:
                    cands.append((r, o.seq, fp))
        for r, seq, fp in sorted(cands, key=lambda c: (-c[0], c[1])):
            if seq in out or fp not in free:
                continue
            out[seq] = fp
            free.discard(fp)
    return out


def _event(session: Session, task: Task, action: str, *, by: str = "vanban", note: Optional[str] = None,
           from_status: Optional[str] = None, to_status: Optional[str] = None, version_id=None) -> TaskEvent:
    ev = TaskEvent(task_id=task.id, at=_utcnow(), by=by, action=action, from_status=from_status,
                   to_status=to_status, note=note, version_id=version_id)
    session.add(ev)
    return ev


_QUIET = {"version_id", "span_start", "span_end", "seq", "doc_symbol", "doc_type", "doc_title", "doc_date",
          "doc_source", "norm", "current_fp", "lead_key", "partner_key", "section"}


def sync_tasks(session: Session, document_row, version_row, record, *, today: Optional[date] = None,
               horizon_days: Optional[int] = None, by: str = "vanban") -> SyncResult:
    """Bring the tasks of one document in line with the obligations of its newest version.

    Called by ingest inside its per-document transaction after writing a new
    version (``document_row``/``version_row``: the store's rows, or their ids;
    ``record``: the :class:`pipeline.records.Record`).  Idempotent: syncing the
    same record again changes nothing.
    """
    ensure_tables(session.connection())
    doc_id = _row_id(document_row)
    if doc_id is None:
        session.flush()
        doc_id = _row_id(document_row)
    if doc_id is None:
        raise ValueError("sync_tasks: the document row has no id")
    ver_id = _row_id(version_row)
    if ver_id is None and version_row is not None:
        session.flush()
        ver_id = _row_id(version_row)
    today = today or date.today()
    horizon = default_horizon() if horizon_days is None else horizon_days
    info = _doc_info(record)
    anchor = info["doc_date"]
    obls = _obligations(record)

    existing = list(session.scalars(select(Task).where(Task.document_id == doc_id).order_by(Task.id)))
    groups: dict[str, list[Task]] = {}
    for t in existing:
        groups.setdefault(t.fingerprint, []).append(t)
    matched = _match(obls, groups)
    res = SyncResult()
    seen_ids: set[int] = set()
    ver_note = f"version {ver_id}" if ver_id is not None else "new version"
    fresh: list[Task] = []

    for o in obls:
        fp = matched.get(o.seq, o.fp)
        if o.seq not in matched and fp in groups:  # its text is an identity another obligation carried on
            fp = hashlib.sha1(f"{fp}#{ver_id}#{o.seq}".encode()).hexdigest()[:32]
        old = {t.occurrence: t for t in groups.get(fp, [])}
        occ = occurrences(o.recurrences, o.period, o.deadline, anchor, today, horizon, kind=o.kind)
        expanded = bool(o.recurrences) and o.kind not in ("target", "prohibition")
        for due, label in occ:
            key = due.isoformat() if (expanded and due) else ""
            values = dict(
                text=o.text, norm=o.norm, current_fp=o.fp, kind=o.kind, actors=o.actors, leads=o.leads,
                partners=o.partners, lead_key=_key(o.leads), partner_key=_key(o.partners), report_to=o.report_to,
                deadline=o.deadline, recurrence=label, recurrences=o.recurrences,
                period_start=_d(o.period.get("start")), period_end=_d(o.period.get("end")), due=due,
                section=o.section, span_start=o.start, span_end=o.end, seq=o.seq, version_id=ver_id, **info,
            )
            t = old.get(key)
            if t is None:
                t = Task(document_id=doc_id, fingerprint=fp, occurrence=key, status="open",
                         created_at=_utcnow(), updated_at=_utcnow(), **values)
                session.add(t)
                fresh.append(t)
                res.created += 1
                continue
            seen_ids.add(t.id)
            changes = [k for k, v in values.items() if getattr(t, k) != v]
            loud = [k for k in changes if k not in _QUIET]
            for k in changes:
                setattr(t, k, values[k])
            if t.vanished:
                t.vanished = False
                t.vanished_note = None
                t.updated_at = _utcnow()
                _event(session, t, "reappeared", by=by, version_id=ver_id, note=f"back in {ver_note}")
                res.reappeared += 1
            elif loud:
                t.updated_at = _utcnow()
                _event(session, t, "updated", by=by, version_id=ver_id,
                       note=f"{ver_note}: " + ", ".join(sorted(loud)))
                res.updated += 1
            else:
                res.unchanged += 1
        # occurrences of this obligation that no longer fall due
        for key, t in old.items():
            if t.id not in seen_ids and not t.vanished:
                if key and _d(key) and _d(key) > today + timedelta(days=horizon) and t.status == "open":
                    seen_ids.add(t.id)  # beyond a shorter horizon: not vanished, just not (yet) relevant
                    continue
                t.vanished = True
                t.vanished_note = f"due date {key or '—'} no longer in {ver_note}"
                t.updated_at = _utcnow()
                _event(session, t, "vanished", by=by, version_id=ver_id, note=t.vanished_note)
                res.vanished += 1
                seen_ids.add(t.id)
    # obligations that vanished from the new version
    for t in existing:
        if t.id not in seen_ids and not t.vanished:
            t.vanished = True
            t.vanished_note = f"obligation not in {ver_note}"
            t.updated_at = _utcnow()
            _event(session, t, "vanished", by=by, version_id=ver_id, note=t.vanished_note)
            res.vanished += 1
    if fresh:
        session.flush()  # ids for the new tasks' first events
        note = f"from {info['doc_symbol'] or info['doc_source'] or 'document'} ({ver_note})"
        for t in fresh:
            _event(session, t, "created", by=by, to_status="open", version_id=ver_id, note=note)
    session.flush()
    return res


def default_horizon() -> int:
    """Days past today that recurrences are expanded to: $VANBAN_TASK_HORIZON (e.g. 730, 18m, 2y), else 365."""
    v = os.environ.get(HORIZON_ENV)
    if v:
        try:
            return parse_within(v)
        except ValueError:
            pass
    return DEFAULT_HORIZON_DAYS


def refresh(session: Session, *, today: Optional[date] = None, horizon_days: Optional[int] = None,
            document_id: Optional[int] = None, by: str = "vanban") -> SyncResult:
    """Sync every document's tasks again from its current version (as time passes, recurring
    obligations reach new occurrences; a longer horizon adds them now).  Statuses are kept."""
    from pipeline import store

    total = SyncResult()
    q = select(store.Document).where(store.Document.current_version_id.is_not(None)).order_by(store.Document.id)
    if document_id is not None:
        q = q.where(store.Document.id == document_id)
    for d in session.scalars(q):
        v = session.get(store.Version, d.current_version_id)
        if v is None or not isinstance(v.record, dict):
            continue
        rec = dict(v.record)
        rec.setdefault("source", v.source)
        r = sync_tasks(session, d.id, v.id, rec, today=today, horizon_days=horizon_days, by=by)
        for f in ("created", "updated", "unchanged", "vanished", "reappeared"):
            setattr(total, f, getattr(total, f) + getattr(r, f))
    return total


# ---------------------------------------------------------------------------
# status


def _status_key(s: str) -> str:
    return normalise(s).replace("_", " ")


_STATUS_LOOKUP = {_status_key(w): st for st, ws in _STATUS_WORDS.items() for w in ws}
_STATUS_LOOKUP.update({_status_key(v): k for k, v in STATUS_VI.items()})


def parse_status(word) -> Optional[str]:
    """``"Hoàn thành"``/``"done"``/``"DONE"``/``"Huỷ"`` → the status code, or None when unknown."""
    if word is None:
        return None
    return _STATUS_LOOKUP.get(_status_key(str(word)))


class TaskError(ValueError):
    """A task operation that cannot be done (unknown task, bad status)."""


def set_status(session: Session, task_id: int, status: str, *, by: Optional[str] = None,
               note: Optional[str] = None, action: Optional[str] = None, when: Optional[datetime] = None) -> Optional[TaskEvent]:
    """Change a task's status and record it.  Returns the event, or None when nothing changed."""
    st = status if status in STATUSES else parse_status(status)
    if st is None:
        raise TaskError(f"unknown status {status!r}")
    t = session.get(Task, int(task_id))
    if t is None:
        raise TaskError(f"no task {task_id}")
    if t.status == st:
        return None
    old = t.status
    when = when or _utcnow()
    t.status = st
    t.completed_at = when if st == "done" else None
    t.updated_at = when
    return _event(session, t, action or st, by=by or current_user(), note=note, from_status=old, to_status=st)


def history(session: Session, task_id: int) -> list[TaskEvent]:
    return list(session.scalars(select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(TaskEvent.at, TaskEvent.id)))


def timeliness(task: Task, today: Optional[date] = None) -> Optional[str]:
    """``on_time`` / ``late`` (done after its due date) / ``overdue`` (not done, past due) / None."""
    return _timeliness(task.status, task.due, task.completed_at, today or date.today())


def _timeliness(status: str, due, completed_at, today: date) -> Optional[str]:
    """(dates as date/datetime objects or ISO strings)"""
    if status == "cancelled" or due is None or due == "":
        return None
    due_s = _iso(due)
    if status == "done":
        return "late" if completed_at and _iso(completed_at) > due_s else "on_time"
    return "overdue" if due_s < today.isoformat() else "on_time"


# ---------------------------------------------------------------------------
# queries


def resolve_document(session: Session, ref) -> Optional[int]:
    """The document id for DOC: an id, a symbol, or the path it was ingested from.

    Uses the store's resolver when it has one, else the tasks' own provenance.
    """
    if ref is None:
        return None
    try:
        from pipeline import store  # type: ignore
    except ImportError:  # pragma: no cover
        store = None
    for name in ("resolve_document", "resolve_doc", "find_document"):
        fn = getattr(store, name, None) if store is not None else None
        if callable(fn):
            try:
                row = fn(session, str(ref))
            except Exception:
                row = None
            if row is not None:
                return _row_id(row)
    s = str(ref).strip()
    if s.isdigit():
        if session.scalar(select(Task.id).where(Task.document_id == int(s)).limit(1)) is not None:
            return int(s)
    hit = session.scalar(select(Task.document_id).where(Task.doc_symbol == s).order_by(Task.document_id.desc()).limit(1))
    if hit is None:
        up = s.upper().replace(" ", "")
        for sym, did in session.execute(select(Task.doc_symbol, Task.document_id).distinct()):
            if sym and sym.upper().replace(" ", "") == up:
                return did
    if hit is not None:
        return hit
    cands = {s, os.path.abspath(s)}
    with contextlib.suppress(OSError):
        cands.add(str(Path(s).resolve()))
    hit = session.scalar(select(Task.document_id).where(Task.doc_source.in_(cands)).limit(1))
    if hit is None:
        name = Path(s).name
        for src, did in session.execute(select(Task.doc_source, Task.document_id).distinct()):
            if src and (Path(src).name == name and (s.endswith(src) or src.endswith(s))):
                return did
    return hit


# what a listing reads (the rest stays in the database)
_LIST_COLS = [c for c in Task.__table__.c if c.name not in ("norm", "current_fp", "recurrences", "created_at",
                                                             "lead_key", "partner_key")]


# the same, read raw (dates as the database gives them, names unsplit): for JSON/CSV of thousands of tasks
_RAW_COLS = [type_coerce(c, String).label(c.name) if isinstance(c.type, (Date, DateTime, StrList)) else c
             for c in _LIST_COLS]


def _like_key(name: str) -> str:
    n = _WS_RE.sub(" ", unicodedata.normalize("NFC", name)).strip().lower()
    return "%" + n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def query_tasks(session: Session, *, body: Optional[str] = None, role: str = "any", status=None,
                due_before=None, due_after=None, overdue: bool = False, doc=None, document_id: Optional[int] = None,
                include_vanished: bool = True, today: Optional[date] = None, limit: Optional[int] = None,
                orm: bool = False, raw: bool = False) -> list:
    """Tasks filtered; ordered by due date (undated last), document, order in the document.

    Returns read-only rows with the attributes of :class:`Task` (fast), the
    ORM objects themselves with ``orm=True``, or plain dicts of the raw
    column values with ``raw=True`` (fastest; for :func:`task_dict`).

    ``body``: a body's name (canonical or as written; substring, case-blind),
    as lead (``role="lead"``), partner (``"partner"``) or either (``"any"``).
    ``status``: one status or several (Vietnamese words accepted).
    ``due_before``/``due_after``: inclusive ISO dates or dates.
    ``overdue``: not done/cancelled and due before ``today``.
    ``doc``: DOC as :func:`resolve_document` takes it.
    """
    today = today or date.today()
    q = select(Task) if orm else select(*(_RAW_COLS if raw else _LIST_COLS))
    if doc is not None and document_id is None:
        document_id = resolve_document(session, doc)
        if document_id is None:
            raise TaskError(f"no document {doc!r} in the task database")
    if document_id is not None:
        q = q.where(Task.document_id == document_id)
    if body:
        pat = _like_key(_canonical(body))
        pat_raw = _like_key(body)
        conds = []
        for p in {pat, pat_raw}:
            if role in ("any", "lead"):
                conds.append(Task.lead_key.like(p, escape="\\"))
            if role in ("any", "partner"):
                conds.append(Task.partner_key.like(p, escape="\\"))
        q = q.where(or_(*conds))
    if status:
        sts = [status] if isinstance(status, str) else list(status)
        codes = []
        for s in sts:
            c = s if s in STATUSES else parse_status(s)
            if c is None:
                raise TaskError(f"unknown status {s!r}")
            codes.append(c)
        q = q.where(Task.status.in_(codes))
    if due_before is not None:
        q = q.where(Task.due <= _d(due_before))
    if due_after is not None:
        q = q.where(Task.due >= _d(due_after))
    if overdue:
        q = q.where(Task.due < today, Task.status.in_(("open", "in_progress")))
    if not include_vanished:
        q = q.where(Task.vanished.is_(False))
    q = q.order_by(Task.due.is_(None), Task.due, Task.document_id, Task.seq, Task.id)
    if limit:
        q = q.limit(limit)
    if orm:
        return list(session.scalars(q))
    res = session.connection().execute(q)  # Core rows: no ORM loading on thousands of tasks
    if raw:
        names = list(res.keys())
        return [dict(zip(names, r)) for r in res.fetchall()]
    return list(res)


def due_within(session: Session, days: int, *, today: Optional[date] = None, **filters) -> list[Task]:
    """Open or in-progress tasks due from today through today + ``days`` (and the overdue ones before)."""
    today = today or date.today()
    ts = query_tasks(session, due_before=today + timedelta(days=days), status=["open", "in_progress"],
                     include_vanished=False, today=today, **filters)
    return ts


def parse_within(s: str) -> int:
    """``"14d"``/``"2w"``/``"1m"``/``"14"`` → days."""
    m = re.fullmatch(r"\s*(\d+)\s*([dwmy]?)\s*", str(s).lower())
    if not m:
        raise TaskError(f"bad duration {s!r} (use e.g. 14d, 2w, 1m)")
    n, u = int(m[1]), m[2] or "d"
    return n * {"d": 1, "w": 7, "m": 30, "y": 365}[u]


def fmt_date(d) -> str:
    """dd/mm/yyyy, or "" for none."""
    d = _d(d)
    return d.strftime("%d/%m/%Y") if d else ""


def _attrs(t) -> dict:
    if isinstance(t, dict):  # raw=True
        return t
    if hasattr(t, "_asdict"):  # a row of query_tasks
        return t._asdict()
    return {c.name: getattr(t, c.name) for c in _LIST_COLS}


def _iso(d) -> Optional[str]:
    """ISO date of a date, or of a date/datetime string as a database returns it raw."""
    if d is None or d == "":
        return None
    return d[:10] if isinstance(d, str) else (d.date() if isinstance(d, datetime) else d).isoformat()


def _iso_dt(d) -> Optional[str]:
    if d is None or d == "":
        return None
    return d[:19].replace(" ", "T") if isinstance(d, str) else d.isoformat(timespec="seconds")


def _names(v) -> list:
    if not v:
        return []
    return v.split("\x1f") if isinstance(v, str) else list(v)


def task_dict(t, today: Optional[date] = None) -> dict:
    """A task (row or :class:`Task`) as plain JSON-able data (dates ISO)."""
    a = _attrs(t)
    today = today or date.today()
    ps, pe = _iso(a["period_start"]), _iso(a["period_end"])
    return {
        "id": a["id"],
        "document_id": a["document_id"],
        "version_id": a["version_id"],
        "document": {"symbol": a["doc_symbol"], "doc_type": a["doc_type"], "title": a["doc_title"],
                     "issued_date": _iso(a["doc_date"]), "source": a["doc_source"]},
        "text": a["text"],
        "kind": a["kind"],
        "actors": _names(a["actors"]),
        "bodies": _names(a["leads"]),
        "partners": _names(a["partners"]),
        "report_to": a["report_to"],
        "due": _iso(a["due"]),
        "deadline": _iso(a["deadline"]),
        "recurrence": a["recurrence"],
        "period": {"start": ps, "end": pe} if (ps or pe) else None,
        "status": a["status"],
        "timeliness": _timeliness(a["status"], a["due"], a["completed_at"], today),
        "vanished": bool(a["vanished"]),
        "vanished_note": a["vanished_note"],
        "section": a["section"],
        "start": a["span_start"],
        "end": a["span_end"],
        "fingerprint": a["fingerprint"],
        "completed_at": _iso_dt(a["completed_at"]),
        "updated_at": _iso_dt(a["updated_at"]),
    }


CSV_COLUMNS = ("id", "document", "section", "text", "kind", "bodies", "partners", "due", "recurrence", "status",
               "timeliness", "vanished", "start", "end")


def task_row(t, today: Optional[date] = None) -> dict:
    """A flat row for CSV (lists joined with "; ", dates ISO)."""
    d = task_dict(t, today)
    doc = d["document"]
    return {
        "id": d["id"], "document": doc["symbol"] or doc["source"] or str(d["document_id"]), "section": d["section"] or "",
        "text": d["text"], "kind": d["kind"], "bodies": "; ".join(d["bodies"]), "partners": "; ".join(d["partners"]),
        "due": d["due"] or "", "recurrence": d["recurrence"] or "", "status": d["status"],
        "timeliness": d["timeliness"] or "", "vanished": "yes" if d["vanished"] else "",
        "start": d["start"] if d["start"] is not None else "", "end": d["end"] if d["end"] is not None else "",
    }


def tasks_csv(tasks: Sequence[Task], out, today: Optional[date] = None) -> None:
    w = csv.DictWriter(out, fieldnames=list(CSV_COLUMNS))
    w.writeheader()
    for t in tasks:
        w.writerow(task_row(t, today))


def tasks_json(tasks: Sequence, today: Optional[date] = None) -> str:
    """A JSON array of :func:`task_dict`, one task per line (the C encoder: fast on thousands)."""
    if not tasks:
        return "[]"
    enc = json.JSONEncoder(ensure_ascii=False).encode
    return "[\n" + ",\n".join(enc(task_dict(t, today)) for t in tasks) + "\n]"


# ---------------------------------------------------------------------------
# import (the round trip of a checklist)


@dataclass
class ImportReport:
    applied: list[tuple[int, int, str, str]] = field(default_factory=list)  # (row, task id, old, new)
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)


_ID_HEADERS = {"mã", "ma", "id", "task id", "task_id", "mã nhiệm vụ"}
_STATUS_HEADERS = {"trạng thái", "trang thai", "status"}
_NOTE_HEADERS = {"ghi chú", "ghi chu", "note", "notes"}


def _rows_of(path: Path) -> list[tuple[int, dict]]:
    """(row number as the analyst sees it, {header: value}) of an xlsx/csv/json file."""
    suf = path.suffix.lower()
    if suf == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            data = data.get("tasks", [])
        return [(i + 1, {str(k).lower(): v for k, v in r.items()}) for i, r in enumerate(data) if isinstance(r, dict)]
    if suf == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            rd = csv.DictReader(f)
            return [(i + 2, {(k or "").strip().lower(): v for k, v in r.items()}) for i, r in enumerate(rd)]
    if suf in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        out: list[tuple[int, dict]] = []
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            hdr_i = None
            for i, r in enumerate(rows[:30]):
                cells = {normalise(str(c)) for c in r if c is not None}
                if cells & {normalise(h) for h in _ID_HEADERS} and cells & {normalise(h) for h in _STATUS_HEADERS}:
                    hdr_i = i
                    break
            if hdr_i is None:
                continue
            hdr = [str(c).strip().lower() if c is not None else "" for c in rows[hdr_i]]
            for j, r in enumerate(rows[hdr_i + 1:], start=hdr_i + 2):
                if all(c is None or str(c).strip() == "" for c in r):
                    continue
                out.append((j, {h: v for h, v in zip(hdr, r) if h}))
            if out:
                break
        wb.close()
        return out
    raise TaskError(f"{path}: cannot import {suf or 'this'} files (use .xlsx, .csv or .json)")


def _pick(row: dict, names: set) -> object:
    norm = {normalise(n) for n in names}
    for k, v in row.items():
        if normalise(str(k)) in norm:
            return v
    return None


def import_statuses(session: Session, path, *, by: Optional[str] = None, dry_run: bool = False) -> ImportReport:
    """Apply the "Trạng thái" column of a checklist (xlsx, or our csv/json) to the tasks.

    Every row is validated: a task id that is missing, not a number, or not in
    the database, and a status word that is not known, reject that row (with
    the reason); the other rows are applied.
    """
    path = Path(path)
    rep = ImportReport()
    rows = _rows_of(path)
    if not rows:
        raise TaskError(f"{path}: no table with a 'Mã'/'id' and a 'Trạng thái'/'status' column")
    by = by or current_user()
    seen: dict[int, int] = {}
    for rn, row in rows:
        raw_id = _pick(row, _ID_HEADERS)
        raw_st = _pick(row, _STATUS_HEADERS)
        if raw_id is None or str(raw_id).strip() == "":
            rep.rejected.append((rn, "no task id (Mã)"))
            continue
        try:
            tid = int(float(str(raw_id).strip()))
        except ValueError:
            rep.rejected.append((rn, f"task id {raw_id!r} is not a number"))
            continue
        if raw_st is None or str(raw_st).strip() == "":
            rep.rejected.append((rn, f"task {tid}: empty status"))
            continue
        st = parse_status(raw_st)
        if st is None:
            rep.rejected.append((rn, f"task {tid}: unknown status {str(raw_st)!r} (use Chưa thực hiện, "
                                     "Đang thực hiện, Hoàn thành, Hủy)"))
            continue
        if tid in seen:
            rep.rejected.append((rn, f"task {tid} already given on row {seen[tid]}"))
            continue
        seen[tid] = rn
        t = session.get(Task, tid)
        if t is None:
            rep.rejected.append((rn, f"no task {tid} in the database"))
            continue
        if t.status == st:
            rep.unchanged += 1
            continue
        rep.applied.append((rn, tid, t.status, st))
        if not dry_run:
            note = _pick(row, _NOTE_HEADERS)
            set_status(session, tid, st, by=by, action="import",
                       note=f"{path.name} row {rn}" + (f": {note}" if note else ""))
    if not dry_run:
        session.flush()
    return rep
