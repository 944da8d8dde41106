"""Shared fixtures.

``db_url``: a fresh, empty database for one test — an SQLite file always, and a
PostgreSQL database too when ``VANBAN_TEST_PG`` names a server (``.ci/run``
starts one with ``.ci/postgres.sh``); each PostgreSQL test gets its own
database, dropped afterwards.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """../shared, or skip when it is absent (a fresh clone without it)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    return SHARED


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'vanban.db'}"
        return
    base = os.environ.get("VANBAN_TEST_PG")
    if not base:
        pytest.skip("no PostgreSQL server (set VANBAN_TEST_PG)")
    sqlalchemy = pytest.importorskip("sqlalchemy")
    from sqlalchemy.engine import make_url

    name = f"vanban_t_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        # best effort: a test database left behind (e.g. held by a background process) harms nothing
        with admin.connect() as c:
            try:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except sqlalchemy.exc.SQLAlchemyError:
                pass
        admin.dispose()
