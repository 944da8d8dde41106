"""Route tests of the web app (FastAPI TestClient): uploads, escaping, CSRF, login and roles, search."""
from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from pipeline.web.app import UploadRejected, create_app, detect_format, is_loopback, symbol_key  # noqa: E402
from pipeline.web.highlight import Span, render_marks  # noqa: E402

HOSTILE = "<script>alert(1)</script>"

# Our own example directive (written for these tests).
NQ_TEXT = f"""ĐẢNG BỘ TỈNH HÀ GIANG
ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH
*
Số 02-NQ/ĐUK

ĐẢNG CỘNG SẢN VIỆT NAM

Hà Giang, ngày 10 tháng 3 năm 2025

NGHỊ QUYẾT
về tăng cường công tác kiểm tra, giám sát năm 2025

Căn cứ Quy định số 22-QĐ/TW ngày 28/7/2021 của Ban Chấp hành Trung ương về công tác kiểm tra, giám sát \
và kỷ luật của Đảng; Ban Thường vụ Đảng ủy Khối quyết nghị:

I. NHIỆM VỤ, GIẢI PHÁP

1. Ban Tuyên giáo Đảng ủy Khối chủ trì, phối hợp với Văn phòng Đảng ủy Khối xây dựng kế hoạch tuyên truyền \
{HOSTILE} về nội dung Nghị quyết, hoàn thành trước ngày 30/6/2025.

2. Các chi bộ trực thuộc báo cáo kết quả thực hiện Nghị quyết về Đảng ủy Khối trước ngày 15/12/2025.

T/M BAN THƯỜNG VỤ
BÍ THƯ

Nguyễn Văn An
"""


def _token(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def _upload(client, name: str, data: bytes, token: str, **kw):
    return client.post("/upload", data={"csrf_token": token}, files=[("files", (name, data, "text/plain"))], **kw)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An open (no login) app with the example directive uploaded once."""
    d = tmp_path_factory.mktemp("web")
    app = create_app(f"sqlite:///{d / 'web.db'}", upload_dir=d / "up", max_upload_bytes=200_000)
    client = TestClient(app)
    tok = _token(client.get("/upload").text)
    r = _upload(client, "nq-02.txt", NQ_TEXT.encode("utf-8"), tok, params={"format": "json"})
    assert r.status_code == 200, r.text
    res = r.json()["results"][0]
    assert res["status"] == "new" and res["ok"], res
    return {"client": client, "doc_id": res["document_id"], "token": tok, "dir": d}


# ---------------------------------------------------------------- uploads


def test_upload_ok_and_listed(site):
    c = site["client"]
    assert site["doc_id"]
    page = c.get("/").text
    assert "02-NQ/ĐUK" in page
    # the same bytes again: unchanged, nothing new
    r = _upload(c, "again.txt", NQ_TEXT.encode("utf-8"), site["token"], params={"format": "json"})
    assert r.json()["results"][0]["status"] == "unchanged"


@pytest.mark.parametrize("name,data,reason", [
    ("pic.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "nhị phân"),
    ("nul.txt", bytes(range(256)) * 4, "không phải tệp văn bản"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".doc"),
    ("empty.txt", b"  \n\n", "rỗng"),
    ("fake.docx", b"PK\x03\x04not really a zip", "hỏng"),
    ("big.txt", b"a" * 200_001, "quá lớn"),
])
def test_upload_bad_file_gives_clear_error(site, name, data, reason):
    r = _upload(site["client"], name, data, site["token"])
    assert r.status_code == 200
    assert "Bị từ chối" in r.text and reason in r.text


def test_upload_reader_error_names_the_client_file(site):
    # a real PDF header with a broken body: the reader's own one-line error, under the client's name
    r = _upload(site["client"], "hỏng.pdf", b"%PDF-1.4\n% broken\n" + b"x" * 100, site["token"],
                params={"format": "json"})
    res = r.json()["results"][0]
    assert res["status"] == "failed" and not res["ok"]
    assert res["error"] and "hỏng.pdf" in res["error"]
    assert str(site["dir"]) not in res["error"]


def test_upload_stores_under_generated_names(site):
    c = site["client"]
    r = _upload(c, "../../../etc/evil<b>.txt", "Ghi chú ngắn về công việc trong tuần.".encode(), site["token"])
    assert r.status_code == 200
    assert "evil&lt;b&gt;.txt" in r.text and "<b>" not in r.text
    names = [p.name for p in (site["dir"] / "up").iterdir()]
    assert names and all(re.fullmatch(r"[0-9a-f]{32}\.(txt|html|pdf|docx)", n) for n in names), names
    assert not (site["dir"].parent / "etc").exists()


def test_upload_without_file(site):
    r = site["client"].post("/upload", data={"csrf_token": site["token"]})
    assert r.status_code == 400 and "Chưa chọn tệp" in r.text
    # what a browser sends when no file is chosen: one empty part with an empty name
    r = site["client"].post("/upload", data={"csrf_token": site["token"]},
                            files=[("files", ("", b"", "application/octet-stream"))])
    assert r.status_code == 400 and "Chưa chọn tệp" in r.text


@pytest.mark.parametrize("data,fmt", [
    (b"%PDF-1.7\n...", "pdf"),
    ("Văn bản thuần".encode("utf-8"), "txt"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
    ("Văn bản thuần".encode("utf-16"), "txt"),
])
def test_detect_format_by_content(data, fmt):
    assert detect_format(data) == fmt


def test_detect_format_docx_needs_word_part():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert detect_format(buf.getvalue()) == "docx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "x")
    with pytest.raises(UploadRejected):
        detect_format(buf.getvalue())


# ---------------------------------------------------------------- document page


def test_document_page_escapes_hostile_text(site):
    r = site["client"].get(f"/documents/{site['doc_id']}")
    assert r.status_code == 200
    html = r.text
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the only <script> elements are the app's own, from /static
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/app.js" defer>']


def test_document_page_marks_and_checklist(site):
    html = site["client"].get(f"/documents/{site['doc_id']}").text
    assert 'class="mk mk-obligation' in html
    assert 'class="mk mk-reference' in html and ">22-QĐ/TW<" in html  # canonical symbol badge
    assert "30/06/2025" in html  # the deadline as a date
    assert 'class="mk mk-body' in html
    assert 'id="checklist-table"' in html and "Ban Tuyên giáo Đảng ủy Khối" in html
    for f in ("docx", "xlsx", "ics", "html"):
        assert f'/documents/{site["doc_id"]}/checklist.{f}' in html
    _Balanced().check(html)


def test_checklist_downloads(site):
    c = site["client"]
    for fmt, magic in (("xlsx", b"PK"), ("docx", b"PK"), ("ics", b"BEGIN:VCALENDAR"), ("html", b"<")):
        r = c.get(f"/documents/{site['doc_id']}/checklist.{fmt}")
        assert r.status_code == 200 and r.content.startswith(magic), fmt
        assert "attachment" in r.headers["content-disposition"]
    r = c.get("/checklist", params={"body": "Ban Tuyên giáo"})
    assert r.status_code == 200 and "Ban Tuyên giáo Đảng ủy Khối" in r.text
    r = c.get("/checklist/download", params={"body": "Ban Tuyên giáo", "fmt": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert c.get(f"/documents/{site['doc_id']}/checklist.exe").status_code == 400


def test_missing_document_404(site):
    r = site["client"].get("/documents/987654")
    assert r.status_code == 404 and "Không có văn bản này" in r.text


# ---------------------------------------------------------------- marks nest


class _Balanced(HTMLParser):
    VOID = {"br", "img", "input", "meta", "link", "hr"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def check(self, html: str) -> None:
        self.feed(html)
        self.close()
        assert self.stack == [] or self.stack == ["html"] or not [t for t in self.stack if t not in ("html", "body")]


@pytest.mark.parametrize("spans", [
    [(0, 10, "obligation"), (5, 20, "reference")],  # crossing
    [(0, 30, "obligation"), (5, 10, "body"), (8, 25, "date"), (12, 14, "reference")],
    [(3, 9, "reference"), (3, 9, "date"), (3, 9, "obligation")],  # same extent
    [(0, 34, "obligation"), (30, 34, "date")],  # to the end of the text
])
def test_render_marks_nests_and_escapes(spans):
    text = "<b>&amp; a<i> x</i>" + "y" * 15
    sp = [Span(a, b, k, title='t"<', badge="v<", id=f"s{i}") for i, (a, b, k) in enumerate(spans)]
    html = str(render_marks(text, sp))
    _Balanced().check("<div>" + html + "</div>")
    plain = re.sub(r'<span class="nv[^"]*">.*?</span>', "", html)
    plain = re.sub(r"<[^>]+>", "", plain)
    assert plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text
    assert "<b>" not in html and "<i>" not in html
    for i in range(len(spans)):
        assert f'data-mark="s{i}"' in html


# ---------------------------------------------------------------- CSRF


def test_post_without_csrf_token_is_rejected(site):
    c = site["client"]
    r = c.post("/upload", files=[("files", ("x.txt", "Nội dung.".encode(), "text/plain"))])
    assert r.status_code == 403
    r = c.post("/tasks/1/status", data={"status": "done"})
    assert r.status_code == 403
    r = c.post("/tasks/1/status", data={"status": "done", "csrf_token": "forged"})
    assert r.status_code == 403
    # another browser (no session cookie) with a token copied from this one
    other = TestClient(c.app)
    r = other.post("/tasks/1/status", data={"status": "done", "csrf_token": site["token"]})
    assert r.status_code == 403


# ---------------------------------------------------------------- tasks


def test_tasks_filter_change_status_and_history(site):
    c = site["client"]
    page = c.get("/tasks", params={"body": "Ban Tuyên giáo"}).text
    ids = re.findall(r'id="task-(\d+)"', page)
    assert len(ids) == 1
    tid = ids[0]
    r = c.post(f"/tasks/{tid}/status", data={"status": "done", "note": "Đã gửi <kế hoạch>",
                                            "csrf_token": site["token"], "next": "/tasks"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/tasks")
    page = c.get("/tasks", params={"status": "done"}).text
    assert f'id="task-{tid}"' in page
    assert "Đã gửi &lt;kế hoạch&gt;" in page  # the note, escaped, in the history
    assert "Chưa thực hiện → Hoàn thành" in page
    # overdue: both deadlines of 2025 are past; the done one is not overdue any more
    page = c.get("/tasks", params={"overdue": "1"}).text
    assert f'id="task-{tid}"' not in page
    assert "tag-overdue" in page
    # bad values are refused
    assert c.post(f"/tasks/{tid}/status", data={"status": "xyz", "csrf_token": site["token"]}).status_code == 400
    assert c.post("/tasks/99999/status", data={"status": "done", "csrf_token": site["token"]}).status_code == 404
    # an open redirect is not followed
    r = c.post(f"/tasks/{tid}/status", data={"status": "open", "csrf_token": site["token"],
                                            "next": "//evil.example/"}, follow_redirects=False)
    assert r.headers["location"].startswith("/tasks")


# ---------------------------------------------------------------- search


@pytest.mark.parametrize("query", ["02-NQ/ĐUK", "02- NQ/ĐUK", "02 - NQ / ĐUK", "02–NQ/ĐUK", "02-NQ/ÐUK",
                                   "02-nq/đuk"])
def test_search_symbol_tolerates_noise(site, query):
    r = site["client"].get("/search", params={"symbol": query})
    assert r.status_code == 200
    assert f'href="/documents/{site["doc_id"]}"' in r.text, query


def test_symbol_key_equal_forms():
    assert symbol_key("02- NQ/ĐUK") == symbol_key("02-NQ/ĐUK") == symbol_key("02-NQ/ÐUK")
    assert symbol_key("03-NQ/ĐUK") != symbol_key("02-NQ/ĐUK")


@pytest.mark.parametrize("params,found", [
    ({"q": "kiểm tra giám sát"}, True),
    ({"q": "KIỂM TRA"}, True),
    ({"q": "không có từ này"}, False),
    ({"type": "Nghị quyết"}, True),
    ({"type": "Chỉ thị"}, False),
    ({"issuer": "đảng ủy khối"}, True),
    ({"date_from": "2025-03-01", "date_to": "2025-03-31"}, True),
    ({"date_from": "2025-04-01"}, False),
    ({"symbol": "03-NQ/ĐUK"}, False),
])
def test_search_filters(site, params, found):
    r = site["client"].get("/search", params=params)
    assert r.status_code == 200
    assert (f'href="/documents/{site["doc_id"]}"' in r.text) is found, params


# ---------------------------------------------------------------- citations


def test_citations_page_draws_graph(site):
    r = site["client"].get("/citations", params={"doc": site["doc_id"], "depth": 2})
    assert r.status_code == 200
    assert '<svg id="citation-graph"' in r.text
    assert "22-QĐ/TW" in r.text and "chưa nhập" in r.text
    assert r.text.count('class="node') >= 2


# ---------------------------------------------------------------- login and roles


@pytest.fixture(scope="module")
def locked(tmp_path_factory):
    from pipeline import store
    from pipeline.web import auth

    d = tmp_path_factory.mktemp("locked")
    url = f"sqlite:///{d / 'locked.db'}"
    app = create_app(url, require_login=True, upload_dir=d / "up", secret_key="test-secret")
    with store.session_scope(url) as s:
        auth.add_user(s, "xem", "mật-khẩu-1", "viewer")
        auth.add_user(s, "sua", "mật-khẩu-2", "editor")
    return {"app": app, "url": url}


def _login(app, name, password):
    c = TestClient(app)
    r = c.get("/login")
    r = c.post("/login", data={"name": name, "password": password, "csrf_token": _token(r.text), "next": "/"},
               follow_redirects=False)
    return c, r


def test_login_required(locked):
    c = TestClient(locked["app"])
    for path in ("/", "/tasks", "/upload", "/search?symbol=x", "/documents/1"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    assert c.post("/upload", follow_redirects=False).status_code == 401
    assert c.get("/static/app.css").status_code == 200
    c2, r = _login(locked["app"], "xem", "sai")
    assert r.status_code == 401 and "Sai tên đăng nhập" in r.text
    c3, r = _login(locked["app"], "xem", "mật-khẩu-1")
    assert r.status_code == 303
    assert c3.get("/").status_code == 200


def test_viewer_cannot_upload_or_change_status(locked):
    from pipeline import store, track

    ed, r = _login(locked["app"], "sua", "mật-khẩu-2")
    assert r.status_code == 303
    tok = _token(ed.get("/upload").text)
    r = _upload(ed, "nq.txt", NQ_TEXT.encode(), tok, params={"format": "json"})
    assert r.json()["results"][0]["ok"]
    with store.session_scope(locked["url"]) as s:
        tid = track.query_tasks(s)[0].id

    vw, r = _login(locked["app"], "xem", "mật-khẩu-1")
    page = vw.get("/tasks").text
    assert "status-form" not in page and 'href="/upload"' not in page
    tok = _token(page)  # the logout form
    r = vw.post(f"/tasks/{tid}/status", data={"status": "done", "csrf_token": tok})
    assert r.status_code == 403 and "chỉ xem" in r.text
    r = _upload(vw, "x.txt", "Nội dung ngắn.".encode(), tok)
    assert r.status_code == 403
    assert vw.get("/upload").status_code == 403
    with store.session_scope(locked["url"]) as s:
        assert s.get(track.Task, tid).status == "open"

    tok = _token(ed.get("/tasks").text)
    r = ed.post(f"/tasks/{tid}/status", data={"status": "in_progress", "csrf_token": tok}, follow_redirects=False)
    assert r.status_code == 303
    with store.session_scope(locked["url"]) as s:
        assert s.get(track.Task, tid).status == "in_progress"
        ev = track.history(s, tid)[-1]
        assert ev.by == "sua"


def test_logout(locked):
    c, _ = _login(locked["app"], "sua", "mật-khẩu-2")
    tok = _token(c.get("/").text)
    r = c.post("/logout", data={"csrf_token": tok}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/", follow_redirects=False).status_code == 303


def test_passwords_hashed():
    from pipeline.web import auth

    h = auth.hash_password("bí mật")
    assert h.startswith("scrypt$") and "bí mật" not in h
    assert auth.hash_password("bí mật") != h  # random salt
    assert auth.verify_password("bí mật", h)
    assert not auth.verify_password("bi mat", h)
    assert not auth.verify_password("x", "garbage")


@pytest.mark.parametrize("host,loop", [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True),
                                       ("localhost", True), ("0.0.0.0", False), ("::", False),
                                       ("192.168.1.5", False), ("example.org", False)])
def test_is_loopback(host, loop):
    assert is_loopback(host) is loop


def test_cli_users_add(tmp_path):
    import typer
    from typer.testing import CliRunner

    from pipeline import cli_web, store
    from pipeline.web import auth

    app = typer.Typer()

    @app.callback()
    def _root():
        pass

    cli_web.register(app)
    url = f"sqlite:///{tmp_path / 'u.db'}"
    r = CliRunner().invoke(app, ["users", "add", "lan", "--role", "editor", "--password-stdin", "--db", url],
                           input="mật khẩu\n")
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["users", "add", "x", "--role", "admin", "--password-stdin", "--db", url], input="p\n")
    assert r.exit_code == 2
    with store.session_scope(url) as s:
        u = auth.authenticate(s, "lan", "mật khẩu")
        assert u is not None and u.role == "editor"


def test_request_body_limit(tmp_path):
    """Bodies past the limit are refused (413), declared by Content-Length or grown while chunked."""
    app = create_app(f"sqlite:///{tmp_path / 'lim.db'}", upload_dir=tmp_path / "up", max_upload_bytes=1000)
    c = TestClient(app)
    tok = _token(c.get("/upload").text)
    big = b"a" * 1_200_000  # > 50 files x 1000 bytes + 1 MB
    assert _upload(c, "a.txt", big, tok).status_code == 413
    body = (b'--XX\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + tok.encode() +
            b'\r\n--XX\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n' + big +
            b"\r\n--XX--\r\n")

    def chunks():
        for i in range(0, len(body), 65536):
            yield body[i:i + 65536]

    r = c.post("/upload", content=chunks(), headers={"content-type": "multipart/form-data; boundary=XX"})
    assert r.status_code == 413
    assert not list((tmp_path / "up").iterdir())


CT_OLD = """ỦY BAN NHÂN DÂN
TỈNH HÀ GIANG
Số: 01/CT-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Giang, ngày 05 tháng 01 năm 2024

CHỈ THỊ
Về quản lý chất thải rắn

1. Các huyện, thành phố rà soát các điểm tập kết rác, hoàn thành trước ngày 30/6/2024.

CHỦ TỊCH
Trần Văn Bình
"""

CT_NEW = """ỦY BAN NHÂN DÂN
TỈNH HÀ GIANG
Số: 05/CT-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Hà Giang, ngày 02 tháng 4 năm 2025

CHỈ THỊ
Về tăng cường quản lý chất thải rắn

1. Sở Tài nguyên và Môi trường chủ trì kiểm tra các bãi chôn lấp, hoàn thành trước ngày 30/9/2025.

2. Chỉ thị này có hiệu lực kể từ ngày ký và thay thế Chỉ thị số 01/CT-UBND ngày 05/01/2024 của Ủy ban \
nhân dân tỉnh.

CHỦ TỊCH
Trần Văn Bình
"""


def test_citations_flag_superseded(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'sup.db'}", upload_dir=tmp_path / "up")
    c = TestClient(app)
    tok = _token(c.get("/upload").text)
    ids = {}
    for name, text in (("ct-moi.txt", CT_NEW), ("ct-cu.txt", CT_OLD)):
        res = _upload(c, name, text.encode(), tok, params={"format": "json"}).json()["results"][0]
        assert res["ok"], res
        ids[name] = res["document_id"]
    r = c.get("/citations", params={"doc": ids["ct-moi.txt"]})
    assert r.status_code == 200
    assert 'id="superseded-list"' in r.text and "01/CT-UBND" in r.text
    assert re.search(r'class="node[^"]*superseded', r.text)
    assert "thay thế" in r.text
    old = c.get(f"/documents/{ids['ct-cu.txt']}").text
    assert 'id="superseded-note"' in old and f'href="/documents/{ids["ct-moi.txt"]}"' in old
    r = c.get("/citations", params={"doc": ids["ct-cu.txt"]})
    assert 'id="superseded-note"' in r.text
    listing = c.get("/").text
    assert "Hết hiệu lực" in listing
    # the new one's reference mark links to the cited document, shown by its canonical symbol
    new = c.get(f"/documents/{ids['ct-moi.txt']}").text
    assert f'<a href="/documents/{ids["ct-cu.txt"]}">01/CT-UBND</a>' in new
    refs = new[new.index('id="ref-list"'):]
    refs = refs[:refs.index("</ul>")]
    assert "Chỉ thị 01/CT-UBND" in refs and "thay thế" in refs and "Hết hiệu lực" in refs


def test_login_throttled_after_failures(tmp_path):
    from pipeline import store
    from pipeline.web import auth
    from pipeline.web.app import LOGIN_MAX_FAILURES

    url = f"sqlite:///{tmp_path / 't.db'}"
    app = create_app(url, require_login=True, upload_dir=tmp_path / "up")
    with store.session_scope(url) as s:
        auth.add_user(s, "an", "đúng", "viewer")
    for _ in range(LOGIN_MAX_FAILURES):
        assert _login(app, "an", "sai")[1].status_code == 401
    c, r = _login(app, "an", "đúng")
    assert r.status_code == 429 and "quá nhiều lần" in r.text


def test_graph_capped_near_centre():
    import networkx as nx

    from pipeline.web.app import graph_svg_data

    g = nx.DiGraph()
    g.add_node(0, label="tâm", center=True)
    for i in range(1, 30):
        g.add_edge(0, i)
        g.nodes[i]["label"] = f"gần {i}"
        for j in range(3):
            g.add_edge(i, 100 * i + j)
            g.nodes[100 * i + j]["label"] = f"xa {i}.{j}"
    d = graph_svg_data(g, max_nodes=40)
    assert d["total"] == 1 + 29 + 87 and len(d["nodes"]) == 40
    kept = {n["id"] for n in d["nodes"]}
    assert set(range(30)) <= kept
    assert all(0 <= n["cx"] <= d["width"] and 0 <= n["cy"] <= d["height"] for n in d["nodes"])


@pytest.mark.parametrize("host,login", [(None, False), ("127.0.0.1", False), ("0.0.0.0", True)])
def test_cli_serve_requires_login_beyond_loopback(tmp_path, monkeypatch, host, login):
    import typer
    import uvicorn
    from typer.testing import CliRunner

    from pipeline import cli_web

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    app = typer.Typer()

    @app.callback()
    def _root():
        pass

    cli_web.register(app)
    args = ["serve", "--db", f"sqlite:///{tmp_path / 's.db'}", "--upload-dir", str(tmp_path / "up")]
    if host:
        args += ["--host", host]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert seen["host"] == (host or "127.0.0.1") and seen["port"] == 8000
    assert seen["app"].state.require_login is login
