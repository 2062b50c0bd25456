"""Plain column-wrapped text as a :class:`Document` without geometry.

Each non-blank line is one word holding the line exactly (leading indent and OCR spaces
included, since the plain reflow reads them); runs of non-blank lines are blocks; a form feed
parts the pages (Tesseract's text of a multi-page scan), a blank page kept as a page without blocks.
"""
from __future__ import annotations

from ..text_reflow import PAGE_BREAK
from .model import Block, Document, Line, Page, Word


def read_text_document(text: str, name: str) -> Document:
    pages = tuple(_page(part) for part in text.split(PAGE_BREAK))
    if len(pages) > 1 and not pages[-1].blocks:  # what follows the last page's form feed
        pages = pages[:-1]
    return Document(format="text", pages=pages, name=name, source=text.encode("utf-8"))


def _page(text: str) -> Page:
    blocks: list[list[Line]] = [[]]
    for raw in text.splitlines():
        if raw.strip():
            blocks[-1].append(Line(words=(Word(text=raw, box=None),), box=None))
        elif blocks[-1]:
            blocks.append([])
    return Page(blocks=tuple(Block(lines=tuple(lines), box=None) for lines in blocks if lines), box=None)
