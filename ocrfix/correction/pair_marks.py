"""Closing marks of a pair (``”``, ``》``, ``）``) lost at wrapped line ends, put back where the pair must have closed.

Print hangs a closing ``”``, ``》`` or ``）`` past the column edge like any closing mark, and an
engine that reads inside the line box drops it. The LM rarely asks for it back: a 6-gram seldom
sees the ``“`` that opened the quotation (``共建“一带一路`` + ``倡议``: the gain of ``”`` at that
line end is a coin-flip), so the line-end stage (:mod:`.line_marks`) puts back few of them. The
pairs themselves say where one is missing. News nests quotations with ``‘’``, so a ``“`` followed
by another ``“`` in its paragraph before any ``”`` has lost its closing mark in between; a title
``《`` or a bracket ``（`` must also close before its paragraph ends. If the wrapped line ends in
such a span offer a place for the closing mark, the one where the LM likes it best takes it (with
a mark hung beside it, ``”，`` or ``。”``, where the LM prefers that by the line-end stage's
margin). A quotation still open at a paragraph's end says less: news runs a quotation over
several paragraphs, each opening with ``“`` and only the last one closing it, so such a span is
left alone.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence

from ..normalize import lm_tokens
from . import line_marks
from .edits import Change
from .features import LanguageModel
from .line_marks import CLOSING, SPAN

SOURCE = "rule:lost-closing-mark"
#: Opening mark -> its closing mark, and whether the pair may stay open over a paragraph's end.
PAIRS = {"“": ("”", True), "《": ("》", False), "（": ("）", False)}
#: What else closes the pair in OCR: the closing mark misread (a half-width bracket, a straight quote).
MISREAD_CLOSING = {"”": "\"", "》": "〉>", "）": ")"}
#: What may have hung at the line end beside the closing mark (the LM picks; ``{}`` is the mark).
WITH = ("{}，", "{}。", "{}、", "。{}", "，{}")
#: The LM may dislike the best place by this much (log10, against running on) and still get the
#: closing mark: the pair's evidence that one is missing there is the stronger. And the best
#: place must lead the next best by :data:`MIN_LEAD`. Tuned on column-wrapped training news the
#: LM never saw (benchmarks/RESULTS.md, "Closing marks lost at line ends").
MIN_GAIN = -2.0
MIN_LEAD = 0.5
#: A line may end in a mark the engine read, the closing mark after it hung alone (…表示。” + 新).
SENTENCE_MARKS = "。！？，、…"


def unclosed_spans(text: str, changed: Mapping[int, str] | None = None) -> list[tuple[int, int, str]]:
    """``(after, before, closing mark)`` of each opening mark of :data:`PAIRS` in ``text`` (after
    it) followed in its paragraph by another of its kind (before it) with no closing mark between
    — unless that second one closes twice (``“…“…””``: a nested ``‘`` read as ``“``, as Tesseract
    does; nothing was lost) — or, for a pair that never spans paragraphs, by the paragraph's end.
    A closing mark misread as one of :data:`MISREAD_CLOSING` still closes its pair; a mark at an offset
    in ``changed`` is what another stage reads there (offset -> its reading): a ``“`` read as ``。`` is
    none of the pair's, a ``"`` read as ``”`` still closes it."""
    spans = []
    changed = changed or {}
    for paragraph in re.finditer(r"[^\n]+", text):
        for opening, (closing, spans_paragraphs) in PAIRS.items():
            closings = closing + MISREAD_CLOSING[closing]
            marks = []
            for m in re.finditer(f"[{re.escape(opening + closings)}]", paragraph.group()):
                offset = m.start() + paragraph.start()
                mark = changed.get(offset, m.group())
                if mark == opening or (mark != "" and mark in closings):
                    marks.append((offset, opening if mark == opening else closing))
            for k, (offset, mark) in enumerate(marks):
                if mark != opening:
                    continue
                following = marks[k + 1:]
                if not following:
                    if not spans_paragraphs:
                        spans.append((offset + 1, paragraph.end(), closing))
                    continue
                closes = 0
                for _, later in following[1:]:
                    if later == opening:
                        break
                    closes += 1
                if following[0][1] == opening and closes < 2:
                    spans.append((offset + 1, following[0][0], closing))
    return sorted(spans)


def readings(changes: Iterable[Change]) -> dict[int, str]:
    """What ``changes`` (other stages', in order) read at each offset they change: a one-character change's
    replacement, nothing (``""``) inside a longer one; the first change at an offset wins, as the corrector's do."""
    read: dict[int, str] = {}
    for start, original, replacement, *_ in changes:
        for pos in range(start, start + len(original)):
            read.setdefault(pos, replacement if len(original) == 1 else "")
    return read


def spans_to_close(text: str, joins: Sequence[int], changed: Mapping[int, str] | None = None) -> list[tuple[int, int, str]]:
    """:func:`unclosed_spans` of ``text`` as the stage weighs them: a mark at an offset of ``changed`` as the
    stages before read it (:func:`readings`), and an opening mark read at a wrapped line end of ``joins`` none:
    print never ends a line with one (考验 “ / 身在海外: a ``”`` read reversed, or a ``。``)."""
    read = {join - 1: "" for join in joins if join and text[join - 1] in PAIRS}
    return unclosed_spans(text, {**read, **(changed or {})})


def _gain(lm: LanguageModel, text: str, offset: int, insert: str) -> float:
    """log10 gain of inserting ``insert`` at ``offset`` over running on (a ``。`` ends a sentence there)."""
    left = lm_tokens(text[max(0, offset - SPAN):offset])
    right = lm_tokens(text[offset:offset + SPAN])
    inserted = left + lm_tokens(insert)
    if "。" in insert:
        score = lm.score_tokens(inserted, bos=False, eos=True) + lm.score_tokens(right, bos=True, eos=False)
    else:
        score = lm.score_tokens(inserted + right, bos=False, eos=False)
    return score - lm.score_tokens(left + right, bos=False, eos=False)


def closing_changes(text: str, joins: Sequence[int], lm: LanguageModel, protected: Sequence[bool],
                    min_gain: float | None = None, changed: Mapping[int, str] | None = None
                    ) -> list[Change]:
    """``(offset, "", mark, 1.0, (SOURCE,))`` insertions: per span of :func:`unclosed_spans`, its
    closing mark at the wrapped line end of ``joins`` (sorted) inside it (after a Han character, letter or
    digit, or after one of :data:`SENTENCE_MARKS`; before anything but a closing mark; neither side
    protected) where the LM likes it best, if it gains more than ``min_gain`` (default :data:`MIN_GAIN`) over running on there
    and :data:`MIN_LEAD` more than at the next best line end; with a mark beside it (:data:`WITH`)
    where the LM prefers that by more than the line-end stage's margin. ``changed``: what the stages
    before read at the offsets they change (:func:`readings`; see :func:`spans_to_close`)."""
    min_gain = MIN_GAIN if min_gain is None else min_gain
    changes = []
    for after, before, closing in spans_to_close(text, joins, changed):
        inside = joins[bisect_right(joins, after):bisect_right(joins, before)]
        sites = sorted(((_gain(lm, text, offset, closing), offset) for offset in inside
                        if (text[offset - 1].isalnum() or text[offset - 1] in SENTENCE_MARKS)
                        and text[offset] not in CLOSING and not protected[offset - 1] and not protected[offset]),
                       reverse=True)
        if not sites or sites[0][0] <= min_gain or (len(sites) > 1 and sites[0][0] - sites[1][0] < MIN_LEAD):
            continue
        gain, offset = sites[0]
        mark = closing
        if text[offset - 1].isalnum():
            best, option = max((_gain(lm, text, offset, form.format(closing)), form.format(closing)) for form in WITH)
            mark = option if best > gain + line_marks.MIN_GAIN else mark
        changes.append((offset, "", mark, 1.0, (SOURCE,)))
    return changes


def without_second_closings(text: str, closings: Sequence[Change],
                            changes: list[Change]
                            ) -> list[Change]:
    """``changes`` (another stage's) without their insertions of a closing mark into a span of
    :func:`unclosed_spans` that ``closings`` (of :func:`closing_changes`) already closes."""
    closed = [(after, before, mark) for after, before, mark in unclosed_spans(text)
              if any(after < offset <= before for offset, *_ in closings)]
    return [change for change in changes if not (change[1] == "" and any(
        after < change[0] <= before and mark in change[2] for after, before, mark in closed))]
