"""vanban: Vietnamese directives in, structured records and tracked tasks out.

The public API is small:

- :func:`extract_path` / :func:`extract_text`: one document to a :class:`Record`;
- :func:`read_path`: one file to clean text, or a :class:`ReadError`.
"""
from pipeline.errors import ReadError, VanbanError
from pipeline.records import Body, Document, Obligation, Record, Reference

__version__ = "0.1.0"


def extract_path(path, **kw):
    from pipeline.extract import extract_path as _f

    return _f(path, **kw)


def extract_text(text, **kw):
    from pipeline.extract import extract_text as _f

    return _f(text, **kw)


def read_path(path):
    from pipeline.read import read_path as _f

    return _f(path)


__all__ = [
    "Body", "Document", "Obligation", "Record", "Reference", "ReadError", "VanbanError",
    "extract_path", "extract_text", "read_path",
]
