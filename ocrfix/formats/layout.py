"""Reflow from geometry: paragraphs from line boxes instead of guessing from line lengths.

What the boxes tell that plain text cannot (``h`` = the body text's median type size, see
:func:`_char_height`; ``p`` = the body's character pitch, see :func:`_pitch`: Tesseract's boxes
fit the ink and square CJK type makes ``p`` about ``h``, PP-OCR's detection boxes are padded,
``h`` about ``1.2p``):

* **columns** — a body line whose words are separated by a gap wider than ``1.2h`` straddles two
  columns (Tesseract sometimes merges lines across a column gutter) and is split there; so is
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
  :func:`_channel_splits`); lines are then grouped into columns by horizontal overlap, pieces of one printed line (same row,
  same column) are joined, columns read left to right, lines top to bottom (after the
  headlines above them);
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
  read as ``|`` at either end of a line counts for neither test (see :func:`_extent`) and is
  never split off the line as a piece of its own (see :func:`_ruled_ends_kept`);
* **short line** — a line ending more than ``1.2p`` left of the column's right edge closes
  its paragraph when it ends a sentence (``。！？”…``), beyond the half character each of its
  half-width digits and Latin letters saves (they shorten lines that go on), unless it is short
  by one character at most and the next line of the column starts, unindented, with an opening
  quote or bracket (a line may not end on one: the typesetter carried it over), or by no more
  than the run of digits or Latin letters (half a character each, or as wide as the next line
  sets it, and half a character of slack) that starts the next line, unindented (such a run is
  never broken: ``…打扫落叶。`` / ``2017年5月…``); a full line
  continues it, also across a column break;
* **rules and specks** — a line of a few characters in a box far wider than they are set (a
  rule read as ``二``), or too thin for a character, ends the story nearest to it (see
  :func:`_stray`); so does a short one over a headline's box (see :func:`_inside_headlines`),
  and a line or a piece of one that holds a column rule read as ``|`` and no letter (``| 。``:
  between two stories' columns it would join them);
* **headline** — a line whose type size (see :func:`_char_height`) is at least ``1.2×`` the
  body's median, its characters ``1.2×`` the body's measured pitch apart (a body line whose
  word boxes the engine swelled is as tall, but keeps the body's pitch), or ``1.1×`` and ``1.3×``
  (PP-OCR's padded boxes: see :func:`_is_headline`), is a headline, unless its group of such lines holds fewer than three wide
  letters (Han and the like) in all (a photo or a rule read as large glyphs). A body-sized line that :mod:`ocrfix.text_reflow` recognizes as a
  byline (``本报记者 …``) stays a line of its own, unless it is a credit in brackets right after
  a full line (``（本报记者…``: the end of that paragraph). A story's headlines come before its body;
  large type in a part of the story read after its body has begun, or under a column's lines
  once its headline is out (a photo or a rule read as large garbage, a body row whose boxes the
  engine swelled to two rows, a cross-head), heads nothing and comes after the body.

Only whitespace changes (line breaks and the OCR spaces the plain reflow also removes).
"""
from __future__ import annotations

import functools
import re
import statistics
from bisect import bisect_left, bisect_right
from itertools import accumulate, groupby
from math import ceil, floor
from operator import attrgetter, itemgetter
from typing import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from ..column_order import TokenScorer
from ..text_reflow import (LM_JOIN, OPENING, _WEIGHABLE_END, Block, clean_paragraph, continuation, display_width, ends_sentence,
                           is_byline, reflow_blocks, render, squeeze_spaces)
from .model import Box, Document, Line, Page, Word, join_words
from .stories import _clusters, _layout_kernel, _overlap, line_gap, stories
from .vertical import turn_back, upright

_ALNUM = re.compile(r"[^\W_]")
CLOSING = "”’）》」』〕】)]"  # closing quotes and brackets: never at a line's start
STOPS = "，、；：。？！"  # full-width stops and pauses: never at a line's start either
_BRACKETS = tuple(OPENING.replace("“", "").replace("‘", ""))  # opening brackets (the engine reads specks in a gutter as quote marks)
_NARROW_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,%]*")  # digits and Latin letters: never broken across lines
INDENT = 1.6  # × the character pitch: left edge past the column's left edge that marks an indent
DROPPED = 2.4  # × the pitch: an "indent" past this after a full line that runs on is the engine's loss of the line's first
#   characters, not an indent (two characters reach 2.2, an opening quote's ink QUOTE_INK further)
QUOTE_INK = 0.4  # × the pitch: the least an opening quote's ink starts into its cell (0.4–0.6; INDENT and DROPPED measure from the cell)
SHORT = 1.2  # × the pitch: right edge short of the column's right edge that marks a paragraph end
PITCH_CHARS = 4  # least characters of a line that measures the character pitch
HEADLINE = 1.25  # × h: type size that marks a headline where the size tells alone (gutter splits, column edges, the body's pitch; see HEADLINE_LINE)
HEADLINE_PITCH = 1.2  # × h (× the body's measured pitch in _is_headline): least character pitch of a headline
HEADLINE_LINE = 1.2  # × h: type size of a line that is a headline, its characters HEADLINE_PITCH apart (see _is_headline;
#   headlines set 1.3 × the body measure 1.24 × h on Tesseract's boxes; where the size tells alone, HEADLINE)
SPACED_LINE = 1.1  # × h: type size of a line that is a headline where its characters stand SPACED_PITCH apart (see _is_headline)
SPACED_PITCH = 1.3  # × the body's measured pitch
TALL_WORDS = 1.15  # × h: least box height of three in four of a headline's words
SQUARE = 0.9  # × its own type size: least character pitch of a piece of a line set in type of its own (see _set_size, _gutter_splits)
KICKER = 1.05  # × h: least type size and pitch of a kicker or sub-headline next to a headline
KICKER_NEXT = 1.1  # × h: the same next to a kicker or sub-headline
CLOSE = 0.6  # × the usual gap between lines: a kicker or sub-headline stands further than this above the body line under it
GUTTER = 1.2  # × h: gap between words that splits a body line into two columns
RIVER = 0.6  # × h: narrowest gap that splits a line where the lines around it are blank too
STORY_RIVER = 0.8  # × h: half the width of the band the lines around must leave blank under a headline's gap that holds specks (a gap between stories; a gutter inside one is narrower)
HEAD_RIVER = 0.8  # × the line's own type size: the same for a headline (its characters stand further apart)
EDGE_LINES = 3  # lines that set out a column's edge
EDGE_GAP = 0.3  # × h: narrowest gutter between columns set out by their edges
EDGE_GUTTER = 2.5  # × h: widest such gutter
EDGE_NEAR = 4.0  # × h: how near a merged line the lines setting out a gutter must be
RULE_CHARS = 4  # characters at most of a rule read as text
RULE_WIDTH = 3.0  # × the characters' width: how much wider a rule read as text is set
ROW_NEAR = 2.5  # × h: how far apart the middles of two neighbouring rows stand at most
NARROW = 0.15  # × h: half the width of the channel the lines around leave down a narrow gutter (see _channel)
CHANNEL_LINES = 4  # least lines around that span a narrow gutter's channel
SPECK = 0.25  # × h: a line box less tall than this holds no character
SPECKS = "。，、.,|'`·"  # what the engine reads specks as
RULE = "|"  # what the engine reads a column rule as
RULED = 1.5  # × h (one character of the line's own type where wider): least gap between the letters either side of a column rule read inside a line
#   (a rule in a gutter stands a space from the letters either side; a character misread as ``|`` inside a column takes one cell)
HEAD_WIDE = 3  # least wide letters (Han and the like) of a headline, its lines together
HEAD_GAP = 2.5  # × the line's own type size: a gap that splits a headline line whatever is around it (two headlines side by side)
_KERNEL_MARKS = (SPECKS, OPENING, RULE, GUTTER, RULED, TALL_WORDS, STORY_RIVER)  # what the compiled gap loop reads of the above (see _gaps)
_KERNEL_CHANNEL = (RIVER, NARROW, CHANNEL_LINES)  # what the compiled channel test reads of the above (see _channel_splits)


@dataclass(frozen=True)
class PlacedLine:
    """A printed line (or the part of one in one column) with its text and box."""

    text: str
    box: Box
    size: float  # type size (see _char_height)
    order: int  # line number in ``doc.text()``
    words: tuple[Word, ...]

    #: The box without punctuation-only words at either end (scan specks in a gutter): what
    #: the story layout cuts on (set by :func:`_split_lines`).
    core: Box | None = None

    @functools.cached_property
    def spread(self) -> tuple[int, int]:
        """Left and right ends without words of only what specks are read as (``SPECKS``) at
        either end: real punctuation (a colon, a quote mark) counts, unlike in ``core``."""
        return _extent(self, SPECKS)


def _letters(words: tuple[Word, ...]) -> list[tuple[float, float] | None]:
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
        elif (found := _ALNUM.search(text)) is None:
            extents.append(None)
        else:
            last = len(text) - _ALNUM.search(text[::-1]).start()
            step = box.width / len(text)
            extents.append((box.x0 + found.start() * step, box.x0 + last * step))
    return extents


class Marks(NamedTuple):
    """A line's horizontal extent and its solid words' letters (left to right, for interval look-ups)."""

    x0: int
    x1: int
    starts: Sequence[float]
    reach: Sequence[float]  # reach[k]: the rightmost end among the first k + 1 extents

    @staticmethod
    def of(box: Box, extents: list[tuple[float, float] | None]) -> "Marks":
        """The marks of a line (or a piece of one) in ``box`` with these letter extents (see
        :func:`_letters`; None ones are skipped)."""
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
    # set large and spaced like a headline (a body line merged with the row below, or read with
    # tall boxes around a column rule, is as tall but keeps the body's pitch; a row read across
    # columns is spread by the gutters, but most of its words keep body-sized boxes)
    letters = band.letters
    headline = size >= HEADLINE * h and line.box.width >= HEADLINE_PITCH * h * display_width(text) \
        and _low_height(line.words, letters) >= TALL_WORDS * h
    # headlines span columns and space their words; a line larger than the body (a kicker, a
    # sub-headline) spaces them in proportion
    gutter, river = (HEAD_GAP * size, HEAD_RIVER * size) if headline else (GUTTER * max(h, size), RIVER * h)
    splits = _gaps(line.words, letters, headline, gutter, river, band, h, size)
    if headline and RULE in text:
        ruled = [cut for cut in _ruled_head_splits(line.words, letters, band, h) if cut not in splits]
        return _worded_rules(line.words, sorted({*splits, *ruled}), set(ruled), True) if ruled else splits
    if headline or not splits:
        return splits
    # a headline read into a body row (a row read across the page) is spaced like a headline, its
    # characters as far apart as they are high (``SQUARE``; a body row whose word boxes the engine
    # swelled to two rows or more keeps the body's pitch): of the cuts between its pieces, only those
    # a headline line would have keep (a piece of one word may be a body word whose box the engine swelled)
    pieces = list(zip([0, *splits], [*splits, len(line.words)]))
    tall = [sum(e is not None for e in letters[a:b]) > 1 and _low_height(line.words[a:b], letters[a:b]) >= TALL_WORDS * h
            for a, b in pieces]
    kept = []
    for k, cut in enumerate(splits):
        if tall[k] and tall[k + 1]:
            a, b = _run(pieces, tall, k)
            words = line.words[a:b]
            head = statistics.median(w.box.height for w in words if w.box is not None)
            spaced = _piece_box(line, a, b).width >= max(HEADLINE_PITCH * h, SQUARE * head) * display_width(join_words([w.text for w in words]))
            if head >= HEADLINE * h and spaced and not _same_gap(letters[a:cut], _gaps(words, letters[a:b], True, HEAD_GAP * head, HEAD_RIVER * head, band, h, head)):
                continue
        kept.append(cut)
    return kept


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
        if reach is None or after is None or not _ruled(word.text) or after[0] - reach <= RULED * h:
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
    cut after ``before`` (the :func:`_letters` of the run's words up to it) does: at that word, or
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
    size ``size``; ``letters``: their :func:`_letters`), with its thresholds ``gutter`` and
    ``river``; ``band``: the line on its page (see :class:`Band`). The word loop is compiled
    where it was built (``_layout_kernel.cpp``: the same cuts as :func:`_word_gaps`)."""
    if _layout_kernel is not None:
        splits, rules = _layout_kernel.gaps(words, letters, headline, gutter, river, band, h, size, _KERNEL_MARKS)
    else:
        splits, rules = _word_gaps(words, letters, headline, gutter, river, band, h, size)
    return _worded_rules(words, splits, set(rules), headline)


def _word_gaps(words: tuple[Word, ...], letters: list[tuple[float, float] | None], headline: bool, gutter: float, river: float,
               band: "Band", h: float, size: float) -> tuple[list[int], list[int]]:
    """:func:`_gaps`' word loop: the cuts in order, and those of them at a column rule or at specks between headlines."""
    splits = []
    reach = solid_reach = None  # right edge of the words (solid words) so far
    punctuated = False  # a punctuation-only word since the last solid word
    specks_only = True  # every word since the last solid word is what specks are read as
    specks = 0  # characters since the last solid word
    marked = 0  # width of the words since the last solid word
    solid_height = 0  # box height of the last solid word
    ruled = None  # the word after a column rule read since the last solid word (see RULED)
    ruled_gap = max(RULED * h, size)
    rules: list[int] = []  # the cuts at a rule or at specks between headlines (see _worded_rules)
    solid_box = None  # right edge of the solid words' boxes so far
    sides = None  # the line's _sides, found at its first gap that needs them
    for k, (word, extent) in enumerate(zip(words, letters)):
        box = word.box
        if box is None:
            continue
        if extent is not None:  # a solid word
            if reach is not None and box.x0 - reach > gutter:
                splits.append(k)
            elif not headline and solid_box is not None and specks_only \
                    and box.x0 - solid_box > (GUTTER * h if specks > 1 else gutter + h):
                splits.append(k)
            elif solid_reach is not None:  # always so after a rule
                gap = extent[0] - solid_reach
                if ruled is not None and gap > ruled_gap:
                    splits.append(ruled)
                    rules.append(ruled)
                elif gap > river and not (headline and punctuated):
                    sides = sides or _sides(band, h)
                    if _river(sides, _probes(solid_reach, extent[0], h), h):
                        splits.append(k)
                elif headline and punctuated and specks_only and gap - marked > river and min(box.height, solid_height) >= TALL_WORDS * h:
                    sides = sides or _sides(band, h)
                    if _river(sides, _probes(solid_reach, extent[0], h), h, STORY_RIVER):
                        splits.append(k)
                        rules.append(k)
            if reach is None or box.x1 > reach:
                reach = box.x1
            if solid_reach is None or extent[1] > solid_reach:
                solid_reach = extent[1]
            if solid_box is None or box.x1 > solid_box:
                solid_box = box.x1
            punctuated, specks_only, specks, ruled, marked, solid_height = False, True, 0, None, 0, box.height
            continue
        text = word.text
        # a speck off a headline stays on it; an opening mark opens the text after it (``“放”出…``)
        if reach is not None and box.x0 - reach > gutter and (not headline or text.lstrip()[:1] in OPENING):
            splits.append(k)
        if reach is None or box.x1 > reach:
            reach = box.x1
        punctuated = solid_reach is not None or punctuated
        specks_only = specks_only and not text.strip(SPECKS)
        specks += len(text.strip())
        marked += box.width
        if solid_reach is not None and RULE in text:
            ruled = k + 1
    return splits, rules


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
        if cut in rules and any(_wide_letters(join_words([w.text for w in part])) < HEAD_WIDE
                                for part, end in ((words[start:cut], start == 0), (words[cut:after], after == len(words)))
                                if end or not headline):
            continue
        kept.append(cut)
    return kept


def _low_height(words: tuple[Word, ...], letters: list[tuple[float, float] | None]) -> float:
    """The lower quartile of the solid words' box heights: a headline's words are all large,
    a body row that the engine merged across columns has large boxes only where it swelled
    them (over a gutter, a rule, the row below) and spreads its words over the gutters, so that
    it is as tall and as wide per character as a headline."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.low_height(words, letters)
    heights = sorted(w.box.height for w, extent in zip(words, letters) if extent is not None and w.box is not None)
    return float(heights[len(heights) // 4]) if heights else 0.0


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
    its words' :func:`_letters` (one at least), and the marks of every line of the page,
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


def _page_edges(pieces: list[tuple[Box, float, bool]], h: float, side: Callable[[Box], int]) -> list[tuple[float, tuple[float, ...]]]:
    """Column edges as the page's body lines set them out: for each group of at least
    ``EDGE_LINES`` lines or pieces of lines (``(box, type size, whole)``; one whole line as the
    engine gives it at least: the ends of pieces of lines broken at a gap need not be a
    column's) whose ``side`` (left or right edge) lies within ``h / 2`` of the
    group's first, the median edge and the lines' vertical middles (sorted)."""
    groups: list[list[tuple[int, Box, bool]]] = []  # (edge, box, whole)
    large = HEADLINE * h
    for edge, (box, _, whole) in sorted([(side(p[0]), p) for p in pieces if p[1] < large], key=itemgetter(0)):
        if groups and edge - groups[-1][0][0] <= h / 2:
            groups[-1].append((edge, box, whole))
        else:
            groups.append([(edge, box, whole)])
    return [(statistics.median(e for e, _, _ in g), tuple(sorted((b.y0 + b.y1) / 2 for _, b, _ in g)))
            for g in groups if len(g) >= EDGE_LINES and any(whole for _, _, whole in g)]


def _gutters(pieces: list[tuple[Box, float, bool]], h: float) -> list[Gutter]:
    """Gutters between columns side by side (see :func:`_page_edges`): a left edge ``EDGE_GAP``
    of ``h`` at least and ``EDGE_GUTTER`` at most right of a right edge (the wider gaps between
    stories are left to the whitespace river), by their left sides (``x0``)."""
    rights, lefts = _page_edges(pieces, h, lambda b: b.x1), _page_edges(pieces, h, lambda b: b.x0)
    return sorted((Gutter(r, l, (r_rows, l_rows)) for r, r_rows in rights for l, l_rows in lefts if EDGE_GAP * h <= l - r <= EDGE_GUTTER * h),
                  key=_left_side)


_left_side = attrgetter("x0")  # a gutter's


def _edge_splits(words: tuple[Word, ...], box: Box, gutters: list[Gutter], h: float) -> list[int]:
    """Word indices where a line the engine merged across a gutter that the page's columns set
    out (see :func:`_gutters`) is split although its word boxes show no gap there (a narrow
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


def _split_lines(lines: list[Line], sizes: dict[int, float], h: float, numbers: dict[int, int],
                 texts: dict[int, str] | None = None) -> list[PlacedLine]:
    """Every line as one placed line per column it crosses (see :func:`_gutter_splits`,
    :func:`_edge_splits` and :func:`_row_splits`); ``texts``: the lines' texts by id, where already known."""
    letters = {id(l): _letters(l.words) for l in lines}  # None: no letters in the word
    ink = {id(l): Marks.of(l.box, letters[id(l)]) for l in lines}
    by_top = sorted(lines, key=lambda l: l.box.y0)
    tops, marks = tuple(l.box.y0 for l in by_top), tuple(ink[id(l)] for l in by_top)
    texts = texts or {id(l): l.text() for l in lines}
    bands = {id(line): Band(line.box, ink[id(line)], letters[id(line)], marks, tops) for line in lines}
    found = {id(line): _gutter_splits(line, texts[id(line)], sizes[id(line)], bands[id(line)], h) for line in lines}
    # each line's pieces between its cuts, with their boxes (the gutters and the edge cuts read them)
    pieces = {id(line): [(start, stop, _piece_box(line, start, stop)) for start, stop in zip([0, *found[id(line)]], [*found[id(line)], len(line.words)])]
              for line in lines if found[id(line)]}
    spans = [(line.box, sizes[id(line)], True) for line in lines if not found[id(line)]] \
        + [(box, sizes[id(line)], False) for line in lines if id(line) in pieces for _, _, box in pieces[id(line)]]
    gutters = _gutters(spans, h)
    rows = _row_blanks([box for box, size, _ in spans if size < HEADLINE * h], h)
    placed = []
    for line in lines:
        size = sizes[id(line)]
        cuts = found[id(line)]  # in order
        # a body row: its words mostly body-sized, whatever its box (Tesseract swells the boxes of a merged row)
        body = size < KICKER * h or _low_height(line.words, letters[id(line)]) < TALL_WORDS * h
        if gutters and (body or size < HEADLINE * h) and line.box.width > 4 * h:
            edges = [start + k for start, stop, box in pieces.get(id(line), [(0, len(line.words), line.box)])
                     for k in _edge_splits(line.words[start:stop], box, gutters, h)]
            cuts = sorted({*cuts, *edges}) if edges else cuts
        if body and line.box.width > 4 * h:
            band = bands[id(line)]
            # a whole line is set in its own size (a piece may be set in type of its own)
            parts = pieces.get(id(line))
            beside = [start + k for start, stop, box in parts or [(0, len(line.words), line.box)]
                      if (_set_size(line.words[start:stop], letters[id(line)][start:stop], box, size, h) if parts else size) < HEADLINE * h
                      for k in {*_row_splits(box, letters[id(line)][start:stop], rows, h),
                                *_channel_splits(letters[id(line)][start:stop], band, h)}]
            cuts = sorted({*cuts, *beside}) if beside else cuts
        cuts = _ruled_ends_kept(line.words, _brackets_moved(line.words, letters[id(line)], cuts))
        for start, stop in zip([0, *cuts], [*cuts, len(line.words)]):
            words = line.words[start:stop]
            text = texts[id(line)] if not cuts else join_words([w.text for w in words])
            box = line.box if not cuts else _piece_box(line, start, stop, own_rows=body)
            own = ink[id(line)] if not cuts else Marks.of(box, letters[id(line)][start:stop])
            placed.append(PlacedLine(text, box, _set_size(words, letters[id(line)][start:stop], box, size, h) if cuts else size,
                                     numbers[id(line)], words, own.core(box)))
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


def _row_splits(box: Box, letters: list[tuple[float, float] | None], rows: RowBlanks, h: float) -> list[int]:
    """Word indices where a body line (or a piece of one, in ``box``; its words' :func:`_letters`)
    that the engine merged across a gutter is split: at a gap between its letters wider than
    ``RIVER × h``, where the row right above or below it (middles ``ROW_NEAR × h`` apart at most)
    holds two lines side by side, ``4h`` wide each, whose blank lies within ``h`` of the gap's
    ends and covers ``RIVER × h`` of it (the rows of two columns' last lines, too few to set out
    their edges: see :func:`_gutters`). The letters must run ``2h`` into both sides."""
    middle = _middle(box)
    # only blanks the line reaches over (a gap 2h into its letters either side ends within h of them)
    near = [r for r in rows.blanks[bisect_left(rows.middles, middle - ROW_NEAR * h):bisect_right(rows.middles, middle + ROW_NEAR * h)]
            if box.x0 <= r.x0 - h and box.x1 >= r.x1 + h and abs(r.middle - middle) > h / 2]  # few blanks lie under a line
    if not near:
        return []
    return [k for k, left, right in _inner_gaps(letters, h)
            if any(abs(r.x0 - left) <= h and abs(r.x1 - right) <= h and min(r.x1, right) - max(r.x0, left) >= RIVER * h for r in near)]


def _inner_gaps(letters: list[tuple[float, float] | None], h: float) -> Iterator[tuple[int, float, float]]:
    """The gaps wider than ``RIVER × h`` between the letters of a line (or a piece of one; its
    words' :func:`_letters`) whose letters run ``2h`` into both sides: ``(k, left, right)``, word
    ``k`` the first after the gap, ``left`` and ``right`` the gap's ends."""
    solid = [(k, extent) for k, extent in enumerate(letters) if extent is not None]
    if not solid:
        return
    first, last = solid[0][1][0], max(extent[1] for _, extent in solid)
    reach = solid[0][1][1]  # right end of the letters so far
    wide = RIVER * h
    for k, (start, end) in solid[1:]:
        if start - reach > wide and first <= reach - 2 * h and last >= start + 2 * h:
            yield k, reach, start
        if end > reach:
            reach = end


def _channel_splits(letters: list[tuple[float, float] | None], band: Band, h: float) -> list[int]:
    """Word indices where a body line (or a piece of one; its words' :func:`_letters`; ``band``:
    the line on its page) that the engine merged across a narrow gutter is split: at a gap
    between its letters wider than ``RIVER × h`` (letters ``2h`` into both sides) down which the
    lines around leave a channel (see :func:`_channel`). A gutter about one character wide, on
    a scan whose boxes wobble, leaves no blank ``0.6h`` wide for the whitespace river, and where
    the engine merged most rows across it no lines set out its edges."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.channel_splits(letters, band, h, _KERNEL_CHANNEL)
    gaps = list(_inner_gaps(letters, h))
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


def _set_size(words: tuple[Word, ...], letters: list[tuple[float, float] | None], box: Box, size: float, h: float) -> float:
    """The type size a piece of a line (its ``words``, their :func:`_letters`, its ``box``) is set
    in: its own where it is set in type of its own, its letters all large (``TALL_WORDS ×`` the
    body size ``h``) and standing as far apart as they are high (``SQUARE ×``), like a headline
    read into a body row; else its line's ``size``: a body row the engine merged with the row
    below swells its word boxes to two rows, but not their pitch, and a piece of a body row whose
    boxes the engine swelled measures large by its boxes only."""
    if sum(e is not None for e in letters) < 2 or _low_height(words, letters) < TALL_WORDS * h:
        return size
    own = _type_size(box, words)
    return own if box.width >= SQUARE * own * display_width(join_words([w.text for w in words])) else size


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
    stays on its line, whose ends it does not count for (see :func:`_extent`)."""
    def ruled(part: tuple[Word, ...]) -> bool:
        return not "".join(w.text for w in part).strip(RULE + " ")

    if cuts and ruled(words[:cuts[0]]):
        cuts = cuts[1:]
    if cuts and ruled(words[cuts[-1]:]):
        cuts = cuts[:-1]
    return cuts


def _piece_box(line: Line, start: int, stop: int, own_rows: bool = False) -> Box:
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
            y0, y1 = max(y0, top), min(y1, foot)
    return Box(min([b.x0 for b in boxes]), y0, max([b.x1 for b in boxes]), y1)


def _char_height(line: Line) -> float:
    """The line's type size: its box height, or its median word height where that is smaller.

    Tesseract's line boxes grow with one stray tall word box and its word boxes sometimes
    reach past the line: the smaller of the two medians is the robust one.
    """
    return _type_size(line.box, line.words)


def _type_size(box: Box, words: tuple[Word, ...]) -> float:
    """The type size of ``words`` in ``box`` (a line's or a piece's; see :func:`_char_height`)."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.type_size(box, words)
    heights = [w.box.y1 - w.box.y0 for w in words if w.box is not None]
    return float(min(box.height, statistics.median(heights))) if heights else float(box.height)


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
    """Join pieces of one printed line (vertical overlap over half the lower height), left to right."""
    rows: list[list[PlacedLine]] = []
    for line in lines:
        row = rows[-1] if rows else None
        if row and min(row[0].box.y1, line.box.y1) - max(row[0].box.y0, line.box.y0) > 0.5 * min(row[0].box.height, line.box.height):
            row.append(line)
        else:
            rows.append([line])
    joined = []
    for row in rows:
        row.sort(key=lambda l: l.box.x0)
        words = tuple(w for l in row for w in l.words)
        joined.append(PlacedLine(join_words([l.text for l in row]), Box.union([l.box for l in row]), row[0].size, row[0].order, words))
    return joined


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


def _is_headline(line: PlacedLine, h: float, pitch: float) -> bool:
    """Large type: a line ``HEADLINE_LINE ×`` the body size ``h``, its characters ``HEADLINE_PITCH ×``
    the body's measured character ``pitch`` apart (see :func:`_body_pitch`; a body line that the
    engine merged with the row below it, or whose word boxes it swelled on a row read across
    columns, is as tall, but keeps the body's pitch). The pitch, not ``h``: Tesseract's body pitch
    is ``1.1h`` on some fonts, so ``1.2h`` lets such a piece through, and PP-OCR's padded boxes
    make ``h`` ``1.1–1.6 ×`` the pitch, so ``1.2h`` leaves out a bold headline set tight, ``1.3 ×``
    the body's type. Also a line of ``PITCH_CHARS`` characters or more ``SPACED_LINE ×`` ``h``, its
    characters ``SPACED_PITCH ×`` the pitch apart: PP-OCR pads a headline's box little more
    than a body line's, so that a headline set 1.3–1.4 × the body's type may measure only
    1.1–1.2 × ``h``, but its characters stand 1.3–1.5 × the body's pitch apart, further than a
    body line's (a short line's padding at its ends widens its pitch: not measured on it)."""
    width = display_width(line.text)
    return (line.size >= HEADLINE_LINE * h and line.box.width >= HEADLINE_PITCH * pitch * width) \
        or (line.size >= SPACED_LINE * h and width >= PITCH_CHARS and line.box.width >= SPACED_PITCH * pitch * width)


def _over(a: Box, b: Box) -> bool:
    """Whether ``a`` and ``b`` overlap horizontally over half the narrower one's width."""
    return _overlap(a, b) > 0.5 * min(a.width, b.width)


def _headlines(placed: list[PlacedLine], h: float) -> set[int]:
    """ids of the headline lines: large type (:func:`_is_headline`), and the lines of a head
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
    on small type a body line one pixel taller than the median is ``1.07 h``), its words no
    smaller than the body where it is set under ``HEADLINE × h`` (see :func:`_body_letters`; the
    pieces of a row read across the page with boxes swollen larger still part its stories), and
    set apart from the body line under it (see :func:`_on_body`). Next to such a
    line only ``KICKER_NEXT ×`` counts (a wrapped sub-headline; a byline and the body under it
    are a pixel larger at most), and so next to a headline line under ``HEADLINE ×`` h (no larger
    than a sub-headline). A line between two headline lines, within ``h`` of each and
    over half of the shorter one's width, its characters ``KICKER ×`` the body's pitch apart, is
    one of them whatever its size: a headline's middle line whose boxes the engine shrank to the
    body's height (no body line stands between two lines of one headline)."""
    pitch = _body_pitch([p for p in placed if p.size < HEADLINE * h], h)
    large = [p for p in placed if _is_headline(p, h, pitch)]
    # a group of large lines with fewer than HEAD_WIDE wide letters in all (Han and the like: not
    # Latin, digits or marks) is a photo or a rule read as large glyphs (``学``, ``ic -CEA``), no headline
    heads = {id(p) for group in _clusters(large, h) if _wide_letters("".join(p.text for p in group)) >= HEAD_WIDE for p in group}
    near = [p for p in placed if id(p) in heads]
    # a line between two headline lines: the headline's middle line, its boxes shrunk (see above);
    # the lines looked at are those whose top lies between a headline line's top and h under its foot
    by_top = sorted(placed, key=attrgetter("box.y0"))
    tops = [p.box.y0 for p in by_top]
    under = {id(p): p for q in near for p in by_top[bisect_left(tops, q.box.y0):bisect_right(tops, q.box.y1 + h)]}
    inner = [p for p in under.values() if id(p) not in heads and p.box.width >= KICKER * max(h, pitch) * display_width(p.text)
             and any(_over(p.box, q.box) and q.box.y0 <= p.box.y0 and q.box.y1 <= p.box.y1 and p.box.y0 - q.box.y1 <= h for q in near)
             and any(_over(p.box, q.box) and q.box.y0 >= p.box.y0 and q.box.y0 - p.box.y1 <= h for q in near)]
    heads.update(id(p) for p in inner)
    # a headline line under HEADLINE × h (see _is_headline) is set no larger than a sub-headline:
    # the lines next to it are weighed as next to one (KICKER_NEXT)
    near, small = [p for p in near if p.size >= HEADLINE * h] + inner, [p for p in near if p.size < HEADLINE * h]
    least = KICKER
    gap = None
    while near or small:
        found = []
        smallest = max(least * h, h + 1.5)
        for p in placed:
            if id(p) in heads or p.size < smallest or p.box.width < least * pitch * display_width(p.text):
                continue
            # spaced against the pitch alone, only a kicker above a headline (see the docstring)
            tight = p.box.width < least * max(h, pitch) * display_width(p.text)
            if any(_over(p.box, q.box) and max(q.box.y0 - p.box.y1, p.box.y0 - q.box.y1) <= h and not (tight and p.box.y0 >= q.box.y0)
                   for q in near) and not (p.size < HEADLINE * h and _body_letters(p, h)):
                gap = line_gap(placed, h) if gap is None else gap
                if not _on_body(p, placed, heads, gap, h):
                    found.append(p)
        heads.update(id(p) for p in found)
        near, small, least = found + small, [], KICKER_NEXT
    return heads


def _on_body(line: PlacedLine, placed: list[PlacedLine], heads: set[int], gap: float, h: float) -> bool:
    """Whether the next line under ``line`` (over half the narrower one's width, not a headline
    line: ids ``heads``) is set at the body's size (under ``KICKER × h``) and starts less than
    ``CLOSE ×`` the page's usual gap between lines (``gap``) below it: a kicker or sub-headline
    is set apart from the body under it, a column's first line whose boxes the engine swelled
    is not (``新华社华盛顿…电发表在``, 3 px above the next line where lines stand 6 px apart).
    A wrapped sub-headline's next line is as large as it."""
    below = [q for q in placed if q is not line and id(q) not in heads and _over(line.box, q.box) and q.box.y0 >= line.box.y1 - 0.25 * h]
    after = min(below, key=lambda q: q.box.y0, default=None)
    return after is not None and after.size < KICKER * h and after.core.y0 - line.core.y1 < CLOSE * gap


def _body_letters(line: PlacedLine, h: float) -> bool:
    """Whether a quarter of the ``line``'s solid words or more are set smaller than the body
    size ``h`` (:func:`_low_height`). A kicker or sub-headline is set larger than the body, all
    of it; a column's first line under a headline that passes for one keeps words of the body's
    size where the engine swelled the others over two rows (and lost a comma, which widens the
    pitch: ``4月1日库尔德武装主导的``)."""
    return 0 < _low_height(line.words, _letters(line.words)) < h


def _extent(line: PlacedLine, marks: str = RULE) -> tuple[int, int]:
    """The line's left and right ends without words of only ``marks`` at either end: by default a
    column rule read as ``|`` (the rule beside a column would hide an indent, or make a short
    line look full); a rule read with punctuation (``”|``, ``|。``) is no more text than a bare one."""
    def mark(text: str) -> bool:
        return not text.strip(marks) or _ruled(text)

    head, tail = (line.words[0], line.words[-1]) if line.words else (None, None)  # most lines: text at either end
    if head is not None and head.box is not None and tail.box is not None and head.text.strip() and tail.text.strip() \
            and not mark(head.text) and not mark(tail.text):
        return line.box.x0, line.box.x1
    words = [w for w in line.words if w.box is not None and w.text.strip()]
    first, last = 0, len(words)
    while first < last - 1 and mark(words[first].text):
        first += 1
    while last - 1 > first and mark(words[last - 1].text):
        last -= 1
    if first == 0 and last == len(words):
        return line.box.x0, line.box.x1
    return min(w.box.x0 for w in words[first:last]), max(w.box.x1 for w in words[first:last])


def _ruled(text: str) -> bool:
    """Whether ``text`` is a column rule read as text: ``|`` and no letter (``”|``, ``| 。``)."""
    return RULE in text and _ALNUM.search(text) is None


def _wide_letters(text: str) -> int:
    """How many letters of ``text`` are wide (Han and other non-Latin letters and numerals)."""
    return sum(ch.isalnum() and not ch.isascii() for ch in text)


def _edges(column: _Column) -> tuple[float, float]:
    """Column left and right edges: most lines start at the left edge and end at the right one."""
    extents = [_extent(l) for l in column.lines]
    starts = sorted(a for a, _ in extents)  # lower quartile: a short column may be half indents
    return float(starts[len(starts) // 4]), float(statistics.median(b for _, b in extents))


def _narrow_saving(text: str) -> float:
    """How much shorter than a line of wide characters ``text`` is set, in characters: half-width
    digits and letters take half a character each (``6755例。`` ends a line that looks short)."""
    chars = sum(not ch.isspace() for ch in text)
    return chars - display_width(text)


def _body_pitch(lines: list[PlacedLine], h: float) -> float:
    """The character pitch of ``lines``: the median over those of ``PITCH_CHARS`` characters or
    more of their extent's width per character (half-width digits and letters half a one), or
    ``h`` without such lines."""
    widths = [(x1 - x0) / width for line in lines
              if (width := display_width(line.text.strip(RULE + " "))) >= PITCH_CHARS for x0, x1 in [_extent(line)]]
    return float(statistics.median(widths)) if widths else h


def _pitch(columns: list[_Column], h: float) -> float:
    """The body's character pitch (:func:`_body_pitch` of its columns' lines). Indents and short
    lines are whole characters; the type size measures them only where the engine's boxes fit
    the ink as Tesseract's do: PP-OCR pads its detection boxes in height, about 1.2 × the pitch
    (a two-character indent would look 1.6h)."""
    return _body_pitch([line for column in columns for line in column.lines], h)


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
    prev_short = True
    pushed = False  # the line before is short by one character at most
    short_by = 0.0  # how much the line before is short of the column's right edge
    run_on = False  # the line before is full and does not end a sentence
    for column in columns:
        left, right = _edges(column)
        for k, line in enumerate(column.lines):
            x0, x1 = _extent(line)
            text = line.text.strip(RULE + " ")  # as its extent: a column rule at either end is no text of it
            inset = x0 - left
            # a line starting further in than any paragraph indent (two characters, an opening
            # quote's) after a full line that runs on: the engine dropped its first characters
            opening = text
            # nor one starting with a closing quote or bracket or a stop or pause, which no line may
            # start with (the typesetter keeps it on the line before): the characters before it were dropped
            # (both measured from the cell: an opening quote's ink starts QUOTE_INK into it)
            depth = inset - QUOTE_INK * pitch * (opening[:1] in OPENING)
            indented = depth > INDENT * pitch and not (depth > DROPPED * pitch and run_on) and opening[:1] not in CLOSING + STOPS \
                and not (run_on and lm is not None and _reads_on(lm, paragraphs[-1][-1], text))
            # a credit in brackets right after a full line closes the paragraph it ends (``…新年。`` /
            # ``（本报记者…``): a byline stands on a line of its own
            byline = is_byline(text) and not (opening[:1] in "(（" and paragraphs and short_by <= SHORT * pitch)
            run = _NARROW_RUN.match(opening)
            carried = k > 0 and not indented and ((pushed and opening[:1] in OPENING)
                                                  or (run is not None and short_by <= _run_width(line, run.group(), x0, pitch) + 0.5 * pitch))
            if not paragraphs or indented or (prev_short and not carried) or byline:
                paragraphs.append([])
            paragraphs[-1].append(line)
            short_by = right - x1 - _narrow_saving(text) * em
            prev_short = (short_by > SHORT * pitch and ends_sentence(text)) or byline
            run_on = short_by <= SHORT * pitch and not ends_sentence(text) and not byline
            pushed = short_by <= (SHORT + 1.0) * pitch
    return paragraphs


def _run_width(line: PlacedLine, run: str, x0: float, pitch: float) -> float:
    """How wide ``run``, the digits and Latin letters that start ``line`` (its left end at ``x0``),
    is set: half a character each (``pitch``), or where the character after it starts, each
    character of a word an equal share of its box, where that is wider (fonts set digits 0.55–0.7
    of a character wide: ``2018`` takes 2.7 characters), up to a whole character each."""
    seen = 0
    for word in line.words:
        text = "".join(word.text.split())
        if seen == 0:
            text = text.strip(RULE)  # a column rule at the line's start is no text of it (see _extent)
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
    by :data:`~ocrfix.text_reflow.LM_JOIN` (:func:`~ocrfix.text_reflow.continuation`): the
    engine dropped the line's first characters, and what looks like an indent is their space; a
    paragraph's last line that fills the column lost its stop hanging past the edge, and the
    sentence ends there. Not after a line ending in a mark the LM cannot weigh (a stop read as
    ``*``)."""
    tail = before.text.strip(RULE + " ")
    return _WEIGHABLE_END.search(tail) is not None and continuation(lm, tail, text) >= LM_JOIN


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

    def wrapped(self) -> str:
        """``text`` with each block's printed lines on lines of their own (it differs from
        ``text`` in whitespace only): where the columns wrapped the paragraphs, which the
        line-end stages of the corrector read (:mod:`ocrfix.correction.line_marks`)."""
        if not self.lines:
            return self.text
        return render([replace(b, text="\n".join(lines)) if len(lines) > 1 else b for b, lines in zip(self.blocks, self.lines)])

    def articles(self, corrected: str | None = None) -> list[dict]:
        """The stories as records for archives that index by story: headline (its lines
        joined), paragraphs (bylines included) and bounding box ``[x0, y0, x1, y1]``.

        ``corrected``: the corrected text (``text`` with the corrector's edits, which never
        add or remove a line break), whose lines replace the blocks' texts.
        """
        texts = [b.text for b in self.blocks]
        if corrected is not None:
            texts = [line for line in corrected.splitlines() if line.strip()]
            if len(texts) != len(self.blocks):
                raise ValueError(f"corrected text has {len(texts)} blocks, the reflow {len(self.blocks)}")
        records = []
        for k, box in enumerate(self.story_boxes):
            story = [(b.kind, t) for b, t in zip(self.blocks, texts) if b.story == k]
            records.append({
                "headline": join_words([t for kind, t in story if kind == "headline"]),
                "paragraphs": [t for kind, t in story if kind != "headline"],
                "bbox": None if box is None else list(box),
            })
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
    :mod:`.vertical`); ``words`` and ``story_boxes`` are the document's own.
    """
    if not doc.has_geometry:
        blocks = reflow_blocks(doc.text(), lm)
        return Reflowed(render(blocks), blocks, list(doc.words()))
    upright_doc, widths = upright(doc)
    flow = _geometry_reflow(upright_doc, lm)
    if upright_doc is doc:
        return flow
    # a vertical page was read turned (see .vertical): its words and story boxes are the file's own
    original = dict(zip(map(id, upright_doc.words()), doc.words()))
    pages = {b.story: pieces[0].page for b, pieces in zip(flow.blocks, flow.sources) if pieces}
    boxes = tuple(box if box is None or k not in pages or widths[pages[k]] is None else turn_back(box, widths[pages[k]])
                  for k, box in enumerate(flow.story_boxes))
    return flow._replace(words=[original[id(w)] for w in flow.words], story_boxes=boxes)


def _geometry_reflow(doc: Document, lm: TokenScorer | None) -> Reflowed:
    """:func:`reflow_document` of a document with geometry, its pages set horizontally."""
    numbers = _line_numbers(doc)
    where = {id(w): (pi, bi, li, k) for pi, page in enumerate(doc.pages) for bi, block in enumerate(page.blocks)
             for li, line in enumerate(block.lines) for k, w in enumerate(line.words)}
    blocks: list[Block] = []
    words: list[Word] = []
    sources: list[tuple[Piece, ...]] = []
    printed: list[tuple[str, ...]] = []

    boxes: list[list[Box]] = []

    def emit(kind: str, text: str, lines: list[PlacedLine], story: int) -> None:
        blocks.append(Block(kind, text, tuple(dict.fromkeys(p.order for p in lines)), story))
        words.extend(w for p in lines for w in p.words)
        boxes[story].extend(p.box for p in lines)
        sources.append(_pieces([where[id(w)] for p in lines for w in p.words]))
        printed.append(tuple(p.text.strip() for p in lines))

    story = -1
    for page in doc.pages:
        lines = [l for b in page.blocks for l in b.lines if any(w.text.strip() for w in l.words)]
        if not lines:
            continue
        h, placed, stray = _placed(lines, numbers)
        heads = _headlines(placed, h)
        inside = _inside_headlines(placed, heads) | _junk_glyphs(placed, heads, h)
        if inside:
            placed, stray = [p for p in placed if id(p) not in inside], [*stray, *(p for p in placed if id(p) in inside)]
        found = _refined(stories(placed, h, lambda p: id(p) in heads), _declared(page, placed, where))
        for leaves, extra in zip(found, _story_ends(found, stray)):
            story += 1
            boxes.append([])
            body: list[_Column] = []
            inner: list[PlacedLine] = []  # large lines in a leaf after the story's body has begun
            headed = False  # a headline of the story is out
            for leaf in leaves:
                large = sorted((p for p in leaf if id(p) in heads), key=lambda p: (p.box.y0, p.box.x0))
                rest = [p for p in leaf if id(p) not in heads]
                if body:
                    inner.extend(large)
                else:
                    # once the story's headline is out, large type under a column's lines heads nothing
                    under = _under_body(large, rest) if headed else set()
                    inner.extend(p for p in large if id(p) in under)
                    for p in large:
                        if id(p) not in under:
                            emit("headline", squeeze_spaces(p.text.strip(), keep_wide_gaps=True), [p], story)
                            headed = True
                body = _stack(body, _columns(rest))
            for para in _paragraphs(body, h, lm):
                kind = "byline" if len(para) == 1 and is_byline(para[0].text) else "paragraph"
                emit(kind, clean_paragraph([p.text for p in para]), para, story)
            for p in inner:
                emit("paragraph", clean_paragraph([p.text]), [p], story)
            for _, row in groupby(extra, key=lambda p: p.order):  # pieces of one line together, left to right
                pieces = sorted(row, key=lambda p: p.box.x0)
                emit("paragraph", clean_paragraph([join_words([p.text for p in pieces])]), pieces, story)
    # words of lines left out above (blank lines) keep their place at the end: nothing is lost
    seen = {id(w) for w in words}
    words.extend(w for w in doc.words() if id(w) not in seen)
    return Reflowed(render(blocks), blocks, words, tuple(Box.union(b) if b else None for b in boxes), tuple(sources), tuple(printed))


def _placed(lines: list[Line], numbers: dict[int, int]) -> tuple[float, list[PlacedLine], list[PlacedLine]]:
    """The body type size ``h`` of a page's ``lines``, the lines placed in columns (see
    :func:`_split_lines`) and the stray ones (see :func:`_stray`, and the pieces that are column
    rules, see :func:`_ruled`; none when every line is)."""
    sizes = {id(l): _char_height(l) for l in lines}
    texts = {id(l): l.text() for l in lines}
    h = float(statistics.median(sizes.values()))
    stray = [l for l in lines if _stray(l, texts[id(l)], sizes[id(l)], h)]
    if len(stray) == len(lines):
        stray = []
    left = {id(l) for l in stray}
    placed = _split_lines([l for l in lines if id(l) not in left], sizes, h, numbers, texts)
    stray = [PlacedLine(texts[id(l)], l.box, sizes[id(l)], numbers[id(l)], l.words, l.box) for l in stray]
    # a column rule read as a piece of its own (``|``, ``| 。``: a line's gaps split it off)
    # bridges the gap between two stories' columns like a stray line
    ruled = [p for p in placed if _ruled(p.text)]
    if ruled and len(ruled) < len(placed):
        placed, stray = [p for p in placed if not _ruled(p.text)], [*stray, *ruled]
    return h, placed, stray


def _stray(line: Line, text: str, size: float, h: float) -> bool:
    """A rule or a speck read as text (``text``, ``size``: the line's text and type size): a few characters in a box
    far wider than they are set, at the body size or larger (a thin rule under a headline read
    as ``二`` or ``We |``), or in a box too thin for any character. Such a line is no part of a
    column and would bridge the gaps the story layout cuts at."""
    if len("".join(text.split())) > 2 * RULE_CHARS:  # each character half a character wide at least
        return False
    width = display_width(text)  # spaces take no width
    return width <= RULE_CHARS and (line.box.width > RULE_WIDTH * max(size, h) * max(width, 0.5) or line.box.height < SPECK * h)


def _inside_headlines(placed: list[PlacedLine], heads: set[int]) -> set[int]:
    """ids of the short lines (``RULE_CHARS`` characters at most) whose middle lies inside the
    box of a longer headline line: no text is printed over a headline, so they are a rule or
    specks beside it that the engine read into the headline's line (``、、``, ``本``, ``人``)."""
    large = [p for p in placed if id(p) in heads]
    found = set()
    for p in placed:
        width = display_width(p.text)
        if width > RULE_CHARS:
            continue
        x, y = (p.box.x0 + p.box.x1) / 2, (p.box.y0 + p.box.y1) / 2
        if any(q is not p and display_width(q.text) > width and q.box.x0 < x < q.box.x1 and q.box.y0 < y < q.box.y1 for q in large):
            found.add(id(p))
    return found


def _junk_glyphs(placed: list[PlacedLine], heads: set[int], h: float) -> set[int]:
    """ids of the lines of a head group (``heads``), or set in large type (``HEADLINE × h``),
    with letters but no wide one (see :func:`_wide_letters`): a photo or a rule beside a
    headline read as large Latin glyphs (``”sisx+aRA tx |``, ``en 、``). Grouped with the
    headline it stands next to, it would stand between the headline and its body; in a column,
    between a headline and the body under it. Like a rule read as text, it ends its story."""
    return {id(p) for p in placed if (id(p) in heads or p.size >= HEADLINE * h) and _ALNUM.search(p.text) and not _wide_letters(p.text)}


def _under_body(large: list[PlacedLine], body: list[PlacedLine]) -> set[int]:
    """ids of the ``large`` lines of a leaf that stand under one of its ``body`` lines, over half
    the narrower one's width: set in a column after its lines have begun, they head nothing (a
    body row whose boxes the engine swelled to two rows, a photo read as large glyphs, a
    cross-head), though the leaf is the first of its story with a body."""
    return {id(p) for p in large if any(q.box.y1 <= p.box.y0 + 0.25 * p.size and _over(p.box, q.box) for q in body)}


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
