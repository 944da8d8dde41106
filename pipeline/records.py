"""The records of ../shared/RECORDS.md as dataclasses.

Every record that points into a text carries ``start``/``end``: Python ``str``
indices into the document's clean text.  ``to_dict`` gives exactly the JSON
shape of RECORDS.md (plus a few extra fields, which the contract allows).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Optional, Union

# Values of ``Obligation.kind``.
KINDS = ("task", "prohibition", "report", "target")
# Values of ``Obligation.recurrence`` (or a list of them).
RECURRENCES = ("weekly", "monthly", "quarterly", "semiannual", "annual")
# Values of ``Reference.relation``.
RELATIONS = ("based_on", "implements", "replaces", "amends", "repeals", "cites")


@dataclass
class Recipient:
    name: str
    role: Optional[str] = None  # "b/c", "t/h", "p/h", "đ/b", ... or None
    start: Optional[int] = None
    end: Optional[int] = None

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role}


@dataclass
class Document:
    """The document's own identity (or, for a news report, the directive it reports)."""

    doc_type: Optional[str] = None
    symbol: Optional[str] = None
    number: Optional[str] = None
    issued_date: Optional[str] = None  # ISO yyyy-mm-dd
    issuer: Optional[str] = None
    place: Optional[str] = None
    title: Optional[str] = None
    signer: Optional[str] = None
    recipients: list[Recipient] = field(default_factory=list)
    # extras
    signer_position: Optional[str] = None
    signing_capacity: Optional[str] = None  # "TM. ...", "KT. ..."
    is_report: bool = False  # True when the text is a news report about the document
    issuer_source: Optional[str] = None  # "title" | "speaker" | "organ" | "header" | "report"
    committee: Optional[str] = None  # for party documents: the committee of the header

    def to_dict(self) -> dict:
        d = {
            "doc_type": self.doc_type,
            "symbol": self.symbol,
            "number": self.number,
            "issued_date": self.issued_date,
            "issuer": self.issuer,
            "place": self.place,
            "title": self.title,
            "signer": self.signer,
            "recipients": [r.to_dict() for r in self.recipients],
        }
        d["signer_position"] = self.signer_position
        d["signing_capacity"] = self.signing_capacity
        d["is_report"] = self.is_report
        return d


@dataclass
class Reference:
    text: str
    start: int
    end: int
    doc_type: Optional[str] = None
    symbol: Optional[str] = None
    number: Optional[str] = None
    date: Optional[str] = None
    issuer: Optional[str] = None
    relation: str = "cites"
    # extras
    title: Optional[str] = None
    year: Optional[int] = None

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "doc_type": self.doc_type,
            "symbol": self.symbol,
            "number": self.number,
            "date": self.date,
            "issuer": self.issuer,
            "relation": self.relation,
            "title": self.title,
        }


Recurrence = Union[None, str, list]


@dataclass
class Obligation:
    text: str
    start: int
    end: int
    kind: str = "task"
    actors: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    deadline: Optional[str] = None
    recurrence: Recurrence = None
    period: Optional[dict] = None  # {"start": iso|None, "end": iso|None}
    report_to: Optional[str] = None
    # extras
    section: Optional[str] = None  # path of enumerators, e.g. "III.2.a"
    deadline_text: Optional[str] = None  # the temporal expression the deadline came from

    def to_dict(self) -> dict:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "actors": list(self.actors),
            "partners": list(self.partners),
            "deadline": self.deadline,
            "recurrence": self.recurrence,
            "period": self.period,
            "report_to": self.report_to,
            "section": self.section,
            "deadline_text": self.deadline_text,
        }


@dataclass
class Body:
    text: str
    start: int
    end: int
    canonical: str

    def to_dict(self) -> dict:
        return {"text": self.text, "start": self.start, "end": self.end, "canonical": self.canonical}


@dataclass
class Record:
    """Everything extracted from one document: the JSON object of ``vanban extract``."""

    source: str
    sha256: str
    text: str
    document: Document
    references: list[Reference] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "text": self.text,
            "document": self.document.to_dict(),
            "references": [r.to_dict() for r in self.references],
            "obligations": [o.to_dict() for o in self.obligations],
            "bodies": [b.to_dict() for b in self.bodies],
            "warnings": list(self.warnings),
            "meta": dict(self.meta),
        }


def plain(obj: Any) -> Any:
    """A dataclass tree as plain dicts (for storage)."""
    return asdict(obj)
