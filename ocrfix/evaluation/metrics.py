"""Counts over an :class:`~ocrfix.evaluation.align.Alignment`: CER and three-way correction scores.

Three-way scoring (raw OCR, corrected HYP, GT) works on GT positions matched in *both* alignments,
and on the gaps between them (insertions):

* position p: OCR wrong / HYP right -> fixed; OCR right / HYP wrong -> introduced;
  both wrong -> left (whether or not HYP changed it). An *edit* is a position where HYP differs
  from OCR; it is correct when it yields the GT character.
* gap k (text inserted before position p): with ``o`` OCR and ``h`` HYP inserted characters,
  ``left = min(len(o), len(h))``, ``fixed = len(o) - left``, ``introduced = len(h) - left``,
  and the edits made there are ``Levenshtein(o, h)``.

precision = fixed / edits, recall = fixed / OCR errors, F1 their harmonic mean.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from .align import Alignment, Span


@dataclass(frozen=True)
class Counts:
    substitutions: int
    deletions: int
    insertions: int
    matched_gt_chars: int

    @property
    def errors(self) -> int:
        return self.substitutions + self.deletions + self.insertions


@dataclass(frozen=True)
class ThreeWay:
    errors_fixed: int
    errors_introduced: int
    errors_left: int
    edits: int
    ocr_errors: int

    @property
    def precision(self) -> float:
        return self.errors_fixed / self.edits if self.edits else 0.0

    @property
    def recall(self) -> float:
        return self.errors_fixed / self.ocr_errors if self.ocr_errors else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def count(al: Alignment) -> Counts:
    """Substitutions, deletions, insertions (incl. stray HYP chars) on the matched GT text."""
    subs = dels = matched = 0
    for gt_char, hyp_char in zip(al.gt.text, al.hyp_at):
        if hyp_char is None:
            continue
        matched += 1
        if hyp_char == "":
            dels += 1
        elif hyp_char != gt_char:
            subs += 1
    return Counts(subs, dels, sum(map(len, al.inserted)) + al.stray, matched)


def errors_in(al: Alignment, span: Span) -> int:
    """Errors on GT positions span[0]..span[1]-1 and in the gaps at both ends and between them."""
    start, end = span
    wrong = sum(1 for p in range(start, end) if al.hyp_at[p] is not None and al.hyp_at[p] != al.gt.text[p])
    return wrong + sum(len(al.inserted[k]) for k in range(start, end + 1))


def three_way(ocr: Alignment, hyp: Alignment) -> ThreeWay:
    """Correction scores of HYP against raw OCR, both aligned onto the same GT (module docstring)."""
    gt = ocr.gt.text
    fixed = introduced = left = edits = ocr_errors = 0
    for p, gt_char in enumerate(gt):
        o, h = ocr.hyp_at[p], hyp.hyp_at[p]
        if o is None or h is None:
            continue
        ocr_ok, hyp_ok = o == gt_char, h == gt_char
        ocr_errors += not ocr_ok
        edits += o != h
        fixed += hyp_ok and not ocr_ok
        introduced += ocr_ok and not hyp_ok
        left += not ocr_ok and not hyp_ok
    for k in range(len(gt) + 1):
        o_ins, h_ins = ocr.inserted[k], hyp.inserted[k]
        if o_ins == h_ins == "" or not _gap_matched(ocr, hyp, k):
            continue
        both = min(len(o_ins), len(h_ins))
        ocr_errors += len(o_ins)
        left += both
        fixed += len(o_ins) - both
        introduced += len(h_ins) - both
        edits += Levenshtein.distance(o_ins, h_ins)
    return ThreeWay(fixed, introduced, left, edits, ocr_errors)


def _gap_matched(ocr: Alignment, hyp: Alignment, k: int) -> bool:
    """A gap counts when a GT position next to it is matched in both alignments."""
    return any(
        0 <= p < len(ocr.hyp_at) and ocr.hyp_at[p] is not None and hyp.hyp_at[p] is not None for p in (k - 1, k)
    )
