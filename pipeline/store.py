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

from pipeline.errors import VanbanError

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
    doc_type: Mapped[Optional[str]] = mapped_column(Text)
    symbol: Mapped[Optional[str]] = mapped_column(Text, index=True)
    number: Mapped[Optional[str]] = mapped_column(Text)
    issuer: Mapped[Optional[str]] = mapped_column(Text)
    date: Mapped[Optional[str]] = mapped_column(Text)
    label: Mapped[str] = mapped_column(Text, default="")  # how it reads in lists and graphs
    superseded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("identities.id"), index=True)
    superseded_relation: Mapped[Optional[str]] = mapped_column(String(32))  # "replaces" / "repeals"
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
    source: Mapped[str] = mapped_column(Text, index=True)  # path of the latest ingest
    doc_type: Mapped[Optional[str]] = mapped_column(Text, index=True)
    symbol: Mapped[Optional[str]] = mapped_column(Text, index=True)
    number: Mapped[Optional[str]] = mapped_column(Text)
    issued_date: Mapped[Optional[str]] = mapped_column(Text, index=True)
    issuer: Mapped[Optional[str]] = mapped_column(Text)
    place: Mapped[Optional[str]] = mapped_column(Text)
    title: Mapped[Optional[str]] = mapped_column(Text)
    locality: Mapped[Optional[str]] = mapped_column(Text)
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
    source: Mapped[str] = mapped_column(Text, index=True)
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
    doc_type: Mapped[Optional[str]] = mapped_column(Text)
    symbol: Mapped[Optional[str]] = mapped_column(Text)
    number: Mapped[Optional[str]] = mapped_column(Text)
    date: Mapped[Optional[str]] = mapped_column(Text)
    issuer: Mapped[Optional[str]] = mapped_column(Text)
    relation: Mapped[str] = mapped_column(String(32), default="cites")
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
    kind: Mapped[str] = mapped_column(String(32), default="task")
    actors: Mapped[list] = mapped_column(JSON, default=list)
    partners: Mapped[list] = mapped_column(JSON, default=list)
    deadline: Mapped[Optional[str]] = mapped_column(Text, index=True)
    recurrence: Mapped[Optional[object]] = mapped_column(JSON)
    period: Mapped[Optional[dict]] = mapped_column(JSON)
    report_to: Mapped[Optional[str]] = mapped_column(Text)
    section: Mapped[Optional[str]] = mapped_column(Text)
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
    canonical: Mapped[str] = mapped_column(Text, index=True)

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
    for attempt in range(3):
        try:
            Base.metadata.create_all(eng)
            break
        except Exception:  # another process created the tables at the same moment: look again
            if attempt == 2:
                raise
            import time

            time.sleep(0.3)
    _add_missing_columns(eng)
    _ENGINES[url] = eng
    return eng


def _add_missing_columns(eng: Engine) -> None:
    """Bring a database made by an earlier vanban up to the current tables: a column added since is
    added (``ALTER TABLE … ADD COLUMN``; existing rows get NULL); a missing column that cannot be NULL
    is an error naming it, never a crash later in the middle of a batch."""
    from sqlalchemy import inspect
    from sqlalchemy.schema import CreateColumn

    insp = inspect(eng)
    present = set(insp.get_table_names())
    todo = []
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            continue
        have = {c["name"] for c in insp.get_columns(table.name)}
        for col in table.columns:
            if col.name in have:
                continue
            if not col.nullable or col.primary_key:
                raise VanbanError(f"the table {table.name} lacks the required column {col.name} (made by an older "
                                  "vanban): start a new database")
            todo.append((table.name, str(CreateColumn(col).compile(dialect=eng.dialect))))
    if todo:
        with eng.begin() as conn:
            for tname, coldef in todo:
                conn.exec_driver_sql(f"ALTER TABLE {eng.dialect.identifier_preparer.quote(tname)} ADD COLUMN {coldef}")


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
    d = session.scalars(select(Document).where(Document.symbol == ref).order_by(Document.is_report, Document.id)).first()
    if d is not None:
        return d
    import re

    canon = re.sub(r"\s+", "", ref)
    for cand in {canon, canon.upper()}:
        d = session.scalars(select(Document).where(Document.symbol == cand).order_by(Document.is_report, Document.id)).first()
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
                           .order_by(Document.is_report, Document.id)).first()


def find_identities(session: Session, ref: str) -> list[Identity]:
    """Every identity ``ref`` may name, best first: the document it names (id, symbol, path), an exact key,
    else every identity with that symbol (any case, any locality or year; ingested ones first)."""
    import re

    from sqlalchemy import or_

    d = find_document(session, ref)
    if d is not None and d.identity is not None:
        return [d.identity]
    i = session.scalars(select(Identity).where(Identity.key == ref)).first()
    if i is not None:
        return [i]
    canon = re.sub(r"\s+", "", str(ref)).casefold()
    if not canon:
        return []
    esc = canon.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    cands = session.scalars(select(Identity).where(or_(
        Identity.loose == f"sym:{canon}", Identity.loose.like(f"sym:{esc}@%", escape="\\")))
        .order_by(Identity.id)).all()
    if not cands:
        cands = session.scalars(select(Identity).where(Identity.symbol == re.sub(r"\s+", "", str(ref)))
                                .order_by(Identity.id)).all()
    return sorted(cands, key=lambda x: (x.document is None, x.id))


def find_identity(session: Session, ref: str) -> Optional[Identity]:
    """The best identity for ``ref`` (see :func:`find_identities`), placeholders included."""
    found = find_identities(session, ref)
    return found[0] if found else None


# ---------------------------------------------------------------- identity keys

def _resolve():
    """:mod:`pipeline.resolve`, or ``None`` while it is missing or broken (then a local fallback key)."""
    try:
        from pipeline import resolve

        return resolve
    except Exception:  # pragma: no cover - only before resolve.py lands
        return None


def _fallback_key(symbol: Optional[str], year: Optional[int], loc: Optional[str], name: str = "") -> str:
    import re

    if symbol:
        key = "sym:" + re.sub(r"\s+", "", symbol).casefold()
        if loc and re.search(r"/(?:TU|HU|ĐU|ĐUK|TW\w+)$|-UBND", symbol) and not symbol.endswith("/TW"):
            key += "@" + loc
        m = re.search(r"/((?:19|20)\d\d)/", symbol)
        year = int(m.group(1)) if m else year
    else:
        key = "name:" + re.sub(r"\W+", "-", name.casefold()).strip("-")
    if year:
        key += f"#{year}"
    return key


def loose_key(key: str) -> str:
    """``key`` without its ``#year``."""
    return key.split("#", 1)[0]


def document_locality(record) -> Optional[str]:
    r = _resolve()
    if r is None:
        return None
    try:
        return r.locality(record.document, record.text)
    except Exception:
        return None


def document_identity_key(record, loc: Optional[str] = None) -> str:
    """The corpus-wide key of the record's own document (``doc:<sha256>`` when nothing identifies it)."""
    d = record.document
    r = _resolve()
    key = None
    if r is not None:
        try:
            key = r.document_key(d, text=record.text)
        except Exception:
            key = None
    if key is None:
        year = int(d.issued_date[:4]) if d.issued_date else None
        key = _fallback_key(d.symbol, year, loc, " ".join(filter(None, [d.doc_type, d.title])))
    if not d.symbol and not (d.title and d.title.strip()):
        key = f"doc:{record.sha256}"
    return key


def reference_identity_key(ref, loc: Optional[str]) -> str:
    r = _resolve()
    if r is not None:
        try:
            return r.identity_key(ref, loc)
        except Exception:
            pass
    year = ref.year or (int(ref.date[:4]) if ref.date else None)
    return _fallback_key(ref.symbol, year, loc, ref.text)


KEY_MAX = 400


def bounded_key(key: str) -> str:
    """``key`` within the column's length: a long one is cut and given a hash of the whole (its year kept)."""
    if len(key) <= KEY_MAX:
        return key
    import hashlib

    base, sep, year = key.partition("#")
    tail = "~" + hashlib.sha1(base.encode("utf-8")).hexdigest()[:16]
    return base[: KEY_MAX - len(tail) - len(sep) - len(year)] + tail + sep + year


def _strong(key: str) -> bool:
    """A key that names one document for sure (same key ⇒ same document, so a new version)."""
    return key.startswith("sym:") and "?" not in key


def _label(doc_type: Optional[str], symbol: Optional[str], text: Optional[str]) -> str:
    if symbol:
        return " ".join(filter(None, [doc_type, symbol]))
    t = " ".join((text or "").split())
    if doc_type and not t.casefold().startswith(doc_type.casefold()):
        t = f"{doc_type} {t}".strip()
    return t[:160] + ("…" if len(t) > 160 else "")


# ---------------------------------------------------------------- writing one record

def _merge_identity(session: Session, src: Identity, dst: Identity) -> None:
    """Move everything that points at ``src`` to ``dst`` and drop ``src``."""
    from sqlalchemy import update

    session.flush()
    session.execute(update(Reference).where(Reference.target_id == src.id).values(target_id=dst.id))
    session.execute(update(Identity).where(Identity.superseded_by_id == src.id).values(superseded_by_id=dst.id))
    if src.superseded_by_id and not dst.superseded_by_id and src.superseded_by_id != dst.id:
        dst.superseded_by_id = src.superseded_by_id
        dst.superseded_relation = src.superseded_relation
    if src.document is not None and dst.document is None:
        doc = src.document
        doc.identity_id = None
        session.flush()
        doc.identity_id = dst.id
    for f in ("doc_type", "symbol", "number", "issuer", "date"):
        if getattr(dst, f) is None and getattr(src, f) is not None:
            setattr(dst, f, getattr(src, f))
    session.flush()
    session.expire_all()
    session.delete(session.get(Identity, src.id))
    session.flush()


def get_identity(session: Session, key: str, *, doc_type=None, symbol=None, number=None, issuer=None, date=None,
                 label: str = "", create: bool = True) -> Optional[Identity]:
    """The identity of ``key``, linking a key without year to the one dated key of the same document.

    A citation without year links to the only stored key with the same loose
    key; a dated key absorbs a year-less placeholder when it is the only dated
    one, so the order of ingest does not matter.
    """
    key = bounded_key(key)
    ident = session.scalars(select(Identity).where(Identity.key == key)).first()
    if ident is None and "#" not in key:
        cands = session.scalars(select(Identity).where(Identity.loose == key, Identity.key != key).limit(2)).all()
        if len(cands) == 1:
            ident = cands[0]
    if ident is None:
        if not create:
            return None
        ident = Identity(key=key, loose=loose_key(key), doc_type=doc_type, symbol=symbol, number=number,
                         issuer=issuer, date=date, label=label or key)
        session.add(ident)
        session.flush()
        if "#" in key:
            lk = loose_key(key)
            yearless = session.scalars(select(Identity).where(Identity.key == lk)).first()
            if yearless is not None:
                n_dated = len(session.scalars(select(Identity.id).where(Identity.loose == lk, Identity.key != lk)
                                              .limit(2)).all())
                if n_dated == 1 and not (yearless.document is not None and ident.document is not None):
                    _merge_identity(session, yearless, ident)
                    ident = session.get(Identity, ident.id)
        return ident
    for f, v in (("doc_type", doc_type), ("symbol", symbol), ("number", number), ("issuer", issuer), ("date", date)):
        if v and getattr(ident, f) is None:
            setattr(ident, f, v)
    if label and (not ident.label or ident.label == ident.key):
        ident.label = label
    return ident


_SENT_END_RE = None


def _is_boundary(text: str, m) -> bool:
    """A sentence end: . ! ? … before a space, or a line end that is not a soft wrap (the next line
    going on in lower case: "triển\nkhai")."""
    if m.group() != "\n":
        return True
    j = m.end()
    while j < len(text) and text[j] in " \t":
        j += 1
    return not (j < len(text) and text[j].islower())


def sentence_around(text: str, start: int, end: int, limit: int = 500) -> str:
    """The sentence of ``text`` that holds ``text[start:end]``, on one line, at most ``limit`` characters
    either side of the mention."""
    import re

    global _SENT_END_RE
    if _SENT_END_RE is None:
        _SENT_END_RE = re.compile(r"[.!?…](?=\s)|\n")
    left = max(0, start - limit)
    for m in _SENT_END_RE.finditer(text, max(0, start - limit), start):
        if _is_boundary(text, m):
            left = m.end()
    right = min(len(text), end + limit)
    for m in _SENT_END_RE.finditer(text, end, min(len(text), end + limit)):
        if _is_boundary(text, m):
            right = m.end() if m.group() != "\n" else m.start()
            break
    return " ".join(text[left:right].split())


def _norm(s: Optional[str]) -> str:
    import re
    import unicodedata

    return re.sub(r"\W+", " ", unicodedata.normalize("NFC", s or "").casefold()).strip()


def _same_header(doc: "Document", d) -> bool:
    """Whether a stored document and a new record's document can be one document under one key:
    type and issuer agree where both are given (two communes' "01/KH-UBND" of one province differ)."""
    for a, b in ((doc.doc_type, d.doc_type), (doc.issuer, d.issuer)):
        if a and b and _norm(a) != _norm(b):
            return False
    return True


class StoreResult:
    """What :func:`store_record` did: ``status`` is "new", "unchanged" or "version"."""

    def __init__(self, status: str, document: Optional[Document], version: Optional[Version],
                 warnings: Optional[list[str]] = None):
        self.status = status
        self.document = document
        self.version = version
        self.warnings = warnings or []

    def __repr__(self) -> str:  # pragma: no cover
        return f"StoreResult({self.status!r}, doc={getattr(self.document, 'id', None)})"


def find_version_by_sha(session: Session, sha256: str) -> Optional[Version]:
    return session.scalars(select(Version).where(Version.sha256 == sha256)).first()


def _abs(source: str) -> str:
    if source.startswith("<"):
        return source
    try:
        return str(Path(source).expanduser().resolve())
    except OSError:
        return source


def _superseded_note(session: Session, target: Identity) -> str:
    by = session.get(Identity, target.superseded_by_id)
    verb = "repealed" if target.superseded_relation == "repeals" else "replaced"
    return f"cites superseded document {target.label or target.key} ({verb} by {by.label if by else '?'})"


def store_record(session: Session, record, source: Optional[str] = None) -> StoreResult:
    """Write one extracted :class:`~pipeline.records.Record` in ``session`` (the caller's transaction).

    Same content (``record.sha256``) as a stored version: nothing changes.  A
    new content at a path already ingested, or of a document with the same
    identity (same symbol, locality, year), becomes a new current version; the
    old versions stay.  Cited documents are linked to their identities
    (placeholders when not ingested), replaced/repealed ones marked superseded.
    Calls :func:`pipeline.track.sync_tasks` after writing a new version.
    """
    import json

    from sqlalchemy import func, update

    old = find_version_by_sha(session, record.sha256)
    if old is not None:
        return StoreResult("unchanged", old.document, old)
    src = _abs(source or record.source)
    d = record.document
    loc = document_locality(record)
    key = document_identity_key(record, loc)
    warnings: list[str] = []

    doc = None
    if not src.startswith("<"):
        v = session.scalars(select(Version).where(Version.source == src).order_by(Version.id.desc())).first()
        if v is not None:
            doc = v.document
    ident = get_identity(session, key, doc_type=d.doc_type, symbol=d.symbol, number=d.number, issuer=d.issuer,
                         date=d.issued_date, label=_label(d.doc_type, d.symbol, d.title))
    holder = ident.document
    is_report = bool(d.is_report)
    if doc is None and holder is not None and _strong(ident.key) and not is_report and not holder.is_report \
            and _same_header(holder, d):
        doc = holder  # a new text of the same document
    status = "version" if doc is not None else "new"
    if doc is None:
        doc = Document(source=src)
        session.add(doc)
        session.flush()
    holder = ident.document
    if holder is not None and holder.id != doc.id:
        if holder.is_report and not is_report:
            # the document itself arrives after a news report about it: it takes its identity,
            # the report keeps its own
            hv = holder.current_version
            aside = get_identity(session, f"{key}~{(hv.sha256 if hv else str(holder.id))[:12]}",
                                 doc_type=ident.doc_type, symbol=ident.symbol, number=ident.number,
                                 issuer=ident.issuer, date=ident.date, label=f"{ident.label} (report)")
            holder.identity_id = None
            session.flush()
            holder.identity_id = aside.id
            session.flush()
            session.expire(ident, ["document"])
        else:
            # two ingested texts under one key (news reports of one directive, or a weak key): kept apart
            ident = get_identity(session, f"{key}~{record.sha256[:12]}", doc_type=d.doc_type, symbol=d.symbol,
                                 number=d.number, issuer=d.issuer, date=d.issued_date,
                                 label=_label(d.doc_type, d.symbol, d.title) + (" (report)" if is_report else ""))
    if doc.identity_id != ident.id:
        doc.identity_id = ident.id
    ident.doc_type, ident.symbol, ident.number = d.doc_type, d.symbol, d.number
    ident.issuer = d.issuer or ident.issuer
    ident.date = d.issued_date or ident.date
    if "~" not in ident.key:
        ident.label = _label(d.doc_type, d.symbol, d.title) or ident.label

    doc.source = src
    doc.doc_type, doc.symbol, doc.number = d.doc_type, d.symbol, d.number
    doc.issued_date, doc.issuer, doc.place, doc.title = d.issued_date, d.issuer, d.place, d.title
    doc.locality, doc.is_report = loc, bool(d.is_report)
    doc.updated_at = _now()

    seq = 1
    if status == "version":
        seq = (session.scalar(select(func.max(Version.seq)).where(Version.document_id == doc.id)) or 0) + 1
        session.execute(update(Version).where(Version.document_id == doc.id).values(is_current=False))
        session.execute(update(Reference).where(Reference.document_id == doc.id).values(is_current=False))
        # what the old text replaced or repealed is decided again by the new text
        session.execute(update(Identity).where(Identity.superseded_by_id == doc.identity_id)
                        .values(superseded_by_id=None, superseded_relation=None))
        session.expire_all()
    rec = record.to_dict()
    rec.pop("text", None)
    rec = json.loads(json.dumps(rec, ensure_ascii=False, default=str))
    meta = record.meta or {}
    ver = Version(document_id=doc.id, seq=seq, sha256=record.sha256, source=src, format=meta.get("format"),
                  encoding=meta.get("encoding"), text=record.text, record=rec,
                  n_references=len(record.references), n_obligations=len(record.obligations),
                  n_bodies=len(record.bodies), is_current=True)
    session.add(ver)
    session.flush()
    doc.current_version_id = ver.id

    for i, r in enumerate(record.references):
        rkey = reference_identity_key(r, loc)
        target = get_identity(session, rkey, doc_type=r.doc_type, symbol=r.symbol, number=r.number,
                              issuer=r.issuer, date=r.date, label=_label(r.doc_type, r.symbol, r.title or r.text))
        ident = session.get(Identity, doc.identity_id)
        if r.relation in ("replaces", "repeals") and target.id != ident.id:
            target.superseded_by_id = ident.id
            target.superseded_relation = r.relation
        elif target.superseded_by_id and target.superseded_by_id != ident.id and r.relation not in ("amends",):
            w = _superseded_note(session, target)
            if w not in warnings:
                warnings.append(w)
        session.add(Reference(version_id=ver.id, document_id=doc.id, target_id=target.id, is_current=True, seq=i,
                              text=r.text, start=r.start, end=r.end, doc_type=r.doc_type, symbol=r.symbol,
                              number=r.number, date=r.date, issuer=r.issuer, relation=r.relation,
                              title=r.title, sentence=sentence_around(record.text, r.start, r.end)))
    for i, o in enumerate(record.obligations):
        session.add(Obligation(version_id=ver.id, document_id=doc.id, seq=i, text=o.text, start=o.start, end=o.end,
                               kind=o.kind, actors=list(o.actors), partners=list(o.partners), deadline=o.deadline,
                               recurrence=o.recurrence, period=o.period, report_to=o.report_to,
                               section=o.section, deadline_text=o.deadline_text))
    for i, b in enumerate(record.bodies):
        session.add(Body(version_id=ver.id, seq=i, text=b.text, start=b.start, end=b.end,
                         canonical=b.canonical or b.text))
    session.flush()
    from pipeline import track

    track.sync_tasks(session, doc, ver, record)
    session.flush()
    return StoreResult(status, doc, ver, warnings)


def superseded_warnings(session: Session, record) -> list[str]:
    """Warnings for the record's citations of documents the database knows to be superseded (writes nothing)."""
    loc = document_locality(record)
    own = document_identity_key(record, loc)
    out: list[str] = []
    for r in record.references:
        if r.relation in ("replaces", "repeals", "amends"):
            continue
        t = get_identity(session, reference_identity_key(r, loc), create=False)
        if t is None or not t.superseded_by_id:
            continue
        by = session.get(Identity, t.superseded_by_id)
        if by is not None and by.key == own:
            continue
        w = _superseded_note(session, t)
        if w not in out:
            out.append(w)
    return out


# ---------------------------------------------------------------- queries

def identity_dict(i: Identity, document: Optional[Document] = None) -> dict:
    doc = document if document is not None else i.document
    return {"id": i.id, "key": i.key, "label": i.label, "doc_type": i.doc_type, "symbol": i.symbol,
            "date": i.date, "issuer": i.issuer, "document_id": doc.id if doc is not None else None,
            "title": doc.title if doc is not None else None, "placeholder": doc is None,
            "superseded_by": i.superseded_by_id}


def _edge(depth: int, src: dict, dst: dict, r: Reference) -> dict:
    return {"depth": depth, "from": src, "to": dst, "relation": r.relation, "text": r.text,
            "start": r.start, "end": r.end, "sentence": r.sentence, "reference_id": r.id}


def cited_by(session: Session, identity: Identity, depth: int = 1) -> list[dict]:
    """Who cites ``identity`` (current versions only), with the citing sentence; ``depth`` > 1 follows chains.

    One indexed query per level (``ix_doc_references_target_current``), plain columns only.
    """
    out: list[dict] = []
    seen = {identity.id}
    frontier = {identity.id: identity_dict(identity)}
    R, D, I = Reference, Document, Identity
    for level in range(1, max(1, depth) + 1):
        if not frontier:
            break
        rows = session.execute(
            select(R.id, R.target_id, R.relation, R.text, R.start, R.end, R.sentence,
                   D.id, D.title, I.id, I.key, I.label, I.doc_type, I.symbol, I.date, I.issuer, I.superseded_by_id)
            .join(D, R.document_id == D.id)
            .join(I, D.identity_id == I.id)
            .where(R.target_id.in_(list(frontier)), R.is_current.is_(True))
            .order_by(R.target_id, D.issued_date, D.id, R.seq)).all()
        nxt: dict[int, dict] = {}
        for (rid, tid, rel, rtext, rs, re_, sent, did, dtitle, iid, key, label, dtype, sym, date, issuer,
             sup) in rows:
            src = nxt.get(iid) or {"id": iid, "key": key, "label": label, "doc_type": dtype, "symbol": sym,
                                   "date": date, "issuer": issuer, "document_id": did, "title": dtitle,
                                   "placeholder": False, "superseded_by": sup}
            out.append({"depth": level, "from": src, "to": frontier[tid], "relation": rel, "text": rtext,
                        "start": rs, "end": re_, "sentence": sent, "reference_id": rid})
            if iid not in seen:
                seen.add(iid)
                nxt[iid] = src
        frontier = nxt
    return out


def cites(session: Session, identity: Identity, depth: int = 1) -> list[dict]:
    """What ``identity``'s document cites (current version); ``depth`` > 1 follows chains."""
    out: list[dict] = []
    seen = {identity.id}
    frontier = {identity.id: identity_dict(identity)}
    for level in range(1, max(1, depth) + 1):
        if not frontier:
            break
        docs = {d.id: d for d in session.scalars(select(Document).where(Document.identity_id.in_(list(frontier))))}
        if not docs:
            break
        rows = session.execute(
            select(Reference, Identity).join(Identity, Reference.target_id == Identity.id)
            .where(Reference.document_id.in_(list(docs)), Reference.is_current.is_(True))
            .order_by(Reference.document_id, Reference.seq)).all()
        nxt: dict[int, dict] = {}
        for r, ti in rows:
            src = frontier[docs[r.document_id].identity_id]
            dst = nxt.get(ti.id) or identity_dict(ti)
            out.append(_edge(level, src, dst, r))
            if ti.id not in seen:
                seen.add(ti.id)
                nxt[ti.id] = dst
        frontier = nxt
    return out


def list_documents(session: Session) -> list[dict]:
    """Every ingested document with the counts of its current version and its number of versions."""
    from sqlalchemy import func

    nver = (select(Version.document_id, func.count(Version.id).label("n"))
            .group_by(Version.document_id).subquery())
    rows = session.execute(
        select(Document, Version, nver.c.n, Identity)
        .join(Version, Document.current_version_id == Version.id, isouter=True)
        .join(nver, nver.c.document_id == Document.id, isouter=True)
        .join(Identity, Document.identity_id == Identity.id, isouter=True)
        .order_by(Document.id)).all()
    out = []
    for d, v, n, i in rows:
        out.append({"id": d.id, "doc_type": d.doc_type, "symbol": d.symbol, "issued_date": d.issued_date,
                    "issuer": d.issuer, "title": d.title, "source": d.source,
                    "references": v.n_references if v else 0, "obligations": v.n_obligations if v else 0,
                    "versions": n or 0, "superseded": bool(i and i.superseded_by_id), "key": i.key if i else None})
    return out


def version_marks(session: Session, version_id: int) -> tuple[list, list]:
    """The obligations and bodies of a version as light rows (attribute access, no ORM objects), in
    order: what a page that marks them on the text needs, at a fraction of loading the objects."""
    O, B = Obligation, Body
    obls = session.execute(
        select(O.start, O.end, O.kind, O.actors, O.partners, O.deadline, O.recurrence)
        .where(O.version_id == version_id).order_by(O.seq)).all()
    bodies = session.execute(
        select(B.start, B.end, B.text, B.canonical).where(B.version_id == version_id).order_by(B.seq)).all()
    return obls, bodies


def document_dict(session: Session, doc: Document, full: bool = False, obligations: bool = True) -> dict:
    """Header, versions, references and obligations of ``doc``'s current version (``full``: the text too;
    ``obligations=False``: without them, for a caller that reads them itself)."""
    v = doc.current_version
    i = doc.identity
    refs = []
    obls = []
    if v is not None:
        for r in v.references:
            refs.append({"text": r.text, "start": r.start, "end": r.end, "doc_type": r.doc_type, "symbol": r.symbol,
                         "number": r.number, "date": r.date, "issuer": r.issuer, "relation": r.relation,
                         "target": identity_dict(r.target)})
        for o in (v.obligations if obligations else ()):
            obls.append({"text": o.text, "start": o.start, "end": o.end, "kind": o.kind, "actors": o.actors,
                         "partners": o.partners, "deadline": o.deadline, "recurrence": o.recurrence,
                         "period": o.period, "report_to": o.report_to, "section": o.section})
    sup = None
    if i is not None and i.superseded_by_id:
        by = session.get(Identity, i.superseded_by_id)
        sup = {"by": identity_dict(by) if by else None, "relation": i.superseded_relation}
    out = {"id": doc.id, "key": i.key if i else None, "source": doc.source,
           "document": {"doc_type": doc.doc_type, "symbol": doc.symbol, "number": doc.number,
                        "issued_date": doc.issued_date, "issuer": doc.issuer, "place": doc.place,
                        "title": doc.title, "locality": doc.locality, "is_report": doc.is_report,
                        "signer": (v.record or {}).get("document", {}).get("signer") if v else None},
           "superseded": sup,
           "versions": [{"id": x.id, "seq": x.seq, "sha256": x.sha256, "source": x.source,
                         "ingested_at": x.ingested_at.isoformat(timespec="seconds") if x.ingested_at else None,
                         "current": x.is_current} for x in doc.versions],
           "references": refs, "obligations": obls,
           "cited_by": len(cited_by(session, i, 1)) if i is not None else 0}
    if full and v is not None:
        out["text"] = v.text
    return out


def database_exists(url: Optional[str] = None) -> bool:
    """Whether ``url`` (default :func:`default_url`) names a database that already exists.

    An SQLite file must exist (nothing is created); any other URL is assumed to.
    """
    url = url or os.environ.get(ENV_VAR)
    if url is None:
        from platformdirs import user_data_dir

        return (Path(user_data_dir("vanban")) / "vanban.db").is_file()
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return bool(u.database) and u.database != ":memory:" and Path(u.database).expanduser().is_file()
    return True


def superseded_warnings_for(record, url: Optional[str] = None) -> list[str]:
    """:func:`superseded_warnings` against the database of ``url`` when it exists (for ``vanban extract``);
    ``[]`` when there is no database or it cannot be read."""
    if not database_exists(url):
        return []
    try:
        with session_scope(url) as s:
            return superseded_warnings(s, record)
    except Exception:
        return []
