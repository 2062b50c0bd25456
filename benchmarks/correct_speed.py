"""Correction throughput of the shipped corrector: characters per second per page level, medians.

Each run is a fresh process (spawned, so every cache starts empty, as for a user's first
batch): it loads the :class:`ocrfix.Corrector` of ``ocrfix correct`` on plain text, the default
profile (timed), then corrects the reflowed OCR of
every page of each level once, in an order rotated from run to run. Reported per level: the
median chars/s over the runs (input characters over correction time, loading excluded), the
spread, and over all levels together; plus the median load time and the largest peak RSS.
With ``--warm train`` each run first corrects the pages of another split, untimed: the
per-character caches (static features of each seen character, glyph cosines) are then warm, as
in a long batch run over an archive; the text-specific look-ups stay cold (other pages).

    python -m benchmarks.correct_speed [--split eval] [--runs 3] [--warm train] [--weights A.json --weights B.json] [--python-peer]

Timings on the shared 2-core machines are noisy: compare levels within one run of this module,
and with pycorrector in the same run of ``python -m benchmarks.run``. With several ``--weights``
(e.g. a refit against the shipped one) every run times each of them in turn, so they share the
machine's moods. ``--python-peer`` also times each of them with the LM's compiled site-gain loop
turned off (:attr:`ocrfix.lm.CharLM.native_site_gains`): the same edits, the Python look-ups.
"""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from ocrfix.errors import OcrfixError

from . import sets

PAGES_ROOT = Path("build/bench/pages")


def one_run(texts_by_level: dict[str, list[str]], order: list[str], weights: str | None = None,
            warm: Sequence[str] = (), native: bool = True) -> dict[str, float]:
    """In a fresh process: load time, per-level correction seconds (after correcting the ``warm``
    texts, untimed), peak RSS (MB). ``native``: the LM's compiled site-gain loop (when built)."""
    from ocrfix import Corrector
    from ocrfix.correction.corrector import load_lm
    from ocrfix.lm.context import context_path
    from ocrfix.profiles import DEFAULT_PROFILE
    from ocrfix.settings import load_settings

    start = time.perf_counter()
    lm_path = load_settings().default_lm
    corrector = Corrector(model=load_lm(lm_path, native=native), weights=weights, context=context_path(lm_path),
                          profile=DEFAULT_PROFILE)
    timings: dict[str, float] = {"load_s": time.perf_counter() - start}
    for text in warm:
        corrector.correct(text, reflow=False)
    for level in order:
        start = time.perf_counter()
        for text in texts_by_level[level]:
            corrector.correct(text, reflow=False)
        timings[level] = time.perf_counter() - start
    timings["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return timings


def level_texts(pages_root: Path, split: str) -> dict[str, list[str]]:
    from ocrfix.text_reflow import reflow

    by_level: dict[str, list[str]] = {}
    for page in sets.generated_pages(pages_root, split):
        by_level.setdefault(page.group, []).append(reflow(page.ocr))
    return by_level


def report(by_level: dict[str, list[str]], runs: list[dict[str, float]]) -> str:
    lines = ["| level | pages | chars | median chars/s | min – max |", "|---|---|---|---|---|"]
    for level, texts in sorted(by_level.items()):
        chars = sum(map(len, texts))
        speeds = [chars / run[level] for run in runs]
        lines.append(f"| {level} | {len(texts)} | {chars:,} | {statistics.median(speeds):,.0f} | "
                     f"{min(speeds):,.0f} – {max(speeds):,.0f} |")
    total = sum(len(t) for texts in by_level.values() for t in texts)
    overall = [total / sum(run[level] for level in by_level) for run in runs]
    lines.append(f"| all | {sum(map(len, by_level.values()))} | {total:,} | {statistics.median(overall):,.0f} | "
                 f"{min(overall):,.0f} – {max(overall):,.0f} |")
    lines.append("")
    lines.append(f"{len(runs)} runs, each a fresh process; model load median "
                 f"{statistics.median(run['load_s'] for run in runs):.2f} s; peak RSS ≤ {max(run['rss_mb'] for run in runs):.0f} MB.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.correct_speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="eval", help="generated page split (default: eval)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages-root", type=Path, default=PAGES_ROOT)
    parser.add_argument("--warm", metavar="SPLIT",
                        help="first correct every page of this split, untimed (e.g. train: the caches of a long batch "
                             "run are warm; default: cold caches, as for a user's first batch)")
    parser.add_argument("--weights", action="append", metavar="PATH",
                        help="corrector weights to time (repeatable: compared in the same runs; default: the shipped ones)")
    parser.add_argument("--python-peer", action="store_true",
                        help="also time each weights file with the LM's compiled site-gain loop off (Python look-ups)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    try:
        by_level = level_texts(args.pages_root, args.split)
        warm = [t for texts in level_texts(args.pages_root, args.warm).values() for t in texts] if args.warm else []
    except OcrfixError as exc:
        print(f"correct_speed: {exc}", file=sys.stderr)
        return 1
    levels = sorted(by_level)
    systems = [(w, native) for w in args.weights or [None] for native in ((True, False) if args.python_peer else (True,))]
    runs: dict[tuple[str | None, bool], list[dict[str, float]]] = {system: [] for system in systems}
    for number in range(args.runs):
        order = levels[number % len(levels):] + levels[:number % len(levels)]
        for system in systems[number % len(systems):] + systems[:number % len(systems)]:
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
                try:
                    runs[system].append(pool.submit(one_run, by_level, order, system[0], warm, system[1]).result())
                except OcrfixError as exc:
                    print(f"correct_speed: {exc}", file=sys.stderr)
                    return 1
            print(f"run {number + 1}/{args.runs} {_name(system)}: " + ", ".join(
                f"{lv} {run_s:.2f} s" for lv, run_s in runs[system][-1].items() if lv in by_level), file=sys.stderr)
    for system in systems:
        if len(systems) > 1:
            print(f"\n{_name(system)}:\n")
        print(report(by_level, runs[system]))
    return 0


def _name(system: tuple[str | None, bool]) -> str:
    weights, native = system
    return f"weights {weights or 'shipped'}" + ("" if native else ", Python look-ups")


if __name__ == "__main__":
    sys.exit(main())
