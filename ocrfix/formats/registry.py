"""The supported file formats, in one place: plain text, the JSON formats (PaddleOCR/RapidOCR/Surya
``paddle``, :mod:`.paddle`; Google Cloud Vision ``gcv``, :mod:`.gcv`; Azure Read / Document Intelligence
``azure``, :mod:`.azure`; Amazon Textract ``textract``, :mod:`.textract`), Tesseract's TSV (``tsv``, :mod:`.tsv`) and one module per XML format (hOCR, ALTO, PAGE, ABBYY FineReader XML).

Each XML format's module ends with ``FORMAT = XmlFormat(detect, read, write, build)``; a new
format is that module plus one line in :data:`XML_FORMATS`. The modules are imported on first
use, so naming the formats (``--format`` choices) loads no XML library.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable, NamedTuple

if TYPE_CHECKING:
    from lxml import etree

    from .model import Document

#: XML format name -> its module in :mod:`ocrfix.formats`.
XML_FORMATS = {"hocr": "hocr", "alto": "alto", "page": "page", "abbyy": "abbyy"}
#: Name -> module of the formats whose module reads the file's bytes itself (``read(bytes, name)``,
#: ``write``, ``build``): the JSON formats (told apart by :func:`json_format_of`) and Tesseract's TSV.
FLAT_FORMATS = {"paddle": "paddle", "gcv": "gcv", "azure": "azure", "textract": "textract", "tsv": "tsv"}
#: Every format a file can be read as or written in.
FORMATS = ("text", *FLAT_FORMATS, *XML_FORMATS)
#: The endings of the files a directory input holds OCR in (the format is still told from the content),
#: each also gzip-compressed (``.xml.gz``; the Internet Archive's ``_abbyy.gz`` ends in ``.gz`` only).
OCR_SUFFIXES = (".txt", ".xml", ".hocr", ".html", ".json", ".tsv")
_OCR_NAME_ENDS = (*OCR_SUFFIXES, *(s + ".gz" for s in OCR_SUFFIXES), "_abbyy.gz")


def ocr_file_patterns() -> str:
    """:data:`OCR_SUFFIXES` as the patterns a message names (``*.txt, *.xml, …``)."""
    return ", ".join("*" + s for s in OCR_SUFFIXES) + " (also .gz)"


def is_ocr_file_name(name: str) -> bool:
    """Whether a file name ends like an OCR file of :data:`OCR_SUFFIXES` (or ``_abbyy.gz``)."""
    return name.endswith(_OCR_NAME_ENDS)


class XmlFormat(NamedTuple):
    #: Whether a parsed file is in this format, from its root element and file name (an
    #: InputError for a version of the format that is not supported).
    detect: Callable[["etree._Element", str], bool]
    #: The document of a parsed file: (tree, file name, the file's bytes) -> Document.
    read: Callable[["etree._ElementTree", str, bytes], "Document"]
    #: A document read from this format, with its edits, back into its own tree (all else kept).
    write: Callable[["Document"], bytes]
    #: A new file in this format from any document with geometry.
    build: Callable[["Document"], bytes]


def xml_format(name: str) -> XmlFormat:
    """The reader, writer and detector of the XML format ``name`` (a key of :data:`XML_FORMATS`)."""
    return importlib.import_module(f".{XML_FORMATS[name]}", __package__).FORMAT


def flat_format(name: str):
    """The module of the format ``name`` (a key of :data:`FLAT_FORMATS`)."""
    return importlib.import_module(f".{FLAT_FORMATS[name]}", __package__)


def json_format_of(data: bytes) -> str | None:
    """The JSON format whose shape the content has, or None. Azure's first: a Document Intelligence
    result alone has ``pages`` and ``paragraphs``, as a Google Cloud Vision annotation has."""
    from .azure import looks_like_azure
    from .gcv import looks_like_gcv
    from .paddle import looks_like_paddle
    from .textract import looks_like_textract

    for fmt, looks_like in (("azure", looks_like_azure), ("textract", looks_like_textract), ("gcv", looks_like_gcv),
                            ("paddle", looks_like_paddle)):
        if looks_like(data):
            return fmt
    return None


def content_kind(data: bytes, fmt: str | None) -> str:
    """How a file is read: ``"text"``, a flat format's name or ``"xml"``, from ``fmt`` or, when
    no format is given, from the content (neither XML, JSON nor Tesseract TSV: text). JSON of no
    known shape, or JSON that does not parse, goes to the ``paddle`` reader, which names what is
    wrong with it."""
    from .detect import looks_like_xml
    from .paddle import looks_like_json
    from .tsv import looks_like_tsv

    if fmt is not None:
        return fmt if fmt == "text" or fmt in FLAT_FORMATS else "xml"
    if looks_like_xml(data):
        return "xml"
    if looks_like_tsv(data):
        return "tsv"
    return json_format_of(data) or ("paddle" if looks_like_json(data) else "text")


def is_plain_text(data: bytes, fmt: str | None) -> bool:
    """Whether a file is read as plain text: ``fmt`` says so, or no format is given and the
    content is neither XML, JSON nor Tesseract TSV. The one place text is told apart."""
    return content_kind(data, fmt) == "text"
