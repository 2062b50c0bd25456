"""Lines an engine listed across the columns of several stories, put back in reading order (plain text).

PP-OCR lists a page's lines by position, top to bottom and each row left to right (RapidOCR 3: the
lines sorted by the height of their tops, a line less than 10 px below the one before joins its
row, and each row is read left to right; where lines of other stories stand between two lines of
a column, both lines fall into one row and come by their left edges, the indented one second). On a page of
several stories side by side, each with its own columns and line pitch, every row holds a line
of each column of each story: the text is a merge of the columns' line sequences, each in its
own order, and a line's successor in its column comes a few lines later (about as many as
there are columns on that row), not :data:`~ocrfix.column_order.MAX_COLUMNS` rows of one grid
that :func:`~ocrfix.column_order.find_columns` could count. The text itself says which line
goes on in which:

* the language model's join score (:func:`~ocrfix.column_order.join_score`: a line's tail
  predicts the head of the line it goes on in);
* widths: a column's full lines are as wide as one another, and a line wider than the one
  before it, which did not end a sentence, is not its next line in the column (it loses only
  :data:`LONGER`: the line before may be a paragraph's indented first line); nor is a narrower line
  when neither ends a sentence (only a paragraph's last line is shorter than its column; a
  headline across columns is wider than the column under it: :data:`NARROWER`, weighed after
  the rows, whose links would carry such a link among them);
* rows: where a line's successor is ``d`` lines on, its neighbours' successors are too (the
  columns of a row all go on in the next row): each link gains from the links of the lines
  before and after it at the same distance (:data:`STRIDE`, :data:`ROUNDS` times).

:func:`tracks` links each line to at most one later line within :data:`WINDOW` lines (or the
line just before it, :data:`BACK`: two lines of a column in one row), each line
taken at most once, the links that score best in all (an assignment, scipy's
``min_weight_full_bipartite_matching``); the chains of links are the column pieces. Where a
column ends, the rows go on in whatever stands below it (the story under it, on a page whose
stories share their columns' places): a second assignment weighs each line's link on against a
column break, the line going on in the first line of a piece that starts near its own piece's
start (:func:`column_breaks`, less :data:`BREAK`), and the pieces are cut where a column break
wins. The text is
taken as interleaved (:func:`interleaved`) only where most lines go on in a line that is not the
next (:data:`FAR_SHARE`) and those links read on clearly (:data:`FAR_JOIN`): text in reading
order goes on in the next line, or (a sentence per line) in none.
:func:`stories` then chains the pieces: a column's last line goes on in the first line of the
next column of its story, which came earlier in the engine's order (the columns start on the
same row), and a headline (a piece of one or two lines, no sentence end) heads the piece that
starts after it, the more surely the more of its words that piece's first characters hold
(:data:`LEAD`: several headlines on one row are each as near the columns under the row), less
:data:`NO_LEAD` where they hold none of them; an assignment again. Before that, a headline wider
than the column the rows linked it into is cut out of it, a piece of its own
(:func:`wide_heads_apart`). The stories are read in the order of their first lines,
each a block of its own, a headline that heads one set apart by a blank line; so is a headline
the rows linked into the column under it, at the top of a piece (:func:`head_lines`). Only the
order of whole lines changes (and the blank lines between stories and around their headlines).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import groupby
from statistics import mean, median
from typing import Iterable, Sequence, TypeVar

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .column_order import TokenScorer, seam_tokens
from .text_reflow import display_width, ends_sentence, title_like

WINDOW = 12  # lines: how far on a line's successor in its column may come
BACK = 1  # lines: how far back it may come (two lines of a column the engine read in one row)
SAME_WIDTH = 1.0  # log10: a link between two lines as wide as each other gains this
LONGER = 2.0  # log10: a link to a line more than 1 em wider, from one that ends no sentence, loses this
DISTANCE = 0.1  # log10 per line: a link loses this for each line it skips
STRIDE = 1.5  # weight of the neighbours' links at the same distance (their positive part, up to CAP)
CAP = 6.0
ROUNDS = 2
FAR_SHARE = 0.5  # the share of lines that must go on in a line not the next for the text to be interleaved
FAR_JOIN = 1.0  # log10: the mean join score those links must reach
GRID_SLACK = 0.5  # log10: how much better the pieces' links must read on than one grid's columns
HEADLINE = 2.0  # log10: a headline's link to the first piece that starts after it, less DISTANCE a line
COLUMN_WIDTH = 1.0  # log10: a column break between pieces as wide as each other gains this, others lose it
HEADLINE_LINES = 2
#: log10: a headline's link to a piece gains this times the share of its character pairs the
#: piece's first :data:`LEAD_CHARS` characters hold, and loses :data:`NO_LEAD` where they hold none
#: (:func:`stories`; of 139 stories of 28 development pages, 123 repeat a pair of their headline's
#: characters in their first 60)
LEAD = 3.0
NO_LEAD = 1.0
LEAD_CHARS = 60
#: em: how much narrower than the column under them a piece's first lines must be to be a headline
#: the links ran into that column (:func:`head_lines`; a first line whose indent the engine
#: dropped is 2 em narrower)
HEAD_SLACK = 4.0
NARROWER = 10.0  # log10: a link to a line more than 1 em narrower, neither ending a sentence, loses this
BREAK = 2.0  # log10: a column break (:func:`column_breaks`) loses this against a link on in the rows
#: log10: where the text tells how far across the page each line starts (:mod:`ocrfix.merged_rows`),
#: a link to a line that starts more than :data:`ACROSS_SLACK` em further left or right loses this.
ACROSS = 2.0
ACROSS_SLACK = 5.0


Scores = TypeVar("Scores", float, np.ndarray)  # one score, or an array of them


class Seams:
    """The join score (:func:`~ocrfix.column_order.join_score`) of any two of a page's lines, each
    line's tail and head scored once (a page weighs each line against :data:`WINDOW` others); and
    each line's display width and whether it ends a sentence, which the links weigh too."""

    def __init__(self, lines: Sequence[str], lm: TokenScorer) -> None:
        self.lm = lm
        self.tails, self.heads = zip(*(seam_tokens(line, line) for line in lines)) if lines else ((), ())
        self.tail_scores = [lm.score_tokens(tail, bos=False, eos=False) for tail in self.tails]
        self.head_scores = [lm.score_tokens(head, bos=False, eos=False) for head in self.heads]
        self.widths = np.array([display_width(line) for line in lines], dtype=float)
        self.ends = np.array([ends_sentence(line) for line in lines], dtype=bool)

    def join(self, i: int, j: int) -> float:
        """How much line ``i``'s end predicts line ``j``'s start."""
        return self.joins([(i, j)])[0]

    def joins(self, pairs: Iterable[tuple[int, int]]) -> list[float]:
        """:meth:`join` of each pair ``(i, j)`` of ``pairs``, in one loop (a page weighs
        thousands: the calls and look-ups around the LM's cost as much as the LM itself)."""
        score, tails, heads = self.lm.score_tokens, self.tails, self.heads
        tail_scores, head_scores = self.tail_scores, self.head_scores
        return [score(tails[i] + heads[j], False, False) - tail_scores[i] - head_scores[j] for i, j in pairs]


@dataclass(frozen=True)
class Links:
    """Links ``first[k] -> then[k]`` between lines (or pieces), each pair at most once, and their
    scores: parallel arrays, so that the rows' and the widths' terms of a page's thousands of
    links are weighed in numpy. The order of the links is kept: it settles ties in :func:`best_links`."""

    first: np.ndarray  # int64
    then: np.ndarray  # int64
    score: np.ndarray  # float64

    @classmethod
    def of(cls, scores: dict[tuple[int, int], float]) -> Links:
        """The links of ``scores`` (``(first, then) -> score``), in its order."""
        pairs = np.array(list(scores), dtype=np.int64).reshape(-1, 2)
        return cls(pairs[:, 0], pairs[:, 1], np.array(list(scores.values()), dtype=float))

    def __getitem__(self, link: tuple[int, int]) -> float:
        """The score of the link ``first -> then`` (KeyError if it is not offered)."""
        found = np.flatnonzero((self.first == link[0]) & (self.then == link[1]))
        if not len(found):
            raise KeyError(link)
        return float(self.score[found[0]])

    def rescored(self, score: np.ndarray) -> Links:
        return Links(self.first, self.then, score)

    def extended(self, other: Links) -> Links:
        """These links, then ``other``'s (none of them among these)."""
        return Links(*(np.concatenate([a, b]) for a, b in ((self.first, other.first), (self.then, other.then), (self.score, other.score))))

    def without(self, dropped: Sequence[tuple[int, int]]) -> Links:
        """These links but ``dropped``."""
        kept = np.ones(len(self.score), dtype=bool)
        for first, then in dropped:
            kept &= (self.first != first) | (self.then != then)
        return Links(self.first[kept], self.then[kept], self.score[kept])


def link_scores(lines: Sequence[str], seams: Seams, across: Sequence[float] | None = None) -> Links:
    """The score of each link ``i -> j`` (``i - BACK <= j <= i + WINDOW``, ``j != i``) before the
    rows weigh in; ``across``: where each line starts across the page, in em (see :data:`ACROSS`)."""
    steps = np.array([step for step in range(-BACK, WINDOW + 1) if step], dtype=np.int64)
    first = np.repeat(np.arange(len(lines), dtype=np.int64), len(steps))
    then = first + np.tile(steps, len(lines))
    offered = (then >= 0) & (then < len(lines))
    first, then = first[offered], then[offered]
    score = np.array(seams.joins(zip(first.tolist(), then.tolist())), dtype=float) - DISTANCE * np.abs(then - first)
    wider = seams.widths[then] - seams.widths[first]
    score = np.where(np.abs(wider) <= 0.5, score + SAME_WIDTH,
                     np.where((wider > 1.0) & ~seams.ends[first], score - LONGER, score))
    if across is not None:
        placed = np.array(across, dtype=float)
        score = np.where(np.abs(placed[then] - placed[first]) > ACROSS_SLACK, score - ACROSS, score)
    return Links(first, then, score)


def with_rows(links: Links) -> Links:
    """``links`` with each link gaining from its neighbours' links at the same distance."""
    if not len(links.score):
        return links
    size = int(links.then.max()) + 3  # a pair's code first * size + then + 1 stays unique for then - 1 ... then + 1
    codes = links.first * size + links.then + 1
    order = np.argsort(codes)
    ordered = codes[order]
    neighbours = []
    for step in (-1, 1):
        wanted = codes + step * (size + 1)  # the link (first + step, then + step)
        at = np.minimum(np.searchsorted(ordered, wanted), len(ordered) - 1)
        neighbours.append(np.where(ordered[at] == wanted, order[at], -1))
    own = links.score
    smoothed = own
    for _ in range(ROUNDS):
        support = np.append(np.clip(smoothed, 0.0, CAP), 0.0)  # a missing neighbour (-1) gives nothing
        smoothed = own + STRIDE * (support[neighbours[0]] + support[neighbours[1]])
    return links.rescored(smoothed)


def best_links(count: int, links: Links) -> dict[int, int]:
    """Each of ``count`` items linked to at most one other, each taken at most once, the links
    of positive score that score most in all (a link may close a cycle: see :func:`acyclic_links`)."""
    positive = links.score > 0
    if not positive.any():
        return {}
    rows, cols, costs = links.first[positive], links.then[positive], links.score[positive]
    shift = costs.max() + 1.0  # every row is matched once: a shift of all its costs changes nothing
    graph = csr_matrix((np.concatenate([shift - costs, np.full(count, shift)]),
                        (np.concatenate([rows, np.arange(count)]), np.concatenate([cols, count + np.arange(count)]))),
                       shape=(count, 2 * count))
    return {int(i): int(j) for i, j in zip(*min_weight_full_bipartite_matching(graph)) if j < count}


def chains(count: int, links: dict[int, int]) -> list[list[int]]:
    """The chains ``links`` make of ``count`` items (without cycles), in the order of their first items."""
    taken = set(links.values())
    out = []
    for start in range(count):
        if start in taken:
            continue
        chain = [start]
        while chain[-1] in links:
            chain.append(links[chain[-1]])
        out.append(chain)
    return out


def with_narrower_penalty(seams: Seams, links: Links) -> Links:
    """``links`` with each link to a line more than 1 em narrower, neither ending a sentence, less :data:`NARROWER`."""
    widths, ends = seams.widths, seams.ends
    narrower = (widths[links.then] < widths[links.first] - 1.0) & ~ends[links.first] & ~ends[links.then]
    return links.rescored(np.where(narrower, links.score - NARROWER, links.score))


def _column_links(seams: Seams, links: Links) -> dict[int, int]:
    """The best links of ``links`` (:func:`acyclic_links`) once the rows weigh in
    (:func:`with_rows`), less :data:`NARROWER` for a link to a narrower line."""
    return acyclic_links(len(seams.widths), with_narrower_penalty(seams, with_rows(links)))


def column_breaks(lines: Sequence[str], seams: Seams, pieces: Sequence[Sequence[int]]) -> Links:
    """The score of each column break ``i -> j``: line ``i`` going on in the first line ``j`` of
    another piece (of ``pieces``, a first reading) that starts before it, no earlier than ``i``'s
    own piece less :data:`WINDOW` lines (the columns of a story start on one row), as
    :func:`stories` scores a break between pieces, less :data:`BREAK`."""
    line_widths = seams.widths.tolist()
    widths = np.array([_column_width(line_widths, piece) for piece in pieces], dtype=float)
    owner = np.zeros(len(lines), dtype=np.int64)
    for k, piece in enumerate(pieces):
        owner[piece] = k
    tops = sorted(piece[0] for piece in pieces)
    firsts: list[int] = []
    thens: list[int] = []
    for i, own in enumerate(owner.tolist()):
        top = pieces[own][0]
        reached = [j for j in tops[bisect_left(tops, top - WINDOW):bisect_left(tops, i - BACK)] if j != top]
        firsts += [i] * len(reached)
        thens += reached
    first, then = np.array(firsts, dtype=np.int64), np.array(thens, dtype=np.int64)
    joins = np.array(seams.joins(zip(firsts, thens)), dtype=float)
    return Links(first, then, _break_score(joins, widths[owner[first]], widths[owner[then]]) - BREAK)


def tracks(lines: Sequence[str], seams: Seams, across: Sequence[float] | None = None) -> list[list[int]]:
    """The column pieces of ``lines``: chains of line numbers (see the module docstring;
    ``across``: :func:`link_scores`)."""
    scores = link_scores(lines, seams, across)
    first_reading = chains(len(lines), _column_links(seams, scores))
    links = _column_links(seams, scores.extended(column_breaks(lines, seams, first_reading)))
    return chains(len(lines), {i: j for i, j in links.items() if j >= i - BACK})


def interleaved(lines: Sequence[str], pieces: Sequence[Sequence[int]], seams: Seams, against: float) -> bool:
    """Whether most lines go on in a line that is not the next, those links read on clearly, and
    all the links read on better than ``against`` (another reading's mean join score) by :data:`GRID_SLACK`."""
    links = [(a, b) for piece in pieces for a, b in zip(piece, piece[1:])]
    joins = seams.joins(links)
    far = [join for (a, b), join in zip(links, joins) if b - a >= 2]
    if len(far) < FAR_SHARE * len(lines) or mean(far) < FAR_JOIN:
        return False
    return mean(joins) >= against + GRID_SLACK


def _break_score(join: Scores, width: Scores, next_width: Scores) -> Scores:
    """The score of a column break from a column's last line (the column ``width`` wide) to the
    top of the next column (``next_width``), the two lines' ``join`` score: the join, and
    :data:`COLUMN_WIDTH` for or against as the two columns are as wide or not (of one break, or
    of arrays of them)."""
    same = abs(width - next_width) <= 0.5
    return join + (2 * same - 1) * COLUMN_WIDTH  # for or against


def _column_width(line_widths: Sequence[float], piece: Sequence[int]) -> float:
    widths = sorted(line_widths[i] for i in piece)
    return widths[3 * len(widths) // 4] if len(widths) > 2 else widths[-1]


def _headline(lines: Sequence[str], piece: Sequence[int]) -> bool:
    return len(piece) <= HEADLINE_LINES and not any(ends_sentence(lines[i]) for i in piece)


def _pairs(text: str) -> set[str]:
    letters = [ch for ch in text if ch.isalnum()]
    return {a + b for a, b in zip(letters, letters[1:])}


def _lead_pairs(lines: Sequence[str], piece: Sequence[int]) -> set[str]:
    """The character pairs of ``piece``'s first :data:`LEAD_CHARS` characters."""
    text = ""
    for i in piece:
        if len(text) >= LEAD_CHARS:
            break
        text += lines[i]
    return _pairs(text[:LEAD_CHARS])


def _lead_score(head: set[str], lead: set[str]) -> float:
    """A headline's link to a piece, by the share of the headline's character pairs ``head`` that the
    piece's first characters ``lead`` hold: a story's first sentences name what its headline names."""
    share = len(head & lead) / len(head) if head else 0.0
    return LEAD * share if share else -NO_LEAD


def stories(lines: Sequence[str], pieces: Sequence[Sequence[int]], seams: Seams) -> list[list[int]]:
    """``pieces`` (in the order of their first lines, as :func:`chains` gives them) chained into
    stories (lists of piece numbers), in the order of their first lines; a headline's links weigh
    the words the pieces' first characters share with it (:data:`LEAD`)."""
    line_widths = seams.widths.tolist()
    widths = [_column_width(line_widths, piece) for piece in pieces]
    heads = [_headline(lines, piece) for piece in pieces]
    tops = [piece[0] for piece in pieces]
    # a headline's pairs, a body piece's first characters' pairs: each piece's once
    pairs = [_pairs("".join(lines[i] for i in piece)) if head else _lead_pairs(lines, piece) for piece, head in zip(pieces, heads)]
    scores = {}
    for a, first in enumerate(pieces):
        for b in range(bisect_left(tops, first[0] - WINDOW), bisect_right(tops, first[-1] + WINDOW)):
            then = pieces[b]
            if a == b or heads[b]:
                continue
            if heads[a] and then[0] > first[-1]:
                scores[a, b] = HEADLINE - DISTANCE * (then[0] - first[-1]) + _lead_score(pairs[a], pairs[b])
            elif not heads[a] and then[0] < first[-1]:
                scores[a, b] = _break_score(seams.join(first[-1], then[0]), widths[a], widths[b])
    links = acyclic_links(len(pieces), Links.of(scores))
    found = chains(len(pieces), links)
    return sorted(found, key=lambda story: min(pieces[p][0] for p in story))


def _weakest_in_cycles(links: dict[int, int], scores: Links) -> list[tuple[int, int]]:
    """The weakest link of each cycle ``links`` make."""
    weakest = []
    done: set[int] = set()
    for start in list(links):
        path: list[int] = []
        at = start
        while at in links and at not in path and at not in done:
            path.append(at)
            at = links[at]
        if at in path:
            cycle = path[path.index(at):]
            weakest_start = min(cycle, key=lambda a: scores[a, links[a]])
            weakest.append((weakest_start, links[weakest_start]))
        done.update(path)
    return weakest


def acyclic_links(count: int, scores: Links) -> dict[int, int]:
    """:func:`best_links` without cycles: the weakest link of each cycle found is no longer offered,
    and the links are chosen again (a cycle's other links may go elsewhere), until none is left."""
    while True:
        links = best_links(count, scores)
        weakest = _weakest_in_cycles(links, scores)
        if not weakest:
            return links
        scores = scores.without(weakest)


def story_order(lines: Sequence[str], lm: TokenScorer, against: float = float("-inf"),
                shown: Sequence[str] | None = None, across: Sequence[float] | None = None) -> list[list[str]] | None:
    """The stories of ``lines`` (stripped, no blank line), each its lines in reading order, when
    an engine listed them across the columns of several stories; else None. ``against``: the
    mean join score of the lines dealt out to one grid of columns (see :func:`interleaved`).
    ``shown``: the lines as they come out, where they hold more than the LM and the widths
    should read (:mod:`ocrfix.merged_rows`: a rule read as a mark); default ``lines``. ``across``:
    where each line starts across the page, where the text tells (:func:`link_scores`: the pieces
    :mod:`ocrfix.merged_rows` cuts from Tesseract's rows)."""
    seams = Seams(lines, lm)
    pieces = tracks(lines, seams, across)
    if not interleaved(lines, pieces, seams, against):
        return None
    line_widths = seams.widths.tolist()
    pieces = wide_heads_apart(lines, pieces, line_widths)
    heads = [head_lines(lines, piece, seams, line_widths) for piece in pieces]
    return [story_lines(shown or lines, [pieces[p] for p in story], [heads[p] for p in story])
            for story in stories(lines, pieces, seams)]


def wide_heads_apart(lines: Sequence[str], pieces: Sequence[Sequence[int]], line_widths: Sequence[float]) -> list[list[int]]:
    """``pieces`` with each headline wider than the column it was linked into made a piece of its
    own, the column cut there (in the order of their first lines, as :func:`chains` gives them):
    a run of one or two lines of a piece that reads as a title
    (:func:`~ocrfix.text_reflow.title_like`), each :data:`HEAD_SLACK` em or more wider than the
    piece's median line, the rest of the piece more lines than a headline (a piece of two lines
    is one already). A column's lines are no wider than it; a headline across the columns of its
    story is, and the rows link it into the column above it (whose last line it follows by a
    row) or below it: there the reflow would run it into a paragraph, and :func:`stories` could
    not give it the story under it."""
    out: list[list[int]] = []
    for piece in pieces:
        column = median(line_widths[i] for i in piece)
        wide = [k for k, i in enumerate(piece) if line_widths[i] >= column + HEAD_SLACK]
        runs = [run for run in ([k for _, k in group] for _, group in groupby(enumerate(wide), lambda item: item[1] - item[0]))
                if len(run) <= HEADLINE_LINES and title_like(lines[piece[k]] for k in run)]
        if not runs or len(piece) - sum(map(len, runs)) <= HEADLINE_LINES:
            out.append(list(piece))
            continue
        cuts = sorted({0, len(piece), *(k for run in runs for k in (run[0], run[-1] + 1))})
        out += [list(piece[start:end]) for start, end in zip(cuts, cuts[1:])]
    return sorted(out, key=lambda piece: piece[0])


def head_lines(lines: Sequence[str], piece: Sequence[int], seams: Seams, line_widths: Sequence[float]) -> int:
    """How many of ``piece``'s first lines are a headline the links ran into the column under
    it: one or two lines that read as a title (:func:`~ocrfix.text_reflow.title_like`), each
    :data:`HEAD_SLACK` em or more narrower than the column the rest of the piece (at least as many
    lines) makes, whose text does not read on clearly into the column's first line (a join score
    under :data:`FAR_JOIN`: the rows carried the link, not the text); else 0. :func:`story_lines`
    sets the headline apart (inside the column the reflow would run it into the body).
    ``line_widths``: ``seams.widths`` as a list, made once for all the pieces."""
    return next((n for n in range(HEADLINE_LINES, 0, -1) if len(piece) >= 2 * n
                 and title_like(lines[i] for i in piece[:n])
                 and max(line_widths[i] for i in piece[:n]) <= _column_width(line_widths, piece[n:]) - HEAD_SLACK
                 and seams.join(piece[n - 1], piece[n]) < FAR_JOIN), 0)


def story_lines(lines: Sequence[str], pieces: Sequence[Sequence[int]], heads: Sequence[int]) -> list[str]:
    """A story's lines, its pieces read one after the other; a headline that heads it, or that
    the links ran into one of its pieces (the first ``heads[k]`` lines of piece ``k``:
    :func:`head_lines`), is set apart by blank lines (the engine's text has none: the reflow
    would run it into the body)."""
    out: list[str] = []
    for k, piece in enumerate(pieces):
        head = len(piece) if k == 0 and len(pieces) > 1 and _headline(lines, piece) else heads[k]
        if head and out:
            out.append("")
        out += [lines[i] for i in piece[:head]]
        if head:
            out.append("")
        out += [lines[i] for i in piece[head:]]
    return out
