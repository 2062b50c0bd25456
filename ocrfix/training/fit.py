"""Fit the corrector's weights (logistic regression) and calibrate its threshold on TRAINING data.

    python -m ocrfix train weights --pages build/bench/pages/train \\
        --fold build/corrector/a/lm.klm=rmrb_2019-02,rmrb_2020-02,xwlb_2024,xwlb_2025=build/corrector/a/confusions.tsv \\
        --fold build/corrector/b/lm.klm=rmrb_2019-10,xwlb_2020,xwlb_2021,xwlb_2022=build/corrector/b/confusions.tsv \\
        --synthetic 100000 -o models/corrector.json

(the fold models come from :mod:`ocrfix.training.crossfit`). Examples are texts with a
per-character truth (:mod:`ocrfix.training.truth`):

* ``--pages DIR...``: benchmark training pages (``NAME.ocr.txt`` + ``NAME.gt.txt``): the reflowed
  OCR with its aligned truth, and the ground truth itself as clean text;
* ``--synthetic N``: about N characters per fold of its left-out news sentences with characters
  replaced through the confusion set's reverse channel (clean positions give the negatives);
* ``--faspell``: FASPell ``ocr_train_3575`` (real OCR errors; its test split is never read).

Every candidate of every edit site is one row (features against the unedited sentence); its label
is whether it is the true character. Held-out text (``rmrb_2020-05``, ``xwlb_2026``, FASPell test,
evaluation pages) is refused. The models the features are computed with must not have seen the
fitting text (``--fold``: *cross-fit* models built without the fold's sources), otherwise
memorized n-grams and error pairs look more decisive than on a user's pages.

The threshold is the lowest one from which on, on the calibration pages (every ``--calib-every``-th
page, not used for fitting), the corrector fixes at least ``--min-ratio`` errors per error it
introduces and changes at most one character per ``--clean-chars`` of their clean ground truth;
then the second-pass threshold for noisy scans (``--noisy-density``, :mod:`.calibrate`) and the
higher one for clean-looking print (``--sparse-density``). ``--recalibrate W.json`` skips the fit
and calibrates the thresholds of given weights only.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import lzma
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
from tqdm import tqdm

from ..confusions import ConfusionSet
from ..errors import InputError
from ..normalize import fold_char, is_han
from ..settings import load_settings
from ..textio import read_text
from .calibrate import (CalibrationText, calibration_texts, choose_noisy_threshold, choose_sparse_threshold,
                        choose_threshold, noisy_curve, sparse_curve, threshold_curve)
from ..correction.candidates import CONTEXT
from ..correction.corrector import Corrector, load_confusions
from ..correction.features import PAIR_FEATURES
from ..correction.score import DEFAULT_PRUNE, LinearScore, NoisyPages, SparsePages, TreeScore, Weights
from .truth import position_truth

HELDOUT_MARKERS = ("rmrb_2020-05", "xwlb_2026", "ocr_test_1000", "/eval/", "/rapid-eval/")
FASPELL_TRAIN = "faspell_ocr/ocr_train_3575.txt"


@dataclass(frozen=True)
class Labeled:
    text: str
    truth: tuple[str | None, ...]  # per character of ``text``
    kind: str  # page | clean | synthetic | faspell
    name: str


def refuse_heldout(path: str | Path) -> None:
    """Refuse ``path`` (a file, or a directory given with or without its final ``/``) if it is held-out data."""
    if any(marker in str(path).rstrip("/") + "/" for marker in HELDOUT_MARKERS):
        raise InputError(f"{path}: held-out evaluation data must never be used for fitting")


def page_pairs(*roots: Path) -> list[tuple[Path, Path]]:
    """The (OCR, GT) page pairs under each directory of ``roots`` (held-out ones refused)."""
    pairs = []
    for root in roots:
        refuse_heldout(root)
        found = [(ocr, ocr.with_name(ocr.name.replace(".ocr.txt", ".gt.txt"))) for ocr in sorted(root.rglob("*.ocr.txt"))]
        found = [(o, g) for o, g in found if g.is_file()]
        if not found:
            raise InputError(f"{root}: no NAME.ocr.txt + NAME.gt.txt pairs")
        pairs.extend(found)
    return pairs


def page_examples(pairs: Sequence[tuple[Path, Path]]) -> tuple[list[Labeled], list[Labeled]]:
    """(noisy reflowed OCR pages with truth, their clean ground truths)."""
    from ..text_reflow import reflow

    noisy, clean = [], []
    for ocr_path, gt_path in pairs:
        ocr, gt = reflow(read_text(ocr_path)), read_text(gt_path)
        noisy.append(Labeled(ocr, tuple(position_truth(ocr, gt)), "page", ocr_path.name))
        clean.append(Labeled(gt, tuple(map(fold_char, gt)), "clean", gt_path.name))
    return noisy, clean


def faspell_examples(path: Path) -> list[Labeled]:
    refuse_heldout(path)
    examples = []
    for i, line in enumerate(read_text(path).splitlines()):
        fields = line.split("\t")
        if len(fields) == 3 and len(fields[1]) == len(fields[2]):
            examples.append(Labeled(fields[1], tuple(map(fold_char, fields[2])), "faspell", f"{path.name}:{i + 1}"))
    return examples


def reverse_channel(confusions: ConfusionSet) -> dict[str, tuple[list[str], list[float]]]:
    """true char -> (seen chars, weights): how a true character gets misread, per the set."""
    table: dict[str, tuple[list[str], list[float]]] = defaultdict(lambda: ([], []))
    for seen, conf in confusions.pairs():
        chars, weights = table[conf.char]
        chars.append(seen)
        weights.append(conf.score)
    return dict(table)


@lru_cache(maxsize=8)
def corpus_halves(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The sentence lines of a corpus file, split into its first and second half: synthetic
    fitting text is drawn from the first, clean calibration text from the second, so the two
    never share a sentence. (Cached: a fold reads its files for both.)"""
    refuse_heldout(path)
    with lzma.open(path, "rt", encoding="utf-8") as handle:
        lines = tuple(line.strip() for line in handle if line.strip())
    return lines[: len(lines) // 2], lines[len(lines) // 2:]


def news_sentences(paths: Iterable[Path], n_chars: int, rng: random.Random) -> list[str]:
    """About ``n_chars`` characters of sentences sampled evenly from the first halves of the given corpus files."""
    paths = list(paths)
    per_file = n_chars // max(1, len(paths))
    chosen = []
    for path in paths:
        lines = [line for line in corpus_halves(path)[0] if len(line) >= 8]
        rng.shuffle(lines)
        total = 0
        for line in lines:
            if total >= per_file:
                break
            chosen.append(line)
            total += len(line)
    return chosen


#: How a sentence line of the corpora ends; other lines are headlines and sub-headlines.
SENTENCE_END = tuple("。！？!?”’」』…）)")


def news_pages(paths: Iterable[Path], n_chars: int, rng: random.Random, page_chars: int = 1000,
               sentences_per_paragraph: int = 3) -> list[str]:
    """About ``n_chars`` characters of page-sized runs of consecutive lines from random places in
    the second halves of the given corpus files, laid out as on a page: sentences joined into
    paragraphs of a few, headlines on lines of their own. Clean text with the repetition of real
    articles, for calibrating the clean-text change rate."""
    paths = list(paths)
    per_file = n_chars // max(1, len(paths))
    pages = []
    for path in paths:
        lines = corpus_halves(path)[1]
        total = 0
        while total < per_file and lines:
            start = rng.randrange(len(lines))
            out: list[str] = []
            paragraph: list[str] = []
            size = 0
            for line in lines[start:]:
                if size >= page_chars:
                    break
                size += len(line)
                if not line.endswith(SENTENCE_END):
                    out.extend(["".join(paragraph), line] if paragraph else [line])
                    paragraph = []
                    continue
                paragraph.append(line)
                if len(paragraph) == sentences_per_paragraph:
                    out.append("".join(paragraph))
                    paragraph = []
            if paragraph:
                out.append("".join(paragraph))
            pages.append("\n".join(out))
            total += len(pages[-1])
    return pages


def synthetic_examples(sentences: Sequence[str], channel: dict[str, tuple[list[str], list[float]]],
                       rate: float, rng: random.Random) -> list[Labeled]:
    """Sentences joined into pseudo-paragraphs with Han characters replaced at ``rate``."""
    return [misread_copy("".join(sentences[start:start + 8]), channel, rate, rng, "synthetic", f"synthetic:{start}")
            for start in range(0, len(sentences), 8)]


def misread_copy(text: str, channel: dict[str, tuple[list[str], list[float]]], rate: float, rng: random.Random,
                 kind: str, name: str) -> Labeled:
    """``text`` with its Han characters replaced at ``rate`` through the reverse ``channel``."""
    noisy = list(text)
    for i, ch in enumerate(text):
        if is_han(ch) and ch in channel and rng.random() < rate:
            chars, weights = channel[ch]
            noisy[i] = rng.choices(chars, weights)[0]
    return Labeled("".join(noisy), tuple(map(fold_char, text)), kind, name)


#: Depth of the boosted trees (scikit-learn's default): interactions of up to three features.
TREE_DEPTH = 3

#: Fewer true pairs than this in the fitting data: no pair model (pair edits stay off).
MIN_PAIR_POSITIVES = 20

Rows = tuple[np.ndarray, np.ndarray, list[str], np.ndarray]


def featurize(corrector: Corrector, examples: Sequence[Labeled]) -> Rows:
    """Feature rows of every single substitution, labels (candidate == truth), example kinds and
    whether each row's site was misread (original != truth), skipping unaligned sites."""
    def rows(ex: Labeled) -> Iterable[tuple[np.ndarray, list[bool], list[bool]]]:
        for offsets, cands, matrix in corrector.candidate_features(ex.text):
            keep = [k for k, off in enumerate(offsets) if ex.truth[off] is not None]
            yield (matrix[keep], [cands[k].char == ex.truth[offsets[k]] for k in keep],
                   [fold_char(ex.text[offsets[k]]) != ex.truth[offsets[k]] for k in keep])

    return _collect(examples, rows, len(corrector.featurizer.names), "features")


def featurize_pairs(corrector: Corrector, examples: Sequence[Labeled]) -> Rows:
    """The same for pair proposals (:data:`~ocrfix.correction.features.PAIR_FEATURES`): a pair is
    true when it gives both characters' truth, its site misread when either original is wrong."""
    def rows(ex: Labeled) -> Iterable[tuple[np.ndarray, list[bool], list[bool]]]:
        for (first, second), cands, matrix in corrector.pair_features(ex.text):
            truth = ex.truth[first], ex.truth[second]
            if None not in truth:
                misread = fold_char(ex.text[first]) != truth[0] or fold_char(ex.text[second]) != truth[1]
                yield matrix, [c.chars == truth[0] + truth[1] for c in cands], [misread] * len(cands)

    return _collect(examples, rows, len(PAIR_FEATURES), "pair features")


def _collect(examples: Sequence[Labeled], rows_of: Callable[[Labeled], Iterable[tuple[np.ndarray, list[bool], list[bool]]]],
             width: int, desc: str) -> Rows:
    blocks, labels, kinds, misread = [], [], [], []
    for ex in tqdm(examples, desc=desc, unit="text", file=sys.stderr):
        for matrix, example_labels, example_misread in rows_of(ex):
            if example_labels:
                blocks.append(matrix)
                labels.extend(example_labels)
                kinds.extend([ex.kind] * len(example_labels))
                misread.extend(example_misread)
    matrix = np.vstack(blocks) if blocks else np.zeros((0, width))
    return matrix, np.asarray(labels, dtype=bool), kinds, np.asarray(misread, dtype=bool)


def fit_linear(matrix: np.ndarray, labels: np.ndarray, c: float = 1.0, sample_weight: np.ndarray | None = None) -> LinearScore:
    """Logistic regression (scikit-learn) on standardized columns."""
    from sklearn.linear_model import LogisticRegression

    if labels.all() or not labels.any():
        raise InputError("fitting needs both true and false candidates; give more or noisier data")
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    # A feature constant in the fitting data (e.g. n_cands when every site had exactly k
    # candidates) has a float-noise std; dividing by it would blow up any other value at run time.
    scale[scale < 1e-6 * np.maximum(1.0, np.abs(mean))] = 1.0
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit((matrix - mean) / scale, labels, sample_weight=sample_weight)
    return LinearScore(tuple(model.coef_[0].tolist()), float(model.intercept_[0]), tuple(mean.tolist()), tuple(scale.tolist()))


def fit_weights(matrix: np.ndarray, labels: np.ndarray, sources: Sequence[str], k: int, prune: float | None,
                c: float = 1.0, sample_weight: np.ndarray | None = None) -> Weights:
    model = fit_linear(matrix, labels, c, sample_weight)
    return Weights(model.coef, model.intercept, tuple(sources), k=k, prune=prune, mean=model.mean, scale=model.scale)


def fit_trees(weights: Weights, matrix: np.ndarray, labels: np.ndarray, sample_weight: np.ndarray, n_trees: int,
              floor: float, seed: int = 0) -> Weights:
    """Add boosted trees (scikit-learn ``GradientBoostingClassifier``) fitted on the rows the
    linear model puts at or above ``floor``: the candidates accept-or-not is decided among."""
    from sklearn.ensemble import GradientBoostingClassifier

    close = weights.probability(matrix) >= floor
    if labels[close].all() or not labels[close].any():
        raise InputError(f"no true and false candidates both at linear probability >= {floor}: cannot fit trees")
    model = GradientBoostingClassifier(n_estimators=n_trees, learning_rate=0.05, max_depth=TREE_DEPTH,
                                       min_samples_leaf=40, subsample=0.8, random_state=seed)
    model.fit(matrix[close], labels[close], sample_weight=sample_weight[close])
    return dataclasses.replace(weights, trees=TreeScore.from_sklearn(model, floor))


def row_weights(kinds: Sequence[str], labels: np.ndarray, misread: np.ndarray, args: argparse.Namespace) -> np.ndarray:
    """Page and clean rows 1, synthetic (and FASPell) rows ``--synthetic-weight``; a wrong candidate
    at a misread site times ``--harmless-weight``."""
    weight = np.array([1.0 if kind in ("page", "clean") else args.synthetic_weight for kind in kinds])
    return weight * np.where(misread & ~labels, args.harmless_weight, 1.0)


def _sources(confusions: ConfusionSet) -> tuple[str, ...]:
    return tuple(sorted({s for _, conf in confusions.pairs() for s in conf.sources}))


@dataclass(frozen=True)
class Fold:
    """An LM and the corpus files it was trained without (file stems such as ``rmrb_2019-02``)."""

    lm: Path | None  # None: the default model
    sources: tuple[str, ...]  # () = no restriction (pages of any source; no synthetic text)
    confusions: Path | None = None  # a set learned without this fold's pages (None: --confusions)

    @property
    def misread(self) -> Path | None:
        """The misread rates learned without this fold's pages: ``misread.tsv`` beside its
        confusion set (as :mod:`.crossfit` writes them), else the shipped ones."""
        path = self.confusions.with_name("misread.tsv") if self.confusions else None
        return path if path is not None and path.is_file() else None


def parse_fold(spec: str) -> Fold:
    """``LM=STEM,STEM,...[=CONFUSIONS.tsv]`` (e.g. ``build/corrector/a/lm.klm=rmrb_2019-02,xwlb_2025=build/corrector/a/confusions.tsv``)."""
    path, stems, *conf = spec.split("=")
    sources = tuple(s for s in stems.split(",") if s)
    for stem in sources:
        refuse_heldout(stem)
    return Fold(Path(path), sources, Path(conf[0]) if conf else None)


def page_source(ocr_path: Path) -> str | None:
    """The corpus file stem a benchmark page was typeset from (its ``NAME.meta.json``), if known."""
    meta = ocr_path.with_name(ocr_path.name.replace(".ocr.txt", ".meta.json"))
    if not meta.is_file():
        return None
    source = json.loads(meta.read_text(encoding="utf-8")).get("source")
    return Path(source).name.split(".")[0] if source else None


def corpus_files(data_dir: Path, stems: Sequence[str]) -> list[Path]:
    files = []
    for stem in stems:
        found = sorted(data_dir.glob(f"*/{stem}.txt.xz"))
        if not found:
            raise InputError(f"{data_dir}: no corpus file {stem}.txt.xz")
        files.extend(found)
    return files


def fold_examples(fold: Fold, pairs: Sequence[tuple[Path, Path]], args: argparse.Namespace, confusions: ConfusionSet,
                  rng: random.Random) -> tuple[list[Labeled], list[Labeled], list[Labeled]]:
    """(fitting examples, calibration pages, their clean ground truths) of one fold (the clean
    news pages of ``--calib-clean`` among the latter)."""
    mine = [p for p in pairs if not fold.sources or page_source(p[0]) in fold.sources]
    noisy, clean = page_examples(mine)
    fit_set, calib_noisy, calib_clean = [], [], []
    for i, (n, c) in enumerate(zip(noisy, clean)):
        if i % args.calib_every == args.calib_every - 1:
            calib_noisy.append(n)
            calib_clean.append(c)
        else:
            fit_set.extend([n, c])
    if args.synthetic and fold.sources:
        sentences = news_sentences(corpus_files(load_settings().data_dir, fold.sources), args.synthetic, rng)
        fit_set.extend(synthetic_examples(sentences, reverse_channel(confusions.top_k(args.k)), args.synthetic_rate, rng))
    if args.calib_clean and fold.sources:
        for i, page in enumerate(news_pages(corpus_files(load_settings().data_dir, fold.sources), args.calib_clean, rng)):
            calib_clean.append(Labeled(page, tuple(map(fold_char, page)), "clean", f"news:{i}"))
    return fit_set, calib_noisy, calib_clean


def clean_print_examples(fold: Fold, args: argparse.Namespace, confusions: ConfusionSet,
                         rng: random.Random) -> list[Labeled]:
    """Pages of the fold's left-out news with rare misreadings (``--sparse-rate``): clean-looking
    print with the errors it still has, for calibrating the threshold on such text. Drawn like
    the clean calibration pages, with another ``rng``: (but for a chance overlap) other runs of lines."""
    if not (args.sparse_chars and args.sparse_rate and fold.sources):
        return []
    channel = reverse_channel(confusions.top_k(args.k))
    pages = news_pages(corpus_files(load_settings().data_dir, fold.sources), args.sparse_chars, rng)
    return [misread_copy(page, channel, args.sparse_rate, rng, "page", f"print:{i}") for i, page in enumerate(pages)]


def _stack(parts: Sequence[Rows]) -> Rows:
    return (np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            [kind for p in parts for kind in p[2]], np.concatenate([p[3] for p in parts]))


def _counts(labels: np.ndarray, kinds: Sequence[str]) -> dict[str, dict[str, int]]:
    return {kind: {"rows": sum(1 for k in kinds if k == kind), "positives": int(sum(l for l, k in zip(labels, kinds) if k == kind))}
            for kind in sorted(set(kinds))}


EXAMPLES = """examples:
  ocrfix train weights --pages build/bench/pages/train --synthetic 100000 --context -o build/corrector/w.json
  ocrfix train weights --pages build/bench/pages/train --fold build/corrector/a/lm.klm=rmrb_2019-02,xwlb_2024=build/corrector/a/confusions.tsv --context -o build/corrector/w.json
  ocrfix train weights --pages build/bench/pages/train --recalibrate models/corrector.json -o build/corrector/w2.json   # thresholds only"""


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog or "python -m ocrfix train weights", description=__doc__.split("\n\n")[0],
                                     epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=Path, nargs="+", default=[],
                        help="training pages directories (NAME.ocr.txt + NAME.gt.txt [+ NAME.meta.json])")
    parser.add_argument("--fold", action="append", default=[], metavar="LM=STEM,...",
                        help="cross-fit: features of pages/synthetic text from these corpus files come from an LM trained "
                             "without them, and (with =CONFUSIONS.tsv) from a confusion set learned without their pages, "
                             "with the misread rates beside it (misread.tsv, as crossfit writes them) "
                             "(repeatable; default: the default LM on all pages)")
    parser.add_argument("--calib-every", type=int, default=2, help="every N-th page calibrates the threshold instead of fitting")
    parser.add_argument("--synthetic", type=int, default=0, metavar="CHARS", help="characters of synthetic-error text per fold")
    parser.add_argument("--synthetic-rate", type=float, default=0.03,
                        help="share of the synthetic text's Han characters replaced through the confusion set's reverse channel")
    parser.add_argument("--calib-clean", type=int, default=0, metavar="CHARS",
                        help="characters of the fold's left-out news per fold (page-sized runs) added to the clean "
                             "text the threshold is calibrated on: the clean-change rate of ~75,000 page characters "
                             "rests on a handful of edits")
    parser.add_argument("--synthetic-weight", type=float, default=0.02,
                        help="weight of a synthetic (and FASPell) row relative to a page row (real OCR errors; "
                             "on calibration pages 0.02 kept 76 true fixes at precision 0.9 vs 64 with 1.0)")
    parser.add_argument("--harmless-weight", type=float, default=0.1,
                        help="weight of a wrong candidate at a misread site: accepting it leaves one error for another, "
                             "so it costs nothing, unlike an edit of a right character (cross-fit calibration pages: "
                             "0.1 gave 8%% more fixes than 1.0 at the same number of false edits)")
    parser.add_argument("--trees", type=int, default=200,
                        help="boosted trees that rescore the candidates near the decision (0: the linear model alone; "
                             "cross-fit calibration pages: ~5%% more fixes at equal clean-text changes, RESULTS.md, the boosted-trees fit)")
    parser.add_argument("--tree-floor", type=float, default=0.05,
                        help="candidates whose linear probability reaches this are rescored by the trees (and fitted on)")
    parser.add_argument("--no-pairs", action="store_true", help="no pair model: single substitutions only")
    parser.add_argument("--faspell", action="store_true",
                        help="add FASPell ocr_train_3575 (not with a confusion set learned from it: its pairs would be memorized)")
    parser.add_argument("--confusions", nargs="+", help="confusion TSV(s) (default: models/confusions/default.tsv)")
    parser.add_argument("--context", action="store_true",
                        help="also propose context candidates (each LM's index beside it: lm.klm -> lm.context.npz)")
    parser.add_argument("-k", type=int, default=40, help="candidates per character")
    parser.add_argument("--prune", type=float, default=DEFAULT_PRUNE, help="skip sites likelier than this (log10; see features.py)")
    parser.add_argument("-C", type=float, default=1.0, help="inverse regularization strength")
    # Defaults: the targets (10 fixed per introduced, 1 change per 5,000 clean chars) with a 2x
    # safety margin: the calibration pages hold only a few hundred errors, and text from other
    # papers is harder. (With context candidates a 4x margin chose 0.975 and kept 515 fixes of the
    # calibration pages' 2,397 Han errors; 2x chose 0.775-0.8 and kept ~720, with the same single
    # false edit on the Jiefang Daily seed page.)
    parser.add_argument("--min-ratio", type=float, default=20.0, help="fixed per introduced error on calibration pages")
    # 1 per 15,000 (3x the target): with 1 per 10,000 the linear model changed 1 per 11,600
    # calibration characters but 1 per 6,900 of the held-out pages' clean text (2026-11-30), so
    # the 2x margin had shrunk to 1.4x on unseen text.
    parser.add_argument("--clean-chars", type=float, default=15000.0, help="clean characters per allowed change")
    # A second pass on noisy scans (score.NoisyPages). Calibration pages of the second-pass fit with the
    # boosted-trees fit's weights at 0.925: clean texts reached at most 2.9 first-pass edits per 1,000 characters,
    # the median light/medium/heavy training page 4.1 / 8.2 / 28.6.
    parser.add_argument("--noisy-density", type=float, default=4.0,
                        help="first-pass edits per 1,000 characters from which a text is a noisy scan and gets a second "
                             "pass at a lower threshold (0: no second pass)")
    parser.add_argument("--noisy-min-edits", type=int, default=3, help="and at least this many first-pass edits")
    parser.add_argument("--min-precision", type=float, default=0.9,
                        help="share of the second pass's edits (on noisy-classified calibration pages) that must fix an error")
    # The mirror (score.SparsePages). Calibration pages of the clean-print fit with the weights
    # shipped before it at 0.925: 97.4% of the clean ground truths and all clean news pages had fewer than one
    # first-pass edit per 1,000 characters, against 8.8% of the light training pages.
    parser.add_argument("--sparse-density", type=float, default=1.0,
                        help="first-pass edits per 1,000 characters below which a text reads like clean print and its "
                             "edits need a higher threshold (0: none)")
    # The pages of that calibration: clean print still has errors, unlike clean text, and the
    # training scans seldom look clean. A text the first pass (~40% of the Han errors at the
    # strict threshold) finds below 1 per 1,000 has at most ~2.5 Han errors per 1,000; the
    # seed page's print has none: 0.3 per 1,000 lies between in log terms.
    parser.add_argument("--sparse-rate", type=float, default=0.0003,
                        help="share of Han characters misread on the clean-print calibration pages")
    parser.add_argument("--sparse-chars", type=int, default=1_200_000, metavar="CHARS",
                        help="characters of clean-print calibration pages per fold (0: the training pages only)")
    parser.add_argument("--recalibrate", type=Path, metavar="WEIGHTS.json",
                        help="fit nothing: calibrate the thresholds of these weights (with the same --pages, --fold, "
                             "--synthetic, --calib-clean and --seed as their fit, the same calibration texts)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (synthetic text, clean-print pages, trees)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="the weights JSON to write (models/corrector.json's format)")
    return parser


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    settings = load_settings()
    rng = random.Random(args.seed)
    print_rng = random.Random(f"clean print {args.seed}")  # its own stream: the other draws stay as they were
    confusions = load_confusions(args.confusions or [settings.confusions_dir / "default.tsv"])
    if args.recalibrate:
        given = Weights.load(args.recalibrate)
        placeholder = dataclasses.replace(given, threshold=0.0, noisy=None, sparse=None)
    else:
        sources = _sources(confusions) + ((CONTEXT,) if args.context else ())
        placeholder = Weights((0.0,) * len(Weights((), 0.0, sources).names), 0.0, sources, k=args.k, prune=args.prune)
    folds = [parse_fold(spec) for spec in args.fold] or [Fold(None, ())]
    pairs = page_pairs(*args.pages) if args.pages else []
    runs, singles, pair_rows = _fold_runs(folds, pairs, args, confusions, placeholder, rng, print_rng)
    command = f"{parser.prog} " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.recalibrate:
        weights = placeholder
        fitted = dict(given.fitted, recalibrated={"date": datetime.date.today().isoformat(), "command": command})
    else:
        weights, fitted = _fit(singles, pair_rows, sources, args)
        fitted = {**_fit_record(folds, command, args), **fitted}
    final, record = _calibrate(weights, runs, args)
    final = dataclasses.replace(final, fitted={**fitted, **record})
    final.save(args.output)
    _print_calibration(final, record, args.output)
    return 0


def _fold_runs(folds: Sequence[Fold], pairs: Sequence[tuple[Path, Path]], args: argparse.Namespace, confusions: ConfusionSet,
               placeholder: Weights, rng: random.Random, print_rng: random.Random
               ) -> tuple[list[tuple[Corrector, list[Labeled], list[Labeled], list[Labeled]]], list[Rows], list[Rows]]:
    """Per fold, a corrector with its LM, confusions and misread rates (``placeholder``: the weights
    its features are for) and the texts it calibrates on (noisy pages, clean texts, clean print with
    rare errors); unless recalibrating, the rows of its fitting examples (of pairs too, unless ``--no-pairs``)."""
    runs = []  # (corrector, calibration pages, clean texts, clean print with rare errors) per fold
    singles: list[Rows] = []
    pair_rows: list[Rows] = []
    for number, fold in enumerate(folds):
        fold_confusions = load_confusions([fold.confusions]) if fold.confusions else confusions
        corrector = Corrector(model=fold.lm, confusions=fold_confusions, weights=placeholder, misread=fold.misread)
        # drawn when recalibrating too: the random stream then reaches the calibration news as in the fit
        fit_set, calib_noisy, calib_clean = fold_examples(fold, pairs, args, fold_confusions, rng)
        calib_print = clean_print_examples(fold, args, fold_confusions, print_rng)
        if args.faspell and number == 0:
            fit_set.extend(faspell_examples(load_settings().data_dir / FASPELL_TRAIN))
        if not args.recalibrate:
            singles.append(featurize(corrector, fit_set))
            if not args.no_pairs:
                pair_rows.append(featurize_pairs(corrector, fit_set))
        runs.append((corrector, calib_noisy, calib_clean, calib_print))
    return runs, singles, pair_rows


def _fit_record(folds: Sequence[Fold], command: str, args: argparse.Namespace) -> dict:
    """What fitted weights record of how they were fitted: the date, the ``command``, each fold's
    models and the confusion sets."""
    settings = load_settings()
    return {
        "date": datetime.date.today().isoformat(),
        "command": command,
        "folds": [{"lm": str(f.lm or settings.default_lm), "sources": list(f.sources),
                   "confusions": str(f.confusions) if f.confusions else None,
                   "misread": str(f.misread) if f.misread else None} for f in folds],
        "confusions": [str(p) for p in (args.confusions or ["models/confusions/default.tsv"])],
    }


def _print_calibration(final: Weights, record: dict, output: str) -> None:
    """The thresholds of the weights written to ``output`` and the calibration curves, on stderr."""
    print(f"wrote {output}: threshold {final.threshold}, on noisy scans "
          f"{final.noisy.threshold if final.noisy else 'the same'}, on clean print "
          f"{final.sparse.threshold if final.sparse else 'the same'}", file=sys.stderr)
    for row in record["curve"]:
        print("  t={threshold:.3f} fixed={fixed}/{han_errors} introduced={introduced} other={other} "
              "clean_changed={clean_changed}+{clean_rule_changed}/{clean_chars}".format(**row),
              file=sys.stderr)
    for row in record["noisy_curve"]:
        print("  noisy t={threshold:.3f} pages={noisy_pages}/{pages} fixed={fixed} introduced={introduced} other={other} "
              "(all pages fixed={fixed_all_pages}) clean: noisy={clean_noisy} changed={clean_changed}+{clean_rule_changed}"
              "/{clean_chars}".format(**row), file=sys.stderr)
    for row in record["sparse_curve"]:
        print("  sparse t={threshold:.3f} pages={sparse_pages}/{pages} fixed={fixed}/{han_errors} introduced={introduced} other={other} "
              "(all pages fixed={fixed_all_pages}) clean: sparse={clean_sparse} changed={clean_changed}"
              "/{clean_chars}".format(**row), file=sys.stderr)


def _fit(singles: Sequence[Rows], pair_rows: Sequence[Rows], sources: tuple[str, ...],
         args: argparse.Namespace) -> tuple[Weights, dict]:
    """The weights fitted on the folds' rows (threshold not yet calibrated), and their example counts."""
    matrix, labels, kinds, misread = _stack(singles)
    sample_weight = row_weights(kinds, labels, misread, args)
    weights = fit_weights(matrix, labels, sources, args.k, args.prune, args.C, sample_weight)
    if args.trees:
        weights = fit_trees(weights, matrix, labels, sample_weight, args.trees, args.tree_floor, args.seed)
    pair_counts = {}
    if pair_rows:
        pair_matrix, pair_labels, pair_kinds, pair_misread = _stack(pair_rows)
        pair_counts = _counts(pair_labels, pair_kinds)
        if pair_labels.sum() >= MIN_PAIR_POSITIVES:
            pair_model = fit_linear(pair_matrix, pair_labels, args.C, row_weights(pair_kinds, pair_labels, pair_misread, args))
            weights = dataclasses.replace(weights, pairs=pair_model)
        else:
            print(f"only {int(pair_labels.sum())} true pairs to fit on: no pair model", file=sys.stderr)
    print(f"fitted on {len(labels):,} rows ({int(labels.sum()):,} positive)", file=sys.stderr)
    return weights, {"examples": _counts(labels, kinds), "pair_examples": pair_counts}


def _calibrate(weights: Weights, runs: Sequence[tuple[Corrector, Sequence[Labeled], Sequence[Labeled], Sequence[Labeled]]],
               args: argparse.Namespace) -> tuple[Weights, dict]:
    """``weights`` with the thresholds calibrated on the folds' calibration texts (:mod:`.calibrate`),
    and the record of how (curves and rules)."""
    calibration: list[CalibrationText] = []
    calibration_clean: list[CalibrationText] = []
    clean_print: list[CalibrationText] = []
    for fold_corrector, calib_noisy, calib_clean, calib_print in runs:
        corrector = fold_corrector.scoring_with(weights)
        if calib_noisy:
            calibration += calibration_texts(corrector, calib_noisy, clean=False)
            calibration_clean += calibration_texts(corrector, calib_clean, clean=True)
        if calib_print:
            clean_print += calibration_texts(corrector, calib_print, clean=False)
    curve = threshold_curve(calibration, calibration_clean) if calibration else []
    threshold = choose_threshold(curve, args.min_ratio, args.clean_chars) if curve else weights.threshold
    noisy: NoisyPages | None = None
    second: list[dict[str, float]] = []
    if curve and args.noisy_density > 0:
        second = noisy_curve(calibration, calibration_clean, threshold, args.noisy_density, args.noisy_min_edits)
        noisy_threshold = choose_noisy_threshold(second, threshold, args.min_ratio, args.min_precision, args.clean_chars)
        if noisy_threshold < threshold:
            noisy = NoisyPages(args.noisy_density, args.noisy_min_edits, noisy_threshold)
    sparse: SparsePages | None = None
    stricter: list[dict[str, float]] = []
    if curve and args.sparse_density > 0:
        stricter = sparse_curve(calibration + clean_print, calibration_clean, threshold, args.sparse_density)
        sparse_threshold = choose_sparse_threshold(stricter, threshold, args.min_precision)
        if sparse_threshold > threshold:
            sparse = SparsePages(args.sparse_density, sparse_threshold)
    record = {
        "calibration_pages": sum(len(r[1]) for r in runs),
        "clean_print_pages": len(clean_print),
        "threshold_rule": f"lowest with fixed >= {args.min_ratio} x introduced and <= 1 change per {args.clean_chars:.0f} clean chars",
        "curve": curve,
        "noisy_rule": f"texts with >= {args.noisy_min_edits} first-pass edits and >= {args.noisy_density} per 1,000 chars; "
                      f"lowest second-pass threshold with, on those pages, fixed >= {args.min_ratio} x introduced and "
                      f">= {args.min_precision} of edits fixing an error, and the same clean-text budget",
        "noisy_curve": second,
        "sparse_rule": f"texts with < {args.sparse_density} first-pass edits per 1,000 chars; lowest threshold from which "
                       f"on >= {args.min_precision} of the edits on such pages (calibration pages, and "
                       f"{len(clean_print)} pages of left-out news with Han characters misread at {args.sparse_rate}) fix an error",
        "sparse_curve": stricter,
    }
    return dataclasses.replace(weights, threshold=threshold, noisy=noisy, sparse=sparse), record


if __name__ == "__main__":
    sys.exit(main())
