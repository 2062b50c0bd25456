"""What the OCR engine says of its own reading, used as channel evidence.

hOCR, ALTO and PAGE files carry the engine's confidence in each character (or word) and sometimes
the other readings it considered. The corrector's calibrated probability that an edit is right
was fitted without them, for the average character of its training pages; a character the
engine itself doubts is likelier misread, one it is sure of less likely. So the log-odds of every
candidate at a character with confidence ``c`` are moved by

    weight * (logit(1 - c) - logit(1 - reference))

(:class:`ConfidencePrior`): zero at the ``reference`` confidence, up for a doubted character,
down for a sure one. ``weight`` and ``reference`` belong to the engine (its confidences have their
own scale) and live in its profile (``"confidence"`` in ``profile.json``), tuned on training
pages. A character the engine gives no confidence of its own takes its word's (hOCR ``x_wconf``,
ALTO ``WC``: all that whole-page Tesseract runs write) through a prior of its own
(``"word_confidence"``; none: word confidences are not used): a word's confidence says less of
each of its characters, and the character prior is never applied to it. The engine's alternative readings of a character become candidates there (source
``engine``; their channel score is the engine's confidence in them, at least
:data:`ALTERNATIVE_FLOOR`). Text without this evidence (plain text) is corrected exactly as
before: no shift, no extra candidate.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Collection, NamedTuple, Sequence

from .candidates import CONTEXT_SCORE, ENGINE, Entry

#: Channel score of an alternative the engine gives no (or zero) confidence: as low as a context
#: candidate's, since nothing says it looks like the seen character beyond the engine's listing.
ALTERNATIVE_FLOOR = CONTEXT_SCORE
#: Confidences are clipped to this distance from 0 and 1 before the logit (an engine's 0 or 100
#: is not certainty).
CLIP = 0.005


class Reading(NamedTuple):
    """What the engine says of one character: its confidence (0-1, None: unknown), its other
    readings ``(text, confidence or None)``, best first, and, where it gives no confidence of the
    character's own, that of the word the character is part of."""

    conf: float | None = None
    alternatives: tuple[tuple[str, float | None], ...] = ()
    word_conf: float | None = None


def _logit(p: float) -> float:
    p = min(max(p, CLIP), 1.0 - CLIP)
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class ConfidencePrior:
    """The log-odds shift of an edit at a character the engine read with a given confidence."""

    weight: float
    reference: float  # the confidence at which the shift is zero

    def shift(self, conf: float | None) -> float:
        return 0.0 if conf is None else self.weight * (_logit(1.0 - conf) - _logit(1.0 - self.reference))


def alternative_entries(seen: str, readings: Sequence[tuple[str, float | None]], entries: Sequence[Entry],
                        inventory: Collection[str]) -> tuple[Entry, ...]:
    """Candidate entries for the engine's single-character ``readings`` of ``seen`` that are in
    the ``inventory`` and not already among the site's ``entries``."""
    have = {seen, *(entry[0] for entry in entries)}
    out: list[Entry] = []
    for text, conf in readings:
        if len(text) == 1 and text not in have and text in inventory:
            have.add(text)
            out.append((text, max(conf or 0.0, ALTERNATIVE_FLOOR), len(out), (ENGINE,)))
    return tuple(out)


class TokenEvidence(NamedTuple):
    """The engine's evidence per token of one sentence, each None where there is none at all:
    log-odds shifts, alternative readings."""

    shifts: tuple[float, ...] | None
    alternatives: tuple[tuple[tuple[str, float | None], ...], ...] | None

    @property
    def empty(self) -> bool:
        return self.shifts is None and self.alternatives is None


def token_evidence(readings: Sequence[Reading | None], prior: ConfidencePrior | None,
                   word_prior: ConfidencePrior | None = None) -> TokenEvidence:
    """The per-token evidence of a sentence whose tokens have ``readings`` (None: not known): a
    character's own confidence through ``prior``, else its word's through ``word_prior``."""

    def shift(reading: Reading | None) -> float | None:
        if reading is None:
            return None
        if reading.conf is not None:
            return prior.shift(reading.conf) if prior is not None and prior.weight else None
        if reading.word_conf is not None and word_prior is not None and word_prior.weight:
            return word_prior.shift(reading.word_conf)
        return None

    found = [shift(r) for r in readings]
    shifts = None if all(s is None for s in found) else tuple(s or 0.0 for s in found)
    alternatives = None
    if any(r is not None and r.alternatives for r in readings):
        alternatives = tuple(r.alternatives if r is not None else () for r in readings)
    return TokenEvidence(shifts, alternatives)
