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

The pairs also say where an opening mark was lost, or a closing one away from a line end:

- A ``’`` with no ``‘`` open before it in its paragraph lost its ``‘`` (PP-OCR drops the small
  opening mark of a nested quotation, ``推进三医联动’``). It goes back inside the clause that ends
  in the ``’`` where the LM likes it best (:func:`opening_changes`).
- A sentence that only names a speaker (``他说。``, ``该负责人表示。``) follows a quotation: where
  one is still open at the ``。`` before it, its ``”`` was lost there (:func:`speaker_closings`;
  PP-OCR drops a ``”`` after a ``。`` that ends a paragraph, before the speaker's sentence opens the next).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Sequence

from ..normalize import is_han, lm_tokens
from . import line_marks
from .edits import Change
from .features import LanguageModel
from .line_marks import CLOSING, SPAN, quote_open

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


def unclosed_spans(text: str, changed: Collection[int] = ()) -> list[tuple[int, int, str]]:
    """``(after, before, closing mark)`` of each opening mark of :data:`PAIRS` in ``text`` (after
    it) followed in its paragraph by another of its kind (before it) with no closing mark between
    — unless that second one closes twice (``“…“…””``: a nested ``‘`` read as ``“``, as Tesseract
    does; nothing was lost) — or, for a pair that never spans paragraphs, by the paragraph's end.
    A closing mark misread as one of :data:`MISREAD_CLOSING` still closes its pair; a mark at an offset
    in ``changed`` (another stage read it as something else: a ``“`` for ``。``) is none of the pair's."""
    spans = []
    for paragraph in re.finditer(r"[^\n]+", text):
        for opening, (closing, spans_paragraphs) in PAIRS.items():
            marks = [(m.start() + paragraph.start(), opening if m.group() == opening else closing)
                     for m in re.finditer(f"[{opening}{closing}{re.escape(MISREAD_CLOSING[closing])}]", paragraph.group())
                     if m.start() + paragraph.start() not in changed]
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
                    min_gain: float | None = None, changed: Collection[int] = ()
                    ) -> list[Change]:
    """``(offset, "", mark, 1.0, (SOURCE,))`` insertions: per span of :func:`unclosed_spans`, its
    closing mark at the wrapped line end of ``joins`` (sorted) inside it (after a Han character, letter or
    digit, or after one of :data:`SENTENCE_MARKS`; before anything but a closing mark; neither side
    protected) where the LM likes it best, if it gains more than ``min_gain`` (default :data:`MIN_GAIN`) over running on there
    and :data:`MIN_LEAD` more than at the next best line end; with a mark beside it (:data:`WITH`)
    where the LM prefers that by more than the line-end stage's margin. ``changed``: offsets of
    characters the stages before replace (see :func:`unclosed_spans`)."""
    min_gain = MIN_GAIN if min_gain is None else min_gain
    changes = []
    for after, before, closing in unclosed_spans(text, frozenset(changed)):
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


OPENING_SOURCE = "rule:lost-opening-mark"
#: Marks a nested quotation's lost ``‘`` goes back after at the farthest: the ``’``'s clause starts after the last
#: of them (a straight ``'`` may be the ``‘`` misread).
CLAUSE_MARKS = "，。；！？：“”‘’'"
#: Characters before the ``’`` the ``‘`` may go back at the most.
OPENING_REACH = 30


def unopened_quotes(text: str, changed: Collection[int] = ()) -> list[tuple[int, int]]:
    """``(start, offset)`` of each ``’`` in ``text`` (at ``offset``, after a Han character or digit) with no
    ``‘`` (or ``'``) open before it in its paragraph: start of the clause it ends, after the last of
    :data:`CLAUSE_MARKS` before it (at most :data:`OPENING_REACH` characters back). A mark at an offset in
    ``changed`` (another stage read it as something else) is none of the pair's."""
    found = []
    for paragraph in re.finditer(r"[^\n]+", text):
        opened = False
        for match in re.finditer("[‘’']", paragraph.group()):
            offset = paragraph.start() + match.start()
            if offset in changed:
                continue
            if match.group() != "’":
                opened = True
            elif opened:
                opened = False
            elif offset > 0 and (is_han(text[offset - 1]) or text[offset - 1].isdigit()):
                start = max(paragraph.start(), offset - OPENING_REACH)
                marks = [k for k in range(start, offset) if text[k] in CLAUSE_MARKS]
                found.append((marks[-1] + 1 if marks else start, offset))
    return found


def opening_changes(text: str, lm: LanguageModel, protected: Sequence[bool], changed: Collection[int] = ()
                    ) -> list[Change]:
    """``(offset, "", "‘", 1.0, (OPENING_SOURCE,))`` insertions: per ``’`` of :func:`unopened_quotes`, its ``‘``
    before the character of its clause (a Han character, letter or digit) where the
    LM likes it best, scored over the same stretch (:data:`SPAN` characters either side of the clause), if it
    leads the next best place by :data:`MIN_LEAD` and that character is not protected."""
    changes = []
    for start, closing in unopened_quotes(text, frozenset(changed)):
        left, right = text[max(0, start - SPAN):start].split("\n")[-1], text[:closing + 1 + SPAN]
        scores = sorted(((lm.score_tokens(lm_tokens(left + text[start:site] + "‘" + right[site:]), bos=False, eos=False), site)
                         for site in range(start, closing) if text[site].isalnum()), reverse=True)
        if scores and not protected[scores[0][1]] and (len(scores) == 1 or scores[0][0] - scores[1][0] >= MIN_LEAD):
            changes.append((scores[0][1], "", "‘", 1.0, (OPENING_SOURCE,)))
    return changes


SPEAKER_SOURCE = "rule:quote-before-speaker"
#: The verbs of a sentence that only names who spoke (news: ``“……。”他说。``).
SPEAKER_VERBS = ("说", "表示", "介绍", "告诉记者", "指出", "强调")
#: A sentence end followed by such a sentence: a speaker of up to 10 Han characters (``·`` in a foreign name).
SPEAKER = re.compile(r"[。！？](?=\s*[\u4e00-\u9fff·]{1,10}(?:" + "|".join(SPEAKER_VERBS) + ")。)")


def speaker_closings(text: str, protected: Sequence[bool], changed: Collection[int] = ()) -> list[Change]:
    """``(offset, "", "”", 1.0, (SPEAKER_SOURCE,))`` insertions after each sentence end of :data:`SPEAKER` (not
    protected, not in ``changed``) where a quotation is still open in its paragraph: the sentence after it names
    the quotation's speaker, so the quotation closed there."""
    return [(match.end(), "", "”", 1.0, (SPEAKER_SOURCE,)) for match in SPEAKER.finditer(text)
            if match.start() not in changed and not protected[match.start()] and quote_open(text, match.end())]
