"""Structural character data: IDS decompositions, stroke counts, four-corner codes.

Read at run time from the shared data directory (CJKVI ``ids.txt`` and ``ucs-strokes.txt``,
contr4l ``four_corner_5digit.tsv``). Gives the component-aware similarity signals that glyph
pixels miss: 江/汇 share 氵 and differ in one component, 箱/霜 share 相.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse

from ...textio import read_text

IDS_FILE = "cjkvi_ids/ids.txt"
STROKES_FILE = "cjkvi_ids/ucs-strokes.txt"
FOUR_CORNER_FILE = "similar_character_contr4l/four_corner_5digit.tsv"

_ARITY = {chr(c): 2 for c in range(0x2FF0, 0x2FFC)} | {"⿲": 3, "⿳": 3}
_TAG = re.compile(r"\[([A-Z]+)\]$")
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ①..⑳ = unencoded component with n strokes


@dataclass(frozen=True)
class Structure:
    """Top-level layout (IDC, or '' for an atomic char), its parts, and all leaf components."""

    idc: str
    parts: tuple[str, ...]
    leaves: tuple[str, ...]


def _pick_ids(alternatives: list[str]) -> str:
    """The mainland (G) form if tagged, else the first untagged, else the first."""
    for alt in alternatives:
        tag = _TAG.search(alt)
        if tag and "G" in tag.group(1):
            return _TAG.sub("", alt)
    return _TAG.sub("", next((a for a in alternatives if not _TAG.search(a)), alternatives[0]))


def _split(ids: str, pos: int = 0) -> tuple[str, int]:
    """The subtree of prefix-notation ``ids`` starting at ``pos`` and the position after it."""
    arity = _ARITY.get(ids[pos], 0) if pos < len(ids) else 0
    end = pos + 1
    for _ in range(arity):
        _, end = _split(ids, end)
    return ids[pos:end], end


def parse_ids(ids: str) -> tuple[str, tuple[str, ...]]:
    """(top IDC, parts) of one IDS; ``('', (ids,))`` when it is not a composition."""
    if not ids or ids[0] not in _ARITY:
        return "", (ids,)
    parts, pos = [], 1
    for _ in range(_ARITY[ids[0]]):
        part, pos = _split(ids, pos)
        parts.append(part)
    return ids[0], tuple(parts)


class ShapeData:
    """IDS structures, stroke counts and four-corner codes for the characters asked for."""

    def __init__(self, data_dir: Path) -> None:
        self._ids: dict[str, str] = {}
        for line in read_text(data_dir / IDS_FILE).splitlines():
            if line.startswith("U+"):
                fields = line.split("\t")
                if len(fields) >= 3:
                    self._ids[fields[1]] = _pick_ids(fields[2:])
        self.strokes: dict[str, int] = {}
        for line in read_text(data_dir / STROKES_FILE).splitlines():
            fields = line.split("\t")
            if len(fields) >= 3 and fields[2].split(",")[0].isdigit():
                self.strokes[fields[1]] = int(fields[2].split(",")[0])
        self.strokes.update(_CIRCLED)
        self.four_corner: dict[str, str] = {}
        for line in read_text(data_dir / FOUR_CORNER_FILE).splitlines():
            ch, _, code = line.partition("\t")
            if len(ch) == 1 and code.isdigit():
                self.four_corner[ch] = code
        self.structure = lru_cache(maxsize=None)(self._structure)
        self._weighted_leaves = lru_cache(maxsize=None)(self._leaf_weights)

    def _leaves(self, ids: str, depth: int = 0) -> list[str]:
        out = []
        for ch in ids:
            if ch in _ARITY:
                continue
            sub = self._ids.get(ch, ch)
            if depth < 6 and sub != ch and len(sub) > 1:
                out.extend(self._leaves(sub, depth + 1))
            else:
                out.append(ch)
        return out

    def _structure(self, ch: str) -> Structure:
        ids = self._ids.get(ch, ch)
        idc, parts = parse_ids(ids)
        return Structure(idc, parts, tuple(self._leaves(ids)) if idc else (ch,))

    def _leaf_weights(self, ch: str) -> tuple[dict[str, int], int]:
        """Leaf component -> stroke-weighted count, and the total (components weighted by size)."""
        weights = {c: n * self.strokes.get(c, 1) for c, n in Counter(self.structure(ch).leaves).items()}
        return weights, sum(weights.values())

    def leaf_overlap(self, a: str, b: str) -> float:
        """Stroke-weighted share of leaf components two chars have in common (0..1)."""
        (wa, ta), (wb, tb) = self._weighted_leaves(a), self._weighted_leaves(b)
        if len(wb) < len(wa):
            wa, wb = wb, wa
        common = sum(min(n, wb[c]) for c, n in wa.items() if c in wb)
        total = max(ta, tb)
        return common / total if total else 0.0

    def one_swap(self, a: str, b: str) -> bool:
        """Same layout with exactly one top-level part replaced (江/汇, 园/困)."""
        sa, sb = self.structure(a), self.structure(b)
        return bool(sa.idc) and sa.idc == sb.idc and len(sa.parts) == len(sb.parts) and sum(
            x != y for x, y in zip(sa.parts, sb.parts)
        ) == 1

    def corner_agreement(self, a: str, b: str) -> int:
        """Number of equal digits of the five-digit four-corner codes (0 if either is unknown)."""
        ca, cb = self.four_corner.get(a), self.four_corner.get(b)
        return sum(x == y for x, y in zip(ca, cb)) if ca and cb else 0

    def stroke_diff(self, a: str, b: str) -> int:
        return abs(self.strokes.get(a, 10) - self.strokes.get(b, 10))

    def swap_neighbours(self, chars: Iterable[str]) -> dict[str, set[str]]:
        """For every char, the chars (among ``chars``) that differ from it by one swapped part."""
        index: dict[tuple, set[str]] = defaultdict(set)
        chars = list(chars)
        for ch in chars:
            st = self.structure(ch)
            for i in range(len(st.parts) if st.idc else 0):
                index[(st.idc, i, st.parts[:i] + st.parts[i + 1 :])].add(ch)
        out: dict[str, set[str]] = {}
        for ch in chars:
            st = self.structure(ch)
            found = set()
            for i in range(len(st.parts) if st.idc else 0):
                found |= index[(st.idc, i, st.parts[:i] + st.parts[i + 1 :])]
            out[ch] = found - {ch}
        return out

    def component_neighbours(self, chars: Sequence[str], k: int, chunk: int = 1024) -> dict[str, list[str]]:
        """For every char, the ``k`` chars (among ``chars``) sharing the most stroke-weighted leaf
        components with it (亚/哑, 韩/苇, 办/动: partial-glyph misreads that pixel similarity ranks low).

        Shared weight ``sum sqrt(w_a * w_b)`` over common leaves (= the min when a leaf has the same
        weight in both) divided by the larger total, as :meth:`leaf_overlap`; one sparse product per chunk.
        """
        chars = list(chars)
        leaf_ids: dict[str, int] = {}
        rows, cols, vals, totals = [], [], [], []
        for r, ch in enumerate(chars):
            weights, total = self._weighted_leaves(ch)
            totals.append(max(total, 1))
            for leaf, w in weights.items():
                rows.append(r)
                cols.append(leaf_ids.setdefault(leaf, len(leaf_ids)))
                vals.append(math.sqrt(w))
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(len(chars), len(leaf_ids)), dtype=np.float32)
        totals_arr = np.array(totals, np.float32)
        out: dict[str, list[str]] = {}
        for start in range(0, len(chars), chunk):
            block = (m[start : start + chunk] @ m.T).toarray()
            block /= np.maximum(totals_arr[start : start + chunk, None], totals_arr[None, :])
            for r in range(block.shape[0]):
                block[r, start + r] = 0.0
            top = np.argsort(-block, axis=1)[:, :k]
            for r, idx in enumerate(top):
                out[chars[start + r]] = [chars[j] for j in idx if block[r, j] > 0]
        return out
