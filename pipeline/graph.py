"""The citation graph (networkx): a document's neighbourhood or the whole corpus, exported or drawn.

Nodes are identities (``Identity.id``), with attributes ``label``, ``key``,
``doc_type``, ``symbol``, ``date``, ``placeholder`` (cited, not ingested),
``superseded`` and ``center``; an edge ``a → b`` means a's document cites b,
with ``relation`` (the strongest of its mentions), ``count`` and ``text``.

``neighbourhood(session, identity, depth=1)`` and ``corpus_graph(session)``
build the graph; ``export(graph, fmt)`` gives graphml / gexf / json / dot
text, or png / svg bytes (matplotlib, no Graphviz needed).
"""
from __future__ import annotations

import io
import json
import textwrap
from typing import Optional

import networkx as nx
from sqlalchemy import select

from pipeline import store

TEXT_FORMATS = ("graphml", "gexf", "json", "dot")
PICTURE_FORMATS = ("png", "svg")
FORMATS = TEXT_FORMATS + PICTURE_FORMATS
# the relation an edge shows when one document mentions another several ways
_RANK = {"replaces": 0, "repeals": 1, "amends": 2, "implements": 3, "based_on": 4, "cites": 5}


def _node_attrs(d: dict, center: bool = False) -> dict:
    return {"label": d.get("label") or d.get("key") or "", "key": d.get("key") or "",
            "doc_type": d.get("doc_type") or "", "symbol": d.get("symbol") or "", "date": d.get("date") or "",
            "document_id": d.get("document_id") or 0, "placeholder": bool(d.get("placeholder")),
            "superseded": bool(d.get("superseded_by")), "center": center}


def _add_edge(g: nx.DiGraph, e: dict) -> None:
    a, b = e["from"]["id"], e["to"]["id"]
    for n, d in ((a, e["from"]), (b, e["to"])):
        if n not in g:
            g.add_node(n, **_node_attrs(d))
    if a == b:
        return
    if g.has_edge(a, b):
        ed = g.edges[a, b]
        ed["count"] += 1
        if _RANK.get(e["relation"], 9) < _RANK.get(ed["relation"], 9):
            ed["relation"] = e["relation"]
    else:
        g.add_edge(a, b, relation=e["relation"], count=1, text=e["text"] or "")


def neighbourhood(session, identity: store.Identity, depth: int = 1, direction: str = "both") -> nx.DiGraph:
    """Documents within ``depth`` citation steps of ``identity`` (``direction``: "out", "in" or "both")."""
    g = nx.DiGraph()
    g.add_node(identity.id, **_node_attrs(store.identity_dict(identity), center=True))
    if direction in ("out", "both"):
        for e in store.cites(session, identity, depth):
            _add_edge(g, e)
    if direction in ("in", "both"):
        for e in store.cited_by(session, identity, depth):
            _add_edge(g, e)
    g.nodes[identity.id]["center"] = True
    return g


def corpus_graph(session) -> nx.DiGraph:
    """Every identity that takes part in a citation of a current version, and every ingested document."""
    g = nx.DiGraph()
    idents = {i.id: i for i in session.scalars(select(store.Identity))}
    all_docs = list(session.scalars(select(store.Document)))
    docs = {d.identity_id: d for d in all_docs}
    ident_of_doc = {d.id: d.identity_id for d in all_docs}
    for iid, d in docs.items():
        if iid in idents:
            g.add_node(iid, **_node_attrs(store.identity_dict(idents[iid], d)))
    for r in session.scalars(select(store.Reference).where(store.Reference.is_current.is_(True))):
        a = ident_of_doc.get(r.document_id)
        if a not in g:
            continue
        if r.target_id not in g:
            g.add_node(r.target_id, **_node_attrs(store.identity_dict(idents[r.target_id], docs.get(r.target_id))))
        _add_edge(g, {"from": {"id": a}, "to": {"id": r.target_id}, "relation": r.relation, "text": r.text})
    return g


def _dot_quote(s) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(g: nx.DiGraph) -> str:
    """Graphviz DOT text of ``g`` (no pydot needed)."""
    lines = ["digraph citations {", "  rankdir=LR;", '  node [shape=box, style="rounded,filled", fontname="DejaVu Sans"];']
    for n, a in g.nodes(data=True):
        fill = "#ffd54f" if a.get("center") else ("#eeeeee" if a.get("placeholder") else "#bbdefb")
        style = '"rounded,filled,dashed"' if a.get("placeholder") else '"rounded,filled"'
        extra = ", fontcolor=\"#888888\"" if a.get("superseded") else ""
        lines.append(f"  n{n} [label={_dot_quote(_wrap(a.get('label', ''), 28))}, fillcolor=\"{fill}\", "
                     f"style={style}{extra}];")
    for a, b, e in g.edges(data=True):
        lab = e.get("relation", "cites") + (f" ×{e['count']}" if e.get("count", 1) > 1 else "")
        lines.append(f"  n{a} -> n{b} [label={_dot_quote(lab)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _wrap(s: str, width: int) -> str:
    return "\n".join(textwrap.wrap(s, width)[:4]) or s


def draw(g: nx.DiGraph, fmt: str = "png") -> bytes:
    """A picture of ``g`` (png or svg bytes) drawn with matplotlib."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = max(1, g.number_of_nodes())
    size = min(30.0, 6.0 + 1.2 * n ** 0.5 * 2)
    fig, ax = plt.subplots(figsize=(size, size * 0.75))
    try:
        if n <= 2:
            pos = nx.circular_layout(g) if n == 2 else {k: (0.0, 0.0) for k in g}
        else:
            pos = nx.spring_layout(g, seed=7, k=2.0 / n ** 0.5)
        colors = ["#ffd54f" if a.get("center") else ("#e0e0e0" if a.get("placeholder") else "#90caf9")
                  for _, a in g.nodes(data=True)]
        nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colors, node_size=900, edgecolors="#555555")
        nx.draw_networkx_edges(g, pos, ax=ax, arrows=True, arrowsize=14, node_size=900, edge_color="#777777")
        labels = {k: _wrap(a.get("label", ""), 22) for k, a in g.nodes(data=True)}
        nx.draw_networkx_labels(g, pos, labels=labels, ax=ax, font_size=7)
        elabels = {(a, b): e.get("relation", "") for a, b, e in g.edges(data=True) if e.get("relation") != "cites"}
        if elabels:
            nx.draw_networkx_edge_labels(g, pos, edge_labels=elabels, ax=ax, font_size=6)
        ax.set_axis_off()
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, bbox_inches="tight", dpi=110)
        return buf.getvalue()
    finally:
        plt.close(fig)


def export(g: nx.DiGraph, fmt: str) -> str | bytes:
    """``g`` as graphml / gexf / json / dot text, or png / svg bytes."""
    fmt = fmt.lower()
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(g)) + "\n"
    if fmt == "gexf":
        return "\n".join(nx.generate_gexf(g)) + "\n"
    if fmt == "json":
        data = nx.node_link_data(g, edges="links") if _has_edges_kw() else nx.node_link_data(g)
        return json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    if fmt == "dot":
        return to_dot(g)
    if fmt in PICTURE_FORMATS:
        return draw(g, fmt)
    raise ValueError(f"unknown graph format {fmt!r} (one of {', '.join(FORMATS)})")


def _has_edges_kw() -> bool:
    import inspect

    try:
        return "edges" in inspect.signature(nx.node_link_data).parameters
    except (TypeError, ValueError):  # pragma: no cover
        return False


def write(g: nx.DiGraph, fmt: str, path: Optional[str] = None) -> str | bytes:
    """Export ``g`` and write it to ``path`` when given; returns what was written."""
    data = export(g, fmt)
    if path:
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as f:
            f.write(data)
    return data
