"""Marks lost at wrapped line ends, put back where the LM asks for one.

Print hangs a closing mark (，。、”…) past the column edge when the line is already full.
Engines that read the line inside its box (PP-OCR among them) drop it: on RapidOCR pages most
missing marks sit right at a line end. After the reflow has joined the column lines of a
paragraph, each join after a Han character, letter or digit and before anything but a closing mark
is a place where a mark may have hung (after a symbol — a straight ``"``, a ``*`` — the engine
has already read the mark, wrongly: the symbol rules and the decoder handle it); the mark the LM
likes best there is inserted where it beats running on by more than :data:`MIN_GAIN` (log10),
moved by how full the line that ends there is (:func:`line_fills`, :data:`FILL_SHIFTS`): a column
line is set to the column's width, so one a cell short of its neighbours has lost a character,
while a full one lost at most a mark hung past the edge.
"""
from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import NamedTuple

from .features import LanguageModel
from .rules import mark_scores

#: Tuned on column-wrapped training news (``python -m benchmarks.line_marks margins``, months
#: 2019-10 and 2020-02: 400 paragraphs of whole sentences each, broken at 12-14 cells with
#: hanging marks, then the hung marks dropped): of 834 line ends that lost a mark, 46 % and 43 %
#: got the right one back at 1.5 (3-5 % another mark), against 1 and 4 insertions at the 8,674
#: line ends that lost nothing (about one per 14,000 characters); at 1.0: 55 % and 54 %, against 5
#: and 12; at 2.0: 37 % and 35 %, against 0 and 2.
MIN_GAIN = 1.5
#: Marks that may have hung; "”" only inside an open quotation.
MARKS = ("，", "。", "、", "；", "：", "”")
#: Characters either side the LM sees: the news LM's order (6-grams). With 4, as first shipped,
#: the same margin put back 35 % and 36 % of those marks (RapidOCR training pages: 30 of 53
#: against 35); more than 6 changes no score.
SPAN = 6
SOURCE = "rule:line-end-mark"
CLOSING = "，。、；：？！”’）》」』〕】…—,.;:?!)"
#: Added to the margin at a line end by the fill of the line (:func:`line_fills`): a line one cell
#: short of the column's usual width lost a character, most often a mark at its end; a full line
#: lost at most a mark hung past the edge, and mostly nothing. Logistic regression of "the LM's best
#: mark was lost here" on the LM gain and the two fills, on the 40 training pages (both engines,
#: 4,400 line ends) whose text the fold LMs never saw, cross-fitted by fold: -0.97 / +0.82 and
#: -1.27 / +0.68 (gain units), -1.33 / +0.68 on all 40 (``python -m benchmarks.line_marks fills``).
FILL_SHIFTS = {-1: -1.25, 0: 0.75}
#: Lines either side whose usual width a line's fill is measured against, and the shortest counted.
FILL_NEIGHBOURS, FILL_MIN_CHARS = 8, 5
HALF_WIDTH_CELLS = 0.55  # cells of a half-width letter or digit


def _joined(raw: str, reflowed: str) -> Iterator[tuple[int, int]]:
    """(offset in ``reflowed``, offset in ``raw`` of the last non-space character before it) of each
    character that began a line of ``raw`` which the reflow joined onto the line before
    (``reflowed`` differs from ``raw`` in whitespace only)."""
    raw_pos = -1
    previous: tuple[int, int] | None = None  # raw and reflowed position of the last non-space character
    for pos, ch in enumerate(reflowed):
        if ch.isspace():
            continue
        raw_pos = raw.index(ch, raw_pos + 1)
        if previous is not None and "\n" in raw[previous[0]:raw_pos] and "\n" not in reflowed[previous[1]:pos]:
            yield pos, previous[0]
        previous = (raw_pos, pos)


def wrapped_line_ends(raw: str, reflowed: str) -> list[int]:
    """Offsets in ``reflowed`` of the characters that began a line of ``raw`` which the reflow
    joined onto the line before (``reflowed`` differs from ``raw`` in whitespace only)."""
    return [pos for pos, _ in _joined(raw, reflowed)]


def _cells(line: str) -> int:
    return round(sum(1.0 if ord(ch) >= 0x2000 else HALF_WIDTH_CELLS for ch in line if not ch.isspace()))


def line_fills(raw: str, reflowed: str) -> dict[int, int]:
    """Per wrapped line end of :func:`wrapped_line_ends`: the cells of the ``raw`` line that ends
    there less the usual cells of a line around it (the commonest of the :data:`FILL_NEIGHBOURS`
    lines either side with at least :data:`FILL_MIN_CHARS` characters, where one is commonest): 0
    for a full column line, -1 for one a cell short."""
    lines = raw.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    cells = [_cells(line) for line in lines]
    counted = [len("".join(line.split())) >= FILL_MIN_CHARS for line in lines]
    fills = {}
    for pos, raw_pos in _joined(raw, reflowed):
        k = bisect.bisect_right(starts, raw_pos) - 1
        near = [cells[n] for n in range(max(0, k - FILL_NEIGHBOURS), min(len(lines), k + FILL_NEIGHBOURS + 1)) if counted[n]]
        usual = Counter(near).most_common(2)
        if usual and (len(usual) == 1 or usual[0][1] > usual[1][1]):  # a tie: no usual width
            fills[pos] = cells[k] - usual[0][0]
    return fills


def _quote_open(text: str, offset: int) -> bool:
    """Whether a “ quotation is open at ``offset`` in its paragraph."""
    start = text.rfind("\n", 0, offset) + 1
    return text.rfind("“", start, offset) > text.rfind("”", start, offset)


class MarkChoice(NamedTuple):
    gain: float  # log10 gain of the mark over running on
    mark: str
    #: log10 lead of the mark over the next best one (where two fit about as well, as `，` and `。`
    #: between two clauses often do, the pick is a coin-flip; ``benchmarks.line_marks margins --lead``)
    lead: float


def best_mark(lm: LanguageModel, text: str, offset: int, span: int = SPAN) -> MarkChoice:
    """The best mark to insert at ``offset``."""
    options = tuple(mark for mark in MARKS if mark != "”" or _quote_open(text, offset))
    scores = mark_scores(lm, text, offset, 0, ("", *options), span)  # "": running on
    (best, mark), (second, _) = sorted(((scores[m] - scores[""], m) for m in options), reverse=True)[:2]
    return MarkChoice(best, mark, best - second)


def line_end_changes(text: str, joins: Sequence[int], lm: LanguageModel, protected: Sequence[bool],
                     min_gain: float | None = None, fills: Mapping[int, int] | None = None
                     ) -> list[tuple[int, str, str, float, tuple[str, ...]]]:
    """``(offset, "", mark, 1.0, (SOURCE,))`` insertions at the ``joins`` of ``text`` (see
    :func:`wrapped_line_ends`) after a Han character, letter or digit and before anything but a
    closing mark, neither protected, where
    the best mark gains more than ``min_gain`` (default :data:`MIN_GAIN`) moved by the line's fill
    (``fills`` of :func:`line_fills`; :data:`FILL_SHIFTS`)."""
    min_gain = MIN_GAIN if min_gain is None else min_gain
    fills = fills or {}
    changes = []
    for offset in joins:
        if not 0 < offset < len(text):
            continue
        before, after = text[offset - 1], text[offset]
        if (not before.isalnum() or after in CLOSING  # after a symbol (a straight '"', a '*'): a misread mark is there
                or protected[offset - 1] or protected[offset]):
            continue
        choice = best_mark(lm, text, offset)
        if choice.gain > min_gain + FILL_SHIFTS.get(fills.get(offset), 0.0):
            changes.append((offset, "", choice.mark, 1.0, (SOURCE,)))
    return changes
