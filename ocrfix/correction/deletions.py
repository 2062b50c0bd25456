"""The deletion stage: characters the engine added where print has none, taken out again.

Tesseract reads specks and rules as characters: a ``和`` or ``人`` where print has nothing, a
doubled ``的的``, a second mark beside a mark. A Han character or a mark is a candidate where the
length channel (:mod:`ocrfix.confusions.length`) says the engine adds it often enough
(:data:`SITE_GATE`), was seen adding it at least :data:`MIN_EVIDENCE` times, and more often for
nothing than for another character (a ``*`` is a misread ``。``, left to the symbol rules and the
decoder) — or a Han character doubling the one before it (a common one, :data:`COMMON`). Both its
neighbours must be Chinese (Han or full-width marks); a mark must stand next to another mark
(``，，``, ``,，``): between two words the LM cannot tell a stray comma from an optional one
(掩盖，历史真相 reads better to it without). Symbols (a stray ``|``, ``_``) are left to the symbol
rules, whose guards know where a web headline uses ``|`` as a separator. It is deleted
where the noisy channel prefers the text without it::

    LM gain of deleting (log10) + log10 odds that the engine added it  >  MIN_MARGIN

Left to right, so that each decision sees the deletions before it. A doubled character is left
alone in an AABB word (的的确确) and where the news writes the double itself (谢谢, 常常, 天天, 人人:
log10 P(c | c) of the LM at least :data:`REDUPLICATION`); the LM judges the rest in context
(他说的的确是 keeps both 的: deleting one gains 3.6, less than the double's odds of -1.3 make up).

:data:`MIN_MARGIN` from ``python -m benchmarks.length_classes deletions`` on training pages with
rates learned from other training pages (benchmarks/RESULTS.md, "Length errors").
"""
from __future__ import annotations

from collections.abc import Sequence

from ..confusions.length import LengthRates
from ..normalize import fold_char, is_cjk_punct, is_han
from .edits import Change, Overlay
from .features import LanguageModel
from .rules import replacement_gain

SOURCE = "deletion"
#: Only characters the engine adds with log10 odds of at least this (about 1 in 300 of their
#: readings) are weighed: the rest cost LM calls and never clear the margin.
SITE_GATE = -2.5
MIN_MARGIN = 4.0
#: Times the engine must have been seen adding a character: a rare character read once where
#: the alignment of a noisy line found nothing (笠 for 湿) is not evidence of a habit.
MIN_EVIDENCE = 3
#: Only characters at least this frequent (log10 unigram probability: 的 -2.5, 在 -2.7) are weighed
#: as doubles; names double rare ones (绾 -5.8, 柒 -5.6, 卉 -5.2; on LEMON's novels and encyclopedia text).
COMMON = -4.0
#: Doubles at least this probable to the LM (log10 P(c | c), no other context) are reduplications
#: of the language: 谢谢 -1.7, 常常 -1.4, 天天 -2.1, 人人 -2.4; the engine's doubles 的的 -3.5, 在在 -3.7.
REDUPLICATION = -2.5
#: Characters either side handed to the LM (:func:`~.rules.replacement_gain` reads 4 of them).
WINDOW = 8


def _chinese(ch: str | None) -> bool:
    return ch is not None and (is_han(ch) or is_cjk_punct(ch))


def _mark(ch: str | None) -> bool:
    """A punctuation mark, full- or half-width."""
    return ch is not None and (is_cjk_punct(fold_char(ch)) or is_cjk_punct(ch) or fold_char(ch) in ",.;:!?\"'")


def _rare(lm: LanguageModel, char: str) -> bool:
    """A character the engine's doubles are not made of: names double rare characters (慕绾绾, 苏柒柒)
    that the LM never saw doubled."""
    return lm.score_tokens([char], bos=False, eos=False) < COMMON


def _reduplication(lm: LanguageModel, text: str, offset: int) -> bool:
    """``text[offset]`` doubles the character before it in a word the language doubles (see
    :data:`REDUPLICATION`) or inside an AABB word."""
    char = text[offset]
    return _aabb(text, offset) or (lm.score_tokens([char, char], bos=False, eos=False)
                                   - lm.score_tokens([char], bos=False, eos=False)) >= REDUPLICATION


def _aabb(text: str, offset: int) -> bool:
    """``text[offset]`` doubles the character before it inside an AABB word (高高兴兴 or 高高兴兴's BB)."""
    return (offset + 2 < len(text) and text[offset + 1] == text[offset + 2] != text[offset]) or (
        offset >= 3 and text[offset - 3] == text[offset - 2] != text[offset])


def deletion_changes(text: str, rates: LengthRates, lm: LanguageModel, protected: Sequence[bool],
                     min_margin: float | None = None) -> list[Change]:
    """``(offset, char, "", 1.0, ("deletion",))`` changes of ``text``; ``protected`` flags the
    characters never to change (keep-list words, URLs, runs of one character); ``min_margin``
    default :data:`MIN_MARGIN`."""
    min_margin = MIN_MARGIN if min_margin is None else min_margin
    changes = []
    working = Overlay(text)  # deleted characters become ""
    for offset, char in enumerate(text):
        if char.isspace() or protected[offset]:
            continue
        left, right = working.neighbour(offset, -1), working.neighbour(offset, 1)
        if not (_chinese(left) and _chinese(right)) or not (is_han(char) or _mark(char) and (_mark(left) or _mark(right))):
            continue
        doubled = is_han(char) and left == char  # a doubled mark (……, ——) is how print sets it
        if doubled and (_rare(lm, char) or _reduplication(lm, text, offset)):
            continue
        odds = rates.extra_odds(char, doubled)
        if odds < SITE_GATE or (not doubled and not rates.known_extra(char, MIN_EVIDENCE)):
            continue
        before = working.window(max(0, offset - WINDOW), offset)
        window = before + text[offset:offset + WINDOW + 1]
        if replacement_gain(lm, window, len(before), 1, "") + odds > min_margin:
            working[offset] = ""
            changes.append((offset, char, "", 1.0, (SOURCE,)))
    return changes
