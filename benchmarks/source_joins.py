"""Where a page's ground truth runs a source headline into the text without a mark.

The single-story pages (:mod:`benchmarks.generate`) take a story from a corpus file: a headline line of up to 22
characters, then the lines after it up to the next title-like line (:func:`benchmarks.corpus.stories`), joined into
paragraphs without anything between them. Most of those lines are sentences ending in a stop; some are the long
headlines of further reports (more than 40 characters, no stop: 富裕富足 then 中央农村工作会议…), and their phrases are
often set apart by spaces, which print form drops. The ground truth runs such a headline into the next sentence
without a mark, where a real page would set it on a line of its own: a mark a corrector puts there counts as wrong
against that ground truth, though it is no error a reader of a real page would see. :func:`page_joins` finds those
places in a page's whitespace-free ground truth from its ``meta.json`` (``source``, ``source_line``) and the corpus
file under ``OCRFIX_DATA``, read as the generator reads it.
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


def page_joins(gt_path: Path, data_dir: Path) -> frozenset[int] | None:
    """Offsets in the whitespace-free ground truth of ``gt_path`` (``NAME.gt.txt``: headline, blank line, paragraphs)
    before which the generator ran a source headline into the text without a mark (:func:`joined_breaks`; the
    page's end is none: nothing follows there). None
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
    text = "".join(body.split())
    if end is None or head.strip() != lines[start] or not "".join(lines[start + 1:end]).startswith(text):
        return None
    base = len("".join(head.split()))
    return frozenset(base + offset for offset in joined_breaks(raw[start + 1:end]) if offset < len(text))
