"""The calibrated edit score: logistic regression over candidate features, refined by boosted trees.

Weights live in a JSON file (``models/corrector.json``) written by :mod:`ocrfix.training.fit`,
with the feature names, the sources, the candidate depth ``k``, the default threshold and how
they were fitted.

The logistic regression scores every candidate (one matrix product per site); the few whose
probability reaches the tree model's ``floor`` — where accept-or-not is decided — are rescored by
gradient-boosted trees, which can bend the response where the linear model cannot (a big LM gain
means less for a candidate that looks nothing like the seen character). The trees are stored as
plain arrays, not a pickle, so a model file does not depend on the scikit-learn version.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..checksums import verify_model
from ..errors import ModelError
from ..textio import write_text_atomic
from .features import BASE_FEATURES, PAIR_FEATURES


def _folded(coef: tuple[float, ...], intercept: float, mean: tuple[float, ...],
            scale: tuple[float, ...]) -> tuple[np.ndarray, float]:
    """Weights and intercept on raw columns: ``((x - mean) / scale) @ coef + intercept`` as ``x @ w + b``."""
    w = np.asarray(coef) / np.asarray(scale) if mean else np.asarray(coef)
    return w, intercept - float(np.asarray(mean) @ w) if mean else intercept


def _logistic(matrix: np.ndarray, folded: tuple[np.ndarray, float]) -> np.ndarray:
    if matrix.shape[0] == 0:
        return np.zeros(0)
    w, b = folded
    return 1.0 / (1.0 + np.exp(-(matrix @ w + b)))


class _Folded:
    """The folded weights of a logistic regression with ``coef``, ``intercept``, ``mean`` and
    ``scale`` fields, computed once per (frozen) instance."""

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    @cached_property
    def _raw(self) -> tuple[np.ndarray, float]:
        return _folded(self.coef, self.intercept, self.mean, self.scale)


@dataclass(frozen=True)
class LinearScore(_Folded):
    """A logistic regression over standardized feature columns (the pair model: :data:`PAIR_FEATURES`)."""

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        return _logistic(matrix, self._raw)


@dataclass(frozen=True, eq=False)
class TreeScore:
    """Boosted regression trees over raw feature rows: P = sigmoid(baseline + sum of leaf values).

    Node arrays are ``(trees, nodes)``; a leaf points to itself on both sides, so walking ``depth``
    steps from the root lands every row on its leaf in every tree at once (numpy gathers, no
    Python loop over trees).
    """

    baseline: float
    depth: int
    feature: np.ndarray  # (trees, nodes) int: the column a split tests (0 at leaves)
    threshold: np.ndarray  # (trees, nodes) float: go left when value <= threshold
    left: np.ndarray  # (trees, nodes) int
    right: np.ndarray  # (trees, nodes) int
    value: np.ndarray  # (trees, nodes) float: leaf contributions (learning rate applied)
    floor: float = 0.0  # rows whose linear probability is below this keep it

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.decision(matrix)))

    def decision(self, matrix: np.ndarray) -> np.ndarray:
        """The log-odds of each row. Features are compared as float32, as scikit-learn's trees
        were fitted and split on them (a float64 value just above a float32 threshold would
        otherwise go the other way)."""
        n_trees = self.feature.shape[0]
        values = matrix.astype(np.float32)
        tree = np.arange(n_trees)[None, :]
        node = np.zeros((matrix.shape[0], n_trees), dtype=np.int64)
        rows = np.arange(matrix.shape[0])[:, None]
        for _ in range(self.depth):
            go_left = values[rows, self.feature[tree, node]] <= self.threshold[tree, node]
            node = np.where(go_left, self.left[tree, node], self.right[tree, node])
        return self.baseline + self.value[tree, node].sum(axis=1)

    def to_record(self) -> dict[str, Any]:
        return {"baseline": self.baseline, "depth": self.depth, "floor": self.floor,
                **{name: getattr(self, name).tolist() for name in ("feature", "threshold", "left", "right", "value")}}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "TreeScore":
        arrays = {name: np.asarray(record[name], dtype=np.int64 if name in ("feature", "left", "right") else np.float64)
                  for name in ("feature", "threshold", "left", "right", "value")}
        shapes = {a.shape for a in arrays.values()}
        if len(shapes) != 1 or len(next(iter(shapes))) != 2:
            raise ValueError("tree arrays of different shapes")
        n_nodes = arrays["feature"].shape[1]
        if any(((arrays[k] < 0) | (arrays[k] >= n_nodes)).any() for k in ("left", "right")):
            raise ValueError("tree child index out of range")
        if (arrays["feature"] < 0).any():
            raise ValueError("negative tree feature index")
        return cls(float(record["baseline"]), int(record["depth"]), floor=float(record.get("floor", 0.0)), **arrays)

    @classmethod
    def from_sklearn(cls, model: Any, floor: float = 0.0) -> "TreeScore":
        """Export a fitted binary ``sklearn.ensemble.GradientBoostingClassifier`` (public tree API)."""
        trees = [estimator.tree_ for estimator in model.estimators_[:, 0]]
        n_nodes = max(t.node_count for t in trees)
        shape = (len(trees), n_nodes)
        feature, left, right = np.zeros(shape, np.int64), np.zeros(shape, np.int64), np.zeros(shape, np.int64)
        threshold, value = np.zeros(shape), np.zeros(shape)
        depth, nodes = 0, np.arange(n_nodes)
        for k, t in enumerate(trees):
            leaf = np.ones(n_nodes, dtype=bool)
            leaf[:t.node_count] = t.children_left == -1
            left[k] = right[k] = nodes  # leaves (and padding) point to themselves
            inner = np.flatnonzero(~leaf)
            feature[k, inner] = t.feature[inner]
            threshold[k, inner] = t.threshold[inner]
            left[k, inner] = t.children_left[inner]
            right[k, inner] = t.children_right[inner]
            value[k, :t.node_count] = np.where(leaf[:t.node_count], t.value[:, 0, 0] * model.learning_rate, 0.0)
            depth = max(depth, t.max_depth)
        # the initial raw prediction (the prior's log-odds): the model's decision value minus its trees'
        x = np.zeros((1, model.n_features_in_))
        partial = cls(0.0, depth, feature, threshold, left, right, value)
        baseline = float(model.decision_function(x)[0] - partial.decision(x)[0])
        return dataclasses.replace(partial, baseline=baseline, floor=floor)


@dataclass(frozen=True)
class NoisyPages:
    """How the corrector tells a noisy scan and how far it then goes.

    A text on which the first pass (at the weights' threshold) accepts at least ``min_edits``
    edits and at least ``density`` per 1,000 characters is a noisy scan: errors are dense there,
    so the same evidence is likelier to point at one, and a second pass accepts edits down to
    ``threshold``. Clean text almost never gets that many first-pass edits, so its false-edit
    rate stays the strict threshold's.
    """

    density: float  # first-pass edits per 1,000 characters
    min_edits: int
    threshold: float

    def is_noisy(self, edits: int, chars: int) -> bool:
        return edits >= self.min_edits and edits * 1000 >= self.density * chars

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "NoisyPages":
        noisy = cls(float(record["density"]), int(record["min_edits"]), float(record["threshold"]))
        if not (noisy.density > 0 and noisy.min_edits >= 1 and 0.0 <= noisy.threshold <= 1.0):
            raise ValueError("noisy: density > 0, min_edits >= 1 and a threshold in [0, 1] expected")
        return noisy


#: Mean log10 P per token (the news LM's, ``</s>`` included) below which a text is far from the
#: LM's domain: 3 times less likely per character than unseen news (held-out 人民日报 2020-05:
#: perplexity 19.2, -1.28; models/README.md). Blocks of clean essays (SIGHAN training gold) score
#: -1.85 to -2.10, the Tesseract and RapidOCR training pages -0.5 to -2.0, those above -1.8 all
#: but the noisiest scans, whose many sure edits tell them anyway.
FAR_LOGP = -1.8
#: ... and where the first pass edits fewer than this many per 1,000 characters (the density of the
#: shipped noisy-scan rule; clean texts of the calibration reach at most 2.9): a text far from news
#: with denser edits is one with errors (captions, essays: FASPell's and SIGHAN's lines, corrected one
#: by one, have an edit in a dozen characters), where a weak edit is as likely right as on a scan.
FAR_MAX_DENSITY = 4.0


@dataclass(frozen=True)
class SparsePages:
    """The mirror of :class:`NoisyPages`: a text on which the first pass accepts fewer than
    ``density`` edits per 1,000 characters (as :meth:`counted` counts them) reads like clean
    print, where an error is rarer than on the pages the weights were calibrated on, so the same
    evidence is less likely to point at one; there an edit needs a probability of at least
    ``threshold`` (above the weights' own). In a text far from the LM's domain (:data:`FAR_LOGP`)
    only the edits that reach ``threshold`` count (:meth:`counted`): clean text of another domain
    gets a few weak edits where the news LM merely prefers a news word to the text's own (three in
    2,000 characters would make it look like a scan), while a scan's misreadings mostly give
    edits that clear the clean-print threshold too.
    """

    density: float  # first-pass edits per 1,000 characters
    threshold: float

    def is_sparse(self, edits: int, chars: int) -> bool:
        return edits * 1000 < self.density * chars

    def counted(self, probabilities: Sequence[float], logp: float, chars: int) -> int:
        """How many of the first-pass edits of these ``probabilities`` count toward a scan in a text
        of ``chars`` characters whose mean log10 P per token is ``logp``: all of them, or in a text
        far from the LM's domain (``logp`` below :data:`FAR_LOGP`) whose edits are fewer than
        :data:`FAR_MAX_DENSITY` per 1,000 characters those that reach ``threshold``."""
        if logp >= FAR_LOGP or len(probabilities) * 1000 >= FAR_MAX_DENSITY * chars:
            return len(probabilities)
        return sum(p >= self.threshold for p in probabilities)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "SparsePages":
        sparse = cls(float(record["density"]), float(record["threshold"]))
        if not (sparse.density > 0 and 0.0 <= sparse.threshold <= 1.0):
            raise ValueError("sparse: density > 0 and a threshold in [0, 1] expected")
        return sparse


@dataclass(frozen=True)
class DomainGate:
    """The threshold of a profile with a domain LM (:mod:`ocrfix.lm.mixed`) on text unlike its domain.

    A profile fitted on one kind of text (learners' essays, video captions) is calibrated on that
    kind, and its domain LM makes other text read less likely still: fitted on SIGHAN's essays
    with the ratio its own kind allows, it changed 2.9 Han characters per 10,000 of clean text of
    seven other domains (benchmarks/RESULTS.md, "Sentence fits"). A block in which the domain
    model's mean posterior share of the tokens (:meth:`~ocrfix.lm.mixed.MixedLM.domain_share`) is
    below ``share`` — a low quantile of the domain's own unseen lines, chosen by the calibration
    (:data:`~ocrfix.training.calibrate.GATE_QUANTILES`) — is held to ``threshold`` at least: the threshold at which the
    domain's correct lines keep the clean-text budget. A mean over a whole block of ``block_chars``
    or more varies far less than one over a line, so such a block is held to ``block_share``
    instead (where the calibration had enough blocks to tell): the same share of the domain's own
    text, pooled into blocks of that size, falls below it.
    """

    share: float
    threshold: float
    block_share: float | None = None
    block_chars: int = 2000

    def floor(self, share: float | None, chars: int = 0) -> float:
        """The lowest threshold for a text of ``chars`` characters and this domain ``share`` (0.0: no floor;
        None: no tokens)."""
        cutoff = self.block_share if self.block_share is not None and chars >= self.block_chars else self.share
        return self.threshold if share is not None and share < cutoff else 0.0

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "DomainGate":
        block = record.get("block_share")
        gate = cls(float(record["share"]), float(record["threshold"]), None if block is None else float(block),
                   int(record.get("block_chars", 2000)))
        if not (all(0.0 <= x <= 1.0 for x in (gate.share, gate.threshold, gate.block_share or 0.0)) and gate.block_chars > 0):
            raise ValueError("domain_gate: shares and a threshold in [0, 1] and block_chars > 0 expected")
        return gate


#: The acceptance probability of weights that were never calibrated.
DEFAULT_THRESHOLD = 0.9
#: Candidates per seen character unless the weights say otherwise.
DEFAULT_K = 20
#: Sites whose character and next token the LM finds likelier than this (log10) are skipped.
DEFAULT_PRUNE = -2.5


@dataclass(frozen=True)
class Weights(_Folded):
    coef: tuple[float, ...]  # one per feature (BASE_FEATURES + src:<source>)
    intercept: float
    sources: tuple[str, ...] = ()
    threshold: float = DEFAULT_THRESHOLD  # acceptance probability (calibrated by the fit)
    k: int = DEFAULT_K  # candidates per seen character
    prune: float | None = DEFAULT_PRUNE  # skip sites whose char and next token are likelier than this (None: none)
    mean: tuple[float, ...] = ()  # feature standardization (empty = none)
    scale: tuple[float, ...] = ()
    fitted: dict[str, Any] = field(default_factory=dict)  # provenance: data, counts, date, command
    pairs: LinearScore | None = None  # the pair model (None: no pair edits)
    trees: TreeScore | None = None  # rescores the rows the linear model puts at or above its floor
    noisy: NoisyPages | None = None  # the second pass on noisy scans (None: one threshold for every text)
    sparse: SparsePages | None = None  # the stricter threshold on clean-looking text (None: none)
    domain_gate: DomainGate | None = None  # the threshold on text unlike a domain LM's (None: none)

    @property
    def names(self) -> tuple[str, ...]:
        return BASE_FEATURES + tuple(f"src:{s}" for s in self.sources)

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        """P(candidate should replace the original) for each feature row."""
        linear = _logistic(matrix, self._raw)
        if self.trees is None:
            return linear
        close = np.flatnonzero(linear >= self.trees.floor)
        if len(close):
            linear[close] = self.trees.probability(matrix[close])
        return linear

    def save(self, path: str | Path) -> None:
        record = asdict(self)
        if self.domain_gate is None:  # weights of no domain LM are written as before
            del record["domain_gate"]
        record["features"] = list(self.names)
        if self.pairs is not None:
            record["pairs"]["features"] = list(PAIR_FEATURES)
        if self.trees is not None:
            record["trees"] = self.trees.to_record()
        write_text_atomic(path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> "Weights":
        path = Path(path)
        try:
            if path.is_file():
                verify_model(path)
            record = json.loads(path.read_text(encoding="utf-8"))
            weights = cls._from_record(record)
        except FileNotFoundError:
            raise ModelError(f"{path}: corrector weights not found") from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ModelError(f"{path}: not a corrector weights file (expected UTF-8 JSON)") from None
        except OSError as exc:
            raise ModelError(f"{path}: cannot read corrector weights ({exc.strerror})") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}: not a corrector weights file (bad or missing field: {exc})") from None
        weights._check_features(path, record)
        return weights

    @classmethod
    def _from_record(cls, record: dict[str, Any]) -> "Weights":
        """The weights a weights file's ``record`` holds (ValueError, KeyError or TypeError where a field is bad or missing)."""
        return cls(
            coef=tuple(map(float, record["coef"])),
            intercept=float(record["intercept"]),
            sources=tuple(record.get("sources", ())),
            threshold=float(record.get("threshold", DEFAULT_THRESHOLD)),
            k=int(record.get("k", DEFAULT_K)),
            prune=None if record.get("prune") is None else float(record["prune"]),
            mean=tuple(map(float, record.get("mean", ()))),
            scale=tuple(map(float, record.get("scale", ()))),
            fitted=dict(record.get("fitted", {})),
            pairs=_pair_score(record["pairs"]) if record.get("pairs") else None,
            trees=TreeScore.from_record(record["trees"]) if record.get("trees") else None,
            noisy=NoisyPages.from_record(record["noisy"]) if record.get("noisy") else None,
            sparse=SparsePages.from_record(record["sparse"]) if record.get("sparse") else None,
            domain_gate=DomainGate.from_record(record["domain_gate"]) if record.get("domain_gate") else None,
        )

    def _check_features(self, path: Path, record: dict[str, Any]) -> None:
        """Refuse weights (read from ``record``, the file ``path``'s) fitted on other features than this
        version's: the linear model's, the pair model's, the tree model's."""
        n = len(self.names)
        if len(self.coef) != n or (self.mean and (len(self.mean) != n or len(self.scale) != n)):
            raise ModelError(f"{path}: expected {n} coefficients for features {', '.join(self.names)}")
        if "features" in record and tuple(record["features"]) != self.names:
            raise ModelError(f"{path}: feature names differ from this version's ({', '.join(self.names)})")
        if self.pairs is not None and _pairs_differ(self.pairs, record["pairs"]):
            raise ModelError(f"{path}: the pair model does not match this version's features ({', '.join(PAIR_FEATURES)})")
        if self.trees is not None and (self.trees.feature >= n).any():
            raise ModelError(f"{path}: the tree model tests a feature beyond the {n} of this version")


def _pairs_differ(pairs: LinearScore, record: dict[str, Any]) -> bool:
    """Whether the pair model (``pairs``, read from ``record``) was fitted on other features than :data:`PAIR_FEATURES`."""
    return (len(pairs.coef) != len(PAIR_FEATURES) or tuple(record.get("features", PAIR_FEATURES)) != PAIR_FEATURES
            or bool(pairs.mean and (len(pairs.mean) != len(PAIR_FEATURES) or len(pairs.scale) != len(PAIR_FEATURES))))


def _pair_score(record: dict[str, Any]) -> LinearScore:
    return LinearScore(tuple(map(float, record["coef"])), float(record["intercept"]),
                       tuple(map(float, record.get("mean", ()))), tuple(map(float, record.get("scale", ()))))
