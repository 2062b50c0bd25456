"""A table of figures on a page found from its placed lines, to be read row by row.

The layout reads side-by-side columns one after the other (:mod:`.stories` cuts down their gutters,
:func:`.layout._columns` groups lines by horizontal overlap); a table's columns look like text columns
to both, and its figures would come out a column at a time. A table is a run of at least
``MIN_ROWS`` rows, one under the next (gaps under ``ROW_GAP × h``), each of two cells or more,
whose cells line up with the next row's (see :func:`_aligned`); its cells are short (``CELL`` em at
most: a text column's lines are full). With ``MIN_COLUMNS`` cells in a row, at least ``NUMERIC``
of them are figures (a text column never is); a table of two columns (names and their figures)
has a column of figures in every row but its head (two columns of short text lines have none).
A head the engine read as one wide piece, or that does not line up with the cells under it, is
found over the first row (see :func:`_headed`). Each row is then one line (see
:func:`table_rows`) that the layout keeps a paragraph of its own.
"""
from __future__ import annotations

import math
import re
import statistics
from dataclasses import replace

from ..text_reflow import display_width
from .model import Box
from .placed import HEADLINE, PlacedLine

CELL = 10.0  # em: the widest cell (a text column's line is wider)
MIN_ROWS = 3  # rows of a table
MIN_COLUMNS = 3  # columns of a table's widest row
ROW_GAP = 2.0  # × h: the widest gap between two rows of a table
NUMERIC = 1 / 3  # the least share of a table's cells that are figures
LOST = 1  # cells of a row that line up with none of the next's (the engine lost the one under or over it)
_LETTER = re.compile(r"[^\W_]")
_CLAUSE = re.compile(r"[，。、；！？,;!?]")


def table_rows(placed: list[PlacedLine], h: float) -> list[PlacedLine]:
    """``placed`` with the cells of each table (see the module docstring) replaced by one line per
    row: its cells (``PlacedLine.cells``) left to right, its text theirs with a space between."""
    short = [p for p in placed if _short(p, h)]
    if not _enough_figures(short):
        return placed
    rows = _trimmed(_rows(short))
    tables = [run for run in _runs(rows, h) if _is_table(run)]
    if not tables:
        return placed
    in_table = {id(cell) for run in tables for row in run for cell in row}
    tables = [_headed(run, [p for p in placed if id(p) not in in_table], h) for run in tables]
    in_table = {id(cell) for run in tables for row in run for cell in row}
    merged = [_row_line(row) for run in tables for row in run]
    return [p for p in placed if id(p) not in in_table] + merged


def _short(line: PlacedLine, h: float) -> bool:
    """A line short enough to be a table's cell: ``CELL`` em wide at most, in box and in text."""
    text = line.text
    return line.box.width <= CELL * h and (len(text) <= CELL or display_width(text) <= CELL)  # no character is wider than one


def _enough_figures(cells: list[PlacedLine]) -> bool:
    """Whether ``cells`` hold as many figures as the least table does (see :func:`_is_table`):
    ``MIN_ROWS - 1`` in a column of figures under a head, or ``NUMERIC`` of the least table of
    ``MIN_COLUMNS`` columns' cells (that many in its widest row, two in each of its other rows). Most
    pages hold fewer short figures: no table, told without grouping their short lines into rows."""
    least, found = min(MIN_ROWS - 1, math.ceil(NUMERIC * (2 * MIN_ROWS + MIN_COLUMNS - 2))), 0
    for cell in cells:
        found += _numeric(cell.text)
        if found >= least:
            return True
    return False


def _rows(cells: list[PlacedLine]) -> list[list[PlacedLine]]:
    """``cells`` grouped into rows (a cell overlapping the row's box over half the lower height
    joins it), top to bottom, each left to right."""
    rows: list[list[PlacedLine]] = []
    top = foot = 0  # the row's band
    for cell in sorted(cells, key=lambda c: (c.box.y0 + c.box.y1, c.box.x0)):
        y0, y1 = cell.box.y0, cell.box.y1
        if rows and min(foot, y1) - max(top, y0) > 0.5 * min(foot - top, y1 - y0):
            rows[-1].append(cell)
            top, foot = min(top, y0), max(foot, y1)
        else:
            rows.append([cell])
            top, foot = y0, y1
    return [sorted(row, key=lambda c: c.box.x0) for row in rows]


def _trimmed(rows: list[list[PlacedLine]]) -> list[list[PlacedLine]]:
    """Each row without the cells at its ends that overlap no cell of the row above or below: a
    short line of text beside a table (a paragraph's last) is no cell of it."""
    trimmed = []
    for k, row in enumerate(rows):
        near = [c for other in rows[max(k - 1, 0):k] + rows[k + 1:k + 2] for c in other]
        lo, hi = 0, len(row)
        while lo < hi and not any(_overlaps(row[lo], c) for c in near):
            lo += 1
        while hi > lo and not any(_overlaps(row[hi - 1], c) for c in near):
            hi -= 1
        trimmed.append(row[lo:hi])
    return trimmed


def _overlaps(a: PlacedLine, b: PlacedLine) -> bool:
    """Whether ``a`` and ``b`` overlap horizontally."""
    return min(a.box.x1, b.box.x1) > max(a.box.x0, b.box.x0)


def _runs(rows: list[list[PlacedLine]], h: float) -> list[list[list[PlacedLine]]]:
    """Maximal runs of rows of two cells or more, each under the one before (less than
    ``ROW_GAP × h`` between them) and lined up with it (see :func:`_aligned`)."""
    runs: list[list[list[PlacedLine]]] = []
    for row in rows:
        last = runs[-1][-1] if runs and runs[-1] else None
        if len(row) < 2:
            runs.append([])  # a row of one cell ends a run
            continue
        if last and min(c.box.y0 for c in row) - max(c.box.y1 for c in last) < ROW_GAP * h and _aligned(last, row):
            runs[-1].append(row)
        else:
            runs.append([row])
    return [run for run in runs if run]


def _aligned(upper: list[PlacedLine], lower: list[PlacedLine]) -> bool:
    """Whether each cell of either row overlaps a cell of the other, in the same order (a cell
    over two merged ones, as an engine reads a narrow gap, still lines up), but for ``LOST`` cells
    of one of them (a cell the engine did not read leaves its neighbour's unmatched)."""
    pairs = [(i, j) for i, a in enumerate(upper) for j, b in enumerate(lower) if _overlaps(a, b)]
    unmatched = sorted([len(upper) - len({i for i, _ in pairs}), len(lower) - len({j for _, j in pairs})])
    return unmatched[0] == 0 and unmatched[1] <= LOST and all(j1 <= j2 for (i1, j1), (i2, j2) in zip(pairs, pairs[1:]) if i1 < i2)


def _is_table(run: list[list[PlacedLine]]) -> bool:
    """Whether a run of rows is a table: ``MIN_ROWS`` rows, and either ``MIN_COLUMNS`` cells in its
    widest row and at least ``NUMERIC`` of its cells figures (more digits than other letters), or
    two cells a row and a column of figures (see :func:`_figure_column`)."""
    if len(run) < MIN_ROWS:
        return False
    if max(map(len, run)) < MIN_COLUMNS:
        return _figure_column(run)
    cells = [cell for row in run for cell in row]
    return sum(_numeric(cell.text) for cell in cells) >= NUMERIC * len(cells)


def _figure_column(run: list[list[PlacedLine]]) -> bool:
    """Whether the first or the last cells of a run of two-cell rows are figures in all rows but
    one (a head's): two columns of short lines of text (a list, a narrow story) have none."""
    return any(sum(_numeric(row[side].text) for row in run) >= len(run) - 1 for side in (0, -1))


def _headed(run: list[list[PlacedLine]], rest: list[PlacedLine], h: float) -> list[list[PlacedLine]]:
    """``run`` with its head row: the lines of ``rest`` (the page's lines outside tables) that make
    up the printed line right above its first row (less than ``ROW_GAP × h`` above) over the
    table's width, when they lie within that width (a line that runs past it is text), reach over
    its first and its last column, and are labels in the cells' type (no larger than ``HEADLINE``
    times their largest: figures measure smaller than Han): no figure, no clause or sentence mark.
    A head set as one piece over 10 em (its labels read together) or not lined up with the cells
    under it is no row of :func:`_runs`."""
    first = run[0]
    x0, x1 = min(c.box.x0 for row in run for c in row), max(c.box.x1 for row in run for c in row)
    top = min(c.box.y0 for c in first)
    above = [p for p in rest if p.box.y0 + p.box.y1 < 2 * top and top - p.box.y1 < ROW_GAP * h
             and min(p.box.x1, x1) > max(p.box.x0, x0)]
    if not above:
        return run
    head, size = _rows(above)[-1], max(c.size for row in run for c in row)
    labels = all(x0 - h <= p.box.x0 and p.box.x1 <= x1 + h and p.size < HEADLINE * size and not _numeric(p.text)
                 and not _CLAUSE.search(p.text) for p in head)
    spans = _overlaps(head[0], first[0]) and _overlaps(head[-1], first[-1])
    return [head, *run] if labels and spans else run


def _numeric(text: str) -> bool:
    letters = _LETTER.findall(text)
    return bool(letters) and 2 * sum(map(str.isdigit, letters)) >= len(letters)


def _row_line(row: list[PlacedLine]) -> PlacedLine:
    """One line of a table's row of cells: their text with a space between, their box, words and
    the first one's place in the text."""
    box = Box.union([c.box for c in row])
    return replace(row[0], text=" ".join(c.text.strip() for c in row), box=box, size=statistics.median(c.size for c in row),
                   words=tuple(w for c in row for w in c.words), core=box, cells=tuple(row))
