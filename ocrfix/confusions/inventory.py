"""The character inventory: the only characters ever proposed as candidates.

Built once (:mod:`ocrfix.training.confusions.inventory`) from the 8,105 characters of 通用规范汉字表 plus Han characters that are frequent
in the *training* split of the news corpora (held-out ``rmrb_2020-05`` and ``xwlb_2026``
are never read). The result is committed as ``models/confusions/inventory.txt``; the Han
character counts behind it as ``models/confusions/charfreq.tsv`` (used to weight candidates).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import InputError, ModelError
from ..textio import CONVERT_TO_UTF8, read_text

INVENTORY_FILE = "inventory.txt"
CHARFREQ_FILE = "charfreq.tsv"


def _read_lines(path: Path) -> list[str]:
    try:
        text = read_text(path, remedy=CONVERT_TO_UTF8)
    except InputError as exc:
        raise ModelError(f"inventory: {exc}") from None
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def load_inventory(path: Path) -> frozenset[str]:
    chars = _read_lines(path)
    bad = next((i for i, c in enumerate(chars) if len(c) != 1), None)
    if bad is not None:
        raise ModelError(f"{path}: entry {chars[bad]!r} is not a single character")
    return frozenset(chars)


def load_charfreq(path: Path) -> dict[str, int]:
    freq = {}
    for i, line in enumerate(_read_lines(path), 1):
        ch, _, n = line.partition("\t")
        if len(ch) != 1 or not n.isdigit():
            raise ModelError(f"{path}: malformed row {i}: {line!r}")
        freq[ch] = int(n)
    return freq


@lru_cache(maxsize=4)
def inventory(confusions_dir: Path) -> frozenset[str]:
    """The inventory of a confusions directory (shipped: ``models/confusions/inventory.txt``)."""
    return load_inventory(Path(confusions_dir) / INVENTORY_FILE)


@lru_cache(maxsize=4)
def charfreq(confusions_dir: Path) -> dict[str, int]:
    """Training-corpus counts of the inventory characters (shipped: ``models/confusions/charfreq.tsv``)."""
    return load_charfreq(Path(confusions_dir) / CHARFREQ_FILE)
