"""DOCX reading: paragraphs and tables in document order, one cell per line."""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _render as R  # noqa: E402

from pipeline.clean import clean  # noqa: E402
from pipeline.errors import ReadError  # noqa: E402
from pipeline.read import read_path  # noqa: E402

docx = pytest.importorskip("docx")


def test_docx_gives_the_same_clean_text_as_txt(tmp_path):
    d = R.to_docx(R.SAMPLE, tmp_path / "s.docx")
    (tmp_path / "s.txt").write_text(R.SAMPLE, encoding="utf-8")
    got = clean(read_path(d).text).text
    want = clean(read_path(tmp_path / "s.txt").text).text
    assert R.normalise_ws(got) == R.normalise_ws(want)
    src = read_path(d)
    assert src.format == "docx" and src.meta["tables"] == 1
    # the header table: left cell (issuer, Số) before the right cell (motto, date),
    # a blank line between the cells
    assert src.text.split("\n")[:7] == R.SAMPLE.split("\n")[:3] + [""] + R.SAMPLE.split("\n")[3:6]


def test_tables_row_by_row_in_document_order(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("Phụ lục: phân công nhiệm vụ")
    t = doc.add_table(rows=3, cols=3)
    cells = [["TT", "Nhiệm vụ", "Cơ quan chủ trì"],
             ["1", "Rà soát công trình cấp nước", "Sở Nông nghiệp và Môi trường"],
             ["2", "Kiểm tra chất lượng nước", "Sở Y tế"]]
    for r, row in enumerate(cells):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    merged = doc.add_table(rows=2, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "Ô gộp hai cột"
    merged.cell(1, 0).text = "trái"
    merged.cell(1, 1).text = "phải"
    doc.add_paragraph("Đoạn kết sau bảng.")
    f = tmp_path / "t.docx"
    doc.save(f)
    text = read_path(f).text
    # one cell per line, row by row, a blank line between cells
    assert text.rstrip("\n").split("\n\n") == ["Phụ lục: phân công nhiệm vụ"] + [v for row in cells for v in row] + \
        ["Ô gộp hai cột", "trái", "phải", "Đoạn kết sau bảng."]


def test_nested_table_read_in_place(tmp_path):
    doc = docx.Document()
    outer = doc.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "ngoài trái"
    inner_cell = outer.cell(0, 1)
    inner_cell.text = "ngoài phải"
    inner = inner_cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "trong 1"
    inner.cell(0, 1).text = "trong 2"
    f = tmp_path / "n.docx"
    doc.save(f)
    # the inner table stays inside its cell
    assert read_path(f).text.rstrip("\n").split("\n\n") == ["ngoài trái", "ngoài phải\ntrong 1\ntrong 2"]


def test_automatic_list_numbers_are_kept(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("Giao nhiệm vụ cụ thể như sau:")
    for t in ("Sở Y tế kiểm tra chất lượng nước.", "Sở Tài chính bố trí kinh phí."):
        doc.add_paragraph(t, style="List Number")
    doc.add_paragraph("Tuyên truyền trong Nhân dân.", style="List Bullet")
    f = tmp_path / "num.docx"
    doc.save(f)
    assert read_path(f).text.rstrip("\n").split("\n") == [
        "Giao nhiệm vụ cụ thể như sau:", "1. Sở Y tế kiểm tra chất lượng nước.",
        "2. Sở Tài chính bố trí kinh phí.", "- Tuyên truyền trong Nhân dân."]


def test_runs_in_legacy_fonts_are_converted(tmp_path):
    from pipeline.read import legacy

    doc = docx.Document()
    p = doc.add_paragraph()
    p.add_run("Chủ tịch ")  # a Unicode font
    r = p.add_run(legacy.encode("ủ", "tcvn3").decode("cp1252"))
    r.font.name = ".VnTimeH"  # the upper-case font: one capital letter
    r = p.add_run(legacy.encode("y ban nhân dân tỉnh giao nhiệm vụ.", "tcvn3").decode("cp1252"))
    r.font.name = ".VnTime"
    h = doc.add_paragraph().add_run(legacy.encode("quyết định", "tcvn3").decode("cp1252"))
    h.font.name = ".VnTimeH"
    v = doc.add_paragraph().add_run(legacy.encode("Sở Y tế báo cáo hằng quý.", "vni").decode("cp1252"))
    v.font.name = "VNI-Times"
    f = tmp_path / "vn.docx"
    doc.save(f)
    assert read_path(f).text.rstrip("\n").split("\n") == [
        "Chủ tịch Ủy ban nhân dân tỉnh giao nhiệm vụ.", "QUYẾT ĐỊNH", "Sở Y tế báo cáo hằng quý."]


def test_pdf_like_text_in_legacy_font_detected_without_font_names(tmp_path):
    from pipeline.read import legacy

    doc = docx.Document()
    for ln in R.SAMPLE.split("\n")[7:12]:
        doc.add_paragraph(legacy.encode(ln, "vni").decode("cp1252"))
    f = tmp_path / "vni.docx"
    doc.save(f)
    src = read_path(f)
    assert src.encoding == "vni"
    assert src.text.rstrip("\n").split("\n") == R.SAMPLE.split("\n")[7:12]


def test_text_box_lines_are_read(tmp_path):
    from docx.oxml import parse_xml

    doc = docx.Document()
    p = doc.add_paragraph()
    box = parse_xml(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        '<w:p><w:r><w:t>ỦY BAN NHÂN DÂN</w:t></w:r></w:p><w:p><w:r><w:t>Số: 27/CT-UBND</w:t></w:r></w:p>'
        '</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
    p._p.append(box)
    doc.add_paragraph("CHỈ THỊ")
    f = tmp_path / "box.docx"
    doc.save(f)
    lines = [ln for ln in read_path(f).text.split("\n") if ln]
    assert lines == ["ỦY BAN NHÂN DÂN", "Số: 27/CT-UBND", "CHỈ THỊ"]


def _err(path) -> str:
    with pytest.raises(ReadError) as ei:
        read_path(path)
    assert "\n" not in str(ei.value)
    return str(ei.value)


def test_truncated_docx(tmp_path):
    d = R.to_docx(R.SAMPLE, tmp_path / "s.docx").read_bytes()
    (tmp_path / "t.docx").write_bytes(d[: len(d) // 2])
    assert "corrupt" in _err(tmp_path / "t.docx")


def test_zip_that_is_not_a_docx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("ghichu.txt", "không phải văn bản Word")
    (tmp_path / "z.docx").write_bytes(buf.getvalue())
    assert "not a .docx" in _err(tmp_path / "z.docx")


def test_rtf(tmp_path):
    (tmp_path / "a.rtf").write_bytes(b"{\\rtf1\\ansi Chi thi}")
    assert "RTF" in _err(tmp_path / "a.rtf")


def test_old_word_doc(tmp_path):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert ".doc" in _err(tmp_path / "old.doc")
