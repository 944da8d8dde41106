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
