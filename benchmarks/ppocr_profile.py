"""The ``ppocr`` profile's settings, fitted on RapidOCR training pages (never on evaluation pages).

    python -m benchmarks.ppocr_profile stages  [--pages build/bench/pages/rapid-train] [--profile ppocr]
    python -m benchmarks.ppocr_profile margins [--pages build/bench/pages/rapid-train]
    python -m benchmarks.ppocr_profile marks   [--pages build/bench/pages/rapid-train] [--profile ppocr]

``stages``: the pages corrected with a profile (by default ``ppocr`` with every symbol rule on),
then each stage's edits replayed alone on the reflowed OCR (each symbol rule, the line-end marks,
the variant stage, the decoder): errors fixed and introduced per stage (``ocrfix.evaluate``
against the GT). A rule the profile keeps should fix more than it introduces there.
``margins``: the marks put back at wrapped line ends alone, per margin (log10 gain), in every
block (as the profile does): marks inserted, errors fixed and introduced.
``marks``: the mark channel (:mod:`ocrfix.correction.mark_channel`) cross-fitted in two folds
(odd and even pages): learned on one fold (``ocrfix confusions marks``), the profile with and
without it measured on the other; errors fixed and introduced summed over both folds.
"""
from __future__ import annotations

import argparse
import copy
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from ocrfix import evaluate
from ocrfix.correction import line_marks
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.edits import apply_changes
from ocrfix.correction.mark_channel import MIN_MARGIN
from ocrfix.correction.rules import RULES
from ocrfix.profiles import load_profile
from ocrfix.segment import protected_mask
from ocrfix.settings import load_settings
from ocrfix.text_reflow import reflow
from ocrfix.training.confusions.marks import learn_mark_channel
from ocrfix.training.fit import page_pairs
from ocrfix.textio import read_text

MARGINS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0)


def _counts(gt: str, hyp: str, ocr: str) -> Counter[str]:
    report = evaluate(gt, hyp, ocr=ocr).to_dict()
    return Counter(fixed=report["errors_fixed"], introduced=report["errors_introduced"])


def stage_counts(corrector: Corrector, pairs: Sequence[tuple[Path, Path]]) -> dict[str, Counter[str]]:
    """Per stage (an edit's first source: ``rule:NAME``, or ``decoder`` for the LM decoder's):
    edits, and errors fixed and introduced when only that stage's edits are applied."""
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for ocr_path, gt_path in tqdm(pairs, desc="pages", unit="page", file=sys.stderr):
        ocr, gt = read_text(ocr_path), read_text(gt_path)
        result = corrector.correct(ocr)
        by_stage = defaultdict(list)
        for edit in result.edits:
            stage = edit.sources[0] if edit.sources[0].startswith("rule:") else "decoder"
            by_stage[stage].append((edit.input_offset, edit.original, edit.replacement, edit.gain, edit.sources))
        by_stage["all"] = [change for changes in by_stage.values() for change in changes]
        for stage, changes in by_stage.items():
            totals[stage] += _counts(gt, apply_changes(result.source, changes)[0], ocr) + Counter(edits=len(changes))
        totals["all"]["ocr_errors"] += evaluate(gt, result.source, ocr=ocr).to_dict()["ocr_errors"]
    return totals


def margin_counts(pairs: Sequence[tuple[Path, Path]], margins: Sequence[float]) -> dict[float, Counter[str]]:
    """Per margin: line-end marks inserted in every block, errors fixed and introduced by them alone."""
    lm = Corrector(rules=False).lm
    totals: dict[float, Counter[str]] = defaultdict(Counter)
    for ocr_path, gt_path in tqdm(pairs, desc="pages", unit="page", file=sys.stderr):
        ocr, gt = read_text(ocr_path), read_text(gt_path)
        text = reflow(ocr)
        joins = line_marks.wrapped_line_ends(ocr, text)
        protected = protected_mask(text)
        for margin in margins:
            changes = line_marks.line_end_changes(text, joins, lm, protected, margin)
            totals[margin] += _counts(gt, apply_changes(text, changes)[0], ocr) + Counter(inserted=len(changes))
    return totals


def mark_folds(profile: str, pairs: Sequence[tuple[Path, Path]]) -> tuple[dict[str, Counter[str]], list[list[str]]]:
    """Per corrector (the profile without / with a mark channel learned on the other fold): errors
    fixed and introduced over both folds; and each fold's kept pairs."""
    texts = [(read_text(ocr), read_text(gt)) for ocr, gt in pairs]
    without = Corrector(profile=replace(load_profile(profile, load_settings().models_dir), marks=None))
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    kept = []
    for fold in (0, 1):
        held = [t for k, t in enumerate(texts) if k % 2 == fold]
        channel = learn_mark_channel([t for k, t in enumerate(texts) if k % 2 != fold], without.lm, MIN_MARGIN)
        kept.append([f"{ocr}→{true}" for ocr, true in sorted(channel.pairs)])
        for name, corrector in (("without", without), ("with the mark channel", copy.copy(without))):
            if name != "without":
                corrector.marks = channel
            for ocr, gt in tqdm(held, desc=f"fold {fold}, {name}", unit="page", file=sys.stderr):
                totals[name] += _counts(gt, corrector.correct(ocr).text, ocr)
    return totals, kept


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ppocr_profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("stages", "margins", "marks"))
    parser.add_argument("--pages", type=Path, nargs="+",
                        default=[load_settings().build_dir / "bench" / "pages" / "rapid-train"])
    parser.add_argument("--profile", default="ppocr",
                        help="stages: the profile (all symbol rules switched on); marks: the profile")
    args = parser.parse_args(argv)
    pairs = page_pairs(*args.pages)  # refuses held-out pages
    print(f"{len(pairs)} page pairs under {', '.join(map(str, args.pages))}")
    if args.command == "stages":
        profile = replace(load_profile(args.profile, load_settings().models_dir), rules=tuple(r.name for r in RULES))
        totals = stage_counts(Corrector(profile=profile), pairs)
        print(f"OCR errors: {totals['all']['ocr_errors']}")
        print("| stage | edits | errors fixed | introduced |")
        print("|---|---|---|---|")
        for stage in sorted(totals, key=lambda s: (s == "all", -totals[s]["edits"], s)):
            t = totals[stage]
            print(f"| {stage} | {t['edits']} | {t['fixed']} | {t['introduced']} |")
    elif args.command == "marks":
        totals, kept = mark_folds(args.profile, pairs)
        for fold, names in enumerate(kept):
            print(f"fold {fold}: pairs kept from the other fold: {', '.join(names) or 'none'}")
        print("| corrector | errors fixed | introduced |")
        print("|---|---|---|")
        for name, t in totals.items():
            print(f"| {args.profile}, {name} | {t['fixed']} | {t['introduced']} |")
    else:
        print("| margin | marks inserted | errors fixed | introduced |")
        print("|---|---|---|---|")
        for margin, t in margin_counts(pairs, MARGINS).items():
            print(f"| {margin} | {t['inserted']} | {t['fixed']} | {t['introduced']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
