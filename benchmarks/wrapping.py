"""Which texts the plain reflow reads as column-wrapped and which as a paragraph per line.

For each group of files (a glob), the share of each text's lines that end a sentence and the
share as wide as their column (``ocrfix.text_reflow.wrapping``), their ranges over the group, and
how many texts read as unwrapped (every sentence end and blank line then ends a paragraph).

    python -m benchmarks.wrapping 'build/bench/pages/train/*/*.ocr.txt' 'build/bench/pages/train/*/*.gt.txt' ...
"""
from __future__ import annotations

import argparse
import glob

from ocrfix.text_reflow import wrapping
from ocrfix.textio import read_text


def group_row(pattern: str) -> str:
    """One Markdown table row for the files matching ``pattern``."""
    found = [wrapping(read_text(path)) for path in sorted(glob.glob(pattern))]
    found = [w for w in found if w.lines]
    if not found:
        return f"| `{pattern}` | 0 | | | |"
    ends = sorted(w.sentence_ends for w in found)
    width = sorted(w.at_width for w in found)
    return (f"| `{pattern}` | {len(found)} | {ends[0]:.0%}–{ends[-1]:.0%} | {width[0]:.0%}–{width[-1]:.0%} | "
            f"{sum(w.unwrapped for w in found)} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.wrapping", description=__doc__.split("\n\n")[0])
    parser.add_argument("patterns", nargs="+", help="file globs, one group each (quote them)")
    args = parser.parse_args(argv)
    print("| files | texts | lines ending a sentence | lines at the column's width | read as unwrapped |")
    print("|---|---|---|---|---|")
    for pattern in args.patterns:
        print(group_row(pattern))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
