"""Render a plain-text directive into the other input formats (for tests and
``corpus/make_formats.py``): .docx (header as a two-column table), .pdf (fpdf2,
two-column header, body wrapped by the renderer), .html (with site clutter),
and legacy TCVN3 / VNI / cp1258 / UTF-16 bytes.

The header split: the lines before the national / party motto are the left
column (issuer, "Số:"), the motto down to the place-and-date line the right one.
"""
from __future__ import annotations

import datetime as _dt

_FIXED_TIME = _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc)

import glob
import html as _html
import os
import re
import unicodedata
from pathlib import Path

from pipeline.read import legacy

# A directive written for the tests (no sentence taken from a real document).
SAMPLE = """ỦY BAN NHÂN DÂN
TỈNH BÌNH NGUYÊN
Số: 27/CT-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bình Nguyên, ngày 14 tháng 8 năm 2025
CHỈ THỊ
Về việc tăng cường quản lý, bảo vệ nguồn nước sinh hoạt ở vùng nông thôn
Trong thời gian qua, việc cấp nước sạch cho người dân nông thôn trên địa bàn tỉnh đã có nhiều chuyển biến tích cực, tỷ lệ hộ gia đình được dùng nước hợp vệ sinh tăng đều qua từng năm. Tuy nhiên, một số công trình cấp nước tập trung xuống cấp nhanh, việc vận hành và bảo dưỡng chưa được quan tâm đúng mức, nguồn nước ở nhiều nơi có dấu hiệu ô nhiễm.
Để khắc phục tình trạng trên, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và Ủy ban nhân dân các xã, phường thực hiện tốt các nhiệm vụ sau:
1. Sở Nông nghiệp và Môi trường chủ trì, phối hợp với các địa phương rà soát toàn bộ công trình cấp nước tập trung, đề xuất phương án sửa chữa, nâng cấp; báo cáo Ủy ban nhân dân tỉnh trước ngày 30 tháng 10 năm 2025.
2. Sở Y tế tổ chức kiểm tra chất lượng nước sinh hoạt định kỳ hằng quý, công bố kết quả trên cổng thông tin điện tử của tỉnh.
3. Ủy ban nhân dân các xã, phường:
a) Tuyên truyền, vận động người dân giữ gìn vệ sinh quanh giếng nước, bể chứa và đường ống;
b) Xử lý nghiêm các hành vi xả thải trái phép vào nguồn nước theo quy định của Luật Tài nguyên nước năm 2023.
4. Giao Sở Tài chính cân đối, bố trí kinh phí để thực hiện Chỉ thị này.
Các cơ quan, đơn vị được giao nhiệm vụ nghiêm túc triển khai thực hiện; định kỳ 6 tháng, hằng năm báo cáo kết quả về Ủy ban nhân dân tỉnh (qua Sở Nông nghiệp và Môi trường) để tổng hợp./.
Nơi nhận:
- Bộ Nông nghiệp và Môi trường (để b/c);
- Thường trực Tỉnh ủy (để b/c);
- Như trên;
- Lưu: VT, KT.
CHỦ TỊCH
Trần Văn Minh
"""

# An official letter (công văn): its subject line "V/v ..." sits under "Số:" in
# the left column and runs below the date of the right column.
SAMPLE_CV = """UBND TỈNH BÌNH NGUYÊN
SỞ Y TẾ
Số: 1520/SYT-NVY
V/v tăng cường kiểm tra an toàn thực phẩm trong dịp Tết Nguyên đán năm 2026
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bình Nguyên, ngày 2 tháng 12 năm 2025
Kính gửi:
- Trung tâm Kiểm soát bệnh tật tỉnh;
- Phòng Y tế các xã, phường.
Để bảo đảm an toàn thực phẩm trong dịp Tết, Sở Y tế đề nghị các đơn vị thành lập đoàn kiểm tra liên ngành, tập trung vào các cơ sở sản xuất, kinh doanh bánh mứt kẹo, rượu, bia và nước giải khát; xử lý nghiêm các vi phạm theo quy định.
Kết quả kiểm tra gửi về Sở Y tế (qua Phòng Nghiệp vụ Y) trước ngày 20 tháng 02 năm 2026 để tổng hợp, báo cáo Ủy ban nhân dân tỉnh.
Nơi nhận:
- Như trên;
- Lưu: VT, NVY.
GIÁM ĐỐC
Lê Thị Hoa
"""

MOTTO = re.compile(r"^(CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|ĐẢNG CỘNG SẢN VIỆT NAM)", re.I)
DATE_LINE = re.compile(r"ngày\s*\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}", re.I)


def split_header(text: str) -> tuple[list[str], list[str], list[str]]:
    """(left column lines, right column lines, body lines); empty columns when
    the text has no motto in its first 15 lines.  Blank lines are dropped from
    the columns and kept in the body ("" entries, a run squeezed to one)."""
    raw = [ln.strip() for ln in text.strip("\n").split("\n")]
    lines = [ln for ln in raw if ln]
    for i, ln in enumerate(lines[:15]):
        if MOTTO.match(ln) and i > 0:
            left = lines[:i]
            j = i
            while j < len(lines) and j < i + 10:
                if DATE_LINE.search(lines[j]):
                    break
                j += 1
            if j >= len(lines) or j >= i + 10:
                j = min(i + 1, len(lines) - 1)
            # between the motto and the date, "Số: ..." and "V/v ..." belong on the left
            right = []
            for ln2 in lines[i:j + 1]:
                (left if ln2.startswith(("Số", "V/v", "V/V")) else right).append(ln2)
            return left, right, _body_after(raw, j + 1)
    return [], [], _body_after(raw, 0)


def _body_after(raw: list[str], n_nonblank: int) -> list[str]:
    """The lines after the first ``n_nonblank`` non-blank ones, blank runs squeezed."""
    seen = 0
    k = 0
    while k < len(raw) and seen < n_nonblank:
        seen += bool(raw[k])
        k += 1
    body: list[str] = []
    for ln in raw[k:]:
        if ln or (body and body[-1]):
            body.append(ln)
    while body and not body[-1]:
        body.pop()
    while body and not body[0]:
        body.pop(0)
    return body


def find_font() -> str | None:
    """A TrueType font with Vietnamese glyphs (DejaVu Sans), or None."""
    env = os.environ.get("VANBAN_TEST_FONT")
    if env and os.path.exists(env):
        return env
    cands = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans.ttf",
             "/usr/share/fonts/TTF/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans.ttf"]
    try:
        import matplotlib

        cands.append(os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf", "DejaVuSans.ttf"))
    except Exception:
        pass
    try:
        import fpdf

        cands += glob.glob(os.path.join(os.path.dirname(fpdf.__file__), "**", "DejaVuSans.ttf"), recursive=True)
    except Exception:
        pass
    here = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "fonts"
    cands += sorted(glob.glob(str(here / "*.ttf")))
    cands += sorted(glob.glob("/usr/share/fonts/**/DejaVuSans.ttf", recursive=True))
    cands += sorted(glob.glob("/usr/share/fonts/**/NotoSans-Regular.ttf", recursive=True))
    cands += sorted(glob.glob("/usr/share/fonts/**/LiberationSans-Regular.ttf", recursive=True))
    for c in cands:
        if os.path.exists(c):
            return c
    return None


# ------------------------------------------------------------------ docx
def to_docx(text: str, path) -> Path:
    import docx
    from docx.shared import Pt

    left, right, body = split_header(text)
    doc = docx.Document()
    doc.core_properties.created = doc.core_properties.modified = _FIXED_TIME  # reproducible bytes
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    if left or right:
        table = doc.add_table(rows=1, cols=2)
        for cell, lines in zip(table.rows[0].cells, (left, right)):
            cell.paragraphs[0].text = lines[0] if lines else ""
            for ln in lines[1:]:
                cell.add_paragraph(ln)
    for ln in body:
        doc.add_paragraph(ln)
    path = Path(path)
    doc.save(path)
    _fix_zip_times(path)
    return path


def _fix_zip_times(path: Path) -> None:
    """Give every member of a zip (a .docx) one fixed time, so the same text gives the same bytes."""
    import io
    import zipfile

    src = zipfile.ZipFile(path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, src.read(info.filename))
    src.close()
    path.write_bytes(buf.getvalue())


# ------------------------------------------------------------------ pdf
def to_pdf(text: str, path, font: str | None = None, two_columns: bool = True,
           running_header: str | None = None, page_numbers: bool = False, align: str = "L",
           indent: float = 0) -> Path:
    """A4 PDF, DejaVu Sans 11 pt; the header in two columns (issuer left,
    motto right, at the same height), then the body wrapped to the page width.
    ``running_header``: a line printed at the top of every page (as the
    official gazette does); ``page_numbers``: a bare number at the foot."""
    from fpdf import FPDF as _FPDF

    class FPDF(_FPDF):
        def header(self):
            if running_header:
                self.set_font("dv", size=9)
                self.cell(0, 12, running_header, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(6)
                self.set_font("dv", size=11)

        def footer(self):
            if page_numbers:
                self.set_y(-40)
                self.set_font("dv", size=9)
                self.cell(0, 12, str(self.page_no()), align="C")
                self.set_font("dv", size=11)

    font = font or find_font()
    if font is None:
        raise RuntimeError("no TrueType font with Vietnamese glyphs found")
    left, right, body = split_header(text) if two_columns else ([], [], split_header(text)[2])
    if not two_columns:
        body = [ln for ln in text.strip().split("\n") if ln.strip()]
    pdf = FPDF(format="A4", unit="pt")
    pdf.set_creation_date(_FIXED_TIME)  # reproducible bytes
    pdf.set_margins(57, 57, 57)
    pdf.set_auto_page_break(True, margin=57)
    pdf.add_font("dv", "", font)
    pdf.set_font("dv", size=11)
    pdf.add_page()
    lh = 15
    page_w = pdf.w - pdf.l_margin - pdf.r_margin
    if left or right:
        y0 = pdf.get_y()
        col_l = page_w * 0.38
        col_r = page_w * 0.58
        x_r = pdf.l_margin + page_w - col_r
        pdf.set_xy(pdf.l_margin, y0)
        for ln in left:
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(col_l, lh, ln, align="C", new_x="LMARGIN", new_y="NEXT")
        y_left = pdf.get_y()
        pdf.set_xy(x_r, y0)
        for ln in right:
            pdf.set_x(x_r)
            pdf.multi_cell(col_r, lh, ln, align="C", new_x="LEFT", new_y="NEXT")
        pdf.set_xy(pdf.l_margin, max(y_left, pdf.get_y()) + lh * 1.5)
    n_title = _title_lines(body) if (left or right) else 0
    recipients, signer, after = [], [], []
    if two_columns:
        body, recipients, signer, after = split_footer(body)
    for k, ln in enumerate(body):
        pdf.set_x(pdf.l_margin)
        if not ln:
            pdf.ln(lh)  # a blank line: paragraph spacing
            continue
        if k < n_title:  # the document type and its subject, centred, space after
            pdf.multi_cell(0, lh, ln, align="C", new_x="LMARGIN", new_y="NEXT")
            if k == n_title - 1:
                pdf.ln(lh)
            continue
        if indent and not re.match(r"^([-+•]|\d+[.)]|[a-zđ]\)|[IVX]+\.)", ln):
            # a first-line indent: the first line starts further in, the rest at the margin
            pdf.set_x(pdf.l_margin + indent)
            pdf.write(lh, ln)
            pdf.ln(lh)
            continue
        pdf.multi_cell(0, lh, ln, align=align, new_x="LMARGIN", new_y="NEXT")
    if recipients:
        if pdf.get_y() > pdf.h - 57 - lh * max(len(recipients), len(signer) + 3):
            pdf.add_page()
        y0 = pdf.get_y() + lh
        pdf.set_font("dv", size=9)
        pdf.set_xy(pdf.l_margin, y0)
        for ln in recipients:
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(page_w * 0.45, lh * 0.8, ln, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("dv", size=11)
        x_r = pdf.l_margin + page_w * 0.52
        pdf.set_xy(x_r, y0)
        for k, ln in enumerate(signer):
            pdf.set_x(x_r)
            pdf.multi_cell(page_w * 0.48, lh, ln, align="C", new_x="LEFT", new_y="NEXT")
            if k == len(signer) - 2:
                pdf.ln(lh * 3)  # room for the signature and seal
        pdf.set_xy(pdf.l_margin, max(pdf.get_y(), y0 + lh * 0.8 * len(recipients)) + lh)
    for ln in after:  # an appendix after the signature
        pdf.set_x(pdf.l_margin)
        if not ln:
            pdf.ln(lh)
            continue
        pdf.multi_cell(0, lh, ln, align=align, new_x="LMARGIN", new_y="NEXT")
    path = Path(path)
    pdf.output(str(path))
    return path


class _SignerTitle:
    """A signer's title line: "TM. ...", "KT. ...", or all upper-case ("CHỦ TỊCH")."""

    _prefix = re.compile(r"^(TM\.|T/M|KT\.|TL\.|TUQ\.|Q\.)")

    def match(self, line: str) -> bool:
        return bool(self._prefix.match(line)) or (
            len(line) >= 4 and line == line.upper() and any(c.isalpha() for c in line)
            and not line.startswith(("-", "+")))


_SIGNER_TITLE = _SignerTitle()


def split_footer(body: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    """(body before "Nơi nhận:", recipient lines, signer lines, what follows
    the signature, e.g. an appendix), blank lines left out of the two columns.
    The signer block runs from its first upper-case title line ("TM. ...",
    "CHỦ TỊCH") to the signer's name."""
    for i, ln in enumerate(body):
        if ln.startswith("Nơi nhận"):
            j = i + 1
            while j < len(body) and not (body[j] and _SIGNER_TITLE.match(body[j])):
                j += 1
            if j >= len(body):
                break
            k = j
            while k < len(body) and (not body[k] or _SIGNER_TITLE.match(body[k])):
                k += 1
            k = min(k + 1, len(body))  # the name
            return body[:i], [x for x in body[i:j] if x], [x for x in body[j:k] if x], body[k:]
    return body, [], [], []


def pdf_with_table(path, before: list[str], table: list[list[str]], after: list[str], font: str | None = None) -> Path:
    """A PDF with paragraphs, a ruled table (borders drawn), and paragraphs."""
    from fpdf import FPDF

    font = font or find_font()
    pdf = FPDF(format="A4", unit="pt")
    pdf.set_creation_date(_FIXED_TIME)  # reproducible bytes
    pdf.set_margins(57, 57, 57)
    pdf.add_font("dv", "", font)
    pdf.set_font("dv", size=11)
    pdf.add_page()
    for ln in before:
        pdf.multi_cell(0, 15, ln, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    with pdf.table(line_height=15, first_row_as_headings=False) as t:
        for r in table:
            row = t.row()
            for c in r:
                row.cell(c)
    pdf.ln(8)
    for ln in after:
        pdf.multi_cell(0, 15, ln, align="L", new_x="LMARGIN", new_y="NEXT")
    path = Path(path)
    pdf.output(str(path))
    return path


def pdf_from_lines(path, lines: list[tuple[float, str, bool]], font: str | None = None) -> Path:
    """A PDF laid out line by line: (indent, text, justified to the right margin)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")

    pdf.set_creation_date(_FIXED_TIME)  # reproducible bytes
    pdf.set_margins(57, 57, 57)
    pdf.add_font("dv", "", font or find_font())
    pdf.set_font("dv", size=11)
    pdf.add_page()
    width = pdf.w - 114
    y = 70.0
    for indent, text, justify in lines:
        words = text.split()
        x = 57 + indent
        if justify and len(words) > 1:
            room = width - indent - sum(pdf.get_string_width(w) for w in words)
            space = room / (len(words) - 1)
        else:
            space = pdf.get_string_width(" ")
        for w in words:
            pdf.text(x, y, w)
            x += pdf.get_string_width(w) + space
        y += 15
    path = Path(path)
    pdf.output(str(path))
    return path


def _title_lines(body: list[str]) -> int:
    """How many body lines form the title block: an upper-case document type
    line and the "Về ..." / "V/v ..." subject lines after it."""
    if not body or not body[0].isupper():
        return 0
    n = 1
    while n < len(body) and n < 4 and body[n] and (body[n].startswith(("Về ", "V/v", "về ")) or (
            n > 1 and len(body[n]) < 90 and not body[n].endswith((".", ":")))):
        n += 1
    return n


def to_image_pdf(path) -> Path:
    """A PDF with a drawn page and no text layer (as a scan would be)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")

    pdf.set_creation_date(_FIXED_TIME)  # reproducible bytes
    pdf.add_page()
    for k in range(20):
        pdf.rect(60, 60 + k * 30, 400 - k * 7, 12, style="F")
    path = Path(path)
    pdf.output(str(path))
    return path


def encrypt_pdf(src, dst, password: str = "matkhau") -> Path:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(str(src))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with open(dst, "wb") as fh:
        writer.write(fh)
    return Path(dst)


# ------------------------------------------------------------------ html
CLUTTER_TOP = ["image banner", "Trang chủ | Tin tức | Văn bản | Liên hệ", "Lượt xem: 128"]
CLUTTER_BOTTOM = ["Chia sẻ", "In bài", "1 2 3 4 5 ...", "image advertisement", "image advertisement"]


def to_html(text: str, clutter: bool = True, title: str = "Văn bản") -> str:
    left, right, body = split_header(text)
    esc = _html.escape
    parts = ["<!DOCTYPE html>", '<html lang="vi"><head><meta charset="utf-8">',
             f"<title>{esc(title)}</title>", "<style>.x{color:red}</style>",
             "<script>var a = 'không phải nội dung';</script></head><body>"]
    if clutter:
        parts += ['<header><div class="logo">Cổng thông tin điện tử</div>',
                  '<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/tin">Tin tức</a></li>'
                  '<li><a href="/vb">Văn bản</a></li></ul></nav></header>',
                  '<div class="wrapper"><aside class="sidebar"><h3>Tin mới</h3><ul>'
                  '<li>Hội nghị sơ kết công tác quý ba</li><li>Lịch tiếp công dân tháng này</li></ul>'
                  '<div class="thongke">Thống kê truy cập<br>Đang online: 17<br>Hôm nay: 902<br>Tất cả: 120455</div>'
                  '</aside>']
    parts.append('<div class="main"><article class="post-content">')
    if clutter:
        parts.append('<div class="share-tools"><a href="#">Chia sẻ</a> <a href="#">In bài</a></div>')
    if left or right:
        parts.append("<table><tr>")
        for lines in (left, right):
            parts.append("<td>" + "".join(f"<p>{esc(ln)}</p>" for ln in lines) + "</td>")
        parts.append("</tr></table>")
    for ln in body:
        parts.append(f"<p>{esc(ln)}</p>")
    parts.append("</article>")
    if clutter:
        parts.append('<div class="related"><h4>Tin liên quan</h4><ul><li><a href="#">Một bài khác</a></li></ul></div>')
    parts.append("</div>")
    if clutter:
        parts.append('</div><footer><p>Bản quyền thuộc Cổng thông tin điện tử tỉnh</p>'
                     '<form><input name="q"><button>Tìm kiếm</button></form></footer>')
    parts.append("</body></html>")
    return "\n".join(parts)


def to_scraped_txt(text: str) -> str:
    """The text as a careless scraper saves it: clutter lines around the body."""
    return "\n".join(CLUTTER_TOP) + "\n\n" + text.strip("\n") + "\n\n" + "\n".join(CLUTTER_BOTTOM) + \
        "\nThống kê truy cập\n  • Đang online: 5\n  • Hôm nay: 77\n  • Tất cả: 9 051\nĐăng nhập"


# ------------------------------------------------------------------ encodings
def to_bytes(text: str, encoding: str) -> bytes:
    """``encoding``: utf-8, utf-8-sig, utf-16, cp1258, tcvn3, vni."""
    if encoding in legacy.SCHEMES:
        return legacy.encode(text, encoding)
    if encoding == "cp1258":
        # cp1258 has few precomposed letters: decompose, then let the codec
        # compose what it can (as Windows does)
        return _cp1258(text)
    return text.encode(encoding)


def _cp1258(text: str) -> bytes:
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        # base letter with its non-tone marks composed, then the tone mark
        tones = [c for c in d if c in "\u0300\u0301\u0303\u0309\u0323"]
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
        out += base.encode("cp1258", errors="replace") + "".join(tones).encode("cp1258", errors="replace")
    return bytes(out)


def encodable(text: str, encoding: str) -> str:
    """What a round trip of ``text`` through ``to_bytes(text, encoding)`` can
    give back at best: characters the encoding cannot hold become "?", and a
    latin-1 character whose byte is a TCVN3 / VNI letter code comes back as
    that letter (as it would from a real legacy-font file)."""
    if encoding not in legacy.SCHEMES and encoding != "cp1258":
        return text
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ch)
            continue
        if encoding == "cp1258":
            out.append(ch if ch == "?" or b"?" not in _cp1258(ch) else "?")
            continue
        if encoding == "vni" and ch in legacy._vni()[0] or encoding == "tcvn3" and (
                ch in legacy._tcvn3()[1] or ch.lower() in legacy._tcvn3()[1]):
            out.append(ch)
            continue
        try:
            b = ch.encode("cp1252")
        except UnicodeEncodeError:
            out.append("?")
            continue
        out.append(legacy.decode(b, encoding, restore_case=False))
    return "".join(out)


def normalise_ws(text: str) -> str:
    return " ".join(text.split())
