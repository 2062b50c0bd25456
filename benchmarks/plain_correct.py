"""``ocrfix correct`` on the plain text of whole pages: errors before and after, block-robust.

    python -m benchmarks.plain_correct DIR [DIR ...] [--profile tesseract]

Each page of a directory (``NAME.gt.json`` beside ``NAME.gt.txt`` and the engine's plain text
``NAME.txt``, as :mod:`benchmarks.newspage` writes them) is corrected as ``ocrfix correct`` corrects
plain text (:meth:`ocrfix.Corrector.correct`, the reflow included). Its reflowed text
(``Result.source``) and the correction (``Result.text``) are each scored against the ground truth
by ``ocrfix eval``'s block-robust alignment (:func:`ocrfix.evaluate`): errors are counted over the
ground-truth characters the alignment finds, so a better order of the page's stories (more text
found in place) shows as more characters matched, not as fewer errors. One line a directory.
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

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


def directory_counts(corrector: "Corrector", directory: Path) -> Counter[str]:
    """:func:`page_counts` summed over the pages of ``directory`` (those with a ``.gt.json``)."""
    total: Counter[str] = Counter()
    for path in sorted(directory.glob("*.gt.json")):
        base = str(path)[:-len(".gt.json")]
        total += page_counts(corrector, read_text(base + ".gt.txt"), read_text(base + ".txt"))
    return total


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
    args = parser.parse_args(argv)
    from ocrfix import Corrector

    corrector = Corrector(profile=args.profile)
    for directory in args.dirs:
        print(line(directory, directory_counts(corrector, Path(directory))), flush=True)


if __name__ == "__main__":
    main()
