"""The analysts' web app (FastAPI, server-rendered Jinja2 pages in Vietnamese).

``create_app(db_url=None, require_login=False, *, upload_dir=None, max_upload_bytes=None, secret_key=None)``
gives the ASGI app; ``vanban serve`` runs it with uvicorn.

Pages: ``/`` (documents), ``/upload``, ``/documents/{id}``, ``/checklist``,
``/tasks``, ``/citations``, ``/search``, ``/login``.  Everything the pages need
(CSS, JS) is served from ``pipeline/web/static``.

Security: Jinja2 autoescape is on and document text is only ever escaped
(:mod:`pipeline.web.highlight`); every POST carries the session's CSRF token
(a per-session random token in the signed session cookie, as a form field
``csrf_token`` or header ``X-CSRF-Token``); uploads are size-limited, typed by
their bytes, stored under generated names; with ``require_login`` every page
needs an account (:mod:`pipeline.web.auth`) and only editors upload or change
task status.
"""
from __future__ import annotations

import functools
import hmac
import io
import ipaddress
import json
import math
import os
import re
import secrets
import textwrap
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Optional
from urllib.parse import quote, urlencode

import jinja2
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from pipeline.track import STATUSES as STATUS_CHOICES
from pipeline.web import auth

HERE = Path(__file__).resolve().parent
DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
MAX_FILES_PER_REQUEST = 50
FORMAT_MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
DOWNLOAD_FORMATS = ("docx", "xlsx", "ics", "html")
LOGIN_MAX_FAILURES = 5  # failed logins of one account name within LOGIN_WINDOW_S before it is refused a while
LOGIN_WINDOW_S = 300


@dataclass
class WebUserInfo:
    name: str
    role: str

    @property
    def can_edit(self) -> bool:
        return self.role == "editor"


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    h = (host or "").strip().strip("[]")
    if h.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- request size

class BodyTooLarge(Exception):
    """A request body past :class:`BodyLimit`'s limit (answered 413)."""


class BodyLimit:
    """ASGI middleware: a request body larger than ``limit`` bytes is refused with 413, whether its
    Content-Length says so up front or a chunked body grows past it while it is read."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def _too_large(self, send) -> None:
        body = json.dumps({"detail": "Yêu cầu quá lớn"}, ensure_ascii=False).encode("utf-8")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        for k, v in scope.get("headers") or []:
            if k == b"content-length" and v.isdigit() and int(v) > self.limit:
                return await self._too_large(send)
        total = 0
        started = False

        async def limited():
            nonlocal total
            msg = await receive()
            if msg.get("type") == "http.request":
                total += len(msg.get("body") or b"")
                if total > self.limit:
                    raise BodyTooLarge()
            return msg

        async def watch(msg):
            nonlocal started
            if msg.get("type") == "http.response.start":
                started = True
            await send(msg)

        try:
            await self.app(scope, limited, watch)
        except BodyTooLarge:
            if not started:
                await self._too_large(send)


def _caused_by(exc: BaseException, kind: type, depth: int = 0) -> bool:
    """Whether ``exc``, its causes or the members of an exception group are a ``kind``."""
    if exc is None or depth > 8:
        return False
    if isinstance(exc, kind):
        return True
    for sub in getattr(exc, "exceptions", ()) or ():
        if _caused_by(sub, kind, depth + 1):
            return True
    return _caused_by(exc.__cause__, kind, depth + 1) or _caused_by(exc.__context__, kind, depth + 1)


# ---------------------------------------------------------------- upload checks

class UploadRejected(ValueError):
    """An uploaded file refused before it reaches the reader (one-line Vietnamese reason)."""


def detect_format(data: bytes) -> str:
    """The format of uploaded bytes judged by content only: pdf, docx, html or txt; else :class:`UploadRejected`."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise UploadRejected("tệp rỗng")
    head = data[:2048]
    if head.lstrip(b"\x00\t\r\n ").startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            raise UploadRejected("tệp nén hỏng, không phải tệp Word .docx") from None
        if "word/document.xml" not in names:
            raise UploadRejected("tệp nén không phải văn bản Word .docx")
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadRejected("tệp Word .doc cũ hoặc tệp Office có mật khẩu: hãy lưu thành .docx hoặc PDF")
    if head.startswith(b"{\\rtf"):
        raise UploadRejected("tệp RTF không được hỗ trợ: hãy lưu thành .docx hoặc PDF")
    for magic in (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"MZ"):
        if head.startswith(magic):
            raise UploadRejected("tệp nhị phân, không phải văn bản (chấp nhận txt, html, pdf, docx)")
    from pipeline.read._base import FormatProblem
    from pipeline.read.text import decode_bytes

    try:  # text must decode (UTF-8, UTF-16, Windows-1258, TCVN3, VNI) as the reader decodes it
        text, _enc = decode_bytes(data)
    except FormatProblem as e:
        raise UploadRejected(f"không phải tệp văn bản đọc được ({e})") from None
    except Exception:
        raise UploadRejected("không phải tệp văn bản đọc được") from None
    low = text[:4096].lower()
    if any(t in low for t in ("<!doctype html", "<html", "<body", "<head", "<meta ")):
        return "html"
    return "txt"


def _display_name(name: Optional[str]) -> str:
    """The client's file name, for display only: no folders, no control characters, at most 200 characters."""
    n = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    n = "".join(c for c in n if unicodedata.category(c)[0] != "C").strip()
    return (n or "tệp")[:200]


# ---------------------------------------------------------------- search helpers

_WS_RE = re.compile(r"\s+")


def symbol_key(s: Optional[str]) -> str:
    """A symbol as compared by search: the extraction's canonical form when it parses, noise-free otherwise
    (spaces dropped, dash variants and look-alike letters mapped as extraction does, case folded)."""
    if not s:
        return ""
    s = unicodedata.normalize("NFC", s)
    try:
        from pipeline.find.references import _MAP, canonical_symbol

        c = canonical_symbol(s)
        s2 = (c or s).translate(_MAP)
    except Exception:  # pragma: no cover - extraction tables broken
        s2 = s
    return _WS_RE.sub("", s2).casefold()


def _fold(s: Optional[str]) -> str:
    return _WS_RE.sub(" ", unicodedata.normalize("NFC", s or "")).strip().casefold()


def _iso_or_none(s: Optional[str]) -> Optional[str]:
    s = (s or "").strip()
    if not s:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    from pipeline.dates import parse_date_text

    return parse_date_text(s)


def _safe_next(url: Optional[str], default: str = "/") -> str:
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url or any(ord(c) < 32 for c in url):
        return default
    return url


def _ascii_slug(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()
    return s[:60] or "danh-muc"


# ---------------------------------------------------------------- graph drawing

MAX_GRAPH_NODES = 80


def graph_svg_data(g, width: int = 960, height: Optional[int] = None, max_nodes: int = MAX_GRAPH_NODES) -> dict:
    """Positions (networkx spring_layout, fixed seed) of the graph's nodes and clipped edge lines, for the
    SVG template (labels stay plain text: the template escapes them).  A graph with more than
    ``max_nodes`` nodes keeps those nearest to its centre."""
    import networkx as nx

    total = g.number_of_nodes()
    if total > max_nodes:
        centre = next((k for k, a in g.nodes(data=True) if a.get("center")), None)
        dist = nx.single_source_shortest_path_length(g.to_undirected(as_view=True), centre) if centre is not None else {}
        keep = sorted(g.nodes, key=lambda k: (dist.get(k, 99), str(g.nodes[k].get("label", ""))))[:max_nodes]
        g = g.subgraph(keep).copy()
    n = g.number_of_nodes()
    if height is None:
        height = 560 + 10 * max(0, n - 20)
    if n == 0:
        return {"nodes": [], "edges": [], "width": width, "height": height, "total": total}
    if n == 1:
        pos = {k: (0.0, 0.0) for k in g}
    elif n == 2:
        pos = nx.circular_layout(g)
    else:
        pos = nx.spring_layout(g, seed=7, k=2.2 / math.sqrt(n), iterations=80)
    bw, bh = 170, 44
    mx, my = bw / 2 + 10, bh / 2 + 10
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)

    def sc(v, a, b, lo, hi):
        return (lo + hi) / 2 if b - a < 1e-9 else lo + (v - a) / (b - a) * (hi - lo)

    xy = {k: (sc(p[0], x0, x1, mx, width - mx), sc(p[1], y0, y1, my, height - my)) for k, p in pos.items()}
    nodes = []
    for k, a in g.nodes(data=True):
        x, y = xy[k]
        lines = textwrap.wrap(a.get("label") or a.get("key") or "?", 26)[:2] or ["?"]
        if len(textwrap.wrap(a.get("label") or "", 26)) > 2:
            lines[-1] = lines[-1][:24] + "…"
        nodes.append({"id": k, "x": round(x - bw / 2, 1), "y": round(y - bh / 2, 1), "cx": round(x, 1),
                      "cy": round(y, 1), "w": bw, "h": bh, "lines": lines, "label": a.get("label") or "",
                      "center": bool(a.get("center")), "placeholder": bool(a.get("placeholder")),
                      "superseded": bool(a.get("superseded")), "document_id": a.get("document_id") or None})
    edges = []
    for u, v, e in g.edges(data=True):
        (ax, ay), (bx, by) = xy[u], xy[v]
        dx, dy = bx - ax, by - ay
        if abs(dx) < 1e-6 and abs(dy) < 1e-6:
            continue

        def clip(px, py, sx, sy):
            tx = (bw / 2 + 3) / abs(sx) if abs(sx) > 1e-9 else float("inf")
            ty = (bh / 2 + 3) / abs(sy) if abs(sy) > 1e-9 else float("inf")
            t = min(tx, ty, 0.45)
            return px + sx * t, py + sy * t

        sx1, sy1 = clip(ax, ay, dx, dy)
        ex1, ey1 = clip(bx, by, -dx, -dy)
        edges.append({"x1": round(sx1, 1), "y1": round(sy1, 1), "x2": round(ex1, 1), "y2": round(ey1, 1),
                      "relation": e.get("relation") or "cites", "count": e.get("count") or 1,
                      "mx": round((sx1 + ex1) / 2, 1), "my": round((sy1 + ey1) / 2, 1)})
    return {"nodes": nodes, "edges": edges, "width": width, "height": height, "total": total}


RELATION_VI = {"based_on": "căn cứ", "implements": "triển khai", "replaces": "thay thế", "amends": "sửa đổi",
               "repeals": "bãi bỏ", "cites": "dẫn chiếu"}
STATUS_UPLOAD_VI = {"new": "Đã thêm", "version": "Phiên bản mới", "unchanged": "Đã có (không đổi)",
                    "failed": "Lỗi", "rejected": "Bị từ chối"}


# ---------------------------------------------------------------- the app

@functools.lru_cache(maxsize=32)
def _times_cached(sha256: str, anchor, text: str) -> tuple:
    from pipeline.dates import find_times

    try:
        return tuple(find_times(text, anchor=anchor))
    except Exception:  # a date bug must not hide the document
        return ()


def _times_of(version, anchor) -> tuple:
    """The dates of a stored version's text, computed once per process for the last few
    versions shown (a version's text never changes)."""
    return _times_cached(version.sha256, anchor, version.text)


def create_app(db_url: Optional[str] = None, require_login: bool = False, *, upload_dir=None,
               max_upload_bytes: Optional[int] = None, secret_key: Optional[str] = None) -> FastAPI:
    """The web app on the store at ``db_url`` (default: the store's default database).

    ``require_login``: every page needs an account (``vanban serve`` turns it on for any non-loopback host).
    ``upload_dir``: where uploads are kept (default: ``uploads/`` in the user data folder).
    ``max_upload_bytes``: per file (default ``$VANBAN_WEB_MAX_UPLOAD`` or 20 MB).
    ``secret_key``: signs the session cookie (default ``$VANBAN_WEB_SECRET``, else random per process).
    """
    from pipeline import store

    if db_url is None:
        db_url = store.default_url()
    engine = store.get_engine(db_url)
    auth.ensure_tables(engine)
    try:
        from pipeline import track

        track.ensure_tables(engine)
    except Exception:  # pragma: no cover
        pass
    if upload_dir is None:
        from platformdirs import user_data_dir

        upload_dir = Path(user_data_dir("vanban")) / "uploads"
    upload_dir = Path(upload_dir)
    upload_dir.mkdir(parents=True, exist_ok=True)
    if max_upload_bytes is None:
        try:
            max_upload_bytes = int(os.environ.get("VANBAN_WEB_MAX_UPLOAD", "") or DEFAULT_MAX_UPLOAD)
        except ValueError:
            max_upload_bytes = DEFAULT_MAX_UPLOAD
    secret_key = secret_key or os.environ.get("VANBAN_WEB_SECRET") or secrets.token_urlsafe(32)

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    from pipeline.web.highlight import vi_date

    env.filters["vi_date"] = vi_date
    from pipeline.track import RECURRENCE_VI, STATUS_VI, TIMELINESS_VI

    env.globals.update(STATUS_VI=STATUS_VI, TIMELINESS_VI=TIMELINESS_VI, RECURRENCE_VI=RECURRENCE_VI,
                       RELATION_VI=RELATION_VI, STATUS_UPLOAD_VI=STATUS_UPLOAD_VI, STATUS_CHOICES=STATUS_CHOICES,
                       DOWNLOAD_FORMATS=DOWNLOAD_FORMATS)

    app = FastAPI(title="vanban", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.db_url = db_url
    app.state.require_login = require_login
    app.state.upload_dir = upload_dir
    app.state.max_upload_bytes = max_upload_bytes
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # ------------------------------------------------------------ helpers

    def session():
        return store.session_scope(db_url)

    def csrf_token(request: Request) -> str:
        tok = request.session.get("csrf")
        if not tok:
            tok = request.session["csrf"] = secrets.token_urlsafe(32)
        return tok

    def user_of(request: Request) -> Optional[WebUserInfo]:
        return getattr(request.state, "user", None)

    def render(request: Request, name: str, status_code: int = 200, **ctx) -> HTMLResponse:
        flash = request.session.pop("flash", None) if "flash" in request.session else None
        ctx.update(request=request, user=user_of(request), csrf_token=csrf_token(request),
                   require_login=require_login, flash=flash, path=request.url.path)
        html = env.get_template(name).render(**ctx)
        return HTMLResponse(html, status_code=status_code)

    def flash(request: Request, msg: str, kind: str = "ok") -> None:
        request.session["flash"] = {"msg": msg, "kind": kind}

    async def check_csrf(request: Request) -> None:
        """Every POST: the session's token must come back (form field or header)."""
        want = request.session.get("csrf")
        got = request.headers.get("x-csrf-token")
        if not got:
            ctype = request.headers.get("content-type", "")
            if ctype.startswith("multipart/form-data") or ctype.startswith("application/x-www-form-urlencoded"):
                try:
                    form = await request.form(max_files=MAX_FILES_PER_REQUEST)
                except Exception as e:
                    if _caused_by(e, BodyTooLarge):
                        raise HTTPException(413, "Yêu cầu quá lớn.") from None
                    raise HTTPException(400, "Biểu mẫu không đọc được") from None
                v = form.get("csrf_token")
                got = v if isinstance(v, str) else None
        if not want or not got or not hmac.compare_digest(str(got), str(want)):
            raise HTTPException(403, "Phiên làm việc không hợp lệ (thiếu hoặc sai mã CSRF). Hãy tải lại trang.")

    def need_editor(request: Request) -> WebUserInfo:
        u = user_of(request)
        if u is None or not u.can_edit:
            raise HTTPException(403, "Tài khoản chỉ xem không được phép thực hiện thao tác này.")
        return u

    # ------------------------------------------------------------ middleware

    @app.middleware("http")
    async def login_gate(request: Request, call_next):
        path = request.url.path
        if not require_login:
            request.state.user = WebUserInfo(name=_local_name(), role="editor")
        else:
            name = request.session.get("user")
            u = None
            if name:
                from starlette.concurrency import run_in_threadpool

                def look():
                    with session() as s:
                        row = auth.get_user(s, name)
                        return WebUserInfo(row.name, row.role) if row is not None else None

                u = await run_in_threadpool(look)
                if u is None:
                    request.session.pop("user", None)
            request.state.user = u
            if u is None and not (path in ("/login",) or path.startswith("/static/")):
                if request.method in ("GET", "HEAD"):
                    return RedirectResponse("/login?" + urlencode({"next": str(request.url.path) + (
                        "?" + request.url.query if request.url.query else "")}), status_code=303)
                return JSONResponse({"detail": "Cần đăng nhập"}, status_code=401)
        resp = await call_next(request)
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
        return resp

    app.add_middleware(BodyLimit, limit=max_upload_bytes * MAX_FILES_PER_REQUEST + 1024 * 1024)
    app.add_middleware(SessionMiddleware, secret_key=secret_key, session_cookie="vanban_session",
                       max_age=12 * 3600, same_site="lax", https_only=False)

    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError):
        return await http_error(request, HTTPException(400, "Tham số không hợp lệ."))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404 and exc.detail == "Not Found":
            exc = HTTPException(404, "Không tìm thấy trang này.")
        elif exc.status_code == 405:
            exc = HTTPException(405, "Phương thức không được hỗ trợ.")
        accept = request.headers.get("accept", "")
        if "application/json" in accept or request.url.path.startswith("/api/") or \
                request.query_params.get("format") == "json":
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        try:
            return render(request, "error.html", status_code=exc.status_code, code=exc.status_code,
                          message=exc.detail)
        except Exception:  # pragma: no cover - the session is not there (error before the middleware)
            return HTMLResponse(f"<p>{exc.status_code}</p>", status_code=exc.status_code)

    # ------------------------------------------------------------ login

    @app.get("/login", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/"):
        return render(request, "login.html", next=_safe_next(next), error=None)

    failures: dict[str, list[float]] = {}  # account name -> times of recent failed logins

    @app.post("/login", dependencies=[Depends(check_csrf)])
    async def login(request: Request):
        import time

        form = await request.form()
        name = str(form.get("name") or "")[:auth.NAME_MAX]
        password = str(form.get("password") or "")
        nxt = _safe_next(str(form.get("next") or "/"))
        now = time.monotonic()
        recent = [t for t in failures.get(name, []) if now - t < LOGIN_WINDOW_S]
        if len(recent) >= LOGIN_MAX_FAILURES:
            return render(request, "login.html", status_code=429, next=nxt,
                          error="Đăng nhập sai quá nhiều lần. Hãy thử lại sau vài phút.")
        from starlette.concurrency import run_in_threadpool

        def check():
            with session() as s:
                u = auth.authenticate(s, name, password)
                return WebUserInfo(u.name, u.role) if u else None

        u = await run_in_threadpool(check)
        if u is None:
            recent.append(now)
            failures[name] = recent
            if len(failures) > 10_000:  # bounded memory
                failures.clear()
            return render(request, "login.html", status_code=401, next=nxt,
                          error="Sai tên đăng nhập hoặc mật khẩu.")
        failures.pop(name, None)
        request.session.clear()  # a new session: no fixation
        request.session["user"] = u.name
        request.session["csrf"] = secrets.token_urlsafe(32)
        return RedirectResponse(nxt, status_code=303)

    @app.post("/logout", dependencies=[Depends(check_csrf)])
    def logout(request: Request):
        request.session.clear()
        return RedirectResponse("/login" if require_login else "/", status_code=303)

    # ------------------------------------------------------------ documents

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        with session() as s:
            docs = store.list_documents(s)
        docs.sort(key=lambda d: d["id"], reverse=True)
        return render(request, "documents.html", docs=docs)

    @app.get("/documents", response_class=HTMLResponse)
    def documents(request: Request):
        return home(request)

    def _ref_href(r) -> str:
        t = r.target
        if t is not None and t.document is not None:
            return f"/documents/{t.document.id}"
        if t is not None:
            return "/citations?" + urlencode({"identity": t.id})
        return "/search?" + urlencode({"symbol": r.symbol or ""})

    @app.get("/documents/{doc_id}", response_class=HTMLResponse)
    def document_page(request: Request, doc_id: int):
        from pipeline.export import build_checklist
        from pipeline.web.highlight import render_marks, spans_of

        with session() as s:
            doc = s.get(store.Document, doc_id)
            if doc is None:
                raise HTTPException(404, "Không có văn bản này.")
            info = store.document_dict(s, doc, obligations=False)
            v = doc.current_version
            text_html = None
            counts = {}
            recipients = [r.get("name") for r in ((v.record or {}).get("document") or {}).get("recipients") or []
                          if isinstance(r, dict) and r.get("name")] if v is not None else []
            refs = []
            if v is not None:
                for r in v.references:
                    t = r.target
                    refs.append({"label": " ".join(x for x in (r.doc_type, r.symbol) if x) or (r.title or r.text),
                                 "href": _ref_href(r), "relation": r.relation, "date": r.date,
                                 "ingested": bool(t is not None and t.document is not None),
                                 "superseded": bool(t is not None and t.superseded_by_id)})
            if v is not None:
                times = _times_of(v, doc.issued_date)
                obls, bodies = store.version_marks(s, v.id)
                spans = spans_of(v.text, references=v.references, obligations=obls, bodies=bodies,
                                 times=times, ref_href=_ref_href)
                text_html = render_marks(v.text, spans)
                counts = {k: sum(1 for x in spans if x.kind == k) for k in ("obligation", "reference", "body",
                                                                          "date")}
            try:
                cl = build_checklist(s, document_id=doc.id)
            except Exception:
                cl = None
            from sqlalchemy import select

            uploads = s.scalars(select(auth.WebUpload)
                                .where(auth.WebUpload.document_id == doc.id)
                                .order_by(auth.WebUpload.id.desc()).limit(5)).all()
            upload_names = [u.original_name for u in uploads]
        return render(request, "document.html", doc=info, doc_id=doc_id, text_html=text_html, counts=counts,
                      checklist=cl, upload_names=upload_names, recipients=recipients, refs=refs)

    # ------------------------------------------------------------ upload

    @app.get("/upload", response_class=HTMLResponse)
    def upload_page(request: Request):
        need_editor(request)
        return render(request, "upload.html", results=None, max_mb=max(1, max_upload_bytes // (1024 * 1024)))

    def _ingest_one(name: str, data: bytes, by: str) -> dict:
        from pipeline.ingest import ingest_file

        shown = _display_name(name)
        res = {"name": shown, "status": "rejected", "document_id": None, "symbol": None, "error": None,
               "warnings": [], "size": len(data)}
        fmt = None
        stored = ""
        try:
            if len(data) > max_upload_bytes:
                raise UploadRejected(f"tệp quá lớn ({len(data) // 1024} kB > giới hạn "
                                     f"{max_upload_bytes // 1024} kB)")
            fmt = detect_format(data)
        except UploadRejected as e:
            res["error"] = str(e)
        if fmt is not None:
            stored = f"{uuid.uuid4().hex}.{fmt}"
            path = upload_dir / stored
            with open(path, "xb") as fh:
                fh.write(data)
            r = ingest_file(path, db_url)
            res.update(status=r.status, document_id=r.document_id, symbol=r.symbol,
                       warnings=[w.replace(str(path), shown) for w in r.warnings])
            if r.error:
                err = r.error.replace(str(path), shown)
                res["error"] = err
            if r.status in ("failed", "unchanged"):
                try:
                    path.unlink()  # nothing new was kept from it
                except OSError:
                    pass
                if r.status == "unchanged":
                    stored = ""
        with session() as s:
            s.add(auth.WebUpload(original_name=shown, stored_name=stored, size=len(data), format=fmt,
                                 status=res["status"], document_id=res["document_id"],
                                 error=(res["error"] or None) and res["error"][:600], by=by))
        res["status_vi"] = STATUS_UPLOAD_VI.get(res["status"], res["status"])
        res["ok"] = res["status"] in ("new", "version", "unchanged")
        return res

    @app.post("/upload", dependencies=[Depends(check_csrf)])
    async def upload(request: Request):
        u = need_editor(request)
        from starlette.concurrency import run_in_threadpool
        from starlette.datastructures import UploadFile

        form = await request.form(max_files=MAX_FILES_PER_REQUEST)
        # a form sent with no file chosen has one empty part without a name
        files = [f for f in form.getlist("files") if isinstance(f, UploadFile) and (f.filename or f.size)]
        results = []
        for f in files:
            data = await f.read(max_upload_bytes + 1)
            results.append(await run_in_threadpool(_ingest_one, f.filename or "", data, u.name))
            await f.close()
        wants_json = request.query_params.get("format") == "json" or \
            "application/json" in request.headers.get("accept", "")
        if wants_json:
            return JSONResponse({"results": results})
        if not files:
            return render(request, "upload.html", status_code=400, results=[],
                          max_mb=max(1, max_upload_bytes // (1024 * 1024)), error="Chưa chọn tệp nào.")
        return render(request, "upload.html", results=results, max_mb=max(1, max_upload_bytes // (1024 * 1024)))

    # ------------------------------------------------------------ checklist

    def _checklist(s, doc: Optional[str], body: Optional[str]):
        from pipeline import track
        from pipeline.export import build_checklist

        document_id = None
        if doc:
            d = store.find_document(s, doc)
            if d is None:
                raise HTTPException(404, "Không có văn bản này.")
            document_id = d.id
        try:
            return build_checklist(s, document_id=document_id, body=body or None)
        except track.TaskError as e:
            raise HTTPException(404, str(e)) from None

    def _bodies(s) -> list[str]:
        from sqlalchemy import select

        from pipeline.track import Task

        names: set[str] = set()
        for leads, partners in s.execute(select(Task.leads, Task.partners)):
            names.update(x for x in (leads or []) if x)
            names.update(x for x in (partners or []) if x)
        return sorted(names, key=_fold)

    @app.get("/checklist", response_class=HTMLResponse)
    def checklist_page(request: Request, doc: Optional[str] = None, body: Optional[str] = None):
        with session() as s:
            cl = _checklist(s, doc, body) if (doc or body) else None
            bodies = _bodies(s)
            docs = store.list_documents(s)
        q = {k: v for k, v in (("doc", doc), ("body", body)) if v}
        return render(request, "checklist.html", checklist=cl, bodies=bodies, docs=docs, doc=doc or "",
                      body=body or "", query=urlencode(q))

    @app.get("/checklist/download")
    def checklist_download(request: Request, fmt: str = "xlsx", doc: Optional[str] = None,
                           body: Optional[str] = None):
        from pipeline.export import render as render_checklist

        fmt = fmt.lower()
        if fmt not in FORMAT_MIME:
            raise HTTPException(400, "Định dạng không hỗ trợ.")
        with session() as s:
            cl = _checklist(s, doc, body)
            data = render_checklist(cl, fmt)
        base = "danh-muc-" + _ascii_slug(cl.title.replace("Danh mục nhiệm vụ", "").strip() or "nhiem-vu")
        fname = f"{base}.{fmt}"
        headers = {"Content-Disposition": f"attachment; filename=\"{fname}\"; filename*=UTF-8''{quote(fname)}"}
        return Response(content=data, media_type=FORMAT_MIME[fmt], headers=headers)

    @app.get("/documents/{doc_id}/checklist.{fmt}")
    def document_checklist(request: Request, doc_id: int, fmt: str):
        return checklist_download(request, fmt=fmt, doc=str(doc_id), body=None)

    # ------------------------------------------------------------ tasks

    @app.get("/tasks", response_class=HTMLResponse)
    def tasks_page(request: Request, body: str = "", status: str = "", due_from: str = "", due_to: str = "",
                   within: str = "", overdue: str = "", doc: str = "", page: int = 1):
        from sqlalchemy import select

        from pipeline import track

        today = date.today()
        errors = []
        f_from, f_to = _iso_or_none(due_from), _iso_or_none(due_to)
        if due_from and not f_from:
            errors.append("Ngày 'từ' không hợp lệ.")
        if due_to and not f_to:
            errors.append("Ngày 'đến' không hợp lệ.")
        if within.strip():
            try:
                days = track.parse_within(within)
                lim = (today + timedelta(days=days)).isoformat()
                f_to = min(f_to, lim) if f_to else lim
            except track.TaskError:
                errors.append("Khoảng thời hạn không hợp lệ (ví dụ 14d, 2w, 1m).")
        st = status if status in STATUS_CHOICES else None
        limit = 200
        page = max(1, min(page, 10_000))
        with session() as s:
            document_id = None
            if doc.strip():
                d = store.find_document(s, doc.strip())
                document_id = d.id if d is not None else -1
            rows = track.query_tasks(s, body=body.strip() or None, status=st, due_after=f_from, due_before=f_to,
                                     overdue=bool(overdue), document_id=document_id, today=today,
                                     limit=page * limit + 1, orm=True)
            more = len(rows) > page * limit
            rows = rows[(page - 1) * limit:page * limit]
            ids = [t.id for t in rows]
            events: dict[int, list] = {}
            if ids:
                for ev in s.scalars(select(track.TaskEvent).where(track.TaskEvent.task_id.in_(ids))
                                    .order_by(track.TaskEvent.at, track.TaskEvent.id)):
                    events.setdefault(ev.task_id, []).append(ev)
            tasks = []
            for t in rows:
                tl = track.timeliness(t, today)
                tasks.append({"t": t, "timeliness": tl, "overdue": tl == "overdue", "events": events.get(t.id, [])})
            bodies = _bodies(s)
        q = request.url.query
        keep = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        pages = {"page": page, "prev": ("/tasks?" + urlencode(keep + [("page", page - 1)])) if page > 1 else None,
                 "next": ("/tasks?" + urlencode(keep + [("page", page + 1)])) if more else None}
        return render(request, "tasks.html", tasks=tasks, more=more, limit=limit, bodies=bodies, errors=errors,
                      pages=pages,
                      f={"body": body, "status": status, "due_from": due_from, "due_to": due_to, "within": within,
                         "overdue": overdue, "doc": doc},
                      back="/tasks" + ("?" + q if q else ""))

    @app.post("/tasks/{task_id}/status", dependencies=[Depends(check_csrf)])
    async def task_status(request: Request, task_id: int):
        u = need_editor(request)
        form = await request.form()
        status = str(form.get("status") or "")
        note = str(form.get("note") or "").strip()[:2000] or None
        nxt = _safe_next(str(form.get("next") or ""), "/tasks")
        from starlette.concurrency import run_in_threadpool

        from pipeline import track

        if status not in STATUS_CHOICES:
            raise HTTPException(400, "Trạng thái không hợp lệ.")

        def change():
            with session() as s:
                return track.set_status(s, task_id, status, by=u.name, note=note)

        try:
            ev = await run_in_threadpool(change)
        except track.TaskError:
            raise HTTPException(404, "Không có nhiệm vụ này.") from None
        if request.query_params.get("format") == "json":
            return JSONResponse({"ok": True, "changed": ev is not None, "status": status})
        flash(request, f"Nhiệm vụ #{task_id}: " + (f"đã chuyển sang “{STATUS_VI[status]}”." if ev is not None
                                                  else "trạng thái không đổi."))
        return RedirectResponse(nxt + f"#task-{task_id}", status_code=303)

    # ------------------------------------------------------------ citations

    @app.get("/citations", response_class=HTMLResponse)
    def citations_page(request: Request, doc: str = "", identity: Optional[int] = None, depth: int = 1):
        from pipeline import graph

        depth = 2 if depth >= 2 else 1
        with session() as s:
            ident = None
            if identity is not None:
                ident = s.get(store.Identity, identity)
            elif doc.strip():
                d = store.find_document(s, doc.strip())
                ident = d.identity if d is not None else None
                if ident is None and d is None:
                    found = store.find_identities(s, doc.strip())
                    ident = found[0] if found else None
            if ident is None:
                if doc.strip() or identity is not None:
                    raise HTTPException(404, "Không có văn bản này.")
                docs = store.list_documents(s)
                return render(request, "citations.html", ident=None, docs=docs, depth=depth)
            center = store.identity_dict(ident)
            sup = None
            if ident.superseded_by_id:
                by = s.get(store.Identity, ident.superseded_by_id)
                sup = {"by": store.identity_dict(by) if by else None, "relation": ident.superseded_relation}
            out_edges = store.cites(s, ident, depth)
            in_edges = store.cited_by(s, ident, depth)
            g = graph.neighbourhood(s, ident, depth)
            svg = graph_svg_data(g)
            superseded_nodes = []
            for n in svg["nodes"]:
                if n["superseded"]:
                    i2 = s.get(store.Identity, n["id"])
                    by = s.get(store.Identity, i2.superseded_by_id) if i2 and i2.superseded_by_id else None
                    superseded_nodes.append({"label": n["label"], "id": n["id"],
                                             "by": by.label if by else "?", "by_id": by.id if by else None,
                                             "relation": i2.superseded_relation if i2 else None})
        return render(request, "citations.html", ident=center, sup=sup, out_edges=out_edges, in_edges=in_edges,
                      svg=svg, depth=depth, superseded_nodes=superseded_nodes, docs=None)

    # ------------------------------------------------------------ search

    @app.get("/search", response_class=HTMLResponse)
    def search_page(request: Request, symbol: str = "", type: str = "", issuer: str = "", date_from: str = "",
                    date_to: str = "", q: str = ""):
        from sqlalchemy import select

        asked = any(x.strip() for x in (symbol, type, issuer, date_from, date_to, q))
        results = []
        errors = []
        f_from, f_to = _iso_or_none(date_from), _iso_or_none(date_to)
        if date_from.strip() and not f_from:
            errors.append("Ngày 'từ' không hợp lệ.")
        if date_to.strip() and not f_to:
            errors.append("Ngày 'đến' không hợp lệ.")
        with session() as s:
            types = sorted({t for t in s.scalars(select(store.Document.doc_type).distinct()) if t}, key=_fold)
            if asked and not errors:
                D, V = store.Document, store.Version
                stmt = select(D.id, D.doc_type, D.symbol, D.issued_date, D.issuer, D.title, D.is_report,
                              D.identity_id)
                if type.strip():
                    stmt = stmt.where(D.doc_type == type.strip())
                if f_from:
                    stmt = stmt.where(D.issued_date >= f_from)
                if f_to:
                    stmt = stmt.where(D.issued_date <= f_to)
                rows = s.execute(stmt.order_by(D.issued_date.desc(), D.id.desc())).all()
                want_sym = symbol_key(symbol)
                want_iss = _fold(issuer)
                words = [w for w in _fold(q).split(" ") if w]
                keep = []
                for r in rows:
                    if want_sym and symbol_key(r.symbol) != want_sym:
                        continue
                    if want_iss and want_iss not in _fold(r.issuer):
                        continue
                    keep.append(r)
                if words and keep:
                    texts = dict(s.execute(select(D.id, V.text).join(V, D.current_version_id == V.id)
                                           .where(D.id.in_([r.id for r in keep]))).all())
                    keep2 = []
                    for r in keep:
                        hay = _fold((r.title or "") + " " + (texts.get(r.id) or ""))
                        if all(w in hay for w in words):
                            snippet = _snippet(texts.get(r.id) or "", words[0])
                            keep2.append((r, snippet))
                    matched = keep2
                else:
                    matched = [(r, None) for r in keep]
                sup = {i.id for i in s.scalars(select(store.Identity).where(
                    store.Identity.superseded_by_id.is_not(None)))}
                for r, snip in matched[:300]:
                    results.append({"id": r.id, "doc_type": r.doc_type, "symbol": r.symbol,
                                    "issued_date": r.issued_date, "issuer": r.issuer, "title": r.title,
                                    "is_report": r.is_report, "superseded": r.identity_id in sup,
                                    "snippet": snip})
                # a cited, not ingested document with that symbol
                placeholders = []
                if want_sym:
                    for i in s.scalars(select(store.Identity).where(store.Identity.symbol.is_not(None))):
                        if i.document is None and symbol_key(i.symbol) == want_sym:
                            placeholders.append(store.identity_dict(i))
            else:
                placeholders = []
        return render(request, "search.html", results=results, asked=asked, types=types, errors=errors,
                      placeholders=placeholders,
                      f={"symbol": symbol, "type": type, "issuer": issuer, "date_from": date_from,
                         "date_to": date_to, "q": q})

    return app


def _snippet(text: str, word: str, width: int = 90) -> Optional[str]:
    """Plain text around the first occurrence of ``word`` (escaped by the template)."""
    low = text.casefold()
    i = low.find(word)
    if i < 0:
        return None
    a, b = max(0, i - width), min(len(text), i + len(word) + width)
    return ("…" if a else "") + " ".join(text[a:b].split()) + ("…" if b < len(text) else "")


def _local_name() -> str:
    try:
        from pipeline.track import current_user

        return current_user()
    except Exception:  # pragma: no cover
        return "local"

