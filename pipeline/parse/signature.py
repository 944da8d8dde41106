"""STUB signature parser (real one follows)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Signature:
    body_end: int
    signer: str | None = None
    position: str | None = None
    capacity: str | None = None
    issuer: str | None = None
    recipients: list = field(default_factory=list)
    signature_span: tuple | None = None
    recipients_span: tuple | None = None


def parse_signature(text, start=0):
    return Signature(body_end=len(text))
