"""PDF reading: two-column header order, re-joined lines, running headers,
and the bad PDFs (truncated, corrupt, encrypted, image-only)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _render as R  # noqa: E402

from pipeline.clean import clean  # noqa: E402
from pipeline.errors import ReadError  # noqa: E402
from pipeline.read import read_path  # noqa: E402

pytest.importorskip("fpdf")
FONT = R.find_font()
pytestmark = pytest.mark.skipif(FONT is None, reason="no TrueType font with Vietnamese glyphs")

EXTRA = [
    "{n}. Các phòng chuyên môn thuộc Ủy ban nhân dân huyện thường xuyên kiểm tra, đôn đốc việc thực hiện "
    "nhiệm vụ được giao tại cơ sở, kịp thời phát hiện và tháo gỡ khó khăn, vướng mắc phát sinh trong quá trình "
    "triển khai; tổng hợp kết quả, báo cáo theo định kỳ hằng tháng.",
    "{n}. Trung tâm Văn hóa, Thông tin và Thể thao phối hợp với các đoàn thể tổ chức tuyên truyền sâu rộng "
    "trong Nhân dân về ý nghĩa của việc giữ gìn vệ sinh môi trường, sử dụng tiết kiệm nguồn nước sạch.",
]


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory):
    d = tmp_path_factory.mktemp("pdf")
    return R.to_pdf(R.SAMPLE, d / "sample.pdf", font=FONT)


@pytest.fixture(scope="module")
def long_text():
    left, right, body = R.split_header(R.SAMPLE)
    extra = [EXTRA[k % 2].format(n=5 + k) for k in range(40)]
    cut = body.index("Nơi nhận:")
    return "\n".join(left + right + body[:cut] + extra + body[cut:]) + "\n"


def _clean(path) -> str:
    return clean(read_path(path).text).text


def _lines(text: str) -> list[str]:
    """The non-blank lines (blank lines mark blocks: header columns, table
    cells, paragraph gaps)."""
    return [ln for ln in text.split("\n") if ln]


def test_pdf_gives_the_same_clean_text_as_txt(sample_pdf, tmp_path):
    (tmp_path / "s.txt").write_text(R.SAMPLE, encoding="utf-8")
    assert R.normalise_ws(_clean(sample_pdf)) == R.normalise_ws(_clean(tmp_path / "s.txt"))


def test_two_column_header_reads_issuer_before_motto(sample_pdf):
    src = read_path(sample_pdf)
    assert src.format == "pdf" and src.meta["header_columns"] is True
    lines = _lines(src.text)
    # each header line whole, the issuer block first, then the motto block
    assert src.text.split("\n")[3] == ""  # a blank line between the columns
    assert lines[:6] == ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH NGUYÊN", "Số: 27/CT-UBND",
                         "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "Bình Nguyên, ngày 14 tháng 8 năm 2025"]
    assert lines[6] == "CHỈ THỊ"


@pytest.mark.parametrize("name", ["SAMPLE", "SAMPLE_CV"])
@pytest.mark.parametrize("align", ["L", "J"])
def test_one_line_per_paragraph_and_column_blocks(tmp_path, name, align):
    """Wrapped lines re-joined (left-aligned and justified); the header columns,
    the "V/v" subject wrapped in its column, and the "Nơi nhận" / signer columns
    at the end come out in the .txt order."""
    text = getattr(R, name)
    src = read_path(R.to_pdf(text, tmp_path / f"{name}.pdf", font=FONT, align=align))
    assert src.meta["header_columns"] and src.meta["footer_columns"]
    assert _lines(src.text) == [ln for ln in text.split("\n") if ln]


def test_running_headers_and_page_numbers_dropped(long_text, tmp_path):
    pdf = R.to_pdf(long_text, tmp_path / "long.pdf", font=FONT,
                   running_header="CÔNG BÁO/Số 915/Ngày 21-08-2025", page_numbers=True)
    src = read_path(pdf)
    assert src.meta["pages"] >= 3
    assert "CÔNG BÁO" not in src.text
    assert not any(ln.strip().isdigit() for ln in src.text.split("\n"))
    # paragraphs that cross a page break come out whole
    assert _lines(src.text) == [ln for ln in long_text.split("\n") if ln]


def test_indented_paragraphs_rejoin_after_a_sentence_end(tmp_path):
    """With first-line indents, a line at the margin continues the paragraph even
    when the full line above it happens to end with a sentence."""
    lines = [
        (28, "Các cơ quan, đơn vị rà soát toàn bộ hồ sơ tồn đọng trong tháng này.", True),
        (0, "Sở Tư pháp tổng hợp kết quả rà soát, báo cáo Ủy ban nhân dân tỉnh trước", True),
        (0, "ngày 20 hằng tháng.", False),
        (28, "Việc kiểm tra được tiến hành định kỳ hằng quý theo kế hoạch chung.", True),
        (0, "Kinh phí thực hiện do ngân sách tỉnh bảo đảm.", False),
        (28, "Giao Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc việc thực hiện.", False),
    ]
    src = read_path(R.pdf_from_lines(tmp_path / "ind.pdf", lines, font=FONT))
    assert _lines(src.text) == [
        "Các cơ quan, đơn vị rà soát toàn bộ hồ sơ tồn đọng trong tháng này. Sở Tư pháp tổng hợp kết quả rà soát, "
        "báo cáo Ủy ban nhân dân tỉnh trước ngày 20 hằng tháng.",
        "Việc kiểm tra được tiến hành định kỳ hằng quý theo kế hoạch chung. Kinh phí thực hiện do ngân sách tỉnh bảo đảm.",
        "Giao Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc việc thực hiện."]


def test_long_word_wrapped_early_is_rejoined(tmp_path):
    """A web address too long for the rest of a line wraps early: still one paragraph."""
    lines = [
        (0, "Các cơ quan, đơn vị tiếp tục rà soát, cập nhật đầy đủ thông tin của cán bộ,", True),
        (0, "công chức, viên chức trên hệ thống", False),
        (0, "(https://csdl-canbo-congchuc-vienchuc.binhnguyen.gov.vn/ho-so-ly-lich-dien-tu/cap-nhat)", False),
        (0, "và hoàn thành trước ngày 15 tháng 12.", False),
    ]
    src = read_path(R.pdf_from_lines(tmp_path / "url.pdf", lines, font=FONT))
    assert _lines(src.text) == [" ".join(t for _, t, _ in lines)]


@pytest.mark.parametrize("date_line", [
    "Thành phố Bình Nguyên Mới thuộc vùng Duyên hải, ngày 28 tháng 11 năm 2025",  # wraps in its column
    "Thị xã Bình Nguyên, ngày 14 tháng 8 năm 2025",  # wider than the motto above it
])
def test_header_date_line_wrapped_or_wide(tmp_path, date_line):
    lines = R.SAMPLE.split("\n")
    text = "\n".join(lines[:5] + [date_line] + lines[6:])
    src = read_path(R.to_pdf(text, tmp_path / "d.pdf", font=FONT))
    assert _lines(src.text)[:7] == lines[:5] + [date_line, "CHỈ THỊ"]


def test_full_width_line_above_the_header(tmp_path):
    """A stamp above the two columns stays first; the columns still split."""
    pdf = R.to_pdf(R.SAMPLE, tmp_path / "stamp.pdf", font=FONT,
                   running_header="HỎA TỐC - KHẨN - VĂN BẢN CÓ HIỆU LỰC NGAY TỪ NGÀY KÝ BAN HÀNH")
    src = read_path(pdf)
    lines = _lines(src.text)
    assert lines[0] == "HỎA TỐC - KHẨN - VĂN BẢN CÓ HIỆU LỰC NGAY TỪ NGÀY KÝ BAN HÀNH"
    assert lines[1:7] == R.SAMPLE.split("\n")[:6]


def test_pdf_stores_nfd_text_read_as_nfc(tmp_path):
    import unicodedata

    nfd = unicodedata.normalize("NFD", R.SAMPLE)
    src = read_path(R.to_pdf(nfd, tmp_path / "nfd.pdf", font=FONT))
    assert unicodedata.is_normalized("NFC", src.text)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in src.text


def test_pdf_without_two_column_header(tmp_path):
    text = "Kính gửi các cơ quan, đơn vị trong tỉnh.\nĐề nghị các đơn vị rà soát và báo cáo trước ngày 15 tháng 9 năm 2025.\n"
    src = read_path(R.to_pdf(text, tmp_path / "plain.pdf", font=FONT, two_columns=False))
    assert src.meta["header_columns"] is False
    assert _lines(src.text)[:2] == text.split("\n")[:2]


def test_ruled_table_one_cell_per_line(tmp_path):
    table = [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"],
             ["1", "Rà soát toàn bộ công trình cấp nước tập trung trên địa bàn các xã miền núi", "Sở Nông nghiệp và Môi trường", "Quý IV năm 2025"],
             ["2", "Kiểm tra chất lượng nước", "Sở Y tế", "Hằng quý"]]
    before = ["Phụ lục phân công nhiệm vụ như sau:"]
    after = ["Các cơ quan chủ động triển khai thực hiện."]
    src = read_path(R.pdf_with_table(tmp_path / "t.pdf", before, table, after, font=FONT))
    # one cell per line, a blank line between cells
    assert src.text.rstrip("\n").split("\n\n") == before + [c for r in table for c in r] + after


def test_ruled_header_table_keeps_cell_lines(tmp_path):
    """A header drawn as a ruled two-row table: each cell's lines stay lines."""
    table = [["ỦY BAN NHÂN DÂN\nTỈNH BÌNH NGUYÊN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"],
             ["Số: 27/CT-UBND", "Bình Nguyên, ngày 14 tháng 8 năm 2025"]]
    src = read_path(R.pdf_with_table(tmp_path / "h.pdf", [], table, ["CHỈ THỊ"], font=FONT))
    assert _lines(src.text) == [
        "ỦY BAN NHÂN DÂN", "TỈNH BÌNH NGUYÊN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 27/CT-UBND", "Bình Nguyên, ngày 14 tháng 8 năm 2025", "CHỈ THỊ"]


# ------------------------------------------------------------------ bad PDFs
def _err(path) -> str:
    with pytest.raises(ReadError) as ei:
        read_path(path)
    msg = str(ei.value)
    assert "\n" not in msg
    return msg


def test_truncated_pdf(sample_pdf, tmp_path):
    raw = sample_pdf.read_bytes()
    (tmp_path / "t.pdf").write_bytes(raw[: len(raw) // 2])
    assert "corrupt or truncated PDF" in _err(tmp_path / "t.pdf")


def test_corrupt_pdf(tmp_path):
    (tmp_path / "c.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert "corrupt or truncated PDF" in _err(tmp_path / "c.pdf")
    (tmp_path / "notpdf.pdf").write_bytes("Đây không phải là tệp PDF.".encode())
    # extension says pdf, content is text: read by content
    assert read_path(tmp_path / "notpdf.pdf").format == "txt"


def test_encrypted_pdf(sample_pdf, tmp_path):
    enc = R.encrypt_pdf(sample_pdf, tmp_path / "enc.pdf")
    assert "encrypted PDF" in _err(enc)


def test_owner_password_only_pdf_is_readable(sample_pdf, tmp_path):
    enc = R.encrypt_pdf(sample_pdf, tmp_path / "owner.pdf", password="")
    assert "CỘNG HÒA XÃ HỘI" in read_path(enc).text


def test_image_only_pdf_needs_ocr(tmp_path):
    assert "needs OCR" in _err(R.to_image_pdf(tmp_path / "scan.pdf"))


@pytest.mark.parametrize("scheme", ["vni"])  # TCVN3's "ư" is U+00AD, which fpdf2 drops as a soft hyphen
def test_pdf_typed_in_a_legacy_font_is_converted(tmp_path, scheme):
    """A PDF printed from a VNI-Times document extracts as mojibake."""
    from pipeline.read import legacy

    body = R.SAMPLE.split("\n")[8:12]
    moji = "\n".join(legacy.encode(ln, scheme).decode("cp1252") for ln in body)
    src = read_path(R.to_pdf(moji, tmp_path / "legacy.pdf", font=FONT, two_columns=False))
    assert src.encoding == scheme
    assert [ln.lower() for ln in _lines(src.text)] == [ln.lower() for ln in body]
