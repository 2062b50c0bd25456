"""Which mark an OCR engine reads for which: the mark channel.

PP-OCR reads a ``，`` as ``。`` and a ``。`` or ``、`` as ``·``; Tesseract swaps its own pairs. Learned
from OCR aligned with its ground truth (:func:`ocrfix.training.confusions.marks.learn_mark_channel`):
for every mark of :data:`MARKS` in the OCR output, how often it occurs (``seen``), how often it
stands for another character (``misread``), and for each other mark it was seen standing for at
least a few times, how often (``count``). Only the pairs that pass the learner's clean-text gate
are kept: a pair the LM would also pull out of correct text too often (``；`` into ``，``: the LM
underrates ``；``) is left out, so the table lists only what the corrector may change.

On disk: a TSV ``ocr<TAB>true<TAB>count<TAB>seen<TAB>misread`` with ``#`` header lines.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from ..checksums import TAB, model_rows, write_model_rows
from ..errors import ModelError

#: The marks the channel is learned for and may propose.
MARKS = "，。、；：·"
#: Pseudo-count added to a pair's count and to the mark's right readings (log odds of a pair seen
#: once, of a mark never seen right, stay finite).
SMOOTHING = 0.5


class MarkPair(NamedTuple):
    ocr: str  # the mark in the OCR output
    true: str  # the mark print has there
    count: int  # times ``ocr`` stood for ``true``
    seen: int  # times ``ocr`` occurred in the OCR output
    misread: int  # of those, standing for another character (or for nothing)


class MarkChannel:
    """The kept :class:`MarkPair` rows, by OCR mark."""

    def __init__(self, pairs: Iterable[MarkPair]) -> None:
        self.pairs = {(p.ocr, p.true): p for p in pairs}
        options: dict[str, list[str]] = {}
        for ocr, true in sorted(self.pairs):
            options.setdefault(ocr, []).append(true)
        #: per OCR mark, the marks it may stand for
        self.options = {ocr: tuple(trues) for ocr, trues in options.items()}

    def log_odds(self, ocr: str, true: str) -> float:
        """log10 P(print has ``true`` | OCR ``ocr``) / P(print has ``ocr`` | OCR ``ocr``)."""
        p = self.pairs[ocr, true]
        return math.log10((p.count + SMOOTHING) / (max(p.seen - p.misread, 0) + SMOOTHING))

    def save(self, path: str | Path, header: Iterable[str] = ()) -> None:
        write_model_rows(path, header, "format: ocr<TAB>true<TAB>count<TAB>seen<TAB>misread (ocr: a mark of the OCR output;"
                         " true: a mark it stood for count times; seen: its occurrences; misread: of those, not itself)",
                         sorted(self.pairs.values(), key=lambda p: (-p.count, p.ocr, p.true)))

    @classmethod
    def load(cls, path: str | Path) -> "MarkChannel":
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"{path}: mark channel not found (build it: ocrfix confusions marks --pages DIR -o {path})")
        pairs = []
        for number, fields in model_rows(path):
            try:
                ocr, true, *values = fields
                count, seen, misread = (int(v) for v in values)
                if ocr not in MARKS or true not in MARKS or ocr == true or not 0 <= count <= misread <= seen:
                    raise ValueError
            except ValueError:
                raise ModelError(f"{path}:{number}: expected two different marks of {MARKS} and count<=misread<=seen, "
                                 f"got {TAB.join(fields)[:60]!r}") from None
            pairs.append(MarkPair(ocr, true, count, seen, misread))
        return cls(pairs)
