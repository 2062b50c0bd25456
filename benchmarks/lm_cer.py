"""The corrector's CER reduction with only the language model swapped (issue 3's LM table).

    python -m benchmarks.lm_cer build/lm/sweep/o6_p001112.klm build/lm/sweep/o4_p0011.klm ...

Runs the shipped corrector (weights, confusion sets, threshold) with each model on the generated
evaluation pages and sums errors over all pages (``ocrfix.evaluate`` three-way counts).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ocrfix.correction.corrector import Corrector
from ocrfix.evaluation import evaluate

PAGES = Path("build/bench/pages/eval")


def lm_cer(model: Path, pages: list[Path]) -> dict:
    corrector = Corrector(model=str(model))
    ocr_errors = hyp_errors = matched = 0
    for page in pages:
        ocr = page.read_text(encoding="utf-8")
        gt = page.with_name(page.name.replace(".ocr.", ".gt.")).read_text(encoding="utf-8")
        report = evaluate(gt, corrector.correct(ocr).text, ocr)
        hyp_errors += report.counts.errors
        ocr_errors += report.ocr_counts.errors
        matched += report.counts.matched_gt_chars
    return {"model": str(model), "size_mb": round(model.stat().st_size / 1e6, 1), "ocr_errors": ocr_errors,
            "hyp_errors": hyp_errors, "matched_gt_chars": matched, "reduction": round((ocr_errors - hyp_errors) / ocr_errors, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path)
    parser.add_argument("--pages", type=Path, default=PAGES, help="root of the evaluation pages (l*/NAME.ocr.txt)")
    args = parser.parse_args()
    pages = sorted(args.pages.glob("l*/*.ocr.txt"))
    for model in args.models:
        print(json.dumps(lm_cer(model, pages)), flush=True)


if __name__ == "__main__":
    main()
