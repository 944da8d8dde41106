"""Citation graph: neighbourhoods, the whole corpus, every export format, the `graph` command."""
from __future__ import annotations

import json

import networkx as nx
import pytest
from typer.testing import CliRunner

from pipeline import graph as G
from pipeline import store
from pipeline.cli import app
from test_store import make_record


@pytest.fixture
def url(tmp_path):
    """A small corpus: 01-NQ ← 02-CT ← 03-KH (which also replaces 00-CT), and a stray 04-TB."""
    u = f"sqlite:///{tmp_path / 'g.db'}"
    recs = [
        make_record("01-NQ/TU", "2021-01-05", source="/g/a.txt", doc_type="Nghị quyết"),
        make_record("02-CT/TU", "2022-01-05", [("Nghị quyết", "01-NQ/TU", "2021-01-05", "implements"),
                                               ("Nghị quyết", "01-NQ/TU", "2021-01-05", "cites")], source="/g/b.txt"),
        make_record("03-KH/TU", "2023-01-05", [("Chỉ thị", "02-CT/TU", "2022-01-05", "implements"),
                                               ("Chỉ thị", "00-CT/TU", "2015-03-01", "replaces")],
                    source="/g/c.txt", doc_type="Kế hoạch"),
        make_record("04-TB/TU", "2023-02-05", source="/g/d.txt", doc_type="Thông báo"),
    ]
    with store.session_scope(u) as s:
        for r in recs:
            store.store_record(s, r)
    yield u
    store.dispose(u)


def symbols(g) -> set:
    return {a["symbol"] for _, a in g.nodes(data=True)}


def test_neighbourhood_depths_and_attributes(url):
    with store.session_scope(url) as s:
        b = store.find_identity(s, "02-CT/TU")
        g1 = G.neighbourhood(s, b, 1)
        assert symbols(g1) == {"01-NQ/TU", "02-CT/TU", "03-KH/TU"}
        a = store.find_identity(s, "01-NQ/TU")
        assert symbols(G.neighbourhood(s, a, 1)) == {"01-NQ/TU", "02-CT/TU"}
        g2 = G.neighbourhood(s, a, 2)
        assert symbols(g2) == {"01-NQ/TU", "02-CT/TU", "03-KH/TU"}
        assert symbols(G.neighbourhood(s, a, 2, direction="out")) == {"01-NQ/TU"}
        ids = {d["symbol"]: n for n, d in g1.nodes(data=True)}
        e = g1.edges[ids["02-CT/TU"], ids["01-NQ/TU"]]
        assert e["count"] == 2 and e["relation"] == "implements"  # the strongest of two mentions
        assert g1.nodes[ids["02-CT/TU"]]["center"] and not g1.nodes[ids["01-NQ/TU"]]["center"]
        c = store.find_identity(s, "03-KH/TU")
        g3 = G.neighbourhood(s, c, 1)
        old = [d for _, d in g3.nodes(data=True) if d["symbol"] == "00-CT/TU"][0]
        assert old["placeholder"] and old["superseded"]


def test_corpus_graph(url):
    with store.session_scope(url) as s:
        g = G.corpus_graph(s)
    assert symbols(g) == {"00-CT/TU", "01-NQ/TU", "02-CT/TU", "03-KH/TU", "04-TB/TU"}
    assert g.number_of_edges() == 3


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "dot"])
def test_text_formats_read_back(url, tmp_path, fmt):
    with store.session_scope(url) as s:
        g = G.neighbourhood(s, store.find_identity(s, "02-CT/TU"), 1)
    out = tmp_path / f"g.{fmt}"
    data = G.write(g, fmt, str(out))
    assert out.read_text(encoding="utf-8") == data
    if fmt == "graphml":
        back = nx.read_graphml(out)
    elif fmt == "gexf":
        back = nx.read_gexf(out)
    elif fmt == "json":
        back = nx.node_link_graph(json.loads(data), edges="links") if G._has_edges_kw() else \
            nx.node_link_graph(json.loads(data))
    else:
        assert data.startswith("digraph citations {") and data.count(" -> ") == 2
        assert '"Chỉ thị 02-CT/TU"' in data and 'label="implements ×2"' in data
        return
    assert back.number_of_nodes() == 3 and back.number_of_edges() == 2
    assert sorted(d["label"] for _, d in back.nodes(data=True)) == [
        "Chỉ thị 02-CT/TU", "Kế hoạch 03-KH/TU", "Nghị quyết 01-NQ/TU"]


@pytest.mark.parametrize("fmt,magic", [("png", b"\x89PNG"), ("svg", b"<svg")])
def test_pictures(url, fmt, magic):
    with store.session_scope(url) as s:
        g = G.neighbourhood(s, store.find_identity(s, "03-KH/TU"), 2)
    data = G.export(g, fmt)
    assert isinstance(data, bytes) and magic in data[:400]


def test_single_node_picture_and_bad_format(url):
    with store.session_scope(url) as s:
        g = G.neighbourhood(s, store.find_identity(s, "04-TB/TU"), 1)
    assert g.number_of_nodes() == 1
    assert G.export(g, "png").startswith(b"\x89PNG")
    with pytest.raises(ValueError):
        G.export(g, "bmp")


def test_graph_command(url, tmp_path):
    r = CliRunner().invoke(app, ["graph", "02-CT/TU", "--format", "json", "--db", url])
    assert r.exit_code == 0
    assert len(json.loads(r.output)["nodes"]) == 3
    out = tmp_path / "n.svg"
    r = CliRunner().invoke(app, ["graph", "01-NQ/TU", "--depth", "2", "--format", "svg", "-o", str(out), "--db", url])
    assert r.exit_code == 0 and out.read_bytes().lstrip().startswith(b"<?xml")
    assert "3 documents, 2 citations" in r.output
    r = CliRunner().invoke(app, ["graph", "--format", "graphml", "--db", url])
    assert r.exit_code == 0 and r.output.count("<node ") == 5
    r = CliRunner().invoke(app, ["graph", "02-CT/TU", "--format", "bmp", "--db", url])
    assert r.exit_code == 2
    r = CliRunner().invoke(app, ["graph", "77-CT/TU", "--db", url])
    assert r.exit_code == 1 and "no document" in r.output


def test_database_that_cannot_be_opened_is_one_line(tmp_path):
    for cmd in (["ls"], ["show", "1"], ["cited-by", "1"], ["graph", "1"], ["ingest", str(tmp_path)]):
        r = CliRunner().invoke(app, cmd + ["--db", "nosuchdialect://u:secret@h/db"])
        assert r.exit_code == 1, cmd
        assert r.output.startswith("error: database ") and "secret" not in r.output and len(r.output.splitlines()) == 1


def test_show_a_cited_document_not_ingested(url):
    r = CliRunner().invoke(app, ["show", "00-CT/TU", "--db", url, "--json"])
    assert r.exit_code == 0
    d = json.loads(r.output)
    assert d["placeholder"] and d["cited_by"] == 1 and d["superseded"]["by"]["symbol"] == "03-KH/TU"
    r = CliRunner().invoke(app, ["show", "00-CT/TU", "--db", url])
    assert r.exit_code == 0 and "not ingested" in r.output and "Superseded" in r.output
