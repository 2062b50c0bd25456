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
from ..lm.context import ContextIndex, top_indices
from .cache import PER_CHAR, Capped
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
#: Slots remembered (a few KB of arrays each).
SLOT_CACHE = 4096


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


class _Slot(NamedTuple):
    """The candidate characters of one slot of a pair that can meet its outer neighbour, in id order."""

    ids: np.ndarray  # context-index ids, ascending
    edge: np.ndarray  # log P(c | left neighbour) (first slot), log P(right neighbour | c) (second)
    fit: np.ndarray  # how well c fits the seen char: GLYPH_WEIGHT * glyph cosine + CHANNEL_WEIGHT * log10 channel
    channels: np.ndarray  # confusion score of c (CONTEXT_SCORE when only the context proposed it)


class PairProposer:
    """Proposes pair replacements from a candidate table, a context index and a glyph space."""

    def __init__(self, table: Table, context: ContextIndex, glyphs: GlyphSpace, gate: tuple[float, float] = PAIR_GATE,
                 per_site: int = PAIRS_PER_SITE) -> None:
        self.table = table
        self.context = context
        self.glyphs = glyphs
        self.gate = gate
        self.per_site = per_site
        self._cache: Capped[tuple[str | None, str, str, str | None], tuple[tuple[str, float, float, float], ...]] = Capped(PAIR_CACHE)
        self._slots: Capped[tuple[str, str | None, bool], _Slot] = Capped(SLOT_CACHE)  # (seen char, neighbour, after) -> its slot
        self._neighbours: Capped[tuple[str | None, bool], list[int]] = Capped(SLOT_CACHE)  # (neighbour, after) -> context slot ids
        self._tables: Capped[str, tuple[list[int], set[int], list[float], list[float]]] = Capped(PER_CHAR)  # seen char -> see _table_slot
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
            self._cache[key] = found
        return [PairCandidate(i, chars, chain, rank, (ca, cb)) for rank, (chars, chain, ca, cb) in enumerate(found)]

    def _slot(self, seen: str, neighbour: str | None, after: bool) -> _Slot:
        """The slot of ``seen`` next to ``neighbour`` (``None``: the sentence edge; ``after`` it: the
        first slot, else the second): the confusion candidates of ``seen`` and the characters that most
        often follow (``after``) or precede the neighbour, those of them seen next to it."""
        key = (seen, neighbour, after)
        slot = self._slots.get(key)
        if slot is None:
            index = self.context
            table_ids, excluded, table_scores, table_logs = self._table_slot(seen)
            context_ids = self._neighbours.get(key[1:])
            if context_ids is None:
                context_ids = self._neighbours[key[1:]] = (index.following if after else index.preceding)(
                    neighbour, SLOT_CONTEXT)[0].tolist()
            others = [j for j in context_ids if j not in excluded]
            ids = np.array(table_ids + others, dtype=np.int64)
            scores = np.array(table_scores + [CONTEXT_SCORE] * len(others))
            logs = np.array(table_logs + [math.log10(CONTEXT_SCORE)] * len(others))
            at = np.array([index.neighbour_id(neighbour, after)])
            edge = index.log_transitions(at, ids)[0] if after else index.log_transitions(ids, at)[:, 0]
            keep = np.flatnonzero(np.isfinite(edge))  # only those seen next to the neighbour can start / end a chain
            keep = keep[np.argsort(ids[keep])]  # in id order: equal scores rank by the ids
            ids, scores = ids[keep], scores[keep]
            fit = GLYPH_WEIGHT * self.glyphs.similarities_of_rows(seen, self._glyph_rows[ids]) + CHANNEL_WEIGHT * logs[keep]
            slot = _Slot(ids, edge[keep], fit, scores)
            self._slots[key] = slot
        return slot

    def _table_slot(self, seen: str) -> tuple[list[int], set[int], list[float], list[float]]:
        """Ids of the confusion candidates of ``seen`` in the context index, those plus ``seen``'s
        own, and the candidates' confusion scores and their log10s."""
        found = self._tables.get(seen)
        if found is None:
            ids = self.context.ids
            entries = [entry for entry in self.table.get(seen, ()) if entry[0] in ids]
            table_ids = [ids[entry[0]] for entry in entries]
            found = self._tables[seen] = (table_ids, set(table_ids) | ({ids[seen]} if seen in ids else set()),
                                          [entry[1] for entry in entries], [math.log10(entry[1]) for entry in entries])
        return found

    def _propose(self, left: str | None, seen_a: str, seen_b: str, right: str | None) -> tuple[tuple[str, float, float, float], ...]:
        index = self.context
        if index.neighbour_id(left, True) is None or index.neighbour_id(right, False) is None:
            return ()
        a, b = self._slot(seen_a, left, True), self._slot(seen_b, right, False)
        if not len(a.ids) or not len(b.ids):
            return ()
        chain = a.edge[:, None] + index.log_transitions(a.ids, b.ids) + b.edge[None, :]
        score = (chain + (a.fit[:, None] + b.fit[None, :])).ravel()
        flat = np.flatnonzero(np.isfinite(score))
        if not len(flat):
            return ()
        vocab, out = index.vocab, []
        for k in flat[top_indices(score[flat], self.per_site)].tolist():
            r, c = divmod(k, len(b.ids))
            out.append((vocab[a.ids[r]] + vocab[b.ids[c]], float(chain[r, c]), float(a.channels[r]), float(b.channels[c])))
        return tuple(out)
