"""Shared by the readers: the exception a reader raises for a bad input; its
message is the one-line reason that ``ReadError`` shows."""
from __future__ import annotations

import re


class FormatProblem(ValueError):
    """A file this reader cannot turn into text; ``str(e)`` is the reason."""


# A line that starts a new item or block (never joined to the line above it).
ITEM_START = re.compile(
    r"^(?:[-–—+•*·▪●○◦]\s|[-–—+]\S|\d{1,3}(?:\.\d{1,3})*[.)/]\s|\d{1,3}(?:\.\d{1,3})+\s|[a-zđ]\)\s|[a-zđ]\.\s|"
    r"[IVXLC]{1,6}[.)/-]\s|(?:Điều|Chương|Mục|Phần|Phụ lục|PHỤ LỤC|CHƯƠNG|MỤC|PHẦN)\s+[\dIVXLC]+|"
    r"(?:Nơi nhận|Kính gửi|Căn cứ|Thực hiện|Số|TM\.|KT\.|TL\.|TUQ\.|Q\.)\b|"
    r"Thứ (?:nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)\b)"
)
SENTENCE_END = re.compile(r"[.:;!?…]['\"”’)]*$|\./\.?$")
# The end of a sentence proper (a wrapped line may end in ":" or ";" mid-paragraph:
# "Nghiêm cấm các hành vi: Đổ chất thải ...").
HARD_END = re.compile(r"[.!?…]['\"”’)]*$|\./\.?$")
