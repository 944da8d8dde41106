"""clean(): named steps, clutter removed, body kept, offsets map back."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _render as R  # noqa: E402

from pipeline.clean import STEPS, clean  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

CASES = [
    # (name, input, expected clean text)
    ("nfc", "Quye\u0302\u0301t đi\u0323nh\n", "Quyết định\n"),
    ("crlf", "Dòng một\r\nDòng hai\rDòng ba\n", "Dòng một\nDòng hai\nDòng ba\n"),
    ("invisible", "Kế\u200b hoạch\u00a0số 5\ufeff\n", "Kế hoạch số 5\n"),
    ("image and views", "image banner\nTiêu đề bài viết\nLượt xem: 1.204\n\nNội dung chính.\n",
     "Tiêu đề bài viết\n\nNội dung chính.\n"),
    ("stats block", "Nội dung chính.\nThống kê truy cập\n  • Đang online: 12\n  • Hôm nay: 300\n"
     "  • Trong tuần: 5 183\n  • Trong tháng: 13 684\n  • Tất cả: 72697\nĐăng nhập",
     "Nội dung chính.\n"),
    ("pagination and ads", "Kết thúc văn bản./.\n1 2 3 4 5  ...\nimage advertisement\nimage advertisement\n",
     "Kết thúc văn bản./.\n"),
    ("share buttons", "Chia sẻ | In bài | Gửi email\nĐoạn văn.\n", "Đoạn văn.\n"),
    ("gazette header", "đoạn trước\nCÔNG BÁO/Số 915/Ngày 21-08-2025\n71\n\ntiếp đoạn sau\n",
     "đoạn trước\ntiếp đoạn sau\n"),
    ("signature stamp", "Nội dung.\nKý bởi: CƠ QUAN BAN HÀNH\nCơ quan: VĂN PHÒNG\nNgày ký: 2025-08-21 09:00:00 +07:00\n",
     "Nội dung.\n"),
    ("markdown", "**ỦY BAN NHÂN DÂN\nTỈNH BÌNH NGUYÊN**\n__Về việc__ kiểm tra\n", "ỦY BAN NHÂN DÂN\nTỈNH BÌNH NGUYÊN\nVề việc kiểm tra\n"),
    ("footnote marks kept", "Số liệu ước tính (**).\n(*) Theo báo cáo; (**) chưa gồm dự án mới.\n",
     "Số liệu ước tính (**).\n(*) Theo báo cáo; (**) chưa gồm dự án mới.\n"),
    ("rule lines kept", "THỦ TƯỚNG\n__________\nSố: 1/CT-TTg\n", "THỦ TƯỚNG\n__________\nSố: 1/CT-TTg\n"),
    ("dup caption", "Hội nghị triển khai nhiệm vụ năm 2025 của ngành\nHội nghị triển khai nhiệm vụ năm 2025 của ngành\nNội dung.\n",
     "Hội nghị triển khai nhiệm vụ năm 2025 của ngành\nNội dung.\n"),
    ("indent and blank runs", "\n\n    Đoạn một.   \n\n\n\n\tĐoạn hai.\n\n\n", "Đoạn một.\n\nĐoạn hai.\n"),
    ("web time stamps", "Tiêu đề\nThứ Tư, 17/01/2024, 01:48 [GMT+7]\nNgày đăng: 05/02/2025 08:30\n12/3/2025 09:15\nNội dung.\n",
     "Tiêu đề\nNội dung.\n"),
    ("related articles tail", "Đoạn một của bài.\nĐoạn hai của bài.\nĐoạn ba của bài.\nTin liên quan\nHội nghị A\nHội nghị B\n",
     "Đoạn một của bài.\nĐoạn hai của bài.\nĐoạn ba của bài.\n"),
    ("tags", "Nội dung.\nTừ khóa: chuyển đổi số, cải cách hành chính\n", "Nội dung.\n"),
    # body text that only looks like clutter is kept
    ("date lines kept", "Hà Nội, ngày 14 tháng 8 năm 2025\nNgày 12/3/2025, Sở Y tế đã họp.\n",
     "Hà Nội, ngày 14 tháng 8 năm 2025\nNgày 12/3/2025, Sở Y tế đã họp.\n"),
    ("related-looking heading before list items kept", "Đoạn một.\nĐoạn hai.\nXem thêm\n- Phụ lục kèm theo;\n- Biểu mẫu báo cáo.\n",
     "Đoạn một.\nĐoạn hai.\nXem thêm\n- Phụ lục kèm theo;\n- Biểu mẫu báo cáo.\n"),
    ("related-looking heading mid-text kept", "Đoạn một.\nTin khác\nĐoạn hai " + "rất dài " * 40 + "\nĐoạn ba.\n",
     "Đoạn một.\nTin khác\nĐoạn hai " + ("rất dài " * 40).strip() + "\nĐoạn ba.\n"),
    ("body kept", "Lượt xem xét hồ sơ được thực hiện hai lần.\nHôm nay: 20 hồ sơ\n1. Nhiệm vụ\n2 3 đợt/năm\n",
     "Lượt xem xét hồ sơ được thực hiện hai lần.\nHôm nay: 20 hồ sơ\n1. Nhiệm vụ\n2 3 đợt/năm\n"),
    ("punctuation untouched", "Thực hiện Nghị quyết số 02- NQ/ĐUK ;giai đoạn 2021- 2030 .\n",
     "Thực hiện Nghị quyết số 02- NQ/ĐUK ;giai đoạn 2021- 2030 .\n"),
]


@pytest.mark.parametrize("name,text,want", CASES, ids=[c[0] for c in CASES])
def test_clean_cases(name, text, want):
    c = clean(text)
    assert c.text == want
    _check_offsets(text, c)


def _check_offsets(src: str, c) -> None:
    """Every kept character maps back to the same character of the input."""
    import unicodedata

    assert len(c.offsets) == len(c.text) + 1
    assert c.to_source(len(c.text)) <= len(src)
    prev = -1
    for i, ch in enumerate(c.text):
        j = c.to_source(i)
        assert j >= prev  # monotone
        prev = j
        if ch not in " \n":
            assert unicodedata.normalize("NFC", src[j:j + 3]).startswith(ch) or src[j] == ch, (i, ch, src[j:j + 3])


def test_steps_are_named_and_composable():
    text = "image banner\n**Đậm**\r\n"
    assert clean(text).steps == ["line_endings", "clutter", "markdown"]
    only = clean(text, steps=["markdown"])
    assert only.text == "image banner\nĐậm\r\n" and only.steps == ["markdown"]
    assert set(STEPS) >= {"nfc", "line_endings", "clutter", "markdown", "strip_lines", "blank_lines"}


def test_offsets_of_a_phrase_after_clutter():
    src = R.to_scraped_txt(R.SAMPLE)
    c = clean(src)
    phrase = "Sở Y tế tổ chức kiểm tra chất lượng nước"
    i = c.text.index(phrase)
    j = c.to_source(i)
    assert src[j:j + len(phrase)] == phrase
    assert c.from_source(j) == i
    # a span whose end touches removed clutter maps back without the clutter
    last = "Trần Văn Minh"
    k = c.text.index(last)
    a, b = c.span_to_source(k, k + len(last))
    assert src[a:b] == last
    assert R.normalise_ws(c.text) == R.normalise_ws(R.SAMPLE)


def test_seeds_lose_only_clutter():
    seeds = sorted((SHARED / "seeds").glob("*.txt")) if (SHARED / "seeds").is_dir() else []
    if not seeds:
        pytest.skip("../shared is absent")
    for f in seeds:
        src = f.read_text(encoding="utf-8")
        c = clean(src)
        _check_offsets(src, c)
        # at most a fifth of a document is clutter
        assert len(c.text) > 0.8 * len(src.strip()), f.name


def test_unwrap_rejoins_hard_wrapped_text():
    import textwrap

    paras = [R.SAMPLE.split("\n")[8], R.SAMPLE.split("\n")[9], R.SAMPLE.split("\n")[10], R.SAMPLE.split("\n")[11]]
    wrapped = "\n".join(textwrap.fill(p, 78) for p in paras) + "\n"
    c = clean(wrapped)
    assert c.text == "\n".join(paras) + "\n"
    assert "unwrap" in c.steps and len(c.text) == len(wrapped)
    # a text with long paragraph lines is left alone
    assert clean(R.SAMPLE, steps=["unwrap"]).text == R.SAMPLE


def test_required_chars_of_a_pattern():
    from pipeline.clean import _required_chars

    assert _required_chars(r"tags?\s*:.{0,300}") == {":"}
    assert _required_chars(r"(ngày đăng|cập nhật)\s*:?") == {" "}
    assert _required_chars(r"(a:|b:)x") == {":"}
    assert _required_chars(r"(a:|b)x") == set()
    assert _required_chars(r"x(:\d)?|y") == set()
    assert _required_chars(r"(?x) a \: b") == {":"}  # verbose: the blanks are not literals
    assert _required_chars(r"a(/\s*b){1,3}") == {"/"}
    assert _required_chars(r"a(/\s*b){0,3}") == set()


def test_clutter_line_alternation_agrees_with_all_patterns():
    """A line pattern left out for a line that lacks a character it needs never matched it."""
    from pipeline.clean import _clutter_any, _clutter_line

    lines = ["Ảnh: Nguyễn Văn A", "Tags: a, b", "Lượt xem: 1.234", "« 1 2 3 4 »", "1 3 4", "Trang 1/5",
             "Trang 1 5", "Thứ Tư, 17/01/2024, 01:48 [GMT+7]", "17/01/2024 01:48", "Ngày đăng: 12/3/2024",
             "Đang online: 12", "• Đang truy cập : 5", "Bình luận (3)", "Chia sẻ bài viết: x",
             "Trang chủ | Tin tức", "Điều 1. Phạm vi điều chỉnh", "ảnh hưởng: lớn", "Banner", "in bài"]
    every = _clutter_any()[0]
    for ln in lines:
        assert bool(_clutter_line(ln).fullmatch(ln)) == bool(every.fullmatch(ln)), ln
