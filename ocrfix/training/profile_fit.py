"""``ocrfix fit``: an engine profile fitted on a user's own OCR / ground-truth pairs.

What a digitization team has is a few dozen pages it corrected by hand, or a file of corrected
lines; this turns them into a profile directory (:mod:`ocrfix.profiles`) for ``ocrfix correct
--profile DIR``. It needs only the shipped LM and confusion sets and the pairs. Steps:

1. **Pairs** (:func:`read_pairs`): ``NAME.ocr.txt`` + ``NAME.gt.txt`` under directories (the GT
   may be a web version with its blocks in another order: pages are aligned with the evaluation's
   block-robust aligner), TSV files of ``n<TAB>ocr<TAB>gt`` or ``ocr<TAB>gt`` lines (FASPell), or
   two line-aligned files (``--pairs ERR GOLD``, SIGHAN). The pairs of every fifth distinct ground
   truth are held out (20 %, deterministic; copies of one text stay on one side): the profile is
   never fitted on them, and their before/after figures go on the card.
2. **Channel**: substitution pairs (true, seen) counted on the aligned training pairs, turned into
   P(seen | true) (Witten-Bell, :func:`~ocrfix.training.confusions.learn.channel_set`) and merged by
   noisy-OR with the shipped base sets, plus the engine's misread rates. The shipped pinyin set
   joins the base when it covers the learned errors markedly better (typing errors are sound-alikes).
3. **Pattern stages**, each kept only where it fixes more errors than it introduces on the training
   pairs, and at least :data:`STAGE_RATIO` per error introduced: every symbol rule, chosen
   forward in their order of precedence; the marks lost at wrapped line ends, at the margin (log10 gain) that fixes the most; the deletion stage, with the engine's
   length channel (``ocrfix confusions length``) learned cross-fit; the traditional-form stage.
4. **Weights**: the training pairs are split in two folds (by distinct ground truth); each fold is featurized and decoded
   with the channel learned on the other one (*cross-fit*: otherwise every learned pair would look
   certain). With enough misread sites a logistic regression (and boosted trees) is refitted on
   those rows; the refit replaces the shipped weights only if it fixes more at the calibrated
   threshold.
   With ``--domain-lm`` (:attr:`Options.domain_lm`) the decoder's LM is the news LM interpolated
   with a small LM of the pairs' own ground truth (and ``--clean`` text; :mod:`ocrfix.lm.mixed`):
   each fold's domain LM is trained on the other fold's text only, and the interpolation weight is
   estimated by EM on the text its domain LM never saw, so the cross-fit sees the gain on new
   sentences of the domain, not a memory of the training ones.
5. **Thresholds** (:mod:`.calibrate`): the lowest from which on the cross-fit decoding fixes at least
   ``min_ratio`` errors per error it introduces and changes at most one character per
   ``clean_chars`` of clean text (the pairs' ground truth and any ``--clean`` text), and a lower
   second pass on texts the first pass finds noisy (with the shipped weights, their own second
   pass where it reaches lower).
6. **Held-out figures**, then the profile is written to a temporary directory beside the output,
   checksummed and renamed into place: never a half-built profile.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein
from tqdm import tqdm

from ..checksums import write_checksums
from ..confusions import ConfusionSet, merge
from ..confusions.length import LENGTH_FILE, LengthRates
from ..confusions.misread import MisreadRates
from ..correction.corrector import Corrector, load_confusions, load_lm
from ..correction.deletions import deletion_changes
from ..correction.edits import apply_changes
from ..correction.garbled_marks import garbled_changes
from ..correction.line_marks import MIN_GAIN as LINE_END_GAIN, line_end_changes, wrapped_line_ends
from ..correction.rules import RULES, rule_changes, select_rules
from ..correction.score import NoisyPages, SparsePages, Weights
from ..correction.variants import variant_changes
from ..confusions.variants import VARIANTS_FILE, load_variants
from ..errors import InputError
from ..lm import CharLM
from ..lm.context import ContextIndex, context_path
from ..lm.mixed import MixedLM, mixture_weight
from ..normalize import fold_char, is_han
from ..profiles import FORMAT, MODELS_PREFIX, PROFILE_FILE
from ..segment import protected_mask
from ..settings import load_settings
from ..text_reflow import reflow
from ..textio import read_text, write_text_atomic
from .calibrate import (CalibrationText, calibration_texts, choose_noisy_threshold, choose_threshold, noisy_curve,
                        threshold_curve)
from .confusions.learn import SOURCE as LEARNED, ChannelCounts, channel_set, misread_rates, plain_pairs
from .confusions.length import length_rates
from .fit import Labeled, featurize, fit_trees, fit_weights, row_weights
from .lm.train import DOMAIN_ORDER, train_domain_lm
from .truth import position_truth

#: One pair in this many is held out (deterministically: the last of every group).
HOLDOUT_EVERY = 5
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
#: A pattern stage (a symbol rule, the line-end marks, the deletion stage) is kept only where it fixes
#: at least this many errors more than it introduces on the training pairs ...
STAGE_MARGIN = 1
#: ... and this many per error it introduces. With 20 RapidOCR training pages (16 fitted on), a margin
#: of 2 dropped four rules that fixed one error each and nothing else: 73 fixed / 2 introduced on the
#: other 40 training pages against 86 / 3 with a margin of 1 (benchmarks/RESULTS.md, "Fitted profiles").
STAGE_RATIO = 4.0
#: Margins (log10 gain) tried for marks lost at wrapped line ends (line_marks.MIN_GAIN: 1.5).
LINE_END_MARGINS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
#: Clean text (``--clean``) is cut into texts of about this many characters (page-sized, like the pairs).
CLEAN_CHUNK = 2000


@dataclass(frozen=True)
class Pair:
    """One OCR text and its ground truth; a ``page`` is reflowed before correction, a line is not."""

    name: str
    ocr: str
    gt: str
    page: bool

    @property
    def source(self) -> str:
        """The text the corrector's decoder sees (a page's reflow)."""
        return reflow(self.ocr) if self.page else self.ocr


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

    @classmethod
    def shipped(cls) -> "BaseModels":
        settings = load_settings()
        pinyin = settings.confusions_dir / "pinyin.tsv"
        return cls(settings.default_lm, (settings.confusions_dir / "default.tsv",), settings.models_dir / "corrector.json",
                   pinyin=pinyin if pinyin.is_file() else None, misread=settings.confusions_dir / "misread.tsv",
                   variants=settings.confusions_dir / VARIANTS_FILE)


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


# ---- reading the pairs ------------------------------------------------------------------

def read_pairs(inputs: Sequence[str | Path], err_gold: Sequence[Sequence[str | Path]] = (),
               warn: Callable[[str], None] = print) -> list[Pair]:
    """The pairs under ``inputs`` (directories or TSV files) and of each ``(ERR, GOLD)`` of
    ``err_gold`` (two line-aligned files); what cannot be used is skipped with one warning per input."""
    pairs: list[Pair] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            pairs += _directory_pairs(path, warn)
        elif path.is_file():
            pairs += _tsv_pairs(path, warn)
        else:
            raise InputError(f"{path}: no such file or directory")
    for err_path, gold_path in err_gold:
        err, gold = read_text(err_path).splitlines(), read_text(gold_path).splitlines()
        if len(err) != len(gold):
            raise InputError(f"--pairs: {err_path} has {len(err)} lines, {gold_path} {len(gold)}: not line-aligned")
        found = [Pair(f"{Path(err_path).name}:{i + 1}", e.strip(), g.strip(), False)
                 for i, (e, g) in enumerate(zip(err, gold)) if e.strip() and g.strip()]
        _warn_skipped(warn, err_path, len(err) - len(found), "empty line pairs")
        pairs += found
    if not pairs:
        named = [*map(str, inputs), *(str(p) for pair in err_gold for p in pair)]
        raise InputError(f"no OCR / ground-truth pairs in {', '.join(named)}")
    return pairs


def _warn_skipped(warn: Callable[[str], None], where: str | Path, n: int, what: str, names: Sequence[str] = ()) -> None:
    if n:
        shown = f" ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})" if names else ""
        warn(f"ocrfix: warning: {where}: skipped {n} {what}{shown}")


def _directory_pairs(root: Path, warn: Callable[[str], None]) -> list[Pair]:
    ocr_files = sorted(root.rglob("*.ocr.txt"))
    gt_files = sorted(root.rglob("*.gt.txt"))
    partner = {p: p.with_name(p.name[: -len(".ocr.txt")] + ".gt.txt") for p in ocr_files}
    lonely_ocr = [p.name for p, g in partner.items() if not g.is_file()]
    matched = set(partner.values())
    lonely_gt = [g.name for g in gt_files if g not in matched]
    _warn_skipped(warn, root, len(lonely_ocr), "OCR files without a NAME.gt.txt", lonely_ocr)
    _warn_skipped(warn, root, len(lonely_gt), "ground-truth files without a NAME.ocr.txt", lonely_gt)
    pairs = [Pair(str(p.relative_to(root)), read_text(p), read_text(g), True) for p, g in partner.items() if g.is_file()]
    if not ocr_files and not gt_files:
        warn(f"ocrfix: warning: {root}: no NAME.ocr.txt + NAME.gt.txt pairs")
    return pairs


def _tsv_pairs(path: Path, warn: Callable[[str], None]) -> list[Pair]:
    """``n<TAB>ocr<TAB>gt`` (FASPell) or ``ocr<TAB>gt`` lines."""
    pairs, bad = [], []
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) == 3 and fields[0].strip().isdigit():
            fields = fields[1:]
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            bad.append(str(number))
            continue
        pairs.append(Pair(f"{path.name}:{number}", fields[0].strip(), fields[1].strip(), False))
    _warn_skipped(warn, path, len(bad), "lines that are not n<TAB>ocr<TAB>gt or ocr<TAB>gt, lines", bad)
    return pairs


def groups(pairs: Sequence[Pair]) -> list[int]:
    """Per pair, the index of its ground truth among the distinct ground truths (in order of first
    appearance): copies of one text (a caption in many frames, a sentence typed twice) share it, so
    a split by group never puts one copy on each side."""
    index: dict[str, int] = {}
    return [index.setdefault(pair.gt, len(index)) for pair in pairs]


#: Share of a pair's ground truth left unaligned beyond which it is skipped (:func:`alignable`).
MAX_UNALIGNED = 0.5


def alignable(pairs: Sequence[Pair], warn: Callable[[str], None] = print) -> list[Pair]:
    """The pairs whose OCR and ground truth align: a page with more than :data:`MAX_UNALIGNED` of
    its ground truth unmatched by the block-robust aligner, or a line with more edits than that
    share of its length, is another text (a wrong partner) and skipped with a warning."""
    from ..evaluation import evaluate

    kept, bad = [], []
    for pair in tqdm(pairs, desc="align", unit="pair", file=sys.stderr, leave=False):
        if pair.page:
            report = evaluate(pair.gt, pair.source)
            off = report.unmatched_gt_chars / max(1, report.gt_chars)
        else:
            off = Levenshtein.distance(_squeeze(pair.ocr), _squeeze(pair.gt)) / max(1, len(_squeeze(pair.gt)))
        (bad if off > MAX_UNALIGNED else kept).append(pair)
    _warn_skipped(warn, "fit", len(bad), "pairs whose OCR and ground truth do not align (another text?)",
                  [p.name for p in bad])
    return kept


def split_held_out(pairs: Sequence[Pair]) -> tuple[list[Pair], list[Pair]]:
    """(training pairs, held-out pairs): the pairs of every :data:`HOLDOUT_EVERY`-th distinct ground truth are held out."""
    held = [g % HOLDOUT_EVERY == HOLDOUT_EVERY - 1 for g in groups(pairs)]
    return [p for p, h in zip(pairs, held) if not h], [p for p, h in zip(pairs, held) if h]


# ---- alignment: the channel and per-character truth ---------------------------------------

def substitutions(pair: Pair, source: str) -> list[tuple[str, str]]:
    """(gt_char, ocr_char) substitutions of a pair: block-robust alignment for pages (the GT may
    be in another order), one edit script for lines."""
    if pair.page:
        from ..evaluation import aligned_pairs

        return aligned_pairs(pair.gt, source)
    return plain_pairs(pair.gt, source)


def channel_counts(pairs: Sequence[Pair], sources: Sequence[str]) -> ChannelCounts:
    counts = ChannelCounts()
    for pair, source in zip(pairs, sources):
        counts.add_text(pair.gt, substitutions(pair, source), source)
    return counts


def labeled(pair: Pair, source: str) -> Labeled:
    """The decoder's text with its per-character truth (``None`` where the alignment is not one-to-one)."""
    return Labeled(source, tuple(position_truth(source, pair.gt)), "page", pair.name)


def clean_labeled(texts: Iterable[tuple[str, str]]) -> list[Labeled]:
    """Clean (name, text) as calibration texts whose every character is right."""
    return [Labeled(text, tuple(map(fold_char, text)), "clean", name) for name, text in texts if text.strip()]


def clean_texts(dirs: Sequence[str | Path]) -> list[tuple[str, str]]:
    """The ``*.txt`` files under ``dirs``, cut at line ends into texts of about :data:`CLEAN_CHUNK` characters."""
    out = []
    for d in dirs:
        root = Path(d)
        files = sorted(root.rglob("*.txt")) if root.is_dir() else [root]
        if not files or not all(f.is_file() for f in files):
            raise InputError(f"{root}: no clean text files (*.txt)")
        for f in files:
            out += [(f"{f.name}:{number}", chunk) for number, chunk in enumerate(chunked(read_text(f).splitlines()))]
    return out


def chunked(lines: Iterable[str], size: int = CLEAN_CHUNK) -> list[str]:
    """``lines`` joined into texts of about ``size`` characters (cut at line ends)."""
    chunks, chunk, length = [], [], 0
    for line in lines:
        chunk.append(line)
        length += len(line)
        if length >= size:
            chunks.append("\n".join(chunk))
            chunk, length = [], 0
    if chunk:
        chunks.append("\n".join(chunk))
    return chunks


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


def tally_stage(pairs: Sequence[Pair], sources: Sequence[str],
                changes_of: Callable[[Pair, str], list]) -> tuple[int, int]:
    """(fixed, introduced) when one pattern stage alone changes the texts (block-robust three-way evaluation)."""
    return Tally(pairs, sources).score([changes_of(pair, source) for pair, source in zip(pairs, sources)])


class Tally:
    """Errors fixed and introduced on the pairs by pattern-stage changes, each pair's score kept
    for the changes it was scored with (a forward selection re-scores only the pairs a step changes)."""

    def __init__(self, pairs: Sequence[Pair], sources: Sequence[str]) -> None:
        self.pairs, self.sources = pairs, sources
        self.cache: dict[tuple[int, tuple], tuple[int, int]] = {}

    def score(self, changes: Sequence[Sequence]) -> tuple[int, int]:
        """(fixed, introduced) of ``changes[i]`` applied to ``sources[i]``, summed over the pairs."""
        fixed = introduced = 0
        for number, (pair, source, these) in enumerate(zip(self.pairs, self.sources, changes)):
            if not these:
                continue
            key = (number, tuple(these))
            if key not in self.cache:
                self.cache[key] = score_text(pair, source, apply_changes(source, list(these))[0])[:2]
            fixed, introduced = fixed + self.cache[key][0], introduced + self.cache[key][1]
        return fixed, introduced


def score_text(pair: Pair, source: str, hyp: str) -> tuple[int, int, int, int]:
    """(fixed, introduced, errors before, errors after) of ``hyp`` made from ``source``: pages
    three-way with the evaluation aligner, lines on their one edit script."""
    if pair.page:
        from ..evaluation import evaluate

        report = evaluate(pair.gt, hyp, ocr=source)
        return (report.correction.errors_fixed, report.correction.errors_introduced,
                report.ocr_counts.errors, report.counts.errors)
    truth = position_truth(source, pair.gt)
    before, after = Levenshtein.distance(_squeeze(source), _squeeze(pair.gt)), Levenshtein.distance(_squeeze(hyp), _squeeze(pair.gt))
    if len(hyp) != len(source):  # a length change: count it by the distances alone
        return max(0, before - after), max(0, after - before), before, after
    fixed = sum(1 for s, h, t in zip(source, hyp, truth) if s != h and t is not None and fold_char(h) == t)
    introduced = sum(1 for s, h, t in zip(source, hyp, truth) if s != h and t is not None and fold_char(s) == t)
    return fixed, introduced, before, after


def _squeeze(text: str) -> str:
    return "".join(fold_char(ch) for ch in text if not ch.isspace())


def worth(fixed: int, introduced: int, ratio: float = STAGE_RATIO) -> bool:
    """Whether a pattern stage that fixes ``fixed`` errors and introduces ``introduced`` on the training
    pairs earns its place: :data:`STAGE_MARGIN` more fixed than introduced, and ``ratio`` fixed per introduced."""
    return fixed - introduced >= STAGE_MARGIN and fixed >= ratio * introduced


def choose_rules(pairs: Sequence[Pair], sources: Sequence[str], lm, log: Callable[[str], None]) -> list[str]:
    """The symbol rules kept by a forward selection in their order of precedence (where two match one
    span the earlier rule wins): each rule that changes anything joins the rules kept before it
    where the gain of adding it is :func:`worth` keeping.
    Two rules for one pattern (``speck-or-mark`` before ``misread-mark``) are thus weighed together:
    the later one is judged on what the earlier leaves."""
    tally = Tally(pairs, sources)
    kept: list[str] = []
    current = (0, 0)
    for rule in tqdm(RULES, desc="symbol rules", unit="rule", file=sys.stderr, leave=False):
        if not any(rule_changes(source, (rule,), lm=lm) for source in sources):
            continue
        trial = tuple(r for r in RULES if r.name in kept or r is rule)
        fixed, introduced = tally.score([rule_changes(source, trial, lm=lm) for source in sources])
        gain = (fixed - current[0], introduced - current[1])
        keep = worth(*gain)
        log(f"  rule {rule.name}: fixed {gain[0]:+d}, introduced {gain[1]:+d} "
            f"-> {'kept' if keep else 'dropped'}")
        if keep:
            kept.append(rule.name)
            current = (fixed, introduced)
    return kept


def choose_variants(pairs: Sequence[Pair], sources: Sequence[str], lm, table: dict[str, str],
                    log: Callable[[str], None]) -> bool:
    """Whether putting simplified forms in for traditional ones fixes more than it introduces on the pairs."""
    fixed, introduced = tally_stage(pairs, sources, lambda pair, source: variant_changes(
        source, table, lm, protected_mask(source, frozenset())))
    log(f"  traditional -> simplified forms: fixed {fixed}, introduced {introduced} -> {'on' if fixed > introduced else 'off'}")
    return fixed > introduced


def choose_line_end_marks(pairs: Sequence[Pair], sources: Sequence[str], lm,
                          log: Callable[[str], None]) -> float | None:
    """The margin (log10 gain) at which marks lost at wrapped line ends are put back, or ``None``
    (off): of the :data:`LINE_END_MARGINS` at which the stage alone is :func:`worth` keeping, the one
    that fixes the most net; on a tie (a few pages tell the margins apart only coarsely) the one
    nearest the stage's own (:data:`~ocrfix.correction.line_marks.MIN_GAIN`, measured on 60 pages),
    then the higher."""
    joins = [wrapped_line_ends(pair.ocr, source) if pair.page else [] for pair, source in zip(pairs, sources)]
    protected = [protected_mask(source, frozenset()) for source in sources]
    tally = Tally(pairs, sources)
    kept: list[tuple[int, float, float]] = []  # (net fixed, -distance from the stage's margin, margin)
    for margin in sorted(LINE_END_MARGINS, reverse=True):
        fixed, introduced = tally.score([line_end_changes(source, j, lm, p, margin) if j else []
                                         for source, j, p in zip(sources, joins, protected)])
        log(f"  line-end marks at margin {margin}: fixed {fixed}, introduced {introduced}")
        if worth(fixed, introduced):
            kept.append((fixed - introduced, -abs(margin - LINE_END_GAIN), margin))
    best = max(kept, default=None)
    log(f"  line-end marks -> {'off' if best is None else f'on, margin {best[2]}'}")
    return None if best is None else best[2]


def choose_garbled_marks(pairs: Sequence[Pair], sources: Sequence[str], lm, rules: Sequence[str],
                         log: Callable[[str], None]) -> bool:
    """Whether the marks of texts that read as garbled (:mod:`~ocrfix.correction.garbled_marks`, run
    before the symbol rules ``rules``) are worth settling by the LM: the gain over the rules alone
    is :func:`worth` keeping."""
    chosen = select_rules(rules)
    tally = Tally(pairs, sources)
    protected = [protected_mask(source, frozenset()) for source in sources]
    alone = [rule_changes(source, chosen, lm=lm) if chosen else [] for source in sources]
    garbled = [garbled_changes(source, lm, p) for source, p in zip(sources, protected)]
    both = []
    for first, rules_after in zip(garbled, alone):  # as in the corrector: the garbled stage's changes win
        taken = {change[0] for change in first}
        both.append(first + [change for change in rules_after if change[0] not in taken])
    (fixed, introduced), before = tally.score(both), tally.score(alone)
    gain = (fixed - before[0], introduced - before[1])
    keep = any(garbled) and worth(*gain)
    log(f"  garbled marks: fixed {gain[0]:+d}, introduced {gain[1]:+d} -> {'on' if keep else 'off'}")
    return keep


def choose_length(pairs: Sequence[Pair], sources: Sequence[str], lm, log: Callable[[str], None]) -> LengthRates | None:
    """The engine's length channel (``ocrfix confusions length``: which characters it adds where
    print has none) for the deletion stage, or ``None`` where the stage is not :func:`worth`
    keeping: cross-fit, each half of the pages (by distinct ground truth) scored with the channel
    learned on the other half, since a channel scored on its own pages finds every extra character it learned."""
    group = groups(pairs)
    pages = [i for i, pair in enumerate(pairs) if pair.page]
    changes: list[list] = [[] for _ in pairs]
    for half in range(2):
        other = [(pairs[i].ocr, pairs[i].gt) for i in pages if group[i] % 2 != half]
        if not other:
            continue
        rates = length_rates(other)
        for i in pages:
            if group[i] % 2 == half:
                changes[i] = deletion_changes(sources[i], rates, lm, protected_mask(sources[i], frozenset()))
    fixed, introduced = Tally(pairs, sources).score(changes)
    keep = bool(pages) and worth(fixed, introduced)
    log(f"  deletions (length channel, cross-fit): fixed {fixed}, introduced {introduced} -> {'on' if keep else 'off'}")
    return length_rates((pairs[i].ocr, pairs[i].gt) for i in pages) if keep else None


# ---- fitting ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stages:
    """The pattern stages a profile runs before the decoder."""

    rules: tuple[str, ...]
    line_end_marks: bool
    variants: bool
    line_end_margin: float | None = None  # log10 gain a lost mark needs (None: line_marks.MIN_GAIN)
    length: LengthRates | None = None  # the engine's length channel for the deletion stage (None: off)
    #: line-end marks kept in blocks that read like clean print too (weights with a clean-print pass
    #: withdraw them there otherwise)
    clean_print_marks: bool = False
    garbled_marks: bool = False  # a text whose marks read as garbled has them settled by the LM


def choose_stages(pairs: Sequence[Pair], sources: Sequence[str], models: "Models", log: Callable[[str], None]) -> Stages:
    log("symbol rules, line-end marks, deletions and traditional forms on the training pairs:")
    rules = choose_rules(pairs, sources, models.lm, log)
    margin = choose_line_end_marks(pairs, sources, models.lm, log) if any(p.page for p in pairs) else None
    length = choose_length(pairs, sources, models.lm, log) if any(p.page for p in pairs) else None
    variants = bool(models.variants) and choose_variants(pairs, sources, models.lm, models.variants, log)
    garbled = choose_garbled_marks(pairs, sources, models.lm, rules, log)
    return Stages(tuple(rules), margin is not None, variants, margin, length, garbled_marks=garbled)


@dataclass
class Fold:
    """One cross-fit fold: its texts (with truth), their clean ground truths, and a corrector whose
    channel was learned on the other fold."""

    noisy: list[Labeled]
    clean: list[Labeled]
    corrector: Corrector
    #: clean text (``--clean``) calibrated on this fold: the half its domain LM was not trained on
    extra_clean: list[Labeled] = dataclasses.field(default_factory=list)


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

    def corrector(self, channel: Channel, weights: Weights, stages: "Stages", lm=None) -> Corrector:
        """A corrector with ``channel``, ``weights`` and ``stages`` (``lm``: a mixture with a domain LM; default the news LM)."""
        corrector = Corrector(model=lm or self.lm, confusions=channel.confusions, weights=weights, misread=channel.misread,
                              rules=tuple(stages.rules), context=self.context, inventory=self.base.inventory,
                              variants=self.variants if stages.variants else {}, length=stages.length or False)
        corrector.line_end_marks = stages.line_end_marks
        corrector.line_end_margin = stages.line_end_margin
        corrector.clean_print_marks = stages.clean_print_marks
        corrector.garbled_marks = stages.garbled_marks
        return corrector


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
    for number, fold in enumerate(folds):
        corrector = fold.corrector.scoring_with(weights)
        noisy += calibration_texts(corrector, fold.noisy, clean=False)
        clean += calibration_texts(corrector, fold.clean + fold.extra_clean + (list(extra_clean) if number == 0 else []),
                                   clean=True)
    curve = threshold_curve(noisy, clean)
    threshold = choose_threshold(curve, options.min_ratio, options.clean_chars)
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
    return Calibrated(dataclasses.replace(weights, threshold=threshold, noisy=rule, sparse=clean_print), fixed,
                      row["introduced"], record)


def choose_clean_print_marks(corrector: Corrector, pairs: Sequence[Pair], log: Callable[[str], None]) -> bool:
    """Whether marks put back at wrapped line ends stay in blocks that read like clean print too
    (weights with a clean-print pass withdraw them there otherwise): the training pages corrected
    both ways. The stage has earned its place on all blocks (:func:`choose_line_end_marks`), so it
    is withdrawn from clean print only where it fixes no more there than it introduces (Tesseract
    rarely loses a mark on clean print, and the LM's taste for an optional comma outweighs the few
    it does). ``corrector`` is left set accordingly."""
    pages = [pair for pair in pairs if pair.page]
    tallies = []
    for keep in (False, True):
        corrector.clean_print_marks = keep
        fixed = introduced = 0
        for pair in tqdm(pages, desc="line-end marks in clean print", unit="page", file=sys.stderr, leave=False):
            result = score_text(pair, pair.source, corrector.correct(pair.ocr).text)
            fixed, introduced = fixed + result[0], introduced + result[1]
        tallies.append((fixed, introduced))
    gain = (tallies[1][0] - tallies[0][0], tallies[1][1] - tallies[0][1])
    corrector.clean_print_marks = gain[0] > gain[1]
    log(f"  line-end marks in blocks that read like clean print: fixed {gain[0]:+d}, introduced {gain[1]:+d} -> "
        f"{'kept there' if corrector.clean_print_marks else 'withdrawn there'}")
    return corrector.clean_print_marks


def held_out_figures(corrector: Corrector, pairs: Sequence[Pair]) -> Figures:
    fixed = introduced = before = after = chars = 0
    for pair in tqdm(pairs, desc="held out", unit="pair", file=sys.stderr, leave=False):
        source = pair.source
        hyp = corrector.correct(pair.ocr).text if pair.page else corrector.correct(source, reflow=False).text
        f, i, b, a = score_text(pair, source, hyp)
        fixed, introduced, before, after = fixed + f, introduced + i, before + b, after + a
        chars += len(_squeeze(pair.gt))
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


def fit_profile(inputs: Sequence[str | Path], err_gold: Sequence[Sequence[str | Path]] = (),
                clean: Sequence[str | Path] = (), base: BaseModels | None = None, options: Options = Options(),
                name: str = "fitted", log: Callable[[str], None] = print, command: str = "") -> tuple[Fitted, Figures]:
    """Fit a profile on the pairs of ``inputs`` / ``err_gold`` (see the module docstring)."""
    base = base or BaseModels.shipped()
    pairs = alignable(read_pairs(inputs, err_gold, warn=log), warn=log)
    train, held = split_held_out(pairs)
    if not held:
        raise InputError(f"too little data: {len(pairs)} pair(s) of {len(set(groups(pairs)))} distinct text(s); give at least "
                         f"{HOLDOUT_EVERY} (the pairs of one text in {HOLDOUT_EVERY} are held out)")
    sources = [p.source for p in tqdm(train, desc="reflow", unit="pair", file=sys.stderr, leave=False)]
    counts = channel_counts(train, sources)
    errors = sum(counts.pairs.values())
    if errors < MIN_ERRORS:
        raise InputError(f"too little data: {errors} misread characters in {len(train)} training pairs "
                         f"(need at least {MIN_ERRORS}); give more pairs")
    log(f"{len(pairs)} pairs: {len(train)} to fit on ({errors:,} substitutions, "
        f"{len(counts.pairs):,} distinct), {len(held)} held out")
    models = Models(base)
    k = models.weights.k
    base_paths, base_set = choose_base(base, counts, k, log)
    stages = choose_stages(train, sources, models, log)

    folds = []
    group = groups(train)
    halves = [[i for i in range(len(train)) if group[i] % 2 == number] for number in range(2)]
    half_counts = [channel_counts([train[i] for i in half], [sources[i] for i in half]) for half in halves]
    boost = choose_boost(half_counts, base_set, k, base.inventory, log)
    chunks = clean_texts(clean) if clean else []
    domains, fold_weights = fold_domains(train, halves, chunks, models.lm, log) if options.domain_lm else (None, [])
    for number, mine in enumerate(halves):
        channel = learn_channel(half_counts[1 - number], base_set, boost)
        # a page's ground truth is clean print to keep; a line's is its noisy twin minus an error or
        # two, whose changes the fix / introduced ratio on the noisy line already counts
        folds.append(Fold([labeled(train[i], sources[i]) for i in mine],
                          clean_labeled((train[i].name, train[i].gt) for i in mine if train[i].page),
                          models.corrector(channel, models.weights, stages, domains and domains[number]),
                          clean_labeled(chunks[number::2]) if domains else []))
    extra_clean = clean_labeled(chunks) if chunks and not domains else []
    if not chunks and not any(p.page for p in train):
        log("ocrfix: warning: fit: no clean text (line pairs only, no --clean): the threshold holds the fixed / "
            "introduced ratio on the pairs but not the change rate on correct text of other kinds; give --clean DIR")
    candidates = [("shipped", models.weights)]
    refit = refit_weights(folds, models.weights, options, log)
    if refit is not None:
        candidates.append(("refitted", refit))
    results = {label: calibrate(w, folds, extra_clean, options, *((w.noisy, w.sparse) if label == "shipped" else ()))
               for label, w in candidates}
    for label, result in results.items():
        log(f"weights {label}: threshold {result.record['threshold']}, second pass {result.record['noisy_threshold']}: "
            f"cross-fit fixed {result.fixed}, introduced {result.introduced}, clean changed "
            f"{result.record['clean_changed']}/{result.record['clean_chars']:,}")
    chosen = max(results, key=lambda label: (results[label].fixed, label == "shipped"))
    calibrated = results[chosen]

    channel = learn_channel(counts, base_set, boost)
    domain = None
    if domains:
        domain = DomainLM.train(domain_lines([p.gt for p in train], chunks), domains[0].weight)
        log(f"domain LM: {domain.lines:,} lines of the training pairs' ground truth"
            f"{' and the clean text' if chunks else ''}, weight {domain.weight:.3f}")
    final = models.corrector(channel, calibrated.weights, stages, domain and MixedLM(models.lm, domain.model, domain.weight))
    if stages.line_end_marks and final.sparse is not None:
        stages = dataclasses.replace(stages, clean_print_marks=choose_clean_print_marks(final, train, log))
    figures = held_out_figures(final, held)
    log(figures.line())
    card = {
        "engine": f"fitted by ocrfix fit on {len(pairs)} pairs",
        "fitted_on": f"{len(train)} pairs ({', '.join(sorted({Path(i).name for i in [*inputs, *(p for pair in err_gold for p in pair)]}))}); "
                     f"{errors:,} substitutions, {len(channel.learned):,} learned confusion pairs",
        "held_out": figures.as_card(),
        "weights": chosen,
        "learned_boost": boost,
        "calibration": {**calibrated.record, "min_ratio": options.min_ratio, "clean_chars_per_change": options.clean_chars,
                        "extra_clean_texts": len(chunks)},
        "date": datetime.date.today().isoformat(),
        "command": command,
    }
    if domain is not None:
        card["domain_lm"] = {"order": DOMAIN_ORDER, "lines": domain.lines, "weight": round(domain.weight, 4),
                             "fold_weights": [round(w, 4) for w in fold_weights]}
    fitted = Fitted(name, base_paths, channel.learned, channel.misread,
                    dataclasses.replace(calibrated.weights, fitted={"profile_fit": card}), stages, base.variants, card,
                    domain)
    return fitted, figures


# ---- the domain LM ---------------------------------------------------------------------------

#: File name of a profile's domain LM.
DOMAIN_FILE = "domain.klm"


@dataclass(frozen=True)
class DomainLM:
    """A small LM of the user's own text (:func:`~ocrfix.training.lm.train.train_domain_lm`), loaded
    (KenLM reads it into memory), its file's bytes (for the profile) and its interpolation weight."""

    model: CharLM
    data: bytes
    weight: float
    lines: int

    @classmethod
    def train(cls, lines: Sequence[str], weight: float = 0.5) -> "DomainLM":
        with tempfile.TemporaryDirectory(prefix="ocrfix-domain-") as work:
            path = train_domain_lm(lines, Path(work) / DOMAIN_FILE)
            return cls(CharLM(path, cache_size=0, native=False), path.read_bytes(), weight, len(lines))


def domain_lines(texts: Iterable[str], chunks: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The distinct lines of ``texts`` (ground truths; a caption in many frames counts once) and of
    the clean ``chunks``."""
    lines = [line for text in texts for line in text.splitlines()] + [line for _, c in chunks for line in c.splitlines()]
    return list(dict.fromkeys(line.strip() for line in lines if line.strip()))


def fold_domains(train: Sequence[Pair], halves: Sequence[Sequence[int]], chunks: Sequence[tuple[str, str]],
                 news: CharLM, log: Callable[[str], None]) -> tuple[list[MixedLM], list[float]]:
    """Per cross-fit fold, the news LM interpolated with a domain LM of the other fold's ground
    truth and the other half of the clean ``chunks``; one weight for both, the mean of the two
    folds' EM estimates (:func:`~ocrfix.lm.mixed.mixture_weight`) on the text each domain LM never saw
    (returned too)."""
    models, weights = [], []
    for number, mine in enumerate(halves):
        model = DomainLM.train(domain_lines([train[i].gt for i in halves[1 - number]], chunks[1 - number::2])).model
        models.append(model)
        weights.append(mixture_weight(news, model, domain_lines([train[i].gt for i in mine], chunks[number::2])))
    weight = sum(weights) / len(weights)
    log(f"domain LM, cross-fit: interpolation weight {weight:.3f} (folds {weights[0]:.3f}, {weights[1]:.3f})")
    return [MixedLM(news, model, weight) for model in models], weights


# ---- writing -------------------------------------------------------------------------------------

def _models_relative(path: Path) -> str | None:
    """``models:REL`` for a file of the models directory, else ``None``."""
    models_dir = load_settings().models_dir.resolve()
    try:
        return MODELS_PREFIX + path.resolve().relative_to(models_dir).as_posix()
    except ValueError:
        return None


def write_profile(fitted: Fitted, output: str | Path, inputs: Sequence[str | Path] = (), force: bool = False) -> Path:
    """Write ``fitted`` as a profile directory at ``output``: built in a temporary directory beside
    it, checksummed, then renamed into place (an existing one only with ``force``, replaced whole)."""
    output = Path(output)
    _refuse_inputs(output, inputs)
    if output.exists() and not force:
        raise InputError(f"{output}: already exists (use --force to replace it)")
    if output.exists() and not (output / PROFILE_FILE).is_file():
        raise InputError(f"{output}: exists and is not a profile directory; not replacing it")
    output.parent.mkdir(parents=True, exist_ok=True)
    with _staging(output) as stage:
        base_files = []
        for number, path in enumerate(fitted.base_confusions):
            shipped = _models_relative(path)
            if shipped is None:
                shutil.copyfile(path, stage / f"base{number}.tsv")
            base_files.append(shipped or f"base{number}.tsv")
        if len(fitted.learned):
            boost = fitted.card.get("learned_boost", 1.0)
            scores = "P(seen | true), Witten-Bell" + (f", times {boost:g} (capped at 1)" if boost != 1.0 else "")
            fitted.learned.save(stage / "learned.tsv", comments=[f"channel learned by ocrfix fit: {scores}"])
            base_files.append("learned.tsv")
        fitted.misread.save(stage / "misread.tsv", header=["misread rates learned by ocrfix fit"])
        fitted.weights.save(stage / "weights.json")
        variants = _models_relative(fitted.variants) if fitted.stages.variants and fitted.variants else None
        if variants is None:  # off (or not shipped): the profile's own table
            table = load_variants(fitted.variants) if fitted.stages.variants and fitted.variants else {}
            write_text_atomic(stage / VARIANTS_FILE, "# traditional<TAB>simplified\n" + "".join(f"{t}\t{s}\n" for t, s in table.items()))
            variants = VARIANTS_FILE
        files = {"weights": "weights.json", "confusions": base_files, "misread": "misread.tsv", "variants": variants}
        if fitted.stages.length is not None:
            fitted.stages.length.save(stage / LENGTH_FILE, header=["length channel learned by ocrfix fit"])
            files["length"] = LENGTH_FILE
        if fitted.domain is not None:
            (stage / DOMAIN_FILE).write_bytes(fitted.domain.data)
            files["domain_lm"] = DOMAIN_FILE
        record = {"format": FORMAT, "name": fitted.name, "files": files, "rules": list(fitted.stages.rules),
                  "line_end_marks": fitted.stages.line_end_marks}
        if fitted.domain is not None:
            record["domain_weight"] = fitted.domain.weight
        if fitted.stages.line_end_margin is not None:
            record["line_end_margin"] = fitted.stages.line_end_margin
        if fitted.stages.clean_print_marks:
            record["line_end_marks_in_clean_print"] = True
        if fitted.stages.garbled_marks:
            record["garbled_marks"] = True
        record["card"] = fitted.card
        write_text_atomic(stage / PROFILE_FILE, json.dumps(record, ensure_ascii=False, indent=1) + "\n")
        write_checksums(stage)
        _install(stage, output)
    return output


def _refuse_inputs(output: Path, inputs: Iterable[str | Path]) -> None:
    out = output.resolve()
    for item in inputs:
        path = Path(item).resolve()
        if out == path or out in path.parents or path in out.parents:
            raise InputError(f"{output}: the profile would be written over or into an input ({item}); choose another directory")


@contextmanager
def _staging(output: Path) -> Iterator[Path]:
    stage = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(stage, 0o777 & ~umask)  # a directory like any other, not mkdtemp's private one
    try:
        yield stage
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _install(stage: Path, output: Path) -> None:
    """Rename ``stage`` to ``output``; an existing ``output`` is moved aside first and removed after."""
    old = None
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}.", suffix=".old", dir=output.parent))
        os.rmdir(old)
        os.rename(output, old)
    try:
        os.rename(stage, output)
    except OSError:
        if old is not None:
            os.rename(old, output)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
