"""The length channel learned from OCR pages aligned with their ground truth (:mod:`ocrfix.confusions.length`).

A page is first matched block by block with the evaluation's block-robust aligner
(:func:`ocrfix.training.truth.matched_stretches`): a ground truth with its paragraphs in another order (a web
version, the stories of a whole page) or with text the OCR lacks (and the other way round) pairs
each stretch of OCR with the ground truth it reads, and text on one side only is left out (it is
another text, not characters the engine added or lost). Within each matched stretch both texts lose
their whitespace and are compared width-folded. Their longest common subsequence
(rapidfuzz ``Indel``) anchors the characters read right; between two anchors, the OCR and the
ground-truth characters are paired one for one (misreadings) and the rest of the longer side is
extra (OCR) or dropped (ground truth). A minimal Levenshtein script would rather explain a stray
character and the misreading after it as a run of misreadings (北京|工乍 / 北京工作。: three
substitutions cost as much as the extra ``|``, one substitution and the lost ``。``).
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from rapidfuzz.distance import Indel

from ...confusions.length import DOUBLE, Counts, LengthRates
from ...normalize import fold, fold_char, is_han
from ..truth import matched_stretches


class Anchored(NamedTuple):
    """One whitespace-free OCR text ``hyp`` against its ground truth ``gt``."""

    hyp: str
    gt: str
    at: list[int | None]  # per ground-truth position: the OCR position read for it, None where dropped
    extra: list[tuple[int, int]]  # (OCR position, ground-truth gap before which it sits) of every extra character


def anchored(hyp: str, gt: str) -> Anchored:
    """The alignment of ``hyp`` to ``gt`` (whitespace ignored, widths folded)."""
    hyp, gt = "".join(hyp.split()), "".join(gt.split())
    at: list[int | None] = [None] * len(gt)
    extra: list[tuple[int, int]] = []
    gap = (0, 0)  # where the stretch of unmatched characters began, in hyp and gt
    for tag, i1, i2, j1, j2 in [*Indel.opcodes(fold(hyp), fold(gt)), ("equal", len(hyp), len(hyp), len(gt), len(gt))]:
        if tag != "equal":
            continue
        (h, g), paired = gap, min(i1 - gap[0], j1 - gap[1])
        for k in range(paired):
            at[g + k] = h + k
        extra.extend((i, g + paired) for i in range(h + paired, i1))
        for k in range(j2 - j1):
            at[j1 + k] = i1 + k
        gap = (i2, j2)
    return Anchored(hyp, gt, at, extra)


def _doubles(text: str) -> Iterable[int]:
    """Positions of Han characters that repeat the one before them."""
    return (i for i in range(1, len(text)) if text[i] == text[i - 1] and is_han(text[i]))


def length_counts(pages: Iterable[tuple[str, str]]) -> dict[str, Counts]:
    """:class:`~ocrfix.confusions.length.Counts` per character, doubled Han pair and :data:`DOUBLE`
    of ``(ocr, gt)`` texts, over their :func:`~ocrfix.training.truth.matched_stretches`."""
    seen: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    misread: Counter[str] = Counter()
    truth: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    for ocr, gt in ((read, true) for page in pages for _, read, true in matched_stretches(*page)[1]):
        a = anchored(ocr, gt)
        is_extra = [False] * len(a.hyp)
        for i, _ in a.extra:
            is_extra[i] = True
        seen.update(a.hyp)
        extra.update(a.hyp[i] for i, _ in a.extra)
        misread.update(a.hyp[i] for j, i in enumerate(a.at) if i is not None and fold_char(a.hyp[i]) != fold_char(a.gt[j]))
        truth.update(a.gt)
        dropped.update(a.gt[j] for j, i in enumerate(a.at) if i is None)
        for i in _doubles(a.hyp):
            for key in (a.hyp[i] * 2, DOUBLE):
                seen[key] += 1
                extra[key] += is_extra[i] or is_extra[i - 1]
        for j in _doubles(a.gt):
            for key in (a.gt[j] * 2, DOUBLE):
                truth[key] += 1
                dropped[key] += a.at[j] is None or a.at[j - 1] is None
    return {key: Counts(seen[key], extra[key], misread[key], truth[key], dropped[key]) for key in seen.keys() | truth.keys()}


def length_rates(pages: Iterable[tuple[str, str]]) -> LengthRates:
    """The length channel of ``(ocr, gt)`` page texts."""
    return LengthRates(length_counts(pages))
