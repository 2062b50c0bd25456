"""A page scanned turned (by a degree or two: fed by hand, read from microfilm) laid out level.

The engine writes a turned page's boxes as it finds them, upright around tilted print: a line's box
is taller by its width times the turn, a column's lines drift sideways down the page, and a row
across several columns drifts up or down by more than a line's pitch over the page. The layout
analysis (:mod:`.layout`, :mod:`.stories`) reads rows and columns from upright boxes, so a page
turned by more than ``LEAST`` is read turned level: each box's centre turned about the page's
middle, its size the upright rectangle whose turned outline the box is. The turn is read from the
print itself (:func:`page_slope`): from the slopes of runs of word boxes along a line (Tesseract's
words), or, where those read no turn (PP-OCR's one box a line holds no runs; Tesseract's runs read
a page turned 1° short), from how the left edges of a column's lines drift down the page
(:func:`_edge_slopes`). Only the geometry the layout reads is turned, the document the writers
patch keeps its own coordinates (the story boxes are turned back).
"""
from __future__ import annotations

import math
import statistics
from dataclasses import replace
from typing import NamedTuple

from .model import Box, Document, Line, Page
from .placed import ALNUM

LEAST = math.tan(math.radians(0.85))  # the least turn read level: the layout reads pages turned less as they are
SHORT = math.tan(math.radians(0.9))  # word runs reading a turn under this (from half ``LEAST``) read it short: the columns' edges read it
MOST = math.tan(math.radians(5.0))  # a run's slope beyond this is no turn of the page (a line read across two rows)
WORDS = 4  # least solid words of a run of a line that measure its slope
SPAN = 6.0  # × the line's type size: least width between a run's first and last words' centres
RUNS = 8  # least runs of a page's lines that measure its turn
AGREE = 0.4  # least share of those runs whose slopes lie together (within ``2 × TOLERANCE``)
TOLERANCE = math.tan(math.radians(0.4))
GAP = 0.8  # × the line's type size: a gap between two words that parts two runs of a line (a gutter)
SOLID = 0.7  # × the line's median letter height: a word as tall as its type (not a mark, not ``一``)
SAMPLE = 40  # lines of a page, evenly spread, that measure its turn (about; every line of a page of fewer)
GLANCE = 10  # of those lines, evenly spread, that tell a page scanned level at a glance
BELOW = 1.5  # × the line height: the farthest the next line of a column lies below a line (edges read down columns)
STEP = 8  # rows: how far apart the lines lie whose left edges measure a column's drift (and its multiples up to STEPS)
STEPS = 3
LOW = 0.75  # × the page's type size: a line turned level boxed lower than this is boxed as high as the type (see _words_rows)


def _run_slopes(line: Line) -> list[float | None]:
    """Per run of a line's words (parted by a gap wider than ``GAP``: a gutter; a line the engine read
    across columns steps from row to row there, its words level within each column on a page scanned
    level), the least-squares slope of the centres of its solid words (letters as tall as the line's
    type; y down: a line that falls to the right has a positive slope), None where too few of them, or
    too close together, measure one; no runs for a line of fewer than ``WORDS`` words with letters."""
    words = sorted((w for w in line.words if w.box is not None and w.text.strip()), key=lambda w: w.box.x0)
    letters = [ALNUM.search(w.text) is not None for w in words]
    heights = sorted(w.box.y1 - w.box.y0 for w, letter in zip(words, letters) if letter)
    if len(heights) < WORDS:
        return []
    size = heights[len(heights) // 2]
    runs: list[list[Box]] = [[]]
    reach = words[0].box.x1
    for word, letter in zip(words, letters):
        box = word.box
        if box.x0 - reach > GAP * size:
            runs.append([])
        reach = max(reach, box.x1)
        if letter and box.y1 - box.y0 >= SOLID * size:
            runs[-1].append(box)
    return [_slope(run, size) for run in runs if run]


def _slope(run: list[Box], size: float) -> float | None:
    """The least-squares slope of the centres of a run's boxes, when they are ``WORDS`` or more and
    their centres lie ``SPAN`` × ``size`` apart or more."""
    if len(run) < WORDS:
        return None
    xs = [(b.x0 + b.x1) / 2 for b in run]
    if xs[-1] - xs[0] < SPAN * size:
        return None
    ys = [(b.y0 + b.y1) / 2 for b in run]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def _measured(lines: list[Line]) -> list[float]:
    """The slopes of the runs of ``lines`` (see :func:`_run_slopes`; none beyond ``MOST``)."""
    return [s for line in lines for s in _run_slopes(line) if s is not None and abs(s) <= MOST]


def _edge_slopes(lines: list[Line]) -> list[float]:
    """The slopes of a page's rows read from how its lines' left edges drift down its columns, for a
    page whose lines hold no runs of word boxes (PP-OCR: one box a line): each line linked to the
    first line below it (within ``BELOW`` × the line height) that overlaps it over half the narrower
    one's width, and along each such column the left edges of lines ``STEP`` and ``2 × STEP`` rows
    apart compared (a column's edge turned by θ drifts by ``−tan θ`` down the page; an indent makes
    a slope far beyond ``MOST``)."""
    boxes = sorted((l.box for l in lines if l.box is not None), key=lambda b: (b.y0, b.x0))
    if len(boxes) < WORDS:
        return []
    size = sorted(b.height for b in boxes)[len(boxes) // 2]
    below: dict[int, int] = {}  # a line's index -> the next line's of its column
    taken: set[int] = set()
    for i, a in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            b = boxes[j]
            if b.y0 > a.y1 + BELOW * size:
                break
            if j not in taken and b.y0 > (a.y0 + a.y1) / 2 and min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 * min(a.width, b.width):
                below[i] = j
                taken.add(j)
                break
    slopes = []
    for top in sorted(set(range(len(boxes))) - taken):
        column = [boxes[top]]
        at = top
        while at in below:
            at = below[at]
            column.append(boxes[at])
        for step in range(STEP, STEPS * STEP + 1, STEP):
            for a, b in zip(column, column[step:]):
                slope = -(b.x0 - a.x0) / ((b.y0 + b.y1 - a.y0 - a.y1) / 2)
                if abs(slope) <= MOST:
                    slopes.append(slope)
    return slopes


def _densest(slopes: list[float]) -> float | None:
    """The median of the most of ``slopes`` that lie within ``2 × TOLERANCE`` of each other (they
    are spread: a run's few words, a column's ragged edge), None when fewer than ``RUNS`` slopes are
    measured or fewer than ``AGREE`` of them lie there."""
    if len(slopes) < RUNS:
        return None
    slopes = sorted(slopes)
    most, first, start = 0, 0, 0
    for end, slope in enumerate(slopes):
        while slope - slopes[start] > 2 * TOLERANCE:
            start += 1
        if end + 1 - start > most:
            most, first = end + 1 - start, start
    return statistics.median(slopes[first:first + most]) if most >= AGREE * len(slopes) else None


def page_slope(page: Page) -> float:
    """The slope of a page's printed lines (the tangent of its turn), read from the runs of the word
    boxes of ``SAMPLE`` of its lines (see :func:`_run_slopes`; where most of their slopes lie, see
    :func:`_densest`), or where those read no turn, or one between half ``LEAST`` and ``SHORT``, from
    the slopes its columns' left edges show (:func:`_edge_slopes`). PP-OCR's lines hold no runs of
    word boxes; on Tesseract's pages turned 1.0° the word runs read 0.7–0.9° where the edges read
    0.84–1.25° (the runs read the turn short, but the pages they level by 1.5–2.5° lose paragraphs
    levelled by the edges' reading, so the runs' reading stays first). 0.0 when the page is turned
    less than ``LEAST`` (most pages: a glance at ``GLANCE`` of those lines tells, when the median of
    their slopes is under half of it; the edges read pages turned 0.5–0.8° up to 0.82°, and levelled
    from there a sub-headline over its story's columns is cut at the gutter their edges set out
    below it). A page the engine read row by row across its columns is read turned level too: its
    lines, boxed about as high as their type, are boxed anew by :func:`_words_rows`."""
    every = [line for block in page.blocks for line in block.lines]
    sample = every[::max(1, len(every) // SAMPLE)]
    step = max(1, len(sample) // GLANCE)
    glance = _measured(sample[::step])
    if len(glance) >= RUNS and statistics.median(map(abs, glance)) < LEAST / 2:
        return 0.0
    # the glance's slopes and the rest of the sample's (_densest reads them in any order)
    slope = _densest(glance + _measured([line for k, line in enumerate(sample) if k % step]))
    if slope is None or LEAST / 2 <= abs(slope) < SHORT:
        slope = _densest(_edge_slopes(every))
    return slope if slope is not None and abs(slope) >= LEAST else 0.0


class Turn(NamedTuple):
    """A page's turn by the angle whose tangent is ``slope`` (y down: a positive slope falls to the
    right), about its middle (``x``, ``y``)."""

    slope: float
    x: float
    y: float

    def _turned(self, box: Box, sign: float) -> tuple[float, float, float, float]:
        """``box``'s centre turned by ``sign`` × the turn, and its width and height."""
        cos, sin = 1 / math.hypot(1, self.slope), sign * self.slope / math.hypot(1, self.slope)
        dx, dy = (box.x0 + box.x1) / 2 - self.x, (box.y0 + box.y1) / 2 - self.y
        return self.x + dx * cos - dy * sin, self.y + dx * sin + dy * cos, box.width, box.height

    def level(self, box: Box) -> Box:
        """``box`` as the page turned level sets it: its centre turned back by the turn, its size
        the upright rectangle that, turned, ``box`` bounds (at least a pixel each way)."""
        x, y, w, h = self._turned(box, -1.0)
        cos, sin = 1 / math.hypot(1, self.slope), abs(self.slope) / math.hypot(1, self.slope)
        det = cos * cos - sin * sin
        width, height = max(1.0, (w * cos - h * sin) / det), max(1.0, (h * cos - w * sin) / det)
        return Box(round(x - width / 2), round(y - height / 2), round(x + width / 2), round(y + height / 2))

    def back(self, box: Box) -> Box:
        """The inverse of :meth:`level` for a box of the page turned level: the upright box around
        it turned as the page is."""
        x, y, w, h = self._turned(box, 1.0)
        cos, sin = 1 / math.hypot(1, self.slope), abs(self.slope) / math.hypot(1, self.slope)
        width, height = w * cos + h * sin, h * cos + w * sin
        return Box(round(x - width / 2), round(y - height / 2), round(x + width / 2), round(y + height / 2))


def level(doc: Document) -> tuple[Document, tuple[Turn | None, ...]]:
    """``doc`` with its turned pages turned level (see :class:`Turn`; ``doc`` itself when it has
    none), and per page its turn (None: read as it is)."""
    turns = []
    for page in doc.pages:
        slope = page_slope(page)
        boxes = [l.box for b in page.blocks for l in b.lines if l.box is not None] if slope else []
        if not boxes:
            turns.append(None)
            continue
        whole = Box.union(boxes)
        turns.append(Turn(slope, (whole.x0 + whole.x1) / 2, (whole.y0 + whole.y1) / 2))
    if all(t is None for t in turns):
        return doc, tuple(turns)
    pages = tuple(page if t is None else _words_rows(page.map_boxes(t.level)) for page, t in zip(doc.pages, turns))
    return replace(doc, pages=pages), tuple(turns)


def _words_rows(page: Page) -> Page:
    """``page`` (turned level) with each line boxed under ``LOW`` × the page's type size (the median
    height of its words' boxes) boxed as high as that type around its words' middle row (the middle
    of the median of their tops and of their feet). The engine's box of a line it read across a
    turned page's columns is no rectangle around one tilted row of print (it boxes the row about as
    high as its type, and the columns' rows may stand at other heights), so :meth:`Turn.level`
    shrinks it to a few pixels (6 px over type 20 px high on a grid page turned 1.0°): the page's
    type size is read as a third of itself, and the rows leave blanks between them wider than a
    story's gaps. Not the words' own rows: where the engine swelled their boxes over two rows (34
    px over a line 20 px high), those would make the line as large as a headline."""
    heights = [w.box.height for b in page.blocks for l in b.lines for w in l.words if w.box is not None and w.text.strip()]
    if not heights:
        return page
    size = statistics.median(heights)

    def fitted(line: Line) -> Line:
        boxes = [w.box for w in line.words if w.box is not None and w.text.strip()]
        if line.box is None or not boxes or line.box.height >= LOW * size:
            return line
        middle = (statistics.median(b.y0 for b in boxes) + statistics.median(b.y1 for b in boxes)) / 2
        return replace(line, box=Box(line.box.x0, min(line.box.y0, round(middle - size / 2)), line.box.x1, max(line.box.y1, round(middle + size / 2))))

    return replace(page, blocks=tuple(replace(b, lines=tuple(map(fitted, b.lines))) for b in page.blocks))
