"""Checklist as a Word document: title, source document, table STT/Nội dung/Chủ trì/Phối hợp/Thời hạn/Định kỳ/Trạng thái."""
from __future__ import annotations

import io

HEAD = ("STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn", "Định kỳ", "Trạng thái")
WIDTHS_CM = (1.2, 10.5, 4.0, 3.8, 2.6, 2.3, 2.8)


def render(cl) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.5))
    st = doc.styles["Normal"]
    st.font.name = "Times New Roman"
    st.font.size = Pt(12)
    st.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(cl.title.upper())
    run.bold = True
    run.font.size = Pt(14)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(f"(Kèm theo {cl.source})" if cl.document_id is not None else cl.source).italic = True
    p = doc.add_paragraph(f"Ngày lập: {cl.generated.strftime('%d/%m/%Y')} — {len(cl.rows)} nhiệm vụ")
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    table = doc.add_table(rows=1, cols=len(HEAD))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, h in enumerate(HEAD):
        cell = table.rows[0].cells[i]
        cell.text = ""
        r = cell.paragraphs[0].add_run(h)
        r.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in cl.rows:
        status = row.status_vi + (f" ({row.timeliness_vi})" if row.timeliness_vi else "")
        vals = (str(row.stt), row.text, "; ".join(row.leads), "; ".join(row.partners), row.due_text,
                row.recurrence_vi, status)
        cells = table.add_row().cells
        for i, v in enumerate(vals):
            cells[i].text = v
            if i in (0, 4, 5):
                cells[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in table.rows:
        for i, w in enumerate(WIDTHS_CM):
            row.cells[i].width = Cm(w)
    # header row repeats on each printed page
    from docx.oxml import OxmlElement

    trPr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trPr.append(el)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
