"""Dask engine: extraction on a cluster (a LocalCluster of two workers here), storage on the client.

The database the Dask path builds must be the one the local path builds: same
versions, same record JSON, same references, obligations, bodies, tasks.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

pytest.importorskip("distributed")

from distributed import Client, LocalCluster  # noqa: E402

from pipeline import store  # noqa: E402
from pipeline.cli import app  # noqa: E402
from pipeline.distributed import ingest_paths_dask, record_from_dict, record_to_dict  # noqa: E402
from pipeline.extract import extract_path  # noqa: E402
from pipeline.ingest import ingest_paths  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "corpus" / "samples"


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as c:
        yield c


@pytest.fixture
def url(db_url):
    yield db_url
    store.dispose(db_url)


def dump(url) -> dict:
    """Everything stored, keyed by source path (no row ids)."""
    from pipeline import track

    out = {}
    with store.session_scope(url) as s:
        for v in s.scalars(select(store.Version).order_by(store.Version.source)):
            n_tasks = s.scalar(select(func.count()).select_from(track.Task).where(
                track.Task.document_id == v.document_id))
            out[v.source] = {
                "identity": v.document.identity.key, "seq": v.seq, "current": v.is_current, "format": v.format,
                "encoding": v.encoding, "sha256": v.sha256, "text": v.text, "record": v.record, "tasks": n_tasks,
                "references": [(r.target.key, r.relation, r.start, r.end, r.sentence) for r in v.references],
                "obligations": [(o.start, o.end, o.kind, o.actors, o.deadline, o.section) for o in v.obligations],
                "bodies": [(b.start, b.end, b.canonical) for b in v.bodies],
            }
        out["#identities"] = sorted(s.scalars(select(store.Identity.key)))
    return out


def sample_files(tmp_path: Path) -> list[Path]:
    """A few sample directives in several formats, a second copy of one, and a broken file."""
    if not SAMPLES.is_dir():
        pytest.skip("corpus/samples is absent")
    names = ["ct-07-ubnd-quang-ninh-2026.txt", "kh-87-ubnd-thanh-hoa-2026.txt", "tin-ct-12-tu-thanh-hoa-2025.txt",
             "ct-12-tu-thanh-hoa-2025.txt", "formats/cd-15-ubnd-quang-ninh-2026.docx",
             "formats/hd-05-duk-quang-ninh-2025.html", "formats/nq-08-duk-quang-ninh-2025.tcvn3.txt"]
    d = tmp_path / "in"
    d.mkdir()
    out = []
    for i, n in enumerate(names):
        src = SAMPLES / n
        if not src.is_file():
            pytest.skip(f"{src} is absent")
        dst = d / f"{i:02d}-{src.name}"
        shutil.copy(src, dst)
        out.append(dst)
    shutil.copy(out[0], d / "90-copy.txt")  # the same bytes again: unchanged
    (d / "91-bad.docx").write_bytes(b"PK\x03\x04 not a zip")
    return sorted(d.iterdir())


def test_record_dict_round_trip():
    f = SAMPLES / "ct-07-ubnd-quang-ninh-2026.txt"
    if not f.is_file():
        pytest.skip("corpus/samples is absent")
    rec = extract_path(f)
    d = record_to_dict(rec)
    assert isinstance(d["document"], dict) and isinstance(d["references"][0], dict)
    back = record_from_dict(d)
    assert back == rec
    assert back.to_dict() == rec.to_dict()


@pytest.mark.parametrize("send,ordered", [("bytes", True), ("paths", False)])
def test_dask_gives_the_same_database_as_local(tmp_path, url, client, send, ordered):
    files = sample_files(tmp_path)
    local_url = f"sqlite:///{tmp_path / 'local.db'}"
    rep_local = ingest_paths(files, local_url)
    got = []
    rep = ingest_paths_dask(files, url, client=client, send=send, ordered=ordered, window=3,
                            on_result=got.append)
    assert rep.summary() == rep_local.summary() == "7 new, 1 unchanged, 0 new versions, 1 failed"
    assert got == rep.results
    by_path = {r.path: r for r in rep.results}
    for r in rep_local.results:
        d = by_path[r.path]
        assert (d.status, d.symbol, d.warnings) == (r.status, r.symbol, r.warnings)
        if r.status == "failed":
            assert d.error == r.error and "91-bad.docx" in d.error
    if ordered:
        assert [r.path for r in rep.results] == [r.path for r in rep_local.results]
    assert dump(url) == dump(local_url)
    store.dispose(local_url)
    # again: every file is already stored, nothing is extracted
    again = ingest_paths_dask(files, url, client=client)
    assert again.summary() == "0 new, 8 unchanged, 0 new versions, 1 failed"


def test_cli_engine_dask(tmp_path, client):
    files = sample_files(tmp_path)[:2]
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    res = runner.invoke(app, ["ingest", *map(str, files), "--db", db, "--engine", "dask",
                              "--scheduler", client.scheduler.address])
    assert res.exit_code == 0, res.output
    assert "2 new, 0 unchanged, 0 new versions, 0 failed" in res.output
    with store.session_scope(db) as s:
        assert s.scalar(select(func.count()).select_from(store.Document)) == 2
    store.dispose(db)
    res = runner.invoke(app, ["ingest", str(files[0]), "--db", db, "--scheduler", client.scheduler.address])
    assert res.exit_code == 2 and "--scheduler needs --engine dask" in res.output


def test_external_corpus_same_records(shared_dir, tmp_path, client):
    """A dozen real documents: the Dask path stores what the local path stores."""
    corpus = shared_dir / "external-corpus"
    files = sorted(corpus.glob("*.txt"))[::4]
    if not files:
        pytest.skip("no external corpus")
    a, b = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    ra = ingest_paths(files, a)
    rb = ingest_paths_dask(files, b, client=client)
    assert ra.summary() == rb.summary() and ra.failed == 0
    assert dump(a) == dump(b)
    store.dispose(a)
    store.dispose(b)
