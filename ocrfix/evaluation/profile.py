"""Normalization profiles: what counts as a character when comparing two texts.

Both profiles count Unicode code points after NFC and treat line breaks as block boundaries.

* default: :func:`ocrfix.normalize.fold` (width folding: ``，`` equals ``,``, ``１`` equals ``1``)
  and all whitespace dropped — layout (OCR spaces, line wrapping) is not an error.
* strict: code points as they are (no folding); spaces inside a line are characters too;
  only line breaks and the whitespace at line ends are layout.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..normalize import fold, fold_char, nfc


@dataclass(frozen=True)
class Doc:
    """A normalized document: ``text`` is all blocks concatenated; block k is ``text[starts[k]:starts[k+1]]``."""

    text: str
    starts: tuple[int, ...]
    #: the same characters as the file has them (NFC, not width-folded), position for position;
    #: what reports show ("" = as ``text``)
    shown: str = ""

    @property
    def blocks(self) -> list[tuple[int, int]]:
        ends = self.starts[1:] + (len(self.text),)
        return list(zip(self.starts, ends))


def normalize_line(line: str, strict: bool = False) -> str:
    """One line under a profile (see module docstring)."""
    line = nfc(line)
    if strict:
        return line.strip()
    return "".join(fold(line).split())


def shown_line(line: str, strict: bool = False) -> str:
    """The characters of :func:`normalize_line` as the line has them (one for one)."""
    line = nfc(line)
    if strict:
        return line.strip()
    return "".join(ch for ch in line if not fold_char(ch).isspace())


def to_doc(text: str, strict: bool = False) -> Doc:
    """Split ``text`` into non-empty line blocks and normalize each."""
    parts: list[str] = []
    shown: list[str] = []
    starts: list[int] = []
    offset = 0
    for line in text.splitlines():
        norm = normalize_line(line, strict)
        if norm:
            starts.append(offset)
            parts.append(norm)
            shown.append(shown_line(line, strict))
            offset += len(norm)
    return Doc("".join(parts), tuple(starts), "".join(shown))
