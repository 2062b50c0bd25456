"""Recognize an OCR file's format from its content (not its file name)."""
from __future__ import annotations

from lxml import etree

from ..errors import InputError
from .xmlutil import local, parse_xml

ALTO_NAMESPACES = {
    "http://www.loc.gov/standards/alto/ns-v2#": 2,
    "http://www.loc.gov/standards/alto/ns-v3#": 3,
    "http://www.loc.gov/standards/alto/ns-v4#": 4,
}
PAGE_NAMESPACE = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"

_XML_STARTS = (b"<?xml", b"<!doctype", b"<alto", b"<pcgts", b"<html", b"<!--")


def looks_like_xml(data: bytes) -> bool:
    """True when the content starts like an XML/XHTML document (after a BOM and whitespace)."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_XML_STARTS) or (head.startswith(b"<") and b":" in head[:64] and b"=" in head[:200])


def tree_format(tree: etree._ElementTree, name: str) -> str:
    """'hocr', 'alto' or 'page' for a parsed tree; InputError for any other XML."""
    root = tree.getroot()
    tag, ns = local(root), etree.QName(root).namespace
    if tag == "alto":
        if ns not in ALTO_NAMESPACES:
            known = ", ".join(ALTO_NAMESPACES)
            raise InputError(f"{name}: <alto> in namespace {ns!r} is not a supported ALTO version (v2–v4: {known})")
        return "alto"
    if tag == "PcGts":
        if ns != PAGE_NAMESPACE:
            raise InputError(f"{name}: <PcGts> in namespace {ns!r} is not PAGE 2019 ({PAGE_NAMESPACE})")
        return "page"
    if tag == "html":
        if root.xpath("//*[starts-with(@class, 'ocr_') or starts-with(@class, 'ocrx_')]"):
            return "hocr"
        raise InputError(f"{name}: <html> without ocr_* classes is not hOCR")
    raise InputError(f"{name}: root element <{tag}> (namespace {ns!r}) is not hOCR, ALTO or PAGE XML")


def detect_format(data: bytes | str, name: str = "<input>") -> str:
    """'text', 'hocr', 'alto' or 'page', from the content of a file."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not looks_like_xml(raw):
        return "text"
    return tree_format(parse_xml(raw, name), name)
