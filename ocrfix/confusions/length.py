"""How often an OCR engine adds a character that is not there, or loses one that is: the length channel.

Learned from OCR aligned with its ground truth (:func:`ocrfix.training.confusions.length.length_rates`):
for every character, how often it occurs in the OCR output and how many of those occurrences
stand for nothing in print (extra: a speck read as ``|``, ``_`` or ``9``, a doubled ``的的``) and how
many for another character (misread: ``*`` for ``。``), and
how often it occurs in the ground truth and how many of those the engine lost (dropped). A key of
two equal characters (``的的``) counts the doubled reading: how often the OCR has the pair, and how
often one of the two is extra. Doubles are pooled under :data:`DOUBLE` too, the prior of a pair
never seen.

On disk: a TSV ``key<TAB>seen<TAB>extra<TAB>misread<TAB>truth<TAB>dropped`` with ``#`` header lines.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from ..checksums import TAB, model_rows, write_model_rows
from ..errors import ModelError

LENGTH_FILE = "length.tsv"
#: Key of the pooled counts of every doubled character.
DOUBLE = "<double>"
#: Pseudo-counts of the prior rate added to every key's counts (as in :mod:`.misread`).
PRIOR_WEIGHT = 2.0


class Counts(NamedTuple):
    seen: int  # occurrences in the OCR output
    extra: int  # of those, standing for nothing in print
    misread: int  # of those, standing for another character
    truth: int  # occurrences in the ground truth
    dropped: int  # of those, missing from the OCR output


class LengthRates:
    """Per character (and doubled pair): the counts of :class:`Counts`, smoothed into log odds."""

    def __init__(self, counts: Mapping[str, Counts]) -> None:
        self.counts = dict(counts)
        singles = [c for key, c in self.counts.items() if len(key) == 1]
        #: the share of all OCR characters that were extra, and of all true characters that were dropped
        self.extra_rate = sum(c.extra for c in singles) / max(1, sum(c.seen for c in singles))
        self.drop_rate = sum(c.dropped for c in singles) / max(1, sum(c.truth for c in singles))

    def _smoothed(self, hits: int, n: int, prior: float) -> float:
        prior = min(max(prior, 1e-6), 1 - 1e-6)
        return (hits + PRIOR_WEIGHT * prior) / (max(n, hits) + PRIOR_WEIGHT)

    def extra_odds(self, char: str, doubled: bool = False) -> float:
        """log10 odds that an OCR ``char`` stands for nothing (``doubled``: right after the same
        character): P(extra) / P(real), smoothed towards the overall (or the pooled double) rate."""
        if doubled:
            pooled = self.counts.get(DOUBLE)
            prior = pooled.extra / pooled.seen if pooled and pooled.seen else self.extra_rate
            c = self.counts.get(char + char)
        else:
            prior = self.extra_rate
            c = self.counts.get(char)
        p = self._smoothed(c.extra, c.seen, prior) if c else min(max(prior, 1e-6), 1 - 1e-6)
        return math.log10(p / (1 - p))

    def known_extra(self, char: str, min_extra: int) -> bool:
        """Whether the engine was seen to add ``char`` at least ``min_extra`` times, and more often
        than it read it for another character (a ``*`` stands for a ``。``: deleting it would trade
        one error for another)."""
        c = self.counts.get(char)
        return c is not None and c.extra >= min_extra and c.extra >= c.misread

    def save(self, path: str | Path, header: Iterable[str] = ()) -> None:
        write_model_rows(path, header, "format: key<TAB>seen<TAB>extra<TAB>misread<TAB>truth<TAB>dropped (key: a character,"
                         f" two equal ones for its doubled reading, {DOUBLE} for all doubles)",
                         ((key, *c) for key, c in sorted(self.counts.items(), key=lambda kv: (-kv[1].seen - kv[1].truth, kv[0]))))

    @classmethod
    def load(cls, path: str | Path) -> "LengthRates":
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"{path}: length rates not found (build them: ocrfix confusions length --pages DIR -o {path})")
        counts: dict[str, Counts] = {}
        for number, fields in model_rows(path):
            try:
                key, values = fields[0], tuple(int(f) for f in fields[1:])
                if len(values) != 5 or min(values) < 0 or not (
                        len(key) == 1 or key == DOUBLE or (len(key) == 2 and key[0] == key[1])):
                    raise ValueError
                counts[key] = Counts(*values)
            except ValueError:
                raise ModelError(f"{path}:{number}: expected key<TAB>seen<TAB>extra<TAB>misread<TAB>truth<TAB>dropped, "
                                 f"got {TAB.join(fields)[:60]!r}") from None
        if not counts:
            raise ModelError(f"{path}: no length rates in the file")
        return cls(counts)
