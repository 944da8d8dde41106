"""Bodies: mentions, spans across line breaks, canonical names, definitions.
Example sentences are our own."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.find.bodies import bodies_in, canonical_body, find_bodies, find_definitions

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _bodies(text):
    bs = find_bodies(text)
    for b in bs:
        assert text[b.start:b.end] == b.text
    return [(b.text, b.canonical) for b in bs]


# (sentence, [(mention as written, canonical)])
CASES = [
    (
        "Sở Tư pháp chủ trì, phối hợp với Sở Tài chính và UBND cấp xã triển khai.",
        [("Sở Tư pháp", "Sở Tư pháp"), ("Sở Tài chính", "Sở Tài chính"), ("UBND cấp xã", "Ủy ban nhân dân cấp xã")],
    ),
    (
        "Giao Sở Nông nghiệp và\nMôi trường hướng dẫn các xã.",
        [("Sở Nông nghiệp và\nMôi trường", "Sở Nông nghiệp và Môi trường"), ("các xã", "các xã")],
    ),
    (
        "Đề nghị Ủy ban nhân dân\ntỉnh chỉ đạo thực hiện.",
        [("Ủy ban nhân dân\ntỉnh", "Ủy ban nhân dân tỉnh")],
    ),
    (
        "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh yêu cầu các cấp ủy, tổ chức đảng thực hiện tốt.",
        [
            ("Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh", "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh"),
            ("các cấp ủy, tổ chức đảng", "các cấp ủy, tổ chức đảng"),
        ],
    ),
    (
        "Các Sở, ban, ngành, đơn vị và UBND cấp xã căn cứ chức năng, nhiệm vụ tổ chức thực hiện.",
        [("Các Sở, ban, ngành, đơn vị", "các Sở, ban, ngành, đơn vị"), ("UBND cấp xã", "Ủy ban nhân dân cấp xã")],
    ),
    (
        "Người đứng đầu các cơ quan, đơn vị, địa phương chịu trách nhiệm trước Chủ tịch UBND tỉnh.",
        [
            ("Người đứng đầu các cơ quan, đơn vị, địa phương", "Người đứng đầu các cơ quan, đơn vị, địa phương"),
            ("Chủ tịch UBND tỉnh", "Chủ tịch Ủy ban nhân dân tỉnh"),
        ],
    ),
    (
        "Báo cáo UBND tỉnh (qua Sở Tư pháp) để tổng hợp.",
        [("UBND tỉnh", "Ủy ban nhân dân tỉnh"), ("Sở Tư pháp", "Sở Tư pháp")],
    ),
    (
        "Thường trực HĐND huyện, Ban Thường vụ HU và MTTQ huyện phối hợp giám sát.",
        [
            ("Thường trực HĐND huyện", "Thường trực Hội đồng nhân dân huyện"),
            ("Ban Thường vụ HU", "Ban Thường vụ Huyện ủy"),
            ("MTTQ huyện", "Mặt trận Tổ quốc huyện"),
        ],
    ),
    (
        "UBND thành phố Hải Phòng chưa báo cáo; Bộ CHQS tỉnh và Công an tỉnh phối hợp.",
        [
            ("UBND thành phố Hải Phòng", "Ủy ban nhân dân thành phố Hải Phòng"),
            ("Bộ CHQS tỉnh", "Bộ Chỉ huy quân sự tỉnh"),
            ("Công an tỉnh", "Công an tỉnh"),
        ],
    ),
    (
        "Sở Văn hóa, Thể thao và Du lịch cùng các cơ quan, đơn vị liên quan tổ chức.",
        [
            ("Sở Văn hóa, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
            ("các cơ quan, đơn vị liên quan", "các cơ quan, đơn vị liên quan"),
        ],
    ),
    (
        "Đảng uỷ Chính phủ lãnh đạo; Ban Tuyên giáo và Dân vận Trung ương hướng dẫn.",
        [
            ("Đảng uỷ Chính phủ", "Đảng ủy Chính phủ"),
            ("Ban Tuyên giáo và Dân vận Trung ương", "Ban Tuyên giáo và Dân vận Trung ương"),
        ],
    ),
    (
        "Văn phòng UBND tỉnh theo dõi; BCH Đoàn tỉnh và các TCCS đảng thực hiện.",
        [
            ("Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
            ("BCH Đoàn tỉnh", "Ban Chấp hành Đoàn tỉnh"),
            ("các TCCS đảng", "các tổ chức cơ sở đảng"),
        ],
    ),
    (
        "Ủy ban nhân dân các quận, huyện, thị xã và Công an các xã, phường, thị trấn phối hợp; UBND tỉnh, các sở theo dõi.",
        [
            ("Ủy ban nhân dân các quận, huyện, thị xã", "Ủy ban nhân dân các quận, huyện, thị xã"),
            ("Công an các xã, phường, thị trấn", "Công an các xã, phường, thị trấn"),
            ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
            ("các sở", "các sở"),
        ],
    ),
    (
        "ỦY BAN NHÂN DÂN\nTỈNH HẢI DƯƠNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n\nTrưởng phòng Giáo dục và Đào tạo các huyện và "
        "Hiệu trưởng các trường THPT xử lý các trường hợp vi phạm.",
        [
            ("ỦY BAN NHÂN DÂN\nTỈNH HẢI DƯƠNG", "Ủy ban nhân dân tỉnh Hải Dương"),
            ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Sở Giáo dục và Đào tạo"),
            ("Trưởng phòng Giáo dục và Đào tạo các huyện", "Trưởng phòng Giáo dục và Đào tạo các huyện"),
            ("Hiệu trưởng các trường THPT", "Hiệu trưởng các trường THPT"),
        ],
    ),
    (
        "BAN THƯỜNG VỤ TỈNH ỦY\n\nCác huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy và Đài Phát thanh - Truyền hình tỉnh thực hiện.",
        [
            ("BAN THƯỜNG VỤ TỈNH ỦY", "Ban Thường vụ Tỉnh ủy"),
            ("Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy", "các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy"),
            ("Đài Phát thanh - Truyền hình tỉnh", "Đài Phát thanh - Truyền hình tỉnh"),
        ],
    ),
    (
        "Chi cục Thuế khu vực III, Tòa án nhân dân tối cao, Văn phòng Đoàn đại biểu Quốc hội và Ban Chỉ đạo 389 tỉnh; "
        "Sở Lao động - Thương binh và Xã hội cùng các đoàn thể chính trị - xã hội tỉnh.",
        [
            ("Chi cục Thuế khu vực III", "Chi cục Thuế khu vực III"),
            ("Tòa án nhân dân tối cao", "Tòa án nhân dân tối cao"),
            ("Văn phòng Đoàn đại biểu Quốc hội", "Văn phòng Đoàn đại biểu Quốc hội"),
            ("Ban Chỉ đạo 389 tỉnh", "Ban Chỉ đạo 389 tỉnh"),
            ("Sở Lao động - Thương binh và Xã hội", "Sở Lao động - Thương binh và Xã hội"),
            ("các đoàn thể chính trị - xã hội tỉnh", "các đoàn thể chính trị - xã hội tỉnh"),
        ],
    ),
    ("ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN", [("ỦY BAN NHÂN DÂN\nTỈNH LẠNG SƠN", "Ủy ban nhân dân tỉnh Lạng Sơn")]),
    (
        "Thủ trưởng cơ quan, ban, ngành thành phố và Giám đốc sở chịu trách nhiệm.",
        [
            ("Thủ trưởng cơ quan, ban, ngành thành phố", "Thủ trưởng cơ quan, ban, ngành thành phố"),
            ("Giám đốc sở", "Giám đốc sở"),
        ],
    ),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_bodies(text, expected):
    assert _bodies(text) == expected


# Words that look like heads but are not bodies here.
NOT_BODIES = [
    "Thủ tướng Chính phủ ban hành Chỉ thị số 10.",  # "ban hành" is a verb
    "Luật Ban hành văn bản quy phạm pháp luật được sửa đổi.",
    "Kế hoạch số 80-KH/TU ngày 02/3/2025.",  # "TU" inside a symbol
    "NHIỆM VỤ VÀ GIẢI PHÁP",
    "Nâng cao chất lượng đội ngũ cán bộ, công chức cơ sở.",
    "Phòng, chống dịch bệnh; tổ chức hội nghị; kiện toàn bộ máy.",
]


@pytest.mark.parametrize("text", NOT_BODIES)
def test_not_bodies(text):
    got = _bodies(text)
    assert [t for t, _ in got if t not in ("Thủ tướng Chính phủ",)] == []


def test_signature_block_offices_stay_apart():
    assert _bodies("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH") == [("CHỦ TỊCH", "Chủ tịch"), ("PHÓ CHỦ TỊCH", "Phó Chủ tịch")]
    assert _bodies("TM. BAN THƯỜNG VỤ\nBÍ THƯ") == [("BAN THƯỜNG VỤ", "Ban Thường vụ"), ("BÍ THƯ", "Bí thư")]


def test_recipient_list_abbreviations():
    text = "Nơi nhận:\n- TT Tỉnh ủy, TT HĐND tỉnh;\n- các PCT UBND tỉnh;\n- VP UBND tỉnh;\n- Lưu: VT."
    assert _bodies(text) == [
        ("TT Tỉnh ủy", "Thường trực Tỉnh ủy"),
        ("TT HĐND tỉnh", "Thường trực Hội đồng nhân dân tỉnh"),
        ("các PCT UBND tỉnh", "các Phó Chủ tịch Ủy ban nhân dân tỉnh"),
        ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
    ]


def test_person_name_is_not_part_of_a_body():
    assert _bodies("Chủ tịch UBND tỉnh Nguyễn Văn An ký.") == [("Chủ tịch UBND tỉnh", "Chủ tịch Ủy ban nhân dân tỉnh")]


# ---------------------------------------------------------------------------
# abbreviations

STANDARD = [
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("HĐND huyện", "Hội đồng nhân dân huyện"),
    ("Ban Thường vụ TU", "Ban Thường vụ Tỉnh ủy"),
    ("BTV Đảng ủy", "Ban Thường vụ Đảng ủy"),
    ("BCĐ tỉnh", "Ban Chỉ đạo tỉnh"),
    ("ĐUK", "Đảng ủy Khối"),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("các TCCS đảng", "các tổ chức cơ sở đảng"),
    ("VPCP", "Văn phòng Chính phủ"),
    ("Đảng uỷ Khối", "Đảng ủy Khối"),
    ("Các cấp uỷ", "các cấp ủy"),
    ("ỦY BAN NHÂN DÂN TỈNH BẮC GIANG", "Ủy ban nhân dân tỉnh Bắc Giang"),
    ("BAN TUYÊN GIÁO VÀ DÂN VẬN", "Ban Tuyên giáo và Dân vận"),
    ("Tu viện", "Tu viện"),  # only whole upper-case words are abbreviations
    ("Đảng ủy Khối các cơ quan Tỉnh", "Đảng ủy Khối các cơ quan tỉnh"),  # "tỉnh/huyện" lower case ...
    ("Ban Thường vụ Tỉnh ủy", "Ban Thường vụ Tỉnh ủy"),  # ... but not in "Tỉnh ủy"
]


@pytest.mark.parametrize("name,canonical", STANDARD)
def test_standard_abbreviations(name, canonical):
    assert canonical_body(name) == canonical


def test_document_definitions_expand_and_win():
    text = (
        "Đẩy mạnh cải cách hành chính (CCHC) trong toàn tỉnh. Giao Ban Chỉ đạo CCHC của tỉnh theo dõi.\n"
        "Các sở, ban, ngành, đơn vị thuộc tỉnh (sau đây gọi tắt là cấp sở) xây dựng kế hoạch.\n"
        "Tăng cường kỷ luật, kỷ cương hành chính (KLKCHC) đối với công chức."
    )
    defs = find_definitions(text)
    assert defs["CCHC"] == "cải cách hành chính"
    assert defs["KLKCHC"] == "kỷ luật, kỷ cương hành chính"
    assert defs["cấp sở"] == "Các sở, ban, ngành, đơn vị thuộc tỉnh"
    got = dict(_bodies(text))
    assert got["Ban Chỉ đạo CCHC của tỉnh"] == "Ban Chỉ đạo cải cách hành chính của tỉnh"
    assert canonical_body("Thủ trưởng cấp sở", defs) == "Thủ trưởng Các sở, ban, ngành, đơn vị thuộc tỉnh"
    # a document's own meaning of a standard abbreviation wins
    assert canonical_body("BCĐ", {"BCĐ": "Ban Chỉ đạo phòng, chống tham nhũng"}) == "Ban Chỉ đạo phòng, chống tham nhũng"


def test_alias_of_a_named_body_becomes_its_mentions():
    text = (
        "Quy chế này áp dụng cho Trung tâm bồi dưỡng chính trị huyện (sau đây gọi tắt là Trung tâm). "
        "Giám đốc Trung tâm chịu trách nhiệm; Trung tâm phối hợp với các cơ quan.\n"
        "Học viên học trên địa bàn do ban thường vụ huyện ủy quyết định (sau đây gọi tắt là địa bàn)."
    )
    defs = find_definitions(text)
    assert defs == {"Trung tâm": "Trung tâm bồi dưỡng chính trị huyện"}  # "địa bàn" shares no word with a body
    got = _bodies(text)
    assert got[0] == ("Trung tâm bồi dưỡng chính trị huyện", "Trung tâm bồi dưỡng chính trị huyện")
    assert ("Giám đốc Trung tâm", "Giám đốc Trung tâm bồi dưỡng chính trị huyện") in got
    assert ("Trung tâm", "Trung tâm bồi dưỡng chính trị huyện") in got


def test_alias_does_not_swallow_a_different_name():
    text = (
        "Quỹ phát triển đất tỉnh (sau đây gọi tắt là Quỹ) được thành lập. Quỹ phát triển nhà ở do huyện lập. "
        "Giám đốc Quỹ quyết định; Quỹ phát triển đất\ntỉnh báo cáo."
    )
    got = _bodies(text)
    assert ("Giám đốc Quỹ", "Giám đốc Quỹ phát triển đất tỉnh") in got
    assert ("Quỹ phát triển đất\ntỉnh", "Quỹ phát triển đất tỉnh") in got
    assert not any(t.startswith("Quỹ phát triển nhà") or t == "Quỹ" for t, _ in got)


def test_new_style_tone_marks_leave_qu_alone():
    assert canonical_body("Quỹ hỗ trợ nông dân") == "Quỹ hỗ trợ nông dân"
    assert canonical_body("Thuỷ lợi hoà bình Uỷ ban") == "Thủy lợi hòa bình Ủy ban"


def test_hard_wrapped_pdf_text():
    text = "Giao\nBộ\nNgoại\ngiao\nchủ\ntrì;\nỦy ban nhân\ndân\ntỉnh\nphối hợp."
    assert _bodies(text) == [("Bộ\nNgoại\ngiao", "Bộ Ngoại giao"), ("Ủy ban nhân\ndân\ntỉnh", "Ủy ban nhân dân tỉnh")]


def test_paragraph_break_ends_a_body():
    assert [t for t, _ in _bodies("Sở Tư pháp\n\nTổ chức hội nghị")] == ["Sở Tư pháp"]


def test_initials_must_match():
    assert find_definitions("Tăng cường công tác kiểm tra (CCHC) hàng năm.") == {}
    assert find_definitions("Ủy ban Mặt trận Tổ quốc (UBMTTQ) tỉnh") == {"UBMTTQ": "Ủy ban Mặt trận Tổ quốc"}
    assert find_definitions("Sở Tài nguyên và Môi trường (TN&MT) chủ trì") == {"TN&MT": "Tài nguyên và Môi trường"}


def test_short_name_takes_the_full_name_of_the_document():
    text = "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh chỉ đạo. Sau đó, Ban Thường vụ Đảng ủy Khối kiểm tra."
    got = _bodies(text)
    assert got[1] == ("Ban Thường vụ Đảng ủy Khối", "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh")


def test_bodies_in_span_uses_cache():
    text = "Mở đầu. Sở Tư pháp chủ trì. Sở Nội vụ phối hợp. UBND tỉnh chỉ đạo."
    all_ = find_bodies(text)
    a = text.index("Sở Nội vụ")
    inside = bodies_in(text, a, a + 30)
    assert [b.text for b in inside] == ["Sở Nội vụ", "UBND tỉnh"] or [b.text for b in inside] == ["Sở Nội vụ"]
    assert all(a <= b.start and b.end <= a + 30 for b in inside)
    assert [b.text for b in bodies_in(text, 0, len(text))] == [b.text for b in all_]


def test_real_texts_offsets_hold():
    """On the shared corpus (when present): every body's text is the text at its offsets."""
    texts = sorted((SHARED / "external-corpus").glob("*.txt"))[:10]
    if not texts:
        pytest.skip("../shared not present")
    from pipeline.clean import clean

    for p in texts:
        t = clean(p.read_text(encoding="utf-8")).text
        bs = find_bodies(t)
        assert bs, p.name
        for b in bs:
            assert t[b.start:b.end] == b.text
            assert "\n\n" not in b.text
            assert b.canonical and "  " not in b.canonical


def test_whole_word_at_is_the_bounded_regex():
    """The str.find scan for an alias gives the offsets of the regex it stands for."""
    import random
    import re

    from pipeline.find.bodies import _whole_word_at

    rnd = random.Random(7)
    alphabet = ["a", "b", "ở", " ", "&", "-", "\n", "1", "Sở"]
    for _ in range(400):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        alias = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 4)))
        want = [m.start() for m in re.finditer(rf"(?<![\w&]){re.escape(alias)}(?![\w&])", text)]
        assert list(_whole_word_at(text, alias)) == want, (text, alias)


def test_intervals_cover_and_overlap_like_a_scan():
    import random

    from pipeline.find.bodies import _Intervals

    rnd = random.Random(11)
    for _ in range(300):
        iv = []
        for _ in range(rnd.randint(0, 8)):
            p = rnd.randint(0, 40)
            iv.append((p, p + rnd.randint(1, 12)))
        box = _Intervals(iv)
        for x in range(0, 55):
            y = x + rnd.randint(1, 6)
            assert box.covers(x) == any(p <= x < q for p, q in iv)
            assert box.overlaps(x, y) == any(p <= x < q or x <= p < y for p, q in iv)


def test_canonical_cache_keeps_document_definitions_apart():
    """A name is expanded by its own document's abbreviation, never by one remembered from another document."""
    defined = "Thực hiện chương trình phát triển đô thị thông minh (PTĐTTM). Giao Ban Chỉ đạo PTĐTTM tỉnh kiểm tra."
    undefined = "Giao Ban Chỉ đạo PTĐTTM tỉnh kiểm tra (PTĐTTM)."
    for _ in range(2):
        assert _bodies(undefined) == [("Ban Chỉ đạo PTĐTTM tỉnh", "Ban Chỉ đạo PTĐTTM tỉnh")]
        assert _bodies(defined) == [("Ban Chỉ đạo PTĐTTM tỉnh", "Ban Chỉ đạo phát triển đô thị thông minh tỉnh")]


@pytest.mark.parametrize("text", [
    "", " ", "Sở", "  Sở Tư pháp\n\n\n các sở,ban;ngành ", "a \t\nb\xa0\xa0c\u2003d  ", "(UBND)\n-\n“Sở”...\n",
    "Ủy ban\n\nnhân dân tỉnh Bắc Ninh (sau đây gọi tắt là UBND tỉnh).", "a\x1cb\u3000 c\x85",
])
def test_token_arrays_are_the_tokenizers(text):
    """The offsets, ends and white-space flags read from IDX and SPACY are spaCy's IDX, LENGTH, IS_SPACE."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH

    from pipeline.find.bodies import _Doc, _nlp_state

    D = _Doc(text)
    doc = _nlp_state()["nlp"].make_doc(text.replace("\n", " "))
    arr = doc.to_array([IDX, LENGTH, IS_SPACE]).reshape(-1, 3).tolist()
    assert [list(t) for t in zip(D.idx, D.ends, D.space)] == [[i, i + k, s] for i, k, s in arr]
    assert D.n == len(doc)
    assert [D.brk[j] for j in range(1, D.n)] == [text.count("\n", D.ends[j - 1], D.idx[j]) for j in range(1, D.n)]
