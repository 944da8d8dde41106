import pytest

from pipeline.textscan import starts_of


@pytest.mark.parametrize("text,needles,want", [
    ("**a** __b__", ("**", "__"), [0, 3, 6, 9]),
    ("***", ("**",), [0, 1]),                      # overlapping starts count
    ("nghị quyết, Nghị quyết", ("nghị", "nghị quyết"), [0]),  # one offset once
    ("", ("x",), []),
    ("abc", (), []),
])
def test_starts_of(text, needles, want):
    assert starts_of(text, needles) == want


def test_finditer_at_is_finditer_where_matches_start_at_the_given_offsets():
    import re

    from pipeline.textscan import finditer_at

    rx = re.compile(r"\*\*\w+\*\*|__\w+")
    for text in ("**a** __b **c**", "****x** __", "no marks", "__a__b **"):
        want = [m.span() for m in rx.finditer(text)]
        assert [m.span() for m in finditer_at(rx, text, starts_of(text, ("**", "__")))] == want


def test_ignorecase_extras_are_what_re_ignorecase_equates():
    import re

    from pipeline.textscan import ignorecase_extras

    extra = ignorecase_extras("is")
    assert extra is not None and {"ı", "ſ"} <= extra  # dotless i, long s
    for ch in extra:
        assert re.fullmatch("[is]", ch, re.I)
    assert ignorecase_extras("đ") == set()
