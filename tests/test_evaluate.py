"""The scorer: content matching, field accuracies, false fills."""
from __future__ import annotations

import json

import pytest

from pipeline.evaluate import _match, _text_sim, evaluate, norm, norm_symbol
from pipeline.records import Document, Obligation, Record, Reference


@pytest.mark.parametrize(
    "a, b",
    [
        ("Ủy ban nhân dân tỉnh", "Uỷ ban nhân dân tỉnh"),
        ("Hòa Bình", "Hoà Bình"),
        ("  UBND   tỉnh. ", "ubnd tỉnh"),
        ("Đảng ủy Khối", "Ðảng ủy Khối"),  # Latin eth
    ],
)
def test_norm_equates_spelling_variants(a, b):
    assert norm(a) == norm(b)


def test_norm_symbol_folds_spaces_and_dashes():
    assert norm_symbol("02- NQ/ĐUK") == norm_symbol("02–NQ/ĐUK") == "02-NQ/ĐUK"


def test_text_sim_prefers_same_content():
    a = "Sở Tư pháp chủ trì tổ chức tập huấn hằng năm cho cán bộ."
    assert _text_sim(a, a) == 1.0
    assert _text_sim(a, "Sở Tư pháp chủ trì tổ chức tập huấn hằng năm") > 0.8
    assert _text_sim(a, "Báo cáo kết quả thực hiện trước ngày 15/12") < 0.3


def test_match_is_one_to_one_and_breaks_ties_by_position():
    gold = [{"t": "x"}, {"t": "x"}]
    pred = [{"t": "x"}, {"t": "x"}, {"t": "y"}]
    pairs = _match(gold, pred, lambda g, p: 1.0 if g["t"] == p["t"] else 0.0, 0.5)
    assert sorted(pairs) == [(0, 0), (1, 1)]


def _write_gold(tmp_path, stem, text, document, obligations, references):
    (tmp_path / "gold" / "refs").mkdir(parents=True)
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / f"{stem}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "gold" / f"{stem}.gold.json").write_text(
        json.dumps({"file": f"{stem}.txt", "document": document, "obligations": obligations}), encoding="utf-8")
    (tmp_path / "gold" / "refs" / f"{stem}.json").write_text(
        json.dumps({"file": f"{stem}.txt", "references": references}), encoding="utf-8")


def test_evaluate_end_to_end_with_a_fake_extractor(tmp_path):
    text = "Thực hiện Quyết định số 12/QĐ-UBND ngày 01/02/2026. Sở Nội vụ báo cáo trước ngày 15/12/2026."
    gold_doc = {"doc_type": "Kế hoạch", "symbol": "5/KH-UBND", "number": "5", "issued_date": "2026-03-01",
                "issuer": "Ủy ban nhân dân tỉnh Hòa Bình", "place": None, "title": None, "signer": None,
                "recipients": []}
    gold_obl = [{"text": "Sở Nội vụ báo cáo trước ngày 15/12/2026.", "start": 52, "end": 92, "kind": "report",
                 "actors": ["Sở Nội vụ"], "partners": [], "deadline": "2026-12-15", "recurrence": None,
                 "period": None, "report_to": None}]
    gold_refs = [{"text": "Quyết định số 12/QĐ-UBND ngày 01/02/2026", "start": 10, "end": 50,
                  "doc_type": "Quyết định", "symbol": "12/QĐ-UBND", "number": "12", "date": "2026-02-01",
                  "issuer": None, "relation": "implements"}]
    _write_gold(tmp_path, "doc", text, gold_doc, gold_obl, gold_refs)

    def fake(path):
        return Record(
            source=str(path), sha256="", text=text,
            document=Document(doc_type="Kế hoạch", symbol="5/KH-UBND", number="5", issued_date="2026-03-01",
                              issuer="Uỷ ban nhân dân tỉnh Hòa Bình", place="Hòa Bình"),
            references=[Reference(text="Quyết định số 12/QĐ-UBND ngày 01/02/2026", start=10, end=50,
                                  doc_type="Quyết định", symbol="12/QĐ-UBND", number="12", date="2026-02-01",
                                  relation="implements")],
            obligations=[Obligation(text="Sở Nội vụ báo cáo trước ngày 15/12/2026.", start=52, end=92,
                                    kind="report", actors=["Sở Nội vụ"], deadline="2026-12-31"),
                         Obligation(text="Một câu thừa không có trong gold.", start=0, end=5)],
        )

    r = evaluate(tmp_path / "gold", [tmp_path / "texts"], extractor=fake)
    assert r["documents"] == 1
    assert r["document"]["issuer"]["accuracy"] == 1.0  # tone placement folded
    assert r["document"]["place"]["accuracy"] == 0.0
    assert r["document_false_fills"] == ["doc:place"]
    assert r["references"]["mentions"]["f1"] == 1.0
    assert r["references"]["date"]["accuracy"] == 1.0
    ob = r["obligations"]
    assert ob["units"]["tp"] == 1 and ob["units"]["fp"] == 1 and ob["units"]["fn"] == 0
    assert ob["kind"]["accuracy"] == 1.0 and ob["actors"]["accuracy"] == 1.0
    assert ob["deadline"]["tp"] == 0 and ob["deadline"]["fp"] == 1 and ob["deadline"]["fn"] == 1


def test_missing_text_is_reported(tmp_path):
    _write_gold(tmp_path, "lost", "x", {}, [], [])
    (tmp_path / "texts" / "lost.txt").unlink()
    r = evaluate(tmp_path / "gold", [tmp_path / "texts"], extractor=lambda p: None)
    assert r["missing_texts"] == ["lost"] and r["documents"] == 0
