"""The end of a document: signature block (TM./KT./T/M…, position, signer) and
"Nơi nhận:" with roles; and the "Kính gửi:" addressees at its start.

``parse_signature(text, start) -> Signature``; ``parse_addressees(text, start)``.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from pipeline import data
from pipeline.textscan import mostly_upper
from pipeline.records import Recipient

_LINE_RE = re.compile(r"[^\n]*\n?")
_NOI_NHAN_RE = re.compile(r"^\s*\**\s*N[ơo]i\s+nh[ậa]n\s*:?\s*\**\s*(?P<rest>.*)$", re.IGNORECASE)
_KINH_GUI_RE = re.compile(r"^\s*\**\s*(?:Kính\s+gửi|.*\bđiện)\s*:\s*\**\s*(?P<rest>.*)$")
_ITEM_RE = re.compile(r"^\s*[-–+•*]\s*")
_ROLE_RE = re.compile(r"\s*\((?P<r>[^()]{1,25})\)\s*$")
_LUU_RE = re.compile(r"^\s*[-–+•]?\s*Lưu\b", re.IGNORECASE)
_NHU_TREN_RE = re.compile(r"^\s*Như\s+(?:trên|(?:Điều|khoản|mục)\s+\d+)\b", re.IGNORECASE)


@dataclass
class Signature:
    body_end: int
    signer: str | None = None
    position: str | None = None
    capacity: str | None = None
    issuer: str | None = None  # the body a "T/M …" line signs for
    recipients: list = field(default_factory=list)
    signature_span: tuple | None = None
    recipients_span: tuple | None = None


def _tables():
    return data.load("header")


def _lines(text: str, start: int):
    """(start, end, line) of each line of ``text[start:]`` (what _LINE_RE finds, without "\\n")."""
    out, pos = [], start
    parts = text[start:].split("\n")
    last = parts.pop()  # after the final line break: a line only if not empty
    for line in parts:
        end = pos + len(line)
        out.append((pos, end, line))
        pos = end + 1
    if last:
        out.append((pos, pos + len(last), last))
    return out


def is_person_name(s: str) -> bool:
    """"Phạm Văn Thịnh": 2–5 capitalised words, letters only."""
    s = s.strip().strip("*").strip()
    words = s.split()
    if not 2 <= len(words) <= 5:
        return False
    return all(w.isalpha() and w[0].isupper() and (len(w) == 1 or w[1:].islower()) for w in words)


@functools.lru_cache(maxsize=1)
def _capacity_prefixes() -> tuple[str, ...]:
    return tuple(p.upper() for p in _tables()["capacity_prefixes"])


def _capacity(line: str) -> str | None:
    s = line.strip().strip("*").strip()
    # the prefix first: it rules out most lines more cheaply than the letter count
    if len(s) > 90 or not s.upper().startswith(_capacity_prefixes()) or not mostly_upper(s):
        return None
    return s


def _is_noise(line: str) -> bool:
    s = line.strip()
    return any(s.startswith(n) for n in _tables()["signature_noise"]) or (s.startswith("[") and s.endswith("]"))


def _role(label: str) -> str | None:
    lab = label.strip().lower().replace(" ", " ")
    for role, forms in _tables()["roles"].items():
        if lab in forms:
            return role
    return None


def _split_item(item: str) -> list[str]:
    """"TT Tỉnh ủy, TT HĐND tỉnh" -> two; "CT, các PCT UBND tỉnh" -> one."""
    if ":" in item:
        return [item]
    parts = [p.strip() for p in item.split(";") if p.strip()]
    out = []
    for p in parts:
        chunks = [c.strip() for c in p.split(", ")]
        cur = chunks[0]
        for c in chunks[1:]:
            starts_body = c[:1].isupper() or (c.startswith("các ") and c[4:5].isupper())
            if c and starts_body and len(c.split()) >= 2 and len(cur.split()) >= 2 and not cur.lower().startswith("các "):
                out.append(cur)
                cur = c
            else:
                cur = f"{cur}, {c}"
        out.append(cur)
    return out


def _items(lines) -> list[tuple[str, int, int]]:
    """Dash items of a list block, continuation lines joined; (text, start, end)."""
    items: list[list] = []
    for s, e, line in lines:
        if not line.strip():
            continue
        if _ITEM_RE.match(line):
            k = _ITEM_RE.match(line).end()
            items.append([line[k:].strip(), s + k, e])
        elif items:
            items[-1][0] = f"{items[-1][0]} {line.strip()}"
            items[-1][2] = e
        else:
            items.append([line.strip(), s, e])
    return [(t, s, e) for t, s, e in items]


def _recipients(items) -> list[Recipient]:
    out = []
    for text, s, e in items:
        t = text.strip().rstrip(",;.").strip()
        if not t or _LUU_RE.match(t) or _NHU_TREN_RE.match(t):
            continue
        role = None
        m = _ROLE_RE.search(t)
        if m and _role(m.group("r")):
            role = _role(m.group("r"))
            t = t[: m.start()].strip().rstrip(",;").strip()
        for name in _split_item(t):
            name = name.strip().rstrip(",;.").strip()
            if name:
                out.append(Recipient(name=name, role=role, start=s, end=e))
    return out


def parse_addressees(text: str, start: int = 0, limit: int = 3000) -> tuple[list[Recipient], int]:
    """Addressees of "Kính gửi:" (or "… điện:") near ``start``; returns (recipients, end offset)."""
    lines = _lines(text[: start + limit], max(0, start - 400))
    for i, (s, e, line) in enumerate(lines):
        m = _KINH_GUI_RE.match(line)
        if not m or len(line) > 120:
            continue
        block, end = [], e
        rest = m.group("rest").strip()
        if rest:
            block.append((s + line.find(rest), e, "- " + rest))
        for s2, e2, l2 in lines[i + 1:]:
            if not l2.strip():
                continue
            if _ITEM_RE.match(l2) or (block and len(l2) < 80 and l2.strip()[0].islower()):
                block.append((s2, e2, l2))
                end = e2
                continue
            break
        return _recipients(_items(block)), end
    return [], start


def _signed_capacity(lines) -> int | None:
    """The first capacity line (TM./KT. …) anywhere after the header with a person's name within the next
    five lines: the signature of a document without "Nơi nhận" that an attached programme follows."""
    for i, (_, _, l) in enumerate(lines):
        if not _capacity(l):
            continue
        for _, _, l2 in lines[i + 1:i + 6]:
            if is_person_name(l2):
                return i
    return None


def parse_signature(text: str, start: int = 0) -> Signature:
    lines = _lines(text, start)
    nn_i = next((i for i, (_, _, l) in enumerate(lines) if _NOI_NHAN_RE.match(l)), None)
    # the signature block: a capacity line (TM./KT./T/M …) or a short upper-case position line
    # followed by a person's name
    cap_i = None
    search_from = max(0, (nn_i if nn_i is not None else len(lines)) - 25)
    for i in range(search_from, len(lines)):
        if _capacity(lines[i][2]):
            cap_i = i
            break
    if cap_i is None:
        # "BỘ TRƯỞNG\nNguyễn Hải Ninh": a position line right above a name
        rng = range(nn_i, len(lines)) if nn_i is not None else range(max(0, len(lines) - 12), len(lines))
        for i in rng:
            l = lines[i][2].strip()
            if l and mostly_upper(l) and len(l) < 60 and not _NOI_NHAN_RE.match(l):
                j = i + 1
                while j < len(lines) and (not lines[j][2].strip() or _is_noise(lines[j][2])):
                    j += 1
                if j < len(lines) and is_person_name(lines[j][2]):
                    cap_i = i
                    break
    if cap_i is None and nn_i is None:
        cap_i = _signed_capacity(lines)
    sig = Signature(body_end=len(text))
    ends = [lines[i][0] for i in (nn_i, cap_i) if i is not None]
    if ends:
        sig.body_end = min(ends)
    # signer: the first name line after the capacity block (or, failing that, after Nơi nhận)
    name_from = cap_i if cap_i is not None else nn_i
    if name_from is not None:
        pos_lines, capacity = [], None
        for i in range(name_from, min(len(lines), name_from + 40)):
            s, e, l = lines[i]
            st = l.strip()
            if not st or _is_noise(st):
                continue
            if _NOI_NHAN_RE.match(st) or _ITEM_RE.match(l):
                if cap_i is None:
                    continue
                if pos_lines:
                    continue
                continue
            if _capacity(st) and capacity is None:
                capacity = st
                pos_lines.append(st)
                continue
            if is_person_name(st):
                sig.signer = st.strip("*").strip()
                sig.signature_span = (lines[name_from][0], e)
                break
            if mostly_upper(st) and len(st) < 70:
                pos_lines.append(st)
                continue
            if cap_i is not None:
                break
        if pos_lines:
            sig.capacity = capacity
            non_cap = [p for p in pos_lines if not _capacity(p)]
            caps = [p for p in pos_lines if _capacity(p)]
            last = non_cap[-1] if non_cap else (caps[-1] if caps else None)
            if last:
                sig.position = re.sub(r"^(?:TM\.?|T/M|KT\.?|K/T|TL\.?|T/L|TUQ\.?|Q\.|PP\.)\s*", "", last).strip()
            for c in caps:
                m = re.match(r"^(?:TM\.?|T/M)\s*(?P<b>.+)$", c.strip())
                if m:
                    sig.issuer = m.group("b").strip()
                    break
    if nn_i is not None:
        block, end = [], lines[nn_i][1]
        rest = _NOI_NHAN_RE.match(lines[nn_i][2]).group("rest").strip()
        if rest:
            block.append((lines[nn_i][0], lines[nn_i][1], "- " + rest))
        for i in range(nn_i + 1, len(lines)):
            s, e, l = lines[i]
            st = l.strip()
            if not st:
                continue
            if cap_i is not None and i >= cap_i and i > nn_i:
                break
            heading_like = mostly_upper(st) and not _ITEM_RE.match(l) and not re.search(r"[,;:]", st)
            if _capacity(st) or is_person_name(st) or heading_like or len(st) > 160:
                break
            block.append((s, e, l))
            end = e
            if _LUU_RE.match(st):
                break
        sig.recipients = _recipients(_items(block))
        sig.recipients_span = (lines[nn_i][0], end)
    return sig
