"""Accounts of the web app, and the record of uploads, as tables on the store's ``Base``.

``web_users``: one analyst (``name``, ``role`` viewer|editor, ``password_hash``).
Passwords are hashed with :func:`hashlib.scrypt` and a random 16-byte salt;
the stored form is ``scrypt$n$r$p$salt_hex$hash_hex`` (parameters kept so
they can grow later).  ``web_uploads``: one uploaded file (its original name
as the client gave it, the generated name it is stored under, who sent it).

API: :func:`hash_password`, :func:`verify_password`, :func:`add_user`,
:func:`authenticate`, :func:`get_user`, :func:`count_users`, :data:`ROLES`.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import DateTime, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from pipeline.store import Base

ROLES = ("viewer", "editor")
_N, _R, _P = 2 ** 14, 8, 1
NAME_MAX = 80


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class WebUser(Base):
    __tablename__ = "web_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True, index=True)
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)


class WebUpload(Base):
    __tablename__ = "web_uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    original_name: Mapped[str] = mapped_column(String(300))  # as the client sent it: shown, never a path
    stored_name: Mapped[str] = mapped_column(String(80))  # generated
    size: Mapped[int] = mapped_column(Integer, default=0)
    format: Mapped[Optional[str]] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20))  # new / version / unchanged / failed / rejected
    document_id: Mapped[Optional[int]] = mapped_column(Integer, nullable=True, index=True)
    error: Mapped[Optional[str]] = mapped_column(String(600), nullable=True)
    by: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=_now)


TABLES = [WebUser.__table__, WebUpload.__table__]


def ensure_tables(bind) -> None:
    Base.metadata.create_all(bind, tables=TABLES, checkfirst=True)


def hash_password(password: str, *, salt: Optional[bytes] = None) -> str:
    salt = salt or secrets.token_bytes(16)
    h = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${h.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, want = stored.split("$")
        if algo != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(want) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), want)


class UserError(ValueError):
    """A bad account request (unknown role, empty name or password)."""


def add_user(session: Session, name: str, password: str, role: str = "viewer") -> WebUser:
    """Create the account ``name``, or change the password and role of an existing one."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise UserError(f"account name must be 1–{NAME_MAX} characters")
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if not password:
        raise UserError("empty password")
    ensure_tables(session.get_bind())
    u = session.scalars(select(WebUser).where(WebUser.name == name)).first()
    if u is None:
        u = WebUser(name=name, role=role, password_hash=hash_password(password))
        session.add(u)
    else:
        u.role = role
        u.password_hash = hash_password(password)
    session.flush()
    return u


def get_user(session: Session, name: str) -> Optional[WebUser]:
    if not name:
        return None
    return session.scalars(select(WebUser).where(WebUser.name == name)).first()


_DUMMY = None


def authenticate(session: Session, name: str, password: str) -> Optional[WebUser]:
    """The account when ``password`` is right, else None (same work either way)."""
    global _DUMMY
    u = get_user(session, (name or "").strip())
    if u is None:
        if _DUMMY is None:
            _DUMMY = hash_password("x")
        verify_password(password or "", _DUMMY)
        return None
    return u if verify_password(password or "", u.password_hash) else None


def count_users(session: Session) -> int:
    return session.scalar(select(func.count(WebUser.id))) or 0
