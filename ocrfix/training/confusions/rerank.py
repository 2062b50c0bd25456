"""One ranking of the whole merged candidate pool, learned from real OCR errors (stacking).

The noisy-OR merge adds per-source scores with hand-set weights, so a true candidate that two
weak sources agree on can rank below 40. Here every (seen, candidate) pair of a wide pool —
glyph neighbours and one-part swaps (:mod:`ranker`), chars sharing IDS components, sound-alikes
and every candidate of the learned channels — gets the ranker's glyph/shape features plus the
score of each *source set* (0 where it has none), and a gradient-boosting classifier ranks them.

The learned channels were estimated from the very pairs the classifier learns from, so their
scores are computed **out of fold**: training pairs are split into folds (FASPell lines and
training pages alike) and the rows of fold f get channel scores learned without fold f. A
channel-only pool member is a row of fold f only if fold f's channels propose it, as at run time.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from ...errors import ModelError
from ...confusions.model import Confusion, ConfusionSet
from .ranker import Pools

BASE_SOURCE = "visual"  # tag of glyph/shape pool members in the output set


@dataclass(frozen=True)
class Fold:
    """One fold of training pairs: (seen, true) counts and the source sets learned without it."""

    pairs: Counter[tuple[str, str]]
    sets: Mapping[str, ConfusionSet]  # source name -> set (channels out of fold; the rest shared)


def lookup(pools: Pools, cset: ConfusionSet) -> np.ndarray:
    """The score ``cset`` gives each pool row's (seen, candidate) pair, 0 where it has none."""
    index = {(ch, c.char): c.score for ch, c in cset.pairs()}
    chars = pools.chars
    return np.fromiter((index.get((chars[s], chars[c]), 0.0) for s, c in zip(pools.seen, pools.cand)),
                       np.float32, len(pools.seen))


def features(pools: Pools, sets: Mapping[str, ConfusionSet], names: Sequence[str]) -> np.ndarray:
    """Pool features plus one score column per source set, in ``names`` order."""
    missing = [n for n in names if n not in sets]
    if missing:
        raise ModelError(f"rerank: no set for source(s) {', '.join(missing)}")
    return np.hstack([pools.x, np.stack([lookup(pools, sets[n]) for n in names], axis=1)])


def valid_rows(pools: Pools, base_rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Rows that are in the pool for these sets: base members, or proposed by some source set."""
    return base_rows | (scores > 0).any(axis=1)


def label_rows(pools: Pools, pairs: Mapping[tuple[str, str], int]) -> tuple[np.ndarray, np.ndarray]:
    """(rows of the seen chars that have a training pair, label: the row's pair is one of them)."""
    pos = {c: i for i, c in enumerate(pools.chars)}
    known = {(pos[w], pos[r]) for w, r in pairs if w in pos and r in pos}
    seen_chars = np.array(sorted({s for s, _ in known}), dtype=np.int64)
    y = np.fromiter(((s, c) in known for s, c in zip(pools.seen.tolist(), pools.cand.tolist())), bool, len(pools.seen))
    return np.isin(pools.seen, seen_chars), y


def fold_rows(pools: Pools, base_rows: np.ndarray, fold: Fold, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Training rows (features, labels) of one fold: its seen chars' valid pool rows."""
    x = features(pools, fold.sets, names)
    rows, y = label_rows(pools, fold.pairs)
    keep = rows & valid_rows(pools, base_rows, x[:, pools.x.shape[1]:])
    return x[keep], y[keep]


def fit(xs: Sequence[np.ndarray], ys: Sequence[np.ndarray], seed: int = 0) -> HistGradientBoostingClassifier:
    """Gradient boosting on the stacked fold rows (classes balanced: ~1 positive per 300 rows)."""
    x, y = np.vstack(xs), np.concatenate(ys)
    if not y.any():
        raise ModelError("rerank: no training pair falls inside a candidate pool")
    clf = HistGradientBoostingClassifier(learning_rate=0.1, max_iter=300, class_weight="balanced", random_state=seed)
    return clf.fit(x, y)


def ranks(pools: Pools, prob: np.ndarray, valid: np.ndarray) -> dict[tuple[int, int], int]:
    """1-based rank of every valid (seen, candidate) row within its seen char, by probability."""
    rows = np.flatnonzero(valid)
    order = rows[np.lexsort((-prob[rows], pools.seen[rows]))]
    out: dict[tuple[int, int], int] = {}
    last, r = -1, 0
    for s, c in zip(pools.seen[order].tolist(), pools.cand[order].tolist()):
        r = r + 1 if s == last else 1
        last = s
        out[(s, c)] = r
    return out


def fold_coverage(pools: Pools, prob: np.ndarray, valid: np.ndarray, pairs: Mapping[tuple[str, str], int],
                  ks: Sequence[int]) -> list[float]:
    """Count-weighted share of ``pairs`` whose truth ranks within K (pairs outside the pool miss)."""
    pos = {c: i for i, c in enumerate(pools.chars)}
    rank = ranks(pools, prob, valid)
    total = sum(pairs.values())
    found = [(rank.get((pos.get(w, -1), pos.get(r, -1))), n) for (w, r), n in pairs.items()]
    return [sum(n for rk, n in found if rk is not None and rk <= k) / total for k in ks]


def reranked_set(pools: Pools, prob: np.ndarray, valid: np.ndarray, scores: np.ndarray, base_rows: np.ndarray,
                 names: Sequence[str], k: int) -> ConfusionSet:
    """Top-``k`` valid pool members per seen char by probability; sources = the glyph/shape pool
    (``visual``) and every source set that scores the pair."""
    rows = np.flatnonzero(valid)
    order = rows[np.lexsort((-prob[rows], pools.seen[rows]))]
    table: dict[str, list[Confusion]] = {}
    for row in order.tolist():
        cands = table.setdefault(pools.chars[pools.seen[row]], [])
        if len(cands) < k:
            tags = ((BASE_SOURCE,) if base_rows[row] else ()) + tuple(n for n, v in zip(names, scores[row]) if v > 0)
            cands.append(Confusion(pools.chars[pools.cand[row]], float(min(1.0, max(prob[row], 1e-6))), tags))
    return ConfusionSet(table, name="reranked")
