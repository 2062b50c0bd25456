"""A sentence test set split by whether its ground truth is also a ground truth of the training file.

FASPell's test file repeats the ground truth of its training file in 583 of its 1,000 lines (443 of
its 833 distinct captions: one caption read in many video frames). A profile fitted on the
training file has learned those lines' confusions and, with ``--domain-lm``, their text: this
scores the two parts apart (char P / R / F1 as ``benchmarks.run``), so that the gain on text the
fit never saw is not hidden in the whole set's figure.

    python -m benchmarks.seen_text --profile DIR [--profile DIR ...] [--set faspell|sighan15]
"""
from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from pathlib import Path

from ocrfix.settings import load_settings

from . import sets
from .run import load_groups
from .score import Item, Tally, run_group
from .systems import build

#: Per set, its training files' ground truths (FASPell: the third field; SIGHAN: the correct sides).
TRAINING = {
    "faspell": lambda data: [row[2] for row in sets._fields(data / "faspell_ocr" / "ocr_train_3575.txt", 3)],
    "sighan15": lambda data: [line for name in ("train13", "train14", "train15") for line in sets._lines(
        data / "sighan_csc_simplified" / "pairs_onebula" / f"{name}_correct.txt")],
}


def split(items: Sequence[Item], training: Iterable[str]) -> dict[str, list[Item]]:
    """``items`` whose gold (stripped) is a line of ``training`` ("seen") and the others ("unseen")."""
    seen = {line.strip() for line in training}
    return {"seen": [i for i in items if i.gold.strip() in seen], "unseen": [i for i in items if i.gold.strip() not in seen]}


def scores(tally: Tally) -> str:
    precision, recall = tally.fixed / max(1, tally.edits), tally.fixed / max(1, tally.ocr_errors)
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return f"P {precision:.3f}, R {recall:.3f}, F1 {f1:.3f} ({tally.fixed} / {tally.introduced})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.seen_text", description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", action="append", required=True, metavar="DIR", help="a profile (repeatable)")
    parser.add_argument("--set", choices=sorted(TRAINING), default="faspell")
    args = parser.parse_args(argv)
    data = load_settings().data_dir
    items = load_groups([args.set], False, Path("build/bench/pages"))[args.set]
    parts = split(items, TRAINING[args.set](data))
    print(f"| profile | all {len(items)} lines | ground truth in the training file ({len(parts['seen'])}) "
          f"| not in it ({len(parts['unseen'])}) |\n|---|---|---|---|")
    for profile in args.profile:
        system = build(f"ocrfix:{profile}")
        tallies = {name: run_group(system, part, name) for name, part in parts.items()}
        print(f"| {profile} | {scores(tallies['seen'] + tallies['unseen'])} | {scores(tallies['seen'])} "
              f"| {scores(tallies['unseen'])} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
