"""``ocrfix fit``: an engine profile fitted on a user's own OCR / ground-truth pairs.

What a digitization team has is a few dozen pages it corrected by hand, or a file of corrected
lines; this turns them into a profile directory (:mod:`ocrfix.profiles`) for ``ocrfix correct
--profile DIR``. It needs only the shipped LM and confusion sets and the pairs. Steps:

1. **Pairs** (:mod:`.pairs`): ``NAME.ocr.txt`` + ``NAME.gt.txt`` under directories (the GT
   may be a web version with its blocks in another order: pages are aligned with the evaluation's
   block-robust aligner), TSV files of ``n<TAB>ocr<TAB>gt`` or ``ocr<TAB>gt`` lines (FASPell), or
   two line-aligned files (``--pairs ERR GOLD``, SIGHAN). The pairs of every fifth distinct ground
   truth are held out (20 %, deterministic; copies of one text stay on one side): the profile is
   never fitted on them, and their before/after figures go on the card.
2. **Channel**: substitution pairs (true, seen) counted on the aligned training pairs, turned into
   P(seen | true) (Witten-Bell, :func:`~ocrfix.training.confusions.learn.channel_set`) and merged by
   noisy-OR with the shipped base sets, plus the engine's misread rates. The shipped pinyin set
   joins the base when it covers the learned errors markedly better (typing errors are sound-alikes).
3. **Pattern stages** (:mod:`.stages`), each kept only where it fixes more errors than it introduces on the training
   pairs, and at least :data:`~.stages.STAGE_RATIO` per error introduced: every symbol rule, chosen
   forward in their order of precedence; the marks lost at wrapped line ends, at the margin (log10 gain) that fixes the most; the deletion stage, with the engine's
   length channel (``ocrfix confusions length``) learned cross-fit; the mark-choice model with the engine's
   mark channel counted cross-fit (kept unless it introduces errors it does not pay for); the traditional-form stage.
4. **Weights**: the training pairs are split in two folds (by distinct ground truth); each fold is featurized and decoded
   with the channel learned on the other one (*cross-fit*: otherwise every learned pair would look
   certain). With enough misread sites a logistic regression (and boosted trees) is refitted on
   those rows; the refit replaces the shipped weights only if it fixes more at the calibrated
   threshold.
   With ``--domain-lm`` (:attr:`Options.domain_lm`) the decoder's LM is the news LM interpolated
   with a small LM of the pairs' own ground truth (and ``--clean`` text; :mod:`.lm.domain`, :mod:`ocrfix.lm.mixed`):
   each fold's domain LM is trained on the other fold's text only, and the interpolation weight is
   estimated by EM on the text its domain LM never saw, so the cross-fit sees the gain on new
   sentences of the domain, not a memory of the training ones.
5. **Thresholds** (:mod:`.calibrate`): the lowest from which on the cross-fit decoding fixes at least
   ``min_ratio`` errors per error it introduces and changes at most one character per
   ``clean_chars`` of clean text (the pairs' ground truth and any ``--clean`` text; without
   ``--clean``, the right version of every wrong line pair is a correct line whose changes count
   as introduced errors: :func:`.pairs.twin_lines`), and a lower
   second pass on texts the first pass finds noisy (with the shipped weights, their own second
   pass where it reaches lower).
6. **Held-out figures**, then the profile is written (:mod:`.profile_write`) to a temporary directory
   beside the output, checksummed and renamed into place: never a half-built profile.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

from tqdm import tqdm

from ..confusions import ConfusionSet, merge
from ..confusions.misread import MisreadRates
from ..correction.corrector import Corrector, load_confusions, load_lm
from ..correction.mark_choice import CONTEXT_FILE, MarkModel
from ..correction.score import NoisyPages, SparsePages, Weights
from ..confusions.variants import VARIANTS_FILE, load_variants
from ..errors import InputError
from ..lm.context import ContextIndex, context_path
from ..lm.mixed import MixedLM
from ..normalize import is_han
from ..profiles import SHIPPED_STAGES, load_profile
from ..settings import load_settings
from .calibrate import (GATE_QUANTILES, THRESHOLDS, CalibrationText, calibration_texts, choose_gate, choose_gated,
                        choose_noisy_threshold, noisy_curve)
from .confusions.learn import SOURCE as LEARNED, ChannelCounts, channel_set, misread_rates
from .fit import Labeled, featurize, fit_trees, fit_weights, row_weights
from .lm.domain import DomainLM, domain_lines, fold_domains
from .lm.train import DOMAIN_ORDER
from .pairs import (HOLDOUT_EVERY, Pair, alignable, channel_counts, clean_labeled, clean_texts, groups, labeled,
                    read_pairs, read_with_lm, score_text, split_held_out, squeeze, twin_lines)
from .stages import MARK_CHOICE_MARGIN, MARK_CHOICE_WEIGHT, Stages, choose_clean_print_marks, choose_stages

#: Misread characters the training pairs must hold at least: fewer cannot teach a channel.
MIN_ERRORS = 30
#: Misread sites whose truth is among the candidates needed to refit the weights (else the shipped ones
#: stay). Weights refitted on 20 Tesseract pages (467 such sites) fixed 61 % more on the cross-fit
#: pages than the shipped ones at the same threshold, but changed 6.9 Han characters per 10,000 of
#: clean text of other domains (LEMON) against 0.2 with the shipped weights (benchmarks/RESULTS.md,
#: "Fitted profiles"): a small fit's probabilities do not carry beyond its pages.
REFIT_POSITIVES = 2000
#: ... and to add boosted trees to the refit.
TREE_POSITIVES = 1500
#: The pinyin set joins the base when it raises the top-k coverage of the learned errors by this much.
PINYIN_GAIN = 0.05
#: Factors tried on the learned channel's scores before its noisy-OR merge with the base sets. Its
#: P(seen | true) of a frequent true character is small beside the base sets' look-alike scores, so
#: a learned pair can rank below the top k: on SIGHAN's held-out fifth, 204 misread characters whose
#: pair the channel had learned were not among the candidates (benchmarks/RESULTS.md, "Fitted profiles").
LEARNED_BOOSTS = (1.0, 3.0, 10.0, 30.0, 100.0)


@dataclass(frozen=True)
class BaseModels:
    """What the fit starts from: the LM, the base confusion sets, the weights and the inventory
    (the shipped ones by default; tests give tiny ones)."""

    lm: Path
    confusions: tuple[Path, ...]
    weights: Path
    inventory: frozenset[str] | None = None
    pinyin: Path | None = None  # optional extra base set for sound-alike errors
    misread: Path | None = None  # the base misread rates (for their overall rate when unsupervised)
    variants: Path | None = None  # the traditional -> simplified table (None: the shipped one)
    #: the mark-choice context model (None: a fitted profile has no mark-choice stage)
    mark_context: Path | None = None

    @classmethod
    def shipped(cls) -> "BaseModels":
        settings = load_settings()
        pinyin = settings.confusions_dir / "pinyin.tsv"
        return cls(settings.default_lm, (settings.confusions_dir / "default.tsv",), settings.models_dir / "corrector.json",
                   pinyin=pinyin if pinyin.is_file() else None, misread=settings.confusions_dir / "misread.tsv",
                   variants=settings.confusions_dir / VARIANTS_FILE, mark_context=settings.models_dir / CONTEXT_FILE)


@dataclass(frozen=True)
class Options:
    min_ratio: float = 15.0  # fixed per introduced error on the cross-fit calibration
    clean_chars: float = 15000.0  # clean characters per allowed change
    noisy_density: float = 4.0  # second pass on texts with this many first-pass edits per 1,000 characters
    noisy_min_edits: int = 3
    min_precision: float = 0.9
    harmless_weight: float = 0.1  # weight of a wrong candidate at a misread site (as train weights)
    seed: int = 1
    domain_lm: bool = False  # interpolate the news LM with an LM of the pairs' ground truth (and --clean text)


@dataclass(frozen=True)
class Figures:
    """Held-out before/after figures: errors are edit operations against the ground truth."""

    pairs: int
    chars: int
    errors_before: int
    errors_after: int
    fixed: int
    introduced: int

    def as_card(self) -> dict[str, float | int]:
        return {"pairs": self.pairs, "gt_chars": self.chars,
                "cer_before": round(self.errors_before / max(1, self.chars), 5),
                "cer_after": round(self.errors_after / max(1, self.chars), 5),
                "fixed": self.fixed, "introduced": self.introduced}

    def line(self) -> str:
        c = self.as_card()
        reduction = 1 - self.errors_after / max(1, self.errors_before)
        return (f"held out ({self.pairs} pairs, {self.chars:,} chars): CER {c['cer_before']:.4f} -> {c['cer_after']:.4f} "
                f"({reduction:.1%} fewer errors), fixed {self.fixed}, introduced {self.introduced}")


# ---- the pieces of a profile -------------------------------------------------------------

def coverage(base: ConfusionSet, pairs: Iterable[tuple[tuple[str, str], int]], k: int,
             inventory: frozenset[str] | None) -> float:
    """Share of the substitution occurrences (true, seen) whose true character is among the top
    ``k`` candidates (in the inventory) of the seen one."""
    hit = total = 0
    for (true, seen), n in pairs:
        total += n
        cands = [c.char for c in base.candidates(seen) if inventory is None or c.char in inventory][:k]
        hit += n * (true in cands)
    return hit / max(1, total)


def choose_base(base: BaseModels, counts: ChannelCounts, k: int, log: Callable[[str], None]) -> tuple[tuple[Path, ...], ConfusionSet]:
    """The base sets (and their merge): the shipped ones, plus the pinyin set where it covers the
    learned errors better by :data:`PINYIN_GAIN`."""
    paths = base.confusions
    merged = load_confusions(paths)
    if base.pinyin is not None:
        han = [(pair, n) for pair, n in counts.pairs.items() if is_han(pair[0]) and is_han(pair[1])]
        with_pinyin = merge([merged, ConfusionSet.load(base.pinyin)])
        before, after = (coverage(s, han, k, base.inventory) for s in (merged, with_pinyin))
        log(f"base confusion coverage of the training errors at k={k}: {before:.3f}, with the pinyin set {after:.3f}")
        if after >= before + PINYIN_GAIN:
            paths, merged = (*paths, base.pinyin), with_pinyin
    return paths, merged


@dataclass
class Fold:
    """One cross-fit fold: its texts (with truth), their clean ground truths, and a corrector whose
    channel was learned on the other fold."""

    noisy: list[Labeled]
    clean: list[Labeled]
    corrector: Corrector
    #: clean text (``--clean``) calibrated on this fold: the half its domain LM was not trained on
    extra_clean: list[Labeled] = dataclasses.field(default_factory=list)
    #: the right versions of this fold's line pairs (:func:`.pairs.twin_lines`), calibrated as texts without errors
    twins: list[Labeled] = dataclasses.field(default_factory=list)


@dataclass(frozen=True)
class Channel:
    """A learned channel ready for a corrector: the merged confusion set and the misread rates."""

    learned: ConfusionSet
    confusions: ConfusionSet
    misread: MisreadRates


def learn_channel(counts: ChannelCounts, base: ConfusionSet, boost: float = 1.0) -> Channel:
    """The channel of ``counts`` merged with ``base``, the learned scores multiplied by ``boost``
    (:func:`choose_boost`; capped at 1) before the noisy-OR."""
    learned = channel_set(counts)
    if boost != 1.0:
        learned = ConfusionSet.from_scores({ch: {c.char: boost * c.score for c in learned.candidates(ch)}
                                            for ch in learned.chars()}, LEARNED)
    return Channel(learned, merge([base, learned]), misread_rates(counts))


def choose_boost(half_counts: Sequence[ChannelCounts], base: ConfusionSet, k: int, inventory: frozenset[str] | None,
                 log: Callable[[str], None]) -> float:
    """The factor of :data:`LEARNED_BOOSTS` on the learned channel's scores whose merge with ``base``
    holds the most Han errors of each half among their seen character's top ``k`` candidates, the
    channel learned on the other half (cross-fit, as the weights are; on a tie the smaller factor)."""
    han = [[(pair, n) for pair, n in counts.pairs.items() if is_han(pair[0]) and is_han(pair[1])] for counts in half_counts]
    total = sum(n for errors in han for _, n in errors)
    covered = {}
    for boost in LEARNED_BOOSTS:
        merged = [learn_channel(half_counts[1 - number], base, boost).confusions for number in range(2)]
        covered[boost] = sum(coverage(merged[number], han[number], k, inventory) * sum(n for _, n in han[number])
                             for number in range(2)) / max(1, total)
    best = max(LEARNED_BOOSTS, key=lambda boost: (round(covered[boost], 4), -boost))
    log(f"learned channel, cross-fit coverage of the Han errors at k={k} by factor on its scores: "
        f"{', '.join(f'{b:g}: {c:.3f}' for b, c in covered.items())} -> {best:g}")
    return best


class Models:
    """The LM and context index, loaded once and shared by every corrector of a fit."""

    def __init__(self, base: BaseModels) -> None:
        self.base = base
        self.lm = load_lm(base.lm)
        self.weights = Weights.load(base.weights)
        self.context = ContextIndex.load(context_path(base.lm)) if "context" in self.weights.sources else None
        self.variants = load_variants(base.variants) if base.variants else {}
        self.mark_context = MarkModel.load_context(base.mark_context) if base.mark_context else None

    def corrector(self, channel: Channel, weights: Weights, stages: "Stages", lm=None) -> Corrector:
        """A corrector with ``channel``, ``weights`` and ``stages`` (``lm``: a mixture with a domain LM; default the news LM)."""
        # a fitted profile does not run the Han insertion stage: it is measured as it will be written
        switches = dataclasses.replace(SHIPPED_STAGES, name="fitting", line_end_marks=stages.line_end_marks,
                                       line_end_margin=stages.line_end_margin, line_end_reach=stages.line_end_reach,
                                       line_end_marks_in_clean_print=stages.clean_print_marks,
                                       line_end_mark_choice=stages.line_end_mark_choice,
                                       garbled_marks=stages.garbled_marks, han_insertions=False)
        return Corrector(model=lm or self.lm, confusions=channel.confusions, weights=weights, misread=channel.misread,
                         rules=tuple(stages.rules), context=self.context, inventory=self.base.inventory,
                         variants=self.variants if stages.variants else {}, length=stages.length or False,
                         profile=switches, mark_choice=stages.mark_choice)


def _stack_rows(parts):
    import numpy as np

    return (np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            [kind for p in parts for kind in p[2]], np.concatenate([p[3] for p in parts]))


def refit_weights(folds: Sequence[Fold], shipped: Weights, options: Options, log: Callable[[str], None]) -> Weights | None:
    """Weights refitted on the folds' cross-fit rows (the shipped pair model kept), or ``None``
    when the folds hold fewer than :data:`REFIT_POSITIVES` true candidates at misread sites."""
    rows = [featurize(fold.corrector, fold.noisy + fold.clean) for fold in folds]
    matrix, labels, kinds, misread = _stack_rows(rows)
    positives = int((labels & misread).sum())
    if positives < REFIT_POSITIVES:
        log(f"weights: {positives} true candidates at misread sites (< {REFIT_POSITIVES}): the shipped weights stay")
        return None
    args = argparse.Namespace(synthetic_weight=1.0, harmless_weight=options.harmless_weight)
    sample_weight = row_weights(kinds, labels, misread, args)
    weights = fit_weights(matrix, labels, shipped.sources, shipped.k, shipped.prune, 1.0, sample_weight)
    if positives >= TREE_POSITIVES:
        weights = fit_trees(weights, matrix, labels, sample_weight, 200, 0.05, options.seed)
    log(f"weights: refitted on {len(labels):,} candidate rows ({positives:,} true at misread sites)"
        f"{', with boosted trees' if weights.trees else ''}")
    return dataclasses.replace(weights, pairs=shipped.pairs)


@dataclass(frozen=True)
class Calibrated:
    weights: Weights
    fixed: int
    introduced: int
    record: dict


def calibrate(weights: Weights, folds: Sequence[Fold], extra_clean: Sequence[Labeled], options: Options,
              inherited: NoisyPages | None = None, clean_print: SparsePages | None = None) -> Calibrated:
    """``weights`` with the threshold (and second-pass threshold) calibrated on the folds' cross-fit
    decoding; ``inherited``: the weights' own second-pass rule (the shipped weights': calibrated on
    1.7 M characters of clean text, far more than a fit has), used where it reaches lower;
    ``clean_print``: the weights' own stricter pass on text that reads like clean print, kept (the
    fit's clean text is its own pages' ground truth; clean text of other domains reads like clean
    print, and a fit on 20 RapidOCR pages without it changed 40 Han characters in 194,356 of LEMON's
    seven domains, with it 3: benchmarks/RESULTS.md, "Fitted profiles")."""
    noisy: list[CalibrationText] = []
    clean: list[CalibrationText] = []
    twins: list[CalibrationText] = []
    for number, fold in enumerate(folds):
        corrector = fold.corrector.scoring_with(weights)
        noisy += calibration_texts(corrector, fold.noisy, clean=False)
        twins += calibration_texts(corrector, fold.twins, clean=False)
        clean += calibration_texts(corrector, fold.clean + fold.extra_clean + (list(extra_clean) if number == 0 else []),
                                   clean=True)
    gates = [choose_gate(noisy + twins, twins + clean, options.clean_chars, quantile=q) for q in GATE_QUANTILES]
    noisy += twins
    curve, threshold, gate = choose_gated(noisy, clean, gates, options.min_ratio, options.clean_chars)
    second = noisy_curve(noisy, clean, threshold, options.noisy_density, options.noisy_min_edits)
    noisy_threshold = choose_noisy_threshold(second, threshold, options.min_ratio, options.min_precision, options.clean_chars)
    # Clean text of another domain reads as noisy to a news LM and would get the second pass: it
    # must hold the clean budget even if every clean text got it (a fitted profile has far less clean
    # text to calibrate on than the shipped one, and none of other domains).
    worst_case = next((row["threshold"] for row in curve if all(
        (r["clean_changed"] + r["clean_rule_changed"]) * options.clean_chars <= r["clean_chars"]
        for r in curve if r["threshold"] >= row["threshold"])), threshold)
    noisy_threshold = max(noisy_threshold, worst_case)
    rule = NoisyPages(options.noisy_density, options.noisy_min_edits, noisy_threshold) if noisy_threshold < threshold else None
    if inherited is not None and inherited.threshold < min(threshold, noisy_threshold):
        rule = inherited
        second = noisy_curve(noisy, clean, threshold, inherited.density, inherited.min_edits)
        noisy_threshold = inherited.threshold
    row = next(r for r in curve if r["threshold"] == threshold)
    fixed = row["fixed"]
    if rule is not None:
        fixed = next((r["fixed_all_pages"] for r in second if r["threshold"] >= noisy_threshold), fixed)
    record = {"threshold": threshold, "noisy_threshold": noisy_threshold if rule else None, "fixed": fixed,
              "introduced": row["introduced"], "han_errors": row["han_errors"],
              "clean_changed": row["clean_changed"] + row["clean_rule_changed"], "clean_chars": row["clean_chars"]}
    if gate is not None:
        record["domain_gate"] = {"share": gate.share, "quantile": GATE_QUANTILES[gates.index(gate)],
                                 "block_share": gate.block_share, "threshold": gate.threshold,
                                 "texts_below": sum(gate.floor(x.domain_share, x.chars) > 0 for x in noisy + clean)}
        if gate.threshold <= threshold:  # no stricter than the threshold itself: nothing to gate
            gate = None
    return Calibrated(dataclasses.replace(weights, threshold=threshold, noisy=rule, sparse=clean_print, domain_gate=gate),
                      fixed, row["introduced"], record)


def held_out_figures(corrector: Corrector, pairs: Sequence[Pair]) -> Figures:
    fixed = introduced = before = after = chars = 0
    for pair in tqdm(pairs, desc="held out", unit="pair", file=sys.stderr, leave=False):
        source = pair.source
        f, i, b, a = score_text(pair, source, pair.corrected(corrector))
        fixed, introduced, before, after = fixed + f, introduced + i, before + b, after + a
        chars += len(squeeze(pair.gt))
    return Figures(len(pairs), chars, before, after, fixed, introduced)


@dataclass(frozen=True)
class Fitted:
    """Everything a profile directory is written from."""

    name: str
    base_confusions: tuple[Path, ...]
    learned: ConfusionSet
    misread: MisreadRates
    weights: Weights
    stages: Stages
    variants: Path | None  # the variant table the stage uses (when on)
    card: dict
    domain: "DomainLM | None" = None  # the domain LM interpolated with the news LM (None: news only)
    mark_context: Path | None = None  # the mark-choice context model's file (with ``stages.mark_choice``)


def _training_pairs(inputs: Sequence[str | Path], err_gold: Sequence[Sequence[str | Path]], lm,
                    log: Callable[[str], None]) -> tuple[list[Pair], list[Pair], list[Pair], list[str], ChannelCounts]:
    """All alignable pairs (plain pages read as the corrector reads them with ``lm``: :func:`~.pairs.read_with_lm`),
    those fitted on and those held out, the reflowed OCR of the first and their channel counts; an
    :class:`InputError` where they are too few to fit on."""
    read = read_pairs(inputs, err_gold, warn=log)
    pairs = alignable([read_with_lm(pair, lm) for pair in tqdm(read, desc="reflow", unit="pair", file=sys.stderr, leave=False)],
                      warn=log)
    train, held = split_held_out(pairs)
    if not held:
        raise InputError(f"too little data: {len(pairs)} pair(s) of {len(set(groups(pairs)))} distinct text(s); give at least "
                         f"{HOLDOUT_EVERY} (the pairs of one text in {HOLDOUT_EVERY} are held out)")
    sources = [p.source for p in train]
    counts = channel_counts(train, sources)
    errors = sum(counts.pairs.values())
    if errors < MIN_ERRORS:
        raise InputError(f"too little data: {errors} misread characters in {len(train)} training pairs "
                         f"(need at least {MIN_ERRORS}); give more pairs")
    log(f"{len(pairs)} pairs: {len(train)} to fit on ({errors:,} substitutions, "
        f"{len(counts.pairs):,} distinct), {len(held)} held out")
    return pairs, train, held, sources, counts


def _calibration_line(label: str, result: Calibrated) -> str:
    """The log line of the calibration of the weights ``label``."""
    gate = result.record.get("domain_gate")
    unlike = (f"; unlike the domain (share < {gate['share']}, the {gate['quantile']:.0%} of the cross-fit texts' below; in "
              f"whole blocks < {gate['block_share']}: {gate['texts_below']} cross-fit texts) at least "
              f"{gate['threshold']}") if gate else ""
    return (f"weights {label}: threshold {result.record['threshold']}, second pass {result.record['noisy_threshold']}: "
            f"cross-fit fixed {result.fixed}, introduced {result.introduced}, clean changed "
            f"{result.record['clean_changed']}/{result.record['clean_chars']:,}" + unlike)


def _log_calibration_texts(twins: int, clean: bool, pages: bool, domain_lm: bool, log: Callable[[str], None]) -> None:
    """Say what correct text the threshold is calibrated on besides the pairs: the ``twins`` right versions of
    line pairs, and a warning where there is no clean text at all (no ``clean`` text, no ``pages``); and, for line
    pairs without ``domain_lm``, that the news LM alone seldom passes the calibration on them."""
    if twins:
        log(f"calibration: {twins:,} right versions of the line pairs, each a correct line whose changes count as "
            f"introduced errors")
    if twins and not domain_lm:
        log("ocrfix: warning: fit: line pairs without --domain-lm: against their right versions the news LM alone "
            "passes the calibration only at a high threshold (an LM of the pairs' own text took FASPell's test from "
            "F1 0.355 to 0.557 and SIGHAN-15's from 0.036 to 0.423: benchmarks/RESULTS.md, \"Sentence fits "
            "refitted\"); give --domain-lm")
    if not clean and not pages:
        log("ocrfix: warning: fit: no clean text (line pairs only, no --clean): the threshold holds the fixed / "
            "introduced ratio on the pairs but not the change rate on correct text of other kinds"
            + (" (the domain gate holds it on text unlike the pairs', not on text like them)" if domain_lm else "")
            + "; give --clean DIR")


def fit_profile(inputs: Sequence[str | Path], err_gold: Sequence[Sequence[str | Path]] = (),
                clean: Sequence[str | Path] = (), base: BaseModels | None = None, options: Options = Options(),
                name: str = "fitted", log: Callable[[str], None] = print, command: str = "") -> tuple[Fitted, Figures]:
    """Fit a profile on the pairs of ``inputs`` / ``err_gold`` (see the module docstring)."""
    base = base or BaseModels.shipped()
    models = Models(base)
    pairs, train, held, sources, counts = _training_pairs(inputs, err_gold, models.lm, log)
    k = models.weights.k
    base_paths, base_set = choose_base(base, counts, k, log)
    stages = choose_stages(train, sources, models, log, load_profile("generic", load_settings().models_dir).rules or ())

    boost, chunks, domains, fold_weights, twins, chosen, calibrated = _cross_fit(train, sources, base, models, base_set, stages,
                                                                                 clean, options, log)

    channel = learn_channel(counts, base_set, boost)
    domain = _domain_lm(train, chunks, domains[0].weight, log) if domains else None
    final = models.corrector(channel, calibrated.weights, stages, domain and MixedLM(models.lm, domain.model, domain.weight))
    if stages.line_end_marks and final.sparse is not None:
        stages = dataclasses.replace(stages, clean_print_marks=choose_clean_print_marks(final, train, log))
    figures = held_out_figures(final, held)
    log(figures.line())
    files = sorted({Path(i).name for i in [*inputs, *(p for pair in err_gold for p in pair)]})
    card = {
        "engine": f"fitted by ocrfix fit on {len(pairs)} pairs",
        "fitted_on": f"{len(train)} pairs ({', '.join(files)}); "
                     f"{sum(counts.pairs.values()):,} substitutions, {len(channel.learned):,} learned confusion pairs",
        "held_out": figures.as_card(),
        "weights": chosen,
        "learned_boost": boost,
        "mark_choice": (f"channel counted on the training pages, weight {MARK_CHOICE_WEIGHT}, margin {MARK_CHOICE_MARGIN} "
                        "(the ppocr profile's)" if stages.mark_choice is not None else "off"),
        "calibration": {**calibrated.record, "min_ratio": options.min_ratio, "clean_chars_per_change": options.clean_chars,
                        "extra_clean_texts": len(chunks), "twin_lines": twins},
        "date": datetime.date.today().isoformat(),
        "command": command,
    }
    if domain is not None:
        card["domain_lm"] = _domain_card(domain, fold_weights)
    fitted = Fitted(name, base_paths, channel.learned, channel.misread,
                    dataclasses.replace(calibrated.weights, fitted={"profile_fit": card}), stages, base.variants, card,
                    domain, base.mark_context)
    return fitted, figures



class _CrossFit(NamedTuple):
    """What the cross-fit on the two halves of the training pairs chose: the factor on the learned
    channel's scores, the clean text's chunks, the folds' domain LMs (None: no domain LM) and their
    weights, the number of line pairs' right versions calibrated on, and the calibrated weights with
    their label."""

    boost: float
    chunks: list[tuple[str, str]]
    domains: list[MixedLM] | None
    fold_weights: list[float]
    twins: int
    chosen: str
    calibrated: Calibrated


def _cross_fit(train: Sequence[Pair], sources: Sequence[str], base: BaseModels, models: Models, base_set: ConfusionSet,
               stages: Stages, clean: Sequence[str | Path], options: Options, log: Callable[[str], None]) -> _CrossFit:
    """The cross-fit (see the module docstring): each half's texts decoded by a corrector whose channel
    was learned on the other half (``sources``: the training pairs' reflowed OCR), the learned channel's
    factor, the domain LMs and the weights chosen and calibrated on them."""
    halves = _halves(train)
    half_counts = [channel_counts([train[i] for i in half], [sources[i] for i in half]) for half in halves]
    boost = choose_boost(half_counts, base_set, models.weights.k, base.inventory, log)
    chunks = clean_texts(clean) if clean else []
    domains, fold_weights = fold_domains(train, halves, chunks, models.lm, log) if options.domain_lm else (None, [])
    folds = [Fold([labeled(train[i], sources[i]) for i in mine],
                  # a page's ground truth is clean print to keep; a line's is its noisy twin minus an error or
                  # two, whose changes the fix / introduced ratio on the noisy line already counts
                  clean_labeled((train[i].name, train[i].gt) for i in mine if train[i].page),
                  models.corrector(learn_channel(half_counts[1 - number], base_set, boost), models.weights, stages,
                                   domains and domains[number]),
                  clean_labeled(chunks[number::2]) if domains else [],
                  [] if chunks else twin_lines(train[i] for i in mine))
             for number, mine in enumerate(halves)]
    extra_clean = clean_labeled(chunks) if chunks and not domains else []
    twins = sum(len(fold.twins) for fold in folds)
    _log_calibration_texts(twins, bool(chunks), any(p.page for p in train), options.domain_lm, log)
    chosen, calibrated = _chosen_weights(folds, models.weights, extra_clean, options, log)
    return _CrossFit(boost, chunks, domains, fold_weights, twins, chosen, calibrated)


def _halves(train: Sequence[Pair]) -> list[list[int]]:
    """The indices of the training pairs in the two cross-fit halves: by their text's group, even or odd
    (the pairs of one text in one half)."""
    group = groups(train)
    return [[i for i in range(len(train)) if group[i] % 2 == number] for number in range(2)]


def _chosen_weights(folds: Sequence[Fold], shipped: Weights, extra_clean: Sequence[Labeled], options: Options,
                    log: Callable[[str], None]) -> tuple[str, Calibrated]:
    """The weights that fix the most errors in the folds' cross-fit decoding, calibrated, and their
    label: the shipped ones (with their own second-pass and clean-print rules; preferred on a tie) or
    those refitted on the folds (:func:`refit_weights`); each calibration logged."""
    candidates = [("shipped", shipped)]
    refit = refit_weights(folds, shipped, options, log)
    if refit is not None:
        candidates.append(("refitted", refit))
    results = {label: calibrate(w, folds, extra_clean, options, *((w.noisy, w.sparse) if label == "shipped" else ()))
               for label, w in candidates}
    for label, result in results.items():
        log(_calibration_line(label, result))
    chosen = max(results, key=lambda label: (results[label].fixed, label == "shipped"))
    _warn_if_top_threshold(results[chosen], options, log)
    return chosen, results[chosen]


def _warn_if_top_threshold(result: Calibrated, options: Options, log: Callable[[str], None]) -> None:
    """Warn where the calibration found no threshold below the highest it tries: the profile will correct next to
    nothing, which a user should hear from the fit rather than find in its output (a FASPell fit did so for three
    days unnoticed: benchmarks/RESULTS.md, "Sentence fits refitted: ...")."""
    top = max(THRESHOLDS)
    if result.record["threshold"] < top:
        return
    log(f"ocrfix: warning: fit: no threshold below {top} passes the calibration ({options.min_ratio:g} errors fixed per "
        f"error introduced on the cross-fit, at most one change per {options.clean_chars:,.0f} characters of clean text; "
        f"at {top}: {result.fixed} fixed, {result.introduced} introduced): the profile will change next to nothing. "
        "More pairs, --domain-lm, or a lower --min-ratio may help")


def _domain_lm(train: Sequence[Pair], chunks: Sequence[tuple[str, str]], weight: float, log: Callable[[str], None]) -> DomainLM:
    """The profile's domain LM: trained on all the training pairs' ground truth and the clean text
    (``chunks``), at the folds' ``weight``."""
    domain = DomainLM.train(domain_lines([p.gt for p in train], chunks), weight)
    log(f"domain LM: {domain.lines:,} lines of the training pairs' ground truth"
        f"{' and the clean text' if chunks else ''}, weight {domain.weight:.3f}")
    return domain


def _domain_card(domain: DomainLM, fold_weights: Sequence[float]) -> dict:
    """The profile card's entry for its domain LM."""
    return {"order": DOMAIN_ORDER, "lines": domain.lines, "weight": round(domain.weight, 4),
            "fold_weights": [round(w, 4) for w in fold_weights]}
