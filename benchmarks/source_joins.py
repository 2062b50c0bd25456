"""Where a page's ground truth runs a source headline into the text without a mark.

The single-story pages (:mod:`benchmarks.generate`) take a story from a corpus file: a headline line of up to 22
characters, then the lines after it up to the next title-like line (:func:`benchmarks.corpus.stories`), joined into
paragraphs without anything between them. Most of those lines are sentences ending in a stop; some are the long
headlines of further reports (more than 40 characters, no stop: 富裕富足 then 中央农村工作会议…), and their phrases are
often set apart by spaces, which print form drops. The ground truth runs such a headline into the next sentence
without a mark, where a real page would set it on a line of its own: a mark a corrector puts there counts as wrong
against that ground truth, though it is no error a reader of a real page would see. :func:`page_joins` finds those
places in a page's whitespace-free ground truth from its ``meta.json`` (``source``, ``source_line``) and the corpus
file under ``OCRFIX_DATA``, read as the generator reads it; :class:`StoryIndex` finds them in a story of a multi-story
page (:mod:`benchmarks.newspage`, whose ``gt.json`` does not say where a story came from) by its headline and text.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path

from benchmarks.corpus import load_lines, print_pieces, read_lines, stories
from ocrfix.errors import InputError
from ocrfix.normalize import is_han

#: Closing quotes and brackets a headline may end with before its last word (…《求是》, …“六一”).
_CLOSING = "”’」』》）)"
#: What a headline quotes or sets in brackets, where a clause mark may stand (“坚守在一线，是对祖国最长情的告白”).
_QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|《[^》]*》|（[^）]*）|\([^)]*\)")


def is_headline(line: str) -> bool:
    """Whether a source line is a headline: it ends without a mark (past its closing quotes) and has no clause mark
    (，。；！？) outside its quotes and brackets. A sentence whose stop the source left out has its commas
    (…以“非接触式”服务为代表的公共服务新模式，不仅…更加公开、透明、可追溯): a corrector's stop there is what print has."""
    core = line.rstrip(_CLOSING)
    return (bool(core) and (is_han(core[-1]) or core[-1].isalnum())
            and not any(mark in _QUOTED.sub("", line) for mark in "，。；！？"))


def joined_breaks(raw_lines: Sequence[str]) -> list[int]:
    """Offsets in the lines' print form, joined and without whitespace, of each break the generator joins without a
    mark: after a line that :func:`is_headline`, and at each space inside such a line."""
    breaks = []
    start = 0
    for raw in raw_lines:
        pieces = ["".join(piece.split()) for piece in print_pieces(raw)]
        ends = [start + n for n in accumulate(map(len, pieces))]
        if ends and is_headline(raw):
            breaks += ends
        start = ends[-1] if ends else start
    return breaks


def _meta_path(gt_path: Path) -> Path:
    return gt_path.with_name(gt_path.name.removesuffix(".gt.txt") + ".meta.json")


def story_joins(raw_lines: Sequence[str], lines: Sequence[str], body: str, base: int) -> frozenset[int] | None:
    """The :func:`joined_breaks` of a story's body lines (``raw_lines`` as read, ``lines`` in print form) inside
    ``body``, the whitespace-free text a page set of them, each offset moved by the ``base`` characters before it
    (the head group); the end of ``body`` is none (nothing follows there). None where ``body`` is not the start of
    the lines' text."""
    if not "".join(lines).startswith(body):
        return None
    return frozenset(base + offset for offset in joined_breaks(raw_lines) if offset < len(body))


def page_joins(gt_path: Path, data_dir: Path) -> frozenset[int] | None:
    """Offsets in the whitespace-free ground truth of ``gt_path`` (``NAME.gt.txt``: headline, blank line, paragraphs)
    before which the generator ran a source headline into the text without a mark (:func:`story_joins`). None
    where the page has no ``NAME.meta.json`` with ``source`` and ``source_line``, the corpus file is not under
    ``data_dir``, or the ground truth is not the text of that story."""
    try:
        meta = json.loads(_meta_path(gt_path).read_text(encoding="utf-8"))
        head, body = gt_path.read_text(encoding="utf-8").split("\n\n", 1)
        raw, lines = read_lines(data_dir / meta["source"]), load_lines(data_dir / meta["source"])
        start = int(meta["source_line"]) - 1
    except (OSError, ValueError, KeyError, TypeError, InputError):
        return None
    end = next((end for first, end, _ in stories(lines) if first == start), None)
    if end is None or head.strip() != lines[start]:
        return None
    return story_joins(raw[start + 1:end], lines[start + 1:end], "".join(body.split()), len("".join(head.split())))


class StoryIndex:
    """The stories of corpus files (:func:`benchmarks.corpus.stories`) by headline: the multi-story pages'
    ``gt.json`` (:mod:`benchmarks.newspage`) gives each story's head group and paragraphs, not where they came from."""

    def __init__(self, data_dir: Path, sources: Sequence[str]) -> None:
        self.by_headline: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        for source in sources:
            try:
                raw, lines = read_lines(data_dir / source), load_lines(data_dir / source)
            except InputError:
                continue
            for start, end, _ in stories(lines):
                self.by_headline.setdefault(lines[start], []).append((raw[start + 1:end], lines[start + 1:end]))

    def joins(self, headline: str, paragraphs: Sequence[str], base: int) -> frozenset[int] | None:
        """:func:`story_joins` of the story with this headline whose text starts with ``paragraphs`` (the first of
        several alike), offsets moved by ``base``; None where no story of the corpus files is that one."""
        body = "".join("".join(paragraphs).split())
        found = (story_joins(raw, lines, body, base) for raw, lines in self.by_headline.get(headline, ()))
        return next((joins for joins in found if joins is not None), None)
