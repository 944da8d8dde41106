"""Build the gold records of the bundled samples from compact specs.

    python corpus/make_gold.py            # write corpus/gold/*.gold.json and refs/*.json
    python corpus/make_gold.py --check    # fail if any written file differs from its spec

One spec per sample, ``corpus/gold/spec/<stem>.toml``::

    file = "<stem>.txt"

    [document]                 # RECORDS.md "document"; a missing key is null
    doc_type = "Chỉ thị"
    symbol = "12-CT/TU"        # number defaults to the symbol's number part
    issued_date = "2025-01-20"
    recipients = [["Văn phòng Trung ương Đảng", "b/c"], ["Các đồng chí Tỉnh ủy viên", ""]]

    [[ref]]                    # one per mention, in text order
    text = "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị"
    symbol = "57-NQ/TW"
    relation = "implements"    # default "cites"
    nth = 2                    # which occurrence, when text occurs more than once
    after = "Thứ năm:"         # or: the first occurrence after this (unique) anchor

    [[obl]]                    # one per obligation unit
    start = "Tổ chức quán triệt"   # the span runs from here ...
    end = "người đứng đầu."        # ... through the first following `end`
    # or: text = "exact text"
    kind = "task"              # default "task"
    actors = ["các cấp ủy, tổ chức đảng"]

In a ref, ``doc_type`` defaults to the type name the text starts with,
``number`` to the symbol's number, ``date`` to the date written in the text
(``ngày 22/12/2024`` / ``ngày 22 tháng 12 năm 2024``) and ``issuer`` to what
follows the last " của "; write a key as ``""`` to force null. Every span is
found by exact substring search and the script stops with an error when a
substring is missing or ambiguous, so offsets always index the .txt exactly.
"""
from __future__ import annotations

import json
import re
import sys
import tomllib
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SAMPLES = ROOT / "samples"
GOLD = ROOT / "gold"
SPECS = GOLD / "spec"

DOC_FIELDS = ("doc_type", "symbol", "number", "issued_date", "issuer", "place", "title", "signer")
OBL_FIELDS = ("kind", "actors", "deadline", "recurrence", "period", "partners", "report_to")
TYPE_NAMES = sorted([
    "Nghị quyết", "Chỉ thị", "Kết luận", "Quy định", "Quyết định", "Hướng dẫn", "Kế hoạch",
    "Chương trình hành động", "Chương trình", "Thông báo", "Công văn", "Báo cáo", "Đề án",
    "Tờ trình", "Nghị định", "Thông tư", "Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp",
    "Công điện", "Quy chế", "Điều lệ", "Chiến lược",
], key=len, reverse=True)
_DATE_NUM = re.compile(r"ngày\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")


class SpecError(Exception):
    pass


def _null(v):
    return None if v == "" else v


def locate(text: str, needle: str, *, nth: int | None = None, after: str | None = None,
           where: str = "") -> int:
    """Start offset of `needle` in `text`; errors when absent or ambiguous."""
    if not needle:
        raise SpecError(f"{where}: empty substring")
    lo = 0
    if after:
        hits = [m.start() for m in re.finditer(re.escape(after), text)]
        if len(hits) != 1:
            raise SpecError(f"{where}: anchor {after!r} found {len(hits)} times (need exactly 1)")
        lo = hits[0]
    hits = [m.start() for m in re.finditer(re.escape(needle), text) if m.start() >= lo]
    if not hits:
        raise SpecError(f"{where}: {needle!r} not found" + (f" after {after!r}" if after else ""))
    if nth is not None:
        if not 1 <= nth <= len(hits):
            raise SpecError(f"{where}: {needle!r} occurs {len(hits)} times, nth={nth}")
        return hits[nth - 1]
    if after:
        return hits[0]
    if len(hits) > 1:
        raise SpecError(f"{where}: {needle!r} is ambiguous ({len(hits)} occurrences); give nth or after")
    return hits[0]


def _number(symbol: str | None) -> str | None:
    if not symbol:
        return None
    m = re.match(r"\w+?(?=[-/])", symbol)
    return m.group(0) if m else None


def _date_in(s: str) -> str | None:
    m = _DATE_NUM.search(s) or _DATE_WORDS.search(s)
    if not m:
        return None
    d, mo, y = (int(x) for x in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _type_of(s: str) -> str | None:
    for name in TYPE_NAMES:
        if s.startswith(name) or s.lower().startswith(name.lower()):
            return name
    return None


def build_ref(text: str, spec: dict, where: str) -> dict:
    mention = spec["text"]
    start = locate(text, mention, nth=spec.get("nth"), after=spec.get("after"), where=where)
    symbol = _null(spec.get("symbol"))
    issuer = mention.rsplit(" của ", 1)[1] if " của " in mention else None
    rec = {
        "text": mention,
        "start": start,
        "end": start + len(mention),
        "doc_type": _null(spec["doc_type"]) if "doc_type" in spec else _type_of(mention),
        "symbol": symbol,
        "number": _null(spec["number"]) if "number" in spec else _number(symbol),
        "date": _null(spec["date"]) if "date" in spec else _date_in(mention),
        "issuer": _null(spec["issuer"]) if "issuer" in spec else issuer,
        "relation": spec.get("relation", "cites"),
    }
    return rec


def build_obl(text: str, spec: dict, where: str) -> dict:
    if "text" in spec:
        s = locate(text, spec["text"], nth=spec.get("nth"), after=spec.get("after"), where=where)
        e = s + len(spec["text"])
    else:
        s = locate(text, spec["start"], nth=spec.get("nth"), after=spec.get("after"), where=where)
        e = text.find(spec["end"], max(s, s + len(spec["start"]) - len(spec["end"])))
        if e < 0:
            raise SpecError(f"{where}: end {spec['end']!r} not found after {spec['start']!r}")
        e += len(spec["end"])
        body = text[s:e]
        if "\n\n" in body and not spec.get("multi_paragraph"):
            raise SpecError(f"{where}: span {spec['start']!r} … {spec['end']!r} crosses a paragraph break")
    rec = {"text": text[s:e], "start": s, "end": e}
    period = spec.get("period")
    rec.update({
        "kind": spec.get("kind", "task"),
        "actors": list(spec.get("actors", [])),
        "deadline": _null(spec.get("deadline")),
        "recurrence": _null(spec.get("recurrence")),
        "period": {"start": _null(period[0]), "end": _null(period[1])} if period else None,
        "partners": list(spec.get("partners", [])),
        "report_to": _null(spec.get("report_to")),
    })
    return rec


def build(spec_path: Path) -> tuple[dict, dict]:
    spec = tomllib.loads(spec_path.read_text(encoding="utf-8"))
    fname = spec["file"]
    text = (SAMPLES / fname).read_text(encoding="utf-8")
    if unicodedata.normalize("NFC", text) != text:
        raise SpecError(f"{fname}: text is not NFC")
    d = spec.get("document", {})
    unknown = set(d) - set(DOC_FIELDS) - {"recipients"}
    if unknown:
        raise SpecError(f"{fname}: unknown document keys {sorted(unknown)}")
    doc = {f: _null(d.get(f)) for f in DOC_FIELDS}
    if "number" not in d:
        doc["number"] = _number(doc["symbol"])
    doc["recipients"] = [{"name": n, "role": _null(r)} for n, r in d.get("recipients", [])]
    for r in doc["recipients"]:
        locate(text, r["name"], nth=1, where=f"{fname} recipient")
    refs = [build_ref(text, r, f"{fname} ref {i}") for i, r in enumerate(spec.get("ref", []))]
    obls = [build_obl(text, o, f"{fname} obl {i}") for i, o in enumerate(spec.get("obl", []))]
    for recs, what in ((refs, "ref"), (obls, "obl")):
        seen = set()
        for r in recs:
            if (r["start"], r["end"]) in seen:
                raise SpecError(f"{fname}: duplicate {what} span {r['text'][:40]!r}")
            seen.add((r["start"], r["end"]))
    refs.sort(key=lambda r: r["start"])
    obls.sort(key=lambda r: r["start"])
    gold = {"file": fname, "document": doc, "obligations": obls}
    return gold, {"file": fname, "references": refs}


def _dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    bad = 0
    for sp in sorted(SPECS.glob("*.toml")):
        stem = sp.stem
        try:
            gold, refs = build(sp)
        except SpecError as e:
            print(f"ERROR {e}", file=sys.stderr)
            bad += 1
            continue
        outs = {GOLD / f"{stem}.gold.json": _dump(gold), GOLD / "refs" / f"{stem}.json": _dump(refs)}
        for path, content in outs.items():
            if check:
                if not path.exists() or path.read_text(encoding="utf-8") != content:
                    print(f"STALE {path.relative_to(ROOT.parent)}", file=sys.stderr)
                    bad += 1
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
        print(f"{stem}: {len(refs['references'])} references, {len(gold['obligations'])} obligations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
