"""Parse a clean text: header, body structure, signature and "Nơi nhận".

``parse(text)`` returns a :class:`Parsed` that the finders share.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import data
from pipeline.parse.header import local_body, organ_of, parse_header, recase_phrase
from pipeline.parse.signature import parse_addressees, parse_signature
from pipeline.parse.structure import parse_structure
from pipeline.records import Document


@dataclass
class Parsed:
    document: Document
    header_end: int  # offset where the body (after title / Kính gửi) starts
    body_end: int  # offset where the signature / "Nơi nhận" block starts
    sections: list = field(default_factory=list)  # from parse.structure
    warnings: list = field(default_factory=list)
    is_report: bool = False  # a news report about a directive
    signature_span: tuple | None = None
    recipients_span: tuple | None = None


def parse(text: str) -> Parsed:
    doc, header_end, is_report = parse_header(text)
    addressees, addr_end = ([], header_end) if is_report else parse_addressees(text, header_end)
    if addressees and addr_end > header_end:
        header_end = addr_end
    sig = parse_signature(text, header_end)
    doc.signer = doc.signer or sig.signer
    doc.signer_position = sig.position
    doc.signing_capacity = sig.capacity
    doc.recipients = addressees + sig.recipients
    if sig.issuer:
        signed_for = recase_phrase(sig.issuer, text)
        organs = data.load("header")["party_organs"]
        if not doc.issuer:
            doc.issuer = local_body(signed_for, text)
        elif getattr(doc, "committee", None) and getattr(doc, "issuer_source", None) in ("header", "organ") and any(
                signed_for.lower().startswith(o.lower()) for o in organs):
            # "T/M BAN THƯỜNG VỤ" under a committee's header: the organ issues it
            doc.issuer = organ_of(signed_for, doc.committee)
    body_end = max(sig.body_end, header_end)
    sections = parse_structure(text, header_end, body_end)
    return Parsed(
        document=doc,
        header_end=header_end,
        body_end=body_end,
        sections=sections,
        is_report=is_report,
        signature_span=sig.signature_span,
        recipients_span=sig.recipients_span,
    )
