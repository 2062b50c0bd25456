"""Lines an engine listed across side-by-side columns, put back in column order (plain text).

PP-OCR (PaddleOCR, RapidOCR) lists a page's text lines by their position, top to bottom and each
row left to right: on a page of ``k`` columns its text runs ``column 1 line 1, column 2 line 1,
…, column 1 line 2, …``, and what a user who kept only the text has is every sentence cut into
pieces of other columns. The text itself says so: a line continues the line ``k`` lines before
it, not the one just before. The language model measures that as the pointwise mutual
information between a line's last characters and the next line's first ones
(:func:`join_score`, log10 P(head | tail) − log10 P(head)); averaged over a page it is clearly
positive at the column count and negative at every other distance (on 21 pages RapidOCR read
whole: +0.7 to +3.1 against −0.4 to −2.3).

:func:`find_columns` takes the text as interleaved only when one distance ``k >= 2`` stands out
(:data:`MARGIN` above distance 1 and above every other distance), on text of one block (no blank
line: an engine that lays the page out itself, as Tesseract does, separates its blocks by blank
lines, unless every block is one line: :func:`one_line_blocks`) of at least :data:`MIN_ROWS` rows
and at most :data:`MAX_LINES` lines (a page: the test costs LM calls per line), its median line
:data:`MIN_WIDTH` em or wider (a table's cells are read row by row). :func:`column_order` then deals the lines out to ``k`` columns
(:func:`deal`): each line goes to the column next in turn, unless the row of lines from it on
continues the columns better by :data:`SWITCH` when dealt from another column (a column that
ends early leaves shorter rows; a paragraph's first line continues nothing, so one line alone
does not decide). Up to ``k`` leading lines (a headline above all the columns) stay first, a
block of their own: as many as make the columns' lines continue one another best
(:func:`continuity`). The columns are then read one after the other. Only the order of whole
lines changes (and the blank line after a headline).

A page of several stories side by side, each with its own columns and line pitch, is no one
grid: :mod:`ocrfix.story_columns` finds its column pieces and stories from the text, and its
reading is taken where no grid is found, or where its pieces read on clearly better than the
grid's columns (:data:`ocrfix.story_columns.GRID_SLACK`). :func:`column_stories` gives the
stories' texts, for the reflow to read one by one (:func:`ocrfix.text_reflow.reflow_stories`:
no paragraph runs on from one story into the next).
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import mean, median
from typing import Protocol, Sequence

from .normalize import lm_tokens

TAIL, HEAD = 5, 3  # characters of a line's end and of the next line's start that the LM weighs
MAX_COLUMNS = 6
MIN_ROWS = 4  # rows of lines the text must have for its column count to be measured
#: em: the median line a text must have to be measured; a column of print holds more (8 em and
#: up), a table's cells (PP-OCR writes each cell as a line, the rows in turn) fewer
MIN_WIDTH = 5.0
MAX_LINES = 2000  # a page's lines; a longer text is not measured (the test costs LM calls per line)
MARGIN = 1.0  # log10: how far the column count's mean join score must stand above every other
SWITCH = 1.0  # log10: how much better a row must continue the columns dealt from another column than from the one next in turn


class TokenScorer(Protocol):
    def score_tokens(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> float: ...


@dataclass(frozen=True)
class Columns:
    """Interleaved text: its column count, and each distance's mean join score."""

    count: int
    scores: tuple[float, ...]  # mean join score at distance 1, 2, …, MAX_COLUMNS


def seam_tokens(tail: str, head: str) -> tuple[list[str], list[str]]:
    """The LM tokens of a line's last :data:`TAIL` characters and of the next line's first :data:`HEAD`."""
    return lm_tokens(tail[-TAIL:]), lm_tokens(head[:HEAD])


def join_score(lm: TokenScorer, tail: str, head: str) -> float:
    """log10 P(head | tail) − log10 P(head): how much ``tail`` (a line's end) predicts ``head``."""
    before, after = seam_tokens(tail, head)
    joined = lm.score_tokens(before + after, bos=False, eos=False) - lm.score_tokens(before, bos=False, eos=False)
    return joined - lm.score_tokens(after, bos=False, eos=False)


def find_columns(lines: Sequence[str], lm: TokenScorer) -> Columns | None:
    """The columns of ``lines`` (one block's lines, stripped) when an engine listed them across
    the columns (see the module docstring), else None."""
    if len(lines) < MIN_ROWS * 2:
        return None
    scores = []
    for k in range(1, MAX_COLUMNS + 1):
        pairs = [join_score(lm, lines[i], lines[i + k]) for i in range(len(lines) - k)]
        scores.append(mean(pairs) if len(pairs) >= MIN_ROWS * k else float("-inf"))
    count = max(range(2, MAX_COLUMNS + 1), key=lambda k: scores[k - 1])
    best = scores[count - 1]
    if any(best - score < MARGIN for k, score in enumerate(scores, 1) if k != count):
        return None
    return Columns(count, tuple(scores))


def deal(body: Sequence[str], count: int, lm: TokenScorer) -> list[list[str]]:
    """``body`` dealt out to ``count`` columns (see the module docstring)."""
    dealt: list[list[str]] = [[] for _ in range(count)]
    turn = 0
    for at, line in enumerate(body):
        if all(dealt):
            rows = [_row_score(dealt, body, at, first, lm) for first in range(count)]
            best = max(range(count), key=rows.__getitem__)
            turn = best if rows[best] - rows[turn] > SWITCH else turn
        dealt[turn].append(line)
        turn = (turn + 1) % count
    return dealt


def _row_score(dealt: list[list[str]], body: Sequence[str], at: int, first: int, lm: TokenScorer) -> float:
    """How well a row of lines from ``body[at]`` continues the columns when dealt from column
    ``first`` on: one line that starts a paragraph continues nothing, a row dealt wrong
    continues nothing at all."""
    lasts = [column[-1] for column in dealt]
    total = 0.0
    for j, line in enumerate(body[at:at + len(dealt)]):
        column = (first + j) % len(dealt)
        total += join_score(lm, lasts[column], line)
        lasts[column] = line
    return total


def continuity(columns: Sequence[Sequence[str]], lm: TokenScorer) -> float:
    """Mean join score of each line with the next in its column."""
    scores = [join_score(lm, a, b) for column in columns for a, b in zip(column, column[1:])]
    return mean(scores) if scores else float("-inf")


def one_line_blocks(lines: Sequence[str]) -> bool:
    """True when every block of ``lines`` (stripped) is one line, a blank line between every two:
    Tesseract's sparse-text modes (``--psm 11``, ``12``) write each line as a block of its own, in
    the order of the rows across the columns; the blank lines set nothing apart there."""
    return sum(map(bool, lines)) >= MIN_ROWS * 2 and not any(a and b for a, b in zip(lines, lines[1:]))


def column_stories(text: str, lm: TokenScorer) -> list[str]:
    """The texts of the stories of ``text`` (each ending in a newline), its lines in column order
    when an engine listed them across side-by-side columns (of one grid: one text; of several
    stories: see the module docstring); else ``[text]``."""
    lines = _orderable_lines(text)
    if lines is None:
        return [text]
    if any(not line for line in lines):
        from .merged_rows import row_stories

        return row_stories(text, lm) or [text]
    return _grid_stories(text, lines, lm)


def _orderable_lines(text: str) -> list[str] | None:
    """The stripped lines of ``text`` whose order :func:`column_stories` may change (a sparse-text
    output's without its blank lines: :func:`one_line_blocks`); None where there are too few or too
    many, or they are too narrow for columns (blank lines only; a table's cells, one a line: each
    row's cells in turn are its reading order)."""
    from .text_reflow import display_width

    lines = [line.strip() for line in text.splitlines()]
    if one_line_blocks(lines):
        lines = [line for line in lines if line]
    if not MIN_ROWS * 2 <= len(lines) <= MAX_LINES:
        return None
    widths = [display_width(line) for line in lines if line]
    return lines if widths and median(widths) >= MIN_WIDTH else None


def _grid_stories(text: str, lines: list[str], lm: TokenScorer) -> list[str]:
    """The stories of ``lines`` (of one block) read as one grid of columns (:func:`find_columns`,
    :func:`deal`, a headline above them a block of its own) or as several stories side by side
    (:func:`ocrfix.story_columns.story_order`), whichever reads on better; ``[text]`` when neither."""
    from .story_columns import story_order

    columns = find_columns(lines, lm)
    if columns is None:
        stories = story_order(lines, lm)
    else:
        dealings = [(header, deal(lines[header:], columns.count, lm)) for header in range(columns.count + 1)]
        header, dealt = max(dealings, key=lambda d: (continuity(d[1], lm), -d[0]))
        stories = story_order(lines, lm, continuity(dealt, lm))
    if stories is not None:
        return ["\n".join(story) + "\n" for story in stories]
    if columns is None:
        return [text]
    head = [*lines[:header], ""] if header else []  # a headline above the columns is a block of its own
    return ["\n".join([*head, *(line for column in dealt for line in column)]) + "\n"]


def column_order(text: str, lm: TokenScorer) -> str:
    """``text`` with its lines in column order (:func:`column_stories`, the stories set apart by a
    blank line); else ``text`` unchanged."""
    return "\n".join(column_stories(text, lm))
