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
* its words say so (:func:`ocrfix.furniture.folio_like`, :func:`ocrfix.furniture.editor_like`): a
  date, a weekday or a page number; an editor's credit, in a short line.

The row, all its pieces left to right, is then a paragraph of its own before the page's stories
(the folio) or after them (the editor line), never a headline, never part of a story.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from ..furniture import editor_like, folio_like
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


def _edge_row(lines: list[PlacedLine], h: float, top: bool) -> list[PlacedLine]:
    """The page's first (``top``) or last row of print, left to right: the highest (lowest) line
    and the lines whose middles lie in the rows of those already taken (up to ``SKEW`` of their
    distance off), when every other line lies below (above) the row; else none."""
    def middle(p: PlacedLine) -> float:
        return (p.box.y0 + p.box.y1) / 2

    def slack(p: PlacedLine, q: PlacedLine) -> float:
        return SKEW * abs((p.box.x0 + p.box.x1) - (q.box.x0 + q.box.x1)) / 2

    row = [min(lines, key=lambda p: p.box.y0) if top else max(lines, key=lambda p: p.box.y1)]
    others = [p for p in lines if p is not row[0]]
    grown = True
    while grown:
        joined = [p for p in others if any(q.box.y0 - slack(p, q) < middle(p) < q.box.y1 + slack(p, q) for q in row)]
        row += joined
        others = [p for p in others if all(p is not q for q in joined)]
        grown = bool(joined)
    for p in others:
        q = min(row, key=lambda q: slack(p, q))  # the row's piece nearest it across the page
        if (p.box.y0 < q.box.y1 - APART * h - slack(p, q)) if top else (p.box.y1 > q.box.y0 + APART * h + slack(p, q)):
            return []
    return sorted(row, key=lambda p: p.box.x0)


def _furniture(row: list[PlacedLine], h: float, says: Callable[[str], bool]) -> bool:
    """Whether ``row`` is furniture: its type small (see module docstring), its words saying so (``says``)."""
    return bool(row) and min(p.size for p in row) <= (SMALL if len(row) == 1 else SIZE) * h and says(_row_text(row))


def furniture(lines: list[PlacedLine], h: float) -> Furniture:
    """The folio and the editor line of a page's placed ``lines`` (body type size ``h``; see
    module docstring), and the lines left."""
    if len(lines) < 3:
        return Furniture([], [], lines)
    folio = _edge_row(lines, h, top=True)
    folio = folio if _furniture(folio, h, folio_like) else []
    rest = [p for p in lines if all(p is not q for q in folio)]
    editor = _edge_row(rest, h, top=False) if len(rest) >= 3 else []
    editor = editor if _furniture(editor, h, editor_like) else []
    return Furniture(folio, editor, [p for p in rest if all(p is not q for q in editor)])
