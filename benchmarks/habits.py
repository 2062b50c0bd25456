"""The engine habit table (:mod:`ocrfix.engine_habits`): fitted on each engine's training pages,
and the profile it picks for each page of other page sets.

    python -m benchmarks.habits fit --profile tesseract build/bench/pages/train \\
        --profile ppocr build/bench/pages/rapid-train -o models/profiles/habits.json
    python -m benchmarks.habits picks build/bench/pages/eval build/bench/pages/rapid-eval ... [--habits FILE]

``fit`` counts the habits of every ``*.ocr.txt`` under each directory (the OCR as the engine wrote
it) and writes the table with its build manifest. ``picks`` prints, for each directory, how many
pages keep the default profile and how many each other profile takes, with the log-odds of the
pages that took it.
"""
from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from pathlib import Path
from statistics import median
from typing import Sequence

from ocrfix.engine_habits import ODDS, HabitModel, load_habits
from ocrfix.profiles import DEFAULT_PROFILE, HABITS_FILE, profiles_dir
from ocrfix.settings import load_settings
from ocrfix.textio import read_text, write_text_atomic
from ocrfix.training.manifest import write_manifest


def ocr_texts(directory: Path) -> list[str]:
    return [read_text(path) for path in sorted(directory.rglob("*.ocr.txt"))]


def fit(args: argparse.Namespace) -> None:
    texts = {name: [t for d in dirs for t in ocr_texts(Path(d))] for name, dirs in _grouped(args.profile).items()}
    model = HabitModel.fit(texts, math.log(args.odds))
    write_text_atomic(args.out, model.to_json())
    command = ["python", "-m", "benchmarks.habits", "fit", *(x for pair in args.profile for x in ("--profile", *pair)),
               "--odds", f"{args.odds:g}", "-o", str(args.out)]
    write_manifest(args.out, command, [d for _, d in args.profile])
    for name, profile_texts in texts.items():
        print(f"{name}: {len(profile_texts)} pages")


def _grouped(pairs: Sequence[Sequence[str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, directory in pairs:
        grouped.setdefault(name, []).append(directory)
    return grouped


def picks(args: argparse.Namespace) -> None:
    path = args.habits or profiles_dir(load_settings().models_dir) / HABITS_FILE
    model = load_habits(Path(path))
    if model is None:
        sys.exit(f"no habit table at {path}")
    print(f"| pages | count | {args.default} (default) | other profiles: pages, median log-odds |")
    print("|---|---|---|---|")
    for directory in args.dirs:
        chosen: Counter[str] = Counter()
        odds: dict[str, list[float]] = {}
        texts = ocr_texts(Path(directory))
        for text in texts:
            picked = model.pick(text, args.default)
            chosen[picked.profile if picked else args.default] += 1
            if picked:
                odds.setdefault(picked.profile, []).append(picked.log_odds)
        others = ", ".join(f"{p} {chosen[p]} ({median(o):.1f})" for p, o in sorted(odds.items())) or "none"
        print(f"| {directory} | {len(texts)} | {chosen[args.default]} | {others} |")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.habits", description=__doc__.split("\n\n")[0])
    cmds = parser.add_subparsers(dest="command", required=True)
    p = cmds.add_parser("fit", help="fit the habit table on each profile's engine's training pages")
    p.add_argument("--profile", nargs=2, action="append", required=True, metavar=("NAME", "DIR"))
    p.add_argument("--odds", type=float, default=ODDS,
                   help=f"likelihood ratio another profile needs over the default (default {ODDS:g})")
    p.add_argument("-o", "--out", type=Path, required=True)
    p.set_defaults(run=fit)
    p = cmds.add_parser("picks", help="the profile the table picks for each page of each directory")
    p.add_argument("dirs", nargs="+")
    p.add_argument("--habits", type=Path, default=None, help="a habit table (default: the shipped one)")
    p.add_argument("--default", default=DEFAULT_PROFILE)
    p.set_defaults(run=picks)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
