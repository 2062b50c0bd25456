"""The mark channel learned from OCR pages aligned with their ground truth (:mod:`ocrfix.confusions.marks`).

Pairs: each OCR mark of :data:`~ocrfix.confusions.marks.MARKS` aligned (:func:`.length.anchored`)
with the character print has there; a pair seen at least :data:`MIN_COUNT` times is a candidate.
The gate: the corrector's stage (:mod:`ocrfix.correction.mark_channel`) is run on the ground truth
itself, clean text where every mark is right; a pair whose changes there are more than one per
:data:`RIGHT_PER_WRONG` of its confusions in the OCR is dropped (the LM underrates some marks:
it would turn most true ``；`` into ``，``), and the gate runs again until no pair is dropped.

The mark-choice model's channel (:mod:`ocrfix.correction.mark_choice`) is counted here too: ln P(mark
read | true mark) over its :data:`~ocrfix.correction.mark_choice.CLASSES` at every site of a page's
reflow (:func:`choice_reads`), once for the marks that ended a printed line and once for the others
(:func:`choice_channel`); :func:`engine_mark_model` makes an engine's part of the model of it.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

from ...confusions.marks import MARKS, MarkChannel, MarkPair
from ...correction.features import LanguageModel
from ...correction.line_marks import wrapped_line_ends
from ...correction.mark_channel import MIN_MARGIN, mark_changes
from ...correction.mark_choice import CLASSES, HALF, MarkModel, sites
from ...normalize import fold_char
from ..truth import page_truth
from .length import anchored

MIN_COUNT = 3
RIGHT_PER_WRONG = 10
#: Pseudo-counts of each true mark in the mark-choice channel, spread as the engine misreads marks overall.
CHOICE_PRIOR = 10.0
#: The least and most overall misread rate the pseudo-counts are spread by.
RATE_BOUNDS = (0.001, 0.999)


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


def mark_truths(text: str, gt: str) -> dict[int, str]:
    """The ground-truth mark of :data:`~ocrfix.correction.mark_choice.CLASSES` aligned with each
    non-space character of ``text`` (by offset in ``text``; full width), where it is one: stretch by stretch
    as the block-robust aligner matches them (:func:`~ocrfix.training.truth.page_truth`: a ground
    truth with its blocks in another order, or text the page lacks, pairs no mark with another block's)."""
    by_fold = {fold_char(mark): mark for mark in CLASSES}
    return {k: by_fold[true] for k, true in enumerate(page_truth(text, gt, _anchored_truth)) if true in by_fold}


def _anchored_truth(read: str, gt: str) -> list[str | None]:
    """Per character of ``read`` (no whitespace): the ground-truth character :func:`~.length.anchored` pairs
    with it (folded), or ``None``."""
    a = anchored(read, gt)
    truth: list[str | None] = [None] * len(read)
    for j, i in enumerate(a.at):
        if i is not None:
            truth[i] = fold_char(a.gt[j])
    return truth


def choice_reads(printed: str, reflowed: str, gt: str) -> Counter[tuple[bool, str, str]]:
    """(whether the mark ended a printed line, mark read, true mark) of every mark-choice site of
    ``reflowed`` (the reflow of the ``printed`` lines) whose truth in ``gt`` is one of
    :data:`~ocrfix.correction.mark_choice.CLASSES`; widths folded."""
    truth = mark_truths(reflowed, gt)
    joins = set(wrapped_line_ends(printed, reflowed))
    return Counter((k + 1 in joins, HALF.get(reflowed[k], reflowed[k]), truth[k])
                   for k in sites(reflowed, [False] * len(reflowed)) if k in truth)


def reads_at(reads: Counter[tuple[bool, str, str]], line_end: bool) -> Counter[tuple[str, str]]:
    """The (read, true) counts of :func:`choice_reads` of marks that ended a printed line (or not)."""
    return Counter({(read, true): n for (end, read, true), n in reads.items() if end == line_end})


def choice_channel(reads: Counter[tuple[str, str]], prior: float = CHOICE_PRIOR) -> tuple[tuple[float, ...], ...]:
    """ln P(read | true) per read mark and true mark of :data:`~ocrfix.correction.mark_choice.CLASSES`:
    each true mark's counts with ``prior`` pseudo-counts spread as the engine misreads marks overall
    (a mark seldom seen true, such as ``·``, takes the overall rate, not a share of its few readings). The
    overall rate is held within :data:`RATE_BOUNDS`: pages whose marks were all read right (or all wrong)
    still leave every reading possible."""
    total = sum(reads[read, true] for read in CLASSES for true in CLASSES)
    misread = sum(reads[read, true] for read in CLASSES for true in CLASSES if read != true) / max(total, 1)
    misread = min(max(misread, RATE_BOUNDS[0]), RATE_BOUNDS[1])
    out = []
    for read in CLASSES:
        row = []
        for true in CLASSES:
            seen = sum(reads[other, true] for other in CLASSES)
            pseudo = prior * (1.0 - misread if read == true else misread / (len(CLASSES) - 1))
            row.append(math.log((reads[read, true] + pseudo) / (seen + prior)))
        out.append(tuple(row))
    return tuple(out)


def engine_mark_model(context: MarkModel, reads: Iterable[Counter[tuple[bool, str, str]]], weight: float,
                      margin: float) -> MarkModel:
    """The ``context`` model with an engine's part (its file: :meth:`MarkModel.engine_json`): the channels
    counted over the :func:`choice_reads` of the engine's pages, at channel ``weight`` and ``margin`` (no line-end
    channel of its own where no mark ended a printed line)."""
    own = sum(reads, Counter())
    line_end = reads_at(own, True)
    return context.with_engine(choice_channel(reads_at(own, False)), weight, margin,
                               line_end_channel=choice_channel(line_end) if line_end else ())
