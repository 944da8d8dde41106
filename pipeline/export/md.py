"""Checklist as Markdown: a title, the source line, one table."""
from __future__ import annotations


def _cell(s) -> str:
    s = "" if s is None else str(s)
    s = " ".join(s.split())  # one line per cell
    return s.replace("\\", "\\\\").replace("|", "\\|")


def render(cl) -> bytes:
    head = ["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời hạn", "Định kỳ", "Văn bản nguồn", "Trạng thái", "Mã"]
    out = [f"# {_cell(cl.title)}", "", f"**{_cell(cl.source)}**", "",
           f"Ngày lập: {cl.generated.strftime('%d/%m/%Y')} — {len(cl.rows)} nhiệm vụ", ""]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join("---:" if h in ("STT", "Mã") else "---" for h in head) + "|")
    for r in cl.rows:
        vals = r.values()
        st = r.status_vi + (f" ({r.timeliness_vi})" if r.timeliness_vi else "")
        vals[7] = st
        out.append("| " + " | ".join(_cell(v) for v in vals) + " |")
    if not cl.rows:
        out.append("")
        out.append("_Không có nhiệm vụ._")
    return ("\n".join(out) + "\n").encode("utf-8")
