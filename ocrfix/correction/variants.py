"""The variant stage: traditional forms the engine wrote into simplified text, put back.

Each character of the variant table (:mod:`ocrfix.confusions.variants`) outside protected spans
is replaced by its simplified form where the LM prefers that form, in the characters around it,
by more than :data:`MIN_MARGIN` (log10). Left to right, so that each decision sees the
replacements before it. Margins on the training months of the news corpora
(``python -m benchmarks.variants`` reports the held-out figures): injected traditional forms
gained 3.7 or more in 99 % of 300 cases (median 10); the 39 traditional forms print really has
there (names such as 梁靖崑 and 李仕傑, 虎鎣, 赵孟頫) scored below 0.7, except four that were
themselves typos of the source (检査, 乱丟), which gained 1.9 to 6.9. Over all training corpora
(47 M characters) the 14 forms above the margin were all slips of the source (检査, 以來, 焦裕祿).
A form next to another traditional form is left alone (:func:`_in_run`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from .features import LanguageModel
from .rules import replacement_gain

MIN_MARGIN = 3.0
SOURCE = "variant"
#: Characters either side handed to the LM (more than :func:`~.rules.replacement_gain` reads: it
#: skips whitespace).
WINDOW = 16


def variant_changes(text: str, variants: Mapping[str, str], lm: LanguageModel, protected: Sequence[bool],
                    min_margin: float = MIN_MARGIN) -> list[tuple[int, str, str, float, tuple[str, ...]]]:
    """``(offset, traditional, simplified, 1.0, ("variant",))`` changes of ``text``; ``protected``
    flags the characters never to change (keep-list words, URLs)."""
    changes = []
    working = list(text)
    for offset, char in enumerate(text):
        simplified = variants.get(char)
        if simplified is None or protected[offset] or _in_run(text, offset, variants):
            continue
        start = max(0, offset - WINDOW)
        window = "".join(working[start:offset + WINDOW + 1])
        if replacement_gain(lm, window, offset - start, 1, simplified) > min_margin:
            working[offset] = simplified
            changes.append((offset, char, simplified, 1.0, (SOURCE,)))
    return changes


def _in_run(text: str, offset: int, variants: Mapping[str, str]) -> bool:
    """True if a neighbour of ``text[offset]`` is a traditional form too: print sets runs of them
    on purpose (a dialect word such as 孃孃, a quoted title); the engines' slips come one at a time."""
    return (offset > 0 and text[offset - 1] in variants) or (offset + 1 < len(text) and text[offset + 1] in variants)
