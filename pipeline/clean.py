"""Named cleaning steps.  STUB: NFC only; the real steps replace this."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass
class Cleaned:
    text: str
    steps: list = field(default_factory=list)

    def to_source(self, i: int) -> int:
        return i


def clean(text: str) -> Cleaned:
    return Cleaned(unicodedata.normalize("NFC", text), ["nfc"])
