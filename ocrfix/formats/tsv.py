"""Tesseract's TSV output (``tesseract IMAGE OUT tsv``; ``pytesseract.image_to_data``): a row per page,
block, paragraph, line and word of the page, with its box and, for a word, its confidence.

Columns (the header row names them): ``level page_num block_num par_num line_num word_num left top
width height conf text``. Level 1 is a page, 2 a block, 3 a paragraph, 4 a line, 5 a word (``conf``
0–100; -1 on the other levels). A page of the model is a ``page_num``, a block a paragraph (as hOCR's
``ocr_par``), a line a ``line_num`` with its level-4 box (the union of its words' boxes where a file
kept only the word rows, as many scripts filter ``image_to_data`` to), a word a level-5 row with
text. The file names no engine: it is Tesseract's (the ``tesseract`` profile corrects it).

Writing back replaces the ``text`` of each corrected word's row and keeps every other byte; TSV has
no column for the OCR reading a correction replaced (the edit log keeps it). Built from another
format, a file gets the five levels, numbered in the document's order.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from typing import NamedTuple

from ..errors import InputError
from .model import Block, Box, Document, Line, Page, Word

HEADER = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
          "left", "top", "width", "height", "conf", "text")
SOFTWARE = "Tesseract"
PAGE_LEVEL, BLOCK_LEVEL, PAR_LEVEL, LINE_LEVEL, WORD_LEVEL = 1, 2, 3, 4, 5


class Row(NamedTuple):
    """One row of the table: where it is in the file (its line, 0 = the header), its level and
    numbers (page, block, paragraph, line, word), box, confidence and text."""

    at: int
    level: int
    numbers: tuple[int, int, int, int, int]
    box: Box
    conf: float | None
    text: str


def _header(line: str) -> tuple[str, ...]:
    return tuple(line.lstrip("\ufeff").rstrip("\r").split("\t"))


def looks_like_tsv(data: bytes) -> bool:
    """Whether a file's content opens with the header row of Tesseract's TSV."""
    first = data[:256].split(b"\n", 1)[0]
    return _header(first.decode("utf-8", "replace")) == HEADER


def _lines(data: bytes, name: str) -> list[str]:
    try:
        return data.decode("utf-8").split("\n")
    except UnicodeDecodeError as err:
        raise InputError(f"{name}: TSV that is not UTF-8 ({err.reason} at byte {err.start})") from None


def rows(data: bytes, name: str) -> Iterator[Row]:
    """The rows of a TSV file below its header (blank lines skipped); InputError for a row that is
    not a TSV row of Tesseract's."""
    lines = _lines(data, name)
    if _header(lines[0]) != HEADER:
        raise InputError(f"{name}: not Tesseract TSV (the first line is not its header: {' '.join(HEADER)})")
    for at, line in enumerate(lines[1:], start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) == len(HEADER) - 1:  # no text column: an empty text
            fields.append("")
        try:
            if len(fields) != len(HEADER):
                raise ValueError(f"{len(fields)} fields, not {len(HEADER)}")
            level, *numbers = (int(f) for f in fields[:6])
            left, top, width, height = (round(float(f)) for f in fields[6:10])
            conf = float(fields[10])
            if not math.isfinite(conf):
                raise ValueError(f"confidence {fields[10]}")
        except (ValueError, OverflowError) as err:
            raise InputError(f"{name}: line {at + 1}: not a Tesseract TSV row ({err})") from None
        yield Row(at, level, tuple(numbers), Box(left, top, left + max(width, 0), top + max(height, 0)),
                  None if conf < 0 else min(conf / 100.0, 1.0), fields[11])


def _union(boxes: list[Box]) -> Box | None:
    return Box.union(boxes) if boxes else None


def read(data: bytes, name: str) -> Document:
    table = list(rows(data, name))
    line_boxes = {r.numbers[:4]: r.box for r in table if r.level == LINE_LEVEL}
    page_boxes = {r.numbers[0]: r.box for r in table if r.level == PAGE_LEVEL}
    words: dict[tuple[int, int, int, int], list[Word]] = {}
    for r in table:
        if r.level == WORD_LEVEL and r.text.strip():
            words.setdefault(r.numbers[:4], []).append(Word(text=r.text.strip(), box=r.box, conf=r.conf, ref=str(r.at)))
    if not words:
        raise InputError(f"{name}: Tesseract TSV without any text")
    pages: dict[int, dict[tuple[int, int], list[Line]]] = {}
    for key, found in words.items():  # rows come in reading order: dicts keep it
        box = line_boxes.get(key) or _union([w.box for w in found])
        pages.setdefault(key[0], {}).setdefault(key[1:3], []).append(Line(words=tuple(found), box=box, ref=str(key)))
    doc_pages = []
    for number, paragraphs in pages.items():
        blocks = tuple(Block(lines=tuple(lines), box=_union([line.box for line in lines])) for lines in paragraphs.values())
        box = page_boxes.get(number) or _union([b.box for b in blocks])
        doc_pages.append(Page(blocks=blocks, box=box, ref=str(number)))
    return Document(format="tsv", pages=tuple(doc_pages), name=name, source=data, software=SOFTWARE)


def write(doc: Document) -> bytes:
    """The source file with each corrected word's ``text`` field replaced."""
    lines = _lines(doc.source, doc.name)
    for word in doc.words():
        if word.correction is not None:
            at = int(word.ref)
            line = lines[at]
            end = "\r" if line.endswith("\r") else ""
            fields = line.rstrip("\r").split("\t")[:len(HEADER) - 1]
            lines[at] = "\t".join([*fields, word.text]) + end
    return "\n".join(lines).encode("utf-8")


def _row(level: int, numbers: tuple[int, ...], box: Box | None, conf: float | None, text: str) -> str:
    x0, y0, x1, y1 = box or (0, 0, 0, 0)
    score = "-1" if conf is None else f"{conf * 100:.6f}"
    return "\t".join(map(str, (level, *numbers, *[0] * (5 - len(numbers)), x0, y0, x1 - x0, y1 - y0))) + f"\t{score}\t{text}"


def build(doc: Document) -> bytes:
    """Tesseract TSV from any document with geometry: the five levels in the document's order (each
    of its blocks a block of one paragraph)."""
    out = ["\t".join(HEADER)]
    for p, page in enumerate(doc.pages, start=1):
        out.append(_row(PAGE_LEVEL, (p,), page.box, None, ""))
        for b, block in enumerate(page.blocks, start=1):
            out.append(_row(BLOCK_LEVEL, (p, b), block.box, None, ""))
            out.append(_row(PAR_LEVEL, (p, b, 1), block.box, None, ""))
            for n, line in enumerate(block.lines, start=1):
                out.append(_row(LINE_LEVEL, (p, b, 1, n), line.box, None, ""))
                out.extend(_row(WORD_LEVEL, (p, b, 1, n, k), word.box, word.conf, word.text)
                           for k, word in enumerate(line.words, start=1))
    return ("\n".join(out) + "\n").encode("utf-8")
