"""Joint proposals for two adjacent misread characters.

On noisy scans errors come in runs: on the cross-fit l3 training pages runs of wrong Han
characters are a quarter of all errors and a third of those left after single substitutions
(咖啡 read as 曙哗, 彭丽媛 as 豆南业). A single substitution is scored against a wrong neighbour,
and neither fix alone convinces the LM. For two adjacent improbable characters,
:class:`PairProposer` proposes replacements ``(a, b)`` for both at once: ``a`` from the seen
character's confusion candidates and the characters that follow the left neighbour in the LM
corpus, ``b`` likewise towards the right neighbour, ranked by the bigram chain
``log P(a | L) + log P(b | a) + log P(R | b)`` of the LM's context index plus the glyph
similarity of each to the character seen in its place and its confusion score. The top few are
scored by the full LM and the pair scorer (:mod:`.score`). On the cross-fit pages the true pair
was among the top 5 for 19% of the adjacent error pairs (for 39% both truths were among the slot
candidates at all). Among the gated ones, adding the confusion scores to the ranking lifted the
top 5 from 91 to 111 of fold a's 462 pairs (re-ranking the old top 50 offline: fold b's from 76
to 100 of 411).
"""
from __future__ import annotations

import math
from typing import NamedTuple, Sequence

import numpy as np

from ..confusions.similarity import GlyphSpace
from ..lm.context import BOS, EOS, ContextIndex
from .candidates import CONTEXT_SCORE, Table

#: Both characters must be improbable under the LM (log10 P given the left context): the first
#: below ``PAIR_GATE[0]``, the second (given the first) below ``PAIR_GATE[1]``.
PAIR_GATE = (-3.0, -2.5)
SLOT_CONTEXT = 30  # context candidates per slot, besides the confusion candidates
PAIRS_PER_SITE = 5
GLYPH_WEIGHT = 3.0  # weight of the summed glyph cosines against the chain's natural-log probability
CHANNEL_WEIGHT = 0.75  # weight of the summed log10 confusion scores (CONTEXT_SCORE for context-only slots)
PAIR = "pair"
PAIR_CACHE = 20_000


class PairCandidate(NamedTuple):
    index: int  # token index of the first character
    chars: str  # the two replacement characters
    chain: float  # bigram chain log-probability of left + chars + right
    rank: int  # 0 = best proposal of the site
    channels: tuple[float, float]  # confusion score of each (CONTEXT_SCORE when only the context proposed it)
    sources: tuple[str, ...] = (PAIR,)

    @property
    def replacements(self) -> tuple[tuple[int, str], ...]:
        """(token index, new character) of both replaced tokens."""
        return (self.index, self.chars[0]), (self.index + 1, self.chars[1])


class PairProposer:
    """Proposes pair replacements from a candidate table, a context index and a glyph space."""

    def __init__(self, table: Table, context: ContextIndex, glyphs: GlyphSpace, gate: tuple[float, float] = PAIR_GATE,
                 per_site: int = PAIRS_PER_SITE) -> None:
        self.table = table
        self.context = context
        self.glyphs = glyphs
        self.gate = gate
        self.per_site = per_site
        self._cache: dict[tuple[str | None, str, str, str | None], tuple[tuple[str, float, float, float], ...]] = {}
        self._neighbours: dict[tuple[str | None, bool], list[int]] = {}  # (neighbour, after) -> context slot ids
        self._tables: dict[str, tuple[list[int], set[int], list[float]]] = {}  # seen char -> its table slot ids, excluded ids, log10 scores
        self._glyph_rows = glyphs.rows(context.vocab)  # glyph vector row of each context token

    def gated(self, logps: Sequence[float], i: int) -> bool:
        """Are tokens ``i`` and ``i + 1`` both improbable enough to be proposed for together?"""
        return logps[i] < self.gate[0] and logps[i + 1] < self.gate[1]

    def propose(self, tokens: Sequence[str], i: int) -> list[PairCandidate]:
        """The best pair replacements of ``tokens[i:i + 2]``, best first."""
        left = tokens[i - 1] if i else None
        right = tokens[i + 2] if i + 2 < len(tokens) else None
        key = (left, tokens[i], tokens[i + 1], right)
        found = self._cache.get(key)
        if found is None:
            found = self._propose(*key)
            if len(self._cache) >= PAIR_CACHE:
                self._cache.clear()
            self._cache[key] = found
        return [PairCandidate(i, chars, chain, rank, (ca, cb)) for rank, (chars, chain, ca, cb) in enumerate(found)]

    def _slot(self, seen: str, neighbour: str | None, after: bool) -> tuple[np.ndarray, np.ndarray]:
        """Ids of the candidate characters of one slot, and their log10 confusion scores: the
        confusion candidates of ``seen``, then the characters that most often follow (``after``)
        or precede the ``neighbour`` (``CONTEXT_SCORE``)."""
        table_ids, excluded, table_channels = self._table_slot(seen)
        key = (neighbour, after)
        context_ids = self._neighbours.get(key)
        if context_ids is None:
            index = self.context
            context_ids = (index.following if after else index.preceding)(neighbour, SLOT_CONTEXT)[0].tolist()
            if len(self._neighbours) >= PAIR_CACHE:
                self._neighbours.clear()
            self._neighbours[key] = context_ids
        others = [j for j in context_ids if j not in excluded]
        return (np.array(table_ids + others, dtype=np.int64),
                np.array(table_channels + [math.log10(CONTEXT_SCORE)] * len(others)))

    def _table_slot(self, seen: str) -> tuple[list[int], set[int], list[float]]:
        """Ids of the confusion candidates of ``seen`` in the context index, those plus ``seen``'s
        own, and the candidates' log10 confusion scores."""
        found = self._tables.get(seen)
        if found is None:
            ids = self.context.ids
            entries = [entry for entry in self.table.get(seen, ()) if entry[0] in ids]
            table_ids = [ids[entry[0]] for entry in entries]
            found = self._tables[seen] = (table_ids, set(table_ids) | ({ids[seen]} if seen in ids else set()),
                                          [math.log10(entry[1]) for entry in entries])
        return found

    def _propose(self, left: str | None, seen_a: str, seen_b: str, right: str | None) -> tuple[tuple[str, float, float, float], ...]:
        index = self.context
        left_id, right_id = index.ids.get(BOS if left is None else left), index.ids.get(EOS if right is None else right)
        if left_id is None or right_id is None:
            return ()
        (a_ids, a_channels), (b_ids, b_channels) = self._slot(seen_a, left, True), self._slot(seen_b, right, False)
        # only characters seen after the left neighbour / before the right one can start / end a chain
        after_left = index.log_transitions(np.array([left_id]), a_ids)[0]
        before_right = index.log_transitions(b_ids, np.array([right_id]))[:, 0]
        keep_a, keep_b = np.flatnonzero(np.isfinite(after_left)), np.flatnonzero(np.isfinite(before_right))
        if not len(keep_a) or not len(keep_b):
            return ()
        # in id order: equal scores rank by the ids
        keep_a, keep_b = keep_a[np.argsort(a_ids[keep_a])], keep_b[np.argsort(b_ids[keep_b])]
        a_ids, after_left, a_channels = a_ids[keep_a], after_left[keep_a], a_channels[keep_a]
        b_ids, before_right, b_channels = b_ids[keep_b], before_right[keep_b], b_channels[keep_b]
        chain = after_left[:, None] + index.log_transitions(a_ids, b_ids) + before_right[None, :]
        # how well each candidate fits the character seen in its place: looks and confusion score
        fit_a = GLYPH_WEIGHT * self.glyphs.similarities_of_rows(seen_a, self._glyph_rows[a_ids]) + CHANNEL_WEIGHT * a_channels
        fit_b = GLYPH_WEIGHT * self.glyphs.similarities_of_rows(seen_b, self._glyph_rows[b_ids]) + CHANNEL_WEIGHT * b_channels
        score = chain + (fit_a[:, None] + fit_b[None, :])
        flat = np.flatnonzero(np.isfinite(score))
        if not len(flat):
            return ()
        best = flat[np.argsort(-score.ravel()[flat], kind="stable")[: self.per_site]]
        channel_a = {e[0]: e[1] for e in self.table.get(seen_a, ())}
        channel_b = {e[0]: e[1] for e in self.table.get(seen_b, ())}
        out = []
        for k in best.tolist():
            r, c = divmod(k, len(b_ids))
            a, b = index.vocab[a_ids[r]], index.vocab[b_ids[c]]
            out.append((a + b, float(chain[r, c]), channel_a.get(a, CONTEXT_SCORE), channel_b.get(b, CONTEXT_SCORE)))
        return tuple(out)
