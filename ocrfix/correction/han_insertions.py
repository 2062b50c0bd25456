"""Han characters the engine lost, put back between their two neighbours.

Tesseract loses a character inside a word now and then (中华人民和国 for 中华人民共和国). The gap it
leaves joins two characters the news rarely writes side by side. At every gap between two Han
characters where the LM finds the right-hand one improbable after the text before it (log10
P below :data:`SURPRISE`) and the left-hand one not (:data:`PROBABLE_LEFT`), the characters ``c`` that the LM's context index has seen both after
the left neighbour and before the right one (:meth:`~ocrfix.lm.context.ContextIndex.between`) are
candidates; each is weighed by the LM's gain of the sentence with it inserted (the state API, as
the decoder's substitutions are: :func:`~.features.replacement_gain`), and the best is inserted
where

* its gain reaches ``min_gain`` and leads the next candidate's by :data:`MIN_LEAD` (two characters
  that fit alike are a guess, not a reading);
* it doubles neither neighbour (a doubled character is the engine's habit to undo, not to make).

A paragraph's last word cut off where a rule puts back the paragraph's lost ``。`` (作出新的贡 for
作出新的贡献。: Tesseract loses the end of a column's last line, characters and stop together) is weighed
the same way, with the ``。`` in place (:func:`lost_before_stop`); such a candidate needs :data:`STOP_MIN_GAIN`.

A gap where the text runs on as the news writes it (an optional 的 or 了 the LM would like) is not
weighed at all: the right neighbour is probable there. Each gap is weighed on the text as read (one
character per gap). :data:`MIN_GAIN` is calibrated on Tesseract training pages, each scored by an LM
trained without its source (benchmarks/RESULTS.md, "Length errors": a lost Han character put back).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from ..lm.context import ContextIndex
from ..normalize import is_han, lm_tokens
from ..segment import iter_sentences
from .edits import Change
from .features import ForwardPass, LanguageModel, forward, replacement_gain

SOURCE = "han-insertion"
#: Gaps where log10 P(right neighbour | the text before) is below this are weighed (most gaps of a
#: scan are far above it: the cost stays a few LM look-ups per weighed gap) ...
SURPRISE = -3.0
#: ... and the left neighbour reads right, log10 P(left | the text before) at least this: a lost
#: character leaves the text up to the gap as print has it, while a stretch the engine garbled is
#: improbable on both sides of a gap. On the 74 Tesseract fold pages (see :data:`MIN_GAIN`) the 8
#: lost characters put back with a gain of 5 or more had left neighbours at -1.5 or above; of the 2
#: insertions there where nothing was lost, one at -2.2 (香港和[特]别: 和 misread for 特). Of the 12,177
#: gaps a right-neighbour gate of -2.5 alone weighs there, the two gates keep 4,404, those 8 among them
#: (benchmarks/RESULTS.md, the ``han-sites`` table).
PROBABLE_LEFT = -2.0
#: Candidates from the context index per gap (its likeliest between the two neighbours).
CANDIDATES = 5
#: log10 gain the best candidate needs. On 74 Tesseract training pages (``train`` and ``train-more``),
#: each scored by an LM trained without its source, the weighed gaps (gates as shipped) where the best
#: candidate gains 3 or more: 10 put back what was lost, 14 inserted something else; 4 or more: 10 and
#: 5; 5 or more: 8 and 1; 6 or more: 7 and 0.
MIN_GAIN = 6.0
#: How much the best candidate's gain must lead the next one's (log10): two that fit alike are a guess.
MIN_LEAD = 1.0
#: The stop a rule puts at a paragraph's end, before which a lost character is weighed.
STOP = "。"
#: log10 gain the best candidate before a paragraph's put-back :data:`STOP` needs: a word's end gains
#: less than a word's inside (the stop after it is probable, not certain). At the ``final-period`` edits of
#: ``ocrfix correct --profile tesseract`` on six Tesseract whole-page development sets and the 60 ``train``
#: pages, looked up in the GT (benchmarks/RESULTS.md, "A paragraph's final 。 after a word cut off"): the
#: best candidate gaining 2 or more put back what was lost at all 9 such ends (贡[献], 战略意[义]), 1.5–2
#: at 1 of 2 (专[项]; 之[称] for 之[一]); every end that had lost nothing but its stop gains under 0.5.
STOP_MIN_GAIN = 2.0


class InsertionSite(NamedTuple):
    """A weighed gap of a text and its best candidate (:func:`insertion_sites`)."""

    offset: int  # where the character goes: before ``text[offset]``
    char: str  # the best candidate
    gain: float  # its LM gain (log10)
    lead: float  # over the next candidate's gain, or over 0 where that is below 0 or there is none


def insertion_sites(text: str, lm: LanguageModel, index: ContextIndex, protected: Sequence[bool],
                    surprise: float | None = None, min_gain: float = -math.inf, probable_left: float | None = None
                    ) -> list[InsertionSite]:
    """The best candidate of every gap between two Han characters of ``text`` that is weighed (see the
    module's doc): neither neighbour ``protected``, the right one improbable (``surprise``, default
    :data:`SURPRISE`) and the left one not (``probable_left``, default :data:`PROBABLE_LEFT`), some
    candidate that doubles neither. Gaps where no insertion could gain ``min_gain`` are skipped: an insertion rescores at most
    the ``order - 1`` tokens from the right neighbour on (and the sentence end), so it gains at most
    what they lose now."""
    surprise = SURPRISE if surprise is None else surprise
    probable_left = PROBABLE_LEFT if probable_left is None else probable_left
    sites = []
    for sentence in iter_sentences(text):
        tokens = sentence.tokens
        logps = [logp for logp, _ in lm.token_scores(tokens)]  # one C call; the states only where needed
        fwd = None
        for i in range(1, len(tokens)):
            left_at, right_at = sentence.offsets[i - 1], sentence.offsets[i]
            if logps[i] >= surprise or logps[i - 1] < probable_left or not _han_gap(text, left_at, right_at, protected):
                continue
            if -sum(logps[i:i + lm.order - 1]) < min_gain:  # (the sentence end's score, the last of logps, within reach)
                continue
            fits = _fits(index, text[left_at], text[right_at])
            if not fits:
                continue
            fwd = fwd or forward(lm, tokens)
            sites.append(_best_site(lm, fwd, i, right_at, fits))
    return sites


def _han_gap(text: str, left_at: int, right_at: int, protected: Sequence[bool]) -> bool:
    """Whether the characters at ``left_at`` and ``right_at`` are two Han characters next to
    each other, neither ``protected``."""
    return (right_at == left_at + 1 and not protected[left_at] and not protected[right_at]
            and is_han(text[left_at]) and is_han(text[right_at]))


def _fits(index: ContextIndex, left: str, right: str) -> list[str]:
    """The Han characters the context ``index`` has seen between ``left`` and ``right`` (its
    :data:`CANDIDATES` most frequent), but those that double either."""
    return [char for char, _ in index.between(left, right, n=CANDIDATES) if is_han(char) and char not in (left, right)]


def _best_site(lm: LanguageModel, fwd: ForwardPass, i: int, right_at: int, fits: list[str]) -> InsertionSite:
    """The insertion of the best of ``fits`` before token ``i`` (at offset ``right_at``), with its
    gain and its margin over the runner-up (or over nothing inserted)."""
    char, gain, lead = _ranked([(replacement_gain(lm, fwd, i, (char,), width=0), char) for char in fits])
    return InsertionSite(right_at, char, gain, lead)


def _ranked(gains: list[tuple[float, str]]) -> tuple[str, float, float]:
    """The best candidate of ``gains`` ((gain, char), not empty), its gain and its lead over the
    runner-up's gain, or over nothing inserted where that is below 0 or there is none."""
    (best, char), *rest = sorted(gains, reverse=True)
    return char, best, best - max(rest[0][0] if rest else 0.0, 0.0)


def lost_before_stop(text: str, offset: int, lm: LanguageModel, index: ContextIndex, protected: Sequence[bool]) -> str | None:
    """The Han character lost before the :data:`STOP` a rule puts at ``offset``, a paragraph's end: the
    context index's best candidate between the paragraph's last character and the stop, where the stop is
    improbable without it (:data:`SURPRISE`), that character probable (:data:`PROBABLE_LEFT`), and the
    candidate gains :data:`STOP_MIN_GAIN` with the lead :data:`MIN_LEAD`; None elsewhere."""
    start = text.rfind("\n", 0, offset) + 1
    left = lm_tokens(text[max(start, offset - 2 * lm.order):offset])
    if offset == start or not is_han(text[offset - 1]) or protected[offset - 1] or len(left) < 2:
        return None
    ended = lm.token_scores(left + [STOP], bos=False, eos=True)
    if ended[-2][0] >= SURPRISE or ended[-3][0] < PROBABLE_LEFT:
        return None
    fits = _fits(index, text[offset - 1], STOP)
    if not fits:
        return None
    base = sum(logp for logp, _ in ended)
    char, gain, lead = _ranked([(lm.score_tokens(left + [char, STOP], bos=False, eos=True) - base, char) for char in fits])
    return char if gain >= STOP_MIN_GAIN and lead >= MIN_LEAD else None


def insertion_changes(text: str, lm: LanguageModel, index: ContextIndex, protected: Sequence[bool],
                      min_gain: float | None = None) -> list[Change]:
    """``(offset, "", char, 1.0, ("han-insertion",))`` changes of ``text`` that put a lost Han character back
    (``min_gain`` default :data:`MIN_GAIN`)."""
    min_gain = MIN_GAIN if min_gain is None else min_gain
    return [(site.offset, "", site.char, 1.0, (SOURCE,)) for site in insertion_sites(text, lm, index, protected, min_gain=min_gain)
            if site.gain >= min_gain and site.lead >= MIN_LEAD]
