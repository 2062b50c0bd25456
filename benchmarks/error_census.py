"""Where the corrector loses errors: what is left after correction, and whether candidates held the truth.

    python -m benchmarks.error_census build/bench/pages/train build/bench/pages/train-extra \\
        --model build/corrector/a/lm.klm --confusions build/corrector/a/confusions.tsv \\
        --misread build/corrector/a/misread.tsv --sources rmrb_2019-02 rmrb_2020-02 xwlb_2024 xwlb_2025

Two tables, on training pages with cross-fit models (never on evaluation pages while developing):

* **census**: characters in error before and after correction per level, by kind — Han 1:1
  substitutions, runs of wrong Han characters, missing / extra Han, and the same for punctuation
  and mixed text (rapidfuzz Levenshtein opcodes of the whitespace-free texts);
* **coverage**: of the 1:1 Han substitutions of the reflowed OCR, the share whose truth is among
  the confusion candidates of the seen character, among the context candidates the corrector
  proposes, either, and the share the corrector fixed.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from tqdm import tqdm

from ocrfix.correction.corrector import Corrector
from ocrfix.correction.features import forward
from ocrfix.training.fit import page_pairs, page_source
from ocrfix.training.truth import position_truth
from ocrfix.normalize import fold_char, is_han
from ocrfix.text_reflow import reflow
from ocrfix.segment import segment
from ocrfix.textio import read_text


def error_kinds(hyp: str, gt: str) -> Counter[str]:
    """Characters in error of ``hyp`` against ``gt`` (whitespace ignored, widths folded), by kind."""
    a = "".join(fold_char(ch) for ch in hyp if not ch.isspace())
    b = "".join(fold_char(ch) for ch in gt if not ch.isspace())
    kinds: Counter[str] = Counter()
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b):
        if tag == "equal":
            continue
        seen, true = a[i1:i2], b[j1:j2]
        text = "Han" if all(is_han(ch) for ch in seen + true) else "punct/mixed"
        if tag == "replace" and len(seen) == len(true):
            kind = "1:1" if len(seen) == 1 else "run"
        else:
            kind = {"insert": "missing", "delete": "extra"}.get(tag, "length change")
        kinds[f"{text} {kind}"] += max(len(seen), len(true))
    return kinds


def coverage(corrector: Corrector, ocr: str, gt: str, fixed_at: set[int]) -> Counter[str]:
    """Counts of the 1:1 Han substitutions of ``ocr``: total, truth among confusion / context
    candidates / either, fixed (their offsets in ``fixed_at``)."""
    counts: Counter[str] = Counter()
    truth = position_truth(ocr, gt)
    for sentence in segment(ocr, corrector.inventory, corrector.keep):
        fwd = forward(corrector.lm, sentence.tokens)
        for k, offset in enumerate(sentence.offsets):
            seen, true = sentence.tokens[k], truth[offset]
            if true is None or not sentence.editable[k] or not is_han(true) or fold_char(seen) == true:
                continue
            table = {entry[0] for entry in corrector.candidates.table.get(seen, ())}
            site = corrector.candidates.site(corrector.candidates.table.get(seen, ()), sentence.tokens, fwd.logps, k) or ()
            context = {entry[0] for entry in site} - table
            counts["Han 1:1 substitutions"] += 1
            counts["truth among confusion candidates"] += true in table
            counts["truth among context candidates"] += true in context
            counts["truth among either"] += true in table or true in context
            counts["fixed"] += offset in fixed_at
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.error_census", description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=Path, nargs="+", help="training page directories")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--confusions", type=Path, nargs="+")
    parser.add_argument("--misread", type=Path)
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--sources", nargs="+", help="only pages typeset from these corpus files (the ones a cross-fit --model left out)")
    args = parser.parse_args(argv)
    corrector = Corrector(model=args.model, confusions=args.confusions, misread=args.misread, weights=args.weights)
    pairs = [p for p in page_pairs(*args.pages) if not args.sources or page_source(p[0]) in args.sources]
    census: dict[tuple[str, str], Counter[str]] = {}
    covered: Counter[str] = Counter()
    for ocr_path, gt_path in tqdm(pairs, desc="pages", file=sys.stderr):
        level = ocr_path.parent.name
        ocr, gt = reflow(read_text(ocr_path)), read_text(gt_path)
        result = corrector.correct(ocr, reflow=False)
        truth = position_truth(ocr, gt)
        fixed_at = {e.input_offset for e in result.edits if len(e.replacement) == 1 and truth[e.input_offset] == e.replacement}
        covered += coverage(corrector, ocr, gt, fixed_at)
        for when, text in (("before", ocr), ("after", result.text)):
            census.setdefault((level, when), Counter()).update(error_kinds(text, gt))
    print(f"pages: {len(pairs)}\n\n| level | errors before | after | by kind after (chars) |\n|---|---|---|---|")
    for level in sorted({lv for lv, _ in census}):
        before, after = census[level, "before"], census[level, "after"]
        kinds = ", ".join(f"{k} {n} ({n / max(1, sum(after.values())):.0%})" for k, n in after.most_common())
        print(f"| {level} | {sum(before.values()):,} | {sum(after.values()):,} | {kinds} |")
    total = max(1, covered["Han 1:1 substitutions"])
    print("\n| Han 1:1 substitutions of the OCR | count | share |\n|---|---|---|")
    for key in ("Han 1:1 substitutions", "truth among confusion candidates", "truth among context candidates",
                "truth among either", "fixed"):
        print(f"| {key} | {covered[key]:,} | {covered[key] / total:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
