"""The calibrated edit score: logistic regression weights over candidate features.

Weights live in a JSON file (``models/corrector.json``) written by :mod:`ocrfix.correct.fit`,
with the feature names, the sources, the candidate depth ``k``, the default threshold and how
they were fitted.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from ..textio import write_text_atomic
from .features import BASE_FEATURES, PAIR_FEATURES


def _logistic(matrix: np.ndarray, coef: tuple[float, ...], intercept: float, mean: tuple[float, ...],
              scale: tuple[float, ...]) -> np.ndarray:
    if matrix.shape[0] == 0:
        return np.zeros(0)
    x = (matrix - np.asarray(mean)) / np.asarray(scale) if mean else matrix
    return 1.0 / (1.0 + np.exp(-(x @ np.asarray(coef) + intercept)))


@dataclass(frozen=True)
class LinearScore:
    """A logistic regression over standardized feature columns (the pair model: :data:`PAIR_FEATURES`)."""

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        return _logistic(matrix, self.coef, self.intercept, self.mean, self.scale)


@dataclass(frozen=True)
class Weights:
    coef: tuple[float, ...]  # one per feature (BASE_FEATURES + src:<source>)
    intercept: float
    sources: tuple[str, ...] = ()
    threshold: float = 0.9  # default acceptance probability
    k: int = 20  # candidates per seen character
    prune: float | None = -2.5  # skip sites whose char and next token are likelier than this (log10)
    mean: tuple[float, ...] = ()  # feature standardization (empty = none)
    scale: tuple[float, ...] = ()
    fitted: dict[str, Any] = field(default_factory=dict)  # provenance: data, counts, date, command
    pairs: LinearScore | None = None  # the pair model (None: no pair edits)

    @property
    def names(self) -> tuple[str, ...]:
        return BASE_FEATURES + tuple(f"src:{s}" for s in self.sources)

    def probability(self, matrix: np.ndarray) -> np.ndarray:
        """P(candidate should replace the original) for each feature row."""
        return _logistic(matrix, self.coef, self.intercept, self.mean, self.scale)

    def save(self, path: str | Path) -> None:
        record = asdict(self)
        record["features"] = list(self.names)
        if self.pairs is not None:
            record["pairs"]["features"] = list(PAIR_FEATURES)
        write_text_atomic(path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> "Weights":
        path = Path(path)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            weights = cls(
                coef=tuple(map(float, record["coef"])),
                intercept=float(record["intercept"]),
                sources=tuple(record.get("sources", ())),
                threshold=float(record.get("threshold", 0.9)),
                k=int(record.get("k", 20)),
                prune=None if record.get("prune") is None else float(record["prune"]),
                mean=tuple(map(float, record.get("mean", ()))),
                scale=tuple(map(float, record.get("scale", ()))),
                fitted=dict(record.get("fitted", {})),
                pairs=_pair_score(record["pairs"]) if record.get("pairs") else None,
            )
        except FileNotFoundError:
            raise ModelError(f"{path}: corrector weights not found") from None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ModelError(f"{path}: not a corrector weights file (expected UTF-8 JSON)") from None
        except OSError as exc:
            raise ModelError(f"{path}: cannot read corrector weights ({exc.strerror})") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"{path}: not a corrector weights file (bad or missing field: {exc})") from None
        n = len(weights.names)
        if len(weights.coef) != n or (weights.mean and (len(weights.mean) != n or len(weights.scale) != n)):
            raise ModelError(f"{path}: expected {n} coefficients for features {', '.join(weights.names)}")
        if "features" in record and tuple(record["features"]) != weights.names:
            raise ModelError(f"{path}: feature names differ from this version's ({', '.join(weights.names)})")
        pairs = weights.pairs
        if pairs is not None and (len(pairs.coef) != len(PAIR_FEATURES) or tuple(record["pairs"].get("features", PAIR_FEATURES)) != PAIR_FEATURES
                                  or (pairs.mean and (len(pairs.mean) != len(PAIR_FEATURES) or len(pairs.scale) != len(PAIR_FEATURES)))):
            raise ModelError(f"{path}: the pair model does not match this version's features ({', '.join(PAIR_FEATURES)})")
        return weights


def _pair_score(record: dict[str, Any]) -> LinearScore:
    return LinearScore(tuple(map(float, record["coef"])), float(record["intercept"]),
                       tuple(map(float, record.get("mean", ()))), tuple(map(float, record.get("scale", ()))))
