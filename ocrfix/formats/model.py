"""The format-neutral document model: pages -> blocks -> lines -> words -> glyphs.

Every reader (hOCR, ALTO, PAGE) produces these frozen dataclasses and every writer consumes
them. Each element keeps the ``ref`` of the XML element it came from (an lxml path in the
source tree), so writing back into the same format patches the original tree and preserves
everything ocrfix does not model (styles, separators, metadata, IDs).

Confidences are normalized to [0, 1] = probability that the reading is right, whatever the
source scale (hOCR ``x_wconf`` 0–100, ALTO ``CC`` digits 0 = sure … 9 = unsure).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterator, NamedTuple

from ..normalize import PerChar, is_cjk_punct, is_han


class Box(NamedTuple):
    """Axis-aligned box in image pixels: left, top, right (exclusive), bottom (exclusive)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @staticmethod
    def union(boxes: "list[Box]") -> "Box":
        return Box(min(b.x0 for b in boxes), min(b.y0 for b in boxes), max(b.x1 for b in boxes), max(b.y1 for b in boxes))


@dataclass(frozen=True)
class Correction:
    """What ocrfix changed in one word or glyph: the OCR reading it replaced, the edit's gain
    (the corrector's calibrated probability that the edit is right) and its sources."""

    original: str
    gain: float = 0.0
    sources: tuple[str, ...] = ()


class Alternative(NamedTuple):
    """Another reading the engine considered for a glyph, with its confidence when it gives one."""

    text: str
    conf: float | None = None


@dataclass(frozen=True)
class Glyph:
    text: str
    box: Box | None
    conf: float | None = None
    id: str | None = None
    ref: str | None = None
    correction: Correction | None = None
    #: The engine's other readings of the glyph (hOCR ``lstm_choices``, ALTO ``Variant``, PAGE
    #: further ``TextEquiv``s), best first.
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True)
class Word:
    text: str
    box: Box | None
    conf: float | None = None
    #: Per-character confidences (same length as ``text``) when the format has them (ALTO ``CC``).
    char_confs: tuple[float, ...] | None = None
    glyphs: tuple[Glyph, ...] = ()
    id: str | None = None
    ref: str | None = None
    correction: Correction | None = None
    #: The engine's other readings of the whole word (ALTO ``ALTERNATIVE``, PAGE further ``TextEquiv``s).
    alternatives: tuple[str, ...] = ()

    def char_alternatives(self, i: int) -> tuple[Alternative, ...]:
        """The engine's other readings of the ``i``-th character: its glyph's, then the ``i``-th
        character of every word alternative of the same length that differs there."""
        found = list(self.glyphs[i].alternatives) if len(self.glyphs) == len(self.text) else []
        seen = {self.text[i], *(a.text for a in found)}
        for word in self.alternatives:
            if len(word) == len(self.text) and word[i] not in seen:
                found.append(Alternative(word[i]))
                seen.add(word[i])
        return tuple(found)

    def char_confidence(self, i: int, word_level: bool = True) -> float | None:
        """Confidence of the ``i``-th character: glyph, then per-character list, then (with
        ``word_level``) the word's."""
        if len(self.glyphs) == len(self.text) and self.glyphs[i].conf is not None:
            return self.glyphs[i].conf
        if self.char_confs is not None and len(self.char_confs) == len(self.text):
            return self.char_confs[i]
        return self.conf if word_level else None


def spelling_glyphs(text: str, glyphs: tuple[Glyph, ...]) -> tuple[Glyph, ...]:
    """A word's ``glyphs`` where their readings spell its reading ``text``, else none: a file whose
    glyph readings disagree with its word's (ALTO ``Glyph/@CONTENT``, PAGE ``Glyph/TextEquiv``)
    is read by the word's, and a writer that sets each character in its glyph would otherwise
    write the glyphs' reading in its place."""
    return glyphs if "".join(g.text for g in glyphs) == text else ()


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    box: Box | None
    id: str | None = None
    ref: str | None = None
    #: Font size (pixels) when the format states it (hOCR ``x_size``, ALTO style, PAGE textStyle).
    font_size: float | None = None

    def text(self) -> str:
        return join_words([w.text for w in self.words])


@dataclass(frozen=True)
class Block:
    lines: tuple[Line, ...]
    box: Box | None
    id: str | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Page:
    blocks: tuple[Block, ...]
    box: Box | None
    id: str | None = None
    ref: str | None = None
    #: The scanned image's file name as the OCR file records it.
    image: str | None = None
    #: The page's stories in reading order, each the indices of its blocks in reading order;
    #: empty when the page is not grouped into stories (see :func:`ocrfix.formats.grouping.regroup`).
    stories: tuple[tuple[int, ...], ...] = ()

    def map_boxes(self, fn: Callable[[Box], Box]) -> "Page":
        """A copy with every box (the page's, its blocks', lines', words' and glyphs') replaced by
        ``fn(box)``; text, order and structure unchanged."""
        def box(b: Box | None) -> Box | None:
            return None if b is None else fn(b)

        def word(w: Word) -> Word:
            return replace(w, box=box(w.box), glyphs=tuple(replace(g, box=box(g.box)) for g in w.glyphs))

        blocks = tuple(replace(b, box=box(b.box), lines=tuple(replace(l, box=box(l.box), words=tuple(map(word, l.words))) for l in b.lines))
                       for b in self.blocks)
        return replace(self, blocks=blocks, box=box(self.box))


@dataclass(frozen=True)
class Document:
    """One OCR file. ``source`` is the original bytes (writers patch its tree), ``name`` its path."""

    format: str
    pages: tuple[Page, ...]
    name: str = "<memory>"
    source: bytes = field(default=b"", repr=False)
    #: The OCR software the file names as its producer (hOCR ``ocr-system``, ALTO
    #: ``processingSoftware``, PAGE ``Creator``), e.g. ``"tesseract 5.3.0"``; None when it names none.
    software: str | None = None

    def lines(self) -> Iterator[Line]:
        for page in self.pages:
            for block in page.blocks:
                yield from block.lines

    def words(self) -> Iterator[Word]:
        for line in self.lines():
            yield from line.words

    @property
    def has_geometry(self) -> bool:
        return all(line.box is not None for line in self.lines())

    def text(self) -> str:
        """Plain column-wrapped text, the way Tesseract's ``txt`` output lays it out.

        One printed line per line, a blank line between blocks (and between pages).
        """
        blocks = ["\n".join(line.text() for line in block.lines) for page in self.pages for block in page.blocks]
        return "\n\n".join(b for b in blocks if b.strip()) + "\n"

    def map_words(self, fn) -> "Document":
        """A copy with every word replaced by ``fn(word)`` (structure and geometry unchanged)."""
        pages = tuple(
            replace(page, blocks=tuple(
                replace(block, lines=tuple(replace(line, words=tuple(map(fn, line.words))) for line in block.lines))
                for block in page.blocks))
            for page in self.pages
        )
        return replace(self, pages=pages)


#: Whether a character is CJK (set without spaces): :func:`join_words` asks it of both ends of every word.
_TIGHT = PerChar(lambda ch: is_han(ch) or is_cjk_punct(ch))


def join_words(words: list[str]) -> str:
    """Join word readings into a line: no space between CJK characters, one space otherwise."""
    joined = "".join(words)
    if all(map(_TIGHT.__getitem__, joined)):  # most lines of a Chinese page: one look-up per character, no loop
        return joined
    out = ""
    for word in words:
        if not word:
            continue
        if out and not (_TIGHT[out[-1]] and _TIGHT[word[0]]):
            out += " "
        out += word
    return out
