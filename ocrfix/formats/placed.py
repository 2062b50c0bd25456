"""A page's lines as the layout analysis places them, and what their boxes measure.

``h`` is the body text's median type size (:func:`char_height`); a word's letters are measured
without the punctuation at its ends (:func:`letter_extents`), since the engine reads scan specks
in a gutter as marks; a column rule read as ``|`` is no text (:func:`is_rule_text`, :func:`text_span`).
"""
from __future__ import annotations

import functools
import re
import statistics
from dataclasses import dataclass

from .model import Box, Line, Word
from .stories import _layout_kernel

ALNUM = re.compile(r"[^\W_]")
PITCH_CHARS = 4  # least characters of a line that measures the character pitch
HEADLINE = 1.25  # × h: type size that marks a headline where the size tells alone (gutter splits, column edges, the body's pitch; see HEADLINE_LINE)
SPECKS = "。，、.,|'`·"  # what the engine reads specks as
RULE = "|"  # what the engine reads a column rule as
#: Closing quotes and brackets, full-width stops and pauses: no printed line starts with one (a line that
#: does lost the characters before it), and one after a column's last character hangs past its edge.
NO_LINE_START = "”’）》」』〕】)]" + "，、；：。？！"


@dataclass(frozen=True)
class PlacedLine:
    """A printed line (or the part of one in one column) with its text and box."""

    text: str
    box: Box
    size: float  # type size (see char_height)
    order: int  # line number in ``doc.text()``
    words: tuple[Word, ...]

    #: The box without punctuation-only words at either end (scan specks in a gutter): what
    #: the story layout cuts on (set by :func:`~.line_splits.split_lines`).
    core: Box | None = None
    #: A table's row read as one line (see :func:`~.tables.table_rows`): its cells, left to right.
    cells: tuple["PlacedLine", ...] = ()

    @functools.cached_property
    def spread(self) -> tuple[int, int]:
        """Left and right ends without words of only what specks are read as (``SPECKS``) at
        either end: real punctuation (a colon, a quote mark) counts, unlike in ``core``."""
        return text_span(self, SPECKS)


def letter_extents(words: tuple[Word, ...]) -> list[tuple[float, float] | None]:
    """Per word of a line, the x-extent of its letters (a letter, digit or Han character):
    punctuation at its ends trimmed off, each character taken as an equal share of the box
    (``。。击`` is a speck read into a word). None for a punctuation-only word: it may be a scan
    speck (Tesseract reads noise in a gutter as ``。。``) and does not bridge a gutter."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.letters(words)
    extents: list[tuple[float, float] | None] = []
    for word in words:
        text, box = word.text, word.box
        if box is None or not text:
            extents.append(None)
        elif text[0].isalnum() and text[-1].isalnum():  # most words: no punctuation at either end
            extents.append((box.x0, box.x1))
        elif (found := ALNUM.search(text)) is None:
            extents.append(None)
        else:
            last = len(text) - ALNUM.search(text[::-1]).start()
            step = box.width / len(text)
            extents.append((box.x0 + found.start() * step, box.x0 + last * step))
    return extents


def low_height(words: tuple[Word, ...], letters: list[tuple[float, float] | None]) -> float:
    """The lower quartile of the solid words' box heights: a headline's words are all large,
    a body row that the engine merged across columns has large boxes only where it swelled
    them (over a gutter, a rule, the row below) and spreads its words over the gutters, so that
    it is as tall and as wide per character as a headline."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.low_height(words, letters)
    heights = sorted(w.box.height for w, extent in zip(words, letters) if extent is not None and w.box is not None)
    return float(heights[len(heights) // 4]) if heights else 0.0


def piece_box(line: Line, start: int, stop: int, own_rows: bool = False) -> Box:
    """The box of ``line.words[start:stop]``: their horizontal extent, the line's rows or, with
    ``own_rows``, the rows of most of its words (a body line merged across a gutter on a skewed
    scan spans two rows, each piece holds one: it must join the row it is on)."""
    if start == 0 and stop == len(line.words):
        return line.box
    boxes = [w.box for w in line.words[start:stop] if w.box is not None]
    if not boxes:
        return line.box
    y0, y1 = line.box.y0, line.box.y1
    if own_rows:
        top, foot = sorted([b.y0 for b in boxes])[(len(boxes) - 1) // 2], sorted([b.y1 for b in boxes])[len(boxes) // 2]  # median low / high
        if top < foot:
            # on a page read turned level the line's box may miss its words' rows, holding under half
            # of them and of itself: the engine's line across a grid page joins columns whose rows
            # stand at other heights (see .skew); else the words' boxes may be swollen over two rows
            kept = min(y1, foot) - max(y0, top)
            y0, y1 = (max(y0, top), min(y1, foot)) if kept >= min(y1 - y0, foot - top) / 2 else (top, foot)
    return Box(min([b.x0 for b in boxes]), y0, max([b.x1 for b in boxes]), y1)


def char_height(line: Line) -> float:
    """The line's type size: its box height, or its median word height where that is smaller.

    Tesseract's line boxes grow with one stray tall word box and its word boxes sometimes
    reach past the line: the smaller of the two medians is the robust one.
    """
    return type_size(line.box, line.words)


def type_size(box: Box, words: tuple[Word, ...]) -> float:
    """The type size of ``words`` in ``box`` (a line's or a piece's; see :func:`char_height`)."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.type_size(box, words)
    heights = [w.box.y1 - w.box.y0 for w in words if w.box is not None]
    return float(min(box.height, statistics.median(heights))) if heights else float(box.height)


def text_span(line: PlacedLine, marks: str = RULE) -> tuple[int, int]:
    """The line's left and right ends without words of only ``marks`` at either end: by default a
    column rule read as ``|`` (the rule beside a column would hide an indent, or make a short
    line look full); a rule read with punctuation (``”|``, ``|。``) is no more text than a bare one."""
    head, tail = (line.words[0], line.words[-1]) if line.words else (None, None)  # most lines: text at either end
    if head is not None and head.box is not None and tail.box is not None and head.text.strip() and tail.text.strip() \
            and not _only_marks(head.text, marks) and not _only_marks(tail.text, marks):
        return line.box.x0, line.box.x1
    words = [w for w in line.words if w.box is not None and w.text.strip()]
    first, last = 0, len(words)
    while first < last - 1 and _only_marks(words[first].text, marks):
        first += 1
    while last - 1 > first and _only_marks(words[last - 1].text, marks):
        last -= 1
    if first == 0 and last == len(words):
        return line.box.x0, line.box.x1
    return min(w.box.x0 for w in words[first:last]), max(w.box.x1 for w in words[first:last])


def _only_marks(text: str, marks: str) -> bool:
    """Whether ``text`` (a word's) is only ``marks``, or a column rule read as text (see :func:`text_span`)."""
    return not text.strip(marks) or is_rule_text(text)


def is_rule_text(text: str) -> bool:
    """Whether ``text`` is a column rule read as text: ``|`` and no letter (``”|``, ``| 。``)."""
    return RULE in text and ALNUM.search(text) is None


def wide_letters(text: str) -> int:
    """How many letters of ``text`` are wide (Han and other non-Latin letters and numerals)."""
    return sum(ch.isalnum() and not ch.isascii() for ch in text)
