"""Evaluation of OCR / corrected text against ground truth: CER, unmatched blocks, correction scores.

Never imports the corrector, so it can judge any tool's output. See :mod:`.align` for the
block-robust alignment, :mod:`.metrics` for the definitions of the figures.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .align import Alignment, Span, align
from .errata import Erratum, Occurrence, apply_errata, load_errata
from .metrics import Counts, ThreeWay, count, errors_in, three_way
from .profile import Doc, to_doc
from .stories import StoryScores, story_scores

__all__ = [
    "Alignment", "Erratum", "EvalReport", "align", "aligned_pairs", "confusion_counts",
    "evaluate", "load_errata", "to_doc",
]

PREVIEW_CHARS = 30


def preview(text: str) -> str:
    """A short preview of an unmatched run: its start, and its length when cut."""
    if len(text) <= PREVIEW_CHARS:
        return text
    return f"{text[:PREVIEW_CHARS]}… ({len(text)} chars)"


@dataclass(frozen=True)
class ErratumEffect:
    erratum: Erratum
    occurrences: int
    errors_before: int
    errors_after: int

    def to_dict(self) -> dict:
        return {
            "gt": self.erratum.wrong, "corrected": self.erratum.right, "occurrences": self.occurrences,
            "errors_before": self.errors_before, "errors_after": self.errors_after,
            "resolved": self.errors_before - self.errors_after,
        }


@dataclass(frozen=True)
class EvalReport:
    """Scores of one hypothesis (and optionally the raw OCR it came from) against ground truth."""

    profile: str
    counts: Counts
    gt_chars: int
    hyp_chars: int
    unmatched_gt_chars: int
    unmatched_hyp_chars: int
    unmatched_gt_blocks: tuple[str, ...]
    unmatched_hyp_blocks: tuple[str, ...]
    ocr_counts: Counts | None = None
    correction: ThreeWay | None = None
    errata: tuple[ErratumEffect, ...] = ()
    #: Story purity, contiguity and order when the GT has stories (see :mod:`.stories`).
    stories: StoryScores | None = None
    alignment: Alignment | None = field(default=None, compare=False, repr=False)
    ocr_alignment: Alignment | None = field(default=None, compare=False, repr=False)

    @property
    def cer(self) -> float:
        """Errors per matched GT character (text present in both documents)."""
        return _rate(self.counts.errors, self.counts.matched_gt_chars)

    @property
    def cer_all(self) -> float:
        """(matched errors + unmatched GT chars + unmatched HYP chars) / all GT chars."""
        return _rate(self.counts.errors + self.unmatched_gt_chars + self.unmatched_hyp_chars, self.gt_chars)

    def to_dict(self) -> dict:
        out = {
            "profile": self.profile,
            "cer": round(self.cer, 6),
            "cer_all": round(self.cer_all, 6),
            "gt_chars": self.gt_chars,
            "hyp_chars": self.hyp_chars,
            "matched_gt_chars": self.counts.matched_gt_chars,
            "substitutions": self.counts.substitutions,
            "insertions": self.counts.insertions,
            "deletions": self.counts.deletions,
            "errors": self.counts.errors,
            "unmatched_gt_chars": self.unmatched_gt_chars,
            "unmatched_hyp_chars": self.unmatched_hyp_chars,
            "unmatched_gt_blocks": list(self.unmatched_gt_blocks),
            "unmatched_hyp_blocks": list(self.unmatched_hyp_blocks),
        }
        if self.correction is not None and self.ocr_counts is not None:
            c = self.correction
            out.update({
                "ocr_cer": round(_rate(self.ocr_counts.errors, self.ocr_counts.matched_gt_chars), 6),
                "errors_fixed": c.errors_fixed,
                "errors_introduced": c.errors_introduced,
                "errors_left": c.errors_left,
                "edits": c.edits,
                "ocr_errors": c.ocr_errors,
                "precision": round(c.precision, 6),
                "recall": round(c.recall, 6),
                "f1": round(c.f1, 6),
            })
        if self.errata:
            out["errata"] = [e.to_dict() for e in self.errata]
        if self.stories is not None:
            out["stories"] = self.stories.to_dict()
        return out


def _rate(errors: int, chars: int) -> float:
    if chars:
        return errors / chars
    return 0.0 if errors == 0 else 1.0


def _errata_effects(
    gt: Doc, hyp: Doc, errata: tuple[Erratum, ...], occurrences: list[Occurrence], corrected: Alignment
) -> tuple[ErratumEffect, ...]:
    original = align(gt, hyp)
    before: Counter[int] = Counter()
    after: Counter[int] = Counter()
    seen: Counter[int] = Counter()
    for occ in occurrences:
        seen[occ.erratum] += 1
        before[occ.erratum] += errors_in(original, occ.before)
        after[occ.erratum] += errors_in(corrected, occ.after)
    return tuple(ErratumEffect(e, seen[k], before[k], after[k]) for k, e in enumerate(errata))


def evaluate(
    gt: str,
    hyp: str,
    ocr: str | None = None,
    *,
    strict: bool = False,
    errata: tuple[Erratum, ...] | None = None,
) -> EvalReport:
    """Score ``hyp`` (and, three-way, the raw ``ocr`` it was made from) against ``gt``."""
    gt_doc, hyp_doc = to_doc(gt, strict), to_doc(hyp, strict)
    effects: tuple[ErratumEffect, ...] = ()
    if errata:
        fixed_doc, occurrences = apply_errata(gt_doc, errata, strict)
        al = align(fixed_doc, hyp_doc)
        effects = _errata_effects(gt_doc, hyp_doc, errata, occurrences, al)
        gt_doc = fixed_doc
    else:
        al = align(gt_doc, hyp_doc)
    ocr_al = align(gt_doc, to_doc(ocr, strict)) if ocr is not None else None
    return EvalReport(
        profile="strict" if strict else "default",
        counts=count(al),
        gt_chars=len(gt_doc.text),
        hyp_chars=len(hyp_doc.text),
        unmatched_gt_chars=al.unmatched_gt_chars,
        unmatched_hyp_chars=al.unmatched_hyp_chars,
        unmatched_gt_blocks=_previews(gt_doc.text, al.unmatched_gt),
        unmatched_hyp_blocks=_previews(hyp_doc.text, al.unmatched_hyp),
        ocr_counts=count(ocr_al) if ocr_al else None,
        correction=three_way(ocr_al, al) if ocr_al else None,
        errata=effects,
        stories=story_scores(gt, hyp),
        alignment=al,
        ocr_alignment=ocr_al,
    )


def _previews(text: str, spans: tuple[Span, ...]) -> tuple[str, ...]:
    return tuple(preview(text[a:b]) for a, b in spans)


def substitution_pairs(al: Alignment) -> list[tuple[str, str]]:
    """(gt_char, hyp_char) for every substituted GT position of an alignment."""
    return [(g, h) for g, h in zip(al.gt.text, al.hyp_at) if h and h != g]


def aligned_pairs(gt: str, ocr: str) -> list[tuple[str, str]]:
    """(gt_char, ocr_char) substitution pairs after block matching and character alignment (default profile)."""
    return substitution_pairs(align(to_doc(gt), to_doc(ocr)))


def confusion_counts(al: Alignment) -> list[tuple[str, str, int]]:
    """Substitution pairs with counts, most frequent first (the ``--confusions`` TSV rows)."""
    return [(g, h, n) for (g, h), n in Counter(substitution_pairs(al)).most_common()]
