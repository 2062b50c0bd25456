"""Building the variant table (:mod:`ocrfix.confusions.variants`) from OpenCC's ``t2s`` conversion, and
the simplified forms' traditional ones from its ``s2t``."""
from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from ...checksums import write_model_rows
from ...errors import InputError

#: Han blocks whose characters may be traditional forms (CJK Unified, Extension A, Compatibility).
HAN_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


def _opencc(*configs: str, what: str) -> list:
    """OpenCC's converters of ``configs``; InputError naming the ``train`` extra without OpenCC."""
    try:
        import opencc
    except ImportError as exc:
        raise InputError(f"building {what} needs OpenCC: pip install 'ocrfix[train]'") from exc
    return [opencc.OpenCC(config).convert for config in configs]


def build_variants(inventory: Collection[str], chars: Iterable[str] | None = None) -> dict[str, str]:
    """traditional -> simplified for every character outside ``inventory`` (default: all Han
    characters of :data:`HAN_RANGES`) whose OpenCC ``t2s`` form is one character inside it."""
    [convert] = _opencc("t2s", what="the variant table")
    if chars is None:
        chars = (chr(cp) for start, end in HAN_RANGES for cp in range(start, end))
    table = {}
    for ch in chars:
        if ch in inventory:
            continue
        simplified = convert(ch)
        if len(simplified) == 1 and simplified != ch and simplified in inventory:
            table[ch] = simplified
    return table


def build_regional(inventory: Collection[str]) -> dict[str, str]:
    """Taiwan standard form -> mainland form for every character of ``inventory`` that OpenCC's
    ``tw2sp`` changes into another inventory character while ``t2s`` keeps it: the same character
    in simplified script, another standard (:data:`ocrfix.confusions.variants.REGIONAL_FORMS`)."""
    taiwan, t2s = _opencc("tw2sp", "t2s", what="the regional forms")
    return {ch: taiwan(ch) for ch in sorted(inventory)
            if len(taiwan(ch)) == 1 and taiwan(ch) != ch and taiwan(ch) in inventory and t2s(ch) == ch}


def build_simplified_forms(inventory: Collection[str]) -> dict[str, str]:
    """simplified -> traditional for the characters of ``inventory`` that OpenCC's ``s2t`` writes as
    one other character (儿 兒, 们 們, 国 國, 群 羣; not 年 or 不, which every script writes)."""
    [s2t] = _opencc("s2t", what="the simplified forms")
    return {ch: s2t(ch) for ch in sorted(inventory) if len(s2t(ch)) == 1 and s2t(ch) != ch}


def save_variants(path: str | Path, table: Mapping[str, str], header: Iterable[str] = ()) -> None:
    write_model_rows(path, header, "format: traditional<TAB>simplified", sorted(table.items()))
