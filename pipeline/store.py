"""Storage: the one module that speaks SQL (SQLAlchemy 2.x ORM).

Tables (class → table):

``Identity`` → ``identities``
    One document of the corpus as others cite it: its key (see
    :mod:`pipeline.resolve`), type, symbol, issuer, year.  An identity that
    no ingested document carries yet is a *placeholder*; it is linked up when
    the document arrives.  ``superseded_by_id`` points at the identity of the
    document that replaced or repealed it.
``Document`` → ``documents``
    One ingested document (all its versions); ``identity_id`` is its identity,
    ``current_version_id`` the version in force.
``Version`` → ``versions``
    One content of a document (``sha256`` of the file's bytes, unique), its
    clean text and the whole record as JSON; ``is_current`` marks the latest.
``Reference`` → ``doc_references``
    One mention of another document in one version; ``target_id`` is the
    cited identity, ``sentence`` the citing sentence, ``is_current`` mirrors
    the version's flag (indexed with ``target_id`` for ``cited-by``).
``Obligation`` → ``obligations``, ``Body`` → ``bodies``
    The version's obligations and body mentions.

``get_engine(url=None)`` gives the engine of ``url``, else of ``$VANBAN_DB``,
else of an SQLite file in the user's data directory, with every table created;
``session_scope(url=None)`` is one transaction.  SQL stays portable
(SQLite and PostgreSQL): JSON columns are ``sqlalchemy.JSON``.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, create_engine, event,
                        select)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, sessionmaker

ENV_VAR = "VANBAN_DB"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of every vanban table (the tracker's tables too)."""


class Identity(Base):
    __tablename__ = "identities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True, index=True)
    loose: Mapped[str] = mapped_column(String(400), index=True)  # key without its "#year"
    doc_type: Mapped[Optional[str]] = mapped_column(String(80))
    symbol: Mapped[Optional[str]] = mapped_column(String(120), index=True)
    number: Mapped[Optional[str]] = mapped_column(String(40))
    issuer: Mapped[Optional[str]] = mapped_column(String(400))
    date: Mapped[Optional[str]] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(600), default="")  # how it reads in lists and graphs
    superseded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("identities.id"), index=True)
    superseded_relation: Mapped[Optional[str]] = mapped_column(String(20))  # "replaces" / "repeals"
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)

    document: Mapped[Optional["Document"]] = relationship(back_populates="identity", uselist=False)
    superseded_by: Mapped[Optional["Identity"]] = relationship(remote_side=[id], foreign_keys=[superseded_by_id])

    @property
    def is_placeholder(self) -> bool:
        return self.document is None


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    identity_id: Mapped[Optional[int]] = mapped_column(ForeignKey("identities.id"), unique=True, index=True)
    source: Mapped[str] = mapped_column(String(2000), index=True)  # path of the latest ingest
    doc_type: Mapped[Optional[str]] = mapped_column(String(80), index=True)
    symbol: Mapped[Optional[str]] = mapped_column(String(120), index=True)
    number: Mapped[Optional[str]] = mapped_column(String(40))
    issued_date: Mapped[Optional[str]] = mapped_column(String(10), index=True)
    issuer: Mapped[Optional[str]] = mapped_column(String(400))
    place: Mapped[Optional[str]] = mapped_column(String(200))
    title: Mapped[Optional[str]] = mapped_column(Text)
    locality: Mapped[Optional[str]] = mapped_column(String(120))
    is_report: Mapped[bool] = mapped_column(Boolean, default=False)
    current_version_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("versions.id", use_alter=True, name="fk_documents_current_version"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_now)

    identity: Mapped[Optional[Identity]] = relationship(back_populates="document")
    versions: Mapped[list["Version"]] = relationship(
        back_populates="document", foreign_keys="Version.document_id", order_by="Version.seq")
    current_version: Mapped[Optional["Version"]] = relationship(foreign_keys=[current_version_id], post_update=True)


class Version(Base):
    __tablename__ = "versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=1)  # 1, 2, … in order of ingest
    sha256: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    source: Mapped[str] = mapped_column(String(2000), index=True)
    format: Mapped[Optional[str]] = mapped_column(String(20))
    encoding: Mapped[Optional[str]] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    record: Mapped[dict] = mapped_column(JSON)  # Record.to_dict() without "text"
    n_references: Mapped[int] = mapped_column(Integer, default=0)
    n_obligations: Mapped[int] = mapped_column(Integer, default=0)
    n_bodies: Mapped[int] = mapped_column(Integer, default=0)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=_now)

    document: Mapped[Document] = relationship(back_populates="versions", foreign_keys=[document_id])
    references: Mapped[list["Reference"]] = relationship(back_populates="version", order_by="Reference.seq",
                                                         cascade="all, delete-orphan")
    obligations: Mapped[list["Obligation"]] = relationship(back_populates="version", order_by="Obligation.seq",
                                                           cascade="all, delete-orphan")
    bodies: Mapped[list["Body"]] = relationship(back_populates="version", order_by="Body.seq",
                                                cascade="all, delete-orphan")


class Reference(Base):
    __tablename__ = "doc_references"  # "references" is an SQL keyword

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)  # the citing document
    target_id: Mapped[int] = mapped_column(ForeignKey("identities.id"))  # the cited document
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    doc_type: Mapped[Optional[str]] = mapped_column(String(80))
    symbol: Mapped[Optional[str]] = mapped_column(String(120))
    number: Mapped[Optional[str]] = mapped_column(String(40))
    date: Mapped[Optional[str]] = mapped_column(String(10))
    issuer: Mapped[Optional[str]] = mapped_column(String(400))
    relation: Mapped[str] = mapped_column(String(20), default="cites")
    title: Mapped[Optional[str]] = mapped_column(Text)
    sentence: Mapped[Optional[str]] = mapped_column(Text)

    version: Mapped[Version] = relationship(back_populates="references")
    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    target: Mapped[Identity] = relationship(foreign_keys=[target_id])

    __table_args__ = (
        Index("ix_doc_references_target_current", "target_id", "is_current"),
        Index("ix_doc_references_document_current", "document_id", "is_current"),
    )


class Obligation(Base):
    __tablename__ = "obligations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="task")
    actors: Mapped[list] = mapped_column(JSON, default=list)
    partners: Mapped[list] = mapped_column(JSON, default=list)
    deadline: Mapped[Optional[str]] = mapped_column(String(10), index=True)
    recurrence: Mapped[Optional[object]] = mapped_column(JSON)
    period: Mapped[Optional[dict]] = mapped_column(JSON)
    report_to: Mapped[Optional[str]] = mapped_column(Text)
    section: Mapped[Optional[str]] = mapped_column(String(80))
    deadline_text: Mapped[Optional[str]] = mapped_column(Text)

    version: Mapped[Version] = relationship(back_populates="obligations")
    document: Mapped[Document] = relationship(foreign_keys=[document_id])


class Body(Base):
    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    canonical: Mapped[str] = mapped_column(String(600), index=True)

    version: Mapped[Version] = relationship(back_populates="bodies")


# ---------------------------------------------------------------- engine / sessions

def default_url() -> str:
    """``$VANBAN_DB``, else an SQLite file in the user's data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    from platformdirs import user_data_dir

    d = Path(user_data_dir("vanban"))
    d.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{d / 'vanban.db'}"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


_ENGINES: dict[str, Engine] = {}
_MAKERS: dict[str, sessionmaker] = {}


def _load_other_tables() -> None:
    """Import the modules that put their own tables on :class:`Base` (the tracker)."""
    try:
        import pipeline.track  # noqa: F401
    except Exception:  # a broken tracker must not stop storage
        pass


def get_engine(url: Optional[str] = None) -> Engine:
    """The engine of ``url`` (any SQLAlchemy URL), every table created; one per URL per process."""
    url = url or default_url()
    eng = _ENGINES.get(url)
    if eng is not None:
        return eng
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        if u.database and u.database != ":memory:":
            Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        eng = create_engine(url, connect_args={"timeout": 30})
        event.listen(eng, "connect", _sqlite_pragmas)
    else:
        eng = create_engine(url, pool_pre_ping=True)
    _load_other_tables()
    Base.metadata.create_all(eng)
    _ENGINES[url] = eng
    return eng


def dispose(url: Optional[str] = None) -> None:
    """Close the pooled connections of ``url`` (or of every engine)."""
    urls = [url] if url else list(_ENGINES)
    for k in urls:
        eng = _ENGINES.pop(k, None)
        _MAKERS.pop(k, None)
        if eng is not None:
            eng.dispose()


def get_session(url: Optional[str] = None) -> Session:
    """A new session on ``url`` (the caller commits and closes it)."""
    url = url or default_url()
    maker = _MAKERS.get(url)
    if maker is None:
        maker = _MAKERS[url] = sessionmaker(bind=get_engine(url), expire_on_commit=False)
    return maker()


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """One transaction: commit when the block ends, roll back on any exception."""
    s = get_session(url)
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
    finally:
        s.close()


# ---------------------------------------------------------------- lookups

def find_document(session: Session, ref: str) -> Optional[Document]:
    """The document named by ``ref``: its id, its symbol (case-insensitive), or a path it was ingested from."""
    ref = str(ref).strip()
    if ref.isdigit():
        d = session.get(Document, int(ref))
        if d is not None:
            return d
    d = session.scalars(select(Document).where(Document.symbol == ref).order_by(Document.id)).first()
    if d is not None:
        return d
    import re

    canon = re.sub(r"\s+", "", ref)
    for cand in {canon, canon.upper()}:
        d = session.scalars(select(Document).where(Document.symbol == cand).order_by(Document.id)).first()
        if d is not None:
            return d
    paths = {ref}
    try:
        paths.add(str(Path(ref).expanduser().resolve()))
    except OSError:
        pass
    for p in paths:
        v = session.scalars(select(Version).where(Version.source == p).order_by(Version.id.desc())).first()
        if v is not None:
            return v.document
    # a symbol written with other case
    from sqlalchemy import func

    return session.scalars(select(Document).where(func.lower(Document.symbol) == canon.lower())
                           .order_by(Document.id)).first()


def find_identity(session: Session, ref: str) -> Optional[Identity]:
    """An identity by document reference (see :func:`find_document`), by key, or by symbol (placeholders too)."""
    d = find_document(session, ref)
    if d is not None and d.identity is not None:
        return d.identity
    i = session.scalars(select(Identity).where(Identity.key == ref)).first()
    if i is not None:
        return i
    import re

    canon = re.sub(r"\s+", "", str(ref))
    return session.scalars(select(Identity).where(Identity.symbol == canon).order_by(Identity.id)).first()
