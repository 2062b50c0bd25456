"""Printed lines whose box reaches past their column's measure with no mark read: where an engine
boxed the ink of a hung mark and dropped the mark.

Print hangs a closing mark (``，。、``) past the right edge of a full line. An engine that finds
text lines as regions (PP-OCR's detector) boxes part of that mark's ink with the line, and its
recogniser may still drop the mark: the line's box then ends past the column's measure (the right
edge of its full lines, slanted on a scan turned a little) while its text ends in a Han character.
A line end the geometry marks so is evidence of a lost mark the plain text lacks; a line end that
stays inside the measure is evidence against one (the corrector's line-end stage weighs both where
the profile asks: ``line_end_reach``). On RapidOCR's JSON of 120 single-story training pages
(benchmarks/RESULTS.md, "Hung marks: the line box as evidence" and "The line box's measure slanted
with the scan") 68 of the 89 wrapped line ends whose hung mark the engine dropped reach
:data:`REACH` of the line height past the measure, against 188 of 5,659 that lost nothing.
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations
from typing import NamedTuple

from .model import Box
from .skew import LEAST

#: How far past its column's measure (the right edge of the column's wrapped lines, see :func:`_reaching`), in
#: line heights, a line's box reaches where the engine boxed a hung mark's ink.
REACH = 0.1
#: The fewest wrapped lines of a column that set its measure.
MIN_LINES = 3


class PrintedLine(NamedTuple):
    """A printed line of a paragraph of several, as the cue reads it."""

    story: int
    box: Box
    runs_on: bool  # a line of its paragraph follows
    last: int  # its last character's offset in the printed text; -1: not a letter, digit or Han character


def reaching_ends(wrapped: str, blocks: Iterable[tuple[int, Sequence[str], Sequence[Box]]]) -> frozenset[int]:
    """Offsets in ``wrapped`` (a reflow's text as printed, :meth:`~.layout.Reflowed.wrapped`) of the
    last character of each printed line that runs on to the next line of its paragraph, ends in a
    letter, digit or Han character and whose box reaches :data:`REACH` past its column's measure.

    ``blocks``: per paragraph in ``wrapped``'s order, its story, its printed lines' texts and their
    boxes (each paragraph's lines on lines of their own in ``wrapped``, as written there). A
    column's measure is taken over the wrapped lines of its story's paragraphs that overlap it."""
    placed = list(_placed_lines(wrapped, blocks))
    ends: set[int] = set()
    for story in {line.story for line in placed}:
        for column in _columns([line for line in placed if line.story == story]):
            ends.update(_reaching(column))
    return frozenset(ends)


def _placed_lines(wrapped: str, blocks: Iterable[tuple[int, Sequence[str], Sequence[Box]]]) -> Iterator[PrintedLine]:
    """The printed lines of the paragraphs of several lines of ``blocks``, placed in ``wrapped``."""
    cursor = 0
    for story, lines, boxes in blocks:
        if len(lines) < 2 or len(boxes) != len(lines):
            continue
        start = wrapped.find("\n".join(lines), cursor)
        if start < 0:
            continue
        for k, (line, box) in enumerate(zip(lines, boxes)):
            yield PrintedLine(story, box, k < len(lines) - 1, start + len(line) - 1 if line[-1:].isalnum() else -1)
            start += len(line) + 1
        cursor = start


def _columns(lines: list[PrintedLine]) -> list[list[PrintedLine]]:
    """``lines`` grouped by column: a line joins the first column whose first line's x-extent it
    overlaps by half the narrower of the two."""
    columns: list[list[PrintedLine]] = []
    for line in sorted(lines, key=lambda line: line.box.x0):
        box = line.box
        for column in columns:
            first = column[0].box
            overlap = min(box.x1, first.x1) - max(box.x0, first.x0)
            if overlap >= 0.5 * min(box.width, first.width):
                column.append(line)
                break
        else:
            columns.append([line])
    return columns


def _reaching(column: list[PrintedLine]) -> Iterator[int]:
    """The offsets of the column's lines that run on, end in a letter and reach past its measure where
    they stand: the right edge of such lines as a straight line down the column (Theil-Sen: the
    median of the slopes between them, then the median intercept), which a scan turned a little slants;
    no steeper than the layout reads a page as it is (:data:`.skew.LEAST`), so that in a short column one
    line reaching past the edge cannot tilt it."""
    wrapped = [(line.box, line.last) for line in column if line.runs_on and line.last >= 0]
    if len(wrapped) < MIN_LINES:
        return
    middles = [(box.y0 + box.y1) / 2 for box, _ in wrapped]
    slopes = [(q.x1 - p.x1) / (y - x) for ((p, _), x), ((q, _), y) in combinations(zip(wrapped, middles), 2) if y != x]
    slope = min(LEAST, max(-LEAST, statistics.median(slopes))) if slopes else 0.0
    edge = statistics.median(box.x1 - slope * y for (box, _), y in zip(wrapped, middles))
    height = statistics.median(box.height for box, _ in wrapped)
    yield from (last for (box, last), y in zip(wrapped, middles) if box.x1 - (edge + slope * y) >= REACH * height)
