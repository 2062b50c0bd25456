"""A plain page CER for the generator's calibration (the benchmark itself uses ocrfix.evaluate).

Generated pages are OCR'd column by column in reading order, so a plain edit distance over the
whole page, after width folding and dropping whitespace, is a fair character error rate.
"""
from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from ocrfix.normalize import fold


def squeeze(text: str) -> str:
    """Width-folded text without whitespace."""
    return "".join(fold(text).split())


def edit_distance(gt: str, hyp: str) -> int:
    """Levenshtein distance of the two texts, whitespace ignored, widths folded."""
    return Levenshtein.distance(squeeze(gt), squeeze(hyp))


def plain_cer(gt: str, hyp: str) -> float:
    """Edit distance / ground-truth length, whitespace ignored, widths folded."""
    return edit_distance(gt, hyp) / max(1, len(squeeze(gt)))


def _at_source(src: str, other: str) -> tuple[list[str], int]:
    """For each position of ``src``, the character ``other`` has there ("" if deleted), and the
    number of characters ``other`` inserts (minimal edit script)."""
    at, inserted = list(src), 0
    for op, i, j in Levenshtein.editops(src, other):
        if op == "replace":
            at[i] = other[j]
        elif op == "delete":
            at[i] = ""
        else:
            inserted += 1
    return at, inserted


def sentence_counts(src: str, gold: str, hyp: str) -> dict[str, int]:
    """Character-level correction counts of one sentence pair, on source positions (the usual CSC
    definition; the sentences are already paired, so no block matching is needed):
    ``ocr_errors`` source positions the gold changes, ``edits`` positions the system changes,
    ``fixed`` edits that give the gold character, ``introduced`` edits of correct characters."""
    s, g, h = squeeze(src), squeeze(gold), squeeze(hyp)
    gold_at, gold_ins = _at_source(s, g)
    hyp_at, hyp_ins = _at_source(s, h)
    changed = [i for i in range(len(s)) if hyp_at[i] != s[i]]
    return {
        "gt_chars": len(g),
        "raw_errors": Levenshtein.distance(s, g),
        "errors": Levenshtein.distance(h, g),
        "ocr_errors": sum(a != b for a, b in zip(gold_at, s)) + gold_ins,
        "edits": len(changed) + hyp_ins,
        "fixed": sum(hyp_at[i] == gold_at[i] for i in changed),
        "introduced": sum(gold_at[i] == s[i] for i in changed) + hyp_ins,
    }
