"""Named, composable cleaning steps; every offset of the clean text maps back to
the input text (``Cleaned.to_source``).

Steps (in the default order):
    nfc            Unicode NFC (combining tone marks composed)
    line_endings   CRLF / CR / U+2028 / form feed -> "\\n"
    invisible      zero-width characters and BOMs dropped; NBSP -> space
    clutter        web-site clutter lines and blocks (patterns: data/clutter.toml)
    markdown       ``**`` / ``__`` emphasis markers left by scrapes
    dup_lines      a long line repeated right after itself (image alt + caption)
    strip_lines    leading / trailing spaces and tabs of each line
    blank_lines    runs of blank lines squeezed to one blank line; leading and
                   trailing blank lines dropped
    unwrap         hard-wrapped lines (a text extracted from a PDF elsewhere,
                   most lines near one width) re-joined: "\\n" -> " ", offsets
                   unchanged; a text without such wrapping is left alone

Nothing else is changed: punctuation spacing, body text and line breaks inside
paragraphs stay as they were.
"""
from __future__ import annotations

import bisect
import functools
import re
import unicodedata

from pipeline import data
from pipeline.textscan import finditer_at, starts_of

Edit = tuple  # (start, end, replacement) in the step's input text


class Cleaned:
    """The clean text, the names of the steps that changed it, and ``offsets``: clean
    index -> input index (len(text)+1 entries), composed on first use from the edits
    of each step (most callers never ask)."""

    def __init__(self, text: str, steps: list | None = None, offsets: list | None = None,
                 _replay: tuple | None = None):
        self.text = text
        self.steps = [] if steps is None else steps
        self._offsets = offsets
        self._replay = _replay  # (input length, [sorted edits of each step that changed the text])

    @property
    def offsets(self) -> list:
        if self._offsets is None:
            if self._replay is None:
                self._offsets = []
            else:
                n, edit_lists = self._replay
                off = list(range(n + 1))
                for edits in edit_lists:
                    off = _compose(edits, off)
                self._offsets = off
                self._replay = None
        return self._offsets

    @offsets.setter
    def offsets(self, value: list) -> None:
        self._offsets, self._replay = value, None

    def __repr__(self) -> str:
        return f"Cleaned(text={self.text!r}, steps={self.steps!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Cleaned):
            return NotImplemented
        return (self.text, self.steps, self.offsets) == (other.text, other.steps, other.offsets)

    def to_source(self, i: int) -> int:
        """Offset in the input text of clean-text offset ``i`` (0 <= i <= len(text))."""
        if not self.offsets:
            return i
        if i < 0:
            i = 0
        if i >= len(self.offsets):
            return self.offsets[-1]
        return self.offsets[i]

    def span_to_source(self, start: int, end: int) -> tuple[int, int]:
        """The input-text span of the clean-text span ``[start, end)``: it ends
        right after the source of its last character, so clutter removed just
        after the span is not included."""
        if end <= start:
            j = self.to_source(start)
            return j, j
        return self.to_source(start), self.to_source(end - 1) + 1

    def from_source(self, j: int) -> int:
        """The first clean-text offset whose source offset is >= ``j``."""
        if not self.offsets:
            return j
        return min(bisect.bisect_left(self.offsets, j), len(self.text))


# ------------------------------------------------------------------ machinery
def _kept(edits: list[Edit]):
    """The sorted edits that apply: one that overlaps the edit before it is skipped."""
    pos = 0
    for start, end, rep in edits:
        if start < pos:
            continue
        yield start, end, rep
        pos = end


def _apply_text(text: str, edits: list[Edit]) -> str:
    """``text`` with the sorted edits applied."""
    out: list[str] = []
    pos = 0
    for start, end, rep in _kept(edits):
        out.append(text[pos:start])
        out.append(rep)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _compose(edits: list[Edit], offsets: list[int]) -> list[int]:
    """The offset map of the text ``_apply_text`` makes, from the map of its input."""
    new_off: list[int] = []
    pos = 0
    for start, end, rep in _kept(edits):
        new_off.extend(offsets[pos:start])
        if rep and len(rep) == end - start:
            new_off.extend(offsets[start:end])
        else:
            new_off.extend([offsets[start]] * len(rep))
        pos = end
    new_off.extend(offsets[pos:])  # includes the end sentinel
    return new_off


# ------------------------------------------------------------------ steps
_COMBINING_RUN = re.compile(r".[\u0300-\u036f\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+", re.S)


def step_nfc(text: str) -> list[Edit]:
    if unicodedata.is_normalized("NFC", text):
        return []
    edits = []
    for m in _COMBINING_RUN.finditer(text):
        s = m.group(0)
        n = unicodedata.normalize("NFC", s)
        if n != s:
            edits.append((m.start(), m.end(), n))
    # characters whose NFC form differs on their own (singletons, e.g. U+212B)
    rest = []
    covered = {i for a, b, _ in edits for i in range(a, b)}
    for i, ch in enumerate(text):
        if ord(ch) > 0x7F and i not in covered:
            n = unicodedata.normalize("NFC", ch)
            if n != ch:
                rest.append((i, i + 1, n))
    return sorted(edits + rest)


_LINE_ENDING = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")


def step_line_endings(text: str) -> list[Edit]:
    if not any(c in text for c in "\r\u2028\u2029\x0b\x0c\x85"):
        return []
    return [(m.start(), m.end(), "\n") for m in _LINE_ENDING.finditer(text)]


_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # dropped
_ODD_SPACES = "\u00a0\u202f\u2007"  # become a plain space
_INVISIBLE_CHARS = _ZERO_WIDTH + _ODD_SPACES
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")


def step_invisible(text: str) -> list[Edit]:
    if not any(c in text for c in _INVISIBLE_CHARS):
        return []
    return [(m.start(), m.end(), " " if m.group(0) in _ODD_SPACES else "") for m in _INVISIBLE.finditer(text)]


@functools.lru_cache(maxsize=1)
def _clutter():
    t = data.load("clutter")
    lines = [re.compile(p, re.I) for p in t.get("lines", {}).get("patterns", [])]
    blocks = [(re.compile(b["head"], re.I), [re.compile(f, re.I) for f in b.get("follow", [])],
               int(b.get("max_follow", 10)), float(b.get("min_position", 0.0)), bool(b.get("to_end", False)))
              for b in t.get("blocks", [])]
    return lines, blocks


@functools.lru_cache(maxsize=1)
def _clutter_any():
    """One alternation of every line pattern, and one of every block head: a single
    ``fullmatch`` of each says whether any of them matches a line."""
    t = data.load("clutter")
    pats = t.get("lines", {}).get("patterns", [])
    heads = [b["head"] for b in t.get("blocks", [])]
    never = re.compile(r"(?!)")
    any_line = re.compile("|".join(f"(?:{p})" for p in pats), re.I) if pats else never
    any_head = re.compile("|".join(f"(?:{h})" for h in heads), re.I) if heads else never
    return any_line, any_head


def _required_chars(pattern: str) -> frozenset:
    """ASCII characters other than letters that every match of ``pattern`` holds (as a
    literal that the match cannot skip): a line without one of them cannot match.  Only
    ASCII non-letters are kept, characters that no other one matches under re.I."""
    try:
        from re import _parser as sre_parse  # Python 3.11+
        from re._constants import BRANCH, IN, LITERAL, MAX_REPEAT, MIN_REPEAT, SUBPATTERN
    except ImportError:  # pragma: no cover - older Pythons
        return frozenset()

    def seq(items) -> set:
        out: set = set()
        for op, av in items:
            out |= item(op, av)
        return out

    def item(op, av) -> set:
        if op is LITERAL:
            c = chr(av)
            return {c} if c.isascii() and not c.isalpha() else set()
        if op is IN and len(av) == 1 and av[0][0] is LITERAL:
            return item(LITERAL, av[0][1])
        if op in (MAX_REPEAT, MIN_REPEAT):
            lo, _, sub = av
            return seq(sub) if lo >= 1 else set()
        if op is SUBPATTERN:
            return seq(av[-1])
        if op is BRANCH:
            alts = [seq(a) for a in av[1]]
            return set.intersection(*alts) if alts else set()
        return set()  # anything else (classes, anchors, lookarounds): nothing required

    try:
        return frozenset(seq(sre_parse.parse(pattern, re.I)))
    except Exception:  # pragma: no cover - the compiled pattern reports it
        return frozenset()


@functools.lru_cache(maxsize=1)
def _clutter_split():
    """The line patterns with the characters each requires, the characters some pattern
    requires, {which of them a line holds (a tuple of bools): the alternation of the
    patterns that need no other} and {those patterns: their alternation}, filled on demand
    (``_clutter_line``)."""
    pats = data.load("clutter").get("lines", {}).get("patterns", [])
    req = [(p, _required_chars(p)) for p in pats]
    keys = tuple(sorted(set().union(*(r for _, r in req)))) if req else ()
    return req, keys, {}, {}


def _clutter_line(ln: str):
    """``_clutter_any()[0]``, the alternation of every line pattern, or the same
    alternation without the patterns that need a character ``ln`` does not hold (a
    ``fullmatch`` of both says the same)."""
    req, keys, cache, compiled = _clutter_split()
    present = tuple(map(ln.__contains__, keys))
    rx = cache.get(present)
    if rx is None:
        have = {c for c, p in zip(keys, present) if p}
        alts = tuple(p for p, r in req if r <= have)
        rx = compiled.get(alts)  # another set of characters may let the same patterns in
        if rx is None:
            rx = compiled[alts] = re.compile("|".join(f"(?:{p})" for p in alts), re.I) if alts else re.compile(r"(?!)")
        cache[present] = rx
    return rx


def _lines(text: str) -> list[tuple[int, int, int]]:
    """(start, end_without_newline, end_with_newline) of each line (the text after the
    last line break is a line when it is not empty)."""
    out = []
    pos = 0
    parts = text.split("\n")
    last = parts.pop()
    for ln in parts:
        e = pos + len(ln)
        out.append((pos, e, e + 1))
        pos = e + 1
    if last:
        out.append((pos, len(text), len(text)))
    return out


def step_clutter(text: str) -> list[Edit]:
    line_pats, blocks = _clutter()
    any_head = _clutter_any()[1]
    lines = _lines(text)
    drop = [False] * len(lines)
    for k, raw in enumerate(text.split("\n")):  # raw: the text of lines[k]
        ln = raw.strip()
        if not ln:
            continue
        if _clutter_line(ln).fullmatch(ln):
            drop[k] = True
            continue
        if not any_head.fullmatch(ln):
            continue
        s = lines[k][0]
        for head, follow, max_follow, min_pos, to_end in blocks:
            if head.fullmatch(ln) and s >= min_pos * len(text):
                if to_end and not _runs_to_end(text, lines, k + 1, follow, max_follow, line_pats, blocks):
                    continue
                drop[k] = True
                j, taken = k + 1, 0
                while j < len(lines) and taken < max_follow:
                    nxt = text[lines[j][0]:lines[j][1]].strip()
                    if not nxt:
                        j += 1
                        continue
                    if any(f.fullmatch(nxt) for f in follow):
                        for b in range(k + 1, j + 1):
                            drop[b] = True
                        taken += 1
                        j += 1
                    else:
                        break
                # and the blank lines right after the block (a page break inside a paragraph)
                last = max(b for b in range(k, len(lines)) if b == k or drop[b] and b <= j)
                b = last + 1
                while b < len(lines) and not text[lines[b][0]:lines[b][1]].strip():
                    drop[b] = True
                    b += 1
                break
    return [(s, full, "") for (s, _, full), d in zip(lines, drop) if d]


def _runs_to_end(text, lines, start, follow, max_follow, line_pats, blocks) -> bool:
    """Every non-blank line from ``start`` on is a follow line (at most
    ``max_follow``) until the end of the text or the head of another block."""
    n = 0
    for s, e, _ in lines[start:]:
        ln = text[s:e].strip()
        if not ln:
            continue
        if any(p.fullmatch(ln) for p in line_pats) or any(b[0].fullmatch(ln) for b in blocks):
            return True
        if not any(f.fullmatch(ln) for f in follow):
            return False
        n += 1
        if n > max_follow:
            return False
    return True


# ``**bold**`` / ``__bold__`` markers; a run of 3+ underscores is a rule line, kept.
# A marker must touch a letter or digit ("**Đảng**", "2020.**"), so footnote
# marks like "(**)" stay.
_MD = re.compile(r"(?<![*\\])\*\*(?=[^\W_])|(?<=[^\W_]|[.,;:!?)”\"])\*\*(?!\*)"
                 r"|(?<!\w)__(?=[^\W_])|(?<=[^\W_])__(?!\w)")


def step_markdown(text: str) -> list[Edit]:
    if "**" not in text and "__" not in text:
        return []
    # every match is a "**" or "__": try _MD only where one starts (overlapping ones too),
    # left to right and past each match, as finditer does
    return [(m.start(), m.end(), "") for m in finditer_at(_MD, text, starts_of(text, ("**", "__")))]


def step_dup_lines(text: str) -> list[Edit]:
    """A line repeated on the very next line (no blank line between) and nowhere
    else: an image's alt text followed by the same caption.  Table cells that
    repeat (separated by blank lines, or many times) are kept."""
    strips = [ln.strip() for ln in text.split("\n")]
    if not any(a == b and len(a) >= 30 and " " in a for a, b in
               zip(strips, strips[1:]) if a == b):
        return []  # no line repeated on the next one
    edits = []
    prev = None
    lines = _lines(text)
    for s, e, full in lines:
        ln = text[s:e].strip()
        if prev is not None and ln and ln == prev[0] and len(ln) >= 30 and " " in ln:
            if sum(1 for a, b, _ in lines if text[a:b].strip() == ln) == 2:
                edits.append((prev[1], prev[2], ""))  # drop the first copy
        prev = (ln, s, full)
    return edits


def step_strip_lines(text: str) -> list[Edit]:
    if not text or (text[0] not in " \t" and text[-1] not in " \t" and "\n " not in text
                    and "\n\t" not in text and " \n" not in text and "\t\n" not in text):
        return []  # no line starts or ends with a space or a tab
    edits = []
    pos = 0
    for ln in text.split("\n"):
        n = len(ln)
        if n and (ln[0] in " \t" or ln[-1] in " \t"):
            rest = ln.lstrip(" \t")
            lead = n - len(rest)
            if not rest:
                edits.append((pos, pos + n, ""))
            else:
                trail = len(rest) - len(rest.rstrip(" \t"))
                if lead:
                    edits.append((pos, pos + lead, ""))
                if trail:
                    edits.append((pos + n - trail, pos + n, ""))
        pos += n + 1
    return edits


_NL3 = re.compile(r"\n{3,}")


def step_blank_lines(text: str) -> list[Edit]:
    edits = []
    m = re.match(r"\n+", text)
    if m:
        edits.append((0, m.end(), ""))
    for m in (_NL3.finditer(text) if "\n\n\n" in text else ()):
        if m.start() == 0:
            continue
        if m.end() == len(text):
            break
        edits.append((m.start(), m.end(), "\n\n"))
    # the run of line breaks that ends the text (what r"\n{2,}\Z" finds)
    end_run = len(text) - len(text.rstrip("\n"))
    if end_run >= 2 and end_run < len(text):
        edits.append((len(text) - end_run, len(text), "\n"))
    return sorted(edits)


def step_unwrap(text: str) -> list[Edit]:
    """Re-join the hard-wrapped lines of a text
    extracted from a PDF elsewhere (most lines near one width, e.g. 80 chars).
    A line near that width that does not end a sentence, followed by a line
    that does not start a new item, is joined with a space ("\\n" -> " ",
    so offsets do not move)."""
    from pipeline.read._base import ITEM_START, SENTENCE_END

    lens = sorted(len(ln) for ln in text.split("\n") if ln.strip())
    if len(lens) < 10:
        return []
    width = lens[int(len(lens) * 0.9)]
    band = sum(1 for n in lens if 0.8 * width <= n <= 1.1 * width) / len(lens)
    if not (40 <= width <= 130 and band >= 0.4):
        return []
    lines = _lines(text)
    edits = []
    for (s, e, full), (s2, e2, _) in zip(lines, lines[1:]):
        cur = text[s:e].rstrip()
        nxt = text[s2:e2].strip()
        if not cur or not nxt or full == e:
            continue
        if not any(c.isalnum() for c in nxt) or not any(c.isalnum() for c in cur):
            continue  # a rule line "______" is never joined
        if len(cur) >= 0.8 * width and not ITEM_START.match(nxt) and (
                not SENTENCE_END.search(cur) or nxt[:1].islower()):
            edits.append((e, e + 1, " "))
    return edits


STEPS = {
    "nfc": step_nfc,
    "line_endings": step_line_endings,
    "invisible": step_invisible,
    "clutter": step_clutter,
    "markdown": step_markdown,
    "dup_lines": step_dup_lines,
    "strip_lines": step_strip_lines,
    "blank_lines": step_blank_lines,
    "unwrap": step_unwrap,
}
DEFAULT_STEPS = tuple(STEPS)


def clean(text: str, steps=DEFAULT_STEPS) -> Cleaned:
    """Run the named steps in order.  ``steps`` lists step names (see STEPS)
    or callables ``f(text) -> [(start, end, replacement), ...]``."""
    n = len(text)
    applied = []
    edit_lists = []
    for st in steps:
        fn = STEPS[st] if isinstance(st, str) else st
        name = st if isinstance(st, str) else getattr(st, "__name__", "custom")
        edits = fn(text)
        if edits:
            edits = sorted(edits, key=lambda e: (e[0], e[1]))
            text = _apply_text(text, edits)
            edit_lists.append(edits)
            applied.append(name)
    return Cleaned(text, applied, _replay=(n, edit_lists))
