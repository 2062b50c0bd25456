"""How often each character an OCR engine outputs is a misreading: the corrector's error prior.

Learned with the channel (:func:`ocrfix.training.confusions.learn.misread_rates`) from OCR aligned with its ground truth: for every
seen character, how often it occurs in the OCR output and how often it stands for another
character. An engine misreads some characters far more than others (on the Tesseract training
pages, rare and complex output characters are wrong far more often than common ones, and some
common ones like 问 are often a misread 间). As a corrector feature this tells a misread site
from a rare but right word (cross-fit calibration pages: 7% more fixes at the same number of
clean-text changes).

On disk: a TSV ``char<TAB>seen<TAB>misread`` with ``#`` header lines.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..checksums import TAB, model_rows, write_model_rows
from ..errors import ModelError

#: Pseudo-counts of the overall misread rate added to every character's counts: a character
#: seen a few times gets a rate near the overall one, not 0 or 1.
PRIOR_WEIGHT = 2.0


class MisreadRates:
    """Per seen character: occurrences in the OCR output and how many of them were misreadings."""

    def __init__(self, seen: Mapping[str, int], misread: Mapping[str, int]) -> None:
        self.seen = dict(seen)
        self.misread = dict(misread)
        #: The share of all seen characters that were misread.
        self.overall = sum(self.misread.values()) / max(1, sum(self.seen.values()))
        prior = PRIOR_WEIGHT * max(self.overall, 1e-6)
        self._default = math.log10(prior / PRIOR_WEIGHT)
        self._log_rates = {ch: math.log10((self.misread.get(ch, 0) + prior) / (max(n, self.misread.get(ch, 0)) + PRIOR_WEIGHT))
                           for ch, n in self.seen.items()}

    @classmethod
    def uniform(cls, overall: float) -> "MisreadRates":
        """Every character misread at the same ``overall`` rate: an engine nobody has measured."""
        rates = cls({}, {})
        rates.overall = overall
        rates._default = math.log10(max(overall, 1e-6))
        return rates

    def log_rate(self, char: str) -> float:
        """log10 of the smoothed share of ``char``'s occurrences that were misreadings (the
        overall share for a character never seen)."""
        return self._log_rates.get(char, self._default)

    def save(self, path: str | Path, header: Iterable[str] = ()) -> None:
        write_model_rows(path, header, "format: char<TAB>seen<TAB>misread (occurrences in OCR output; of those, misreadings)",
                         ((ch, n, self.misread.get(ch, 0)) for ch, n in sorted(self.seen.items(), key=lambda kv: (-kv[1], kv[0]))))

    @classmethod
    def load(cls, path: str | Path) -> "MisreadRates":
        path = Path(path)
        if not path.is_file():
            raise ModelError(f"{path}: misread rates not found (build them: ocrfix confusions learn ... --misread-rates {path})")
        seen: dict[str, int] = {}
        misread: dict[str, int] = {}
        for number, fields in model_rows(path):
            try:
                char, n, m = fields[0], int(fields[1]), int(fields[2])
                if len(fields) != 3 or len(char) != 1 or n < 0 or m < 0:
                    raise ValueError
                seen[char], misread[char] = n, m
            except (ValueError, IndexError):
                raise ModelError(f"{path}:{number}: expected char<TAB>seen<TAB>misread, got {TAB.join(fields)[:60]!r}") from None
        if not seen:
            raise ModelError(f"{path}: no misread rates in the file")
        return cls(seen, misread)
