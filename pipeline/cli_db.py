"""Database commands: ingest, ls, show, cites, cited-by, graph (``register(app)`` adds them)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

DB_HELP = "Database URL (any SQLAlchemy URL; default $VANBAN_DB, else an SQLite file in the user data folder)."


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _wide_console():
    """stdout console; 160 columns when stdout is not a terminal (a pipe or a file keeps whole rows)."""
    from rich.console import Console

    import os

    if sys.stdout.isatty() or os.environ.get("COLUMNS"):
        return Console(highlight=False)
    return Console(highlight=False, width=160)


def _fail(msg: str, code: int = 1):
    _err(f"error: {msg}")
    raise typer.Exit(code=code)


def _safe_url(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<url>"


def check_db(db: Optional[str]) -> None:
    """Open ``db`` (tables created or brought up to date); one error line and exit status 1 if it cannot be."""
    from pipeline import store
    from pipeline.errors import VanbanError

    try:
        store.get_engine(db)
    except Exception as e:
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        what = msg if isinstance(e, VanbanError) else f"{type(e).__name__}: {msg}"
        _fail(f"database {_safe_url(db or store.default_url())}: {what}")


def _open(db: Optional[str]):
    """The session scope of ``db``; a database that cannot be opened is one error line, exit status 1."""
    from pipeline import store

    check_db(db)
    return store.session_scope(db)


def _lookup_document(s, ref: str):
    from pipeline import store

    d = store.find_document(s, ref)
    if d is None:
        _fail(f"no document {ref!r} in the database (give its id, its symbol or the path it was ingested from)")
    return d


def _lookup_identity(s, ref: str):
    from pipeline import store

    found = store.find_identities(s, ref)
    if not found:
        _fail(f"no document {ref!r} in the database (give its id, its symbol or the path it was ingested from)")
    if len(found) > 1:
        _err(f"note: {ref!r} names {len(found)} documents; showing {found[0].key}; others: "
             + ", ".join(x.key for x in found[1:6]) + (" …" if len(found) > 6 else "") + " (give a key to choose)")
    return found[0]


def _short(s: Optional[str], n: int) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: n - 1] + "…"


def _status(d: dict) -> str:
    out = f"#{d['document_id']}" if d.get("document_id") else "not ingested"
    if d.get("superseded_by"):
        out += ", superseded"
    return out


def register(app) -> None:
    @app.command()
    def ingest(
        paths: List[str] = typer.Argument(..., help="Files, folders (recursive: txt, html, htm, pdf, docx) or globs."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress (errors, warnings, summary only)."),
        jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Extract in this many processes (storing stays one "
                                 "transaction per document, in order)."),
        engine: str = typer.Option("local", "--engine", help="local: extract here (--jobs processes); dask: "
                                   "extract on a Dask cluster, store here (needs the optional dependency "
                                   "dask.distributed)."),
        scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:8786) "
                                                "for --engine dask; default a local cluster of --jobs workers."),
    ):
        """Extract and store documents: one transaction per document; same content is skipped.

        A changed file at the same path, or a new text of the same document
        (same symbol, locality and year), becomes a new version; old versions
        are kept.  Exit status 1 when any file failed.
        """
        from pipeline.ingest import ingest_paths

        if engine not in ("local", "dask"):
            _fail(f"--engine must be local or dask, not {engine!r}", 2)
        if scheduler and engine != "dask":
            _fail("--scheduler needs --engine dask", 2)
        if engine == "dask":
            try:
                import distributed  # noqa: F401
            except ImportError:
                _fail("--engine dask needs dask.distributed: pip install 'vanban[dask]'")
        _open(db)
        tty = sys.stderr.isatty()
        con = _console(stderr=True)
        state: dict = {}

        def say(msg: str) -> None:
            if tty:
                con.print(msg, markup=False, highlight=False, soft_wrap=True)
            else:
                _err(msg)

        def on_start(n: int) -> None:
            state["n"], state["i"] = n, 0
            if tty and n > 1:
                from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                                           TimeRemainingColumn)

                p = Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                             TimeRemainingColumn(), TextColumn("{task.description}"), console=con, transient=True)
                p.start()
                state["progress"] = p
                state["task"] = p.add_task("", total=n)

        def on_result(r) -> None:
            if r.status == "failed":
                say(f"error: {r.error}")
            for w in r.warnings:
                say(f"warning: {r.path}: {w}")
            if "n" not in state:  # a path that names no file, before the batch
                return
            state["i"] += 1
            p = state.get("progress")
            if p is not None:
                p.update(state["task"], advance=1, description=_short(Path(r.path).name, 40))
            elif not tty and not quiet and r.status != "failed":  # plain progress, one line a file
                _err(f"[{state['i']}/{state['n']}] {r.status}: {r.path}")

        try:
            if engine == "dask":
                from pipeline.distributed import ingest_paths_dask

                report = ingest_paths_dask(paths, db, scheduler, on_start=on_start, on_result=on_result,
                                           workers=jobs)
            else:
                report = ingest_paths(paths, db, on_start=on_start, on_result=on_result, jobs=jobs)
        except Exception as e:  # the database cannot be opened, the scheduler cannot be reached
            p = state.get("progress")
            if p is not None:
                p.stop()
            from sqlalchemy.exc import SQLAlchemyError

            where = "database" if engine == "local" or isinstance(e, SQLAlchemyError) else "dask"
            _fail(f"{where}: {type(e).__name__}: {e}")
        p = state.get("progress")
        if p is not None:
            p.stop()
        typer.echo(report.summary())
        if report.failed:
            raise typer.Exit(code=1)

    @app.command("ls")
    def ls_cmd(
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
    ):
        """List the ingested documents."""
        from rich.table import Table

        from pipeline import store

        with _open(db) as s:
            rows = store.list_documents(s)
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        from rich import box

        con = _wide_console()
        with_issuer = con.width >= 120  # a narrow terminal: the issuer is in `show`
        t = Table(title=f"{len(rows)} documents", box=box.SIMPLE_HEAD, pad_edge=False)
        num = {"justify": "right", "no_wrap": True}
        cols = [("id", num), ("type", {}), ("symbol", {"min_width": 10, "overflow": "fold"}), ("date", {"no_wrap": True})]
        if with_issuer:
            cols.append(("issuer", {"ratio": 1}))
        cols += [("title", {"ratio": 2}), ("#refs", num), ("#obligations" if with_issuer else "#obl", num),
                 ("versions" if with_issuer else "vers", num)]
        for c, kw in cols:
            t.add_column(c, **kw)
        for r in rows:
            sym = (r["symbol"] or "") + (" (superseded)" if r["superseded"] else "")
            cells = [str(r["id"]), r["doc_type"] or "", sym, r["issued_date"] or ""]
            if with_issuer:
                cells.append(_short(r["issuer"], 50))
            cells += [_short(r["title"], 80), str(r["references"]), str(r["obligations"]), str(r["versions"])]
            t.add_row(*cells)
        con.print(t)

    @app.command()
    def show(
        doc: str = typer.Argument(..., help="Document id, symbol, or the path it was ingested from."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
        text: bool = typer.Option(False, "--text", help="With --json: include the clean text."),
    ):
        """Header, versions, references and obligations of one document."""
        from rich.table import Table

        from pipeline import store

        with _open(db) as s:
            d = store.find_document(s, doc)
            if d is None:
                found = store.find_identities(s, doc)
                if not found:
                    _lookup_document(s, doc)  # the error line
                _placeholder(s, found, as_json)
                return
            info = store.document_dict(s, d, full=text)
        if as_json:
            typer.echo(json.dumps(info, ensure_ascii=False, indent=1))
            return
        con = _wide_console()
        h = info["document"]
        con.rule(f"[bold]#{info['id']} {h['doc_type'] or ''} {h['symbol'] or ''}".strip())
        for label, value in (("Type", h["doc_type"]), ("Symbol", h["symbol"]), ("Date", h["issued_date"]),
                             ("Issuer", h["issuer"]), ("Place", h["place"]), ("Title", h["title"]),
                             ("Signer", h["signer"]), ("Locality", h["locality"]), ("Source", info["source"]),
                             ("Key", info["key"])):
            con.print(f"[bold]{label}:[/bold] ", end="")
            con.print(value if value is not None else "—", markup=False)
        if h["is_report"]:
            con.print("[italic]A news report about this document (its header fields are the document's).[/italic]")
        if info["superseded"]:
            by = info["superseded"]["by"] or {}
            con.print(f"[bold red]Superseded[/bold red] ({info['superseded']['relation']}) by ", end="")
            con.print(by.get("label") or "?", markup=False)
        con.print(f"[bold]Versions:[/bold] {len(info['versions'])}; cited by {info['cited_by']} document mention(s)")
        if info["references"]:
            t = Table(title=f"References ({len(info['references'])})")
            for c in ("relation", "type", "symbol", "date", "issuer", "cited document"):
                t.add_column(c)
            for r in info["references"]:
                t.add_row(r["relation"], r["doc_type"] or "", r["symbol"] or "", r["date"] or "",
                          _short(r["issuer"], 40), _status(r["target"]))
            con.print(t)
        obls = info["obligations"]
        if obls:
            kinds: dict[str, int] = {}
            for o in obls:
                kinds[o["kind"]] = kinds.get(o["kind"], 0) + 1
            con.print(f"[bold]Obligations:[/bold] {len(obls)} (" +
                      ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")")
            t = Table()
            for c in ("#", "kind", "obligation", "actors", "deadline"):
                t.add_column(c)
            for n, o in enumerate(obls, 1):
                t.add_row(str(n), o["kind"], _short(o["text"], 90), _short("; ".join(o["actors"] or []), 40),
                          o["deadline"] or "")
            con.print(t)

    def _placeholder(s, found, as_json: bool) -> None:
        """``show`` of a document that is cited but not ingested."""
        from pipeline import store

        out = []
        for i in found:
            d = store.identity_dict(i)
            d["cited_by"] = len(store.cited_by(s, i, 1))
            if i.superseded_by_id:
                by = s.get(store.Identity, i.superseded_by_id)
                d["superseded"] = {"by": store.identity_dict(by) if by else None, "relation": i.superseded_relation}
            out.append(d)
        if as_json:
            typer.echo(json.dumps(out[0] if len(out) == 1 else out, ensure_ascii=False, indent=1))
            return
        con = _wide_console()
        for d in out:
            con.rule(f"[bold]{d['label']}[/bold] (not ingested)")
            for label, value in (("Key", d["key"]), ("Type", d["doc_type"]), ("Symbol", d["symbol"]),
                                 ("Date", d["date"]), ("Issuer", d["issuer"])):
                con.print(f"[bold]{label}:[/bold] ", end="")
                con.print(value if value is not None else "—", markup=False)
            if d.get("superseded"):
                con.print("[bold red]Superseded[/bold red] by ", end="")
                con.print((d["superseded"]["by"] or {}).get("label") or "?", markup=False)
            con.print(f"Cited by {d['cited_by']} mention(s); `vanban cited-by {d['key']}` lists them.",
                      markup=False)

    _RANK = {"replaces": 0, "repeals": 1, "amends": 2, "implements": 3, "based_on": 4, "cites": 5}

    def _grouped(edges: list, incoming: bool) -> list:
        """One row per (depth, citing, cited) pair: the strongest relation, the number of mentions, the first one."""
        rows: dict = {}
        for e in edges:
            k = (e["depth"], e["from"]["id"], e["to"]["id"])
            r = rows.get(k)
            if r is None:
                rows[k] = dict(e, mentions=1)
            else:
                r["mentions"] += 1
                if _RANK.get(e["relation"], 9) < _RANK.get(r["relation"], 9):
                    r["relation"] = e["relation"]
        return list(rows.values())

    def _edges_cmd(doc: str, db: Optional[str], depth: int, as_json: bool, incoming: bool,
                   every: bool = False) -> None:
        from rich.table import Table

        from pipeline import store

        with _open(db) as s:
            i = _lookup_identity(s, doc)
            center = store.identity_dict(i)
            edges = store.cited_by(s, i, depth) if incoming else store.cites(s, i, depth)
        if as_json:
            typer.echo(json.dumps({"document": center, "edges": edges}, ensure_ascii=False, indent=1))
            return
        con = _wide_console()
        rows = [dict(e, mentions=1) for e in edges] if every else _grouped(edges, incoming)
        n_docs = len({(e["from"]["id"] if incoming else e["to"]["id"]) for e in edges})
        if incoming:
            t = Table(title=f"Cited by: {center['label']} ({n_docs} documents, {len(edges)} mentions)")
            for c in ("depth", "citing document", "relation", "×", "cites", "sentence"):
                t.add_column(c)
            for e in rows:
                t.add_row(str(e["depth"]), f"{e['from']['label']} (#{e['from']['document_id']})", e["relation"],
                          str(e["mentions"]), _short(e["to"]["label"], 40) if e["depth"] > 1 else "",
                          _short(e["sentence"], 200))
        else:
            t = Table(title=f"{center['label']} cites ({n_docs} documents, {len(edges)} mentions)")
            for c in ("depth", "relation", "×", "cited document", "status", "citing", "mention"):
                t.add_column(c)
            for e in rows:
                t.add_row(str(e["depth"]), e["relation"], str(e["mentions"]), _short(e["to"]["label"], 60),
                          _status(e["to"]), _short(e["from"]["label"], 40) if e["depth"] > 1 else "",
                          _short(e["text"], 80))
        con.print(t)

    @app.command()
    def cites(
        doc: str = typer.Argument(..., help="Document id, symbol, or the path it was ingested from."),
        depth: int = typer.Option(1, "--depth", min=1, help="Follow citation chains this many steps."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (every mention)."),
        every: bool = typer.Option(False, "--all", help="One row per mention (default: one per cited document)."),
    ):
        """The documents DOC cites."""
        _edges_cmd(doc, db, depth, as_json, incoming=False, every=every)

    @app.command("cited-by")
    def cited_by_cmd(
        doc: str = typer.Argument(..., help="Document id or symbol (cited documents not ingested too), or path."),
        depth: int = typer.Option(1, "--depth", min=1, help="Follow citation chains this many steps."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        as_json: bool = typer.Option(False, "--json", help="Print JSON (every mention)."),
        every: bool = typer.Option(False, "--all", help="One row per mention (default: one per citing document, "
                                   "its first citing sentence)."),
    ):
        """The documents that cite DOC, with the citing sentence."""
        _edges_cmd(doc, db, depth, as_json, incoming=True, every=every)

    @app.command()
    def graph(
        doc: Optional[str] = typer.Argument(None, help="Document id, symbol or path; none: the whole corpus."),
        fmt: str = typer.Option("json", "--format", "-f", help="graphml, gexf, json, dot, png or svg."),
        output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here instead of stdout."),
        depth: int = typer.Option(1, "--depth", min=1, help="Citation steps around DOC."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ):
        """Export the citation neighbourhood of DOC (or the whole corpus), or draw it (png/svg)."""
        from pipeline import graph as G
        from pipeline import store

        fmt = fmt.lower()
        if fmt not in G.FORMATS:
            _fail(f"unknown format {fmt!r} (one of {', '.join(G.FORMATS)})", code=2)
        if fmt in G.PICTURE_FORMATS and output is None and sys.stdout.isatty():
            _fail(f"a {fmt} picture needs -o FILE (or a pipe)", code=2)
        with _open(db) as s:
            if doc is None:
                g = G.corpus_graph(s)
            else:
                g = G.neighbourhood(s, _lookup_identity(s, doc), depth)
        data = G.write(g, fmt, str(output) if output else None)
        if output:
            _err(f"{output}: {g.number_of_nodes()} documents, {g.number_of_edges()} citations")
        elif isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            typer.echo(data, nl=False)
