"""Tasks from obligations: identity across versions, occurrences, status and history, filters, import.

The documents here are written for these tests (no text from ../shared).
"""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from pipeline import store, track
from pipeline.records import Document, Obligation, Record

TODAY = date(2025, 5, 1)


def _rec(obligations, symbol="12/KH-UBND", source="/docs/kh12.txt", sha="a" * 64, issued="2025-03-01"):
    return Record(source=source, sha256=sha, text="",
                  document=Document(doc_type="Kế hoạch", symbol=symbol, issued_date=issued,
                                    issuer="Ủy ban nhân dân tỉnh", title="về thí điểm quy trình mới"),
                  obligations=list(obligations))


O_REPORT = Obligation(text="Sở Nội vụ chủ trì, phối hợp với Sở Tài chính tổng hợp, báo cáo kết quả thực hiện.",
                      start=100, end=181, kind="report", actors=["Sở Nội vụ"], partners=["Sở Tài chính"],
                      recurrence="quarterly", period={"start": "2025-01-01", "end": "2025-12-31"}, section="III.1")
O_REVIEW = Obligation(text="UBND các huyện hoàn thành rà soát danh mục thủ tục trước ngày 30/6/2025.",
                      start=200, end=272, actors=["UBND các huyện"], deadline="2025-06-30", section="III.2")
O_TRAIN = Obligation(text="Sở Tư pháp tổ chức tập huấn cho cán bộ làm công tác pháp chế ở cơ sở.",
                     start=300, end=368, actors=["Sở Tư pháp"], section="III.3")


@pytest.fixture
def url(db_url):
    yield db_url
    store.dispose(db_url)


def _sync(url, rec, doc_id=1, ver_id=1, today=TODAY, **kw):
    with track.open_session(url) as s:
        return track.sync_tasks(s, doc_id, ver_id, rec, today=today, **kw)


def _all(url, **kw):
    with track.open_session(url) as s:
        return [track.task_dict(t, TODAY) for t in track.query_tasks(s, today=TODAY, **kw)]


def _events(url):
    with track.open_session(url) as s:
        return s.query(track.TaskEvent).count()


# ---------------------------------------------------------------- identity

@pytest.mark.parametrize("a, b, same", [
    ("Sở Nội vụ tổng hợp, báo cáo.", "Sở Nội vụ  tổng hợp báo cáo", True),
    ("Hoàn thành trong quý I.", "hoàn thành trong quý i", True),
    ("Ủy ban nhân dân tỉnh chỉ đạo.", "Uỷ ban nhân dân tỉnh chỉ đạo", True),  # old/new tone placement
    ("Tổ chức tập huấn.", "Tổ chức kiểm tra.", False),
])
def test_fingerprint_normalises_text(a, b, same):
    assert (track.fingerprint(a, ["Sở Nội vụ"]) == track.fingerprint(b, ["Sở Nội vụ"])) is same


def test_fingerprint_depends_on_actors_not_their_order():
    t = "Tổ chức tập huấn cho cán bộ."
    assert track.fingerprint(t, ["Sở A", "Sở B"]) == track.fingerprint(t, ["Sở B", "Sở A"])
    assert track.fingerprint(t, ["Sở A"]) != track.fingerprint(t, ["Sở B"])


# ---------------------------------------------------------------- occurrences

@pytest.mark.parametrize("rec, period, deadline, anchor, horizon, expected", [
    (None, None, "2025-06-30", None, 365, ["2025-06-30"]),
    (None, None, None, None, 365, [None]),
    ("quarterly", {"start": "2025-01-01", "end": "2025-12-31"}, None, None, 365,
     ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]),
    ("semiannual", {"start": "2025-01-01", "end": "2026-12-31"}, None, None, 365,
     ["2025-06-30", "2025-12-31"]),  # horizon: today + 365 days stops before 2026-06-30
    ("semiannual", {"start": "2025-01-01", "end": "2026-12-31"}, None, None, 800,
     ["2025-06-30", "2025-12-31", "2026-06-30", "2026-12-31"]),
    ("monthly", None, "2025-07-15", "2025-04-10", 365, ["2025-04-30", "2025-05-31", "2025-06-30", "2025-07-15"]),
    ("annual", {"start": "2024-01-01", "end": None}, None, None, 365, ["2024-12-31", "2025-12-31"]),
    (["quarterly", "annual"], {"start": "2025-07-01", "end": "2025-12-31"}, None, None, 365,
     ["2025-09-30", "2025-12-31"]),
    ("weekly", {"start": "2025-05-01", "end": "2025-05-20"}, None, None, 365,
     ["2025-05-02", "2025-05-09", "2025-05-16"]),
])
def test_occurrences(rec, period, deadline, anchor, horizon, expected):
    got = track.occurrences(rec, period, deadline, anchor, TODAY, horizon)
    assert [d.isoformat() if d else None for d, _ in got] == expected


def test_occurrence_label_is_the_widest_recurrence():
    got = dict(track.occurrences(["quarterly", "semiannual", "annual"], {"start": "2025-01-01", "end": "2025-12-31"},
                                 today=TODAY))
    assert got[date(2025, 3, 31)] == "quarterly"
    assert got[date(2025, 6, 30)] == "semiannual"
    assert got[date(2025, 12, 31)] == "annual"


# ---------------------------------------------------------------- sync

def test_sync_creates_tasks_with_bodies_due_and_provenance(url):
    res = _sync(url, _rec([O_REPORT, O_REVIEW, O_TRAIN]))
    assert res.created == 4 + 1 + 1
    ts = _all(url)
    report = [t for t in ts if t["kind"] == "report"]
    assert [t["due"] for t in report] == ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    assert all(t["recurrence"] == "quarterly" for t in report)
    assert report[0]["bodies"] == ["Sở Nội vụ"] and report[0]["partners"] == ["Sở Tài chính"]
    assert (report[0]["start"], report[0]["end"], report[0]["section"]) == (100, 181, "III.1")
    assert report[0]["document"]["symbol"] == "12/KH-UBND"
    review = [t for t in ts if t["text"].startswith("UBND")][0]
    assert review["due"] == "2025-06-30" and review["recurrence"] is None
    assert review["bodies"] == ["Ủy ban nhân dân các huyện"]  # canonical name
    assert review["actors"] == ["UBND các huyện"]  # as written
    train = [t for t in ts if t["text"].startswith("Sở Tư pháp")][0]
    assert train["due"] is None and train["timeliness"] is None
    assert ts[-1]["due"] is None  # undated last


def test_sync_twice_changes_nothing(url):
    _sync(url, _rec([O_REPORT, O_REVIEW, O_TRAIN]))
    before, n_events = _all(url), _events(url)
    res = _sync(url, _rec([O_REPORT, O_REVIEW, O_TRAIN]))
    assert not res.changed and res.unchanged == 6
    assert _all(url) == before and _events(url) == n_events


def test_new_version_keeps_status_and_history(url):
    _sync(url, _rec([O_REPORT, O_REVIEW, O_TRAIN]))
    review_id = [t["id"] for t in _all(url) if t["text"].startswith("UBND")][0]
    train_id = [t["id"] for t in _all(url) if t["text"].startswith("Sở Tư pháp")][0]
    with track.open_session(url) as s:
        track.set_status(s, review_id, "in_progress", by="lan", note="đã giao chuyên viên")
        track.set_status(s, train_id, "done", by="lan")
    # version 2: the review sentence is reworded a little and moved, the training vanished, a new one came
    review2 = Obligation(text="UBND các huyện hoàn thành việc rà soát danh mục thủ tục trước ngày 15/7/2025.",
                         start=150, end=226, actors=["UBND các huyện"], deadline="2025-07-15", section="II.1")
    new = Obligation(text="Sở Thông tin và Truyền thông xây dựng chuyên mục trên cổng thông tin điện tử.",
                     start=400, end=475, actors=["Sở Thông tin và Truyền thông"], section="II.3")
    res = _sync(url, _rec([review2, O_REPORT, new], sha="b" * 64), ver_id=2)
    assert (res.created, res.updated, res.vanished) == (1, 1, 1)
    ts = {t["id"]: t for t in _all(url)}
    assert ts[review_id]["status"] == "in_progress"  # kept
    assert ts[review_id]["due"] == "2025-07-15" and ts[review_id]["start"] == 150  # follows the new text
    assert ts[review_id]["version_id"] == 2
    assert ts[train_id]["vanished"] and ts[train_id]["status"] == "done"  # flagged, not deleted
    assert len(ts) == 7
    with track.open_session(url) as s:
        actions = [e.action for e in track.history(s, review_id)]
        assert actions == ["created", "in_progress", "updated"]
        ev = track.history(s, review_id)[1]
        assert (ev.by, ev.note, ev.from_status, ev.to_status) == ("lan", "đã giao chuyên viên", "open", "in_progress")
        assert [e.action for e in track.history(s, train_id)] == ["created", "done", "vanished"]
    # the vanished task is out of the default checklist query but there with include_vanished
    assert train_id not in [t["id"] for t in _all(url, include_vanished=False)]
    # version 3 brings the training back: same task, status kept
    res = _sync(url, _rec([review2, O_REPORT, new, O_TRAIN], sha="c" * 64), ver_id=3)
    assert res.reappeared == 1 and res.created == 0
    ts = {t["id"]: t for t in _all(url)}
    assert not ts[train_id]["vanished"] and ts[train_id]["status"] == "done"


def test_fuzzy_match_needs_similar_text(url):
    _sync(url, _rec([O_TRAIN]))
    other = Obligation(text="Sở Y tế kiểm tra an toàn thực phẩm tại các bếp ăn tập thể.", start=0, end=60,
                       actors=["Sở Y tế"])
    res = _sync(url, _rec([other], sha="d" * 64), ver_id=2)
    assert (res.created, res.vanished) == (1, 1)


def test_duplicate_obligations_stay_two_tasks(url):
    res = _sync(url, _rec([O_TRAIN, O_TRAIN]))
    assert res.created == 2
    assert not _sync(url, _rec([O_TRAIN, O_TRAIN])).changed


def test_obligations_as_dicts_work_too(url):
    rec = _rec([])
    rec.obligations = [O_REVIEW.to_dict()]
    assert _sync(url, rec).created == 1


# ---------------------------------------------------------------- status

@pytest.mark.parametrize("word, code", [
    ("Chưa thực hiện", "open"), ("chưa thực hiện", "open"), ("Đang thực hiện", "in_progress"),
    ("Hoàn thành", "done"), ("HOÀN THÀNH", "done"), ("Hủy", "cancelled"), ("Huỷ", "cancelled"),
    ("done", "done"), ("in progress", "in_progress"), ("in_progress", "in_progress"), ("Cancelled", "cancelled"),
    ("open", "open"), (" Đã hoàn thành ", "done"), ("xong rồi", None), ("", None), (None, None),
])
def test_parse_status(word, code):
    assert track.parse_status(word) == code


def test_status_changes_and_timeliness(url):
    _sync(url, _rec([O_REVIEW]))
    tid = _all(url)[0]["id"]
    with track.open_session(url) as s:
        t = s.get(track.Task, tid)
        assert track.timeliness(t, date(2025, 6, 30)) == "on_time"
        assert track.timeliness(t, date(2025, 7, 1)) == "overdue"
        assert track.set_status(s, tid, "Đang thực hiện", by="an") is not None
        assert track.set_status(s, tid, "in_progress", by="an") is None  # no change, no event
        track.set_status(s, tid, "done", by="an", when=datetime(2025, 7, 3, 9, 0))
        assert track.timeliness(t, date(2025, 8, 1)) == "late"
        track.set_status(s, tid, "open", by="an")
        track.set_status(s, tid, "done", by="an", when=datetime(2025, 6, 20, 9, 0))
        assert track.timeliness(t, date(2025, 8, 1)) == "on_time"
        track.set_status(s, tid, "cancelled", by="an")
        assert track.timeliness(t, date(2025, 8, 1)) is None and t.completed_at is None
        with pytest.raises(track.TaskError):
            track.set_status(s, tid, "nearly", by="an")
        with pytest.raises(track.TaskError):
            track.set_status(s, 9999, "done", by="an")
        assert [e.to_status for e in track.history(s, tid)] == ["open", "in_progress", "done", "open", "done",
                                                               "cancelled"]


# ---------------------------------------------------------------- queries

def test_filters(url):
    _sync(url, _rec([O_REPORT, O_REVIEW, O_TRAIN]))
    _sync(url, _rec([Obligation(text="Sở Nội vụ hướng dẫn các xã sắp xếp tổ chức bộ máy.", start=0, end=50,
                                actors=["Sở Nội vụ"], deadline="2025-04-15")],
                    symbol="7/CT-UBND", source="/docs/ct7.txt", sha="e" * 64), doc_id=2)

    def ids(**kw):
        return [t["id"] for t in _all(url, **kw)]

    everything = ids()
    assert len(everything) == 7
    assert len(ids(body="Sở Nội vụ")) == 5  # 4 quarterly reports + the directive's task
    assert len(ids(body="sở nội vụ", role="lead")) == 5
    assert len(ids(body="Sở Tài chính")) == 4 and ids(body="Sở Tài chính", role="lead") == []
    assert len(ids(body="UBND các huyện")) == 1  # abbreviation expanded like the stored name
    assert len(ids(doc="7/CT-UBND")) == 1 and len(ids(doc="12/KH-UBND")) == 6
    assert len(ids(doc="2")) == 1
    assert len(ids(due_before="2025-06-30")) == 4  # 31/3, 15/4, 30/6 ×2
    assert len(ids(due_after="2025-07-01")) == 2
    assert len(ids(due_after=date(2025, 4, 1), due_before=date(2025, 6, 30))) == 3
    assert len(ids(overdue=True)) == 2  # 31/3 report and 15/4 task, today 1/5
    assert len(ids(status="open")) == 7 and ids(status=["done"]) == []
    with pytest.raises(track.TaskError):
        ids(doc="99/KH-XYZ")
    with pytest.raises(track.TaskError):
        ids(status="maybe")
    with track.open_session(url) as s:
        due = track.due_within(s, 60, today=TODAY)
        assert [t.due.isoformat() for t in due] == ["2025-03-31", "2025-04-15", "2025-06-30", "2025-06-30"]


@pytest.mark.parametrize("s, days", [("14d", 14), ("2w", 14), ("1m", 30), ("10", 10)])
def test_parse_within(s, days):
    assert track.parse_within(s) == days


def test_json_and_csv_exports(url, tmp_path):
    import csv
    import io

    _sync(url, _rec([O_REPORT, O_REVIEW]))
    with track.open_session(url) as s:
        ts = track.query_tasks(s, today=TODAY)
        data = json.loads(track.tasks_json(ts, TODAY))
        buf = io.StringIO()
        track.tasks_csv(ts, buf, TODAY)
    assert len(data) == 5 and data[0]["due"] == "2025-03-31" and data[0]["timeliness"] == "overdue"
    rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert len(rows) == 5 and rows[0]["bodies"] == "Sở Nội vụ" and rows[0]["status"] == "open"
    assert [r["id"] for r in rows] == [str(d["id"]) for d in data]


# ---------------------------------------------------------------- import (round trip)

def test_import_xlsx_round_trip(url, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from pipeline import export

    _sync(url, _rec([O_REPORT, O_REVIEW, O_TRAIN]))
    with track.open_session(url) as s:
        cl = export.build_checklist(s, doc="12/KH-UBND", today=TODAY)
    path = export.write(cl, "xlsx", tmp_path / "cl.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    hdr = [c.value for c in ws[4]]
    col_st, col_id = hdr.index("Trạng thái") + 1, hdr.index("Mã") + 1
    ids = [ws.cell(row=r, column=col_id).value for r in range(5, 11)]
    ws.cell(row=5, column=col_st, value="Hoàn thành")
    ws.cell(row=6, column=col_st, value="Đang thực hiện")
    ws.cell(row=7, column=col_st, value="cancelled")
    ws.cell(row=8, column=col_st, value="gần xong")  # unknown word
    ws.cell(row=9, column=col_id, value=9999)  # no such task
    ws.cell(row=10, column=col_id, value="abc")  # not a number
    ws.cell(row=11, column=col_id, value=ids[0])  # a second row for the same task
    ws.cell(row=11, column=col_st, value="Hủy")
    wb.save(path)
    with track.open_session(url) as s:
        rep = track.import_statuses(s, path, by="analyst")
    assert [(r, st) for r, _, _, st in rep.applied] == [(5, "done"), (6, "in_progress"), (7, "cancelled")]
    assert [r for r, _ in rep.rejected] == [8, 9, 10, 11]
    reasons = dict(rep.rejected)
    assert "unknown status" in reasons[8] and "no task 9999" in reasons[9] and "not a number" in reasons[10]
    assert "already given on row 5" in reasons[11]
    st = {t["id"]: t["status"] for t in _all(url)}
    assert (st[ids[0]], st[ids[1]], st[ids[2]]) == ("done", "in_progress", "cancelled")
    with track.open_session(url) as s:
        ev = track.history(s, ids[0])[-1]
        assert (ev.action, ev.by, ev.to_status) == ("import", "analyst", "done") and "cl.xlsx row 5" in ev.note
        # importing the same file again applies nothing new
        rep2 = track.import_statuses(s, path, by="analyst")
    assert rep2.applied == [] and rep2.unchanged == 3


def test_import_csv_and_dry_run(url, tmp_path):
    _sync(url, _rec([O_REVIEW]))
    tid = _all(url)[0]["id"]
    p = tmp_path / "t.csv"
    p.write_text(f"id,status\n{tid},Hoàn thành\n,done\n", encoding="utf-8")
    with track.open_session(url) as s:
        rep = track.import_statuses(s, p, dry_run=True)
    assert len(rep.applied) == 1 and rep.rejected == [(3, "no task id (Mã)")]
    assert _all(url)[0]["status"] == "open"
    with track.open_session(url) as s:
        track.import_statuses(s, p)
    assert _all(url)[0]["status"] == "done"


# ---------------------------------------------------------------- through the store

def _store(url, rec, source):
    with store.session_scope(url) as s:
        return store.store_record(s, rec, source=source).status


def test_store_versions_keep_tasks(url, tmp_path):
    src = str(tmp_path / "kh12.txt")
    assert _store(url, _rec([O_REPORT, O_REVIEW], source=src, sha="1" * 64), src) == "new"
    assert _store(url, _rec([O_REPORT, O_REVIEW], source=src, sha="1" * 64), src) == "unchanged"
    with track.open_session(url) as s:
        tid = track.query_tasks(s, doc=src, today=TODAY)[0].id
        track.set_status(s, tid, "done", by="lan", note="đã nộp báo cáo quý I")
    before = _all(url)
    assert _store(url, _rec([O_REPORT, O_REVIEW, O_TRAIN], source=src, sha="2" * 64), src) == "version"
    after = {t["id"]: t for t in _all(url)}
    assert len(after) == len(before) + 1
    assert after[tid]["status"] == "done"
    for t in before:
        assert after[t["id"]]["status"] == t["status"] and after[t["id"]]["fingerprint"] == t["fingerprint"]
    with track.open_session(url) as s:
        assert [e.action for e in track.history(s, tid)] == ["created", "done"]


def test_real_plan_through_the_cli(shared_dir, tmp_path, monkeypatch):
    """Acceptance: ingest a real Kế hoạch, list its tasks as JSON, write its xlsx checklist; ingest again: no change."""
    openpyxl = pytest.importorskip("openpyxl")
    from typer.testing import CliRunner

    from pipeline.cli import app

    files = sorted((shared_dir / "external-corpus").glob("kh-*.txt"))[-1:]
    if not files:
        pytest.skip("no Kế hoạch in the external corpus")
    url = f"sqlite:///{tmp_path / 'real.db'}"
    monkeypatch.setenv("VANBAN_DB", url)
    run = CliRunner().invoke
    try:
        r = run(app, ["ingest", str(files[0])])
        assert r.exit_code == 0, r.output
        r = run(app, ["tasks", "list", "--format", "json"])
        tasks = json.loads(r.output)
        from pipeline.extract import extract_path

        rec = extract_path(files[0])
        assert tasks and any(t["bodies"] for t in tasks)
        # every obligation is a task (a recurring one several); dated ones have their due dates
        assert {t["start"] for t in tasks} == {o.start for o in rec.obligations}
        dated = {o.start for o in rec.obligations if o.deadline or o.recurrence}
        assert dated <= {t["start"] for t in tasks if t["due"]} | {t["start"] for t in tasks if t["recurrence"]}
        assert all(t["document"]["source"] and t["start"] is not None for t in tasks)
        out = tmp_path / "f.xlsx"
        r = run(app, ["checklist", str(files[0]), "--format", "xlsx", "-o", str(out)])
        assert r.exit_code == 0, r.output
        rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
        assert list(rows[3])[:2] == ["STT", "Nội dung"]
        assert sorted(row[8] for row in rows[4:]) == sorted(t["id"] for t in tasks)
        n_events = _events(url)
        r = run(app, ["ingest", str(files[0])])
        assert r.exit_code == 0
        assert json.loads(run(app, ["tasks", "list", "--format", "json"]).output) == tasks
        assert _events(url) == n_events
        # syncing the stored record again (a re-ingest of the same version) changes nothing either
        with store.session_scope(url) as s:
            d = store.find_document(s, str(files[0]))
            assert not track.sync_tasks(s, d, d.current_version_id, rec).changed
    finally:
        store.dispose(url)


@pytest.mark.parametrize("kind, period, anchor, expected", [
    ("target", {"start": "2025-01-01", "end": "2025-12-31"}, None, [None]),  # a standing target: one task
    ("prohibition", None, None, [None]),
    ("report", {"start": "2021-01-01", "end": "2030-12-31"}, "2025-02-10",  # not before the document
     ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31", "2026-03-31"]),
])
def test_occurrences_by_kind_and_anchor(kind, period, anchor, expected):
    got = track.occurrences("quarterly", period, None, anchor, TODAY, 365, kind=kind)
    assert [d.isoformat() if d else None for d, _ in got] == expected
    assert all(label == "quarterly" for _, label in got)


def test_horizon_and_refresh(url, tmp_path, monkeypatch):
    src = str(tmp_path / "kh20.txt")
    rep = Obligation(text="Các sở, ngành báo cáo kết quả thực hiện định kỳ hằng quý về Sở Nội vụ.", start=0, end=70,
                     kind="report", actors=["Các sở, ngành"], recurrence="quarterly",
                     period={"start": "2025-01-01", "end": "2027-12-31"})
    monkeypatch.setenv(track.HORIZON_ENV, "30d")  # what ingest expands to
    with store.session_scope(url) as s:
        store.store_record(s, _rec([rep], source=src, sha="9" * 64, issued="2025-01-02"), source=src)
    with track.open_session(url) as s:
        n0 = len(track.query_tasks(s))
        # a longer horizon adds the later quarters of the period, keeps the rest
        r = track.refresh(s, today=TODAY, horizon_days=5000)
        assert len(track.query_tasks(s)) == 12 and r.created == 12 - n0 and r.vanished == 0
        assert max(t.due for t in track.query_tasks(s)) == date(2027, 12, 31)
        # a shorter one hides nothing: later open quarters are not "vanished"
        r = track.refresh(s, today=TODAY, horizon_days=30)
        assert r.vanished == 0 and r.created == 0
        assert not track.refresh(s, today=TODAY, horizon_days=5000).changed
    monkeypatch.setenv(track.HORIZON_ENV, "2y")
    assert track.default_horizon() == 730
    monkeypatch.setenv(track.HORIZON_ENV, "nonsense")
    assert track.default_horizon() == track.DEFAULT_HORIZON_DAYS


def test_import_json_export(url, tmp_path):
    _sync(url, _rec([O_REVIEW, O_TRAIN]))
    with track.open_session(url) as s:
        data = json.loads(track.tasks_json(track.query_tasks(s, raw=True, today=TODAY), TODAY))
    data[0]["status"] = "Hoàn thành"
    data[1]["status"] = "không rõ"
    p = tmp_path / "tasks.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with track.open_session(url) as s:
        rep = track.import_statuses(s, p, by="an")
    assert [(r, st) for r, _, _, st in rep.applied] == [(1, "done")]
    assert [r for r, _ in rep.rejected] == [2]
    with pytest.raises(track.TaskError):
        with track.open_session(url) as s:
            track.import_statuses(s, tmp_path / "notes.txt")


def test_old_text_back_beside_its_successor_is_a_new_task(url):
    """v1: text A; v2: A reworded to B (same task); v3: B and A again — A is a new task, B keeps the old one."""
    a = Obligation(text="Sở Tư pháp tổ chức tập huấn cho cán bộ làm công tác pháp chế ở cơ sở.", start=0, end=60,
                   actors=["Sở Tư pháp"])
    b = Obligation(text="Sở Tư pháp tổ chức tập huấn cho cán bộ làm công tác pháp chế ở cơ sở năm 2025.", start=0,
                   end=70, actors=["Sở Tư pháp"])
    _sync(url, _rec([a]), ver_id=1)
    (tid,) = [t["id"] for t in _all(url)]
    with track.open_session(url) as s:
        track.set_status(s, tid, "done", by="lan")
    assert _sync(url, _rec([b], sha="b" * 64), ver_id=2).updated == 1
    res = _sync(url, _rec([a, b], sha="c" * 64), ver_id=3)  # the old text first: still B carries the task on
    assert (res.created, res.unchanged) == (1, 1)
    ts = {t["text"]: t for t in _all(url)}
    assert ts[b.text]["id"] == tid and ts[b.text]["status"] == "done"
    assert ts[a.text]["id"] != tid and ts[a.text]["status"] == "open"
    assert not _sync(url, _rec([a, b], sha="c" * 64), ver_id=3).changed


def test_long_free_text_fields_store_on_every_database(url):
    """A deep section path and a long user name must not overflow a column (PostgreSQL enforces lengths)."""
    long_section = ".".join(["III", "2", "a"] * 40)
    ob = Obligation(text="Sở Y tế chủ trì kiểm tra các cơ sở khám bệnh.", start=0, end=46, actors=["Sở Y tế"],
                    section=long_section)
    _sync(url, _rec([ob]))
    t = _all(url)[0]
    assert t["section"] == long_section
    with track.open_session(url) as s:
        track.set_status(s, t["id"], "in_progress", by="người dùng " * 30, note="bắt đầu")
    assert _all(url)[0]["status"] == "in_progress"
