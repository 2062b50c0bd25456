"""Microsoft Azure OCR results saved as JSON (``azure``): Computer Vision Read, Document
Intelligence (Form Recognizer) and Image Analysis 4.0.

Three families of shapes are read, the ones the REST API and its SDKs write:

* Computer Vision Read 3.x (and Form Recognizer 2.x): ``{"status", "analyzeResult": {"readResults":
  [page, ...]}}``, each page ``{"page", "width", "height", "unit", "lines": [{"boundingBox": [8 numbers],
  "text", "words": [{"boundingBox", "text", "confidence"}]}]}``; also the ``analyzeResult`` or the
  ``readResults`` list alone, and Read 2.x's ``recognitionResults`` in their place;
* Document Intelligence 3.x/4.x (``prebuilt-read``, ``prebuilt-layout``, any model): ``{"status",
  "analyzeResult": {"content", "pages": [{"pageNumber", "width", "height", "unit", "words": [{"content",
  "polygon", "confidence", "span"}], "lines": [{"content", "polygon", "spans"}]}], "paragraphs": [...]}}``
  (or the ``analyzeResult`` alone); a word belongs to the line whose ``spans`` into ``content`` hold its
  ``span``, and a paragraph is a block of the model (where a result has paragraphs);
* Image Analysis 4.0 (``features=read``): ``{"metadata": {"width", "height"}, "readResult": {"blocks":
  [{"lines": [{"text", "boundingPolygon": [{"x", "y"}, ...], "words": [{"text", "boundingPolygon",
  "confidence"}]}]}]}}``, each block a block of the model.

Polygons are flat lists of numbers (the REST API's) or lists of ``{"x", "y"}`` points (the Python
SDKs' ``as_dict``); a page in inches (a PDF's) is read at 300 pixels an inch, as ALTO's ``inch1200``.
Chinese comes a character (or a short run) a word, the line's text without spaces between Han
characters: words are joined as ocrfix joins them. The engine is named ``Azure AI Document
Intelligence`` or ``Azure Computer Vision`` (the ``generic`` profile corrects either unless told
otherwise); a file ocrfix built from another format names that format's engine in ``ocr_software``.

Writing back replaces each corrected word's text (``text`` or ``content``), keeping its OCR reading
as ``ocrfix_original`` beside it. A Read or Image Analysis line gets its ``text`` rebuilt around its
corrected words (its reading kept as ``ocrfix_original`` too). In a Document Intelligence result the
corrected words are put into ``content`` and every ``span``/``spans`` of the result (pages, lines,
words, paragraphs, tables, styles, languages, …) is moved to match; an element's ``content`` that was
the text of its spans (lines, paragraphs, table cells) is rebuilt from them, any other field holding
text (a document field's ``valueString``) is left as the engine wrote it, and so is ``content`` where
a word's span does not hold the word (its own ``content`` is corrected). Offsets are counted in the
result's ``stringIndexType``: UTF-16 code units, or code points (``textElements``, grapheme clusters,
are taken as code points: they differ only where a character is built of several, not in Chinese print).
"""
from __future__ import annotations

import bisect
import json
from itertools import groupby
from typing import Any, Iterator, NamedTuple

from ..errors import InputError
from .model import Block, Box, Correction, Document, Line, Page, Word, join_words
from .paddle import Path, _container, _dump, _line_text, _list, _number, _parse
from .xmlutil import coordinate

DOCUMENT_INTELLIGENCE, COMPUTER_VISION = "Azure AI Document Intelligence", "Azure Computer Vision"
ORIGINAL_KEY, SOFTWARE_KEY = "ocrfix_original", "ocr_software"
#: Pixels an inch at which a page measured in inches (a PDF's) is read.
DPI = 300


class Result(NamedTuple):
    """Where a parsed file holds its pages, and how they are laid out."""

    kind: str  # "read" (lines holding words, ``text``), "di" (``content`` and spans) or "vision" (blocks of lines)
    root: Path  # the object holding the pages (``analyzeResult``, ``readResult``, or the value itself)
    pages: list[tuple[Path, dict]]  # each page's path and object (Image Analysis: the result, one page)
    software: str


def _dicts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def _is_read_page(page: Any) -> bool:
    return isinstance(page, dict) and _dicts(page.get("lines"))


def _is_di_page(page: Any) -> bool:
    return (isinstance(page, dict) and "blocks" not in page and any(_dicts(page.get(k)) for k in ("words", "lines"))
            and all(_dicts(page.get(k)) and all(isinstance(w.get("content"), str) for w in page[k])
                    for k in ("words", "lines") if k in page))


def _result(value: Any) -> Result | None:
    """The :class:`Result` of a parsed JSON value, or None when it is none of the module docstring's shapes."""
    if _dicts(value) and value and all(map(_is_read_page, value)):  # a readResults list alone
        return Result("read", (), [((k,), p) for k, p in enumerate(value)], COMPUTER_VISION)
    if not isinstance(value, dict):
        return None
    software = value.get(SOFTWARE_KEY) if isinstance(value.get(SOFTWARE_KEY), str) else None
    root: Path = ()
    if isinstance(value.get("readResult"), dict):  # Image Analysis 4.0 (or its 2023 preview, shaped as Document Intelligence)
        root, found = ("readResult",), value["readResult"]
        if _dicts(found.get("blocks")) and all(_is_read_page(b) for b in found["blocks"]):
            return Result("vision", root, [(root, value)], software or COMPUTER_VISION)
        default = COMPUTER_VISION
    elif isinstance(value.get("analyzeResult"), dict):
        root, found, default = ("analyzeResult",), value["analyzeResult"], DOCUMENT_INTELLIGENCE
    else:
        found, default = value, DOCUMENT_INTELLIGENCE
    for key in ("readResults", "recognitionResults"):
        pages = found.get(key)
        if _dicts(pages) and pages and all(map(_is_read_page, pages)):
            return Result("read", root, [((*root, key, k), p) for k, p in enumerate(pages)], software or COMPUTER_VISION)
    pages = found.get("pages")
    if _dicts(pages) and pages and any(map(_is_di_page, pages)) and all(_is_di_page(p) or not (set(p) & {"words", "lines", "blocks"})
                                                                           for p in pages):
        return Result("di", root, [((*root, "pages", k), p) for k, p in enumerate(pages)], software or default)
    return None


def _pending(value: Any) -> str | None:
    """The status of an Azure operation that holds no result (``notStarted``, ``running``, ``failed``), else None."""
    status = value.get("status") if isinstance(value, dict) and "createdDateTime" in value else None
    return status if isinstance(status, str) and status.lower() in ("notstarted", "running", "failed") else None


def looks_like_azure(data: bytes) -> bool:
    """Whether a file's content is an Azure Read, Document Intelligence or Image Analysis result as
    JSON (or an Azure operation's status without one: read, it says so)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith((b"{", b"[")) or not any(k in data for k in (b'"lines"', b'"words"', b'"readResult"', b'"analyzeResult"',
                                                                        b'"createdDateTime"')):
        return False
    try:
        value = _parse(data, "")
    except InputError:
        return False
    return _result(value) is not None or (_pending(value) is not None and not isinstance(value.get("analyzeResult"), dict))


def _box(node: dict, keys: tuple[str, ...], scale: float, name: str) -> Box | None:
    """The bounds of a node's polygon (the first of ``keys`` it has): a flat list of numbers or a
    list of ``{"x", "y"}`` points (``[x, y]`` pairs too), scaled to pixels; None where it has none."""
    key = next((k for k in keys if node.get(k) not in (None, [])), None)
    if key is None:
        return None
    points = node[key]
    try:
        if all(_number(v) for v in points):
            xs, ys = points[0::2], points[1::2]
        else:
            xs = [p["x"] if isinstance(p, dict) else p[0] for p in points]
            ys = [p["y"] if isinstance(p, dict) else p[1] for p in points]
        if not xs or len(xs) != len(ys) or not all(map(_number, xs + ys)):
            raise ValueError(key)
        xs, ys = [coordinate(x * scale) for x in xs], [coordinate(y * scale) for y in ys]
    except (KeyError, IndexError, TypeError, ValueError):
        raise InputError(f"{name}: bad {key} {json.dumps(points)[:80]}") from None
    return Box(min(xs), min(ys), max(xs), max(ys))


def _conf(node: dict) -> float | None:
    conf = node.get("confidence")
    return float(conf) if _number(conf) else None


def _scale(page: dict) -> float:
    return DPI if str(page.get("unit", "")).lower() == "inch" else 1


def _page_box(page: dict, scale: float, blocks: tuple[Block, ...]) -> Box | None:
    width, height = page.get("width"), page.get("height")
    if _number(width) and _number(height) and width > 0 and height > 0:
        return Box(0, 0, coordinate(width * scale), coordinate(height * scale))
    boxes = [b.box for b in blocks if b.box is not None]
    return Box.union(boxes) if boxes else None


def _word(node: dict, text: str, path: Path, box: Box | None, name: str) -> Word:
    if box is None:
        raise InputError(f"{name}: word {text[:40]!r} ({'/'.join(map(str, path))}) has no boundingBox or polygon")
    original = node.get(ORIGINAL_KEY)
    return Word(text=text, box=box, conf=_conf(node), ref=json.dumps(path),
                correction=Correction(original) if isinstance(original, str) else None)


def _text_line(line: dict, path: Path, scale: float, polygon: tuple[str, ...], name: str) -> Line | None:
    """A Read or Image Analysis line: its words (``text``), or the line as one word where it has
    none; None without text."""
    box = _box(line, polygon, scale, name)
    words = [_word(w, w["text"], (*path, "words", j), _box(w, polygon, scale, name) or box, name)
             for j, w in enumerate(_list(line.get("words"))) if isinstance(w, dict) and isinstance(w.get("text"), str) and w["text"].strip()]
    if not words and isinstance(line.get("text"), str) and line["text"].strip():
        words = [_word(line, line["text"], path, box, name)]
    if not words:
        return None
    return Line(words=tuple(words), box=box or Box.union([w.box for w in words]), ref=json.dumps(path))


def _block(lines: list[Line], ref: Path | None = None) -> Block:
    return Block(lines=tuple(lines), box=Box.union([l.box for l in lines]), ref=None if ref is None else json.dumps(ref))


def _read_pages(result: Result, value: Any, name: str) -> list[Page]:
    if result.kind == "vision":
        meta = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
        blocks = []
        for i, block in enumerate(value["readResult"]["blocks"]):
            path = ("readResult", "blocks", i)
            lines = [l for l in (_text_line(line, (*path, "lines", k), 1, ("boundingPolygon", "boundingBox"), name)
                                 for k, line in enumerate(block["lines"])) if l is not None]
            if lines:
                blocks.append(_block(lines, path))
        return [Page(blocks=tuple(blocks), box=_page_box(meta, 1, tuple(blocks)), ref=json.dumps(result.root))]
    pages = []
    for path, page in result.pages:
        scale = _scale(page)
        if result.kind == "read":
            lines = [l for l in (_text_line(line, (*path, "lines", k), scale, ("boundingBox", "polygon"), name)
                                 for k, line in enumerate(page["lines"])) if l is not None]
            blocks = (_block(lines),) if lines else ()
        else:
            blocks = _di_blocks(value, result.root, path, page, scale, name)
        pages.append(Page(blocks=blocks, box=_page_box(page, scale, blocks), ref=json.dumps(path)))
    return pages


class _Spans:
    """Which element's ``spans`` hold an offset: (start, end, index) sorted, looked up by bisection."""

    def __init__(self, elements: list[Any]) -> None:
        self.ranges = sorted((s["offset"], s["offset"] + s["length"], i) for i, el in enumerate(elements) if isinstance(el, dict)
                             for s in _span_list(el))
        self.starts = [r[0] for r in self.ranges]

    def at(self, offset: int) -> int | None:
        k = bisect.bisect_right(self.starts, offset) - 1
        return self.ranges[k][2] if k >= 0 and offset < self.ranges[k][1] else None


def _is_span(span: Any) -> bool:
    return isinstance(span, dict) and isinstance(span.get("offset"), int) and isinstance(span.get("length"), int) \
        and not isinstance(span.get("offset"), bool) and span["offset"] >= 0 and span["length"] >= 0


def _span_list(node: dict) -> list[dict]:
    """A node's spans: its ``spans`` list, or its one ``span``."""
    spans = node.get("spans") if isinstance(node.get("spans"), list) else [node.get("span")]
    return [s for s in spans if _is_span(s)]


def _di_blocks(value: Any, root: Path, path: Path, page: dict, scale: float, name: str) -> tuple[Block, ...]:
    """A Document Intelligence page's blocks: its lines with the words their spans hold, grouped by
    the result's paragraphs (a run of lines in none: a block), or one block where it has none."""
    raw_lines = page["lines"] if _dicts(page.get("lines")) else []
    owner = _Spans(raw_lines)
    held: dict[int, list[tuple[int, Word]]] = {}  # line index (or -1 - word index: a word in no line) -> (offset, word)
    for j, node in enumerate(_list(page.get("words"))):
        if not (isinstance(node, dict) and isinstance(node.get("content"), str) and node["content"].strip()):
            continue
        spans = _span_list(node)
        offset = spans[0]["offset"] if spans else None
        line = owner.at(offset) if offset is not None else None
        word = _word(node, node["content"], (*path, "words", j), _box(node, ("polygon", "boundingBox"), scale, name), name)
        held.setdefault(line if line is not None else -1 - j, []).append((offset or 0, word))
    lines: list[tuple[int, Line]] = []  # (offset, line) in the page's order
    for key, words in held.items():
        words.sort(key=lambda w: w[0])
        ws = tuple(w for _, w in words)
        node = raw_lines[key] if key >= 0 else None
        box = (_box(node, ("polygon", "boundingBox"), scale, name) if node else None) or Box.union([w.box for w in ws])
        lines.append((words[0][0], Line(words=ws, box=box, ref=json.dumps((*path, "lines", key)) if node else None)))
    lines.sort(key=lambda l: l[0])
    found = _container(value, (*root, None))
    paragraphs = _Spans(found.get("paragraphs") if _dicts(found.get("paragraphs")) else [])
    if not paragraphs.ranges:
        return (_block([l for _, l in lines]),) if lines else ()
    runs = groupby(lines, key=lambda line: paragraphs.at(line[0]))
    return tuple(_block([l for _, l in ls], None if key is None else (*root, "paragraphs", key)) for key, ls in runs)


def read(data: bytes, name: str) -> Document:
    value = _parse(data, name)
    result = _result(value)
    if result is None and _pending(value):
        raise InputError(f"{name}: an Azure operation whose status is {_pending(value)!r}, without a result")
    if result is None:
        raise InputError(f"{name}: JSON that is not an Azure Read, Document Intelligence or Image Analysis result "
                         "(analyzeResult with readResults or pages, or readResult with blocks)")
    return Document(format="azure", pages=tuple(_read_pages(result, value, name)), name=name, source=data, software=result.software)


class _Offsets:
    """Offsets of ``content`` in the result's unit (``stringIndexType``) to and from Python's code
    points: UTF-16 code units count a character beyond the BMP twice; the other units (code points,
    and ``textElements``, taken as code points) are Python's."""

    def __init__(self, text: str, unit: Any) -> None:
        wide = unit == "utf16CodeUnit" and any(ord(ch) > 0xFFFF for ch in text)
        self.units = [0]
        if wide:
            for ch in text:
                self.units.append(self.units[-1] + (2 if ord(ch) > 0xFFFF else 1))
        self.wide = wide

    def to_points(self, offset: int) -> int:
        return bisect.bisect_left(self.units, offset) if self.wide else offset

    def to_units(self, point: int) -> int:
        return self.units[min(point, len(self.units) - 1)] if self.wide else point


def _walk(node: Any) -> Iterator[dict]:
    """Every object in a JSON value, depth first."""
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from _walk(v)


def _write_di(value: Any, result: Result, corrected: list[tuple[Path, Word]]) -> None:
    """Corrected words into a Document Intelligence result: their ``content``, the result's
    ``content`` and every span after them (see the module docstring)."""
    found = _container(value, (*result.root, None))
    content = found.get("content")
    if not isinstance(content, str):  # no content to keep in step: the words alone
        for path, word in corrected:
            _fix_node(_container(value, (*path, None)), "content", word)
        return
    old = _Offsets(content, found.get("stringIndexType"))
    edits = []  # (start, end, new text) in code points
    for path, word in corrected:
        node = _container(value, (*path, None))
        spans = _span_list(node)
        if spans:
            start = old.to_points(spans[0]["offset"])
            end = old.to_points(spans[0]["offset"] + spans[0]["length"])
            if content[start:end] == node["content"]:
                edits.append((start, end, word.text))
        _fix_node(node, "content", word)
    edits.sort()
    edits = [e for k, e in enumerate(edits) if k == 0 or e[0] >= edits[k - 1][1]]  # (overlapping spans: the first)
    pieces, at = [], 0
    for start, end, text in edits:
        pieces += [content[at:start], text]
        at = end
    new_content = "".join(pieces) + content[at:]
    new = _Offsets(new_content, found.get("stringIndexType"))
    ends = [end for _, end, _ in edits]
    shifts = [0]
    for start, end, text in edits:
        shifts.append(shifts[-1] + len(text) - (end - start))

    def moved(offset: int) -> int:
        point = old.to_points(offset)
        return new.to_units(point + shifts[bisect.bisect_right(ends, point)])

    holders = [(node, [content[old.to_points(s["offset"]):old.to_points(s["offset"] + s["length"])] for s in _span_list(node)])
               for node in _walk(found) if isinstance(node.get("content"), str) and _span_list(node)]
    for node in _walk(found):
        for span in _span_list(node):
            start, end = moved(span["offset"]), moved(span["offset"] + span["length"])
            span["offset"], span["length"] = start, end - start
    for node, texts in holders:
        if node["content"] == "".join(texts) and "".join(texts) != "":
            node["content"] = "".join(new_content[new.to_points(s["offset"]):new.to_points(s["offset"] + s["length"])] for s in _span_list(node))
    found["content"] = new_content


def _fix_node(node: dict, key: str, word: Word) -> None:
    node[key] = word.text
    node.setdefault(ORIGINAL_KEY, word.correction.original)


def write(doc: Document) -> bytes:
    value = _parse(doc.source, doc.name)
    result = _result(value)
    assert result is not None  # (the document was read from this source)
    corrected = [(tuple(json.loads(w.ref)), w) for w in doc.words() if w.correction is not None]
    if result.kind == "di":
        _write_di(value, result, corrected)
        return _dump(value)
    lines: dict[Path, list[tuple[int, Word]]] = {}  # a Read / Image Analysis line's words, by index
    for word in doc.words():
        path = tuple(json.loads(word.ref))
        if path[-2] == "words":
            lines.setdefault(path[:-2], []).append((path[-1], word))
    for path, word in corrected:
        _fix_node(_container(value, (*path, None)), "text", word)
    for path, words in lines.items():
        if any(w.correction for _, w in words):
            line = _container(value, (*path, None))
            if isinstance(line.get("text"), str):
                line.setdefault(ORIGINAL_KEY, line["text"])
                line["text"] = _line_text(line["text"], [w for _, w in sorted(words, key=lambda w: w[0])])
    return _dump(value)


def _polygon(box: Box | None) -> list[int]:
    return [] if box is None else [box.x0, box.y0, box.x1, box.y0, box.x1, box.y1, box.x0, box.y1]


def build(doc: Document) -> bytes:
    """A Document Intelligence ``prebuilt-read`` result from any document with geometry: per page
    its words (each with its box, confidence and, where ocrfix corrected it, its OCR reading) and
    lines, in pixels; a paragraph per block; ``content`` one line a line, the spans into it in code
    points. The document's engine is named in ``ocr_software``."""
    texts: list[str] = []
    at = 0
    pages, paragraphs = [], []
    for n, page in enumerate(doc.pages, 1):
        words: list[dict] = []
        lines: list[dict] = []
        page_start = at
        for block in page.blocks:
            block_start, block_lines = at, 0
            for line in block.lines:
                kept = [w for w in line.words if w.text]
                if not kept:
                    continue
                text = join_words([w.text for w in kept])
                found = 0
                for w in kept:
                    found = text.index(w.text, found)
                    words.append({"content": w.text, "polygon": _polygon(w.box or line.box), **({"confidence": w.conf} if w.conf is not None else {}),
                                  "span": {"offset": at + found, "length": len(w.text)},
                                  **({ORIGINAL_KEY: w.correction.original} if w.correction else {})})
                    found += len(w.text)
                lines.append({"content": text, "polygon": _polygon(line.box), "spans": [{"offset": at, "length": len(text)}]})
                texts.append(text)
                at += len(text) + 1
                block_lines += 1
            if block_lines:
                span = {"offset": block_start, "length": at - 1 - block_start}
                paragraphs.append({"spans": [span], "boundingRegions": [{"pageNumber": n, "polygon": _polygon(block.box)}],
                                   "content": "\n".join(texts[-block_lines:])})
        box = page.box or Box(0, 0, 0, 0)
        pages.append({"pageNumber": n, "angle": 0, "width": box.x1, "height": box.y1, "unit": "pixel",
                      "words": words, "lines": lines, "spans": [{"offset": page_start, "length": max(at - 1 - page_start, 0)}]})
    result: dict[str, Any] = {"apiVersion": "2024-11-30", "modelId": "prebuilt-read", "stringIndexType": "unicodeCodePoint",
                              "content": "\n".join(texts), "pages": pages, "paragraphs": paragraphs}
    out: dict[str, Any] = {"status": "succeeded", "analyzeResult": result}
    if doc.software:
        out[SOFTWARE_KEY] = doc.software
    return _dump(out)
