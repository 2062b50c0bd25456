"""``ocrfix fit --unsupervised``: an engine profile learned from an archive's raw OCR alone.

Archives rarely have ground truth, so the engine's habits are learned from the archive itself.

**Pattern stages, from the raw OCR.** Before any decoding, the stages that put right what an
engine does to marks are chosen on evidence the archive carries without ground truth:

- a *symbol rule* is kept where it fires at a steady rate (at least :data:`MIN_RULE_EDITS` edits, in more than one text) and the
  LM confirms its edits (at least :data:`CONFIRM_SHARE` of those it does not oppose make the text
  around them :data:`CONFIRM_GAIN` likelier): another engine's habit finds nothing to do, or
  readings the LM does not much prefer to change. The edits the LM opposes are left out of the
  share: only a rule whose own floor is below zero makes them (``final-period``, fitted with ground
  truth to put back a paragraph's lost ``。`` where the LM mildly prefers none), and they tell
  nothing about whether this engine has the habit. The ``generic`` profile's own rules (marks
  Chinese print never has where they stand, no engine's habit) stay whatever the evidence: the
  self-trained profile starts from ``generic`` and never runs fewer rules than it. On 60 PP-OCRv4
  training pages the LM confirmed 57 of the 76 unopposed ``final-period`` edits, too few for
  :data:`CONFIRM_SHARE`, while a fit with ground truth on the same pages measured the rule at 133
  errors fixed and none introduced;
- the *marks lost at wrapped line ends* by contrast: the LM's wish for a mark is weighed at the line
  ends and at positions inside the lines (:data:`CONTROL_STEP`). Inside a line the engine keeps
  its marks, so the share of positions there where the LM wants one estimates how often it wants a
  mark print does not have; the excess at the line ends estimates the marks the engine lost. The
  stage is on, at the margin with the most estimated net gain, where its estimated right insertions
  pass the supervised fit's stage test against the wrong ones; and kept on texts that read like
  clean print where those texts alone pass it too (an engine that loses hanging marks however
  clean the scan). Where the archive's files carry geometry, the line ends whose line box reaches
  past the column's measure (:mod:`ocrfix.formats.line_reach`) and the others are weighed so each
  against the same control: a lower margin for the first where both have one
  (``line_end_reach``).

**The channel**, by self-training (hard EM):

1. decode the archive with the ``generic`` profile (no engine-specific knowledge) at one strict
   threshold: the weights' clean-print one, calibrated for >= 90 % of its edits fixing an error
   on clean print;
2. keep its confident edits (at least that threshold) as observed misreadings (seen -> true);
3. re-estimate the channel from them: P(seen | true) for every pair seen at least
   :data:`MIN_PAIR_COUNT` times (a one-off is as likely a false edit as an engine habit), merged with the
   base sets, and the misread rates (scaled to the generic profile's overall rate: confident
   edits find only part of the errors, but which characters they find wrong is the engine's signature);
4. decode again with the new channel and repeat, until the learned pairs stop changing or after
   :data:`ROUNDS` rounds.

**Drift guard.** A channel learned from its own edits can come to rewrite correct text: a false
edit made confidently once makes the same edit likelier next round. Three things stop it: only
repeated pairs are learned; the thresholds never go below the shipped weights' own (their first
pass, their second pass on noisy scans and their stricter one on clean print, calibrated on 1.7 M
characters of clean text; with a floor of 0.85 instead, a self-trained profile changed 5 Han
characters per 10,000 of other domains' clean text); and the first-pass threshold is calibrated
every round on clean text, at most one change per ``clean_chars``. The clean text is
the user's own (``--clean``) when given; otherwise the archive's *confident part*: its sentences
in which the generic profile finds nothing to change even at a low threshold
(:data:`PROXY_THRESHOLD`). They teach the channel nothing (no edit is counted in them), so they are
fair to check it on. The LM's own training text is not available to a user, and it would not be
the archive's domain; the confident sentences are the archive's own domain and, having not one
candidate the generic model finds even half likely, are very nearly error-free: a learned channel
that starts changing them is drifting.
"""
from __future__ import annotations

import dataclasses
import datetime
import math
import sys
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from tqdm import tqdm

from ..confusions import ConfusionSet, merge
from ..confusions.misread import MisreadRates
from ..correction.corrector import Corrector, load_confusions, profile_mark_choice
from ..correction.line_marks import CLOSING, MIN_GAIN as LINE_END_GAIN, best_mark as best_line_end_mark, joined_lines
from ..correction.mark_choice import MarkModel
from ..correction.rules import RULES, mark_scores, period_gain, rule_changes
from ..errors import InputError
from ..formats.registry import is_ocr_file_name, ocr_file_patterns
from ..profiles import load_profile
from ..segment import protected_mask, segment
from ..settings import load_settings
from ..text_reflow import reflow
from .calibrate import THRESHOLDS, calibration_texts, is_pattern_edit, threshold_curve
from .confusions.learn import ChannelCounts, channel_set, misread_rates
from .fit import Labeled
from .pairs import chunked, clean_labeled, clean_texts, column_read, corrected_page, ocr_files, ocr_page, readable
from .profile_fit import BaseModels, Channel, Fitted, Models, Options
from .stages import LINE_END_MARGINS, STAGE_MARGIN, STAGE_RATIO, Stages

ROUNDS = 3
MIN_PAIR_COUNT = 2
#: A sentence in which the generic profile proposes no edit at this threshold is taken as clean.
PROXY_THRESHOLD = 0.5
#: Shortest sentence taken as a clean proxy (short ones are headlines and fragments).
PROXY_MIN_CHARS = 8
#: At least this many confident edits are needed to learn anything.
MIN_EDITS = 10
#: An edit the LM confirms makes the text around it at least this much likelier (log10) than the OCR's reading.
CONFIRM_GAIN = 1.0
#: A symbol rule is kept where it edits the archive at least this many times, in more than one text ...
MIN_RULE_EDITS = 3
#: ... and the LM confirms at least this share of its edits.
CONFIRM_SHARE = 0.9
#: Every this-many-th eligible position inside a line is a control for the marks lost at line ends.
CONTROL_STEP = 3


class OcrText(NamedTuple):
    """An archive's OCR text (a structured file's printed lines), and for a structured file the offsets
    in it of the printed lines whose box reaches past their column's measure, its geometry reflow's text
    and its path (:func:`~.pairs.ocr_page`; None: plain text)."""

    name: str
    text: str
    reaching: frozenset[int] | None = None
    reflowed: str | None = None
    path: Path | None = None

    @property
    def source(self) -> str:
        """The text the corrector's decoder sees: the geometry reflow's, or the text reflowed."""
        return self.reflowed if self.reflowed is not None else reflow(self.text)

    def corrected(self, corrector: Corrector) -> Any:
        """``corrector``'s result for the text as ``ocrfix correct`` makes it (:func:`~.pairs.corrected_page`)."""
        return corrected_page(corrector, self.text, self.path)

    def read_with(self, lm) -> "OcrText":
        """Plain text with its lines in column order and their reflow as the corrector reads them with
        ``lm`` (:func:`~.pairs.column_read`); a structured file's as it is."""
        if self.reflowed is not None:
            return self
        printed, reflowed = column_read(self.text, lm)
        return self._replace(text=printed, reflowed=reflowed)


def read_ocr_texts(inputs: Sequence[str | Path], warn: Callable[[str], None] = print) -> list[OcrText]:
    """The :class:`OcrText` of the inputs: files as given; under a directory its ``NAME.ocr.EXT``
    files if it has any, else all its OCR files (:func:`~ocrfix.formats.registry.is_ocr_file_name`, never ``*.gt.txt``),
    those that cannot be read skipped with a warning (:func:`~.pairs.readable`).
    Plain text is read as it is, a structured file as its geometry-reflowed text (:func:`~.pairs.ocr_page`)."""
    out = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = ocr_files(path) or sorted(p for p in path.rglob("*") if p.is_file() and is_ocr_file_name(p.name)
                                              and not p.name.endswith(".gt.txt"))
            if not files:
                raise InputError(f"{path}: no OCR files ({ocr_file_patterns()})")
            out += [OcrText(str(f.relative_to(path)), *page) for f, page in readable(files, ocr_page, warn, path)]
        elif path.is_file():
            out.append(OcrText(path.name, *ocr_page(path)))
        else:
            raise InputError(f"{path}: no such file or directory")
    return [text for text in out if text.text.strip()]


def edit_gain(lm, text: str, offset: int, original: str, replacement: str) -> float:
    """log10 gain of ``replacement`` for ``original`` at ``offset``, as the rules weigh it: a ``。``
    as a sentence break (:func:`~ocrfix.correction.rules.period_gain`: at the end of the text the
    text ends either way), any other mark or nothing in the running text."""
    if replacement == "。":
        return period_gain(lm, text, offset, len(original))
    scores = mark_scores(lm, text, offset, len(original), (original, replacement))
    return scores[replacement] - scores[original]


class RuleEvidence(NamedTuple):
    """A symbol rule's edits in an archive's texts, the texts they fall in, the edits the LM does
    not oppose (log10 gain >= 0) and those it confirms (:data:`CONFIRM_GAIN`)."""

    edits: int
    texts: int
    unopposed: int
    confirmed: int


def rule_evidence(texts: Sequence[str], lm) -> dict[str, RuleEvidence]:
    """Per symbol rule (alone): its :class:`RuleEvidence` in ``texts``."""
    evidence = {}
    for rule in tqdm(RULES, desc="symbol rules", unit="rule", file=sys.stderr, leave=False):
        edits = hit = unopposed = confirmed = 0
        for text in texts:
            changes = rule_changes(text, (rule,), lm=lm, wrapped=True)
            hit += bool(changes)
            for offset, original, replacement, *_ in changes:
                gain = edit_gain(lm, text, offset, original, replacement)
                unopposed += gain >= 0.0
                confirmed += gain >= CONFIRM_GAIN
                edits += 1
        evidence[rule.name] = RuleEvidence(edits, hit, unopposed, confirmed)
    return evidence


def choose_rules(texts: Sequence[str], lm, log: Callable[[str], None], always: Collection[str] = ()) -> tuple[str, ...]:
    """The symbol rules that describe this archive's engine, without ground truth: those that fire
    at a steady rate (:data:`MIN_RULE_EDITS`, in more than one text) and whose edits the LM
    confirms (:data:`CONFIRM_SHARE` of those it does not oppose), and the rules of ``always``
    (the ``generic`` profile's, for any engine) whatever their evidence. A rule for another engine's
    habit finds nothing to do, or only readings the LM does not much prefer to change."""
    kept = []
    for name, (edits, hit, unopposed, confirmed) in rule_evidence(texts, lm).items():
        steady = (edits >= MIN_RULE_EDITS and hit > 1 and unopposed >= MIN_RULE_EDITS
                  and confirmed >= CONFIRM_SHARE * unopposed)
        keep = steady or name in always
        if edits:
            opposed = f" ({edits - unopposed} opposed)" if unopposed < edits else ""
            verdict = "kept" if steady else "kept (a rule for any engine)" if keep else "dropped"
            log(f"  rule {name}: {edits} edits in {hit} texts, {confirmed} confirmed by the LM{opposed} -> {verdict}")
        if keep:
            kept.append(name)
    return tuple(kept)


class LineEndGains(NamedTuple):
    """The best mark's log10 gain over running on at a text's wrapped line ends and at positions
    inside its lines (:func:`line_end_gains`), and per line end whether its box reached past the
    column's measure (all False without geometry)."""

    ends: list[float]
    inside: list[float]
    reached: list[bool]


def line_end_gains(raw: str, lm, reaching: Collection[int] = frozenset(), reflowed: str | None = None) -> LineEndGains:
    """The best mark's log10 gain over running on (:func:`~ocrfix.correction.line_marks.best_mark`)
    at the wrapped line ends of ``raw`` after its reflow (``reflowed``, the geometry's; default the text
    reflow's), and at every :data:`CONTROL_STEP`-th
    position inside its lines that the line-end stage would weigh (after a Han character, letter or
    digit, before anything but a closing mark, neither protected); a line end is ``reaching`` where
    the offset in ``raw`` of the last character before it is."""
    text = reflow(raw) if reflowed is None else reflowed
    joins = dict(joined_lines(raw, text))  # offset in text -> offset in raw of the line before's end
    protected = protected_mask(text, frozenset())
    ends, inside, reached = [], [], []
    step = 0
    for offset in range(1, len(text)):
        if not text[offset - 1].isalnum() or text[offset] in CLOSING or text[offset].isspace() \
                or protected[offset - 1] or protected[offset]:
            continue
        if offset in joins:
            ends.append(best_line_end_mark(lm, text, offset)[0])
            reached.append(joins[offset] in reaching)
        else:
            step += 1
            if step % CONTROL_STEP == 0:
                inside.append(best_line_end_mark(lm, text, offset)[0])
    return LineEndGains(ends, inside, reached)


def line_end_margin(ends: Sequence[float], inside: Sequence[float]) -> tuple[float | None, str]:
    """The margin for marks lost at line ends, estimated without ground truth, or ``None`` (off),
    and why. Inside a line the engine keeps its marks, so the share of positions there where the LM
    wants a mark estimates how often it wants one where print has none; at the line ends the excess
    over that share is the marks the engine lost. Of the margins at which the estimated right
    insertions (the excess) against the wrong ones (the control share of the line ends) would pass
    the stage test of a supervised fit, the one with the most estimated net; where others come
    within that estimate's noise (the standard deviation of its wrong count, about its square
    root), the one of those nearest the stage's own margin (:data:`~ocrfix.correction.line_marks.MIN_GAIN`,
    measured with ground truth on 60 pages). On the 60 RapidOCR training pages the estimate put 8.3
    wrong at margin 1.0 (7 by the ground truth) and 5.5 at 1.5 (2): the net of 1.0 looked higher
    by 1.4, within the noise, while it is lower by 3."""
    passing: list[tuple[float, float, float]] = []  # (estimated net, estimated wrong, margin)
    notes = []
    for margin in sorted(LINE_END_MARGINS, reverse=True):
        wanted = sum(g > margin for g in ends)
        wrong = len(ends) * sum(g > margin for g in inside) / max(1, len(inside))
        right = wanted - wrong
        notes.append(f"{margin}: {wanted} wanted, ~{wrong:.1f} wrong")
        if right - wrong >= STAGE_MARGIN and right >= STAGE_RATIO * wrong:
            passing.append((right - wrong, wrong, margin))
    if not passing:
        return None, "; ".join(notes)
    net, wrong, _ = max(passing)
    close = [margin for n, _, margin in passing if n >= net - math.sqrt(wrong)]
    return min(close, key=lambda m: (abs(m - LINE_END_GAIN), -m)), "; ".join(notes)


def choose_line_end_marks(texts: Sequence[OcrText], sparse: Sequence[bool], lm, log: Callable[[str], None]
                          ) -> tuple[float | None, bool, tuple[float, float] | None]:
    """(margin or ``None``, kept in clean print too, ``line_end_reach`` or ``None``) for the marks lost at
    line ends: the margin from all texts, whether the texts that read like clean print (``sparse``) lose
    them as well, and where texts carry geometry (:func:`choose_line_end_reach`) the margins by it."""
    gains = [line_end_gains(t.text, lm, t.reaching or frozenset(), t.reflowed)
             for t in tqdm(texts, desc="line ends", unit="text", file=sys.stderr, leave=False)]
    margin, notes = line_end_margin([g for e in gains for g in e.ends], [g for e in gains for g in e.inside])
    log(f"  line-end marks (line ends against positions inside lines): {notes} -> "
        f"{'off' if margin is None else f'on, margin {margin}'}")
    clean = [g for g, s in zip(gains, sparse) if s]
    in_clean, clean_notes = line_end_margin([g for e in clean for g in e.ends], [g for e in clean for g in e.inside])
    if margin is not None:
        log(f"  ... in the {len(clean)} texts that read like clean print: {clean_notes} -> "
            f"{'kept there' if in_clean is not None else 'withdrawn there'}")
    geometry = [g for g, t in zip(gains, texts) if t.reaching is not None]
    reach = choose_line_end_reach(geometry, log) if margin is not None and geometry else None
    return margin, margin is not None and in_clean is not None, reach


def choose_line_end_reach(gains: Sequence[LineEndGains], log: Callable[[str], None]) -> tuple[float, float] | None:
    """The ``line_end_reach`` margins (past the measure, within it) estimated without ground truth from
    the ``gains`` of texts with geometry, or None: :func:`line_end_margin` of the line ends whose box
    reached past the column's measure and of the others, each against the same positions inside the
    lines; where the others pass at no margin, the highest. None where those past the measure pass at
    none, or at no lower margin than the others (the box then tells nothing)."""
    inside = [g for e in gains for g in e.inside]
    past, past_notes = line_end_margin([g for e in gains for g, r in zip(e.ends, e.reached) if r], inside)
    within, within_notes = line_end_margin([g for e in gains for g, r in zip(e.ends, e.reached) if not r], inside)
    within = max(LINE_END_MARGINS) if within is None else within
    reach = (past, within) if past is not None and past < within else None
    log(f"  ... line ends whose box reaches past the column's measure: {past_notes}; the others: {within_notes} -> "
        f"{'off' if reach is None else f'margins {reach[0]} / {reach[1]}'}")
    return reach


def sparse_texts(corrector: Corrector, texts: Sequence[OcrText], models: Models) -> list[bool]:
    """Per text, whether it reads like clean print to the shipped weights' clean-print rule (few
    first-pass decoder edits, :meth:`~ocrfix.correction.score.SparsePages.counted`); all False without such a rule."""
    rule = models.weights.sparse
    if rule is None:
        return [False] * len(texts)
    first = corrector.scoring_with(dataclasses.replace(models.weights, noisy=None, sparse=None))
    first.threshold, first.noisy, first.sparse = models.weights.threshold, None, None
    flags = []
    for text in tqdm(texts, desc="first pass", unit="text", file=sys.stderr, leave=False):
        result = text.corrected(first)
        decoded = [e.gain for e in result.edits if not is_pattern_edit(e)]
        flags.append(rule.is_sparse(rule.counted(decoded, first.text_logp(result.source), len(result.source)), len(result.source)))
    return flags


def generic_mark_choice(models: Models) -> tuple[MarkModel | None, bool]:
    """The ``generic`` profile's mark-choice model, adapted per page as it adapts it (None: it has none, or the
    base models name no context model), and whether it picks the marks line ends get back."""
    generic = load_profile("generic", load_settings().models_dir)
    model = profile_mark_choice(generic) if models.mark_context is not None else None
    return model, model is not None and generic.line_end_mark_choice


def choose_stages(texts: Sequence[OcrText], corrector: Corrector, models: Models, log: Callable[[str], None],
                  always: Collection[str] = ()) -> Stages:
    """The pattern stages for the archive, from its raw OCR alone (see :func:`choose_rules`, which
    keeps the rules of ``always``, and :func:`choose_line_end_marks`)."""
    log("symbol rules and line-end marks, from the archive's OCR alone:")
    rules = choose_rules([t.source for t in texts], models.lm, log, always)
    margin, clean_print, reach = choose_line_end_marks(texts, sparse_texts(corrector, texts, models), models.lm, log)
    # the garbled-marks stage judges each text by its own marks, ground truth or not: on, as in `generic`; so
    # does the mark-choice model, whose channel (no ground truth to count the engine's on) is `generic`'s,
    # adapted to each scanned page's own marks
    marks, picks = generic_mark_choice(models)
    return Stages(rules, margin is not None, bool(models.variants), margin, None, clean_print, garbled_marks=True,
                  line_end_reach=reach, mark_choice=marks, line_end_mark_choice=picks and margin is not None)


def confident_counts(corrector: Corrector, texts: Sequence[OcrText], min_gain: float) -> tuple[ChannelCounts, int]:
    """The decoder's single-character edits with probability >= ``min_gain`` as (true, seen) pairs,
    and the OCR characters they were made in (symbol rules and variant forms are not the channel)."""
    counts = ChannelCounts()
    edits = 0
    for text in tqdm(texts, desc="decode", unit="text", file=sys.stderr, leave=False):
        result = text.corrected(corrector)
        subs = [(e.replacement, e.original) for e in result.edits
                if e.gain >= min_gain and len(e.original) == len(e.replacement) == 1
                and not is_pattern_edit(e)]
        edits += len(subs)
        counts.add_text(result.text, subs, result.source)
    return counts, edits


def scaled_misread(counts: ChannelCounts, overall: float) -> MisreadRates:
    """Misread rates whose overall rate is ``overall`` (the generic profile's), spread over the
    characters as the confident edits found them."""
    rates = misread_rates(counts)
    scale = max(1.0, overall / max(rates.overall, 1e-9))
    return MisreadRates(rates.seen, {ch: min(rates.seen.get(ch, 0), round(n * scale)) for ch, n in rates.misread.items()})


def clean_proxies(corrector: Corrector, texts: Sequence[OcrText]) -> list[Labeled]:
    """Sentences of ``texts`` in which ``corrector`` at :data:`PROXY_THRESHOLD` proposes no edit,
    joined into page-sized texts (the archive's confident part)."""
    saved = corrector.threshold, corrector.noisy, corrector.sparse
    corrector.threshold, corrector.noisy, corrector.sparse = PROXY_THRESHOLD, None, None
    sentences: list[str] = []
    try:
        for text in tqdm(texts, desc="clean proxies", unit="text", file=sys.stderr, leave=False):
            result = text.corrected(corrector)
            edited = sorted(e.input_offset for e in result.edits)
            for sentence in segment(result.source):
                piece = result.source[sentence.start:sentence.end].strip()
                if len(piece) >= PROXY_MIN_CHARS and not any(sentence.start <= o < sentence.end for o in edited):
                    sentences.append(piece)
    finally:
        corrector.threshold, corrector.noisy, corrector.sparse = saved
    return clean_labeled((f"proxy:{i}", chunk) for i, chunk in enumerate(chunked(sentences)))


def guarded_threshold(corrector: Corrector, clean: Sequence[Labeled], clean_chars: float, floor: float) -> tuple[float, dict]:
    """The lowest threshold (>= ``floor``) from which on ``corrector`` changes at most one character
    per ``clean_chars`` of ``clean`` (LM edits and symbol rules together)."""
    decoded = calibration_texts(corrector, clean, clean=True)
    curve = [row for row in threshold_curve([], decoded, [t for t in THRESHOLDS if t >= floor])]
    chosen = curve[-1]
    for row in reversed(curve):
        if (row["clean_changed"] + row["clean_rule_changed"]) * clean_chars > row["clean_chars"]:
            break
        chosen = row
    return float(chosen["threshold"]), {"clean_changed": chosen["clean_changed"] + chosen["clean_rule_changed"],
                                        "clean_chars": chosen["clean_chars"]}


def fit_unsupervised(inputs: Sequence[str | Path], clean: Sequence[str | Path] = (), base: BaseModels | None = None,
                     options: Options = Options(), name: str = "self-trained", log: Callable[[str], None] = print,
                     command: str = "", rounds: int = ROUNDS) -> Fitted:
    """Self-train a profile on the raw OCR of ``inputs`` (see the module docstring)."""
    base = base or BaseModels.shipped()
    settings = load_settings()
    models = Models(base)
    texts = [text.read_with(models.lm) for text in tqdm(read_ocr_texts(inputs, log), desc="reflow", unit="text",
                                                         file=sys.stderr, leave=False)]
    generic = load_profile("generic", settings.models_dir)
    base_set = load_confusions(base.confusions)
    overall = MisreadRates.load(base.misread).overall if base.misread else 0.01
    clean_print = models.weights.sparse.threshold if models.weights.sparse else models.weights.threshold
    confident = generic.threshold if generic.threshold is not None else clean_print
    start = Channel(ConfusionSet({}), base_set, MisreadRates.uniform(overall))
    strict = dataclasses.replace(models.weights, threshold=confident, noisy=None, sparse=None)
    stages = choose_stages(texts, models.corrector(start, strict, Stages(tuple(generic.rules or ()), False,
                                                                          bool(models.variants))), models, log,
                           generic.rules or ())
    corrector = models.corrector(start, strict, stages)
    proxies = _drift_proxies(clean, corrector, texts, log)
    history = []
    learned_pairs: frozenset = frozenset()
    channel = start
    threshold = confident
    for number in range(1, rounds + 1):
        counts, edits = confident_counts(corrector, texts, confident)
        if edits < MIN_EDITS:
            if number == 1:
                raise InputError(f"too little data: the generic profile makes only {edits} confident edits in "
                                 f"{len(texts)} texts (need at least {MIN_EDITS}); give more OCR text")
            break
        channel = _round_channel(counts, base_set, overall)
        pairs = frozenset((seen, c.char) for seen, c in channel.learned.pairs())
        candidate = models.corrector(channel, strict, stages)
        threshold, guard = guarded_threshold(candidate, proxies, options.clean_chars, models.weights.threshold)
        corrector = candidate.scoring_with(dataclasses.replace(models.weights, threshold=threshold))
        corrector.threshold, corrector.noisy, corrector.sparse = threshold, models.weights.noisy, models.weights.sparse
        history.append({"round": number, "confident_edits": edits, "learned_pairs": len(pairs), "threshold": threshold, **guard})
        log(f"round {number}: {edits} confident edits, {len(pairs)} learned pairs (seen >= {MIN_PAIR_COUNT} times), "
            f"threshold {threshold} (clean: {guard['clean_changed']} changed of {guard['clean_chars']:,})")
        if pairs == learned_pairs:
            break
        learned_pairs = pairs
    weights = dataclasses.replace(models.weights, threshold=threshold)  # the shipped second pass and clean-print rule
    card = {
        "engine": f"self-trained by ocrfix fit --unsupervised on {len(texts)} OCR texts (no ground truth)",
        "fitted_on": f"{len(texts)} texts ({', '.join(sorted({Path(i).name for i in inputs}))}); "
                     f"channel from the confident edits (>= {confident}) of the generic profile and its own later rounds",
        "held_out": "no ground truth: see benchmarks/RESULTS.md for measured figures of self-trained profiles",
        "rounds": history,
        "mark_choice": ("the generic profile's (a channel counted on both shipped engines' pages), adapted to each "
                        "scanned page's own marks" if stages.mark_choice is not None else "off"),
        "drift_guard": {"clean": [str(c) for c in clean] or "the archive's confident sentences",
                        "clean_chars_per_change": options.clean_chars, "floor": models.weights.threshold},
        "date": datetime.date.today().isoformat(),
        "command": command,
    }
    return Fitted(name, base.confusions, channel.learned, channel.misread,
                  dataclasses.replace(weights, fitted={"profile_fit": card}), stages, base.variants, card,
                  mark_context=base.mark_context)


def _drift_proxies(clean: Sequence[str | Path], corrector: Corrector, texts: Sequence[OcrText],
                   log: Callable[[str], None]) -> list[Labeled]:
    """The texts the drift guard keeps unchanged: the ``clean`` text given, else the confident
    sentences of the archive (``texts``) as ``corrector`` reads them; logged."""
    if clean:
        proxies = clean_labeled(clean_texts(clean))
        log(f"drift guard: {sum(len(p.text) for p in proxies):,} characters of clean text ({', '.join(map(str, clean))})")
    else:
        proxies = clean_proxies(corrector, texts)
        log(f"drift guard: {sum(len(p.text) for p in proxies):,} characters of the archive's confident sentences")
    return proxies


def _round_channel(counts: ChannelCounts, base_set: ConfusionSet, overall: float) -> Channel:
    """A round's channel: the pairs of the confident edits' ``counts`` seen ``MIN_PAIR_COUNT`` times
    or more (none where no pair repeats) merged with ``base_set``, the misread rates scaled to the
    ``overall`` rate."""
    try:
        learned = channel_set(counts, min_count=MIN_PAIR_COUNT)
    except InputError:  # no pair repeated: nothing to learn
        learned = ConfusionSet({})
    return Channel(learned, merge([base_set, learned]) if len(learned) else base_set, scaled_misread(counts, overall))
