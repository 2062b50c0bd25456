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
A form next to another traditional form is left alone (:func:`_in_run`), and so is every form of a
line written in traditional script (:func:`traditional_script`): there the forms are the writer's.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from .edits import Change, Overlay
from .features import LanguageModel
from .rules import replacement_gain

MIN_MARGIN = 3.0
SOURCE = "variant"
#: Characters either side handed to the LM (more than :func:`~.rules.replacement_gain` reads: it
#: skips whitespace).
WINDOW = 16


def variant_changes(text: str, variants: Mapping[str, str], simplified_forms: Collection[str], lm: LanguageModel,
                    protected: Sequence[bool], min_margin: float = MIN_MARGIN
                    ) -> list[Change]:
    """``(offset, traditional, simplified, 1.0, ("variant",))`` changes of ``text``; ``simplified_forms``:
    the characters traditional script writes otherwise (keys of :func:`ocrfix.confusions.variants.simplified_forms`);
    ``protected`` flags the characters never to change (keep-list words, URLs)."""
    changes = []
    working = Overlay(text)
    line_end, traditional = -1, False  # the end of the line last judged (its line break, or the text's end)
    for offset, char in enumerate(text):
        simplified = variants.get(char)
        if simplified is None or protected[offset] or _in_run(text, offset, variants):
            continue
        if offset > line_end:  # the first form of a line (rfind once a line: one endless line is not rescanned)
            line_start = text.rfind("\n", 0, offset) + 1
            found = text.find("\n", offset)
            line_end = len(text) if found < 0 else found
            traditional = traditional_script(text[line_start:line_end], variants, simplified_forms)
        if traditional:
            continue
        start = max(0, offset - WINDOW)
        window = working.window(start, offset + WINDOW + 1)
        if replacement_gain(lm, window, offset - start, 1, simplified) > min_margin:
            working[offset] = simplified
            changes.append((offset, char, simplified, 1.0, (SOURCE,)))
    return changes


def traditional_script(line: str, variants: Mapping[str, str], simplified_forms: Collection[str]) -> bool:
    """Whether ``line`` is written in traditional script: it has two traditional forms (keys of
    ``variants``) or more, and at least as many as ``simplified_forms`` (characters traditional script
    writes otherwise, :mod:`ocrfix.confusions.variants`: 们, 国, not 年). More than a quarter of the
    characters of simplified text are such forms (SIGHAN's training gold: 69,410 of 246,929 Han
    characters), so an engine's slips are outnumbered in any line of it: of the reflowed lines of the
    435 Tesseract, RapidOCR and PP-OCRv4 training and eval pages, the 2 that hold a traditional form
    hold 38 and 69 such forms. A lone form is a slip, as in a short line of simplified text
    (我們在北京工作). In text printed in traditional script they are rare (0.12–0.31 % of the
    characters of a month of news written by OpenCC's ``s2t``, ``s2tw`` or ``s2hk``: 里, 征, and the
    群 and 台 Taiwan and Hong Kong write), so its forms stay (no line of 1,500 of each taken for
    simplified); counting every character some variant simplifies to (年 for 秊) took 32 to 37 of
    them for simplified, and their forms were put into simplified script. Captions of Taiwanese and
    Hong Kong video are set in traditional script, and an engine reading them writes a simplified
    form here and there (FASPell's training lines: 沒 read as 没): this test keeps 88 of the 155
    traditional forms there, and none of the 13 whose right reading is the simplified one."""
    traditional = sum(char in variants for char in line)
    return traditional >= 2 and traditional >= sum(char in simplified_forms for char in line)


def _in_run(text: str, offset: int, variants: Mapping[str, str]) -> bool:
    """True if a neighbour of ``text[offset]`` is a traditional form too: print sets runs of them
    on purpose (a dialect word such as 孃孃, a quoted title); the engines' slips come one at a time."""
    return (offset > 0 and text[offset - 1] in variants) or (offset + 1 < len(text) and text[offset + 1] in variants)
