"""Score extraction against gold records in the RECORDS.md shape.

Gold layout (``GOLD_DIR``): ``<stem>.gold.json`` holds ``document`` and
``obligations``; ``refs/<stem>.json`` holds ``references``; the text
``<stem>.txt`` is looked up in the ``--texts`` folders.

Gold offsets index the file as it is on disk while ours index the clean text,
so records are matched by **content** (normalised text similarity), with the
order of appearance only breaking ties between equally good candidates.

Figures:

- document: accuracy per field over documents (null = null counts as right;
  a field filled where the gold says null is wrong and is also counted in
  ``false_fills``); recipients: P/R/F1 over names.
- references: mention P/R/F1; distinct cited symbols per document P/R/F1
  (micro over documents); over matched mentions, accuracy of symbol, date,
  doc_type, issuer, relation; recall of number-less references.
- obligations: P/R/F1; over matched obligations, accuracy of actors (as a
  set), kind, recurrence, partners, period, report_to, and deadline P/R/F1.
"""
from __future__ import annotations

import json
import re
import unicodedata
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterable, Optional

# Old and new tone placement spell the same syllable two ways ("uỷ"/"ủy").
_TONE_SWAPS = {
    "uỷ": "ủy", "uý": "úy", "uỳ": "ùy", "uỹ": "ũy", "uỵ": "ụy",
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
}
_TONE_RE = re.compile("|".join(_TONE_SWAPS))
_WS = re.compile(r"\s+")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—−"})


def norm(s: Optional[str]) -> Optional[str]:
    """Comparison form: NFC, case-folded, unified tone placement, dashes and spaces folded."""
    if s is None:
        return None
    s = unicodedata.normalize("NFC", str(s)).translate(_DASHES).lower()
    s = s.replace("\u00d0", "đ").replace("ð", "đ")
    s = _TONE_RE.sub(lambda m: _TONE_SWAPS[m.group(0)], s)
    s = _WS.sub(" ", s).strip(" \t\n.,;:")
    return s or None


def norm_symbol(s: Optional[str]) -> Optional[str]:
    if s is None:
        return None
    s = unicodedata.normalize("NFC", s).translate(_DASHES)
    return re.sub(r"\s+", "", s) or None


def _tokens(s: str) -> list[str]:
    return re.findall(r"\w+", norm(s) or "")


def _text_sim(a: str, b: str) -> float:
    """Similarity of two spans of text in [0, 1]: token overlap, generous to containment."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    if len(ta) > 400 or len(tb) > 400:  # long items: bag-of-words overlap is enough
        from collections import Counter

        ca, cb = Counter(ta), Counter(tb)
        inter = sum((ca & cb).values())
        return 2 * inter / (len(ta) + len(tb))
    sm = SequenceMatcher(None, ta, tb, autojunk=False)
    inter = sum(b.size for b in sm.get_matching_blocks())
    return 2 * inter / (len(ta) + len(tb))


def _match(gold: list[dict], pred: list[dict], score, threshold: float) -> list[tuple[int, int]]:
    """Greedy one-to-one matching: best score first, then nearest relative position."""
    ng, np_ = len(gold), len(pred)
    cands = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            s = score(g, p)
            if s >= threshold:
                pos = abs(i / max(ng, 1) - j / max(np_, 1))
                cands.append((-round(s, 3), pos, i, j))
    cands.sort()
    used_g, used_p, pairs = set(), set(), []
    for _, _, i, j in cands:
        if i in used_g or j in used_p:
            continue
        used_g.add(i)
        used_p.add(j)
        pairs.append((i, j))
    return pairs


class _PRF:
    def __init__(self):
        self.tp = self.fp = self.fn = 0

    def add(self, tp=0, fp=0, fn=0):
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def as_dict(self) -> dict:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


class _Acc:
    def __init__(self):
        self.right = self.n = 0

    def add(self, ok: bool):
        self.n += 1
        self.right += bool(ok)

    def as_dict(self) -> dict:
        return {"accuracy": round(self.right / self.n, 4) if self.n else None, "n": self.n}


DOC_FIELDS = ("doc_type", "symbol", "number", "issued_date", "issuer", "place", "title", "signer")


def _same_field(field: str, g, p) -> bool:
    if g is None or p is None:
        return g is None and p is None
    if field == "symbol":
        return norm_symbol(g) == norm_symbol(p)
    return norm(g) == norm(p)


def _rec_set(v) -> frozenset:
    if v is None:
        return frozenset()
    if isinstance(v, str):
        return frozenset([v])
    return frozenset(v)


def _names(v: Iterable[str]) -> frozenset:
    return frozenset(n for n in (norm(x) for x in (v or [])) if n)


def find_text(stem: str, text_dirs: list[Path]) -> Optional[Path]:
    for d in text_dirs:
        for ext in (".txt", ".html", ".htm", ".docx", ".pdf"):
            p = Path(d) / f"{stem}{ext}"
            if p.exists():
                return p
    return None


def evaluate(gold_dir, text_dirs, extractor=None) -> dict:
    """Score the extractor on every gold file of ``gold_dir``; returns a report dict."""
    from pipeline.errors import VanbanError

    if extractor is None:
        from pipeline.extract import extract_path as extractor
    gold_dir = Path(gold_dir)
    text_dirs = [Path(t) for t in text_dirs]
    doc_acc = {f: _Acc() for f in DOC_FIELDS}
    false_fills: list[str] = []
    recip = _PRF()
    ref_m, ref_sym = _PRF(), _PRF()
    ref_acc = {f: _Acc() for f in ("symbol", "date", "doc_type", "issuer", "relation", "number")}
    numberless = _Acc()
    obl = _PRF()
    obl_acc = {f: _Acc() for f in ("actors", "kind", "recurrence", "partners", "period", "report_to")}
    deadline = _PRF()
    per_doc, missing, errors = {}, [], []

    for gpath in sorted(gold_dir.glob("*.gold.json")):
        stem = gpath.name[: -len(".gold.json")]
        tpath = find_text(stem, text_dirs)
        if tpath is None:
            missing.append(stem)
            continue
        gold = json.loads(gpath.read_text(encoding="utf-8"))
        rpath = gold_dir / "refs" / f"{stem}.json"
        grefs = json.loads(rpath.read_text(encoding="utf-8"))["references"] if rpath.exists() else None
        try:
            rec = extractor(tpath).to_dict()
        except VanbanError as e:
            errors.append(str(e))
            continue
        d_stats = {}
        # document
        gd, pd = gold.get("document") or {}, rec["document"]
        wrong = []
        for f in DOC_FIELDS:
            ok = _same_field(f, gd.get(f), pd.get(f))
            doc_acc[f].add(ok)
            if not ok:
                wrong.append(f)
            if gd.get(f) is None and pd.get(f) is not None:
                false_fills.append(f"{stem}:{f}")
        gr = _names(r.get("name") for r in gd.get("recipients") or [])
        pr = _names(r.get("name") for r in pd.get("recipients") or [])
        recip.add(tp=len(gr & pr), fp=len(pr - gr), fn=len(gr - pr))
        d_stats["document_wrong"] = wrong
        # references
        if grefs is not None:
            preds = rec["references"]

            def rscore(g, p):
                s = _text_sim(g["text"], p["text"])
                if g.get("symbol") and p.get("symbol"):
                    if norm_symbol(g["symbol"]) == norm_symbol(p["symbol"]):
                        s = max(s, 0.5) + 0.5
                    else:
                        s *= 0.5
                return s

            pairs = _match(grefs, preds, rscore, 0.5)
            ref_m.add(tp=len(pairs), fp=len(preds) - len(pairs), fn=len(grefs) - len(pairs))
            matched_g = {i for i, _ in pairs}
            for i, j in pairs:
                g, p = grefs[i], preds[j]
                ref_acc["symbol"].add(_same_field("symbol", g.get("symbol"), p.get("symbol")))
                ref_acc["date"].add(g.get("date") == p.get("date"))
                ref_acc["doc_type"].add(_same_field("doc_type", g.get("doc_type"), p.get("doc_type")))
                ref_acc["issuer"].add(_same_field("issuer", g.get("issuer"), p.get("issuer")))
                ref_acc["relation"].add(g.get("relation") == p.get("relation"))
                ref_acc["number"].add(_same_field("number", g.get("number"), p.get("number")))
            for i, g in enumerate(grefs):
                if not g.get("symbol"):
                    numberless.add(i in matched_g)
            gs = {norm_symbol(g["symbol"]) for g in grefs if g.get("symbol")}
            ps = {norm_symbol(p["symbol"]) for p in preds if p.get("symbol")}
            ref_sym.add(tp=len(gs & ps), fp=len(ps - gs), fn=len(gs - ps))
            d_stats["references"] = {"gold": len(grefs), "pred": len(preds), "matched": len(pairs),
                                     "symbols_missed": sorted(gs - ps), "symbols_extra": sorted(ps - gs)}
        # obligations
        gobl, pobl = gold.get("obligations") or [], rec["obligations"]
        pairs = _match(gobl, pobl, lambda g, p: _text_sim(g["text"], p["text"]), 0.5)
        obl.add(tp=len(pairs), fp=len(pobl) - len(pairs), fn=len(gobl) - len(pairs))
        for i, j in pairs:
            g, p = gobl[i], pobl[j]
            obl_acc["actors"].add(_names(g.get("actors")) == _names(p.get("actors")))
            obl_acc["kind"].add(g.get("kind") == p.get("kind"))
            obl_acc["recurrence"].add(_rec_set(g.get("recurrence")) == _rec_set(p.get("recurrence")))
            obl_acc["partners"].add(_names(g.get("partners")) == _names(p.get("partners")))
            obl_acc["period"].add((g.get("period") or None) == (p.get("period") or None))
            obl_acc["report_to"].add(_same_field("report_to", g.get("report_to"), p.get("report_to")))
            gd_, pd_ = g.get("deadline"), p.get("deadline")
            if gd_ and pd_ and gd_ == pd_:
                deadline.add(tp=1)
            else:
                if pd_:
                    deadline.add(fp=1)
                if gd_:
                    deadline.add(fn=1)
        d_stats["obligations"] = {"gold": len(gobl), "pred": len(pobl), "matched": len(pairs)}
        per_doc[stem] = d_stats

    return {
        "documents": len(per_doc),
        "missing_texts": missing,
        "errors": errors,
        "document": {f: a.as_dict() for f, a in doc_acc.items()},
        "document_false_fills": false_fills,
        "recipients": recip.as_dict(),
        "references": {
            "mentions": ref_m.as_dict(),
            "distinct_symbols": ref_sym.as_dict(),
            "numberless_recall": numberless.as_dict(),
            **{f: a.as_dict() for f, a in ref_acc.items()},
        },
        "obligations": {
            "units": obl.as_dict(),
            "deadline": deadline.as_dict(),
            **{f: a.as_dict() for f, a in obl_acc.items()},
        },
        "per_doc": per_doc,
    }


def _fmt_acc(d: dict) -> str:
    return "   n/a" if d["accuracy"] is None else f"{d['accuracy']:.3f} (n={d['n']})"


def _fmt_prf(d: dict) -> str:
    return f"P {d['precision']:.3f}  R {d['recall']:.3f}  F1 {d['f1']:.3f}  (tp {d['tp']}, fp {d['fp']}, fn {d['fn']})"


def format_report(r: dict, per_doc: bool = False) -> str:
    lines = []
    if per_doc:
        for stem, s in r["per_doc"].items():
            lines.append(f"{stem}: doc wrong={','.join(s['document_wrong']) or '-'}  refs={s.get('references')}  "
                         f"obl={s['obligations']}")
        lines.append("")
    lines.append(f"documents scored: {r['documents']}" + (f"  missing texts: {len(r['missing_texts'])}" if r["missing_texts"] else "")
                 + (f"  read errors: {len(r['errors'])}" if r["errors"] else ""))
    doc = r["document"]
    lines.append("document   " + "  ".join(f"{f} {doc[f]['accuracy']:.3f}" for f in DOC_FIELDS if doc[f]["accuracy"] is not None))
    lines.append(f"document   filled where gold is null: {len(r['document_false_fills'])} {' '.join(r['document_false_fills'])}".rstrip())
    lines.append(f"recipients {_fmt_prf(r['recipients'])}")
    ref = r["references"]
    lines.append(f"references mentions          {_fmt_prf(ref['mentions'])}")
    lines.append(f"references distinct symbols  {_fmt_prf(ref['distinct_symbols'])}")
    lines.append(f"references number-less recall {_fmt_acc(ref['numberless_recall'])}")
    lines.append("references on matched: " + "  ".join(
        f"{f} {_fmt_acc(ref[f]).split(' (')[0]}" for f in ("symbol", "date", "doc_type", "number", "issuer", "relation")))
    ob = r["obligations"]
    lines.append(f"obligations units            {_fmt_prf(ob['units'])}")
    lines.append(f"obligations deadline         {_fmt_prf(ob['deadline'])}")
    lines.append("obligations on matched: " + "  ".join(
        f"{f} {_fmt_acc(ob[f]).split(' (')[0]}" for f in ("actors", "kind", "recurrence", "partners", "period", "report_to")))
    return "\n".join(lines)
