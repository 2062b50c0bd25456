"""The mark channel learned from OCR pages aligned with their ground truth (:mod:`ocrfix.confusions.marks`).

Pairs: each OCR mark of :data:`~ocrfix.confusions.marks.MARKS` aligned (:func:`.length.anchored`)
with the character print has there; a pair seen at least :data:`MIN_COUNT` times is a candidate.
The gate: the corrector's stage (:mod:`ocrfix.correction.mark_channel`) is run on the ground truth
itself, clean text where every mark is right; a pair whose changes there are more than one per
:data:`RIGHT_PER_WRONG` of its confusions in the OCR is dropped (the LM underrates some marks:
it would turn most true ``；`` into ``，``), and the gate runs again until no pair is dropped.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ...confusions.marks import MARKS, MarkChannel, MarkPair
from ...correction.features import LanguageModel
from ...correction.mark_channel import MIN_MARGIN, mark_changes
from ...normalize import fold_char
from .length import anchored

MIN_COUNT = 3
RIGHT_PER_WRONG = 10


def mark_pairs(pages: Sequence[tuple[str, str]]) -> list[MarkPair]:
    """Every (OCR mark, other mark print has) pair of ``(ocr, gt)`` texts, with its counts."""
    seen: Counter[str] = Counter()
    misread: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for ocr, gt in pages:
        a = anchored(ocr, gt)
        for j, i in enumerate(a.at):
            if i is not None and a.hyp[i] in MARKS:
                seen[a.hyp[i]] += 1
                if fold_char(a.hyp[i]) != fold_char(a.gt[j]):
                    misread[a.hyp[i]] += 1
                    pairs[a.hyp[i], a.gt[j]] += 1
        for i, _ in a.extra:  # a mark standing for nothing
            if a.hyp[i] in MARKS:
                seen[a.hyp[i]] += 1
                misread[a.hyp[i]] += 1
    return [MarkPair(ocr, true, n, seen[ocr], misread[ocr]) for (ocr, true), n in sorted(pairs.items()) if true in MARKS]


def clean_changes(channel: MarkChannel, texts: Sequence[str], lm: LanguageModel,
                  margin: float = MIN_MARGIN) -> Counter[tuple[str, str]]:
    """Per (mark, other mark): how often the stage would change a mark of the clean ``texts``."""
    return Counter((mark, other) for text in texts
                   for _, mark, other, *_ in mark_changes(text, channel, lm, [False] * len(text), margin))


def learn_mark_channel(pages: Sequence[tuple[str, str]], lm: LanguageModel, margin: float = MIN_MARGIN,
                       min_count: int = MIN_COUNT) -> MarkChannel:
    """The mark channel of ``(ocr, gt)`` pages: pairs seen ``min_count`` times that pass the clean-text gate."""
    kept = [p for p in mark_pairs(pages) if p.count >= min_count]
    truths = [gt for _, gt in pages]
    while True:
        channel = MarkChannel(kept)
        fired = clean_changes(channel, truths, lm, margin)
        passing = [p for p in kept if fired[p.ocr, p.true] * RIGHT_PER_WRONG <= p.count]
        if len(passing) == len(kept):
            return channel
        kept = passing
