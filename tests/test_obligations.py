"""Obligations finder (pipeline.find.obligations): units, actors, fields."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.find.obligations import actor_at, find_obligations, report_to_in, split_names

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

DOC = """ỦY BAN NHÂN DÂN
TỈNH AN HÒA
Số: 12/KH-UBND
An Hòa, ngày 10 tháng 3 năm 2026
KẾ HOẠCH
Phòng, chống cháy nổ tại các chợ
I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao nhận thức của người dân về phòng cháy.
II. MỤC TIÊU
1. 100% chợ trên địa bàn được kiểm tra an toàn điện.
III. NHIỆM VỤ
1. Sở Công Thương
a) Kiểm tra an toàn điện tại các chợ, hoàn thành trước ngày 30/6/2026.
b) Chủ trì, phối hợp với Công an tỉnh tập huấn cho ban quản lý chợ.
2. Rà soát hệ thống cấp nước chữa cháy
- Thực hiện rà soát các trụ nước tại chợ đầu mối.
Đơn vị chủ trì: Ủy ban nhân dân các xã, phường.
Đơn vị phối hợp: Công an tỉnh.
Thời gian thực hiện: Tháng 9/2026.
IV. TỔ CHỨC THỰC HIỆN
1. Các sở, ngành nghiêm cấm việc cho thuê lối thoát hiểm trong chợ.
2. Định kỳ hằng quý, các xã, phường báo cáo kết quả về Ủy ban nhân dân tỉnh (qua Sở Công Thương).
Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Văn A
"""


def _parsed(text):
    """A parse of DOC with the body bounds fixed here, so these tests depend on this module only."""
    from types import SimpleNamespace

    from pipeline.parse.structure import parse_structure
    from pipeline.records import Document

    hs, be = text.index("I. MỤC ĐÍCH"), text.index("Nơi nhận:")
    return SimpleNamespace(document=Document(issued_date="2026-03-10"), header_end=hs, body_end=be,
                           sections=parse_structure(text, hs, be), is_report=False)


@pytest.fixture(scope="module")
def obls():
    return find_obligations(DOC, _parsed(DOC))


def _by_start(obls, words):
    for o in obls:
        if o.text.startswith(words):
            return o
    raise AssertionError(f"no obligation starting with {words!r}: {[o.text[:40] for o in obls]}")


def test_purpose_is_not_an_obligation(obls):
    assert not any("Nâng cao nhận thức" in o.text for o in obls)


def test_offsets_and_no_enumerator(obls):
    for o in obls:
        assert DOC[o.start:o.end] == o.text
        assert not o.text.startswith(("a)", "b)", "- ", "1."))


@pytest.mark.parametrize(
    "start, kind, actors, deadline",
    [
        ("100% chợ", "target", [], None),
        ("Kiểm tra an toàn điện", "task", ["Sở Công Thương"], "2026-06-30"),
        ("Chủ trì, phối hợp", "task", ["Sở Công Thương"], None),
        ("Thực hiện rà soát", "task", ["Ủy ban nhân dân các xã, phường"], "2026-09-30"),
        ("Các sở, ngành nghiêm cấm", "prohibition", ["Các sở, ngành"], None),
        ("Định kỳ hằng quý", "report", ["các xã, phường"], None),
    ],
)
def test_units(obls, start, kind, actors, deadline):
    o = _by_start(obls, start)
    assert o.kind == kind
    assert o.actors == actors
    assert o.deadline == deadline


def test_attribute_lines_fill_fields_and_are_not_units(obls):
    assert not any(o.text.startswith(("Đơn vị", "Thời gian")) for o in obls)
    o = _by_start(obls, "Thực hiện rà soát")
    assert o.partners == ["Công an tỉnh"]
    assert o.deadline_text == "Tháng 9/2026"


def test_partners_and_report(obls):
    assert _by_start(obls, "Chủ trì, phối hợp").partners == ["Công an tỉnh"]
    r = _by_start(obls, "Định kỳ hằng quý")
    assert r.recurrence == "quarterly"
    assert r.report_to == "Ủy ban nhân dân tỉnh (qua Sở Công Thương)"


@pytest.mark.parametrize(
    "sentence, names, by_cue",
    [
        ("Giao Sở Tài chính chủ trì thẩm định dự toán.", ["Sở Tài chính"], True),
        ("Đề nghị các đồng chí Bí thư huyện ủy chỉ đạo thực hiện.", ["Bí thư huyện ủy"], True),
        ("Căn cứ tình hình thực tế, các xã xây dựng kế hoạch.", ["các xã"], False),
        ("Tăng cường tuyên truyền trên báo chí.", [], False),
        ("Ban Thường vụ yêu cầu đổi mới lề lối làm việc.", [], False),
    ],
)
def test_actor_at(sentence, names, by_cue):
    got, _, cue = actor_at(sentence, 0, len(sentence))
    assert got == names
    if names:
        assert cue == by_cue


def test_split_names():
    assert split_names("Giám đốc Sở, Thủ trưởng các ban, ngành và các đơn vị liên quan") == [
        "Giám đốc Sở", "Thủ trưởng các ban, ngành", "các đơn vị liên quan"]


def test_report_to():
    s = "Các đơn vị báo cáo về Sở Nội vụ trước ngày 5/12/2026."
    assert report_to_in(s, 0, len(s)) == "Sở Nội vụ"


def _shared_texts():
    if not SHARED.exists():
        return []
    return sorted((SHARED / "external-corpus").glob("*.txt")) + sorted((SHARED / "seeds").glob("*.txt"))


def test_deadlines_trace_to_text_over_shared():
    files = _shared_texts()
    if not files:
        pytest.skip("../shared is absent")
    from pipeline.extract import extract_path

    n = 0
    for f in files:
        rec = extract_path(f)
        for o in rec.obligations:
            if o.deadline:
                n += 1
                assert o.deadline_text, (f.name, o.text[:60])
                # the expression is in the unit, its attribute lines or its lead-in: near the unit
                window = rec.text[max(0, o.start - 3000):o.end + 3000]
                assert o.deadline_text in window, (f.name, o.deadline_text)
    assert n > 0


def test_gold_obligations_f1():
    gold_dir = SHARED / "gold"
    if not gold_dir.exists():
        pytest.skip("../shared is absent")
    from pipeline.evaluate import evaluate

    r = evaluate(gold_dir, [SHARED / "seeds", SHARED / "external-corpus"])
    ob = r["obligations"]
    assert ob["units"]["f1"] >= 0.85
    assert ob["deadline"]["f1"] >= 0.85
