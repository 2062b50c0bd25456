"""Stories written into a document's structure, for PAGE and ALTO output.

The geometry reflow finds a page's stories and reads each one in order (see :mod:`.layout`);
:func:`regroup` puts that into the document model: each page with two stories or more gets
one block per headline or paragraph, its lines in reading order, and ``Page.stories`` lists the
blocks of each story. A line the engine merged across a gutter becomes one line per column,
its words' boxes kept (the line's box is cut to its words). Every word, glyph and coordinate
is kept; only the grouping into blocks changes. The PAGE and ALTO writers turn
``Page.stories`` into a ``ReadingOrder`` with one group per story and into one
``ComposedBlock`` per story (moving the line elements :func:`.xmlutil.line_elements` finds).
"""
from __future__ import annotations

from dataclasses import replace

from .layout import Piece, Reflowed
from .model import Block, Box, Document, Line, Page


def _part(line: Line, words: tuple[int, ...]) -> Line:
    """The words ``words`` of ``line`` as a line of their own (``line`` itself when all of them),
    its box cut to theirs along the line (down a vertical line: one taller than wide)."""
    if len(words) == len(line.words):
        return line
    kept = tuple(line.words[k] for k in words)
    boxes = [w.box for w in kept if w.box is not None]
    if not boxes or line.box is None:
        box = line.box
    elif line.box.height > line.box.width:
        box = Box(line.box.x0, min(b.y0 for b in boxes), line.box.x1, max(b.y1 for b in boxes))
    else:
        box = Box(min(b.x0 for b in boxes), line.box.y0, max(b.x1 for b in boxes), line.box.y1)
    return replace(line, words=kept, box=box, id=f"{line.id}_{words[0]}" if line.id else None)


def _grouped(page: Page, items: list[tuple[int, tuple[Piece, ...]]]) -> Page:
    blocks: list[Block] = []
    stories: dict[int, list[int]] = {}
    used: set[tuple[int, int]] = set()
    for story, pieces in items:
        lines = tuple(_part(page.blocks[p.block].lines[p.line], p.words) for p in pieces)
        used.update((p.block, p.line) for p in pieces)
        blocks.append(Block(lines=lines, box=Box.union([l.box for l in lines])))
        stories.setdefault(story, []).append(len(blocks) - 1)
    rest = tuple(l for b, block in enumerate(page.blocks) for k, l in enumerate(block.lines) if (b, k) not in used)
    if rest:  # lines with no text: kept, outside the stories
        blocks.append(Block(lines=rest, box=Box.union([l.box for l in rest])))
    return replace(page, blocks=tuple(blocks), stories=tuple(map(tuple, stories.values())))


def regroup(doc: Document, flow: Reflowed) -> Document:
    """``doc`` (or a copy of it with edits applied: blocks are found by position) with each page
    of two or more stories grouped as ``flow`` reads it (see module docstring); other pages, and
    documents without geometry, unchanged."""
    if not flow.sources:
        return doc
    by_page: dict[int, list[tuple[int, tuple[Piece, ...]]]] = {}
    for block, pieces in zip(flow.blocks, flow.sources):
        if pieces:
            by_page.setdefault(pieces[0].page, []).append((block.story, pieces))
    pages = tuple(
        _grouped(page, by_page[k]) if len({story for story, _ in by_page.get(k, [])}) >= 2 else page
        for k, page in enumerate(doc.pages)
    )
    return replace(doc, pages=pages)
