"""The confusion-set data model: load/save TSV, query, filter, merge.

A confusion set maps a character **seen** in OCR output to candidate **true** characters,
each with a score in (0, 1] and the source(s) that proposed it. On disk (UTF-8 TSV)::

    # any number of '#' comment lines (how the set was built)
    char<TAB>candidate<TAB>score<TAB>source

``source`` is one tag or several joined by ``+`` (e.g. ``visual+learned``). Within one
``char`` candidates are kept best first (score descending; ties keep their order).
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..checksums import verify_model
from ..errors import InputError, ModelError
from . import cache as confusion_cache
from ..textio import CONVERT_TO_UTF8, read_text, write_text_atomic

SOURCE_SEP = "+"
_FORMAT_HEADER = "# format: char<TAB>candidate<TAB>score<TAB>source  (char = seen in OCR, candidate = possible true char)"


@dataclass(frozen=True)
class Confusion:
    """One candidate true character for a seen character."""

    char: str
    score: float
    sources: tuple[str, ...]


def _sort_key(conf: Confusion) -> float:
    return -conf.score


class ConfusionSet:
    """An immutable mapping seen char -> candidates (best first).

    Ranking is by score only and stable, so candidates with equal scores keep their input
    order: a saved set loads back in exactly its saved ranking even where scores printed
    with 6 digits tie.
    """

    def __init__(self, table: Mapping[str, Iterable[Confusion]], name: str = "set") -> None:
        self.name = name
        ranked_table: dict[str, tuple[Confusion, ...]] = {}
        for ch, confs in table.items():
            ranked = tuple(sorted((c for c in confs if c.char != ch), key=_sort_key))
            if ranked:
                ranked_table[ch] = ranked
        self._table: Mapping[str, tuple[Confusion, ...]] = ranked_table

    # ---- construction -------------------------------------------------------------
    @classmethod
    def from_scores(cls, scores: Mapping[str, Mapping[str, float]], source: str, name: str | None = None) -> "ConfusionSet":
        """Build from ``{seen: {candidate: score}}``; scores are clipped into (0, 1], non-positive dropped."""
        table = {
            ch: [Confusion(cand, min(1.0, float(s)), (source,)) for cand, s in sorted(cands.items()) if s > 0]
            for ch, cands in scores.items()
        }
        return cls(table, name=name or source)

    @classmethod
    def load(cls, path: str | Path) -> "ConfusionSet":
        """Read a TSV confusion set; raise :class:`ModelError` naming ``file:line`` on bad content.
        A file read before comes from its binary cache (:mod:`.cache`)."""
        path = Path(path)
        cache = confusion_cache.cache_file(path)
        cached = confusion_cache.read(cache) if cache is not None else None
        if cached is not None:
            loaded = cls.__new__(cls)
            loaded.name, loaded._table = path.stem, cached
            return loaded
        try:
            if path.is_file():
                verify_model(path)
            text = read_text(path, remedy=CONVERT_TO_UTF8)
        except InputError as exc:
            raise ModelError(f"confusion set {exc}") from None
        table: dict[str, list[Confusion]] = defaultdict(list)
        seen: set[tuple[str, str]] = set()
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            where = f"{path}:{lineno}"
            fields = line.split("\t")
            if len(fields) != 4:
                raise ModelError(f"{where}: expected 4 TAB-separated fields (char, candidate, score, source), got {len(fields)}")
            ch, cand, score_text, source = fields
            if len(ch) != 1 or len(cand) != 1:
                raise ModelError(f"{where}: char and candidate must be single characters, got {ch!r} and {cand!r}")
            try:
                score = float(score_text)
            except ValueError:
                raise ModelError(f"{where}: score {score_text!r} is not a number") from None
            if not (0.0 < score <= 1.0) or math.isnan(score):
                raise ModelError(f"{where}: score {score_text} is outside (0, 1]")
            sources = tuple(s for s in source.strip().split(SOURCE_SEP) if s)
            if not sources:
                raise ModelError(f"{where}: empty source field")
            if (ch, cand) in seen:
                raise ModelError(f"{where}: duplicate pair {ch}\t{cand}")
            seen.add((ch, cand))
            table[ch].append(Confusion(cand, score, sources))
        if not table:
            raise ModelError(f"{path}: confusion set has no entries")
        loaded = cls(table, name=path.stem)
        if cache is not None:
            confusion_cache.write(cache, loaded._table)
        return loaded

    def save(self, path: str | Path, comments: Sequence[str] = ()) -> None:
        """Write the set as TSV with ``comments`` as ``#`` header lines."""
        if not self._table:
            raise ModelError(f"{path}: refusing to write an empty confusion set")
        lines = [f"# {c}" for c in comments] + [_FORMAT_HEADER]
        for ch, cand in self.pairs():
            lines.append(f"{ch}\t{cand.char}\t{cand.score:.6g}\t{SOURCE_SEP.join(cand.sources)}")
        write_text_atomic(path, "\n".join(lines) + "\n")

    # ---- queries ------------------------------------------------------------------
    def candidates(self, ch: str, k: int | None = None) -> list[Confusion]:
        """Candidates for seen char ``ch``, best first (at most ``k``); ``[]`` if unknown."""
        confs = self._table.get(ch, ())
        return list(confs if k is None else confs[:k])

    def chars(self) -> frozenset[str]:
        """The seen characters that have candidates."""
        return frozenset(self._table)

    def pairs(self) -> Iterator[tuple[str, Confusion]]:
        """All (seen char, candidate) entries, by char then rank."""
        for ch in sorted(self._table):
            for conf in self._table[ch]:
                yield ch, conf

    def __contains__(self, ch: object) -> bool:
        return ch in self._table

    def __len__(self) -> int:
        """Number of (char, candidate) entries."""
        return sum(map(len, self._table.values()))

    def mean_candidates(self) -> float:
        """Mean candidate count over the chars that have any."""
        return len(self) / len(self._table) if self._table else 0.0

    # ---- filters (each returns a new set) --------------------------------------------
    def top_k(self, k: int) -> "ConfusionSet":
        return ConfusionSet({ch: confs[:k] for ch, confs in self._table.items()}, self.name)

    def min_score(self, threshold: float) -> "ConfusionSet":
        return ConfusionSet({ch: [c for c in confs if c.score >= threshold] for ch, confs in self._table.items()}, self.name)

    def restrict(self, allowed: Iterable[str] | frozenset[str], chars_too: bool = False) -> "ConfusionSet":
        """Drop candidates outside ``allowed`` (and, with ``chars_too``, seen chars outside it)."""
        allowed = frozenset(allowed)
        return ConfusionSet(
            {ch: [c for c in confs if c.char in allowed] for ch, confs in self._table.items() if not chars_too or ch in allowed},
            self.name,
        )

    def with_source(self, source: str) -> "ConfusionSet":
        """The same entries, all tagged with the single source ``source`` (used before merging)."""
        return ConfusionSet(
            {ch: [Confusion(c.char, c.score, (source,)) for c in confs] for ch, confs in self._table.items()}, source
        )


def merge(sets: Sequence[ConfusionSet], weights: Sequence[float] | None = None, name: str = "merged") -> ConfusionSet:
    """Combine sets by a weighted noisy-OR: ``1 - prod(1 - min(1, w_i * s_i))``.

    A candidate proposed by several sources scores higher than by any one of them; a weight
    scales how much one source's score counts (weights > 0). Sources are unioned in input order.
    """
    weights = list(weights) if weights is not None else [1.0] * len(sets)
    if len(weights) != len(sets):
        raise ModelError(f"merge: {len(sets)} sets but {len(weights)} weights")
    if any(w <= 0 for w in weights):
        raise ModelError("merge: weights must be positive")
    miss: dict[str, dict[str, float]] = defaultdict(dict)
    sources: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for cset, weight in zip(sets, weights):
        for ch, conf in cset.pairs():
            keep = 1.0 - min(1.0, weight * conf.score)
            miss[ch][conf.char] = miss[ch].get(conf.char, 1.0) * keep
            for src in conf.sources:
                if src not in sources[ch][conf.char]:
                    sources[ch][conf.char].append(src)
    table = {
        ch: [Confusion(cand, max(1.0 - m, 1e-9), tuple(sources[ch][cand])) for cand, m in cands.items()]
        for ch, cands in miss.items()
    }
    return ConfusionSet(table, name=name)
