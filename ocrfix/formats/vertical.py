"""Vertically set pages (characters top to bottom, lines right to left) turned into horizontal ones.

Chinese papers were set this way for decades (mainland papers before 1956, Taiwan and Hong
Kong papers long after); Tesseract's ``chi_sim_vert`` / ``chi_tra_vert`` and PP-OCR read such a
page as tall lines. The layout analysis (:mod:`.layout`, :mod:`.stories`) reads horizontal
pages; a vertical page turned a quarter turn anticlockwise (``x' = y``, ``y' = width − x``) is
one: each vertical line becomes a row read left to right from its top, the lines that run right
to left become rows top to bottom, a story's headline column (at its right) a headline above its
body, a paragraph's two-character indent (at its first line's top) an indent at the left, and a
band of stories across the page a column of stories: the bands read top to bottom, each right
to left. Only the geometry the layout reads is turned; the document the writers patch keeps its
own coordinates.
"""
from __future__ import annotations

from dataclasses import replace

from .model import Box, Document, Page

TALL = 1.5  # × its width: the least height of a vertical line of ``LEAST_CHARS`` or more
LEAST_CHARS = 3  # characters (spaces left out) of a line that shows which way the page is set


def is_vertical(page: Page) -> bool:
    """Whether ``page`` is set vertically: more than half of its lines of ``LEAST_CHARS``
    characters or more stand ``TALL`` times as tall as they are wide (a horizontal line of
    three characters is three times as wide as tall; one or two characters say nothing)."""
    lines = [l for b in page.blocks for l in b.lines if l.box is not None and len("".join(l.text().split())) >= LEAST_CHARS]
    return 2 * sum(l.box.height >= TALL * l.box.width for l in lines) > len(lines)


def page_width(page: Page) -> int:
    """The right edge of ``page``: its box's, or its lines' rightmost where they reach further."""
    edges = [l.box.x1 for b in page.blocks for l in b.lines if l.box is not None]
    return max([*edges, *([page.box.x1] if page.box is not None else [])], default=0)


def turn(box: Box, width: int) -> Box:
    """``box`` on a page ``width`` wide, turned a quarter turn anticlockwise."""
    return Box(box.y0, width - box.x1, box.y1, width - box.x0)


def turn_back(box: Box, width: int) -> Box:
    """The inverse of :func:`turn`."""
    return Box(width - box.y1, box.x0, width - box.y0, box.x1)


def turned(page: Page, width: int) -> Page:
    """``page`` (``width`` wide) with every box turned (see :func:`turn`); text, order and
    structure unchanged."""
    return page.map_boxes(lambda b: turn(b, width))


def upright(doc: Document) -> tuple[Document, tuple[int | None, ...]]:
    """``doc`` with its vertical pages turned (see :func:`turned`; ``doc`` itself when it has
    none), and per page the width it was turned with (None: not turned)."""
    widths = tuple(page_width(page) if is_vertical(page) else None for page in doc.pages)
    if all(w is None for w in widths):
        return doc, widths
    pages = tuple(page if w is None else turned(page, w) for page, w in zip(doc.pages, widths))
    return replace(doc, pages=pages), widths
