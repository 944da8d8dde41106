"""HTML reader: the article body only, as text with one line per block.

Picks <article>, else a main-content container (id/class names in
``clutter.toml`` [html].content_hints), else the element holding the densest
run of paragraph text.  Navigation, header, footer, aside, scripts, styles and
forms are dropped.  Block elements end a line; a table is flattened row by row,
one cell per line (the convention of the external corpus).
"""
from __future__ import annotations

import re
import unicodedata

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from pipeline import data
from pipeline.read.text import decode_bytes

DROP = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe",
        "svg", "button", "select", "textarea", "input", "template", "object", "embed", "head", "menu"}
BLOCK = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
         "dl", "dt", "dd", "blockquote", "pre", "address", "figure", "figcaption", "center", "hr", "tr",
         "table", "tbody", "thead", "tfoot", "caption", "body", "html"}
CELL = {"td", "th"}


def _hints() -> tuple[list[str], list[str]]:
    t = data.load("clutter").get("html", {})
    return [h.lower() for h in t.get("content_hints", [])], [h.lower() for h in t.get("drop_hints", [])]


def decode_html(raw: bytes) -> tuple[str, str]:
    m = re.search(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", raw[:4096], re.I)
    if m:
        enc = m.group(1).decode("ascii", "replace").lower()
        try:
            return raw.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_bytes(raw)


def _attr_text(tag: Tag) -> str:
    ident = tag.get("id") or ""
    cls = tag.get("class") or []
    if isinstance(cls, str):
        cls = [cls]
    return (ident + " " + " ".join(cls)).lower()


def _text_len(tag: Tag) -> int:
    return len(re.sub(r"\s+", "", tag.get_text()))


def _pick_body(soup: BeautifulSoup) -> Tag:
    content_hints, _ = _hints()
    arts = [a for a in soup.find_all("article") if _text_len(a) > 200]
    if arts:
        return max(arts, key=_text_len)
    main = soup.find("main")
    if main is not None and _text_len(main) > 200:
        return main
    best = None
    for tag in soup.find_all(True):
        at = _attr_text(tag)
        if at.strip() and any(h in at for h in content_hints):
            n = _text_len(tag)
            if n > 200 and (best is None or n > best[0]):
                best = (n, tag)
    if best is not None:
        return best[1]
    # densest block: the element whose direct <p>/<br>-text children hold the most text
    scores: dict[int, tuple[int, Tag]] = {}
    for p in soup.find_all(["p", "br", "td", "li", "div", "font", "span"]):
        parent = p.parent
        if parent is None:
            continue
        if p.name in ("div", "font", "span"):
            # a paragraph written as a bare <div>: its own text, not its children's
            n = len(re.sub(r"\s+", "", "".join(str(c) for c in p.children if isinstance(c, NavigableString)
                                               and not isinstance(c, Comment))))
            if n < 40:
                continue
        else:
            n = _text_len(p) if p.name != "br" else 20
        key = id(parent)
        scores[key] = (scores.get(key, (0, parent))[0] + n, parent)
    if scores:
        n, tag = max(scores.values(), key=lambda x: x[0])
        if n > 200:
            return tag
    return soup.body or soup


_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _drop_clutter(root: Tag) -> None:
    """Inside the chosen body: comments, scripts, hidden elements and blocks whose
    id/class names say share / related / comments ...  A block holding a third
    or more of the body's text is never dropped (a "print-area" wrapper)."""
    _, drop_hints = _hints()
    for c in root.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in root.find_all(list(DROP)):
        tag.decompose()
    total = _text_len(root) or 1
    for tag in list(root.find_all(True)):
        if tag.decomposed:
            continue
        hidden = tag.has_attr("hidden") or _HIDDEN.search(tag.get("style") or "")
        at = _attr_text(tag)
        hinted = at.strip() and any(re.search(rf"(^|[\s_-]){re.escape(h)}($|[\s_-])", at) for h in drop_hints)
        if (hidden or hinted) and _text_len(tag) < total / 3:
            tag.decompose()


_BLANK = "\ue000"  # marks a blank line that must survive the squeeze


def _render(root: Tag) -> str:
    """Blocks end lines; a table is flattened row by row, one cell per line with
    a blank line between cells (the convention of the external corpus); an
    empty paragraph is a blank line; runs of blank lines are squeezed."""
    out: list[str] = []

    def newline():
        if out and not out[-1].endswith("\n"):
            out.append("\n")

    def walk(node):
        for child in node.children:
            if isinstance(child, NavigableString):
                if isinstance(child, Comment):
                    continue
                s = re.sub(r"[ \t\r\n\f]+", " ", str(child))
                if s.strip() or (out and not out[-1].endswith(("\n", " "))):
                    out.append(s)
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                out.append("\n")
            elif name in CELL:
                newline()
                walk(child)
                newline()
                out.append(_BLANK + "\n")
            elif name == "table":
                newline()
                out.append(_BLANK + "\n")
                walk(child)
                newline()
            elif name in BLOCK:
                newline()
                if name == "p" and not child.get_text().strip() and not child.find("img"):
                    out.append(_BLANK + "\n")
                    continue
                walk(child)
                newline()
            elif name == "img":
                continue
            else:
                walk(child)

    walk(root)
    text = "".join(out)
    res: list[str] = []
    for ln in text.split("\n"):
        ln = ln.strip()
        if ln == _BLANK:
            if res and res[-1]:
                res.append("")
        elif ln:
            res.append(ln.replace(_BLANK, ""))
    while res and not res[-1]:
        res.pop()
    return "\n".join(res) + ("\n" if res else "")


_FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;]+)", re.I)


def _font_of(tag: Tag) -> str | None:
    """The first family named by ``<font face>`` or a ``font-family`` style."""
    face = tag.get("face") if tag.name == "font" else None
    if not face:
        m = _FONT_FAMILY.search(tag.get("style") or "")
        face = m.group(1) if m else None
    if not face:
        return None
    return face.split(",")[0].strip().strip("'\"")


def _convert_legacy_fonts(root) -> int:
    """Text set in a TCVN3 / VNI font (``<font face=".VnTime">``,
    ``style="font-family:'VNI-Times'"``, as pages saved from Word have) is
    converted to Unicode; a .VnTimeH run is upper-cased."""
    from pipeline.read import legacy

    n = 0
    for node in list(root.find_all(string=True)):
        if isinstance(node, Comment) or not node.strip():
            continue
        for anc in node.parents:
            if not isinstance(anc, Tag):
                break
            font = _font_of(anc)
            if font:
                scheme, upper = legacy.font_scheme(font)
                if scheme:
                    t = legacy.decode(str(node), scheme, restore_case=False)
                    node.replace_with(NavigableString(t.upper() if upper else t))
                    n += 1
                break
    return n


def html_to_text(html: str) -> tuple[str, dict]:
    soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(strip=True) if soup.title else None
    for tag in soup.find_all(list(DROP)):
        tag.decompose()
    legacy_runs = _convert_legacy_fonts(soup)
    body = _pick_body(soup)
    _drop_clutter(body)
    text = _render(body)
    meta = {"title": title, "container": body.name}
    if legacy_runs:
        meta["legacy_font_runs"] = legacy_runs
    return unicodedata.normalize("NFC", text), meta


def read_html(raw: bytes) -> tuple[str, str, dict]:
    html, enc = decode_html(raw)
    text, meta = html_to_text(html)
    return text, enc, meta
