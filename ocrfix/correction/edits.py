"""Edits: what the corrector changed, as a log that replays the input into the output.

An :class:`Edit` replaces ``original`` at ``input_offset`` of the corrector's input text (the
reflowed page) with ``replacement``; ``offset`` is where the replacement starts in the output.
Substitutions, deletions (``replacement == ""``) and insertions (``original == ""``) are all
edits, so ``replay(input, edits) == output`` holds exactly (tested with hypothesis).
"""
from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right, insort
from dataclasses import asdict, dataclass
from itertools import accumulate
from typing import Iterable, Sequence


@dataclass(frozen=True)
class Edit:
    offset: int  # where ``replacement`` starts in the output text
    original: str
    replacement: str
    gain: float  # calibrated score of the edit (probability that it is right)
    sources: tuple[str, ...]  # confusion-set source(s) of the candidate, or the length rule
    input_offset: int  # where ``original`` starts in the input text

    def to_json(self, file: str | None = None) -> str:
        record = {"file": file, **asdict(self)}
        record["sources"] = list(self.sources)
        record["gain"] = round(self.gain, 4)
        return json_line(record)


def json_line(record: dict) -> str:
    """``record`` as one JSON line, Chinese as it is. A file name that is not UTF-8 (``os.fsdecode``
    keeps its bytes as lone surrogates) becomes ``\\udcXX`` escapes: the line stays UTF-8, and
    ``os.fsencode(json.loads(line)["file"])`` gives the name's bytes back."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(record, ensure_ascii=False))


_SURROGATE = re.compile("[\ud800-\udfff]")

#: A change a stage proposes: (input offset, original, replacement, gain, sources); :func:`apply_changes`
#: makes the :class:`Edit` of it.
Change = tuple[int, str, str, float, tuple[str, ...]]


def apply_changes(text: str, edits: Iterable[Change]) -> tuple[str, list[Edit]]:
    """Apply ``(input_offset, original, replacement, gain, sources)`` changes to ``text``.

    The changes must not overlap; they may come in any order. Returns the output text and the
    :class:`Edit` list (sorted by offset) with output offsets filled in.
    """
    pieces: list[str] = []
    result: list[Edit] = []
    cursor = 0
    delta = 0
    for input_offset, original, replacement, gain, sources in sorted(edits, key=lambda e: (e[0], len(e[1]))):
        if input_offset < cursor or text[input_offset:input_offset + len(original)] != original:
            raise ValueError(f"edit at {input_offset} does not match the text or overlaps another edit")
        pieces.append(text[cursor:input_offset])
        pieces.append(replacement)
        result.append(Edit(input_offset + delta, original, replacement, gain, tuple(sources), input_offset))
        delta += len(replacement) - len(original)
        cursor = input_offset + len(original)
    pieces.append(text[cursor:])
    return "".join(pieces), result


class Overlay:
    """``text`` with single characters replaced (``""``: deleted) as a stage goes through it, read per
    position or over a window, without a list of the whole text's characters (a stage's working copy
    of a one-line file of millions of characters)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._changed: dict[int, str] = {}
        self._offsets: list[int] = []  # the changed positions, sorted

    def __len__(self) -> int:
        return len(self.text)

    def __getitem__(self, offset: int) -> str:
        return self._changed.get(offset, self.text[offset])

    def __setitem__(self, offset: int, char: str) -> None:
        if offset not in self._changed:
            insort(self._offsets, offset)
        self._changed[offset] = char

    def neighbour(self, offset: int, step: int) -> str | None:
        """The nearest character from ``offset`` in direction ``step`` that is neither whitespace nor deleted."""
        text, changed = self.text, self._changed
        offset += step
        while 0 <= offset < len(text):
            char = changed.get(offset, text[offset]) if changed else text[offset]
            if char and not char.isspace():
                return char
            offset += step
        return None

    def window(self, start: int, end: int) -> str:
        """Positions ``start`` (at least 0) to ``end`` (at most past the end) joined."""
        k = bisect_left(self._offsets, start)
        if k == len(self._offsets) or self._offsets[k] >= end:
            return self.text[start:end]
        return "".join(self[pos] for pos in range(start, min(end, len(self.text))))


class InputOffsets:
    """The input offset of an output position of ``edits`` (sorted by offset, as :func:`apply_changes`
    returns them), by bisection: a text of millions of characters has as many positions to map as
    edits, and a scan of the edits for each was quadratic."""

    def __init__(self, edits: Sequence[Edit]) -> None:
        self._ends = [edit.offset + len(edit.replacement) for edit in edits]
        self._shifts = list(accumulate((len(edit.replacement) - len(edit.original) for edit in edits), initial=0))

    def __call__(self, offset: int) -> int:
        """The input offset of output position ``offset``, which must lie outside every replacement."""
        return offset - self._shifts[bisect_right(self._ends, offset)]


def replay(text: str, edits: Sequence[Edit]) -> str:
    """Re-apply logged edits to the input text; returns the output text the corrector produced."""
    return apply_changes(text, ((e.input_offset, e.original, e.replacement, e.gain, e.sources) for e in edits))[0]


def read_log(lines: Iterable[str]) -> list[Edit]:
    """Parse JSONL lines of :meth:`Edit.to_json` (an edit log) back into edits."""
    edits = []
    for line in lines:
        if line.strip():
            rec = json.loads(line)
            edits.append(Edit(rec["offset"], rec["original"], rec["replacement"], rec["gain"],
                              tuple(rec["sources"]), rec["input_offset"]))
    return edits
