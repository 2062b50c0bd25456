"""A binary cache of parsed confusion-set TSVs.

Parsing and checking a shipped set (8 MB, 320,000 pairs) takes seconds; ``confusions show`` and
a corrector given several ``--confusions`` files would pay that on every start. The first load
of a file stores its candidates, packed per character, under ``build/cache`` keyed by a hash of
the file's bytes (so an edited file is parsed again); later loads unpack a character's
candidates only when it is asked for. A cache that cannot be read or written is ignored.
"""
from __future__ import annotations

import hashlib
import pickle
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import load_settings

if TYPE_CHECKING:
    from .model import Confusion

_VERSION = b"ocrfix-confusions-v1\n"
#: seen char -> (candidates as one string, scores as array('d') bytes, source ids as array('H') bytes)
Packed = dict[str, tuple[str, bytes, bytes]]


def cache_file(path: Path) -> Path | None:
    """Where the parsed ``path`` is cached; ``None`` when the file cannot be read (the TSV reader
    then reports why)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest = hashlib.blake2b(_VERSION + data, digest_size=16).hexdigest()
    return load_settings().build_dir / "cache" / f"confusions-{digest}.pickle"


class PackedTable(Mapping[str, "tuple[Confusion, ...]"]):
    """seen char -> candidates (best first), unpacked on first access."""

    def __init__(self, packed: Packed, sources: Sequence[tuple[str, ...]]) -> None:
        self._packed = packed
        self._sources = sources
        self._unpacked: dict[str, tuple[Confusion, ...]] = {}

    def __getitem__(self, ch: str) -> "tuple[Confusion, ...]":
        found = self._unpacked.get(ch)
        if found is None:
            from .model import Confusion

            chars, score_bytes, id_bytes = self._packed[ch]
            scores, ids = array("d"), array("H")
            scores.frombytes(score_bytes)
            ids.frombytes(id_bytes)
            found = self._unpacked[ch] = tuple(Confusion(c, s, self._sources[i]) for c, s, i in zip(chars, scores, ids))
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def __contains__(self, ch: object) -> bool:
        return ch in self._packed


def read(cache: Path) -> PackedTable | None:
    try:
        with cache.open("rb") as handle:
            packed, sources = pickle.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return None  # damaged or from another version: parsed again and rewritten
    return PackedTable(packed, sources)


def write(cache: Path, table: Mapping[str, Sequence["Confusion"]]) -> None:
    sources: dict[tuple[str, ...], int] = {}
    packed: Packed = {}
    for ch, confs in table.items():
        ids = array("H", (sources.setdefault(c.sources, len(sources)) for c in confs))
        packed[ch] = ("".join(c.char for c in confs), array("d", (c.score for c in confs)).tobytes(), ids.tobytes())
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f"{cache.name}.{id(table)}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump((packed, list(sources)), handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError:
        pass  # a read-only install does without the cache
