"""The ``vanban`` command: thin, parses arguments, calls the API, prints."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from pipeline.errors import VanbanError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="vanban: Vietnamese directives → references, obligations, tracked tasks.")


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


@app.command()
def extract(
    files: List[Path] = typer.Argument(..., help="Files to extract (txt, html, pdf, docx)."),
    as_json: bool = typer.Option(False, "--json", help="Print the RECORDS.md object(s) as JSON."),
    indent: Optional[int] = typer.Option(None, help="Indent the JSON of a single file."),
    db: Optional[str] = typer.Option(None, "--db", help="Database to check cited documents against "
                                     "(default: $VANBAN_DB or the user's database, when it exists)."),
):
    """Extract records from FILE(s) without a database.

    With --json: one file gives one JSON object; several give one object per
    line, in order.  Without: a readable summary per file.
    """
    from pipeline.extract import extract_path
    from pipeline.store import superseded_warnings_for

    failed = 0
    for f in files:
        try:
            rec = extract_path(f)
        except VanbanError as e:
            _err(f"error: {e}")
            failed += 1
            continue
        except Exception as e:  # one bad file must not stop the batch
            _err(f"error: {f}: unexpected {type(e).__name__}: {e}")
            failed += 1
            continue
        for w in rec.warnings + superseded_warnings_for(rec, db):
            _err(f"warning: {f}: {w}")
        if as_json:
            d = rec.to_dict()
            typer.echo(json.dumps(d, ensure_ascii=False, indent=indent if len(files) == 1 else None))
        else:
            _print_summary(rec)
    if failed:
        raise typer.Exit(code=1)


def _print_summary(rec) -> None:
    from rich.console import Console
    from rich.table import Table

    con = Console()
    d = rec.document
    con.rule(f"[bold]{rec.source}")
    for label, value in (("Loại", d.doc_type), ("Số", d.symbol), ("Ngày", d.issued_date), ("Nơi ban hành", d.place),
                         ("Cơ quan", d.issuer), ("Trích yếu", d.title), ("Người ký", d.signer)):
        con.print(f"[bold]{label}:[/bold] {value if value is not None else '—'}")
    if rec.references:
        t = Table(title=f"Văn bản được dẫn chiếu ({len(rec.references)})")
        for c in ("Loại", "Số hiệu", "Ngày", "Cơ quan", "Quan hệ"):
            t.add_column(c)
        for r in rec.references:
            t.add_row(r.doc_type or "", r.symbol or "", r.date or "", r.issuer or "", r.relation)
        con.print(t)
    if rec.obligations:
        t = Table(title=f"Nhiệm vụ ({len(rec.obligations)})")
        for c in ("Loại", "Nội dung", "Chủ trì", "Thời hạn", "Định kỳ"):
            t.add_column(c)
        for o in rec.obligations:
            rec_ = o.recurrence if isinstance(o.recurrence, str) or o.recurrence is None else ", ".join(o.recurrence)
            t.add_row(o.kind, o.text[:120] + ("…" if len(o.text) > 120 else ""), "; ".join(o.actors),
                      o.deadline or "", rec_ or "")
        con.print(t)


@app.command("eval")
def eval_cmd(
    gold_dir: Path = typer.Argument(..., help="Folder of <stem>.gold.json (and refs/<stem>.json)."),
    texts: List[Path] = typer.Option(..., "--texts", help="Folder(s) holding <stem>.txt."),
    per_doc: bool = typer.Option(False, "--per-doc", help="Also print figures per document."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
):
    """Score extraction against gold records (RECORDS.md shape)."""
    from pipeline.evaluate import evaluate, format_report

    report = evaluate(gold_dir, texts)
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        typer.echo(format_report(report, per_doc=per_doc))


from pipeline import cli_db, cli_track, cli_web  # noqa: E402

cli_db.register(app)
cli_track.register(app)
cli_web.register(app)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
