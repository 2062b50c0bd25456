"""Search for the edits of one sentence: iterative best-edit with rescoring.

Every candidate substitution — and, with a pair model, every pair replacement proposed for two
adjacent improbable characters (:mod:`.pairs`) — is scored (features -> calibrated probability)
against the current sentence; the best one above the threshold is applied, the LM pass is redone
over the edited sentence, the sites near the edit are rescored, and the search repeats until no
candidate clears the threshold. Edits thus interact: a fix can raise (or lower) the gain of a
neighbouring candidate, which handles two adjacent errors when either one alone is already
convincing; pair replacements handle them when neither is. Context candidates are proposed anew
in every round, from the current (partly corrected) neighbours.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

import numpy as np

from ..segment import Sentence
from .candidates import Candidate, CandidateSource
from .document import DocumentBigrams
from .engine import TokenEvidence, alternative_entries
from .features import Featurizer, ForwardPass, forward, mean_logp
from .pairs import PairCandidate, PairProposer
from .score import Weights


@dataclass(frozen=True)
class Choice:
    candidate: Candidate | PairCandidate
    probability: float


def _best(scored: dict[int, tuple[list, np.ndarray]]) -> tuple[Candidate | PairCandidate | None, float]:
    """The most probable candidate of the scored sites (ties go to the leftmost site)."""
    best, best_p = None, -1.0
    for i in sorted(scored):
        cands, probs = scored[i]
        if len(cands):
            k = int(probs.argmax())
            if probs[k] > best_p:
                best, best_p = cands[k], float(probs[k])
    return best, best_p


def _score_sites(featurizer: Featurizer, weights: Weights, sites: list[tuple[int, tuple | None]], fwd: ForwardPass,
                 sent_logp: float, document: DocumentBigrams, scored: dict[int, tuple[list, np.ndarray]],
                 evidence: TokenEvidence | None = None) -> None:
    """Add the candidates and probabilities of ``sites`` (index, entries) to ``scored``: the
    rows of all of them go through the score in one batch (one call per site cost more than the
    scoring itself). ``evidence``: the engine's, per token: shifts added to the log-odds of its
    candidates (:mod:`.engine`)."""
    per_site = [featurizer.site_rows(fwd, i, site, sent_logp, document) for i, site in sites]
    if not per_site:
        return
    probs = weights.probability(np.vstack([rows for _, rows in per_site]))
    shifts = evidence.shifts if evidence is not None else None
    if shifts is not None and len(probs):
        shift = np.repeat([shifts[i] for i, _ in sites], [len(rows) for _, rows in per_site])
        p = np.clip(probs, 1e-12, 1 - 1e-12)
        probs = 1.0 / (1.0 + np.exp(-(np.log(p / (1 - p)) + shift)))
    start = 0
    for (i, _), (cands, rows) in zip(sites, per_site):
        scored[i] = (cands, probs[start:start + len(rows)])
        start += len(rows)


class SentenceDecoder:
    """The edit search of one sentence, resumable: :meth:`run` accepts edits down to a threshold
    and keeps its state (current tokens, scored sites), so a later run with a lower threshold
    continues where it stopped (the corrector's second pass on pages found to be noisy scans).

    ``document``: the bigrams of the whole text the sentence is part of; ``pairs``: proposes pair
    replacements (used when the weights have a pair model). A site's candidates and features
    depend only on the tokens within ``order - 1`` of it, so after an edit only the sites that
    close are rescored; the others keep their rows.
    """

    def __init__(self, featurizer: Featurizer, weights: Weights, source: CandidateSource, sentence: Sentence,
                 document: DocumentBigrams, pairs: PairProposer | None = None, evidence: TokenEvidence | None = None,
                 inventory: Collection[str] = ()) -> None:
        self.featurizer, self.weights, self.source, self.document = featurizer, weights, source, document
        self.pairs = pairs if weights.pairs is not None else None
        self.lattice = source.lattice(sentence)
        #: the engine's evidence per token (None: none); its alternatives are candidates if in ``inventory``
        self.evidence = evidence
        self.inventory = inventory
        self.current = list(sentence.tokens)
        self.chosen: list[Choice] = []  # every accepted edit, in acceptance order
        has_sites = any(site is not None for site in self.lattice)
        self._fwd = forward(featurizer.lm, self.current) if has_sites else None
        self._sent_logp = mean_logp(self._fwd) if self._fwd is not None else 0.0
        self._scored: dict[int, tuple[list[Candidate], np.ndarray]] = {}  # site -> its candidates and probabilities
        self._pair_scored: dict[int, tuple[list[PairCandidate], np.ndarray]] = {}  # first site of a pair -> the same

    @property
    def forward_pass(self) -> ForwardPass | None:
        """The LM pass over the sentence as it stands (None: it has no edit site)."""
        return self._fwd

    def run(self, threshold: float, max_edits: int) -> list[Choice]:
        """Accept the best edit above ``threshold`` until none is left or the sentence has
        ``max_edits`` edits in all; returns the edits accepted in this run."""
        start = len(self.chosen)
        if self._fwd is None:
            return []
        featurizer, weights, lattice, current = self.featurizer, self.weights, self.lattice, self.current
        scored, pair_scored, lm = self._scored, self._pair_scored, featurizer.lm
        site_of = self.source.site if self.evidence is None or self.evidence.alternatives is None else self._site
        while len(self.chosen) < max_edits:
            fwd = self._fwd
            unscored = [(i, site_of(site, current, fwd.logps, i)) for i, site in enumerate(lattice)
                        if site is not None and i not in scored]
            _score_sites(featurizer, weights, unscored, fwd, self._sent_logp, self.document, scored, self.evidence)
            best, best_p = _best(scored)
            if best_p < threshold and self.pairs is not None:
                # pairs only once no single edit convinces: most sites a single fix repairs are then no
                # longer improbable, and proposing pairs is the decoder's dearest step
                for i in range(len(current) - 1):
                    if (i not in pair_scored and lattice[i] is not None and lattice[i + 1] is not None
                            and self.pairs.gated(fwd.logps, i)):
                        proposals = self.pairs.propose(current, i)
                        pair_scored[i] = (proposals, weights.pairs.probability(
                            featurizer.pair_rows(fwd, proposals, self._sent_logp, self.document)))
                best, best_p = _best(pair_scored)
            if best is None or best_p < threshold:
                break
            self.chosen.append(Choice(best, best_p))
            for index, char in best.replacements:
                current[index] = char
                lattice[index] = None  # edited once at most
            first, last = best.replacements[0][0], best.replacements[-1][0]
            for i in range(first - lm.order + 1, last + lm.order):
                scored.pop(i, None)
                pair_scored.pop(i, None)
            pair_scored.pop(first - lm.order, None)  # a pair there reaches into the edit with its second token
            self._fwd = forward(lm, current, since=(self._fwd, first))  # the tokens before the edit are as they were
        return self.chosen[start:]

    def _site(self, site: tuple, tokens: list[str], logps: tuple[float, ...], i: int) -> tuple:
        """The site's entries: the confusion table's, the site generators', the engine's alternatives."""
        entries = self.source.site(site, tokens, logps, i)
        alternatives = self.evidence.alternatives[i]
        return entries + alternative_entries(tokens[i], alternatives, entries, self.inventory) if alternatives else entries
