"""Loaders for published confusion sets, read at run time from the shared data directory.

Each loader returns a :class:`ConfusionSet` with ``char`` = the character seen in the text
and candidates = possible true characters. Lists without scores are scored by position
(earlier = better: ``1 - i / (n + 1)``) and, for multi-column files, by column grade.
Wang et al. 2018 list the *wrong* variants of each *correct* character; they are inverted.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from ...errors import ModelError
from ...normalize import is_han
from ...textio import CONVERT_TO_UTF8, read_text
from ...confusions.model import ConfusionSet

Table = dict[str, dict[str, float]]


def _add(table: Table, ch: str, cands: Iterable[str], grade: float = 1.0) -> None:
    cands = [c for c in dict.fromkeys(cands) if c != ch and c.strip()]
    row = table.setdefault(ch, {})
    for i, cand in enumerate(cands):
        row[cand] = max(row.get(cand, 0.0), grade * (1 - i / (len(cands) + 1)))


def _lines(path: Path) -> list[str]:
    return [line for line in read_text(path, remedy=CONVERT_TO_UTF8).splitlines() if line.strip() and not line.startswith("#")]


def _head_runs(path: Path, sep: str, grades: tuple[float, ...], skip_header: bool = False) -> Table:
    """Rows ``char SEP run SEP run ...``: each run a string of candidate chars, graded per column."""
    table: Table = {}
    for line in _lines(path)[1 if skip_header else 0 :]:
        head, *runs = line.split(sep)
        if len(head) != 1:
            continue
        for run, grade in zip(runs, grades):
            _add(table, head, run.replace(" ", "").replace(",", ""), grade)
    return table


def _head_list(path: Path, sep: str) -> Table:
    """Rows ``char SEP c1 SEP c2 ...`` (one candidate per field)."""
    table: Table = {}
    for line in _lines(path):
        head, *cands = line.replace("\t", sep).split(sep)
        if len(head) == 1:
            _add(table, head, (c for c in cands if len(c) == 1))
    return table


def _groups(path: Path) -> Table:
    """Symmetric groups: every member is a candidate of every other (pycorrector same_stroke)."""
    table: Table = {}
    for line in _lines(path):
        members = [c for c in line.split("\t") if len(c) == 1]
        for ch in members:
            _add(table, ch, members)
    return table


def _inverted_colon(path: Path) -> Table:
    """Wang 2018 ``correct:WRONGVARIANTS`` -> seen wrong char -> correct candidates."""
    table: Table = defaultdict(dict)
    for line in _lines(path):
        head, sep, wrongs = line.partition(":")
        if not sep or len(head) != 1:
            continue
        wrongs = [w for w in dict.fromkeys(wrongs.strip()) if w != head and is_han(w)]
        for i, wrong in enumerate(wrongs):
            score = 1 - i / (len(wrongs) + 1)
            table[wrong][head] = max(table[wrong].get(head, 0.0), score)
    return dict(table)


#: name -> (path under the data dir, parser). Names are what ``--set ext:NAME`` accepts.
EXTERNAL: dict[str, tuple[str, Callable[[Path], Table]]] = {
    "sighan13_shape": ("sighan13_confusion/SimilarShape_simplified.txt", lambda p: _head_runs(p, ",", (1.0,))),
    "sighan13_sound": (
        "sighan13_confusion/SimilarPronunciation_simplified.txt",
        lambda p: _head_runs(p, "\t", (1.0, 0.8, 0.6, 0.5, 0.4), skip_header=True),
    ),
    "pycorrector_same_pinyin": ("pycorrector_confusion/same_pinyin.txt", lambda p: _head_runs(p, "\t", (1.0, 0.8))),
    "pycorrector_same_stroke": ("pycorrector_confusion/same_stroke.txt", _groups),
    "wang2018": ("wang2018_confusion/confusion.txt", _inverted_colon),
    "wang2018_10": ("wang2018_confusion/Confusionset.2018-10.txt", _inverted_colon),
    "plome_simi_pinyin": ("plome_char_data/simi_pinyin.txt", lambda p: _head_list(p, " ")),
    "plome_same_pinyin": ("plome_char_data/same_pinyin.txt", lambda p: _head_list(p, " ")),
    "plome_same_stroke": ("plome_char_data/same_stroke.txt", lambda p: _head_list(p, ",")),
    "contr4l_shape_cv2": ("similar_character_contr4l/shape_similar_cv2.txt", lambda p: _head_runs(p, " ", (1.0,))),
}


def load_external(name: str, data_dir: Path) -> ConfusionSet:
    """One published set by name (see :data:`EXTERNAL`)."""
    if name not in EXTERNAL:
        raise ModelError(f"unknown external confusion set {name!r}; known: {', '.join(EXTERNAL)}")
    rel, parse = EXTERNAL[name]
    table = parse(data_dir / rel)
    if not table:
        raise ModelError(f"{data_dir / rel}: no confusion entries parsed")
    return ConfusionSet.from_scores(table, name)
