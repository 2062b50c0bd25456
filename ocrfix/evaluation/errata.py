"""Ground-truth errata: known errors of the reference text, corrected before scoring.

File format (UTF-8 TSV): ``GT substring<TAB>corrected substring`` per line; ``#`` starts a
comment line. Errata are normalized with the evaluation profile and applied to each GT block
(never across blocks); every occurrence is recorded so the report can show which differences
each erratum resolved.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..textio import read_text
from .profile import Doc, normalize_line, shown_line


@dataclass(frozen=True)
class Erratum:
    wrong: str
    right: str


@dataclass(frozen=True)
class Occurrence:
    erratum: int          # index into the errata list
    before: tuple[int, int]  # span in the original GT Doc
    after: tuple[int, int]   # span in the corrected GT Doc


def load_errata(path: str | Path, encoding: str | None = None) -> tuple[Erratum, ...]:
    """Read an errata TSV; raise :class:`InputError` on malformed lines."""
    errata = []
    for number, line in enumerate(read_text(path, encoding).splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip():
            raise InputError(f"{path}:{number}: expected 'GT substring<TAB>corrected substring'")
        errata.append(Erratum(fields[0].strip(), fields[1].strip()))
    if not errata:
        raise InputError(f"{path}: no errata in file")
    return tuple(errata)


def apply_errata(doc: Doc, errata: tuple[Erratum, ...], strict: bool = False) -> tuple[Doc, list[Occurrence]]:
    """Correct ``doc`` block by block; return the corrected Doc and where each correction happened."""
    norm = [Erratum(normalize_line(e.wrong, strict), normalize_line(e.right, strict)) for e in errata]
    right_shown = [shown_line(e.right, strict) for e in errata]
    by_wrong = {e.wrong: k for k, e in reversed(list(enumerate(norm)))}
    pattern = re.compile("|".join(sorted(map(re.escape, by_wrong), key=len, reverse=True)))
    parts: list[str] = []
    shown: list[str] = []
    starts: list[int] = []
    occurrences: list[Occurrence] = []
    out_len = 0
    for start, end in doc.blocks:
        block = doc.text[start:end]
        starts.append(out_len)
        pos = 0
        for match in pattern.finditer(block):
            k = by_wrong[match.group()]
            parts.append(block[pos:match.start()])
            shown.append(doc.shown[start + pos:start + match.start()])
            out_len += match.start() - pos
            new_start = out_len
            parts.append(norm[k].right)
            shown.append(right_shown[k])
            out_len += len(norm[k].right)
            occurrences.append(Occurrence(k, (start + match.start(), start + match.end()), (new_start, out_len)))
            pos = match.end()
        parts.append(block[pos:])
        shown.append(doc.shown[start + pos:end])
        out_len += len(block) - pos
    return Doc("".join(parts), tuple(starts), "".join(shown) if doc.shown else ""), occurrences
