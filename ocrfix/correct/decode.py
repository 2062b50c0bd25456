"""Search for the edits of one sentence: iterative best-single-edit with rescoring.

Every candidate substitution is scored (features -> calibrated probability) against the
current sentence; the best one above the threshold is applied, the LM pass is redone over
the edited sentence, the sites near the edit are rescored, and the search repeats until no
candidate clears the threshold. Edits
thus interact: a fix can raise (or lower) the gain of a neighbouring candidate, which handles
two adjacent errors when either one alone is already convincing. Context candidates are
proposed anew in every round, from the current (partly corrected) neighbours.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..segment import Sentence
from .candidates import Candidate, CandidateSource
from .document import DocumentBigrams
from .features import Featurizer, forward, mean_logp
from .score import Weights


@dataclass(frozen=True)
class Choice:
    candidate: Candidate
    probability: float


def decode(
    featurizer: Featurizer,
    weights: Weights,
    source: CandidateSource,
    sentence: Sentence,
    threshold: float,
    document: DocumentBigrams,
    max_edits: int = 4,
) -> list[Choice]:
    """The accepted substitutions of one sentence (at most ``max_edits``), in acceptance order;
    ``document``: the bigrams of the whole text the sentence is part of.

    A site's candidates and features depend only on the tokens within ``order - 1`` of it, so
    after an edit only the sites that close are rescored; the others keep their rows.
    """
    lattice = source.lattice(sentence)
    if all(site is None for site in lattice):
        return []
    lm = featurizer.lm
    current = list(sentence.tokens)
    fwd = forward(lm, current)
    sent_logp = mean_logp(fwd)
    scored: dict[int, tuple[list[Candidate], np.ndarray]] = {}  # site -> its candidates and probabilities
    chosen: list[Choice] = []
    while len(chosen) < max_edits:
        for i, site in enumerate(lattice):
            if site is not None and i not in scored:
                cands, rows = featurizer.site_rows(fwd, i, source.site(site, current, fwd.logps, i), sent_logp, document)
                scored[i] = (cands, weights.probability(featurizer.matrix(rows)))
        # the most probable candidate; ties go to the leftmost site, as without the cache
        best_site, best_k, best_p = -1, -1, -1.0
        for i in sorted(scored):
            cands, probs = scored[i]
            if len(cands):
                k = int(probs.argmax())
                if probs[k] > best_p:
                    best_site, best_k, best_p = i, k, float(probs[k])
        if best_p < threshold:
            break
        cand = scored[best_site][0][best_k]
        chosen.append(Choice(cand, best_p))
        current[cand.index] = cand.char
        lattice[cand.index] = None  # edited once at most
        for i in range(cand.index - lm.order + 1, cand.index + lm.order):
            scored.pop(i, None)
        fwd = forward(lm, current)
    return chosen
