"""The candidate lattice: for every edit site of a sentence, the confusion-set candidates —
and, at sites the LM finds improbable, the characters the neighbours ask for (source ``context``,
from the LM corpus's :class:`~ocrfix.lm.context.ContextIndex`).

Only the top ``k`` candidates of each seen character that lie in the inventory are kept, in
a compact table. Parsing and validating a large confusion TSV takes seconds, so the table
built from given files is cached (pickle, keyed by the files' paths, sizes and mtimes, ``k``
and the inventory) under ``build/cache``; a stale or unreadable cache is simply rebuilt.
"""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Callable, Collection, Mapping, NamedTuple, Protocol, Sequence

import numpy as np

from ..confusions import ConfusionSet
from ..errors import InputError
from ..lm.context import ContextIndex
from ..segment import Sentence
from ..textio import write_bytes_atomic
from .cache import PER_CHAR, Capped

#: One candidate of a seen character: (candidate, score, rank, sources).
Entry = tuple[str, float, int, tuple[str, ...]]
#: seen char -> entries, best first
Table = dict[str, tuple[Entry, ...]]
#: Entries per token of a sentence; ``None`` where the token is not an edit site.
Lattice = list[tuple[Entry, ...] | None]

CONTEXT = "context"
#: Source of the OCR engine's own alternative readings of a character (:mod:`.engine`).
ENGINE = "engine"
#: Sources proposed site by site; their entries follow the confusion table's in a site.
PER_SITE = frozenset({CONTEXT, ENGINE})
#: Channel score of a context-only candidate: no confusion set says it looks like the seen char.
CONTEXT_SCORE = 1e-4
#: Context candidates per site, and the LM gate: only where log10 P(seen char | left context)
#: is below it. On cross-fit training pages (noisy scans) the truth of 44% of the Han errors
#: missing from the 40 confusion candidates is among the top 5 of the context (49% top 10), and
#: 88% of those sites are below -3, against 22% of all sites. Fitted and calibrated, 5 fixed as
#: many errors as 10 or 20 (with gate -2.5) with fewer changes on clean text.
CONTEXT_N = 5
CONTEXT_GATE = -3.0
#: (left, seen, right) triples remembered: ~1 KB each; 16,384 fill within a few thousand short pages,
#: after which a worker's memory stays flat (benchmarks/RESULTS.md, ## Faults and bad input).
CONTEXT_CACHE = 16_384


class Candidate(NamedTuple):
    index: int  # token index in the sentence
    char: str  # proposed true character
    score: float  # channel score from the confusion set, in (0, 1]
    rank: int  # 0 = best candidate of the seen character
    sources: tuple[str, ...]

    @property
    def replacements(self) -> tuple[tuple[int, str], ...]:
        """(token index, new character) of every token the candidate replaces."""
        return ((self.index, self.char),)


def build_table(confusions: ConfusionSet, k: int, inventory: Collection[str] | None) -> Table:
    """Each character's top ``k`` candidates in the ``inventory``: (char, score, rank, sources). Equal
    characters and source tuples are one object each: a table of 8,000 characters' 40 candidates holds
    330,000 of each, and shared they keep ``ocrfix correct``'s peak RSS at 247 MB instead of 314
    (benchmarks/RESULTS.md, "The candidate table's characters and source tuples shared")."""
    shared: dict[object, object] = {}
    table: Table = {}
    for ch in confusions.chars():
        allowed = [c for c in confusions.candidates(ch) if inventory is None or c.char in inventory][:k]
        if allowed:
            table[ch] = tuple((shared.setdefault(c.char, c.char), c.score, rank, shared.setdefault(c.sources, c.sources))
                              for rank, c in enumerate(allowed))
    return table


def _cache_key(paths: Sequence[Path], k: int, inventory: Collection[str] | None) -> str:
    digest = hashlib.sha256(f"v2 k={k}".encode())
    for path in paths:
        stat = path.stat()
        digest.update(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update("".join(sorted(inventory)).encode() if inventory is not None else b"*")
    return digest.hexdigest()[:24]


def cached_table(paths: Sequence[Path], k: int, inventory: Collection[str] | None, cache_dir: Path | None,
                 load: Callable[[Sequence[Path]], ConfusionSet]) -> Table:
    """The candidate table of the confusion files ``paths`` (loaded with ``load`` on a cache miss)."""
    if not all(path.is_file() for path in paths):
        return build_table(load(paths), k, inventory)  # the loader reports the problem
    cache = cache_dir / f"candidates-{_cache_key(paths, k, inventory)}.pickle" if cache_dir else None
    if cache is not None and cache.is_file():
        try:
            with cache.open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
    table = build_table(load(paths), k, inventory)
    if cache is not None:
        try:
            write_bytes_atomic(cache, pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL), "candidate cache")
        except InputError:
            pass  # a read-only install just does without the cache
    return table


class SiteGenerator(Protocol):
    """Proposes candidates at an edit site beyond the confusion set's, from the sentence around it.

    A new generator is a class with :meth:`propose` plus one line in :data:`GENERATORS`."""

    def propose(self, entries: tuple[Entry, ...], tokens: Sequence[str], logps: Sequence[float],
                i: int) -> tuple[Entry, ...]:
        """Extra entries at site ``i`` (its confusion-set ``entries`` given; ``logps[i]``: the log10
        probability of its current token given the left context); ``()`` for none."""
        ...


class ContextCandidates:
    """Where the current token is improbable (``logps[i]`` below ``gate``), the ``n`` characters
    that fit best between its current neighbours (the LM corpus's :class:`ContextIndex`)."""

    def __init__(self, index: ContextIndex, n: int = CONTEXT_N, gate: float = CONTEXT_GATE) -> None:
        self.index = index
        self.n = n
        self.gate = gate
        self._cache: Capped[tuple[str | None, str, str | None], tuple[Entry, ...]] = Capped(CONTEXT_CACHE)
        self._have: Capped[str, np.ndarray] = Capped(PER_CHAR)  # seen char -> context ids of it and its candidates

    def propose(self, entries: tuple[Entry, ...], tokens: Sequence[str], logps: Sequence[float],
                i: int) -> tuple[Entry, ...]:
        if logps[i] >= self.gate:
            return ()
        left = tokens[i - 1] if i else None
        right = tokens[i + 1] if i + 1 < len(tokens) else None
        key = (left, tokens[i], right)  # the entries follow from tokens[i]
        extra = self._cache.get(key)
        if extra is None:
            have = self._have.get(tokens[i])
            if have is None:  # the seen char and its confusion candidates are not proposed again
                have = self._have[tokens[i]] = self.index.token_ids([entry[0] for entry in entries] + [tokens[i]])
            proposed = self.index.between(left, right, self.n, exclude=have)
            extra = tuple((c, CONTEXT_SCORE, rank, (CONTEXT,)) for rank, (c, _) in enumerate(proposed))
            self._cache[key] = extra
        return extra


#: Candidate source (as the weights name it) -> its site generator, built from the LM's context
#: index; the corrector runs those whose source its weights were fitted with.
GENERATORS: dict[str, Callable[[ContextIndex], SiteGenerator]] = {
    CONTEXT: ContextCandidates,
}


class CandidateSource:
    """Proposes candidates per sentence: the confusion table's per seen character, plus at each
    site those of the site ``generators`` (:data:`GENERATORS`); never ``withheld[seen]`` for a
    seen character (a regional standard's form is not turned into another standard's:
    :data:`~ocrfix.confusions.variants.REGIONAL_FORMS`)."""

    def __init__(self, table: Table, generators: Sequence[SiteGenerator] = (),
                 withheld: Mapping[str, str] | None = None) -> None:
        self.withheld = dict(withheld or {})
        self.table = {**table, **{ch: tuple(entry for entry in table[ch] if entry[0] != barred)
                                  for ch, barred in self.withheld.items() if ch in table}}
        self.generators = tuple(generators)

    def lattice(self, sentence: Sentence) -> Lattice:
        """Confusion-set entries per token of ``sentence`` (``None`` where the token is not an edit
        site); :class:`Candidate` objects are made only for the few candidates that get scored."""
        table = self.table
        return [table.get(tok, ()) if ok else None for tok, ok in zip(sentence.tokens, sentence.editable)]

    def with_context(self, lattice: Lattice, tokens: Sequence[str], logps: Sequence[float]) -> Lattice:
        """``lattice`` with every site's generated candidates (see :meth:`site`)."""
        return [self.site(site, tokens, logps, i) for i, site in enumerate(lattice)]

    def site(self, entries: tuple[Entry, ...] | None, tokens: Sequence[str], logps: Sequence[float],
             i: int) -> tuple[Entry, ...] | None:
        """The confusion-set ``entries`` of site ``i`` plus every generator's proposals there."""
        if entries is None or not self.generators:
            return entries
        barred = self.withheld.get(tokens[i])
        extra = tuple(entry for generator in self.generators for entry in generator.propose(entries, tokens, logps, i)
                      if entry[0] != barred)
        return entries + extra if extra else entries
