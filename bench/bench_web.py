"""Server-side render time of the web app's document page for a 50-page directive.

    python bench/bench_web.py [--pages 50] [--chars-per-page 3000] [--repeat 15] [--file F]

Builds a long Kế hoạch from a sample of ``corpus/samples`` (its header, then
its task sections repeated, each under a new Roman numeral, until the text
has PAGES × CHARS-PER-PAGE characters; an A4 page of these documents holds
about 2,500–3,000), or takes ``--file``; ingests it into a temporary SQLite
database and times ``GET /documents/{id}`` through FastAPI's TestClient
(routing, the database reads, the highlighting of every reference,
obligation, body and date, the checklist beside it, and the Jinja2 template):
median, best and worst wall time, and median CPU time of this process.
Target (issue 7): < 300 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import load_average, machine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT / "corpus" / "samples" / "kh-87-ubnd-thanh-hoa-2026.txt"
ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]


def roman(n: int) -> str:
    tens = ["", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC", "C"]
    return tens[n // 10] + ROMAN[n % 10]


def long_directive(sample: Path, chars: int) -> str:
    text = sample.read_text(encoding="utf-8")
    start = text.index("III. ")
    end = text.index("Nơi nhận:")
    head, body, tail = text[:start], text[start:end], text[end:]
    body = body[len("III. "):]
    parts, n, k = [], len(head) + len(tail), 3
    while n < chars:
        part = f"{roman(k)}. {body}"
        parts.append(part)
        n += len(part)
        k += 1
    return head + "".join(parts) + tail


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=50)
    ap.add_argument("--chars-per-page", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--file", default=None)
    a = ap.parse_args(argv)

    from fastapi.testclient import TestClient

    from pipeline.ingest import ingest_file
    from pipeline.web import create_app

    with tempfile.TemporaryDirectory() as d:
        dpath = Path(d)
        if a.file:
            src = Path(a.file)
        else:
            src = dpath / "kh-dai-50-trang.txt"
            src.write_text(long_directive(SAMPLE, a.pages * a.chars_per_page), encoding="utf-8")
        url = f"sqlite:///{dpath / 'web.db'}"
        t0 = time.perf_counter()
        res = ingest_file(src, url)
        t_ingest = time.perf_counter() - t0
        if res.status == "failed" or res.document_id is None:
            print(f"cannot ingest {src}: {res.error or res.status}", file=sys.stderr)
            return 2
        client = TestClient(create_app(url, upload_dir=dpath / "up"))
        path = f"/documents/{res.document_id}"
        r = client.get(path)  # warm: templates compiled, first queries
        if r.status_code != 200:
            print(f"GET {path}: HTTP {r.status_code}", file=sys.stderr)
            return 2
        html = r.text
        walls, cpus = [], []
        for _ in range(max(1, a.repeat)):
            c0, w0 = time.process_time(), time.perf_counter()
            r = client.get(path)
            walls.append((time.perf_counter() - w0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
            assert r.status_code == 200
        chars = len(src.read_text(encoding="utf-8"))
        marks = {k: html.count(f'class="mk mk-{k}') for k in ("obligation", "reference", "body", "date")}

    print(f"machine: {machine()}")
    print(f"document: {src.name}: {chars:,} characters (~{chars / a.chars_per_page:.0f} pages of "
          f"{a.chars_per_page:,}); ingested in {t_ingest:.2f} s; page {len(html):,} bytes of HTML")
    print("marks on the page: " + ", ".join(f"{k} {v}" for k, v in marks.items()))
    print(f"GET {path} x{len(walls)}: median {statistics.median(walls):.1f} ms, best {min(walls):.1f} ms, "
          f"worst {max(walls):.1f} ms wall; median CPU {statistics.median(cpus):.1f} ms  (target < 300 ms)")
    print(f"load average: {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
