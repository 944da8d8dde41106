"""Obligations finder (pipeline.find.obligations): units, actors, fields."""
from __future__ import annotations

import calendar
import re
from datetime import date

from pathlib import Path

import pytest

from pipeline.find.obligations import actor_at, find_obligations, partners_in, report_to_in, split_names
from pipeline.parse import parse

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"  # our own texts, always there

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


def test_body_found_even_when_the_header_runs_into_it():
    # parse() may take the unpunctuated title lines and the lists below for one title
    obls = find_obligations(DOC, parse(DOC))
    assert any(o.text.startswith("Kiểm tra an toàn điện") for o in obls)


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
    from pipeline.dates import find_times
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
                # and that expression, read on its own, fixes exactly this date
                fixed = {t.deadline for t in find_times(o.deadline_text, anchor=rec.document.issued_date)}
                fixed |= {t.deadline for t in find_times(window, anchor=rec.document.issued_date)
                          if window[t.start:t.end] in o.deadline_text or o.deadline_text in window[t.start:t.end]}
                cell = re.fullmatch(r"(?:(\d{1,2})/)?((?:19|20)\d\d)", o.deadline_text)
                if cell:  # a "Thời hạn" table cell: "06/2025" is the end of June 2025, "2025" its end
                    y, m = int(cell.group(2)), int(cell.group(1) or 12)
                    fixed.add(date(y, m, calendar.monthrange(y, m)[1]).isoformat())
                assert o.deadline in fixed, (f.name, o.deadline_text, o.deadline)
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


def _find(body, issued="2026-01-05"):
    return find_obligations(body, _parsed_body(body, issued))


def _parsed_body(text, issued):
    from types import SimpleNamespace

    from pipeline.parse.structure import parse_structure
    from pipeline.records import Document

    return SimpleNamespace(document=Document(issued_date=issued), header_end=0, body_end=len(text),
                           sections=parse_structure(text, 0, len(text)), is_report=False)


def test_cell_per_line_task_table_gives_one_obligation_per_row():
    body = (
        "I. NHIỆM VỤ\n1. Sở Tài chính rà soát các khoản chi thường xuyên.\n"
        "PHỤ LỤC\nTT\nNội dung công việc\nCơ quan chủ trì\nCơ quan phối hợp\nThời gian hoàn thành\n"
        "1\nXây dựng quy chế phối hợp\nSở Nội vụ\nSở Tư pháp\nTháng 3/2026\n"
        "2\nTổ chức hội nghị sơ kết\nVăn phòng UBND tỉnh\nCác sở, ngành\nQuý IV/2026\n"
    )
    rows = {o.text: o for o in _find(body) if o.section in ("1", "2") and not o.text.startswith("Sở")}
    assert set(rows) == {"Xây dựng quy chế phối hợp", "Tổ chức hội nghị sơ kết"}
    r1 = rows["Xây dựng quy chế phối hợp"]
    assert (r1.actors, r1.partners, r1.deadline) == (["Sở Nội vụ"], ["Sở Tư pháp"], "2026-03-31")
    assert rows["Tổ chức hội nghị sơ kết"].deadline == "2026-12-31"


def test_markdown_task_table():
    body = (
        "PHỤ LỤC\n| TT | Tên nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
        "|---|---|---|---|---|\n| I. | Hoàn thiện thể chế | | | |\n"
        "| 1. | Sửa đổi quy chế làm việc | Văn phòng Tỉnh ủy | Ban Tổ chức Tỉnh ủy | 06/2026 |\n"
    )
    obls = _find(body)
    assert [o.text for o in obls] == ["Sửa đổi quy chế làm việc"]
    assert obls[0].actors == ["Văn phòng Tỉnh ủy"] and obls[0].partners == ["Ban Tổ chức Tỉnh ủy"]
    assert obls[0].deadline == "2026-06-30"


def test_closing_deadline_sentence_is_an_attribute_of_the_item():
    body = "1. Sở Xây dựng rà soát toàn bộ nhà chung cư cũ trên địa bàn. Thời hạn hoàn thành: trước ngày 15/4/2026.\n"
    (o,) = _find(body)
    assert o.text == "Sở Xây dựng rà soát toàn bộ nhà chung cư cũ trên địa bàn."
    assert o.deadline == "2026-04-15" and o.deadline_text in body


def test_sentence_with_its_own_actor_is_its_own_unit():
    body = ("1. Sở Y tế kiểm tra an toàn thực phẩm tại các bếp ăn tập thể. "
            "Ủy ban nhân dân các xã phối hợp cung cấp danh sách cơ sở.\n")
    obls = _find(body)
    assert [o.actors for o in obls] == [["Sở Y tế"], ["Ủy ban nhân dân các xã"]]


def test_attached_plan_after_the_signature():
    text = (
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch phòng chống dịch.\n"
        "Điều 2. Quyết định này có hiệu lực từ ngày ký.\n"
        "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\nCHỦ TỊCH\nNguyễn Văn B\n"
        "KẾ HOẠCH\nPHÒNG CHỐNG DỊCH NĂM 2026\n"
        "I. NHIỆM VỤ\n1. Sở Y tế xây dựng phương án ứng phó, hoàn thành trong tháng 2/2026.\n"
    )
    from types import SimpleNamespace

    from pipeline.parse.structure import parse_structure
    from pipeline.records import Document

    be = text.index("Nơi nhận")
    p = SimpleNamespace(document=Document(issued_date="2026-01-05"), header_end=0, body_end=be,
                        sections=parse_structure(text, 0, be), is_report=False)
    obls = find_obligations(text, p)
    assert [o.text[:20] for o in obls] == ["Sở Y tế xây dựng phư"]
    assert obls[0].deadline == "2026-02-28"


def test_news_report_sentences_after_the_directive_cue():
    text = (
        "Huyện An Bình tổng kết công tác năm 2025\n"
        "Năm qua, công tác cải cách hành chính của huyện đã đạt được nhiều kết quả.\n"
        "Ban Thường vụ Huyện ủy yêu cầu các chi bộ tăng cường kiểm tra việc thực hiện quy chế dân chủ. "
        "Đồng thời, công khai quy trình giải quyết thủ tục hành chính tại trụ sở.\n"
    )
    from types import SimpleNamespace

    from pipeline.records import Document

    p = SimpleNamespace(document=Document(is_report=True), header_end=text.index("Năm qua"), body_end=len(text),
                        sections=[], is_report=True)
    obls = find_obligations(text, p)
    assert [o.actors for o in obls] == [["các chi bộ"], ["các chi bộ"]]
    assert not any("đã đạt được" in o.text for o in obls)


def test_appendix_start_as_the_patterns():
    """_appendix_start finds what the two line patterns it stands for find."""
    import random

    from pipeline.find.obligations import _appendix_start

    def ref(text, s, e):
        for pat in (r"(?m)^\s*(?:PHỤ LỤC|Phụ lục|BIỂU|Biểu)\b", r"(?m)^\s*(?:TT|STT)\s*$"):
            m = re.search(pat, text[s:e])
            if m:
                return s + m.start()
        return None

    pieces = [" ", "\n", "\t", "\r", "\u3000", "\x1c", "x", "_", "1", "é", "PHỤ LỤC", "Phụ lục", "BIỂU", "Biểu",
              "TT", "STT", "T", "S", "Biểux", "Biểu.", "\nTT\n", "PHỤ", "LỤC"]
    rnd = random.Random(7)
    for _ in range(20000):
        t = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        s = rnd.randint(0, len(t))
        e = rnd.randint(s, len(t))
        assert _appendix_start(t, s, e) == ref(t, s, e), (t, s, e)
    for p in sorted((SHARED / "external-corpus").glob("*.txt")):
        t = p.read_text(encoding="utf-8")
        assert _appendix_start(t, 0, len(t)) == ref(t, 0, len(t)), p


def test_has_prohibition_as_the_pattern():
    """_has_prohibition answers as a search of the whole prohibition pattern."""
    import random

    from pipeline.find import obligations as ob

    rx = ob._cfg()["prohibition"]
    pieces = ["không được", "Không được", "KHÔNG ĐƯỢC", "cấm", "Cấm", "nghiêm cấm", "Nghiêm cấm", "tuyệt đối không được",
              "không cho phép", "không né tránh", "phải", "Phải", "và", "Và", "; ", ";", ", ", ". ", ": ", " ", "  ",
              "\n", "x", "cấmx", "làm", "không ", "để", "a", "Sở", "_", "ı"]
    rnd = random.Random(11)
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 10)))
        a = rnd.randint(0, len(text))
        b = rnd.randint(a, len(text))
        t = text[a:b]
        assert ob._has_prohibition(text, a, b, t) == bool(rx.search(t)), (text, a, b)
    for p in sorted((SHARED / "external-corpus").glob("*.txt"))[:20]:
        text = p.read_text(encoding="utf-8")
        for _ in range(100):
            a = rnd.randrange(len(text))
            b = min(len(text), a + rnd.randint(1, 500))
            assert ob._has_prohibition(text, a, b, text[a:b]) == bool(rx.search(text[a:b])), (p, a, b)


def test_skip_truth_as_the_patterns():
    """The skip test's shortcuts (literal gates, per-document memo) answer as a search."""
    import random

    from pipeline.find import obligations as ob

    skip = ob._cfg()["skip"]
    pieces = ["Nơi nhận", "NƠI NHẬN", "Kính gửi", "Ảnh: ", "ảnh", "trân trọng thông báo", "Xin thông báo",
              "thông báo để các đơn vị biết", "Kế hoạch này có hiệu lực", " này có hiệu lực", "(Kèm theo",
              "Ban hành kèm theo", "TM.", "KT.", "|", "Chi tiết", "(phụ lục", "Ghi chú:", " ", "\n", ".", "x",
              "Sở", "ſ", "ı"]
    rnd = random.Random(5)
    for _ in range(20000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 8)))
        a = rnd.randint(0, len(text))
        b = rnd.randint(a, len(text))
        assert skip.found_in_slice(text, a, b) == bool(skip.search(text[a:b])), (text, a, b)
        assert skip.search_in(text, a, b) == bool(skip.search(text, a, b)), (text, a, b)


def test_fast_classifier_equals_sklearn():
    """The direct computation of the classifier's probabilities equals the model's own
    ``predict_proba``, bit for bit, on every open unit of the seeds and the corpus."""
    from pipeline.find import obligations as ob

    np = pytest.importorskip("numpy")
    m = ob._model()
    if m is None:
        pytest.skip("no model")
    fast = ob._fast_proba_fn()
    assert fast is not None  # the committed model has the shape the direct path handles
    texts = [DOC] + [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    for d in ("seeds", "external-corpus"):  # when ../shared is there
        texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / d).glob("*.txt"))]
    n = 0
    for text in texts:
        units, _, _ = ob.candidate_units(text, parse(text))
        X = [ob.model_input(text[u.start:u.end], u.ctx) for u in units[:60]]
        if X:
            assert np.array_equal(fast(X), ob._proba(m, X))
            n += len(X)
    assert n > 100


def test_start_word_gates_are_necessary():
    """Wherever lead_cue, opener or actor_verb match, _starts lets them be tried."""
    from pipeline.find import obligations as ob

    cfg = ob._cfg()
    gates = (("lead_cue", "cue_words"), ("opener", "opener_words"), ("actor_verb", "actor_words"))
    n = 0
    shared = sorted((SHARED / "external-corpus").glob("*.txt"))[:12]
    for p in shared or sorted(SAMPLES.glob("*.txt")):  # our own samples when ../shared is absent
        text = p.read_text(encoding="utf-8")
        for pos in range(0, len(text), 3 if shared else 1):
            e = min(len(text), pos + 400)
            for rx, words in gates:
                if cfg[rx].match(text, pos, e):
                    n += 1
                    assert ob._starts(text, cfg[words], pos, e), (p, pos, rx)
    assert n > 50


# --- legal acts: inside articles ("Điều N."), only sentences that direct someone are records

REGULATION = (
    "QUY CHẾ\nQuản lý kho dữ liệu số của tỉnh\n"
    "Điều 1. Kho dữ liệu số\n"
    "1. Kho dữ liệu số của tỉnh là hệ thống lưu giữ tập trung dữ liệu của các cơ quan.\n"
    "2. Kho dữ liệu số gồm dữ liệu dân cư, dữ liệu đất đai và dữ liệu doanh nghiệp.\n"
    "3. Dữ liệu trong kho được sao lưu tại hai địa điểm khác nhau.\n"
    "Điều 2. Chức năng của Trung tâm Dữ liệu\n"
    "Trung tâm Dữ liệu tỉnh có chức năng giúp Sở Khoa học và Công nghệ quản lý kho dữ liệu.\n"
    "Điều 3. Trách nhiệm của người dùng\n"
    "1. Bảo mật tài khoản được cấp.\n"
    "2. Dữ liệu khai thác phải được sử dụng đúng mục đích đã đăng ký.\n"
    "3. Cập nhật hồ sơ người dùng, bao gồm số điện thoại và thư điện tử.\n"
    "Điều 4. Tổ chức thực hiện\n"
    "1. Sở Khoa học và Công nghệ hướng dẫn các cơ quan kết nối dữ liệu vào kho.\n"
    "2. Giao Ủy ban nhân dân các xã, căn cứ Quy chế này, rà soát dữ liệu hộ tịch trước ngày 30/9/2026.\n"
)


@pytest.mark.parametrize("words,kept", [
    ("Kho dữ liệu số của tỉnh là hệ thống", False),      # a definition
    ("Kho dữ liệu số gồm dữ liệu dân cư", False),         # a membership statement
    ("Dữ liệu trong kho được sao lưu", False),            # a fact: no actor, no marker
    ("Trung tâm Dữ liệu tỉnh có chức năng", False),       # a function, not a task
    ("Bảo mật tài khoản được cấp", True),                 # under "Trách nhiệm của …"
    ("Dữ liệu khai thác phải được sử dụng", True),        # "phải": a duty
    ("Sở Khoa học và Công nghệ hướng dẫn", True),         # an actor directed
    ("Giao Ủy ban nhân dân các xã", True),                # "Giao <actor>"
    ("Cập nhật hồ sơ người dùng", True),                  # opens with a verb: "bao gồm" is no definition
])
def test_article_norms_are_not_obligations(words, kept):
    obls = _find(REGULATION)
    assert any(o.text.startswith(words) for o in obls) == kept, [o.text[:40] for o in obls]


# --- times that date something else: a term of office, a vision horizon, a cited title


@pytest.mark.parametrize("item,deadline,period", [
    # a term of office is no period
    ("Ban Tổ chức chuẩn bị nhân sự Hội đồng nhân dân xã nhiệm kỳ 2026 - 2031.", None, None),
    ("Văn phòng tổng hợp danh sách cấp ủy viên khóa 2025 - 2030, 2030 - 2035.", None, None),
    # a vision horizon is no deadline; the plan's own period stays
    ("Sở Công Thương xây dựng chương trình phát triển điện mặt trời giai đoạn 2026 - 2030, tầm nhìn đến năm 2050.",
     None, ("2026-01-01", "2030-12-31")),
    # "đến năm" inside a cited title is no deadline
    ("Sở Nội vụ giám sát việc thực hiện Chiến lược phát triển thanh niên đến năm 2030.", None, None),
    # a cited plan's period that began before this document is no period of the action
    ("Sở Y tế rà soát, sửa đổi Đề án nâng cao chất lượng y tế cơ sở giai đoạn 2019 - 2030.", None, None),
    # the action's own times are kept
    ("Sở Xây dựng điều chỉnh quy hoạch chung đô thị đến năm 2030.", "2030-12-31", None),
    ("Sở Tài chính bố trí kinh phí thực hiện giai đoạn 2026 - 2030.", None, ("2026-01-01", "2030-12-31")),
])
def test_foreign_times_are_no_deadline_or_period(item, deadline, period):
    (o,) = _find("1. " + item + "\n")
    assert o.deadline == deadline
    assert (o.period and (o.period["start"], o.period["end"])) == period


def test_deadline_after_a_project_name_is_kept():
    (o,) = _find("1. Ban Quản lý dự án hoàn thành Dự án đường ven biển trong năm 2026.\n")
    assert o.deadline == "2026-12-31"


# --- schedules: a recurring date is no deadline; a phase heading's time is its items' deadline


@pytest.mark.parametrize("body,deadlines", [
    ("1. Hằng năm, các xã gửi báo cáo công tác dân vận về Ban Dân vận trước ngày 10/12.\n", [None]),
    ("1. Trung tâm Quan trắc lấy mẫu nước; tần suất: tháng 4 đến tháng 10, 02 lần/tháng.\n", [None]),
    ("1. Hằng năm, các xã gửi báo cáo về Ban Dân vận trước ngày 10/12/2026.\n", ["2026-12-10"]),
    ("2.1. Đợt 1: Trong tháng 11/2026\n- Sở Văn hóa treo băng rôn tuyên truyền tại các trục đường.\n"
     "- Đài Phát thanh phát sóng chuyên mục hỏi đáp, hoàn thành trước ngày 20/11/2026.\n",
     ["2026-11-30", "2026-11-20"]),
    ("2.2. Đợt 2: Sau ngày khai mạc 05/12/2026\n- Sở Văn hóa tổ chức triển lãm ảnh.\n"
     "- Đài Phát thanh đưa tin về kết quả hội nghị.\n", [None, None]),
])
def test_schedule_and_phase_deadlines(body, deadlines):
    assert [o.deadline for o in _find(body)] == deadlines


# --- specification lines and colon headings are no records


def test_specification_lines_and_colon_headings_are_not_records():
    body = (
        "1. Chi cục Thủy sản tổ chức hội nghị tập huấn kỹ thuật nuôi cá lồng.\n"
        "Số lượng: 03 hội nghị/năm, mỗi hội nghị 60 đại biểu.\n"
        "Thành phần: đại diện các hợp tác xã và hộ nuôi trên địa bàn.\n"
        "Số điểm lấy mẫu: 05 điểm dọc sông.\n"
        "2. Chế độ báo cáo\n"
        "2.1. Báo cáo định kỳ hằng quý:\n"
        "- Các xã gửi số liệu về Chi cục Thủy sản trước ngày 20 của tháng cuối quý.\n"
    )
    texts = [o.text for o in _find(body)]
    assert texts[0].startswith("Chi cục Thủy sản tổ chức hội nghị")
    assert not any(t.startswith(("Số lượng", "Thành phần", "Số điểm", "Báo cáo định kỳ hằng quý")) for t in texts), texts
    assert any(t.startswith("Các xã gửi số liệu") for t in texts)


# --- slogans, worked examples and a resolution's own decisions are no records


def test_slogans_examples_and_decisions_are_not_records():
    body = (
        "1. Thông qua nội dung các dự thảo văn kiện sau đây:\n"
        "- Báo cáo tổng kết công tác năm 2026 của Ban Chấp hành.\n"
        "- Báo cáo kiểm điểm sự lãnh đạo, chỉ đạo của Ban Thường vụ.\n"
        "2. Nghe Báo cáo chuyên đề về phát triển kinh tế biển.\n"
        "3. Đồng ý để đồng chí Trần Văn C thôi tham gia Ban Chấp hành.\n"
        "4. Cơ bản thống nhất Đề án sắp xếp các thôn; giao Ban Thường vụ chỉ đạo hoàn thiện Đề án trước ngày 30/6/2026.\n"
        "5. Thông qua các phương tiện thông tin đại chúng, Đài Phát thanh tuyên truyền về Đề án.\n"
        "6. Ví dụ: xã A có 12 thôn thì được bố trí 12 tổ trưởng.\n"
        "III. KHẨU HIỆU TUYÊN TRUYỀN\n"
        "1. Nhiệt liệt chào mừng Đại hội đại biểu Đảng bộ tỉnh lần thứ II!\n"
        "2. Toàn dân đoàn kết xây dựng quê hương giàu đẹp\n"
        "Trên đây là Kế hoạch tuyên truyền, đề nghị các chi bộ tổ chức thực hiện.\n"
    )
    texts = [o.text for o in _find(body)]
    assert texts == [
        "Cơ bản thống nhất Đề án sắp xếp các thôn; giao Ban Thường vụ chỉ đạo hoàn thiện Đề án trước ngày 30/6/2026.",
        "Thông qua các phương tiện thông tin đại chúng, Đài Phát thanh tuyên truyền về Đề án.",
        "Trên đây là Kế hoạch tuyên truyền, đề nghị các chi bộ tổ chức thực hiện.",
    ], texts


# --- actors: the Government opening a unit; deputies; federations; "các cơ sở"


@pytest.mark.parametrize("item,actors", [
    ("Chính phủ thành lập Quỹ hỗ trợ nông dân, giao Bộ Nông nghiệp quản lý Quỹ.", ["Chính phủ"]),
    ("Giao Chính phủ, căn cứ Nghị quyết này, tổ chức sắp xếp các thôn trước ngày 30/9/2026.", ["Chính phủ"]),
    ("Phó Giám đốc Sở Y tế trực tiếp chỉ đạo công tác tiêm chủng.", ["Phó Giám đốc Sở Y tế"]),
    ("Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh chủ trì tư vấn, phản biện các đề án.", ["Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh"]),
    ("Các cơ sở nuôi trồng thủy sản có trách nhiệm giám sát chất lượng nước.", ["Các cơ sở nuôi trồng thủy sản"]),
])
def test_actor_at_unit_start(item, actors):
    (o,) = _find("1. " + item + "\n")
    assert o.actors == actors


def test_government_in_a_background_clause_is_no_actor():
    # "của Đảng, Chính phủ chỉ đạo" inside an opener: the Government is not told to act here
    assert actor_at("Trước mắt, theo lộ trình của Đảng, Chính phủ chỉ đạo, tập trung cải cách.", 0, 70)[0] == []


# --- actors: where the actor phrase ends (review patterns 4 and 5)


@pytest.mark.parametrize("sentence,names", [
    # "phòng" ending a ministry's or an office's name is no unit name ("Phòng Tổ chức")
    ("Bộ trưởng Bộ Quốc phòng chỉ đạo Lữ đoàn 12, Sư đoàn 3 tăng cường tuần tra biên giới.",
     ["Bộ trưởng Bộ Quốc phòng"]),
    ("Bộ Quốc phòng tổ chức diễn tập phòng thủ khu vực.", ["Bộ Quốc phòng"]),
    ("Các văn phòng tiếp tục đổi mới phương thức phục vụ.", ["Các văn phòng"]),
    # "giao" inside a name is no "giao <actor>" of the issuer
    ("Bộ Ngoại giao chủ trì, phối hợp với các cơ quan liên quan tổ chức hội nghị.", ["Bộ Ngoại giao"]),
    ("Sở Giao thông vận tải chủ trì lập phương án phân luồng.", ["Sở Giao thông vận tải"]),
    # "tổ chức" after "cơ quan, " / "đơn vị, " is one more body, not the verb
    ("Cơ quan, tổ chức khai thác thông tin đất đai có trách nhiệm bảo mật số liệu.", ["Cơ quan, tổ chức khai thác thông tin đất đai"]),
    ("Thủ trưởng cơ quan, đơn vị, tổ chức chịu trách nhiệm bố trí phòng họp.", ["Thủ trưởng cơ quan, đơn vị, tổ chức"]),
    # "quy định" is the verb, but not after a preposition nor before "tại"
    ("Ban thường vụ huyện ủy quy định cách lưu giữ sổ sách.", ["Ban thường vụ huyện ủy"]),
    ("Các cơ quan, đơn vị quy định tại khoản 2 có trách nhiệm gửi số liệu.", ["Các cơ quan, đơn vị quy định tại khoản 2"]),
    ("Các trường học theo hướng dẫn của ngành tổ chức ngày hội đọc sách.", ["Các trường học theo hướng dẫn của ngành"]),
    ("Các doanh nghiệp, hợp tác xã phản hồi về Sở Công Thương trong tháng 5.", ["Các doanh nghiệp, hợp tác xã"]),
    # "Lãnh đạo" before the body it leads heads an actor; "Lãnh đạo, chỉ đạo …" is an imperative
    ("Lãnh đạo Sở, Thủ trưởng các phòng chuyên môn chịu trách nhiệm thi hành Quyết định này.",
     ["Lãnh đạo Sở", "Thủ trưởng các phòng chuyên môn"]),
    ("Lãnh đạo, chỉ đạo các chi bộ tổ chức sinh hoạt chuyên đề.", []),
    ("Thủ trưởng cơ quan chủ quản hoàn toàn chịu trách nhiệm về số liệu báo cáo.", ["Thủ trưởng cơ quan chủ quản"]),
    # a role after a dash is no part of the name
    ("Giao Sở Nội vụ - Cơ quan thường trực Hội đồng Thi đua tỉnh tổng hợp hồ sơ khen thưởng.", ["Sở Nội vụ"]),
    # a verb after "trước" / "sau" / "việc" is a noun ("trước sáp nhập", "việc tổ chức xây dựng")
    ("Ban quản lý chợ trước sắp xếp tiếp tục thu phí đến hết tháng 6.", ["Ban quản lý chợ trước sắp xếp"]),
    ("Các cơ quan liên quan đến việc tổ chức xây dựng đề án có trách nhiệm cung cấp số liệu.",
     ["Các cơ quan liên quan đến việc tổ chức xây dựng đề án"]),
])
def test_actor_phrase_end(sentence, names):
    assert actor_at(sentence, 0, len(sentence))[0] == names


@pytest.mark.parametrize("item,partners", [
    # "đẩy nhanh" ends the partner list
    ("Sở Tư pháp phối hợp chặt chẽ với Tòa án nhân dân tỉnh và các huyện đẩy nhanh việc giải quyết hồ sơ.",
     ["Tòa án nhân dân tỉnh", "các huyện"]),
    # "định hướng" ends it; a trailing "như" (before a colon list) is no part of a name
    ("Sở Y tế phối hợp với Hội Chữ thập đỏ tỉnh định hướng hoạt động hiến máu.", ["Hội Chữ thập đỏ tỉnh"]),
    ("Sở Du lịch phối hợp với UBND các tỉnh bạn như: Hà Giang, Cao Bằng quảng bá tour.", ["UBND các tỉnh bạn"]),
    # "có liên quan" stays with the partner
    ("Chủ trì, phối hợp với Sở Y tế và các trường học có liên quan đa dạng hóa bữa ăn bán trú.",
     ["Sở Y tế", "các trường học có liên quan"]),
    # "thuộc phạm vi quản lý" stays with the partner
    ("Chủ trì, phối hợp với các trạm bơm thuộc phạm vi quản lý lập lịch vận hành mùa khô.",
     ["các trạm bơm thuộc phạm vi quản lý"]),
])
def test_partner_list_end(item, partners):
    assert partners_in(item, 0, len(item)) == partners


# --- legal acts: items of "… trong các trường hợp sau:" are conditions

CONDITIONS = (
    "QUY CHẾ\nCấp tài khoản kho dữ liệu\n"
    "Điều 5. Khóa tài khoản\n"
    "Trung tâm Dữ liệu tỉnh khóa tài khoản của người dùng trong các trường hợp sau:\n"
    "a) Cơ quan, tổ chức khai thác sử dụng tài khoản sai mục đích.\n"
    "b) Các đơn vị không có nhu cầu tiếp tục khai thác dữ liệu.\n"
    "c) Người dùng phải nộp lại tài khoản trong 05 ngày.\n"
)


@pytest.mark.parametrize("words,kept", [
    ("Cơ quan, tổ chức khai thác sử dụng", False),   # a condition, though it names bodies
    ("Các đơn vị không có nhu cầu", False),
    ("Người dùng phải nộp lại", True),                # "phải": a duty of its own
])
def test_condition_items_are_not_obligations(words, kept):
    obls = _find(CONDITIONS)
    assert any(o.text.startswith(words) for o in obls) == kept, [o.text[:40] for o in obls]
