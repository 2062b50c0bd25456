"""Intrinsic evaluation of a character LM: per-token perplexity and OOV rate on held-out text."""
from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from tqdm import tqdm

from .model import CharLM


@dataclass(frozen=True)
class Perplexity:
    """Perplexity over every token and each sentence's ``</s>`` (OOVs included, as KenLM's
    ``query`` reports it), and the share of tokens the model does not know."""

    sentences: int
    tokens: int
    oov: int
    log10_prob: float

    @property
    def perplexity(self) -> float:
        return 10 ** (-self.log10_prob / (self.tokens + self.sentences)) if self.tokens else float("nan")

    @property
    def oov_rate(self) -> float:
        return self.oov / self.tokens if self.tokens else 0.0

    def to_dict(self) -> dict:
        return asdict(self) | {"perplexity": self.perplexity, "oov_rate": self.oov_rate}


def perplexity(lm: CharLM, lines: Iterable[str], limit: int | None = None) -> Perplexity:
    """Evaluate ``lm`` on normalized LM lines (space-separated tokens), at most ``limit`` of them."""
    sentences = tokens = oov = 0
    total = 0.0
    for line in tqdm(lines, desc="eval", unit=" lines", file=sys.stderr, mininterval=1.0, delay=1.0, total=limit):
        if limit is not None and sentences >= limit:
            break
        toks = line.split()
        if not toks:
            continue
        scores = lm.token_scores(toks)
        sentences += 1
        tokens += len(toks)
        oov += sum(is_oov for _, is_oov in scores)
        total += sum(logp for logp, _ in scores)
    return Perplexity(sentences, tokens, oov, total)
