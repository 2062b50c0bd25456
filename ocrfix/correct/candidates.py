"""The candidate lattice: for every edit site of a sentence, the confusion-set candidates.

Only the top ``k`` candidates of each seen character that lie in the inventory are kept, in
a compact table. Parsing and validating a large confusion TSV takes seconds, so the table
built from given files is cached (pickle, keyed by the files' paths, sizes and mtimes, ``k``
and the inventory) under ``build/cache``; a stale or unreadable cache is simply rebuilt.
"""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Callable, Collection, NamedTuple, Sequence

from ..confusions import ConfusionSet
from ..segment import Sentence

#: One candidate of a seen character: (candidate, score, rank, sources).
Entry = tuple[str, float, int, tuple[str, ...]]
#: seen char -> entries, best first
Table = dict[str, tuple[Entry, ...]]


class Candidate(NamedTuple):
    index: int  # token index in the sentence
    char: str  # proposed true character
    score: float  # channel score from the confusion set, in (0, 1]
    rank: int  # 0 = best candidate of the seen character
    sources: tuple[str, ...]


def build_table(confusions: ConfusionSet, k: int, inventory: Collection[str] | None) -> Table:
    table: Table = {}
    for ch in confusions.chars():
        allowed = [c for c in confusions.candidates(ch) if inventory is None or c.char in inventory][:k]
        if allowed:
            table[ch] = tuple((c.char, c.score, rank, c.sources) for rank, c in enumerate(allowed))
    return table


def _cache_key(paths: Sequence[Path], k: int, inventory: Collection[str] | None) -> str:
    digest = hashlib.sha256(f"v1 k={k}".encode())
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
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp")
            with tmp.open("wb") as handle:
                pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(cache)
        except OSError:
            pass  # a read-only install just does without the cache
    return table


class CandidateSource:
    """Proposes candidates per sentence from a candidate table."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def lattice(self, sentence: Sentence) -> list[tuple[Entry, ...]]:
        """Candidate entries per token of ``sentence`` (empty where the token is not an edit site);
        :class:`Candidate` objects are made only for the few candidates that get scored."""
        table = self.table
        return [table.get(tok, ()) if ok else () for tok, ok in zip(sentence.tokens, sentence.editable)]
