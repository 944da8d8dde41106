"""``python -m pipeline.read FILE... [--clean]``: print how each file reads
(format, encoding, size) and its text, for checking a reader by hand."""
from __future__ import annotations

import argparse
import sys

from pipeline.errors import ReadError
from pipeline.read import read_path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.read", description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--clean", action="store_true", help="print the clean text (and the steps applied)")
    ap.add_argument("--quiet", "-q", action="store_true", help="only the summary line of each file")
    args = ap.parse_args(argv)
    rc = 0
    for f in args.files:
        try:
            src = read_path(f)
        except ReadError as e:
            print(f"error: {e}", file=sys.stderr)
            rc = 1
            continue
        text = src.text
        extra = ""
        if args.clean:
            from pipeline.clean import clean

            c = clean(text)
            extra = f" clean={len(c.text)} steps={','.join(c.steps) or '-'}"
            text = c.text
        meta = " ".join(f"{k}={v}" for k, v in src.meta.items() if k != "path")
        print(f"# {f}: format={src.format} encoding={src.encoding or '-'} chars={len(src.text)}{extra} {meta}".rstrip())
        if not args.quiet:
            print(text)
    return rc


if __name__ == "__main__":
    sys.exit(main())
