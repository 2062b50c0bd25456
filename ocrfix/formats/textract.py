"""Amazon Textract results saved as JSON (``textract``): the ``Blocks`` of DetectDocumentText,
AnalyzeDocument and their asynchronous ``Get…`` operations.

Two shapes are read: one response (``{"DocumentMetadata": {"Pages"}, "Blocks": [...], …}``) and a
list of responses (the pages of a paginated ``GetDocumentTextDetection`` / ``GetDocumentAnalysis``
result, saved one after another). A ``PAGE`` block is a page, its ``CHILD`` ``LINE`` blocks (or the
lines whose ``Page`` is its number) its lines, each line's ``CHILD`` ``WORD`` blocks its words, with
their ``Confidence`` (0–100); a word no line holds is a line of its own. The layout elements of
AnalyzeDocument's Layout feature (``LAYOUT_TEXT``, ``LAYOUT_TITLE``, …, each holding its lines as
``CHILD``ren) are the page's blocks (a run of lines in none: a block), else a page is one block.
Other blocks (tables, forms, queries) hold no text of their own and are kept as they are.

Geometry is given as fractions of the page (``Geometry.BoundingBox``: ``Left``, ``Top``, ``Width``,
``Height``; else the ``Polygon``'s ``X``/``Y``) and Textract does not say the page's size: a page
is read 2480 pixels wide (an A4 page at 300 dpi), as tall as its Han characters, taken as square,
make it (the median width over height of its one-character Han words, at least three of them), else
√2 times as tall; a file ocrfix built keeps the page's size in pixels in the ``PAGE`` block's
``ocrfix_pixels``. Textract does not read Chinese officially; pages of mixed print may still come
with Han characters. The engine is named ``Amazon Textract`` (the ``generic`` profile), or the one a
file ocrfix built names in ``ocr_software``.

Writing back replaces each corrected word's ``Text`` (its OCR reading kept in ``ocrfix_original``)
and rebuilds its line's ``Text`` around it (the line's reading kept the same way).
"""
from __future__ import annotations

import json
import statistics
from itertools import groupby
from operator import itemgetter
from typing import Any

from ..errors import InputError
from ..normalize import is_han
from .model import Block, Box, Correction, Document, Line, Page, Word, join_words
from .paddle import Path, _container, _dump, _line_text, _list, _number, _parse

SOFTWARE = "Amazon Textract"
ORIGINAL_KEY, SOFTWARE_KEY, PIXELS_KEY = "ocrfix_original", "ocr_software", "ocrfix_pixels"
#: The width a page is read at (pixels), and its height over its width where its type does not tell.
PAGE_WIDTH, ASPECT = 2480, 2 ** 0.5


def _is_block(block: Any) -> bool:
    return isinstance(block, dict) and isinstance(block.get("BlockType"), str)


def _responses(value: Any) -> list[tuple[Path, dict]] | None:
    """(path, response) of each Textract response in a parsed value, or None when it holds none."""
    def is_response(v: Any) -> bool:
        blocks = v.get("Blocks") if isinstance(v, dict) else None
        return isinstance(blocks, list) and all(map(_is_block, blocks)) and any(b["BlockType"] in ("PAGE", "LINE", "WORD") for b in blocks)

    if is_response(value):
        return [((), value)]
    if isinstance(value, list) and value and all(map(is_response, value)):
        return [((k,), v) for k, v in enumerate(value)]
    return None


def looks_like_textract(data: bytes) -> bool:
    """Whether a file's content is an Amazon Textract response (or a list of them) as JSON."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith((b"{", b"[")) or b'"BlockType"' not in data:
        return False
    try:
        return _responses(_parse(data, "")) is not None
    except InputError:
        return False


def _fractions(block: dict, name: str) -> tuple[float, float, float, float] | None:
    """A block's bounds as fractions of its page (left, top, right, bottom), or None without geometry."""
    geometry = block.get("Geometry") if isinstance(block.get("Geometry"), dict) else {}
    box, polygon = geometry.get("BoundingBox"), geometry.get("Polygon")
    try:
        if isinstance(box, dict) and box:
            left, top, width, height = (box[k] for k in ("Left", "Top", "Width", "Height"))
            if not all(map(_number, (left, top, width, height))):
                raise ValueError(box)
            return left, top, left + width, top + height
        if polygon:
            xs, ys = [p["X"] for p in polygon], [p["Y"] for p in polygon]
            if not all(map(_number, xs + ys)):
                raise ValueError(polygon)
            return min(xs), min(ys), max(xs), max(ys)
    except (KeyError, TypeError, ValueError):
        raise InputError(f"{name}: {block.get('BlockType')} block {block.get('Id')!r}: bad Geometry {json.dumps(geometry)[:80]}") from None
    return None


class _Page:
    """A PAGE block's size in pixels, and its blocks' boxes in them."""

    def __init__(self, page: dict, words: list[dict], name: str) -> None:
        pixels = page.get(PIXELS_KEY) if isinstance(page.get(PIXELS_KEY), dict) else {}
        width, height = pixels.get("Width"), pixels.get("Height")
        if not (_number(width) and _number(height) and width > 0 and height > 0):
            width, height = PAGE_WIDTH, PAGE_WIDTH * self._aspect(words, name)
        self.width, self.height, self.name = round(width), round(height), name

    @staticmethod
    def _aspect(words: list[dict], name: str) -> float:
        """The page's height over its width that makes its one-character Han words square."""
        ratios = []
        for word in words:
            text, bounds = word.get("Text"), _fractions(word, name)
            if isinstance(text, str) and len(text) == 1 and is_han(text) and bounds and bounds[3] > bounds[1]:
                ratios.append((bounds[2] - bounds[0]) / (bounds[3] - bounds[1]))
        return statistics.median(ratios) if len(ratios) >= 3 and statistics.median(ratios) > 0 else ASPECT

    def box(self, block: dict) -> Box | None:
        bounds = _fractions(block, self.name)
        if bounds is None:
            return None
        x0, y0, x1, y1 = bounds
        return Box(round(x0 * self.width), round(y0 * self.height), round(x1 * self.width), round(y1 * self.height))


def _children(block: dict) -> list[str]:
    return [i for rel in _list(block.get("Relationships")) if isinstance(rel, dict) and rel.get("Type") == "CHILD"
            for i in _list(rel.get("Ids")) if isinstance(i, str)]


def _ident(block: dict) -> str | None:
    """A block's ``Id`` where it is a string (a damaged file may hold anything there)."""
    ident = block.get("Id")
    return ident if isinstance(ident, str) else None


def _page_number(block: dict) -> int | None:
    number = block.get("Page")
    return number if isinstance(number, int) and not isinstance(number, bool) else None


def _conf(block: dict) -> float | None:
    conf = block.get("Confidence")
    return conf / 100 if _number(conf) else None


def _word(block: dict, path: Path, box: Box | None, name: str) -> Word:
    if box is None:
        raise InputError(f"{name}: WORD block {block.get('Id')!r} ({block['Text'][:40]!r}) has no Geometry")
    original = block.get(ORIGINAL_KEY)
    return Word(text=block["Text"], box=box, conf=_conf(block), ref=json.dumps(path),
                correction=Correction(original) if isinstance(original, str) else None)


def _has_text(block: dict) -> bool:
    return isinstance(block.get("Text"), str) and bool(block["Text"].strip())


def read(data: bytes, name: str) -> Document:
    value = _parse(data, name)
    responses = _responses(value)
    if responses is None:
        raise InputError(f"{name}: JSON that is not an Amazon Textract response (Blocks of BlockType PAGE, LINE and WORD)")
    blocks = [((*path, "Blocks", k), b) for path, response in responses for k, b in enumerate(response["Blocks"])]
    by_id = {ident: (path, b) for path, b in blocks if (ident := _ident(b)) is not None}
    pages = [(path, b) for path, b in blocks if b["BlockType"] == "PAGE"] or [((), {})]
    owner: dict[str, int] = {}  # LINE id -> page index, from the PAGE blocks' children, else its Page number
    for k, (_, page) in enumerate(pages):
        owner.update((i, k) for i in _children(page))
    numbers = {number: k for k, (_, p) in enumerate(pages) if (number := _page_number(p)) is not None}
    held = {i for _, b in blocks if b["BlockType"] == "LINE" for i in _children(b)}
    region = {i: k for k, (_, b) in enumerate(blocks) if b["BlockType"].startswith("LAYOUT_") for i in _children(b)}
    page_lines: list[list[tuple[Path, dict]]] = [[] for _ in pages]
    page_at = {path: k for k, (path, _) in enumerate(pages)}
    current = 0  # the page of the PAGE block last seen: where a line of no other page is
    for path, block in blocks:
        if block["BlockType"] == "PAGE":
            current = page_at[path]
        elif block["BlockType"] == "LINE" or (block["BlockType"] == "WORD" and _ident(block) not in held):
            k = owner.get(_ident(block), numbers.get(_page_number(block), current))
            page_lines[k].append((path, block))
    doc_pages = []
    for (page_path, page), lines in zip(pages, page_lines):
        words_of = {id(b): [by_id[i] for i in _children(b) if i in by_id and by_id[i][1].get("BlockType") == "WORD"]
                    for _, b in lines if b["BlockType"] == "LINE"}
        size = _Page(page, [w for ws in words_of.values() for _, w in ws] + [b for _, b in lines if b["BlockType"] == "WORD"], name)
        doc_lines: list[tuple[int | None, Line]] = []  # (its layout element, line)
        for path, block in lines:
            box = size.box(block)
            members = words_of.get(id(block), [(path, block)])
            words = tuple(_word(w, p, size.box(w) or box, name) for p, w in members if _has_text(w))
            if not words and block["BlockType"] == "LINE" and _has_text(block):
                words = (_word(block, path, box, name),)
            if words:
                line = Line(words=words, box=box or Box.union([w.box for w in words]), ref=json.dumps(path))
                doc_lines.append((region.get(_ident(block)), line))
        runs = [[line for _, line in run] for _, run in groupby(doc_lines, key=itemgetter(0))]
        page_blocks = tuple(Block(lines=tuple(ls), box=Box.union([l.box for l in ls])) for ls in runs)
        doc_pages.append(Page(blocks=page_blocks, box=Box(0, 0, size.width, size.height), ref=json.dumps(page_path)))
    software = next((r[SOFTWARE_KEY] for _, r in responses if isinstance(r.get(SOFTWARE_KEY), str)), SOFTWARE)
    return Document(format="textract", pages=tuple(doc_pages), name=name, source=data, software=software)


def write(doc: Document) -> bytes:
    value = _parse(doc.source, doc.name)
    for line in doc.lines():
        if not any(w.correction for w in line.words):
            continue
        for word in line.words:
            if word.correction is not None:
                block = _container(value, (*json.loads(word.ref), None))
                block["Text"] = word.text
                block.setdefault(ORIGINAL_KEY, word.correction.original)
        block = _container(value, (*json.loads(line.ref), None))
        if block.get("BlockType") == "LINE" and line.words[0].ref != line.ref and isinstance(block.get("Text"), str):
            block.setdefault(ORIGINAL_KEY, block["Text"])
            block["Text"] = _line_text(block["Text"], list(line.words))
    return _dump(value)


def build(doc: Document) -> bytes:
    """An AnalyzeDocument response with the Layout feature's blocks from any document with
    geometry: a PAGE block per page (its size in pixels in ``ocrfix_pixels``), a LAYOUT_TEXT per
    block, a LINE per line and a WORD per word, their boxes as fractions of the page, confidences
    0–100, a corrected word's OCR reading in ``ocrfix_original``."""
    blocks: list[dict] = []

    def block(kind: str, ident: str, box: Box | None, size: Box, page: int, **fields: Any) -> dict:
        width, height = max(size.x1, 1), max(size.y1, 1)
        geometry = {} if box is None else {"Geometry": {
            "BoundingBox": {"Width": box.width / width, "Height": box.height / height, "Left": box.x0 / width, "Top": box.y0 / height},
            "Polygon": [{"X": x / width, "Y": y / height} for x, y in ((box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1))]}}
        found = {"BlockType": kind, "Id": ident, **fields, **geometry, "Page": page}
        blocks.append(found)
        return found

    for n, page in enumerate(doc.pages, 1):
        size = page.box or Box.union([l.box for b in page.blocks for l in b.lines] or [Box(0, 0, 0, 0)])
        page_block = block("PAGE", f"p{n}", Box(0, 0, size.x1, size.y1), size, n, **{PIXELS_KEY: {"Width": size.x1, "Height": size.y1}})
        children = []
        lines = [(i, line) for i, b in enumerate(page.blocks) for line in b.lines if any(w.text for w in line.words)]
        for k, (i, line) in enumerate(lines):
            words = [w for w in line.words if w.text]
            if k == 0 or lines[k - 1][0] != i:
                region = block("LAYOUT_TEXT", f"p{n}-b{i}", page.blocks[i].box, size, n, Relationships=[{"Type": "CHILD", "Ids": []}])
                children.append(region["Id"])
            confs = [w.conf for w in words if w.conf is not None]
            line_block = block("LINE", f"p{n}-l{k}", line.box, size, n, Text=join_words([w.text for w in words]),
                               **({"Confidence": 100 * sum(confs) / len(confs)} if confs else {}))
            ids = []
            for j, w in enumerate(words):
                block("WORD", f"p{n}-l{k}-w{j}", w.box or line.box, size, n, Text=w.text, TextType="PRINTED",
                      **({"Confidence": 100 * w.conf} if w.conf is not None else {}),
                      **({ORIGINAL_KEY: w.correction.original} if w.correction else {}))
                ids.append(f"p{n}-l{k}-w{j}")
            line_block["Relationships"] = [{"Type": "CHILD", "Ids": ids}]
            region["Relationships"][0]["Ids"].append(line_block["Id"])
            children.append(line_block["Id"])
        page_block["Relationships"] = [{"Type": "CHILD", "Ids": children}]
    out: dict[str, Any] = {"DocumentMetadata": {"Pages": len(doc.pages)}, "Blocks": blocks}
    if doc.software:
        out[SOFTWARE_KEY] = doc.software
    return _dump(out)
