"""The corrector on clean text of other domains than news: every change is a false edit.

Text: the gold side of each of LEMON's seven domains (automotive, contracts, encyclopedia,
games, medical consultation, news, novels; natural typing errors corrected by hand), sentences
joined into paragraphs of about 300 characters, up to ``--chars`` characters per domain, corrected
as one document (so the block rules apply as on a page). Reported per domain: Han characters
the LM decoder changed, other changes (the symbol rules: they also rewrite the ASCII punctuation
web text uses where print has full-width marks), each per 10,000 characters, and chars/s.
LEMON is an evaluation set (academic use): measured here, never tuned on. The few misspellings
LEMON's gold keeps (``benchmarks/errata/lemon.tsv``) are corrected first. LEMON's text writes
half-width commas, as much web text does; ``--full-width`` turns its ASCII marks , : ; ? ! into the
full-width marks of print first (as in a typeset book or a web page in print's style).
``--text sighan-train`` takes the corrected side of SIGHAN's three training files instead (learners'
essays, full-width marks): training data, the clean text of another style to calibrate on.

``--profile auto`` corrects each domain's text with the profile its habits pick, as ``ocrfix
correct`` does for plain text that names no engine (:func:`ocrfix.profiles.pick_profile_for_text`).

    python -m benchmarks.clean_domains [--chars 30000] [--full-width] [--text lemon|sighan-train] [--profile NAME|DIR|auto]
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from ocrfix.correction.edits import Edit
from ocrfix.errors import OcrfixError
from ocrfix.evaluation import load_errata
from ocrfix.normalize import is_han
from ocrfix.settings import load_settings

from . import sets
from .score import errata_corrected

PARAGRAPH_CHARS = 300
FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "?": "？", "!": "！"})


def domain_text(sentences: Sequence[str], chars: int, paragraph: int = PARAGRAPH_CHARS) -> str:
    """``sentences`` joined into paragraphs of at least ``paragraph`` characters (one per line),
    whole paragraphs until the text has at least ``chars`` characters (or the sentences run out)."""
    paragraphs: list[str] = []
    current, total = "", 0
    for sentence in sentences:
        if total >= chars:
            break
        current += sentence
        if len(current) >= paragraph:
            paragraphs.append(current)
            total += len(current)
            current = ""
    if current and total < chars:
        paragraphs.append(current)
    return "\n".join(paragraphs)


def is_han_substitution(edit: Edit) -> bool:
    return len(edit.original) == len(edit.replacement) == 1 and is_han(edit.original) and is_han(edit.replacement)


def changed_chars(edits: Sequence[Edit]) -> tuple[int, int]:
    """(Han characters replaced by another Han character, other characters changed) of ``edits``."""
    han = sum(map(is_han_substitution, edits))
    other = sum(max(len(e.original), len(e.replacement)) for e in edits) - han
    return han, other


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.clean_domains", description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=30000, help="characters per domain (default 30,000)")
    parser.add_argument("--profile", metavar="NAME|DIR|auto", help="engine profile (default: the shipped default; "
                        "auto: the one each text's habits pick)")
    parser.add_argument("--full-width", action="store_true", help="turn the text's ASCII marks , : ; ? ! full-width first")
    parser.add_argument("--text", choices=("lemon", "sighan-train"), default="lemon",
                        help="LEMON's seven domains (evaluation) or SIGHAN's training gold (calibration)")
    args = parser.parse_args(argv)
    from ocrfix.options import CorrectOptions

    from .systems import HabitCorrectors
    try:
        if args.profile == "auto":
            by_habits = HabitCorrectors(CorrectOptions())
        else:
            corrector = CorrectOptions(profile=args.profile).corrector()
        data = load_settings().data_dir
        if args.text == "lemon":
            errata = load_errata(sets.LEMON_ERRATA)
            texts = {d: errata_corrected(domain_text([p.gold for p in sets.lemon(data, d)], args.chars), errata)
                     for d in sets.LEMON_DOMAINS}
        else:
            texts = {name: domain_text(sets.sighan_train_gold(data, name), args.chars) for name in sets.SIGHAN_TRAIN}
        if args.full_width:
            texts = {d: text.translate(FULL_WIDTH) for d, text in texts.items()}
    except OcrfixError as exc:
        print(f"clean_domains: {exc}", file=sys.stderr)
        return 1
    print("| domain | chars | Han changed | per 10k | other changed | per 10k | chars/s | Han changes (seen → new) |")
    print("|---|---|---|---|---|---|---|---|")
    totals = [0, 0, 0]
    for domain, text in texts.items():
        if args.profile == "auto":
            corrector, picked = by_habits.for_text(text)
            if picked is not None:
                print(f"clean_domains: {domain}: profile {picked.profile} picked by the text's habits "
                      f"(log-odds {picked.log_odds:.1f})", file=sys.stderr)
        start = time.perf_counter()
        edits = corrector.correct(text, reflow=False).edits
        speed = len(text) / (time.perf_counter() - start)
        han, other = changed_chars(edits)
        totals = [totals[0] + len(text), totals[1] + han, totals[2] + other]
        shown = " ".join(f"{e.original}→{e.replacement}" for e in edits if is_han_substitution(e))
        print(f"| {domain} | {len(text):,} | {han} | {han * 1e4 / len(text):.1f} | {other} | {other * 1e4 / len(text):.1f} "
              f"| {speed:,.0f} | {shown} |")
    chars, han, other = totals
    print(f"| all | {chars:,} | {han} | {han * 1e4 / chars:.1f} | {other} | {other * 1e4 / chars:.1f} | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
