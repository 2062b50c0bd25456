"""Search for the edits of one sentence: iterative best-single-edit with rescoring.

Every candidate substitution is scored (features -> calibrated probability) against the
current sentence; the best one above the threshold is applied, the LM pass is redone over
the edited sentence, and the search repeats until no candidate clears the threshold. Edits
thus interact: a fix can raise (or lower) the gain of a neighbouring candidate, which handles
two adjacent errors when either one alone is already convincing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .candidates import Candidate, Entry
from .features import Featurizer, forward
from .score import Weights


@dataclass(frozen=True)
class Choice:
    candidate: Candidate
    probability: float


def decode(
    featurizer: Featurizer,
    weights: Weights,
    tokens: Sequence[str],
    lattice: Sequence[Sequence[Entry]],
    threshold: float,
    max_edits: int = 4,
) -> list[Choice]:
    """The accepted substitutions of one sentence (at most ``max_edits``), in acceptance order."""
    if not any(lattice):
        return []
    current = list(tokens)
    chosen: list[Choice] = []
    done: set[int] = set()
    while len(chosen) < max_edits:
        fwd = forward(featurizer.lm, current)
        cands, matrix = featurizer.rows(fwd, lattice, frozenset(done))
        if not cands:
            break
        probs = weights.probability(matrix)
        best = int(probs.argmax())
        if probs[best] < threshold:
            break
        cand = cands[best]
        chosen.append(Choice(cand, float(probs[best])))
        current[cand.index] = cand.char
        done.add(cand.index)
    return chosen
