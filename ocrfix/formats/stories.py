"""Stories of a newspaper page from its line boxes: recursive XY-cut with headline ownership.

A page is cut recursively along whitespace: first across (horizontal gaps wider than the
page's usual gap between lines by ``h / 2``), else down (vertical gaps of at least
``VGAP × h``), until nothing is left to cut; the leaves are read in the cut order (top before
bottom, left before right). This plain XY-cut reads "Manhattan" pages; three rules keep it
from tearing stories apart where the headlines tell otherwise:

* **no cut under two headlines side by side** — when two stories start on the same row, the
  gap under their headlines runs across the page; cutting there would read both headlines,
  then both bodies. That gap is not cut; the region is cut down between the headlines instead.
  Nor is the gap under one headline as wide as half the region cut where another story's
  column ends right of it, on its rows: the part above, cut down, would read that column
  between the headline and its body;
* **between headlines, the widest gap** — when a region holds headlines side by side and must
  be cut down, it is cut only between them, at the widest vertical gap (the gap between two
  stories is wider than a gutter inside one): each part keeps one story's columns, also those
  no headline covers (a short centred headline leaves its story's outer gutters open);
* **a headline owns what is below it** — a region with one headline on its top row that cannot
  be cut across under it (too little space) reads that headline first, then the rest. This is
  also how a one-column headline heads the body that runs beside it. A kicker set at the
  body's size on top of the headline (a line or two, over its width) does not move the top
  row: the headline heads the region, the kicker with it. Lines that stand left of
  it, beside it, are not its own (another story whose headline the engine lost): the region is
  cut down left of the headline first. A region with more head groups, the topmost on its top
  row, reads that headline first where the widest gap down would part it from a column with
  no headline that starts where the headline's own columns start: the story's outer column,
  which a centred headline does not cover (an L-shaped story over another one).

A story is a headline (or a group of headline lines) and the leaves that follow it in reading
order up to the next headline on top of its leaf (a large line inside a column that could not
be cut off is more likely two body lines the engine merged than a story's start). Lines before the first headline form a story of their own.
A leaf without a headline that starts more than ``ABOVE × h`` above its story's head group (a
body-sized kicker on top of the headline included: the column beside a one-column headline
starts level with its kicker) is no part of that story (a story's body starts under or beside
its headline): it is the story before's (the long last column of an L-shaped story, beside the
story under its short columns), where it starts beside that story (above its foot); one that
starts under all of it is the column of a story whose kicker the engine lost. Nor is a leaf
without a headline that follows a story with a leaf of body, and stands under all of it and wholly left
of it, that story's (its columns stand under or right of its headline): it is a story of its
own, whose headline the engine lost.
A leaf without a headline that stands on top of the next leaf's headline (a line or two at most
``KICKER_GAP × h`` above it: a body-sized kicker that the cut parted from it) is that story's.
Geometry that gives no cut (rotated scans, overlapping boxes, a single line) is one leaf:
the page is then read as a single story, never losing a line.
"""
from __future__ import annotations

import statistics
import warnings
from bisect import bisect_left, bisect_right, insort
from operator import itemgetter
from typing import Callable, Protocol, Sequence, TypeVar

from .model import Box

#: The interface of the compiled loops this code calls (``INTERFACE`` in ``_layout_kernel.cpp``).
KERNEL_INTERFACE = 3


def matching_kernel(module: object) -> object | None:
    """``module`` if it is a build of the compiled loops' :data:`KERNEL_INTERFACE`, else None (with a
    warning): an in-place build older than its source would be called with the wrong arguments."""
    if getattr(module, "INTERFACE", None) == KERNEL_INTERFACE:
        return module
    warnings.warn("ocrfix: the compiled layout loops are out of date; the Python loops run instead "
                  "(rebuild: python setup.py build_ext --inplace)", RuntimeWarning, stacklevel=2)
    return None


try:  # the layout's per-word and per-line loops compiled (setup.py builds them wherever a C++ compiler is); optional
    from . import _layout_kernel as _built_kernel
    _layout_kernel = matching_kernel(_built_kernel)
except ImportError:  # not built: the same results from the Python loops
    _layout_kernel = None

VGAP = 0.4  # × h: narrowest vertical gap that separates columns
KICKER_GAP = 1.5  # × h: widest gap between a headline and a line on top of it that still counts as its kicker
HGAP = 0.5  # × h: how much wider than the usual line gap a horizontal gap must be to cut
ABOVE = 2.0  # × h: how far above a story's headline a leaf without one starts that is no part of that story


class Boxed(Protocol):
    """What the cut sees of a line: its ink without stray punctuation-only specks at its ends
    (``core``), and its left and right ends with its punctuation but without what specks are
    read as (``spread``)."""

    core: Box
    spread: tuple[int, int]
    size: float


T = TypeVar("T", bound=Boxed)


def _gaps(spans: list[tuple[int, int]], min_gap: float) -> list[tuple[int, int]]:
    """Uncovered intervals of at least ``min_gap`` between the union of ``spans``."""
    ordered = sorted(spans)
    gaps, reach = [], ordered[0][1]
    for start, end in ordered[1:]:
        if start - reach >= min_gap:
            gaps.append((reach, start))
        if end > reach:
            reach = end
    return gaps


_X, _Y = 0, 1  # a box's axes: where its start along each stands (its end two further on)


def _core_gaps(items: Sequence[T], axis: int, min_gap: float) -> list[tuple[int, int]]:
    """:func:`_gaps` of the spans of the ``items``' cores along ``axis`` (``_X`` or ``_Y``)."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.span_gaps(items, axis, min_gap)
    return _gaps([(t.core[axis], t.core[axis + 2]) for t in items], min_gap)


def _split(items: Sequence[T], cuts: list[float], axis: int) -> list[list[T]]:
    """``items`` parted at ``cuts`` (in order) by where their cores start along ``axis`` (``_X`` or
    ``_Y``), each part in their order, empty parts left out."""
    if _layout_kernel is not None:  # the same in C++
        return _layout_kernel.split(items, cuts, axis)
    parts: list[list[T]] = [[] for _ in range(len(cuts) + 1)]
    for item in items:
        parts[bisect_right(cuts, item.core[axis])].append(item)
    return [p for p in parts if p]


def _overlap(a: Box, b: Box) -> int:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def letters_top(box: Box, size: float) -> float:
    """Where the letters of a line in ``box``, set in type of ``size``, start: its type size above its foot
    where its box is lower (a line read turned level is boxed as one row of print less the turn:
    a headline's second row 19 px high, its letters 35; see :func:`.line_splits._set_size`)."""
    return min(box.y0, box.y1 - size)


def _clusters(heads: list[T], h: float) -> list[list[T]]:
    """Headlines grouped, the groups left to right: stacked headline lines overlap horizontally
    and are less than ``1.5 h`` apart (the headlines of two stacked stories have a story
    between them), and pieces of one headline on one row are less than ``1.5 h`` apart (side by
    side stories' headlines are a story gap apart at least), measured from their ``spread``: a
    colon or a quote mark at a piece's end is a character of the headline (``关注乌克兰局势：`` |
    ``乌新一届…``, read as two lines), unlike a speck. A line's letters stand its type size high
    above its foot where its box is lower (see :func:`letters_top`)."""
    def top(t: Boxed) -> float:
        return letters_top(t.core, t.size)

    def together(a: Boxed, b: Boxed) -> bool:
        if _overlap(a.core, b.core) > 0:
            return max(top(a) - b.core.y1, top(b) - a.core.y1) < 1.5 * h
        return min(a.core.y1, b.core.y1) > max(a.core.y0, b.core.y0) and max(a.spread[0] - b.spread[1], b.spread[0] - a.spread[1]) < 1.5 * h

    groups: list[list[T]] = []
    for head in heads:  # connected groups: merge every group the new headline joins
        joined = [g for g in groups if any(together(head, t) for t in g)]
        groups = [g for g in groups if not any(g is j for j in joined)] + [[t for g in joined for t in g] + [head]]
    return sorted(groups, key=lambda g: min(t.core.x0 for t in g))


def _side_by_side(groups: list[list[T]]) -> list[list[T]]:
    """The headline groups that stand beside another one (their rows overlap), left to right:
    stories side by side. Groups only stacked above each other head stacked stories, which a
    cut down between them would interleave."""
    def rows(a: list[T], b: list[T]) -> bool:
        return min(max(t.core.y1 for t in a), max(t.core.y1 for t in b)) > max(min(t.core.y0 for t in a), min(t.core.y0 for t in b))

    return [g for g in groups if any(o is not g and rows(g, o) for o in groups)]


def line_gap(items: Sequence[Boxed], h: float) -> float:
    """The usual vertical gap between a line and the next one below it in its column."""
    cores = sorted((t.core for t in items), key=itemgetter(_Y))
    gaps = _layout_kernel.gaps_below(cores, h) if _layout_kernel is not None else _gaps_below(cores, h)  # the same in C++
    return float(statistics.median(gaps)) if gaps else 0.5 * h


def _gaps_below(cores: list[Box], h: float) -> list[int]:
    """The gap from each line (``cores``, by their tops) to the next one below it in its column,
    where one of the next 19 lines is."""
    tops = [c.y0 for c in cores]
    gaps = []
    for k, core in enumerate(cores):
        # the next 19 lines down the page, from the first one starting below this one's foot
        # (lines of the other columns on its row start above it)
        for j in range(max(k + 1, bisect_left(tops, core.y1 - 0.25 * h)), min(k + 20, len(cores))):
            o = cores[j]
            if min(o.x1, core.x1) - max(o.x0, core.x0) > 0.5 * min(o.x1 - o.x0, core.x1 - core.x0):  # overlap over half the narrower
                gaps.append(o.y0 - core.y1)
                break
    return gaps


class XYCut:
    """Leaves of one page in reading order (see module docstring); ``is_head`` marks headlines."""

    def __init__(self, h: float, gap: float, is_head: Callable[[Boxed], bool]) -> None:
        self.h, self.gap, self.is_head = h, max(gap, 0.0), is_head
        self.hmin = self.gap + HGAP * h
        self.chain_gap = self.gap + 1.25 * h  # the usual gap between lines plus one missing line

    def leaves(self, items: Sequence[T]) -> list[list[T]]:
        if len(items) <= 1:
            return [list(items)]
        across = [g for g in _core_gaps(items, _Y, self.hmin) if self._may_cut_under(items, g[0])]
        if across:
            return self._recurse(_split(items, [(a + b) / 2 for a, b in across], _Y))
        down = _core_gaps(items, _X, VGAP * self.h)
        heads = [t for t in items if self.is_head(t)]
        groups = _clusters(heads, self.h)
        top = min(t.core.y0 for t in items)
        # the first way of reading the region that applies (each step None where it does not)
        return (self._between_heads(items, groups, down) or self._under_one_head(items, heads, groups, down, top)
                or self._cut_down(items, groups, down, top) or self._lower_head(items, groups, top) or [list(items)])

    def _between_heads(self, items: Sequence[T], groups: list[list[T]], down: list[tuple[int, int]]) -> list[list[T]] | None:
        """The region cut down between head groups that stand side by side (``groups``: all of
        them, left to right), at the widest gap of ``down`` between each two: stories side by side."""
        side = _side_by_side(groups)
        if len(side) < 2:
            return None
        cuts = [self._widest(down, max(t.core.x1 for t in left), min(t.core.x0 for t in right)) for left, right in zip(side, side[1:])]
        if not all(c is not None for c in cuts):
            return None
        return self._recurse(_split(items, cuts, _X))

    def _under_one_head(self, items: Sequence[T], heads: list[T], groups: list[list[T]], down: list[tuple[int, int]],
                        top: int) -> list[list[T]] | None:
        """A region with one head group, on its top row (within ``h``) or with a kicker on top of it,
        and lines besides: cut down left of the headline where lines of another story stand beside it
        (:meth:`_left_of`), else its headlines (and kicker) first, then the leaves of the rest."""
        if len(groups) != 1:
            return None
        kicker = _kicker_on_top(items, groups[0], self.h)
        if not ((min(t.core.y0 for t in groups[0]) <= top + self.h or kicker) and len(heads) + len(kicker) < len(items)):
            return None
        beside = self._left_of(items, groups[0], down)
        if beside is not None:
            return self._recurse(_split(items, [beside], _X))
        head_ids = {id(t) for t in heads + kicker}
        return [heads + kicker, *self.leaves([t for t in items if id(t) not in head_ids])]

    def _cut_down(self, items: Sequence[T], groups: list[list[T]], down: list[tuple[int, int]], top: int) -> list[list[T]] | None:
        """The region cut down at its widest vertical gap (of ``down``; the parts may then be cut
        across: stories stacked beside a strip), the one headline over both sides first where the
        cut would part it from a column of its own (:meth:`_heads_over`)."""
        if not down:
            return None
        a, b = max(down, key=lambda g: g[1] - g[0])
        first = self._heads_over(items, groups, (a + b) / 2, top)
        if first is not None:
            first_ids = {id(t) for t in first}
            return [first, *self.leaves([t for t in items if id(t) not in first_ids])]
        return self._recurse(_split(items, [(a + b) / 2], _X))

    def _lower_head(self, items: Sequence[T], groups: list[list[T]], top: int) -> list[list[T]] | None:
        """The region read above the lowest head group below its top, then what that headline
        owns (:meth:`_owned`), where there are two groups or more, or the one stands apart from
        the lines above it (:meth:`_set_apart`)."""
        lower = [g for g in groups if min(t.core.y0 for t in g) > top + self.h]
        if not (lower and (len(groups) >= 2 or self._set_apart(items, lower[0]))):
            return None
        owned = self._owned(items, max(lower, key=lambda g: min(t.core.y0 for t in g)))
        if len(owned) >= len(items):
            return None
        rest = [t for t in items if id(t) not in owned]
        return [*self.leaves(rest), *self.leaves([t for t in items if id(t) in owned])]

    def _recurse(self, parts: list[list[T]]) -> list[list[T]]:
        if len(parts) == 1:  # every item on one side: nothing was cut after all
            return [parts[0]]
        return [leaf for part in parts for leaf in self.leaves(part)]

    def _may_cut_under(self, items: Sequence[T], y: int) -> bool:
        """Whether a gap at ``y`` may be cut across: not when headlines are the last thing above
        it in their columns, unless they are one headline as wide as half the region (two
        headlines side by side start two stories; a narrower one heads only what is under it,
        while a gap beside it belongs to another story) with nothing right of it on its rows
        (the foot of another story's column beside a headline that does not span the region:
        the part above the cut, cut down, would read that column between the headline and its body)."""
        above = [t for t in items if t.core.y1 <= y]
        exposed = [t for t in above if self.is_head(t) and not any(
            o is not t and o.core.y0 >= t.core.y1 - 0.25 * self.h and _overlap(o.core, t.core) > 0 for o in above)]
        if not exposed:
            return True
        groups = _clusters(exposed, self.h)
        width = max(t.core.x1 for t in items) - min(t.core.x0 for t in items)
        span = Box.union([t.core for t in exposed])
        return len(groups) == 1 and span.x1 - span.x0 >= 0.5 * width and not any(
            t.core.x0 >= span.x1 and t.core.y1 > span.y0 for t in above)

    def _owned(self, items: Sequence[T], head: list[T]) -> set[int]:
        """ids of what a headline below the region's top owns, where no cut separates it from
        the story above (an L-shaped story whose long column runs beside it): the lines below
        it that carry on from it or from nothing above (under the headline; columns beside it
        that start by its foot, or where its body under it starts: a headline may stand a line
        or more above its body), not those that carry on a column of the story above (a line
        at most one missing line's distance under one it overlaps)."""
        span = Box.union([t.core for t in head])  # the headline's columns, its top and foot
        top, foot = span.y0, span.y1
        owned = {id(t) for t in head}
        # where the body under the headline starts (a gap may stand between them)
        start = min((t.core.y0 for t in _under(items, span, self.h) if id(t) not in owned), default=foot)
        placed: list[T] = []  # in reading order
        feet: list[tuple[int, int]] = []  # (bottom, -k) of placed[k], sorted
        for item in sorted(items, key=lambda t: (t.core.y0, t.core.x0)):
            if id(item) not in owned and item.core.y0 >= top - 0.25 * self.h:
                # the lowest-ending line placed so far over it, within ``chain_gap`` (the first placed on a tie)
                last = None
                k = bisect_right(feet, (item.core.y0 + 0.25 * self.h, 0))
                while k > 0 and item.core.y0 - feet[k - 1][0] < self.chain_gap:
                    k -= 1
                    if _overlap(placed[-feet[k][1]].core, item.core) > 0:
                        last = placed[-feet[k][1]]
                        break
                if last is not None:
                    if id(last) in owned:
                        owned.add(id(item))
                elif _overlap(item.core, span) > 0 or item.core.y0 <= max(foot + self.h, start + self.h / 2):
                    owned.add(id(item))
            insort(feet, (item.core.y1, -len(placed)))
            placed.append(item)
        return owned

    def _set_apart(self, items: Sequence[T], head: list[T]) -> bool:
        """Whether the region's one head group, below its top, stands apart from the lines above
        it: none over its columns ends less than ``chain_gap`` (the usual gap plus a missing line)
        above it. Such a headline starts a story under the story above (under the short columns
        of an L-shaped story whose long column runs beside it, where a line bridging the gutter
        leaves no cut down); a cross-head follows the line above it in its column a line's
        space down, in the story it is part of."""
        top = min(t.core.y0 for t in head)
        span = Box(min(t.core.x0 for t in head), 0, max(t.core.x1 for t in head), 0)
        ids = {id(t) for t in head}
        return not any(id(t) not in ids and t.core.y1 <= top + 0.25 * self.h and top - t.core.y1 < self.chain_gap
                       and _overlap(t.core, span) > 0 for t in items)

    def _left_of(self, items: Sequence[T], head: list[T], down: list[tuple[int, int]]) -> float | None:
        """Where to cut down a region before its one headline group heads it: at the widest
        vertical gap left of the headline, when two lines or more left of that gap stand beside
        the headline (start above its foot): they are another story's (one whose headline the
        engine misread or lost), which a headline does not own; its own columns start under it."""
        x0, foot = min(t.core.x0 for t in head), max(t.core.y1 for t in head)
        left = [g for g in down if g[1] <= x0 + self.h / 2]
        if not left:
            return None
        a, b = max(left, key=lambda g: g[1] - g[0])
        cut = (a + b) / 2
        beside = [t for t in items if t.core.x0 < cut and t.core.y0 < foot - self.h / 2]
        return cut if len(beside) >= 2 else None  # one piece beside may be the headline's own, split off

    def _heads_over(self, items: Sequence[T], groups: list[list[T]], cut: float, top: int) -> list[T] | None:
        """The one headline group on the region's top row when the cut down at ``cut`` would
        part it from a column of its own (:meth:`_own_column`). Such a column is the story's
        first or last one, which a centred or short headline does not cover (an L-shaped story
        over another one); cut off first, it would be read before its headline, as a story of its own."""
        first = [g for g in groups if min(t.core.y0 for t in g) <= top + self.h]
        if len(first) != 1:
            return None
        span = Box.union([t.core for t in first[0]])
        return first[0] if not span.x0 < cut < span.x1 and self._own_column(items, span, cut) else None

    def _own_column(self, items: Sequence[T], span: Box, cut: float) -> bool:
        """Whether the side of the cut down at ``cut`` away from the headline whose extent is
        ``span`` (wholly on one side) is a column of its story: it holds no headline and starts
        where the headline's body under it starts (within ``h``), not beside the headline (above its foot)."""
        left = span.x1 <= cut  # the headline's side
        other = [t for t in items if (t.core.x0 < cut) != left]
        under = [t.core.y0 for t in _under(items, span, self.h) if (t.core.x0 < cut) == left]
        if not other or not under or any(self.is_head(t) for t in other):
            return False
        return span.y1 - self.h / 2 <= min(t.core.y0 for t in other) <= min(under) + self.h

    @staticmethod
    def _widest(gaps: list[tuple[int, int]], left: int, right: int) -> float | None:
        inside = [(b - a, (a + b) / 2) for a, b in gaps if a >= left - 1 and b <= right + 1]
        return max(inside)[1] if inside else None


def _under(items: Sequence[T], span: Box, h: float) -> list[T]:
    """The lines of ``items`` under a head group whose extent is ``span``: in its columns,
    starting at most ``h / 2`` above its foot."""
    return [t for t in items if t.core.y0 >= span.y1 - h / 2 and _overlap(t.core, span) > 0]


def _on_top(leaf: Sequence[T], head_top: int, h: float) -> bool:
    """Whether a headline whose top is ``head_top`` heads ``leaf``: nothing in the leaf starts
    more than ``h`` above it, or only a line or two stacked on top of it, at most
    ``KICKER_GAP × h`` above (a kicker set too small to count as a headline)."""
    above = [t for t in leaf if t.core.y0 < head_top - h]
    return not above or (max(t.core.y1 for t in above) >= head_top - KICKER_GAP * h and head_top - min(t.core.y0 for t in above) <= 3 * h)


def _sits_on(above: Sequence[T], head: Sequence[T], rest: Sequence[T], h: float) -> bool:
    """Whether ``above`` (not empty) stands on top of the head group ``head``, over its width, as a
    line or two at most ``KICKER_GAP × h`` above it (:func:`_on_top` of ``rest``, the lines around)."""
    top = min(t.core.y0 for t in head)
    span = Box(min(t.core.x0 for t in head), 0, max(t.core.x1 for t in head), 0)
    return bool(above) and all(t.core.y1 <= top and _overlap(t.core, span) > 0 for t in above) and _on_top(rest, top, h)


def _kicker_on_top(items: Sequence[T], head: list[T], h: float) -> list[T]:
    """What stands above the head group ``head`` (more than ``h`` above its top) where that is
    a line or two on top of it, over its width (:func:`_sits_on`): a kicker set at the
    body's size, with which the headline is on the region's top row after all; else nothing."""
    top = min(t.core.y0 for t in head)
    above = [t for t in items if t.core.y0 < top - h]
    return above if _sits_on(above, head, items, h) else []


def _kickers_joined(leaves: list[list[T]], h: float, is_head: Callable[[Boxed], bool]) -> list[list[T]]:
    """``leaves`` with each leaf of no headline that stands on top of the next leaf's headline
    (:func:`_sits_on`: a line or two at most ``KICKER_GAP × h`` above it, over its width)
    joined to that leaf: a body-sized kicker that the cut parted from its headline, which would
    otherwise end the story read before it."""
    joined: list[list[T]] = []
    for leaf in leaves:
        last = joined[-1] if joined else None
        heads = [t for t in leaf if is_head(t)]
        if last is not None and heads and not any(is_head(t) for t in last) and _sits_on(last, heads, last + leaf, h):
            joined[-1] = last + leaf
            continue
        joined.append(leaf)
    return joined


def _headed_top(leaf: Sequence[T], heads: list[T], h: float) -> int | None:
    """The top of ``leaf`` (a kicker on top of its headline included) where its headlines
    ``heads`` head it (:func:`_on_top`), else None."""
    if heads and _on_top(leaf, min(t.core.y0 for t in heads), h):
        return min(t.core.y0 for t in leaf)
    return None


def _beside_story_before(leaf: Sequence[T], result: list[list[list[T]]], head_top: int | None, h: float) -> bool:
    """Whether a leaf without a headline is the story before the last one's (its long column
    beside an L-shaped story): it starts more than ``ABOVE × h`` above the last story's head
    group (whose top is ``head_top``) and above the story before's foot."""
    if head_top is None or len(result) < 2:
        return False
    top = min(t.core.y0 for t in leaf)
    return top < head_top - ABOVE * h and top < max(t.core.y1 for before in result[-2] for t in before)


def _headline_lost(leaf: Sequence[T], story: list[list[T]], is_head: Callable[[Boxed], bool]) -> bool:
    """Whether a leaf without a headline, after ``story``, starts a story of its own whose headline
    the engine lost: that story has a leaf of body (no headline in it: a kicker in the head group's
    leaf is none), and the leaf starts under all of the story and stands wholly left of all of it
    (a story's columns stand under or right of its headline)."""
    if all(any(is_head(t) for t in part) for part in story):
        return False
    lines = [t for part in story for t in part]
    return min(t.core.y0 for t in leaf) >= max(t.core.y1 for t in lines) and max(t.core.x1 for t in leaf) <= min(t.core.x0 for t in lines)


def stories(items: Sequence[T], h: float, is_head: Callable[[Boxed], bool]) -> list[list[list[T]]]:
    """The page's stories, each a list of leaves in reading order (headline leaves first)."""
    if not items:
        return []
    leaves = _kickers_joined([leaf for leaf in XYCut(h, line_gap(items, h), is_head).leaves(items) if leaf], h, is_head)
    result: list[list[list[T]]] = []
    body_seen = True
    head_top = None  # top of the head group that started the last story (a kicker on top of its headline included)
    for leaf in leaves:
        heads = [t for t in leaf if is_head(t)]
        top = _headed_top(leaf, heads, h)
        if not result or (top is not None and body_seen):
            result.append([])
            body_seen = False
            head_top = top
        elif not heads and _beside_story_before(leaf, result, head_top, h):
            result[-2].append(leaf)
            continue
        elif not heads and _headline_lost(leaf, result[-1], is_head):
            result.append([])
        result[-1].append(leaf)
        body_seen = body_seen or len(heads) < len(leaf)
    return result
