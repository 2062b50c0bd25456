"""``ocrfix correct`` on the plain text of whole pages: errors before and after, block-robust.

    python -m benchmarks.plain_correct DIR [DIR ...] [--profile tesseract]
    python -m benchmarks.plain_correct --speed DIR [DIR ...]   # the column order's share of correct

Each page of a directory (``NAME.gt.json`` beside ``NAME.gt.txt`` and the engine's plain text
``NAME.txt``, as :mod:`benchmarks.newspage` writes them) is corrected as ``ocrfix correct`` corrects
plain text (:meth:`ocrfix.Corrector.correct`, the reflow included). Its reflowed text
(``Result.source``) and the correction (``Result.text``) are each scored against the ground truth
by ``ocrfix eval``'s block-robust alignment (:func:`ocrfix.evaluate`): errors are counted over the
ground-truth characters the alignment finds, so a better order of the page's stories (more text
found in place) shows as more characters matched, not as fewer errors. One line a directory.

``--speed``: the CPU time of the column order (:func:`ocrfix.column_order.column_stories`, which
``correct`` runs first on plain text) and of the whole ``correct`` of each page of all the
directories, medians of three runs a page, and the one's share of the other.
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from statistics import median
from time import process_time
from typing import TYPE_CHECKING, Sequence

from ocrfix.column_order import column_stories
from ocrfix.evaluation import evaluate
from ocrfix.textio import read_text

if TYPE_CHECKING:
    from ocrfix import Corrector


def page_counts(corrector: "Corrector", gt: str, text: str) -> Counter[str]:
    """``gt chars``, ``matched`` / ``matched after`` and ``errors`` / ``errors after`` of one page's
    reflowed ``text`` and its correction."""
    result = corrector.correct(text)
    before, after = evaluate(gt, result.source), evaluate(gt, result.text)
    return Counter({"gt chars": before.gt_chars, "matched": before.counts.matched_gt_chars,
                    "matched after": after.counts.matched_gt_chars, "errors": before.counts.errors,
                    "errors after": after.counts.errors})


def pages(directory: Path) -> list[str]:
    """The pages of ``directory``: the path of each without its ending (those with a ``.gt.json``)."""
    return [str(path)[:-len(".gt.json")] for path in sorted(directory.glob("*.gt.json"))]


def directory_counts(corrector: "Corrector", directory: Path) -> Counter[str]:
    """:func:`page_counts` summed over the :func:`pages` of ``directory``."""
    total: Counter[str] = Counter()
    for base in pages(directory):
        total += page_counts(corrector, read_text(base + ".gt.txt"), read_text(base + ".txt"))
    return total


def column_order_time(corrector: "Corrector", texts: Sequence[str], runs: int = 3) -> tuple[float, float]:
    """CPU seconds a page of the column order of ``texts`` and of their whole correction (which
    includes it): the median of ``runs`` runs of each page, averaged over the pages."""
    stage = full = 0.0
    for text in texts:
        timed = []
        for _ in range(runs):
            start = process_time()
            column_stories(text, corrector.lm)
            ordered = process_time()
            corrector.correct(text)
            timed.append((ordered - start, process_time() - ordered))
        stage += median(t for t, _ in timed)
        full += median(t for _, t in timed)
    return stage / len(texts), full / len(texts)


def line(directory: str, counts: Counter[str]) -> str:
    """One directory's figures, the change in errors as a percentage."""
    change = 100 * (counts["errors after"] / counts["errors"] - 1) if counts["errors"] else 0.0
    return (f"{directory}: {counts['gt chars']:,} GT chars, {counts['matched']:,} matched "
            f"({counts['matched after']:,} after correction); errors of the reflowed text {counts['errors']:,}, "
            f"after correction {counts['errors after']:,} ({change:+.1f} %)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plain_correct", description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="+", help="directories of whole pages (NAME.txt, NAME.gt.txt, NAME.gt.json)")
    parser.add_argument("--profile", default="tesseract", help="the engine profile (default: tesseract)")
    parser.add_argument("--speed", action="store_true",
                        help="instead: the column order's CPU time against correct's, on the pages of all DIRs")
    args = parser.parse_args(argv)
    from ocrfix import Corrector

    corrector = Corrector(profile=args.profile)
    if args.speed:
        texts = [read_text(base + ".txt") for directory in args.dirs for base in pages(Path(directory))]
        stage, full = column_order_time(corrector, texts)
        print(f"{len(texts)} pages: column_stories {stage:.4f} s a page, correct {full:.4f} s a page: "
              f"{100 * stage / full:.1f} % of correct")
        return
    for directory in args.dirs:
        print(line(directory, directory_counts(corrector, Path(directory))), flush=True)


if __name__ == "__main__":
    main()
