"""Ingest: files/folders/globs, failures per file, versions, order of ingest, a kill mid-batch."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from pipeline import store
from pipeline.cli import app
from pipeline.ingest import expand_paths, ingest_paths
from test_store import directive

REPO = Path(__file__).resolve().parents[1]

CITED = directive("05-NQ/TU", "2022-01-10", doc_type="NGHỊ QUYẾT", title="về phát triển nông nghiệp bền vững",
                  header="TỈNH ỦY NGHỆ AN")
CITING = directive("07-CT/TU", "2024-03-12", body=(
    "Thực hiện Nghị quyết số 05-NQ/TU ngày 10/01/2022 của Ban Chấp hành Đảng bộ tỉnh về phát triển nông "
    "nghiệp bền vững, Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy thực hiện tốt các nội dung sau:"))
QT_CITED = directive("05-NQ/TU", "2022-01-10", doc_type="NGHỊ QUYẾT", title="về phát triển du lịch",
                     header="TỈNH ỦY QUẢNG TRỊ", place="Đông Hà")
REPLACING = directive("09-CT/TU", "2024-06-01", title="về công tác bảo vệ rừng", extra=(
    "Chỉ thị này thay thế Chỉ thị số 03-CT/TU ngày 05/5/2018 của Ban Thường vụ Tỉnh ủy.\n"))
LATE = directive("11-CT/TU", "2024-09-01", title="về công tác phòng cháy rừng", body=(
    "Tiếp tục thực hiện Chỉ thị số 03-CT/TU ngày 05/5/2018 của Ban Thường vụ Tỉnh ủy về bảo vệ rừng, "
    "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy thực hiện tốt các nội dung sau:"))


def write(folder: Path, name: str, content, encoding="utf-8") -> Path:
    p = folder / name
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding=encoding)
    return p


@pytest.fixture
def url(db_url):
    yield db_url
    store.dispose(db_url)


def edges(url) -> set:
    with store.session_scope(url) as s:
        return {(r.document.identity.key, r.target.key, r.relation)
                for r in s.scalars(select(store.Reference).where(store.Reference.is_current.is_(True)))}


def test_expand_paths_files_folders_globs(tmp_path):
    a = write(tmp_path, "a.txt", "x")
    b = write(tmp_path, "sub/deeper/b.html", "x")
    write(tmp_path, "sub/notes.md", "x")
    write(tmp_path, "sub/.hidden/c.txt", "x")
    d = write(tmp_path, "d.DOCX", b"x")
    files, missing = expand_paths([tmp_path, str(tmp_path / "*.txt"), tmp_path / "nope.txt",
                                   str(tmp_path / "*.zzz")])
    assert files == [a, d, b]  # each once, folder order, .md and hidden folders left out
    assert [m.error for m in missing] == [f"{tmp_path / 'nope.txt'}: no such file or folder",
                                          f"{tmp_path / '*.zzz'}: no file matches"]


def test_ingest_batch_failures_versions(tmp_path, url):
    good1 = write(tmp_path, "docs/cited.txt", CITED)
    write(tmp_path, "docs/citing.txt", CITING)
    bad = write(tmp_path, "docs/broken.pdf", b"%PDF-1.4\n this is not really a pdf")
    empty = write(tmp_path, "docs/empty.txt", b"")
    rep = ingest_paths([tmp_path / "docs"], url)
    failed = sorted(r.path for r in rep.results if r.status == "failed")
    assert failed == sorted([str(bad), str(empty)])
    assert all(r.error and r.error.startswith(r.path) and "\n" not in r.error
               for r in rep.results if r.status == "failed")
    assert rep.summary() == "2 new, 0 unchanged, 0 new versions, 2 failed"
    assert edges(url) == {("sym:07-ct/tu@nghe-an#2024", "sym:05-nq/tu@nghe-an#2022", "implements")}

    rep = ingest_paths([tmp_path / "docs"], url)
    assert rep.summary() == "0 new, 2 unchanged, 0 new versions, 2 failed"

    good1.write_text(CITED.replace("về phát triển nông nghiệp bền vững", "về phát triển nông nghiệp xanh"),
                     encoding="utf-8")
    rep = ingest_paths([good1], url)
    assert rep.summary() == "0 new, 0 unchanged, 1 new versions, 0 failed"
    with store.session_scope(url) as s:
        d = store.find_document(s, str(good1))
        assert [v.is_current for v in d.versions] == [False, True]
        assert d.title == "về phát triển nông nghiệp xanh"
        assert "bền vững" in d.versions[0].text
        assert len(store.cited_by(s, d.identity)) == 1  # the citation still links to the new version's identity


@pytest.mark.parametrize("order", [("citing", "cited"), ("cited", "citing")])
def test_order_of_ingest_gives_the_same_graph(tmp_path, url, order):
    files = {"cited": write(tmp_path, "cited.txt", CITED), "citing": write(tmp_path, "citing.txt", CITING)}
    for name in order:
        assert ingest_paths([files[name]], url).failed == 0
    assert edges(url) == {("sym:07-ct/tu@nghe-an#2024", "sym:05-nq/tu@nghe-an#2022", "implements")}
    with store.session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(store.Identity)) == 2
        assert not store.find_identity(s, "05-NQ/TU").is_placeholder


def test_same_symbol_in_two_provinces(tmp_path, url):
    na = write(tmp_path, "na.txt", CITED)
    qt = write(tmp_path, "qt.txt", QT_CITED)
    write(tmp_path, "citing.txt", CITING)
    assert ingest_paths([tmp_path], url).summary() == "3 new, 0 unchanged, 0 new versions, 0 failed"
    with store.session_scope(url) as s:
        d_na, d_qt = store.find_document(s, str(na)), store.find_document(s, str(qt))
        assert d_na.id != d_qt.id and d_na.identity_id != d_qt.identity_id
        assert (d_na.locality, d_qt.locality) == ("nghe-an", "quang-tri")
        assert [e["from"]["symbol"] for e in store.cited_by(s, d_na.identity)] == ["07-CT/TU"]
        assert store.cited_by(s, d_qt.identity) == []


def test_cli_ingest_ls_show_cites(tmp_path, url):
    write(tmp_path, "in/a_replacing.txt", REPLACING)
    write(tmp_path, "in/b_late.txt", LATE)
    write(tmp_path, "in/citing.txt", CITING)
    bad = write(tmp_path, "in/bad.docx", b"PK\x03\x04 not a zip at all")
    r = CliRunner().invoke(app, ["ingest", str(tmp_path / "in"), "--db", url])
    lines = r.output.strip().splitlines()
    assert r.exit_code == 1
    assert lines[-1] == "3 new, 0 unchanged, 0 new versions, 1 failed"
    assert sum(1 for ln in lines if ln.startswith("error:")) == 1
    assert any(ln.startswith(f"error: {bad}") for ln in lines)
    assert any(ln.startswith("warning:") and "b_late.txt" in ln and "cites superseded document Chỉ thị 03-CT/TU" in ln
               for ln in lines)

    r = CliRunner().invoke(app, ["ingest", str(tmp_path / "in" / "*.txt"), "--db", url])
    assert r.exit_code == 0 and r.output.strip().splitlines()[-1] == "0 new, 3 unchanged, 0 new versions, 0 failed"

    r = CliRunner().invoke(app, ["ls", "--db", url, "--json"])
    import json

    rows = json.loads(r.output)
    assert sorted(x["symbol"] for x in rows) == ["07-CT/TU", "09-CT/TU", "11-CT/TU"]
    r = CliRunner().invoke(app, ["ls", "--db", url])
    assert r.exit_code == 0 and "09-CT/TU" in r.output

    r = CliRunner().invoke(app, ["show", "09-CT/TU", "--db", url, "--json"])
    info = json.loads(r.output)
    assert info["document"]["title"] == "về công tác bảo vệ rừng"
    assert [(x["symbol"], x["relation"]) for x in info["references"]] == [("03-CT/TU", "replaces")]
    assert len(info["obligations"]) >= 1
    r = CliRunner().invoke(app, ["show", str(tmp_path / "in" / "b_late.txt"), "--db", url])
    assert r.exit_code == 0 and "11-CT/TU" in r.output

    r = CliRunner().invoke(app, ["cited-by", "03-CT/TU", "--db", url, "--json"])
    got = json.loads(r.output)
    assert got["document"]["placeholder"] and got["document"]["superseded_by"]
    assert sorted((e["from"]["symbol"], e["relation"]) for e in got["edges"]) == [
        ("09-CT/TU", "replaces"), ("11-CT/TU", "implements")]
    late_edge = [e for e in got["edges"] if e["from"]["symbol"] == "11-CT/TU"][0]
    assert late_edge["sentence"].startswith("Tiếp tục thực hiện Chỉ thị số 03-CT/TU")
    r = CliRunner().invoke(app, ["cites", "07-CT/TU", "--db", url])
    assert r.exit_code == 0 and "05-NQ/TU" in r.output and "not ingested" in r.output
    r = CliRunner().invoke(app, ["show", "42-CT/TU", "--db", url])
    assert r.exit_code == 1 and "no document" in r.output


KILL_SCRIPT = textwrap.dedent("""
    import os, sys, time
    from pipeline import track
    from pipeline.ingest import ingest_paths
    real = track.sync_tasks
    n = [0]
    def slow(session, doc, ver, rec):
        real(session, doc, ver, rec)
        n[0] += 1
        if n[0] == 3:   # inside the 3rd document's transaction, everything written, not committed
            open(sys.argv[3], "w").close()
            time.sleep(60)
    track.sync_tasks = slow
    ingest_paths([sys.argv[1]], sys.argv[2])
""")


def _check_whole(url):
    """Every stored document is whole: a current version with all its references, obligations, bodies."""
    eng = create_engine(url)
    try:
        with eng.connect() as c:
            docs = c.execute(text("SELECT id, current_version_id FROM documents")).all()
            for doc_id, cur in docs:
                assert cur is not None
                nr, no, nb = c.execute(text("SELECT n_references, n_obligations, n_bodies FROM versions "
                                            "WHERE id = :v"), {"v": cur}).one()
                for table, n in (("doc_references", nr), ("obligations", no), ("bodies", nb)):
                    got = c.execute(text(f"SELECT count(*) FROM {table} WHERE version_id = :v"), {"v": cur}).scalar()
                    assert got == n, (table, doc_id)
            orphans = c.execute(text("SELECT count(*) FROM versions WHERE document_id NOT IN "
                                     "(SELECT id FROM documents)")).scalar()
            assert orphans == 0
            return len(docs)
    finally:
        eng.dispose()


def test_kill_inside_a_transaction_leaves_only_whole_documents(tmp_path, url):
    for i in range(5):
        write(tmp_path, f"batch/d{i}.txt", directive(f"{i + 20}-CT/TU", "2024-03-12", body=(
            f"Thực hiện Nghị quyết số 05-NQ/TU ngày 10/01/2022 của Ban Chấp hành Đảng bộ tỉnh, văn bản {i}.")))
    store.get_engine(url)  # tables exist before the child starts
    marker = tmp_path / "in_transaction"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    p = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(tmp_path / "batch"), url, str(marker)], env=env,
                         cwd=str(REPO))
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert p.poll() is None, "ingest ended before the kill"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(p.pid, signal.SIGKILL)
        p.wait(10)
    finally:
        if p.poll() is None:
            p.kill()
    store.dispose(url)
    assert _check_whole(url) == 2
    # the batch again: the two stored are unchanged, the rest come in whole
    rep = ingest_paths([tmp_path / "batch"], url)
    assert rep.summary() == "3 new, 2 unchanged, 0 new versions, 0 failed"
    assert _check_whole(url) == 5


def test_kill_the_cli_at_any_moment(tmp_path):
    """SIGKILL a real `vanban ingest` after its first document landed: only whole documents remain."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    for i in range(8):
        write(tmp_path, f"batch/d{i}.txt", directive(f"{i + 40}-CT/TU", "2024-05-02", body=(
            f"Thực hiện Chỉ thị số {i + 39}-CT/TU ngày 02/5/2024 của Ban Thường vụ Tỉnh ủy, văn bản {i}.")))
    store.get_engine(url)
    p = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "ingest", str(tmp_path / "batch"), "--db", url],
                         cwd=str(REPO), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    eng = create_engine(url)
    try:
        deadline = time.monotonic() + 120
        while True:
            with eng.connect() as c:
                if c.execute(text("SELECT count(*) FROM documents")).scalar():
                    break
            assert p.poll() is None and time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(p.pid, signal.SIGKILL)
        p.wait(10)
    finally:
        eng.dispose()
        if p.poll() is None:
            p.kill()
    n = _check_whole(url)
    assert 1 <= n <= 8


def test_real_documents(shared_dir, tmp_path):
    corpus = shared_dir / "external-corpus"
    names = ["nq-57-tw-2024.txt", "nq-03-cp-2025.txt", "kl-07-vptw-2025.txt"]
    if not all((corpus / n).is_file() for n in names):
        pytest.skip("external corpus files absent")
    url = f"sqlite:///{tmp_path / 'real.db'}"
    rep = ingest_paths([corpus / n for n in names], url)
    assert rep.summary() == "3 new, 0 unchanged, 0 new versions, 0 failed"
    with store.session_scope(url) as s:
        nq57 = store.find_document(s, "57-NQ/TW")
        assert nq57 is not None and nq57.doc_type == "Nghị quyết"
        citing = {e["from"]["symbol"] for e in store.cited_by(s, nq57.identity)}
        assert {"03/NQ-CP", "07-KL/VPTW"} & citing
    store.dispose(url)


def test_two_ingests_at_once(tmp_path, url):
    """Two `vanban ingest` of one folder at the same time: each document stored once, no failure."""
    for i in range(4):
        write(tmp_path, f"both/d{i}.txt", directive(f"{i + 60}-CT/TU", "2024-07-01", body=(
            "Thực hiện Nghị quyết số 05-NQ/TU ngày 10/01/2022 của Ban Chấp hành Đảng bộ tỉnh, các cấp ủy "
            f"triển khai nội dung {i}.")))
    store.get_engine(url)
    cmd = [sys.executable, "-m", "pipeline.cli", "ingest", str(tmp_path / "both"), "--db", url]
    procs = [subprocess.Popen(cmd, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    store.dispose(url)
    assert _check_whole(url) == 4
    with store.session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(store.Version)) == 4
        assert s.scalar(select(func.count()).select_from(store.Identity).where(
            store.Identity.symbol == "05-NQ/TU")) == 1


def test_jobs_give_the_same_database(tmp_path):
    """--jobs 2 extracts in two processes: same documents, same graph, same summary as one process."""
    write(tmp_path, "j/a_cited.txt", CITED)
    write(tmp_path, "j/b_citing.txt", CITING)
    write(tmp_path, "j/c_replacing.txt", REPLACING)
    write(tmp_path, "j/d_late.txt", LATE)
    write(tmp_path, "j/e_copy.txt", CITED)  # the same bytes as a_cited.txt
    write(tmp_path, "j/f_bad.docx", b"PK\x03\x04 broken")
    got = []
    for jobs in (1, 2):
        url = f"sqlite:///{tmp_path / f'j{jobs}.db'}"
        rep = ingest_paths([tmp_path / "j"], url, jobs=jobs)
        assert rep.summary() == "4 new, 1 unchanged, 0 new versions, 1 failed"
        assert [Path(r.path).name for r in rep.results] == ["a_cited.txt", "b_citing.txt", "c_replacing.txt",
                                                            "d_late.txt", "e_copy.txt", "f_bad.docx"]
        assert [len(r.warnings) for r in rep.results] == [0, 0, 0, 1, 0, 0]
        got.append(edges(url))
        store.dispose(url)
    assert got[0] == got[1] and len(got[0]) == 3


def test_one_directive_in_four_formats_is_one_document(tmp_path, url):
    """The same directive as .docx, .html, .pdf and .txt: one document, four versions (by identity)."""
    _render = pytest.importorskip("_render")
    text = _render.SAMPLE.replace("TỈNH BÌNH NGUYÊN", "TỈNH NGHỆ AN").replace("Bình Nguyên, ngày", "Vinh, ngày")
    write(tmp_path, "f/x.txt", text)
    _render.to_docx(text, tmp_path / "f" / "x.docx")
    write(tmp_path, "f/x.html", _render.to_html(text))
    try:
        _render.to_pdf(text, tmp_path / "f" / "x.pdf")
    except Exception:  # no font for fpdf2: three formats still make the point
        pass
    rep = ingest_paths([tmp_path / "f"], url)
    assert rep.failed == 0
    assert [r.status for r in rep.results] == ["new"] + ["version"] * (len(rep.results) - 1)
    with store.session_scope(url) as s:
        doc = s.scalars(select(store.Document)).one()
        assert doc.symbol == "27/CT-UBND" and doc.locality == "nghe-an"
        assert [v.format for v in doc.versions] == [Path(r.path).suffix[1:] for r in rep.results]
        assert [v.is_current for v in doc.versions] == [False] * (len(rep.results) - 1) + [True]
