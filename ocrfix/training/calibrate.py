"""Calibrate the corrector's thresholds on calibration pages (cross-fit models, training data only).

The decoder runs once per text at the lowest threshold tried; every edit keeps its calibrated
probability and its verdict against the truth (:class:`CalibrationText`). Thresholds are then
tried by filtering those edits (the greedy decoder accepts edits best first, so this matches
separate runs up to interactions):

* :func:`threshold_curve` / :func:`choose_threshold`: the one threshold for every text — the
  lowest from which on the corrector fixes at least ``min_ratio`` errors per error it introduces
  on the noisy pages and changes at most one character per ``clean_chars_per_change`` of clean text;
* :func:`noisy_curve` / :func:`choose_noisy_threshold`: the second-pass threshold on texts the
  first pass finds to be noisy scans (:class:`~ocrfix.correction.score.NoisyPages`): the lowest
  from which on the pages so classified keep the fix ratio and a share ``min_precision`` of
  edits that fix an error, while the clean texts (of which a noisy-looking one gets the same
  second pass) stay within the same clean-text budget;
* :func:`sparse_curve` / :func:`choose_sparse_threshold`: the mirror, the threshold above the
  first-pass one on texts the first pass finds to read like clean print
  (:class:`~ocrfix.correction.score.SparsePages`): the lowest from which on a share
  ``min_precision`` of the edits on pages so classified fix an error. Those pages are mostly
  clean print with rare misreadings (:func:`~ocrfix.training.fit.clean_print_examples`): the
  training pages, all scans with errors everywhere, seldom look clean, and clean text alone has
  no error to fix;
* :func:`choose_gate`: with a domain LM, the :class:`~ocrfix.correction.score.DomainGate` — the
  threshold on text unlike the domain's, where the domain's correct lines keep the clean-text
  budget — which the curves above then apply per text.
"""
from __future__ import annotations

import sys
from typing import Callable, NamedTuple, Sequence

import numpy as np
from tqdm import tqdm

from ..normalize import fold_char, is_han
from ..correction.corrector import BLOCK_CHARS, Corrector
from ..correction.edits import Edit
from ..correction.variants import SOURCE as VARIANT
from ..correction.score import DomainGate, NoisyPages, SparsePages
from .truth import tally

#: The thresholds tried: 0.025 apart up to 0.95, then 0.005 apart, where the clean-print curve is
#: steep (RESULTS.md, the finer-grid fit: from 0.95 to 0.975 its fixes fell from 429 to 178).
THRESHOLDS = tuple(sorted({round(float(t), 3) for t in np.arange(0.3, 0.95, 0.025)}
                          | {round(float(t), 3) for t in np.arange(0.95, 0.996, 0.005)} | {0.998}))
#: Share of the domain's own unseen texts (the cross-fit's) whose domain share falls below the
#: :class:`~ocrfix.correction.score.DomainGate`'s: the recall the gate may cost on the domain. Whole
#: blocks are held to this one; for single texts (lines) the calibration chooses among
#: :data:`GATE_QUANTILES`, as a line that reads least like the domain is also likelier to be
#: "corrected" wrongly: in a SIGHAN fit's cross-fit, the lines under the 20 % cutoff gave 1 false
#: edit per 7.6 fixes at 0.875, the others 1 per 15.2 (benchmarks/RESULTS.md, "Sentence fits: text
#: unlike the domain").
GATE_QUANTILE = 0.05
GATE_QUANTILES = (0.05, 0.1, 0.2)
#: Blocks (of the corrector's ``BLOCK_CHARS``) the cross-fit texts must fill for the gate's cutoff on
#: whole blocks; with fewer, whole blocks get the cutoff of single texts.
GATE_MIN_BLOCKS = 20


class CalibrationText(NamedTuple):
    """One calibration text decoded at a low threshold: its length, its LM edits as (probability,
    fixed, introduced, other) — the verdicts are 0/1, all 0 on clean text where every change is
    a false edit — and its pattern-stage changes (symbol rules, traditional forms: independent of the
    thresholds)."""

    chars: int
    edits: tuple[tuple[float, int, int, int], ...]
    rule_changes: int
    han_errors: int  # Han characters misread in the text (0 for clean text)
    logp: float = 0.0  # mean log10 P per token (Corrector.text_logp): how far the text is from the LM's domain
    domain_share: float | None = None  # the domain LM's share of it (Corrector.domain_share; None without one)


def calibration_texts(corrector: Corrector, texts: Sequence, clean: bool, low: float = min(THRESHOLDS)) -> list[CalibrationText]:
    """Decode ``texts`` (:class:`~ocrfix.training.fit.Labeled`, with per-character truth) at ``low``."""
    saved = corrector.threshold, corrector.noisy, corrector.sparse, corrector.domain_gate
    corrector.threshold, corrector.noisy, corrector.sparse, corrector.domain_gate = low, None, None, None
    out = []
    try:
        for ex in tqdm(texts, desc="clean" if clean else "calibrate", file=sys.stderr):
            edits = corrector.correct(ex.text, reflow=False).edits
            lm_edits = []
            for edit in edits:
                if not is_pattern_edit(edit):
                    verdict = tally(ex.truth, [edit])
                    lm_edits.append((edit.gain, verdict.fixed, verdict.introduced, verdict.other))
            han_errors = 0 if clean else sum(1 for ch, true in zip(ex.text, ex.truth)
                                             if true is not None and is_han(ch) and is_han(true) and fold_char(ch) != true)
            out.append(CalibrationText(len(ex.text), tuple(lm_edits), sum(map(is_pattern_edit, edits)), han_errors,
                                       corrector.text_logp(ex.text), corrector.domain_share(ex.text)))
    finally:
        corrector.threshold, corrector.noisy, corrector.sparse, corrector.domain_gate = saved
    return out


def is_pattern_edit(edit: Edit) -> bool:
    """Whether ``edit`` is a pattern stage's (a symbol rule's, the variant stage's), whose probability is a
    fixed 1.0 that no threshold withholds: a fit keeps or drops the stage as a whole (:mod:`.stages`), and
    counted among the LM's edits its errors would be charged to every threshold (a FASPell fit's 24 false
    traditional -> simplified changes on the lines' right versions left no threshold below 0.998 with 10
    fixes per error introduced). Nor are they the engine's channel, which self-training learns from the LM's
    edits alone."""
    return any(s.startswith("rule:") or s == VARIANT for s in edit.sources)


def _counts(texts: Sequence[CalibrationText], thresholds: Sequence[float]) -> np.ndarray:
    """Per text: (fixed, introduced, other, edits) of the LM edits at or above its threshold."""
    out = np.zeros((len(texts), 4), dtype=np.int64)
    for row, (text, t) in enumerate(zip(texts, thresholds)):
        for p, fixed, introduced, other in text.edits:
            if p >= t:
                out[row] += (fixed, introduced, other, 1)
    return out


def _gated(texts: Sequence[CalibrationText], t: float, gate: DomainGate | None) -> list[float]:
    """Per text, its threshold when the corrector's is ``t``: at least the ``gate``'s floor."""
    return [t if gate is None else max(t, gate.floor(x.domain_share, x.chars)) for x in texts]


def threshold_curve(noisy: Sequence[CalibrationText], clean: Sequence[CalibrationText],
                    thresholds: Sequence[float] = THRESHOLDS, gate: DomainGate | None = None) -> list[dict[str, float]]:
    """LM edits fixed / introduced / other on ``noisy`` and LM changes of ``clean`` at each threshold
    (the symbol rules' changes of clean text, the same in every row, use up the same budget);
    with a ``gate``, texts unlike the domain held to its threshold."""
    curve = []
    for t in thresholds:
        fixed, introduced, other, _ = _counts(noisy, _gated(noisy, t, gate)).sum(axis=0)
        curve.append({"threshold": t, "fixed": int(fixed), "introduced": int(introduced), "other": int(other),
                      "han_errors": sum(x.han_errors for x in noisy),
                      "clean_changed": int(_counts(clean, _gated(clean, t, gate))[:, 3].sum()),
                      "clean_rule_changed": sum(x.rule_changes for x in clean),
                      "clean_chars": sum(x.chars for x in clean)})
    return curve


def choose_gate(texts: Sequence[CalibrationText], correct: Sequence[CalibrationText], clean_chars_per_change: float,
                thresholds: Sequence[float] = THRESHOLDS, block_chars: int = BLOCK_CHARS,
                quantile: float = GATE_QUANTILE) -> DomainGate | None:
    """The domain gate of a profile with a domain LM: the share below which ``quantile`` of the
    cross-fit ``texts`` (the domain's own, each scored with a domain LM that never saw it) fall
    (and :data:`GATE_QUANTILE` of the texts pooled into blocks of ``block_chars``, for whole blocks), and the lowest threshold from which on the LM changes at most one character per
    ``clean_chars_per_change`` of the ``correct`` texts (the domain's correct lines: in-domain,
    the pairs tell the error rate the fixed / introduced ratio weighs; elsewhere nothing does, so
    the clean-text budget holds there); None without domain shares or correct text."""
    scored = [x for x in texts if x.domain_share is not None]
    if not scored or not correct:
        return None
    chars = sum(x.chars for x in correct)
    changed = [int(_counts(correct, [t] * len(correct))[:, 3].sum()) for t in thresholds]
    lowest = _lowest_passing([{"changed": n} for n in changed], lambda row: row["changed"] * clean_chars_per_change <= chars)
    blocks = pooled_shares(scored, block_chars)
    return DomainGate(round(float(np.quantile([x.domain_share for x in scored], quantile)), 4), float(thresholds[lowest]),
                      round(float(np.quantile(blocks, GATE_QUANTILE)), 4) if len(blocks) >= GATE_MIN_BLOCKS else None,
                      block_chars)


def choose_gated(noisy: Sequence[CalibrationText], clean: Sequence[CalibrationText], gates: Sequence[DomainGate | None],
                 min_ratio: float, clean_chars_per_change: float) -> tuple[list[dict[str, float]], float, DomainGate | None]:
    """(curve, threshold, gate) of the one of ``gates`` whose curve fixes the most at its threshold
    (:func:`choose_threshold`; on a tie the first)."""
    tried = []
    for gate in dict.fromkeys(gates):
        curve = threshold_curve(noisy, clean, gate=gate)
        threshold = choose_threshold(curve, min_ratio, clean_chars_per_change)
        tried.append((next(r["fixed"] for r in curve if r["threshold"] == threshold), curve, threshold, gate))
    _, curve, threshold, gate = max(tried, key=lambda option: option[0])
    return curve, threshold, gate


def pooled_shares(texts: Sequence[CalibrationText], block_chars: int) -> list[float]:
    """The domain shares of ``texts`` pooled in order into blocks of at least ``block_chars``
    characters (as the corrector groups a long text's sentences), each text weighted by its
    length; a last, shorter block is left out."""
    out, weighted, chars = [], 0.0, 0
    for text in texts:
        weighted, chars = weighted + text.domain_share * text.chars, chars + text.chars
        if chars >= block_chars:
            out.append(weighted / chars)
            weighted, chars = 0.0, 0
    return out


def _clean_ok(row: dict[str, float], clean_chars_per_change: float) -> bool:
    return (row["clean_changed"] + row.get("clean_rule_changed", 0)) * clean_chars_per_change <= row["clean_chars"]


def choose_threshold(curve: Sequence[dict[str, float]], min_ratio: float, clean_chars_per_change: float,
                     keep_fixes: float = 0.99) -> float:
    """The lowest threshold from which on both precision targets hold (clean-text changes by the
    LM and by the symbol rules together) at every higher threshold
    too (a dip above it would mean the curve is noise there), then moved up the curve as long as
    it keeps ``keep_fixes`` of that threshold's fixes: a flat stretch of the curve costs nothing
    on the calibration pages and buys margin on unseen text. The highest tried if none qualifies."""
    def ok(row: dict[str, float]) -> bool:
        return row["fixed"] >= min_ratio * row["introduced"] and _clean_ok(row, clean_chars_per_change)

    lowest = _lowest_passing(curve, ok)
    fixes = curve[lowest]["fixed"]
    chosen = lowest
    while chosen + 1 < len(curve) and curve[chosen + 1]["fixed"] >= keep_fixes * fixes:
        chosen += 1
    return float(curve[chosen]["threshold"])


def _lowest_passing(curve: Sequence[dict[str, float]], ok) -> int:
    """Index of the lowest row from which on every row passes ``ok`` (the last row if none)."""
    lowest = len(curve) - 1
    for index in range(len(curve) - 1, -1, -1):
        if not ok(curve[index]):
            break
        lowest = index
    return lowest


def _classified(texts: Sequence[CalibrationText], first_threshold: float, rule: Callable[[int, int], bool]) -> np.ndarray:
    """Per text: whether ``rule(first-pass edits, chars)`` holds, the first pass being its edits at ``first_threshold``."""
    first = _counts(texts, [first_threshold] * len(texts))[:, 3]
    return np.asarray([rule(int(n), text.chars) for n, text in zip(first, texts)], dtype=bool)


def noisy_curve(noisy: Sequence[CalibrationText], clean: Sequence[CalibrationText], first_threshold: float, density: float,
                min_edits: int, thresholds: Sequence[float] = THRESHOLDS) -> list[dict[str, float]]:
    """At each second-pass threshold below ``first_threshold``: which texts the first pass (at ``first_threshold``)
    finds noisy by the rule (``density``, ``min_edits``), and the counts with the second pass on
    those: fixed / introduced / other on the noisy-classified calibration pages, fixed on all of
    them, and the clean texts' changes (those classified noisy included)."""
    rule = NoisyPages(density, min_edits, first_threshold)
    noisy_pages, noisy_clean = (_classified(texts, first_threshold, rule.is_noisy).tolist() for texts in (noisy, clean))
    curve = []
    for t in (t for t in thresholds if t < first_threshold):
        pages = _counts(noisy, [t if flag else first_threshold for flag in noisy_pages])
        on_noisy = pages[np.asarray(noisy_pages, dtype=bool)].sum(axis=0) if any(noisy_pages) else np.zeros(4, dtype=np.int64)
        changed = _counts(clean, [t if flag else first_threshold for flag in noisy_clean])[:, 3].sum()
        curve.append({"threshold": t, "noisy_pages": sum(noisy_pages), "pages": len(noisy),
                      "fixed": int(on_noisy[0]), "introduced": int(on_noisy[1]), "other": int(on_noisy[2]),
                      "fixed_all_pages": int(pages[:, 0].sum()), "clean_noisy": sum(noisy_clean),
                      "clean_changed": int(changed), "clean_rule_changed": sum(x.rule_changes for x in clean),
                      "clean_chars": sum(x.chars for x in clean)})
    return curve


def choose_noisy_threshold(curve: Sequence[dict[str, float]], first_threshold: float, min_ratio: float, min_precision: float,
                           clean_chars_per_change: float) -> float:
    """The lowest second-pass threshold from which on (up to ``first_threshold``) the noisy-classified pages
    fix at least ``min_ratio`` errors per error introduced, at least ``min_precision`` of their
    edits fix an error, and the clean texts stay within the budget; ``first_threshold`` (no second pass
    in effect) if none qualifies."""
    def ok(row: dict[str, float]) -> bool:
        edits = row["fixed"] + row["introduced"] + row["other"]
        return (row["fixed"] >= min_ratio * row["introduced"] and row["fixed"] >= min_precision * edits
                and _clean_ok(row, clean_chars_per_change))

    if not curve or not ok(curve[-1]):
        return first_threshold
    return float(curve[_lowest_passing(curve, ok)]["threshold"])


def sparse_curve(pages: Sequence[CalibrationText], clean: Sequence[CalibrationText], first_threshold: float, density: float,
                 thresholds: Sequence[float] = THRESHOLDS) -> list[dict[str, float]]:
    """At each threshold from ``first_threshold`` up: which texts the first pass (at ``first_threshold``) finds
    sparse (fewer than ``density`` edits per 1,000 characters, :meth:`SparsePages.counted`), and with that threshold on them
    the edits on the sparse ``pages`` (texts with errors: fixed / introduced / other), the fixes
    on all of them, and the changes of the sparse ``clean`` texts."""
    curve = []
    for t in (t for t in thresholds if t >= first_threshold):
        rule = SparsePages(density, t)  # far from the LM's domain only the first-pass edits that reach t count
        sparse_pages, sparse_clean = (np.asarray([rule.is_sparse(rule.counted([p for p, *_ in x.edits if p >= first_threshold],
                                                                              x.logp, x.chars), x.chars) for x in texts], dtype=bool)
                                      for texts in (pages, clean))
        counts = _counts(pages, np.where(sparse_pages, t, first_threshold))
        on_sparse = counts[sparse_pages].sum(axis=0)
        curve.append({"threshold": t, "sparse_pages": int(sparse_pages.sum()), "pages": len(pages),
                      "han_errors": sum(x.han_errors for x, flag in zip(pages, sparse_pages) if flag),
                      "fixed": int(on_sparse[0]), "introduced": int(on_sparse[1]), "other": int(on_sparse[2]),
                      "fixed_all_pages": int(counts[:, 0].sum()), "clean_sparse": int(sparse_clean.sum()),
                      "clean_changed": int(_counts(clean, [t] * len(clean))[sparse_clean, 3].sum()),
                      "clean_chars": sum(x.chars for x in clean)})
    return curve


def choose_sparse_threshold(curve: Sequence[dict[str, float]], first_threshold: float, min_precision: float) -> float:
    """The lowest threshold (from ``first_threshold`` up) from which on at least ``min_precision`` of the
    edits on the sparse-classified pages fix an error (no edit at all passes too); ``first_threshold`` if
    the curve is empty."""
    def ok(row: dict[str, float]) -> bool:
        return row["fixed"] >= min_precision * (row["fixed"] + row["introduced"] + row["other"])

    return float(curve[_lowest_passing(curve, ok)]["threshold"]) if curve else first_threshold
