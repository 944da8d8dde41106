"""The `vanban` command end to end: extract (JSON shape, batches, bad files, warnings), eval."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()

HEAD = """ỦY BAN NHÂN DÂN
TỈNH HÀ GIANG
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: {sym}

Hà Giang, ngày {d} tháng 3 năm 2026

QUYẾT ĐỊNH
{title}

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH

{body}

CHỦ TỊCH
Vũ Văn Long
"""

OLD = HEAD.format(sym="10/QĐ-UBND", d="02", title="Về việc ban hành Quy chế tiếp công dân",
                  body="Điều 1. Ban hành kèm theo Quyết định này Quy chế tiếp công dân.")
NEW = HEAD.format(sym="25/QĐ-UBND", d="20", title="Về việc ban hành Quy chế tiếp công dân mới",
                  body="Điều 1. Ban hành kèm theo Quyết định này Quy chế tiếp công dân.\n\n"
                       "Điều 2. Quyết định này thay thế Quyết định số 10/QĐ-UBND ngày 02/3/2026 của Chủ tịch "
                       "Ủy ban nhân dân tỉnh.")
CITING = HEAD.format(sym="30/QĐ-UBND", d="25", title="Về việc thành lập Tổ tiếp công dân",
                     body="Căn cứ Quyết định số 10/QĐ-UBND ngày 02/3/2026 của Chủ tịch Ủy ban nhân dân tỉnh;\n\n"
                          "Điều 1. Thành lập Tổ tiếp công dân.")


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_extract_json_one_object_with_the_records_shape(tmp_path):
    p = _write(tmp_path, "old.txt", OLD)
    r = runner.invoke(app, ["extract", str(p), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for key in ("source", "sha256", "text", "document", "references", "obligations", "bodies"):
        assert key in d
    for key in ("doc_type", "symbol", "number", "issued_date", "issuer", "place", "title", "signer", "recipients"):
        assert key in d["document"]
    assert d["document"]["symbol"] == "10/QĐ-UBND" and d["document"]["issued_date"] == "2026-03-02"
    assert d["source"] == str(p)


def test_extract_several_files_one_line_each_and_bad_file_named(tmp_path):
    a = _write(tmp_path, "a.txt", OLD)
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    b = _write(tmp_path, "b.txt", NEW)
    r = runner.invoke(app, ["extract", str(a), str(bad), str(b), "--json"])
    assert r.exit_code == 1  # some failed
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
    assert [x["document"]["symbol"] for x in lines] == ["10/QĐ-UBND", "25/QĐ-UBND"]  # order kept, batch went on
    errors = [x for x in r.stderr.splitlines() if x.startswith("error:")]
    assert len(errors) == 1 and str(bad) in errors[0]


def test_extract_warns_when_citing_a_superseded_document(tmp_path):
    db = f"sqlite:///{tmp_path / 'v.db'}"
    old, new = _write(tmp_path, "old.txt", OLD), _write(tmp_path, "new.txt", NEW)
    r = runner.invoke(app, ["ingest", str(old), str(new), "--db", db])
    assert r.exit_code == 0, r.output
    citing = _write(tmp_path, "citing.txt", CITING)
    r = runner.invoke(app, ["extract", str(citing), "--json", "--db", db])
    assert r.exit_code == 0
    assert any("superseded" in line and "10/QĐ-UBND" in line for line in r.stderr.splitlines()), r.stderr
    # without a database there is nothing to warn about
    r = runner.invoke(app, ["extract", str(citing), "--json", "--db", f"sqlite:///{tmp_path / 'none.db'}"])
    assert "superseded" not in r.stderr


def test_extract_summary_without_json(tmp_path):
    p = _write(tmp_path, "old.txt", OLD)
    r = runner.invoke(app, ["extract", str(p)])
    assert r.exit_code == 0 and "10/QĐ-UBND" in r.stdout and "Quyết định" in r.stdout


def test_a_database_that_cannot_be_opened_is_one_line_for_every_command(tmp_path):
    import sqlite3

    from pipeline import store

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store.get_engine(url)
    store.dispose(url)
    with sqlite3.connect(tmp_path / "old.db") as c:  # as if an older vanban had made it without this column
        c.execute("ALTER TABLE obligations DROP COLUMN kind")
    for args in (["ls"], ["tasks", "list"], ["checklist", "--body", "Sở Nội vụ"]):
        r = runner.invoke(app, args + ["--db", url])
        assert r.exit_code == 1, args
        lines = [ln for ln in r.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and "lacks the required column kind" in lines[0] and "Traceback" not in r.output
        store.dispose(url)
