"""Plain column-wrapped text as a :class:`Document` without geometry.

Each non-blank line is one word holding the line exactly (leading indent and OCR spaces
included, since the plain reflow reads them); runs of non-blank lines are blocks.
"""
from __future__ import annotations

from .model import Block, Document, Line, Page, Word


def read_text_document(text: str, name: str) -> Document:
    blocks: list[list[Line]] = [[]]
    for raw in text.splitlines():
        if raw.strip():
            blocks[-1].append(Line(words=(Word(text=raw, box=None),), box=None))
        elif blocks[-1]:
            blocks.append([])
    page = Page(blocks=tuple(Block(lines=tuple(lines), box=None) for lines in blocks if lines), box=None)
    return Document(format="text", pages=(page,), name=name, source=text.encode("utf-8"))
