"""Two character LMs interpolated: the shipped news model and a small model of the user's own domain.

The news LM knows the language, but not a user's kind of text: FASPell's video captions and
SIGHAN's learner essays read unlike news, and the LM's news taste both misses their errors and
"corrects" their right but unnewslike characters. A profile fitted with a domain LM (``ocrfix fit
--domain-lm``, trained on the ground truth of the user's pairs) corrects with the linear
interpolation ``P(t | h) = (1 - w) P_news(t | h) + w P_domain(t | h)``, ``w`` estimated by EM on
text the domain LM never saw (:func:`mixture_weight`). A state is the pair of the two models'
states, so the decoder's recombination of equal states still holds.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from ..normalize import lm_tokens
from .model import CharLM

#: Entries of the mixture's (state, token) cache: sentences repeat few contexts, and a state pair
#: costs a few hundred bytes.
CACHE_SIZE = 1 << 16
#: EM rounds for the interpolation weight (it settles to 3 decimals within about 10).
EM_ROUNDS = 30


def _log10_mix(a: float, b: float, log_keep: float, log_weight: float) -> float:
    """log10((1 - w) 10^a + w 10^b) with ``log_keep`` = log10(1 - w), ``log_weight`` = log10(w)."""
    x, y = a + log_keep, b + log_weight
    top = max(x, y)
    return top + math.log10(10.0 ** (x - top) + 10.0 ** (y - top))


class MixedLM:
    """``news`` and ``domain`` (:class:`~ocrfix.lm.CharLM`) interpolated with ``weight`` on the domain
    model: the corrector's :class:`~ocrfix.correction.features.LanguageModel`. The compiled
    site-gain loop knows one KenLM model only, so the corrector's Python loop scores the mixture."""

    native_site_gains = None

    def __init__(self, news: CharLM, domain: CharLM, weight: float, cache_size: int = CACHE_SIZE) -> None:
        if not 0.0 < weight < 1.0:
            raise ValueError(f"interpolation weight must be in (0, 1), got {weight}")
        self.news, self.domain, self.weight = news, domain, weight
        self.order: int = max(news.order, domain.order)
        self._logs = (math.log10(1.0 - weight), math.log10(weight))
        self.score_token = lru_cache(maxsize=cache_size)(self._score_token) if cache_size else self._score_token

    def __repr__(self) -> str:
        return f"MixedLM({self.news!r}, {self.domain!r}, weight={self.weight})"

    def begin_state(self) -> tuple[Any, Any]:
        return self.news.begin_state(), self.domain.begin_state()

    def null_state(self) -> tuple[Any, Any]:
        return self.news.null_state(), self.domain.null_state()

    def _score_token(self, state: tuple[Any, Any], token: str) -> tuple[float, tuple[Any, Any]]:
        a, news_state = self.news._score_token(state[0], token)
        b, domain_state = self.domain._score_token(state[1], token)
        return _log10_mix(a, b, *self._logs), (news_state, domain_state)

    def score_next(self, state: tuple[Any, Any], tokens: Iterable[str],
                   floor: float = -math.inf) -> list[tuple[int, float, tuple[Any, Any]]]:
        kept = []
        for k, token in enumerate(tokens):
            logp, after = self._score_token(state, token)
            if logp >= floor:
                kept.append((k, logp, after))
        return kept

    def has_token(self, token: str) -> bool:
        return self.news.has_token(token)

    def token_scores(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> list[tuple[float, bool]]:
        """(log10 probability, is-OOV of the news model) of every token, plus ``</s>`` when ``eos``."""
        news = self.news.token_scores(tokens, bos=bos, eos=eos)
        domain = self.domain.token_scores(tokens, bos=bos, eos=eos)
        return [(_log10_mix(a, b, *self._logs), oov) for (a, oov), (b, _) in zip(news, domain)]

    def score_tokens(self, tokens: Sequence[str], bos: bool = True, eos: bool = True) -> float:
        return sum(logp for logp, _ in self.token_scores(tokens, bos=bos, eos=eos))

    def score_text(self, text: str, bos: bool = True, eos: bool = True) -> float:
        return self.score_tokens(lm_tokens(text), bos=bos, eos=eos)

    def domain_share(self, sentences: Iterable[Sequence[str]]) -> float | None:
        """The domain model's mean posterior share of the tokens (and sentence ends) of ``sentences``
        (token sequences) under the interpolation: near the weight on text like the domain LM's,
        low on text it does not know (the quantity EM averages, :func:`mixture_weight`); None
        without tokens."""
        shares = [_posterior(self.weight, ratio) for tokens in sentences if tokens
                  for ratio in _ratios(self.news, self.domain, tokens)]
        return sum(shares) / len(shares) if shares else None


def _ratios(news: CharLM, domain: CharLM, tokens: Sequence[str]) -> list[float]:
    """P_news / P_domain of every token of ``tokens`` and the sentence end (clamped to 10^+-30)."""
    return [10.0 ** max(-30.0, min(30.0, a - b))
            for (a, _), (b, _) in zip(news.token_scores(tokens), domain.token_scores(tokens))]


def _posterior(weight: float, ratio: float) -> float:
    """The domain model's posterior share of a token whose P_news / P_domain is ``ratio``."""
    return weight / (weight + (1.0 - weight) * ratio)


def mixture_weight(news: CharLM, domain: CharLM, lines: Iterable[str], start: float = 0.5) -> float:
    """The weight ``w`` of ``domain`` that maximizes the likelihood of ``lines`` under the
    interpolation (EM: ``w`` <- the mean posterior share of the domain model over every token
    and sentence end). ``lines`` must be text the domain model was not trained on, or ``w`` only
    measures how well it remembers them. Clamped to [0.01, 0.99]; 0.5 without tokens."""
    ratios = [r for tokens in map(lm_tokens, lines) if tokens for r in _ratios(news, domain, tokens)]
    if not ratios:
        return start
    weight = start
    for _ in range(EM_ROUNDS):
        weight = sum(_posterior(weight, r) for r in ratios) / len(ratios)
    return min(0.99, max(0.01, weight))
