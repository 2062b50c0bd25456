"""Does Tesseract's confidence help the corrector? A stacked decision measured on held-out pages.

The corrector is run with a low threshold so that it proposes more edits than it would make,
each with its calibrated probability ``p``. Two decisions are fitted on the training pages and
scored (CER with ``ocrfix.evaluate``) on the evaluation pages:

* control — ``p`` alone, with the threshold that is best on the training pages;
* with confidence — a logistic regression on ``logit(p)`` and the bin of ``c``, Tesseract's
  confidence of the character the edit replaces (``ocrfix.formats.char_confidences``), with
  its probability threshold likewise chosen on the training pages. Bins, not a linear term:
  the relation need not be monotonic (a very unsure character is usually wrong, but the
  proposed replacement is then often wrong too; an edit of a sure character is mostly a false
  alarm).

The default corrector (its own threshold) is reported as well. A second measurement works one
level down, on the corrector's candidate features (``Corrector.candidate_features``: every
single substitution its confusion sets propose, before decoding): average precision of a
logistic regression telling right candidates from wrong ones, with the corrector's own
features alone and with the confidence bins added (fitted on the training pages). Pages are the benchmark
generator's, read as hOCR through ``benchmarks.structured`` (cached Tesseract runs), reflowed
from geometry.

    OMP_THREAD_LIMIT=1 nice -n 5 python -m benchmarks.confidence [--limit N]   # N training pages per level
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

import numpy as np
from rapidfuzz.distance import Levenshtein
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from tqdm import tqdm

from benchmarks.structured import PAGES, nonspace, page_document
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import apply_changes
from ocrfix.evaluation import evaluate
from ocrfix.formats import char_confidences, reflow_document

LOW_THRESHOLD = 0.05


@dataclass
class PageEdits:
    name: str
    source: str  # reflowed OCR text the edits apply to
    gt: str
    edits: list  # ocrfix.correct Edit, proposed at LOW_THRESHOLD
    p: np.ndarray
    c: np.ndarray
    right: np.ndarray  # edit turns the OCR character into the ground-truth one


def _truth(source: str, gt: str) -> list[str | None]:
    """Ground-truth character aligned to each character of ``source`` (None: whitespace/extra)."""
    positions = [i for i, ch in enumerate(source) if not ch.isspace()]
    ocr, truth = nonspace(source), nonspace(gt)
    out: list[str | None] = [None] * len(source)
    for op in Levenshtein.opcodes(ocr, truth):
        if op.tag in ("equal", "replace"):
            for k in range(op.src_end - op.src_start):
                out[positions[op.src_start + k]] = truth[op.dest_start + k]
    return out


def logit(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.01, 0.99)
    return np.log(x / (1 - x))


def page_edits(corrector: Corrector, split: str, name: str) -> PageEdits:
    _, level, index = name.split("-")
    doc = page_document(name, split, level, int(index))
    flow = reflow_document(doc)
    confs = char_confidences(doc, flow.words)
    nonspace_index = {i: k for k, i in enumerate(i for i, ch in enumerate(flow.text) if not ch.isspace())}
    gt = (PAGES / split / level / f"{name}.gt.txt").read_text(encoding="utf-8")
    result = corrector.correct(flow.text, reflow=False)
    truth = _truth(result.source, gt)
    edits = [e for e in result.edits if len(e.original) == 1]  # substitutions carry a confidence
    c = [confs[nonspace_index[e.input_offset]] for e in edits]
    return PageEdits(
        name, result.source, gt, edits,
        np.array([e.gain for e in edits]), np.array([0.9 if v is None else v for v in c]),
        np.array([truth[e.input_offset] == e.replacement for e in edits], dtype=bool),
    )


def cer(pages: list[PageEdits], keep: list[np.ndarray]) -> tuple[float, int, int]:
    """Micro CER over pages after applying the kept edits; plus edits kept and right."""
    errors = chars = kept = right = 0
    for page, mask in zip(pages, keep):
        chosen = [e for e, m in zip(page.edits, mask) if m]
        text, _ = apply_changes(page.source, [(e.input_offset, e.original, e.replacement, e.gain, e.sources) for e in chosen])
        report = evaluate(page.gt, text)
        errors += report.counts.errors
        chars += report.counts.matched_gt_chars
        kept += int(mask.sum())
        right += int(page.right[mask].sum())
    return errors / max(chars, 1), kept, right


CONF_BINS = (0.9, 0.95, 0.98)  # ~10/50/90% quantiles of the edited characters' confidence (training pages)


def features(page: PageEdits) -> np.ndarray:
    """logit(p) and a one-hot bin of the confidence (the lowest bin is the reference)."""
    bins = np.digitize(page.c, CONF_BINS)
    onehot = np.eye(len(CONF_BINS) + 1)[bins][:, 1:] if len(page.c) else np.zeros((0, len(CONF_BINS)))
    return np.column_stack([logit(page.p), onehot]) if len(page.p) else np.zeros((0, 1 + len(CONF_BINS)))


def best_threshold(pages: list[PageEdits], scores: list[np.ndarray]) -> float:
    grid = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95]
    return min(grid, key=lambda t: cer(pages, [s >= t for s in scores])[0])


def collect(corrector: Corrector, split: str, limit: int | None) -> list[PageEdits]:
    names = sorted(p.name.removesuffix(".png") for p in (PAGES / split).glob("*/*.png"))
    by_level: dict[str, list[str]] = {}
    for name in names:
        by_level.setdefault(name.split("-")[1], []).append(name)
    todo = [n for level in sorted(by_level) for n in by_level[level][:limit]]
    return [page_edits(corrector, split, n) for n in tqdm(todo, desc=split, file=sys.stderr)]


def candidate_rows(corrector: Corrector, pages: list[PageEdits], split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Corrector features, confidence bins and labels of every candidate substitution on ``pages``."""
    feats, bins, labels = [], [], []
    for page in pages:
        _, level, index = page.name.split("-")
        doc = page_document(page.name, split, level, int(index))
        flow = reflow_document(doc)
        confs = char_confidences(doc, flow.words)
        nonspace_index = {i: k for k, i in enumerate(i for i, ch in enumerate(flow.text) if not ch.isspace())}
        truth = _truth(flow.text, page.gt)
        for offsets, cands, matrix in corrector.candidate_features(flow.text):
            c = np.array([confs[nonspace_index[o]] or 0.9 for o in offsets])
            feats.append(matrix)
            bins.append(np.eye(len(CONF_BINS) + 1)[np.digitize(c, CONF_BINS)][:, 1:])
            labels.append(np.array([truth[o] == cand.char for o, cand in zip(offsets, cands)], dtype=bool))
    return np.vstack(feats), np.vstack(bins), np.concatenate(labels)


def candidate_ranking(corrector: Corrector, train: list[PageEdits], test: list[PageEdits], splits: tuple[str, str]) -> None:
    x_tr, b_tr, y_tr = candidate_rows(corrector, train, splits[0])
    x_te, b_te, y_te = candidate_rows(corrector, test, splits[1])
    for label, a, b in [("corrector features", x_tr, x_te), ("+ confidence bins", np.hstack([x_tr, b_tr]), np.hstack([x_te, b_te]))]:
        model = LogisticRegression(max_iter=2000, class_weight="balanced").fit(a, y_tr)
        ap = average_precision_score(y_te, model.predict_proba(b)[:, 1])
        print(f"candidates {label:<20} average precision {ap:.3f} (test: {len(y_te)} candidates, {int(y_te.sum())} right)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", default="train")
    parser.add_argument("--test", default="eval")
    parser.add_argument("--limit", type=int, default=None, help="training pages per level")
    args = parser.parse_args(argv)
    corrector = Corrector(threshold=LOW_THRESHOLD)
    default = Corrector().threshold
    train, test = collect(corrector, args.train, args.limit), collect(corrector, args.test, None)
    x = np.vstack([features(p) for p in train])
    y = np.concatenate([p.right for p in train])
    model = LogisticRegression().fit(x, y)
    stacked = lambda pages: [model.predict_proba(features(p))[:, 1] if len(p.p) else p.p for p in pages]  # noqa: E731
    t_p = best_threshold(train, [p.p for p in train])
    t_s = best_threshold(train, stacked(train))
    base = cer(test, [np.zeros(len(p.p), bool) for p in test])
    print(f"train pages {len(train)} ({len(y)} proposed edits, {int(y.sum())} right); test pages {len(test)}")
    bins = " ".join(f"c>={b}: {w:+.2f}" for b, w in zip(CONF_BINS, model.coef_[0][1:]))
    print(f"stacker: logit(p) {model.coef_[0][0]:+.3f}, {bins} (vs c<{CONF_BINS[0]}), intercept {model.intercept_[0]:+.3f}")
    print(f"OCR (reflowed)                CER {base[0]:.5f}")
    for label, scores, t in [("corrector default", [p.p for p in test], default),
                             ("p alone, tuned", [p.p for p in test], t_p),
                             ("p + OCR confidence", stacked(test), t_s)]:
        rate, kept, right = cer(test, [s >= t for s in scores])
        print(f"{label:<22} t={t:<5} CER {rate:.5f} (rel. {(base[0] - rate) / base[0]:+.1%}); edits {kept}, right {right}")
    candidate_ranking(Corrector(), train, test, (args.train, args.test))
    return 0


if __name__ == "__main__":
    sys.exit(main())
