"""Fitting a :class:`~ocrfix.quality.QualityModel`: pages' signs against their true CER.

Fit on pages whose text the LM never saw (an LM trained without their sources): a page of text the LM was
trained on reads as far more probable than an archive's page would, and a model fitted on such pages would
call every new page worse than it is.
"""
from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from ..cli.correct import add_model_arguments
from ..errors import InputError
from ..options import CorrectOptions
from ..quality import PageSigns, QualityModel
from ..textio import read_text, write_text_atomic
from .fit import page_pairs

#: CER added before the log: pages under it count as about equally clean.
OFFSET = 0.002
#: The signs weighed.
SIGNS = ("logp", "log_surprise", "log_edits")
FOLDS = 5


def _target(cer: float, offset: float) -> float:
    return math.log10(cer + offset)


def _fit(rows: Sequence[Sequence[float]], targets: Sequence[float]):
    from sklearn.linear_model import HuberRegressor

    return HuberRegressor(max_iter=1000).fit(rows, targets)


def fit_quality(signs: Sequence[PageSigns], cers: Sequence[float], offset: float = OFFSET, folds: int = FOLDS,
                min_tokens: int = 50, seed: int = 0) -> QualityModel:
    """A quality model of log10(CER + ``offset``) fitted on pages' ``signs`` and true ``cers`` (a robust
    linear fit: Huber's loss, so a few pages the engine lost whole do not set the slope), its range the
    10th and 90th percentiles of the residuals out of fold (``folds``-fold, shuffled by ``seed``)."""
    import numpy as np
    from sklearn.model_selection import KFold

    kept = [(s, c) for s, c in zip(signs, cers) if s.tokens >= min_tokens]
    if len(kept) < 2 * folds:
        raise ValueError(f"too few pages to fit a quality model on ({len(kept)}; {2 * folds} or more of {min_tokens}+ tokens)")
    x = np.array([[s.values()[name] for name in SIGNS] for s, _ in kept])
    y = np.array([_target(c, offset) for _, c in kept])
    residuals = np.empty_like(y)
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(x):
        residuals[test] = y[test] - _fit(x[train], y[train]).predict(x[test])
    model = _fit(x, y)
    low, high = np.percentile(residuals, [10, 90])
    return QualityModel({name: round(float(w), 5) for name, w in zip(SIGNS, model.coef_)}, round(float(model.intercept_), 5),
                        offset, (round(float(low), 4), round(float(high), 4)), min_tokens)


class PageTruth(NamedTuple):
    """A page with ground truth, as a quality model is fitted on it."""

    signs: PageSigns
    cer: float  # of its OCR, reflowed
    corrected_cer: float  # of the corrector's output


def page_truths(pairs: Sequence[tuple[Path, Path]], options: CorrectOptions) -> list[PageTruth]:
    """The signs of each OCR page of ``pairs`` (OCR, GT) as ``ocrfix correct`` with ``options`` reads it (its
    profile picked as there; any input format), and the CER of its OCR, reflowed, and of its correction
    against its GT (:func:`ocrfix.evaluate`'s: matched text, whitespace ignored)."""
    from ..batch import correct_bytes, init_worker
    from ..correction.edits import replay
    from ..evaluation import evaluate

    init_worker(options)
    found = []
    for ocr_path, gt_path in pairs:
        done = correct_bytes(ocr_path.read_bytes(), str(ocr_path), signs=True)
        gt = read_text(gt_path)
        found.append(PageTruth(done.signs, evaluate(gt, done.source).cer, evaluate(gt, replay(done.source, done.edits)).cer))
    return found


EXAMPLES = """examples:
  ocrfix train quality my-pages/ -o my-quality.json --profile profiles/mine
  ocrfix train quality --fold foldA.klm pages/foldA --fold foldB.klm pages/foldB -o models/quality.json"""


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Fit the model that estimates a page's OCR CER, and its CER after "
                                     "correction, from the LM's reading of it (ocrfix correct --stats, --quality) on OCR/GT page pairs.",
                                     epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", type=Path, metavar="DIR",
                        help="directories of NAME.ocr.txt + NAME.gt.txt pairs, read with --model")
    parser.add_argument("--fold", nargs=2, action="append", default=[], metavar=("LM", "DIR"),
                        help="pairs under DIR read with LM, an LM that never saw their text (repeatable): "
                             "pages of the LM's own training text read as far cleaner than an archive's would")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="Q.json", help="the model file to write")
    add_model_arguments(parser)  # the corrector's, as ocrfix correct takes them; --model: the LM the model is for
    return parser


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    from ..settings import load_settings

    args = build_parser(prog).parse_args(argv)
    if not args.pages and not args.fold:
        raise InputError("give directories of page pairs, or --fold LM DIR")
    models_dir = load_settings().models_dir
    lm = Path(args.model) if args.model else load_settings().default_lm
    options = CorrectOptions(model=args.model, confusions=tuple(args.confusions) if args.confusions else None,
                             weights=args.weights, misread=args.misread, profile=args.profile)
    truths = page_truths(page_pairs(*args.pages), options) if args.pages else []
    for fold_lm, directory in args.fold:
        truths += page_truths(page_pairs(Path(directory)), replace(options, model=fold_lm))
    signs = [t.signs for t in truths]
    try:
        model = replace(fit_quality(signs, [t.cer for t in truths]), corrected=fit_quality(signs, [t.corrected_cer for t in truths]))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    named = lm.resolve().relative_to(models_dir.resolve()) if lm.resolve().is_relative_to(models_dir.resolve()) else lm.resolve()
    model = replace(model, lm=str(named))
    write_text_atomic(args.output, model.to_json(pages=len(truths)))
    for name, fitted in (("CER", model), ("corrected CER", model.corrected)):
        print(f"{args.output}: fitted on {len(truths):,} pages; log10({name} + {fitted.offset}) = {fitted.intercept:+.3f} "
              + " ".join(f"{w:+.3f} x {sign}" for sign, w in fitted.weights.items())
              + f"; 80 % of the pages out of fold within {fitted.spread[0]:+.3f} .. {fitted.spread[1]:+.3f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
