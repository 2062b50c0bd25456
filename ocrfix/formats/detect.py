"""Recognize an OCR file's format from its content (not its file name)."""
from __future__ import annotations

from lxml import etree

from ..errors import InputError
from .xmlutil import local, parse_markup

ALTO_NAMESPACES = {
    "http://www.loc.gov/standards/alto/ns-v2#": 2,
    "http://www.loc.gov/standards/alto/ns-v3#": 3,
    "http://www.loc.gov/standards/alto/ns-v4#": 4,
}
PAGE_NAMESPACE_PREFIX = "http://schema.primaresearch.org/PAGE/gts/pagecontent/"
#: The namespace of the PAGE files ocrfix builds (it reads every version: 2010-03-19 … 2019-07-15).
PAGE_NAMESPACE = PAGE_NAMESPACE_PREFIX + "2019-07-15"

_XML_STARTS = (b"<?xml", b"<!doctype", b"<alto", b"<pcgts", b"<html", b"<document", b"<!--")


#: How a UTF-16 XML file starts (a byte-order mark, or ``<`` beside a NUL byte), and its codec.
_UTF16_STARTS = {b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16", b"<\x00": "utf-16-le", b"\x00<": "utf-16-be"}


def looks_like_xml(data: bytes) -> bool:
    """True when the content starts like an XML/XHTML document (after a BOM and whitespace),
    in UTF-8 or in UTF-16 (as Windows tools may save it; lxml reads either)."""
    head = data[:512]
    codec = next((c for start, c in _UTF16_STARTS.items() if head.startswith(start)), None)
    if codec:
        head = head.decode(codec, "ignore").encode("utf-8")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_XML_STARTS) or (head.startswith(b"<") and b":" in head[:64] and b"=" in head[:200])


def tree_format(tree: etree._ElementTree, name: str) -> str:
    """The XML format (:data:`~ocrfix.formats.registry.XML_FORMATS`) of a parsed tree, asked of
    each format's detector in turn; InputError for any other XML."""
    from .registry import XML_FORMATS, xml_format

    root = tree.getroot()
    for fmt in XML_FORMATS:
        if xml_format(fmt).detect(root, name):
            return fmt
    raise InputError(f"{name}: root element <{local(root)}> (namespace {etree.QName(root).namespace!r}) "
                     "is not hOCR, ALTO, PAGE or ABBYY FineReader XML")


def detect_format(data: bytes | str, name: str = "<input>") -> str:
    """One of :data:`~.registry.FORMATS` ('text', 'paddle', 'gcv', 'azure', 'textract', 'tsv', 'hocr', 'alto', 'page',
    'abbyy'), from the content of a file."""
    from .registry import content_kind

    raw = data.encode("utf-8") if isinstance(data, str) else data
    kind = content_kind(raw, None)
    return tree_format(parse_markup(raw, name), name) if kind == "xml" else kind
