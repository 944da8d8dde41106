"""Bodies: mentions of organisations, committees and office-holders by function.

``find_bodies(text)`` returns one :class:`~pipeline.records.Body` per mention,
kept whole across line breaks ("Sở Nông nghiệp và\\nMôi trường"), with a
canonical name: abbreviations expanded through the document's own definitions
(``find_definitions``: "… cải cách hành chính (CCHC)", "(sau đây gọi tắt là
cấp sở)") and the standard table ``data/abbreviations.toml``; spelling
normalised to the new tone placement ("Đảng uỷ" → "Đảng ủy").

The heads, names, localities and modifiers are data (``data/bodies.toml``),
matched with spaCy ``PhraseMatcher`` on a blank "vi" pipeline (loaded once per
process, on first use) whose tokenizer is replaced by a small rule set: the
default Vietnamese punctuation rules cost ~0.15 s on a 90k-char text, these
~4 ms.  The text is tokenized with its line breaks read as spaces, so token
offsets are the text's own and a name wrapped over a line still matches; where
a body may run over a line break is decided on the real text.  How a name goes
on after its head (capitalised words, "và"/"," joins, "tỉnh Bắc Ninh", "các xã,
phường", "liên quan", "trực thuộc Tỉnh ủy") is the small grammar in ``_scan``.

Speed: the grammar reads the tokens as flat arrays (offsets, ends, white-space
and line-break flags, from the token attributes IDX and SPACY), and the words
of the tokens are sliced from the text only when the grammar reads them (about
a fifth of them).  Canonical names that none of the document's own
abbreviations occur in are the same in every document and are kept across
documents in a bounded table (``_CANON``).  Besides one ``_scan`` per text,
``_alias_ok`` scans each alias a document defines ("cấp sở", a few words; 22
on the 47 documents of the external corpus): cached per alias.

``bodies_in(text, start, end)`` serves the bodies of a span from a per-text
cache, so callers may ask for many spans of one text cheaply.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import re
import threading
import unicodedata
from array import array
from typing import Optional

from pipeline.data import load
from pipeline.records import Body

# ---------------------------------------------------------------------------
# spelling variants and normalisation

_OLD_NEW = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_NEW.update({k[0].upper() + k[1:]: v[0].upper() + v[1:] for k, v in list(_OLD_NEW.items())})
_OLD_NEW.update({k.upper(): v.upper() for k, v in list(_OLD_NEW.items())})
_NEW_OLD = {v: k for k, v in _OLD_NEW.items()}
# never after "q": in "quý", "Quỹ" the "u" belongs to the consonant
_OLD_RE = re.compile(r"(?<![qQ])(" + "|".join(map(re.escape, _OLD_NEW)) + r")(?![^\W\d_])")
_NEW_RE = re.compile(r"(?<![qQ])(" + "|".join(map(re.escape, _NEW_OLD)) + r")(?![^\W\d_])")


def new_style(s: str) -> str:
    """Tone marks placed the new way at syllable end ("uỷ" → "ủy", "hoá" → "hóa")."""
    return _OLD_RE.sub(lambda m: _OLD_NEW[m.group(1)], s)


def _variants(phrase: str, upper: bool = True) -> set[str]:
    out = {phrase, new_style(phrase), _NEW_RE.sub(lambda m: _NEW_OLD[m.group(1)], phrase)}
    if upper:
        out |= {p.upper() for p in out}
    return out


_SPACES_RE = re.compile(r"\s+")


def _ws(s: str) -> str:
    return _SPACES_RE.sub(" ", s).strip()


# ---------------------------------------------------------------------------
# the spaCy pipeline (lazy singleton)

_LOCK = threading.Lock()
_STATE: dict = {}

_PREFIX = re.compile(r"""^[\(\[\{“"'‘«<\-–—•+*]""")
_SUFFIX = re.compile(r"""[\)\]\}”"'’»>.,;:!?…]$""")
_INFIX = re.compile(r"""[,;:/\(\)\[\]&“”"\-–—‐‑+]|\.(?=[^\W\d_]{2})""")


def _nlp_state() -> dict:
    if _STATE:
        return _STATE
    with _LOCK:
        if _STATE:
            return _STATE
        import spacy
        import numpy
        from spacy.attrs import IDX, SPACY
        from spacy.matcher import PhraseMatcher
        from spacy.tokenizer import Tokenizer

        nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"@tokenizers": "spacy.Tokenizer.v1"}}})
        nlp.tokenizer = Tokenizer(
            nlp.vocab,
            prefix_search=_PREFIX.search,
            suffix_search=_SUFFIX.search,
            infix_finditer=_INFIX.finditer,
        )
        data = load("bodies")
        heads = data["heads"]
        mk = nlp.make_doc

        def pm(attr, label_phrases):
            m = PhraseMatcher(nlp.vocab, attr=attr)
            for label, phrases in label_phrases.items():
                m.add(label, [mk(p) for p in sorted(phrases)])
            return m

        named = set()
        for p in heads["named"]:
            named |= _variants(p)
        offices = set()
        for p in heads["offices"]:
            offices |= _variants(p)
        names = set()
        for p in data["names"]["fields"]:
            names |= _variants(p, upper=True)
        st = {}
        st["attrs"] = [IDX, SPACY]
        st["np"] = numpy
        # str.isspace of every code point up to U+3000, the last white-space character
        st["is_space"] = numpy.array([chr(c).isspace() for c in range(0x3001)], dtype=bool)
        st["nlp"] = nlp
        st["m_orth"] = pm("ORTH", {"NAMED": named, "OFFICE": offices, "NAME": names})
        st["m_lower"] = pm(
            "LOWER",
            {
                "ANY": {v.lower() for p in heads["any_case"] for v in _variants(p, False)},
                "GEN": {v.lower() for p in heads["generic"] for v in _variants(p, False)},
                "LOC": {v.lower() for p in data["suffixes"]["localities"] for v in _variants(p, False)},
                "MOD": {v.lower() for p in data["suffixes"]["modifiers"] for v in _variants(p, False)},
            },
        )
        st["quant"] = {q.lower() for q in heads["quantifiers"]}
        st["gen_places"] = {g.lower() for g in heads["generic_places"]}
        st["place_heads"] = {p.lower() for p in data["suffixes"]["place_heads"]}
        st["stop_names"] = {s.split()[0] for s in data["suffixes"]["stop_names"]}
        st["weak_offices"] = {"lãnh đạo", "tập thể lãnh đạo"}
        st["abbrs"] = set(load("abbreviations").get("abbr", {})) | {
            p for p in heads["named"] if p.isupper() and " " not in p}
        st["tail_only"] = {g.lower() for g in heads.get("generic_tail_only", [])}
        st["gen_not_before"] = {k.lower(): {w.lower() for w in v} for k, v in data.get("generic_not_before", {}).items()}
        # case matters: "ban chỉ đạo" needs a tail, "Ban Chỉ đạo" of the document does not always
        st["need_tail"] = {v for p in heads.get("need_tail", []) for v in _variants(p, " " not in p)}
        st["labels"] = {k: nlp.vocab.strings[k] for k in ("NAMED", "OFFICE", "NAME", "ANY", "GEN", "LOC", "MOD")}
        # proper case of known phrases, for canonical names of ALL-CAPS headers
        proper: dict[str, str] = {}
        for p in (
            list(heads["named"]) + list(heads["offices"]) + list(data["names"]["fields"])
            + list(data["suffixes"]["localities"]) + list(heads["any_case"])
        ):
            proper.setdefault(new_style(p).lower(), new_style(p))
        st["proper"] = proper
        _STATE.update(st)  # published whole, once
    return _STATE


# Lowercase words that end a name instead of continuing it after a capitalised word.
_LOWER_STOP = set(
    """và của các có được là tại theo về với để trong trên đã sẽ phải cần chủ phối thực triển hướng tham
    tổ chỉ lãnh kiểm báo xây rà đôn tiếp khẩn nghiên trình ban giao bố chịu quán căn đề nắm tăng đẩy tập
    nâng hoàn cập lập quản đánh phát cùng nhằm gồm như hoặc thì mà cho do bằng từ đến khi nếu này đó ngày
    số năm tháng quý chương kế nghị quyết chỉ thông hội đảm bảo thường sớm tích ngay kịp chấp xử theo
    đối liên trực thuộc cấp những mọi toàn chưa đang vẫn cũng không rất đều luôn mới sau trước nhưng
    tỉnh huyện xã phường""".split()
)
# generic nouns that also start common words ("ban hành", "bộ máy", "hội nghị")
_AMBIGUOUS = {"ban", "bộ", "hội", "ngành", "tổ chức"}
# words that may continue a short name into the document's full one ("Đảng ủy Khối" + "các cơ quan tỉnh")
_EXTENDERS = {"các", "tỉnh", "thành", "huyện", "xã", "phường", "Trung", "trung", "cấp", "Khối", "quận", "thị"}
_CAPS_OPEN = {"CỦA", "VÀ", "VỚI", "CHO", "CÁC", "GỬI", "TẠI"}
_CONNECT = {"và", ",", "&", "-", "–", "—"}
_OPEN_PREV = {"với", "cho", "của", "và", "giao", "nghị", "cầu", "tại", "đạo", "trì", ":", "(", ",", ";", "về", "hợp"}


class _Words(dict):
    """The words of a text's tokens, sliced on first use (a pass reads about a fifth of them)."""

    __slots__ = ("text", "idx", "ends")

    def __init__(self, text: str, idx: list, ends: list):
        super().__init__()
        self.text = text
        self.idx = idx
        self.ends = ends

    def __missing__(self, i: int) -> str:
        if i < 0:
            i += len(self.idx)
        w = self[i] = self.text[self.idx[i]:self.ends[i]]
        return w

    def join(self, i: int, e: int) -> str:
        """The words of tokens i..e-1 joined by single spaces."""
        if e == i + 1:
            return self[i]
        if e == i + 2:
            # two tokens one " " apart ("cơ quan", "Ủy ban"): the text itself
            gap = self.ends[i]
            if self.idx[i + 1] == gap + 1 and self.text[gap] == " ":
                return self.text[self.idx[i]:self.ends[i + 1]]
        return " ".join([self[t] for t in range(i, e)])


class _Doc:
    """Token arrays of one text, and the phrase matches, indexed by start token."""

    __slots__ = ("text", "words", "idx", "ends", "space", "nl", "brk", "n", "at", "st", "head")

    def __init__(self, text: str):
        st = _nlp_state()
        self.st = st
        # a single line break is matched like a space ("Ủy ban nhân\ndân"); whether a body may
        # run over it is decided on the real text (gap_nl)
        doc = st["nlp"].make_doc(text.replace("\n", " ") if "\n" in text else text)
        self.text = text
        # token offsets without making Token objects (that costs more than the tokenizer), kept in
        # flat arrays rather than lists of ints: the garbage collector need not walk them.  Only
        # the token attributes IDX and SPACY are read (the lexeme attributes LENGTH and IS_SPACE
        # cost twice as much): the tokenizer leaves between two tokens either nothing or the one
        # " " of SPACY, so a token ends where the next begins, less that space; and a token is
        # white space (IS_SPACE) when its first character is.
        n = len(doc)
        np = st["np"]
        arr = doc.to_array(st["attrs"]).astype("int64")
        start = arr[:, 0]
        end = np.empty_like(start)
        if n:
            end[:-1] = start[1:]
            end[-1] = len(text)
            end -= arr[:, 1]
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        code = codes[start]
        sp = st["is_space"][np.minimum(code, 0x3000)] & (code <= 0x3000)
        self.idx = idx = array("q", start.tobytes())
        self.ends = ends = array("q", end.tobytes())
        self.space = sp.astype("uint8").tobytes()
        # brk[j]: the token before j is followed by a line break (its SPACY space is a "\n")
        brk = np.zeros(n, dtype="uint8")
        if n > 1:
            brk[1:] = (arr[:-1, 1] == 1) & (codes[end[:-1]] == 10)
        self.brk = brk.tobytes()
        nl = array("q", bytes(8 * n))
        for i in sp.nonzero()[0].tolist():
            nl[i] = text.count("\n", idx[i], ends[i])
        self.words = _Words(text, idx, ends)
        self.n = n
        self.nl = nl
        at: dict[int, dict[int, int]] = {v: {} for v in st["labels"].values()}
        for m in (st["m_orth"], st["m_lower"]):
            for mid, s, e in m(doc):
                d = at[mid]
                if d.get(s, -1) < e:
                    d[s] = e
        self.at = at = {k: at[v] for k, v in st["labels"].items()}
        # end of the longest named, office or any-case head at each start token
        head: dict[int, int] = {}
        for k in ("NAMED", "OFFICE", "ANY"):
            for s, e in at[k].items():
                if head.get(s, -1) < e:
                    head[s] = e
        self.head = head

    # -- helpers
    def head_at(self, i: int) -> int:
        return self.head.get(i, -1)


def _scan(text: str) -> tuple[_Doc, list[tuple[int, int]]]:
    D = _Doc(text)
    st = D.st
    at = D.at
    quant = st["quant"]
    gen_places = st["gen_places"]
    stop_names = st["stop_names"]
    place_heads = st["place_heads"]
    words = D.words
    n = D.n
    space = D.space
    idx = D.idx
    ends = D.ends
    count = text.count
    brk = D.brk
    head = D.head
    hget = head.get
    nls = D.nl
    NAMED, OFFICE, ANY, GEN, NAME, LOC, MOD = (at[k] for k in ("NAMED", "OFFICE", "ANY", "GEN", "NAME", "LOC", "MOD"))

    def gap_nl(a_end_tok: int, b_tok: int) -> int:
        if b_tok >= n or a_end_tok <= 0:
            return 0
        if a_end_tok == b_tok:
            return brk[b_tok]
        return count("\n", ends[a_end_tok - 1], idx[b_tok])

    def step(e: int, newline_ok: bool) -> int:
        """Next non-space token after e (exclusive end), or -1 if blocked: the text ends, a blank
        line comes first, or a line break when not newline_ok."""
        j = e
        while j < n and space[j]:
            j += 1
        if j >= n:
            return -1
        if e > 0:
            nl = brk[j] if j == e else count("\n", ends[e - 1], idx[j])
            if nl > 1 or (nl == 1 and not newline_ok):
                return -1
        return j

    def cap(i: int) -> bool:
        c = words[i][:1]
        return c.isupper() and c.isalpha()

    def alpha(i: int) -> bool:
        return words[i][:1].isalpha()

    def is_place_head(le: int) -> bool:
        return words[le - 1].lower() in place_heads or (
            le >= 2 and (words[le - 2] + " " + words[le - 1]).lower() in place_heads)

    def place_name(e: int) -> int:
        while True:
            j = step(e, False)
            if j < 0 or not cap(j) or words[j] in stop_names or hget(j, -1) > 0:
                return e
            e = j + 1

    def generic_list(e: int, places: bool = False) -> int:
        """After a generic noun ending at e: ", ngành", "và đơn vị", ", các tổ chức chính trị - xã hội"
        (places continue only a list of places: "các xã, phường và đặc khu")."""
        while True:
            j = step(e, True)
            if j < 0 or text[idx[j]] not in ",v" or words[j] not in (",", "và"):
                return e
            k = step(j + 1, True)
            if k >= 0 and words[k] == "và":
                k = step(k + 1, True)
            if k >= 0 and words[k].lower() in quant:
                k2 = step(k + 1, False)
                k = k2
            if k < 0 or k not in GEN or (words.join(k, GEN[k]).lower() in gen_places) != places:
                return e
            if hget(k, -1) > GEN[k]:  # "Ủy ban nhân dân", "ban thường vụ" start a new body
                return e
            e = GEN[k]

    def tail(e: int, has_name: bool, names_ok: bool = True) -> int:
        """The rest of a name after its head: names, capitalised words, localities, modifiers."""
        while True:
            j = step(e, True)
            if j < 0:
                return e
            nl = gap_nl(e, j)
            w = words[j]
            if names_ok and j in NAME and (nl == 0 or not has_name):
                e = NAME[j]
                has_name = True
                continue
            c = w[:1]
            capj = c.isupper() and c.isalpha()
            if nl == 0 and capj and OFFICE.get(j, -1) < 0 and hget(j, -1) > LOC.get(j, -1):
                return e  # another body's head ("Ban Thường vụ" + "Tỉnh ủy"): chained by the caller
            wl = w.lower()
            # "các quận, huyện, thị xã": a list of places after a head
            k = j
            if wl == "các":
                k = step(j + 1, False)
            if nl == 0 and k >= 0 and k in GEN and words.join(k, GEN[k]).lower() in gen_places:
                ge = generic_list(GEN[k], places=True)
                if ge > LOC.get(j, -1):
                    e = ge
                    has_name = False
                    continue
            if j in LOC and not (words[LOC[j] - 1].lower() == "xã" and LOC[j] < n
                                         and words[LOC[j]].lower() == "hội"):
                le = LOC[j]
                if is_place_head(le):
                    le = place_name(le)
                e = le
                has_name = False
                continue
            if nl:
                if wl in _CONNECT:
                    pass
                else:
                    return e
            if j in MOD:
                me = MOD[j]
                for t in range(j + 1, me):  # "trực thuộc Tỉnh" + "ủy": the head wins over the modifier
                    if hget(t, -1) > me:
                        me = t
                        break
                e = me
                if words[e - 1].lower() == "thuộc":  # "… trực thuộc Ủy ban nhân dân Thành phố"
                    k = step(e, False)
                    if k >= 0 and hget(k, -1) > 0 and OFFICE.get(k, -1) < 0:
                        e2 = body_from(k, True, True)
                        if e2 > k:
                            e = e2
                continue
            if w == "của":
                k = step(j + 1, False)
                if k >= 0 and k in LOC and not any(hget(t, -1) > LOC[k] for t in range(k, LOC[k])):
                    le = LOC[k]
                    if is_place_head(le):
                        le = place_name(le)
                    e = le
                    continue
                return e
            if wl in _CONNECT:
                k = step(j + 1, True)
                if k < 0 or hget(k, -1) >= NAME.get(k, -1) > 0 or (k not in NAME and hget(k, -1) > 0):
                    return e  # "… tỉnh và Công an tỉnh": a new body
                if names_ok and k in NAME:
                    e = NAME[k]
                    has_name = True
                    continue
                if wl in ("và", ",", "&") and k not in GEN and has_name and names_ok and cap(k) and words[k] not in stop_names and hget(k, -1) < 0:
                    e2 = cap_group(k)
                    if e2 > k:
                        e = e2
                        continue
                return e
            if capj and w not in stop_names and nl == 0 and names_ok:
                if hget(j, -1) > 0:
                    return e  # chained by the caller
                e2 = cap_group(j)
                if e2 == j:
                    return e
                e = e2
                has_name = True
                continue
            return e

    def cap_group(j: int) -> int:
        """A capitalised syllable and at most one lowercase syllable after it ("Tư pháp", "Y tế")."""
        e = j + 1
        if words[j].isupper() and len(words[j]) > 1:
            # an abbreviation ("CCHC", "CHQS"), not a word of an all-caps heading
            return e if (words[j] in abbrs) else j
        if words[j].isupper():
            return j
        k = step(e, False)
        if k == e and k < n and alpha(k) and not cap(k) and words[k] not in _LOWER_STOP and k not in LOC and k not in MOD:
            return k + 1
        return e

    def body_from(i: int, bare_ok: bool = False, chained: bool = False) -> int:
        """End token of the body whose head starts at token i, or -1."""
        named_e = NAMED.get(i, -1)
        any_e = ANY.get(i, -1)
        off_e = OFFICE.get(i, -1)
        gen_e = GEN.get(i, -1)
        if off_e > 0 and off_e >= max(named_e, any_e):
            e = off_e
            j = step(e, True)
            if j >= 0 and OFFICE.get(j, -1) < 0 and (hget(j, -1) > 0 or j in GEN or words[j].lower() in quant):
                s2 = j
                if words[j].lower() in quant:
                    k = step(j + 1, False)
                    if k >= 0 and (k in GEN or hget(k, -1) > 0):
                        s2 = k
                    else:
                        s2 = -1
                if s2 >= 0:
                    e2 = body_from(s2, True) if hget(s2, -1) > 0 else generic_body(s2, forced=True)
                    if e2 > 0 and not (s2 == j and e2 == GEN.get(s2, -2) and words[s2].lower() in _AMBIGUOUS
                                       and lower_word_after(e2)):
                        return e2
            elif j >= 0 and j in NAME and gap_nl(e, j) == 0:
                return tail(NAME[j], True)  # "Trưởng phòng Giáo dục và Đào tạo các huyện"
            off = words.join(i, off_e).lower()
            if off in st["weak_offices"]:
                return -1
            return e
        if named_e > 0 or any_e > 0:
            e = max(named_e, any_e)
            if not _head_ok(i, e, chained):
                return -1
            # "Sở, ban, ngành": a head that is also a generic noun starting a list
            if gen_e >= e:
                ge = generic_list(gen_e)
                if ge > gen_e:
                    return tail(ge, True)
            he = e
            j = step(e, False)
            if j == e and j < n and words[j].isdigit() and len(words[j]) <= 4 and (
                    j + 1 >= n or words[j + 1] not in ("/", "-", "–", ".")):
                e = he = j + 1  # "Ban Chỉ đạo 138", "Tổ công tác 751"
            e = tail(e, False)
            # chain: "Ban Thường vụ" + "Đảng ủy Khối", "Văn phòng" + "UBND tỉnh"
            j = step(e, False)
            if j >= 0 and hget(j, -1) > 0 and OFFICE.get(j, -1) < 0:  # (no line break: step)
                e2 = body_from(j, True, True)
                if e2 > 0:
                    return e2
            if e == he and not bare_ok and words.join(i, he) in st["need_tail"]:
                return -1
            return e
        if gen_e > 0:
            return generic_body(i, forced=False)
        return -1

    text_ = D.text

    def _head_ok(i: int, e: int, chained: bool = False) -> bool:
        a, b = idx[i], ends[e - 1]
        if (a > 0 and text_[a - 1] in "/-–") or (b < len(text_) and text_[b] in "/-–"):
            return False  # inside a symbol: "80-KH/TU"
        if words[i].isupper() and len(words[i]) > 1 and not chained and words[i] not in abbrs:
            p = i - 1
            while p >= 0 and space[p] and nls[p] == 0:
                p -= 1
            if p >= 0 and not space[p] and words[p].isupper() and words[p].isalpha() and words[p] not in _CAPS_OPEN \
                    and words[p] not in abbrs \
                    and gap_nl(p + 1, i) == 0:
                return False  # "CÁN BỘ", "NHIỆM VỤ" in an all-caps heading
        return True

    def lower_word_after(e: int) -> bool:
        """A lowercase word follows directly ("ban" + "hành" is the verb "ban hành")."""
        return e < n and not space[e] and alpha(e) and not cap(e) and e not in LOC and e not in MOD

    def generic_body(i: int, forced: bool) -> int:
        e = GEN[i]
        prev = i - 1
        while prev >= 0 and space[prev]:
            prev -= 1
        if prev >= 0:
            g = gap_nl(prev + 1, i)
            wp = words[prev]
            wpl = wp.lower()
            quantified = wpl in quant and g <= 1
            # the generic noun opens a clause: line start, after punctuation, or after "với", "giao", "của" ...
            opened = not wp[:1].isalpha() or wpl in _OPEN_PREV or g > 0
        else:
            quantified = False
            opened = True
        if not (forced or quantified or opened):
            return -1
        w = words.join(i, e)
        if w.isupper() and len(w) > 1:
            return -1
        w = w.lower()
        nb = st["gen_not_before"].get(w)
        if nb and e < n and words[e].lower() in nb:
            return -1  # "trường hợp", "bộ máy"
        is_place = w in gen_places
        if (is_place and not quantified) or w in st["tail_only"]:
            return -1
        le = generic_list(e, places=is_place)
        is_list = le > e
        e2 = tail(le, False, names_ok=False)
        if forced or quantified or (is_list and opened):
            return e2
        if e2 > le and opened:
            return e2  # "Cơ quan liên quan", "đơn vị có liên quan"
        return -1

    abbrs = st["abbrs"] | {m["abbr"].split()[0] for m in _ABBR_RE.finditer(text)}
    starts = set(GEN)
    starts.update(head)  # the starts of NAMED, OFFICE and ANY
    starts = sorted(starts)
    spans: list[tuple[int, int]] = []
    last = 0
    for i in starts:
        if i < last:
            continue
        e = body_from(i) if i in head else generic_body(i, False)
        if e <= i:
            continue
        s = i
        p = i - 1
        while p >= 0 and space[p] and nls[p] <= 1:
            p -= 1
        if p >= 0 and words[p].lower() in quant and gap_nl(p + 1, i) <= 1:
            s = p
        # trim trailing punctuation/space
        while e > s and (space[e - 1] or words[e - 1] in _CONNECT or words[e - 1] in ",;:"):
            e -= 1
        if e <= s:
            continue
        spans.append((s, e))
        last = e
    return D, spans


# ---------------------------------------------------------------------------
# definitions

_ALIAS_RE = re.compile(
    r"\(\s*(?:sau\s+đây\s+)?(?:được\s+)?(?:gọi\s+tắt\s+là|gọi\s+chung\s+là|gọi\s+tắt|gọi\s+là|viết\s+tắt\s+là|viết\s+tắt)\s*:?\s*"
    r"[“\"']?(?P<alias>[^()“”\"'\n]{1,60}?)[”\"']?\s*\)",
    re.IGNORECASE,
)
_ABBR_RE = re.compile(r"\(\s*(?P<abbr>[A-ZĐ][A-ZĐ0-9&\-]{1,11}(?:\s+[a-zđ]{2,5})?)\s*\)")
_WORD_RE = re.compile(r"[^\W_]+|&", re.UNICODE)
_SKIPPABLE = {"và", "của", "các", "về", "trong", "với", "cho"}


def _base_initial(w: str) -> str:
    return _letter_base(w[0])


@functools.lru_cache(maxsize=1024)
def _letter_base(c: str) -> str:
    """The base letter of a character, upper case ("ở" → "O", "đ" → "D")."""
    if c in "đĐ":
        return "D"
    return unicodedata.normalize("NFD", c)[0].upper()


def _initials_full(text: str, pos: int, abbr: str) -> Optional[int]:
    """Start offset of the words before ``pos`` whose initials spell ``abbr``, or None."""
    letters = [c for c in abbr if c.isalpha() or c == "&"]
    letters = ["&" if c == "&" else _base_initial(c) for c in letters]
    window = text[max(0, pos - 200):pos]
    base = pos - len(window)
    words = [(m.start() + base, m.group()) for m in _WORD_RE.finditer(window)]
    k = len(letters) - 1
    wi = len(words) - 1
    skips = 0
    start = None
    while k >= 0 and wi >= 0:
        off, w = words[wi]
        want = letters[k]
        if want == "&":
            if w.lower() == "và" or w == "&":
                k -= 1
                wi -= 1
                start = off
                continue
            return None
        if _base_initial(w) == want and not w.isdigit():
            k -= 1
            wi -= 1
            start = off
            continue
        if w.lower() in _SKIPPABLE and skips < 2 and k < len(letters) - 1:
            skips += 1
            wi -= 1
            continue
        return None
    if k >= 0 or start is None:
        return None
    # the words must be in the same sentence (no "." or newline between)
    seg = text[start:pos]
    if "\n\n" in seg or re.search(r"[.;:]\s", seg):
        return None
    return start


def find_definitions(text: str) -> dict[str, str]:
    """The document's own abbreviations: ``{"CCHC": "cải cách hành chính", "cấp sở": "các sở, ban, ngành"}``."""
    return dict(_definitions_cached(text)[0])


_ALIAS_STOP = {"cấp", "các", "này", "đó", "chung", "những"}


def _shares_word(alias: str, phrase: str) -> bool:
    """The alias is a short form of the phrase: its first content word is among the phrase's first words."""
    a = [w for w in _WORD_RE.findall(new_style(alias).lower()) if w not in _ALIAS_STOP]
    ph = [w for w in _WORD_RE.findall(new_style(phrase).lower()) if w not in _ALIAS_STOP][:3]
    return bool(a) and a[0] in ph


@functools.lru_cache(maxsize=1)
def _doc_type_words() -> tuple:
    words = set()
    for t in load("doc_types").get("type", []):
        words.update(w.lower() for w in t.get("words", []))
        words.add(t.get("name", "").lower())
    return tuple(sorted(w for w in words if w))


@functools.lru_cache(maxsize=1024)
def _alias_ok(alias: str) -> bool:
    """A body alias must not name a document ("Chương trình", "Nghị định") nor be a complete body
    name of its own ("tỉnh ủy": expanding it everywhere would rename every mention)."""
    low = alias.lower()
    if any(low == w or low.startswith(w + " ") for w in _doc_type_words()):
        return False
    D, spans = _scan(alias)
    return not any(s == 0 and e == D.n for s, e in spans)


@functools.lru_cache(maxsize=8)
def _definitions_cached(text: str) -> tuple:
    """(definitions as items, the aliases that name a body)."""
    out: dict[str, str] = {}
    body_aliases: set[str] = set()
    phrases: list[tuple[int, int]] = []  # where a body named by its alias is written in full
    abbr_starts: dict[str, int] = {}
    for m in _ABBR_RE.finditer(text):
        abbr = m["abbr"].strip()
        key = abbr.split()[0]
        if key in out or re.fullmatch(r"[IVXLC]+", key):
            continue
        st = _initials_full(text, m.start(), key)
        if st is None:
            continue
        full = _ws(text[st:m.start()])
        if len(full) > 3:
            out[key] = full
            abbr_starts[key] = st
    aliases = list(_ALIAS_RE.finditer(text))
    if aliases or abbr_starts:
        D, spans = _raw_spans(text)
        ends = {}
        for s, e in spans:
            ends[D.ends[e - 1]] = D.idx[s]
        for key, st in abbr_starts.items():
            k = bisect.bisect_left(D.idx, st)
            if k < D.n and D.idx[k] == st and D.head_at(k) > 0:
                body_aliases.add(key)
        for m in aliases:
            alias = _ws(m["alias"]).strip(" .,;")
            if not alias or alias in out:
                continue
            p = m.start()
            q = p
            while q > 0 and text[q - 1] in " \t\n":
                q -= 1
            if not _alias_ok(alias):
                continue
            if q in ends and _shares_word(alias, text[ends[q]:q]):
                out[alias] = _ws(text[ends[q]:q])
                body_aliases.add(alias)
                continue
            if alias.replace("&", "").isupper():
                st = _initials_full(text, p, alias)
                if st is not None:
                    out[alias] = _ws(text[st:p])
                continue
            # a named body whose name runs on in lower case: from its head to the bracket
            lo = bisect.bisect_left(D.idx, max(0, q - 120))
            hi = bisect.bisect_left(D.idx, q)
            for k in range(lo, hi):
                if D.head_at(k) > 0 and D.at["OFFICE"].get(k, -1) < 0:
                    phrase = text[D.idx[k]:q]
                    if re.search(r"[.;:]\s|\n\n", phrase) or not _shares_word(alias, phrase):
                        continue
                    out[alias] = _ws(phrase)
                    body_aliases.add(alias)
                    phrases.append((D.idx[k], q))
                    break
    return tuple(out.items()), frozenset(body_aliases), tuple(phrases)


# ---------------------------------------------------------------------------
# canonical names


@functools.lru_cache(maxsize=1)
def _std_abbr() -> dict[str, str]:
    return dict(load("abbreviations").get("abbr", {}))


@functools.lru_cache(maxsize=64)
def _abbr_re(keys: tuple) -> Optional[re.Pattern]:
    if not keys:
        return None
    alt = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w&])(?:{alt})(?![\w&])")


@functools.lru_cache(maxsize=1)
def _std_abbr_re() -> Optional[re.Pattern]:
    return _abbr_re(tuple(_std_abbr()))


def _proper_case(name: str) -> str:
    """An ALL-CAPS name in ordinary case, by the known phrases ("ỦY BAN NHÂN DÂN TỈNH BẮC NINH")."""
    proper = _nlp_state()["proper"]
    words = name.split(" ")
    out = []
    i = 0
    maxlen = 8
    while i < len(words):
        for L in range(min(maxlen, len(words) - i), 0, -1):
            key = new_style(" ".join(words[i:i + L])).lower()
            if key in proper:
                out.append(proper[key])
                i += L
                break
        else:
            w = words[i]
            if w.lower() in ("và", "của", "các", "thuộc", "trực"):
                out.append(w.lower())
            else:
                out.append(w if (len(w) <= 6 and w.isupper() and i > 0 and not w.isalpha()) else w[:1] + w[1:].lower())
            i += 1
    return " ".join(out)


# "… các cơ quan Tỉnh" → "tỉnh" (but "Tỉnh ủy", "Huyện đoàn" stay)
_LOWER_LOC_RE = re.compile(r"(?<=\s)(?:Tỉnh|Huyện|Xã|Phường|Quận)(?!\s+(?:ủy|uỷ|đoàn|đội|Ủy|Đoàn|hội|Hội))(?=\s|$|,)")


def canonical_body(name: str, definitions: dict | None = None) -> str:
    """The full name of a body: abbreviations expanded, spaces collapsed, new-style tone marks."""
    s = _ws(name)
    if definitions:
        definitions = {k: v for k, v in definitions.items() if v not in s}  # already written in full
    if definitions:
        rx = _abbr_re(tuple(definitions))
        if rx:
            s = rx.sub(lambda m: definitions[m.group(0)], s)
    std = _std_abbr()
    rx = _std_abbr_re()
    if rx:
        s = rx.sub(lambda m: std[m.group(0)], s)
    if " " in s and all(map(str.isupper, filter(str.isalpha, s))):
        s = _proper_case(s)
    s = new_style(s)
    s = _LOWER_LOC_RE.sub(lambda m: m.group(0).lower(), s)
    first, _, rest = s.partition(" ")
    if first in ("Các", "Những", "Mỗi", "Từng", "Mọi") and rest:
        s = first.lower() + " " + rest
    return s


# ---------------------------------------------------------------------------
# public API

_CACHE: list = [None]  # (text, bodies, starts) of the last text, replaced whole (safe across threads)
_CANON: dict[str, str] = {}  # surface text → canonical name without document definitions
_CANON_MAX = 8192


@functools.lru_cache(maxsize=4)
def _raw_spans_cached(text: str):
    return _scan(text)


def _raw_spans(text: str):
    return _raw_spans_cached(text)


def find_bodies(text: str, parsed=None) -> list[Body]:
    """Every body mention of ``text`` in order."""
    c = _CACHE[0]
    if c is not None and c[0] is text:
        return list(c[1])
    D, spans = _raw_spans(text)
    items, body_aliases, phrases = _definitions_cached(text)
    defs = dict(items)
    spans = _with_alias_mentions(text, D, spans, [(a, defs[a]) for a in sorted(body_aliases)], phrases)
    out = []
    memo: dict[str, str] = {}
    # a name that none of the document's own abbreviations occurs in has the same canonical
    # form in every document: those are kept across documents (_CANON)
    drx = _abbr_re(tuple(defs)) if defs else None
    idx, ends = D.idx, D.ends
    for s, e in spans:
        a, b = idx[s], ends[e - 1]
        t = text[a:b]
        c = memo.get(t)
        if c is None:
            if drx is not None and drx.search(_ws(t)):
                c = canonical_body(t, defs)
            else:
                c = _CANON.get(t)
                if c is None:
                    c = canonical_body(t)
                    if len(_CANON) >= _CANON_MAX:
                        _CANON.clear()
                    _CANON[t] = c
            memo[t] = c
        out.append(Body(text=t, start=a, end=b, canonical=c))
    _extend_short_names(out)
    _CACHE[0] = (text, out, [b.start for b in out])
    return list(out)


class _Intervals:
    """Character intervals [p, q), asked whether one covers an offset or overlaps a range."""

    __slots__ = ("starts", "reach")

    def __init__(self, intervals: list):
        intervals = sorted(intervals)
        self.starts = [p for p, _ in intervals]
        # reach[k]: the furthest end among the first k + 1 intervals
        self.reach = list(itertools.accumulate((q for _, q in intervals), max))

    def covers(self, x: int) -> bool:
        """Some interval has p <= x < q."""
        k = bisect.bisect_right(self.starts, x)
        return k > 0 and self.reach[k - 1] > x

    def overlaps(self, x: int, y: int) -> bool:
        """Some interval covers x, or starts in [x, y)."""
        if self.covers(x):
            return True
        k = bisect.bisect_left(self.starts, x)
        return k < len(self.starts) and self.starts[k] < y


_WORDISH = re.compile(r"[\w&]")


def _whole_word_at(text: str, a: str):
    r"""Offsets of ``a`` in ``text`` not inside a word: what
    ``re.finditer(rf"(?<![\w&]){re.escape(a)}(?![\w&])", text)`` finds, by ``str.find``."""
    L = len(a)
    if not L:
        yield from (m.start() for m in re.finditer(r"(?<![\w&])(?![\w&])", text))
        return
    find = text.find
    word = _WORDISH.match
    x = find(a)
    while x >= 0:
        if (x == 0 or not word(text, x - 1)) and not word(text, x + L):
            yield x
            x = find(a, x + L)
        else:
            x = find(a, x + 1)


def _with_alias_mentions(text: str, D, spans: list, aliases, phrases=()) -> list:
    """Add the mentions of a document-defined body alias ("Trung tâm", "cấp sở") as bodies,
    and the full phrase that defines it ("Trung tâm chính trị xã, phường, đặc khu (sau đây …)")."""
    if not aliases:
        return spans
    extra = []
    for x, y in phrases:
        i = bisect.bisect_left(D.idx, x)
        j = bisect.bisect_left(D.idx, y)
        if i < j:
            spans = [(s, e) for s, e in spans if e <= i or s >= j]
            extra.append((i, j))
    taken = _Intervals([(D.idx[s], D.ends[e - 1]) for s, e in spans + extra])
    defs_at = _Intervals([m.span() for m in _ALIAS_RE.finditer(text)] + [m.span() for m in _ABBR_RE.finditer(text)])
    for a, full in aliases:
        rest = full[len(a):].split() if full.startswith(a) else []
        full_rx = re.compile(r"\s+".join(map(re.escape, full.split())) + r"(?![\w])")
        for x in _whole_word_at(text, a):
            y = x + len(a)
            nxt = text[y:y + 40].split()
            if rest and nxt and nxt[0] == rest[0]:
                fm = full_rx.match(text, x)
                if not fm:
                    continue  # "Quỹ nhà ở địa phương" is not "Quỹ" = "Quỹ nhà ở quốc gia"
                y = fm.end()  # the name written in full again
            if taken.overlaps(x, y) or defs_at.covers(x):
                continue
            i = bisect.bisect_left(D.idx, x)
            j = bisect.bisect_left(D.idx, y)
            if i < D.n and D.idx[i] == x and j > i and D.ends[j - 1] == y:
                extra.append((i, j))
    if not extra:
        return spans
    return sorted(set(spans) | set(extra))


def _extend_short_names(bodies: list[Body]) -> None:
    """ "Đảng ủy Khối" → "Đảng ủy Khối các cơ quan tỉnh" when the document names it in full elsewhere."""
    cans = sorted({b.canonical for b in bodies})  # the names that start with c + " " are a run
    seen: dict[str, Optional[str]] = {}  # canonical → its one longer form, or None
    for b in bodies:
        c = b.canonical
        if c in seen:
            if seen[c] is not None:
                b.canonical = seen[c]
            continue
        seen[c] = None
        last = c.rsplit(" ", 1)[-1]
        if not last[:1].isupper() or last.isupper():
            continue
        pre = c + " "
        longer = set()
        for x in itertools.islice(cans, bisect.bisect_left(cans, pre), None):
            if not x.startswith(pre):
                break
            if x[len(pre):].split(" ", 1)[0] in _EXTENDERS:
                longer.add(x)
        if len(longer) == 1:
            b.canonical = seen[c] = longer.pop()


def bodies_in(text: str, start: int, end: int, parsed=None) -> list[Body]:
    """The bodies lying inside ``text[start:end]`` (uses the per-text cache)."""
    c = _CACHE[0]
    if c is None or c[0] is not text:
        bodies = find_bodies(text, parsed)
        starts = [b.start for b in bodies]
    else:
        _, bodies, starts = c
    i = bisect.bisect_left(starts, start)
    out = []
    for b in bodies[i:]:
        if b.start >= end:
            break
        if b.end <= end:
            out.append(b)
    return out


__all__ = ["find_bodies", "canonical_body", "find_definitions", "bodies_in", "new_style"]
