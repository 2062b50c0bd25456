"""Line boxes that run across a column gutter, cut at it by the character pitch (PP-OCR JSON).

On a page whose column gutters are about one character wide, PP-OCR's detector reads the rows of
two or three columns side by side as one line box with one text string. A format of one box per
line (PaddleOCR, RapidOCR) has no word boxes to cut it at, so the layout cannot part the columns.
Chinese is set on a fixed pitch: where a character stands inside a line box follows from the box
and the characters before it (a digit or a Latin letter half a cell, see
:func:`~ocrfix.text_reflow.display_width`), and the page's other lines set out where the columns'
edges are (lines ending at a column's right edge, lines starting at the next one's left edge: see
:func:`~ocrfix.formats.line_splits.page_gutters`). A line is cut at such a gutter (:func:`cuts`) only where

* it is set in body type: its box less than ``BODY ×`` the page's median line height tall, no
  wider than ``SPACED × p`` a character, gutters and all (``p``: the body's character pitch, see
  :class:`Pitch`), nor ``LARGE ×`` as tall and ``LOOSE × p`` as wide a character at once — a
  headline or a kicker across columns is set larger or spaced;
* it runs ``INTO × p`` into both columns, and lines within ``NEAR ×`` the line height above or
  below set out both: one from about where the piece before the gutter starts (``START × p``:
  either may be indented) to the gutter's left side, one from its right side (a line of another
  story's columns, cut at other places, does not);
* the piece's characters, set at ``p`` from where it starts, end within ``FIT × p`` of the
  gutter's left side: the left column's row is a full line, as a row the engine merged is (a
  closing mark or a stop after them hangs into the gutter and goes with it);
* the characters after the cut, set at ``p`` back from the box's right end, start between
  ``FIT × p`` left of the gutter's right side and ``START × p`` right of it (the first line of a
  paragraph is indented): the box holds the gutter's blank besides its text;
* its last piece ends a sentence (a paragraph's last line) or where a column that the lines near
  set out ends (or a mark hangs past it);
* its pieces from one column edge to the next are as wide (within ``START × p``: the first may be
  indented): one story's columns are (a gutter of another story's columns set out nearby parts
  the line where no gutter of its own is).

The pieces' boxes are the box cut at the gutters' sides, the last piece's left end set back from
the box's right end by its characters (an indented first line of a paragraph stays indented).
"""
from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from itertools import accumulate
from operator import attrgetter
from typing import NamedTuple

from ..text_reflow import char_width, display_width, ends_sentence
from .line_splits import Gutter, page_gutters
from .model import Box
from .placed import NO_LINE_START, PITCH_CHARS

BODY = 1.2  # × the median line height: a taller box is no body line (a headline, a kicker)
SPACED = 1.2  # × the pitch: a line set wider than this a character (with its gutters) is no body line (a headline, a kicker)
LARGE, LOOSE = 1.1, 1.1  # × the median line height, × the pitch: nor is a line as tall and as wide a character as these
FIT = 0.5  # × the pitch: how far the estimated ends of the pieces may miss the gutter's sides
INTO = 2.0  # × the pitch: how far a cut line runs into each column at least
NEAR = 10.0  # × the median line height: how far above or below a cut line the lines setting out its columns may lie
START = 2.5  # × the pitch: how far apart the left ends of a cut line's piece and of a line setting out its column may be


class Pitch(NamedTuple):
    """How wide the body's lines are set: a line of ``n`` characters (in cells) is ``n × p + c`` wide."""

    p: float  # the character pitch
    c: float  # what the engine's box adds to the characters' cells (its padding, less the blank in the cells at the ends)


def _pitch(lines: list[tuple[str, Box]], h: float) -> Pitch | None:
    """The body's :class:`Pitch`, fitted on its lines of ``PITCH_CHARS`` cells or more: the median
    slope between pairs of lines ``2`` cells or more apart (lines of as many cells taken at their
    median width, a pair weighing as many pairs of lines), then the median rest. Merged lines, a
    few, are as wide a cell but for their gutters."""
    found = [(width, box.width) for text, box in lines if box.height < BODY * h and (width := display_width(text)) >= PITCH_CHARS]
    widths: dict[float, list[int]] = {}
    for n, w in found:
        widths.setdefault(n, []).append(w)
    groups = sorted((n, statistics.median(ws), len(ws)) for n, ws in widths.items())
    slopes = sorted(((w2 - w1) / (n2 - n1), k1 * k2) for i, (n1, w1, k1) in enumerate(groups) for n2, w2, k2 in groups[i + 1:] if n2 - n1 >= 2)
    if not slopes:
        return None
    half, seen = sum(k for _, k in slopes) / 2, 0
    p = next(slope for slope, k in slopes if (seen := seen + k) >= half)  # the weighted median
    return Pitch(p, statistics.median(w - n * p for n, w in found)) if p > 0 else None


def cuts(lines: list[tuple[str, Box | None]]) -> list[list[tuple[int, Box]]]:
    """Per line (its text, its box), where it is cut (see module docstring): ``(k, box)`` per
    piece, ``k`` the piece's first character's index in the text, ``box`` the piece's; a line that
    is not cut has no pieces."""
    boxed = [(text, box) for text, box in lines if box is not None and box.width > 0 and text.strip()]
    found: list[list[tuple[int, Box]]] = [[] for _ in lines]
    measured = _measured(boxed) if len(boxed) >= 2 else None
    if measured is None:
        return found
    h, pitch, gutters = measured
    near = _Near.of([box for _, box in boxed])
    for i, (text, box) in enumerate(lines):
        if box is None or not _body_line(text, box, h, pitch):
            continue
        inside = [g for g in gutters if box.x0 <= g.x0 - INTO * pitch.p and box.x1 >= g.x1 + INTO * pitch.p]
        if inside:
            found[i] = _pieces(text, box, inside, near.around(box, NEAR * h), h, pitch)
    return found


def _measured(boxed: list[tuple[str, Box]]) -> tuple[float, Pitch, list[Gutter]] | None:
    """The median height of a page's lines (their text, their box), the body's pitch and the
    column gutters the lines set out (see :func:`~ocrfix.formats.line_splits.page_gutters`);
    None without a pitch or a gutter."""
    h = float(statistics.median(box.height for _, box in boxed))
    pitch = _pitch(boxed, h)
    if pitch is None:
        return None
    gutters = page_gutters([(box, float(box.height), True) for _, box in boxed], h)
    return (h, pitch, gutters) if gutters else None


def _body_line(text: str, box: Box, h: float, pitch: Pitch) -> bool:
    """Whether a line (its text, its box) is set in body type: less than ``BODY × h`` tall (``h``:
    the median line height), no wider than ``SPACED × p`` a character, gutters and all, nor
    ``LARGE × h`` as tall and ``LOOSE × p`` as wide a character at once."""
    if box.height >= BODY * h:
        return False
    spaced = (box.width - pitch.c) / (pitch.p * max(display_width(text), 0.5))  # × p a character, with its gutters
    return not (spaced > SPACED or spaced > LOOSE and box.height >= LARGE * h)


class _Near(NamedTuple):
    """A page's line boxes sorted by their middles (``middles``), for the lines near one."""

    boxes: list[Box]
    middles: list[float]

    @staticmethod
    def of(boxes: list[Box]) -> "_Near":
        by_middle = sorted(((box.y0 + box.y1) / 2, box) for box in boxes)
        return _Near([b for _, b in by_middle], [m for m, _ in by_middle])

    def around(self, box: Box, reach: float) -> list[Box]:
        """The boxes whose middles stand within ``reach`` of ``box``'s."""
        middle = (box.y0 + box.y1) / 2
        return self.boxes[bisect_left(self.middles, middle - reach):bisect_right(self.middles, middle + reach)]


def _column(x0: float, x1: float, near: list[Box], h: float, p: float) -> bool:
    """Whether a line of ``near`` (boxes of the lines near a cut line) sets out a column from
    about ``x0`` (``START ×`` the pitch ``p``: either line may be indented) to ``x1`` (``h / 2``,
    as column edges are grouped: see :func:`~ocrfix.formats.line_splits._page_edges`)."""
    return any(abs(b.x1 - x1) <= h / 2 and abs(b.x0 - x0) <= START * p for b in near)


def _pieces(text: str, box: Box, gutters: list[Gutter], near: list[Box], h: float, pitch: Pitch) -> list[tuple[int, Box]]:
    """The pieces of one line at those of ``gutters`` (each inside its box) that it crosses (see
    module docstring; ``near``: the boxes of the lines near it); none when it crosses none."""
    line = _Crossing(text, box, near, h, pitch, [0.0, *accumulate(char_width(ch) * pitch.p for ch in text)])
    starts, used = line.cuts(gutters)
    if not used:
        return []
    ends_at = line.last_ends(used[-1])
    if not (ends_at or ends_sentence(text)) or not line.as_wide(used, ends_at):
        return []
    return line.pieces(starts, used)


class _Crossing(NamedTuple):
    """A line that crosses gutters, to cut: its text and box, the boxes of the lines ``near`` it,
    the median line height ``h``, the body's pitch and ``ends[k]``, the width of its first ``k``
    characters' cells."""

    text: str
    box: Box
    near: list[Box]
    h: float
    pitch: Pitch
    ends: list[float]

    def cuts(self, gutters: list[Gutter]) -> tuple[list[int], list[Gutter]]:
        """Each piece's first character and the gutters cut at, left to right (:meth:`cut_at`)."""
        starts, used = [0], []
        for gutter in sorted(gutters, key=attrgetter("x0")):
            if used and gutter.x0 < used[-1].x1 + INTO * self.pitch.p:  # another pair of edges of a gutter cut at
                continue
            k = self.cut_at(gutter, starts[-1], used[-1].x1 if used else self.box.x0)
            if k is not None:
                starts.append(k)
                used.append(gutter)
        return starts, used

    def cut_at(self, gutter: Gutter, at: int, x: float) -> int | None:
        """The first character after a cut at ``gutter`` of the piece that starts with character
        ``at``, its box at ``x``: where lines near set out the columns on both sides, the piece's
        characters end at the gutter's left side and the rest's start at its right side; else None."""
        p, c = self.pitch
        text, ends = self.text, self.ends
        if not _column(x, gutter.x0, self.near, self.h, p) or not any(abs(b.x0 - gutter.x1) <= self.h / 2 for b in self.near):
            return None
        # the boundary whose characters before it (from the piece's start) end nearest the gutter's left side
        k = min(range(at + 1, len(text)), key=lambda j: abs(x + ends[j] - ends[at] + c - gutter.x0), default=None)
        if k is None or abs(x + ends[k] - ends[at] + c - gutter.x0) > FIT * p:
            return None
        # closing marks and stops hang past the column's edge into the gutter (no line starts with
        # one), and a blank the engine read in the gutter goes with the piece before
        while k < len(text) and (text[k] in NO_LINE_START or text[k].isspace()):
            k += 1
        if not -FIT * p <= self.box.x1 - (ends[-1] - ends[k]) - c - gutter.x1 <= START * p:
            return None
        return k if text[at:k].strip() and text[k:].strip() else None

    def last_ends(self, last: Gutter) -> list[float]:
        """Where the last piece, after the gutter ``last``, ends where a column that the lines near
        set out ends: at the box's right end, or a character before it where a closing mark or a
        stop hangs past the column's edge."""
        box, p = self.box, self.pitch.p
        return [x for x in (box.x1, box.x1 - p if self.text.rstrip()[-1:] in NO_LINE_START else None)
                if x is not None and _column(last.x1, x, self.near, self.h, p)]

    def as_wide(self, used: list[Gutter], ends_at: list[float]) -> bool:
        """Whether the pieces that run from one column edge to the next (the first may be
        indented; the last where it ends at a column's end, ``ends_at``) are as wide, as the
        columns of one story are."""
        spans = [used[0].x0 - self.box.x0, *[after.x0 - before.x1 for before, after in zip(used, used[1:])],
                 *[x - used[-1].x1 for x in ends_at[:1]]]
        return max(spans) - min(spans) <= START * self.pitch.p

    def pieces(self, starts: list[int], used: list[Gutter]) -> list[tuple[int, Box]]:
        """The pieces, each its first character and its box: the box cut at the gutters' sides, the
        last piece's left end set back from the box's right end by its characters."""
        box = self.box
        pieces = [(starts[0], Box(box.x0, box.y0, round(used[0].x0), box.y1))]
        pieces += [(k, Box(round(before.x1), box.y0, round(after.x0), box.y1)) for k, before, after in zip(starts[1:], used, used[1:])]
        last = max(used[-1].x1, box.x1 - (self.ends[-1] - self.ends[starts[-1]]) - self.pitch.c)
        return [*pieces, (starts[-1], Box(round(last), box.y0, box.x1, box.y1))]
