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
    indent: Optional[int] = typer.Option(None, help="Indent JSON (one file only)."),
):
    """Extract records from FILE(s) without a database."""
    from pipeline.extract import extract_path

    failed = 0
    for f in files:
        try:
            rec = extract_path(f)
        except VanbanError as e:
            _err(f"error: {e}")
            failed += 1
            continue
        for w in rec.warnings:
            _err(f"warning: {f}: {w}")
        if as_json or True:
            d = rec.to_dict()
            if len(files) == 1:
                typer.echo(json.dumps(d, ensure_ascii=False, indent=indent))
            else:
                typer.echo(json.dumps(d, ensure_ascii=False))
    if failed:
        raise typer.Exit(code=1)


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


from pipeline import cli_db, cli_track  # noqa: E402

cli_db.register(app)
cli_track.register(app)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
