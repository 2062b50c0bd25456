"""The pattern stages a fit keeps: symbol rules, marks lost at wrapped line ends, garbled marks,
deletions and traditional forms, each scored alone on the training pairs.

A stage is kept only where it fixes more errors than it introduces (:func:`worth`); the chosen
stages (:class:`Stages`) are written into the profile and switched on in its corrector.
"""
from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, NamedTuple

from tqdm import tqdm

from ..confusions.length import LengthRates
from ..confusions.variants import simplified_forms
from ..correction.corrector import Corrector
from ..correction.deletions import deletion_changes
from ..correction.edits import apply_changes
from ..correction.garbled_marks import garbled_changes
from ..correction.line_marks import (MIN_GAIN as LINE_END_GAIN, MarkChoice, joined_lines, line_end_choices,
                                     marks_by_reach, marks_to_insert, wrapped_line_ends)
from ..correction.mark_choice import MarkModel, choice_changes, line_end_picks
from ..correction.rules import RULES, rule_changes, select_rules
from ..correction.variants import variant_changes
from ..segment import protected_mask
from ..settings import load_settings
from .confusions.length import length_rates
from .confusions.marks import choice_reads, engine_mark_model
from .pairs import Pair, groups, score_text

if TYPE_CHECKING:
    from .profile_fit import Models

#: A pattern stage (a symbol rule, the line-end marks, the deletion stage) is kept only where it fixes
#: at least this many errors more than it introduces on the training pairs ...
STAGE_MARGIN = 1
#: ... and this many per error it introduces. With 20 RapidOCR training pages (16 fitted on), a margin
#: of 2 dropped four rules that fixed one error each and nothing else: 73 fixed / 2 introduced on the
#: other 40 training pages against 86 / 3 with a margin of 1 (benchmarks/RESULTS.md, "Fitted profiles").
STAGE_RATIO = 4.0
#: Margins (log10 gain) tried for marks lost at wrapped line ends (line_marks.MIN_GAIN: 1.5).
LINE_END_MARGINS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
#: The mark-choice model's channel weight and margin (natural log-odds) in a fitted profile: the shipped
#: ``ppocr`` profile's, cross-fitted on its engine's pages of text the LM never saw; a fit's few pages
#: cannot choose them (a margin cross-fitted on 31 confused marks was too low held out:
#: benchmarks/RESULTS.md, "One context model for every engine").
MARK_CHOICE_WEIGHT = 0.75
MARK_CHOICE_MARGIN = 5.0
#: Sites' worth of the fitted mark channel against each page's own marks (a profile's ``mark_page_prior``:
#: the shipped ``ppocr`` profile's).
MARK_PAGE_PRIOR = 100.0


def tally_stage(pairs: Sequence[Pair], sources: Sequence[str],
                changes_of: Callable[[Pair, str], list]) -> tuple[int, int]:
    """(fixed, introduced) when one pattern stage alone changes the texts (block-robust three-way evaluation)."""
    return Tally(pairs, sources).score([changes_of(pair, source) for pair, source in zip(pairs, sources)])


class Tally:
    """Errors fixed and introduced on the pairs by pattern-stage changes, each pair's score kept
    for the changes it was scored with (a forward selection re-scores only the pairs a step changes)."""

    def __init__(self, pairs: Sequence[Pair], sources: Sequence[str]) -> None:
        self.pairs, self.sources = pairs, sources
        self.cache: dict[tuple[int, tuple], tuple[int, int]] = {}

    def score(self, changes: Sequence[Sequence]) -> tuple[int, int]:
        """(fixed, introduced) of ``changes[i]`` applied to ``sources[i]``, summed over the pairs."""
        fixed = introduced = 0
        for number, (pair, source, these) in enumerate(zip(self.pairs, self.sources, changes)):
            if not these:
                continue
            key = (number, tuple(these))
            if key not in self.cache:
                self.cache[key] = score_text(pair, source, apply_changes(source, list(these))[0])[:2]
            fixed, introduced = fixed + self.cache[key][0], introduced + self.cache[key][1]
        return fixed, introduced


def worth(fixed: int, introduced: int, ratio: float = STAGE_RATIO) -> bool:
    """Whether a pattern stage that fixes ``fixed`` errors and introduces ``introduced`` on the training
    pairs earns its place: :data:`STAGE_MARGIN` more fixed than introduced, and ``ratio`` fixed per introduced."""
    return fixed - introduced >= STAGE_MARGIN and fixed >= ratio * introduced


def choose_rules(pairs: Sequence[Pair], sources: Sequence[str], lm, log: Callable[[str], None],
                 always: Collection[str] = ()) -> list[str]:
    """The symbol rules kept by a forward selection in their order of precedence (where two match one
    span the earlier rule wins): each rule that changes anything joins the rules kept before it
    where the gain of adding it is :func:`worth` keeping.
    Two rules for one pattern (``speck-or-mark`` before ``misread-mark``) are thus weighed together:
    the later one is judged on what the earlier leaves. A rule of ``always`` (the ``generic`` profile's:
    marks print never has where they stand, whatever the engine) that changes nothing on the pairs is kept:
    the pages were too few to show its misreading, not evidence against it."""
    tally = Tally(pairs, sources)
    kept: list[str] = []
    current = (0, 0)
    for rule in tqdm(RULES, desc="symbol rules", unit="rule", file=sys.stderr, leave=False):
        if not any(rule_changes(source, (rule,), lm=lm, wrapped=True) for source in sources):
            if rule.name in always:
                kept.append(rule.name)
                log(f"  rule {rule.name}: no match on the pairs -> kept (a rule for any engine)")
            continue
        trial = tuple(r for r in RULES if r.name in kept or r is rule)
        fixed, introduced = tally.score([rule_changes(source, trial, lm=lm, wrapped=True) for source in sources])
        gain = (fixed - current[0], introduced - current[1])
        keep = worth(*gain)
        log(f"  rule {rule.name}: fixed {gain[0]:+d}, introduced {gain[1]:+d} "
            f"-> {'kept' if keep else 'dropped'}")
        if keep:
            kept.append(rule.name)
            current = (fixed, introduced)
    return kept


def choose_variants(pairs: Sequence[Pair], sources: Sequence[str], lm, table: dict[str, str],
                    log: Callable[[str], None]) -> bool:
    """Whether putting simplified forms in for traditional ones fixes more than it introduces on the pairs."""
    simplified = simplified_forms(load_settings().confusions_dir)
    fixed, introduced = tally_stage(pairs, sources, lambda pair, source: variant_changes(
        source, table, simplified, lm, protected_mask(source, frozenset())))
    log(f"  traditional -> simplified forms: fixed {fixed}, introduced {introduced} -> {'on' if fixed > introduced else 'off'}")
    return fixed > introduced


class LineEnds(NamedTuple):
    """Per pair: the printed lines its reflow joined (:func:`~ocrfix.correction.line_marks.joined_lines`) and
    the LM's best mark at each of those line ends (:func:`~ocrfix.correction.line_marks.line_end_choices`)."""

    joined: list[list[tuple[int, int]]]
    choices: list[list[tuple[int, MarkChoice]]]


def line_ends(pairs: Sequence[Pair], sources: Sequence[str], lm) -> LineEnds:
    """The :class:`LineEnds` of the pairs (a line pair has none), scored once for every line-end stage."""
    joined = [joined_lines(pair.ocr, source) if pair.page else [] for pair, source in zip(pairs, sources)]
    return LineEnds(joined, [line_end_choices(source, [join for join, _ in lines], lm, protected_mask(source, frozenset()))
                             if lines else [] for source, lines in zip(sources, joined)])


def choose_line_end_marks(pairs: Sequence[Pair], sources: Sequence[str], lm, log: Callable[[str], None],
                          ends: LineEnds | None = None) -> tuple[float | None, tuple[float, float] | None]:
    """The margin (log10 gain) at which marks lost at wrapped line ends are put back, or ``None``
    (off), and the ``line_end_reach`` margins where the pages' geometry marks the line ends: see
    :func:`choose_line_end_margin` and :func:`choose_line_end_reach` (``ends``: the pairs' :func:`line_ends`)."""
    joined, choices = ends or line_ends(pairs, sources, lm)
    tally = Tally(pairs, sources)
    margin = choose_line_end_margin(tally, choices, log)
    reached = [None if pair.reaching is None else frozenset(join for join, end in lines if end in pair.reaching)
               for pair, lines in zip(pairs, joined)]
    if margin is None or all(r is None for r in reached):
        return margin, None
    return margin, choose_line_end_reach(tally, choices, reached, margin, log)


def choose_line_end_margin(tally: Tally, choices: Sequence[Sequence[tuple[int, MarkChoice]]],
                           log: Callable[[str], None]) -> float | None:
    """Of the :data:`LINE_END_MARGINS` at which the stage alone (the best marks ``choices`` of each
    pair put back) is :func:`worth` keeping, the one that fixes the most net; on a tie (a few pages
    tell the margins apart only coarsely) the one nearest the stage's own
    (:data:`~ocrfix.correction.line_marks.MIN_GAIN`, measured on 60 pages), then the higher; None: off."""
    kept: list[tuple[int, float, float]] = []  # (net fixed, -distance from the stage's margin, margin)
    for margin in sorted(LINE_END_MARGINS, reverse=True):
        fixed, introduced = tally.score([marks_to_insert(c, margin) for c in choices])
        log(f"  line-end marks at margin {margin}: fixed {fixed}, introduced {introduced}")
        if worth(fixed, introduced):
            kept.append((fixed - introduced, -abs(margin - LINE_END_GAIN), margin))
    best = max(kept, default=None)
    log(f"  line-end marks -> {'off' if best is None else f'on, margin {best[2]}'}")
    return None if best is None else best[2]


def choose_line_end_reach(tally: Tally, choices: Sequence[Sequence[tuple[int, MarkChoice]]],
                          reached: Sequence[frozenset[int] | None], margin: float,
                          log: Callable[[str], None]) -> tuple[float, float] | None:
    """The ``line_end_reach`` margins (past the measure, within it) for the pages whose geometry tells
    which line ends ``reached`` past their column's measure (:mod:`ocrfix.formats.line_reach`: where an
    engine boxed the ink of a hung mark it dropped), or None: of the pairs of :data:`LINE_END_MARGINS`
    with the first below the second, the one with the most net fixes whose gain over ``margin`` at every
    line end is :func:`worth` keeping; on a tie the one that introduces fewest, then the higher margins.
    Pairs without geometry keep ``margin``."""
    def changes(past: float, within: float) -> list[list]:
        return [marks_to_insert(c, margin) if r is None else marks_by_reach(c, r, (past, within))
                for c, r in zip(choices, reached)]

    base = tally.score(changes(margin, margin))
    kept: list[tuple[int, int, float, float]] = []  # (net fixed, -introduced, within, past)
    for past, within in combinations(sorted(LINE_END_MARGINS), 2):
        fixed, introduced = tally.score(changes(past, within))
        gain = (fixed - base[0], introduced - base[1])
        log(f"  line-end marks at margin {past} past the measure, {within} within it: fixed {gain[0]:+d}, "
            f"introduced {gain[1]:+d} against {margin} at every line end")
        if worth(*gain):
            kept.append((fixed - introduced, -introduced, within, past))
    best = max(kept, default=None)
    log(f"  line-end marks by the line box -> {'off' if best is None else f'on, margins {best[3]} / {best[2]}'}")
    return None if best is None else (best[3], best[2])


def choose_garbled_marks(pairs: Sequence[Pair], sources: Sequence[str], lm, rules: Sequence[str],
                         log: Callable[[str], None]) -> bool:
    """Whether the marks of texts that read as garbled (:mod:`~ocrfix.correction.garbled_marks`, run
    before the symbol rules ``rules``) are worth settling by the LM: the gain over the rules alone
    is :func:`worth` keeping."""
    chosen = select_rules(rules)
    tally = Tally(pairs, sources)
    protected = [protected_mask(source, frozenset()) for source in sources]
    alone = [rule_changes(source, chosen, lm=lm, wrapped=True) if chosen else [] for source in sources]
    garbled = [garbled_changes(source, lm, p) for source, p in zip(sources, protected)]
    both = []
    for first, rules_after in zip(garbled, alone):  # as in the corrector: the garbled stage's changes win
        taken = {change[0] for change in first}
        both.append(first + [change for change in rules_after if change[0] not in taken])
    (fixed, introduced), before = tally.score(both), tally.score(alone)
    gain = (fixed - before[0], introduced - before[1])
    keep = any(garbled) and worth(*gain)
    log(f"  garbled marks: fixed {gain[0]:+d}, introduced {gain[1]:+d} -> {'on' if keep else 'off'}")
    return keep


def choose_length(pairs: Sequence[Pair], sources: Sequence[str], lm, log: Callable[[str], None]) -> LengthRates | None:
    """The engine's length channel (``ocrfix confusions length``: which characters it adds where
    print has none) for the deletion stage, or ``None`` where the stage is not :func:`worth`
    keeping: cross-fit, each half of the pages (by distinct ground truth) scored with the channel
    learned on the other half, since a channel scored on its own pages finds every extra character it learned."""
    group = groups(pairs)
    pages = [i for i, pair in enumerate(pairs) if pair.page]
    changes: list[list] = [[] for _ in pairs]
    for half in range(2):
        other = [(pairs[i].ocr, pairs[i].gt) for i in pages if group[i] % 2 != half]
        if not other:
            continue
        rates = length_rates(other)
        for i in pages:
            if group[i] % 2 == half:
                changes[i] = deletion_changes(sources[i], rates, lm, protected_mask(sources[i], frozenset()))
    fixed, introduced = Tally(pairs, sources).score(changes)
    keep = bool(pages) and worth(fixed, introduced)
    log(f"  deletions (length channel, cross-fit): fixed {fixed}, introduced {introduced} -> {'on' if keep else 'off'}")
    return length_rates((pairs[i].ocr, pairs[i].gt) for i in pages) if keep else None


def choose_mark_choice(pairs: Sequence[Pair], sources: Sequence[str], lm, context: MarkModel,
                       log: Callable[[str], None]) -> MarkModel | None:
    """The mark-choice model (the shared ``context`` model with the engine's channel counted on the pages,
    :func:`~.confusions.marks.engine_mark_model`), or ``None`` where its stage introduces errors on the pages and
    is not :func:`worth` keeping there: cross-fit as :func:`choose_length` is, each half of the pages scored with
    the channel counted on the other. A stage that introduces none is kept even where it fixes none, as a rule
    for any engine is (:func:`choose_rules`): both shipped profiles run it at this margin, and a few pages seldom
    hold the misread marks it settles (20 Tesseract pages: 9 of 1,069 marks inside a line)."""
    group = groups(pairs)
    pages = [i for i, pair in enumerate(pairs) if pair.page]
    reads = {i: choice_reads(pairs[i].ocr, sources[i], pairs[i].gt) for i in pages}

    def counted(on: Iterable[int]) -> MarkModel:
        return engine_mark_model(context, (reads[i] for i in on), MARK_CHOICE_WEIGHT,
                                 MARK_CHOICE_MARGIN)._replace(page_prior=MARK_PAGE_PRIOR)

    changes: list[list] = [[] for _ in pairs]
    for half in range(2):
        model = counted(i for i in pages if group[i] % 2 != half)
        for i in pages:
            if group[i] % 2 == half:
                changes[i] = choice_changes(sources[i], model, lm, protected_mask(sources[i], frozenset()),
                                            wrapped_line_ends(pairs[i].ocr, sources[i]))
    fixed, introduced = Tally(pairs, sources).score(changes)
    keep = worth(fixed, introduced) or introduced == 0
    log(f"  confused marks (mark-choice model, channel counted cross-fit): fixed {fixed}, introduced {introduced} "
        f"-> {'on' if keep else 'off'}")
    return counted(pages) if keep else None


def choose_line_end_picks(pairs: Sequence[Pair], sources: Sequence[str], lm, model: MarkModel, margin: float,
                          log: Callable[[str], None], ends: LineEnds | None = None) -> bool:
    """Whether the mark-choice ``model`` picks the mark each wrapped line end gets back at ``margin``
    (:func:`~ocrfix.correction.mark_choice.line_end_picks`, a profile's ``line_end_mark_choice``): where its picks
    gain over the LM's own marks are :func:`worth` keeping on the pages. The context model was fitted on clean text,
    not on the pairs, so the pages judge it uncross-fitted; on Tesseract's fold pages its picks made 1 mark right
    and 3 wrong, on RapidOCR's more right than wrong (benchmarks/RESULTS.md, "The mark a line end gets back";
    ``ends``: the pairs' :func:`line_ends`)."""
    plain = [marks_to_insert(choices, margin) for choices in (ends or line_ends(pairs, sources, lm)).choices]
    picked = [line_end_picks(source, marks, model, lm) if marks else [] for source, marks in zip(sources, plain)]
    tally = Tally(pairs, sources)
    (fixed, introduced), before = tally.score(picked), tally.score(plain)
    gain = (fixed - before[0], introduced - before[1])
    keep = worth(*gain)
    log(f"  line-end marks picked by the mark-choice model: fixed {gain[0]:+d}, introduced {gain[1]:+d} "
        f"-> {'on' if keep else 'off'}")
    return keep


@dataclass(frozen=True)
class Stages:
    """The pattern stages a profile runs before the decoder."""

    rules: tuple[str, ...]
    line_end_marks: bool
    variants: bool
    line_end_margin: float | None = None  # log10 gain a lost mark needs (None: line_marks.MIN_GAIN)
    length: LengthRates | None = None  # the engine's length channel for the deletion stage (None: off)
    #: line-end marks kept in blocks that read like clean print too (weights with a clean-print pass
    #: withdraw them there otherwise)
    clean_print_marks: bool = False
    garbled_marks: bool = False  # a text whose marks read as garbled has them settled by the LM
    #: the line-end margins past a column's measure and within it, where a page's geometry tells (None: off)
    line_end_reach: tuple[float, float] | None = None
    #: the mark-choice model with the engine's channel counted on the pages (None: no mark-choice stage)
    mark_choice: MarkModel | None = None
    #: the line-end marks picked by ``mark_choice`` (a profile's ``line_end_mark_choice``)
    line_end_mark_choice: bool = False


def choose_stages(pairs: Sequence[Pair], sources: Sequence[str], models: "Models", log: Callable[[str], None],
                  always: Collection[str] = ()) -> Stages:
    """The pattern stages the training pairs bear out (``always``: see :func:`choose_rules`)."""
    log("symbol rules, line-end marks, deletions and traditional forms on the training pairs:")
    rules = choose_rules(pairs, sources, models.lm, log, always)
    ends = line_ends(pairs, sources, models.lm) if any(p.page for p in pairs) else None
    margin, reach = choose_line_end_marks(pairs, sources, models.lm, log, ends) if ends is not None else (None, None)
    length = choose_length(pairs, sources, models.lm, log) if any(p.page for p in pairs) else None
    variants = bool(models.variants) and choose_variants(pairs, sources, models.lm, models.variants, log)
    garbled = choose_garbled_marks(pairs, sources, models.lm, rules, log)
    marks = choose_mark_choice(pairs, sources, models.lm, models.mark_context, log) \
        if models.mark_context is not None and any(p.page for p in pairs) else None
    picks = marks is not None and margin is not None and choose_line_end_picks(pairs, sources, models.lm, marks, margin,
                                                                                 log, ends)
    return Stages(tuple(rules), margin is not None, variants, margin, length, garbled_marks=garbled, line_end_reach=reach,
                  mark_choice=marks, line_end_mark_choice=picks)


def choose_clean_print_marks(corrector: Corrector, pairs: Sequence[Pair], log: Callable[[str], None]) -> bool:
    """Whether marks put back at wrapped line ends stay in blocks that read like clean print too
    (weights with a clean-print pass withdraw them there otherwise): the training pages corrected
    both ways. The stage has earned its place on all blocks (:func:`choose_line_end_marks`), so it
    is withdrawn from clean print only where it fixes no more there than it introduces (Tesseract
    rarely loses a mark on clean print, and the LM's taste for an optional comma outweighs the few
    it does). ``corrector``'s stages are left set accordingly."""
    pages = [pair for pair in pairs if pair.page]
    tallies = []
    for keep in (False, True):
        corrector.stages = dataclasses.replace(corrector.stages, line_end_marks_in_clean_print=keep)
        fixed = introduced = 0
        for pair in tqdm(pages, desc="line-end marks in clean print", unit="page", file=sys.stderr, leave=False):
            result = score_text(pair, pair.source, pair.corrected(corrector))
            fixed, introduced = fixed + result[0], introduced + result[1]
        tallies.append((fixed, introduced))
    gain = (tallies[1][0] - tallies[0][0], tallies[1][1] - tallies[0][1])
    keep = gain[0] > gain[1]
    corrector.stages = dataclasses.replace(corrector.stages, line_end_marks_in_clean_print=keep)
    log(f"  line-end marks in blocks that read like clean print: fixed {gain[0]:+d}, introduced {gain[1]:+d} -> "
        f"{'kept there' if keep else 'withdrawn there'}")
    return keep
