"""A profile's domain LM: a small KenLM of the user's own text, interpolated with the news LM.

``ocrfix fit --domain-lm`` trains it on the pairs' distinct ground-truth lines (and any clean
text); cross-fit, each fold's domain LM is trained on the other fold's text, and the
interpolation weight is estimated by EM on the text it never saw (:func:`fold_domains`).
"""
from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ...lm import CharLM
from ...lm.mixed import MixedLM, mixture_weight
from ..pairs import Pair
from .train import train_domain_lm

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
