"""Confused marks settled by the LM and the engine's mark channel.

Each mark of the OCR that the engine's :class:`~ocrfix.confusions.marks.MarkChannel` knows it
misreads, between a Han character and a Han character or an opening quote, is weighed against
the marks it may stand for: the noisy channel prefers mark ``t`` to the mark ``m`` read where

    LM gain of t over m (log10, "。" scored as a sentence break) + log10 P(t | m) / P(m | m)  >  MIN_MARGIN

(a ``。`` the engine reads for ``，`` 37 times in 1,111 needs the LM to prefer the comma by about
1.5 more than the margin; a ``·`` that stood for ``。`` 24 times in 55 needs far less). The mark
with the best score wins.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..confusions.marks import MarkChannel
from ..normalize import is_han
from .edits import Change
from .features import LanguageModel
from .line_marks import SPAN
from .rules import mark_scores

SOURCE = "rule:mark-channel"
#: Measured cross-fitted at this margin on the RapidOCR and Tesseract training pages
#: (``python -m benchmarks.ppocr_profile marks``, benchmarks/RESULTS.md).
MIN_MARGIN = 1.5


def eligible(text: str, offset: int) -> bool:
    """``text[offset]`` sits between a Han character and a Han character or an opening quote."""
    return 0 < offset < len(text) - 1 and is_han(text[offset - 1]) and (is_han(text[offset + 1]) or text[offset + 1] == "“")


def best_option(lm: LanguageModel, channel: MarkChannel, text: str, offset: int) -> tuple[float, str]:
    """(noisy-channel gain over the mark read, mark) of the best mark the channel offers for ``text[offset]``."""
    seen = text[offset]
    options = channel.options[seen]
    scores = mark_scores(lm, text, offset, 1, (seen, *options), SPAN)
    return max((scores[true] - scores[seen] + channel.log_odds(seen, true), true) for true in options)


def mark_changes(text: str, channel: MarkChannel, lm: LanguageModel, protected: Sequence[bool],
                 min_margin: float | None = None) -> list[Change]:
    """``(offset, mark, other mark, 1.0, (SOURCE,))`` changes of ``text`` where the best mark the
    channel offers beats the one read by more than ``min_margin`` (default :data:`MIN_MARGIN`)."""
    min_margin = MIN_MARGIN if min_margin is None else min_margin
    changes = []
    for offset, char in enumerate(text):
        if char in channel.options and not protected[offset] and eligible(text, offset):
            gain, mark = best_option(lm, channel, text, offset)
            if gain > min_margin:
                changes.append((offset, char, mark, 1.0, (SOURCE,)))
    return changes
