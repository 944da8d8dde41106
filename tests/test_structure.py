"""Section tree of a directive body (pipeline.parse.structure)."""
from __future__ import annotations

import pytest

from pipeline.parse.structure import iter_sections, paragraphs, parse_structure

BODY = """I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao nhận thức của cán bộ về công tác phòng cháy.
II. NHIỆM VỤ
1. Sở Công Thương
a) Kiểm tra an toàn điện tại các chợ trên địa bàn.
b) Báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15/12/2026.
2. Các xã, phường có trách nhiệm:
- Rà soát các hộ kinh doanh
có nguy cơ cháy nổ cao.
- Tuyên truyền đến từng khu dân cư.
"""


def _tree():
    return parse_structure(BODY, 0, len(BODY))


def test_top_level_roman_sections():
    roots = _tree()
    assert [r.label for r in roots] == ["I", "II"]
    assert all(r.is_heading for r in roots)


@pytest.mark.parametrize(
    "path, kind, heading",
    [
        ("I.1", "num", True),
        ("II.1", "num", True),
        ("II.1.a", "alpha", False),
        ("II.1.b", "alpha", False),
        ("II.2", "num", False),  # a lead-in ending with ":" is not a heading
    ],
)
def test_paths_and_kinds(path, kind, heading):
    secs = {s.path: s for s in iter_sections(_tree()) if s.kind != "dash"}
    assert path in secs
    assert secs[path].kind == kind
    assert secs[path].is_heading == heading


def test_dash_items_nest_under_their_number_and_wrapped_lines_join():
    secs = [s for s in iter_sections(_tree()) if s.kind == "dash"]
    assert len(secs) == 2
    assert all(s.parent.path == "II.2" for s in secs)
    first = BODY[secs[0].text_start:secs[0].first_end]
    assert first == "Rà soát các hộ kinh doanh\ncó nguy cơ cấm nổ cao.".replace("cấm", "cháy")


def test_section_spans_cover_children():
    for s in iter_sections(_tree()):
        for c in s.children:
            assert s.start <= c.start and c.end <= s.end
        assert BODY[s.start:s.text_start].strip() == s.marker


@pytest.mark.parametrize(
    "line, kind",
    [
        ("Thứ nhất: Tăng cường kiểm tra.", "ordinal"),
        ("Hai là, đổi mới phương thức lãnh đạo.", "ordinal"),
        ("3) Công khai kết quả.", "num"),
        ("II/ NHIỆM VỤ", "roman"),
        ("Điều 3. Tổ chức thực hiện", "article"),
        ("Chương II", "chapter"),
        ("1.1- Hoàn thiện thể chế.", "num"),
        ("2.3.1. Rà soát văn bản.", "num"),
        ("+ Kiểm tra hồ sơ.", "plus"),
        ("• Công khai kết quả.", "bullet"),
    ],
)
def test_markers(line, kind):
    roots = parse_structure(line, 0, len(line))
    assert roots and roots[0].kind == kind


def test_not_markers():
    text = "V/v tăng cường quản lý\n15/12/2025 là hạn cuối.\n------\n"
    assert parse_structure(text, 0, len(text)) == []


def test_paragraphs_keep_separate_sentences_apart():
    text = "Câu thứ nhất kết thúc.\nCâu thứ hai bắt đầu\nmột dòng nối tiếp"
    spans = paragraphs(text)
    assert len(spans) == 2
    assert text[spans[1][0]:spans[1][1]] == "Câu thứ hai bắt đầu\nmột dòng nối tiếp"


def test_marker_alone_on_its_line_and_paths_without_repeated_parents():
    text = "2. Nhiệm vụ\n2.1. Rà soát hồ sơ\n- Hoàn thành trong tháng 5.\n3. Quyền hạn của Ban\n\na)\nĐược yêu cầu cung cấp thông tin.\n"
    secs = {s.path: s for s in iter_sections(parse_structure(text, 0, len(text))) if s.kind != "dash"}
    assert "2.1" in secs and secs["2.1"].children[0].path == "2.1"  # a dash item adds no label
    assert "3.a" in secs
    a = secs["3.a"]
    assert text[a.text_start:a.first_end] == "Được yêu cầu cung cấp thông tin."


# an enumerator alone on its line: the next line is the section's own text (its heading)
@pytest.mark.parametrize(
    "text, path, own",
    [
        ("II. PHÂN CÔNG\n\n2.1.\nGiám đốc Trung tâm Y tế\n\n- Theo dõi dịch bệnh.\n", "II.2.1", "Giám đốc Trung tâm Y tế"),
        ("3.\nCác hợp tác xã\n- Báo cáo sản lượng.\n", "3", "Các hợp tác xã"),
        ("1. Chung\n\n1.2\nPhòng Kinh tế\n\n- Lập dự toán.\n", "1.2", "Phòng Kinh tế"),
        ("4.2.1.\nBan Quản lý chợ\n- Kiểm tra quầy hàng.\n", "4.2.1", "Ban Quản lý chợ"),
    ],
)
def test_enumerator_alone_takes_the_next_line(text, path, own):
    secs = {s.path: s for s in iter_sections(parse_structure(text, 0, len(text))) if s.kind != "dash"}
    sec = secs[path]
    assert text[sec.text_start:sec.first_end] == own
    assert sec.is_heading and sec.heading(text) == own
    assert [c.kind for c in sec.children] == ["dash"]


# a "- " or "a)" line that only continues a wrapped sentence is not a new item
@pytest.mark.parametrize(
    "text, n_paras",
    [
        # a compound broken at its hyphen: continuation
        ("1. Hỗ trợ các hội nghề nghiệp và tổ chức văn hóa\n- nghệ thuật của thành phố.\n", 1),
        ("Phát triển nông nghiệp công nghệ cao gắn với du lịch\n– sinh thái tại các xã vùng cao.\n", 1),
        # closing punctuation before it: a new item
        ("1. Hỗ trợ các hội nghề nghiệp của thành phố.\n- nghệ thuật là lĩnh vực ưu tiên.\n", 2),
        ("Các nhiệm vụ gồm;\n- rà soát hồ sơ.\n", 2),
        # a lead-in ending ":" keeps its lower-case items apart
        ("Các xã có trách nhiệm:\n- rà soát hộ nghèo;\n- lập danh sách.\n", 3),
        # an upper-case word after the dash: a new item
        ("Sở Nội vụ hướng dẫn các đơn vị thuộc tỉnh\n- Sở Tài chính bố trí kinh phí.\n", 2),
        # a point letter inside a run of point references
        ("Xử lý các trường hợp tại điểm a), b),\nc) khoản 2 Điều 5 của Quy chế này.\n", 1),
        # a real list of points after a comma-ended item stays a list
        ("a) Kiểm tra hồ sơ,\nb) Lập biên bản.\n", 2),
    ],
)
def test_wrapped_dash_and_point_lines(text, n_paras):
    assert len(paragraphs(text)) == n_paras


def test_wrapped_dash_keeps_exact_offsets():
    text = "II. NHIỆM VỤ\n1. Phát triển kinh tế\n- xã hội bền vững.\n2. Kiểm tra định kỳ.\n"
    secs = {s.path: s for s in iter_sections(parse_structure(text, 0, len(text)))}
    one = secs["II.1"]
    assert not one.children
    assert text[one.text_start:one.first_end] == "Phát triển kinh tế\n- xã hội bền vững."
    assert "II.2" in secs


# an upper-case title wrapped onto a second line stays the section's heading
@pytest.mark.parametrize(
    "text, path, heading, n_paras",
    [
        ("I. NHIỆM VỤ VÀ\nGIẢI PHÁP CHỦ YẾU\n1. Rà soát quy hoạch.\n", "I", "NHIỆM VỤ VÀ\nGIẢI PHÁP CHỦ YẾU", 1),
        ("Chương IV\n\nQUẢN LÝ KHO BÃI,\nBẾN CẢNG NỘI ĐỊA\n\nĐiều 9. Phạm vi\n", "IV", "QUẢN LÝ KHO BÃI,\nBẾN CẢNG NỘI ĐỊA", 1),
        # a blank line between: two paragraphs
        ("II. TỔ CHỨC THỰC HIỆN\n\nTHÔNG BÁO NỘI BỘ\n", "II", "TỔ CHỨC THỰC HIỆN", 2),
        # a closed title, or a mixed-case line after it: not joined
        ("III. KINH PHÍ.\nNGÂN SÁCH TỈNH\n", "III", "KINH PHÍ.", 2),
        ("IV. KIỂM TRA\nCác sở kiểm tra định kỳ.\n", "IV", "KIỂM TRA", 2),
    ],
)
def test_upper_case_title_on_two_lines(text, path, heading, n_paras):
    secs = {s.path: s for s in iter_sections(parse_structure(text, 0, len(text)))}
    sec = secs[path]
    assert sec.heading(text) == heading
    assert len(sec.paragraphs) == n_paras


def test_bare_roman_numeral_heads_the_next_line_unless_it_ends_a_sentence():
    text = ("Các sở thực hiện các nội dung sau:\n\nII.\nPhối hợp quản lý dự án\n\n1. Sở Xây dựng kiểm tra.\n\n"
            "Đề nghị giới thiệu đại biểu Hội đồng nhân dân tỉnh khóa\nXVI.\n")
    roots = parse_structure(text, 0, len(text))
    assert [r.label for r in roots] == ["II"]
    two = roots[0]
    assert two.heading(text) == "Phối hợp quản lý dự án"
    assert [c.path for c in two.children] == ["II.1"]
    assert text[two.children[0].paragraphs[-1][0]:two.children[0].paragraphs[-1][1]].endswith("khóa\nXVI.")
