"""Headlines: which placed lines are set in large type and head the story under them.

A line whose type size (see :func:`.placed.char_height`) is at least ``1.2×`` the
body's median, its characters ``1.2×`` the body's measured pitch apart (a body line whose
word boxes the engine swelled is as tall, but keeps the body's pitch), or ``1.1×`` and ``1.3×``
(PP-OCR's padded boxes: see :func:`_is_headline`), is a headline, unless its group of such lines holds fewer than three wide
letters (Han and the like) in all (a photo or a rule read as large glyphs). A story's headlines come before its body;
large type in a part of the story read after its body has begun, or under a column's lines
once its headline is out (a photo or a rule read as large garbage, a body row whose boxes the
engine swelled to two rows, a cross-head), heads nothing and comes after the body.
"""
from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from operator import attrgetter
from typing import NamedTuple

from ..text_reflow import display_width
from .model import Box, join_words
from .placed import ALNUM, HEADLINE, PITCH_CHARS, RULE, SPECKS, PlacedLine, letter_extents, low_height, text_span, wide_letters
from .stories import _clusters, _overlap, letters_top, line_gap

HEADLINE_PITCH = 1.2  # × h (× the body's measured pitch in _is_headline): least character pitch of a headline
HEADLINE_LINE = 1.2  # × h: type size of a line that is a headline, its characters HEADLINE_PITCH apart (see _is_headline;
#   headlines set 1.3 × the body measure 1.24 × h on Tesseract's boxes; where the size tells alone, HEADLINE)
SPACED_LINE = 1.1  # × h: type size of a line that is a headline where its characters stand SPACED_PITCH apart (see _is_headline)
SPACED_PITCH = 1.3  # × the body's measured pitch
KICKER = 1.05  # × h: least type size and pitch of a kicker or sub-headline next to a headline
KICKER_NEXT = 1.1  # × h: the same next to a kicker or sub-headline
CLOSE = 0.6  # × the usual gap between lines: a kicker or sub-headline stands further than this above the body line under it
HEAD_WIDE = 3  # least wide letters (Han and the like) of a headline, its lines together
IN_COLUMN = 1.5  # × the usual gap between lines: how far the lines right above and below a body line in a column stand (see _in_column)
FRAGMENT = 0.7  # × h: type size under which a short line beside a headline is pieces of its glyphs (see junk_glyphs)
SPECK_CHARS = 4  # characters at most of specks or glyph pieces read beside a headline as a line of their own


def _is_headline(line: PlacedLine, h: float, pitch: float) -> bool:
    """Large type: a line ``HEADLINE_LINE ×`` the body size ``h``, its characters ``HEADLINE_PITCH ×``
    the body's measured character ``pitch`` apart (see :func:`body_pitch`; a body line that the
    engine merged with the row below it, or whose word boxes it swelled on a row read across
    columns, is as tall, but keeps the body's pitch). The pitch, not ``h``: Tesseract's body pitch
    is ``1.1h`` on some fonts, so ``1.2h`` lets such a piece through, and PP-OCR's padded boxes
    make ``h`` ``1.1–1.6 ×`` the pitch, so ``1.2h`` leaves out a bold headline set tight, ``1.3 ×``
    the body's type. Also a line of ``PITCH_CHARS`` characters or more ``SPACED_LINE ×`` ``h``, its
    characters ``SPACED_PITCH ×`` the pitch apart: PP-OCR pads a headline's box little more
    than a body line's, so that a headline set 1.3–1.4 × the body's type may measure only
    1.1–1.2 × ``h``, but its characters stand 1.3–1.5 × the body's pitch apart, further than a
    body line's (a short line's padding at its ends widens its pitch: not measured on it).
    Measured without the specks read as marks past its ends (see :func:`_printed_width`)."""
    if line.size < min(HEADLINE_LINE, SPACED_LINE) * h:  # most lines: body type
        return False
    span, width = _printed_width(line, h)
    return (line.size >= HEADLINE_LINE * h and span >= HEADLINE_PITCH * pitch * width) \
        or (line.size >= SPACED_LINE * h and width >= PITCH_CHARS and span >= SPACED_PITCH * pitch * width)


def _printed_width(line: PlacedLine, h: float) -> tuple[int, float]:
    """The ``line``'s extent and its characters' :func:`display_width`, both without its words of
    only what specks are read as (``SPECKS``) at either end that stand more than ``h`` (a
    character's cell) off its letters: specks in the gutter past a column's line read as ``，，``
    widen its box by the gutter but add two characters only, so that a body row whose boxes the
    engine swelled (``饲料等农资企业加快  ，，``, its commas 55 px = 2.6 × ``h`` past its last
    letter, in the next column) measured with them stands a headline's pitch apart. A full stop or
    a comma printed at a line's end stands in the next cell, its box narrower than the cell: taken
    off, it would widen the pitch."""
    words = [w for w in line.words if w.box is not None and w.text.strip()]
    solid = [k for k, w in enumerate(words) if w.text.strip(SPECKS + " ")]
    if not solid:
        return line.box.width, display_width(line.text)
    first, stop = solid[0], solid[-1] + 1
    if first > 0 and words[first].box.x0 - max(w.box.x1 for w in words[:first]) <= h:
        first = 0
    if stop < len(words) and min(w.box.x0 for w in words[stop:]) - words[stop - 1].box.x1 <= h:
        stop = len(words)
    if (first, stop) == (0, len(words)):  # most lines: letters at either end, or marks close on them
        return line.box.width, display_width(line.text)
    kept = words[first:stop]
    return max(w.box.x1 for w in kept) - min(w.box.x0 for w in kept), display_width(join_words([w.text for w in kept]))


def _over(a: Box, b: Box) -> bool:
    """Whether ``a`` and ``b`` overlap horizontally over half the narrower one's width."""
    return _overlap(a, b) > 0.5 * min(a.width, b.width)


def find_headlines(placed: list[PlacedLine], h: float, levelled: bool = False) -> set[int]:
    """ids of the headline lines: large type (:func:`_is_headline`) but a line set in a column of
    body lines at their pitch (:func:`_in_column`), and the lines of a head
    group set larger than the body but below the headline size (a kicker above the headline,
    a sub-headline under it): type and pitch ``KICKER ×`` the body's (the pitch of a line under
    a headline also ``KICKER ×`` ``h`` where the body's measured pitch is narrower: a column's
    first line under a headline whose word boxes the engine swelled is as large, but keeps the
    body's pitch, and on PP-OCR's padded boxes, ``h`` about 1.3 × the pitch, such a line a little
    larger stands 1.05–1.15 × the pitch apart; a kicker above a headline, ``KICKER ×`` the pitch
    alone: PP-OCR pads a kicker set 1.15 × the body's type, its characters as far apart, to a box
    little taller than the body's), within ``h`` above or
    below a headline line, over half of the shorter one's width (a column's first line beside the
    end of a headline is not one), and two pixels larger at least (box heights are whole pixels:
    on small type a body line one pixel taller than the median is ``1.07 h``), its words
    larger than the body where it is set under ``HEADLINE × h`` (see :func:`_body_letters`; the
    pieces of a row read across the page with boxes swollen larger still part its stories), and
    set apart from the body line under it (see :func:`_on_body`; on a page read turned level,
    ``levelled``, a headline's letters may stand above its box: see :func:`_beside_head`). Next to such a
    line only ``KICKER_NEXT ×`` counts (a wrapped sub-headline; a byline and the body under it
    are a pixel larger at most), and so next to a headline line under ``HEADLINE ×`` h (no larger
    than a sub-headline). A line between two headline lines, within ``h`` of each and
    over half of the shorter one's width, its characters ``KICKER ×`` the body's pitch apart, is
    one of them whatever its size: a headline's middle line whose boxes the engine shrank to the
    body's height (no body line stands between two lines of one headline)."""
    pitch = body_pitch([p for p in placed if p.size < HEADLINE * h], h)
    rows = _Rows.of(placed)
    large, gap = _large_lines(placed, rows, h, pitch)
    heads = _headline_ids(large, h)
    near = [p for p in placed if id(p) in heads]
    inner = _middle_lines(near, heads, rows, h, pitch)
    heads.update(id(p) for p in inner)
    # a headline line under HEADLINE × h (see _is_headline) is set no larger than a sub-headline:
    # the lines next to it are weighed as next to one (KICKER_NEXT)
    near, small = [p for p in near if p.size >= HEADLINE * h] + inner, [p for p in near if p.size < HEADLINE * h]
    _add_head_group_lines(placed, heads, near, small, gap, h, pitch, levelled)
    return heads


def _large_lines(placed: list[PlacedLine], rows: _Rows, h: float, pitch: float) -> tuple[list[PlacedLine], float | None]:
    """The lines set in large type (:func:`_is_headline`) but those set in a column of body lines
    at their pitch (:func:`_in_column`), and the page's usual gap between lines (:func:`.line_gap`),
    measured only where there are large lines (else None)."""
    large = [p for p in placed if _is_headline(p, h, pitch)]
    if not large:
        return large, None
    gap = line_gap(placed, h)
    sized = {id(p) for p in large}
    rows_of: dict[int, list[PlacedLine]] = {p.order: [] for p in large}  # the pieces of each large line's printed line
    for p in placed:
        if p.order in rows_of:
            rows_of[p.order].append(p)
    return [p for p in large if not _in_column(p, rows, sized, gap, h) and not _body_piece(p, rows_of[p.order], sized, h)], gap


def _body_piece(line: PlacedLine, row: list[PlacedLine], large: set[int], h: float) -> bool:
    """Whether ``line`` (large type, see :func:`_is_headline`) is a piece of a row the engine read
    as one line (``row``: the placed lines of that line, ``line`` among them), beside another piece
    of it set in the same type at the body's pitch (no large line: ids ``large``; its pitch
    measured), the two touching (no more than ``h / 4`` apart): a
    headline stands a gutter off the body beside it, but the engine swells and spreads the word
    boxes of a row it reads across the page, so that a piece of it may stand a headline's pitch
    apart (``型农机具，`` | ``加快农业``, one printed line: both 27 px, one 21 px a character, the
    other 31; ``社会大局稳定；三是|。`` | ``断断续续地喷发。。`` on two columns' row, both 44 px
    = 2.1 × ``h``, their boxes overlapping over the rule between them)."""
    return any(id(q) not in large and q.size == line.size and line_pitch(q) is not None
               and max(line.box.x0 - q.box.x1, q.box.x0 - line.box.x1) <= h / 4 for q in row if q is not line)


def _headline_ids(large: list[PlacedLine], h: float) -> set[int]:
    """ids of the ``large`` lines whose group (:func:`.stories._clusters`) holds ``HEAD_WIDE`` wide
    letters or more in all (Han and the like: not Latin, digits or marks); fewer are a photo or a
    rule read as large glyphs (``学``, ``ic -CEA``), no headline."""
    return {id(p) for group in _clusters(large, h) if wide_letters("".join(p.text for p in group)) >= HEAD_WIDE for p in group}


def _middle_lines(near: list[PlacedLine], heads: set[int], rows: _Rows, h: float, pitch: float) -> list[PlacedLine]:
    """The lines between two headline lines (``near``, ids ``heads``): a headline's middle line
    whose boxes the engine shrank (see :func:`find_headlines`). The lines looked at are those
    whose top lies between a headline line's top and ``h`` under its foot."""
    by_top, tops = rows.by_top, rows.tops
    under = {id(p): p for q in near for p in by_top[bisect_left(tops, q.box.y0):bisect_right(tops, q.box.y1 + h)]}
    return [p for p in under.values() if id(p) not in heads and p.box.width >= KICKER * max(h, pitch) * display_width(p.text)
            and _between(p.box, near, h)]


def _between(box: Box, near: list[PlacedLine], h: float) -> bool:
    """Whether ``box`` has a line of ``near`` above it and one below it, each within ``h`` of it
    and over half the narrower one's width."""
    return any(_over(box, q.box) and q.box.y0 <= box.y0 and q.box.y1 <= box.y1 and box.y0 - q.box.y1 <= h for q in near) \
        and any(_over(box, q.box) and q.box.y0 >= box.y0 and q.box.y0 - box.y1 <= h for q in near)


def _add_head_group_lines(placed: list[PlacedLine], heads: set[int], near: list[PlacedLine], small: list[PlacedLine],
                          gap: float | None, h: float, pitch: float, levelled: bool) -> None:
    """The kickers and sub-headlines next to the headline lines added to ``heads`` (see
    :func:`find_headlines`), round by round: first those next to ``near`` (weighed at
    ``KICKER``) and to ``small`` (headline lines no larger than a sub-headline), then those next
    to the lines each round found (at ``KICKER_NEXT``). ``gap``: the page's usual gap between
    lines, or None where not measured yet; ``levelled``: the page was read turned level."""
    least = KICKER
    while near or small:
        found = []
        least_size = max(least * h, h + 1.5)  # a kicker's type: least × the body's, two pixels larger than h at least
        for p in placed:
            if p.size >= least_size and id(p) not in heads and _beside_head(p, near, least, h, pitch, levelled):
                gap = line_gap(placed, h) if gap is None else gap
                if not _on_body(p, placed, heads, gap, h):
                    found.append(p)
        heads.update(id(p) for p in found)
        near, small, least = found + small, [], KICKER_NEXT


def _beside_head(line: PlacedLine, near: list[PlacedLine], least: float, h: float, pitch: float, levelled: bool) -> bool:
    """Whether ``line``, set in type ``least ×`` the body's and two pixels larger than ``h`` at
    least, is set as a kicker or sub-headline of the lines ``near``: its pitch ``least ×`` the
    body's, within ``h`` above or below one of them over half the shorter one's width, and its
    words larger than the body under ``HEADLINE × h`` (see :func:`_body_letters`). On a page
    read turned level (``levelled``) a headline's top is its letters' (:func:`.stories.letters_top`):
    its box is one row of print less the turn, lower than its letters, and a kicker over it stands
    further than ``h`` above that box (a headline's letters 26 px high, its box 13, the kicker 25 px over it, 12 over its letters: read on
    into the paragraph of the story above). Elsewhere a piece of a row is boxed by its own rows and
    sized by its line, and a row read across the page with boxes swollen over two rows would reach
    up to the rows above."""
    if line.box.width < least * pitch * display_width(line.text):
        return False
    # spaced against the pitch alone, only a kicker above a headline (see find_headlines)
    tight = line.box.width < least * max(h, pitch) * display_width(line.text)

    def top(q: PlacedLine) -> float:
        return letters_top(q.box, q.size) if levelled else q.box.y0

    return any(_over(line.box, q.box) and max(top(q) - line.box.y1, line.box.y0 - q.box.y1) <= h
               and not (tight and line.box.y0 >= q.box.y0) for q in near) and not (line.size < HEADLINE * h and _body_letters(line, h))


def _on_body(line: PlacedLine, placed: list[PlacedLine], heads: set[int], gap: float, h: float) -> bool:
    """Whether the next line under ``line`` (over half the narrower one's width, not a headline
    line: ids ``heads``) is set at the body's size (under ``KICKER × h``, or a quarter of its
    words no larger than the body: see :func:`_body_letters`) and starts less than
    ``CLOSE ×`` the page's usual gap between lines (``gap``) below it: a kicker or sub-headline
    is set apart from the body under it, a column's first line whose boxes the engine swelled
    is not (``新华社华盛顿…电发表在``, 3 px above the next line where lines stand 6 px apart).
    A wrapped sub-headline's next line is as large as it, all its words; on a row read across
    the page the engine swells the boxes of the next body line too, but not all of them
    (``当地时间10号上`` 4 px above ``午，全国人大常委会``, 1.6 × ``h``, the lower quartile of its
    words' heights ``h``)."""
    below = [q for q in placed if q.box.y0 >= line.box.y1 - 0.25 * h and q is not line and id(q) not in heads and _over(line.box, q.box)]
    after = min(below, key=lambda q: q.box.y0, default=None)
    return after is not None and (after.size < KICKER * h or _body_letters(after, h)) and after.core.y0 - line.core.y1 < CLOSE * gap


def _body_letters(line: PlacedLine, h: float) -> bool:
    """Whether a quarter of the ``line``'s solid words or more are set no larger than the body
    size ``h`` (:func:`low_height`). A kicker or sub-headline is set larger than the body, all
    of it (two pixels at least, see :func:`_add_head_group_lines`); a column's first line under a headline that passes for one keeps words of the body's
    size where the engine swelled the others over two rows (and lost a comma, which widens the
    pitch: ``4月1日库尔德武装主导的``; boxed at ``h`` exactly: ``“脱单神器“连考必过”“一个亿小``, 13 px at ``h`` 13)."""
    return 0 < low_height(line.words, letter_extents(line.words)) <= h


def line_pitch(line: PlacedLine) -> float | None:
    """The ``line``'s extent's width per character (half-width digits and letters half a one; a
    column rule read as ``|`` is no text of it), or None under ``PITCH_CHARS`` characters."""
    width = display_width(line.text.strip(RULE + " "))
    if width < PITCH_CHARS:
        return None
    x0, x1 = text_span(line)
    return (x1 - x0) / width


def body_pitch(lines: list[PlacedLine], h: float) -> float:
    """The character pitch of ``lines``: the median of their :func:`line_pitch` over those that
    measure one, or ``h`` without such lines."""
    widths = [w for line in lines if (w := line_pitch(line)) is not None]
    return float(statistics.median(widths)) if widths else h


class _Rows(NamedTuple):
    """A page's placed lines sorted by their tops and by their feet (each stable: on a tie, in the
    page's order), for the lines of a band of rows."""

    by_top: list[PlacedLine]
    tops: list[int]
    by_foot: list[PlacedLine]
    feet: list[int]

    @staticmethod
    def of(placed: list[PlacedLine]) -> "_Rows":
        by_top, by_foot = sorted(placed, key=attrgetter("box.y0")), sorted(placed, key=attrgetter("box.y1"))
        return _Rows(by_top, [p.box.y0 for p in by_top], by_foot, [p.box.y1 for p in by_foot])


def _in_column(line: PlacedLine, rows: _Rows, large: set[int], gap: float, h: float) -> bool:
    """Whether ``line`` (large type, see :func:`_is_headline`) stands in a column of body lines at
    their pitch: the nearest line right above it and the nearest right below it (over half the
    narrower one's width, at most ``IN_COLUMN ×`` the usual ``gap`` between lines away; ``rows``:
    the page's lines) are no large lines (ids ``large``), and its characters stand less than
    ``HEADLINE_PITCH ×`` as far apart as theirs. Its height and pitch measured against the whole
    page passed for a headline's: the engine swelled its boxes, and its story justifies its lines
    wider than the page's other stories (``感谢巴方在涉及``, a paragraph's indented first line); no
    headline is set between two lines of a column, each at the usual gap, as closely spaced as
    they are."""
    mine = line_pitch(line)
    if mine is None:
        return False
    box, reach = line.box, IN_COLUMN * gap
    # the lines whose feet stand within reach above the line's top (h / 2 into it at most), and
    # those whose tops stand within reach under its foot (h / 2 into it at most)
    over = rows.by_foot[bisect_left(rows.feet, box.y0 - reach):bisect_right(rows.feet, box.y0 + h / 2)]
    above = max((q for q in over if q is not line and q.box.y0 < box.y0 and _over(q.box, box)), key=attrgetter("box.y1"), default=None)
    under = rows.by_top[bisect_left(rows.tops, box.y1 - h / 2):bisect_right(rows.tops, box.y1 + reach)]
    below = min((q for q in under if q is not line and q.box.y1 > box.y1 and _over(q.box, box)), key=attrgetter("box.y0"), default=None)
    if above is None or below is None:
        return False
    pitches = [line_pitch(q) for q in (above, below) if id(q) not in large]
    return len(pitches) == 2 and all(p is not None and mine < HEADLINE_PITCH * p for p in pitches)


def junk_glyphs(placed: list[PlacedLine], heads: set[int], h: float) -> set[int]:
    """ids of the lines of a head group (``heads``), or set in large type (``HEADLINE × h``),
    with letters but no wide one (see :func:`wide_letters`): a photo or a rule beside a
    headline read as large Latin glyphs (``”sisx+aRA tx |``, ``en 、``). Grouped with the
    headline it stands next to, it would stand between the headline and its body; in a column,
    between a headline and the body under it. Like a rule read as text, it ends its story.

    So do a short line (``SPECK_CHARS`` characters at most) with letters but no wide one whose
    box overlaps a headline line's (specks on the headline's row read as ``EE``, ``mm``), and a
    line of ``SPECK_CHARS`` wide letters at most set under ``FRAGMENT ×`` the body size within
    ``h`` of a headline line: no
    character of the body or the headline is that small, so these are the tops or feet of the
    headline's own characters read as a row of small glyphs (``Z 一全、人`` beside a headline's
    end, ``~ 已`` under its last line). Read as a paragraph, each stood between the headline
    and the first line of its body. Body lines beside or under a headline are set at the body
    size and hold wide letters, even where the engine swelled a headline's box over them."""
    found = {id(p) for p in placed if (id(p) in heads or p.size >= HEADLINE * h) and _latin_only(p.text)}
    boxes = [p.box for p in placed if id(p) in heads]
    if boxes:
        found |= {id(p) for p in placed if id(p) not in heads and id(p) not in found and (_speck(p, boxes) or _fragment(p, boxes, h))}
    return found


def _latin_only(text: str) -> bool:
    """Whether ``text`` holds letters but no wide one (see :func:`wide_letters`)."""
    return bool(ALNUM.search(text)) and not wide_letters(text)


def _speck(line: PlacedLine, boxes: list[Box]) -> bool:
    """Whether ``line`` is specks on a headline's row: ``SPECK_CHARS`` characters at most, with
    letters but no wide one, its box overlapping a headline line's (``boxes``)."""
    return display_width(line.text) <= SPECK_CHARS and _latin_only(line.text) and any(_apart(line.box, q) < 0 for q in boxes)


def _fragment(line: PlacedLine, boxes: list[Box], h: float) -> bool:
    """Whether ``line`` is pieces of a headline's glyphs: ``SPECK_CHARS`` wide letters at most,
    set under ``FRAGMENT ×`` the body size ``h``, within ``h`` of a headline line (``boxes``)."""
    return line.size < FRAGMENT * h and wide_letters(line.text) <= SPECK_CHARS and any(_apart(line.box, q) <= h for q in boxes)


def _apart(a: Box, b: Box) -> float:
    """How far apart boxes ``a`` and ``b`` stand: the larger of their horizontal and vertical
    gaps (negative where they overlap)."""
    return max(b.x0 - a.x1, a.x0 - b.x1, b.y0 - a.y1, a.y0 - b.y1)


def under_body(large: list[PlacedLine], body: list[PlacedLine]) -> set[int]:
    """ids of the ``large`` lines of a leaf that stand under one of its ``body`` lines, over half
    the narrower one's width: set in a column after its lines have begun, they head nothing (a
    body row whose boxes the engine swelled to two rows, a photo read as large glyphs, a
    cross-head), though the leaf is the first of its story with a body."""
    return {id(p) for p in large if any(q.box.y1 <= p.box.y0 + 0.25 * p.size and _over(p.box, q.box) for q in body)}
