"""Reflow from geometry: paragraphs from line boxes instead of guessing from line lengths.

What the boxes tell that plain text cannot (``h`` = the body text's median type size, see
:func:`.placed.char_height`; ``p`` = the body's character pitch, see :func:`_pitch`: Tesseract's boxes
fit the ink and square CJK type makes ``p`` about ``h``, PP-OCR's detection boxes are padded,
``h`` about ``1.2p``):

* **columns** — a line the engine merged across a column gutter is split there
  (:mod:`.line_splits`); lines are then grouped into columns by horizontal overlap, pieces of
  one printed line (same row, same column) are joined, columns read left to right, lines top
  to bottom (after the headlines above them);
* **indent** — a line starting more than ``1.6p`` right of its column's left edge opens a
  paragraph (Chinese body text indents two characters, ``2p``; an opening quote's ink sits in
  the right half of its cell, so ``“`` at the left edge already looks ``0.6p`` indented; a
  line whose first character the engine dropped, on a skewed scan, starts ``1.2–1.8p`` in);
  past ``2.4p`` (deeper than a two-character indent) right after a full line that does not end
  a sentence, the engine dropped the line's first characters: it continues the paragraph (an
  opening quote's ink starts ``0.4p`` or more into its cell: both depths are measured from the cell, so
  ``“`` opens a paragraph past ``2.0p`` and continues one past ``2.8p``), and so does a
  line starting with a closing quote or bracket or a full-width stop or pause (``，。、；：？！``:
  no line starts with one, the engine lost the characters before it); with a language
  model (``reflow_document(doc, lm)``, ``ocrfix reflow --lm``), so does an indented line after
  a full line that runs on where the sentence reads on into it (see :func:`_reads_on`); a column rule
  read as ``|`` at either end of a line counts for neither test (see :func:`.placed.text_span`) and is
  never split off the line as a piece of its own (see :func:`.line_splits._ruled_ends_kept`);
* **short line** — a line ending more than ``1.2p`` left of the column's right edge closes
  its paragraph when it ends a sentence (``。！？”…``, or Tesseract's ``*`` or ``~`` for a ``。``:
  :func:`~ocrfix.text_reflow.stop_ended`), beyond the half character each of its
  half-width digits and Latin letters saves (they shorten lines that go on), unless it is short
  by one character at most and the next line (of the column, or the next column's first at a
  column's foot) starts, unindented, with an opening
  quote or bracket (a line may not end on one: the typesetter carried it over), or by no more
  than the run of digits or Latin letters (half a character each, or as wide as the next line
  sets it, and half a character of slack) that starts the next line, unindented (such a run is
  never broken: ``…打扫落叶。`` / ``2017年5月…``, also across a column break); a full line
  continues it, also across a column break;
* **rules and specks** — a line of a few characters in a box far wider than they are set (a
  rule read as ``二``), or too thin for a character, ends the story nearest to it (see
  :func:`_stray`); so does a short one on a headline's row of glyphs (see :func:`_inside_headlines`),
  and a line or a piece of one that holds a column rule read as ``|`` and no letter (``| 。``:
  between two stories' columns it would join them);
* **table** — a table of figures (:mod:`.tables`: rows of short cells lined up across three columns
  or more, a third of them figures) is read row by row, each row a line of its own, its cells a space apart;
* **furniture** — the page's first row of print, in type no larger than a headline's, that
  reads as a folio (a date, a weekday, a page number) is a paragraph of its own before the page's
  stories; its last row that reads as an editor line (``本版责编：…``), in small type, one after them
  (see :mod:`.furniture`): neither is a headline or part of a story;
* **headline** — large type heads the story under it (:mod:`.headlines`). A body-sized line that
  :mod:`ocrfix.text_reflow` recognizes as a byline (``本报记者 …``) stays a line of its own, unless it is a
  credit in brackets right after a full line (``（本报记者…``: the end of that paragraph).

Each page of a document of several is laid out on its own, no story running on across pages; its blocks
say their ``page``, and the text has a form feed after each page's last line but the last (as Tesseract's
text of a multi-page scan: :func:`ocrfix.text_reflow.render`).

Only whitespace changes (line breaks and the OCR spaces the plain reflow also removes).
"""
from __future__ import annotations

import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import groupby
from typing import NamedTuple

from ..column_order import TokenScorer
from ..text_reflow import (LM_JOIN_BLANK, OPENING, _WEIGHABLE_END, Block, clean_paragraph, continuation, display_width,
                           is_byline, number_pages, reflow_blocks, render, squeeze_spaces, stop_ended)
from .model import _TIGHT, Box, Document, Line, Page, Word, join_words
from .furniture import Furniture, furniture
from .headlines import SPECK_CHARS, body_pitch, find_headlines, junk_glyphs, under_body
from .line_reach import reaching_ends
from .line_splits import split_lines
from .placed import ALNUM, NO_LINE_START, RULE, PlacedLine, char_height, is_rule_text, text_span, wide_letters
from .stories import _layout_kernel, stories
from .skew import level
from .tables import table_rows
from .vertical import turn_back, upright

_NARROW_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,%]*")  # digits and Latin letters: never broken across lines
INDENT = 1.6  # × the character pitch: left edge past the column's left edge that marks an indent
DROPPED = 2.4  # × the pitch: an "indent" past this after a full line that runs on is the engine's loss of the line's first
#   characters, not an indent (two characters reach 2.2, an opening quote's ink QUOTE_INK further)
QUOTE_INK = 0.4  # × the pitch: the least an opening quote's ink starts into its cell (0.4–0.6; INDENT and DROPPED measure from the cell)
EDGE_LINES = 3  # least lines ending on a letter that measure a column's right edge
SHORT = 1.2  # × the pitch: right edge short of the column's right edge that marks a paragraph end
RULE_CHARS = 4  # characters at most of a rule read as text
RULE_WIDTH = 3.0  # × the characters' width: how much wider a rule read as text is set
SPECK = 0.25  # × h: a line box less tall than this holds no character
SPECK_CONF = 0.5  # the engine's word confidence under which a piece cut off a line in a speck's box is a speck
SPECK_LETTERS = 2  # letters at most of such a piece: a speck is read as a glyph or two, not a number's digits
@dataclass
class _Column:
    x0: int
    x1: int
    lines: list[PlacedLine]

    def overlap(self, box: Box) -> int:
        return min(self.x1, box.x1) - max(self.x0, box.x0)


def _columns(lines: list[PlacedLine]) -> list[_Column]:
    """Group lines by horizontal overlap, lines of about the full width first: wide strays
    (lines merged across a gutter) would merge columns, and pieces of lines the engine broke up
    would start columns of their own that a full line then joins to only one of them. The full
    width is the upper quartile of the widths (broken pieces may outnumber whole lines)."""
    if not lines:
        return []
    typical = statistics.quantiles((l.box.width for l in lines), n=4)[2] if len(lines) > 1 else lines[0].box.width
    columns: list[_Column] = []
    for line in sorted(lines, key=lambda l: abs(l.box.width - typical)):
        best = max(columns, key=lambda c: c.overlap(line.box), default=None)
        if best is not None and best.overlap(line.box) >= 0.5 * min(line.box.width, best.x1 - best.x0):
            best.lines.append(line)
            best.x0, best.x1 = min(best.x0, line.box.x0), max(best.x1, line.box.x1)
        else:
            columns.append(_Column(line.box.x0, line.box.x1, [line]))
    for column in columns:
        column.lines = _join_rows(sorted(column.lines, key=lambda l: (l.box.y0, l.box.x0)))
    return sorted(columns, key=lambda c: (c.x0, c.lines[0].box.y0))


def _join_rows(lines: list[PlacedLine]) -> list[PlacedLine]:
    """Join pieces of one printed line (vertical overlap of their rows, see :func:`_rows`, over half
    the lower height), left to right."""
    rows: list[list[PlacedLine]] = []
    for line in lines:
        row = rows[-1] if rows else None
        if row and _same_row(_rows(row[0]), _rows(line)):
            row.append(line)
        else:
            rows.append([line])
    joined = []
    for row in rows:
        row.sort(key=lambda l: l.box.x0)
        words = tuple(w for l in row for w in l.words)
        cells = row[0].cells if len(row) == 1 else ()  # a table's row alone (see .tables) stays one
        joined.append(PlacedLine(join_words([l.text for l in row]), Box.union([l.box for l in row]), row[0].size, row[0].order, words,
                                 cells=cells))
    return joined


def _rows(line: PlacedLine) -> tuple[int, int]:
    """The top and the foot of ``line``'s box, without a column rule read into it as ``|`` (see
    :func:`.placed.is_rule_text`): the rule's box reaches over the rows around, and on a page
    read turned level a paragraph's short last line with the rule beside it (``同发展。 |``, 36 px
    high over rows of 13) overlaps the next paragraph's first line."""
    if not any(is_rule_text(w.text) for w in line.words):
        return line.box.y0, line.box.y1
    boxes = [w.box for w in line.words if w.box is not None and w.text.strip() and not is_rule_text(w.text)]
    top, foot = (max(line.box.y0, min(b.y0 for b in boxes)), min(line.box.y1, max(b.y1 for b in boxes))) if boxes else (0, 0)
    return (top, foot) if top < foot else (line.box.y0, line.box.y1)


def _same_row(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether rows ``a`` and ``b`` (top, foot) overlap over half the lower one's height."""
    return min(a[1], b[1]) - max(a[0], b[0]) > 0.5 * min(a[1] - a[0], b[1] - b[0])


def _stack(columns: list[_Column], more: list[_Column]) -> list[_Column]:
    """``columns`` followed by ``more``; a first new column right below the last one (the same
    column, cut across by a gap) continues it, so its edges are measured on all its lines. It
    overlaps over half the narrower one's width: the last column may be one short line (a
    paragraph's end at a column's top, cut off by the gap of a line the engine lost), whose
    own edges would make it look full."""
    if columns and more and columns[-1].overlap(Box(more[0].x0, 0, more[0].x1, 0)) > 0.5 * min(columns[-1].x1 - columns[-1].x0, more[0].x1 - more[0].x0) \
            and more[0].lines[0].box.y0 >= columns[-1].lines[-1].box.y1:
        last, first = columns[-1], more[0]
        merged = _Column(min(last.x0, first.x0), max(last.x1, first.x1), last.lines + first.lines)
        return [*columns[:-1], merged, *more[1:]]
    return [*columns, *more]


def _edges(column: _Column) -> tuple[float, float]:
    """Column left and right edges: most lines start at the left edge and end at the right one.
    The right edge is the median end of the lines that end on a letter where ``EDGE_LINES`` or more
    do and it lies left of all lines' median: on a turned page the engine reads stretches of the
    rule beside a column as ``。`` past the text of most lines (``风雨，。。``, dev-903), and a
    full line that ends a sentence looked short (elsewhere a full line's last mark ends inside its
    cell, and all lines' median is the left one)."""
    lines = [l for l in column.lines if not l.cells] or column.lines  # a table's rows are not full
    extents = [text_span(l) for l in lines]
    starts = sorted(a for a, _ in extents)  # lower quartile: a short column may be half indents
    right = statistics.median(b for _, b in extents)
    lettered = [b for l, (_, b) in zip(lines, extents) if ALNUM.match(l.text.strip(RULE + " ")[-1:])]
    if len(lettered) >= EDGE_LINES:
        right = min(right, statistics.median(lettered))
    return float(starts[len(starts) // 4]), float(right)


def _narrow_saving(text: str) -> float:
    """How much shorter than a line of wide characters ``text`` is set, in characters: half-width
    digits and letters take half a character each (``6755例。`` ends a line that looks short)."""
    chars = sum(not ch.isspace() for ch in text)
    return chars - display_width(text)


def _pitch(columns: list[_Column], h: float) -> float:
    """The body's character pitch (:func:`body_pitch` of its columns' lines). Indents and short
    lines are whole characters; the type size measures them only where the engine's boxes fit
    the ink as Tesseract's do: PP-OCR pads its detection boxes in height, about 1.2 × the pitch
    (a two-character indent would look 1.6h)."""
    return body_pitch([line for column in columns for line in column.lines if not line.cells], h)


def _paragraphs(columns: list[_Column], h: float, lm: TokenScorer | None = None) -> list[list[PlacedLine]]:
    """Paragraphs of a story's body ``columns`` (see the module docstring: indent, short line),
    each measured in the body's character pitch (:func:`_pitch`); with ``lm``, an indent after a
    full line that runs on is settled by the text (see :func:`_reads_on`)."""
    paragraphs: list[list[PlacedLine]] = []
    pitch = _pitch(columns, h)
    # a half-width character saves half the type's em, not of the pitch: the pitch adds the
    # tracking to each character alike; the smaller of the two measures the em (padded boxes
    # overstate the type size, tracking the pitch)
    em = min(h, pitch)
    before = _LineEnd()
    for column in columns:
        left, right = _edges(column)
        for line in column.lines:
            x0, x1 = text_span(line)
            text = line.text.strip(RULE + " ")  # as its extent: a column rule at either end is no text of it
            # a credit in brackets right after a full line closes the paragraph it ends (``…新年。`` /
            # ``（本报记者…``): a byline stands on a line of its own
            byline = is_byline(text) and not (text[:1] in "(（" and paragraphs and before.short_by <= SHORT * pitch)
            if not paragraphs or byline or line.cells or paragraphs[-1][-1].cells or _starts_paragraph(line, text, x0, x0 - left, before, paragraphs[-1][-1], pitch, lm):
                paragraphs.append([])
            paragraphs[-1].append(line)
            before = _LineEnd.of(text, right - x1 - _narrow_saving(text) * em, byline, pitch)
    return paragraphs


class _LineEnd(NamedTuple):
    """How the line before a line in :func:`_paragraphs` ends (the defaults: before a story's first line)."""

    short_by: float = 0.0  # how much it is short of the column's right edge
    short: bool = True  # it is short and ends a sentence, or is a byline: a paragraph's last line
    run_on: bool = False  # it is full and does not end a sentence
    pushed: bool = False  # it is short by one character at most

    @staticmethod
    def of(text: str, short_by: float, byline: bool, pitch: float) -> "_LineEnd":
        """How a line of ``text``, ``short_by`` short of its column's right edge, ends."""
        ended = stop_ended(text)
        return _LineEnd(short_by, (short_by > SHORT * pitch and ended) or byline,
                        short_by <= SHORT * pitch and not ended and not byline, short_by <= (SHORT + 1.0) * pitch)


def _starts_paragraph(line: PlacedLine, text: str, x0: float, inset: float, before: _LineEnd, last: PlacedLine,
                      pitch: float, lm: TokenScorer | None) -> bool:
    """Whether ``line`` (its ``text`` starting at ``x0``, ``inset`` into its column) starts a
    paragraph after the line ``last`` (which ends as ``before``): it is indented, or the line
    before is short and ``line`` does not carry on what was pushed off it (see :func:`_carried`)."""
    # indented, but not a line starting further in than any paragraph indent (two characters, an
    # opening quote's) after a full line that runs on: the engine dropped its first characters;
    # nor one starting with a closing quote or bracket or a stop or pause, which no line may
    # start with (the typesetter keeps it on the line before): the characters before it were dropped
    # (both measured from the cell: an opening quote's ink starts QUOTE_INK into it)
    depth = inset - QUOTE_INK * pitch * (text[:1] in OPENING)
    indented = depth > INDENT * pitch and not (depth > DROPPED * pitch and before.run_on) and text[:1] not in NO_LINE_START \
        and not (before.run_on and lm is not None and _reads_on(lm, last, text))
    return indented or (before.short and not _carried(line, text, x0, before, pitch))


def _carried(line: PlacedLine, text: str, x0: float, before: _LineEnd, pitch: float) -> bool:
    """Whether ``line`` (its ``text`` starting at ``x0``) carries on the line before (ending as
    ``before``) though it is short: an opening quote after a line short by one character at most,
    or digits and Latin letters at its start no wider than what the line before is short by
    (see :func:`_run_width`)."""
    run = _NARROW_RUN.match(text)
    return (before.pushed and text[:1] in OPENING) \
        or (run is not None and before.short_by <= _run_width(line, run.group(), x0, pitch) + 0.5 * pitch)


def _run_width(line: PlacedLine, run: str, x0: float, pitch: float) -> float:
    """How wide ``run``, the digits and Latin letters that start ``line`` (its left end at ``x0``),
    is set: half a character each (``pitch``), or where the character after it starts, each
    character of a word an equal share of its box, where that is wider (fonts set digits 0.55–0.7
    of a character wide: ``2018`` takes 2.7 characters), up to a whole character each."""
    seen = 0
    for word in line.words:
        text = "".join(word.text.split())
        if seen == 0:
            text = text.strip(RULE)  # a column rule at the line's start is no text of it (see text_span)
        if not text or word.box is None:
            continue
        if seen + len(text) > len(run):
            start = word.box.x0 + (len(run) - seen) * word.box.width / len(text)
            return max(display_width(run) * pitch, min(start - x0, len(run) * pitch))
        seen += len(text)
    return display_width(run) * pitch


def _reads_on(lm: TokenScorer, before: PlacedLine, text: str) -> bool:
    """Whether the sentence of ``before`` (a full line that does not end one, the line above in
    its column) reads on into ``text`` (the next line's, indented like a paragraph's first line)
    by :data:`~ocrfix.text_reflow.LM_JOIN_BLANK` (:func:`~ocrfix.text_reflow.continuation`): the
    engine dropped the line's first characters, and what looks like an indent is their space; a
    paragraph's last line that fills the column lost its stop hanging past the edge, and the
    sentence ends there. The indent is evidence of a break as a blank line is in plain text, and
    needs the score the plain reflow asks across one: at the plain join's :data:`~ocrfix.text_reflow.LM_JOIN`
    (3.0) the development pages' scores of 3.0–3.7 joined four paragraphs whose full last line lost
    its stop (``…培养规模`` / ``扩大麻醉、感染…``) for three lines whose first characters were lost.
    Not after a line ending in a mark the LM cannot weigh (a stop read as ``*``)."""
    tail = before.text.strip(RULE + " ")
    return _WEIGHABLE_END.search(tail) is not None and continuation(lm, tail, text) >= LM_JOIN_BLANK


class Piece(NamedTuple):
    """Words of one document line that a reflowed block holds, by position (positions survive
    :func:`ocrfix.formats.apply_edits`, which replaces the word objects): ``doc.pages[page]
    .blocks[block].lines[line].words[k] for k in words``."""

    page: int
    block: int
    line: int
    words: tuple[int, ...]


class Reflowed(NamedTuple):
    """Geometry reflow of a document.

    ``words`` are the document's words in the order their characters appear in ``text``
    (columns may be read in a different order than the file lists them): pass them to
    :func:`ocrfix.formats.apply_edits` and :func:`ocrfix.formats.char_confidences`.
    """

    text: str
    blocks: list[Block]
    words: list[Word]
    #: Per story (``Block.story``), the box around its lines (None without geometry).
    story_boxes: tuple[Box | None, ...] = (None,)
    #: Per block, where its words are in the document (geometry reflow only; see :class:`Piece`).
    sources: tuple[tuple["Piece", ...], ...] = ()
    #: Per block, the texts of the printed lines it joins (geometry reflow only).
    lines: tuple[tuple[str, ...], ...] = ()
    #: Per block, the boxes of those printed lines (geometry reflow only).
    line_boxes: tuple[tuple[Box, ...], ...] = ()

    def wrapped(self) -> str:
        """``text`` with each block's printed lines on lines of their own (it differs from
        ``text`` in whitespace only): where the columns wrapped the paragraphs, which the
        line-end stages of the corrector read (:mod:`ocrfix.correction.line_marks`)."""
        if not self.lines:
            return self.text
        return render([replace(b, text="\n".join(lines)) if len(lines) > 1 else b for b, lines in zip(self.blocks, self.lines)])

    def reaching(self) -> frozenset[int] | None:
        """Offsets in :meth:`wrapped` of the last characters of the paragraphs' printed lines whose box
        reaches past their column's measure with no mark read (:func:`.line_reach.reaching_ends`); None
        without geometry."""
        if not self.line_boxes:
            return None
        return reaching_ends(self.wrapped(), ((b.story, lines, boxes) for b, lines, boxes
                                              in zip(self.blocks, self.lines, self.line_boxes) if b.kind == "paragraph"))

    def articles(self, corrected: str | None = None) -> list[dict]:
        """The stories as records for archives that index by story: ``kind`` (``story``, or
        ``furniture`` for a page's folio or editor line: no story's text, which an index of stories
        leaves out), headline (its lines joined), paragraphs (bylines included), bounding box
        ``[x0, y0, x1, y1]`` and page (0-based: the document's page, or the page of a plain text a
        form feed parts; a story never runs on across pages). Furniture the engine listed inside a
        story's text (plain text) is a record of its own after that story's.

        ``corrected``: the corrected text (``text`` with the corrector's edits, which never
        add or remove a line break), whose lines replace the blocks' texts.
        """
        texts = [b.text for b in self.blocks]
        if corrected is not None:
            texts = [line for line in corrected.splitlines() if line.strip()]
            if len(texts) != len(self.blocks):
                raise ValueError(f"corrected text has {len(texts)} blocks, the reflow {len(self.blocks)}")
        pages = {b.story: b.page for b in self.blocks}
        records = []
        for k, box in enumerate(self.story_boxes):
            story = [(b.kind, t) for b, t in zip(self.blocks, texts) if b.story == k]
            told = any(kind != "furniture" for kind, _ in story)
            bbox = None if box is None else list(box)
            if told or not story:
                records.append({
                    "kind": "story",
                    "headline": join_words([t for kind, t in story if kind == "headline"]),
                    "paragraphs": [t for kind, t in story if kind not in ("headline", "furniture")],
                    "bbox": bbox,
                    "page": pages.get(k),
                })
            # a story's box holds its lines: furniture in a story of its own has it, furniture inside a story's text none
            records.extend({"kind": "furniture", "headline": "", "paragraphs": [t], "bbox": None if told else bbox,
                            "page": pages.get(k)} for kind, t in story if kind == "furniture")
        return records


def _line_numbers(doc: Document) -> dict[int, int]:
    """id(line) -> 0-based line number in ``doc.text()`` (blank lines between blocks counted)."""
    numbers, n = {}, 0
    for page in doc.pages:
        for block in page.blocks:
            for line in block.lines:
                numbers[id(line)] = n
                n += 1
            n += 1
    return numbers


def reflow_document(doc: Document, lm: TokenScorer | None = None) -> Reflowed:
    """Headline, byline and paragraph blocks of ``doc`` from its geometry (see module docstring).

    ``source_lines`` of each block are 0-based line numbers in ``doc.text()``. A document without
    geometry (plain text) gets the plain reflow, its unsettled breaks settled by ``lm`` when given
    (:mod:`ocrfix.text_reflow`). A vertically set page is read turned into a horizontal one (see
    :mod:`.vertical`), a page scanned turned is read turned level (see :mod:`.skew`); ``words`` and
    ``story_boxes`` are the document's own.
    """
    if not doc.has_geometry:
        return _plain_reflow(doc, lm)
    upright_doc, widths = upright(doc)
    level_doc, turns = level(upright_doc)
    flow = _geometry_reflow(level_doc, lm, tuple(t is not None for t in turns))
    if level_doc is doc:
        return flow
    # a page was read turned (see .vertical, .skew): its words and story boxes are the file's own
    original = dict(zip(map(id, level_doc.words()), doc.words()))
    pages = {b.story: pieces[0].page for b, pieces in zip(flow.blocks, flow.sources) if pieces}

    def own(box: Box, page: int) -> Box:
        box = box if turns[page] is None else turns[page].back(box)
        return box if widths[page] is None else turn_back(box, widths[page])

    boxes = tuple(box if box is None or k not in pages else own(box, pages[k]) for k, box in enumerate(flow.story_boxes))
    return flow._replace(words=[original[id(w)] for w in flow.words], story_boxes=boxes)


def _plain_reflow(doc: Document, lm: TokenScorer | None) -> Reflowed:
    """:func:`reflow_document` of a document without geometry: the plain reflow of each page's text on
    its own, numbered by ``page`` (a form feed parts them in the text, as in the geometry reflow), so a
    paragraph left open at a page's foot never runs on into the next page."""
    pages: list[tuple[int, int, list[Block]]] = []
    line = 0
    for number, page in enumerate(doc.pages):
        text = replace(doc, pages=(page,)).text()
        if not text.strip():  # a page without text adds no line to doc.text()
            continue
        pages.append((number, line, reflow_blocks(text, lm)))
        line += len(text.splitlines()) + 1  # doc.text() sets a blank line between the pages
    blocks = number_pages(pages)
    return Reflowed(render(blocks), blocks, list(doc.words()))


def _geometry_reflow(doc: Document, lm: TokenScorer | None, levelled: tuple[bool, ...]) -> Reflowed:
    """:func:`reflow_document` of a document with geometry, its pages set horizontally; ``levelled``:
    per page, whether it was read turned level (see :mod:`.skew`)."""
    numbers = _line_numbers(doc)
    where = {id(w): (pi, bi, li, k) for pi, page in enumerate(doc.pages) for bi, block in enumerate(page.blocks)
             for li, line in enumerate(block.lines) for k, w in enumerate(line.words)}
    flow = _Flow(where)
    for number, (page, turned) in enumerate(zip(doc.pages, levelled)):
        lines = [l for b in page.blocks for l in b.lines if any(w.text.strip() for w in l.words)]
        if not lines:
            continue
        h, heads, found, ends, edges = _page_stories(page, lines, numbers, where, turned)
        if edges.folio:
            _emit_row(flow, edges.folio, flow.story(number), "furniture")
        for leaves, extra in zip(found, ends):
            _emit_story(flow, number, leaves, extra, heads, h, lm)
        if edges.editor:
            _emit_row(flow, edges.editor, flow.story(number), "furniture")
    return flow.reflowed(doc)


def _page_stories(page: Page, lines: list[Line], numbers: dict[int, int], where: dict[int, tuple[int, int, int, int]],
                  levelled: bool) -> tuple[float, set[int], list[list[list[PlacedLine]]], list[list[PlacedLine]], Furniture]:
    """The body type size ``h`` of a page (its ``lines`` with text; ``levelled``: read turned level),
    the ids of its headline lines, its stories (each a list of leaves, see :func:`.stories.stories`,
    refined by the file's own grouping: see :func:`_refined`), per story the stray lines that end
    it (see :func:`_story_ends`; short lines inside a headline's box and junk glyphs among them) and
    its furniture (:mod:`.furniture`: its folio and editor line, no part of a story)."""
    h, placed, stray = _placed(lines, numbers, levelled)
    edges = furniture(placed, h)
    placed = edges.rest
    heads = find_headlines(placed, h, levelled)
    inside = _inside_headlines(placed, heads) | junk_glyphs(placed, heads, h)
    if inside:
        placed, stray = [p for p in placed if id(p) not in inside], [*stray, *(p for p in placed if id(p) in inside)]
    found = _refined(stories(placed, h, lambda p: id(p) in heads), _declared(page, placed, where))
    return h, heads, found, _story_ends(found, stray), edges


class _Flow:
    """The blocks of a geometry reflow as its stories emit them, with their words, sources and
    printed lines, and per story its page and the boxes of its lines; ``where``: each word's place
    in the document (page, block, line, word) by id."""

    def __init__(self, where: dict[int, tuple[int, int, int, int]]) -> None:
        self.where = where
        self.blocks: list[Block] = []
        self.words: list[Word] = []
        self.sources: list[tuple[Piece, ...]] = []
        self.printed: list[tuple[str, ...]] = []
        self.printed_boxes: list[tuple[Box, ...]] = []
        self.pages: list[int] = []
        self.boxes: list[list[Box]] = []

    def story(self, page: int) -> int:
        """A new story begun on the document's page ``page``: its number."""
        self.pages.append(page)
        self.boxes.append([])
        return len(self.boxes) - 1

    def emit(self, kind: str, text: str, lines: list[PlacedLine], story: int, printed: tuple[str, ...] | None = None) -> None:
        """A block of ``kind`` and ``text`` made of ``lines``, in ``story``; ``printed``: its printed
        lines where they are not ``lines`` (a table's row, made of its cells)."""
        self.blocks.append(Block(kind, text, tuple(dict.fromkeys(p.order for p in lines)), story, self.pages[story]))
        self.words.extend(w for p in lines for w in p.words)
        self.boxes[story].extend(p.box for p in lines)
        self.sources.append(_pieces([self.where[id(w)] for p in lines for w in p.words]))
        self.printed.append(printed or tuple(p.text.strip() for p in lines))
        self.printed_boxes.append((Box.union([p.box for p in lines]),) * len(printed) if printed else tuple(p.box for p in lines))

    def reflowed(self, doc: Document) -> Reflowed:
        """The reflow of ``doc`` these blocks make; words of lines left out (blank lines) keep
        their place at the end: nothing is lost."""
        seen = {id(w) for w in self.words}
        words = [*self.words, *(w for w in doc.words() if id(w) not in seen)]
        return Reflowed(render(self.blocks), self.blocks, words, tuple(Box.union(b) if b else None for b in self.boxes),
                        tuple(self.sources), tuple(self.printed), tuple(self.printed_boxes))


def _emit_story(flow: _Flow, page: int, leaves: list[list[PlacedLine]], extra: list[PlacedLine], heads: set[int], h: float,
                lm: TokenScorer | None) -> None:
    """One story's blocks on the document's page ``page`` (its ``leaves``, ``heads``: the ids of the
    page's headline lines) in reading order: its headlines, its body's paragraphs, the large lines inside
    its body, and the stray lines that end it (``extra``, see :func:`_story_ends`), pieces of one line together."""
    story = flow.story(page)
    body, inner = _heads_and_body(flow, story, leaves, heads)
    for para in _paragraphs(body, h, lm):
        if para[0].cells:  # a table's row: one printed line, its cells' texts a space apart
            row = " ".join(clean_paragraph([c.text]) for c in para[0].cells)
            flow.emit("paragraph", row, list(para[0].cells), story, (row,))
            continue
        kind = "byline" if len(para) == 1 and is_byline(para[0].text) else "paragraph"
        flow.emit(kind, clean_paragraph([p.text for p in para]), para, story)
    for p in inner:
        flow.emit("paragraph", clean_paragraph([p.text]), [p], story)
    for _, row in groupby(extra, key=lambda p: p.order):  # pieces of one line together, left to right
        _emit_row(flow, sorted(row, key=lambda p: p.box.x0), story)


def _emit_row(flow: _Flow, pieces: list[PlacedLine], story: int, kind: str = "paragraph") -> None:
    """A row of print (``pieces``, left to right) as a block of its own in ``story``: a paragraph,
    or (``kind``) the page's furniture."""
    flow.emit(kind, clean_paragraph([join_words([p.text for p in pieces])]), pieces, story)


def _heads_and_body(flow: _Flow, story: int, leaves: list[list[PlacedLine]], heads: set[int]) -> tuple[list[_Column], list[PlacedLine]]:
    """A story's headlines emitted, leaf by leaf; its body's columns, and the large lines in a leaf
    after its body has begun (or under a column's lines once a headline is out: those head nothing)."""
    body: list[_Column] = []
    inner: list[PlacedLine] = []
    headed = False  # a headline of the story is out
    for leaf in leaves:
        large = sorted((p for p in leaf if id(p) in heads), key=lambda p: (p.box.y0, p.box.x0))
        rest = [p for p in leaf if id(p) not in heads]
        if body:
            inner.extend(large)
        else:
            # once the story's headline is out, large type under a column's lines heads nothing
            under = under_body(large, rest) if headed else set()
            inner.extend(p for p in large if id(p) in under)
            for pieces in _printed_rows(p for p in large if id(p) not in under):
                text = squeeze_spaces(join_words([p.text.strip() for p in pieces]), keep_wide_gaps=True)
                flow.emit("headline", text, pieces, story, (text,))  # one printed line, whatever its pieces
                headed = True
        body = _stack(body, _columns(rest))
    return body, inner


def _placed(lines: list[Line], numbers: dict[int, int], levelled: bool = False) -> tuple[float, list[PlacedLine], list[PlacedLine]]:
    """The body type size ``h`` of a page's ``lines``, the lines placed in columns (see
    :func:`split_lines`; a table's cells as one line per row, see :func:`table_rows`) and the
    stray ones (see :func:`_stray`, and the pieces that are column rules, see
    :func:`is_rule_text`; none when every line is; on a page read turned level (``levelled``),
    also the rules the engine read into its lines, see :func:`_rules_parted`)."""
    sizes = {id(l): char_height(l) for l in lines}
    h = float(statistics.median(sizes.values()))
    crossing: list[PlacedLine] = []
    if levelled:
        lines, numbers, crossing = _rules_parted(lines, numbers, h)
        sizes = {id(l): sizes[id(l)] if id(l) in sizes else char_height(l) for l in lines}
    texts = dict(zip(map(id, lines), _texts(lines)))
    stray = [l for l in lines if _stray(l, texts[id(l)], sizes[id(l)], h)]
    if len(stray) == len(lines):
        stray = []
    left = {id(l) for l in stray}
    placed = split_lines([l for l in lines if id(l) not in left], sizes, h, numbers, texts, levelled)
    stray = [PlacedLine(texts[id(l)], l.box, sizes[id(l)], numbers[id(l)], l.words, l.box) for l in stray] + crossing
    # a column rule read as a piece of its own (``|``, ``| 。``: a line's gaps split it off)
    # bridges the gap between two stories' columns like a stray line
    # and so does a speck cut from a line at its gaps (a piece too thin for any character, see :func:`_stray`)
    bridging = [is_rule_text(p.text) or _speck_piece(p, h) for p in placed]
    if any(bridging) and not all(bridging):
        stray = [*stray, *(p for p, b in zip(placed, bridging) if b)]
        placed = [p for p, b in zip(placed, bridging) if not b]
    return h, table_rows(placed, h), stray


def _texts(lines: list[Line]) -> list[str]:
    """Each line's text (:meth:`.model.Line.text`)."""
    if _layout_kernel is not None:  # the same in C++, every line in one call
        return _layout_kernel.line_texts(lines, _TIGHT)
    return [l.text() for l in lines]


def _rules_parted(lines: list[Line], numbers: dict[int, int], h: float
                  ) -> tuple[list[Line], dict[int, int], list[PlacedLine]]:
    """A page read turned level's ``lines`` without the rules the engine read into them as words
    (see :func:`_rule_word`; a line's box narrowed to the words left, its rows kept), ``numbers``
    (line numbers by id) for the lines left, and those rules as stray lines. A rule across a
    turned page crosses the rows of print beside it, and the engine reads it into a line of text
    (``庆人血脉 ro``, the ``ro`` 834 px wide and 80 high): left in, it makes that body line as large
    as a headline, and it bridges the gap between the stories either side of it. On a page
    scanned level a rule lies between the rows: the engine reads it as a line of its own (see
    :func:`_stray`)."""
    kept, rules_read, numbers = [], [], dict(numbers)
    for line in lines:
        rules = [w for w in line.words if _rule_word(w, h)]
        words = tuple(w for w in line.words if not any(w is r for r in rules))
        rest = [w for w in words if w.box is not None and w.text.strip()]
        if not rules or not rest:
            kept.append(line)
            continue
        narrowed = replace(line, words=words,
                           box=Box(min(w.box.x0 for w in rest), line.box.y0, max(w.box.x1 for w in rest), line.box.y1))
        numbers[id(narrowed)] = numbers[id(line)]
        kept.append(narrowed)
        rules_read += [PlacedLine(w.text, w.box, float(w.box.height), numbers[id(line)], (w,), w.box) for w in rules]
    return kept, numbers, rules_read


def _rule_word(word: Word, h: float) -> bool:
    """Whether ``word`` is a rule read as a few Latin letters (``RULE_CHARS`` at most): its box
    ``RULE_WIDTH ×`` wider than letters as high as it (or as ``h``, if higher) would stand."""
    text = word.text.strip()
    return word.box is not None and 0 < len(text) <= RULE_CHARS and text.isascii() and text.isalpha() \
        and word.box.width > RULE_WIDTH * max(word.box.height, h) * len(text)


def _stray(line: Line, text: str, size: float, h: float) -> bool:
    """A rule or a speck read as text (``text``, ``size``: the line's text and type size): a few characters in a box
    far wider than they are set, at the body size or larger (a thin rule under a headline read
    as ``二`` or ``We |``), or in a box too thin for any character. Such a line is no part of a
    column and would bridge the gaps the story layout cuts at."""
    if len("".join(text.split())) > 2 * RULE_CHARS:  # each character half a character wide at least
        return False
    width = display_width(text)  # spaces take no width
    return width <= RULE_CHARS and (line.box.width > RULE_WIDTH * max(size, h) * max(width, 0.5) or line.box.height < SPECK * h)


def _speck_piece(piece: PlacedLine, h: float) -> bool:
    """Whether ``piece`` (a line, or a piece cut from one at its gaps) is a speck read as text: ``RULE_CHARS``
    characters at most, one or two letters among them (``SPECK_LETTERS``), in a box less tall than ``SPECK ×``
    the body size ``h``, each word read with a confidence under ``SPECK_CONF`` (``外`` 4 px wide and 2 high,
    confidence 0.29, at the end of a row read across a turned page: placed as a line of its own, it stood
    between a headline and its body). A mark cut off a line (``，``) is set that small and stays in
    its place, and so do words the engine is sure of: it boxes some real ones that small (``认识``
    3 px by 3, confidence 0.96), and a paragraph's last figures it misread (``913。”`` for ``91%。”``,
    confidence under 0.5, on a single-story page)."""
    return piece.box.height < SPECK * h and display_width(piece.text) <= RULE_CHARS \
        and 0 < len(ALNUM.findall(piece.text)) <= SPECK_LETTERS \
        and all(w.conf is not None and w.conf < SPECK_CONF for w in piece.words)


def _printed_rows(lines: Iterable[PlacedLine]) -> list[list[PlacedLine]]:
    """``lines`` (a leaf's headline lines, top to bottom) with the pieces of one printed line
    together, left to right, where its first piece stands: a headline line the engine read whole
    but the layout cut at a gap or at a dash read as a rule (``一-`` | ``京津费互认防疫健康状况``,
    ``新一代“人造太阳`` | ``”实验落置创纪录``) is one line of print. Emitted piece by piece, top
    to bottom, it stood as two headline lines, the right piece first where it stands higher."""
    rows: dict[int, list[PlacedLine]] = {}
    for line in lines:
        rows.setdefault(line.order, []).append(line)
    return [sorted(row, key=lambda p: p.box.x0) for row in rows.values()]


def _inside_headlines(placed: list[PlacedLine], heads: set[int]) -> set[int]:
    """ids of the short lines (``RULE_CHARS`` characters at most, or ``SPECK_CHARS`` wide letters
    at most) whose middle lies inside the box of a longer headline line, between the top and the
    foot of its glyphs' row (see :func:`_glyph_row`): no text is printed over a headline, so they
    are a rule or specks beside it that the engine read into the headline's line (``、、``,
    ``本``, ``人``), or the tops of its glyphs read as a row of garbage (``Avayanez 一``, a piece
    of a row read across the page, sized by the rest of its line at the body's size)."""
    large = [(q, *_glyph_row(q)) for q in placed if id(q) in heads]
    found = set()
    for p in placed:
        width = display_width(p.text)
        if width > RULE_CHARS and wide_letters(p.text) > SPECK_CHARS:
            continue
        x, y = (p.box.x0 + p.box.x1) / 2, (p.box.y0 + p.box.y1) / 2
        if any(q is not p and display_width(q.text) > width and q.box.x0 < x < q.box.x1 and top < y < foot for q, top, foot in large):
            found.add(id(p))
    return found


def _glyph_row(line: PlacedLine) -> tuple[float, float]:
    """The top and the foot of ``line``'s row of glyphs: the median of its words' tops and of
    their feet. The engine swells a few glyph boxes of a headline down over the body row under it
    (``中管了`` of ``去年1至11月…中管干部42人``, to twice the others' height), and the line's box
    with them; a paragraph's short last line topping a column there is no speck on the headline."""
    boxes = [w.box for w in line.words if w.box is not None] or [line.box]
    return statistics.median(b.y0 for b in boxes), statistics.median(b.y1 for b in boxes)


def _story_ends(found: list[list[list[PlacedLine]]], stray: list[PlacedLine]) -> list[list[PlacedLine]]:
    """Per story of ``found``, the stray lines (see :func:`_stray`) that end it, top to bottom:
    each goes to the story whose lines' box is nearest (inside it: distance 0)."""
    result: list[list[PlacedLine]] = [[] for _ in found]
    spans = [Box.union([p.box for leaf in story for p in leaf]) for story in found]
    for line in sorted(stray, key=lambda p: (p.box.y0, p.box.x0)):
        x, y = (line.box.x0 + line.box.x1) / 2, (line.box.y0 + line.box.y1) / 2
        near = min(range(len(spans)), key=lambda k: max(spans[k].x0 - x, 0, x - spans[k].x1) + max(spans[k].y0 - y, 0, y - spans[k].y1))
        result[near].append(line)
    return result


def _declared(page: Page, placed: list[PlacedLine], where: dict[int, tuple[int, int, int, int]]) -> dict[int, int] | None:
    """id(placed line) -> its story as the file groups the page (``Page.stories``: PAGE
    ReadingOrder groups, ALTO ComposedBlocks), when the file groups every line; else None."""
    if not page.stories:
        return None
    story_of = {block: k for k, blocks in enumerate(page.stories) for block in blocks}
    found = {id(p): story_of.get(where[id(p.words[0])][1]) for p in placed}
    return None if None in found.values() else found


def _refined(found: list[list[list[PlacedLine]]], declared: dict[int, int] | None) -> list[list[list[PlacedLine]]]:
    """The geometry's stories, each split into the file's own stories where it groups the page
    more finely, provided the file's grouping and order agree with the geometry: each of its
    groups lies inside one story of the geometry, and its order reads each of those stories in
    one go. Else the geometry alone: an engine's blocks may be finer than stories but read
    across them (Tesseract's ALTO ComposedBlocks). The order is the geometry's."""
    if declared is None:
        return found
    home: dict[int, int] = {}
    for k, story in enumerate(found):
        if any(home.setdefault(declared[id(p)], k) != k for leaf in story for p in leaf):
            return found
    visits = [k for _, k in sorted(home.items())]  # the geometry's story of each group, in the file's order
    if len([k for j, k in enumerate(visits) if j == 0 or visits[j - 1] != k]) != len(set(visits)):
        return found
    refined = []
    for story in found:
        for group in dict.fromkeys(declared[id(p)] for leaf in story for p in leaf):
            refined.append([kept for leaf in story if (kept := [p for p in leaf if declared[id(p)] == group])])
    return refined


def _pieces(places: list[tuple[int, int, int, int]]) -> tuple[Piece, ...]:
    """Word places (page, block, line, word) in reading order as runs of one line each."""
    return tuple(Piece(*line, tuple(k for *_, k in run)) for line, run in groupby(places, key=lambda place: place[:3]))
