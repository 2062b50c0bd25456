"""Measure the corrector on pages with ground truth (use TRAINING pages while developing).

    python -m ocrfix train measure build/bench/pages/train [--threshold 0.8 0.9 ...] [--no-rules]

For each threshold: errors of the reflowed OCR and of the corrected text (``ocrfix.evaluate``),
errors fixed / introduced, characters changed on the clean ground truth, and speed. Evaluation
pages are for ``python -m benchmarks.run`` only; do not tune on them.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from tqdm import tqdm

from ..evaluation import evaluate
from ..textio import read_text
from ..correction.corrector import MAX_EDITS, Corrector
from ..correction.edits import apply_changes
from ..correction.rules import RULES, rule_changes
from .fit import page_pairs, page_source


def measure(corrector: Corrector, pairs: list[tuple[Path, Path]]) -> dict[str, float]:
    from ..text_reflow import reflow

    ocr_errors = errors = fixed = introduced = matched = clean_changed = clean_chars = 0
    speeds = []
    for ocr_path, gt_path in tqdm(pairs, desc=f"t={corrector.threshold}", file=sys.stderr):
        ocr, gt = reflow(read_text(ocr_path)), read_text(gt_path)
        start = time.perf_counter()
        result = corrector.correct(ocr, reflow=False)
        speeds.append(len(ocr) / max(time.perf_counter() - start, 1e-9))
        report = evaluate(gt, result.text, ocr)
        ocr_errors += report.ocr_counts.errors
        errors += report.counts.errors
        matched += report.counts.matched_gt_chars
        fixed += report.correction.errors_fixed
        introduced += report.correction.errors_introduced
        clean = corrector.correct(gt, reflow=False)
        clean_changed += sum(max(len(e.original), len(e.replacement)) for e in clean.edits)
        clean_chars += len(gt)
    return {
        "threshold": corrector.threshold, "pages": len(pairs), "matched_gt_chars": matched,
        "ocr_errors": ocr_errors, "errors": errors,
        "cer_before": round(ocr_errors / max(matched, 1), 5), "cer_after": round(errors / max(matched, 1), 5),
        "cer_reduction": round(1 - errors / max(ocr_errors, 1), 4),
        "fixed": fixed, "introduced": introduced,
        "clean_changed": clean_changed, "clean_chars": clean_chars,
        "median_chars_per_s": round(statistics.median(speeds)),
    }


def measure_rules(corrector: Corrector, pairs: list[tuple[Path, Path]]) -> list[dict[str, object]]:
    """Per symbol rule, applied alone to the reflowed OCR: fires, errors fixed / introduced, fires on clean GT."""
    from ..text_reflow import reflow

    texts = [(reflow(read_text(o)), read_text(g)) for o, g in pairs]
    rows = []
    for rule in RULES:
        fired = fixed = introduced = clean = 0
        for ocr, gt in texts:
            changes = rule_changes(ocr, (rule,), corrector.lm, wrapped=True)
            report = evaluate(gt, apply_changes(ocr, changes)[0], ocr)
            fired += len(changes)
            fixed += report.correction.errors_fixed
            introduced += report.correction.errors_introduced
            clean += len(rule_changes(gt, (rule,), corrector.lm, wrapped=True))
        rows.append({"rule": rule.name, "fired": fired, "fixed": fixed, "introduced": introduced, "clean_fired": clean})
    return rows


EXAMPLES = """examples:
  ocrfix train measure build/bench/pages/train --threshold 0.5 0.8 0.95
  ocrfix train measure build/bench/pages/train --model build/corrector/a/lm.klm --confusions build/corrector/a/confusions.tsv --sources rmrb_2019-02 xwlb_2024
  ocrfix train measure build/bench/pages/train --per-rule --limit 20"""


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog or "python -m ocrfix train measure", description=__doc__.split("\n\n")[0],
                                     epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", type=Path, nargs="+", help="training page directories")
    parser.add_argument("--threshold", type=float, nargs="*", default=[None],
                        help="measure at each of these thresholds (default: the weights' own)")
    parser.add_argument("--weights", type=Path, help="weights JSON (default: the shipped models/corrector.json)")
    parser.add_argument("--model", type=Path, help="LM (default: the shipped one; a cross-fit fold's lm.klm for its pages)")
    parser.add_argument("--confusions", type=Path, nargs="+", help="confusion TSV(s) (default: the shipped default set)")
    parser.add_argument("--misread", type=Path, help="misread rates (default: the shipped ones)")
    parser.add_argument("--no-rules", action="store_true", help="without the symbol rules")
    parser.add_argument("--max-edits", type=int, default=MAX_EDITS,
                        help="edits per sentence at most (longer sentences: one per TOKENS_PER_EDIT tokens if more)")
    parser.add_argument("--per-rule", action="store_true", help="measure each symbol rule alone instead")
    parser.add_argument("--limit", type=int, help="first N pages only")
    parser.add_argument("--sources", nargs="+", help="only pages typeset from these corpus files (e.g. the ones a cross-fit --model left out)")
    return parser


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    args = build_parser(prog).parse_args(argv)
    pairs = [p for p in page_pairs(*args.pages) if not args.sources or page_source(p[0]) in args.sources][: args.limit]
    corrector = Corrector(model=args.model, confusions=args.confusions, weights=args.weights, rules=not args.no_rules,
                          max_edits=args.max_edits, misread=args.misread)
    if args.per_rule:
        for row in measure_rules(corrector, pairs):
            print(json.dumps(row))
        return 0
    default = corrector.threshold
    for threshold in args.threshold:
        corrector.threshold = default if threshold is None else threshold
        print(json.dumps(measure(corrector, pairs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
