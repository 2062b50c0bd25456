"""Reading any supported file into a :class:`Document` and writing one back out."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from ..settings import MAX_INPUT_BYTES
from ..textio import read_bytes, decode_text
from .detect import tree_format
from .model import Document
from .plaintext import read_text_document
from .registry import FLAT_FORMATS, FORMATS, content_kind, flat_format, xml_format
from .xmlutil import parse_markup


def parse_document(data: bytes, name: str = "<input>", fmt: str | None = None, encoding: str | None = None) -> Document:
    """A :class:`Document` from the bytes of a file; ``fmt`` forces the format (else detected)."""
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"{name}: unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    kind = content_kind(data, fmt)
    if kind == "text":
        return read_text_document(decode_text(data, name, encoding), name)
    if not data.strip():
        raise InputError(f"{name}: empty file (no text)")
    doc = flat_format(kind).read(data, name) if kind in FLAT_FORMATS else _read_markup(data, name, fmt)
    if not doc.text().strip():  # a blank page is refused in every format, as an empty text file is
        raise InputError(f"{name}: {doc.format} file without any text")
    _refuse_unwritable(doc, name)
    return doc


#: What no XML file holds and UTF-8 does not encode: the C0 controls but tab, line feed and carriage
#: return (an HTML-parsed hOCR, JSON or TSV can carry them), lone surrogates (``"\\ud800"`` in
#: JSON), U+FFFE and U+FFFF.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _refuse_unwritable(doc: Document, name: str) -> None:
    """InputError for a reading of a word or glyph holding an :data:`_UNWRITABLE` character: the
    page could be read but not written in an XML format or as UTF-8 text."""
    for word in doc.words():
        readings = (word.text, *word.alternatives, *(r for g in word.glyphs for r in (g.text, *(a.text for a in g.alternatives))))
        for reading in readings:
            found = _UNWRITABLE.search(reading)
            if found:
                raise InputError(f"{name}: the word {word.text[:40]!r} holds U+{ord(found.group()):04X}, which no XML file holds "
                                 "(a control character, lone surrogate or noncharacter)")


def _read_markup(data: bytes, name: str, fmt: str | None) -> Document:
    """The :class:`Document` of an XML file (hOCR, ALTO, PAGE, ABBYY); ``fmt``, where given, must be its format."""
    tree = parse_markup(data, name)
    found = tree_format(tree, name)
    if fmt is not None and found != fmt:
        raise InputError(f"{name}: --format {fmt} given but the file is {found}")
    return xml_format(found).read(tree, name, data)


def read_document(path: str | Path, fmt: str | None = None, encoding: str | None = None) -> Document:
    """Read a file of any of :data:`~.registry.FORMATS` (``-`` = stdin); raise InputError if unusable."""
    name = "<stdin>" if str(path) == "-" else str(path)
    return parse_document(read_bytes(path, MAX_INPUT_BYTES), name, fmt, encoding)


def write_document(doc: Document, fmt: str | None = None) -> bytes:
    """The document (with any applied edits) as bytes in ``fmt`` (default: its own format).

    Into its own format, the source file's tree is patched (everything else in it is kept);
    into another XML format a new file is built from the model (pages, blocks, lines, words,
    glyphs, boxes, confidences, IDs, corrections). ``text`` is the column-wrapped text.
    """
    fmt = fmt or doc.format
    if fmt == "text":
        return doc.text().encode("utf-8")
    if fmt not in FORMATS:
        raise InputError(f"unknown output format {fmt!r} (one of {', '.join(FORMATS)})")
    writer = flat_format(fmt) if fmt in FLAT_FORMATS else xml_format(fmt)
    if fmt == doc.format:
        return writer.write(doc)
    if not doc.has_geometry:
        raise InputError(f"{doc.name}: plain text has no line geometry to write as {fmt}; use --output-format text")
    return writer.build(doc)
