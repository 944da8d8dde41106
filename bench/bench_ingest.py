"""Ingest at scale: extraction in a pool, the store stage, and `vanban ingest` end to end.

    python bench/bench_ingest.py [DIR] [--n 10000] [--jobs 1] [--db URL] [--engine local|dask]
    python bench/bench_ingest.py --extract-only --n 470 --jobs 2
    python bench/bench_ingest.py --compare-dask [DIR]   # Dask path stores what the local path stores

Replicates the texts of DIR (default ../shared/external-corpus) into N variant
files in a temporary folder: copy k of a text gets k put in front of the first
number of its "Số …" line and a trailing marker line, so every copy has its
own bytes (its own hash) and, mostly, its own symbol, i.e. is a new document,
as in a real corpus.  Then:

* ``--extract-only``: read → clean → parse → find over the N files in a pool
  of ``--jobs`` processes (``imap``, chunks of 4); no database.  This is the
  figure for "2 processes ≥ 1.8 × one", free of the serial store stage.
* ``--compare-dask``: the files of DIR themselves (not replicated) ingested by
  the local path and by the Dask engine (a LocalCluster of ``--jobs`` worker
  processes) into two SQLite files, whose contents are compared.
* default: ``ingest_paths(files, URL, jobs=J)`` (or the Dask engine) into a
  fresh database (a new SQLite file, or ``--db URL`` whose tables are dropped
  first), timing the store stage (the parent's check + write) apart.

Prints documents/s, MB/s (MB of input files), CPU seconds (this process and
its children), the load average, peak RSS of the parent and of the largest
worker, and the parent's RSS sampled along the run (it must stay flat).
Run under ``taskset -c 0`` (one core) or ``taskset -c 0,1`` to pin the cores.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import machine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SUFFIXES = (".txt", ".html", ".htm")
_NUM_RE = re.compile(r"(Số\s*:?\s*)(\d+)")


def rss_mb() -> float:
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _pss_kb(pid: int) -> int:
    try:
        for line in open(f"/proc/{pid}/smaps_rollup", encoding="ascii"):
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_mb() -> float:
    """Proportional set size of this process and its child processes (shared pages counted once)."""
    pids, todo = [], [os.getpid()]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        try:
            with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
                todo += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return sum(_pss_kb(p) for p in pids) / 1024


def cpu_seconds() -> float:
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def replicate(src_dir: Path, n: int, out: Path) -> tuple[list[Path], int]:
    """N variant files of the texts of ``src_dir`` written into ``out``; returns them and their total bytes."""
    texts = []
    for p in sorted(src_dir.iterdir()):
        if p.is_file() and p.suffix.lower() in SUFFIXES:
            texts.append((p, p.read_text(encoding="utf-8", errors="replace")))
    if not texts:
        raise SystemExit(f"no .txt/.html documents in {src_dir}")
    files, total = [], 0
    for i in range(n):
        p, t = texts[i % len(texts)]
        k = i // len(texts)
        if k:
            t = _NUM_RE.sub(lambda m: f"{m.group(1)}{k}{m.group(2)}", t, count=1)
            t += f"\n<!-- bản sao {k} -->\n" if p.suffix.lower() != ".txt" else f"\n\n[bản sao {k}]\n"
        dst = out / f"{k:05d}" / p.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        data = t.encode("utf-8")
        dst.write_bytes(data)
        total += len(data)
        files.append(dst)
    return files, total


def _extract_one(path: str) -> int:
    from pipeline.ingest import _extract

    rec, _err = _extract(path)
    return len(rec.text) if rec is not None else 0


def extract_only(files: list[Path], jobs: int) -> tuple[float, int, float]:
    """Wall seconds, clean-text characters, CPU seconds (this process and the pool's workers)."""
    from multiprocessing import get_context

    _extract_one(str(files[0]))  # models loaded before the clock (the pool's workers are forked after)
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    chars = 0
    if jobs <= 1:
        for f in files:
            chars += _extract_one(str(f))
    else:
        with get_context("fork").Pool(jobs) as pool:
            for c in pool.imap(_extract_one, [str(f) for f in files], chunksize=4):
                chars += c
    return time.perf_counter() - t0, chars, cpu_seconds() - cpu0


def main(argv=None) -> int:
    here = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", nargs="?", default=str(here.parent / "shared" / "external-corpus"))
    ap.add_argument("--n", type=int, default=470, help="documents (replicated from DIR; default 470)")
    ap.add_argument("--jobs", type=int, default=1, help="extraction processes (default 1)")
    ap.add_argument("--db", help="database URL (tables dropped first); default a new SQLite file")
    ap.add_argument("--engine", choices=("local", "dask"), default="local")
    ap.add_argument("--extract-only", action="store_true", help="time extraction in a pool; no database")
    ap.add_argument("--compare-dask", action="store_true", help="local vs Dask ingest of DIR: same database?")
    ap.add_argument("--samples", type=int, default=10, help="RSS samples along the run (default 10)")
    a = ap.parse_args(argv)

    print(f"machine: {machine()}")
    print(f"load average at start (1/5/15 min): {load()}")
    if a.compare_dask:
        return compare_dask(Path(a.dir), max(1, a.jobs))
    tmp = Path(tempfile.mkdtemp(prefix="vanban-bench-ingest-"))
    try:
        files, nbytes = replicate(Path(a.dir), a.n, tmp / "docs")
        mb = nbytes / 1e6
        print(f"corpus: {a.n} documents replicated from {a.dir}: {mb:.1f} MB of input")
        if a.extract_only:
            sec, chars, cpu = extract_only(files, a.jobs)
            print(f"extract only, {a.jobs} process(es): {sec:.1f} s, {a.n / sec:.1f} documents/s, {mb / sec:.2f} MB/s "
                  f"of input ({chars / 1e6 / sec:.2f} M chars/s of clean text); CPU {cpu:.1f} s "
                  f"({a.n / cpu:.1f} documents per CPU-second)")
        else:
            run_ingest(a, files, mb, tmp)
        print(f"peak RSS: this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
              f"largest worker {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")
        print(f"load average at end (1/5/15 min): {load()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def dump(url: str) -> dict:
    """What a database holds, by source path, without row ids."""
    from sqlalchemy import select

    from pipeline import store

    out = {}
    with store.session_scope(url) as s:
        for v in s.scalars(select(store.Version)):
            out[v.source] = (v.document.identity.key, v.seq, v.is_current, v.sha256, v.text, v.record,
                             [(r.target.key, r.relation, r.start, r.end, r.sentence) for r in v.references],
                             [(o.start, o.end, o.kind, o.actors, o.deadline) for o in v.obligations],
                             [(b.start, b.end, b.canonical) for b in v.bodies])
        out["#identities"] = sorted(s.scalars(select(store.Identity.key)))
    return out


def compare_dask(src: Path, workers: int) -> int:
    from pipeline import store
    from pipeline.distributed import ingest_paths_dask
    from pipeline.ingest import ingest_paths

    tmp = Path(tempfile.mkdtemp(prefix="vanban-bench-compare-"))
    try:
        a, b = f"sqlite:///{tmp / 'local.db'}", f"sqlite:///{tmp / 'dask.db'}"
        t0 = time.perf_counter()
        ra = ingest_paths([src], a)
        t1 = time.perf_counter()
        rb = ingest_paths_dask([src], b, workers=workers)
        t2 = time.perf_counter()
        da, db = dump(a), dump(b)
        same = da == db
        print(f"local: {ra.summary()} in {t1 - t0:.1f} s; dask ({workers} workers, cluster start included): "
              f"{rb.summary()} in {t2 - t1:.1f} s")
        diff = sorted(k for k in set(da) | set(db) if da.get(k) != db.get(k))
        print(f"stored versions: {len(da) - 1} local, {len(db) - 1} dask; identical: {same}"
              + (f"; differing: {', '.join(Path(k).name for k in diff[:10])}" if diff else ""))
        store.dispose(a)
        store.dispose(b)
        return 0 if same else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_ingest(a, files: list[Path], mb: float, tmp: Path) -> None:
    from pipeline import ingest, store

    url = a.db
    if url is None:
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        store.Base.metadata.drop_all(store.get_engine(url))
        store.dispose(url)
    store.get_engine(url)
    kind = url.split("://")[0]

    # time the parent's store stage (check + write) apart, by wrapping the module's functions
    spent = {"check": 0.0, "store": 0.0}
    orig_check, orig_store = ingest._check_sha, ingest._store

    def timed_check(*x, **k):
        t = time.perf_counter()
        try:
            return orig_check(*x, **k)
        finally:
            spent["check"] += time.perf_counter() - t

    def timed_store(*x, **k):
        t = time.perf_counter()
        try:
            return orig_store(*x, **k)
        finally:
            spent["store"] += time.perf_counter() - t

    ingest._check_sha, ingest._store = timed_check, timed_store
    every = max(1, len(files) // max(1, a.samples))
    samples: list[str] = []
    state = {"i": 0}

    def on_result(_r) -> None:
        state["i"] += 1
        if state["i"] % every == 0:
            samples.append(f"{state['i']}:{rss_mb():.0f}/{tree_pss_mb():.0f}")

    # warm up outside the clock, as `vanban ingest` would be after its first files: the statement caches
    # and, for one process, the models.  With --jobs > 1 the parent loads no model (it only stores), as in
    # the CLI; the workers load theirs inside the clock (a few seconds).
    warm = tmp / "warm"
    warm.mkdir()
    if a.jobs <= 1 and a.engine == "local":
        shutil.copy(files[0], warm / "w.txt")
        (warm / "w.txt").write_bytes((warm / "w.txt").read_bytes() + b"\n[warm]\n")
        ingest.ingest_paths([warm], url)
    else:
        from pipeline.records import Document, Record

        with store.session_scope(url) as s:  # one stored record, no extraction in this process
            store.store_record(s, Record(source=str(warm / "w.txt"), sha256="0" * 64, text="warm",
                                         document=Document(symbol="0/WARM")))
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    try:
        if a.engine == "dask":
            from pipeline.distributed import ingest_paths_dask

            rep = ingest_paths_dask(files, url, on_result=on_result, workers=a.jobs)
        else:
            rep = ingest.ingest_paths(files, url, on_result=on_result, jobs=a.jobs)
    finally:
        ingest._check_sha, ingest._store = orig_check, orig_store
    sec = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    n = len(files)
    print(f"ingest into {kind}, engine {a.engine}, {a.jobs} extraction process(es): {rep.summary()}")
    print(f"  end to end: {sec:.1f} s, {n / sec:.1f} documents/s, {mb / sec:.2f} MB/s of input; CPU {cpu:.1f} s")
    st = spent["check"] + spent["store"]
    print(f"  store stage (parent, serial): {st:.1f} s = {n / st:.1f} documents/s, {mb / st:.2f} MB/s "
          f"(sha check {spent['check']:.1f} s, write {spent['store']:.1f} s)")
    print(f"  memory along the run (documents:parent RSS MB/PSS MB of parent + workers): {' '.join(samples)}")
    if a.db is None:
        print(f"  database file: {os.path.getsize(tmp / 'bench.db') / 1e6:.0f} MB")
    store.dispose(url)


if __name__ == "__main__":
    sys.exit(main())
