"""Dask engine for ingest: extraction on a Dask cluster, storage on the client.

``ingest_paths_dask(paths, url=None, scheduler=None, on_start=None, on_result=None, *, client=None,
workers=2, window=None, send="bytes", ordered=True)`` behaves like
:func:`pipeline.ingest.ingest_paths` and returns the same
:class:`~pipeline.ingest.IngestReport`:

* the client (this process) expands the paths, reads each file's bytes, skips
  the ones whose hash is already stored, and submits the rest to the cluster:
  the bytes (``send="bytes"``, workers need no shared file system) or the
  path (``send="paths"``, workers read the file themselves);
* a worker runs read → clean → parse → find and returns the record as a plain
  dict (:func:`record_to_dict`); models load once per worker process;
* the client rebuilds the record (:func:`record_from_dict`) and stores it in
  ``url`` (any SQLAlchemy URL; PostgreSQL for a cluster), one transaction per
  document, exactly as the local path does;
* at most ``window`` futures are in flight (default four per worker thread), so
  memory stays flat however many files there are.  ``ordered=True`` stores in
  the order of the files (the database is the one the local path builds);
  ``ordered=False`` stores in order of completion (``as_completed``).

``scheduler`` is a scheduler address (``tcp://host:8786``); without it (and
without ``client``) a ``LocalCluster`` of ``workers`` single-threaded worker
processes is started for the run and closed afterwards.
Needs ``pip install 'vanban[dask]'`` (``dask[distributed]``).
"""
from __future__ import annotations

import os
from collections import deque
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Iterable, Optional

from pipeline.errors import VanbanError
from pipeline import ingest as _ingest
from pipeline.ingest import FileResult, IngestReport, _one_line


def record_to_dict(rec) -> dict:
    """The whole record (every field, extras included) as plain dicts and lists."""
    return asdict(rec)


def record_from_dict(d: dict):
    """The :class:`~pipeline.records.Record` of :func:`record_to_dict`'s dict."""
    from pipeline.records import Body, Document, Obligation, Recipient, Record, Reference

    doc = dict(d["document"])
    doc["recipients"] = [Recipient(**r) for r in doc.get("recipients") or []]
    return Record(source=d["source"], sha256=d["sha256"], text=d["text"], document=Document(**doc),
                  references=[Reference(**r) for r in d.get("references") or []],
                  obligations=[Obligation(**o) for o in d.get("obligations") or []],
                  bodies=[Body(**b) for b in d.get("bodies") or []],
                  warnings=list(d.get("warnings") or []), meta=dict(d.get("meta") or {}))


def _failure(name: str, e: Exception) -> str:
    return f"{name}: unexpected {type(e).__name__}: {_one_line(e)}"


def extract_bytes(name: str, data: bytes):
    """Worker task: ``(record dict, None)`` or ``(None, one-line error)`` for a file's bytes named ``name``."""
    from pipeline.extract import extract_text
    from pipeline.read import read_bytes

    try:
        src = read_bytes(data, name)
        rec = extract_text(src.text, source=name, sha256=src.sha256,
                           meta={"format": src.format, "encoding": src.encoding})
        return record_to_dict(rec), None
    except VanbanError as e:
        return None, str(e)
    except Exception as e:  # one bad file must not stop the batch
        return None, _failure(name, e)


def extract_file(path: str):
    """Worker task: like :func:`extract_bytes`, the worker reading ``path`` itself."""
    from pipeline.ingest import _extract

    rec, err = _extract(path)
    return (record_to_dict(rec) if rec is not None else None), err


def _read(p: Path):
    """The bytes of a file the client sends, else None: the reader is to say what is wrong."""
    from pipeline.read import max_bytes

    try:
        size = os.stat(p).st_size
        if not 0 < size <= max_bytes() or not p.is_file():
            return None
        with open(p, "rb") as f:
            data = f.read(max_bytes() + 1)
        return data if len(data) <= max_bytes() else None
    except OSError:
        return None


class _Ready:
    """A finished result that looks like a future (``result``, ``release``)."""

    def __init__(self, value) -> None:
        self.value = value

    def result(self):
        return self.value

    def release(self) -> None:
        pass


def _connect(scheduler: Optional[str], workers: int):
    """``(client, things to close)``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the installation
        raise VanbanError("the dask engine needs dask.distributed: pip install 'vanban[dask]'") from None
    if scheduler:
        c = Client(scheduler)
        return c, [c]
    cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                           dashboard_address=None)
    c = Client(cluster)
    return c, [c, cluster]


def ingest_paths_dask(paths: Iterable, url: Optional[str] = None, scheduler: Optional[str] = None,
                      on_start: Optional[Callable[[int], None]] = None,
                      on_result: Optional[Callable[[FileResult], None]] = None, *, client=None, workers: int = 2,
                      window: Optional[int] = None, send: str = "bytes", ordered: bool = True) -> IngestReport:
    """Ingest ``paths`` with extraction on a Dask cluster; see the module docstring."""
    import hashlib

    if send not in ("bytes", "paths"):
        raise ValueError("send must be 'bytes' or 'paths'")
    files, report, emit = _ingest.begin_batch(paths, url, on_start, on_result)
    if not files:
        return report

    closing: list = []
    if client is None:
        client, closing = _connect(scheduler, workers)
    try:
        if window is None:
            window = 4 * max(1, sum(client.nthreads().values()))
        window = max(1, window)

        def submit(f: Path):
            """A finished FileResult (unreadable, already stored) or ``(sha, future)``."""
            if send == "paths":
                done, sha = _ingest._check_sha(f, None, url)
                if done is not None:
                    return done
                return sha, client.submit(extract_file, str(f), pure=False)
            data = _read(f)
            if data is None:  # missing, empty, too large: the local reader gives the one-line reason
                rec, err = extract_file(str(f))
                if rec is None:
                    return FileResult(str(f), "failed", error=err)
                return rec["sha256"], _Ready((rec, None))
            sha = hashlib.sha256(data).hexdigest()
            done, _sha = _ingest._check_sha(f, sha, url)
            if done is not None:
                return done
            return sha, client.submit(extract_bytes, str(f), data, pure=False)

        def finish(f: Path, fut) -> FileResult:
            try:
                d, err = fut.result()
            except Exception as e:  # a worker died, the task was lost
                d, err = None, _failure(str(f), e)
            finally:
                fut.release()
            if d is None:
                return FileResult(str(f), "failed", error=err)
            try:
                rec = record_from_dict(d)
            except Exception as e:
                return FileResult(str(f), "failed", error=_failure(str(f), e))
            del d
            # the same bytes may have come in through an earlier file of this batch
            done, _sha = _ingest._check_sha(f, rec.sha256, url)
            return done if done is not None else _ingest._store(f, rec, url)

        todo = iter(files)
        if ordered:
            pending: deque = deque()  # (path, FileResult or future), in file order
            while True:
                while len(pending) < window:
                    f = next(todo, None)
                    if f is None:
                        break
                    item = submit(f)
                    pending.append((f, item if isinstance(item, FileResult) else item[1]))
                if not pending:
                    break
                f, item = pending.popleft()
                emit(item if isinstance(item, FileResult) else finish(f, item))
        else:
            from distributed import as_completed

            running: dict = {}  # future key → path
            ac = as_completed()

            def fill() -> None:
                while len(running) < window:
                    f = next(todo, None)
                    if f is None:
                        return
                    item = submit(f)
                    if isinstance(item, FileResult):
                        emit(item)
                        continue
                    if isinstance(item[1], _Ready):
                        emit(finish(f, item[1]))
                        continue
                    running[item[1].key] = f
                    ac.add(item[1])

            fill()
            for fut in ac:
                f = running.pop(fut.key)
                emit(finish(f, fut))
                fill()
    finally:
        for c in closing:
            try:
                c.close()
            except Exception:  # pragma: no cover - closing a cluster that is already gone
                pass
    return report
