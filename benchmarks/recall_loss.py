"""Where a fitted profile loses its recall on sentence pairs: the fate of every Han substitution error.

Each misread Han character of the held-out fifth of a fit's own pairs (the pairs ``ocrfix fit``
never fitted on: every fifth distinct ground truth) is followed through the decoder's first round
on the unedited sentence, and put in the first stage that loses it:

- ``not editable``: the segmenter does not offer the site (the seen or true character is outside
  the inventory, or the site is protected);
- ``not a candidate``: the true character is neither among the seen one's top-``k`` confusion
  candidates nor among the site's context candidates;
- ``pruned``: the LM finds the seen character and the next one likely enough to skip the site;
- ``LM prefers seen``: the truth's LM gain does not clear the featurizer's screens (it reads no
  better than the seen character);
- ``outranked``: another candidate of the site gets a higher probability;
- ``below threshold``: the truth is the site's best, but under the acceptance threshold;
- ``ranked first, accepted``: it would be accepted in the first round.

The fourth column counts the errors of each stage the full corrector (every round, both passes)
actually fixed; the last, those of them whose (true, seen) pair the profile's learned channel (or
``--learned TSV``) does not hold, and how many of these were fixed. For ``not a candidate`` it
also says where the truth would have come from: the seen character's confusion candidates beyond
``k``, the pinyin set, or neither.

    python -m benchmarks.recall_loss --profile DIR faspell_ocr/ocr_train_3575.txt
    python -m benchmarks.recall_loss --profile DIR --pairs ERR GOLD [--pairs ERR GOLD] [--learned TSV]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ocrfix.confusions import ConfusionSet
from ocrfix.correction.corrector import Corrector, load_confusions
from ocrfix.correction.features import forward, mean_logp
from ocrfix.errors import OcrfixError
from ocrfix.normalize import fold_char, is_han
from ocrfix.training.pairs import Pair, alignable, read_pairs, split_held_out
from ocrfix.training.truth import position_truth

STAGES = ("not editable", "not a candidate", "pruned", "LM prefers seen", "outranked", "below threshold",
          "ranked first, accepted")
#: Where the truth of a site without it as a candidate would have come from.
ORIGINS = ("confusions beyond k", "pinyin set", "neither")


@dataclass(frozen=True)
class Loss:
    """Han substitution errors per first-round stage, those of them the corrector fixed, and the
    origins of the truths that were not candidates."""

    stages: Counter
    fixed: Counter
    origins: Counter
    novel: Counter  # errors whose (true, seen) pair the profile's learned channel does not hold
    novel_fixed: Counter
    other_errors: int  # errors that are not a Han character misread as another Han character

    @property
    def total(self) -> int:
        return sum(self.stages.values())


def site_stage(corrector: Corrector, fwd, document, entries, i: int, truth: str) -> str:
    """The first stage of :data:`STAGES` at which site ``i`` (its candidate ``entries``) loses ``truth``."""
    if entries is None:
        return STAGES[0]
    if truth not in {entry[0] for entry in entries}:
        return STAGES[1]
    prune = corrector.featurizer.prune
    if prune is not None and fwd.logps[i] > prune and fwd.logps[i + 1] > prune:
        return STAGES[2]
    cands, rows = corrector.featurizer.site_rows(fwd, i, entries, mean_logp(fwd), document)
    chars = [c.char for c in cands]
    if truth not in chars:
        return STAGES[3]
    probs = corrector.weights.probability(rows)
    best = int(probs.argmax())
    if chars[best] != truth:
        return STAGES[4]
    return STAGES[6] if probs[best] >= corrector.threshold else STAGES[5]


def origin(full: ConfusionSet, pinyin: ConfusionSet | None, seen: str, truth: str) -> str:
    if truth in {c.char for c in full.candidates(seen)}:
        return ORIGINS[0]
    if pinyin is not None and truth in {c.char for c in pinyin.candidates(seen)}:
        return ORIGINS[1]
    return ORIGINS[2]


def recall_loss(corrector: Corrector, pairs: Sequence[Pair], full: ConfusionSet, pinyin: ConfusionSet | None,
                learned: ConfusionSet | None = None) -> Loss:
    """The :class:`Loss` of ``corrector`` on sentence ``pairs`` (``learned``: the profile's learned
    channel, to tell the errors whose pair it holds from new ones)."""
    stages, fixed, origins, novel, novel_fixed = Counter(), Counter(), Counter(), Counter(), Counter()
    other = 0
    lm = corrector.lm
    for pair in pairs:
        src = pair.ocr
        truth = position_truth(src, pair.gt)
        hyp = corrector.correct(src, reflow=False).text
        sentences, document = corrector._segment(src)
        for sentence in sentences:
            lattice = corrector.candidates.lattice(sentence)
            fwd = forward(lm, sentence.tokens)
            sites = corrector.candidates.with_context(lattice, fwd.tokens, fwd.logps)
            for i, offset in enumerate(sentence.offsets):
                true, seen = truth[offset], src[offset]
                if true is None or fold_char(seen) == true:
                    continue
                if not (is_han(seen) and is_han(true)):
                    other += 1
                    continue
                stage = site_stage(corrector, fwd, document, sites[i], i, true)
                stages[stage] += 1
                if stage == STAGES[1]:
                    origins[origin(full, pinyin, seen, true)] += 1
                new = learned is None or true not in {c.char for c in learned.candidates(seen)}
                was_fixed = len(hyp) == len(src) and fold_char(hyp[offset]) == true
                for tally, counted in ((novel, new), (fixed, was_fixed), (novel_fixed, new and was_fixed)):
                    if counted:
                        tally[stage] += 1
    return Loss(stages, fixed, origins, novel, novel_fixed, other)


def table(loss: Loss) -> str:
    lines = ["| first-round stage | Han errors | share | fixed by the corrector | of them with a pair not learned: errors, fixed |",
             "|---|---|---|---|---|"]
    for stage in STAGES:
        n = loss.stages[stage]
        lines.append(f"| {stage} | {n:,} | {n / max(1, loss.total):.1%} | {loss.fixed[stage]:,} "
                     f"| {loss.novel[stage]:,}, {loss.novel_fixed[stage]:,} |")
    lines.append(f"| all | {loss.total:,} | | {sum(loss.fixed.values()):,} "
                 f"| {sum(loss.novel.values()):,}, {sum(loss.novel_fixed.values()):,} |")
    missing = loss.stages[STAGES[1]]
    where = ", ".join(f"{name} {loss.origins[name]:,}" for name in ORIGINS)
    lines.append("")
    lines.append(f"Not a candidate ({missing:,}): {where}. Other errors (not Han for Han): {loss.other_errors:,}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.recall_loss", description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="*", help="TSV files of n<TAB>ocr<TAB>gt or ocr<TAB>gt lines")
    parser.add_argument("--pairs", nargs=2, action="append", default=[], metavar=("ERR", "GOLD"),
                        help="two line-aligned files")
    parser.add_argument("--profile", required=True, help="the fitted profile directory (or a shipped profile's name)")
    parser.add_argument("--all", action="store_true", help="every pair, not only the held-out fifth")
    parser.add_argument("--learned", metavar="TSV",
                        help="the learned set that tells learned pairs from new ones (default: the profile's learned.tsv)")
    args = parser.parse_args(argv)
    try:
        pairs = alignable(read_pairs(args.inputs, args.pairs, warn=lambda m: print(m, file=sys.stderr)),
                          warn=lambda m: print(m, file=sys.stderr))
        if not args.all:
            pairs = split_held_out(pairs)[1]
        corrector = Corrector(profile=args.profile)
        profile = corrector.profile
        full = load_confusions(profile.confusions)
        pinyin_path = Path(profile.confusions[0]).with_name("pinyin.tsv")
        pinyin = ConfusionSet.load(pinyin_path) if pinyin_path.is_file() else None
        learned_path = Path(args.learned) if args.learned else Path(args.profile) / "learned.tsv"
        learned = ConfusionSet.load(learned_path) if learned_path.is_file() else None
        loss = recall_loss(corrector, pairs, full, pinyin, learned)
    except OcrfixError as exc:
        print(f"ocrfix: error: {exc}", file=sys.stderr)
        return 2
    print(f"{len(pairs):,} pairs, threshold {corrector.threshold}, k {corrector.weights.k}")
    print(table(loss))
    return 0


if __name__ == "__main__":
    sys.exit(main())
