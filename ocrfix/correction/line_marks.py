"""Marks lost at wrapped line ends, put back where the LM asks for one.

Print hangs a closing mark (，。、”…) past the column edge when the line is already full.
Engines that read the line inside its box (PP-OCR among them) drop it: on RapidOCR pages most
missing marks sit right at a line end. After the reflow has joined the column lines of a
paragraph, each join after a Han character, letter or digit and before anything but a closing mark
is a place where a mark may have hung (after a symbol — a straight ``"``, a ``*`` — the engine
has already read the mark, wrongly: the symbol rules and the decoder handle it); the mark the LM
likes best there is inserted where it beats running on by more than :data:`MIN_GAIN` (log10).
"""
from __future__ import annotations

from collections.abc import Sequence
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


def wrapped_line_ends(raw: str, reflowed: str) -> list[int]:
    """Offsets in ``reflowed`` of the characters that began a line of ``raw`` which the reflow
    joined onto the line before (``reflowed`` differs from ``raw`` in whitespace only)."""
    joins = []
    raw_pos = -1
    previous: tuple[int, int] | None = None  # raw and reflowed position of the last non-space character
    for pos, ch in enumerate(reflowed):
        if ch.isspace():
            continue
        raw_pos = raw.index(ch, raw_pos + 1)
        if previous is not None and "\n" in raw[previous[0]:raw_pos] and "\n" not in reflowed[previous[1]:pos]:
            joins.append(pos)
        previous = (raw_pos, pos)
    return joins


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
                     min_gain: float | None = None) -> list[tuple[int, str, str, float, tuple[str, ...]]]:
    """``(offset, "", mark, 1.0, (SOURCE,))`` insertions at the ``joins`` of ``text`` (see
    :func:`wrapped_line_ends`) after a Han character, letter or digit and before anything but a
    closing mark, neither protected, where
    the best mark gains more than ``min_gain`` (default :data:`MIN_GAIN`)."""
    min_gain = MIN_GAIN if min_gain is None else min_gain
    changes = []
    for offset in joins:
        if not 0 < offset < len(text):
            continue
        before, after = text[offset - 1], text[offset]
        if (not before.isalnum() or after in CLOSING  # after a symbol (a straight '"', a '*'): a misread mark is there
                or protected[offset - 1] or protected[offset]):
            continue
        choice = best_mark(lm, text, offset)
        if choice.gain > min_gain:
            changes.append((offset, "", choice.mark, 1.0, (SOURCE,)))
    return changes
