"""Rows of a page that Tesseract read across several columns, cut at their gutters and put back story by story (plain text).

On a whole page of several stories Tesseract (``--psm 3``) reads most regions as blocks, a column
at a time, each set off by a blank line; but it may read a region of side-by-side columns row by
row, each text line running across all of them (on the multi-story development pages, most of
the paragraphs the plain reflow missed were scrambled so). Such a line is its columns' lines
one after the other, set apart where the gutter was: by a run of spaces, by a rule read as a mark
between spaces (`` 。 ``, `` | ``), or by a single space. The lines of such a region are a
row-merge of its columns' line sequences, as PP-OCR's text of a whole page is, and
:mod:`ocrfix.story_columns` puts them back the same way once each line is cut into its column
pieces (:func:`piece_spans`).

A region (:func:`regions`) is a run of blocks, a blank line or more between them (the engine may
leave one in the middle of the rows), in each of which at least :data:`MERGED_SHARE` of the lines
hold a gutter of two spaces or more or a set-off mark (:data:`GUTTER`), or, in a line far wider
than the text's others (:data:`WIDE_LINE`), a single space or a rule read as a mark glued to the
next column's text (:data:`NARROW_GUTTER`), :data:`MIN_MERGED` such lines or more in all. There
a single space is a gutter too where the text does not read on across it
(:func:`~ocrfix.column_order.join_score` under :data:`SPACE_JOIN`) and both sides hold a column
line's worth of text (:data:`MIN_PIECE` em); a piece far wider than the region's others is cut
where a column's line ends (:data:`WIDE`). The region's pieces are linked into columns and stories
as :func:`~ocrfix.story_columns.story_order` links lines, and where each piece starts across the
page is known from the text before it on its line (:func:`across`): a piece goes on in one that
starts about where it does (:data:`~ocrfix.story_columns.ACROSS`). Where the pieces read as
interleaved, the region becomes those stories, each a text of its own (:func:`row_stories`); the
rest of the page keeps the engine's order, but for the blocks at a region's edges: a column the
engine read a block at a time above or below the rows goes on in them, so the block just above a
region joins the story whose first line its last line reads on into, the block just below it the
story whose last line reads on into its first (:data:`EDGE_JOIN`), where neither side is a
headline or a byline (a paragraph across the seam would else come out in two pieces). Text a
column at a time has no region, or none that reads as interleaved, and is left as it is. Only whitespace changes and the order of whole pieces: a mark read from a rule
stays at the start of the piece after it (the LM and the widths read the piece without it).
"""
from __future__ import annotations

import re
from statistics import median
from typing import Sequence

from .column_order import TokenScorer, join_score
from .text_reflow import _runs, display_width, ends_sentence, is_byline, title_like

#: A gutter: a rule read as marks set off by spaces (kept at the start of the piece after it), or a run of two spaces or more.
GUTTER = re.compile(r" +(?P<mark>[。|]+) +| {2,}")
#: A rule's marks at the start of a piece (see :data:`GUTTER`), with the spaces after them; also a
#: closing quote there (print sets none at a line's start: a rule read so, glued to the text).
LEADING_MARK = re.compile(r"^[。|”]+\s*")
SPACE = re.compile(r"(?<=\S) (?=\S)")
SPACE_JOIN = 1.0  # log10: a single space is a gutter where the text reads on across it by less than this
SPACE_WIDTH = 0.6  # em: how wide a space Tesseract writes stands for
MIN_PIECE = 4.0  # em: both sides of a single space taken as a gutter hold at least this much text
#: A piece more than this many times as wide as the region's median piece holds the lines of two
#: columns with no gutter read between them ...
WIDE = 1.2
#: ... and is cut where the first of them ends: at a space or before a rule read as a mark glued to
#: the next column's text (:data:`GLUED_RULE`), the piece before as wide as the median within this many em.
WIDE_SLACK = 3.0
GLUED_RULE = "”|"
MERGED_SHARE = 0.3  # the share of a block's lines that must hold a gutter for it to be read across columns
#: A line at least this many times as wide as the text's median line holds a gutter also where a
#: single space or a rule read as a mark glued to the next column's text stands between its text
#: (:data:`NARROW_GUTTER`): Tesseract may read a gutter's rule so, leaving no run of spaces (on the
#: development pages 32 lines of such rows, each more than 2.2 times as wide as the median, made
#: no region). One story's lines are seldom so wide beside the rest of its text, and a block
#: still needs :data:`MERGED_SHARE` of such lines.
WIDE_LINE = 1.8
NARROW_GUTTER = re.compile(rf"(?<=\S)(?: |[{GLUED_RULE}])(?=\S)")
MIN_MERGED = 3  # lines with a gutter a region needs
#: log10: a region's story goes on in the block just above or below the region (a column the
#: engine read a block at a time there, the rest of it row by row) where the text reads on across
#: the seam by at least this (:func:`~ocrfix.column_order.join_score`).
EDGE_JOIN = 1.5


def _cuts(line: str) -> list[tuple[int, int]]:
    """Spans ``(end of a piece, start of the next)`` of ``line``'s gutters of spaces and marks."""
    return [(match.start(), match.start("mark") if match.group("mark") else match.end()) for match in GUTTER.finditer(line)]


def piece_spans(line: str, lm: TokenScorer | None = None) -> list[tuple[int, int]]:
    """Spans of ``line``'s pieces: ``line`` cut at its gutters (module docstring), a rule's marks
    at the start of the piece after them; with ``lm``, also at single spaces the text does not
    read on across."""
    spans = _cuts(line)
    if lm is not None:
        for match in SPACE.finditer(line):
            start, end = match.span()
            if any(a <= start < b or a < end <= b for a, b in spans):
                continue
            left = line[max((b for a, b in spans if b <= start), default=0):start]
            right = line[end:min((a for a, b in spans if a >= end), default=len(line))]
            if min(display_width(left), display_width(right)) >= MIN_PIECE \
                    and join_score(lm, line[:start], line[end:]) < SPACE_JOIN:
                spans.append((start, end))
        spans.sort()
    starts = [0, *(start for _, start in spans)]
    ends = [*(end for end, _ in spans), len(line)]
    return [(start, end) for start, end in zip(starts, ends) if line[start:end].strip()]


def across(line: str, start: int) -> float:
    """How far across the page ``line[start:]`` starts, in em: the display width of the text
    before it, each space :data:`SPACE_WIDTH` em (Tesseract writes a space or more where the
    gap is, more where it is wider)."""
    before = line[:start]
    return display_width(before) + SPACE_WIDTH * before.count(" ")


def _scored(piece: str) -> str:
    """A piece as the LM and the widths read it: without a rule's marks at its start."""
    return LEADING_MARK.sub("", piece)


def regions(lines: Sequence[str]) -> list[tuple[int, int]]:
    """``(first, end)`` of each region of ``lines`` read across columns: a run of blocks (a blank
    line may fall in the middle of a row-merged region) in each of which at least
    :data:`MERGED_SHARE` of the lines hold a gutter (:func:`_gutter`), :data:`MIN_MERGED` such
    lines or more in all."""
    found: list[tuple[int, int, int]] = []  # first, end, lines with a gutter
    widths = [display_width(line.strip()) for line in lines if line.strip()]
    wide = WIDE_LINE * median(widths) if widths else 0.0
    for run in _runs(list(lines)):
        first, end = run[0], run[-1] + 1
        count = sum(_gutter(line.strip(), wide) for line in lines[first:end])  # a stripped line's gutter parts two pieces
        if count < MERGED_SHARE * (end - first):
            continue
        if found and all(not line.strip() for line in lines[found[-1][1]:first]):
            found[-1] = (found[-1][0], end, found[-1][2] + count)
        else:
            found.append((first, end, count))
    return [(first, end) for first, end, count in found if count >= MIN_MERGED]


def _gutter(line: str, wide: float) -> bool:
    """Whether ``line`` (stripped) holds a gutter: :data:`GUTTER`, or :data:`NARROW_GUTTER` in a
    line at least ``wide`` em wide (:data:`WIDE_LINE`)."""
    return GUTTER.search(line) is not None or (display_width(line) >= wide and NARROW_GUTTER.search(line) is not None)


def _cut_wide(line: str, spans: Sequence[tuple[int, int]], column: float) -> list[tuple[int, int]]:
    """``spans`` (of ``line``'s pieces) with each piece more than :data:`WIDE` times ``column``
    (the region's median piece width) cut where the first column's line ends (see :data:`WIDE_SLACK`)."""
    out = []
    for start, end in spans:
        while display_width(line[start:end]) > WIDE * column:
            ends = [k for k in range(start + 1, end - 1) if (line[k] == " " or line[k] in GLUED_RULE) and line[k - 1] != " "
                    and abs(display_width(line[start:k]) - column) <= WIDE_SLACK]
            if not ends:
                break
            cut = min(ends, key=lambda k: abs(display_width(line[start:k]) - column))
            out.append((start, cut))
            start = cut + 1 if line[cut] == " " else cut
        out.append((start, end))
    return out


def region_stories(lines: Sequence[str], lm: TokenScorer) -> list[list[str]] | None:
    """The stories of a region read across columns (lines, blank ones among them), each its
    pieces in reading order (:func:`~ocrfix.story_columns.story_order`, each piece placed across
    the page: :func:`across`); None where they do not read as interleaved."""
    from .story_columns import story_order

    rows = [(line, piece_spans(line, lm)) for line in (line.strip() for line in lines) if line]
    widths = sorted(display_width(_scored(line[start:end])) for line, spans in rows for start, end in spans)
    column = widths[len(widths) // 2]
    placed = [(across(line, start), line[start:end].strip())
              for line, spans in rows for start, end in _cut_wide(line, spans, column) if line[start:end].strip()]
    cut = [piece for _, piece in placed]
    return story_order([_scored(piece) or piece for piece in cut], lm, shown=cut, across=[x for x, _ in placed])


def row_stories(text: str, lm: TokenScorer) -> list[str] | None:
    """The texts of ``text`` with each region read across columns (:func:`regions`) put back
    story by story, each story a text of its own, the text between kept in order as one text;
    None when no region was read across columns (or none put back). A story goes on in the block
    just above or below its region where the text reads on into it (:func:`_edge_story`)."""
    lines = text.splitlines()
    put_back = [(first, end, found) for first, end in regions(lines)
                for found in [region_stories(lines[first:end], lm)] if found is not None]
    if not put_back:
        return None
    out: list[str] = []
    at = 0
    for n, (first, end, found) in enumerate(put_back):
        above = _edge_block(lines, at, first, last=True)
        tops = [_blocks_of(story)[0] for story in found]
        k = _edge_story(lm, [(lines[above[-1]], block[0], block) for block in tops]) if above else None
        if k is not None:
            found[k] = [*(lines[i] for i in above), "", *found[k]]
        kept = lines[at:first if k is None else above[0]]
        if any(line.strip() for line in kept):
            out.append("\n".join(kept) + "\n")
        at = end
        below = _edge_block(lines, end, put_back[n + 1][0] if n + 1 < len(put_back) else len(lines), last=False)
        feet = [_blocks_of(story)[-1] for story in found]
        k = _edge_story(lm, [(block[-1], lines[below[0]], block) for block in feet]) if below else None
        if k is not None:
            found[k] = [*found[k], "", *(lines[i] for i in below)]
            at = below[-1] + 1
        out.extend("\n".join(story) + "\n" for story in found)
    if any(line.strip() for line in lines[at:]):
        out.append("\n".join(lines[at:]) + "\n")
    return out


def _edge_block(lines: Sequence[str], first: int, end: int, last: bool) -> list[int]:
    """The line numbers of the last (``last``) or first block of ``lines[first:end]`` when it may
    be a column's body text (not a headline, no byline: :func:`_body`); else none."""
    runs = [[first + i for i in run] for run in _runs(list(lines[first:end]))]
    block = runs[-1 if last else 0] if runs else []
    return block if block and _body([lines[i] for i in block]) else []


def _blocks_of(lines: Sequence[str]) -> list[list[str]]:
    """The blocks of ``lines`` (runs between blank lines), each its lines."""
    return [[lines[i] for i in run] for run in _runs(list(lines))]


def _body(block: Sequence[str]) -> bool:
    """Whether ``block`` (lines) may be a column's body text: no headline, no byline."""
    return not title_like(block) and not any(is_byline(line) for line in block)


def _edge_story(lm: TokenScorer, seams: Sequence[tuple[str, str, Sequence[str]]]) -> int | None:
    """Which of a region's stories goes on in the block above or below the region (:data:`EDGE_JOIN`):
    of ``seams``, one a story (``(tail, head, the story's block at the seam)``), the one whose tail
    reads on into its head best, by :data:`EDGE_JOIN` or more, where the tail ends no sentence and
    the story's block at the seam may be body text; else None."""
    scored = [(join_score(lm, tail.strip(), _scored(head.strip())), k) for k, (tail, head, block) in enumerate(seams)
              if not ends_sentence(tail) and _body(block)]
    best = max(scored, default=None)
    return best[1] if best is not None and best[0] >= EDGE_JOIN else None
