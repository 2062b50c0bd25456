"""Build the re-ranked confusion set: training pairs in folds, pools, cross-validation, final set.

Training pairs come from FASPell-format files (the OCR train split) and aligned OCR/GT training
pages; fold ``i % folds`` of each line or page. For every fold the learned channels (``learned``
from FASPell, ``tesseract`` from pages; same estimator as ``ocrfix confusions learn``) are
re-estimated without it; fixed sets (pinyin, a sheets channel, ...) are shared by all folds.
"""
from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ...errors import InputError
from ...normalize import fold_char
from . import rerank
from .coverage import faspell_sentences
from .glyphs import GlyphFeatures, glyph_features
from .learn import ChannelCounts, channel_set, merge_counts
from ...confusions.model import ConfusionSet
from .ranker import Pools, build_pools, extend_pools
from .shape import ShapeData

COMPONENT_K = 60  # component-sharing candidates added per char
CHANNELS = ("learned", "tesseract")  # learned from FASPell lines / from pages, re-estimated per fold


@dataclass(frozen=True)
class Unit:
    """One training document: its fold, its (seen, true) error pairs and its channel counts."""

    fold: int
    kind: str  # "learned" (FASPell line) or "tesseract" (page)
    pairs: Counter[tuple[str, str]]
    counts: ChannelCounts


def _unit(fold: int, kind: str, gt: str, subs: list[tuple[str, str]], ocr: str) -> Unit:
    counts = ChannelCounts()
    counts.add_text(gt, subs, ocr)
    pairs = Counter((s, t) for t, s in subs if s != t and fold_char(s) != fold_char(t))
    return Unit(fold, kind, pairs, counts)


def faspell_units(text: str, name: str, folds: int) -> list[Unit]:
    return [_unit(i % folds, "learned", correct, list(zip(correct, ocr)), ocr)
            for i, (ocr, correct) in enumerate(faspell_sentences(text, name))]


def page_units(docs: Sequence[tuple[str, str]], folds: int) -> list[Unit]:
    """Units of (gt, ocr) pages aligned with the evaluation aligner."""
    from ...evaluation import aligned_pairs

    return [_unit(i % folds, "tesseract", gt, aligned_pairs(gt, ocr), ocr)
            for i, (gt, ocr) in enumerate(tqdm(docs, desc="aligning pages", unit="page", leave=False))]


def channels(units: Sequence[Unit], allowed: frozenset[str], skip_fold: int | None = None) -> dict[str, ConfusionSet]:
    """The learned channel sets from ``units`` (without fold ``skip_fold``)."""
    out = {}
    for kind in CHANNELS:
        parts = [u.counts for u in units if u.kind == kind and u.fold != skip_fold]
        if parts:
            out[kind] = channel_set(merge_counts(parts), allowed)
    return out


def pairs_of(units: Sequence[Unit], fold: int | None = None, kind: str | None = None) -> Counter[tuple[str, str]]:
    out: Counter[tuple[str, str]] = Counter()
    for u in units:
        if (fold is None or u.fold == fold) and (kind is None or u.kind == kind):
            out.update(u.pairs)
    return out


def base_pools(chars: Sequence[str], shape: ShapeData, freq: Mapping[str, int], cache: Path | None) -> tuple[GlyphFeatures, Pools]:
    """Glyph features and ranker pools of ``chars``, from ``cache`` (a pickle) when it holds the same chars."""
    if cache is not None and cache.is_file():
        with cache.open("rb") as fh:
            feats, pools = pickle.load(fh)
        if tuple(feats.chars) == tuple(chars):
            return feats, pools
    feats = glyph_features(list(chars))
    pools = build_pools(feats, shape, freq)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("wb") as fh:
            pickle.dump((feats, pools), fh)
    return feats, pools


@dataclass(frozen=True)
class Wide:
    """The widened pool: rows, which rows are glyph/shape members, the channel names in use."""

    pools: Pools
    base: np.ndarray
    names: tuple[str, ...]


def widen(feats: GlyphFeatures, pools: Pools, shape: ShapeData, freq: Mapping[str, int],
          sets: Mapping[str, ConfusionSet], component_k: int = COMPONENT_K) -> Wide:
    """Pools plus component-sharing chars (base members) and every candidate of ``sets``."""
    comps = shape.component_neighbours(pools.chars, component_k) if component_k else {}
    extra: dict[str, list[str]] = {ch: list(c) for ch, c in comps.items()}
    for cset in sets.values():
        for ch, conf in cset.pairs():
            extra.setdefault(ch, []).append(conf.char)
    wide = extend_pools(pools, feats, shape, freq, extra)
    comp_pairs = {(ch, c) for ch, cands in comps.items() for c in cands}
    chars = wide.chars
    base = np.arange(len(wide.seen)) < len(pools.seen)
    tail = np.flatnonzero(~base)
    base[tail] = [(chars[wide.seen[r]], chars[wide.cand[r]]) in comp_pairs for r in tail.tolist()]
    return Wide(wide, base, tuple(sets))


@dataclass(frozen=True)
class CvReport:
    ks: tuple[int, ...]
    coverage: dict[str, list[float]]  # "learned"/"tesseract"/"all" -> per K, pooled over folds
    pairs: dict[str, int]


def cross_validate(wide: Wide, units: Sequence[Unit], shared: Mapping[str, ConfusionSet], allowed: frozenset[str],
                   folds: int, ks: Sequence[int]) -> tuple[list, list, CvReport]:
    """Fold rows (features with out-of-fold channels) and the pooled held-out coverage per kind."""
    xs, ys, fold_sets = [], [], []
    for f in range(folds):
        sets = {**shared, **channels(units, allowed, skip_fold=f)}
        fold = rerank.Fold(pairs_of(units, f), sets)
        x, y = rerank.fold_rows(wide.pools, wide.base, fold, wide.names)
        xs.append(x)
        ys.append(y)
        fold_sets.append(sets)
    hits: dict[str, np.ndarray] = {}
    totals: Counter[str] = Counter()
    for f in range(folds):
        model = rerank.fit([x for g, x in enumerate(xs) if g != f], [y for g, y in enumerate(ys) if g != f])
        x = rerank.features(wide.pools, fold_sets[f], wide.names)
        prob = model.predict_proba(x)[:, 1]
        valid = rerank.valid_rows(wide.pools, wide.base, x[:, wide.pools.x.shape[1]:])
        for kind in (*CHANNELS, None):
            pairs = pairs_of(units, f, kind)
            if pairs:
                key = kind or "all"
                n = sum(pairs.values())
                hits[key] = hits.get(key, 0) + n * np.array(rerank.fold_coverage(wide.pools, prob, valid, pairs, ks))
                totals[key] += n
    report = CvReport(tuple(ks), {k: list(v / totals[k]) for k, v in hits.items()}, dict(totals))
    return xs, ys, report


def final_set(wide: Wide, xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], sets: Mapping[str, ConfusionSet],
              k: int, fallback: ConfusionSet | None = None) -> ConfusionSet:
    """The model trained on every fold's rows, applied with the full sets; chars outside the pools
    (punctuation, non-inventory chars) keep their ``fallback`` candidates."""
    model = rerank.fit(xs, ys)
    x = rerank.features(wide.pools, sets, wide.names)
    scores = x[:, wide.pools.x.shape[1]:]
    prob = model.predict_proba(x)[:, 1]
    valid = rerank.valid_rows(wide.pools, wide.base, scores)
    out = rerank.reranked_set(wide.pools, prob, valid, scores, wide.base, wide.names, k)
    if fallback is None:
        return out
    table = {ch: out.candidates(ch) for ch in out.chars()}
    for ch in fallback.chars() - set(wide.pools.chars):
        table[ch] = fallback.candidates(ch, k)
    return ConfusionSet(table, name="reranked")


def build(units: Sequence[Unit], shared: Mapping[str, ConfusionSet], allowed: frozenset[str], shape: ShapeData,
          freq: Mapping[str, int], cache: Path | None, folds: int = 3, k: int = 40, component_k: int = COMPONENT_K,
          fallback: ConfusionSet | None = None, ks: Sequence[int] = (1, 5, 10, 20, 40)) -> tuple[ConfusionSet, CvReport, tuple[str, ...]]:
    """Cross-validate and build the re-ranked set; returns it, the CV report and the source names."""
    if not any(u.pairs for u in units):
        raise InputError("rerank: the training data has no error pairs")
    feats, pools = base_pools(sorted(allowed), shape, freq, cache)
    full = {**shared, **channels(units, allowed)}
    wide = widen(feats, pools, shape, freq, full, component_k)
    xs, ys, report = cross_validate(wide, units, shared, allowed, folds, ks)
    return final_set(wide, xs, ys, full, k, fallback), report, wide.names


def check_training_only(paths: Sequence[str | Path]) -> None:
    for path in paths:
        if "test" in Path(path).name or "eval" in Path(path).parts:
            raise InputError(f"{path}: looks like a test/eval split; the re-ranker learns from training data only")
