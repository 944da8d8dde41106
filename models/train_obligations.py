"""Train the obligations classifier: task / prohibition / report / target / none.

    python models/train_obligations.py            # train, evaluate, save models/obligations.joblib
    python models/train_obligations.py --segment  # also measure underthesea word segmentation

Training data (never the gold documents):
  corpus/annotations/obligations.tsv   file, start, end, label: candidate units of the
                                        non-gold documents of ../shared/external-corpus and of
                                        corpus/samples (offsets into the clean text)
  corpus/annotations/own_examples.tsv  text, label, ctx: sentences written for this project
Dev set (evaluation only): the candidate units of the gold documents (../shared/gold);
a unit matching a gold obligation (text similarity >= 0.5) takes its kind, others are "none".
A second figure: a by-document split of the annotated documents (GroupShuffleSplit, seed 0).
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import classification_report, f1_score
from sklearn.model_selection import GroupShuffleSplit
from sklearn.pipeline import FeatureUnion, Pipeline

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

from pipeline.clean import clean  # noqa: E402
from pipeline.evaluate import _text_sim  # noqa: E402
from pipeline.find.obligations import candidate_units, model_input  # noqa: E402
from pipeline.parse import parse  # noqa: E402

SEED = 0


def _path(rel: str) -> Path:
    p = ROOT / rel
    return p if p.exists() else SHARED / rel


def _clean_text(p: Path) -> str:
    return clean(p.read_text(encoding="utf-8")).text


def load_annotations():
    X, y, groups = [], [], []
    texts: dict = {}
    ctxs: dict = {}
    with open(ROOT / "corpus/annotations/obligations.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            p = _path(row["file"])
            if not p.exists():
                continue
            if row["file"] not in texts:
                t = _clean_text(p)
                texts[row["file"]] = t
                units, _, _ = candidate_units(t, parse(t))
                ctxs[row["file"]] = {(u.start, u.end): u.ctx for u in units}
            t = texts[row["file"]]
            s, e = int(row["start"]), int(row["end"])
            ctx = ctxs[row["file"]].get((s, e), "operative")
            X.append(model_input(t[s:e], ctx))
            y.append(row["label"])
            groups.append(row["file"])
    with open(ROOT / "corpus/annotations/own_examples.tsv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            X.append(model_input(row["text"], row.get("ctx") or "operative"))
            y.append(row["label"])
            groups.append("own_examples")
    return X, y, groups


def load_dev():
    X, y = [], []
    gold_dir = SHARED / "gold"
    for g in sorted(gold_dir.glob("*.gold.json")):
        stem = g.name[: -len(".gold.json")]
        src = next((d / f"{stem}.txt" for d in (SHARED / "seeds", SHARED / "external-corpus") if (d / f"{stem}.txt").exists()), None)
        if src is None:
            continue
        gold = json.loads(g.read_text(encoding="utf-8"))["obligations"]
        t = _clean_text(src)
        units, _, _ = candidate_units(t, parse(t))
        for u in units:
            ut = t[u.start:u.end]
            best, lab = 0.0, "none"
            for o in gold:
                sc = _text_sim(o["text"], ut)
                if sc > best:
                    best, lab = sc, o["kind"]
            X.append(model_input(ut, u.ctx))
            y.append(lab if best >= 0.5 else "none")
    return X, y


def _segmented(s: str) -> str:
    """Words joined by underthesea ("cán_bộ công_chức"), for the segmentation experiment."""
    from underthesea import word_tokenize

    return word_tokenize(s.lower(), format="text")


def make_pipeline(segment: bool = False) -> Pipeline:
    word_pre = _segmented if segment else None

    feats = FeatureUnion([
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=40000,
                                 sublinear_tf=True)),
        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, max_features=20000,
                                 sublinear_tf=True, preprocessor=word_pre, token_pattern=r"(?u)\b\w+\b")),
    ])
    clf = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced", random_state=SEED)
    return Pipeline([("features", feats), ("clf", clf)])


def evaluate(pipe, X, y, name):
    t0 = time.perf_counter()
    pred = pipe.predict(X)
    dt = time.perf_counter() - t0
    labels = sorted(set(y) | set(pred))
    f1 = f1_score(y, pred, average="macro", labels=labels, zero_division=0)
    print(f"== {name}: n={len(y)} macro-F1={f1:.3f}  predict {dt / max(len(X), 1) * 1e3:.2f} ms/unit")
    print(classification_report(y, pred, labels=labels, zero_division=0, digits=3))
    return f1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--segment", action="store_true", help="also measure underthesea word segmentation")
    ap.add_argument("--e2e", action="store_true", help="also score the whole finder with and without the model")
    args = ap.parse_args()
    random.seed(SEED)
    np.random.seed(SEED)
    X, y, groups = load_annotations()
    Xd, yd = load_dev()
    print(f"train units {len(X)} from {len(set(groups))} sources; dev units {len(Xd)} (gold documents)")

    # by-document split of the annotated documents
    gss = GroupShuffleSplit(n_splits=1, test_size=0.25, random_state=SEED)
    tr, te = next(gss.split(X, y, groups))
    pipe = make_pipeline()
    pipe.fit([X[i] for i in tr], [y[i] for i in tr])
    evaluate(pipe, [X[i] for i in te], [y[i] for i in te], "annotated, held-out documents (25%)")

    if args.segment:
        pipe_s = make_pipeline(segment=True)
        pipe_s.fit([X[i] for i in tr], [y[i] for i in tr])
        evaluate(pipe_s, [X[i] for i in te], [y[i] for i in te], "annotated held-out, with underthesea segmentation")
        full_s = make_pipeline(segment=True).fit(X, y)
        evaluate(full_s, Xd, yd, "gold dev set, with underthesea segmentation")

    full = make_pipeline()
    full.fit(X, y)
    evaluate(full, Xd, yd, "gold dev set (never trained on)")
    out = ROOT / "models" / "obligations.joblib"
    joblib.dump(full, out, compress=3)
    print(f"saved {out} ({out.stat().st_size / 1e6:.2f} MB)")
    if args.e2e:
        end_to_end()


def end_to_end():
    """Obligations scores of the whole finder on the gold set, with and without the classifier."""
    from pipeline.evaluate import evaluate as run_eval
    from pipeline.find import obligations as O

    dirs = [SHARED / "seeds", SHARED / "external-corpus"]
    O._model.cache_clear()
    for name, off in (("rules + classifier", False), ("rules only", True)):
        if off:
            O._model.cache_clear()
            orig = O._model
            O._model = lambda: None  # noqa: E731
        r = run_eval(SHARED / "gold", dirs)["obligations"]
        if off:
            O._model = orig
        acc = {k: r[k]["accuracy"] for k in ("actors", "kind", "recurrence")}
        print(f"== end to end, {name}: units F1 {r['units']['f1']:.3f} (P {r['units']['precision']:.3f} "
              f"R {r['units']['recall']:.3f}), deadline F1 {r['deadline']['f1']:.3f}, {acc}")


if __name__ == "__main__":
    main()
