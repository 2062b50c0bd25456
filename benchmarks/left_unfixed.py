"""What the corrector leaves of the characters an engine dropped and of the marks it confused: by kind and by why.

    python -m benchmarks.left_unfixed PAGES... [--profile ppocr] [--lm LM] [--list]

Each page's raw OCR is corrected; the corrector's own reflow of it (``Result.source``) and its output are each
aligned with the ground truth as ``benchmarks.length_classes pages`` aligns them (whitespace ignored, widths
folded, each stretch between two characters read right paired by kind), so the counts are that table's.

A dropped ground-truth character the output still lacks (or has another character for) is counted by kind —
a mark hung at a printed line end (a wrapped line end the reflow joined), a mark at a paragraph end, a mark
inside a line (or at the text's start or end), a quote or bracket (either mark of a pair, anywhere), a Han character, a digit
or Latin letter — and by why it is still missing: another character put back there; put back by a stage and
withdrawn in a block that reads like clean print; at a line end, not a site of the line-end stage (after a mark
or symbol, before a closing mark, protected), not among its marks (a ``”`` outside a quotation it sees open, a
``》``), its best mark below the margin (the lost mark, or another the LM liked better), or over the margin and
another stage's change there first; a closing mark in a quotation the pair stage finds unclosed but below its
gates; at a paragraph end, the ``final-period`` rule's: the paragraph ends in a mark or symbol, is no body
paragraph by its guard, or the LM's sentence end is below the rule's margin; elsewhere no stage proposes it.

A confused mark (a ground-truth mark read as another character) left unfixed is counted by what was read and
what is true, where it stands (it ended a printed line or not) and by why: changed to another wrong mark;
changed by a stage and withdrawn in clean print; or the mark-choice model's view of it
(``benchmarks.mark_choice.candidate``): no class for the true mark, read as no mark of the model, not a site
(its neighbours are not running text), a site of no model, or scored below the model's margin (with the true
mark the model's best, or another).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import NamedTuple

from tqdm import tqdm

from benchmarks.length_classes import DROPPED, WHERE, char_status, paired_by_kind, where_lost
from benchmarks.mark_choice import candidate
from ocrfix.correction import line_marks
from ocrfix.correction.corrector import Corrector
from ocrfix.correction.line_marks import MarkChoice, hung_marks_read, line_end_choices, wrapped_line_ends
from ocrfix.correction.pair_marks import readings, spans_to_close
from ocrfix.correction.rules import period_gain
from ocrfix.normalize import is_han
from ocrfix.segment import protected_mask
from ocrfix.textio import read_text
from ocrfix.training.confusions.length import anchored
from ocrfix.training.fit import page_pairs

HUNG, PARAGRAPH_END, INSIDE, QUOTE, HAN, ALNUM = KINDS = (
    "hung mark at a printed line end", "mark at a paragraph end", "mark inside a line or elsewhere",
    "quote or bracket", "Han character", "digit or Latin")
#: Marks of a pair, a kind of their own wherever they were lost.
PAIR_MARKS = "“‘《（「『”’》）」』"

ANOTHER = "another character put back"
WITHDRAWN = "put back, withdrawn in clean print"
NOT_A_SITE = "no candidate: not a line-end site (after a mark or symbol, before a closing mark, protected)"
NOT_OFFERED = "no candidate: not among the line-end marks (no quotation seen open, or not a mark the stage offers)"
BELOW = "proposed below the margin"
BELOW_OTHER = "below the margin, the LM's best another mark"
TAKEN = "over the margin, another stage's change there first"
PAIR_GATE = "in an unclosed pair, below the pair stage's gates"
ENDS_IN_MARK = "no candidate: the paragraph ends in a mark or symbol"
NOT_BODY = "rule's gate: not a body paragraph (final-period's guard)"
BELOW_RULE = "below the rule's margin (final-period)"
NO_RULE = "no candidate: the profile has no paragraph-end rule"
NO_STAGE = "no candidate: no stage inserts it there"

CHANGED = "changed to another wrong mark"
BELOW_MODEL = "mark-choice site, the true mark its best, below its margin"
OTHER_MODEL = "mark-choice site, another mark its best"


class PageStages(NamedTuple):
    """What the corrector's stages before the decoder make of one page's reflowed text."""

    text: str  # the corrector's reflow of the page (``Result.source``)
    joins: frozenset[int]  # wrapped line ends: offsets of the characters that began a printed line
    choices: Mapping[int, MarkChoice]  # the line-end stage's best mark at each line end it weighs
    margin: float  # the gain a lost mark needs at a line end
    inserted: Mapping[int, str]  # what the pattern stages inserted, by offset (before the clean-print withdrawal)
    changed: Mapping[int, str]  # offsets of characters the pattern stages replaced or deleted: what they read there
    unclosed: Sequence[tuple[int, int, str]]  # the pair stage's spans (:func:`~ocrfix.correction.pair_marks.spans_to_close`)
    #: why the paragraph-end rule put no '。' at the end offset of a paragraph (None: it proposed one)
    period: Callable[[int], str | None]


def page_stages(corrector: Corrector, raw: str, text: str) -> PageStages:
    """:class:`PageStages` of the page read as ``raw``, which the corrector reflowed into ``text``."""
    wrapped, _, reflowed = corrector._reflowed(raw, None)
    if reflowed != text:
        raise ValueError("the corrector's reflow is not the text its edits apply to")
    joins = wrapped_line_ends(wrapped, text)
    protected = protected_mask(text, corrector.keep)
    choices = line_end_choices(text, joins, corrector.lm, protected) if corrector.stages.line_end_marks and joins else []
    hung = hung_marks_read(wrapped)
    margin = corrector.line_end_margin(text, joins, protected, choices, corrector.hung_marks_dropped(choices, hung))
    staged = corrector._pattern_changes(text, joins, None, hung)
    changed = readings(staged)
    rule = next((rule for rule in corrector.rules if rule.name == "final-period"), None)

    def period(end: int) -> str | None:
        if rule is None:
            return NO_RULE
        match = rule.pattern.search(text, end)
        if match is None or match.start() != end:
            return ENDS_IN_MARK
        if rule.guard is not None and not rule.guard(text, match):
            return NOT_BODY
        if rule.min_gain is not None and period_gain(corrector.lm, text, end, 0) <= rule.min_gain:
            return BELOW_RULE
        return None

    return PageStages(text, frozenset(joins), dict(choices), line_marks.MIN_GAIN if margin is None else margin,
                      {start: replacement for start, original, replacement, *_ in staged if not original}, changed,
                      spans_to_close(text, joins, changed), period)


class Left(NamedTuple):
    kind: str
    why: str
    what: str  # the true character (a confused mark: "read -> true")
    context: str  # where it stands in the reflowed text (a line end: with its best mark's gain)


def dropped_kind(true: str, where: str) -> str:
    """The kind (:data:`KINDS`) of a dropped ground-truth character ``true`` lost ``where`` (of :data:`WHERE`)."""
    if is_han(true):
        return HAN
    if true.isalnum():
        return ALNUM
    if true in PAIR_MARKS:
        return QUOTE
    return {WHERE[0]: HUNG, WHERE[1]: PARAGRAPH_END}.get(where, INSIDE)


def _line_end_why(stages: PageStages, offset: int, true: str) -> str:
    """Why the line-end stages put no ``true`` back at the line end before ``text[offset]``."""
    if any(after < offset <= before and closing == true for after, before, closing in stages.unclosed):
        return PAIR_GATE
    choice = stages.choices.get(offset)
    if choice is None:
        return NOT_A_SITE
    if true not in line_marks.MARKS or (true == "”" and not line_marks.quote_open(stages.text, offset)):
        return NOT_OFFERED
    if choice.gain <= stages.margin:
        return BELOW if choice.mark == true else BELOW_OTHER
    return TAKEN


def why_dropped(stages: PageStages, true: str, where: str, left: int | None, right: int | None) -> str:
    """Why no stage put the dropped ``true`` back between the non-space characters at offsets ``left`` and
    ``right`` of the reflowed text (None: its start or end), lost ``where`` (of :data:`WHERE`)."""
    ends = [offset for offset in (right, None if left is None else left + 1) if offset is not None]
    if any(offset in stages.inserted for offset in ends):
        return WITHDRAWN
    if is_han(true) or true.isalnum():
        return NO_STAGE
    if where == WHERE[0] and right is not None:
        return _line_end_why(stages, right, true)
    if where == WHERE[1] and left is not None and true == "。":
        return stages.period(left + 1) or TAKEN
    return NO_STAGE


def _context(text: str, offset: int | None) -> str:
    at = len(text) if offset is None else offset
    return (text[max(0, at - 8):at] + "|" + text[at:at + 8]).replace("\n", "⏎")


def left_dropped(stages: PageStages, output: str, gt: str) -> list[Left]:
    """Each dropped ground-truth character of ``stages.text`` that ``output`` does not put back, with its kind and why."""
    text = stages.text
    before, after = paired_by_kind(anchored(text, gt)), paired_by_kind(anchored(output, gt))
    now = char_status(after)
    nonspace = [k for k, ch in enumerate(text) if not ch.isspace()]
    rows = []
    last = None  # the non-space index read for the last ground-truth character read
    for j, i in enumerate(before.at):
        if i is not None:
            last = i
            continue
        if now[j] is None:
            continue
        true = before.gt[j]
        where = where_lost(text, stages.joins, nonspace, last)
        following = 0 if last is None else last + 1
        left = None if last is None else nonspace[last]
        right = nonspace[following] if following < len(nonspace) else None
        why = ANOTHER if now[j] != DROPPED else why_dropped(stages, true, where, left, right)
        choice = stages.choices.get(right) if where == WHERE[0] else None
        note = "" if choice is None else f" (best {choice.mark} {choice.gain:+.2f}, margin {stages.margin})"
        rows.append(Left(dropped_kind(true, where), why, true, _context(text, right) + note))
    return rows


def left_confused(stages: PageStages, output: str, gt: str, judge: Callable[[int, str, bool], str]) -> list[Left]:
    """Each ground-truth mark read as another character in ``stages.text`` that ``output`` leaves wrong, by
    (read -> true, where: it ended a printed line or not) and why; ``judge``: the mark-choice model's view
    of the read mark at an offset, its true mark and whether it ended a line (:func:`benchmarks.mark_choice.candidate`)."""
    text = stages.text
    before, after = paired_by_kind(anchored(text, gt)), paired_by_kind(anchored(output, gt))
    was, now = char_status(before), char_status(after)
    nonspace = [k for k, ch in enumerate(text) if not ch.isspace()]
    rows = []
    for j, status in enumerate(was):
        if status != "confused mark" or now[j] is None:
            continue
        i, o = before.at[j], after.at[j]
        read, true, offset = before.hyp[i], before.gt[j], nonspace[i]
        line_end = offset + 1 in stages.joins
        if o is not None and after.hyp[o] != read:
            why = CHANGED
        elif offset in stages.changed:
            why = WITHDRAWN
        else:
            found = judge(offset, true, line_end)
            why = found if not found.startswith("site, scored") else BELOW_MODEL if f"best {true}," in found else OTHER_MODEL
        rows.append(Left(f"{read} -> {true}, {'line end' if line_end else 'inside a line'}", why, f"{read}->{true}",
                         _context(text, offset)))
    return rows


def census(corrector: Corrector, pages: Sequence[tuple[Path, Path]]) -> tuple[list[tuple[str, Left]], list[tuple[str, Left]]]:
    """(page, :class:`Left`) of each dropped character and each confused mark the corrector leaves, on ``pages``."""
    dropped, confused = [], []
    for ocr_path, gt_path in tqdm(pages, desc="pages", file=sys.stderr):
        raw, gt = read_text(ocr_path), read_text(gt_path)
        result = corrector.correct(raw)
        stages = page_stages(corrector, raw, result.source)
        dropped += [(ocr_path.name, row) for row in left_dropped(stages, result.text, gt)]
        confused += [(ocr_path.name, row) for row in left_confused(stages, result.text, gt, partial(candidate, corrector, stages.text))]
    return dropped, confused


def table(rows: Sequence[tuple[str, Left]], first: str) -> str:
    """Counts by kind (rows) and why (columns, commonest first), with each kind's total."""
    counts = Counter((row.kind, row.why) for _, row in rows)
    whys = [why for why, _ in Counter(row.why for _, row in rows).most_common()]
    kinds = [kind for kind, _ in Counter(row.kind for _, row in rows).most_common()]
    lines = [f"| {first} | all | " + " | ".join(whys) + " |", "|---" * (len(whys) + 2) + "|"]
    for kind in kinds:
        lines.append(f"| {kind} | {sum(counts[kind, why] for why in whys)} | "
                     + " | ".join(str(counts[kind, why]) for why in whys) + " |")
    lines.append(f"| all | {len(rows)} | " + " | ".join(str(sum(counts[kind, why] for kind in kinds)) for why in whys) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.left_unfixed", description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", type=Path, nargs="+", help="directories of NAME.ocr.txt + NAME.gt.txt pages")
    parser.add_argument("--profile", help="engine profile (default: the shipped models)")
    parser.add_argument("--lm", type=Path, help="another LM file (default: the shipped one)")
    parser.add_argument("--list", action="store_true", help="also list each character left, in context")
    args = parser.parse_args(argv)
    corrector = Corrector(model=args.lm, profile=args.profile)
    dropped, confused = census(corrector, page_pairs(*args.pages))
    print(table(dropped, "dropped, not put back: kind"), "", table(confused, "confused marks, not fixed"), sep="\n")
    if args.list:
        for page, row in dropped + confused:
            print(page, row.what, row.kind, "|", row.why, "|", row.context)
    return 0


if __name__ == "__main__":
    sys.exit(main())
