"""Which characters of an OCR text are wrong, and what they should be (for fitting and measuring).

:func:`position_truth` aligns the OCR text with its ground truth (whitespace ignored, width
folded, rapidfuzz Levenshtein opcodes) and gives, for every OCR character, the ground-truth
character it stands for — or ``None`` where the alignment is not one-to-one (insertions,
deletions, unequal replacements), so such positions are neither positives nor negatives.
:func:`page_truth` does the same for a page whose ground truth may hold its blocks in another
order, or text the page lacks (a web version, the stories of a whole page): stretch by stretch, as
the evaluation's block-robust aligner matches them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from rapidfuzz.distance import Levenshtein

from ..normalize import fold_char
from ..correction.edits import Edit


def _visible(text: str) -> tuple[str, list[int]]:
    chars, index = [], []
    for pos, ch in enumerate(text):
        if not ch.isspace():
            chars.append(fold_char(ch))
            index.append(pos)
    return "".join(chars), index


def position_truth(ocr: str, gt: str) -> list[str | None]:
    """Per character of ``ocr``: the aligned ground-truth character (folded), or ``None``."""
    truth: list[str | None] = [None] * len(ocr)
    a, a_index = _visible(ocr)
    b, _ = _visible(gt)
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, b):
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                truth[a_index[i1 + k]] = b[j1 + k]
    return truth


def matched_stretches(ocr: str, gt: str) -> tuple[str, list[tuple[int, str, str]]]:
    """``ocr``'s characters as the evaluation reads them (whitespace removed, widths not folded), and per
    stretch the block-robust aligner (:func:`ocrfix.evaluation.align.align`) matched, in the OCR's order:
    its offset in those characters, its OCR and its ground-truth characters."""
    from ..evaluation.align import align
    from ..evaluation.profile import to_doc

    hyp_doc, gt_doc = to_doc(ocr), to_doc(gt)
    shown, gt_shown = hyp_doc.shown or hyp_doc.text, gt_doc.shown or gt_doc.text
    return shown, [(h0, shown[h0:h1], gt_shown[g0:g1]) for (g0, g1), (h0, h1) in align(gt_doc, hyp_doc).regions]


def page_truth(ocr: str, gt: str, aligned: Callable[[str, str], list[str | None]] = position_truth) -> list[str | None]:
    """``aligned`` (default :func:`position_truth`: per character of an OCR text without whitespace, its
    ground-truth character or ``None``) of each of the :func:`matched_stretches` of ``ocr`` and ``gt``;
    ``None`` outside them (text the ground truth lacks). A single alignment of the two streams pairs a block
    out of place with whatever stands there: on 30 whole pages of several stories it marked 617
    characters misread where the evaluation finds 65 substitutions."""
    index = [pos for pos, ch in enumerate(ocr) if not ch.isspace()]
    shown, stretches = matched_stretches(ocr, gt)
    if len(shown) != len(index):  # characters the evaluation reads as layout (zero-width): no shared positions
        stretches = [(0, "".join(ocr.split()), gt)]
    truth: list[str | None] = [None] * len(ocr)
    for start, read, true_text in stretches:
        for k, true in enumerate(aligned(read, true_text)):
            truth[index[start + k]] = true
    return truth


@dataclass(frozen=True)
class EditTally:
    fixed: int  # wrong character replaced by the right one
    introduced: int  # right character replaced by a wrong one
    other: int  # wrong -> another wrong, or not alignable


def tally(truth: Sequence[str | None], edits: Sequence[Edit]) -> EditTally:
    """Classify substitution edits against the truth of their input positions."""
    fixed = introduced = other = 0
    for edit in edits:
        true = truth[edit.input_offset] if len(edit.original) == 1 else None
        if true is not None and fold_char(edit.original) == true:
            introduced += 1
        elif true is not None and len(edit.replacement) == 1 and fold_char(edit.replacement) == true:
            fixed += 1
        else:
            other += 1
    return EditTally(fixed, introduced, other)
