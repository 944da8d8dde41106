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


def _check(p: Path, url: Optional[str]):
    """``(None, sha)`` for a file to extract, or ``(result, None)`` when it is unreadable or already stored."""
    return _check_sha(p, None, url)


def _check_sha(p: Path, sha: Optional[str], url: Optional[str]):
    """:func:`_check` for a file whose hash ``sha`` is known (None: hash the file)."""
    from pipeline import store

    if sha is None:
        try:
            sha = _sha256(p)
        except OSError as e:
            return FileResult(str(p), "failed", error=f"{p}: cannot read: {e.strerror or e}"), None
    with store.session_scope(url) as s:
        v = store.find_version_by_sha(s, sha)
        if v is not None:
            return FileResult(str(p), "unchanged", v.document_id, v.document.symbol), None
    return None, sha


def _extract(path: str):
    """``(record, None)`` or ``(None, one-line error)``; runs in worker processes too."""
    from pipeline.extract import extract_path

    p = Path(path)
    try:
        return extract_path(p), None
    except VanbanError as e:
        return None, str(e)
    except Exception as e:  # one bad file must not stop the batch
        return None, f"{p}: unexpected {type(e).__name__}: {_one_line(e)}"


def _store(p: Path, rec, url: Optional[str]) -> FileResult:
    from sqlalchemy.exc import IntegrityError, OperationalError

    from pipeline import store

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


def ingest_file(path, url: Optional[str] = None) -> FileResult:
    """Extract and store one file in its own transaction (skipped when its bytes are already stored)."""
    p = Path(path)
    done, _sha = _check(p, url)
    if done is not None:
        return done
    rec, err = _extract(str(p))
    if rec is None:
        return FileResult(str(p), "failed", error=err)
    return _store(p, rec, url)


def _one_line(e: Exception) -> str:
    s = str(e).strip()
    return s.splitlines()[0] if s else ""


def begin_batch(paths: Iterable, url: Optional[str], on_start: Optional[Callable[[int], None]],
                on_result: Optional[Callable[[FileResult], None]]):
    """What every ingest engine does first: expand ``paths`` (a missing one is a failed result at once),
    create the tables, call ``on_start(n_files)``.  Returns the files, the report and ``emit(result)``,
    which records a result and passes it to ``on_result``."""
    from pipeline import store

    files, missing = expand_paths(paths)
    report = IngestReport()

    def emit(r: FileResult) -> None:
        report.results.append(r)
        if on_result:
            on_result(r)

    for m in missing:
        emit(m)
    store.get_engine(url)  # create tables once, before the batch
    if on_start:
        on_start(len(files))
    return files, report, emit


def ingest_paths(paths: Iterable, url: Optional[str] = None,
                 on_start: Optional[Callable[[int], None]] = None,
                 on_result: Optional[Callable[[FileResult], None]] = None, jobs: int = 1) -> IngestReport:
    """Ingest every file of ``paths``; ``on_start(n_files)`` then ``on_result(result)`` per file, in order.

    ``jobs`` > 1 extracts in that many worker processes; storing stays in this
    process, one transaction per document, in the order of the files.
    """
    files, report, emit = begin_batch(paths, url, on_start, on_result)
    if jobs <= 1 or len(files) < 2:
        for f in files:
            emit(ingest_file(f, url))
        return report

    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    window = deque()  # (path, future or finished result), in file order
    todo = iter(files)
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        while True:
            while len(window) < jobs * 3:
                f = next(todo, None)
                if f is None:
                    break
                done, _sha = _check(f, url)
                window.append((f, done if done is not None else ex.submit(_extract, str(f))))
            if not window:
                break
            f, item = window.popleft()
            if isinstance(item, FileResult):
                emit(item)
                continue
            try:
                rec, err = item.result()
            except Exception as e:  # a worker died
                rec, err = None, f"{f}: unexpected {type(e).__name__}: {_one_line(e)}"
            if rec is None:
                emit(FileResult(str(f), "failed", error=err))
                continue
            # the same bytes may have come in through an earlier file of this batch
            done, _sha = _check(f, url)
            emit(done if done is not None else _store(f, rec, url))
    return report
