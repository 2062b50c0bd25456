"""A right-to-left LM as more evidence for the marks lost at wrapped line ends: measured, not shipped.

    python -m benchmarks.backward_marks reverse TEXT OUT          # a training text's lines, tokens in reverse order
    python -m benchmarks.backward_marks auc --fold FWD BWD MONTH [--fold ...] [--paragraphs 1500]

``reverse``: the normalized training text ``ocrfix lm train --keep-text`` writes (one sentence a line,
tokens apart by spaces), each line's tokens reversed, for ``lmplz`` to estimate a backward model from.

``auc``: the line ends of column-wrapped paragraphs of a training month (``benchmarks.line_marks``'s
``column_paragraphs``: every hung mark dropped, as an engine that reads inside the line box does), each
``--fold`` a forward LM, its backward twin and a month neither saw. At each line end where the forward LM's best
mark beats running on, the backward LM scores the same options over the same span (the text read right to left,
so the characters before the gap are scored after the mark). Reported: how well out-of-fold probabilities (a
5-fold logistic regression) rank "the best mark was lost here" above the rest (ROC AUC) for the forward gain,
the line-end gate's features (gain, lead, mark), and those with the backward gain, the backward best mark's gain
and whether both LMs pick the same mark; and, per score, right / wrong marks at gains over 1.5, 2.5 and 3.5.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from ocrfix.correction import line_marks
from ocrfix.correction.corrector import load_lm
from ocrfix.correction.features import LanguageModel
from ocrfix.correction.rules import mark_scores
from ocrfix.textio import write_text_atomic

from .line_marks import column_paragraphs
from .typeset import CLOSING, OPENING

MARGINS = (1.5, 2.5, 3.5)


class ReversedLM:
    """A backward model (trained on reversed lines) seen as a forward one: a token sequence is scored read
    right to left, its sentence start and end swapped."""

    def __init__(self, backward: LanguageModel) -> None:
        self.backward, self.order = backward, backward.order

    def score_tokens(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        return self.backward.score_tokens(list(tokens)[::-1], bos=eos, eos=bos)


class Site(NamedTuple):
    gain: float  # the forward LM's best mark over running on
    mark: str
    lead: float
    backward_gain: float  # the backward LM's gain of the same mark
    backward_best: float  # the backward LM's best mark's gain
    agree: bool  # both LMs pick the same mark
    lost: bool  # the engine lost that mark here


def reversed_lines(lines: Sequence[str]) -> list[str]:
    """Each line's space-separated tokens in reverse order."""
    return [" ".join(line.split()[::-1]) for line in lines]


def site(forward: LanguageModel, backward: ReversedLM, text: str, offset: int, hung: str) -> Site:
    choice = line_marks.best_mark(forward, text, offset)
    options = tuple(mark for mark in line_marks.MARKS if mark != "”" or line_marks.quote_open(text, offset))
    scores = mark_scores(backward, text, offset, 0, ("", *options), line_marks.SPAN)
    best = max(options, key=scores.__getitem__)
    return Site(choice.gain, choice.mark, choice.lead, scores[choice.mark] - scores[""], scores[best] - scores[""],
                best == choice.mark, hung[:1] == choice.mark)


def month_sites(forward: LanguageModel, backward: ReversedLM, month: str, paragraphs: int, seed: int = 3) -> list[Site]:
    """Each weighed line end of ``paragraphs`` column-wrapped paragraphs of ``month`` (as
    ``benchmarks.line_marks``' ``column_sites`` finds them)."""
    sites = []
    for _, lines in column_paragraphs(month, paragraphs, seed):
        text = "".join(kept for kept, _ in lines).lstrip("\u3000")
        offset = len(lines[0][0].lstrip("\u3000"))
        for (kept, hung), (following, _) in zip(lines, lines[1:]):
            if kept and kept[-1] not in CLOSING and kept[-1] not in OPENING:
                sites.append(site(forward, backward, text, offset, hung))
            offset += len(following)
    return sites


def feature_rows(sites: Sequence[Site], kind: int) -> list[list[float]]:
    """Kind 0: the gain; 1: with the lead and the mark (the line-end gate's); 2: with the backward gain; 3: with
    the backward best mark's gain and whether the two LMs agree."""
    rows = []
    for s in sites:
        row = [min(max(s.gain, -3.0), 6.0)]
        if kind >= 1:
            row += [min(s.lead, 4.0), *(float(s.mark == m) for m in line_marks.MARKS[1:])]
        if kind >= 2:
            row.append(min(max(s.backward_gain, -3.0), 6.0))
        if kind >= 3:
            row += [min(max(s.backward_best, -3.0), 6.0), float(s.agree)]
        rows.append(row)
    return rows


FEATURES = ("the gain", "gain, lead, mark (the gate's)", "... and the backward gain", "... and the backward best, agreement")


def report(sites: Sequence[Site]) -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    weighed = [s for s in sites if s.gain > 0.0]
    labels = [s.lost for s in weighed]
    print(f"{len(sites):,} line ends, {len(weighed):,} where the forward LM prefers a mark, {sum(labels):,} lost it")
    print("| features | out-of-fold ROC AUC |\n|---|---|")
    for kind, name in enumerate(FEATURES):
        folds = StratifiedKFold(5, shuffle=True, random_state=0)
        p = cross_val_predict(LogisticRegression(max_iter=5000), feature_rows(weighed, kind), labels, cv=folds,
                              method="predict_proba")[:, 1]
        print(f"| {name} | {roc_auc_score(labels, p):.3f} |")
    scores = {"forward gain": [s.gain for s in weighed], "backward gain": [s.backward_gain for s in weighed],
              "the lower of the two": [min(s.gain, s.backward_gain) for s in weighed],
              "their mean": [(s.gain + s.backward_gain) / 2 for s in weighed]}
    print("| score | ROC AUC | " + " | ".join(f"over {m}: right / wrong" for m in MARGINS) + " |\n" + "|---" * (2 + len(MARGINS)) + "|")
    for name, values in scores.items():
        cells = [f"{sum(v > m and y for v, y in zip(values, labels))} / {sum(v > m and not y for v, y in zip(values, labels))}"
                 for m in MARGINS]
        print(f"| {name} | {roc_auc_score(labels, values):.3f} | " + " | ".join(cells) + " |")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.backward_marks", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    rev = sub.add_parser("reverse", help="reverse each line's tokens of a normalized training text")
    rev.add_argument("text", type=Path)
    rev.add_argument("out", type=Path)
    auc = sub.add_parser("auc", help="the backward LM's evidence at column-wrapped line ends")
    auc.add_argument("--fold", nargs=3, action="append", required=True, metavar=("FWD", "BWD", "MONTH"))
    auc.add_argument("--paragraphs", type=int, default=1500)
    args = parser.parse_args(argv)
    if args.command == "reverse":
        with args.text.open(encoding="utf-8") as handle:
            write_text_atomic(args.out, "".join(line + "\n" for line in reversed_lines(handle.read().splitlines())))
        return 0
    sites = []
    for forward, backward, month in args.fold:
        sites += month_sites(load_lm(forward), ReversedLM(load_lm(backward)), month, args.paragraphs)
    report(sites)
    return 0


if __name__ == "__main__":
    sys.exit(main())
