"""Checklist as one self-contained, printable HTML page; every text is escaped."""
from __future__ import annotations

from html import escape

_CSS = """
body{font-family:"Times New Roman",Times,serif;font-size:13pt;margin:2em;color:#000}
h1{font-size:16pt;text-align:center;text-transform:uppercase;margin-bottom:.2em}
p.src{text-align:center;font-style:italic;margin-top:0}
p.meta{text-align:right;font-size:11pt}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #000;padding:4px 6px;vertical-align:top}
th{background:#eee;text-align:center}
td.c{text-align:center;white-space:nowrap}
tr.overdue td.st{font-weight:bold;color:#a00}
tr.done td{color:#444}
@media print{body{margin:0}th{background:none}tr{page-break-inside:avoid}@page{size:A4 landscape;margin:1.5cm}}
"""


def _e(s) -> str:
    return escape("" if s is None else str(s), quote=True)


def render(cl) -> bytes:
    head = ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn", "Định kỳ", "Văn bản nguồn", "Trạng thái"]
    rows = []
    for r in cl.rows:
        cls = " ".join(c for c in (r.status, "overdue" if r.timeliness == "overdue" else "") if c)
        st = _e(r.status_vi) + (f"<br><small>{_e(r.timeliness_vi)}</small>" if r.timeliness_vi else "")
        rows.append(
            f'<tr class="{_e(cls)}" data-task="{int(r.task_id)}">'
            f'<td class="c">{int(r.stt)}</td><td>{_e(r.text)}</td><td>{_e("; ".join(r.leads))}</td>'
            f'<td>{_e("; ".join(r.partners))}</td><td class="c">{_e(r.due_text)}</td>'
            f'<td class="c">{_e(r.recurrence_vi)}</td><td>{_e(r.source)}</td><td class="c st">{st}</td></tr>'
        )
    if not rows:
        rows.append(f'<tr><td colspan="{len(head)}" class="c">Không có nhiệm vụ.</td></tr>')
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(cl.title)}</title><style>{_CSS}</style></head><body>\n"
        f"<h1>{_e(cl.title)}</h1>\n<p class=\"src\">{_e(cl.source)}</p>\n"
        f"<p class=\"meta\">Ngày lập: {_e(cl.generated.strftime('%d/%m/%Y'))} — {len(cl.rows)} nhiệm vụ</p>\n"
        "<table><thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr></thead>\n<tbody>\n"
        + "\n".join(rows) + "\n</tbody></table>\n</body></html>\n"
    )
    return page.encode("utf-8")
