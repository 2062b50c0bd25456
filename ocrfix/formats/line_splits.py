"""Lines that hold more than one column's text: where the engine merged a row across a gutter.

``h`` is the body text's median type size (:func:`.placed.char_height`). A body line whose words
are separated by a gap wider than ``1.2h`` straddles two columns (Tesseract sometimes merges
lines across a column gutter) and is split there; so is
a line that runs across a gutter that the page's other lines set out (lines ending at its
left side and lines starting at its right side, nearby: see :func:`_edge_splits`) where a
word starts at the right column's edge, though no gap shows (a narrow gutter, specks, a
skewed scan), and where a column rule read as ``|`` (alone or with punctuation: ``”|``) stands
between letters more than ``1.5h`` apart (see ``RULED``; in a headline also less than one of
its characters apart where the lines around leave a story gap blank under the rule: see
:func:`_ruled_head_splits`), and where the row right above or
below was read as two lines side by side whose blank covers a gap between its letters (a
column's last rows: see :func:`_row_splits`), or where the lines around leave a narrow
channel down such a gap (a one-character gutter whose rows the engine merged: see
:func:`_channel_splits`).
The pieces become :class:`~.placed.PlacedLine` s of their own (:func:`split_lines`).
"""
from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from math import ceil, floor
from operator import attrgetter, itemgetter
from typing import NamedTuple, Sequence

from ..text_reflow import OPENING, display_width
from .headlines import HEAD_WIDE, HEADLINE_PITCH, KICKER
from .model import Box, Line, Word, join_words
from .placed import (HEADLINE, RULE, SPECKS, PlacedLine, is_rule_text, letter_extents, low_height, piece_box, type_size,
                     wide_letters)
from .stories import _layout_kernel

_BRACKETS = tuple(OPENING.replace("“", "").replace("‘", ""))  # opening brackets (the engine reads specks in a gutter as quote marks)
TALL_WORDS = 1.15  # × h: least box height of three in four of a headline's words
SQUARE = 0.9  # × its own type size: least character pitch of a piece of a line set in type of its own (see _set_size, _gutter_splits)
SQUARE_PITCH = 1.6  # × h: least character pitch of a piece of Han characters whose pitch is its type size though its boxes are taller (see _set_size)
SWOLLEN_PITCH = 1.7  # × its pitch: most height of such a piece's word boxes (a garbled body row the engine read short and boxed over two rows stands taller)
GUTTER = 1.2  # × h: gap between words that splits a body line into two columns
RIVER = 0.6  # × h: narrowest gap that splits a line where the lines around it are blank too
STORY_RIVER = 0.8  # × h: half the width of the band the lines around must leave blank under a headline's gap that holds specks (a gap between stories; a gutter inside one is narrower)
HEAD_RIVER = 0.8  # × the line's own type size: the same for a headline (its characters stand further apart)
EDGE_LINES = 3  # lines that set out a column's edge
EDGE_GAP = 0.3  # × h: narrowest gutter between columns set out by their edges
EDGE_GUTTER = 2.5  # × h: widest such gutter
EDGE_NEAR = 4.0  # × h: how near a merged line the lines setting out a gutter must be
ROW_NEAR = 2.5  # × h: how far apart the middles of two neighbouring rows stand at most
ROW_INDENT = 3.0  # × h: how far right of a gap's right end the line beside a blank over or under it may start (a paragraph's first line, two characters in)
NARROW = 0.15  # × h: half the width of the channel the lines around leave down a narrow gutter (see _channel)
CHANNEL_LINES = 4  # least lines around that span a narrow gutter's channel
RULED = 1.5  # × h (one character of the line's own type where wider): least gap between the letters either side of a column rule read inside a line
#   (a rule in a gutter stands a space from the letters either side; a character misread as ``|`` inside a column takes one cell)
LONE_SIZE = 0.8  # × a headline line's type size: least box height of a character or two at its end that stays on it (see _lone_ends_kept)
LONE_GAP = 1.5  # × its type size: widest gap between such characters and the rest of the line
HEAD_GAP = 2.5  # × the line's own type size: a gap that splits a headline line whatever is around it (two headlines side by side)
_KERNEL_MARKS = (SPECKS, OPENING, RULE, GUTTER, RULED, TALL_WORDS, STORY_RIVER)  # what the compiled gap loop reads of the above (see _gaps)
_KERNEL_CHANNEL = (RIVER, NARROW, CHANNEL_LINES)  # what the compiled channel test reads of the above (see _channel_splits)
_KERNEL_ROWS = (ROW_NEAR, ROW_INDENT, RIVER)  # what the compiled row-blank test reads of the above (see _row_splits)
_KERNEL_EDGES = (HEADLINE, EDGE_LINES)  # what the compiled column edges read of the above (see _page_edges)
_LEFT, _RIGHT = 0, 2  # where a box's left and right edges stand in it


class Marks(NamedTuple):
    """A line's horizontal extent and its solid words' letters (left to right, for interval look-ups)."""

    x0: int
    x1: int
    starts: Sequence[float]
    reach: Sequence[float]  # reach[k]: the rightmost end among the first k + 1 extents

    @staticmethod
    def of(box: Box, extents: list[tuple[float, float] | None]) -> "Marks":
        """The marks of a line (or a piece of one) in ``box`` with these letter extents (see
        :func:`letter_extents`; None ones are skipped)."""
        if _layout_kernel is not None:  # the same in C++
            return Marks(box.x0, box.x1, *_layout_kernel.marks(extents))
        solid = sorted(e for e in extents if e is not None)
        if not solid:
            return Marks(box.x0, box.x1, (), ())
        starts, ends = zip(*solid)
        return Marks(box.x0, box.x1, starts, tuple(accumulate(ends, max)))

    def core(self, box: Box) -> Box:
        """``box`` narrowed to the extents (whole pixels; ``box`` itself without any)."""
        return Box(round(self.starts[0]), box.y0, round(self.reach[-1]), box.y1) if self.starts else box

    def inked(self, lo: float, hi: float) -> bool:
        """Whether any extent overlaps ``(lo, hi)``."""
        k = bisect_left(self.starts, hi)
        return k > 0 and self.reach[k - 1] > lo

    def openings(self, lo: float, hi: float, wide: float) -> list[tuple[float, float]]:
        """The blanks between the extents (to the box's ends past the first and last of them)
        wider than ``wide`` that overlap ``(lo, hi)``, left to right."""
        starts, reach = self.starts, self.reach
        k = bisect_right(starts, lo)
        left = reach[k - 1] if k else self.x0
        found = []
        while left < hi:
            right = starts[k] if k < len(starts) else self.x1
            if right - wide > left and right > lo:
                found.append((left, right))
            if k == len(starts):
                break
            left = max(left, reach[k])
            k += 1
        return found


def _gutter_splits(line: Line, text: str, size: float, band: "Band", h: float) -> list[int]:
    """Word indices where ``line`` (its text: ``text``; ``band``: the line on its page, see
    :class:`Band`) crosses a gutter: a gap between its words wider than ``GUTTER × h`` (body lines; ``HEAD_GAP ×``
    its type size in a headline); in a body line also such a gap plus one character's cell between solid words' boxes that holds only what specks
    are read as (``。``, ``|，``: real punctuation takes a cell), and a gap wider than ``GUTTER × h`` that holds two of them
    or more (``。。`` is no text); or a gap between its solid words wider than ``RIVER × h`` where
    the lines around it are blank too (a whitespace river down the page: a line merged across
    columns or stories). In a headline the gap must be wider than ``HEAD_RIVER ×`` its type
    size and hold no punctuation (a full-width ``：`` is a headline character wide), unless it
    holds only what specks are read as, the letters either side stand that much further apart
    than those specks' boxes are wide, both are set large (``TALL_WORDS × h``), and the lines
    around leave a band ``2 × STORY_RIVER × h`` wide blank there (a gap between two stories, not
    a gutter inside one): a speck read as ``。`` between side-by-side headlines; a
    punctuation-only word past a headline's gutter stays on it (a speck), unless it is an
    opening mark: that opens the headline after the gap (``“放”出…``). In any line, also a
    column rule read as ``|`` (alone or with punctuation: ``”|``, ``|。``) between letters more
    than ``RULED × h`` apart (one of the line's characters where wider): the engine reads the
    rule between side-by-side headlines into the line that way, filling the gap; the cut follows
    the rule (see :func:`_worded_rules`)."""
    letters = band.letters
    headline = _set_as_headline(line, text, size, letters, h)
    # headlines span columns and space their words; a line larger than the body (a kicker, a
    # sub-headline) spaces them in proportion
    gutter, river = (HEAD_GAP * size, HEAD_RIVER * size) if headline else (GUTTER * max(h, size), RIVER * h)
    splits = _gaps(line.words, letters, headline, gutter, river, band, h, size)
    if headline and splits:
        splits = _lone_ends_kept(line.words, splits, size)
    if headline and RULE in text:
        ruled = [cut for cut in _ruled_head_splits(line.words, letters, band, h) if cut not in splits]
        return _worded_rules(line.words, sorted({*splits, *ruled}), set(ruled), True) if ruled else splits
    if headline or not splits:
        return splits
    return _body_row_splits(line, splits, letters, band, h)


def _lone_ends_kept(words: tuple[Word, ...], splits: list[int], size: float) -> list[int]:
    """A headline line's cuts ``splits`` (in order) but one that parts off its first or last
    character or two (fewer than ``HEAD_WIDE`` wide letters, no other text) set at the line's
    own type ``size`` (``LONE_SIZE``) less than ``LONE_GAP ×`` that size off the rest: no
    headline is that short, and a headline's first character boxed apart from the next, with a
    speck read between (``李`` | ``士祥严重违纪违法被开除党籍``, 38 px apart in 34 px type), stands
    over a gutter of the columns above or below as often as not."""
    def lone(start: int, stop: int) -> bool:
        text = join_words([w.text for w in words[start:stop]])
        wide = wide_letters(text)
        return 0 < wide < HEAD_WIDE and wide == len(text.replace(" ", "")) \
            and all(w.box.height >= LONE_SIZE * size for w in words[start:stop] if w.box is not None)

    def gap(cut: int) -> float:
        left = [w.box.x1 for w in words[:cut] if w.box is not None]
        right = [w.box.x0 for w in words[cut:] if w.box is not None]
        return min(right) - max(left) if left and right else float("inf")

    first, last = splits[0], splits[-1]
    drop = {cut for cut, (start, stop) in ((first, (0, first)), (last, (last, len(words))))
            if lone(start, stop) and gap(cut) < LONE_GAP * size}
    return [cut for cut in splits if cut not in drop] if drop else splits


def _set_as_headline(line: Line, text: str, size: float, letters: list[tuple[float, float] | None], h: float) -> bool:
    """Whether ``line`` (its text: ``text``, its type ``size``) is set large and spaced like a
    headline (a body line merged with the row below, or read with tall boxes around a column
    rule, is as tall but keeps the body's pitch; a row read across columns is spread by the
    gutters, but most of its words keep body-sized boxes)."""
    return size >= HEADLINE * h and line.box.width >= HEADLINE_PITCH * h * display_width(text) \
        and low_height(line.words, letters) >= TALL_WORDS * h


def _body_row_splits(line: Line, splits: list[int], letters: list[tuple[float, float] | None], band: "Band", h: float) -> list[int]:
    """The cuts ``splits`` of a body line but those inside a headline read into it (a row read
    across the page): such a headline is spaced like one, its characters as far apart as they are
    high (``SQUARE``; a body row whose word boxes the engine swelled to two rows or more keeps the
    body's pitch); of the cuts between its pieces, only those a headline line would have keep (a
    piece of one word may be a body word whose box the engine swelled)."""
    pieces = list(zip([0, *splits], [*splits, len(line.words)]))
    tall = [b - a - letters[a:b].count(None) > 1 and low_height(line.words[a:b], letters[a:b]) >= TALL_WORDS * h
            for a, b in pieces]
    return [cut for k, cut in enumerate(splits) if not (tall[k] and tall[k + 1] and _inside_headline(line, pieces, tall, k, letters, band, h))]


def _inside_headline(line: Line, pieces: list[tuple[int, int]], tall: list[bool], k: int, letters: list[tuple[float, float] | None],
                     band: "Band", h: float) -> bool:
    """Whether the cut after piece ``k`` of a body line (``pieces``, between its cuts; ``tall``:
    which are set tall) lies inside a headline read into it: the run of tall pieces around it is
    set at a headline's size and spacing, and a headline line of that type would not be cut there."""
    a, b = _run(pieces, tall, k)
    cut = pieces[k][1]
    words = line.words[a:b]
    head = statistics.median(w.box.height for w in words if w.box is not None)
    spaced = piece_box(line, a, b).width >= max(HEADLINE_PITCH * h, SQUARE * head) * display_width(join_words([w.text for w in words]))
    return head >= HEADLINE * h and spaced and not _same_gap(letters[a:cut], _gaps(words, letters[a:b], True, HEAD_GAP * head, HEAD_RIVER * head, band, h, head))


def _ruled_head_splits(words: tuple[Word, ...], letters: list[tuple[float, float] | None], band: "Band", h: float) -> list[int]:
    """Word indices where a headline line is cut after a column rule read as ``|`` (a word of only
    the rule and punctuation) between letters more than ``RULED × h`` apart, where the lines
    around leave a band ``2 × STORY_RIVER × h`` wide blank there (see :func:`_blank_band`): two
    side-by-side stories' headlines, a rule between them, read as one line. The letters may
    stand less than a character of the headline's type apart (the cut :func:`_gaps` makes at a
    rule asks for that much, as a character misread as ``|`` takes one cell), but under a
    headline's own characters its story's body is inked, or parted by a narrower gutter."""
    cuts = []
    sides = None  # the line's _sides, found at its first rule that needs them
    reach = None  # right end of the letters so far
    for k, (word, extent) in enumerate(zip(words, letters)):
        if extent is not None:
            reach = extent[1] if reach is None else max(reach, extent[1])
            continue
        after = next((e for e in letters[k + 1:] if e is not None), None)
        if reach is None or after is None or not is_rule_text(word.text) or after[0] - reach <= RULED * h:
            continue
        sides = sides or _sides(band, h)
        if _blank_band(sides, _probes(reach, after[0], h), h):
            cuts.append(k + 1)
    return cuts


def _blank_band(sides: tuple[list[Marks], list[Marks]], probes: list[float], h: float) -> bool:
    """True when at one of the ``probes`` (x positions), above or below a line (``sides``), at
    least two lines reach within ``2h`` of it and at most a quarter of them have ink within
    ``STORY_RIVER × h`` of it: the gap between two stories' columns, whether the engine read
    their rows apart or across it (:func:`_river` asks for lines that span the gap)."""
    reach = STORY_RIVER * h
    for side in sides:
        for x in probes:
            near = [m for m in side if m.x0 < x + 2 * h and m.x1 > x - 2 * h]
            if len(near) >= 2 and sum(m.inked(x - reach, x + reach) for m in near) <= 0.25 * len(near):
                return True
    return False


def _same_gap(before: list[tuple[float, float] | None], cuts: list[int]) -> bool:
    """Whether one of ``cuts`` (word indices into a run of words) parts the run in the gap where a
    cut after ``before`` (the :func:`letter_extents` of the run's words up to it) does: at that word, or
    at one of the punctuation-only words right before it. A body line cuts at the first solid
    word past specks read in a gap (``改。|。展``); a headline cuts at the column rule among them."""
    first = len(before)
    while first > 0 and before[first - 1] is None:
        first -= 1
    return any(first <= cut <= len(before) for cut in cuts)


def _run(pieces: list[tuple[int, int]], tall: list[bool], k: int) -> tuple[int, int]:
    """The words of the run of tall pieces around the cut after piece ``k``."""
    first, last = k, k + 1
    while first > 0 and tall[first - 1]:
        first -= 1
    while last + 1 < len(pieces) and tall[last + 1]:
        last += 1
    return pieces[first][0], pieces[last][1]


def _gaps(words: tuple[Word, ...], letters: list[tuple[float, float] | None], headline: bool, gutter: float, river: float,
          band: "Band", h: float, size: float) -> list[int]:
    """The cuts :func:`_gutter_splits` describes in ``words`` (a line's, or a run of them, of type
    size ``size``; ``letters``: their :func:`letter_extents`), with its thresholds ``gutter`` and
    ``river``; ``band``: the line on its page (see :class:`Band`). The word loop is compiled
    where it was built (``_layout_kernel.cpp``: the same cuts as :func:`_word_gaps`)."""
    if _layout_kernel is not None:
        splits, rules = _layout_kernel.gaps(words, letters, headline, gutter, river, band, h, size, _KERNEL_MARKS)
    else:
        splits, rules = _word_gaps(words, letters, headline, gutter, river, band, h, size)
    return _worded_rules(words, splits, set(rules), headline) if rules else splits


def _word_gaps(words: tuple[Word, ...], letters: list[tuple[float, float] | None], headline: bool, gutter: float, river: float,
               band: "Band", h: float, size: float) -> tuple[list[int], list[int]]:
    """:func:`_gaps`' word loop: the cuts in order, and those of them at a column rule or at specks between headlines."""
    splits = []
    rules: list[int] = []  # the cuts at a rule or at specks between headlines (see _worded_rules)
    scan = _GapScan(band, h, max(RULED * h, size))
    for k, (word, extent) in enumerate(zip(words, letters)):
        box = word.box
        if box is None:
            continue
        if extent is not None:  # a solid word
            cut = _solid_cut(scan, k, box, extent[0], headline, gutter, river)
            if cut is not None:
                splits.append(cut[0])
                if cut[1]:
                    rules.append(cut[0])
            scan.solid(box, extent[1])
            continue
        # a speck off a headline stays on it; an opening mark opens the text after it (``“放”出…``)
        if scan.reach is not None and box.x0 - scan.reach > gutter and (not headline or word.text.lstrip()[:1] in OPENING):
            splits.append(k)
        scan.mark(k, box, word.text)
    return splits, rules


@dataclass
class _GapScan:
    """What :func:`_word_gaps` has seen of a line's words so far, left to right (``band``: the
    line on its page; ``ruled_gap``: the least gap between letters either side of a rule, see
    ``RULED``)."""

    band: "Band"
    h: float
    ruled_gap: float
    reach: float | None = None  # right edge of the words so far
    solid_reach: float | None = None  # right end of the solid words' letters so far
    solid_box: float | None = None  # right edge of the solid words' boxes so far
    solid_height: float = 0  # box height of the last solid word
    punctuated: bool = False  # a punctuation-only word since the last solid word
    specks_only: bool = True  # every word since the last solid word is what specks are read as
    specks: int = 0  # characters since the last solid word
    marked: float = 0  # width of the words since the last solid word
    ruled: int | None = None  # the word after a column rule read since the last solid word
    around: tuple[list[Marks], list[Marks]] | None = None  # the line's _sides, found at its first gap that needs them

    def sides(self) -> tuple[list[Marks], list[Marks]]:
        """The line's :func:`_sides` (looked up once, and only for a line with a gap to test)."""
        if self.around is None:
            self.around = _sides(self.band, self.h)
        return self.around

    def solid(self, box: Box, end: float) -> None:
        """A solid word in ``box`` whose letters end at ``end`` seen."""
        if self.reach is None or box.x1 > self.reach:
            self.reach = box.x1
        if self.solid_reach is None or end > self.solid_reach:
            self.solid_reach = end
        if self.solid_box is None or box.x1 > self.solid_box:
            self.solid_box = box.x1
        self.punctuated, self.specks_only, self.specks, self.ruled, self.marked, self.solid_height = False, True, 0, None, 0, box.height

    def mark(self, k: int, box: Box, text: str) -> None:
        """Word ``k``, one without letters (punctuation, a rule, specks), in ``box`` seen."""
        if self.reach is None or box.x1 > self.reach:
            self.reach = box.x1
        self.punctuated = self.solid_reach is not None or self.punctuated
        self.specks_only = self.specks_only and not text.strip(SPECKS)
        self.specks += len(text.strip())
        self.marked += box.width
        if self.solid_reach is not None and RULE in text:
            self.ruled = k + 1


def _solid_cut(scan: _GapScan, k: int, box: Box, start: float, headline: bool, gutter: float, river: float) -> tuple[int, bool] | None:
    """The cut :func:`_word_gaps` makes at solid word ``k`` (in ``box``, its letters starting at
    ``start``), if any: the word index, and whether it is at a column rule or at specks between
    headlines. A gap wider than ``gutter`` between the boxes; in a body line one between the solid
    words' boxes that holds only specks; else a gap between the letters (see :func:`_letter_gap_cut`)."""
    if scan.reach is not None and box.x0 - scan.reach > gutter:
        return k, False
    if not headline and scan.solid_box is not None and scan.specks_only \
            and box.x0 - scan.solid_box > (GUTTER * scan.h if scan.specks > 1 else gutter + scan.h):
        return k, False
    if scan.solid_reach is None:
        return None
    return _letter_gap_cut(scan, k, box, start, headline, river)


def _letter_gap_cut(scan: _GapScan, k: int, box: Box, start: float, headline: bool, river: float) -> tuple[int, bool] | None:
    """:func:`_solid_cut` at a gap between the solid words' letters: after a column rule the gap
    spans (``RULED``), at a whitespace river (not past punctuation in a headline), or, in a
    headline, at specks between two stories' headlines."""
    h, reach = scan.h, scan.solid_reach
    gap = start - reach
    if scan.ruled is not None and gap > scan.ruled_gap:
        return scan.ruled, True
    if gap > river and not (headline and scan.punctuated):
        return (k, False) if _river(scan.sides(), _probes(reach, start, h), h) else None
    if headline and scan.punctuated and scan.specks_only and gap - scan.marked > river and min(box.height, scan.solid_height) >= TALL_WORDS * h:
        return (k, True) if _river(scan.sides(), _probes(reach, start, h), h, STORY_RIVER) else None
    return None


def _worded_rules(words: tuple[Word, ...], splits: list[int], rules: set[int], headline: bool) -> list[int]:
    """``splits`` (in order) without the cuts at a rule (``rules``; also those at specks between
    headlines) that leave fewer than ``HEAD_WIDE`` wide letters on either side, up to the next
    cut: a rule beside a photo that the engine read as a few large glyphs, which no headline or
    column is. In a ``headline`` line only a side that runs to the line's end counts: glyphs
    cut off on their other side already (a gap between two stories' headlines, a photo beside
    a rule in it: ``安倍参拜靖国 ”sisx+aRA tx | 李克强…``) would join the next headline across
    the rule."""
    kept: list[int] = []
    for k, cut in enumerate(splits):
        after = splits[k + 1] if k + 1 < len(splits) else len(words)
        start = kept[-1] if kept else 0
        if cut in rules and any(wide_letters(join_words([w.text for w in part])) < HEAD_WIDE
                                for part, end in ((words[start:cut], start == 0), (words[cut:after], after == len(words)))
                                if end or not headline):
            continue
        kept.append(cut)
    return kept


def _probes(left: float, right: float, h: float) -> list[float]:
    """Where a gap between ``left`` and ``right`` is tested for a river: every ``h / 4`` (specks
    read into words skew the gap's ends, so its middle may be inked in the lines around)."""
    return [x for k in range(1, int((right - left) / (h / 4)) + 1) if (x := left + k * h / 4) < right] or [(left + right) / 2]


def _river(sides: tuple[list[Marks], list[Marks]], probes: list[float], h: float, blank: float = 0.3) -> bool:
    """True when at one of the ``probes`` (x positions), above or below the line (``sides``), at
    most a quarter of at least two lines that span it have ink within ``blank × h`` of it (two
    stories side by side have their own columns: the gap between them may run only below a
    merged headline row)."""
    lo, hi = probes[0], probes[-1]
    reach = blank * h
    for side in sides:
        if len(side) < 2:
            continue
        # only the lines across the gap matter: a page band holds every column's lines
        near = [m for m in side if m.x0 < hi and m.x1 > lo]
        if len(near) < 2:
            continue
        across = not [m for m in near if m.x0 >= lo or m.x1 <= hi]  # most lines span every probe
        for x in probes:
            spanning = near if across else [m for m in near if m.x0 < x < m.x1]
            if len(spanning) < 2:
                continue
            allowed, inked = 0.25 * len(spanning), 0
            left, right = x - reach, x + reach
            for marks in spanning:
                inked += marks.inked(left, right)
                if inked > allowed:
                    break
            else:
                return True
    return False


class Band(NamedTuple):
    """A line as :func:`_sides` looks around it on its page: its ``box``, its marks ``own``,
    its words' :func:`letter_extents` (one at least), and the marks of every line of the page,
    ``by_top``, by their top edges ``tops``."""

    box: Box
    own: Marks
    letters: list[tuple[float, float] | None]
    by_top: tuple[Marks, ...]
    tops: tuple[int, ...]


def _sides(band: Band, h: float) -> tuple[list[Marks], list[Marks]]:
    """The other lines starting within ``6h`` above and below the band's line that reach over
    its letters: a gap between them is tested only against those (a page band holds every
    column's lines)."""
    box, tops = band.box, band.tops
    lo, hi = bisect_left(tops, box.y0 - 6 * h), bisect_right(tops, box.y0 + 6 * h)
    middle = bisect_left(tops, (box.y0 + box.y1) / 2, lo, hi)
    ends = [x for extent in band.letters if extent is not None for x in extent]
    left, right = min(ends), max(ends)
    return ([m for m in band.by_top[lo:middle] if m is not band.own and m.x0 < right and m.x1 > left],
            [m for m in band.by_top[middle:hi] if m.x0 < right and m.x1 > left])


class Gutter(NamedTuple):
    """A gutter between two columns that the page's own lines set out: ``x0`` the left
    column's right edge, ``x1`` the right column's left edge; ``rows``: the vertical middles of
    the lines that end at ``x0`` and of those that start at ``x1``."""

    x0: float
    x1: float
    rows: tuple[tuple[float, ...], tuple[float, ...]]

    def near(self, y: float, h: float) -> bool:
        """Whether lines on both sides set out the gutter within ``EDGE_NEAR × h`` of row ``y``
        (``rows`` are sorted)."""
        reach = EDGE_NEAR * h
        for side in self.rows:
            k = bisect_left(side, y - reach)
            if k == len(side) or side[k] > y + reach:
                return False
        return True


def _page_edges(pieces: list[tuple[Box, float, bool]], h: float, side: int) -> list[tuple[float, tuple[float, ...]]]:
    """Column edges as the page's body lines set them out: for each group of at least
    ``EDGE_LINES`` lines or pieces of lines (``(box, type size, whole)``; one whole line as the
    engine gives it at least: the ends of pieces of lines broken at a gap need not be a
    column's) whose ``side`` (the box's left or right edge: ``_LEFT``, ``_RIGHT``) lies within ``h / 2`` of the
    group's first, the median edge and the lines' vertical middles (sorted)."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.page_edges(pieces, h, side, _KERNEL_EDGES)
    groups: list[list[tuple[int, Box, bool]]] = []  # (edge, box, whole)
    large = HEADLINE * h
    for edge, (box, _, whole) in sorted([(p[0][side], p) for p in pieces if p[1] < large], key=itemgetter(0)):
        if groups and edge - groups[-1][0][0] <= h / 2:
            groups[-1].append((edge, box, whole))
        else:
            groups.append([(edge, box, whole)])
    return [(statistics.median(e for e, _, _ in g), tuple(sorted((b.y0 + b.y1) / 2 for _, b, _ in g)))
            for g in groups if len(g) >= EDGE_LINES and any(whole for _, _, whole in g)]


def page_gutters(pieces: list[tuple[Box, float, bool]], h: float) -> list[Gutter]:
    """Gutters between columns side by side (see :func:`_page_edges`): a left edge ``EDGE_GAP``
    of ``h`` at least and ``EDGE_GUTTER`` at most right of a right edge (the wider gaps between
    stories are left to the whitespace river), by their left sides (``x0``)."""
    rights, lefts = _page_edges(pieces, h, _RIGHT), _page_edges(pieces, h, _LEFT)
    return sorted((Gutter(r, l, (r_rows, l_rows)) for r, r_rows in rights for l, l_rows in lefts if EDGE_GAP * h <= l - r <= EDGE_GUTTER * h),
                  key=_left_side)


_left_side = attrgetter("x0")  # a gutter's


def _edge_splits(words: tuple[Word, ...], box: Box, gutters: list[Gutter], h: float) -> list[int]:
    """Word indices where a line the engine merged across a gutter that the page's columns set
    out (see :func:`page_gutters`) is split although its word boxes show no gap there (a narrow
    gutter, specks or a skewed scan fill it): lines near it end at the gutter's left side and
    start at its right side, the line runs ``2h`` into both columns, and a word starts within
    ``h / 2`` of the right column's left edge, the word before it ending by then. The word
    starting nearest that edge begins the right piece. ``gutters`` are sorted by ``x0``: only
    those whose left side lies over the line are looked at."""
    middle = (box.y0 + box.y1) / 2
    splits = []
    for gutter in gutters[bisect_left(gutters, box.x0, key=_left_side):bisect_right(gutters, box.x1, key=_left_side)]:
        if not (box.x0 <= gutter.x0 - 2 * h and box.x1 >= gutter.x1 + 2 * h and gutter.near(middle, h)):
            continue
        best = None
        for k in range(1, len(words)):
            left, right = words[k - 1].box, words[k].box
            if left is None or right is None or abs(right.x0 - gutter.x1) > h / 2 or left.x1 > gutter.x1 + h / 2:
                continue
            if best is None or abs(right.x0 - gutter.x1) < abs(words[best].box.x0 - gutter.x1):
                best = k
        if best is not None:
            splits.append(best)
    return splits


def split_lines(lines: list[Line], sizes: dict[int, float], h: float, numbers: dict[int, int],
                 texts: dict[int, str] | None = None, levelled: bool = False) -> list[PlacedLine]:
    """Every line as one placed line per column it crosses (see :func:`_gutter_splits`,
    :func:`_edge_splits` and :func:`_row_splits`); ``texts``: the lines' texts by id, where already
    known; ``levelled``: the page was read turned level (see :func:`_set_size`)."""
    scanned = _scanned(lines, sizes, h, texts or {id(l): l.text() for l in lines})
    # the lines whole and the pieces of those with gutter cuts (the gutters and the edge cuts read them)
    spans = [(s.line.box, s.size, True) for s in scanned if not s.pieces] \
        + [(box, s.size, False) for s in scanned if s.pieces for _, _, box in s.pieces]
    gutters = page_gutters(spans, h)
    rows = _row_blanks([box for box, size, _ in spans if size < HEADLINE * h], h)
    placed = []
    for seen in scanned:
        # a body row: its words mostly body-sized, whatever its box (Tesseract swells the boxes of a merged row)
        body = seen.size < KICKER * h or low_height(seen.line.words, seen.letters) < TALL_WORDS * h
        placed += _pieces_placed(seen, _line_cuts(seen, body, gutters, rows, h, levelled), body, numbers[id(seen.line)], h, levelled)
    return placed


class _Scanned(NamedTuple):
    """A line as :func:`split_lines` measures it before its page's gutters are known: its text
    and type size, its words' :func:`letter_extents` (None: no letters in the word), its marks,
    its :class:`Band`, its gutter cuts (:func:`_gutter_splits`, in order) and the pieces between
    them ``(start, stop, box)`` (none without cuts)."""

    line: Line
    text: str
    size: float
    letters: list[tuple[float, float] | None]
    ink: Marks
    band: Band
    cuts: list[int]
    pieces: list[tuple[int, int, Box]]

    def parts(self) -> list[tuple[int, int, Box]]:
        """Its pieces, or the whole line as one."""
        return self.pieces or [(0, len(self.line.words), self.line.box)]


def _scanned(lines: list[Line], sizes: dict[int, float], h: float, texts: dict[int, str]) -> list[_Scanned]:
    """The page's ``lines`` measured (see :class:`_Scanned`); each line's band holds the marks of them all."""
    letters, ink = _page_ink(lines)
    by_top = sorted(range(len(lines)), key=lambda k: lines[k].box.y0)
    tops, marks = tuple(lines[k].box.y0 for k in by_top), tuple(ink[k] for k in by_top)
    scanned = []
    for line, extents, own in zip(lines, letters, ink):
        text, size = texts[id(line)], sizes[id(line)]
        band = Band(line.box, own, extents, marks, tops)
        cuts = _gutter_splits(line, text, size, band, h)
        pieces = [(start, stop, piece_box(line, start, stop)) for start, stop in zip([0, *cuts], [*cuts, len(line.words)])] if cuts else []
        scanned.append(_Scanned(line, text, size, extents, own, band, cuts, pieces))
    return scanned


def _page_ink(lines: list[Line]) -> tuple[list[list[tuple[float, float] | None]], list[Marks]]:
    """Per line, its words' :func:`letter_extents` and its :class:`Marks`."""
    if _layout_kernel is not None:  # the same in C++, every line in one call
        return _layout_kernel.page_ink(lines, Marks)
    letters = [letter_extents(l.words) for l in lines]
    return letters, [Marks.of(l.box, extents) for l, extents in zip(lines, letters)]


def _line_cuts(seen: _Scanned, body: bool, gutters: list[Gutter], rows: RowBlanks, h: float, levelled: bool) -> list[int]:
    """Where the line ``seen`` (a ``body`` row or not) is cut, in order: at its gutter cuts, at gutters the
    page's columns set out (:func:`_edge_splits`, not in a headline), in a body row beside the
    rows above and below (see :func:`_beside_cuts`); a bracket that opens the text after a cut
    goes with it (:func:`_brackets_moved`), a column rule at the line's ends stays on it
    (:func:`_ruled_ends_kept`); ``levelled``: the page was read turned level (see :func:`_set_size`)."""
    cuts = seen.cuts  # in order
    words = seen.line.words
    if gutters and (body or seen.size < HEADLINE * h) and seen.line.box.width > 4 * h:
        edges = [start + k for start, stop, box in seen.parts() for k in _edge_splits(words[start:stop], box, gutters, h)]
        cuts = sorted({*cuts, *edges}) if edges else cuts
    if body and seen.line.box.width > 4 * h:
        beside = _beside_cuts(seen, rows, h, levelled)
        cuts = sorted({*cuts, *beside}) if beside else cuts
    return _ruled_ends_kept(words, _brackets_moved(words, seen.letters, cuts)) if cuts else cuts


def _beside_cuts(seen: _Scanned, rows: RowBlanks, h: float, levelled: bool) -> list[int]:
    """The cuts in a body line (in each of its pieces set in body type: a piece may be set in
    type of its own, a whole line is set in its own size) where the row above or below holds two
    lines side by side (:func:`_row_splits`) or the lines around leave a channel (:func:`_channel_splits`)."""
    cuts = []
    for start, stop, box in seen.parts():
        letters = seen.letters[start:stop]
        gaps = _inner_gaps(letters, h)  # both cut only at such a gap: most pieces have none
        if gaps and (_set_size(seen.line.words[start:stop], letters, box, seen.size, h, levelled) if seen.pieces else seen.size) < HEADLINE * h:
            cuts += [start + k for k in {*_row_splits(box, gaps, rows, h), *_channel_splits(letters, seen.band, h)}]
    return cuts


def _pieces_placed(seen: _Scanned, cuts: list[int], body: bool, number: int, h: float, levelled: bool) -> list[PlacedLine]:
    """The placed lines of the line ``seen`` cut at ``cuts`` (in order; none: the line whole), line ``number``
    of the document; a ``body`` row's pieces get boxes of their own rows (see :func:`piece_box`), their
    type sizes as :func:`_set_size` (``levelled``: on a page read turned level) reads them."""
    if not cuts:
        return [PlacedLine(seen.text, seen.line.box, seen.size, number, seen.line.words, seen.ink.core(seen.line.box))]
    placed = []
    for start, stop in zip([0, *cuts], [*cuts, len(seen.line.words)]):
        words, letters = seen.line.words[start:stop], seen.letters[start:stop]
        box = piece_box(seen.line, start, stop, own_rows=body)
        own = Marks.of(box, letters)
        placed.append(PlacedLine(join_words([w.text for w in words]), box, _set_size(words, letters, box, seen.size, h, levelled), number, words,
                                 own.core(box)))
    return placed


class RowBlank(NamedTuple):
    """The blank between two lines side by side on one row (the engine read them apart: a
    gutter or the gap between stories), from ``x0`` to ``x1``; ``middle``: the row's."""

    middle: float
    x0: int
    x1: int


class RowBlanks(NamedTuple):
    """A page's row blanks (:class:`RowBlank`) by their rows' middles, and those middles: the
    blanks near a line are looked up by bisecting the middles, without a key call per step."""

    blanks: list[RowBlank]
    middles: list[float]


def _row_blanks(boxes: list[Box], h: float) -> RowBlanks:
    """The blanks between neighbouring lines (or pieces of lines) of body type on one row (their
    vertical middles within ``h / 2`` of the row's first), by their rows' middles."""
    if _layout_kernel is not None:  # the same in C++
        return RowBlanks(*_layout_kernel.row_blanks(boxes, h, RowBlank))
    blanks: list[RowBlank] = []
    row: list[Box] = []
    for box in sorted(boxes, key=_middle):
        if row and _middle(box) - _middle(row[0]) > h / 2:
            blanks += _blanks(row, h)
            row = []
        row.append(box)
    blanks = sorted(blanks + _blanks(row, h), key=_row_middle)
    return RowBlanks(blanks, [b.middle for b in blanks])


def _blanks(row: list[Box], h: float) -> list[RowBlank]:
    """The blanks between neighbouring boxes of one row, left to right, that are ``4h`` wide
    at least (lines of columns, not specks or pieces of a word)."""
    if len(row) < 2:
        return []
    middle = _middle(row[len(row) // 2])  # the boxes come by their middles
    row = sorted(row, key=attrgetter("x0"))
    wide = 4 * h
    return [RowBlank(middle, a.x1, b.x0) for a, b in zip(row, row[1:]) if b.x0 > a.x1 and min(a.width, b.width) >= wide]


def _middle(box: Box) -> float:
    return (box.y0 + box.y1) / 2


_row_middle = attrgetter("middle")  # a RowBlank's


def _row_splits(box: Box, gaps: list[tuple[int, float, float]], rows: RowBlanks, h: float) -> list[int]:
    """Word indices where a body line (or a piece of one, in ``box``; ``gaps``: the :func:`_inner_gaps`
    of its words' letters) that the engine merged across a gutter is split: at a gap between its letters wider than
    ``RIVER × h``, where the row right above or below it (middles ``ROW_NEAR × h`` apart at most)
    holds two lines side by side, ``4h`` wide each, whose blank lies within ``h`` of the gap's
    ends and covers ``RIVER × h`` of it (the rows of two columns' last or first lines, too few to set out
    their edges: see :func:`page_gutters`). The blank may end up to ``ROW_INDENT × h`` right of the
    gap: the right column's line beside it may open a paragraph, indented two characters (the
    right column's first line merged, its next one a paragraph's first); and it may start anywhere
    left of the gap: the left column's line beside it may end a paragraph, short. The letters must run
    ``2h`` into both sides."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.row_splits(box, gaps, rows.blanks, rows.middles, h, _KERNEL_ROWS)
    middle = _middle(box)
    # only blanks the line reaches over (a gap 2h into its letters either side ends within h of them)
    near = [r for r in rows.blanks[bisect_left(rows.middles, middle - ROW_NEAR * h):bisect_right(rows.middles, middle + ROW_NEAR * h)]
            if box.x0 <= r.x0 - h and box.x1 >= r.x1 + h and abs(r.middle - middle) > h / 2]  # few blanks lie under a line
    if not near:
        return []
    return [k for k, left, right in gaps
            if any(r.x0 - left <= h and -h <= r.x1 - right <= ROW_INDENT * h and min(r.x1, right) - max(r.x0, left) >= RIVER * h for r in near)]


def _inner_gaps(letters: list[tuple[float, float] | None], h: float) -> list[tuple[int, float, float]]:
    """The gaps wider than ``RIVER × h`` between the letters of a line (or a piece of one; its
    words' :func:`letter_extents`) whose letters run ``2h`` into both sides: ``(k, left, right)``, word
    ``k`` the first after the gap, ``left`` and ``right`` the gap's ends, left to right."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.inner_gaps(letters, h, RIVER)
    solid = [(k, extent) for k, extent in enumerate(letters) if extent is not None]
    if not solid:
        return []
    first, last = solid[0][1][0], max(extent[1] for _, extent in solid)
    reach = solid[0][1][1]  # right end of the letters so far
    wide = RIVER * h
    gaps = []
    for k, (start, end) in solid[1:]:
        if start - reach > wide and first <= reach - 2 * h and last >= start + 2 * h:
            gaps.append((k, reach, start))
        if end > reach:
            reach = end
    return gaps


def _channel_splits(letters: list[tuple[float, float] | None], band: Band, h: float) -> list[int]:
    """Word indices where a body line (or a piece of one; its words' :func:`letter_extents`; ``band``:
    the line on its page) that the engine merged across a narrow gutter is split: at a gap
    between its letters wider than ``RIVER × h`` (letters ``2h`` into both sides) down which the
    lines around leave a channel (see :func:`_channel`). A gutter about one character wide, on
    a scan whose boxes wobble, leaves no blank ``0.6h`` wide for the whitespace river, and where
    the engine merged most rows across it no lines set out its edges."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.channel_splits(letters, band, h, _KERNEL_CHANNEL)
    gaps = _inner_gaps(letters, h)
    if not gaps:
        return []
    # the other lines starting within 6h above and below that could reach 2h past a gap on both
    # sides (the gaps come left to right)
    tops, own = band.tops, band.own
    lo, hi = gaps[-1][1] - 2 * h, gaps[0][2] + 2 * h
    around = [m for m in band.by_top[bisect_left(tops, band.box.y0 - 6 * h):bisect_right(tops, band.box.y0 + 6 * h)]
              if m.x0 < lo and m.x1 > hi and m is not own]
    if len(around) < CHANNEL_LINES:
        return []
    return [k for k, left, right in gaps if _channel(around, left, right, h)]


def _channel(around: list[Marks], left: float, right: float, h: float) -> bool:
    """True when, at one of seven points evenly across the gap from ``left`` to ``right``, at
    most a quarter of the lines ``around`` that reach ``2h`` past the gap on both sides (at
    least ``CHANNEL_LINES`` of them) have ink within ``NARROW × h`` of it or no blank wider
    than ``RIVER × h`` around it. Lines set in one column leave no such channel: their
    characters stand in cells of one pitch, and a gap between two lines' glyphs at one x is
    inked in the others, or as narrow as the space between two characters."""
    lo, hi = left - 2 * h, right + 2 * h
    spanning = [m for m in around if m.x0 < lo and m.x1 > hi]
    if len(spanning) < CHANNEL_LINES:
        return False
    reach, allowed, eighth, wide = NARROW * h, 0.25 * len(spanning), (right - left) / 8, RIVER * h
    needed = len(spanning) - allowed  # lines open at one point at least
    opened = [0] * 8  # per point (1–7: left + j eighths), the lines open there
    most = 0  # the most lines open at any one point
    for seen, marks in enumerate(spanning, 1):
        points = set()
        for a, b in marks.openings(left, right, wide):
            points.update(range(max(1, ceil((a + reach - left) / eighth)), min(7, floor((b - reach - left) / eighth)) + 1))
        for j in points:
            opened[j] += 1
            most = max(most, opened[j])
        # neither count falls as more lines are seen: the lines open at the best point, and
        # those seen closed there
        if most >= needed:
            return True
        if seen - most > allowed:
            return False
    return False


def _set_size(words: tuple[Word, ...], letters: list[tuple[float, float] | None], box: Box, size: float, h: float,
              levelled: bool) -> float:
    """The type size a piece of a line (its ``words``, their :func:`letter_extents`, its ``box``) is set
    in: its own where it is set in type of its own, its letters all large (``TALL_WORDS ×`` the
    body size ``h``) and standing as far apart as they are high (``SQUARE ×``), like a headline
    read into a body row; else its line's ``size``: a body row the engine merged with the row
    below swells its word boxes to two rows, but not their pitch, and a piece of a body row whose
    boxes the engine swelled measures large by its boxes only. Its own size is its words' (see
    :func:`~.placed.type_size`), on a page read turned level (``levelled``) not capped by its box:
    a line turned level is the rectangle of one row of print, as high as the engine's box less the
    line's width × the turn, so that where the engine read a body row and a headline beside it as
    one line, that box is lower than the headline's letters (a line 996 px wide and 35 high at 1.1°:
    15 px, the headline's letters 17). There a piece of mostly Han characters (square) standing
    ``SQUARE_PITCH ×`` ``h`` apart or more but under ``SQUARE ×`` its words' height takes its pitch
    as its size: the engine boxed its words taller than its letters (a headline's letters 22 px
    high, their pitch 23, its word boxes 35: read at the line's size, it is read on into the
    paragraph above it), where those boxes are at most ``SWOLLEN_PITCH ×`` its pitch (a body row
    the engine read short, dropping characters, stands as far apart, its boxes 3.5 × ``h``, its
    pitch 1.9 × ``h``); on a page read as it is, the same pitch is as often a body row's words
    spread over a gutter the cuts missed."""
    if len(letters) - letters.count(None) < 2 or low_height(words, letters) < TALL_WORDS * h:
        return size
    heights = [w.box.height for w in words if w.box is not None]
    own = float(statistics.median(heights)) if levelled and heights else type_size(box, words)
    text = join_words([w.text for w in words])
    pitch = box.width / display_width(text)
    if pitch >= SQUARE * own:
        return own
    square = levelled and SQUARE_PITCH * h <= pitch and own <= SWOLLEN_PITCH * pitch
    return pitch if square and 2 * wide_letters(text) > len("".join(text.split())) else size


def _brackets_moved(words: tuple[Word, ...], letters: list[tuple[float, float] | None], cuts: list[int]) -> list[int]:
    """``cuts`` (word indices, in order) with each cut at a solid word moved before the
    punctuation-only word right before it where that word ends in an opening bracket and its
    box reaches into the solid word's: the bracket opens the text after the gutter (``刚果（金）``
    read into the row beside it as ``…中非 。( 金 )…``, a speck in the gutter and the bracket
    one word). Left on the piece before the gutter, it would stretch that piece across it, as
    wide per character as a headline."""
    def opens(k: int) -> bool:
        mark = words[k - 1]
        return k - 1 not in cuts and letters[k] is not None and letters[k - 1] is None and mark.box is not None \
            and mark.text.strip()[-1:] in _BRACKETS and mark.box.x1 > words[k].box.x0

    return [k - 1 if k > 0 and opens(k) else k for k in cuts]


def _ruled_ends_kept(words: tuple[Word, ...], cuts: list[int]) -> list[int]:
    """``cuts`` (word indices, in order) without those that would part a column rule read as
    ``|`` at either end of the line from it: a rule beside a column is no column of its own; it
    stays on its line, whose ends it does not count for (see :func:`~.placed.text_span`)."""
    def ruled(part: tuple[Word, ...]) -> bool:
        return not "".join(w.text for w in part).strip(RULE + " ")

    if cuts and ruled(words[:cuts[0]]):
        cuts = cuts[1:]
    if cuts and ruled(words[cuts[-1]:]):
        cuts = cuts[:-1]
    return cuts
