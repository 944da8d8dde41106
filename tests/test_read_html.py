"""HTML reading: the article body only, blocks as lines, tables one cell per line."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _render as R  # noqa: E402

from pipeline.clean import clean  # noqa: E402
from pipeline.read import read_path  # noqa: E402
from pipeline.read.html import html_to_text  # noqa: E402


def test_html_with_clutter_gives_the_same_clean_text_as_txt(tmp_path):
    f = tmp_path / "s.html"
    f.write_text(R.to_html(R.SAMPLE), encoding="utf-8")
    (tmp_path / "s.txt").write_text(R.SAMPLE, encoding="utf-8")
    src = read_path(f)
    assert src.format == "html" and src.meta["container"] == "article"
    assert R.normalise_ws(clean(src.text).text) == R.normalise_ws(clean(read_path(tmp_path / "s.txt").text).text)
    for junk in ("Trang chủ", "Thống kê", "Chia sẻ", "Tin liên quan", "Bản quyền", "không phải nội dung", "Tìm kiếm"):
        assert junk not in src.text


@pytest.mark.parametrize("html,lines", [
    # blocks and <br> end lines; inline tags do not
    ("<div class='noidung'><p>Điều 1. Phạm vi <b>điều chỉnh</b></p><p>Dòng một<br>dòng hai</p>" + "<p>" + "x " * 120 + "</p></div>",
     ["Điều 1. Phạm vi điều chỉnh", "Dòng một", "dòng hai"]),
    # a table: row by row, one cell per line, a blank line between cells
    ("<article><table><tr><td>TT</td><td>Nội dung</td></tr><tr><td>1</td><td>Báo cáo quý</td></tr></table>"
     + "<p>" + "y " * 120 + "</p></article>",
     ["TT", "", "Nội dung", "", "1", "", "Báo cáo quý"]),
])
def test_html_blocks(html, lines):
    text, _ = html_to_text("<html><body><nav>Menu</nav>" + html + "<footer>Chân trang</footer></body></html>")
    assert text.split("\n")[:len(lines)] == lines
    assert "Menu" not in text and "Chân trang" not in text


def test_densest_block_when_no_container_hint():
    body = "".join(f"<p>Đoạn văn bản thứ {k} nói về nhiệm vụ trọng tâm của cơ quan trong năm tới.</p>" for k in range(6))
    html = f"<html><body><div><a href='/'>Trang chủ</a> <a href='/a'>Giới thiệu</a></div><div>{body}</div></body></html>"
    text, _ = html_to_text(html)
    assert text.startswith("Đoạn văn bản thứ 0") and "Giới thiệu" not in text


def test_html_charset_from_meta(tmp_path):
    html = '<html><head><meta charset="windows-1258"></head><body><article><p>' + \
        "Quyết định phê duyệt kế hoạch năm. " * 10 + "</p></article></body></html>"
    f = tmp_path / "w.htm"
    f.write_bytes(R.to_bytes(html, "cp1258"))
    assert read_path(f).text.startswith("Quyết định phê duyệt kế hoạch năm.")


@pytest.mark.parametrize("scheme", ["tcvn3", "vni"])
def test_web_page_typed_in_a_legacy_font(tmp_path, scheme):
    from pipeline.read import legacy

    body = R.SAMPLE.split("\n")[8:12]
    paras = "".join(f"<p>{legacy.encode(ln, scheme).decode('cp1252')}</p>" for ln in body)
    f = tmp_path / "old.html"
    f.write_text(f'<html><head><meta charset="utf-8"></head><body><div id="content">{paras}</div></body></html>',
                 encoding="utf-8")
    src = read_path(f)
    assert src.encoding == f"utf-8+{scheme}"
    assert src.text.rstrip("\n").lower().split("\n") == [ln.lower() for ln in body]


def test_wrapper_with_a_clutter_like_class_is_kept():
    body = "".join(f"<p>Điều {k}. Các cơ quan thực hiện nhiệm vụ được giao đúng thời hạn quy định.</p>" for k in range(1, 6))
    html = (f'<html><body><div id="content"><div class="print-area">{body}</div>'
            f'<div class="share">Chia sẻ Facebook</div><p style="display:none">ẩn đi</p></div></body></html>')
    text, _ = html_to_text(html)
    assert text.startswith("Điều 1.") and "Điều 5." in text
    assert "Chia sẻ" not in text and "ẩn đi" not in text


def test_paragraphs_written_as_bare_divs():
    body = "".join(f"<div>Nội dung đoạn {k}: các cơ quan, đơn vị thực hiện nghiêm túc chỉ đạo của cấp trên.</div>" for k in range(5))
    html = (f"<html><body><div class='menu-top'><div><a>Giới thiệu</a></div><div><a>Liên hệ</a></div></div>"
            f"<div class='x1'>{body}</div></body></html>")
    text, _ = html_to_text(html)
    assert text.startswith("Nội dung đoạn 0:") and "Liên hệ" not in text
    assert len(text.rstrip("\n").split("\n")) == 5


def test_spans_in_legacy_fonts_are_converted():
    """A page saved from Word: runs in .VnTime / .VnTimeH / VNI-Times fonts."""
    from pipeline.read import legacy

    def moji(t, scheme):
        return legacy.encode(t, scheme).decode("cp1252")

    body = ('<p>Chủ tịch <span style="font-family:\'.VnTimeH\'">' + moji("ủ", "tcvn3") + "</span>"
            + '<span style="font-family:.VnTime;font-size:13pt">' + moji("y ban nhân dân tỉnh giao nhiệm vụ.", "tcvn3")
            + "</span></p>"
            + '<p><font face="VNI-Times">' + moji("Sở Y tế báo cáo hằng quý.", "vni") + "</font></p>"
            + "<p>" + "Đoạn văn bản Unicode bình thường. " * 8 + "</p>")
    text, meta = html_to_text(f"<html><body><article>{body}</article></body></html>")
    assert text.split("\n")[:2] == ["Chủ tịch Ủy ban nhân dân tỉnh giao nhiệm vụ.", "Sở Y tế báo cáo hằng quý."]
    assert meta["legacy_font_runs"] == 3
