"""Checklist as an Excel workbook: one row per task, and a hidden "Mã" column for the round trip.

The analyst edits "Trạng thái" (a drop-down of the four Vietnamese status
words) and ``vanban tasks import FILE.xlsx`` reads it back.
"""
from __future__ import annotations

import io

HEAD = ("STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn", "Định kỳ", "Văn bản nguồn", "Trạng thái", "Mã")
WIDTHS = (6, 70, 28, 28, 12, 12, 28, 16, 8)
HEADER_ROW = 4


def render(cl) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from pipeline.track import STATUS_VI

    wb = Workbook()
    ws = wb.active
    ws.title = "Nhiệm vụ"
    n = len(HEAD)
    ws.cell(row=1, column=1, value=cl.title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n - 1)
    ws.cell(row=2, column=1, value=cl.source).font = Font(italic=True)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n - 1)
    ws.cell(row=3, column=1, value=f"Ngày lập: {cl.generated.strftime('%d/%m/%Y')} — {len(cl.rows)} nhiệm vụ")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="DDDDDD")
    for j, h in enumerate(HEAD, 1):
        c = ws.cell(row=HEADER_ROW, column=j, value=h)
        c.font = Font(bold=True)
        c.fill = fill
        c.border = border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(horizontal="center", vertical="top", wrap_text=True)
    for i, r in enumerate(cl.rows, HEADER_ROW + 1):
        vals = r.values()
        for j, v in enumerate(vals, 1):
            c = ws.cell(row=i, column=j, value=v if v != "" else None)
            c.border = border
            c.alignment = center if HEAD[j - 1] in ("STT", "Thời hạn", "Định kỳ", "Trạng thái", "Mã") else wrap
        if r.due is not None:  # a real date too, for sorting and filters; shown dd/mm/yyyy
            c = ws.cell(row=i, column=5, value=r.due)
            c.number_format = "DD/MM/YYYY"
    for j, w in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.column_dimensions[get_column_letter(n)].hidden = True
    last = HEADER_ROW + max(len(cl.rows), 1)
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUS_VI.values()) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="Trạng thái",
                        error="Chọn: " + ", ".join(STATUS_VI.values()))
    ws.add_data_validation(dv)
    dv.add(f"H{HEADER_ROW + 1}:H{last}")
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(n)}{last}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
