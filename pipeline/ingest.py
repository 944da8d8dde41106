"""Ingest: files, folders and globs → extract → store, one transaction per document.

``ingest_paths(paths, url=None, on_result=None)`` returns an :class:`IngestReport`.
A file whose bytes are already stored is skipped before extraction; a file that
cannot be read (``ReadError``) or fails unexpectedly is one failure line and the
batch goes on; nothing stored before is touched by a failure.
"""
from __future__ import annotations

import glob
import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from pipeline.errors import VanbanError

SUFFIXES = (".txt", ".html", ".htm", ".pdf", ".docx")
_GLOB_CHARS = set("*?[")


@dataclass
class FileResult:
    path: str
    status: str  # "new" | "unchanged" | "version" | "failed"
    document_id: Optional[int] = None
    symbol: Optional[str] = None
    error: Optional[str] = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> int:
        return self.count("failed")

    def summary(self) -> str:
        return (f"{self.count('new')} new, {self.count('unchanged')} unchanged, "
                f"{self.count('version')} new versions, {self.failed} failed")


def expand_paths(paths: Iterable) -> tuple[list[Path], list[FileResult]]:
    """Files named by ``paths`` (files; folders, recursively, by suffix; globs), in order, each once.

    Returns the files and a failure for each argument that names nothing.
    """
    out: list[Path] = []
    missing: list[FileResult] = []
    seen: set[str] = set()

    def add(p: Path) -> None:
        k = os.path.abspath(p)
        if k not in seen:
            seen.add(k)
            out.append(p)

    def add_dir(d: Path) -> None:
        for f in sorted(d.rglob("*")):
            if f.is_file() and f.suffix.lower() in SUFFIXES and not any(part.startswith(".") for part in
                                                                         f.relative_to(d).parts):
                add(f)

    for arg in paths:
        s = os.fspath(arg)
        p = Path(s).expanduser()
        if p.is_file():
            add(p)
        elif p.is_dir():
            add_dir(p)
        elif _GLOB_CHARS & set(s):
            hits = sorted(glob.glob(os.path.expanduser(s), recursive=True))
            if not hits:
                missing.append(FileResult(s, "failed", error=f"{s}: no file matches"))
            for h in hits:
                hp = Path(h)
                if hp.is_dir():
                    add_dir(hp)
                elif hp.is_file():
                    add(hp)
        else:
            missing.append(FileResult(s, "failed", error=f"{s}: no such file or folder"))
    return out, missing


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ingest_file(path, url: Optional[str] = None) -> FileResult:
    """Extract and store one file in its own transaction."""
    from pipeline import store
    from pipeline.extract import extract_path

    p = Path(path)
    try:
        sha = _sha256(p)
    except OSError as e:
        return FileResult(str(p), "failed", error=f"{p}: cannot read: {e.strerror or e}")
    with store.session_scope(url) as s:
        v = store.find_version_by_sha(s, sha)
        if v is not None:
            return FileResult(str(p), "unchanged", v.document_id, v.document.symbol)
    try:
        rec = extract_path(p)
    except VanbanError as e:
        return FileResult(str(p), "failed", error=str(e))
    except Exception as e:  # one bad file must not stop the batch
        return FileResult(str(p), "failed", error=f"{p}: unexpected {type(e).__name__}: {_one_line(e)}")
    from sqlalchemy.exc import IntegrityError, OperationalError

    for attempt in range(3):
        try:
            with store.session_scope(url) as s:
                res = store.store_record(s, rec, source=str(p))
                return FileResult(str(p), res.status, res.document.id if res.document else None,
                                  res.document.symbol if res.document else None,
                                  warnings=list(rec.warnings) + list(res.warnings))
        except (IntegrityError, OperationalError) as e:
            # another process stored the same text or cited identity meanwhile (or held a lock): again,
            # from what is now committed
            if attempt == 2:
                return FileResult(str(p), "failed", error=f"{p}: cannot store: {type(e).__name__}: "
                                                          f"{_one_line(e)}")
            time.sleep(0.2 * (attempt + 1))
        except Exception as e:  # rolled back: nothing of this file is stored
            return FileResult(str(p), "failed", error=f"{p}: cannot store: {type(e).__name__}: {_one_line(e)}")
    return FileResult(str(p), "failed", error=f"{p}: cannot store")  # pragma: no cover


def _one_line(e: Exception) -> str:
    s = str(e).strip()
    return s.splitlines()[0] if s else ""


def ingest_paths(paths: Iterable, url: Optional[str] = None,
                 on_start: Optional[Callable[[int], None]] = None,
                 on_result: Optional[Callable[[FileResult], None]] = None) -> IngestReport:
    """Ingest every file of ``paths``; ``on_start(n_files)`` then ``on_result(result)`` per file."""
    from pipeline import store

    files, missing = expand_paths(paths)
    report = IngestReport()
    for m in missing:
        report.results.append(m)
        if on_result:
            on_result(m)
    store.get_engine(url)  # create tables once, before the batch
    if on_start:
        on_start(len(files))
    for f in files:
        r = ingest_file(f, url)
        report.results.append(r)
        if on_result:
            on_result(r)
    return report
