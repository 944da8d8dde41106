"""Checklists in every format, read back with each format's standard reader; the CLI over them."""
from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest
from typer.testing import CliRunner

from pipeline import export, store, track
from pipeline.records import Document, Obligation, Record

TODAY = date(2025, 5, 1)
HOSTILE = 'Sở <script>alert("x")</script> & Cục "Đặc biệt" | cột'

OBLS = [
    Obligation(text="Sở Nội vụ chủ trì, phối hợp với Sở Tài chính tổng hợp, báo cáo kết quả hằng quý.", start=10,
               end=90, kind="report", actors=["Sở Nội vụ"], partners=["Sở Tài chính"], recurrence="quarterly",
               period={"start": "2025-01-01", "end": "2025-06-30"}, section="III.1"),
    Obligation(text="UBND các huyện hoàn thành rà soát danh mục thủ tục trước ngày 30/6/2025.", start=100, end=170,
               actors=["UBND các huyện"], partners=["Sở Nội vụ"], deadline="2025-06-30", section="III.2"),
    Obligation(text=f"Tổ chức đối thoại với {HOSTILE} về cải cách hành chính.", start=200, end=260,
               actors=[HOSTILE], section="III.3"),
]
HEAD_DOCX = ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn", "Định kỳ", "Trạng thái"]
HEAD_XLSX = ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn", "Định kỳ", "Văn bản nguồn", "Trạng thái", "Mã"]


@pytest.fixture
def url(tmp_path):
    u = f"sqlite:///{tmp_path / 'vanban.db'}"
    rec = Record(source=str(tmp_path / "kh15.txt"), sha256="f" * 64, text="",
                 document=Document(doc_type="Kế hoạch", symbol="15/KH-UBND", issued_date="2025-02-10",
                                   title="về cải cách hành chính năm 2025"),
                 obligations=OBLS)
    with track.open_session(u) as s:
        track.sync_tasks(s, 1, 1, rec, today=TODAY)
        first = track.query_tasks(s, today=TODAY)[0]
        track.set_status(s, first.id, "done", by="lan", when=datetime(2025, 3, 20, 10, 0))
    yield u
    store.dispose(u)


@pytest.fixture
def checklist(url):
    with track.open_session(url) as s:
        return export.build_checklist(s, doc="15/KH-UBND", today=TODAY)


def test_build_checklist_rows(checklist):
    assert checklist.title == "Danh mục nhiệm vụ triển khai Kế hoạch số 15/KH-UBND"
    assert "ngày 10/02/2025" in checklist.source
    assert len(checklist.rows) == 4  # 2 quarterly occurrences, 1 dated task, 1 undated
    r = checklist.rows[0]
    assert (r.stt, r.leads, r.partners, r.due_text, r.recurrence_vi, r.status_vi) == (
        1, ["Sở Nội vụ"], ["Sở Tài chính"], "31/03/2025", "Hằng quý", "Hoàn thành")
    assert r.source == "Kế hoạch số 15/KH-UBND, mục III.1"
    assert checklist.rows[2].leads == ["Ủy ban nhân dân các huyện"]
    assert checklist.rows[2].timeliness_vi == "Đúng hạn"
    assert checklist.rows[1].timeliness_vi == "Đúng hạn" and checklist.rows[3].due is None


def test_body_checklist_has_lead_and_partner_tasks(url):
    with track.open_session(url) as s:
        cl = export.build_checklist(s, body="Sở Nội vụ", today=TODAY)
    assert cl.title == "Danh mục nhiệm vụ của Sở Nội vụ"
    assert len(cl.rows) == 3  # two report occurrences it leads, the review it supports


def test_markdown(checklist):
    md = export.render(checklist, "md").decode("utf-8")
    lines = md.splitlines()
    assert lines[0] == "# Danh mục nhiệm vụ triển khai Kế hoạch số 15/KH-UBND"
    table = [ln for ln in lines if ln.startswith("|")]
    assert table[0] == "| " + " | ".join(HEAD_XLSX) + " |"
    assert len(table) == 2 + 4
    assert "| Hoàn thành (Đúng hạn) |" in table[2]
    assert "\\| cột" in md  # a pipe in a cell does not break the table


def test_html_escapes_everything(checklist):
    page = export.render(checklist, "html").decode("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&quot;Đặc biệt&quot;" in page and "&amp; Cục" in page
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "http" not in page.split("<body>")[0]  # self-contained: no external stylesheet or script
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None
    assert [th.get_text() for th in soup.find_all("th")] == HEAD_XLSX[:-1]
    rows = soup.find("tbody").find_all("tr")
    assert len(rows) == 4
    assert HOSTILE in rows[3].get_text()  # the text itself survives, as text
    assert rows[0].find_all("td")[4].get_text() == "31/03/2025"


def test_html_title_is_escaped(url):
    with track.open_session(url) as s:
        cl = export.build_checklist(s, body=HOSTILE, today=TODAY)
    page = export.render(cl, "html").decode("utf-8")
    assert "<script>" not in page and len(cl.rows) == 1


def test_docx(checklist, tmp_path):
    docx = pytest.importorskip("docx")
    p = export.write(checklist, "docx", tmp_path / "cl.docx")
    d = docx.Document(str(p))
    texts = [para.text for para in d.paragraphs]
    assert texts[0] == "DANH MỤC NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH SỐ 15/KH-UBND"
    assert any("15/KH-UBND" in t and "10/02/2025" in t for t in texts[1:3])
    (table,) = d.tables
    assert [c.text for c in table.rows[0].cells] == HEAD_DOCX
    body = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert len(body) == 4
    assert body[0][:6] == ["1", OBLS[0].text, "Sở Nội vụ", "Sở Tài chính", "31/03/2025", "Hằng quý"]
    assert body[0][6] == "Hoàn thành (Đúng hạn)"
    assert body[2][2] == "Ủy ban nhân dân các huyện" and body[2][3] == "Sở Nội vụ"
    assert HOSTILE in body[3][1]


def test_xlsx(checklist, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    p = export.write(checklist, "xlsx", tmp_path / "cl.xlsx")
    ws = openpyxl.load_workbook(p).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == checklist.title
    assert list(rows[3]) == HEAD_XLSX
    data = rows[4:]
    assert len(data) == 4
    assert [r[0] for r in data] == [1, 2, 3, 4]
    assert data[0][1] == OBLS[0].text and data[0][4].date() == date(2025, 3, 31)
    assert data[0][7] == "Hoàn thành" and data[1][7] == "Chưa thực hiện"
    assert data[0][6] == "Kế hoạch số 15/KH-UBND, mục III.1"
    assert [r[8] for r in data] == [r.task_id for r in checklist.rows]
    assert ws.column_dimensions["I"].hidden  # "Mã" is there for the round trip, hidden
    assert data[3][4] is None and data[3][5] is None


def test_ics(checklist):
    icalendar = pytest.importorskip("icalendar")
    cal = icalendar.Calendar.from_ical(export.render(checklist, "ics"))
    todos = list(cal.walk("VTODO"))
    assert len(todos) == 3  # one per due date; the undated task has none
    dues = sorted(t.decoded("due") for t in todos)
    assert dues == [date(2025, 3, 31), date(2025, 6, 30), date(2025, 6, 30)]
    by_uid = {str(t["uid"]): t for t in todos}
    first = by_uid[f"vanban-task-{checklist.rows[0].task_id}@vanban"]
    assert str(first["status"]) == "COMPLETED"
    assert "Chủ trì: Sở Nội vụ" in str(first["description"])
    assert str(first["summary"]).startswith("Sở Nội vụ chủ trì")


def test_unknown_format(checklist):
    with pytest.raises(ValueError):
        export.render(checklist, "pdf")


@pytest.mark.parametrize("name, fmt", [("a.xlsx", "xlsx"), ("a.HTM", "html"), ("a.markdown", "md"), ("a", "md")])
def test_format_of(name, fmt):
    assert export.format_of(name) == fmt


# ---------------------------------------------------------------- CLI

def _run(*args):
    from pipeline.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_cli_checklist_every_format(url, tmp_path):
    for fmt in export.FORMATS:
        out = tmp_path / f"c.{fmt}"
        r = _run("checklist", "15/KH-UBND", "--format", fmt, "-o", out, "--db", url)
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 100
    r = _run("checklist", "--body", "Sở Tài chính", "--db", url)
    assert r.exit_code == 0 and "Sở Tài chính" in r.output and r.output.count("| Hằng quý |") == 2
    r = _run("checklist", "99/KH-XYZ", "--db", url)
    assert r.exit_code == 1


def test_cli_tasks(url, tmp_path, monkeypatch):
    monkeypatch.setenv("VANBAN_DB", url)
    r = _run("tasks", "list", "--format", "json")
    data = json.loads(r.output)
    assert len(data) == 4 and data[1]["due"] == "2025-06-30"
    tid = data[1]["id"]
    r = _run("tasks", "start", tid, "--note", "bắt đầu", "--by", "an")
    assert r.exit_code == 0 and "Đang thực hiện" in r.output
    r = _run("tasks", "done", tid)
    assert r.exit_code == 0
    r = _run("tasks", "list", "--status", "done", "--format", "csv")
    import csv

    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert {int(x["id"]) for x in rows} == {data[0]["id"], tid}
    r = _run("tasks", "show", tid, "--json")
    hist = json.loads(r.output)["history"]
    assert [h["action"] for h in hist] == ["created", "in_progress", "done"] and hist[1]["by"] == "an"
    r = _run("tasks", "list", "--body", "Sở Tài chính", "--due-before", "30/06/2025")
    assert r.exit_code == 0 and "30/06/2025" in r.output and "Hằng quý" in r.output
    r = _run("tasks", "cancel", 12345)
    assert r.exit_code == 1
    r = _run("tasks", "due", "--within", "10000d", "--format", "json")
    assert r.exit_code == 0 and len(json.loads(r.output)) == 1  # the one dated task still open
    out = tmp_path / "t.json"
    r = _run("tasks", "export", "-o", out)
    assert r.exit_code == 0 and len(json.loads(out.read_text(encoding="utf-8"))) == 4


def test_cli_import_round_trip(url, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    f = tmp_path / "c.xlsx"
    assert _run("checklist", "15/KH-UBND", "-o", f, "--db", url).exit_code == 0
    wb = openpyxl.load_workbook(f)
    ws = wb.active
    ws["H6"] = "Đang thực hiện"
    ws["H7"] = "???"
    wb.save(f)
    r = CliRunner().invoke(__import__("pipeline.cli", fromlist=["app"]).app,
                           ["tasks", "import", str(f), "--db", url, "--by", "analyst"])
    assert r.exit_code == 1  # a row was rejected
    assert "row 7" in r.output and "1 applied" in r.output
    with track.open_session(url) as s:
        t = s.get(track.Task, ws["I6"].value)
        assert t.status == "in_progress"
