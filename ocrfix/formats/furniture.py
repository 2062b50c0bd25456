"""Page furniture from geometry: the folio over a page's stories and the editor line under them.

A folio (date, weekday, paper name, section, page number) runs across the top of a page, over a
rule or a gap, in small or medium type; an editor line (``本版责编：…``) stands at its foot in small
type (see :mod:`ocrfix.furniture`). Left among the stories, the folio is read as the lead story's
headline or run into its first paragraph, and the editor line into the last paragraph of the story
above it. A row of the page is furniture when

* it is the page's first row (every other line starts below its foot: ``APART × h`` of overlap
  allowed) or its last (every other line ends above its top), its pieces far apart on one line
  taken as one row on a scan turned a little (``SKEW``: the slope allowed between them);
* its type is not a headline's: at most ``SMALL ×`` the body size ``h``, or, for a row of pieces
  far apart, its smallest at most ``SIZE × h`` (the engine boxes such a row as one line, as tall as
  its tallest piece, a paper's name set large: a folio at 1.2 ``h`` measures up to 1.9 ``h``);
* its words say so (:func:`ocrfix.furniture.folio_row_like`, :func:`ocrfix.furniture.editor_row_like`): a
  date, a weekday or a page number; an editor's credit, in a short line (what is left of them where the
  engine misread a digit, the weekday's day or the credit's role).

The row, all its pieces left to right, is then a paragraph of its own before the page's stories
(the folio) or after them (the editor line), never a headline, never part of a story.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from ..furniture import EDITOR_CHARS, FOLIO_CHARS, editor_row_like, folio_row_like, letters
from .model import join_words
from .placed import PlacedLine

APART = 0.3  # × h: how far another line may reach over the furniture row's edge
SKEW = 0.015  # the slope (of a scan turned under a degree, which the layout does not level) between a row's pieces
SMALL = 1.5  # × h: the largest type of a furniture row of one line (the engine boxes a colon and small type tall)
SIZE = 2.0  # × h: the largest smallest type of a furniture row of pieces far apart


class Furniture(NamedTuple):
    """A page's lines split into its folio row, its editor row (each empty when the page has none,
    pieces left to right) and the rest."""

    folio: list[PlacedLine]
    editor: list[PlacedLine]
    rest: list[PlacedLine]


def _row_text(row: list[PlacedLine]) -> str:
    return join_words([p.text.strip() for p in row])


def _middle(p: PlacedLine) -> float:
    return (p.box.y0 + p.box.y1) / 2


def _slack(p: PlacedLine, q: PlacedLine) -> float:
    """How far off a row ``p`` may lie from its piece ``q`` on a scan turned a little (``SKEW``)."""
    return SKEW * abs((p.box.x0 + p.box.x1) - (q.box.x0 + q.box.x1)) / 2


def _edge_row(lines: list[PlacedLine], top: bool) -> list[PlacedLine]:
    """The page's first (``top``) or last row of print, left to right: the highest (lowest) line
    and the lines whose middles lie in the rows of those already taken (up to ``SKEW`` of their
    distance off); none as soon as the row holds more letters than a folio (``top``) or an editor
    line may (a row of body lines across the page: growing it line by line would cost the square
    of the page's lines)."""
    most = FOLIO_CHARS if top else EDITOR_CHARS
    reach = SKEW * (max(p.box.x1 for p in lines) - min(p.box.x0 for p in lines))  # the largest slack
    row = [min(lines, key=lambda p: p.box.y0) if top else max(lines, key=lambda p: p.box.y1)]
    others = [p for p in lines if p is not row[0]]
    grown = True
    while grown:
        if letters(_row_text(row)) > most:
            return []
        low, high = min(q.box.y0 for q in row) - reach, max(q.box.y1 for q in row) + reach
        near = (p for p in others if low < _middle(p) < high)
        joined = [p for p in near if any(q.box.y0 - _slack(p, q) < _middle(p) < q.box.y1 + _slack(p, q) for q in row)]
        row += joined
        taken = {id(p) for p in joined}
        others = [p for p in others if id(p) not in taken]
        grown = bool(joined)
    return sorted(row, key=lambda p: p.box.x0)


def _apart(row: list[PlacedLine], lines: list[PlacedLine], h: float, top: bool) -> bool:
    """Whether every line of ``lines`` but ``row``'s lies below (``top``) or above ``row``
    (``APART × h`` of overlap allowed, and the slant of a scan turned a little)."""
    taken = {id(p) for p in row}
    # a line can reach over the row only if it does so past the row's nearest edge (slack is never negative)
    edge = max(q.box.y1 for q in row) - APART * h if top else min(q.box.y0 for q in row) + APART * h
    for p in lines:
        if id(p) in taken or ((p.box.y0 >= edge) if top else (p.box.y1 <= edge)):
            continue
        q = min(row, key=lambda q: _slack(p, q))  # the row's piece nearest it across the page
        if (p.box.y0 < q.box.y1 - APART * h - _slack(p, q)) if top else (p.box.y1 > q.box.y0 + APART * h + _slack(p, q)):
            return False
    return True


def _edge_furniture(lines: list[PlacedLine], h: float, top: bool, says: Callable[[str], bool]) -> list[PlacedLine]:
    """The page's first (``top``) or last row when it is furniture: small type (see module
    docstring), its words saying so (``says``), every other line below (above) it; else none. The
    cheap tests first: most pages have no furniture."""
    row = _edge_row(lines, top)
    small = bool(row) and min(p.size for p in row) <= (SMALL if len(row) == 1 else SIZE) * h
    return row if small and says(_row_text(row)) and _apart(row, lines, h, top) else []


def furniture(lines: list[PlacedLine], h: float) -> Furniture:
    """The folio and the editor line of a page's placed ``lines`` (body type size ``h``; see
    module docstring), and the lines left."""
    if len(lines) < 3:
        return Furniture([], [], lines)
    folio = _edge_furniture(lines, h, True, folio_row_like)
    taken = {id(p) for p in folio}
    rest = [p for p in lines if id(p) not in taken]
    editor = _edge_furniture(rest, h, False, editor_row_like) if len(rest) >= 3 else []
    taken = {id(p) for p in editor}
    return Furniture(folio, editor, [p for p in rest if id(p) not in taken])
