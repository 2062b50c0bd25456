"""Marks of a text whose engine garbled them: the text's own mark channel, estimated from the text.

An engine does not misread marks at one steady rate. On a clean scan PP-OCR reads a ``，`` as
``。`` about once in 300; on a faded or speckled one it reads most of a page's ``，`` as ``。`` and
most of its ``。`` and ``、`` as ``·`` (RapidOCR training pages: on two of 60 pages, 23 of the 26
``。`` between Han characters stood for ``，``; elsewhere 10 of 656). A fixed rule has to be strict
enough for the clean pages (``period-comma`` wants the LM to prefer the comma by 3.0) and so
misses most of the garbled page's errors.

So the text itself says how far its marks can be trusted. At every ``。`` or ``·`` between two Han
characters (the *sites*) the LM weighs the other marks (``，``/``、``, and ``。`` for a ``·``;
"。" scored as a sentence break). In a text whose marks are right the LM confidently prefers
another mark (by more than :data:`CONFIDENT_GAIN`, log10) at a few sites only, where its taste
for an optional comma disagrees with the writer's: at most 18 % of the sites of any of the 60
training pages' ground truth or the 45 evaluation pages' ground truth (text the LM never saw), at
most 33 % of any Tesseract training page's OCR. On the two garbled RapidOCR training pages it does
at 75 % and 79 %. A text with at least :data:`MIN_SITES` sites, at least :data:`MIN_SHARE` of them
confidently read otherwise, has its marks read as the LM likes them best: each site (also next to
a digit, quote or bracket) takes the mark the LM prefers by more than :data:`MIN_GAIN`. Other
texts are left to the symbol rules. (An EM estimate of the misread share from the LM's gains as
likelihood ratios separated the training pages as well, but rated two clean ground-truth pages of
held-out text 0.67 and 0.79: mild gains of 0.5-1.5, the LM's taste, add up.)
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..normalize import is_han
from .edits import Change
from .features import LanguageModel
from .line_marks import SPAN
from .rules import mark_scores

SOURCE = "rule:garbled-marks"
#: What a site's mark may stand for (the read mark itself is also scored).
OPTIONS = {"。": ("，", "、"), "·": ("，", "。", "、")}
_MARK = re.compile(f"[{''.join(OPTIONS)}]")
#: Neighbours of a mark in running text besides Han characters (before it / after it): once a
#: text reads as garbled, its marks next to these are settled too. (Its other clause marks are
#: not: on the training pages, a garbled page's '、', '：' and '；' read as the LM liked them best
#: fixed 5 and broke 5.)
BEFORE = frozenset("0123456789%％”’）")
AFTER = frozenset("0123456789“‘（")
#: Fewest sites a text needs before it is judged.
MIN_SITES = 8
#: log10 gain at which the LM's preference for another mark counts as confident.
CONFIDENT_GAIN = 1.5
#: The share of sites read otherwise with confidence from which a text's marks count as garbled.
MIN_SHARE = 0.5
#: log10 gain the LM's best mark needs over the mark read, in a garbled text (training pages:
#: 0.0 fixed 3 more and broke 1 more, 1.0 fixed 2 fewer).
MIN_GAIN = 0.5


def sites(text: str, protected: Sequence[bool], running: bool = False) -> list[int]:
    """Offsets of the unprotected ``。`` and ``·`` of ``text`` between two Han characters
    (``running``: or a digit, quote or bracket of running text, :data:`BEFORE` / :data:`AFTER`)."""
    def fits(ch: str, others: frozenset[str]) -> bool:
        return is_han(ch) or (running and ch in others)

    return [k for k in (match.start() for match in _MARK.finditer(text, 1, max(len(text) - 1, 1)))
            if not protected[k] and fits(text[k - 1], BEFORE) and fits(text[k + 1], AFTER)]


def best_other(lm: LanguageModel, text: str, offset: int) -> tuple[float, str]:
    """(log10 gain over the mark read, mark) of the mark the LM likes best in place of ``text[offset]``."""
    seen = text[offset]
    scores = mark_scores(lm, text, offset, 1, (seen, *OPTIONS[seen]), SPAN)
    return max((scores[mark] - scores[seen], mark) for mark in OPTIONS[seen])


def confident_share(gains: Sequence[float]) -> float:
    """The share of sites whose best other mark the LM prefers by more than :data:`CONFIDENT_GAIN`."""
    return sum(gain > CONFIDENT_GAIN for gain in gains) / max(len(gains), 1)


def garbled_changes(text: str, lm: LanguageModel, protected: Sequence[bool],
                    min_gain: float = MIN_GAIN) -> list[Change]:
    """``(offset, mark, other mark, 1.0, (SOURCE,))`` changes at the sites of ``text`` if its marks
    read as garbled (:func:`confident_share` ≥ :data:`MIN_SHARE` over at least :data:`MIN_SITES`
    sites), where the LM prefers another mark by more than ``min_gain``; none otherwise."""
    judged = {offset: best_other(lm, text, offset) for offset in sites(text, protected)}
    if len(judged) < MIN_SITES or confident_share([gain for gain, _ in judged.values()]) < MIN_SHARE:
        return []
    found = [(offset, *(judged.get(offset) or best_other(lm, text, offset)))
             for offset in sites(text, protected, running=True)]  # the Han sites are scored already
    return [(offset, text[offset], mark, 1.0, (SOURCE,)) for offset, gain, mark in found if gain > min_gain]
