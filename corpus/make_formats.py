"""Render the sample directives (corpus/samples/*.txt) into the other input
formats under corpus/samples/formats/, then read each one back and check that
it gives the same clean text as the .txt (modulo whitespace).

    python corpus/make_formats.py            # render and check
    python corpus/make_formats.py --check    # only check what is there
    python corpus/make_formats.py --eval-gold ../shared   # score the gold
        documents rendered into each format (a temporary folder), as
        `vanban eval` scores their .txt

Formats: .pdf (two-column header; needs fpdf2 and a font with Vietnamese
glyphs), .docx (header as a two-column table), .html (with site clutter),
.tcvn3.txt / .vni.txt (legacy font encodings), .cp1258.txt, .utf16.txt.
With no samples yet, a directive written for the tests (tests/_render.SAMPLE)
is rendered as ``formats/sample-chi-thi.*``.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import _render as R  # noqa: E402

from pipeline.clean import clean  # noqa: E402
from pipeline.errors import ReadError  # noqa: E402
from pipeline.read import read_path  # noqa: E402

SAMPLES = ROOT / "corpus" / "samples"
OUT = SAMPLES / "formats"
TEXT_FORMATS = {"tcvn3.txt": "tcvn3", "vni.txt": "vni", "cp1258.txt": "cp1258", "utf16.txt": "utf-16"}


def sources() -> list[tuple[str, str]]:
    files = sorted(SAMPLES.glob("*.txt"))
    if files:
        return [(f.stem, f.read_text(encoding="utf-8")) for f in files]
    return [("sample-chi-thi", R.SAMPLE)]


def render(stem: str, text: str, font: str | None) -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    made = []
    if not (SAMPLES / f"{stem}.txt").exists():
        (OUT / f"{stem}.txt").write_text(text, encoding="utf-8")
        made.append(OUT / f"{stem}.txt")
    made.append(R.to_docx(text, OUT / f"{stem}.docx"))
    (OUT / f"{stem}.html").write_text(R.to_html(text, title=stem), encoding="utf-8")
    made.append(OUT / f"{stem}.html")
    for suffix, enc in TEXT_FORMATS.items():
        (OUT / f"{stem}.{suffix}").write_bytes(R.to_bytes(text, enc))
        made.append(OUT / f"{stem}.{suffix}")
    if font:
        made.append(R.to_pdf(text, OUT / f"{stem}.pdf", font=font))
    return made


def check(stem: str, text: str) -> list[tuple[str, str]]:
    rows = []
    for f in sorted(OUT.glob(f"{stem}.*")):
        if f.suffix == ".txt" and f.name == f"{stem}.txt":
            continue
        enc = TEXT_FORMATS.get(f.name[len(stem) + 1:])
        lossy = R.encodable(text, enc) if enc else text
        want = R.normalise_ws(clean(lossy).text)
        try:
            src = read_path(f)
        except ReadError as e:
            rows.append((f.name, f"ERROR {e.reason}"))
            continue
        got = R.normalise_ws(clean(src.text).text)
        if got != want and _same_but_header_order(clean(lossy).text, clean(src.text).text):
            got = want  # the header read column by column (issuer block, then motto block)
        if got == want:
            status = "same" if lossy == text else f"same (with {sum(a != b for a, b in zip(lossy, text))} chars the encoding cannot hold)"
        elif got.lower() == want.lower():
            status = "same but case"  # TCVN3: no codes for upper-case toned vowels in mixed-case words
        else:
            status = "DIFFERENT"
        rows.append((f.name, f"{status} ({src.format}, {src.encoding or '-'})"))
    return rows


def _header_split(text: str) -> tuple[list[str], str]:
    """(sorted header lines up to the place-and-date line, the rest)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    for i, ln in enumerate(lines[:20]):
        if R.DATE_LINE.search(ln):
            return sorted(lines[:i + 1]), R.normalise_ws(" ".join(lines[i + 1:]))
    return [], R.normalise_ws(" ".join(lines))


def _same_but_header_order(want: str, got: str) -> bool:
    """A .txt that flattens the header row by row (issuer | motto, Số | date)
    reads back column by column from a PDF / Word table: same lines, other order."""
    return _header_split(want) == _header_split(got)


EVAL_FORMATS = ("txt", "pdf", "docx", "html", "tcvn3", "vni", "cp1258")


def eval_gold(shared: Path, formats=EVAL_FORMATS) -> int:
    """Render every gold document's text into each format, extract, and score
    against the gold records: does a format lose anything the .txt gives?"""
    import tempfile

    from pipeline.evaluate import evaluate
    from pipeline.extract import extract_path

    gold, texts = shared / "gold", [shared / "seeds", shared / "external-corpus"]
    font = R.find_font()
    print(f"{'format':8s} {'doc fields':>10s} {'refs F1':>8s} {'oblig P':>8s} {'oblig R':>8s} {'oblig F1':>8s} "
          f"{'deadl F1':>8s} {'recip F1':>8s}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            if fmt == "pdf" and font is None:
                print(f"{fmt:8s} skipped: no font with Vietnamese glyphs")
                continue
            out = Path(tmp) / fmt
            out.mkdir()

            def extractor(p, fmt=fmt, out=out):
                p = Path(p)
                if fmt == "txt":
                    return extract_path(p)
                text = p.read_text(encoding="utf-8")
                q = out / f"{p.stem}.{fmt}"
                if fmt == "pdf":
                    R.to_pdf(text, q, font=font)
                elif fmt == "docx":
                    R.to_docx(text, q)
                elif fmt == "html":
                    q.write_text(R.to_html(text), encoding="utf-8")
                else:
                    q.write_bytes(R.to_bytes(text, fmt))
                return extract_path(q)

            r = evaluate(gold, texts, extractor=extractor)
            doc = r["document"]
            acc = sum(v["accuracy"] for v in doc.values()) / max(len(doc), 1)
            ob = r["obligations"]["units"]
            print(f"{fmt:8s} {acc:10.3f} {r['references']['mentions']['f1']:8.3f} {ob['precision']:8.3f} "
                  f"{ob['recall']:8.3f} {ob['f1']:8.3f} {r['obligations']['deadline']['f1']:8.3f} "
                  f"{r['recipients']['f1']:8.3f}" + (f"  errors: {r['errors']}" if r["errors"] else ""))
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only read back what is there")
    ap.add_argument("--eval-gold", metavar="SHARED", type=Path,
                    help="score the gold documents rendered into every format")
    args = ap.parse_args(argv)
    if args.eval_gold:
        return eval_gold(args.eval_gold)
    font = R.find_font()
    if font is None and not args.check:
        print("no font with Vietnamese glyphs found: skipping .pdf", file=sys.stderr)
    bad = 0
    for stem, text in sources():
        if not args.check:
            render(stem, text, font)
        for name, status in check(stem, text):
            print(f"{name:40s} {status}")
            bad += status.startswith(("DIFFERENT", "ERROR"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
