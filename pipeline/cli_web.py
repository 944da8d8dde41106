"""Web commands: ``vanban serve`` and ``vanban users add`` (``register(app)`` adds them)."""
from __future__ import annotations

import sys
from typing import Optional

import typer

DB_HELP = "Database URL (any SQLAlchemy URL; default $VANBAN_DB, else an SQLite file in the user data folder)."


def _err(msg: str) -> None:
    typer.echo(msg, err=True)


def register(app) -> None:
    @app.command()
    def serve(
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (any non-loopback address "
                                                             "turns on login: add accounts with 'vanban users add')."),
        port: int = typer.Option(8000, "--port", help="TCP port."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
        upload_dir: Optional[str] = typer.Option(None, "--upload-dir",
                                                 help="Where uploaded files are kept (default: the user data folder)."),
    ):
        """Run the web app for analysts (Vietnamese pages: upload, documents, checklists, tasks, citations, search)."""
        import uvicorn

        from pipeline import store
        from pipeline.web import auth
        from pipeline.web.app import create_app, is_loopback

        need_login = not is_loopback(host)
        try:
            web = create_app(db, require_login=need_login, upload_dir=upload_dir)
        except Exception as e:  # the database cannot be opened
            _err(f"error: cannot open the database: {type(e).__name__}: {e}")
            raise typer.Exit(code=1)
        if need_login:
            with store.session_scope(db) as s:
                n = auth.count_users(s)
            _err(f"note: listening on {host}: login required ({n} account{'s' if n != 1 else ''})")
            if n == 0:
                _err("warning: no account yet: add one with 'vanban users add NAME --role editor'")
        shown = f"[{host}]" if ":" in host else host
        _err(f"vanban: http://{shown}:{port}/  (Ctrl+C to stop)")
        uvicorn.run(web, host=host, port=port, log_level="warning")

    users_app = typer.Typer(no_args_is_help=True, help="Accounts of the web app (needed when it listens beyond "
                                                       "this machine).")
    app.add_typer(users_app, name="users")

    @users_app.command("add")
    def users_add(
        name: str = typer.Argument(..., help="Account name."),
        role: str = typer.Option("viewer", "--role", help="viewer (reads) or editor (also uploads and changes "
                                                          "task status)."),
        password_stdin: bool = typer.Option(False, "--password-stdin",
                                            help="Read the password from the first line of standard input."),
        db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    ):
        """Add an account (or set the password and role of an existing one); the password is prompted."""
        from pipeline import store
        from pipeline.web import auth

        if role not in auth.ROLES:
            _err(f"error: --role must be one of {', '.join(auth.ROLES)}")
            raise typer.Exit(code=2)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        if not password:
            _err("error: empty password")
            raise typer.Exit(code=1)
        try:
            with store.session_scope(db) as s:
                u = auth.add_user(s, name, password, role)
                typer.echo(f"account {u.name!r}: {u.role}")
        except auth.UserError as e:
            _err(f"error: {e}")
            raise typer.Exit(code=1)

    @users_app.command("list")
    def users_list(db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)):
        """List the accounts."""
        from sqlalchemy import select

        from pipeline import store
        from pipeline.web import auth

        with store.session_scope(db) as s:
            auth.ensure_tables(s.get_bind())
            for u in s.scalars(select(auth.WebUser).order_by(auth.WebUser.name)):
                typer.echo(f"{u.name}\t{u.role}\t{u.created_at:%Y-%m-%d}")
