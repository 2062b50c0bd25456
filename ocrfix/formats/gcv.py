"""Google Cloud Vision text detection saved as JSON (``gcv``): its ``fullTextAnnotation``.

Three shapes are read, the ones the API and its client libraries write:

* the REST response ``{"responses": [{"fullTextAnnotation": ...}, ...]}`` (also what an
  asynchronous PDF/TIFF request writes to Cloud Storage), one page per response;
* one ``AnnotateImageResponse`` (``{"fullTextAnnotation": ..., "textAnnotations": [...]}``);
* the ``fullTextAnnotation`` itself (``{"pages": [...], "text": ...}``).

The hierarchy is pages -> blocks -> paragraphs -> words -> symbols, each with a
``boundingBox`` of ``vertices`` (the API leaves out an ``x`` or ``y`` of 0) or, for PDF/TIFF
pages, ``normalizedVertices`` (0-1, scaled by the page's ``width``/``height``). A paragraph is a
block of the model (as hOCR's ``ocr_par``), its lines end at a symbol whose
``property.detectedBreak.type`` is ``EOL_SURE_SPACE``, ``LINE_BREAK`` or ``HYPHEN``; a word
holds its symbols as glyphs, with their boxes and ``confidence``. The engine is named
``Google Cloud Vision`` (the ``generic`` profile corrects it unless told otherwise).

Writing back puts each corrected character into its symbol's ``text`` (a word whose symbols
are not one character each: all of it into its first symbol), keeps the word's OCR reading as
``ocrfix_original`` beside its symbols, and rebuilds the annotation's ``text`` from the
symbols and their breaks; the per-word ``textAnnotations`` list is left as the engine wrote it.
"""
from __future__ import annotations

import json
from typing import Any

from ..errors import InputError
from .model import Block, Box, Correction, Document, Glyph, Line, Page, Word
from .paddle import Path, _container, _dump, _number, _parse, patched
from .xmlutil import coordinate

SOFTWARE = "Google Cloud Vision"
ORIGINAL_KEY = "ocrfix_original"
#: detectedBreak types that end a line, and the text each break stands for in ``text``.
LINE_ENDS = {"EOL_SURE_SPACE": "\n", "LINE_BREAK": "\n", "HYPHEN": "-\n"}
BREAKS = {**LINE_ENDS, "SPACE": " ", "SURE_SPACE": " "}


def _annotations(value: Any) -> list[tuple[Path, dict]] | None:
    """(path, fullTextAnnotation) of each page-bearing annotation of a parsed value, or None
    when it is not one of the module docstring's shapes."""
    def is_annotation(v: Any) -> bool:
        return isinstance(v, dict) and isinstance(v.get("pages"), list) and all(isinstance(p, dict) for p in v["pages"])

    if is_annotation(value):
        return [((), value)]
    if isinstance(value, dict) and is_annotation(value.get("fullTextAnnotation")):
        return [(("fullTextAnnotation",), value["fullTextAnnotation"])]
    responses = value.get("responses") if isinstance(value, dict) else None
    if isinstance(responses, list) and responses and all(isinstance(r, dict) for r in responses):
        found = [(("responses", k, "fullTextAnnotation"), r["fullTextAnnotation"]) for k, r in enumerate(responses)
                 if is_annotation(r.get("fullTextAnnotation"))]
        return found or None
    return None


def looks_like_gcv(data: bytes) -> bool:
    """Whether a file's content is a Google Cloud Vision text annotation as JSON."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{") or (b'"fullTextAnnotation"' not in data and b'"paragraphs"' not in data):
        return False
    try:
        return bool(_annotations(_parse(data, "")))
    except InputError:
        return False


def _items(node: dict, key: str) -> list[tuple[int, dict]]:
    """(index, child) of the objects in a node's list ``key`` (anything else there holds no text)."""
    value = node.get(key)
    return [(k, v) for k, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def _box(node: dict, page: dict, name: str) -> Box | None:
    """The bounds of a node's ``boundingBox`` (missing coordinates are 0, as the API omits them)."""
    bounds = node.get("boundingBox") if isinstance(node.get("boundingBox"), dict) else {}
    points, scale = bounds.get("vertices"), (1, 1)
    if not points and bounds.get("normalizedVertices"):
        points, scale = bounds["normalizedVertices"], (page.get("width") or 1, page.get("height") or 1)
    if not points:
        return None
    try:
        xs = [coordinate(float(p.get("x", 0)) * float(scale[0])) for p in points]
        ys = [coordinate(float(p.get("y", 0)) * float(scale[1])) for p in points]
    except (AttributeError, TypeError, ValueError):
        raise InputError(f"{name}: bad boundingBox {json.dumps(bounds)[:80]}") from None
    return Box(min(xs), min(ys), max(xs), max(ys))


def _break(node: dict) -> str:
    found = node.get("property")
    for key in ("detectedBreak", "type"):
        found = found.get(key) if isinstance(found, dict) else None
    return found if isinstance(found, str) else ""


def _conf(node: dict) -> float | None:
    conf = node.get("confidence")
    return float(conf) if isinstance(conf, (int, float)) and not isinstance(conf, bool) else None


def _paragraph(paragraph: dict, path: Path, page: dict, name: str) -> Block | None:
    """A paragraph as a block, its lines ending at a word whose last symbol's break ends a line
    (``LINE_ENDS``); None without text."""
    lines: list[list[Word]] = [[]]
    for k, word in _items(paragraph, "words"):
        read_word = _word(word, (*path, "words", k), page, name)
        if read_word is None:
            continue
        lines[-1].append(read_word)
        symbols = [s for _, s in _items(word, "symbols")]
        if symbols and _break(symbols[-1]) in LINE_ENDS:
            lines.append([])
    found = [Line(words=tuple(ws), box=Box.union([w.box for w in ws])) for ws in lines if ws]
    return Block(lines=tuple(found), box=_box(paragraph, page, name) or Box.union([l.box for l in found])) if found else None


def _word(word: dict, path: Path, page: dict, name: str) -> Word | None:
    """A word at ``path`` with its symbols as glyphs, its box theirs where it has none of its own
    (a symbol without a box: the word's), its OCR reading where ocrfix corrected it; None without text."""
    glyphs = tuple(Glyph(text=str(s.get("text", "")), box=_box(s, page, name), conf=_conf(s), ref=json.dumps([*path, "symbols", i]))
                   for i, s in _items(word, "symbols"))
    text = "".join(g.text for g in glyphs)
    if not text.strip():
        return None
    box = _box(word, page, name) or (Box.union([g.box for g in glyphs if g.box]) if any(g.box for g in glyphs) else None)
    if box is None:
        raise InputError(f"{name}: word {text!r} ({'/'.join(map(str, path))}) has no boundingBox")
    original = word.get(ORIGINAL_KEY)
    return Word(text=text, box=box, conf=_conf(word), glyphs=tuple(g if g.box else Glyph(g.text, box, g.conf, ref=g.ref) for g in glyphs),
                ref=json.dumps([*path]), correction=Correction(original) if isinstance(original, str) else None)


def read(data: bytes, name: str) -> Document:
    value = _parse(data, name)
    annotations = _annotations(value)
    if annotations is None:
        raise InputError(f"{name}: JSON that is not a Google Cloud Vision text annotation (fullTextAnnotation with pages)")
    pages = []
    for path, annotation in annotations:
        for p, page in enumerate(annotation["pages"]):
            blocks = tuple(b for b in (_paragraph(par, (*path, "pages", p, "blocks", i, "paragraphs", j), page, name)
                                       for i, block in _items(page, "blocks") for j, par in _items(block, "paragraphs")) if b is not None)
            width, height = page.get("width"), page.get("height")
            box = Box(0, 0, round(width), round(height)) if _number(width) and _number(height) and width and height else Box.union([b.box for b in blocks] or [Box(0, 0, 0, 0)])
            pages.append(Page(blocks=blocks, box=box, ref=json.dumps([*path, "pages", p])))
    return Document(format="gcv", pages=tuple(pages), name=name, source=data, software=SOFTWARE)


def _text(annotation: dict) -> str:
    """The annotation's full text from its symbols and their breaks (as the API writes ``text``)."""
    return "".join(str(s.get("text", "")) + BREAKS.get(_break(s), "") for page in annotation["pages"]
                   for _, block in _items(page, "blocks") for _, par in _items(block, "paragraphs")
                   for _, word in _items(par, "words") for _, s in _items(word, "symbols"))


def _fix_word(value: Any, path: Path, word: Word) -> None:
    node = _container(value, (*path, None))  # (the node at ``path`` itself)
    symbols = [s for _, s in _items(node, "symbols")]
    pieces = [g.text for g in word.glyphs]
    if len(pieces) != len(symbols) or "".join(pieces) != word.text:  # symbols not one character each
        pieces = [word.text] + [""] * (len(symbols) - 1)
    for symbol, piece in zip(symbols, pieces):
        symbol["text"] = piece
    node.setdefault(ORIGINAL_KEY, word.correction.original)


def write(doc: Document) -> bytes:
    value = patched(doc, _fix_word)
    for path, annotation in _annotations(value) or []:
        if isinstance(annotation.get("text"), str):
            annotation["text"] = _text(annotation)
    return _dump(value)


def build(doc: Document) -> bytes:
    """A Google Cloud Vision ``fullTextAnnotation`` from any document with geometry: one block
    and paragraph per block, a symbol per glyph (or per character, the word's box cut into equal
    parts), a line break after each line's last symbol."""
    def bounds(box: Box | None) -> dict:
        return {} if box is None else {"boundingBox": {"vertices": [{"x": box.x0, "y": box.y0}, {"x": box.x1, "y": box.y0},
                                                                   {"x": box.x1, "y": box.y1}, {"x": box.x0, "y": box.y1}]}}

    def within(box: Box | None, line: Box | None) -> Box | None:
        """``box`` cut to ``line``'s box where it reaches past it: GCV has no lines, a line is read
        back as its words' union, and an engine's word boxes can be larger than its line (Tesseract's
        reach into the rows above and below: lines read back overlapping mix their columns)."""
        if box is None or line is None or box.x1 <= line.x0 or box.x0 >= line.x1 or box.y1 <= line.y0 or box.y0 >= line.y1:
            return box
        return Box(max(box.x0, line.x0), max(box.y0, line.y0), min(box.x1, line.x1), min(box.y1, line.y1))

    def symbols(word: Word, line: Box | None) -> list[dict]:
        if len(word.glyphs) == len(word.text) and all(g.box for g in word.glyphs):
            parts = [(g.text, within(g.box, line)) for g in word.glyphs]
        else:
            b, n = within(word.box, line), max(len(word.text), 1)
            parts = [(ch, None if b is None else Box(b.x0 + b.width * i // n, b.y0, b.x0 + b.width * (i + 1) // n, b.y1))
                     for i, ch in enumerate(word.text)]
        return [{"text": ch, **bounds(box)} for ch, box in parts]

    pages = []
    for page in doc.pages:
        blocks = []
        for block in page.blocks:
            words = []
            for line in block.lines:
                line_words = [{**bounds(within(w.box, line.box)), "symbols": symbols(w, line.box),
                               **({ORIGINAL_KEY: w.correction.original} if w.correction else {})}
                              for w in line.words if w.text]
                for word in line_words[:-1]:
                    word["symbols"][-1]["property"] = {"detectedBreak": {"type": "SPACE"}}
                if line_words:
                    line_words[-1]["symbols"][-1]["property"] = {"detectedBreak": {"type": "EOL_SURE_SPACE"}}
                words.extend(line_words)
            blocks.append({**bounds(block.box), "blockType": "TEXT", "paragraphs": [{**bounds(block.box), "words": words}]})
        pages.append({"width": page.box.x1 if page.box else 0, "height": page.box.y1 if page.box else 0, "blocks": blocks})
    annotation: dict[str, Any] = {"pages": pages}
    annotation["text"] = _text(annotation)
    return _dump({"fullTextAnnotation": annotation})
