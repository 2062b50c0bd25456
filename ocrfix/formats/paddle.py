"""PaddleOCR, RapidOCR and Surya results saved as JSON: the engine's text lines, each with its box and score.

These shapes are read, the ones these engines' own tools write:

* PaddleOCR 3.x (``result.save_to_json()``, ``paddleocr ocr --save_path``): an object with
  ``rec_texts``, ``rec_scores`` and ``rec_boxes`` (``[x0, y0, x1, y1]``) or ``rec_polys``, at the
  top or under ``"res"``; a list of such objects is a document of several pages;
* PaddleOCR 2.x (``PaddleOCR().ocr()`` dumped with ``json.dump``): ``[[polygon, [text, score]], ...]``,
  or a list of those, one per page (``null`` for a page without text);
* RapidOCR (``RapidOCROutput.to_json()``): ``[{"box": polygon, "txt": text, "score": score}, ...]``;
  its result's fields dumped as they are, ``{"boxes": [...], "txts": [...], "scores": [...]}``; and
  RapidOCR 1.x's ``[[polygon, text, score], ...]``;
* PaddleOCR's label and ``predict_system.py`` format: ``[{"transcription": text, "points": polygon}, ...]``;
* Surya (``surya_ocr``'s ``results.json``): ``{NAME: [page, ...]}``, each page ``{"text_lines": [{"text": text,
  "polygon": polygon, "bbox": [x0, y0, x1, y1], "confidence": score, "chars": [...]}, ...]}`` (a page, or a list
  of pages, alone is read too); its per-character boxes are not read, and a corrected line's ``chars``
  keep the engine's reading, as ``ocrfix_original`` does.

Any of them may also come as JSON Lines, one page a line, each line optionally after an image
name and a tab (``system_results.txt``: ``NAME<TAB>[...]``); they are written back the same way.

Each text line is a :class:`~.model.Line` of one word (PP-OCR gives no word or character boxes),
or, where it runs across a column gutter that the page's other lines set out, one line of one word
per column it crosses (see :mod:`.gutter_cuts`; written back as the one line it is). Its score
is the word's confidence, and the file names its engine (``PaddleOCR`` or ``RapidOCR``; a file
built by ocrfix from another format keeps that format's engine in ``ocr_software``), so the
``ppocr`` profile corrects it unless told otherwise. Writing back replaces each corrected
line's text in the original JSON and keeps everything else; the OCR reading a corrected line
replaced is kept beside it where the shape has room (RapidOCR's items: ``ocrfix_original``;
PaddleOCR 3.x: ``ocrfix_original_texts``, aligned with ``rec_texts``), not in PaddleOCR 2.x lists.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Callable, NamedTuple

from ..errors import InputError
from .gutter_cuts import cuts
from .model import Block, Box, Correction, Document, Line, Page, Word, join_words

SOFTWARE_KEY, ORIGINAL_KEY, ORIGINALS_KEY = "ocr_software", "ocrfix_original", "ocrfix_original_texts"
#: A path into the JSON value: the keys and indices that lead to one line's text.
Path = tuple[str | int, ...]


class Entry(NamedTuple):
    """One text line of the JSON: where its text is, and what the engine said of it."""

    path: Path
    text: str
    score: float | None
    box: Box | None
    original: str | None  # the OCR reading, when ocrfix corrected the line before


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _list(value: Any) -> list:
    """``value`` when it is a list, else an empty one (a field of the wrong type says nothing)."""
    return value if isinstance(value, list) else []


def _points(value: Any) -> Box | None:
    """The box around a polygon ``[[x, y], ...]`` or of a rectangle ``[x0, y0, x1, y1]``."""
    if isinstance(value, list) and len(value) == 4 and all(map(_number, value)):
        x0, y0, x1, y1 = value
    elif isinstance(value, list) and value and all(isinstance(p, list) and len(p) == 2 and all(map(_number, p)) for p in value):
        x0, x1 = min(p[0] for p in value), max(p[0] for p in value)
        y0, y1 = min(p[1] for p in value), max(p[1] for p in value)
    else:
        return None
    return Box(int(x0), int(y0), int(round(x1)), int(round(y1)))


def _paddle3_lines(page: Any, prefix: Path) -> list[Entry] | None:
    """The text lines of a PaddleOCR 3.x page result (its ``rec_texts`` at the top or under
    ``"res"``; ``prefix``: the path to ``page``), or None when ``page`` is not one."""
    if isinstance(page, dict) and isinstance(page.get("res"), dict):
        page, prefix = page["res"], (*prefix, "res")
    if not (isinstance(page, dict) and isinstance(page.get("rec_texts"), list)):
        return None
    texts, scores = page["rec_texts"], _list(page.get("rec_scores"))
    boxes = _list(page.get("rec_boxes")) or _list(page.get("rec_polys"))
    originals = _list(page.get(ORIGINALS_KEY))
    return [Entry((*prefix, "rec_texts", i), str(text), scores[i] if i < len(scores) and _number(scores[i]) else None,
                  _points(boxes[i]) if i < len(boxes) else None,
                  originals[i] if i < len(originals) and isinstance(originals[i], str) else None)
            for i, text in enumerate(texts)]


def _surya_lines(page: Any, prefix: Path) -> list[Entry] | None:
    """The text lines of a Surya page result (``text_lines``; ``prefix``: the path to ``page``), or
    None when ``page`` is not one."""
    if not (isinstance(page, dict) and isinstance(page.get("text_lines"), list)
            and all(isinstance(line, dict) and isinstance(line.get("text"), str) for line in page["text_lines"])):
        return None
    return [Entry((*prefix, "text_lines", i, "text"), line["text"],
                  line["confidence"] if _number(line.get("confidence")) else None,
                  _points(line.get("polygon")) or _points(line.get("bbox")),
                  line[ORIGINAL_KEY] if isinstance(line.get(ORIGINAL_KEY), str) else None)
            for i, line in enumerate(page["text_lines"])]


def _surya_pages(value: Any) -> list[list[Entry]] | None:
    """The pages of Surya's ``results.json`` (``{NAME: [page, ...]}``, every page of every name in
    turn), or None when ``value`` is not one."""
    if not (isinstance(value, dict) and value and all(isinstance(pages, list) and pages for pages in value.values())):
        return None
    pages = [_surya_lines(page, (name, k)) for name, name_pages in value.items() for k, page in enumerate(name_pages)]
    return None if any(lines is None for lines in pages) else pages


def _is_rapid_item(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("txt"), str) and "box" in item


def _is_label_item(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("transcription"), str) and "points" in item


def _is_rapid1_item(item: Any) -> bool:
    return isinstance(item, list) and len(item) == 3 and isinstance(item[1], str) and _points(item[0]) is not None


def _rapid_fields(page: Any) -> list[Entry] | None:
    """The text lines of RapidOCR's result fields (``txts`` with ``boxes`` and ``scores``), or None."""
    if not (isinstance(page, dict) and isinstance(page.get("txts"), list) and all(isinstance(t, str) for t in page["txts"])):
        return None
    boxes, scores, originals = _list(page.get("boxes")), _list(page.get("scores")), _list(page.get(ORIGINALS_KEY))
    return [Entry(("txts", i), text, scores[i] if i < len(scores) and _number(scores[i]) else None,
                  _points(boxes[i]) if i < len(boxes) else None,
                  originals[i] if i < len(originals) and isinstance(originals[i], str) else None)
            for i, text in enumerate(page["txts"])]


def _items(value: list, text_key: Any, box_key: Any, score_key: Any) -> list[Entry]:
    """Text lines that are items of a list, each holding its text, box and score under these keys."""
    def get(item: Any, key: Any) -> Any:
        return item.get(key) if isinstance(item, dict) else item[key] if key is not None else None

    return [Entry((i, text_key), get(item, text_key), get(item, score_key) if _number(get(item, score_key)) else None,
                  _points(get(item, box_key)), item.get(ORIGINAL_KEY) if isinstance(item, dict) else None)
            for i, item in enumerate(value)]


def _is_paddle2_item(item: Any) -> bool:
    return (isinstance(item, list) and len(item) == 2 and isinstance(item[1], (list, tuple)) and len(item[1]) == 2
            and isinstance(item[1][0], str) and _points(item[0]) is not None)


def _is_paddle2_page(page: Any) -> bool:
    return page is None or (isinstance(page, list) and all(map(_is_paddle2_item, page)))


def pages_of(value: Any) -> tuple[str, list[list[Entry]]] | None:
    """(the engine, each page's text lines) of a parsed JSON value, or None when it is not one of
    the shapes of the module docstring."""
    single = _paddle3_lines(value, ())
    if single is not None:
        return value.get(SOFTWARE_KEY) or "PaddleOCR", [single]
    fields = _rapid_fields(value)
    if fields is not None:
        return value.get(SOFTWARE_KEY) or "RapidOCR", [fields]
    surya = _surya_lines(value, ())
    if surya is not None:
        return "Surya", [surya]
    named = _surya_pages(value)
    if named is not None:
        return "Surya", named
    if not isinstance(value, list) or not value:
        return None
    pages = [_paddle3_lines(page, (k,)) for k, page in enumerate(value)]
    if all(lines is not None for lines in pages):
        software = next((page.get(SOFTWARE_KEY) for page in value if page.get(SOFTWARE_KEY)), "PaddleOCR")
        return software, pages
    pages = [_surya_lines(page, (k,)) for k, page in enumerate(value)]
    if all(lines is not None for lines in pages):
        return "Surya", pages
    if all(map(_is_rapid_item, value)):
        return "RapidOCR", [_items(value, "txt", "box", "score")]
    if all(map(_is_rapid1_item, value)):
        return "RapidOCR", [_items(value, 1, 0, 2)]
    if all(map(_is_label_item, value)):
        return "PaddleOCR", [_items(value, "transcription", "points", None)]
    if all(map(_is_paddle2_item, value)):
        return "PaddleOCR", [_paddle2_entries(value, ())]
    if all(map(_is_paddle2_page, value)):
        return "PaddleOCR", [_paddle2_entries(page or [], (k,)) for k, page in enumerate(value)]
    return None


def _paddle2_entries(page: list, prefix: Path) -> list[Entry]:
    return [Entry((*prefix, i, 1, 0), text, score if _number(score) else None, _points(poly), None)
            for i, (poly, (text, score)) in enumerate(page)]


class JsonLines(NamedTuple):
    """A file of one JSON value a line (JSON Lines), each line optionally after a name and a tab."""

    prefixes: list[str]  # what comes before each line's JSON ("" or "NAME\t")
    values: list[Any]


def _json_line(line: str) -> tuple[str, str]:
    """(prefix, JSON) of a line: ``NAME<TAB>`` is a prefix when JSON follows it."""
    name, tab, rest = line.partition("\t")
    return (name + tab, rest) if tab and not name.lstrip().startswith(("{", "[")) and rest.lstrip().startswith(("{", "[")) else ("", line)


def _loads(text: str, name: str) -> Any:
    """``json.loads``; what it parses but Python cannot hold, an InputError: values nested
    thousands deep (RecursionError) and integers of more digits than ``int`` converts."""
    try:
        return json.loads(text)
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply to read") from None
    except json.JSONDecodeError:
        raise
    except ValueError as err:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise InputError(f"{name}: JSON with a number too long to read ({str(err).split(':')[0]})") from None


def _parse(data: bytes, name: str) -> Any:
    """The JSON value of a file, or its :class:`JsonLines` when it holds one value a line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{name}: JSON that is not UTF-8 ({err.reason} at byte {err.start})") from None
    try:
        return _loads(text, name)
    except json.JSONDecodeError as err:
        lines = [_json_line(line) for line in text.splitlines() if line.strip()]
        if len(lines) > 1 or (lines and lines[0][0]):
            try:
                return JsonLines([p for p, _ in lines], [_loads(j, name) for _, j in lines])
            except json.JSONDecodeError:
                pass
        raise InputError(f"{name}: not valid JSON ({err.msg}, line {err.lineno} column {err.colno}); "
                         "--format text reads it as plain text") from None


def _results(value: Any) -> tuple[str, list[list[Entry]]] | None:
    """:func:`pages_of` of a JSON value, or of each line of a :class:`JsonLines` (its pages in turn)."""
    if not isinstance(value, JsonLines):
        return pages_of(value)
    found = [pages_of(v) for v in value.values]
    if not found or any(f is None for f in found):
        return None
    return found[0][0], [[e._replace(path=(k, *e.path)) for e in page] for k, (_, pages) in enumerate(found) for page in pages]


#: How a JSON document (or a line of JSON Lines) opens: an object with a key, or an array of arrays,
#: objects or strings. Plain text hardly opens so (``[1] 张三`` does not).
_JSON_OPENING = re.compile(r'\{\s*["}]|\[\s*[\[{"\]]')


def looks_like_json(data: bytes) -> bool:
    """Whether a file's content opens like a JSON document (or JSON Lines), whether or not it parses:
    such a file is read as JSON, so that a truncated or foreign one gets a clear error instead of
    being corrected as text (its braces and quotes reflowed)."""
    head = _json_line(data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").decode("utf-8", "replace"))[1]
    return _JSON_OPENING.match(head.lstrip()) is not None


def looks_like_paddle(data: bytes) -> bool:
    """Whether a file's content is an OCR result of PaddleOCR or RapidOCR as JSON (or JSON Lines)."""
    if not looks_like_json(data):
        return False
    try:
        return _results(_parse(data, "")) is not None
    except InputError:
        return False


def _lines(entry: Entry, pieces: list[tuple[int, Box]]) -> list[Line]:
    """The lines of the document for one text line of the JSON: itself, of one word, or where it
    runs across a column gutter (``pieces``, see :func:`.gutter_cuts.cuts`) one line per piece,
    each of one word (its text without the blank around it), all of them with the entry's path
    as their ``ref``. A line corrected before (its OCR reading kept beside it) is not cut: its
    reading is the whole line's."""
    ref = json.dumps(entry.path)
    if entry.original is not None or not pieces:
        word = Word(text=entry.text, box=entry.box, conf=entry.score, ref=ref,
                    correction=None if entry.original is None else Correction(entry.original))
        return [Line(words=(word,), box=entry.box, ref=ref)]
    bounds = [k for k, _ in pieces] + [len(entry.text)]
    return [Line(words=(Word(text=entry.text[a:b].strip(), box=box, conf=entry.score, ref=ref),), box=box, ref=ref)
            for (a, box), b in zip(pieces, bounds[1:])]


def read(data: bytes, name: str) -> Document:
    found = _results(_parse(data, name))
    if found is None:
        raise InputError(f"{name}: JSON that is not a PaddleOCR, RapidOCR, Surya, Google Cloud Vision, Azure or Amazon Textract "
                         "result (rec_texts/rec_boxes, [[polygon, [text, score]], ...], [{box, txt, score}, ...], text_lines, "
                         "fullTextAnnotation, analyzeResult/readResult, or Blocks); --format text reads it as plain text")
    software, pages = found
    doc_pages = []
    for k, entries in enumerate(pages):
        entries = [e for e in entries if e.text.strip()]
        lines = tuple(line for e, pieces in zip(entries, cuts([(e.text, e.box) for e in entries])) for line in _lines(e, pieces))
        boxes = [line.box for line in lines if line.box is not None]
        box = Box.union(boxes) if boxes else None
        doc_pages.append(Page(blocks=(Block(lines=lines, box=box),) if lines else (), box=box, ref=str(k)))
    return Document(format="paddle", pages=tuple(doc_pages), name=name, source=data, software=software)


def _container(value: Any, path: Path) -> Any:
    if isinstance(value, JsonLines):
        value = value.values
    for key in path[:-1]:
        value = value[key]
    return value


def _record_original(value: Any, path: Path, original: str) -> None:
    """Keep the OCR reading of a corrected line where the shape has room (the first one only)."""
    if path[-1] in ("txt", "transcription", "text"):  # RapidOCR, PaddleOCR labels, Surya: the item itself
        _container(value, path).setdefault(ORIGINAL_KEY, original)
    elif path[-2] in ("rec_texts", "txts"):  # PaddleOCR 3.x, RapidOCR fields: a list beside the texts
        page = _container(value, path[:-1])
        originals = page.setdefault(ORIGINALS_KEY, [None] * len(page[path[-2]]))
        if originals[path[-1]] is None:
            originals[path[-1]] = original


def _dump(value: Any) -> bytes:
    if isinstance(value, JsonLines):
        return "".join(p + json.dumps(v, ensure_ascii=False) + "\n" for p, v in zip(value.prefixes, value.values)).encode("utf-8")
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def patched(doc: Document, fix: Callable[[Any, Path, Word], None]) -> Any:
    """The document's source JSON with ``fix(value, path, word)`` done for each corrected word
    (``path``: the word's ``ref``, a JSON path into the value)."""
    value = _parse(doc.source, doc.name)
    for word in doc.words():
        if word.correction is not None:
            fix(value, tuple(json.loads(word.ref)), word)
    return value


def _fix_line(value: Any, path: Path, word: Word) -> None:
    _container(value, path)[path[-1]] = word.text
    _record_original(value, path, word.correction.original)


def _line_text(source: str, words: list[Word]) -> str:
    """The text of a JSON line (``source``) read as the pieces ``words`` (in order, see
    :func:`_lines`) after their corrections: each piece's OCR reading replaced where it stands
    in ``source``, the blanks between them kept."""
    out, at = [], 0
    for word in words:
        reading = word.correction.original if word.correction else word.text
        found = source.find(reading, at)
        start = at if found < 0 else found
        out.append(source[at:start] + word.text)
        at = start + len(reading)
    return "".join(out) + source[at:]


def write(doc: Document) -> bytes:
    value = _parse(doc.source, doc.name)
    lines: dict[str, list[Word]] = {}  # a JSON line's words: one, or its pieces (a page grouped into stories may part them)
    for word in doc.words():
        lines.setdefault(word.ref, []).append(word)
    for ref, words in lines.items():
        if not any(word.correction for word in words):
            continue
        path = tuple(json.loads(ref))
        if len(words) == 1:
            _fix_line(value, path, words[0])
        else:
            container = _container(value, path)
            source = container[path[-1]]
            container[path[-1]] = _line_text(source, sorted(words, key=lambda w: w.box.x0))
            _record_original(value, path, source)
    return _dump(value)


def build(doc: Document) -> bytes:
    """A PaddleOCR 3.x result (a list of them for several pages) from any document with geometry,
    one line per line of the document, naming the document's engine in ``ocr_software``."""
    pages = [_record(page, doc.software) for page in doc.pages]
    return _dump(pages[0] if len(pages) == 1 else pages)


def _record(page: Page, software: str | None) -> dict[str, Any]:
    """A page's PaddleOCR 3.x result: per line its text, its words' mean confidence, its box and,
    where ocrfix corrected a word of it, its OCR reading."""
    lines = [line for block in page.blocks for line in block.lines]
    scores = [[w.conf for w in line.words if w.conf is not None] for line in lines]
    record: dict[str, Any] = {
        "rec_texts": [line.text() for line in lines],
        "rec_scores": [sum(s) / len(s) if s else None for s in scores],
        "rec_boxes": [list(line.box) if line.box else None for line in lines],
    }
    originals = [_ocr_reading(line) for line in lines]
    if any(o is not None for o in originals):
        record[ORIGINALS_KEY] = originals
    if software:
        record[SOFTWARE_KEY] = software
    return record


def _ocr_reading(line: Line) -> str | None:
    """A line's OCR reading where ocrfix corrected a word of it, else None."""
    if not any(w.correction for w in line.words):
        return None
    return join_words([w.correction.original if w.correction else w.text for w in line.words])
