"""``vanban tasks …`` and ``vanban checklist …``: thin commands over pipeline.track and pipeline.export."""
from __future__ import annotations

import io
import os
import sys
from datetime import date
from pathlib import Path
from typing import List, Optional

import typer

DB_HELP = "Database URL (SQLAlchemy); else $VANBAN_DB, else the default file."
FORMAT_HELP = "table, json or csv."


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def _session(db: Optional[str]):
    """The task session of ``db``; a database that cannot be opened is one error line, exit status 1."""
    from pipeline import track
    from pipeline.cli_db import check_db

    check_db(db)
    return track.open_session(db)


def _date_opt(s: Optional[str], name: str) -> Optional[date]:
    """dd/mm/yyyy or yyyy-mm-dd."""
    if s is None:
        return None
    from pipeline.dates import parse_date_text

    s = s.strip()
    try:
        return date.fromisoformat(s)
    except ValueError:
        pass
    iso = parse_date_text(s)
    if iso:
        return date.fromisoformat(iso)
    raise typer.BadParameter(f"{s!r} is not a date (dd/mm/yyyy or yyyy-mm-dd)", param_hint=name)


def _print_tasks(tasks, fmt: str, today: date, title: str = "Nhiệm vụ") -> None:
    from pipeline import track

    fmt = fmt.lower()
    if fmt == "json":
        typer.echo(track.tasks_json(tasks, today))
        return
    if fmt == "csv":
        buf = io.StringIO()
        track.tasks_csv(tasks, buf, today)
        sys.stdout.write(buf.getvalue())
        return
    if fmt != "table":
        raise typer.BadParameter(f"unknown format {fmt!r} (table, json, csv)", param_hint="--format")
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"{title} ({len(tasks)})", show_lines=False)
    nw = {"no_wrap": True}
    for c, kw in (("Mã", {"justify": "right", **nw}), ("Nội dung", {"ratio": 5}), ("Chủ trì", {"ratio": 2}),
                  ("Thời hạn", nw), ("Định kỳ", nw), ("Trạng thái", nw), ("Tiến độ", nw), ("Văn bản", {"ratio": 1})):
        t.add_column(c, **kw)
    for x in tasks:
        tl = track.timeliness(x, today)
        tl_s = track.TIMELINESS_VI.get(tl, "") if tl else ""
        if tl == "overdue":
            tl_s = f"[bold red]{tl_s}[/]"
        text = x.text if len(x.text) <= 160 else x.text[:159] + "…"
        text = ("[dim](không còn trong văn bản)[/] " if x.vanished else "") + escape(text)
        t.add_row(str(x.id), text,
                  escape("; ".join(x.leads or [])), track.fmt_date(x.due),
                  track.RECURRENCE_VI.get(x.recurrence, "") if x.recurrence else "",
                  track.STATUS_VI.get(x.status, x.status), tl_s, escape(x.doc_symbol or Path(x.doc_source or "").name))
    con = Console()
    if not con.is_terminal and "COLUMNS" not in os.environ:
        con = Console(width=160)  # piped or captured: wide enough for the fixed columns
    con.print(t)


def _filters(session, body, status, due_before, due_after, overdue, doc, include_all, today, raw=False):
    from pipeline import track

    return track.query_tasks(
        session, body=body, status=status or None, due_before=_date_opt(due_before, "--due-before"),
        due_after=_date_opt(due_after, "--due-after"), overdue=overdue, doc=doc, include_vanished=include_all,
        today=today, raw=raw,
    )


def register(app) -> None:
    tasks_app = typer.Typer(no_args_is_help=True, help="Tasks from obligations: list, change status, import, export.")
    app.add_typer(tasks_app, name="tasks")

    @tasks_app.command("list")
    def tasks_list(
        body: Optional[str] = typer.Option(None, "--body", help="Only tasks of this body (lead or partner)."),
        status: Optional[List[str]] = typer.Option(None, "--status", help="open, in_progress, done, cancelled (or the Vietnamese word); repeatable."),
        due_before: Optional[str] = typer.Option(None, "--due-before", help="Due on or before (dd/mm/yyyy or ISO)."),
        due_after: Optional[str] = typer.Option(None, "--due-after", help="Due on or after (dd/mm/yyyy or ISO)."),
        overdue: bool = typer.Option(False, "--overdue", help="Only tasks past due and not done."),
        doc: Optional[str] = typer.Option(None, "--doc", help="Only tasks of DOC (id, symbol or path)."),
        include_all: bool = typer.Option(False, "--all", help="Also tasks whose obligation vanished from the document."),
        fmt: str = typer.Option("table", "--format", help=FORMAT_HELP),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ):
        """List tasks (dates dd/mm/yyyy; JSON and CSV dates ISO)."""
        from pipeline import track

        today = date.today()
        try:
            with _session(db) as s:
                ts = _filters(s, body, status, due_before, due_after, overdue, doc, include_all, today,
                              raw=fmt.lower() in ("json", "csv"))
                _print_tasks(ts, fmt, today)
        except track.TaskError as e:
            _err(f"error: {e}")
            raise typer.Exit(code=1)

    @tasks_app.command("show")
    def tasks_show(
        task_id: int = typer.Argument(..., help="Task id (Mã)."),
        as_json: bool = typer.Option(False, "--json"),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ):
        """One task with its provenance and history."""
        import json

        from pipeline import track

        today = date.today()
        with _session(db) as s:
            t = s.get(track.Task, task_id)
            if t is None:
                _err(f"error: no task {task_id}")
                raise typer.Exit(code=1)
            d = track.task_dict(t, today)
            d["history"] = [{"at": e.at.isoformat(timespec="seconds"), "by": e.by, "action": e.action,
                             "from": e.from_status, "to": e.to_status, "note": e.note} for e in track.history(s, t.id)]
        if as_json:
            typer.echo(json.dumps(d, ensure_ascii=False, indent=1))
            return
        from rich.console import Console
        from rich.markup import escape

        con = Console()
        con.rule(f"[bold]Nhiệm vụ {d['id']}")
        tl = d["timeliness"]
        for label, v in (("Nội dung", d["text"]), ("Chủ trì", "; ".join(d["bodies"])),
                         ("Phối hợp", "; ".join(d["partners"])), ("Thời hạn", track.fmt_date(d["due"])),
                         ("Định kỳ", track.RECURRENCE_VI.get(d["recurrence"], "") if d["recurrence"] else ""),
                         ("Trạng thái", track.STATUS_VI[d["status"]] + (f" ({track.TIMELINESS_VI[tl]})" if tl else "")),
                         ("Văn bản", f"{d['document']['symbol'] or ''} {d['document']['source'] or ''}".strip()),
                         ("Mục", d["section"]), ("Vị trí", f"{d['start']}–{d['end']}"),
                         ("Ghi chú", d["vanished_note"] if d["vanished"] else None)):
            if v:
                con.print(f"[bold]{label}:[/bold] {escape(str(v))}")
        for e in d["history"]:
            change = f"{e['from'] or ''}→{e['to']}" if e["to"] else ""
            con.print(f"  {escape(e['at'])}  {escape(e['by'])}  {escape(e['action'])} {change}  {escape(e['note'] or '')}")

    def _status_cmd(status: str):
        def cmd(
            task_ids: List[int] = typer.Argument(..., help="Task id(s) (Mã)."),
            note: Optional[str] = typer.Option(None, "--note", help="Why / what was done."),
            by: Optional[str] = typer.Option(None, "--by", help="Who (default: the OS user)."),
            db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        ):
            from pipeline import track

            failed = 0
            with _session(db) as s:
                for tid in task_ids:
                    try:
                        ev = track.set_status(s, tid, status, by=by, note=note)
                    except track.TaskError as e:
                        _err(f"error: {e}")
                        failed += 1
                        continue
                    st = track.STATUS_VI[status]
                    typer.echo(f"{tid}: {st}" if ev else f"{tid}: already {st}")
            if failed:
                raise typer.Exit(code=1)

        cmd.__doc__ = f"Mark task(s) {status.replace('_', ' ')} (recorded in the history)."
        return cmd

    tasks_app.command("start")(_status_cmd("in_progress"))
    tasks_app.command("done")(_status_cmd("done"))
    tasks_app.command("cancel")(_status_cmd("cancelled"))
    tasks_app.command("reopen")(_status_cmd("open"))

    @tasks_app.command("due")
    def tasks_due(
        within: str = typer.Option("14d", "--within", help="Window from today: 14d, 2w, 1m."),
        body: Optional[str] = typer.Option(None, "--body", help="Only tasks of this body."),
        doc: Optional[str] = typer.Option(None, "--doc", help="Only tasks of DOC."),
        fmt: str = typer.Option("table", "--format", help=FORMAT_HELP),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ):
        """Open tasks due within the window (overdue ones included)."""
        from pipeline import track

        today = date.today()
        try:
            days = track.parse_within(within)
            with _session(db) as s:
                ts = track.due_within(s, days, today=today, body=body, doc=doc)
                _print_tasks(ts, fmt, today, title=f"Đến hạn trong {days} ngày")
        except track.TaskError as e:
            _err(f"error: {e}")
            raise typer.Exit(code=1)

    @tasks_app.command("refresh")
    def tasks_refresh(
        horizon: Optional[str] = typer.Option(None, "--horizon", help="Expand recurring tasks this far past today (365d, 18m, 2y; default $VANBAN_TASK_HORIZON or 1 year)."),
        doc: Optional[str] = typer.Option(None, "--doc", help="Only DOC."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ):
        """Re-sync tasks from each document's current version: new occurrences of recurring obligations."""
        from pipeline import track

        try:
            days = track.parse_within(horizon) if horizon else None
            with _session(db) as s:
                did = None
                if doc is not None:
                    did = track.resolve_document(s, doc)
                    if did is None:
                        raise track.TaskError(f"no document {doc!r} in the database")
                r = track.refresh(s, horizon_days=days, document_id=did)
        except track.TaskError as e:
            _err(f"error: {e}")
            raise typer.Exit(code=1)
        typer.echo(f"{r.created} new, {r.updated} updated, {r.vanished} vanished, {r.reappeared} back, "
                   f"{r.unchanged} unchanged")

    @tasks_app.command("import")
    def tasks_import(
        file: Path = typer.Argument(..., exists=True, dir_okay=False, help="A checklist .xlsx (or a tasks .csv/.json)."),
        by: Optional[str] = typer.Option(None, "--by", help="Who (default: the OS user)."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Check and report; change nothing."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ):
        """Apply the "Trạng thái" column of an edited checklist; list the rows that could not be applied."""
        from pipeline import track

        try:
            with _session(db) as s:
                rep = track.import_statuses(s, file, by=by, dry_run=dry_run)
        except track.TaskError as e:
            _err(f"error: {e}")
            raise typer.Exit(code=1)
        for rn, tid, old, new in rep.applied:
            typer.echo(f"row {rn}: task {tid}: {track.STATUS_VI[old]} → {track.STATUS_VI[new]}")
        for rn, why in rep.rejected:
            _err(f"row {rn}: not applied: {why}")
        verb = "would apply" if dry_run else "applied"
        typer.echo(f"{len(rep.applied)} {verb}, {rep.unchanged} unchanged, {len(rep.rejected)} rejected")
        if rep.rejected:
            raise typer.Exit(code=1)

    @tasks_app.command("export")
    def tasks_export(
        out: Path = typer.Option(..., "-o", "--output", help="File to write (.csv or .json)."),
        fmt: Optional[str] = typer.Option(None, "--format", help="csv or json (default: from the file name)."),
        body: Optional[str] = typer.Option(None, "--body"),
        status: Optional[List[str]] = typer.Option(None, "--status"),
        due_before: Optional[str] = typer.Option(None, "--due-before"),
        due_after: Optional[str] = typer.Option(None, "--due-after"),
        overdue: bool = typer.Option(False, "--overdue"),
        doc: Optional[str] = typer.Option(None, "--doc"),
        include_all: bool = typer.Option(False, "--all"),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ):
        """Write tasks as CSV or JSON (the same filters as "tasks list")."""
        from pipeline import track

        fmt = (fmt or out.suffix.lstrip(".") or "csv").lower()
        if fmt not in ("csv", "json"):
            raise typer.BadParameter(f"unknown format {fmt!r} (csv, json)", param_hint="--format")
        today = date.today()
        try:
            with _session(db) as s:
                ts = _filters(s, body, status, due_before, due_after, overdue, doc, include_all, today, raw=True)
                if fmt == "json":
                    out.write_text(track.tasks_json(ts, today) + "\n", encoding="utf-8")
                else:
                    with out.open("w", encoding="utf-8", newline="") as f:
                        track.tasks_csv(ts, f, today)
        except track.TaskError as e:
            _err(f"error: {e}")
            raise typer.Exit(code=1)
        typer.echo(f"{len(ts)} tasks → {out}")

    @app.command("checklist")
    def checklist(
        doc: Optional[str] = typer.Argument(None, help="DOC: document id, symbol, or the path it was ingested from."),
        body: Optional[str] = typer.Option(None, "--body", help="The checklist of one body (lead or partner)."),
        fmt: Optional[str] = typer.Option(None, "--format", help="md, html, docx, xlsx or ics (default: from -o, else md)."),
        out: Optional[Path] = typer.Option(None, "-o", "--output", help="File to write (default: stdout for md/html)."),
        status: Optional[List[str]] = typer.Option(None, "--status", help="Only these statuses."),
        include_all: bool = typer.Option(False, "--all", help="Also tasks whose obligation vanished."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ):
        """A checklist of one document's or one body's tasks (Markdown, HTML, Word, Excel, iCalendar)."""
        from pipeline import export, track

        if doc is None and body is None:
            raise typer.BadParameter("give a DOC or --body")
        fmt = (fmt or (export.format_of(out) if out else "md")).lower()
        if fmt not in export.FORMATS and fmt != "markdown":
            raise typer.BadParameter(f"unknown format {fmt!r} ({', '.join(export.FORMATS)})", param_hint="--format")
        try:
            with _session(db) as s:
                cl = export.build_checklist(s, doc=doc, body=body, status=status or None,
                                            include_vanished=include_all)
        except track.TaskError as e:
            _err(f"error: {e}")
            raise typer.Exit(code=1)
        data = export.render(cl, fmt)
        if out is None:
            if fmt in ("md", "markdown", "html", "ics"):
                sys.stdout.buffer.write(data)
                sys.stdout.flush()
                return
            _err(f"error: {fmt} is binary: give -o FILE")
            raise typer.Exit(code=2)
        out.write_bytes(data)
        typer.echo(f"{len(cl.rows)} tasks → {out}")
