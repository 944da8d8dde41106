"""Obligations: who must do what, by when (RECORDS.md, *obligations*).

``find_obligations(text, parsed, bodies=None, references=None)`` returns one
:class:`~pipeline.records.Obligation` per unit of required action:

* the smallest enumerated item of an operative list (one per paragraph of it,
  and one per sentence of it that names its own, different actor);
* outside lists, the sentence that directs someone to act or not to act;
* one per row of an appendix task table (content cell; lead / partner /
  deadline cells fill the fields).

Candidates come from the section tree (:mod:`pipeline.parse.structure`); cue
words are data (``pipeline/data/obligations.toml``).  The context (assessment,
purpose and objective sections, preambles, lead-ins, attribute lines) decides
what is no record at all; the kind (task / prohibition / report / target) comes
from sure rules; where the context leaves the decision open (news-report and
preamble sentences) the classifier trained by ``models/train_obligations.py``
(``models/obligations.joblib``, loaded once per process) judges, in one batch per
document.  See ``models/REPORT.md``.

API: ``find_obligations(text, parsed, bodies=None, references=None)``;
``candidate_units(text, parsed)``; helpers ``actor_at``, ``split_names``,
``report_to_in``, ``predict_kinds``.
"""
from __future__ import annotations

import bisect
import calendar
import functools
import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from pipeline import data
from pipeline.parse.structure import Section, paragraphs, parse_structure
from pipeline.records import Obligation

from pipeline.dates import find_times
from pipeline.textscan import ignorecase_extras


# ---------------------------------------------------------------------------
# cue tables


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _starts_anchored(pattern: str, flags: int) -> bool:
    """Can ``pattern`` match only at the very start of the string ("^…", "^a|^b")?"""
    try:
        from re import _constants as C, _parser as P  # noqa: N812

        def first_anchored(items) -> bool:
            if not len(items):
                return False
            op, av = items[0]
            if op is C.AT:
                return av is C.AT_BEGINNING
            if op is C.BRANCH:
                return all(first_anchored(b) for b in av[1])
            if op is C.SUBPATTERN:
                return first_anchored(av[-1])
            return False

        return first_anchored(P.parse(pattern, flags))
    except Exception:  # another Python: treat it as unanchored (always correct)
        return False


class _AnyOf:
    """``search`` for any of several patterns (truth value as one alternation's): the
    patterns anchored at the string's start are tried there only, the others searched."""

    def __init__(self, patterns: list, flags: int = 0):
        if flags & re.M:
            head, rest = [], list(patterns)
        else:
            head = [p for p in patterns if _starts_anchored(p, flags)]
            rest = [p for p in patterns if p not in head]
        self._head = _alternation(head, flags)
        self._rest = _alternation(rest, flags)
        self._icase = bool(flags & re.I)

        # for the truth value alone (found_in_slice, search_in): a pattern that needs a literal
        # (lower case under re.I) is tried only where the window holds it
        hl = [(p, _required_literal(p, flags)) for p in head]
        self._head_plain = _alternation([p for p, lit in hl if not lit], flags)
        self._head_gated = _alternation([p for p, lit in hl if lit], flags)
        self._head_lits = _fewest([lit for _, lit in hl if lit])
        lits = [_required_literal(p, flags) for p in rest]
        self._lits = _fewest(lits) if rest and all(lits) else None

    def search(self, s: str, pos: int = 0, endpos: int = sys.maxsize):
        if self._head is not None and pos == 0:
            m = self._head.match(s, 0, endpos)
            if m:
                return m
        return self._rest.search(s, pos, endpos) if self._rest is not None else None

    def _none_in(self, text: str, a: int, b: int, lits: Optional[tuple]) -> bool:
        """Is none of ``lits`` in ``text[a:b]`` (in any letter case under re.I)?"""
        if lits is None:
            return False
        if self._icase:
            d = _doc(text)
            if d.odd:
                return False
            seg = d.low[a:b]  # one slice and "in" tests: cheaper than a find call per word
        else:
            seg = text[a:b]
        for w in lits:
            if w in seg:
                return False
        return True

    def search_in(self, text: str, a: int, b: int) -> bool:
        """``bool(self.search(text, a, b))``, the unanchored part only where it can match."""
        if self._head is not None and a == 0 and self._head.match(text, 0, b):
            return True
        if self._rest is None or self._none_in(text, a, b, self._lits):
            return False
        return self._rest.search(text, a, b) is not None

    def found_in_slice(self, text: str, a: int, b: int) -> bool:
        """``bool(self.search(text[a:b]))``, remembered per document."""
        memo = _doc(text).skip
        r = memo.get((a, b))
        if r is None:
            r = memo[(a, b)] = self._found_slice(text, a, b)
        return r

    def _found_slice(self, text: str, a: int, b: int) -> bool:
        s = text[a:b]
        if self._head_plain is not None and self._head_plain.match(s):
            return True
        if self._head_gated is not None and not self._none_in(text, a, b, self._head_lits) \
                and self._head_gated.match(s):
            return True
        if self._rest is None or self._none_in(text, a, b, self._lits):
            return False
        return self._rest.search(s) is not None


def _alternation(patterns: list, flags: int) -> Optional[re.Pattern]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags) if patterns else None


def _fewest(lits: list) -> tuple:
    """Few strings, one of which is in a text wherever one of ``lits`` is: repeatedly the
    longest substring (3+ characters) that the most of the literals not yet covered hold."""
    rest = sorted(set(lits), key=len)
    out: list = []
    while rest:
        best = (0, 0, "")
        for lit in rest:
            for i in range(len(lit)):
                for j in range(i + min(3, len(lit)), len(lit) + 1):
                    sub = lit[i:j]
                    key = (sum(sub in m for m in rest), len(sub), sub)
                    if key[:2] > best[:2]:
                        best = key
        out.append(best[2])
        rest = [m for m in rest if best[2] not in m]
    return tuple(out)


def _required_literal(pattern: str, flags: int) -> Optional[str]:
    """The longest run of plain characters at the top level of ``pattern`` (every match
    contains it), lower-cased under re.I; None if there is no such run of 2+ characters."""
    try:
        from re import _constants as C, _parser as P  # noqa: N812

        sp = P.parse(pattern, flags)
        icase = bool((flags | sp.state.flags) & re.I)
        best, run = "", ""
        for op, av in sp:
            if op is C.LITERAL:
                run += chr(av)
                if len(run) > len(best):
                    best = run
            else:
                run = ""
        if len(best) < 2:
            return None
        return "".join(_low1(ch) for ch in best) if icase else best
    except Exception:  # another Python: no prefilter (always correct)
        return None


def _low1(ch: str) -> str:
    """The simple lower case of one character (what re's IGNORECASE compares)."""
    return ch.lower()[:1] or ch


# ---------------------------------------------------------------------------
# per-document context: the text lower-cased with offsets kept, for cheap "is a cue word
# anywhere here" tests before a case-insensitive search; replaced whole (thread-safe)


@functools.lru_cache(maxsize=1)
def _odd_chars() -> frozenset:
    """Characters re's IGNORECASE equates with a letter of the words tested by ``_may`` (and
    the skip patterns' literals) other than by simple lower case ("ı" with "i", "ſ" with
    "s"): in a text with one, the lower-case tests are not used."""
    c = _cfg()
    letters = set("".join(c["cue_words"] + c["praise_words"] + c["trouble_words"] + c["bg_words"]
                          + c["proh_words"] + c["proh_any_words"] + c["opener_words"] + c["actor_words"]
                          + (c["skip"]._lits or ()) + c["skip"]._head_lits + _PARTNER_WORDS))
    extra = ignorecase_extras(letters)
    if extra is None:  # another Python: treat every text as odd
        return frozenset(["\0"])
    out = set(extra)
    for ch in extra:
        out.update(u for u in (ch.upper(), ch.title()) if len(u) == 1 and _low1(u) == ch)
    return frozenset(out)


class _Doc:
    __slots__ = ("text", "low", "odd", "actor", "skip")

    def __init__(self, text: str):
        self.text = text
        self.actor: dict = {}  # (s, e) -> _actor_at(text, s, e)
        self.skip: dict = {}  # (a, b) -> bool(skip.search(text[a:b]))
        low = text.lower()
        self.low = "".join(map(_low1, text)) if len(low) != len(text) else low
        odd = _odd_chars()
        self.odd = "\0" in odd or any(c in text for c in odd)


_DOC: list = [None]


def _doc(text: str) -> _Doc:
    d = _DOC[0]
    if d is None or d.text is not text:
        d = _Doc(text)
        _DOC[0] = d
    return d


def _starts(text: str, words: tuple, a: int, b: int) -> bool:
    """False only when ``text[a:b]`` starts with no word of ``words`` (lower case) in any
    letter case: then a case-insensitive pattern whose matches begin with one of them cannot
    match at ``a``."""
    d = _doc(text)
    return d.odd or d.low.startswith(words, a, b)


def _may(text: str, words: tuple, a: int, b: int) -> bool:
    """False only when no word of ``words`` (lower case) is in ``text[a:b]`` in any letter
    case: then a case-insensitive pattern that needs one of them cannot match there."""
    d = _doc(text)
    if d.odd:
        return True
    seg = d.low[a:b]  # one slice and "in" tests: cheaper than a find call per word
    for w in words:
        if w in seg:
            return True
    return False


def _lows(words) -> tuple:
    return tuple(sorted({"".join(map(_low1, w)) for w in words}))


@functools.lru_cache(maxsize=1)
def _cfg():
    c = data.load("obligations")
    heads = _alt(c["actors"]["heads"]) + r"|(?:các|mọi|những|toàn bộ)\s+(?:" + _alt(c["actors"]["plural_nouns"]) + ")"
    cap = set(c["actors"]["cap_verbs"])
    verbs = "|".join(
        (f"(?i:{re.escape(v[0])}){re.escape(v[1:])}" if v in cap else re.escape(v))
        for v in sorted(set(c["actors"]["verbs"]), key=len, reverse=True)
    )
    vnot = _alt(c["actors"]["verb_not_before"])
    # not the second word of a unit's name ("Ban Chỉ đạo", "Phòng Tổ chức"); "Bộ Quốc phòng chỉ đạo"
    # and "Văn phòng tổ chức" do end a name; nor a body of a list of bodies ("cơ quan, tổ chức")
    # nor a noun after a preposition or "việc" ("theo quy định", "theo hướng dẫn", "trước sắp xếp",
    # "đến việc thực hiện")
    after_viec = "".join(f"(?<!việc {re.escape(v)} )" for v in ("thực hiện", "tổ chức", "triển khai", "xây dựng"))
    verbs_re = rf"(?<!theo )(?<!tại )(?<!của )(?<!đúng )(?<!trước )(?<!sau )(?<!việc ){after_viec}(?<![Cc]ơ quan, )(?<![Đđ]ơn vị, )(?<![Bb]an )(?<![Tt]ổ )(?<![Đđ]oàn )(?<!Phòng )(?<!(?<![Qq]uốc )(?<![Vv]ăn )phòng )(?<![Cc]ục )(?:{verbs})\b(?!\s*(?:{vnot})\b)"
    titles = _alt(c["actors"]["titles"])
    # words that look like heads but start a verb or a thing ("báo cáo", "ban hành", "hội nghị")
    not_head = r"(?!\s*(?:cáo|hành|nghị|thảo|hợp|máy|phận)\b)"
    # "Lãnh đạo" heads an actor only before the body it leads ("Lãnh đạo Bộ", "Lãnh đạo các sở"):
    # "Lãnh đạo, chỉ đạo …" opens an imperative
    head_re = (rf"(?:(?:{heads})\b{not_head}|(?-i:Phòng\s+(?=[A-ZĐ]))"
               rf"|(?-i:[Ll]ãnh đạo\s+(?=[A-ZĐ]|(?:các|cơ quan|đơn vị|chủ chốt)\b)))")
    cfg = {
        "head": re.compile(rf"(?i:{head_re})"),
        "actor_verb": re.compile(
            rf"(?i:(?P<a>(?:{_alt(c['actors']['strip_front'])}\s+)?{head_re}(?:[^.:!?\n]|:(?=\s+[A-ZĐ])|\n(?=\S)){{0,220}}?))\s+(?P<v>{verbs_re})"
        ),
        "lead_cue": re.compile(
            rf"(?i:\b(?P<cue>{_alt(c['lead_in']['cues'])})\s+(?:(?:{_alt(c['actors']['strip_front'])})\s+)?)"
            rf"(?=(?i:{head_re}))"
        ),
        "opener": re.compile(rf"(?i:(?:{_alt(c['lead_in']['openers'])})\b[^,.;:]{{0,160}},\s*)"),
        "titles_split": re.compile(rf",\s+(?=(?i:(?:các\s+)?(?:đồng chí\s+)?(?:{titles}))\b)|;\s*|\s+và\s+(?=(?i:các|cơ quan|đơn vị|ủy ban|uỷ ban|ubnd|sở|bộ|ban|người|thủ trưởng|chủ tịch|giám đốc|mọi|những)\b)"),
        "strip_front": re.compile(rf"^(?i:{_alt(c['actors']['strip_front'])})\s+"),
        "apposition": re.compile(rf"\s+[-–]\s+(?i:{_alt(c['actors']['apposition'])})\b.*$", re.S),
        "attr_lead": re.compile(rf"[-+•*\s]*(?i:{'|'.join(c['attributes']['lead'])})\s*:\s*"),
        "attr_partner": re.compile(rf"[-+•*\s]*(?i:{'|'.join(c['attributes']['partner'])})\s*:\s*"),
        "attr_time": re.compile(rf"[-+•*\s]*(?i:(?:{'|'.join(c['attributes']['time'])})\s*:\s*|{c['attributes']['time_no_colon']})"),
        "attr_other": re.compile(rf"[-+•*\s]*(?i:{'|'.join(c['attributes']['other'])})\s*:\s*"),
        "background": re.compile(rf"^\W*(?i:(?:về|những|một số|các)\s+)?(?i:{_alt(c['sections']['background'])})\b"),
        "objective": re.compile(rf"^\W*(?i:(?:về|những|một số|các)\s+)?(?i:{_alt(c['sections']['objective'])})\b"),
        "assessment": re.compile(rf"^\W*(?i:(?:về|những|một số|các)\s+)?(?i:{_alt(c['sections']['assessment'])})\b"),
        "no_records": re.compile(rf"^\W*(?i:(?:về|những|một số|các)\s+)?(?i:{_alt(c['sections']['no_records'])})\b"),
        "execution": re.compile(rf"^\W*(?i:(?:về|những|một số|các)\s+)?(?i:{_alt(c['sections']['execution'])})\b"),
        "prohibition": re.compile(
            rf"(?i:(?:^|[;:.,]\s+|\bphải\s+|\bvà\s+)(?:{_alt(c['kinds']['prohibition'])})\b"
            rf"|\b(?:{_alt(c['kinds']['prohibition_any'])})\b)"
            rf"|[;]\s+không\s+(?!(?:{_alt(c['kinds']['not_ban_after_khong'])})\b)[a-zđà-ỹ]"),
        # its three branches apart, for _has_prohibition
        "proh_a": re.compile(rf"(?i:(?:^|[;:.,]\s+|\bphải\s+|\bvà\s+)(?:{_alt(c['kinds']['prohibition'])})\b)"),
        "proh_b": re.compile(rf"(?i:\b(?:{_alt(c['kinds']['prohibition_any'])})\b)"),
        "proh_c": re.compile(rf"[;]\s+không\s+(?!(?:{_alt(c['kinds']['not_ban_after_khong'])})\b)[a-zđà-ỹ]"),
        "proh_words": _lows(c["kinds"]["prohibition"]),
        "proh_any_words": _lows(c["kinds"]["prohibition_any"]),
        "prohibition_start": re.compile(rf"(?i:(?:{_alt(c['kinds']['prohibition'])})\b)"),
        "report_start": re.compile(rf"(?i:(?:{_alt(c['kinds']['report_start'])})\b)"),
        "report_trouble": re.compile(rf"(?i:\b(?:{_alt(c['kinds']['report_trouble'])})\b)"),
        "report_verb": re.compile(rf"(?i:\b(?:{_alt(c['kinds']['report_verbs'])})\s+(?:(?:kết quả[^,;.]{{0,80}}?|định kỳ)\s+)?(?:(?:cho|về|lên|tới|đến)\s+)?(?=(?i:{head_re})|[A-ZĐ]))"),
        "target_start": re.compile(rf"^(?i:(?:{_alt(c['kinds']['target_start'])})\b)"),
        "figure": re.compile(c["kinds"]["target_figure"]),
        "skip": _AnyOf(c["skip"]["patterns"], re.I),
        "legal_basis": re.compile(c["skip"]["legal_basis"], re.I),
        "praise": re.compile(rf"(?i:\b(?:{_alt(c['skip']['praise'])})\b)"),
        "praise_but": re.compile(rf"(?i:(?<!đã )(?<!được )\b(?:{_alt(c['skip']['praise_but'])})\b)"),
        "bg": re.compile(rf"(?i:\b(?:{_alt(c['skip']['background_cues'])})\b)"),
        "verbs": re.compile(rf"\b{verbs_re}"),
        "actor_cut": re.compile(rf"\s+(?i:{_alt(c['actors']['actor_cut'])})\b.*$", re.S),
        "not_actor": re.compile(rf"(?i:(?<!được )\b(?:{_alt(c['actors']['not_actor'])})\b)"),
        "not_actor_except": re.compile(rf"(?i:\b(?:{_alt(c['actors']['not_actor_except'])})\b)"),
        "figure_front": re.compile(r"\d+(?:[.,]\d+)?\s*%\s+"),
        "directive": re.compile(r"(?i:\b(?:yêu cầu|đề nghị|giao|chỉ đạo|kêu gọi)\b)"),
        # the words the patterns above need (one of them), for the cheap tests of ``_may``
        "cue_words": _lows(c["lead_in"]["cues"]),
        "praise_words": _lows(c["skip"]["praise"]),
        "trouble_words": _lows(c["kinds"]["report_trouble"]),
        "bg_words": _lows(c["skip"]["background_cues"]),
        # what a match of lead_cue, opener and actor_verb starts with (for _starts)
        "opener_words": _lows(c["lead_in"]["openers"]),
        "actor_words": _lows(c["actors"]["heads"] + c["actors"]["strip_front"] + ["các", "mọi", "những", "toàn bộ", "Phòng", "lãnh đạo"]),
    }
    # the four attribute labels as one pattern, alternatives in _attr_kind's order
    cfg["attr_any"] = re.compile("|".join(f"(?P<{k}>{cfg['attr_' + k].pattern})" for k in _ATTR_KINDS))
    return cfg


# ---------------------------------------------------------------------------
# small helpers

_SENT_ONLY_RE = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ])")


# the same breaks as _SENT_ONLY_RE (group 1), found from the stop: a pattern that starts with
# a character class is searched much faster than one that starts with a look-behind
_SENT_STOP_RE = re.compile(r"[.!?…](\s+)" + _SENT_ONLY_RE.pattern[len(r"(?<=[.!?…])\s+"):])
_ABBR_END_RE = re.compile(r"(?:\b[A-ZĐ][a-z]?\.|(?:^|\s)\d{1,2}\.|v\.v\.)$")


def _sentences(text: str, s: int, e: int) -> list[tuple[int, int]]:
    out = []
    pos = s
    for m in _SENT_STOP_RE.finditer(text, max(0, s - 1), e):
        ms = m.start(1)
        # not after an abbreviation like "TP." / "Tr." / "v.v." / numbers "1."
        before = text[max(s, ms - 5):ms]
        if _ABBR_END_RE.search(before):
            continue
        out.append((pos, ms))
        pos = m.end()
    out.append((pos, e))
    return [(a, b) for a, b in out if b > a]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in " \t\n":
        s += 1
    while e > s and text[e - 1] in " \t\n":
        e -= 1
    # trailing "/." or "./." closing marks
    while e > s and text[e - 1] in "/":
        e -= 1
    if text[e - 2:e] == "./" or text[e - 1:e] == "/":
        e -= 1
    return s, e


# patterns of the helpers below, compiled once
_SPACES_RE = re.compile(r"\s+")
_NAME_TAIL_RE = re.compile(r"\s+(?:nơi|mà|thì|sẽ|đã|đang|cũng|đều|tự|như)$")
_SAU_DAY_RE = re.compile(r"\s*\(sau đây[^)]*\)?")
_PLURAL_RE = re.compile(r"(?i:các|những|mọi|toàn)\b")
_VERB_START_RE = re.compile(r"(?i:tổ chức (?!đảng|chính trị|cơ sở|,)|ban hành|báo cáo)")
_AIM_RE = re.compile(r"(?i:phấn đấu|ít nhất|tối thiểu|đạt\s+\d)")
_REPORT_WORD_RE = re.compile(r"(?i:phản ánh|báo cáo)")
_PERIODIC_RE = re.compile(r"(?i:(?:hàng|hằng|định kỳ)\b)")
_BRACKETS_RE = re.compile(r"\([^()]*\)")
_BAO_CAO_RE = re.compile(r"(?i:báo cáo)\b")


def _clean_name(s: str) -> str:
    s = _SPACES_RE.sub(" ", s).strip(" ,;:.-–")
    s = _NAME_TAIL_RE.sub("", s)
    s = _SAU_DAY_RE.sub("", s).strip(" ,;")
    s = _cfg()["strip_front"].sub("", s)
    s = _cfg()["apposition"].sub("", s)
    return s.strip(" ,;:.-–")


_PROPER_HEAD = re.compile(
    r"(?:Sở|Bộ|Ủy ban|Uỷ ban|UBND|Ban|Văn phòng|Trung tâm|Công an|Thanh tra|Báo|Đài|Cục|Chi cục|Kho bạc|"
    r"Ngân hàng|Tòa án|Toà án|Viện|Hội|Liên đoàn|Đoàn|Mặt trận|Tập đoàn|Tổng công ty|Công ty|Đảng ủy|Đảng uỷ|"
    r"Quân khu|Học viện|Trường|Bệnh viện|Kiểm toán|Bảo hiểm|Tổng cục|Thường trực|Hội đồng)\b|các\b"
)


def _split_proper(part: str) -> list[str]:
    """"Sở Nội vụ, Sở Tư pháp, các cơ quan liên quan" -> three names; "Các Sở, ngành, UBND cấp xã" stays one."""
    out = []
    start = 0
    for m in _COMMA_RE.finditer(part):
        left = part[start:m.start()].strip()
        right = part[m.end():]
        if (left[:1].isupper() and not _PLURAL_RE.match(left)
                and _PROPER_HEAD.match(right) and len(left.split()) >= 2):
            out.append(part[start:m.start()])
            start = m.end()
    out.append(part[start:])
    return out


_BARE_RE = re.compile(r"(?i:các|những|mọi|ban|bộ|sở|cục|vụ|đơn vị|cơ quan|tổ chức)")


def split_names(phrase: str) -> list[str]:
    """"A, Thủ trưởng B; C và các D" -> ["A", "Thủ trưởng B", "C", "các D"]."""
    parts = []
    for part in _cfg()["titles_split"].split(phrase):
        parts.extend(_split_proper(part))
    out = []
    for p in parts:
        p = _clean_name(p)
        if p and len(p) > 2 and not _BARE_RE.fullmatch(p) and p not in out:
            out.append(p)
    return out


def _skip_openers(text: str, s: int, e: int) -> int:
    """Offset after leading adverbial clauses ("Theo đó, ", "Căn cứ ..., ")."""
    cfg = _cfg()
    for _ in range(3):
        m = cfg["opener"].match(text, s, e) if _starts(text, cfg["opener_words"], s, e) else None
        if not m:
            break
        s = m.end()
    return s


def _phrase(text: str, pos: int, e: int, extend: bool = False):
    """An actor phrase at ``pos`` ending before its verb: ``(names, (s, e), verb_end)`` or None."""
    cfg = _cfg()
    am = cfg["actor_verb"].match(text, pos, e) if _starts(text, cfg["actor_words"], pos, e) else None
    if not am:
        return None
    a_s, a_e = am.start("a"), am.end("a")
    phrase = text[a_s:a_e]
    if cfg["not_actor"].search(cfg["not_actor_except"].sub(lambda m: "_" * len(m.group()), phrase)) or re.search(r"\sđược(?:\s(?!giao)|$)", phrase):
        return None
    cm = cfg["actor_cut"].search(phrase)
    if cm:
        a_e = a_s + cm.start()
    col = text.find(":", a_s, a_e)
    if col >= 0 and any(w[0].islower() and w not in ("và",) for w in text[col + 1:a_e].split()):
        a_e = col  # "X: Là các đơn vị …" — only a list of names may follow a colon
    names = split_names(text[a_s:a_e])
    if not names:
        return None
    # in a lead-in, "X chỉ đạo Y <verb> …:": Y acts too
    if extend and text.startswith("chỉ đạo", am.start("v")):
        p2 = am.end("v")
        while p2 < e and text[p2] == " ":
            p2 += 1
        sub = _phrase(text, p2, e)
        if sub:
            names = names + [n for n in sub[0] if n not in names]
    return names, (a_s, a_e), am.end("v")


def actor_at(text: str, s: int, e: int) -> tuple[list[str], Optional[tuple[int, int]], bool]:
    memo = _doc(text).actor  # this document's answers: no comparison of the whole text
    r = memo.get((s, e))
    if r is None:
        r = memo[(s, e)] = _actor_at(text, s, e)
    names, span, cue = r
    return list(names), span, cue


def _actor_at(text: str, s: int, e: int) -> tuple[tuple, Optional[tuple[int, int]], bool]:
    names, span, cue = _actor_at_uncached(text, s, e)
    return tuple(names), span, cue


def _actor_at_uncached(text: str, s: int, e: int) -> tuple[list[str], Optional[tuple[int, int]], bool]:
    """The actor(s) a unit names at its start: ``(names, span, by_cue)``.

    "<actor> <verb> …", "Giao <actor> …", "Đề nghị <actor> …",
    "… yêu cầu <actor> <verb> …" (a cue in the first clause), "100% <actor> …".
    """
    cfg = _cfg()
    e2 = min(e, s + 400)
    fm = cfg["figure_front"].match(text, s, e2)
    if fm:
        s = fm.end()
    p = _skip_openers(text, s, e2)
    for start in (p, s) if p != s else (s,):
        m = cfg["lead_cue"].match(text, start, e2) if _starts(text, cfg["cue_words"], start, e2) else None
        if m:
            r = _phrase(text, m.end(), e2)
            if r:
                return r[0], r[1], True
            cm = _COLON_NAME_RE.match(text[m.end():e2])
            if cm:
                names = split_names(cm.group(1))
                if names:
                    return names, (m.end(), m.end() + len(cm.group(1))), True
        if not _looks_verb_start(text, start):
            r = _phrase(text, start, e2)
            if r:
                return r[0], r[1], False
    # "X yêu cầu <actor> …" in the first clause, X a body (the issuer)
    first_end = min(e2, s + 300)
    closing = bool(_CLOSING_RE.match(text, s, s + 10))
    cue_end = first_end if not closing else e2
    for m in (cfg["lead_cue"].finditer(text, s, cue_end) if _may(text, cfg["cue_words"], s, cue_end) else ()):
        pre = text[p:m.start()]
        after_colon = bool(re.search(r":\s*$", text[max(s, m.start() - 3):m.start()]))
        if m.start() > p and not closing and not after_colon and not (
                cfg["head"].match(pre) or re.match(r"(?i:thủ tướng|chủ tịch|ban|bộ|chỉ thị|nghị quyết|kế hoạch|kết luận|"
                                                   r"công điện|quyết định|thông báo|hướng dẫn|công văn|văn bản)", pre)):
            continue
        r = _phrase(text, m.end(), e2)
        if r:
            return r[0], r[1], True
    # "nếu có vướng mắc thì <actor> …"
    tm = _THI_RE.search(text[s:min(e2, s + 200)]) if text.find("thì", s, min(e2, s + 200)) >= 0 else None
    if tm:
        r = _phrase(text, s + tm.end(), e2)
        if r:
            return r[0], r[1], False
    # an opener clause with commas inside: "Hàng quý, 6 tháng, …, các TCCS đảng …"
    if p != s or cfg["opener"].match(text, s, e2) or _TIME_OPENER_RE.match(text, s, s + 12):
        stop = _SEMI_RE.search(text[s:min(e2, s + 250)])
        for cm in _COMMA_RE.finditer(text[s:s + stop.start()] if stop else text[s:min(e2, s + 250)]):
            q = s + cm.end()
            if _BARE_UNIT_RE.match(text, q, q + 10):
                continue
            if text.count("(", s, q) > text.count(")", s, q):
                continue  # inside brackets
            r = _phrase(text, q, e2)
            if r:
                return r[0], r[1], False
    return [], None, False


_COLON_NAME_RE = re.compile(r"([^:.;]{3,150}):")
_CLOSING_RE = re.compile(r"(?i:trên đây)")
_THI_RE = re.compile(r"\sthì\s+")
_TIME_OPENER_RE = re.compile(r"(?i:(?:hàng|hằng|định kỳ|trong|để|nhằm|căn cứ|trên cơ sở)\b)")
_SEMI_RE = re.compile(r"[;:]")
_COMMA_RE = re.compile(r",\s+")
_BARE_UNIT_RE = re.compile(r"(?:đơn vị|cơ quan)\b")


def _looks_verb_start(text: str, s: int) -> bool:
    return bool(_VERB_START_RE.match(text[s:s + 30]))


def heading_actor(text: str, s: int, e: int) -> list[str]:
    """The body a heading names ("4. Sở Xây dựng", "Các đơn vị … có trách nhiệm:")."""
    cfg = _cfg()
    h = text[s:e].strip().rstrip(":")
    if not h or len(h) > 200 or cfg["execution"].match(h) or cfg["background"].match(h):
        return []
    m = re.match(r"(?i:(?:đề nghị|giao|yêu cầu)\s+|(?:trách nhiệm|nhiệm vụ|nhiệm vụ, quyền hạn|quyền hạn và trách nhiệm|"
                 r"nhiệm vụ và quyền hạn|phân công nhiệm vụ)(?:\s+(?:thực hiện|cụ thể))?\s+(?:của\s+)?(?=[A-ZĐ]|các\b))", h)
    off = m.end() if m else 0
    body = h[off:]
    tail = re.search(r"\s+(?i:có trách nhiệm|chịu trách nhiệm|thực hiện|thực hiện các nội dung sau|chủ trì)\s*$", body)
    if tail:
        body = body[:tail.start()]
    if not cfg["head"].match(body):
        return []
    col = body.find(":")
    if col >= 0 and any(w[0].islower() and w != "và" for w in body[col + 1:].split()):
        body = body[:col]
    cut = re.search(r"\s+(?:có trách nhiệm|chịu trách nhiệm|thực hiện|triển khai|chủ trì|tập trung|khẩn trương)\b", body)
    if cut:
        body = body[:cut.start()]
    if len(body) > 300:
        return []
    return split_names(body)


def lead_in_actor(text: str, s: int, e: int) -> list[str]:
    """The actor a lead-in sentence addresses ("… yêu cầu các cấp ủy … thực hiện …:")."""
    cfg = _cfg()
    best: list = []
    for m in (cfg["lead_cue"].finditer(text, s, e) if _may(text, cfg["cue_words"], s, e) else ()):
        r = _phrase(text, m.end(), e, extend=True)
        if r:
            best = r[0]
        else:
            rest = text[m.end():e]
            rm = re.match(r"([^:]{3,200}?)\s*(?:(?:như sau|những nội dung sau|các nội dung sau|cụ thể)[^:]*)?:\s*$", rest)
            if rm and cfg["head"].match(rm.group(1)) and not cfg["verbs"].search(rm.group(1)):
                best = split_names(rm.group(1))
    if not best:
        names, span, _ = actor_at(text, s, e)
        if span and not re.match(r"\s*(?i:ban hành|hướng dẫn|kết luận|thông báo|quyết định|chỉ thị|điện|có ý kiến)", text[span[1]:span[1] + 30]):
            best = names
    return best


# ---------------------------------------------------------------------------
# candidates


@dataclass
class Unit:
    start: int
    end: int
    section: Optional[str] = None
    ctx: str = "operative"  # operative | background | objective | preamble | narrative | table | no_records
    inherited: list = field(default_factory=list)
    lead_span: Optional[tuple] = None
    attrs: dict = field(default_factory=dict)  # lead/partner/time -> [(s, e)]
    in_list: bool = True
    marked: bool = False  # the first paragraph of an enumerated item
    model: Optional[tuple] = None  # (label, probability) of the classifier
    phase: Optional[tuple] = None  # span of the phase heading above the unit ("Đợt 1: Trong tháng 12/2025")
    article: Optional[list] = None  # in an article ("Điều N. …"): the spans of the headings above the unit


def _attr_kind(text: str, s: int, e: int) -> Optional[tuple[str, int]]:
    # one match of the four label patterns as alternatives, in order: the first that matches
    m = _cfg()["attr_any"].match(text, s, e)
    if m:
        for k in _ATTR_KINDS:
            if m.group(k) is not None:
                return k, m.end()
    return None


_ATTR_KINDS = ("lead", "partner", "time", "other")


def _section_ctx(text: str, sec: Section, parent_ctx: str) -> str:
    cfg = _cfg()
    h = text[sec.text_start:sec.first_end].strip()
    if not sec.is_heading and not (h.endswith(":") and len(h) < 120):
        return parent_ctx
    if cfg["execution"].match(h):
        return "operative"
    if cfg["assessment"].match(h):
        return "assessment"
    if cfg["no_records"].match(h):
        return "no_records"  # slogans, worked examples
    if cfg["background"].match(h):
        return "background"
    if cfg["objective"].match(h):
        return "objective"
    if re.match(r"(?i:nhiệm vụ|giải pháp|nội dung|phân công|tổ chức)", h):
        return "operative"
    return parent_ctx


class _Walker:
    def __init__(self, text: str, is_report: bool):
        self.text = text
        self.units: list[Unit] = []
        self.pending: list[Unit] = []
        self.after_attr = False
        self.is_report = is_report

    # attributes fill the items since the previous attribute block
    def attr(self, kind: str, s: int, vs: int, e: int):
        if not self.after_attr:
            self.after_attr = True
        for u in self.pending:
            u.attrs.setdefault(kind, []).append((vs, e))
            u.attrs.setdefault("spans", []).append((s, e))

    def add(self, u: Unit):
        if self.after_attr:
            self.pending = []
            self.after_attr = False
        self.pending.append(u)
        self.units.append(u)

    def new_group(self):
        self.pending = []
        self.after_attr = False

    def paragraph(self, s: int, e: int, sec_path, ctx, inherited, lead_span, in_list=True):
        text = self.text
        s, e = _trim(text, s, e)
        if e <= s:
            return
        ak = _attr_kind(text, s, e)
        if ak:
            k, vs = ak
            if k != "other":
                self.attr(k, s, vs, e)
            return
        if _cfg()["skip"].found_in_slice(text, s, min(e, s + 60)):
            return
        # split sentences that name their own, different actor
        sents = _sentences(text, s, e)
        # a trailing "Thời hạn hoàn thành: …" sentence is an attribute, not a unit
        tail_attrs = []
        while len(sents) > 1:
            ak2 = _attr_kind(text, *_trim(text, *sents[-1]))
            if not ak2 or ak2[0] != "time":
                break
            a, b = _trim(text, *sents.pop())
            tail_attrs.append((a, ak2[1], b))
        group_actor: list = []
        if in_list and len(sents) > 1:
            groups = [[sents[0]]]
            first_names, _, _ = actor_at(text, sents[0][0], sents[0][1])
            cur_actor = first_names or inherited
            group_actor = [None]
            for a, b in sents[1:]:
                names, span, _ = actor_at(text, a, b)
                if names and not _same_actor(names, cur_actor):
                    groups.append([(a, b)])
                    group_actor.append(None)
                    cur_actor = names
                elif len(groups) > 1 and not names and not _same_actor(cur_actor, first_names or inherited):
                    # back to the item's own actor
                    groups.append([(a, b)])
                    group_actor.append(None)
                    cur_actor = first_names or inherited
                else:
                    groups[-1].append((a, b))
            spans = [(g[0][0], g[-1][1]) for g in groups]
        elif not in_list:
            spans = sents
        else:
            spans = [(sents[0][0], sents[-1][1])]
        made = []
        for gi, (a, b) in enumerate(spans):
            a, b = _trim(text, a, b)
            if b - a < 8:
                continue
            inh = group_actor[gi] if gi < len(group_actor) and group_actor[gi] is not None else inherited
            u = Unit(a, b, section=sec_path, ctx=ctx, inherited=list(inh), lead_span=lead_span,
                     in_list=in_list)
            self.add(u)
            made.append(u)
        for u in made:  # the closing deadline sentence binds every unit of the paragraph
            for a, vs, b in tail_attrs:
                u.attrs.setdefault("time", []).append((vs, b))
                u.attrs.setdefault("spans", []).append((a, b))

    def section(self, sec: Section, ctx: str, inherited: list, lead_span):
        """Units of ``sec``; returns ``(actors, span)`` when it ends on a lead-in for what follows."""
        text = self.text
        cfg = _cfg()
        ctx = _section_ctx(text, sec, ctx)
        paras = list(sec.paragraphs)
        first = paras[0] if paras else (sec.text_start, sec.first_end)
        fs, fe = _trim(text, *first)
        own_inherited = inherited
        own_lead = lead_span
        body_paras = paras[1:] if paras else []
        first_is_unit = False
        if fe <= fs:
            pass
        elif sec.is_heading and (sec.children or len(paras) > 1):
            if not cfg["execution"].match(text[fs:fe]):
                ha = heading_actor(text, fs, fe)
                if ha:
                    own_inherited = ha
                    own_lead = (fs, fe)
            self.new_group()
        elif text[fe - 1] == ":" and (sec.children or len(paras) > 1):
            la = lead_in_actor(text, fs, fe) or heading_actor(text, fs, fe)
            if la:
                own_inherited = la
            own_lead = (fs, fe)
            self.new_group()
        else:
            body_paras = paras
            first_is_unit = True
        # a short list of bodies broken over two lines ("Các bộ, …;" / "Ủy ban nhân dân … căn cứ …")
        merged: list = []
        for ps, pe in body_paras:
            if merged:
                qs, qe = _trim(text, *merged[-1])
                if qe - qs < 100 and text[qe - 1] in ";," and not cfg["verbs"].search(text, qs, qe):
                    merged[-1] = (merged[-1][0], pe)
                    continue
            merged.append((ps, pe))
        body_paras = merged
        item_actor = None
        tail_lead = None
        for k, (ps, pe) in enumerate(body_paras):
            ps2, pe2 = _trim(text, ps, pe)
            if pe2 > ps2 and text[pe2 - 1] == ":" and not _attr_kind(text, ps2, pe2):
                # a lead-in for the items (or sections) that follow
                la = lead_in_actor(text, ps2, pe2)
                if la or cfg["directive"].search(text[ps2:pe2]) or k == len(body_paras) - 1:
                    own_inherited = la or own_inherited
                    own_lead = (ps2, pe2)
                    if k == len(body_paras) - 1 and not sec.children:
                        tail_lead = (la, (ps2, pe2)) if la else None
                    continue
            inh = own_inherited
            if item_actor is not None and k > 0:
                inh = item_actor
            n0 = len(self.units)
            self.paragraph(ps, pe, sec.path, ctx, inh, own_lead)
            for u in self.units[n0:]:
                u.marked = first_is_unit and k == 0 and u.start <= ps2 + 1
            if k == 0 and first_is_unit and self.units[n0:]:
                names, _, _ = actor_at(text, ps2, pe2)
                item_actor = names or None
        carry = None
        for c in sec.children:
            if carry:
                r = self.section(c, ctx, carry[0], carry[1])
            else:
                r = self.section(c, ctx, own_inherited, own_lead)
            if r:
                carry = r
        return tail_lead


def _key(n: str) -> str:
    n = re.sub(r"\s+", " ", n.lower().replace("uỷ", "ủy"))
    return re.sub(r"^(?:các|những|mọi)\s+", "", n)


def _same_actor(a, b) -> bool:
    """Do two actor lists name the same bodies ("cấp ủy" within "Các cấp uỷ đảng")?"""
    if not a or not b:
        return not a and not b
    ka, kb = [_key(x) for x in a], [_key(x) for x in b]
    return all(any(x in y or y in x for y in kb) for x in ka)


# ---------------------------------------------------------------------------
# appendix tables (one cell a line)

_ROWNUM_RE = re.compile(r"^\d{1,3}(?:\.\d{1,2})?\.?$")
_ROMAN_RE = re.compile(r"^[IVXLC]{1,6}\.?$")
_HDR_RE = re.compile(r"(?i:^(?:tt|stt|số tt)$)")
_TIME_CELL_RE = re.compile(
    r"(?i:^(?:trước|chậm nhất|trong|từ|sau|hoàn thành|thường xuyên|hằng|hàng|định kỳ|quý|tháng|năm|giai đoạn|"
    r"\d{1,2}/\d{4}|\d{4}(?:\s*[-–]\s*\d{4})?|theo (?:tiến độ|yêu cầu|kế hoạch|quy định)|khi|ngay)\b)"
)


def _table_units(text: str, s: int, e: int) -> list[Unit]:
    """Rows of a task table flattened one cell per line."""
    lines = paragraphs(text, s, e, cells=True)
    # find the header row: "TT" followed by a cell naming the content
    units: list[Unit] = []
    i = 0
    n = len(lines)
    while i < n:
        a, b = lines[i]
        if _HDR_RE.match(text[a:b].strip()):
            hdr = []
            j = i + 1
            while j < n and len(hdr) < 8:
                t = text[lines[j][0]:lines[j][1]].strip()
                if _ROWNUM_RE.match(t) or _ROMAN_RE.match(t):
                    break
                hdr.append(t.lower())
                j += 1
            cols = _columns(hdr)
            if cols is None:
                i += 1
                continue
            i = j
            while i < n:
                t = text[lines[i][0]:lines[i][1]].strip()
                if _HDR_RE.match(t):
                    break
                if _ROWNUM_RE.match(t):
                    j = i + 1
                    cells = []
                    while j < n:
                        tj = text[lines[j][0]:lines[j][1]].strip()
                        if _ROWNUM_RE.match(tj) or _ROMAN_RE.match(tj) or _HDR_RE.match(tj):
                            break
                        cells.append(lines[j])
                        j += 1
                    u = _row_unit(text, cells, cols, t)
                    if u:
                        units.append(u)
                    i = j
                    continue
                i += 1
            continue
        i += 1
    return units


def _columns(hdr: list[str]) -> Optional[dict]:
    cols = {}
    for k, h in enumerate(hdr):
        if k == 0 and _HDR_RE.match(h):
            cols["tt"] = 0
            continue
        if ("nội dung" in h or "nhiệm vụ" in h or "tên" in h or "chỉ tiêu" in h) and "content" not in cols:
            cols.setdefault("content", k)
            if "chỉ tiêu" in h:
                cols["target"] = True
        elif "chủ trì" in h or "thực hiện" in h and "phối hợp" not in h and "thời" not in h:
            cols.setdefault("lead", k)
        elif "phối hợp" in h:
            cols.setdefault("partner", k)
        elif "thời" in h or "tiến độ" in h or "hạn" in h:
            cols.setdefault("time", k)
    if "content" not in cols or "lead" not in cols:
        return None
    return cols


def _pipe_cells(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Cell spans of a markdown table row "| a | b |" (trimmed)."""
    out = []
    bars = []
    i = text.find("|", a, b)
    while i >= 0:
        bars.append(i)
        i = text.find("|", i + 1, b)
    for x, y in zip(bars, bars[1:]):
        cs, ce = _trim(text, x + 1, y)
        out.append((cs, max(cs, ce)))
    return out


def _pipe_table_units(text: str, s: int, e: int) -> list[Unit]:
    """Rows of markdown tables ("| TT | Tên nhiệm vụ | Cơ quan chủ trì | … |")."""
    units: list[Unit] = []
    if text.find("|", s, e) < 0:  # no table row without a bar
        return units
    cols = None
    for m in re.finditer(r"(?m)^[ \t]*\|.*\|[ \t]*$", text[s:e]):
        a, b = s + m.start(), s + m.end()
        cells = _pipe_cells(text, a, b)
        vals = [text[x:y].strip() for x, y in cells]
        if not vals:
            continue
        if all(re.fullmatch(r":?-{2,}:?", v or "--") for v in vals):
            continue
        if _HDR_RE.match(vals[0].lower()):
            cols = _columns([v.lower() for v in vals])
            continue
        if not cols or not re.fullmatch(r"\d{1,3}(?:\.\d{1,3})*\.?", vals[0]):
            continue
        ci = cols["content"]
        if ci >= len(cells) or cells[ci][1] <= cells[ci][0]:
            continue
        u = Unit(cells[ci][0], cells[ci][1], section=vals[0].rstrip("."),
                 ctx="table_target" if cols.get("target") else "table", in_list=True)
        for key in ("lead", "partner", "time"):
            k = cols.get(key)
            if k is not None and k < len(cells) and cells[k][1] > cells[k][0]:
                u.attrs[key] = [cells[k]]
                u.attrs.setdefault("spans", []).append(cells[k])
        units.append(u)
    return units


def _row_unit(text: str, cells: list, cols: dict, rownum: str) -> Optional[Unit]:
    if not cells:
        return None
    cs, ce = cells[0]
    u = Unit(cs, ce, section=rownum, ctx="table_target" if cols.get("target") else "table", in_list=True)
    rest = cells[1:]
    # lead, partner: the next cells that are not times; time: the first time-like cell
    names = []
    for a, b in rest:
        t = text[a:b].strip()
        if _TIME_CELL_RE.match(t):
            if "time" not in u.attrs:
                u.attrs["time"] = [(a, b)]
                u.attrs.setdefault("spans", []).append((a, b))
            break
        names.append((a, b))
    if "lead" in cols and names:
        u.attrs["lead"] = [names[0]]
        u.attrs.setdefault("spans", []).append(names[0])
    if "partner" in cols and len(names) > 1:
        u.attrs["partner"] = [names[1]]
        u.attrs.setdefault("spans", []).append(names[1])
    return u


_APPENDIX_WORDS = ("PHỤ LỤC", "Phụ lục", "BIỂU", "Biểu")
_TT_WORDS = ("TT", "STT")


def _appendix_start(text: str, s: int, e: int) -> Optional[int]:
    r"""Where ``(?m)^\s*(?:PHỤ LỤC|Phụ lục|BIỂU|Biểu)\b`` or, failing that,
    ``(?m)^\s*(?:TT|STT)\s*$`` first matches in ``text[s:e]`` (offset into ``text``); found
    from the words with ``str.find`` instead of trying the pattern at every line."""
    best = None
    for w in _APPENDIX_WORDS:
        i = text.find(w, s, e)
        while i >= 0 and (best is None or i < best):
            k = i + len(w)
            if k == e or not _is_word(text[k]):
                j = _line_start(text, s, i)
                if j is not None:
                    best = j
                    break
            i = text.find(w, i + 1, e)
    if best is not None:
        return best
    for w in _TT_WORDS:
        i = text.find(w, s, e)
        while i >= 0 and (best is None or i < best):
            if _blank_to_eol(text, i + len(w), e):
                j = _line_start(text, s, i)
                if j is not None:
                    best = j
                    break
            i = text.find(w, i + 1, e)
    return best


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # re's \w


def _line_start(text: str, s: int, i: int) -> Optional[int]:
    r"""The first line start ``j`` (``s`` or just after a "\n") with only white space in
    ``text[j:i]`` -- where ``(?m)^\s*`` starts a match ending at ``i`` -- or None."""
    j = i
    while j > s and text[j - 1].isspace():
        j -= 1
    if j == s:
        return s
    nl = text.find("\n", j, i)
    return None if nl < 0 else nl + 1


def _blank_to_eol(text: str, k: int, e: int) -> bool:
    r"""Does ``\s*$`` (multi-line) match at ``k`` in ``text[:e]``?"""
    while k < e:
        ch = text[k]
        if ch == "\n":
            return True
        if not ch.isspace():
            return False
        k += 1
    return True


# ---------------------------------------------------------------------------
# fields


def _names_in(text: str, spans) -> list[str]:
    out = []
    for a, b in spans or []:
        r = _phrase(text, a, b)
        if r:  # a cell with a sentence: "Sở X chủ trì, phối hợp …"
            for x in r[0]:
                if x not in out:
                    out.append(x)
            continue
        v = text[a:b].strip().rstrip(".;")
        for n in re.split(r";\s*", v):
            for x in split_names(n) if n else []:
                x = re.sub(r"\s+", " ", x)
                if x and x not in out:
                    out.append(x)
    return out


_PARTNER_RE = re.compile(r"(?i:phối hợp(?:\s+chặt chẽ)?(?:\s+với)?\s+)")
_PARTNER_WORDS = ("phối hợp",)
_PARTNER_STOP = re.compile(
    # ("thuộc phạm vi quản lý" is part of the partner's name)
    r"(?i:(?<!phạm vi)\s+(?:để|nhằm|trong việc|trong|tổ chức|triển khai|thực hiện|xây dựng|tuyên truyền|rà soát|hướng dẫn|"
    r"tham mưu|kiểm tra|theo dõi|đánh giá|nghiên cứu|đề xuất|cung cấp|bảo đảm|đảm bảo|tăng cường|giải quyết|"
    r"xử lý|có(?!\s+liên quan)|chỉ đạo|lãnh đạo|quản lý|thường xuyên|kịp thời|khẩn trương|tập trung|vận động|hoàn thành|thống nhất|"
    r"tiếp tục|đôn đốc|tổng hợp|cập nhật|ban hành|giám sát|thẩm định|lập|trình|căn cứ|đẩy mạnh|phổ biến)\b|[.:()]|$)"
)


def partners_in(text: str, s: int, e: int) -> list[str]:
    cfg = _cfg()
    out = []
    for m in (_PARTNER_RE.finditer(text, s, e) if _may(text, _PARTNER_WORDS, s, e) else ()):
        if not cfg["head"].match(text, m.end(), e):
            continue
        st = _PARTNER_STOP.search(text, m.end(), min(e, m.end() + 250))
        pe = st.start() if st else min(e, m.end() + 250)
        seg = text[m.end():pe]
        vv = _cfg()["verbs"].search(seg)
        if vv and not re.match(r"quản lý\b", seg[vv.start():]):
            seg = seg[:vv.start()]
        vm = re.search(r"\s+(?:tập huấn|bồi dưỡng|khảo sát|vận hành|kiểm soát|điều tra|thống kê|hỗ trợ|đầu tư|"
                       r"phát hiện|ngăn chặn|thu hồi|sửa đổi|chuẩn bị|tổ chức|giải quyết)\b", seg)
        if vm:
            seg = seg[:vm.start()]
        for n in split_names(seg):
            n = re.sub(r"\s*,\s*$", "", n)
            if n and n not in out:
                out.append(n)
    return out


_REPORT_TO_RE = re.compile(r"(?i:\b(?:báo cáo|phản ánh|gửi (?:báo cáo|kết quả))\b)")
_REPORT_STOP = re.compile(r"(?i:\s+(?:để|kết quả|theo|trước|hoặc|xem xét|định kỳ|về việc|tình hình|trong|khi|hằng|hàng|chậm nhất)\b|[,;.]|$)")
_VIA_RE = re.compile(r"(?:[^,;.()]{0,100}?\s)?(?:cho|về|lên|tới|đến)\s+")
_RECIPIENT_RE = re.compile(r"(?:Thường vụ|Thường trực|Chủ tịch|Thủ tướng|Ban|UBND|Ủy ban|Uỷ ban|Bộ|Sở|HĐND|Hội đồng)")


def report_to_in(text: str, s: int, e: int) -> Optional[str]:
    """The body a report goes to: "báo cáo [kết quả …] (về|cho|lên) <body> [(qua …)]"."""
    cfg = _cfg()
    for m in _REPORT_TO_RE.finditer(text, s, e):
        p = m.end()
        while p < e and text[p] == " ":
            p += 1
        if not (cfg["head"].match(text, p, e) or _RECIPIENT_RE.match(text, p, e)):
            # "báo cáo kết quả thực hiện Kế hoạch về <body>": the body after a preposition
            pm = _VIA_RE.match(text, p, min(e, p + 130))
            if not pm:
                continue
            p = pm.end()
            if not (cfg["head"].match(text, p, e) or _RECIPIENT_RE.match(text, p, e)):
                continue
        st = _REPORT_STOP.search(text, p, min(e, p + 200))
        q = st.start() if st else min(e, p + 200)
        seg = text[p:q]
        if "(" in seg and ")" not in seg:
            close = text.find(")", q, min(e, q + 120))
            if close > 0:
                q = close + 1
                seg = text[p:q]
        seg = re.sub(r"\s*\((?!\s*(?:qua|thông qua)\b)[^()]*\)\s*$", "", seg)  # "(khoản 2 Điều 11)" is no part
        if text.startswith(" (qua", q) or text.startswith(" (thông qua", q):
            close = text.find(")", q, min(e, q + 120))
            if close > 0:
                q = close + 1
                seg = text[p:q]
        seg = seg.strip(" ,;")
        if len(seg) >= 3:
            return re.sub(r"\s+", " ", seg)
    return None


def _has_prohibition(text: str, a: int, b: int, t: str) -> bool:
    """``bool(cfg["prohibition"].search(t))`` for ``t = text[a:b]``: each branch tried only
    where one of its words (found in the lower-case copy) lets it start."""
    cfg = _cfg()
    if cfg["proh_c"].search(t):  # starts with ";": searched fast as it is
        return True
    d = _doc(text)
    if d.odd:
        return bool(cfg["prohibition"].search(t))
    low = d.low
    rb = cfg["proh_b"]
    for w in cfg["proh_any_words"]:  # "\b<word>\b": a match starts where its word does
        i = low.find(w, a, b)
        while i >= 0:
            if rb.match(t, i - a):
                return True
            i = low.find(w, i + 1, b)
    ra = cfg["proh_a"]
    for w in cfg["proh_words"]:
        i = low.find(w, a, b)
        while i >= 0:
            # "(?:^|[;:.,]\s+|\bphải\s+|\bvà\s+)<word>": the start is the text's start (the word
            # there) or the stop, "và" or "phải" just before the white space before the word
            r = i - a
            if r == 0 and ra.match(t, 0):
                return True
            j = r
            while j > 0 and t[j - 1].isspace():
                j -= 1
            if 0 < j < r:
                for st in (j - 1, j - 2, j - 4):
                    if st >= 0 and ra.match(t, st):
                        return True
            i = low.find(w, i + 1, b)
    return False


def _kind_rules(text: str, u: Unit, body_start: int) -> Optional[str]:
    cfg = _cfg()
    t = text[u.start:u.end]
    low = _doc(text).low  # lower case, offsets kept: the same "in" answers as t.lower()
    if (low.find("cấm", u.start, u.end) >= 0 or low.find("không", u.start, u.end) >= 0) \
            and _has_prohibition(text, u.start, u.end, t):
        return "prohibition"
    if cfg["figure"].match(t) or cfg["target_start"].match(t):
        return "target"
    if u.ctx == "objective":
        if cfg["figure"].search(t) or _AIM_RE.search(t):
            return "target"
    bs = body_start
    if cfg["prohibition_start"].match(text, bs, u.end):
        return "prohibition"
    if cfg["report_start"].match(text, bs, u.end):
        return "report"
    if _may(text, cfg["trouble_words"], u.start, min(u.end, u.start + 200)) and cfg["report_trouble"].search(t[:200]) \
            and _REPORT_WORD_RE.search(t):
        return "report"
    if _PERIODIC_RE.match(t) and _REPORT_TO_RE.search(t) and report_to_in(text, u.start, u.end):
        return "report"
    # "Rà soát, tổng hợp …, báo cáo <body> …": the closing clause is the report
    if len(t) < 300:
        # ignore commas in brackets
        flat = _BRACKETS_RE.sub(lambda m: " " * len(m.group(0)), t) if "(" in t else t
        last = flat.rfind(", ")
        if 0 < last and _BAO_CAO_RE.match(t[last + 2:]) and report_to_in(text, u.start + last + 2, u.end):
            return "report"
    return None


def _is_directive(text: str, s: int, e: int) -> bool:
    cfg = _cfg()
    t = text[s:e]
    return bool(cfg["directive"].search(t) or re.search(r"(?i:\b(?:phải|cần|có trách nhiệm|chịu trách nhiệm|nghiêm cấm|không được)\b)", t))


# ---------------------------------------------------------------------------
# main entry


def find_obligations(text: str, parsed=None, bodies=None, references=None) -> list[Obligation]:
    """Every obligation of ``text`` (the clean text), in text order."""
    units, hs, anchor = candidate_units(text, parsed)
    # temporal expressions once for the whole body and appendix, on a copy where the line
    # breaks inside a unit ("giai đoạn 2026\n- 2030") are spaces; same length, same offsets
    breaks = set()
    for u in units:
        if not u.ctx.startswith("table"):
            i = text.find("\n", u.start, u.end)
            while i >= 0:
                breaks.add(i)
                i = text.find("\n", i + 1, u.end)
    # and its lower-case copy, from the document's (what find_times would make of flat)
    low = _doc(text).low
    flat, flat_low = text, low
    if breaks:
        parts = []
        lparts = []
        pos = 0
        for i in sorted(breaks):
            parts.append(text[pos:i])
            parts.append(" ")
            lparts.append(low[pos:i])
            lparts.append(" ")
            pos = i + 1
        parts.append(text[pos:])
        lparts.append(low[pos:])
        flat = "".join(parts)
        flat_low = "".join(lparts)
    all_times = sorted(find_times(flat, hs, len(text), anchor, lower=flat_low), key=lambda x: x.start)
    all_times = _own_times(flat, all_times, references, anchor)
    tstarts = [x.start for x in all_times]

    def times_in(a: int, b: int) -> list:
        i = bisect.bisect_left(tstarts, a)
        res = []
        while i < len(all_times) and all_times[i].start < b:
            if all_times[i].end <= b:
                res.append(all_times[i])
            i += 1
        return res

    # the classifier, in one batch, for the units whose context leaves the decision open
    skip = _cfg()["skip"]
    open_units = [u for u in units if u.ctx in _MODEL_CTX and not skip.search_in(text, u.start, min(u.end, u.start + 60))
                  and (u.ctx == "narrative" or _is_directive(text, u.start, u.end))]
    preds = predict_kinds([text[u.start:u.end] for u in open_units], [u.ctx for u in open_units])
    for u, pr in zip(open_units, preds):
        u.model = pr

    out = []
    carry: list = []
    for u in units:
        ob = _fill(text, u, times_in, carry)
        if ob is not None:
            out.append(ob)
    out.sort(key=lambda o: o.start)
    return out


_MODEL_CTX = ("narrative", "preamble")


def candidate_units(text: str, parsed=None) -> tuple[list[Unit], int, Optional[str]]:
    """Candidate units (before deciding which are records): ``(units, body_start, anchor)``."""
    if parsed is None:
        from pipeline.parse import parse

        parsed = parse(text)
    hs = getattr(parsed, "header_end", 0) or 0
    be = getattr(parsed, "body_end", len(text)) or len(text)
    doc = getattr(parsed, "document", None)
    anchor = getattr(doc, "issued_date", None) if doc else None
    is_report = bool(getattr(parsed, "is_report", False) or getattr(doc, "is_report", False))
    sections = getattr(parsed, "sections", None)
    # a header that swallowed the first sections (a title run into the body): start at them
    enum = list(_ENUM_LINE_RE.finditer(text, 0, hs))
    if len(enum) >= 3:
        hs = enum[0].start()
        sections = None
    if sections is None:
        sections = parse_structure(text, hs, be)

    # the appendix (task tables) may sit inside the body or after the signature
    app = _appendix_start(text, hs, len(text))
    body_stop = be
    if app is not None and app < be:
        body_stop = app
        sections = [s for s in sections if s.start < app]

    w = _Walker(text, is_report)
    # paragraphs outside any section: the preamble and, for news reports, everything
    covered = [(s.start, s.end) for s in sections]
    first_sec = covered[0][0] if covered else body_stop
    pre_actor: list = []
    pre_lead = None
    for ps, pe in paragraphs(text, hs, first_sec):
        ps, pe = _trim(text, ps, pe)
        if pe <= ps:
            continue
        if text[pe - 1] == ":":
            la = lead_in_actor(text, ps, pe)
            if la or _cfg()["directive"].search(text[ps:pe]):
                pre_actor, pre_lead = la, (ps, pe)
            continue
        _preamble(w, text, ps, pe, is_report or not sections)
    carry = (pre_actor, pre_lead)
    for sec in sections:
        r = w.section(sec, "operative", carry[0], carry[1])
        if r:
            carry = r

    # a document attached after the signature ("KẾ HOẠCH … (Kèm theo Quyết định …)")
    att = _attached_start(text, be)
    if att is not None:
        att_end = app if app is not None and app > att else len(text)
        asecs = parse_structure(text, att, att_end)
        first = asecs[0].start if asecs else att_end
        carry2: tuple = ([], None)
        for ps, pe in paragraphs(text, att, first):
            ps, pe = _trim(text, ps, pe)
            if pe <= ps:
                continue
            if text[pe - 1] == ":":
                la = lead_in_actor(text, ps, pe)
                if la:
                    carry2 = (la, (ps, pe))
                continue
            _preamble(w, text, ps, pe, False)
        for sec in asecs:
            r = w.section(sec, "operative", carry2[0], carry2[1])
            if r:
                carry2 = r
    units = w.units
    _mark_articles(units, _articles(text, sections) + (_articles(text, asecs) if att is not None else []))
    _mark_phases(text, units, list(sections) + (list(asecs) if att is not None else []))
    if app is not None:
        units = units + _table_units(text, app, len(text))
    units = units + _pipe_table_units(text, hs, len(text))
    return units, hs, anchor


_ENUM_LINE_RE = re.compile(r"(?m)^(?:[IVX]{1,4}\.|\d{1,2}\.|[a-zđ]\))[ \t]+\S")
_ATTACHED_RE = re.compile(
    r"(?m)^[ \t]*(?:KẾ HOẠCH|CHƯƠNG TRÌNH(?: HÀNH ĐỘNG)?|QUY CHẾ|QUY ĐỊNH|ĐỀ ÁN|HƯỚNG DẪN|PHƯƠNG ÁN|ĐIỀU LỆ|"
    r"CHIẾN LƯỢC|NỘI QUY|QUY TRÌNH)\b"
)


def _attached_start(text: str, be: int) -> Optional[int]:
    """Start of a document attached after the signature block, if any."""
    if be >= len(text) - 20:
        return None
    m = _ATTACHED_RE.search(text, be)
    if not m:
        return None
    # the attached title sits within the first lines after the signature
    if text.count("\n", be, m.start()) > 60:
        return None
    return m.start()


def _preamble(w: _Walker, text: str, ps: int, pe: int, narrative: bool):
    """Paragraphs before the first list: sentences that direct someone are units."""
    for a, b in _sentences(text, ps, pe):
        a, b = _trim(text, a, b)
        if b - a < 15:
            continue
        u = Unit(a, b, section=None, ctx="narrative" if narrative else "preamble", in_list=False)
        w.units.append(u)


_UNTIL_RE = re.compile(r"(?i:\bđến\s+(?:hết\s+)?)$")
_HEADING_LINE_RE = re.compile(r"[^\n]{1,120}:")  # a short line ending on a colon
_SELF_RE = re.compile(r"(?i:(?:nghị quyết|chỉ thị|kế hoạch|quyết định|kết luận|quy định|hướng dẫn|công điện|"
                      r"thông báo|chương trình|quy chế|công văn|văn bản) này\b)")


def _fill(text: str, u: Unit, times_in, carry: list) -> Optional[Obligation]:
    cfg = _cfg()
    t = text[u.start:u.end]
    if cfg["skip"].found_in_slice(text, u.start, min(u.end, u.start + 60)):
        return None
    if not u.ctx.startswith("table") and len(t) < 60 and t[-1] not in ".;!?…" and not cfg["verbs"].search(t):
        return None
    names, span, by_cue = actor_at(text, u.start, u.end)
    if not names and cfg["legal_basis"].match(t):
        return None
    if not names and (_HEADING_LINE_RE.fullmatch(t) or t.endswith("!") or u.ctx == "no_records"):
        return None  # "Báo cáo định kỳ hàng tháng:": a heading for the items below; "… muôn năm!": a slogan
    if _may(text, cfg["praise_words"], u.start, min(u.end, u.start + 120)) and cfg["praise"].search(t, 0, 120) \
            and not cfg["praise_but"].search(t):
        return None  # "Bộ Chính trị ghi nhận và biểu dương …": praise, not a duty
    if _is_decision(text, u, by_cue):
        return None  # "Thông qua …", "Nghe Báo cáo …", "Đồng ý để …": the issuer's own decision
    if _SELF_RE.match(t):  # "Nghị quyết này được phổ biến …": the document itself
        names, span, by_cue = [], None, False
        u.inherited = []
    body_start = span[1] if span else _skip_openers(text, u.start, u.end)
    if span:
        # past the verb that ended the actor phrase is the action; for kinds use what follows the actor
        body_start = span[1]
        while body_start < u.end and text[body_start] == " ":
            body_start += 1

    # --- is it a record at all?
    if u.ctx in ("narrative", "preamble"):
        directive = _is_directive(text, u.start, u.end)
        if u.ctx == "preamble":
            if not (directive and names) or re.match(r"(?i:thực hiện|căn cứ|theo đề nghị|xét)\b", t):
                return None
            if _may(text, cfg["bg_words"], u.start, u.end) and cfg["bg"].search(t) and not by_cue:
                return None
        else:
            if _may(text, cfg["bg_words"], u.start, u.end) and cfg["bg"].search(t) and not (by_cue and names):
                return None
            if by_cue and names:
                carry[:] = [names]
            elif directive and re.search(r"(?i:\b(?:yêu cầu|đề nghị)\b)(?!\s*(?:[.;,)]|$))", t) \
                    and not re.search(r"(?i:\bđã\b[^.]*\b(?:yêu cầu|đề nghị)\b)", t):
                carry[:] = [[]]
            elif not carry:
                return None
    if u.ctx == "assessment":
        return None
    if u.ctx == "background":
        # purposes and requirements: a record only where an actor is told to act
        if (_may(text, cfg["bg_words"], u.start, u.end) and cfg["bg"].search(t)) or not (names and not by_cue and re.search(r"(?i:\b(?:phải|có trách nhiệm|chịu trách nhiệm|triển khai|thực hiện)\b)", t)):
            return None

    kind = _kind_rules(text, u, body_start)
    if kind is None and u.ctx == "table_target":
        kind = "target"
    if kind is None and u.ctx in ("operative", "table"):
        kind = "task"  # an item of an operative list: a task unless a rule says otherwise
    if kind is None:
        kind = _model_kind(t, u)
        if kind == "none":
            if u.ctx in ("narrative", "preamble", "objective"):
                return None
            kind = "task"
    if u.ctx == "objective" and kind == "task" and not names and not u.marked:
        # aims stated without a figure are no records
        return None

    # --- actors ("Cơ quan chủ trì: X; cơ quan phối hợp: Y" on one line)
    for a, b in list(u.attrs.get("lead", [])):
        pm = re.search(r"[;,.]\s*(?i:(?:cơ quan|đơn vị)\s+phối hợp(?:\s+thực hiện)?)\s*:\s*", text[a:b])
        if pm:
            u.attrs["lead"] = [(x, y) if (x, y) != (a, b) else (a, a + pm.start()) for x, y in u.attrs["lead"]]
            u.attrs.setdefault("partner", []).append((a + pm.end(), b))
    lead_names = _names_in(text, u.attrs.get("lead"))
    if names:
        actors = names
    elif lead_names:
        actors = lead_names
    elif u.ctx == "narrative" and carry:
        actors = list(carry[0])
    else:
        actors = list(u.inherited)
    if not actors:
        actors = _leading_body_names(text, u.start, u.end)
    partners = _names_in(text, u.attrs.get("partner")) or partners_in(text, u.start, u.end)
    if u.article is not None and _article_norm(text, u, actors, span):
        return None  # a definition, membership or fact in a legal act's article: nobody is directed

    # --- times: the unit, its attribute lines, its lead-in
    spans = [(u.start, u.end)] + list(u.attrs.get("time", []))
    times = []
    for a, b in spans:
        times.extend(times_in(a, b))
    deadline = None
    deadline_text = None
    for x in times:
        by_until = bool(_UNTIL_RE.search(text, max(0, x.start - 12), x.start))
        if x.deadline and (x.is_deadline_cue or by_until or (u.attrs.get("time") and any(a <= x.start < b for a, b in u.attrs["time"]))):
            if x.kind in ("date", "datetime", "month", "quarter", "half", "year", "relative"):
                deadline, deadline_text = x.deadline, text[x.start:x.end]
                break
    if deadline is None:
        for a, b in u.attrs.get("time", []):
            cell = text[a:b].strip().rstrip(".")
            cm = re.fullmatch(r"(?:(\d{1,2})/)?((?:19|20)\d\d)", cell)
            if cm:  # a table cell "06/2026" or "2025"
                y = int(cm.group(2))
                mth = int(cm.group(1)) if cm.group(1) else 12
                if 1 <= mth <= 12:
                    deadline = date(y, mth, calendar.monthrange(y, mth)[1]).isoformat()
                    deadline_text = text[a:b].strip().rstrip(".")
                    break
    if deadline is None and u.lead_span:
        for x in times_in(u.lead_span[0], u.lead_span[1]):
            if x.deadline and x.is_deadline_cue and x.kind != "period":
                deadline, deadline_text = x.deadline, text[x.start:x.end]
                break
    recs: list = []
    period = None
    for x in times:
        if x.recurrence:
            for r in (x.recurrence if isinstance(x.recurrence, list) else [x.recurrence]):
                if r not in recs:
                    recs.append(r)
        if x.period and period is None and x.kind == "period":
            period = x.period
    recurrence = None if not recs else (recs[0] if len(recs) == 1 else recs)
    deadline, deadline_text = _schedule_deadline(text, u, times_in, recs, deadline, deadline_text)

    report_to = report_to_in(text, u.start, u.end) if kind == "report" else None
    return Obligation(
        text=t, start=u.start, end=u.end, kind=kind, actors=actors, partners=partners,
        deadline=deadline, recurrence=recurrence, period=period, report_to=report_to,
        section=u.section, deadline_text=deadline_text,
    )


_ARTICLE_STOP_RE = re.compile(
    r"(?m)^[ \t]*(?:\(?\s*(?:Ban hành\s+)?[Kk]èm theo\b|(?:KẾ HOẠCH|CHƯƠNG TRÌNH|ĐỀ ÁN|PHƯƠNG ÁN|CHIẾN LƯỢC)\b|"
    r"[IVX]{1,4}\.\s)")


def _articles(text: str, sections) -> list:
    """Every article ("Điều N.") in ``sections``: ``(start, end, [heading spans])``, the
    article's heading first, then the headings of its sections (clauses, items) that have
    children.  An article ends before a document attached to the act ("(Kèm theo …)")."""
    out = []
    for top in sections or []:
        for sec in top.walk():
            if sec.kind != "article":
                continue
            stop = _ARTICLE_STOP_RE.search(text, sec.first_end, sec.end)
            end = stop.start() if stop else sec.end
            heads = [(sec.start, sec.text_start, sec.first_end)]
            for sub in sec.walk():
                if sub is not sec and sub.children and sub.start < end:
                    heads.append((sub.start, sub.text_start, sub.first_end))
            out.append((sec.start, end, heads))
    return out


def _mark_articles(units: list, arts: list) -> None:
    """Give each unit inside an article the spans of the headings above it in that article."""
    for u in units:
        for a, b, heads in arts:
            if a <= u.start < b:
                u.article = [(hs, he) for st, hs, he in heads if st <= u.start and he <= u.start]
                break


def _words_re(words, tail: str = "", anchored: bool = False) -> re.Pattern:
    """Any of ``words`` as whole words, any letter case, then ``tail`` (``anchored``: no
    look-behind, for ``match`` at a unit's start)."""
    behind = "" if anchored else r"(?<!\w)"
    return re.compile(rf"(?i:{behind}(?:{_alt(words)})(?!\w){tail})")


@functools.lru_cache(maxsize=1)
def _article_cues():
    c = data.load("obligations")["articles"]
    return (_words_re(c["directive"]), _words_re(c["definitional"]), _words_re(c["duty_heading"]),
            _words_re(c["directive_start"], anchored=True), _words_re(c["condition_lead"], r"[^:]{0,20}:\s*$"))


def _article_norm(text: str, u: Unit, actors: list, span=None) -> bool:
    """Is a unit inside a legal act's article a norm rather than a directed action?

    A definition or membership statement in its first clause ("X là …", "X gồm …",
    "X có chức năng …": right after the actor ``span`` where the unit names one) unless
    it opens with a verb or a directive marker comes first; otherwise a sentence with neither a directive marker nor an actor (its
    own, inherited or from an attribute line) nor a marker in its lead-in or in a
    heading above it ("Điều 9. Trách nhiệm của …").
    """
    directive, definitional, heading_cue, directive_start, condition_lead = _article_cues()
    t = text[u.start:u.end]
    mm = directive.search(t) or directive_start.match(t) or _cfg()["lead_cue"].search(t)
    if mm is None and u.lead_span and condition_lead.search(text, *u.lead_span):
        return True  # an item of "… trong những trường hợp sau:": a condition
    clause = re.split(r"[;:]", t, maxsplit=1)[0]
    dm = definitional.search(clause)
    if dm and span and not (span[0] <= u.start + dm.start() <= span[1] + 3):
        dm = None  # "X quyết định …, là …": the actor acts; "X là …", "X có chức năng …" define X
    if dm and (mm is None or dm.start() < mm.start()) and not _cfg()["verbs"].match(t[:1].lower() + t[1:80]):
        return True
    if mm or actors:
        return False
    for a, b in ([u.lead_span] if u.lead_span else []) + list(u.article or []):
        if directive.search(text, a, b) or heading_cue.search(text, a, b):
            return False
    return True


@functools.lru_cache(maxsize=1)
def _foreign_cues():
    c = data.load("obligations")["foreign_times"]
    return (_words_re(c["before"], r"(?:\s+năm)?\s*$"),
            re.compile(rf"(?<!\w)(?:{_alt(w[0].upper() + w[1:] for w in c['title_nouns'])})(?!\w)"),
            _words_re(c["title_time"], r"\s*$"),
            _words_re(c["before"], anchored=True))


_CLAUSE_BREAK_RE = re.compile(r"[;.:\n]|,\s")


def _own_times(text: str, times: list, references, anchor: Optional[str]) -> list:
    """``times`` without those that date something else than an action (see [foreign_times]):
    a term of office, a vision horizon, a date inside a cited document's mention, a title's
    "đến năm" / "giai đoạn"."""
    before_re, title_re, title_time_re, opens_re = _foreign_cues()
    refs = sorted((r.start, r.end) for r in references or [])
    ref_starts = [a for a, _ in refs]
    year = int(anchor[:4]) if anchor else None
    out = []
    term_end = -10
    for x in times:
        i = bisect.bisect_right(ref_starts, x.start) - 1
        if i >= 0 and refs[i][0] <= x.start < refs[i][1]:
            continue  # inside a cited document's mention
        pre = text[max(0, x.start - 30):x.start]
        if before_re.search(pre) or opens_re.match(text, x.start, x.end) or (
                x.kind == "period" and re.fullmatch(r"\s*(?:,|và)\s*", text[term_end:x.start])):
            term_end = x.end
            continue  # "nhiệm kỳ 2026 - 2031" (the expression may take its cue word in), "…, 2031 - 2036"
        dg = re.search(r"\d", x.text)
        lead = pre + (x.text[:dg.start()] if dg else "")  # "giai đoạn 2019 - 2030" takes its cue word in
        if x.kind in ("year", "period") and title_time_re.search(lead):
            # the clause before the expression: does it name a title (or follow a cited document)?
            lo = max(0, x.start - 200)
            brk = None
            for brk in _CLAUSE_BREAK_RE.finditer(text, lo, x.start):
                pass
            cs = brk.end() if brk else lo
            after_ref = i >= 0 and cs <= refs[i][1] <= x.start
            titled = after_ref or title_re.search(text, cs, x.start)
            if titled and x.kind == "year":
                continue  # "Chiến lược … đến năm 2025": the title's horizon, no deadline
            if titled and x.kind == "period" and (after_ref or (year and x.period and x.period.get("start")
                                                                and int(x.period["start"][:4]) < year)):
                continue  # "Đề án … giai đoạn 2019 - 2030" cited in a 2025 document
        out.append(x)
    return out


@functools.lru_cache(maxsize=1)
def _leading_re():
    bodies = data.load("obligations")["actors"]["leading_bodies"]
    return re.compile(rf"(?:(?i:giao)\s+)?(?P<b>{_alt(bodies)})(?:\s*,\s*|\s+(?=[a-zđà-ỹ]))")


def _leading_body_names(text: str, s: int, e: int) -> list:
    """The Government or the legislature opening a unit, with the bodies listed after it
    ("Chính phủ, Hội đồng nhân dân, Ủy ban nhân dân tỉnh X … tổ chức …")."""
    m = _leading_re().match(text, s, e)
    if not m:
        return []
    names = [m["b"]]
    if text[m.end() - 1:m.end()] in (",", " ") and text[m.start("b"):m.end()].rstrip().endswith(","):
        r = _phrase(text, m.end(), min(e, m.end() + 400))
        if r:
            names += [n for n in r[0] if n not in names]
    return names


@functools.lru_cache(maxsize=1)
def _decision_re():
    return re.compile(data.load("obligations")["decisions"]["start"])


_MUST_RE = re.compile(r"(?i:\b(?:phải|cần|khẩn trương)\b)")


def _is_decision(text: str, u: Unit, by_cue: bool) -> bool:
    """Is the unit (or the lead-in it hangs from) a resolution's own decision, directing nobody?"""
    if u.ctx.startswith("table") or by_cue:
        return False
    rx = _decision_re()
    if not (rx.match(text, u.start, u.end) or (u.lead_span and rx.match(text, *u.lead_span))):
        return False
    # a unit that also directs someone ("…; giao Ban Thường vụ chỉ đạo …") stays a record
    return not (_cfg()["lead_cue"].search(text, u.start, u.end) or _MUST_RE.search(text, u.start, u.end))


@functools.lru_cache(maxsize=1)
def _schedule_cues():
    c = data.load("obligations")["schedules"]
    return (re.compile(c["phase_heading"], re.I),
            re.compile(rf"(?i:(?<!\w)(?:{_alt(c['frequency'])}))"))


def _mark_phases(text: str, units: list, sections) -> None:
    """Give each unit under a phase heading ("2.1. Đợt 1: Trong tháng 12/2025") its span."""
    phase_re, _ = _schedule_cues()
    for top in sections or []:
        for sec in top.walk():  # outer sections first: an inner phase heading wins
            if not (sec.children or len(sec.paragraphs) > 1) or sec.first_end - sec.text_start > 150:
                continue
            if not phase_re.match(text, sec.text_start, sec.first_end):
                continue
            for u in units:
                if sec.first_end <= u.start < sec.end:
                    u.phase = (sec.text_start, sec.first_end)


_YEAR_WRITTEN_RE = re.compile(r"(?:19|20)\d\d")
_PHASE_UNTIL_RE = re.compile(r"(?i:\bđến\b[^,;]{0,20}$)")  # "Từ tháng 01 đến ngày bầu cử 15/3/2026"
_PHASE_AFTER_RE = re.compile(r"(?i:\b(?:sau|từ)\b[^,;]{0,20}$)")  # "Sau ngày bầu cử 15/3/2026": a start


def _schedule_deadline(text: str, u: Unit, times_in, recs: list, deadline, deadline_text):
    """The deadline of a unit that follows a schedule or a phase (RECORDS.md: only a date the
    text fixes): a date without a year in a recurring or frequency schedule ("hằng năm …
    trước ngày 20/11", "tần suất: tháng 3 đến tháng 11") fixes none; an item without a
    deadline of its own takes its phase heading's ("Đợt 1: Trong tháng 12/2025")."""
    _, freq_re = _schedule_cues()
    if deadline and deadline_text and not _YEAR_WRITTEN_RE.search(deadline_text) and (
            recs or freq_re.search(text, u.start, u.end)):
        return None, None
    if deadline is None and u.phase and not recs:
        for x in times_in(*u.phase):
            pre = text[max(u.phase[0], x.start - 25):x.start]
            if x.deadline and x.kind in ("date", "datetime", "month", "quarter", "half", "year") and (
                    x.is_deadline_cue or _PHASE_UNTIL_RE.search(pre)) and not _PHASE_AFTER_RE.search(pre):
                return x.deadline, text[x.start:x.end]
    return deadline, deadline_text


# ---------------------------------------------------------------------------
# the trained classifier (models/train_obligations.py); loaded once per process

MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "obligations.joblib"
LABELS = ("task", "prohibition", "report", "target", "none")


def model_input(t: str, ctx: str) -> str:
    """What the classifier sees: a context token and the unit's first 400 characters."""
    return f"__{ctx}__ " + re.sub(r"\s+", " ", t[:400])


@functools.lru_cache(maxsize=1)
def _model():
    try:
        import joblib

        return joblib.load(MODEL_PATH)
    except Exception:  # no model file: rules alone
        return None


def _proba(m, X: list):
    """``m.predict_proba(X)`` through sklearn's own code."""
    try:
        import sklearn

        # the inputs are our own strings: skip sklearn's argument checks (the same figures, faster)
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return m.predict_proba(X)
    except ImportError:  # pragma: no cover - a model that is not sklearn's
        return m.predict_proba(X)


# probes for the check that the direct computation below gives the model's own figures
_PROBES = (
    ("Sở Tài chính chủ trì, phối hợp với các sở, ngành báo cáo UBND tỉnh trước ngày 15/12/2025.", "narrative"),
    ("Nghiêm cấm các hành vi lợi dụng dịch bệnh để trục lợi.", "preamble"),
    ("Phấn đấu đến năm 2030, 100% xã đạt chuẩn nông thôn mới", "narrative"),
    ("Các đơn vị không được đùn đẩy trách nhiệm; định kỳ hằng quý báo cáo kết quả.", "preamble"),
    ("Hội nghị đã đánh giá kết quả thực hiện nhiệm vụ năm 2024", "narrative"),
    ("", "narrative"),
)


@functools.lru_cache(maxsize=1)
def _fast_proba_fn():
    """``predict_proba`` of the committed model (a FeatureUnion of TF-IDF vectorizers and a
    multinomial logistic regression) computed directly: the same numerical steps in the same
    order as sklearn's ``Pipeline.predict_proba``, without its per-call overhead (argument
    validation, joblib dispatch of the union), which dominates for the few units of a
    document.  None (use sklearn's own path) unless the model has exactly that shape and the
    direct figures equal sklearn's, bit for bit, on the probes."""
    m = _model()
    try:
        import numpy as np
        from scipy import sparse
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, Pipeline
        from sklearn.utils.extmath import softmax
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
    except Exception:  # pragma: no cover
        return None
    if type(m) is not Pipeline or len(m.steps) != 2:
        return None
    feats, clf = m.steps[0][1], m.steps[1][1]
    if type(feats) is not FeatureUnion or feats.transformer_weights is not None \
            or type(clf) is not LogisticRegression or len(clf.classes_) <= 2:
        return None
    vecs = [v for _, v in feats.transformer_list]
    for v in vecs:
        tf = getattr(v, "_tfidf", None)
        if type(v) is not TfidfVectorizer or v.binary or v.dtype is not np.float64 or tf is None \
                or tf.norm != "l2" or not hasattr(tf, "idf_"):
            return None
    coef_t = clf.coef_.T
    intercept = clf.intercept_

    def proba(X: list):
        mats = []
        for v in vecs:
            c = CountVectorizer.transform(v, X)  # counts, float64, sorted indices
            tf = v._tfidf
            if tf.sublinear_tf:
                np.log(c.data, c.data)
                c.data += 1.0
            c.data *= tf.idf_[c.indices]
            inplace_csr_row_normalize_l2(c)
            mats.append(c)
        return softmax(sparse.hstack(mats).tocsr() @ coef_t + intercept, copy=False)

    try:
        X = [model_input(t, c) for t, c in _PROBES]
        if not np.array_equal(proba(X), _proba(m, X)):
            return None
    except Exception:
        return None
    return proba


def predict_kinds(texts: list, ctxs: list) -> list[tuple[str, float]]:
    """``(label, probability)`` of the classifier for each unit (one batch), or
    ``("task", 0.0)`` each without a model."""
    if not texts:
        return []
    m = _model()
    if m is None:
        return [("task", 0.0)] * len(texts)
    X = [model_input(t, c) for t, c in zip(texts, ctxs)]
    fast = _fast_proba_fn()
    proba = fast(X) if fast is not None else _proba(m, X)
    out = []
    for row in proba:
        k = int(row.argmax())
        out.append((str(m.classes_[k]), float(row[k])))
    return out


def predict_kind(t: str, ctx: str) -> tuple[str, float]:
    """``(label, probability)`` of the classifier for one unit."""
    return predict_kinds([t], [ctx])[0]


def _model_kind(t: str, u: Unit) -> str:
    if u.model is None:  # not in the batch: the context leaves nothing open
        return "task"
    label, p = u.model
    if label == "task" or p < 0.6:
        return "task" if label != "none" or p < 0.6 else "none"
    return label
