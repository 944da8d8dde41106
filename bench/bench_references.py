"""Reference-extraction throughput on one core.

    python bench/bench_references.py [DIR] [--repeat N] [--with-parse]

Reads every .txt of DIR (default ../shared/external-corpus) once, then times
``find_references`` over all of them (best of N runs) and prints MB/s of
UTF-8 text and mentions/s, with the machine it ran on.  By default ``parsed``
is None (the finder alone); ``--with-parse`` passes ``parse(text)`` as the
pipeline does (the parse itself is not timed).
"""
from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path

from _common import machine

from pipeline.find.references import find_references


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    here = Path(__file__).resolve().parents[1]
    ap.add_argument("dir", nargs="?", default=str(here.parent / "shared" / "external-corpus"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--with-parse", action="store_true")
    a = ap.parse_args(argv)
    files = sorted(Path(a.dir).glob("*.txt"))
    if not files:
        print(f"no .txt documents in {a.dir}", file=sys.stderr)
        return 2
    texts = [unicodedata.normalize("NFC", f.read_text(encoding="utf-8", errors="replace")) for f in files]
    parsed = [None] * len(texts)
    if a.with_parse:
        from pipeline.parse import parse
        parsed = [parse(t) for t in texts]
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    find_references(texts[0], parsed[0])  # warm up (tables are compiled at import)
    best, n_refs = float("inf"), 0
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        n = 0
        for t, p in zip(texts, parsed):
            n += len(find_references(t, p))
        best = min(best, time.perf_counter() - t0)
        n_refs = n
    mb = nbytes / 1e6
    print(f"machine: {machine()}")
    print(f"corpus: {a.dir}: {len(texts)} documents, {mb:.2f} MB UTF-8, {sum(map(len, texts))} characters")
    print(f"find_references ({'with' if a.with_parse else 'without'} parse), best of {a.repeat}: "
          f"{best:.3f} s = {mb / best:.2f} MB/s, {len(texts) / best:.0f} docs/s, {n_refs} mentions "
          f"({n_refs / best:.0f}/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
