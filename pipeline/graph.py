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
import math
from collections import Counter
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
    g.add_node(identity.id, **_node_attrs(store.identity_dict(identity), center=True), level=0)
    if direction in ("out", "both"):
        for e in store.cites(session, identity, depth):
            _add_edge(g, e)
            g.nodes[e["to"]["id"]].setdefault("level", e["depth"])  # what it cites: to the right
    if direction in ("in", "both"):
        for e in store.cited_by(session, identity, depth):
            _add_edge(g, e)
            g.nodes[e["from"]["id"]].setdefault("level", -e["depth"])  # who cites it: to the left
    g.nodes[identity.id]["center"] = True
    return g


def _layered(g: nx.DiGraph) -> dict:
    """Columns by ``level`` (citing documents left, cited right), spread evenly in each column."""
    cols: dict[int, list] = {}
    for n, a in g.nodes(data=True):
        cols.setdefault(int(a.get("level", 0)), []).append(n)
    pos = {}
    for lev, nodes in cols.items():
        nodes.sort(key=lambda n: (g.nodes[n].get("date") or "", g.nodes[n].get("label") or ""))
        k = len(nodes)
        for i, n in enumerate(nodes):
            pos[n] = (float(lev), (k - 1) / 2.0 - i)
    return pos


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
    from matplotlib.patches import FancyArrowPatch

    n = max(1, g.number_of_nodes())
    layered = n > 0 and all("level" in a for _, a in g.nodes(data=True))
    if layered:
        pos = _layered(g)
        n_cols = len({int(x) for x, _ in pos.values()})
        tallest = max(Counter(int(x) for x, _ in pos.values()).values())
        fig, ax = plt.subplots(figsize=(min(40.0, 3.2 + 3.4 * n_cols), min(60.0, 1.5 + 0.62 * tallest)))
    else:
        size = min(30.0, 6.0 + 1.2 * n ** 0.5 * 2)
        fig, ax = plt.subplots(figsize=(size, size * 0.75))
        pos = ({k: (0.0, 0.0) for k in g} if n == 1 else nx.circular_layout(g) if n == 2
               else nx.spring_layout(g, seed=7, k=2.0 / n ** 0.5))
    try:
        boxes = {}
        for k, a in g.nodes(data=True):
            fc = "#ffd54f" if a.get("center") else ("#eeeeee" if a.get("placeholder") else "#bbdefb")
            t = ax.text(pos[k][0], pos[k][1], _wrap(a.get("label", ""), 24), ha="center", va="center",
                        fontsize=7, color="#777777" if a.get("superseded") else "black", zorder=3,
                        bbox=dict(boxstyle="round,pad=0.35", fc=fc, ec="#555555",
                                  ls="--" if a.get("placeholder") else "-"))
            boxes[k] = t
        xs = [x for x, _ in pos.values()] or [0.0]
        ys = [y for _, y in pos.values()] or [0.0]
        ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
        ax.set_ylim(min(ys) - 0.7, max(ys) + 0.7)
        fig.set_dpi(110)
        fig.canvas.draw()  # place the label boxes: each arrow stops at its boxes' edges
        renderer = fig.canvas.get_renderer()
        ext = {k: t.get_bbox_patch().get_window_extent(renderer) for k, t in boxes.items()}

        def margin(k, dx: float, dy: float) -> float:
            """Points from the centre of k's box to its edge in direction (dx, dy) (display units)."""
            w, h = ext[k].width / 2, ext[k].height / 2
            if not dx and not dy:
                return 0.0
            t = min(w / abs(dx) if dx else float("inf"), h / abs(dy) if dy else float("inf"))
            return t * math.hypot(dx, dy) * 72.0 / fig.dpi

        for a, b, e in g.edges(data=True):
            (xa, ya), (xb, yb) = ax.transData.transform(pos[a]), ax.transData.transform(pos[b])
            dx, dy = xb - xa, yb - ya
            same_column = layered and abs(dx) < 1e-6
            # an edge inside a column bows out to the left so it does not run behind the boxes between
            rad = -0.5 if same_column else 0.0
            ax.add_patch(FancyArrowPatch(pos[a], pos[b], arrowstyle="-|>", mutation_scale=11, color="#777777",
                                         lw=0.8, zorder=2, shrinkA=margin(a, dx, dy) + 1,
                                         shrinkB=margin(b, dx, dy) + 2, connectionstyle=f"arc3,rad={rad}"))
            rel = e.get("relation", "cites")
            if rel != "cites" or e.get("count", 1) > 1:
                lab = (rel if rel != "cites" else "") + (f" ×{e['count']}" if e.get("count", 1) > 1 else "")
                # the middle of the (quadratic) arc, in display units, back to data units
                mx, my = ax.transData.inverted().transform(((xa + xb) / 2 + rad * dy / 2, (ya + yb) / 2 - rad * dx / 2))
                ax.text(mx, my, lab.strip(), fontsize=6,
                        ha="center", va="center", color="#444444", zorder=2.5,
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
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
