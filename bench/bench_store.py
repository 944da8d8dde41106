"""Storage speed: `cited-by` / `cites` / lookups on a synthetic database, and store_record throughput.

    python bench/bench_store.py                  # 10,000 documents (about a minute)
    python bench/bench_store.py --size 100000    # the target size: cited-by < 10 ms
    python bench/bench_store.py --db postgresql+psycopg://…   # any SQLAlchemy URL (tables are dropped first)

Builds N documents, each citing ``--refs`` others (a few cited very often, as
real corpora cite a handful of central resolutions), 30 % extra placeholder
identities, then times the queries the CLI runs and prints the figures.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, text  # noqa: E402

from pipeline import store  # noqa: E402


def build(url: str, n: int, refs: int, seed: int = 1) -> None:
    rnd = random.Random(seed)
    eng = store.get_engine(url)
    n_ph = int(n * 0.3)
    chunk = 5000
    t0 = time.perf_counter()
    with eng.begin() as c:
        for lo in range(0, n + n_ph, chunk):
            rows = []
            for i in range(lo, min(n + n_ph, lo + chunk)):
                sym = f"{i + 1}-CT/TU" if i < n else f"{i + 1}-NQ/TW"
                key = f"sym:{sym.lower()}@p{i % 63}#20{10 + i % 15}"
                rows.append({"id": i + 1, "key": key, "loose": key.split("#")[0], "doc_type": "Chỉ thị",
                             "symbol": sym, "label": f"Chỉ thị {sym}", "created_at": store._now()})
            c.execute(insert(store.Identity), rows)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            c.execute(insert(store.Document), [
                {"id": i + 1, "identity_id": i + 1, "source": f"/corpus/d{i + 1}.txt", "doc_type": "Chỉ thị",
                 "symbol": f"{i + 1}-CT/TU", "issued_date": f"20{10 + i % 15}-01-01", "title": f"về việc số {i}",
                 "created_at": store._now(), "updated_at": store._now()} for i in range(lo, hi)])
            c.execute(insert(store.Version), [
                {"id": i + 1, "document_id": i + 1, "seq": 1, "sha256": hashlib.sha256(str(i).encode()).hexdigest(),
                 "source": f"/corpus/d{i + 1}.txt", "text": "", "record": {}, "n_references": refs,
                 "n_obligations": 0, "n_bodies": 0, "is_current": True, "ingested_at": store._now()}
                for i in range(lo, hi)])
            c.execute(text("UPDATE documents SET current_version_id = id WHERE id > :lo AND id <= :hi"),
                      {"lo": lo, "hi": hi})
            rrows = []
            for i in range(lo, hi):
                for k in range(refs):
                    # a fifth of the citations go to 50 central documents; the rest anywhere
                    t = rnd.randint(1, 50) if rnd.random() < 0.2 else rnd.randint(1, n + n_ph)
                    rrows.append({"version_id": i + 1, "document_id": i + 1, "target_id": t, "is_current": True,
                                  "seq": k, "text": f"Chỉ thị số {t}-CT/TU", "start": 0, "end": 10,
                                  "relation": "cites", "sentence": f"Thực hiện Chỉ thị số {t}-CT/TU, văn bản {i}."})
            c.execute(insert(store.Reference), rrows)
        if eng.dialect.name == "postgresql":  # explicit ids above: move the sequences past them
            for t in ("identities", "documents", "versions"):
                c.execute(text(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"))
        c.execute(text("ANALYZE"))
    print(f"built {n} documents, {n_ph} placeholders, {n * refs} citations in {time.perf_counter() - t0:.1f} s")


def timed(fn, reps: int) -> tuple[float, float]:
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return statistics.median(ts), ts[int(len(ts) * 0.95) - 1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=10000, help="number of documents (default 10000)")
    ap.add_argument("--refs", type=int, default=5, help="citations per document (default 5)")
    ap.add_argument("--reps", type=int, default=200, help="queries timed per figure")
    ap.add_argument("--db", help="database URL (default: a new SQLite file in a temp folder)")
    a = ap.parse_args()
    tmp = None
    url = a.db
    if url is None:
        tmp = tempfile.mkdtemp(prefix="vanban-bench-")
        url = f"sqlite:///{os.path.join(tmp, 'bench.db')}"
    else:
        eng = store.get_engine(url)
        store.Base.metadata.drop_all(eng)
        store.dispose(url)
    build(url, a.size, a.refs)
    rnd = random.Random(2)
    n = a.size
    with store.session_scope(url) as s:
        hub = s.get(store.Identity, 1)  # a central document: cited by ~ n*refs*0.2/50
        n_hub = len(store.cited_by(s, hub, 1))

    def q_cited_by(ident_id=None):
        with store.session_scope(url) as s:
            i = s.get(store.Identity, ident_id or rnd.randint(1, n))
            return store.cited_by(s, i, 1)

    def q_cited_by_symbol():
        with store.session_scope(url) as s:
            i = store.find_identity(s, f"{rnd.randint(1, n)}-CT/TU")
            return store.cited_by(s, i, 1)

    def q_cites():
        with store.session_scope(url) as s:
            return store.cites(s, s.get(store.Identity, rnd.randint(1, n)), 1)

    def q_depth2():
        with store.session_scope(url) as s:
            return store.cited_by(s, s.get(store.Identity, rnd.randint(1, n)), 2)

    print(f"database: {url.split('://')[0]}, {n} documents, {a.refs} citations each")
    for _ in range(20):  # warm the statement caches
        q_cited_by(), q_cites(), q_cited_by_symbol()
    for name, fn, reps in (("cited-by (random document, by id)", q_cited_by, a.reps),
                           ("cited-by (by symbol, as the CLI)", q_cited_by_symbol, a.reps),
                           (f"cited-by (central document, {n_hub} citing)", lambda: q_cited_by(1), max(10, a.reps // 10)),
                           ("cites (random document)", q_cites, a.reps),
                           ("cited-by --depth 2 (random)", q_depth2, max(10, a.reps // 4))):
        med, p95 = timed(fn, reps)
        print(f"{name:45s} median {med:7.2f} ms   p95 {p95:7.2f} ms")

    # query plan of the cited-by query (SQLite)
    if url.startswith("sqlite"):
        eng = store.get_engine(url)
        with eng.connect() as c:
            plan = c.execute(text("EXPLAIN QUERY PLAN SELECT * FROM doc_references WHERE target_id = 5 "
                                  "AND is_current = 1")).all()
        print("plan:", "; ".join(r[-1] for r in plan))

    # store_record throughput on hand-made records (no extraction)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from test_store import make_record

    recs = [make_record(f"{n + 10 + i}-CT/TU", "2024-03-12", [("Chỉ thị", f"{rnd.randint(1, n)}-CT/TU", None, "cites"),
                                                           ("Nghị quyết", "57-NQ/TW", "2024-12-22", "implements")],
                        source=f"/new/d{i}.txt", salt=str(i)) for i in range(200)]
    t0 = time.perf_counter()
    for r in recs:
        with store.session_scope(url) as s:
            store.store_record(s, r)
    dt = time.perf_counter() - t0
    print(f"store_record: {len(recs) / dt:.0f} documents/s ({dt / len(recs) * 1000:.1f} ms each, one transaction each)")
    store.dispose(url)
    if tmp:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
