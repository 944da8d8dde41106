"""The bundled sample corpus (corpus/samples) and its gold records (corpus/gold).

Checks that every gold file has the shape of RECORDS.md, that every span is
the exact slice of its .txt, that values use the contract's forms (ISO dates,
relation / kind / recurrence names), and that the gold is in sync with the
specs it is built from (corpus/make_gold.py).
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
GOLD = ROOT / "corpus" / "gold"

DOC_FIELDS = ("doc_type", "symbol", "number", "issued_date", "issuer", "place", "title", "signer", "recipients")
REF_FIELDS = ("text", "start", "end", "doc_type", "symbol", "number", "date", "issuer", "relation")
OBL_FIELDS = ("text", "start", "end", "kind", "actors", "deadline", "recurrence", "period", "partners", "report_to")
DOC_TYPES = {
    "Nghị quyết", "Chỉ thị", "Kết luận", "Quy định", "Quyết định", "Hướng dẫn", "Kế hoạch",
    "Chương trình", "Chương trình hành động", "Thông báo", "Công văn", "Báo cáo", "Đề án",
    "Tờ trình", "Nghị định", "Thông tư", "Luật", "Bộ luật", "Pháp lệnh", "Hiến pháp",
    "Công điện", "Quy chế", "Điều lệ", "Chiến lược",
}
RELATIONS = {"cites", "based_on", "implements", "replaces", "amends", "repeals"}
KINDS = {"task", "prohibition", "report", "target"}
RECURRENCES = {"weekly", "monthly", "quarterly", "semiannual", "annual"}
ROLES = {None, "b/c", "t/h", "p/h", "đ/b"}
# canonical symbols: party NUMBER-TYPE/ISSUER, state NUMBER/[YEAR/]TYPE-ISSUER or NUMBER/YEAR/ISSUER
SYMBOL_RE = re.compile(r"^\d+[a-z]?(-[A-ZĐa-zđ]+/[A-ZĐ][A-ZĐa-zđ0-9]*|/(\d{4}/)?[A-ZĐ][A-ZĐa-zđ]*-[A-ZĐ][A-ZĐa-zđ0-9&-]*|/\d{4}/[A-Z]+\d+)$")

STEMS = sorted(p.name[: -len(".gold.json")] for p in GOLD.glob("*.gold.json"))


def _load(stem: str):
    gold = json.loads((GOLD / f"{stem}.gold.json").read_text(encoding="utf-8"))
    refs = json.loads((GOLD / "refs" / f"{stem}.json").read_text(encoding="utf-8"))
    text = (SAMPLES / gold["file"]).read_text(encoding="utf-8")
    return gold, refs, text


def _iso(v) -> bool:
    if v is None:
        return True
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return False
    dt.date.fromisoformat(v)
    return True


def test_corpus_size():
    assert 8 <= len(STEMS) <= 12
    assert {p.stem for p in SAMPLES.glob("*.txt")} == set(STEMS)


@pytest.mark.parametrize("stem", STEMS)
def test_text_is_clean_nfc_utf8(stem):
    raw = (SAMPLES / f"{stem}.txt").read_bytes()
    text = raw.decode("utf-8")
    assert unicodedata.normalize("NFC", text) == text
    assert 2000 <= len(raw) <= 8500
    assert "\r" not in text and "\ufeff" not in text


@pytest.mark.parametrize("stem", STEMS)
def test_document_shape(stem):
    gold, refs, _ = _load(stem)
    assert gold["file"] == refs["file"] == f"{stem}.txt"
    doc = gold["document"]
    assert tuple(doc) == DOC_FIELDS
    assert doc["doc_type"] in DOC_TYPES
    assert SYMBOL_RE.match(doc["symbol"]), doc["symbol"]
    assert doc["symbol"].startswith(doc["number"])
    assert _iso(doc["issued_date"])
    for r in doc["recipients"]:
        assert set(r) == {"name", "role"}
        assert r["role"] in ROLES
        assert not r["name"].lower().startswith(("lưu", "như trên", "như điều"))


@pytest.mark.parametrize("stem", STEMS)
def test_references_shape_and_spans(stem):
    _, refs, text = _load(stem)
    assert refs["references"], "every sample cites something"
    prev = -1
    for r in refs["references"]:
        assert tuple(r) == REF_FIELDS
        assert text[r["start"]:r["end"]] == r["text"]
        assert r["start"] >= prev
        prev = r["start"]
        assert r["relation"] in RELATIONS
        assert r["doc_type"] is None or r["doc_type"] in DOC_TYPES
        assert _iso(r["date"])
        if r["symbol"] is not None:
            assert SYMBOL_RE.match(r["symbol"]), r["symbol"]
            assert r["symbol"].startswith(r["number"])
            assert not re.search(r"[\s\u2013\u2014\u00d0]", r["symbol"])
        if r["issuer"] is not None:
            assert r["issuer"] in r["text"]


@pytest.mark.parametrize("stem", STEMS)
def test_obligations_shape_and_spans(stem):
    gold, _, text = _load(stem)
    assert gold["obligations"]
    for o in gold["obligations"]:
        assert tuple(o) == OBL_FIELDS
        assert text[o["start"]:o["end"]] == o["text"]
        assert o["text"] == o["text"].strip()
        assert o["kind"] in KINDS
        assert all(isinstance(a, str) and a for a in o["actors"] + o["partners"])
        assert _iso(o["deadline"])
        rec = o["recurrence"]
        assert rec is None or (isinstance(rec, list) and len(rec) > 1 and set(rec) <= RECURRENCES) or rec in RECURRENCES
        if o["period"] is not None:
            assert set(o["period"]) == {"start", "end"}
            assert _iso(o["period"]["start"]) and _iso(o["period"]["end"])
        if o["report_to"] is not None:
            assert o["kind"] == "report"


def test_gold_in_sync_with_specs():
    spec = importlib.util.spec_from_file_location("make_gold", ROOT / "corpus" / "make_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for sp in sorted((GOLD / "spec").glob("*.toml")):
        gold, refs = mod.build(sp)
        assert gold == json.loads((GOLD / f"{sp.stem}.gold.json").read_text(encoding="utf-8"))
        assert refs == json.loads((GOLD / "refs" / f"{sp.stem}.json").read_text(encoding="utf-8"))


def test_make_gold_fails_loudly(tmp_path):
    spec = importlib.util.spec_from_file_location("make_gold", ROOT / "corpus" / "make_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    text = "Thực hiện Kế hoạch số 5/KH-UBND; Kế hoạch số 5/KH-UBND."
    with pytest.raises(mod.SpecError, match="ambiguous"):
        mod.locate(text, "Kế hoạch số 5/KH-UBND")
    with pytest.raises(mod.SpecError, match="not found"):
        mod.locate(text, "Kế hoạch số 6/KH-UBND")
    assert mod.locate(text, "Kế hoạch số 5/KH-UBND", nth=2) == text.rindex("Kế hoạch")


def test_citation_graph_has_edges_inside_the_corpus():
    own = {}
    for stem in STEMS:
        gold, _, _ = _load(stem)
        own.setdefault(gold["document"]["symbol"], set()).add(stem)
    edges = set()
    for stem in STEMS:
        _, refs, _ = _load(stem)
        for r in refs["references"]:
            for target in own.get(r["symbol"], ()):
                if target != stem:
                    edges.add((stem, target))
    assert len(edges) >= 4


def test_same_symbol_two_provinces():
    """Two documents from different provinces each cite their own 05-NQ/TU."""
    cited = {}
    for stem in STEMS:
        gold, refs, _ = _load(stem)
        for r in refs["references"]:
            if r["symbol"] == "05-NQ/TU" and r["date"]:
                cited.setdefault(r["date"], set()).add(gold["document"]["place"])
    assert len(cited) >= 2
    places = [p for ps in cited.values() for p in ps]
    assert len(set(places)) >= 2



SHARED = ROOT.parent / "shared"
_CITATION = re.compile(r"\bsố\s*\d|\bngày\s+\d")


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFC", text).lower()))


def test_samples_copy_no_sentence_from_shared():
    """The samples are our own writing: no sentence of 12+ words occurs in ../shared.

    Sentences that cite a document by number or date are exempt: the samples
    cite real national documents by their official titles on purpose.
    """
    if not SHARED.is_dir():
        pytest.skip("../shared is absent")
    theirs = " | ".join(_words(p.read_text(encoding="utf-8", errors="replace"))
                        for folder in ("seeds", "external-corpus")
                        for p in sorted((SHARED / folder).glob("*.txt")))
    if not theirs:
        pytest.skip("no shared texts")
    copied = []
    for stem in STEMS:
        for sent in re.split(r"[.;:!?\n]+", (SAMPLES / f"{stem}.txt").read_text(encoding="utf-8")):
            w = _words(sent)
            if len(w.split()) >= 12 and not _CITATION.search(sent) and w in theirs:
                copied.append((stem, sent.strip()[:80]))
    assert not copied
