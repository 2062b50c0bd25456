"""Block-robust alignment of a hypothesis onto ground-truth positions.

A plain sequence alignment of two pages counts a paragraph in another order, an extra article in
the hypothesis or a paragraph missing from it as thousands of edits, and needs quadratic time
(dinglehopper: hours on long pages). Here:

1. The hypothesis is one character stream ``H`` (all its lines concatenated, so a ground-truth
   paragraph that the hypothesis split over several lines is still one region of ``H``).
2. Each ground-truth block is located in ``H`` by *anchors*: character n-grams that occur as
   often in the ground truth as in ``H`` (once, or as a fallback a few times; see ``ATTEMPTS``).
   Anchors of a block are grouped into runs of consistent offset; each run is one *piece* of the
   block (a block whose parts sit in two places of the hypothesis yields two pieces).
3. Each piece is aligned character by character with the matching region of ``H`` (narrowed with
   rapidfuzz Indel, aligned with Levenshtein opcodes). An extension beyond the anchors that aligns
   badly is cut back; a piece whose error rate exceeds ``MAX_PIECE_ERROR`` is rejected; a HYP
   character is never used by two pieces.
4. Ground-truth characters outside every accepted piece are *unmatched GT*; hypothesis runs outside
   every matched region are *unmatched HYP* when they are at least ``MIN_UNMATCHED`` characters long
   or make up a whole hypothesis line, otherwise they count as stray insertions.

The result gives, for every ground-truth position, the aligned hypothesis character (``""`` for
a deletion, ``None`` when unmatched) and the hypothesis characters inserted before each position.
Time and memory are linear in the text length apart from the per-piece alignments.
"""
from __future__ import annotations

import bisect
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np
from rapidfuzz.distance import Indel, Levenshtein, Opcode

from ..errors import InputError
from .profile import Doc

# (n-gram length, max occurrences) tried in turn until a block has anchors: unique 6-grams; 6-grams
# repeated equally often on both sides (a paragraph printed twice); unique 3-grams (short headlines);
# unique bigrams (a short line with an OCR error in every 3-gram)
ATTEMPTS = ((6, 1), (6, 4), (3, 1), (2, 1))
MAX_DRIFT = 8             # max offset change (chars) between consecutive anchors of one run
SLACK = 4                 # extra HYP chars each side of a region (trimmed again after alignment)
MAX_PIECE_ERROR = 0.5     # pieces with more errors per GT char than this are not matches
MIN_PIECE = 12            # shortest accepted piece of a longer block (GT chars)
MIN_UNMATCHED = 8         # shorter uncovered HYP runs inside a line are stray insertions
#: rapidfuzz's Indel opcodes of two strings hold a bit matrix of their lengths once their common start and
#: end are taken off: (GT chars x HYP chars) / 8 bytes (150,000 differing characters of one line against as
#: many: 2.8 GB). A stretch that would need more even after cutting at anchors is refused with an error
#: instead of taking the machine's memory.
MAX_ALIGN_BYTES = 2 * 1024 ** 3
#: A region whose bit matrix would take more than this (a long line: ~23,000 differing characters a side) is
#: aligned in stretches of about ``SPLIT_STEP`` GT characters, cut at anchors (see :func:`_opcodes`).
SPLIT_ALIGN_BYTES = 64 * 1024 ** 2
SPLIT_STEP = 4096

Span = tuple[int, int]


@dataclass(frozen=True)
class Alignment:
    """A hypothesis aligned onto ground-truth positions (see module docstring)."""

    gt: Doc
    hyp: Doc
    hyp_at: tuple[str | None, ...]   # per GT position: aligned HYP char, "" = deleted, None = unmatched
    inserted: tuple[str, ...]        # len(gt.text) + 1 gaps: HYP chars inserted before GT position k
    stray: int                       # HYP chars in short uncovered runs, counted as insertions
    unmatched_gt: tuple[Span, ...]   # runs of GT positions without a match
    unmatched_hyp: tuple[Span, ...]  # uncovered HYP runs listed as extra text
    regions: tuple[tuple[Span, Span], ...] = ()  # (GT span, HYP span) of each aligned piece, in HYP order

    @property
    def unmatched_gt_chars(self) -> int:
        return sum(b - a for a, b in self.unmatched_gt)

    @property
    def unmatched_hyp_chars(self) -> int:
        return sum(b - a for a, b in self.unmatched_hyp)


@dataclass(frozen=True)
class _Piece:
    """Part of a GT block located in HYP: ``core`` spans its anchors; ``gt`` the text it may claim."""

    block: Span
    gt: Span
    core: Span
    first: tuple[int, int]  # (gt_pos, hyp_pos) of the first anchor
    last: tuple[int, int]   # (gt_pos, hyp_pos) of the last anchor's end

    def hyp_span(self, gt: Span, hyp_len: int) -> Span:
        lo = max(0, self.first[1] - (self.first[0] - gt[0]) - SLACK)
        hi = min(hyp_len, self.last[1] + (gt[1] - self.last[0]) + SLACK)
        return lo, hi


@dataclass(frozen=True)
class _Local:
    """One piece aligned: the per-position data of :class:`Alignment` for GT[start:start+len(hyp_at)]."""

    start: int
    hyp_at: list[str]
    inserted: list[str]
    hyp: Span        # the HYP region it covers
    gt_text: str     # GT[start:start+len(hyp_at)]

    def errors(self, a: int, b: int) -> int:
        """Errors on GT positions a..b-1 (absolute) and the gaps inside and at both ends."""
        a, b = a - self.start, b - self.start
        wrong = sum(1 for c, want in zip(self.hyp_at[a:b], self.gt_text[a:b]) if c != want)
        return wrong + sum(map(len, self.inserted[a:b + 1]))


class _AnchorIndex:
    """n-gram positions of the GT and HYP streams, built lazily per n.

    An n-gram is an anchor when it occurs equally often on both sides; its r-th GT occurrence
    pairs with its r-th HYP occurrence. Unique n-grams come first; repeated ones are a fallback
    (see ``ATTEMPTS``) so that a paragraph printed twice does not lose all its anchors.
    """

    def __init__(self, gt: str, hyp: str) -> None:
        self._gt, self._hyp = gt, hyp
        self._cache: dict[int, _Grams] = {}

    def anchors(self, start: int, end: int, n: int, max_repeat: int) -> tuple[np.ndarray, np.ndarray]:
        """The GT positions and the HYP positions of the anchors of n-grams inside GT[start:end] occurring
        at most ``max_repeat`` times (arrays: a long line has an anchor at nearly every character)."""
        if n not in self._cache:
            self._cache[n] = _Grams(self._gt, self._hyp, n)
        grams = self._cache[n]
        ids = grams.ids[start:max(start, end - n + 1)]
        times = grams.hyp_count[ids]
        at = np.flatnonzero((times > 0) & (times <= max_repeat) & (grams.gt_count[ids] == times))
        return start + at, grams.hyp_sorted[grams.hyp_start[ids[at]] + grams.gt_rank[start + at]].astype(np.int64)


class _Grams:
    """The n-grams of both streams as arrays, not one string per position (a text of millions of
    characters): every GT n-gram has the id of its group of equal n-grams (from a stable sort of the
    n-grams' code points); per group the count on each side and where its HYP positions start in
    ``hyp_sorted`` (the HYP positions by group, each group's in order); per GT position its rank among
    the GT occurrences of its n-gram. 32-bit: the input limit keeps positions far below 2**31."""

    def __init__(self, gt: str, hyp: str, n: int) -> None:
        gt_grams = max(len(gt) - n + 1, 0)
        columns = [np.concatenate([_code_column(gt, n, k), _code_column(hyp, n, k)]) for k in range(0, n, _CODES_PER_KEY)]
        order = np.lexsort(columns[::-1])  # stable: equal n-grams keep GT before HYP, positions in order
        new = np.ones(len(order), dtype=bool)
        for column in columns:
            ranked = column[order]
            new[1:] &= ranked[1:] == ranked[:-1]
        del columns, ranked
        new[1:] = ~new[1:]
        group = np.cumsum(new, dtype=np.int32) - 1  # per sorted n-gram
        starts = np.flatnonzero(new).astype(np.int32)
        from_gt = order < gt_grams
        ids = np.empty(gt_grams, dtype=np.int32)
        ids[order[from_gt]] = group[from_gt]
        self.ids = ids
        self.gt_count = np.bincount(ids, minlength=len(starts)).astype(np.int32)
        self.hyp_count = np.bincount(group[~from_gt], minlength=len(starts)).astype(np.int32)
        self.hyp_start = (np.cumsum(self.hyp_count) - self.hyp_count).astype(np.int32)
        self.hyp_sorted = (order[~from_gt] - gt_grams).astype(np.int32)
        rank = np.empty(gt_grams, dtype=np.int32)
        rank[order[from_gt]] = np.flatnonzero(from_gt) - starts[group[from_gt]]
        self.gt_rank = rank


#: Code points (21 bits each) packed into one 64-bit key column
_CODES_PER_KEY = 3


def _code_column(text: str, n: int, first: int) -> np.ndarray:
    """Per n-gram of ``text``: its characters ``first`` to ``first + 3`` (within the n-gram) packed into one integer."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    grams = max(len(text) - n + 1, 0)
    key = np.zeros(grams, dtype=np.uint64)
    for k in range(first, min(first + _CODES_PER_KEY, n)):
        key = (key << np.uint64(21)) | codes[k:k + grams]
    return key


def _group(gt_pos: np.ndarray, hyp_pos: np.ndarray) -> list[Span]:
    """Group anchors (``gt_pos`` sorted, ``hyp_pos`` their HYP positions) into runs of consistent offset,
    increasing in HYP: an anchor joins the run of the one before it where the two agree. Returns each
    run's (first, end) index range into the anchors."""
    if not len(gt_pos):
        return []
    joins = (np.diff(hyp_pos) > 0) & (np.abs(np.diff(hyp_pos - gt_pos)) <= MAX_DRIFT + np.diff(gt_pos) // 5)
    edges = [0, *(np.flatnonzero(~joins) + 1).tolist(), len(gt_pos)]
    return list(zip(edges, edges[1:]))


def _runs(gt_pos: np.ndarray, hyp_pos: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, list[Span]]:
    """Runs of anchors (:func:`_group`); when there are several, runs spanning less than ``MIN_PIECE`` GT
    chars (a common phrase found elsewhere) are dropped and the rest regrouped. Returns the anchors kept
    and their runs."""
    runs = _group(gt_pos, hyp_pos)
    if len(runs) > 1:
        firsts, ends = np.array(runs).T
        keep = np.repeat(gt_pos[ends - 1] + n - gt_pos[firsts] >= MIN_PIECE, ends - firsts)
        if 0 < keep.sum() < len(gt_pos):
            gt_pos, hyp_pos = gt_pos[keep], hyp_pos[keep]
            return gt_pos, hyp_pos, _group(gt_pos, hyp_pos)
    return gt_pos, hyp_pos, runs


def _pieces(start: int, end: int, gt_pos: np.ndarray, hyp_pos: np.ndarray, runs: list[Span], n: int) -> list[_Piece]:
    """One piece per run; neighbouring pieces of a block split the GT between them at the midpoint."""
    firsts = [(int(gt_pos[a]), int(hyp_pos[a])) for a, _ in runs]
    lasts = [(int(gt_pos[b - 1]), int(hyp_pos[b - 1])) for _, b in runs]
    cuts = [(last[0] + n + first[0]) // 2 for last, first in zip(lasts, firsts[1:])]
    bounds = list(zip([start, *cuts], [*cuts, end]))
    return [
        _Piece((start, end), bound, (first[0], last[0] + n), first, (last[0] + n, last[1] + n))
        for first, last, bound in zip(firsts, lasts, bounds)
    ]


def _locate(doc_blocks: list[Span], index: _AnchorIndex) -> list[_Piece]:
    pieces = []
    for start, end in doc_blocks:
        for n, max_repeat in ATTEMPTS:
            if end - start < n:
                continue
            gt_pos, hyp_pos = index.anchors(start, end, n, max_repeat)
            if len(gt_pos):
                pieces.extend(_pieces(start, end, *_runs(gt_pos, hyp_pos, n), n))
                break
    return pieces


def _uncovered(length: int, covered: list[Span]) -> list[Span]:
    gaps, pos = [], 0
    for a, b in sorted(covered):
        if a > pos:
            gaps.append((pos, a))
        pos = max(pos, b)
    if pos < length:
        gaps.append((pos, length))
    return gaps


def _holds_whole_line(span: Span, line_starts: tuple[int, ...], length: int) -> bool:
    """True when ``span`` contains at least one whole hypothesis line."""
    k = bisect.bisect_left(line_starts, span[0])
    if k >= len(line_starts):
        return False
    line_end = line_starts[k + 1] if k + 1 < len(line_starts) else length
    return line_end <= span[1]


def _none_runs(values: list[str | None]) -> list[Span]:
    runs, start = [], None
    for p, value in enumerate(values):
        if value is None and start is None:
            start = p
        elif value is not None and start is not None:
            runs.append((start, p))
            start = None
    if start is not None:
        runs.append((start, len(values)))
    return runs


def _align_piece(g: str, h: str, gt: Span, hyp: Span, min_h: int) -> _Local | None:
    """Align GT[gt] inside the HYP region ``hyp``, which may hold extra text at both ends.

    Levenshtein is a global alignment: it would pair the extra HYP text at the region ends with
    GT characters. The region is first narrowed to its longest-common-subsequence core (Indel
    alignment: unmatched text at the ends stays unmatched), keeping at each end no more HYP
    characters than GT characters are left there.
    """
    (g0, g1), (h0, h1) = gt, (max(hyp[0], min_h), hyp[1])
    gseg, hseg = g[g0:g1], h[h0:h1]
    equal = [op for op in _opcodes(Indel, gseg, hseg) if op.tag == "equal"]
    if not equal:
        return None
    first, last = equal[0], equal[-1]
    h1 = h0 + last.dest_end + min(len(gseg) - last.src_end, len(hseg) - last.dest_end)
    h0 += first.dest_start - min(first.src_start, first.dest_start)
    ops = _opcodes(Levenshtein, gseg, h[h0:h1])
    while ops and ops[0].tag == "insert":
        ops.pop(0)
    while ops and ops[-1].tag == "insert":
        ops.pop()
    hyp_at: list[str] = [""] * (g1 - g0)
    inserted = [""] * (g1 - g0 + 1)
    for op in ops:
        src, dest = h[h0 + op.dest_start:h0 + op.dest_end], op.src_start
        width = op.src_end - op.src_start
        # the characters shared (interned), not one string object per position of a long text
        hyp_at[dest:dest + width] = list(map(sys.intern, src[:width])) + [""] * (width - len(src))
        inserted[dest + width] += src[width:]
    return _Local(g0, hyp_at, inserted, (h0 + ops[0].dest_start, h0 + ops[-1].dest_end), gseg)


def _opcodes(metric: type[Indel] | type[Levenshtein], a: str, b: str) -> list[Opcode]:
    """``metric``'s opcodes of ``a`` against ``b``. Where their bit matrix would take more than
    :data:`SPLIT_ALIGN_BYTES` (a long line), the two are cut at anchors (6-grams found once on each side,
    in the same order, about :data:`SPLIT_STEP` GT characters apart) and each stretch between them is
    aligned on its own, the anchors' characters equal: memory stays bounded, at the price of an alignment
    that passes through the anchors (an optimal one nearly always does). A stretch still too large (no
    anchor in it) is refused by :func:`_check_size`."""
    differing = _differing(a, b)
    if _bytes(differing) <= SPLIT_ALIGN_BYTES or not (cuts := _stretch_cuts(a, b)):
        _check_size(differing)
        return list(metric.opcodes(a, b))
    ops: list[Opcode] = []
    a0 = b0 = 0
    for a1, b1 in [*cuts, (len(a), len(b))]:
        _check_size(_differing(a[a0:a1], b[b0:b1]))
        ops.extend(Opcode(op.tag, a0 + op.src_start, a0 + op.src_end, b0 + op.dest_start, b0 + op.dest_end)
                   for op in metric.opcodes(a[a0:a1], b[b0:b1]))
        if a1 < len(a):
            ops.append(Opcode("equal", a1, a1 + _CUT_GRAM, b1, b1 + _CUT_GRAM))
        a0, b0 = a1 + _CUT_GRAM, b1 + _CUT_GRAM
    return ops


_CUT_GRAM = 6


def _stretch_cuts(a: str, b: str) -> list[tuple[int, int]]:
    """Where :func:`_opcodes` cuts ``a`` and ``b``: anchors (n-grams found once on each side) about
    :data:`SPLIT_STEP` characters of ``a`` apart, each after the one before on both sides, and whose
    offset moved by no more than a quarter of the way since (one found out of place is passed over)."""
    at_a, at_b = _AnchorIndex(a, b).anchors(0, len(a), _CUT_GRAM, 1)
    cuts: list[tuple[int, int]] = []
    last_a = last_b = -_CUT_GRAM
    k = int(np.searchsorted(at_a, SPLIT_STEP))
    while k < len(at_a):
        x, y = int(at_a[k]), int(at_b[k])
        if y >= last_b + _CUT_GRAM and abs((y - last_b) - (x - last_a)) <= (x - last_a) // 4 + 64:
            cuts.append((x, y))
            last_a, last_b = x, y
            k = int(np.searchsorted(at_a, x + SPLIT_STEP))
        else:
            k += 1
    return cuts


def _differing(a: str, b: str) -> tuple[int, int]:
    """The lengths of ``a`` and ``b`` once their common start and end are taken off."""
    start = _longest(min(len(a), len(b)), lambda k: a[:k] == b[:k])
    end = _longest(min(len(a), len(b)) - start, lambda k: a[len(a) - k:] == b[len(b) - k:])
    return len(a) - start - end, len(b) - start - end


def _bytes(differing: tuple[int, int]) -> int:
    """Bytes of the bit matrix rapidfuzz's opcodes hold for two strings of these :func:`_differing` lengths."""
    return differing[0] * differing[1] // 8


def _check_size(differing: tuple[int, int]) -> None:
    """Refuse (:class:`InputError`) to align two strings of these :func:`_differing` lengths where it
    would take more than :data:`MAX_ALIGN_BYTES`."""
    need = _bytes(differing)
    if need > MAX_ALIGN_BYTES:
        raise InputError(f"a stretch of {differing[0]:,} ground-truth characters and {differing[1]:,} "
                         f"differing hypothesis characters in one line would take ~{need / 1024 ** 3:.0f} GB to align "
                         "character by character: break the texts into lines (paragraphs) first")


def _longest(limit: int, same: Callable[[int], bool]) -> int:
    """The largest k up to ``limit`` for which ``same(k)`` holds, where it holds for every smaller k (the
    length of a common start or end, by bisection over slices compared at C speed)."""
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if same(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _fit(g: str, h: str, piece: _Piece, min_h: int = 0) -> _Local | None:
    """Align a piece (in HYP from ``min_h`` on); an extension beyond its anchors that aligns badly
    is cut back to the anchors."""
    lo, hi = piece.gt
    local = _align_piece(g, h, (lo, hi), piece.hyp_span((lo, hi), len(h)), min_h)
    if local is None:
        return None
    core_lo, core_hi = piece.core
    bad_head = core_lo - lo >= MIN_UNMATCHED and local.errors(lo, core_lo) > MAX_PIECE_ERROR * (core_lo - lo)
    bad_tail = hi - core_hi >= MIN_UNMATCHED and local.errors(core_hi, hi) > MAX_PIECE_ERROR * (hi - core_hi)
    if bad_head or bad_tail:
        span = (core_lo if bad_head else lo, core_hi if bad_tail else hi)
        local = _align_piece(g, h, span, piece.hyp_span(span, len(h)), min_h)
    if local is None:
        return None
    length = len(local.hyp_at)
    if length < min(MIN_PIECE, piece.block[1] - piece.block[0]):
        return None  # a lone anchor matching a common phrase elsewhere
    if local.errors(local.start, local.start + length) > MAX_PIECE_ERROR * length:
        return None
    return local


def align(gt: Doc, hyp: Doc) -> Alignment:
    """Align ``hyp`` onto the positions of ``gt`` (see module docstring)."""
    g, h = gt.text, hyp.text
    hyp_at: list[str | None] = [None] * len(g)
    inserted = [""] * (len(g) + 1)
    covered: list[Span] = []
    regions: list[tuple[Span, Span]] = []
    fitted = [(local, piece) for piece in _locate(gt.blocks, _AnchorIndex(g, h)) if (local := _fit(g, h, piece))]
    end_h = 0
    for local, piece in sorted(fitted, key=lambda pair: pair[0].hyp):
        if local.hyp[0] < end_h:  # never use a HYP character twice: refit after the previous region
            refit = _fit(g, h, piece, min_h=end_h)
            if refit is None:
                continue
            local = refit
        end_h = max(end_h, local.hyp[1])
        hyp_at[local.start:local.start + len(local.hyp_at)] = local.hyp_at
        for k, text in enumerate(local.inserted):
            if text:
                inserted[local.start + k] += text
        covered.append(local.hyp)
        regions.append(((local.start, local.start + len(local.hyp_at)), local.hyp))
    stray, extra = 0, []
    for span in _uncovered(len(h), covered):
        if span[1] - span[0] >= MIN_UNMATCHED or _holds_whole_line(span, hyp.starts, len(h)):
            extra.append(span)
        else:
            stray += span[1] - span[0]
    unmatched_gt = [run for a, b in _none_runs(hyp_at) for run in _split_at(a, b, gt.starts)]
    return Alignment(gt, hyp, tuple(hyp_at), tuple(inserted), stray, tuple(unmatched_gt), tuple(extra), tuple(regions))


def _split_at(a: int, b: int, starts: tuple[int, ...]) -> list[Span]:
    """Split the span a..b at block starts (so each unmatched GT preview is one block or part of one)."""
    cuts = [s for s in starts[bisect.bisect_right(starts, a):bisect.bisect_left(starts, b)]]
    edges = [a, *cuts, b]
    return list(zip(edges, edges[1:]))
