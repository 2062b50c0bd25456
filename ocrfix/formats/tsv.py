"""Tesseract's TSV output (``tesseract IMAGE OUT tsv``; ``pytesseract.image_to_data``): a row per page,
block, paragraph, line and word of the page, with its box and, for a word, its confidence. The same
table saved by pandas (``image_to_data(output_type=Output.DATAFRAME).to_csv(...)``: comma- or
tab-separated, maybe with its index as a first column, fields quoted where they hold a quote or the
separator) is read too, and written back the same way.

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

import csv
import io
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


class Layout(NamedTuple):
    """How a file lays the table out: Tesseract's own (tabs, no quoting), or as pandas saves it."""

    delimiter: str
    index: bool  # a first column holding pandas' index
    quoted: bool  # fields quoted where they hold a quote or the delimiter (csv's minimal quoting)

    def split(self, line: str) -> list[str]:
        """Every field of one line (the index column too)."""
        return next(csv.reader([line], delimiter=self.delimiter)) if self.quoted else line.split(self.delimiter)

    def fields(self, line: str) -> list[str]:
        """The table's fields of one line (without the index column)."""
        return self.split(line)[1:] if self.index else self.split(line)

    def join(self, fields: list[str]) -> str:
        """One line of ``fields`` (every field, the index column too)."""
        if not self.quoted:
            return self.delimiter.join(fields)
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator="").writerow(fields)
        return out.getvalue()


def layout_of(first_line: str) -> Layout | None:
    """The layout whose header row ``first_line`` is, or None."""
    line = first_line.lstrip("\ufeff").rstrip("\r")
    for delimiter in ("\t", ","):
        fields = line.split(delimiter)
        if tuple(fields) == HEADER:
            return Layout(delimiter, index=False, quoted=delimiter != "\t")
        if tuple(fields[1:]) == HEADER and fields[0] in ("", "Unnamed: 0"):
            return Layout(delimiter, index=True, quoted=True)
    return None


def looks_like_tsv(data: bytes) -> bool:
    """Whether a file's content opens with the header row of Tesseract's TSV (or of pandas' copy),
    or with a row of most of its names: a damaged header, which :func:`read` refuses with a
    message, where read as plain text the table would be corrected as prose."""
    first = data[:256].split(b"\n", 1)[0].decode("utf-8", "replace")
    names = {field.strip().strip('"') for delimiter in ("\t", ",") for field in first.split(delimiter)}
    return layout_of(first) is not None or len(names & set(HEADER)) > len(HEADER) // 2


def _lines(data: bytes, name: str) -> list[str]:
    try:
        return data.decode("utf-8").split("\n")
    except UnicodeDecodeError as err:
        raise InputError(f"{name}: TSV that is not UTF-8 ({err.reason} at byte {err.start})") from None


def rows(data: bytes, name: str) -> Iterator[Row]:
    """The rows of a TSV file below its header (blank lines skipped); InputError for a row that is
    not a TSV row of Tesseract's."""
    lines = _lines(data, name)
    layout = layout_of(lines[0])
    if layout is None:
        raise InputError(f"{name}: not Tesseract TSV (the first line is not its header: {' '.join(HEADER)})")
    for at, line in enumerate(lines[1:], start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            fields = layout.fields(line)
            if len(fields) == len(HEADER) - 1:  # no text column: an empty text
                fields.append("")
            if len(fields) != len(HEADER):
                raise ValueError(f"{len(fields)} fields, not {len(HEADER)}")
            level, *numbers = (int(f) for f in fields[:6])
            left, top, width, height = (round(float(f)) for f in fields[6:10])
            conf = float(fields[10])
            if not math.isfinite(conf):
                raise ValueError(f"confidence {fields[10]}")
        except (ValueError, OverflowError, csv.Error) as err:
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
    """The source file with each corrected word's ``text`` field replaced (its other lines byte for byte)."""
    lines = _lines(doc.source, doc.name)
    layout = layout_of(lines[0])
    for word in doc.words():
        if word.correction is not None:
            at = int(word.ref)
            line = lines[at].rstrip("\r")
            end = lines[at][len(line):]
            whole = layout.split(line)
            index, fields = (whole[:1], whole[1:]) if layout.index else ([], whole)
            lines[at] = layout.join([*index, *fields[:len(HEADER) - 1], word.text]) + end
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
